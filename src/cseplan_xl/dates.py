"""The one home of dates: month names, month arithmetic, ISO and display formatting, and day text."""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime

MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
               "November", "December")
# Every way a plan spells a month (casefolded) -> its number: full names, three-letter forms and "sept".
MONTH_NUMBERS = {
    **{name.casefold(): i for i, name in enumerate(MONTH_NAMES, 1)},
    **{name[:3].casefold(): i for i, name in enumerate(MONTH_NAMES, 1)},
    "sept": 9,
}
# A regular expression matching any of those spellings (longest first, so "september" beats "sep").
MONTH_PATTERN = "(?:" + "|".join(sorted(MONTH_NUMBERS, key=len, reverse=True)) + ")"

# The years a date given to a command may fall in: wide for any plan, narrow enough that a period, its baseline
# (up to 40 periods before) and the plan's look-ahead stay inside what Python's dates can hold.
EARLIEST_YEAR, LATEST_YEAR = 1900, 2199
_ISO_DAY = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T][\d:.]+)?\s*$")
_UK_DAY = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})\s*$")


def out_of_range(day: date) -> str | None:
    """Why a date given to a command is unusable (outside EARLIEST_YEAR..LATEST_YEAR), None when it is fine."""
    if EARLIEST_YEAR <= day.year <= LATEST_YEAR:
        return None
    return f"{day.isoformat()} is outside the years {EARLIEST_YEAR} to {LATEST_YEAR} that cseplan-xl works with"


def month_end(day: date) -> date:
    """The last day of the day's month."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months(day: date, n: int) -> date:
    """The same day n months later (n < 0: earlier), for a day that exists in every month (used with 1sts)."""
    index = day.year * 12 + day.month - 1 + n
    return day.replace(year=index // 12, month=index % 12 + 1)


def month_span(year: int, month: int, n: int = 1) -> tuple[date, date]:
    """The first day of a month (month may run past 12 or below 1) to the last day of the n-th month from it."""
    y0, m0 = divmod(year * 12 + month - 1, 12)
    y1, m1 = divmod(year * 12 + month + n - 2, 12)
    return date(y0, m0 + 1, 1), date(y1, m1 + 1, calendar.monthrange(y1, m1 + 1)[1])


def shift_months(day: date, n: int, keep_month_end: bool = False) -> date:
    """The day n months later (n < 0: earlier), clipped to the month's length; keep_month_end: its last day."""
    first = add_months(day.replace(day=1), n)
    last = month_end(first)
    return last if keep_month_end else first.replace(day=min(day.day, last.day))


def iso(day: date | None) -> str | None:
    """The day as ISO text ("2018-03-31"), None for None."""
    return day.isoformat() if day is not None else None


def format_day(day: date | None, long: bool = False) -> str:
    """A day as officers write it: "19 Sep 2017" (long: "19 September 2017"); "?" for None."""
    if day is None:
        return "?"
    name = MONTH_NAMES[day.month - 1]
    return f"{day.day} {name if long else name[:3]} {day.year}"


def parse_day(text: str) -> date:
    """A day written as ISO ("2018-03-31", a time allowed after it) or UK order ("31/03/2018", "31.3.18").

    A two-digit year is 20yy. Raises ValueError for anything else, or for a day that does not exist.
    """
    if m := _ISO_DAY.match(text):
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if m := _UK_DAY.match(text):
        year = int(m.group(3))
        return date(year + 2000 if year < 100 else year, int(m.group(2)), int(m.group(1)))
    raise ValueError(f"not a date: {text!r}")


def as_day(value: object) -> date | None:
    """A date or datetime as a date; anything else None."""
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None
