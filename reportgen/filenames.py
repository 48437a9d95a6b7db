"""File names made from zone, department and indicator names: safe on Windows and Linux, Chinese kept intact.

One rule for every output file (workbooks, the Word report, charts, e-mail attachments), and the same rule
tells `validate` which names and name patterns cannot be used.
"""

from __future__ import annotations

import re
import string
from pathlib import Path

from .errors import ReportgenError

# Path separators, the characters Windows forbids, and control characters (C0, DEL, C1).
_FORBIDDEN = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f-\x9f]')
_RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{i}" for i in range(1, 10)),
    *(f"LPT{i}" for i in range(1, 10)),
}
MAX_NAME = 200  # characters; Windows allows 255 UTF-16 units per path component, ext4 255 bytes (≈ 85 汉字)

# The placeholders each name pattern may use (README “输出文件名”).
PERIOD_FIELDS = ("zone", "year", "month", "span", "period")
DEPARTMENT_FIELDS = (*PERIOD_FIELDS, "department")


class UnsafeName(ValueError):
    """A name that leaves nothing usable once made safe (only separators, dots, spaces)."""


def safe_name(text: str) -> str:
    """`text` as one file name: separators, `:*?"<>|` and control characters become "_", `..` cannot climb,
    trailing dots and spaces go, and a Windows device name (CON, NUL.xlsx, com1…) gets a leading "_".

    Raises UnsafeName when nothing but separators, dots and spaces would remain.
    """
    name = _FORBIDDEN.sub("_", str(text).strip()).strip().rstrip(". ")
    if not name.strip("._ "):
        raise UnsafeName(f"“{text}”去掉路径分隔符、点和空格后不剩任何文字，不能用作文件名")
    if name.split(".")[0].strip().upper() in _RESERVED:
        name = "_" + name
    if len(name) > MAX_NAME:
        stem, dot, suffix = name.rpartition(".")
        name = (
            stem[: MAX_NAME - len(suffix) - 1] + dot + suffix if dot and len(suffix) <= 5 else name[:MAX_NAME]
        )
    return name


def name_problem(text: str) -> str | None:
    """Why `text` cannot be part of a file name, or None."""
    try:
        safe_name(text)
    except UnsafeName as e:
        return str(e)
    return None


def pattern_fields(pattern: str) -> list[str]:
    """The placeholders of a str.format pattern ("{zone}{year}年" → ["zone", "year"]); ValueError if malformed."""
    fields = []
    for _, field, _, _ in string.Formatter().parse(pattern):
        if field is not None:
            fields.append(field)
    return fields


def check_pattern(pattern: str, allowed: tuple[str, ...], *, file_name: bool = False) -> None:
    """Raise ValueError (Chinese, listing the allowed placeholders) for an unknown or malformed placeholder;
    with `file_name`, also for a pattern that names a folder or could leave the output folder."""
    shown = "、".join(f"{{{f}}}" for f in allowed)
    try:
        fields = pattern_fields(pattern)
    except ValueError:
        raise ValueError(
            f"花括号不成对（占位符写成 {{zone}} 这样；可用：{shown}），现为 {pattern!r}"
        ) from None
    unknown = [f for f in fields if f not in allowed]  # "{zone.__class__}" included: no attribute access
    if unknown:
        raise ValueError(
            f"未知的占位符 {'、'.join('{' + f + '}' for f in unknown)}（可用：{shown}），现为 {pattern!r}"
        )
    sample = dict(zone="开发区", year=2024, month=6, span="1-6月", period="2024-06", department="经发局")
    try:
        pattern.format(**{k: v for k, v in sample.items() if k in allowed})
    except (KeyError, IndexError, ValueError, AttributeError, TypeError) as e:
        raise ValueError(f"占位符写法有误（{e}；可用：{shown}），现为 {pattern!r}") from None
    if file_name:
        literal = "".join(text for text, *_ in string.Formatter().parse(pattern))
        if re.search(r"[\\/]", literal):
            raise ValueError(f"文件名不能含路径分隔符 / 或 \\（文件总是写在输出目录中），现为 {pattern!r}")
        if literal.rstrip().endswith((".", " ")) or _FORBIDDEN.search(literal):
            raise ValueError(f'文件名不能含 :*?"<>| 或控制字符，也不能以点或空格结尾，现为 {pattern!r}')


def format_name(pattern: str, **values) -> str:
    """A file name from `pattern` with every text value made safe first, then the whole name made safe."""
    try:
        safe = {k: safe_name(v) if isinstance(v, str) else v for k, v in values.items()}
        return safe_name(pattern.format(**safe))
    except UnsafeName as e:
        raise ReportgenError(f"文件名：{e}") from None


def path_in(folder: Path, name: str) -> Path:
    """folder/name, refusing anything that would not be a file directly inside `folder`."""
    path = folder / name
    if name in ("", ".", "..") or path.parent != folder or Path(name).name != name:
        raise ReportgenError(f"文件名“{name}”会写到 {folder} 之外，已拒绝")
    return path
