"""What each indicator kind means, in one registry entry per kind.

Everything the rest of the code asks about a kind is here: how it is evaluated, whether it is judged against
序时进度, whether it counts in checkpoints and in the progress ranking, whether it is a 底线 (red line), and how
its figures and verdicts are worded. No other module lists kinds; an unknown kind is an error, never another
kind's wording.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .errors import ReportgenError
from .metrics import kinds as evaluators
from .metrics.results import IndicatorResult
from .render import numbers as nb


@dataclass(frozen=True)
class Wording:
    """Settings the sentences need: gap sizes for 略低于/明显低于 and the figure's decimals (None: by unit)."""

    near: float = 2.0
    severe: float = 10.0
    digits: int | None = None
    previous: str = ""  # the span compared with ("1-5月"); "" when there is no earlier month to say


@dataclass(frozen=True)
class Kind:
    label: str  # what the config guide calls it (累计金额…)
    evaluate: Callable  # (indicator config, Inputs, Period, Lights) -> IndicatorResult
    prorated: bool  # completion compared with 序时进度 (tables show 完成率/序时/差距, charts bars)
    rate: bool  # actual and target are percentages (growth, share)
    red_line: bool  # 底线: a breach is a breach, never progress; kept out of progress counts
    in_checkpoint: bool  # counts in 开门红/双过半/前三季度/全年红
    in_ranking: bool  # counts in the departments' progress ranking
    lower_is_better: bool  # stretch must be ≤ target
    clause: Callable[[IndicatorResult, Wording], str]  # the report's sentence about one indicator
    verdict: Callable[[IndicatorResult, Wording], str]  # the 状态/进度评价 cell
    actual_text: Callable[[IndicatorResult, Wording], str]  # the 完成 cell of a table


# ---- wording -------------------------------------------------------------------------------------------

RATE_WORDS = ("增速", "增幅", "增长率", "增长", "增长幅度")
# Names that read as a quantity already ("新开工项目53个"); other amounts take 完成 ("完成固定资产投资112.40亿元").
NO_VERB_PREFIXES = ("新", "实到", "实际到位", "签约", "引进", "争取", "完成", "入库", "净增")


NO_TARGET = "目标未读到，未作评价"


def _target_label(r: IndicatorResult) -> str:
    return r.target_label or "年度目标"


def _unreported(r: IndicatorResult) -> str:
    return f"{r.name}未报送" + (f"（{r.note}）" if r.note else "")


def _no_target(r: IndicatorResult) -> bool:
    """Reported, but the target could not be read from the sheet: shown, never judged."""
    return r.target is None and r.actual is not None


def _prorated_clause(r: IndicatorResult, w: Wording) -> str:
    """'完成固定资产投资112.40亿元，同比增长13.1%，完成年度目标的56.2%、力争目标的51.1%，超序时进度6.2个百分点'."""
    if r.actual is None:
        return _unreported(r)
    if r.verb is not None:  # the config's 谓语 (完成/实现/新增/引进, or "" when the name carries it)
        verb = r.verb
    else:
        amount_unit = r.unit in ("亿元", "万元", "元") or r.unit.endswith("元")
        verb = (
            "完成" if amount_unit and not r.name.startswith(NO_VERB_PREFIXES) and "完成" not in r.name else ""
        )
    parts = [f"{verb}{r.name}{nb.amount(r.actual, r.unit, w.digits)}"]
    if r.yoy is not None:
        parts.append(nb.growth_words(r.yoy))
    if _no_target(r):
        parts.append(NO_TARGET)
    elif r.completion is not None:
        target = f"完成{_target_label(r)}的{nb.percent_revealing(r.completion, 1.0, r.time_progress)}"
        if r.stretch_completion is not None:
            if r.stretch_completion >= 1 - 1e-12:
                target += f"，超额完成力争目标（完成{nb.percent_revealing(r.stretch_completion, 1.0)}）"
            else:
                target += f"、力争目标的{nb.percent_revealing(r.stretch_completion, 1.0)}"
        # '完成率比去年同期提高0.9个百分点、比1-5月提高6.3个百分点'
        compared = [
            c
            for c in (
                _compare(r.completion_vs_last_year, "去年同期"),
                _compare(r.completion_change, w.previous),
            )
            if c
        ]
        parts += [
            target,
            "完成率" + "、".join(compared) if compared else "",
            nb.progress_words(r.gap, w.near, w.severe),
        ]
    return "，".join(p for p in parts if p)


def _compare(points: float | None, against: str) -> str:
    """'比1-5月提高6.3个百分点' / '与去年同期持平'; '' when unknown or nothing to compare with."""
    if points is None or not against:
        return ""
    shown = nb.round_half_up(points, nb.rate_digits())
    if shown == 0:
        return f"与{against}持平"
    return f"比{against}{'提高' if shown > 0 else '回落'}{nb.points(points)}"


def _rate_level(r: IndicatorResult) -> str:
    if r.kind == "share" or r.name.endswith(RATE_WORDS):
        return f"{r.name}{nb.rate(r.actual)}"  # "规上工业增加值增速12.6%", not "…增速增长12.6%"
    return f"{r.name}{nb.growth_words(r.actual, prefix='')}"  # "税收收入增长10.3%" / "…下降2.0%"


def _rate_clause(r: IndicatorResult, w: Wording) -> str:
    """'税收收入增长12.4%，超过力争目标0.4个百分点' / '规上工业增加值增速11.8%，低于目标0.2个百分点'."""
    if r.actual is None:
        return _unreported(r)
    change = _compare(r.actual_change, w.previous)
    return f"{_rate_level(r)}" + (f"，{change}" if change else "") + f"，{_rate_verdict(r, w)}"


def _rate_verdict(r: IndicatorResult, w: Wording) -> str:
    if r.actual is None:
        return "未报送"
    if _no_target(r) or r.gap is None:
        return NO_TARGET
    label = "目标" if _target_label(r) == "年度目标" else _target_label(r)
    if r.on_track:
        if r.stretch is not None and r.actual is not None:
            over = r.actual - r.stretch
            if over > 1e-9:
                return f"超过力争目标{nb.points(over)}"
            if over >= -1e-9:
                return "达到力争目标"
            return f"达到{label}要求，距力争目标{nb.points(over)}"
        return f"达到{label}要求" if r.gap is None or r.gap <= 1e-9 else f"高于{label}{nb.points(r.gap)}"
    return f"低于{label}{nb.points_revealing(r.gap)}"


def _cap_clause(r: IndicatorResult, w: Wording) -> str:
    """A red line: '生产安全事故死亡人数1人，突破控制目标（0人）' — never 进展滞后."""
    if r.actual is None:
        return _unreported(r)
    actual, target = nb.amount(r.actual, r.unit, w.digits), nb.amount(r.target, r.unit, w.digits)
    if _no_target(r):
        return f"{r.name}{actual}，{NO_TARGET}"
    if r.on_track:
        return f"{r.name}{actual}，控制在{target}以内"
    return f"{r.name}{actual}，突破控制目标（{target}），触碰底线"


def _cap_verdict(r: IndicatorResult, w: Wording) -> str:
    if r.actual is None:
        return "未报送"
    if _no_target(r):
        return NO_TARGET
    return "控制在目标内" if r.on_track else "突破底线"


def _milestone_clause(r: IndicatorResult, w: Wording) -> str:
    late = [n for n in r.nodes if n.months_late is not None]
    text = f"{r.name}完成{r.actual:g}/{r.target:g}个节点"
    if not late:
        return text + "，均按计划推进"
    return (
        text
        + "，"
        + "、".join(
            f"{n.name}逾期{n.months_late}个月" if n.months_late else f"{n.name}本月到期未完成" for n in late
        )
    )


def _milestone_verdict(r: IndicatorResult, w: Wording) -> str:
    late = [n for n in r.nodes if n.months_late is not None]
    return "按计划推进" if not late else "滞后：" + "、".join(f"{n.name}（{n.due}月）" for n in late)


def _prorated_verdict(r: IndicatorResult, w: Wording) -> str:
    if r.actual is None:
        return "未报送"
    return NO_TARGET if _no_target(r) else nb.progress_words(r.gap, w.near, w.severe)


def _amount_text(r: IndicatorResult, w: Wording) -> str:
    return nb.number(r.actual, nb.decimals_for(r.unit, r.actual) if w.digits is None else w.digits)


def _rate_text(r: IndicatorResult, w: Wording) -> str:
    return "—" if r.actual is None else nb.rate(r.actual)


def _nodes_text(r: IndicatorResult, w: Wording) -> str:
    return f"{r.actual:g}/{r.target:g}"


_PRORATED = dict(
    prorated=True,
    rate=False,
    red_line=False,
    in_checkpoint=True,
    in_ranking=True,
    lower_is_better=False,
    clause=_prorated_clause,
    verdict=_prorated_verdict,
    actual_text=_amount_text,
)
_RATE = dict(
    prorated=False,
    rate=True,
    red_line=False,
    in_checkpoint=True,
    in_ranking=False,
    lower_is_better=False,
    clause=_rate_clause,
    verdict=_rate_verdict,
    actual_text=_rate_text,
)

KINDS: dict[str, Kind] = {
    "cumulative": Kind("累计金额", evaluators.prorated, **_PRORATED),
    "count": Kind("数量", evaluators.prorated, **_PRORATED),
    "growth": Kind("增速", evaluators.growth_rate, **_RATE),
    "share": Kind("占比", evaluators.share_change, **_RATE),
    "cap": Kind(
        "控制上限（底线）",
        evaluators.cap,
        prorated=False,
        rate=False,
        red_line=True,
        in_checkpoint=False,
        in_ranking=False,
        lower_is_better=True,
        clause=_cap_clause,
        verdict=_cap_verdict,
        actual_text=_amount_text,
    ),
    "milestone": Kind(
        "节点任务",
        evaluators.milestone,
        prorated=False,
        rate=False,
        red_line=False,
        in_checkpoint=True,
        in_ranking=False,
        lower_is_better=False,
        clause=_milestone_clause,
        verdict=_milestone_verdict,
        actual_text=_nodes_text,
    ),
}


def kind_of(kind: str) -> Kind:
    """The registry entry for `kind`; an unknown kind is an error (never another kind's wording)."""
    try:
        return KINDS[kind]
    except KeyError:
        raise ReportgenError(f"未知的指标类型“{kind}”（可用：{'、'.join(KINDS)}）") from None


def sentence(r: IndicatorResult, w: Wording = Wording()) -> str:
    return kind_of(r.kind).clause(r, w)


def verdict(r: IndicatorResult, w: Wording = Wording()) -> str:
    return kind_of(r.kind).verdict(r, w)
