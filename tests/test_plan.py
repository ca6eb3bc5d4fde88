"""Tests for plan.py: activities built from rows, compared and hashed by their fields."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

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
    moved = replace(second, row=first.row)
    assert moved == first and hash(moved) == hash(first) and moved.raw is not first.raw
    assert second != first and len({first, moved, second}) == 2
