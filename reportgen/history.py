"""The embedded run store: every run, every claim of a (report, period), every e-mail delivery.

One SQLite file in the state folder by default (any SQLAlchemy URL works); APScheduler keeps its jobs in
the same database. Claims make a scheduled (report, period) run exactly once however many processes or
restarts trigger it.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import (Column, DateTime, Integer, MetaData, String, Table, Text, UniqueConstraint, create_engine,
                        insert, select, update)
from sqlalchemy.exc import IntegrityError, OperationalError

metadata = MetaData()

runs = Table(
    "reportgen_runs", metadata,
    Column("id", Integer, primary_key=True),
    Column("report", String(100), nullable=False),     # schedule job name, or "manual"
    Column("period", String(7), nullable=False),
    Column("trigger", String(20), nullable=False),     # scheduled / catch-up / retry / manual / send
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
    Column("status", String(20), nullable=False),      # running / success / skipped / waiting / failed
    Column("outputs", Text, default="[]"),
    Column("missing", Text, default="[]"),
    Column("error", Text, default=""),
)

claims = Table(
    "reportgen_claims", metadata,
    Column("report", String(100), nullable=False),
    Column("period", String(7), nullable=False),
    Column("state", String(20), nullable=False),       # running / waiting / done / failed
    Column("first_fired_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("report", "period", name="uq_claim"),
)

deliveries = Table(
    "reportgen_deliveries", metadata,
    Column("id", Integer, primary_key=True),
    Column("run_id", Integer),
    Column("period", String(7), nullable=False),
    Column("kind", String(20), nullable=False),        # report / department / reminder / alert
    Column("recipient", String(200), nullable=False),  # the To: addresses, comma-joined
    Column("department", String(100), default=""),
    Column("subject", Text, default=""),
    Column("attachments", Text, default="[]"),
    Column("status", String(20), nullable=False),      # delivered / failed / rejected / dry-run
    Column("attempts", Integer, default=0),
    Column("error", Text, default=""),
    Column("message_id", String(200), default=""),
    Column("at", DateTime(timezone=True), nullable=False),
)

STALE_RUN = timedelta(hours=3)   # a claim left "running" this long belongs to a process that died


def _now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class RunRecord:
    id: int
    report: str
    period: str
    trigger: str
    started_at: datetime
    finished_at: datetime | None
    status: str
    outputs: list[str]
    missing: list[str]
    error: str


class History:
    def __init__(self, url: str):
        self.url = url
        sqlite = url.startswith("sqlite")
        # Several processes share the file: wait for a lock rather than fail at once.
        self.engine = create_engine(url, future=True, connect_args={"timeout": 30} if sqlite else {})
        for attempt in range(5):
            try:
                metadata.create_all(self.engine)
                break
            except OperationalError:          # another process created the tables at the same moment
                if attempt == 4:
                    raise
                time.sleep(0.1 * (attempt + 1))

    @classmethod
    def for_config(cls, config) -> History:
        return cls(database_url(config))

    # ---------------------------------------------------------------- claims: exactly one run per (report, period)
    def claim(self, report: str, period: str, *, retry: bool = False, now: datetime | None = None) -> bool:
        """Take the (report, period) for this process. A retry may resume a claim left waiting for data.
        `now` is the scheduler's clock: the waiting deadline counts from the first firing."""
        now = (now or _now()).astimezone(timezone.utc)    # stored as UTC: SQLite keeps no offset
        with self.engine.begin() as db:
            try:
                db.execute(insert(claims).values(report=report, period=period, state="running",
                                                 first_fired_at=now, updated_at=now))
                return True
            except IntegrityError:
                pass
        with self.engine.begin() as db:
            resumable = ["waiting"] if retry else []
            taken = db.execute(update(claims).where(
                claims.c.report == report, claims.c.period == period,
                (claims.c.state.in_(resumable)) | ((claims.c.state == "running") & (claims.c.updated_at < now - STALE_RUN)),
            ).values(state="running", updated_at=now)).rowcount
            return taken == 1

    def release(self, report: str, period: str, state: str) -> None:
        with self.engine.begin() as db:
            db.execute(update(claims).where(claims.c.report == report, claims.c.period == period)
                       .values(state=state, updated_at=_now()))

    def claim_state(self, report: str, period: str) -> tuple[str, datetime] | None:
        with self.engine.connect() as db:
            row = db.execute(select(claims.c.state, claims.c.first_fired_at).where(
                claims.c.report == report, claims.c.period == period)).first()
        return None if row is None else (row.state, _aware(row.first_fired_at))

    # ---------------------------------------------------------------- runs
    def start_run(self, report: str, period: str, trigger: str) -> int:
        with self.engine.begin() as db:
            return db.execute(insert(runs).values(report=report, period=period, trigger=trigger,
                                                  started_at=_now(), status="running")).inserted_primary_key[0]

    def finish_run(self, run_id: int, status: str, *, outputs: list[str] = (), missing: list[str] = (),
                   error: str = "") -> None:
        with self.engine.begin() as db:
            db.execute(update(runs).where(runs.c.id == run_id).values(
                finished_at=_now(), status=status, outputs=json.dumps(list(outputs), ensure_ascii=False),
                missing=json.dumps(list(missing), ensure_ascii=False), error=error))

    def runs(self, period: str | None = None, limit: int = 50) -> list[RunRecord]:
        query = select(runs).order_by(runs.c.id.desc()).limit(limit)
        if period:
            query = query.where(runs.c.period == period)
        with self.engine.connect() as db:
            rows = db.execute(query).all()
        return [RunRecord(r.id, r.report, r.period, r.trigger, _aware(r.started_at), _aware(r.finished_at),
                          r.status, json.loads(r.outputs or "[]"), json.loads(r.missing or "[]"), r.error or "")
                for r in rows]

    # ---------------------------------------------------------------- deliveries
    def record_delivery(self, *, period: str, kind: str, recipient: str, status: str, run_id: int | None = None,
                        department: str = "", subject: str = "", attachments: list[str] = (), attempts: int = 0,
                        error: str = "", message_id: str = "") -> None:
        with self.engine.begin() as db:
            db.execute(insert(deliveries).values(
                run_id=run_id, period=period, kind=kind, recipient=recipient, department=department,
                subject=subject, attachments=json.dumps(list(attachments), ensure_ascii=False), status=status,
                attempts=attempts, error=error, message_id=message_id, at=_now()))

    def delivered(self, period: str, kind: str, recipient: str) -> bool:
        with self.engine.connect() as db:
            return db.execute(select(deliveries.c.id).where(
                deliveries.c.period == period, deliveries.c.kind == kind, deliveries.c.recipient == recipient,
                deliveries.c.status == "delivered")).first() is not None

    def deliveries(self, period: str | None = None, run_id: int | None = None) -> list[dict]:
        query = select(deliveries).order_by(deliveries.c.id)
        if period:
            query = query.where(deliveries.c.period == period)
        if run_id is not None:
            query = query.where(deliveries.c.run_id == run_id)
        with self.engine.connect() as db:
            return [dict(r._mapping) for r in db.execute(query).all()]


def _aware(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; everything here is stored in UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=timezone.utc)


def database_url(config) -> str:
    if config.schedule.database:
        return config.schedule.database
    state = config.resolve(config.schedule.state_dir)
    state.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{Path(state) / 'reportgen.sqlite'}"
