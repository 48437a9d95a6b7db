"""The submission portal's pages in-process (Starlette's TestClient over the ASGI app): department accounts, the
department's page, upload with instant check, warnings explained, versions, another department's files refused,
size limits while streaming, staff 退回 (e-mailed to a real SMTP server on 127.0.0.1) / 确认 / 重新开放, compare,
the 催报 link, and 有更新 on the month page. The real server in a real browser is tests/test_portal_browser.py."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import sample_without_schedule
from openpyxl import load_workbook
from smtp_server import PASSWORD as SMTP_PASSWORD
from smtp_server import USER as SMTP_USER
from smtp_server import trusted_server
from starlette.testclient import TestClient

from reportgen.cli import main
from reportgen.config import load_config
from reportgen.period import Period
from reportgen.pipeline import run
from reportgen.samples import write_sample_project
from reportgen.web.accounts import Accounts
from reportgen.web.app import create_app
from reportgen.web.links import make_token, read_token, upload_link

JUNE = Period(2024, 6)
PASSWORD = "correct horse 电池"
MAIN = "主要经济指标.xlsx"
NOW = datetime(2024, 7, 2, 1, 0, tzinfo=UTC)  # Tuesday 2 July, 09:00 in Shanghai

MAIL = """
mail:
  host: 127.0.0.1
  port: {port}
  security: starttls
  username: {user}
  password_env: TEST_SMTP_PASSWORD
  sender: reportgen@zone.example
  sender_name: 示范经开区经发局
  retries: 0
  timeout: 5
"""


@pytest.fixture(scope="module")
def smtp(tmp_path_factory):
    with trusted_server(tmp_path_factory.mktemp("ca")) as server:
        yield server


@pytest.fixture
def zone(tmp_path, smtp, monkeypatch):
    """The sample project (its own copy: uploads write into data/2024-06), mail to the real SMTP server, one
    staff user, one viewer and two department users."""
    monkeypatch.setenv("REPORTGEN_SMTP_CAFILE", str(smtp.cafile))
    monkeypatch.setenv("TEST_SMTP_PASSWORD", SMTP_PASSWORD)
    write_sample_project(tmp_path)
    text = sample_without_schedule(tmp_path)
    text += f"schedule:\n  state_dir: {tmp_path / 'state'}\n" + MAIL.format(port=smtp.port, user=SMTP_USER)
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    config = load_config(path)
    accounts = Accounts.for_config(config)
    accounts.add("clerk", PASSWORD, "staff")
    accounts.add("reader", PASSWORD, "viewer")
    accounts.add("jf", PASSWORD, "department", "经发局")
    accounts.add("zs", PASSWORD, "department", "招商局")
    smtp.handler.messages.clear()
    return config, path, tmp_path


def client_for(config, path) -> TestClient:
    return TestClient(create_app(config, path, now=lambda: NOW), follow_redirects=False)


def _csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&gt;", ">").replace("&lt;", "<")


def login(client: TestClient, name: str) -> TestClient:
    token = _csrf(client.get("/login").text)
    assert client.post("/login", data={"name": name, "password": PASSWORD, "csrf": token}).status_code == 303
    return client


def main_book(root: Path, **cells) -> bytes:
    """June's 主要经济指标.xlsx with some cells changed (E6 is 固定资产投资 1-6月累计, 112.40 亿元)."""
    book = load_workbook(root / "data" / "2024-06" / MAIN)
    for cell, value in cells.items():
        book["主要指标"][cell] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client: TestClient, content: bytes, file: str = MAIN, name: str = MAIN, period: str = "2024-06"):
    token = _csrf(client.get(f"/portal/{period}").text)
    return client.post(
        f"/portal/{period}/upload",
        data={"csrf": token, "file": file},
        files={"upload": (name, content, "application/octet-stream")},
    )


def version_id(response) -> int:
    return int(re.search(r"/versions/(\d+)", response.headers["location"]).group(1))


# ---------------------------------------------------------------- accounts
def test_department_accounts_name_a_configured_department(zone, capsys, monkeypatch):
    config, path, _ = zone
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    args = ["user", "add", "touzi", "--role", "department", "--department", "投资促进局", "-c", str(path)]
    assert main([*args, "--password-stdin"]) == 0
    assert Accounts.for_config(config).user("touzi").department == "招商局"  # the alias, made canonical
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    bad = [
        "user",
        "add",
        "x",
        "--role",
        "department",
        "--department",
        "宣传部",
        "-c",
        str(path),
        "--password-stdin",
    ]
    assert main(bad) != 0
    assert "不在配置中" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["user", "add", "y", "--role", "department", "-c", str(path), "--password-stdin"]) != 0
    assert "须指定责任单位" in capsys.readouterr().err
    assert main(["user", "list", "-c", str(path)]) == 0
    assert "touzi\t报送单位·招商局" in capsys.readouterr().out


def test_a_department_sees_its_own_page_and_no_staff_page(zone):
    config, path, _ = zone
    client = login(client_for(config, path), "zs")
    assert client.get("/").headers["location"] == "/portal"
    assert client.get("/portal").headers["location"] == "/portal/2024-06"
    page = client.get("/portal/2024-06")
    text = _text(page.text)
    assert page.status_code == 200
    assert "招商局 · 2024-06 报表报送" in text and "招商引资完成情况.xls" in text
    assert "截止 2024年07月05日 17:30（还剩 4 个工作日）" in text
    assert "手工放置" in text  # the sample's file is in data/2024-06 already
    assert "实到外资 1-5月累计 2914 万美元" in text  # last month's value for reference
    assert MAIN not in text and "经发局" not in text
    for url in ("/period/2024-06", "/period/2024-06/submissions", "/audit", "/period/2024-06/diff"):
        assert client.get(url).status_code == 403, url
    assert client.get("/period/2024-06/files/results.json").status_code == 403
    Accounts.for_config(config).add("gone", PASSWORD, "department", "宣传部")  # not (or no longer) configured
    orphan = login(client_for(config, path), "gone")
    assert orphan.get("/portal/2024-06").status_code == 403


def test_good_upload_shows_values_with_provenance_beside_last_month(zone):
    config, path, root = zone
    client = login(client_for(config, path), "jf")
    good = main_book(root, E6=112.4)
    response = upload(client, good)
    assert response.status_code == 303
    page = client.get(response.headers["location"])
    text = _text(page.text)
    assert "固定资产投资 1-6月累计 112.40 亿元 ← 主要经济指标.xlsx › 主要指标 › E6" in text
    assert "91.71 亿元" in text  # May's, beside it
    assert "当前采用" in text and "检查用时" in text
    assert (root / "data" / "2024-06" / MAIN).read_bytes() == good


def test_bad_upload_names_the_cell_and_is_not_accepted(zone):
    config, path, root = zone
    before = (root / "data" / "2024-06" / MAIN).read_bytes()
    client = login(client_for(config, path), "jf")
    page = client.get(upload(client, main_book(root, E6="一百一十二")).headers["location"])
    errors = _text(re.search(r'<section id="errors".*?</section>', page.text, re.S).group(0))
    assert "主要经济指标.xlsx › 主要指标 › E6" in errors and "未采用" in errors
    assert 'id="accept"' not in page.text
    row = _text(
        re.search(
            r"<tr class=\"flagged\"><td class=\"prov\">固定资产投资 1-6月累计.*?</tr>", page.text, re.S
        ).group(0)
    )
    assert "未读到" in row and "91.71 亿元" in row  # last month's value still beside the unreadable cell
    assert (root / "data" / "2024-06" / MAIN).read_bytes() == before
    not_excel = upload(client, b"%PDF-1.4 not a workbook", name="主要经济指标.xlsx")
    assert not_excel.status_code == 400 and "upload-error" in not_excel.text


def test_a_warning_needs_an_explanation_that_staff_then_see(zone):
    config, path, root = zone
    client = login(client_for(config, path), "jf")
    response = upload(client, main_book(root, E6=80.0))  # below May's 91.71: a cumulative cannot fall
    vid = version_id(response)
    page = client.get(response.headers["location"])
    assert "待说明警告" in page.text and 'name="explain-1"' in page.text
    token = _csrf(page.text)
    refused = client.post(f"/portal/2024-06/versions/{vid}/accept", data={"csrf": token, "explain-1": " "})
    assert refused.status_code == 400 and "需要填写说明" in _text(refused.text)
    accepted = client.post(
        f"/portal/2024-06/versions/{vid}/accept", data={"csrf": token, "explain-1": "统计局核减了跨区项目"}
    )
    assert accepted.status_code == 303 and "已提交" in client.get(accepted.headers["location"]).text
    staff = login(client_for(config, path), "clerk")
    table = _text(staff.get("/period/2024-06/submissions").text)
    assert "统计局核减了跨区项目" in table and "招商引资完成情况.xls" in table
    one = _text(staff.get("/period/2024-06/submissions?department=经济发展局").text)  # an alias works too
    assert "报送情况 · 经发局" in one and MAIN in one and "招商引资完成情况.xls" not in one
    assert "统计局核减了跨区项目" in _text(staff.get(f"/period/2024-06/submissions/versions/{vid}").text)


def test_replacing_keeps_the_old_version_and_staff_compare_them(zone):
    config, path, root = zone
    client = login(client_for(config, path), "jf")
    old = main_book(root, E6=112.4)
    first = version_id(upload(client, old))
    second = version_id(upload(client, main_book(root, E6=115.0)))
    page = _text(client.get("/portal/2024-06").text)
    assert f"#{first}" in page and f"#{second}" in page
    assert client.get(f"/portal/2024-06/versions/{first}/file").content == old
    staff = login(client_for(config, path), "clerk")
    compare = staff.get(f"/period/2024-06/submissions/compare?name={MAIN}&a={first}&b={second}")
    row = _text(re.search(r"<tr class=\"changed\">.*?</tr>", compare.text, re.S).group(0))
    assert "固定资产投资" in row and "112.40 亿元" in row and "115.00 亿元" in row and "E6" in row


def test_a_department_cannot_see_or_fetch_another_departments_files(zone):
    config, path, root = zone
    jf = login(client_for(config, path), "jf")
    mine = main_book(root, E6=112.4)
    theirs = version_id(upload(jf, mine))
    zs = login(client_for(config, path), "zs")
    for url in (
        f"/portal/2024-06/versions/{theirs}",
        f"/portal/2024-06/versions/{theirs}/file",
        f"/portal/2024-05/versions/{theirs}",
        "/portal/2024-06/versions/999999",
    ):
        response = zs.get(url)
        assert response.status_code == 404, url
        assert "不存在或无权查看" in response.text
    for url in (
        f"/period/2024-06/submissions/versions/{theirs}",
        f"/period/2024-06/submissions/file?name={MAIN}",
    ):
        assert zs.get(url).status_code == 403, url
    refused = upload(zs, main_book(root, E6=1.0))
    assert refused.status_code == 400 and "无权操作" in _text(refused.text)
    assert (root / "data" / "2024-06" / MAIN).read_bytes() == mine
    token = _csrf(zs.get("/portal/2024-06").text)
    accept = zs.post(f"/portal/2024-06/versions/{theirs}/accept", data={"csrf": token})
    assert accept.status_code == 404
    confirm = zs.post("/period/2024-06/submissions/confirm", data={"csrf": token, "file": MAIN})
    assert confirm.status_code == 403


def test_upload_needs_the_csrf_token_and_a_logged_in_department(zone):
    config, path, root = zone
    anonymous = client_for(config, path)
    assert anonymous.get("/portal/2024-06").headers["location"].startswith("/login")
    client = login(client_for(config, path), "jf")
    response = client.post(
        "/portal/2024-06/upload", data={"file": MAIN}, files={"upload": (MAIN, main_book(root), "x")}
    )
    assert response.status_code == 403
    staff = login(client_for(config, path), "clerk")
    assert staff.get("/portal/2024-06").status_code == 403


def test_size_limit_is_enforced_while_the_upload_streams(zone):
    config, path, root = zone
    text = path.read_text(encoding="utf-8") + "portal:\n  max_upload_mb: 0.05\n"
    path.write_text(text, encoding="utf-8")
    config = load_config(path)
    client = login(client_for(config, path), "jf")
    big = main_book(root) + b"\0" * 200_000
    response = upload(client, big)
    assert response.status_code == 413 and "超过上传上限 0.05 MB" in _text(response.text)
    from reportgen.submissions import SubmissionStore

    assert SubmissionStore.for_config(config).versions(JUNE) == []


def test_the_limit_holds_while_reading_a_body_without_a_length():
    """A chunked body (no Content-Length) is refused once it passes the limit, not after it is all read."""
    import asyncio

    from starlette.requests import Request

    from reportgen.web.portal import FORM_OVERHEAD, TooLarge, read_upload_form

    boundary = "reportgenboundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="upload"; filename="x.xlsx"\r\n\r\n'
    ).encode()
    received = []

    async def receive():
        received.append(1)
        body = head if len(received) == 1 else b"\0" * 65536
        return {"type": "http.request", "body": body, "more_body": len(received) < 1000}

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/portal/2024-06/upload",
        "headers": [(b"content-type", f"multipart/form-data; boundary={boundary}".encode())],
    }
    limit = 1024 * 1024
    with pytest.raises(TooLarge):
        asyncio.run(read_upload_form(Request(scope, receive), limit))
    assert len(received) * 65536 <= limit + FORM_OVERHEAD + 2 * 65536  # stopped at the limit: 1 MB of 64 MB


def test_uploaded_file_names_are_made_safe():
    from reportgen.web.portal import uploaded_name

    # old browsers send the whole path
    assert uploaded_name("C:\\fakepath\\主要经济指标.xlsx") == "主要经济指标.xlsx"
    assert uploaded_name("../../etc/passwd") == "passwd"
    assert uploaded_name("报表<1>:?.xlsx") == "报表_1___.xlsx"
    assert uploaded_name("..") == ""


def test_staff_return_with_reason_is_emailed_then_confirm_locks_and_reopen_unlocks(zone, smtp):
    config, path, root = zone
    jf = login(client_for(config, path), "jf")
    vid = version_id(upload(jf, main_book(root, E6=112.4)))
    staff = login(client_for(config, path), "clerk")
    token = _csrf(staff.get("/period/2024-06/submissions").text)
    response = staff.post(
        "/period/2024-06/submissions/return", data={"csrf": token, "file": MAIN, "reason": "工业投资口径不对"}
    )
    page = _text(staff.get(response.headers["location"]).text)
    assert "已退回 主要经济指标.xlsx" in page and "jingfa@example.com" in page
    assert "退回（工业投资口径不对）" in page
    (mail,) = smtp.handler.messages
    assert mail["To"] == "jingfa@example.com" and "退回" in mail["Subject"]
    assert "工业投资口径不对" in mail.get_body(("plain",)).get_content()
    assert "退回（工业投资口径不对）" in _text(jf.get("/portal/2024-06").text)
    # the month page counts a returned file as owed (未报), as the scheduler's 缺报 and 催报 do
    month = staff.get("/period/2024-06").text
    row = month.split('department=%E7%BB%8F%E5%8F%91%E5%B1%80">经发局</a>', 1)[1].split("</tr>", 1)[0]
    assert '<strong class="red">1</strong>' in row  # 未报 1: the returned file

    again = version_id(upload(jf, main_book(root, E6=112.5)))
    assert again != vid
    staff.post("/period/2024-06/submissions/confirm", data={"csrf": token, "file": MAIN})
    assert "已确认" in _text(jf.get("/portal/2024-06").text)
    locked = upload(jf, main_book(root, E6=1.0))
    assert locked.status_code == 400 and "已确认" in _text(locked.text)
    assert (
        'name="upload"'
        not in jf.get("/portal/2024-06").text.split("主要经济指标.xlsx", 2)[1].split("</section>")[0]
    )
    reopened = staff.post(
        "/period/2024-06/submissions/reopen", data={"csrf": token, "file": MAIN, "from": "file"}
    )
    assert reopened.headers["location"].startswith("/period/2024-06/submissions/file?name=")
    assert "已重新开放" in _text(staff.get(reopened.headers["location"]).text)
    viewer = login(client_for(config, path), "reader")
    assert (
        viewer.post("/period/2024-06/submissions/confirm", data={"csrf": token, "file": MAIN}).status_code
        == 403
    )
    log = Accounts.for_config(config).audit_log(50)
    actions = {(e.user, e.action) for e in log}
    assert {
        ("jf", "上传"),
        ("clerk", "退回"),
        ("clerk", "退回通知"),
        ("clerk", "确认"),
        ("clerk", "重新开放"),
    } <= actions
    assert all(e.remote == "testclient" for e in log if e.user in ("jf", "clerk"))


def test_the_reminder_link_opens_the_department_page_without_a_password(zone):
    config, path, root = zone
    assert upload_link(config, "招商局", JUNE, NOW) is None  # no web.base_url: nothing to link to
    path.write_text(
        path.read_text(encoding="utf-8") + "web:\n  base_url: https://report.zone.example/console\n",
        encoding="utf-8",
    )
    config = load_config(path)
    now = NOW  # the console's clock in these tests
    link = upload_link(config, "投资促进局", JUNE, now)
    assert link.startswith("https://report.zone.example/console/portal/link/")
    token = link.rsplit("/", 1)[1]
    secret = Accounts.for_config(config).secret()
    grant = read_token(secret, token, now)
    assert grant.department == "招商局" and grant.period == "2024-06"
    assert grant.expires - now <= timedelta(days=7)
    assert read_token(secret, token, now + timedelta(days=8)) is None

    jf = login(client_for(config, path), "jf")
    other = version_id(upload(jf, main_book(root, E6=112.4)))  # 经发局's version: not the link holder's
    client = client_for(config, path)
    response = client.get(f"/portal/link/{token}")
    assert response.headers["location"] == "/portal/2024-06"
    page = client.get("/portal/2024-06")
    assert page.status_code == 200 and "招商引资完成情况.xls" in page.text and "通过催报链接" in page.text
    assert client.get("/period/2024-06").status_code == 303  # staff pages: to the login
    assert client.get(f"/portal/2024-06/versions/{other}").status_code == 404
    forged = token[:-1] + ("0" if token[-1] != "0" else "1")
    assert client_for(config, path).get(f"/portal/link/{forged}").status_code == 403
    expired = make_token(secret, "招商局", JUNE, now - timedelta(minutes=1))
    assert client_for(config, path).get(f"/portal/link/{expired}").status_code == 403
    clock = [NOW]  # the link's session ends with the link, even inside the login's hours
    later = TestClient(create_app(config, path, now=lambda: clock[0]), follow_redirects=False)
    later.get(f"/portal/link/{token}")
    assert later.get("/portal/2024-06").status_code == 200
    clock[0] = NOW + timedelta(days=7, minutes=1)
    assert later.get("/portal/2024-06").headers["location"].startswith("/login")
    log = Accounts.for_config(config).audit_log(10)
    assert any(e.action == "通过催报链接进入" and e.user == "招商局（催报链接）" for e in log)
    assert any(e.action == "链接无效" for e in log)


def test_an_upload_after_the_report_marks_the_month_as_updated(zone):
    config, path, root = zone
    run(config, JUNE, now=datetime(2024, 7, 5, 9))
    staff = login(client_for(config, path), "clerk")
    assert 'id="has-updates"' not in staff.get("/period/2024-06").text
    jf = login(client_for(config, path), "jf")
    upload(jf, main_book(root, E6=118.0))
    month = staff.get("/period/2024-06").text
    banner = _text(re.search(r'<div class="alert warn" id="has-updates">.*?</div>', month, re.S).group(0))
    assert "有更新" in banner and MAIN in banner
    assert 'href="/period/2024-06/diff"' in month and 'id="regenerate-updates"' in month
