"""National awareness dates the newsletter mentions: LGBT+ History Month, Safer Internet Day, CSE Awareness Day."""

from __future__ import annotations

import datetime as dt

from .dates import format_day
from .period import Period


def safer_internet_day(year: int) -> dt.date:
    """Safer Internet Day: "the second day of the second week of the second month" (6 Feb 2018, 11 Feb 2020).

    Week one is the Monday-to-Sunday week holding February's first weekday; the Tuesday a week later is the day.
    (Counting Tuesdays instead would give 13 Feb 2018, a week late.)
    """
    first = dt.date(year, 2, 1)
    week_one = first - dt.timedelta(days=first.weekday()) if first.weekday() < 5 else (
        first + dt.timedelta(days=7 - first.weekday()))
    return week_one + dt.timedelta(days=8)


def awareness_dates(period: Period) -> list[dict[str, str]]:
    """National awareness dates in a period: LGBT+ History Month, Safer Internet Day, National CSE Awareness Day."""
    found: list[tuple[dt.date, str, str]] = []
    for year in range(period.start.year, period.end.year + 1):
        sid, cse_day = safer_internet_day(year), dt.date(year, 3, 18)
        events = [
            (dt.date(year, 2, 1), dt.date(year, 3, 1) - dt.timedelta(days=1), "LGBT+ History Month",
             f"February {year}"),
            (sid, sid, "Safer Internet Day", format_day(sid, long=True)),
            (cse_day, cse_day, "National CSE Awareness Day", format_day(cse_day, long=True)),
        ]
        for start, end, name, when in events:
            if start <= period.end and end >= period.start:
                found.append((start, name, when))
    return [{"name": name, "date": when} for _, name, when in sorted(found)]
