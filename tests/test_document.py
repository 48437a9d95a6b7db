"""公文 elements of the Word report that are configurable: 主送机关, a stable 成文日期, no rule under the title,
an indented first paragraph."""

from __future__ import annotations

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
    assert paragraphs(first)[-1].text == "2024年7月5日"
    again = run(config, Period(2024, 6), now=datetime(2024, 7, 19, 9), force=True)
    assert paragraphs(again)[-1].text == "2024年7月5日"  # a later correction keeps the 成文日期


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
    assert paragraphs(again)[-1].text == shown


def test_a_wrong_date_rule_is_a_config_error(tmp_path):
    with pytest.raises(ReportgenError, match="成文日期应为"):
        project(tmp_path, ", date: 下周一")
