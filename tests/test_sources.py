"""The reader against real messy workbooks: one feature of submitted spreadsheets per test.

Each test writes its own file under tmp_path (openpyxl for .xlsx, xlwt for .xls, GBK bytes for .csv) and
reads it through `read_period`, asserting on the numbers, on where they came from, and on the problems.
"""

from __future__ import annotations

from datetime import date

import pytest
from conftest import PERIOD, config_from, data_dir, write_xls, write_xlsx

from reportgen.errors import Location
from reportgen.period import Period
from reportgen.sources.collect import read_period
from reportgen.sources.headers import locate_table
from reportgen.sources.workbook import Workbook

TITLE = "2024年1-6月重点经济指标完成情况表"


INDICATOR_CONFIG = """\
zone: 测试经开区
year: 2024
departments: [经发局, 商务局, 建设局, 招商局]
indicators:
  - id: fai
    name: 固定资产投资
    kind: {kind}
    unit: {unit}
    owner: 经发局
    target: 200
    source: {source}
"""


def indicator_config(tmp_path, source: str, *, unit: str = "亿元", kind: str = "cumulative", extra: str = ""):
    """A config with one indicator `fai` (固定资产投资) whose `source:` is the given YAML flow mapping.

    `extra` is YAML appended verbatim (more indicators, at two spaces' indent).
    """
    return config_from(tmp_path, INDICATOR_CONFIG.format(kind=kind, unit=unit, source=source) + extra)


def read_fai(tmp_path, source: str, **kw):
    config = indicator_config(tmp_path, source, **kw)
    data = read_period(config, PERIOD)
    return data.readings["fai"], data


def problems(data) -> list[str]:
    return [str(p) for p in data.problems]


# ---- header block ------------------------------------------------------------------------------------


def test_title_rows_above_the_header(tmp_path):
    write_xlsx(
        data_dir(tmp_path) / "指标.xlsx",
        [
            [TITLE, None, None],
            [None, None, None],
            ["指标名称", "年度目标", "1-6月累计"],
            ["规上工业增加值", 150, 70.2],
            ["固定资产投资", 200, 112.4],
        ],
        sheet="指标",
        merges=("A1:C1",),
    )
    reading, data = read_fai(tmp_path, "{file: 指标.xlsx, sheet: 指标, row: 固定资产投资, column: 1-6月累计}")
    assert reading.value == pytest.approx(112.4)
    assert reading.location == Location("2024-06/指标.xlsx", "指标", "C5")
    assert data.problems == []


def test_subtitle_with_report_date_is_not_the_header(tmp_path):
    write_xlsx(
        data_dir(tmp_path) / "指标.xlsx",
        [
            [TITLE, None, None],
            ["（截至2024年6月底）", None, None],
            ["指标名称", "年度目标", "1-6月累计"],
            ["固定资产投资", 200, 112.4],
        ],
        merges=("A1:C1", "A2:C2"),
    )
    reading, data = read_fai(tmp_path, "{file: 指标.xlsx, row: 固定资产投资, column: 1-6月累计}")
    assert reading.value == pytest.approx(112.4)
    assert reading.location.cell == "C4"


def _two_row_header(tmp_path):
    write_xlsx(
        data_dir(tmp_path) / "指标.xlsx",
        [
            [TITLE, None, None, None, None],
            ["序号", "指标名称", "年度目标", "完成情况", None],
            [None, None, None, "本月", "1-6月累计"],
            [1, "固定资产投资", 200, 20.5, 112.4],
            [2, "社会消费品零售总额", 90, 8.1, 44.0],
        ],
        merges=("A1:E1", "A2:A3", "B2:B3", "C2:C3", "D2:E2"),
    )


def test_two_row_merged_header_matched_by_leaf(tmp_path):
    _two_row_header(tmp_path)
    reading, data = read_fai(tmp_path, "{file: 指标.xlsx, row: 固定资产投资, column: 1-6月累计}")
    assert reading.value == pytest.approx(112.4)
    assert reading.location.cell == "E4"
    assert data.problems == []


def test_two_row_merged_header_matched_by_path(tmp_path):
    _two_row_header(tmp_path)
    reading, _ = read_fai(tmp_path, "{file: 指标.xlsx, row: 固定资产投资, column: 完成情况/1-6月累计}")
    assert reading.value == pytest.approx(112.4)
    monthly, _ = read_fai(tmp_path, "{file: 指标.xlsx, row: 固定资产投资, column: 完成情况/本月}")
    assert monthly.value == pytest.approx(20.5)
    assert monthly.location.cell == "D4"


def test_three_row_header(tmp_path):
    write_xlsx(
        data_dir(tmp_path) / "指标.xlsx",
        [
            [TITLE] + [None] * 5,
            ["指标名称", "年度目标", "完成情况", None, None, None],
            [None, None, "本年", None, "上年同期", None],
            [None, None, "本月", "1-6月累计", "本月", "1-6月累计"],
            ["固定资产投资", 200, 20.5, 112.4, 18.0, 99.4],
        ],
        merges=("A1:F1", "A2:A4", "B2:B4", "C2:F2", "C3:D3", "E3:F3"),
    )
    reading, data = read_fai(tmp_path, "{file: 指标.xlsx, row: 固定资产投资, column: 本年/1-6月累计}")
    assert reading.value == pytest.approx(112.4)
    assert reading.location.cell == "D5"
    last, _ = read_fai(tmp_path, "{file: 指标.xlsx, row: 固定资产投资, column: 完成情况/上年同期/1-6月累计}")
    assert last.value == pytest.approx(99.4)
    assert last.location.cell == "F5"


def test_last_year_and_yoy_default_to_the_same_table(tmp_path):
    write_xlsx(
        data_dir(tmp_path) / "指标.xlsx",
        [
            ["指标名称", "完成情况", None, "上年同期", "同比增长（%）"],
            [None, "本月", "1-6月累计", None, None],
            ["固定资产投资", 20.5, 112.4, 99.4, "13.1%"],
        ],
        merges=("A1:A2", "B1:C1", "D1:D2", "E1:E2"),
    )
    config = indicator_config(
        tmp_path,
        "{file: 指标.xlsx, row: 固定资产投资, column: 完成情况/1-6月累计}\n"
        "    last_year: {column: 上年同期}\n"
        "    yoy: {column: 同比增长}",
    )
    data = read_period(config, PERIOD)
    assert data.problems == []
    assert data.last_year["fai"].value == pytest.approx(99.4)
    assert data.last_year["fai"].location.cell == "D3"
    assert data.yoy["fai"].value == pytest.approx(13.1)
    assert data.yoy["fai"].location.cell == "E3"


def test_full_width_spaces_and_line_breaks_in_headers(tmp_path):
    write_xlsx(
        data_dir(tmp_path) / "指标.xlsx",
        [
            ["指 标 名 称", "年度\n目标", "１－６月\n累计 "],
            ["  固定资产 投资 ", 200, 112.4],
        ],
    )
    reading, data = read_fai(tmp_path, "{file: 指标.xlsx, row: 固定资产投资, column: 1-6月累计}")
    assert reading.value == pytest.approx(112.4)
    assert data.problems == []


def test_month_placeholder_in_header_file_and_sheet_name(tmp_path):
    write_xlsx(
        data_dir(tmp_path) / "指标2024-06.xlsx",
        [
            ["指标名称", "1-5月累计", "1-6月累计"],
            ["固定资产投资", 90.1, 112.4],
        ],
        sheet="6月",
    )
    reading, data = read_fai(
        tmp_path,
        "{file: '指标{year}-{month:02d}.xlsx', sheet: '{month}月', "
        "row: 固定资产投资, column: '1-{month}月累计'}",
    )
    assert reading.value == pytest.approx(112.4)
    assert reading.location == Location("2024-06/指标2024-06.xlsx", "6月", "C2")


def test_column_number_row_under_the_header_is_skipped(tmp_path):
    path = write_xlsx(
        data_dir(tmp_path) / "指标.xlsx",
        [
            ["序号", "指标名称", "年度目标", "1-6月累计", "完成率（%）"],
            ["1", "2", "3", "4", "5=4/3"],
            [1, "固定资产投资", 200, 112.4, 56.2],
        ],
    )
    table = locate_table(Workbook(path).grid(None), ["1-6月累计"])
    assert table.data_start == 2
    reading, data = read_fai(tmp_path, "{file: 指标.xlsx, row: 固定资产投资, column: 1-6月累计}")
    assert reading.value == pytest.approx(112.4)
    assert data.problems == []


def test_hidden_column_duplicating_a_header_loses_to_the_visible_one(tmp_path):
    write_xlsx(
        data_dir(tmp_path) / "指标.xlsx",
        [
            ["指标名称", "1-6月累计", "1-6月累计"],
            ["固定资产投资", 999, 112.4],
        ],
        hidden_columns=("B",),
    )
    reading, data = read_fai(tmp_path, "{file: 指标.xlsx, row: 固定资产投资, column: 1-6月累计}")
    assert reading.value == pytest.approx(112.4)
    assert reading.location.cell == "C2"


# ---- rows --------------------------------------------------------------------------------------------


def test_total_row_at_top_subtotals_and_numbered_labels(tmp_path):
    write_xlsx(
        data_dir(tmp_path) / "指标.xlsx",
        [
            ["指标名称", "1-6月累计"],
            ["合计", 500],
            ["一、工业", None],
            ["1.固定资产投资", 112.4],
            ["  其中：工业投资", 60.3],
            ["小计", 172.7],
            ["二、服务业", None],
            ["（一）社会消费品零售总额", 44.0],
        ],
    )
    reading, _ = read_fai(tmp_path, "{file: 指标.xlsx, row: 固定资产投资, column: 1-6月累计}")
    assert reading.value == pytest.approx(112.4)
    assert reading.location.cell == "B4"
    sub, _ = read_fai(tmp_path, "{file: 指标.xlsx, row: 工业投资, column: 1-6月累计}")
    assert sub.value == pytest.approx(60.3)
    retail, _ = read_fai(tmp_path, "{file: 指标.xlsx, row: 社会消费品零售总额, column: 1-6月累计}")
    assert retail.value == pytest.approx(44.0)
    total, _ = read_fai(tmp_path, "{file: 指标.xlsx, row: 合计, column: 1-6月累计}")
    assert total.value == pytest.approx(500)


def test_footer_rows_are_not_data(tmp_path):
    write_xlsx(
        data_dir(tmp_path) / "指标.xlsx",
        [
            ["指标名称", "1-6月累计"],
            ["全区固定资产投资", 112.4],
            [None, None],
            ["填报人：张三", "联系电话：12345678"],
            ["说明：固定资产投资为不含农户口径", None],
        ],
    )
    reading, data = read_fai(tmp_path, "{file: 指标.xlsx, row: 固定资产投资, column: 1-6月累计}")
    # the 说明 line also contains 固定资产投资; read as data it would make the label ambiguous
    assert reading.value == pytest.approx(112.4)
    assert data.problems == []


def test_numbers_typed_as_text(tmp_path):
    write_xlsx(
        data_dir(tmp_path) / "指标.xlsx",
        [
            ["指标名称", "1-6月累计"],
            ["固定资产投资", " １,１２4.5 "],
        ],
    )
    reading, data = read_fai(tmp_path, "{file: 指标.xlsx, row: 固定资产投资, column: 1-6月累计}", unit="万元")
    assert reading.value == pytest.approx(1124.5)
    assert data.problems == []


def test_placeholder_cell_is_not_reported_not_zero(tmp_path):
    write_xlsx(
        data_dir(tmp_path) / "指标.xlsx",
        [
            ["指标名称", "1-6月累计"],
            ["固定资产投资", "—"],
        ],
    )
    reading, data = read_fai(tmp_path, "{file: 指标.xlsx, row: 固定资产投资, column: 1-6月累计}")
    assert reading.value is None
    assert reading.problem == "未填报"
    assert reading.location.cell == "B2"


# ---- units -------------------------------------------------------------------------------------------


def test_unit_in_header_converted_to_the_indicator_unit(tmp_path):
    write_xlsx(
        data_dir(tmp_path) / "指标.xlsx",
        [
            ["指标名称", "1-6月累计（万元）"],
            ["固定资产投资", 1124000],
        ],
    )
    reading, _ = read_fai(tmp_path, "{file: 指标.xlsx, row: 固定资产投资, column: 1-6月累计}")
    assert reading.value == pytest.approx(112.4)


def test_unit_line_above_the_header(tmp_path):
    write_xlsx(
        data_dir(tmp_path) / "指标.xlsx",
        [
            [TITLE, None],
            ["填报单位：经发局", "单位：万元"],
            ["指标名称", "1-6月累计"],
            ["固定资产投资", 1124000],
        ],
    )
    reading, _ = read_fai(tmp_path, "{file: 指标.xlsx, row: 固定资产投资, column: 1-6月累计}")
    assert reading.value == pytest.approx(112.4)


def test_unit_suffix_typed_in_the_cell(tmp_path):
    write_xlsx(
        data_dir(tmp_path) / "指标.xlsx",
        [
            ["指标名称", "1-6月累计（万元）"],
            ["固定资产投资", "112.4亿"],
        ],
    )
    reading, _ = read_fai(tmp_path, "{file: 指标.xlsx, row: 固定资产投资, column: 1-6月累计}")
    assert reading.value == pytest.approx(112.4)


def test_wan_typed_in_a_wan_dollar_column(tmp_path):
    write_xlsx(
        data_dir(tmp_path) / "外资.xlsx",
        [
            ["指标名称", "1-6月累计（万美元）", "上年同期（万美元）"],
            ["固定资产投资", "8000万", 7000],
        ],
    )
    reading, data = read_fai(
        tmp_path, "{file: 外资.xlsx, row: 固定资产投资, column: 1-6月累计}", unit="万美元"
    )
    assert reading.value == pytest.approx(8000)
    assert data.problems == []


def test_unit_in_the_row_label(tmp_path):
    write_xlsx(
        data_dir(tmp_path) / "指标.xlsx",
        [
            ["单位：亿元", None],
            ["指标名称", "1-6月累计"],
            ["固定资产投资（万元）", 1124000],
            ["社会消费品零售总额", 44.0],
        ],
    )
    reading, _ = read_fai(tmp_path, "{file: 指标.xlsx, row: 固定资产投资, column: 1-6月累计}")
    assert reading.value == pytest.approx(112.4)


def test_unit_column_per_row(tmp_path):
    write_xlsx(
        data_dir(tmp_path) / "指标.xlsx",
        [
            ["指标名称", "计量单位", "1-6月累计"],
            ["固定资产投资", "万元", 1124000],
        ],
    )
    reading, _ = read_fai(tmp_path, "{file: 指标.xlsx, row: 固定资产投资, column: 1-6月累计}")
    assert reading.value == pytest.approx(112.4)


def test_configured_source_unit_when_the_sheet_says_nothing(tmp_path):
    write_xlsx(
        data_dir(tmp_path) / "指标.xlsx",
        [
            ["指标名称", "1-6月累计"],
            ["固定资产投资", 1124000],
        ],
    )
    reading, _ = read_fai(tmp_path, "{file: 指标.xlsx, row: 固定资产投资, column: 1-6月累计, unit: 万元}")
    assert reading.value == pytest.approx(112.4)


def test_percent_as_fraction_column(tmp_path):
    write_xlsx(
        data_dir(tmp_path) / "指标.xlsx",
        [
            ["指标名称", "增速"],
            ["固定资产投资", 0.131],
        ],
    )
    reading, _ = read_fai(
        tmp_path,
        "{file: 指标.xlsx, row: 固定资产投资, column: 增速, percent_as_fraction: true}",
        kind="growth",
        unit="'%'",
    )
    assert reading.value == pytest.approx(13.1)


# ---- other file formats and names --------------------------------------------------------------------


def test_xls_input(tmp_path):
    write_xls(
        data_dir(tmp_path) / "指标.xls",
        [
            [TITLE, None, None, None],
            ["指标名称", "完成情况", None, None],
            [None, "本月", "1-6月累计", None],
            ["固定资产投资", 20.5, "112.4", None],
        ],
        merges=((0, 0, 0, 3), (1, 2, 0, 0), (1, 1, 1, 2)),
    )
    reading, data = read_fai(tmp_path, "{file: 指标.xls, row: 固定资产投资, column: 完成情况/1-6月累计}")
    assert reading.value == pytest.approx(112.4)
    assert reading.location == Location("2024-06/指标.xls", "Sheet1", "C4")
    assert data.problems == []


def test_gbk_csv_input(tmp_path):
    text = '指标名称,年度目标,1-6月累计\r\n规上工业增加值,150,70.2\r\n固定资产投资,200,"1,124.5"\r\n'
    (data_dir(tmp_path) / "指标.csv").write_bytes(text.encode("gbk"))
    reading, data = read_fai(tmp_path, "{file: 指标.csv, row: 固定资产投资, column: 1-6月累计}", unit="万元")
    assert reading.value == pytest.approx(1124.5)
    assert reading.location == Location("2024-06/指标.csv", "指标", "C3")
    assert data.problems == []


def test_gbk_csv_two_row_header(tmp_path):
    text = "指标名称,完成情况,,上年同期,\r\n,本月,1-6月累计,本月,1-6月累计\r\n固定资产投资,20.5,112.4,18.0,99.4\r\n"
    (data_dir(tmp_path) / "指标.csv").write_bytes(text.encode("gbk"))
    reading, data = read_fai(tmp_path, "{file: 指标.csv, row: 固定资产投资, column: 完成情况/1-6月累计}")
    assert reading.value == pytest.approx(112.4)
    assert reading.location.cell == "C3"


def test_file_name_differing_in_width_and_spaces_is_found(tmp_path):
    write_xlsx(
        data_dir(tmp_path) / "经发局 指标（6月）.xlsx",
        [
            ["指标名称", "1-6月累计"],
            ["固定资产投资", 112.4],
        ],
    )
    reading, data = read_fai(tmp_path, "{file: 经发局指标(6月).xlsx, row: 固定资产投资, column: 1-6月累计}")
    assert reading.value == pytest.approx(112.4)
    assert reading.location.file == "2024-06/经发局 指标（6月）.xlsx"
    assert data.problems == []


def test_sheet_name_differing_in_width_and_spaces_is_found(tmp_path):
    write_xlsx(
        data_dir(tmp_path) / "指标.xlsx",
        [
            ["指标名称", "1-6月累计"],
            ["固定资产投资", 112.4],
        ],
        sheet="表１ 主要指标",
    )
    reading, _ = read_fai(
        tmp_path, "{file: 指标.xlsx, sheet: 表1主要指标, row: 固定资产投资, column: 1-6月累计}"
    )
    assert reading.value == pytest.approx(112.4)
    assert reading.location.sheet == "表１ 主要指标"


# ---- errors with provenance --------------------------------------------------------------------------


def test_missing_file(tmp_path):
    data_dir(tmp_path)
    reading, data = read_fai(tmp_path, "{file: 经发局.xlsx, row: 固定资产投资, column: 1-6月累计}")
    assert reading.value is None
    [message] = problems(data)
    assert "经发局.xlsx" in message and "文件不存在" in message
    assert "固定资产投资" in message  # which indicator is affected


def test_missing_file_is_one_problem_for_several_indicators(tmp_path):
    data_dir(tmp_path)
    config = indicator_config(
        tmp_path,
        "{file: 经发局.xlsx, row: 固定资产投资, column: 1-6月累计}",
        extra="""\
  - id: retail
    name: 社会消费品零售总额
    kind: cumulative
    unit: 亿元
    owner: 商务局
    target: 90
    source: {file: 经发局.xlsx, row: 社会消费品零售总额, column: 1-6月累计}""",
    )
    data = read_period(config, PERIOD)
    assert len(problems(data)) == 1
    assert data.readings["retail"].value is None


def test_missing_period_folder(tmp_path):
    reading, data = read_fai(tmp_path, "{file: 指标.xlsx, row: 固定资产投资, column: 1-6月累计}")
    assert reading.value is None
    [message] = problems(data)
    assert "2024-06" in message and "不存在" in message


def test_missing_sheet_lists_existing_sheets(tmp_path):
    write_xlsx(
        data_dir(tmp_path) / "指标.xlsx",
        [["指标名称", "1-6月累计"], ["固定资产投资", 112.4]],
        sheet="主要指标",
        more_sheets={"重点项目": [["项目名称"]]},
    )
    reading, data = read_fai(
        tmp_path, "{file: 指标.xlsx, sheet: 指标表, row: 固定资产投资, column: 1-6月累计}"
    )
    assert reading.value is None
    [message] = problems(data)
    assert "指标.xlsx" in message and "指标表" in message and "不存在" in message
    assert "主要指标" in message and "重点项目" in message


def test_missing_column_lists_existing_headers(tmp_path):
    write_xlsx(
        data_dir(tmp_path) / "指标.xlsx",
        [
            ["指标名称", "年度目标", "1-5月累计"],
            ["固定资产投资", 200, 90.1],
        ],
        sheet="指标",
    )
    reading, data = read_fai(tmp_path, "{file: 指标.xlsx, row: 固定资产投资, column: 1-6月累计}")
    assert reading.value is None
    [message] = problems(data)
    assert "2024-06/指标.xlsx › 指标" in message
    assert "1-6月累计" in message
    assert "年度目标" in message and "1-5月累计" in message  # the headers that do exist


def test_missing_row(tmp_path):
    write_xlsx(
        data_dir(tmp_path) / "指标.xlsx",
        [
            ["指标名称", "1-6月累计"],
            ["规上工业增加值", 70.2],
        ],
        sheet="指标",
    )
    reading, data = read_fai(tmp_path, "{file: 指标.xlsx, row: 固定资产投资, column: 1-6月累计}")
    assert reading.value is None
    [message] = problems(data)
    assert "指标.xlsx › 指标" in message
    assert "找不到“固定资产投资”" in message and "指标名称" in message


def test_non_number_cell_names_the_cell_and_text(tmp_path):
    write_xlsx(
        data_dir(tmp_path) / "指标.xlsx",
        [
            [TITLE, None, None, None],
            [None, None, None, None],
            ["序号", "指标名称", "年度目标", "1-6月累计"],
            [1, "规上工业增加值", 150, 70.2],
            [2, "固定资产投资", 200, "1,2x3"],
        ],
        sheet="指标",
    )
    reading, data = read_fai(tmp_path, "{file: 指标.xlsx, row: 固定资产投资, column: 1-6月累计}")
    assert reading.value is None
    assert reading.location == Location("2024-06/指标.xlsx", "指标", "D5")
    [message] = problems(data)
    assert "2024-06/指标.xlsx › 指标 › D5" in message
    assert "1,2x3" in message


def test_ambiguous_row_names_both_cells(tmp_path):
    write_xlsx(
        data_dir(tmp_path) / "指标.xlsx",
        [
            ["指标名称", "1-6月累计"],
            ["固定资产投资", 112.4],
            ["固定资产投资", 113.0],
        ],
    )
    reading, data = read_fai(tmp_path, "{file: 指标.xlsx, row: 固定资产投资, column: 1-6月累计}")
    assert reading.value is None
    [message] = problems(data)
    assert "A2" in message and "A3" in message


# ---- key-project ledger ------------------------------------------------------------------------------

LEDGER_CONFIG = """
    zone: 测试经开区
    year: 2024
    departments:
      - 经发局
      - {name: 建设局, aliases: [区建设局, 住建局]}
      - 招商局
    indicators:
      - id: starts
        name: 新开工项目
        kind: count
        owner: 经发局
        target: 60
        source: {ledger: projects, count_where: {started: true}}
    ledgers:
      projects:
        file: %(file)s
        sheet: %(sheet)s
        columns:
          name: 项目名称
          owner: 责任单位
          nature: 建设性质
          total_investment: 总投资
          annual_plan: 年度计划投资
          completed: 1-{month}月累计完成投资
          planned_start: 计划开工时间
          actual_start: 实际开工时间
"""

LEDGER_HEADER = [
    [
        "序号",
        "项目名称",
        "建设性质",
        "总投资（万元）",
        "年度计划投资（万元）",
        "1-6月累计完成投资（万元）",
        "计划开工时间",
        "实际开工时间",
        "责任单位",
    ],
]


def read_projects(tmp_path, rows, *, file="重点项目.xlsx", sheet="台账", **xlsx):
    if file.endswith(".xlsx"):
        write_xlsx(data_dir(tmp_path) / file, rows, sheet=sheet, **xlsx)
    config = config_from(tmp_path, LEDGER_CONFIG % {"file": file, "sheet": sheet})
    data = read_period(config, PERIOD)
    return {p.name: p for p in data.ledgers["projects"].projects}, data


def _ledger_rows():
    return [
        ["2024年重点项目推进情况表"] + [None] * 8,
        ["（截至2024年6月底）"] + [None] * 8,
        *LEDGER_HEADER,
        [1, 2, 3, 4, 5, 6, 7, 8, 9],
        [None, "合计", None, 130000, 60000, 31000, None, None, None],
        ["一、产业项目（2个）"] + [None] * 8,
        [1, "新能源电池项目", "新开工", 100000, 40000, 22000, "2024.3", "2024年3月", "区建设局"],
        [2, "智能装备产业园", "新开工", "1.2亿", 12000, "—", "5月底", "未开工", None],
        [None, "小计", None, 112000, 52000, 22000, None, None, None],
        [None] * 9,
        [None, "二、基础设施项目（1个）"] + [None] * 7,
        [3, "滨河路改造工程", "续建", 18000, 8000, 9000, "2023.10", None, "招商局"],
        ["填报人：", "李四", None, "审核人：", "王五", None, "联系电话：12345678", None, None],
        ["说明：新能源电池项目已于3月开工", None, None, None, None, None, None, None, None],
    ]


def test_ledger_skips_titles_totals_bands_footers_and_blank_rows(tmp_path):
    projects, data = read_projects(tmp_path, _ledger_rows(), merges=("A1:I1", "A2:I2", "I7:I8"))
    assert list(projects) == ["新能源电池项目", "智能装备产业园", "滨河路改造工程"]
    assert data.problems == []


def test_ledger_category_from_band_rows(tmp_path):
    projects, _ = read_projects(tmp_path, _ledger_rows(), merges=("I7:I8",))
    assert projects["新能源电池项目"].category == "产业项目"
    assert projects["智能装备产业园"].category == "产业项目"
    assert projects["滨河路改造工程"].category == "基础设施项目"


def test_ledger_owner_merged_down_and_aliases(tmp_path):
    projects, _ = read_projects(tmp_path, _ledger_rows(), merges=("I7:I8",))
    assert projects["新能源电池项目"].owner == "建设局"  # 区建设局 is an alias
    assert projects["智能装备产业园"].owner == "建设局"  # merged down from the cell above
    assert projects["滨河路改造工程"].owner == "招商局"


def test_ledger_amounts_converted_from_wanyuan_header_to_yiyuan(tmp_path):
    projects, _ = read_projects(tmp_path, _ledger_rows())
    p = projects["新能源电池项目"]
    assert (p.total_investment, p.annual_plan, p.completed) == pytest.approx((10.0, 4.0, 2.2))
    q = projects["智能装备产业园"]
    assert q.total_investment == pytest.approx(1.2)  # "1.2亿" typed in a 万元 column
    assert q.completed is None  # "—": not reported, not zero


def test_ledger_dates_and_start_words(tmp_path):
    projects, _ = read_projects(tmp_path, _ledger_rows())
    p = projects["新能源电池项目"]
    assert (p.planned_start, p.actual_start) == (date(2024, 3, 1), date(2024, 3, 1))
    q = projects["智能装备产业园"]
    assert q.planned_start == date(2024, 5, 1)
    assert q.actual_start is None and q.started_flag is False  # "未开工"
    assert projects["滨河路改造工程"].planned_start == date(2023, 10, 1)


def test_ledger_project_location_is_the_name_cell(tmp_path):
    projects, _ = read_projects(tmp_path, _ledger_rows())
    assert projects["滨河路改造工程"].location == Location("2024-06/重点项目.xlsx", "台账", "B12")


def test_ledger_unit_line_instead_of_header_units(tmp_path):
    header = [[h.replace("（万元）", "") for h in LEDGER_HEADER[0]]]
    rows = [
        ["重点项目推进情况表"] + [None] * 8,
        ["单位：万元"] + [None] * 8,
        *header,
        [1, "新能源电池项目", "新开工", 100000, 40000, 22000, "2024.3", "已开工", "建设局"],
    ]
    projects, _ = read_projects(tmp_path, rows)
    assert projects["新能源电池项目"].completed == pytest.approx(2.2)
    assert projects["新能源电池项目"].started_flag is True


def test_ledger_unreadable_date_is_a_problem_with_its_cell(tmp_path):
    rows = [
        *LEDGER_HEADER,
        [1, "新能源电池项目", "新开工", 100000, 40000, 22000, "下半年", None, "建设局"],
        [2, "智能装备产业园", "新开工", 100000, "4万x", 22000, "2024.3", None, "建设局"],
    ]
    projects, data = read_projects(tmp_path, rows)
    assert projects["新能源电池项目"].planned_start is None
    messages = problems(data)
    assert any("G2" in m and "下半年" in m and "计划开工时间" in m for m in messages), messages
    assert any("E3" in m and "4万x" in m and "年度计划投资" in m for m in messages), messages


def test_ledger_missing_column_names_the_mapping(tmp_path):
    rows = [
        [h for h in LEDGER_HEADER[0] if h != "计划开工时间"],
        [1, "新能源电池项目", "新开工", 100000, 40000, 22000, None, "建设局"],
    ]
    projects, data = read_projects(tmp_path, rows)
    assert "新能源电池项目" in projects
    [message] = problems(data)
    assert "计划开工时间" in message and "columns.planned_start" in message


def test_ledger_in_gbk_csv(tmp_path):
    lines = [
        ",".join(LEDGER_HEADER[0]),
        "1,2,3,4,5,6,7,8,9",
        '1,新能源电池项目,新开工,100000,40000,"22,000",2024.3,2024.4,住建局',
        "2,智能装备产业园,新开工,12000,12000,—,5月,,招商局",
    ]
    (data_dir(tmp_path) / "重点项目.csv").write_bytes("\r\n".join(lines).encode("gbk"))
    projects, data = read_projects(tmp_path, None, file="重点项目.csv")
    assert data.problems == []
    assert list(projects) == ["新能源电池项目", "智能装备产业园"]  # not the column-number row
    p = projects["新能源电池项目"]
    assert p.completed == pytest.approx(2.2)
    assert p.owner == "建设局"
    assert p.actual_start == date(2024, 4, 1)
    assert projects["智能装备产业园"].completed is None


def test_ledger_in_xls_with_merged_owner(tmp_path):
    rows = [
        *LEDGER_HEADER,
        [1, "新能源电池项目", "新开工", 100000, 40000, 22000, "2024.3", "2024.4", "招商局"],
        [2, "智能装备产业园", "新开工", 12000, 12000, 3000, "2024.5", None, None],
    ]
    write_xls(data_dir(tmp_path) / "重点项目.xls", rows, sheet="台账", merges=((1, 2, 8, 8),))
    projects, data = read_projects(tmp_path, None, file="重点项目.xls")
    assert data.problems == []
    assert projects["智能装备产业园"].owner == "招商局"
    assert projects["智能装备产业园"].completed == pytest.approx(0.3)


# ---- locate_table directly ---------------------------------------------------------------------------


def test_locate_table_reports_header_paths_and_units(tmp_path):
    path = write_xlsx(
        tmp_path / "t.xlsx",
        [
            ["序号", "项目名称", "投资情况", None],
            [None, None, "总投资（万元）", "1-6月完成（万元）"],
            [1, "甲项目", 100, 20],
        ],
        merges=("A1:A2", "B1:B2", "C1:D1"),
    )
    grid = Workbook(path).grid(None)
    table = locate_table(grid, ["项目名称", "总投资", "1-6月完成"])
    assert (table.header_top, table.data_start) == (0, 2)
    column = table.find_column("投资情况/总投资")
    assert (column.index, column.unit, column.label) == (2, "万元", "投资情况/总投资")
    assert len(grid.rows) == 3


def test_workbook_missing_file_message(tmp_path):
    from reportgen.errors import SourceError

    with pytest.raises(SourceError) as exc:
        Workbook(tmp_path / "无此文件.xlsx")
    assert str(exc.value) == "无此文件.xlsx：文件不存在"


def test_hidden_sheet_is_not_the_default(tmp_path):
    from openpyxl import Workbook as Book

    book = Book()
    hidden = book.active
    hidden.title = "旧数据"
    hidden.append(["指标名称", "1-6月累计"])
    hidden.append(["固定资产投资", 1])
    hidden.sheet_state = "hidden"
    visible = book.create_sheet("本期")
    visible.append(["指标名称", "1-6月累计"])
    visible.append(["固定资产投资", 112.4])
    book.save(data_dir(tmp_path) / "指标.xlsx")
    reading, _ = read_fai(tmp_path, "{file: 指标.xlsx, row: 固定资产投资, column: 1-6月累计}")
    assert reading.value == pytest.approx(112.4)
    assert reading.location.sheet == "本期"


def test_other_period_is_read_from_its_own_folder(tmp_path):
    for month, value in ((5, 90.1), (6, 112.4)):
        period = Period(2024, month)
        write_xlsx(
            data_dir(tmp_path, period) / "指标.xlsx",
            [["指标名称", f"1-{month}月累计"], ["固定资产投资", value]],
        )
    config = indicator_config(tmp_path, "{file: 指标.xlsx, row: 固定资产投资, column: '1-{month}月累计'}")
    assert read_period(config, Period(2024, 5)).readings["fai"].value == pytest.approx(90.1)
    assert read_period(config, Period(2024, 6)).readings["fai"].value == pytest.approx(112.4)


def test_month_span_headers_in_all_their_spellings(tmp_path):
    """1—6月 / 1~6月 / 1至6月 compare as 1-6月; {span} and 1-{month}月 also find January's 1月累计."""
    import openpyxl

    from reportgen.config import load_config

    for month, header in ((6, "1—6月累计"), (6, "1至6月累计"), (1, "1月累计")):
        folder = tmp_path / "data" / f"2024-{month:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        wb = openpyxl.Workbook()
        wb.active.append(["指标名称", header])
        wb.active.append(["固定资产投资", 12.5])
        wb.save(folder / "表.xlsx")
        for column in ("1-{month}月累计", "{span}累计"):
            (tmp_path / "c.yaml").write_text(
                "zone: 区\nyear: 2024\ndepartments: [经发局]\nindicators:\n"
                "  - {id: fai, name: 固定资产投资, unit: 亿元, kind: cumulative, target: 100, owner: 经发局,\n"
                f'     source: {{file: 表.xlsx, row: 固定资产投资, column: "{column}"}}}}\n',
                encoding="utf-8",
            )
            data = read_period(load_config(tmp_path / "c.yaml"), Period(2024, month))
            assert data.readings["fai"].value == 12.5, (header, column, data.problems)


def test_group_merged_only_across_with_leaf_row_below(tmp_path):
    """A common shape: '完成情况' merged over two columns, the other header cells not merged down."""
    write_xlsx(
        data_dir(tmp_path) / "指标.xlsx",
        [
            ["指标名称", "完成情况", None, "上年同期", None],
            [None, "本月", "1-6月累计", "本月", "1-6月累计"],
            ["固定资产投资", 20.5, 112.4, 18.0, 99.4],
        ],
        merges=("B1:C1", "D1:E1"),
    )
    reading, data = read_fai(tmp_path, "{file: 指标.xlsx, row: 固定资产投资, column: 完成情况/1-6月累计}")
    assert reading.value == pytest.approx(112.4) and reading.location.cell == "C3"
    reading, _ = read_fai(tmp_path, "{file: 指标.xlsx, row: 固定资产投资, column: 上年同期/1-6月累计}")
    assert reading.value == pytest.approx(99.4)


def test_text_only_first_data_row_is_not_taken_for_a_header_row(tmp_path):
    write_xlsx(
        data_dir(tmp_path) / "指标.xlsx",
        [
            ["指标名称", "1-6月累计", "备注"],
            ["固定资产投资", "112.4", "含续建"],
        ],
    )
    reading, data = read_fai(tmp_path, "{file: 指标.xlsx, row: 固定资产投资, column: 1-6月累计}")
    assert reading.value == pytest.approx(112.4) and data.problems == []


def test_first_data_row_with_amounts_typed_with_units_is_not_a_header_row(tmp_path):
    write_xlsx(
        data_dir(tmp_path) / "指标.xlsx",
        [
            ["指标名称", "完成情况", None],
            [None, "1-6月累计", "上年同期"],
            ["固定资产投资", "112.4亿", "99.8亿"],
        ],
        merges=("B1:C1",),
    )
    reading, data = read_fai(tmp_path, "{file: 指标.xlsx, row: 固定资产投资, column: 1-6月累计}")
    assert reading.value == pytest.approx(112.4) and data.problems == []


def test_band_merged_across_under_a_hidden_duplicate_column_is_not_a_header_row(tmp_path):
    """Two neighbouring columns with the same header (the hidden one is last month's) look like a group
    spanning them; the band row merged across below is still a band, not the header's leaf row."""
    rows = [
        [*LEDGER_HEADER[0][:5], LEDGER_HEADER[0][5], *LEDGER_HEADER[0][5:]],
        ["一类项目（1个）"] + [None] * 9,
        [1, "新能源电池项目", "新开工", 100000, 40000, 18000, 22000, "2024.3", "2024.4", "建设局"],
    ]
    projects, data = read_projects(tmp_path, rows, merges=("A2:J2",), hidden_columns=("F",))
    assert data.problems == []
    assert projects["新能源电池项目"].category == "一类项目"
    assert projects["新能源电池项目"].completed == pytest.approx(2.2)


def test_csv_header_with_column_names_over_two_unmerged_rows(tmp_path):
    """Exported from a merged two- or three-row header: 序号/项目名称 in the top row, the leaves below it."""
    lines = [
        "序号,项目名称,建设性质,投资情况（万元）,,,开工时间,,责任单位",
        ",,,总投资,年度计划投资,1-6月累计完成投资,计划开工时间,实际开工时间,",
        "1,新能源电池项目,新开工,100000,40000,22000,2024.3,2024.4,建设局",
    ]
    (data_dir(tmp_path) / "重点项目.csv").write_bytes("\r\n".join(lines).encode("gb18030"))
    projects, data = read_projects(tmp_path, None, file="重点项目.csv")
    assert data.problems == []
    assert projects["新能源电池项目"].completed == pytest.approx(2.2)
    three = [lines[0].replace("投资情况（万元）", "项目推进情况（万元）").replace("开工时间", ""), *lines[1:]]
    three[1:1] = [",,,投资情况,,,开工时间,,"]
    (data_dir(tmp_path) / "重点项目.csv").write_bytes("\r\n".join(three).encode("gb18030"))
    projects, data = read_projects(tmp_path, None, file="重点项目.csv")
    assert data.problems == []
    assert projects["新能源电池项目"].completed == pytest.approx(2.2)


# ---- formulas in .xls and .csv (an .xlsx formula without a saved value: tests/test_rows.py) -----------------


def test_xls_formula_without_a_computed_result_reads_as_not_reported_never_zero(tmp_path):
    """A BIFF FORMULA record always has a result field. Excel/WPS store the value; xlwt (a program that does not
    calculate) stores an empty string, which is all the file holds: read as an empty cell, so 未报送, never 0."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("指标")
    for c, text in enumerate(["指标名称", "年度目标", "1-6月累计"]):
        sheet.write(0, c, text)
    sheet.write(1, 0, "固定资产投资")
    sheet.write(1, 1, 200)
    sheet.write(1, 2, xlwt.Formula("B2*0.5"))
    book.save(str(data_dir(tmp_path) / "指标.xls"))
    reading, data = read_fai(tmp_path, "{file: 指标.xls, row: 固定资产投资, column: 1-6月累计}")
    assert reading.value is None
    assert problems(data) == [
        "2024-06/指标.xls › 指标 › C2：单元格为空，按未报送处理（不计为 0）（指标：固定资产投资）"
    ]


def test_csv_formula_text_is_named_as_a_formula(tmp_path):
    """A CSV keeps no formulas, only their text when a clerk typed or exported one."""
    text = "指标名称,年度目标,1-6月累计\r\n固定资产投资,200,=B2*0.5\r\n"
    (data_dir(tmp_path) / "指标.csv").write_bytes(text.encode("gb18030"))
    reading, data = read_fai(tmp_path, "{file: 指标.csv, row: 固定资产投资, column: 1-6月累计}")
    assert reading.value is None
    [problem] = problems(data)
    assert problem.startswith("2024-06/指标.csv › 指标 › C2：“=B2*0.5”是公式的文本，不是数字")


def test_an_unreadable_file_is_a_problem_naming_it_and_the_rest_is_read(tmp_path, monkeypatch):
    """A file Excel keeps locked on a Windows share reads as PermissionError: that file is not read (its
    indicators 未报送), the run goes on with the others."""
    from pathlib import Path

    folder = data_dir(tmp_path)
    (folder / "指标.csv").write_bytes("指标名称,1-6月累计\r\n固定资产投资,112.4\r\n".encode("gb18030"))
    write_xlsx(folder / "商务.xlsx", [["指标名称", "1-6月累计"], ["实到外资", 3000]])
    read_bytes = Path.read_bytes

    def locked(self):
        if self.name == "指标.csv":
            raise PermissionError(13, "Permission denied", str(self))
        return read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", locked)
    extra = """\
  - id: fdi
    name: 实到外资
    kind: cumulative
    unit: 万美元
    owner: 商务局
    target: 8000
    source: {file: 商务.xlsx, row: 实到外资, column: 1-6月累计}
"""
    reading, data = read_fai(tmp_path, "{file: 指标.csv, row: 固定资产投资, column: 1-6月累计}", extra=extra)
    assert reading.value is None
    assert data.readings["fdi"].value == pytest.approx(3000)
    assert problems(data) == [
        "2024-06/指标.csv：无法读取：没有权限（Permission denied）（指标：固定资产投资）"
    ]
