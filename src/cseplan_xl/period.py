"""Reporting periods (parse "2018Q1", "2018-03" or a date range) and the one home of month arithmetic."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from .errors import UsageError

_QUARTER_FIRST = re.compile(r"^(\d{4})\s*[-/ ]?\s*q([1-4])$")  # 2018Q1, 2018-Q1, 2018 Q1
_QUARTER_LAST = re.compile(r"^q([1-4])\s*[-/ ]?\s*(\d{4})$")  # Q1 2018, Q1-2018
_FY_QUARTER = re.compile(r"^q([1-4])\s*(?:fy)?\s*(\d{4})\s*[/-]\s*(\d{2}|\d{4})$")  # Q1 2018/19
_FY = re.compile(r"^(?:fy\s*)?(\d{4})\s*[/-]\s*(\d{2}|\d{4})$")  # 2018/19, FY2018-19
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")  # 2018-03
_YEAR = re.compile(r"^(\d{4})$")
_RANGE = re.compile(r"^(.+?)\s*(?:\.\.|\s:\s|:|\s+to\s+)\s*(.+)$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_UK = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_MONTH_NAMES = {name.casefold(): i for i, name in enumerate(calendar.month_name) if name}
_MONTH_NAMES.update({name.casefold(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTH_NAMES["sept"] = 9

EXAMPLES = "2018Q1, Q1 2018, 2018-03, March 2018, 2018/19 or 2018-01-01..2018-03-31"


@dataclass(frozen=True)
class Period:
    """An inclusive date window with a label ("2018Q1", "2018-03", "2018-01-15..2018-02-14")."""

    start: dt.date
    end: dt.date
    label: str

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise UsageError(f"period {self.label}: ends ({self.end}) before it starts ({self.start})")

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
        start = _shift_date(self.start, 12 * n)
        end = _shift_date(self.end, 12 * n, keep_month_end=self.end == month_end(self.end))
        return make_period(start, end)

    def previous(self, k: int = 1) -> list[Period]:
        """The k periods of the same length immediately before this one, oldest first.

        A period of whole months steps back by whole months (a quarter's predecessors are quarters);
        any other period steps back by its number of days.
        """
        if k < 1:
            raise UsageError(f"need at least one earlier period, not {k}")
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
        from .when import format_day  # when imports this module: the import waits until a period is described

        months = self.month_starts()
        first, last = months[0], months[-1]
        if not self.whole_months:
            start = (format_day(self.start, long=True) if self.start.year != self.end.year
                     else f"{self.start.day} {calendar.month_name[self.start.month]}")
            words = f"{start} to {format_day(self.end, long=True)}"
        elif first == last:
            words = f"{calendar.month_name[first.month]} {first.year}"
        elif first.month == 1 and last.month == 12 and first.year == last.year:
            words = str(first.year)
        elif first.year == last.year:
            words = f"{calendar.month_name[first.month]} to {calendar.month_name[last.month]} {last.year}"
        else:
            words = (f"{calendar.month_name[first.month]} {first.year} to "
                     f"{calendar.month_name[last.month]} {last.year}")
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
    """The latest calendar quarter that ended before the as-of date (as of 31 March: the previous quarter)."""
    return quarter_of(quarter_of(as_of).start - dt.timedelta(days=1))


def default_period(setting: str | None, as_of: dt.date) -> Period:
    """The period to report when none is given: the Control sheet's Reporting period if set, else the last
    complete quarter before the as-of date."""
    if setting is not None and str(setting).strip():
        try:
            return parse_period(str(setting))
        except UsageError as exc:
            raise UsageError(f"the Control sheet's Reporting period: {exc}") from None
    return last_complete_quarter(as_of)


def parse_period(text: str) -> Period:
    """A reporting period from text such as 2018Q1, Q1 2018, 2018-03, 2018/19 or 2018-01-01..2018-03-31."""
    raw = " ".join(str(text).split())
    s = raw.casefold()
    if not s:
        raise UsageError(f"no period given; use a quarter or a date range, e.g. {EXAMPLES}")
    if m := _QUARTER_FIRST.match(s):
        return _quarter(int(m.group(1)), int(m.group(2)))
    if m := _QUARTER_LAST.match(s):
        return _quarter(int(m.group(2)), int(m.group(1)))
    if m := _FY_QUARTER.match(s):
        year = _fy_start(m.group(2), m.group(3), raw)
        return Period(*month_span(year, 3 * int(m.group(1)) + 1, 3), raw)
    if m := _MONTH.match(s):
        month = int(m.group(2))
        if 1 <= month <= 12:
            start = dt.date(int(m.group(1)), month, 1)
            return make_period(start, month_end(start))
    if m := _FY.match(s):
        year = _fy_start(m.group(1), m.group(2), raw)
        return Period(dt.date(year, 4, 1), dt.date(year + 1, 3, 31), raw)
    if m := _YEAR.match(s):
        year = int(m.group(1))
        return make_period(dt.date(year, 1, 1), dt.date(year, 12, 31))
    parts = s.split()
    if len(parts) == 2 and parts[0] in _MONTH_NAMES and _YEAR.match(parts[1]):
        start = dt.date(int(parts[1]), _MONTH_NAMES[parts[0]], 1)
        return make_period(start, month_end(start))
    if m := _RANGE.match(s):
        start, end = _date(m.group(1), raw), _date(m.group(2), raw)
        if end < start:
            raise UsageError(f"period {raw!r} ends before it starts")
        return make_period(start, end)
    raise UsageError(f"cannot understand the period {raw!r}; use e.g. {EXAMPLES}")


def _quarter(year: int, q: int) -> Period:
    return make_period(*month_span(year, 3 * q - 2, 3))


def _fy_start(first: str, second: str, raw: str) -> int:
    year = int(first)
    follows = int(second) if len(second) == 4 else (year // 100) * 100 + int(second)
    if follows != year + 1:
        raise UsageError(f"cannot understand the period {raw!r}: a financial year is written like 2018/19")
    return year


def _date(text: str, raw: str) -> dt.date:
    text = text.strip()
    try:
        if m := _ISO.match(text):
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if m := _UK.match(text):
            return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    except ValueError:
        pass
    raise UsageError(f"cannot understand the date {text!r} in the period {raw!r}; write dates as 2018-01-31")


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


def month_end(day: dt.date) -> dt.date:
    """The last day of the day's month."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months(day: dt.date, n: int) -> dt.date:
    """The same day n months later (n < 0: earlier), for a day that exists in every month (used with 1sts)."""
    index = day.year * 12 + day.month - 1 + n
    return day.replace(year=index // 12, month=index % 12 + 1)


def month_span(year: int, month: int, n: int = 1) -> tuple[dt.date, dt.date]:
    """The first day of a month (month may run past 12 or below 1) to the last day of the n-th month from it."""
    y0, m0 = divmod(year * 12 + month - 1, 12)
    y1, m1 = divmod(year * 12 + month + n - 2, 12)
    return dt.date(y0, m0 + 1, 1), dt.date(y1, m1 + 1, calendar.monthrange(y1, m1 + 1)[1])


def _shift_date(day: dt.date, n_months: int, keep_month_end: bool = False) -> dt.date:
    first = add_months(day.replace(day=1), n_months)
    last = month_end(first)
    if keep_month_end:
        return last
    return first.replace(day=min(day.day, last.day))
