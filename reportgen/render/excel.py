"""The Excel workbook, driven by a template whose marker rows ({{indicator.name}} …) repeat once per record.

Office staff restyle the template in Excel/WPS: fonts, fills, borders, widths, column order, titles. The
writer copies each marker cell's style to every row it writes, replaces {zone}/{span}/… in other cells, and
keeps rows below the marker row (notes, signatures) below the data.
"""

from __future__ import annotations

import io
import re
from copy import copy
from functools import lru_cache
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..errors import TemplateError
from ..metrics.results import Results
from . import numbers as nb
from .excel_fields import (
    DEFAULT_SHEETS,
    FIELDS,
    OPTIONAL_COLUMNS,
    PLACEHOLDER,
    POINTS,
    REVEALED_DIGITS,
    SUBTITLES,
    TEXT_START,
    parse_markers,
    shown_unit,
)


def build_default_template(omit: frozenset[str] = frozenset(OPTIONAL_COLUMNS)) -> Workbook:
    """The stock template: a title, a subtitle, a header row and a marker row on each sheet. `omit` leaves out
    columns nothing fills: by default the optional ones (the second 开工率, OPTIONAL_COLUMNS)."""
    wb = Workbook()
    wb.remove(wb.active)
    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    header_font = Font(name="黑体", size=11, bold=True)
    body_font = Font(name="仿宋", size=11)
    for sheet, (record, keys) in DEFAULT_SHEETS.items():
        keys = [k for k in keys if k not in omit]
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
            m.alignment = Alignment(
                horizontal="right"
                if numeric
                else (
                    "center" if key in ("light", "checkpoint", "unit", "started", "seq", "rank") else "left"
                ),
                vertical="center",
                wrap_text=key in ("source", "note", "issues", "progress", "text", "name", "progress_words"),
            )
            if fmt and fmt != "unit":
                m.number_format = fmt
        ws.row_dimensions[3].height = 32
        ws.print_title_rows = "3:3"
    return wb


@lru_cache(maxsize=2)
def _default_template_bytes(omit: frozenset[str]) -> bytes:
    """The stock template built once per process (a run writes one workbook per department)."""
    raw = io.BytesIO()
    build_default_template(omit).save(raw)
    return raw.getvalue()


@lru_cache(maxsize=4)
def _template_bytes(template: Path, mtime: int, size: int) -> bytes:
    """A user template read once per run (one workbook per department); an edited file is read again."""
    return template.read_bytes()


def write_workbook(
    results: Results,
    path: Path,
    template: Path | None = None,
    *,
    near: float = 2.0,
    severe: float = 10.0,
    indicator_decimals: dict[str, int] | None = None,
    filter_text: str = "",
) -> None:
    """Fill the template (or the stock one) with `results` and save to `path`.

    `filter_text` (筛选条件：责任单位=…) marks a filtered workbook: shown where a sheet has {filter},
    else after the sheet's title in A1, so nobody mistakes a department's list for the whole zone's.
    """
    if template is None:
        also = any(ledger.also_start_rate_base for ledger in results.ledgers)
        omit = frozenset() if also else frozenset(OPTIONAL_COLUMNS)
        wb = load_workbook(io.BytesIO(_default_template_bytes(omit)))
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
        "problem": (list(results.problems) or ["本期未发现数据问题"])
        + [f"（读取情况）{n}" for n in results.notices],
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
    from .report import checkpoint_event, checkpoint_summary

    cp = results.checkpoint
    names = {r.id: r.name for r in results.indicators}
    if cp is None:
        verdict = ""
    else:
        verdict = checkpoint_summary(results)  # the same counts as the Word report and the CLI
        which = []
        if cp.exceptions:
            which.append(
                f"{checkpoint_event(cp.name, reached=False)}：" + "、".join(names[i] for i in cp.exceptions)
            )
        if cp.unreported:
            which.append("未报送：" + "、".join(names[i] for i in cp.unreported))
        verdict += f"（{'；'.join(which)}）" if which else ""
    ledger = results.ledgers[0] if results.ledgers else None
    header = "平均差距（百分点）" if results.ranking_by == "gap" else "平均完成率（%）"
    return {
        "zone": results.zone,
        "year": results.year,
        "month": results.month,
        "span": nb.span(results.month),
        "period": f"{results.year}-{results.month:02d}",
        "time_progress": nb.percent(results.time_progress),
        "checkpoint": (("是否" + checkpoint_event(cp.name)) if cp else "节点评价（非节点月份）"),
        "checkpoint_verdict": verdict,
        "green": results.count("green"),
        "yellow": results.count("yellow"),
        "red": results.count("red"),
        "no_data": results.count("none"),
        "total": len(results.indicators),
        "ledger_unit": ledger.unit if ledger else "",
        "start_base_text": f"开工率口径：{nb.START_BASE}指{nb.START_BASE_TEXT[ledger.start_rate_base]}"
        if ledger
        else "",
        "start_base_plain": nb.START_BASE_TEXT[ledger.start_rate_base] if ledger else "—",
        "start_rate": nb.percent(ledger.total.start_rate) if ledger else "—",
        **_ledger_context(results),
        "ranking_header": header,
        "ranking_text": nb.RANKING_TEXT[results.ranking_by],
        "ranking_by": results.ranking_by,
        "near": near,
        "severe": severe,
        "missing_reports": f"　缺报：{'、'.join(results.missing)}" if results.missing else "",
    }


def _ledger_context(results: Results) -> dict:
    """Headers and notes of the 项目汇总 columns beyond the main 开工率: the second rate under its own name,
    and what 投资达到序时进度 means."""
    also = {lg.also_start_rate_base for lg in results.ledgers if lg.also_start_rate_base}
    if len(also) == 1:
        base = also.pop()
        labels = nb.also_start_labels(base)
        note = f"；{labels[2]}按{nb.START_BASE_TEXT[base]}计"
    else:  # none, or ledgers with different second bases: a neutral header
        labels, note = ("第二口径项目", "第二口径中已开工", "第二口径开工率"), ""
    tps = {lg.time_progress for lg in results.ledgers if lg.time_progress is not None}
    ahead_note = (
        f"；{nb.AHEAD}指{nb.WITH_PLAN}的项目中{nb.span(results.month)}完成÷年度计划投资"
        f"≥序时进度{nb.percent(tps.pop())}"
        if len(tps) == 1
        else ""
    )
    return {
        "also_start_base": labels[0],
        "also_started": labels[1],
        "also_start_rate": labels[2],
        "also_start_note": note,
        "ahead_note": ahead_note,
    }


def _substitute(text: str, ctx: dict) -> str:
    return PLACEHOLDER.sub(lambda m: str(ctx[m.group(1)]) if m.group(1) in ctx else m.group(0), text)


def _markers(ws: Worksheet, template: str) -> tuple[int | None, dict]:
    """The marker row and {column: (record, field, style)}."""
    cells = ((c.row, c.column, c.coordinate, c.value) for row in ws.iter_rows() for c in row)
    marker_row, found = parse_markers(cells, template, ws.title)
    return marker_row, {
        col: (kind, key, copy(ws.cell(marker_row, col)._style)) for col, (kind, key) in found.items()
    }


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
    wrapped: dict[int, list[tuple[int, str]]] = {}  # row -> (column, text) of wrapping cells
    styles = _StyleIds(ws.parent)
    columns = [
        (col, get_column_letter(col), key, style, FIELDS[kind][key][1], FIELDS[kind][key][2])
        for col, (_, key, style) in sorted(markers.items())
    ]
    # Values and style ids first; the rows' XML is written straight into the saved sheet (write_workbook):
    # openpyxl cells would cost tens of microseconds each, and a ledger has hundreds of thousands.
    table = []
    numbers: dict[int, float] = {}  # column -> largest magnitude, for its width
    plain = {col: styles.get(col, style, None, None, False) for col, _, _, style, _, _ in columns}
    if nb.rate_digits() != 1:  # output.precision.rates: the stock one-decimal % and 百分点 formats follow it
        for col, _, _, style, _, _ in columns:
            wider = _RATE_FORMATS.get(_format_code(ws.parent, style))
            if wider:
                plain[col] = styles.get(col, style, wider, None, False)
    per_unit = {col for col, _, key, _, _, fmt in columns if fmt == "unit" and kind == "indicator"}
    # Numbers are stored as their cell format shows them (half-up), so Excel, WPS and LibreOffice all show
    # the report's figure (a stored −4.75 would show −4.8 in one program and −4.7 in another).
    shown = {col: _format_places(ws.parent, style) for col, _, _, style, _, _ in columns}
    if nb.rate_digits() != 1:
        shown.update(
            {
                col: _places(_RATE_FORMATS[_format_code(ws.parent, style)])
                for col, _, _, style, _, _ in columns
                if _format_code(ws.parent, style) in _RATE_FORMATS
            }
        )
    # Gaps and completions take the digits the Word text gives them (numbers.py), cell by cell: −0.0489 is
    # stored −0.05 under 0.00, never −0.0 under 0.0.
    revealed = {}  # column -> (digits function, the format code its cells start from)
    for col, _, key, style, _, _ in columns:
        code = _format_code(ws.parent, style)
        if key not in REVEALED_DIGITS.get(kind, {}) or not code:
            continue
        code = _RATE_FORMATS.get(code, code) if nb.rate_digits() != 1 else code
        signed = (
            kind == "department" and key == "score" and ctx["ranking_by"] == "gap" and code in ("0.0", "0.00")
        )
        if signed:  # a gap is signed, as in Word: +3.8 / -0.05
            code = POINTS.replace("0.0", code)
        revealed[col] = (REVEALED_DIGITS[kind][key], code, signed)
    for i, record in enumerate(rows):
        r = marker_row + i
        cells = []
        for col, letter, key, style, value_of, _ in columns:
            value = value_of(record, i + 1, ctx)
            sid = plain[col]
            places = shown[col]
            if col in per_unit:
                unit = shown_unit(record)  # a growth's figures are % (Word: 7.0%), whatever its amounts' unit
                digits = (
                    nb.rate_digits()
                    if unit == "%" and unit != record.unit
                    else decimals.get(
                        record.id, nb.decimals_for(unit, value if isinstance(value, float) else None)
                    )
                )
                sid = styles.get(col, style, "0" if digits == 0 else "0." + "0" * digits, None, False)
                places = digits if record.kind != "milestone" else None
            if col in revealed and value.__class__ is float:
                digits_of, code, changed = revealed[col]
                wider = _widen(code, digits_of(record, value, ctx)) or (code if changed else None)
                if wider is not None:
                    sid, places = styles.get(col, style, wider, None, False), _places(wider)
            if places is not None and value.__class__ is float:
                value = float(nb.round_half_up(value, places))
            elif key == "light":
                sid = styles.get(col, style, None, nb.LIGHT_COLORS.get(record.light, "FFFFFF"), False)
            if value.__class__ is str:
                if value.startswith(TEXT_START):
                    sid = styles.get(col, style, None, None, True)
                if 2 * len(value) > widths.get(col, 0):  # only then can it be the widest (CJK counts double)
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
    ws.print_options.horizontalCentered = True
    heights = _fit_widths(ws, header_row, widths, wrapped, wraps)
    _print_setup(ws, first_col, last_col, header_row)
    if table:
        ws._reportgen_rows = (
            marker_row,
            _rows_xml(table, marker_row, heights, marker_height),
            marker_row + len(table) - 1,
        )


MIN_PRINT_PT = 8  # text on paper never smaller than this
PRINTABLE_PT = {"A4": 842 - 58, "A3": 1191 - 58}  # landscape width less 0.4-inch margins
POINTS_PER_CHAR = 5.6  # an Excel width unit at the default font, in points, with the cell padding


def print_fit(widths: list[float], font_pt: float) -> tuple[str, float]:
    """(paper, scale) for printing columns of `widths` (Excel units) in landscape, text ≥ MIN_PRINT_PT: A4 when
    the sheet fits its width at that size, else A3; when not even A3 fits, A3 at the smallest readable scale
    (the sheet then runs over several pages wide, its key columns repeated on each)."""
    total = sum(widths) * POINTS_PER_CHAR
    for paper in ("A4", "A3"):
        scale = min(1.0, PRINTABLE_PT[paper] / total) if total else 1.0
        if font_pt * scale >= MIN_PRINT_PT:
            return paper, scale
    return "A3", MIN_PRINT_PT / font_pt


def _print_setup(ws: Worksheet, first_col: int, last_col: int, header_row: int) -> None:
    """Landscape, fitted to the page width only while the text stays at 8 pt or more (an 18-column sheet
    squeezed onto A4 prints at about 5 pt); otherwise A3, or page-wide blocks repeating the key columns."""
    widths = [
        ws.column_dimensions[get_column_letter(c)].width or 8.43 for c in range(first_col, last_col + 1)
    ]
    sizes = [c.font.sz for c in ws[header_row + 1] if c.font is not None and c.font.sz] if header_row else []
    font = min(sizes) if sizes else 10.0
    paper, scale = print_fit(widths, font)
    ws.page_setup.paperSize = ws.PAPERSIZE_A4 if paper == "A4" else ws.PAPERSIZE_A3
    ws.page_setup.orientation = "landscape"
    fits = sum(widths) * POINTS_PER_CHAR * scale <= PRINTABLE_PT[paper] + 1
    if fits:
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    else:
        ws.sheet_properties.pageSetUpPr.fitToPage = False
        ws.page_setup.scale = max(10, int(scale * 100 + 0.999))
        key = _key_columns(ws, header_row, first_col, last_col)
        ws.print_title_cols = f"{get_column_letter(first_col)}:{get_column_letter(key)}"


def _key_columns(ws: Worksheet, header_row: int, first_col: int, last_col: int) -> int:
    """The last column repeated on every page-wide block: up to the name column (指标/项目名称)."""
    for c in range(first_col, last_col + 1):
        value = ws.cell(header_row, c).value if header_row >= 1 else None
        if isinstance(value, str) and ("名称" in value or value.strip() in ("指标", "项目")):
            return c
    return min(first_col + 1, last_col)


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
    chars = {
        col: int(((ws.column_dimensions[get_column_letter(col)].width or 8.43) - 1) * 1.15) or 1
        for col in wraps
    }
    heights = {}
    for r, cells in wrapped.items():
        lines = max(
            sum(-(-max(display_width(t), 1) // chars[col]) for t in text.split("\n")) for col, text in cells
        )
        if lines > 1:
            heights[r] = 15 * lines
    return heights


_RATE_FORMATS = {"0.0%": "0.00%", "+0.0;-0.0;0.0": "+0.00;-0.00;0.00", "0.0": "0.00"}


def _widen(fmt: str, digits: int | None) -> str | None:
    """`fmt` showing `digits` decimals (of the percentage for a % format) when it shows fewer: '0.0' → '0.00',
    '+0.0;-0.0;0.0' → '+0.00;-0.00;0.00', '0.0%' → '0.00%'; None when it already shows enough or is General."""
    current = _places(fmt)
    if digits is None or current is None:
        return None
    if current - (2 if "%" in fmt.split(";")[0] else 0) >= digits:
        return None
    decimals = "." + "0" * digits if digits else ""
    return ";".join(
        re.sub(r"0(?:\.[0#]*)?(?=[^0#]*$)", "0" + decimals, section) for section in fmt.split(";")
    )


def _format_code(wb, style) -> str | None:
    from openpyxl.styles.numbers import BUILTIN_FORMATS

    return BUILTIN_FORMATS.get(style.numFmtId) or _custom_format(wb, style.numFmtId)


def _format_places(wb, style) -> int | None:
    """Decimal places of the stored value a number format shows: '0.0%' -> 3, '+0.0;-0.0' -> 1, General -> None."""
    return _places(_format_code(wb, style))


def _places(fmt: str | None) -> int | None:
    if not fmt or fmt == "General":
        return None
    section = fmt.split(";")[0]
    section = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", section)
    if not re.search(r"[0#?]", section):
        return None
    places = len(re.search(r"\.([0#?]*)", section).group(1)) if "." in section else 0
    return places + (2 if "%" in section else 0)


def _custom_format(wb, fmt_id: int) -> str | None:
    from openpyxl.styles.numbers import BUILTIN_FORMATS_MAX_SIZE

    index = fmt_id - BUILTIN_FORMATS_MAX_SIZE
    formats = list(wb._number_formats)
    return formats[index] if 0 <= index < len(formats) else None


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
                style.numFmtId = (
                    BUILTIN_FORMATS_REVERSE.get(number_format)
                    if number_format in BUILTIN_FORMATS_REVERSE
                    else self.wb._number_formats.add(number_format) + BUILTIN_FORMATS_MAX_SIZE
                )
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
                text = (
                    _ILLEGAL_XML.sub("", value)
                    .replace("&", "&amp;")
                    .replace("<", "&lt;")
                    .replace(">", "&gt;")
                )
                out.append(
                    f'<c r="{letter}{r}" s="{sid}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
                )
            elif (kind is float and value == value) or kind is int:
                out.append(f'<c r="{letter}{r}" s="{sid}"><v>{value!r}</v></c>')
            else:  # None, "", NaN: the styled empty cell
                out.append(f'<c r="{letter}{r}" s="{sid}"/>')
        out.append("</row>")
    return "".join(out)


def _splice_rows(package: bytes, workbook) -> bytes:
    """Put each sheet's pending data rows into the saved package, in place of its (emptied) marker row."""
    import zipfile

    pending = {
        f"xl/worksheets/sheet{i + 1}.xml": ws._reportgen_rows
        for i, ws in enumerate(workbook.worksheets)
        if getattr(ws, "_reportgen_rows", None)
    }
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
                m = re.search(rf'<row r="{marker_row}"[^>]*?(?:/>|>.*?</row>)', xml, re.S)
                if m:
                    xml = xml[: m.start()] + rows + xml[m.end() :]
                else:  # no cell left in the marker row: the rows go before the first later row
                    later = next(
                        (x for x in re.finditer(r'<row r="(\d+)"', xml) if int(x.group(1)) > marker_row), None
                    )
                    at = later.start() if later else xml.index("</sheetData>")
                    xml = xml[:at] + rows + xml[at:]
                dim = re.search(r'<dimension ref="([A-Z]+\d+)(?::([A-Z]+)(\d+))?"', xml)
                if dim and dim.group(3) and int(dim.group(3)) < last_row:  # readers size the sheet by it
                    xml = (
                        xml[: dim.start()]
                        + f'<dimension ref="{dim.group(1)}:{dim.group(2)}{last_row}"'
                        + xml[dim.end() :]
                    )
                data = xml.encode("utf-8")
            dst.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)
    return out.getvalue()
