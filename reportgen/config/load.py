"""Read YAML safely, keep line numbers, validate into `Config`, report every problem with its key path."""

from __future__ import annotations

import difflib
import re
import types
from pathlib import Path
from typing import Any, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError

from ..errors import ConfigError, ProblemList
from ..text import normalize_text
from .model import DERIVED_KEYS, INDICATOR_MODELS, Config, KeyProblem

_MESSAGES = {
    "missing": "缺少必填项",
    "float_parsing": "应为数字",
    "float_type": "应为数字",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "string_type": "应为文字",
    "bool_parsing": "应为 true 或 false",
    "bool_type": "应为 true 或 false",
    "list_type": "应为列表",
    "dict_type": "应为键值对（映射）",
    "model_type": "应为键值对（映射）",
    "too_short": "不能为空",
}


def load_config(path: str | Path) -> Config:
    """Load and validate a config file; raise ProblemList with one ConfigError per problem."""
    path = Path(path)
    name = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_CONFIG_BYTES:
            raise ConfigError(
                "",
                f"配置文件过大（{size / 2**20:.1f} MB，上限 {MAX_CONFIG_BYTES // 2**20} MB），已拒绝读取；"
                f"配置只应写指标、目标和来源，数据请放在本期报表中",
                file=name,
            )
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError("", "配置文件不存在", file=name) from None
    except UnicodeDecodeError:
        raise ConfigError("", "配置文件应以 UTF-8 编码保存", file=name) from None
    except OSError as e:
        raise ConfigError("", f"无法读取配置文件：{e.strerror}", file=name) from None
    # One parse gives both the nodes (line numbers) and the data; libyaml's parser when it is there.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    try:
        _check_aliases(text, name)
        node = loader.get_single_node()
        lines: dict[tuple, int] = {}
        problems: list[ConfigError] = []
        # Indexed before construction, which folds merge keys (<<: *anchor) into the mapping's own keys.
        _index_lines(node, (), lines, problems, name)
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        problem = getattr(e, "problem", None) or str(e)
        line = mark.line + 1 if mark else None
        raise ConfigError(
            "", f"YAML 语法错误（{problem}）{_yaml_hint(text, line)}", line=line, file=name
        ) from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise ConfigError("", "配置文件应为键值对（zone: …、year: …、indicators: …）", file=name)
    problems += [
        ConfigError(_dotted(keys), message, _line(lines, keys), name) for keys, message in cross_check(data)
    ]
    try:
        config = Config.model_validate({**data, "base_dir": path.resolve().parent})
    except ValidationError as e:
        for err in e.errors():
            keys = _data_path(data, err["loc"])
            tag = str((err.get("ctx") or {}).get("discriminator", "")).strip("'")
            if err["type"] in ("union_tag_invalid", "union_tag_not_found") and tag.isidentifier():
                keys = (*keys, tag)  # point at the kind: line itself
            error = (err.get("ctx") or {}).get("error")
            if isinstance(error, KeyProblem):  # a cross-field rule that belongs to one key of the model
                keys = (*keys, *error.key.split("."))
            problems.append(ConfigError(_dotted(keys), _message(err, keys), _line(lines, keys), name))
    if problems:
        raise ProblemList(_unique(problems))
    template = config.output.excel.template
    if template is not None and not config.resolve(template).is_file():
        raise ConfigError(
            "output.excel.template",
            f"模板文件不存在：{config.resolve(template)}",
            _line(lines, ("output", "excel", "template")),
            name,
        )
    return config


MAX_CONFIG_BYTES = 2 * 2**20
MAX_ALIAS_NODES = 10_000  # nodes that aliases add once expanded; a few anchored `source` dicts add dozens


def _check_aliases(text: str, name: str) -> None:
    """Refuse a config whose aliases (*anchor) would expand into more than MAX_ALIAS_NODES nodes — a
    "billion laughs" text of a few hundred bytes expands to 10⁹ — or that refers to itself, before anything
    walks the tree. Counted on the parser's events, so nothing is expanded to count it."""
    sizes: dict[str, int] = {}  # anchor -> nodes in its expanded value
    open_: list[tuple[str | None, int]] = []  # enclosing collections: (anchor, node count at their start)
    total = added = 0
    events = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    try:
        while (event := events.get_event()) is not None:
            if isinstance(event, yaml.AliasEvent):
                anchor = event.anchor
                if any(a == anchor for a, _ in open_):
                    raise ConfigError(
                        "",
                        f"YAML 别名 *{anchor} 引用了包含它自身的 &{anchor}（循环引用），已拒绝读取",
                        event.start_mark.line + 1,
                        name,
                    )
                grown = sizes.get(anchor, 1)
                total += grown
                added += grown
                if added > MAX_ALIAS_NODES:
                    raise ConfigError(
                        "",
                        f"配置文件使用了过多的 YAML 别名（*{anchor}），展开后超过 {MAX_ALIAS_NODES} 项，"
                        f"已拒绝读取；请把重复的内容直接写出，或只用少量 &锚点/*别名",
                        event.start_mark.line + 1,
                        name,
                    )
            elif isinstance(event, (yaml.ScalarEvent, yaml.CollectionStartEvent)):
                total += 1
                if isinstance(event, yaml.CollectionStartEvent):
                    open_.append((event.anchor, total - 1))
                elif event.anchor:
                    sizes[event.anchor] = 1
            elif isinstance(event, yaml.CollectionEndEvent):
                anchor, start = open_.pop()
                if anchor:
                    sizes[anchor] = total - start
    finally:
        events.dispose()


def _yaml_hint(text: str, line: int | None) -> str:
    """What usually causes the error near `line`: full-width colons, tabs, unquoted braces, indentation."""
    lines = text.splitlines()
    near = [(n, lines[n - 1]) for n in (line - 1, line, (line or 0) + 1) if line and 0 < n <= len(lines)]
    for n, content in near:
        if "\t" in content:
            return f"：第 {n} 行含 Tab，缩进只能用空格"
        if "：" in content.split("#")[0] and ":" not in content.split("#")[0]:
            return f"：第 {n} 行用了中文冒号“：”，键后应为英文冒号加空格“: ”"
        if "{month" in content or "{year" in content or "{span" in content:
            return f'：第 {n} 行含 {{month}} 等占位符的值要加英文双引号，如 column: "1-{{month}}月累计"'
    return "：请检查该行及上一行的缩进（同一层级的键要对齐，只用空格）和冒号后的空格"


EMAIL = re.compile(r"[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+")


def cross_check(data: dict) -> list[tuple[tuple, str]]:
    """Rules across keys, checked on the raw data so they are reported together with structural errors:
    unique ids, known owners/ledgers/groups, 力争 not below 确保."""
    out: list[tuple[tuple, str]] = []
    departments = []
    for d in _list(data.get("departments")):
        names = (
            [d]
            if isinstance(d, str)
            else [d.get("name"), *_list(d.get("aliases"))]
            if isinstance(d, dict)
            else []
        )
        departments.append([normalize_text(n) for n in names if isinstance(n, str)])
    known = "、".join(d[0] for d in departments if d) or "无"
    flat = [n for d in departments for n in d]
    for n in set(flat):
        if flat.count(n) > 1:
            out.append((("departments",), f"责任单位“{n}”重复"))
    ledgers = data.get("ledgers") if isinstance(data.get("ledgers"), dict) else {}
    groups = _list(data.get("groups"))
    seen: dict[str, int] = {}
    for i, ind in enumerate(_list(data.get("indicators"))):
        if not isinstance(ind, dict):
            continue
        ind_id = ind.get("id")
        if isinstance(ind_id, str) and ind_id in seen:
            out.append((("indicators", i, "id"), f"指标 id “{ind_id}”与 indicators[{seen[ind_id]}] 重复"))
        elif isinstance(ind_id, str):
            seen[ind_id] = i
        owner = ind.get("owner")
        if isinstance(owner, str) and departments and normalize_text(owner) not in flat:
            out.append((("indicators", i, "owner"), f"责任单位“{owner}”不在 departments 中（现有：{known}）"))
        group = ind.get("group")
        if groups and group is not None and group not in groups:
            out.append(
                (
                    ("indicators", i, "group"),
                    f"分组“{group}”不在 groups 中（现有：{'、'.join(map(str, groups))}）",
                )
            )
        source = ind.get("source")
        if isinstance(source, dict) and "ledger" in source and source["ledger"] not in ledgers:
            out.append(
                (
                    ("indicators", i, "source", "ledger"),
                    f"台账“{source['ledger']}”未在 ledgers 中定义（现有：{'、'.join(ledgers) or '无'}）",
                )
            )
        if isinstance(source, dict) and ("ledger" in source or any(k in source for k in DERIVED_KEYS)):
            what = "台账" if "ledger" in source else "合计/比值"
            for key in ("last_year", "yoy", "last_year_completion", "last_year_target", "target", "stretch"):
                partial = ind.get(key)
                if isinstance(partial, dict) and not all(partial.get(k) for k in ("file", "row")):
                    out.append(
                        (("indicators", i, key), f"来源是{what}时，{key} 需写明 file 和 row（以及 column）")
                    )
        # A target read from the sheet is checked once read (validate/run); a config `value` is checked here.
        target, stretch = _config_number(ind.get("target")), _config_number(ind.get("stretch"))
        if _is_number(target) and _is_number(stretch):
            from ..kinds import KINDS

            lower = KINDS[ind["kind"]].lower_is_better if ind.get("kind") in KINDS else False
            if lower and stretch > target:
                out.append(
                    (
                        ("indicators", i, "stretch"),
                        f"控制类指标的力争目标 stretch（{stretch:g}）不能高于确保目标 target（{target:g}）",
                    )
                )
            elif not lower and stretch < target:
                out.append(
                    (
                        ("indicators", i, "stretch"),
                        f"力争目标 stretch（{stretch:g}）不能低于确保目标 target（{target:g}）",
                    )
                )
    out += derived_checks(_list(data.get("indicators")))
    for name, ledger in ledgers.items():
        owner = ledger.get("owner") if isinstance(ledger, dict) else None
        if isinstance(owner, str) and departments and normalize_text(owner) not in flat:
            out.append((("ledgers", name, "owner"), f"责任单位“{owner}”不在 departments 中（现有：{known}）"))
    source_data = data.get("data") if isinstance(data.get("data"), dict) else {}
    for i, item in enumerate(_list(source_data.get("expected"))):
        owner = item.get("department") if isinstance(item, dict) else None
        if isinstance(owner, str) and departments and normalize_text(owner) not in flat:
            out.append(
                (
                    ("data", "expected", i, "department"),
                    f"责任单位“{owner}”不在 departments 中（现有：{known}）",
                )
            )
    mail = data.get("mail") if isinstance(data.get("mail"), dict) else {}
    for key in ("leaders", "admin", "cc"):
        for i, address in enumerate(_list(mail.get(key))):
            if not isinstance(address, str) or not EMAIL.fullmatch(address.strip()):
                out.append((("mail", key, i), f"邮箱地址“{address}”格式不对，应如 name@example.gov.cn"))
    for i, d in enumerate(_list(data.get("departments"))):
        for j, address in enumerate(_list(d.get("email")) if isinstance(d, dict) else []):
            if not isinstance(address, str) or not EMAIL.fullmatch(address.strip()):
                out.append(
                    (("departments", i, "email", j), f"邮箱地址“{address}”格式不对，应如 name@example.gov.cn")
                )
    output = data.get("output") if isinstance(data.get("output"), dict) else {}
    word = output.get("word") if isinstance(output.get("word"), dict) else {}
    for i, key_id in enumerate(_list(word.get("key_indicators"))):
        if key_id not in seen:
            out.append(
                (
                    ("output", "word", "key_indicators", i),
                    f"指标 id “{key_id}”不在 indicators 中（现有：{'、'.join(list(seen)[:12])}…）",
                )
            )
    return out


RATIO_KINDS = ("share", "growth", "cap")


def derived_checks(indicators: list) -> list[tuple[tuple, str]]:
    """Rows computed from other rows (`source: {sum: […]}` / `{ratio: [分子, 分母]}`): every part is a known
    indicator with a value, nothing refers to itself or round in a cycle, and the units agree or convert."""
    from ..sources.values import unit_family

    def convertible(a: str, b: str) -> bool:
        return a == b or (unit_family(a) is not None and unit_family(a) == unit_family(b))

    by_id = {}
    for i, ind in enumerate(indicators):
        if isinstance(ind, dict) and isinstance(ind.get("id"), str):
            by_id.setdefault(ind["id"], (i, ind))
    out: list[tuple[tuple, str]] = []
    graph: dict[str, list[str]] = {}
    for i, ind in enumerate(indicators):
        source = ind.get("source") if isinstance(ind, dict) else None
        if not isinstance(source, dict) or "ledger" in source:
            continue
        op = next((k for k in DERIVED_KEYS if k in source), None)
        if op is None or not isinstance(source[op], list) or ind.get("kind") == "milestone":
            continue  # a milestone's source is always a sheet: the model names the wrong keys
        key = ("indicators", i, "source", op)
        kind, unit = ind.get("kind"), _unit_of(ind)
        known = []
        for j, part in enumerate(source[op]):
            other = by_id.get(part, (None, None))[1] if isinstance(part, str) else None
            if part == ind.get("id"):
                out.append(((*key, j), f"不能引用指标自身“{part}”"))
            elif other is None:
                shown = "、".join(list(by_id)[:12]) + ("…" if len(by_id) > 12 else "")
                out.append(((*key, j), f"指标 id “{part}”不在 indicators 中（现有：{shown or '无'}）"))
            elif other.get("kind") == "milestone":
                out.append(
                    ((*key, j), f"“{other.get('name', part)}”是节点任务（milestone），没有可计算的数值")
                )
            else:
                known.append((j, part, other))
        if isinstance(ind.get("id"), str):
            graph[ind["id"]] = [part for _, part, _ in known]
        if op == "ratio":
            if kind not in RATIO_KINDS:
                out.append(
                    (
                        key,
                        f"比值（分子 ÷ 分母 × 100，单位 %）只用于 {'、'.join(RATIO_KINDS)} 类指标，"
                        f"本指标为 {kind}",
                    )
                )
            elif unit != "%":
                out.append(
                    (
                        ("indicators", i, "unit"),
                        f"比值来源的指标单位应为 %（分子 ÷ 分母 × 100），现为“{unit}”",
                    )
                )
            if len(known) == 2 and not convertible(_unit_of(known[0][2]), _unit_of(known[1][2])):
                a, b = _unit_of(known[0][2]) or "无单位", _unit_of(known[1][2]) or "无单位"
                out.append((key, f"分子的单位“{a}”与分母的单位“{b}”不一致，也不能换算"))
            continue
        for j, part, other in known:
            name, other_unit = other.get("name", part), _unit_of(other)
            if kind == "growth":  # a growth of a sum: the parts are amounts, added this year and last year
                if other.get("kind") in ("growth", "share"):
                    out.append(
                        (
                            (*key, j),
                            f"增速的合计由各项金额（或数量）相加再算增速，“{name}”是 {other['kind']} 类",
                        )
                    )
                elif known and not convertible(other_unit, _unit_of(known[0][2])):
                    first = known[0][2].get("name", known[0][1])
                    out.append(
                        (
                            (*key, j),
                            f"“{name}”的单位“{other_unit or '无单位'}”与“{first}”的单位"
                            f"“{_unit_of(known[0][2]) or '无单位'}”不一致，也不能换算",
                        )
                    )
            elif kind == "share" and other.get("kind") != "share":
                out.append(
                    ((*key, j), f"占比的合计只能由占比（share）相加，“{name}”是 {other.get('kind')} 类")
                )
            elif not convertible(other_unit, unit):
                out.append(
                    (
                        (*key, j),
                        f"“{name}”的单位“{other_unit or '无单位'}”与本指标的单位“{unit or '无单位'}”"
                        f"不一致，也不能换算",
                    )
                )
    out += _cycles(graph, by_id)
    return out


def _cycles(graph: dict[str, list[str]], by_id: dict) -> list[tuple[tuple, str]]:
    """One problem per cycle of derived rows, at the source of its first indicator in config order."""
    out, seen, done = [], set(), set()

    def visit(node: str, path: list[str]) -> None:
        if node in path:
            cycle = path[path.index(node) :]
            if frozenset(cycle) not in seen:
                seen.add(frozenset(cycle))
                first = min(cycle, key=lambda n: by_id[n][0])
                k = cycle.index(first)
                ring = cycle[k:] + cycle[:k] + [first]
                out.append((("indicators", by_id[first][0], "source"), f"循环引用：{' → '.join(ring)}"))
            return
        if node in done:
            return
        for part in graph.get(node, ()):
            visit(part, [*path, node])
        done.add(node)

    for node in graph:
        visit(node, [])
    return out


def _unit_of(ind: dict) -> str:
    """The indicator's unit as the model will have it (the kind's default when not written)."""
    unit = ind.get("unit")
    if isinstance(unit, str):
        return unit
    model = INDICATOR_MODELS.get(ind.get("kind"))
    return model.model_fields["unit"].default if model is not None and "unit" in model.model_fields else ""


def _list(value) -> list:
    return value if isinstance(value, list) else []


def _config_number(value):
    """The number a target or stretch gives in the config: itself, or the `value:` of a sheet reference."""
    return value.get("value") if isinstance(value, dict) else value


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _index_lines(node, keys: tuple, lines: dict, problems: list, name: str) -> None:
    if node is None:
        return
    lines[keys] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen = set()
        for key_node, value_node in node.value:
            key = key_node.value
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag.endswith(":int"):
                key = int(key)
            if key in seen:
                problems.append(
                    ConfigError(
                        _dotted((*keys, key)),
                        "键重复出现（后一个会覆盖前一个）",
                        key_node.start_mark.line + 1,
                        name,
                    )
                )
            seen.add(key)
            lines[(*keys, key)] = key_node.start_mark.line + 1
            _index_lines(value_node, (*keys, key), lines, problems, name)
            lines[(*keys, key)] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _index_lines(item, (*keys, i), lines, problems, name)


def _data_path(data: Any, loc: tuple) -> tuple:
    """Keep the parts of a pydantic error location that index into the YAML data (drop union tags)."""
    keys: list = []
    current = data
    for previous, part in zip((None, *loc), loc):
        if previous == "source" and part in ("cell", "ledger", "derived"):
            continue  # the tag of the Source union, not the `ledger:` key of a ledger source
        if isinstance(current, dict) and part in current:
            keys.append(part)
            current = current[part]
        elif isinstance(current, list) and isinstance(part, int) and part < len(current):
            keys.append(part)
            current = current[part]
        elif (
            isinstance(current, dict)
            and isinstance(part, str)
            and part[:1].islower()
            and "[" not in part
            and part not in ("cell", "ledger", "derived", *INDICATOR_MODELS)
            and not part.startswith(("function-", "list[", "dict[", "union["))
        ):
            keys.append(part)  # a missing key: name it even though the data lacks it
            current = None
    return tuple(keys)


def _dotted(keys: tuple) -> str:
    out = ""
    for k in keys:
        out += f"[{k}]" if isinstance(k, int) else (f".{k}" if out else str(k))
    return out


def _line(lines: dict, keys: tuple) -> int | None:
    for n in range(len(keys), -1, -1):
        if keys[:n] in lines:
            return lines[keys[:n]]
    return None


def _message(err: dict, keys: tuple) -> str:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if kind == "extra_forbidden":
        allowed = _allowed_keys(err["loc"])
        key = keys[-1] if keys else err["loc"][-1]
        hint = ""
        if allowed:
            close = difflib.get_close_matches(str(key), allowed, n=1)
            hint = f"，是否应为“{close[0]}”？" if close else f"，可用的键：{'、'.join(allowed)}"
        return f"未知的配置项“{key}”{hint}"
    if kind == "value_error":
        return str(ctx.get("error", err["msg"]))
    if kind == "union_tag_invalid":
        return f"kind 应为 {ctx.get('expected_tags')} 之一，而不是“{ctx.get('tag')}”"
    if kind == "union_tag_not_found":
        return "缺少 kind（指标类型：cumulative、count、growth、share、cap、milestone）"
    if kind == "literal_error":
        return f"应为 {str(ctx.get('expected')).replace(' or ', '、')} 之一"
    if kind in ("greater_than", "greater_than_equal", "less_than_equal"):
        op = {"greater_than": ">", "greater_than_equal": "≥", "less_than_equal": "≤"}[kind]
        bound = ctx.get("gt", ctx.get("ge", ctx.get("le")))
        return f"应 {op} {bound:g}，现为 {err.get('input')!r}"
    if kind == "string_pattern_mismatch":
        return "只能由英文字母、数字和下划线组成，且不以数字开头（如 fai、new_starts）"
    base = _MESSAGES.get(kind, err["msg"])
    if "数值" in err["loc"] and kind in ("float_parsing", "float_type"):
        column = {"last_year_completion": "去年同期完成率", "last_year_target": "上年目标"}.get(
            str(keys[-1]) if keys else "", "确保"
        )
        base += f"（或写 {{column: {column}}} 从报表该行读取）"
    got = err.get("input")
    if kind != "missing" and not isinstance(got, (dict, list)):
        base += f"，现为 {got!r}"
    return base


def _allowed_keys(loc: tuple) -> list[str]:
    """Field names of the model that holds the unknown key, found by walking the model types."""
    model: Any = Config
    for part in loc[:-1]:
        model = _step(model, part)
        if model is None:
            return []
    from typing import Annotated, Union

    while get_origin(model) is Annotated:
        model = get_args(model)[0]
    if get_origin(model) in (Union, types.UnionType):  # yoy: PartialSource | None
        models = [a for a in get_args(model) if isinstance(a, type) and issubclass(a, BaseModel)]
        model = models[0] if len(models) == 1 else None
    if isinstance(model, type) and issubclass(model, BaseModel):
        return [n for n, f in model.model_fields.items() if not f.exclude]
    return []


def _step(tp: Any, part: Any) -> Any:
    from typing import Annotated, Union

    from . import model as m

    named = {
        **m.INDICATOR_MODELS,
        "cell": m.CellSource,
        "ledger": m.LedgerSource,
        "derived": m.DerivedSource,
        "报表列": m.SheetTarget,
    }
    if isinstance(part, str) and part in named:
        return named[part]
    while get_origin(tp) is Annotated:
        tp = get_args(tp)[0]
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        field = tp.model_fields.get(part)
        return field.annotation if field else None
    origin = get_origin(tp)
    if origin is list and isinstance(part, int):
        return get_args(tp)[0]
    if origin is dict:
        return get_args(tp)[1]
    if origin in (Union, types.UnionType):
        for arg in get_args(
            tp
        ):  # pydantic names the member it tried: loc (…, "last_year", "PartialSource", …)
            if getattr(arg, "__name__", None) == part:
                return arg
        for arg in get_args(tp):
            got = _step(arg, part)
            if got is not None:
                return got
        models = [a for a in get_args(tp) if isinstance(a, type) and issubclass(a, BaseModel)]
        if isinstance(part, str) and len(models) == 1:
            return _step(models[0], part)
    return tp if isinstance(part, str) and part in getattr(tp, "__name__", "") else None


def _unique(problems: list[ConfigError]) -> list[ConfigError]:
    seen, out = set(), []
    for p in problems:
        if str(p) not in seen:
            seen.add(str(p))
            out.append(p)
    return out
