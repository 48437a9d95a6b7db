"""The few exception types users see; each composes its own Chinese message from its fields."""

from __future__ import annotations

import errno
from dataclasses import dataclass


@dataclass(frozen=True)
class Location:
    """Where a value came from: a file, optionally a sheet and a cell (A1 notation)."""

    file: str
    sheet: str | None = None
    cell: str | None = None

    def __str__(self) -> str:
        return " › ".join(p for p in (self.file, self.sheet, self.cell) if p)


class ReportgenError(Exception):
    """A problem caused by the user's config or data; the CLI prints `lines()` without a traceback."""

    def lines(self) -> list[str]:
        return [str(self)]


class ConfigError(ReportgenError):
    """One problem in the config, located by key path (and YAML line when known)."""

    def __init__(self, path: str, message: str, line: int | None = None, file: str | None = None):
        self.path, self.message, self.line, self.file = path, message, line, file
        super().__init__(str(self))

    def __str__(self) -> str:
        if not self.path and self.file and not self.line:  # the file itself: missing, unreadable, not YAML
            return f"{self.file}：{self.message}"
        where = self.path or "（配置根）"
        if self.line:
            where += f"（第 {self.line} 行）"
        prefix = f"{self.file}：" if self.file else ""
        return f"{prefix}{where}：{self.message}"


class SourceError(ReportgenError):
    """A missing or unreadable input: file, sheet, header, row or cell value."""

    def __init__(self, location: Location | str, message: str):
        self.location, self.message = location, message
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"{self.location}：{self.message}"


class NotReported(SourceError):
    """A cell the department marked as not reported ("—", "/", "无") or left empty: shown as 未报送, never 0.
    `validate` lists it as a notice (提示), an error only with --strict."""


class TemplateError(ReportgenError):
    """A template that cannot be used."""


class ProblemList(ReportgenError):
    """Several problems collected so the user can fix them all in one go."""

    def __init__(self, problems: list[ReportgenError]):
        self.problems = problems
        super().__init__("\n".join(self.lines()))

    def lines(self) -> list[str]:
        return [line for p in self.problems for line in p.lines()]


# What an operating-system error means for the person at the keyboard; the system's own words follow in brackets.
OS_REASONS = {
    errno.ENOSPC: "磁盘空间不足",
    errno.EACCES: "没有权限",
    errno.EPERM: "没有权限",
    errno.EROFS: "文件系统为只读",
    errno.ENOENT: "路径不存在",
    errno.ENOTDIR: "路径中有一段不是文件夹",
    errno.EISDIR: "这是一个文件夹",
    errno.EEXIST: "已有同名文件",
    getattr(errno, "EDQUOT", -1): "超出磁盘配额",
}


def os_reason(error: OSError) -> str:
    """'磁盘空间不足（No space left on device）'."""
    reason = error.strerror or str(error)
    return f"{OS_REASONS[error.errno]}（{reason}）" if error.errno in OS_REASONS else reason


def os_error_line(error: OSError) -> str:
    """'/srv/报告/2024-09：磁盘空间不足（No space left on device）': one line that names the path."""
    reason = os_reason(error)
    paths = [str(p) for p in (error.filename, getattr(error, "filename2", None)) if p is not None]
    return f"{' → '.join(paths)}：{reason}" if paths else f"文件读写失败：{reason}"
