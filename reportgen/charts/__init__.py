"""Charts: plain-data specs (specs.py) drawn by matplotlib (figures.py) with a checked CJK font (font.py)."""

from __future__ import annotations

import os
from pathlib import Path

from .figures import ChartSpec
from .font import resolve_font
from .specs import chart_specs

__all__ = ["ChartSpec", "chart_specs", "draw_charts", "resolve_font"]


def draw_charts(specs: list[ChartSpec], folder: Path, font: str | None = None, dpi: int = 200,
                workers: int | None = None) -> dict[str, Path]:
    """Draw every spec into `folder`; in worker processes when there are several charts and cores."""
    from .figures import draw

    if not specs:
        return {}
    chosen = resolve_font(font)
    folder.mkdir(parents=True, exist_ok=True)
    args = (folder, chosen.family, chosen.path, chosen.charmap, dpi)
    workers = min(len(specs), workers if workers is not None else (os.cpu_count() or 1))
    if workers <= 1:
        return {s.name: draw(s, *args) for s in specs}
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(workers) as pool:
        futures = {s.name: pool.submit(draw, s, *args) for s in specs}
        return {name: f.result() for name, f in futures.items()}
