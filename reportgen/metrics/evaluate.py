"""Evaluate every indicator, the checkpoint, departments and ledgers for one period."""

from __future__ import annotations

from dataclasses import replace

from ..config.model import LEDGER_FIELDS, Config, LedgerSource, MilestoneIndicator
from ..errors import Location
from ..inputs import LedgerData, PeriodData, Reading
from .kinds import Inputs
from .ledger import evaluate_ledger, ledger_figure
from .results import Results
from .summary import checkpoint, departments


def evaluate(config: Config, data: PeriodData) -> Results:
    """Pure: the config's targets + one period's readings -> Results."""
    from ..kinds import kind_of   # the registry imports the evaluators of this package

    period = data.period
    indicators = []
    for ind in config.indicators:
        source = getattr(ind, "source", None)
        if isinstance(source, LedgerSource):
            ledger_data = data.ledgers.get(source.ledger) or LedgerData(source.ledger, None, [])
            if ledger_data.location is None:
                current = Reading(None, None, f"台账“{source.ledger}”未读到")
            else:
                value = ledger_figure(source, ledger_data, config.ledgers[source.ledger], period)
                current = Reading(value, Location(ledger_data.location.file, ledger_data.location.sheet,
                                                  _describe(source)))
        elif isinstance(ind, MilestoneIndicator):
            current = Reading(0.0)
        else:
            current = data.readings.get(ind.id, Reading(None, None, "未配置来源"))
        if isinstance(source, LedgerSource) and current.value == 0 and not current.problem:
            current = Reading(0.0, current.location, "台账中没有符合条件的项目（如属异常，请核对筛选条件）")
        inputs = Inputs(current, data.last_year.get(ind.id), data.yoy.get(ind.id),
                        tuple(data.milestones.get(ind.id, ())))
        result = kind_of(ind.kind).evaluate(ind, inputs, period, config.lights)
        indicators.append(replace(result, owner=config.department_of(ind.owner) or ind.owner))  # aliases -> name
    ledgers = [evaluate_ledger(data.ledgers[name], ledger, period, config.department_names)
               for name, ledger in config.ledgers.items() if name in data.ledgers]
    return Results(
        zone=config.zone, year=period.year, month=period.month, indicators=tuple(indicators),
        checkpoint=checkpoint(indicators, period),
        departments=tuple(departments(indicators, ledgers, config.department_names, config.ranking)),
        ledgers=tuple(ledgers), problems=tuple(str(p) for p in data.problems),
        missing=tuple(f"{'、'.join(depts) or '台账'}（{file}）" for file, depts in data.missing),
        ranking_by=config.ranking.by, min_indicators=config.ranking.min_indicators,
        red_line_rule=config.ranking.red_line)


def _describe(source: LedgerSource) -> str:
    conditions = source.count_where if source.count_where is not None else source.where
    what = "计数" if source.count_where is not None else f"{LEDGER_FIELDS.get(source.sum, source.sum)}求和"
    if not conditions:
        return what
    def show(key: str, value) -> str:
        name = {**LEDGER_FIELDS, "started": "已开工", "start_overdue": "逾期未开工", "in_start_base": "计入开工率"}
        if isinstance(value, bool):
            value = "是" if value else "否"
        return f"{name.get(key, key)}{'' if str(value)[:1] in '<>!~=≥≤' else '='}{value}"

    return what + "（" + "，".join(show(k, v) for k, v in conditions.items()) + "）"
