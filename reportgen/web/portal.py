"""The submission portal's pages: a department's own page (what it owes, upload with instant check, versions),
the 催报 link that opens it without a password, and the staff's pages (every file's status, versions, compare,
退回 / 确认 / 重新开放).

Thin like the rest of the console: the rules live in reportgen.intake, reportgen.submissions and reportgen.owed;
handlers parse the request, call them, write the audit log and render. A department reaches only its own files:
every version is looked up through the store's authorisation, and a version that is not the department's gets
the same 404 as one that does not exist.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote, urlencode

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from ..errors import ReportgenError
from ..intake import IntakeError
from ..period import Period
from ..submissions import CONFIRMED, MANUAL, RETURNED, SUBMITTED, Actor

FORM_OVERHEAD = 64 * 1024  # the multipart envelope and the small fields beside the file
LINK_ACTOR = "催报链接"
STATES = {"SUBMITTED": SUBMITTED, "MANUAL": MANUAL, "RETURNED": RETURNED, "CONFIRMED": CONFIRMED}


@dataclass(frozen=True)
class Submitter:
    """Who uses the department pages: a department's user, or a 催报 link's holder (`via_link`)."""

    name: str
    department: str
    via_link: bool = False

    @property
    def actor(self) -> Actor:
        return Actor(self.name, self.department)

    @property
    def audit_name(self) -> str:
        return f"{self.department}（{LINK_ACTOR}）" if self.via_link else self.name


class TooLarge(Exception):
    pass


async def read_upload_form(request: Request, limit: int):
    """The multipart form, refused (TooLarge) as soon as the body passes `limit` bytes plus the envelope —
    while it streams in, so an oversized upload is never read whole."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit + FORM_OVERHEAD:
        raise TooLarge

    async def limited():
        total = 0
        async for chunk in request.stream():
            total += len(chunk)
            if total > limit + FORM_OVERHEAD:
                raise TooLarge
            yield chunk

    parser = MultiPartParser(request.headers, limited(), max_files=1, max_fields=50)
    return await parser.parse()


def uploaded_name(filename: str) -> str:
    """The browser's file name made safe: the last path part only (old IE sends C:\\…), no separators or
    control characters."""
    from ..filenames import UnsafeName, safe_name

    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    try:
        return safe_name(base)
    except UnsafeName:
        return ""


def portal_periods(config, tz, now: datetime) -> list[str]:
    """The periods a department may open: the config year's months up to the one now being reported."""
    local = now.astimezone(tz)
    index = local.year * 12 + local.month - 2  # the last complete month
    if index // 12 > config.year:
        last = 12
    elif index // 12 < config.year:
        last = 1
    else:
        last = index % 12 + 1
    return [str(Period(config.year, m)) for m in range(last, 0, -1)]


def portal_routes(console) -> list[Route]:
    from ..owed import deadline, owed, updates_since_report
    from ..submissions import period_status, send_return_notice
    from .app import _period, content_disposition
    from .links import LINK_PATH, read_token

    config, store = console.config, console.store

    # ------------------------------------------------------------ helpers
    def need_submitter(request: Request) -> Submitter:
        submitter = console.submitter(request)
        if submitter is not None:
            if config.department_of(submitter.department) is None:
                raise HTTPException(403, f"账号所属单位“{submitter.department}”已不在配置中，请联系管理员")
            return submitter
        if console.user(request) is not None:
            raise HTTPException(403, "报送页面只供报送单位使用；工作人员请在“报送情况”页查看")
        raise HTTPException(401)

    def in_year(text: str) -> Period:
        period = _period(text)
        if period.year != config.year:
            raise HTTPException(404, f"期间 {period} 不在配置的年度 {config.year} 内")
        return period

    def version_for(actor: Actor, period: Period, version_id: int):
        """The version when `actor` may see it and it belongs to `period`; 404 otherwise (the same answer for
        another department's version as for a missing one)."""
        try:
            version = store.version(version_id)
            if version.period != str(period):
                raise IntakeError("")
            store.versions_for(config, actor, period, version.file)
        except IntakeError:
            raise HTTPException(404, f"版本 #{version_id} 不存在或无权查看") from None
        return version

    def department_page(request, submitter: Submitter, period: Period, status: int = 200, error: str = ""):
        now = console.now()
        view = owed(config, store, period, submitter.department, now)
        versions = {
            f.status.file: list(reversed(store.versions_for(config, submitter.actor, period, f.status.file)))
            for f in view.files
        }
        return console.render(
            request,
            "portal.html",
            status=status,
            submitter=submitter,
            view=view,
            versions=versions,
            periods=portal_periods(config, console.state.tz, now),
            error=error,
            message=request.query_params.get("msg", ""),
            limit_mb=config.portal.max_upload_mb,
            CONFIRMED=CONFIRMED,
        )

    def version_page(request, version, *, submitter=None, user=None, status=200, error="", elapsed=None):
        file_status = next(
            (s for s in period_status(config, store, Period.parse(version.period)) if s.file == version.file),
            None,
        )
        return console.render(
            request,
            "version.html",
            status=status,
            submitter=submitter,
            user=user,
            nav_period=version.period if user else None,
            version=version,
            result=version.result,
            file_status=file_status,
            locked=file_status is not None and file_status.status == CONFIRMED,
            current=file_status is not None
            and file_status.version is not None
            and file_status.version.id == version.id,
            error=error,
            elapsed=elapsed,
            message=request.query_params.get("msg", ""),
        )

    def back(url: str, **params) -> RedirectResponse:
        query = urlencode({k: v for k, v in params.items() if v})
        return RedirectResponse(f"{url}?{query}" if query else url, 303)

    # ------------------------------------------------------------ the department's side
    async def portal_home(request: Request):
        submitter = console.submitter(request)
        if submitter is None:
            user = console.user(request)
            return RedirectResponse("/" if user else "/login?next=/portal", 303)
        return RedirectResponse(f"/portal/{portal_periods(config, console.state.tz, console.now())[0]}", 303)

    async def portal_page(request: Request):
        submitter = need_submitter(request)
        period = in_year(request.path_params["period"])
        return await run_in_threadpool(department_page, request, submitter, period)

    async def upload(request: Request):
        submitter = need_submitter(request)
        period = in_year(request.path_params["period"])
        limit = int(config.portal.max_upload_mb * 2**20)
        try:
            form = await read_upload_form(request, limit)
        except TooLarge:
            console.audit(
                request,
                submitter.audit_name,
                "上传被拒",
                f"{period}：超过 {config.portal.max_upload_mb:g} MB",
            )
            error = (
                f"文件超过上传上限 {config.portal.max_upload_mb:g} MB（配置 portal.max_upload_mb），未接收"
            )
            return await run_in_threadpool(department_page, request, submitter, period, 413, error)
        except MultiPartException:
            raise HTTPException(400, "上传的表单不完整，请刷新页面后重试") from None
        try:
            console.check_csrf(request, form)
            file, sent = str(form.get("file", "")), form.get("upload")
            if not isinstance(sent, UploadFile) or not sent.filename:
                error = "请先选择要上传的文件"
                return await run_in_threadpool(department_page, request, submitter, period, 400, error)
            content = await sent.read()
            name = uploaded_name(sent.filename)
        finally:
            await form.close()
        started = time.perf_counter()
        try:
            outcome = await run_in_threadpool(
                store.upload, config, period, submitter.actor, file, content, name, console.now()
            )
        except ReportgenError as e:
            console.audit(request, submitter.audit_name, "上传被拒", f"{period} {file}（{name}）：{e}")
            return await run_in_threadpool(department_page, request, submitter, period, 400, str(e))
        elapsed = time.perf_counter() - started
        version, result = outcome.version, outcome.result
        state = "已采用" if outcome.accepted else ("有错误，未采用" if not result.ok else "待说明警告")
        console.audit(
            request,
            submitter.audit_name,
            "上传",
            f"{period} {version.file} 版本 #{version.id}（{name}，{version.size} 字节）："
            f"{len(result.figures)} 个数值，{len(result.errors)} 处错误，{len(result.warnings)} 条警告；{state}",
        )
        return back(f"/portal/{period}/versions/{version.id}", t=f"{elapsed:.2f}")

    async def portal_version(request: Request):
        submitter = need_submitter(request)
        period = in_year(request.path_params["period"])
        version = version_for(submitter.actor, period, request.path_params["version_id"])
        try:  # the check's own time, passed on by the upload's redirect: shown as a number only
            elapsed = f"{float(request.query_params.get('t', '')):.2f}"
        except ValueError:
            elapsed = None
        return await run_in_threadpool(
            lambda: version_page(request, version, submitter=submitter, elapsed=elapsed)
        )

    async def portal_accept(request: Request):
        submitter = need_submitter(request)
        period = in_year(request.path_params["period"])
        version = version_for(submitter.actor, period, request.path_params["version_id"])
        form = await console.form(request)
        explanations = {k[len("explain-") :]: str(v) for k, v in form.items() if k.startswith("explain-")}
        try:
            accepted = await run_in_threadpool(
                store.accept, config, submitter.actor, version.id, explanations, console.now()
            )
        except ReportgenError as e:
            error = str(e)
            return await run_in_threadpool(
                lambda: version_page(request, version, submitter=submitter, status=400, error=error)
            )
        notes = "；".join(f"{k}：{v}" for k, v in accepted.explanations.items())
        console.audit(
            request,
            submitter.audit_name,
            "采用版本",
            f"{period} {version.file} 版本 #{version.id}" + (f"；说明：{notes}" if notes else ""),
        )
        return back(f"/portal/{period}", msg=f"{version.file} 版本 #{version.id} 已提交，写入本期数据")

    async def portal_file(request: Request):
        submitter = need_submitter(request)
        period = in_year(request.path_params["period"])
        version = version_for(submitter.actor, period, request.path_params["version_id"])
        return _download(request, submitter.audit_name, submitter.actor, version)

    def _download(request, who: str, actor: Actor, version) -> Response:
        try:
            version, content = store.fetch(config, actor, version.id)
        except IntakeError:
            raise HTTPException(404, f"版本 #{version.id} 不存在或无权查看") from None
        console.audit(request, who, "下载版本", f"{version.period} {version.file} 版本 #{version.id}")
        return Response(
            content,
            media_type="application/octet-stream",
            headers={"Content-Disposition": content_disposition(version.stored_name)},
        )

    async def link(request: Request):
        """A 催报 link: a short session for the department named in it, recorded in the audit log."""
        now = console.now()
        grant = read_token(console.key, request.path_params["token"], now)
        department = config.department_of(grant.department) if grant else None
        if grant is None or department is None:
            console.audit(request, "（链接）", "链接无效", "签名不符或已过期")
            raise HTTPException(403, "链接无效或已过期，请联系工作人员重新发送，或用账号登录")
        console.audit(
            request,
            f"{department}（{LINK_ACTOR}）",
            "通过催报链接进入",
            f"{grant.period}，有效至 {grant.expires:%Y-%m-%d %H:%M} UTC",
        )
        target = f"/portal/{grant.period}" if Period.parse(grant.period).year == config.year else "/portal"
        response = RedirectResponse(target, 303)
        expires = min(grant.expires.timestamp(), now.timestamp() + config.web.session_hours * 3600)
        console.set_session(
            response,
            {"u": None, "l": department, "e": int(expires), "c": _token(), "t": int(time.time())},
        )
        return response

    # ------------------------------------------------------------ staff
    def staff(request: Request, action: str = "view"):
        return console.require(request, action)

    async def staff_period(request: Request):
        user = staff(request)
        period = in_year(request.path_params["period"])

        unit = config.department_of(request.query_params.get("department", "")) or ""

        def gather():
            statuses = [s for s in period_status(config, store, period) if not unit or unit in s.departments]
            counts = {s.file: len(store.versions(period, s.file)) for s in statuses}
            return statuses, counts, updates_since_report(config, store, period)

        statuses, counts, updates = await run_in_threadpool(gather)
        return console.render(
            request,
            "submissions.html",
            user=user,
            nav_period=str(period),
            period=str(period),
            statuses=statuses,
            counts=counts,
            department=unit,
            updates=updates,
            deadline=deadline(config, period, console.now()),
            message=request.query_params.get("msg", ""),
            error=request.query_params.get("err", ""),
            from_file=False,
            **STATES,
        )

    def file_or_404(period: Period, name: str):
        from ..intake import expected_file

        try:
            return expected_file(config, period, name)
        except IntakeError:
            raise HTTPException(404, f"本期没有“{name}”这个应报文件") from None

    async def staff_file(request: Request):
        user = staff(request)
        period = in_year(request.path_params["period"])
        wanted = file_or_404(period, request.query_params.get("name", ""))

        def gather():
            status = next(s for s in period_status(config, store, period) if s.file == wanted.name)
            return (
                status,
                list(reversed(store.versions(period, wanted.name))),
                store.events(period, wanted.name),
            )

        status, versions, events = await run_in_threadpool(gather)
        return console.render(
            request,
            "submission_file.html",
            user=user,
            nav_period=str(period),
            period=str(period),
            entry=status,
            versions=versions,
            events=events,
            message=request.query_params.get("msg", ""),
            error=request.query_params.get("err", ""),
            from_file=True,
            **STATES,
        )

    async def staff_compare(request: Request):
        user = staff(request)
        period = in_year(request.path_params["period"])
        wanted = file_or_404(period, request.query_params.get("name", ""))
        try:
            first, second = int(request.query_params["a"]), int(request.query_params["b"])
        except (KeyError, ValueError):
            raise HTTPException(400, "请选择要比较的两个版本") from None
        ids = {v.id: v for v in store.versions(period, wanted.name)}
        if first not in ids or second not in ids:
            raise HTTPException(404, "所选版本不属于这个文件")
        differences = await run_in_threadpool(store.compare, config, first, second)
        return console.render(
            request,
            "compare.html",
            user=user,
            nav_period=str(period),
            period=str(period),
            file=wanted.name,
            old=ids[first],
            new=ids[second],
            differences=differences,
        )

    async def staff_version(request: Request):
        user = staff(request)
        period = in_year(request.path_params["period"])
        version = version_for(Actor(user.name), period, request.path_params["version_id"])
        return await run_in_threadpool(lambda: version_page(request, version, user=user))

    async def staff_version_file(request: Request):
        user = staff(request)
        period = in_year(request.path_params["period"])
        version = version_for(Actor(user.name), period, request.path_params["version_id"])
        return _download(request, user.name, Actor(user.name), version)

    async def staff_action(request: Request):
        user = staff(request, "act")
        period = in_year(request.path_params["period"])
        form = await console.form(request)
        action, file = request.path_params["action"], str(form.get("file", ""))
        if action not in ("return", "confirm", "reopen"):
            raise HTTPException(404, "没有这项操作")
        actor, now = Actor(user.name), console.now()
        here = f"/period/{period}/submissions"
        if form.get("from") == "file":
            here = f"/period/{period}/submissions/file?name={quote(file)}"
        params = {}
        try:
            if action == "return":
                reason = str(form.get("reason", ""))
                notice = await run_in_threadpool(store.return_file, config, actor, period, file, reason, now)
                console.audit(request, user.name, "退回", f"{period} {notice.file}：{notice.reason}")
                params["msg"] = f"已退回 {notice.file}。" + await _notify(request, user.name, notice)
            elif action == "confirm":
                status = await run_in_threadpool(store.confirm, config, actor, period, file, now)
                version = f" 版本 #{status.version.id}" if status.version else ""
                console.audit(request, user.name, "确认", f"{period} {status.file}{version}")
                params["msg"] = f"已确认 {status.file}{version}（已锁定，单位不能再上传）"
            else:
                status = await run_in_threadpool(store.reopen, config, actor, period, file, now)
                console.audit(request, user.name, "重新开放", f"{period} {status.file}")
                params["msg"] = f"已重新开放 {status.file}，单位可以再次上传"
        except IntakeError as e:
            params["err"] = str(e)
        separator = "&" if "?" in here else "?"
        query = urlencode(params)
        return RedirectResponse(f"{here}{separator}{query}", 303)

    async def _notify(request: Request, who: str, notice) -> str:
        """E-mail the 退回 to the department (reportgen's mail settings); the outcome as a sentence."""
        if config.mail is None:
            return "配置中没有 mail 部分，未发送通知邮件，请另行告知单位。"
        try:
            results = await run_in_threadpool(send_return_notice, config, notice)
        except ReportgenError as e:
            console.audit(request, who, "退回通知失败", f"{notice.period} {notice.file}：{e}")
            return f"通知邮件未发出：{e}"
        if not results:
            return "报送单位没有配置邮箱，未发送通知邮件。"
        console.audit(
            request,
            who,
            "退回通知",
            f"{notice.period} {notice.file}：" + "、".join(f"{a}（{s}）" for a, s in results),
        )
        sent = [a for a, s in results if s == "delivered"]
        failed = [a for a, s in results if s != "delivered"]
        text = f"通知邮件已发送至 {'、'.join(sent)}。" if sent else ""
        return text + (f"未送达：{'、'.join(failed)}。" if failed else "")

    return [
        Route("/portal", portal_home),
        Route(f"/{LINK_PATH}{{token}}", link),
        Route("/portal/{period}", portal_page),
        Route("/portal/{period}/upload", upload, methods=["POST"]),
        Route("/portal/{period}/versions/{version_id:int}", portal_version),
        Route("/portal/{period}/versions/{version_id:int}/accept", portal_accept, methods=["POST"]),
        Route("/portal/{period}/versions/{version_id:int}/file", portal_file),
        Route("/period/{period}/submissions", staff_period),
        Route("/period/{period}/submissions/file", staff_file),
        Route("/period/{period}/submissions/compare", staff_compare),
        Route("/period/{period}/submissions/versions/{version_id:int}", staff_version),
        Route("/period/{period}/submissions/versions/{version_id:int}/file", staff_version_file),
        Route("/period/{period}/submissions/{action:str}", staff_action, methods=["POST"]),
    ]


def _token() -> str:
    import secrets

    return secrets.token_urlsafe(24)
