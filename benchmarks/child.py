"""One measured run in a fresh process: python -m benchmarks.child CONFIG PERIOD OUT → JSON on stdout.

Everything is measured inside the one process so the ratios are comparable on a noisy machine: the
pipeline's stages, then python-calamine alone on the same sheets (the floor), then pandas with openpyxl
(what a hand-written script would do) on the same files.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path


def calamine_floor(files: list[Path]) -> float:
    from python_calamine import CalamineWorkbook

    start = time.perf_counter()
    for path in files:
        if path.suffix.lower() == ".csv":
            import csv
            import io

            list(csv.reader(io.StringIO(path.read_bytes().decode("gb18030"))))
            continue
        book = CalamineWorkbook.from_path(str(path))
        for name in book.sheet_names:
            book.get_sheet_by_name(name).to_python(skip_empty_area=False)
    return time.perf_counter() - start


def pandas_read(files: list[Path]) -> float | None:
    try:
        import pandas
    except ImportError:
        return None
    start = time.perf_counter()
    for path in files:
        if path.suffix.lower() == ".csv":
            pandas.read_csv(path, encoding="gb18030", header=None, on_bad_lines="skip", engine="python")
        elif path.suffix.lower() in (".xlsx", ".xlsm"):
            pandas.read_excel(path, sheet_name=None, header=None, engine="openpyxl")
    return time.perf_counter() - start


def main() -> None:
    config_path, period_text, out = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
    t0 = time.perf_counter()
    from reportgen.config import load_config
    from reportgen.period import Period
    from reportgen.pipeline import run
    from reportgen.sources.collect import input_files

    imported = time.perf_counter() - t0
    config = load_config(config_path)
    period = Period.parse(period_text)
    t1 = time.perf_counter()
    result = run(config, period, out, config_path=config_path, force=True)
    total = time.perf_counter() - t1
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    files = input_files(config, period)
    floor = calamine_floor(files)
    pandas_seconds = pandas_read(files)
    print(
        json.dumps(
            {
                "imports": imported,
                "total": total,
                "stages": result.timings,
                "peak_rss_mb": rss_mb,
                "calamine_floor": floor,
                "pandas_openpyxl": pandas_seconds,
                "files": len(files),
                "bytes": sum(f.stat().st_size for f in files),
            }
        )
    )


if __name__ == "__main__":
    main()
