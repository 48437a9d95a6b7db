"""The stock Word template (templates/月度报告.docx), built in code so it is reproducible and reviewable.

Styling follows GB/T 9704-2012 in spirit: A4, 37/35/28/26 mm margins, title 方正小标宋简体 二号, body
仿宋_GB2312 三号 at a fixed 28 pt line pitch, headings 黑体 / 楷体_GB2312, digits in Times New Roman,
page numbers "— 1 —". Every Chinese font is set in the East-Asian slot (w:eastAsia), and the font table
names a fallback (w:altName) that Windows and WPS ship, so text never falls back to a default font.
Staff may restyle or reorder anything; the Jinja tags are the only contract (README 'Word 模板').
"""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

FIXED_TIME = datetime(2024, 1, 1)
LATIN = "Times New Roman"
# Font → fallback Word/WPS use when the first is not installed (GB2312 faces are often missing on new PCs).
FALLBACKS = {
    "仿宋_GB2312": "仿宋",
    "楷体_GB2312": "楷体",
    "方正小标宋简体": "华文中宋",
    "黑体": "SimHei",
    "仿宋": "FangSong",
    "楷体": "KaiTi",
    "宋体": "SimSun",
}
SIZES = {"二号": 22, "三号": 16, "小三": 15, "四号": 14, "小四": 12, "五号": 10.5, "小五": 9}

INDICATOR_COLUMNS = [
    ("指标", 30, "name"),
    ("单位", 14, "unit"),
    ("全年目标/力争", 22, "target"),
    ("{{ span }}完成", 17, "actual"),
    ("完成率", 14, "completion"),
    ("序时进度", 14, "time_progress"),
    ("差距（百分点）", 15, "gap"),
    ("同比", 16, "yoy"),
    ("状态", 14, "light_name"),
]
# Ledger counts carry the labels of render/numbers.py (STARTED_ALL, START_BASE, STARTED_IN_BASE): one label, one set.
GROUP_COLUMNS = [
    ("{{ label }}", 20, "name"),
    ("项目数", 11, "projects"),
    ("已开工（含续建）", 15, "started_all"),
    ("应开工", 13, "start_base"),
    ("其中已开工", 14, "started"),
    ("开工率", 15, "start_rate"),
    ("年度计划投资", 18, "annual_plan"),
    ("完成投资", 17, "completed"),
    ("完成率", 15, "completion"),
    ("逾期未开工", 16, "overdue"),
]
# 154 of the 156 mm text width: 有年度计划投资 / 投资达到序时进度 (with_plan, ahead) do not fit and are shown in the
# summary sentence and the Excel 项目汇总 only (README 计算口径).
OVERDUE_COLUMNS = [
    ("序号", 12, None),
    ("项目名称", 38, "name"),
    ("责任单位", 20, "owner"),
    ("计划开工", 25, "planned_start"),
    ("逾期（月）", 16, "months_late"),
    ("存在问题", 45, "issues"),
]
DEPARTMENT_COLUMNS = [
    ("排名", 18, "rank"),
    ("较上月", 12, "rank_change"),
    ("责任单位", 22, "name"),
    ("{{ ranking_header }}", 20, "score"),
    ("参与排名指标", 14, "ranked_indicators"),
    ("绿灯", 11, "green"),
    ("黄灯", 11, "yellow"),
    ("红灯", 11, "red"),
    ("底线", 11, "red_line"),
    ("已开工（含续建）/项目数", 22, "projects_started"),
]
TEXT_FIELDS = {
    "name",
    "owner",
    "issues",
    "unit",
    "planned_start",
    "light_name",
    "rank",
    "red_line",
    "rank_change",
}


def _fonts(element, east_asia: str, latin: str = LATIN) -> None:
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for slot in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(slot), latin)
    fonts.set(qn("w:eastAsia"), east_asia)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)  # theme fonts would override the names above


def _style(
    doc,
    name: str,
    font: str,
    size: str,
    *,
    bold: bool = False,
    align=None,
    indent: bool = False,
    line: float | None = 28,
    before: float = 0,
    after: float = 0,
    base: str | None = None,
    kind=WD_STYLE_TYPE.PARAGRAPH,
):
    styles = doc.styles
    style = styles[name] if name in [s.name for s in styles] else styles.add_style(name, kind)
    if base:
        style.base_style = styles[base]
    style.font.size = Pt(SIZES[size])
    style.font.bold = bold
    style.font.name = LATIN
    _fonts(style.element, font)
    if kind == WD_STYLE_TYPE.PARAGRAPH:
        pf = style.paragraph_format
        if line:
            pf.line_spacing_rule, pf.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(line)
        else:
            pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
        pf.space_before, pf.space_after = Pt(before), Pt(after)
        pf.alignment = align if align is not None else WD_ALIGN_PARAGRAPH.JUSTIFY
        ppr = style.element.get_or_add_pPr()
        ind = ppr.find(qn("w:ind"))
        if ind is None:
            ind = OxmlElement("w:ind")
            ppr.append(ind)
        # Two-character first-line indent in character units, so it follows the font size.
        ind.set(qn("w:firstLineChars"), "200" if indent else "0")
        ind.set(qn("w:firstLine"), str(int(SIZES[size] * 40)) if indent else "0")
    return style


def _font_table(doc) -> None:
    font_part = next((p for p in doc.part.package.parts if p.partname.endswith("fontTable.xml")), None)
    if font_part is None:
        return
    from lxml import etree

    root = etree.fromstring(font_part.blob)
    for name, alt in FALLBACKS.items():
        font = etree.SubElement(root, qn("w:font"))
        font.set(qn("w:name"), name)
        alt_el = etree.SubElement(font, qn("w:altName"))
        alt_el.set(qn("w:val"), alt)
        charset = etree.SubElement(font, qn("w:charset"))
        charset.set(qn("w:val"), "86")  # GB2312: tells Word/WPS this is a Chinese face
        family = etree.SubElement(font, qn("w:family"))
        family.set(qn("w:val"), "modern" if "黑" in name else "roman")
    font_part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _defaults(doc) -> None:
    """Document defaults: Chinese language tag and 仿宋 in every slot of docDefaults."""
    rpr_default = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = rpr_default.find(qn("w:rFonts"))
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    for slot in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(slot), LATIN)
    fonts.set(qn("w:eastAsia"), "仿宋_GB2312")
    lang = rpr_default.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr_default.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")


def _page_number(section) -> None:
    """'— 1 —' centred in the footer, 宋体 四号 as GB/T 9704 asks."""
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for text, field in (("— ", False), ("PAGE", True), (" —", False)):
        if field:
            simple = OxmlElement("w:fldSimple")
            simple.set(qn("w:instr"), "PAGE")
            run = OxmlElement("w:r")
            t = OxmlElement("w:t")
            t.text = "1"
            run.append(t)
            simple.append(run)
            p._p.append(simple)
        else:
            run = p.add_run(text)
            run.font.size = Pt(SIZES["四号"])
            _fonts(run._r, "宋体")


def _cell(cell, text: str, style: str, align=WD_ALIGN_PARAGRAPH.CENTER) -> None:
    p = cell.paragraphs[0]
    p.style = style
    p.alignment = align
    p.add_run(text)


def _shade(cell, fill: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tcpr.append(shd)


def _keep_row(row, header: bool = False) -> None:
    """Rows never split across pages; the header row repeats on every page."""
    trpr = row._tr.get_or_add_trPr()
    trpr.append(OxmlElement("w:cantSplit"))
    if header:
        el = OxmlElement("w:tblHeader")
        el.set(qn("w:val"), "true")
        trpr.append(el)


def _narrow_margins(table) -> None:
    """0.8 mm cell padding instead of 1.9 mm: '56.2%' fits a 14 mm column at 五号."""
    tblpr = table._tbl.tblPr
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), "45")
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    tblpr.append(margins)


def _table(
    doc,
    columns,
    loop: str,
    item: str,
    *,
    first_cell_prefix: str = "",
    total: str | None = None,
    light_column: str | None = None,
    group_loop: str | None = None,
):
    """A table with a repeated header row, optional group band rows, a {%tr for %} data row, and a total row."""
    rows = 1 + (4 if group_loop else 0) + 3 + (1 if total else 0)
    table = doc.add_table(rows=rows, cols=len(columns))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for i, (_, width, _) in enumerate(columns):
        table.columns[i].width = Mm(width)  # w:gridCol: what LibreOffice and WPS lay out by
        for cell in table.columns[i].cells:
            cell.width = Mm(width)
    _narrow_margins(table)
    header = table.rows[0]
    _keep_row(header, header=True)
    for cell, (title, _, _) in zip(header.cells, columns):
        _cell(cell, title, "表头")
        _shade(cell, "D9E2F3")
    r = 1
    if group_loop:
        band = table.rows[r].cells[0].merge(table.rows[r].cells[-1])
        _cell(band, f"{{%tr for g in {group_loop} %}}", "表格文字", WD_ALIGN_PARAGRAPH.LEFT)
        # A band only for a named group: a config without groups gets a plain table.
        condition = table.rows[r + 1].cells[0].merge(table.rows[r + 1].cells[-1])
        _cell(condition, "{%tr if g.name %}", "表格文字", WD_ALIGN_PARAGRAPH.LEFT)
        band2 = table.rows[r + 2].cells[0].merge(table.rows[r + 2].cells[-1])
        _cell(band2, "{{ g.name }}", "表头", WD_ALIGN_PARAGRAPH.LEFT)
        _shade(band2, "F2F2F2")
        endif = table.rows[r + 3].cells[0].merge(table.rows[r + 3].cells[-1])
        _cell(endif, "{%tr endif %}", "表格文字", WD_ALIGN_PARAGRAPH.LEFT)
        r += 4
    start = table.rows[r].cells[0].merge(table.rows[r].cells[-1])
    _cell(start, f"{{%tr for {item} in {loop} %}}", "表格文字", WD_ALIGN_PARAGRAPH.LEFT)
    _keep_row(table.rows[r + 1])
    for cell, (_, _, field) in zip(table.rows[r + 1].cells, columns):
        if field is None:
            _cell(cell, "{{ loop.index }}", "表格文字")
            continue
        text = f"{{{{ {item}.{field} }}}}"
        if field == light_column:
            text = f"{{% cellbg {item}.color %}}{text}"
        align = (
            WD_ALIGN_PARAGRAPH.LEFT
            if field in ("name", "issues")
            else (WD_ALIGN_PARAGRAPH.CENTER if field in TEXT_FIELDS else WD_ALIGN_PARAGRAPH.RIGHT)
        )
        _cell(cell, first_cell_prefix + text if field == columns[0][2] else text, "表格文字", align)
    end = table.rows[r + 2].cells[0].merge(table.rows[r + 2].cells[-1])
    _cell(end, "{%tr endfor %}", "表格文字", WD_ALIGN_PARAGRAPH.LEFT)
    r += 3
    if group_loop:
        # The group loop closes after the item loop: one more row holding {%tr endfor %}.
        extra = table.add_row()
        cell = extra.cells[0].merge(extra.cells[-1])
        _cell(cell, "{%tr endfor %}", "表格文字", WD_ALIGN_PARAGRAPH.LEFT)
    if total:
        for cell, (_, _, field) in zip(table.rows[r].cells, columns):
            text = (
                "合计" if field == columns[0][2] else ("" if field is None else f"{{{{ {total}.{field} }}}}")
            )
            _cell(
                cell,
                text,
                "表头",
                WD_ALIGN_PARAGRAPH.CENTER
                if field in TEXT_FIELDS or text == "合计"
                else WD_ALIGN_PARAGRAPH.RIGHT,
            )
    return table


def _para(doc, text: str, style: str = "Normal"):
    return doc.add_paragraph(text, style=style)


def build_document():
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height, section.orientation = Mm(210), Mm(297), WD_ORIENT.PORTRAIT
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(20)
    _defaults(doc)
    _style(doc, "Normal", "仿宋_GB2312", "三号", indent=True)
    _style(doc, "Title", "方正小标宋简体", "二号", align=WD_ALIGN_PARAGRAPH.CENTER, line=36, after=20)
    _style(doc, "Heading 1", "黑体", "三号", indent=True)
    _style(doc, "Heading 2", "楷体_GB2312", "三号", indent=True)
    # python-docx's Title carries a blue rule underneath (w:pBdr); a 公文 title has none.
    title_ppr = doc.styles["Title"].element.get_or_add_pPr()
    for border in title_ppr.findall(qn("w:pBdr")):
        title_ppr.remove(border)
    for name in ("Heading 1", "Heading 2", "Title"):
        st = doc.styles[name]
        st.font.color.rgb = None
        st.font.bold = False
        st.paragraph_format.keep_with_next = True
    _style(doc, "正文无缩进", "仿宋_GB2312", "三号", base="Normal")
    _style(doc, "落款", "仿宋_GB2312", "三号", align=WD_ALIGN_PARAGRAPH.RIGHT, base="Normal")
    _style(doc, "图表标题", "黑体", "四号", align=WD_ALIGN_PARAGRAPH.CENTER, line=None, before=6, after=6)
    doc.styles["图表标题"].paragraph_format.keep_with_next = True
    _style(doc, "图片", "仿宋_GB2312", "五号", align=WD_ALIGN_PARAGRAPH.CENTER, line=None)
    doc.styles["图片"].paragraph_format.keep_with_next = True  # a chart never parts from its caption below
    # Figure captions go below the chart (table captions above the table), so this one keeps with nothing.
    _style(doc, "图题", "黑体", "四号", align=WD_ALIGN_PARAGRAPH.CENTER, line=None, before=0, after=12)
    _style(doc, "表格文字", "仿宋_GB2312", "五号", line=None)
    _style(doc, "表头", "黑体", "五号", line=None, align=WD_ALIGN_PARAGRAPH.CENTER)
    _style(doc, "模板说明", "仿宋_GB2312", "五号", line=None)
    _font_table(doc)
    _page_number(section)

    _para(doc, "{{ title }}", "Title")
    _para(doc, "{%p if recipients %}")
    _para(doc, "{{ recipients }}", "正文无缩进")  # 主送机关: flush left, above the first paragraph
    _para(doc, "{%p endif %}")
    _para(doc, "{{ lead }}")  # the first paragraph is indented like every other

    _para(doc, "{%p if show.overview %}")
    _para(doc, "{{ headings.overview }}", "Heading 1")
    _para(doc, "{%p for text in overview %}")
    _para(doc, "{{ text }}")
    _para(doc, "{%p endfor %}")
    _para(doc, "{%p endif %}")

    _para(doc, "{%p if show.indicators %}")
    _para(doc, "{{ headings.indicators }}", "Heading 1")
    _para(doc, "{{ indicator_intro }}")
    _para(doc, "表{{ tables.indicators }}　{{ span }}主要指标完成情况", "图表标题")
    _table(doc, INDICATOR_COLUMNS, "g.rows", "r", light_column="light_name", group_loop="groups")
    _para(doc, "{%p if charts.completion %}")
    _para(doc, "{{ charts.completion }}", "图片")
    _para(doc, "图{{ figures.completion }}　{{ captions.completion }}", "图题")
    _para(doc, "{%p endif %}")
    _para(doc, "{%p if charts.trend %}")
    _para(doc, "{{ charts.trend }}", "图片")
    _para(doc, "图{{ figures.trend }}　{{ captions.trend }}", "图题")
    _para(doc, "{%p endif %}")
    _para(doc, "{%p endif %}")

    _para(doc, "{%p if show.projects and ledgers %}")
    _para(doc, "{{ headings.projects }}", "Heading 1")
    _para(doc, "{%p for lg in ledgers %}")
    _para(doc, "{{ lg.summary }}")
    _para(
        doc,
        "表{{ lg.tables.categories }}　{{ lg.name }}分类别推进情况（应开工指{{ lg.base_text }}；金额单位：{{ lg.unit }}）",
        "图表标题",
    )
    _para(doc, "{%p set label = '类别' %}")
    _table(doc, GROUP_COLUMNS, "lg.categories", "c", total="lg.total")
    _para(
        doc,
        "表{{ lg.tables.departments }}　{{ lg.name }}分责任单位推进情况（应开工指{{ lg.base_text }}；金额单位：{{ lg.unit }}）",
        "图表标题",
    )
    _para(doc, "{%p set label = '责任单位' %}")
    _table(doc, GROUP_COLUMNS, "lg.departments", "c", total="lg.total")
    _para(doc, "{%p if lg.chart %}")
    _para(doc, "{{ lg.chart }}", "图片")
    _para(doc, "图{{ lg.figure }}　{{ lg.caption }}", "图题")
    _para(doc, "{%p endif %}")
    _para(doc, "{%p if lg.overdue %}")
    _para(doc, "表{{ lg.tables.overdue }}　逾期未开工项目清单（{{ lg.overdue|length }}个）", "图表标题")
    _table(doc, OVERDUE_COLUMNS, "lg.overdue", "p")
    _para(doc, "{%p endif %}")
    _para(doc, "{%p endfor %}")
    _para(doc, "{%p endif %}")

    _para(doc, "{%p if show.departments %}")
    _para(doc, "{{ headings.departments }}", "Heading 1")
    _para(doc, "{{ department_summary }}")
    _para(doc, "表{{ tables.departments }}　各责任单位完成情况排名", "图表标题")
    _table(doc, DEPARTMENT_COLUMNS, "departments", "d")
    _para(doc, "{%p if charts.departments %}")
    _para(doc, "{{ charts.departments }}", "图片")
    _para(doc, "图{{ figures.departments }}　{{ captions.departments }}", "图题")
    _para(doc, "{%p endif %}")
    _para(doc, "{%p endif %}")

    _para(doc, "{%p if show.issues %}")
    _para(doc, "{{ headings.issues }}", "Heading 1")
    _para(doc, "{%p if red_lines %}")
    _para(doc, "{{ subheads.red_lines }}底线指标", "Heading 2")
    _para(doc, "{%p for text in red_lines %}")
    _para(doc, "{{ loop.index }}. {{ text }}")
    _para(doc, "{%p endfor %}")
    _para(doc, "{%p endif %}")
    _para(doc, "{{ subheads.lagging }}落后指标", "Heading 2")
    _para(doc, "{%p for text in lagging %}")
    _para(doc, "{{ loop.index }}. {{ text }}")
    _para(doc, "{%p else %}")
    _para(doc, "{{ span }}各项指标均达到序时进度或目标要求。")
    _para(doc, "{%p endfor %}")
    _para(doc, "{%p if project_issues %}")
    _para(doc, "{{ subheads.projects }}重点项目", "Heading 2")
    _para(doc, "{%p for text in project_issues %}")
    _para(doc, "{{ loop.index }}. {{ text }}")
    _para(doc, "{%p endfor %}")
    _para(doc, "{%p endif %}")
    _para(doc, "{{ subheads.suggestions }}下步建议", "Heading 2")
    _para(doc, "{%p for text in notes + suggestions %}")
    _para(doc, "{{ text }}")
    _para(doc, "{%p endfor %}")
    _para(doc, "{%p if data_notes %}")
    _para(
        doc,
        "数据说明：本期以下数据未报送、无法识别或与上月相比异常。无法读取的数值按“未报送”处理，未计为0；"
        "无法识别的台账行未计入项目，相关指标已注明；异常数值按所报计算，请核对：",
        "正文无缩进",
    )
    _para(doc, "{%p for text in data_notes %}")
    _para(doc, "{{ text }}", "表格文字")
    _para(doc, "{%p endfor %}")
    _para(doc, "{%p endif %}")
    _para(doc, "{%p if reading_notes %}")
    _para(doc, "读取说明：以下数据按说明处理：", "正文无缩进")
    _para(doc, "{%p for text in reading_notes %}")
    _para(doc, "{{ text }}", "表格文字")
    _para(doc, "{%p endfor %}")
    _para(doc, "{%p endif %}")
    _para(doc, "{%p endif %}")

    _para(doc, "")
    _para(doc, "{{ issuer }}", "落款")
    _para(doc, "{{ date }}", "落款")
    doc.core_properties.title = "重点指标完成情况月度报告模板"
    doc.core_properties.author = "reportgen"
    doc.core_properties.created = doc.core_properties.modified = FIXED_TIME
    doc.core_properties.revision = 1
    return doc


def build_default_template(path: Path) -> Path:
    """Write the stock template with fixed zip times, so rebuilding gives identical bytes."""
    from .outputs import fixed_zip_times

    raw = io.BytesIO()
    build_document().save(raw)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(fixed_zip_times(raw.getvalue(), FIXED_TIME))
    return path
