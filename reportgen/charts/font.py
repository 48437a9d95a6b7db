"""A CJK font that really has the glyphs: found once, checked against every label before a chart is saved."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ..errors import ReportgenError

# Sans faces read best in charts; Windows, macOS and Linux names, in order of preference.
CANDIDATES = (
    "Microsoft YaHei",
    "微软雅黑",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "PingFang SC",
    "Hiragino Sans GB",
    "SimHei",
    "黑体",
    "Noto Sans SC",
    "Sarasa Gothic SC",
    "Noto Serif CJK SC",
    "Source Han Serif SC",
    "SimSun",
    "宋体",
    "AR PL UMing CN",
    "Droid Sans Fallback",
)
PROBE = "序时进度完成率亿元百分点经开区"
INSTALL_HINT = (
    "未找到含中文字形的字体，图表无法正确显示中文。请安装中文字体后重试："
    "Debian/Ubuntu 运行 `sudo apt-get install fonts-noto-cjk`（`make install` 会自动安装）；"
    "Windows 自带“微软雅黑”；也可在配置 output.charts.font 中写字体文件路径（.ttf/.otf/.ttc）"
)


class ChartFont:
    """The resolved face: its family name for matplotlib and its character map for coverage checks."""

    def __init__(self, family: str, path: str, charmap: frozenset[int]):
        self.family, self.path, self.charmap = family, path, charmap

    def missing(self, text: str) -> str:
        """Characters of `text` the font cannot draw (whitespace ignored)."""
        return "".join(sorted({c for c in text if not c.isspace() and ord(c) not in self.charmap}))


def _charmap(path: str, index: int = 0) -> frozenset[int]:
    from matplotlib.ft2font import FT2Font

    try:
        return frozenset(FT2Font(path, face_index=index).get_charmap())
    except (OSError, RuntimeError, ValueError):
        return frozenset()


@lru_cache(maxsize=8)
def resolve_font(preferred: str | None = None) -> ChartFont:
    """The first installed CANDIDATES face (or `preferred`: a family name or a font file) covering PROBE."""
    from matplotlib import font_manager

    manager = font_manager.fontManager
    if preferred and Path(preferred).suffix.lower() in (".ttf", ".otf", ".ttc"):
        if not Path(preferred).is_file():
            raise ReportgenError(f"output.charts.font：字体文件不存在：{preferred}")
        manager.addfont(preferred)
        entry = next(f for f in reversed(manager.ttflist) if Path(f.fname) == Path(preferred))
        font = ChartFont(entry.name, entry.fname, _charmap(entry.fname, getattr(entry, "index", 0)))
        if font.missing(PROBE):
            raise ReportgenError(
                f"output.charts.font：字体 {preferred} 不含中文字形（缺少“{font.missing(PROBE)}”）"
            )
        return font
    names = ((preferred,) if preferred else ()) + CANDIDATES
    font = _first_covering(manager.ttflist, names)
    if font is None:
        # matplotlib caches the font list on first use; a font installed since then is only found by a rescan.
        known = {f.fname for f in manager.ttflist}
        for path in font_manager.findSystemFonts():
            if path not in known:
                try:
                    manager.addfont(path)
                except (OSError, RuntimeError, ValueError):
                    continue
        font = _first_covering(manager.ttflist, names)
    if font is not None:
        return font
    if preferred:
        raise ReportgenError(
            f"output.charts.font：未找到字体“{preferred}”，或该字体不含中文字形。{INSTALL_HINT}"
        )
    raise ReportgenError(INSTALL_HINT)


def _first_covering(entries, names) -> ChartFont | None:
    by_name: dict[str, list] = {}
    for entry in entries:
        by_name.setdefault(entry.name, []).append(entry)
    for name in names:
        # Regular weight first: the coverage check and the drawing must use the same face.
        for entry in sorted(by_name.get(name, []), key=lambda f: abs(_weight(f.weight) - 400)):
            charmap = _charmap(entry.fname, getattr(entry, "index", 0))
            if charmap and not ChartFont(name, entry.fname, charmap).missing(PROBE):
                return ChartFont(name, entry.fname, charmap)
    return None


def _weight(weight) -> int:
    if isinstance(weight, int):
        return weight
    return {"normal": 400, "regular": 400, "book": 400, "medium": 500, "bold": 700}.get(
        str(weight).lower(), 400
    )
