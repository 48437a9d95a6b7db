"""Returned 督办单: last month's sheets, filled in by the departments and placed among this month's submissions.

A returned sheet is recognised by its content, not its name (departments rename files): a sheet titled
"…督办单（××局）" in A1 whose third row is the 督办单 header (render/supervision.py). Its action rows — those
above the reference banner — give, per item, what the department wrote in 整改措施, 责任人, 完成时限 and
反馈情况.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

TITLE = re.compile(
    r"(?P<year>\d{4})年(?P<span>1(?:-\d{1,2})?月)重点指标督办单（(?P<department>[^（）]+)）\s*$"
)
HEADER = ("序号", "事项（指标/项目）")
FILL_IN = ("整改措施", "责任人", "完成时限", "反馈情况")
REFERENCE_MARK = "仅供参考"


@dataclass(frozen=True)
class ReplyItem:
    subject: str
    status: str
    measures: str = ""
    person: str = ""
    deadline: str = ""
    feedback: str = ""

    @property
    def answered(self) -> bool:
        return bool(self.measures or self.feedback)


@dataclass(frozen=True)
class Reply:
    department: str
    span: str  # "1-6月": the period the 督办单 was issued for
    year: int
    file: str
    items: tuple[ReplyItem, ...] = field(default_factory=tuple)


def _text(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "strftime"):  # a 完成时限 typed as a date
        return f"{value.year}年{value.month}月{value.day}日"
    return re.sub(r"\s+", " ", str(value)).strip()


def read_reply(path: Path) -> Reply | None:
    """The returned 督办单 in `path`, or None when the workbook is not one (or cannot be read)."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception:  # not a workbook, or locked: simply not a reply
        return None
    try:
        for ws in wb.worksheets:
            rows = ws.iter_rows(values_only=True)
            first = next(rows, ())
            m = TITLE.search(_text(first[0] if first else ""))
            if not m:
                continue
            header: list[str] = []
            for row in rows:
                cells = [_text(c) for c in row]
                if tuple(cells[:2]) == HEADER:
                    header = cells
                    break
            if not header or not all(h in header for h in FILL_IN):
                continue
            col = {h: header.index(h) for h in header if h}
            items = []
            for row in rows:
                cells = [_text(c) for c in row] + [""] * len(header)
                if REFERENCE_MARK in cells[0]:
                    break  # the reference rows below need no reply
                if not cells[0].isdigit() or not cells[1]:
                    continue  # a banner ("本期无需督办事项") or an empty row
                items.append(
                    ReplyItem(
                        subject=cells[1],
                        status=cells[col.get("状态/督办等级", 3)],
                        measures=cells[col["整改措施"]],
                        person=cells[col["责任人"]],
                        deadline=cells[col["完成时限"]],
                        feedback=cells[col["反馈情况"]],
                    )
                )
            return Reply(m["department"], m["span"], int(m["year"]), path.name, tuple(items))
    finally:
        wb.close()
    return None


def read_replies(folder: Path, year: int, span: str) -> list[Reply]:
    """The returned 督办单 for `year`/`span` among the .xlsx files of `folder` (sub-folders included), one per
    department (the last by name when a department sent two)."""
    if not folder.is_dir():
        return []
    found: dict[str, Reply] = {}
    for path in sorted(folder.rglob("*.xlsx")):
        if path.name.startswith(("~$", ".")):
            continue
        reply = read_reply(path)
        if reply is not None and reply.year == year and reply.span == span:
            found[reply.department] = reply
    return list(found.values())
