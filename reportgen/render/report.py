"""The Word report's content as plain data: sentences in the report's own voice, table rows as display text.

Pure: results in, a dict out. render/word.py adds the chart images and fills the template with it. What a
kind means and how its figures are worded comes from the registry (reportgen/kinds.py); this module only
arranges the sentences.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..config.model import Lights
from ..kinds import Wording, kind_of, sentence, verdict
from ..metrics.results import (
    STRETCH_LABEL,
    DepartmentResult,
    IndicatorResult,
    LedgerGroup,
    LedgerResult,
    Results,
)
from ..period import CHECKPOINTS
from . import numbers as nb

SECTIONS = ("overview", "indicators", "projects", "departments", "issues")


@dataclass(frozen=True)
class Voice:
    """The settings every sentence of one report shares."""

    near: float = 2.0
    severe: float = 10.0
    decimals: dict[str, int] = field(default_factory=dict)
    lights: Lights = Lights()
    previous: str = ""  # "1-5月": the span month-over-month changes are stated against

    @classmethod
    def of(
        cls,
        results: Results,
        near: float = 2.0,
        severe: float = 10.0,
        decimals: dict | None = None,
        lights: Lights | None = None,
    ) -> Voice:
        """The voice of one period's report: changes are worded only when month N−1 was read."""
        previous = "" if results.month == 1 or results.previous_month_missing else nb.span(results.month - 1)
        return cls(near, severe, decimals or {}, lights or Lights(), previous)

    def wording(self, r: IndicatorResult) -> Wording:
        return Wording(self.near, self.severe, self.decimals.get(r.id), self.previous)

    def say(self, r: IndicatorResult) -> str:
        return sentence(r, self.wording(r))


def stage_name(month: int) -> str:
    """The checkpoint the current quarter works towards: 开门红, 双过半, 前三季度, 全年红."""
    return CHECKPOINTS[((month - 1) // 3 + 1) * 3]


def checkpoint_event(name: str, reached: bool = True) -> str:
    """Checkpoints are events, never targets: 实现“双过半”; 前三季度 is a pace (达到前三季度序时进度要求)."""
    if name == "前三季度":
        return f"{'' if reached else '未'}达到前三季度序时进度要求"
    return f"{'' if reached else '未'}实现“{name}”"


def checkpoint_summary(results: Results) -> str:
    """The checkpoint verdict in one line, with the same counts as the first sentence of 一、总体情况 (the CLI
    and the Excel workbook say it so): '纳入进度考核的12项指标中，9项达到前三季度序时进度要求，2项未达到，1项未报送'."""
    cp = results.checkpoint
    if cp is None:
        return ""
    event = checkpoint_event(cp.name)
    counted = [r for r in results.indicators if kind_of(r.kind).in_checkpoint]
    unjudged = [r for r in counted if nb.unjudged(r)]
    unreported = [i for i in cp.unreported if i not in {r.id for r in unjudged}]
    unread = f"，{len(unjudged)}项目标未读到、未作评价" if unjudged else ""
    if not cp.exceptions and not unreported:
        return f"纳入进度考核的{cp.total}项指标全部{event}{unread}"
    parts = [f"纳入进度考核的{len(counted)}项指标中，{cp.met_count}项{event}"]
    if cp.exceptions:
        parts.append(f"{len(cp.exceptions)}项{'未达到' if cp.name == '前三季度' else '未实现'}")
    if unreported:
        parts.append(f"{len(unreported)}项未报送")
    return "，".join(parts) + unread


def next_goal(month: int) -> str:
    """What the next step aims at: the next checkpoint after this month (this quarter's while it is open)."""
    if month == 12:
        return "认真总结，查找差距，为来年实现“开门红”打好基础"
    upcoming = next(m for m in sorted(CHECKPOINTS) if m > month)
    if CHECKPOINTS[upcoming] == "前三季度":
        return "确保前三季度各项指标达到序时进度要求"
    return f"确保实现“{CHECKPOINTS[upcoming]}”"


def indicator_row(r: IndicatorResult, near: float, severe: float, digits: int | None = None) -> dict:
    """Display text for one table row; every cell a string so templates never format numbers themselves."""
    kind = kind_of(r.kind)
    w = Wording(near, severe, digits)
    places = nb.decimals_for(r.unit, r.target) if digits is None else digits
    target = _target_text(r.target, kind.rate, places)
    if r.stretch is not None:
        target += f"/{_target_text(r.stretch, kind.rate, places)}"
    elif r.target_label == STRETCH_LABEL:  # only a 力争 target: the column reads 全年目标/力争
        target = f"—/{target}"
    # 确保 and 力争 in columns of their own (附件1): "200/220" read as a fraction.
    sure = "—" if r.target_label == STRETCH_LABEL else _target_text(r.target, kind.rate, places)
    stretch = _target_text(r.target if r.target_label == STRETCH_LABEL else r.stretch, kind.rate, places)
    milestone = bool(r.nodes) or r.kind == "milestone"
    return dict(
        id=r.id,
        name=r.name,
        target_sure=f"{sure}个节点" if milestone and sure != "—" else sure,
        target_stretch=stretch,
        actual_done=(
            f"已完成{r.actual:g}个" if milestone and r.actual is not None else kind.actual_text(r, w)
        ),
        stretch_completion=(
            nb.percent(r.stretch_completion) if kind.prorated and r.stretch_completion is not None else "—"
        ),
        unit="%" if kind.rate else r.unit,
        kind=r.kind,
        owner=r.owner,
        group=r.group,
        target=target,
        actual=kind.actual_text(r, w),
        completion=nb.percent_revealing(r.completion, 1.0, r.time_progress) if kind.prorated else "—",
        time_progress=nb.percent(r.time_progress) if kind.prorated else "—",
        gap=nb.signed_points(r.gap) if kind.prorated or kind.rate else "—",
        yoy="—" if r.yoy is None else nb.rate(r.yoy),
        light=r.light,
        light_name=nb.status_name(r),
        color=nb.LIGHT_COLORS.get(r.light, "FFFFFF"),
        verdict=verdict(r, w),
        red_line=kind.red_line,
        sentence=sentence(r, w),
        note=r.note,
        source=r.source,
    )


def _target_text(value: float | None, rate: bool, digits: int) -> str:
    """Targets are set round numbers: '200/220', '8000/10000', '10.0%' (no padding zeros for amounts)."""
    if value is None:
        return "—"
    if rate:
        return nb.rate(value)
    text = nb.number(value, max(digits, 2))
    return text.rstrip("0").rstrip(".") if "." in text else text


def _group_row(g: LedgerGroup, unit: str) -> dict:
    return dict(
        name=g.name,
        projects=g.projects,
        started=g.started,
        start_base=g.start_base,
        started_all=g.started_all,
        start_rate=nb.percent(g.start_rate),
        total_investment=nb.number(g.total_investment, 2),
        annual_plan=nb.number(g.annual_plan, 2),
        completed=nb.number(g.completed, 2),
        completion=nb.percent(g.completion),
        overdue=g.overdue,
        unit=unit,
        with_plan=g.with_plan,
        ahead=g.ahead,
        ahead_share=nb.percent(g.ahead_share),
        also_start_base=g.also_start_base,
        also_started=g.also_started,
        also_start_rate=nb.percent(g.also_start_rate),
    )


def start_rate_sentence(ledger: LedgerResult, t: LedgerGroup | None = None) -> str:
    """The 开工率 with its base in words: '计划截至本月开工的项目（应开工）88个，其中已开工81个，开工率92.0%'; with
    also_start_rate_base the second rate follows under its own name ('；计划年内开工的100个项目已开工81个，
    年度开工率81.0%'), so 应开工/其中已开工/开工率 keep naming the main base only."""
    t = t or ledger.total
    text = (
        f"{nb.START_BASE_TEXT[ledger.start_rate_base]}（{nb.START_BASE}）{t.start_base}个，"
        f"{nb.STARTED_IN_BASE}{t.started}个，开工率{nb.percent(t.start_rate)}"
    )
    also = ledger.also_start_rate_base
    if also:
        text += (
            f"；{nb.START_BASE_COUNTED[also].format(n=t.also_start_base)}已开工{t.also_started}个，"
            f"{nb.START_RATE_NAMES[also]}{nb.percent(t.also_start_rate)}"
        )
    return text


def ahead_sentence(ledger: LedgerResult, t: LedgerGroup | None = None) -> str:
    """Projects against their own annual plan: '有年度计划投资的118个项目中，95个投资完成率达到序时进度（75.0%），
    占80.5%'; '' when no project has an annual plan."""
    t = t or ledger.total
    if not t.with_plan or ledger.time_progress is None:
        return ""
    text = (
        f"{nb.WITH_PLAN}的{t.with_plan}个项目中，{t.ahead}个投资完成率达到序时进度"
        f"（{nb.percent(ledger.time_progress)}），占{nb.percent(t.ahead_share)}"
    )
    if t.plan_unreported:
        text += f"（{t.plan_unreported}个未填报完成投资，未计入）"
    return text


LEVEL_ORDER = ("国家", "国", "省", "市", "县", "区", "镇", "乡")


def overdue_breakdown(ledger: LedgerResult, projects=None) -> str:
    """逾期未开工 by category (default) or by 项目级别 (breakdown: level): '产业项目6个、社会民生1个' /
    '省6个、市7个、县18个'; '' when the rows carry no such distinction."""
    late = [p for p in (ledger.projects if projects is None else projects) if p.start_overdue]
    by_level = ledger.breakdown == "level"
    counts: dict[str, int] = {}
    for p in late:
        key = (p.level or "未填级别") if by_level else (p.category or "未分类")
        counts[key] = counts.get(key, 0) + 1
    if not counts or set(counts) <= {"未分类", "未填级别"}:
        return ""
    keys = list(counts)
    if by_level:

        def rank(name: str) -> int:
            return next((i for i, w in enumerate(LEVEL_ORDER) if name.startswith(w)), len(LEVEL_ORDER))

        keys.sort(key=rank)  # stable: unknown levels keep their order of appearance
    return "、".join(f"{k}{counts[k]}个" for k in keys)


def ledger_summary(ledger: LedgerResult, span: str, collective: str = "全区") -> str:
    t, u = ledger.total, ledger.unit
    ahead = ahead_sentence(ledger)
    total = "" if t.total_investment is None else f"总投资{nb.amount(t.total_investment, u)}，"
    text = (
        f"{collective}{ledger.title}{t.projects}个，{nb.STARTED_ALL}{t.started_all}个；{total}"
        f"年度计划投资{nb.amount(t.annual_plan, u)}，{span}完成投资{nb.amount(t.completed, u)}，"
        f"完成年度计划的{nb.percent(t.completion)}{'；' + ahead if ahead else ''}。{start_rate_sentence(ledger)}"
    )
    if not t.overdue:
        return text + "，均按计划开工。"
    breakdown = overdue_breakdown(ledger)
    due_now = sum(1 for p in ledger.projects if p.start_overdue and not p.months_late)
    what = "计划开工月份已到仍未开工" + (f"，其中本月应开工{due_now}个" if due_now else "")
    return text + f"；逾期未开工{t.overdue}个（{what}）{'：' + breakdown if breakdown else ''}。"


def report_context(
    results: Results,
    *,
    near: float = 2.0,
    severe: float = 10.0,
    key_indicators: list[str] = (),
    decimals: dict[str, int] | None = None,
    lights: Lights | None = None,
    sections: dict[str, bool] | None = None,
    notes: list[str] = (),
    title: str = "",
    issuer: str = "",
    report_date: date | None = None,
    recipients: str = "",
    grouped: bool = True,
    document: dict[str, str] | None = None,
    feedback: dict | None = None,
) -> dict:
    """Everything the Word template may use (documented in README 'Word 模板变量').

    `grouped`: the config names indicator groups; without them the indicator table has no group bands.
    """
    voice = Voice.of(results, near, severe, decimals, lights)
    span = nb.span(results.month)
    say = {r.id: voice.say(r) for r in results.indicators}
    rows = [indicator_row(r, near, severe, voice.decimals.get(r.id)) for r in results.indicators]
    groups: dict[str, list[dict]] = {}
    for row in rows:
        groups.setdefault(row["group"] if grouped else "", []).append(row)
    keys = key_results(results, key_indicators)

    ledgers = []
    for ledger in results.ledgers:
        overdue = sorted(ledger.overdue, key=lambda p: -(p.months_late or 0))
        ledgers.append(
            dict(
                name=ledger.title,
                unit=ledger.unit,
                summary=ledger_summary(ledger, span, results.collective),
                brief=ledger_brief(ledger, span, results.collective),
                base_text=nb.START_BASE_TEXT[ledger.start_rate_base],
                also_base_text=nb.START_BASE_TEXT.get(ledger.also_start_rate_base, ""),
                also_rate_name=nb.START_RATE_NAMES.get(ledger.also_start_rate_base, ""),
                time_progress=nb.percent(ledger.time_progress),
                overdue_breakdown=overdue_breakdown(ledger),
                total=_group_row(ledger.total, ledger.unit),
                categories=[_group_row(g, ledger.unit) for g in ledger.by_category],
                departments=[_group_row(g, ledger.unit) for g in ledger.by_department],
                overdue=[
                    dict(
                        name=p.name,
                        owner=p.owner,
                        category=p.category,
                        planned_start=nb.month_text(p.planned_start),
                        months_late=p.months_late or 0,
                        total_investment=nb.number(p.total_investment, 2),
                        issues=p.issues or "—",
                        leader=p.leader or "—",
                    )
                    for p in overdue
                ],
            )
        )

    departments = [department_row(d, results) for d in results.departments]
    red_lines = [r for r in results.indicators if kind_of(r.kind).red_line and r.on_track is False]
    lagging = lagging_results(results)
    project_issues = [
        f"{p['name']}（{p['owner']}，计划{p['planned_start']}开工，"
        + (f"已逾期{p['months_late']}个月）" if p["months_late"] else "本月应开工尚未开工）")
        + (f"：{p['issues'].rstrip('。；;，,')}。" if p["issues"] != "—" else "。")
        for lg in ledgers
        for p in lg["overdue"]
    ]
    present = [
        key
        for key, there in (
            ("red_lines", red_lines),
            ("lagging", True),
            ("projects", project_issues),
            ("suggestions", True),
        )
        if there
    ]
    subheads = {
        key: f"（{'一二三四五'[present.index(key)]}）" if key in present else ""
        for key in ("red_lines", "lagging", "projects", "suggestions")
    }
    document = {key: "" for key in DOCUMENT_ELEMENTS} | (document or {})
    return dict(
        **document,
        lags=main_lags(results, voice),
        escalation=escalation_summary(results),
        group_texts=group_paragraphs(results, voice, grouped),
        problems=problems_paragraph(results, voice),
        actions=department_actions(results, voice),
        feedback=feedback or dict(replies=[], missing="", span=""),
        zone=results.zone,
        year=results.year,
        month=results.month,
        period=f"{results.year}-{results.month:02d}",
        span=span,
        title=title or f"{results.zone}{results.year}年{span}重点指标完成情况通报",
        issuer=issuer,
        date=nb.date_text(report_date or date.today()),
        recipients=recipients,
        time_progress=nb.percent(results.time_progress),
        stage=stage_name(results.month),
        checkpoint_reached=results.checkpoint is not None,
        show={name: (sections or {}).get(name, True) for name in SECTIONS},
        lead=f"现将{span}份{results.zone}重点指标完成情况通报如下：",
        # The ledger summary opens 三、; it goes into 一、 only when that section is switched off.
        overview=page_one(results, keys, say, voice, with_ledgers=not (sections or {}).get("projects", True)),
        indicator_intro=_indicator_intro(results),
        groups=[dict(name=k, rows=v) for k, v in groups.items()],
        indicators=rows,
        ledgers=ledgers,
        departments=departments,
        department_summary=department_summary(results),
        ranking_header=RANKING_HEADER[results.ranking_by],
        red_lines=[f"{r.owner}：{say[r.id]}{escalation_note(r)}。" for r in red_lines],
        lagging=[
            f"{r.owner}：{say[r.id]}（{nb.light_name(r.light)}{escalation_note(r, bracket=False)}）。"
            for r in lagging
        ],
        project_issues=project_issues,
        subheads=subheads,
        suggestions=suggestions(results, voice),
        notes=list(notes),
        data_notes=list(results.problems),
        # How a figure was read ("原填“3000余”，按3000计", no 同比 without last year); the row accounting is for staff
        reading_notes=[n for n in results.notices if "个无法识别" not in n],
        results=results,
    )


# 公文 elements (output.word): 发文机关标志, 发文字号, and the 版记's 抄送, 印发机关, 印发日期 — "" when unset.
DOCUMENT_ELEMENTS = ("masthead", "number", "cc", "printed_by", "printed_on")

RANKING_HEADER = {"gap": "平均差距（百分点）", "completion": "平均完成率"}


def key_results(results: Results, key_indicators) -> list[IndicatorResult]:
    """The indicators the first page names: output.word.key_indicators, else the first three prorated ones."""
    by_id = {r.id: r for r in results.indicators}
    chosen = [by_id[i] for i in key_indicators if i in by_id]
    return chosen or [r for r in results.indicators if kind_of(r.kind).prorated and r.target is not None][:3]


def lagging_results(results: Results) -> list[IndicatorResult]:
    """Red and yellow progress indicators, red first, then by gap. 底线 breaches are listed on their own."""
    lagging = [r for r in results.indicators if r.light in ("red", "yellow") and not kind_of(r.kind).red_line]
    return sorted(lagging, key=lambda r: (r.light != "red", r.gap if r.gap is not None else 0))


def escalation_note(r: IndicatorResult, bracket: bool = True) -> str:
    """'，连续3个月亮灯，约谈' — the supervision level from months 1..N (metrics/changes.py)."""
    if not r.escalation:
        return ""
    running = r.flagged_months > 1 and not kind_of(r.kind).red_line  # a breach is not a run of lagging months
    text = (f"连续{r.flagged_months}个月亮灯，" if running else "") + r.escalation
    return f"（{text}）" if bracket else f"，{text}"


def escalation_summary(results: Results) -> str:
    """One sentence naming who is 约谈, 督办 and 提醒 this month, strongest first."""
    levels = {}
    for r in results.indicators:
        if r.escalation:
            levels.setdefault(r.escalation, []).append(f"{r.name}（{r.owner}）")
    if not levels:
        return ""
    parts = [
        f"{level}{len(levels[level])}项：{'、'.join(levels[level])}"
        for level in ("约谈", "督办", "提醒")
        if level in levels
    ]
    return "按督办规则（黄灯提醒；红灯或连续亮灯督办；连续红灯约谈），本期" + "；".join(parts) + "。"


def department_row(d: DepartmentResult, results: Results) -> dict:
    if d.rank is None:
        rank = "—"
    else:
        rank = f"{d.rank}{'（并列）' if d.tied else ''}{'（一票否决）' if d.vetoed else ''}"
    score = (
        "—"
        if d.score is None
        else (nb.signed_points(d.score) if results.ranking_by == "gap" else nb.rate(d.score))
    )
    return dict(
        rank=rank,
        name=d.name,
        indicators=d.indicators,
        ranked_indicators=d.ranked_indicators,
        rank_change=d.rank_change or "—",
        green=d.green,
        yellow=d.yellow,
        red=d.red,
        no_data=d.no_data,
        on_track=d.on_track,
        score=score,
        average_completion=nb.percent_revealing(d.average_completion, 1.0, d.average_benchmark),
        average_gap=nb.signed_points(d.average_gap),
        red_line="突破" if d.red_lines else "—",
        projects=d.projects,
        projects_started=f"{d.projects_started}/{d.projects}" if d.projects else "—",
        started_all=str(d.projects_started) if d.projects else "—",  # beside 项目数: no "8/16" to decode
        investment_completion=nb.percent(d.investment_completion),
    )


def lights_definition(lights: Lights) -> str:
    """The light rule in one sentence, from the configured thresholds."""
    green, yellow = lights.bounds
    if green >= 0:
        green_text = "达到序时进度或目标" if green == 0 else f"超序时进度{green:g}个百分点及以上"
        yellow_text = (
            f"落后序时进度{-yellow:g}个百分点以内"
            if green == 0
            else f"差距在{yellow:g}至{green:g}个百分点之间"
        )
    else:
        green_text = f"落后序时进度不超过{-green:g}个百分点"
        yellow_text = f"落后{-green:g}至{-yellow:g}个百分点"
    return (
        f"绿灯为{green_text}，黄灯为{yellow_text}（增速、占比类为低于目标{-lights.rate_yellow:g}个百分点以内），"
        f"红灯为落后更多或突破底线"
    )


def overview_paragraphs(
    results: Results,
    keys: list[IndicatorResult],
    say: dict[str, str],
    with_ledgers: bool = True,
    lights: Lights | None = None,
    brief: bool = False,
) -> list[str]:
    """一、总体情况: progress verdict (底线 kept apart), the lights with their rule, 底线, key figures.

    `brief`: indicators with a 序时进度 of their own are referred to 附件1 instead of listed."""
    span = nb.span(results.month)
    names = {r.id: r.name for r in results.indicators}
    counted = [r for r in results.indicators if kind_of(r.kind).in_checkpoint]
    cp = results.checkpoint
    if cp is not None:
        met_words = checkpoint_event(cp.name)
        missed_words = "未达到" if cp.name == "前三季度" else "未实现"
        unjudged = {r.id for r in results.indicators if nb.unjudged(r)}
        judged, behind = cp.total, [names[i] for i in cp.exceptions]
        unreported = [names[i] for i in cp.unreported if i not in unjudged]
        met = cp.met_count
        if not behind and not unreported:
            head = f"{span}，纳入进度考核的{judged}项指标全部{met_words}"
        else:
            head = f"{span}，纳入进度考核的{len(counted)}项指标中，{met}项{met_words}"
    else:
        reported = [r for r in counted if r.on_track is not None]
        behind = [r.name for r in reported if not r.on_track]
        unreported = [r.name for r in counted if r.on_track is None and not nb.unjudged(r)]
        met = len(reported) - len(behind)
        missed_words = "落后"
        head = f"{span}，纳入进度考核的{len(counted)}项指标中，{met}项达到序时进度或目标要求"
        if not behind and not unreported:
            head = f"{span}，纳入进度考核的{len(counted)}项指标全部达到序时进度或目标要求"
    if behind:
        head += f"，{len(behind)}项{missed_words}，分别是：" + "、".join(behind)
    if unreported:
        head += f"；{len(unreported)}项未报送（{'、'.join(unreported)}），不作判断"
    unread = [r.name for r in results.indicators if nb.unjudged(r)]
    if unread:
        head += f"；{len(unread)}项目标未读到、未作评价（{'、'.join(unread)}）"
    if results.missing:
        head += f"；截至报告生成时，{'、'.join(results.missing)}缺报，相关指标按未报送处理"
    head += "。" + progress_definition(results, brief) + lights_definition(lights or Lights()) + "。"
    head += (
        f"本期绿灯{results.count('green')}项、黄灯{results.count('yellow')}项、红灯{results.count('red')}项"
    )
    unjudged = sum(1 for r in results.indicators if nb.unjudged(r))
    none = results.count("none") - unjudged
    head += (f"、未报送{none}项" if none else "") + (f"、未评价{unjudged}项" if unjudged else "")
    # the lights count every indicator, 底线 included; the verdict above counts progress ones only
    head += "（含底线指标）。" if any(kind_of(r.kind).red_line for r in results.indicators) else "。"
    green_behind = [r.name for r in counted if r.light == "green" and r.on_track is False]
    if green_behind:  # a lenient light profile: green although behind 序时 — say why it is not "实现"
        head += (
            f"其中{'、'.join(green_behind)}未达到序时进度，按本区亮灯口径落后幅度在绿灯范围内，"
            f"仍计入未达到序时进度的指标。"
        )
    red = [r for r in results.indicators if r.light == "red"]
    if red:  # every red named with its owner; a breach says so (its sentence follows)
        head += (
            "亮红灯的是："
            + "、".join(
                f"{r.name}（{r.owner}{'，突破底线' if kind_of(r.kind).red_line else ''}）" for r in red
            )
            + "。"
        )
    paragraphs = [head]
    red_line = red_line_sentence(results, say)
    if red_line:
        paragraphs.append(red_line)
    if keys:
        paragraphs.append(f"{span}，{results.collective}" + "；".join(say[r.id] for r in keys) + "。")
    if with_ledgers:
        paragraphs += [ledger_summary(ledger, span, results.collective) for ledger in results.ledgers]
    return paragraphs


def page_one(
    results: Results, keys: list[IndicatorResult], say: dict[str, str], voice: Voice, with_ledgers: bool
) -> list[str]:
    """一、总体情况 as page 1: the verdict with the lights (every red named with its owner), 底线, the key
    figures, the main lags with owners, the projects in a sentence each, and who is 督办/约谈."""
    paragraphs = overview_paragraphs(
        results, keys, say, with_ledgers=with_ledgers, lights=voice.lights, brief=True
    )
    lags = main_lags(results, voice)
    if lags:  # right after the verdict: who must act comes before the key figures
        paragraphs.insert(1, lags)
    return paragraphs


def progress_definition(results: Results, brief: bool = False) -> str:
    """序时进度 in one sentence where first used: the zone's figure, and each indicator that has its own."""
    span = nb.span(results.month)
    zone = results.time_progress
    planned = abs(zone - results.month / 12) > 1e-9
    text = f"序时进度为{span}应完成全年目标的比例，本期为{nb.percent(zone)}" + (
        "（按本区序时计划）" if planned else ""
    )
    own = [
        f"{r.name}{nb.percent(r.time_progress)}"
        for r in results.indicators
        if kind_of(r.kind).prorated and r.time_progress is not None and abs(r.time_progress - zone) > 1e-9
    ]
    if own and brief and len(own) > 2:
        text += f"（{len(own)}项指标按各自计划或天数考核，见附件1）"
    elif own:
        text += f"，按各自计划或天数考核的{'、'.join(own)}"
    return text + "；"


def red_line_sentence(results: Results, say: dict[str, str]) -> str:
    """底线 indicators in their own sentence on page 1: a breach is worded as a breach, with its owner."""
    lines = [r for r in results.indicators if kind_of(r.kind).red_line]
    if not lines:
        return ""
    breached = [r for r in lines if r.on_track is False]
    kept = [r for r in lines if r.on_track]
    unreported = [r for r in lines if r.on_track is None]
    parts = []
    if breached:
        parts.append("；".join(f"{say[r.id]}（责任单位：{r.owner}）" for r in breached))
    if kept:
        parts.append(("其余" if breached else "") + "、".join(r.name for r in kept) + "控制在目标以内")
    if unreported:
        parts.append("、".join(r.name for r in unreported) + "未报送")
    return f"底线指标方面，{'；'.join(parts)}。"


def _indicator_intro(results: Results) -> str:
    span = nb.span(results.month)
    text = (
        f"{span}序时进度为{nb.percent(results.time_progress)}（按计划或按天考核的指标见表中“序时进度”列）。"
        if not any(
            kind_of(r.kind).prorated
            and r.time_progress is not None
            and abs(r.time_progress - results.time_progress) > 1e-9
            for r in results.indicators
        )
        else f"{span}各指标的序时进度见表中“序时进度”列（本区为{nb.percent(results.time_progress)}）。"
    )
    text += (
        "数量和金额类指标按“完成率−序时进度”判断，增速、占比类按是否达到目标判断，控制类为底线指标，"
        "只判断是否突破；表中“差距”单位为百分点。"
    )
    if results.month > 1 and results.previous_month_missing:
        text += f"{nb.span(results.month - 1)}数据未找到，本期不与上月比较。"
    elif results.month > 1:
        text += f"正文中“比{nb.span(results.month - 1)}”的变化按上月报送的数据以同一口径计算。"
    return text


def unranked_reason(d: DepartmentResult, min_indicators: int) -> str:
    """Why a department is listed but not ranked, as it is: '进度类指标不足2项', or, when some are unreported,
    '有1项进度类指标未报送，参与排名的仅1项（不足2项）' (unreported figures are never counted as 0)."""
    if d.unreported_in_ranking:
        return (
            f"有{d.unreported_in_ranking}项进度类指标未报送，参与排名的仅{d.ranked_indicators}项"
            f"（不足{min_indicators}项）"
        )
    return f"的进度类指标不足{min_indicators}项"


def department_summary(results: Results) -> str:
    """四、: the ranking basis in words, the top and the bottom, ties, unranked and 底线 departments."""
    ranked = [d for d in results.departments if d.rank is not None]
    basis = nb.RANKING_TEXT[results.ranking_by]

    def show(d: DepartmentResult) -> str:
        value = nb.signed_points(d.score) + "个百分点" if results.ranking_by == "gap" else nb.rate(d.score)
        moved = f"，较上月{d.rank_change}" if d.rank_change[:1] in ("↑", "↓") else ""
        return f"{d.name}（{value}{moved}）"

    unranked = [d for d in results.departments if d.rank is None]
    reasons: dict[str, list[str]] = {}
    for d in unranked:
        reasons.setdefault(unranked_reason(d, results.min_indicators), []).append(d.name)
    if not ranked:
        text = f"本期各责任单位的进度类指标均不足{results.min_indicators}项，列出但不排名"
        if any(d.unreported_in_ranking for d in unranked):
            text = (
                f"本期各责任单位参与排名的进度类指标均不足{results.min_indicators}项，列出但不排名（"
                + "；".join(f"{'、'.join(names)}{reason}" for reason, names in reasons.items())
                + "）"
            )
    elif len(ranked) == 1:
        text = f"按{basis}排名，参与排名的单位仅{show(ranked[0])}"
    elif len(ranked) <= 3:
        text = f"按{basis}排名，依次是" + "、".join(show(d) for d in ranked)
    else:
        text = f"按{basis}排名，前三位依次是" + "、".join(show(d) for d in ranked[:3])
        bottom = [d for d in ranked[-2:] if d not in ranked[:3]]
        text += "；排名靠后的是" + "、".join(show(d) for d in bottom)
    ties: dict[int, list[str]] = {}
    for d in ranked:
        if d.tied:
            ties.setdefault(d.rank, []).append(d.name)
    for rank, tied in ties.items():
        text += f"；{'、'.join(tied)}并列第{rank}位"
    if ranked and unranked:
        text += "；" + "；".join(
            f"{'、'.join(names)}{reason}，列出但不排名" for reason, names in reasons.items()
        )
    # A department leaving (or joining) the ranking moves nobody: changes count only those ranked both months.
    left = [
        f"{d.name}上月排第{d.previous_rank}位、本月不排名" for d in unranked if d.previous_rank is not None
    ]
    joined = [f"{d.name}本月新参与排名" for d in ranked if d.rank_change == "新"]
    if (left or joined) and any(d.previous_rank is not None and d.previous_rank != d.rank for d in ranked):
        text += f"；较上月名次变化只比较两个月都参与排名的单位（{'；'.join(left + joined)}）"
    for d in results.departments:
        if d.red_lines:
            names = "、".join(r.name for r in results.indicators if r.id in d.red_lines)
            rule = "按“一票否决”排在最后" if d.vetoed else "在排名表中标注“底线”"
            text += f"；{d.name}突破底线指标（{names}），{rule}"
    red = [d for d in results.departments if d.red - len(d.red_lines) > 0]
    if red:
        text += "。有红灯进度指标的单位：" + "、".join(
            f"{d.name}（{d.red - len(d.red_lines)}项）" for d in red
        )
    return text + "。"


def suggestions(results: Results, voice: Voice) -> list[str]:
    """Next steps graded by how far behind (a note for 略低于, measures for 落后, 倒排工期 for 明显低于 or red);
    a 底线 breach gets its own demand, never 倒排工期."""
    goal = next_goal(results.month)
    summary = escalation_summary(results)
    out = [summary] if summary else []
    for r in results.indicators:
        if kind_of(r.kind).red_line and r.on_track is False:
            out.append(
                f"请{r.owner}针对{r.name}突破控制目标的问题，深入查找原因，全面排查整治隐患，"
                f"依规报告处置情况，坚决守住底线。"
            )
    grades: dict[str, dict[str, list[str]]] = {"severe": {}, "behind": {}, "slight": {}}
    slight_rate: dict[str, bool] = {}
    for r in lagging_results(results):
        grade = _severity(r, voice)
        grades[grade].setdefault(r.owner, []).append(r.name)
        if grade == "slight":
            slight_rate[r.owner] = slight_rate.get(r.owner, True) and kind_of(r.kind).rate
    for owner, items in grades["severe"].items():
        out.append(f"请{owner}针对{'、'.join(items)}明显滞后的问题，分析原因，倒排工期，挂图作战，{goal}。")
    for owner, items in grades["behind"].items():
        out.append(f"请{owner}针对{'、'.join(items)}进度落后的问题，制定追赶措施，加强调度，{goal}。")
    for owner, items in grades["slight"].items():
        behind = "略低于目标" if slight_rate[owner] else "略低于序时进度"
        out.append(f"{'、'.join(items)}{behind}，请{owner}持续跟踪，确保尽快追上。")
    for ledger in results.ledgers:
        if ledger.total.overdue:
            out.append(
                f"对{ledger.total.overdue}个逾期未开工的{ledger.title}，请各责任单位逐个梳理要素保障问题，"
                f"明确开工时间，按月调度。"
            )
    return out


def _severity(r: IndicatorResult, voice: Voice) -> str:
    if r.light == "red" or (r.gap is not None and r.gap < -voice.severe):
        return "severe"
    if r.gap is not None and -nb.round_half_up(r.gap, nb.rate_digits()) <= nb.round_half_up(voice.near, 2):
        return "slight"
    return "behind"


# ---- The 公文 body (issue 11): a short body that leads; full tables go to the landscape 附件 ----

MAIN_LAGS = 3  # page 1 names this many of the largest lags besides every red one


def _gap_words(r: IndicatorResult, voice: Voice) -> str:
    """'落后序时进度7.0个百分点' / '低于目标0.9个百分点' / '完成项目招标采购滞后': the registry's verdict, short."""
    return verdict(r, voice.wording(r))


def main_lags(results: Results, voice: Voice) -> str:
    """Page 1: every red progress indicator and the few largest other lags, each with its owner."""
    lagging = lagging_results(results)
    red = [r for r in lagging if r.light == "red"]
    others = [r for r in lagging if r.light != "red"]
    shown = red + others[:MAIN_LAGS]
    if not shown:
        return ""
    parts = [
        f"{r.name}（{r.owner}，{_gap_words(r, voice)}{'，' + r.escalation if r.escalation else ''}）"
        for r in shown
    ]
    return "需重点关注的是：" + "；".join(parts) + "。"  # the other lags are named in the verdict above


def ledger_brief(ledger: LedgerResult, span: str, collective: str = "全区") -> str:
    """三 in the body: the ledger's figures in two sentences and who owns the overdue projects; the
    breakdowns are in the 附件."""
    t, u = ledger.total, ledger.unit
    text = (
        f"{collective}{ledger.title}{t.projects}个，{nb.STARTED_ALL}{t.started_all}个；年度计划投资"
        f"{nb.amount(t.annual_plan, u)}，{span}完成投资{nb.amount(t.completed, u)}，完成年度计划的"
        f"{nb.percent(t.completion)}。{start_rate_sentence(ledger)}"
    )
    ahead = ahead_sentence(ledger)
    if ahead:
        text = text.replace("。", f"；{ahead}。", 1)
    if not t.overdue:
        return text + "，均按计划开工。"
    breakdown = overdue_breakdown(ledger)
    return (
        text
        + f"；逾期未开工{t.overdue}个（计划开工月份已到仍未开工）{'：' + breakdown if breakdown else ''}，"
        + overdue_owners(ledger)
    )


def overdue_owners(ledger: LedgerResult) -> str:
    """'逾期未开工项目涉及经发局4个、科创局3个。' — who owns the overdue projects, most first."""
    owners = overdue_by_owner(ledger)
    return "涉及" + "、".join(f"{o}{n}个" for o, n in owners.items()) + "。" if owners else ""


def overdue_by_owner(ledger: LedgerResult) -> dict[str, int]:
    """Overdue projects counted per department, most first (ties in order of appearance)."""
    counts: dict[str, int] = {}
    for p in ledger.projects:
        if p.start_overdue:
            counts[p.owner] = counts.get(p.owner, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: -kv[1]))


def group_paragraphs(results: Results, voice: Voice, grouped: bool = True) -> list[dict]:
    """二: one paragraph per indicator group — how many on track, who leads, who is behind by how much."""
    groups: dict[str, list[IndicatorResult]] = {}
    for r in results.indicators:
        groups.setdefault(r.group if grouped else "", []).append(r)
    out = []
    for name, members in groups.items():
        lines = [r for r in members if kind_of(r.kind).red_line]
        progress = [r for r in members if not kind_of(r.kind).red_line]
        judged = [r for r in progress if r.on_track is not None]
        met = [r for r in judged if r.on_track]
        behind = sorted(
            (r for r in judged if not r.on_track), key=lambda r: r.gap if r.gap is not None else 0
        )
        parts = []
        if progress:
            head = (
                f"{len(progress)}项考核指标全部达到序时进度或目标要求"  # the page-1 set (纳入进度考核的), not
                if len(met) == len(progress)  # the ranking's 进度类 (amounts and counts only)
                else f"{len(progress)}项考核指标中{len(met)}项达到序时进度或目标要求"
            )
            unreported = [r.name for r in progress if r.on_track is None]
            if unreported:
                head += f"，{'、'.join(unreported)}未报送"
            parts.append(head)
        ahead = sorted(
            (r for r in met if r.gap is not None and r.gap >= voice.near and kind_of(r.kind).prorated),
            key=lambda r: -(r.gap or 0),
        )[:2]
        if ahead:
            figures = "、".join(nb.number(abs(r.gap), nb.rate_digits()) for r in ahead)
            parts.append(
                "、".join(r.name for r in ahead)
                + ("分别" if len(ahead) > 1 else "")
                + f"超序时进度{figures}个百分点"
            )
        if behind:
            parts.append("、".join(f"{r.name}{_gap_words(r, voice)}（{r.owner}）" for r in behind))
        if lines:
            breached = [r for r in lines if r.on_track is False]
            kept = [r for r in lines if r.on_track]
            if breached:
                parts.append("、".join(f"{r.name}突破控制目标（{r.owner}）" for r in breached))
            if kept:
                parts.append("底线指标" + "、".join(r.name for r in kept) + "控制在目标以内")
        head = f"（{'一二三四五六七八九十'[len(out)]}）{name}。" if name and len(out) < 10 else ""
        out.append(dict(name=name, head=head, text="；".join(parts) + "。"))
    return out


def _demand(r: IndicatorResult, voice: Voice) -> str:
    """How firm the demand is: by how far behind, but never milder than the escalation level it carries (an
    item under 约谈 is 倒排工期 however small its gap this month; one under 督办 at least 追赶措施)."""
    grade = _severity(r, voice)
    if r.escalation == "约谈":
        return "severe"
    if r.escalation == "督办" and grade == "slight":
        return "behind"
    return grade


def department_actions(results: Results, voice: Voice) -> list[str]:
    """五: one sentence per department naming all its items — 底线 and lagging, with the escalation level and
    a demand graded by how far behind; then the overdue projects in one sentence and the aim once. Never one
    sentence per item."""
    goal = next_goal(results.month)
    lagging = lagging_results(results)
    breaches = [r for r in results.indicators if kind_of(r.kind).red_line and r.on_track is False]
    overdue: dict[str, list[str]] = {}
    for ledger in results.ledgers:
        for p in sorted(ledger.overdue, key=lambda p: -(p.months_late or 0)):
            overdue.setdefault(p.owner, []).append(p.name)
    owners = list(dict.fromkeys(r.owner for r in breaches + lagging))
    out = []
    for owner in owners:
        mine_breach = [r for r in breaches if r.owner == owner]
        mine = [r for r in lagging if r.owner == owner]
        clauses = []
        if mine_breach:
            clauses.append(
                f"针对{'、'.join(r.name for r in mine_breach)}突破控制目标，深入查找原因，"
                f"全面排查整治隐患，依规报告处置情况，坚决守住底线"
            )
        # Graded by how far behind, within the one sentence: 倒排工期 only for 明显滞后 or red.
        for grade, shape in (
            ("severe", "针对{items}明显滞后，分析原因，倒排工期，挂图作战"),
            ("behind", "针对{items}进度落后，制定追赶措施，加强调度"),
            ("slight", "针对{items}{slightly}，持续跟踪，确保尽快追上"),
        ):
            graded = [r for r in mine if _demand(r, voice) == grade]
            if graded:
                rates = all(kind_of(r.kind).rate for r in graded)
                slightly = "略低于目标" if rates else "略低于序时进度"
                clauses.append(shape.format(items=_with_levels(graded), slightly=slightly))
        if clauses:
            out.append(f"请{owner}" + "；".join(clauses) + "。")
    if overdue:  # the projects once, with each owner's count, not a clause in every sentence
        counts = "、".join(
            f"{o}（{len(v)}个）" for o, v in sorted(overdue.items(), key=lambda kv: -len(kv[1]))
        )
        out.append(f"请{counts}对逾期未开工项目逐个梳理要素保障问题，明确开工时间，按月调度。")
    if out:  # the aim once, not at the end of every department's sentence
        out.append(f"各责任单位要{goal}。")
    return out


def _with_levels(items: list[IndicatorResult]) -> str:
    """'实到外资、外贸进出口总额（督办）': names grouped by escalation level (or light, when not escalated)."""
    levels: dict[str, list[str]] = {}
    for r in items:
        levels.setdefault(r.escalation or nb.light_name(r.light), []).append(r.name)
    return "、".join(f"{'、'.join(names)}（{level}）" for level, names in levels.items())


def problems_paragraph(results: Results, voice: Voice) -> str:
    """五's opening: the problems in one sentence — counts only; the items are named per department below and
    listed in the 附件, so nothing is repeated."""
    parts = []
    breaches = [r for r in results.indicators if kind_of(r.kind).red_line and r.on_track is False]
    if breaches:
        parts.append(f"底线指标突破{len(breaches)}项")
    lagging = lagging_results(results)
    if lagging:
        red = sum(1 for r in lagging if r.light == "red")
        owners = len({r.owner for r in lagging})
        parts.append(
            f"{len(lagging)}项考核指标亮黄灯或红灯"
            + (f"（其中红灯{red}项）" if red else "")
            + f"，涉及{owners}个单位"
        )
    for ledger in results.ledgers:
        if ledger.total.overdue:
            late = max((p.months_late or 0) for p in ledger.overdue)
            parts.append(
                f"{ledger.total.overdue}个{ledger.title}逾期未开工"
                + (f"，最长已逾期{late}个月" if late else "")
            )
    if not parts:
        return f"{nb.span(results.month)}各项指标均达到序时进度或目标要求，重点项目均按计划开工。"
    return "当前主要问题是：" + "；".join(parts) + "。下步建议如下："


def appendix_note(appendices: list[str]) -> list[str]:
    """附件说明 lines: '附件：1. …' and the following ones aligned under the first title."""
    if not appendices:
        return []
    if len(appendices) == 1:
        return [f"附件：{appendices[0]}"]
    return [("附件：" if i == 0 else "　　　") + f"{i + 1}. {t}" for i, t in enumerate(appendices)]


def supervision_feedback(replies, expected: dict[str, list[str]], span: str) -> dict:
    """五's 上月督办事项反馈 from last month's returned 督办单 (sources/supervision_reply.py): one sentence per
    department with what it wrote for each item, and the items that got no reply, named. Empty when no sheet
    came back at all (the zone may not collect them)."""
    if not replies:
        return dict(replies=[], missing="", span=span)
    by_department = {r.department: r for r in replies}
    lines, missing = [], []
    for department in list(expected) + [d for d in by_department if d not in expected]:
        reply = by_department.get(department)
        subjects = expected.get(department, [])
        if reply is None:
            if subjects:
                missing.append(f"{department}（{'、'.join(subjects)}）")
            continue
        parts = []
        for item in reply.items:
            if not item.answered:
                continue
            text = f"{item.subject}——{item.measures or '（未填整改措施）'}"
            if item.feedback:
                text += f"，{item.feedback.rstrip('。；;')}"
            who = "，".join(
                x
                for x in (item.person and f"责任人{item.person}", item.deadline and f"时限{item.deadline}")
                if x
            )
            parts.append(text + (f"（{who}）" if who else ""))
        if parts:
            lines.append(f"{department}：" + "；".join(parts) + "。")
        answered = {i.subject for i in reply.items if i.answered}
        open_items = [i.subject for i in reply.items if not i.answered] or [
            s for s in subjects if s not in answered
        ]
        if open_items:
            missing.append(f"{department}（{'、'.join(dict.fromkeys(open_items))}）")
    text = f"以下{span}督办事项未反馈：{'；'.join(missing)}。" if missing else ""
    return dict(replies=lines, missing=text, span=span)
