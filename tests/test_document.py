"""公文 elements of the Word report that are configurable: 主送机关, a stable 成文日期, no rule under the title,
an indented first paragraph."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from conftest import data_dir, write_config, write_xlsx
from docx import Document
from docx.oxml.ns import qn

from reportgen.config import load_config
from reportgen.errors import ReportgenError
from reportgen.period import Period
from reportgen.pipeline import run

CONFIG = """\
zone: 测试区
year: 2024
departments: [经发局]
indicators:
  - {{id: fai, name: 固定资产投资, kind: cumulative, unit: 亿元, owner: 经发局, target: 100,
     source: {{file: 指标.xlsx, row: 固定资产投资, column: 累计}}}}
output:
  charts: {{enabled: false}}
  excel: {{enabled: false}}
  word: {{issuer: 测试区经发局{word}}}
"""


def project(tmp_path, word: str = ""):
    write_config(tmp_path, CONFIG.format(word=word))
    write_xlsx(data_dir(tmp_path, Period(2024, 6)) / "指标.xlsx", [["指标", "累计"], ["固定资产投资", 52]])
    return load_config(tmp_path / "config.yaml")


def paragraphs(result) -> list:
    return [p for p in Document(str(result.report)).paragraphs if p.text.strip()]


def issue_date(result) -> str:
    return next(p.text for p in Document(str(result.report)).paragraphs if p.style.name == "成文日期")


def test_recipients_title_and_first_paragraph(tmp_path):
    config = project(tmp_path, ", recipients: 管委会各部门、各直属单位：")
    result = run(config, Period(2024, 6), now=datetime(2024, 7, 5, 9))
    paras = paragraphs(result)
    assert [p.text for p in paras[:3]] == [
        "测试区2024年1-6月重点指标完成情况通报",
        "管委会各部门、各直属单位：",
        "现将1-6月份测试区重点指标完成情况通报如下：",
    ]
    doc = Document(str(result.report))
    assert doc.styles["Title"].element.pPr.find(qn("w:pBdr")) is None  # no rule under the title
    assert paras[1].paragraph_format.first_line_indent in (None, 0) and paras[1].style.name == "正文无缩进"
    assert paras[2].style.name == "Normal"  # indented two characters like every body paragraph


def test_no_recipients_leaves_no_trace(tmp_path):
    result = run(project(tmp_path), Period(2024, 6), now=datetime(2024, 7, 5, 9))
    assert paragraphs(result)[1].text == "现将1-6月份测试区重点指标完成情况通报如下："


def test_the_date_of_issue_is_kept_across_regenerations(tmp_path):
    config = project(tmp_path)
    first = run(config, Period(2024, 6), now=datetime(2024, 7, 5, 9))
    assert issue_date(first) == "2024年7月5日"
    again = run(config, Period(2024, 6), now=datetime(2024, 7, 19, 9), force=True)
    assert issue_date(again) == "2024年7月5日"  # a later correction keeps the 成文日期
    assert (
        json.loads((again.folder / "manifest.json").read_text(encoding="utf-8"))["report_date"]
        == "2024-07-05"
    )


@pytest.mark.parametrize(
    "rule, shown",
    [
        (", date: today", "2024年7月19日"),
        (", date: 2024-07-08", "2024年7月8日"),
        (", date: 'workday:5'", "2024年7月5日"),
    ],
)
def test_other_date_rules(tmp_path, rule, shown):
    config = project(tmp_path, rule)
    run(config, Period(2024, 6), now=datetime(2024, 7, 5, 9))
    again = run(config, Period(2024, 6), now=datetime(2024, 7, 19, 9), force=True)
    assert issue_date(again) == shown


def test_a_changed_date_rule_is_not_overridden_by_the_kept_date(tmp_path):
    fixed = project(tmp_path, ", date: 2024-07-08")
    run(fixed, Period(2024, 6), now=datetime(2024, 7, 5, 9))
    again = run(project(tmp_path), Period(2024, 6), now=datetime(2024, 7, 19, 9), force=True)
    assert (
        issue_date(again) == "2024年7月19日"
    )  # first_run from now on: the fixed date is not "the first run"
    later = run(project(tmp_path), Period(2024, 6), now=datetime(2024, 7, 25, 9), force=True)
    assert issue_date(later) == "2024年7月19日"


def test_a_wrong_date_rule_is_a_config_error(tmp_path):
    with pytest.raises(ReportgenError, match="成文日期应为"):
        project(tmp_path, ", date: 下周一")


FULL = (
    ", masthead: 测试区经济发展局文件, number: '测经发〔{year}〕{month}号', recipients: 管委会各部门："
    ", cc: 管委会主任、副主任, printed_by: 测试区经济发展局办公室, printed_on: same"
)


def styled(doc, style: str) -> list[str]:
    return [p.text for p in doc.paragraphs if p.style.name == style and p.text.strip()]


def test_every_element_when_configured(tmp_path):
    result = run(project(tmp_path, FULL), Period(2024, 6), now=datetime(2024, 7, 5, 9))
    doc = Document(str(result.report))
    texts = [p.text for p in paragraphs(result)]
    assert texts[:4] == [
        "测试区经济发展局文件",
        "测经发〔2024〕6号",
        "测试区2024年1-6月重点指标完成情况通报",
        "管委会各部门：",
    ]
    masthead = doc.styles["发文机关标志"]
    assert str(masthead.font.color.rgb) == "C00000"
    rule = doc.styles["发文字号"].element.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert rule.get(qn("w:color")) == "C00000"  # the red separator line under the 文号
    assert styled(doc, "附件说明") == [
        "附件：1. 1-6月主要指标完成情况表",
        "　　　2. 各责任单位完成情况排名表",
    ]
    assert styled(doc, "版记抄送") == ["抄送：管委会主任、副主任。"]  # GB/T 9704: ends with 。
    assert styled(doc, "版记印发") == ["测试区经济发展局办公室\t2024年7月5日印发"]
    assert texts[-1] == "测试区经济发展局办公室\t2024年7月5日印发"  # the 版记 closes the document
    assert doc.core_properties.title.endswith("重点指标完成情况通报")  # the report's, not the template's
    assert doc.core_properties.comments == ""


def test_unset_elements_leave_no_trace(tmp_path):
    result = run(project(tmp_path), Period(2024, 6), now=datetime(2024, 7, 5, 9))
    doc = Document(str(result.report))
    used = {p.style.name for p in doc.paragraphs}
    assert not used & {"发文机关标志", "发文字号", "文号", "版记抄送", "版记印发", "版记单行"}
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "抄送" not in text and "印发" not in text and "〔" not in text
    assert paragraphs(result)[0].text == "测试区2024年1-6月重点指标完成情况通报"


def test_number_without_masthead_and_printed_by_alone(tmp_path):
    config = project(
        tmp_path, ", number: '测经发〔{year}〕{month}号', printed_by: 测试区经发局, printed_on: 2024-07-09"
    )
    doc = Document(str(run(config, Period(2024, 6), now=datetime(2024, 7, 5, 9)).report))
    assert styled(doc, "文号") == ["测经发〔2024〕6号"] and not styled(doc, "发文字号")
    assert styled(doc, "版记单行") == ["测试区经发局\t2024年7月9日印发"]


def test_a_wrong_printed_on_is_a_config_error(tmp_path):
    with pytest.raises(ReportgenError, match="印发日期应为"):
        project(tmp_path, ", printed_on: 下周")


def test_body_portrait_then_landscape_appendices(tmp_path):
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    result = run(project(tmp_path, FULL), Period(2024, 6), now=datetime(2024, 7, 5, 9))
    doc = Document(str(result.report))
    body, appendix = doc.sections
    assert body.orientation == WD_ORIENT.PORTRAIT and appendix.orientation == WD_ORIENT.LANDSCAPE
    assert appendix.page_width > appendix.page_height
    # the body ends on the 成文日期: its paragraph carries the portrait section's break
    ends = [p for p in doc.paragraphs if p._p.pPr is not None and p._p.pPr.find(qn("w:sectPr")) is not None]
    assert [p.style.name for p in ends] == ["成文日期"]
    index = [p._p for p in doc.paragraphs].index(ends[0]._p)
    after = [p.text for p in doc.paragraphs[index + 1 :] if p.text.strip()]
    assert after[:2] == ["附件1", "1-6月主要指标完成情况表"]
    assert doc.styles["附件标记"].paragraph_format.page_break_before
    # no spread characters: body text is not justified (CJK lines are spread when a figure wraps)
    assert doc.styles["Normal"].paragraph_format.alignment == WD_ALIGN_PARAGRAPH.LEFT
