"""One evaluator per indicator kind; the registry that names them is reportgen/kinds.py.

Each indicator has one benchmark for the period (its 序时进度: plan-to-date where a plan exists, else N/12 or
elapsed days; for rates and caps the target itself). The light and the checkpoint verdict both follow it, so
a green indicator is never "未实现" for another reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from ..config.model import Lights
from ..inputs import Reading
from ..period import Period
from ..sources.values import convert, unit_family  # pure unit arithmetic, no I/O
from .progress import growth, light_for_gap, light_for_rate, ratio, time_progress
from .results import IndicatorResult, MilestoneNode


@dataclass(frozen=True)
class Inputs:
    current: Reading
    last_year: Reading | None = None
    yoy: Reading | None = None
    nodes: tuple[Reading, ...] = ()
    last_year_completion: Reading | None = None  # 去年同期完成率 in percent (73.2)
    last_year_target: Reading | None = None  # 上年目标: last year's completion = last_year ÷ it


Evaluator = Callable[[object, Inputs, Period, Lights], IndicatorResult]


def _base(ind, inputs: Inputs, **fields) -> IndicatorResult:
    current = inputs.current
    note = fields.pop("note", None)
    if note is None:
        note = current.problem or ("" if current.value is not None else "未报送")
    return IndicatorResult(
        id=ind.id,
        name=ind.name,
        kind=ind.kind,
        unit=ind.unit,
        group=ind.group,
        owner=ind.owner,
        target=ind.target if hasattr(ind, "target") else None,
        stretch=getattr(ind, "stretch", None),
        source=current.source,
        note=note,
        **fields,
    )


def _yoy(inputs: Inputs, actual: float | None) -> tuple[float | None, float | None, str]:
    """(last year's value, 同比 %, note) — a reported rate wins over one computed from last year's value."""
    last = inputs.last_year.value if inputs.last_year else None
    if inputs.yoy and inputs.yoy.value is not None:
        return last, inputs.yoy.value, ""
    if last is not None and last <= 0:
        return last, None, "上年同期为零或负数，不计算同比"
    return last, growth(actual, last), ""


def prorated(ind, inputs: Inputs, period: Period, lights: Lights) -> IndicatorResult:
    """Amounts and counts: completion against the target, compared with 序时进度 (or plan to date)."""
    actual = inputs.current.value
    # No target (not read from the sheet): shown, not judged. The plan mode divides by the target.
    target = ind.target
    progress = None if target is None else time_progress(ind.progress_mode, period, target, ind.plan_points)
    completion = ratio(actual, ind.target)
    gap = None if completion is None else (completion - progress) * 100
    last, yoy, yoy_note = _yoy(inputs, actual)
    projection = ratio(actual, progress)
    last_completion = last_year_completion(inputs)
    return _base(
        ind,
        inputs,
        actual=actual,
        completion=completion,
        stretch_completion=ratio(actual, ind.stretch),
        time_progress=progress,
        gap=gap,
        light=light_for_gap(gap, lights),
        on_track=None if gap is None else gap >= -1e-9,
        checkpoint_met=None if gap is None or not period.checkpoint else gap >= -1e-9,
        last_year=last,
        yoy=yoy,
        projection=projection,
        required=None if actual is None or ind.target is None else max(ind.target - actual, 0.0),
        **({"note": yoy_note} if yoy_note and actual is not None else {}),
        last_year_completion=last_completion,
        completion_vs_last_year=None
        if completion is None or last_completion is None
        else (completion - last_completion) * 100,
    )


def last_year_completion(inputs: Inputs) -> float | None:
    """Last year's 1–N月 completion as a fraction: the rate given (percent), or last year's 1–N月 value ÷ last
    year's annual target. None when either is unknown (or the target is not positive)."""
    given = inputs.last_year_completion
    if given is not None:
        return None if given.value is None else given.value / 100
    target = inputs.last_year_target.value if inputs.last_year_target else None
    last = inputs.last_year.value if inputs.last_year else None
    return None if target is None or target <= 0 else ratio(last, target)


def _rate_result(
    ind, inputs: Inputs, actual: float | None, required: float, lights: Lights, period: Period, **fields
) -> IndicatorResult:
    """Growth and share: not prorated; on track when the actual reaches the required level (左右: within tolerance)."""
    gap = None if actual is None or required is None else actual - required
    if gap is not None and ind.qualifier == "左右" and abs(gap) <= ind.tolerance + 1e-9:
        gap_for_light = 0.0
    else:
        gap_for_light = gap
    met = None if gap_for_light is None else gap_for_light >= -1e-9
    return _base(
        ind,
        inputs,
        actual=actual,
        gap=gap,
        light=light_for_rate(gap_for_light, lights),
        on_track=met,
        checkpoint_met=met if period.checkpoint else None,
        **fields,
    )


def growth_rate(ind, inputs: Inputs, period: Period, lights: Lights) -> IndicatorResult:
    """同比增长 target: the source is the rate itself, or the amount when `last_year` is configured."""
    if ind.from_amounts:
        amount = inputs.current.value
        last = inputs.last_year.value if inputs.last_year else None
        actual = growth(amount, last)
        # The amounts are kept in the indicator's `unit` when it is an amount unit (亿元): the unit they are
        # shown in; the rate, its target and stretch are in % whatever `unit` says.
        unit = inputs.current.unit
        if unit_family(ind.unit) is not None and unit_family(ind.unit) == unit_family(unit):
            amount, last = (None if v is None else convert(v, unit, ind.unit) for v in (amount, last))
            unit = ind.unit
        note = "上年同期为零或缺失，无法计算增速" if amount is not None and actual is None else None
        return _rate_result(
            ind,
            inputs,
            actual,
            ind.target,
            lights,
            period,
            amount=amount,
            last_year=last,
            yoy=actual,
            amount_unit=unit,
            **({"note": note} if note else {}),
        )
    actual = inputs.current.value
    return _rate_result(ind, inputs, actual, ind.target, lights, period, yoy=actual)


def share_change(ind, inputs: Inputs, period: Period, lights: Lights) -> IndicatorResult:
    """占比提高 N 个百分点: the share must reach base + target."""
    required = None if ind.target is None else ind.base + ind.target
    result = _rate_result(ind, inputs, inputs.current.value, required, lights, period, last_year=ind.base)
    # Tables show the share to reach (48%), not the increase (3 pp); the increase goes in the note.
    stretch = None if ind.stretch is None else ind.base + ind.stretch
    raised = "" if ind.target is None else f"提高{ind.target:g}个百分点"
    note = f"较上年{ind.base:g}%{raised}" + (f"；{result.note}" if result.note else "")
    return replace(result, target=required, stretch=stretch, note=note)


def cap(ind, inputs: Inputs, period: Period, lights: Lights) -> IndicatorResult:
    """Lower is better, never prorated: any breach of the cap is red."""
    actual = inputs.current.value
    within = None if actual is None or ind.target is None else actual <= ind.target + 1e-9
    last, yoy, _ = _yoy(inputs, actual)
    return _base(
        ind,
        inputs,
        actual=actual,
        gap=None if within is None else ind.target - actual,
        light="none" if within is None else ("green" if within else "red"),
        on_track=within,
        checkpoint_met=within if period.checkpoint else None,
        last_year=last,
        yoy=yoy,
    )


def milestone(ind, inputs: Inputs, period: Period, lights: Lights) -> IndicatorResult:
    """Nodes with due months: overdue ≤ 1 month is yellow, longer red; nodes not reported count as not done."""
    nodes = []
    for node, reading in zip(ind.milestones, inputs.nodes):
        done = None if reading.value is None else reading.value >= 1
        late = period.month - node.due if node.due <= period.month and not done else None
        nodes.append(MilestoneNode(node.name, node.due, done, late, reading.source))
    due = [n for n in nodes if n.due <= period.month]
    done_count = sum(1 for n in nodes if n.done)
    worst = max((n.months_late for n in nodes if n.months_late is not None), default=None)
    unreported = [n for n in nodes if n.done is None]
    if worst is None:
        light = "green"
    else:
        light = "yellow" if worst <= 1 else "red"
    if unreported and len(unreported) == len(nodes):
        light = "none"
    return IndicatorResult(
        id=ind.id,
        name=ind.name,
        kind=ind.kind,
        unit="项",
        group=ind.group,
        owner=ind.owner,
        target=float(len(nodes)),
        stretch=None,
        actual=float(done_count),
        completion=ratio(done_count, len(nodes)),
        time_progress=ratio(len(due), len(nodes)),
        gap=None,
        light=light,
        on_track=worst is None,
        checkpoint_met=(worst is None) if period.checkpoint else None,
        nodes=tuple(nodes),
        source=next((n.source for n in nodes if n.source), ""),
        note="、".join(f"{n.name}（{n.due}月）未报送" for n in unreported),
    )
