"""Stage 4 of the reader: turn what people type into spreadsheet cells into numbers, units and months.

The functions on text (`parse_number`, `split_unit`, `parse_month`…) know nothing of sheets; every stage uses
them. `read_number` and `read_milestone` read one cell of a grid and return the value with its place
(file › sheet › cell), or raise a SourceError naming that place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from ..errors import Location, SourceError
from ..text import normalize_text

if TYPE_CHECKING:
    from .workbook import Grid

# Cells that mean "not reported" — never zero.
PLACEHOLDERS = {
    "",
    "-",
    "—",
    "——",
    "–",
    "－",
    "/",
    "／",
    "\\",
    "无",
    "暂无",
    "…",
    "……",
    "...",
    "......",
    "未填报",
    "未报",
    "不适用",
    "n/a",
    "na",
    "null",
    "none",
    "#n/a",
    "#div/0!",
    "#value!",
    "#ref!",
}

# Amount units by currency, as multiples of the base unit.
_FACTORS = {
    "元": ("CNY", 1),
    "千元": ("CNY", 1e3),
    "万元": ("CNY", 1e4),
    "百万元": ("CNY", 1e6),
    "亿元": ("CNY", 1e8),
    "美元": ("USD", 1),
    "万美元": ("USD", 1e4),
    "百万美元": ("USD", 1e6),
    "亿美元": ("USD", 1e8),
    "平方米": ("AREA", 1),
    "万平方米": ("AREA", 1e4),
    "亩": ("AREA", 666.6667),
    "公顷": ("AREA", 1e4),
}
# A bare multiplier typed after a number ("1.2亿", "8000万") keeps the column's currency.
_MULTIPLIERS = {"万": 1e4, "亿": 1e8, "千": 1e3}
_NUMBER = re.compile(r"^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:e([+-]?\d+))?$", re.I)
_UNIT_IN_TEXT = re.compile(r"[(（\[【]\s*([^()（）\[\]【】]*?)\s*[)）\]】]\s*$")
_DASH_BETWEEN_DIGITS = re.compile(r"(?<=\d)(?:[—–~～至]|--)(?=\d)")
_UNIT_LINE = re.compile(r"单位[:：]")


def is_placeholder(value: object) -> bool:
    return value is None or (isinstance(value, str) and normalize_text(value).lower() in PLACEHOLDERS)


def unit_family(unit: str | None) -> str | None:
    """'CNY', 'USD', 'AREA' for amount units; None for counts, percentages and unknown units."""
    return _FACTORS[unit][0] if unit in _FACTORS else None


def base_unit(unit: str | None) -> str | None:
    """元/美元/平方米 for amount units; None otherwise."""
    family = unit_family(unit)
    return {"CNY": "元", "USD": "美元", "AREA": "平方米"}.get(family) if family else None


def convert(value: float, from_unit: str | None, to_unit: str | None) -> float:
    """Convert between amount units of the same family; other units pass through unchanged."""
    if not from_unit or not to_unit or from_unit == to_unit:
        return value
    if from_unit not in _FACTORS or to_unit not in _FACTORS:
        return value
    (fam_a, fa), (fam_b, fb) = _FACTORS[from_unit], _FACTORS[to_unit]
    if fam_a != fam_b:
        raise ValueError(f"单位“{from_unit}”不能换算为“{to_unit}”")
    return value * fa / fb


def split_unit(header: str) -> tuple[str, str | None]:
    """'总投资（万元）' -> ('总投资', '万元'); '增速(%)' -> ('增速', '%'). Text is normalized first."""
    text = _DASH_BETWEEN_DIGITS.sub("-", normalize_text(header))  # 1—6月、1~6月、1至6月 -> 1-6月
    m = _UNIT_IN_TEXT.search(text)
    if m:
        unit = m.group(1).removeprefix("单位:").removeprefix("单位")
        if unit in _FACTORS or unit in ("%", "个", "项", "家", "人", "万人", "亩", "个百分点", "百分点"):
            return text[: m.start()], unit
    return text, None


def unit_in_line(text: str) -> str | None:
    """'单位：万元' (in a title or subtitle cell) -> '万元'."""
    # Whitespace is gone after normalising, so "填报单位：经发局  单位：万元" reads as one run: try each 单位:.
    line = normalize_text(text)
    for m in _UNIT_LINE.finditer(line):
        unit = next((u for u in sorted(_FACTORS, key=len, reverse=True) if line.startswith(u, m.end())), None)
        if unit:
            return unit
    return None


# "3000余", "约3000", "3000多", "近3000", "3000左右": a number the clerk only knew roughly. It is read as the
# number, with a note saying so, rather than lost as 未报送.
_APPROX_BEFORE = ("大约", "约", "近", "将近")
_APPROX_AFTER = ("余", "多", "左右")


def _strip_approximation(text: str) -> tuple[str, bool]:
    """'约3000' -> ('3000', True); the marker may sit before the number or after it (before a unit)."""
    for word in sorted(_APPROX_BEFORE, key=len, reverse=True):
        if text.startswith(word) and len(text) > len(word):
            return text[len(word) :], True
    for word in sorted(_APPROX_AFTER, key=len, reverse=True):
        i = text.find(word)
        if i > 0 and text[i - 1].isdigit():
            return text[:i] + text[i + len(word) :], True
    return text, False


def approximate_note(raw: object) -> str | None:
    """'原填“3000余”，按3000计' for a cell read as an approximate number; None for anything else."""
    if not isinstance(raw, str):
        return None
    text, approx = _strip_approximation(normalize_text(raw).replace(",", "").replace("，", ""))
    if not approx:
        return None
    try:
        parse_number(text)
    except (NotANumber, ValueError):
        return None
    return f"原填“{raw.strip()}”，按{text}计"


class NotANumber(ValueError):
    """The cell holds text that is neither a number nor a 'not reported' placeholder."""


def parse_number(
    raw: object, unit: str | None = None, to_unit: str | None = None, fraction_percent: bool = False
) -> float | None:
    """A cell value as a number in `to_unit`, or None when it is a placeholder for 'not reported'.

    `unit` is the unit the cell is written in (from its header or the sheet); a suffix typed in the
    cell ("1.2亿", "8000万美元", "73.27%") overrides it. Percentages come back in percent (73.27).
    `fraction_percent` says numeric cells hold fractions formatted as percent (0.7327 -> 73.27).
    """
    if isinstance(raw, bool):
        raise NotANumber(f"“{raw}”不是数字")
    if isinstance(raw, (int, float)):
        number = float(raw)
        if fraction_percent:
            number *= 100
        return convert(number, unit, to_unit)
    if isinstance(raw, (date, datetime)):
        raise NotANumber(f"“{raw}”是日期，不是数字")
    if is_placeholder(raw):
        return None
    text = normalize_text(raw).replace(",", "").replace("，", "")
    text, _ = _strip_approximation(text)  # said by approximate_note: the caller adds it to the notices
    cell_unit = unit
    if text.endswith(("%", "‰")):
        scale = 1 if text.endswith("%") else 0.1
        body = text[:-1]
        m = _NUMBER.match(body)
        if not m:
            raise NotANumber(f"“{raw}”不是数字")
        return float(body) * scale
    for suffix in sorted(_FACTORS, key=len, reverse=True):
        if text.endswith(suffix):
            text, cell_unit = text[: -len(suffix)], suffix
            break
    else:
        for suffix in ("个百分点", "百分点", "个", "项", "家", "人", "户", "亩"):
            if text.endswith(suffix):
                text = text[: -len(suffix)]
                break
    multiplier = 1.0
    if text and text[-1] in _MULTIPLIERS:
        multiplier, text = _MULTIPLIERS[text[-1]], text[:-1]
        # "1.2亿" in a 万元 column means 1.2亿元: convert from the base unit of the column's family.
        family = unit_family(cell_unit) or unit_family(to_unit) or "CNY"
        base = {"CNY": "元", "USD": "美元", "AREA": "平方米"}[family]
        cell_unit = base
    if not _NUMBER.match(text):
        if text.startswith("="):  # a CSV keeps a formula as its text, never its result
            raise NotANumber(
                f"“{raw}”是公式的文本，不是数字：请在 Excel/WPS 中把公式转为数值或另存为 .xlsx 后再报送"
            )
        raise NotANumber(f"“{raw}”不是数字")
    return convert(float(text) * multiplier, cell_unit, to_unit)


_DONE_WORDS = (
    "已完成",
    "完成",
    "已开工",
    "开工",
    "是",
    "√",
    "✓",
    "✔",
    "yes",
    "y",
    "done",
    "已办结",
    "已竣工",
    "竣工",
)
_NOT_DONE_WORDS = (
    "未完成",
    "未开工",
    "否",
    "×",
    "✗",
    "no",
    "n",
    "推进中",
    "进行中",
    "前期",
    "未",
    "暂未开工",
    "待开工",
)


def parse_flag(raw: object) -> bool | None:
    """'已开工'/'是'/'√' -> True, '未开工'/'否' -> False, placeholder -> None; other text raises."""
    if isinstance(raw, bool):  # an Excel TRUE/FALSE cell
        return raw
    if is_placeholder(raw):
        return None
    text = normalize_text(raw).lower()
    if text.startswith(("未", "暂未", "尚未", "待")) or text in _NOT_DONE_WORDS:
        return False
    if text in _DONE_WORDS or text.startswith(("已", "完成")):
        return True
    raise NotANumber(f"“{raw}”无法判断是否完成（应为 已完成/未完成、是/否 等）")


_CN_MONTH = re.compile(r"^(?:(\d{4})年)?(\d{1,2})月(?:(\d{1,2})日?)?(?:底|末|初|中旬|上旬|下旬|前|份)?$")
_DOTTED = re.compile(r"^(\d{4})[.\-/](\d{1,2})(?:[.\-/](\d{1,2}))?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})?$")


def parse_month(raw: object, default_year: int) -> date | None:
    """A planned/actual date cell as the first day of its month, or None when empty/placeholder.

    Accepts Excel dates, '2024.3', '2024-03-15', '2024/3', '2024年3月', '3月', '3月底', '202403'.
    Raises NotANumber for text that is not a date (words such as '已开工' are left to the caller).
    """
    if isinstance(raw, datetime):
        return date(raw.year, raw.month, 1)
    if isinstance(raw, date):
        return date(raw.year, raw.month, 1)
    if is_placeholder(raw):
        return None
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        text = repr(float(raw)).removesuffix(".0") if float(raw).is_integer() else str(raw)
        # 2024.3 typed as a number, or 202403
        m = re.fullmatch(r"(\d{4})\.(\d{1,2})", str(raw)) or _COMPACT.match(text)
        if m and 1 <= int(m.group(2)) <= 12:
            return date(int(m.group(1)), int(m.group(2)), 1)
        raise NotANumber(f"“{raw}”不是日期")
    text = normalize_text(raw)
    for pattern in (_DOTTED, _COMPACT):
        m = pattern.match(text)
        if m and 1 <= int(m.group(2)) <= 12:
            return date(int(m.group(1)), int(m.group(2)), 1)
    m = _CN_MONTH.match(text)
    if m and 1 <= int(m.group(2)) <= 12:
        return date(int(m.group(1) or default_year), int(m.group(2)), 1)
    raise NotANumber(f"“{raw}”不是日期（可写作 2024.3、2024年3月、3月底 等）")


# ---- one cell of a grid, with its place ---------------------------------------------------------------------


class UnsavedFormula(SourceError):
    """The cell holds a formula whose result the file does not keep (see workbook.py)."""


@dataclass(frozen=True)
class CellValue:
    """A number read from a cell: None when the cell is empty or a placeholder (未报送, never 0)."""

    value: float | None
    location: Location
    raw: object
    note: str | None = None  # '原填“3000余”，按3000计' for an approximate figure


def _checked(grid: Grid, row: int, col: int) -> tuple[object, Location]:
    where = grid.location(row, col)
    if unsaved := grid.unsaved(row, col):
        raise UnsavedFormula(where, unsaved)
    return grid.value(row, col), where


def read_number(
    grid: Grid,
    row: int,
    col: int,
    unit: str | None = None,
    to_unit: str | None = None,
    *,
    fraction_percent: bool = False,
    percent_format: bool = False,
) -> CellValue:
    """The number in one cell, converted from `unit` to `to_unit` (see parse_number). `fraction_percent`: the
    cell's number is a fraction of 1 (0.082 for 8.2%); `percent_format`: so is a number Excel shows as a
    percentage (8.2% is stored as 0.082)."""
    raw, where = _checked(grid, row, col)
    if percent_format and isinstance(raw, float) and grid.is_percent(row, col):
        fraction_percent = True
    try:
        value = parse_number(raw, unit, to_unit, fraction_percent=fraction_percent)
    except (NotANumber, ValueError) as e:
        raise SourceError(where, str(e)) from None
    return CellValue(value, where, raw, approximate_note(raw) if value is not None else None)


def read_milestone(grid: Grid, row: int, col: int, year: int) -> CellValue:
    """1.0 done, 0.0 not done, None not reported. A completion date counts as done."""
    raw, where = _checked(grid, row, col)
    try:
        try:
            flag = parse_flag(raw)
        except NotANumber:
            if parse_month(raw, year) is not None:
                return CellValue(1.0, where, raw)
            raise
    except (NotANumber, ValueError) as e:
        raise SourceError(where, str(e)) from None
    return CellValue(None if flag is None else float(flag), where, raw)
