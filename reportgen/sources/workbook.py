"""Stage 1 of the reader: open a submitted file (bounded) and give each sheet as a `Grid` ready to read.

A grid is the sheet's raw values with merged ranges filled in, formula cells the file holds no result for
marked (xlsx), hidden columns and percent formats known. Nothing after this stage opens the file again.

Formulas without a saved result: an .xlsx <c> may hold <f> and no <v> (a file written by a program that does
not calculate); they are found in the XML (xlsx_meta.py) and named as such wherever they are read. A BIFF .xls
FORMULA record always carries a result field: Excel and WPS store the computed value there, which is what is
read; a program that does not calculate (xlwt, for one) stores an empty string, which reads as an empty cell
and so as 未报送 — never 0, never a number (tests/test_sources.py). A CSV holds no formulas, only text: "=B2*2"
is refused as text that is not a number, with the advice to save the values (values.parse_number).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import Location, SourceError, os_reason

if TYPE_CHECKING:
    from ..config.model import InputLimits

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
ZIP_SUFFIXES = {".xlsx", ".xlsm", ".xlsb", ".ods"}


def cell_name(row: int, col: int) -> str:
    """0-based (row, col) -> 'D7'."""
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row + 1}"


@dataclass
class Grid:
    """One sheet as rows of raw values ('' for empty), 0-based, with merged ranges remembered."""

    file: str
    sheet: str
    rows: list[list]
    merges: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)
    hidden_columns: frozenset[int] = frozenset()
    unsaved_formulas: frozenset[tuple[int, int]] = frozenset()  # formula cells without a saved result
    percent_format: Callable[[int, int], bool] | None = None  # whether Excel shows a cell as a percentage

    def unsaved(self, row: int, col: int) -> str | None:
        """The problem of a formula cell the file holds no result for (calamine reads it as empty), else None."""
        if (row, col) not in self.unsaved_formulas:
            return None
        return "本单元格是公式，但文件中没有保存计算结果：请在 Excel/WPS 中打开并保存后再报送"

    def is_percent(self, row: int, col: int) -> bool:
        """Whether Excel shows the cell as a percentage (xlsx only: calamine does not read formats)."""
        return self.percent_format is not None and self.percent_format(row, col)

    def location(self, row: int | None = None, col: int | None = None) -> Location:
        cell = cell_name(row, col) if row is not None and col is not None else None
        return Location(self.file, self.sheet, cell)

    def value(self, row: int, col: int):
        if row < len(self.rows) and col < len(self.rows[row]):
            return self.rows[row][col]
        return ""


class Workbook:
    """A submitted file. Sheets are read on first use and cached for the run."""

    def __init__(self, path: Path, display: str | None = None, limits: InputLimits | None = None):
        if limits is None:
            from ..config.model import InputLimits

            limits = InputLimits()
        self.path = path
        self.display = display or path.name
        self.limits = limits
        self._grids: dict[str, Grid] = {}
        self._book = None
        self._styled = None
        if not path.is_file():
            raise SourceError(Location(self.display), "文件不存在")
        self.suffix = path.suffix.lower()
        try:
            self._open(path)
        except OSError as e:  # a file Excel holds locked on a Windows share, no read permission…
            raise SourceError(Location(self.display), f"无法读取：{os_reason(e)}") from None

    def _open(self, path: Path) -> None:
        """Check the size, then read the sheet list (xlsx/xls) or the whole text (csv)."""
        if self.suffix in ZIP_SUFFIXES:
            self._check_unpacked_sizes()
        elif self.suffix in EXCEL_SUFFIXES | {".csv"}:
            self._check_size(path.stat().st_size, None, "文件")
        if self.suffix == ".csv":
            self._csv_rows = _read_csv(path, self.display)
            self.sheet_names, self.visible = [path.stem], [path.stem]
        elif self.suffix in EXCEL_SUFFIXES:
            from python_calamine import CalamineWorkbook

            try:
                self._book = CalamineWorkbook.from_path(str(path))
            except Exception:  # calamine raises several types for damaged or encrypted files
                raise SourceError(Location(self.display), _unreadable(path)) from None
            meta = self._book.sheets_metadata
            self.sheet_names = [m.name for m in meta]
            self.visible = [
                m.name
                for m in meta
                if str(m.visible).endswith("Visible") and str(m.typ).endswith("WorkSheet")
            ] or list(self.sheet_names)
        else:
            raise SourceError(
                Location(self.display), f"不支持的文件类型“{path.suffix}”（支持 xlsx、xls、csv）"
            )

    def _check_size(self, size: int, sheet: str | None, what: str) -> None:
        limit = self.limits.max_sheet_mb
        if size > limit * 2**20:
            raise SourceError(
                Location(self.display, sheet),
                f"{what}有 {size / 2**20:,.0f} MB，超过上限 {limit:g} MB，已拒绝读取（可能是异常或损坏的文件）；"
                f"确属正常的大表，可在配置中调高 data.limits.max_sheet_mb",
            )

    def _check_rows(self, rows: int, sheet: str) -> None:
        limit = self.limits.max_rows
        if rows > limit:
            raise SourceError(
                Location(self.display, sheet),
                f"工作表有 {rows:,} 行，超过上限 {limit:,} 行，已拒绝读取；"
                f"确属正常的大表，可在配置中调高 data.limits.max_rows",
            )

    def _check_unpacked_sizes(self) -> None:
        """Before calamine inflates anything: each part's unpacked size as the zip directory states it
        (a 7 MB file can hold a sheet that inflates to gigabytes)."""
        import zipfile

        try:
            with zipfile.ZipFile(self.path) as z:
                parts = z.infolist()
        except (zipfile.BadZipFile, OSError, ValueError):
            return  # not a zip after all: calamine's open fails and says why
        biggest = max(parts, key=lambda p: p.file_size, default=None)
        if biggest is None or biggest.file_size <= self.limits.max_sheet_mb * 2**20:
            return
        sheets = {}
        index = ("xl/workbook.xml", "xl/_rels/workbook.xml.rels")  # read to name the sheet, when small
        if all(p.file_size <= 2**20 for p in parts if p.filename in index):
            from .xlsx_meta import XlsxMeta

            try:
                sheets = {part: name for name, part in XlsxMeta(self.path).sheet_parts().items()}
            except (KeyError, zipfile.BadZipFile, OSError):
                pass
        sheet = sheets.get(biggest.filename)
        what = "工作表解压后" if sheet else f"文件中的 {biggest.filename} 解压后"
        self._check_size(biggest.file_size, sheet, what)

    def find_sheet(self, wanted: str | None) -> str:
        """The configured sheet (spacing and full-width forms ignored), or the first visible sheet."""
        if wanted is None or self.suffix == ".csv":
            return self.visible[0]
        from .values import normalize_text

        for name in self.sheet_names:
            if name == wanted:
                return name
        for name in self.sheet_names:
            if normalize_text(name) == normalize_text(wanted):
                return name
        raise SourceError(
            Location(self.display, wanted), f"工作表“{wanted}”不存在，现有：{'、'.join(self.sheet_names)}"
        )

    @property
    def _meta(self):
        if self._styled is None:
            from .xlsx_meta import XlsxMeta

            self._styled = XlsxMeta(self.path)
        return self._styled

    def _is_percent(self, sheet: str, row: int, col: int) -> bool:
        try:
            return self._meta.is_percent(sheet, cell_name(row, col))
        except (KeyError, OSError, ValueError):
            return False

    def grid(self, wanted: str | None) -> Grid:
        name = self.find_sheet(wanted)
        if name not in self._grids:
            self._grids[name] = self._load(name)
        return self._grids[name]

    def _load(self, name: str) -> Grid:
        if self.suffix == ".csv":
            self._check_rows(len(self._csv_rows), name)
            return Grid(self.display, name, self._csv_rows)
        xlsx = self.suffix in (".xlsx", ".xlsm")
        if xlsx:
            declared = self._meta.dimension_rows(name)  # <dimension ref="A1:H20000">: known before parsing
            if declared is not None:
                self._check_rows(declared, name)
        sheet = self._book.get_sheet_by_name(name)
        self._check_rows(sheet.height, name)
        rows = [list(r) for r in sheet.to_python(skip_empty_area=False)]
        merges = list(sheet.merged_cell_ranges or [])
        if self.suffix == ".xls":  # calamine reads no formats: a 0.103 shown as 10.3% would be read as 0.103%
            grid = Grid(
                self.display, name, rows, merges, percent_format=XlsFormats(self.path, name).is_percent
            )
        elif not xlsx:
            grid = Grid(self.display, name, rows, merges)
        else:
            grid = Grid(
                self.display,
                name,
                rows,
                merges,
                self._meta.hidden_columns(name),
                self._meta.formulas_without_value(name),
                lambda row, col: self._is_percent(name, row, col),
            )
            for r, _ in grid.unsaved_formulas:  # calamine drops trailing rows that only hold such cells
                while len(rows) <= r:
                    rows.append([])
        fill_merges(grid)
        return grid


class XlsFormats:
    """The number formats of one sheet of a BIFF .xls, read with xlrd only when a cell's format is asked for
    (a percentage indicator's cell): Excel and WPS store 10.3% as 0.103 with a "0.0%" format."""

    def __init__(self, path: Path, sheet: str):
        self.path, self.sheet = path, sheet
        self._percent: set[tuple[int, int]] | None = None

    def is_percent(self, row: int, col: int) -> bool:
        if self._percent is None:
            self._percent = self._load()
        return (row, col) in self._percent

    def _load(self) -> set[tuple[int, int]]:
        import xlrd

        try:
            book = xlrd.open_workbook(str(self.path), formatting_info=True, on_demand=True)
            sheet = book.sheet_by_name(self.sheet)
        except Exception:  # noqa: BLE001 - xlrd raises many kinds; an unreadable format only loses this hint
            return set()
        percent_xf = {
            i
            for i, xf in enumerate(book.xf_list)
            if "%" in getattr(book.format_map.get(xf.format_key), "format_str", "")
        }
        if not percent_xf:
            return set()
        return {
            (r, c)
            for r in range(sheet.nrows)
            for c in range(sheet.row_len(r))
            if sheet.cell_xf_index(r, c) in percent_xf
        }


def fill_merges(grid: Grid) -> None:
    """Copy each merged range's top-left value into the range: every later stage sees the value in each cell.

    Numbers are not copied downwards: an amount merged over several project rows belongs to one of them.
    """
    rows = grid.rows
    for (r0, c0), (r1, c1) in grid.merges:
        if r0 >= len(rows):
            continue
        value = grid.value(r0, c0)
        if value == "" or value is None:
            continue
        numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
        for r in range(r0, min(r1, len(rows) - 1) + 1):
            if numeric and r != r0:
                break
            row = rows[r]
            if len(row) <= c1:
                row.extend([""] * (c1 + 1 - len(row)))
            for c in range(c0, c1 + 1):
                if (r, c) != (r0, c0):
                    row[c] = value


def _unreadable(path: Path) -> str:
    """Why a file with an Excel name cannot be opened, in words a clerk can act on."""
    head = path.read_bytes()[:512].lstrip().lower()
    if head.startswith((b"<html", b"<!doctype", b"<?xml", b"<table")):
        kind = "实为网页（HTML）导出的文件"
    elif head.startswith(b"\xd0\xcf\x11\xe0") and path.suffix.lower() != ".xls":
        kind = "实为旧版 .xls 或加密文件"
    elif head.startswith(b"pk") and path.suffix.lower() == ".xls":
        kind = "实为 .xlsx 文件"
    else:
        kind = "已损坏、被加密或不是 Excel 文件"
    return f"无法打开：该文件{kind}；请用 Excel 或 WPS 打开后“另存为” .xlsx 再放回本期目录"


def _read_csv(path: Path, display: str) -> list[list]:
    from ..text import decode_submitted

    text = decode_submitted(path.read_bytes())
    if text is None:
        raise SourceError(Location(display), "无法识别编码（应为 UTF-8 或 GBK）")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    return [list(r) for r in csv.reader(io.StringIO(text), dialect)]
