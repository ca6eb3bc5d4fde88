"""Tests for rag.py and rollups.py: derived RAG rules, worst-of rollups, lists, History changes and the views."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from cseplan_xl import contract
from cseplan_xl.plan import Activity, Plan, Settings, load_plan
from cseplan_xl.rag import ACTIVITY_KEYS, derive_status, stale_status, stale_statuses
from cseplan_xl.read import WorkbookData
from cseplan_xl.rollups import CSV_COLUMNS, format_counts, rollup, worst_of
from cseplan_xl.tables import Row, Table
from cseplan_xl.when import parse_when

PS, PE = dt.date(2017, 9, 1), dt.date(2019, 3, 31)
D = dt.date


def act(when: str, rag: str | None = None, row: int = 5, **kw) -> Activity:
    """An Activity as plan.py would build it, When parsed against the plan's lifetime."""
    kw.setdefault("activity", f"activity on row {row}")
    kw.setdefault("id", f"A{row}")
    return Activity(row=row, when=when, schedule=parse_when(when, PS, PE), rag=rag, rag_text=rag, **kw)


def status(when: str, as_of: dt.date, rag: str | None = None, **kw):
    return derive_status(act(when, rag, **kw), as_of, PS, PE)


def make_plan(activities, history=None, as_of=None) -> Plan:
    """A Plan in memory; history rows are (snapshot, id, reported, derived)."""
    data = WorkbookData(path=None, sheet_names=["Plan"])  # type: ignore[arg-type]
    if history is not None:
        rows = tuple(
            Row(i + 2, {"snapshot": s, "id": ident, "reported_rag": r, "derived_rag": d})
            for i, (s, ident, r, d) in enumerate(history)
        )
        data.tables[contract.HISTORY.name] = Table("History", contract.HISTORY, 1, {}, rows)
    settings = Settings(plan_start=PS, plan_end=PE, as_of=as_of)
    return Plan(source=data, settings=settings, activities=tuple(activities), owners={})


# --- derived RAG, rule by rule -------------------------------------------------------------------


def test_breck_launch_slippage_is_red_overdue_31_days_with_a_disagreement():
    s = status("Feb 2018", D(2018, 3, 31), "Amber", activity="National and local launch of Breck's Last Game")
    assert (s.derived_rag, s.overdue, s.overdue_days) == ("Red", True, 31)
    assert (s.start, s.end) == (D(2018, 2, 1), D(2018, 2, 28))
    assert s.disagreement == (
        "reported Amber but the window ended 28 Feb 2018 (31 days ago) and it is not marked complete"
    )
    green = status("Feb 2018", D(2018, 3, 31), "Green")
    assert green.derived_rag == "Red"
    assert green.disagreement.startswith("reported Green but the window ended 28 Feb 2018 (31 days ago)")


def test_window_ended_blank_reported_is_red_without_disagreement():
    s = status("Nov 2017", D(2018, 1, 31))
    assert (s.derived_rag, s.overdue_days, s.reported_rag, s.disagreement) == ("Red", 62, None, None)


def test_blue_is_complete_whatever_the_dates():
    s = status("Nov 2017", D(2018, 6, 1), "Blue")
    assert (s.derived_rag, s.overdue, s.overdue_days, s.disagreement) == ("Blue", False, None, None)
    assert s.reason == "marked complete (Blue)"


@pytest.mark.parametrize(
    ("reported", "derived"),
    [(None, "Amber"), ("Green", "Green"), ("Amber", "Amber"), ("Red", "Red"), ("Grey", "Amber")],
)
def test_inside_the_window(reported, derived):
    s = status("Autumn 2017/ Early 2018", D(2018, 1, 15), reported)
    assert (s.derived_rag, s.overdue, s.start, s.end) == (derived, False, D(2017, 9, 1), D(2018, 4, 30))
    assert (s.disagreement is not None) == (reported == "Grey")


def test_last_day_of_the_window_is_still_inside_and_next_day_is_overdue():
    assert status("Feb 2018", D(2018, 2, 28), "Green").derived_rag == "Green"
    assert status("Feb 2018", D(2018, 3, 1), "Green").overdue_days == 1


@pytest.mark.parametrize(("reported", "derived"), [(None, "Grey"), ("Green", "Green"), ("Grey", "Grey")])
def test_not_started(reported, derived):
    s = status("Autumn 2018", D(2018, 3, 31), reported)
    assert (s.derived_rag, s.overdue, s.disagreement) == (derived, False, None)
    assert s.reason.startswith("not started: starts 1 Sep 2018")


@pytest.mark.parametrize("when", ["TBC", "something we cannot read"])
@pytest.mark.parametrize(("reported", "derived"), [(None, "Grey"), ("Amber", "Amber")])
def test_unscheduled(when, reported, derived):
    s = status(when, D(2018, 3, 31), reported)
    assert (s.derived_rag, s.unscheduled, s.overdue, s.start, s.end) == (derived, True, False, None, None)


def test_provisional_window_is_judged_on_its_dates_and_flagged():
    s = status("2018 TBC", D(2019, 1, 10))
    assert (s.derived_rag, s.overdue_days, s.provisional, s.unscheduled) == ("Red", 10, True, False)
    assert s.reason.endswith("; the date is provisional (TBC)")


def test_open_ended_from_window():
    when = "Tender process starts October 2017"
    assert status(when, D(2017, 9, 30)).derived_rag == "Grey"
    started = status(when, D(2019, 6, 1))
    assert (started.derived_rag, started.overdue, started.end) == ("Amber", False, None)


def test_rebaselined_row_is_judged_on_its_new_when():
    s = status("Sept 2018", D(2018, 3, 31), "Green", original_when="Feb 2018",
               rebaseline_reason="film delayed; schools roll-out instead")
    assert (s.derived_rag, s.overdue, s.start) == ("Green", False, D(2018, 9, 1))
    assert s.reason.endswith("moved from Feb 2018 to Sept 2018 (film delayed; schools roll-out instead)")
    assert (s.moved_from, s.moved_to, s.slip_days) == ("Feb 2018", "Sept 2018", 214)  # 28 Feb -> 30 Sep


def test_redated_without_a_reason_is_still_dated_from_its_current_when():
    # One schedule per activity: the missing reason is a validation error (rebaseline-reason-missing), not a
    # second set of dates.
    s = status("Sept 2018", D(2018, 3, 31), "Green", original_when="Feb 2018")
    assert (s.derived_rag, s.overdue_days, s.start, s.end) == ("Green", None, D(2018, 9, 1), D(2018, 9, 30))
    assert s.reason.endswith("moved from Feb 2018 to Sept 2018 (no re-baseline reason given)")
    assert s.to_dict()["slip_days"] == 214


# --- repeating activities --------------------------------------------------------------------------


def test_quarterly_without_evidence_in_the_last_ended_quarter_is_red():
    # As of 15 May 2018 the last ended quarter is Jan-Mar 2018; the last update is in Oct-Dec 2017.
    s = status("Quarterly", D(2018, 5, 15), "Green", last_updated=D(2017, 11, 20), progress="article sent")
    assert (s.derived_rag, s.overdue_days, s.start, s.end) == ("Red", 45, D(2018, 1, 1), D(2018, 3, 31))
    assert s.disagreement == (
        "reported Green but the quarterly occurrence 1 Jan 2018–31 Mar 2018 ended 31 Mar 2018 (45 days ago) "
        "with no evidence: the last update, 20 Nov 2017, is before it"
    )


def test_quarterly_with_evidence_in_the_last_ended_quarter_is_judged_as_in_progress():
    s = status("Quarterly", D(2018, 5, 15), "Green", last_updated=D(2018, 2, 14))
    assert (s.derived_rag, s.overdue, s.start, s.end) == ("Green", False, D(2018, 4, 1), D(2018, 6, 30))
    blank = status("Quarterly", D(2018, 5, 15), last_updated=D(2018, 2, 14))
    assert blank.derived_rag == "Amber"
    # An update in the current quarter also vouches for the last one (a row has one Last updated date).
    assert status("Quarterly", D(2018, 5, 15), "Green", last_updated=D(2018, 4, 20)).derived_rag == "Green"
    assert status("Quarterly", D(2018, 5, 15), "Green", last_updated=D(2017, 12, 31)).derived_rag == "Red"


def test_progress_note_counts_only_when_there_is_no_date_to_check():
    assert status("Quarterly", D(2018, 5, 15), progress="Q1 article in the newsletter").derived_rag == "Amber"
    assert status("Quarterly", D(2018, 5, 15)).derived_rag == "Red"


def test_quarterly_before_any_quarter_ended_and_without_plan_dates():
    first = status("Quarterly", D(2017, 9, 10))
    assert (first.derived_rag, first.start, first.end) == ("Amber", D(2017, 9, 1), D(2017, 9, 30))
    unknown_life = derive_status(
        Activity(row=3, activity="x", when="Quarterly", schedule=parse_when("Quarterly")), D(2018, 5, 15)
    )
    assert (unknown_life.derived_rag, unknown_life.overdue) == ("Amber", False)


def test_awareness_days_each_day_is_an_occurrence():
    when = "March 18 2018/19"
    assert status(when, D(2018, 3, 1)).derived_rag == "Grey"
    assert status(when, D(2018, 3, 18)).derived_rag == "Amber"
    missed = status(when, D(2018, 6, 30))
    assert (missed.derived_rag, missed.overdue_days, missed.start) == ("Red", 104, D(2018, 3, 18))
    # An update on or after the day is evidence for it.
    done = status(when, D(2018, 6, 30), last_updated=D(2018, 3, 20))
    assert (done.derived_rag, done.start) == ("Amber", D(2018, 3, 18))


def test_green_awareness_days_whose_days_have_passed_are_red_and_overdue():
    s = status("March 18 2017/18", D(2018, 6, 30), "Green")
    assert (s.derived_rag, s.overdue, s.overdue_days, s.start, s.end) == (
        "Red", True, 104, D(2018, 3, 18), D(2018, 3, 18))
    assert s.disagreement == (
        "reported Green but the day 18 Mar 2018 ended 18 Mar 2018 (104 days ago) "
        "with no evidence: no progress note or Last updated date"
    )


def test_annually_in_march_is_judged_on_each_march():
    missed = status("Annually in March", D(2018, 5, 1), "Green", last_updated=D(2018, 2, 1))
    assert (missed.derived_rag, missed.overdue_days, missed.start, missed.end) == (
        "Red", 31, D(2018, 3, 1), D(2018, 3, 31))
    done = status("Annually in March", D(2018, 5, 1), "Green", last_updated=D(2018, 3, 9))
    assert (done.derived_rag, done.overdue, done.start, done.end) == ("Green", False, D(2018, 3, 1), D(2018, 3, 31))
    assert status("Annually in March", D(2018, 1, 10)).derived_rag == "Grey"


def test_stale_status_flags_green_or_amber_past_its_window_or_an_occurrence():
    quarterly = act("Quarterly", "Green", last_updated=D(2017, 11, 20))
    s = stale_status(quarterly, D(2018, 5, 15), PS, PE)
    assert (s.derived_rag, s.overdue_days, s.reported_rag) == ("Red", 45, "Green")
    assert s.disagreement.startswith("reported Green but the quarterly occurrence 1 Jan 2018–31 Mar 2018 ended")
    days = stale_status(act("March 18 2017/18", "Amber"), D(2018, 6, 30), PS, PE)
    assert (days.derived_rag, days.overdue_days) == ("Red", 104)
    assert stale_status(act("Feb 2018", "Amber"), D(2018, 3, 31), PS, PE).overdue_days == 31
    # Not Green or Amber, or not overdue: nothing to flag.
    assert stale_status(act("Feb 2018", "Red"), D(2018, 3, 31), PS, PE) is None
    assert stale_status(act("Feb 2018"), D(2018, 3, 31), PS, PE) is None
    assert stale_status(act("Feb 2018", "Blue"), D(2018, 3, 31), PS, PE) is None
    assert stale_status(act("Feb 2018", "Green"), D(2018, 2, 15), PS, PE) is None
    assert stale_status(act("Quarterly", "Green", last_updated=D(2018, 4, 2)), D(2018, 5, 15), PS, PE) is None


def test_stale_statuses_match_stale_status_row_by_row_with_shared_verdicts():
    rows = [act("Feb 2018", "Amber", row=3), act("Feb 2018", "Amber", row=4, progress="done"),
            act("Feb 2018", "Red", row=5), act("Quarterly", "Green", row=6, last_updated=D(2017, 11, 20)),
            act("Quarterly", "Green", row=7, last_updated=D(2018, 4, 2)), act("Feb 2018", "Amber", row=8)]
    as_of = D(2018, 5, 15)
    found = list(stale_statuses(rows, as_of, PS, PE))
    assert [a.row for a, _ in found] == [3, 4, 6, 8]
    assert [s for _, s in found] == [stale_status(a, as_of, PS, PE) for a, _ in found]
    assert [(s.row, s.id, s.overdue_days) for _, s in found] == [(3, "A3", 76), (4, "A4", 76), (6, "A6", 45),
                                                                  (8, "A8", 76)]


def test_not_started_keeps_any_reported_rag():
    assert status("Autumn 2018", D(2018, 1, 1), "Red").derived_rag == "Red"
    assert status("Autumn 2018", D(2018, 1, 1), "Amber").derived_rag == "Amber"
    assert status("Autumn 2018", D(2018, 1, 1)).derived_rag == "Grey"


def test_ongoing_after_the_plan_ended_needs_evidence():
    assert status("Ongoing", D(2019, 5, 1)).overdue_days == 31
    assert status("Ongoing", D(2019, 5, 1), last_updated=D(2019, 3, 1)).derived_rag == "Amber"
    assert status("Ongoing", D(2018, 5, 1)).derived_rag == "Amber"


# --- rollups ------------------------------------------------------------------------------------------


def _demo_activities():
    return [
        act("Feb 2018", "Amber", row=5, section="6.2 External", theme="Breck", who="MT/CT", owners=("MT", "CT"),
            phase="Phase One"),
        act("Autumn 2018", row=6, section="6.2 External", theme="Breck", who="TBC", owners=("TBC",),
            phase="Phase One"),
        act("TBC", row=7, section="6.1 Internal and training", who="CT", owners=("CT",), phase="Phase One"),
        act("Nov 2017", "Blue", row=8, section="6.1 Internal and training", who="DJ/CT/Comms team",
            owners=("DJ", "CT", "Comms team"), phase="Phase One"),
        act("Quarterly", "Green", row=9, section="6.1 Internal and training", who="CT", owners=("ct",),
            last_updated=D(2018, 2, 1), phase="Phase One"),
        act("Jan 2018", "Green", row=10, section=None, theme="LGBT", who=None, phase="Phase Two"),
    ]


def test_rollup_worst_of_with_counts_that_add_up():
    r = rollup(make_plan(_demo_activities()), as_of=D(2018, 3, 31))
    derived = [s.derived_rag for s in r.statuses]
    assert derived == ["Red", "Grey", "Grey", "Blue", "Green", "Red"]
    assert r.overall.rag == "Red"
    assert r.overall.counts == {"Red": 2, "Amber": 0, "Green": 1, "Blue": 1, "Grey": 2}
    assert r.overall.total == 6
    assert format_counts(r.overall.counts) == "2R 0A 1G 1B 2 Grey"
    for name, groups in r.groups.items():
        for g in groups:
            assert sum(g.counts.values()) == g.total, (name, g.key)
        if name != "owner":
            assert sum(g.total for g in groups) == 6
    sections = {g.key: (g.rag, g.total) for g in r.groups["section"]}
    assert sections == {"6.2 External": ("Red", 2), "6.1 Internal and training": ("Green", 3), "(none)": ("Red", 1)}
    quarters = [(g.key, g.total) for g in r.groups["quarter"]]
    assert quarters == [("2017Q3", 1), ("2017Q4", 1), ("2018Q1", 2), ("2018Q3", 1), ("unscheduled", 1)]


def test_worst_of_order_never_averages():
    assert worst_of(["Green", "Blue", "Grey"]) == "Green"
    assert worst_of(["Blue", "Grey"]) == "Grey"
    assert worst_of(["Green"] * 50 + ["Red"]) == "Red"
    assert worst_of([]) is None


def test_multi_owner_activity_counts_for_each_owner_case_insensitively():
    r = rollup(make_plan(_demo_activities()), as_of=D(2018, 3, 31), by=("owner",))
    owners = {g.key: (g.rag, g.total, g.counts["Blue"]) for g in r.groups["owner"]}
    assert owners == {
        "MT": ("Red", 1, 0), "CT": ("Red", 4, 1), "TBC": ("Grey", 1, 0), "DJ": ("Blue", 1, 1),
        "Comms team": ("Blue", 1, 1), "(none)": ("Red", 1, 0),
    }
    assert list(r.groups) == ["owner"]


def test_lists_overdue_upcoming_unscheduled_disagreements():
    r = rollup(make_plan(_demo_activities()), as_of=D(2018, 3, 31))
    assert [(s.id, s.overdue_days) for s in r.overdue] == [("A10", 59), ("A5", 31)]
    assert [(u.status.id, u.date, u.event) for u in r.upcoming] == [("A9", D(2018, 3, 31), "due")]
    assert [s.id for s in r.unscheduled] == ["A7"]
    assert [s.id for s in r.disagreements] == ["A5", "A10"]
    assert r.disagreements[1].disagreement == (
        "reported Green but the window ended 31 Jan 2018 (59 days ago) and it is not marked complete"
    )
    later = rollup(make_plan(_demo_activities()), as_of=D(2018, 6, 15))
    assert [(u.status.id, u.date, u.event) for u in later.upcoming] == [
        ("A9", D(2018, 6, 30), "due"), ("A6", D(2018, 9, 1), "starts")
    ]


def test_as_of_defaults_to_the_workbook_setting():
    r = rollup(make_plan(_demo_activities(), as_of=D(2018, 3, 31)))
    assert r.as_of == D(2018, 3, 31)


def test_unknown_group_is_an_error():
    with pytest.raises(ValueError, match="cannot group by colour"):
        rollup(make_plan([]), as_of=D(2018, 1, 1), by=("colour",))


def test_empty_plan():
    r = rollup(make_plan([]), as_of=D(2018, 1, 1))
    assert (r.overall.rag, r.overall.total, r.groups["section"]) == (None, 0, [])


# --- History ------------------------------------------------------------------------------------------


def test_changes_since_the_latest_snapshot_on_or_before_as_of():
    history = [
        (D(2018, 1, 31), "A5", "Amber", "Amber"),
        (D(2018, 1, 31), "A6", None, "Grey"),
        (D(2018, 2, 28), "A5", "Amber", "Amber"),
        (D(2018, 2, 28), "A6", None, "Grey"),
        (D(2018, 2, 28), "A99", None, "Green"),
        ("28/02/2018", "A8", "Blue", "Blue"),
        (D(2018, 4, 30), "A5", "Amber", "Red"),  # after as-of: ignored
    ]
    r = rollup(make_plan(_demo_activities(), history), as_of=D(2018, 3, 31))
    assert r.previous_snapshot == D(2018, 2, 28)
    changes = [(c.id, c.change, c.previous_rag, c.derived_rag) for c in r.changes]
    assert changes == [
        ("A5", "changed", "Amber", "Red"),
        ("A7", "new", None, "Grey"),
        ("A9", "new", None, "Green"),
        ("A10", "new", None, "Red"),
        ("A99", "removed", "Green", None),
    ]


def test_no_history_sheet_means_no_changes():
    r = rollup(make_plan(_demo_activities()), as_of=D(2018, 3, 31))
    assert (r.previous_snapshot, r.changes) == (None, ())
    assert r.to_dict()["changes"] == {"previous_snapshot": None, "items": []}


# --- views ----------------------------------------------------------------------------------------------


def test_json_keys_are_the_issue_keys():
    r = rollup(make_plan(_demo_activities()), as_of=D(2018, 3, 31))
    data = json.loads(json.dumps(r.to_dict()))
    assert list(data) == [
        "as_of", "as_of_note", "overall", "groups", "activities", "overdue", "upcoming", "unscheduled",
        "not_started", "completed", "moved", "period", "delivered", "next_period", "planned", "counts", "disagreements",
        "changes", "legend", "legend_text",
    ]
    assert data["as_of"] == "2018-03-31"
    assert data["overall"] == {
        "rag": "Red", "counts": {"Red": 2, "Amber": 0, "Green": 1, "Blue": 1, "Grey": 2}, "total": 6
    }
    assert list(data["groups"]) == ["section", "theme", "owner", "phase", "quarter"]
    assert set(data["groups"]["theme"][0]) == {"key", "rag", "counts", "total"}
    assert data["activities"][0] == {
        "id": "A5", "activity": "activity on row 5", "reported_rag": "Amber", "derived_rag": "Red",
        "overdue": True, "overdue_days": 31, "start": "2018-02-01", "end": "2018-02-28",
        "moved_from": None, "moved_to": None, "slip_days": None,
    }
    assert all(tuple(a) == ACTIVITY_KEYS for a in data["activities"])
    assert data["overdue"][1]["overdue_days"] == 31
    assert data["legend"]["Blue"] == "complete"


def test_text_summary():
    text = rollup(make_plan(_demo_activities()), as_of=D(2018, 3, 31)).to_text()
    assert text.startswith("RAG rollup as of 31 Mar 2018\n\nOverall  Red: 2R 0A 1G 1B 2 Grey  (6 activities)\n")
    assert "  6.1 Internal and training  Green: 0R 0A 1G 1B 1 Grey  (3)\n" in text
    assert "  A10 activity on row 10: 59 days overdue (ended 31 Jan 2018)\n" in text
    assert "  31 Mar 2018  A9 activity on row 9 due\n" in text
    assert "Unscheduled (1):\n  A7 activity on row 7\n" in text
    assert "Blue = complete" in text


def test_csv_rows_one_per_group_key():
    rows = rollup(make_plan(_demo_activities()), as_of=D(2018, 3, 31), by=("section",)).csv_rows()
    assert [tuple(r) for r in rows] == [CSV_COLUMNS] * 4
    assert [list(r.values()) for r in rows] == [
        ["overall", "all", "Red", 2, 0, 1, 1, 2, 6],
        ["section", "6.2 External", "Red", 1, 0, 0, 0, 1, 2],
        ["section", "6.1 Internal and training", "Green", 0, 0, 1, 1, 1, 3],
        ["section", "(none)", "Red", 1, 0, 0, 0, 0, 1],
    ]


# --- from a real workbook ------------------------------------------------------------------------------


def write_workbook(path, plan_rows, history_rows=(), as_of=None):
    """A tiny workbook: Control (plan dates, as-of), Plan and optionally History."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    date_format = book.add_format({"num_format": "dd/mm/yyyy"})
    control = book.add_worksheet("Control")
    settings = [("Plan start", PS), ("Plan end", PE)] + ([("As-of date", as_of)] if as_of else [])
    for r, (label, value) in enumerate(settings):
        control.write(r, 0, label)
        control.write_datetime(r, 1, dt.datetime.combine(value, dt.time()), date_format)
    sheet = book.add_worksheet("Plan")
    headers = ["ID", "Section", "Activity", "When", "Who", "RAG", "Last updated"]
    sheet.write_row(0, 0, headers)
    for r, values in enumerate(plan_rows, start=1):
        for c, value in enumerate(values):
            if isinstance(value, dt.date):
                sheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date_format)
            elif value is not None:
                sheet.write(r, c, value)
    if history_rows:
        history = book.add_worksheet("History")
        history.write_row(0, 0, ["Snapshot", "ID", "Reported RAG", "Derived RAG"])
        for r, (snap, *rest) in enumerate(history_rows, start=1):
            history.write_datetime(r, 0, dt.datetime.combine(snap, dt.time()), date_format)
            history.write_row(r, 1, rest)
    book.close()
    return path


def test_rollup_of_a_workbook(tmp_path):
    path = write_workbook(
        tmp_path / "plan.xlsx",
        [
            ("E1", "6.2 External", "National and local launch of Breck's Last Game", "Feb 2018", "MT/CT", "Green"),
            ("E2", "6.2 External", "Breck's Last Game roll out in schools", "TBC", "TBC", None),
            ("I1", "6.1 Internal", "Newsletter article on campaign successes", "Quarterly", "CT", "Green",
             D(2018, 3, 2)),
        ],
        history_rows=[(D(2018, 2, 28), "E1", "Green", "Green")],
        as_of=D(2018, 3, 31),
    )
    r = rollup(load_plan(path))
    assert r.as_of == D(2018, 3, 31)
    assert [(s.id, s.row, s.derived_rag, s.overdue_days) for s in r.statuses] == [
        ("E1", 2, "Red", 31), ("E2", 3, "Grey", None), ("I1", 4, "Green", None)
    ]
    assert format_counts(r.overall.counts) == "1R 0A 1G 0B 1 Grey"
    assert [(c.id, c.change) for c in r.changes] == [("E1", "changed"), ("E2", "new"), ("I1", "new")]


# --- the `cseplan rollup` command -------------------------------------------------------------------


def _cli_workbook(tmp_path):
    return write_workbook(
        tmp_path / "plan.xlsx",
        [
            ("E1", "6.2 External", "National and local launch of Breck's Last Game", "Feb 2018", "MT/CT", "Green"),
            ("E2", "6.2 External", "Breck's Last Game roll out in schools", "TBC", "TBC", None),
        ],
    )


def test_cli_rollup_json(tmp_path, capsys):
    from cseplan_xl.cli import main

    assert main(["rollup", str(_cli_workbook(tmp_path)), "--as-of", "2018-03-31", "--format", "json",
                 "--by", "owner", "--by", "section"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["overall"] == {"rag": "Red", "counts": {"Red": 1, "Amber": 0, "Green": 0, "Blue": 0, "Grey": 1},
                               "total": 2}
    assert list(data["groups"]) == ["owner", "section"]
    assert [(g["key"], g["total"]) for g in data["groups"]["owner"]] == [("MT", 1), ("CT", 1), ("TBC", 1)]
    assert [(a["id"], a["overdue_days"]) for a in data["overdue"]] == [("E1", 31)]


def test_cli_rollup_text_csv_and_output_never_replaced(tmp_path, capsys):
    from cseplan_xl.cli import main

    book = str(_cli_workbook(tmp_path))
    assert main(["rollup", book, "--as-of", "2018-03-31"]) == 0
    assert "Overall  Red: 1R 0A 0G 0B 1 Grey  (2 activities)" in capsys.readouterr().out
    out = tmp_path / "rollup.csv"
    assert main(["rollup", book, "--as-of", "2018-03-31", "--format", "csv", "--by", "section", "-o", str(out)]) == 0
    assert out.read_text().splitlines() == [
        "group,key,rag,Red,Amber,Green,Blue,Grey,total",
        "overall,all,Red,1,0,0,0,1,2",
        "section,6.2 External,Red,1,0,0,0,1,2",
    ]
    capsys.readouterr()
    assert main(["rollup", book, "--format", "json", "-o", str(out)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert out.read_text().startswith("group,key")


def test_cli_rollup_unusable_input_exits_2(tmp_path, capsys):
    from cseplan_xl.cli import main

    bad = tmp_path / "notes.xlsx"
    bad.write_text("not a workbook")
    assert main(["rollup", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Error: ") and err.count("\n") == 1
    with pytest.raises(SystemExit) as exit_info:
        main(["rollup", str(bad), "--as-of", "31/03/2018"])
    assert exit_info.value.code == 2
    with pytest.raises(SystemExit) as exit_info:
        main(["rollup", str(bad), "--by", "colour"])
    assert exit_info.value.code == 2


def test_cli_group_names_match_the_library():
    from cseplan_xl.cli import _ROLLUP_GROUPS
    from cseplan_xl.rollups import GROUPS

    assert _ROLLUP_GROUPS == GROUPS


def test_rollup_statuses_equal_derive_status_one_by_one():

    activities = _demo_activities()
    first = activities[0]  # rows sharing one Schedule object, as load_plan makes them, but rated differently
    activities += [first._replace(row=11, id="A11", rag="Blue"), first._replace(row=12, id="A12", rag=None)]
    plan = make_plan(activities)
    r = rollup(plan, as_of=D(2018, 3, 31))
    assert r.statuses == tuple(derive_status(a, D(2018, 3, 31), PS, PE) for a in activities)
    assert [s.derived_rag for s in r.statuses[-2:]] == ["Blue", "Red"]
