"""The monthly service: APScheduler 3 with its jobs in the history database, rebuilt from the YAML at every
start. The month's logic (claim → wait/催报 → run → deliver → retry → alert) is reportgen.month, given the
clock's `now`; this module only wires APScheduler to it: each Step it returns says when to call again.
At start, interrupted runs are taken over and missed ones caught up, once each (month.due_at_start).
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from apscheduler.triggers.base import BaseTrigger

from .errors import ReportgenError
from .month import period_for  # noqa: F401  (the scheduler's API: which period a firing reports on)

log = logging.getLogger("reportgen.scheduler")
_SERVICE: Service | None = None  # the running service, for jobs fired by APScheduler


class WorkdayTrigger(BaseTrigger):
    """The n-th official working day of every month (n = -1: the last) at hh:mm in `timezone`."""

    def __init__(self, n: int, hour: int, minute: int, timezone: str, holidays=(), workdays=()):
        self.n, self.hour, self.minute, self.timezone = n, hour, minute, timezone
        self.holidays, self.workdays = tuple(holidays), tuple(workdays)

    def calendar(self):
        from .workdays import WorkCalendar

        return WorkCalendar(self.holidays, self.workdays)

    def get_next_fire_time(self, previous_fire_time, now):
        tz = ZoneInfo(self.timezone)
        start = (previous_fire_time + timedelta(seconds=1)) if previous_fire_time else now
        start = start.astimezone(tz)
        year, month = start.year, start.month
        cal = self.calendar()
        for _ in range(36):
            try:
                day = cal.nth_workday(year, month, self.n)
            except ReportgenError:
                day = None
            if day is not None:
                fire = datetime(day.year, day.month, day.day, self.hour, self.minute, tzinfo=tz)
                if fire >= start:
                    return fire
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return None

    def __str__(self):
        which = "最后一个" if self.n == -1 else f"第{self.n}个"
        return f"每月{which}工作日 {self.hour:02d}:{self.minute:02d}（{self.timezone}）"

    def __repr__(self):
        return f"<WorkdayTrigger n={self.n} {self.hour:02d}:{self.minute:02d} {self.timezone}>"


def build_trigger(job, schedule):
    hour, minute = (int(x) for x in job.time.split(":"))
    if job.workday is not None:
        return WorkdayTrigger(
            job.workday, hour, minute, schedule.timezone, schedule.holidays, schedule.workdays
        )
    from apscheduler.triggers.cron import CronTrigger

    fields = {"hour": hour, "minute": minute, **(job.cron or {})}
    try:
        return CronTrigger(timezone=ZoneInfo(schedule.timezone), **fields)
    except ValueError as e:
        raise ReportgenError(f"schedule.jobs[{job.name}].cron：{e}") from None


def fire(config_path: str, job_name: str, trigger: str = "scheduled", period: str | None = None) -> str:
    """What a schedule fires (APScheduler stores this function by name). Returns what happened, for logs/tests."""
    from .config import load_config
    from .month import fire as fire_month

    path = Path(config_path)
    config = load_config(path)
    return _follow(fire_month(config, path, job_name, now=_now(config), trigger=trigger, period=period))


def retry_delivery(config_path: str, job_name: str, period: str) -> str:
    """A delivery retry (APScheduler stores this function by name)."""
    from .config import load_config
    from .month import retry_deliveries

    path = Path(config_path)
    config = load_config(path)
    return _follow(retry_deliveries(config, path, job_name, period, now=_now(config)))


def _follow(step) -> str:
    """Schedule the step's next call in the running service (none in a plain call, as from tests)."""
    log.info(step.said)
    if _SERVICE is not None and step.again is not None:
        _SERVICE.schedule_again(step)
    return step.said


def _now(config) -> datetime:
    return _SERVICE.now() if _SERVICE is not None else datetime.now(ZoneInfo(config.schedule.timezone))


class Service:
    """One scheduler process. `clock` replaces the wall clock in tests."""

    JOB_PREFIX = "report:"

    def __init__(
        self,
        config,
        config_path: Path,
        *,
        clock: Callable[[], datetime] | None = None,
        progress: Callable[[str], None] = print,
    ):
        from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
        from apscheduler.schedulers.background import BackgroundScheduler

        from .history import History, jobstore_url

        if not config.schedule.jobs:
            raise ReportgenError("配置中没有 schedule.jobs，没有可定时运行的任务（见 README“定时运行”）")
        self.config, self.config_path, self.clock, self.progress = (
            config,
            config_path.resolve(),
            clock,
            progress,
        )
        self.history = History.for_config(config)
        grace = int(config.schedule.misfire_grace_hours * 3600)
        self.scheduler = BackgroundScheduler(
            jobstores={
                "default": SQLAlchemyJobStore(
                    url=jobstore_url(config),
                    tablename="apscheduler_jobs",
                    engine_options={"connect_args": {"timeout": 30}}
                    if jobstore_url(config).startswith("sqlite")
                    else {},
                )
            },
            job_defaults={"coalesce": True, "misfire_grace_time": grace, "max_instances": 1},
            timezone=ZoneInfo(config.schedule.timezone),
        )
        self.triggers = {job.name: build_trigger(job, config.schedule) for job in config.schedule.jobs}
        self._stop = threading.Event()

    def now(self) -> datetime:
        return self.clock() if self.clock else datetime.now(ZoneInfo(self.config.schedule.timezone))

    def warnings(self) -> list[str]:
        from .status import calendar_warnings

        return calendar_warnings(self.config, self.now())

    def sync(self) -> None:
        """Make the job store hold exactly the YAML's jobs (retries waiting for data are kept)."""
        wanted = {self.JOB_PREFIX + name for name in self.triggers}
        for job in self.scheduler.get_jobs():
            if job.id.startswith(self.JOB_PREFIX) and job.id not in wanted:
                self.scheduler.remove_job(job.id)
        for name, trigger in self.triggers.items():
            self.scheduler.add_job(
                "reportgen.scheduler:fire",
                trigger,
                args=[str(self.config_path), name],
                id=self.JOB_PREFIX + name,
                name=name,
                replace_existing=True,
            )

    def missed(self, now: datetime | None = None) -> list[tuple[str, datetime]]:
        """(job, fire time) for the latest firing within the grace window that no process has claimed."""
        from .month import due_at_start

        due, _ = due_at_start(self.config, self.triggers, self.history, now or self.now())
        return [(d.job, d.fired_at) for d in due if d.what == "catch-up"]

    def catch_up(self, now: datetime | None = None) -> list[str]:
        """Once each: take over runs whose process died, run what fired while no scheduler was up, go on
        waiting for late data, retry deliveries that are due; plan the retries that are not due yet."""
        from .month import do, due_at_start

        now = now or self.now()
        for run_id in self.history.resolve_interrupted():
            self.progress(f"运行 #{run_id} 的进程已不在，记为中断")
        due, later = due_at_start(self.config, self.triggers, self.history, now)
        done = []
        for item in due:
            what = {
                "takeover": "接管中断的运行",
                "catch-up": "补跑",
                "retry": "继续等待报表",
                "deliver": "重试发送",
            }
            when = f"（原定 {item.fired_at:%Y-%m-%d %H:%M}）" if item.fired_at else ""
            self.progress(f"{what[item.what]}：{item.job} {item.period}{when}")
            step = do(self.config, self.config_path, item, now=now, history=self.history)
            done.append(_follow(step) if _SERVICE is self else step.said)
            self.progress(done[-1])
        for step in later:
            self.progress(f"{step.job} {step.period} 有未送达的邮件，{step.at:%m-%d %H:%M} 重试")
            if _SERVICE is self:
                self.schedule_again(step)
        return done

    def schedule_again(self, step) -> None:
        if step.again == "fire":
            self.schedule_retry(step.job, step.period, step.at)
            return
        self.scheduler.add_job(
            "reportgen.scheduler:retry_delivery",
            "date",
            run_date=step.at,
            args=[str(self.config_path), step.job, step.period],
            id=f"deliver:{step.job}:{step.period}",
            name=f"{step.job} {step.period} 重试发送",
            replace_existing=True,
        )

    def schedule_retry(self, job_name: str, period: str, when: datetime) -> None:
        self.scheduler.add_job(
            "reportgen.scheduler:fire",
            "date",
            run_date=when,
            args=[str(self.config_path), job_name, "retry", period],
            id=f"retry:{job_name}:{period}",
            name=f"{job_name} {period} 重试",
            replace_existing=True,
        )

    def listing(self) -> list[str]:
        from .listing import schedule_lines
        from .status import schedule

        now = self.now()
        return schedule_lines(schedule(self.config, now), self.warnings(), self.config.year)

    def start(self) -> None:
        global _SERVICE
        _SERVICE = self
        for warning in self.warnings():
            self.progress(warning)
        self.scheduler.start(paused=True)  # jobs are rebuilt before anything may fire
        self.sync()
        self.catch_up()
        self.scheduler.resume()

    def shutdown(self) -> None:
        global _SERVICE
        self.scheduler.shutdown(wait=True)  # a running job finishes; nothing new starts
        _SERVICE = None

    def serve(self) -> None:
        """Run until SIGTERM/SIGINT; stop between jobs."""
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: self._stop.set())
        self.start()
        for line in self.listing():
            self.progress(line)
        self.progress("定时服务已启动（Ctrl+C 或 SIGTERM 停止）")
        try:
            while not self._stop.wait(1):
                pass
        finally:
            self.progress("正在停止：等待正在运行的任务结束…")
            self.shutdown()
            self.progress("已停止。")
