"""Text normalisation shared by readers and filters (pure, stdlib only)."""

import re
import unicodedata


def normalize_text(value: object) -> str:
    """Full-width to half-width, drop all whitespace (incl. line breaks inside cells)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value)))
