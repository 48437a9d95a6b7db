"""Free text staff write for a period (存在问题、下步建议): a .txt/.md or .docx file in the period folder."""

from __future__ import annotations

from pathlib import Path

from ..errors import Location, SourceError


def notes_path(config, period) -> Path | None:
    """output.word.notes in the period's data folder (placeholders filled); None when not configured."""
    from .collect import period_dir, period_formatter

    pattern = config.output.word.notes
    return period_dir(config, period) / period_formatter(period)(pattern) if pattern else None


def read_notes(path: Path) -> list[str]:
    """Non-empty paragraphs of the notes file; UTF-8 (with or without BOM) or GBK text, or a Word document."""
    if path.suffix.lower() == ".docx":
        from docx import Document

        try:
            return [p.text.strip() for p in Document(str(path)).paragraphs if p.text.strip()]
        except Exception as e:  # python-docx raises several types for a damaged package
            raise SourceError(
                Location(str(path)), f"无法打开说明文件（{type(e).__name__}），请用 Word 另存为 .docx"
            ) from e
    from ..text import decode_submitted

    text = decode_submitted(path.read_bytes())
    if text is None:
        raise SourceError(Location(str(path)), "说明文件既不是 UTF-8 也不是 GBK 编码的文本")
    return [line.strip() for line in text.splitlines() if line.strip()]
