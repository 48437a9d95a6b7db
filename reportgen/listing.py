"""Lines for the terminal from the status API (reportgen/status.py): `history`, `history --owed`, `status`
and `schedule --list`. Presentation only: every fact comes from the Status data."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from .status import JobSchedule, PeriodStatus, Run, Status

CLAIM_STATES = {"running": "运行中", "waiting": "等待报表", "done": "已完成", "failed": "失败"}


def _indent(label: str, text: str) -> list[str]:
    lines = text.splitlines() or [""]
    return [f"    {label}：{lines[0]}"] + [f"      {line}" for line in lines[1:]]


def run_lines(run: Run, tz: ZoneInfo) -> list[str]:
    r = run.record
    when = r.started_at.astimezone(tz).strftime("%Y-%m-%d %H:%M")
    took = f"{(r.finished_at - r.started_at).total_seconds():.1f}秒" if r.finished_at else ""
    how = run.trigger_name
    if run.manual:
        who = "手工运行" if how == "手工" else f"手工{how}"
    else:
        who = f"任务“{r.report}”（{how}）"
    out = [f"#{r.id} {when} {r.period} {who} {run.status_name} {took}".rstrip()]
    if r.missing:
        out.append(f"    缺报：{'、'.join(r.missing)}")
    if r.error:
        out += _indent("说明" if r.status in ("interrupted", "alerted") else "错误", r.error)
    for a in run.attempts:
        extra = f"，尝试{a.attempts}次" if a.attempts > 1 else ""
        error = f"：{a.error}" if a.error else ""
        out.append(f"    邮件 {a.recipient}（{a.who}）{a.status_name}{extra}{error}")
    return out


def history_lines(status: Status, tz: ZoneInfo) -> list[str]:
    if not status.runs:
        return ["还没有运行记录。"]
    out = []
    for run in status.runs:
        out += run_lines(run, tz)
    return out


def period_owed_lines(p: PeriodStatus, tz: ZoneInfo) -> list[str]:
    owed, done = p.owed, p.done
    if not owed:
        return [f"{p.period}：邮件已全部送达（{len(done)} 封）"] if done else []
    out = [f"{p.period}：未送达 {len(owed)} 封，已送达 {len(done)} 封"]
    for d in owed:
        extra = f"，已尝试 {d.row.attempts} 次" if d.row.attempts else ""
        error = f"：{d.row.error}" if d.row.error else ""
        out.append(f"  {d.row.address}（{d.who}）{d.state_name}{extra}{error}")
    for c in p.claims:
        if c.alerted_at is not None:
            out.append(
                f"  任务“{c.report}”重试已截止，{c.alerted_at.astimezone(tz):%m-%d %H:%M} 已告警管理员"
            )
        elif c.next_try_at is not None:
            until = f"（重试截止 {c.window_until.astimezone(tz):%m-%d %H:%M}）" if c.window_until else ""
            out.append(f"  任务“{c.report}”将于 {c.next_try_at.astimezone(tz):%m-%d %H:%M} 重试{until}")
    out.append(f"  补发：reportgen send --config <配置文件> --period {p.period}")
    return out


def owed_lines(status: Status, tz: ZoneInfo) -> list[str]:
    out = []
    for p in status.periods:
        if p.owed:
            out += period_owed_lines(p, tz)
    return out or ["没有未送达的邮件。"]


def status_lines(status: Status, tz: ZoneInfo) -> list[str]:
    out = [f"运行 #{i} 的进程已不在，已记为中断" for i in status.interrupted]
    if status.runs:
        out.append("最近一次运行：" + run_lines(status.runs[-1], tz)[0])
    for p in status.periods:
        for c in p.claims:
            state = CLAIM_STATES.get(c.state, c.state)
            owner = f"（{c.host} 进程 {c.pid}）" if c.state == "running" else ""
            took = f"，曾接管 {c.takeovers} 次" if c.takeovers else ""
            out.append(f"{p.period} 任务“{c.report}”：{state}{owner}{took}")
        out += period_owed_lines(p, tz)
    for job in status.jobs:
        when = "、".join(f"{f.at.astimezone(tz):%Y-%m-%d %H:%M}（{f.period}）" for f in job.next_fires[:1])
        out.append(f"下次运行：{job.job} {when or '无'}")
    if not out:
        out.append("没有运行记录，也没有未送达的邮件。")
    return out


def schedule_lines(jobs: list[JobSchedule], warnings: list[str], year: int) -> list[str]:
    lines = list(warnings)
    for job in jobs:
        when = "、".join(f"{f.at:%Y-%m-%d %H:%M}（{f.period}）" for f in job.next_fires)
        if job.workday is not None:
            rule = job.rule
        else:
            fields = {"hour": job.time[:2], "minute": job.time[3:], **job.cron}
            rule = "cron（" + "，".join(f"{k}={v}" for k, v in fields.items()) + f"，{job.timezone}）"
        lines.append(f"{job.job}：{rule}；下次运行 {when}")
        outside = sorted({f.period for f in job.next_fires if not f.in_year})
        if outside:
            lines.append(
                f"  注意：{'、'.join(outside)} 不在配置年度 {year} 内，届时将跳过；新年度请使用新年度的配置文件"
            )
    return lines
