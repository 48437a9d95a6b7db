"""`make bench`: per size, the median of several runs of each stage, peak RSS and the ratios the
performance targets are stated in; a plain table on stdout and output/bench.json.

    python -m benchmarks.bench [--sizes S,M,L] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from .workload import generate

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "output" / "bench"
PERIOD = "2024-06"
STAGES = ("read", "history", "compute", "charts", "word", "excel", "total")


def workload(size: str) -> Path:
    folder = WORK / "work" / size
    if size == "S":
        from reportgen.samples import write_sample_project

        if not (folder / "config.yaml").is_file():
            write_sample_project(folder, force=True)
        return folder / "config.yaml"
    return generate(size, folder)


def timed(command: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure(size: str, repeat: int) -> dict:
    config = workload(size)
    out = WORK / "out" / size
    runs = []
    for _ in range(repeat):
        child = subprocess.run(
            [sys.executable, "-m", "benchmarks.child", str(config), PERIOD, str(out)],
            check=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        runs.append(json.loads(child.stdout.strip().splitlines()[-1]))

    def median(get):
        values = [v for v in (get(r) for r in runs) if v is not None]
        return statistics.median(values) if values else None

    stages = {
        s: median(lambda r, s=s: r["total"] if s == "total" else r["stages"].get(s, 0.0)) for s in STAGES
    }
    read = stages["read"]
    row = {
        "size": size,
        "runs": repeat,
        "files": runs[0]["files"],
        "input_mb": runs[0]["bytes"] / 2**20,
        "stages": stages,
        "imports": median(lambda r: r["imports"]),
        "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
        "calamine_floor": median(lambda r: r["calamine_floor"]),
        "pandas_openpyxl": median(lambda r: r["pandas_openpyxl"]),
    }
    row["read_vs_floor"] = read / row["calamine_floor"] if row["calamine_floor"] else None
    row["pandas_vs_read"] = row["pandas_openpyxl"] / read if row["pandas_openpyxl"] and read else None
    cli = [str(Path(sys.executable).with_name("reportgen"))]
    row["wall_run"] = timed(cli + ["run", "-c", str(config), "-p", PERIOD, "-o", str(out), "--force"], 1)
    row["wall_skip"] = timed(cli + ["run", "-c", str(config), "-p", PERIOD, "-o", str(out)], 3)
    row["wall_validate"] = timed(cli + ["validate", "-c", str(config)], 3)
    return row


def hostile() -> list[dict]:
    """Refusing the alias bomb and a sheet inflating to 1 GB, each in a fresh process (time, peak RSS)."""
    folder = WORK / "hostile"
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for kind in ("yaml", "xlsx"):
        child = subprocess.run(
            [sys.executable, "-m", "benchmarks.bombs", kind, str(folder)],
            check=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        out.append(json.loads(child.stdout.strip().splitlines()[-1]))
    shutil.rmtree(folder, ignore_errors=True)
    return out


def hostile_table(rows: list[dict]) -> str:
    lines = ["hostile input              bytes  refused  seconds  peak RSS MB"]
    names = {"yaml": "YAML alias bomb", "xlsx": "sheet inflating to 1 GB"}
    for r in rows:
        lines.append(
            f"{names[r['input']]:<24} {r['bytes']:>8,}  {'yes' if r['refused'] else 'NO':>7}"
            f"  {r['seconds']:>7.3f}  {r['peak_rss_mb']:>11.0f}"
        )
    return "\n".join(lines)


def table(rows: list[dict], startup: dict) -> str:
    def f(v, digits=2):
        return "—" if v is None else f"{v:.{digits}f}"

    head = [
        "size",
        *STAGES,
        "imports",
        "wall run",
        "skip",
        "validate",
        "RSS MB",
        "floor",
        "read/floor",
        "pandas/read",
    ]
    lines = [" ".join(f"{h:>10}" for h in head)]
    for r in rows:
        cells = [
            r["size"],
            *(f(r["stages"][s]) for s in STAGES),
            f(r["imports"]),
            f(r["wall_run"]),
            f(r["wall_skip"]),
            f(r["wall_validate"]),
            f(r["peak_rss_mb"], 0),
            f(r["calamine_floor"]),
            f(r["read_vs_floor"]),
            f(r["pandas_vs_read"], 1),
        ]
        lines.append(" ".join(f"{c:>10}" for c in cells))
    lines.append(f"reportgen --help: {startup['help']:.2f} s")
    by = {r["size"]: r for r in rows}
    if "M" in by and "L" in by:
        for stage in ("read", "compute"):
            m, l_ = by["M"]["stages"][stage], by["L"]["stages"][stage]
            lines.append(f"growth L/M {stage}: {l_ / m:.1f}×" if m else f"growth L/M {stage}: —")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="S,M,L")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    cli = str(Path(sys.executable).with_name("reportgen"))
    startup = {"help": timed([cli, "--help"], 5)}
    rows = []
    for size in args.sizes.split(","):
        print(f"… {size}", file=sys.stderr, flush=True)
        rows.append(measure(size, args.repeat))
    print("… hostile inputs", file=sys.stderr, flush=True)
    refusals = hostile()
    print("… console", file=sys.stderr, flush=True)
    from .console import line as console_line
    from .console import measure as console_measure

    console = console_measure()
    print("… portal intake check", file=sys.stderr, flush=True)
    from . import intake

    checks = intake.measure(args.repeat)
    report = {
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
        },
        "period": PERIOD,
        "startup": startup,
        "sizes": rows,
        "hostile": refusals,
        "console": console,
        "intake": checks,
    }
    growth = {}
    by = {r["size"]: r for r in rows}
    if "M" in by and "L" in by:
        growth = {
            s: by["L"]["stages"][s] / by["M"]["stages"][s]
            for s in ("read", "compute")
            if by["M"]["stages"][s]
        }
    report["growth_L_over_M"] = growth
    (ROOT / "output" / "bench.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    print(table(rows, startup))
    print(hostile_table(refusals))
    print(console_line(console))
    print(intake.table(checks))
    print(f"已写出 {ROOT / 'output' / 'bench.json'}")
    shutil.rmtree(WORK / "out", ignore_errors=True)


if __name__ == "__main__":
    main()
