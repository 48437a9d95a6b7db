"""Stage 3 of the reader: what each row under a table's header is. The one place where a band, a subtotal, a
repeated header or a footer is recognised, for project ledgers and indicator sheets alike.

Every row below the header is classified, never guessed: a data row (a project, an indicator), a band
(category), a subtotal/total, a repeated header, a note/footer, blank, or unclassified. An unclassified row is
never read as data: it becomes a problem naming its cell and what was expected. To recognise a new shape of band
or total, add its words or pattern below and its rule to `classify_row` (and a layout to tests/test_rows.py or
tests/layouts.py); the header stage (headers.py) uses the same words, so it never takes such a row for a header.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING

from ..errors import SourceError
from ..inputs import RowCounts
from .values import NotANumber, is_placeholder, normalize_text, parse_number, split_unit
from .workbook import Grid, cell_name

if TYPE_CHECKING:
    from .headers import Column, Table

# ---- the shapes: words and patterns that mark a row ---------------------------------------------------------

# A row whose first cell starts with one of these is a footer; everything below it is notes.
FOOTER_WORDS = (
    "填报单位",
    "填报人",
    "审核人",
    "联系电话",
    "联系人",
    "说明",
    "注:",
    "注：",
    "备注:",
    "备注：",
    "制表",
    "单位负责人",
    "统计负责人",
    "负责人:",
    "负责人：",
    "数据来源",
)
TOTAL_WORDS = ("合计", "总计", "小计", "全区合计", "累计合计")
TOTAL_SUFFIXES = ("合计", "小计", "总计")
# "一、", "（一）", "第一类": the ordinal that opens a band.
BAND = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十]+[)）]|第[一二三四五六七八九十]+[类部])"
)
# "大健康（15个）", "产业项目(共45项)": a count in brackets at the end is the mark of a band row.
COUNT_SUFFIX = re.compile(r"[(（]\s*(?:共|计)?\s*\d+\s*[个项家]\s*[)）]$")
# Numbering that is not part of a row's name: "1.", "（一）", "其中：", "—".
_NUMBERING = re.compile(r"^(?:\d+[、.．]|[(（]?[一二三四五六七八九十\d]+[)）、.．]|其中[:：]?|[-—•·])+")
UNSAVED_NAME = "名称是没有保存结果的公式"


def is_number_row(row: list) -> bool:
    """The column-number row under some headers: 1 2 3 … 8=7/6, or 甲 乙 丙."""
    count = 0
    for v in row:  # stops at the first cell that is not a column number: most rows are data
        if v is None or (isinstance(v, str) and not v.strip()):
            continue
        if not _COLUMN_NUMBER.fullmatch(normalize_text(v)):
            return False
        count += 1
    return count >= 3


_COLUMN_NUMBER = re.compile(r"\d{1,2}(?:\.0)?|[甲乙丙丁戊己庚辛]|\d{1,2}=[\d+\-*/×÷()]+")


def opens_band_total_or_footer(text: str) -> bool:
    """Text that marks its row as a band, a total or a footer (never a column name)."""
    text = normalize_text(text)
    return text.startswith(FOOTER_WORDS + TOTAL_WORDS) or bool(BAND.match(text))


def clean_label(text: object) -> str:
    """Row labels compare without numbering ('1.', '（一）', '其中：') and trailing units."""
    name, _ = split_unit(str(text))
    return _NUMBERING.sub("", name)


class RowKind(Enum):
    DATA = "数据行"  # a project of a ledger, an indicator of an indicator sheet
    PROJECT = "数据行"  # the same kind (an alias), as ledger code calls it
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
    noun: str = "项目"  # what a data row is, in messages: 项目 or 指标
    # Whether cells left of the name column show a data row: an indicator sheet may put its figures before the
    # names; a ledger keeps 序号 (and sometimes the owner) there, which a band row may share.
    content_left: bool = False
    # Cleaned labels of the rows the config reads (indicator sheets): data rows whatever their shape.
    data_labels: frozenset[str] = frozenset()


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
    name = cells[layout.name_col] if layout.name_col < min(len(cells), len(layout.header)) else None
    if not (isinstance(name, str) and name.strip() and split_unit(name)[0] in layout.header[layout.name_col]):
        return False  # checked first: a data row's name is never its column's header
    same = [
        c
        for c, v in enumerate(cells[: len(layout.header)])
        if isinstance(v, str) and v.strip() and split_unit(v)[0] in layout.header[c]
    ]
    return len(same) >= 2


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
        return RowClass(RowKind.UNCLASSIFIED, problem=layout.noun + UNSAVED_NAME)
    if is_number_row(cells) or _is_header(cells, layout):
        return RowClass(RowKind.HEADER)
    if layout.data_labels and isinstance(name_raw, str) and clean_label(name_raw) in layout.data_labels:
        return RowClass(RowKind.DATA)  # the config names this row: an indicator however it looks
    name = "" if is_placeholder(name_raw) else normalize_text(name_raw)
    head_end = max(name_col + 2, 3)
    head = [(c, normalize_text(v)) for c, v in filled if c < head_end and isinstance(v, str)]
    seq = any(c < name_col and _is_sequence(v) and _may_number(c, layout) for c, v in filled)
    if not (seq and name and isinstance(name_raw, str)) and any(_is_total(t) for _, t in head):
        return RowClass(RowKind.TOTAL)
    texts = {normalize_text(v) for _, v in filled}
    if len(filled) >= 2 and len(texts) == 1 and isinstance(first, str):  # merged across the table
        return RowClass(RowKind.BAND, band_name(first))
    marked = next((t for _, t in head if BAND.match(t) or COUNT_SUFFIX.search(t)), None)
    if marked and not seq and (not name or name == marked):
        return RowClass(RowKind.BAND, band_name(marked))
    if marked and name and not band_name(marked) and len(filled) == 2:
        return RowClass(RowKind.BAND, band_name(name))  # "一、" in the 序号 column, "投资" in the name column
    if not name:
        if (
            all(c < name_col and _is_sequence(v) and _may_number(c, layout) for c, v in filled)
            and not unsaved_cols
        ):
            return RowClass(RowKind.BLANK)  # a numbered row of the form left unused
        if band := _band_left_of_name(cells, filled, layout, unsaved_cols, above, below):
            return band
        return RowClass(RowKind.UNCLASSIFIED, problem=f"{layout.noun}名称为空，但这一行有内容")
    if isinstance(name_raw, (int, float)):
        return RowClass(RowKind.UNCLASSIFIED, problem=f"{layout.noun}名称是数字“{name_raw}”")
    if seq:
        return RowClass(RowKind.PROJECT)
    amount_cols = set(layout.amount_cols)
    others = [
        c
        for c, _ in filled
        if (c > name_col or (layout.content_left and c != name_col))
        and c not in amount_cols
        and c not in layout.hidden
    ] + [c for c in unsaved_cols if c not in amount_cols]
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


def _band_left_of_name(cells, filled, layout, unsaved_cols, above, below) -> RowClass | None:
    """A band or subtotal written in the 序号 column, the name cell empty ("基础设施" in A, names in B): text left
    of the name and nothing right of it but amounts. Without amounts it is a band; with amounts it is a
    subtotal when they equal the group above, a band when they equal the group below, else unclassified."""
    if layout.content_left or unsaved_cols:
        return None
    left = [(c, v) for c, v in filled if c < layout.name_col]
    texts = [normalize_text(v) for c, v in left if isinstance(v, str) and not _is_sequence(v)]
    if len(texts) != 1 or len(left) != 1:
        return None
    amount_cols = set(layout.amount_cols)
    rest = [c for c, _ in filled if c > layout.name_col and c not in layout.hidden]
    if any(c not in amount_cols for c in rest):
        return None
    if not rest:
        return RowClass(RowKind.BAND, band_name(texts[0]))
    own = [_number(cells[c]) if c < len(cells) else None for c in layout.amount_cols]
    if _adds_up(own, above):
        return RowClass(RowKind.TOTAL)
    if _adds_up(own, below):
        return RowClass(RowKind.BAND, band_name(texts[0]))
    problem = f"{layout.noun}名称为空，左侧“{texts[0]}”像分类行，但金额与其下各行之和不符"
    return RowClass(RowKind.UNCLASSIFIED, problem=problem, tentative=above is None and below is None)


def _may_number(col: int, layout: Layout) -> bool:
    """Whether a number left of the name is the row's 序号: in a ledger any, in an indicator sheet (which may put
    its figures before the names) only under a 序号 header."""
    if not layout.content_left:
        return True
    return col < len(layout.header) and any("序号" in text for text in layout.header[col])


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


# ---- indicator sheets: rows found by their label ----------------------------------------------------------------

LOOKED_UP = (RowKind.DATA, RowKind.BAND, RowKind.TOTAL)  # rows a configured `row` may name (合计 too)


@dataclass
class RowIndex:
    """An indicator sheet's rows below its header, classified once: where a configured `row` label is, the unit
    each row states, and what every row was (`counts`; unclassified rows also in `problems`)."""

    grid: Grid
    label_col: int
    label_header: str
    unit_col: int | None
    labels: dict[int, str] = field(default_factory=dict)  # row -> cleaned label, for rows in LOOKED_UP
    counts: dict[RowKind, int] = field(default_factory=dict)
    problems: list[SourceError] = field(default_factory=list)

    def find(self, label: str) -> int:
        """The row whose label is `label` (numbering and units ignored), else the one row containing it."""
        wanted = clean_label(label)
        labels = self.labels
        exact = [r for r, text in labels.items() if text == wanted]
        found = exact or [r for r, text in labels.items() if wanted and wanted in text]
        if len(found) == 1:
            return found[0]
        where = self.grid.location()
        if found:
            cells = "、".join(cell_name(r, self.label_col) for r in found)
            raise SourceError(
                where, f"“{label}”在“{self.label_header}”列出现多次（{cells}），无法确定取哪一行"
            )
        names = [str(self.grid.value(r, self.label_col)).strip() for r in labels][:20]
        raise SourceError(
            where,
            f"在“{self.label_header}”列找不到“{label}”这一行，现有：{'、'.join(n for n in names if n)}",
        )

    def row_counts(self) -> RowCounts:
        """What the rows were; `RowCounts.summary('指标行')` words it."""
        return RowCounts(
            projects=self.counts.get(RowKind.DATA, 0),
            bands=self.counts.get(RowKind.BAND, 0),
            totals=self.counts.get(RowKind.TOTAL, 0),
            headers=self.counts.get(RowKind.HEADER, 0),
            notes=self.counts.get(RowKind.NOTE, 0),
            unclassified=self.counts.get(RowKind.UNCLASSIFIED, 0),
        )

    def unit(self, row: int) -> str | None:
        """A unit stated for one row: in its label ('实到外资（万美元）') or in the 单位 column."""
        _, unit = split_unit(str(self.grid.value(row, self.label_col)))
        if unit or self.unit_col is None:
            return unit
        text = normalize_text(self.grid.value(row, self.unit_col))
        return split_unit(f"（{text}）")[1] if text else None


def index_rows(table: Table, label_col: Column, data_labels=()) -> RowIndex:
    """Classify an indicator sheet's rows below `table`'s header and index the labelled ones. `data_labels` are
    the row labels the config reads there: data rows whatever they look like. A row that is none of the known
    kinds is a problem naming its cell: it is never looked up, and never silently passed over."""
    grid = table.grid
    layout = Layout(
        label_col.index,
        header=tuple(frozenset(c.parts) for c in table.columns),
        hidden=frozenset(c.index for c in table.columns if c.hidden),
        noun="指标",
        content_left=True,
        data_labels=frozenset(clean_label(label) for label in data_labels),
    )
    unit_col = table.unit_column()
    index = RowIndex(grid, label_col.index, label_col.label, unit_col.index if unit_col else None)
    for r, got in classify_rows(grid, table.data_start, layout):
        index.counts[got.kind] = index.counts.get(got.kind, 0) + 1
        if got.kind in LOOKED_UP:
            index.labels[r] = clean_label(grid.value(r, layout.name_col))
        elif got.kind is RowKind.UNCLASSIFIED:
            index.problems.append(unclassified(grid, r, layout, got.problem))
    return index


def unclassified(grid: Grid, row: int, layout: Layout, why: str) -> SourceError:
    """A row that is neither data, a band, a total, a header nor a footer: not read, and said so."""
    skipped = "这一行未计入项目" if layout.noun == "项目" else "这一行未读取"
    if unsaved := grid.unsaved(row, layout.name_col):
        return SourceError(grid.location(row, layout.name_col), f"{unsaved}（{skipped}）")
    return SourceError(
        grid.location(row, layout.name_col),
        f"第 {row + 1} 行无法识别：{why}；应为{layout.noun}行（有{layout.noun}名称）、分类行、小计/合计行或表尾说明，"
        f"{skipped}",
    )
