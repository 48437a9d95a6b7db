"""The leadership report: the period's context (render/report.py) and charts poured into a docxtpl template."""

from __future__ import annotations

import io
import re
from functools import lru_cache
from pathlib import Path

from ..errors import TemplateError
from . import numbers as nb

PAGE_WIDTH_MM = 156  # A4 210 mm − 28 mm − 26 mm margins
NUMERALS = "一二三四五六七八九十"
HEADINGS = {
    "overview": "总体情况",
    "indicators": "主要指标完成情况",
    "projects": "重点项目推进情况",
    "departments": "各责任单位完成情况",
    "issues": "存在问题及下步建议",
}


STOCK_TEMPLATE = Path(__file__).with_name("stock") / "月度报告.docx"  # built by `make samples`


@lru_cache(maxsize=1)
def default_template_bytes() -> bytes:
    """The stock template: the packaged copy (building it with python-docx takes half a second)."""
    if STOCK_TEMPLATE.is_file():
        return STOCK_TEMPLATE.read_bytes()
    from .word_template import build_document

    raw = io.BytesIO()
    build_document().save(raw)
    return raw.getvalue()


def _environment():
    """The sandbox every Word template renders in (run and validate alike): a template may read the report's
    data and use the filters, but not reach Python internals (`__class__`, `__globals__`…) or change the data."""
    from jinja2 import StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    env = ImmutableSandboxedEnvironment(undefined=StrictUndefined, autoescape=True)
    env.filters.update(nb.FILTERS)
    return env


def _template(template: Path | None):
    from docxtpl import DocxTemplate

    if template is None:
        return DocxTemplate(io.BytesIO(default_template_bytes())), "内置模板"
    if not template.is_file():
        raise TemplateError(f"Word 模板不存在：{template}（output.word.template；删去此项则使用内置模板）")
    try:
        tpl = DocxTemplate(str(template))
        tpl.init_docx()
    except Exception as e:  # python-docx raises several types for a non-docx file
        raise TemplateError(
            f"Word 模板 {template.name} 无法打开（{type(e).__name__}）：须为 Word 2007 及以上的 .docx 文件，"
            f"WPS 中请“另存为 .docx”"
        ) from e
    return tpl, template.name


def add_numbering(context: dict, captions: dict[str, str] | None = None) -> dict:
    """Section numerals (一、二、…), and table and figure numbers that follow the sections switched on.

    `captions` maps each chart drawn to its title; figures are numbered in the stock template's order of
    appearance, and a chart not drawn (or in a section switched off) takes no number."""
    show = context["show"]
    captions = captions or {}
    headings, n = {}, 0
    for key, title in HEADINGS.items():
        active = show[key] and (key != "projects" or context["ledgers"])
        if active:
            headings[key] = f"{NUMERALS[n]}、{title}"
            n += 1
        else:
            headings[key] = title
    tables, t = {}, 0
    if show["indicators"]:
        t += 1
        tables["indicators"] = t
    for lg in context["ledgers"]:
        lg["tables"] = {}
        if show["projects"]:
            for key in ("categories", "departments") + (("overdue",) if lg["overdue"] else ()):
                t += 1
                lg["tables"][key] = t
    if show["departments"]:
        t += 1
        tables["departments"] = t
    # In order of appearance; all in the 附件, beside their tables, so the body stays short.
    order = ["completion", "trend"] if show["indicators"] else []
    order += [ledger_chart(i) for i in range(len(context["ledgers"])) if show["projects"]]
    order += ["departments"] if show["departments"] else []
    figures = {key: n for n, key in enumerate((k for k in order if k in captions), start=1)}
    for i, lg in enumerate(context["ledgers"]):
        lg["figure"] = figures.get(ledger_chart(i))
        lg["caption"] = captions.get(ledger_chart(i), "")
    return {
        **context,
        **appendices(context),
        "headings": headings,
        "tables": tables,
        "figures": figures,
        "captions": captions,
    }


def appendices(context: dict) -> dict:
    """附件 numbers for the full tables of the sections switched on, the body's "详见附件N" references and
    the 附件说明 lines above the 落款."""
    from .report import appendix_note

    show, titles, appendix = context["show"], [], {}
    if show["indicators"]:
        titles.append(f"{context['span']}主要指标完成情况表")
        appendix["indicators"] = len(titles)
    for lg in context["ledgers"]:
        lg["appendix"], lg["see"] = None, ""
        if show["projects"]:
            titles.append(f"{lg['name']}推进情况表")
            lg["appendix"] = len(titles)
            lg["see"] = (
                f"分类别、分单位情况{'及逾期项目清单' if lg['overdue'] else ''}详见附件{len(titles)}。"
            )
    if show["departments"]:
        titles.append("各责任单位完成情况排名表")
        appendix["departments"] = len(titles)
    return dict(
        appendix=appendix,
        appendix_lines=appendix_note(titles),
        indicator_note=f"各项指标完成情况详见附件{appendix['indicators']}。"
        if "indicators" in appendix
        else "",
        department_see=f"排名详见附件{appendix['departments']}。" if "departments" in appendix else "",
    )


def ledger_chart(index: int) -> str:
    """The chart name of the index-th ledger's 开工情况 chart (charts/specs.py names them so)."""
    return "projects" if index == 0 else f"projects_{index + 1}"


def write_report(
    context: dict,
    path: Path,
    template: Path | None = None,
    charts: dict[str, Path] | None = None,
    titles: dict[str, str] | None = None,
) -> Path:
    """Render the template with `context` (+ chart images, captioned 图N　<title> from `titles`) to `path`;
    template mistakes raise TemplateError."""
    from docx.shared import Mm
    from docxtpl import InlineImage
    from jinja2 import TemplateSyntaxError, UndefinedError
    from jinja2.exceptions import SecurityError
    from jinja2.exceptions import TemplateError as JinjaError

    tpl, name = _template(template)
    charts = charts or {}

    def chart(key: str, width_mm: float = PAGE_WIDTH_MM):
        """Template function: {{ chart('trend', 120) }} puts a chart at a chosen width (e.g. in a table cell)."""
        if key not in charts:
            return ""
        return InlineImage(tpl, str(charts[key]), width=Mm(width_mm))

    images = {key: chart(key) for key in ("completion", "trend", "departments", "projects")}
    images.update({key: chart(key) for key in charts})
    context = add_numbering(context, {key: (titles or {}).get(key, "") for key in charts})
    for i, lg in enumerate(context["ledgers"]):
        lg["chart"] = images.get(ledger_chart(i), "")
    env = _environment()
    env.globals["chart"] = chart
    try:
        tpl.render({**context, "charts": images}, jinja_env=env, autoescape=True)
    except SecurityError as e:
        raise TemplateError(refused_message(name, template, str(e))) from None
    except TemplateSyntaxError as e:
        raise TemplateError(f"Word 模板 {name} 语法错误：{explain(e.message)}{_near(e)}") from e
    except UndefinedError as e:
        raise TemplateError(
            f"Word 模板 {name} 使用了不存在的变量：{explain(e.message)}{_near(e)}"
            f"（可用变量见 README“Word 模板”一节）"
        ) from e
    except JinjaError as e:
        raise TemplateError(f"Word 模板 {name} 无法填充：{explain(str(e))}{_near(e)}") from e
    except Exception as e:  # a damaged part (missing styles, broken XML) surfaces while docxtpl works on it
        raise TemplateError(f"Word 模板 {name} 已损坏，无法填充（{type(e).__name__}：{e}）") from e
    from .word_layout import fit_tables

    fit_tables(tpl.docx)
    properties = tpl.docx.core_properties  # the report's own, not the template's ("…模板", "python-docx")
    properties.title = str(context.get("title", "")) or properties.title
    properties.comments = ""
    try:
        tpl.save(path if isinstance(path, io.BytesIO) else str(path))
    except OSError:
        raise
    except Exception as e:
        raise TemplateError(f"Word 模板 {name} 已损坏，无法保存（{type(e).__name__}：{e}）") from e
    return path


def refused_message(name: str, template: Path | None, error: str) -> str:
    """A sandbox refusal as one line: which tag of the template, and what it tried to reach."""
    from .template_check import refused_tag, template_source

    m = re.search(r"attribute '([^']+)' of '([^']+)' object", error)
    try:
        source = template_source(template if template is not None else default_template_bytes())
    except TemplateError:
        source = ""
    place = refused_tag(source, m.group(1) if m else None)
    where = f"第 {place[0]} 个标签 {place[1]} " if place else "某个标签"
    what = f"不允许的属性“{m.group(1)}”（{m.group(2)} 对象）" if m else f"不允许的操作（{error}）"
    return (
        f"Word 模板 {name}：{where}试图访问{what}，已被沙箱拒绝"
        f"（模板只能使用报告变量与过滤器，见 README“Word 模板”）"
    )


def explain(message: str | None) -> str:
    """Jinja2's English messages in the words a template author needs."""
    message = message or ""
    m = re.fullmatch(r"'(\w+)' is undefined", message)
    if m:
        return f"“{m.group(1)}”未定义"
    m = re.fullmatch(r"'([^']+)' has no attribute '([^']+)'", message)
    if m:
        return f"“{m.group(2)}”不存在（{m.group(1)} 没有这一项）"
    m = re.search(r"no filter named '([^']+)'", message, re.I)
    if m:
        return f"没有名为“{m.group(1)}”的过滤器（可用：{'、'.join(sorted(nb.FILTERS))}）"
    m = re.search(
        r"Unexpected end of template.*?looking for the following tags: (.+?)\. The innermost block "
        r"that needs to be closed is '(\w+)'",
        message,
        re.S,
    )
    if m:
        return (
            f"模板结束时仍有未关闭的 {{% {m.group(2)} %}}（缺少 {{%p end{m.group(2)} %}} 之类的结束标签；"
            f"Jinja 期望：{m.group(1).replace(' or ', '、')}）"
        )
    m = re.search(r"Encountered unknown tag '(\w+)'", message)
    if m:
        return (
            f"无法识别的标签“{m.group(1)}”（是否多了或少了 {{% endif %}}/{{% endfor %}}，或拼错了 if/for？）"
        )
    m = re.search(r"expected token '([^']+)', got '([^']+)'", message)
    if m:
        return f"标签写法有误：此处应为“{m.group(1)}”，却是“{m.group(2)}”（检查括号、引号和 }}}} 是否成对）"
    return message


def _near(e: Exception) -> str:
    """The template text around the error, from docxtpl's context lines (XML tags stripped)."""
    lines = [re.sub(r"\s+", " ", line).strip() for line in getattr(e, "docx_context", []) or []]
    text = " ".join(line for line in lines if line)
    return f"；出错位置附近的文字：“{text[:120]}”" if text else ""
