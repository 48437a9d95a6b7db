"""What a department owes for a period (files, deadline, working days left, status, last month's values),
what the period still lacks (the 缺报 decision), and whether uploads arrived after the report went out (有更新).

Data only; `now` is always given. Pages, the CLI and the scheduler render or act on it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from .config.model import Config
from .intake import Figure, IntakeError, expected_files, last_month_figures
from .period import Period
from .submissions import FileStatus, SubmissionStore, file_status


@dataclass(frozen=True)
class Deadline:
    """When the period's data is due: `due` (the report day's run), `cutoff` (the last wait for late files)."""

    due: datetime
    cutoff: datetime
    workdays_left: int  # working days from today through the due day (today counts while before `due`)
    overdue: bool

    def text(self) -> str:
        when = f"{self.due:%Y年%m月%d日 %H:%M}"
        if self.overdue:
            return f"截止 {when}（已逾期）"
        return f"截止 {when}（还剩 {self.workdays_left} 个工作日）"


@dataclass(frozen=True)
class OwedFile:
    status: FileStatus
    last_month: list[Figure]  # last month's values of this file, for reference (values only; no check)


@dataclass(frozen=True)
class Owed:
    """One department's page for one period."""

    period: str
    department: str
    deadline: Deadline
    files: list[OwedFile]

    @property
    def pending(self) -> list[OwedFile]:
        return [f for f in self.files if not f.status.counts_as_submitted]


def deadline(config: Config, period: Period, now: datetime) -> Deadline:
    """The due time: portal.deadline_workday (of the month after the period) at portal.deadline_time;
    without it, when the first scheduled job (workday rule) fires for the period; else the 5th working day.
    The cutoff adds that job's wait.deadline_hours (0 without a job)."""
    from .workdays import WorkCalendar

    tz = ZoneInfo(config.schedule.timezone)
    schedule = config.schedule
    job = next((j for j in schedule.jobs if j.workday is not None), None)
    portal = config.portal
    months_back = job.months_back if job else 1
    index = period.year * 12 + period.month - 1 + max(months_back, 1)
    year, month = index // 12, index % 12 + 1
    calendar = WorkCalendar(schedule.holidays, schedule.workdays)
    if portal.deadline_workday is not None or job is None:
        n, clock = portal.deadline_workday or 5, portal.deadline_time
    else:
        n, clock = job.workday, job.time
    day = calendar.nth_workday(year, month, n)
    hour, minute = (int(x) for x in clock.split(":"))
    due = datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz)
    cutoff = due + timedelta(hours=job.wait.deadline_hours if job else 0)
    local = now.astimezone(tz)
    left, cursor = 0, local.date()
    while cursor <= day:
        if calendar.is_workday(cursor) and not (cursor == day and local >= due):
            left += 1
        cursor += timedelta(days=1)
    return Deadline(due, cutoff, left, local >= due)


def owed(config: Config, store: SubmissionStore, period: Period, department: str, now: datetime) -> Owed:
    """The files `department` sends for `period`, each with its status and last month's values."""
    name = config.department_of(department)
    if name is None:
        raise IntakeError(f"未知的责任单位“{department}”")
    files = [e for e in expected_files(config, period) if name in e.departments]
    return Owed(
        str(period),
        name,
        deadline(config, period, now),
        [
            OwedFile(
                file_status(config, store, period, e), last_month_figures(config, period, e, store.checked)
            )
            for e in files
        ],
    )


def outstanding(config: Config, store: SubmissionStore, period: Period) -> list[tuple[str, list[str]]]:
    """缺报 as the portal sees it, in the shape of sources.collect.missing_submissions: (file, departments)
    for every expected file that is not there or was sent back (退回). The scheduler's wait/催报 can use it."""
    from .submissions import period_status

    return [
        (s.file, list(s.departments))
        for s in period_status(config, store, period)
        if not s.counts_as_submitted
    ]


@dataclass(frozen=True)
class Updates:
    """Submissions that changed since the period's report was generated (有更新): regenerate to include them."""

    generated_at: datetime | None
    files: list[str]

    @property
    def any(self) -> bool:
        return bool(self.files)


def updates_since_report(config: Config, store: SubmissionStore, period: Period) -> Updates:
    """Expected files whose content in data/<period>/ differs from what the report in output/<period>/ read
    (its manifest.json lists each input's sha256): an accepted upload or a file replaced by hand since."""
    from .submissions import period_status

    record = _manifest(config.resolve(config.output.dir) / str(period) / "manifest.json")
    if record is None:
        return Updates(None, [])
    data_dir = config.resolve(config.data.dir)
    read = {i.get("path"): i.get("sha256") for i in record.get("inputs", []) if isinstance(i, dict)}
    changed = []
    for status in period_status(config, store, period):
        if status.path is None:
            continue
        try:
            rel = status.path.relative_to(data_dir).as_posix()
        except ValueError:
            rel = str(status.path)
        digest = status.version.sha256 if status.version else _digest(status.path)
        if read.get(rel) != digest:
            changed.append(status.file)
    return Updates(_generated_at(record), changed)


def _digest(path: Path) -> str:
    from .render.outputs import sha256

    return sha256(path)


def _manifest(path: Path) -> dict | None:
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None


def _generated_at(record: dict) -> datetime | None:
    try:
        moment = datetime.fromisoformat(record.get("generated_at") or "")
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo else moment.astimezone()
