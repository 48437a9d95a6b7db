"""Check one uploaded file before it joins the period: what kind of file it really is, what the reader makes of
it (values with provenance, beside last month's), and what needs fixing (errors) or explaining (warnings).

Reads through the same public reader a run uses (`sources.collect.read_period`) on a temporary period folder
that holds just this file, with the config narrowed to what that file feeds. Nothing here writes the data
folder or reads the clock; the store (`submissions`) does both.
"""

from __future__ import annotations

import fnmatch
import hashlib
import io
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from .config.model import CellSource, Config, LedgerSource, MilestoneIndicator, PartialSource
from .errors import Location, NotReported, ReportgenError, SourceError
from .kinds import kind_of
from .metrics.plausibility import amount_doubts, rate_doubts
from .period import Period

KINDS = {"xlsx": ".xlsx", "xls": ".xls", "csv": ".csv"}
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class IntakeError(ReportgenError):
    """An upload refused before it is read (type, size, file or department unknown, locked): one line."""


@dataclass(frozen=True)
class Figure:
    """One value read from the upload, where it was read, and last month's value of the same thing."""

    key: str  # stable across versions: "fai", "fai.last_year", "standard_factory.2", "ledger.projects.count"
    name: str  # indicator name or ledger title
    label: str  # "1-6月累计", "上年同期", "确保目标", a milestone node, "项目数"
    value: float | None
    unit: str = ""
    location: str = ""  # 主要经济指标.xlsx › 主要指标 › F7
    previous: float | None = None
    previous_location: str = ""
    words: str = ""  # milestones: 已完成 / 未完成 (the value is 1.0 / 0.0)
    digits: int | None = None  # the indicator's `decimals`, when configured

    def shown(self, value: float | None = None) -> str:
        """'112.40 亿元', '已完成', '未填报'."""
        from .render.numbers import decimals_for, number

        value = self.value if value is None else value
        if self.words and value is self.value:
            return self.words
        if value is None:
            return "未填报"
        digits = decimals_for(self.unit, value) if self.digits is None else self.digits
        space = "" if self.unit in ("%", "‰") else " "
        return f"{number(value, digits)}{space}{self.unit}".rstrip()

    def text(self) -> str:
        """固定资产投资 1-6月累计 112.40 亿元 ← 主要经济指标.xlsx › 主要指标 › F7"""
        return f"{self.name} {self.label} {self.shown()} ← {self.location}".replace("  ", " ")

    def previous_text(self) -> str:
        if self.previous is None:
            return "上月：无"
        milestone = self.words not in ("", "未读到")  # 未读到 marks this month's unreadable cell, not a kind
        shown = ("已完成" if self.previous else "未完成") if milestone else self.shown(self.previous)
        return f"上月：{shown}"


@dataclass(frozen=True)
class Issue:
    """A blocking error (names file, sheet and cell) or a warning that needs a short explanation to accept."""

    key: str  # stable: "lower:fai", "jump:fai", "unit:fai", "unclassified:重点项目!A12", "error:…"
    message: str
    location: str = ""

    def __str__(self) -> str:
        return f"{self.location}：{self.message}" if self.location else self.message


@dataclass(frozen=True)
class IntakeResult:
    """What the check found in one upload. `ok` when nothing blocks; warnings still need explanations."""

    period: str
    file: str  # the expected name (主要经济指标.xlsx)
    stored_name: str  # the name it is written under: the expected stem with the suffix its content has
    kind: str  # xlsx / xls / csv
    size: int
    sha256: str
    figures: list[Figure] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    previous_period: str = ""  # where last month's values came from ("" when none)
    unit_factors: dict[str, float] = field(default_factory=dict)  # indicator id -> written-unit factor

    @property
    def ok(self) -> bool:
        return not self.errors

    def keyed(self, explanations: dict[str, str]) -> dict[str, str]:
        """Explanations keyed by warning key; a key "1", "2"… stands for the first, second… warning."""
        out = {}
        for key, text in explanations.items():
            if key.isdigit() and 1 <= int(key) <= len(self.warnings):
                key = self.warnings[int(key) - 1].key
            out[key] = text
        return out

    def unexplained(self, explanations: dict[str, str]) -> list[Issue]:
        """Warnings without a (non-blank) explanation in `explanations` (keyed by Issue.key or number)."""
        given = self.keyed(explanations)
        return [w for w in self.warnings if not (given.get(w.key) or "").strip()]

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> IntakeResult:
        data = dict(data)
        data["figures"] = [Figure(**f) for f in data.get("figures", [])]
        data["errors"] = [Issue(**i) for i in data.get("errors", [])]
        data["warnings"] = [Issue(**i) for i in data.get("warnings", [])]
        return cls(**data)

    def lines(self) -> list[str]:
        """The check as plain lines (CLI, e-mail)."""
        out = [f"{f.text()}（{f.previous_text()}）" for f in self.figures]
        out += [f"错误：{e}" for e in self.errors]
        out += [f"警告 {n}［{w.key}］：{w}" for n, w in enumerate(self.warnings, 1)]
        out += [f"提示：{n}" for n in self.notices]
        return out


@dataclass(frozen=True)
class ExpectedFile:
    """One file the period needs: its name this period, the config's pattern and who sends it."""

    name: str
    pattern: str
    departments: tuple[str, ...]


def expected_files(config: Config, period: Period) -> list[ExpectedFile]:
    """Every file `period` needs, named for the period, with the departments that send it."""
    from .sources.collect import expected_submissions, period_formatter

    fmt = period_formatter(period)
    return [ExpectedFile(fmt(p), p, tuple(d)) for p, d in expected_submissions(config)]


def expected_file(config: Config, period: Period, name: str) -> ExpectedFile:
    """The expected file `name` stands for (width, case and spaces ignored); IntakeError when none."""
    if period.year != config.year:
        raise IntakeError(f"期间 {period} 不在配置的年度 {config.year} 内")
    key = file_key(name)
    for e in expected_files(config, period):
        if file_key(e.name) == key:
            return e
    known = "、".join(e.name for e in expected_files(config, period)) or "（无）"
    raise IntakeError(f"“{name}”不是 {period} 期需要报送的文件（需要的文件：{known}）")


def file_key(name: str) -> str:
    """How the reader compares file names: width, case and spaces ignored."""
    return "".join(unicodedata.normalize("NFKC", name).split()).lower()


def detect_kind(content: bytes) -> str:
    """'xlsx', 'xls' or 'csv' from the bytes themselves; IntakeError names what the file is instead."""
    head = content[:8]
    if head.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(content)).namelist())
        except zipfile.BadZipFile:
            raise IntakeError("文件已损坏（不是完整的 xlsx 压缩包），请重新导出后上传") from None
        if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
            if "xl/workbook.bin" in names:
                raise IntakeError("这是 .xlsb（二进制工作簿），请在 Excel/WPS 中另存为 .xlsx 后上传")
            return "xlsx"
        if "word/document.xml" in names:
            raise IntakeError("这是 Word 文档，不是 Excel 表格；只接受 .xlsx、.xls、.csv")
        if "content.xml" in names:
            raise IntakeError("这是 OpenDocument 文件，请另存为 .xlsx 后上传")
        raise IntakeError("这是一个压缩包，不是 Excel 表格；只接受 .xlsx、.xls、.csv")
    if head == OLE_MAGIC:
        # Stream names sit in the compound file's directory, which may be anywhere in the file (xlwt: at the end).
        def has(name: str) -> bool:
            return name.encode("utf-16-le") in content

        if has("EncryptedPackage"):
            raise IntakeError("文件设有打开密码（已加密），请取消密码后上传")
        if has("Workbook"):
            return "xls"
        if has("WordDocument"):
            raise IntakeError("这是 Word 文档（.doc），不是 Excel 表格；只接受 .xlsx、.xls、.csv")
        if has("Book"):  # Excel 5/95
            return "xls"
        raise IntakeError("这是 Office 文件但不是 Excel 工作簿；只接受 .xlsx、.xls、.csv")
    for magic, what in (
        (b"%PDF", "PDF 文件"),
        (b"\x89PNG", "PNG 图片"),
        (b"\xff\xd8\xff", "JPEG 图片"),
        (b"GIF8", "GIF 图片"),
        (b"Rar!", "RAR 压缩包"),
        (b"7z\xbc\xaf", "7z 压缩包"),
        (b"{\\rtf", "RTF 文档"),
    ):
        if head.startswith(magic):
            raise IntakeError(f"这是{what}，不是 Excel 表格；只接受 .xlsx、.xls、.csv")
    from .text import decode_submitted

    sample = content[: 1 << 16]
    if b"\x00" in sample:
        raise IntakeError("无法识别的二进制文件；只接受 .xlsx、.xls、.csv")
    text = decode_submitted(content)
    if text is None:
        raise IntakeError("文本文件的编码无法识别（应为 UTF-8 或 GBK）；只接受 .xlsx、.xls、.csv")
    lowered = text.lstrip()[:200].lower()
    if lowered.startswith(("<html", "<!doctype", "<?xml", "<table")):
        raise IntakeError(
            "这是网页（HTML/XML）文件，只是扩展名像 Excel；请在 Excel/WPS 中另存为 .xlsx 后上传"
        )
    if not text.strip():
        raise IntakeError("文件是空的")
    if not _looks_like_table(text):
        raise IntakeError("这是普通文本，不是表格（CSV 应每行用逗号或制表符分列）；只接受 .xlsx、.xls、.csv")
    return "csv"


def _looks_like_table(text: str) -> bool:
    """CSV as exported by Excel/WPS: most of the first non-blank lines hold the same delimiter."""
    lines = [line for line in text.splitlines()[:40] if line.strip()]
    if not lines:
        return False
    for delimiter in (",", "\t", ";"):
        with_it = sum(delimiter in line for line in lines)
        if with_it >= max(1, (len(lines) + 1) // 2) and (len(lines) > 1 or with_it):
            return True
    return False


def stored_name(expected: str, kind: str, uploaded: str = "") -> str:
    """The name the upload is written under: the expected stem with the suffix its content has (a .xls sent
    for 报表.xlsx becomes 报表.xls, which the reader finds by stem). A pattern with wildcards takes the
    uploaded name, which must match it."""
    if any(ch in expected for ch in "*?["):
        if not uploaded or not fnmatch.fnmatch(file_key(uploaded), file_key(expected)):
            raise IntakeError(f"文件名应符合“{expected}”，上传的是“{uploaded or '（无名）'}”")
        return Path(uploaded).stem + KINDS[kind]
    path = Path(expected)
    if path.suffix.lower() == KINDS[kind]:
        return expected
    return path.stem + KINDS[kind]


def check_upload(
    config: Config,
    period: Period,
    expected: str,
    content: bytes,
    uploaded_name: str = "",
    *,
    max_upload_mb: float | None = None,
    known: Callable[[Period, str], IntakeResult | None] | None = None,
) -> IntakeResult:
    """Check one upload for (period, expected file): type by content, size, then read it as a run would.

    Refusals before reading (wrong type, too big, unknown file) raise IntakeError; everything the reader
    finds is returned: blocking errors with their cell, warnings (needing an explanation), and the figures
    read beside last month's. `known(period, sha256)` may return the stored check of last month's file
    (the submission store passes it), so a file the portal already checked is not read again.
    """
    wanted = expected_file(config, period, expected)
    limit = max_upload_mb if max_upload_mb is not None else config.portal.max_upload_mb
    if len(content) > limit * 2**20:
        raise IntakeError(
            f"文件有 {len(content) / 2**20:,.1f} MB，超过上传上限 {limit:g} MB（配置 portal.max_upload_mb）"
        )
    if not content:
        raise IntakeError("文件是空的")
    kind = detect_kind(content)
    name = stored_name(wanted.name, kind, uploaded_name)
    narrowed = narrow_config(config, period, wanted)
    previous = Period(period.year, period.month - 1) if period.month > 1 else None
    pending = _reference_soon(narrowed, previous, wanted, known) if previous else None
    try:
        with tempfile.TemporaryDirectory(prefix="reportgen-intake-") as tmp:
            folder = _period_folder(narrowed, Path(tmp), period)
            folder.mkdir(parents=True)
            (folder / name).write_bytes(content)
            reading = _read(narrowed, Path(tmp), period, name)
    except BaseException:
        if pending is not None:
            pending.cancel()
        raise
    before = pending.result() if pending is not None else None
    return _result(narrowed, period, wanted, name, kind, content, reading, before, previous)


def last_month_figures(
    config: Config,
    period: Period,
    wanted: ExpectedFile,
    known: Callable[[Period, str], IntakeResult | None] | None = None,
) -> list[Figure]:
    """Last month's values of this submission, from last month's file as it stands (empty in January or when
    there is none): the reference shown beside an upload, and on a department's page. `known` as in
    check_upload."""
    if period.month == 1:
        return []
    previous = Period(period.year, period.month - 1)
    reference = _reference_soon(narrow_config(config, period, wanted), previous, wanted, known).result()
    return reference.figures if reference else []


def narrow_config(config: Config, period: Period, wanted: ExpectedFile) -> Config:
    """The config with only the indicators and ledgers that read `wanted`, so nothing else is opened."""
    from .sources.collect import period_formatter

    fmt = period_formatter(period)
    key = file_key(wanted.name)

    def ours(file: str | None) -> bool:
        return bool(file) and file_key(fmt(file)) == key

    ledgers = {k: v for k, v in config.ledgers.items() if ours(v.file)}
    indicators = []
    for ind in config.indicators:
        source = getattr(ind, "source", None)
        if isinstance(source, LedgerSource) and source.ledger in ledgers:
            indicators.append(ind)
        elif isinstance(source, CellSource) and (
            ours(source.file)
            or any(
                isinstance(p := getattr(ind, a, None), PartialSource) and ours(p.file)
                for a in ("last_year", "yoy", "target", "stretch")
            )
        ):
            indicators.append(ind)
    return config.model_copy(update={"indicators": indicators, "ledgers": ledgers})


def _period_folder(config: Config, root: Path, period: Period) -> Path:
    return root / config.data.period_dir.format(year=period.year, month=period.month)


@dataclass
class _Read:
    data: object  # PeriodData
    factors: dict[
        str, float
    ]  # indicator id -> (value in its unit) / (value as written): the unit in the sheet
    folder_name: str
    name: str


def _read(config: Config, root: Path, period: Period, name: str) -> _Read:
    """Read `name` from the period folder under `root` (a temporary one, or the data dir)."""
    from .sources.collect import read_period

    local = config.model_copy(update={"data": config.data.model_copy(update={"dir": root, "expected": None})})
    data = read_period(local, period)
    factors = _unit_factors(local, period, data)
    return _Read(data, factors, _period_folder(config, root, period).name, name)


def _unit_factors(config: Config, period: Period, data) -> dict[str, float]:
    """For amount indicators: how the value as written scales to the indicator's unit (1e-4 for 万元 → 亿元),
    found by reading again without the unit, so a changed unit can be told from a changed number."""
    from .sources.collect import read_period
    from .sources.values import unit_family

    amounts = [
        i
        for i in config.indicators
        if not kind_of(i.kind).rate  # amounts, counts and caps: a unit that scales
        and isinstance(getattr(i, "source", None), CellSource)
        and unit_family(i.unit)
        and data.readings.get(i.id) is not None
        and data.readings[i.id].value
    ]
    if not amounts:
        return {}
    bare = config.model_copy(
        update={"indicators": [i.model_copy(update={"unit": ""}) for i in amounts], "ledgers": {}}
    )
    raw = read_period(bare, period)
    factors = {}
    for ind in amounts:
        written = raw.readings.get(ind.id)
        if written is not None and written.value:
            factors[ind.id] = data.readings[ind.id].value / written.value
    return factors


@dataclass(frozen=True)
class _Reference:
    """Last month's figures of a submission and its unit factors: plain data, cached, sent between processes."""

    figures: list[Figure]
    factors: dict[str, float]


_REFERENCES: dict[tuple, _Reference] = {}  # per process: last month's file is read once, not per upload
PARALLEL_BYTES = 1_000_000  # a bigger last-month file is read in a second process beside the upload


def _previous_path(config: Config, previous: Period, wanted: ExpectedFile) -> Path | None:
    from .sources.collect import find_input, period_dir, period_formatter

    try:
        return find_input(period_dir(config, previous), period_formatter(previous)(wanted.pattern))
    except SourceError:
        return None


def _reference_key(config: Config, path: Path) -> tuple:
    stat = path.stat()
    return (str(path), stat.st_size, stat.st_mtime_ns, config.model_dump_json())


def _reference(config: Config, previous: Period, wanted: ExpectedFile) -> _Reference | None:
    """Last month's file for the same submission, read from the data folder as it stands (None: not there
    or unreadable)."""
    path = _previous_path(config, previous, wanted)
    if path is None:
        return None
    key = _reference_key(config, path)
    if key in _REFERENCES:
        return _REFERENCES[key]
    try:
        read = _read(config, config.resolve(config.data.dir), previous, path.name)
    except ReportgenError:
        return None
    reference = _Reference(_figures(config, previous, read), read.factors)
    while len(_REFERENCES) >= 32:
        _REFERENCES.pop(next(iter(_REFERENCES)))
    _REFERENCES[key] = reference
    return reference


class _Ready:
    def __init__(self, value):
        self.value = value

    def result(self):
        return self.value

    def cancel(self):
        pass


class _Elsewhere:
    """Last month's reference being read in another process; cached here once it arrives."""

    def __init__(self, config: Config, previous: Period, wanted: ExpectedFile, key: tuple):
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        self.key = key
        # spawn, not fork: the caller may be a threaded web server, where fork can deadlock
        self.pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
        self.future = self.pool.submit(_reference, config, previous, wanted)

    def result(self):
        try:
            value = self.future.result()
        finally:
            self.pool.shutdown()
        if value is not None:
            _REFERENCES[self.key] = value
        return value

    def cancel(self):
        self.future.cancel()
        self.pool.shutdown(wait=True, cancel_futures=True)


def _reference_soon(config: Config, previous: Period, wanted: ExpectedFile, known=None):
    """Last month's reference now (stored, small or cached), or started in a second process (a big ledger), so
    the two months are read at the same time."""
    path = _previous_path(config, previous, wanted)
    if path is None:
        return _Ready(None)
    if known is not None:
        from .render.outputs import sha256

        stored = known(previous, sha256(path))
        if stored is not None and stored.ok and stored.figures:
            plain = [replace(f, previous=None, previous_location="") for f in stored.figures]
            return _Ready(_Reference(plain, dict(stored.unit_factors)))
    key = _reference_key(config, path)
    if key in _REFERENCES or path.stat().st_size <= PARALLEL_BYTES:
        return _Ready(_reference(config, previous, wanted))
    return _Elsewhere(config, previous, wanted, key)


UNIT_NAMES = (
    "元",
    "千元",
    "万元",
    "百万元",
    "亿元",
    "美元",
    "万美元",
    "百万美元",
    "亿美元",
    "平方米",
    "万平方米",
    "亩",
)


def _unit_written(unit: str, factor: float) -> str | None:
    """The unit a value was written in, from its factor to the indicator's `unit`."""
    from .sources.values import convert, unit_family

    for u in UNIT_NAMES:
        if unit_family(u) == unit_family(unit) and abs(convert(1.0, u, unit) - factor) <= 1e-9 * factor:
            return u
    return None


def _short(location, folder: str) -> str:
    """Provenance without the period folder: 主要经济指标.xlsx › 主要指标 › F7."""
    if location is None:
        return ""
    if isinstance(location, Location):
        file = location.file.split("/", 1)[1] if location.file.startswith(folder + "/") else location.file
        return str(Location(file, location.sheet, location.cell))
    return str(location)


def _in_file(location, read: _Read) -> bool:
    if not isinstance(location, Location):
        return False
    file = location.file.rsplit("/", 1)[-1]
    return file_key(file) == file_key(read.name)


def _figures(config: Config, period: Period, read: _Read) -> list[Figure]:
    from .sources.collect import period_formatter

    fmt = period_formatter(period)
    data = read.data
    figures: list[Figure] = []

    def add(key, name, label, reading, unit, words="", digits=None):
        if reading is None or not _in_file(reading.location, read):
            return
        where = _short(reading.location, read.folder_name)
        if reading.value is None and not words and reading.problem and reading.problem != "未填报":
            words = "未读到"
        figures.append(Figure(key, name, label, reading.value, unit, where, words=words, digits=digits))

    for ind in config.indicators:
        if isinstance(ind, MilestoneIndicator):
            for n, (node, reading) in enumerate(zip(ind.milestones, data.milestones.get(ind.id, []))):
                words = {1.0: "已完成", 0.0: "未完成"}.get(reading.value, "未填报")
                add(f"{ind.id}.{n + 1}", ind.name, node.name, reading, "", words)
            continue
        source = getattr(ind, "source", None)
        if not isinstance(source, CellSource):
            continue
        rate_unit = {"growth": "%", "share": "%"}.get(ind.kind, ind.unit)
        label = fmt(source.column).rsplit("/", 1)[-1]
        main = data.readings.get(ind.id)
        digits = getattr(ind, "decimals", None)
        add(ind.id, ind.name, label, main, main.unit if main and main.unit else rate_unit, digits=digits)
        for attr, store, what in (
            ("last_year", data.last_year, "上年同期"),
            ("yoy", data.yoy, "同比增长"),
            ("target", data.targets, "确保目标"),
            ("stretch", data.stretches, "力争目标"),
            ("last_year_completion", data.last_year_completion, "去年同期完成率"),
            ("last_year_target", data.last_year_targets, "上年目标"),
        ):
            reading = store.get(ind.id)
            if reading is None:
                continue
            unit = {"yoy": "%", "last_year_completion": "%"}.get(attr, reading.unit or rate_unit)
            add(f"{ind.id}.{attr}", ind.name, what, reading, unit, digits=None if "%" in unit else digits)
    for name, ledger in data.ledgers.items():
        if ledger.location is None or not _in_file(ledger.location, read):
            continue
        spec = config.ledgers[name]
        where = _short(ledger.location, read.folder_name)
        figures.append(
            Figure(f"ledger.{name}.count", spec.title, "项目数", float(len(ledger.projects)), "个", where)
        )
        done = [p.completed for p in ledger.projects if p.completed is not None]
        if done:
            figures.append(
                Figure(
                    f"ledger.{name}.completed",
                    spec.title,
                    "累计完成投资合计",
                    sum(done),
                    spec.amount_unit,
                    where,
                )
            )
    return figures


def _result(
    config: Config,
    period: Period,
    wanted: ExpectedFile,
    name: str,
    kind: str,
    content: bytes,
    read: _Read,
    before: _Reference | None,
    previous_period: Period | None,
) -> IntakeResult:
    figures = _figures(config, period, read)
    earlier = {f.key: f for f in before.figures} if before else {}
    figures = [
        Figure(
            **{**asdict(f), "previous": earlier[f.key].value, "previous_location": earlier[f.key].location}
        )
        if f.key in earlier
        else f
        for f in figures
    ]
    errors: list[Issue] = []
    warnings: list[Issue] = []
    for problem in read.data.problems:
        if not _in_file(problem.location, read):
            continue  # another file the narrowed config still mentions (a partial source elsewhere)
        where = _short(problem.location, read.folder_name)
        if "无法识别" in problem.message and "行" in problem.message:
            warnings.append(Issue(f"unclassified:{where}", problem.message, where))
        elif isinstance(problem, NotReported):
            warnings.append(Issue(f"blank:{where}", problem.message, where))
        else:
            errors.append(Issue(f"error:{where}", problem.message, where))
    kinds = {i.id: i.kind for i in config.indicators}
    for f in figures:
        base = f.key.split(".")[0]
        entry = kind_of(kinds[base]) if base in kinds and "." not in f.key else None
        if entry is not None and entry.rate:
            found = rate_doubts(f"{f.name}{f.label}", f.value, f.previous)
        elif (entry is not None and entry.prorated) or f.key.endswith(".completed"):
            found = amount_doubts(f"{f.name}{f.label}", f.value, f.previous, f.shown)
        else:
            continue
        warnings += [Issue(f"{doubt.code}:{f.key}", doubt.message, f.location) for doubt in found]
    if before is not None:
        units = {i.id: i.unit for i in config.indicators}
        for ind_id, factor in read.factors.items():
            old = before.factors.get(ind_id)
            if old is None or abs(factor - old) <= 1e-9 * max(abs(factor), abs(old)):
                continue
            now_unit = _unit_written(units[ind_id], factor) or "另一单位"
            old_unit = _unit_written(units[ind_id], old) or "另一单位"
            fig = next((f for f in figures if f.key == ind_id), None)
            warnings.append(
                Issue(
                    f"unit:{ind_id}",
                    f"{fig.name if fig else ind_id} 的填报单位由上月的{old_unit}变为{now_unit}，请确认数值已按新单位填写",
                    fig.location if fig else "",
                )
            )
    notices = [n.replace(f"{read.folder_name}/", "", 1) for n in read.data.notices]
    return IntakeResult(
        period=str(period),
        file=wanted.name,
        stored_name=name,
        kind=kind,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        figures=figures,
        errors=errors,
        warnings=warnings,
        notices=notices,
        previous_period=str(previous_period) if before else "",
        unit_factors=dict(read.factors),
    )
