"""Approve a period's outputs before they go out, and send only what was approved.

An approval records the SHA-256 of every file the period's e-mails would attach (the Word report, its PDF, the
workbook, each 督办单). `send_approved` builds the messages again, checks every attachment against those hashes
at send time, and only then hands the messages to the library's `deliver` — a file regenerated or edited after
approval is not sent. Approvals live in approvals.sqlite in the state folder, beside the run history.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from .errors import ReportgenError
from .period import Period

SCHEMA = """
CREATE TABLE IF NOT EXISTS reportgen_approvals (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    period TEXT NOT NULL,
    approved_by TEXT NOT NULL,
    approved_at TEXT NOT NULL,
    files TEXT NOT NULL               -- {"relative/path": "sha256", …}
);
"""


class NotApproved(ReportgenError):
    """Sending was refused: nothing approved, or a file changed since it was approved."""


@dataclass(frozen=True)
class Approval:
    id: int
    period: str
    approved_by: str
    approved_at: datetime
    files: dict[str, str]  # path relative to the period's output folder -> sha256


def _store(config) -> Path:
    from .history import state_folder

    path = state_folder(config) / "approvals.sqlite"
    path.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(path, timeout=30, isolation_level=None)) as db:
        db.executescript(SCHEMA)
    return path


def _folder(config, period: Period) -> Path:
    return config.resolve(config.output.dir) / str(period)


def _attachments(config, period: Period) -> tuple[list, Path]:
    from .deliver import period_messages

    if config.mail is None:
        raise ReportgenError("配置中没有 mail 一节，无法发送邮件（见 README“邮件”）")
    folder = _folder(config, period)
    if not folder.is_dir():
        raise ReportgenError(f"{period} 期的报告尚未生成（{folder} 不存在），请先运行 reportgen run")
    return period_messages(config, period, folder), folder


def _hashes(messages, folder: Path) -> dict[str, str]:
    from .render.outputs import sha256

    files = {}
    for out in messages:
        for path in out.attachments:
            rel = path.relative_to(folder).as_posix()
            if rel not in files:
                if not path.is_file():
                    raise ReportgenError(f"附件不存在：{rel}，请先重新生成")
                files[rel] = sha256(path)
    return files


def approve(config, period: Period, approved_by: str, now: datetime | None = None) -> Approval:
    """Record the hashes of everything the period's e-mails would attach, as approved by `approved_by`."""
    messages, folder = _attachments(config, period)
    files = _hashes(messages, folder)
    now = now or datetime.now(UTC)
    with closing(sqlite3.connect(_store(config), timeout=30, isolation_level=None)) as db:
        cursor = db.execute(
            "INSERT INTO reportgen_approvals (period, approved_by, approved_at, files) VALUES (?, ?, ?, ?)",
            (
                str(period),
                approved_by,
                now.astimezone(UTC).isoformat(),
                json.dumps(files, ensure_ascii=False),
            ),
        )
        return Approval(cursor.lastrowid, str(period), approved_by, now, files)


def latest_approval(config, period: Period) -> Approval | None:
    with closing(sqlite3.connect(_store(config), timeout=30, isolation_level=None)) as db:
        row = db.execute(
            "SELECT id, period, approved_by, approved_at, files FROM reportgen_approvals WHERE period = ? "
            "ORDER BY id DESC LIMIT 1",
            (str(period),),
        ).fetchone()
    if row is None:
        return None
    return Approval(row[0], row[1], row[2], datetime.fromisoformat(row[3]), json.loads(row[4]))


def changed_since_approval(config, period: Period, approval: Approval) -> list[str]:
    """Files the e-mails would attach now whose content is not what was approved (or that are new)."""
    from .render.outputs import sha256

    folder = _folder(config, period)
    changed = []
    messages, folder = _attachments(config, period)
    for out in messages:
        for path in out.attachments:
            rel = path.relative_to(folder).as_posix()
            if rel in changed:
                continue
            if approval.files.get(rel) is None or not path.is_file() or sha256(path) != approval.files[rel]:
                changed.append(rel)
    return changed


def approval_needed(config, period: Period) -> str | None:
    """Why the period's outputs may not go out yet (not approved; changed since approval), or None."""
    approval = latest_approval(config, period)
    if approval is None:
        return f"{period} 期的报告尚未审核"
    changed = changed_since_approval(config, period, approval)
    if changed:
        return f"{'、'.join(changed)} 在 {approval.approved_by} 审核后已改变（或未经审核），需要重新审核"
    return None


def send_approved(
    config,
    period: Period,
    *,
    history=None,
    run_id: int | None = None,
    require_approval: bool = True,
    dry_run: bool = False,
    retry_rejected: bool = True,
    progress: Callable[[str], None] = lambda _: None,
):
    """Send the period's messages not delivered yet (the library's `deliver`), only when every attachment is
    exactly what was approved; raises NotApproved otherwise. Returns the DeliveryReport."""
    from .deliver import deliver
    from .history import History
    from .render.outputs import sha256

    messages, folder = _attachments(config, period)
    if not messages:
        raise ReportgenError("没有收件人：请在 mail.leaders 或 departments[].email 中填写邮箱")
    if require_approval:
        approval = latest_approval(config, period)
        if approval is None:
            raise NotApproved(f"{period} 期的报告尚未审核，不能发送")
        for out in messages:
            for path in out.attachments:
                rel = path.relative_to(folder).as_posix()
                if (
                    approval.files.get(rel) is None
                    or not path.is_file()
                    or sha256(path) != approval.files[rel]
                ):
                    raise NotApproved(f"{rel} 在审核后已改变（或未经审核），请重新审核后再发送")
    history = history or History.for_config(config)
    return deliver(
        config,
        str(period),
        messages,
        history,
        dry_run=dry_run,
        run_id=run_id,
        outbox=folder.parent / f"{period}-outbox",
        retry_rejected=retry_rejected,
        progress=progress,
    )
