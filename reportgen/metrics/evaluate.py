"""Evaluate every indicator, the checkpoint, departments and ledgers for one period."""

from __future__ import annotations

from dataclasses import replace

from ..config.model import (
    LEDGER_FIELDS,
    VIRTUAL_FIELDS,
    Config,
    DerivedSource,
    LedgerSource,
    MilestoneIndicator,
    SheetTarget,
)
from ..errors import Location
from ..inputs import LedgerData, PeriodData, Reading
from ..sources.values import convert
from .derived import derive
from .kinds import Inputs
from .ledger import evaluate_ledger, ledger_figure
from .progress import with_zone_progress, zone_time_progress
from .results import STRETCH_LABEL, TARGET_LABEL, Results
from .summary import checkpoint, departments


def evaluate(config: Config, data: PeriodData) -> Results:
    """Pure: the config's targets + one period's readings -> Results."""
    from ..kinds import kind_of  # the registry imports the evaluators of this package

    period = data.period
    readings = {
        ind.id: _reading(ind, config, data)
        for ind in config.indicators
        if not isinstance(getattr(ind, "source", None), DerivedSource)
    }
    derived = derive(config.indicators, readings, data.last_year)  # second pass: sums and ratios of those
    indicators = []
    for ind in config.indicators:
        last_year = data.last_year.get(ind.id)
        if ind.id in derived:
            current, source_text = derived[ind.id].current, derived[ind.id].source
            last_year = (
                _in_unit(last_year, current.unit) if last_year is not None else derived[ind.id].last_year
            )
        else:
            current, source_text = readings[ind.id], None
        inputs = Inputs(
            current,
            last_year,
            data.yoy.get(ind.id),
            tuple(data.milestones.get(ind.id, ())),
            data.last_year_completion.get(ind.id),
            data.last_year_targets.get(ind.id),
        )
        ind, target_fields, target_note = _with_targets(ind, data)
        ind = with_zone_progress(ind, config.progress, getattr(ind, "target", None))
        result = kind_of(ind.kind).evaluate(ind, inputs, period, config.lights)
        if getattr(ind, "verb", None) is not None:
            target_fields["verb"] = ind.verb
        if target_note:
            target_fields["note"] = target_note + (f"；{result.note}" if result.note else "")
        owner = config.department_of(ind.owner) or ind.owner  # aliases -> name
        if source_text is not None:
            target_fields["source"] = source_text
        indicators.append(replace(result, owner=owner, **target_fields))
    ledgers = [
        evaluate_ledger(
            data.ledgers[name],
            ledger,
            period,
            config.department_names,
            zone_time_progress(config.progress, period),
        )
        for name, ledger in config.ledgers.items()
        if name in data.ledgers
    ]
    return Results(
        zone=config.zone,
        year=period.year,
        month=period.month,
        indicators=tuple(indicators),
        checkpoint=checkpoint(indicators, period, zone_time_progress(config.progress, period)),
        departments=tuple(
            departments(
                indicators, ledgers, config.department_names, config.ranking, config.output.precision.rates
            )
        ),
        ledgers=tuple(ledgers),
        problems=tuple(str(p) for p in data.problems),
        notices=tuple(data.notices),
        missing=tuple(f"{'、'.join(depts) or '台账'}（{file}）" for file, depts in data.missing),
        ranking_by=config.ranking.by,
        min_indicators=config.ranking.min_indicators,
        red_line_rule=config.ranking.red_line,
        zone_progress=zone_time_progress(config.progress, period),
        collective=config.collective,
    )


def _reading(ind, config: Config, data: PeriodData) -> Reading:
    """The value of an indicator read from a sheet or a ledger (a milestone's nodes are read separately)."""
    source = getattr(ind, "source", None)
    if isinstance(source, LedgerSource):
        ledger_data = data.ledgers.get(source.ledger) or LedgerData(source.ledger, None, [])
        if ledger_data.location is None:
            return Reading(None, None, f"台账“{source.ledger}”未读到")
        where = Location(ledger_data.location.file, ledger_data.location.sheet, _describe(source))
        missing = _missing_columns(source, ledger_data, config.ledgers[source.ledger])
        if missing:  # a filter on a column that is not there would silently count nothing (or everything)
            return Reading(
                None,
                where,
                f"台账中找不到列“{'、'.join(missing)}”（筛选或求和所用），该指标按未报送处理；"
                f"请核对 count_where / where / sum 中的列名",
            )
        value = ledger_figure(source, ledger_data, config.ledgers[source.ledger], data.period)
        if value == 0:
            return Reading(0.0, where, "台账中没有符合条件的项目（如属异常，请核对筛选条件）")
        if skipped := (ledger_data.rows.unclassified if ledger_data.rows else 0):
            # a row that could not be classified is not counted: the figure may be short, and says so
            return Reading(
                value, where, f"台账有 {skipped} 行无法识别，未计入本项（见数据问题），数值可能偏小"
            )
        return Reading(value, where)
    if isinstance(ind, MilestoneIndicator):
        return Reading(0.0)
    return data.readings.get(ind.id, Reading(None, None, "未配置来源"))


def _missing_columns(source: LedgerSource, data: LedgerData, ledger) -> list[str]:
    """Columns a ledger indicator filters or sums on that the ledger does not have (none when it has no rows)."""
    if not data.projects:
        return []
    keys = [*(source.count_where if source.count_where is not None else source.where)]
    keys += [source.sum] if source.sum else []
    missing = []
    for key in keys:
        if key in VIRTUAL_FIELDS:
            continue
        if key in LEDGER_FIELDS:
            if getattr(ledger.columns, key, None) is None:
                missing.append(f"{key}（columns.{key} 未配置）")
        elif not any(key in p.extra for p in data.projects):
            missing.append(key)
    return missing


def _in_unit(reading: Reading, unit: str) -> Reading:
    """A configured last_year of a growth-of-a-sum row, read in 元, in the unit the parts were added in."""
    if not unit or not reading.unit or reading.value is None:
        return reading
    return Reading(convert(reading.value, reading.unit, unit), reading.location, reading.problem, unit)


def _with_targets(ind, data: PeriodData):
    """The indicator with plain-number targets (those read from the sheet substituted), the result's target
    fields, and a note when a target could not be read.

    Only 力争 given: it becomes the benchmark, labelled 力争目标. A target that could not be read is None, so
    the kind's evaluator leaves the indicator unjudged rather than judging it against zero.
    """
    if not hasattr(ind, "target"):  # milestone: its nodes are the target
        return ind, {}, ""
    target, target_source, target_problem = _target_value(ind.target, data.targets.get(ind.id))
    stretch, stretch_source, stretch_problem = _target_value(ind.stretch, data.stretches.get(ind.id))
    label = TARGET_LABEL
    if ind.target is None:
        target, target_source, target_problem, label = stretch, stretch_source, stretch_problem, STRETCH_LABEL
        stretch, stretch_source, stretch_problem = None, "", ""
    notes = ([f"目标未读到：{target_problem}"] if target_problem else []) + (
        [f"力争目标未读到：{stretch_problem}"] if stretch_problem else []
    )
    fields = {"target_label": label, "target_source": target_source, "stretch_source": stretch_source}
    return ind.model_copy(update={"target": target, "stretch": stretch}), fields, "；".join(notes)


def _target_value(spec, reading: Reading | None) -> tuple[float | None, str, str]:
    """(value, where it was read, why it could not be read) for one configured target."""
    if spec is None:
        return None, "", ""
    if not isinstance(spec, SheetTarget):
        return float(spec), "", ""
    if spec.value is not None:  # the config's value wins; sources checked the sheet against it
        return spec.value, "", ""
    if reading is None or reading.value is None:
        why = reading.problem if reading and reading.problem else "未读取"
        return None, "", f"{reading.source}：{why}" if reading and reading.source else why
    return reading.value, reading.source, ""


def _describe(source: LedgerSource) -> str:
    conditions = source.count_where if source.count_where is not None else source.where
    what = "计数" if source.count_where is not None else f"{LEDGER_FIELDS.get(source.sum, source.sum)}求和"
    if not conditions:
        return what

    def show(key: str, value) -> str:
        name = {
            **LEDGER_FIELDS,
            "started": "已开工",
            "start_overdue": "逾期未开工",
            "in_start_base": "计入开工率",
        }
        if isinstance(value, bool):
            value = "是" if value else "否"
        return f"{name.get(key, key)}{'' if str(value)[:1] in '<>!~=≥≤' else '='}{value}"

    return what + "（" + "，".join(show(k, v) for k, v in conditions.items()) + "）"
