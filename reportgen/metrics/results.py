"""Frozen result records: what every later stage (charts, Word, Excel, e-mail, JSON) reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

TARGET_LABEL = "年度目标"
STRETCH_LABEL = "力争目标"


@dataclass(frozen=True)
class MilestoneNode:
    name: str
    due: int
    done: bool | None
    months_late: int | None  # None when not due yet or done
    source: str = ""


@dataclass(frozen=True)
class IndicatorResult:
    """One indicator for one period. Rates are fractions (0.562); gaps and growth are in percent/百分点."""

    id: str
    name: str
    kind: str
    unit: str
    group: str
    owner: str
    target: float | None
    stretch: float | None
    actual: float | None  # amount/count; growth/share in %; milestone: nodes done
    amount: float | None = None  # growth kind computed from amounts: the current amount (in amount_unit)
    completion: float | None = None  # actual ÷ target
    stretch_completion: float | None = None
    time_progress: float | None = None
    gap: float | None = None  # 百分点: completion − 序时进度, or actual − target for rates
    light: str = "none"
    on_track: bool | None = None
    checkpoint_met: bool | None = None
    last_year: float | None = None
    yoy: float | None = None  # 同比 %, None when last year is missing or zero
    projection: float | None = None  # full year at the current pace
    required: float | None = None  # still to do to reach the target
    nodes: tuple[MilestoneNode, ...] = ()
    source: str = ""
    note: str = ""  # why a figure is missing (未报送、上年同期为零…)
    target_label: str = (
        TARGET_LABEL  # "力争目标" when only a stretch target is set (it is then the benchmark)
    )
    target_source: str = ""  # file › sheet › cell when the target was read from the submitted sheet
    stretch_source: str = ""  # likewise for the 力争 target
    # Compared with earlier months (metrics/changes.py; None/empty when there is nothing to compare with)
    previous_completion: float | None = None  # completion at month N−1
    completion_change: float | None = None  # 百分点: (completion_N − completion_N−1) × 100
    previous_actual: float | None = None  # growth/share: the rate at month N−1 (%)
    actual_change: float | None = None  # growth/share: actual_N − actual_N−1 (百分点)
    mom: float | None = None  # 环比 %: this month's own value against last month's
    lights_history: tuple[str, ...] = ()  # light of months 1..N, "none" where unknown
    flagged_months: int = 0  # consecutive months up to N with a yellow or red light
    escalation: str = ""  # "" / 提醒 / 督办 / 约谈
    verb: str | None = None  # the config's 谓语 for sentences ("" none; None: by unit)
    amount_unit: str = ""  # unit of `amount` and `last_year` for a growth computed from amounts
    # Against the same period last year (cumulative/count; None when last year's completion is not known)
    last_year_completion: float | None = None  # last year's 1–N月 ÷ last year's target, a fraction (0.732)
    completion_vs_last_year: float | None = None  # 百分点: (completion − last_year_completion) × 100


@dataclass(frozen=True)
class CheckpointResult:
    """开门红 / 双过半 / 前三季度 / 全年红: met only when every judged indicator meets its own benchmark (the
    same 序时进度 its light uses). 底线 indicators are not progress and stay out; unreported ones are counted
    once, as 未报送, never also among the exceptions."""

    name: str
    benchmark: float  # 0.25 / 0.5 / 0.75 / 1.0 (N/12; an indicator with a plan uses its plan)
    met: bool
    met_count: int
    total: int  # judged indicators (reported, counted in checkpoints)
    exceptions: tuple[str, ...]  # ids of reported indicators below their benchmark
    unreported: tuple[str, ...] = ()  # ids of indicators counted in checkpoints but not reported


@dataclass(frozen=True)
class DepartmentResult:
    name: str
    indicators: int
    green: int
    yellow: int
    red: int
    no_data: int
    on_track: int
    average_completion: float | None  # mean completion of the indicators counted in the ranking
    average_gap: float | None  # mean gap to each one's own 序时进度 (百分点)
    rank: int | None  # None: listed, not ranked (too few indicators)
    tied: bool
    projects: int = 0
    projects_started: int = 0  # 已开工（含续建）: every started project of the department
    investment_completion: float | None = None
    score: float | None = None  # what the ranking sorts by (Results.ranking_by), weighted
    ranked_indicators: int = 0  # indicators counted in the score
    unreported_in_ranking: int = 0  # indicators of a kind counted in the ranking, not reported (not counted)
    red_lines: tuple[str, ...] = ()  # ids of its 底线 indicators that are breached
    vetoed: bool = False  # ranked last because of a breach (ranking.red_line: veto)
    previous_rank: int | None = None  # rank at month N−1
    rank_change: str = ""  # ↑2 / ↓1 / — (same) / 新 (not ranked last month) / "" (not ranked now)

    @property
    def average_benchmark(self) -> float | None:
        """The mean 序时进度 (a fraction) its average completion is judged against: average completion − average
        gap, so a shown average completion can reveal a shortfall as the gap does."""
        if self.average_completion is None or self.average_gap is None:
            return None
        return self.average_completion - self.average_gap / 100


@dataclass(frozen=True)
class ProjectResult:
    name: str
    owner: str
    category: str
    nature: str
    total_investment: float | None
    annual_plan: float | None
    completed: float | None
    completion: float | None
    planned_start: date | None
    actual_start: date | None
    started: bool
    in_start_base: bool
    start_overdue: bool
    months_late: int | None
    progress: str
    issues: str
    leader: str
    source: str
    level: str = ""
    ahead: bool | None = None  # 投资完成率 ≥ the ledger's 序时进度; None without a plan or a reported amount
    in_also_start_base: bool = False  # in the second 开工率 base (also_start_rate_base)


@dataclass(frozen=True)
class LedgerGroup:
    """Totals for one category or one department of a ledger. Two started figures with two definitions:
    `started` counts projects in the 开工率 base (start_base) that have started — the 开工率 numerator;
    `started_all` counts every started project, 续建 and 竣工 included (已开工（含续建）)."""

    name: str
    projects: int
    started: int
    start_base: int
    start_rate: float | None
    total_investment: float | None  # None when no project states it
    annual_plan: float
    completed: float
    completion: float | None
    overdue: int
    started_all: int = 0
    # 投资达到序时进度: among projects with an annual plan > 0 (with_plan), those whose completion reached the
    # ledger's 序时进度 (ahead); plan_unreported of them reported no completed amount (not counted as ahead).
    with_plan: int = 0
    ahead: int = 0
    ahead_share: float | None = None
    plan_unreported: int = 0
    # The second 开工率 (also_start_rate_base), from the same rows; zero/None when it is not configured.
    also_start_base: int = 0
    also_started: int = 0
    also_start_rate: float | None = None


@dataclass(frozen=True)
class LedgerResult:
    name: str
    unit: str
    start_rate_base: str
    total: LedgerGroup
    by_category: tuple[LedgerGroup, ...]
    by_department: tuple[LedgerGroup, ...]
    projects: tuple[ProjectResult, ...]
    source: str = ""
    title: str = "重点项目"
    also_start_rate_base: str | None = None
    breakdown: str = "category"  # 逾期未开工 by "category" or "level"
    time_progress: float | None = None  # the 序时进度 project completion is judged against

    @property
    def overdue(self) -> tuple[ProjectResult, ...]:
        return tuple(p for p in self.projects if p.start_overdue)


@dataclass(frozen=True)
class Results:
    zone: str
    year: int
    month: int
    indicators: tuple[IndicatorResult, ...]
    checkpoint: CheckpointResult | None
    departments: tuple[DepartmentResult, ...]
    ledgers: tuple[LedgerResult, ...]
    problems: tuple[str, ...] = field(default=())
    notices: tuple[str, ...] = field(
        default=()
    )  # read as it stands but worth saying (rows skipped, "3000余")
    missing: tuple[str, ...] = field(default=())  # 缺报 submissions, e.g. "招商局（招商引资完成情况.xls）"
    ranking_by: str = "gap"  # the departments' ranking basis (config ranking.by)
    min_indicators: int = 2  # fewer ranked indicators: listed, not ranked
    red_line_rule: str = "mark"  # a breached 底线: "mark" the department, or "veto" (last)
    previous_month_missing: bool = False  # month N−1 could not be evaluated (nothing compared)
    zone_progress: float | None = None  # the zone's 序时进度 (config `progress`); None: N/12
    collective: str = "全区"  # the zone's own word: 全区 / 全县 / 全市 / 全园区

    @property
    def time_progress(self) -> float:
        """The zone's 序时进度 for the period; an indicator with its own plan or day count has its own."""
        return self.month / 12 if self.zone_progress is None else self.zone_progress

    def count(self, light: str) -> int:
        return sum(1 for r in self.indicators if r.light == light)


def results_from_plain(data: dict) -> Results:
    """Rebuild Results from results.json (the contract other stages and e-mail read back)."""

    def day(text):
        return date.fromisoformat(text) if text else None

    indicators = tuple(
        IndicatorResult(
            **{
                **r,
                "nodes": tuple(MilestoneNode(**n) for n in r.get("nodes", ())),
                "lights_history": tuple(r.get("lights_history", ())),
            }
        )
        for r in data["indicators"]
    )
    cp = data.get("checkpoint")
    checkpoint = (
        CheckpointResult(
            **{**cp, "exceptions": tuple(cp["exceptions"]), "unreported": tuple(cp.get("unreported", ()))}
        )
        if cp
        else None
    )
    ledgers = []
    for lg in data.get("ledgers", ()):
        projects = tuple(
            ProjectResult(
                **{**p, "planned_start": day(p["planned_start"]), "actual_start": day(p["actual_start"])}
            )
            for p in lg["projects"]
        )
        ledgers.append(
            LedgerResult(
                **{
                    **lg,
                    "total": LedgerGroup(**lg["total"]),
                    "projects": projects,
                    "by_category": tuple(LedgerGroup(**g) for g in lg["by_category"]),
                    "by_department": tuple(LedgerGroup(**g) for g in lg["by_department"]),
                }
            )
        )
    return Results(
        zone=data["zone"],
        year=data["year"],
        month=data["month"],
        indicators=indicators,
        checkpoint=checkpoint,
        departments=tuple(
            DepartmentResult(**{**d, "red_lines": tuple(d.get("red_lines", ()))}) for d in data["departments"]
        ),
        ledgers=tuple(ledgers),
        problems=tuple(data.get("problems", ())),
        notices=tuple(data.get("notices", ())),
        missing=tuple(data.get("missing", ())),
        **{
            k: data[k]
            for k in ("ranking_by", "min_indicators", "red_line_rule", "zone_progress", "collective")
            if k in data
        },
        previous_month_missing=bool(data.get("previous_month_missing", False)),
    )
