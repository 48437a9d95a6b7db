"""The library API: one run of one period, config -> sources -> metrics -> render -> output folder."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .config import Config
from .errors import ProblemList, ReportgenError
from .metrics import evaluate
from .metrics.results import Results
from .period import Period
from .sources.collect import period_dir, read_period


@dataclass
class RunResult:
    period: Period
    folder: Path
    files: list[Path]
    results: Results
    problems: list[str] = field(default_factory=list)


def _quiet(_: str) -> None:
    pass


def output_name(config: Config, period: Period) -> str:
    from .render.numbers import span

    return config.output.excel.name.format(zone=config.zone, year=period.year, month=period.month,
                                           span=span(period.month), period=str(period))


def run(config: Config, period: Period, out_dir: Path | None = None, *, now: datetime | None = None,
        config_path: Path | None = None, strict: bool = False, progress: Callable[[str], None] = _quiet) -> RunResult:
    """Read the period's submissions, compute, and write the period folder (workbook, results.json, manifest.json).

    Unreadable values are reported in `problems` and shown as 未报送; with `strict` they abort the run instead.
    """
    from .render.excel import write_workbook
    from .render.outputs import manifest, staged_folder, to_plain, write_json

    _check_year(config, period)
    folder_in = period_dir(config, period)
    if not folder_in.is_dir():
        raise ReportgenError(f"本期数据目录不存在：{folder_in}（请检查 --period，以及配置中的 data.dir、data.period_dir）")
    progress(f"读取 {folder_in} 中的报表…")
    data = read_period(config, period)
    if strict and data.problems:
        raise ProblemList(list(data.problems))
    progress(f"计算 {len(config.indicators)} 项指标…")
    results = evaluate(config, data)
    folder = (out_dir or config.resolve(config.output.dir)) / str(period)
    files: list[Path] = []
    with staged_folder(folder) as staging:
        if config.output.excel.enabled:
            name = output_name(config, period)
            progress(f"写入 {name}…")
            decimals = {i.id: i.decimals for i in config.indicators if getattr(i, "decimals", None) is not None}
            template = config.resolve(config.output.excel.template) if config.output.excel.template else None
            write_workbook(results, staging / name, template, near=config.lights.near, severe=config.lights.severe,
                           indicator_decimals=decimals)
            files.append(staging / name)
        write_json(staging / "results.json", {"period": str(period), "time_progress": period.month_fraction(),
                                               **to_plain(results)})
        files.append(staging / "results.json")
        stamp = now or datetime.now().astimezone()
        write_json(staging / "manifest.json", manifest(config_path, data.files, files, str(period), stamp,
                                                       config.resolve(config.data.dir)))
    final = [folder / f.name for f in files] + [folder / "manifest.json"]
    return RunResult(period, folder, final, results, [str(p) for p in data.problems])


def validate(config: Config, period: Period | None = None) -> list[str]:
    """Problems that would stop or spoil a run: template, and (with a period) every source file, sheet and cell."""
    problems: list[str] = []
    template = config.output.excel.template
    if template is not None:
        from .render.excel import check_template

        try:
            check_template(config.resolve(template))
        except ReportgenError as e:
            problems += e.lines()
    if period is not None:
        try:
            _check_year(config, period)
        except ReportgenError as e:
            return problems + e.lines()
        data = read_period(config, period)
        problems += [str(p) for p in data.problems]
    return problems


def _check_year(config: Config, period: Period) -> None:
    if period.year != config.year:
        raise ReportgenError(f"期间 {period} 不在配置的年度 {config.year} 内（year: {config.year}）；"
                             f"每个年度的目标应使用单独的配置文件")

