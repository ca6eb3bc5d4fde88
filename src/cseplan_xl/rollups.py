"""Worst-of rollups of the derived RAG (rag.py) by section, theme, owner, phase and quarter, and the lists that
need attention: overdue, upcoming, unscheduled, not started, completed, moved, delivered and planned.

Roll-ups are worst-of with counts, never an average. The Rollup's text and JSON views are the CLI's and the
Dashboard's; the newsletter builds its words from the same object.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any

from . import history
from .contract import AMBER, BLUE, GREEN, GREY, RAG_LEGEND, RAG_MEANING, RAG_SEVERITY_ORDER, RAG_VALUES, RED
from .dates import format_day, iso
from .delivery import Delivery, Planned, delivered_in, planned_in
from .history import Change
from .period import Period, as_of_note, default_period, parse_period, quarter_of
from .plan import Activity, Plan
from .rag import REPEATING_KINDS, ActivityStatus, occurrence_windows, status_of, verdict, verdict_key
from .when import Schedule
from .words import plural

GROUPS = ("section", "theme", "owner", "phase", "quarter")
NO_KEY = "(none)"
UNSCHEDULED_QUARTER = "unscheduled"
_RAG_INDEX = {rag: i for i, rag in enumerate(RAG_VALUES)}
_SEVERITY = {rag: i for i, rag in enumerate(RAG_SEVERITY_ORDER)}
_LETTERS = {RED: "R", AMBER: "A", GREEN: "G", BLUE: "B"}
CSV_COLUMNS = ("group", "key", "rag", *RAG_VALUES, "total")


@dataclass(frozen=True)
class Group:
    """One group of a rollup: its key, worst-of RAG and the counts of each RAG value."""

    key: str
    rag: str | None
    counts: dict[str, int]
    total: int

    def to_dict(self) -> dict[str, Any]:
        """The issue's group keys."""
        return {"key": self.key, "rag": self.rag, "counts": dict(self.counts), "total": self.total}

    @property
    def summary(self) -> str:
        """"Red: 1R 3A 8G 2B 5 Grey"."""
        return f"{self.rag or 'none'}: {format_counts(self.counts)}"


@dataclass(frozen=True)
class Upcoming:
    """An activity starting or due soon."""

    status: ActivityStatus
    date: dt.date
    event: str  # "starts" or "due"


class _Entry:
    """What the rules make of one distinct (schedule, RAG, evidence) combination, shared by its rows."""

    __slots__ = ("fields", "rag_index", "quarter", "upcoming")

    def __init__(self, fields: dict[str, Any], rag_index: int, quarter: str,
                 upcoming: tuple[dt.date, str] | None) -> None:
        self.fields = fields  # every ActivityStatus field but id, activity and row
        self.rag_index = rag_index  # position of the derived RAG in RAG_VALUES
        self.quarter = quarter  # the quarter group key
        self.upcoming = upcoming  # (date, "starts" or "due") within the horizon


@dataclass(frozen=True)
class Rollup:
    """Where the plan stands at an as-of date: statuses, worst-of groups and the lists that need attention."""

    as_of: dt.date
    overall: Group
    groups: dict[str, list[Group]]
    changes: tuple[Change, ...] = ()
    previous_snapshot: dt.date | None = None
    upcoming_days: int = 90
    period: Period | None = None  # the reporting period: what was delivered in it
    next_period: Period | None = None  # the period after it: what is planned
    as_of_note: str | None = None  # one line when the as-of date falls outside the plan's lifetime
    # Per-activity statuses are built on first use from these (counting needs only the shared verdicts).
    _activities: tuple[Activity, ...] = field(default=(), repr=False, compare=False)
    _entries: tuple[_Entry, ...] = field(default=(), repr=False, compare=False)

    @cached_property
    def statuses(self) -> tuple[ActivityStatus, ...]:
        """Each activity's status, in plan order."""
        return tuple(status_of(activity, entry.fields) for activity, entry in zip(self._activities, self._entries))

    @cached_property
    def overdue(self) -> tuple[ActivityStatus, ...]:
        """Overdue activities, longest overdue first."""
        return tuple(sorted((s for s in self.statuses if s.overdue), key=lambda s: (-(s.overdue_days or 0), s.row)))

    @cached_property
    def upcoming(self) -> tuple[Upcoming, ...]:
        """Activities (not complete) starting or due within upcoming_days of the as-of date, soonest first."""
        soon = [Upcoming(s, *e.upcoming) for s, e in zip(self.statuses, self._entries) if e.upcoming is not None]
        return tuple(sorted(soon, key=lambda u: (u.date, u.status.row)))

    @cached_property
    def unscheduled(self) -> tuple[ActivityStatus, ...]:
        """Activities with no dates (TBC or When not understood)."""
        return tuple(s for s in self.statuses if s.unscheduled)

    @cached_property
    def disagreements(self) -> tuple[ActivityStatus, ...]:
        """Activities whose reported RAG differs from the derived one."""
        return tuple(s for s in self.statuses if s.disagreement)

    @cached_property
    def not_started(self) -> tuple[ActivityStatus, ...]:
        """Dated activities, not complete, that start after the as-of date."""
        return tuple(s for s in self.statuses if s.derived_rag != BLUE and not s.unscheduled
                     and s.start is not None and s.start > self.as_of)

    @cached_property
    def completed(self) -> tuple[ActivityStatus, ...]:
        """Activities marked complete (Blue)."""
        return tuple(s for s in self.statuses if s.derived_rag == BLUE)

    @cached_property
    def moved(self) -> tuple[ActivityStatus, ...]:
        """Re-dated activities (Original When kept): dated from their current When, shown as moved."""
        return tuple(s for s in self.statuses if s.moved_from)

    @cached_property
    def delivered(self) -> tuple[Delivery, ...]:
        """Activities with evidence of delivery in the reporting period (delivery.py says what counts)."""
        if self.period is None:
            return ()
        pairs = [(a, s.derived_rag) for a, s in zip(self._activities, self.statuses)]
        return tuple(delivered_in(pairs, self.period, self.as_of))

    @cached_property
    def planned(self) -> tuple[Planned, ...]:
        """Dated activities, not complete, scheduled in the period after the reporting period."""
        if self.next_period is None:
            return ()
        return tuple(planned_in([(a, s.derived_rag) for a, s in zip(self._activities, self.statuses)],
                                self.next_period))

    def counts(self) -> dict[str, int]:
        """How many activities each list holds."""
        return {"activities": self.overall.total, "overdue": len(self.overdue), "upcoming": len(self.upcoming),
                "unscheduled": len(self.unscheduled), "not_started": len(self.not_started),
                "completed": len(self.completed), "moved": len(self.moved), "disagreements": len(self.disagreements),
                "delivered": len(self.delivered), "planned": len(self.planned)}

    def to_dict(self) -> dict[str, Any]:
        """The JSON of issue 4, plus "changes" and the RAG "legend"."""
        return {
            "as_of": self.as_of.isoformat(),
            "as_of_note": self.as_of_note,
            "overall": {"rag": self.overall.rag, "counts": dict(self.overall.counts), "total": self.overall.total},
            "groups": {name: [g.to_dict() for g in groups] for name, groups in self.groups.items()},
            "activities": [s.to_dict() for s in self.statuses],
            "overdue": [{**s.to_dict(), "row": s.row, "reason": s.reason} for s in self.overdue],
            "upcoming": [
                {**u.status.to_dict(), "row": u.status.row, "date": u.date.isoformat(), "event": u.event}
                for u in self.upcoming
            ],
            "unscheduled": [{**s.to_dict(), "row": s.row} for s in self.unscheduled],
            "not_started": [{**s.to_dict(), "row": s.row} for s in self.not_started],
            "completed": [{**s.to_dict(), "row": s.row} for s in self.completed],
            "moved": [{**s.to_dict(), "row": s.row} for s in self.moved],
            "period": None if self.period is None else self.period.to_dict(),
            "delivered": [d.to_dict() for d in self.delivered],
            "next_period": None if self.next_period is None else self.next_period.to_dict(),
            "planned": [p.to_dict() for p in self.planned],
            "counts": self.counts(),
            "disagreements": [
                {**s.to_dict(), "row": s.row, "disagreement": s.disagreement} for s in self.disagreements
            ],
            "changes": {
                "previous_snapshot": iso(self.previous_snapshot),
                "items": [c.to_dict() for c in self.changes],
            },
            "legend": dict(RAG_MEANING),
            "legend_text": RAG_LEGEND,
        }

    def csv_rows(self) -> list[dict[str, Any]]:
        """One row per group key, overall first (columns CSV_COLUMNS): for CSV and the Dashboard."""
        rows: list[dict[str, Any]] = []
        for name, groups in (("overall", [self.overall]), *self.groups.items()):
            for g in groups:
                rows.append({"group": name, "key": g.key, "rag": g.rag or "", **g.counts, "total": g.total})
        return rows

    def to_text(self) -> str:
        """A readable summary for the terminal."""
        lines = [f"RAG rollup as of {format_day(self.as_of)}", *([self.as_of_note] if self.as_of_note else []), ""]
        lines.append(f"Overall  {self.overall.summary}  ({plural(self.overall.total, 'activity', 'activities')})")
        for name, groups in self.groups.items():
            lines += ["", f"By {name}:"]
            width = max((len(g.key) for g in groups), default=0)
            for g in groups:
                lines.append(f"  {g.key:<{width}}  {g.summary}  ({g.total})")
        lines += ["", f"Overdue ({len(self.overdue)}):"]
        lines += [f"  {s.label} {_short(s.activity)}: {plural(s.overdue_days, 'day', 'days')} overdue "
                  f"(ended {format_day(s.end)})" for s in self.overdue] or ["  none"]
        lines += ["", f"Coming up in the next {self.upcoming_days} days ({len(self.upcoming)}):"]
        lines += [f"  {format_day(u.date)}  {u.status.label} {_short(u.status.activity)} {u.event}"
                  for u in self.upcoming] or ["  none"]
        lines += ["", f"Unscheduled ({len(self.unscheduled)}):"]
        lines += [f"  {s.label} {_short(s.activity)}" for s in self.unscheduled] or ["  none"]
        lines += ["", f"Reported and derived RAG disagree ({len(self.disagreements)}):"]
        lines += [f"  {s.label} {_short(s.activity)}: {s.disagreement}" for s in self.disagreements] or ["  none"]
        if self.previous_snapshot is not None:
            lines += ["", f"Changes since the snapshot of {format_day(self.previous_snapshot)} ({len(self.changes)}):"]
            lines += [f"  {c.id} {_short(c.activity)}: " + c.words() for c in self.changes] or ["  none"]
        lines += self._period_lines()
        lines += ["", "Legend: " + RAG_LEGEND]
        return "\n".join(lines) + "\n"


    def _period_lines(self) -> list[str]:
        """Moved activities, and what was delivered in the period and is planned for the next."""
        lines = ["", f"Moved ({len(self.moved)}):"]
        lines += [f"  {s.label} {_short(s.activity)}: {_moved_words(s)}" for s in self.moved] or ["  none"]
        if self.period is not None:
            lines += ["", f"Delivered in {self.period.describe()} ({len(self.delivered)}):"]
            lines += [f"  {format_day(d.date)}  {d.id or f'row {d.row}'} {_short(d.activity)}"
                      + ("" if d.complete else " (an occurrence)") for d in self.delivered] or ["  none"]
        if self.next_period is not None:
            lines += ["", f"Planned for {self.next_period.describe()} ({len(self.planned)}):"]
            lines += [f"  {format_day(p.date)}  {p.id or f'row {p.row}'} {_short(p.activity)}"
                      for p in self.planned] or ["  none"]
        return lines


def _moved_words(status: ActivityStatus) -> str:
    """ "moved from Autumn 2017 to Spring 2018, 182 days later"."""
    slip = "" if status.slip_days is None else f", {plural(abs(status.slip_days), 'day', 'days')} " + (
        "later" if status.slip_days >= 0 else "earlier")
    return f"moved from {status.moved_from} to {status.moved_to or 'no When'}{slip}"


def format_counts(counts: dict[str, int]) -> str:
    """Counts as the officer reads them: {"Red": 1, "Amber": 3, ...} -> "1R 3A 8G 2B 5 Grey"."""
    parts = [f"{counts.get(rag, 0)}{_LETTERS[rag]}" for rag in (RED, AMBER, GREEN, BLUE)]
    return " ".join(parts) + f" {counts.get(GREY, 0)} Grey"


def worst_of(rags: Iterable[str]) -> str | None:
    """The worst RAG present (RAG_SEVERITY_ORDER), None when there are none."""
    worst = None
    for rag in rags:
        if worst is None or _SEVERITY[rag] < _SEVERITY[worst]:
            worst = rag
    return worst


def rollup(
    plan: Plan,
    as_of: dt.date | None = None,
    by: Sequence[str] = GROUPS,
    upcoming_days: int = 90,
    period: Period | str | None = None,
) -> Rollup:
    """Derive every activity's status at the as-of date and roll them up worst-of by the chosen groups.

    The reporting period (default: the Control sheet's, else the last complete quarter) decides what counts as
    delivered, and the period after it what is planned.
    """
    unknown = [name for name in by if name not in GROUPS]
    if unknown:
        raise ValueError(f"cannot group by {', '.join(unknown)} (choose from {', '.join(GROUPS)})")
    when = plan.as_of(as_of)
    chosen = period if isinstance(period, Period) else (
        parse_period(period) if period else default_period(plan.settings.reporting_period, when))
    plan_start, plan_end = plan.settings.plan_start, plan.settings.plan_end
    entries = _entries(plan, when, when + dt.timedelta(days=upcoming_days))
    overall_counts, tallies = _tally(plan.activities, entries, by)
    previous, changes = history.changes(plan, when, [e.fields["derived_rag"] for e in entries])
    return Rollup(
        as_of=when,
        overall=_group("all", overall_counts),
        groups={name: _groups(name, tallies[name]) for name in by},
        changes=changes,
        previous_snapshot=previous,
        upcoming_days=upcoming_days,
        period=chosen,
        next_period=chosen.next(),
        as_of_note=as_of_note(when, plan_start, plan_end, today=as_of is None and plan.settings.as_of is None),
        _activities=tuple(plan.activities),
        _entries=tuple(entries),
    )


def _entries(plan: Plan, when: dt.date, horizon: dt.date) -> list[_Entry]:
    """Each activity's verdict, with its RAG's index, quarter and upcoming date, in plan order."""
    plan_start, plan_end = plan.settings.plan_start, plan.settings.plan_end
    # The one optimisation: many rows share a When and a RAG, so the rules run once per distinct combination
    # (verdict_key, by value), and statuses are built only when asked for (Rollup.statuses). Bench's 10,000-row
    # plan, one run: 0.09 s, against 0.19 s deriving every row afresh (README "Speed": rollup vs the read).
    cache: dict[tuple[Any, ...], _Entry] = {}
    entries: list[_Entry] = []
    for activity in plan.activities:
        key = verdict_key(activity)
        entry = cache.get(key)
        if entry is None:
            fields = verdict(activity, when, plan_start, plan_end)
            entry = cache[key] = _Entry(
                fields,
                _RAG_INDEX[fields["derived_rag"]],
                _quarter(activity.schedule, plan_start, plan_end),
                _upcoming(activity.schedule, fields, when, horizon, plan_start, plan_end),
            )
        entries.append(entry)
    return entries


def _tally(activities: Sequence[Activity], entries: Sequence[_Entry],
           by: Sequence[str]) -> tuple[list[int], dict[str, dict[str, list[int]]]]:
    """Counts of each RAG value overall and per group key (an activity with several owners counts for each)."""
    overall_counts = [0] * len(RAG_VALUES)
    tallies: dict[str, dict[str, list[int]]] = {name: {} for name in by}
    by_attribute = [(tallies[name], name) for name in by if name not in ("owner", "quarter")]
    owner_tally, quarter_tally = tallies.get("owner"), tallies.get("quarter")
    for activity, entry in zip(activities, entries):
        index = entry.rag_index
        overall_counts[index] += 1
        for table, name in by_attribute:
            group_key = getattr(activity, name) or NO_KEY
            counts = table.get(group_key) or table.setdefault(group_key, [0] * len(RAG_VALUES))
            counts[index] += 1
        if owner_tally is not None:
            for owner in activity.owners or (NO_KEY,):
                counts = owner_tally.get(owner) or owner_tally.setdefault(owner, [0] * len(RAG_VALUES))
                counts[index] += 1
        if quarter_tally is not None:
            counts = quarter_tally.get(entry.quarter) or quarter_tally.setdefault(entry.quarter, [0] * len(RAG_VALUES))
            counts[index] += 1
    return overall_counts, tallies


def _quarter(schedule: Schedule, plan_start: dt.date | None, plan_end: dt.date | None) -> str:
    """The calendar quarter of the activity's start, "2018Q1"; "unscheduled" when it has none."""
    start = schedule.start
    if start is None and schedule.kind in REPEATING_KINDS:
        occs = occurrence_windows(schedule, plan_start, plan_end)
        start = occs[0][0] if occs else None
    if start is None:
        return UNSCHEDULED_QUARTER
    return _quarter_label(start)


@lru_cache(maxsize=1024)
def _quarter_label(day: dt.date) -> str:
    return quarter_of(day).label


def _group(key: str, counts: list[int]) -> Group:
    present = [rag for rag, n in zip(RAG_VALUES, counts) if n]
    return Group(key=key, rag=worst_of(present), counts=dict(zip(RAG_VALUES, counts)), total=sum(counts))


def _groups(name: str, table: dict[str, list[int]]) -> list[Group]:
    merged: dict[str, tuple[str, list[int]]] = {}  # "CT" and "ct" are one owner: first spelling, plan order
    for key, counts in table.items():
        fold = key.casefold()
        if fold in merged:
            merged[fold] = (merged[fold][0], [a + b for a, b in zip(merged[fold][1], counts)])
        else:
            merged[fold] = (key, counts)
    groups = [_group(key, counts) for key, counts in merged.values()]
    if name == "quarter":
        groups.sort(key=lambda g: (g.key == UNSCHEDULED_QUARTER, g.key))
    return groups


def _upcoming(
    schedule: Schedule, fields: dict[str, Any], as_of: dt.date, horizon: dt.date,
    plan_start: dt.date | None, plan_end: dt.date | None,
) -> tuple[dt.date, str] | None:
    """The first start or end date (of the window or one of its occurrences) within the horizon, not complete."""
    if fields["unscheduled"] or fields["derived_rag"] == BLUE:
        return None
    windows: Sequence[tuple[dt.date | None, dt.date | None]] = [(fields["start"], fields["end"])]
    if schedule.kind in REPEATING_KINDS:
        windows = occurrence_windows(schedule, plan_start, plan_end)
    for start, end in windows:
        for day, event in ((start, "starts"), (end, "due")):
            if day is not None and as_of <= day <= horizon:
                return day, event
    return None




def _short(text: str | None, width: int = 60) -> str:
    if not text:
        return "(no activity text)"
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"
