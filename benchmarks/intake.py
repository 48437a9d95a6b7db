"""The portal's intake check (issue 14): the answer to one upload, a typical department workbook (target 2 s)
and the 20,000-row ledger of the L workload (target 10 s). Each is timed in a fresh process, after imports
(a web server has them loaded), as the median of a few checks.

    python -m benchmarks.intake [--repeat 3]          # both, printed as a table
    python -m benchmarks.intake child CONFIG PERIOD FILE   # one check, JSON on stdout (used by the above)
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
        seconds = statistics.median(r["seconds"] for r in runs)
        rows.append({**runs[0], "case": case, "seconds": seconds, "target": TARGETS[case]})
    return rows


def table(rows: list[dict]) -> str:
    lines = ["intake check                 MB   figures  warnings  seconds  target"]
    for r in rows:
        ok = "ok" if r["seconds"] <= r["target"] else "SLOW"
        lines.append(
            f"{r['case']:<22} {r['bytes'] / 2**20:>8.2f}  {r['figures']:>8}  {r['warnings']:>8}"
            f"  {r['seconds']:>7.2f}  {r['target']:>4.0f} s {ok}"
        )
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    if load is not None:
        lines.append(f"(load average {load:.1f} on {os.cpu_count()} CPUs: other work slows the check)")
    return "\n".join(lines)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "child":
        print(json.dumps(child(*sys.argv[2:5]), ensure_ascii=False))
        return
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(table(measure(args.repeat)))


if __name__ == "__main__":
    main()
