"""The monthly service: missed runs caught up once, one run per (job, period) across processes, late data
waits and reminds then reports 缺报, unchanged inputs skip, failures alert the admin."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import trustme
from conftest import sample_without_schedule
from docx import Document
from smtp_server import PASSWORD, USER, SMTPServer

from reportgen import scheduler
from reportgen.config import load_config
from reportgen.history import History
from reportgen.samples import write_sample_project
from reportgen.scheduler import Service, WorkdayTrigger, fire, period_for

TZ = ZoneInfo("Asia/Shanghai")
JOB = """
schedule:
  state_dir: state
  misfire_grace_hours: 12
  jobs:
    - name: monthly
      workday: 5
      time: "08:30"
      send: {send}
      wait: {{retry_minutes: 60, deadline_hours: 24, remind: true}}
"""
MAIL = """
mail:
  host: 127.0.0.1
  port: {port}
  username: {user}
  password_env: TEST_SMTP_PASSWORD
  sender: reportgen@zone.example
  sender_name: 示范经开区经发局
  leaders: [leader@zone.example]
  admin: [it@zone.example]
  retries: 1
  backoff_seconds: 0.01
  timeout: 2
"""
FIRED = datetime(2024, 7, 5, 8, 30, tzinfo=TZ)  # 5th working day of July 2024


@pytest.fixture
def zone(tmp_path):
    """A sample project (charts off for speed) with a schedule; `extra` YAML appended."""
    write_sample_project(tmp_path)

    def make(extra: str = "", send: bool = False) -> Path:
        text = sample_without_schedule(tmp_path)
        path = tmp_path / "zone.yaml"
        path.write_text(text + JOB.format(send=str(send).lower()) + extra, encoding="utf-8")
        return path

    return make


@pytest.fixture
def clock():
    class Clock:
        now = FIRED + timedelta(hours=2)

        def __call__(self):
            return self.now

    return Clock()


@pytest.fixture
def service_factory(clock):
    started = []

    def make(path: Path, **kw) -> Service:
        service = Service(load_config(path), path, clock=clock, progress=lambda m: None, **kw)
        started.append(service)
        return service

    yield make
    for s in started:
        if s.scheduler.running:
            s.scheduler.remove_all_jobs()  # retry jobs dated in the test clock's past must not fire now
            s.shutdown()
    scheduler._SERVICE = None


@pytest.fixture
def smtp(tmp_path, monkeypatch):
    import ssl

    ca = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    ca.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
    monkeypatch.setenv("REPORTGEN_SMTP_CAFILE", str(tmp_path / "ca.pem"))
    monkeypatch.setenv("TEST_SMTP_PASSWORD", PASSWORD)
    with SMTPServer(context) as server:
        yield server


def test_fire_times_and_periods():
    trigger = WorkdayTrigger(5, 8, 30, "Asia/Shanghai")
    t = trigger.get_next_fire_time(None, datetime(2025, 9, 20, tzinfo=TZ))
    assert t == datetime(2025, 9, 5, 8, 30, tzinfo=TZ) + timedelta(0) or t == datetime(
        2025, 10, 14, 8, 30, tzinfo=TZ
    )
    assert t == datetime(2025, 10, 14, 8, 30, tzinfo=TZ)  # National Day and the 调休 Saturday
    assert trigger.get_next_fire_time(t, t) == datetime(2025, 11, 7, 8, 30, tzinfo=TZ)
    assert trigger.get_next_fire_time(None, datetime(2026, 2, 1, tzinfo=TZ)) == datetime(
        2026, 2, 6, 8, 30, tzinfo=TZ
    )

    class Job:
        months_back = 1

    assert str(period_for(Job, datetime(2025, 1, 8, tzinfo=TZ))) == "2024-12"


def test_listing_shows_next_runs_and_the_periods_they_cover(zone, service_factory, clock):
    clock.now = datetime(2025, 9, 20, 12, tzinfo=TZ)
    service = service_factory(zone())
    lines = service.listing()
    assert "2025-09、2025-10、2025-11 不在配置年度 2024 内，届时将跳过" in lines[-1]
    assert lines[-2].startswith(
        "monthly：每月第5个工作日 08:30（Asia/Shanghai）；下次运行 2025-10-14 08:30（2025-09）、"
        "2025-11-07 08:30（2025-10）"
    )


def test_uncovered_year_warns(zone, service_factory, clock):
    clock.now = datetime(2099, 1, 3, tzinfo=TZ)
    assert "法定节假日数据不含 2099 年" in service_factory(zone()).warnings()[0]


def test_missed_run_fires_once_on_restart(zone, service_factory, clock):
    path = zone()
    first = service_factory(path)
    assert [name for name, _ in first.missed()] == ["monthly"]  # 08:30 passed while the machine was off
    first.start()
    first.shutdown()
    runs = History.for_config(load_config(path)).runs()
    assert [(r.period, r.trigger, r.status) for r in runs] == [("2024-06", "catch-up", "success")]
    assert (path.parent / "output" / "2024-06" / "manifest.json").is_file()
    again = service_factory(path)  # restart: nothing left to catch up
    assert again.missed() == []
    again.start()
    again.shutdown()
    assert len(History.for_config(load_config(path)).runs()) == 1


def test_too_late_for_the_grace_window_is_not_run(zone, service_factory, clock):
    clock.now = FIRED + timedelta(hours=13)
    assert service_factory(zone()).missed() == []


def test_schedules_rebuilt_from_yaml_never_duplicated_or_lost(zone, service_factory):
    path = zone()
    for _ in range(2):
        s = service_factory(path)
        s.scheduler.start(paused=True)
        s.sync()
        assert [j.id for j in s.scheduler.get_jobs()] == ["report:monthly"]
        s.scheduler.shutdown(wait=False)
    renamed = path.read_text(encoding="utf-8").replace("name: monthly", "name: 月度通报")
    path.write_text(renamed, encoding="utf-8")
    s = service_factory(path)
    s.scheduler.start(paused=True)
    s.sync()
    assert [j.id for j in s.scheduler.get_jobs()] == ["report:月度通报"]
    assert "每月第5个工作日" in str(s.scheduler.get_job("report:月度通报").trigger)
    s.scheduler.shutdown(wait=False)


def test_two_processes_on_one_store_make_one_run(zone):
    path = zone()
    code = (
        "import sys; from reportgen.scheduler import fire; "
        "print(fire(sys.argv[1], 'monthly', 'scheduled', '2024-06'))"
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", code, str(path)], stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = sorted(p.communicate(timeout=120)[0].strip() for p in procs)
    assert [p.returncode for p in procs] == [0, 0]
    assert outputs[0].startswith("2024-06 已生成") and "已由其他进程或此前的运行处理，跳过" in outputs[1]
    runs = History.for_config(load_config(path)).runs()
    assert len(runs) == 1 and runs[0].status == "success"


def test_real_scheduler_two_instances_fire_once(tmp_path):
    """APScheduler firing on the real clock: two services on one store, a job every 2 seconds."""
    write_sample_project(tmp_path)
    year = datetime.now(TZ).year
    previous = datetime.now(TZ).replace(day=1) - timedelta(days=1)
    shutil.copytree(tmp_path / "data" / "2024-06", tmp_path / "data" / f"{previous:%Y-%m}")
    text = sample_without_schedule(tmp_path).replace("year: 2024", f"year: {previous.year}")
    text += (
        "\nschedule:\n  state_dir: state\n  jobs:\n    - name: often\n"
        '      cron: {hour: "*", minute: "*", second: "*/2"}\n      send: false\n'
        "      wait: {deadline_hours: 0}\n"
    )
    path = tmp_path / "zone.yaml"
    path.write_text(text, encoding="utf-8")
    assert year >= previous.year
    services = [Service(load_config(path), path, progress=lambda m: None) for _ in range(2)]
    try:
        for s in services:
            s.start()
        deadline = time.time() + 20
        while time.time() < deadline and not History.for_config(load_config(path)).runs():
            time.sleep(0.2)
        time.sleep(4)  # more firings: each must see the claim and do nothing
    finally:
        for s in services:
            s.shutdown()
        scheduler._SERVICE = None
    runs = History.for_config(load_config(path)).runs()
    assert [(r.report, r.period, r.status) for r in runs] == [("often", f"{previous:%Y-%m}", "success")]


def test_the_reminder_carries_the_portal_link_when_the_console_address_is_known(
    zone, service_factory, clock, smtp
):
    """The 催报 lets the department upload at once: a signed link to its portal page, valid portal.link_days."""
    from reportgen.web.accounts import Accounts
    from reportgen.web.links import read_token

    web = "web:\n  base_url: https://report.zone.example\n"
    path = zone(MAIL.format(port=smtp.port, user=USER) + web, send=True)
    shutil.move(
        path.parent / "data" / "2024-06" / "招商引资完成情况.xls", path.parent / "招商引资完成情况.xls"
    )
    service = service_factory(path)
    service.scheduler.start(paused=True)
    scheduler._SERVICE = service
    clock.now = FIRED
    assert "缺报" in fire(str(path), "monthly")
    [reminder] = [m for m in smtp.handler.messages if "催报" in m["Subject"]]
    body = reminder.get_body(("plain",)).get_content()
    assert "通过报送页面上传（无需密码，链接7天内有效）" in body
    link = next(
        line for line in body.splitlines() if line.startswith("https://report.zone.example/portal/link/")
    )
    grant = read_token(Accounts.for_config(load_config(path)).secret(), link.rsplit("/", 1)[1], FIRED)
    assert grant.department == "招商局" and grant.period == "2024-06"
    clock.now = FIRED + timedelta(hours=1)  # still missing: the same 催报 (same link) is not sent again
    assert "缺报" in fire(str(path), "monthly", "retry", "2024-06")
    assert len([m for m in smtp.handler.messages if "催报" in m["Subject"]]) == 1


def test_late_data_waits_reminds_then_reports_missing(zone, service_factory, clock, smtp):
    path = zone(MAIL.format(port=smtp.port, user=USER), send=True)
    late = path.parent / "data" / "2024-06" / "招商引资完成情况.xls"
    hidden = path.parent / "招商引资完成情况.xls"
    shutil.move(late, hidden)
    service = service_factory(path)
    service.scheduler.start(paused=True)
    scheduler._SERVICE = service
    clock.now = FIRED
    said = fire(str(path), "monthly")
    assert said.startswith("2024-06 缺报：招商局（招商引资完成情况.xls）") and "再检查" in said
    retry = service.scheduler.get_job("retry:monthly:2024-06")
    assert retry is not None and retry.next_run_time == FIRED + timedelta(hours=1)
    reminders = [m for m in smtp.handler.messages if "催报" in m["Subject"]]
    assert [m["To"] for m in reminders] == ["zhaoshang@example.com"]
    assert "招商引资完成情况.xls" in reminders[0].get_body(("plain",)).get_content()

    clock.now = FIRED + timedelta(hours=1)  # still missing: wait again, no second reminder
    assert "缺报" in fire(str(path), "monthly", "retry", "2024-06")
    assert len([m for m in smtp.handler.messages if "催报" in m["Subject"]]) == 1
    assert "已由其他进程" in fire(
        str(path), "monthly", "scheduled", "2024-06"
    )  # a plain re-trigger does nothing

    clock.now = FIRED + timedelta(hours=24, minutes=5)  # deadline passed: generate with 缺报 shown
    said = fire(str(path), "monthly", "retry", "2024-06")
    assert "已生成，缺报：招商局（招商引资完成情况.xls）" in said and "邮件 7 封送达" in said
    folder = path.parent / "output" / "2024-06"
    report = next(folder.glob("*.docx"))
    text = "\n".join(p.text for p in Document(str(report)).paragraphs)
    assert "截至报告生成时，招商局（招商引资完成情况.xls）缺报，相关指标按未报送处理" in text
    sheet = openpyxl.load_workbook(next(folder.glob("*重点指标完成情况.xlsx")))["指标完成情况"]
    assert "缺报：招商局（招商引资完成情况.xls）" in sheet["A2"].value
    statuses = [r.status for r in History.for_config(load_config(path)).runs()]
    assert statuses == ["success", "waiting", "waiting"]


def test_data_arriving_before_the_deadline_runs_without_missing(zone, service_factory, clock):
    path = zone()
    late = path.parent / "data" / "2024-06" / "财政收入.xlsx"
    saved = late.read_bytes()
    late.unlink()
    clock.now = FIRED
    scheduler._SERVICE = service_factory(path)
    assert "缺报：财政局（财政收入.xlsx）" in fire(str(path), "monthly")
    late.write_bytes(saved)
    clock.now = FIRED + timedelta(hours=1)
    assert fire(str(path), "monthly", "retry", "2024-06") == "2024-06 已生成"


def test_unchanged_inputs_are_not_regenerated(zone, clock, service_factory):
    path = zone()
    text = path.read_text(encoding="utf-8").replace(
        "  jobs:\n", "  jobs:\n    - {name: second, workday: 6}\n"
    )
    path.write_text(text, encoding="utf-8")
    scheduler._SERVICE = service_factory(path)
    assert fire(str(path), "monthly", "scheduled", "2024-06") == "2024-06 已生成"
    assert fire(str(path), "second", "scheduled", "2024-06") == "2024-06 已生成（输入未变化，沿用上次结果）"


def test_failed_run_alerts_the_admin(zone, clock, smtp, service_factory):
    path = zone(MAIL.format(port=smtp.port, user=USER))
    text = path.read_text(encoding="utf-8").replace("template: ../templates", "template: ../nowhere")
    text = text.replace("template: templates/月度报告.docx", "template: templates/不存在.docx")
    path.write_text(text, encoding="utf-8")
    scheduler._SERVICE = service_factory(path)
    said = fire(str(path), "monthly", "scheduled", "2024-06")
    assert said.startswith("2024-06 失败：Word 模板不存在")
    alerts = [m for m in smtp.handler.messages if m["To"] == "it@zone.example"]
    assert len(alerts) == 1 and alerts[0]["Subject"].startswith("【reportgen 失败】")
    assert "reportgen run --config" in alerts[0].get_body(("plain",)).get_content()
    assert History.for_config(load_config(path)).runs()[0].status == "failed"


def test_sigterm_stops_the_service_cleanly(zone):
    path = zone()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "reportgen", "schedule", "-c", str(path)],
        stderr=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    lines = []
    deadline = time.time() + 60
    while time.time() < deadline:
        line = proc.stderr.readline()
        lines.append(line)
        if "定时服务已启动" in line or not line:
            break
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, "".join(lines) + err
    assert "已停止" in err


def test_schedule_list_from_cli(zone, capsys):
    from reportgen.cli import main

    assert main(["schedule", "-c", str(zone()), "--list"]) == 0
    assert "monthly：每月第5个工作日 08:30（Asia/Shanghai）；下次运行" in capsys.readouterr().out
    cron = zone().read_text(encoding="utf-8").replace("workday: 5", "cron: {day: 10}")
    (zone().parent / "cron.yaml").write_text(cron, encoding="utf-8")
    assert main(["schedule", "-c", str(zone().parent / "cron.yaml"), "--list"]) == 0
    assert "monthly：cron（hour=08，minute=30，day=10，Asia/Shanghai）；下次运行" in capsys.readouterr().out
