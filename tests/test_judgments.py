"""Judgments an expert cannot fault: one registry entry per kind, 底线 as red lines, one definition per figure
across every output, a ranking that agrees with the lights, checkpoints that agree with the lights."""

from __future__ import annotations

import re
from datetime import datetime

import openpyxl
import pytest
from conftest import config_from
from docx import Document

from reportgen.config import load_config
from reportgen.config.model import INDICATOR_MODELS
from reportgen.errors import Location, ReportgenError
from reportgen.inputs import PeriodData, Reading
from reportgen.kinds import KINDS, Wording, kind_of, sentence, verdict
from reportgen.metrics import evaluate
from reportgen.metrics.results import IndicatorResult
from reportgen.period import Period
from reportgen.pipeline import run
from reportgen.render.report import department_summary, report_context
from reportgen.samples import write_sample_project
from reportgen.sources.collect import read_period

NOW = datetime(2024, 10, 8, 9, 0)
HERE = Location("2024-06/指标.xlsx", "指标", "E5")


# ---- the registry ---------------------------------------------------------------------------------------


def test_every_config_kind_has_one_registry_entry_and_no_more():
    assert set(KINDS) == set(INDICATOR_MODELS)
    for name, kind in KINDS.items():
        assert callable(kind.evaluate) and callable(kind.clause) and callable(kind.verdict), name
        assert not (kind.red_line and (kind.in_checkpoint or kind.in_ranking)), (
            f"{name}: a 底线 is not progress"
        )


def test_unknown_kind_is_an_error_never_another_kinds_wording():
    stray = IndicatorResult(
        id="x",
        name="某指标",
        kind="ratio",
        unit="",
        group="",
        owner="经发局",
        target=1.0,
        stretch=None,
        actual=1.0,
    )
    with pytest.raises(ReportgenError, match="未知的指标类型“ratio”"):
        kind_of("ratio")
    with pytest.raises(ReportgenError):
        sentence(stray)
    with pytest.raises(ReportgenError):
        verdict(stray)


# ---- the demo year, read as a leader would -----------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    root = tmp_path_factory.mktemp("demo")
    write_sample_project(root)
    return root


@pytest.fixture(scope="module")
def september(demo):
    config = load_config(demo / "config.yaml")
    result = run(config, Period(2024, 9), now=NOW)
    return config, result


def _text(path) -> str:
    return "\n".join(p.text for p in Document(str(path)).paragraphs)


def _table(doc, first_header: str):
    return next(t for t in doc.tables if t.rows[0].cells[0].text == first_header)


def _emails(config, result) -> dict[str, str]:
    from reportgen.deliver import period_messages

    return {
        m.department or "leaders": m.text for m in period_messages(config, Period(2024, 9), result.folder)
    }


def test_a_breach_is_worded_as_a_breach_on_page_one_and_never_as_progress(september):
    config, result = september
    text = _text(result.report)
    overview = text[text.index("一、总体情况") : text.index("二、主要指标完成情况")]
    assert (
        "底线指标方面，生产安全事故死亡人数1人，突破控制目标（0人），触碰底线（责任单位：应急局）；"
        "其余较大及以上生产安全事故、单位工业增加值能耗控制在目标以内。"
    ) in overview
    progress_verdict = overview.split("。")[0]
    assert "生产安全事故死亡人数" not in progress_verdict  # not among those behind 序时 / 未达到
    for clause in re.split("[。；\n]", text):
        if "生产安全事故死亡" in clause:
            assert not re.search("进展滞后|倒排工期|挂图作战|落后|滞后|确保完成", clause), clause
    section = text[text.index("五、存在问题及下步建议") : text.index("附件：")]
    demands = [t for t in section.split("\n") if t.startswith("请")]
    assert demands[0].startswith("请应急局针对生产安全事故死亡人数突破控制目标，深入查找原因")  # first
    assert not any("生产安全事故" in t for t in demands[1:])
    ranking = _table(Document(str(result.report)), "排名")
    row = next(r for r in ranking.rows if r.cells[2].text == "应急局")
    assert row.cells[8].text == "突破"
    mail = _emails(config, result)["应急局"]
    assert mail.index("突破底线指标") < mail.index("贵单位牵头的重点指标")
    assert "排第" not in mail.split("贵单位牵头的重点指标")[0]
    assert "1-9月贵单位牵头的重点指标4项，绿灯3项、黄灯0项、红灯1项。" in mail  # the breach is counted once
    assert "突破控制目标（0人），触碰底线（督办）" in mail  # not "连续N个月亮灯"


def _ledger_truth(config, period: Period) -> dict:
    """Ledger counts computed here from the rows the reader returned, by the definitions the report states."""
    projects = read_period(config, period).ledgers["projects"].projects
    end = period.end

    def started(p) -> bool:
        if p.started_flag is not None:
            return p.started_flag
        if p.actual_start is not None:
            return p.actual_start <= end
        return (p.nature or "").startswith(("续建", "竣工", "在建"))

    def due(p) -> bool:  # start_rate_base: planned_to_date
        return p.planned_start is not None and p.planned_start.year == period.year and p.planned_start <= end

    def owner(p) -> str:
        return config.department_of(p.owner) or p.owner

    truth = {
        "projects": len(projects),
        "started_all": sum(map(started, projects)),
        "start_base": sum(map(due, projects)),
        "started": sum(1 for p in projects if due(p) and started(p)),
        "departments": {},
    }
    for name in config.department_names:
        mine = [p for p in projects if owner(p) == name]
        truth["departments"][name] = dict(
            projects=len(mine),
            started_all=sum(map(started, mine)),
            start_base=sum(map(due, mine)),
            started=sum(1 for p in mine if due(p) and started(p)),
        )
    return truth


def test_every_ledger_count_means_one_set_in_every_output(september):
    config, result = september
    t = _ledger_truth(config, Period(2024, 9))
    rate = f"{t['started'] / t['start_base'] * 100:.1f}%"
    text = _text(result.report)
    assert f"全区重点项目{t['projects']}个，已开工（含续建）{t['started_all']}个；" in text
    assert (
        f"计划截至本月开工的项目（应开工）{t['start_base']}个，其中已开工{t['started']}个，开工率{rate}"
        in text
    )
    doc = Document(str(result.report))
    categories = _table(doc, "类别")
    header = [c.text for c in categories.rows[0].cells]
    total = dict(zip(header, [c.text for c in categories.rows[-1].cells]))
    assert (total["已开工（含续建）"], total["应开工"], total["其中已开工"]) == (
        str(t["started_all"]),
        str(t["start_base"]),
        str(t["started"]),
    )
    by_department = _table(doc, "责任单位")
    ranking = _table(doc, "排名")
    for name, d in t["departments"].items():
        row = dict(
            zip(
                header[1:],
                [c.text for c in next(r for r in by_department.rows if r.cells[0].text == name).cells][1:],
            )
        )
        assert (row["已开工（含续建）"], row["应开工"], row["其中已开工"]) == (
            str(d["started_all"]),
            str(d["start_base"]),
            str(d["started"]),
        ), name
        ranked = [c.text for c in next(r for r in ranking.rows if r.cells[2].text == name).cells]
        row = dict(zip([c.text for c in ranking.rows[0].cells], ranked))
        assert (row["已开工（含续建）"], row["项目数"]) == (str(d["started_all"]), str(d["projects"])), name

    from reportgen.charts import chart_specs

    spec = next(s for s in chart_specs(result.results, {}, []) if s.kind == "projects")
    assert sum(spec.data["started"]) == t["started_all"] and spec.data["labels"][0] == "已开工（含续建）"
    assert sum(spec.data["started"]) + sum(spec.data["overdue"]) + sum(spec.data["waiting"]) == t["projects"]

    wb = openpyxl.load_workbook(result.workbook)
    sheet = wb["项目汇总"]
    head = [c.value for c in sheet[3]]
    rows = [dict(zip(head, r)) for r in sheet.iter_rows(min_row=4, values_only=True) if r[0]]
    zone = next(r for r in rows if r["类别/单位"] == "合计")
    assert (zone["已开工（含续建）"], zone["应开工"], zone["其中已开工"]) == (
        t["started_all"],
        t["start_base"],
        t["started"],
    )
    for name, d in t["departments"].items():
        row = next(r for r in rows if r["汇总口径"] == "按责任单位" and r["类别/单位"] == name)
        assert (row["已开工（含续建）"], row["应开工"], row["其中已开工"]) == (
            d["started_all"],
            d["start_base"],
            d["started"],
        ), name
    units = wb["单位汇总"]
    head = [c.value for c in units[3]]
    for r in units.iter_rows(min_row=4, values_only=True):
        if r[1] in t["departments"]:
            assert dict(zip(head, r))["已开工（含续建）"] == t["departments"][r[1]]["started_all"], r[1]

    mails = _emails(config, result)
    for name, d in t["departments"].items():
        if name in mails and d["projects"]:
            assert (
                f"重点项目{d['projects']}个，已开工（含续建）{d['started_all']}个；计划截至本月开工的项目（应开工）"
                f"{d['start_base']}个，其中已开工{d['started']}个"
            ) in mails[name], name


@pytest.mark.parametrize("month", [6, 9])
def test_checkpoint_verdict_and_light_are_one_judgment_for_every_indicator(demo, month):
    config = load_config(demo / "config.yaml")
    results = evaluate(config, read_period(config, Period(2024, month)))
    cp = results.checkpoint
    for r in results.indicators:
        if not kind_of(r.kind).in_checkpoint or r.checkpoint_met is None:
            continue
        assert r.checkpoint_met == (r.light == "green"), (r.name, r.light, r.checkpoint_met)  # strict profile
    names = {r.id: r.name for r in results.indicators}
    behind = {
        r.name for r in results.indicators if kind_of(r.kind).in_checkpoint and r.light in ("yellow", "red")
    }
    assert {names[i] for i in cp.exceptions} == behind
    overview = report_context(results)["overview"][0]
    listed = overview.split("分别是：")[1].split("。")[0].split("；")[0].split("、")
    assert set(listed) == behind


def test_indicator_figures_agree_between_the_report_and_the_workbook(september):
    _, result = september
    doc = Document(str(result.report))
    table = _table(doc, "指标")
    header = [c.text for c in table.rows[0].cells]
    ws = openpyxl.load_workbook(result.workbook)["指标完成情况"]
    head = [c.value for c in ws[3]]
    book = {
        r[head.index("指标名称")]: dict(zip(head, r))
        for r in ws.iter_rows(min_row=4, values_only=True)
        if r[0]
    }
    checked = 0
    for row in table.rows[1:]:
        cells = dict(zip(header, [c.text for c in row.cells]))
        if cells["指标"] not in book:
            continue
        sheet = book[cells["指标"]]
        assert cells["状态"] == sheet["状态"]
        if cells["完成率"] != "—":
            assert cells["完成率"] == f"{sheet['完成率'] * 100:.1f}%"
        if cells["差距（百分点）"] != "—":
            shown = f"{sheet['差距（百分点）']:+.1f}".replace("+0.0", "0.0")
            assert cells["差距（百分点）"] == shown, cells["指标"]
        checked += 1
    assert checked == 31


# ---- ranking ----------------------------------------------------------------------------------------------

HEAD = """\
zone: 测试经开区
year: 2024
departments: [经发局, 商务局, 建设局, 应急局]
indicators:
"""


def amount(id_: str, owner: str, target: float = 100, extra: str = "") -> str:
    return (
        f"  - {{id: {id_}, name: 指标{id_}, kind: cumulative, unit: 亿元, owner: {owner}, target: {target},"
        f" source: {{file: 指标.xlsx, row: {id_}, column: 累计}}{extra}}}\n"
    )


DEATHS = (
    "  - {id: deaths, name: 生产安全事故死亡人数, kind: cap, unit: 人, owner: 经发局, target: 0,"
    " source: {file: 指标.xlsx, row: deaths, column: 累计}}\n"
)


def evaluated(tmp_path, indicators: str, readings: dict, month: int = 6, extra: str = ""):
    config = config_from(tmp_path, HEAD + indicators + extra)
    data = PeriodData(Period(2024, month), readings={k: Reading(v, HERE) for k, v in readings.items()})
    return evaluate(config, data)


def test_ranking_follows_the_gap_to_each_indicators_own_plan(tmp_path):
    # 经发局 completes 40 % but its plan says 30 % by June (+10); 商务局 completes 55 % against N/12 (+5).
    plan = ", plan: {6: 30, 12: 100}"
    res = evaluated(
        tmp_path,
        amount("a", "经发局", extra=plan)
        + amount("b", "经发局", extra=plan)
        + amount("c", "商务局")
        + amount("d", "商务局"),
        dict(a=40, b=40, c=55, d=55),
    )
    by = {d.name: d for d in res.departments}
    assert (by["经发局"].rank, by["商务局"].rank) == (1, 2)  # raw completion would put 商务局 first
    assert by["经发局"].score == pytest.approx(10) and by["商务局"].score == pytest.approx(5)
    assert all(r.light == "green" for r in res.indicators)


def test_ties_are_judged_on_the_shown_score_and_worded_as_such(tmp_path):
    res = evaluated(
        tmp_path,
        amount("a", "经发局")
        + amount("b", "经发局")
        + amount("c", "商务局")
        + amount("d", "商务局")
        + amount("e", "建设局")
        + amount("f", "建设局"),
        dict(a=52.04, b=52.0, c=52.02, d=52.0, e=45, f=45),
    )
    by = {d.name: d for d in res.departments}
    assert (by["经发局"].rank, by["经发局"].tied, by["商务局"].rank, by["商务局"].tied) == (1, True, 1, True)
    assert by["建设局"].rank == 3
    text = department_summary(res)
    assert text.startswith(
        "按进度类指标与各自序时进度的平均差距排名，依次是经发局（+2.0个百分点）、商务局（+2.0个百分点）、"
        "建设局（-5.0个百分点）"
    )
    assert "经发局、商务局并列第1位" in text and "前三位" not in text


def test_too_few_indicators_listed_not_ranked_and_one_ranked_is_not_a_top_three(tmp_path):
    res = evaluated(
        tmp_path,
        amount("a", "经发局") + amount("b", "经发局") + amount("c", "商务局"),
        dict(a=60, b=40, c=90),
    )
    by = {d.name: d for d in res.departments}
    assert by["经发局"].rank == 1 and by["商务局"].rank is None
    text = department_summary(res)
    assert "参与排名的单位仅经发局（0.0个百分点）" in text and "前三位" not in text
    assert "商务局、建设局、应急局的进度类指标不足2项，列出但不排名" in text  # every unranked one explained


def test_a_breached_cap_stays_out_of_the_score_and_marks_or_vetoes(tmp_path):
    two = amount("a", "经发局") + amount("b", "经发局") + amount("c", "商务局") + amount("d", "商务局")
    values = dict(a=70, b=70, c=50, d=50, deaths=1)
    marked = evaluated(tmp_path, two + DEATHS, values)
    by = {d.name: d for d in marked.departments}
    assert by["经发局"].rank == 1 and by["经发局"].score == pytest.approx(20)  # the death is not averaged in
    assert by["经发局"].red_lines == ("deaths",) and not by["经发局"].vetoed
    assert "经发局突破底线指标（生产安全事故死亡人数），在排名表中标注“底线”" in department_summary(marked)
    vetoed = evaluated(tmp_path, two + DEATHS, values, extra="ranking: {red_line: veto}\n")
    by = {d.name: d for d in vetoed.departments}
    assert (by["商务局"].rank, by["经发局"].rank, by["经发局"].vetoed) == (1, 2, True)
    assert "按“一票否决”排在最后" in department_summary(vetoed)


def test_ranking_by_weighted_completion(tmp_path):
    res = evaluated(
        tmp_path,
        amount("a", "经发局") + amount("b", "经发局") + amount("c", "商务局") + amount("d", "商务局"),
        dict(a=80, b=20, c=45, d=45),
        extra="ranking: {by: completion, weights: {a: 3}}\n",
    )
    by = {d.name: d for d in res.departments}
    assert by["经发局"].score == pytest.approx((3 * 80 + 20) / 4)
    assert (by["经发局"].rank, by["商务局"].rank) == (1, 2)
    assert department_summary(res).startswith("按进度类指标的平均完成率排名，依次是经发局（65.0%）")


def test_unknown_weight_is_a_config_error(tmp_path):
    with pytest.raises(ReportgenError, match="ranking.weights"):
        config_from(tmp_path, HEAD + amount("a", "经发局") + "ranking: {weights: {nope: 2}}\n")


# ---- numbers as people write them ---------------------------------------------------------------------------


def test_rounding_never_hides_a_shortfall(tmp_path):
    res = evaluated(tmp_path, amount("a", "经发局"), dict(a=99.96), month=12)
    r = res.indicators[0]
    assert r.light == "yellow"
    assert sentence(r) == "完成指标a99.96亿元，完成年度目标的99.96%，略低于序时进度0.04个百分点"


def test_stretch_attainment_is_stated_for_amounts_and_rates(tmp_path):
    res = evaluated(
        tmp_path,
        amount("a", "经发局", target=100, extra=", stretch: 110")
        + "  - {id: tax, name: 税收收入增长, kind: growth, owner: 经发局, target: 10, stretch: 12,"
        " source: {file: 指标.xlsx, row: tax, column: 累计}}\n",
        dict(a=57.04, tax=12.4),
    )
    by = {r.id: r for r in res.indicators}
    assert "超额完成力争目标（完成51.9%）" not in sentence(by["a"])
    assert "完成年度目标的57.0%、力争目标的51.9%" in sentence(by["a"])
    assert sentence(by["tax"]) == "税收收入增长12.4%，超过力争目标0.4个百分点"
    over = evaluated(
        tmp_path, amount("a", "经发局", target=100, extra=", stretch: 110"), dict(a=114.1), month=12
    )
    assert "超额完成力争目标（完成103.7%）" in sentence(over.indicators[0])


def test_counts_of_things_are_integers_and_the_column_says_tongbi(tmp_path):
    res = evaluated(
        tmp_path,
        "  - {id: checks, name: 安全生产检查企业, kind: count, unit: 家次, owner: 经发局,"
        " target: 1200, source: {file: 指标.xlsx, row: checks, column: 累计}}\n",
        dict(checks=642.0),
    )
    assert sentence(res.indicators[0], Wording()).startswith("安全生产检查企业642家次，")


def test_no_groups_configured_means_no_group_bands(demo, tmp_path):
    text = (demo / "config.yaml").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^groups:.*\n", "", text)
    text = re.sub(r"(?m)^    group: .*\n", "", text)
    path = demo / "nogroups.yaml"
    path.write_text(text, encoding="utf-8")
    config = load_config(path)
    result = run(config, Period(2024, 6), tmp_path / "out", now=NOW)
    table = _table(Document(str(result.report)), "指标")
    bands = [r.cells[0].text for r in table.rows if len({c._tc for c in r.cells}) == 1]
    assert bands == [] and len(table.rows) == 1 + 31


def test_a_missing_previous_month_is_said_once_and_nothing_is_compared(tmp_path):
    import shutil

    write_sample_project(tmp_path)
    shutil.rmtree(tmp_path / "data" / "2024-05")
    result = run(load_config(tmp_path / "config.yaml"), Period(2024, 6), tmp_path / "out", now=NOW)
    text = _text(result.report)
    assert text.count("1-5月数据未找到，本期不与上月比较。") == 1
    assert "比1-5月" not in text and "较上月↑" not in text
    ranking = _table(Document(str(result.report)), "排名")
    assert {r.cells[1].text for r in ranking.rows[1:]} == {"—"}


def test_a_trend_with_missing_months_says_which(september):
    from reportgen.charts import chart_specs

    _, result = september
    series = {"fai": [None] * 5 + [112.4, 130.0, 145.0, 160.6, None, None, None]}
    spec = next(s for s in chart_specs(result.results, series, ["fai"]) if s.kind == "trend")
    assert spec.title == "重点指标逐月累计完成情况（1-5月数据未找到）"
    full = {"fai": [10.0 * m for m in range(1, 10)] + [None] * 3}
    assert (
        next(s for s in chart_specs(result.results, full, ["fai"]) if s.kind == "trend").title
        == "重点指标逐月累计完成情况"
    )


def test_a_ledger_filter_on_a_missing_column_is_unreported_not_a_red_zero(demo, tmp_path):
    text = (demo / "config.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "count_where: {建设性质: 新开工, started: true}", "count_where: {建设类型: 新开工, started: true}"
    )
    path = demo / "typo.yaml"
    path.write_text(text, encoding="utf-8")
    config = load_config(path)
    results = evaluate(config, read_period(config, Period(2024, 6)))
    starts = next(r for r in results.indicators if r.id == "new_starts")
    assert starts.actual is None and starts.light == "none"
    assert "台账中找不到列“建设类型”" in starts.note
    assert "new_starts" in results.checkpoint.unreported and "new_starts" not in results.checkpoint.exceptions


def test_each_demand_is_as_firm_as_the_escalation_it_names(september):
    """五: an item under 督办 or 约谈 never gets the mild "持续跟踪" (a leader read 税收收入增长（督办）… 持续跟踪),
    and every sentence reads 请X针对…, with its verb."""
    _, result = september
    demands = [p.text for p in Document(str(result.report)).paragraphs if p.text.startswith("请")]
    assert demands
    for text in demands:
        assert text.startswith("请") and "针对" in text.split("，")[0] or "对逾期未开工项目" in text, text
        for clause in text.split("；"):
            if "持续跟踪" in clause:
                assert "（督办）" not in clause and "（约谈）" not in clause, clause
            if "（约谈）" in clause:
                assert "倒排工期" in clause, clause
