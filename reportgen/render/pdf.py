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

WINDOWS_PATHS = (r"C:\Program Files\LibreOffice\program\soffice.exe",
                 r"C:\Program Files (x86)\LibreOffice\program\soffice.exe")


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
        raise ReportgenError("未安装 LibreOffice，无法生成 PDF：Debian/Ubuntu 运行 `sudo apt-get install libreoffice-writer`，"
                             "Windows 从 https://www.libreoffice.org 安装；Word 报告（.docx）已正常生成")
    with tempfile.TemporaryDirectory(prefix="reportgen-lo-") as profile:
        command = [soffice, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore",
                   "--nolockcheck", "--convert-to", "pdf", "--outdir", str(out_dir), str(document)]
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
        raise ReportgenError(f"LibreOffice 未能把 {document.name} 转为 PDF（退出码 {proc.returncode}）"
                             + (f"：{detail[0]}" if detail else ""))
    return pdf
