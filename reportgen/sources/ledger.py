"""Read a key-project ledger: stages 2–4 of the reader for one ledger sheet (see collect.py): locate its table,
classify its rows (rows.py), and read each project row's cells into a Project; bands give the category."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime

from ..config.model import AMOUNT_FIELDS, LEDGER_FIELDS, Ledger
from ..errors import SourceError
from ..inputs import Project, RowCounts
from .headers import locate_table
from .rows import Layout, RowKind, classify_rows, unclassified
from .values import (
    NotANumber,
    approximate_note,
    is_placeholder,
    normalize_text,
    parse_flag,
    parse_month,
    parse_number,
)
from .workbook import Grid

DATE_FIELDS = ("planned_start", "actual_start")


def read_ledger(
    grid: Grid,
    ledger: Ledger,
    extra_headers: list[str],
    year: int,
    period_text,
    problems: list[SourceError],
    department_of=None,
    notices: list[str] | None = None,
) -> tuple[list[Project], RowCounts]:
    """Projects of one ledger sheet and what every other row was (see rows.classify_row).

    Unreadable cells and unclassified rows are added to `problems` (cells left empty, rows not counted);
    numbers read as approximations ("3000余") are said in `notices`."""
    mapping = {f: period_text(h) for f, h in ledger.columns.model_dump().items() if h}
    extra = [period_text(h) for h in extra_headers if h not in mapping]
    table = locate_table(grid, [*mapping.values(), *extra])
    columns = {}
    for field_name, header in mapping.items():
        try:
            columns[field_name] = table.find_column(header)
        except SourceError as e:
            problems.append(SourceError(e.location, f"{e.message}（ledgers 列映射 columns.{field_name}）"))
    extra_columns = {}
    for header in extra:
        try:
            extra_columns[header] = table.find_column(header)
        except SourceError as e:
            problems.append(e)
    if "name" not in columns:
        return [], RowCounts()
    projects: list[Project] = []
    category_band = ""
    unknown_owners: set[str] = set()
    name_col = columns["name"].index
    resolved: dict[str, str | None] = {}  # owner cell text → department (thousands of rows, few names)
    amounts = []  # (field, column, unit, factor): plain numbers only need scaling
    others = []  # (field, column, cache): text, date and flag columns repeat a
    for f, c in columns.items():  # handful of values over thousands of rows, converted once each
        if f == "name":
            continue
        unit = c.unit or table.sheet_unit or ledger.unit
        if f in AMOUNT_FIELDS:
            try:
                factor = parse_number(1.0, unit, ledger.amount_unit)
            except ValueError:
                factor = None  # incompatible units: parse_number reports it per cell
            amounts.append((f, c.index, unit, factor))
        else:
            others.append((f, c.index, {}))
    layout = Layout(
        name_col,
        tuple(c for _, c, _, _ in amounts),
        tuple(frozenset(c.parts) for c in table.columns),
        frozenset(c.index for c in table.columns if c.hidden),
    )
    counts: Counter[RowKind] = Counter()
    for r, kind in classify_rows(grid, table.data_start, layout):
        counts[kind.kind] += 1
        if kind.kind is RowKind.BAND:
            category_band = kind.band
            continue
        if kind.kind is RowKind.UNCLASSIFIED:
            problems.append(unclassified(grid, r, layout, kind.problem))
            continue
        if kind.kind is not RowKind.PROJECT:
            continue
        row = grid.rows[r]
        width = len(row)
        name = str(row[name_col]).strip()
        values: dict = {"name": name}
        for field_name, c, unit, factor in amounts:
            raw = row[c] if c < width else ""
            if raw.__class__ is float and factor is not None:
                values[field_name] = raw * factor
                continue
            if unsaved := grid.unsaved(r, c):
                problems.append(SourceError(grid.location(r, c), unsaved))
                continue
            try:
                values[field_name] = parse_number(raw, unit, ledger.amount_unit)
            except (NotANumber, ValueError) as e:
                problems.append(
                    SourceError(grid.location(r, c), f"{e}（{LEDGER_FIELDS.get(field_name, field_name)}）")
                )
                continue
            if notices is not None and (note := approximate_note(raw)):
                notices.append(
                    f"{grid.location(r, c)}：{note}（{LEDGER_FIELDS.get(field_name, field_name)}）"
                )
        for field_name, c, cache in others:
            raw = row[c] if c < width else ""
            if unsaved := grid.unsaved(r, c):
                problems.append(SourceError(grid.location(r, c), unsaved))
                continue
            got = cache.get(raw)
            if got is None:
                try:
                    got = cache[raw] = _convert(field_name, raw, year)
                except (NotANumber, ValueError) as e:
                    got = cache[raw] = e
            if got.__class__ is dict:
                values.update(got)
            else:
                problems.append(
                    SourceError(grid.location(r, c), f"{got}（{LEDGER_FIELDS.get(field_name, field_name)}）")
                )
        owner = values.get("owner", "")
        if "owner" in columns:
            if owner and department_of:
                known = (
                    resolved[owner] if owner in resolved else resolved.setdefault(owner, department_of(owner))
                )
                if known is None and owner not in unknown_owners:
                    unknown_owners.add(owner)
                    problems.append(
                        SourceError(
                            grid.location(r, columns["owner"].index),
                            f"责任单位“{owner}”不在配置的 departments 中（可在 aliases 中加上这种写法）",
                        )
                    )
                owner = known or owner
            values["owner"] = owner
        if "category" not in columns or not values.get("category"):
            values["category"] = category_band
        values["extra"] = {
            h: _filter_value(
                grid.value(r, c.index), c.unit or table.sheet_unit or ledger.unit, ledger.amount_unit
            )
            for h, c in extra_columns.items()
        }
        projects.append(Project(location=grid.location(r, name_col), **values))
    return projects, RowCounts(
        projects=len(projects),
        bands=counts[RowKind.BAND],
        totals=counts[RowKind.TOTAL],
        headers=counts[RowKind.HEADER],
        notes=counts[RowKind.NOTE],
        unclassified=counts[RowKind.UNCLASSIFIED],
    )


def _convert(field_name: str, raw, year: int) -> dict:
    """A text, date or flag cell as Project fields."""
    if field_name in DATE_FIELDS:
        return _date_field(field_name, raw, year)
    if field_name == "started":
        return {"started_flag": parse_flag(raw)}
    return {field_name: "" if is_placeholder(raw) else str(raw).strip()}


def _filter_value(raw, unit, amount_unit):
    """Cells used only by filters: numbers in the ledger's amount unit where they parse, else normalised text."""
    if isinstance(raw, (date, datetime)):
        return raw
    try:
        number = parse_number(raw, unit, amount_unit)
    except (NotANumber, ValueError):
        return normalize_text(raw)
    return "" if number is None else number


def _date_field(field_name: str, raw, year: int) -> dict:
    """A date cell; in 实际开工时间 the words 已开工/未开工 are accepted as well."""
    try:
        return {field_name: parse_month(raw, year)}
    except NotANumber:
        if field_name == "actual_start":
            return {"started_flag": parse_flag(raw)}
        raise
