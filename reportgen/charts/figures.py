"""The report's charts, drawn from plain data (lists of numbers and labels) into 200 dpi PNG files.

Each `draw_*` function takes only plain data so charts can be drawn in worker processes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ReportgenError
from ..filenames import safe_name
from ..render.numbers import (
    decimals_for,
    number,
)  # the report's half-up rounding: 16.235 is 16.24 in text and chart

PAGE_WIDTH_IN = 6.1  # A4 minus GB/T 9704 margins (156 mm)
LIGHT_COLORS = {"green": "#3A9D5D", "yellow": "#E6A817", "red": "#D64541", "none": "#B0B0B0"}
# Printed in black and white, a light must still show: plain, hatched "//" or cross-hatched "xx" (未报送 dotted).
LIGHT_HATCHES = {"green": "", "yellow": "//", "red": "xx", "none": ".."}
LIGHT_LABELS = {"green": "绿灯", "yellow": "黄灯", "red": "红灯", "none": "未报送"}
HATCH_COLOR = "white"
PLAN_COLOR = "#1F4E79"
MAX_BARS = 40


@dataclass(frozen=True)
class ChartSpec:
    """One chart to draw: `kind` names a draw_* function, `data` its plain arguments."""

    name: str  # file stem under charts/, also the template variable charts.<name>
    kind: str
    title: str
    data: dict = field(default_factory=dict)


def draw(
    spec: ChartSpec, folder: Path, family: str, font_path: str, charmap: frozenset[int], dpi: int = 200
) -> Path:
    """Draw one chart to folder/<name>.png, refusing to save if any label has a glyph the font lacks."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    if not any(
        f.name == family for f in font_manager.fontManager.ttflist
    ):  # a spawned worker, user font file
        font_manager.fontManager.addfont(font_path)
    from matplotlib.text import Text

    style = {
        "font.family": [family],
        "axes.unicode_minus": False,
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "svg.fonttype": "none",
    }
    with plt.rc_context(style):
        fig = DRAWERS[spec.kind]("", **spec.data)  # the Word caption carries spec.title (图N　…)
        try:
            labels = "".join(t.get_text() for t in fig.findobj(Text))
            missing = "".join(sorted({c for c in labels if not c.isspace() and ord(c) not in charmap}))
            if missing:
                raise ReportgenError(
                    f"图表“{spec.title}”：字体 {family} 缺少字形“{missing}”，"
                    f"请在 output.charts.font 指定含这些字的字体"
                )
            path = folder / safe_name(f"{spec.name}.png")
            fig.savefig(path, dpi=dpi, metadata={"Software": None})
        finally:
            plt.close(fig)
    return path


def _figure(height: float):
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=(PAGE_WIDTH_IN, height))


def _label_inches(labels, size: float = 8) -> float:
    """Width of the longest tick label: CJK characters are one em, others about half."""
    widest = max((sum(1.0 if ord(c) > 0x2E80 else 0.55 for c in str(t)) for t in labels), default=0)
    return widest * size / 72


def _fill(bars, lights: list[str]) -> None:
    """Colour and hatch each bar by its light, so the status survives a grayscale printer."""
    for bar, light in zip(bars, lights):
        key = light if light in LIGHT_COLORS else "none"
        bar.set_facecolor(LIGHT_COLORS[key])
        bar.set_hatch(LIGHT_HATCHES[key])
        bar.set_hatchcolor(HATCH_COLOR)
        bar.set_linewidth(0)


def _light_handles(lights: list[str], labels: dict[str, str] = LIGHT_LABELS) -> list:
    """Legend swatches for the lights present, in green, yellow, red, none order."""
    from matplotlib.patches import Patch

    return [
        Patch(
            facecolor=LIGHT_COLORS[k], hatch=LIGHT_HATCHES[k], hatchcolor=HATCH_COLOR, linewidth=0, label=text
        )
        for k, text in labels.items()
        if k in lights
    ]


def _margins(fig, left: float, bottom: float, top: float = 0.4, right: float = 0.15) -> None:
    """Fixed margins in inches (constrained layout costs an extra drawing pass per chart)."""
    w, h = fig.get_size_inches()
    fig.subplots_adjust(left=left / w, right=1 - right / w, bottom=bottom / h, top=1 - top / h)


def draw_completion(
    title: str,
    names: list[str],
    rates: list[float | None],
    lights: list[str],
    time_progress: float,
    benchmarks: list[float] | None = None,
    digits: int = 1,
    labels: list[str] | None = None,
):
    """Horizontal bars: completion of each prorated indicator; each bar's own 序时进度 (N/12, elapsed days or
    plan to date — what its light is judged by) is marked on the bar, and the common N/12 line is drawn only
    when every bar shares it. A rate of None (未报送) is a dotted grey row across the plot, labelled 未报送,
    so no length can be read as a figure."""
    fig, ax = _figure(max(2.2, 0.75 + 0.26 * len(names)))
    y = list(range(len(names)))[::-1]
    values = [0.0 if r is None else r * 100 for r in rates]
    marks = [b * 100 for b in (benchmarks or [time_progress] * len(names))]
    _fill(ax.barh(y, values, height=0.65), lights)
    right = max([time_progress * 100, *values, *marks]) * 1.15 + 5
    missing = [yi for yi, r in zip(y, rates) if r is None]
    if missing:
        ax.barh(
            missing,
            [right] * len(missing),
            height=0.65,
            facecolor="none",
            edgecolor=LIGHT_COLORS["none"],
            hatch=LIGHT_HATCHES["none"],
            linewidth=0,
        )
    handles = _light_handles(lights)
    if all(abs(m - time_progress * 100) < 1e-9 for m in marks):
        ax.axvline(time_progress * 100, color=PLAN_COLOR, linestyle="--", linewidth=1.2)
        ax.text(
            time_progress * 100,
            len(names) - 0.35,
            f"序时进度{number(time_progress * 100, digits)}%",
            color=PLAN_COLOR,
            ha="left",
            va="bottom",
            fontsize=8,
        )
    else:
        handles.append(
            ax.scatter(
                marks,
                y,
                marker="|",
                s=260,
                linewidths=2,
                color=PLAN_COLOR,
                zorder=3,
                label="各指标自己的序时进度（按月、按天或按计划）",
            )
        )
    fig.legend(
        handles=handles, loc="lower center", ncols=len(handles), fontsize=7.5, frameon=False, handlelength=1.6
    )
    texts = labels or [
        LIGHT_LABELS["none"] if r is None else f"{number(v, digits)}%" for r, v in zip(rates, values)
    ]
    for yi, r, v, m, text in zip(y, rates, values, marks, texts):
        if r is None:  # on a white patch over the dots, at the start of the row
            ax.text(1, yi, text, va="center", fontsize=7.5, bbox=dict(facecolor="white", linewidth=0, pad=1))
        else:
            ax.text(max(v, m) + 1.5, yi, text, va="center", fontsize=7.5)
    ax.set_yticks(y, names, fontsize=8)
    ax.set_xlim(0, right)
    ax.set_xlabel("完成年度目标（%）")
    if title:
        ax.set_title(title, fontsize=10.5, pad=14)
    ax.set_ylim(-0.6, len(names) - 0.1)
    _margins(fig, _label_inches(names) + 0.2, 0.75, 0.45 if title else 0.3)
    return fig


def draw_trend(title: str, series: list[dict], month: int):
    """Small multiples: monthly cumulative actuals against the plan line for each key indicator."""
    import matplotlib.pyplot as plt

    cols = 2 if len(series) > 1 else 1
    rows = (len(series) + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(PAGE_WIDTH_IN, 0.9 + 2.3 * rows), squeeze=False)
    months = list(range(1, 13))
    for ax, s in zip(axes.flat, series):
        actual = [(m, v) for m, v in zip(months, s["actual"]) if v is not None and m <= month]
        ax.plot(months, s["plan"], color=PLAN_COLOR, linestyle="--", linewidth=1.2, label="序时目标")
        if s.get("stretch_plan"):
            ax.plot(months, s["stretch_plan"], color="#7F7F7F", linestyle=":", linewidth=1, label="力争目标")
        if actual:
            ax.plot(
                [m for m, _ in actual],
                [v for _, v in actual],
                color=LIGHT_COLORS["red"],
                marker="o",
                markersize=3,
                linewidth=1.6,
                label="实际累计",
            )
            m, v = actual[-1]
            ax.annotate(
                number(v, decimals_for(s["unit"], v)),  # as the text writes it: 112.40 (亿元), 53 (个)
                (m, v),
                textcoords="offset points",
                xytext=(3, 4),
                fontsize=7.5,
            )
        ax.set_title(f"{s['name']}（{s['unit']}）", fontsize=9)
        # every month ticked, quarter ends named: "10月11月12月" ran together at print size
        ax.set_xticks(months, [f"{m}月" if m % 3 == 0 else "" for m in months], fontsize=7)
        ax.tick_params(axis="y", labelsize=7)
        ax.grid(axis="y", alpha=0.3)
    for ax in list(axes.flat)[len(series) :]:
        ax.set_visible(False)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncols=len(labels), fontsize=8, frameon=False)
    if title:
        fig.suptitle(title, fontsize=10.5, y=1 - 0.12 / fig.get_size_inches()[1])
    _margins(fig, 0.5, 0.65, 0.55 if title else 0.3)
    fig.subplots_adjust(hspace=0.45, wspace=0.22)
    return fig


def draw_departments(
    title: str,
    names: list[str],
    ranks: list[str],
    scores: list[float],
    basis: str,
    time_progress: float,
    digits: int = 1,
    labels: list[str] | None = None,
):
    """Departments in rank order by the ranking's own score: the mean gap to 序时进度 (百分点, bars from 0)
    or the mean completion (%, against the 序时 line), so the chart says what the table and the text say."""
    fig, ax = _figure(max(2.0, 0.8 + 0.3 * len(names)))
    y = list(range(len(names)))[::-1]
    values_text = labels
    labels = [f"{r}. {n}" if r else n for r, n in zip(ranks, names)]
    ahead = {"green": "达到序时进度", "yellow": "低于序时进度"}
    if basis == "gap":
        lights = ["green" if v >= 0 else "yellow" for v in scores]
        _fill(ax.barh(y, scores, height=0.6), lights)
        ax.axvline(0, color=PLAN_COLOR, linewidth=1.0)
        span = max([abs(v) for v in scores] + [1.0])
        texts = values_text or [f"{'+' if v > 0 else ''}{number(v, digits)}" for v in scores]
        for yi, v, text in zip(y, scores, texts):
            ax.text(
                v + (0.03 if v >= 0 else -0.03) * span,
                yi,
                text,
                va="center",
                ha="left" if v >= 0 else "right",
                fontsize=7.5,
            )
        ax.set_xlim(min(0, min(scores)) - 0.3 * span, max(0, max(scores)) + 0.3 * span)
        ax.set_xlabel("与序时进度的平均差距（百分点），0 即达到序时进度")
    else:
        values = [v for v in scores]
        lights = ["green" if v >= time_progress * 100 else "yellow" for v in values]
        _fill(ax.barh(y, values, height=0.6), lights)
        ax.axvline(time_progress * 100, color=PLAN_COLOR, linestyle="--", linewidth=1.2)
        texts = values_text or [f"{number(v, digits)}%" for v in values]
        for yi, v, text in zip(y, values, texts):
            ax.text(v + 1, yi, text, va="center", fontsize=7.5)
        ax.set_xlim(0, max([time_progress * 100, *values]) * 1.15 + 5)
        ax.set_xlabel(f"平均完成率（%），虚线为序时进度{number(time_progress * 100, digits)}%")
    ax.set_yticks(y, labels, fontsize=8)
    handles = _light_handles(lights, ahead)
    fig.legend(
        handles=handles, loc="lower center", ncols=len(handles), fontsize=7.5, frameon=False, handlelength=1.6
    )
    if title:
        ax.set_title(title, fontsize=10.5)
    _margins(fig, _label_inches(labels) + 0.2, 0.75, 0.4 if title else 0.2)
    return fig


def draw_projects(
    title: str,
    categories: list[str],
    started: list[int],
    overdue: list[int],
    waiting: list[int],
    labels: tuple[str, str, str] = ("已开工（含续建）", "逾期未开工", "未到计划开工期"),
):
    """Stacked bars per category, every project once: started, past planned start but not started, not yet due."""
    fig, ax = _figure(max(2.0, 0.9 + 0.35 * len(categories)))
    y = list(range(len(categories)))[::-1]
    left = [0] * len(categories)
    for values, label, light in zip((started, overdue, waiting), labels, ("green", "red", "none")):
        bars = ax.barh(y, values, left=left, height=0.6, label=label)
        _fill(bars, [light] * len(values))
        for yi, lft, v in zip(y, left, values):
            if v:  # on a small patch of plain colour, so the hatch does not cross the digits
                ax.text(
                    lft + v / 2,
                    yi,
                    str(v),
                    ha="center",
                    va="center",
                    fontsize=7.5,
                    color="white",
                    bbox=dict(boxstyle="square,pad=0.15", facecolor=LIGHT_COLORS[light], linewidth=0),
                )
        left = [a + b for a, b in zip(left, values)]
    ax.set_yticks(y, categories, fontsize=8)
    ax.set_xlabel("项目数（个）")
    fig.legend(loc="lower center", ncols=3, fontsize=8, frameon=False)
    if title:
        ax.set_title(title, fontsize=10.5)
    _margins(fig, _label_inches(categories) + 0.2, 0.8, 0.4 if title else 0.2)
    return fig


DRAWERS = {
    "completion": draw_completion,
    "trend": draw_trend,
    "departments": draw_departments,
    "projects": draw_projects,
}
