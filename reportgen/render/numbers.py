"""Chinese number wording: one home for rounding and phrasing, shared by Excel, Word and e-mail."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import ROUND_HALF_UP, Decimal

# Counted things: shown as integers unless the data itself has fractions.
COUNT_UNITS = (
    "个",
    "项",
    "家",
    "人",
    "件",
    "户",
    "次",
    "起",
    "宗",
    "座",
    "所",
    "条",
    "家次",
    "人次",
    "项次",
    "亩",
    "台",
    "套",
    "批",
    "名",
    "位",
    "栋",
    "间",
    "辆",
    "处",
    "场",
)
LIGHT_NAMES = {"green": "绿灯", "yellow": "黄灯", "red": "红灯", "none": "未报送"}
LIGHT_COLORS = {"green": "C6EFCE", "yellow": "FFEB9C", "red": "FFC7CE", "none": "EDEDED"}


# output.precision for the run being rendered: decimals of rates and gaps (1 or 2), and of amounts per unit.
_RATE_DIGITS: ContextVar[int] = ContextVar("rate_digits", default=1)
_AMOUNT_DIGITS: ContextVar[dict[str, int] | None] = ContextVar("amount_digits", default=None)


@contextmanager
def precision(rates: int = 1, amounts: dict[str, int] | None = None) -> Iterator[None]:
    """Render with `rates` decimals for %/百分点 and `amounts` decimals per unit (config output.precision)."""
    tokens = _RATE_DIGITS.set(rates), _AMOUNT_DIGITS.set(dict(amounts or {}))
    try:
        yield
    finally:
        _RATE_DIGITS.reset(tokens[0])
        _AMOUNT_DIGITS.reset(tokens[1])


def rate_digits() -> int:
    """Decimals of percentages and 百分点 in this rendering (1, or 2 as some zones print 12.85%)."""
    return _RATE_DIGITS.get()


def round_half_up(value: float, digits: int) -> Decimal:
    """48.25 -> 48.3 (Python's round() would give 48.2); float noise below 1e-9 is ignored first."""
    exact = Decimal(repr(round(value, 9)))
    return exact.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def decimals_for(unit: str, value: float | None = None) -> int:
    """Counts (个, 家次, 亩…) are integers unless `value` has a fraction, percentages one decimal, amounts two
    decimals; an indicator's `decimals` overrides this."""
    configured = _AMOUNT_DIGITS.get() or {}
    if unit in configured:
        return configured[unit]
    if unit in COUNT_UNITS:
        return 0 if value is None or abs(value - round(value)) < 1e-9 else 2
    if unit in ("%", "‰", "个百分点"):
        return rate_digits()
    return 2


def number(value: float | None, digits: int = 2) -> str:
    if value is None:
        return "—"
    text = str(round_half_up(value, digits))
    return "0" + text[2:] if text.startswith("-0") and set(text[1:]) <= set("0.") else text


# A small amount keeps its digits in the smaller unit: 0.6925亿元 is written 6925万元, not 0.69亿元.
SMALLER_UNIT = {"亿元": ("万元", 10000), "亿美元": ("万美元", 10000)}


def amount(value: float | None, unit: str, digits: int | None = None) -> str:
    """'112.40亿元', '53个', '3620万美元', '6925万元' (below 1亿元), '—' when missing."""
    if value is None:
        return "—"
    if digits is None and unit in SMALLER_UNIT and 0 < abs(value) < 1:
        smaller, factor = SMALLER_UNIT[unit]
        return f"{number(value * factor, decimals_for(smaller, 0.0) if smaller in (_AMOUNT_DIGITS.get() or {}) else 0)}{smaller}"
    return f"{number(value, decimals_for(unit, value) if digits is None else digits)}{unit}"


def percent(fraction: float | None, digits: int | None = None) -> str:
    """0.5624 -> '56.2%' (output.precision.rates decimals unless given)."""
    return (
        "—" if fraction is None else f"{number(fraction * 100, rate_digits() if digits is None else digits)}%"
    )


def rate(value: float | None) -> str:
    """A value already in percent: 12.6 -> '12.6%'."""
    return "—" if value is None else f"{number(value, rate_digits())}%"


def revealing_digits(value: float | None, digits: int | None = None) -> int:
    """Decimals for a gap or difference (百分点) so that a non-zero value never shows as 0.0 or −0.0: the
    rendering's rate digits, more (up to 4) when rounding would hide it (−0.0489 → 2: '-0.05').

    The one rule for shown digits of gaps: Word text and tables, Excel cell formats and chart labels use it."""
    digits = rate_digits() if digits is None else digits
    while digits < 4 and value is not None and abs(value) > 1e-9 and round_half_up(abs(value), digits) == 0:
        digits += 1
    return digits


def completion_digits(fraction: float | None, *thresholds: float | None) -> int:
    """Decimals of a completion shown in % so that a fraction below one of `thresholds` (100%, its 序时进度)
    never shows as reaching it: 0.7496 against 0.75 is '74.96%', not '75.0%' (the light is judged on the
    unrounded value, and the text must not contradict it). Word, Excel formats and chart labels use it."""
    digits = rate_digits()
    if fraction is None:
        return digits
    for threshold in thresholds:
        if threshold is None:
            continue
        while (
            digits < 4
            and fraction < threshold - 1e-12
            and round_half_up(fraction * 100, digits) >= round_half_up(threshold * 100, digits)
        ):
            digits += 1
    return digits


def percent_revealing(fraction: float | None, threshold: float = 1.0, *more: float | None) -> str:
    """A percentage with the decimals that keep a shortfall visible: 0.9996 of a target is '99.96%', never
    '100.0%'; with its 序时进度 among `more`, 0.7496 against 0.75 is '74.96%'."""
    if fraction is None:
        return "—"
    return percent(fraction, completion_digits(fraction, threshold, *more))


def points(value: float | None) -> str:
    """A difference of percentages: '6.2个百分点' (never '%')."""
    return "—" if value is None else f"{number(abs(value), rate_digits())}个百分点"


def points_revealing(value: float | None) -> str:
    """Like `points`, but a non-zero difference never shows as 0.0: '0.04个百分点'."""
    if value is None:
        return "—"
    return f"{number(abs(value), revealing_digits(value))}个百分点"


def growth_words(pct: float | None, prefix: str = "同比") -> str:
    """'同比增长13.1%', '同比下降3.2%', '同比持平'; '' when unknown."""
    if pct is None:
        return ""
    shown = round_half_up(pct, rate_digits())
    if shown == 0:
        return f"{prefix}持平"
    return f"{prefix}{'增长' if shown > 0 else '下降'}{abs(shown)}%"


def progress_words(gap: float | None, near: float = 2.0, severe: float = 10.0) -> str:
    """Gap to 序时进度 in 百分点, worded by size: 超/达到/略低于/落后/明显低于序时进度.

    Whether 序时 is reached follows the unrounded gap, as the light does (−0.04 is 略低于, shown as 0.04); the
    size words are judged on the shown gap, so they never disagree with the number beside them.
    """
    if gap is None:
        return ""
    if gap >= -1e-9:
        shown = round_half_up(gap, rate_digits())
        return f"超序时进度{points(gap)}" if shown > 0 else "达到序时进度"
    shown = -round_half_up(gap, rate_digits())
    if shown <= Decimal(str(near)):
        return f"略低于序时进度{points_revealing(gap)}"
    if shown > Decimal(str(severe)):
        return f"明显低于序时进度{points(gap)}"
    return f"落后序时进度{points(gap)}"


def signed_points(value: float | None) -> str:
    """'+6.2', '-3.0', '0.0' for table cells headed 差距（百分点）; a non-zero gap never shows as 0.0 or −0.0
    ('-0.04', '+0.03'): its digits come from `revealing_digits`, as the Excel cell and the chart label's do."""
    if value is None:
        return "—"
    shown = round_half_up(value, revealing_digits(value))
    return f"+{shown}" if shown > 0 else (str(abs(shown)) if shown == 0 else str(shown))


# One label, one set: how every output (Word, Excel, charts, e-mail) names the ledger counts.
STARTED_ALL = "已开工（含续建）"  # every started project, 续建 and 竣工 included, of all projects
START_BASE = "应开工"  # the 开工率 denominator, whose definition START_BASE_TEXT states
STARTED_IN_BASE = "其中已开工"  # started projects within 应开工: the 开工率 numerator
START_BASE_TEXT = {
    "planned_to_date": "计划截至本月开工的项目",
    "planned_this_year": "计划年内开工的项目",
    "all_but_preliminary": "除前期项目外的项目",
    "all": "全部项目",
}
# The second 开工率 (ledgers.<name>.also_start_rate_base) is never called 应开工/其中已开工/开工率: those name the
# main base. It carries its own name, and its counts are headed by the base ("计划年内开工", "计划年内开工中已开工").
START_RATE_NAMES = {
    "planned_to_date": "时序开工率",
    "planned_this_year": "年度开工率",
    "all_but_preliminary": "除前期项目开工率",
    "all": "全部项目开工率",
}
START_BASE_SHORT = {
    "planned_to_date": "计划截至本月开工",
    "planned_this_year": "计划年内开工",
    "all_but_preliminary": "除前期项目",
    "all": "全部项目",
}
START_BASE_COUNTED = {
    "planned_to_date": "计划截至本月开工的{n}个项目",
    "planned_this_year": "计划年内开工的{n}个项目",
    "all_but_preliminary": "除前期项目外的{n}个项目",
    "all": "全部{n}个项目",
}
# 投资完成率 (1–N月完成 ÷ 年度计划投资) against the ledger's 序时进度, among projects with an annual plan.
WITH_PLAN = "有年度计划投资"  # projects whose 年度计划投资 > 0: the base of AHEAD
AHEAD = "投资达到序时进度"  # of WITH_PLAN, projects whose 投资完成率 ≥ 序时进度 (达到或超过)
AHEAD_SHARE = "达到序时进度占比"  # AHEAD ÷ WITH_PLAN


def also_start_labels(base: str) -> tuple[str, str, str]:
    """Headers of the second 开工率's base count, started count and rate: ('计划年内开工', '计划年内开工中已开工',
    '年度开工率')."""
    short = START_BASE_SHORT[base]
    return short, f"{short}中已开工", START_RATE_NAMES[base]


RANKING_TEXT = {"gap": "进度类指标与各自序时进度的平均差距", "completion": "进度类指标的平均完成率"}


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
    "amount": amount,
    "percent": percent,
    "rate": rate,
    "points": points,
    "growth_words": growth_words,
    "progress_words": progress_words,
    "signed_points": signed_points,
    "light_name": light_name,
    "number": number,
    "month_text": month_text,
    "date_text": date_text,
    "span": span,
}
