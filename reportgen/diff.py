"""What changed between two results.json files — this period against last month, or against the previous run
of the same period — before anything goes out: figures (by how much), lights, ranks, and which submissions
changed, each with where its figure was read (file › sheet › cell).

`compare` is pure (two plain dicts in, a ResultsDiff out). `keep_results` and `previous_run_results` keep the
results.json of earlier runs of a period in the state folder, since each run replaces the period's folder.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

LIGHTS = {"green": "绿灯", "yellow": "黄灯", "red": "红灯", "none": "未报送"}
KEEP = 20  # earlier results kept per period


@dataclass(frozen=True)
class FigureChange:
    id: str
    name: str
    owner: str
    unit: str
    old: float | None
    new: float | None
    old_completion: float | None  # fractions (0.562)
    new_completion: float | None
    old_light: str
    new_light: str
    source: str  # where the new figure was read (or the old one, when the new is missing)
    old_source: str

    @property
    def delta(self) -> float | None:
        return None if self.old is None or self.new is None else self.new - self.old

    @property
    def completion_delta(self) -> float | None:
        """百分点"""
        if self.old_completion is None or self.new_completion is None:
            return None
        return (self.new_completion - self.old_completion) * 100

    @property
    def light_changed(self) -> bool:
        return self.old_light != self.new_light

    @property
    def old_light_name(self) -> str:
        return LIGHTS.get(self.old_light, self.old_light)

    @property
    def new_light_name(self) -> str:
        return LIGHTS.get(self.new_light, self.new_light)

    @property
    def source_changed(self) -> bool:
        return _file(self.source) != _file(self.old_source)


@dataclass(frozen=True)
class RankChange:
    department: str
    old: int | None
    new: int | None


@dataclass
class ResultsDiff:
    old_label: str
    new_label: str
    figures: list[FigureChange] = field(default_factory=list)  # only those that changed
    ranks: list[RankChange] = field(default_factory=list)
    added: list[str] = field(default_factory=list)  # indicators only in the new results
    removed: list[str] = field(default_factory=list)
    newly_missing: list[str] = field(default_factory=list)  # 缺报 now, not before
    now_submitted: list[str] = field(default_factory=list)  # 缺报 before, not now
    unchanged: int = 0

    @property
    def lights(self) -> list[FigureChange]:
        return [f for f in self.figures if f.light_changed]

    @property
    def empty(self) -> bool:
        return not (self.figures or self.ranks or self.added or self.removed or self.newly_missing) and not (
            self.now_submitted
        )


def _file(source: str) -> str:
    return source.split(" › ", 1)[0].split("/", 1)[-1] if source else ""


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def compare(old: dict, new: dict, old_label: str = "", new_label: str = "") -> ResultsDiff:
    """The changes from `old` to `new` (both as written to results.json)."""
    diff = ResultsDiff(old_label, new_label)
    before = {i["id"]: i for i in old.get("indicators", [])}
    for ind in new.get("indicators", []):
        was = before.pop(ind["id"], None)
        if was is None:
            diff.added.append(ind["name"])
            continue
        change = FigureChange(
            ind["id"],
            ind["name"],
            ind.get("owner", ""),
            ind.get("unit", ""),
            was.get("actual"),
            ind.get("actual"),
            was.get("completion"),
            ind.get("completion"),
            was.get("light", "none"),
            ind.get("light", "none"),
            ind.get("source") or was.get("source", ""),
            was.get("source", ""),
        )
        if (
            _same(change.old, change.new)
            and _same(change.old_completion, change.new_completion)
            and not change.light_changed
        ):
            diff.unchanged += 1
        else:
            diff.figures.append(change)
    diff.removed = [i["name"] for i in before.values()]
    old_ranks = {d["name"]: d.get("rank") for d in old.get("departments", [])}
    for d in new.get("departments", []):
        if old_ranks.get(d["name"]) != d.get("rank"):
            diff.ranks.append(RankChange(d["name"], old_ranks.get(d["name"]), d.get("rank")))
    old_missing, new_missing = _missing(old), _missing(new)
    diff.newly_missing = sorted(new_missing - old_missing)
    diff.now_submitted = sorted(old_missing - new_missing)
    return diff


def _missing(results: dict) -> set[str]:
    out = set()
    for m in results.get("missing", []):
        out.add(m if isinstance(m, str) else "、".join(str(x) for x in m if isinstance(x, str)))
    return out


# ---------------------------------------------------------------- earlier runs of one period
def _kept(state: Path, period: str) -> Path:
    return state / "results" / period


def keep_results(state: Path, output: Path, period: str) -> Path | None:
    """Copy the period's current results.json into the state folder (once per distinct content)."""
    source = output / period / "results.json"
    try:
        data = source.read_bytes()
    except OSError:
        return None
    folder = _kept(state, period)
    folder.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256(data).hexdigest()[:16]
    existing = sorted(folder.glob("*.json"))
    if existing and existing[-1].name.endswith(f"-{digest}.json"):
        return existing[-1]
    target = folder / f"{len(existing) + 1:06d}-{digest}.json"
    shutil.copyfile(source, target)
    for old in existing[: max(0, len(existing) + 1 - KEEP)]:
        old.unlink(missing_ok=True)
    return target


def previous_run_results(state: Path, output: Path, period: str) -> dict | None:
    """The results of the latest earlier run of `period` whose results differ from the current ones."""
    try:
        current = hashlib.sha256((output / period / "results.json").read_bytes()).hexdigest()[:16]
    except OSError:
        current = ""
    for kept in sorted(_kept(state, period).glob("*.json"), reverse=True):
        if not kept.name.endswith(f"-{current}.json"):
            return json.loads(kept.read_text(encoding="utf-8"))
    return None
