"""The leadership Word report: open the generated .docx and check its sentences, tables, shading and images."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm

from reportgen.cli import main
from reportgen.config import load_config
from reportgen.errors import ReportgenError, TemplateError
from reportgen.metrics import evaluate
from reportgen.period import Period
from reportgen.pipeline import run, validate
from reportgen.render.pdf import find_soffice
from reportgen.render.report import report_context
from reportgen.render.word import write_report
from reportgen.samples import WORD_TEMPLATE, write_sample_project
from reportgen.sources.collect import read_period

NOW = datetime(2024, 7, 5, 9, 0)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    root = tmp_path_factory.mktemp("demo")
    write_sample_project(root)
    return root


@pytest.fixture(scope="module")
def june(demo):
    config = load_config(demo / "config.yaml")
    return run(config, Period(2024, 6), now=NOW)


def paragraphs(path: Path) -> list[str]:
    return [p.text for p in Document(str(path)).paragraphs]


def table_with(doc, header: str):
    return next(t for t in doc.tables if t.rows[0].cells[0].text == header)


def row_of(table, first: str) -> list[str]:
    row = next(r for r in table.rows if r.cells[0].text == first)
    return [c.text for c in row.cells]


def fill(cell) -> str | None:
    shd = cell._tc.tcPr.find(qn("w:shd")) if cell._tc.tcPr is not None else None
    return None if shd is None else shd.get(qn("w:fill"))


def test_report_named_by_pattern_with_title_and_lead(june):
    assert june.report.name == "示范经济技术开发区2024年1-6月重点指标完成情况.docx"
    text = [t for t in paragraphs(june.report) if t.strip()]
    assert text[:5] == [
        "示范经开区经济发展局文件",  # 发文机关标志
        "示经发〔2024〕6号",
        "示范经济技术开发区2024年1-6月重点指标完成情况通报",
        "管委会各部门、各直属单位：",
        "现将1-6月份示范经济技术开发区重点指标完成情况通报如下：",
    ]
    doc = Document(str(june.report))
    signed = [p.text for p in doc.paragraphs if p.style.name in ("落款", "成文日期") and p.text]
    assert signed == ["示范经开区经济发展局", "2024年7月5日"]


def body_section(path: Path, heading: str) -> list[str]:
    """The paragraphs of one Heading 1 section of the body."""
    doc = Document(str(path))
    out, inside = [], False
    for p in doc.paragraphs:
        if p.style.name in ("附件说明", "落款", "成文日期"):
            break
        if p.style.name == "Heading 1":
            inside = p.text.endswith(heading)
            continue
        if inside and p.text.strip():
            out.append(p.text)
    return out


def test_overview_narrative_sentences(june):
    overview = body_section(june.report, "总体情况")
    text = "\n".join(overview)
    # 28 progress indicators (31 less 3 底线); the green 新增高新技术企业 (ahead of its plan) is not "未实现",
    # the yellow 新开工项目 (behind its plan) is: the checkpoint and the lights are one judgment.
    assert overview[0].startswith(
        "1-6月，纳入进度考核的28项指标中，22项实现“双过半”，6项未实现，分别是：新开工项目、实到外资、"
        "外贸进出口总额、高新技术产业产值占比、智慧园区平台建设、政府性基金收入。"
    )
    # 序时进度 and the lights defined where first used
    assert (
        "序时进度为1-6月应完成全年目标的比例，本期为50.0%（3项指标按各自计划或天数考核，见附件1）"
        in overview[0]
    )
    assert "绿灯为达到序时进度或目标" in overview[0]
    assert (
        "本期绿灯25项、黄灯5项、红灯1项（含底线指标）。亮红灯的是：政府性基金收入（财政局）。" in overview[0]
    )
    # the main lags with owners and escalation right after the verdict
    assert overview[1] == (
        "需重点关注的是：政府性基金收入（财政局，明显低于序时进度14.5个百分点，约谈）；"
        "外贸进出口总额（招商局，落后序时进度9.0个百分点，督办）；新开工项目（建设局，落后序时进度7.0个百分点，督办）；"
        "实到外资（招商局，落后序时进度4.8个百分点，督办）。"
    )
    assert (
        "底线指标方面，生产安全事故死亡人数、较大及以上生产安全事故、单位工业增加值能耗控制在目标以内。"
        in text
    )
    assert (
        "1-6月，全区完成固定资产投资112.40亿元，同比增长13.1%，完成年度目标的56.2%、力争目标的51.1%，"
        "完成率比1-5月提高10.3个百分点，超序时进度6.2个百分点"
    ) in text
    projects = "\n".join(body_section(june.report, "重点项目推进情况"))
    assert projects == (
        "全区重点项目120个，已开工（含续建）70个；年度计划投资150.00亿元，1-6月完成投资76.20亿元，"
        "完成年度计划的50.8%；有年度计划投资的117个项目中，49个投资完成率达到序时进度（50.0%），占41.9%。"
        "计划截至本月开工的项目（应开工）60个，其中已开工47个，开工率78.3%；逾期未开工13个（计划开工月份已到"
        "仍未开工）：产业项目10个、基础设施2个、社会民生1个，涉及经发局4个、科创局3个、应急局3个、招商局2个、"
        "建设局1个。"
        "分类别、分单位情况及逾期项目清单详见附件2。"
    )


def test_page_one_names_every_red_and_red_line_item_with_its_owner(demo):
    """September has a red progress indicator and a 底线 breach: both named with their owners in 一's verdict."""
    config = load_config(demo / "config.yaml")
    september = run(config, Period(2024, 9), now=datetime(2024, 10, 8, 9))
    verdict = body_section(september.report, "总体情况")[0]
    assert "亮红灯的是：政府性基金收入（财政局）、生产安全事故死亡人数（应急局，突破底线）。" in verdict
    lags = body_section(september.report, "总体情况")[1]
    assert lags.startswith("需重点关注的是：政府性基金收入（财政局，明显低于序时进度13.0个百分点，约谈）")


def test_groups_in_prose_with_who_is_behind_and_by_how_much(june):
    section = body_section(june.report, "主要指标完成情况")
    assert section[0] == (
        "（一）项目仗。6项考核指标中5项达到序时进度或目标要求；固定资产投资、10亿元以上产业项目开工"
        "分别超序时进度6.2、3.3个百分点；新开工项目落后序时进度7.0个百分点（建设局）。"
    )
    assert any(
        t.startswith("（五）财税仗。") and "政府性基金收入明显低于序时进度14.5个百分点（财政局）" in t
        for t in section
    )
    assert section[-1] == "各项指标完成情况详见附件1。"


def test_rate_indicators_read_naturally(demo):
    rows = {r["id"]: r for r in _context_for(demo, 6)["indicators"]}
    assert rows["iva_growth"]["sentence"].startswith("规上工业增加值增速12.6%，")  # not "增速增长12.6%"


def test_sections_numbered_in_order(june):
    headings = [p.text for p in Document(str(june.report)).paragraphs if p.style.name == "Heading 1"]
    assert headings == [
        "一、总体情况",
        "二、主要指标完成情况",
        "三、重点项目推进情况",
        "四、各责任单位完成情况",
        "五、存在问题及下步建议",
    ]


def test_indicator_table_rows_groups_and_light_shading(june):
    doc = Document(str(june.report))
    table = table_with(doc, "指标")
    assert [c.text for c in table.rows[0].cells] == [
        "指标",
        "单位",
        "责任单位",
        "确保目标",
        "力争目标",
        "1-6月完成",
        "完成率",
        "力争完成率",
        "序时进度",
        "差距（百分点）",
        "同比",
        "状态",
    ]
    assert row_of(table, "固定资产投资") == [
        "固定资产投资",
        "亿元",
        "经发局",
        "200",
        "220",
        "112.40",
        "56.2%",
        "51.1%",
        "50.0%",
        "+6.2",
        "13.1%",
        "绿灯",
    ]
    assert row_of(table, "实到外资")[3:6] == ["8000", "10000", "3620"]  # decimals: 0 in the config
    assert row_of(table, "工业投资")[4] == "—"  # no 力争 target
    assert row_of(table, "智慧园区平台建设")[3:6] == ["4个节点", "—", "已完成1个"]  # not "1/4"
    bands = [r.cells[0].text for r in table.rows if len({c._tc for c in r.cells}) == 1]
    assert bands == ["项目仗", "招商仗", "产业仗", "创新仗", "财税仗", "安全环保仗"]
    band = next(r for r in table.rows if r.cells[0].text == "财税仗")
    assert band.cells[0].paragraphs[0]._p.pPr.find(qn("w:keepNext")) is not None  # never stranded
    red = next(r for r in table.rows if r.cells[0].text == "政府性基金收入")
    green = next(r for r in table.rows if r.cells[0].text == "固定资产投资")
    assert (fill(red.cells[-1]), red.cells[-1].text) == ("FFC7CE", "红灯")
    assert fill(green.cells[-1]) == "C6EFCE"
    header = table.rows[0]._tr.trPr
    assert header.find(qn("w:tblHeader")) is not None  # repeated on every page
    assert len(table.rows) == 1 + 6 + 31  # header, group bands, one row per indicator


def test_column_widths_fit_the_longest_name(june):
    from reportgen.render.word_layout import PADDING_MM, text_width_mm

    doc = Document(str(june.report))
    for header, column in (("指标", 0), ("序号", 1)):
        table = table_with(doc, header)
        grid = [int(c.get(qn("w:w"))) / 56.7 for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]
        assert abs(sum(grid) - 237) < 1  # the landscape 附件's text width
        names = [r.cells[column].text for r in table.rows[1:] if len({c._tc for c in r.cells}) > 1]
        longest = max(names, key=text_width_mm)
        assert grid[column] >= text_width_mm(longest) + PADDING_MM - 0.1, longest  # on one line
        assert table._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"


def test_column_widths_wrap_long_text_evenly():
    from reportgen.render.word_layout import column_widths, text_width_mm

    name = "一个非常非常长的重点项目名称用来测试换行"
    widths = column_widths(["项目名称", "金额"], [[name, "12.50"]], 60)
    assert text_width_mm(name[:10]) <= widths[0] < text_width_mm(name)  # two even lines, not 18 + 2
    assert sum(widths) == pytest.approx(60)
    assert column_widths(["指标", "单位"], [["固定资产投资", "亿元"]], 100)[0] > text_width_mm("固定资产投资")


def test_project_and_department_tables(june):
    doc = Document(str(june.report))
    categories = table_with(doc, "类别")
    assert [c.text for c in categories.rows[0].cells][1:5] == [
        "项目数",
        "已开工（含续建）",
        "应开工",
        "其中已开工",
    ]
    assert row_of(categories, "合计") == [
        "合计",
        "120",
        "70",
        "60",
        "47",
        "78.3%",
        "150.00",
        "76.20",
        "50.8%",
        "13",
    ]
    overdue = table_with(doc, "序号")
    assert len(overdue.rows) == 1 + 13
    assert [c.text for c in overdue.rows[0].cells] == [
        "序号",
        "项目名称",
        "项目类别",
        "责任单位",
        "包保领导",
        "计划开工",
        "逾期（月）",
        "存在问题",
    ]
    assert overdue.rows[1].cells[1].text and overdue.rows[1].cells[6].text == "5"  # longest overdue first
    ranking = table_with(doc, "排名")
    names = [r.cells[2].text for r in ranking.rows[1:]]
    # ranked by the mean gap to each indicator's own 序时 (plan-to-date where planned): it agrees with the lights
    assert names == ["科创局", "经发局", "招商局", "财政局", "建设局", "应急局"]
    assert [c.text for c in ranking.rows[1].cells][:5] == [
        "1",
        "—",
        "科创局",
        "+3.8",
        "5",
    ]  # — : same rank as 1-5月
    assert [c.text for c in ranking.rows[-1].cells][:3] == [
        "—",
        "—",
        "应急局",
    ]  # one progress indicator: not ranked


def test_issues_section_one_sentence_per_department_and_staff_notes(june):
    section = body_section(june.report, "存在问题及下步建议")
    assert section[0] == (
        "当前主要问题是：6项考核指标亮黄灯或红灯（其中红灯1项），涉及4个单位；13个重点项目逾期未开工，"
        "最长已逾期5个月。下步建议如下："
    )
    text = "\n".join(section)
    assert "二是政府性基金收入受土地出让节奏影响明显，财政局要会同建设局加快三宗经营性用地出让进度。" in text
    assert "请财政局针对政府性基金收入（约谈）明显滞后，分析原因，倒排工期，挂图作战。" in section
    assert "请招商局针对外贸进出口总额、实到外资（督办）进度落后，制定追赶措施，加强调度。" in section
    assert (
        "请经发局（4个）、科创局（3个）、应急局（3个）、招商局（2个）、建设局（1个）对逾期未开工项目逐个梳理"
        "要素保障问题，明确开工时间，按月调度。"
    ) in section
    demands = [t for t in section if t.startswith("请") and "逾期未开工项目" not in t]
    owners = [t[1:4] for t in demands]
    assert owners == ["财政局", "招商局", "建设局", "科创局"] and len(set(owners)) == len(owners)  # one each
    assert section[-1] == "各责任单位要确保前三季度各项指标达到序时进度要求。"
    assert "前三季度”目标" not in text  # a checkpoint is an event, never a target
    assert "弘曜数字经济产业园项目" not in text  # the overdue list is in 附件2, not repeated as prose


def test_body_order_and_appendices(june):
    doc = Document(str(june.report))
    order = [
        p.text
        for p in doc.paragraphs
        if p.style.name in ("Heading 1", "附件说明", "落款", "成文日期", "附件标记") and p.text.strip()
    ]
    assert order == [
        "一、总体情况",
        "二、主要指标完成情况",
        "三、重点项目推进情况",
        "四、各责任单位完成情况",
        "五、存在问题及下步建议",
        "附件：1. 1-6月主要指标完成情况表",
        "　　　2. 重点项目推进情况表",
        "　　　3. 各责任单位完成情况排名表",
        "示范经开区经济发展局",
        "2024年7月5日",
        "附件1",
        "附件2",
        "附件3",
    ]
    titles = [p.text for p in doc.paragraphs if p.style.name == "附件标题"]
    assert titles == ["1-6月主要指标完成情况表", "重点项目推进情况表", "各责任单位完成情况排名表"]
    # every table is in the landscape section, after the body
    body = doc.element.body
    children = list(body.iterchildren())
    end = next(i for i, c in enumerate(children) if c.find(".//" + qn("w:sectPr")) is not None)
    assert all(children.index(t._tbl) > end for t in doc.tables)
    assert doc.sections[-1].orientation == 1  # WD_ORIENT.LANDSCAPE
    assert "排名详见附件3。" in body_section(june.report, "各责任单位完成情况")[0]


def test_charts_embedded_at_page_width_and_written_to_charts_folder(june):
    doc = Document(str(june.report))
    shapes = doc.inline_shapes
    assert len(shapes) == 4
    # all in the landscape 附件, beside their tables: completion and trend near page height, the others wide
    assert sorted(round(s.width.mm) for s in shapes) == [130, 138, 150, 156]
    charts = sorted(p.name for p in (june.folder / "charts").iterdir())
    assert charts == ["completion.png", "departments.png", "projects.png", "trend.png"]
    from PIL import Image

    with Image.open(june.folder / "charts" / "completion.png") as im:
        assert round(im.info["dpi"][0]) == 200 and im.width >= 1200


def test_charts_captioned_below_and_numbered_in_order(june):
    doc = Document(str(june.report))
    body = doc.paragraphs
    captions = [p.text for p in body if p.style.name == "图题"]
    assert captions == [
        "图1　1-6月主要指标完成率与各自序时进度",
        "图2　重点指标逐月累计完成情况",
        "图3　重点项目开工情况（按类别，120个项目）",
        "图4　1-6月各责任单位排名（按进度类指标与各自序时进度的平均差距）",
    ]
    for i, p in enumerate(body):  # each caption right below its chart, which keeps with it
        if p.style.name == "图题":
            assert body[i - 1]._p.xpath(".//pic:pic") and body[i - 1].style.paragraph_format.keep_with_next


def test_figure_numbers_skip_charts_not_drawn_or_switched_off(demo):
    from reportgen.render.word import add_numbering

    context = _context_for(demo, 6)
    numbered = add_numbering(context, {"completion": "甲", "projects": "乙", "departments": "丙"})
    assert numbered["figures"] == {"completion": 1, "projects": 2, "departments": 3}  # no trend: no number
    assert numbered["ledgers"][0]["figure"] == 2 and numbered["ledgers"][0]["caption"] == "乙"
    show = {**context["show"], "indicators": False}
    assert add_numbering({**context, "show": show}, {"completion": "甲", "departments": "丙"})["figures"] == {
        "departments": 1
    }
    assert add_numbering(context)["figures"] == {}


def test_no_template_tags_left_and_package_is_clean(june):
    with zipfile.ZipFile(june.report) as z:
        assert z.testzip() is None
        body = z.read("word/document.xml").decode("utf-8")
    assert "{{" not in body and "{%" not in body and "}}" not in body


def test_gb9704_fonts_in_east_asian_slot(june):
    doc = Document(str(june.report))

    def east_asia(style):
        return style.element.rPr.rFonts.get(qn("w:eastAsia"))

    assert east_asia(doc.styles["Normal"]) == "仿宋_GB2312"
    assert east_asia(doc.styles["Title"]) == "方正小标宋简体"
    assert east_asia(doc.styles["Heading 1"]) == "黑体"
    assert east_asia(doc.styles["Heading 2"]) == "楷体_GB2312"
    assert doc.styles["Normal"].font.size.pt == 16 and doc.styles["Title"].font.size.pt == 22
    assert doc.styles["Normal"].element.rPr.rFonts.get(qn("w:ascii")) == "Times New Roman"
    section = doc.sections[0]
    assert (
        round(section.top_margin.mm),
        round(section.bottom_margin.mm),
        round(section.left_margin.mm),
        round(section.right_margin.mm),
    ) == (37, 35, 28, 26)
    assert round(section.page_width.mm) == 210
    footer = section.footer._element.xml
    assert "PAGE" in footer and "— " in footer


def _context_for(demo, month: int, *, as_month: int | None = None, **kwargs):
    config = load_config(demo / "config.yaml")
    data = read_period(config, Period(2024, month))
    if as_month:
        data = dataclasses.replace(data, period=Period(2024, as_month))
    return report_context(evaluate(config, data), **kwargs)


@pytest.mark.parametrize(
    "month, as_month, expected",
    [
        (3, None, "项实现“开门红”"),
        (6, None, "项实现“双过半”"),
        (9, None, "22项达到前三季度序时进度要求，6项未达到，"),
        (9, 12, "项实现“全年红”"),
        (5, None, "项达到序时进度或目标要求"),
    ],
)
def test_checkpoint_wording_follows_the_period(demo, month, as_month, expected):
    context = _context_for(demo, month, as_month=as_month)
    assert expected in context["overview"][0]


def test_suggestions_aim_at_the_next_checkpoint(demo):
    def texts(month, **kwargs):
        return "".join(s for s in _context_for(demo, month, **kwargs)["suggestions"] if s.startswith("请"))

    assert "确保实现“双过半”" in texts(5)
    assert "确保实现“开门红”" in texts(2)
    assert "确保前三季度各项指标达到序时进度要求" in texts(6)  # after 双过半, the next checkpoint
    assert "确保实现“全年红”" in texts(9)
    assert "为来年实现“开门红”打好基础" in texts(9, as_month=12)


def test_sections_can_be_switched_off_and_renumber(demo, tmp_path):
    text = (demo / "config.yaml").read_text(encoding="utf-8")
    text = text.replace("      projects: true ", "      projects: false").replace(
        "      overview: true ", "      overview: false"
    )
    (demo / "off.yaml").write_text(text, encoding="utf-8")
    config = load_config(demo / "off.yaml")
    config = config.model_copy(
        update={
            "output": config.output.model_copy(
                update={"charts": config.output.charts.model_copy(update={"enabled": False})}
            )
        }
    )
    result = run(config, Period(2024, 6), tmp_path, now=NOW)
    doc = Document(str(result.report))
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["一、主要指标完成情况", "二、各责任单位完成情况", "三、存在问题及下步建议"]
    assert not doc.inline_shapes
    assert not [p.text for p in doc.paragraphs if p.style.name == "图题" or p.text.startswith("图")]
    assert not any(t.rows[0].cells[0].text == "类别" for t in doc.tables)


# ------------------------------------------------------------------------------------------ user templates
def _user_template(path: Path) -> Path:
    """What an office worker makes in Word: own styles, own order, a tag split by formatting, a chart in a cell."""
    doc = Document()
    doc.styles["Normal"].font.size = Mm(5)
    title = doc.add_paragraph(style="Title")
    title.add_run("{{ zo").bold = True  # Word splits a tag into runs when part of it is formatted
    title.add_run("ne }}").italic = True
    title.add_run("　{{ span }}简报")
    doc.add_paragraph("{{ department_summary }}")  # ranking first: reordered
    doc.add_paragraph("{{ overview[0] }}")
    table = doc.add_table(rows=4, cols=2)
    table.rows[0].cells[0].text = "{%tr for r in indicators if r.light == 'red' %}"
    table.rows[1].cells[0].text = "{{ r.name }}：{{ r.sentence }}"
    table.rows[1].cells[1].text = "{% cellbg r.color %}{{ r.light_name }}"
    table.rows[2].cells[0].text = "{%tr endfor %}"
    table.rows[3].cells[0].text = "{{ chart('completion', 70) }}"
    table.rows[3].cells[1].text = "{{ results.indicators[0].actual|amount('亿元') }}"
    doc.save(path)
    return path


def test_user_edited_template_with_split_tag_chart_in_cell_and_shading(demo, tmp_path):
    template = _user_template(tmp_path / "我的模板.docx")
    config = load_config(demo / "config.yaml")
    word = config.output.word.model_copy(update={"template": template})
    config = config.model_copy(update={"output": config.output.model_copy(update={"word": word})})
    assert validate(config) == []
    result = run(config, Period(2024, 6), tmp_path / "out", now=NOW)
    doc = Document(str(result.report))
    assert doc.paragraphs[0].text == "示范经济技术开发区　1-6月简报"
    assert doc.paragraphs[1].text.startswith(
        "按进度类指标与各自序时进度的平均差距排名，前三位依次是科创局（+3.8个百分点）"
    )
    table = doc.tables[0]
    assert table.rows[0].cells[0].text.startswith("政府性基金收入：完成政府性基金收入7.10亿元")
    assert fill(table.rows[0].cells[1]) == "FFC7CE"
    assert table.rows[1].cells[1].text == "112.40亿元"
    images = table.rows[1].cells[0]._tc.xpath(".//pic:pic")
    assert len(images) == 1
    assert abs(doc.inline_shapes[0].width - Mm(70)) < Mm(0.5)


def _broken(path: Path, text: str) -> Path:
    doc = Document()
    doc.add_paragraph("{{ title }}")
    doc.add_paragraph(text)
    doc.save(path)
    return path


def test_template_syntax_error_names_template_and_problem(demo, tmp_path):
    template = _broken(tmp_path / "坏模板.docx", "{% if show.overview %}没有结束的判断")
    context = _context_for(demo, 6)
    with pytest.raises(TemplateError) as err:
        write_report(context, tmp_path / "out.docx", template)
    assert "Word 模板 坏模板.docx 语法错误" in str(err.value) and "endif" in str(err.value)
    assert not (tmp_path / "out.docx").exists()


def test_undefined_variable_is_an_error_not_a_blank(demo, tmp_path):
    template = _broken(tmp_path / "模板.docx", "本期完成{{ zone_total }}")
    with pytest.raises(TemplateError, match="“zone_total”未定义"):
        write_report(_context_for(demo, 6), tmp_path / "out.docx", template)
    with pytest.raises(TemplateError, match="不存在"):
        write_report(
            _context_for(demo, 6), tmp_path / "out.docx", _broken(tmp_path / "b.docx", "{{ show.summary }}")
        )


def test_bad_template_reported_by_validate_and_cli(demo, tmp_path, capsys):
    bad = _broken(demo / "templates" / "坏.docx", "{{ zone_total }}{% for x in overview %}")
    text = (demo / "config.yaml").read_text(encoding="utf-8").replace(WORD_TEMPLATE, "templates/坏.docx")
    (demo / "bad.yaml").write_text(text, encoding="utf-8")
    assert main(["validate", "-c", str(demo / "bad.yaml")]) == 1
    err = capsys.readouterr().err
    assert "错误：Word 模板 坏.docx 语法错误" in err and "Traceback" not in err
    bad.unlink()
    _broken(bad, "{{ zone_total }}")
    assert main(["validate", "-c", str(demo / "bad.yaml")]) == 1
    assert "Word 模板 坏.docx 使用了不存在的变量：zone_total" in capsys.readouterr().err
    before = sorted(p.name for p in (demo / "output").glob("*")) if (demo / "output").exists() else []
    assert main(["run", "-c", str(demo / "bad.yaml"), "-p", "2024-06"]) == 1
    assert "“zone_total”未定义" in capsys.readouterr().err
    assert (
        sorted(p.name for p in (demo / "output").glob("*")) if (demo / "output").exists() else []
    ) == before


def test_not_a_docx_template(demo, tmp_path):
    fake = tmp_path / "模板.docx"
    fake.write_text("not a zip", encoding="utf-8")
    with pytest.raises(TemplateError, match="无法打开"):
        write_report(_context_for(demo, 6), tmp_path / "o.docx", fake)
    with pytest.raises(TemplateError, match="Word 模板不存在"):
        write_report(_context_for(demo, 6), tmp_path / "o.docx", tmp_path / "missing.docx")


def test_stock_template_rebuilds_byte_identical(tmp_path):
    from reportgen.render.word_template import build_default_template

    a = build_default_template(tmp_path / "a.docx").read_bytes()
    b = build_default_template(tmp_path / "b.docx").read_bytes()
    assert a == b
    repo_copy = Path(__file__).parent.parent / WORD_TEMPLATE
    assert repo_copy.read_bytes() == a, "templates/月度报告.docx is stale: run `make samples`"
    from reportgen.render.word import STOCK_TEMPLATE

    assert STOCK_TEMPLATE.read_bytes() == a, "the packaged stock template is stale: run `make samples`"


# ------------------------------------------------------------------------------------------ PDF
needs_soffice = pytest.mark.skipif(
    find_soffice() is None, reason="LibreOffice not installed (make test installs it)"
)


@needs_soffice
def test_pdf_from_cli_opens_without_repair_and_keeps_the_text(demo, tmp_path, capsys):
    out = tmp_path / "out"
    assert (
        main(["run", "-c", str(demo / "config.yaml"), "-p", "2024-09", "-o", str(out), "--format", "pdf"])
        == 0
    )
    pdf = out / "2024-09" / "示范经济技术开发区2024年1-9月重点指标完成情况.pdf"
    assert pdf.read_bytes()[:5] == b"%PDF-"
    capsys.readouterr()
    assert main(["run", "-c", str(demo / "config.yaml"), "-p", "2024-09", "-o", str(out)]) == 0
    assert "输入未变化" in capsys.readouterr().out and pdf.is_file()  # a plain re-run keeps the PDF
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        flat = re.sub(r"\s+", "", text)
        assert "22项达到前三季度序时进度要求" in flat and "—1—" in flat and "五、存在问题及下步建议" in flat


def test_pdf_without_libreoffice_keeps_the_report_and_says_why(demo, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PATH", str(tmp_path))  # no soffice anywhere
    config = demo / "config.yaml"
    assert (
        main(["run", "-c", str(config), "-p", "2024-06", "-o", str(tmp_path / "o"), "--format", "pdf"]) == 1
    )
    err = capsys.readouterr().err
    assert "未安装 LibreOffice，无法生成 PDF" in err
    folder = tmp_path / "o" / "2024-06"
    assert any(folder.glob("*.docx")) and any(folder.glob("*.xlsx")) and not any(folder.glob("*.pdf"))


def test_missing_notes_file_is_fine(demo, tmp_path):
    config = load_config(demo / "config.yaml")
    messages = []
    config = config.model_copy(
        update={
            "output": config.output.model_copy(
                update={"charts": config.output.charts.model_copy(update={"enabled": False})}
            )
        }
    )
    result = run(config, Period(2024, 5), tmp_path, now=NOW, progress=messages.append)
    assert any("未找到本期说明文件 存在问题及下步建议.txt" in m for m in messages)
    assert result.report.is_file()


def test_notes_file_in_gbk_and_docx(demo, tmp_path):
    from reportgen.sources.notes import read_notes

    (tmp_path / "a.txt").write_bytes("一是加快进度。\r\n\r\n二是加强调度。".encode("gbk"))
    assert read_notes(tmp_path / "a.txt") == ["一是加快进度。", "二是加强调度。"]
    doc = Document()
    doc.add_paragraph("三是压实责任。")
    doc.add_paragraph("")
    doc.save(tmp_path / "b.docx")
    assert read_notes(tmp_path / "b.docx") == ["三是压实责任。"]
    (tmp_path / "c.docx").write_text("x", encoding="utf-8")
    with pytest.raises(ReportgenError, match="无法打开说明文件"):
        read_notes(tmp_path / "c.docx")


@needs_soffice
def test_concurrent_conversions_do_not_collide_and_timeouts_are_reported(june, tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    from reportgen.render.pdf import convert_to_pdf

    copies = []
    for name in ("甲.docx", "乙.docx"):
        (tmp_path / name).write_bytes(june.report.read_bytes())
        copies.append(tmp_path / name)
    with ThreadPoolExecutor(2) as pool:
        pdfs = list(pool.map(lambda p: convert_to_pdf(p, tmp_path), copies))
    assert [p.name for p in pdfs] == ["甲.pdf", "乙.pdf"] and all(p.stat().st_size > 10_000 for p in pdfs)
    if (
        shutil.which("pdffonts")
        and shutil.which("fc-list")
        and "Noto Serif CJK SC"
        in subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True).stdout
    ):
        fonts = subprocess.run(["pdffonts", str(pdfs[0])], capture_output=True, text=True).stdout
        assert "NotoSerifCJK" in fonts  # 仿宋 body substituted by a serif face, not the first sans fallback
    with pytest.raises(ReportgenError, match="超时"):
        convert_to_pdf(copies[0], tmp_path / "slow", timeout=0.05)


def test_validate_knows_every_name_the_report_provides(demo):
    from reportgen.render.word import add_numbering
    from reportgen.render.word_names import CONTEXT_NAMES

    context = add_numbering(_context_for(demo, 6))
    assert set(context) | {"charts", "chart"} == CONTEXT_NAMES


def test_stock_and_user_templates_pass_the_light_check(demo, tmp_path):
    from reportgen.render.template_check import check_word_template
    from reportgen.render.word_names import CONTEXT_NAMES

    check_word_template(demo / WORD_TEMPLATE, CONTEXT_NAMES)
    check_word_template(_user_template(tmp_path / "u.docx"), CONTEXT_NAMES)


def test_unknown_filter_is_a_chinese_error_in_validate_and_run(demo, tmp_path, capsys):
    bad = _broken(demo / "templates" / "滤镜.docx", "{{ time_progress|percnt }}")
    text = (demo / "config.yaml").read_text(encoding="utf-8").replace(WORD_TEMPLATE, "templates/滤镜.docx")
    (demo / "filter.yaml").write_text(text, encoding="utf-8")
    assert main(["validate", "-c", str(demo / "filter.yaml")]) == 1
    err = capsys.readouterr().err
    assert "没有名为“percnt”的过滤器" in err and "Traceback" not in err
    assert main(["run", "-c", str(demo / "filter.yaml"), "-p", "2024-06", "-o", str(tmp_path)]) == 1
    assert "没有名为“percnt”的过滤器" in capsys.readouterr().err
    bad.unlink()


@pytest.mark.skipif(
    find_soffice() is None or shutil.which("pdftotext") is None, reason="LibreOffice and poppler needed"
)
def test_printed_body_is_five_pages_at_most_and_page_one_names_red_and_red_line_owners(demo, tmp_path):
    """As printed (LibreOffice): the body ends by page 5; page 1 names every red and 底线 item with its owner."""
    from reportgen.render.pdf import convert_to_pdf

    config = load_config(demo / "config.yaml")
    september = run(config, Period(2024, 9), tmp_path / "out", now=datetime(2024, 10, 8, 9))
    pdf = convert_to_pdf(september.report, tmp_path)
    pages = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
    pages = [re.sub(r"\s+", "", p) for p in pages.split("\f")]
    body_end = next(i for i, p in enumerate(pages) if "2024年10月12日" in p and "附件：" in p)
    assert body_end <= 4  # pages 1–5
    assert pages[body_end + 1].startswith("附件1")
    first = pages[0]
    for red in ("政府性基金收入（财政局）", "生产安全事故死亡人数（应急局，突破底线）"):
        assert red in first
