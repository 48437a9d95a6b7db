"""The submission store: every upload kept as an immutable version, the accepted one written into
data/<period>/ so runs and the scheduler read it unchanged, and 退回 / 确认 / 重新开放 recorded.

SQLite metadata (standard library) and files stored by their sha256, both under the state folder
(portal.state_dir, default <state>/submissions). The clock is never read here: every action takes `now`.
A department's user may act only on the files its department sends (`Actor.department`); staff (no
department) act on any file and alone may 退回, 确认 and reopen.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import tempfile
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from .config.model import Config
from .errors import SourceError
from .intake import (
    ExpectedFile,
    IntakeError,
    IntakeResult,
    Issue,
    check_upload,
    expected_file,
    file_key,
)
from .period import Period
from .transactions import immediate

SCHEMA = """
CREATE TABLE IF NOT EXISTS submission_versions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    period TEXT NOT NULL,
    file TEXT NOT NULL,                -- the expected name this period (主要经济指标.xlsx)
    department TEXT NOT NULL,          -- the uploader's department; '' for staff
    uploader TEXT NOT NULL,
    uploaded_at TEXT NOT NULL,         -- ISO 8601, UTC
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    original_name TEXT NOT NULL,       -- as uploaded
    stored_name TEXT NOT NULL,         -- as written into data/<period>/
    origin TEXT NOT NULL,              -- upload / manual (a hand-placed file, kept before it was replaced)
    result TEXT NOT NULL,              -- the intake check (JSON)
    explanations TEXT DEFAULT '{}',    -- warning key -> explanation, given when accepted
    accepted_at TEXT
);
CREATE INDEX IF NOT EXISTS submission_versions_file ON submission_versions (period, file);
CREATE TABLE IF NOT EXISTS submission_files (
    period TEXT NOT NULL,
    file TEXT NOT NULL,
    version_id INTEGER,                -- the current (accepted) version; NULL for a hand-placed file
    state TEXT NOT NULL,               -- submitted / returned / confirmed
    reason TEXT DEFAULT '',            -- 退回 reason
    actor TEXT DEFAULT '',
    updated_at TEXT NOT NULL,
    UNIQUE (period, file)
);
CREATE TABLE IF NOT EXISTS submission_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    period TEXT NOT NULL,
    file TEXT NOT NULL,
    version_id INTEGER,
    action TEXT NOT NULL,              -- upload / accept / manual / return / confirm / reopen
    actor TEXT NOT NULL,
    department TEXT DEFAULT '',
    at TEXT NOT NULL,
    detail TEXT DEFAULT ''
);
"""

# Status of one expected file, as departments and staff see it.
NOT_SUBMITTED = "未报"
SUBMITTED = "已报"
RETURNED = "退回"
CONFIRMED = "已确认"
MANUAL = "手工放置"
UNCHECKED = "手工放置的文件，未经上传检查"


@dataclass(frozen=True)
class Actor:
    """Who acts: a department's user (`department` set) or staff of the office (`department` None)."""

    user: str
    department: str | None = None

    @property
    def is_staff(self) -> bool:
        return self.department is None

    def __str__(self) -> str:
        return f"{self.department}·{self.user}" if self.department else self.user


@dataclass(frozen=True)
class Version:
    """One upload, never changed after it is stored (explanations and acceptance are added once)."""

    id: int
    period: str
    file: str
    department: str
    uploader: str
    uploaded_at: datetime
    sha256: str
    size: int
    original_name: str
    stored_name: str
    origin: str
    result: IntakeResult
    explanations: dict[str, str] = field(default_factory=dict)
    accepted_at: datetime | None = None

    @property
    def accepted(self) -> bool:
        return self.accepted_at is not None


@dataclass(frozen=True)
class UploadOutcome:
    """An upload stored as `version`; `accepted` when it became the current file (no errors, all warnings
    explained). Otherwise `unexplained` lists the warnings still to explain (accept() takes them)."""

    version: Version
    accepted: bool
    unexplained: list[Issue]

    @property
    def result(self) -> IntakeResult:
        return self.version.result


@dataclass(frozen=True)
class FileStatus:
    """One expected file of a period: 未报 / 已报 / 退回（理由）/ 已确认 / 手工放置."""

    period: str
    file: str
    departments: tuple[str, ...]
    status: str
    reason: str = ""  # 退回 reason
    version: Version | None = None  # the current version (None: nothing accepted, or hand-placed)
    path: Path | None = None  # the file in data/<period>/ (None: not there)
    updated_at: datetime | None = None
    note: str = ""  # e.g. two files match the name

    @property
    def label(self) -> str:
        return f"{RETURNED}（{self.reason}）" if self.status == RETURNED else self.status

    @property
    def counts_as_submitted(self) -> bool:
        """What 缺报 and 催报 go by: a file that is there and not sent back."""
        return self.status in (SUBMITTED, CONFIRMED, MANUAL)


@dataclass(frozen=True)
class Difference:
    """A value that differs between two versions, with where each was read."""

    key: str
    name: str
    label: str
    old: str
    new: str
    old_location: str
    new_location: str

    def text(self) -> str:
        return (
            f"{self.name} {self.label}：{self.old}（{self.old_location}）→ {self.new}（{self.new_location}）"
        )


@dataclass(frozen=True)
class ReturnNotice:
    """A 退回, ready to be e-mailed to the department (see `return_messages`)."""

    period: str
    file: str
    departments: tuple[str, ...]
    reason: str
    subject: str
    text: str


class SubmissionStore:
    """Versions of the departments' submissions under `root` (submissions.sqlite and objects/)."""

    def __init__(self, root: Path):
        self.root = root
        self.database = root / "submissions.sqlite"
        self.objects = root / "objects"
        root.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.executescript(SCHEMA)

    @classmethod
    def for_config(cls, config: Config) -> SubmissionStore:
        if config.portal.state_dir is not None:
            return cls(config.resolve(config.portal.state_dir))
        from .history import state_folder

        return cls(state_folder(config) / "submissions")

    @contextmanager
    def _connect(self):
        with closing(sqlite3.connect(self.database, timeout=30)) as db:
            db.row_factory = sqlite3.Row
            with db:
                yield db

    @contextmanager
    def _write(self):
        """One writer at a time (BEGIN IMMEDIATE), so two uploads of the same file cannot interleave."""
        with closing(sqlite3.connect(self.database, timeout=30, isolation_level=None)) as db, immediate(db):
            db.row_factory = sqlite3.Row
            yield db

    # ---------------------------------------------------------------- files by hash
    def object_path(self, sha256: str) -> Path:
        return self.objects / sha256[:2] / sha256

    def _keep(self, content: bytes, sha256: str) -> Path:
        path = self.object_path(sha256)
        if not path.is_file():
            _atomic_write(path, content, mode=0o444)
        return path

    def content(self, version: Version) -> bytes:
        """The bytes of a version, checked against its hash."""
        data = self.object_path(version.sha256).read_bytes()
        if hashlib.sha256(data).hexdigest() != version.sha256:
            raise IntakeError(f"版本 #{version.id} 的存档文件已损坏（哈希不符）")
        return data

    # ---------------------------------------------------------------- reading
    def version(self, version_id: int) -> Version:
        with self._connect() as db:
            row = db.execute("SELECT * FROM submission_versions WHERE id = ?", (version_id,)).fetchone()
        if row is None:
            raise IntakeError(f"版本 #{version_id} 不存在")
        return _version(row)

    def versions(self, period: Period | str, file: str | None = None) -> list[Version]:
        """Every version of the period (of one expected file when given), oldest first."""
        sql, args = "SELECT * FROM submission_versions WHERE period = ?", [str(period)]
        with self._connect() as db:
            rows = db.execute(sql + " ORDER BY id", args).fetchall()
        return [_version(r) for r in rows if file is None or file_key(r["file"]) == file_key(file)]

    def checked(self, period: Period | str, sha256: str) -> IntakeResult | None:
        """The stored check of an uploaded file with these bytes in `period` (None: never uploaded)."""
        with self._connect() as db:
            row = db.execute(
                "SELECT result FROM submission_versions WHERE period = ? AND sha256 = ? AND origin = 'upload'"
                " ORDER BY id DESC LIMIT 1",
                (str(period), sha256),
            ).fetchone()
        return IntakeResult.from_dict(json.loads(row["result"])) if row else None

    def versions_for(self, config: Config, actor: Actor, period: Period, file: str) -> list[Version]:
        """The versions of one file `actor` may see: staff any, a department only those of its own files."""
        wanted = _authorised(config, period, actor, file)
        return self.versions(period, wanted.name)

    def fetch(self, config: Config, actor: Actor, version_id: int) -> tuple[Version, bytes]:
        """A version and its bytes, for `actor` only if the file is theirs (a guessed id gets the same refusal
        as a missing one, so ids of other departments' files are not revealed)."""
        try:
            version = self.version(version_id)
            _authorised(config, Period.parse(version.period), actor, version.file)
        except IntakeError:
            raise IntakeError(f"版本 #{version_id} 不存在或无权查看") from None
        return version, self.content(version)

    def events(self, period: Period | str, file: str | None = None) -> list[dict]:
        with self._connect() as db:
            rows = db.execute(
                "SELECT * FROM submission_events WHERE period = ? ORDER BY id", (str(period),)
            ).fetchall()
        return [dict(r) for r in rows if file is None or file_key(r["file"]) == file_key(file)]

    def _state(self, db, period: str, file: str):
        return db.execute(
            "SELECT * FROM submission_files WHERE period = ? AND file = ?", (period, file)
        ).fetchone()

    def state(self, period: Period | str, file: str) -> dict | None:
        with self._connect() as db:
            row = self._state(db, str(period), file)
        return dict(row) if row else None

    # ---------------------------------------------------------------- actions
    def upload(
        self,
        config: Config,
        period: Period,
        actor: Actor,
        file: str,
        content: bytes,
        uploaded_name: str,
        now: datetime,
        explanations: dict[str, str] | None = None,
    ) -> UploadOutcome:
        """Check an upload, keep it as a version, and make it current when nothing blocks and every warning
        has an explanation. Refused (IntakeError) for another department's file, a confirmed file, or a file
        that is not a spreadsheet; blocking errors are stored with the version and listed in its result."""
        wanted = _authorised(config, period, actor, file)
        self._refuse_if_locked(str(period), wanted.name, actor)
        result = check_upload(config, period, wanted.name, content, uploaded_name, known=self.checked)
        self._keep(content, result.sha256)
        with self._write() as db:
            cursor = db.execute(
                "INSERT INTO submission_versions (period, file, department, uploader, uploaded_at, sha256,"
                " size, original_name, stored_name, origin, result) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (
                    str(period),
                    wanted.name,
                    config.department_of(actor.department or "") or actor.department or "",
                    actor.user,
                    _stamp(now),
                    result.sha256,
                    result.size,
                    uploaded_name or wanted.name,
                    result.stored_name,
                    "upload",
                    json.dumps(result.to_dict(), ensure_ascii=False),
                ),
            )
            version_id = cursor.lastrowid
            _event(db, period, wanted.name, version_id, "upload", actor, now, _summary(result))
        version = self.version(version_id)
        unexplained = result.unexplained(explanations or {})
        if not result.ok or unexplained:
            return UploadOutcome(version, False, unexplained)
        version = self.accept(config, actor, version_id, explanations or {}, now)
        return UploadOutcome(version, True, [])

    def accept(
        self, config: Config, actor: Actor, version_id: int, explanations: dict[str, str], now: datetime
    ) -> Version:
        """Make a version the current file: written atomically into data/<period>/. Refused while it has
        errors, while a warning has no explanation, or when the file is confirmed (locked)."""
        version = self.version(version_id)
        period = Period.parse(version.period)
        wanted = _authorised(config, period, actor, version.file)
        self._refuse_if_locked(version.period, wanted.name, actor)
        if not version.result.ok:
            first = version.result.errors[0]
            raise IntakeError(f"版本 #{version.id} 有 {len(version.result.errors)} 处错误，不能采用：{first}")
        given = {
            **version.explanations,
            **{k: v.strip() for k, v in version.result.keyed(explanations).items() if v and v.strip()},
        }
        missing = version.result.unexplained(given)
        if missing:
            keys = "、".join(w.key for w in missing)
            raise IntakeError(f"以下 {len(missing)} 条警告需要填写说明后才能提交：{keys}")
        given = {w.key: given[w.key] for w in version.result.warnings}
        folder = _period_folder(config, period)
        with self._write() as db:
            row = self._state(db, version.period, wanted.name)
            if row is not None and row["state"] == "confirmed":  # confirmed since the check above
                raise IntakeError(
                    f"{wanted.name} 已确认（已锁定），不能再上传；如需修改请联系工作人员重新开放"
                )
            self._take_in_hand_placed(db, config, period, wanted, folder, now)
            if version.accepted_at is None:
                db.execute(
                    "UPDATE submission_versions SET explanations = ?, accepted_at = ? WHERE id = ?",
                    (json.dumps(given, ensure_ascii=False), _stamp(now), version.id),
                )
            self._publish(db, version, folder, wanted)
            _set_state(db, version.period, wanted.name, version.id, "submitted", "", actor, now)
            detail = "；".join(f"{k}：{v}" for k, v in given.items())
            _event(db, period, wanted.name, version.id, "accept", actor, now, detail)
        return self.version(version.id)

    def return_file(
        self, config: Config, actor: Actor, period: Period, file: str, reason: str, now: datetime
    ) -> ReturnNotice:
        """退回: staff send the current file back with a reason; it no longer counts as submitted (the
        department is reminded again) until a new version is accepted. The file stays in data/<period>/."""
        wanted = _staff_only(config, period, actor, file, "退回")
        reason = " ".join((reason or "").split())
        if not reason:
            raise IntakeError("退回须写明理由")
        status = file_status(config, self, period, wanted)
        if status.path is None:
            raise IntakeError(f"{wanted.name} 尚未报送，无可退回")
        with self._write() as db:
            version_id = status.version.id if status.version else None
            _set_state(db, str(period), wanted.name, version_id, "returned", reason, actor, now)
            _event(db, period, wanted.name, version_id, "return", actor, now, reason)
        return return_notice(config, period, wanted, reason)

    def confirm(self, config: Config, actor: Actor, period: Period, file: str, now: datetime) -> FileStatus:
        """确认: staff lock the current version; further uploads are refused until reopened."""
        wanted = _staff_only(config, period, actor, file, "确认")
        status = file_status(config, self, period, wanted)
        if status.path is None:
            raise IntakeError(f"{wanted.name} 尚未报送，无可确认")
        if status.status == RETURNED:
            raise IntakeError(f"{wanted.name} 已退回（{status.reason}），须重新报送后才能确认")
        with self._write() as db:
            if status.status == MANUAL:  # confirm exactly the bytes that are there: keep them as a version
                status_version = self._take_in_hand_placed(
                    db, config, period, wanted, _period_folder(config, period), now
                )
            else:
                status_version = status.version.id if status.version else None
            _set_state(db, str(period), wanted.name, status_version, "confirmed", "", actor, now)
            _event(db, period, wanted.name, status_version, "confirm", actor, now, "")
        return file_status(config, self, period, wanted)

    def reopen(self, config: Config, actor: Actor, period: Period, file: str, now: datetime) -> FileStatus:
        """Undo 确认: the department may upload again."""
        wanted = _staff_only(config, period, actor, file, "重新开放")
        with self._write() as db:
            row = self._state(db, str(period), wanted.name)
            if row is None or row["state"] != "confirmed":
                raise IntakeError(f"{wanted.name} 未确认，无需重新开放")
            _set_state(db, str(period), wanted.name, row["version_id"], "submitted", "", actor, now)
            _event(db, period, wanted.name, row["version_id"], "reopen", actor, now, "")
        return file_status(config, self, period, wanted)

    def compare(self, config: Config, first: int, second: int) -> list[Difference]:
        """Values that differ between two versions (by the figures' stable keys), with provenance."""
        a, b = self.version(first), self.version(second)
        old = {f.key: f for f in self._figures(config, a)}
        new = {f.key: f for f in self._figures(config, b)}
        out = []
        for key in list(old) + [k for k in new if k not in old]:
            x, y = old.get(key), new.get(key)
            if x is not None and y is not None and x.value == y.value:
                continue
            ref = y or x
            out.append(
                Difference(
                    key,
                    ref.name,
                    ref.label,
                    x.shown() if x else "（无）",
                    y.shown() if y else "（无）",
                    x.location if x else "",
                    y.location if y else "",
                )
            )
        return out

    def _figures(self, config: Config, version: Version) -> list:
        if UNCHECKED not in version.result.notices:
            return version.result.figures
        try:  # a hand-placed file, kept unread: read it now as an upload would be
            content = self.content(version)
            period = Period.parse(version.period)
            return check_upload(
                config, period, version.file, content, version.original_name, max_upload_mb=1e9
            ).figures
        except IntakeError:
            return []

    # ---------------------------------------------------------------- internals
    def _refuse_if_locked(self, period: str, file: str, actor: Actor) -> None:
        state = self.state(period, file)
        if state and state["state"] == "confirmed":
            raise IntakeError(f"{file} 已确认（已锁定），不能再上传；如需修改请联系工作人员重新开放")

    def _publish(self, db, version: Version, folder: Path, wanted: ExpectedFile) -> None:
        """Write the version into the period folder atomically, and remove any other file the reader would
        also take for this submission (each is a stored version by now)."""
        target = folder / version.stored_name
        _atomic_write(target, self.content(version))
        for other in _matching(folder, wanted.name):
            if other.name != target.name:
                other.unlink()

    def _take_in_hand_placed(
        self, db, config, period: Period, wanted: ExpectedFile, folder: Path, now
    ) -> int | None:
        """Files in the folder for this submission whose hash matches no version: kept as 手工放置 versions
        before anything replaces them. Returns the version id of the (last) file there."""
        last = None
        for path in _matching(folder, wanted.name):
            content = path.read_bytes()
            digest = hashlib.sha256(content).hexdigest()
            row = db.execute(
                "SELECT id FROM submission_versions WHERE period = ? AND file = ? AND sha256 = ?"
                " ORDER BY id DESC LIMIT 1",
                (str(period), wanted.name, digest),
            ).fetchone()
            if row is not None:
                last = row["id"]
                continue
            # Not read here (a big ledger would hold every other writer up): compare() reads it when asked.
            result = IntakeResult(
                str(period), wanted.name, path.name, "", len(content), digest, notices=[UNCHECKED]
            )
            self._keep(content, digest)
            cursor = db.execute(
                "INSERT INTO submission_versions (period, file, department, uploader, uploaded_at, sha256,"
                " size, original_name, stored_name, origin, result, accepted_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    str(period),
                    wanted.name,
                    "",
                    MANUAL,
                    _stamp(datetime.fromtimestamp(path.stat().st_mtime, UTC)),
                    digest,
                    len(content),
                    path.name,
                    path.name,
                    "manual",
                    json.dumps(result.to_dict(), ensure_ascii=False),
                    _stamp(now),
                ),
            )
            last = cursor.lastrowid
            _event(
                db,
                period,
                wanted.name,
                last,
                "manual",
                Actor(MANUAL),
                now,
                f"目录中手工放置的 {path.name} 已存档",
            )
        return last


# -------------------------------------------------------------------- status
def file_status(config: Config, store: SubmissionStore, period: Period, wanted: ExpectedFile) -> FileStatus:
    """The status of one expected file: the data folder is the truth, the store says how it got there."""
    from .sources.collect import find_input

    folder = _period_folder(config, period)
    state = store.state(period, wanted.name)
    path, note = None, ""
    try:
        path = find_input(folder, wanted.name)
    except SourceError as e:
        if "多个文件" in e.message:
            note = e.message
            path = _matching(folder, wanted.name)[0]
    updated = datetime.fromisoformat(state["updated_at"]) if state else None
    reason = state["reason"] if state else ""
    base = dict(period=str(period), file=wanted.name, departments=wanted.departments, note=note)
    if path is None:
        if state and state["state"] == "returned":
            return FileStatus(**base, status=RETURNED, reason=reason, updated_at=updated)
        return FileStatus(**base, status=NOT_SUBMITTED)
    digest = _sha256(path)
    current = store.version(state["version_id"]) if state and state["version_id"] else None
    if current is None or current.sha256 != digest or note:
        known = [v for v in store.versions(period, wanted.name) if v.sha256 == digest]
        if not known or note:
            # Put there by hand (or replaced by hand after an upload): it counts, shown as such.
            if state and state["state"] == "returned" and current is None:
                return FileStatus(**base, status=RETURNED, reason=reason, path=path, updated_at=updated)
            if state and state["state"] == "confirmed" and current is None:
                return FileStatus(**base, status=CONFIRMED, path=path, updated_at=updated)
            return FileStatus(**base, status=MANUAL, path=path)
        current = known[-1]
    kind = {"returned": RETURNED, "confirmed": CONFIRMED}.get(state["state"] if state else "", SUBMITTED)
    if current.origin == "manual" and kind == SUBMITTED:
        kind = MANUAL
    return FileStatus(
        **base,
        status=kind,
        reason=reason if kind == RETURNED else "",
        version=current,
        path=path,
        updated_at=updated,
    )


def period_status(config: Config, store: SubmissionStore, period: Period) -> list[FileStatus]:
    """Every expected file of the period with its status (the staff's table)."""
    from .intake import expected_files

    return [file_status(config, store, period, e) for e in expected_files(config, period)]


# -------------------------------------------------------------------- 退回 e-mail
def return_notice(config: Config, period: Period, wanted: ExpectedFile, reason: str) -> ReturnNotice:
    from .render.numbers import span

    departments = "、".join(wanted.departments) or "各单位"
    subject = f"【退回】{config.zone}{span(period.month)}报表：{wanted.name}"
    text = (
        f"{departments}：\n\n"
        f"贵单位报送的 {period.year} 年{span(period.month)}《{wanted.name}》已被退回，理由：{reason}\n\n"
        "请修改后重新上传。重新上传的版本经确认后计入本期报告。\n"
    )
    if config.mail is not None and config.mail.sender_name:
        text += f"\n{config.mail.sender_name}\n"
    return ReturnNotice(str(period), wanted.name, wanted.departments, reason, subject, text)


def return_messages(config: Config, notice: ReturnNotice) -> list:
    """The 退回 notice as messages (deliver.mail.Outgoing) to every address of the departments concerned."""
    from .deliver.mail import Outgoing

    out = []
    for dept in config.departments:
        if isinstance(dept, str) or dept.name not in notice.departments:
            continue
        out += [Outgoing("reminder", to, notice.subject, notice.text, "", [], dept.name) for to in dept.email]
    return out


def send_return_notice(config: Config, notice: ReturnNotice, mailer=None) -> list[tuple[str, str]]:
    """E-mail a 退回 to the departments concerned; (address, status) for each. Needs the `mail` section."""
    from .deliver.mail import Mailer, compose

    if config.mail is None:
        raise IntakeError("配置中没有 mail 部分，无法发送退回通知")
    mailer = mailer or Mailer.from_config(config)
    results = []
    for out in return_messages(config, notice):
        outcome = mailer.send(compose(out, config.mail.sender, config.mail.sender_name))
        results.append((out.to, outcome.status))
    return results


# -------------------------------------------------------------------- helpers
def _authorised(config: Config, period: Period, actor: Actor, file: str) -> ExpectedFile:
    wanted = expected_file(config, period, file)
    if actor.is_staff:
        return wanted
    mine = config.department_of(actor.department) or actor.department
    if mine not in wanted.departments:
        who = "、".join(wanted.departments) or "工作人员"
        raise IntakeError(f"无权操作 {wanted.name}：该文件由{who}报送")
    return wanted


def _staff_only(config: Config, period: Period, actor: Actor, file: str, what: str) -> ExpectedFile:
    if not actor.is_staff:
        raise IntakeError(f"只有工作人员可以{what}")
    return expected_file(config, period, file)


def _period_folder(config: Config, period: Period) -> Path:
    from .sources.collect import period_dir

    return period_dir(config, period)


def _matching(folder: Path, name: str) -> list[Path]:
    """Files the reader could take for `name`: the same name ignoring width/case/spaces, or the same stem with
    another spreadsheet suffix."""
    if not folder.is_dir():
        return []
    key, stem = file_key(name), file_key(Path(name).stem)
    suffixes = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods", ".csv"}
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file()
        and not p.name.startswith(("~$", ".~"))
        and (file_key(p.name) == key or (file_key(p.stem) == stem and p.suffix.lower() in suffixes))
    )


def _atomic_write(path: Path, content: bytes, mode: int | None = None) -> None:
    """Temp file beside `path` (hidden from the reader: '.~' prefix), fsync, then one rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".~reportgen-", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(content)
            f.flush()
            os.fsync(f.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes it private; the data folder is shared
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _sha256(path: Path) -> str:
    from .render.outputs import sha256

    return sha256(path)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def _version(row) -> Version:
    return Version(
        id=row["id"],
        period=row["period"],
        file=row["file"],
        department=row["department"],
        uploader=row["uploader"],
        uploaded_at=datetime.fromisoformat(row["uploaded_at"]),
        sha256=row["sha256"],
        size=row["size"],
        original_name=row["original_name"],
        stored_name=row["stored_name"],
        origin=row["origin"],
        result=IntakeResult.from_dict(json.loads(row["result"])),
        explanations=json.loads(row["explanations"] or "{}"),
        accepted_at=datetime.fromisoformat(row["accepted_at"]) if row["accepted_at"] else None,
    )


def _set_state(db, period: str, file: str, version_id, state: str, reason: str, actor: Actor, now) -> None:
    db.execute(
        "INSERT INTO submission_files (period, file, version_id, state, reason, actor, updated_at)"
        " VALUES (?,?,?,?,?,?,?) ON CONFLICT (period, file) DO UPDATE SET version_id = excluded.version_id,"
        " state = excluded.state, reason = excluded.reason, actor = excluded.actor,"
        " updated_at = excluded.updated_at",
        (period, file, version_id, state, reason, str(actor), _stamp(now)),
    )


def _event(db, period, file: str, version_id, action: str, actor: Actor, now, detail: str) -> None:
    db.execute(
        "INSERT INTO submission_events (period, file, version_id, action, actor, department, at, detail)"
        " VALUES (?,?,?,?,?,?,?,?)",
        (str(period), file, version_id, action, actor.user, actor.department or "", _stamp(now), detail),
    )


def _summary(result: IntakeResult) -> str:
    return f"{len(result.figures)} 个数值，{len(result.errors)} 处错误，{len(result.warnings)} 条警告"
