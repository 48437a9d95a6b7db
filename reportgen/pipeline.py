"""The library API: one run of one period, config -> sources -> metrics -> render -> output folder."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import NotReported, ProblemList, ReportgenError
from .filenames import path_in
from .period import Period
from .sources.collect import period_dir, read_period

if TYPE_CHECKING:  # imported where used: `validate` and a skipped run need neither
    from .config import Config
    from .metrics.results import Results


@dataclass
class RunResult:
    period: Period
    folder: Path
    files: list[Path]
    results: Results | None  # None when the run was skipped (inputs unchanged)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(
        default_factory=list
    )  # outputs that could not be made (PDF) — the rest is written
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage: read, compute, charts, word…
    skipped: bool = False
    run_id: int | None = None  # its row in the run history, when recorded
    missing: list[str] = field(default_factory=list)  # 缺报 submissions

    def _file(self, suffix: str) -> Path | None:
        return next((f for f in self.files if f.suffix == suffix), None)

    @property
    def workbook(self) -> Path | None:
        return self._file(".xlsx")

    @property
    def report(self) -> Path | None:
        return self._file(".docx")

    @property
    def pdf(self) -> Path | None:
        return self._file(".pdf")


def _quiet(_: str) -> None:
    pass


def output_name(pattern: str, config: Config, period: Period) -> str:
    """An output file's name from its pattern; the zone's name is made safe (reportgen/filenames.py)."""
    from .filenames import format_name
    from .render.numbers import span

    return format_name(
        pattern,
        zone=config.zone,
        year=period.year,
        month=period.month,
        span=span(period.month),
        period=str(period),
    )


@contextmanager
def _timed(timings: dict[str, float], stage: str):
    start = time.perf_counter()
    try:
        yield
    finally:
        timings[stage] = timings.get(stage, 0.0) + time.perf_counter() - start


def run(
    config: Config,
    period: Period,
    out_dir: Path | None = None,
    *,
    now: datetime | None = None,
    config_path: Path | None = None,
    strict: bool = False,
    pdf: bool | None = None,
    force: bool = True,
    progress: Callable[[str], None] = _quiet,
    lock_wait: float = 5.0,
) -> RunResult:
    """One run of `period` at a time (see `_run`): holds `<output>/<period>.lock`, waiting up to `lock_wait`
    seconds for another run of the period to finish before raising ReportgenError naming its process; then
    removes staging folders a killed run of the period left behind, and runs."""
    from .render.lock import period_lock
    from .render.outputs import remove_leftovers

    _check_year(config, period)
    root = out_dir or config.resolve(config.output.dir)
    with period_lock(root, str(period), lock_wait):
        for leftover in remove_leftovers(root / str(period)):
            progress(f"已清理上次中断的运行留下的临时目录 {leftover.name}")
        return _run(
            config,
            period,
            root,
            now=now,
            config_path=config_path,
            strict=strict,
            pdf=pdf,
            force=force,
            progress=progress,
        )


def _run(
    config: Config,
    period: Period,
    out_dir: Path | None = None,
    *,
    now: datetime | None = None,
    config_path: Path | None = None,
    strict: bool = False,
    pdf: bool | None = None,
    force: bool = True,
    progress: Callable[[str], None] = _quiet,
) -> RunResult:
    """Read the period's submissions, compute, and write the period folder: Word report, charts, workbook,
    results.json and manifest.json, swapped in at once so a failed run leaves the previous folder intact.

    Unreadable values are reported in `problems` and shown as 未报送; with `strict` they abort the run instead.
    `pdf` (default: output.word.pdf) also converts the Word report with LibreOffice.
    Without `force`, a period whose inputs, config, templates and options are unchanged since the last
    successful run (the fingerprint in its manifest.json) is not regenerated: `skipped` is set.
    """
    from .render.outputs import manifest, stabilise_package, stabilise_pdf, staged_folder, write_json

    timings: dict[str, float] = {}
    warnings: list[str] = []
    _check_year(config, period)
    folder_in = _period_folder(config, period)
    folder = (out_dir or config.resolve(config.output.dir)) / str(period)
    want_pdf = config.output.word.pdf if pdf is None else pdf
    last = _last_manifest(folder)
    known = {f["path"]: f for f in last.get("fingerprint_files", []) if isinstance(f, dict) and "path" in f}
    print_, print_files = fingerprint(config, period, config_path, known)
    if not force:
        previous = previous_outputs(folder, print_, last)
        if previous is not None and want_pdf and not any(p.suffix == ".pdf" for p in previous):
            previous = None  # same inputs, but now a PDF is wanted as well
        if previous is not None:
            progress("输入、配置与模板均未变化，沿用上次结果（--force 可强制重新生成）")
            return RunResult(period, folder, previous, None, skipped=True)
    progress(f"读取 {folder_in} 中的报表…")
    with _timed(timings, "read"):
        data = read_period(config, period)
    if strict and data.problems:
        raise ProblemList(list(data.problems))
    progress(f"计算 {len(config.indicators)} 项指标…")
    from .metrics import evaluate

    with _timed(timings, "compute"):
        results = evaluate(config, data)
    if period.month > 1:
        progress(f"读取 1-{period.month - 1} 月数据，与上月比较…")
    with _timed(timings, "history"):
        earlier = earlier_results(config, period)
    from .metrics.changes import with_history
    from .metrics.plausibility import review
    from .render.numbers import amount

    with _timed(timings, "compute"):
        results = with_history(results, earlier, config.escalation)
        # figures that need a second look against last month, worded as the report words amounts
        results = review(results, earlier[-1] if earlier else None, amount)
    stamp = now or datetime.now().astimezone()
    issued = report_date(config, period, stamp, last)
    deadline = reply_deadline(config, issued)
    files: list[Path] = []
    word = config.output.word
    decimals = {i.id: i.decimals for i in config.indicators if getattr(i, "decimals", None) is not None}
    with staged_folder(folder) as staging, _precision(config):
        pending = None
        if config.output.charts.enabled:
            pending = _charts(config, period, results, earlier, staging / "charts", timings, progress)
        try:
            if config.output.excel.enabled:  # written while the charts are drawn in worker processes
                files += _workbooks(config, period, results, staging, decimals, timings, progress, deadline)
            charts: dict[str, Path] = {}
            titles = pending.titles if pending is not None else {}
            if pending is not None:
                with _timed(timings, "charts"):
                    charts = pending.result()
                files += charts.values()
        except BaseException:
            if pending is not None:
                pending.cancel()
            raise
        if word.enabled:
            name = output_name(word.name, config, period)
            progress(f"写入 {name}…")
            notes = _notes(config, period, progress)
            with _timed(timings, "word"):
                from .render.word import write_report

                feedback = supervision_feedback(config, period, earlier, folder_in)
                context = _report_context(config, period, results, notes, stamp, issued, feedback)
                template = config.resolve(word.template) if word.template else None
                files.append(write_report(context, path_in(staging, name), template, charts, titles))
            if want_pdf:
                from .render.pdf import convert_to_pdf

                progress("转换 PDF（LibreOffice）…")
                with _timed(timings, "pdf"):
                    try:
                        files.append(convert_to_pdf(staging / name, staging))
                    except ReportgenError as e:  # the .docx and .xlsx still matter more than the PDF copy
                        warnings.append(str(e))
        for path in files:  # the same figures give the same bytes: the delivery ledger keys by content hash
            if path.suffix in (".docx", ".xlsx"):
                stabilise_package(path, issued)
            elif path.suffix == ".pdf":
                stabilise_pdf(path, issued)
        write_json(
            staging / "results.json",
            {"period": str(period), "time_progress": results.time_progress, **vars(results)},
            pretty=False,
        )
        files.append(staging / "results.json")
        record = manifest(
            config_path,
            data.files,
            files,
            str(period),
            stamp,
            config.resolve(config.data.dir),
            staging,
            {f["path"]: f["sha256"] for f in print_files},
        )
        record["fingerprint"] = print_
        record["fingerprint_files"] = print_files
        record["report_date"] = issued.isoformat()
        record["report_date_rule"] = config.output.word.date
        record["reply_deadline"] = deadline.isoformat()
        write_json(staging / "manifest.json", record)
    final = [folder / f.relative_to(staging) for f in files] + [folder / "manifest.json"]
    return RunResult(
        period,
        folder,
        final,
        results,
        list(results.problems),
        warnings,
        timings,
        missing=list(results.missing),
    )


def _report_context(
    config: Config,
    period: Period,
    results: Results,
    notes: list[str],
    stamp: datetime,
    issued=None,
    feedback: dict | None = None,
) -> dict:
    from .render.numbers import span
    from .render.report import report_context

    word = config.output.word
    decimals = {i.id: i.decimals for i in config.indicators if getattr(i, "decimals", None) is not None}
    return report_context(
        results,
        near=config.lights.near,
        severe=config.lights.severe,
        key_indicators=word.key_indicators,
        decimals=decimals,
        lights=config.lights,
        sections=word.sections.model_dump(),
        notes=notes,
        grouped=bool(config.groups),
        title=word.title.format(
            zone=config.zone,
            year=period.year,
            month=period.month,
            span=span(period.month),
            period=str(period),
        ),
        issuer=word.issuer or "",
        recipients=word.recipients,
        report_date=issued or stamp.date(),
        document=document_elements(config, period, issued or stamp.date()),
        feedback=feedback,
    )


def document_elements(config: Config, period: Period, issued) -> dict[str, str]:
    """The 公文 elements of output.word as the template shows them ("" for those unset)."""
    from datetime import date

    from .render.numbers import date_text, span

    word = config.output.word
    fields = dict(zone=config.zone, year=period.year, month=period.month, span=span(period.month))
    printed = {"": "", "same": issued}.get(word.printed_on) if word.printed_on in ("", "same") else None
    printed = printed if printed is not None else date.fromisoformat(word.printed_on)
    return dict(
        masthead=word.masthead,
        number=word.number.format(**fields, period=str(period)) if word.number else "",
        cc=word.cc.rstrip("。") + "。" if word.cc else "",  # GB/T 9704 §7.3.1: the 抄送 list ends with 。
        printed_by=word.printed_by,
        printed_on=f"{date_text(printed)}印发" if printed else "",
    )


def supervision_feedback(config: Config, period: Period, earlier: list, folder: Path) -> dict:
    """Last month's 督办单 returned among this month's submissions, against what each department was asked
    to act on last month (the same selection as its 督办单)."""
    from .metrics.summary import for_department
    from .render.numbers import span
    from .render.report import Voice
    from .render.report import supervision_feedback as feedback_text
    from .render.supervision import supervision_items
    from .sources.supervision_reply import read_replies

    if period.month == 1:
        return feedback_text([], {}, "")
    last_span = span(period.month - 1)
    replies = read_replies(folder, period.year, last_span)
    previous = earlier[-1] if earlier else None
    expected: dict[str, list[str]] = {}
    if replies and previous is not None:
        voice = Voice.of(previous, config.lights.near, config.lights.severe, None, config.lights)
        for name in config.department_names:
            action, _ = supervision_items(for_department(previous, name), voice)
            if action:
                expected[name] = [item.subject for item in action]
    return feedback_text(replies, expected, last_span)


def report_date(config: Config, period: Period, stamp: datetime, last: dict):
    """成文日期 by output.word.date: the first run's date kept across regenerations (so a later correction does
    not silently re-date the 通报), today's, a fixed date, or the Nth working day after the period."""
    from datetime import date

    rule = config.output.word.date
    if rule == "today":
        return stamp.date()
    if rule == "first_run":
        # Kept only while the rule that produced it is unchanged (runs before this key count as first_run).
        kept = last.get("report_date") if last.get("report_date_rule", "first_run") == "first_run" else None
        try:
            return date.fromisoformat(kept) if isinstance(kept, str) else stamp.date()
        except ValueError:
            return stamp.date()
    if rule.startswith("workday:"):
        from .workdays import WorkCalendar

        year, month = (period.year + 1, 1) if period.month == 12 else (period.year, period.month + 1)
        calendar = WorkCalendar(config.schedule.holidays, config.schedule.workdays)
        return calendar.nth_workday(year, month, int(rule.split(":")[1]))
    return date.fromisoformat(rule)


def fingerprint(
    config: Config, period: Period, config_path: Path | None, known: dict[str, dict] | None = None
) -> tuple[str, list[dict]]:
    """Hash of everything a run's outputs depend on: input files (this month's and months 1..N−1's, which the
    comparison with last month, the escalation history and the trend chart are computed from), the config file,
    templates, the notes file and the reportgen version. (A PDF made last time is kept by a later plain run; a
    run asking for a PDF that is missing regenerates.)

    Returns the hash and the files' (size, mtime, sha256); a file whose size and mtime match `known` (the last
    run's list) is not read again, so recognising an unchanged period costs a stat per file.
    """
    import hashlib

    from . import __version__
    from .render.outputs import sha256
    from .sources.collect import input_files

    paths: list[Path] = list(input_files(config, period))
    # Returned 督办单 are read into 五 (上月督办事项反馈): one arriving later makes the report stale too.
    folder = period_dir(config, period)
    paths += sorted(folder.rglob("*督办单*.xlsx")) if folder.is_dir() else []
    for month in range(1, period.month):
        paths += input_files(config, Period(period.year, month))
    for template in (config.output.excel.template, config.output.word.template):
        if template is not None and config.resolve(template).is_file():
            paths.append(config.resolve(template))
    from .sources.notes import notes_path

    notes = notes_path(config, period)
    if notes is not None and notes.is_file():
        paths.append(notes)
    if config_path is not None and config_path.is_file():
        paths.append(config_path)
    h = hashlib.sha256(f"{__version__}|{period}|{config.model_dump_json()}".encode())
    files = []
    for path in sorted(set(paths)):
        stat = path.stat()
        seen = (known or {}).get(str(path))
        if seen and seen["bytes"] == stat.st_size and seen["mtime_ns"] == stat.st_mtime_ns:
            digest = seen["sha256"]
        else:
            digest = sha256(path)
        files.append(
            {"path": str(path), "bytes": stat.st_size, "mtime_ns": stat.st_mtime_ns, "sha256": digest}
        )
        h.update(f"|{path}|{digest}".encode())
    return h.hexdigest(), files


def _last_manifest(folder: Path) -> dict:
    import json

    try:
        record = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return record if isinstance(record, dict) else {}


def previous_outputs(folder: Path, fingerprint_now: str, record: dict | None = None) -> list[Path] | None:
    """The files of the last run when its fingerprint matches and every output is still there."""
    record = _last_manifest(folder) if record is None else record
    if not record or record.get("fingerprint") != fingerprint_now:
        return None
    files = [folder / o["path"] for o in record.get("outputs", [])]
    if not all(f.is_file() for f in files):
        return None
    return files + [folder / "manifest.json"]


def _workbooks(
    config: Config, period: Period, results: Results, staging: Path, decimals, timings, progress, deadline
) -> list[Path]:
    """The zone workbook and, unless switched off, each department's 督办单."""
    from .render.excel import write_workbook

    name = output_name(config.output.excel.name, config, period)
    progress(f"写入 {name}…")
    with _timed(timings, "excel"):
        template = config.resolve(config.output.excel.template) if config.output.excel.template else None
        write_workbook(
            results,
            path_in(staging, name),
            template,
            near=config.lights.near,
            severe=config.lights.severe,
            indicator_decimals=decimals,
        )
        written = [staging / name]
        if config.output.excel.per_department:
            written += _department_workbooks(
                config, period, results, staging / "departments", decimals, deadline
            )
    return written


def reply_deadline(config: Config, issued) -> date:
    """When the 督办单 are due back: output.excel.reply_workdays working days after the 成文日期."""
    from .workdays import WorkCalendar

    calendar = WorkCalendar(config.schedule.holidays, config.schedule.workdays)
    return calendar.after(issued, config.output.excel.reply_workdays)


def department_workbook_name(config: Config, period: Period, department: str) -> str:
    """A department's 督办单 file name; zone and department names are made safe (reportgen/filenames.py)."""
    from .filenames import format_name
    from .render.numbers import span

    return format_name(
        config.output.excel.department_name,
        zone=config.zone,
        year=period.year,
        month=period.month,
        span=span(period.month),
        period=str(period),
        department=department,
    )


def _department_workbooks(
    config: Config, period: Period, results: Results, folder: Path, decimals, deadline
) -> list[Path]:
    """Each department's 督办单 (render/supervision.py)."""
    folder.mkdir()
    names = config.department_names
    size = len(results.indicators) + sum(len(ledger.projects) for ledger in results.ledgers)
    workers = min(os.cpu_count() or 1, len(names))
    if workers > 1 and size > PARALLEL_ROWS:
        # Sixty small workbooks cost more in openpyxl's per-file overhead than in rows: spread them over cores.
        from .processes import worker_pool

        chunks = [names[i::workers] for i in range(workers)]
        with worker_pool(workers) as pool:
            parts = pool.map(
                _write_departments, [(config, period, results, folder, decimals, deadline, c) for c in chunks]
            )
            done = {p.name: p for part in parts for p in part}
        return [
            done[n] for n in (department_workbook_name(config, period, name) for name in names) if n in done
        ]
    return _write_departments((config, period, results, folder, decimals, deadline, names))


PARALLEL_ROWS = 3000


def _write_departments(job) -> list[Path]:
    config, period, results, folder, decimals, deadline, names = job
    with _precision(config):  # a worker process starts without the run's settings
        return _write_department_books(config, period, results, folder, decimals, deadline, names)


def _precision(config: Config):
    from .render.numbers import precision

    return precision(config.output.precision.rates, config.output.precision.amounts)


def _write_department_books(config, period, results, folder, decimals, deadline, names) -> list[Path]:
    from .metrics.summary import for_department
    from .render.report import Voice
    from .render.supervision import write_supervision

    # The voice of the whole report, so each sentence reads exactly as it does in the 通报.
    voice = Voice.of(results, config.lights.near, config.lights.severe, decimals, config.lights)
    written = []
    for name in names:
        mine = for_department(results, name)
        if not mine.indicators and not any(ledger.projects for ledger in mine.ledgers):
            continue
        path = path_in(folder, department_workbook_name(config, period, name))
        written.append(
            write_supervision(mine, name, path, voice=voice, deadline=deadline, rules=config.escalation)
        )
    return written


def trend_ids(config: Config) -> list[str]:
    """Indicators drawn month by month: output.word.key_indicators, else the first three amount/count ones."""
    from .kinds import kind_of

    prorated = [ind.id for ind in config.indicators if kind_of(ind.kind).prorated]
    chosen = config.output.word.key_indicators
    return [i for i in chosen if i in prorated] if chosen else prorated[:3]


def earlier_results(config: Config, period: Period) -> list[Results | None]:
    """Months 1..N−1 of the period's year, each evaluated with the full config from its own data folder (earlier
    output folders are not used). A month whose folder is missing, holds none of the submissions, or cannot be
    read (ReportgenError) is None."""
    # Only indicators are compared across months: a ledger no indicator counts from is not read again.
    from .config.model import LedgerSource
    from .sources.collect import input_files

    used = {
        ind.source.ledger
        for ind in config.indicators
        if isinstance(getattr(ind, "source", None), LedgerSource)
    }
    config = config.model_copy(update={"ledgers": {k: v for k, v in config.ledgers.items() if k in used}})
    months = [Period(period.year, m) for m in range(1, period.month)]
    present = [m for m in months if period_dir(config, m).is_dir()]
    files = {m: input_files(config, m) for m in present}
    present = [m for m in present if files[m]]
    size = sum(f.stat().st_size for m in present for f in files[m])
    workers = min(os.cpu_count() or 1, len(present))
    if workers > 1 and size > PARALLEL_BYTES:
        # Reading is pure-Python parsing: a year of large submissions goes over the cores, a month per task.
        from .processes import worker_pool

        with worker_pool(workers) as pool:
            done = dict(zip(present, pool.map(_evaluate_month, [(config, m) for m in present])))
    else:
        done = {m: _evaluate_month((config, m)) for m in present}
    return [done.get(m) for m in months]


PARALLEL_BYTES = 1_000_000


def _doubts(config: Config, period: Period, data) -> list[str]:
    """`validate`'s 提示 for figures that need a second look against last month (as `run` lists them)."""
    from .metrics import evaluate
    from .metrics.plausibility import review
    from .render.numbers import amount

    if period.month == 1 or not period_dir(config, Period(period.year, period.month - 1)).is_dir():
        return []
    previous = _evaluate_month((config, Period(period.year, period.month - 1)))
    current = evaluate(config, data)
    return list(review(current, previous, amount).problems[len(current.problems) :])


def _evaluate_month(job) -> Results | None:
    from .metrics import evaluate

    config, period = job
    try:
        return evaluate(config, read_period(config, period))
    except ReportgenError:
        return None


def trend_series(
    earlier: list[Results | None], current: Results, ids: list[str]
) -> dict[str, list[float | None]]:
    """Cumulative actuals of `ids` for months 1..12 from months 1..N's results (None where unknown)."""
    series: dict[str, list[float | None]] = {i: [None] * 12 for i in ids}
    for month, results in enumerate([*earlier, current], start=1):
        for r in () if results is None else results.indicators:
            if r.id in series:
                series[r.id][month - 1] = r.actual
    return series


def _charts(
    config: Config,
    period: Period,
    results: Results,
    earlier: list[Results | None],
    folder: Path,
    timings: dict,
    progress,
):
    """Start drawing the charts (the trend from months 1..N's results); returns a PendingCharts to collect them from."""
    from .charts import chart_specs, start_charts
    from .metrics.progress import cumulative_plan

    ids = trend_ids(config)
    series = trend_series(earlier, results, ids) if ids else {}
    # The plan line follows the target the results used (read from the sheet, or 力争 alone); none without one.
    from .metrics.progress import with_zone_progress

    targets = {r.id: r.target for r in results.indicators}
    plans = {}
    for ind in config.indicators:
        if ind.id in ids and targets.get(ind.id) is not None:
            own = with_zone_progress(ind, config.progress, targets[ind.id])  # the benchmark the light used
            plans[ind.id] = cumulative_plan(own.progress_mode, period.year, targets[ind.id], own.plan_points)
    with _timed(timings, "charts"):
        specs = chart_specs(results, series, ids, plans)
        progress(f"绘制 {len(specs)} 张图表…")
        return start_charts(
            specs, folder, config.output.charts.font, config.output.charts.dpi, config.output.charts.workers
        )


def _notes(config: Config, period: Period, progress) -> list[str]:
    """Staff's own text for 存在问题及下步建议 (output.word.notes, a file in the period's data folder)."""
    from .sources.notes import notes_path, read_notes

    path = notes_path(config, period)
    if path is None:
        return []
    if not path.is_file():
        progress(f"提示：未找到本期说明文件 {path.name}，第五部分只写自动生成的内容")
        return []
    return read_notes(path)


@dataclass
class Validation:
    """What `reportgen validate` reports: problems, notices, and every target read from a submitted sheet.

    Notices (提示) are cells a department marked as not reported ("—", "/", "无", empty): the run shows them as
    未报送, so they fail `validate` only with --strict."""

    problems: list[str] = field(default_factory=list)
    targets: list[str] = field(
        default_factory=list
    )  # "固定资产投资 确保目标 200亿元 ← 指标.xlsx › 指标 › D7"
    notices: list[str] = field(default_factory=list)
    reading: list[str] = field(
        default_factory=list
    )  # how the reader accounted for rows and read values, as `run`
    doubts: list[str] = field(default_factory=list)  # figures to check against last month (plausibility.py)
    values: list[str] = field(default_factory=list)  # every value read from a sheet, with its provenance


def validate(config: Config, period: Period | None = None) -> list[str]:
    """Problems that would stop or spoil a run: template, and (with a period) every source file, sheet and cell;
    cells marked as not reported are included (`check` keeps them apart as notices)."""
    report = check(config, period)
    return report.problems + report.notices + report.doubts


def _period_folder(config: Config, period: Period) -> Path:
    """The period's data folder; run and validate say the same when it is missing."""
    folder = period_dir(config, period)
    if not folder.is_dir():
        raise ReportgenError(
            f"本期数据目录不存在：{folder}（请检查 --period，以及配置中的 data.dir、data.period_dir）"
        )
    return folder


def check(config: Config, period: Period | None = None) -> Validation:
    """`validate`'s problems, plus the targets read from the period's sheets with where each came from."""
    problems: list[str] = []
    template = config.output.excel.template
    if template is not None and config.output.excel.enabled:
        from .render.template_check import check_excel_template

        try:
            check_excel_template(config.resolve(template))
        except ReportgenError as e:
            problems += e.lines()
    if config.output.word.template is not None and config.output.word.enabled:
        from .render.template_check import check_word_template
        from .render.word_names import CONTEXT_NAMES

        try:
            check_word_template(config.resolve(config.output.word.template), CONTEXT_NAMES)
        except ReportgenError as e:
            problems += e.lines()
    if config.mail is not None and config.mail.password_file is not None:
        from .deliver.mail import read_password_file

        try:
            read_password_file(config.resolve(config.mail.password_file))
        except ReportgenError as e:
            problems += e.lines()
    if period is not None:
        try:
            _check_year(config, period)
            _period_folder(config, period)
        except ReportgenError as e:
            return Validation(problems + e.lines())
        data = read_period(config, period)
        problems += [str(p) for p in data.problems if not isinstance(p, NotReported)]
        notices = [str(p) for p in data.problems if isinstance(p, NotReported)]
        if not problems:
            problems += check_word_render(config, period, data)
        doubts = _doubts(config, period, data)
        return Validation(
            problems,
            target_lines(config, data),
            notices,
            list(data.notices),
            doubts,
            value_lines(config, data),
        )
    if not problems:
        problems += check_word_render(config, Period(config.year, 6))
    return Validation(problems)


def check_word_render(config: Config, period: Period, data=None) -> list[str]:
    """Fill the Word template in memory the way `run` does, in the same sandbox: with the period's data when
    given, else with every indicator not reported. Catches what parsing alone cannot (a damaged package, a
    tag the sandbox refuses at run time)."""
    word = config.output.word
    if not word.enabled or word.template is None:
        return []
    import io

    from .inputs import PeriodData
    from .metrics import evaluate
    from .render.word import write_report

    results = evaluate(config, data if data is not None else PeriodData(period))
    context = _report_context(config, period, results, [], datetime(period.year, period.month, 28))
    try:
        write_report(context, io.BytesIO(), config.resolve(word.template))
    except ReportgenError as e:
        return e.lines()
    return []


def value_lines(config: Config, data) -> list[str]:
    """One line per value read from a sheet, with where it came from, so that staff can check by eye what
    `run` will use: "固定资产投资 185.63亿元 ← 2024-09/指标.xlsx › 指标 › C5"."""
    from .kinds import kind_of
    from .sources.collect import plain_figure

    lines = []
    for ind in config.indicators:
        reading = data.readings.get(ind.id)
        if reading is None or reading.value is None:
            continue
        unit = "%" if kind_of(ind.kind).rate else ind.unit
        lines.append(f"{ind.name} {plain_figure(reading.value)}{unit} ← {reading.source}")
    return lines


def target_lines(config: Config, data) -> list[str]:
    """One line per target read from a sheet: value and provenance, or why it was not read.

    A target whose config also gives `value` shows the config's figure (the one used) beside the sheet's.
    """
    from .config.model import SheetTarget
    from .sources.collect import TARGET_LABELS, plain_figure

    lines = []
    for ind in config.indicators:
        unit = {"growth": "%", "share": "个百分点"}.get(ind.kind, ind.unit)
        for attr, store in (("target", data.targets), ("stretch", data.stretches)):
            spec = getattr(ind, attr, None)
            reading = store.get(ind.id)
            if not isinstance(spec, SheetTarget) or reading is None:
                continue
            head = f"{ind.name} {TARGET_LABELS[attr]}"
            if reading.value is None:
                lines.append(f"{head} 未读到 ← {reading.source or '（未定位）'}：{reading.problem}")
                continue
            shown = plain_figure(reading.value) + unit
            if spec.value is None:
                lines.append(f"{head} {shown} ← {reading.source}")
            else:
                used = plain_figure(spec.value) + unit
                lines.append(f"{head} {used}（按配置；报表 {shown} ← {reading.source}）")
    return lines


def _check_year(config: Config, period: Period) -> None:
    if period.year != config.year:
        raise ReportgenError(
            f"期间 {period} 不在配置的年度 {config.year} 内（year: {config.year}）；"
            f"每个年度的目标应使用单独的配置文件"
        )
