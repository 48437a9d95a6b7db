"""The state of the monthly work as data: periods, runs, claims, deliveries owed and done, next fire times.

`history`, `status`, `schedule --list` (reportgen/listing.py) and the web console render it; nothing here
formats a line. Reading it marks 中断 the runs whose process is gone, so no one sees 运行中 for ever.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from .history import LEDGER_STATES, ROLE_NAMES, RUN_STATES, ClaimRecord, History, LedgerRow, RunRecord

TRIGGERS = {
    "manual": "手工",
    "scheduled": "定时",
    "catch-up": "补跑",
    "takeover": "接管重跑",
    "retry": "缺报重试",
    "retry-send": "重试发送",
    "send": "发送邮件",
    "alert": "告警",
}
ATTEMPT_STATES = {"delivered": "已送达", "rejected": "被拒收", "failed": "失败", "dry-run": "仅写出 .eml"}
KINDS = {"report": "领导", "department": "单位", "reminder": "催报", "alert": "告警"}


@dataclass(frozen=True)
class Attempt:
    """One sending attempt, as logged under its run."""

    recipient: str
    who: str  # the department, or 领导 / 催报 / 告警
    kind: str
    status: str
    status_name: str
    attempts: int
    error: str
    at: datetime


@dataclass(frozen=True)
class Run:
    record: RunRecord
    status_name: str
    trigger_name: str
    attempts: list[Attempt] = field(default_factory=list)

    @property
    def manual(self) -> bool:
        return self.record.report == "manual"


@dataclass(frozen=True)
class Delivery:
    """One row of the delivery ledger: what is (to be) delivered to whom, and where it stands."""

    row: LedgerRow
    state_name: str
    who: str

    @property
    def owed(self) -> bool:
        return self.row.owed


@dataclass(frozen=True)
class PeriodStatus:
    period: str
    claims: list[ClaimRecord]
    deliveries: list[Delivery]  # the ledger's current rows (superseded ones left out)

    @property
    def owed(self) -> list[Delivery]:
        return [d for d in self.deliveries if d.owed and d.row.role != "reminder"]

    @property
    def done(self) -> list[Delivery]:
        return [d for d in self.deliveries if d.row.state == "delivered" and d.row.role != "reminder"]

    @property
    def failed_claims(self) -> list[ClaimRecord]:
        return [c for c in self.claims if c.state == "failed"]


@dataclass(frozen=True)
class NextFire:
    at: datetime
    period: str
    in_year: bool  # False: the period is outside the config's year and will be skipped


@dataclass(frozen=True)
class JobSchedule:
    job: str
    workday: int | None  # the n-th working day (-1: the last), or None for a cron rule
    time: str
    cron: dict
    timezone: str
    rule: str  # the trigger's own description
    next_fires: list[NextFire]


@dataclass(frozen=True)
class Status:
    runs: list[Run]  # oldest first
    periods: list[PeriodStatus]  # newest first
    jobs: list[JobSchedule]
    warnings: list[str]
    interrupted: list[int]  # runs found 运行中 with their process gone, now marked 中断

    @property
    def owed(self) -> list[Delivery]:
        return [d for p in self.periods for d in p.owed]

    @property
    def problems(self) -> bool:
        """Something needs a person: messages owed, or a scheduled (report, period) that failed and has not
        been put right since by a successful run of the period (a manual run or send)."""
        return bool(self.owed) or bool(self.unresolved_failures)

    @property
    def unresolved_failures(self) -> list[ClaimRecord]:
        fixed = {}
        for r in self.runs:
            if r.record.status == "success":
                fixed[r.record.period] = max(
                    fixed.get(r.record.period, r.record.started_at), r.record.started_at
                )
        return [
            c
            for p in self.periods
            for c in p.failed_claims
            if c.period not in fixed or fixed[c.period] < c.updated_at
        ]


def attempt_view(d: dict) -> Attempt:
    return Attempt(
        d["recipient"],
        d["department"] or KINDS.get(d["kind"], d["kind"]),
        d["kind"],
        d["status"],
        ATTEMPT_STATES.get(d["status"], d["status"]),
        d["attempts"] or 0,
        d["error"] or "",
        datetime.fromisoformat(d["at"]),
    )


def run_view(history: History, record: RunRecord, with_attempts: bool = True) -> Run:
    return Run(
        record,
        RUN_STATES.get(record.status, record.status),
        TRIGGERS.get(record.trigger, record.trigger),
        [attempt_view(d) for d in history.deliveries(run_id=record.id)] if with_attempts else [],
    )


def delivery_view(row: LedgerRow) -> Delivery:
    return Delivery(
        row, LEDGER_STATES.get(row.state, row.state), row.department or ROLE_NAMES.get(row.role, row.role)
    )


def period_status(history: History, period: str | None = None) -> list[PeriodStatus]:
    """Every period with claims or ledger rows (or just `period`), newest first."""
    claims: dict[str, list[ClaimRecord]] = {}
    for c in history.claims(period):
        claims.setdefault(c.period, []).append(c)
    rows: dict[str, list[Delivery]] = {}
    for r in history.ledger(period):
        if r.state != "superseded":
            rows.setdefault(r.period, []).append(delivery_view(r))
    keys = sorted(set(claims) | set(rows) | ({period} if period else set()), reverse=True)
    return [PeriodStatus(p, claims.get(p, []), rows.get(p, [])) for p in keys]


def schedule(config, now: datetime, count: int = 3) -> list[JobSchedule]:
    """Each job's rule and its next `count` firings from `now`, with the period each reports on."""
    from .month import period_for
    from .scheduler import build_trigger

    out = []
    for job in config.schedule.jobs:
        trigger = build_trigger(job, config.schedule)
        fires, t = [], trigger.get_next_fire_time(None, now)
        while t is not None and len(fires) < count:
            p = period_for(job, t)
            fires.append(NextFire(t, str(p), p.year == config.year))
            t = trigger.get_next_fire_time(t, t)
        out.append(
            JobSchedule(
                job.name,
                job.workday,
                job.time,
                dict(job.cron or {}),
                config.schedule.timezone,
                str(trigger),
                fires,
            )
        )
    return out


def calendar_warnings(config, now: datetime) -> list[str]:
    from .workdays import WorkCalendar

    cal = WorkCalendar(config.schedule.holidays, config.schedule.workdays)
    uses_workdays = any(job.workday is not None for job in config.schedule.jobs)
    return [
        f"警告：法定节假日数据不含 {y} 年（chinese-calendar 未更新），按周一至周五计算工作日；"
        f"国务院通知发布后请在 schedule.holidays / schedule.workdays 中补充，或升级 chinese-calendar"
        for y in (now.year, now.year + 1)
        if uses_workdays and not cal.covers(y)
    ]


def status(config, now: datetime, *, period: str | None = None, limit: int = 30, history=None) -> Status:
    """The whole picture for `history`, `status` and the console."""
    history = history or History.for_config(config)
    interrupted = history.resolve_interrupted()
    runs = [run_view(history, r) for r in reversed(history.runs(period, limit=limit))]
    return Status(
        runs,
        period_status(history, period),
        schedule(config, now) if config.schedule.jobs else [],
        calendar_warnings(config, now),
        interrupted,
    )
