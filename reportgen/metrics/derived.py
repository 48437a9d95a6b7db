"""Rows computed from other rows of the same period: `source: {sum: […]}` and `source: {ratio: [分子, 分母]}`.

Pure: the other indicators' readings (in their own units) in, one reading per derived row out. Parts are
converted to the row's unit (万元 and 亿元 add up); a part that is not reported leaves the row not reported,
never a partial sum.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..config.model import DerivedSource
from ..inputs import Reading
from ..sources.values import convert  # pure unit arithmetic (no I/O): one table of 万元/亿元 factors


@dataclass(frozen=True)
class Derived:
    current: Reading  # in the row's unit; growth of a sum: the amounts, `unit` set to theirs
    last_year: Reading | None  # a sum's last year: the parts' own added, when every part has one
    source: str  # "合计：省重点项目投资 + 市重点项目投资"


def derive(
    indicators: list, readings: dict[str, Reading], last_year: dict[str, Reading]
) -> dict[str, Derived]:
    """Every derived row's values, parts first (a derived row may use another); config validation has ruled
    out unknown ids and cycles. `readings`/`last_year` hold the other rows' values in their own units."""
    by_id = {ind.id: ind for ind in indicators}
    out: dict[str, Derived] = {}

    def value_of(ind_id: str) -> tuple[Reading, Reading | None]:
        ind = by_id[ind_id]
        if not isinstance(getattr(ind, "source", None), DerivedSource):
            return readings.get(ind_id, Reading(None, None, "未报送")), last_year.get(ind_id)
        if ind_id not in out:
            out[ind_id] = _derive(ind, [(by_id[p], *value_of(p)) for p in ind.source.parts])
        got = out[ind_id]
        return got.current, got.last_year

    for ind in indicators:
        if isinstance(getattr(ind, "source", None), DerivedSource):
            value_of(ind.id)
    return out


def _derive(ind, parts: list[tuple]) -> Derived:
    names = [part.name for part, _, _ in parts]
    if ind.source.ratio is not None:
        source = f"比值：{names[0]} ÷ {names[1]} × 100%"
    else:
        source = "合计：" + " + ".join(names)
    missing = [part.name for part, current, _ in parts if current.value is None]
    if missing:
        return Derived(
            Reading(None, None, f"{'、'.join(missing)}未报送，{source.split('：')[0]}不作计算"), None, source
        )
    if ind.source.ratio is not None:
        (top, top_value, _), (bottom, bottom_value, _) = parts
        numerator = convert(top_value.value, top.unit, bottom.unit)
        if bottom_value.value == 0:
            return Derived(Reading(None, None, f"{bottom.name}为零，比值不作计算"), None, source)
        return Derived(Reading(numerator / bottom_value.value * 100), None, source)
    # A growth of a sum adds the amounts in the first part's unit and states it; other rows use their own unit.
    unit = parts[0][0].unit if ind.kind == "growth" else ind.unit
    total = sum(convert(current.value, part.unit, unit) for part, current, _ in parts)
    last = None
    if all(previous is not None and previous.value is not None for _, _, previous in parts):
        last = Reading(
            sum(convert(previous.value, part.unit, unit) for part, _, previous in parts),
            unit=unit if ind.kind == "growth" else "",
        )
    return Derived(Reading(total, unit=unit if ind.kind == "growth" else ""), last, source)
