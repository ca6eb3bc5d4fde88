"""Reporting periods: a window read from text such as "2018Q1", "2018-03" or a date range, with its label."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .dates import MONTH_NAMES, add_months, format_day, month_end, month_span, out_of_range, shift_months
from .errors import InvalidValue
from .when import parse_when

_RANGE_COLON = re.compile(r"^(\S+?)\s*:\s*(\S+)$")  # 2018-01-01:2018-03-31, a range as the CLI once wrote it
_NUMERIC_DAY = re.compile(r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.]\d{1,2}[/.]\d{2,4}")

EXAMPLES = "2018Q1, Q1 2018, 2018-03, March 2018, 2018/19 or 2018-01-01..2018-03-31"


@dataclass(frozen=True)
class Period:
    """An inclusive date window with a label ("2018Q1", "2018-03", "2018-01-15..2018-02-14")."""

    start: dt.date
    end: dt.date
    label: str

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise InvalidValue(f"period {self.label}: ends ({self.end}) before it starts ({self.start})")

    @property
    def days(self) -> int:
        """Days in the period, both ends included."""
        return (self.end - self.start).days + 1

    @property
    def whole_months(self) -> bool:
        """True when the period starts on a 1st and ends on a month's last day."""
        return self.start.day == 1 and self.end == month_end(self.end)

    @property
    def months(self) -> float:
        """Length in months, the exposure unit: whole months count 1 each; a partial month counts
        the share of its days covered (1-15 January = 15/31)."""
        total = 0.0
        for first in self.month_starts():
            last = month_end(first)
            covered = (min(last, self.end) - max(first, self.start)).days + 1
            total += covered / last.day
        return round(total, 6)

    def month_starts(self) -> list[dt.date]:
        """The first day of every month the period touches, in order."""
        out, month = [], self.start.replace(day=1)
        while month <= self.end:
            out.append(month)
            month = add_months(month, 1)
        return out

    def contains(self, day: dt.date) -> bool:
        """True when the day falls inside the period (both ends included)."""
        return self.start <= day <= self.end

    def shift_years(self, n: int) -> Period:
        """The same window n years later (n < 0: earlier); a month-end stays a month-end."""
        start = shift_months(self.start, 12 * n)
        end = shift_months(self.end, 12 * n, keep_month_end=self.end == month_end(self.end))
        return make_period(start, end)

    def previous(self, k: int = 1) -> list[Period]:
        """The k periods of the same length immediately before this one, oldest first.

        A period of whole months steps back by whole months (a quarter's predecessors are quarters);
        any other period steps back by its number of days.
        """
        if k < 1:
            raise InvalidValue(f"need at least one earlier period, not {k}")
        out = []
        if self.whole_months:
            n = len(self.month_starts())
            for i in range(k, 0, -1):
                out.append(make_period(*month_span(self.start.year, self.start.month - n * i, n)))
        else:
            for i in range(k, 0, -1):
                shift = dt.timedelta(days=self.days * i)
                out.append(make_period(self.start - shift, self.end - shift))
        return out

    def next(self) -> Period:
        """The period of the same length straight after this one (a quarter's next is the next quarter).

        A period of whole months steps on by whole months; any other period by its number of days.
        """
        if self.whole_months:
            return make_period(*month_span(self.end.year, self.end.month + 1, len(self.month_starts())))
        return make_period(self.end + dt.timedelta(days=1), self.end + dt.timedelta(days=self.days))

    def describe(self, label: bool = False) -> str:
        """The period in words: "January to March 2018", "March 2018", "2018", "15 January to 14 February 2018".

        With label, a quarter or a financial year leads with its label: "Q1 2018 (January to March 2018)".
        """
        months = self.month_starts()
        first, last = months[0], months[-1]
        if not self.whole_months:
            start = (format_day(self.start, long=True) if self.start.year != self.end.year
                     else f"{self.start.day} {MONTH_NAMES[self.start.month - 1]}")
            words = f"{start} to {format_day(self.end, long=True)}"
        elif first == last:
            words = f"{MONTH_NAMES[first.month - 1]} {first.year}"
        elif first.month == 1 and last.month == 12 and first.year == last.year:
            words = str(first.year)
        elif first.year == last.year:
            words = f"{MONTH_NAMES[first.month - 1]} to {MONTH_NAMES[last.month - 1]} {last.year}"
        else:
            words = (f"{MONTH_NAMES[first.month - 1]} {first.year} to "
                     f"{MONTH_NAMES[last.month - 1]} {last.year}")
        if not label or ".." in self.label or self.label in (words, f"{first.year}-{first.month:02d}"):
            return words
        if m := re.fullmatch(r"(\d{4})Q([1-4])", self.label):
            return f"Q{m.group(2)} {m.group(1)} ({words})"
        return f"{self.label} ({words})"

    def to_dict(self) -> dict[str, object]:
        """JSON-able: label, start, end (ISO dates) and months."""
        return {"label": self.label, "start": self.start.isoformat(), "end": self.end.isoformat(),
                "months": self.months}


def make_period(start: dt.date, end: dt.date) -> Period:
    """A period with its natural label: a quarter "2018Q1", a month "2018-03", a year "2018", else a range."""
    return Period(start, end, _label(start, end))


def quarter_of(day: dt.date) -> Period:
    """The calendar quarter holding a day (Q1 = January to March)."""
    return make_period(*month_span(day.year, 3 * ((day.month - 1) // 3) + 1, 3))


def last_complete_quarter(as_of: dt.date) -> Period:
    """The latest calendar quarter that ended on or before the as-of date (as of 31 March: January to March).

    A quarter is complete on its last day: a plan "as at 31 March" reports January to March, and its "what is
    next" is April to June, which has not started yet.
    """
    current = quarter_of(as_of)
    return current if as_of == current.end else quarter_of(current.start - dt.timedelta(days=1))


def default_period(setting: str | None, as_of: dt.date) -> Period:
    """The period to report when none is given: the Control sheet's Reporting period if set, else the last
    complete quarter on or before the as-of date."""
    if setting is not None and str(setting).strip():
        try:
            return parse_period(str(setting))
        except InvalidValue as exc:
            raise InvalidValue(f"the Control sheet's Reporting period: {exc}") from None
    return last_complete_quarter(as_of)


def as_of_note(as_of: dt.date, plan_start: dt.date | None, plan_end: dt.date | None, today: bool = False) -> str | None:
    """One line when the as-of date falls outside the plan's lifetime (None inside it, or with no plan dates).

    `today` says the date was not chosen (no --as-of and no As-of date on the Control sheet).
    """
    which = f"the as-of date {format_day(as_of)}" + (" (today: the workbook has no As-of date)" if today else "")
    if plan_end is not None and as_of > plan_end:
        where = f"is after the plan ended on {format_day(plan_end)}"
    elif plan_start is not None and as_of < plan_start:
        where = f"is before the plan starts on {format_day(plan_start)}"
    else:
        return None
    return f"Note: {which} {where}; choose an as-of date inside the plan (--as-of, or As-of date on Control)."


def parse_period(text: str) -> Period:
    """A reporting period from text such as 2018Q1, Q1 2018, 2018-03, 2018/19 or 2018-01-01..2018-03-31.

    The text is read by the When grammar (parse_when), so a period can be written as any dated window a plan
    uses ("Autumn 2018", "Q1 2018/19"); it must name a fixed window: no repeats, open ends or missing years.
    """
    raw = " ".join(str(text).split())
    if not raw:
        raise InvalidValue(f"no period given; use a quarter or a date range, e.g. {EXAMPLES}")
    schedule = parse_when(_RANGE_COLON.sub(r"\1..\2", raw))
    if schedule.kind not in ("day", "window") or schedule.start is None or schedule.end is None \
            or schedule.provisional or schedule.note:
        why = schedule.note if schedule.kind == "unknown" else f"it is not one fixed window ({schedule.describe()})"
        raise InvalidValue(f"cannot understand the period {raw!r}: {why}; use e.g. {EXAMPLES}")
    start, end = schedule.start, schedule.end
    for day in (start, end):
        if (why_not := out_of_range(day)) is not None:
            raise InvalidValue(f"the period {raw!r} cannot be used: {why_not}")
    label = _label(start, end)
    if ".." in label and not _NUMERIC_DAY.search(raw):  # "2018/19", "Autumn 2018": the words name it best
        label = raw
    return Period(start, end, label)


def _label(start: dt.date, end: dt.date) -> str:
    if start.day == 1 and end == month_end(end):
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        if months == 1:
            return f"{start.year}-{start.month:02d}"
        if months == 3 and start.month in (1, 4, 7, 10):
            return f"{start.year}Q{(start.month - 1) // 3 + 1}"
        if months == 12 and start.month == 1:
            return str(start.year)
    return f"{start.isoformat()}..{end.isoformat()}"
