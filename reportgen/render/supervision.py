"""A department's 督办单: the working document it fills in and returns (DESIGN §8).

Not a filtered copy of the zone workbook: what needs action comes first — 底线 breaches, red then yellow
progress indicators with their escalation level, overdue projects, unreported indicators — each described by
the report's own sentence, with four columns the department fills in (整改措施, 责任人, 完成时限, 反馈情况).
Its other indicators follow for reference. The sheet is protected except those cells, without a password.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..config.model import Escalation
from ..kinds import kind_of, verdict
from ..metrics.results import IndicatorResult, ProjectResult, Results
from . import numbers as nb
from .report import Voice, escalation_note, lagging_results

COLUMNS = (  # header, width (characters), filled in by the department
    ("序号", 5, False),
    ("事项（指标/项目）", 16, False),
    ("现状", 38, False),
    ("状态/督办等级", 14, False),
    ("存在问题", 20, False),
    ("整改措施", 22, False),
    ("责任人", 8, False),
    ("完成时限", 10, False),
    ("反馈情况", 18, False),
)
FILL_IN = ("整改措施", "责任人", "完成时限", "反馈情况")
NOTHING_TO_DO = "本期无需督办事项"
REFERENCE_HEAD = "以下为贵单位其他指标（绿灯、未评价等），仅供参考，无需填写"


@dataclass(frozen=True)
class Item:
    """One row of the 督办单."""

    subject: str  # 事项
    situation: str  # 现状: the report's sentence
    status: str  # 状态/督办等级
    issues: str = ""  # 存在问题
    action: bool = True  # needs action: the fill-in cells are open


def escalation_rule(rules: Escalation) -> str:
    """The escalation rule in one line, with the config's month counts."""
    if not rules.enabled:
        return "红灯、黄灯指标及逾期项目均需整改反馈"
    yellow = rules.supervise_after_yellow_months
    red = rules.interview_after_red_months
    return f"黄灯提醒；红灯或连续{yellow}个月亮灯督办；连续{red}个月红灯约谈；突破底线即督办"


def _indicator_status(r: IndicatorResult, breach: bool) -> str:
    light = "突破底线" if breach else nb.light_name(r.light)
    return light + escalation_note(r, bracket=False)


def _project_item(p: ProjectResult) -> Item:
    planned = nb.month_text(p.planned_start)
    late = f"逾期{p.months_late}个月" if p.months_late else "本月到期"
    return Item(
        subject=p.name,
        situation=f"计划{planned}开工，截至本期未开工" + (f"（{p.progress}）" if p.progress else ""),
        status=f"逾期未开工，{late}",
        issues=p.issues,
    )


def supervision_items(mine: Results, voice: Voice) -> tuple[list[Item], list[Item]]:
    """(items needing action, in order; the other indicators for reference) of one department's results."""
    say = voice.say
    breaches = [r for r in mine.indicators if kind_of(r.kind).red_line and r.on_track is False]
    lagging = lagging_results(mine)
    unreported = [r for r in mine.indicators if r.actual is None]
    overdue = sorted(
        (p for ledger in mine.ledgers for p in ledger.overdue), key=lambda p: -(p.months_late or 0)
    )
    action = [
        Item(r.name, say(r), _indicator_status(r, True), verdict(r, voice.wording(r))) for r in breaches
    ]
    action += [
        Item(r.name, say(r), _indicator_status(r, False), verdict(r, voice.wording(r))) for r in lagging
    ]
    action += [_project_item(p) for p in overdue]
    action += [Item(r.name, say(r), "未报送", "数据未报送，请尽快报送") for r in unreported]
    acted = {id(r) for r in breaches + lagging + unreported}
    reference = [
        Item(r.name, say(r), nb.status_name(r), action=False) for r in mine.indicators if id(r) not in acted
    ]
    return action, reference


def write_supervision(
    mine: Results,
    department: str,
    path: Path,
    *,
    voice: Voice,
    deadline: date,
    rules: Escalation | None = None,
) -> Path:
    """Write one department's 督办单 to `path` (an .xlsx built in code, no template)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
    from openpyxl.utils import get_column_letter

    from .excel import display_width

    action, reference = supervision_items(mine, voice)
    rules = rules or Escalation()
    span = nb.span(mine.month)
    wb = Workbook()
    ws = wb.active
    ws.title = "督办单"
    last = get_column_letter(len(COLUMNS))
    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    body = Font(name="仿宋", size=10)
    wrap = Alignment(vertical="center", wrap_text=True)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    open_cell = Protection(locked=False)
    fill_in = {i for i, (h, _, _) in enumerate(COLUMNS, start=1) if h in FILL_IN}

    ws["A1"] = f"{mine.zone}{mine.year}年{span}重点指标督办单（{department}）"
    ws["A1"].font = Font(name="方正小标宋简体", size=16, bold=True)
    ws["A1"].alignment = centre
    ws.row_dimensions[1].height = 32
    ws["A2"] = (
        f"统计期间：{mine.year}年{span}　督办规则：{escalation_rule(rules)}。"
        f"请于{nb.date_text(deadline)}前填写后报回（整改措施、责任人、完成时限、反馈情况四栏）"
    )
    ws["A2"].font = Font(name="楷体", size=10)
    ws["A2"].alignment = centre
    ws.row_dimensions[2].height = 30
    for row in (1, 2):
        ws.merge_cells(f"A{row}:{last}{row}")

    for col, (header, width, _) in enumerate(COLUMNS, start=1):
        cell = ws.cell(3, col, header)
        cell.font = Font(name="黑体", size=10, bold=True)
        cell.fill = PatternFill("solid", fgColor="FCE4D6" if col in fill_in else "D9E1F2")
        cell.border, cell.alignment = border, centre
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.row_dimensions[3].height = 28

    row = 4

    def banner(text: str) -> None:
        nonlocal row
        ws.cell(row, 1, text).font = Font(name="黑体", size=10)
        ws.cell(row, 1).alignment = Alignment(horizontal="left", vertical="center")
        for col in range(1, len(COLUMNS) + 1):
            ws.cell(row, col).border = border
        ws.merge_cells(f"A{row}:{last}{row}")
        ws.row_dimensions[row].height = 20
        row += 1

    def item_row(seq: int, item: Item) -> None:
        nonlocal row
        values = (seq, item.subject, item.situation, item.status, item.issues)
        lines = 1
        for col in range(1, len(COLUMNS) + 1):
            cell = ws.cell(row, col, values[col - 1] if col <= len(values) else None)
            cell.font, cell.border = body, border
            cell.alignment = centre if col in (1, 4, 7, 8) else wrap
            if item.action and col in fill_in:
                cell.protection = open_cell
            if col <= len(values) and values[col - 1]:
                text = str(values[col - 1])
                lines = max(lines, -(-display_width(text) // max(COLUMNS[col - 1][1] - 1, 1)))
        ws.row_dimensions[row].height = max(14 * lines + 6, 30 if item.action else 18)
        row += 1

    if action:
        for seq, item in enumerate(action, start=1):
            item_row(seq, item)
    else:
        banner(NOTHING_TO_DO)
    if reference:
        banner(REFERENCE_HEAD)
        for seq, item in enumerate(reference, start=len(action) + 1):
            item_row(seq, item)

    ws.freeze_panes = "A4"
    ws.print_title_rows = "3:3"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    # Protected so the description stays as the report said it; no password, so WPS users can lift it.
    ws.protection.sheet = True
    ws.protection.formatRows = False  # rows may grow to fit what is written
    ws.protection.formatColumns = False
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
