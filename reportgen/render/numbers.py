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
    """Counts are integers, percentages one decimal, amounts two decimals (per-indicator `decimals` overrides)."""
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


def amount(value: float | None, unit: str, digits: int | None = None) -> str:
    """'112.40亿元', '53个', '3620万美元', '—' when missing."""
    if value is None:
        return "—"
    return f"{number(value, decimals_for(unit) if digits is None else digits)}{unit}"


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
    """Gap to 序时进度 in 百分点, worded by size: 超/达到/略低于/落后/明显低于序时进度.

    Sizes are judged on the shown (rounded) gap, so the words never disagree with the number beside them.
    """
    if gap is None:
        return ""
    shown = round_half_up(gap, 1)
    if shown > 0:
        return f"超序时进度{points(gap)}"
    if shown == 0:
        return "达到序时进度"
    if -shown <= Decimal(str(near)):
        return f"略低于序时进度{points(gap)}"
    if -shown > Decimal(str(severe)):
        return f"明显低于序时进度{points(gap)}"
    return f"落后序时进度{points(gap)}"


def signed_points(value: float | None) -> str:
    """'+6.2', '-3.0', '0.0' for table cells headed 差距（百分点）."""
    if value is None:
        return "—"
    shown = round_half_up(value, 1)
    return f"+{shown}" if shown > 0 else ("0.0" if shown == 0 else str(shown))


START_BASE_TEXT = {"planned_to_date": "计划截至本月开工的项目", "planned_this_year": "年度计划开工的项目",
                   "all_but_preliminary": "除前期项目外的项目", "all": "全部项目"}


def verdict(r, near: float = 2.0, severe: float = 10.0) -> str:
    """The 状态 cell of an indicator result: 超序时进度…, 达到目标, 控制在目标内, 滞后：节点…"""
    if r.actual is None and r.kind != "milestone":
        return "未报送"
    if r.target is None and r.kind != "milestone":
        return "目标未读到"
    if r.kind in ("cumulative", "count"):
        return progress_words(r.gap, near, severe)
    if r.kind in ("growth", "share"):
        return "达到目标" if r.on_track else f"低于目标{points(r.gap)}"
    if r.kind == "cap":
        return "控制在目标内" if r.on_track else "超过控制目标"
    late = [n for n in r.nodes if n.months_late is not None]
    return "按计划推进" if not late else "滞后：" + "、".join(f"{n.name}（{n.due}月）" for n in late)


def month_text(d) -> str:
    """date(2024, 3, 15) -> '2024年3月'; '—' when missing."""
    return "—" if d is None else f"{d.year}年{d.month}月"


def date_text(d) -> str:
    """date(2024, 7, 5) -> '2024年7月5日'."""
    return "—" if d is None else f"{d.year}年{d.month}月{d.day}日"


def light_name(light: str) -> str:
    return LIGHT_NAMES.get(light, light)


def unjudged(r) -> bool:
    """Reported, but without a target to judge it by (the target could not be read from the sheet)."""
    return r.light == "none" and r.actual is not None and r.target is None and r.kind != "milestone"


def status_name(r) -> str:
    """The 状态 cell: the light's name, or 未评价 for a figure without a readable target."""
    return "未评价" if unjudged(r) else light_name(r.light)


def span(month: int) -> str:
    return "1月" if month == 1 else f"1-{month}月"


FILTERS = {
    "amount": amount, "percent": percent, "points": points, "growth_words": growth_words,
    "progress_words": progress_words, "signed_points": signed_points, "light_name": light_name, "number": number,
    "month_text": month_text, "date_text": date_text, "span": span,
}
