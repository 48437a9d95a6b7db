"""The period folder: written beside the old one and swapped in, so a failed run leaves the old one intact."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
import tempfile
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

from .. import __version__


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@contextmanager
def staged_folder(target: Path):
    """Yield a temporary folder beside `target`; on success it replaces `target` in one rename."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(staging, 0o777 & ~umask)  # mkdtemp makes it private; the report folder is for colleagues too
    try:
        yield staging
    except OSError as e:
        shutil.rmtree(staging, ignore_errors=True)
        raise _named(e, staging, target) from e
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    old = target.with_name(f".{target.name}.old")
    if old.exists():
        shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        os.replace(target, old)
    os.replace(staging, target)
    shutil.rmtree(old, ignore_errors=True)


def _named(error: OSError, staging: Path, target: Path) -> OSError:
    """The error naming the output path it concerns: a failed write() ("No space left on device") names no file,
    and a file in the hidden staging folder is reported by where it was going."""
    name = error.filename
    if name is not None:
        try:
            name = target / Path(name).relative_to(staging)
        except ValueError:
            return error  # a path outside the staging folder (a template, a chart font…): already named
    return OSError(error.errno, error.strerror or str(error), str(name or target))


def remove_leftovers(target: Path) -> list[Path]:
    """Staging and old folders of `target` left by a run that was killed before it could tidy up. Call only
    while holding the period's lock: a live run of the same period would be using its own."""
    removed = []
    for leftover in [*target.parent.glob(f".{target.name}.*.tmp"), target.with_name(f".{target.name}.old")]:
        if leftover.is_dir():
            shutil.rmtree(leftover, ignore_errors=True)
            removed.append(leftover)
    return removed


def fixed_zip_times(package: bytes, when: datetime, edits: dict | None = None) -> bytes:
    """The same Office package with every zip entry stamped `when`, so generated files are byte-reproducible;
    `edits` maps an entry name to a function rewriting its bytes."""
    import io
    import zipfile

    src, out = zipfile.ZipFile(io.BytesIO(package)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=when.timetuple()[:6])
            entry.compress_type, entry.external_attr = zipfile.ZIP_DEFLATED, info.external_attr
            data = src.read(info.filename)
            if edits and info.filename in edits:
                data = edits[info.filename](data)
            dst.writestr(entry, data)
    return out.getvalue()


def stabilise_package(path: Path, when: date) -> None:
    """Make a generated .docx/.xlsx byte-reproducible: its zip entries and document properties (created,
    modified) stamped with the report date instead of the clock. The delivery ledger keys each message by its
    attachments' content hash, so a regeneration of unchanged figures must not look like new content."""
    import re

    stamp = datetime(when.year, when.month, when.day)
    package = path.read_bytes()
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")

    def core(xml: bytes) -> bytes:
        text = xml.decode("utf-8")
        text = re.sub(r"(<dcterms:(created|modified)\b[^>]*>)[^<]*(</dcterms:\2>)", rf"\g<1>{iso}\g<3>", text)
        return text.encode("utf-8")

    path.write_bytes(fixed_zip_times(package, stamp, {"docProps/core.xml": core}))


def stabilise_pdf(path: Path, when: date) -> None:
    """Make LibreOffice's PDF byte-reproducible: its creation/modification dates become the report date and its
    /ID a digest of the rest, each rewritten to the same length so the cross-reference offsets stay valid."""
    import re

    data = path.read_bytes()
    digits = when.strftime("%Y%m%d000000").encode()
    data = re.sub(rb"(/(?:CreationDate|ModDate)\s*\(D:)\d{14}", lambda m: m.group(1) + digits, data)
    trailer = data.rfind(b"trailer")
    if trailer >= 0:
        # /ID and /DocChecksum (in the trailer) derive from the conversion time: a digest of the body instead
        digest = hashlib.sha256(data[:trailer]).hexdigest().upper().encode()

        def same_length(match) -> bytes:
            return match.group(1) + digest[: len(match.group(2))]

        tail = re.sub(rb"(<)([0-9A-Fa-f]{8,64})(?=>)", same_length, data[trailer:])
        tail = re.sub(rb"(/DocChecksum\s*/)([0-9A-Fa-f]{8,64})", same_length, tail)
        data = data[:trailer] + tail
    path.write_bytes(data)


def _json_default(value):
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return vars(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"cannot write {type(value).__name__} to JSON")


def write_json(path: Path, data, pretty: bool = True) -> None:
    """JSON with dataclasses and dates; `pretty=False` lets the C encoder do the work (results of 20,000 projects)."""
    text = json.dumps(
        data,
        ensure_ascii=False,
        allow_nan=False,
        default=_json_default,
        **({"indent": 2} if pretty else {"separators": (",", ":")}),
    )
    path.write_text(text, encoding="utf-8")


def manifest(
    config_path: Path | None,
    inputs: list[Path],
    outputs: list[Path],
    period: str,
    now: datetime,
    data_dir: Path,
    output_dir: Path,
    hashes: dict[str, str] | None = None,
) -> dict:
    """What a run read and wrote; `hashes` (path → sha256, from the run's fingerprint) saves reading inputs twice."""
    known = hashes or {}

    def digest(p: Path) -> str:
        return known.get(str(p)) or sha256(p)

    def rel(p: Path) -> str:
        try:
            return str(p.relative_to(data_dir))
        except ValueError:
            return str(p)

    return {
        "reportgen_version": __version__,
        "period": period,
        "generated_at": now.isoformat(timespec="seconds"),
        "config": {"path": str(config_path), "sha256": digest(config_path)} if config_path else None,
        "inputs": [
            {"path": rel(p), "sha256": digest(p), "bytes": p.stat().st_size} for p in sorted(set(inputs))
        ],
        "outputs": [
            {"path": p.relative_to(output_dir).as_posix(), "sha256": sha256(p), "bytes": p.stat().st_size}
            for p in outputs
        ],
    }
