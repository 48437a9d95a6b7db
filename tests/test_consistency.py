"""One figure, one face: the same number reads the same in the Word report, the Excel workbook and the charts.

Each test runs a small project end to end and opens what the run wrote (.docx, .xlsx, and the text the chart
drawer put on the figure)."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
from docx import Document

from reportgen.charts import figures
from reportgen.config import load_config
from reportgen.period import Period
from reportgen.pipeline import run

DEPARTMENTS = "[经发局, 商务局]"


def make_zone(root: Path, indicators: str, months: dict[int, list[list]], departments=DEPARTMENTS) -> Path:
    """A project whose data/2024-MM/表.xlsx › 指标 holds `months[MM]` (header row first)."""
    for month, rows in months.items():
        folder = root / "data" / f"2024-{month:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = "指标"
        for row in rows:
            sheet.append(row)
        book.save(folder / "表.xlsx")
    config = root / "config.yaml"
    config.write_text(
        f"zone: 测试区\nyear: 2024\ndepartments: {departments}\nindicators:\n{indicators}\n"
        "output: {charts: {workers: 1}}\n",
        encoding="utf-8",
    )
    return config


@pytest.fixture
def drawn(monkeypatch) -> dict[str, list[str]]:
    """chart name -> every text the drawer put on the figure (bar labels, axis labels, legend); name:hatches ->
    the hatch of each bar."""
    from matplotlib.text import Text

    texts: dict[str, list[str]] = {}
    for kind, drawer in list(figures.DRAWERS.items()):

        def recording(*args, _drawer=drawer, _kind=kind, **kwargs):
            fig = _drawer(*args, **kwargs)
            texts[_kind] = [t.get_text() for t in fig.findobj(Text) if t.get_text()]
            texts[f"{_kind}:hatches"] = [p.get_hatch() or "" for p in fig.axes[0].patches]
            return fig

        monkeypatch.setitem(figures.DRAWERS, kind, recording)
    return texts


def run_zone(config: Path, month: int = 9):
    return run(load_config(config), Period(2024, month))


def word_text(path: Path) -> tuple[list[str], list[list[str]]]:
    """Paragraphs, and every table row as its cells' text."""
    doc = Document(str(path))
    rows = [[c.text for c in row.cells] for table in doc.tables for row in table.rows]
    return [p.text for p in doc.paragraphs], rows


def ranking_rows(rows: list[list[str]]) -> list[list[str]]:
    """The rows of the ranking table (附件3), after its header row (排名, 较上月, 责任单位, …)."""
    start = next(i for i, r in enumerate(rows) if r[:2] == ["排名", "较上月"])
    return rows[start + 1 :]


def sheet_rows(path: Path, sheet: str) -> tuple[list, list[dict]]:
    """Header and the data rows (as {header: cell}) of a sheet of the stock workbook (header on row 3)."""
    ws = openpyxl.load_workbook(path)[sheet]
    header = [c.value for c in ws[3]]
    return header, [dict(zip(header, row)) for row in ws.iter_rows(min_row=4) if row[0].value is not None]


def shown(cell) -> str:
    """What Excel shows for a number under the stock formats ('0.00', '+0.0;-0.0;0.0', '0.00%')."""
    from decimal import Decimal

    fmt = cell.number_format
    section = fmt.split(";")[0 if cell.value > 0 or ";" not in fmt else (1 if cell.value < 0 else 2)]
    places = len(section.split(".")[1].rstrip("%")) if "." in section else 0
    value = Decimal(repr(cell.value * (100 if "%" in section else 1)))
    text = f"{abs(value):.{places}f}" if ";" in fmt else f"{value:.{places}f}"
    return section.replace("0." + "0" * places if places else "0", text, 1)


SCORE_ROUNDING = """\
  - {id: a, name: 进出口总额, kind: cumulative, unit: 亿元, owner: 商务局, target: 900, source: {file: 表.xlsx, row: 进出口总额, column: "{span}"}}
  - {id: b, name: 实际使用外资, kind: cumulative, unit: 万美元, owner: 商务局, target: 30000, source: {file: 表.xlsx, row: 实际使用外资, column: "{span}"}}
  - {id: c, name: 地区生产总值, kind: cumulative, unit: 亿元, owner: 经发局, target: 880, source: {file: 表.xlsx, row: 地区生产总值, column: "{span}"}}
  - {id: d, name: 固定资产投资, kind: cumulative, unit: 亿元, owner: 经发局, target: 260, source: {file: 表.xlsx, row: 固定资产投资, column: "{span}"}}
"""
SCORE_ROWS = [
    ["指标名称", "单位", "1-9月"],
    ["进出口总额", "亿元", 708.62],
    ["实际使用外资", "万美元", 21350],
    ["地区生产总值", "亿元", 662.29],
    ["固定资产投资", "亿元", 185.632],
]


def test_a_department_gap_below_0_05_reads_the_same_in_word_excel_and_chart(tmp_path, drawn):
    # 商务局: (78.736 − 75 + 71.167 − 75) / 2 = −0.0489 百分点: below 序时, so never '0.0' or '-0.0' anywhere.
    result = run_zone(make_zone(tmp_path, SCORE_ROUNDING, {9: SCORE_ROWS}))
    paragraphs, table = word_text(result.report)
    assert any("商务局（-0.05个百分点）" in p for p in paragraphs)
    assert ["1", "—", "商务局", "-0.05"] == next(r for r in ranking_rows(table) if "商务局" in r)[:4]

    _, rows = sheet_rows(result.workbook, "单位汇总")
    cell = next(r for r in rows if r["责任单位"].value == "商务局")["平均差距（百分点）"]
    assert cell.value == -0.05 and shown(cell) == "-0.05"  # was −0.0 under '0.0'
    average = next(r for r in rows if r["责任单位"].value == "商务局")["平均完成率"]
    assert shown(average) == "74.95%"  # below the 序时 75.0% its gap is measured against, so not '75.0%'

    labels = drawn["departments"]
    assert "-0.05" in labels and not {"0.0", "-0.0", "+0.0"} & set(labels)
    assert "-1.7" in labels  # the other department keeps one decimal


def test_an_indicator_gap_of_minus_0_04_reads_the_same_in_word_excel_and_chart(tmp_path, drawn):
    # 194.9 / 260 = 74.96% against 序时 75%: the gap is −0.04 百分点.
    indicator = SCORE_ROUNDING.splitlines()[3] + "\n"
    rows = [["指标名称", "单位", "1-9月"], ["固定资产投资", "亿元", 194.9]]
    result = run_zone(make_zone(tmp_path, indicator, {9: rows}))
    paragraphs, table = word_text(result.report)
    row = next(r for r in table if r[0] == "固定资产投资")
    assert [row[6], row[8], row[9]] == [
        "74.96%",
        "75.0%",
        "-0.04",
    ]  # completion was '75.0%' beside 序时 75.0%
    assert any("完成年度目标的74.96%，略低于序时进度0.04个百分点" in p for p in paragraphs)

    _, rows = sheet_rows(result.workbook, "指标完成情况")
    excel = rows[0]
    assert shown(excel["完成率"]) == "74.96%" and shown(excel["序时进度"]) == "75.0%"
    assert excel["差距（百分点）"].value == -0.04 and shown(excel["差距（百分点）"]) == "-0.04"
    assert excel["进度评价"].value == "略低于序时进度0.04个百分点"

    assert "74.96%" in drawn["completion"]


def test_an_unreported_indicator_is_drawn_on_the_completion_chart_as_unreported(tmp_path, drawn):
    indicators = """\
  - {id: a, name: 固定资产投资, kind: cumulative, unit: 亿元, owner: 经发局, target: 260, source: {file: 表.xlsx, row: 固定资产投资, column: "{span}"}}
  - {id: b, name: 技术合同成交额, kind: cumulative, unit: 亿元, owner: 经发局, target: 45, source: {file: 表.xlsx, row: 技术合同成交额, column: "{span}"}}
"""
    rows = [["指标名称", "单位", "1-9月"], ["固定资产投资", "亿元", 185.632], ["技术合同成交额", "亿元", "—"]]
    result = run_zone(make_zone(tmp_path, indicators, {9: rows}))
    _, table = word_text(result.report)
    assert next(r for r in table if r[0] == "技术合同成交额")[-1] == "未报送"  # the table lists it …
    texts = drawn["completion"]  # … and so does the chart: its name, a dotted row and the label 未报送
    assert "技术合同成交额" in texts and "固定资产投资" in texts
    assert texts.count("未报送") == 2  # the row's label and the legend's
    assert ".." in drawn["completion:hatches"]


def test_a_growth_computed_from_amounts_reads_in_percent_in_excel_as_in_word(tmp_path):
    # unit: 亿元 is the unit of the amounts (the sheet's 万元 converted to it); the rate is in %.
    indicator = (
        "  - {id: tax, name: 税收收入, kind: growth, unit: 亿元, owner: 经发局, target: 7, stretch: 10,"
        ' source: {file: 表.xlsx, row: 税收收入, column: "{span}累计"}, last_year: {column: 上年同期}}\n'
    )
    rows = [["单位：万元"], ["项目", "1-9月累计", "上年同期"], ["税收收入", 1080000, 894000]]
    result = run_zone(make_zone(tmp_path, indicator, {9: rows}))
    _, table = word_text(result.report)
    row = next(r for r in table if r[0] == "税收收入")
    assert [row[1], row[3], row[4], row[5]] == [
        "%",
        "7.0%",
        "10.0%",
        "20.8%",
    ]  # 确保 and 力争 in their columns

    _, rows = sheet_rows(result.workbook, "指标完成情况")
    excel = rows[0]
    assert excel["单位"].value == "%"  # was 亿元 over 7.00 / 20.81: read as 20.81亿元
    assert [shown(excel[k]) for k in ("确保目标", "力争目标", "1-9月完成")] == ["7.0", "10.0", "20.8"]
    assert excel["备注"].value == "按金额计算：1-9月108.00亿元，上年同期89.40亿元"
    assert result.results.indicators[0].amount == pytest.approx(108.0)


def test_a_growth_from_amounts_on_a_sheet_without_a_unit_takes_the_indicator_unit(tmp_path):
    indicator = (
        "  - {id: tax, name: 税收收入, kind: growth, unit: 亿元, owner: 经发局, target: 7,"
        ' source: {file: 表.xlsx, row: 税收收入, column: "{span}累计"}, last_year: {column: 上年同期}}\n'
    )
    rows = [["项目", "1-9月累计", "上年同期"], ["税收收入", 108, 89.4]]
    result = run_zone(make_zone(tmp_path, indicator, {9: rows}))
    r = result.results.indicators[0]
    assert (r.amount, r.last_year, r.amount_unit) == (pytest.approx(108.0), pytest.approx(89.4), "亿元")
    assert r.actual == pytest.approx(20.805, abs=1e-3)


RANKED = SCORE_ROUNDING + (
    "  - {id: e, name: 高新技术企业数, kind: count, unit: 家, owner: 科技局, target: 260,"
    ' source: {file: 表.xlsx, row: 高新技术企业数, column: "{span}"}}\n'
    "  - {id: f, name: 技术合同成交额, kind: cumulative, unit: 亿元, owner: 科技局, target: 45,"
    ' source: {file: 表.xlsx, row: 技术合同成交额, column: "{span}"}}\n'
)
AUGUST = [
    ["指标名称", "单位", "1-8月"],
    ["进出口总额", "亿元", 628.5],
    ["实际使用外资", "万美元", 19250],
    ["地区生产总值", "亿元", 578.4],
    ["固定资产投资", "亿元", 161.248],
    ["高新技术企业数", "家", 198],
    ["技术合同成交额", "亿元", 28.6],
]


def test_an_unreported_indicator_is_named_as_why_a_department_is_not_ranked_and_moves_nobody_up(tmp_path):
    # August: 科技局 1st, 商务局 2nd, 经发局 3rd. September: 科技局 leaves 技术合同成交额 as “—”, so only one of
    # its two progress indicators counts (DESIGN §4: too few → listed, not ranked); the others keep their order.
    september = [*SCORE_ROWS, ["高新技术企业数", "家", 205], ["技术合同成交额", "亿元", "—"]]
    config = make_zone(tmp_path, RANKED, {8: AUGUST, 9: september}, departments="[经发局, 商务局, 科技局]")
    august = run_zone(config, 8)
    assert [(d.name, d.rank) for d in august.results.departments] == [
        ("科技局", 1),
        ("商务局", 2),
        ("经发局", 3),
    ]
    result = run_zone(config, 9)

    paragraphs, table = word_text(result.report)
    summary = next(p for p in paragraphs if p.startswith("按进度类指标"))
    assert "科技局有1项进度类指标未报送，参与排名的仅1项（不足2项），列出但不排名" in summary
    assert "进度类指标不足2项" not in summary  # it has two; one is unreported
    assert (
        "↑" not in summary
        and "较上月名次变化只比较两个月都参与排名的单位（科技局上月排第1位、本月不排名）" in summary
    )
    rows = {r[2]: r[:2] for r in table if r[2] in ("商务局", "经发局", "科技局")}
    assert rows == {"商务局": ["1", "—"], "经发局": ["2", "—"], "科技局": ["—", "—"]}  # were ↑1, ↑1

    _, excel = sheet_rows(result.workbook, "单位汇总")
    assert {r["责任单位"].value: r["排名变化"].value for r in excel} == {
        "商务局": "—",
        "经发局": "—",
        "科技局": None,
    }
    # the score reads as in Word's table, sign included: +3.8 / -0.05 / -1.7
    assert {r["责任单位"].value: shown(r["平均差距（百分点）"]) for r in excel} == {
        "商务局": "-0.05",
        "经发局": "-1.7",
        "科技局": "+3.8",
    }
    assert next(r for r in ranking_rows(table) if r[2] == "科技局")[3] == "+3.8"


def test_rank_change_still_counts_a_real_move_among_departments_ranked_both_months():
    from reportgen.metrics.changes import _department
    from reportgen.metrics.results import DepartmentResult, Results

    def dept(name, rank):
        return DepartmentResult(name, 2, 0, 0, 0, 0, 0, None, None, rank, False)

    before = Results("区", 2024, 8, (), None, (dept("甲", 1), dept("乙", 2), dept("丙", 3)), ())
    now = (dept("丙", 1), dept("乙", 2), dept("甲", None))  # 甲 leaves; 丙 really passes 乙
    assert [_department(d, before, now).rank_change for d in now] == ["↑1", "↓1", ""]


def test_the_department_email_gives_the_same_reason_for_not_ranking():
    from reportgen.metrics.results import DepartmentResult, Results
    from reportgen.render.email import _ranking_words

    short = DepartmentResult("科技局", 2, 1, 0, 0, 1, 1, None, None, None, False, ranked_indicators=1)
    unreported = DepartmentResult(
        "科技局", 2, 1, 0, 0, 1, 1, None, None, None, False, ranked_indicators=1, unreported_in_ranking=1
    )
    results = Results("测试区", 2024, 9, (), None, (unreported,), ())
    assert (
        _ranking_words(results, unreported, 2)
        == "贵单位有1项进度类指标未报送，参与排名的仅1项（不足2项），本期列出但不排名。"
    )
    assert _ranking_words(results, short, 2) == "贵单位进度类指标不足2项，本期列出但不排名。"


def test_departments_tie_only_when_their_shown_gaps_are_equal():
    from reportgen.metrics.results import IndicatorResult
    from reportgen.metrics.summary import departments

    def gap(owner, value, i):
        return IndicatorResult(
            f"{owner}{i}", "指标", "cumulative", "亿元", "", owner, 100.0, None, 75.0,
            completion=0.75 + value / 100, gap=value, light="green" if value >= 0 else "yellow",
        )  # fmt: skip

    results = [gap("甲", -0.04, 1), gap("甲", -0.04, 2), gap("乙", -0.01, 1), gap("乙", -0.01, 2)]
    results += [gap("丙", -1.72, 1), gap("丙", -1.72, 2), gap("丁", -1.68, 1), gap("丁", -1.68, 2)]
    rows = {d.name: (d.rank, d.tied) for d in departments(results, [], ["甲", "乙", "丙", "丁"])}
    # -0.01 and -0.04 read differently, so they are not 并列; -1.72 and -1.68 both read -1.7
    assert rows == {"乙": (1, False), "甲": (2, False), "丙": (3, True), "丁": (3, True)}


def test_the_same_figures_give_the_same_bytes(tmp_path):
    """The delivery ledger keys each message by its attachments' content hash: regenerating unchanged figures
    later the same day (a takeover after a crash, a --force) must not look like new content to be sent again."""
    from datetime import datetime

    from reportgen.render.outputs import sha256

    config = load_config(make_zone(tmp_path, SCORE_ROUNDING, {9: SCORE_ROWS}))
    first = run(config, Period(2024, 9), tmp_path / "a", now=datetime(2024, 10, 8, 9, 0, 1))
    run(config, Period(2024, 9), tmp_path / "b", now=datetime(2024, 10, 8, 17, 30, 59))
    office = [f for f in first.files if f.suffix in (".docx", ".xlsx")]
    assert len(office) >= 3  # the report, the workbook, the departments' 督办单
    for path in office:
        assert sha256(path) == sha256(tmp_path / "b" / path.relative_to(tmp_path / "a")), path.name
    book = openpyxl.load_workbook(first.workbook)
    assert book.properties.created == datetime(2024, 10, 8)  # the report date, not the clock


@pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice not installed (make test installs it)"
)
def test_the_same_figures_give_the_same_pdf(tmp_path):
    """The leaders' message carries the PDF too: its dates and /ID are made reproducible (same length, so the
    file stays valid), or a regeneration would send the report again."""
    import subprocess
    from datetime import datetime

    from reportgen.render.outputs import sha256

    config = load_config(make_zone(tmp_path, SCORE_ROUNDING, {9: SCORE_ROWS}))
    pdfs = []
    for name, hour in (("a", 9), ("b", 17)):
        result = run(
            config, Period(2024, 9), tmp_path / name, now=datetime(2024, 10, 8, hour, 0, 1), pdf=True
        )
        [pdf] = [f for f in result.files if f.suffix == ".pdf"]
        pdfs.append(pdf)
    assert sha256(pdfs[0]) == sha256(pdfs[1])
    assert b"/CreationDate(D:20241008000000" in pdfs[0].read_bytes()
    text = subprocess.run(["pdftotext", str(pdfs[0]), "-"], capture_output=True, text=True, check=True).stdout
    assert "测试区" in text  # still a valid PDF


def test_amounts_behind_a_growth_are_said_in_a_readable_unit(tmp_path):
    """A leader read "按金额计算：1-6月1302000000.00元" in the workbook's 备注: amounts in 元 that big read in 亿元."""
    indicator = (
        "  - {id: tax, name: 税收收入增长, kind: growth, owner: 经发局, target: 10,"
        ' source: {file: 表.xlsx, row: 税收收入, column: "{span}累计"}, last_year: {column: 上年同期}}\n'
    )
    rows = [["单位：元"], ["项目", "1-9月累计", "上年同期"], ["税收收入", 1302000000, 1179348000]]
    result = run_zone(make_zone(tmp_path, indicator, {9: rows}))
    _, excel = sheet_rows(result.workbook, "指标完成情况")
    assert excel[0]["备注"].value == "按金额计算：1-9月13.02亿元，上年同期11.79亿元"


def test_the_trend_chart_labels_a_value_as_the_text_writes_it(tmp_path, drawn):
    result = run_zone(make_zone(tmp_path, SCORE_ROUNDING, {9: SCORE_ROWS}))
    assert next(r for r in word_text(result.report)[1] if r[0] == "进出口总额")[5] == "708.62"
    labels = drawn["trend"]
    assert "708.62" in labels and "708.6" not in labels  # two decimals for 亿元, as in the table
    assert "9月" in labels and "12月" in labels and "10月" not in labels  # quarter ends named, not crowded
