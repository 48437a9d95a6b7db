"""Command line: parse arguments, call the library, print. Exit 0 on success, 1 on user errors, 2 on bad usage."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import __version__
from .errors import ReportgenError


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def cmd_run(args) -> int:
    from .config import load_config
    from .history import recorded_run
    from .period import Period

    config = load_config(args.config)
    period = Period.parse(args.period)
    result = recorded_run(
        config,
        period,
        Path(args.config),
        trigger="manual",
        out_dir=Path(args.out) if args.out else None,
        strict=args.strict,
        pdf=True if args.format == "pdf" else None,
        force=args.force,
        progress=lambda m: _say(f"· {m}"),
    )
    if result.skipped:
        print(f"输入未变化，未重新生成：{result.folder}（加 --force 强制重新生成）")
        return _send(args, config, result) if args.send else 0
    if result.problems:
        _say(f"注意：本期有 {len(result.problems)} 个数据问题（相关指标记为未报送，不计为 0）：")
        for p in result.problems:
            _say(f"  - {p}")
    results = result.results
    _reading(results.notices)
    cp = results.checkpoint
    summary = (
        f"{results.year}年{period.label}：{len(results.indicators)} 项指标，绿灯 {results.count('green')}、"
        f"黄灯 {results.count('yellow')}、红灯 {results.count('red')}、未报送 {results.count('none')}"
    )
    if cp:
        from .render.report import checkpoint_event

        summary += f"；{cp.met_count}/{cp.total} 项进度指标{checkpoint_event(cp.name)}"
        if cp.unreported:
            summary += f"，{len(cp.unreported)} 项未报送"
    _say(summary)
    print(f"已生成：{result.folder}")
    for f in result.files:
        print(f"  {f.relative_to(result.folder)}")
    for w in result.warnings:
        print(f"错误：{w}", file=sys.stderr)
    status = 1 if result.warnings else 0
    if args.send:
        status = max(status, _send(args, config, result))
    return status


def _send(args, config, result) -> int:
    from .deliver import send_period

    report = send_period(
        config,
        result.period,
        dry_run=args.dry_run,
        trigger="manual",
        run_id=result.run_id,
        progress=lambda m: _say(f"· {m}"),
    )
    for line in report.lines():
        print(line)
    return 0 if report.ok else 1


def cmd_send(args) -> int:
    from .config import load_config
    from .deliver import send_period
    from .history import History
    from .period import Period

    config = load_config(args.config)
    period = Period.parse(args.period)
    history = History.for_config(config)
    run_id = history.start_run("manual", str(period), "send")  # deliveries are listed under it in `history`
    try:
        report = send_period(
            config,
            period,
            dry_run=args.dry_run,
            run_id=run_id,
            history=history,
            progress=lambda m: _say(f"· {m}"),
        )
    except ReportgenError as e:
        history.finish_run(run_id, "failed", error="\n".join(e.lines()))
        raise
    history.finish_run(
        run_id,
        "success" if report.ok else "failed",
        error="" if report.ok else f"{len(report.failed)} 封未送达",
    )
    for line in report.lines():
        print(line)
    return 0 if report.ok else 1


STATUS = {
    "success": "成功",
    "skipped": "未变化跳过",
    "waiting": "等待报表",
    "failed": "失败",
    "running": "运行中",
    "delivered": "已送达",
    "rejected": "被拒收",
    "dry-run": "仅写出 .eml",
}
TRIGGERS = {
    "manual": "手工",
    "scheduled": "定时",
    "catch-up": "补跑",
    "retry": "缺报重试",
    "send": "发送邮件",
}
KINDS = {"report": "领导", "department": "单位", "reminder": "催报", "alert": "告警"}


def cmd_history(args) -> int:
    from .config import load_config
    from .history import History

    config = load_config(args.config)
    history = History.for_config(config)
    records = history.runs(args.period, limit=args.limit)
    if not records:
        print("还没有运行记录。")
        return 0
    from zoneinfo import ZoneInfo

    tz = ZoneInfo(config.schedule.timezone)
    for r in reversed(records):
        when = r.started_at.astimezone(tz).strftime("%Y-%m-%d %H:%M")
        took = f"{(r.finished_at - r.started_at).total_seconds():.1f}秒" if r.finished_at else ""
        how = TRIGGERS.get(r.trigger, r.trigger)
        who = (
            f"手工{how}"
            if r.report == "manual" and how != "手工"
            else ("手工运行" if r.report == "manual" else f"任务“{r.report}”（{how}）")
        )
        print(f"#{r.id} {when} {r.period} {who} {STATUS.get(r.status, r.status)} {took}".rstrip())
        if r.missing:
            print(f"    缺报：{'、'.join(r.missing)}")
        if r.error:
            print(f"    错误：{r.error}")
        for d in history.deliveries(run_id=r.id):
            extra = f"，尝试{d['attempts']}次" if d["attempts"] > 1 else ""
            error = f"：{d['error']}" if d["error"] else ""
            print(
                f"    邮件 {d['recipient']}（{d['department'] or KINDS.get(d['kind'], d['kind'])}）"
                f"{STATUS.get(d['status'], d['status'])}{extra}{error}"
            )
    return 0


def cmd_schedule(args) -> int:
    from .config import load_config
    from .scheduler import Service

    config = load_config(args.config)
    service = Service(config, Path(args.config), progress=lambda m: _say(m))
    if args.list:
        for line in service.listing():
            print(line)
        return 0
    service.serve()
    return 0


def cmd_validate(args) -> int:
    from .config import load_config
    from .period import Period
    from .pipeline import check

    config = load_config(args.config)
    period = Period.parse(args.period) if args.period else None
    report = check(config, period)
    if report.targets:
        print("从报表读取的目标：")
        for line in report.targets:
            print(f"  {line}")
    _reading(report.reading)
    problems = report.problems
    for p in problems:
        print(f"错误：{p}", file=sys.stderr)
    for p in report.notices:
        print(f"{'错误' if args.strict else '提示'}：{p}", file=sys.stderr)
    if problems or (args.strict and report.notices):
        count = len(problems) + (len(report.notices) if args.strict else 0)
        _say(f"发现 {count} 个问题。")
        return 1
    what = f"，{period} 期的全部数据源可读" if period else ""
    if report.notices:
        what += f"（{len(report.notices)} 处标为未填报，运行时按未报送处理；--strict 时视为错误）"
    print(f"配置有效：{len(config.indicators)} 项指标、{len(config.ledgers)} 个台账{what}。")
    return 0


def _reading(lines) -> None:
    """读取情况: rows counted by kind and figures read with a note — the same lines from `run` and `validate`."""
    if lines:
        _say("读取情况：")
        for line in lines:
            _say(f"  · {line}")


def cmd_init(args) -> int:
    from .samples import write_sample_project

    target = Path(args.dir)
    written = write_sample_project(target, force=args.force)
    print(f"已在 {target} 生成示例项目（{len(written)} 个文件）。试运行：")
    print(f"  reportgen run --config {target / 'config.yaml'} --period 2024-06")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reportgen",
        description="重点指标目标跟踪报告生成器：读取各单位报表，"
        "计算完成率、序时进度、双过半，输出 Word 月度报告、图表与 Excel 工作簿。",
    )
    parser.add_argument("--version", action="version", version=f"reportgen {__version__}")
    parser.add_argument("--debug", action="store_true", help="出错时显示完整的 Python 调用栈")
    sub = parser.add_subparsers(dest="command", metavar="命令")

    p = sub.add_parser(
        "run", help="生成某一期的报告", description="读取该期报表，计算指标，写入 output/<期间>/。"
    )
    p.add_argument("--config", "-c", required=True, help="配置文件（YAML）")
    p.add_argument("--period", "-p", required=True, help="期间，格式 YYYY-MM，如 2024-06 表示 1-6月")
    p.add_argument("--out", "-o", help="输出根目录（默认取配置 output.dir）；结果写在其下的 <期间>/ 目录")
    p.add_argument("--strict", action="store_true", help="有任何数据问题就中止，不生成报告")
    p.add_argument(
        "--format",
        "-f",
        choices=["docx", "pdf"],
        default=None,
        help="pdf：另用 LibreOffice 把 Word 报告转为 PDF（默认按配置 output.word.pdf）",
    )
    p.add_argument("--force", action="store_true", help="输入未变化也重新生成（默认跳过）")
    p.add_argument("--send", action="store_true", help="生成后按配置 mail 发送邮件（已成功发送的不重发）")
    p.add_argument("--dry-run", action="store_true", help="与 --send 同用：把邮件写成 .eml 文件，不真正发送")
    p.set_defaults(handler=cmd_run)

    p = sub.add_parser(
        "validate",
        help="检查配置与数据源，不写任何文件",
        description="检查配置；给出 --period 时还检查该期每个文件、工作表、表头和数值能否读取。",
    )
    p.add_argument("--config", "-c", required=True, help="配置文件（YAML）")
    p.add_argument("--period", "-p", help="同时检查该期数据，格式 YYYY-MM")
    p.add_argument(
        "--strict", action="store_true", help="标为未填报的单元格（—、/、无、空白）也算错误（默认只作提示）"
    )
    p.set_defaults(handler=cmd_validate)

    p = sub.add_parser(
        "send",
        help="发送某一期的报告邮件（只发此前未成功的）",
        description="把已生成的报告发给 mail.leaders，把各单位督办单发给各单位邮箱；已送达的不重发。",
    )
    p.add_argument("--config", "-c", required=True, help="配置文件（YAML）")
    p.add_argument("--period", "-p", required=True, help="期间，格式 YYYY-MM")
    p.add_argument(
        "--dry-run", action="store_true", help="把邮件写成 .eml 文件（output/<期间>-outbox/），不发送"
    )
    p.set_defaults(handler=cmd_send)

    p = sub.add_parser(
        "history", help="查看运行与邮件发送记录", description="列出最近的运行（定时与手工）及每封邮件的结果。"
    )
    p.add_argument("--config", "-c", required=True, help="配置文件（YAML）")
    p.add_argument("--period", "-p", help="只看某一期")
    p.add_argument("--limit", type=int, default=30, help="最多列出多少次运行（默认 30）")
    p.set_defaults(handler=cmd_history)

    p = sub.add_parser(
        "schedule",
        help="按配置定时生成并发送（作为服务运行）",
        description="按 schedule.jobs 每月定时运行；停机错过的运行在重启后补跑一次。--list 只列出下次运行时间。",
    )
    p.add_argument("--config", "-c", required=True, help="配置文件（YAML）")
    p.add_argument("--list", action="store_true", help="列出各任务下次运行时间后退出")
    p.set_defaults(handler=cmd_schedule)

    p = sub.add_parser(
        "init",
        help="生成一个可运行的示例项目",
        description="在目录中写入示例配置、Word 与 Excel 模板和 2024 年 1-9 月示例报表。",
    )
    p.add_argument("dir", help="目标目录")
    p.add_argument("--force", action="store_true", help="目录中已有文件时覆盖")
    p.set_defaults(handler=cmd_init)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        return args.handler(args)
    except ReportgenError as e:
        if args.debug:
            raise
        for line in e.lines():
            print(f"错误：{line}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130
    except OSError as e:
        if args.debug:
            raise
        from .errors import os_error_line

        print(f"错误：{os_error_line(e)}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
