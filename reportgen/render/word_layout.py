"""Column widths of the rendered Word tables, from their content (CJK-aware).

A template's widths are guesses made before the names are known; once rendered, each column gets the width
its longest cell needs on one line, the header may take two lines, and the spare width is shared out. When
a table cannot fit, the long text columns wrap into two even lines first — never a name broken by one or
two characters at the end.
"""

from __future__ import annotations

import math
import unicodedata

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

TWIPS_PER_MM = 1440 / 25.4
PADDING_MM = 2.2  # cell margins (0.8 mm each side) and a little room for rounding in LibreOffice/WPS
FONT_PT = 10.5  # 五号, the stock table text
EM_MM = FONT_PT * 25.4 / 72


def text_width_mm(text: str, em_mm: float = EM_MM) -> float:
    """Printed width of one line: full-width (CJK) characters take one em, others about half."""
    width = 0.0
    for ch in text:
        wide = unicodedata.east_asian_width(ch) in ("W", "F")
        width += em_mm if wide else 0.55 * em_mm
    return width


def _two_lines(text: str) -> float:
    """Width needed to show `text` in two even lines (a header, or a long name that must wrap)."""
    if len(text) < 4:
        return text_width_mm(text)
    half = math.ceil(len(text) / 2)
    return max(text_width_mm(text[:half]), text_width_mm(text[half:]))


def column_widths(header: list[str], rows: list[list[str]], available_mm: float) -> list[float]:
    """Widths (mm) summing to `available_mm` when the content fits; each column at least its longest cell
    on one line and its header on two; over-long text columns wrap into two even lines first."""
    n = len(header)
    longest = [max((text_width_mm(r[i]) for r in rows), default=0.0) for i in range(n)]
    need = [max(longest[i], text_width_mm(header[i])) + PADDING_MM for i in range(n)]
    head = [_two_lines(h) for h in header]
    for i in sorted(range(n), key=lambda i: -text_width_mm(header[i])):
        if sum(need) <= available_mm:  # headers on one line while they fit, else wrapped in two even lines
            break
        need[i] = max(longest[i], head[i]) + PADDING_MM
    if sum(need) > available_mm:
        # Wrap the widest text columns into two lines, widest first, until the table fits.
        for i in sorted(range(n), key=lambda i: -longest[i]):
            if sum(need) <= available_mm:
                break
            texts = [r[i] for r in rows]
            two = max((_two_lines(t) for t in texts), default=0.0)
            need[i] = max(two, head[i]) + PADDING_MM
    total = sum(need)
    if total > available_mm:  # still too wide: shrink in proportion (rare; the table then wraps)
        return [w * available_mm / total for w in need]
    spare = available_mm - total
    return [w + spare * w / total for w in need]


def _cell_text(tc) -> str:
    return "\n".join("".join(t.text or "" for t in p.iter(qn("w:t"))) for p in tc.iter(qn("w:p")))


def _section_widths(body) -> list[tuple[list, float]]:
    """(tables, text width in mm) for each section of the body, in order."""

    def width(sect) -> float:
        pg, mar = sect.find(qn("w:pgSz")), sect.find(qn("w:pgMar"))
        if pg is None or mar is None:
            return 156.0
        twips = int(pg.get(qn("w:w"))) - int(mar.get(qn("w:left"))) - int(mar.get(qn("w:right")))
        return twips / TWIPS_PER_MM

    out, tables = [], []
    for child in body.iterchildren():
        if child.tag == qn("w:tbl"):
            tables.append(child)
        elif child.tag == qn("w:p"):
            ppr = child.find(qn("w:pPr"))
            sect = ppr.find(qn("w:sectPr")) if ppr is not None else None
            if sect is not None:
                out.append((tables, width(sect)))
                tables = []
        elif child.tag == qn("w:sectPr"):
            out.append((tables, width(child)))
            tables = []
    return out


def fit_tables(document) -> None:
    """Set every plain table's column widths from its content (tables holding pictures are left alone)."""
    for tables, available in _section_widths(document.element.body):
        for tbl in tables:
            if tbl.findall(".//" + qn("w:drawing")):
                continue
            grid = tbl.find(qn("w:tblGrid"))
            cols = grid.findall(qn("w:gridCol")) if grid is not None else []
            n = len(cols)
            plain = [tr for tr in tbl.findall(qn("w:tr")) if len(tr.findall(qn("w:tc"))) == n]
            if not n or not plain:
                continue
            texts = [[_cell_text(tc) for tc in tr.findall(qn("w:tc"))] for tr in plain]
            header, rows = texts[0], texts[1:]
            # A cell's own line breaks are lines already: measure the longest line, not the whole text.
            rows = [[max(c.split("\n"), key=text_width_mm) for c in r] for r in rows]
            widths = column_widths(header, rows, available)
            _apply(tbl, cols, widths)
            _keep_bands(tbl, n)
            if len(plain) <= KEEP_TOGETHER_ROWS:
                _keep_together(tbl)


KEEP_TOGETHER_ROWS = 20  # a table this short moves to the next page whole rather than leave two rows behind


def _keep_together(tbl) -> None:
    rows = tbl.findall(qn("w:tr"))
    for tr in rows[:-1]:
        for p in tr.iter(qn("w:p")):
            _keep_next(p)


def _apply(tbl, cols, widths: list[float]) -> None:
    twips = [str(round(w * TWIPS_PER_MM)) for w in widths]
    for col, w in zip(cols, twips):
        col.set(qn("w:w"), w)
    tblpr = tbl.find(qn("w:tblPr"))
    tblw = tblpr.find(qn("w:tblW"))
    if tblw is None:
        tblw = OxmlElement("w:tblW")
        tblpr.append(tblw)
    tblw.set(qn("w:w"), str(sum(int(w) for w in twips)))
    tblw.set(qn("w:type"), "dxa")
    layout = tblpr.find(qn("w:tblLayout"))
    if layout is None:
        layout = OxmlElement("w:tblLayout")
        tblpr.append(layout)
    layout.set(qn("w:type"), "fixed")
    for tr in tbl.findall(qn("w:tr")):
        i = 0
        for tc in tr.findall(qn("w:tc")):
            tcpr = tc.get_or_add_tcPr()
            span_el = tcpr.find(qn("w:gridSpan"))
            span = int(span_el.get(qn("w:val"))) if span_el is not None else 1
            tcw = tcpr.find(qn("w:tcW"))
            if tcw is None:
                tcw = OxmlElement("w:tcW")
                tcpr.insert(0, tcw)
            tcw.set(qn("w:w"), str(sum(int(w) for w in twips[i : i + span])))
            tcw.set(qn("w:type"), "dxa")
            i += span


def _keep_bands(tbl, n: int) -> None:
    """A group band (one cell across the table) keeps with the row below: never stranded at a page foot."""
    for tr in tbl.findall(qn("w:tr")):
        tcs = tr.findall(qn("w:tc"))
        if len(tcs) == 1 and n > 1:
            for p in tcs[0].iter(qn("w:p")):
                _keep_next(p)


def _keep_next(p) -> None:
    ppr = p.find(qn("w:pPr"))
    if ppr is None:
        ppr = OxmlElement("w:pPr")
        p.insert(0, ppr)
    if ppr.find(qn("w:keepNext")) is None:
        ppr.insert(1 if ppr.find(qn("w:pStyle")) is not None else 0, OxmlElement("w:keepNext"))
