"""Property tests of the When parser: for each supported form, the window is exactly the month, quarter, season,
year or day the text names (nothing outside it, nothing of it missing), and the readings once wrong stay right."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cseplan_xl.dates import MONTH_NAMES, month_span
from cseplan_xl.when import parse_when

D = date.fromisoformat
YEARS = st.integers(2001, 2079)  # two-digit forms read as 20yy
MONTHS = st.integers(1, 12)
CASES = st.sampled_from([str, str.lower, str.upper])


def _name(m: int, style: str) -> str:
    full = MONTH_NAMES[m - 1]
    return {"full": full, "abbr": full[:3], "sept": "Sept" if m == 9 else full[:3]}[style]


MONTH_FORMS = [
    "{Mon} {YYYY}", "{mon}-{YYYY}", "{mon}/{YYYY}", "{YYYY}-{MM}", "{YYYY}/{MM}", "{MM}/{YYYY}", "{MM}-{YYYY}",
    "{M}/{YYYY}", "{YYYY}.{MM}", "{YYYY} {mon}", "{YYYY}, {Mon}", "{Mon}-{YY}", "{Mon} '{YY}", "{Mon} \u2019{YY}",
    "{Mon}'{YY}", "{MM}.{YYYY}", "early {Mon} {YYYY} to late {Mon} {YYYY}", "{Mon} {YYYY} TBC", "Est. {Mon} {YYYY}",
]


@settings(max_examples=150, deadline=None)
@given(form=st.sampled_from(MONTH_FORMS), year=YEARS, month=MONTHS, style=st.sampled_from(["full", "abbr", "sept"]),
       case=CASES)
def test_month_forms_are_that_month(form, year, month, style, case):
    text = case(form.format(Mon=_name(month, style), mon=_name(month, style), YYYY=year, YY=f"{year % 100:02d}",
                            MM=f"{month:02d}", M=month))
    s = parse_when(text)
    if form in ("{YYYY}-{MM}", "{YYYY}/{MM}") and month == (year + 1) % 100:  # 2011-12: month or financial year
        assert (s.kind, s.ambiguous) == ("unknown", True), text
        return
    assert (s.kind, s.start, s.end) == ("window", *month_span(year, month)), (text, s.note)


QUARTER_FORMS = ["Q{n} {YYYY}", "q{n}-{YYYY}", "{YYYY}-Q{n}", "{YYYY}Q{n}", "{YYYY} Q{n}", "Q{n} '{YY}",
                 "the {nth} quarter of {YYYY}", "Quarter {n} {YYYY}", "{nth} quarter {YYYY}", "Q{n}/{YYYY}"]
NTH = {1: "first", 2: "second", 3: "third", 4: "fourth"}


@settings(max_examples=100, deadline=None)
@given(form=st.sampled_from(QUARTER_FORMS), year=YEARS, n=st.integers(1, 4), case=CASES)
def test_quarter_forms_are_that_calendar_quarter(form, year, n, case):
    text = case(form.format(n=n, YYYY=year, YY=f"{year % 100:02d}", nth=NTH[n]))
    s = parse_when(text)
    assert (s.kind, s.start, s.end) == ("window", *month_span(year, 3 * n - 2, 3)), (text, s.note)


FY_QUARTER_FORMS = ["Q{n} {YYYY}/{YY1}", "Q{n} {YYYY}/{YYYY1}", "Q{n} FY{YYYY}-{YY1}", "{YYYY}/{YY1} Q{n}",
                    "{YYYY}/{YYYY1} Q{n}", "Q{n} {YY}/{YY1}"]


@settings(max_examples=100, deadline=None)
@given(form=st.sampled_from(FY_QUARTER_FORMS), year=st.integers(2001, 2078), n=st.integers(1, 4))
def test_financial_year_quarters_start_in_april(form, year, n):
    text = form.format(n=n, YYYY=year, YYYY1=year + 1, YY=f"{year % 100:02d}", YY1=f"{(year + 1) % 100:02d}")
    s = parse_when(text)
    assert (s.kind, s.start, s.end) == ("window", *month_span(year, 3 * n + 1, 3)), (text, s.note)


SEASONS = {"Spring": 3, "Summer": 6, "Autumn": 9, "Winter": 12}
SEASON_FORMS = ["{S} {YYYY}", "{s}-{YYYY}", "{S} '{YY}", "{S} {YY}", "{S} of {YYYY}", "{S} {YYYY} (TBC)"]


@settings(max_examples=100, deadline=None)
@given(form=st.sampled_from(SEASON_FORMS), year=YEARS, season=st.sampled_from(sorted(SEASONS)), case=CASES)
def test_season_forms_are_that_season(form, year, season, case):
    text = case(form.format(S=season, s=season, YYYY=year, YY=f"{year % 100:02d}"))
    s = parse_when(text)
    assert (s.kind, s.start, s.end) == ("window", *month_span(year, SEASONS[season], 3)), (text, s.note)


@settings(max_examples=100, deadline=None)
@given(year=st.integers(2001, 2078), form=st.sampled_from(["Winter {YYYY}/{YY1}", "Winter {YYYY} to {YYYY1}",
                                                           "winter {YY}-{YY1}", "Winter {YYYY}-{YYYY1}"]))
def test_a_winter_across_two_years_is_one_winter(year, form):
    text = form.format(YYYY=year, YYYY1=year + 1, YY=f"{year % 100:02d}", YY1=f"{(year + 1) % 100:02d}")
    s = parse_when(text)
    assert (s.kind, s.start, s.end) == ("window", *month_span(year, 12, 3)), (text, s.note)


YEAR_FORMS = ["{YYYY}", "calendar year {YYYY}", "CY {YYYY}", "year {YYYY}", "Estimated {YYYY}", "circa {YYYY}",
              "Est. {YYYY}", "{YYYY} TBC", "During {YYYY}"]
FY_FORMS = ["{YYYY}/{YY1}", "{YYYY}-{YY1}", "FY{YYYY}/{YY1}", "FY {YYYY}-{YYYY1}", "{YY}/{YY1}", "FY{YY}/{YY1}",
            "financial year {YYYY}/{YY1}"]


@settings(max_examples=100, deadline=None)
@given(form=st.sampled_from(YEAR_FORMS + FY_FORMS), year=st.integers(2001, 2078))
def test_year_and_financial_year_forms(form, year):
    text = form.format(YYYY=year, YYYY1=year + 1, YY=f"{year % 100:02d}", YY1=f"{(year + 1) % 100:02d}")
    s = parse_when(text)
    if form in ("{YYYY}/{YY1}", "{YYYY}-{YY1}") and (year + 1) % 100 <= 12:  # 2011/12: also December 2011
        assert (s.kind, s.ambiguous) == ("unknown", True), text
        return
    if form == "{YY}/{YY1}" and year % 100 < 10:  # 01/02 could be a day: refused
        assert s.kind == "unknown", text
        return
    expected = month_span(year, 1, 12) if form in YEAR_FORMS else month_span(year, 4, 12)
    assert (s.kind, s.start, s.end) == ("window", *expected), (text, s.note)


DAY_FORMS = ["{d} {Month} {YYYY}", "{d}{th} {Month} {YYYY}", "{d} {th} {Month} {YYYY}", "{dd}/{mm}/{YYYY}",
             "{Month} {d} {YYYY}", "{Month} {d}{th} {YYYY}", "{d}{th} of {Month} {YYYY}", "{dd}.{mm}.{YYYY}",
             "{YYYY}-{mm}-{dd}", "{d}-{Mon}-{YYYY}", "{d} {Mon} '{YY}"]


@settings(max_examples=150, deadline=None)
@given(form=st.sampled_from(DAY_FORMS), day=st.dates(date(2001, 1, 1), date(2079, 12, 31)))
def test_day_forms_are_that_day(form, day):
    th = {1: "st", 2: "nd", 3: "rd", 21: "st", 22: "nd", 23: "rd", 31: "st"}.get(day.day, "th")
    text = form.format(d=day.day, dd=f"{day.day:02d}", mm=f"{day.month:02d}", Month=MONTH_NAMES[day.month - 1],
                       Mon=MONTH_NAMES[day.month - 1][:3], YYYY=day.year, YY=f"{day.year % 100:02d}", th=th)
    s = parse_when(text)
    assert (s.kind, s.start, s.end) == ("day", day, day), (text, s.note)


@settings(max_examples=100, deadline=None)
@given(year=st.integers(2001, 2070), month=MONTHS, num=st.integers(1, 28), spans=st.booleans())
def test_month_and_two_digits_follow_the_plan(year, month, num, spans):
    """ "Oct 17": October 2017 when the plan spans 2017; else the 17th (year from the plan); never silently."""
    if spans:
        ps, pe = date(2000 + num, 1, 1), date(2000 + num, 12, 31)
    else:
        ps, pe = date(year, 1, 1), date(year, 12, 31)
    text = f"{MONTH_NAMES[month - 1][:3]} {num}"
    s = parse_when(text, ps, pe)
    if 2000 + num in range(ps.year, pe.year + 1):
        assert (s.start, s.end) == month_span(2000 + num, month), text
    else:
        assert (s.start, s.end) == (date(ps.year, month, num),) * 2, text
    assert s.year_from == "plan" and s.note
    assert parse_when(text).ambiguous  # no context: both readings in the message
    assert f"{num} {MONTH_NAMES[month - 1]}" in parse_when(text).note


# Readings that were once wrong (or easy to get wrong), with the window they must give.
REGRESSIONS = [
    ("dec-2018", None, "window", "2018-12-01", "2018-12-31"),  # was Dec 2017 to Dec 2018
    ("q1-2019", None, "window", "2019-01-01", "2019-03-31"),  # was the whole of 2019
    ("nov-2017", None, "window", "2017-11-01", "2017-11-30"),
    ("2018-19", None, "window", "2018-04-01", "2019-03-31"),
    ("2018-11", None, "window", "2018-11-01", "2018-11-30"),
    ("11-2017", None, "window", "2017-11-01", "2017-11-30"),
    ("Q2 2018/2019", None, "window", "2018-07-01", "2018-09-30"),  # was Apr 2018 to Dec 2019
    ("2018/2019 Q2", None, "window", "2018-07-01", "2018-09-30"),  # was Jan 2018 to Jun 2019
    ("Sept 18 - July 19", ("2016-04-01", "2018-12-31"), "window", "2018-09-01", "2019-07-31"),  # was to 19 July
    ("Academic year 2018/19", None, "window", "2018-09-01", "2019-08-31"),  # was the financial year
    ("Jan 2019 – ongoing", None, "ongoing", "2019-01-01", None),  # was January 2019 only
    ("Winter 2018 to 2019", None, "window", "2018-12-01", "2019-02-28"),
    ("Summer 2018 to 19", None, "window", "2018-06-01", "2019-12-31"),
    ("18-Jan-2018", None, "day", "2018-01-18", "2018-01-18"),
    ("18/19", None, "window", "2018-04-01", "2019-03-31"),
    ("1H 2018", None, "window", "2018-01-01", "2018-06-30"),  # was the whole of 2018, 'h' a description
    ("2H18", None, "window", "2018-07-01", "2018-12-31"),
    ("the last quarter of 2018", None, "window", "2018-10-01", "2018-12-31"),
    ("2018-2019 academic year", None, "window", "2018-09-01", "2019-08-31"),  # was calendar 2018-2019
    ("2018-dec", None, "window", "2018-12-01", "2018-12-31"),  # was January to December 2018
    ("2018-spring", None, "window", "2018-03-01", "2018-05-31"),  # was January to May 2018
    ("Phase 1 – March 2018", None, "window", "2018-03-01", "2018-03-31"),  # was 1 March 2018
    ("Stage 2 June 2018", None, "window", "2018-06-01", "2018-06-30"),
    ("Refresh every September", ("2017-09-01", "2019-08-31"), "recurring", "2017-09-01", "2019-08-31"),  # was Sep 2017
    ("last quarter", ("2017-09-01", "2019-08-31"), "unknown", None, None),  # relative: refused
    ("2011-12", None, "unknown", None, None),  # December 2011 or 2011/12: refused
    ("March's 2018", None, "unknown", None, None),  # was the whole of 2018, the month dropped as a description
    ("Easter 2018", None, "unknown", None, None),  # was the whole of 2018
    ("Christmas 2018", None, "unknown", None, None),
    ("2nd week of March 2018", None, "unknown", None, None),  # was the whole of March
    ("Not March 2018", None, "unknown", None, None),
    ("Delayed to March 2018", None, "unknown", None, None),
]


@pytest.mark.parametrize("text, lifetime, kind, start, end", REGRESSIONS)
def test_regressions(text, lifetime, kind, start, end):
    ps, pe = (D(lifetime[0]), D(lifetime[1])) if lifetime else (None, None)
    s = parse_when(text, ps, pe)
    assert (s.kind, s.start, s.end) == (kind, start and D(start), end and D(end)), s.note
    if kind == "unknown":
        assert s.note and "\n" not in s.note
