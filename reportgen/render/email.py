"""E-mail bodies (plain text and HTML from the same numbers and filters as the Word report)."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from ..config.model import Lights
from ..kinds import kind_of
from ..metrics.results import Results
from . import numbers as nb
from .report import (
    Voice,
    ahead_sentence,
    escalation_note,
    key_results,
    lagging_results,
    overview_paragraphs,
    start_rate_sentence,
    unranked_reason,
)

LEADERS_TEXT = """\
各位领导：

{{ span }}{{ zone }}重点指标完成情况通报已生成，请审阅。要点如下：

{% for p in overview %}{{ p }}

{% endfor %}{% if red_lines %}底线指标突破：
{% for s in red_lines %}  {{ loop.index }}. {{ s }}
{% endfor %}
{% endif %}{% if lagging %}需关注的指标：
{% for s in lagging %}  {{ loop.index }}. {{ s }}
{% endfor %}
{% endif %}附件：{{ attachments|join('、') }}。

{{ sender_name }}
"""

DEPARTMENT_TEXT = """\
{{ department }}：

{% if red_lines %}贵单位本期突破底线指标：{{ red_lines|join('；') }}。请深入查找原因，全面排查整治隐患，依规报告处置情况。

{% endif %}{{ span }}贵单位牵头的重点指标{{ total }}项，绿灯{{ green }}项、黄灯{{ yellow }}项、红灯{{ red }}项。{{ ranking }}
{% for s in rows %}  {{ loop.index }}. {{ s }}
{% endfor %}{% if projects %}
{{ projects }}
{% endif %}{% if missing %}
本期缺报：{{ missing|join('、') }}，相关指标按未报送处理，请尽快报送。
{% endif %}
附件为贵单位{{ span }}督办单（{{ attachments|join('、') }}）。{% if actions %}请对其中{{ actions }}项需督办事项逐项填写整改措施、责任人、完成时限和反馈情况，{% else %}本期无需督办事项，请核对后{% endif %}{% if deadline %}于{{ deadline|date_text }}前{% else %}尽快{% endif %}报回；数据如有出入请一并说明。

{{ sender_name }}
"""

REMINDER_TEXT = """\
{{ department }}：

{{ zone }}{{ span }}重点指标数据尚未收到以下报表：
{% for f in files %}  - {{ f }}
{% endfor %}
{% if link %}请于{{ deadline }}前通过报送页面上传（无需密码，链接{{ link_days }}天内有效）：
{{ link }}
上传后页面立即显示读到的数值和出处，有问题会指明单元格。逾期将在月度通报中列为缺报。
{% else %}请于{{ deadline }}前报送至数据目录（{{ folder }}），逾期将在月度通报中列为缺报。
{% endif %}
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
    from jinja2 import StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    # Sandboxed like the Word report: mail bodies may one day be templates staff edit.
    env = ImmutableSandboxedEnvironment(undefined=StrictUndefined, keep_trailing_newline=True)
    env.filters.update(nb.FILTERS)
    return env


def _html(text: str) -> str:
    """The plain body as HTML: paragraphs, numbered lines as a list (escaped)."""
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    blocks: list = []
    for para in text.strip().split("\n\n"):
        lines = [line.strip() for line in para.splitlines() if line.strip()]
        head = [line for line in lines if not _numbered(line)]
        items = [
            line.split(". ", 1)[1] if ". " in line else line.lstrip("- ") for line in lines if _numbered(line)
        ]
        blocks += ["".join(head)] if head else []
        blocks += [items] if items else []
    return ImmutableSandboxedEnvironment(autoescape=True).from_string(HTML).render(blocks=blocks)


def _numbered(line: str) -> bool:
    head = line.split(". ", 1)[0]
    return head.isdigit() or line.startswith("- ")


def render(template: str, **values) -> tuple[str, str]:
    text = _env().from_string(template).render(**values)
    return text, _html(text)


def leaders_body(
    results: Results,
    attachments: list[str],
    sender_name: str,
    near=2.0,
    severe=10.0,
    decimals: dict[str, int] | None = None,
    key_indicators: list[str] = (),
    lights: Lights | None = None,
) -> tuple[str, str]:
    voice = Voice.of(results, near, severe, decimals, lights)
    say = {r.id: voice.say(r) for r in results.indicators}
    red_lines = [
        f"{r.owner}：{say[r.id]}{escalation_note(r)}"
        for r in results.indicators
        if kind_of(r.kind).red_line and r.on_track is False
    ]
    lagging = [
        f"{r.owner}：{say[r.id]}（{nb.light_name(r.light)}{escalation_note(r, bracket=False)}）"
        for r in lagging_results(results)
    ]  # as in the report
    return render(
        LEADERS_TEXT,
        span=nb.span(results.month),
        zone=results.zone,
        attachments=attachments,
        overview=overview_paragraphs(results, key_results(results, key_indicators), say, lights=voice.lights),
        red_lines=red_lines,
        lagging=lagging,
        sender_name=sender_name,
    )


def department_body(
    mine: Results,
    department: str,
    attachments: list[str],
    sender_name: str,
    ranked: int,
    near=2.0,
    severe=10.0,
    decimals: dict[str, int] | None = None,
    deadline: date | None = None,
) -> tuple[str, str]:
    """`mine` is the department's share of the results (metrics.summary.for_department); `deadline` is when
    the filled-in 督办单 is due back (None: 尽快)."""
    from .supervision import supervision_items

    voice = Voice.of(mine, near, severe, decimals)
    row = mine.departments[0] if mine.departments else None
    red_lines = [
        voice.say(r) + escalation_note(r)
        for r in mine.indicators
        if kind_of(r.kind).red_line and r.on_track is False
    ]
    rows = [
        f"{voice.say(r)}（{nb.light_name(r.light)}{escalation_note(r, bracket=False)}）"
        for r in mine.indicators
        if not (kind_of(r.kind).red_line and r.on_track is False)
    ]
    return render(
        DEPARTMENT_TEXT,
        department=department,
        span=nb.span(mine.month),
        red_lines=red_lines,
        rows=rows,
        total=len(mine.indicators),
        green=mine.count("green"),
        yellow=mine.count("yellow"),
        red=mine.count("red"),
        ranking=_ranking_words(mine, row, ranked),
        projects="；".join(_projects_words(ledger) for ledger in mine.ledgers if ledger.projects),
        missing=list(mine.missing),
        attachments=attachments,
        actions=len(supervision_items(mine, voice)[0]),
        deadline=deadline,
        sender_name=sender_name,
    )


def _ranking_words(mine: Results, row, ranked: int) -> str:
    """The department's place with the ranking's basis in words, as the report's table shows it."""
    if row is None:
        return ""
    if row.rank is None:
        return f"贵单位{unranked_reason(row, mine.min_indicators).removeprefix('的')}，本期列出但不排名。"
    score = nb.signed_points(row.score) + "个百分点" if mine.ranking_by == "gap" else nb.rate(row.score)
    text = (
        f"按{nb.RANKING_TEXT[mine.ranking_by]}（{score}），在{ranked}个参与排名的责任单位中排第{row.rank}位"
        f"{'（并列）' if row.tied else ''}"
    )
    if row.rank_change[:1] in ("↑", "↓"):
        text += f"，较上月{'上升' if row.rank_change[0] == '↑' else '下降'}{row.rank_change[1:]}位"
    if row.vetoed:
        text += "（因突破底线指标，按“一票否决”排在最后）"
    elif row.red_lines:
        text += "，并因突破底线指标在排名表中标注“底线”"
    return text + "。"


def _projects_words(ledger) -> str:
    """Ledger counts under the labels every output uses (render/numbers.py)."""
    t = ledger.total
    text = f"{ledger.title}{t.projects}个，{nb.STARTED_ALL}{t.started_all}个；{start_rate_sentence(ledger)}"
    ahead = ahead_sentence(ledger)
    if ahead:
        text += f"；{ahead}"
    overdue = [
        f"{p.name}（计划{nb.month_text(p.planned_start)}）" for p in ledger.projects if p.start_overdue
    ]
    if overdue:
        text += f"；逾期未开工{len(overdue)}个：{'、'.join(overdue)}"
    return text + "。"
