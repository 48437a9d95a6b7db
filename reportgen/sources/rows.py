"""What each row under a ledger's header is: the one place where a band, a subtotal or a footer is recognised.

Every row below the header is classified, never guessed: a project, a band (category), a subtotal/total, a
repeated header, a note/footer, blank, or unclassified. An unclassified row is never counted as a project: it
becomes a problem naming its cell and what was expected. To recognise a new shape of band or total, add it to
`classify_row` (and a layout to tests/test_rows.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from .headers import BAND, FOOTER_WORDS, TOTAL_WORDS, _is_number_row
from .values import NotANumber, is_placeholder, normalize_text, parse_number, split_unit
from .workbook import Grid

# "大健康（15个）", "产业项目(共45项)": a count in brackets at the end is the mark of a band row.
COUNT_SUFFIX = re.compile(r"[(（]\s*(?:共|计)?\s*\d+\s*[个项家]\s*[)）]$")
TOTAL_SUFFIXES = ("合计", "小计", "总计")
UNSAVED_NAME = "项目名称是没有保存结果的公式"


class RowKind(Enum):
    PROJECT = "项目"
    BAND = "分类行"
    TOTAL = "小计/合计行"
    HEADER = "重复表头行"
    NOTE = "表尾/说明行"
    BLANK = "空行"
    UNCLASSIFIED = "无法识别"


@dataclass(frozen=True)
class RowClass:
    kind: RowKind
    band: str = ""  # BAND: the category name the rows under it take
    problem: str = ""  # UNCLASSIFIED: what the row holds and what was expected
    tentative: bool = False  # text in the first cells and amounts: a band/subtotal only if the amounts add up


@dataclass(frozen=True)
class Layout:
    """What `classify_row` needs to know about the table: where names and amounts are, and its header texts."""

    name_col: int
    amount_cols: tuple[int, ...] = ()
    header: tuple[frozenset[str], ...] = ()  # per column, the texts of its header cells
    hidden: frozenset[int] = frozenset()  # hidden columns (last month's figures…): no evidence of a project


def band_name(text: str) -> str:
    """'一、产业项目（45个）' -> '产业项目'; '（一）新材料产业' -> '新材料产业'; '新材料类' -> '新材料'."""
    name = BAND.sub("", normalize_text(text))
    name = COUNT_SUFFIX.sub("", name).rstrip(":：").strip()
    if name.endswith("类") and len(name) > 2:
        name = name[:-1]
    return name


def _filled(value) -> bool:
    return not (value is None or (isinstance(value, str) and not value.strip()))


def _is_total(text: str) -> bool:
    return text in TOTAL_WORDS or text.startswith(TOTAL_WORDS) or text.endswith(TOTAL_SUFFIXES)


def _is_header(cells: list, layout: Layout) -> bool:
    """A header row repeated mid-sheet (the sheet was pasted together from several): the name cell and at
    least one other cell read as the header above them."""
    same = [
        c
        for c, v in enumerate(cells[: len(layout.header)])
        if isinstance(v, str) and v.strip() and split_unit(v)[0] in layout.header[c]
    ]
    return layout.name_col in same and len(same) >= 2


def classify_row(
    cells: list,
    layout: Layout,
    *,
    unsaved_cols: frozenset[int] = frozenset(),
    above: list[float] | None = None,
    below: list[float] | None = None,
) -> RowClass:
    """The kind of one row below the header (merged ranges already filled in).

    `above`/`below` are the sums of the amount columns over the project rows of the group above (since the last
    band or total) and below (until the next one); a row with text only in its first cells and amounts is a
    subtotal when they equal the group above, a band with its subtotal when they equal the group below.
    """
    name_col = layout.name_col
    filled = [(c, v) for c, v in enumerate(cells) if _filled(v)]
    if not filled and not unsaved_cols:
        return RowClass(RowKind.BLANK)
    first = filled[0][1] if filled else ""
    if isinstance(first, str) and normalize_text(first).startswith(FOOTER_WORDS):
        return RowClass(RowKind.NOTE)
    name_raw = cells[name_col] if name_col < len(cells) else ""
    if name_col in unsaved_cols:
        return RowClass(RowKind.UNCLASSIFIED, problem=UNSAVED_NAME)
    if _is_number_row(cells) or _is_header(cells, layout):
        return RowClass(RowKind.HEADER)
    name = "" if is_placeholder(name_raw) else normalize_text(name_raw)
    head_end = max(name_col + 2, 3)
    head = [(c, normalize_text(v)) for c, v in filled if c < head_end and isinstance(v, str)]
    seq = any(c < name_col and _is_sequence(v) for c, v in filled)
    if not (seq and name and isinstance(name_raw, str)) and any(_is_total(t) for _, t in head):
        return RowClass(RowKind.TOTAL)
    texts = {normalize_text(v) for _, v in filled}
    if len(filled) >= 2 and len(texts) == 1 and isinstance(first, str):  # merged across the table
        return RowClass(RowKind.BAND, band_name(first))
    marked = next((t for _, t in head if BAND.match(t) or COUNT_SUFFIX.search(t)), None)
    if marked and not seq and (not name or name == marked):
        return RowClass(RowKind.BAND, band_name(marked))
    if not name:
        if all(c < name_col and _is_sequence(v) for c, v in filled) and not unsaved_cols:
            return RowClass(RowKind.BLANK)  # a numbered row of the form left unused
        return RowClass(RowKind.UNCLASSIFIED, problem="项目名称为空，但这一行有内容")
    if isinstance(name_raw, (int, float)):
        return RowClass(RowKind.UNCLASSIFIED, problem=f"项目名称是数字“{name_raw}”")
    if seq:
        return RowClass(RowKind.PROJECT)
    amount_cols = set(layout.amount_cols)
    others = [c for c, _ in filled if c > name_col and c not in amount_cols and c not in layout.hidden] + [
        c for c in unsaved_cols if c not in amount_cols
    ]
    amounts = [c for c, _ in filled if c in amount_cols]
    if others:
        return RowClass(RowKind.PROJECT)
    if not amounts:
        return RowClass(RowKind.BAND, band_name(name))  # "新材料类", "大健康": only a name in the first cells
    own = [_number(cells[c]) if c < len(cells) else None for c in layout.amount_cols]
    if _adds_up(own, above):
        return RowClass(RowKind.TOTAL)
    if _adds_up(own, below):
        return RowClass(RowKind.BAND, band_name(name))
    return RowClass(RowKind.PROJECT, tentative=True)


def _is_sequence(value) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return True
    return isinstance(value, str) and normalize_text(value).rstrip(".、").isdigit()


def _number(raw) -> float | None:
    try:
        return parse_number(raw)
    except (NotANumber, ValueError):
        return None


def _adds_up(own: list[float | None], sums: list[float] | None) -> bool:
    if sums is None or not any(v is not None for v in own):
        return False
    return all(v is None or abs(v - s) <= 0.01 + 1e-6 * abs(s) for v, s in zip(own, sums, strict=True))


def classify_rows(grid: Grid, start: int, layout: Layout) -> list[tuple[int, RowClass]]:
    """Every row from `start` to the end of the sheet with its kind. Everything after the first footer row
    (填报人、说明…) is a note; a row that shows only its text and amounts is decided by whether they add up."""
    rows = grid.rows
    unsaved: dict[int, set[int]] = {}
    for r, c in grid.unsaved_formulas:
        unsaved.setdefault(r, set()).add(c)
    out: list[tuple[int, RowClass]] = []
    in_footer = False
    for r in range(start, len(rows)):
        got = classify_row(rows[r], layout, unsaved_cols=frozenset(unsaved.get(r, ())))
        if in_footer and got.kind is not RowKind.BLANK:
            got = RowClass(RowKind.NOTE)
        in_footer = in_footer or got.kind is RowKind.NOTE
        out.append((r, got))
    for i, (r, got) in enumerate(out):
        if not got.tentative:
            continue
        out[i] = (
            r,
            classify_row(
                rows[r],
                layout,
                unsaved_cols=frozenset(unsaved.get(r, ())),
                above=_group_sums(grid, layout, [x for x in reversed(out[:i])]),
                below=_group_sums(grid, layout, out[i + 1 :]),
            ),
        )
    return out


def _group_sums(grid: Grid, layout: Layout, rows: list[tuple[int, RowClass]]) -> list[float] | None:
    """Sums of the amount columns over the project rows up to the next band, total or candidate row."""
    sums = [0.0] * len(layout.amount_cols)
    seen = False
    for r, got in rows:
        if got.kind in (RowKind.BAND, RowKind.TOTAL, RowKind.HEADER, RowKind.NOTE) or got.tentative:
            break
        if got.kind is not RowKind.PROJECT:
            continue
        seen = True
        for k, c in enumerate(layout.amount_cols):
            sums[k] += _number(grid.value(r, c)) or 0.0
    return sums if seen else None
