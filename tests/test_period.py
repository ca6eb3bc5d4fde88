"""Reporting periods: parsing, quarters, exposure in months, shifting and earlier periods."""

from __future__ import annotations

import datetime as dt

import pytest

from cseplan_xl.errors import InvalidValue
from cseplan_xl.period import (
    Period,
    default_period,
    last_complete_quarter,
    make_period,
    parse_period,
    quarter_of,
)

D = dt.date


@pytest.mark.parametrize("text", ["2018Q1", "2018q1", "Q1 2018", "2018-Q1", "2018 Q1", "q1-2018", " Q1  2018 "])
def test_quarter_forms(text):
    p = parse_period(text)
    assert (p.start, p.end, p.label) == (D(2018, 1, 1), D(2018, 3, 31), "2018Q1")


def test_other_quarters_and_months():
    assert (parse_period("2018Q4").start, parse_period("2018Q4").end) == (D(2018, 10, 1), D(2018, 12, 31))
    feb = parse_period("2016-02")
    assert (feb.start, feb.end, feb.label, feb.months) == (D(2016, 2, 1), D(2016, 2, 29), "2016-02", 1.0)
    assert parse_period("March 2018") == Period(D(2018, 3, 1), D(2018, 3, 31), "2018-03")
    assert parse_period("Sept 2017").start == D(2017, 9, 1)
    assert parse_period("2018") == Period(D(2018, 1, 1), D(2018, 12, 31), "2018")


def test_financial_years():
    fy = parse_period("2018/19")
    assert (fy.start, fy.end, fy.months) == (D(2018, 4, 1), D(2019, 3, 31), 12.0)
    assert parse_period("FY2018-19").start == D(2018, 4, 1)
    q = parse_period("Q1 2018/19")
    assert (q.start, q.end) == (D(2018, 4, 1), D(2018, 6, 30))
    q4 = parse_period("Q4 2018/19")
    assert (q4.start, q4.end) == (D(2019, 1, 1), D(2019, 3, 31))


@pytest.mark.parametrize("text", ["2018-01-01..2018-03-31", "2018-01-01:2018-03-31", "2018-01-01 to 2018-03-31",
                                  "01/01/2018..31/03/2018"])
def test_date_ranges(text):
    p = parse_period(text)
    assert (p.start, p.end, p.label) == (D(2018, 1, 1), D(2018, 3, 31), "2018Q1")


def test_partial_month_range_counts_fractional_months():
    p = parse_period("2018-01-16..2018-02-14")
    assert p.label == "2018-01-16..2018-02-14"
    assert p.months == round(16 / 31 + 14 / 28, 6)
    assert p.days == 30
    assert not p.whole_months


@pytest.mark.parametrize("text", ["", "2018Q5", "Q0 2018", "spring", "2018-03-31..2018-01-01", "2018-02-30..2018-03-01",
                                  "2018/20", "2018-13"])
def test_bad_periods_raise_usage_error(text):
    with pytest.raises(InvalidValue) as err:
        parse_period(text)
    assert "\n" not in str(err.value)


def test_quarter_of_and_last_complete_quarter():
    assert quarter_of(D(2018, 5, 17)) == Period(D(2018, 4, 1), D(2018, 6, 30), "2018Q2")
    assert last_complete_quarter(D(2018, 5, 17)).label == "2018Q1"
    assert last_complete_quarter(D(2018, 4, 1)).label == "2018Q1"
    assert last_complete_quarter(D(2018, 3, 31)).label == "2018Q1"
    assert last_complete_quarter(D(2018, 3, 30)).label == "2017Q4"
    assert last_complete_quarter(D(2018, 12, 31)).label == "2018Q4"
    assert last_complete_quarter(D(2018, 1, 5)).label == "2017Q4"


def test_shift_years_keeps_month_ends():
    assert parse_period("2018Q1").shift_years(-1) == Period(D(2017, 1, 1), D(2017, 3, 31), "2017Q1")
    leap = parse_period("2016-02").shift_years(1)
    assert (leap.start, leap.end, leap.label) == (D(2017, 2, 1), D(2017, 2, 28), "2017-02")
    odd = parse_period("2016-02-10..2016-02-29").shift_years(-1)
    assert (odd.start, odd.end) == (D(2015, 2, 10), D(2015, 2, 28))


def test_previous_periods():
    prev = parse_period("2018Q1").previous(3)
    assert [p.label for p in prev] == ["2017Q2", "2017Q3", "2017Q4"]
    assert [p.label for p in parse_period("2018-03").previous(2)] == ["2018-01", "2018-02"]
    days = make_period(D(2018, 1, 11), D(2018, 1, 20)).previous(2)
    assert [(p.start, p.end) for p in days] == [(D(2017, 12, 22), D(2017, 12, 31)), (D(2018, 1, 1), D(2018, 1, 10))]
    with pytest.raises(InvalidValue):
        parse_period("2018Q1").previous(0)


def test_months_and_month_starts():
    p = parse_period("2018-11-01..2019-02-28")
    assert p.months == 4.0
    assert p.month_starts() == [D(2018, 11, 1), D(2018, 12, 1), D(2019, 1, 1), D(2019, 2, 1)]
    assert p.to_dict() == {"label": "2018-11-01..2019-02-28", "start": "2018-11-01", "end": "2019-02-28",
                           "months": 4.0}


def test_next_period():
    assert parse_period("2018Q4").next() == Period(D(2019, 1, 1), D(2019, 3, 31), "2019Q1")
    assert parse_period("2018-01").next() == Period(D(2018, 2, 1), D(2018, 2, 28), "2018-02")
    fy = parse_period("2018/19").next()
    assert (fy.start, fy.end, fy.label) == (D(2019, 4, 1), D(2020, 3, 31), "2019-04-01..2020-03-31")
    days = make_period(D(2018, 1, 11), D(2018, 1, 20)).next()
    assert (days.start, days.end) == (D(2018, 1, 21), D(2018, 1, 30))
    assert parse_period("2018Q1").previous(1)[0].next() == parse_period("2018Q1")


@pytest.mark.parametrize("text, words, labelled", [
    ("2018Q1", "January to March 2018", "Q1 2018 (January to March 2018)"),
    ("2018-03", "March 2018", "March 2018"),
    ("2018", "2018", "2018"),
    ("2018/19", "April 2018 to March 2019", "2018/19 (April 2018 to March 2019)"),
    ("2018-11-01..2019-02-28", "November 2018 to February 2019", "November 2018 to February 2019"),
    ("2018-01-15..2018-02-14", "15 January to 14 February 2018", "15 January to 14 February 2018"),
    ("2017-12-15..2018-01-14", "15 December 2017 to 14 January 2018", "15 December 2017 to 14 January 2018"),
])
def test_describe(text, words, labelled):
    p = parse_period(text)
    assert (p.describe(), p.describe(label=True)) == (words, labelled)


def test_default_period_is_the_setting_else_the_last_complete_quarter():
    assert default_period("2018Q2", D(2018, 3, 31)).label == "2018Q2"
    assert default_period(None, D(2018, 3, 31)).label == "2018Q1"
    assert default_period(None, D(2018, 3, 30)).label == "2017Q4"
    assert default_period("  ", D(2018, 4, 1)).label == "2018Q1"
    message = "^the Control sheet's Reporting period: cannot understand the period 'spring'"
    with pytest.raises(InvalidValue, match=message):
        default_period("spring", D(2018, 4, 1))


@pytest.mark.parametrize("text, start, end, label", [
    ("Autumn 2018", D(2018, 9, 1), D(2018, 11, 30), "Autumn 2018"),
    ("dec-2018", D(2018, 12, 1), D(2018, 12, 31), "2018-12"),
    ("q1-2019", D(2019, 1, 1), D(2019, 3, 31), "2019Q1"),
    ("2017/11", D(2017, 11, 1), D(2017, 11, 30), "2017-11"),
    ("Q2 FY2018/19", D(2018, 7, 1), D(2018, 9, 30), "2018Q3"),
])
def test_periods_read_by_the_when_grammar(text, start, end, label):
    p = parse_period(text)
    assert (p.start, p.end, p.label) == (start, end, label)


@pytest.mark.parametrize("text, why", [
    ("Quarterly", "not one fixed window"),
    ("by March 2018", "not one fixed window"),
    ("2018 TBC", "not one fixed window"),
    ("2011-12", "could be December 2011 or the financial year 2011/12"),
])
def test_periods_that_are_not_one_window(text, why):
    with pytest.raises(InvalidValue, match=f"^cannot understand the period '{text}': .*{why}"):
        parse_period(text)
