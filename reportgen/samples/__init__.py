"""The sample project shipped as package data: config, a year of submitted spreadsheets, templates."""

from __future__ import annotations

import shutil
from pathlib import Path

from ..errors import ReportgenError

SAMPLES = Path(__file__).parent
EXCEL_TEMPLATE = "templates/指标完成情况模板.xlsx"
WORD_TEMPLATE = "templates/月度报告.docx"


def write_sample_project(target: Path, force: bool = False) -> list[Path]:
    """Copy config.yaml and data/ into `target` and write the stock templates; returns the files written."""
    config = target / "config.yaml"
    if config.exists() and not force:
        raise ReportgenError(f"{config} 已存在；如需覆盖请加 --force")
    target.mkdir(parents=True, exist_ok=True)
    written = [Path(shutil.copy2(SAMPLES / "config.yaml", config))]
    for src in sorted((SAMPLES / "data").rglob("*")):
        if src.is_file():
            dest = target / "data" / src.relative_to(SAMPLES / "data")
            dest.parent.mkdir(parents=True, exist_ok=True)
            written.append(Path(shutil.copy2(src, dest)))
    written += write_templates(target)
    return written


def write_templates(root: Path) -> list[Path]:
    from ..render.excel import build_default_template
    from ..render.word_template import build_default_template as build_word_template

    path = root / EXCEL_TEMPLATE
    path.parent.mkdir(parents=True, exist_ok=True)
    build_default_template().save(path)
    return [path, build_word_template(root / WORD_TEMPLATE)]
