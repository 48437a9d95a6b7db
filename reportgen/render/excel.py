"""The Excel workbook, driven by a template whose marker rows ({{indicator.name}} …) repeat once per record.

Office staff restyle the template in Excel/WPS: fonts, fills, borders, widths, column order, titles. The
writer copies each marker cell's style to every row it writes, replaces {zone}/{span}/… in other cells, and
keeps rows below the marker row (notes, signatures) below the data.
"""

from __future__ import annotations

import io
from functools import lru_cache

import re
from copy import copy
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..errors import TemplateError
from ..metrics.results import IndicatorResult, Results
from . import numbers as nb

MARKER = re.compile(r"^\s*\{\{\s*(\w+)\.(\w+)\s*\}\}\s*$")
PLACEHOLDER = re.compile(r"\{(\w+)\}")
PERCENT = "0.0%"
POINTS = '+0.0;-0.0;0.0'
TEXT_START = ("=", "+", "-", "@")


def _date(d) -> str:
    return "" if d is None else f"{d.year}年{d.month}月"


def _pct(value: float | None) -> float | None:
    return None if value is None else value / 100


# record type -> field -> (header, value function, number format or None). Formats "unit" follow the row's unit.
FIELDS: dict[str, dict[str, tuple]] = {
    "indicator": {
        "seq": ("序号", lambda r, i, ctx: i, "0"),
        "group": ("分组", lambda r, i, ctx: r.group, None),
        "name": ("指标名称", lambda r, i, ctx: r.name, None),
        "unit": ("单位", lambda r, i, ctx: r.unit, None),
        "target": ("确保目标", lambda r, i, ctx: r.target, "unit"),
        "stretch": ("力争目标", lambda r, i, ctx: r.stretch, "unit"),
        "actual": ("{span}完成", lambda r, i, ctx: r.actual, "unit"),
        "completion": ("完成率", lambda r, i, ctx: r.completion, PERCENT),
        "stretch_completion": ("力争完成率", lambda r, i, ctx: r.stretch_completion, PERCENT),
        "time_progress": ("序时进度", lambda r, i, ctx: r.time_progress, PERCENT),
        "gap": ("差距（百分点）", lambda r, i, ctx: r.gap if r.kind not in ("cap",) else None, POINTS),
        "progress_words": ("进度评价", lambda r, i, ctx: _verdict(r, ctx), None),
        "last_year": ("上年同期", lambda r, i, ctx: r.last_year, "unit"),
        "yoy": ("同比", lambda r, i, ctx: _pct(r.yoy), PERCENT),
        "projection": ("按当前进度全年预计", lambda r, i, ctx: r.projection, "unit"),
        "light": ("状态", lambda r, i, ctx: nb.light_name(r.light), None),
        "checkpoint": ("{checkpoint}", lambda r, i, ctx: _checkpoint(r), None),
        "owner": ("责任单位", lambda r, i, ctx: r.owner, None),
        "source": ("数据来源", lambda r, i, ctx: r.source, None),
        "note": ("备注", lambda r, i, ctx: r.note, None),
    },
    "project": {
        "seq": ("序号", lambda p, i, ctx: i, "0"),
        "name": ("项目名称", lambda p, i, ctx: p.name, None),
        "category": ("项目类别", lambda p, i, ctx: p.category, None),
        "nature": ("建设性质", lambda p, i, ctx: p.nature, None),
        "owner": ("责任单位", lambda p, i, ctx: p.owner, None),
        "total_investment": ("总投资", lambda p, i, ctx: p.total_investment, "0.00"),
        "annual_plan": ("年度计划投资", lambda p, i, ctx: p.annual_plan, "0.00"),
        "completed": ("{span}完成投资", lambda p, i, ctx: p.completed, "0.00"),
        "completion": ("投资完成率", lambda p, i, ctx: p.completion, PERCENT),
        "planned_start": ("计划开工", lambda p, i, ctx: _date(p.planned_start), None),
        "actual_start": ("实际开工", lambda p, i, ctx: _date(p.actual_start), None),
        "started": ("开工情况", lambda p, i, ctx: "已开工" if p.started else "未开工", None),
        "start_overdue": ("逾期未开工", lambda p, i, ctx: f"逾期{p.months_late}个月" if p.months_late else
                          ("本月应开工" if p.months_late == 0 else ""), None),
        "progress": ("形象进度", lambda p, i, ctx: p.progress, None),
        "issues": ("存在问题", lambda p, i, ctx: p.issues, None),
        "leader": ("包保领导", lambda p, i, ctx: p.leader, None),
        "source": ("数据来源", lambda p, i, ctx: p.source, None),
    },
    "group": {
        "by": ("汇总口径", lambda g, i, ctx: g[0], None),
        "name": ("类别/单位", lambda g, i, ctx: g[1].name, None),
        "projects": ("项目数", lambda g, i, ctx: g[1].projects, "0"),
        "start_base": ("应开工", lambda g, i, ctx: g[1].start_base, "0"),
        "started": ("已开工", lambda g, i, ctx: g[1].started, "0"),
        "start_rate": ("开工率", lambda g, i, ctx: g[1].start_rate, PERCENT),
        "overdue": ("逾期未开工", lambda g, i, ctx: g[1].overdue, "0"),
        "total_investment": ("总投资", lambda g, i, ctx: g[1].total_investment, "0.00"),
        "annual_plan": ("年度计划投资", lambda g, i, ctx: g[1].annual_plan, "0.00"),
        "completed": ("{span}完成投资", lambda g, i, ctx: g[1].completed, "0.00"),
        "completion": ("投资完成率", lambda g, i, ctx: g[1].completion, PERCENT),
    },
    "department": {
        "rank": ("排名", lambda d, i, ctx: "—" if d.rank is None else (f"{d.rank}（并列）" if d.tied else d.rank), "0"),
        "name": ("责任单位", lambda d, i, ctx: d.name, None),
        "indicators": ("指标数", lambda d, i, ctx: d.indicators, "0"),
        "green": ("绿灯", lambda d, i, ctx: d.green, "0"),
        "yellow": ("黄灯", lambda d, i, ctx: d.yellow, "0"),
        "red": ("红灯", lambda d, i, ctx: d.red, "0"),
        "no_data": ("未报送", lambda d, i, ctx: d.no_data, "0"),
        "on_track": ("达到序时进度", lambda d, i, ctx: d.on_track, "0"),
        "average_completion": ("平均完成率", lambda d, i, ctx: d.average_completion, PERCENT),
        "average_gap": ("平均差距（百分点）", lambda d, i, ctx: d.average_gap, POINTS),
        "projects": ("重点项目数", lambda d, i, ctx: d.projects, "0"),
        "projects_started": ("已开工项目", lambda d, i, ctx: d.projects_started, "0"),
        "investment_completion": ("项目投资完成率", lambda d, i, ctx: d.investment_completion, PERCENT),
    },
    "problem": {
        "seq": ("序号", lambda p, i, ctx: i, "0"),
        "text": ("问题（文件 › 工作表 › 单元格：说明）", lambda p, i, ctx: p, None),
    },
}

DEFAULT_SHEETS = {
    "指标完成情况": ("indicator", ["seq", "group", "name", "unit", "target", "stretch", "actual", "completion",
                              "stretch_completion", "time_progress", "gap", "progress_words", "yoy", "light",
                              "checkpoint", "owner", "source", "note"]),
    "重点项目": ("project", ["seq", "name", "category", "nature", "owner", "total_investment", "annual_plan",
                         "completed", "completion", "planned_start", "actual_start", "started", "start_overdue",
                         "progress", "issues", "source"]),
    "项目汇总": ("group", ["by", "name", "projects", "start_base", "started", "start_rate", "overdue",
                        "total_investment", "annual_plan", "completed", "completion"]),
    "单位汇总": ("department", ["rank", "name", "indicators", "green", "yellow", "red", "no_data", "on_track",
                           "average_completion", "average_gap", "projects", "projects_started",
                           "investment_completion"]),
    "数据问题": ("problem", ["seq", "text"]),
}
SUBTITLES = {
    "指标完成情况": "（截至{year}年{month}月底）序时进度{time_progress}　{checkpoint_verdict}{missing_reports}{filter}",
    "重点项目": "（截至{year}年{month}月底）金额单位：{ledger_unit}　开工率{start_rate}（{start_base_text}）{filter}",
    "项目汇总": "（截至{year}年{month}月底）金额单位：{ledger_unit}{filter}",
    "单位汇总": "（截至{year}年{month}月底）按各单位数量与金额类指标平均完成率排名{filter}",
    "数据问题": "本期读取数据时发现的问题（未报送或无法识别的数值不计为 0）{filter}",
}


def _verdict(r: IndicatorResult, ctx: dict) -> str:
    return nb.verdict(r, ctx["near"], ctx["severe"])


def _checkpoint(r: IndicatorResult) -> str:
    return {True: "达标", False: "未达标", None: "—"}[r.checkpoint_met]


def build_default_template() -> Workbook:
    """The stock template: a title, a subtitle, a header row and a marker row on each sheet."""
    wb = Workbook()
    wb.remove(wb.active)
    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    header_font = Font(name="黑体", size=11, bold=True)
    body_font = Font(name="仿宋", size=11)
    for sheet, (record, keys) in DEFAULT_SHEETS.items():
        ws = wb.create_sheet(sheet)
        last = get_column_letter(len(keys))
        ws["A1"] = "{zone}{year}年{span}" + ("重点指标完成情况" if record == "indicator" else sheet)
        ws["A1"].font = Font(name="方正小标宋简体", size=16, bold=True)
        ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
        ws.merge_cells(f"A1:{last}1")
        ws.row_dimensions[1].height = 30
        ws["A2"] = SUBTITLES[sheet]
        ws["A2"].font = Font(name="楷体", size=11)
        ws["A2"].alignment = Alignment(horizontal="center")
        ws.merge_cells(f"A2:{last}2")
        for col, key in enumerate(keys, start=1):
            header, _, fmt = FIELDS[record][key]
            h = ws.cell(3, col, header)
            h.font, h.border = header_font, border
            h.fill = PatternFill("solid", fgColor="D9E1F2")
            h.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            m = ws.cell(4, col, f"{{{{{record}.{key}}}}}")
            m.font, m.border = body_font, border
            numeric = fmt is not None
            m.alignment = Alignment(horizontal="right" if numeric else ("center" if key in ("light", "checkpoint",
                                    "unit", "started", "seq", "rank") else "left"), vertical="center",
                                    wrap_text=key in ("source", "note", "issues", "progress", "text", "name",
                                                      "progress_words"))
            if fmt and fmt != "unit":
                m.number_format = fmt
        ws.row_dimensions[3].height = 32
        ws.print_title_rows = "3:3"
    return wb


@lru_cache(maxsize=1)
def _default_template_bytes() -> bytes:
    """The stock template built once per process (a run writes one workbook per department)."""
    raw = io.BytesIO()
    build_default_template().save(raw)
    return raw.getvalue()


@lru_cache(maxsize=4)
def _template_bytes(template: Path, mtime: int, size: int) -> bytes:
    """A user template read once per run (one workbook per department); an edited file is read again."""
    return template.read_bytes()


def write_workbook(results: Results, path: Path, template: Path | None = None, *, near: float = 2.0,
                   severe: float = 10.0, indicator_decimals: dict[str, int] | None = None,
                   filter_text: str = "") -> None:
    """Fill the template (or the stock one) with `results` and save to `path`.

    `filter_text` (筛选条件：责任单位=…) marks a filtered workbook: shown where a sheet has {filter},
    else after the sheet's title in A1, so nobody mistakes a department's list for the whole zone's.
    """
    if template is None:
        wb = load_workbook(io.BytesIO(_default_template_bytes()))
        name = "（内置模板）"
    else:
        name = template.name
        try:
            stat = template.stat()
            wb = load_workbook(io.BytesIO(_template_bytes(template, stat.st_mtime_ns, stat.st_size)))
        except Exception as e:  # openpyxl raises many types for a damaged file
            raise TemplateError(f"Excel 模板 {template}：无法打开（{e}）") from None
    decimals = indicator_decimals or {}
    ctx = {**_context(results, near, severe), "filter": f"　{filter_text}" if filter_text else ""}
    records = {
        "indicator": list(results.indicators),
        "project": [p for ledger in results.ledgers for p in ledger.projects],
        "group": [("按类别", g) for ledger in results.ledgers for g in (*ledger.by_category, ledger.total)]
        + [("按责任单位", g) for ledger in results.ledgers for g in ledger.by_department],
        "department": list(results.departments),
        "problem": list(results.problems) or ["本期未发现数据问题"],
    }
    for ws in wb.worksheets:
        has_filter = any("{filter}" in str(c.value) for row in ws.iter_rows() for c in row if c.value)
        _fill_sheet(ws, name, records, ctx, decimals)
        if filter_text and not has_filter:
            ws["A1"].value = f"{ws['A1'].value or ''}（{filter_text}）"
    raw = io.BytesIO()
    wb.save(raw)
    path.write_bytes(_splice_rows(raw.getvalue(), wb))


def _context(results: Results, near: float, severe: float) -> dict:
    cp = results.checkpoint
    names = {r.id: r.name for r in results.indicators}
    if cp is None:
        verdict = ""
    elif cp.met:
        verdict = f"全部{cp.total}项指标实现“{cp.name}”"
    else:
        verdict = (f"{cp.met_count}/{cp.total}项指标实现“{cp.name}”，未实现：" +
                   "、".join(names[i] for i in cp.exceptions))
    ledger = results.ledgers[0] if results.ledgers else None
    return {
        "zone": results.zone, "year": results.year, "month": results.month, "span": nb.span(results.month),
        "period": f"{results.year}-{results.month:02d}", "time_progress": nb.percent(results.time_progress),
        "checkpoint": f"“{cp.name}”" if cp else "节点评价", "checkpoint_verdict": verdict,
        "green": results.count("green"), "yellow": results.count("yellow"), "red": results.count("red"),
        "no_data": results.count("none"), "total": len(results.indicators),
        "ledger_unit": ledger.unit if ledger else "", "start_base_text":
            f"口径：{nb.START_BASE_TEXT[ledger.start_rate_base]}" if ledger else "",
        "start_rate": nb.percent(ledger.total.start_rate) if ledger else "—",
        "near": near, "severe": severe,
        "missing_reports": f"　缺报：{'、'.join(results.missing)}" if results.missing else "",
    }


def _substitute(text: str, ctx: dict) -> str:
    return PLACEHOLDER.sub(lambda m: str(ctx[m.group(1)]) if m.group(1) in ctx else m.group(0), text)


def check_template(path: Path) -> None:
    """Open a template and check its markers without writing anything."""
    try:
        wb = load_workbook(path)
    except Exception as e:  # openpyxl raises many types for a damaged file
        raise TemplateError(f"Excel 模板 {path}：无法打开（{e}）") from None
    for ws in wb.worksheets:
        _markers(ws, path.name)


def _markers(ws: Worksheet, template: str) -> tuple[int | None, dict]:
    """The marker row and {column: (record, field, style)}; unknown or scattered markers are errors."""
    marker_row, markers = None, {}
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and "{{" in cell.value:
                m = MARKER.match(cell.value)
                if not m or m.group(1) not in FIELDS or m.group(2) not in FIELDS[m.group(1)]:
                    known = "、".join(f"{{{{{r}.{k}}}}}" for r in FIELDS for k in FIELDS[r])
                    raise TemplateError(f"Excel 模板 {template} › {ws.title} › {cell.coordinate}：无法识别的标记"
                                        f"“{cell.value}”，可用标记：{known}")
                if marker_row not in (None, cell.row):
                    raise TemplateError(f"Excel 模板 {template} › {ws.title}：标记应在同一行（第 {marker_row} 行与"
                                        f"第 {cell.row} 行都有）")
                marker_row = cell.row
                markers[cell.column] = (m.group(1), m.group(2), copy(cell._style))
    kinds = {k for k, _, _ in markers.values()}
    if len(kinds) > 1:
        raise TemplateError(f"Excel 模板 {template} › {ws.title}：一行只能放一类记录，现有：{'、'.join(sorted(kinds))}")
    return marker_row, markers


def _fill_sheet(ws: Worksheet, template: str, records: dict, ctx: dict, decimals: dict) -> None:
    marker_row, markers = _markers(ws, template)
    for row in ws.iter_rows(max_row=marker_row - 1 if marker_row else ws.max_row):
        for cell in row:
            if isinstance(cell.value, str) and "{" in cell.value:
                cell.value = _substitute(cell.value, ctx)
    if marker_row is None:
        return
    kind = next(iter(markers.values()))[0]
    wraps = {col: bool(ws.cell(marker_row, col).alignment.wrap_text) for col in markers}
    trailing = _take_rows_below(ws, marker_row)
    marker_height = ws.row_dimensions[marker_row].height
    rows = records[kind]
    widths: dict[int, int] = {}
    wrapped: dict[int, list[tuple[int, str]]] = {}     # row -> (column, text) of wrapping cells
    styles = _StyleIds(ws.parent)
    columns = [(col, get_column_letter(col), key, style, FIELDS[kind][key][1], FIELDS[kind][key][2])
               for col, (_, key, style) in sorted(markers.items())]
    # Values and style ids first; the rows' XML is written straight into the saved sheet (write_workbook):
    # openpyxl cells would cost tens of microseconds each, and a ledger has hundreds of thousands.
    table = []
    numbers: dict[int, float] = {}                     # column -> largest magnitude, for its width
    plain = {col: styles.get(col, style, None, None, False) for col, _, _, style, _, _ in columns}
    per_unit = {col for col, _, key, _, _, fmt in columns if fmt == "unit" and kind == "indicator"}
    for i, record in enumerate(rows):
        r = marker_row + i
        cells = []
        for col, letter, key, style, value_of, fmt in columns:
            value = value_of(record, i + 1, ctx)
            sid = plain[col]
            if col in per_unit:
                digits = decimals.get(record.id, nb.decimals_for(record.unit))
                sid = styles.get(col, style, "0" if digits == 0 else "0." + "0" * digits, None, False)
            elif key == "light":
                sid = styles.get(col, style, None, nb.LIGHT_COLORS.get(record.light, "FFFFFF"), False)
            if value.__class__ is str:
                if value.startswith(TEXT_START):
                    sid = styles.get(col, style, None, None, True)
                if 2 * len(value) > widths.get(col, 0):     # only then can it be the widest (CJK counts double)
                    width = max(map(display_width, value.split("\n")))
                    if width > widths.get(col, 0):
                        widths[col] = width
                if wraps[col]:
                    wrapped.setdefault(r, []).append((col, value))
            elif value is not None and abs(value) > numbers.get(col, -1):
                numbers[col] = abs(value)
            cells.append((letter, sid, value))
        table.append(cells)
    for col, largest in numbers.items():
        widths[col] = max(widths.get(col, 0), len(f"{largest:,.2f}") + 1)
    for col in markers:
        ws.cell(marker_row, col).value = None
    last = marker_row + max(len(rows), 1) - 1
    _put_rows_back(ws, trailing, last + 1, ctx)
    header_row = marker_row - 1
    first_col, last_col = min(markers), max(markers)
    if header_row >= 1:
        ws.auto_filter.ref = f"{get_column_letter(first_col)}{header_row}:{get_column_letter(last_col)}{last}"
        if not ws.print_title_rows:
            ws.print_title_rows = f"{header_row}:{header_row}"
    if ws.freeze_panes is None:
        ws.freeze_panes = ws.cell(marker_row, 1).coordinate
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    heights = _fit_widths(ws, header_row, widths, wrapped, wraps)
    if table:
        ws._reportgen_rows = (marker_row, _rows_xml(table, marker_row, heights, marker_height),
                              marker_row + len(table) - 1)


def _set_value(cell, value) -> None:
    """Text from input cells is written as text, never as a formula (=, +, -, @ at the start)."""
    cell.value = value
    if isinstance(value, str) and value.startswith(TEXT_START):
        cell.data_type = "s"
        cell.quotePrefix = True


def _take_rows_below(ws: Worksheet, marker_row: int) -> list:
    merges = [m for m in ws.merged_cells.ranges if m.min_row > marker_row]
    for m in merges:
        ws.unmerge_cells(str(m))
    rows = []
    for r in range(marker_row + 1, ws.max_row + 1):
        cells = [(c.column, c.value, copy(c._style)) for c in ws[r] if c.value is not None or c.has_style]
        rows.append((r - marker_row, cells, ws.row_dimensions[r].height))
        for c in ws[r]:
            c.value = None
    return [rows, [(m.min_row - marker_row, m.min_col, m.max_row - marker_row, m.max_col) for m in merges]]


def _put_rows_back(ws: Worksheet, trailing: list, start: int, ctx: dict) -> None:
    rows, merges = trailing
    for offset, cells, height in rows:
        for col, value, style in cells:
            cell = ws.cell(start + offset - 1, col)
            cell.value = _substitute(value, ctx) if isinstance(value, str) else value
            cell._style = style
        if height:
            ws.row_dimensions[start + offset - 1].height = height
    for r0, c0, r1, c1 in merges:
        ws.merge_cells(start_row=start + r0 - 1, start_column=c0, end_row=start + r1 - 1, end_column=c1)


def display_width(text: str) -> int:
    """Columns an Excel cell needs: CJK and full-width characters count double (their GB18030 length)."""
    return len(text.encode("gb18030", "replace"))


def _fit_widths(ws: Worksheet, header_row: int, widths: dict[int, int], wrapped: dict, wraps: dict) -> None:
    """Column widths from the longest value written (and the header), capped; wrapped rows made tall enough."""
    if header_row >= 1:
        for cell in ws[header_row]:
            if isinstance(cell.value, str) and type(cell).__name__ != "MergedCell":
                width = max(map(display_width, cell.value.split("\n")))
                widths[cell.column] = max(widths.get(cell.column, 0), width)
    for col, width in widths.items():
        letter = get_column_letter(col)
        current = ws.column_dimensions[letter].width or 0
        target = min(width + 2, 40 if wraps.get(col) else 60)
        ws.column_dimensions[letter].width = max(current if current and current != 13 else 0, target, 6)
    # Excel and LibreOffice do not grow rows for wrapped text written by a program: size them here.
    chars = {col: int(((ws.column_dimensions[get_column_letter(col)].width or 8.43) - 1) * 1.15) or 1
             for col in wraps}
    heights = {}
    for r, cells in wrapped.items():
        lines = max(sum(-(-max(display_width(t), 1) // chars[col]) for t in text.split("\n")) for col, text in cells)
        if lines > 1:
            heights[r] = 15 * lines
    return heights


class _StyleIds:
    """cellXfs ids for the marker styles and their variants (row number format, light fill, text prefix),
    registered in the workbook's style tables the way openpyxl registers a cell's style at save time."""

    def __init__(self, wb):
        self.wb, self.ids = wb, {}

    def get(self, col: int, base, number_format: str | None, fill: str | None, quote: bool) -> int:
        key = (col, number_format, fill, quote)
        if key not in self.ids:
            from openpyxl.styles.numbers import BUILTIN_FORMATS_MAX_SIZE, BUILTIN_FORMATS_REVERSE

            style = copy(base)
            if number_format is not None:
                style.numFmtId = BUILTIN_FORMATS_REVERSE.get(number_format) if number_format in \
                    BUILTIN_FORMATS_REVERSE else self.wb._number_formats.add(number_format) + BUILTIN_FORMATS_MAX_SIZE
            if fill is not None:
                style.fillId = self.wb._fills.add(PatternFill("solid", fgColor=fill))
            if quote:
                style.quotePrefix = 1
            self.ids[key] = self.wb._cell_styles.add(style)
        return self.ids[key]


_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _rows_xml(table: list, first_row: int, heights: dict, default_height: float | None) -> str:
    """<row> elements for the data rows: numbers as values, text as inline strings."""
    out = []
    for i, cells in enumerate(table):
        r = first_row + i
        height = heights.get(r) or default_height
        out.append(f'<row r="{r}" ht="{height}" customHeight="1">' if height else f'<row r="{r}">')
        for letter, sid, value in cells:
            kind = value.__class__
            if kind is str and value:
                text = _ILLEGAL_XML.sub("", value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                out.append(f'<c r="{letter}{r}" s="{sid}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>')
            elif (kind is float and value == value) or kind is int:
                out.append(f'<c r="{letter}{r}" s="{sid}"><v>{value!r}</v></c>')
            else:                                           # None, "", NaN: the styled empty cell
                out.append(f'<c r="{letter}{r}" s="{sid}"/>')
        out.append("</row>")
    return "".join(out)


def _splice_rows(package: bytes, workbook) -> bytes:
    """Put each sheet's pending data rows into the saved package, in place of its (emptied) marker row."""
    import zipfile

    pending = {f"xl/worksheets/sheet{i + 1}.xml": ws._reportgen_rows
               for i, ws in enumerate(workbook.worksheets) if getattr(ws, "_reportgen_rows", None)}
    if not pending:
        return package
    src, out = zipfile.ZipFile(io.BytesIO(package)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename in pending:
                marker_row, rows, last_row = pending[info.filename]
                xml = data.decode("utf-8")
                xml = re.sub(r"<sheetData\s*/>", "<sheetData></sheetData>", data.decode("utf-8"), count=1)
                m = re.search(r'<row r="%d"[^>]*?(?:/>|>.*?</row>)' % marker_row, xml, re.S)
                if m:
                    xml = xml[:m.start()] + rows + xml[m.end():]
                else:   # no cell left in the marker row: the rows go before the first later row
                    later = next((x for x in re.finditer(r'<row r="(\d+)"', xml) if int(x.group(1)) > marker_row), None)
                    at = later.start() if later else xml.index("</sheetData>")
                    xml = xml[:at] + rows + xml[at:]
                dim = re.search(r'<dimension ref="([A-Z]+\d+)(?::([A-Z]+)(\d+))?"', xml)
                if dim and dim.group(3) and int(dim.group(3)) < last_row:   # readers size the sheet by it
                    xml = xml[:dim.start()] + f'<dimension ref="{dim.group(1)}:{dim.group(2)}{last_row}"' + xml[dim.end():]
                data = xml.encode("utf-8")
            dst.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)
    return out.getvalue()
