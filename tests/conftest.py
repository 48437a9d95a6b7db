"""Small helpers shared by the tests: write real workbooks and configs under tmp_path."""

from __future__ import annotations

import textwrap
from pathlib import Path

from reportgen.config import load_config
from reportgen.period import Period

PERIOD = Period(2024, 6)


def write_config(folder: Path, text: str, name: str = "config.yaml") -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def config_from(folder: Path, text: str):
    """A validated Config from YAML text (written to `folder/config.yaml`, so paths resolve against it)."""
    return load_config(write_config(folder, text))


def data_dir(folder: Path, period: Period = PERIOD) -> Path:
    """The default period folder of a config in `folder`: data/2024-06."""
    path = folder / "data" / f"{period.year}-{period.month:02d}"
    path.mkdir(parents=True, exist_ok=True)
    return path


def write_xlsx(
    path: Path,
    rows: list[list],
    *,
    sheet: str = "Sheet1",
    merges: tuple[str, ...] = (),
    hidden_columns: tuple[str, ...] = (),
    more_sheets: dict[str, list[list]] | None = None,
) -> Path:
    """An .xlsx whose first sheet holds `rows` (None = empty cell), with merged ranges and hidden columns."""
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.title = sheet
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is not None:
                ws.cell(r, c, value)
    for rng in merges:
        ws.merge_cells(rng)
    for letter in hidden_columns:
        ws.column_dimensions[letter].hidden = True
    for name, other in (more_sheets or {}).items():
        extra = book.create_sheet(name)
        for row in other:
            extra.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def write_xls(
    path: Path, rows: list[list], *, sheet: str = "Sheet1", merges: tuple[tuple[int, int, int, int], ...] = ()
) -> Path:
    """A real BIFF .xls via xlwt; merges are (first_row, last_row, first_col, last_col), 0-based."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet(sheet)
    merged = {(r0, c0): (r1, c1) for r0, r1, c0, c1 in merges}
    covered = {(r, c) for r0, r1, c0, c1 in merges for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if (r, c) in merged:
                r1, c1 = merged[(r, c)]
                ws.write_merge(r, r1, c, c1, value)
            elif (r, c) not in covered and value is not None:
                ws.write(r, c, value)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(str(path))
    return path


def generated_june(root: Path, now) -> Path:
    """The sample project in `root` without its schedule and mail (charts off), with June 2024 generated at
    `now`: the starting point of the scheduled-month and fault tests, which add their own schedule and mail."""
    from reportgen.config import load_config
    from reportgen.period import Period
    from reportgen.pipeline import run
    from reportgen.samples import write_sample_project

    write_sample_project(root)
    (root / "config.yaml").write_text(sample_without_schedule(root), encoding="utf-8")
    run(load_config(root / "config.yaml"), Period(2024, 6), now=now)
    return root


def sample_without_schedule(root: Path, charts: bool = False) -> str:
    """The sample project's config.yaml minus its schedule and mail sections (tests add their own)."""
    text = (root / "config.yaml").read_text(encoding="utf-8").split("\n# 定时运行：")[0] + "\n"
    return text if charts else text.replace("  charts:\n    enabled: true", "  charts:\n    enabled: false")
