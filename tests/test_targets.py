"""Targets read from the submitted sheet (确保 / 力争 / 目标增速 columns beside each indicator's row).

Each test writes a real workbook under tmp_path, reads it with `read_period` and evaluates it, asserting on
the target used, where it came from, how it is worded, and what is reported when it cannot be read.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from conftest import PERIOD, config_from, data_dir, write_xlsx

from reportgen.cli import main
from reportgen.errors import Location
from reportgen.kinds import sentence as indicator_sentence
from reportgen.metrics import evaluate
from reportgen.pipeline import check, run
from reportgen.render.report import indicator_row
from reportgen.sources.collect import read_period

FILE = "主要经济指标.xlsx"
WHERE = f"2024-06/{FILE} › 主要指标"

HEAD = """\
zone: 测试经开区
year: 2024
departments: [经发局, 税务局]
output: {charts: {enabled: false}}
indicators:
"""

FAI = """\
  - id: fai
    name: 固定资产投资
    kind: cumulative
    unit: 亿元
    owner: 经发局
    source: {file: 主要经济指标.xlsx, sheet: 主要指标, row: 固定资产投资, column: 1-6月累计}
"""


def main_sheet(tmp_path, fai_target=2000000, fai_stretch=2200000):
    """主要指标 in 万元: 固定资产投资 确保 200亿、力争 220亿, 1-6月 112.4亿 (row 4: B4 确保, C4 力争)."""
    write_xlsx(
        data_dir(tmp_path) / FILE,
        [
            ["2024年1-6月主要经济指标完成情况表", None, None, None],
            ["单位：万元", None, None, None],
            ["指标名称", "确保", "力争", "1-6月累计"],
            ["固定资产投资", fai_target, fai_stretch, 1124000],
            ["新开工项目（个）", 60, 70, 33],
        ],
        sheet="主要指标",
        merges=("A1:D1",),
    )


def evaluated(tmp_path, indicators: str):
    config = config_from(tmp_path, HEAD + indicators)
    data = read_period(config, PERIOD)
    return {r.id: r for r in evaluate(config, data).indicators}, [str(p) for p in data.problems], data


def test_target_and_stretch_from_the_sheet_converted_to_the_indicator_unit(tmp_path):
    main_sheet(tmp_path)
    both = "    target: {column: 确保}\n    stretch: {column: 力争}\n"
    results, problems, data = evaluated(tmp_path, FAI + both)
    assert problems == []
    assert data.targets["fai"].value == pytest.approx(200)  # 2000000 万元 -> 200 亿元
    assert data.targets["fai"].location == Location(f"2024-06/{FILE}", "主要指标", "B4")
    r = results["fai"]
    assert (r.target, r.stretch) == (pytest.approx(200), pytest.approx(220))
    assert r.completion == pytest.approx(112.4 / 200)
    assert r.stretch_completion == pytest.approx(112.4 / 220)
    assert r.target_source == f"{WHERE} › B4"
    assert r.stretch_source == f"{WHERE} › C4"
    assert r.target_label == "年度目标"
    assert "完成年度目标的56.2%、力争目标的51.1%" in indicator_sentence(r)


def test_target_cell_overrides_every_part_of_the_source(tmp_path):
    main_sheet(tmp_path)
    write_xlsx(data_dir(tmp_path) / "目标.xlsx", [["指标", "全年目标（亿元）"], ["固投", 250]], sheet="目标")
    results, problems, _ = evaluated(
        tmp_path,
        FAI + "    target: {file: 目标.xlsx, sheet: 目标, row: 固投, label_column: 指标, column: 全年目标}\n",
    )
    assert problems == []
    assert results["fai"].target == pytest.approx(250)
    assert results["fai"].target_source == "2024-06/目标.xlsx › 目标 › B2"


def test_stretch_only_is_the_benchmark_and_worded_as_such(tmp_path):
    main_sheet(tmp_path)
    starts = """\
  - id: starts
    name: 新开工项目
    kind: count
    owner: 经发局
    stretch: 70
    source: {file: 主要经济指标.xlsx, sheet: 主要指标, row: 新开工项目, column: 1-6月累计}
"""
    results, problems, _ = evaluated(tmp_path, FAI + "    stretch: {column: 力争}\n" + starts)
    assert problems == []
    fai = results["fai"]
    assert (fai.target, fai.stretch, fai.target_label) == (pytest.approx(220), None, "力争目标")
    assert fai.target_source == f"{WHERE} › C4"
    assert fai.completion == pytest.approx(112.4 / 220)
    assert fai.gap == pytest.approx((112.4 / 220 - 0.5) * 100)
    assert fai.light == "green"
    sentence = indicator_sentence(fai)
    assert "完成力争目标的51.1%" in sentence and "年度目标" not in sentence
    assert indicator_row(fai, 2.0, 10.0)["target"] == "—/220"
    starts_result = results["starts"]
    assert (starts_result.target, starts_result.target_label) == (70, "力争目标")
    assert starts_result.completion == pytest.approx(33 / 70)


def test_growth_target_from_a_percent_text_column(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.title = "主要指标"
    for row in (
        ["指标名称", "目标增速", "1-6月增速"],
        ["税收收入", "10%", 12.5],
        ["规上工业增加值", 0.08, 6.0],
    ):
        ws.append(row)
    ws["B3"].number_format = "0.0%"  # 8% typed into a percent-formatted cell is stored as 0.08
    path = data_dir(tmp_path) / FILE
    book.save(path)
    growth = """\
  - id: {id}
    name: {name}
    kind: growth
    owner: 税务局
    target: {{column: 目标增速}}
    source: {{file: 主要经济指标.xlsx, sheet: 主要指标, row: {name}, column: 1-6月增速}}
"""
    results, problems, _ = evaluated(
        tmp_path,
        growth.format(id="tax", name="税收收入") + growth.format(id="industry", name="规上工业增加值"),
    )
    assert problems == []
    tax, industry = results["tax"], results["industry"]
    assert tax.target == pytest.approx(10.0) and tax.gap == pytest.approx(2.5) and tax.light == "green"
    assert tax.target_source == f"{WHERE} › B2"
    assert industry.target == pytest.approx(8.0) and industry.gap == pytest.approx(-2.0)
    assert industry.light == "yellow"


def test_growth_target_from_sheet_beside_amounts_is_read_as_percent(tmp_path):
    write_xlsx(
        data_dir(tmp_path) / FILE,
        [
            ["单位：万元", None, None, None],
            ["指标名称", "目标增速", "1-6月累计", "上年同期"],
            ["税收收入", 10, 110000, 100000],  # the sheet's 万元 is not the target's unit
        ],
        sheet="主要指标",
    )
    results, problems, _ = evaluated(
        tmp_path,
        """\
  - id: tax
    name: 税收收入
    kind: growth
    owner: 税务局
    target: {column: 目标增速}
    last_year: {column: 上年同期}
    source: {file: 主要经济指标.xlsx, sheet: 主要指标, row: 税收收入, column: 1-6月累计}
""",
    )
    assert problems == []
    assert results["tax"].target == pytest.approx(10.0)
    assert results["tax"].actual == pytest.approx(10.0)
    assert results["tax"].on_track is True


def test_share_and_cap_targets_from_the_sheet(tmp_path):
    write_xlsx(
        data_dir(tmp_path) / FILE,
        [
            ["指标名称", "目标", "1-6月"],
            ["服务业增加值占比", "3个百分点", 44.0],
            ["安全事故死亡人数", 0, 1],
        ],
        sheet="主要指标",
    )
    results, problems, _ = evaluated(
        tmp_path,
        """\
  - id: services
    name: 服务业增加值占比
    kind: share
    owner: 经发局
    base: 40
    target: {column: 目标}
    source: {file: 主要经济指标.xlsx, sheet: 主要指标, row: 服务业增加值占比, column: 1-6月}
  - id: deaths
    name: 安全事故死亡人数
    kind: cap
    unit: 人
    owner: 经发局
    target: {column: 目标}
    source: {file: 主要经济指标.xlsx, sheet: 主要指标, row: 安全事故死亡人数, column: 1-6月}
""",
    )
    assert problems == []
    services, deaths = results["services"], results["deaths"]
    assert services.target == pytest.approx(43.0) and services.gap == pytest.approx(1.0)
    assert services.note.startswith("较上年40%提高3个百分点")
    assert services.target_source == f"{WHERE} › B2"
    assert deaths.target == 0 and deaths.light == "red"
    assert deaths.target_source == f"{WHERE} › B3"


@pytest.mark.parametrize(
    "cell, why", [("—", "“—”表示未填报"), ("待定", "“待定”不是数字"), (0, "0亿元 不是正数")]
)
def test_unreadable_target_leaves_the_indicator_unjudged(tmp_path, cell, why):
    main_sheet(tmp_path, fai_target=cell)
    plan = "    plan: [10, 20, 30, 40, 55, 70, 85, 100, 120, 140, 170, 200]\n"  # plan mode divides by target
    results, problems, _ = evaluated(tmp_path, FAI + "    target: {column: 确保}\n" + plan)
    r = results["fai"]
    assert r.actual == pytest.approx(112.4)  # the figure is still shown
    assert r.target is None and r.completion is None and r.gap is None
    assert (r.light, r.on_track, r.checkpoint_met) == ("none", None, None)
    assert r.note.startswith(f"目标未读到：{WHERE} › B4")
    [problem] = problems
    assert problem.startswith(f"{WHERE} › B4：确保目标") and why in problem
    assert "该指标不作评价" in problem and problem.endswith("（指标：固定资产投资）")
    assert "目标未读到，未作评价" in indicator_sentence(r)


def test_missing_target_column_is_one_problem_and_no_target(tmp_path):
    main_sheet(tmp_path)
    results, problems, _ = evaluated(tmp_path, FAI + "    target: {column: 年度目标}\n")
    assert results["fai"].light == "none" and results["fai"].target is None
    [problem] = problems
    assert problem.startswith(f"{WHERE}：确保目标未读到：找不到表头“年度目标”")


def test_config_value_disagreeing_with_the_sheet_is_reported_and_config_used(tmp_path):
    main_sheet(tmp_path)
    results, problems, _ = evaluated(tmp_path, FAI + "    target: {column: 确保, value: 210}\n")
    assert problems == [
        (
            f"{WHERE} › B4：确保目标与配置不一致：报表为 200亿元，配置为 210亿元；"
            "按配置的 210亿元 计算（指标：固定资产投资）"
        )
    ]
    r = results["fai"]
    assert r.target == 210 and r.completion == pytest.approx(112.4 / 210)
    assert r.target_source == ""  # the config's figure, not the sheet's


def test_config_value_agreeing_after_unit_conversion_is_quiet(tmp_path):
    main_sheet(tmp_path, fai_target=2000000.0000001)  # float noise after 万元 -> 亿元
    results, problems, _ = evaluated(tmp_path, FAI + "    target: {column: 确保, value: 200}\n")
    assert problems == []
    assert results["fai"].target == 200


def test_config_value_used_when_the_sheet_cell_is_blank(tmp_path):
    main_sheet(tmp_path, fai_target="—")
    results, problems, _ = evaluated(tmp_path, FAI + "    target: {column: 确保, value: 200}\n")
    assert results["fai"].target == 200 and results["fai"].light == "green"
    [problem] = problems
    assert "确保目标未读到" in problem and "按配置的 200亿元 计算" in problem


def test_validate_lists_targets_with_provenance(tmp_path, capsys):
    main_sheet(tmp_path)
    targets = "    target: {column: 确保}\n    stretch: {column: 力争, value: 230}\n"
    config = config_from(tmp_path, HEAD + FAI + targets)
    report = check(config, PERIOD)
    assert report.targets == [
        f"固定资产投资 确保目标 200亿元 ← {WHERE} › B4",
        f"固定资产投资 力争目标 230亿元（按配置；报表 220亿元 ← {WHERE} › C4）",
    ]
    assert report.problems == [
        (
            f"{WHERE} › C4：力争目标与配置不一致：报表为 220亿元，配置为 230亿元；"
            "按配置的 230亿元 计算（指标：固定资产投资）"
        )
    ]
    assert main(["validate", "-c", str(tmp_path / "config.yaml"), "-p", "2024-06"]) == 1
    out, err = capsys.readouterr()
    assert f"  固定资产投资 确保目标 200亿元 ← {WHERE} › B4" in out.splitlines()
    assert "力争目标与配置不一致" in err


def test_validate_without_sheet_targets_lists_none(tmp_path):
    main_sheet(tmp_path)
    report = check(config_from(tmp_path, HEAD + FAI + "    target: 200\n"), PERIOD)
    assert (report.targets, report.problems) == ([], [])


def test_ledger_indicator_needs_file_and_row_for_a_sheet_target(tmp_path):
    from reportgen.errors import ProblemList

    with pytest.raises(ProblemList) as exc:
        config_from(
            tmp_path,
            HEAD
            + """\
  - id: starts
    name: 新开工项目
    kind: count
    owner: 经发局
    target: {column: 确保}
    source: {ledger: projects, count_where: {}}
ledgers:
  projects: {file: 重点项目.xlsx}
""",
        )
    assert any("indicators[0].target" in line and "file 和 row" in line for line in exc.value.lines())


def test_run_with_targets_from_the_sheet_writes_the_report(tmp_path):
    main_sheet(tmp_path, fai_target="—")
    starts = """\
  - id: starts
    name: 新开工项目
    kind: count
    owner: 经发局
    stretch: {column: 力争}
    source: {file: 主要经济指标.xlsx, sheet: 主要指标, row: 新开工项目, column: 1-6月累计}
"""
    config = config_from(tmp_path, HEAD + FAI + "    target: {column: 确保}\n" + starts)
    result = run(config, PERIOD, now=datetime(2024, 7, 8, 9, 0))
    assert result.report is not None and result.workbook is not None
    by_id = {r.id: r for r in result.results.indicators}
    assert by_id["fai"].light == "none" and by_id["starts"].target_label == "力争目标"
    from openpyxl import load_workbook

    sheet = load_workbook(result.workbook).worksheets[0]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(r for r in rows if "确保目标" in r)
    starts_row = next(r for r in rows if "新开工项目" in r)
    assert starts_row[header.index("确保目标")] is None
    assert starts_row[header.index("力争目标")] == 70
    fai_row = next(r for r in rows if "固定资产投资" in r)
    assert fai_row[header.index("状态")] == "未评价"  # reported, but no target to judge it by
    from docx import Document

    text = "\n".join(p.text for p in Document(result.report).paragraphs)
    assert "1项目标未读到、未作评价（固定资产投资）" in text and "未报送（固定资产投资）" not in text
    assert "新开工项目33个，完成力争目标的47.1%" in text
