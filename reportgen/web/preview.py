"""The Word report in the browser: its PDF when there is one (or LibreOffice can make one), else its text and
tables as plain data for an HTML page."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Block:
    kind: str  # heading / paragraph / table
    text: str = ""
    rows: tuple[tuple[str, ...], ...] = ()


def docx_blocks(path: Path) -> list[Block]:
    """Paragraphs and tables of the document body, in order (python-docx, already a dependency of docxtpl)."""
    from docx import Document
    from docx.oxml.ns import qn
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    doc = Document(str(path))
    blocks = []
    for child in doc.element.body.iterchildren():
        if child.tag == qn("w:p"):
            p = Paragraph(child, doc)
            text = p.text.strip()
            if not text:
                continue
            style = (p.style.name or "") if p.style is not None else ""
            heading = style.lower().startswith(("heading", "title")) or style.startswith(("标题", "大标题"))
            blocks.append(Block("heading" if heading else "paragraph", text))
        elif child.tag == qn("w:tbl"):
            table = Table(child, doc)
            rows = []
            for row in table.rows:
                cells, last = [], None
                for cell in row.cells:
                    if cell._tc is last:  # a merged cell is listed once per grid column it spans
                        continue
                    last = cell._tc
                    cells.append(cell.text.strip())
                rows.append(tuple(cells))
            blocks.append(Block("table", rows=tuple(rows)))
    return blocks


def pdf_for(docx: Path, cache: Path) -> Path | None:
    """A PDF of `docx` made by LibreOffice, cached by the document's content; None without LibreOffice."""
    from ..render.pdf import convert_to_pdf, find_soffice

    if find_soffice() is None:
        return None
    digest = hashlib.sha256(docx.read_bytes()).hexdigest()[:16]
    target = cache / f"{digest}.pdf"
    if target.is_file():
        return target
    work = cache / digest
    work.mkdir(parents=True, exist_ok=True)
    made = convert_to_pdf(docx, work)
    made.replace(target)
    return target
