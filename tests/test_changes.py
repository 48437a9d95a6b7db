"""This month against earlier months: changes since last month, 环比, light runs and escalation, rank change.

The rules are tested on Results built by hand; the pipeline tests write three months of small real workbooks
under tmp_path and read results.json back.
"""

from __future__ import annotations

import json

import pytest
from conftest import config_from, data_dir, write_xlsx

from reportgen.config.model import Escalation
from reportgen.errors import ReportgenError
from reportgen.metrics.changes import month_on_month, with_history
from reportgen.metrics.results import DepartmentResult, IndicatorResult, Results, results_from_plain
from reportgen.metrics.summary import for_department
from reportgen.period import Period
from reportgen.pipeline import earlier_results, fingerprint, run, trend_series
from reportgen.render.outputs import write_json

RULES = Escalation()


def indicator(
    light: str = "green",
    *,
    id: str = "fai",
    kind: str = "cumulative",
    actual: float | None = None,
    completion: float | None = None,
    owner: str = "经发局",
) -> IndicatorResult:
    return IndicatorResult(
        id=id,
        name=id,
        kind=kind,
        unit="亿元",
        group="项目仗",
        owner=owner,
        target=100.0,
        stretch=None,
        actual=actual,
        completion=completion,
        light=light,
    )


def department(name: str, rank: int | None) -> DepartmentResult:
    return DepartmentResult(
        name=name,
        indicators=1,
        green=1,
        yellow=0,
        red=0,
        no_data=0,
        on_track=1,
        average_completion=None,
        average_gap=None,
        rank=rank,
        tied=False,
    )


def month(n: int, *indicators: IndicatorResult, departments: tuple[DepartmentResult, ...] = ()) -> Results:
    return Results(
        zone="测试经开区",
        year=2024,
        month=n,
        indicators=indicators,
        checkpoint=None,
        departments=departments,
        ledgers=(),
    )


def lights_run(*lights: str, kind: str = "cumulative", rules: Escalation = RULES) -> IndicatorResult:
    """The indicator of the last month after with_history, given its light in months 1..N ("missing": no month)."""
    earlier = [
        None if light == "missing" else month(m, indicator(light, kind=kind))
        for m, light in enumerate(lights[:-1], start=1)
    ]
    current = month(len(lights), indicator(lights[-1], kind=kind))
    return with_history(current, earlier, rules).indicators[0]


# ---- escalation -------------------------------------------------------------------------------------


def test_yellow_this_month_is_a_reminder():
    r = lights_run("green", "green", "yellow")
    assert (r.escalation, r.flagged_months, r.lights_history) == ("提醒", 1, ("green", "green", "yellow"))


def test_yellow_two_months_running_is_supervision():
    r = lights_run("green", "yellow", "yellow")
    assert (r.escalation, r.flagged_months) == ("督办", 2)


def test_red_after_yellow_counts_in_the_run_and_red_alone_is_supervision():
    assert lights_run("green", "green", "red").escalation == "督办"
    r = lights_run("green", "red", "yellow")  # a red month counts towards "yellow two months running"
    assert (r.escalation, r.flagged_months) == ("督办", 2)


def test_red_three_months_running_is_an_interview():
    r = lights_run("red", "red", "red")
    assert (r.escalation, r.flagged_months) == ("约谈", 3)
    assert lights_run("yellow", "red", "red").escalation == "督办"  # only two reds running


def test_a_month_without_a_light_breaks_the_run():
    r = lights_run("red", "red", "none", "red")
    assert (r.escalation, r.flagged_months) == ("督办", 1)
    r = lights_run("yellow", "none", "yellow")
    assert (r.escalation, r.flagged_months) == ("提醒", 1)
    r = lights_run("red", "red", "missing", "red")  # a month that could not be read has no light either
    assert r.lights_history == ("red", "red", "none", "red")
    assert (r.escalation, r.flagged_months) == ("督办", 1)


def test_green_or_no_light_now_is_no_escalation_whatever_came_before():
    assert lights_run("red", "red", "green").escalation == ""
    r = lights_run("red", "red", "none")
    assert (r.escalation, r.flagged_months) == ("", 0)


def test_thresholds_come_from_config():
    rules = Escalation(supervise_after_yellow_months=3, interview_after_red_months=2)
    assert lights_run("green", "yellow", "yellow", rules=rules).escalation == "提醒"
    assert lights_run("yellow", "yellow", "yellow", rules=rules).escalation == "督办"
    assert lights_run("green", "red", "red", rules=rules).escalation == "约谈"
    off = lights_run("red", "red", "red", rules=Escalation(enabled=False))
    assert (off.escalation, off.flagged_months) == ("", 3)


def test_escalation_section_in_yaml(tmp_path):
    text = """\
        zone: 测试经开区
        year: 2024
        departments: [经发局]
        indicators:
          - {id: fai, name: 固定资产投资, kind: cumulative, owner: 经发局, target: 100,
             source: {file: 指标.xlsx, row: 固定资产投资, column: 累计}}
        """
    assert config_from(tmp_path, text).escalation == Escalation(
        enabled=True, supervise_after_yellow_months=2, interview_after_red_months=3
    )
    config = config_from(tmp_path, text + "escalation: {supervise_after_yellow_months: 3, enabled: false}\n")
    assert (config.escalation.supervise_after_yellow_months, config.escalation.enabled) == (3, False)
    with pytest.raises(ReportgenError, match="interview_after_red_months"):
        config_from(tmp_path, text + "escalation: {interview_after_red_months: 0}\n")
    with pytest.raises(ReportgenError, match="supervise_after_red_months"):
        config_from(tmp_path, text + "escalation: {supervise_after_red_months: 2}\n")


def test_a_breached_cap_is_supervised_at_once_and_not_escalated_by_month():
    assert lights_run("green", "green", "red", kind="cap").escalation == "督办"
    assert lights_run("red", "red", "red", kind="cap").escalation == "督办"


# ---- changes since last month -----------------------------------------------------------------------


def test_completion_change_in_points_and_rate_change_for_growth_and_share():
    earlier = [
        month(1, indicator(completion=0.05)),
        month(
            2,
            indicator(completion=0.125),
            indicator(id="tax", kind="growth", actual=8.5),
            indicator(id="share", kind="share", actual=45.0),
            indicator(id="deaths", kind="cap", actual=0),
        ),
    ]
    current = month(
        3,
        indicator(completion=0.275),
        indicator(id="tax", kind="growth", actual=7.3),
        indicator(id="share", kind="share", actual=46.25),
        indicator(id="deaths", kind="cap", actual=1),
    )
    fai, tax, share, deaths = with_history(current, earlier, RULES).indicators
    assert fai.previous_completion == 0.125
    assert fai.completion_change == pytest.approx(15.0)
    assert (fai.previous_actual, fai.actual_change) == (None, None)
    assert tax.previous_actual == 8.5
    assert tax.actual_change == pytest.approx(-1.2)
    assert (tax.previous_completion, tax.completion_change) == (None, None)
    assert (share.previous_actual, share.actual_change) == (45.0, 1.25)
    assert (deaths.completion_change, deaths.actual_change, deaths.mom) == (None, None, None)


def test_completion_change_needs_both_months():
    earlier = [month(1, indicator(completion=None))]
    r = with_history(month(2, indicator(completion=0.3)), earlier, RULES).indicators[0]
    assert (r.previous_completion, r.completion_change) == (None, None)


def test_month_on_month_from_cumulative_actuals():
    assert month_on_month([10.0, 25.0, 45.0]) == pytest.approx(100 * (20 / 15 - 1))  # 20 this month, 15 last
    assert month_on_month([10.0, 25.0]) == pytest.approx(50.0)  # January's own value is its cumulative
    assert month_on_month([10.0, 10.0, 20.0]) is None  # nothing done last month: no base
    assert month_on_month([10.0, None, 45.0]) is None  # last month's own value unknown
    assert month_on_month([10.0, 25.0, None]) is None
    assert month_on_month([30.0]) is None
    assert month_on_month([10.0, 25.0, 25.0]) == pytest.approx(-100.0)


def test_mom_only_for_cumulative_amounts_and_counts():
    earlier = [
        month(1, indicator(actual=10.0), indicator(id="tax", kind="growth", actual=8.0)),
        month(2, indicator(actual=25.0), indicator(id="tax", kind="growth", actual=9.0)),
    ]
    current = month(3, indicator(actual=45.0), indicator(id="tax", kind="growth", actual=12.0))
    fai, tax = with_history(current, earlier, RULES).indicators
    assert fai.mom == pytest.approx(33.333333)
    assert tax.mom is None


def test_rank_change_up_down_same_new_and_unranked():
    before = (department("甲", 3), department("乙", 1), department("丙", 4), department("丁", None))
    now = (
        department("甲", 1),
        department("乙", 2),
        department("丙", 4),
        department("丁", 3),
        department("戊", 5),
        department("己", None),
    )
    result = with_history(month(2, departments=now), [month(1, departments=before)], RULES)
    changes = {d.name: (d.previous_rank, d.rank_change) for d in result.departments}
    # Counted among the departments ranked both months (甲, 乙, 丙): 甲 passed 乙 (3 → 1 is one place among
    # them: last month's 2nd is not ranked in either month here), 丁 and 戊 joining move nobody.
    assert changes == {
        "甲": (3, "↑1"),
        "乙": (1, "↓1"),
        "丙": (4, "—"),
        "丁": (None, "新"),
        "戊": (None, "新"),
        "己": (None, ""),
    }


def test_previous_month_missing_compares_nothing():
    current = month(3, indicator("yellow", completion=0.2), departments=(department("甲", 1),))
    result = with_history(current, [month(1, indicator("yellow", completion=0.05)), None], RULES)
    assert result.previous_month_missing is True
    r = result.indicators[0]
    assert (r.previous_completion, r.completion_change, r.mom) == (None, None, None)
    assert (r.lights_history, r.escalation) == (("yellow", "none", "yellow"), "提醒")
    assert (result.departments[0].previous_rank, result.departments[0].rank_change) == (None, "")


def test_january_has_nothing_to_compare():
    result = with_history(
        month(1, indicator("yellow", completion=0.05), departments=(department("甲", 1),)), [], RULES
    )
    assert result.previous_month_missing is False
    r = result.indicators[0]
    assert (r.lights_history, r.flagged_months, r.escalation, r.completion_change) == (
        ("yellow",),
        1,
        "提醒",
        None,
    )
    assert result.departments[0].rank_change == ""


def test_earlier_months_must_be_months_one_to_n_minus_one():
    with pytest.raises(ValueError, match="expected 2, got 1"):
        with_history(month(3, indicator()), [month(1, indicator())], RULES)


def test_results_json_round_trip_and_department_view_keep_the_new_fields(tmp_path):
    earlier = [
        month(
            1,
            indicator("yellow", completion=0.05, actual=5.0),
            departments=(department("经发局", 2), department("商务局", 1)),
        )
    ]
    current = month(
        2,
        indicator("yellow", completion=0.125, actual=12.5),
        departments=(department("经发局", 1), department("商务局", 2)),
    )
    result = with_history(current, earlier, RULES)
    write_json(tmp_path / "results.json", vars(result))
    back = results_from_plain(json.loads((tmp_path / "results.json").read_text(encoding="utf-8")))
    assert back == result
    assert back.indicators[0].lights_history == ("yellow", "yellow")
    mine = for_department(result, "经发局")
    assert (mine.indicators[0].escalation, mine.indicators[0].completion_change) == (
        "督办",
        pytest.approx(7.5),
    )
    assert mine.departments[0].rank_change == "↑1"


def test_trend_series_from_earlier_and_current_results():
    earlier = [month(1, indicator(actual=10.0)), None]
    series = trend_series(earlier, month(3, indicator(actual=45.0)), ["fai"])
    assert series == {"fai": [10.0, None, 45.0] + [None] * 9}


# ---- the pipeline over three months of real workbooks -------------------------------------------------

CONFIG = """\
zone: 测试经开区
year: 2024
departments: [经发局, 招商局]
indicators:
  - {id: fai, name: 固定资产投资, kind: cumulative, unit: 亿元, owner: 经发局, target: 120,
     source: {file: 指标.xlsx, row: 固定资产投资, column: 累计}}
  - {id: fdi, name: 实到外资, kind: cumulative, unit: 亿元, owner: 招商局, target: 120,
     source: {file: 指标.xlsx, row: 实到外资, column: 累计}}
  - {id: tax_growth, name: 税收增长, kind: growth, owner: 招商局, target: 10,
     source: {file: 指标.xlsx, row: 税收增长, column: 累计}}
ranking: {min_indicators: 1}
output:
  excel: {enabled: false}
  word: {enabled: false}
  charts: {enabled: false}
"""
#         fai: 5% / 12.5% / 27.5% of 120; fdi: 1.67% / 17.5% / 20%; 序时 8.3% / 16.7% / 25%
MONTHS = {1: (6, 2, 9.0), 2: (15, 21, 8.5), 3: (33, 24, 7.3), 4: (40, 30, 7.0)}


def write_month(root, m: int, values=None) -> None:
    fai, fdi, tax = values or MONTHS[m]
    write_xlsx(
        data_dir(root, Period(2024, m)) / "指标.xlsx",
        [["指标", "累计"], ["固定资产投资", fai], ["实到外资", fdi], ["税收增长", tax]],
    )


def three_months(tmp_path, months=(1, 2, 3)):
    for m in months:
        write_month(tmp_path, m)
    return config_from(tmp_path, CONFIG)


def test_run_compares_with_last_months_own_data(tmp_path):
    config = three_months(tmp_path)
    outcome = run(config, Period(2024, 3))
    data = json.loads((outcome.folder / "results.json").read_text(encoding="utf-8"))
    fai, fdi, tax = data["indicators"]
    assert fai["previous_completion"] == pytest.approx(0.125)
    assert fai["completion_change"] == pytest.approx(15.0)
    assert fai["mom"] == pytest.approx(100.0)  # 18 this month against 9 in February
    assert (fai["lights_history"], fai["flagged_months"], fai["escalation"]) == (
        ["yellow", "yellow", "green"],
        0,
        "",
    )
    assert fdi["completion_change"] == pytest.approx(2.5)
    assert fdi["mom"] == pytest.approx((3 / 19 - 1) * 100)
    assert (fdi["lights_history"], fdi["escalation"]) == (["yellow", "green", "yellow"], "提醒")
    assert (tax["previous_actual"], tax["actual_change"]) == (8.5, pytest.approx(-1.2))
    assert (tax["lights_history"], tax["flagged_months"], tax["escalation"]) == (
        ["yellow", "yellow", "yellow"],
        3,
        "督办",
    )
    ranks = {d["name"]: (d["rank"], d["previous_rank"], d["rank_change"]) for d in data["departments"]}
    assert ranks == {"经发局": (1, 2, "↑1"), "招商局": (2, 1, "↓1")}
    assert data["previous_month_missing"] is False
    assert results_from_plain(data) == outcome.results


def test_run_without_last_months_folder_says_so(tmp_path):
    config = three_months(tmp_path, months=(1, 3))
    assert [r is None for r in earlier_results(config, Period(2024, 3))] == [False, True]
    results = run(config, Period(2024, 3)).results
    assert results.previous_month_missing is True
    fai = results.indicators[0]
    assert (fai.completion_change, fai.mom, fai.lights_history) == (None, None, ("yellow", "none", "green"))
    assert [d.rank_change for d in results.departments] == ["", ""]


def test_an_empty_earlier_folder_counts_as_missing(tmp_path):
    config = three_months(tmp_path, months=(2, 3))
    data_dir(tmp_path, Period(2024, 1))
    assert [r is None for r in earlier_results(config, Period(2024, 3))] == [True, False]


def test_earlier_months_inputs_are_in_the_fingerprint_even_without_charts(tmp_path):
    config = three_months(tmp_path)
    before, files = fingerprint(config, Period(2024, 3), None)
    assert sorted(f["path"].split("/")[-2] for f in files) == ["2024-01", "2024-02", "2024-03"]
    assert run(config, Period(2024, 3), force=False).skipped is False
    assert run(config, Period(2024, 3), force=False).skipped is True
    write_month(tmp_path, 2, (18, 21, 8.5))
    assert fingerprint(config, Period(2024, 3), None)[0] != before
    again = run(config, Period(2024, 3), force=False)
    assert again.skipped is False
    assert again.results.indicators[0].completion_change == pytest.approx(12.5)


def test_earlier_months_read_in_worker_processes_give_the_same_results(tmp_path, monkeypatch):
    from reportgen import pipeline

    config = three_months(tmp_path, months=(1, 2, 3, 4))
    serial = earlier_results(config, Period(2024, 4))
    monkeypatch.setattr(pipeline, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(pipeline.os, "cpu_count", lambda: 2)
    assert earlier_results(config, Period(2024, 4)) == serial
    assert [r.month for r in serial] == [1, 2, 3]
