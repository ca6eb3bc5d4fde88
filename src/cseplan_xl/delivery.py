"""Evidence of delivery: what was delivered in a period, and what is planned for the next one.

An activity counts as delivered in a period when it was completed in it (Blue, with a completion date in the
period) or when an occurrence of a repeating activity is recorded as done in it. The days come from the
Delivered on column, else from the schedule's own day when it names one (a Blue activity planned for
"Sept 19 2017"). Last updated is when someone edited the row, never when something happened; a progress note
alone means "in progress", not delivered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .contract import BLUE
from .period import Period
from .plan import Activity

REPEATING_KINDS = ("recurring", "ongoing", "days")
UNDATED_KINDS = ("recurring", "ongoing", "tbc", "unknown")
FROM_COLUMN = "Delivered on"
FROM_SCHEDULE = "the schedule's day"


@dataclass(frozen=True)
class Delivery:
    """One activity delivered in a period: the days the evidence names inside it and where they come from."""

    id: str | None
    activity: str | None
    row: int
    days: tuple[dt.date, ...]  # in the period, in order
    complete: bool  # True: completed (Blue); False: an occurrence of a repeating activity done
    evidence: str  # FROM_COLUMN or FROM_SCHEDULE

    @property
    def date(self) -> dt.date:
        """The day shown for it: the last day in the period."""
        return self.days[-1]

    def to_dict(self) -> dict[str, Any]:
        """JSON-able, dates as ISO text."""
        return {"id": self.id, "activity": self.activity, "row": self.row, "date": self.date.isoformat(),
                "days": [d.isoformat() for d in self.days], "complete": self.complete, "evidence": self.evidence}


@dataclass(frozen=True)
class Planned:
    """An activity (not complete) whose current schedule falls in a period: the first day it does."""

    id: str | None
    activity: str | None
    row: int
    date: dt.date  # the first day of the period it is scheduled on
    start: dt.date  # its window (a named day: that day)
    end: dt.date
    when: str | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-able, dates as ISO text."""
        return {"id": self.id, "activity": self.activity, "row": self.row, "date": self.date.isoformat(),
                "start": self.start.isoformat(), "end": self.end.isoformat(), "when": self.when}


def evidence_days(activity: Activity, as_of: dt.date) -> tuple[tuple[dt.date, ...], str]:
    """The days the activity is recorded as delivered on or before as-of, and where they come from."""
    recorded = tuple(d for d in activity.delivered_on if d <= as_of)
    if recorded:
        return recorded, FROM_COLUMN
    if activity.rag == BLUE:
        schedule = activity.schedule
        named = schedule.dates if schedule.kind == "days" else (
            (schedule.start,) if schedule.start is not None and schedule.start == schedule.end else ())
        named = tuple(d for d in named if d <= as_of)
        if named:
            return named, FROM_SCHEDULE
    return (), ""


def delivered_in(activities: Iterable[tuple[Activity, str]], period: Period, as_of: dt.date) -> list[Delivery]:
    """The activities (with their derived RAG) delivered in the period, by date then plan order."""
    out = []
    for activity, derived in activities:
        days, evidence = evidence_days(activity, as_of)
        inside = tuple(d for d in days if period.contains(d))
        if not inside:
            continue
        repeating = activity.schedule.kind in REPEATING_KINDS
        if derived == BLUE and not repeating:
            if not period.contains(days[-1]):
                continue  # completed later: the last day recorded is the completion date
            inside = (days[-1],)
        elif not repeating:
            continue  # a one-off with a day recorded but not marked complete is still in progress
        out.append(Delivery(activity.id, activity.activity, activity.row, inside, derived == BLUE, evidence))
    out.sort(key=lambda d: (d.date, d.row))
    return out


def planned_in(activities: Iterable[tuple[Activity, str]], period: Period) -> list[Planned]:
    """Dated activities, not complete, whose current schedule starts, runs or falls on a day in the period."""
    out = []
    for activity, derived in activities:
        schedule = activity.schedule
        if derived == BLUE or schedule.kind in UNDATED_KINDS:
            continue
        if schedule.kind == "days":
            days = [d for d in schedule.dates if period.contains(d)]
            if not days:
                continue
            day = start = end = days[0]
        else:
            first, last = schedule.start, schedule.end or schedule.start
            if first is None or last is None or first > period.end or last < period.start:
                continue
            start, end, day = first, last, max(first, period.start)
        out.append(Planned(activity.id, activity.activity, activity.row, day, start, end, activity.when))
    out.sort(key=lambda p: (p.date, p.row))
    return out
