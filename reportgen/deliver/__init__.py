"""Delivery: the period's reports to the leadership list and each department's 督办单 to that department.

Every message is one address and one row of the delivery ledger (history.py), keyed by what is delivered:
(period, role, department, address, attachment content). A row is claimed as 发送中 in the transaction that
checks it, so `reportgen send`, the scheduler and the console never send one row twice, and a row already
delivered is never sent again — `send` only re-sends what is owed. Two departments sharing one mailbox get
one message each (each carries its own 督办单). Every attempt is also logged for `history`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ReportgenError
from ..filenames import safe_name
from ..period import Period
from .mail import Mailer, Outgoing, check_attachment, compose


@dataclass
class DeliveryReport:
    sent: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # delivered before
    failed: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)  # --dry-run .eml files
    busy: list[str] = field(default_factory=list)  # being sent by another live process right now
    resent: list[str] = field(default_factory=list)  # re-sent after a sender died mid-send
    run_id: int | None = None

    @property
    def ok(self) -> bool:
        return not self.failed

    def lines(self) -> list[str]:
        out = [f"已发送：{s}" for s in self.sent] + [f"此前已发送，跳过：{s}" for s in self.skipped]
        out += [f"正由其他进程发送，跳过：{s}" for s in self.busy]
        out += [f"上次发送中断，已重发（可能重复一封）：{s}" for s in self.resent]
        out += [f"已写出（未发送）：{p}" for p in self.written]
        return out + [f"发送失败：{s}" for s in self.failed]


def _quiet(_: str) -> None:
    pass


def period_messages(config, period: Period, folder: Path) -> list[Outgoing]:
    """The report for the leadership list and one 督办单 per department with an e-mail address."""
    from ..metrics.results import results_from_plain
    from ..render.numbers import precision, span

    mail = config.mail
    try:
        results = results_from_plain(json.loads((folder / "results.json").read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise ReportgenError(
            f"{folder} 中没有可用的报告（results.json 读取失败），请先运行 reportgen run"
        ) from e
    subject = mail.subject.format(
        zone=config.zone, year=period.year, month=period.month, span=span(period.month), period=str(period)
    )
    with precision(config.output.precision.rates, config.output.precision.amounts):
        return _messages(config, period, folder, results, subject)


def _messages(config, period: Period, folder: Path, results, subject: str) -> list[Outgoing]:
    from ..metrics.summary import for_department
    from ..pipeline import department_workbook_name, output_name
    from ..render.email import department_body, leaders_body

    mail = config.mail
    near, severe = config.lights.near, config.lights.severe
    decimals = {i.id: i.decimals for i in config.indicators if getattr(i, "decimals", None) is not None}
    messages = []
    if mail.leaders:
        attachments = [
            folder / output_name(config.output.word.name, config, period),
            folder / output_name(config.output.excel.name, config, period),
        ]
        attachments = [
            p for p, on in zip(attachments, (config.output.word.enabled, config.output.excel.enabled)) if on
        ]
        pdf = folder / (output_name(config.output.word.name, config, period).rsplit(".", 1)[0] + ".pdf")
        if pdf.is_file():
            attachments.append(pdf)
        text, html = leaders_body(
            results,
            [p.name for p in attachments],
            mail.sender_name,
            near,
            severe,
            decimals,
            config.output.word.key_indicators,
            config.lights,
        )
        messages += [Outgoing("report", to, subject, text, html, attachments) for to in mail.leaders]
    if mail.departments:
        ranked = sum(1 for d in results.departments if d.rank is not None)
        deadline = _reply_deadline(folder)
        for dept in config.departments:
            if isinstance(dept, str) or not dept.email:
                continue
            book = folder / "departments" / department_workbook_name(config, period, dept.name)
            mine = for_department(results, dept.name)
            if not mine.indicators and not any(lg.projects for lg in mine.ledgers):
                continue
            text, html = department_body(
                mine, dept.name, [book.name], mail.sender_name, ranked, near, severe, decimals, deadline
            )
            messages += [
                Outgoing("department", to, f"{subject}（{dept.name}督办单）", text, html, [book], dept.name)
                for to in dept.email
            ]
    return messages


def _reply_deadline(folder: Path):
    """The 督办单 reply date the run wrote into its manifest.json (None for a folder from an older version)."""
    from datetime import date

    try:
        return date.fromisoformat(
            json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["reply_deadline"]
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def send_period(
    config,
    period: Period,
    *,
    dry_run: bool = False,
    trigger: str = "manual",
    run_id: int | None = None,
    history=None,
    mailer: Mailer | None = None,
    retry_rejected: bool = True,
    progress: Callable[[str], None] = _quiet,
) -> DeliveryReport:
    """Send the period's messages that have not been delivered yet; record every attempt."""
    from ..history import History

    if config.mail is None:
        raise ReportgenError("配置中没有 mail 一节，无法发送邮件（见 README“邮件”）")
    folder = config.resolve(config.output.dir) / str(period)
    if not folder.is_dir():
        raise ReportgenError(f"{period} 期的报告尚未生成（{folder} 不存在），请先运行 reportgen run")
    history = history or History.for_config(config)
    messages = period_messages(config, period, folder)
    if not messages:
        raise ReportgenError("没有收件人：请在 mail.leaders 或 departments[].email 中填写邮箱")
    return deliver(
        config,
        str(period),
        messages,
        history,
        dry_run=dry_run,
        run_id=run_id,
        mailer=mailer,
        outbox=folder.parent / f"{period}-outbox",
        retry_rejected=retry_rejected,
        progress=progress,
    )


def _log(history, period: str, out: Outgoing, run_id, status: str, **fields) -> None:
    """One attempt in the log `history` lists (the ledger keeps the state; this keeps what happened)."""
    history.record_delivery(
        period=period,
        kind=out.kind,
        recipient=out.to,
        department=out.department,
        subject=out.subject,
        attachments=[p.name for p in out.attachments],
        status=status,
        run_id=run_id,
        **fields,
    )


def _settle(history, row, status: str, **fields) -> None:
    if row is not None:
        history.settle_delivery(row.id, status, **fields)


ROLE = {"report": "leaders", "department": "department", "reminder": "reminder"}  # alerts are not ledgered


def content_hash(out: Outgoing) -> str:
    """What the message delivers: its attachments' names and bytes (its text when it has none)."""
    import hashlib

    digest = hashlib.sha256()
    if not out.attachments:
        digest.update(f"{out.subject}\0{out.text}".encode())
    for path in out.attachments:
        digest.update(path.name.encode() + b"\0")
        try:
            digest.update(hashlib.sha256(path.read_bytes()).digest())
        except OSError:
            digest.update(b"missing")
    return digest.hexdigest()


def deliver(
    config,
    period: str,
    messages: list[Outgoing],
    history,
    *,
    dry_run: bool = False,
    run_id: int | None = None,
    mailer: Mailer | None = None,
    outbox: Path | None = None,
    once: bool = True,
    retry_rejected: bool = True,
    progress: Callable[[str], None] = _quiet,
) -> DeliveryReport:
    """Send each message whose ledger row is owed (`once=False`: alerts, sent every time). `retry_rejected`:
    a row the server refused for good (5xx) is tried again — yes for `send` by hand (the address may have been
    fixed), no for the scheduler's retries."""
    from ..faults import pause_at

    report = DeliveryReport()
    if not dry_run and mailer is None:
        mailer = Mailer.from_config(config)
    unreachable = ""  # once the server cannot be reached after all retries, the rest fail at once
    contents = {}
    if not dry_run:  # every message due is owed (待发) before the first is sent: a crash loses none
        for out in messages:
            if once and out.kind in ROLE:
                contents[id(out)] = content_hash(out)
                history.plan_delivery(
                    period=period,
                    role=ROLE[out.kind],
                    department=out.department,
                    address=out.to,
                    content=contents[id(out)],
                    subject=out.subject,
                    attachments=[p.name for p in out.attachments],
                )
    for out in messages:
        label = f"{out.to}（{out.department or _KIND[out.kind]}）"
        names = [p.name for p in out.attachments]

        if dry_run:
            msg = compose(out, config.mail.sender, config.mail.sender_name)
            outbox.mkdir(parents=True, exist_ok=True)
            path = outbox / safe_name(f"{out.kind}-{out.department or _KIND[out.kind]}-{out.to}.eml")
            path.write_bytes(msg.as_bytes())
            _log(history, period, out, run_id, "dry-run", message_id=msg["Message-ID"])
            report.written.append(path)
            continue
        row = None
        if once and out.kind in ROLE:
            content = contents[id(out)]
            what, row = history.claim_delivery(
                period=period,
                role=ROLE[out.kind],
                department=out.department,
                address=out.to,
                content=content,
                subject=out.subject,
                attachments=names,
                retry_rejected=retry_rejected,
            )
            if what == "done":
                report.skipped.append(label)
                continue
            if what == "busy":
                report.busy.append(label)
                continue
            if what == "rejected":
                report.failed.append(f"{label}：此前被拒收（{row.error}），请核对地址后 reportgen send 重发")
                continue
            if what == "resend":
                progress(f"{label} 上次发送中断（结果未知），重发")

        try:
            for path in out.attachments:
                check_attachment(path)
        except ReportgenError as e:
            _settle(history, row, "failed", error=str(e))
            _log(history, period, out, run_id, "failed", error=str(e))
            report.failed.append(f"{label}：{e}")
            continue
        if unreachable:
            _settle(history, row, "failed", error=f"未发送：{unreachable}")
            _log(history, period, out, run_id, "failed", error=f"未发送：{unreachable}")
            report.failed.append(f"{label}：未发送（{unreachable}）")
            continue
        msg = compose(out, config.mail.sender, config.mail.sender_name)
        if row is not None:  # the same Message-ID on a re-send lets a mail client fold a duplicate
            domain = config.mail.sender.rpartition("@")[2] or "reportgen"
            del msg["Message-ID"]
            msg["Message-ID"] = f"<reportgen-{period}-{row.id}-{row.content[:16]}@{domain}>"
        progress(f"发送给 {label}…")
        pause_at("sending")
        outcome = mailer.send(msg)
        if outcome.status == "delivered":
            pause_at("accepted")  # the server has the message; the ledger learns it in the next statement
        if outcome.status == "failed" and outcome.unreachable:
            unreachable = f"邮件服务器不可用：{outcome.error}，已重试 {outcome.attempts} 次"
        _settle(
            history,
            row,
            outcome.status,
            attempts=outcome.attempts,
            reply=outcome.reply,
            error=outcome.error,
            message_id=outcome.message_id,
        )
        _log(
            history,
            period,
            out,
            run_id,
            outcome.status,
            attempts=outcome.attempts,
            error=outcome.error,
            message_id=outcome.message_id,
        )
        if outcome.status == "delivered":
            (report.resent if row is not None and row.resent else report.sent).append(label)
        else:
            report.failed.append(f"{label}：{outcome.error}（尝试 {outcome.attempts} 次）")
    return report


_KIND = {"report": "领导", "department": "单位", "reminder": "催报", "alert": "管理员"}


def reminders(
    config,
    period: Period,
    missing: list[tuple[str, list[str]]],
    deadline: str,
    links: dict[str, str] | None = None,
) -> list[Outgoing]:
    """催报: one message per address of each department whose files are missing; `links` (department -> the
    portal's signed upload link, when the console's address is configured) lets it upload without a password."""
    from ..render.email import REMINDER_TEXT, render
    from ..render.numbers import span
    from ..sources.collect import period_dir

    by_department: dict[str, list[str]] = {}
    for file, departments in missing:
        for name in departments:
            by_department.setdefault(name, []).append(file)
    out = []
    for dept in config.departments:
        if isinstance(dept, str) or dept.name not in by_department:
            continue
        text, html = render(
            REMINDER_TEXT,
            department=dept.name,
            zone=config.zone,
            span=span(period.month),
            files=by_department[dept.name],
            deadline=deadline,
            folder=period_dir(config, period),
            sender_name=config.mail.sender_name,
            link=(links or {}).get(dept.name, ""),
            link_days=f"{config.portal.link_days:g}",
        )
        subject = f"【催报】{config.zone}{span(period.month)}重点指标报表（{dept.name}）"
        out += [Outgoing("reminder", to, subject, text, html, [], dept.name) for to in dept.email]
    return out


def alert(
    config, job: str, period: str, error: str, config_path: Path, *, failure: bool = True
) -> list[Outgoing]:
    """To mail.admin: a scheduled run failed (`failure`), or the retry window closed with messages owed."""
    from ..render.email import ALERT_TEXT, render

    if failure:
        text, html = render(
            ALERT_TEXT,
            job=job,
            period=period,
            error=error,
            config=config_path,
            folder=config.resolve(config.output.dir) / period,
        )
        subject = f"【reportgen 失败】{config.zone} {period} {job}"
    else:
        text, html = render("{{ error }}\n", error=error)
        subject = f"【reportgen 未送达】{config.zone} {period} {job}"
    return [Outgoing("alert", to, subject, text, html) for to in config.mail.admin]
