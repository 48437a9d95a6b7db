"""What an Excel template may contain: the marker fields per record type, stock sheets and subtitles.

Kept apart from excel.py (which needs openpyxl) so that `validate` can check templates without importing it.
"""

from __future__ import annotations

import re

from ..errors import TemplateError
from ..kinds import Wording, kind_of, verdict
from ..metrics.results import STRETCH_LABEL, IndicatorResult
from . import numbers as nb

MARKER = re.compile(r"^\s*\{\{\s*(\w+)\.(\w+)\s*\}\}\s*$")
PLACEHOLDER = re.compile(r"\{(\w+)\}")
PERCENT = "0.0%"
POINTS = "+0.0;-0.0;0.0"
TEXT_START = ("=", "+", "-", "@")


def _date(d) -> str:
    return "" if d is None else f"{d.year}年{d.month}月"


def _stretch_only(r) -> bool:
    """Only a 力争 target was set: it is the benchmark, and it belongs in the 力争 columns."""
    return r.target_label == STRETCH_LABEL


# Values are raw here; the writer stores each number rounded half-up to what its cell format shows.
def _pct(value: float | None) -> float | None:
    """A percentage (12.35) as the fraction a 0.0% cell shows."""
    return None if value is None else value / 100


def shown_unit(r) -> str:
    """The unit of the row's 目标/完成 figures, as the Word table heads them: % for a growth or share (a growth
    computed from amounts included: its `unit` is the amounts' unit, not the rate's)."""
    return "%" if kind_of(r.kind).rate else r.unit


def _readable(value: float, unit: str) -> tuple[float, str]:
    """Amounts read in 元 or 万元, said in 亿元 when that big (1302000000.00元 → 13.02亿元)."""
    scale = {"元": 1e8, "万元": 1e4}.get(unit)
    return (value / scale, "亿元") if scale and abs(value) >= scale else (value, unit)


def _note(r, ctx: dict) -> str:
    """备注; a growth computed from amounts says what the amounts are (the row's figures are rates in %)."""
    if not r.amount_unit or r.amount is None:
        return r.note
    value, unit = _readable(r.amount, r.amount_unit)
    amounts = f"按金额计算：{ctx['span']}{nb.amount(value, unit)}"
    if r.last_year is not None:
        amounts += f"，上年同期{nb.amount(_readable(r.last_year, r.amount_unit)[0], unit)}"
    return f"{amounts}；{r.note}" if r.note else amounts


def _gap(r) -> float | None:
    kind = kind_of(r.kind)
    return r.gap if kind.prorated or kind.rate else None


# record type -> field -> (header, value function, number format or None). Formats "unit" follow the row's unit.
FIELDS: dict[str, dict[str, tuple]] = {
    "indicator": {
        "seq": ("序号", lambda r, i, ctx: i, "0"),
        "group": ("分组", lambda r, i, ctx: r.group, None),
        "name": ("指标名称", lambda r, i, ctx: r.name, None),
        "unit": ("单位", lambda r, i, ctx: shown_unit(r), None),
        "target": ("确保目标", lambda r, i, ctx: None if _stretch_only(r) else r.target, "unit"),
        "stretch": ("力争目标", lambda r, i, ctx: r.target if _stretch_only(r) else r.stretch, "unit"),
        "actual": ("{span}完成", lambda r, i, ctx: r.actual, "unit"),
        "completion": ("完成率", lambda r, i, ctx: r.completion, PERCENT),
        "stretch_completion": (
            "力争完成率",
            lambda r, i, ctx: r.completion if _stretch_only(r) else r.stretch_completion,
            PERCENT,
        ),
        "time_progress": ("序时进度", lambda r, i, ctx: r.time_progress, PERCENT),
        "gap": ("差距（百分点）", lambda r, i, ctx: _gap(r), POINTS),
        "progress_words": ("进度评价", lambda r, i, ctx: _verdict(r, ctx), None),
        # A growth computed from amounts keeps last year's amount in 元 (amount_unit), not in the row's unit (%).
        "last_year": ("上年同期", lambda r, i, ctx: None if r.amount_unit else r.last_year, "unit"),
        "yoy": ("同比", lambda r, i, ctx: _pct(r.yoy), PERCENT),
        "projection": ("按当前进度全年预计", lambda r, i, ctx: r.projection, "unit"),
        "light": ("状态", lambda r, i, ctx: nb.status_name(r), None),
        "checkpoint": ("{checkpoint}", lambda r, i, ctx: _checkpoint(r), None),
        "owner": ("责任单位", lambda r, i, ctx: r.owner, None),
        "source": ("数据来源", lambda r, i, ctx: r.source, None),
        "note": ("备注", lambda r, i, ctx: _note(r, ctx), None),
        "escalation": ("督办等级", lambda r, i, ctx: r.escalation, None),
        "flagged_months": ("连续亮灯月数", lambda r, i, ctx: r.flagged_months, "0"),
        "completion_change": ("完成率较上月（百分点）", lambda r, i, ctx: r.completion_change, POINTS),
        "mom": ("环比", lambda r, i, ctx: _pct(r.mom), PERCENT),
        "last_year_completion": ("去年同期完成率", lambda r, i, ctx: r.last_year_completion, PERCENT),
        "completion_vs_last_year": (
            "完成率比去年同期（百分点）",
            lambda r, i, ctx: r.completion_vs_last_year,
            POINTS,
        ),
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
        "start_overdue": (
            "逾期未开工",
            lambda p, i, ctx: (
                f"逾期{p.months_late}个月" if p.months_late else ("本月应开工" if p.months_late == 0 else "")
            ),
            None,
        ),
        "progress": ("形象进度", lambda p, i, ctx: p.progress, None),
        "issues": ("存在问题", lambda p, i, ctx: p.issues, None),
        "leader": ("包保领导", lambda p, i, ctx: p.leader, None),
        "source": ("数据来源", lambda p, i, ctx: p.source, None),
        "level": ("项目级别", lambda p, i, ctx: p.level, None),
        "ahead": (nb.AHEAD, lambda p, i, ctx: "" if p.ahead is None else ("是" if p.ahead else "否"), None),
    },
    "group": {
        "by": ("汇总口径", lambda g, i, ctx: g[0], None),
        "name": ("类别/单位", lambda g, i, ctx: g[1].name, None),
        "projects": ("项目数", lambda g, i, ctx: g[1].projects, "0"),
        "started_all": (nb.STARTED_ALL, lambda g, i, ctx: g[1].started_all, "0"),
        "start_base": (nb.START_BASE, lambda g, i, ctx: g[1].start_base, "0"),
        "started": (nb.STARTED_IN_BASE, lambda g, i, ctx: g[1].started, "0"),
        "start_rate": ("开工率", lambda g, i, ctx: g[1].start_rate, PERCENT),
        "overdue": ("逾期未开工", lambda g, i, ctx: g[1].overdue, "0"),
        "total_investment": ("总投资", lambda g, i, ctx: g[1].total_investment, "0.00"),
        "annual_plan": ("年度计划投资", lambda g, i, ctx: g[1].annual_plan, "0.00"),
        "completed": ("{span}完成投资", lambda g, i, ctx: g[1].completed, "0.00"),
        "completion": ("投资完成率", lambda g, i, ctx: g[1].completion, PERCENT),
        "with_plan": (nb.WITH_PLAN, lambda g, i, ctx: g[1].with_plan, "0"),
        "ahead": (nb.AHEAD, lambda g, i, ctx: g[1].ahead, "0"),
        "ahead_share": (nb.AHEAD_SHARE, lambda g, i, ctx: g[1].ahead_share, PERCENT),
        # The second 开工率: headed by its own base and name ({also_start_base} → 计划年内开工 …), see _context.
        "also_start_base": ("{also_start_base}", lambda g, i, ctx: g[1].also_start_base or None, "0"),
        "also_started": (
            "{also_started}",
            lambda g, i, ctx: g[1].also_started if g[1].also_start_base else None,
            "0",
        ),
        "also_start_rate": ("{also_start_rate}", lambda g, i, ctx: g[1].also_start_rate, PERCENT),
    },
    "department": {
        "rank": ("排名", lambda d, i, ctx: _rank(d), "0"),
        "name": ("责任单位", lambda d, i, ctx: d.name, None),
        "score": ("{ranking_header}", lambda d, i, ctx: d.score, "0.0"),
        "ranked_indicators": ("参与排名指标", lambda d, i, ctx: d.ranked_indicators, "0"),
        "red_line": ("底线", lambda d, i, ctx: "突破" if d.red_lines else "", None),
        "indicators": ("指标数", lambda d, i, ctx: d.indicators, "0"),
        "green": ("绿灯", lambda d, i, ctx: d.green, "0"),
        "yellow": ("黄灯", lambda d, i, ctx: d.yellow, "0"),
        "red": ("红灯", lambda d, i, ctx: d.red, "0"),
        "no_data": ("未报送", lambda d, i, ctx: d.no_data, "0"),
        "on_track": ("达到序时进度", lambda d, i, ctx: d.on_track, "0"),
        "average_completion": ("平均完成率", lambda d, i, ctx: d.average_completion, PERCENT),
        "average_gap": ("平均差距（百分点）", lambda d, i, ctx: d.average_gap, POINTS),
        "projects": ("重点项目数", lambda d, i, ctx: d.projects, "0"),
        "projects_started": (nb.STARTED_ALL, lambda d, i, ctx: d.projects_started, "0"),
        "investment_completion": ("项目投资完成率", lambda d, i, ctx: d.investment_completion, PERCENT),
        "rank_change": ("排名变化", lambda d, i, ctx: d.rank_change, None),
    },
    "problem": {
        "seq": ("序号", lambda p, i, ctx: i, "0"),
        "text": ("问题（文件 › 工作表 › 单元格：说明）", lambda p, i, ctx: p, None),
    },
}


def _gap_digits(record, value, ctx) -> int:
    return nb.revealing_digits(value)


# record type -> field -> the decimals (of the percentage or 百分点) its value needs, by the rule the Word text
# uses (render/numbers.py): a non-zero gap never shows as 0.0, a completion below its 序时进度 or 100% never
# shows as reaching it. The writer widens the cell's number format to them, cell by cell.
REVEALED_DIGITS: dict[str, dict] = {
    "indicator": {
        "gap": _gap_digits,
        "completion": lambda r, v, ctx: nb.completion_digits(v, 1.0, r.time_progress),
        "stretch_completion": lambda r, v, ctx: nb.completion_digits(v, 1.0),
        "completion_change": _gap_digits,
        "completion_vs_last_year": _gap_digits,
    },
    "department": {
        "score": lambda d, v, ctx: nb.revealing_digits(v) if ctx["ranking_by"] == "gap" else None,
        "average_gap": _gap_digits,
        "average_completion": lambda d, v, ctx: nb.completion_digits(v, 1.0, d.average_benchmark),
    },
}

DEFAULT_SHEETS = {
    "指标完成情况": (
        "indicator",
        [
            "seq",
            "group",
            "name",
            "unit",
            "target",
            "stretch",
            "actual",
            "completion",
            "stretch_completion",
            "time_progress",
            "gap",
            "completion_change",
            "progress_words",
            "yoy",
            "light",
            "escalation",
            "flagged_months",
            "checkpoint",
            "owner",
            "source",
            "note",
        ],
    ),
    "重点项目": (
        "project",
        [
            "seq",
            "name",
            "category",
            "nature",
            "owner",
            "total_investment",
            "annual_plan",
            "completed",
            "completion",
            "planned_start",
            "actual_start",
            "started",
            "start_overdue",
            "progress",
            "issues",
            "source",
        ],
    ),
    "项目汇总": (
        "group",
        [
            "by",
            "name",
            "projects",
            "started_all",
            "start_base",
            "started",
            "start_rate",
            "overdue",
            "total_investment",
            "annual_plan",
            "completed",
            "completion",
            "with_plan",
            "ahead",
            "ahead_share",
            "also_start_base",
            "also_started",
            "also_start_rate",
        ],
    ),
    "单位汇总": (
        "department",
        [
            "rank",
            "rank_change",
            "name",
            "score",
            "ranked_indicators",
            "red_line",
            "indicators",
            "green",
            "yellow",
            "red",
            "no_data",
            "average_completion",
            "projects",
            "projects_started",
            "investment_completion",
        ],
    ),
    "数据问题": ("problem", ["seq", "text"]),
}
SUBTITLES = {
    "指标完成情况": "（截至{year}年{month}月底）序时进度{time_progress}　{checkpoint_verdict}{missing_reports}{filter}",
    "重点项目": "（截至{year}年{month}月底）金额单位：{ledger_unit}　开工率{start_rate}（{start_base_text}）{filter}",
    "项目汇总": "（截至{year}年{month}月底）金额单位：{ledger_unit}　应开工指{start_base_plain}{also_start_note}"
    "{ahead_note}{filter}",
    "单位汇总": "（截至{year}年{month}月底）按{ranking_text}排名{filter}",
    "数据问题": "本期读取数据时发现的问题（未报送或无法识别的数值不计为 0）{filter}",
}


# Stock-sheet columns left out when no ledger has what they show (the second 开工率 is optional).
OPTIONAL_COLUMNS = {"also_start_base", "also_started", "also_start_rate"}


def _verdict(r: IndicatorResult, ctx: dict) -> str:
    return verdict(r, Wording(ctx["near"], ctx["severe"]))


def _checkpoint(r: IndicatorResult) -> str:
    """是 / 否 for indicators counted in the checkpoint; 底线 indicators are not progress (—)."""
    if not kind_of(r.kind).in_checkpoint or r.checkpoint_met is None:
        return "—" if r.actual is not None or r.kind == "milestone" else "未报送"
    return "是" if r.checkpoint_met else "否"


def _rank(d):
    if d.rank is None:
        return "不排名"
    return f"{d.rank}（并列）" if d.tied else (f"{d.rank}（一票否决）" if d.vetoed else d.rank)


def parse_markers(cells, template: str, sheet: str) -> tuple[int | None, dict[int, tuple[str, str]]]:
    """From (row, column, coordinate, text) of a sheet's cells: the marker row and {column: (record, field)}.
    Unknown markers, markers on two rows and two record types on one row are errors."""
    marker_row, markers = None, {}
    for row, column, coordinate, text in cells:
        if not isinstance(text, str) or "{{" not in text:
            continue
        m = MARKER.match(text)
        if not m or m.group(1) not in FIELDS or m.group(2) not in FIELDS[m.group(1)]:
            known = "、".join(f"{{{{{r}.{k}}}}}" for r in FIELDS for k in FIELDS[r])
            raise TemplateError(
                f"Excel 模板 {template} › {sheet} › {coordinate}：无法识别的标记“{text}”，可用标记：{known}"
            )
        if marker_row not in (None, row):
            raise TemplateError(
                f"Excel 模板 {template} › {sheet}：标记应在同一行（第 {marker_row} 行与第 {row} 行都有）"
            )
        marker_row = row
        markers[column] = (m.group(1), m.group(2))
    kinds = {k for k, _ in markers.values()}
    if len(kinds) > 1:
        raise TemplateError(
            f"Excel 模板 {template} › {sheet}：一行只能放一类记录，现有：{'、'.join(sorted(kinds))}"
        )
    return marker_row, markers
