"""SMTP delivery: Chinese subjects and attachment names that survive Outlook, Foxmail and webmail; retries
with backoff on temporary failures, none on permanent ones."""

from __future__ import annotations

import mimetypes
import os
import smtplib
import socket
import ssl
import time
from dataclasses import dataclass, field
from email import encoders
from email.header import Header
from email.message import Message
from email.mime.application import MIMEApplication
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formataddr, formatdate, make_msgid
from pathlib import Path

from ..errors import ReportgenError

MIME = {
    ".xlsx": ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ".docx": ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ".pdf": ("application", "pdf"),
}


@dataclass
class Outgoing:
    """One message to one address."""

    kind: str  # report / department / reminder / alert
    to: str
    subject: str
    text: str
    html: str = ""
    attachments: list[Path] = field(default_factory=list)
    department: str = ""


@dataclass
class Outcome:
    status: str  # delivered / failed (temporary, retries used up) / rejected (permanent)
    attempts: int
    error: str = ""
    message_id: str = ""
    unreachable: bool = False  # the server itself could not be reached (refused, timeout, TLS)
    reply: str = ""  # the server's answer to DATA ("250 …") when it accepted the message


def compose(out: Outgoing, sender: str, sender_name: str = "") -> Message:
    """A multipart message whose every header is 7-bit: RFC 2047 subject and sender name, attachment names as
    RFC 2231 filename* (the standard) plus an RFC 2047 name= (what Outlook and Foxmail fall back to).

    Built with the compat32 classes on purpose: the newer policy re-folds long parameters and can mangle
    Content-Type lines of long Chinese file names.
    """
    msg = MIMEMultipart("mixed")
    msg["From"] = formataddr((sender_name, sender), charset="utf-8") if sender_name else sender
    msg["To"] = out.to
    msg["Subject"] = Header(out.subject, "utf-8")
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    body = MIMEMultipart("alternative")
    body.attach(MIMEText(out.text, "plain", "utf-8"))  # utf-8 parts are base64: safe without 8BITMIME
    if out.html:
        body.attach(MIMEText(out.html, "html", "utf-8"))
    msg.attach(body)
    for path in out.attachments:
        maintype, subtype = MIME.get(path.suffix.lower()) or (
            mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        ).split("/", 1)
        part = (
            MIMEApplication(path.read_bytes(), _subtype=subtype)
            if maintype == "application"
            else MIMEBase(maintype, subtype)
        )
        if maintype != "application":
            part.set_payload(path.read_bytes())
            encoders.encode_base64(part)
        part.set_param("name", Header(path.name, "utf-8", maxlinelen=10_000).encode())
        part.add_header("Content-Disposition", "attachment", filename=("utf-8", "", path.name))
        msg.attach(part)
    return msg


def check_attachment(path: Path) -> None:
    """Refuse to send what would arrive broken: missing, empty, or not re-openable."""
    if not path.is_file():
        raise ReportgenError(f"附件不存在：{path}")
    if path.stat().st_size == 0:
        raise ReportgenError(f"附件为空文件：{path.name}")
    try:
        if path.suffix.lower() == ".xlsx":
            from openpyxl import load_workbook

            load_workbook(path, read_only=True).close()
        elif path.suffix.lower() == ".docx":
            from docx import Document

            Document(str(path))
        elif path.suffix.lower() == ".pdf" and not path.read_bytes()[:5] == b"%PDF-":
            raise ValueError("not a PDF")
    except Exception as e:  # any reader failure means a damaged attachment
        raise ReportgenError(f"附件无法打开（{type(e).__name__}）：{path.name}") from e


class Mailer:
    def __init__(self, mail, password: str | None, sleep=time.sleep):
        self.mail, self.password, self.sleep = mail, password, sleep

    @classmethod
    def from_config(cls, config) -> Mailer:
        return cls(config.mail, smtp_password(config))

    def send(self, msg: Message) -> Outcome:
        """Deliver with retries: 4xx, refused connections and timeouts are retried with exponential backoff;
        5xx (bad address, spam rejection such as 554 DT:SPM, auth failure) are final at once."""
        attempts = 0
        while True:
            attempts += 1
            try:
                reply = self._deliver(msg)
                return Outcome("delivered", attempts, message_id=msg["Message-ID"], reply=reply)
            except Exception as e:  # classified below; anything unknown is treated as temporary
                permanent, text = classify(e)
                if permanent:
                    return Outcome("rejected", attempts, text, msg["Message-ID"])
                if attempts > self.mail.retries:
                    down = isinstance(
                        e, (ConnectionError, TimeoutError, socket.timeout, smtplib.SMTPConnectError)
                    ) or (isinstance(e, smtplib.SMTPServerDisconnected) and "timed out" in str(e))
                    return Outcome("failed", attempts, text, msg["Message-ID"], unreachable=down)
                self.sleep(self.mail.backoff_seconds * 2 ** (attempts - 1))

    def _deliver(self, msg: Message) -> str:
        """Send one message; returns the server's reply to DATA (what the delivery ledger keeps)."""
        m = self.mail
        context = ssl.create_default_context()
        if os.environ.get("REPORTGEN_SMTP_CAFILE"):
            context.load_verify_locations(os.environ["REPORTGEN_SMTP_CAFILE"])
        if m.security == "ssl":
            smtp = smtplib.SMTP_SSL(m.host, m.smtp_port, timeout=m.timeout, context=context)
        else:
            smtp = smtplib.SMTP(m.host, m.smtp_port, timeout=m.timeout)
        with smtp:
            smtp.ehlo()
            if m.security == "starttls":
                smtp.starttls(context=context)
                smtp.ehlo()
            if m.username:
                _login(smtp, m.username, self.password or "")
            replies = []
            data = smtp.data

            def keep_reply(content):  # smtplib drops the reply to DATA; the ledger records it
                code, text = data(content)
                replies.append(f"{code} {_text(text)}")
                return code, text

            smtp.data = keep_reply
            refused = smtp.send_message(msg)
            if refused:
                raise smtplib.SMTPRecipientsRefused(refused)
            return replies[-1] if replies else "250"


def _login(smtp: smtplib.SMTP, user: str, password: str) -> None:
    """smtplib encodes credentials as ASCII; a Chinese password goes through AUTH PLAIN in UTF-8 (RFC 4616)."""
    if (user + password).isascii():
        smtp.login(user, password)
        return
    import base64

    token = base64.b64encode(b"\0" + user.encode() + b"\0" + password.encode()).decode()
    code, reply = smtp.docmd("AUTH", "PLAIN " + token)
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, reply)


def classify(error: Exception) -> tuple[bool, str]:
    """(permanent?, a one-line Chinese description without secrets)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        detail = "；".join(f"{addr}：{code} {_text(msg)}" for addr, (code, msg) in error.recipients.items())
        return all(500 <= c < 600 for c in codes), f"收件人被拒绝（{detail}）"
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return (
            True,
            f"SMTP 登录失败（{error.smtp_code}）：请检查用户名和密码（mail.username、密码环境变量或文件）",
        )
    if isinstance(error, smtplib.SMTPResponseException):
        permanent = 500 <= error.smtp_code < 600
        return (
            permanent,
            f"邮件服务器{'拒收' if permanent else '暂时拒绝'}（{error.smtp_code} {_text(error.smtp_error)}）",
        )
    if isinstance(error, (socket.timeout, TimeoutError)):
        return False, "连接邮件服务器超时"
    if isinstance(error, ConnectionRefusedError):
        return False, "邮件服务器拒绝连接（端口未开放或服务未启动）"
    if isinstance(error, smtplib.SMTPServerDisconnected):
        # smtplib turns a read timeout into "Connection unexpectedly closed: timed out"
        return False, "连接邮件服务器超时" if "timed out" in str(error) else "邮件服务器中途断开连接"
    if isinstance(error, ssl.SSLError):
        return True, f"TLS 握手失败（{error.reason}）：请检查 mail.security 与端口"
    if isinstance(error, OSError):
        return False, f"网络错误：{error.strerror or error}"
    return False, f"{type(error).__name__}: {error}"


def _text(value) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def smtp_password(config) -> str | None:
    """From the file (outside the config) or the environment variable; never from the YAML itself."""
    mail = config.mail
    if mail.password_file is not None:
        return read_password_file(config.resolve(mail.password_file))
    if mail.password_env:
        value = os.environ.get(mail.password_env)
        if value is None and mail.username:
            raise ReportgenError(
                f"未设置环境变量 {mail.password_env}（SMTP 密码）；或在 mail.password_file 写密码文件路径"
            )
        return value
    return None


def read_password_file(path: Path) -> str:
    """The SMTP password from a UTF-8 text file (a BOM and surrounding blanks are ignored)."""
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise ReportgenError(f"mail.password_file：无法读取密码文件 {path}（{e.strerror}）") from None
    try:
        return raw.decode("utf-8-sig").strip()
    except UnicodeDecodeError:
        pass
    try:
        raw.decode("gbk")
        found = "看起来是 GBK（ANSI）编码"
    except UnicodeDecodeError:
        found = "既不是 UTF-8 也不是 GBK 编码"
    raise ReportgenError(
        f"mail.password_file：密码文件 {path} {found}，请用记事本“另存为”UTF-8 编码后重试"
    ) from None
