"""The embedded run store (SQLite, standard library): every run, every claim of a (report, period), every
e-mail delivery. It lives in the state folder beside APScheduler's job table (whose database may instead be
any SQLAlchemy URL, schedule.database). Claims make a scheduled (report, period) run exactly once however
many processes or restarts trigger it.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from .errors import ReportgenError

SCHEMA = """
CREATE TABLE IF NOT EXISTS reportgen_runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    report TEXT NOT NULL,              -- schedule job name, or "manual"
    period TEXT NOT NULL,
    trigger TEXT NOT NULL,             -- scheduled / catch-up / retry / manual
    started_at TEXT NOT NULL,          -- ISO 8601, UTC
    finished_at TEXT,
    status TEXT NOT NULL,              -- running / success / skipped / waiting / failed
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
"""

STALE_RUN = timedelta(hours=3)  # a claim left "running" this long belongs to a process that died


def state_folder(config) -> Path:
    """Where the run history and the job table live: schedule.state_dir when it is written in the config
    (relative to the config file), else a state/ folder inside output.dir — beside the reports, never beside
    the config when the output goes elsewhere."""
    schedule = config.schedule
    if "state_dir" in schedule.model_fields_set:
        return config.resolve(schedule.state_dir)
    return config.resolve(config.output.dir) / "state"


def _now() -> datetime:
    return datetime.now(UTC)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def _moment(text: str | None) -> datetime | None:
    return None if not text else datetime.fromisoformat(text)


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


class History:
    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with closing(self._connect()) as db:
            db.executescript(SCHEMA)

    @classmethod
    def for_config(cls, config) -> History:
        """The store every caller of one config shares: manual runs, `send`, `history` and the scheduler."""
        return cls(state_folder(config) / "reportgen.sqlite")

    def _connect(self) -> sqlite3.Connection:
        # Autocommit: every statement is its own transaction; several processes wait for each other's locks.
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        db.row_factory = sqlite3.Row
        return db

    def _run(self, sql: str, params: dict | tuple = ()) -> _Result:
        with closing(self._connect()) as db:
            cursor = db.execute(sql, params)
            return _Result(cursor.fetchall(), cursor.rowcount, cursor.lastrowid)

    # ---------------------------------------------------------------- claims: exactly one run per (report, period)
    def claim(self, report: str, period: str, *, retry: bool = False, now: datetime | None = None) -> bool:
        """Take the (report, period) for this process. A retry may resume a claim left waiting for data.
        `now` is the scheduler's clock: the waiting deadline counts from the first firing."""
        now = now or _now()
        try:
            self._run(
                "INSERT INTO reportgen_claims VALUES (?, ?, 'running', ?, ?)",
                (report, period, _stamp(now), _stamp(now)),
            )
            return True
        except sqlite3.IntegrityError:
            pass
        resumable = "'waiting'" if retry else "''"
        taken = self._run(
            f"UPDATE reportgen_claims SET state = 'running', updated_at = :now WHERE report = :report "
            f"AND period = :period AND (state IN ({resumable}) OR (state = 'running' AND updated_at < :stale))",
            {"now": _stamp(now), "report": report, "period": period, "stale": _stamp(now - STALE_RUN)},
        ).rowcount
        return taken == 1

    def release(self, report: str, period: str, state: str) -> None:
        self._run(
            "UPDATE reportgen_claims SET state = ?, updated_at = ? WHERE report = ? AND period = ?",
            (state, _stamp(_now()), report, period),
        )

    def claim_state(self, report: str, period: str) -> tuple[str, datetime] | None:
        rows = self._run(
            "SELECT state, first_fired_at FROM reportgen_claims WHERE report = ? AND period = ?",
            (report, period),
        ).rows
        return None if not rows else (rows[0]["state"], _moment(rows[0]["first_fired_at"]))

    # ---------------------------------------------------------------- runs
    def start_run(self, report: str, period: str, trigger: str) -> int:
        return self._run(
            "INSERT INTO reportgen_runs (report, period, trigger, started_at, status) "
            "VALUES (?, ?, ?, ?, 'running')",
            (report, period, trigger, _stamp(_now())),
        ).lastrowid

    def finish_run(
        self, run_id: int, status: str, *, outputs: list[str] = (), missing: list[str] = (), error: str = ""
    ) -> None:
        self._run(
            "UPDATE reportgen_runs SET finished_at = ?, status = ?, outputs = ?, missing = ?, error = ? "
            "WHERE id = ?",
            (
                _stamp(_now()),
                status,
                json.dumps(list(outputs), ensure_ascii=False),
                json.dumps(list(missing), ensure_ascii=False),
                error,
                run_id,
            ),
        )

    def runs(self, period: str | None = None, limit: int = 50) -> list[RunRecord]:
        where, params = ("WHERE period = ?", (period, limit)) if period else ("", (limit,))
        rows = self._run(f"SELECT * FROM reportgen_runs {where} ORDER BY id DESC LIMIT ?", params).rows
        return [
            RunRecord(
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
            )
            for r in rows
        ]

    def latest_per_period(self, exclude_trigger: str = "send") -> list[RunRecord]:
        """The newest run of every period (sends left out by default), newest period first: one query for
        the console's list of periods, however long the history."""
        rows = self._run(
            "SELECT * FROM reportgen_runs WHERE id IN (SELECT MAX(id) FROM reportgen_runs WHERE trigger != ? "
            "GROUP BY period) ORDER BY period DESC",
            (exclude_trigger,),
        ).rows
        return [
            RunRecord(
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
            )
            for r in rows
        ]

    # ---------------------------------------------------------------- deliveries
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
                _stamp(_now()),
            ),
        )

    def delivered(self, period: str, kind: str, recipient: str) -> bool:
        return bool(
            self._run(
                "SELECT 1 FROM reportgen_deliveries WHERE period = ? AND kind = ? AND recipient = ? "
                "AND status = 'delivered' LIMIT 1",
                (period, kind, recipient),
            ).rows
        )

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


def recorded_run(config, period, config_path: Path, *, trigger: str, report: str = "manual", **kwargs):
    """pipeline.run with a row in the run history (start, end, status, outputs, 缺报, error)."""
    from .pipeline import run

    history = History.for_config(config)
    run_id = history.start_run(report, str(period), trigger)
    try:
        result = run(config, period, config_path=config_path, **kwargs)
    except BaseException as e:
        lines = e.lines() if isinstance(e, ReportgenError) else [f"{type(e).__name__}: {e}"]
        history.finish_run(run_id, "failed", error="\n".join(lines))
        raise
    history.finish_run(
        run_id,
        "skipped" if result.skipped else "success",
        missing=result.missing,
        outputs=[str(f.relative_to(result.folder)) for f in result.files],
    )
    result.run_id = run_id
    return result


def jobstore_url(config) -> str:
    """APScheduler's job table: schedule.database, else the same SQLite file as the history."""
    if config.schedule.database:
        return config.schedule.database
    return f"sqlite:///{state_folder(config) / 'reportgen.sqlite'}"
