"""Console accounts, login throttling and the audit log: one SQLite file (console.sqlite) in the state folder,
next to the run history. Passwords are argon2 hashes; nothing here is ever rendered except names and roles.
"""

from __future__ import annotations

import secrets
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ..errors import ReportgenError

ROLES = ("admin", "staff", "viewer", "department")
ROLE_NAMES = {"admin": "管理员", "staff": "工作人员", "viewer": "只读", "department": "报送单位"}
MIN_PASSWORD = 8

SCHEMA = """
CREATE TABLE IF NOT EXISTS console_users (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0,
    session_version INTEGER NOT NULL DEFAULT 1,  -- bumped by passwd/disable: every open session ends
    created_at TEXT NOT NULL,
    department TEXT NOT NULL DEFAULT ''          -- the department a `department` user submits for
);
CREATE TABLE IF NOT EXISTS console_login_failures (
    name TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    last_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS console_audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    user TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    remote TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS console_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


class AccountError(ReportgenError):
    """A user command that cannot be done (unknown user, weak password, bad role)."""


class Throttled(AccountError):
    """Too many wrong passwords in a row: the account waits before it may try again."""

    def __init__(self, until: datetime):
        self.until = until
        super().__init__(f"密码错误次数过多，请于 {until.astimezone(UTC):%H:%M} (UTC) 后再试")


@dataclass(frozen=True)
class User:
    name: str
    role: str
    disabled: bool
    session_version: int
    department: str = ""  # set for the department role only

    @property
    def role_name(self) -> str:
        return ROLE_NAMES.get(self.role, self.role)

    @property
    def is_department(self) -> bool:
        return self.role == "department"

    def can(self, action: str) -> bool:
        """What each role may do: viewers look and download, staff also act, admins also read the audit log;
        a department's user only submits its own files (the portal pages), and sees no staff page."""
        allowed = {
            "view": ("admin", "staff", "viewer"),
            "act": ("admin", "staff"),
            "audit": ("admin",),
            "submit": ("department",),
        }
        return self.role in allowed[action]


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    user: str
    action: str
    detail: str
    remote: str


def _hasher():
    from argon2 import PasswordHasher

    return PasswordHasher()


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


class Accounts:
    def __init__(self, path: Path, *, attempts: int = 5, lockout: timedelta = timedelta(minutes=15)):
        self.path = path
        self.attempts, self.lockout = attempts, lockout
        path.parent.mkdir(parents=True, exist_ok=True)
        with closing(self._connect()) as db:
            db.executescript(SCHEMA)
            columns = {r["name"] for r in db.execute("PRAGMA table_info(console_users)")}
            if "department" not in columns:  # a console.sqlite made before department accounts existed
                db.execute("ALTER TABLE console_users ADD COLUMN department TEXT NOT NULL DEFAULT ''")

    @classmethod
    def for_config(cls, config) -> Accounts:
        from ..history import state_folder

        return cls(
            state_folder(config) / "console.sqlite",
            attempts=config.web.login_attempts,
            lockout=timedelta(minutes=config.web.lockout_minutes),
        )

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        db.row_factory = sqlite3.Row
        return db

    def _run(self, sql: str, params: tuple = ()) -> list[sqlite3.Row]:
        with closing(self._connect()) as db:
            return db.execute(sql, params).fetchall()

    # ---------------------------------------------------------------- secret for signing session cookies
    def secret(self) -> bytes:
        """The key that signs session cookies, made once and kept in the database (never shown)."""
        self._run(
            "INSERT OR IGNORE INTO console_settings VALUES ('session_key', ?)", (secrets.token_hex(32),)
        )
        return bytes.fromhex(self._run("SELECT value FROM console_settings WHERE key = 'session_key'")[0][0])

    # ---------------------------------------------------------------- users
    def user(self, name: str) -> User | None:
        rows = self._run("SELECT * FROM console_users WHERE name = ?", (name,))
        if not rows:
            return None
        return _user(rows[0])

    def users(self) -> list[User]:
        return [_user(r) for r in self._run("SELECT * FROM console_users ORDER BY name")]

    def add(self, name: str, password: str, role: str = "staff", department: str = "") -> User:
        """A new account. The department role needs `department` (its canonical name, checked against the
        config by the caller); other roles take none."""
        name = name.strip()
        if not name:
            raise AccountError("用户名不能为空")
        if role not in ROLES:
            raise AccountError(f"角色“{role}”无效，应为 {'、'.join(ROLES)}")
        department = (department or "").strip()
        if role == "department" and not department:
            raise AccountError("报送单位账号须指定责任单位：--department 单位名称")
        if role != "department" and department:
            raise AccountError("只有报送单位账号（--role department）才指定责任单位")
        _check_password(password)
        try:
            self._run(
                "INSERT INTO console_users (name, role, password_hash, created_at, department)"
                " VALUES (?, ?, ?, ?, ?)",
                (name, role, _hasher().hash(password), _stamp(datetime.now(UTC)), department),
            )
        except sqlite3.IntegrityError:
            raise AccountError(f"用户“{name}”已存在（改密码用 reportgen user passwd）") from None
        return self.user(name)

    def set_password(self, name: str, password: str) -> None:
        self._existing(name)
        _check_password(password)
        self._run(
            "UPDATE console_users SET password_hash = ?, session_version = session_version + 1 WHERE name = ?",
            (_hasher().hash(password), name),
        )
        self._run("DELETE FROM console_login_failures WHERE name = ?", (name,))

    def set_disabled(self, name: str, disabled: bool = True) -> None:
        self._existing(name)
        self._run(
            "UPDATE console_users SET disabled = ?, session_version = session_version + 1 WHERE name = ?",
            (int(disabled), name),
        )

    def _existing(self, name: str) -> User:
        user = self.user(name)
        if user is None:
            raise AccountError(f"用户“{name}”不存在")
        return user

    # ---------------------------------------------------------------- login
    def authenticate(self, name: str, password: str, now: datetime | None = None) -> User | None:
        """The user when the password is right; None when wrong or the account is disabled.
        Raises Throttled after `attempts` wrong passwords in a row, for `lockout` — also for unknown names,
        so the answer does not tell which names exist."""
        from argon2.exceptions import InvalidHashError, VerificationError

        now = now or datetime.now(UTC)
        rows = self._run("SELECT failures, last_at FROM console_login_failures WHERE name = ?", (name,))
        if rows and rows[0]["failures"] >= self.attempts:
            until = datetime.fromisoformat(rows[0]["last_at"]) + self.lockout
            if now < until:
                raise Throttled(until)
            self._run("DELETE FROM console_login_failures WHERE name = ?", (name,))
        found = self._run("SELECT password_hash, disabled FROM console_users WHERE name = ?", (name,))
        ok = False
        if found:
            try:
                ok = _hasher().verify(found[0]["password_hash"], password)
            except (VerificationError, InvalidHashError):
                ok = False
        else:
            _hasher().hash(password)  # the same time for a name that does not exist
        if ok and not found[0]["disabled"]:
            self._run("DELETE FROM console_login_failures WHERE name = ?", (name,))
            return self.user(name)
        self._run(
            "INSERT INTO console_login_failures VALUES (?, 1, ?) "
            "ON CONFLICT(name) DO UPDATE SET failures = failures + 1, last_at = excluded.last_at",
            (name, _stamp(now)),
        )
        return None

    # ---------------------------------------------------------------- audit log
    def audit(self, user: str, action: str, detail: str = "", remote: str = "") -> None:
        self._run(
            "INSERT INTO console_audit (at, user, action, detail, remote) VALUES (?, ?, ?, ?, ?)",
            (_stamp(datetime.now(UTC)), user, action, detail, remote),
        )

    def audit_log(self, limit: int = 200) -> list[AuditEntry]:
        return [
            AuditEntry(
                r["id"], datetime.fromisoformat(r["at"]), r["user"], r["action"], r["detail"], r["remote"]
            )
            for r in self._run("SELECT * FROM console_audit ORDER BY id DESC LIMIT ?", (limit,))
        ]


def _user(row: sqlite3.Row) -> User:
    return User(
        row["name"], row["role"], bool(row["disabled"]), row["session_version"], row["department"] or ""
    )


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"密码至少 {MIN_PASSWORD} 位")
