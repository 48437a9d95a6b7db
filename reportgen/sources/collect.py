"""Read everything one period needs: the orchestration of the reader's four stages, each sheet once.

One cell's value goes through the stages in order, each owned by one module, and never back:

1. open the workbook — workbook.py: bounded open of .xlsx/.xls/.csv; each sheet as a `Grid` of raw values with
   merged ranges filled in, formula cells without a saved result marked, hidden columns and % formats known;
2. locate the table — headers.py: the header block (1–3 rows, merged or not), units in headers or in a
   "单位：万元" line, and the column each configured header names (`Table.find_column`);
3. classify the rows — rows.py: each row below the header is data, a band (category), a subtotal/total, a
   repeated header, a note/footer, blank or unclassified (a problem naming its cell). Ledgers (ledger.py) and
   indicator sheets (`rows.index_rows`) share `classify_row`: a new shape of band or total is added there;
4. parse the value with its place — values.py: `read_number`/`read_milestone` turn a cell into a number (units,
   "1.2亿", "3000余", "—" = 未报送) with its file › sheet › cell, or an error naming that cell.

This module only decides what to read (from the config) and in which unit, runs stages 1–3 once per sheet
(`_Sheet`), and collects values, problems and notices into `PeriodData`.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from pathlib import Path

from ..config.model import (
    LEDGER_FIELDS,
    VIRTUAL_FIELDS,
    CellSource,
    Config,
    LedgerSource,
    MilestoneIndicator,
    PartialSource,
    SheetTarget,
)
from ..errors import Location, NotReported, SourceError
from ..inputs import LedgerData, PeriodData, Reading, RowCounts
from ..period import Period
from .headers import Column, Table, locate_table
from .ledger import read_ledger
from .rows import RowIndex, index_rows
from .values import UnsavedFormula, base_unit, read_milestone, read_number
from .workbook import EXCEL_SUFFIXES, Grid, Workbook

_PLACEHOLDER = re.compile(r"\{(year|month|month:02d|last_year|span)\}")
TARGET_LABELS = {"target": "确保目标", "stretch": "力争目标"}
# Keys of an indicator that may name another cell of its source's table (merged with `source`).
PARTIAL_KEYS = ("last_year", "yoy", "last_year_completion", "last_year_target", "target", "stretch")
LAST_YEAR_LABELS = {"last_year_completion": "去年同期完成率", "last_year_target": "上年目标"}


def period_formatter(period: Period):
    """Substitute {year}, {month}, {month:02d}, {last_year}, {span} (1-6月; 1月 in January) in names."""
    values = {
        "year": str(period.year),
        "month": str(period.month),
        "month:02d": f"{period.month:02d}",
        "last_year": str(period.year - 1),
        "span": period.label,
    }
    return lambda text: _PLACEHOLDER.sub(lambda m: values[m.group(1)], text) if text else text


def period_dir(config: Config, period: Period) -> Path:
    return config.resolve(config.data.dir) / config.data.period_dir.format(
        year=period.year, month=period.month
    )


def find_input(folder: Path, name: str) -> Path:
    """The submitted file for `name`: exact, then ignoring width/case, then a glob, then another Excel suffix."""
    exact = folder / name
    if exact.is_file():
        return exact
    if not folder.is_dir():
        raise SourceError(Location(str(folder)), "本期数据目录不存在")
    files = [p for p in folder.iterdir() if p.is_file() and not p.name.startswith(("~$", ".~"))]
    key = _file_key(name)
    same = [p for p in files if _file_key(p.name) == key]
    if not same and any(ch in name for ch in "*?["):
        same = sorted(p for p in folder.glob(name) if p in files)
    if not same:
        stem = _file_key(Path(name).stem)
        same = [
            p for p in files if _file_key(p.stem) == stem and p.suffix.lower() in EXCEL_SUFFIXES | {".csv"}
        ]
    if len(same) == 1:
        return same[0]
    if len(same) > 1:
        raise SourceError(Location(name), f"匹配到多个文件：{'、'.join(p.name for p in same)}，请只保留一个")
    present = "、".join(sorted(p.name for p in files)) or "（目录为空）"
    raise SourceError(Location(f"{folder.name}/{name}"), f"文件不存在（缺报？本期目录中有：{present}）")


def _file_key(name: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name)).lower()


class _Sheet:
    """Stages 1–3 done once for one indicator sheet: its table, and its rows per label column."""

    def __init__(self, table: Table, data_labels: set[str]):
        self.table, self.data_labels = table, data_labels
        self._rows: dict[int, RowIndex] = {}

    def rows(self, label_col: Column, data: PeriodData) -> RowIndex:
        """The sheet's rows classified against `label_col`; on first use each unclassified row goes into the
        problems (what all rows were is said once for all sheets: `_say_indicator_rows`)."""
        if label_col.index not in self._rows:
            index = self._rows[label_col.index] = index_rows(self.table, label_col, self.data_labels)
            data.problems.extend(index.problems)
        return self._rows[label_col.index]

    def indexes(self) -> list[RowIndex]:
        return list(self._rows.values())


class _Reader:
    """Opens each workbook and prepares each sheet once, remembering failures so they are reported once."""

    def __init__(self, folder: Path, data: PeriodData, fmt, limits=None, labels=None):
        self.folder, self.data, self.fmt, self.limits = folder, data, fmt, limits
        self.labels: dict[tuple, set[str]] = labels or {}
        self.books: dict[str, Workbook | SourceError] = {}
        self.sheets: dict[tuple, _Sheet | SourceError] = {}

    def grid(self, file: str, sheet: str | None) -> Grid:
        """Stage 1: the sheet of the submitted file, opened once per run."""
        file = self.fmt(file)
        if file not in self.books:
            try:
                path = find_input(self.folder, file)
                self.books[file] = Workbook(path, f"{self.folder.name}/{path.name}", self.limits)
                self.data.files.append(path)
            except SourceError as e:
                self.books[file] = e
        book = self.books[file]
        if isinstance(book, SourceError):
            raise book
        return book.grid(sheet)

    def sheet(self, file: str, sheet: str | None, wanted: list[str]) -> _Sheet:
        """Stages 1 and 2 for an indicator sheet: its grid and its table, found from all headers read there."""
        key = (self.fmt(file), self.fmt(sheet) if sheet else None)
        if key not in self.sheets:
            try:
                grid = self.grid(file, key[1])
                table = locate_table(grid, list(dict.fromkeys(self.fmt(w) for w in wanted)))
                self.sheets[key] = _Sheet(table, {self.fmt(r) for r in self.labels.get((file, sheet), ())})
            except SourceError as e:
                self.sheets[key] = e
        got = self.sheets[key]
        if isinstance(got, SourceError):
            raise got
        return got


def read_period(config: Config, period: Period) -> PeriodData:
    """Read every configured source for `period`. Problems are collected, never raised."""
    folder = period_dir(config, period)
    data = PeriodData(period)
    fmt = period_formatter(period)
    wanted, labels = _wanted_headers(config)
    reader = _Reader(folder, data, fmt, config.data.limits, labels)
    reported: set[str] = set()

    def problem(e: SourceError, indicator) -> None:
        if str(e) not in reported:  # one missing file is one problem, not one per indicator
            reported.add(str(e))
            data.problems.append(
                type(e)(e.location, e.message + (f"（指标：{indicator.name}）" if indicator else ""))
            )

    for ind in config.indicators:
        if isinstance(ind, MilestoneIndicator):
            readings = []
            for node in ind.milestones:
                src = ind.source.model_copy(update={"row": node.row or node.name})
                readings.append(_read_cell(reader, src, wanted, ind, problem, flag=True, year=config.year))
            data.milestones[ind.id] = readings
            continue
        source = ind.source
        if isinstance(source, CellSource):
            data.readings[ind.id] = _read_cell(reader, source, wanted, ind, problem)
        for attr, store in (("last_year", data.last_year), ("yoy", data.yoy)):
            partial = getattr(ind, attr, None)
            if isinstance(partial, PartialSource):
                full = _merge(source, partial)
                store[ind.id] = _read_cell(
                    reader,
                    full,
                    wanted,
                    ind,
                    problem,
                    percent=attr == "yoy",
                    on_blank=None if ind.kind == "growth" else _no_yoy(data, ind, attr),
                )
            elif isinstance(partial, (int, float)):
                store[ind.id] = Reading(
                    float(partial), Location("配置文件", None, f"indicators.{ind.id}.{attr}")
                )
        for attr, store in (("target", data.targets), ("stretch", data.stretches)):
            spec = getattr(ind, attr, None)
            if isinstance(spec, SheetTarget):
                store[ind.id] = _read_target(
                    reader, source, spec, TARGET_LABELS[attr], wanted, ind, problem, reported
                )
        for attr, store in (
            ("last_year_completion", data.last_year_completion),
            ("last_year_target", data.last_year_targets),
        ):
            spec = getattr(ind, attr, None)
            if isinstance(spec, PartialSource):
                store[ind.id] = _read_last_year(reader, source, spec, attr, wanted, ind, problem, reported)
            elif isinstance(spec, (int, float)):
                store[ind.id] = Reading(
                    float(spec), Location("配置文件", None, f"indicators.{ind.id}.{attr}")
                )

    _say_indicator_rows(reader, data)
    data.missing = missing_submissions(config, period)
    for name, ledger in config.ledgers.items():
        extra = sorted(
            {
                k
                for ind in config.indicators
                if isinstance(getattr(ind, "source", None), LedgerSource) and ind.source.ledger == name
                for k in _filter_keys(ind.source)
            }
        )
        try:
            grid = reader.grid(ledger.file, fmt(ledger.sheet) if ledger.sheet else None)
            projects, counts = read_ledger(
                grid, ledger, extra, config.year, fmt, data.problems, config.department_of, data.notices
            )
            data.ledgers[name] = LedgerData(name, grid.location(), projects, counts)
            data.notices.append(f"{grid.location()}：{counts.summary()}")
        except SourceError as e:
            problem(e, None)
            data.ledgers[name] = LedgerData(name, None, [])
    return data


def _say_indicator_rows(reader: _Reader, data: PeriodData) -> None:
    """What the rows of the indicator sheets were, in the notices: one line naming the sheet when there is one,
    one line for all of them when each department sends its own (sixty lines would hide the one that matters:
    an unclassified row is a problem naming its cell anyway)."""
    indexes = [
        index for sheet in reader.sheets.values() if isinstance(sheet, _Sheet) for index in sheet.indexes()
    ]
    if not indexes:
        return
    counts = [index.row_counts() for index in indexes]
    total = RowCounts(**{k: sum(getattr(c, k) for c in counts) for k in vars(counts[0])})
    sheets = {index.grid.location() for index in indexes}
    where = str(next(iter(sheets))) if len(sheets) == 1 else f"{len(sheets)} 张指标表合计"
    data.notices.append(f"{where}：{total.summary('指标行')}")


def _no_yoy(data: PeriodData, indicator, attr: str):
    """A blank 上年同期 (or 同比) of an indicator that is not itself a growth rate: no 同比 for it, said once."""
    label = "上年同期" if attr == "last_year" else "同比"

    def say(where: Location, raw) -> None:
        data.notices.append(f"{where}：{label}未填，{indicator.name}不计算同比")

    return say


def _read_target(
    reader: _Reader,
    source,
    spec: SheetTarget,
    label: str,
    wanted: dict,
    indicator,
    problem,
    reported: set[str],
) -> Reading:
    """A 确保/力争 target from the indicator's own row, in the indicator's unit (growth: %, share: 百分点).

    Unreadable -> Reading(None) with a problem: the indicator is then not judged (never against zero).
    With `value` in the config the config wins; the sheet's figure is only checked against it.
    """
    unit = {"growth": "%", "share": "个百分点"}.get(indicator.kind, indicator.unit)
    fallback = "该指标不作评价" if spec.value is None else f"按配置的 {plain_figure(spec.value)}{unit} 计算"

    def target_problem(e: SourceError, ind) -> None:
        if str(e) not in reported:  # a missing file or row is already reported for the indicator's value
            tail = "" if e.message.endswith(fallback) else f"，{fallback}"
            problem(type(e)(e.location, f"{label}未读到：{e.message}{tail}"), ind)

    rate = indicator.kind in ("growth", "share")
    reading = _read_cell(
        reader, _merge(source, spec), wanted, indicator, target_problem, percent=rate, blank_note=fallback
    )
    if reading.value is not None and indicator.kind in ("cumulative", "count") and reading.value <= 0:
        reason = f"{plain_figure(reading.value)}{unit} 不是正数，不能作为目标"
        problem(SourceError(reading.location, f"{label}未读到：{reason}，{fallback}"), indicator)
        return Reading(None, reading.location, reason)
    if (
        spec.value is not None
        and reading.value is not None
        and abs(reading.value - spec.value) > 1e-9 * max(1.0, abs(spec.value))
    ):
        sheet, config = plain_figure(reading.value) + unit, plain_figure(spec.value) + unit
        message = f"{label}与配置不一致：报表为 {sheet}，配置为 {config}；按配置的 {config} 计算"
        problem(SourceError(reading.location, message), indicator)
    return reading


def _read_last_year(
    reader: _Reader,
    source,
    spec: PartialSource,
    attr: str,
    wanted: dict,
    indicator,
    problem,
    reported: set[str],
) -> Reading:
    """去年同期完成率 (a percentage: "73.2%", 73.2, or 0.732 in a %-formatted cell) or 上年目标 (in the
    indicator's unit) from the indicator's own row. Unreadable -> Reading(None) with a problem: nothing is
    compared then."""
    label, fallback = LAST_YEAR_LABELS[attr], "不与去年同期完成率比较"

    def labelled(e: SourceError, ind) -> None:
        if str(e) not in reported:  # a missing file or row is already reported for the indicator's value
            tail = "" if e.message.endswith(fallback) else f"，{fallback}"
            problem(type(e)(e.location, f"{label}未读到：{e.message}{tail}"), ind)

    percent = attr == "last_year_completion"
    reading = _read_cell(
        reader, _merge(source, spec), wanted, indicator, labelled, percent=percent, blank_note=fallback
    )
    if reading.value is not None and not percent and reading.value <= 0:
        reason = f"{plain_figure(reading.value)}{indicator.unit} 不是正数，不能作为上年目标"
        problem(SourceError(reading.location, f"{label}未读到：{reason}，{fallback}"), indicator)
        return Reading(None, reading.location, reason)
    return reading


def plain_figure(value: float) -> str:
    """200.0 -> '200', 12.345678 -> '12.3457': a figure for messages, without float noise."""
    return f"{value:.4f}".rstrip("0").rstrip(".")


def _filter_keys(source: LedgerSource) -> list[str]:

    conditions = {**(source.count_where or {}), **source.where}
    keys = [k for k in conditions if k not in LEDGER_FIELDS and k not in VIRTUAL_FIELDS]
    if source.sum and source.sum not in LEDGER_FIELDS:
        keys.append(source.sum)
    return keys


def _wanted_headers(config: Config) -> tuple[dict[tuple, list[str]], dict[tuple, set[str]]]:
    """All headers configured per (file, sheet), so each table's header block is found from all of them; and
    the row labels read there, which are indicator rows whatever they look like."""
    wanted: dict[tuple, list[str]] = defaultdict(list)
    labels: dict[tuple, set[str]] = defaultdict(set)
    for ind in config.indicators:
        source = getattr(ind, "source", None)
        if not isinstance(source, CellSource):
            continue
        partials = [getattr(ind, key, None) for key in PARTIAL_KEYS]
        sources = [source] + [_merge(source, p) for p in partials if isinstance(p, PartialSource)]
        for s in sources:
            wanted[(s.file, s.sheet)] += [s.column] + ([s.label_column] if s.label_column else [])
            if s.row:
                labels[(s.file, s.sheet)].add(s.row)
        if isinstance(ind, MilestoneIndicator):
            labels[(source.file, source.sheet)].update(node.row or node.name for node in ind.milestones)
    return wanted, labels


def _merge(source, partial: PartialSource) -> CellSource:
    base = source.model_dump() if isinstance(source, CellSource) else {}
    update = {
        k: v
        for k, v in partial.model_dump().items()
        if k in CellSource.model_fields and v is not None and v is not False
    }  # not a target's `value`
    return CellSource(**{**base, **update})


def _read_cell(
    reader: _Reader,
    source: CellSource,
    wanted: dict,
    indicator,
    problem,
    *,
    percent: bool = False,
    flag: bool = False,
    year: int = 0,
    blank_note: str = "按未报送处理（不计为 0）",
    on_blank=None,
) -> Reading:
    """One configured cell through the four stages: sheet (1, 2), row (3), value (4)."""
    fmt = reader.fmt
    try:
        sheet = reader.sheet(
            source.file, source.sheet, wanted.get((source.file, source.sheet), [source.column])
        )
        column = sheet.table.find_column(fmt(source.column))
        label_col = sheet.table.label_column(fmt(source.label_column) if source.label_column else None)
        rows = sheet.rows(label_col, reader.data)
        row = rows.find(fmt(source.row))
    except SourceError as e:
        problem(e, indicator)
        return Reading(None, e.location if isinstance(e.location, Location) else None, e.message)
    grid = sheet.table.grid
    try:
        if flag:
            cell = read_milestone(grid, row, column.index, year)
            return Reading(cell.value, cell.location)
        unit = rows.unit(row) or column.unit or sheet.table.sheet_unit or source.unit
        amounts_for_growth = (
            indicator.kind == "growth" and getattr(indicator, "last_year", None) is not None and not percent
        )
        if amounts_for_growth:
            # a sheet that states no unit is in the indicator's `unit` (亿元), as for a cumulative amount
            unit = unit or (indicator.unit if base_unit(indicator.unit) else None)
            to_unit = base_unit(unit)  # this year's and last year's amounts meet in one unit
        elif percent or indicator.unit == "%" or column.unit == "%":
            unit = to_unit = None
        else:
            to_unit = indicator.unit or None
        cell = read_number(
            grid,
            row,
            column.index,
            unit,
            to_unit,
            fraction_percent=source.percent_as_fraction,
            percent_format=to_unit is None and not amounts_for_growth,
        )
    except UnsavedFormula as e:
        problem(SourceError(e.location, f"{e.message}；{blank_note}"), indicator)
        return Reading(None, e.location, e.message)
    except SourceError as e:
        problem(e, indicator)
        return Reading(None, e.location, e.message)
    if cell.value is None and on_blank is not None:
        on_blank(cell.location, cell.raw)
        return Reading(None, cell.location, "未填报")
    if cell.value is None:
        said = f"“{cell.raw}”表示未填报" if str(cell.raw).strip() else "单元格为空"
        problem(NotReported(cell.location, f"{said}，{blank_note}"), indicator)
        return Reading(None, cell.location, "未填报")
    if cell.note:
        reader.data.notices.append(f"{cell.location}：{cell.note}（指标：{indicator.name}）")
    return Reading(cell.value, cell.location, unit=(to_unit or "") if amounts_for_growth else "")


def expected_submissions(config: Config) -> list[tuple[str, list[str]]]:
    """(file name pattern, departments sending it) for every file the config reads each period.

    `data.expected` when given; otherwise the owners of the indicators read from each file, and for a
    ledger its `owner` (or, when unset, nobody in particular: the office itself collects it).
    """
    if config.data.expected is not None:
        merged: dict[str, list[str]] = {}
        for e in config.data.expected:
            merged.setdefault(e.file, []).append(config.department_of(e.department) or e.department)
        return list(merged.items())
    files: dict[str, list[str]] = {}

    def add(file: str | None, owner: str | None) -> None:
        if file:
            owners = files.setdefault(file, [])
            name = config.department_of(owner) or owner if owner else None
            if name and name not in owners:
                owners.append(name)

    for ind in config.indicators:
        source = getattr(ind, "source", None)
        if isinstance(source, CellSource):
            add(source.file, ind.owner)
        for attr in PARTIAL_KEYS:
            partial = getattr(ind, attr, None)
            if isinstance(partial, PartialSource) and partial.file:
                add(partial.file, ind.owner)
    for ledger in config.ledgers.values():
        add(ledger.file, ledger.owner)
    return list(files.items())


def missing_submissions(config: Config, period: Period) -> list[tuple[str, list[str]]]:
    """Expected files not (yet) in the period folder: what 缺报 and 催报 are about."""
    folder = period_dir(config, period)
    fmt = period_formatter(period)
    missing = []
    for file, departments in expected_submissions(config):
        try:
            find_input(folder, fmt(file))
        except SourceError:
            missing.append((fmt(file), departments))
    return missing


def input_files(config: Config, period: Period) -> list[Path]:
    """The submitted files a run of `period` would read (those present), without opening them."""
    folder = period_dir(config, period)
    fmt = period_formatter(period)
    found = []
    for file, _ in expected_submissions(
        config.model_copy(update={"data": config.data.model_copy(update={"expected": None})})
    ):
        try:
            found.append(find_input(folder, fmt(file)))
        except SourceError:
            continue
    return sorted(set(found))
