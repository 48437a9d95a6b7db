"""The write transaction of the SQLite stores (run history and delivery ledger, submissions): BEGIN IMMEDIATE
takes the write lock before anything is read, so a check and the write that depends on it are one step —
two processes can never both claim the same message or both publish a version of the same file."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def immediate(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """`db` (opened with isolation_level=None) inside one write transaction, rolled back on any error."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
