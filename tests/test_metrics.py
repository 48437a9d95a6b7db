"""Metrics against hand-computed numbers. Pure: the Config comes from YAML, the readings are built directly."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest
from conftest import config_from

from reportgen.errors import Location
from reportgen.inputs import LedgerData, PeriodData, Project, Reading
from reportgen.metrics import evaluate
from reportgen.metrics.ledger import evaluate_ledger, ledger_figure, months_late
from reportgen.metrics.progress import light_for_gap, time_progress
from reportgen.period import Period

HEAD = """\
zone: 测试经开区
year: 2024
departments: [经发局, 商务局, 建设局, 应急局]
"""

FAI = """\
  - id: fai
    name: 固定资产投资
    kind: cumulative
    unit: 亿元
    owner: 经发局
    target: {target}
"""

HERE = Location("2024-06/经发局.xlsx", "指标", "E5")


def shown(value: float, digits: int = 1) -> str:
    """The report's rounding (half up) — only to check what a reader would see."""
    return str(Decimal(repr(value)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))


def make_config(tmp_path, indicators: str, extra: str = ""):
    return config_from(tmp_path, HEAD + "indicators:\n" + indicators + extra)


def source(ind: str) -> str:
    """Every cell indicator needs a source; its content does not matter to metrics."""
    return ind + "    source: {file: 指标.xlsx, row: 指标, column: 1-N月累计}\n"


def run(tmp_path, indicators: str, month: int = 6, *, extra: str = "", **readings):
    """Evaluate `indicators`; keyword arguments give each id's current reading (a number or None)."""
    config = make_config(tmp_path, indicators, extra)
    data = PeriodData(
        Period(2024, month),
        readings={k: Reading(v, HERE, "" if v is not None else "未填报") for k, v in readings.items()},
    )
    return evaluate(config, data)


def one(tmp_path, indicator: str, value, month: int = 6, *, extra: str = "", last_year=None, yoy=None):
    config = make_config(tmp_path, indicator, extra)
    ind = config.indicators[0]
    data = PeriodData(
        Period(2024, month), readings={ind.id: Reading(value, HERE, "" if value is not None else "未填报")}
    )
    if last_year is not None:
        data.last_year[ind.id] = Reading(last_year, HERE)
    if yoy is not None:
        data.yoy[ind.id] = Reading(yoy, HERE)
    return evaluate(config, data).indicators[0]


# ---- amounts against 序时进度 -------------------------------------------------------------------------


def test_cumulative_september(tmp_path):
    r = one(tmp_path, source(FAI.format(target=152)), 115.3, month=9)
    assert r.completion == pytest.approx(115.3 / 152)  # 0.758552…
    assert shown(r.completion * 100) == "75.9"
    assert r.time_progress == pytest.approx(0.75)
    assert r.gap == pytest.approx((115.3 / 152 - 0.75) * 100)  # +0.855… 个百分点, from unrounded values
    assert r.gap == pytest.approx(0.8552631579)
    assert r.light == "green" and r.on_track is True
    assert r.source == "2024-06/经发局.xlsx › 指标 › E5"


def test_cumulative_june_hand_computed(tmp_path):
    r = one(tmp_path, source(FAI.format(target=200)), 112.4, month=6)
    assert r.completion == pytest.approx(0.562)
    assert r.time_progress == pytest.approx(0.5)
    assert r.gap == pytest.approx(6.2)
    assert shown(r.gap) == "6.2"
    assert r.light == "green"
    assert r.required == pytest.approx(87.6)
    assert r.checkpoint_met is True


def test_month_progress_is_exact_twelfths(tmp_path):
    r = one(tmp_path, source(FAI.format(target=120)), 10, month=1)
    assert r.time_progress == 1 / 12
    assert shown(r.time_progress * 100) == "8.3"
    assert r.gap == pytest.approx(0.0, abs=1e-9)
    assert r.light == "green"


def test_round_half_up_of_a_completion(tmp_path):
    r = one(tmp_path, source(FAI.format(target=200)), 96.5, month=6)  # 48.25 %
    assert r.completion * 100 == pytest.approx(48.25)
    assert shown(r.completion * 100) == "48.3"


@pytest.mark.parametrize(
    "gap, light",
    [
        (0.0, "green"),
        (5.0, "green"),
        (-0.01, "yellow"),
        (-10.0, "yellow"),
        (-10.01, "red"),
        (-40.0, "red"),
    ],
)
def test_strict_light_boundaries(tmp_path, gap, light):
    r = one(tmp_path, source(FAI.format(target=200)), (0.5 + gap / 100) * 200, month=6)
    assert r.gap == pytest.approx(gap)
    assert r.light == light


@pytest.mark.parametrize(
    "gap, light",
    [
        (0.0, "green"),
        (-10.0, "green"),
        (-10.01, "yellow"),
        (-30.0, "yellow"),
        (-30.01, "red"),
    ],
)
def test_lenient_light_boundaries(tmp_path, gap, light):
    r = one(
        tmp_path,
        source(FAI.format(target=200)),
        (0.5 + gap / 100) * 200,
        month=6,
        extra="lights: {profile: lenient}\n",
    )
    assert r.light == light


def test_light_thresholds_from_config(tmp_path):
    config = make_config(tmp_path, source(FAI.format(target=200)), "lights: {green: -5, yellow: -15}\n")
    assert config.lights.bounds == (-5.0, -15.0)
    assert [light_for_gap(g, config.lights) for g in (-5, -5.01, -15, -15.01, None)] == [
        "green",
        "yellow",
        "yellow",
        "red",
        "none",
    ]


def test_count_with_quarterly_plan_interpolates(tmp_path):
    ind = source("""\
  - id: starts
    name: 新开工项目
    kind: count
    owner: 建设局
    target: 100
    plan: {3: 15, 6: 35, 9: 60, 12: 100}
""")
    r = one(tmp_path, ind, 30, month=5)
    planned = 15 + (35 - 15) * 2 / 3  # 28.33 个 by the end of May
    assert r.time_progress == pytest.approx(planned / 100)
    assert r.completion == pytest.approx(0.30)
    assert r.gap == pytest.approx(30 - planned)  # +1.67 个百分点
    assert r.light == "green"
    assert r.unit == "个"
    early = one(tmp_path, ind, 4, month=1)  # from 0 at the start of the year
    assert early.time_progress == pytest.approx(5 / 100)
    assert early.light == "yellow"


def test_plan_as_twelve_monthly_values(tmp_path):
    plan = [2, 5, 10, 18, 26, 35, 44, 53, 62, 72, 85, 100]
    ind = source(f"""\
  - id: starts
    name: 新开工项目
    kind: count
    owner: 建设局
    target: 100
    plan: {plan}
""")
    assert one(tmp_path, ind, 30, month=6).time_progress == pytest.approx(0.35)


def test_day_mode_progress(tmp_path):
    r = one(tmp_path, source(FAI.format(target=200) + "    progress: day\n"), 100, month=6)
    assert r.time_progress == pytest.approx(182 / 366)  # 2024 is a leap year; 30 June is day 182
    assert time_progress("day", Period(2025, 3), 1, {}) == pytest.approx(90 / 365)


def test_stretch_completion(tmp_path):
    r = one(tmp_path, source(FAI.format(target=200) + "    stretch: 250\n"), 112.4)
    assert r.completion == pytest.approx(0.562)
    assert r.stretch_completion == pytest.approx(0.4496)
    assert r.stretch == 250


def test_projection_at_current_pace(tmp_path):
    r = one(tmp_path, source(FAI.format(target=200)), 112.4, month=6)
    assert r.projection == pytest.approx(224.8)
    r9 = one(tmp_path, source(FAI.format(target=152)), 115.3, month=9)
    assert r9.projection == pytest.approx(115.3 / 0.75)


def test_missing_actual_is_no_light_not_zero(tmp_path):
    r = one(tmp_path, source(FAI.format(target=200)), None)
    assert r.actual is None and r.completion is None and r.gap is None
    assert r.light == "none"
    assert r.on_track is None
    assert r.note == "未填报"
    assert r.checkpoint_met is None


def test_negative_actual(tmp_path):
    r = one(tmp_path, source(FAI.format(target=200)), -5.0, month=6)
    assert r.completion == pytest.approx(-0.025)
    assert r.gap == pytest.approx(-52.5)
    assert r.light == "red"
    assert r.required == pytest.approx(205.0)


# ---- 同比 ---------------------------------------------------------------------------------------------


def test_yoy_from_last_year(tmp_path):
    r = one(tmp_path, source(FAI.format(target=200)), 112.4, last_year=99.4)
    assert r.yoy == pytest.approx((112.4 / 99.4 - 1) * 100)  # 13.08 %
    assert r.last_year == pytest.approx(99.4)


def test_negative_yoy(tmp_path):
    r = one(tmp_path, source(FAI.format(target=200)), 96.8, last_year=100)
    assert r.yoy == pytest.approx(-3.2)


def test_yoy_with_last_year_zero_is_none_with_a_note(tmp_path):
    r = one(tmp_path, source(FAI.format(target=200)), 112.4, last_year=0.0)
    assert r.yoy is None
    assert "上年同期为零" in r.note
    assert r.completion == pytest.approx(0.562)  # the rest is still computed


def test_reported_yoy_wins_over_computed(tmp_path):
    r = one(tmp_path, source(FAI.format(target=200)), 112.4, last_year=99.4, yoy=13.1)
    assert r.yoy == pytest.approx(13.1)


# ---- rates, shares, caps, milestones -----------------------------------------------------------------

GROWTH = """\
  - id: tax
    name: 税收收入增长
    kind: growth
    owner: 经发局
    target: {target}
"""


def test_growth_read_as_rate(tmp_path):
    r = one(tmp_path, source(GROWTH.format(target=12)), 13.1)
    assert r.actual == pytest.approx(13.1)
    assert r.gap == pytest.approx(1.1)
    assert r.light == "green" and r.on_track is True
    assert r.time_progress is None  # rates are not prorated
    assert r.completion is None


def test_growth_below_target_not_prorated(tmp_path):
    assert one(tmp_path, source(GROWTH.format(target=12)), 10.0).light == "yellow"  # −2 pp
    assert one(tmp_path, source(GROWTH.format(target=12)), 8.9).light == "red"  # −3.1 pp


def test_growth_computed_from_amount_and_last_year(tmp_path):
    ind = source(GROWTH.format(target=10)) + "    last_year: {column: 上年同期}\n"
    r = one(tmp_path, ind, 112.4, last_year=99.4)
    assert r.amount == pytest.approx(112.4)
    assert r.actual == pytest.approx(13.0784708)
    assert r.gap == pytest.approx(3.0784708)
    assert r.light == "green"
    zero = one(tmp_path, ind, 112.4, last_year=0.0)
    assert zero.actual is None and zero.light == "none"
    assert "上年同期为零" in zero.note


def test_growth_about_tolerance(tmp_path):
    ind = source(GROWTH.format(target=10) + "    qualifier: 左右\n    tolerance: 0.5\n")
    within = one(tmp_path, ind, 9.5)
    assert within.gap == pytest.approx(-0.5)
    assert within.light == "green" and within.on_track is True
    outside = one(tmp_path, ind, 9.4)
    assert outside.light == "yellow" and outside.on_track is False
    strict = one(tmp_path, source(GROWTH.format(target=10)), 9.5)  # 以上: no tolerance
    assert strict.light == "yellow"


SHARE = source("""\
  - id: service
    name: 服务业增加值占比
    kind: share
    owner: 商务局
    base: 45
    target: 3
""")


def test_share_change(tmp_path):
    r = one(tmp_path, SHARE, 48.5)
    assert r.gap == pytest.approx(0.5)  # 48.5 − (45 + 3)
    assert r.light == "green"
    assert r.last_year == 45
    short = one(tmp_path, SHARE, 47.0)
    assert short.gap == pytest.approx(-1.0)
    assert short.light == "yellow" and short.on_track is False


CAP = source("""\
  - id: deaths
    name: 安全事故死亡人数
    kind: cap
    unit: 人
    owner: 应急局
    target: 0
""")


def test_cap_zero_is_green_any_breach_red(tmp_path):
    ok = one(tmp_path, CAP, 0)
    assert ok.light == "green" and ok.on_track is True and ok.checkpoint_met is True
    breach = one(tmp_path, CAP, 1)
    assert breach.light == "red" and breach.on_track is False
    assert breach.gap == -1
    assert one(tmp_path, CAP, None).light == "none"


MILESTONE = """\
  - id: eco
    name: 创建国家生态工业示范园区
    kind: milestone
    owner: 建设局
    source: {file: 节点.xlsx, row: 节点, column: 完成情况}
    milestones:
      - {name: 编制规划, due: 3}
      - {name: 通过评审, due: 6}
      - {name: 正式命名, due: 12}
"""


def milestone(tmp_path, month, *done):
    config = make_config(tmp_path, MILESTONE)
    nodes = [Reading(v, Location("节点.xlsx", "Sheet1", f"C{i + 2}")) for i, v in enumerate(done)]
    data = PeriodData(Period(2024, month), milestones={"eco": nodes})
    return evaluate(config, data).indicators[0]


def test_milestone_due_this_month_not_done_is_yellow(tmp_path):
    r = milestone(tmp_path, 6, 1.0, 0.0, 0.0)
    assert [n.months_late for n in r.nodes] == [None, 0, None]
    assert r.light == "yellow"
    assert (r.actual, r.target) == (1.0, 3.0)
    assert r.time_progress == pytest.approx(2 / 3)
    assert r.checkpoint_met is False


def test_milestone_overdue_three_months_is_red(tmp_path):
    r = milestone(tmp_path, 9, 1.0, 0.0, 0.0)
    assert [n.months_late for n in r.nodes] == [None, 3, None]
    assert r.light == "red"


def test_milestone_all_due_done_is_green(tmp_path):
    r = milestone(tmp_path, 6, 1.0, 1.0, 0.0)
    assert r.light == "green" and r.on_track is True


# ---- checkpoints --------------------------------------------------------------------------------------

THREE = (
    source(FAI.format(target=200))
    + source("""\
  - id: retail
    name: 社会消费品零售总额
    kind: cumulative
    unit: 亿元
    owner: 商务局
    target: 90
""")
    + source(GROWTH.format(target=12))
)


def test_double_half_met_only_when_all_met(tmp_path):
    ok = run(tmp_path, THREE, 6, fai=112.4, retail=45.0, tax=12.0)
    assert ok.checkpoint.name == "双过半"
    assert ok.checkpoint.benchmark == 0.5
    assert ok.checkpoint.met is True
    assert ok.checkpoint.exceptions == ()
    assert (ok.checkpoint.met_count, ok.checkpoint.total) == (3, 3)


def test_double_half_lists_exceptions_by_id(tmp_path):
    res = run(tmp_path, THREE, 6, fai=112.4, retail=44.9, tax=11.9)
    assert res.checkpoint.met is False
    assert res.checkpoint.exceptions == ("retail", "tax")
    assert res.checkpoint.met_count == 1


def test_unreported_indicator_is_counted_once_as_unreported(tmp_path):
    res = run(tmp_path, THREE, 6, fai=112.4, retail=None, tax=13.0)
    assert res.checkpoint.met is False
    assert res.checkpoint.exceptions == ()  # not also among those that missed the checkpoint
    assert res.checkpoint.unreported == ("retail",)
    assert (res.checkpoint.met_count, res.checkpoint.total) == (2, 2)


@pytest.mark.parametrize(
    "month, name, benchmark",
    [
        (3, "开门红", 0.25),
        (6, "双过半", 0.5),
        (9, "前三季度", 0.75),
        (12, "全年红", 1.0),
    ],
)
def test_checkpoint_names(tmp_path, month, name, benchmark):
    res = run(tmp_path, THREE, month, fai=200 * benchmark, retail=90 * benchmark, tax=12.0)
    assert res.checkpoint.name == name
    assert res.checkpoint.benchmark == pytest.approx(benchmark)
    assert res.checkpoint.met is True


def test_no_checkpoint_in_may(tmp_path):
    res = run(tmp_path, THREE, 5, fai=100, retail=40, tax=12)
    assert res.checkpoint is None
    assert all(r.checkpoint_met is None for r in res.indicators)


# ---- ledger -------------------------------------------------------------------------------------------

LEDGER = """\
ledgers:
  projects:
    file: 重点项目.xlsx
    start_rate_base: {base}
"""

JUNE = Period(2024, 6)


def project(
    name,
    *,
    planned=None,
    actual=None,
    nature="新开工",
    owner="建设局",
    category="产业项目",
    plan=None,
    completed=None,
    total=None,
    flag=None,
    **extra,
):
    return Project(
        Location("重点项目.xlsx", "台账", f"B{abs(hash(name)) % 1000}"),
        name,
        owner=owner,
        category=category,
        nature=nature,
        total_investment=total,
        annual_plan=plan,
        completed=completed,
        planned_start=planned,
        actual_start=actual,
        started_flag=flag,
        extra=extra,
    )


def sixty_planned_starts():
    """60 projects planned to start Jan–Jun 2024 (47 started), 5 planned for later, 3 前期, 2 续建."""
    out = []
    for i in range(60):
        month = i % 6 + 1
        started = i < 47
        out.append(
            project(
                f"项目{i:02d}",
                planned=date(2024, month, 1),
                actual=date(2024, month, 1) if started else None,
                owner="建设局" if i % 2 else "招商局",
                category="产业项目" if i < 40 else "基础设施",
            )
        )
    out += [project(f"下半年{i}", planned=date(2024, 9, 1)) for i in range(5)]
    out += [project(f"前期{i}", nature="前期") for i in range(3)]
    out += [project(f"续建{i}", nature="续建", planned=date(2023, 5, 1)) for i in range(2)]
    return out


def ledger_result(tmp_path, projects, base="planned_to_date", owners=("建设局", "招商局")):
    config = make_config(tmp_path, source(FAI.format(target=200)), LEDGER.format(base=base))
    data = LedgerData("projects", Location("重点项目.xlsx", "台账"), projects)
    return evaluate_ledger(data, config.ledgers["projects"], JUNE, list(owners))


def test_start_rate_47_of_60(tmp_path):
    res = ledger_result(tmp_path, sixty_planned_starts())
    assert (res.total.started, res.total.start_base) == (47, 60)
    assert res.total.start_rate == pytest.approx(0.78333, abs=1e-5)
    assert shown(res.total.start_rate * 100) == "78.3"
    assert res.start_rate_base == "planned_to_date"


@pytest.mark.parametrize(
    "base, started, denominator",
    [
        ("planned_to_date", 47, 60),  # planned Jan–Jun 2024
        ("planned_this_year", 47, 65),  # + 5 planned for September
        ("all_but_preliminary", 49, 67),  # everything but 前期 (续建 counts as started)
        ("all", 49, 70),
    ],
)
def test_start_rate_base_variants(tmp_path, base, started, denominator):
    res = ledger_result(tmp_path, sixty_planned_starts(), base)
    assert (res.total.started, res.total.start_base) == (started, denominator)


def test_start_overdue_and_months_late(tmp_path):
    projects = [
        project("三月计划未开工", planned=date(2024, 3, 1)),
        project("本月计划未开工", planned=date(2024, 6, 1)),
        project("三月计划已开工", planned=date(2024, 3, 1), actual=date(2024, 4, 1)),
        project("写明未开工", planned=date(2024, 2, 1), flag=False),
        project("九月计划", planned=date(2024, 9, 1)),
        project("去年计划未开工", planned=date(2023, 11, 1)),
    ]
    res = ledger_result(tmp_path, projects)
    late = {p.name: p.months_late for p in res.projects}
    assert late == {
        "三月计划未开工": 3,
        "本月计划未开工": 0,
        "三月计划已开工": None,
        "写明未开工": 4,
        "九月计划": None,
        "去年计划未开工": 7,
    }
    assert [p.name for p in res.overdue] == [
        "三月计划未开工",
        "本月计划未开工",
        "写明未开工",
        "去年计划未开工",
    ]
    assert res.total.overdue == 4
    assert months_late(projects[0], Period(2024, 2)) is None


def test_actual_start_after_the_report_month_is_not_started(tmp_path):
    res = ledger_result(tmp_path, [project("七月开工", planned=date(2024, 5, 1), actual=date(2024, 7, 1))])
    assert res.projects[0].started is False
    assert res.projects[0].months_late == 1


def test_totals_by_category_and_department(tmp_path):
    projects = [
        project("甲", owner="建设局", category="产业项目", plan=4.0, completed=2.2, total=10.0),
        project("乙", owner="招商局", category="产业项目", plan=1.2, completed=None, total=1.2),
        project("丙", owner="建设局", category="基础设施", plan=0.8, completed=0.9, total=1.8),
    ]
    res = ledger_result(tmp_path, projects)
    assert res.total.annual_plan == pytest.approx(6.0)
    assert res.total.completed == pytest.approx(3.1)
    assert res.total.completion == pytest.approx(3.1 / 6.0)  # 投资完成率 = 完成 ÷ 年度计划, not 总投资
    assert res.total.total_investment == pytest.approx(13.0)
    cats = {g.name: g for g in res.by_category}
    assert cats["产业项目"].projects == 2
    assert cats["产业项目"].completion == pytest.approx(2.2 / 5.2)
    assert cats["基础设施"].completion == pytest.approx(0.9 / 0.8)
    depts = {g.name: g for g in res.by_department}
    assert [g.name for g in res.by_department] == ["建设局", "招商局"]
    assert depts["建设局"].completed == pytest.approx(3.1)
    assert depts["招商局"].completion == pytest.approx(0.0)
    assert {p.name: p.completion for p in res.projects}["丙"] == pytest.approx(1.125)


FIGURES = [
    project(
        "新能源电池项目",
        total=12.0,
        plan=4.0,
        completed=2.2,
        planned=date(2024, 3, 1),
        actual=date(2024, 3, 1),
        category="产业项目",
        owner="建设局",
        是否入库="是",
    ),
    project(
        "智能装备产业园",
        total=9.5,
        plan=3.0,
        completed=1.0,
        planned=date(2024, 5, 1),
        category="产业项目",
        owner="招商局",
        是否入库="否",
    ),
    project(
        "滨河路改造工程",
        total=10.0,
        plan=2.0,
        completed=1.5,
        nature="续建",
        category="基础设施",
        owner="建设局",
        是否入库="是",
    ),
    project(
        "科创中心前期",
        total=30.0,
        plan=0.5,
        completed=0.0,
        nature="前期",
        category="产业项目",
        owner="招商局",
        是否入库="否",
    ),
]


def figure(tmp_path, source_yaml: str, period=JUNE) -> float:
    config = make_config(
        tmp_path,
        f"""\
  - id: n
    name: 项目数
    kind: count
    owner: 建设局
    target: 10
    source: {source_yaml}
""",
        LEDGER.format(base="planned_to_date"),
    )
    data = LedgerData("projects", Location("重点项目.xlsx", "台账"), FIGURES)
    return ledger_figure(config.indicators[0].source, data, config.ledgers["projects"], period)


@pytest.mark.parametrize(
    "source_yaml, expected",
    [
        ("{ledger: projects, count_where: {}}", 4),
        ("{ledger: projects, count_where: {started: true}}", 2),  # actual start + 续建
        ("{ledger: projects, count_where: {started: false}}", 2),
        ("{ledger: projects, count_where: {total_investment: '>=10'}}", 3),
        ("{ledger: projects, count_where: {total_investment: '<10'}}", 1),
        ("{ledger: projects, count_where: {total_investment: 12}}", 1),
        ("{ledger: projects, count_where: {nature: '!=前期'}}", 3),
        ("{ledger: projects, count_where: {name: '~产业'}}", 1),
        ("{ledger: projects, count_where: {category: [产业项目, 服务业]}}", 3),
        ("{ledger: projects, count_where: {category: 产业项目, total_investment: '>=10'}}", 2),
        ("{ledger: projects, count_where: {是否入库: 是}}", 2),
        ("{ledger: projects, count_where: {是否入库: true}}", 2),  # a YAML boolean against 是/否 text
        ("{ledger: projects, count_where: {是否入库: yes}}", 2),  # YAML 1.1 reads yes as true
        ("{ledger: projects, count_where: {是否入库: false}}", 2),
        ("{ledger: projects, count_where: {start_overdue: true}}", 1),
        ("{ledger: projects, sum: completed}", 4.7),
        ("{ledger: projects, sum: completed, where: {owner: 建设局}}", 3.7),
        (
            "{ledger: projects, sum: total_investment, where: {nature: '!=前期', total_investment: '>=10'}}",
            22.0,
        ),
    ],
)
def test_ledger_count_and_sum_filters(tmp_path, source_yaml, expected):
    assert figure(tmp_path, source_yaml) == pytest.approx(expected)


def test_ledger_indicator_through_evaluate(tmp_path):
    config = make_config(
        tmp_path,
        """\
  - id: starts
    name: 新开工项目
    kind: count
    owner: 建设局
    target: 60
    source: {ledger: projects, count_where: {started: true}}
""",
        LEDGER.format(base="planned_to_date"),
    )
    data = PeriodData(
        JUNE,
        ledgers={
            "projects": LedgerData("projects", Location("重点项目.xlsx", "台账"), sixty_planned_starts())
        },
    )
    res = evaluate(config, data)
    r = res.indicators[0]
    assert r.actual == 49  # 47 started + 2 续建
    assert r.completion == pytest.approx(49 / 60)
    assert "重点项目.xlsx" in r.source and "计数" in r.source
    assert res.ledgers[0].total.start_rate == pytest.approx(47 / 60)


def test_ledger_not_read_gives_no_figure(tmp_path):
    config = make_config(
        tmp_path,
        """\
  - id: starts
    name: 新开工项目
    kind: count
    owner: 建设局
    target: 60
    source: {ledger: projects, count_where: {started: true}}
""",
        LEDGER.format(base="planned_to_date"),
    )
    r = evaluate(config, PeriodData(JUNE)).indicators[0]
    assert r.actual is None and r.light == "none"
    assert "台账" in r.note


# ---- departments --------------------------------------------------------------------------------------

DEPTS = (
    "".join(
        source(FAI.format(target=100).replace("fai", f"a{i}").replace("经发局", owner))
        for i, owner in enumerate(["经发局", "商务局", "建设局", "经发局"])
    )
    + CAP
)


def test_department_ranking_with_ties(tmp_path):
    res = run(
        tmp_path, DEPTS, 6, a0=60, a1=50, a2=40, a3=40, deaths=0, extra="ranking: {min_indicators: 1}\n"
    )
    by_name = {d.name: d for d in res.departments}
    # gaps to 序时 50 %: 经发局 mean(+10, −10) = 0 ties with 商务局 0; 建设局 −10 is third
    assert (by_name["经发局"].rank, by_name["经发局"].tied) == (1, True)
    assert (by_name["商务局"].rank, by_name["商务局"].tied) == (1, True)
    assert (by_name["建设局"].rank, by_name["建设局"].tied) == (3, False)
    assert by_name["建设局"].score == pytest.approx(-10)
    assert by_name["经发局"].average_completion == pytest.approx(0.5)
    assert by_name["经发局"].indicators == 2
    assert by_name["建设局"].yellow == 1


def test_department_without_rated_indicators_has_no_rank(tmp_path):
    res = run(
        tmp_path, DEPTS, 6, a0=60, a1=50, a2=None, a3=40, deaths=1, extra="ranking: {min_indicators: 1}\n"
    )
    by_name = {d.name: d for d in res.departments}
    assert by_name["建设局"].rank is None  # its only amount is not reported
    assert by_name["建设局"].no_data == 1
    assert by_name["应急局"].rank is None  # only a cap indicator
    assert by_name["应急局"].red == 1
    assert [d.name for d in res.departments][-2:] == ["建设局", "应急局"]  # unranked last, config order
    assert by_name["经发局"].rank == 1 and by_name["商务局"].rank == 1
