"""Background work started from the console (regenerate, send): one thread per job, progress lines kept in
memory for the job page to poll. The work itself is the library's: history.recorded_run, approval.send_approved.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime


@dataclass
class Job:
    id: int
    kind: str  # 重新生成 / 发送
    period: str
    user: str
    started: datetime
    lines: list[str] = field(default_factory=list)
    status: str = "running"  # running / success / failed
    summary: list[str] = field(default_factory=list)
    error: str = ""
    run_id: int | None = None
    finished: datetime | None = None

    @property
    def done(self) -> bool:
        return self.status != "running"

    def say(self, line: str) -> None:
        self.lines.append(line)


class Jobs:
    def __init__(self):
        self._jobs: dict[int, Job] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []

    def get(self, job_id: int) -> Job | None:
        return self._jobs.get(job_id)

    def running(self, period: str) -> Job | None:
        return next((j for j in self._jobs.values() if j.period == period and not j.done), None)

    def start(self, kind: str, period: str, user: str, work: Callable[[Job], list[str]]) -> Job:
        """Run `work(job)` in a thread; it returns the summary lines, or raises (the error is kept)."""
        with self._lock:
            busy = self.running(period)
            if busy is not None:
                return busy  # one job per period at a time: the page shows the one already running
            job = Job(next(self._ids), kind, period, user, datetime.now(UTC))
            self._jobs[job.id] = job

        def target() -> None:
            try:
                job.summary = work(job)
                job.status = "success"
            except Exception as e:  # shown on the job page; the run history has it too
                lines = e.lines() if hasattr(e, "lines") else [f"{type(e).__name__}: {e}"]
                job.error = "\n".join(lines)
                job.status = "failed"
            finally:
                job.finished = datetime.now(UTC)

        thread = threading.Thread(target=target, name=f"reportgen-job-{job.id}", daemon=True)
        self._threads.append(thread)
        thread.start()
        return job

    def wait(self, timeout: float) -> bool:
        """Let running jobs finish (a run half written leaves its period locked and its history row open);
        True when none is left running."""
        deadline = time.monotonic() + timeout
        for thread in list(self._threads):
            thread.join(max(0.0, deadline - time.monotonic()))
        return not any(t.is_alive() for t in self._threads)
