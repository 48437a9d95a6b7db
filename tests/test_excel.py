"""The Excel writer driven by templates that office staff have restyled."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles import Font
from test_cli import make_project

from reportgen.config import load_config
from reportgen.errors import TemplateError
from reportgen.period import Period
from reportgen.pipeline import run, validate
from reportgen.render.excel import build_default_template, display_width


def edited_template(path: Path) -> Path:
    """Staff's edit: title restyled, columns reordered and dropped, a note row under the data."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "指标表"
    ws["A1"] = "{zone}{span}指标通报（序时进度{time_progress}）"
    ws["A2"], ws["B2"], ws["C2"], ws["D2"] = "状态", "指标", "完成率", "完成"
    ws["A3"], ws["B3"], ws["C3"], ws["D3"] = (
        "{{indicator.light}}",
        "{{indicator.name}}",
        "{{indicator.completion}}",
        "{{indicator.actual}}",
    )
    ws["B3"].font = Font(name="楷体", size=14, color="FF0000")
    ws["C3"].number_format = "0.00%"
    ws["A5"] = "审核人：{zone}经发局"
    ws.merge_cells("A5:D5")
    ws.column_dimensions["B"].width = 30
    wb.save(path)
    return path


def test_user_edited_template_keeps_styles_order_and_footer(tmp_path):
    config_path = make_project(tmp_path)
    template = edited_template(tmp_path / "我的模板.xlsx")
    text = config_path.read_text(encoding="utf-8") + f"output:\n  excel: {{template: {template.name}}}\n"
    config_path.write_text(text, encoding="utf-8")
    result = run(load_config(config_path), Period(2024, 9))
    ws = openpyxl.load_workbook(result.workbook)["指标表"]
    assert ws["A1"].value == "测试经开区1-9月指标通报（序时进度75.0%）"
    assert [ws.cell(r, 2).value for r in (3, 4, 5)] == ["固定资产投资", "实到外资", "新开工项目"]
    assert ws["A3"].value == "绿灯" and ws["B4"].font.name == "楷体" and ws["B5"].font.color.rgb == "00FF0000"
    assert ws["C3"].number_format == "0.00%" and ws["C3"].value == 0.7586  # stored as its own format shows it
    assert ws["D4"].value == 5000 and ws["D4"].number_format == "0.00"
    assert ws["D5"].value == 2 and ws["D5"].number_format == "0"  # 2 of 3 projects started by September
    assert ws["A7"].value == "审核人：测试经开区经发局" and "A7:D7" in {
        str(m) for m in ws.merged_cells.ranges
    }
    assert ws.column_dimensions["B"].width == 30  # staff's width kept when the text fits
    assert ws.freeze_panes == "A3" and ws.print_title_rows == "$2:$2"


def test_unknown_marker_is_named_with_its_cell(tmp_path):
    config_path = make_project(tmp_path)
    template = tmp_path / "坏模板.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "表"
    wb.active["C4"] = "{{indicator.completion_rate}}"
    wb.save(template)
    config_path.write_text(
        config_path.read_text(encoding="utf-8") + "output: {excel: {template: 坏模板.xlsx}}\n",
        encoding="utf-8",
    )
    config = load_config(config_path)
    problems = validate(config)
    assert problems and "坏模板.xlsx › 表 › C4：无法识别的标记“{{indicator.completion_rate}}”" in problems[0]
    assert "{{indicator.completion}}" in problems[0]
    with pytest.raises(TemplateError):
        run(config, Period(2024, 9))
    assert not (tmp_path / "output" / "2024-09").exists()


def test_missing_template_file_is_a_config_error(tmp_path):
    config_path = make_project(tmp_path)
    config_path.write_text(
        config_path.read_text(encoding="utf-8") + "output: {excel: {template: 无.xlsx}}\n", encoding="utf-8"
    )
    with pytest.raises(Exception, match="output.excel.template.*模板文件不存在"):
        load_config(config_path)


def test_default_template_has_a_marker_row_per_sheet():
    wb = build_default_template()
    assert wb.sheetnames == ["指标完成情况", "重点项目", "项目汇总", "单位汇总", "数据问题"]
    for ws in wb.worksheets:
        assert all(str(c.value).startswith("{{") for c in ws[4] if c.value is not None)


def test_light_fills_and_ledger_sheets(tmp_path):
    config_path = make_project(tmp_path, fai="40")  # 40 of 152 at month 9: far behind
    result = run(load_config(config_path), Period(2024, 9))
    wb = openpyxl.load_workbook(result.workbook)
    ws = wb["指标完成情况"]
    header = [c.value for c in ws[3]]
    status = ws.cell(4, header.index("状态") + 1)
    assert status.value == "红灯" and status.fill.fgColor.rgb.endswith("FFC7CE")
    assert ws.cell(4, header.index("进度评价") + 1).value == "明显低于序时进度48.7个百分点"
    projects = wb["重点项目"]
    names = [projects.cell(r, 2).value for r in range(4, 7)]
    assert names[1:] == ["乙项目", "丙项目"]
    late = [projects.cell(r, 13).value for r in range(4, 7)]
    assert late == [None, "逾期4个月", None]
    assert projects.cell(5, 7).value == pytest.approx(1.0)  # 10000 万元 -> 1.00 亿元
    summary = [r for r in wb["项目汇总"].iter_rows(min_row=4, values_only=True) if r[0]]
    total = next(r for r in summary if r[1] == "合计")
    assert total[2:7] == (
        3,
        2,
        3,
        2,
        0.667,
    )  # 项目数, 已开工（含续建）, 应开工, 其中已开工, 开工率 (as shown)


def test_display_width_counts_cjk_double():
    assert display_width("固定资产投资") == 12 and display_width("GDP") == 3


def test_print_fit_keeps_text_at_8_points():
    from reportgen.render.excel import print_fit

    assert print_fit([10] * 10, 10) == ("A4", 1.0)  # fits A4 at full size
    assert print_fit([10] * 18, 10)[0] == "A3"  # on A4 it would print at about 7.8 pt
    paper, scale = print_fit([20] * 20, 10)
    assert (paper, scale) == ("A3", 0.8)  # not even A3: 8 pt, several pages wide


def test_every_sheet_prints_at_8_points_or_more(tmp_path):
    from openpyxl.utils import get_column_letter

    from reportgen.render.excel import MIN_PRINT_PT, POINTS_PER_CHAR, PRINTABLE_PT

    config_path = make_project(tmp_path)
    wb = openpyxl.load_workbook(run(load_config(config_path), Period(2024, 9)).workbook)
    for ws in wb.worksheets:
        setup = ws.page_setup
        assert setup.orientation == "landscape"
        paper = "A4" if int(setup.paperSize) == 9 else "A3"
        widths = [
            ws.column_dimensions[get_column_letter(c)].width or 8.43 for c in range(1, ws.max_column + 1)
        ]
        fonts = [
            c.font.sz for row in ws.iter_rows(min_row=4) for c in row if c.value is not None and c.font.sz
        ]
        if ws.sheet_properties.pageSetUpPr.fitToPage:
            scale = min(1.0, PRINTABLE_PT[paper] / (sum(widths) * POINTS_PER_CHAR))
        else:
            scale = setup.scale / 100
            assert ws.print_title_cols  # key columns repeated on every page-wide block
        assert min(fonts, default=10) * scale >= MIN_PRINT_PT - 0.05, ws.title
