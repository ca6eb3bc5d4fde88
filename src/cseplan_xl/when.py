"""Understanding the free-text When column: turn "Autumn 2017/ Early 2018" into a dated Schedule.

The words and the tokenizer are in when_words.py, the grammar of one period or range in when_grammar.py (its
periods in when_periods.py), the reading of a whole cell in the plan's context in when_reading.py.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from .dates import MONTH_NAMES, as_day, format_day, iso, month_end, month_span
from .when_periods import Ambiguous, NotUnderstood, WhenPeriod
from .when_reading import ParseContext, YearContext, read_period, resolve, strip_seps, without_described_repeats
from .when_words import Token, tokenize

KINDS = ("day", "days", "window", "from", "recurring", "ongoing", "tbc", "unknown")
STATUSES = ("understood", "inferred", "ambiguous", "not understood")  # Schedule.status, best first
RECURRENCES = ("weekly", "monthly", "quarterly", "twice-yearly", "annually")


@dataclass(frozen=True)
class Schedule:
    """What a When cell means: its kind and inclusive date window (None where open or unknown)."""

    text: str
    kind: str
    start: date | None
    end: date | None
    provisional: bool = False
    recurrence: str | None = None
    dates: tuple[date, ...] = ()
    note: str | None = None
    # An annual repeat tied to part of the year ("Annually in March"): ((month, day), (month, day)) of that
    # part; occurrences() gives it in each year of the plan's lifetime. None for any other schedule.
    each_year: tuple[tuple[int, int], tuple[int, int]] | None = None
    # "plan" when a year the text leaves out (or gives in two digits that could be a day) came from the plan's
    # context: its lifetime, else the span of its dated rows, else the as-of date (the note says which).
    year_from: str | None = None
    # Several milestones in one cell ("Phase 1 – March 2018 Phase 2 – June 2018"): each window, in order;
    # start and end are then their overall span.
    windows: tuple[tuple[date, date], ...] = ()
    ambiguous: bool = False  # not understood because two readings are plausible (the note gives both)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able dict with ISO dates (keys as in `cseplan when --format json`)."""
        return {"text": self.text, "kind": self.kind, "start": iso(self.start), "end": iso(self.end),
                "provisional": self.provisional, "recurrence": self.recurrence,
                "dates": [iso(d) for d in self.dates], "note": self.note, "year_from": self.year_from,
                "windows": [[iso(a), iso(b)] for a, b in self.windows], "ambiguous": self.ambiguous}

    @property
    def status(self) -> str:
        """How well the text was read (one of STATUSES): "understood", "inferred" (a year from the plan's context),
        "ambiguous" or "not understood"."""
        if self.kind == "unknown":
            return "ambiguous" if self.ambiguous else "not understood"
        return "inferred" if self.year_from else "understood"

    def describe(self) -> str:
        """One human line, e.g. "window 1 Sep 2017 – 30 Apr 2018"."""
        if self.kind == "unknown":
            return f"{'ambiguous' if self.ambiguous else 'not understood'}: {self.note or repr(self.text)}"
        s, e = self.start, self.end
        span = (f" across {format_day(s)} – {format_day(e)}" if s and e else f" from {format_day(s)}" if s
                else f" until {format_day(e)}" if e else "")
        line = {
            "tbc": "to be confirmed",
            "day": f"day {format_day(s)}",
            "days": "days " + ", ".join(format_day(d) for d in self.dates),
            "window": f"window {format_day(s)} – {format_day(e)}" if s else f"by {format_day(e)}",
            "from": f"from {format_day(s)}, end open",
            "recurring": f"recurring ({self.recurrence}){span}",
            "ongoing": f"ongoing{span}",
        }[self.kind]
        if self.provisional:
            line += " (provisional)"
        return f"{line}; {self.note}" if self.note else line


def _dated(mode: str | None, p: WhenPeriod, ctx: ParseContext,
           bound: bool = False) -> tuple[str, date | None, date | None, tuple[date, ...]]:
    """(kind, start, end, dates) of a period read by read_period; 'by' and 'before' are deadlines from the plan start.

    bound: the period bounds a repeat ("Monthly until March 2018"), so 'until' is an end, not a deadline.
    """
    s, e = resolve(p, ctx)
    ps, notes = ctx.ps, ctx.notes
    if p.dates:
        if mode:
            raise NotUnderstood("separate days cannot be a start or a deadline")
        return "days", s, e, p.dates
    if mode == "from" and not p.joined:
        return "from", s, None, ()
    if mode == "before":  # before March 2018: done by the last day of February
        e = s - timedelta(days=1)
        notes.append(f"{'ends' if bound else 'deadline:'} the day before {format_day(s)}")
    elif mode == "by" and not bound:
        notes.append("deadline")
    if mode in ("by", "before"):
        return "window", ps if ps and ps <= e else None, e, ()
    return ("day" if s == e else "window"), s, e, ((s,) if s == e else ())


def _each_year(p: WhenPeriod) -> tuple[tuple[tuple[int, int], tuple[int, int]], str] | None:
    """For a period with no year ("March", "Nov-Feb", "18 March"): its part of every year and how to say it."""
    s, e = p.fn(2001)  # not a leap year: 29 February cannot be every year
    if (e - s).days >= 365:
        return None
    whole = s.day == 1 and e == month_end(e)
    if whole and (s.month, s.year) == (e.month, e.year):
        words = f"each year in {MONTH_NAMES[s.month - 1]}"
    elif whole:
        words = f"each year, {MONTH_NAMES[s.month - 1]} to {MONTH_NAMES[e.month - 1]}"
    elif s == e:
        words = f"each year on {s.day} {MONTH_NAMES[s.month - 1]}"
    else:
        words = f"each year, {s.day} {MONTH_NAMES[s.month - 1][:3]} to {e.day} {MONTH_NAMES[e.month - 1][:3]}"
    return ((s.month, s.day), (e.month, e.day)), words


_MARKS = ("tbc", "query", "est", "asneeded")  # tokens that qualify a schedule rather than date it


def _parse(text: object, ctx: ParseContext) -> Schedule:
    """The Schedule of one cell; raises NotUnderstood (and ValueError for a day that does not exist)."""
    raw = "" if text is None else str(text)
    if isinstance(text, date):
        d = text.date() if isinstance(text, datetime) else text
        return Schedule(raw, "day", d, d, dates=(d,))
    if not raw.strip():
        return Schedule(raw, "unknown", None, None, note="blank")
    if isinstance(text, (int, float)) and not isinstance(text, bool) and float(text).is_integer():
        text = str(int(text))  # a year typed into a numeric cell reads back as 2018.0
    toks = without_described_repeats(tokenize(text if isinstance(text, str) else raw, ctx.notes))
    provisional = any(t.kind in ("tbc", "query", "est") for t in toks)
    only_query = provisional and not any(t.kind in ("tbc", "est") for t in toks)
    if any(t.kind == "est" for t in toks):
        ctx.notes.append("estimated")
    as_needed = any(t.kind == "asneeded" for t in toks)
    if as_needed:
        ctx.notes.append("as required: no fixed dates")
    toks = _academic_year_last(strip_seps([t for t in toks if t.kind not in _MARKS]), ctx.notes)
    if not toks:
        return _undated(raw, ctx, provisional, only_query, as_needed)
    recs = {t.value for t in toks if t.kind == "rec"}
    ongoing = as_needed or any(t.kind == "ongoing" for t in toks)
    rest = strip_seps([t for t in toks if t.kind not in ("rec", "ongoing")])
    if len(recs) > 1:
        raise NotUnderstood("more than one repeat: " + ", ".join(sorted(recs)))
    if not recs and not ongoing:
        mode, p = read_period(rest, ctx)
        kind, s, e, dates = _dated(mode, p, ctx)
        return Schedule(raw, kind, s, e, provisional, dates=dates, note=_note(ctx), year_from=_year_from(ctx),
                        windows=p.windows if kind == "window" else ())
    return _repeat(raw, ctx, toks, rest, recs, ongoing, provisional)


def _note(ctx: ParseContext) -> str | None:
    return "; ".join(ctx.notes) or None


def _year_from(ctx: ParseContext) -> str | None:
    return "plan" if ctx.inferred else None


def _academic_year_last(toks: list[Token], notes: list[str]) -> list[Token]:
    """ "Sept 2018 – July 2019 (academic year)": the dates say it; "2018/19 academic year": read as written first."""
    if len(toks) > 1 and toks[-1].kind == "acad":
        if any(t.kind in ("month", "season", "date", "my") for t in toks):
            notes.append("'academic year' read as a description")
            return strip_seps(toks[:-1])
        return [toks[-1], *toks[:-1]]  # "2018-2019 academic year", "2018/19 academic year"
    return toks


def _undated(raw: str, ctx: ParseContext, provisional: bool, only_query: bool, as_needed: bool) -> Schedule:
    """A text with no date, only qualifiers: "As required" (ongoing), "TBC"; a lone "?" is not understood."""
    if as_needed:
        return Schedule(raw, "ongoing", ctx.ps, ctx.pe, provisional, note=_note(ctx))
    if not provisional or only_query:
        raise NotUnderstood("no date, period or schedule word found")
    return Schedule(raw, "tbc", None, None, note=_note(ctx))


def _repeat(raw: str, ctx: ParseContext, toks: list[Token], rest: list[Token], recs: set[str], ongoing: bool,
            provisional: bool) -> Schedule:
    """A repeat or "ongoing", across the plan's lifetime or within the period the rest of the text gives."""
    ps, pe = ctx.ps, ctx.pe
    kind, recurrence = ("recurring", next(iter(recs))) if recs else ("ongoing", None)
    if not rest:
        return Schedule(raw, kind, ps, pe, provisional, recurrence, note=_note(ctx))
    mode, p = read_period(rest, ctx)
    if ongoing and mode is None and toks[-1].kind == "ongoing":
        mode = "from"  # "Jan 2019 – ongoing" (a repeat too: "Monthly, Jan 2019 – ongoing"): from then on
    if recurrence == "annually" and mode is None and p.year is None and not p.dates:
        if (part := _each_year(p)) is not None:  # "Annually in March": that part of every year
            ctx.notes.append(part[1])
            return Schedule(raw, kind, ps, pe, provisional, recurrence, note=_note(ctx), each_year=part[0])
    _, s, e, dates = _dated(mode, p, ctx, bound=True)
    if dates or p.windows:
        raise NotUnderstood(f"{'a repeat' if recurrence else 'ongoing'} cannot be bounded by separate days")
    e = e if e is not None else pe
    if s and e and s > e:
        raise NotUnderstood(f"the {'repeat' if recurrence else 'ongoing'} window lies outside the plan's lifetime")
    return Schedule(raw, kind, s, e, provisional, recurrence, note=_note(ctx), year_from=_year_from(ctx))


def parse_when(text: object, plan_start: date | None = None, plan_end: date | None = None,
               context: YearContext | None = None) -> Schedule:
    """The Schedule a When cell means; never raises (anything not understood is kind 'unknown' with a note).

    plan_start/plan_end: the plan's lifetime, which bounds repeats and decides a missing year. context: where a
    missing year comes from when there is no lifetime (the span of the plan's dated rows, else the as-of date).
    """
    if isinstance(text, str):  # a plan repeats its When texts: parse each (text, lifetime) once
        return _parse_text(text, as_day(plan_start), as_day(plan_end), context)
    return _parse_safe(text, as_day(plan_start), as_day(plan_end), context)


@lru_cache(maxsize=8192)
def _parse_text(text: str, ps: date | None, pe: date | None, context: YearContext | None) -> Schedule:
    return _parse_safe(text, ps, pe, context)


def _parse_safe(text: object, ps: date | None, pe: date | None, context: YearContext | None = None) -> Schedule:
    raw = "" if text is None else str(text)
    try:
        sch = _parse(text, ParseContext(ps, pe, context))
    except Ambiguous as exc:
        return Schedule(raw, "unknown", None, None, note=str(exc), ambiguous=True)
    except NotUnderstood as exc:
        return Schedule(raw, "unknown", None, None, note=str(exc))
    except (ValueError, OverflowError):
        return Schedule(raw, "unknown", None, None, note="not a real date")
    except Exception as exc:  # the promise is "never raises"; tests check this branch is never taken
        return Schedule(raw, "unknown", None, None, note=f"internal error: {type(exc).__name__}")
    if sch.start and sch.end and sch.start > sch.end:
        return Schedule(raw, "unknown", None, None, note="the dates end before they start")
    return sch


def with_dates(schedule: Schedule, start: date | None, end: date | None) -> Schedule:
    """The schedule with explicit Start/End overrides applied (None keeps the schedule's own date)."""
    start, end = as_day(start), as_day(end)
    if start is None and end is None:
        return schedule
    s = start if start is not None else schedule.start
    e = end if end is not None else schedule.end
    note = "; ".join(filter(None, [schedule.note if schedule.kind != "unknown" else None,
                                   "dates from the Start/End columns"]))
    if schedule.kind == "recurring":  # the overrides bound the repeats; it still repeats
        return replace(schedule, start=s, end=e, note=note)
    kind = "from" if e is None else "window" if s is None or s != e else "day"
    dates = (s,) if s is not None and kind == "day" else ()
    return replace(schedule, kind=kind, start=s, end=e, dates=dates, note=note)


def _periods(rec: str, lo: date, hi: date) -> list[tuple[date, date]]:
    out = []
    if rec == "weekly":
        s = lo - timedelta(days=lo.weekday())  # Monday of lo's week
        while s <= hi:
            out.append((max(s, lo), min(s + timedelta(days=6), hi)))
            s += timedelta(days=7)
        return out
    n = {"monthly": 1, "quarterly": 3, "twice-yearly": 6, "annually": 12}[rec]
    m = (lo.month - 1) // n * n + 1
    while True:
        s, e = month_span(lo.year, m, n)
        if s > hi:
            return out
        out.append((max(s, lo), min(e, hi)))
        m += n


def _each_year_periods(part: tuple[tuple[int, int], tuple[int, int]], lo: date, hi: date) -> list[tuple[date, date]]:
    (m1, d1), (m2, d2) = part
    wraps = (m2, d2) < (m1, d1)  # Nov-Feb runs into the next year
    out = []
    for y in range(lo.year - 1, hi.year + 1):
        try:
            s, e = date(y, m1, d1), date(y + wraps, m2, d2)
        except ValueError:  # 29 February in a non-leap year
            continue
        if s <= hi and e >= lo:
            out.append((max(s, lo), min(e, hi)))
    return out


def occurrences(schedule: Schedule, plan_start: date | None, plan_end: date | None) -> list[tuple[date, date]]:
    """Inclusive (start, end) windows of each occurrence, clipped to the plan's lifetime."""
    plan_start, plan_end = as_day(plan_start), as_day(plan_end)
    if schedule.kind == "days":
        return [(d, d) for d in schedule.dates]
    if schedule.kind in ("recurring", "ongoing"):
        los = [d for d in (schedule.start, plan_start) if d]
        his = [d for d in (schedule.end, plan_end) if d]
        if not los or not his or max(los) > min(his):
            return []
        if schedule.kind == "ongoing":
            return [(max(los), min(his))]
        if schedule.each_year is not None:
            return _each_year_periods(schedule.each_year, max(los), min(his))
        return _periods(schedule.recurrence or "annually", max(los), min(his))
    if schedule.start and schedule.end:
        return [(schedule.start, schedule.end)]
    return []
