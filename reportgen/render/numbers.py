"""Chinese number wording: one home for rounding and phrasing, shared by Excel, Word and e-mail."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

COUNT_UNITS = ("个", "项", "家", "人", "件", "户", "次", "起", "宗", "座", "所", "条")
LIGHT_NAMES = {"green": "绿灯", "yellow": "黄灯", "red": "红灯", "none": "未报送"}
LIGHT_COLORS = {"green": "C6EFCE", "yellow": "FFEB9C", "red": "FFC7CE", "none": "EDEDED"}


def round_half_up(value: float, digits: int) -> Decimal:
    """48.25 -> 48.3 (Python's round() would give 48.2); float noise below 1e-9 is ignored first."""
    exact = Decimal(repr(round(value, 9)))
    return exact.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def decimals_for(unit: str) -> int:
    """Counts are integers, percentages one decimal, amounts two decimals."""
    if unit in COUNT_UNITS:
        return 0
    if unit in ("%", "‰", "个百分点"):
        return 1
    return 2


def number(value: float | None, digits: int = 2) -> str:
    if value is None:
        return "—"
    text = str(round_half_up(value, digits))
    return "0" + text[2:] if text.startswith("-0") and set(text[1:]) <= set("0.") else text


def amount(value: float | None, unit: str) -> str:
    """'112.40亿元', '53个', '—' when missing."""
    if value is None:
        return "—"
    return f"{number(value, decimals_for(unit))}{unit}"


def percent(fraction: float | None, digits: int = 1) -> str:
    """0.5624 -> '56.2%'."""
    return "—" if fraction is None else f"{number(fraction * 100, digits)}%"


def points(value: float | None) -> str:
    """A difference of percentages: '6.2个百分点' (never '%')."""
    return "—" if value is None else f"{number(abs(value), 1)}个百分点"


def growth_words(pct: float | None, prefix: str = "同比") -> str:
    """'同比增长13.1%', '同比下降3.2%', '同比持平'; '' when unknown."""
    if pct is None:
        return ""
    shown = round_half_up(pct, 1)
    if shown == 0:
        return f"{prefix}持平"
    return f"{prefix}{'增长' if shown > 0 else '下降'}{abs(shown)}%"


def progress_words(gap: float | None, near: float = 2.0, severe: float = 10.0) -> str:
    """Gap to 序时进度 in 百分点, worded by size: 超/达到/略低于/落后/明显低于序时进度."""
    if gap is None:
        return ""
    shown = round_half_up(gap, 1)
    if shown > 0:
        return f"超序时进度{points(gap)}"
    if shown == 0:
        return "达到序时进度"
    if -gap <= near:
        return f"略低于序时进度{points(gap)}"
    if -gap > severe:
        return f"明显低于序时进度{points(gap)}"
    return f"落后序时进度{points(gap)}"


def signed_points(value: float | None) -> str:
    """'+6.2', '-3.0', '0.0' for table cells headed 差距（百分点）."""
    if value is None:
        return "—"
    shown = round_half_up(value, 1)
    return f"+{shown}" if shown > 0 else ("0.0" if shown == 0 else str(shown))


def light_name(light: str) -> str:
    return LIGHT_NAMES.get(light, light)


def span(month: int) -> str:
    return "1月" if month == 1 else f"1-{month}月"


FILTERS = {
    "amount": amount, "percent": percent, "points": points, "growth_words": growth_words,
    "progress_words": progress_words, "signed_points": signed_points, "light_name": light_name, "number": number,
}
