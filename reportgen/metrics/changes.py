"""This month against earlier months of the same year: changes since month N−1, 环比, the run of yellow/red
lights and the escalation it calls for (DESIGN §4), and each department's change of rank.

Pure: takes the Results of months 1..N−1 (evaluated with the same config, None where a month could not be
read) and returns a new Results; no files, no clock.
"""

from __future__ import annotations

from dataclasses import replace

from ..config.model import Escalation
from .results import DepartmentResult, IndicatorResult, Results

FLAGGED = ("yellow", "red")

REMIND, SUPERVISE, INTERVIEW = "提醒", "督办", "约谈"


def with_history(current: Results, earlier: list[Results | None], rules: Escalation) -> Results:
    """`current` (month N) with its changes against `earlier`, the Results of months 1..N−1 in order."""
    if len(earlier) != current.month - 1:
        raise ValueError(f"earlier months: expected {current.month - 1}, got {len(earlier)}")
    by_month = [None if r is None else {i.id: i for i in r.indicators} for r in earlier]
    indicators = tuple(
        _indicator(r, [None if m is None else m.get(r.id) for m in by_month], rules)
        for r in current.indicators
    )
    previous = earlier[-1] if earlier else None
    departments = tuple(_department(d, previous, current.departments) for d in current.departments)
    return replace(
        current,
        indicators=indicators,
        departments=departments,
        previous_month_missing=bool(earlier) and previous is None,
    )


def _indicator(r: IndicatorResult, past: list[IndicatorResult | None], rules: Escalation) -> IndicatorResult:
    prev = past[-1] if past else None
    fields: dict = {}
    if prev is not None:
        if _kind(r.kind).rate:  # compared by the rate itself (百分点), not by a completion
            fields.update(previous_actual=prev.actual, actual_change=_minus(r.actual, prev.actual))
        else:
            change = _minus(r.completion, prev.completion)
            fields.update(
                previous_completion=prev.completion,
                completion_change=None if change is None else change * 100,
            )
    if _kind(r.kind).prorated and past:  # 1–N月 figures: month N alone is actual_N − actual_N−1
        actuals = [None if p is None else p.actual for p in past] + [r.actual]
        fields["mom"] = month_on_month(actuals)
    lights = tuple("none" if p is None else p.light for p in past) + (r.light,)
    return replace(
        r,
        **fields,
        lights_history=lights,
        flagged_months=_run(lights, FLAGGED),
        escalation=escalation(r.kind, lights, rules),
    )


def month_on_month(actuals: list[float | None]) -> float | None:
    """环比 % of the last month from 1–N月 cumulative actuals of months 1..N: month N's own value
    (actual_N − actual_N−1) against month N−1's (actual_1 for January); None unless both exist and the earlier
    one is above zero."""

    def own(month: int) -> float | None:  # 1-based month
        now = actuals[month - 1]
        before = 0.0 if month == 1 else actuals[month - 2]
        return None if now is None or before is None else now - before

    if len(actuals) < 2:
        return None
    this, last = own(len(actuals)), own(len(actuals) - 1)
    if this is None or last is None or last <= 0:
        return None
    return (this / last - 1) * 100


def escalation(kind: str, lights: tuple[str, ...], rules: Escalation) -> str:
    """提醒 / 督办 / 约谈 for the lights of months 1..N: yellow → 提醒; red, or yellow-or-red for
    `supervise_after_yellow_months` months running → 督办; red `interview_after_red_months` months running → 约谈.
    A month with no light breaks a run. A breached cap is 督办 whatever its history."""
    if not rules.enabled or not lights or lights[-1] not in FLAGGED:
        return ""
    if _kind(kind).red_line:  # a breach stays a breach: 督办 at once, not escalated by month
        return SUPERVISE
    if _run(lights, ("red",)) >= rules.interview_after_red_months:
        return INTERVIEW
    if lights[-1] == "red" or _run(lights, FLAGGED) >= rules.supervise_after_yellow_months:
        return SUPERVISE
    return REMIND


def _run(lights: tuple[str, ...], counted: tuple[str, ...]) -> int:
    """How many months up to the last have a light in `counted`, without a break."""
    n = 0
    for light in reversed(lights):
        if light not in counted:
            break
        n += 1
    return n


def _department(
    d: DepartmentResult, previous: Results | None, now: tuple[DepartmentResult, ...]
) -> DepartmentResult:
    """Rank change against month N−1: ↑2 / ↓1 / — / 新 (not ranked then); "" when not ranked now or when
    there is no month N−1 to compare with.

    The change counts only the departments ranked in both months, so a department that leaves the ranking (or
    joins it) moves nobody up or down: two departments that keep their order read "—", not "↑1"."""
    before = None if previous is None else next((p for p in previous.departments if p.name == d.name), None)
    prev_rank = None if before is None else before.rank
    if d.rank is None or previous is None:
        change = ""
    elif prev_rank is None:
        change = "新"
    else:
        then = {p.name: p.rank for p in previous.departments if p.rank is not None}
        both = [o for o in now if o.rank is not None and o.name in then]
        moved = sum(1 for o in both if then[o.name] < prev_rank) - sum(1 for o in both if o.rank < d.rank)
        change = "—" if moved == 0 else (f"↑{moved}" if moved > 0 else f"↓{-moved}")
    return replace(d, previous_rank=prev_rank, rank_change=change)


def _kind(name: str):
    from ..kinds import kind_of  # the registry imports this package's evaluators

    return kind_of(name)


def _minus(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else a - b
