"""Progress against the same period last year: last year's 1–N月 completion rate and the change in 百分点.

Figures by hand: this year 112.4 of 200 亿元 is 56.2%; last year's 1–6月 completion 55.3% (typed, or 99.54 of a
180 亿元 target) puts this year 0.9 个百分点 ahead.
"""

from __future__ import annotations

import json
from datetime import datetime

import openpyxl
import pytest
from conftest import PERIOD, config_from, data_dir, write_xlsx
from docx import Document

from reportgen.errors import Location, ProblemList
from reportgen.kinds import sentence
from reportgen.metrics import evaluate
from reportgen.metrics.results import IndicatorResult, results_from_plain
from reportgen.pipeline import run, validate
from reportgen.render.excel_fields import FIELDS, PERCENT, POINTS
from reportgen.sources.collect import read_period

HEADER = ["指标名称", "年度目标", "1-6月累计", "上年同期", "去年同期完成率", "上年目标（万元）"]

CONFIG = """\
zone: 测试经开区
year: 2024
departments: [经发局, 建设局]
indicators:
  - id: fai
    name: 固定资产投资
    kind: cumulative
    unit: 亿元
    owner: 经发局
    target: 200
    source: {{file: 指标.xlsx, row: 固定资产投资, column: 1-6月累计}}
    last_year: {{column: 上年同期}}
{fai}
  - id: starts
    name: 新开工项目
    kind: count
    owner: 建设局
    target: 100
    source: {{file: 指标.xlsx, row: 新开工项目, column: 1-6月累计}}
{starts}
output:
  charts: {{enabled: false}}
"""


def workbook(tmp_path, fai_rate: object = "55.3%", *, percent_format: bool = False):
    """指标.xlsx with 固定资产投资 on row 2 (去年同期完成率 in E2) and 新开工项目 on row 3."""
    path = write_xlsx(
        data_dir(tmp_path) / "指标.xlsx",
        [
            HEADER,
            ["固定资产投资", 200, 112.4, 99.54, fai_rate, 1800000],
            ["新开工项目", 100, 53, 48, None, None],
        ],
    )
    if percent_format:
        book = openpyxl.load_workbook(path)
        book.active["E2"].number_format = "0.0%"
        book.save(path)
    return path


def config(tmp_path, fai: str = "    last_year_completion: {column: 去年同期完成率}", starts: str = ""):
    return config_from(tmp_path, CONFIG.format(fai=fai, starts=starts))


def fai_result(cfg):
    results = evaluate(cfg, read_period(cfg, PERIOD))
    return next(r for r in results.indicators if r.id == "fai"), results


def problems(cfg) -> list[str]:
    return [str(p) for p in read_period(cfg, PERIOD).problems]


# ---- reading 去年同期完成率 from the indicator's own row ----------------------------------------------------


@pytest.mark.parametrize(
    "cell, percent_format",
    [("55.3%", False), (55.3, False), (0.553, True)],
    ids=["text with %", "number in percent", "fraction in a %-formatted cell"],
)
def test_last_year_completion_from_the_row_in_each_way_it_is_typed(tmp_path, cell, percent_format):
    workbook(tmp_path, cell, percent_format=percent_format)
    cfg = config(tmp_path)
    data = read_period(cfg, PERIOD)
    reading = data.last_year_completion["fai"]
    assert reading.value == pytest.approx(55.3)
    assert reading.location == Location("2024-06/指标.xlsx", "Sheet1", "E2")
    assert data.problems == []
    r, _ = fai_result(cfg)
    assert r.last_year_completion == pytest.approx(0.553)
    assert r.completion_vs_last_year == pytest.approx(0.9)  # 56.2% − 55.3%


def test_last_year_completion_as_a_number_in_the_config(tmp_path):
    workbook(tmp_path, None)
    cfg = config(tmp_path, "    last_year_completion: 58.45")
    data = read_period(cfg, PERIOD)
    assert data.last_year_completion["fai"].source == "配置文件 › indicators.fai.last_year_completion"
    r, _ = fai_result(cfg)
    assert r.last_year_completion == pytest.approx(0.5845)
    assert r.completion_vs_last_year == pytest.approx(-2.25)
    assert "完成率比去年同期回落2.3个百分点" in sentence(r)  # half-up: 2.25 → 2.3


def test_other_indicators_are_not_compared(tmp_path):
    workbook(tmp_path)
    cfg = config(tmp_path)
    _, results = fai_result(cfg)
    starts = next(r for r in results.indicators if r.id == "starts")
    assert starts.last_year_completion is None and starts.completion_vs_last_year is None
    assert "去年同期" not in sentence(starts)


# ---- last_year ÷ last_year_target --------------------------------------------------------------------


def test_last_year_target_number_divides_the_configured_last_year(tmp_path):
    workbook(tmp_path, None)
    cfg = config(tmp_path, "    last_year_target: 180")
    r, _ = fai_result(cfg)
    assert r.last_year == pytest.approx(99.54)
    assert r.last_year_completion == pytest.approx(99.54 / 180)
    assert r.completion_vs_last_year == pytest.approx((112.4 / 200 - 99.54 / 180) * 100)
    assert r.completion_vs_last_year == pytest.approx(0.9)


def test_last_year_target_from_a_column_in_another_unit(tmp_path):
    workbook(tmp_path, None)  # 上年目标（万元）1800000 = 180 亿元
    cfg = config(tmp_path, "    last_year_target: {column: 上年目标}")
    data = read_period(cfg, PERIOD)
    assert data.last_year_targets["fai"].value == pytest.approx(180)
    assert data.last_year_targets["fai"].location.cell == "F2"
    r, _ = fai_result(cfg)
    assert r.completion_vs_last_year == pytest.approx(0.9)
    assert "完成年度目标的56.2%，完成率比去年同期提高0.9个百分点，" in sentence(r)


def test_count_indicator_with_a_last_year_target(tmp_path):
    workbook(tmp_path)
    cfg = config(tmp_path, starts="    last_year: {column: 上年同期}\n    last_year_target: 96")
    results = evaluate(cfg, read_period(cfg, PERIOD))
    starts = next(r for r in results.indicators if r.id == "starts")
    assert starts.last_year_completion == pytest.approx(0.5)  # 48 of 96
    assert starts.completion_vs_last_year == pytest.approx(3.0)  # 53% − 50%
    assert sentence(starts) == (
        "新开工项目53个，同比增长10.4%，完成年度目标的53.0%，完成率比去年同期提高3.0个百分点，"
        "超序时进度3.0个百分点"
    )


def test_a_last_year_target_that_is_not_positive_is_a_problem(tmp_path):
    write_xlsx(data_dir(tmp_path) / "指标.xlsx", [HEADER, ["固定资产投资", 200, 112.4, 99.54, None, 0]])
    cfg = config(tmp_path, "    last_year_target: {column: 上年目标}")
    assert any("F2：上年目标未读到：0亿元 不是正数" in p for p in problems(cfg))
    r, _ = fai_result(cfg)
    assert r.last_year_completion is None and r.completion_vs_last_year is None


# ---- wording -----------------------------------------------------------------------------------------


def clause(points: float | None) -> str:
    r = IndicatorResult(
        id="fai",
        name="固定资产投资",
        kind="cumulative",
        unit="亿元",
        group="",
        owner="经发局",
        target=200,
        stretch=None,
        actual=112.4,
        completion=0.562,
        time_progress=0.5,
        gap=6.2,
        light="green",
        last_year_completion=None if points is None else 0.562 - points / 100,
        completion_vs_last_year=points,
    )
    return sentence(r)


def test_sentence_rises_falls_and_holds_on_the_shown_value():
    assert clause(0.9) == (
        "完成固定资产投资112.40亿元，完成年度目标的56.2%，完成率比去年同期提高0.9个百分点，"
        "超序时进度6.2个百分点"
    )
    assert "完成率比去年同期提高0.3个百分点" in clause(0.25)  # half-up, not half-even (0.2)
    assert "完成率比去年同期回落1.5个百分点" in clause(-1.45)
    assert "完成率与去年同期持平" in clause(0.04)  # shows as 0.0
    assert "完成率与去年同期持平" in clause(-0.049)
    assert "完成率比去年同期回落0.1个百分点" in clause(-0.05)
    # 56.25% against 56.2%: 0.0499999… in floats, shown as 0.1 — so it is not 持平
    assert "完成率比去年同期提高0.1个百分点" in clause((0.5625 - 0.562) * 100)
    assert "去年同期" not in clause(None)


# ---- not reported ------------------------------------------------------------------------------------


def test_placeholder_in_the_cell_is_not_stated_and_is_listed(tmp_path):
    workbook(tmp_path, "—")
    cfg = config(tmp_path)
    expected = "2024-06/指标.xlsx › Sheet1 › E2：去年同期完成率未读到：“—”表示未填报，不与去年同期完成率比较（指标：固定资产投资）"
    assert problems(cfg) == [expected]
    r, results = fai_result(cfg)
    assert r.last_year_completion is None and r.completion_vs_last_year is None
    assert r.completion == pytest.approx(0.562)  # the indicator itself is judged as usual
    assert "去年同期" not in sentence(r)
    assert expected in results.problems
    assert expected in validate(cfg, PERIOD)  # `reportgen validate --period` lists it too


def test_missing_column_is_listed_once_and_the_rest_is_read(tmp_path):
    workbook(tmp_path)
    cfg = config(tmp_path, "    last_year_completion: {column: 去年完成率}")
    found = problems(cfg)
    assert len(found) == 1 and "去年同期完成率未读到：" in found[0] and "去年完成率" in found[0]
    r, _ = fai_result(cfg)
    assert r.actual == pytest.approx(112.4) and r.completion_vs_last_year is None


# ---- config errors -----------------------------------------------------------------------------------


def config_problems(tmp_path, fai: str) -> list[str]:
    workbook(tmp_path)
    with pytest.raises(ProblemList) as exc:
        config(tmp_path, fai)
    return [str(p) for p in exc.value.problems]


def test_both_ways_at_once_is_a_config_error(tmp_path):
    found = config_problems(tmp_path, "    last_year_completion: 55.3\n    last_year_target: 180")
    assert len(found) == 1
    assert "indicators[0].last_year_target" in found[0] and "只能写一个" in found[0]


def test_last_year_target_without_last_year_is_a_config_error(tmp_path):
    text = CONFIG.replace("    last_year: {{column: 上年同期}}\n", "")
    workbook(tmp_path)
    with pytest.raises(ProblemList) as exc:
        config_from(tmp_path, text.format(fai="    last_year_target: 180", starts=""))
    (found,) = [str(p) for p in exc.value.problems]
    assert "indicators[0].last_year_target" in found and "还需写 last_year" in found


@pytest.mark.parametrize(
    "fai, key, message",
    [
        ("    last_year_target: 0", "last_year_target", "应 > 0，现为 0"),
        ("    last_year_completion: -5", "last_year_completion", "应 ≥ 0，现为 -5"),
        (
            "    last_year_completion: '73.2%'",
            "last_year_completion",
            "应为数字（或写 {column: 去年同期完成率} 从报表该行读取），现为 '73.2%'",
        ),
    ],
)
def test_wrong_numbers_are_one_config_error_each(tmp_path, fai, key, message):
    (found,) = config_problems(tmp_path, fai)
    assert f"indicators[0].{key}（第 13 行）：{message}" in found


def test_ledger_indicator_must_name_the_file_and_row(tmp_path):
    text = """\
zone: 测试经开区
year: 2024
departments: [建设局]
indicators:
  - id: starts
    name: 新开工项目
    kind: count
    owner: 建设局
    target: 60
    source: {ledger: projects, count_where: {started: true}}
    last_year_completion: {column: 去年同期完成率}
ledgers:
  projects: {file: 重点项目.xlsx}
"""
    with pytest.raises(ProblemList) as exc:
        config_from(tmp_path, text)
    found = [str(p) for p in exc.value.problems]
    assert any("indicators[0].last_year_completion" in p and "需写明 file 和 row" in p for p in found), found


# ---- the whole run ------------------------------------------------------------------------------------


def test_run_states_the_comparison_in_the_report_and_results(tmp_path):
    workbook(tmp_path)
    template = tmp_path / "模板.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "同期"
    book.active.append(["指标", "去年同期完成率", "比去年同期"])
    book.active.append(
        ["{{indicator.name}}", "{{indicator.last_year_completion}}", "{{indicator.completion_vs_last_year}}"]
    )
    book.active["B2"].number_format, book.active["C2"].number_format = "0.0%", "+0.0;-0.0;0.0"  # staff's own
    book.save(template)
    text = CONFIG.format(fai="    last_year_completion: {column: 去年同期完成率}", starts="")
    cfg = config_from(tmp_path, text + "  excel: {template: 模板.xlsx}\n")
    result = run(cfg, PERIOD, now=datetime(2024, 7, 5, 9, 0))

    doc = Document(str(result.report))
    texts = [p.text for p in doc.paragraphs]
    texts += [c.text for t in doc.tables for row in t.rows for c in row.cells]
    said = [t for t in texts if "完成率比去年同期" in t]
    assert said and all("完成率比去年同期提高0.9个百分点" in t for t in said)
    assert any(t.startswith("1-6月，") and "固定资产投资" in t for t in said)
    clauses = [c for t in texts for c in t.split("；")]
    assert any(c.startswith("新开工项目53个") for c in clauses)
    assert not any("新开工项目" in c and "去年同期" in c for c in clauses)  # nothing configured for it

    plain = json.loads((result.folder / "results.json").read_text(encoding="utf-8"))
    fai = next(i for i in plain["indicators"] if i["id"] == "fai")
    assert fai["last_year_completion"] == pytest.approx(0.553)
    assert fai["completion_vs_last_year"] == pytest.approx(0.9)
    back = next(i for i in results_from_plain(plain).indicators if i.id == "fai")
    assert back.completion_vs_last_year == pytest.approx(0.9)

    ws = openpyxl.load_workbook(result.workbook)["同期"]
    rows = {ws.cell(r, 1).value: (ws.cell(r, 2), ws.cell(r, 3)) for r in range(2, ws.max_row + 1)}
    share, points = rows["固定资产投资"]
    assert share.value == 0.553 and share.number_format == "0.0%"  # stored as its format shows it
    assert points.value == 0.9 and points.number_format == "+0.0;-0.0;0.0"
    assert rows["新开工项目"][0].value is None and rows["新开工项目"][1].value is None


def test_excel_fields_name_and_format_the_markers():
    assert FIELDS["indicator"]["last_year_completion"][0] == "去年同期完成率"
    assert FIELDS["indicator"]["last_year_completion"][2] == PERCENT
    assert FIELDS["indicator"]["completion_vs_last_year"][0] == "完成率比去年同期（百分点）"
    assert FIELDS["indicator"]["completion_vs_last_year"][2] == POINTS


def test_results_json_written_before_this_feature_still_loads(tmp_path):
    workbook(tmp_path)
    result = run(config(tmp_path), PERIOD, now=datetime(2024, 7, 5, 9, 0))
    plain = json.loads((result.folder / "results.json").read_text(encoding="utf-8"))
    for i in plain["indicators"]:
        del i["last_year_completion"], i["completion_vs_last_year"]
    r = next(i for i in results_from_plain(plain).indicators if i.id == "fai")
    assert r.last_year_completion is None and r.completion_vs_last_year is None
    assert r.completion == pytest.approx(0.562)
