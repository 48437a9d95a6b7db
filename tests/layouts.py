"""Write the same ledger and the same indicator sheet in many layouts (see tests/test_layouts.py).

A `Shape` says how a clerk laid the sheet out; `ledger_sheet` and `indicator_sheet` turn the fixed data below
into rows (None = empty cell) plus merged ranges and hidden columns, and `write_sheet` saves them as .xlsx,
.xls or GB18030 .csv. Merged cells hold their value in the top-left cell only, as Excel stores them (and as
Excel exports them to CSV).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field, replace
from pathlib import Path

from conftest import write_xls, write_xlsx

from reportgen.sources.workbook import cell_name

# (category, owner, [(name, nature, total, plan, done, planned start, actual start)]), amounts in 万元
CATEGORIES = [
    (
        "大健康",
        "经发局",
        [
            ("康养中心", "新开工", 12000, 4000, 2000, "2024.3", "2024.4"),
            ("医疗器械园", "新开工", 8000, 3000, 1000, "2024.5", "未开工"),
            ("生物医药港", "续建", 30000, 10000, 5500, "2023.9", "2023.10"),
        ],
    ),
    (
        "新材料",
        "招商局",
        [
            ("碳纤维项目", "新开工", 20000, 6000, 3000, "2024.2", "2024.2"),
            ("石墨烯基地", "续建", 5000, 2000, 500, "2023.10", "2023.11"),
        ],
    ),
    (
        "精细化工",
        "建设局",
        [
            ("助剂产业园", "新开工", 15000, 5000, 800, "2024.4", "2024.6"),
            ("涂料升级改造", "新开工", 9000, 3000, None, "2024.6", "未开工"),
        ],
    ),
]
STARTED, PROJECT_COUNT = 5, 7

# (name, 1-6月累计, 上年同期) in 万元
INDICATORS = [
    ("固定资产投资", 1123456, 998000),
    ("社会消费品零售总额", 440000, 410000),
    ("一般公共预算收入", 160500, 150000),
    ("规上工业总产值", 2456000, 2300000),
]
# The indicator sheet's bands: (name, how many of INDICATORS, in order, fall under it)
INDICATOR_BANDS = [("投资消费", 2), ("财税工业", 2)]

ORDINALS = "一二三四五六七八九十"
FULL_WIDTH = str.maketrans("0123456789.,", "０１２３４５６７８９．，")

LEDGER_LEAVES = {
    "seq": "序号",
    "name": "项目名称",
    "nature": "建设性质",
    "total": "总投资",
    "plan": "年度计划投资",
    "stale": "1-6月累计完成投资",  # last month's copy, hidden: same header as the real column
    "done": "1-6月累计完成投资",
    "pstart": "计划开工时间",
    "astart": "实际开工时间",
    "owner": "责任单位",
}
LEDGER_ORDER = ["seq", "name", "nature", "total", "plan", "done", "pstart", "astart", "owner"]
LEDGER_SHUFFLED = ["seq", "owner", "name", "astart", "pstart", "done", "plan", "total", "nature"]
LEDGER_AMOUNTS = ("total", "plan", "stale", "done")
INDICATOR_LEAVES = {
    "name": "指标名称",
    "target": "年度目标",
    "stale": "1-6月累计",
    "cur": "1-6月累计",
    "last": "上年同期",
    "unit": "单位",
}
INDICATOR_ORDER = ["name", "target", "cur", "last"]
INDICATOR_SHUFFLED = ["cur", "last", "target", "name"]
INDICATOR_AMOUNTS = ("target", "stale", "cur", "last")


@dataclass(frozen=True)
class Shape:
    """How one clerk laid out the sheet."""

    fmt: str = "xlsx"  # xlsx | xls | csv
    band: str = "merged"  # merged "大健康（3个）" | paren "（一）大健康" in 序号 | ordinal "一、大健康" | lei "大健康类"
    #                       | subtotal: "大健康" with its subtotal amounts and no mark
    #                       | seq: "大健康" alone in the 序号 column | seqsum: "大健康" in 序号 with its subtotal amounts
    #                       (the indicator sheet writes seq/seqsum as lei)
    #                       (indicator sheet: merged "一、投资消费" | paren "（一）投资消费" | ordinal "一、投资消费" over
    #                       "1.固定资产投资" | lei "投资消费类" | subtotal: "投资消费" alone, a 小计 row after its rows)
    owners: str = "repeated"  # repeated in every row | merged down the category's rows
    unit: str = "header"  # header "总投资（万元）" | group "投资情况（万元）" | line "单位：万元" | cells "1.2亿"/"8000万"
    #                       | column: a 单位 column saying 万元 in each indicator row (the ledger: header)
    #                       | row: "（万元）" on its own unmerged line under the header ("（年月）" under dates)
    header_rows: int = 1
    total: str = ""  # "" | top | bottom: a 合计 row
    shuffled: bool = False
    hidden_stale: bool = (
        False  # a hidden column with the same header holding last month's figures (xlsx only)
    )
    blank_rows: bool = False
    text_numbers: bool = False  # "12,000" and full-width "８０００" typed as text
    footer: bool = False
    filled: bool = False  # merges undone, each value copied into every cell it covered (WPS 取消合并并填充)
    repeated_header: bool = (
        False  # the leaf header row again before the second category (sheets pasted together)
    )

    def __post_init__(self):
        assert not (self.hidden_stale and self.fmt != "xlsx"), "only .xlsx keeps hidden columns"
        assert not (self.owners == "merged" and self.fmt == "csv" and not self.filled), (
            "a csv keeps a merged owner in one row only"
        )
        assert self.unit != "group" or self.header_rows > 1


@dataclass
class Sheet:
    rows: list[list] = field(default_factory=list)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # first/last row, first/last col
    hidden: list[int] = field(default_factory=list)
    cells: dict[str, tuple[str, str]] = field(
        default_factory=dict
    )  # indicator -> (1-6月累计, 上年同期) cells

    def add(self, row: list) -> int:
        self.rows.append(row)
        return len(self.rows) - 1


def amount(value: float | None, shape: Shape, i: int):
    """An amount in 万元 as the clerk typed it; `i` varies the spelling from cell to cell."""
    if value is None:
        return "—"
    if shape.unit == "cells":
        text = f"{value / 10000:.10g}亿" if value >= 10000 and value % 1000 == 0 else f"{value:.10g}万"
        return text.translate(FULL_WIDTH) if shape.text_numbers and i % 2 else text
    if shape.text_numbers:
        return f"{value:,.10g}" if i % 2 == 0 else f"{value:.10g}".translate(FULL_WIDTH)
    return str(value) if shape.fmt == "csv" else value


def _paths(order: list[str], leaves: dict, groups: dict, amounts: tuple, shape: Shape) -> list[tuple]:
    """Each column's header path from the top header row down to its leaf."""
    out = []
    for key in order:
        leaf = leaves[key]
        if shape.unit == "header" and key in amounts:
            leaf += "（万元）"
        path = groups.get(key, ())[-(shape.header_rows - 1) :] if shape.header_rows > 1 else ()
        if shape.unit == "group" and key in amounts and path:
            path = (*path[:-1], path[-1] + "（万元）")
        out.append((*path, leaf))
    return out


def _header(sheet: Sheet, paths: list[tuple], rows: int) -> None:
    top = len(sheet.rows)
    grid = [[None] * len(paths) for _ in range(rows)]
    for c, path in enumerate(paths):
        for r, text in enumerate(path):
            last = r == len(path) - 1
            if c == 0 or paths[c - 1][: r + 1] != path[: r + 1] or last:
                grid[r][c] = text
            if last and r < rows - 1:
                sheet.merges.append((top + r, top + rows - 1, c, c))
    for r in range(rows):  # a group over several columns
        c = 0
        while c < len(paths):
            end = c
            while (
                end + 1 < len(paths)
                and len(paths[c]) > r + 1
                and len(paths[end + 1]) > r + 1
                and paths[end + 1][: r + 1] == paths[c][: r + 1]
            ):
                end += 1
            if end > c:
                sheet.merges.append((top + r, top + r, c, end))
            c = end + 1
    sheet.rows.extend(grid)


def _unit_row(sheet: Sheet, order: list[str], amounts: tuple, shape: Shape) -> None:
    """Units on a line of their own under the header, not merged into it (as a CSV keeps them)."""
    if shape.unit == "row":
        sheet.add(
            ["（万元）" if k in amounts else "（年月）" if k in ("pstart", "astart") else None for k in order]
        )


def _title(sheet: Sheet, text: str, width: int, shape: Shape) -> None:
    sheet.add([text] + [None] * (width - 1))
    sheet.merges.append((0, 0, 0, width - 1))
    if shape.unit == "line":
        sheet.add([None] * (width - 2) + ["单位：万元", None])


def ledger_sheet(shape: Shape) -> Sheet:
    if shape.unit == "column":  # a 单位 column is an indicator sheet's way
        shape = replace(shape, unit="header")
    order = list(LEDGER_SHUFFLED if shape.shuffled else LEDGER_ORDER)
    if shape.hidden_stale:
        order.insert(order.index("done"), "stale")
    groups = {k: ("项目推进情况", "投资情况") for k in LEDGER_AMOUNTS}
    groups |= {k: ("项目推进情况", "开工时间") for k in ("pstart", "astart")}
    paths = _paths(order, LEDGER_LEAVES, groups, LEDGER_AMOUNTS, shape)
    col = {k: c for c, k in enumerate(order)}
    width = len(order)
    sheet = Sheet(hidden=[col["stale"]] if shape.hidden_stale else [])
    _title(sheet, "2024年重点项目推进情况表", width, shape)
    _header(sheet, paths, shape.header_rows)
    _unit_row(sheet, order, LEDGER_AMOUNTS, shape)

    def amounts_row(label: str, values: dict, i: int) -> list:
        row = [None] * width
        row[col["name"]] = label
        for k, v in values.items():
            row[col[k]] = amount(v, shape, i + len(k))
        return row

    def sums(projects) -> dict:
        got = {k: sum(p[n] or 0 for p in projects) for k, n in (("total", 2), ("plan", 3), ("done", 4))}
        if shape.hidden_stale:
            got["stale"] = sum(p[4] or 0 for p in projects) * 0.8
        return got

    everything = [p for _, _, projects in CATEGORIES for p in projects]
    if shape.total == "top":
        sheet.add(amounts_row("合计", sums(everything), 0))
    if shape.blank_rows:
        sheet.add([None] * width)
    seq = 0
    for k, (category, owner, projects) in enumerate(CATEGORIES):
        n = len(projects)
        if shape.repeated_header and k == 1:
            sheet.add([path[-1] for path in paths])
        if shape.band == "merged":
            r = sheet.add([f"{category}（{n}个）"] + [None] * (width - 1))
            sheet.merges.append((r, r, 0, width - 1))
        elif shape.band == "paren":
            row = [None] * width
            row[col["seq"]] = f"（{ORDINALS[k]}）{category}"
            sheet.add(row)
        elif shape.band == "seq":
            row = [None] * width
            row[col["seq"]] = category
            sheet.add(row)
        elif shape.band == "seqsum":
            row = amounts_row(category, sums(projects), k)
            row[col["seq"]], row[col["name"]] = category, None
            sheet.add(row)
        elif shape.band in ("ordinal", "lei"):
            row = [None] * width
            row[col["name"]] = f"{ORDINALS[k]}、{category}" if shape.band == "ordinal" else f"{category}类"
            sheet.add(row)
        else:
            sheet.add(amounts_row(category, sums(projects), k))
        first = len(sheet.rows)
        for name, nature, total, plan, done, pstart, astart in projects:
            seq += 1
            values = {"total": total, "plan": plan, "done": done}
            if shape.hidden_stale:
                values["stale"] = None if done is None else done * 0.8
            row = amounts_row(name, values, seq)
            row[col["seq"]] = str(seq) if shape.fmt == "csv" or shape.text_numbers else seq
            row[col["nature"]], row[col["pstart"]], row[col["astart"]] = nature, pstart, astart
            if shape.owners == "repeated" or len(sheet.rows) == first:
                row[col["owner"]] = owner
            sheet.add(row)
        if shape.owners == "merged":
            sheet.merges.append((first, len(sheet.rows) - 1, col["owner"], col["owner"]))
        if shape.blank_rows:
            sheet.add([None] * width)
    if shape.total == "bottom":
        sheet.add(amounts_row("合计", sums(everything), 1))
    if shape.footer:
        sheet.add(["填报人：李四", None, None, "联系电话：12345678"] + [None] * (width - 4))
    return sheet


def indicator_sheet(shape: Shape) -> Sheet:
    if shape.band in ("seq", "seqsum"):  # an indicator sheet numbers its rows in the name column
        shape = replace(shape, band="lei")
    order = list(INDICATOR_SHUFFLED if shape.shuffled else INDICATOR_ORDER)
    if shape.hidden_stale:
        order.insert(order.index("cur"), "stale")
    if shape.unit == "column":
        order.insert(order.index("name") + 1, "unit")
    groups = {k: ("经济运行情况", "完成情况") for k in ("stale", "cur", "last")}
    groups["target"] = ("经济运行情况",)
    paths = _paths(order, INDICATOR_LEAVES, groups, INDICATOR_AMOUNTS, shape)
    if shape.header_rows == 2:  # 年度目标 stands alone over two rows
        paths[order.index("target")] = paths[order.index("target")][-1:]
    col = {k: c for c, k in enumerate(order)}
    width = len(order)
    sheet = Sheet(hidden=[col["stale"]] if shape.hidden_stale else [])
    _title(sheet, "2024年1-6月主要经济指标", width, shape)
    _header(sheet, paths, shape.header_rows)
    _unit_row(sheet, order, INDICATOR_AMOUNTS, shape)

    def amounts_row(label: str, rows: list[tuple], i: int) -> list:
        row = [None] * width
        row[col["name"]] = label
        row[col["target"]] = amount(sum(cur for _, cur, _ in rows) * 2, shape, i)
        row[col["cur"]] = amount(sum(cur for _, cur, _ in rows), shape, i)
        row[col["last"]] = amount(sum(last for _, _, last in rows), shape, i + 1)
        if shape.hidden_stale:
            row[col["stale"]] = amount(sum(round(cur * 0.8) for _, cur, _ in rows), shape, i)
        if shape.unit == "column":
            row[col["unit"]] = "万元"
        return row

    if shape.total == "top":
        sheet.add(amounts_row("合计", INDICATORS, 0))
    i = 0
    for k, (band, count) in enumerate(INDICATOR_BANDS):
        if shape.repeated_header and k == 1:
            sheet.add([path[-1] for path in paths])
        if shape.band == "merged":
            r = sheet.add([f"{ORDINALS[k]}、{band}"] + [None] * (width - 1))
            sheet.merges.append((r, r, 0, width - 1))
        else:
            row = [None] * width
            row[col["name"]] = {"paren": f"（{ORDINALS[k]}）{band}", "ordinal": f"{ORDINALS[k]}、{band}"}.get(
                shape.band, f"{band}类" if shape.band == "lei" else band
            )
            sheet.add(row)
        for name, cur, last in INDICATORS[i : i + count]:
            if shape.blank_rows and i == 2:
                sheet.add([None] * width)
            row = amounts_row(f"{i + 1}.{name}" if shape.band == "ordinal" else name, [(name, cur, last)], i)
            r = sheet.add(row)
            sheet.cells[name] = (cell_name(r, col["cur"]), cell_name(r, col["last"]))
            i += 1
        if shape.band == "subtotal":
            sheet.add(amounts_row("小计", INDICATORS[i - count : i], k))
    if shape.total == "bottom":
        sheet.add(amounts_row("合计", INDICATORS, 1))
    if shape.footer:
        sheet.add(["填报单位（盖章）：经发局"] + [None] * (width - 1))
    return sheet


def _a1(r0: int, r1: int, c0: int, c1: int) -> str:
    return f"{cell_name(r0, c0)}:{cell_name(r1, c1)}"


def unmerge_and_fill(sheet: Sheet) -> Sheet:
    """The sheet after 取消合并并填充: no merged ranges, the value in every cell of each."""
    rows = [list(r) for r in sheet.rows]
    for r0, r1, c0, c1 in sheet.merges:
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                rows[r][c] = sheet.rows[r0][c0]
    return Sheet(rows, [], sheet.hidden, sheet.cells)


def write_sheet(path: Path, sheet: Sheet, name: str) -> Path:
    """`sheet` saved as `path` (.xlsx, .xls or .csv in GB18030), on a sheet called `name`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".xlsx":
        hidden = tuple(cell_name(0, c)[:-1] for c in sheet.hidden)
        return write_xlsx(
            path, sheet.rows, sheet=name, merges=tuple(_a1(*m) for m in sheet.merges), hidden_columns=hidden
        )
    if path.suffix == ".xls":
        return write_xls(path, sheet.rows, sheet=name, merges=tuple(sheet.merges))
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(
        ["" if v is None else v for v in row] for row in sheet.rows
    )
    path.write_bytes(out.getvalue().encode("gb18030"))
    return path
