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
        _say(
            f"注意：本期有 {len(result.problems)} 个数据问题（无法读取的数值按未报送处理，不计为 0；无法识别的台账行未计入，相关指标已注明；与上月相比异常的数值按所报计算，请核对）："
        )
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
        from .render.report import checkpoint_summary

        summary += f"；{checkpoint_summary(results)}"
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
    if not args.dry_run and result.run_id is not None:  # the run's status says whether its mail arrived
        from .history import History

        History.for_config(config).record_sending(result.run_id, report)
    return 0 if report.ok else 1


def cmd_send(args) -> int:
    from .config import load_config
    from .history import recorded_send
    from .period import Period

    config = load_config(args.config)
    report = recorded_send(
        config, Period.parse(args.period), dry_run=args.dry_run, progress=lambda m: _say(f"· {m}")
    )
    for line in report.lines():
        print(line)
    return 0 if report.ok else 1


STATUS = {"delivered": "已送达", "rejected": "被拒收", "failed": "失败", "dry-run": "仅写出 .eml"}


def _status(args, config):
    from datetime import UTC, datetime

    from .status import status

    return status(
        config, datetime.now(UTC), period=getattr(args, "period", None), limit=getattr(args, "limit", 30)
    )


def cmd_history(args) -> int:
    from zoneinfo import ZoneInfo

    from .config import load_config
    from .listing import history_lines, owed_lines

    config = load_config(args.config)
    tz = ZoneInfo(config.schedule.timezone)
    state = _status(args, config)
    for line in owed_lines(state, tz) if args.owed else history_lines(state, tz):
        print(line)
    return 0


def cmd_status(args) -> int:
    from zoneinfo import ZoneInfo

    from .config import load_config
    from .listing import status_lines

    config = load_config(args.config)
    state = _status(args, config)
    for line in status_lines(state, ZoneInfo(config.schedule.timezone)):
        print(line)
    if args.check and state.problems:
        _say(f"有 {len(state.owed)} 封邮件未送达" + ("，或有定时任务失败" if not state.owed else ""))
        return 1
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
    if report.values:
        print("读到的数值（运行时按此计算）：")
        for line in report.values:
            print(f"  {line}")
    if report.targets:
        print("从报表读取的目标：")
        for line in report.targets:
            print(f"  {line}")
    _reading(report.reading)
    problems = report.problems
    for p in problems:
        print(f"错误：{p}", file=sys.stderr)
    for p in report.notices + report.doubts:
        print(f"{'错误' if args.strict else '提示'}：{p}", file=sys.stderr)
    flagged = len(report.notices) + len(report.doubts)
    if problems or (args.strict and flagged):
        count = len(problems) + (flagged if args.strict else 0)
        _say(f"发现 {count} 个问题。")
        return 1
    what = f"，{period} 期的全部数据源可读" if period else ""
    if report.notices:
        what += f"（{len(report.notices)} 处标为未填报，运行时按未报送处理；--strict 时视为错误）"
    if report.doubts:
        what += f"；{len(report.doubts)} 处数值与上月相比异常，请核对（--strict 时视为错误）"
    print(f"配置有效：{len(config.indicators)} 项指标、{len(config.ledgers)} 个台账{what}。")
    return 0


def _reading(lines) -> None:
    """读取情况: rows counted by kind and figures read with a note — the same lines from `run` and `validate`."""
    if lines:
        _say("读取情况：")
        for line in lines:
            _say(f"  · {line}")


def cmd_serve(args) -> int:
    import uvicorn

    from .config import load_config
    from .web.app import create_app

    config = load_config(args.config)
    app = create_app(config, Path(args.config))
    if not app.state.console.accounts.users():
        _say(f"提示：还没有账号，请先运行 reportgen user add 用户名 --role admin --config {args.config}")
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        _say(f"注意：控制台在 {args.host} 上对外监听；正式使用请只监听 127.0.0.1，并放在 HTTPS 反向代理之后")
    print(f"控制台：http://{args.host}:{args.port}/（Ctrl+C 停止）", flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", proxy_headers=True)
    return 0


def _new_password(args) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    import getpass

    first = getpass.getpass("新密码：")
    if getpass.getpass("再输入一次：") != first:
        raise ReportgenError("两次输入的密码不一致")
    return first


def cmd_user(args) -> int:
    from .config import load_config
    from .web.accounts import Accounts

    config = load_config(args.config)
    accounts = Accounts.for_config(config)
    if args.action == "list":
        for u in accounts.users():
            unit = f"·{u.department}" if u.department else ""
            print(f"{u.name}\t{u.role_name}{unit}{'（已停用）' if u.disabled else ''}")
        return 0
    if not args.name:
        raise ReportgenError(f"reportgen user {args.action} 需要用户名")
    if args.action == "add":
        department = ""
        if args.department:  # the canonical name, so an alias (经济发展局) makes the same account
            department = config.department_of(args.department) or ""
            if not department:
                known = "、".join(d if isinstance(d, str) else d.name for d in config.departments)
                raise ReportgenError(f"责任单位“{args.department}”不在配置中（现有：{known}）")
        user = accounts.add(args.name, _new_password(args), args.role, department)
        unit = f"·{user.department}" if user.department else ""
        accounts.audit("（命令行）", "新建账号", f"{user.name}（{user.role_name}{unit}）")
        print(f"已创建账号 {user.name}（{user.role_name}{unit}）")
    elif args.action == "passwd":
        accounts.set_password(args.name, _new_password(args))
        accounts.audit("（命令行）", "修改密码", args.name)
        print(f"已修改 {args.name} 的密码；其已登录的会话全部失效")
    else:
        accounts.set_disabled(args.name, args.action == "disable")
        accounts.audit("（命令行）", "停用账号" if args.action == "disable" else "启用账号", args.name)
        print(f"已{'停用' if args.action == 'disable' else '启用'}账号 {args.name}")
    return 0


def _actor(args, staff: bool = False):
    import getpass

    from .submissions import Actor

    try:
        user = args.user or getpass.getuser()
    except (KeyError, OSError):
        user = "工作人员"
    return Actor(user, None if staff else getattr(args, "department", None))


def _explanations(items: list[str] | None) -> dict[str, str]:
    out = {}
    for item in items or []:
        key, sep, text = item.partition("=")
        if not sep or not key.strip() or not text.strip():
            raise ReportgenError(
                f"--explain 应写成 警告编号=说明，如 jump:fai=本月新增大项目入统，现为“{item}”"
            )
        out[key.strip()] = text.strip()
    return out


def _submit_target(config, period, department: str | None, given: str | None, path: Path) -> str:
    """The expected file an upload is for: --file, else the one whose name matches, else the department's only one."""
    from .intake import expected_files, file_key

    files = expected_files(config, period)
    if department is not None:
        name = config.department_of(department)
        if name is None:
            raise ReportgenError(f"未知的责任单位“{department}”")
        files = [e for e in files if name in e.departments]
    if given:
        return given
    same = [e for e in files if file_key(Path(e.name).stem) == file_key(path.stem)]
    if len(same) == 1:
        return same[0].name
    if len(files) == 1:
        return files[0].name
    names = "、".join(e.name for e in files) or "（无）"
    raise ReportgenError(f"请用 --file 指明报送的是哪个文件（可选：{names}）")


def cmd_submit(args) -> int:
    from datetime import UTC, datetime

    from .config import load_config
    from .period import Period
    from .submissions import SubmissionStore

    config = load_config(args.config)
    period = Period.parse(args.period)
    path = Path(args.path)
    try:
        content = path.read_bytes()
    except OSError as e:
        raise ReportgenError(f"{path}：无法读取（{e.strerror or e}）") from None
    file = _submit_target(config, period, args.department, args.file, path)
    store = SubmissionStore.for_config(config)
    outcome = store.upload(
        config,
        period,
        _actor(args),
        file,
        content,
        path.name,
        datetime.now(UTC),
        _explanations(args.explain),
    )
    version, result = outcome.version, outcome.result
    print(
        f"{result.file}：版本 #{version.id}（{result.kind}，{result.size:,} 字节，sha256 {result.sha256[:12]}…）"
    )
    for line in result.lines():
        print(f"  {line}")
    if outcome.accepted:
        print(f"已提交并写入 {_data_path(config, period, result.stored_name)}")
        return 0
    if not result.ok:
        _say(f"未提交：有 {len(result.errors)} 处错误，请修改后重新上传。")
        return 1
    _say(
        f"未提交：{len(outcome.unexplained)} 条警告需要说明。核对无误后执行：\n"
        f"  reportgen submissions -c {args.config} -p {period} accept {version.id} "
        + " ".join(f"--explain '{n}=说明'" for n in _numbers(result, outcome.unexplained))
    )
    return 1


def _numbers(result, warnings) -> list[int]:
    return [result.warnings.index(w) + 1 for w in warnings]


def _data_path(config, period, name: str) -> Path:
    from .sources.collect import period_dir

    return period_dir(config, period) / name


def cmd_submissions(args) -> int:
    from datetime import UTC, datetime

    from .config import load_config
    from .period import Period
    from .submissions import SubmissionStore, period_status

    config = load_config(args.config)
    period = Period.parse(args.period)
    store = SubmissionStore.for_config(config)
    now = datetime.now(UTC)
    action = getattr(args, "action", None)
    if action == "return":
        notice = store.return_file(config, _actor(args, staff=True), period, args.name, args.reason, now)
        print(f"已退回 {notice.file}（理由：{notice.reason}）")
        if args.send:
            from .submissions import send_return_notice

            for to, status in send_return_notice(config, notice):
                print(f"  通知 {to}：{STATUS.get(status, status)}")
        else:
            print("退回通知（加 --send 按配置 mail 发送给报送单位）：")
            print(f"  主题：{notice.subject}")
            for line in notice.text.strip().splitlines():
                print(f"  {line}")
        return 0
    if action == "confirm":
        status = store.confirm(config, _actor(args, staff=True), period, args.name, now)
        print(f"已确认 {status.file}（已锁定，报送单位不能再上传；需要时用 reopen 重新开放）")
        return 0
    if action == "reopen":
        status = store.reopen(config, _actor(args, staff=True), period, args.name, now)
        print(f"已重新开放 {status.file}（{status.label}）")
        return 0
    if action == "accept":
        version = store.accept(
            config, _actor(args, staff=True), args.version, _explanations(args.explain), now
        )
        print(f"已采用版本 #{version.id}，写入 {_data_path(config, period, version.stored_name)}")
        return 0
    if action == "versions":
        from zoneinfo import ZoneInfo

        tz = ZoneInfo(config.schedule.timezone)
        versions = store.versions(period, args.name)
        if not versions:
            print("还没有版本。")
        for v in versions:
            who = f"{v.department}·{v.uploader}" if v.department else v.uploader
            state = "已采用" if v.accepted else ("有错误" if not v.result.ok else "待说明")
            print(
                f"#{v.id} {v.uploaded_at.astimezone(tz):%Y-%m-%d %H:%M} {who} {v.original_name}"
                f" {v.size:,} 字节 {v.sha256[:12]} {state}"
            )
            for key, text in v.explanations.items():
                print(f"    说明［{key}］：{text}")
        return 0
    if action == "compare":
        differences = store.compare(config, args.first, args.second)
        if not differences:
            print(f"版本 #{args.first} 与 #{args.second} 读出的数值相同。")
        for d in differences:
            print(d.text())
        return 0
    if args.department:
        from .owed import owed

        page = owed(config, store, period, args.department, now)
        print(f"{page.department} {period}：{page.deadline.text()}")
        for f in page.files:
            print(f"  {f.status.file}：{f.status.label}")
            for figure in f.last_month:
                print(f"    上月 {figure.name} {figure.label} {figure.shown()}")
        return 0
    from .owed import updates_since_report

    for s in period_status(config, store, period):
        who = "、".join(s.departments) or "（未指定）"
        extra = f"，版本 #{s.version.id}" if s.version else ""
        print(f"{s.file}（{who}）：{s.label}{extra}{('；' + s.note) if s.note else ''}")
    updates = updates_since_report(config, store, period)
    if updates.any:
        print(f"有更新：{'、'.join(updates.files)} 在报告生成后报送，可重新生成（reportgen run --force）")
    return 0


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
    p.add_argument("--owed", action="store_true", help="只列出各期仍未送达的邮件及下次重试时间")
    p.set_defaults(handler=cmd_history)

    p = sub.add_parser(
        "status",
        help="查看定时任务、未送达邮件与下次运行时间",
        description="列出各期定时任务的认领状态（运行中的进程、接管）、未送达的邮件及重试安排、各任务下次运行时间。"
        "--check：有未送达的邮件或失败的定时任务时以退出码 1 结束（供监控脚本使用）。",
    )
    p.add_argument("--config", "-c", required=True, help="配置文件（YAML）")
    p.add_argument("--period", "-p", help="只看某一期")
    p.add_argument("--check", action="store_true", help="有未送达或失败时退出码为 1")
    p.set_defaults(handler=cmd_status)

    p = sub.add_parser(
        "schedule",
        help="按配置定时生成并发送（作为服务运行）",
        description="按 schedule.jobs 每月定时运行；停机错过的运行在重启后补跑一次。--list 只列出下次运行时间。",
    )
    p.add_argument("--config", "-c", required=True, help="配置文件（YAML）")
    p.add_argument("--list", action="store_true", help="列出各任务下次运行时间后退出")
    p.set_defaults(handler=cmd_schedule)

    p = sub.add_parser(
        "serve",
        help="启动网页控制台（月份概览、重新生成、对比、审核与发送）",
        description="在本机启动报告控制台；默认只监听 127.0.0.1，对外提供请放在 HTTPS 反向代理之后。",
    )
    p.add_argument("--config", "-c", required=True, help="配置文件（YAML）")
    p.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1，仅本机可访问）")
    p.add_argument("--port", type=int, default=8080, help="端口（默认 8080）")
    p.set_defaults(handler=cmd_serve)

    p = sub.add_parser(
        "user",
        help="管理控制台账号（add / passwd / disable / enable / list）",
        description="控制台的本地账号，密码以 argon2 散列保存在状态目录的 console.sqlite 中。",
    )
    p.add_argument("action", choices=["add", "passwd", "disable", "enable", "list"], help="操作")
    p.add_argument("name", nargs="?", help="用户名")
    p.add_argument("--config", "-c", required=True, help="配置文件（YAML）")
    p.add_argument(
        "--role",
        choices=["admin", "staff", "viewer", "department"],
        default="staff",
        help="角色（add 时；默认 staff；department 为报送单位，只能报送本单位的文件）",
    )
    p.add_argument("--department", "-d", help="报送单位账号所属的责任单位（--role department 时必填）")
    p.add_argument("--password-stdin", action="store_true", help="从标准输入读一行作为密码（供脚本使用）")
    p.set_defaults(handler=cmd_user)

    p = sub.add_parser(
        "submit",
        help="报送一个文件：立即检查并存为新版本",
        description="按读取报告时的方式检查文件（按内容识别类型），列出读到的数值及其位置和上月数值；"
        "无错误且警告均已说明时写入本期数据目录。每次上传都保存为一个版本。",
    )
    p.add_argument("--config", "-c", required=True, help="配置文件（YAML）")
    p.add_argument("--period", "-p", required=True, help="期间，格式 YYYY-MM")
    p.add_argument(
        "--department", "-d", help="以哪个责任单位的身份报送（只能报送本单位的文件）；省略时为工作人员"
    )
    p.add_argument("--file", help="报送的是哪个文件（期望的文件名）；省略时按文件名或本单位唯一的文件确定")
    p.add_argument("--user", help="报送人（默认当前登录用户名）")
    p.add_argument("--explain", action="append", metavar="警告编号=说明", help="对一条警告的说明，可重复")
    p.add_argument("path", metavar="FILE", help="要报送的 .xlsx / .xls / .csv 文件")
    p.set_defaults(handler=cmd_submit)

    p = sub.add_parser(
        "submissions",
        help="查看本期报送情况；退回、确认、重新开放、版本与比较",
        description="不带操作时列出本期每个文件的状态（未报 / 已报 / 退回（理由）/ 已确认 / 手工放置）；"
        "加 --department 时列出该单位应报的文件、截止时间和上月数值。",
    )
    p.add_argument("--config", "-c", required=True, help="配置文件（YAML）")
    p.add_argument("--period", "-p", required=True, help="期间，格式 YYYY-MM")
    p.add_argument("--department", "-d", help="只看某一责任单位应报的文件与截止时间")
    p.add_argument("--user", help="操作人（默认当前登录用户名）")
    actions = p.add_subparsers(dest="action", metavar="操作")
    a = actions.add_parser("return", aliases=["退回"], help="退回一个文件（须写理由）")
    a.add_argument("name", metavar="文件名")
    a.add_argument("--reason", "-r", required=True, help="退回理由（通知报送单位）")
    a.add_argument("--send", action="store_true", help="按配置 mail 把退回通知发给报送单位")
    a.set_defaults(action="return")
    a = actions.add_parser("confirm", aliases=["确认"], help="确认并锁定当前版本")
    a.add_argument("name", metavar="文件名")
    a.set_defaults(action="confirm")
    a = actions.add_parser("reopen", aliases=["重新开放"], help="取消确认，允许再上传")
    a.add_argument("name", metavar="文件名")
    a.set_defaults(action="reopen")
    a = actions.add_parser("accept", aliases=["采用"], help="采用一个版本（警告须逐条说明）")
    a.add_argument("version", type=int, metavar="版本号")
    a.add_argument("--explain", action="append", metavar="警告编号=说明", help="对一条警告的说明，可重复")
    a.set_defaults(action="accept")
    a = actions.add_parser("versions", aliases=["版本"], help="列出一个文件的全部版本")
    a.add_argument("name", metavar="文件名")
    a.set_defaults(action="versions")
    a = actions.add_parser("compare", aliases=["比较"], help="比较两个版本读出的数值")
    a.add_argument("first", type=int, metavar="版本号1")
    a.add_argument("second", type=int, metavar="版本号2")
    a.set_defaults(action="compare")
    p.set_defaults(handler=cmd_submissions)

    p = sub.add_parser(
        "init",
        help="生成一个可运行的示例项目",
        description="在目录中写入示例配置、Word 与 Excel 模板和 2024 年 1-9 月示例报表。",
    )
    p.add_argument("dir", help="目标目录")
    p.add_argument("--force", action="store_true", help="目录中已有文件时覆盖")
    p.set_defaults(handler=cmd_init)
    return parser


def _stop_on_sigterm():
    """SIGTERM (a service manager, `kill`) stops `run`/`send` as Ctrl+C does: the run is recorded 中断.
    Returns a function restoring the previous handler."""
    import signal
    import threading

    def stop(*_):
        raise KeyboardInterrupt

    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    previous = signal.signal(signal.SIGTERM, stop)
    return lambda: signal.signal(signal.SIGTERM, previous)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    restore = _stop_on_sigterm() if args.handler in (cmd_run, cmd_send) else (lambda: None)
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
    finally:
        restore()


if __name__ == "__main__":
    sys.exit(main())
