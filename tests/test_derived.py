"""Derived rows: `source: {sum: […]}` and `source: {ratio: [分子, 分母]}` computed from other rows of the period."""

from __future__ import annotations

import openpyxl
import pytest
from conftest import PERIOD, config_from, data_dir, write_config, write_xlsx
from docx import Document

from reportgen.errors import Location, ProblemList
from reportgen.inputs import PeriodData, Reading
from reportgen.metrics import evaluate
from reportgen.period import Period
from reportgen.pipeline import check, run, validate
from reportgen.sources.collect import expected_submissions, input_files

HEAD = """\
zone: 测试经开区
year: 2024
departments: [经发局, 商务局]
output: {charts: {enabled: false}}
indicators:
"""
CELL = 'source: {file: 指标.xlsx, row: %s, column: "1-{month}月累计"}'

PARTS = f"""\
  - id: prov
    name: 省重点项目投资
    kind: cumulative
    unit: 亿元
    owner: 经发局
    target: 100
    {CELL % "省重点项目投资"}
  - id: city
    name: 市重点项目投资
    kind: cumulative
    unit: 亿元
    owner: 经发局
    target: 80
    {CELL % "市重点项目投资"}
"""
TOTAL = """\
  - id: total
    name: 省市重点项目投资
    kind: cumulative
    unit: 亿元
    owner: 经发局
    group: 项目仗
    target: 200
    stretch: 225
    source: {sum: [prov, city]}
"""
HERE = Location("2024-06/指标.xlsx", "Sheet1", "B2")


def evaluated(tmp_path, indicators: str, month: int = 6, last_year: dict | None = None, **values):
    """Results of `indicators` with each keyword's reading (None: not reported) and last year's values."""
    config = config_from(tmp_path, HEAD + indicators)
    data = PeriodData(
        Period(2024, month),
        readings={k: Reading(v, HERE, "" if v is not None else "未填报") for k, v in values.items()},
        last_year={k: Reading(v, HERE) for k, v in (last_year or {}).items()},
    )
    results = evaluate(config, data)
    return results, {r.id: r for r in results.indicators}


def config_problems(tmp_path, indicators: str) -> list[str]:
    path = write_config(tmp_path, HEAD + indicators)
    from reportgen.config import load_config

    with pytest.raises(ProblemList) as exc:
        load_config(path)
    return [str(p).removeprefix(f"{path}：") for p in exc.value.problems]


def test_sum_of_two_cumulative_rows_has_its_own_target_light_and_checkpoint(tmp_path):
    results, by_id = evaluated(
        tmp_path, PARTS + TOTAL, prov=60.0, city=30.0, last_year={"prov": 50.0, "city": 25.0}
    )
    total = by_id["total"]
    assert [r.id for r in results.indicators] == ["prov", "city", "total"]  # config order
    assert total.actual == 90.0
    assert total.target == 200.0 and total.stretch == 225.0
    assert total.completion == pytest.approx(0.45)
    assert total.stretch_completion == pytest.approx(0.4)
    assert total.time_progress == pytest.approx(0.5)
    assert total.gap == pytest.approx(-5.0)
    assert total.light == "yellow" and total.on_track is False
    assert total.checkpoint_met is False  # June: 双过半
    assert "total" in results.checkpoint.exceptions and "prov" not in results.checkpoint.exceptions
    assert total.last_year == 75.0 and total.yoy == pytest.approx(20.0)  # 90 / (50 + 25)
    assert total.source == "合计：省重点项目投资 + 市重点项目投资"
    assert by_id["prov"].source == "2024-06/指标.xlsx › Sheet1 › B2"  # each part keeps its own
    assert total.group == "项目仗" and total.owner == "经发局" and total.note == ""


def test_sum_without_every_part_last_year_has_no_yoy(tmp_path):
    _, by_id = evaluated(tmp_path, PARTS + TOTAL, prov=60.0, city=30.0, last_year={"prov": 50.0})
    assert by_id["total"].last_year is None and by_id["total"].yoy is None
    assert by_id["total"].completion == pytest.approx(0.45)


def test_sum_of_wan_and_yi_parts_is_converted_to_the_rows_unit(tmp_path):
    parts = PARTS.replace(
        "unit: 亿元\n    owner: 经发局\n    target: 80", "unit: 万元\n    owner: 经发局\n    target: 800000"
    )
    in_wan = (
        TOTAL.replace("id: total", "id: total_wan")
        .replace("unit: 亿元", "unit: 万元")
        .replace("target: 200\n    stretch: 225", "target: 2000000")
    )
    _, by_id = evaluated(
        tmp_path, parts + TOTAL + in_wan, prov=12.5, city=7500.0, last_year={"prov": 10.0, "city": 5000.0}
    )
    assert by_id["city"].unit == "万元"
    assert by_id["total"].actual == pytest.approx(13.25)  # 12.5亿元 + 7500万元
    assert by_id["total"].last_year == pytest.approx(10.5)
    assert by_id["total"].completion == pytest.approx(13.25 / 200)
    assert by_id["total_wan"].actual == pytest.approx(132500.0)
    assert by_id["total_wan"].completion == pytest.approx(132500 / 2000000)


def test_ratio_is_a_percentage_of_two_rows(tmp_path):
    ratio = f"""\
  - id: trade
    name: 进出口总额
    kind: cumulative
    unit: 万元
    owner: 商务局
    target: 1000000
    {CELL % "进出口总额"}
  - id: gdp
    name: 地区生产总值
    kind: cumulative
    unit: 亿元
    owner: 经发局
    target: 300
    {CELL % "地区生产总值"}
  - id: dependence
    name: 外贸依存度
    kind: share
    owner: 商务局
    base: 28
    target: 1
    source: {{ratio: [trade, gdp]}}
"""
    _, by_id = evaluated(tmp_path, ratio, trade=450000.0, gdp=150.0)
    r = by_id["dependence"]
    assert r.unit == "%"
    assert r.actual == pytest.approx(30.0)  # 45亿元 ÷ 150亿元 × 100
    assert r.target == 29.0 and r.gap == pytest.approx(1.0)
    assert r.light == "green" and r.on_track is True and r.checkpoint_met is True
    assert r.source == "比值：进出口总额 ÷ 地区生产总值 × 100%"
    _, by_id = evaluated(tmp_path, ratio, trade=450000.0, gdp=0.0)
    assert (
        by_id["dependence"].actual is None
        and by_id["dependence"].note == "较上年28%提高1个百分点；地区生产总值为零，比值不作计算"
    )


def test_a_missing_part_makes_the_sum_not_reported_with_a_note(tmp_path):
    results, by_id = evaluated(tmp_path, PARTS + TOTAL, prov=60.0, city=None)
    total = by_id["total"]
    assert total.actual is None and total.completion is None and total.light == "none"
    assert total.note == "市重点项目投资未报送，合计不作计算"
    assert total.source == "合计：省重点项目投资 + 市重点项目投资"
    assert "total" in results.checkpoint.unreported
    from reportgen.kinds import sentence

    assert sentence(total) == "省市重点项目投资未报送（市重点项目投资未报送，合计不作计算）"


def test_derived_of_derived_is_evaluated_after_its_parts(tmp_path):
    grand = """\
  - id: grand
    name: 全区项目投资
    kind: cumulative
    unit: 亿元
    owner: 经发局
    target: 300
    source: {sum: [total, other]}
"""
    other = f"""\
  - id: other
    name: 其他项目投资
    kind: cumulative
    unit: 亿元
    owner: 经发局
    target: 100
    {CELL % "其他项目投资"}
"""
    results, by_id = evaluated(
        tmp_path,
        grand + PARTS + other + TOTAL,
        prov=60.0,
        city=30.0,
        other=15.0,
        last_year={"prov": 50.0, "city": 25.0, "other": 20.0},
    )
    assert [r.id for r in results.indicators] == ["grand", "prov", "city", "other", "total"]
    assert by_id["grand"].actual == pytest.approx(105.0)
    assert by_id["grand"].last_year == pytest.approx(95.0)
    assert by_id["grand"].completion == pytest.approx(0.35)
    assert by_id["grand"].source == "合计：省市重点项目投资 + 其他项目投资"
    _, by_id = evaluated(tmp_path, grand + PARTS + other + TOTAL, prov=None, city=30.0, other=15.0)
    assert by_id["grand"].actual is None
    assert by_id["grand"].note == "省市重点项目投资未报送，合计不作计算"


def test_growth_of_a_sum_adds_the_amounts_of_both_years(tmp_path):
    growth = """\
  - id: total_growth
    name: 省市重点项目投资增长
    kind: growth
    owner: 经发局
    target: 15
    source: {sum: [prov, city]}
"""
    parts = PARTS.replace(
        "unit: 亿元\n    owner: 经发局\n    target: 80", "unit: 万元\n    owner: 经发局\n    target: 800000"
    )
    _, by_id = evaluated(
        tmp_path, parts + growth, prov=60.0, city=300000.0, last_year={"prov": 50.0, "city": 250000.0}
    )
    r = by_id["total_growth"]
    assert r.amount == pytest.approx(90.0) and r.last_year == pytest.approx(75.0) and r.amount_unit == "亿元"
    assert r.actual == pytest.approx(20.0) and r.gap == pytest.approx(5.0) and r.light == "green"


def test_cycle_unknown_id_and_unit_mismatch_are_config_errors_at_their_keys(tmp_path):
    cycle = """\
  - {id: a, name: 甲, kind: cumulative, unit: 亿元, owner: 经发局, target: 1, source: {sum: [b, c]}}
  - {id: b, name: 乙, kind: cumulative, unit: 亿元, owner: 经发局, target: 1, source: {sum: [a, c]}}
  - {id: c, name: 丙, kind: cumulative, unit: 亿元, owner: 经发局, target: 1, source: {file: x.xlsx, row: 丙, column: 值}}
  - {id: d, name: 丁, kind: cumulative, unit: 亿元, owner: 经发局, target: 1, source: {sum: [c, nope]}}
  - {id: e, name: 新开工项目, kind: count, owner: 经发局, target: 1, source: {file: x.xlsx, row: 戊, column: 值}}
  - {id: f, name: 己, kind: cumulative, unit: 万元, owner: 经发局, target: 1, source: {sum: [c, e]}}
  - {id: g, name: 庚, kind: cumulative, unit: 亿元, owner: 经发局, target: 1, source: {sum: [g, c]}}
  - {id: h, name: 辛, kind: share, base: 1, target: 1, owner: 经发局, source: {ratio: [c]}}
  - {id: i, name: 壬, kind: cumulative, unit: "%", owner: 经发局, target: 1, source: {ratio: [c, a]}}
  - {id: j, name: 癸, kind: cap, unit: 亿元, owner: 经发局, target: 1, source: {ratio: [c, e]}}
"""
    got = config_problems(tmp_path, cycle)
    assert "indicators[0].source（第 6 行）：循环引用：a → b → a" in got
    assert any(
        p.startswith(
            "indicators[3].source.sum[1]（第 9 行）：指标 id “nope”不在 indicators 中（现有：a、b、c"
        )
        for p in got
    ), got
    assert (
        "indicators[5].source.sum[1]（第 11 行）：“新开工项目”的单位“个”与本指标的单位“万元”不一致，也不能换算"
        in got
    )
    assert "indicators[6].source.sum[0]（第 12 行）：不能引用指标自身“g”" in got
    assert "indicators[7].source.ratio（第 13 行）：比值需要两个指标 id：[分子, 分母]，现有 1 个" in got
    assert (
        "indicators[8].source.ratio（第 14 行）：比值（分子 ÷ 分母 × 100，单位 %）只用于 share、growth、cap 类指标，"
        "本指标为 cumulative" in got
    )
    assert "indicators[9].unit（第 15 行）：比值来源的指标单位应为 %（分子 ÷ 分母 × 100），现为“亿元”" in got
    assert "indicators[9].source.ratio（第 15 行）：分子的单位“亿元”与分母的单位“个”不一致，也不能换算" in got
    assert len(got) == 8, got


def test_a_derived_row_with_a_sheet_target_must_name_the_file(tmp_path):
    got = config_problems(tmp_path, PARTS + TOTAL.replace("target: 200", "target: {column: 确保}"))
    assert got == [
        "indicators[2].target（第 26 行）：来源是合计/比值时，target 需写明 file 和 row（以及 column）"
    ]


def write_sheet(tmp_path, city=300000):
    write_xlsx(
        data_dir(tmp_path) / "指标.xlsx",
        [
            ["指标名称", "1-6月累计", "上年同期"],
            ["省重点项目投资（亿元）", 60, 50],
            ["市重点项目投资（万元）", city, 250000],
        ],
    )


def test_validate_and_the_expected_files_do_not_look_for_a_derived_file(tmp_path):
    config = config_from(tmp_path, HEAD + PARTS + TOTAL)
    write_sheet(tmp_path)
    assert validate(config, PERIOD) == []
    assert check(config, PERIOD).targets == []
    assert expected_submissions(config) == [("指标.xlsx", ["经发局"])]
    assert [p.name for p in input_files(config, PERIOD)] == ["指标.xlsx"]


def test_run_writes_the_derived_row_in_word_and_excel(tmp_path):
    parts = PARTS.replace(
        f"    {CELL % '省重点项目投资'}\n",
        f"    {CELL % '省重点项目投资'}\n    last_year: {{column: 上年同期}}\n",
    ).replace(
        f"    {CELL % '市重点项目投资'}\n",
        f"    {CELL % '市重点项目投资'}\n    last_year: {{column: 上年同期}}\n",
    )
    config = config_from(tmp_path, HEAD + parts + TOTAL)
    write_sheet(tmp_path)
    result = run(config, PERIOD)
    assert result.problems == []
    doc = Document(str(result.report))
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "指标")
    row = next([c.text for c in r.cells] for r in table.rows if r.cells[0].text == "省市重点项目投资")
    # 60亿元 + 300000万元 = 90亿元 of 200 (力争 225); last year 50 + 25 = 75
    head = [c.text for c in table.rows[0].cells]
    assert dict(zip(head, row)) == {
        "指标": "省市重点项目投资",
        "单位": "亿元",
        "责任单位": row[2],
        "确保目标": "200",
        "力争目标": "225",
        "1-6月完成": "90.00",
        "完成率": "45.0%",
        "力争完成率": "40.0%",
        "序时进度": "50.0%",
        "差距（百分点）": "-5.0",
        "同比": "20.0%",
        "状态": "黄灯",
    }
    ws = openpyxl.load_workbook(result.workbook)["指标完成情况"]
    header = next(r for r in ws.iter_rows(values_only=True) if r[0] == "序号")
    values = next(dict(zip(header, r)) for r in ws.iter_rows(values_only=True) if r[2] == "省市重点项目投资")
    assert values["单位"] == "亿元" and values["确保目标"] == 200 and values["力争目标"] == 225
    assert values["1-6月完成"] == 90 and values["完成率"] == 0.45 and values["状态"] == "黄灯"
    assert values["同比"] == 0.2 and values["是否实现“双过半”"] == "否" and values["责任单位"] == "经发局"
    assert values["数据来源"] == "合计：省重点项目投资 + 市重点项目投资"
    city = next(dict(zip(header, r)) for r in ws.iter_rows(values_only=True) if r[2] == "市重点项目投资")
    assert city["数据来源"] == "2024-06/指标.xlsx › Sheet1 › B3"


def test_run_with_a_part_not_reported_shows_the_sum_as_not_reported(tmp_path):
    config = config_from(tmp_path, HEAD + PARTS + TOTAL)
    write_sheet(tmp_path, city="—")
    result = run(config, PERIOD)
    ws = openpyxl.load_workbook(result.workbook)["指标完成情况"]
    header = next(r for r in ws.iter_rows(values_only=True) if r[0] == "序号")
    values = next(dict(zip(header, r)) for r in ws.iter_rows(values_only=True) if r[2] == "省市重点项目投资")
    assert values["1-6月完成"] is None and values["状态"] == "未报送"
    assert values["备注"] == "市重点项目投资未报送，合计不作计算"
    assert result.problems == [
        "2024-06/指标.xlsx › Sheet1 › B3：“—”表示未填报，按未报送处理（不计为 0）（指标：市重点项目投资）"
    ]
