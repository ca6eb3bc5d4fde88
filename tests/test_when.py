"""Tests for cseplan_xl.when: the When text -> Schedule conventions of DOMAIN.md and issue 2."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cseplan_xl.when import KINDS, Schedule, occurrences, parse_when, with_dates

D = date.fromisoformat
PS, PE = D("2017-09-01"), D("2019-08-31")
LIFETIMES = [pytest.param((None, None), id="no-lifetime"), pytest.param((PS, PE), id="lifetime")]

# text, kind, start, end, provisional, recurrence, dates  (start/end of recurring/ongoing checked separately)
SOURCE_PLAN = [
    ("January 2018 – TBC", "window", "2018-01-01", "2018-01-31", True, None, ()),
    ("Quarterly", "recurring", None, None, False, "quarterly", ()),
    ("Ongoing", "ongoing", None, None, False, None, ()),
    ("Autumn 2018", "window", "2018-09-01", "2018-11-30", False, None, ()),
    ("Early 2018", "window", "2018-01-01", "2018-04-30", False, None, ()),
    ("Two per year", "recurring", None, None, False, "twice-yearly", ()),
    ("Late 2018/ early 2019", "window", "2018-09-01", "2019-04-30", False, None, ()),
    ("Sept 19 2017", "day", "2017-09-19", "2017-09-19", False, None, ("2017-09-19",)),
    ("Autumn 2017", "window", "2017-09-01", "2017-11-30", False, None, ()),
    ("Nov 2017", "window", "2017-11-01", "2017-11-30", False, None, ()),
    ("Tender process starts October 2017", "from", "2017-10-01", None, False, None, ()),
    ("Feb 2018", "window", "2018-02-01", "2018-02-28", False, None, ()),
    ("TBC", "tbc", None, None, False, None, ()),
    ("2018 TBC", "window", "2018-01-01", "2018-12-31", True, None, ()),
    ("Autumn 2017/ Early 2018", "window", "2017-09-01", "2018-04-30", False, None, ()),
    ("March 18 2018/19", "days", "2018-03-18", "2019-03-18", False, None, ("2018-03-18", "2019-03-18")),
    ("April 2019", "window", "2019-04-01", "2019-04-30", False, None, ()),
]


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


@pytest.mark.parametrize("lifetime", LIFETIMES)
@pytest.mark.parametrize("text,kind,start,end,provisional,recurrence,dates", SOURCE_PLAN)
def test_source_plan_when(text, kind, start, end, provisional, recurrence, dates, lifetime):
    s = parse_when(text, *lifetime)
    assert s.text == text
    assert s.kind == kind
    assert (s.provisional, s.recurrence) == (provisional, recurrence)
    assert tuple(d.isoformat() for d in s.dates) == dates
    if kind in ("recurring", "ongoing"):
        assert (s.start, s.end) == lifetime
    else:
        assert (_iso(s.start), _iso(s.end)) == (start, end)


def test_source_plan_describe():
    assert parse_when("Autumn 2017/ Early 2018").describe() == "window 1 Sep 2017 – 30 Apr 2018"
    assert parse_when("Quarterly", PS, PE).describe() == "recurring (quarterly) across 1 Sep 2017 – 31 Aug 2019"
    assert parse_when("January 2018 – TBC").describe() == "window 1 Jan 2018 – 31 Jan 2018 (provisional)"
    assert parse_when("March 18 2018/19").describe() == "days 18 Mar 2018, 18 Mar 2019"
    assert parse_when("Sept 19 2017").describe() == "day 19 Sep 2017"
    assert parse_when("TBC").describe() == "to be confirmed"
    assert parse_when("Tender process starts October 2017").describe() == (
        "from 1 Oct 2017, end open; 'tender process' read as a description")
    assert parse_when("banana").describe() == "not understood: did not understand 'banana'"


# --- The wider wording of UK plans (issue 2, DOMAIN.md "Schedule conventions") ----------------

WIDER = [
    # day forms, UK order
    ("19/09/2017", "day", "2017-09-19", "2017-09-19"),
    ("19/9/17", "day", "2017-09-19", "2017-09-19"),
    ("19.09.2017", "day", "2017-09-19", "2017-09-19"),
    ("2017-09-19", "day", "2017-09-19", "2017-09-19"),
    ("19th September 2017", "day", "2017-09-19", "2017-09-19"),
    ("19th of September 2017", "day", "2017-09-19", "2017-09-19"),
    ("19 Sept 2017", "day", "2017-09-19", "2017-09-19"),
    ("19 Sep. 2017", "day", "2017-09-19", "2017-09-19"),
    ("Sept. 19, 2017", "day", "2017-09-19", "2017-09-19"),
    ("SEPTEMBER 19TH 2017", "day", "2017-09-19", "2017-09-19"),
    ("Tuesday 19 September 2017", "day", "2017-09-19", "2017-09-19"),
    ("19\u00a0Sept\n2017", "day", "2017-09-19", "2017-09-19"),
    # months
    ("September 2017", "window", "2017-09-01", "2017-09-30"),
    ("sep 2017", "window", "2017-09-01", "2017-09-30"),
    ("Sept. 2017", "window", "2017-09-01", "2017-09-30"),
    ("Feb 2020", "window", "2020-02-01", "2020-02-29"),
    ("in March 2018", "window", "2018-03-01", "2018-03-31"),
    # seasons (meteorological)
    ("Spring 2018", "window", "2018-03-01", "2018-05-31"),
    ("Summer 2018", "window", "2018-06-01", "2018-08-31"),
    ("autumn 2018", "window", "2018-09-01", "2018-11-30"),
    ("Winter 2018", "window", "2018-12-01", "2019-02-28"),
    # early / mid / late year and month
    ("Mid 2018", "window", "2018-05-01", "2018-08-31"),
    ("mid-2018", "window", "2018-05-01", "2018-08-31"),
    ("Late 2018", "window", "2018-09-01", "2018-12-31"),
    ("end of 2018", "window", "2018-09-01", "2018-12-31"),
    ("early March 2018", "window", "2018-03-01", "2018-03-10"),
    ("mid-March 2018", "window", "2018-03-11", "2018-03-20"),
    ("late Feb 2018", "window", "2018-02-21", "2018-02-28"),
    ("end of March 2019", "window", "2019-03-21", "2019-03-31"),
    # quarters, halves, financial years
    ("Q3 2018", "window", "2018-07-01", "2018-09-30"),
    ("q1 2019", "window", "2019-01-01", "2019-03-31"),
    ("first quarter of 2018", "window", "2018-01-01", "2018-03-31"),
    ("2018/19", "window", "2018-04-01", "2019-03-31"),
    ("2018-19", "window", "2018-04-01", "2019-03-31"),
    ("2018 – 19", "window", "2018-04-01", "2019-03-31"),
    ("FY2018/19", "window", "2018-04-01", "2019-03-31"),
    ("FY 2018-19", "window", "2018-04-01", "2019-03-31"),
    ("FY18/19", "window", "2018-04-01", "2019-03-31"),
    ("financial year 2018/19", "window", "2018-04-01", "2019-03-31"),
    ("Q1 2018/19", "window", "2018-04-01", "2018-06-30"),
    ("Q4 2018/19", "window", "2019-01-01", "2019-03-31"),
    ("Q2 FY2018/19", "window", "2018-07-01", "2018-09-30"),
    ("H1 2018", "window", "2018-01-01", "2018-06-30"),
    ("H2 2018", "window", "2018-07-01", "2018-12-31"),
    ("first half of 2018", "window", "2018-01-01", "2018-06-30"),
    ("second half of 2018", "window", "2018-07-01", "2018-12-31"),
    ("H2 2018/19", "window", "2018-10-01", "2019-03-31"),
    ("2018", "window", "2018-01-01", "2018-12-31"),
    # spans and ranges
    ("2017-2019", "window", "2017-01-01", "2019-12-31"),
    ("2015 - 2016", "window", "2015-01-01", "2016-12-31"),
    ("2018/2019", "window", "2018-01-01", "2019-12-31"),
    ("Jan–Mar 2019", "window", "2019-01-01", "2019-03-31"),
    ("Jan - Mar 2019", "window", "2019-01-01", "2019-03-31"),
    ("January to March 2019", "window", "2019-01-01", "2019-03-31"),
    ("between January and March 2019", "window", "2019-01-01", "2019-03-31"),
    ("Nov–Feb 2019", "window", "2018-11-01", "2019-02-28"),
    ("Summer/Autumn 2018", "window", "2018-06-01", "2018-11-30"),
    ("Winter/Spring 2019", "window", "2018-12-01", "2019-05-31"),
    ("March 2018 – June", "window", "2018-03-01", "2018-06-30"),
    ("Nov 2018 - Feb", "window", "2018-11-01", "2019-02-28"),
    ("Sept 2017 — Jan 2018", "window", "2017-09-01", "2018-01-31"),
    ("Autumn 2017 to Spring 2018", "window", "2017-09-01", "2018-05-31"),
    ("19-21 March 2018", "window", "2018-03-19", "2018-03-21"),
    ("19 March - 2 April 2018", "window", "2018-03-19", "2018-04-02"),
    # weeks
    ("w/c 5 March 2018", "window", "2018-03-05", "2018-03-11"),
    ("W/C 5th March 2018", "window", "2018-03-05", "2018-03-11"),
    ("week commencing 5 March 2018", "window", "2018-03-05", "2018-03-11"),
    # starts
    ("from April 2019", "from", "2019-04-01", None),
    ("From 19/09/2017", "from", "2017-09-19", None),
    ("starts October 2017", "from", "2017-10-01", None),
    ("Launch starting Autumn 2018", "from", "2018-09-01", None),
    ("April 2019 onwards", "from", "2019-04-01", None),
    ("Start April 2018", "from", "2018-04-01", None),
    ("start of April 2018", "window", "2018-04-01", "2018-04-10"),
    ("Start of 2019", "window", "2019-01-01", "2019-04-30"),
    ("from January to March 2019", "window", "2019-01-01", "2019-03-31"),
    # school terms (approximate)
    ("Autumn term 2018", "window", "2018-09-01", "2018-12-31"),
    ("Spring term 2019", "window", "2019-01-01", "2019-03-31"),
    ("Summer Term 2019", "window", "2019-04-01", "2019-07-31"),
    # days in two years
    ("18 March 2018/19", "days", "2018-03-18", "2019-03-18"),
    ("March 18th 2018 & 2019", "days", "2018-03-18", "2019-03-18"),
    # two days, or two periods that follow straight on
    ("5 & 12 March 2018", "days", "2018-03-05", "2018-03-12"),
    ("5 March and 12 March 2018", "days", "2018-03-05", "2018-03-12"),
    ("19/09/2017 & 03/10/2017", "days", "2017-09-19", "2017-10-03"),
    ("Feb & March 2018", "window", "2018-02-01", "2018-03-31"),
    ("Summer and Autumn 2018", "window", "2018-06-01", "2018-11-30"),
    ("Winter & Spring 2019", "window", "2018-12-01", "2019-05-31"),
    ("2018 and 2019", "window", "2018-01-01", "2019-12-31"),
    ("between Jan & March 2019", "window", "2019-01-01", "2019-03-31"),
    # month/year as UK plans write it
    ("12/2018", "window", "2018-12-01", "2018-12-31"),
    ("3/2018", "window", "2018-03-01", "2018-03-31"),
    ("03.2019", "window", "2019-03-01", "2019-03-31"),
    ("03/2018 - 06/2018", "window", "2018-03-01", "2018-06-30"),
    # year first quarters and halves
    ("2018 Q1", "window", "2018-01-01", "2018-03-31"),
    ("2018Q1", "window", "2018-01-01", "2018-03-31"),
    ("2018-Q1", "window", "2018-01-01", "2018-03-31"),
    ("2018 q4", "window", "2018-10-01", "2018-12-31"),
    ("2018 H2", "window", "2018-07-01", "2018-12-31"),
    ("2018 Q1 - 2018 Q3", "window", "2018-01-01", "2018-09-30"),
    ("2018 Q1-Q3", "window", "2018-01-01", "2018-09-30"),
    ("2017 - Q1 2018", "window", "2017-01-01", "2018-03-31"),
]


@pytest.mark.parametrize("text,kind,start,end", WIDER)
def test_wider_wording(text, kind, start, end):
    s = parse_when(text)
    assert (s.kind, _iso(s.start), _iso(s.end)) == (kind, start, end), s.note
    assert s.provisional is False
    assert s.recurrence is None


def test_school_terms_say_they_are_approximate():
    assert parse_when("Spring term 2019").note == "school term dates are approximate"


def test_day_kind_lists_its_day_and_days_kind_its_days():
    assert parse_when("19/09/2017").dates == (D("2017-09-19"),)
    assert parse_when("March 18 2018/19").dates == (D("2018-03-18"), D("2019-03-18"))
    assert parse_when("Autumn 2018").dates == ()


def test_excel_date_cells_are_days():
    s = parse_when(datetime(2018, 3, 5, 0, 0))
    assert (s.kind, s.start, s.end, s.dates) == ("day", D("2018-03-05"), D("2018-03-05"), (D("2018-03-05"),))
    assert s.text == "2018-03-05 00:00:00"
    assert parse_when(D("2019-04-03")).start == D("2019-04-03")


@pytest.mark.parametrize("text,recurrence", [
    ("Quarterly", "quarterly"), ("quarterly", "quarterly"), ("every quarter", "quarterly"),
    ("Monthly", "monthly"), ("once a month", "monthly"),
    ("Two per year", "twice-yearly"), ("2 per year", "twice-yearly"), ("twice a year", "twice-yearly"),
    ("Twice yearly", "twice-yearly"), ("bi-annually", "twice-yearly"), ("Biannually", "twice-yearly"),
    ("half-yearly", "twice-yearly"), ("six monthly", "twice-yearly"),
    ("Annually", "annually"), ("yearly", "annually"), ("Annual", "annually"), ("every year", "annually"),
    ("weekly", "weekly"), ("Quarterly - ongoing", "quarterly"),
])
@pytest.mark.parametrize("lifetime", LIFETIMES)
def test_recurring_spans_the_lifetime(text, recurrence, lifetime):
    s = parse_when(text, *lifetime)
    assert (s.kind, s.recurrence, s.start, s.end, s.provisional) == ("recurring", recurrence, *lifetime, False)


def test_recurring_within_a_period():
    s = parse_when("Quarterly from April 2018", PS, PE)
    assert (s.kind, s.recurrence, s.start, s.end) == ("recurring", "quarterly", D("2018-04-01"), PE)
    s = parse_when("Monthly 2018")
    assert (s.kind, s.recurrence, s.start, s.end) == ("recurring", "monthly", D("2018-01-01"), D("2018-12-31"))
    assert parse_when("Quarterly TBC", PS, PE).provisional is True


@pytest.mark.parametrize("text,kind,recurrence,start,end,note", [
    ("Monthly until March 2018", "recurring", "monthly", PS, D("2018-03-31"), None),
    ("Quarterly up to March 2018", "recurring", "quarterly", PS, D("2018-03-31"), None),
    ("Quarterly from April 2018 to March 2019", "recurring", "quarterly", D("2018-04-01"), D("2019-03-31"), None),
    ("Quarterly before April 2018", "recurring", "quarterly", PS, D("2018-03-31"),
     "ends the day before 1 Apr 2018"),
    ("Ongoing until March 2018", "ongoing", None, PS, D("2018-03-31"), None),
    ("Ongoing from April 2018", "ongoing", None, D("2018-04-01"), PE, None),
    ("Throughout 2018", "ongoing", None, D("2018-01-01"), D("2018-12-31"), None),
    ("April 2018 - ongoing", "ongoing", None, D("2018-04-01"), PE, None),  # from then on
    ("Monthly, April 2018 - ongoing", "recurring", "monthly", D("2018-04-01"), PE, None),  # a repeat too
])
def test_repeat_or_ongoing_within_a_window(text, kind, recurrence, start, end, note):
    s = parse_when(text, PS, PE)
    assert (s.kind, s.recurrence, s.start, s.end, s.note) == (kind, recurrence, start, end, note)


def test_ongoing_until_without_a_lifetime_has_an_open_start():
    s = parse_when("Ongoing until March 2018")
    assert (s.kind, s.start, s.end) == ("ongoing", None, D("2018-03-31"))
    assert s.describe() == "ongoing until 31 Mar 2018"


@pytest.mark.parametrize("text,note,each_year,occ", [
    ("Annually in March", "each year in March", ((3, 1), (3, 31)),
     [("2018-03-01", "2018-03-31"), ("2019-03-01", "2019-03-31")]),
    ("Every year in Nov-Feb", "each year, November to February", ((11, 1), (2, 28)),
     [("2017-11-01", "2018-02-28"), ("2018-11-01", "2019-02-28")]),
    ("Annually on 18 March", "each year on 18 March", ((3, 18), (3, 18)),
     [("2018-03-18", "2018-03-18"), ("2019-03-18", "2019-03-18")]),
    ("Annually, early September", "each year, 1 Sep to 10 Sep", ((9, 1), (9, 10)),
     [("2017-09-01", "2017-09-10"), ("2018-09-01", "2018-09-10")]),
])
def test_annually_in_part_of_the_year(text, note, each_year, occ):
    s = parse_when(text, PS, PE)
    assert (s.kind, s.recurrence, s.start, s.end, s.note, s.each_year) == (
        "recurring", "annually", PS, PE, note, each_year)
    assert [(a.isoformat(), b.isoformat()) for a, b in occurrences(s, PS, PE)] == occ
    s = parse_when(text)
    assert (s.kind, s.start, s.end, s.note) == ("recurring", None, None, note)
    assert occurrences(s, None, None) == []


def test_annually_in_part_of_the_year_is_clipped_to_the_lifetime():
    s = parse_when("Annually in March", D("2018-03-10"), D("2019-03-05"))
    assert occurrences(s, D("2018-03-10"), D("2019-03-05")) == [
        (D("2018-03-10"), D("2018-03-31")), (D("2019-03-01"), D("2019-03-05"))]


def test_annually_with_a_year_is_bounded_by_it():
    s = parse_when("Annually in March 2018", PS, PE)
    assert (s.kind, s.start, s.end, s.each_year) == ("recurring", D("2018-03-01"), D("2018-03-31"), None)


@pytest.mark.parametrize("text", ["Ongoing", "ongoing", "On-going", "throughout", "Throughout the plan",
                                  "continuous", "Continual", "all year round"])
@pytest.mark.parametrize("lifetime", LIFETIMES)
def test_ongoing_spans_the_lifetime(text, lifetime):
    s = parse_when(text, *lifetime)
    assert (s.kind, s.start, s.end, s.recurrence) == ("ongoing", *lifetime, None)


@pytest.mark.parametrize("text", ["TBC", "tbc", "T.B.C.", "t.b.c", "to be confirmed", "To Be Confirmed",
                                  "TBA", "tbd", " TBC. ", "to be arranged"])
def test_tbc_alone(text):
    s = parse_when(text, PS, PE)
    assert (s.kind, s.start, s.end, s.provisional) == ("tbc", None, None, False)


@pytest.mark.parametrize("text,start,end", [
    ("2018 TBC", "2018-01-01", "2018-12-31"),
    ("TBC 2018", "2018-01-01", "2018-12-31"),
    ("January \n2018 – TBC", "2018-01-01", "2018-01-31"),
    ("Autumn 2018 (tbc)", "2018-09-01", "2018-11-30"),
    ("Autumn 2018 - to be confirmed", "2018-09-01", "2018-11-30"),
    ("Autumn 2018?", "2018-09-01", "2018-11-30"),
])
def test_period_with_tbc_is_provisional(text, start, end):
    s = parse_when(text)
    assert (s.kind, _iso(s.start), _iso(s.end), s.provisional) == ("window", start, end, True)


# --- Deadlines --------------------------------------------------------------------------------

def test_by_is_a_deadline_window():
    s = parse_when("by end of March 2019", PS, PE)
    assert (s.kind, s.start, s.end, s.note) == ("window", PS, D("2019-03-31"), "deadline")
    s = parse_when("by March 2019")
    assert (s.kind, s.start, s.end, s.note) == ("window", None, D("2019-03-31"), "deadline")
    assert s.describe() == "by 31 Mar 2019; deadline"


@pytest.mark.parametrize("text", ["until March 2018", "Until March 2018", "till March 2018", "til March 2018",
                                  "up to March 2018", "up until March 2018", "to March 2018",
                                  "no later than March 2018", "not later than March 2018", "by March 2018"])
def test_until_is_a_deadline(text):
    s = parse_when(text, PS, PE)
    assert (s.kind, s.start, s.end, s.note) == ("window", PS, D("2018-03-31"), "deadline")
    s = parse_when(text)
    assert (s.kind, s.start, s.end, s.note) == ("window", None, D("2018-03-31"), "deadline")


def test_before_ends_the_day_before_the_period_starts():
    s = parse_when("before March 2018", PS, PE)
    assert (s.kind, s.start, s.end) == ("window", PS, D("2018-02-28"))
    assert s.note == "deadline: the day before 1 Mar 2018"
    s = parse_when("before 5 March 2018")
    assert (s.kind, s.start, s.end, s.note) == ("window", None, D("2018-03-04"), "deadline: the day before 5 Mar 2018")


@pytest.mark.parametrize("text,note", [
    ("until", "no date, period or schedule word found"),
    ("before", "'before' needs a date or period after it"),
    ("March 2018 before", "did not understand 'before'"),
    ("until 5 & 12 March 2018", "separate days cannot be a start or a deadline"),
])
def test_deadline_words_without_a_date(text, note):
    assert (parse_when(text, PS, PE).kind, parse_when(text, PS, PE).note) == ("unknown", note)


def test_deadline_before_the_plan_starts_has_no_start():
    s = parse_when("by March 2016", PS, PE)
    assert (s.kind, s.start, s.end) == ("window", None, D("2016-03-31"))


# --- Missing years: the plan's lifetime decides ---------------------------------------------

@pytest.mark.parametrize("text,kind,start,end,year", [
    ("Autumn", "window", "2017-09-01", "2017-11-30", "2017"),
    ("Winter", "window", "2017-12-01", "2018-02-28", "2017–2018"),
    ("March", "window", "2018-03-01", "2018-03-31", "2018"),
    ("March 16", "day", "2018-03-16", "2018-03-16", "2018"),
    ("Mar 5", "day", "2018-03-05", "2018-03-05", "2018"),
    ("Sept 25", "day", "2017-09-25", "2017-09-25", "2017"),
    ("18 March", "day", "2018-03-18", "2018-03-18", "2018"),
    ("Q1", "window", "2018-01-01", "2018-03-31", "2018"),
    ("early March", "window", "2018-03-01", "2018-03-10", "2018"),
    ("Summer term", "window", "2018-04-01", "2018-07-31", "2018"),
    ("Jan-Mar", "window", "2018-01-01", "2018-03-31", "2018"),
    ("Nov - Feb", "window", "2017-11-01", "2018-02-28", "2017–2018"),
    ("w/c 5 March", "window", "2018-03-05", "2018-03-11", "2018"),
])
def test_missing_year_taken_from_lifetime(text, kind, start, end, year):
    s = parse_when(text, PS, PE)
    assert (s.kind, _iso(s.start), _iso(s.end)) == (kind, start, end)
    assert f"year taken from the plan's lifetime ({year})" in s.note


@pytest.mark.parametrize("text", ["Autumn", "18 March", "Sept 19th", "Q1", "Jan-Mar"])
def test_missing_year_without_lifetime_is_unknown(text):
    s = parse_when(text)
    assert (s.kind, s.start, s.end) == ("unknown", None, None)
    assert s.note == "no year given and no plan lifetime to take it from"


def test_missing_year_with_no_match_in_lifetime_is_unknown():
    s = parse_when("Autumn", D("2018-01-01"), D("2018-06-30"))
    assert (s.kind, s.note) == ("unknown", "no year given and no such period within the plan's lifetime")


# --- Not understood ---------------------------------------------------------------------------

@pytest.mark.parametrize("text,note", [
    (None, "blank"), ("", "blank"), ("   \n", "blank"),
    ("banana", "did not understand 'banana'"),
    ("31 February 2018", "not a real date"),
    ("2018/20", "did not understand '2018/20'"),
    ("2019 – 2018", "the range ends before it starts"),
    ("Late 2018/19", "'late' needs a month or a year after it"),
    ("FY 2018", "FY needs a year pair such as FY2018/19"),
    ("Winter term 2018", "there is no winter school term"),
    ("?", "no date, period or schedule word found"),
    ("Quarterly and monthly", "more than one repeat: monthly, quarterly"),
    ("£500", "did not understand '£', '500'"),
    ("12 & 5 March 2018", "the second day must come after the first"),
    ("13/2018", "'13/2018' is not a month and year (months run 1 to 12, e.g. 12/2018)"),
])
def test_not_understood(text, note):
    s = parse_when(text, PS, PE)
    assert (s.kind, s.start, s.end, s.note) == ("unknown", None, None, note)
    assert s.describe() == f"not understood: {note}"


def test_inverted_lifetime_is_ignored():
    s = parse_when("Quarterly", PE, PS)
    assert (s.kind, s.start, s.end) == ("recurring", None, None)
    assert s.note == "plan lifetime ignored: its start is after its end"


# --- occurrences, with_dates, to_dict ---------------------------------------------------------

def test_occurrences_quarterly_over_lifetime():
    occ = occurrences(parse_when("Quarterly", PS, PE), PS, PE)
    assert [(a.isoformat(), b.isoformat()) for a, b in occ] == [
        ("2017-09-01", "2017-09-30"), ("2017-10-01", "2017-12-31"), ("2018-01-01", "2018-03-31"),
        ("2018-04-01", "2018-06-30"), ("2018-07-01", "2018-09-30"), ("2018-10-01", "2018-12-31"),
        ("2019-01-01", "2019-03-31"), ("2019-04-01", "2019-06-30"), ("2019-07-01", "2019-08-31")]


def test_occurrences_two_per_year_over_lifetime():
    occ = occurrences(parse_when("Two per year"), PS, PE)
    assert [(a.isoformat(), b.isoformat()) for a, b in occ] == [
        ("2017-09-01", "2017-12-31"), ("2018-01-01", "2018-06-30"), ("2018-07-01", "2018-12-31"),
        ("2019-01-01", "2019-06-30"), ("2019-07-01", "2019-08-31")]


def test_occurrences_monthly_annually_weekly():
    assert len(occurrences(parse_when("Monthly"), PS, PE)) == 24
    assert occurrences(parse_when("Annually"), PS, PE) == [
        (PS, D("2017-12-31")), (D("2018-01-01"), D("2018-12-31")), (D("2019-01-01"), PE)]
    weeks = occurrences(parse_when("weekly"), D("2018-03-07"), D("2018-03-20"))
    assert weeks == [(D("2018-03-07"), D("2018-03-11")), (D("2018-03-12"), D("2018-03-18")),
                     (D("2018-03-19"), D("2018-03-20"))]


def test_occurrences_other_kinds():
    assert occurrences(parse_when("March 18 2018/19"), PS, PE) == [
        (D("2018-03-18"), D("2018-03-18")), (D("2019-03-18"), D("2019-03-18"))]
    assert occurrences(parse_when("Autumn 2018"), PS, PE) == [(D("2018-09-01"), D("2018-11-30"))]
    assert occurrences(parse_when("Ongoing"), PS, PE) == [(PS, PE)]
    assert occurrences(parse_when("from April 2019"), PS, PE) == []
    assert occurrences(parse_when("TBC"), PS, PE) == []
    assert occurrences(parse_when("Quarterly"), None, None) == []
    assert occurrences(parse_when("Quarterly from April 2019", PS, PE), PS, PE) == [
        (D("2019-04-01"), D("2019-06-30")), (D("2019-07-01"), D("2019-08-31"))]


def test_with_dates_overrides():
    base = parse_when("Autumn 2018")
    s = with_dates(base, D("2018-10-01"), D("2018-10-31"))
    assert (s.kind, s.start, s.end, s.text) == ("window", D("2018-10-01"), D("2018-10-31"), "Autumn 2018")
    assert s.note == "dates from the Start/End columns"
    s = with_dates(base, None, D("2018-12-31"))
    assert (s.kind, s.start, s.end) == ("window", D("2018-09-01"), D("2018-12-31"))
    s = with_dates(parse_when("TBC"), D("2018-05-01"), D("2018-05-01"))
    assert (s.kind, s.start, s.end, s.dates) == ("day", D("2018-05-01"), D("2018-05-01"), (D("2018-05-01"),))
    s = with_dates(parse_when("banana"), D("2018-05-01"), None)
    assert (s.kind, s.start, s.end, s.note) == ("from", D("2018-05-01"), None, "dates from the Start/End columns")
    assert with_dates(base, None, None) is base


def test_with_dates_keeps_a_repeat_repeating_within_the_new_bounds():
    s = with_dates(parse_when("Quarterly", PS, PE), D("2018-01-01"), D("2018-12-31"))
    assert (s.kind, s.recurrence, s.start, s.end) == ("recurring", "quarterly", D("2018-01-01"), D("2018-12-31"))
    assert len(occurrences(s, PS, PE)) == 4


def test_to_dict():
    d = parse_when("March 18 2018/19").to_dict()
    assert d == {"text": "March 18 2018/19", "kind": "days", "start": "2018-03-18", "end": "2019-03-18",
                 "provisional": False, "recurrence": None, "dates": ["2018-03-18", "2019-03-18"], "note": None,
                 "year_from": None, "windows": [], "ambiguous": False}
    d = parse_when("Quarterly").to_dict()
    assert (d["kind"], d["start"], d["end"], d["recurrence"], d["dates"]) == ("recurring", None, None, "quarterly", [])


def test_schedule_is_frozen():
    with pytest.raises(AttributeError):
        parse_when("2018").kind = "day"  # type: ignore[misc]
    assert isinstance(parse_when("2018"), Schedule)


# --- Properties --------------------------------------------------------------------------------

_PIECES = ["Jan", "March", "Sept", "sep.", "December", "Autumn", "winter", "Spring term", "early", "Mid", "late",
           "end of", "Q3", "H1", "FY", "first half of", "2017", "2018", "2019", "2018/19", "2018-19", "19", "5th",
           "19/09/2017", "/", " - ", "–", "to", "and", "TBC", "by", "from", "starts", "onwards", "w/c",
           "Quarterly", "Two per year", "Ongoing", "?", ",", "\n", "\u00a0", "banana", "29", "Feb", "31",
           "until", "up to", "before", "&", "between", "Annually", "12/2018", "13/2018", "2018Q1", "2018 H2"]


def _check(s: Schedule, text: object) -> None:
    assert s.kind in KINDS
    assert not (s.note or "").startswith("internal error"), (text, s.note)
    if s.start and s.end:
        assert s.start <= s.end, (text, s)
    assert all(s.start <= d <= s.end for d in s.dates) if s.dates else True
    assert s.describe()
    s.to_dict()


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_never_raises_on_arbitrary_text(text):
    _check(parse_when(text, PS, PE), text)
    _check(parse_when(text), text)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=7), st.booleans())
def test_never_raises_on_fuzzed_tokens(pieces, with_lifetime):
    text = " ".join(pieces)
    s = parse_when(text, *((PS, PE) if with_lifetime else (None, None)))
    _check(s, text)
    if s.kind in ("recurring", "ongoing", "window", "from") and with_lifetime and s.start and s.end:
        for a, b in occurrences(s, PS, PE):
            assert a <= b


def test_numeric_year_cell():
    s = parse_when(2018.0)
    assert (s.text, s.kind, s.start, s.end) == ("2018.0", "window", D("2018-01-01"), D("2018-12-31"))
    assert parse_when(2018).end == D("2018-12-31")
    assert parse_when(True).kind == "unknown"


def test_marker_characters_in_input_are_not_trusted():
    assert parse_when("\x00rec:quarterly").kind == "unknown"
    assert parse_when("@rec:quarterly").kind == "unknown"



@pytest.mark.parametrize("text, start, end", [
    ("dec-2018", "2018-12-01", "2018-12-31"),  # was read as December 2017 to December 2018
    ("q1-2019", "2019-01-01", "2019-03-31"),  # was read as the whole of 2019
    ("nov/2017", "2017-11-01", "2017-11-30"),
    ("Autumn-2018", "2018-09-01", "2018-11-30"),
    ("2017-11", "2017-11-01", "2017-11-30"),
    ("2017/11", "2017-11-01", "2017-11-30"),
    ("2017.11", "2017-11-01", "2017-11-30"),
    ("2018-19", "2018-04-01", "2019-03-31"),
])
def test_a_period_joined_to_its_year_is_that_period(text, start, end):
    s = parse_when(text)
    assert (s.kind, s.start, s.end) == ("window", D(start), D(end))


def test_a_month_that_is_also_a_financial_year_is_refused_with_both_readings():
    s = parse_when("2011-12")
    assert s.kind == "unknown"
    assert "December 2011" in s.note and "2011/12" in s.note
