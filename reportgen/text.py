"""Text normalisation shared by readers and filters (pure, stdlib only)."""

import re
import unicodedata
from functools import lru_cache

_SPACE = re.compile(r"\s+")


def normalize_text(value: object) -> str:
    """Full-width to half-width, drop all whitespace (incl. line breaks inside cells)."""
    return _normalize(value if isinstance(value, str) else str(value))


def decode_submitted(data: bytes) -> str | None:
    """Text files from office PCs: UTF-8 (with or without BOM) or GBK/GB18030; None when neither."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


@lru_cache(maxsize=1 << 16)
def _normalize(text: str) -> str:
    # Cells repeat (owners, categories, placeholders): worth remembering.
    return _SPACE.sub("", unicodedata.normalize("NFKC", text))
