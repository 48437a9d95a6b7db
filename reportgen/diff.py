"""What changed between two results.json files — this period against last month, or against the previous run
of the same period — before anything goes out: figures (by how much), lights, ranks, and which submissions
changed, each with where its figure was read (file › sheet › cell).

`compare` is pure (two plain dicts in, a ResultsDiff out). `keep_results` and `previous_run` keep the results and
inputs (manifest.json) of earlier runs of a period in the state folder, since each run replaces the period's
folder.
"""

from __future__ import annotations

import hashlib
import json
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


@dataclass(frozen=True)
class InputChange:
    file: str  # the submitted file's name, without the period folder
    change: str  # 新增 / 缺少 / 内容有变化
    source: str  # where it was read, as in the manifest (2024-06/主要经济指标.xlsx)


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
    inputs: list[InputChange] = field(default_factory=list)  # submissions added, gone or changed
    unchanged: int = 0

    @property
    def lights(self) -> list[FigureChange]:
        return [f for f in self.figures if f.light_changed]

    @property
    def empty(self) -> bool:
        return not (self.figures or self.ranks or self.added or self.removed or self.newly_missing) and not (
            self.now_submitted or self.inputs
        )


def _file(source: str) -> str:
    return source.split(" › ", 1)[0].split("/", 1)[-1] if source else ""


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def compare(
    old: dict,
    new: dict,
    old_label: str = "",
    new_label: str = "",
    *,
    old_inputs: list[dict] = (),
    new_inputs: list[dict] = (),
    same_period: bool = True,
) -> ResultsDiff:
    """The changes from `old` to `new` (both as written to results.json); with the runs' inputs (manifest.json ›
    inputs: path and sha256 of each submitted file), also which submissions were added, went or — between two runs
    of the same period (`same_period`; every file of a new month differs from last month's) — changed."""
    inputs = compare_inputs(old_inputs, new_inputs)
    if not same_period:
        inputs = [i for i in inputs if i.change != "内容有变化"]
    diff = ResultsDiff(old_label, new_label, inputs=inputs)
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


def compare_inputs(old: list[dict], new: list[dict]) -> list[InputChange]:
    """Submitted files by name (the period folder left out, so months compare): added, gone, changed."""
    before = {_name(i["path"]): i for i in old}
    after = {_name(i["path"]): i for i in new}
    changes = [InputChange(name, "新增", after[name]["path"]) for name in sorted(after) if name not in before]
    changes += [
        InputChange(name, "缺少", before[name]["path"]) for name in sorted(before) if name not in after
    ]
    changes += [
        InputChange(name, "内容有变化", after[name]["path"])
        for name in sorted(after)
        if name in before and after[name].get("sha256") != before[name].get("sha256")
    ]
    return changes


def _name(path: str) -> str:
    return path.replace("\\", "/").split("/", 1)[-1]


def _missing(results: dict) -> set[str]:
    out = set()
    for m in results.get("missing", []):
        out.add(m if isinstance(m, str) else "、".join(str(x) for x in m if isinstance(x, str)))
    return out


# ---------------------------------------------------------------- earlier runs of one period
def _snapshot(output: Path, period: str) -> bytes | None:
    """The period's results.json and the submissions it was computed from (manifest.json › inputs)."""
    try:
        results = json.loads((output / period / "results.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    try:
        inputs = json.loads((output / period / "manifest.json").read_text(encoding="utf-8")).get("inputs", [])
    except (OSError, ValueError):
        inputs = []
    return json.dumps({"results": results, "inputs": inputs}, ensure_ascii=False, sort_keys=True).encode()


def keep_results(state: Path, output: Path, period: str) -> Path | None:
    """Keep the period's current results and inputs in the state folder (once per distinct content), so the
    next run of the period can be compared with this one."""
    data = _snapshot(output, period)
    if data is None:
        return None
    folder = state / "results" / period
    folder.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256(data).hexdigest()[:16]
    existing = sorted(folder.glob("*.json"))
    if existing and existing[-1].name.endswith(f"-{digest}.json"):
        return existing[-1]
    target = folder / f"{len(existing) + 1:06d}-{digest}.json"
    target.write_bytes(data)
    for old in existing[: max(0, len(existing) + 1 - KEEP)]:
        old.unlink(missing_ok=True)
    return target


def previous_run(state: Path, output: Path, period: str) -> dict | None:
    """{"results": …, "inputs": […]} of the latest earlier run of `period` that differs from the current one."""
    data = _snapshot(output, period)
    current = hashlib.sha256(data).hexdigest()[:16] if data else ""
    for kept in sorted((state / "results" / period).glob("*.json"), reverse=True):
        if not kept.name.endswith(f"-{current}.json"):
            return json.loads(kept.read_text(encoding="utf-8"))
    return None


def current_inputs(output: Path, period: str) -> list[dict]:
    data = _snapshot(output, period)
    return json.loads(data)["inputs"] if data else []
