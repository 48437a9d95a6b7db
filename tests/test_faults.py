"""Fault injection with real processes: `reportgen send` and `reportgen schedule` killed with kill -9 or
stopped with SIGTERM at named points (REPORTGEN_PAUSE_AT, reportgen/faults.py), two senders at once, against a
real SMTP server on 127.0.0.1. Messages are counted at the server: every department's 督办单 arrives once,
except the one the documented window allows (killed after the server accepted it, before the ledger knew)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from conftest import generated_june, sample_without_schedule
from smtp_server import PASSWORD, USER, SMTPServer, tls_context

from reportgen.cli import main
from reportgen.config import load_config
from reportgen.history import History
from reportgen.samples import write_sample_project

TZ = ZoneInfo("Asia/Shanghai")
MAIL = """
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
  timeout: 5
"""
ADDRESSES = 7  # one leader and six departments


@pytest.fixture(scope="module")
def tls():
    return tls_context()


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """The sample project (charts off), generated once; each test has its own state folder."""
    return generated_june(tmp_path_factory.mktemp("zone"), datetime(2024, 7, 5, 9, tzinfo=TZ))


@pytest.fixture
def server(tls, tmp_path, monkeypatch):
    ca, context = tls
    ca.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
    monkeypatch.setenv("REPORTGEN_SMTP_CAFILE", str(tmp_path / "ca.pem"))
    monkeypatch.setenv("TEST_SMTP_PASSWORD", PASSWORD)
    with SMTPServer(context) as smtp:
        yield smtp


@pytest.fixture
def zone(project, tmp_path, server):
    text = (project / "config.yaml").read_text(encoding="utf-8")
    text += f"schedule:\n  state_dir: {tmp_path / 'state'}\n" + MAIL.format(port=server.port, user=USER)
    path = project / f"faults-{tmp_path.name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def start(args: list[str], pause: str | None = None, seconds: float = 3600) -> subprocess.Popen:
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "REPORTGEN_PAUSE_SECONDS": str(seconds)}
    env.pop("REPORTGEN_PAUSE_AT", None)
    if pause:
        env["REPORTGEN_PAUSE_AT"] = pause
    return subprocess.Popen(
        [sys.executable, "-m", "reportgen", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def wait_for(proc: subprocess.Popen, marker: str, timeout: float = 90) -> list[str]:
    """Read the process's stderr until a line contains `marker`."""
    lines, deadline = [], time.time() + timeout
    while time.time() < deadline:
        line = proc.stderr.readline()
        if not line:
            break
        lines.append(line)
        if marker in line:
            return lines
    proc.kill()
    raise AssertionError(f"{marker} not seen:\n" + "".join(lines))


def counts(server) -> dict[tuple[str, str], int]:
    """(address, subject) → how many arrived."""
    out: dict[tuple[str, str], int] = {}
    for m in server.handler.messages:
        key = (m["To"], str(m["Subject"]))
        out[key] = out.get(key, 0) + 1
    return out


def kill9(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)


def test_kill9_before_the_server_has_the_message_loses_nothing(zone, server, capsys):
    proc = start(["send", "-c", str(zone), "-p", "2024-06"], pause="sending:3")
    wait_for(proc, "REPORTGEN_PAUSED sending")
    kill9(proc)
    assert len(server.handler.messages) == 2
    assert main(["history", "-c", str(zone)]) == 0
    listing = capsys.readouterr().out
    assert "手工发送邮件 中断" in listing and "运行中" not in listing  # not 运行中 for ever
    assert main(["history", "-c", str(zone), "--owed"]) == 0
    assert "2024-06：未送达 5 封，已送达 2 封" in capsys.readouterr().out
    assert main(["send", "-c", str(zone), "-p", "2024-06"]) == 0
    assert sorted(counts(server).values()) == [1] * ADDRESSES  # every message exactly once
    assert main(["status", "-c", str(zone), "--check"]) == 0


def test_kill9_after_the_server_accepted_is_the_one_message_that_may_arrive_twice(zone, server, capsys):
    proc = start(["send", "-c", str(zone), "-p", "2024-06"], pause="accepted:3")
    wait_for(proc, "REPORTGEN_PAUSED accepted")
    kill9(proc)
    assert len(server.handler.messages) == 3
    assert main(["send", "-c", str(zone), "-p", "2024-06"]) == 0
    assert "上次发送中断，已重发（可能重复一封）" in capsys.readouterr().out
    assert sorted(counts(server).values()) == [1] * (ADDRESSES - 1) + [2]  # the window: one message per crash
    twice = [m for m in server.handler.messages if counts(server)[(m["To"], str(m["Subject"]))] == 2]
    assert twice[0]["Message-ID"] == twice[1]["Message-ID"]  # a mail client can fold the copy
    resent = [r for r in History.for_config(load_config(zone)).ledger("2024-06") if r.resent]
    assert len(resent) == 1 and resent[0].state == "delivered" and resent[0].reply.startswith("250")


def test_sigterm_mid_send_records_the_run_as_interrupted_and_the_next_send_completes(zone, server, capsys):
    proc = start(["send", "-c", str(zone), "-p", "2024-06"], pause="sending:2")
    wait_for(proc, "REPORTGEN_PAUSED sending")
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130 and "已中断" in err and "Traceback" not in err
    runs = History.for_config(load_config(zone)).runs()
    assert runs[0].status == "interrupted" and "SIGTERM" in runs[0].error
    assert main(["send", "-c", str(zone), "-p", "2024-06"]) == 0
    assert sorted(counts(server).values()) == [1] * ADDRESSES


def test_two_sends_at_once_send_every_message_once(zone, server):
    procs = [start(["send", "-c", str(zone), "-p", "2024-06"]) for _ in range(3)]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], outputs
    assert sorted(counts(server).values()) == [1] * ADDRESSES
    said = "".join(out for out, _ in outputs)
    assert said.count("已发送：") == ADDRESSES


def test_server_answers_4xx_then_5xx_then_drops_mid_data(zone, server, capsys):
    """Each fault once, across two `send`s: nothing owed in the end, nothing sent twice."""
    server.handler.faults["jingfa@example.com"] = ["451 4.7.1 try again later"]
    server.handler.faults["caizheng@example.com"] = ["554 5.7.1 rejected"]
    server.handler.drop_first["jianshe@example.com"] = 1
    assert main(["send", "-c", str(zone), "-p", "2024-06"]) == 1
    out = capsys.readouterr().out
    assert (
        "发送失败：jingfa@example.com（经发局）" in out and "发送失败：caizheng@example.com（财政局）" in out
    )
    assert "发送失败：jianshe@example.com（建设局）" in out
    assert main(["history", "-c", str(zone)]) == 0
    assert "手工发送邮件 部分送达" in capsys.readouterr().out
    assert main(["status", "-c", str(zone), "--check"]) == 1
    assert main(["send", "-c", str(zone), "-p", "2024-06"]) == 0
    assert sorted(counts(server).values()) == [1] * ADDRESSES


@pytest.fixture
def live_zone(tmp_path, server):
    """A project whose year is this year, with last month's data and a job firing every 2 seconds (real clock)."""
    write_sample_project(tmp_path)
    last = datetime.now(TZ).replace(day=1) - timedelta(days=1)
    shutil.copytree(tmp_path / "data" / "2024-06", tmp_path / "data" / f"{last:%Y-%m}")
    text = sample_without_schedule(tmp_path).replace("year: 2024", f"year: {last.year}")
    text += (
        "\nschedule:\n  state_dir: state\n  jobs:\n    - name: often\n"
        '      cron: {hour: "*", minute: "*", second: "*/2"}\n      wait: {deadline_hours: 0}\n'
    )
    path = tmp_path / "zone.yaml"
    path.write_text(text + MAIL.format(port=server.port, user=USER), encoding="utf-8")
    return path, f"{last:%Y-%m}"


def test_kill9_of_the_scheduler_mid_run_is_taken_over_once_at_restart(live_zone, server, capsys):
    path, period = live_zone
    proc = start(["schedule", "-c", str(path)], pause="generating")
    wait_for(proc, "REPORTGEN_PAUSED generating")
    kill9(proc)
    claim = History.for_config(load_config(path)).claim_record("often", period)
    assert claim.state == "running"  # left by a dead process: before, it stayed so for ever
    proc = start(["schedule", "-c", str(path)])
    lines = wait_for(proc, "定时服务已启动")
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    said = "".join(lines) + err
    assert proc.returncode == 0, said
    assert f"接管中断的运行：often {period}" in said and "记为中断），重新运行一次" in said
    runs = History.for_config(load_config(path)).runs()
    assert [(r.trigger, r.status) for r in reversed(runs)] == [
        ("catch-up", "interrupted"),
        ("takeover", "success"),
    ]
    assert sorted(counts(server).values()) == [1] * ADDRESSES
    assert main(["history", "-c", str(path)]) == 0
    listing = capsys.readouterr().out
    assert "任务“often”（补跑） 中断" in listing and "任务“often”（接管重跑） 生成成功" in listing


def test_sigterm_of_the_scheduler_lets_the_running_job_finish(live_zone, server):
    path, period = live_zone
    proc = start(["schedule", "-c", str(path)], pause="generating", seconds=2)
    wait_for(proc, "REPORTGEN_PAUSED generating")
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=90)
    assert proc.returncode == 0 and "已停止" in err, err
    runs = History.for_config(load_config(path)).runs()
    assert [(r.period, r.status) for r in runs] == [(period, "success")]
    assert sorted(counts(server).values()) == [1] * ADDRESSES


def test_scheduler_with_the_server_down_at_fire_time_retries_until_delivered(tmp_path, tls, monkeypatch):
    ca, context = tls
    ca.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
    monkeypatch.setenv("REPORTGEN_SMTP_CAFILE", str(tmp_path / "ca.pem"))
    monkeypatch.setenv("TEST_SMTP_PASSWORD", PASSWORD)
    server = SMTPServer(context)  # not listening yet
    write_sample_project(tmp_path)
    last = datetime.now(TZ).replace(day=1) - timedelta(days=1)
    shutil.copytree(tmp_path / "data" / "2024-06", tmp_path / "data" / f"{last:%Y-%m}")
    text = sample_without_schedule(tmp_path).replace("year: 2024", f"year: {last.year}")
    text += (
        "\nschedule:\n  state_dir: state\n  retry: {first_minutes: 0.05}\n  jobs:\n    - name: often\n"
        '      cron: {hour: "*", minute: "*", second: "*/2"}\n      wait: {deadline_hours: 0}\n'
    )
    path = tmp_path / "zone.yaml"
    path.write_text(text + MAIL.format(port=server.port, user=USER), encoding="utf-8")
    proc = start(["schedule", "-c", str(path)])
    try:
        wait_for(proc, "邮件 0 封送达，7 封失败")  # recorded 送达失败, not 成功 with nothing sent
        assert History.for_config(load_config(path)).runs()[-1].status == "undelivered"
        with server:
            wait_for(proc, "邮件 7 封送达，0 封失败")  # the retry, 3 seconds later
            assert sorted(counts(server).values()) == [1] * ADDRESSES
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
    statuses = [r.status for r in reversed(History.for_config(load_config(path)).runs())]
    assert statuses == ["undelivered", "success"]


def test_a_run_interrupted_again_after_its_takeover_is_not_redone_a_third_time(zone, server):
    from reportgen import month

    text = zone.read_text(encoding="utf-8").replace(
        "schedule:\n", "schedule:\n  jobs: [{name: monthly, workday: 5}]\n"
    )
    zone.write_text(text, encoding="utf-8")
    config = load_config(zone)
    store = History.for_config(config).path
    claim = f"from pathlib import Path; from reportgen.history import History; History(Path({str(store)!r}))"
    claim += ".claim('monthly', '2024-06')"
    for _ in range(2):  # a run claimed and killed, then its takeover killed as well (each process exits)
        subprocess.run([sys.executable, "-c", claim], check=True, timeout=60)
    assert History.for_config(config).claim_record("monthly", "2024-06").takeovers == 1
    now = datetime(2024, 7, 5, 10, tzinfo=TZ)
    step = month.fire(config, zone, "monthly", now=now, trigger="takeover", period="2024-06")
    assert "再次中断" in step.said and step.again is None
    alerts = [m for m in server.handler.messages if m["To"] == "it@zone.example"]
    assert len(alerts) == 1 and "再次中断" in alerts[0].get_body(("plain",)).get_content()
    assert History.for_config(config).claim_record("monthly", "2024-06").state == "failed"
    assert [m for m in server.handler.messages if m["To"] != "it@zone.example"] == []
