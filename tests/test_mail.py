"""E-mail delivery against a real SMTP server on 127.0.0.1 (aiosmtpd, STARTTLS + AUTH) with scripted faults."""

from __future__ import annotations

import io
from datetime import datetime
from email import message_from_bytes
from email.policy import default
from pathlib import Path

import openpyxl
import pytest
import trustme
from conftest import sample_without_schedule
from smtp_server import PASSWORD, USER, SilentServer, SMTPServer, free_port

from reportgen.cli import main
from reportgen.config import load_config
from reportgen.deliver import send_period
from reportgen.history import History
from reportgen.period import Period
from reportgen.pipeline import run
from reportgen.samples import write_sample_project

JUNE = Period(2024, 6)
SUBJECT = "示范经济技术开发区2024年1-6月重点指标完成情况"
MAIL = """
mail:
  host: 127.0.0.1
  port: {port}
  security: starttls
  username: {user}
  password_env: TEST_SMTP_PASSWORD
  sender: reportgen@zone.example
  sender_name: 示范经开区经发局
  leaders: [leader1@zone.example, leader2@zone.example]
  admin: [it@zone.example]
  retries: 2
  backoff_seconds: 0.01
  timeout: 1
"""


@pytest.fixture(scope="module")
def ca():
    return trustme.CA()


@pytest.fixture(scope="module")
def tls(ca):
    import ssl

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    return context


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """One generated period (charts off for speed) shared by the tests; each test gets its own state folder."""
    root = tmp_path_factory.mktemp("zone")
    write_sample_project(root)
    (root / "config.yaml").write_text(sample_without_schedule(root), encoding="utf-8")
    run(load_config(root / "config.yaml"), JUNE, now=datetime(2024, 7, 5, 9))
    return root


@pytest.fixture
def zone(generated, tmp_path, ca, monkeypatch):
    """A config pointing at a fresh state folder; returns a function that writes it for a given SMTP port."""
    cafile = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(cafile))
    monkeypatch.setenv("REPORTGEN_SMTP_CAFILE", str(cafile))
    monkeypatch.setenv("TEST_SMTP_PASSWORD", PASSWORD)

    def make(port: int, user: str = USER, extra: str = "") -> Path:
        text = (generated / "config.yaml").read_text(encoding="utf-8")
        text = text.replace("zone: ", f"schedule:\n  state_dir: {tmp_path / 'state'}\n" + "zone: ", 1)
        path = generated / f"mail-{tmp_path.name}.yaml"
        path.write_text(text + MAIL.format(port=port, user=user) + extra, encoding="utf-8")
        return path

    return make


def attachments(msg) -> dict[str, bytes]:
    return {part.get_filename(): part.get_content() for part in msg.iter_attachments()}


def by_recipient(server) -> dict[str, object]:
    return {m["To"]: m for m in server.handler.messages}


def test_reports_reach_leaders_and_each_department_its_own_list(zone, tls):
    with SMTPServer(tls) as server:
        config = load_config(zone(server.port))
        report = send_period(config, JUNE)
    assert report.ok and not report.failed
    got = by_recipient(server)
    assert set(got) == {
        "leader1@zone.example",
        "leader2@zone.example",
        "jingfa@example.com",
        "zhaoshang@example.com",
        "caizheng@example.com",
        "jianshe@example.com",
        "kechuang@example.com",
        "yingji@example.com",
    }
    leader = got["leader1@zone.example"]
    assert leader["Subject"] == SUBJECT
    assert str(leader["From"]) == "示范经开区经发局 <reportgen@zone.example>"
    assert leader["Message-ID"] and leader["Date"]
    files = attachments(leader)
    assert sorted(files) == [f"{SUBJECT}.docx", f"{SUBJECT}.xlsx"]
    from docx import Document

    title = next(
        p for p in Document(io.BytesIO(files[f"{SUBJECT}.docx"])).paragraphs if p.style.name == "Title"
    )
    assert title.text.endswith("重点指标完成情况通报")
    plain = leader.get_body(("plain",)).get_content()
    html = leader.get_body(("html",)).get_content()
    assert "完成固定资产投资112.40亿元，同比增长13.1%" in plain and "完成固定资产投资112.40亿元" in html

    dept = got["zhaoshang@example.com"]
    assert dept["Subject"] == f"{SUBJECT}（招商局督办单）"
    ((name, data),) = attachments(dept).items()
    assert name == "示范经济技术开发区2024年1-6月督办单（招商局）.xlsx"
    ws = openpyxl.load_workbook(io.BytesIO(data))["督办单"]
    assert ws["A1"].value == "示范经济技术开发区2024年1-6月重点指标督办单（招商局）"
    names = {row[1] for row in ws.iter_rows(min_row=4, values_only=True) if row[1]}
    assert names >= {"实到外资", "实际到位内资", "外贸进出口总额", "签约亿元以上项目"}
    body = dept.get_body(("plain",)).get_content()
    assert body.startswith("招商局：") and "实到外资3620万美元" in body


def test_raw_headers_are_encoded_for_every_mail_client(zone, tls):
    with SMTPServer(tls) as server:
        send_period(load_config(zone(server.port)), JUNE)
    raw = server.handler.raw[0]
    head = raw.split(b"\n\n", 1)[0]
    assert b"Subject: =?utf-8?" in head  # RFC 2047
    assert b"filename*=\"utf-8''%E7%A4%BA" in raw or b"filename*=utf-8''%E7%A4%BA" in raw  # RFC 2231
    assert b'name="=?utf-8?b?' in raw  # Outlook / Foxmail read this one
    assert all(b < 128 for b in raw)  # nothing 8-bit on the wire


def test_second_send_sends_nothing_already_delivered(zone, tls):
    with SMTPServer(tls) as server:
        config = load_config(zone(server.port))
        send_period(config, JUNE)
        first = len(server.handler.messages)
        again = send_period(config, JUNE)
    assert len(server.handler.messages) == first == 8
    assert not again.sent and len(again.skipped) == 8


def test_temporary_retried_permanent_not_and_others_still_delivered(zone, tls):
    with SMTPServer(tls) as server:
        server.handler.faults["zhaoshang@example.com"] = ["451 4.7.1 try again later", "421 4.4.2 busy"]
        server.handler.faults["caizheng@example.com"] = ["550 5.1.1 mailbox unavailable"]
        server.handler.drop_first["jianshe@example.com"] = 1
        config = load_config(zone(server.port))
        config = config.model_copy(
            update={
                "departments": [
                    d if d.name != "应急局" else d.model_copy(update={"email": ["spam@example.com"]})
                    for d in config.departments
                ]
            }
        )
        report = send_period(config, JUNE)
        history = History.for_config(config)
        rows = {r["recipient"]: r for r in history.deliveries(str(JUNE))}
        assert (
            rows["zhaoshang@example.com"]["status"] == "delivered"
            and rows["zhaoshang@example.com"]["attempts"] == 3
        )
        assert (
            rows["jianshe@example.com"]["status"] == "delivered"
            and rows["jianshe@example.com"]["attempts"] == 2
        )
        assert (
            rows["caizheng@example.com"]["status"] == "rejected"
            and rows["caizheng@example.com"]["attempts"] == 1
        )
        assert "550" in rows["caizheng@example.com"]["error"]
        assert (
            rows["spam@example.com"]["status"] == "rejected"
            and "554 DT:SPM" in rows["spam@example.com"]["error"]
        )
        assert server.handler.attempts["caizheng@example.com"] == 1  # a permanent failure is not retried
        assert len(report.failed) == 2 and len(report.sent) == 6
        # `send` again: only the two failures are tried; the 550 mailbox has been fixed meanwhile.
        before = len(server.handler.messages)
        again = send_period(config, JUNE)
        assert [s.split("（")[0] for s in again.sent] == ["caizheng@example.com"]
        assert len(again.failed) == 1 and len(again.skipped) == 6
        assert len(server.handler.messages) == before + 1


def test_refused_connection_and_timeout_retry_then_record_failure(zone, generated):
    config = load_config(zone(free_port()))  # nothing listens there
    report = send_period(config, JUNE)
    assert len(report.failed) == 8 and "拒绝连接" in report.failed[0] and "尝试 3 次" in report.failed[0]
    # The server is down for everyone: the other seven are not retried one by one (minutes each).
    assert all("未发送（邮件服务器不可用" in f for f in report.failed[1:])
    rows = History.for_config(config).deliveries(str(JUNE))
    assert {r["status"] for r in rows} == {"failed"} and not History.for_config(config).delivered(
        str(JUNE), "report", "leader1@zone.example"
    )
    assert (generated / "output" / "2024-06" / "results.json").is_file()  # reports on disk are untouched
    with SilentServer() as silent:
        config = load_config(zone(silent.port))
        config = config.model_copy(
            update={
                "mail": config.mail.model_copy(
                    update={"retries": 1, "leaders": ["a@b.cn"], "departments": False}
                )
            }
        )
        report = send_period(config, JUNE)
    assert report.failed == ["a@b.cn（领导）：连接邮件服务器超时（尝试 2 次）"]


def test_wrong_password_is_permanent_and_secret_never_shown(zone, tls, monkeypatch):
    monkeypatch.setenv("TEST_SMTP_PASSWORD", "wrong-口令")
    with SMTPServer(tls) as server:
        config = load_config(zone(server.port))
        report = send_period(config, JUNE)
    assert not server.handler.messages
    assert "SMTP 登录失败" in report.failed[0] and "尝试 1 次" in report.failed[0]
    assert not any("wrong-口令" in line or PASSWORD in line for line in report.lines())


def test_missing_password_variable_is_a_clear_error(zone, monkeypatch, capsys):
    monkeypatch.delenv("TEST_SMTP_PASSWORD")
    path = zone(free_port())
    assert main(["send", "-c", str(path), "-p", "2024-06"]) == 1
    assert "未设置环境变量 TEST_SMTP_PASSWORD" in capsys.readouterr().err


def test_broken_attachment_is_not_sent_and_others_are(zone, tls, generated):
    book = next((generated / "output" / "2024-06" / "departments").glob("*财政局*"))
    saved = book.read_bytes()
    book.write_bytes(b"")
    try:
        with SMTPServer(tls) as server:
            report = send_period(load_config(zone(server.port)), JUNE)
    finally:
        book.write_bytes(saved)
    assert report.failed == [f"caizheng@example.com（财政局）：附件为空文件：{book.name}"]
    assert "caizheng@example.com" not in by_recipient(server) and len(server.handler.messages) == 7


def test_dry_run_writes_eml_and_sends_nothing(zone, tls, generated, capsys):
    with SMTPServer(tls) as server:
        path = zone(server.port)
        assert main(["send", "-c", str(path), "-p", "2024-06", "--dry-run"]) == 0
    assert not server.handler.messages
    outbox = generated / "output" / "2024-06-outbox"
    files = sorted(outbox.glob("*.eml"))
    assert len(files) >= 8
    msg = message_from_bytes(next(f for f in files if "招商局" in f.name).read_bytes(), policy=default)
    assert msg["Subject"] == f"{SUBJECT}（招商局督办单）"
    assert list(attachments(msg)) == ["示范经济技术开发区2024年1-6月督办单（招商局）.xlsx"]
    history = History.for_config(load_config(path))
    assert not history.delivered(str(JUNE), "department", "zhaoshang@example.com")


def test_run_send_and_history_from_the_cli(zone, tls, capsys):
    with SMTPServer(tls) as server:
        path = zone(server.port)
        assert main(["run", "-c", str(path), "-p", "2024-06", "--send"]) == 0
    out = capsys.readouterr().out
    assert "已发送：leader1@zone.example（领导）" in out and len(server.handler.messages) == 8
    assert main(["history", "-c", str(path)]) == 0
    listing = capsys.readouterr().out
    assert "2024-06" in listing and "成功" in listing and "已送达" in listing


def test_run_send_records_partial_delivery_on_the_run(zone, tls, capsys):
    """`run --send` whose mail did not all arrive: the run itself says 部分送达 (it said 生成成功)."""

    with SMTPServer(tls) as server:
        server.handler.faults["caizheng@example.com"] = ["554 5.7.1 rejected"]
        path = zone(server.port)
        assert main(["run", "-c", str(path), "-p", "2024-06", "--send"]) == 1
    [run] = [r for r in History.for_config(load_config(path)).runs() if r.trigger != "send"]
    assert run.status == "partial" and run.error == "1 封未送达"
