"""序时进度, gaps and lights: small pure rules shared by the indicator kinds."""

from __future__ import annotations

from ..config.model import Lights
from ..period import Period


def time_progress(mode: str, period: Period, target: float, plan: dict[int, float]) -> float:
    """Expected share of the year's target done by the end of `period`.

    month: N/12; day: elapsed days of the year; plan: the cumulative plan at month N (linear between
    the given months, from 0 at the start of the year) divided by the target.
    """
    if mode == "day":
        return period.day_fraction()
    if mode == "plan" and plan:
        points = sorted({0: 0.0, **plan}.items())
        m = period.month
        for (m0, v0), (m1, v1) in zip(points, points[1:]):
            if m0 <= m <= m1:
                planned = v0 + (v1 - v0) * (m - m0) / (m1 - m0)
                return planned / target
        return points[-1][1] / target
    return period.month_fraction()


def zone_time_progress(zone, period: Period) -> float:
    """The zone's own 序时进度 for the period (config `progress`): N/12, elapsed days, or the zone plan."""
    if zone.mode == "plan":
        return time_progress("plan", period, 100.0, zone.percent_points())
    return time_progress(zone.mode, period, 1.0, {})


def with_zone_progress(ind, zone, target: float | None):
    """The indicator as evaluated: one without its own `progress`/`plan` follows the zone's (a zone plan in %
    of the target becomes the indicator's plan in its own units). Pure: returns a copy, or `ind` unchanged."""
    from ..kinds import kind_of

    if (
        not kind_of(ind.kind).prorated
        or ind.progress is not None
        or ind.plan is not None
        or zone.mode == "month"
    ):
        return ind
    if zone.mode != "plan":
        return ind.model_copy(update={"progress": zone.mode})
    if target is None:
        return ind
    return ind.model_copy(
        update={
            "progress": "plan",
            "plan": {m: target * pct / 100 for m, pct in zone.percent_points().items()},
        }
    )


def light_for_gap(gap: float | None, lights: Lights) -> str:
    if gap is None:
        return "none"
    green, yellow = lights.bounds
    if gap >= green - 1e-9:
        return "green"
    if gap >= yellow - 1e-9:
        return "yellow"
    return "red"


def light_for_rate(gap: float | None, lights: Lights) -> str:
    """Growth/share kinds: met is green; within `rate_yellow` 百分点 below is yellow."""
    if gap is None:
        return "none"
    if gap >= -1e-9:
        return "green"
    return "yellow" if gap >= lights.rate_yellow - 1e-9 else "red"


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    """numerator ÷ denominator, or None when either is missing or the denominator is zero."""
    if numerator is None or denominator is None or denominator == 0:
        return None
    return numerator / denominator


def growth(current: float | None, previous: float | None) -> float | None:
    """Year-on-year growth in percent; None when last year is missing, zero or negative (no meaningful base)."""
    if current is None or previous is None or previous <= 0:
        return None
    return (current / previous - 1) * 100


def cumulative_plan(mode: str, year: int, target: float, plan: dict[int, float]) -> list[float]:
    """The cumulative amount expected by the end of each month 1..12 (the plan line of the trend chart)."""
    return [target * time_progress(mode, Period(year, m), target, plan) for m in range(1, 13)]
