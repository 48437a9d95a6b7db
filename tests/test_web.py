"""The console in-process (Starlette's TestClient over the ASGI app): accounts, sessions, CSRF, roles, downloads,
the month page, diff and approval. The real server in a real browser is tests/test_web_browser.py."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import sample_without_schedule
from starlette.testclient import TestClient

from reportgen.cli import main
from reportgen.config import load_config
from reportgen.diff import compare, compare_inputs, current_inputs, keep_results, previous_run
from reportgen.history import History, recorded_run
from reportgen.period import Period
from reportgen.pipeline import run
from reportgen.samples import write_sample_project
from reportgen.web.accounts import AccountError, Accounts, Throttled
from reportgen.web.app import content_disposition, create_app
from reportgen.web.preview import docx_blocks

JUNE, MAY = Period(2024, 6), Period(2024, 5)
PASSWORD = "correct horse 电池"


@pytest.fixture(scope="module")
def zone(tmp_path_factory):
    """The sample project with May and June generated (charts off), shared; tests use their own state folder."""
    root = tmp_path_factory.mktemp("zone")
    write_sample_project(root)
    (root / "config.yaml").write_text(sample_without_schedule(root), encoding="utf-8")
    config = load_config(root / "config.yaml")
    for period in (MAY, JUNE):
        run(config, period, now=datetime(2024, 7, 5, 9))
    return root


def _config(zone: Path, state: Path, extra: str = ""):
    text = (zone / "config.yaml").read_text(encoding="utf-8")
    text = text.replace("zone: ", f"schedule:\n  state_dir: {state}\n" + "zone: ", 1)
    path = zone / f"console-{state.parent.name}.yaml"
    path.write_text(text + extra, encoding="utf-8")
    return load_config(path), path


@pytest.fixture
def console(zone, tmp_path):
    config, path = _config(zone, tmp_path / "state")
    accounts = Accounts.for_config(config)
    for name, role in (("chief", "admin"), ("clerk", "staff"), ("reader", "viewer")):
        accounts.add(name, PASSWORD, role)
    return config, path


def _csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def _client(config, path) -> TestClient:
    return TestClient(create_app(config, path), follow_redirects=False)


def login(client: TestClient, name: str, password: str = PASSWORD):
    token = _csrf(client.get("/login").text)
    return client.post("/login", data={"name": name, "password": password, "csrf": token})


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# ---------------------------------------------------------------- accounts
def test_passwords_are_argon2_hashes_and_checked(tmp_path):
    accounts = Accounts(tmp_path / "console.sqlite")
    accounts.add("clerk", PASSWORD, "staff")
    raw = (tmp_path / "console.sqlite").read_bytes()
    assert b"$argon2id$" in raw and PASSWORD.encode() not in raw
    assert accounts.authenticate("clerk", PASSWORD).role == "staff"
    assert accounts.authenticate("clerk", "wrong password") is None
    with pytest.raises(AccountError, match="至少"):
        accounts.add("short", "1234567")
    with pytest.raises(AccountError, match="已存在"):
        accounts.add("clerk", PASSWORD)
    with pytest.raises(AccountError, match="角色"):
        accounts.add("boss", PASSWORD, "root")


def test_five_wrong_passwords_throttle_the_account_until_the_lockout_ends(tmp_path):
    accounts = Accounts(tmp_path / "console.sqlite", attempts=5, lockout=timedelta(minutes=15))
    accounts.add("clerk", PASSWORD)
    start = datetime(2024, 7, 5, 9, tzinfo=UTC)
    for i in range(5):
        assert accounts.authenticate("clerk", f"guess {i}", now=start) is None
    with pytest.raises(Throttled):
        accounts.authenticate("clerk", PASSWORD, now=start + timedelta(minutes=1))  # even the right one
    assert accounts.authenticate("clerk", PASSWORD, now=start + timedelta(minutes=16)).name == "clerk"
    for i in range(5):  # unknown names are throttled alike: the answer does not tell who exists
        accounts.authenticate("nobody", f"guess {i}", now=start)
    with pytest.raises(Throttled):
        accounts.authenticate("nobody", "x", now=start)


def test_disable_and_passwd_end_open_sessions(console):
    config, path = console
    client = _client(config, path)
    assert login(client, "clerk").status_code == 303
    assert client.get("/period/2024-06").status_code == 200
    Accounts.for_config(config).set_password("clerk", "a new password")
    assert client.get("/period/2024-06").headers["location"].startswith("/login")
    assert login(client, "clerk", "a new password").status_code == 303
    Accounts.for_config(config).set_disabled("clerk")
    assert client.get("/period/2024-06").status_code == 303
    assert login(client, "clerk", "a new password").status_code == 401


def test_user_commands(console, capsys, monkeypatch):
    import io

    config, path = console
    monkeypatch.setattr("sys.stdin", io.StringIO("another password\n"))
    assert main(["user", "add", "newbie", "--role", "viewer", "-c", str(path), "--password-stdin"]) == 0
    assert Accounts.for_config(config).authenticate("newbie", "another password").role == "viewer"
    assert main(["user", "disable", "newbie", "-c", str(path)]) == 0
    assert Accounts.for_config(config).user("newbie").disabled
    assert main(["user", "list", "-c", str(path)]) == 0
    assert "newbie\t只读（已停用）" in capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["user", "passwd", "newbie", "-c", str(path), "--password-stdin"]) == 1
    assert "密码至少" in capsys.readouterr().err


def test_serve_and_user_have_help(capsys):
    for command in ("serve", "user"):
        with pytest.raises(SystemExit) as stop:
            main([command, "--help"])
        assert stop.value.code == 0
    out = capsys.readouterr().out
    assert "127.0.0.1" in out and "argon2" in out


# ---------------------------------------------------------------- sessions, CSRF, roles
def test_session_cookie_flags(console, zone, tmp_path):
    config, path = console
    cookie = login(_client(config, path), "clerk").headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    secure, secure_path = _config(
        zone, tmp_path / "state", "web:\n  secure_cookies: true\n  session_hours: 2\n"
    )
    cookie = login(_client(secure, secure_path), "clerk").headers["set-cookie"]
    assert "Secure" in cookie and "Max-Age=7200" in cookie


def test_pages_need_a_login(console):
    client = _client(*console)
    for url in ("/", "/period/2024-06", "/period/2024-06/diff", "/audit", "/runs/1"):
        assert client.get(url).headers["location"].startswith("/login")
    assert client.get("/period/2024-06/files/results.json").status_code == 303


def test_login_returns_to_the_page_asked_for_on_this_site_only(console):
    client = _client(*console)
    asked = client.get("/period/2024-05/diff").headers["location"]
    assert asked == "/login?next=/period/2024-05/diff"
    token = _csrf(client.get(asked).text)
    form = {"name": "clerk", "password": PASSWORD, "csrf": token}
    assert client.post("/login", data={**form, "next": "//evil.example/x"}).headers["location"] == "/"
    client.cookies.clear()
    token = _csrf(client.get(asked).text)
    form["csrf"] = token
    assert client.post("/login", data={**form, "next": "/period/2024-05/diff"}).headers["location"] == (
        "/period/2024-05/diff"
    )


def test_post_without_csrf_token_is_refused(console):
    client = _client(*console)
    login(client, "clerk")
    assert client.post("/period/2024-06/regenerate").status_code == 403
    assert client.post("/period/2024-06/regenerate", data={"csrf": "forged"}).status_code == 403
    assert client.post("/login", data={"name": "clerk", "password": PASSWORD}).status_code == 403


def test_viewer_cannot_act(console):
    client = _client(*console)
    login(client, "reader")
    page = client.get("/period/2024-06")
    assert page.status_code == 200 and "重新生成本期" not in page.text and "只读账号" in page.text
    token = _csrf(page.text)
    for action in ("regenerate", "validate", "approve", "send"):
        assert client.post(f"/period/2024-06/{action}", data={"csrf": token}).status_code == 403
    assert client.get("/audit").status_code == 403


def test_no_secret_in_any_page(zone, tmp_path, monkeypatch):
    monkeypatch.setenv("TEST_SMTP_PASSWORD", "smtp-secret-口令")
    mail = "mail:\n  host: 127.0.0.1\n  password_env: TEST_SMTP_PASSWORD\n  sender: a@zone.example\n"
    config, path = _config(zone, tmp_path / "state", mail)
    Accounts.for_config(config).add("chief", PASSWORD, "admin")
    client = _client(config, path)
    login(client, "chief")
    key = Accounts.for_config(config).secret().hex()
    for url in ("/period/2024-06", "/period/2024-06/diff", "/audit", "/period/2024-06/preview"):
        page = client.get(url).text
        assert "smtp-secret" not in page and key not in page and "argon2" not in page


# ---------------------------------------------------------------- the month, runs, files
def test_month_page_shows_submissions_runs_and_failures(console):
    config, path = console
    history = History.for_config(config)
    with pytest.raises(Exception, match="2023"):
        recorded_run(config, Period(2023, 12), path, trigger="manual")
    failed = history.runs()[0]
    client = _client(config, path)
    login(client, "clerk")
    page = client.get("/period/2023-12").text
    assert 'id="last-failed"' in page and f"/runs/{failed.id}" in page
    detail = _text(client.get(f"/runs/{failed.id}").text)
    assert "失败" in detail and "2023" in detail
    june = _text(client.get("/period/2024-06").text)
    assert "经发局 2 2 0 0" in june  # 应报 已报 未报 有问题
    assert "示范经济技术开发区2024年1-6月督办单（经发局）.xlsx" in june
    assert "2023-12 失败" in june  # the periods list marks the failed period


def test_problems_are_counted_against_the_department_that_sent_the_file(console, zone):
    import json
    import shutil

    folder = zone / "output" / "2024-09"
    folder.mkdir(exist_ok=True)
    problem = "2024-09/招商引资完成情况.xls › 招商引资 › E4：“1,2.3” 不是数字"
    (folder / "results.json").write_text(json.dumps({"problems": [problem]}), encoding="utf-8")
    try:
        client = _client(*console)
        login(client, "reader")
        page = client.get("/period/2024-09").text
        assert "本期有 1 个数据问题" in page
        assert "招商局 1 1 0 1" in _text(page) and "经发局 2 2 0 0" in _text(page)
        assert "E4：“1,2.3” 不是数字" in _text(page)
    finally:
        shutil.rmtree(folder)


def test_validate_from_the_console(console):
    client = _client(*console)
    login(client, "clerk")
    token = _csrf(client.get("/period/2024-06").text)
    page = client.post("/period/2024-06/validate", data={"csrf": token})
    assert page.status_code == 200 and "全部数据源可读" in page.text and "读取情况" in page.text
    assert Accounts.for_config(console[0]).audit_log(1)[0].action == "检查数据"


def test_downloads_keep_chinese_names_and_refuse_paths_outside(console):
    client = _client(*console)
    login(client, "reader")
    name = "示范经济技术开发区2024年1-6月督办单（经发局）.xlsx"
    got = client.get(f"/period/2024-06/files/departments/{name}")
    assert got.status_code == 200 and got.content[:2] == b"PK"
    assert got.headers["content-disposition"] == content_disposition(name)
    assert "filename*=UTF-8''%E7%A4%BA" in got.headers["content-disposition"]
    for bad in ("../../config.yaml", "..%2F..%2Fconfig.yaml", "/etc/passwd", "manifest.json", "charts/x.png"):
        assert client.get(f"/period/2024-06/files/{bad}").status_code == 404
    assert client.get("/period/../files/results.json").status_code == 404


def test_audit_log_records_who_what_and_from_where(console):
    client = _client(*console)
    login(client, "chief")
    client.get("/period/2024-06/files/results.json")
    entries = Accounts.for_config(console[0]).audit_log()
    assert [(e.user, e.action) for e in entries[:2]] == [("chief", "下载"), ("chief", "登录")]
    assert entries[0].remote == "testclient" and entries[0].detail == "2024-06/results.json"
    assert "下载" in client.get("/audit").text


def test_preview_shows_text_and_tables(zone):
    docx = next((zone / "output" / "2024-06").glob("*.docx"))
    blocks = docx_blocks(docx)
    assert any("重点指标完成情况通报" in b.text for b in blocks)
    assert any(b.kind == "table" and len(b.rows) > 3 for b in blocks)


def test_preview_as_html_and_as_pdf(console):
    from reportgen.render.pdf import find_soffice

    client = _client(*console)
    login(client, "reader")
    page = client.get("/period/2024-06/preview?as=html")
    assert "content-security-policy" in page.headers and "<table>" in page.text and "一、" in page.text
    if find_soffice() is None:
        pytest.skip("LibreOffice 未安装：只有文字与表格预览")
    assert "/period/2024-06/preview.pdf" in client.get("/period/2024-06/preview").text
    pdf = client.get("/period/2024-06/preview.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf.headers["content-disposition"].startswith("inline; ")
    assert "content-security-policy" not in pdf.headers


# ---------------------------------------------------------------- diff and regenerate
def test_compare_reports_changed_figures_lights_and_ranks():
    old = {
        "indicators": [
            {
                "id": "a",
                "name": "固投",
                "actual": 100.0,
                "completion": 0.5,
                "light": "green",
                "source": "x.xlsx › S › E6",
            },
            {"id": "b", "name": "税收", "actual": 8.0, "completion": None, "light": "yellow", "source": ""},
        ],
        "departments": [{"name": "经发局", "rank": 1}, {"name": "招商局", "rank": 2}],
        "missing": [],
    }
    new = {
        "indicators": [
            {
                "id": "a",
                "name": "固投",
                "actual": 112.4,
                "completion": 0.562,
                "light": "green",
                "source": "x.xlsx › S › E6",
            },
            {"id": "b", "name": "税收", "actual": 8.0, "completion": None, "light": "yellow", "source": ""},
            {"id": "c", "name": "新开工", "actual": 3, "light": "red"},
        ],
        "departments": [{"name": "经发局", "rank": 2}, {"name": "招商局", "rank": 1}],
        "missing": [["安全生产与节能.xlsx", ["应急局"]]],
    }
    d = compare(old, new)
    (fig,) = d.figures
    assert (
        fig.name == "固投" and fig.delta == pytest.approx(12.4) and fig.completion_delta == pytest.approx(6.2)
    )
    assert not fig.light_changed and d.unchanged == 1 and d.added == ["新开工"]
    assert [(r.department, r.old, r.new) for r in d.ranks] == [("经发局", 1, 2), ("招商局", 2, 1)]
    assert d.newly_missing == ["安全生产与节能.xlsx"]


def test_previous_run_is_kept_per_distinct_content_with_its_inputs(tmp_path):
    out, state = tmp_path / "output", tmp_path / "state"
    (out / "2024-06").mkdir(parents=True)
    results, manifest = out / "2024-06" / "results.json", out / "2024-06" / "manifest.json"
    results.write_text('{"indicators": [{"id": "a", "actual": 1}]}', encoding="utf-8")
    manifest.write_text('{"inputs": [{"path": "2024-06/a.xlsx", "sha256": "1"}]}', encoding="utf-8")
    keep_results(state, out, "2024-06")
    keep_results(state, out, "2024-06")  # same content: kept once
    assert previous_run(state, out, "2024-06") is None
    results.write_text('{"indicators": [{"id": "a", "actual": 2}]}', encoding="utf-8")
    manifest.write_text(
        '{"inputs": [{"path": "2024-06/a.xlsx", "sha256": "2"}, {"path": "2024-06/b.xls", "sha256": "3"}]}',
        encoding="utf-8",
    )
    keep_results(state, out, "2024-06")
    before = previous_run(state, out, "2024-06")
    assert before["results"] == {"indicators": [{"id": "a", "actual": 1}]}
    changes = compare_inputs(before["inputs"], current_inputs(out, "2024-06"))
    assert [(c.file, c.change) for c in changes] == [("b.xls", "新增"), ("a.xlsx", "内容有变化")]


def test_diff_page_against_last_month(console):
    client = _client(*console)
    login(client, "clerk")
    page = _text(client.get("/period/2024-06/diff").text)
    assert "与上月比较（2024-05 → 2024-06）" in page and "固定资产投资" in page
    assert "主要经济指标.xlsx › 主要指标 › E6" in page  # where the figure was read
    assert "报表变化" not in page  # a new month's files all differ from last month's: not listed as changes


def test_regenerate_runs_in_the_background_and_records_the_run(console):
    config, path = console
    client = _client(config, path)
    login(client, "clerk")
    token = _csrf(client.get("/period/2024-06").text)
    job_url = client.post("/period/2024-06/regenerate", data={"csrf": token}).headers["location"]
    for _ in range(120):
        fragment = client.get(f"{job_url}/progress").text
        if 'id="job-done"' in fragment or 'id="job-failed"' in fragment:
            break
        time.sleep(0.5)
    assert 'id="job-done"' in fragment and "已生成" in fragment
    (last,) = History.for_config(config).runs("2024-06", limit=1)
    assert last.status == "success" and last.trigger == "manual"


def test_send_only_what_was_approved_checked_by_hash_at_send_time(zone, tmp_path):
    from reportgen.approval import NotApproved, approve, latest_approval, send_approved

    mail = "mail:\n  host: 127.0.0.1\n  sender: a@zone.example\n  leaders: [leader@zone.example]\n"
    config, _ = _config(zone, tmp_path / "state", mail)
    with pytest.raises(NotApproved, match="尚未审核"):
        send_approved(config, JUNE, dry_run=True)
    approval = approve(config, JUNE, "chief")
    assert latest_approval(config, JUNE) == approval
    book = zone / "output" / "2024-06" / "departments" / "示范经济技术开发区2024年1-6月督办单（经发局）.xlsx"
    assert set(approval.files) >= {
        "示范经济技术开发区2024年1-6月重点指标完成情况.docx",
        "departments/示范经济技术开发区2024年1-6月督办单（经发局）.xlsx",
    }
    original = book.read_bytes()
    try:
        book.write_bytes(original + b"edited after approval")
        with pytest.raises(NotApproved, match="经发局.*审核后已改变"):
            send_approved(config, JUNE, dry_run=True)
    finally:
        book.write_bytes(original)
    report = send_approved(config, JUNE, dry_run=True)
    assert len(report.written) == 7 and not report.failed


def test_jobs_run_in_the_background_one_per_period_and_are_waited_for():
    import threading

    from reportgen.errors import ReportgenError
    from reportgen.web.jobs import Jobs

    jobs, release = Jobs(), threading.Event()

    def work(job):
        job.say("正在工作")
        release.wait(5)
        return ["完成"]

    first = jobs.start("重新生成", "2024-06", "clerk", work)
    assert jobs.start("发送", "2024-06", "clerk", work) is first  # the period is busy: the running job
    failing = jobs.start(
        "发送", "2024-05", "clerk", lambda job: (_ for _ in ()).throw(ReportgenError("未审核"))
    )
    assert not jobs.wait(0.2)
    release.set()
    assert jobs.wait(5)
    assert (first.status, first.lines, first.summary) == ("success", ["正在工作"], ["完成"])
    assert (failing.status, failing.error) == ("failed", "未审核")


def test_latest_run_per_period_leaves_sends_out(tmp_path):
    history = History(tmp_path / "reportgen.sqlite")
    first = history.start_run("manual", "2024-05", "manual")
    history.finish_run(first, "failed", error="x")
    second = history.start_run("manual", "2024-05", "manual")
    history.finish_run(second, "success")
    history.finish_run(history.start_run("manual", "2024-05", "send"), "failed")
    history.finish_run(history.start_run("月度通报", "2024-06", "scheduled"), "success")
    latest = history.latest_per_period()
    assert [(r.period, r.id, r.status) for r in latest] == [
        ("2024-06", 4, "success"),
        ("2024-05", second, "success"),
    ]
