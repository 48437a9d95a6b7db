"""Hostile inputs of a few hundred bytes or megabytes: a YAML alias bomb and an .xlsx whose sheet inflates
to gigabytes. Used by the tests (refused, with the message) and by `make bench` (how fast, how much memory)."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

# The classic "billion laughs": nine levels of nine aliases, 9⁹ strings once expanded.
BILLION_LAUGHS = "".join(
    [
        'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n',
        *(f"{b}: &{b} [{','.join([f'*{a}'] * 9)}]\n" for a, b in zip("abcdefgh", "bcdefghi")),
    ]
)

_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="指标" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
    ),
}


def write_inflating_xlsx(path: Path, megabytes: int = 1024) -> Path:
    """An .xlsx with one sheet, 指标, whose XML inflates to `megabytes` MB from about a thousandth of that.

    One 1 MB block of rows is deflated once (a full flush makes it self-contained) and repeated, so writing
    a 1 GB sheet takes a CRC pass, not a compression pass, and never holds more than a few MB."""
    row = b'<row r="1"><c r="A1" t="inlineStr"><is><t>lol</t></is></c></row>'
    block = row * (2**20 // len(row))
    head = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    )
    tail = b"</sheetData></worksheet>"
    squeeze = zlib.compressobj(9, zlib.DEFLATED, -15)
    deflated_block = squeeze.compress(block) + squeeze.flush(zlib.Z_FULL_FLUSH)
    entries = []
    with open(path, "wb") as out:

        def entry(name: str, pieces, raw_size: int, crc: int) -> None:
            offset = out.tell()
            encoded = name.encode()
            flags = 0x800  # UTF-8 names
            out.write(
                struct.pack(
                    "<4s5H3L2H", b"PK\x03\x04", 20, flags, 8, 0, 0x21, crc, 0, raw_size, len(encoded), 0
                )
            )
            out.write(encoded)
            start = out.tell()
            for piece in pieces:
                out.write(piece)
            size = out.tell() - start
            out.seek(offset + 18)
            out.write(struct.pack("<L", size))
            out.seek(0, 2)
            entries.append((encoded, flags, crc, size, raw_size, offset))

        for name, text in _PARTS.items():
            data = text.encode()
            co = zlib.compressobj(9, zlib.DEFLATED, -15)
            entry(name, [co.compress(data) + co.flush()], len(data), zlib.crc32(data))
        crc = zlib.crc32(head)
        for _ in range(megabytes):
            crc = zlib.crc32(block, crc)
        crc = zlib.crc32(tail, crc)
        co_head, co_tail = zlib.compressobj(9, zlib.DEFLATED, -15), zlib.compressobj(9, zlib.DEFLATED, -15)
        pieces = [
            co_head.compress(head) + co_head.flush(zlib.Z_FULL_FLUSH),
            *(deflated_block for _ in range(megabytes)),
            co_tail.compress(tail) + co_tail.flush(),
        ]
        entry("xl/worksheets/sheet1.xml", pieces, len(head) + megabytes * len(block) + len(tail), crc)
        directory = out.tell()
        for encoded, flags, crc, size, raw_size, offset in entries:
            out.write(
                struct.pack(
                    "<4s6H3L5H2L",
                    b"PK\x01\x02",
                    20,
                    20,
                    flags,
                    8,
                    0,
                    0x21,
                    crc,
                    size,
                    raw_size,
                    len(encoded),
                    0,
                    0,
                    0,
                    0,
                    0,
                    offset,
                )
            )
            out.write(encoded)
        end = out.tell()
        out.write(
            struct.pack(
                "<4s4H2LH", b"PK\x05\x06", 0, 0, len(entries), len(entries), end - directory, directory, 0
            )
        )
    return path


def refusal(kind: str, folder: Path) -> dict:
    """Run in a fresh process (`python -m benchmarks.bombs KIND FOLDER`): time and peak RSS of refusing one
    hostile input, the alias bomb (`yaml`) or a sheet inflating to 1 GB (`xlsx`)."""
    import resource
    import time

    from reportgen.errors import ReportgenError

    if kind == "yaml":
        from reportgen.config import load_config
        from reportgen.config.model import Config  # noqa: F401  (startup, not refusal)

        path = folder / "billion-laughs.yaml"
        path.write_text(BILLION_LAUGHS, encoding="utf-8")
        refuse = lambda: load_config(path)  # noqa: E731
    else:
        from reportgen.sources.workbook import Workbook

        path = write_inflating_xlsx(folder / "inflating.xlsx", 1024)
        from reportgen.config.model import InputLimits

        InputLimits()  # the model's import is startup, not refusal
        refuse = lambda: Workbook(path)  # noqa: E731
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    try:
        refuse()
        refused = False
    except ReportgenError:
        refused = True
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "input": kind,
        "bytes": path.stat().st_size,
        "refused": refused,
        "seconds": seconds,
        "peak_rss_mb": peak,
        "rss_before_mb": before,
    }


if __name__ == "__main__":
    import json
    import sys

    print(json.dumps(refusal(sys.argv[1], Path(sys.argv[2]))))
