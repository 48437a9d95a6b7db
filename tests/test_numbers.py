"""Chinese number wording: the filters shared by Word, Excel and e-mail, on their edge values."""

from __future__ import annotations

import pytest
from jinja2 import Environment, StrictUndefined

from reportgen.render import numbers as nb


@pytest.mark.parametrize(
    "value, digits, shown",
    [
        (48.25, 1, "48.3"),
        (48.35, 1, "48.4"),
        (0.125, 2, "0.13"),
        (2.675, 2, "2.68"),
        (-48.25, 1, "-48.3"),
        (112.4, 2, "112.40"),
        (0.1 + 0.2, 1, "0.3"),
        (1e-12, 2, "0.00"),
    ],
)
def test_round_half_up_not_bankers(value, digits, shown):
    assert str(nb.round_half_up(value, digits)) == shown


@pytest.mark.parametrize(
    "value, unit, text",
    [
        (112.4, "亿元", "112.40亿元"),
        (53, "个", "53个"),
        (52.6, "个", "52.60个"),
        (951.0, "家次", "951家次"),
        (520, "亩", "520亩"),
        (0.004, "亿元", "40万元"),
        (0.6925, "亿元", "6925万元"),
        (0, "亿元", "0.00亿元"),
        (-0.004, "亿元", "-40万元"),
        (None, "亿元", "—"),
        (3620, "万美元", "3620.00万美元"),
        (0, "项", "0项"),
    ],
)
def test_amount_by_unit(value, unit, text):
    assert nb.amount(value, unit) == text


def test_amount_digits_override():
    assert nb.amount(3620.4, "万美元", 0) == "3620万美元"


@pytest.mark.parametrize(
    "fraction, text",
    [
        (0.5625, "56.3%"),
        (0.56249, "56.2%"),
        (1, "100.0%"),
        (0, "0.0%"),
        (None, "—"),
        (1.5, "150.0%"),
    ],
)
def test_percent_one_decimal(fraction, text):
    assert nb.percent(fraction) == text


@pytest.mark.parametrize(
    "pct, text",
    [
        (13.14, "同比增长13.1%"),
        (-3.2, "同比下降3.2%"),
        (0.04, "同比持平"),
        (-0.04, "同比持平"),
        (0, "同比持平"),
        (-0.05, "同比下降0.1%"),
        (0.05, "同比增长0.1%"),
        (None, ""),
    ],
)
def test_growth_words_signed_and_flat(pct, text):
    assert nb.growth_words(pct) == text


@pytest.mark.parametrize(
    "gap, text",
    [
        (6.2, "超序时进度6.2个百分点"),
        (0.05, "超序时进度0.1个百分点"),
        (0.04, "达到序时进度"),
        (-0.04, "略低于序时进度0.04个百分点"),
        (-0.05, "略低于序时进度0.1个百分点"),
        (-2.0, "略低于序时进度2.0个百分点"),
        (-2.04, "略低于序时进度2.0个百分点"),  # the words follow the shown number
        (-2.05, "落后序时进度2.1个百分点"),
        (-10.0, "落后序时进度10.0个百分点"),
        (-10.04, "落后序时进度10.0个百分点"),
        (-10.05, "明显低于序时进度10.1个百分点"),
        (None, ""),
    ],
)
def test_progress_words_by_size(gap, text):
    assert nb.progress_words(gap) == text


@pytest.mark.parametrize(
    "value, text",
    [
        (6.25, "+6.3"),
        (-3, "-3.0"),
        (0.04, "+0.04"),  # a non-zero gap never shows as 0.0, either side of 序时 (numbers.revealing_digits)
        (-0.04, "-0.04"),
        (-0.0489, "-0.05"),
        (0.0, "0.0"),
        (None, "—"),
    ],
)
def test_signed_points(value, text):
    assert nb.signed_points(value) == text


def test_points_never_percent_and_unsigned():
    assert nb.points(-6.25) == "6.3个百分点"
    assert "%" not in nb.points(3)


def test_span_and_dates():
    from datetime import date

    assert nb.span(1) == "1月" and nb.span(6) == "1-6月"
    assert nb.month_text(date(2024, 3, 15)) == "2024年3月" and nb.month_text(None) == "—"
    assert nb.date_text(date(2024, 7, 5)) == "2024年7月5日"


def test_filters_work_in_jinja_templates():
    env = Environment(undefined=StrictUndefined)
    env.filters.update(nb.FILTERS)
    text = env.from_string(
        "{{ v|amount('亿元') }}，{{ r|percent }}，{{ g|progress_words }}，{{ y|growth_words }}，"
        "{{ d|points }}"
    ).render(v=112.4, r=0.562, g=6.2, y=13.14, d=-1.25)
    assert text == "112.40亿元，56.2%，超序时进度6.2个百分点，同比增长13.1%，1.3个百分点"


@pytest.mark.parametrize(
    "fraction, text",
    [
        (0.9996, "99.96%"),
        (0.99996, "99.996%"),
        (0.562, "56.2%"),
        (1.0, "100.0%"),
        (1.0004, "100.0%"),
        (None, "—"),
    ],
)
def test_percent_reveals_a_shortfall_rounding_would_hide(fraction, text):
    from reportgen.render.numbers import percent_revealing

    assert percent_revealing(fraction, 1.0) == text


@pytest.mark.parametrize(
    "fraction, benchmark, text",
    [(0.7496, 0.75, "74.96%"), (0.75, 0.75, "75.0%"), (0.7504, 0.75, "75.0%"), (0.6666, 8 / 12, "66.66%")],
)
def test_percent_reveals_a_shortfall_against_its_own_time_progress(fraction, benchmark, text):
    assert nb.percent_revealing(fraction, 1.0, benchmark) == text
