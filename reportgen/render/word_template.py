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
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

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
SIZES = {"二号": 22, "小二": 18, "三号": 16, "小三": 15, "四号": 14, "小四": 12, "五号": 10.5, "小五": 9}

# Widths (mm) are a starting point for the landscape 附件 (237 mm of text); render/word_layout.py sets the
# final ones from the content, so names are never broken by a character or two.
INDICATOR_COLUMNS = [
    ("指标", 44, "name"),
    ("单位", 14, "unit"),
    ("责任单位", 18, "owner"),
    ("确保目标", 20, "target_sure"),
    ("力争目标", 20, "target_stretch"),
    ("{{ span }}完成", 20, "actual_done"),
    ("完成率", 17, "completion"),
    ("力争完成率", 17, "stretch_completion"),
    ("序时进度", 16, "time_progress"),
    ("差距（百分点）", 18, "gap"),
    ("同比", 17, "yoy"),
    ("状态", 16, "light_name"),
]
# Ledger counts carry the labels of render/numbers.py (STARTED_ALL, START_BASE, STARTED_IN_BASE): one label, one set.
GROUP_COLUMNS = [
    ("{{ label }}", 30, "name"),
    ("项目数", 18, "projects"),
    ("已开工（含续建）", 24, "started_all"),
    ("应开工", 20, "start_base"),
    ("其中已开工", 22, "started"),
    ("开工率", 22, "start_rate"),
    ("年度计划投资", 26, "annual_plan"),
    ("完成投资", 26, "completed"),
    ("完成率", 24, "completion"),
    ("逾期未开工", 25, "overdue"),
]
OVERDUE_COLUMNS = [
    ("序号", 12, None),
    ("项目名称", 52, "name"),
    ("项目类别", 22, "category"),
    ("责任单位", 20, "owner"),
    ("包保领导", 20, "leader"),
    ("计划开工", 26, "planned_start"),
    ("逾期（月）", 18, "months_late"),
    ("存在问题", 67, "issues"),
]
DEPARTMENT_COLUMNS = [
    ("排名", 24, "rank"),
    ("较上月", 16, "rank_change"),
    ("责任单位", 24, "name"),
    ("{{ ranking_header }}", 26, "score"),
    ("参与排名指标", 22, "ranked_indicators"),
    ("绿灯", 14, "green"),
    ("黄灯", 14, "yellow"),
    ("红灯", 14, "red"),
    ("底线", 14, "red_line"),
    ("项目数", 16, "projects"),
    ("已开工（含续建）", 24, "started_all"),
    ("投资完成率", 25, "investment_completion"),
]
TEXT_FIELDS = {
    "name",
    "owner",
    "category",
    "leader",
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
        # Left, not justified: LibreOffice and WPS spread a CJK line's characters apart when an unbreakable
        # figure ("18.5%，") moves to the next line ("财 政 局 ："); ragged by a character is the lesser evil.
        pf.alignment = align if align is not None else WD_ALIGN_PARAGRAPH.LEFT
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


def _border(style, color: str = "000000", **sides: tuple[str, int]) -> None:
    """Paragraph rules on a style: side=(kind, eighths of a point), e.g. bottom=("single", 12)."""
    ppr = style.element.get_or_add_pPr()
    bdr = OxmlElement("w:pBdr")
    for side in ("top", "bottom"):
        if side in sides:
            kind, size = sides[side]
            el = OxmlElement(f"w:{side}")
            el.set(qn("w:val"), kind)
            el.set(qn("w:sz"), str(size))
            el.set(qn("w:space"), "1")
            el.set(qn("w:color"), color)
            bdr.append(el)
    ppr.append(bdr)


def _document_styles(doc) -> None:
    """Styles of the 公文 elements: 版头 (red 发文机关标志, 文号 over the red line), 附件 pages and 版记."""
    masthead = _style(
        doc, "发文机关标志", "方正小标宋简体", "二号", align=WD_ALIGN_PARAGRAPH.CENTER, line=None
    )
    masthead.font.size = Pt(32)
    masthead.font.color.rgb = RGBColor(0xC0, 0, 0)
    masthead.paragraph_format.space_after = Pt(12)
    number = _style(doc, "发文字号", "仿宋_GB2312", "三号", align=WD_ALIGN_PARAGRAPH.CENTER, after=8)
    _border(number, "C00000", bottom=("single", 16))  # the red separator line
    _style(doc, "文号", "仿宋_GB2312", "三号", align=WD_ALIGN_PARAGRAPH.CENTER, after=12)
    doc.styles.add_style("小标题字", WD_STYLE_TYPE.CHARACTER)
    _fonts(doc.styles["小标题字"].element, "楷体_GB2312")
    # 附件说明: "附件：1. …" two characters in, continuation lines aligned by the full-width spaces.
    _style(doc, "附件说明", "仿宋_GB2312", "三号", base="Normal", indent=True)  # 左空二字
    # 附件说明 and the 落款 travel together: a page never holds the signature and date alone (GB/T 9704 7.3.5).
    doc.styles["附件说明"].paragraph_format.keep_with_next = True
    mark = _style(doc, "附件标记", "黑体", "三号", line=None, after=6)
    mark.paragraph_format.page_break_before = True  # every 附件 starts a page
    mark.paragraph_format.keep_with_next = True
    title = _style(
        doc, "附件标题", "方正小标宋简体", "小二", align=WD_ALIGN_PARAGRAPH.CENTER, line=None, after=6
    )
    title.paragraph_format.keep_with_next = True
    picture = _style(doc, "附件图片", "仿宋_GB2312", "五号", align=WD_ALIGN_PARAGRAPH.CENTER, line=None)
    picture.paragraph_format.keep_with_next = True
    picture.paragraph_format.page_break_before = True
    note = _style(doc, "表注", "楷体_GB2312", "小四", line=None, after=4)
    note.paragraph_format.keep_with_next = True
    for name, rules in (  # 版记抄送 keeps with the 印发 line below it (set after the loop)
        ("版记抄送", dict(top=("single", 8), bottom=("single", 4))),
        ("版记印发", dict(bottom=("single", 8))),
        ("版记单行", dict(top=("single", 8), bottom=("single", 8))),
    ):
        st = _style(doc, name, "仿宋_GB2312", "四号", line=None, before=2, after=2)
        st.paragraph_format.left_indent = Mm(5)
        st.paragraph_format.right_indent = Mm(5)
        st.paragraph_format.tab_stops.add_tab_stop(Mm(227), WD_TAB_ALIGNMENT.RIGHT)  # 印发日期 flush right
        _border(st, **rules)
    doc.styles["版记抄送"].paragraph_format.keep_with_next = True


def _landscape(section) -> None:
    """A4 landscape for the 附件 tables: 237 mm of text width."""
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.top_margin, section.bottom_margin = Mm(28), Mm(26)
    section.left_margin, section.right_margin = Mm(30), Mm(30)
    section.footer_distance = Mm(14)


def _section_break_into_previous(doc) -> None:
    """add_section() appends an empty paragraph carrying the portrait sectPr; fold that sectPr into the 成文日期
    paragraph instead, so the body ends on the date and no empty line is left behind."""
    body = doc.element.body
    holder = body.findall(qn("w:p"))[-1]
    sect = holder.pPr.find(qn("w:sectPr"))
    date_p = holder.getprevious()
    date_p.get_or_add_pPr().append(sect)
    body.remove(holder)


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
    _style(doc, "Title", "方正小标宋简体", "二号", align=WD_ALIGN_PARAGRAPH.CENTER, line=36, after=14)
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
    signature = _style(doc, "落款", "仿宋_GB2312", "三号", align=WD_ALIGN_PARAGRAPH.RIGHT, base="Normal")
    signature.paragraph_format.keep_with_next = True  # the blank line, 发文机关 and date stay together
    signature.paragraph_format.right_indent = Pt(SIZES["三号"] * 4)  # 成文日期右空四字
    _style(doc, "成文日期", "仿宋_GB2312", "三号", align=WD_ALIGN_PARAGRAPH.RIGHT, base="落款")
    doc.styles["成文日期"].paragraph_format.keep_with_next = False  # the body's last line, before the 附件
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

    _document_styles(doc)

    _para(doc, "{%p if masthead %}")
    _para(doc, "{{ masthead }}", "发文机关标志")
    _para(doc, "{{ number }}", "发文字号")  # carries the red separator line, with or without a 文号
    _para(doc, "{%p endif %}")
    _para(doc, "{%p if number and not masthead %}")
    _para(doc, "{{ number }}", "文号")
    _para(doc, "{%p endif %}")
    _para(doc, "{{ title }}", "Title")
    _para(doc, "{%p if recipients %}")
    _para(doc, "{{ recipients }}", "正文无缩进")  # 主送机关: flush left, above the first paragraph
    _para(doc, "{%p endif %}")
    _para(doc, "{{ lead }}")  # the first paragraph is indented like every other

    # 一: the verdict, every red and 底线 item with its owner, the main lags, projects, who is 督办/约谈.
    _para(doc, "{%p if show.overview %}")
    _para(doc, "{{ headings.overview }}", "Heading 1")
    _para(doc, "{%p for text in overview %}")
    _para(doc, "{{ text }}")
    _para(doc, "{%p endfor %}")
    _para(doc, "{%p endif %}")

    _para(doc, "{%p if show.indicators %}")
    _para(doc, "{{ headings.indicators }}", "Heading 1")
    _para(doc, "{%p for g in group_texts %}")
    p = _para(doc, "")
    p.add_run("{{ g.head }}", style="小标题字")
    p.add_run("{{ g.text }}")
    _para(doc, "{%p endfor %}")
    _para(doc, "{{ indicator_note }}")
    _para(doc, "{%p endif %}")

    _para(doc, "{%p if show.projects and ledgers %}")
    _para(doc, "{{ headings.projects }}", "Heading 1")
    _para(doc, "{%p for lg in ledgers %}")
    _para(doc, "{{ lg.brief }}{{ lg.see }}")
    _para(doc, "{%p endfor %}")
    _para(doc, "{%p endif %}")

    _para(doc, "{%p if show.departments %}")
    _para(doc, "{{ headings.departments }}", "Heading 1")
    _para(doc, "{{ department_summary }}{{ department_see }}")
    _para(doc, "{%p endif %}")

    # 五: problems in one paragraph, then one demand per department — the tables are not repeated.
    _para(doc, "{%p if show.issues %}")
    _para(doc, "{{ headings.issues }}", "Heading 1")
    _para(doc, "{{ problems }}")
    _para(doc, "{%p for text in notes + actions %}")
    _para(doc, "{{ text }}")
    _para(doc, "{%p endfor %}")
    _para(doc, "{%p if feedback.replies or feedback.missing %}")
    _para(doc, "上月督办事项反馈", "Heading 2")
    _para(doc, "{%p for text in feedback.replies %}")
    _para(doc, "{{ text }}")
    _para(doc, "{%p endfor %}")
    _para(doc, "{%p if feedback.missing %}")
    _para(doc, "{{ feedback.missing }}")
    _para(doc, "{%p endif %}")
    _para(doc, "{%p endif %}")
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

    _para(doc, "{%p if appendix_lines %}")
    _para(doc, "", "附件说明")  # 正文下空一行
    _para(doc, "{%p for text in appendix_lines %}")
    _para(doc, "{{ text }}", "附件说明")
    _para(doc, "{%p endfor %}")
    _para(doc, "{%p endif %}")
    _para(doc, "", "落款")
    _para(doc, "{{ issuer }}", "落款")
    _para(doc, "{{ date }}", "成文日期")
    # The body ends here (portrait); the 附件 follow in a landscape section, each on its own page.
    landscape = doc.add_section()
    _landscape(landscape)
    _section_break_into_previous(doc)

    _para(doc, "{%p if show.indicators %}")
    _para(doc, "附件{{ appendix.indicators }}", "附件标记")
    _para(doc, "{{ span }}主要指标完成情况表", "附件标题")
    _para(doc, "{{ indicator_intro }}", "表注")
    _table(doc, INDICATOR_COLUMNS, "g.rows", "r", light_column="light_name", group_loop="groups")
    # The two page-high charts follow their table in the 附件, each on a landscape page of its own.
    _para(doc, "{%p if charts.completion %}")
    _para(doc, "{{ chart('completion', 138) }}", "附件图片")
    _para(doc, "图{{ figures.completion }}　{{ captions.completion }}", "图题")
    _para(doc, "{%p endif %}")
    _para(doc, "{%p if charts.trend %}")
    _para(doc, "{{ chart('trend', 150) }}", "附件图片")
    _para(doc, "图{{ figures.trend }}　{{ captions.trend }}", "图题")
    _para(doc, "{%p endif %}")
    _para(doc, "{%p endif %}")

    _para(doc, "{%p if show.projects and ledgers %}")
    _para(doc, "{%p for lg in ledgers %}")
    _para(doc, "附件{{ lg.appendix }}", "附件标记")
    _para(doc, "{{ lg.name }}推进情况表", "附件标题")
    _para(doc, "一、分类别推进情况（应开工指{{ lg.base_text }}；金额单位：{{ lg.unit }}）", "图表标题")
    _para(doc, "{%p set label = '类别' %}")
    _table(doc, GROUP_COLUMNS, "lg.categories", "c", total="lg.total")
    _para(doc, "二、分责任单位推进情况（金额单位：{{ lg.unit }}）", "图表标题")
    _para(doc, "{%p set label = '责任单位' %}")
    _table(doc, GROUP_COLUMNS, "lg.departments", "c", total="lg.total")
    _para(doc, "{%p if lg.chart %}")
    _para(doc, "{{ lg.chart }}", "图片")
    _para(doc, "图{{ lg.figure }}　{{ lg.caption }}", "图题")
    _para(doc, "{%p endif %}")
    _para(doc, "{%p if lg.overdue %}")
    _para(doc, "三、逾期未开工项目清单（{{ lg.overdue|length }}个）", "图表标题")
    _table(doc, OVERDUE_COLUMNS, "lg.overdue", "p")
    _para(doc, "{%p endif %}")
    _para(doc, "{%p endfor %}")
    _para(doc, "{%p endif %}")

    _para(doc, "{%p if show.departments %}")
    _para(doc, "附件{{ appendix.departments }}", "附件标记")
    _para(doc, "各责任单位完成情况排名表", "附件标题")
    _table(doc, DEPARTMENT_COLUMNS, "departments", "d")
    _para(doc, "{%p if charts.departments %}")
    _para(doc, "{{ chart('departments', 130) }}", "图片")  # leaves room for the 版记 on this last page
    _para(doc, "图{{ figures.departments }}　{{ captions.departments }}", "图题")
    _para(doc, "{%p endif %}")
    _para(doc, "{%p endif %}")

    # 版记 on the last page: 抄送 and 印发机关/印发日期 between rules (thick outside, thin between).
    _para(doc, "{%p if cc or printed_by %}")
    _para(doc, "")
    _para(doc, "{%p if cc %}")
    _para(doc, "{%p if printed_by %}")
    _para(doc, "抄送：{{ cc }}", "版记抄送")
    _para(doc, "{%p else %}")
    _para(doc, "抄送：{{ cc }}", "版记单行")
    _para(doc, "{%p endif %}")
    _para(doc, "{%p endif %}")
    _para(doc, "{%p if printed_by %}")
    _para(doc, "{%p if cc %}")
    _para(doc, "{{ printed_by }}\t{{ printed_on }}", "版记印发")
    _para(doc, "{%p else %}")
    _para(doc, "{{ printed_by }}\t{{ printed_on }}", "版记单行")
    _para(doc, "{%p endif %}")
    _para(doc, "{%p endif %}")
    _para(doc, "{%p endif %}")
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
