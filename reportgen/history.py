"""The embedded run store (SQLite, standard library): every run, every claim of a (report, period), the
delivery ledger and every e-mail attempt. It lives in the state folder beside APScheduler's job table (whose
database may instead be any SQLAlchemy URL, schedule.database).

Claims make a scheduled (report, period) run exactly once however many processes or restarts trigger it; a
claim records its owner (host, pid) and a heartbeat, so a claim whose owner died is taken over (once). The
ledger holds one row per thing delivered — (period, role, department, address, attachment hash) — claimed as
发送中 in the same transaction that checks it, so two senders never send one row twice.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from .errors import ReportgenError
from .transactions import immediate

SCHEMA = """
CREATE TABLE IF NOT EXISTS reportgen_runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    report TEXT NOT NULL,              -- schedule job name, or "manual"
    period TEXT NOT NULL,
    trigger TEXT NOT NULL,             -- scheduled / catch-up / takeover / retry / manual / send / alert
    started_at TEXT NOT NULL,          -- ISO 8601, UTC
    finished_at TEXT,
    status TEXT NOT NULL,              -- see RUN_STATES
    outputs TEXT DEFAULT '[]',
    missing TEXT DEFAULT '[]',
    error TEXT DEFAULT ''
);
CREATE TABLE IF NOT EXISTS reportgen_claims (
    report TEXT NOT NULL,
    period TEXT NOT NULL,
    state TEXT NOT NULL,               -- running / waiting / done / failed
    first_fired_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (report, period)
);
CREATE TABLE IF NOT EXISTS reportgen_deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id INTEGER,
    period TEXT NOT NULL,
    kind TEXT NOT NULL,                -- report / department / reminder / alert
    recipient TEXT NOT NULL,
    department TEXT DEFAULT '',
    subject TEXT DEFAULT '',
    attachments TEXT DEFAULT '[]',
    status TEXT NOT NULL,              -- delivered / failed / rejected / dry-run
    attempts INTEGER DEFAULT 0,
    error TEXT DEFAULT '',
    message_id TEXT DEFAULT '',
    at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS reportgen_ledger (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    period TEXT NOT NULL,
    role TEXT NOT NULL,                -- leaders / department / reminder
    department TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL,
    content TEXT NOT NULL,             -- sha256 over the attachments (or the text when there are none)
    subject TEXT DEFAULT '',
    attachments TEXT DEFAULT '[]',
    state TEXT NOT NULL,               -- pending / sending / delivered / rejected / failed / superseded
    attempts INTEGER DEFAULT 0,
    reply TEXT DEFAULT '',             -- the server's answer to DATA, kept before the row is marked delivered
    error TEXT DEFAULT '',
    message_id TEXT DEFAULT '',
    resent INTEGER DEFAULT 0,          -- re-sent after a sender died mid-send (may have arrived twice)
    host TEXT DEFAULT '',
    pid INTEGER DEFAULT 0,
    claimed_at TEXT,
    updated_at TEXT NOT NULL,
    UNIQUE (period, role, department, address, content)
);
"""
# Columns added to tables that older versions created (ALTER TABLE … ADD COLUMN when missing).
ADDED = {
    "reportgen_runs": {"host": "TEXT DEFAULT ''", "pid": "INTEGER DEFAULT 0", "heartbeat": "TEXT"},
    "reportgen_claims": {
        "host": "TEXT DEFAULT ''",
        "pid": "INTEGER DEFAULT 0",
        "heartbeat": "TEXT",
        "run_id": "INTEGER",
        "takeovers": "INTEGER DEFAULT 0",
        "next_try_at": "TEXT",  # the next delivery retry
        "window_until": "TEXT",  # when retries stop and the admin is alerted
        "retries": "INTEGER DEFAULT 0",
        "alerted_at": "TEXT",
    },
}
RUN_STATES = {
    "running": "运行中",
    "success": "生成成功",
    "partial": "部分送达",
    "undelivered": "送达失败",
    "skipped": "未变化跳过",
    "waiting": "等待报表",
    "failed": "失败",
    "interrupted": "中断",
    "alerted": "已告警",
    "awaiting": "待审核",
}
LEDGER_STATES = {
    "pending": "待发",
    "sending": "发送中",
    "delivered": "已送达",
    "rejected": "被拒收",
    "failed": "失败",
    "superseded": "已被新版本取代",
}
OWED = ("pending", "sending", "failed", "rejected")
DEFAULT_LEASE = timedelta(minutes=30)


def state_folder(config) -> Path:
    """Where the run history and the job table live: schedule.state_dir when it is written in the config
    (relative to the config file), else a state/ folder inside output.dir — beside the reports, never beside
    the config when the output goes elsewhere."""
    schedule = config.schedule
    if "state_dir" in schedule.model_fields_set:
        return config.resolve(schedule.state_dir)
    return config.resolve(config.output.dir) / "state"


def lease_of(config) -> timedelta:
    return timedelta(minutes=config.schedule.lease_minutes)


def _now() -> datetime:
    return datetime.now(UTC)


def _stamp(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(UTC).isoformat()


def _moment(text: str | None) -> datetime | None:
    return None if not text else datetime.fromisoformat(text)


HOST = socket.gethostname()


def alive(host: str, pid: int) -> bool | None:
    """Is the process `pid` on `host` running? None when it is on another host (only its heartbeat tells)."""
    if host != HOST:
        return None
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by another user
        return True
    except OSError:
        return False
    return True


def gone(host: str, pid: int, heartbeat: datetime | None, now: datetime, lease: timedelta) -> bool:
    """An owner is gone when its pid is dead on this host, or its heartbeat is older than the lease."""
    living = alive(host, pid)
    if living is False:
        return True
    return heartbeat is None or heartbeat < now - lease if living is None else False


@dataclass(frozen=True)
class _Result:
    rows: list
    rowcount: int
    lastrowid: int | None


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
    host: str = ""
    pid: int = 0


@dataclass(frozen=True)
class Claim:
    """A (report, period) taken by this process; `interrupted` is the run of a dead owner it took over."""

    report: str
    period: str
    first_fired_at: datetime
    takeover: bool = False
    interrupted: int | None = None
    owner: str = ""  # the dead owner, "host pid"


@dataclass(frozen=True)
class ClaimRecord:
    report: str
    period: str
    state: str
    first_fired_at: datetime
    updated_at: datetime
    host: str
    pid: int
    heartbeat: datetime | None
    run_id: int | None
    takeovers: int
    next_try_at: datetime | None
    window_until: datetime | None
    retries: int
    alerted_at: datetime | None


@dataclass(frozen=True)
class LedgerRow:
    id: int
    period: str
    role: str
    department: str
    address: str
    content: str
    subject: str
    attachments: list[str]
    state: str
    attempts: int
    reply: str
    error: str
    message_id: str
    resent: bool
    host: str
    pid: int
    claimed_at: datetime | None
    updated_at: datetime

    @property
    def owed(self) -> bool:
        return self.state in OWED

    @property
    def label(self) -> str:
        return f"{self.address}（{self.department or ROLE_NAMES.get(self.role, self.role)}）"


ROLE_NAMES = {"leaders": "领导", "department": "单位", "reminder": "催报"}


def _run_record(r) -> RunRecord:
    return RunRecord(
        r["id"],
        r["report"],
        r["period"],
        r["trigger"],
        _moment(r["started_at"]),
        _moment(r["finished_at"]),
        r["status"],
        json.loads(r["outputs"] or "[]"),
        json.loads(r["missing"] or "[]"),
        r["error"] or "",
        r["host"] or "",
        r["pid"] or 0,
    )


def _claim_record(r) -> ClaimRecord:
    return ClaimRecord(
        r["report"],
        r["period"],
        r["state"],
        _moment(r["first_fired_at"]),
        _moment(r["updated_at"]),
        r["host"] or "",
        r["pid"] or 0,
        _moment(r["heartbeat"]),
        r["run_id"],
        r["takeovers"] or 0,
        _moment(r["next_try_at"]),
        _moment(r["window_until"]),
        r["retries"] or 0,
        _moment(r["alerted_at"]),
    )


def _ledger_row(r) -> LedgerRow:
    return LedgerRow(
        r["id"],
        r["period"],
        r["role"],
        r["department"],
        r["address"],
        r["content"],
        r["subject"],
        json.loads(r["attachments"] or "[]"),
        r["state"],
        r["attempts"],
        r["reply"] or "",
        r["error"] or "",
        r["message_id"] or "",
        bool(r["resent"]),
        r["host"] or "",
        r["pid"] or 0,
        _moment(r["claimed_at"]),
        _moment(r["updated_at"]),
    )


class History:
    def __init__(self, path: Path, lease: timedelta = DEFAULT_LEASE):
        self.path, self.lease = path, lease
        path.parent.mkdir(parents=True, exist_ok=True)
        with closing(self._connect()) as db:
            db.executescript(SCHEMA)
            for table, columns in ADDED.items():
                have = {row[1] for row in db.execute(f"PRAGMA table_info({table})")}
                for name, kind in columns.items():
                    if name not in have:
                        try:
                            db.execute(f"ALTER TABLE {table} ADD COLUMN {name} {kind}")
                        except sqlite3.OperationalError:  # another process added it meanwhile
                            pass
            self._adopt_old_deliveries(db)

    @staticmethod
    def _adopt_old_deliveries(db: sqlite3.Connection) -> None:
        """A store from before the ledger: its delivered messages become ledger rows of unknown content (""),
        which count as delivered for that recipient, so an upgrade re-sends nothing."""
        if db.execute("SELECT 1 FROM reportgen_ledger LIMIT 1").fetchone():
            return
        db.execute(
            "INSERT OR IGNORE INTO reportgen_ledger (period, role, department, address, content, subject, "
            "attachments, state, attempts, message_id, updated_at) SELECT period, CASE kind WHEN 'report' THEN "
            "'leaders' ELSE kind END, department, recipient, '', subject, attachments, 'delivered', attempts, "
            "message_id, at FROM reportgen_deliveries WHERE status = 'delivered' AND kind IN ('report', "
            "'department', 'reminder')"
        )

    @classmethod
    def for_config(cls, config) -> History:
        """The store every caller of one config shares: manual runs, `send`, `history` and the scheduler."""
        return cls(state_folder(config) / "reportgen.sqlite", lease_of(config))

    def _connect(self) -> sqlite3.Connection:
        # Autocommit: every statement is its own transaction; several processes wait for each other's locks.
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        db.row_factory = sqlite3.Row
        return db

    def _run(self, sql: str, params: dict | tuple = ()) -> _Result:
        with closing(self._connect()) as db:
            cursor = db.execute(sql, params)
            return _Result(cursor.fetchall(), cursor.rowcount, cursor.lastrowid)

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """Check-and-claim as one step (transactions.immediate)."""
        with closing(self._connect()) as db, immediate(db):
            yield db

    # ---------------------------------------------------------------- claims: exactly one run per (report, period)
    def claim(
        self, report: str, period: str, *, retry: bool = False, now: datetime | None = None
    ) -> Claim | None:
        """Take the (report, period) for this process, or None when it is done, failed, or being run by a live
        owner. A retry may resume a claim left waiting for data. A claim left running by an owner that is gone
        (see `gone`) is taken over once: its run is recorded as 中断 and the caller runs it again; a second
        interruption of the same (report, period) is recorded as failed instead of looping.
        `now` is the scheduler's clock: the waiting deadline counts from the first firing."""
        now = now or _now()
        with self._transaction() as db:
            row = db.execute(
                "SELECT * FROM reportgen_claims WHERE report = ? AND period = ?", (report, period)
            ).fetchone()
            owner = {"host": HOST, "pid": os.getpid(), "now": _stamp(now), "beat": _stamp(_now())}
            if row is None:
                db.execute(
                    "INSERT INTO reportgen_claims (report, period, state, first_fired_at, updated_at, host, pid, "
                    "heartbeat) VALUES (:report, :period, 'running', :now, :now, :host, :pid, :beat)",
                    {"report": report, "period": period, **owner},
                )
                return Claim(report, period, now)
            claim = _claim_record(row)
            takeover = claim.state == "running" and gone(
                claim.host, claim.pid, claim.heartbeat, _now(), self.lease
            )
            if not (takeover or (retry and claim.state == "waiting")):
                return None
            who = f"{claim.host} 进程 {claim.pid}"
            if takeover and claim.run_id is not None:
                self._interrupt(
                    db, claim.run_id, f"运行进程（{who}）已不在，由 {HOST} 进程 {os.getpid()} 接管"
                )
            if takeover and claim.takeovers >= 1:
                db.execute(
                    "UPDATE reportgen_claims SET state = 'failed', updated_at = ? WHERE report = ? AND period = ?",
                    (_stamp(now), report, period),
                )
                return None
            db.execute(
                "UPDATE reportgen_claims SET state = 'running', updated_at = :now, host = :host, pid = :pid, "
                "heartbeat = :beat, takeovers = takeovers + :took WHERE report = :report AND period = :period",
                {"report": report, "period": period, "took": int(takeover), **owner},
            )
            return Claim(
                report, period, claim.first_fired_at, takeover, claim.run_id, who if takeover else ""
            )

    def claim_run(self, report: str, period: str, run_id: int) -> None:
        """The run the claim's owner is doing now (marked 中断 if the owner dies)."""
        self._run(
            "UPDATE reportgen_claims SET run_id = ? WHERE report = ? AND period = ?", (run_id, report, period)
        )

    def release(self, report: str, period: str, state: str, now: datetime | None = None) -> None:
        self._run(
            "UPDATE reportgen_claims SET state = ?, updated_at = ? WHERE report = ? AND period = ?",
            (state, _stamp(now or _now()), report, period),
        )

    def claim_state(self, report: str, period: str) -> tuple[str, datetime] | None:
        record = self.claim_record(report, period)
        return None if record is None else (record.state, record.first_fired_at)

    def claim_record(self, report: str, period: str) -> ClaimRecord | None:
        rows = self._run(
            "SELECT * FROM reportgen_claims WHERE report = ? AND period = ?", (report, period)
        ).rows
        return _claim_record(rows[0]) if rows else None

    def claims(self, period: str | None = None) -> list[ClaimRecord]:
        where, params = ("WHERE period = ?", (period,)) if period else ("", ())
        rows = self._run(f"SELECT * FROM reportgen_claims {where} ORDER BY period DESC, report", params).rows
        return [_claim_record(r) for r in rows]

    def interrupted_claims(self) -> list[ClaimRecord]:
        """Claims left running by an owner that is gone: what a starting scheduler takes over."""
        now = _now()
        return [
            c
            for c in self.claims()
            if c.state == "running" and gone(c.host, c.pid, c.heartbeat, now, self.lease)
        ]

    def plan_retry(
        self, report: str, period: str, *, next_try_at: datetime | None, window_until: datetime | None = None
    ) -> None:
        """When to try the period's undelivered messages again (None: nothing owed, stop retrying)."""
        self._run(
            "UPDATE reportgen_claims SET next_try_at = :next, retries = CASE WHEN :next IS NULL THEN retries "
            "ELSE retries + 1 END, window_until = COALESCE(:window, window_until) "
            "WHERE report = :report AND period = :period",
            {"next": _stamp(next_try_at), "window": _stamp(window_until), "report": report, "period": period},
        )

    def start_retries(self, report: str, period: str, *, first: datetime, window_until: datetime) -> None:
        self._run(
            "UPDATE reportgen_claims SET next_try_at = ?, window_until = ?, retries = 0, alerted_at = NULL "
            "WHERE report = ? AND period = ?",
            (_stamp(first), _stamp(window_until), report, period),
        )

    def mark_alerted(self, report: str, period: str, now: datetime) -> None:
        self._run(
            "UPDATE reportgen_claims SET alerted_at = ?, next_try_at = NULL WHERE report = ? AND period = ?",
            (_stamp(now), report, period),
        )

    def heartbeat(self, report: str | None, period: str | None, run_id: int | None) -> None:
        beat = _stamp(_now())
        if run_id is not None:
            self._run("UPDATE reportgen_runs SET heartbeat = ? WHERE id = ?", (beat, run_id))
        if report is not None:
            self._run(
                "UPDATE reportgen_claims SET heartbeat = ? WHERE report = ? AND period = ? AND host = ? AND pid = ?",
                (beat, report, period, HOST, os.getpid()),
            )

    @contextmanager
    def keep_alive(self, report: str | None = None, period: str | None = None, run_id: int | None = None):
        """A heartbeat for the claim and the run while the block runs (every lease/4, at most every 30 s)."""
        stop = threading.Event()
        interval = max(1.0, min(30.0, self.lease.total_seconds() / 4))

        def beat() -> None:
            while not stop.wait(interval):
                try:
                    self.heartbeat(report, period, run_id)
                except sqlite3.Error:  # a busy store skips one beat; the lease allows for it
                    pass

        thread = threading.Thread(target=beat, name="reportgen-heartbeat", daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join()

    # ---------------------------------------------------------------- runs: run_row is the one writer
    def run_row(
        self,
        run_id: int | None = None,
        *,
        report: str | None = None,
        period: str | None = None,
        trigger: str | None = None,
        status: str,
        outputs: list[str] | None = None,
        missing: list[str] | None = None,
        error: str | None = None,
        now: datetime | None = None,
    ) -> int:
        """Write a run row: without `run_id` a new one (status running: owned by this process, with a
        heartbeat), with it the run's outcome (status, outputs, 缺报, error; finished unless still running)."""
        now = now or _now()
        if run_id is None:
            return self._run(
                "INSERT INTO reportgen_runs (report, period, trigger, started_at, finished_at, status, outputs, "
                "missing, error, host, pid, heartbeat) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    report,
                    period,
                    trigger,
                    _stamp(now),
                    None if status == "running" else _stamp(now),
                    status,
                    json.dumps(list(outputs or ()), ensure_ascii=False),
                    json.dumps(list(missing or ()), ensure_ascii=False),
                    error or "",
                    HOST,
                    os.getpid(),
                    _stamp(_now()),
                ),
            ).lastrowid
        fields = {"status": status, "finished_at": None if status == "running" else _stamp(now)}
        if outputs is not None:
            fields["outputs"] = json.dumps(list(outputs), ensure_ascii=False)
        if missing is not None:
            fields["missing"] = json.dumps(list(missing), ensure_ascii=False)
        if error is not None:
            fields["error"] = error
        sets = ", ".join(f"{k} = :{k}" for k in fields)
        self._run(f"UPDATE reportgen_runs SET {sets} WHERE id = :id", {**fields, "id": run_id})
        return run_id

    def record_sending(self, run_id: int, report) -> str:
        """The run's status from what its mail did (delivery_status), with the count not delivered: the one way
        `send`, `run --send`, the console and the scheduled month record it."""
        status = delivery_status(report)
        self.run_row(run_id, status=status, error="" if report.ok else f"{len(report.failed)} 封未送达")
        return status

    def start_run(self, report: str, period: str, trigger: str, now: datetime | None = None) -> int:
        return self.run_row(report=report, period=period, trigger=trigger, status="running", now=now)

    def finish_run(
        self,
        run_id: int,
        status: str,
        *,
        outputs: list[str] = (),
        missing: list[str] = (),
        error: str = "",
        now: datetime | None = None,
    ) -> None:
        self.run_row(run_id, status=status, outputs=outputs, missing=missing, error=error, now=now)

    def _interrupt(self, db: sqlite3.Connection, run_id: int, why: str) -> None:
        db.execute(
            "UPDATE reportgen_runs SET status = 'interrupted', finished_at = COALESCE(heartbeat, started_at), "
            "error = ? WHERE id = ? AND status = 'running'",
            (why, run_id),
        )

    def resolve_interrupted(self) -> list[int]:
        """Mark 中断 the runs left 运行中 by a process that is gone; returns their ids."""
        now, done = _now(), []
        rows = self._run("SELECT * FROM reportgen_runs WHERE status = 'running'").rows
        with self._transaction() as db:
            for r in rows:
                if gone(
                    r["host"] or "",
                    r["pid"] or 0,
                    _moment(r["heartbeat"] or r["started_at"]),
                    now,
                    self.lease,
                ):
                    self._interrupt(db, r["id"], f"运行进程（{r['host']} 进程 {r['pid']}）已不在，运行未完成")
                    done.append(r["id"])
        return done

    def runs(self, period: str | None = None, limit: int = 50) -> list[RunRecord]:
        where, params = ("WHERE period = ?", (period, limit)) if period else ("", (limit,))
        rows = self._run(f"SELECT * FROM reportgen_runs {where} ORDER BY id DESC LIMIT ?", params).rows
        return [_run_record(r) for r in rows]

    def latest_per_period(self, exclude_trigger: str = "send") -> list[RunRecord]:
        """The newest run of every period (sends left out by default), newest period first: one query for
        the console's list of periods, however long the history."""
        rows = self._run(
            "SELECT * FROM reportgen_runs WHERE id IN (SELECT MAX(id) FROM reportgen_runs WHERE trigger != ? "
            "GROUP BY period) ORDER BY period DESC",
            (exclude_trigger,),
        ).rows
        return [_run_record(r) for r in rows]

    # ---------------------------------------------------------------- the delivery ledger
    def claim_delivery(
        self,
        *,
        period: str,
        role: str,
        department: str,
        address: str,
        content: str,
        subject: str = "",
        attachments: list[str] = (),
        retry_rejected: bool = True,
        now: datetime | None = None,
    ) -> tuple[str, LedgerRow | None]:
        """Check and claim one ledger row as 发送中 in one transaction. Returns (what, row): "send" (claimed),
        "resend" (claimed from a sender that died mid-send: the message may have arrived already), "done"
        (delivered before), "busy" (another live sender has it), "rejected" (a 5xx the caller does not retry).
        Older undelivered rows of the same recipient with other content are superseded."""
        now = now or _now()
        key = {"period": period, "role": role, "department": department, "address": address}
        with self._transaction() as db:
            db.execute(
                "UPDATE reportgen_ledger SET state = 'superseded', updated_at = :now WHERE period = :period "
                "AND role = :role AND department = :department AND address = :address AND content != :content "
                "AND state IN ('pending', 'failed', 'rejected')",
                {**key, "content": content, "now": _stamp(now)},
            )
            row = db.execute(
                "SELECT * FROM reportgen_ledger WHERE period = :period AND role = :role AND department = "
                ":department AND address = :address AND content = :content",
                {**key, "content": content},
            ).fetchone()
            record = _ledger_row(row) if row else None
            if record is None or record.state != "delivered":
                old = db.execute(
                    "SELECT * FROM reportgen_ledger WHERE period = :period AND role = :role AND department = "
                    ":department AND address = :address AND content = '' AND state = 'delivered'",
                    key,
                ).fetchone()
                if old:  # delivered before the ledger existed: nothing is owed to this recipient
                    if record is not None and record.state == "pending":
                        db.execute("DELETE FROM reportgen_ledger WHERE id = ?", (record.id,))
                    return "done", _ledger_row(old)
            what = "send"
            if record is not None:
                if record.state == "delivered":
                    return "done", record
                if record.state == "rejected" and not retry_rejected:
                    return "rejected", record
                if record.state == "sending":
                    beat = record.claimed_at
                    if not gone(record.host, record.pid, beat, _now(), self.lease):
                        return "busy", record
                    what = "resend"
            owner = {"host": HOST, "pid": os.getpid(), "at": _stamp(_now()), "now": _stamp(now)}
            if record is None:
                cursor = db.execute(
                    "INSERT INTO reportgen_ledger (period, role, department, address, content, subject, "
                    "attachments, state, host, pid, claimed_at, updated_at) VALUES (:period, :role, "
                    ":department, :address, :content, :subject, :attachments, 'sending', :host, :pid, :at, :now)",
                    {
                        **key,
                        **owner,
                        "content": content,
                        "subject": subject,
                        "attachments": json.dumps(list(attachments), ensure_ascii=False),
                    },
                )
                row_id = cursor.lastrowid
            else:
                row_id = record.id
                db.execute(
                    "UPDATE reportgen_ledger SET state = 'sending', host = :host, pid = :pid, claimed_at = :at, "
                    "updated_at = :now, resent = resent + :resent WHERE id = :id",
                    {**owner, "id": row_id, "resent": int(what == "resend")},
                )
            row = db.execute("SELECT * FROM reportgen_ledger WHERE id = ?", (row_id,)).fetchone()
            return what, _ledger_row(row)

    def settle_delivery(
        self,
        row_id: int,
        state: str,
        *,
        attempts: int = 0,
        reply: str = "",
        error: str = "",
        message_id: str = "",
        now: datetime | None = None,
    ) -> None:
        """The outcome of a claimed row: the server's reply and the state in one statement."""
        self._run(
            "UPDATE reportgen_ledger SET state = ?, attempts = attempts + ?, reply = ?, error = ?, "
            "message_id = ?, updated_at = ? WHERE id = ? AND host = ? AND pid = ?",
            (state, attempts, reply, error, message_id, _stamp(now or _now()), row_id, HOST, os.getpid()),
        )

    def plan_delivery(
        self,
        *,
        period: str,
        role: str,
        department: str,
        address: str,
        content: str,
        subject: str = "",
        attachments: list[str] = (),
        now: datetime | None = None,
    ) -> None:
        """A 待发 row for a message that is due (kept as it is when the row exists)."""
        self._run(
            "INSERT OR IGNORE INTO reportgen_ledger (period, role, department, address, content, subject, "
            "attachments, state, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?)",
            (
                period,
                role,
                department,
                address,
                content,
                subject,
                json.dumps(list(attachments), ensure_ascii=False),
                _stamp(now or _now()),
            ),
        )

    def ledger(self, period: str | None = None) -> list[LedgerRow]:
        where, params = ("WHERE period = ?", (period,)) if period else ("", ())
        rows = self._run(f"SELECT * FROM reportgen_ledger {where} ORDER BY period DESC, id", params).rows
        return [_ledger_row(r) for r in rows]

    def owed(
        self, period: str | None = None, roles: tuple[str, ...] = ("leaders", "department")
    ) -> list[LedgerRow]:
        """Ledger rows not delivered yet (待发, 发送中, 失败, 被拒收) of the report's recipients."""
        return [r for r in self.ledger(period) if r.owed and r.role in roles]

    # ---------------------------------------------------------------- the attempt log
    def record_delivery(
        self,
        *,
        period: str,
        kind: str,
        recipient: str,
        status: str,
        run_id: int | None = None,
        department: str = "",
        subject: str = "",
        attachments: list[str] = (),
        attempts: int = 0,
        error: str = "",
        message_id: str = "",
        now: datetime | None = None,
    ) -> None:
        self._run(
            "INSERT INTO reportgen_deliveries (run_id, period, kind, recipient, department, subject, "
            "attachments, status, attempts, error, message_id, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                run_id,
                period,
                kind,
                recipient,
                department,
                subject,
                json.dumps(list(attachments), ensure_ascii=False),
                status,
                attempts,
                error,
                message_id,
                _stamp(now or _now()),
            ),
        )

    def delivered(self, period: str, kind: str, recipient: str, department: str | None = None) -> bool:
        """Whether the ledger has this recipient's message of the period delivered (any content)."""
        role = {"report": "leaders"}.get(kind, kind)
        sql = "SELECT 1 FROM reportgen_ledger WHERE period = ? AND role = ? AND address = ? AND state = 'delivered'"
        params: tuple = (period, role, recipient)
        if department is not None:
            sql, params = sql + " AND department = ?", (*params, department)
        return bool(self._run(sql + " LIMIT 1", params).rows)

    def deliveries(self, period: str | None = None, run_id: int | None = None) -> list[dict]:
        conditions, params = [], []
        if period:
            conditions.append("period = ?")
            params.append(period)
        if run_id is not None:
            conditions.append("run_id = ?")
            params.append(run_id)
        where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
        return [
            dict(r) for r in self._run(f"SELECT * FROM reportgen_deliveries {where} ORDER BY id", params).rows
        ]


def recorded_run(
    config,
    period,
    config_path: Path,
    *,
    trigger: str,
    report: str = "manual",
    history: History | None = None,
    claimed: bool = False,
    **kwargs,
):
    """pipeline.run with a row in the run history (start, end, status, outputs, 缺报, error), kept alive by a
    heartbeat while it runs. `claimed`: the (report, period) claim of this process points at the run, so a
    takeover after a crash knows which run was interrupted."""
    from .diff import keep_results
    from .faults import pause_at
    from .pipeline import run

    history = history or History.for_config(config)
    key = str(period)
    # the period's results before and after, kept so any run (CLI, scheduler, console) can be compared with
    # the previous run of the same period
    state, output = state_folder(config), kwargs.get("out_dir") or config.resolve(config.output.dir)
    keep_results(state, output, key)
    run_id = history.run_row(report=report, period=key, trigger=trigger, status="running")
    if claimed:
        history.claim_run(report, key, run_id)
    try:
        with history.keep_alive(report if claimed else None, key, run_id):
            pause_at("generating")
            result = run(config, period, config_path=config_path, **kwargs)
    except BaseException as e:
        _failed(history, run_id, e)
        raise
    history.run_row(
        run_id,
        status="skipped" if result.skipped else "success",
        missing=result.missing,
        outputs=[str(f.relative_to(result.folder)) for f in result.files],
    )
    keep_results(state, output, key)
    result.run_id = run_id
    return result


def _failed(history: History, run_id: int, error: BaseException) -> None:
    if isinstance(error, KeyboardInterrupt):  # Ctrl+C or SIGTERM (the CLI turns it into this)
        history.run_row(run_id, status="interrupted", error="收到停止信号（Ctrl+C 或 SIGTERM），运行未完成")
        return
    lines = error.lines() if isinstance(error, ReportgenError) else [f"{type(error).__name__}: {error}"]
    history.run_row(run_id, status="failed", error="\n".join(lines))


def delivery_status(report) -> str:
    """A run's status from its DeliveryReport: 生成成功 when nothing is owed, 部分送达 when some messages went
    out and some did not, 送达失败 when none did."""
    if report.ok and not report.busy:
        return "success"
    return "partial" if report.sent or report.skipped or report.busy else "undelivered"


def recorded_send(config, period, *, history: History | None = None, report: str = "manual", **kwargs):
    """deliver.send_period with a run row of its own (trigger send): the deliveries are listed under it."""
    from .deliver import send_period

    history = history or History.for_config(config)
    run_id = history.run_row(report=report, period=str(period), trigger="send", status="running")
    try:
        with history.keep_alive(None, None, run_id):
            outcome = send_period(config, period, run_id=run_id, history=history, **kwargs)
    except BaseException as e:
        _failed(history, run_id, e)
        raise
    history.record_sending(run_id, outcome)
    outcome.run_id = run_id
    return outcome


def jobstore_url(config) -> str:
    """APScheduler's job table: schedule.database, else the same SQLite file as the history."""
    if config.schedule.database:
        return config.schedule.database
    return f"sqlite:///{state_folder(config) / 'reportgen.sqlite'}"
