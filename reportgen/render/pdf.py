"""PDF copies of the Word report through LibreOffice headless, one private profile per conversion."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from ..errors import ReportgenError

WINDOWS_PATHS = (
    r"C:\Program Files\LibreOffice\program\soffice.exe",
    r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
)


# Office fonts → the free faces `make install` provides, used only where the office font is not installed,
# so a PDF made on a Linux server keeps serif 仿宋 body text and sans 黑体 headings.
SUBSTITUTES = {
    "仿宋_GB2312": "Noto Serif CJK SC",
    "仿宋": "Noto Serif CJK SC",
    "FangSong": "Noto Serif CJK SC",
    "楷体_GB2312": "Noto Serif CJK SC",
    "楷体": "Noto Serif CJK SC",
    "KaiTi": "Noto Serif CJK SC",
    "方正小标宋简体": "Noto Serif CJK SC",
    "宋体": "Noto Serif CJK SC",
    "SimSun": "Noto Serif CJK SC",
    "黑体": "Noto Sans CJK SC",
    "SimHei": "Noto Sans CJK SC",
    "微软雅黑": "Noto Sans CJK SC",
    "Times New Roman": "Liberation Serif",
}


def _installed_families() -> set[str] | None:
    """Font families fontconfig knows, or None when fc-list is not available (Windows)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    try:
        out = subprocess.run([fc_list, ":", "family"], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return {name.strip() for line in out.splitlines() for name in line.split(",")}


def _profile_settings(profile: Path) -> None:
    """A fresh LibreOffice profile with the font replacement table (Tools › Options › Fonts) filled in,
    for office fonts this machine lacks and substitutes it has ("Always": LibreOffice ignores the table
    for missing fonts otherwise, falling back to whatever fontconfig offers first)."""
    from xml.sax.saxutils import escape

    installed = _installed_families()
    chosen = {
        old: new
        for old, new in SUBSTITUTES.items()
        if installed is None or (old not in installed and new in installed)
    }
    pairs = "".join(
        f'<node oor:name="_{i}" oor:op="replace">'
        f'<prop oor:name="Always" oor:op="fuse"><value>true</value></prop>'
        f'<prop oor:name="OnScreenOnly" oor:op="fuse"><value>false</value></prop>'
        f'<prop oor:name="ReplaceFont" oor:op="fuse"><value>{escape(old)}</value></prop>'
        f'<prop oor:name="SubstituteFont" oor:op="fuse"><value>{escape(new)}</value></prop></node>'
        for i, (old, new) in enumerate(chosen.items())
    )
    user = profile / "user"
    user.mkdir(parents=True, exist_ok=True)
    (user / "registrymodifications.xcu").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
        '<item oor:path="/org.openoffice.Office.Common/Font/Substitution">'
        '<prop oor:name="Replacement" oor:op="fuse"><value>true</value></prop></item>\n'
        f'<item oor:path="/org.openoffice.Office.Common/Font/Substitution/FontPairs">{pairs}</item>\n'
        "</oor:items>\n",
        encoding="utf-8",
    )


def find_soffice() -> str | None:
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    return next((p for p in WINDOWS_PATHS if sys.platform == "win32" and Path(p).is_file()), None)


def convert_to_pdf(document: Path, out_dir: Path, timeout: float = 180) -> Path:
    """document.docx -> out_dir/document.pdf. A private user profile per call lets runs convert concurrently
    (a shared profile makes a second soffice hand its job to the first, or fail), and the timeout kills the
    whole process group so a stuck conversion never hangs a scheduled run."""
    soffice = find_soffice()
    if soffice is None:
        raise ReportgenError(
            "未安装 LibreOffice，无法生成 PDF：Debian/Ubuntu 运行 `sudo apt-get install libreoffice-writer`，"
            "Windows 从 https://www.libreoffice.org 安装；Word 报告（.docx）已正常生成"
        )
    with tempfile.TemporaryDirectory(prefix="reportgen-lo-") as profile:
        _profile_settings(Path(profile))
        command = [
            soffice,
            f"-env:UserInstallation={Path(profile).as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out_dir),
            str(document),
        ]
        kwargs = {"start_new_session": True} if os.name == "posix" else {}
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, **kwargs)
        try:
            output, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            if os.name == "posix":
                os.killpg(proc.pid, signal.SIGKILL)
            else:
                proc.kill()
            proc.communicate()
            raise ReportgenError(f"LibreOffice 转换 PDF 超时（{timeout:g} 秒）：{document.name}") from None
    pdf = out_dir / (document.stem + ".pdf")
    if proc.returncode != 0 or not pdf.is_file() or pdf.stat().st_size == 0:
        detail = output.decode("utf-8", "replace").strip().splitlines()[-1:] if output else []
        raise ReportgenError(
            f"LibreOffice 未能把 {document.name} 转为 PDF（退出码 {proc.returncode}）"
            + (f"：{detail[0]}" if detail else "")
        )
    return pdf
