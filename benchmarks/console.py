"""The console's speed targets (issue 13): the month page within 200 ms with three years of history (36 periods,
1,000 runs, 10,000 deliveries), and `reportgen serve` answering within 1 s of being started.

    python -m benchmarks.console        (also run by `make bench`)
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "output" / "bench" / "console"
PERIODS, RUNS, DELIVERIES = 36, 1000, 10_000


def history_of_three_years(root: Path) -> Path:
    """The sample project with June generated and a state folder holding three years of runs and deliveries."""
    from reportgen.config import load_config
    from reportgen.history import History
    from reportgen.period import Period
    from reportgen.pipeline import run
    from reportgen.samples import write_sample_project

    if root.exists():
        shutil.rmtree(root)
    write_sample_project(root)
    path = root / "config.yaml"
    config = load_config(path)
    run(config, Period(2024, 6), now=datetime(2024, 7, 5, 9))
    history = History.for_config(config)
    periods = [f"{2022 + i // 12}-{i % 12 + 1:02d}" for i in range(PERIODS)]
    with_output = root / "output"
    for p in periods:  # every period has outputs, as three years of real use would
        if p != "2024-06":
            shutil.copytree(with_output / "2024-06", with_output / p)
    start = datetime(2022, 1, 5, tzinfo=UTC)
    db = history._connect()  # bulk insert in one transaction: the benchmark measures reading, not writing
    db.execute("BEGIN")
    for i in range(RUNS):
        at = (start + timedelta(hours=26 * i)).isoformat()
        status = "failed" if i % 17 == 0 else "success"
        db.execute(
            "INSERT INTO reportgen_runs (report, period, trigger, started_at, finished_at, status, outputs, "
            "missing, error) VALUES (?, ?, ?, ?, ?, ?, '[]', ?, ?)",
            (
                "月度通报",
                periods[i * PERIODS // RUNS],
                "scheduled",
                at,
                at,
                status,
                json.dumps(["招商引资完成情况.xls"] if i % 5 == 0 else [], ensure_ascii=False),
                "主要经济指标.xlsx › 主要指标 › E6：“1,2.3” 不是数字" if status == "failed" else "",
            ),
        )
    for i in range(DELIVERIES):
        db.execute(
            "INSERT INTO reportgen_deliveries (run_id, period, kind, recipient, department, subject, status, "
            "attempts, at) VALUES (?, ?, 'department', ?, '经发局', '督办单', ?, 1, ?)",
            (
                i // 10 + 1,
                periods[i * PERIODS // DELIVERIES],
                f"user{i % 40}@zone.example",
                "delivered" if i % 23 else "failed",
                (start + timedelta(hours=3 * i)).isoformat(),
            ),
        )
    db.execute("COMMIT")
    db.close()
    return path


def month_page_ms(path: Path, repeat: int = 30) -> float:
    import re

    from starlette.testclient import TestClient

    from reportgen.config import load_config
    from reportgen.web.accounts import Accounts
    from reportgen.web.app import create_app

    config = load_config(path)
    Accounts.for_config(config).add("bench", "bench-password", "viewer")
    client = TestClient(create_app(config, path))
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text).group(1)
    client.post("/login", data={"name": "bench", "password": "bench-password", "csrf": token})
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        page = client.get("/period/2024-06")
        times.append(time.perf_counter() - started)
        assert page.status_code == 200 and "各单位报送" in page.text
    return statistics.median(times) * 1000


def startup_seconds(path: Path) -> float:
    """From starting `reportgen serve` to its first answer."""
    from reportgen.web.accounts import Accounts  # noqa: F401 — warm the import cache the way a service would be

    sys.path.insert(0, str(ROOT / "tests"))
    from smtp_server import free_port

    port = free_port()
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "reportgen.cli", "serve", "-c", str(path), "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=1).read()
                return time.perf_counter() - started
            except OSError:
                if process.poll() is not None or time.perf_counter() - started > 30:
                    raise RuntimeError("reportgen serve did not start") from None
                time.sleep(0.02)
    finally:
        process.terminate()
        process.wait(10)


def measure() -> dict:
    path = history_of_three_years(WORK)
    return {
        "periods": PERIODS,
        "runs": RUNS,
        "deliveries": DELIVERIES,
        "month_page_ms": round(month_page_ms(path), 1),
        "month_page_target_ms": 200,
        "startup_s": round(startup_seconds(path), 2),
        "startup_target_s": 1.0,
    }


def line(result: dict) -> str:
    return (
        f"控制台：月份页 {result['month_page_ms']} ms（目标 < {result['month_page_target_ms']} ms；"
        f"{result['periods']} 期、{result['runs']} 次运行、{result['deliveries']} 条邮件记录），"
        f"启动 {result['startup_s']} s（目标 < {result['startup_target_s']} s）"
    )


if __name__ == "__main__":
    print(line(measure()))
