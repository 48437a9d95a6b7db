"""What calamine does not report about an .xlsx sheet — hidden columns and cell number formats — read straight
from the package XML with the standard library (openpyxl would cost half a second just to import)."""

from __future__ import annotations

import re
import zipfile
from functools import cached_property
from pathlib import Path

BUILTIN_PERCENT = {9, 10}  # 0% and 0.00%
HEAD_LIMIT = 4 << 20  # what comes before <sheetData> is a few kilobytes; stop reading a sheet that has none


class XlsxMeta:
    def __init__(self, path: Path):
        self.path = path
        self._sheet_xml: dict[str, str] = {}

    @cached_property
    def _targets(self) -> dict[str, str]:
        """Sheet name → its part name (xl/worksheets/sheetN.xml)."""
        with zipfile.ZipFile(self.path) as z:
            book = z.read("xl/workbook.xml").decode("utf-8", "replace")
            rels = z.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
        targets = {}
        for rel in re.finditer(r"<Relationship\b([^>]*)/?>", rels):
            attrs = dict(re.findall(r'(\w+)="([^"]*)"', rel.group(1)))
            if "Id" in attrs and "Target" in attrs:
                target = attrs["Target"].lstrip("/")
                targets[attrs["Id"]] = target if target.startswith("xl/") else "xl/" + target
        out = {}
        for sheet in re.finditer(r"<(?:\w+:)?sheet\b([^>]*)/?>", book):
            attrs = dict(re.findall(r'([\w:]+)="([^"]*)"', sheet.group(1)))
            rid = next((v for k, v in attrs.items() if k.endswith(":id")), None)
            if "name" in attrs and rid in targets:
                out[_unescape(attrs["name"])] = targets[rid]
        return out

    def sheet_parts(self) -> dict[str, str]:
        """Sheet name → its part name in the zip."""
        return dict(self._targets)

    def dimension_rows(self, sheet: str) -> int | None:
        """The last row the sheet declares in <dimension ref="A1:H20000"/>, read before its data; None without."""
        try:
            head = self._head(sheet)
        except (KeyError, zipfile.BadZipFile, OSError):
            return None
        m = re.search(r'<(?:\w+:)?dimension\b[^>]*\bref="[A-Za-z]*(\d+)(?::[A-Za-z]*(\d+))?"', head)
        return int(m.group(2) or m.group(1)) if m else None

    def _head(self, sheet: str) -> str:
        """The sheet XML up to its data: enough for <cols>, without inflating a 20,000-row sheet."""
        target = self._targets.get(sheet)
        if target is None:
            return ""
        with zipfile.ZipFile(self.path) as z, z.open(target) as f:
            head = b""
            while b"<sheetData" not in head and len(head) < HEAD_LIMIT and (chunk := f.read(1 << 16)):
                head += chunk
        return head.decode("utf-8", "replace").split("<sheetData")[0]

    def hidden_columns(self, sheet: str) -> frozenset[int]:
        try:
            head = self._head(sheet)
        except (KeyError, zipfile.BadZipFile, OSError):
            return frozenset()
        hidden = set()
        for c in re.finditer(r"<(?:\w+:)?col\b([^>]*)/?>", head):
            attrs = dict(re.findall(r'(\w+)="([^"]*)"', c.group(1)))
            if attrs.get("hidden") in ("1", "true") and "min" in attrs and "max" in attrs:
                hidden.update(range(int(attrs["min"]) - 1, int(attrs["max"])))
        return frozenset(hidden)

    @cached_property
    def _percent_styles(self) -> frozenset[int]:
        """Indexes into cellXfs whose number format shows a percentage."""
        try:
            with zipfile.ZipFile(self.path) as z:
                styles = z.read("xl/styles.xml").decode("utf-8", "replace")
        except (KeyError, zipfile.BadZipFile, OSError):
            return frozenset()
        custom = {
            int(m.group(1))
            for m in re.finditer(r'<(?:\w+:)?numFmt\b[^>]*numFmtId="(\d+)"[^>]*formatCode="([^"]*)"', styles)
            if "%" in _strip_literals(m.group(2))
        }
        xfs = re.search(r"<(?:\w+:)?cellXfs\b[^>]*>(.*?)</(?:\w+:)?cellXfs>", styles, re.S)
        out = set()
        for i, xf in enumerate(re.finditer(r"<(?:\w+:)?xf\b([^>]*)/?>", xfs.group(1) if xfs else "")):
            m = re.search(r'numFmtId="(\d+)"', xf.group(1))
            if m and (int(m.group(1)) in BUILTIN_PERCENT or int(m.group(1)) in custom):
                out.add(i)
        return frozenset(out)

    def _xml(self, sheet: str) -> str | None:
        xml = self._sheet_xml.get(sheet)
        if xml is None:
            target = self._targets.get(sheet)
            if target is None:
                return None
            with zipfile.ZipFile(self.path) as z:
                xml = self._sheet_xml[sheet] = z.read(target).decode("utf-8", "replace")
        return xml

    def formulas_without_value(self, sheet: str) -> frozenset[tuple[int, int]]:
        """0-based (row, col) of cells holding a formula but no saved result (<f> with no or an empty <v>).

        Files written by programs (or saved with calculation off) have them; calamine reads them as empty.
        """
        try:
            xml = self._xml(sheet)
        except (KeyError, zipfile.BadZipFile, OSError):
            return frozenset()
        if not xml or "<f" not in xml:
            return frozenset()
        out = set()
        for m in _CELL.finditer(xml):
            body = m.group(2) or ""
            if not _FORMULA.search(body):
                continue
            value = _VALUE.search(body)
            if value is None or not value.group(1).strip():
                out.add(_row_col(m.group(1)))
        out.discard(None)
        return frozenset(out)

    def is_percent(self, sheet: str, cell: str) -> bool:
        """Whether the cell (A1 name) is formatted as a percentage."""
        if not self._percent_styles:
            return False
        xml = self._xml(sheet)
        if xml is None:
            return False
        m = re.search(rf'<(?:\w+:)?c\b[^>]*\br="{cell}"[^>]*>', xml) or re.search(
            rf'<(?:\w+:)?c\b[^>]*\br="{cell}"[^>]*/>', xml
        )
        style = re.search(r'\bs="(\d+)"', m.group(0)) if m else None
        return bool(style) and int(style.group(1)) in self._percent_styles


_CELL = re.compile(r"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_FORMULA = re.compile(r"<(?:\w+:)?f\b")
_VALUE = re.compile(r"<(?:\w+:)?v>(.*?)</(?:\w+:)?v>", re.S)
_REF = re.compile(r'\br="([A-Z]+)(\d+)"')


def _row_col(attrs: str) -> tuple[int, int] | None:
    m = _REF.search(attrs)
    if not m:
        return None
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)) - 1, col - 1


def _strip_literals(code: str) -> str:
    """A '%' inside quotes or escaped with a backslash is text, not a percentage."""
    return re.sub(r'"[^"]*"|\\.', "", code.replace("&quot;", '"'))


def _unescape(text: str) -> str:
    return (
        text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        .replace("&apos;", "'")
        .replace("&amp;", "&")
    )
