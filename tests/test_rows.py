"""Ledger rows classified, never guessed: the same four projects however the clerk laid out bands and totals.

A new user's ledger had unmerged-ordinal bands merged across the table ("大健康（15个）"): they were counted as
projects, lowered 开工率 and showed up as a 责任单位. Each layout below must give the identical projects,
categories and 开工率; anything the reader skips is counted, and a row it cannot place is a problem.
"""

from __future__ import annotations

import openpyxl
import pytest
from conftest import PERIOD, config_from, data_dir, write_xls, write_xlsx

from reportgen.metrics import evaluate
from reportgen.pipeline import run
from reportgen.sources.collect import read_period
from reportgen.sources.rows import Layout, RowKind, band_name, classify_row

CONFIG = """
    zone: 测试经开区
    year: 2024
    departments: [经发局, 招商局]
    indicators:
      - id: fai
        name: 固定资产投资
        kind: cumulative
        unit: 万元
        owner: 经发局
        target: 200000
        source: {file: 指标.xlsx, row: 固定资产投资, column: 1-6月累计}
        last_year: {column: 上年同期}
    ledgers:
      projects:
        file: %(file)s
        sheet: 台账
        start_rate_base: all
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

HEADER = [
    "序号",
    "项目名称",
    "建设性质",
    "总投资（万元）",
    "年度计划投资（万元）",
    "1-6月累计完成投资（万元）",
    "计划开工时间",
    "实际开工时间",
    "责任单位",
]
E = [None] * 6  # the six columns after 项目名称 and its neighbour, empty

HEALTH = [
    [1, "康养中心", "新开工", 10000, 4000, 2000, "2024.3", "2024.4", "经发局"],
    [2, "医疗器械园", "新开工", 8000, 3000, 1000, "2024.5", "未开工", "经发局"],
]
MATERIALS = [
    [3, "碳纤维项目", "新开工", 20000, 6000, 3000, "2024.2", "2024.2", "招商局"],
    [4, "石墨烯基地", "续建", 5000, 2000, 500, "2023.10", "2023.11", "招商局"],
]
EXPECTED = {"康养中心": "大健康", "医疗器械园": "大健康", "碳纤维项目": "新材料", "石墨烯基地": "新材料"}


def _band(text: str, col: int = 1, amounts=(None, None, None)) -> list:
    row = [None] * 9
    row[col] = text
    row[3:6] = amounts
    return row


def _total(text: str, amounts) -> list:
    return [None, text, None, *amounts, None, None, None]


HEALTH_SUM, MATERIALS_SUM = (18000, 7000, 3000), (25000, 8000, 3500)
TITLE = ["2024年重点项目推进情况表"] + [None] * 8

# name -> (rows, merges in A1 notation, expected (bands, totals, headers, notes))
LAYOUTS = {
    "merged, no ordinal: 大健康（2个）": (
        [TITLE, HEADER, ["大健康（2个）"] + [None] * 8, *HEALTH, ["新材料（2个）"] + [None] * 8, *MATERIALS],
        ("A1:I1", "A3:I3", "A6:I6"),
        (2, 0, 0, 0),
    ),
    "merged, bare name: 大健康": (
        [HEADER, ["大健康"] + [None] * 8, *HEALTH, ["新材料"] + [None] * 8, *MATERIALS],
        ("A2:I2", "A5:I5"),
        (2, 0, 0, 0),
    ),
    "unmerged, in the name column: 新材料类": (
        [HEADER, _band("大健康类"), *HEALTH, _band("新材料类"), *MATERIALS],
        (),
        (2, 0, 0, 0),
    ),
    "（一） in the 序号 column": (
        [HEADER, _band("（一）大健康", 0), *HEALTH, _band("（二）新材料", 0), *MATERIALS],
        (),
        (2, 0, 0, 0),
    ),
    "一、 with subtotal amounts": (
        [
            HEADER,
            _band("一、大健康", 1, HEALTH_SUM),
            *HEALTH,
            _band("二、新材料", 1, MATERIALS_SUM),
            *MATERIALS,
        ],
        (),
        (2, 0, 0, 0),
    ),
    "no mark, amounts equal the rows below": (
        [HEADER, _band("大健康", 1, HEALTH_SUM), *HEALTH, _band("新材料", 1, MATERIALS_SUM), *MATERIALS],
        (),
        (2, 0, 0, 0),
    ),
    "合计 at top and bottom, 小计 under each band": (
        [
            HEADER,
            _total("合计", (43000, 15000, 6500)),
            _band("一、大健康（2个）"),
            *HEALTH,
            _total("小计", HEALTH_SUM),
            _band("二、新材料（2个）"),
            *MATERIALS,
            _total("小计", MATERIALS_SUM),
            _total("全区合计", (43000, 15000, 6500)),
        ],
        (),
        (2, 4, 0, 0),
    ),
    "bottom subtotal named like its band": (
        [
            HEADER,
            _band("大健康类"),
            *HEALTH,
            _band("大健康", 1, HEALTH_SUM),
            _band("新材料类"),
            *MATERIALS,
            _band("新材料", 1, MATERIALS_SUM),
        ],
        (),
        (2, 2, 0, 0),
    ),
    "header and column numbers repeated mid-sheet": (
        [
            HEADER,
            _band("一、大健康"),
            *HEALTH,
            HEADER,
            list(range(1, 10)),
            _band("二、新材料"),
            *MATERIALS,
        ],
        (),
        (2, 0, 2, 0),
    ),
    "footer notes, one numbered like a project": (
        [
            HEADER,
            _band("一、大健康"),
            *HEALTH,
            [None] * 9,
            _band("二、新材料"),
            *MATERIALS,
            ["填报人：", "李四", None, "审核人：", "王五", None, "联系电话：12345678", None, None],
            ["说明："] + [None] * 8,
            [1, "碳纤维项目已于2月开工", None, None, None, None, None, None, None],
        ],
        (),
        (2, 0, 0, 3),
    ),
}


def read(tmp_path, rows, merges=(), file="重点项目.xlsx"):
    if file.endswith(".xlsx"):
        write_xlsx(data_dir(tmp_path) / file, rows, sheet="台账", merges=merges)
    write_xlsx(
        data_dir(tmp_path) / "指标.xlsx",
        [["指标名称", "1-6月累计", "上年同期"], ["固定资产投资", 9000, 8000]],
    )
    config = config_from(tmp_path, CONFIG % {"file": file})
    data = read_period(config, PERIOD)
    return config, data


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_every_layout_gives_the_same_projects_categories_and_start_rate(tmp_path, layout):
    rows, merges, (bands, totals, headers, notes) = LAYOUTS[layout]
    config, data = read(tmp_path, rows, merges)
    ledger = data.ledgers["projects"]
    assert {p.name: p.category for p in ledger.projects} == EXPECTED
    assert {p.owner for p in ledger.projects} == {"经发局", "招商局"}
    assert [str(p) for p in data.problems] == []
    counts = ledger.rows
    assert (
        counts.projects,
        counts.bands,
        counts.totals,
        counts.headers,
        counts.notes,
        counts.unclassified,
    ) == (
        4,
        bands,
        totals,
        headers,
        notes,
        0,
    )
    total = evaluate(config, data).ledgers[0].total
    assert (total.start_base, total.started, total.start_rate) == (4, 3, pytest.approx(0.75))


def test_merged_band_in_an_xls_file(tmp_path):
    rows = [HEADER, ["大健康（2个）"] + [None] * 8, *HEALTH, ["新材料（2个）"] + [None] * 8, *MATERIALS]
    write_xls(data_dir(tmp_path) / "重点项目.xls", rows, sheet="台账", merges=((1, 1, 0, 8), (4, 4, 0, 8)))
    _, data = read(tmp_path, None, file="重点项目.xls")
    assert {p.name: p.category for p in data.ledgers["projects"].projects} == EXPECTED
    assert data.problems == []


def test_the_run_says_what_each_row_was(tmp_path, capsys):
    rows, merges, _ = LAYOUTS["合计 at top and bottom, 小计 under each band"]
    config, data = read(tmp_path, rows, merges)
    line = "2024-06/重点项目.xlsx › 台账：4 个项目，2 个分类行，4 个小计/合计行，0 个无法识别"
    assert line in data.notices
    result = run(config, PERIOD, tmp_path / "out")
    assert result.problems == []  # a notice is not a problem
    sheet = openpyxl.load_workbook(result.workbook)["数据问题"]
    texts = [str(c.value) for row in sheet.iter_rows() for c in row if c.value]
    assert any(line in t for t in texts), texts


def test_a_row_with_amounts_but_no_name_is_a_problem_not_a_project(tmp_path):
    rows = [HEADER, *HEALTH, [None, None, None, 3000, 1000, 500, None, None, "招商局"], *MATERIALS]
    _, data = read(tmp_path, rows)
    ledger = data.ledgers["projects"]
    assert len(ledger.projects) == 4 and ledger.rows.unclassified == 1
    [problem] = [str(p) for p in data.problems]
    assert "台账 › B4" in problem and "无法识别" in problem and "未计入项目" in problem


def test_band_text_never_becomes_an_owner(tmp_path):
    rows, merges, _ = LAYOUTS["merged, no ordinal: 大健康（2个）"]
    _, data = read(tmp_path, rows, merges)
    assert not any("大健康" in str(p) for p in data.problems)  # not an unknown 责任单位 either


# ---- formula cells without a saved result ----------------------------------------------------------------


def test_project_name_formula_without_value_is_a_problem_row(tmp_path):
    rows = [
        HEADER,
        *HEALTH,
        [3, '="碳纤维"&"项目"', "新开工", 20000, 6000, 3000, "2024.2", "2024.2", "招商局"],
    ]
    _, data = read(tmp_path, rows)
    ledger = data.ledgers["projects"]
    assert [p.name for p in ledger.projects] == ["康养中心", "医疗器械园"]
    assert ledger.rows.unclassified == 1
    [problem] = [str(p) for p in data.problems]
    assert "B4：本单元格是公式，但文件中没有保存计算结果：请在 Excel/WPS 中打开并保存后再报送" in problem


def test_amount_formula_without_value_is_a_problem_never_empty(tmp_path):
    rows = [HEADER, [1, "康养中心", "新开工", 10000, 4000, "=D2*0.2", "2024.3", "2024.4", "经发局"]]
    _, data = read(tmp_path, rows)
    [project] = data.ledgers["projects"].projects
    assert project.completed is None
    assert [str(p) for p in data.problems] == [
        "2024-06/重点项目.xlsx › 台账 › F2：本单元格是公式，但文件中没有保存计算结果：请在 Excel/WPS 中打开并保存后再报送"
    ]


def test_indicator_formula_without_value_is_not_called_empty(tmp_path):
    rows, merges, _ = LAYOUTS["unmerged, in the name column: 新材料类"]
    write_xlsx(data_dir(tmp_path) / "重点项目.xlsx", rows, sheet="台账")
    write_xlsx(
        data_dir(tmp_path) / "指标.xlsx",
        [["指标名称", "1-6月累计", "上年同期"], ["固定资产投资", "=1+2", 8000]],
    )
    data = read_period(config_from(tmp_path, CONFIG % {"file": "重点项目.xlsx"}), PERIOD)
    assert data.readings["fai"].value is None
    [problem] = [str(p) for p in data.problems]
    assert "B2：本单元格是公式，但文件中没有保存计算结果" in problem and "单元格为空" not in problem


# ---- approximate numbers and a blank 上年同期 -------------------------------------------------------------


@pytest.mark.parametrize("typed", ["3000余", "约3000", "3000多", "近3000"])
def test_approximate_indicator_value_is_read_with_a_note(tmp_path, typed):
    rows, _, _ = LAYOUTS["unmerged, in the name column: 新材料类"]
    write_xlsx(data_dir(tmp_path) / "重点项目.xlsx", rows, sheet="台账")
    write_xlsx(
        data_dir(tmp_path) / "指标.xlsx",
        [["指标名称", "1-6月累计", "上年同期"], ["固定资产投资", typed, 2500]],
    )
    data = read_period(config_from(tmp_path, CONFIG % {"file": "重点项目.xlsx"}), PERIOD)
    assert data.readings["fai"].value == 3000
    assert data.problems == []
    assert f"2024-06/指标.xlsx › Sheet1 › B2：原填“{typed}”，按3000计（指标：固定资产投资）" in data.notices


def test_approximate_ledger_amount_is_read_with_a_note(tmp_path):
    rows = [HEADER, [1, "康养中心", "新开工", 10000, 4000, "2000余", "2024.3", "2024.4", "经发局"]]
    _, data = read(tmp_path, rows)
    assert data.ledgers["projects"].projects[0].completed == pytest.approx(0.2)  # 亿元
    assert any("F2：原填“2000余”，按2000计" in n for n in data.notices), data.notices


def test_blank_last_year_means_no_yoy_said_once_not_a_problem(tmp_path):
    rows, _, _ = LAYOUTS["unmerged, in the name column: 新材料类"]
    write_xlsx(data_dir(tmp_path) / "重点项目.xlsx", rows, sheet="台账")
    write_xlsx(
        data_dir(tmp_path) / "指标.xlsx",
        [["指标名称", "1-6月累计", "上年同期"], ["固定资产投资", 9000, None]],
    )
    data = read_period(config_from(tmp_path, CONFIG % {"file": "重点项目.xlsx"}), PERIOD)
    assert data.readings["fai"].value == 9000 and data.problems == []
    said = [n for n in data.notices if "上年同期未填" in n]
    assert said == ["2024-06/指标.xlsx › Sheet1 › C2：上年同期未填，固定资产投资不计算同比"]


# ---- classify_row on its own --------------------------------------------------------------------------------

LAYOUT = Layout(
    name_col=1, amount_cols=(3, 4, 5), header=tuple(frozenset([h.split("（")[0]]) for h in HEADER)
)


@pytest.mark.parametrize(
    "cells, kind, band",
    [
        (["大健康（15个）"] * 9, RowKind.BAND, "大健康"),  # merged across: the same text in every cell
        ([None, "新材料类"], RowKind.BAND, "新材料"),
        (["（一）新材料产业"], RowKind.BAND, "新材料产业"),
        (
            [None, "二、精细化工", None, 100, 50, 20],
            RowKind.BAND,
            "精细化工",
        ),  # marked: amounts are its subtotal
        ([None, "产业项目小计", None, 100, 50, 20], RowKind.TOTAL, ""),
        (["合计"] * 9, RowKind.TOTAL, ""),
        ([1, "康养中心", None, None, None, None], RowKind.PROJECT, ""),  # a 序号 makes it a project
        ([None, "康养中心", "新开工"], RowKind.PROJECT, ""),
        (["填报人：李四"], RowKind.NOTE, ""),
        (HEADER, RowKind.HEADER, ""),
        ([None, None, None, 100], RowKind.UNCLASSIFIED, ""),
        ([7], RowKind.BLANK, ""),  # a numbered row of the form left unused
    ],
)
def test_classify_row(cells, kind, band):
    got = classify_row(cells, LAYOUT)
    assert (got.kind, got.band) == (kind, band)


def test_text_and_amounts_alone_decided_by_the_sums():
    cells = [None, "大健康", None, 18000, 7000, 3000]
    assert classify_row(cells, LAYOUT, below=[18000, 7000, 3000]).kind is RowKind.BAND
    assert classify_row(cells, LAYOUT, above=[18000, 7000, 3000]).kind is RowKind.TOTAL
    assert classify_row(cells, LAYOUT, below=[1, 2, 3]).kind is RowKind.PROJECT  # a project without a 序号


def test_band_name_strips_ordinal_count_and_class_word():
    assert [
        band_name(t) for t in ("一、产业项目（45个）", "（二）新材料产业", "大健康(共15项)", "精细化工类")
    ] == [
        "产业项目",
        "新材料产业",
        "大健康",
        "精细化工",
    ]


def test_an_approximate_figure_is_explained_in_the_word_report(tmp_path):
    from conftest import data_dir, write_config, write_xlsx
    from docx import Document

    from reportgen.config import load_config
    from reportgen.period import Period
    from reportgen.pipeline import run

    write_config(
        tmp_path,
        """
        zone: 测试区
        year: 2024
        departments: [经发局]
        indicators:
          - {id: firms, name: 新增市场主体, kind: count, unit: 户, owner: 经发局, target: 6000,
             source: {file: 指标.xlsx, row: 新增市场主体, column: 累计}}
        output:
          charts: {enabled: false}
        """,
    )
    write_xlsx(
        data_dir(tmp_path, Period(2024, 6)) / "指标.xlsx", [["指标", "累计"], ["新增市场主体", "3000余"]]
    )
    result = run(load_config(tmp_path / "config.yaml"), Period(2024, 6), tmp_path / "out")
    text = "\n".join(p.text for p in Document(str(result.report)).paragraphs)
    assert "新增市场主体3000户，完成年度目标的50.0%" in text
    assert "读取说明：以下数据按说明处理：" in text and "原填“3000余”，按3000计" in text


def test_a_hidden_column_is_no_evidence_of_a_project():
    """A band with its subtotals, also in a hidden column of last month's figures: still a band."""
    cells = [None, "大健康", None, 18000, 7000, 3000, 2400]
    hidden = Layout(LAYOUT.name_col, LAYOUT.amount_cols, LAYOUT.header, hidden=frozenset({6}))
    assert classify_row(cells, hidden, below=[18000, 7000, 3000]).kind is RowKind.BAND
    assert classify_row(cells, LAYOUT, below=[18000, 7000, 3000]).kind is RowKind.PROJECT  # visible: its own


# ---- indicator sheets: the same classification -------------------------------------------------------------

INDICATOR_ROWS_CONFIG = """
    zone: 测试经开区
    year: 2024
    departments: [经发局]
    indicators:
%s
"""
INDICATOR_ENTRY = """\
      - id: %(id)s
        name: %(name)s
        kind: cumulative
        unit: 亿元
        owner: 经发局
        target: 100
        source: {file: 指标.xlsx, row: %(row)s, column: 1-6月累计}
"""


def read_indicators(tmp_path, rows, merges=(), wanted=("固定资产投资", "一般公共预算收入")):
    write_xlsx(data_dir(tmp_path) / "指标.xlsx", rows, sheet="指标", merges=merges)
    entries = "".join(
        INDICATOR_ENTRY % {"id": f"i{k}", "name": name, "row": name} for k, name in enumerate(wanted)
    )
    return read_period(config_from(tmp_path, INDICATOR_ROWS_CONFIG % entries), PERIOD)


def indicator_rows(data) -> str:
    [line] = [n for n in data.notices if "个指标行" in n]
    return line


def test_indicator_sheet_rows_are_classified_and_counted(tmp_path):
    header = ["指标名称", "单位", "年度目标", "1-6月累计"]
    rows = [
        ["2024年1-6月主要经济指标", None, None, None],
        header,
        ["一、投资消费", None, None, None],  # merged across
        ["固定资产投资", "亿元", 200, 112.4],
        ["社会消费品零售总额", "亿元", 80, 44],
        ["小计", "亿元", 280, 156.4],
        header,  # the sheet was pasted together from two
        ["财税类", None, None, None],  # not merged, no ordinal
        ["一般公共预算收入", "万元", 30000, 16050],
        ["规上工业增加值", "亿元", None, None],  # not reported yet, but its unit says it is an indicator
        ["合计", None, None, None],
        ["填报单位（盖章）：经发局", None, None, None],
        ["说明：数据为快报数", None, None, None],
    ]
    data = read_indicators(tmp_path, rows, merges=("A1:D1", "A3:D3"))
    assert [str(p) for p in data.problems] == []
    assert data.readings["i0"].value == pytest.approx(112.4)
    assert data.readings["i1"].value == pytest.approx(1.605)  # 万元 from its 单位 cell
    assert indicator_rows(data).endswith(
        "：4 个指标行，2 个分类行，2 个小计/合计行，1 个重复表头行，2 个表尾/说明行，0 个无法识别"
    )


def test_an_ordinal_alone_in_the_sequence_column_marks_a_band(tmp_path):
    """ "一、" in 序号 and "投资" in the name column: a band, counted as one (a trial's sheet said 16 指标行, 0 分类行)."""
    rows = [
        ["序号", "指标名称", "单位", "1-6月累计"],
        ["一、", "投资", None, None],
        [1, "固定资产投资", "亿元", 112.4],
        ["二、", "财税", None, None],
        [2, "一般公共预算收入", "万元", 16050],
    ]
    data = read_indicators(tmp_path, rows)
    assert [str(p) for p in data.problems] == []
    assert indicator_rows(data).endswith("：2 个指标行，2 个分类行，0 个小计/合计行，0 个无法识别")


def test_an_indicator_row_without_a_name_is_a_problem_naming_its_cell(tmp_path):
    rows = [
        ["指标名称", "年度目标", "1-6月累计"],
        ["固定资产投资", 200, 112.4],
        [None, 30000, 16050],  # the name was deleted: whose figures are these?
        ["一般公共预算收入", 30000, 16051],
    ]
    data = read_indicators(tmp_path, rows)
    assert [str(p) for p in data.problems] == [
        "2024-06/指标.xlsx › 指标 › A3：第 3 行无法识别：指标名称为空，但这一行有内容；"
        "应为指标行（有指标名称）、分类行、小计/合计行或表尾说明，这一行未读取"
    ]
    assert indicator_rows(data).endswith("：2 个指标行，0 个分类行，0 个小计/合计行，1 个无法识别")
    assert data.readings["i1"].value == pytest.approx(16051)


def test_a_configured_row_is_read_whatever_its_shape(tmp_path):
    """Rows the config names are indicators, even when they look like a band: results on existing sheets do not
    change because of the classification."""
    rows = [
        ["指标名称", "年度目标", "1-6月累计"],
        ["一、固定资产投资", 200, 112.4],  # numbered like a band
        ["一般公共预算收入", None, None],  # nothing reported yet: a band by its shape
    ]
    data = read_indicators(tmp_path, rows)
    assert data.readings["i0"].value == pytest.approx(112.4)
    assert data.readings["i1"].value is None
    assert [str(p) for p in data.problems] == [
        "2024-06/指标.xlsx › 指标 › C3：单元格为空，按未报送处理（不计为 0）（指标：一般公共预算收入）"
    ]
    assert indicator_rows(data).endswith("：2 个指标行，0 个分类行，0 个小计/合计行，0 个无法识别")


def test_a_repeated_header_row_is_never_taken_for_an_indicator(tmp_path):
    rows = [
        ["指标名称", "年度目标", "1-6月累计"],
        ["固定资产投资", 200, 112.4],
        ["指标名称", "年度目标", "1-6月累计"],
        ["一般公共预算收入", 30000, 16050],
    ]
    data = read_indicators(tmp_path, rows, wanted=("固定资产投资", "一般公共预算收入", "指标名称"))
    assert data.readings["i1"].value == pytest.approx(16050)
    assert data.readings["i2"].value is None
    assert "找不到“指标名称”这一行" in str(data.problems[0])


@pytest.mark.parametrize(
    "cells, kind",
    [
        (["112.4", "200", None, "固定资产投资"], RowKind.DATA),  # figures before the names (csv: as text)
        ([None, None, None, "投资消费类"], RowKind.BAND),
        (["一、投资消费"] * 4, RowKind.BAND),
        (["280", "156.4", None, "小计"], RowKind.TOTAL),
        (["16050", "30000", None, None], RowKind.UNCLASSIFIED),  # never a blank numbered row
    ],
)
def test_classify_indicator_row_with_the_names_last(cells, kind):
    header = (frozenset({"1-6月累计"}), frozenset({"年度目标"}), frozenset({"单位"}), frozenset({"指标名称"}))
    layout = Layout(3, header=header, noun="指标", content_left=True)
    assert classify_row(cells, layout).kind is kind


def test_many_indicator_sheets_are_accounted_for_in_one_line(tmp_path):
    """Sixty departments' sheets give one line, not sixty; a nameless row is still a problem naming its cell."""
    header = ["指标名称", "年度目标", "1-6月累计"]
    write_xlsx(
        data_dir(tmp_path) / "经发局.xlsx", [header, ["一、投资", None, None], ["固定资产投资", 200, 112.4]]
    )
    write_xlsx(
        data_dir(tmp_path) / "财政局.xlsx",
        [header, ["一般公共预算收入", 300, 160.5], [None, 1, 2], ["填报人：李四", None, None]],
    )
    entries = "".join(
        (INDICATOR_ENTRY % {"id": f"i{k}", "name": name, "row": name}).replace("指标.xlsx", file)
        for k, (name, file) in enumerate(
            [("固定资产投资", "经发局.xlsx"), ("一般公共预算收入", "财政局.xlsx")]
        )
    )
    data = read_period(config_from(tmp_path, INDICATOR_ROWS_CONFIG % entries), PERIOD)
    assert [data.readings["i0"].value, data.readings["i1"].value] == pytest.approx([112.4, 160.5])
    assert indicator_rows(data) == (
        "2 张指标表合计：2 个指标行，1 个分类行，0 个小计/合计行，1 个表尾/说明行，1 个无法识别"
    )
    [problem] = [str(p) for p in data.problems]
    assert problem.startswith("2024-06/财政局.xlsx › Sheet1 › A3：第 3 行无法识别：指标名称为空")


# ---- from a new user's trial: bands in the 序号 column, a formula name beside amounts, no 总投资 column ----------


@pytest.mark.parametrize("amounts", [(None, None, None), (25000, 8000, 3500)], ids=["plain", "with its sums"])
def test_band_in_the_sequence_column_names_the_category(tmp_path, amounts):
    rows = [HEADER, _band("一、大健康", col=0), *HEALTH, _band("新材料", col=0, amounts=amounts), *MATERIALS]
    _, data = read(tmp_path, rows)
    ledger = data.ledgers["projects"]
    assert {p.name: p.category for p in ledger.projects} == EXPECTED
    assert (ledger.rows.projects, ledger.rows.bands, ledger.rows.unclassified) == (4, 2, 0)
    assert data.problems == []


def test_text_in_the_sequence_column_with_amounts_that_do_not_add_up_is_a_problem(tmp_path):
    rows = [HEADER, *HEALTH, _band("新材料", col=0, amounts=(1, 2, 3)), *MATERIALS]
    _, data = read(tmp_path, rows)
    assert data.ledgers["projects"].rows.unclassified == 1
    [problem] = [str(p) for p in data.problems]
    assert "“新材料”像分类行，但金额与其下各行之和不符" in problem and "未计入项目" in problem


def test_a_ledger_figure_missing_an_unreadable_row_says_so(tmp_path):
    """A project whose name is an unsaved formula is not counted; the sum it is missing from must not look
    complete (the trial's 重点项目完成投资 showed 1.10 for 3.10, lit red, without a word)."""
    config = CONFIG.replace(
        "    ledgers:",
        "      - {id: done, name: 重点项目完成投资, kind: cumulative, unit: 亿元, owner: 经发局, target: 0.8,\n"
        "         source: {ledger: projects, sum: completed}}\n    ledgers:",
    )
    rows = [
        HEADER,
        *HEALTH,
        [3, '="碳纤维"&"项目"', "新开工", 20000, 6000, 3000, "2024.2", "2024.2", "招商局"],
    ]
    write_xlsx(data_dir(tmp_path) / "重点项目.xlsx", rows, sheet="台账")
    write_xlsx(
        data_dir(tmp_path) / "指标.xlsx",
        [["指标名称", "1-6月累计", "上年同期"], ["固定资产投资", 9000, 8000]],
    )
    cfg = config_from(tmp_path, config % {"file": "重点项目.xlsx"})
    result = next(i for i in evaluate(cfg, read_period(cfg, PERIOD)).indicators if i.id == "done")
    assert result.actual == pytest.approx(0.3)  # 2000 + 1000 万元: the third project is not counted
    assert result.note == "台账有 1 行无法识别，未计入本项（见数据问题），数值可能偏小"


def test_no_total_investment_sentence_without_the_column(tmp_path):
    from reportgen.render.report import ledger_summary

    config = CONFIG.replace("          total_investment: 总投资\n", "")
    write_xlsx(data_dir(tmp_path) / "重点项目.xlsx", [HEADER, *HEALTH, *MATERIALS], sheet="台账")
    write_xlsx(
        data_dir(tmp_path) / "指标.xlsx",
        [["指标名称", "1-6月累计", "上年同期"], ["固定资产投资", 9000, 8000]],
    )
    cfg = config_from(tmp_path, config % {"file": "重点项目.xlsx"})
    [ledger] = evaluate(cfg, read_period(cfg, PERIOD)).ledgers
    assert ledger.total.total_investment is None
    text = ledger_summary(ledger, "1-6月")
    assert "总投资" not in text and "年度计划投资" in text
