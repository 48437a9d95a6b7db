"""One run per period at a time: an OS file lock on <output>/<period>.lock, which the system releases when the
holding process ends however it ends (kill -9 included), so a dead holder's lock is simply taken over."""

from __future__ import annotations

import json
import os
import sys
import time
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from ..errors import ReportgenError


def _try_lock(fd: int) -> bool:
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, 1 << 30, os.SEEK_SET)  # a byte past the record, so others can still read who holds it
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _holder(path: Path) -> dict:
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return record if isinstance(record, dict) else {}


@contextmanager
def period_lock(folder: Path, period: str, wait: float = 5.0, now: datetime | None = None):
    """Hold `<folder>/<period>.lock` for the block; wait up to `wait` seconds for another run to finish,
    then raise ReportgenError naming its process and start time."""
    created = not folder.exists()
    path = folder / f"{period}.lock"
    deadline = time.monotonic() + wait
    while True:
        folder.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
        except FileNotFoundError:  # another run removed the folder it had made, just now: make it again
            continue
        if _try_lock(fd):
            try:  # the file may have been removed by the previous holder between our open and our lock
                same = sys.platform == "win32" or os.path.samestat(os.fstat(fd), os.stat(path))
            except FileNotFoundError:
                same = False
            if same:
                break
        os.close(fd)
        if time.monotonic() >= deadline:
            holder = _holder(path)
            who = f"进程 {holder['pid']}，" if "pid" in holder else ""
            since = f"开始于 {holder['started']}" if "started" in holder else "开始时间未知"
            raise ReportgenError(f"另一个 reportgen 正在生成 {period} 期的报告（{who}{since}），请稍后再试")
        time.sleep(0.1)
    started = (now or datetime.now().astimezone()).isoformat(sep=" ", timespec="seconds")
    record = json.dumps({"pid": os.getpid(), "started": started}, ensure_ascii=False).encode()
    os.ftruncate(fd, 0)
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, record)
    try:
        yield path
    finally:
        if sys.platform != "win32":
            # Removed while still held, so a waiter that opened this file sees it is gone and opens afresh.
            try:
                os.unlink(path)
            except OSError:
                pass
        os.close(fd)
        if created:  # a run that failed before writing anything leaves no output folder behind
            try:
                folder.rmdir()
            except OSError:
                pass
