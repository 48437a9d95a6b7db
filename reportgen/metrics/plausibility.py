"""Figures worth a second look before a leader reads them, found by comparing with last month:

- a 1-N月 total lower than last month's (a cumulative figure never falls);
- a value ten times last month's, or a tenth of it (a 万元 figure typed into an 亿元 row);
- a rate that looks typed as a fraction (0.103 where last month said 9.8, for 10.3%).

The run lists each as a data problem and notes it on the indicator, `validate` as a 提示, and the portal's
upload check asks the clerk to explain it. Pure: plain numbers in, messages out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from .results import Results

JUMP = 10  # a value at least this many times (or at most 1/this of) last month's is worth a word
SMALL_COUNT = 20  # whole numbers below this may well grow tenfold in a month (1 → 12 new starts)
FRACTION_DROP = 50  # a rate this many times smaller than last month's, and below 1, looks typed as a fraction


@dataclass(frozen=True)
class Doubt:
    code: str  # lower | jump | fraction
    message: str  # "固定资产投资 150.00亿元 低于上月的 161.25亿元，累计数不应减少"


def amount_doubts(
    label: str, value: float | None, previous: float | None, shown: Callable[[float], str]
) -> list[Doubt]:
    """A 1-N月 amount or count against last month's: lower, or a tenfold jump either way."""
    if value is None or previous is None:
        return []
    found = []
    if value < previous - 1e-9:
        found.append(
            Doubt("lower", f"{label} {shown(value)} 低于上月的 {shown(previous)}，累计数不应减少，请核对")
        )
    small = max(value, previous) < SMALL_COUNT and float(value).is_integer() and float(previous).is_integer()
    if small or previous <= 0 or value <= 0:
        return found
    if value >= JUMP * previous or value * JUMP <= previous:
        times = value / previous
        how = f"是上月的 {times:.1f} 倍" if times >= 1 else f"只有上月的 {times:.1%}"
        found.append(
            Doubt("jump", f"{label} {shown(value)} {how}（上月 {shown(previous)}），请核对单位和数值")
        )
    return found


def rate_doubts(label: str, value: float | None, previous: float | None) -> list[Doubt]:
    """A rate (%) against last month's: 0.103 after 9.8 is most likely 10.3% saved as a fraction."""
    if value is None or previous is None or abs(previous) < 1 or abs(value) >= 1 or value == 0:
        return []
    if abs(value) * FRACTION_DROP > abs(previous):
        return []
    return [
        Doubt(
            "fraction",
            f"{label} {value:g}% 远小于上月的 {previous:g}%，疑似把百分数按小数填写"
            f"（{value:g} 应为 {value * 100:g}%？），请核对",
        )
    ]


def review(current: Results, previous: Results | None, shown: Callable[[float, str], str]) -> Results:
    """`current` with each doubtful figure listed among its problems and noted on its indicator; `shown` words
    an amount in its unit as the report does (render.numbers.amount: metrics does not format)."""
    from ..kinds import kind_of

    if previous is None:
        return current
    before = {r.id: r for r in previous.indicators}
    problems = list(current.problems)
    indicators = []
    for r in current.indicators:
        prev = before.get(r.id)
        kind = kind_of(r.kind)
        found: list[Doubt] = []
        if prev is not None and kind.prorated:
            found = amount_doubts(r.name, r.actual, prev.actual, lambda v, u=r.unit: shown(v, u))
        elif prev is not None and kind.rate:
            found = rate_doubts(r.name, r.actual, prev.actual)
        if found:
            where = f"{r.source}：" if r.source else ""
            problems += [f"{where}{d.message}" for d in found]
            note = "与上月相比异常，请核对（见数据问题）"
            r = replace(r, note=f"{r.note}；{note}" if r.note else note)
        indicators.append(r)
    return replace(current, problems=tuple(problems), indicators=tuple(indicators))
