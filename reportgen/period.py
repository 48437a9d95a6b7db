"""The reporting period: a year and the last month of the 1–N月 cumulative data."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from .errors import ReportgenError

CHECKPOINTS = {3: "开门红", 6: "双过半", 9: "前三季度", 12: "全年红"}


@dataclass(frozen=True, order=True)
class Period:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Period:
        m = re.fullmatch(r"\s*(\d{4})\s*[-./年]\s*(\d{1,2})\s*月?\s*", text or "")
        if not m or not 1 <= int(m.group(2)) <= 12:
            raise ReportgenError(f"期间“{text}”格式不对，应为 YYYY-MM，例如 2024-06")
        return cls(int(m.group(1)), int(m.group(2)))

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d}"

    @property
    def label(self) -> str:
        """How reports name the cumulative span: 1-6月 (1月 alone in January)."""
        return "1月" if self.month == 1 else f"1-{self.month}月"

    @property
    def end(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    @property
    def checkpoint(self) -> str | None:
        return CHECKPOINTS.get(self.month)

    def month_fraction(self) -> float:
        return self.month / 12

    def day_fraction(self) -> float:
        days_in_year = 366 if calendar.isleap(self.year) else 365
        return self.end.timetuple().tm_yday / days_in_year
