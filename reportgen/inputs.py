"""Plain data read from the submissions, handed from `sources` to `metrics`. Every value keeps its place."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .errors import Location, SourceError
from .period import Period


@dataclass(frozen=True)
class Reading:
    """One number as submitted: None when not reported (placeholder) or not readable (see `problem`)."""

    value: float | None
    location: Location | None = None
    problem: str = ""
    unit: str = ""  # the value's unit when it is not the indicator's (amounts behind a growth rate: 元)

    @property
    def source(self) -> str:
        return str(self.location) if self.location else ""


@dataclass(frozen=True)
class Project:
    """One row of a key-project ledger; amounts are in the ledger's `amount_unit`."""

    location: Location
    name: str
    owner: str = ""
    category: str = ""
    nature: str = ""
    total_investment: float | None = None
    annual_plan: float | None = None
    completed: float | None = None
    planned_start: date | None = None
    actual_start: date | None = None
    started_flag: bool | None = None
    progress: str = ""
    issues: str = ""
    leader: str = ""
    level: str = ""  # 项目级别 (省/市/县…), when the ledger maps that column
    extra: dict = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class RowCounts:
    """What the reader made of each non-blank row below a ledger's or indicator sheet's header: nothing is
    skipped uncounted."""

    projects: int = 0
    bands: int = 0  # category rows (一、产业项目（45个）, 新材料类…)
    totals: int = 0  # 合计/小计 rows
    headers: int = 0  # header or column-number rows repeated mid-sheet
    notes: int = 0  # footers and notes (填报人、说明…)
    unclassified: int = 0  # rows that are none of these: never counted, each one a problem

    def summary(self, data_rows: str = "项目") -> str:
        """'60 个项目，4 个分类行，5 个小计/合计行，0 个无法识别' (repeated headers and notes when there are any);
        an indicator sheet's data rows are called 指标行."""
        parts = [f"{self.projects} 个{data_rows}", f"{self.bands} 个分类行", f"{self.totals} 个小计/合计行"]
        if self.headers:
            parts.append(f"{self.headers} 个重复表头行")
        if self.notes:
            parts.append(f"{self.notes} 个表尾/说明行")
        parts.append(f"{self.unclassified} 个无法识别")
        return "，".join(parts)


@dataclass
class LedgerData:
    name: str
    location: Location | None
    projects: list[Project]
    rows: RowCounts | None = None  # None when the ledger could not be read


@dataclass
class PeriodData:
    """Everything read for one period; `problems` lists what could not be read (the run goes on without it)."""

    period: Period
    readings: dict[str, Reading] = field(default_factory=dict)
    last_year: dict[str, Reading] = field(default_factory=dict)
    yoy: dict[str, Reading] = field(default_factory=dict)
    targets: dict[str, Reading] = field(default_factory=dict)  # 确保 read from the sheet (target: {column})
    stretches: dict[str, Reading] = field(default_factory=dict)  # 力争 read from the sheet
    last_year_completion: dict[str, Reading] = field(
        default_factory=dict
    )  # 去年同期完成率, in percent (73.2)
    last_year_targets: dict[str, Reading] = field(default_factory=dict)  # 上年目标, in the indicator's unit
    milestones: dict[str, list[Reading]] = field(default_factory=dict)
    ledgers: dict[str, LedgerData] = field(default_factory=dict)
    problems: list[SourceError] = field(default_factory=list)
    # What was read as it stands but is worth saying (rows the ledger reader skipped, "3000余" read as 3000,
    # no 上年同期): shown with the problems, not counted among them.
    notices: list[str] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    missing: list[tuple[str, list[str]]] = field(default_factory=list)  # 缺报: (file, departments sending it)
