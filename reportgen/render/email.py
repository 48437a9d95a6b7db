"""E-mail bodies (plain text and HTML from the same numbers and filters as the Word report)."""

from __future__ import annotations

from functools import lru_cache

from ..metrics.results import Results
from . import numbers as nb
from .report import indicator_sentence, overview_paragraphs

LEADERS_TEXT = """\
各位领导：

{{ span }}{{ zone }}重点指标完成情况通报已生成，请审阅。要点如下：

{% for p in overview %}{{ p }}

{% endfor %}{% if lagging %}需关注的指标：
{% for s in lagging %}  {{ loop.index }}. {{ s }}
{% endfor %}
{% endif %}附件：{{ attachments|join('、') }}。

{{ sender_name }}
"""

DEPARTMENT_TEXT = """\
{{ department }}：

{{ span }}贵单位牵头的重点指标{{ rows|length }}项，绿灯{{ green }}项、黄灯{{ yellow }}项、红灯{{ red }}项{% if rank %}，\
平均完成率{{ average }}，在{{ ranked }}个责任单位中排第{{ rank }}位{% endif %}。
{% for s in rows %}  {{ loop.index }}. {{ s }}
{% endfor %}{% if projects %}
重点项目{{ projects }}个，已开工{{ started }}个{% if overdue %}；逾期未开工{{ overdue|length }}个：{{ overdue|join('、') }}{% endif %}。
{% endif %}{% if missing %}
本期缺报：{{ missing|join('、') }}，相关指标按未报送处理，请尽快报送。
{% endif %}
附件为贵单位{{ span }}督办清单（{{ attachments|join('、') }}），如有出入请及时与我们联系。

{{ sender_name }}
"""

REMINDER_TEXT = """\
{{ department }}：

{{ zone }}{{ span }}重点指标数据尚未收到以下报表：
{% for f in files %}  - {{ f }}
{% endfor %}
请于{{ deadline }}前报送至数据目录（{{ folder }}），逾期将在月度通报中列为缺报。

{{ sender_name }}
"""

ALERT_TEXT = """\
reportgen 定时任务“{{ job }}”生成 {{ period }} 期报告失败：

{{ error }}

已生成的报告（如有）保留在 {{ folder }}。处理后可手工运行：
  reportgen run --config {{ config }} --period {{ period }} --send
"""

HTML = """\
<html><body style="font-family:'Microsoft YaHei','PingFang SC',sans-serif;font-size:14px;line-height:1.7">
{% for block in blocks %}{% if block is string %}<p>{{ block }}</p>{% else %}<ol>{% for item in block %}<li>{{ item }}</li>{% endfor %}</ol>{% endif %}
{% endfor %}</body></html>
"""


@lru_cache(maxsize=1)
def _env():
    from jinja2 import Environment, StrictUndefined

    env = Environment(undefined=StrictUndefined, keep_trailing_newline=True)
    env.filters.update(nb.FILTERS)
    return env


def _html(text: str) -> str:
    """The plain body as HTML: paragraphs, numbered lines as a list (escaped)."""
    from jinja2 import Environment

    blocks: list = []
    for para in text.strip().split("\n\n"):
        lines = [line.strip() for line in para.splitlines() if line.strip()]
        head = [line for line in lines if not _numbered(line)]
        items = [line.split(". ", 1)[1] if ". " in line else line.lstrip("- ") for line in lines if _numbered(line)]
        blocks += ["".join(head)] if head else []
        blocks += [items] if items else []
    return Environment(autoescape=True).from_string(HTML).render(blocks=blocks)


def _numbered(line: str) -> bool:
    head = line.split(". ", 1)[0]
    return head.isdigit() or line.startswith("- ")


def render(template: str, **values) -> tuple[str, str]:
    text = _env().from_string(template).render(**values)
    return text, _html(text)


def leaders_body(results: Results, attachments: list[str], sender_name: str, near=2.0, severe=10.0,
                 decimals: dict[str, int] | None = None, key_indicators: list[str] = ()) -> tuple[str, str]:
    by_id = {r.id: r for r in results.indicators}
    keys = [by_id[i] for i in key_indicators if i in by_id] or \
        [r for r in results.indicators if r.kind in ("cumulative", "count") and r.target is not None][:3]
    say = {r.id: indicator_sentence(r, near, severe, (decimals or {}).get(r.id)) for r in results.indicators}
    behind = sorted((r for r in results.indicators if r.light in ("red", "yellow")),
                    key=lambda r: (r.light != "red", r.gap if r.gap is not None else 0))   # as in the report
    lagging = [f"{r.owner}：{say[r.id]}（{nb.light_name(r.light)}）" for r in behind]
    return render(LEADERS_TEXT, span=nb.span(results.month), zone=results.zone, attachments=attachments,
                  overview=overview_paragraphs(results, keys, say), lagging=lagging, sender_name=sender_name)


def department_body(mine: Results, department: str, attachments: list[str], sender_name: str, ranked: int,
                    near=2.0, severe=10.0, decimals: dict[str, int] | None = None) -> tuple[str, str]:
    """`mine` is the department's share of the results (metrics.summary.for_department)."""
    row = mine.departments[0] if mine.departments else None
    projects = [p for ledger in mine.ledgers for p in ledger.projects]
    return render(
        DEPARTMENT_TEXT, department=department, span=nb.span(mine.month),
        rows=[f"{indicator_sentence(r, near, severe, (decimals or {}).get(r.id))}（{nb.light_name(r.light)}）" for r in mine.indicators],
        green=mine.count("green"), yellow=mine.count("yellow"), red=mine.count("red"),
        rank=row.rank if row else None, average=nb.percent(row.average_completion) if row else "—", ranked=ranked,
        projects=len(projects), started=sum(1 for p in projects if p.started),
        overdue=[f"{p.name}（计划{nb.month_text(p.planned_start)}）" for p in projects if p.start_overdue],
        missing=list(mine.missing), attachments=attachments, sender_name=sender_name)
