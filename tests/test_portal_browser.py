"""The submission portal as departments and staff meet it: the real `reportgen serve` in a subprocess on a free
127.0.0.1 port, Debian's headless Chromium through Playwright (pointed at /usr/bin/chromium), 退回 e-mailed to a
real SMTP server on 127.0.0.1. The tests run in order on one project: upload, errors, a warning explained, a
replacement, 退回 and 确认, another department's files refused, the 催报 link. Screenshots (1366×768) go to
$REPORTGEN_SCREENSHOTS when set (docs/screenshots/ for the README), else under the test's temporary folder."""

from __future__ import annotations

import io
import time
from datetime import UTC, datetime
from pathlib import Path

import browser as browser_tools
import pytest
from conftest import sample_without_schedule
from smtp_server import USER as SMTP_USER
from smtp_server import free_port, trusted_server

from reportgen.config import load_config
from reportgen.history import recorded_run
from reportgen.period import Period
from reportgen.samples import write_sample_project
from reportgen.web.accounts import Accounts
from reportgen.web.links import upload_link

pytestmark = pytest.mark.browser
PASSWORD = "correct horse 电池"
MAIN = "主要经济指标.xlsx"

sync_playwright = browser_tools.sync_playwright()

EXTRA = """
schedule:
  state_dir: {state}
  jobs:
    - name: 月度通报
      workday: 5
      time: "08:30"
mail:
  host: 127.0.0.1
  port: {smtp_port}
  security: starttls
  username: {user}
  password_env: TEST_SMTP_PASSWORD
  sender: reportgen@zone.example
  sender_name: 示范经开区经发局
  retries: 0
  timeout: 5
web:
  session_hours: 1
  base_url: http://127.0.0.1:{port}/
"""


@pytest.fixture(scope="module")
def smtp(tmp_path_factory):
    with trusted_server(tmp_path_factory.mktemp("ca")) as server:
        yield server


@pytest.fixture(scope="module")
def zone(tmp_path_factory, smtp):
    """The sample project with June's report generated, a staff user and two departments' users; the port the
    console will listen on."""
    root = tmp_path_factory.mktemp("zone")
    write_sample_project(root)
    port = free_port()
    text = sample_without_schedule(root)
    text += EXTRA.format(state=root / "state", smtp_port=smtp.port, user=SMTP_USER, port=port)
    (root / "config.yaml").write_text(text, encoding="utf-8")
    config = load_config(root / "config.yaml")
    recorded_run(config, Period(2024, 6), root / "config.yaml", trigger="manual", now=datetime(2024, 7, 5, 9))
    accounts = Accounts.for_config(config)
    accounts.add("clerk", PASSWORD, "staff")
    accounts.add("jf", PASSWORD, "department", "经发局")
    accounts.add("zs", PASSWORD, "department", "招商局")
    return root, port


@pytest.fixture(scope="module")
def server(zone, smtp):
    root, port = zone
    with browser_tools.served(root / "config.yaml", port, smtp) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with browser_tools.chromium(sync_playwright, "--lang=zh-CN") as chromium:
        yield chromium


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    return browser_tools.screenshot_folder(tmp_path_factory)


@pytest.fixture(scope="module")
def seen() -> dict:
    """What earlier steps left for later ones (version ids)."""
    return {}


@pytest.fixture
def context(browser, server):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN", base_url=server)
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()


def log_in(page, name: str):
    page.goto("/login")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/portal/**" if name != "clerk" else "**/period/**")


def workbook(root: Path, **cells) -> dict:
    """June's 主要经济指标.xlsx with cells changed, as a file for the page's file input."""
    from openpyxl import load_workbook

    book = load_workbook(root / "data" / "2024-06" / MAIN)
    for cell, value in cells.items():
        book["主要指标"][cell] = value
    out = io.BytesIO()
    book.save(out)
    mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return {"name": MAIN, "mimeType": mime, "buffer": out.getvalue()}


def upload(page, file: dict) -> float:
    """Choose the file on the department's page and send it; seconds until the check's page has loaded."""
    section = page.locator("section.owed-file", has_text=MAIN)
    section.locator("input[type=file]").set_input_files(file)
    started = time.perf_counter()
    section.locator("button[type=submit]").click()
    page.wait_for_url("**/versions/*")
    page.wait_for_load_state("load")
    return time.perf_counter() - started


def version_of(page) -> int:
    from urllib.parse import urlsplit

    return int(urlsplit(page.url).path.rsplit("/", 1)[1])


def test_department_uploads_a_good_file_and_sees_its_values_with_provenance(page, zone, shots, seen):
    root, _ = zone
    log_in(page, "jf")
    page.goto("/portal/2024-06")
    assert "截止" in page.locator("#deadline").inner_text()
    assert page.locator("section.owed-file", has_text=MAIN).locator(".badge").inner_text() == "手工放置"
    page.screenshot(path=str(shots / "portal-department.png"))
    seconds = upload(page, workbook(root, E6=112.4))
    figures = page.locator("table.figures").inner_text()
    assert "固定资产投资 1-6月累计 112.40 亿元 ← 主要经济指标.xlsx › 主要指标 › E6" in figures
    assert "91.71 亿元" in figures  # May's, beside it
    assert "当前采用" in page.locator("h1").inner_text()
    assert seconds < 2, f"the check's answer took {seconds:.2f} s"
    print(
        f"\nvalidation answer via the page: {seconds:.2f} s (server check {page.locator('#elapsed').inner_text()} s)"
    )
    page.screenshot(path=str(shots / "portal-upload.png"))
    seen["first"] = version_of(page)


def test_a_bad_file_names_the_cell_and_is_not_accepted(page, zone, shots):
    root, _ = zone
    log_in(page, "jf")
    page.goto("/portal/2024-06")
    upload(page, workbook(root, E6="一百一十二"))
    errors = page.locator("#errors")
    assert errors.is_visible() and "主要经济指标.xlsx › 主要指标 › E6" in errors.inner_text()
    assert "未采用" in errors.inner_text() and page.locator("#accept").count() == 0
    page.screenshot(path=str(shots / "portal-errors.png"))


def test_a_warning_is_confirmed_with_an_explanation(page, zone, shots, seen):
    root, _ = zone
    log_in(page, "jf")
    page.goto("/portal/2024-06")
    upload(page, workbook(root, E6=80.0))  # below May's 91.71: a 1-N月 cumulative cannot fall
    warnings = page.locator("#warnings")
    assert "主要经济指标.xlsx › 主要指标 › E6" in warnings.inner_text()
    page.fill("input[name=explain-1]", "统计局核减了跨区项目的投资")
    page.screenshot(path=str(shots / "portal-warning.png"))
    seen["explained"] = version_of(page)
    page.click("#accept")
    page.wait_for_url("**/portal/2024-06?*")
    assert "已提交" in page.locator(".alert.info").inner_text()
    badge = page.locator("section.owed-file", has_text=MAIN).locator("h2 .badge")
    assert badge.inner_text() == "已报"


def test_a_replacement_keeps_the_old_version(page, zone, seen):
    root, _ = zone
    log_in(page, "jf")
    page.goto("/portal/2024-06")
    upload(page, workbook(root, E6=115.0))
    seen["latest"] = version_of(page)
    page.goto("/portal/2024-06")
    rows = page.locator("section.owed-file", has_text=MAIN).locator("table.versions tbody tr")
    assert rows.count() == 5  # the hand-placed original, good, bad, explained, this one: all kept
    assert "当前采用" in rows.first.inner_text() and f"#{seen['latest']}" in rows.first.inner_text()
    old = page.request.get(f"/portal/2024-06/versions/{seen['first']}/file")
    assert old.status == 200 and old.body()[:2] == b"PK"


def test_staff_return_it_with_a_reason_that_is_emailed_then_confirm(browser, server, zone, smtp, shots, seen):
    root, _ = zone
    staff = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN", base_url=server)
    department = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN", base_url=server)
    try:
        page = staff.new_page()
        log_in(page, "clerk")
        page.goto("/period/2024-06/submissions")
        row = page.locator("table.submissions tbody tr", has_text=MAIN)
        assert "已报" in row.inner_text()
        page.screenshot(path=str(shots / "portal-staff.png"))
        row.locator("input[name=reason]").fill("固定资产投资与统计局快报不一致，请核对")
        row.locator("button.return").click()
        page.wait_for_url("**/submissions?*")
        message = page.locator("#message").inner_text()
        assert "已退回" in message and "jingfa@example.com" in message
        row = page.locator("table.submissions tbody tr", has_text=MAIN)
        assert "退回（固定资产投资与统计局快报不一致，请核对）" in row.inner_text()
        mail = next(m for m in smtp.handler.messages if m["To"] == "jingfa@example.com")
        assert "退回" in mail["Subject"] and "统计局快报" in mail.get_body(("plain",)).get_content()

        dept = department.new_page()
        log_in(dept, "jf")
        dept.goto("/portal/2024-06")
        assert (
            "退回（固定资产投资与统计局快报不一致，请核对）"
            in dept.locator("section.owed-file", has_text=MAIN).inner_text()
        )
        upload(dept, workbook(root, E6=112.4))
        seen["corrected"] = version_of(dept)

        page.goto("/period/2024-06/submissions")
        page.locator("table.submissions tbody tr", has_text=MAIN).locator("button.confirm").click()
        page.wait_for_url("**/submissions?*")
        assert "已确认" in page.locator("#message").inner_text()
        page.locator("table.submissions a", has_text=MAIN).click()
        page.wait_for_url("**/submissions/file?*")
        versions = page.locator("table.versions tbody tr")
        assert versions.count() == 6  # the hand-placed file kept too
        explained = versions.filter(has_text=f"#{seen['explained']}").inner_text()
        assert "统计局核减了跨区项目的投资" in explained  # the department's explanation, for staff to read
        page.check(f"input[name=a][value='{seen['first']}']")
        page.check(f"input[name=b][value='{seen['latest']}']")
        page.click("#compare")
        changed = page.locator("table.compare").inner_text()
        assert "112.40 亿元" in changed and "115.00 亿元" in changed
        page.screenshot(path=str(shots / "portal-compare.png"))

        dept.goto("/portal/2024-06")
        section = dept.locator("section.owed-file", has_text=MAIN)
        assert (
            section.locator("h2 .badge").inner_text() == "已确认"
            and section.locator("input[type=file]").count() == 0
        )
    finally:
        staff.close()
        department.close()


def test_a_department_cannot_see_or_fetch_anothers_files(page, seen):
    log_in(page, "zs")
    page.goto("/portal/2024-06")
    assert MAIN not in page.content()
    for number in (seen["first"], seen["latest"], seen["corrected"]):
        for url in (f"/portal/2024-06/versions/{number}", f"/portal/2024-06/versions/{number}/file"):
            assert page.request.get(url).status == 404, url
        assert page.request.get(f"/period/2024-06/submissions/versions/{number}/file").status == 403
    for url in ("/period/2024-06", "/period/2024-06/submissions", "/audit"):
        assert page.request.get(url).status == 403, url
    page.goto(f"/portal/2024-06/versions/{seen['first']}")
    assert "不存在或无权查看" in page.locator(".alert").inner_text()


def test_the_reminder_link_opens_the_upload_page_and_is_audited(page, zone):
    root, _ = zone
    config = load_config(root / "config.yaml")
    link = upload_link(config, "招商局", Period(2024, 6), datetime.now(UTC))
    page.goto(link)
    page.wait_for_url("**/portal/2024-06")
    assert "招商局（通过催报链接）" in page.locator("header").inner_text()
    assert page.locator("section.owed-file", has_text="招商引资完成情况.xls").is_visible()
    log = Accounts.for_config(config).audit_log(200)
    assert any(e.action == "通过催报链接进入" and e.remote == "127.0.0.1" for e in log)
    assert {("jf", "上传"), ("clerk", "退回"), ("clerk", "确认")} <= {(e.user, e.action) for e in log}


def test_the_month_page_says_an_upload_came_after_the_report(page, shots):
    log_in(page, "clerk")
    page.goto("/period/2024-06")
    banner = page.locator("#has-updates")
    assert "有更新" in banner.inner_text() and MAIN in banner.inner_text()
    assert banner.locator("a[href='/period/2024-06/diff']").count() == 1
    assert banner.locator("#regenerate-updates").is_visible()
    page.screenshot(path=str(shots / "portal-updated.png"))
