"""Charts: specs from results, drawn with a CJK font proven to cover every character it draws."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import matplotlib
import pytest

from reportgen.charts import chart_specs, draw_charts, resolve_font
from reportgen.charts.figures import DRAWERS, MAX_BARS, draw
from reportgen.charts.font import PROBE
from reportgen.config import load_config
from reportgen.errors import ReportgenError
from reportgen.metrics import evaluate
from reportgen.period import Period
from reportgen.samples import write_sample_project
from reportgen.sources.collect import read_period


@pytest.fixture(scope="module")
def demo_results(tmp_path_factory):
    root = tmp_path_factory.mktemp("demo")
    write_sample_project(root)
    config = load_config(root / "config.yaml")
    return evaluate(config, read_period(config, Period(2024, 6)))


def specs_for(results):
    history = {"fai": [20.1, 38.0, 55.2, 74.9, 92.3, 112.4] + [None] * 6}
    return chart_specs(results, history, ["fai", "new_starts"])


def test_font_found_and_covers_every_label_of_every_chart(demo_results):
    from matplotlib.text import Text

    font = resolve_font()
    assert font.missing(PROBE) == ""
    specs = specs_for(demo_results)
    assert [s.kind for s in specs] == ["completion", "trend", "departments", "projects"]
    bars = specs[3].data
    assert sum(bars["started"]) + sum(bars["overdue"]) + sum(bars["waiting"]) == 120  # every project once
    import matplotlib.pyplot as plt

    for spec in specs:
        with plt.rc_context({"font.family": [font.family]}):
            fig = DRAWERS[spec.kind](spec.title, **spec.data)
        labels = "".join(t.get_text() for t in fig.findobj(Text))
        plt.close(fig)
        assert any("\u4e00" <= c <= "\u9fff" for c in labels), spec.name  # the chart does draw Chinese
        assert font.missing(labels) == "", f"{spec.name}: {font.missing(labels)}"


def test_charts_written_as_200_dpi_png_in_parallel_and_in_series(demo_results, tmp_path):
    from PIL import Image

    specs = specs_for(demo_results)
    parallel = draw_charts(specs, tmp_path / "p", workers=2)
    serial = draw_charts(specs, tmp_path / "s", workers=1)
    assert sorted(parallel) == sorted(serial) == ["completion", "departments", "projects", "trend"]
    for path in parallel.values():
        with Image.open(path) as im:
            assert im.format == "PNG" and round(im.info["dpi"][0]) == 200
            assert im.width == pytest.approx(6.1 * 200, abs=2)


def test_missing_glyph_refuses_to_save(demo_results, tmp_path):
    font = resolve_font()
    spec = specs_for(demo_results)[2]
    no_chinese = frozenset(c for c in font.charmap if c < 0x3000)
    with pytest.raises(ReportgenError, match="缺少字形") as err:
        draw(spec, tmp_path, font.family, font.path, no_chinese)
    assert "应急局"[0] in str(err.value) or "排" in str(err.value)
    assert not list(tmp_path.iterdir())


def test_font_without_chinese_is_rejected_by_name(tmp_path):
    latin = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
    with pytest.raises(ReportgenError, match="不含中文字形"):
        resolve_font(str(latin))
    with pytest.raises(ReportgenError, match="字体文件不存在"):
        resolve_font(str(tmp_path / "nope.ttf"))
    # A configured family missing on this machine (config written on Windows, run on a server): fall back.
    assert resolve_font("方正不存在体").missing(PROBE) == ""


def test_completion_chart_keeps_the_worst_when_too_many(demo_results):
    import dataclasses

    many = dataclasses.replace(
        demo_results,
        indicators=tuple(
            dataclasses.replace(r, id=f"{r.id}_{i}", gap=(r.gap or 0) - i)
            for i in range(3)
            for r in demo_results.indicators
        ),
    )
    spec = chart_specs(many, {}, [])[0]
    assert len(spec.data["names"]) == MAX_BARS and spec.title.endswith(f"（落后最多的{MAX_BARS}项）")


def test_trend_uses_configured_plan_and_skips_rates(demo_results):
    plan = [float(m * 10) for m in range(1, 13)]
    specs = chart_specs(demo_results, {}, ["fai", "tax_growth"], {"fai": plan})
    trend = next(s for s in specs if s.kind == "trend")
    assert [s["name"] for s in trend.data["series"]] == ["固定资产投资"]
    assert trend.data["series"][0]["plan"] == plan
    # the 力争 line follows the plan's shape: December plan 120 of target 200 → 60% of 力争 220
    assert trend.data["series"][0]["stretch_plan"][-1] == pytest.approx(132)


def _bars(fig):
    from matplotlib.patches import Rectangle

    return [p for p in fig.axes[0].patches if isinstance(p, Rectangle)]


@pytest.fixture
def cjk_font():
    import matplotlib.pyplot as plt

    with plt.rc_context({"font.family": [resolve_font().family]}):
        yield


def test_lights_hatched_for_black_and_white_print_and_explained_in_the_legend(cjk_font):
    import io

    import matplotlib.pyplot as plt
    import numpy as np
    from PIL import Image

    from reportgen.charts.figures import draw_completion, draw_departments, draw_projects

    fig = draw_completion("", ["甲", "乙", "丙"], [0.6, 0.45, 0.3], ["green", "yellow", "red"], 0.5)
    bars = _bars(fig)
    assert [b.get_hatch() or "" for b in bars] == ["", "//", "xx"]
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend[:3] == ["绿灯", "黄灯", "红灯"]
    assert not fig.axes[0].get_title()  # the Word caption is the title
    # In grayscale each light still looks different: flat, hatched, cross-hatched (mean and spread of pixels).
    raw = io.BytesIO()
    fig.savefig(raw, dpi=fig.dpi)  # pixels where get_window_extent says
    fig.canvas.draw()
    height = fig.canvas.get_width_height()[1]
    with Image.open(raw) as im:
        gray = np.asarray(im.convert("L"), dtype=float)
    looks = []
    for bar in bars:
        x0, y0, x1, y1 = bar.get_window_extent().extents
        cut = gray[int(height - y1) + 2 : int(height - y0) - 2, int(x0) + 2 : int(x1) - 2]
        looks.append((cut.mean(), cut.std()))
    plt.close(fig)
    assert looks[0][1] < 5 < looks[1][1] and looks[2][1] > 5  # green flat, yellow and red patterned
    assert abs(looks[1][0] - looks[2][0]) > 20  # yellow and red apart in brightness too

    fig = draw_departments("", ["甲", "乙"], ["1", "2"], [2.0, -1.0], "gap", 0.5)
    assert [b.get_hatch() or "" for b in _bars(fig)] == ["", "//"]
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["达到序时进度", "低于序时进度"]
    plt.close(fig)
    fig = draw_projects("", ["产业"], [3], [2], [1])
    assert [b.get_hatch() or "" for b in _bars(fig)] == ["", "xx", ".."]
    assert any(t.get_text() == "2" for t in fig.axes[0].texts)  # value labels stay
    plt.close(fig)


CHILD = """
import dataclasses, sys, time
from pathlib import Path
from reportgen.charts import chart_specs, start_charts
from reportgen.config import load_config
from reportgen.metrics import evaluate
from reportgen.period import Period
from reportgen.samples import write_sample_project
from reportgen.sources.collect import read_period

root = Path(sys.argv[1])
write_sample_project(root)
config = load_config(root / "config.yaml")
specs = chart_specs(evaluate(config, read_period(config, Period(2024, 6))), {}, [])
specs = [dataclasses.replace(s, name=f"{s.name}{i}") for i in range(20) for s in specs]
pending = start_charts(specs, root / "charts", workers=2)
print(*pending._pool._processes, flush=True)
time.sleep(120)
"""


@pytest.mark.skipif(sys.platform != "linux", reason="reads process states from /proc")
def test_chart_workers_end_when_their_parent_is_killed(tmp_path):
    """A run killed with SIGKILL while its charts are being drawn leaves no worker process behind."""
    script = tmp_path / "child.py"
    script.write_text(CHILD, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    child = subprocess.Popen(
        [sys.executable, str(script), str(tmp_path / "demo")], stdout=subprocess.PIPE, text=True, env=env
    )
    try:
        workers = [int(pid) for pid in child.stdout.readline().split()]
        assert len(workers) == 2
        assert all(_running(pid) for pid in workers)
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        child.stdout.close()
    deadline = time.monotonic() + 10
    while any(_running(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = [pid for pid in workers if _running(pid)]
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert left == []


def _running(pid: int) -> bool:
    """Alive and not a zombie waiting to be reaped."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"
