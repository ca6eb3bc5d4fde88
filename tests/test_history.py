"""The History sheet in one module: snapshots read, compared with the statuses now, and the rows a refresh writes."""

from __future__ import annotations

from cseplan_xl import history
from cseplan_xl.rollups import rollup
from test_rag import D, _demo_activities, make_plan

HISTORY = [
    (D(2018, 1, 31), "A5", "Amber", "Amber"),
    (D(2018, 2, 28), "A5", "Amber", "Amber"),
    (D(2018, 2, 28), " A99 ", None, "Green"),
    ("not a date", "A6", None, "Grey"),
    (D(2018, 4, 30), "A5", "Amber", "Red"),
]


def test_snapshots_on_or_before_as_of_are_read_leniently():
    plan = make_plan(_demo_activities(), HISTORY)
    found = history.snapshots(plan, D(2018, 3, 31))
    assert found == {D(2018, 1, 31): {"A5": "Amber"}, D(2018, 2, 28): {"A5": "Amber", "A99": "Green"}}


def test_changes_compare_the_latest_snapshot_with_the_rag_now():
    plan = make_plan(_demo_activities(), HISTORY)
    derived = [s.derived_rag for s in rollup(plan, as_of=D(2018, 3, 31)).statuses]
    previous, changes = history.changes(plan, D(2018, 3, 31), derived)
    assert previous == D(2018, 2, 28)
    assert [c.words() for c in changes if c.id in ("A5", "A99")] == ["Amber -> Red", "removed (was Green)"]
    assert history.changes(make_plan(_demo_activities()), D(2018, 3, 31), derived) == (None, ())


def test_a_snapshot_of_the_same_date_is_replaced_and_rows_name_every_activity():
    plan = make_plan(_demo_activities(), HISTORY)
    # rows 2..6 hold the five snapshots above; the last (30 Apr) is replaced by a refresh at 30 Apr
    assert history.write_start(plan, D(2018, 4, 30)) == 6
    assert history.write_start(plan, D(2018, 5, 31)) == 7
    statuses = rollup(plan, as_of=D(2018, 3, 31)).statuses
    rows = history.snapshot_rows(D(2018, 3, 31), statuses)
    assert len(rows) == len(statuses) and set(rows[0]) == set(history.SNAPSHOT_KEYS)
    assert rows[0]["id"] == statuses[0].label
