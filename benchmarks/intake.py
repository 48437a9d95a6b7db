"""The portal's intake check (issue 14): the answer to one upload, a typical department workbook (target 2 s)
and the 20,000-row ledger of the L workload (target 10 s). Each is timed in a fresh process, after imports
(a web server has them loaded), as the median of a few checks.

    python -m benchmarks.intake [--repeat 3]          # both, printed as a table
    python -m benchmarks.intake child CONFIG PERIOD FILE   # one check, JSON on stdout (used by the above)
    python -m benchmarks.intake page CONFIG PERIOD FILE    # the same file uploaded through the portal page
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PERIOD = "2024-06"
TARGETS = {"typical workbook": 2.0, "20,000-row ledger": 10.0}


def child(config_path: str, period: str, file: str) -> dict:
    from reportgen.config import load_config
    from reportgen.intake import check_upload
    from reportgen.period import Period
    from reportgen.sources.collect import find_input, period_dir

    config = load_config(Path(config_path))
    target = Period.parse(period)
    path = find_input(period_dir(config, target), file)
    content = path.read_bytes()
    start = time.perf_counter()
    result = check_upload(config, target, file, content, path.name)
    seconds = time.perf_counter() - start
    return {
        "file": file,
        "bytes": len(content),
        "seconds": seconds,
        "figures": len(result.figures),
        "errors": len(result.errors),
        "warnings": len(result.warnings),
    }


def child_page(config_path: str, period: str, file: str) -> dict:
    """The same file uploaded through the console's page by a department's user (ASGI app in-process): the
    seconds from sending the form to having the page with the check's answer. Data and state are copied to a
    temporary folder, so the workload is not touched."""
    import re
    import shutil
    import tempfile

    from starlette.testclient import TestClient

    from reportgen.config import load_config
    from reportgen.intake import expected_file
    from reportgen.period import Period
    from reportgen.sources.collect import find_input, period_dir
    from reportgen.web.accounts import Accounts
    from reportgen.web.app import create_app

    config = load_config(Path(config_path))
    target = Period.parse(period)
    path = find_input(period_dir(config, target), file)
    department = expected_file(config, target, file).departments[0]
    with tempfile.TemporaryDirectory(prefix="reportgen-bench-page-") as tmp:
        data = Path(tmp) / "data"
        for month in (target, Period(target.year, target.month - 1)):
            source = period_dir(config, month)
            shutil.copytree(source, data / source.relative_to(config.resolve(config.data.dir)))
        config = config.model_copy(
            update={
                "data": config.data.model_copy(update={"dir": data}),
                "schedule": config.schedule.model_copy(update={"state_dir": Path(tmp) / "state"}),
                "portal": config.portal.model_copy(update={"max_upload_mb": 1000}),
            }
        )
        Accounts.for_config(config).add("bench", "benchmark password", "department", department)
        client = TestClient(create_app(config, Path(config_path)), follow_redirects=False)
        token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text).group(1)
        client.post("/login", data={"name": "bench", "password": "benchmark password", "csrf": token})
        token = re.search(r'name="csrf" value="([^"]+)"', client.get(f"/portal/{period}").text).group(1)
        content = path.read_bytes()
        start = time.perf_counter()
        sent = client.post(
            f"/portal/{period}/upload",
            data={"csrf": token, "file": file},
            files={"upload": (path.name, content, "application/octet-stream")},
        )
        answer = client.get(sent.headers["location"])
        seconds = time.perf_counter() - start
        if answer.status_code != 200 or "读到的数值" not in answer.text:
            raise SystemExit(f"the page did not answer: {sent.status_code} {answer.status_code}")
    return {"file": file, "bytes": len(content), "page_seconds": seconds}


def cases() -> list[tuple[str, Path, str]]:
    """(case, config, expected file): the demo's 主要经济指标.xlsx and the L workload's ledger."""
    from .bench import workload

    small = workload("S")
    large = workload("L")
    from reportgen.config import load_config

    ledger = next(iter(load_config(large).ledgers.values())).file
    return [("typical workbook", small, "主要经济指标.xlsx"), ("20,000-row ledger", large, ledger)]


def measure(repeat: int = 3) -> list[dict]:
    rows = []
    for case, config, file in cases():
        runs = []
        for _ in range(repeat):
            out = subprocess.run(
                [sys.executable, "-m", "benchmarks.intake", "child", str(config), PERIOD, file],
                check=True,
                capture_output=True,
                text=True,
                cwd=ROOT,
            )
            runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
        pages = []
        for _ in range(repeat):
            out = subprocess.run(
                [sys.executable, "-m", "benchmarks.intake", "page", str(config), PERIOD, file],
                check=True,
                capture_output=True,
                text=True,
                cwd=ROOT,
            )
            pages.append(json.loads(out.stdout.strip().splitlines()[-1])["page_seconds"])
        seconds = statistics.median(r["seconds"] for r in runs)
        rows.append(
            {
                **runs[0],
                "case": case,
                "seconds": seconds,
                "page_seconds": statistics.median(pages),
                "target": TARGETS[case],
            }
        )
    return rows


def table(rows: list[dict]) -> str:
    lines = ["intake check                 MB   figures  warnings  seconds  via page  target"]
    for r in rows:
        page = r.get("page_seconds", r["seconds"])
        ok = "ok" if max(r["seconds"], page) <= r["target"] else "SLOW"
        lines.append(
            f"{r['case']:<22} {r['bytes'] / 2**20:>8.2f}  {r['figures']:>8}  {r['warnings']:>8}"
            f"  {r['seconds']:>7.2f}  {page:>8.2f}  {r['target']:>4.0f} s {ok}"
        )
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    if load is not None:
        lines.append(f"(load average {load:.1f} on {os.cpu_count()} CPUs: other work slows the check)")
    return "\n".join(lines)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "child":
        print(json.dumps(child(*sys.argv[2:5]), ensure_ascii=False))
        return
    if len(sys.argv) > 1 and sys.argv[1] == "page":
        print(json.dumps(child_page(*sys.argv[2:5]), ensure_ascii=False))
        return
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(table(measure(args.repeat)))


if __name__ == "__main__":
    main()
