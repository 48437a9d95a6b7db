"""A real SMTP server on 127.0.0.1 (aiosmtpd) with STARTTLS and AUTH, and scripted faults, for delivery tests."""

from __future__ import annotations

import socket
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes
from email.policy import default

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

USER, PASSWORD = "reportgen@zone.example", "s3cret-口令"


def tls_context():
    """(a throwaway CA, the server's TLS context with a certificate for 127.0.0.1 signed by it)."""
    import trustme

    ca = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    return ca, context


@contextmanager
def trusted_server(folder) -> Iterator[SMTPServer]:
    """A running server; `server.cafile` (written into `folder`) is the CA a client must trust."""
    ca, context = tls_context()
    cafile = folder / "ca.pem"
    ca.cert_pem.write_to_path(str(cafile))
    with SMTPServer(context) as server:
        server.cafile = cafile
        yield server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Handler:
    """Stores what arrives; `faults` maps an address to replies used one per attempt (then 250)."""

    def __init__(self):
        self.messages = []
        self.raw: list[bytes] = []
        self.faults: dict[str, list[str]] = {}
        self.attempts: dict[str, int] = {}
        self.drop_first: dict[str, int] = {}  # address -> how many DATA commands to answer by hanging up

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.attempts[address] = self.attempts.get(address, 0) + 1
        replies = self.faults.get(address)
        if replies:
            reply = replies.pop(0)
            if reply.startswith(("4", "5")) and "DT:SPM" not in reply:
                return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        to = envelope.rcpt_tos[0]
        if self.drop_first.get(to):
            self.drop_first[to] -= 1
            server.transport.close()  # fails mid-way: the client sees a disconnect
            return "421 closing"
        if self._spam(to):
            return "554 DT:SPM 发送的邮件内容包含了未被许可的信息，或被系统识别为垃圾邮件"
        self.messages.append(message_from_bytes(envelope.content, policy=default))
        self.raw.append(envelope.original_content or envelope.content)
        return "250 Message accepted"

    def _spam(self, to: str) -> bool:
        return to.startswith("spam")


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login.decode() == USER
        and auth_data.password.decode() == PASSWORD
    )
    return AuthResult(
        success=ok, handled=False, auth_data=auth_data
    )  # not handled: the server replies 535 itself


class SMTPServer:
    def __init__(self, tls_context):
        self.handler = Handler()
        self.port = free_port()
        self.controller = Controller(
            self.handler,
            hostname="127.0.0.1",
            port=self.port,
            tls_context=tls_context,
            require_starttls=True,
            authenticator=authenticator,
            auth_require_tls=True,
        )

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()


class SilentServer:
    """Accepts connections and never says a word: the client must time out."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.connections = []
        self.thread = threading.Thread(target=self._accept, daemon=True)

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections.append(conn)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.sock.close()
        for c in self.connections:
            c.close()
