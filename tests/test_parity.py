"""Parity with real published 通报: a zone-wide 序时 that drives everything, precision by config, the zone's own
collective word, the indicator's 谓语, small amounts in the unit that keeps their digits, graded suggestions."""

from __future__ import annotations

from datetime import datetime

import openpyxl
import pytest
from conftest import data_dir, write_config, write_xlsx
from docx import Document

from reportgen.config import load_config
from reportgen.errors import ReportgenError
from reportgen.period import Period
from reportgen.pipeline import run

NOW = datetime(2024, 9, 6, 9, 0)

# A county 重点项目 note: 10% of the annual plan per month (i.e. 120% × N/12), 全县, figures as officials print them.
COUNTY = """\
zone: 示范县
year: 2024
collective: 全县
departments: [发改局, 住建局, 商务局]
{extra}
indicators:
  - {{id: key, name: 重点项目完成投资, kind: cumulative, unit: 亿元, owner: 发改局, target: 120, verb: "",
     source: {{file: 指标.xlsx, row: 重点项目完成投资, column: 累计}}}}
  - {{id: city, name: 市重点项目投资, kind: cumulative, unit: 亿元, owner: 住建局, target: 40, verb: 完成,
     source: {{file: 指标.xlsx, row: 市重点项目投资, column: 累计}}}}
  - {{id: fdi, name: 实际利用外资, kind: cumulative, unit: 亿元, owner: 商务局, target: 1,
     source: {{file: 指标.xlsx, row: 实际利用外资, column: 累计}}}}
  - {{id: trade, name: 外贸进出口, kind: cumulative, unit: 亿元, owner: 商务局, target: 100,
     source: {{file: 指标.xlsx, row: 外贸进出口, column: 累计}}}}
output:
  charts: {{enabled: false}}
{output}"""


def county(tmp_path, month: int, values: dict, extra: str = "progress: {monthly: 10}", output: str = ""):
    write_config(tmp_path, COUNTY.format(extra=extra, output=output))
    rows = [["指标", "累计"]] + [[name, value] for name, value in values.items()]
    write_xlsx(data_dir(tmp_path, Period(2024, month)) / "指标.xlsx", rows)
    config = load_config(tmp_path / "config.yaml")
    return run(config, Period(2024, month), tmp_path / "out", now=NOW)


def text_of(result) -> str:
    return "\n".join(p.text for p in Document(str(result.report)).paragraphs)


def test_a_zone_plan_drives_the_headline_lights_checkpoint_and_every_sentence(tmp_path):
    # 1-6月: plan 60%; 66.12 of 120 = 55.1% is 4.9 points behind it — not 双过半, whatever N/12 says.
    result = county(
        tmp_path,
        6,
        {"重点项目完成投资": 66.12, "市重点项目投资": 26, "实际利用外资": 0.6925, "外贸进出口": 60.4},
    )
    by = {r.id: r for r in result.results.indicators}
    assert result.results.time_progress == pytest.approx(0.6)
    assert by["key"].time_progress == pytest.approx(0.6) and by["key"].light == "yellow"
    assert by["key"].checkpoint_met is False and "key" in result.results.checkpoint.exceptions
    text = text_of(result)
    assert "本期为60.0%（按本区序时计划）" in text and "50.0%" not in text.split("二、")[0]
    assert (
        "重点项目完成投资66.12亿元，完成年度目标的55.1%，落后序时进度4.9个百分点" in text
    )  # verb: "" — no 完成
    assert "实现“双过半”" in text and "分别是：重点项目完成投资" in text
    wb = openpyxl.load_workbook(result.workbook)
    assert "序时进度60.0%" in wb["指标完成情况"]["A2"].value


def test_an_indicator_plan_still_overrides_the_zone_plan_and_the_lead_names_it(tmp_path):
    text = COUNTY.replace("target: 1,\n", "target: 1, progress: month,\n")
    write_config(tmp_path, text.format(extra="progress: {monthly: 10}", output=""))
    write_xlsx(
        data_dir(tmp_path, Period(2024, 8)) / "指标.xlsx",
        [
            ["指标", "累计"],
            ["重点项目完成投资", 96.4],
            ["市重点项目投资", 30],
            ["实际利用外资", 0.7],
            ["外贸进出口", 70],
        ],
    )
    result = run(load_config(tmp_path / "config.yaml"), Period(2024, 8), tmp_path / "out", now=NOW)
    assert "本期为80.0%（按本区序时计划），按各自计划或天数考核的实际利用外资66.7%" in text_of(result)


def HEADER_OF(table) -> list[str]:  # noqa: N802
    return [c.text for c in table.rows[0].cells]


def test_two_decimal_precision_everywhere(tmp_path):
    result = county(
        tmp_path,
        6,
        {"重点项目完成投资": 110.208, "市重点项目投资": 26.668, "实际利用外资": 0.5, "外贸进出口": 60.4},
        extra="progress: month",
        output="  precision: {rates: 2}\n",
    )
    text = text_of(result)
    assert "完成年度目标的91.84%，超序时进度41.84个百分点" in text
    assert "完成市重点项目投资26.67亿元，完成年度目标的66.67%，超序时进度16.67个百分点" in text
    table = next(t for t in Document(str(result.report)).tables if t.rows[0].cells[0].text == "指标")
    row = next(
        dict(zip(HEADER_OF(table), [c.text for c in r.cells]))
        for r in table.rows
        if r.cells[0].text == "重点项目完成投资"
    )
    assert (row["完成率"], row["序时进度"], row["差距（百分点）"]) == ("91.84%", "50.00%", "+41.84")
    ws = openpyxl.load_workbook(result.workbook)["指标完成情况"]
    head = [c.value for c in ws[3]]
    cell = ws.cell(4, head.index("完成率") + 1)
    assert cell.number_format == "0.00%" and cell.value == 0.9184
    assert ws.cell(4, head.index("差距（百分点）") + 1).value == 41.84


def test_config_rejects_a_plan_without_figures(tmp_path):
    write_config(tmp_path, COUNTY.format(extra="progress: {mode: plan}", output=""))
    with pytest.raises(ReportgenError, match="progress"):
        load_config(tmp_path / "config.yaml")


def test_collective_word_verb_and_small_amounts(tmp_path):
    result = county(
        tmp_path,
        6,
        {"重点项目完成投资": 96.4, "市重点项目投资": 30, "实际利用外资": 0.6925, "外贸进出口": 60.4},
        extra="progress: month",
    )
    text = text_of(result)
    assert "1-6月，全县重点项目完成投资96.40亿元" in text and "全区" not in text
    assert "完成实际利用外资6925万元" in text and "0.69亿元" not in text
    assert "完成市重点项目投资30.00亿元" in text


def test_suggestions_are_graded_by_how_far_behind(tmp_path):
    # 1-6月, N/12: 外贸 49.6% is 0.4 behind (略低于), 市重点 40% is 10 behind (落后), 外资 30% is 20 behind (red).
    result = county(
        tmp_path,
        6,
        {"重点项目完成投资": 66, "市重点项目投资": 16, "实际利用外资": 0.3, "外贸进出口": 49.6},
        extra="progress: month",
    )
    section = text_of(result).split("下步建议")[-1]
    # one sentence per department, each item graded within it
    assert (
        "请商务局针对实际利用外资（督办）明显滞后，分析原因，倒排工期，挂图作战；"
        "针对外贸进出口（提醒）略低于序时进度，持续跟踪，确保尽快追上。"
    ) in section
    assert "请住建局针对市重点项目投资（提醒）进度落后，制定追赶措施，加强调度。" in section
    assert "外贸进出口明显滞后" not in section and "针对外贸进出口（提醒）进度落后" not in section


@pytest.mark.parametrize(
    "extra, message",
    [
        ("progress: {plan: {3: 20, 6: 15, 12: 100}}", "应逐月不减：3月为 20%，6月却为 15%"),
        ("progress: {monthly: 50}", "一年累计超过 200%"),
    ],
)
def test_an_implausible_zone_plan_is_refused(tmp_path, extra, message):
    write_config(tmp_path, COUNTY.format(extra=extra, output=""))
    with pytest.raises(ReportgenError, match=message):
        load_config(tmp_path / "config.yaml")


def test_an_indicator_plan_that_falls_or_overshoots_is_refused(tmp_path):
    base = COUNTY.format(extra="", output="")
    write_config(tmp_path, base.replace("target: 1,\n", "target: 1, plan: {3: 0.5, 6: 0.3},\n"))
    with pytest.raises(ReportgenError, match="plan 是各月累计计划，应逐月不减"):
        load_config(tmp_path / "config.yaml")
    write_config(tmp_path, base.replace("target: 1,\n", "target: 1, plan: {6: 120},\n"))
    with pytest.raises(ReportgenError, match="超过 2亿元（目标的两倍）"):
        load_config(tmp_path / "config.yaml")


def test_the_checkpoint_counts_are_the_same_in_word_excel_and_the_cli(tmp_path, capsys):
    """One label, one set: the trial's CLI said "9/11 项进度指标" where Word said "纳入进度考核的12项指标中，9项"."""
    from reportgen.cli import main

    result = county(
        tmp_path,
        6,
        {"重点项目完成投资": 66.12, "市重点项目投资": 26, "实际利用外资": "—", "外贸进出口": 60.4},
    )
    said = "纳入进度考核的4项指标中，2项实现“双过半”，1项未实现，1项未报送"
    assert "1-6月，纳入进度考核的4项指标中，2项实现“双过半”，1项未实现" in text_of(result)
    assert said in openpyxl.load_workbook(result.workbook)["指标完成情况"]["A2"].value
    capsys.readouterr()
    assert (
        main(["run", "-c", str(tmp_path / "config.yaml"), "-p", "2024-06", "-o", str(tmp_path / "cli")]) == 0
    )
    assert said in capsys.readouterr().err
