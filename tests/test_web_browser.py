"""The console as users meet it: the real `reportgen serve` in a subprocess on a free 127.0.0.1 port, driven by
Debian's headless Chromium through Playwright (pointed at /usr/bin/chromium: nothing is downloaded), sending to
a real SMTP server on 127.0.0.1. Screenshots of the month and diff pages go to $REPORTGEN_SCREENSHOTS when set,
else under the test's temporary folder."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import browser as browser_tools
import pytest
from conftest import sample_without_schedule
from smtp_server import USER as SMTP_USER
from smtp_server import free_port, trusted_server

from reportgen.config import load_config
from reportgen.errors import ReportgenError
from reportgen.history import recorded_run
from reportgen.period import Period
from reportgen.samples import write_sample_project
from reportgen.web.accounts import Accounts

pytestmark = pytest.mark.browser
PASSWORD = "correct horse 电池"

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
  port: {port}
  security: starttls
  username: {user}
  password_env: TEST_SMTP_PASSWORD
  sender: reportgen@zone.example
  sender_name: 示范经开区经发局
  leaders: [leader@zone.example]
  retries: 1
  backoff_seconds: 0.01
  timeout: 5
web:
  session_hours: 1
"""


@pytest.fixture(scope="module")
def smtp(tmp_path_factory):
    with trusted_server(tmp_path_factory.mktemp("ca")) as server:
        yield server


@pytest.fixture(scope="module")
def zone(tmp_path_factory, smtp):
    """The sample project with May and June generated, one failed run (a period outside the config year), and
    three accounts."""
    root = tmp_path_factory.mktemp("zone")
    write_sample_project(root)
    text = sample_without_schedule(root)
    text += EXTRA.format(state=root / "state", port=smtp.port, user=SMTP_USER)
    path = root / "config.yaml"
    path.write_text(text, encoding="utf-8")
    config = load_config(path)
    for period in (Period(2024, 5), Period(2024, 6)):
        recorded_run(config, period, path, trigger="manual", now=datetime(2024, 7, 5, 9))
    with pytest.raises(ReportgenError):
        recorded_run(config, Period(2023, 12), path, trigger="manual")
    accounts = Accounts.for_config(config)
    for name, role in (("chief", "admin"), ("auditor", "admin"), ("clerk", "staff"), ("reader", "viewer")):
        accounts.add(name, PASSWORD, role)
    return root


@pytest.fixture(scope="module")
def server(zone, smtp):
    port = free_port()
    with browser_tools.served(zone / "config.yaml", port, smtp) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with browser_tools.chromium(sync_playwright) as chromium:
        yield chromium


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    return browser_tools.screenshot_folder(tmp_path_factory)


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN", base_url=server)
    yield context.new_page()
    context.close()


def log_in(page, name: str, password: str = PASSWORD):
    page.goto("/login")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


def test_log_in_see_the_failed_run_in_red_and_open_its_error(page, shots):
    log_in(page, "clerk")
    page.wait_for_url("**/period/**")
    page.goto("/period/2024-06")
    page.screenshot(path=str(shots / "month.png"), full_page=False)
    assert page.locator("text=各单位报送").is_visible()
    failed_period = page.locator(".periods li", has_text="2023-12").locator(".badge")
    assert failed_period.inner_text() == "失败"
    assert failed_period.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(197, 34, 31)"
    page.click(".periods >> text=2023-12")
    banner = page.locator("#last-failed")
    assert banner.is_visible() and "rgb(165, 14, 14)" == banner.evaluate("e => getComputedStyle(e).color")
    page.screenshot(path=str(shots / "failed-month.png"))
    banner.locator("text=查看错误").click()
    assert "2023" in page.locator("#run-error").inner_text()
    page.screenshot(path=str(shots / "run-error.png"))


def test_regenerate_a_period_and_watch_it_finish_then_open_the_diff(page, zone, shots):
    from openpyxl import load_workbook

    book_path = zone / "data" / "2024-06" / "主要经济指标.xlsx"
    book = load_workbook(book_path)
    book["主要指标"]["E6"] = 120.0  # 固定资产投资 revised after the first run
    book.save(book_path)
    log_in(page, "clerk")
    page.goto("/period/2024-06")
    page.click("#regenerate")
    page.wait_for_url("**/jobs/*")
    assert page.locator("text=进行中").count() + page.locator("#job-done").count() == 1
    page.wait_for_selector("#job-done", timeout=120_000)  # htmx polls the progress fragment
    assert "已生成" in page.locator("#progress").inner_text()
    page.screenshot(path=str(shots / "regenerated.png"))
    page.goto("/period/2024-06/diff")
    page.screenshot(path=str(shots / "diff.png"), full_page=True)
    runs = page.locator("section.diff").nth(1)
    assert "与本期上次运行比较" in runs.inner_text()
    row = runs.locator("tr", has_text="固定资产投资")
    assert "112.40" in row.inner_text() and "120.00" in row.inner_text() and "+7.60" in row.inner_text()
    assert "主要经济指标.xlsx › 主要指标 › E6" in row.inner_text()
    assert "主要经济指标.xlsx\t内容有变化" in runs.locator("table.inputs").inner_text()
    assert "与上月比较（2024-05 → 2024-06）" in page.locator("section.diff").first.inner_text()


def test_approve_and_send_to_a_real_smtp_server(page, smtp, shots):
    log_in(page, "clerk")
    page.goto("/period/2024-06")
    page.click("#send")  # not approved yet: refused
    page.wait_for_selector("#job-failed", timeout=30_000)
    assert "尚未审核" in page.locator("#progress").inner_text()
    assert not smtp.handler.messages
    page.goto("/period/2024-06")
    page.click("#approve")
    assert "已审核" in page.locator(".alert.info").inner_text()
    page.click("#send")
    page.wait_for_selector("#job-done", timeout=60_000)
    page.goto("/period/2024-06")
    rows = page.locator("table.deliveries tbody tr", has_text="已送达")
    assert rows.count() == 7  # the leader and six departments' 督办单
    assert {m["To"] for m in smtp.handler.messages} >= {"leader@zone.example"}
    page.screenshot(path=str(shots / "month-sent.png"))


def test_viewer_cannot_regenerate_or_send(page, server):
    log_in(page, "reader")
    page.goto("/period/2024-06")
    assert page.locator("#regenerate").count() == 0 and page.locator("#send").count() == 0
    assert "只读账号" in page.content()
    token = page.locator("input[name=csrf]").first.get_attribute("value")
    for action in ("regenerate", "send"):
        status = page.evaluate(
            """([url, token]) => fetch(url, {method: "POST", body: new URLSearchParams({csrf: token})})
                .then(r => r.status)""",
            [f"/period/2024-06/{action}", token],
        )
        assert status == 403


def test_post_without_csrf_token_is_refused(page):
    log_in(page, "clerk")
    page.goto("/period/2024-06")
    status = page.evaluate("() => fetch('/period/2024-06/regenerate', {method: 'POST'}).then(r => r.status)")
    assert status == 403


def test_five_wrong_passwords_are_throttled(page):
    for i in range(5):
        log_in(page, "chief", f"wrong password {i}")
        assert "用户名或密码错误" in page.locator(".alert").inner_text()
    log_in(page, "chief")  # the right password, too soon
    assert "密码错误次数过多" in page.locator(".alert").inner_text()


def test_audit_page_lists_who_did_what_from_where(page):
    log_in(page, "auditor")
    page.goto("/audit")
    table = page.locator("table").inner_text()
    assert "auditor\t登录" in table and "127.0.0.1" in table
