"""Zone-wide checkpoint verdict and the per-department summary with ranking."""

from __future__ import annotations

from statistics import fmean

from ..period import CHECKPOINTS, Period
from .results import CheckpointResult, DepartmentResult, IndicatorResult, LedgerResult

PRORATED = ("cumulative", "count")


def checkpoint(results: list[IndicatorResult], period: Period) -> CheckpointResult | None:
    """开门红/双过半/前三季度/全年红: every amount/count at 25/50/75/100 %, every rate at its target."""
    name = CHECKPOINTS.get(period.month)
    if name is None:
        return None
    benchmark = period.month / 12
    exceptions = tuple(r.id for r in results if not r.checkpoint_met)
    return CheckpointResult(name, benchmark, not exceptions, len(results) - len(exceptions), len(results),
                            exceptions)


def departments(results: list[IndicatorResult], ledgers: list[LedgerResult], names: list[str]) -> list[DepartmentResult]:
    """One row per department, ranked by the mean completion of its amount/count indicators (ties share a rank)."""
    rows = []
    for name in names:
        mine = [r for r in results if r.owner == name]
        rated = [r for r in mine if r.kind in PRORATED and r.completion is not None]
        projects = [p for ledger in ledgers for p in ledger.projects if p.owner == name]
        plan = sum(p.annual_plan or 0 for p in projects)
        rows.append(dict(
            name=name, indicators=len(mine), green=_count(mine, "green"), yellow=_count(mine, "yellow"),
            red=_count(mine, "red"), no_data=_count(mine, "none"), on_track=sum(1 for r in mine if r.on_track),
            average_completion=fmean(r.completion for r in rated) if rated else None,
            average_gap=fmean(r.gap for r in rated) if rated else None,
            projects=len(projects), projects_started=sum(1 for p in projects if p.started),
            investment_completion=(sum(p.completed or 0 for p in projects) / plan) if plan else None))

    out = []
    for r in rows:
        score = r["average_completion"]
        if score is None:
            rank, tied = None, False
        else:
            key = round(score, 6)
            rank = 1 + sum(1 for other in rows if other["average_completion"] is not None
                           and round(other["average_completion"], 6) > key)
            tied = sum(1 for other in rows if other["average_completion"] is not None
                       and round(other["average_completion"], 6) == key) > 1
        out.append(DepartmentResult(rank=rank, tied=tied, **r))
    return sorted(out, key=lambda d: (d.rank is None, d.rank or 0, names.index(d.name)))


def _count(results: list[IndicatorResult], light: str) -> int:
    return sum(1 for r in results if r.light == light)


def for_department(results, name: str):
    """The results one department is answerable for: its indicators, its projects, its own summary row."""
    from dataclasses import replace

    from .ledger import _group

    ledgers = []
    for ledger in results.ledgers:
        mine = tuple(p for p in ledger.projects if p.owner == name)
        categories: dict[str, list] = {}
        for p in mine:
            categories.setdefault(p.category or "未分类", []).append(p)
        ledgers.append(replace(ledger, projects=mine, total=_group("合计", mine),
                               by_category=tuple(_group(k, v) for k, v in categories.items()),
                               by_department=tuple(g for g in ledger.by_department if g.name == name)))
    mine_ids = {r.id for r in results.indicators if r.owner == name}
    checkpoint = results.checkpoint
    if checkpoint is not None:
        exceptions = tuple(i for i in checkpoint.exceptions if i in mine_ids)
        checkpoint = replace(checkpoint, exceptions=exceptions, met=not exceptions, total=len(mine_ids),
                             met_count=len(mine_ids) - len(exceptions))
    return replace(results, indicators=tuple(r for r in results.indicators if r.owner == name),
                   checkpoint=checkpoint, departments=tuple(d for d in results.departments if d.name == name),
                   ledgers=tuple(ledgers),
                   problems=tuple(p for p in results.problems if name in p) or results.problems[:0],
                   missing=tuple(m for m in results.missing if name in m))
