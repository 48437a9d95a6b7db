"""Working-day arithmetic on the official calendars, checked against dates worked out by hand."""

from __future__ import annotations

from datetime import date

import pytest

from reportgen.errors import ReportgenError
from reportgen.workdays import WorkCalendar


@pytest.mark.parametrize(
    "year, month, n, expected",
    [
        (2025, 10, 5, date(2025, 10, 14)),  # 10-1..8 National Day; 10-11 (Sat) is a 调休 working day
        (2026, 10, 5, date(2026, 10, 13)),  # 10-1..7 off; 10-10 (Sat) is a working day
        (2024, 10, 5, date(2024, 10, 12)),  # 10-1..7 off; 10-8 Tue, 9, 10, 11, 10-12 (Sat, 调休)
        (2024, 10, 1, date(2024, 10, 8)),
        (2024, 2, 5, date(2024, 2, 6)),  # Spring Festival 2-10..17; 2-4 (Sun) is a 调休 working day
        (2024, 2, 10, date(2024, 2, 19)),  # 1,2,4,5,6,7,8,9(Fri) then 2-18 (Sun, 调休) and 2-19
        (2025, 2, 1, date(2025, 2, 5)),  # Spring Festival 1-28..2-4
        (2025, 1, 5, date(2025, 1, 8)),  # 1-1 New Year off: 2, 3, 6, 7, 8
        (2025, 5, 1, date(2025, 5, 6)),  # Labour Day 5-1..5
        (2024, 6, -1, date(2024, 6, 28)),  # last working day of June 2024 (a Friday)
    ],
)
def test_nth_working_day(year, month, n, expected):
    assert WorkCalendar().nth_workday(year, month, n) == expected


def test_overrides_for_a_year_the_package_does_not_know():
    cal = WorkCalendar()
    assert not cal.covers(2099)
    # Without data: Monday–Friday. With the published notice typed into the config: the real days.
    assert cal.nth_workday(2099, 10, 1) == date(2099, 10, 1)
    cal = WorkCalendar(holidays=[date(2099, 10, d) for d in range(1, 8)], workdays=[date(2099, 10, 10)])
    assert cal.covers(2099)
    assert cal.nth_workday(2099, 10, 1) == date(2099, 10, 8)
    assert cal.nth_workday(2099, 10, 3) == date(2099, 10, 10)  # the 调休 Saturday


def test_no_such_working_day():
    with pytest.raises(ReportgenError, match="没有第 30 个"):
        WorkCalendar().nth_workday(2024, 10, 30)
