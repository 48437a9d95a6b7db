"""What people type into cells: numbers, units, months and yes/no flags."""

from datetime import date, datetime

import pytest

from reportgen.sources.values import (
    NotANumber,
    approximate_note,
    convert,
    is_placeholder,
    parse_flag,
    parse_month,
    parse_number,
    split_unit,
    unit_in_line,
)

# ---- parse_number -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("1,234.5", 1234.5),
        ("１２３", 123.0),  # full-width digits
        ("１，２３４．５", 1234.5),  # full-width comma and point
        (" 12 ", 12.0),
        ("12\n", 12.0),
        ("-3.2", -3.2),
        ("－3.2", -3.2),  # full-width minus
        (42, 42.0),
        (4.5, 4.5),
        ("12个", 12.0),
    ],
)
def test_number_typed_as_text(raw, expected):
    assert parse_number(raw) == pytest.approx(expected)


def test_percent_text_comes_back_in_percent():
    assert parse_number("73.27%") == pytest.approx(73.27)
    assert parse_number("７３.２７％") == pytest.approx(73.27)


def test_percent_as_fraction_scales_numeric_cells_only_once():
    assert parse_number(0.7327, fraction_percent=True) == pytest.approx(73.27)
    assert parse_number("73.27%", fraction_percent=True) == pytest.approx(73.27)  # text already says %
    assert parse_number(0.7327) == pytest.approx(0.7327)


def test_yi_suffix_into_yiyuan_from_a_wanyuan_column():
    assert parse_number("1.2亿", "万元", "亿元") == pytest.approx(1.2)


def test_yi_suffix_into_wanyuan():
    assert parse_number("1.2亿", "万元", "万元") == pytest.approx(12000)
    assert parse_number("1.2亿", None, "万元") == pytest.approx(12000)


def test_wan_suffix_in_a_wan_dollar_column_keeps_the_currency():
    assert parse_number("8000万", "万美元", "万美元") == pytest.approx(8000)
    assert parse_number("8000万", "万美元", "亿美元") == pytest.approx(0.8)


def test_explicit_unit_in_cell_overrides_the_column_unit():
    assert parse_number("3,000万元", "亿元", "亿元") == pytest.approx(0.3)
    assert parse_number("1.2亿元", "万元", "亿元") == pytest.approx(1.2)


def test_unit_conversion_wanyuan_to_yiyuan():
    assert parse_number(12000, "万元", "亿元") == pytest.approx(1.2)
    assert parse_number("12,000", "万元", "亿元") == pytest.approx(1.2)
    assert convert(1.5, "亿元", "万元") == pytest.approx(15000)
    assert convert(7, "个", "亿元") == 7  # not an amount unit: unchanged


def test_conversion_across_currencies_is_refused():
    with pytest.raises(ValueError, match="不能换算"):
        parse_number("8000万美元", "万元", "亿元")


@pytest.mark.parametrize(
    "raw", ["—", "——", "-", "/", "／", "无", "…", "……", "", "   ", None, "#DIV/0!", "未填报"]
)
def test_placeholders_mean_not_reported_never_zero(raw):
    assert is_placeholder(raw)
    assert parse_number(raw) is None
    assert parse_number(raw, "万元", "亿元") is None


def test_zero_is_a_number_not_a_placeholder():
    assert parse_number(0) == 0.0
    assert parse_number("0") == 0.0


@pytest.mark.parametrize("raw", ["待核实", "1,2x3", "约", "余100", "12..5"])
def test_text_that_is_not_a_number(raw):
    with pytest.raises(NotANumber) as exc:
        parse_number(raw)
    assert raw in str(exc.value)


@pytest.mark.parametrize(
    "raw, number, note",
    [
        ("约100", 100.0, "原填“约100”，按100计"),
        ("3000余", 3000.0, "原填“3000余”，按3000计"),
        ("近1.2亿", 12000.0, "原填“近1.2亿”，按1.2亿计"),  # in a 万元 column
        ("3,000多", 3000.0, "原填“3,000多”，按3000计"),
        ("3000", 3000.0, None),
    ],
)
def test_approximate_numbers_are_read_with_a_note(raw, number, note):
    """Issue 10 item 3: "约100" once made a reported figure 未报送; it is 100, and the note says so."""
    assert parse_number(raw, "万元", "万元") == pytest.approx(number)
    assert approximate_note(raw) == note


@pytest.mark.parametrize("raw", [True, False])
def test_booleans_are_rejected(raw):
    with pytest.raises(NotANumber):
        parse_number(raw)


def test_dates_are_not_numbers():
    with pytest.raises(NotANumber, match="日期"):
        parse_number(datetime(2024, 3, 1))


# ---- units in headers and title lines ---------------------------------------------------------------


@pytest.mark.parametrize(
    "header, expected",
    [
        ("总投资（万元）", ("总投资", "万元")),
        ("总投资(亿元)", ("总投资", "亿元")),
        ("总投资\n（万元）", ("总投资", "万元")),
        ("增速（%）", ("增速", "%")),
        ("总 投 资（ 万元 ）", ("总投资", "万元")),
        ("项目名称", ("项目名称", None)),
        ("备注（其他）", ("备注(其他)", None)),  # not a unit: the (normalised) text stays whole
    ],
)
def test_split_unit(header, expected):
    assert split_unit(header) == expected


@pytest.mark.parametrize(
    "line, expected",
    [
        ("单位：万元", "万元"),
        ("单位:亿元", "亿元"),
        ("金额单位：万元", "万元"),
        ("填报单位：经发局      单位：万元", "万元"),
        ("单位：万元    （截至2024年6月底）", "万元"),
        ("单位：万美元", "万美元"),
        ("单位：经发局", None),
        ("固定资产投资完成情况", None),
    ],
)
def test_unit_in_line(line, expected):
    assert unit_in_line(line) == expected


# ---- parse_month ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        (datetime(2024, 3, 15, 0, 0), date(2024, 3, 1)),  # an Excel date cell
        (date(2024, 11, 30), date(2024, 11, 1)),
        ("2024.3", date(2024, 3, 1)),
        (2024.3, date(2024, 3, 1)),  # typed as a number
        ("2024年3月", date(2024, 3, 1)),
        ("2024年12月", date(2024, 12, 1)),
        ("3月", date(2024, 3, 1)),  # year from the config
        ("3月底", date(2024, 3, 1)),
        ("10月份", date(2024, 10, 1)),
        ("2024-04", date(2024, 4, 1)),
        ("2024-04-18", date(2024, 4, 1)),
        ("2024/5", date(2024, 5, 1)),
        ("202403", date(2024, 3, 1)),
        (202403, date(2024, 3, 1)),
        ("２０２４．３", date(2024, 3, 1)),
        ("2023年11月", date(2023, 11, 1)),
    ],
)
def test_parse_month(raw, expected):
    assert parse_month(raw, 2024) == expected


def test_parse_month_uses_the_default_year_for_bare_months():
    assert parse_month("3月", 2025) == date(2025, 3, 1)


@pytest.mark.parametrize("raw", ["", "—", "/", None])
def test_parse_month_placeholder_is_none(raw):
    assert parse_month(raw, 2024) is None


@pytest.mark.parametrize("raw", ["明年上半年", "13月", "2024.13", "2024年0月", "已开工", 3, 45000.5])
def test_parse_month_bad_text_names_the_text(raw):
    with pytest.raises(NotANumber) as exc:
        parse_month(raw, 2024)
    assert str(raw) in str(exc.value)


# ---- parse_flag -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("已开工", True),
        ("未开工", False),
        ("是", True),
        ("否", False),
        ("√", True),
        ("×", False),
        ("已完成", True),
        ("未完成", False),
        ("暂未开工", False),
        ("尚未开工", False),
        (" 是 ", True),
        ("", None),
        ("—", None),
        ("/", None),
    ],
)
def test_parse_flag(raw, expected):
    assert parse_flag(raw) is expected


def test_parse_flag_boolean_cell():
    """An Excel TRUE/FALSE cell (e.g. a checkbox column 是否开工) is already a flag."""
    assert parse_flag(True) is True
    assert parse_flag(False) is False


def test_parse_flag_unknown_text_is_an_error():
    with pytest.raises(NotANumber, match="不知道"):
        parse_flag("不知道")
