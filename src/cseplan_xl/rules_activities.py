"""Rules on the Plan sheet's activity rows: blank or unread fields, When, Who and owners, cost, RAG, dates,
duplicates, the Lists, re-baselining, delivery and updates.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from . import contract
from .cell_values import as_dates, as_text
from .dates import format_day
from .findings import ERROR, INFO, WARNING
from .plan import Activity, Plan
from .rag import stale_statuses
from .rulebook import Hit, RuleFamily
from .tables import CellError

STALE_DAYS = 90
_MONEY = re.compile(r"^\s*£\s*\d{1,3}(?:,?\d{3})*(?:\.\d{1,2})?\s*(?:k)?\s*$", re.IGNORECASE)

RULES = RuleFamily()
_rule = RULES.rule


def _started(a: Activity, as_of: dt.date) -> bool:
    return a.start is not None and a.start <= as_of and a.schedule.kind not in ("tbc", "unknown")


def _ended(a: Activity, as_of: dt.date) -> bool:
    return a.end is not None and a.end < as_of and a.schedule.kind in ("day", "window")


def _holds_error(a: Activity, key: str) -> bool:
    """True when the cell shows an Excel error: cell-error reports it, so 'blank' rules keep quiet."""
    return key in a.error_fields


@_rule("activity-missing", ERROR, "Activity text is blank", tags=("plan",))
def _activity_missing(plan: Plan, as_of: dt.date) -> Iterator[Hit]:
    for a in plan.activities:
        if not a.activity and not _holds_error(a, "activity"):
            yield Hit(a.row, "activity", "the activity is blank: describe what will be done, or delete the row",
                      activity_id=a.id)


@_rule("when-missing", ERROR, "When is blank", tags=("plan", "schedule"))
def _when_missing(plan: Plan, as_of: dt.date) -> Iterator[Hit]:
    for a in plan.activities:
        if not a.when and a.start is None and not _holds_error(a, "when"):
            yield Hit(a.row, "when", "When is blank: give a date or period such as 'Autumn 2018', or 'TBC'",
                      activity_id=a.id)


@_rule("when-not-understood", ERROR, "When text cannot be read as a date or period", tags=("plan", "schedule"))
def _when_unknown(plan: Plan, as_of: dt.date) -> Iterator[Hit]:
    for a in plan.activities:
        schedule = a.when_schedule
        if a.when and schedule and schedule.kind == "unknown":
            why = f" ({schedule.note})" if schedule.note else ""
            how = "ambiguous" if schedule.ambiguous else "not understood"
            yield Hit(a.row, "when", f"When {a.when!r} is {how}{why}: write a date or period such as "
                      "'Feb 2018', 'Autumn 2018', 'Q3 2018', '2018/19' or 'TBC'", a.when, a.id)


@_rule("when-assumption", INFO, "When was read with an assumption (for example the year)", tags=("plan", "schedule"))
def _when_assumption(plan: Plan, as_of: dt.date) -> Iterator[Hit]:
    for a in plan.activities:
        schedule = a.when_schedule
        if a.when and schedule and schedule.kind != "unknown" and schedule.note:
            yield Hit(a.row, "when", f"When {a.when!r} read as {schedule.describe()}", a.when, a.id)


@_rule("who-missing", WARNING, "Who is blank or TBC", tags=("plan", "owners"))
def _who_missing(plan: Plan, as_of: dt.date) -> Iterator[Hit]:
    unassigned = contract.WHO_UNASSIGNED
    for a in plan.activities:
        if (not a.who or a.who.strip().upper() in unassigned) and not _holds_error(a, "who"):
            yield Hit(a.row, "who", "no owner yet: put the initials or team who will lead it", a.who, a.id)


@_rule("owner-unknown", ERROR, "An owner code is not in the Owners sheet", tags=("plan", "owners"),
       needs=(contract.OWNERS,))
def _owner_unknown(plan: Plan, as_of: dt.date) -> Iterator[Hit]:
    unknown: dict[tuple[str, ...], list[str]] = {}  # owners -> the codes not on the sheet (Who values repeat)
    for a in plan.activities:
        codes = unknown.get(a.owners)
        if codes is None:
            codes = unknown[a.owners] = [code for code in a.owners if code.upper() not in contract.WHO_UNASSIGNED
                                         and code.casefold() not in plan.owners]
        for code in codes:
            yield Hit(a.row, "who", f"owner {code!r} is not on the Owners sheet: add it there, or correct "
                          "the code", a.who, a.id)


def _cost_kind(value: Any) -> str | None:
    """'blank', 'keyword' (N/A, TBC), 'amount' (a number or £ amount), or None when it is none of those."""
    if value is None:
        return "blank"
    if isinstance(value, bool) or isinstance(value, CellError):
        return None
    if isinstance(value, (int, float)):
        return "amount" if value >= 0 else None
    return _text_cost_kind(str(value))


@lru_cache(maxsize=1024)
def _text_cost_kind(text: str) -> str | None:
    text = " ".join(text.split())
    if text.upper() in contract.COST_KEYWORDS:
        return "keyword"
    return "amount" if _MONEY.match(text) else None


@_rule("cost-invalid", ERROR, "Cost is not N/A, TBC or a £ amount", tags=("plan", "cost"))
def _cost_invalid(plan: Plan, as_of: dt.date) -> Iterator[Hit]:
    for a in plan.activities:
        if _cost_kind(a.cost) is None and not isinstance(a.cost, CellError):
            yield Hit(a.row, "cost", f"cost {as_text(a.cost)!r} is not understood: write N/A, TBC or an amount "
                      "such as £1,200", a.cost, a.id)


@_rule("cost-tbc-started", WARNING, "Cost still TBC after the activity started", tags=("plan", "cost"))
def _cost_tbc(plan: Plan, as_of: dt.date) -> Iterator[Hit]:
    for a in plan.activities:
        tbc = isinstance(a.cost, str) and a.cost.strip().upper() == "TBC"
        if tbc and _started(a, as_of) and a.rag != contract.BLUE:
            yield Hit(a.row, "cost", f"cost is still TBC though the activity started {format_day(a.start)}: "
                      "confirm the cost or N/A", a.cost, a.id)


@_rule("rag-invalid", ERROR, "RAG is not Red, Amber, Green, Blue (complete) or Grey", tags=("plan", "rag"))
def _rag_invalid(plan: Plan, as_of: dt.date) -> Iterator[Hit]:
    for a in plan.activities:
        if a.rag_text and a.rag is None:
            yield Hit(a.row, "rag", f"RAG {a.rag_text!r} is not one of Red, Amber, Green, Blue (= complete) "
                      "or Grey: pick one from the dropdown", a.rag_text, a.id)


@_rule("rag-blank-started", WARNING, "RAG blank although the activity has started", tags=("plan", "rag"))
def _rag_blank(plan: Plan, as_of: dt.date) -> Iterator[Hit]:
    for a in plan.activities:
        if not a.rag_text and a.rag_colour is None and _started(a, as_of):
            yield Hit(a.row, "rag", f"no RAG status, though the activity started {format_day(a.start)}: rate it",
                      None, a.id)


@_rule("rag-colour-mismatch", WARNING, "The RAG cell's colour and its text disagree", tags=("plan", "rag"))
def _rag_colour_mismatch(plan: Plan, as_of: dt.date) -> Iterator[Hit]:
    for a in plan.activities:
        if a.rag_text and a.rag and a.rag_colour and a.rag != a.rag_colour:
            yield Hit(a.row, "rag", f"the cell says {a.rag} but is coloured {a.rag_colour.lower()} ({a.rag_fill}): "
                      f"the text counts; make the two agree", a.rag_text, a.id)


@_rule("rag-from-colour", INFO, "RAG taken from the cell's colour (no text)", tags=("plan", "rag"))
def _rag_from_colour(plan: Plan, as_of: dt.date) -> Iterator[Hit]:
    for a in plan.activities:
        if not a.rag_text and a.rag_colour:
            yield Hit(a.row, "rag", f"no RAG text; the cell is coloured {a.rag_colour.lower()} ({a.rag_fill}), "
                      f"so the RAG is taken as {a.rag_colour}: type it to be sure", a.rag_fill, a.id)


@_rule("rag-stale", WARNING, "Reported Green or Amber although the window (or an occurrence) has ended",
       tags=("plan", "rag"))
def _rag_stale(plan: Plan, as_of: dt.date) -> Iterator[Hit]:
    lo, hi = plan.settings.plan_start, plan.settings.plan_end
    for a, status in stale_statuses(plan.activities, as_of, lo, hi):
        yield Hit(a.row, "rag", f"{status.disagreement}: the derived status is Red. Mark it Blue if done, or "
                  "re-baseline it (new When, keep Original When, give a reason)", a.rag_text, a.id)


@_rule("complete-before-start", WARNING, "Marked complete before its window starts", tags=("plan", "rag"))
def _complete_early(plan: Plan, as_of: dt.date) -> Iterator[Hit]:
    for a in plan.activities:
        if a.rag == contract.BLUE and a.schedule.start is not None and a.schedule.start > as_of:
            yield Hit(a.row, "rag", f"marked complete but its window only starts {format_day(a.start)}: check the "
                      "RAG or the When", a.rag_text, a.id)


@_rule("end-before-start", ERROR, "End date before start date", tags=("plan", "schedule"))
def _end_before_start(plan: Plan, as_of: dt.date) -> Iterator[Hit]:
    for a in plan.activities:
        start, end = a.given_start, a.given_end
        if start and end and end < start:
            yield Hit(a.row, "end", f"End {format_day(end)} is before Start {format_day(start)}", end, a.id)


@_rule("outside-plan-lifetime", WARNING, "Dates outside the plan's lifetime", tags=("plan", "schedule"),
       needs=(contract.CONTROL,))
def _outside(plan: Plan, as_of: dt.date) -> Iterator[Hit]:
    lo, hi = plan.settings.plan_start, plan.settings.plan_end
    if not lo or not hi or hi < lo:
        return  # no lifetime to check against (setting-invalid reports a reversed one)
    for a in plan.activities:
        schedule = a.schedule
        if schedule.kind in ("recurring", "ongoing"):
            continue
        start, end = schedule.start, schedule.end
        if (start is not None and not lo <= start <= hi) or (end is not None and not lo <= end <= hi):
            yield Hit(a.row, "when", f"{a.schedule.describe()} falls outside the plan's lifetime "
                      f"({format_day(lo)} – {format_day(hi)})", a.when, a.id)


@_rule("duplicate-id", ERROR, "The same ID on more than one row", tags=("plan",))
def _duplicate_id(plan: Plan, as_of: dt.date) -> Iterator[Hit]:
    first: dict[str, int] = {}
    for a in plan.activities:
        if not a.id:
            continue
        if a.id in first:
            yield Hit(a.row, "id", f"ID {a.id!r} is already used on row {first[a.id]}: give each activity its "
                      "own ID", a.id, a.id)
        else:
            first[a.id] = a.row


@_rule("duplicate-activity", WARNING, "The same activity text on more than one row", tags=("plan",))
def _duplicate_activity(plan: Plan, as_of: dt.date) -> Iterator[Hit]:
    first: dict[str, int] = {}
    for a in plan.activities:
        if not a.activity:
            continue
        key = a.activity.casefold()
        if key in first:
            yield Hit(a.row, "activity", f"the same activity as row {first[key]}: merge them or tell them apart",
                      a.activity, a.id)
        else:
            first[key] = a.row


def _not_in_list(plan: Plan, field: str, list_key: str, what: str) -> Iterator[Hit]:
    allowed = {v.casefold() for v in plan.lists.get(list_key, [])}
    if not allowed:
        return
    for a in plan.activities:
        value = getattr(a, field)
        if value and value.casefold() not in allowed and field not in a.from_headings:
            yield Hit(a.row, field, f"{what} {value!r} is not on the Lists sheet: pick one from the dropdown, or "
                      "add it to Lists", value, a.id)


@_rule("section-not-in-lists", WARNING, "Section not on the Lists sheet", tags=("plan", "lists"),
       needs=(contract.LISTS,))
def _section_list(plan: Plan, as_of: dt.date) -> Iterator[Hit]:
    yield from _not_in_list(plan, "section", "sections", "section")


@_rule("theme-not-in-lists", WARNING, "Theme not on the Lists sheet", tags=("plan", "lists"),
       needs=(contract.LISTS,))
def _theme_list(plan: Plan, as_of: dt.date) -> Iterator[Hit]:
    yield from _not_in_list(plan, "theme", "themes", "theme")


@_rule("phase-not-in-lists", WARNING, "Phase not on the Lists sheet", tags=("plan", "lists"),
       needs=(contract.LISTS,))
def _phase_list(plan: Plan, as_of: dt.date) -> Iterator[Hit]:
    yield from _not_in_list(plan, "phase", "phases", "phase")


@_rule("rebaseline-reason-missing", ERROR, "Original When set without a re-baseline reason", tags=("plan", "schedule"))
def _rebaseline(plan: Plan, as_of: dt.date) -> Iterator[Hit]:
    for a in plan.activities:
        if a.original_when and not a.rebaseline_reason:
            yield Hit(a.row, "rebaseline_reason", f"the activity was re-dated from {a.original_when!r} but no "
                      "reason is given: say why it moved", None, a.id)


@_rule("delivered-on-invalid", ERROR, "Delivered on holds something other than dates, or a day after the as-of date",
       tags=("plan", "rag"))
def _delivered_on(plan: Plan, as_of: dt.date) -> Iterator[Hit]:
    for a in plan.activities:
        value = a.delivered_text
        if value is None:
            continue
        try:
            days = as_dates(value)
        except ValueError:
            yield Hit(a.row, "delivered_on", f"Delivered on {value!r} is not understood: write a date such "
                      "as 20/03/2018, or several separated by ';'", value, a.id)
            continue
        later = [d for d in days if d > as_of]
        if later:
            yield Hit(a.row, "delivered_on", f"delivered on {format_day(later[0])}, after the as-of date "
                      f"{format_day(as_of)}: a delivery cannot be recorded before it happens", value, a.id)


@_rule("no-recent-update", INFO, "No update for 90 days while in progress", tags=("plan", "rag"))
def _stale_update(plan: Plan, as_of: dt.date) -> Iterator[Hit]:
    for a in plan.activities:
        if not a.last_updated or (as_of - a.last_updated).days <= STALE_DAYS:
            continue
        if _started(a, as_of) and not _ended(a, as_of) and a.rag != contract.BLUE:
            yield Hit(a.row, "last_updated", f"in progress but last updated {format_day(a.last_updated)} "
                      f"({(as_of - a.last_updated).days} days ago): add a progress note",
                      a.last_updated, a.id)
