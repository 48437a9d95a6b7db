"""Zone-wide checkpoint verdict and the per-department summary with ranking."""

from __future__ import annotations

from statistics import fmean

from ..config.model import Ranking
from ..period import CHECKPOINTS, Period
from ..render.numbers import revealing_digits, round_half_up
from .results import CheckpointResult, DepartmentResult, IndicatorResult, LedgerResult


def checkpoint(
    results: list[IndicatorResult], period: Period, benchmark: float | None = None
) -> CheckpointResult | None:
    """开门红/双过半/前三季度/全年红: every indicator the registry counts in checkpoints meets its own benchmark
    (the 序时进度 its light uses; for rates the target). 底线 indicators stay out; unreported ones are listed
    once, as unreported, and not judged."""
    from ..kinds import kind_of

    name = CHECKPOINTS.get(period.month)
    if name is None:
        return None
    counted = [r for r in results if kind_of(r.kind).in_checkpoint]
    unreported = tuple(r.id for r in counted if r.checkpoint_met is None)
    judged = [r for r in counted if r.checkpoint_met is not None]
    exceptions = tuple(r.id for r in judged if not r.checkpoint_met)
    return CheckpointResult(
        name,
        period.month / 12 if benchmark is None else benchmark,
        not exceptions and not unreported,
        len(judged) - len(exceptions),
        len(judged),
        exceptions,
        unreported,
    )


def departments(
    results: list[IndicatorResult],
    ledgers: list[LedgerResult],
    names: list[str],
    rules: Ranking | None = None,
    digits: int = 1,
) -> list[DepartmentResult]:
    """One row per department, ranked by `rules.by` (default: the mean gap to 序时进度, in 百分点, of the
    indicators the registry counts in ranking), weighted by `rules.weights`. Scores equal at the shown
    precision (`digits`, output.precision.rates) share a rank (并列); fewer than `min_indicators` counted: listed, not ranked. A breached
    底线 is carried as a mark; with `red_line: veto` the department is ranked last."""
    from ..kinds import kind_of

    rules = rules or Ranking()
    rows = []
    for name in names:
        mine = [r for r in results if r.owner == name]
        rated = [
            r for r in mine if kind_of(r.kind).in_ranking and r.completion is not None and r.gap is not None
        ]
        projects = [p for ledger in ledgers for p in ledger.projects if p.owner == name]
        plan = sum(p.annual_plan or 0 for p in projects)
        weights = [rules.weights.get(r.id, 1.0) for r in rated]
        values = [r.gap if rules.by == "gap" else r.completion * 100 for r in rated]
        score = sum(w * v for w, v in zip(weights, values)) / sum(weights) if rated else None
        rows.append(
            dict(
                name=name,
                indicators=len(mine),
                green=_count(mine, "green"),
                yellow=_count(mine, "yellow"),
                red=_count(mine, "red"),
                no_data=_count(mine, "none"),
                on_track=sum(1 for r in mine if r.on_track),
                average_completion=fmean(r.completion for r in rated) if rated else None,
                average_gap=fmean(r.gap for r in rated) if rated else None,
                projects=len(projects),
                projects_started=sum(1 for p in projects if p.started),
                investment_completion=(sum(p.completed or 0 for p in projects) / plan) if plan else None,
                score=score,
                ranked_indicators=len(rated),
                unreported_in_ranking=sum(
                    1 for r in mine if kind_of(r.kind).in_ranking and r.actual is None and r.light == "none"
                ),
                red_lines=tuple(r.id for r in mine if kind_of(r.kind).red_line and r.on_track is False),
            )
        )

    def key(row) -> tuple:
        # Ties are judged on the shown score, so two rows that read the same rank the same (and two that read
        # differently do not: a gap of −0.04 shows as -0.04, not as the −0.01's '0.0').
        vetoed = rules.red_line == "veto" and bool(row["red_lines"])
        places = revealing_digits(row["score"], digits) if rules.by == "gap" else digits
        return (vetoed, -round_half_up(row["score"], places))

    rankable = [r for r in rows if r["score"] is not None and r["ranked_indicators"] >= rules.min_indicators]
    out = []
    for r in rows:
        if r in rankable:
            k = key(r)
            rank = 1 + sum(1 for other in rankable if key(other) < k)
            tied = sum(1 for other in rankable if key(other) == k) > 1
        else:
            rank, tied = None, False
        out.append(
            DepartmentResult(
                rank=rank,
                tied=tied,
                vetoed=rules.red_line == "veto" and bool(r["red_lines"]) and rank is not None,
                **r,
            )
        )
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
        ledgers.append(
            replace(
                ledger,
                projects=mine,
                total=_group("合计", mine),
                by_category=tuple(_group(k, v) for k, v in categories.items()),
                by_department=tuple(g for g in ledger.by_department if g.name == name),
            )
        )
    mine_ids = {r.id for r in results.indicators if r.owner == name}
    checkpoint = results.checkpoint
    if checkpoint is not None:
        exceptions = tuple(i for i in checkpoint.exceptions if i in mine_ids)
        unreported = tuple(i for i in checkpoint.unreported if i in mine_ids)
        from ..kinds import kind_of

        judged = [
            r
            for r in results.indicators
            if r.owner == name and kind_of(r.kind).in_checkpoint and r.checkpoint_met is not None
        ]
        checkpoint = replace(
            checkpoint,
            exceptions=exceptions,
            unreported=unreported,
            met=not exceptions and not unreported,
            total=len(judged),
            met_count=len(judged) - len(exceptions),
        )
    return replace(
        results,
        indicators=tuple(r for r in results.indicators if r.owner == name),
        checkpoint=checkpoint,
        departments=tuple(d for d in results.departments if d.name == name),
        ledgers=tuple(ledgers),
        problems=tuple(p for p in results.problems if name in p) or results.problems[:0],
        missing=tuple(m for m in results.missing if name in m),
    )
