"""Tests for plan.py: activities built from rows, compared and hashed by their fields."""

from __future__ import annotations

import datetime as dt

from cseplan_xl import contract
from cseplan_xl.plan import load_plan


def test_activities_from_repeating_and_odd_cells(book):
    rows = [["ID", "Activity", "When", "Who", "Cost", "RAG", "Last updated"],
            ["A1", "Poster", "Nov 2017", "CT/LW", "N/A", "green", dt.date(2018, 1, 4)],
            ["A2", "Leaflet", "Nov 2017", "CT/LW", 250, "Gren", "04/01/2018"],
            ["A3", "Talk  at   school", "Nov 2017", 1, 1.5, None, "not a date"]]
    a1, a2, a3 = load_plan(book({"Plan": rows})).activities
    assert (a1.owners, a1.rag, a1.rag_text, a1.last_updated) == (("CT", "LW"), "Green", "green", dt.date(2018, 1, 4))
    assert a1.schedule is a2.schedule and a1.owners is a2.owners  # worked out once per distinct text
    assert (a2.rag, a2.rag_text, a2.cost, a2.last_updated) == (None, "Gren", 250, dt.date(2018, 1, 4))
    assert (a3.activity, a3.who, a3.owners, a3.cost, a3.rag, a3.last_updated) == (
        "Talk at school", "1", ("1",), 1.5, None, None)


def test_activities_compare_and_hash_by_their_fields_not_the_raw_row(book):
    rows = [["ID", "Activity", "When", "Who"], ["A1", "Poster", "Nov 2017", "CT"], ["A1", "Poster", "Nov 2017", "CT"]]
    first, second = load_plan(book({"Plan": rows})).activities
    moved = second._replace(row=first.row)
    assert moved == first and hash(moved) == hash(first)
    assert second != first and len({first, moved, second}) == 2


def test_what_rules_ask_of_the_plan(book):
    rows = [["Title row"], [],
            ["ID", "Activity", "When", "Who", "Start", "End", "Phase", "Mystery"],
            ["6.2 External"],  # a heading row: the sheet has no Section column
            ["A1", "Poster", "=1/0", "CT", dt.date(2018, 3, 1), "not a date", None, "x"],
            ["A2", "Leaflet", "Nov 2017", "CT", dt.date(2018, 3, 1), dt.date(2018, 2, 1), "Phase One"]]
    control = [["Plan start", dt.date(2017, 9, 1)], ["Reporting period", "spring"]]
    plan = load_plan(book({"Plan": rows, "Control": control, "Lists": [["Sections"], ["6.2 External"]],
                           "Media": [["Date"]]}))
    a1, a2 = plan.activities
    assert (a1.section, a1.phase, a1.from_headings, a1.error_fields) == (
        "6.2 External", None, ("section",), frozenset({"when"}))
    assert (a2.section, a2.phase, a2.from_headings, a2.error_fields) == (
        "6.2 External", "Phase One", ("section",), frozenset())
    assert (a1.given_start, a1.given_end) == (dt.date(2018, 3, 1), None)
    assert (a2.given_start, a2.given_end) == (dt.date(2018, 3, 1), dt.date(2018, 2, 1))
    assert plan.lists == {"sections": ["6.2 External"]}
    assert plan.control_sheet == "Control"
    assert {k: (c.row, c.value) for k, c in plan.setting_cells.items()} == {
        "plan_start": (1, dt.date(2017, 9, 1)), "reporting_period": (2, "spring")}
    assert [(n.code, n.sheet, n.column) for n in plan.notes] == [("unknown-column", "Plan", "H"),
                                                                  ("sheet-unreadable", "Media", None)]
    assert set(plan.tables) == {"Plan"} and plan.table(contract.MEDIA) is None
    assert (plan.has(contract.MEDIA), plan.present(contract.MEDIA)) == (False, True)
    assert (plan.has(contract.OWNERS), plan.present(contract.OWNERS)) == (False, False)
    assert (plan.sheet_name(contract.MEDIA), plan.sheet_name(contract.OWNERS)) == ("Media", None)
    assert plan.has(contract.CONTROL) and plan.has(contract.LISTS)


def test_missing_years_come_from_control_lifetime_else_dated_rows_else_as_of(book):
    rows = [["ID", "Activity", "When", "Who"], ["A1", "Poster", "Autumn", "CT"], ["A2", "Leaflet", "Feb 2018", "CT"],
            ["A3", "Talk", "Oct 17", "CT"], ["A4", "Event", "March 16", "CT"], ["A5", "Film", "Sept 2018", "CT"],
            ["A6", "Post", "blah", "CT"]]
    control = [["Plan start", dt.date(2016, 4, 1)], ["Plan end", dt.date(2018, 3, 31)]]
    with_lifetime = load_plan(book({"Plan": rows, "Control": control}, "lifetime.xlsx"))
    autumn, _, oct17, march16, _, _ = (a.schedule for a in with_lifetime.activities)
    assert with_lifetime.year_context is None
    assert (autumn.start, autumn.year_from) == (dt.date(2016, 9, 1), "plan")
    assert "year taken from the plan's lifetime (2016)" in autumn.note
    assert (oct17.start, oct17.end, oct17.year_from) == (dt.date(2017, 10, 1), dt.date(2017, 10, 31), "plan")
    assert (march16.start, march16.end) == (dt.date(2016, 3, 1), dt.date(2016, 3, 31))  # the plan spans 2016
    assert with_lifetime.when_counts() == {"understood": 2, "inferred": 3, "ambiguous": 0, "not understood": 1}

    from_rows = load_plan(book({"Plan": rows}, "rows.xlsx"))  # no Control: the dated rows lie in 2018
    autumn, _, oct17, march16, _, _ = (a.schedule for a in from_rows.activities)
    assert (from_rows.year_context.start, from_rows.year_context.end) == (dt.date(2018, 1, 1), dt.date(2018, 12, 31))
    assert (autumn.start, autumn.end, autumn.year_from) == (dt.date(2018, 9, 1), dt.date(2018, 11, 30), "plan")
    assert (oct17.start, oct17.year_from) == (dt.date(2018, 10, 17), "plan")  # 2017 is not a year of the plan
    assert "17 October (2017 is not a year of the plan)" in oct17.note
    assert (march16.start, march16.end) == (dt.date(2018, 3, 16),) * 2
    assert "year taken from the span of the plan's dated rows (2018)" in march16.note

    undated = [["ID", "Activity", "When", "Who"], ["A1", "Poster", "March", "CT"], ["A2", "Talk", "TBC", "CT"]]
    as_of = load_plan(book({"Plan": undated, "Control": [["As-of date", dt.date(2019, 5, 1)]]}, "as_of.xlsx"))
    march = as_of.activities[0].schedule
    assert (march.start, march.end, march.year_from) == (dt.date(2019, 3, 1), dt.date(2019, 3, 31), "plan")
    assert "year taken from the as-of date's year (2019)" in march.note


def test_settings_records_and_the_as_of_date(book):
    control = [["Plan start", "01/09/2017"], ["Plan end", "not a date"], ["As-of date", dt.date(2018, 3, 31)],
               ["Board short name", "  NSCP "]]
    referrals = [["Month", "Referrals", "Boys", "Notes"], [dt.date(2018, 1, 1), 6, "two", "x"], ["Feb", "9", 1, None]]
    plan = load_plan(book({"Plan": [["Activity", "When", "Who"], ["Poster", "Nov 2017", "CT"]],
                           "Control": control, "Referrals": referrals}))
    s = plan.settings
    assert (s.plan_start, s.plan_end, s.as_of, s.board_short) == (dt.date(2017, 9, 1), None, dt.date(2018, 3, 31),
                                                                  "NSCP")
    assert plan.as_of() == dt.date(2018, 3, 31) and plan.as_of(dt.date(2019, 1, 1)) == dt.date(2019, 1, 1)
    records = plan.records(contract.REFERRALS)
    assert [(r["row"], r["month"], r["referrals"], r["boys"], r["notes"]) for r in records] == [
        (2, dt.date(2018, 1, 1), 6, None, "x"), (3, None, 9, 1, None)]
    assert plan.records(contract.MEDIA) == []
