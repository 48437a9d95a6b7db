"""The scheduled month (reportgen.month) driven with a fake clock against a real SMTP server on 127.0.0.1:
a server down at fire time is retried with backoff until it answers; a window that closes with messages owed
alerts the admin by mail and by alert_command; a shared mailbox gets every department's 督办单."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import generated_june
from smtp_server import PASSWORD, USER, SMTPServer, tls_context

from reportgen import month
from reportgen.cli import main
from reportgen.config import load_config
from reportgen.deliver import send_period
from reportgen.history import History
from reportgen.period import Period
from reportgen.status import status

TZ = ZoneInfo("Asia/Shanghai")
FIRED = datetime(2024, 7, 5, 8, 30, tzinfo=TZ)  # a Friday: the 5th working day of July 2024
SETUP = """
schedule:
  state_dir: {state}
  jobs:
    - name: monthly
      workday: 5
      time: "08:30"
      wait: {{deadline_hours: 0}}
  retry: {{first_minutes: 5, max_minutes: 60, workdays: {workdays}, until: "18:00"}}
{extra_schedule}
mail:
  host: 127.0.0.1
  port: {port}
  username: {user}
  password_env: TEST_SMTP_PASSWORD
  sender: reportgen@zone.example
  leaders: [leader@zone.example]
  admin: [it@zone.example]
  retries: 0
  backoff_seconds: 0.01
  timeout: 2
"""


@pytest.fixture(scope="module")
def tls():
    return tls_context()


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """The sample project (charts off), generated once; each test has its own state folder."""
    return generated_june(tmp_path_factory.mktemp("zone"), FIRED)


@pytest.fixture
def zone(project, tmp_path, tls, monkeypatch):
    ca, _ = tls
    ca.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
    monkeypatch.setenv("REPORTGEN_SMTP_CAFILE", str(tmp_path / "ca.pem"))
    monkeypatch.setenv("TEST_SMTP_PASSWORD", PASSWORD)

    def make(port: int, extra_schedule: str = "", replace: dict | None = None, workdays: int = 1) -> Path:
        text = (project / "config.yaml").read_text(encoding="utf-8")
        for old, new in (replace or {}).items():
            assert old in text
            text = text.replace(old, new)
        text += SETUP.format(
            state=tmp_path / "state", port=port, user=USER, extra_schedule=extra_schedule, workdays=workdays
        )
        path = project / f"month-{tmp_path.name}.yaml"
        path.write_text(text, encoding="utf-8")
        return path

    return make


def sent_to(server) -> dict[str, int]:
    counts: dict[str, int] = {}
    for m in server.handler.messages:
        counts[m["To"]] = counts.get(m["To"], 0) + 1
    return counts


def test_server_down_at_fire_time_is_retried_with_backoff_until_delivered(zone, tls):
    server = SMTPServer(tls[1])  # not started yet: the port refuses connections
    path = zone(server.port)
    config = load_config(path)
    step = month.fire(config, path, "monthly", now=FIRED, period="2024-06")
    assert step.again == "deliver" and step.at == FIRED + timedelta(minutes=5)
    assert "邮件 0 封送达，7 封失败" in step.said and "07-08 18:00" in step.said  # Monday 18:00
    history = History.for_config(config)
    assert history.runs()[0].status == "undelivered"
    assert len(history.owed("2024-06")) == 7

    step = month.retry_deliveries(config, path, "monthly", "2024-06", now=step.at)
    assert step.at == FIRED + timedelta(minutes=15)  # 5, then 10 minutes
    with server:
        step = month.retry_deliveries(config, path, "monthly", "2024-06", now=step.at)
        assert step.again is None and "邮件 7 封送达，0 封失败" in step.said
        assert set(sent_to(server).values()) == {1} and len(sent_to(server)) == 7
        again = send_period(config, Period(2024, 6))  # nothing owed: nothing sent twice
        assert len(again.skipped) == 7 and len(server.handler.messages) == 7
    state = status(config, FIRED + timedelta(hours=1))
    assert not state.owed and len(state.periods[0].done) == 7
    assert [r.record.status for r in state.runs] == ["undelivered", "undelivered", "success"]
    assert history.claim_record("monthly", "2024-06").next_try_at is None


def test_window_closing_with_mail_owed_alerts_the_admin_by_every_channel(zone, tls, tmp_path, capsys):
    command = f"cat > '{tmp_path / 'alert.txt'}'"
    with SMTPServer(tls[1]) as server:
        server.handler.faults["leader@zone.example"] = ["451 4.3.0 mailbox busy"] * 500
        # the window closes at 18:00 today (workdays: 0), to keep the number of retries small
        path = zone(server.port, f'  alert_command: "{command}"', workdays=0)
        config = load_config(path)
        step = month.fire(config, path, "monthly", now=FIRED, period="2024-06")
        assert "邮件 6 封送达，1 封失败" in step.said
        waits = []
        while step.again:
            waits.append(step.at)
            step = month.retry_deliveries(config, path, "monthly", "2024-06", now=step.at)
        gaps = [(b - a).total_seconds() / 60 for a, b in zip([FIRED, *waits], waits)]
        assert gaps[:5] == [5, 10, 20, 40, 60] and max(gaps) == 60
        assert waits[-1] == datetime(2024, 7, 5, 18, 0, tzinfo=TZ)
        assert "重试截止，1 封未送达，已告警管理员（邮件、告警命令）" in step.said
        alerts = [m for m in server.handler.messages if m["To"] == "it@zone.example"]
        assert len(alerts) == 1 and alerts[0]["Subject"].startswith("【reportgen 未送达】")
        body = alerts[0].get_body(("plain",)).get_content()
        assert "leader@zone.example（领导）" in body and "reportgen send" in body
        assert all(n == 1 for n in sent_to(server).values())
    assert "leader@zone.example（领导）：失败" in (tmp_path / "alert.txt").read_text(encoding="utf-8")
    assert main(["history", "-c", str(path), "--owed"]) == 0
    out = capsys.readouterr().out
    assert "2024-06：未送达 1 封，已送达 6 封" in out and "已告警管理员" in out
    assert main(["history", "-c", str(path), "--limit", "3"]) == 0
    assert "已告警" in capsys.readouterr().out
    assert main(["status", "-c", str(path), "--check"]) == 1


def test_retry_window_ends_at_the_given_hour_of_the_next_working_day(zone):
    config = load_config(zone(25))
    assert month.retry_window(config, FIRED) == datetime(2024, 7, 8, 18, 0, tzinfo=TZ)  # Friday → Monday
    national_day = datetime(2024, 9, 30, 9, 0, tzinfo=TZ)
    assert month.retry_window(config, national_day) == datetime(2024, 10, 8, 18, 0, tzinfo=TZ)
    assert [month.backoff(config, n).total_seconds() / 60 for n in range(6)] == [5, 10, 20, 40, 60, 60]


def test_a_shared_mailbox_gets_every_departments_list(zone, tls, capsys):
    with SMTPServer(tls[1]) as server:
        path = zone(
            server.port,
            replace={
                "email: [zhaoshang@example.com]": "email: [office@example.com]",
                "email: [caizheng@example.com]": "email: [office@example.com]",
            },
        )
        assert main(["send", "-c", str(path), "-p", "2024-06"]) == 0
        assert main(["send", "-c", str(path), "-p", "2024-06"]) == 0
        shared = [m for m in server.handler.messages if m["To"] == "office@example.com"]
        assert sorted(m["Subject"][-8:] for m in shared) == ["（招商局督办单）", "（财政局督办单）"]
        names = sorted(p.get_filename() for m in shared for p in m.iter_attachments())
        assert any("招商局" in n for n in names) and any("财政局" in n for n in names)
        assert len(server.handler.messages) == 7
    out = capsys.readouterr().out
    assert "此前已发送，跳过：office@example.com（招商局）" in out
    assert "此前已发送，跳过：office@example.com（财政局）" in out


def test_rejected_address_waits_for_a_person_not_the_backoff(zone, tls):
    """A 5xx is final for the scheduler's retries (not re-sent every few minutes); `send` by hand retries it."""
    with SMTPServer(tls[1]) as server:
        server.handler.faults["caizheng@example.com"] = ["550 5.1.1 no such user"]
        path = zone(server.port)
        config = load_config(path)
        step = month.fire(config, path, "monthly", now=FIRED, period="2024-06")
        assert step.again == "deliver"
        step = month.retry_deliveries(config, path, "monthly", "2024-06", now=step.at)
        assert server.handler.attempts["caizheng@example.com"] == 1
        state = status(config, step.at)
        assert [(d.row.address, d.state_name) for d in state.owed] == [("caizheng@example.com", "被拒收")]
        assert send_period(config, Period(2024, 6)).sent == ["caizheng@example.com（财政局）"]
        assert sent_to(server)["caizheng@example.com"] == 1


def test_approval_required_sends_only_what_was_approved_and_reminds_the_approver(zone, tls, project):
    from openpyxl import load_workbook

    from reportgen.approval import approve

    with SMTPServer(tls[1]) as server:
        path = zone(server.port, "  require_approval: true\n  approvers: [zhuren@zone.example]")
        config = load_config(path)
        step = month.fire(config, path, "monthly", now=FIRED, period="2024-06")
        assert "待审核：2024-06 期的报告尚未审核，已提醒审核人" in step.said and step.again == "deliver"
        assert [m["To"] for m in server.handler.messages] == ["zhuren@zone.example"]
        assert History.for_config(config).runs()[0].status == "awaiting"
        step = month.retry_deliveries(config, path, "monthly", "2024-06", now=step.at)
        assert len(server.handler.messages) == 1  # reminded once for the same reason

        approve(config, Period(2024, 6), "主任", now=FIRED + timedelta(minutes=20))
        book = next((project / "output" / "2024-06" / "departments").glob("*招商局*.xlsx"))
        saved = book.read_bytes()
        wb = load_workbook(book)  # edited after approval: must not go out
        wb.active["A1"] = "改过的标题"
        wb.save(book)
        try:
            step = month.retry_deliveries(config, path, "monthly", "2024-06", now=step.at)
            assert "招商局" in step.said and "需要重新审核" in step.said
            assert len(server.handler.messages) == 2  # a second reminder: the reason changed
        finally:
            book.write_bytes(saved)
        step = month.retry_deliveries(config, path, "monthly", "2024-06", now=step.at)
        assert step.again is None and "邮件 7 封送达" in step.said
        assert len(server.handler.messages) == 9


def test_mail_sent_by_hand_meanwhile_means_no_alert_when_the_window_closes(zone, tls):
    server = SMTPServer(tls[1])
    path = zone(server.port)
    config = load_config(path)
    step = month.fire(config, path, "monthly", now=FIRED, period="2024-06")
    assert step.again == "deliver"
    with server:
        assert send_period(
            config, Period(2024, 6)
        ).ok  # someone ran `reportgen send` after the server came back
        closing = datetime(2024, 7, 8, 18, 0, tzinfo=TZ)
        step = month.retry_deliveries(config, path, "monthly", "2024-06", now=closing)
        assert step.again is None and "告警" not in step.said
        assert len(server.handler.messages) == 7 and all(
            m["To"] != "it@zone.example" for m in server.handler.messages
        )


def test_a_store_from_before_the_ledger_resends_nothing_delivered(zone, tls, tmp_path):
    import sqlite3

    with SMTPServer(tls[1]) as server:
        path = zone(server.port)
        config = load_config(path)
        (tmp_path / "state").mkdir()
        old = sqlite3.connect(tmp_path / "state" / "reportgen.sqlite")  # the previous version's tables
        old.executescript(
            "CREATE TABLE reportgen_deliveries (id INTEGER PRIMARY KEY AUTOINCREMENT, run_id INTEGER, period TEXT "
            "NOT NULL, kind TEXT NOT NULL, recipient TEXT NOT NULL, department TEXT DEFAULT '', subject TEXT "
            "DEFAULT '', attachments TEXT DEFAULT '[]', status TEXT NOT NULL, attempts INTEGER DEFAULT 0, error "
            "TEXT DEFAULT '', message_id TEXT DEFAULT '', at TEXT NOT NULL);"
            "INSERT INTO reportgen_deliveries (period, kind, recipient, department, status, attempts, at) VALUES "
            "('2024-06', 'report', 'leader@zone.example', '', 'delivered', 1, '2024-07-05T01:00:00+00:00'),"
            "('2024-06', 'department', 'zhaoshang@example.com', '招商局', 'delivered', 1, '2024-07-05T01:00:00+00:00');"
        )
        old.commit()
        old.close()
        report = send_period(config, Period(2024, 6))
        assert sorted(report.skipped) == ["leader@zone.example（领导）", "zhaoshang@example.com（招商局）"]
        assert len(server.handler.messages) == 5
    assert not status(config, FIRED).owed


def test_a_file_sent_back_in_the_portal_is_owed_again_the_scheduler_waits_and_reminds(zone, tls):
    """Readiness follows the portal: a file staff sent back (退回) counts as 缺报 for the wait and the 催报,
    though it is still in data/<period>/."""
    from reportgen.submissions import Actor, SubmissionStore

    with SMTPServer(tls[1]) as server:
        path = zone(server.port)
        path.write_text(
            path.read_text(encoding="utf-8").replace("deadline_hours: 0", "deadline_hours: 24"), "utf-8"
        )
        config = load_config(path)
        store = SubmissionStore.for_config(config)
        store.return_file(
            config, Actor("王科长"), Period(2024, 6), "主要经济指标.xlsx", "固投口径不对", FIRED
        )
        step = month.fire(config, path, "monthly", now=FIRED, period="2024-06")
        assert "缺报" in step.said and "主要经济指标.xlsx" in step.said and step.again == "fire"
        reminders = [m for m in server.handler.messages if "催报" in m["Subject"]]
        assert reminders and all("经发局" in m["Subject"] for m in reminders)
        assert History.for_config(config).runs()[0].status == "waiting"


def test_a_reminder_that_cannot_be_sent_does_not_stall_the_month(zone, tls, monkeypatch):
    """Mail settings broken (the password's variable unset): the month still waits, says why on the run, and
    the next firing after the deadline generates — the claim is never left 'running' for ever."""
    from reportgen.submissions import Actor, SubmissionStore

    with SMTPServer(tls[1]) as server:  # running: only the password is missing
        path = zone(server.port)
        text = path.read_text(encoding="utf-8").replace("deadline_hours: 0", "deadline_hours: 24")
        path.write_text(text, encoding="utf-8")
        config = load_config(path)
        store = SubmissionStore.for_config(config)
        store.return_file(
            config, Actor("王科长"), Period(2024, 6), "主要经济指标.xlsx", "固投口径不对", FIRED
        )
        monkeypatch.delenv("TEST_SMTP_PASSWORD")
        step = month.fire(config, path, "monthly", now=FIRED, period="2024-06")
        assert "缺报" in step.said and "催报邮件未能发出" in step.said and step.again == "fire"
        history = History.for_config(config)
        assert history.runs()[0].status == "waiting" and "TEST_SMTP_PASSWORD" in history.runs()[0].error
        later = FIRED + timedelta(hours=25)
        step = month.fire(config, path, "monthly", now=later, trigger="retry", period="2024-06")
        # past the deadline it generates; sending fails on the same setting: recorded and alerted, not stuck
        assert step.said.startswith("2024-06 失败：未设置环境变量 TEST_SMTP_PASSWORD")
        assert history.claim_record("monthly", "2024-06").state == "failed"


def test_a_failed_scheduled_run_put_right_by_hand_no_longer_fails_the_check(zone):
    """`status --check` (monitoring) fails while a scheduled failure stands, and stops once a later run of
    the period succeeded (a manual run after the fix); it used to fail for ever."""
    config = load_config(zone(25))
    history = History.for_config(config)
    assert history.claim("monthly", "2024-05", now=FIRED) is not None
    history.release("monthly", "2024-05", "failed", FIRED)
    assert status(config, FIRED).problems
    fixed = history.run_row(
        report="manual", period="2024-05", trigger="manual", status="running", now=FIRED + timedelta(hours=1)
    )
    history.run_row(fixed, status="success", now=FIRED + timedelta(hours=1, minutes=1))
    assert not status(config, FIRED + timedelta(hours=2)).problems
