"""What the console's and the portal's browser tests share: Debian's Chromium driven by Playwright (pointed at
/usr/bin/chromium: nothing is downloaded), the real `reportgen serve` in a
subprocess on a free 127.0.0.1 port, and where screenshots go ($REPORTGEN_SCREENSHOTS, else a temp folder)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from smtp_server import PASSWORD as SMTP_PASSWORD
from smtp_server import SMTPServer

CHROMIUM = "/usr/bin/chromium"
REPO = Path(__file__).resolve().parent.parent


def sync_playwright():
    """Playwright's entry point; the calling test module is skipped when Chromium or Playwright is missing."""
    if not Path(CHROMIUM).exists():  # `make test` installs it (Makefile: system-test-tools)
        pytest.skip(
            f"{CHROMIUM} 不存在：运行 make system-test-tools 安装 Debian 的 chromium", allow_module_level=True
        )
    return pytest.importorskip("playwright.sync_api").sync_playwright


@contextmanager
def served(config: Path, port: int, smtp: SMTPServer) -> Iterator[str]:
    """`reportgen serve` on `port` until the block ends; yields its base URL once it answers."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
        "REPORTGEN_SMTP_CAFILE": str(smtp.cafile),
        "TEST_SMTP_PASSWORD": SMTP_PASSWORD,
    }
    command = [sys.executable, "-m", "reportgen.cli", "serve", "-c", str(config), "--port", str(port)]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{url}/login", timeout=1).read()
                break
            except OSError:
                if process.poll() is not None:
                    pytest.fail(process.stdout.read().decode())
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(10)
        process.stdout.close()


@contextmanager
def chromium(playwright_entry, *args: str):
    with playwright_entry() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", *args])
        yield browser
        browser.close()


def screenshot_folder(tmp_path_factory) -> Path:
    folder = Path(os.environ.get("REPORTGEN_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder
