"""Periods a When text names, their dates a function of the year (the text may not give one), and how two or more
combine: a range, two days, several milestones."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from .dates import month_end, month_span

ByYear = Callable[[int], tuple[date, date]]  # year -> (start, end) of a period in that year


class NotUnderstood(Exception):
    """Raised inside the parser; parse_when turns it into kind 'unknown'."""


class Ambiguous(NotUnderstood):
    """The text has two plausible readings; the message names both."""


def part_of_month(y: int, m: int, r: int) -> tuple[date, date]:
    """Early (r=0: days 1-10), mid (1: 11-20) or late (2: 21 to the end) in month m of year y."""
    last = month_end(date(y, m, 1)).day
    return date(y, m, 1 + 10 * r), date(y, m, (10, 20, last)[r])


@dataclass(frozen=True)
class WhenPeriod:
    """A period read from the text, its dates a function of the year (the text may not give one)."""

    fn: ByYear  # year -> (start, end)
    year: int | None = None  # None: the text gave no year
    dates: tuple[date, ...] = ()
    notes: tuple[str, ...] = ()
    joined: bool = False  # made from two periods (A/B, A to B)
    windows: tuple[tuple[date, date], ...] = ()  # separate periods named together ("Feb 2018 & Feb 2019")


def fixed(s: date, e: date, year: int, notes: tuple[str, ...] = (), joined: bool = True) -> WhenPeriod:
    """The period from s to e whatever the year (a range whose years are settled)."""
    if s > e:
        raise NotUnderstood("the range ends before it starts")
    return WhenPeriod(lambda _y: (s, e), year, notes=notes, joined=joined)


def join(a: WhenPeriod, b: WhenPeriod) -> WhenPeriod:
    """Start of a to end of b; a period without a year borrows the other's (wrapping once if needed)."""
    if a.dates or b.dates:
        raise NotUnderstood("a range cannot join separate days")
    notes = a.notes + b.notes

    def start_for(yb: int) -> date:
        s = a.fn(yb)[0]
        return s if s <= b.fn(yb)[0] else a.fn(yb - 1)[0]

    if a.year is not None and b.year is not None:
        return fixed(a.fn(a.year)[0], b.fn(b.year)[1], b.year, notes)
    if b.year is not None:
        return fixed(start_for(b.year), b.fn(b.year)[1], b.year, notes)
    if a.year is not None:
        s, yb = a.fn(a.year)[0], a.year
        yb += b.fn(yb)[0] < s
        return fixed(s, b.fn(yb)[1], yb, notes)
    return WhenPeriod(lambda y: (start_for(y), b.fn(y)[1]), None, notes=notes, joined=True)


def is_day(p: WhenPeriod) -> bool:
    """True when p is a single day."""
    return not p.dates and not p.joined and p.fn(2000)[0] == p.fn(2000)[1]


def two_days(p: WhenPeriod) -> WhenPeriod:
    """The first and last day of a joined pair of single days, as separate days."""
    if p.year is None:
        raise NotUnderstood("separate days need a year")
    first, last = p.fn(p.year)
    if first >= last:
        raise NotUnderstood("the second day must come after the first")
    return WhenPeriod(lambda _y: (first, last), p.year, dates=(first, last), notes=p.notes)


def both_periods(a: WhenPeriod, b: WhenPeriod) -> WhenPeriod:
    """"A & B": two days, or one window when B follows straight on from A; otherwise not understood."""
    j = join(a, b)
    if is_day(a) and is_day(b):
        return two_days(j)
    js, je = j.fn(j.year if j.year is not None else 2001)
    a_end = _own(a, lambda y: a.fn(y)[0] == js, 1, js.year)
    b_start = _own(b, lambda y: b.fn(y)[1] == je, 0, je.year)
    if a_end is None or b_start is None or a_end + timedelta(days=1) != b_start:
        return milestones([a, b])
    return j


def milestones(ps: list[WhenPeriod]) -> WhenPeriod:
    """Several periods named in one cell, each with its own year: every window, and their overall span."""
    if any(p.year is None for p in ps):
        raise NotUnderstood("several separate periods need a year each")
    windows: list[tuple[date, date]] = []
    for p in ps:
        assert p.year is not None
        windows += [(d, d) for d in p.dates] if p.dates else list(p.windows) or [p.fn(p.year)]
    notes = tuple(n for p in ps for n in p.notes)
    lo, hi = min(w[0] for w in windows), max(w[1] for w in windows)
    if all(a == b for a, b in windows) and len(set(windows)) == len(windows):
        days = tuple(sorted(a for a, _ in windows))
        return WhenPeriod(lambda _y: (lo, hi), ps[0].year, dates=days, notes=notes)
    return WhenPeriod(lambda _y: (lo, hi), ps[0].year, notes=notes, joined=True, windows=tuple(windows))


def _own(p: WhenPeriod, fits: Callable[[int], bool], edge: int, near: int) -> date | None:
    """An edge of p's own window in the year that fits a join (p may have no year of its own)."""
    for y in (p.year,) if p.year is not None else (near, near - 1, near + 1):
        try:
            if fits(y):
                return p.fn(y)[edge]
        except ValueError:  # 29 February in a non-leap year
            continue
    return None


def part_of_year(months: int, n: int) -> tuple[ByYear, ByYear]:
    """The n-th quarter (months=3) or half (6): (of a calendar year, of a financial year)."""
    return (lambda y: month_span(y, months * (n - 1) + 1, months),
            lambda y: month_span(y, months * (n - 1) + 4, months))
