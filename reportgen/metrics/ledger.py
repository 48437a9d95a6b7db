"""Key-project ledger figures: 开工率, 投资完成率, projects past their planned start, totals by group."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date

from ..config.model import Ledger, LedgerSource
from ..inputs import LedgerData, Project
from ..period import Period
from ..text import normalize_text
from .progress import ratio
from .results import LedgerGroup, LedgerResult, ProjectResult

FINISHED = ("续建", "竣工", "在建")


def is_started(project: Project, period: Period) -> bool:
    if project.started_flag is not None:
        return project.started_flag
    if project.actual_start is not None:
        return project.actual_start <= period.end
    return any(normalize_text(project.nature).startswith(w) for w in FINISHED)


def in_start_base(project: Project, ledger: Ledger, period: Period, base: str | None = None) -> bool:
    """Whether the project is in the 开工率 denominator chosen by `start_rate_base` (or by `base`, e.g. the
    ledger's also_start_rate_base)."""
    base = base or ledger.start_rate_base
    if base == "all":
        return True
    if base == "all_but_preliminary":
        return not any(normalize_text(project.nature).startswith(p) for p in ledger.preliminary)
    planned = project.planned_start
    if planned is None or planned.year != period.year:
        return False
    return base == "planned_this_year" or planned <= period.end


def plan_time_progress(ledger: Ledger, period: Period, zone: float | None = None) -> float:
    """The 序时进度 a project's 投资完成率 (1–N月完成 ÷ 年度计划投资) is judged against: the zone's (config
    `progress`, N/12 by default), the same figure the report's headline states.

    One home for it: when ledgers get their own cumulative plan, it is read here."""
    return period.month_fraction() if zone is None else zone


def is_ahead(completion: float | None, time_progress: float) -> bool | None:
    """Completion reached 序时进度 (达到或超过); None when there is no completion rate to judge."""
    return None if completion is None else completion >= time_progress - 1e-9


def months_late(project: Project, period: Period) -> int | None:
    """Months since the planned start for a project that has not started (0 = planned this month)."""
    planned = project.planned_start
    if planned is None or planned > period.end or is_started(project, period):
        return None
    return (period.year - planned.year) * 12 + period.month - planned.month


def evaluate_ledger(
    data: LedgerData, ledger: Ledger, period: Period, owners: list[str], zone_progress: float | None = None
) -> LedgerResult:
    tp = plan_time_progress(ledger, period, zone_progress)
    also = ledger.also_start_rate_base
    projects = tuple(
        ProjectResult(
            name=p.name,
            owner=p.owner,
            category=p.category,
            nature=p.nature,
            total_investment=p.total_investment,
            annual_plan=p.annual_plan,
            completed=p.completed,
            completion=_plan_completion(p),
            planned_start=p.planned_start,
            actual_start=p.actual_start,
            started=is_started(p, period),
            in_start_base=in_start_base(p, ledger, period),
            start_overdue=months_late(p, period) is not None,
            months_late=months_late(p, period),
            progress=p.progress,
            issues=p.issues,
            leader=p.leader,
            source=str(p.location),
            level=p.level,
            ahead=is_ahead(_plan_completion(p), tp),
            in_also_start_base=bool(also) and in_start_base(p, ledger, period, also),
        )
        for p in data.projects
    )
    by_category = defaultdict(list)
    by_owner = defaultdict(list)
    for p in projects:
        by_category[p.category or "未分类"].append(p)
        by_owner[p.owner or "未填责任单位"].append(p)
    owner_order = {name: i for i, name in enumerate(owners)}
    return LedgerResult(
        name=data.name,
        unit=ledger.amount_unit,
        start_rate_base=ledger.start_rate_base,
        total=_group("合计", projects),
        by_category=tuple(_group(k, v) for k, v in by_category.items()),
        by_department=tuple(
            _group(k, by_owner[k]) for k in sorted(by_owner, key=lambda k: owner_order.get(k, 999))
        ),
        projects=projects,
        source=str(data.location) if data.location else "",
        title=ledger.title,
        also_start_rate_base=also,
        breakdown=ledger.breakdown,
        time_progress=tp,
    )


def _plan_completion(p: Project) -> float | None:
    """投资完成率 against a positive annual plan (a zero or negative plan gives no rate)."""
    return ratio(p.completed, p.annual_plan) if (p.annual_plan or 0) > 0 else None


def _sum_given(values) -> float | None:
    """The sum over the projects that state a value; None when none does (the column is not configured or
    left empty), so that no "总投资0.00亿元" is shown for a figure nobody reported."""
    given = [v for v in values if v is not None]
    return sum(given) if given else None


def _group(name: str, projects) -> LedgerGroup:
    base = [p for p in projects if p.in_start_base]
    started = sum(1 for p in base if p.started)
    plan = sum(p.annual_plan or 0.0 for p in projects)
    completed = sum(p.completed or 0.0 for p in projects)
    planned = [p for p in projects if (p.annual_plan or 0) > 0]
    ahead = sum(1 for p in planned if p.ahead)
    also = [p for p in projects if p.in_also_start_base]
    also_started = sum(1 for p in also if p.started)
    return LedgerGroup(
        name=name,
        projects=len(projects),
        started=started,
        start_base=len(base),
        started_all=sum(1 for p in projects if p.started),
        start_rate=ratio(started, len(base)),
        total_investment=_sum_given(p.total_investment for p in projects),
        annual_plan=plan,
        completed=completed,
        completion=ratio(completed, plan),
        overdue=sum(1 for p in projects if p.start_overdue),
        with_plan=len(planned),
        ahead=ahead,
        ahead_share=ratio(ahead, len(planned)),
        plan_unreported=sum(1 for p in planned if p.completed is None),
        also_start_base=len(also),
        also_started=also_started,
        also_start_rate=ratio(also_started, len(also)),
    )


# ---- ledger-sourced indicators: count or sum with a filter -------------------------------------------

_OPERATOR = re.compile(r"^\s*(>=|<=|!=|>|<|=|~|≥|≤)\s*(.*)$")


def ledger_figure(source: LedgerSource, data: LedgerData, ledger: Ledger, period: Period) -> float:
    """The count of matching projects, or the sum of a field over them."""
    conditions = source.count_where if source.count_where is not None else source.where
    matching = [
        p
        for p in data.projects
        if all(_matches(_field(p, k, ledger, period), c) for k, c in conditions.items())
    ]
    if source.count_where is not None:
        return float(len(matching))
    return sum(
        v
        for p in matching
        if isinstance(v := _field(p, source.sum, ledger, period), (int, float)) and not isinstance(v, bool)
    )


def _field(project: Project, key: str, ledger: Ledger, period: Period):
    if key == "started":
        return is_started(project, period)
    if key == "start_overdue":
        return months_late(project, period) is not None
    if key == "in_start_base":
        return in_start_base(project, ledger, period)
    if hasattr(project, key) and key not in ("location", "extra"):
        return getattr(project, key)
    return project.extra.get(key, "")


def _matches(value, condition) -> bool:
    if isinstance(condition, list):
        return any(_matches(value, c) for c in condition)
    if isinstance(condition, bool) or isinstance(value, bool):
        return _truthy(value) == _truthy(condition)
    if isinstance(condition, (int, float)):
        return _number(value) == float(condition)
    m = _OPERATOR.match(str(condition))
    op, operand = (m.group(1), m.group(2)) if m else ("=", str(condition))
    op = {"≥": ">=", "≤": "<="}.get(op, op)
    if op == "~":
        return normalize_text(operand) in _text(value)
    number, target = _number(value), _number(operand)
    if op in (">=", "<=", ">", "<"):
        if number is None or target is None:
            return False
        return {">=": number >= target, "<=": number <= target, ">": number > target, "<": number < target}[
            op
        ]
    equal = (
        (number == target)
        if number is not None and target is not None
        else _text(value) == normalize_text(operand)
    )
    return equal if op == "=" else not equal


def _truthy(value) -> bool:
    """A yes/no cell or condition: 是/√/已开工 are yes; 否/未开工/empty are no (any text is not yes)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value != 0
    return normalize_text(value).lower() in ("true", "是", "yes", "y", "1", "√", "已开工", "已完成")


def _number(value) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(normalize_text(value).replace(",", ""))
    except ValueError:
        return None


def _text(value) -> str:
    if isinstance(value, date):
        return f"{value.year}-{value.month:02d}"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return normalize_text(value)
