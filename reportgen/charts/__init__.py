"""Charts: plain-data specs (specs.py) drawn by matplotlib (figures.py) with a checked CJK font (font.py)."""

from __future__ import annotations

import os
from pathlib import Path

from .figures import ChartSpec
from .font import resolve_font
from .specs import chart_specs

__all__ = ["ChartSpec", "chart_specs", "draw_charts", "resolve_font", "start_charts"]


class PendingCharts:
    """Charts being drawn in worker processes while the caller writes other files."""

    def __init__(self, futures: dict, pool, done: dict | None = None, titles: dict[str, str] | None = None):
        self._futures, self._pool, self._done = futures, pool, done or {}
        self.titles = titles or {}  # chart name -> title, for the Word caption (the PNG carries none)

    def result(self) -> dict[str, Path]:
        try:
            return {**self._done, **{name: f.result() for name, f in self._futures.items()}}
        finally:
            self.cancel()

    def cancel(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None


def start_charts(
    specs: list[ChartSpec], folder: Path, font: str | None = None, dpi: int = 200, workers: int | None = None
) -> PendingCharts:
    """Begin drawing every spec into `folder`: in worker processes when there are several charts and cores
    (each chart is independent), else right here."""
    from .figures import draw

    if not specs:
        return PendingCharts({}, None)
    titles = {s.name: s.title for s in specs}
    chosen = resolve_font(font)
    folder.mkdir(parents=True, exist_ok=True)
    args = (folder, chosen.family, chosen.path, chosen.charmap, dpi)
    workers = min(len(specs), workers if workers is not None else (os.cpu_count() or 1))
    if workers <= 1:
        return PendingCharts({}, None, {s.name: draw(s, *args) for s in specs}, titles)
    from ..processes import worker_pool

    pool = worker_pool(workers)  # its workers end with this process, even when it is killed
    # Largest first, so the long completion chart does not start last.
    ordered = sorted(specs, key=lambda s: -len(s.data.get("names", s.data.get("series", []))))
    futures = {s.name: pool.submit(draw, s, *args) for s in ordered}
    return PendingCharts({s.name: futures[s.name] for s in specs}, pool, titles=titles)


def draw_charts(
    specs: list[ChartSpec], folder: Path, font: str | None = None, dpi: int = 200, workers: int | None = None
) -> dict[str, Path]:
    """Draw every spec into `folder` and wait for them."""
    return start_charts(specs, folder, font, dpi, workers).result()
