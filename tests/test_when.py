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
