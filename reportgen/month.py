"""The scheduled month as library code: claim → wait for data / 催报 → run → deliver → retry → alert.

Every function is given `now` (the scheduler's clock; a fake one in tests) and keeps no state of its own:
everything it knows lives in the history store (claims, runs, the delivery ledger). Each returns a `Step`:
what happened, for the log, and when to be called again. scheduler.py only wires APScheduler to these.
"""

from __future__ import annotations

import logging
import os
import subprocess
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from .errors import ReportgenError
from .period import Period

log = logging.getLogger("reportgen.month")


@dataclass(frozen=True)
class Step:
    """What one call did (`said`) and when the scheduler should call again: `again` is "fire" (data still
    missing: check again) or "deliver" (messages still owed: retry them) at `at`; None when the month is done."""

    job: str
    period: str
    said: str
    again: str | None = None
    at: datetime | None = None


def job_of(config, name: str):
    return next((j for j in config.schedule.jobs if j.name == name), None)


def period_for(job, fired_at: datetime) -> Period:
    """The month `months_back` before the firing month (default 1: the last complete month)."""
    index = fired_at.year * 12 + fired_at.month - 1 - job.months_back
    return Period(index // 12, index % 12 + 1)


def retry_window(config, now: datetime) -> datetime:
    """When delivery retries stop: schedule.retry.until o'clock of the schedule.retry.workdays-th working day
    after `now` (0: today)."""
    from .workdays import WorkCalendar

    retry, tz = config.schedule.retry, ZoneInfo(config.schedule.timezone)
    local = now.astimezone(tz)
    day = local.date()
    if retry.workdays:
        day = WorkCalendar(config.schedule.holidays, config.schedule.workdays).after(day, retry.workdays)
    hour, minute = (int(x) for x in retry.until.split(":"))
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz)


def backoff(config, retries: int) -> timedelta:
    """The wait before retry number `retries` + 1: first_minutes doubled each time, at most max_minutes."""
    retry = config.schedule.retry
    return timedelta(minutes=min(retry.first_minutes * 2**retries, retry.max_minutes))


def _local(config, moment: datetime) -> str:
    return f"{moment.astimezone(ZoneInfo(config.schedule.timezone)):%m-%d %H:%M}"


def fire(
    config,
    config_path: Path,
    job_name: str,
    *,
    now: datetime,
    trigger: str = "scheduled",
    period: str | None = None,
    history=None,
) -> Step:
    """One firing of a job for a period (default: the period the firing time reports on)."""
    from .history import History, recorded_run

    job = job_of(config, job_name)
    if job is None:
        return Step(job_name, period or "", f"任务 {job_name} 已不在配置中，忽略")
    target = Period.parse(period) if period else period_for(job, now)
    key = str(target)
    if target.year != config.year:
        return Step(
            job.name, key, f"{key} 不在配置年度 {config.year} 内，跳过（新年度请使用新年度的配置文件）"
        )
    history = history or History.for_config(config)
    claim = history.claim(job.name, key, retry=trigger == "retry", now=now)
    if claim is None:
        record = history.claim_record(job.name, key)
        if (
            record is not None
            and record.state == "failed"
            and record.takeovers >= 1
            and trigger == "takeover"
        ):
            text = f"{job.name} {key} 的运行再次中断（已接管重跑过一次），不再自动重跑，请检查后手工运行"
            _alert_failure(config, config_path, job.name, key, text, history, now)
            return Step(job.name, key, f"{key} 失败：{text}")
        return Step(job.name, key, f"{job.name} {key} 已由其他进程或此前的运行处理，跳过")
    said = ""
    if claim.takeover:
        trigger = "takeover"
        said = f"接管：{claim.owner} 的运行已中断（记为中断），重新运行一次；"
    try:
        waited = _wait_for_data(config, job, target, claim, history, trigger, said, now)
    except Exception as e:  # a scheduled run must never die silently: record, alert, go on
        return _failed(config, config_path, job.name, key, e, history, now)
    if waited is not None:
        return waited
    try:
        result = recorded_run(
            config,
            target,
            config_path,
            trigger=trigger,
            report=job.name,
            history=history,
            claimed=True,
            force=job.force,
            pdf=job.pdf,
        )
        said += f"{key} 已生成" + ("（输入未变化，沿用上次结果）" if result.skipped else "")
        if result.missing:
            said += f"，缺报：{'、'.join(result.missing)}"
        step = Step(job.name, key, said)
        if job.send and config.mail is not None:
            with history.keep_alive(job.name, key, result.run_id):  # the claim stays ours while sending
                step = _deliver(
                    config, job.name, target, history, now, said, run_id=result.run_id, first=True
                )
        history.release(job.name, key, "done", now)
        return step
    except Exception as e:  # a scheduled run must never die silently: record, alert, go on
        return _failed(config, config_path, job.name, key, e, history, now)


def _failed(config, config_path: Path, job: str, key: str, error: Exception, history, now: datetime) -> Step:
    history.release(job, key, "failed", now)
    text = (
        "\n".join(error.lines()) if isinstance(error, ReportgenError) else f"{type(error).__name__}: {error}"
    )
    log.exception("scheduled run failed") if not isinstance(error, ReportgenError) else log.error(text)
    _alert_failure(config, config_path, job, key, text, history, now)
    return Step(job, key, f"{key} 失败：{text}")


def _wait_for_data(config, job, target: Period, claim, history, trigger: str, said: str, now: datetime):
    """While files are owed (the portal's view: missing or sent back) and the data deadline is ahead: remind
    the departments and wait. None when the month should be generated now."""
    from .deliver import deliver, reminders
    from .owed import outstanding
    from .submissions import SubmissionStore

    key = str(target)
    deadline = claim.first_fired_at + timedelta(hours=job.wait.deadline_hours)
    missing = outstanding(config, SubmissionStore.for_config(config), target)
    if not missing or now >= deadline:
        return None
    tz = ZoneInfo(config.schedule.timezone)
    run_id = history.run_row(report=job.name, period=key, trigger=trigger, status="running", now=now)
    names = [f"{'、'.join(d) or '台账'}（{f}）" for f, d in missing]
    retry_at = min(now + timedelta(minutes=job.wait.retry_minutes), deadline)
    error = ""
    if job.wait.remind and config.mail is not None:
        deadline_text = deadline.astimezone(tz).strftime("%Y年%m月%d日%H:%M")
        # links made as of the first firing: the same 催报 text at every retry, so it is not sent again
        links = _upload_links(config, target, missing, claim.first_fired_at)
        try:
            deliver(
                config, key, reminders(config, target, missing, deadline_text, links), history, run_id=run_id
            )
        except ReportgenError as e:  # no 催报 (mail settings): still wait, and say why on the run
            error = "催报邮件未能发出：" + "；".join(e.lines())
            log.error(error)
    history.run_row(run_id, status="waiting", missing=names, error=error, now=now)
    history.release(job.name, key, "waiting", now)
    return Step(
        job.name,
        key,
        f"{said}{key} 缺报：{'、'.join(names)}；{_local(config, retry_at)} 再检查"
        f"（截止 {_local(config, deadline)}）" + (f"；{error}" if error else ""),
        "fire",
        retry_at,
    )


def _deliver(
    config, job: str, period: Period, history, now: datetime, said: str, *, run_id: int | None, first: bool
) -> Step:
    """Send what is owed (with schedule.require_approval: only outputs approved as they are now, else remind
    the approvers); when something is still owed, plan the next retry (the window opens at the first try)."""
    from .approval import send_approved

    key = str(period)
    blocked = approval_needed(config, period)
    if blocked is not None:
        _remind_approvers(config, period, blocked, history, run_id)
        if run_id is not None:
            history.run_row(run_id, status="awaiting", error=blocked)
        return _plan_next(config, job, key, history, now, f"{said}；待审核：{blocked}，已提醒审核人", first)
    report = send_approved(
        config,
        period,
        history=history,
        run_id=run_id,
        require_approval=config.schedule.require_approval,
        retry_rejected=False,
    )
    if run_id is not None:
        history.record_sending(run_id, report)
    said += f"；邮件 {len(report.sent) + len(report.resent)} 封送达，{len(report.failed)} 封失败"
    if report.ok and not report.busy:
        history.plan_retry(job, key, next_try_at=None)
        return Step(job, key, said)
    if report.busy:  # another live process is sending these: still owed until the ledger says delivered
        said += f"，{len(report.busy)} 封正由其他进程发送"
    return _plan_next(config, job, key, history, now, said, first)


def _plan_next(config, job: str, key: str, history, now: datetime, said: str, first: bool) -> Step:
    record = history.claim_record(job, key)
    if first or record is None or record.window_until is None:
        window = retry_window(config, now)
        history.start_retries(job, key, first=now + backoff(config, 0), window_until=window)
        retries = 0
    else:
        window, retries = record.window_until, record.retries + 1  # the first wait was backoff(0)
    at = min(now + backoff(config, retries), window)
    if not first:
        history.plan_retry(job, key, next_try_at=at)
    said += f"；{_local(config, at)} 重试（重试截止 {_local(config, window)}）"
    return Step(job, key, said, "deliver", at)


def approval_needed(config, period: Period) -> str | None:
    """With schedule.require_approval, why the period's outputs may not go out yet; None when they may."""
    if not config.schedule.require_approval:
        return None
    from .approval import approval_needed as needed

    return needed(config, period)


def _remind_approvers(config, period: Period, why: str, history, run_id: int | None) -> None:
    """Mail the approvers (schedule.approvers, else mail.admin) once per reason (the ledger keeps it once)."""
    from .deliver import deliver
    from .deliver.mail import Outgoing
    from .render.email import render

    to = config.schedule.approvers or config.mail.admin
    if not to:
        log.warning("%s 待审核，但没有 schedule.approvers 或 mail.admin 可提醒", period)
        return
    text, html = render(
        "{{ zone }} {{ period }} 期的报告已生成，按设置须审核后才发送：\n{{ why }}\n\n"
        "请在网页控制台（reportgen serve）中查看并审核；审核后，定时服务在下次检查时只发送审核过的文件。\n",
        zone=config.zone,
        period=str(period),
        why=why,
    )
    subject = f"【待审核】{config.zone} {period} 期报告已生成，请审核"
    messages = [Outgoing("reminder", address, subject, text, html, [], "审核") for address in to]
    deliver(config, str(period), messages, history, run_id=run_id)


def retry_deliveries(
    config, config_path: Path, job_name: str, period: str, *, now: datetime, history=None
) -> Step:
    """A delivery retry of the period: send what is still owed; the try at (or after) the window's close is the
    last one, and the admin is alerted when it leaves messages owed."""
    from .history import History

    history = history or History.for_config(config)
    record = history.claim_record(job_name, period)
    if record is None or record.alerted_at is not None:
        return Step(job_name, period, f"{job_name} {period} 没有待重试的邮件")
    closed = record.window_until is not None and now >= record.window_until
    step = _retry_once(config, job_name, period, history, now, record)
    if closed and step.again is not None:
        return alert_owed(config, config_path, job_name, period, history, now)
    return step


def _retry_once(config, job_name: str, period: str, history, now: datetime, record) -> Step:
    run_id = history.run_row(report=job_name, period=period, trigger="retry-send", status="running", now=now)
    try:
        step = _deliver(
            config,
            job_name,
            Period.parse(period),
            history,
            now,
            f"{period} 重试发送",
            run_id=run_id,
            first=False,
        )
    except ReportgenError as e:
        history.run_row(run_id, status="failed", error="\n".join(e.lines()), now=now)
        at = min(now + backoff(config, record.retries), record.window_until or now)
        history.plan_retry(job_name, period, next_try_at=at)
        return Step(job_name, period, f"{period} 重试失败：{e}", "deliver", at)
    if step.again is None:
        history.run_row(run_id, status="success", now=now)
    return step


def alert_owed(config, config_path: Path, job: str, period: str, history, now: datetime) -> Step:
    """The retry window closed with messages owed: tell the admin by every channel that works."""
    owed = history.owed(period)
    lines = [f"{r.label}：{_state_name(r.state)}{('（' + r.error + '）') if r.error else ''}" for r in owed]
    blocked = approval_needed(config, Period.parse(period))
    if blocked is not None:
        lines.insert(0, f"待审核：{blocked}，邮件未发送")
    text = (
        f"{period} 期仍有 {len(owed)} 封邮件未送达，重试已截止（{_local(config, now)}）：\n"
        + "\n".join(lines)
        + f"\n处理后可手工补发：reportgen send --config {config_path} --period {period}"
    )
    channels = _alert(config, config_path, job, period, text, history, now)
    history.mark_alerted(job, period, now)
    return Step(job, period, f"{period} 重试截止，{len(owed)} 封未送达，已告警管理员（{channels}）")


def _state_name(state: str) -> str:
    from .history import LEDGER_STATES

    return LEDGER_STATES.get(state, state)


def _alert_failure(
    config, config_path: Path, job: str, period: str, text: str, history, now: datetime
) -> None:
    _alert(config, config_path, job, period, text, history, now, failure=True)


def _alert(
    config,
    config_path: Path,
    job: str,
    period: str,
    text: str,
    history,
    now: datetime,
    *,
    failure: bool = False,
) -> str:
    """Mail to mail.admin and schedule.alert_command, each tried; the attempt is a run row (trigger alert)
    whose deliveries `history` lists. Returns the channels that worked, for the log."""
    from .deliver import alert, deliver

    run_id = (
        None
        if failure
        else history.run_row(
            report=job, period=period, trigger="alert", status="running", error=text, now=now
        )
    )
    worked = []
    if config.mail is not None and config.mail.admin:
        try:
            messages = alert(config, job, period, text, config_path, failure=failure)
            report = deliver(config, period, messages, history, once=False, run_id=run_id)
            if report.sent:
                worked.append("邮件")
        except ReportgenError as e:  # e.g. no password: the command may still work
            log.error("告警邮件未能发送：%s", e)
    command = config.schedule.alert_command
    if command:
        subject = f"【reportgen】{config.zone} {period} {job}"
        try:
            done = subprocess.run(
                command,
                shell=True,
                input=text,
                text=True,
                capture_output=True,
                timeout=60,
                env={**os.environ, "REPORTGEN_ALERT_SUBJECT": subject, "REPORTGEN_ALERT_TEXT": text},
            )
            ok, error = done.returncode == 0, (done.stderr or "").strip()[-300:]
        except (OSError, subprocess.SubprocessError) as e:
            ok, error = False, str(e)
        history.record_delivery(
            period=period,
            kind="alert",
            recipient="alert_command",
            status="delivered" if ok else "failed",
            run_id=run_id,
            error="" if ok else f"告警命令失败：{error}",
            now=now,
        )
        if ok:
            worked.append("告警命令")
    channels = "、".join(worked) or "无可用渠道"
    if run_id is not None:
        history.run_row(
            run_id, status="alerted" if worked else "failed", error=text + f"\n告警渠道：{channels}", now=now
        )
    return channels


@dataclass(frozen=True)
class Due:
    """Something a starting scheduler does now: take over an interrupted run, run a missed firing, go on
    waiting for data, or retry deliveries (`what`: takeover / catch-up / retry / deliver)."""

    job: str
    period: str
    what: str
    fired_at: datetime | None = None


def due_at_start(config, triggers: dict, history, now: datetime) -> tuple[list[Due], list[Step]]:
    """What a scheduler starting at `now` must do: (due now, planned later). Each (job, period) once."""
    window = timedelta(hours=config.schedule.misfire_grace_hours)
    jobs = {job.name: job for job in config.schedule.jobs}
    due, later, seen = [], [], set()
    for claim in history.interrupted_claims():
        if claim.report in jobs:
            due.append(Due(claim.report, claim.period, "takeover"))
            seen.add((claim.report, claim.period))
    for job in config.schedule.jobs:
        trigger, last = triggers[job.name], None
        t = trigger.get_next_fire_time(None, now - window)
        while t is not None and t <= now:
            last = t
            t = trigger.get_next_fire_time(t, t)
        if last is not None:
            key = str(period_for(job, last))
            if (job.name, key) not in seen and history.claim_state(job.name, key) is None:
                due.append(Due(job.name, key, "catch-up", last))
                seen.add((job.name, key))
    for claim in history.claims():
        if claim.report not in jobs or (claim.report, claim.period) in seen:
            continue
        if claim.state == "waiting":
            due.append(Due(claim.report, claim.period, "retry"))
        elif claim.next_try_at is not None and claim.alerted_at is None:
            if claim.next_try_at <= now:
                due.append(Due(claim.report, claim.period, "deliver"))
            else:
                later.append(Step(claim.report, claim.period, "", "deliver", claim.next_try_at))
    return due, later


def do(config, config_path: Path, item: Due, *, now: datetime, history=None) -> Step:
    """Carry out one `Due`."""
    if item.what == "deliver":
        return retry_deliveries(config, config_path, item.job, item.period, now=now, history=history)
    return fire(
        config, config_path, item.job, now=now, trigger=item.what, period=item.period, history=history
    )


def _upload_links(config, period, missing, now: datetime) -> dict[str, str]:
    """Each department that owes a file: its signed link to the portal's upload page (none when the console's
    address, web.base_url, is not configured)."""
    if not config.web.base_url:
        return {}
    from .web.links import upload_link

    departments = {name for _, names in missing for name in names}
    return {name: link for name in departments if (link := upload_link(config, name, period, now))}
