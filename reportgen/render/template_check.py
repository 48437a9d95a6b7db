"""Template checks for `validate`, without the heavy writers: Excel markers read with python-calamine, Word tags
parsed by Jinja2 from the document XML the way docxtpl prepares it. Same messages as a real run."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from ..errors import TemplateError
from .excel_fields import parse_markers


def check_excel_template(path: Path) -> None:
    from python_calamine import CalamineWorkbook

    from ..sources.workbook import cell_name

    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as e:  # calamine raises several types for damaged files
        raise TemplateError(f"Excel 模板 {path}：无法打开（{type(e).__name__}）") from None
    for name in book.sheet_names:
        rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        cells = ((r + 1, c + 1, cell_name(r, c), v) for r, row in enumerate(rows) for c, v in enumerate(row))
        parse_markers(cells, path.name, name)


# docxtpl's clean-up before Jinja2 sees the XML: tags split across runs are joined, XML removed inside tags.
_SPLIT_BRACE = re.compile(r"(?<={)(<[^>]*>)+(?=[\{%\#])|(?<=[%\}\#])(<[^>]*>)+(?=\})", re.S)
_INSIDE_TAG = re.compile(r"{%(?:(?!%}).)*|{#(?:(?!#}).)*|{{(?:(?!}}).)*", re.S)
_ENTITIES = {
    "&quot;": '"',
    "&apos;": "'",
    "&lt;": "<",
    "&gt;": ">",
    "&amp;": "&",
    "&#8216;": "'",
    "&#8217;": "'",
    "&#8220;": '"',
    "&#8221;": '"',
    "‘": "'",
    "’": "'",
    "“": '"',
    "”": '"',
}


def _jinja_source(xml: str) -> str:
    xml = _SPLIT_BRACE.sub("", xml)
    xml = _INSIDE_TAG.sub(lambda m: re.sub(r"</w:t>.*?(<w:t>|<w:t [^>]*>)", "", m.group(0), flags=re.S), xml)
    xml = re.sub(r"<[^>]+>", " ", xml)  # only the text matters from here
    xml = re.sub(r"{%\s*(?:p|tr|tc|r)\s", "{% ", xml)  # paragraph/row/cell/run level tags
    xml = re.sub(r"{%\s*(?:cellbg|colspan)\s+([^%]*)%}", r"{{ \1 }}", xml)
    xml = re.sub(r"{%\s*(?:vm|hm)\s*%}", "", xml)

    def unescape(m):
        text = m.group(0)
        for entity, char in _ENTITIES.items():
            text = text.replace(entity, char)
        return text

    return re.sub(r"{[{%].*?[%}]}", unescape, xml, flags=re.S)


def template_source(template: Path | bytes) -> str:
    """The Jinja text of a .docx (document, headers, footers) as docxtpl will see it."""
    import io

    name = template.name if isinstance(template, Path) else "内置模板"
    try:
        with zipfile.ZipFile(template if isinstance(template, Path) else io.BytesIO(template)) as z:
            parts = [n for n in z.namelist() if re.fullmatch(r"word/(document|header\d*|footer\d*)\.xml", n)]
            if "word/document.xml" not in parts:
                raise KeyError("word/document.xml")
            return "\n".join(_jinja_source(z.read(n).decode("utf-8", "replace")) for n in sorted(parts))
    except (zipfile.BadZipFile, KeyError, OSError):
        raise TemplateError(
            f"Word 模板 {name} 无法打开：须为 Word 2007 及以上的 .docx 文件，WPS 中请“另存为 .docx”"
        ) from None


_TAG = re.compile(r"{{.*?}}|{%.*?%}", re.S)


def refused_tag(source: str, attribute: str | None) -> tuple[int, str] | None:
    """(position among the template's tags, counted from 1; the tag's text) of the first tag that reaches for
    `attribute` (or, without one, for any name starting with "_")."""
    for n, m in enumerate(_TAG.finditer(source), start=1):
        text = re.sub(r"\s+", " ", m.group(0))
        # The attribute as a whole name: "append" must not match the variable appendix_lines.
        whole = attribute and re.search(rf"(?<!\w){re.escape(attribute)}(?!\w)", text)
        if whole or (not attribute and re.search(r"\b_\w*", text)):
            return n, text if len(text) <= 120 else text[:117] + "…"
    return None


def unsafe_tags(tree, source: str) -> list[tuple[int, str, str]]:
    """Tags reading an attribute the sandbox refuses (`__class__`, `_private`), found without rendering, so a
    branch the sample data does not take is checked too: (position, tag text, attribute)."""
    from jinja2 import nodes

    names = set()
    for node in tree.find_all((nodes.Getattr, nodes.Getitem, nodes.Filter)):
        if isinstance(node, nodes.Getattr):
            names.add(node.attr)
        elif isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
            names.add(node.arg.value)
        elif isinstance(node, nodes.Filter) and node.name == "attr" and node.args:
            arg = node.args[0]
            names.add(arg.value if isinstance(arg, nodes.Const) else "_")
    found = []
    for attr in sorted(a for a in names if isinstance(a, str) and a.startswith("_")):
        place = refused_tag(source, attr if attr != "_" else None)
        if place:
            found.append((*place, attr))
    return sorted(set(found))


def check_word_template(path: Path, known: set[str]) -> None:
    """Parse every tag of the template; names outside `known` are reported like a failed run would."""
    from jinja2 import Environment, TemplateSyntaxError, meta

    from .numbers import FILTERS
    from .word import explain

    if not path.is_file():
        raise TemplateError(f"Word 模板不存在：{path}（output.word.template；删去此项则使用内置模板）")
    source = template_source(path)
    env = Environment()
    env.filters.update(FILTERS)
    try:
        tree = env.parse(source)
        unknown = meta.find_undeclared_variables(tree) - known  # compiles: unknown filters fail here
    except TemplateSyntaxError as e:  # TemplateAssertionError (unknown filter) included
        near = " ".join(source.splitlines()[max((e.lineno or 1) - 2, 0) : (e.lineno or 1) + 1]).strip()
        near = re.sub(r"\s+", " ", near)[:120]
        raise TemplateError(
            f"Word 模板 {path.name} 语法错误：{explain(e.message)}；出错位置附近的文字：“{near}”"
        ) from None
    refused = unsafe_tags(tree, source)
    if refused:
        n, tag, attr = refused[0]
        raise TemplateError(
            f"Word 模板 {path.name}：第 {n} 个标签 {tag} 试图访问不允许的属性“{attr}”，已被沙箱拒绝"
            f"（模板只能使用报告变量与过滤器，见 README“Word 模板”）"
        )
    if unknown:
        raise TemplateError(
            f"Word 模板 {path.name} 使用了不存在的变量：{'、'.join(sorted(unknown))}"
            f"（可用变量见 README“Word 模板”一节）"
        )
