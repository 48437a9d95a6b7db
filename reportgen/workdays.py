"""Official Chinese working days (State Council holiday notices, with weekend 调休 days counted as working).

chinese-calendar carries the notices up to the year its release knows; later years (published each
November) come from the config's override lists until the package catches up.
"""

from __future__ import annotations

import calendar as _calendar
from datetime import date

from .errors import ReportgenError


class WorkCalendar:
    def __init__(self, holidays: list[date] = (), workdays: list[date] = ()):
        self.holidays = frozenset(holidays)  # extra days off (a weekday within a holiday)
        self.workdays = frozenset(workdays)  # extra working days (a 调休 Saturday or Sunday)

    def covers(self, year: int) -> bool:
        """True when the official calendar (package or overrides) knows `year`."""
        if any(d.year == year for d in self.holidays | self.workdays):
            return True
        try:
            import chinese_calendar

            chinese_calendar.is_workday(date(year, 1, 2))
            return True
        except (NotImplementedError, ImportError):
            return False

    def is_workday(self, day: date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        try:
            import chinese_calendar

            return chinese_calendar.is_workday(day)
        except (NotImplementedError, ImportError):
            return day.weekday() < 5  # not covered: plain Monday–Friday (a warning says so at start)

    def nth_workday(self, year: int, month: int, n: int) -> date:
        """The n-th working day of the month (1-based); n = -1 is the last one."""
        last = _calendar.monthrange(year, month)[1]
        days = [date(year, month, d) for d in range(1, last + 1)]
        working = [d for d in days if self.is_workday(d)]
        if not working or abs(n) > len(working) or n == 0:
            raise ReportgenError(f"{year}年{month}月只有 {len(working)} 个工作日，没有第 {n} 个")
        return working[n - 1] if n > 0 else working[n]

    def after(self, day: date, n: int) -> date:
        """The n-th working day after `day` (`day` itself not counted): a reply deadline."""
        from datetime import timedelta

        if n < 1:
            raise ReportgenError(f"工作日数应至少为 1，而不是 {n}")
        while n:
            day += timedelta(days=1)
            n -= self.is_workday(day)
        return day
