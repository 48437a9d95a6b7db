"""Everything the console reads about runs, submissions and deliveries, as plain data for the templates.

The one place that knows where that state lives: the library's status API (reportgen/status.py: runs, the
delivery ledger, next fire times), the output and data folders. Views and templates only see the data below.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from ..history import RUN_STATES, History, RunRecord
from ..period import Period
from ..status import TRIGGERS, Attempt

DOWNLOADABLE = {".docx", ".pdf", ".xlsx"}
PERIOD_FOLDER = re.compile(r"^\d{4}-\d{2}$")


@dataclass(frozen=True)
class RunView:
    id: int
    period: str
    report: str
    trigger: str  # 手工 / 定时 / …
    started: str  # local time, minutes
    duration: str
    status: str  # success / failed / …
    status_name: str
    missing: list[str]
    error: str

    @property
    def failed(self) -> bool:
        return self.status == "failed"


@dataclass(frozen=True)
class Submission:
    department: str
    files: list[str]  # expected file names of the period
    submitted: int
    missing: int
    problems: list[str]  # file › sheet › cell：what is wrong, from the last run of the period


@dataclass(frozen=True)
class NextRun:
    job: str
    at: str
    period: str


@dataclass(frozen=True)
class OutputFile:
    path: str  # relative to the period's output folder, "/" separated
    name: str
    kind: str  # 报告 / 汇总表 / 督办单 / 数据 / PDF
    size: int


@dataclass
class MonthView:
    period: str
    label: str  # 2024年1-6月
    submissions: list[Submission]
    runs: list[RunView]
    deliveries: list[Attempt]  # the status API's own rows; the page formats their time
    owed: list[str]  # recipients the period's mail has not reached yet
    outputs: list[OutputFile]
    problems: list[str]
    next_runs: list[NextRun] = field(default_factory=list)
    lights: dict[str, int] = field(default_factory=dict)  # total, green, yellow, red, none
    ledger: dict[str, int] = field(default_factory=dict)  # the delivery ledger's rows by state

    @property
    def last_run(self) -> RunView | None:
        return self.runs[0] if self.runs else None

    def count(self, status: str) -> int:
        """Messages in a state: from the delivery ledger (one row per message, however many attempts)."""
        if self.ledger:
            return self.ledger.get(status, 0)
        return sum(1 for d in self.deliveries if d.status == status)


@dataclass(frozen=True)
class PeriodRow:
    period: str
    last_run: RunView | None
    has_output: bool


class ConsoleState:
    """Reads the state of one config for the console."""

    def __init__(self, config):
        self.config = config
        self.history = History.for_config(config)
        self.tz = ZoneInfo(config.schedule.timezone)
        self.output_root = config.resolve(config.output.dir)

    # ---------------------------------------------------------------- runs
    def _run_view(self, r: RunRecord) -> RunView:
        took = f"{(r.finished_at - r.started_at).total_seconds():.1f} 秒" if r.finished_at else "—"
        how = TRIGGERS.get(r.trigger, r.trigger)
        return RunView(
            r.id,
            r.period,
            r.report,
            how if r.report == "manual" else f"任务“{r.report}”（{how}）",
            r.started_at.astimezone(self.tz).strftime("%Y-%m-%d %H:%M"),
            took,
            r.status,
            RUN_STATES.get(r.status, r.status),  # one name per run status, as `history` prints it
            r.missing,
            r.error,
        )

    def run(self, run_id: int) -> RunView | None:
        # history offers runs by period or the latest ones; a run page is reached from its period's list
        for r in self.history.runs(None, limit=5000):
            if r.id == run_id:
                return self._run_view(r)
        return None

    def periods(self, now: datetime | None = None) -> list[PeriodRow]:
        """Every period with a run, an output folder or a data folder, and the current one; newest first."""
        last = {r.period: self._run_view(r) for r in self.history.latest_per_period()}
        outputs = self._folders(self.output_root)
        from ..sources.collect import period_dir

        found = set(last) | outputs | {str(self.current(now))}
        data_root = period_dir(self.config, Period(self.config.year, 1)).parent
        found |= {p for p in self._folders(data_root)}
        return [PeriodRow(p, last.get(p), p in outputs) for p in sorted(found, reverse=True)]

    @staticmethod
    def _folders(root: Path) -> set[str]:
        try:
            return {p.name for p in root.iterdir() if p.is_dir() and PERIOD_FOLDER.match(p.name)}
        except OSError:
            return set()

    def current(self, now: datetime | None = None) -> Period:
        """The period the office works on now: the last complete month (as the schedule's default)."""
        now = (now or datetime.now(UTC)).astimezone(self.tz)
        index = now.year * 12 + now.month - 2
        return Period(index // 12, index % 12 + 1)

    def landing(self, now: datetime | None = None) -> str:
        """The period the console opens on: the newest with outputs or runs, else the current one."""
        rows = self.periods(now)
        with_work = [r.period for r in rows if r.has_output or r.last_run]
        return with_work[0] if with_work else str(self.current(now))

    # ---------------------------------------------------------------- one month
    def month(self, period: Period, now: datetime | None = None) -> MonthView:
        from ..errors import SourceError
        from ..sources.collect import expected_submissions, find_input, period_dir, period_formatter

        key = str(period)
        results = self.results(key) or {}
        problems = [str(p) for p in results.get("problems", [])]
        folder = period_dir(self.config, period)
        fmt = period_formatter(period)
        from ..owed import outstanding
        from ..submissions import SubmissionStore

        # owed as the portal sees it: not there, or there but sent back (退回) — the scheduler's 缺报 too
        owed = {file for file, _ in outstanding(self.config, SubmissionStore.for_config(self.config), period)}
        by_department: dict[str, dict] = {}
        for file, departments in expected_submissions(self.config):
            name = fmt(file)
            try:
                find_input(folder, name)
                present = name not in owed
            except SourceError:  # not there (yet)
                present = False
            stem = Path(name).stem
            file_problems = [p for p in problems if Path(p.split(" › ", 1)[0]).stem.endswith(stem)]
            for dept in departments or ["（本办收集）"]:
                entry = by_department.setdefault(dept, {"files": [], "in": 0, "out": 0, "problems": []})
                entry["files"].append(name)
                entry["in" if present else "out"] += 1
                entry["problems"] += [p for p in file_problems if p not in entry["problems"]]
        order = {name: i for i, name in enumerate(self.config.department_names)}
        submissions = [
            Submission(d, e["files"], e["in"], e["out"], e["problems"])
            for d, e in sorted(by_department.items(), key=lambda kv: order.get(kv[0], len(order)))
        ]
        from ..status import attempt_view, period_status

        self.history.resolve_interrupted()  # a run whose process is gone shows 中断, not 运行中 for ever
        runs = [self._run_view(r) for r in self.history.runs(key, limit=20)]
        deliveries = [attempt_view(d) for d in reversed(self.history.deliveries(key))]
        ledger = next(iter(period_status(self.history, key)))
        delivered = {(d.row.role, d.row.department, d.row.address) for d in ledger.done}
        counts: dict[str, int] = {}
        for d in ledger.deliveries:
            if d.row.role != "reminder":
                counts[d.row.state] = counts.get(d.row.state, 0) + 1
        return MonthView(
            key,
            f"{period.year}年{period.label}",
            submissions,
            runs,
            deliveries,
            [
                f"{to}（{who}）"
                for role, dept, to, who in self._recipients()
                if (role, dept, to) not in delivered
            ],
            self.outputs(key),
            problems,
            self.next_runs(now),
            _lights(results),
            counts,
        )

    def _recipients(self) -> list[tuple[str, str, str, str]]:
        """(ledger role, department, address, who) of everyone the period's mail goes to."""
        mail = self.config.mail
        if mail is None:
            return []
        out = [("leaders", "", to, "领导") for to in mail.leaders]
        if mail.departments:
            out += [
                ("department", d.name, to, d.name)
                for d in self.config.departments
                if not isinstance(d, str)
                for to in d.email
            ]
        return out

    def results(self, period: str) -> dict | None:
        try:
            return json.loads((self.output_root / period / "results.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def outputs(self, period: str) -> list[OutputFile]:
        folder = self.output_root / period
        if not folder.is_dir():
            return []
        files = []
        for p in sorted(folder.rglob("*")):
            if not p.is_file() or (p.suffix not in DOWNLOADABLE and p.name != "results.json"):
                continue
            rel = p.relative_to(folder).as_posix()
            if rel.startswith("departments/"):
                kind = "督办单"
            elif p.suffix == ".docx":
                kind = "Word 通报"
            elif p.suffix == ".pdf":
                kind = "PDF"
            elif p.suffix == ".xlsx":
                kind = "汇总表"
            else:
                kind = "计算结果"
            files.append(OutputFile(rel, p.name, kind, p.stat().st_size))
        rank = {"Word 通报": 0, "PDF": 1, "汇总表": 2, "督办单": 3, "计算结果": 4}
        return sorted(files, key=lambda f: (rank[f.kind], f.path))

    def output_path(self, period: str, rel: str) -> Path | None:
        """The file `rel` of the period's outputs, or None for anything not listed (no path escapes)."""
        listed = {f.path for f in self.outputs(period)}
        return self.output_root / period / rel if rel in listed else None

    def next_runs(self, now: datetime | None = None) -> list[NextRun]:
        jobs = self.config.schedule.jobs
        if not jobs:
            return []
        from ..scheduler import build_trigger, period_for

        now = now or datetime.now(UTC)
        out = []
        for job in jobs:
            try:
                when = build_trigger(job, self.config.schedule).get_next_fire_time(None, now)
            except Exception:  # a bad trigger is reported by `schedule --list`; the page still shows
                when = None
            if when is not None:
                out.append(
                    NextRun(
                        job.name,
                        when.astimezone(self.tz).strftime("%Y-%m-%d %H:%M"),
                        str(period_for(job, when)),
                    )
                )
        return sorted(out, key=lambda n: n.at)


def _lights(results: dict) -> dict[str, int]:
    indicators = results.get("indicators", [])
    if not indicators:
        return {}
    counts = {"total": len(indicators), "green": 0, "yellow": 0, "red": 0, "none": 0}
    for i in indicators:
        light = i.get("light", "none")
        counts[light if light in counts else "none"] += 1
    return counts
