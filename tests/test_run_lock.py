"""One run per period at a time, with real processes: a second run waits, then names the holder; a holder
killed with SIGKILL leaves its lock to be taken over and its staging folder to be removed by the next run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest
from conftest import PERIOD, data_dir, write_xlsx

from reportgen.config import load_config
from reportgen.errors import ReportgenError
from reportgen.pipeline import run
from reportgen.render.lock import period_lock

CONFIG = """\
zone: 测试经开区
year: 2024
departments: [经发局]
indicators:
  - id: fai
    name: 固定资产投资
    kind: cumulative
    unit: 亿元
    owner: 经发局
    target: 200
    source: {file: 指标.xlsx, sheet: 指标, row: 固定资产投资, column: 1-6月累计}
output:
  word: {enabled: false}
  charts: {enabled: false}
"""

# Holds the period's lock mid-run, with a half-written staging folder, until killed.
HOLDER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from reportgen.render.lock import period_lock
    from reportgen.render.outputs import staged_folder

    out = Path(sys.argv[1])
    with period_lock(out, "2024-06"), staged_folder(out / "2024-06") as staging:
        (staging / "半成品.xlsx").write_text("partial")
        print("ready", flush=True)
        time.sleep(120)
    """
)


@pytest.fixture
def holder(tmp_path):
    """A real process holding 2024-06's lock in tmp_path/out; killed (SIGKILL) at the end if still alive."""
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(out)], stdout=subprocess.PIPE, text=True, env=env
    )
    try:
        assert proc.stdout.readline().strip() == "ready"
        yield proc, out
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        proc.stdout.close()


def project(tmp_path):
    (tmp_path / "config.yaml").write_text(CONFIG, encoding="utf-8")
    write_xlsx(
        data_dir(tmp_path) / "指标.xlsx", [["指标名称", "1-6月累计"], ["固定资产投资", 100]], sheet="指标"
    )
    return load_config(tmp_path / "config.yaml")


def test_a_second_run_of_the_period_waits_then_names_the_running_one(tmp_path, holder):
    proc, out = holder
    config = project(tmp_path)
    start = time.monotonic()
    with pytest.raises(ReportgenError) as exc:
        run(config, PERIOD, out, lock_wait=0.5)
    assert time.monotonic() - start >= 0.5
    message = str(exc.value)
    assert message.startswith(f"另一个 reportgen 正在生成 2024-06 期的报告（进程 {proc.pid}，开始于 20")
    assert message.endswith("），请稍后再试")
    with period_lock(out, "2024-07", wait=0):  # another period is not held up
        pass


def test_a_killed_runs_lock_is_taken_over_and_its_staging_folder_removed(tmp_path, holder):
    proc, out = holder
    config = project(tmp_path)
    leftovers = list(out.glob(".2024-06.*.tmp"))
    assert len(leftovers) == 1 and (leftovers[0] / "半成品.xlsx").is_file()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert (out / "2024-06.lock").read_text(encoding="utf-8")  # the dead process's record is still there
    messages = []
    result = run(config, PERIOD, out, lock_wait=2, progress=messages.append)
    assert result.workbook is not None and result.workbook.is_file()
    assert not list(out.glob(".2024-06.*")), "staging left by the killed run is removed"
    assert any("已清理上次中断的运行留下的临时目录" in m for m in messages)
    assert not (out / "2024-06.lock").exists()  # released and removed after the run


def test_a_waiting_run_gets_the_lock_once_the_holder_finishes(tmp_path):
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    script = (
        "import sys, time; from pathlib import Path; from reportgen.render.lock import period_lock\n"
        "with period_lock(Path(sys.argv[1]), '2024-06'):\n    print('ready', flush=True); time.sleep(0.5)\n"
    )
    with subprocess.Popen(
        [sys.executable, "-c", script, str(out)], stdout=subprocess.PIPE, text=True, env=env
    ) as proc:
        assert proc.stdout.readline().strip() == "ready"
        with period_lock(out, "2024-06", wait=5) as path:
            assert proc.poll() is not None or proc.wait(5) == 0
            assert f'"pid": {os.getpid()}' in path.read_text(encoding="utf-8")
