"""Which charts a period's report gets, as plain data: pure, from results to ChartSpec lists."""

from __future__ import annotations

from ..kinds import kind_of
from ..metrics.results import Results
from ..render import numbers as nb
from .figures import MAX_BARS, ChartSpec


def chart_specs(
    results: Results,
    history: dict[str, list[float | None]],
    trend_ids: list[str],
    plans: dict[str, list[float]] | None = None,
) -> list[ChartSpec]:
    """completion, trend, departments and one projects chart per ledger; empty charts are left out.

    `history` maps indicator id -> cumulative actual for months 1..12 (None where unknown);
    `plans` maps indicator id -> the cumulative plan for months 1..12 (default: target × month/12).
    """
    span = results.month == 1 and "1月" or f"1-{results.month}月"
    tp = results.time_progress
    specs: list[ChartSpec] = []

    # 未报送 indicators are drawn too (a dotted row labelled 未报送): a chart without them reads as complete.
    rated = [
        r
        for r in results.indicators
        if kind_of(r.kind).prorated and (r.completion is not None or _unreported(r))
    ]
    own = any(r.time_progress is not None and abs(r.time_progress - tp) > 1e-9 for r in rated)
    title = f"{span}主要指标完成率与{'各自' if own else ''}序时进度"
    if len(rated) > MAX_BARS:
        rated = sorted(rated, key=lambda r: r.gap if r.gap is not None else 0)[:MAX_BARS]
        title += f"（落后最多的{MAX_BARS}项）"
    if rated:
        specs.append(
            ChartSpec(
                "completion",
                "completion",
                title,
                dict(
                    names=[r.name for r in rated],
                    rates=[r.completion for r in rated],  # None: 未报送
                    lights=["none" if r.completion is None else r.light for r in rated],
                    time_progress=tp,
                    benchmarks=[r.time_progress for r in rated],
                    # the table's figure: 74.96% against a 序时 of 75.0%, never '75.0%'
                    labels=[
                        nb.LIGHT_NAMES["none"]
                        if r.completion is None
                        else nb.percent_revealing(r.completion, 1.0, r.time_progress)
                        for r in rated
                    ],
                    digits=nb.rate_digits(),
                ),
            )
        )

    by_id = {r.id: r for r in results.indicators}
    series = []
    for ind_id in trend_ids:
        r = by_id.get(ind_id)
        if r is None or r.target is None or not kind_of(r.kind).prorated:
            continue
        plan = (plans or {}).get(ind_id) or [r.target * m / 12 for m in range(1, 13)]
        series.append(
            dict(
                name=r.name,
                unit=r.unit,
                actual=history.get(ind_id, [None] * 12),
                plan=plan,
                # the 力争 line follows the same 序时 shape as the target's plan line
                stretch_plan=[v / r.target * r.stretch for v in plan] if r.stretch and r.target else None,
            )
        )
    if series:
        title = "重点指标逐月累计完成情况"
        known = {
            m for s in series for m, v in enumerate(s["actual"][: results.month], start=1) if v is not None
        }
        gaps = [m for m in range(1, results.month) if m not in known]
        if gaps:  # a line with holes, or a single point, must say why
            title += f"（{_months(gaps)}数据未找到）"
        specs.append(ChartSpec("trend", "trend", title, dict(series=series[:4], month=results.month)))

    ranked = [d for d in results.departments if d.rank is not None]
    if ranked:
        specs.append(
            ChartSpec(
                "departments",
                "departments",
                f"{span}各责任单位排名（按{nb.RANKING_TEXT[results.ranking_by]}）",
                dict(
                    names=[d.name for d in ranked],
                    ranks=[str(d.rank) for d in ranked],
                    scores=[d.score for d in ranked],
                    # the ranking table's figure: a mean gap of −0.0489 is '-0.05', never '0.0'
                    labels=[
                        nb.signed_points(d.score) if results.ranking_by == "gap" else nb.rate(d.score)
                        for d in ranked
                    ],
                    basis=results.ranking_by,
                    time_progress=tp,
                    digits=nb.rate_digits(),
                ),
            )
        )

    for i, ledger in enumerate(results.ledgers):
        if not ledger.projects:
            continue
        names = [g.name for g in ledger.by_category if g.projects] or ["合计"]
        # Every project once: started (续建 included), past its planned start, or not due yet.
        of = {
            name: [p for p in ledger.projects if (p.category or "未分类") == name or len(names) == 1]
            for name in names
        }
        started = [sum(1 for p in of[n] if p.started) for n in names]
        overdue = [sum(1 for p in of[n] if not p.started and p.start_overdue) for n in names]
        waiting = [len(of[n]) - s - o for n, s, o in zip(names, started, overdue)]
        specs.append(
            ChartSpec(
                "projects" if i == 0 else f"projects_{i + 1}",
                "projects",
                f"{ledger.title}开工情况（按类别，{len(ledger.projects)}个项目）",
                dict(
                    categories=names,
                    started=started,
                    overdue=overdue,
                    waiting=waiting,
                    labels=(nb.STARTED_ALL, "逾期未开工", "未到计划开工期"),
                ),
            )
        )
    return specs


def _unreported(r) -> bool:
    """Not reported (a placeholder such as “—”, a blank, a missing file), as opposed to reported but unjudged."""
    return r.actual is None and r.light == "none"


def _months(months: list[int]) -> str:
    """[1, 2, 3, 5] -> '1-3月、5月'."""
    runs: list[list[int]] = []
    for m in months:
        if runs and m == runs[-1][-1] + 1:
            runs[-1].append(m)
        else:
            runs.append([m])
    return "、".join(f"{r[0]}-{r[-1]}月" if len(r) > 1 else f"{r[0]}月" for r in runs)
