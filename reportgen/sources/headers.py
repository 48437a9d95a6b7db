"""Stage 2 of the reader: locate the table in a grid — its header block (one to three rows, merged or not),
the unit stated for the sheet or a column, and which column each configured header names.

The table ends where its header ends: what the rows below it are is stage 3 (rows.py), whose words for bands,
totals and footers are used here only to keep such rows out of the header.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import SourceError
from .rows import FOOTER_WORDS, is_number_row, opens_band_total_or_footer
from .values import NotANumber, normalize_text, parse_number, split_unit, unit_in_line
from .workbook import Grid, cell_name

HEADER_SCAN_ROWS = 40
LABEL_HEADERS = ("指标名称", "指标", "指标项目", "项目名称", "项目", "名称", "主要指标")
UNIT_HEADERS = ("单位", "计量单位")


@dataclass(frozen=True)
class Column:
    index: int
    parts: tuple[str, ...]
    unit: str | None
    hidden: bool

    @property
    def label(self) -> str:
        return "/".join(self.parts)


@dataclass
class Table:
    """A sheet's header block resolved into columns, plus the unit stated for the whole sheet."""

    grid: Grid
    columns: list[Column]
    header_top: int
    data_start: int
    sheet_unit: str | None

    def find_column(self, name: str) -> Column:
        wanted, _ = split_unit(name)
        if "1-1月" in wanted:  # "1-{month}月累计" in January: sheets say 1月累计
            try:
                return self.find_column(wanted.replace("1-1月", "1月"))
            except SourceError:
                pass
        path = tuple(p for p in wanted.split("/") if p)
        exact = [
            c
            for c in self.columns
            if c.parts
            and (
                c.parts[-1] == wanted
                or c.label == wanted
                or c.parts[-len(path) :] == path
                or wanted in c.parts
            )
        ]
        found = exact or [c for c in self.columns if c.parts and wanted in c.label]
        if len(found) > 1:
            visible = [c for c in found if not c.hidden]
            found = visible or found
        if len(found) > 1:
            leaf = [c for c in found if c.parts[-1] == wanted]
            found = leaf if len(leaf) == 1 else found
        if len(found) == 1:
            return found[0]
        if found:
            cols = "、".join(
                f"{cell_name(self.header_top, c.index)[: -len(str(self.header_top + 1))]}列“{c.label}”"
                for c in found
            )
            raise SourceError(
                self.grid.location(), f"表头“{name}”对应多列：{cols}；请写出完整表头，如“上级表头/{wanted}”"
            )
        raise SourceError(self.grid.location(), f"找不到表头“{name}”，现有表头：{self.describe()}")

    def describe(self) -> str:
        return "、".join(c.label for c in self.columns if c.parts) or "（无）"

    def label_column(self, configured: str | None) -> Column:
        if configured:
            return self.find_column(configured)
        for name in LABEL_HEADERS:
            for c in self.columns:
                if c.parts and c.parts[-1] == name:
                    return c
        sample = self._first_rows(20)
        for c in self.columns:  # the first column holding text below the header (not 序号)
            values = [self.grid.value(r, c.index) for r in sample]
            if (
                sum(isinstance(v, str) and not v.strip().isdigit() and v.strip() != "" for v in values)
                >= len(values) / 2
            ):
                return c
        raise SourceError(
            self.grid.location(), "找不到指标名称所在的列；请在 source.label_column 写明该列表头"
        )

    def unit_column(self) -> Column | None:
        """The 单位 column of an indicator sheet, where each row states its unit."""
        return next((c for c in self.columns if c.parts and c.parts[-1] in UNIT_HEADERS), None)

    def _first_rows(self, count: int) -> list[int]:
        """Up to `count` non-blank rows below the header, before any footer: enough to see what a column holds."""
        found = []
        for r in range(self.data_start, len(self.grid.rows)):
            first = next((v for v in self.grid.rows[r] if v != "" and v is not None), None)
            if first is None:
                continue
            if isinstance(first, str) and normalize_text(first).startswith(FOOTER_WORDS):
                break
            found.append(r)
            if len(found) == count:
                break
        return found


def locate_table(grid: Grid, wanted: list[str]) -> Table:
    """Find the header block: the row that names most of `wanted`, widened to the merged header rows around it.

    `grid` comes from workbook.py with its merged ranges filled in."""
    names = {split_unit(w)[0].split("/")[-1] for w in wanted} | {split_unit(w)[0] for w in wanted}
    names |= {p for w in wanted for p in split_unit(w)[0].split("/") if p}
    best, best_score = None, 0
    # When none of the configured headers is there, the row naming the label column (指标名称…) is the header,
    # so that the missing-column message can list the headers that do exist.
    for candidates in (names, set(LABEL_HEADERS)):
        for r in range(min(HEADER_SCAN_ROWS, len(grid.rows))):
            cells = {split_unit(v)[0] for v in grid.rows[r] if isinstance(v, str) and v.strip()}
            score = len(cells & candidates)
            if score > best_score:
                best, best_score = r, score
        if best is not None:
            break
    if best is None:
        raise SourceError(
            grid.location(), f"前 {HEADER_SCAN_ROWS} 行中找不到表头（应含：{'、'.join(sorted(wanted))}）"
        )
    top = bottom = best
    changed = True
    while changed:  # merged header cells that reach into the block widen it
        changed = False
        for (r0, _), (r1, _) in grid.merges:
            if r0 < r1 and r0 <= bottom and r1 >= top and r1 - r0 <= 3 and (r0 < top or r1 > bottom):
                if r0 >= top - 3 and r1 <= bottom + 3:
                    top, bottom, changed = min(top, r0), max(bottom, r1), True
    # Without merge info (csv, some xls) the rows above that only name columns join the block (up to three
    # more: a merged header exported row by row); failing that, a leaf row below by text under its gaps.
    unmerged = not any(r0 <= bottom + 1 and r1 >= top - 1 for (r0, _), (r1, _) in grid.merges)
    grouped = False
    while unmerged and top > 0 and bottom - top < 3 and _is_group_row(grid, top - 1, top, bottom):
        top, grouped = top - 1, True
    if not grouped and bottom + 1 < len(grid.rows) and _is_leaf_row(grid, bottom, bottom + 1):
        bottom += 1
    if unmerged and bottom > top:
        _spread_groups(grid, top, bottom)
    if bottom + 1 < len(grid.rows) and _is_unit_row(grid.rows[bottom + 1]):
        bottom += 1  # "（万元）" under each amount column, not merged into the header: the columns' units
    width = max((len(grid.rows[r]) for r in range(top, bottom + 1)), default=0)
    hidden = grid.hidden_columns
    columns = []
    for c in range(width):
        parts: list[str] = []
        unit = None
        for r in range(top, bottom + 1):
            v = grid.value(r, c)
            if isinstance(v, str) and v.strip():
                text, u = split_unit(v)
                unit = u or unit
                if text and (not parts or parts[-1] != text):
                    parts.append(text)
        columns.append(Column(c, tuple(parts), unit, c in hidden))
    data_start = bottom + 1
    if data_start < len(grid.rows) and is_number_row(grid.rows[data_start]):
        data_start += 1
    sheet_unit = None
    for r in range(0, bottom + 1):
        for v in grid.rows[r]:
            if isinstance(v, str) and (u := unit_in_line(v)):
                sheet_unit = u
    return Table(grid, columns, top, data_start, sheet_unit)


def _is_group_row(grid: Grid, upper: int, top: int, bottom: int) -> bool:
    """An unmerged header row above the block: only column names, fewer than the block's first row, or some
    of them over a gap of the block (序号、项目名称 written in the top row of a header whose leaves are below)."""
    above = [bool(str(v).strip()) for v in grid.rows[upper]]
    below = [bool(str(v).strip()) for v in grid.rows[top]]
    texts = [v for v in grid.rows[upper] if isinstance(v, str) and v.strip()]
    if (
        len(texts) < 2
        or len(texts) != sum(above)
        or any(unit_in_line(t) or ":" in normalize_text(t) for t in texts)
    ):
        return False
    over_gaps = [
        c
        for c, filled in enumerate(above)
        if filled and not any(str(grid.value(r, c)).strip() for r in range(top, bottom + 1))
    ]
    return sum(above) < sum(below) or bool(over_gaps)


def _is_unit_row(row: list) -> bool:
    """A row under the header that only states units, one per column ("（万元）", "万元", "单位：亿元"); read as
    part of the header, so its units apply to the columns above (never a band named "(万元)")."""
    texts = [normalize_text(v) for v in row if str(v).strip()]
    if not texts or any(not isinstance(v, str) for v in row if str(v).strip()):
        return False
    units = 0
    for text in texts:
        plain = text.strip("()（）")
        name, unit = split_unit(f"（{plain}）")
        if unit is not None and not name:
            units += 1
        elif not (_BRACKETED.fullmatch(text) and not any(ch.isdigit() for ch in text)):
            return False  # "（年月）" beside the units is a format hint; anything else is not a units row
    return units > 0


_BRACKETED = re.compile(r"[(（][^()（）]{1,6}[)）]")


_NUMBER_TEXT = re.compile(r"^[-+]?[\d,，.]+%?$")


def _is_figure(text: str) -> bool:
    """'1,234', '73.2%', and amounts typed with their unit ('1.2亿', '8000万'): data, never a column name."""
    if _NUMBER_TEXT.match(text.strip()):
        return True
    try:
        return parse_number(text) is not None
    except (NotANumber, ValueError):
        return False


def _is_leaf_row(grid: Grid, header: int, lower: int) -> bool:
    """The row under a group header: only text (no figures), some of it under a gap of the header row or
    under a group name spanning several columns (merged only across, or not merged at all)."""
    upper, below = grid.rows[header], grid.rows[lower]
    texts = [(c, v) for c, v in enumerate(below) if str(v).strip()]
    if len(texts) < 2 or any(not isinstance(v, str) or _is_figure(v) for _, v in texts):
        return False
    if len({normalize_text(v) for _, v in texts}) == 1:  # merged across the table: a band or a title
        return False
    if any(opens_band_total_or_footer(v) for _, v in texts):
        return False

    def spanning(c: int) -> bool:
        here = str(upper[c]).strip()
        return bool(here) and any(
            0 <= n < len(upper) and str(upper[n]).strip() == here for n in (c - 1, c + 1)
        )

    under = [c for c, _ in texts if c >= len(upper) or not str(upper[c]).strip() or spanning(c)]
    return bool(under) and any(str(upper[c]).strip() for c, _ in texts if c < len(upper))


def _spread_groups(grid: Grid, top: int, bottom: int) -> None:
    """Unmerged group headers ('完成情况' written over its first column only) reach right over the columns
    whose leaf row has a name and whose own cell is empty."""
    leaf = grid.rows[bottom]
    for r in range(top, bottom):
        row = grid.rows[r]
        carry = None
        for c in range(len(leaf)):
            if c >= len(row):
                row.append("")
            text = row[c]
            if isinstance(text, str) and text.strip():
                carry = text if c + 1 < len(leaf) and str(leaf[c]).strip() else None
            elif carry is not None and str(leaf[c]).strip():
                row[c] = carry
            else:
                carry = None
