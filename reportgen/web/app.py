"""The report office's console: Starlette routes that parse the request, call the library, and render.

Reading state goes through web/state.py; acting goes through the same library functions as the CLI
(history.recorded_run, pipeline.check, approval.approve / send_approved, diff.compare). No SQL here.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import secrets
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..errors import ReportgenError
from ..period import Period
from .accounts import Accounts, Throttled, User
from .jobs import Job, Jobs
from .portal import portal_routes
from .state import ConsoleState

HERE = Path(__file__).parent
COOKIE = "reportgen_session"
CSRF_FIELD = "csrf"
SHUTDOWN_WAIT = 600  # seconds a stopping server waits for running jobs (systemd: TimeoutStopSec above it)


# ---------------------------------------------------------------- signed session cookie
def _sign(payload: dict, key: bytes) -> str:
    body = base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode().rstrip("=")
    mac = hmac.new(key, body.encode(), hashlib.sha256).hexdigest()
    return f"{body}.{mac}"


def _unsign(token: str, key: bytes) -> dict | None:
    body, _, mac = token.partition(".")
    if not mac or not hmac.compare_digest(mac, hmac.new(key, body.encode(), hashlib.sha256).hexdigest()):
        return None
    try:
        return json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    except ValueError:
        return None


class Console:
    """One console for one config: its accounts, its state reader, its background jobs, its templates."""

    def __init__(self, config, config_path: Path, *, now=None):
        import jinja2

        self.config, self.config_path = config, config_path
        self.accounts = Accounts.for_config(config)
        self.key = self.accounts.secret()
        self.state = ConsoleState(config)
        self.jobs = Jobs()
        self._store = None
        self.now = now or (lambda: datetime.now(UTC))
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(HERE / "templates"),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
        )
        self.env.filters["size"] = _size
        self.env.filters["signed"] = _signed
        self.env.filters["figure"] = _figure
        self.env.filters["local"] = lambda moment: moment.astimezone(self.state.tz).strftime("%Y-%m-%d %H:%M")

    @property
    def store(self):
        """The submission store (versions, 退回 / 确认), opened on first use."""
        if self._store is None:
            from ..submissions import SubmissionStore

            self._store = SubmissionStore.for_config(self.config)
        return self._store

    # ---------------------------------------------------------------- sessions
    def session(self, request: Request) -> dict:
        if "session" not in request.scope.get("state", {}):
            raw = request.cookies.get(COOKIE, "")
            data = _unsign(raw, self.key) if raw else None
            if data is not None and data.get("t", 0) + self.config.web.session_hours * 3600 < time.time():
                data = None
            request.state.session = data
            request.state.new_session = None
        return request.state.session

    def user(self, request: Request) -> User | None:
        data = self.session(request)
        if not data or not data.get("u"):
            return None
        user = self.accounts.user(data["u"])
        if user is None or user.disabled or user.session_version != data.get("v"):
            return None
        return user

    def csrf(self, request: Request) -> str:
        data = self.session(request)
        if not data:
            if request.state.new_session is None:
                request.state.new_session = {"u": None, "c": secrets.token_urlsafe(24), "t": int(time.time())}
            data = request.state.new_session
        return data["c"]

    def set_session(self, response: Response, payload: dict) -> None:
        response.set_cookie(
            COOKIE,
            _sign(payload, self.key),
            max_age=int(self.config.web.session_hours * 3600),
            httponly=True,
            samesite="lax",
            secure=self.config.web.secure_cookies,
            path="/",
        )

    async def form(self, request: Request) -> dict:
        """The POSTed form once its CSRF token matches the session's; 403 otherwise."""
        form = await request.form()
        self.check_csrf(request, form)
        return dict(form)

    def check_csrf(self, request: Request, form) -> None:
        data = self.session(request)
        sent = str(form.get(CSRF_FIELD, "")) or request.headers.get("x-csrf-token", "")
        if not data or not sent or not hmac.compare_digest(sent, data.get("c", "")):
            raise HTTPException(403, "缺少或错误的表单令牌（CSRF），请刷新页面后重试")

    def submitter(self, request: Request):
        """Who may use the department pages: a department's user, or the holder of a 催报 link (its session
        names the department and ends when the link expires). None for anyone else."""
        from .portal import Submitter

        user = self.user(request)
        if user is not None:
            return Submitter(user.name, user.department, False) if user.is_department else None
        data = self.session(request)
        if data and data.get("l") and data.get("e", 0) > self.now().timestamp():
            department = self.config.department_of(data["l"])
            return Submitter("催报链接", department, True) if department else None
        return None

    def remote(self, request: Request) -> str:
        return request.client.host if request.client else ""

    def audit(self, request: Request, user: str, action: str, detail: str = "") -> None:
        self.accounts.audit(user, action, detail, self.remote(request))

    # ---------------------------------------------------------------- rendering
    def render(self, request: Request, template: str, status: int = 200, **context) -> HTMLResponse:
        user = context.pop("user", None) or self.user(request)
        submitter = context.pop("submitter", None) or (self.submitter(request) if user is None else None)
        html = self.env.get_template(template).render(
            user=user,
            submitter=submitter,
            csrf=self.csrf(request),
            zone=self.config.zone,
            nav_period=context.pop("nav_period", None),
            **context,
        )
        response = HTMLResponse(html, status_code=status)
        if request.state.new_session is not None:
            self.set_session(response, request.state.new_session)
        return response

    def require(self, request: Request, action: str = "view") -> User:
        user = self.user(request)
        if user is None:
            raise HTTPException(401)
        if not user.can(action):
            raise HTTPException(403, "您的账号没有此项权限")
        return user


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{max(1, round(n / 1024))} KB"


def _signed(value: float | None, digits: int = 2) -> str:
    if value is None:
        return "—"
    return f"{value:+.{digits}f}"


def _figure(value: float | None, other: float | None = None) -> str:
    """A figure beside the one it is compared with: whole numbers when both are whole (counts), else two
    decimals for both."""
    if value is None:
        return "—"
    whole = float(value).is_integer() and (other is None or float(other).is_integer())
    return f"{value:.0f}" if whole else f"{value:.2f}"


def _period(text: str) -> Period:
    try:
        return Period.parse(text)
    except ReportgenError:
        raise HTTPException(404, "没有这一期") from None


def content_disposition(name: str, inline: bool = False) -> str:
    """RFC 6266/5987: an ASCII fallback plus the UTF-8 name, so Chinese file names arrive intact."""
    fallback = "".join(c if c.isascii() and c.isprintable() and c not in '"\\;' else "_" for c in name)
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


# ---------------------------------------------------------------- the application
def create_app(config, config_path: Path, *, now=None) -> Starlette:
    console = Console(config, config_path, now=now)

    async def login_page(request: Request):
        if console.user(request):
            return RedirectResponse("/", 303)
        return console.render(
            request, "login.html", error="", name="", next=request.query_params.get("next", "")
        )

    async def login(request: Request):
        form = await console.form(request)
        name, password = str(form.get("name", "")).strip(), str(form.get("password", ""))
        target = str(form.get("next", ""))
        try:
            user = await run_in_threadpool(console.accounts.authenticate, name, password)
        except Throttled as e:
            console.audit(request, name, "登录被限制", "连续输错密码")
            return console.render(request, "login.html", status=429, error=str(e), name=name, next=target)
        if user is None:
            console.audit(request, name, "登录失败")
            return console.render(
                request, "login.html", status=401, error="用户名或密码错误", name=name, next=target
            )
        console.audit(request, user.name, "登录")
        # back to the page that asked for the login: a path on this site only, never another host
        local = target.startswith("/") and not target.startswith("//") and "\\" not in target
        response = RedirectResponse(target if local else "/", 303)
        console.set_session(
            response,
            {
                "u": user.name,
                "v": user.session_version,
                "c": secrets.token_urlsafe(24),
                "t": int(time.time()),
            },
        )
        return response

    async def logout(request: Request):
        await console.form(request)
        user = console.user(request)
        if user:
            console.audit(request, user.name, "退出登录")
        response = RedirectResponse("/login", 303)
        response.delete_cookie(COOKIE, path="/")
        return response

    async def home(request: Request):
        user = console.user(request)
        if (user is not None and user.is_department) or (user is None and console.submitter(request)):
            return RedirectResponse("/portal", 303)
        console.require(request)
        return RedirectResponse(f"/period/{console.state.landing(console.now())}", 303)

    async def month(request: Request):
        user = console.require(request)
        period = _period(request.path_params["period"])
        now = console.now()
        view = console.state.month(period, now)
        from ..approval import latest_approval
        from ..owed import updates_since_report

        updates = await run_in_threadpool(updates_since_report, console.config, console.store, period)
        return console.render(
            request,
            "month.html",
            user=user,
            nav_period=str(period),
            view=view,
            periods=console.state.periods(now),
            approval=latest_approval(console.config, period),
            job=console.jobs.running(str(period)),
            approval_required=console.config.web.approval_required,
            message=request.query_params.get("msg", ""),
            updates=updates,
        )

    async def run_page(request: Request):
        user = console.require(request)
        run = console.state.run(int(request.path_params["run_id"]))
        if run is None:
            raise HTTPException(404, "没有这次运行")
        view = console.state.month(_period(run.period), console.now())
        return console.render(request, "run.html", user=user, nav_period=run.period, run=run, view=view)

    async def download(request: Request):
        user = console.require(request)
        period = str(_period(request.path_params["period"]))
        path = console.state.output_path(period, request.path_params["path"])
        if path is None or not path.is_file():
            raise HTTPException(404, "没有这个文件")
        inline = request.query_params.get("inline") == "1" and path.suffix == ".pdf"
        if not inline:
            console.audit(request, user.name, "下载", f"{period}/{request.path_params['path']}")
        return FileResponse(path, headers={"Content-Disposition": content_disposition(path.name, inline)})

    def _word(period: str):
        files = console.state.outputs(period)
        docx = next((f for f in files if f.kind == "Word 通报"), None)
        if docx is None:
            raise HTTPException(404, "本期还没有 Word 通报")
        return docx, next((f for f in files if f.kind == "PDF"), None)

    async def preview(request: Request):
        """The run's PDF when it made one; else a PDF made here by LibreOffice; else text and tables."""
        from ..render.pdf import find_soffice
        from .preview import docx_blocks

        user = console.require(request)
        period = str(_period(request.path_params["period"]))
        docx, pdf = _word(period)
        pdf_url = f"/period/{period}/files/{quote(pdf.path)}?inline=1" if pdf else ""
        if not pdf and find_soffice() is not None and request.query_params.get("as") != "html":
            pdf_url = f"/period/{period}/preview.pdf"
        blocks = (
            []
            if pdf_url
            else await run_in_threadpool(docx_blocks, console.state.output_path(period, docx.path))
        )
        return console.render(
            request,
            "preview.html",
            user=user,
            nav_period=period,
            period=period,
            docx=docx,
            pdf=pdf,
            pdf_url=pdf_url,
            blocks=blocks,
        )

    async def preview_pdf(request: Request):
        from ..history import state_folder
        from .preview import pdf_for

        console.require(request)
        period = str(_period(request.path_params["period"]))
        docx, _ = _word(period)
        cache = state_folder(console.config) / "preview" / period
        try:
            made = await run_in_threadpool(pdf_for, console.state.output_path(period, docx.path), cache)
        except ReportgenError as e:
            raise HTTPException(500, f"无法转换为 PDF：{e}") from None
        if made is None:
            raise HTTPException(404, "本机没有 LibreOffice，无法生成 PDF 预览")
        name = docx.name.rsplit(".", 1)[0] + ".pdf"
        return FileResponse(
            made,
            media_type="application/pdf",
            headers={"Content-Disposition": content_disposition(name, True)},
        )

    async def regenerate(request: Request):
        user = console.require(request, "act")
        await console.form(request)
        period = _period(request.path_params["period"])
        console.audit(request, user.name, "重新生成", str(period))
        job = console.jobs.start(
            "重新生成", str(period), user.name, lambda job: _regenerate(console, period, job)
        )
        return RedirectResponse(f"/jobs/{job.id}", 303)

    async def validate(request: Request):
        from ..pipeline import check

        user = console.require(request, "act")
        await console.form(request)
        period = _period(request.path_params["period"])
        console.audit(request, user.name, "检查数据", str(period))
        report = await run_in_threadpool(check, console.config, period)
        return console.render(
            request, "validate.html", user=user, nav_period=str(period), period=str(period), report=report
        )

    async def diff_page(request: Request):
        from ..diff import compare, current_inputs, previous_run
        from ..history import state_folder

        user = console.require(request)
        period = _period(request.path_params["period"])
        current = console.state.results(str(period))
        if current is None:
            raise HTTPException(404, "本期还没有计算结果，请先生成")
        output = console.state.output_root
        inputs = current_inputs(output, str(period))
        diffs = []
        if period.month > 1:
            last = str(Period(period.year, period.month - 1))
            earlier = console.state.results(last)
            diffs.append(
                (
                    "与上月比较",
                    compare(
                        earlier,
                        current,
                        last,
                        str(period),
                        old_inputs=current_inputs(output, last),
                        new_inputs=inputs,
                        same_period=False,
                    )
                    if earlier
                    else None,
                    last,
                )
            )
        before = previous_run(state_folder(console.config), output, str(period))
        diffs.append(
            (
                "与本期上次运行比较",
                compare(
                    before["results"],
                    current,
                    "上次运行",
                    "本次",
                    old_inputs=before["inputs"],
                    new_inputs=inputs,
                )
                if before
                else None,
                "",
            )
        )
        return console.render(
            request, "diff.html", user=user, nav_period=str(period), period=str(period), diffs=diffs
        )

    async def approve(request: Request):
        from ..approval import approve as approve_outputs

        user = console.require(request, "act")
        await console.form(request)
        period = _period(request.path_params["period"])
        try:
            approval = await run_in_threadpool(approve_outputs, console.config, period, user.name)
        except ReportgenError as e:
            return RedirectResponse(f"/period/{period}?msg={quote(str(e))}", 303)
        console.audit(request, user.name, "审核通过", f"{period}：{len(approval.files)} 个文件")
        return RedirectResponse(f"/period/{period}?msg={quote(f'已审核 {len(approval.files)} 个文件')}", 303)

    async def send(request: Request):
        user = console.require(request, "act")
        await console.form(request)
        period = _period(request.path_params["period"])
        console.audit(request, user.name, "发送", str(period))
        job = console.jobs.start("发送", str(period), user.name, lambda job: _send(console, period, job))
        return RedirectResponse(f"/jobs/{job.id}", 303)

    def _job(request: Request) -> tuple[User, Job]:
        user = console.require(request)
        job = console.jobs.get(int(request.path_params["job_id"]))
        if job is None:
            raise HTTPException(404, "没有这项任务（服务重启后任务列表清空，结果见运行记录）")
        return user, job

    async def job_page(request: Request):
        user, job = _job(request)
        return console.render(request, "job.html", user=user, nav_period=job.period, job=job)

    async def job_progress(request: Request):
        user, job = _job(request)
        return console.render(request, "_job_progress.html", user=user, job=job)

    async def audit_page(request: Request):
        user = console.require(request, "audit")
        entries = console.accounts.audit_log(500)
        tz = console.state.tz
        return console.render(request, "audit.html", user=user, entries=entries, tz=tz)

    async def http_error(request: Request, exc: HTTPException):
        if exc.status_code == 401:
            if request.method == "GET":
                return RedirectResponse(f"/login?next={quote(request.url.path)}", 303)
            return console.render(request, "error.html", status=401, message="请先登录", code=401)
        return console.render(
            request, "error.html", status=exc.status_code, message=exc.detail, code=exc.status_code
        )

    routes = [
        Route("/", home),
        Route("/login", login_page, methods=["GET"]),
        Route("/login", login, methods=["POST"]),
        Route("/logout", logout, methods=["POST"]),
        Route("/period/{period}", month),
        Route("/period/{period}/files/{path:path}", download),
        Route("/period/{period}/preview", preview),
        Route("/period/{period}/preview.pdf", preview_pdf),
        Route("/period/{period}/diff", diff_page),
        Route("/period/{period}/regenerate", regenerate, methods=["POST"]),
        Route("/period/{period}/validate", validate, methods=["POST"]),
        Route("/period/{period}/approve", approve, methods=["POST"]),
        Route("/period/{period}/send", send, methods=["POST"]),
        Route("/runs/{run_id:int}", run_page),
        Route("/jobs/{job_id:int}", job_page),
        Route("/jobs/{job_id:int}/progress", job_progress),
        Route("/audit", audit_page),
        *portal_routes(console),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]

    @contextlib.asynccontextmanager
    async def lifespan(app):
        yield
        # stopping (Ctrl+C, SIGTERM from systemd): a regenerate or send under way is finished first
        await run_in_threadpool(console.jobs.wait, SHUTDOWN_WAIT)

    app = Starlette(routes=routes, exception_handlers={HTTPException: http_error}, lifespan=lifespan)
    app.state.console = console
    return _secure_headers(app)


def _secure_headers(app):
    """Every response: no framing by other sites, no sniffing, no referrer leaks; pages are not cached and
    carry a content security policy (files do not: Chromium's PDF viewer must open them)."""
    common = [
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"SAMEORIGIN"),
        (b"referrer-policy", b"same-origin"),
    ]
    policy = (
        b"content-security-policy",
        b"default-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'self'; form-action 'self'",
    )

    async def wrapped(scope, receive, send):
        if scope["type"] != "http":
            return await app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                extra = list(common)
                if any(k == b"content-type" and v.startswith(b"text/html") for k, v in headers):
                    extra.append(policy)
                if not scope["path"].startswith("/static/"):
                    extra.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers + extra}
            await send(message)

        await app(scope, receive, send_with_headers)

    wrapped.state = app.state
    wrapped.app = app
    return wrapped


# ---------------------------------------------------------------- the work of background jobs (library calls)
def _regenerate(console: Console, period: Period, job: Job) -> list[str]:
    from ..config import load_config
    from ..history import recorded_run

    config = load_config(console.config_path)  # the config as saved now, as a CLI run would read it
    result = recorded_run(config, period, console.config_path, trigger="manual", force=True, progress=job.say)
    job.run_id = result.run_id
    lines = [f"已生成 {len(result.files)} 个文件"]
    if result.problems:
        lines.append(f"本期有 {len(result.problems)} 个数据问题（见本期数据问题）")
    if result.missing:
        lines.append(f"缺报：{'、'.join(result.missing)}")
    lines += [f"错误：{w}" for w in result.warnings]
    return lines


def _send(console: Console, period: Period, job: Job) -> list[str]:
    from ..approval import send_approved
    from ..history import History

    history = History.for_config(console.config)
    run_id = history.start_run("manual", str(period), "send")
    job.run_id = run_id
    try:
        report = send_approved(
            console.config,
            period,
            history=history,
            run_id=run_id,
            require_approval=console.config.web.approval_required,
            progress=job.say,
        )
    except ReportgenError as e:
        history.finish_run(run_id, "failed", error="\n".join(e.lines()))
        raise
    history.record_sending(run_id, report)  # 生成成功 / 部分送达 / 送达失败, as a CLI send records it
    if not report.ok:
        raise ReportgenError("；".join(f"发送失败：{f}" for f in report.failed))
    return report.lines()
