"""The Word report's content as plain data: sentences in the report's own voice, table rows as display text.

Pure: results in, a dict out. render/word.py adds the chart images and fills the template with it.
"""

from __future__ import annotations

from datetime import date

from ..metrics.results import STRETCH_LABEL, IndicatorResult, LedgerGroup, LedgerResult, Results
from ..period import CHECKPOINTS
from . import numbers as nb

SECTIONS = ("overview", "indicators", "projects", "departments", "issues")
RATE_WORDS = ("增速", "增幅", "增长率", "增长", "增长幅度")
PRORATED = ("cumulative", "count")
# Names that read as a quantity already ("新开工项目53个"); others take 完成 ("完成固定资产投资112.40亿元").
NO_VERB_PREFIXES = ("新", "实到", "实际到位", "签约", "引进", "争取", "完成", "入库", "净增")
NO_TARGET = "目标未读到，未作评价"


def stage_name(month: int) -> str:
    """The checkpoint the current quarter works towards: 开门红, 双过半, 前三季度, 全年红."""
    return CHECKPOINTS[((month - 1) // 3 + 1) * 3]


def indicator_sentence(r: IndicatorResult, near: float = 2.0, severe: float = 10.0, digits: int | None = None) -> str:
    """One clause about one indicator, e.g. '完成固定资产投资112.40亿元，同比增长13.1%，完成年度目标的56.2%，超序时进度6.2个百分点'."""
    if r.kind == "milestone":
        late = [n for n in r.nodes if n.months_late is not None]
        text = f"{r.name}完成{r.actual:g}/{r.target:g}个节点"
        return text + ("，" + "、".join(f"{n.name}逾期{n.months_late}个月" if n.months_late else f"{n.name}本月到期未完成"
                                        for n in late) if late else "，均按计划推进")
    if r.actual is None:
        return f"{r.name}未报送" + (f"（{r.note}）" if r.note else "")
    if r.kind in PRORATED:
        verb = "" if r.unit not in ("亿元", "万元", "元") or r.name.startswith(NO_VERB_PREFIXES) or "完成" in r.name else "完成"
        parts = [f"{verb}{r.name}{nb.amount(r.actual, r.unit, digits)}"]
        if r.yoy is not None:
            parts.append(nb.growth_words(r.yoy))
        target = f"完成{r.target_label}的{nb.percent(r.completion)}" if r.target is not None else NO_TARGET
        if r.stretch_completion is not None:
            target += f"、力争目标的{nb.percent(r.stretch_completion)}"
        parts += [target, nb.progress_words(r.gap, near, severe)]
        return "，".join(p for p in parts if p)
    if r.kind == "growth":
        # "规上工业增加值增速12.6%", not "…增速增长12.6%"; "税收收入增长10.3%" for names without a rate word
        level = f"{nb.number(r.actual, 1)}%" if r.name.endswith(RATE_WORDS) else nb.growth_words(r.actual, prefix="")
        return f"{r.name}{level}，{_versus_target(r)}"
    if r.kind == "share":
        return f"{r.name}{nb.number(r.actual, 1)}%，{_versus_target(r)}"
    # cap: gap is the headroom left under the cap
    if r.target is None:
        return f"{r.name}{nb.amount(r.actual, r.unit, digits)}，{NO_TARGET}"
    if r.on_track:
        return f"{r.name}{nb.amount(r.actual, r.unit, digits)}，控制在{nb.amount(r.target, r.unit, digits)}以内"
    return f"{r.name}{nb.amount(r.actual, r.unit, digits)}，超出控制目标{nb.amount(-r.gap, r.unit, digits)}"


def _versus_target(r: IndicatorResult) -> str:
    if r.gap is None:
        return NO_TARGET
    shown = nb.round_half_up(r.gap, 1)
    if r.on_track and shown <= 0:
        return "达到目标要求"
    return f"{'高于' if shown > 0 else '低于'}目标{nb.points(r.gap)}"


def indicator_row(r: IndicatorResult, near: float, severe: float, digits: int | None = None) -> dict:
    """Display text for one table row; every cell a string so templates never format numbers themselves."""
    rate = r.kind in ("growth", "share")
    digits = nb.decimals_for(r.unit) if digits is None else digits
    shown = (lambda v: "—" if v is None else f"{nb.number(v, 1)}%") if rate else (lambda v: nb.number(v, digits))
    target = _target_text(r.target, rate, digits)
    if r.stretch is not None:
        target += f"/{_target_text(r.stretch, rate, digits)}"
    elif r.target_label == STRETCH_LABEL:   # only a 力争 target: the column reads 全年目标/力争
        target = f"—/{target}"
    return dict(
        id=r.id, name=r.name, unit="%" if rate else r.unit, kind=r.kind, owner=r.owner, group=r.group,
        target=target, actual=shown(r.actual) if r.kind != "milestone" else f"{r.actual:g}/{r.target:g}",
        completion=nb.percent(r.completion) if r.kind in PRORATED else "—",
        time_progress=nb.percent(r.time_progress) if r.kind in PRORATED else "—",
        gap=nb.signed_points(r.gap) if r.kind in PRORATED + ("growth", "share") else "—",
        yoy="—" if r.yoy is None else f"{nb.number(r.yoy, 1)}%", light=r.light, light_name=nb.status_name(r),
        color=nb.LIGHT_COLORS.get(r.light, "FFFFFF"), verdict=nb.verdict(r, near, severe),
        sentence=indicator_sentence(r, near, severe, digits), note=r.note, source=r.source)


def _target_text(value: float | None, rate: bool, digits: int) -> str:
    """Targets are set round numbers: '200/220', '8000/10000', '10.0%' (no padding zeros for amounts)."""
    if value is None:
        return "—"
    if rate:
        return f"{nb.number(value, 1)}%"
    text = nb.number(value, digits)
    return text.rstrip("0").rstrip(".") if "." in text else text


def _group_row(g: LedgerGroup, unit: str) -> dict:
    return dict(name=g.name, projects=g.projects, started=g.started, start_base=g.start_base,
                start_rate=nb.percent(g.start_rate), total_investment=nb.number(g.total_investment, 2),
                annual_plan=nb.number(g.annual_plan, 2), completed=nb.number(g.completed, 2),
                completion=nb.percent(g.completion), overdue=g.overdue, unit=unit)


def ledger_summary(ledger: LedgerResult, span: str) -> str:
    t, u = ledger.total, ledger.unit
    text = (f"全区{ledger.title}{t.projects}个，总投资{nb.amount(t.total_investment, u)}，"
            f"年度计划投资{nb.amount(t.annual_plan, u)}；{span}完成投资{nb.amount(t.completed, u)}，"
            f"完成年度计划的{nb.percent(t.completion)}。")
    base = nb.START_BASE_TEXT[ledger.start_rate_base]
    text += f"{base}{t.start_base}个，已开工{t.started}个，开工率{nb.percent(t.start_rate)}"
    return text + (f"；{t.overdue}个项目已过计划开工时间仍未开工。" if t.overdue else "，均按计划开工。")


def report_context(results: Results, *, near: float = 2.0, severe: float = 10.0, key_indicators: list[str] = (),
                   decimals: dict[str, int] | None = None,
                   sections: dict[str, bool] | None = None, notes: list[str] = (), title: str = "",
                   issuer: str = "", report_date: date | None = None) -> dict:
    """Everything the Word template may use (documented in README 'Word 模板变量')."""
    span = nb.span(results.month)
    by_id = {r.id: r for r in results.indicators}
    decimals = decimals or {}
    say = {r.id: indicator_sentence(r, near, severe, decimals.get(r.id)) for r in results.indicators}
    rows = [indicator_row(r, near, severe, decimals.get(r.id)) for r in results.indicators]
    groups: dict[str, list[dict]] = {}
    for row in rows:
        groups.setdefault(row["group"] or "其他", []).append(row)
    keys = [by_id[i] for i in key_indicators if i in by_id] or \
        [r for r in results.indicators if r.kind in PRORATED and r.target is not None][:3]

    ledgers = []
    for ledger in results.ledgers:
        overdue = sorted(ledger.overdue, key=lambda p: -(p.months_late or 0))
        ledgers.append(dict(
            name=ledger.title, unit=ledger.unit, summary=ledger_summary(ledger, span),
            total=_group_row(ledger.total, ledger.unit),
            categories=[_group_row(g, ledger.unit) for g in ledger.by_category],
            departments=[_group_row(g, ledger.unit) for g in ledger.by_department],
            overdue=[dict(name=p.name, owner=p.owner, category=p.category,
                          planned_start=nb.month_text(p.planned_start), months_late=p.months_late or 0,
                          total_investment=nb.number(p.total_investment, 2), issues=p.issues or "—",
                          leader=p.leader or "—") for p in overdue]))

    departments = [dict(rank=("—" if d.rank is None else f"{d.rank}{'（并列）' if d.tied else ''}"), name=d.name,
                        indicators=d.indicators, green=d.green, yellow=d.yellow, red=d.red, no_data=d.no_data,
                        on_track=d.on_track, average_completion=nb.percent(d.average_completion),
                        average_gap=nb.signed_points(d.average_gap), projects=d.projects,
                        projects_started=f"{d.projects_started}/{d.projects}" if d.projects else "—",
                        investment_completion=nb.percent(d.investment_completion))
                   for d in results.departments]

    lagging = [r for r in results.indicators if r.light in ("red", "yellow")]
    lagging.sort(key=lambda r: (r.light != "red", r.gap if r.gap is not None else 0))
    return dict(
        zone=results.zone, year=results.year, month=results.month, period=f"{results.year}-{results.month:02d}",
        span=span, title=title or f"{results.zone}{results.year}年{span}重点指标完成情况通报", issuer=issuer,
        date=nb.date_text(report_date or date.today()), time_progress=nb.percent(results.time_progress),
        stage=stage_name(results.month), checkpoint_reached=results.checkpoint is not None,
        show={name: (sections or {}).get(name, True) for name in SECTIONS},
        lead=f"现将{span}份{results.zone}重点指标完成情况通报如下：",
        # The ledger summary opens 三、; it goes into 一、 only when that section is switched off.
        overview=overview_paragraphs(results, keys, say, with_ledgers=not (sections or {}).get("projects", True)),
        indicator_intro=_indicator_intro(results),
        groups=[dict(name=k, rows=v) for k, v in groups.items()], indicators=rows,
        ledgers=ledgers, departments=departments, department_summary=_department_summary(results),
        lagging=[f"{r.owner}：{say[r.id]}（{nb.light_name(r.light)}）。" for r in lagging],
        project_issues=[f"{p['name']}（{p['owner']}，计划{p['planned_start']}开工，"
                        + (f"已逾期{p['months_late']}个月）" if p["months_late"] else "本月应开工尚未开工）")
                        + (f"：{p['issues'].rstrip('。；;，,')}。" if p["issues"] != "—" else "。") for lg in ledgers for p in lg["overdue"]],
        suggestions=_suggestions(results, lagging),
        notes=list(notes), data_notes=list(results.problems), results=results,
    )


def overview_paragraphs(results: Results, keys: list[IndicatorResult], say: dict[str, str],
                        with_ledgers: bool = True) -> list[str]:
    span, total = nb.span(results.month), len(results.indicators)
    names = {r.id: r.name for r in results.indicators}
    cp = results.checkpoint
    if cp is not None:
        # 开门红/双过半/全年红 are goals one 实现s; 前三季度 is a pace one 达到s.
        met, missed = (("达到", "未达到") if cp.name == "前三季度" else ("实现", "未实现"))
        goal = f"“{cp.name}”进度要求" if cp.name == "前三季度" else f"“{cp.name}”"
        head = f"{span}，纳入考核的{total}项指标中，{cp.met_count}项{met}{goal}"
        if cp.exceptions:
            head += f"，{len(cp.exceptions)}项{missed}，分别是：" + "、".join(names[i] for i in cp.exceptions)
        else:
            head += f"，全部{met}{goal}"
    else:
        on = sum(1 for r in results.indicators if r.on_track)
        behind = [r for r in results.indicators if r.on_track is False]
        head = f"{span}，纳入考核的{total}项指标中，{on}项达到序时进度"
        if behind:
            head += f"，{len(behind)}项落后，分别是：" + "、".join(r.name for r in behind)
    missing = [r.name for r in results.indicators if r.light == "none" and not nb.unjudged(r)]
    head += (f"；{len(missing)}项未报送（{'、'.join(missing)}）" if missing else "")
    unread = [r.name for r in results.indicators if nb.unjudged(r)]
    head += (f"；{len(unread)}项目标未读到、未作评价（{'、'.join(unread)}）" if unread else "")
    if results.missing:
        head += f"；截至报告生成时，{'、'.join(results.missing)}缺报，相关指标按未报送处理"
    head += f"。按亮灯情况，绿灯{results.count('green')}项、黄灯{results.count('yellow')}项、红灯{results.count('red')}项。"
    paragraphs = [head]
    if keys:
        paragraphs.append(f"{span}，全区" + "；".join(say[r.id] for r in keys) + "。")
    if with_ledgers:
        paragraphs += [ledger_summary(ledger, span) for ledger in results.ledgers]
    return paragraphs


def _indicator_intro(results: Results) -> str:
    span = nb.span(results.month)
    return (f"{span}序时进度为{nb.percent(results.time_progress)}。数量和金额类指标按“完成率−序时进度”判断，"
            f"增速、占比和控制类指标按是否达到目标判断；表中“差距”单位为百分点。")


def _department_summary(results: Results) -> str:
    ranked = [d for d in results.departments if d.rank is not None]
    if not ranked:
        return "本期各责任单位暂无可排名的数量或金额类指标。"
    top = "、".join(f"{d.name}（{nb.percent(d.average_completion)}）" for d in ranked[:3])
    text = f"按各单位数量和金额类指标的平均完成率排名，前三位依次是{top}"
    if len(ranked) > 3:
        bottom = [d for d in ranked[-2:] if d not in ranked[:3]]
        text += "；排名靠后的是" + "、".join(f"{d.name}（{nb.percent(d.average_completion)}）" for d in bottom)
    red = [d for d in results.departments if d.red]
    if red:
        text += "。有红灯指标的单位：" + "、".join(f"{d.name}（{d.red}项）" for d in red)
    return text + "。"


def _suggestions(results: Results, lagging: list[IndicatorResult]) -> list[str]:
    """Default next steps, one per department with red/yellow items; staff add their own in the notes file."""
    month = results.month
    next_stage = stage_name(month + 1 if month in CHECKPOINTS and month < 12 else month)
    goal = f"确保完成“{next_stage}”目标" if month < 12 else "认真总结，查找差距，为来年“开门红”打好基础"
    by_owner: dict[str, list[str]] = {}
    for r in lagging:
        by_owner.setdefault(r.owner, []).append(r.name)
    out = [f"请{owner}针对{'、'.join(items)}进展滞后的问题，分析原因，倒排工期，挂图作战，{goal}。"
           for owner, items in by_owner.items()]
    for ledger in results.ledgers:
        if ledger.total.overdue:
            out.append(f"对{ledger.total.overdue}个逾期未开工的{ledger.title}，请各责任单位逐个梳理要素保障问题，"
                       f"明确开工时间，按月调度。")
    return out
