"""Typed config. Unknown keys are errors; cross-field rules live in validators."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Annotated, Literal, Union, get_args

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    PrivateAttr,
    Tag,
    field_validator,
    model_validator,
)

from ..filenames import DEPARTMENT_FIELDS, PERIOD_FIELDS, check_pattern, name_problem, safe_name


class KeyProblem(ValueError):
    """A model rule's error that belongs to one of its keys: shown at its path (indicators[1].target)."""

    def __init__(self, key: str, message: str):
        self.key = key
        super().__init__(message)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class InputLimits(Strict):
    """What a submitted file may hold before it is read at all; a bigger one is refused with its name."""

    max_sheet_mb: float = Field(
        200, gt=0
    )  # one sheet unpacked (.xlsx: its XML in the zip; .xls/.csv: the file)
    max_rows: int = Field(200_000, gt=0)  # rows of one sheet (.xlsx: its <dimension>, before parsing)


class DataConfig(Strict):
    dir: Path = Path("data")
    period_dir: str = "{year}-{month:02d}"
    expected: list[Expected] | None = None
    limits: InputLimits = InputLimits()

    @field_validator("period_dir")
    @classmethod
    def _pattern_formats(cls, v: str) -> str:
        check_pattern(v, ("year", "month"))
        return v


class Department(Strict):
    name: str
    aliases: list[str] = []
    email: list[str] = []

    @field_validator("name")
    @classmethod
    def _file_name(cls, v: str) -> str:
        return _usable_name(v)


def _usable_name(v: str) -> str:
    """A zone or department name ends up in file names: refuse one that leaves nothing once made safe."""
    problem = name_problem(v)
    if problem:
        raise ValueError(problem)
    return v


def _file_pattern(allowed: tuple[str, ...]):
    def check(cls, v: str) -> str:
        check_pattern(v, allowed, file_name=True)
        return v

    return classmethod(check)


def _text_pattern(cls, v: str) -> str:
    check_pattern(v, PERIOD_FIELDS)
    return v


class CellSource(Strict):
    """One number in a submitted table: the row whose label matches `row`, in the column headed `column`."""

    file: str
    sheet: str | None = None
    row: str | None = None
    column: str
    label_column: str | None = None
    unit: str | None = None
    percent_as_fraction: bool = False


class PartialSource(Strict):
    """Another cell of the same table by default (e.g. the 上年同期 column); any field may be overridden."""

    file: str | None = None
    sheet: str | None = None
    row: str | None = None
    column: str
    label_column: str | None = None
    unit: str | None = None
    percent_as_fraction: bool = False


class SheetTarget(PartialSource):
    """A target read from the indicator's own row (`{column: 确保}`), merged with `source` like `last_year`.

    With `value` as well, the config's value is used and the sheet's is only checked against it.
    """

    value: float | None = None


def _target_tag(value: object) -> str:
    return "报表列" if isinstance(value, (dict, SheetTarget)) else "数值"


# A number typed into the config, or a column of the submitted sheet. The tags are not config keys.
Target = Annotated[
    Annotated[float, Tag("数值")] | Annotated[SheetTarget, Tag("报表列")], Discriminator(_target_tag)
]
PositiveTarget = Annotated[
    Annotated[float, Field(gt=0), Tag("数值")] | Annotated[SheetTarget, Tag("报表列")],
    Discriminator(_target_tag),
]


def _partial_tag(value: object) -> str:
    return "报表列" if isinstance(value, (dict, PartialSource)) else "数值"


# Last year's completion (percent, ≥ 0) or target (> 0): a number typed into the config, or a cell of the row.
LastYearCompletion = Annotated[
    Annotated[float, Field(ge=0), Tag("数值")] | Annotated[PartialSource, Tag("报表列")],
    Discriminator(_partial_tag),
]
LastYearTarget = Annotated[
    Annotated[float, Field(gt=0), Tag("数值")] | Annotated[PartialSource, Tag("报表列")],
    Discriminator(_partial_tag),
]

Condition = Union[str, int, float, bool, list[Union[str, int, float, bool]]]


class LedgerSource(Strict):
    """A figure counted or summed from a project ledger, optionally filtered."""

    ledger: str
    count_where: dict[str, Condition] | None = None
    sum: str | None = None
    where: dict[str, Condition] = {}

    @model_validator(mode="after")
    def _one_operation(self) -> LedgerSource:
        if (self.count_where is None) == (self.sum is None):
            raise ValueError("台账来源需写 count_where（计数，可为 {} 表示全部）或 sum（求和的列）二者之一")
        if self.count_where is not None and self.where:
            raise ValueError("count_where 已含筛选条件，不要再写 where")
        return self


class DerivedSource(Strict):
    """A row computed from other indicators' values of the same period, with no file of its own.

    `sum`: the parts' actual values added (each converted to the row's unit: 万元 and 亿元 parts may meet).
    `ratio`: [numerator, denominator], numerator ÷ denominator × 100, so the row's unit is % (share/growth/cap).
    A part that is not reported leaves the row not reported (never a partial sum). Ids, cycles and units are
    checked with the whole config in config/load.py `cross_check`.
    """

    sum: list[str] | None = None
    ratio: list[str] | None = None

    @model_validator(mode="after")
    def _one_operation(self) -> DerivedSource:
        if (self.sum is None) == (self.ratio is None):
            raise ValueError("计算来源需写 sum（合计的指标 id 列表）或 ratio（[分子 id, 分母 id]）二者之一")
        if self.sum is not None and len(self.sum) < 2:
            raise KeyProblem("sum", f"合计至少需要两个指标 id，现有 {len(self.sum)} 个")
        if self.sum is not None and len(set(self.sum)) != len(self.sum):
            twice = sorted({i for i in self.sum if self.sum.count(i) > 1})
            raise KeyProblem("sum", f"指标 id 重复：{'、'.join(twice)}")
        if self.ratio is not None and len(self.ratio) != 2:
            raise KeyProblem("ratio", f"比值需要两个指标 id：[分子, 分母]，现有 {len(self.ratio)} 个")
        return self

    @property
    def parts(self) -> list[str]:
        return list(self.sum if self.sum is not None else self.ratio or [])


DERIVED_KEYS = ("sum", "ratio")


def _source_tag(value: object) -> str:
    if isinstance(value, dict):
        if "ledger" in value:
            return "ledger"
        return "derived" if any(k in value for k in DERIVED_KEYS) else "cell"
    return {LedgerSource: "ledger", DerivedSource: "derived"}.get(type(value), "cell")


Source = Annotated[
    Union[
        Annotated[CellSource, Tag("cell")],
        Annotated[LedgerSource, Tag("ledger")],
        Annotated[DerivedSource, Tag("derived")],
    ],
    Discriminator(_source_tag),
]


class Milestone(Strict):
    name: str
    due: int = Field(ge=1, le=12, description="month of the config year")
    row: str | None = None


class IndicatorBase(Strict):
    id: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    name: str
    unit: str = ""
    owner: str
    group: str = "其他"
    decimals: int | None = Field(None, ge=0, le=4)
    note: str = ""
    verb: str | None = (
        None  # 谓语 before the name in sentences (完成/实现/新增/引进); "" for none; None: by unit
    )


class Prorated(IndicatorBase):
    target: PositiveTarget | None = None
    stretch: PositiveTarget | None = None
    source: Source
    last_year: PartialSource | float | None = None
    yoy: PartialSource | None = None
    # Last year's 1–N月 completion rate: read or typed as a percentage, or last_year ÷ last_year_target.
    last_year_completion: LastYearCompletion | None = None
    last_year_target: LastYearTarget | None = None
    progress: Literal["month", "day", "plan"] | None = None
    plan: dict[int, float] | list[float] | None = None

    @model_validator(mode="after")
    def _rules(self):
        if self.last_year_completion is not None and self.last_year_target is not None:
            raise KeyProblem(
                "last_year_target",
                "last_year_completion（去年同期完成率）与 last_year_target"
                "（上年目标）只能写一个：前者直接给出完成率，后者用 last_year ÷ 上年目标计算",
            )
        if self.last_year_target is not None and self.last_year is None:
            raise KeyProblem(
                "last_year_target",
                "写了 last_year_target（上年目标）还需写 last_year（上年同期完成值），"
                "去年同期完成率 = last_year ÷ last_year_target",
            )
        if self.progress == "plan" and self.plan is None:
            raise ValueError("progress: plan 需要同时给出 plan（各月累计计划）")
        plan = self.plan
        if isinstance(plan, list) and len(plan) != 12:
            raise ValueError(f"plan 写成列表时应有 12 个月的累计计划，现有 {len(plan)} 个")
        if isinstance(plan, dict) and not all(1 <= m <= 12 for m in plan):
            raise ValueError("plan 的键应为月份 1–12")
        if plan is not None:
            target = self.target if isinstance(self.target, (int, float)) else None
            _check_cumulative(self.plan_points, "plan", self.unit, None if target is None else 2 * target)
        _need_row(self.source)
        _need_target(self, positive=True)
        return self

    @property
    def plan_points(self) -> dict[int, float]:
        if self.plan is None:
            return {}
        if isinstance(self.plan, list):
            return {i + 1: v for i, v in enumerate(self.plan)}
        return dict(self.plan)

    @property
    def progress_mode(self) -> str:
        return self.progress or ("plan" if self.plan is not None else "month")


class Cumulative(Prorated):
    kind: Literal["cumulative"]


class Count(Prorated):
    kind: Literal["count"]
    unit: str = "个"


class Growth(IndicatorBase):
    """同比增长 target in percent; the source is the growth rate itself, or the amount when last_year is set
    (or when the source is a sum of amounts, whose last_year is the sum of the parts' own)."""

    kind: Literal["growth"]
    unit: str = "%"
    target: Target | None = None
    stretch: Target | None = None
    qualifier: Literal["以上", "左右"] = "以上"
    tolerance: float = 0.5
    source: Source
    last_year: PartialSource | None = None

    @model_validator(mode="after")
    def _rules(self):
        _need_row(self.source)
        _need_target(self)
        return self

    @property
    def from_amounts(self) -> bool:
        """The growth is computed from this year's and last year's amounts (not read as a rate)."""
        return self.last_year is not None or (
            isinstance(self.source, DerivedSource) and self.source.sum is not None
        )


class Share(IndicatorBase):
    """占比提高 target pp over a base share (both in percent)."""

    kind: Literal["share"]
    unit: str = "%"
    base: float
    target: Target | None = None
    stretch: Target | None = None
    qualifier: Literal["以上", "左右"] = "以上"
    tolerance: float = 0.5
    source: Source

    @model_validator(mode="after")
    def _rules(self):
        _need_row(self.source)
        _need_target(self)
        return self


class Cap(IndicatorBase):
    """Lower is better: the actual must stay at or below the target (e.g. 安全事故死亡人数 0)."""

    kind: Literal["cap"]
    target: Target | None = None
    stretch: Target | None = None
    source: Source
    last_year: PartialSource | float | None = None

    @model_validator(mode="after")
    def _rules(self):
        _need_row(self.source)
        _need_target(self)
        return self


class MilestoneIndicator(IndicatorBase):
    """Nodes with due months; each node's cell says done (已完成/是/√ or a completion date) or not."""

    kind: Literal["milestone"]
    milestones: list[Milestone] = Field(min_length=1)
    source: CellSource


Indicator = Annotated[
    Union[Cumulative, Count, Growth, Share, Cap, MilestoneIndicator], Field(discriminator="kind")
]
# kind -> its config model (the fields it takes); what a kind *means* is its entry in reportgen/kinds.py.
INDICATOR_MODELS = {
    get_args(m.model_fields["kind"].annotation)[0]: m
    for m in (Cumulative, Count, Growth, Share, Cap, MilestoneIndicator)
}


def _check_cumulative(points: dict[int, float], key: str, unit: str, ceiling: float | None) -> None:
    """A cumulative plan never falls from one month to the next and stays plausible (a slip of a digit would
    make every light and checkpoint wrong)."""
    ordered = sorted(points.items())
    for (m0, v0), (m1, v1) in zip(ordered, ordered[1:]):
        if v1 < v0:
            raise ValueError(
                f"{key} 是各月累计计划，应逐月不减：{m0}月为 {v0:g}{unit}，{m1}月却为 {v1:g}{unit}"
            )
    if any(v < 0 for _, v in ordered):
        raise ValueError(f"{key} 不能为负数")
    if ceiling is not None and ordered and ordered[-1][1] > ceiling:
        raise ValueError(
            f"{key} 最后为 {ordered[-1][1]:g}{unit}，超过 {ceiling:g}{unit}（目标的两倍），请核对单位或数值"
        )


def _need_row(source: Source) -> None:
    if isinstance(source, CellSource) and not source.row:
        raise ValueError("source.row 缺失：应写该指标在表中所在行的名称（如 固定资产投资）")


def _need_target(ind, positive: bool = False) -> None:
    if ind.target is None and ind.stretch is None:
        raise KeyProblem(
            "target",
            "缺少目标：应写确保目标 target（数字，或 {column: 确保} 从报表该行读取）；"
            "只有力争目标时写 stretch",
        )
    for key in ("target", "stretch"):
        value = getattr(ind, key)
        if positive and isinstance(value, SheetTarget) and value.value is not None and value.value <= 0:
            raise KeyProblem(f"{key}.value", f"应 > 0，现为 {value.value:g}")


LEDGER_FIELDS = {
    "name": "项目名称",
    "owner": "责任单位",
    "category": "项目类别",
    "nature": "建设性质",
    "total_investment": "总投资",
    "annual_plan": "年度计划投资",
    "completed": "累计完成投资",
    "planned_start": "计划开工时间",
    "actual_start": "实际开工时间",
    "started": "是否开工",
    "progress": "形象进度",
    "issues": "存在问题",
    "leader": "包保领导",
    "level": "项目级别",
}
VIRTUAL_FIELDS = ("started", "start_overdue", "in_start_base")  # computed per project, usable in filters
AMOUNT_FIELDS = ("total_investment", "annual_plan", "completed")


class LedgerColumns(Strict):
    """Ledger field -> header text in the sheet. Only `name` is required."""

    name: str = "项目名称"
    owner: str | None = None
    category: str | None = None
    nature: str | None = None
    total_investment: str | None = None
    annual_plan: str | None = None
    completed: str | None = None
    planned_start: str | None = None
    actual_start: str | None = None
    started: str | None = None
    progress: str | None = None
    issues: str | None = None
    leader: str | None = None
    level: str | None = None  # 项目级别 (省/市/县…): 逾期未开工 by level when breakdown: level


START_RATE_BASES = Literal["planned_to_date", "planned_this_year", "all_but_preliminary", "all"]


class Ledger(Strict):
    file: str
    title: str = "重点项目"
    owner: str | None = None  # who submits the ledger (for 缺报/催报); default: the departments in it
    sheet: str | None = None
    columns: LedgerColumns = LedgerColumns()
    unit: str | None = None
    amount_unit: str = "亿元"
    start_rate_base: Literal["planned_to_date", "planned_this_year", "all_but_preliminary", "all"] = (
        "planned_to_date"
    )
    preliminary: list[str] = ["前期", "储备"]
    # A second 开工率 shown beside the main one, under its own name (时序开工率/年度开工率…), never 应开工/开工率.
    also_start_rate_base: START_RATE_BASES | None = None
    breakdown: Literal["category", "level"] = "category"  # how 逾期未开工 is broken down in the summary

    @model_validator(mode="after")
    def _ledger_options_agree(self):
        if self.also_start_rate_base is not None and self.also_start_rate_base == self.start_rate_base:
            raise KeyProblem(
                "also_start_rate_base",
                f"与 start_rate_base 相同（{self.start_rate_base}），应为另一口径或不填",
            )
        if self.breakdown == "level" and not self.columns.level:
            raise KeyProblem("breakdown", "按项目级别分列需要在 columns.level 中写明“项目级别”列的表头")
        return self


class Lights(Strict):
    profile: Literal["strict", "lenient"] = "strict"
    green: float | None = None
    yellow: float | None = None
    rate_yellow: float = Field(-3.0, le=0)
    near: float = Field(2.0, ge=0)
    severe: float = Field(10.0, ge=0)

    @property
    def bounds(self) -> tuple[float, float]:
        """(green_from, yellow_from) in 百分点 of gap to 序时进度."""
        green, yellow = {"strict": (0.0, -10.0), "lenient": (-10.0, -30.0)}[self.profile]
        green = self.green if self.green is not None else green
        yellow = self.yellow if self.yellow is not None else yellow
        return green, yellow

    @model_validator(mode="after")
    def _ordered(self):
        green, yellow = self.bounds
        if yellow > green:
            raise ValueError(f"yellow（{yellow:g}）应不高于 green（{green:g}）")
        return self


class ZoneProgress(Strict):
    """The zone's 序时进度 when it is not N/12: a cumulative plan in % of the annual target at each month's end
    (`plan`: 12 numbers, or {month: %} interpolated linearly from 0 at the start of the year), or the same
    share every month (`monthly: 10` = 10%, 20% … 120%, as a provincial notice may require)."""

    mode: Literal["month", "day", "plan"] = "plan"
    plan: dict[int, float] | list[float] | None = None
    monthly: float | None = Field(None, gt=0)

    @model_validator(mode="before")
    @classmethod
    def _word(cls, v):
        """`progress: month` / `progress: day` are the short forms of {mode: …}."""
        if isinstance(v, str):
            if v.strip() not in ("month", "day"):
                raise ValueError(
                    f"应为 month（按月）、day（按天），或 {{monthly: 10}}、{{plan: […]}} 这样的计划，现为 {v!r}"
                )
            return {"mode": v.strip()}
        return v

    @model_validator(mode="after")
    def _one_plan(self):
        if self.mode == "plan" and (self.plan is None) == (self.monthly is None):
            raise ValueError(
                "progress 按计划时写 plan（各月累计计划，占全年目标的百分比）或 monthly（每月百分比）其中之一"
            )
        if isinstance(self.plan, list) and len(self.plan) != 12:
            raise ValueError(f"progress.plan 写成列表时应有 12 个月的累计百分比，现有 {len(self.plan)} 个")
        if isinstance(self.plan, dict) and not all(1 <= m <= 12 for m in self.plan):
            raise ValueError("progress.plan 的键应为月份 1–12")
        if self.monthly is not None and self.monthly * 12 > 200:
            raise ValueError(
                f"progress.monthly 为每月完成全年目标的百分比，{self.monthly:g}% 一年累计超过 200%，请核对"
            )
        if self.plan is not None:
            _check_cumulative(self.percent_points(), "progress.plan", "%", 200.0)
        return self

    def percent_points(self) -> dict[int, float]:
        """{month: cumulative % of the annual target}."""
        if self.monthly is not None:
            return {m: self.monthly * m for m in range(1, 13)}
        if isinstance(self.plan, list):
            return {i + 1: v for i, v in enumerate(self.plan)}
        return dict(self.plan or {})


class Precision(Strict):
    """Decimals shown for rates and gaps (1 or 2, as real notes print 12.85%) and, per unit, for amounts."""

    rates: int = Field(1, ge=1, le=2)
    amounts: dict[str, int] = {}

    @field_validator("amounts")
    @classmethod
    def _digits(cls, v: dict[str, int]) -> dict[str, int]:
        bad = [k for k, d in v.items() if not 0 <= d <= 4]
        if bad:
            raise ValueError(f"小数位应为 0–4：{'、'.join(bad)}")
        return v


class Ranking(Strict):
    """How departments are ranked (DESIGN §4): by default the mean gap to 序时进度 of the indicators the kind
    registry counts in ranking, so the ranking agrees with the lights."""

    by: Literal["gap", "completion"] = "gap"
    min_indicators: int = Field(2, ge=1)
    weights: dict[str, float] = {}
    red_line: Literal["mark", "veto"] = "mark"

    @field_validator("weights")
    @classmethod
    def _positive(cls, v: dict[str, float]) -> dict[str, float]:
        bad = [k for k, w in v.items() if w <= 0]
        if bad:
            raise ValueError(f"权重应大于 0：{'、'.join(bad)}")
        return v


class Escalation(Strict):
    """督办升级 from the lights of consecutive months (DESIGN §4): yellow → 提醒; red, or flagged (yellow or red)
    `supervise_after_yellow_months` months running → 督办; red `interview_after_red_months` months running → 约谈."""

    enabled: bool = True
    supervise_after_yellow_months: int = Field(2, ge=1, le=12)
    interview_after_red_months: int = Field(3, ge=1, le=12)


class ExcelOutput(Strict):
    enabled: bool = True
    name: str = "{zone}{year}年{span}重点指标完成情况.xlsx"
    template: Path | None = None
    per_department: bool = True  # each department's 督办单 (render/supervision.py)
    department_name: str = "{zone}{year}年{span}督办单（{department}）.xlsx"
    reply_workdays: int = Field(5, ge=1, le=30)  # 督办单 back within this many working days of the 成文日期

    _name = field_validator("name")(_file_pattern(PERIOD_FIELDS))
    _department_name = field_validator("department_name")(_file_pattern(DEPARTMENT_FIELDS))


class WordSections(Strict):
    overview: bool = True  # 一、总体情况
    indicators: bool = True  # 二、主要指标完成情况
    projects: bool = True  # 三、重点项目推进情况
    departments: bool = True  # 四、各责任单位完成情况
    issues: bool = True  # 五、存在问题及下步建议


class WordOutput(Strict):
    enabled: bool = True
    name: str = "{zone}{year}年{span}重点指标完成情况.docx"
    template: Path | None = None
    title: str = "{zone}{year}年{span}重点指标完成情况通报"
    issuer: str | None = ""
    recipients: str = ""  # 主送机关, e.g. "管委会各部门、各直属单位：" (flush left above the first paragraph)
    date: str = (
        "first_run"  # 成文日期: first_run (kept across regenerations) / today / 2024-07-05 / workday:5
    )
    # 公文 elements (GB/T 9704); each one unset leaves no trace in the stock template.
    masthead: str = ""  # 发文机关标志, e.g. "示范经开区经济发展局文件" (red, with the red separator line)
    number: str = ""  # 发文字号, e.g. "示经发〔{year}〕{month}号"
    cc: str = ""  # 版记: 抄送, e.g. "管委会主任、副主任，纪工委"
    printed_by: str = ""  # 版记: 印发机关, e.g. "示范经开区经济发展局"
    printed_on: str = ""  # 版记: 印发日期 — "same" (the 成文日期) or a fixed date such as 2024-07-08
    sections: WordSections = WordSections()
    key_indicators: list[str] = []
    notes: str | None = None
    pdf: bool = False

    @field_validator("date", mode="before")
    @classmethod
    def _date_rule(cls, v) -> str:
        import re

        if isinstance(v, date):  # YAML reads an unquoted 2024-07-05 as a date
            return v.isoformat()
        v = str(v).strip()
        if v in ("first_run", "today") or re.fullmatch(r"workday:\d{1,2}", v):
            return v
        try:
            date.fromisoformat(v)
        except ValueError:
            raise ValueError(
                f"成文日期应为 first_run（首次生成日，重新生成不变）、today（每次生成当天）、"
                f"固定日期如 2024-07-05，或 workday:5（期末后第 5 个工作日），现为 {v!r}"
            ) from None
        return v

    _name = field_validator("name")(_file_pattern(PERIOD_FIELDS))
    _title = field_validator("title")(classmethod(_text_pattern))
    _number = field_validator("number")(classmethod(_text_pattern))

    @field_validator("printed_on", mode="before")
    @classmethod
    def _printed_on(cls, v) -> str:
        if isinstance(v, date):
            return v.isoformat()
        v = str(v or "").strip()
        if v in ("", "same"):
            return v
        try:
            date.fromisoformat(v)
        except ValueError:
            raise ValueError(
                f"印发日期应为 same（与成文日期相同）或固定日期如 2024-07-08，现为 {v!r}"
            ) from None
        return v

    @field_validator("notes")
    @classmethod
    def _notes_kind(cls, v: str | None) -> str | None:
        if v and not v.lower().endswith((".txt", ".md", ".docx")):
            raise ValueError(
                f"说明文件应为 .txt、.md 或 .docx（旧版 .doc 请在 Word/WPS 中另存为 .docx），现为 {v!r}"
            )
        return v


class ChartsOutput(Strict):
    enabled: bool = True
    dpi: int = Field(200, ge=72, le=600)
    font: str | None = None
    workers: int | None = Field(None, ge=1)


class Expected(Strict):
    """One submission the period needs: a file in the period folder and the department that sends it."""

    file: str
    department: str


class WaitConfig(Strict):
    retry_minutes: float = Field(60, gt=0)
    deadline_hours: float = Field(48, ge=0)
    remind: bool = True


class JobConfig(Strict):
    name: str
    workday: int | None = Field(None, ge=-23, le=23)
    time: str = "08:30"
    cron: dict[str, Union[int, str]] | None = None
    months_back: int = Field(1, ge=0, le=11)
    send: bool = True
    force: bool = False
    pdf: bool | None = None
    wait: WaitConfig = WaitConfig()

    @field_validator("name")
    @classmethod
    def _job_name(cls, v: str) -> str:
        import re

        if not re.fullmatch(r"[\w\-]+", v):
            raise ValueError(f"任务名只能由汉字、字母、数字、- 和 _ 组成，现为 {v!r}")
        return v

    @field_validator("time", mode="before")
    @classmethod
    def _clock_time(cls, v):
        import re

        if isinstance(v, int) and not isinstance(v, bool) and 0 <= v < 24 * 60:
            return f"{v // 60:02d}:{v % 60:02d}"  # YAML 1.1 reads an unquoted 8:30 as 510 (base 60)
        m = re.fullmatch(r"\s*(\d{1,2})[:：](\d{2})\s*", str(v))
        if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
            raise ValueError(f'运行时刻应写成 "08:30" 这样的 时:分（0–23 时、0–59 分），现为 {v!r}')
        return f"{int(m.group(1)):02d}:{m.group(2)}"

    @model_validator(mode="after")
    def _one_rule(self):
        if (self.workday is None) == (self.cron is None):
            raise ValueError("每个任务写 workday（每月第 N 个工作日）或 cron（cron 字段）其中之一")
        if self.workday == 0:
            raise ValueError("workday 从 1 开始数（-1 表示最后一个工作日）")
        return self

    @field_validator("cron")
    @classmethod
    def _cron_fields(cls, v):
        if not v:
            return v
        allowed = {"year", "month", "day", "week", "day_of_week", "hour", "minute", "second"}
        unknown = set(v) - allowed
        if unknown:
            raise ValueError(
                f"cron 中未知的字段：{'、'.join(sorted(unknown))}（可用：{'、'.join(sorted(allowed))}）"
            )
        from apscheduler.triggers.cron import CronTrigger

        for key, value in v.items():
            try:
                CronTrigger(**{key: value})
            except ValueError as e:
                raise ValueError(f"cron 的 {key}: {value!r} 无效（{e}）") from None
        return v


class RetryConfig(Strict):
    """Undelivered messages of a scheduled run: tried again after 5, 10, 20 … minutes (at most max_minutes
    apart) until `until` o'clock of the `workdays`-th working day after the run; then the admin is alerted."""

    first_minutes: float = Field(5, gt=0)
    max_minutes: float = Field(60, gt=0)
    workdays: int = Field(1, ge=0, le=10)
    until: str = "18:00"

    @field_validator("until", mode="before")
    @classmethod
    def _clock_time(cls, v):
        return JobConfig._clock_time(v)


class ScheduleConfig(Strict):
    timezone: str = "Asia/Shanghai"
    state_dir: Path = Path("state")
    database: str | None = None
    misfire_grace_hours: float = Field(24, gt=0)
    holidays: list[date] = []
    workdays: list[date] = []
    jobs: list[JobConfig] = []
    # A claimed run or 发送中 message whose owner's heartbeat is older than this is taken over
    # (an owner on this host whose process is gone is taken over at once).
    lease_minutes: float = Field(30, gt=0)
    retry: RetryConfig = RetryConfig()
    # Run when the retry window closes with messages still owed (besides mail to mail.admin): a shell command
    # given the alert in REPORTGEN_ALERT_SUBJECT / REPORTGEN_ALERT_TEXT and on stdin.
    alert_command: str | None = None
    # Scheduled sends wait for approval (reportgen.approval): only outputs approved by content hash go out;
    # until then the approvers (default mail.admin) are reminded by mail, once per version of the outputs.
    require_approval: bool = False
    approvers: list[str] = []

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, v: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"未知的时区“{v}”，如 Asia/Shanghai") from None
        return v


class PortalConfig(Strict):
    """The submission portal: upload limits and the departments' deadline (reportgen.submissions)."""

    # One upload; the reader's data.limits apply on top when it is read.
    max_upload_mb: float = Field(20, gt=0)
    # Data due on this working day of the month after the period (default: the first schedule job's day, else 5)
    deadline_workday: int | None = Field(None, ge=1, le=23)
    deadline_time: str = "17:30"
    state_dir: Path | None = None  # versions and their files; default: submissions/ in the state folder
    # How long the signed upload link in a 催报 e-mail works (needs web.base_url)
    link_days: float = Field(7, gt=0, le=60)

    @field_validator("deadline_time", mode="before")
    @classmethod
    def _clock_time(cls, v):
        return JobConfig._clock_time(v)


class MailConfig(Strict):
    host: str
    port: int | None = None
    security: Literal["starttls", "ssl", "none"] = "starttls"
    username: str | None = None
    password_env: str | None = "REPORTGEN_SMTP_PASSWORD"
    password_file: Path | None = None
    sender: str
    sender_name: str = ""
    leaders: list[str] = []
    admin: list[str] = []
    departments: bool = True
    timeout: float = Field(30, gt=0)
    retries: int = Field(3, ge=0, le=10)
    backoff_seconds: float = Field(30, ge=0)
    subject: str = "{zone}{year}年{span}重点指标完成情况"

    _subject = field_validator("subject")(classmethod(_text_pattern))

    @property
    def smtp_port(self) -> int:
        return self.port or {"ssl": 465, "starttls": 587, "none": 25}[self.security]


class WebConfig(Strict):
    """`reportgen serve`: the report office's console (reportgen/web/)."""

    secure_cookies: bool = (
        False  # true behind an HTTPS reverse proxy: the browser sends the session over HTTPS only
    )
    session_hours: float = Field(8, gt=0, le=24 * 30)  # a login lasts this long (a working day by default)
    approval_required: bool = True  # the console sends only outputs approved by hash; off: send as they are
    login_attempts: int = Field(5, ge=1, le=100)  # wrong passwords in a row before the account waits
    lockout_minutes: float = Field(15, gt=0)  # how long it waits
    # The console's address as departments reach it (https://report.zone.gov.cn/): links in 催报 e-mails
    base_url: str | None = None

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, v):
        if v is None:
            return v
        v = v.strip()
        if not v.startswith(("http://", "https://")) or len(v.split("://", 1)[1].strip("/")) == 0:
            raise ValueError(
                f"应为 http:// 或 https:// 开头的网址，如 https://report.zone.gov.cn/，现为“{v}”"
            )
        return v.rstrip("/") + "/"


class OutputConfig(Strict):
    dir: Path = Path("output")
    precision: Precision = Precision()
    excel: ExcelOutput = ExcelOutput()
    word: WordOutput = WordOutput()
    charts: ChartsOutput = ChartsOutput()


class Config(Strict):
    zone: str
    year: int = Field(ge=2000, le=2100)
    data: DataConfig = DataConfig()
    departments: list[Union[str, Department]] = Field(min_length=1)
    groups: list[str] = []
    indicators: list[Indicator] = Field(min_length=1)
    ledgers: dict[str, Ledger] = {}
    collective: str = "全区"  # the zone's own word in sentences: 全区 / 全县 / 全市 / 全园区
    progress: ZoneProgress = ZoneProgress(mode="month")
    lights: Lights = Lights()
    ranking: Ranking = Ranking()
    escalation: Escalation = Escalation()
    output: OutputConfig = OutputConfig()
    schedule: ScheduleConfig = ScheduleConfig()
    mail: MailConfig | None = None
    web: WebConfig = WebConfig()
    portal: PortalConfig = PortalConfig()
    base_dir: Path = Field(Path("."), exclude=True)
    _department_index: dict[str, str] | None = PrivateAttr(default=None)

    @field_validator("zone")
    @classmethod
    def _zone_file_name(cls, v: str) -> str:
        return _usable_name(v)

    @field_validator("departments")
    @classmethod
    def _department_file_names(cls, v: list) -> list:
        seen: dict[str, str] = {}
        for d in v:
            name = d if isinstance(d, str) else d.name
            problem = name_problem(name)
            if problem:
                raise ValueError(problem)
            safe = safe_name(name)
            if safe in seen and seen[safe] != name:
                raise ValueError(
                    f"责任单位“{seen[safe]}”与“{name}”在文件名中都写作“{safe}”，督办单会互相覆盖"
                )
            seen[safe] = name
        return v

    @model_validator(mode="after")
    def _weights_known(self):
        unknown = sorted(set(self.ranking.weights) - {i.id for i in self.indicators})
        if unknown:
            raise KeyProblem(
                "ranking.weights", f"指标编号不存在：{'、'.join(unknown)}（应为 indicators 中的 id）"
            )
        return self

    @property
    def department_names(self) -> list[str]:
        return [d if isinstance(d, str) else d.name for d in self.departments]

    def department_of(self, text: str) -> str | None:
        """The configured department a ledger cell or owner name refers to (aliases included)."""
        from ..text import normalize_text

        if self._department_index is None:
            index: dict[str, str] = {}
            for d in self.departments:
                names = [d] if isinstance(d, str) else [d.name, *d.aliases]
                for n in names:
                    index.setdefault(normalize_text(n), names[0])
            self._department_index = index
        return self._department_index.get(normalize_text(text))

    def resolve(self, path: Path) -> Path:
        return Path(os.path.normpath(path if path.is_absolute() else self.base_dir / path))
