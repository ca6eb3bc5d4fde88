"""Understanding the free-text When column: turn "Autumn 2017/ Early 2018" into a dated Schedule."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from .dates import MONTH_NAMES, MONTH_NUMBERS, MONTH_PATTERN, as_day, format_day, iso, month_end, month_span, parse_day

_Span = Callable[[int], tuple[date, date]]  # year -> (start, end) of a period in that year

KINDS = ("day", "days", "window", "from", "recurring", "ongoing", "tbc", "unknown")
STATUSES = ("understood", "inferred", "ambiguous", "not understood")  # Schedule.status, best first
RECURRENCES = ("weekly", "monthly", "quarterly", "twice-yearly", "annually")
_UNTIL = ("until", "till", "til", "to")  # a leading one makes a deadline: "until March 2018"


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


@dataclass(frozen=True)
class YearContext:
    """Where a missing or two-digit year comes from when the plan has no lifetime: a span of dates and its name
    ("the plan's dated rows", "the as-of date")."""

    start: date
    end: date
    source: str


class _NotUnderstood(Exception):
    """Raised inside the parser; parse_when turns it into kind 'unknown'."""


class _Ambiguous(_NotUnderstood):
    """The text has two plausible readings; the message names both."""


# --- Normalising and tokenising -------------------------------------------------------------

# Multi-word phrases become one marker token before tokenising (order matters: longest first).
_PHRASE_PATTERNS = [
    (r"(?<![\d.])(\d{1,2})\s+(st|nd|rd|th)\b", r"\1\2"),  # "1 st June", "26 th July": ordinals split in a PDF
    (r"\bas (?:and when(?: (?:required|needed|necessary|appropriate))?|required|needed|necessary|appropriate)\b"
     r"|\bwhen (?:required|needed|necessary|appropriate)\b|\bad[- ]?hoc\b|\bif (?:required|needed)\b",
     " \x00asneeded "),
    (r"\best(?:imated?)?\b\.?|\bcirca\b|\bexpected\b|\bprovisional(?:ly)?\b|\bpencilled(?: in)?(?: for)?\b"
     r"|\b(?:likely|probably|possibly|hopefully|tentative(?:ly)?)\b|\btarget(?:ed)? (?:for\b)?|\baim(?:ing)? for\b",
     " \x00est "),
    (r"\byear\s+[1-9]\b(?=\s*[(:\-]?\s*\(?\s*(?:19|20)\d{2})", " "),  # "Year 2 (2018/19)": the plan's own year label
    (r"\bat (?:key|various|appropriate|relevant|suitable) (?:times|points|stages|dates)\b", " "),
    (r"\bto be (?:confirmed|arranged|agreed|decided|announced|determined)\b|\bt\.?b\.?[cad]\b\.?", " \x00tbc "),
    (r"\bweek (?:commencing|beginning|starting)\b|\bw\s?/\s?c\b|\bw\.c\b\.?", " \x00wc "),
    (r"\bfinancial year\b|\bf\.?y\.?(?=\s*\d)", " fy "),
    (r"\b(?:academic|school) year\b", " \x00acad "),
    (r"\b(early|mid|late)\s*-\s*", r" \1 "),
    (r"\bbetween\s+(.+?)\s+(?:and|&)\s", r" \1 to "),  # "between A and B" is a range, not two periods
    (r"\bup (?:to|until|till)\b", " until "),
    (r"\b(?:no|not) later than\b", " by "),
    (r"\bstart\b(?!\s+of\b)", " starts "),  # "start April 2018" starts then; "start of April" is early April
    (r"\b(?:two|2) (?:per|a|each) year\b|\btwice (?:a |per |each )?year(?:ly)?\b|\bbi-?\s?annual(?:ly)?\b"
     r"|\bhalf-?\s?yearly\b|\bsix-?\s?monthly\b|\bevery six months\b", " \x00rec:twice_yearly "),
    (r"\bquarterly\b|\b(?:every|each|once a|once per) quarter\b", " \x00rec:quarterly "),
    (r"\bmonthly\b|\b(?:every|each|once a|once per) month\b", " \x00rec:monthly "),
    (r"\bweekly\b|\b(?:every|each|once a|once per) week\b", " \x00rec:weekly "),
    (r"\bannual(?:ly)?\b|\byearly\b|\b(?:every|each|once a|once per) year\b", " \x00rec:annually "),
    (r"\b(?:every|each)\s+(?=(?:spring|summer|autumn|winter|" + MONTH_PATTERN + r")\b)", " \x00rec:annually "),
    (r"\bon-?\s?going\b|\bthroughout(?: the (?:plan|year|campaign|period))?\b|\bcontinu(?:ous|al)(?:ly)?\b"
     r"|\ball year(?: round)?\b|\byear-?\s?round\b", " \x00ongoing "),
    (r"\b(?:calendar year|c\.?y\.?|year)\s*(?=(?:19|20)\d{2}\b)", " "),  # "calendar year 2018", "CY 2018"
]
_PHRASES = [(re.compile(p), m) for p, m in _PHRASE_PATTERNS]
_TOKEN = re.compile(r"""
    (?P<marker>\x00[a-z:_]+)
  | (?P<iso>\d{4}-\d{1,2}-\d{1,2})(?!\d)
  | (?P<dmy>\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2}))(?!\d)
  | (?P<my>(?:0?[1-9]|1[0-2])[/.-](?:19|20)\d{2})(?!\d)
  | (?P<isoweek>(?:19|20)\d{2}-?w(?:0[1-9]|[1-4]\d|5[0-3]))(?![0-9a-z])
  | (?P<ym>(?:19|20)\d{2}[/.-](?:0[1-9]|1[0-2]))(?!\d)
  | (?P<fyspan>\d{4}\s*[/-]\s*\d{2})(?!\d)
  | (?P<hq>[12]h|[1-4]q)(?![a-z])
  | (?P<dmon>\d{1,2}-""" + MONTH_PATTERN + r""")(?![a-z])
  | (?P<ord>\d{1,2}(?:st|nd|rd|th))(?![a-z])
  | (?P<year>(?:19|20)\d{2})(?!\d)
  | (?P<num>\d{1,2})(?!\d)
  | (?P<q>q[1-4])(?![a-z0-9])
  | (?P<h>h[12])(?![a-z0-9])
  | (?P<word>[a-z]+)
  | (?P<sep>[/&-]|\.\.)
  | (?P<query>\?)
  | (?P<ayear>['\u2018\u2019`\u00b4]\s?\d{2})(?!\d)
  | (?P<skip>(?:[\s,.;:()\[\]"!*\u201c\u201d]|['\u2018\u2019](?!\s?\d{2}(?!\d)))+)
  | (?P<bad>\d+|\S)
""", re.X)
_SEASONS = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}  # meteorological starts
_TERMS = {"autumn": (9, 4), "spring": (1, 3), "summer": (4, 4)}  # England school terms, approximate
# word -> (token kind, value); words not here and not filler are 'unk' and make the text not understood
_LEXICON: dict[str, tuple[str, Any]] = {
    **{w: ("month", m) for w, m in MONTH_NUMBERS.items()}, **{w: ("season", w) for w in _SEASONS},
    **{w: ("rel", r) for w, r in dict(early=0, beginning=0, start=0, mid=1, middle=1, late=2, end=2).items()},
    **{w: ("nth", n) for n, w in enumerate("first second third fourth fifth sixth seventh eighth ninth tenth "
                                           "eleventh twelfth".split(), 1)},
    "month": ("monthword", None), "last": ("last", None), "final": ("last", None),
    **{w: ("from", w) for w in "from starts starting commencing commences begins".split()},
    **{w: ("sep", w) for w in "to until till til through thru and".split()},
    "term": ("term", None), "terms": ("term", None), "half": ("half", None), "quarter": ("quarter", None),
    "fy": ("fy", None), "by": ("by", None), "before": ("before", None),
    "onwards": ("onwards", None), "onward": ("onwards", None),
}
_FILLER = set("of the in during on around approx approximately about between sometime over at date dates".split())
_FILLER |= set(
    "monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat sun".split())


@dataclass(frozen=True)
class _Tok:
    """One token of a When text: its kind, value and the text it came from."""

    kind: str
    value: Any = None  # by kind: a month or year number, a (y, m, d) tuple, a word
    text: str = ""


_END = _Tok("end")
_DIGITS = re.compile(r"\d+")
_NUMERIC = {"my", "ym", "fyspan", "dmy", "iso", "year", "num", "ord", "q", "h", "ayear"}
# Words that change what a date means: a text holding one is never read as "a description, then a date".
# Words that make a date among them a different time ("Easter 2018", "2nd week of March"): a text holding one is
# not read as "a description, then a date" unless that date is a single day.
_TIMELY = set("easter christmas xmas holiday holidays half term terms week weeks weekend fortnight fortnightly "
              "academic school year years day days month months new eve festive season semester session deadline "
              "latest earliest likely possibly probably maybe perhaps hopefully week's".split())
# Words a number after which names a part of the plan, not a day: "Phase 1 – March 2018", "Stage 2 June 2018".
_LABELS = set("phase stage wave part step round cohort tranche session module level tier option strand".split())
# Words that, straight before a date, make it something else ("refresh every September", "per March").
_LEADING = {"every", "each", "per", "until", "after", "since", "following"}
_NEGATING = set("not no except excluding unless after instead either or if cancelled canceled postponed delayed "
                "moved rescheduled slipped replaced superseded but".split())
# Spellings a typing slip may be meant for (one letter added, dropped, changed or two swapped).
_SLIP_WORDS = {**{name.casefold(): ("month", i) for i, name in enumerate(MONTH_NAMES, 1)},
               **{w: ("season", w) for w in ("spring", "summer", "autumn", "winter")}}


def _one_slip(a: str, b: str) -> bool:
    """True when a is b with one letter added, dropped or changed, or two neighbours swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    i = next((k for k, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    return (a[i + 1:] == b[i + 1:] or a[i + 1:] == b[i:] or a[i:] == b[i + 1:]
            or (len(a) == len(b) and a[i:i + 2] == b[i:i + 2][::-1] and a[i + 2:] == b[i + 2:]))


def _slip(word: str, notes: list[str]) -> _Tok | None:
    """A month or season misspelt by one slip ("Febuary", "Setpember", "Autum"), when only one fits."""
    if len(word) < 5:
        return None
    fits = [k for k in _SLIP_WORDS if _one_slip(word, k)]
    if len(fits) != 1:
        return None
    notes.append(f"'{word}' read as {fits[0].capitalize()} (assumed a typing slip)")
    return _Tok(*_SLIP_WORDS[fits[0]], word)


def _tokenize(text: str, notes: list[str] | None = None) -> list[_Tok]:
    """The When text as tokens: months, seasons, years, separators, markers, unknown words."""
    notes = [] if notes is None else notes
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text.replace("\x00", "\ufffd")).casefold()
    for pattern, marker in _PHRASES:
        text = pattern.sub(marker, text)
    toks: list[_Tok] = []
    i = 0
    while i < len(text):
        m = _TOKEN.match(text, i)
        assert m is not None  # the last alternative, "bad", takes any character
        i, kind, s = m.end(), m.lastgroup or "bad", m.group()
        if kind == "skip":
            continue
        nums = [int(n) for n in _DIGITS.findall(s)] if kind in _NUMERIC else []
        if kind == "marker":
            name, _, value = s[1:].partition(":")
            toks.append(_Tok(name, value.replace("_", "-") or None, name))
        elif kind == "word":
            if s not in _FILLER:
                word_kind, value = _LEXICON[s] if s in _LEXICON else ("unk", s)
                toks.append(_Tok(word_kind, value, s) if word_kind != "unk" else _slip(s, notes) or _Tok("unk", s, s))
        elif kind == "isoweek":  # 2018-W05: ISO week 5 of 2018, Monday to Sunday
            year, week = int(s[:4]), int(s[-2:].lstrip("w"))
            toks.append(_Tok("isoweek", (year, week), s))
        elif kind == "dmon":  # "18-Jan", "18-Jan-2018": Excel's d-mmm(-yyyy), written without spaces
            number, _, month = s.partition("-")
            toks.append(_Tok("dmon", (MONTH_NUMBERS[month], int(number)), s))
        elif kind == "hq":  # 1H 2018, 2H18, 3Q 2018: a half or quarter written number first
            toks.append(_Tok(s[1], int(s[0]), s))
        elif kind == "ayear":  # '17, ’17: always a year
            toks.append(_Tok("year", 2000 + int(s[-2:]), s))
        elif kind == "fyspan":
            ok = nums[1] == (nums[0] + 1) % 100
            toks.append(_Tok("fyspan", nums[0], s) if ok else _Tok("unk", s, s))
        elif kind == "ym":  # 2017-11, 2017/11, 2017.11: a month, unless it is also a financial year (2011-12)
            if nums[1] == (nums[0] + 1) % 100 and "." not in s:  # the parser decides from what is around it
                toks.append(_Tok("fyspan", nums[0], s))
            else:
                toks.append(_Tok("my", (nums[0], nums[1]), s))
        elif kind == "my":  # 12/2018: a month, as UK plans write it
            toks.append(_Tok("my", (nums[1], nums[0]), s))
        elif kind in ("dmy", "iso"):
            day = parse_day(s)
            toks.append(_Tok("date", (day.year, day.month, day.day), s))
        elif kind in ("year", "num", "ord", "q", "h"):
            toks.append(_Tok(kind, nums[0], s))
        else:
            toks.append(_Tok(kind, s, s))
    return toks


# --- Periods as functions of the year -----------------------------------------------------

def _part_of_month(y: int, m: int, r: int) -> tuple[date, date]:
    last = month_end(date(y, m, 1)).day
    return date(y, m, 1 + 10 * r), date(y, m, (10, 20, last)[r])


@dataclass(frozen=True)
class _Period:
    """A period read from the text, its dates a function of the year (the text may not give one)."""

    fn: Callable[[int], tuple[date, date]]  # year -> (start, end)
    year: int | None = None  # None: the text gave no year
    dates: tuple[date, ...] = ()
    notes: tuple[str, ...] = ()
    joined: bool = False  # made from two periods (A/B, A to B)
    windows: tuple[tuple[date, date], ...] = ()  # separate periods named together ("Feb 2018 & Feb 2019")


def _fixed(s: date, e: date, year: int, notes: tuple[str, ...] = (), joined: bool = True) -> _Period:
    if s > e:
        raise _NotUnderstood("the range ends before it starts")
    return _Period(lambda _y: (s, e), year, notes=notes, joined=joined)


def _join(a: _Period, b: _Period) -> _Period:
    """Start of a to end of b; a period without a year borrows the other's (wrapping once if needed)."""
    if a.dates or b.dates:
        raise _NotUnderstood("a range cannot join separate days")
    notes = a.notes + b.notes

    def start_for(yb: int) -> date:
        s = a.fn(yb)[0]
        return s if s <= b.fn(yb)[0] else a.fn(yb - 1)[0]

    if a.year is not None and b.year is not None:
        return _fixed(a.fn(a.year)[0], b.fn(b.year)[1], b.year, notes)
    if b.year is not None:
        return _fixed(start_for(b.year), b.fn(b.year)[1], b.year, notes)
    if a.year is not None:
        s, yb = a.fn(a.year)[0], a.year
        yb += b.fn(yb)[0] < s
        return _fixed(s, b.fn(yb)[1], yb, notes)
    return _Period(lambda y: (start_for(y), b.fn(y)[1]), None, notes=notes, joined=True)


_BOTH = ("&", "and")  # "A & B" names two things, not the span between them


def _is_day(p: _Period) -> bool:
    return not p.dates and not p.joined and p.fn(2000)[0] == p.fn(2000)[1]


def _two_days(p: _Period) -> _Period:
    """The first and last day of a joined pair of single days, as separate days."""
    if p.year is None:
        raise _NotUnderstood("separate days need a year")
    first, last = p.fn(p.year)
    if first >= last:
        raise _NotUnderstood("the second day must come after the first")
    return _Period(lambda _y: (first, last), p.year, dates=(first, last), notes=p.notes)


def _both(a: _Period, b: _Period) -> _Period:
    """"A & B": two days, or one window when B follows straight on from A; otherwise not understood."""
    j = _join(a, b)
    if _is_day(a) and _is_day(b):
        return _two_days(j)
    js, je = j.fn(j.year if j.year is not None else 2001)
    a_end = _own(a, lambda y: a.fn(y)[0] == js, 1, js.year)
    b_start = _own(b, lambda y: b.fn(y)[1] == je, 0, je.year)
    if a_end is None or b_start is None or a_end + timedelta(days=1) != b_start:
        return _milestones([a, b])
    return j


def _milestones(ps: list[_Period]) -> _Period:
    """Several periods named in one cell, each with its own year: every window, and their overall span."""
    if any(p.year is None for p in ps):
        raise _NotUnderstood("several separate periods need a year each")
    windows: list[tuple[date, date]] = []
    for p in ps:
        assert p.year is not None
        windows += [(d, d) for d in p.dates] if p.dates else list(p.windows) or [p.fn(p.year)]
    notes = tuple(n for p in ps for n in p.notes)
    lo, hi = min(w[0] for w in windows), max(w[1] for w in windows)
    if all(a == b for a, b in windows) and len(set(windows)) == len(windows):
        days = tuple(sorted(a for a, _ in windows))
        return _Period(lambda _y: (lo, hi), ps[0].year, dates=days, notes=notes)
    return _Period(lambda _y: (lo, hi), ps[0].year, notes=notes, joined=True, windows=tuple(windows))


def _own(p: _Period, fits: Callable[[int], bool], edge: int, near: int) -> date | None:
    """An edge of p's own window in the year that fits a join (p may have no year of its own)."""
    for y in (p.year,) if p.year is not None else (near, near - 1, near + 1):
        try:
            if fits(y):
                return p.fn(y)[edge]
        except ValueError:  # 29 February in a non-leap year
            continue
    return None


class _Parser:
    """Recursive descent over tokens: range := period [sep period]."""

    def __init__(self, toks: list[_Tok], years: frozenset[int] = frozenset(), notes: list[str] | None = None) -> None:
        self.toks, self.i = toks, 0
        self.years = years  # the years of the plan's context, which decide "March 16" and "Sept 2-18"
        self.notes = [] if notes is None else notes
        self.inferred = False  # a year was read with the help of the plan's context
        # "Sept 18 - July 19": month + two digits written twice is one form; if one is a year of the plan, both are
        pairs = [b.value for a, b, c in zip(toks, toks[1:], [*toks[2:], _END])
                 if a.kind == "month" and b.kind == "num" and c.kind not in ("year", "fyspan", "num", "ord")]
        self.pairs_are_years = len(pairs) > 1 and any(2000 + n in years for n in pairs)

    def peek(self, k: int = 0) -> _Tok:
        j = self.i + k
        return self.toks[j] if j < len(self.toks) else _END

    def take(self, *kinds: str) -> _Tok | None:
        t = self.peek()
        if t.kind in kinds:
            self.i += 1
            return t
        return None

    def range(self) -> _Period | None:
        t, t1, t2, t3 = self.peek(), self.peek(1), self.peek(2), self.peek(3)
        if (t.kind == "num" and t1.kind == "sep" and t1.value in ("/", "-") and t2.kind == "num"
                and t2.value == t.value + 1 and 10 <= t.value and t3.kind in ("end", "sep")):
            self.i += 3  # "18/19": the financial year 2018/19
            return _Period(lambda y: month_span(y, 4, 12), 2000 + t.value)
        if self.peek().kind in ("num", "ord") and self.peek(1).kind == "sep":  # 19-21 March 2018
            d1, both = self.peek().value, self.peek(1).value in _BOTH
            if self.peek(2).kind == "year" and self.peek(1).value in ("/", "-"):  # 13/2018
                raise _NotUnderstood(f"'{self.peek().text}{self.peek(1).text}{self.peek(2).text}' is not a month "
                                     "and year (months run 1 to 12, e.g. 12/2018)")
            self.i += 2
            b = self.period()
            if b is None or not _is_day(b):
                raise _NotUnderstood("a day range needs a full day after the separator")
            span = b.fn

            def fn(y: int) -> tuple[date, date]:
                return span(y)[0].replace(day=d1), span(y)[1]

            if both:  # 5 & 12 March 2018: two days
                return _two_days(_Period(fn, b.year, notes=b.notes))
            if b.year is not None:
                return _fixed(*fn(b.year), b.year, b.notes)
            return _Period(fn, None, notes=b.notes, joined=True)
        a = self.period()
        if a is None or (sep := self.take("sep")) is None:
            return a
        t, t1 = self.peek(), self.peek(1)
        if t.kind == "num" and t1.kind in ("end", "sep") and a.year is not None and a.year < 2000 + t.value < 2100:
            self.i += 1  # "Summer 2018 to 19": up to the end of 2019
            self.notes.append(f"'{t.text}' read as {2000 + t.value}")
            b = _Period(lambda y: (date(y, 1, 1), date(y, 12, 31)), 2000 + t.value)
        else:
            b = self.period()
        if b is None:
            raise _NotUnderstood("nothing understood after the separator")
        if sep.value in _BOTH:
            return _both(a, b)
        return _join(a, b)

    def _fy(self) -> int | None:
        """A financial year's starting year (2018/19, FY2018-19, FY 18/19, FY 2018/2019), or None."""
        had_fy = self.take("fy") is not None
        t, y = self.peek(), None
        if t.kind == "fyspan":
            self.i, y = self.i + 1, t.value
        elif had_fy and t.kind in ("year", "num") and self.peek(1).kind == "sep" and self.peek(2).kind == t.kind:
            y1, y2 = t.value, self.peek(2).value
            if y2 == y1 + 1:
                self.i, y = self.i + 3, y1 + (2000 if t.kind == "num" else 0)
        if had_fy and y is None:
            raise _NotUnderstood("FY needs a year pair such as FY2018/19")
        if y is not None:
            self.take("fy")  # "2018/19 financial year"
        return y

    def _with_year(self, fn: _Span, fy_fn: _Span | None = None, notes: tuple[str, ...] = (),
                   two_digit: bool = True) -> _Period:
        t, t1 = self.peek(), self.peek(1)
        if t.kind == "sep" and t.value in ("-", "/") and (
                t1.kind == "year" or (fy_fn is not None and t1.kind == "fyspan")
                or (two_digit and fy_fn is not None and t1.kind == "num" and self.peek(2).kind == "end")):
            self.i += 1  # "dec-2018", "q1-2019", "nov/2017": the year of the period, never a range up to it
            t, t1 = t1, self.peek(2)
        t2 = self.peek(2)
        if (fy_fn is not None and t.kind == "num" and t1.kind == "sep" and t1.value in ("/", "-")
                and t2.kind == "num" and t2.value == t.value + 1 and self.peek(3).kind != "month"):
            self.i += 3  # "Q3 17/18": a quarter of the financial year 2017/18
            return _Period(fy_fn, 2000 + t.value, notes=notes)
        if two_digit and t.kind == "num" and t1.kind not in ("month", "ord", "num") and not (
                t1.kind == "sep" and self.peek(2).kind in ("num", "ord")):  # "Spring 15", "Q2 18"
            if not 0 <= t.value <= 79:
                raise _NotUnderstood(f"'{t.text}' is not a year of this century")
            self.i += 1
            self.notes.append(f"'{t.text}' read as {2000 + t.value}")
            return _Period(fn, 2000 + t.value, notes=notes)
        if (year := self.take("year")) is not None:
            after, then = self.peek(), self.peek(1)
            if (fy_fn is not None and after.kind == "sep" and after.value == "/" and then.kind == "year"
                    and then.value == year.value + 1):
                self.i += 2  # "Q2 2018/2019": of the financial year
                return _Period(fy_fn, year.value, notes=notes)
            return _Period(fn, year.value, notes=notes)
        if fy_fn is not None and (y := self._fy()) is not None:
            return _Period(fy_fn, y, notes=notes)
        return _Period(fn, None, notes=notes)

    def _year_then_part(self) -> _Period | None:
        """ "2017 nov", "2017, November", "2018-dec", "2018 autumn", "2018/spring": that part of the year (never a
        range from the start of the year), when nothing after it gives it a year of its own."""
        year, k = self.peek(), 1
        if self.peek(1).kind == "sep" and self.peek(1).value in ("-", "/"):
            k = 2
        part, after = self.peek(k), self.peek(k + 1)
        if part.kind not in ("month", "season") or after.kind in ("num", "ord", "year", "fyspan") or (
                after.kind == "sep" and self.peek(k + 2).kind in ("year", "num", "fyspan")
                and self.peek(k + 3).kind not in ("month", "season")):
            return None
        if part.kind == "season" and part.value not in _SEASONS:
            return None
        self.i += k + 1
        first, count = (part.value, 1) if part.kind == "month" else (_SEASONS[part.value], 3)
        return _Period(lambda y: month_span(y, first, count), year.value)

    def _winter_pair(self) -> _Period | None:
        """ "Winter 2018/19", "Winter 2018 to 2019", "winter 18-19": the one winter that spans the two years."""
        t, t1, t2 = self.peek(), self.peek(1), self.peek(2)
        if t.kind == "fyspan":
            first, used = t.value, 1
        elif t.kind in ("year", "num") and t1.kind == "sep" and t1.value in ("/", "-", "to", "&", "and") \
                and t2.kind == t.kind and t2.value == t.value + 1:
            first, used = t.value + (2000 if t.kind == "num" else 0), 3
        else:
            return None
        self.i += used
        return _Period(lambda y: month_span(y, 12, 3), first)

    def _month_number(self, month: _Tok, num: _Tok) -> _Period | None:
        """ "March 16": a year (March 2016) when the plan spans 2016, a day (16 March) when a context year is
        known and 2016 is not one, else ambiguous. "Sept 2-18" in a 2018 plan: a slip for 2018. None: a day."""
        t2, t3, t4 = self.peek(2), self.peek(3), self.peek(4)
        name = MONTH_NAMES[month.value - 1]
        if (num.value == 2 and t2.kind == "sep" and t2.value == "-" and t3.kind == "num" and t4.kind == "end"
                and 2000 + t3.value in self.years):
            self.i += 4
            year = 2000 + t3.value
            self.notes.append(f"'{num.text}-{t3.text}' read as {year} (assumed a typing slip; the plan spans {year})")
            self.inferred = True
            return _Period(lambda y: month_span(y, month.value), year)
        if (t2.kind in ("year", "fyspan", "month", "num", "ord") or not 1 <= num.value <= 99
                or (t2.kind == "sep" and t3.kind in ("num", "ord", "year"))):
            return None  # "Sept 19 2017", "March 18 2018/19", "March 5-9": a day
        year = 2000 + num.value
        words = f"'{month.text} {num.text}'"
        if num.value > 31:
            self.i += 2
            self.notes.append(f"{words} read as {name} {year}")
            return _Period(lambda y: month_span(y, month.value), year)
        if not self.years:
            raise _Ambiguous(f"{words} could be {num.value} {name} or {name} {year}: give the year")
        self.inferred = True
        if year in self.years or (self.pairs_are_years and num.value > 12):
            self.i += 2
            why = "a year of the plan" if year in self.years else "a year, as the text's other dates are"
            self.notes.append(f"{words} read as {name} {year}, {why} (not {num.value} {name})")
            return _Period(lambda y: month_span(y, month.value), year)
        self.notes.append(f"{words} read as {num.value} {name} ({year} is not a year of the plan)")
        return None

    def _year_first_part(self) -> int:
        """How far after a year its quarter or half comes (2018 Q1: 1, 2018-Q1: 2), 0 when it does not."""
        t1, t2 = self.peek(1), self.peek(2)
        if t1.kind in ("q", "h"):
            return 1
        if (t1.kind == "sep" and t1.value == "-" and t2.kind in ("q", "h")
                and self.peek(3).kind not in ("year", "fy", "fyspan")):  # not "2017 - Q1 2018", a range
            return 2
        return 0

    def _day(self, m: int, d: int) -> _Period:

        def fn(y: int) -> tuple[date, date]:
            return date(y, m, d), date(y, m, d)

        t, t1, t2 = self.peek(), self.peek(1), self.peek(2)
        years = None
        if t.kind == "fyspan":  # March 18 2018/19: that day in each year
            years, self.i = (t.value, t.value + 1), self.i + 1
        elif t.kind == "year" and t1.kind == "sep" and t1.value in ("/", "&", "and") and t2.kind == "year":
            if t2.value <= t.value:
                raise _NotUnderstood("the second year must come after the first")
            years, self.i = (t.value, t2.value), self.i + 3
        if years:
            dates = tuple(fn(y)[0] for y in years)
            return _Period(lambda _y: (dates[0], dates[-1]), years[0], dates=dates)
        return self._with_year(fn)

    def period(self) -> _Period | None:
        t, t1 = self.peek(), self.peek(1)
        if self.take("wc"):
            p = self.period()
            if p is None or p.dates or p.joined or p.fn(2000)[0] != p.fn(2000)[1]:
                raise _NotUnderstood("w/c needs a day, e.g. w/c 5 March 2018")
            return replace(p, fn=lambda y: (p.fn(y)[0], p.fn(y)[0] + timedelta(days=6)))
        if self.take("date"):
            return _Period(lambda _y: (date(*t.value),) * 2, t.value[0])
        if self.take("dmon"):
            return self._day(*t.value)
        if self.take("isoweek"):
            monday = date.fromisocalendar(t.value[0], t.value[1], 1)
            return _Period(lambda _y: (monday, monday + timedelta(days=6)), t.value[0], joined=True)
        if self.take("my"):
            return _Period(lambda y: month_span(y, t.value[1]), t.value[0])
        if t.kind in ("num", "ord") and t1.kind == "month":
            self.i += 2
            return self._day(t1.value, t.value)
        if t.kind == "month" and t1.kind == "num" and (as_month := self._month_number(t, t1)) is not None:
            return as_month
        if t.kind == "month" and t1.kind in ("num", "ord"):
            self.i += 2
            return self._day(t.value, t1.value)
        t2, t3 = self.peek(2), self.peek(3)
        if (t.kind == "month" and t1.kind == "sep" and t1.value in ("-", "/") and t2.kind == "num"
                and t3.kind not in ("month", "ord") and not (t3.kind == "sep" and self.peek(4).kind in ("num", "ord"))):
            self.i += 3  # "Sep-18", "Jun/19": Excel's mmm-yy, a month and a two-digit year
            self.notes.append(f"'{t.text}{t1.text}{t2.text}' read as {MONTH_NAMES[t.value - 1]} {2000 + t2.value}")
            return _Period(lambda y: month_span(y, t.value), 2000 + t2.value)
        if self.take("month"):
            return self._with_year(lambda y: month_span(y, t.value, 1), two_digit=False)
        if t.kind == "quarter" and t1.kind == "num" and 1 <= t1.value <= 4:
            self.i += 2  # "Quarter 3 2018"
            return self._with_year(*_part_of_year(3, t1.value))
        if t.kind == "year" and (after := self._year_then_part()) is not None:
            return after
        if t.kind in ("nth", "ord") and t1.kind == "monthword" and 1 <= t.value <= 12:
            self.i += 2  # "the fourth month of 2018"
            return self._with_year(lambda y: month_span(y, t.value), lambda y: month_span(y, t.value + 3))
        if self.take("rel"):
            if (m := self.take("month")) is not None:
                month = m.value
                return self._with_year(lambda y: _part_of_month(y, month, t.value))
            if (season := self.take("season")) is not None and season.value in _SEASONS:
                first = _SEASONS[season.value] + t.value  # "late Summer 2018": August 2018
                return self._with_year(lambda y: month_span(y, first))
            q = self.peek()
            if q.kind == "q" or (q.kind in ("nth", "ord") and self.peek(1).kind == "quarter" and 1 <= q.value <= 4):
                self.i += 1 if q.kind == "q" else 2  # "the end of the third quarter": its last month
                first = 3 * (q.value - 1) + 1 + t.value
                return self._with_year(lambda y: month_span(y, first), lambda y: month_span(y, first + 3))
            if (y := self.take("year")) is not None:
                return _Period(lambda y: month_span(y, 1 + 4 * t.value, 4), y.value)
            raise _NotUnderstood(f"'{t.text}' needs a month or a year after it")
        if self.take("season"):
            if self.take("term"):
                if t.value not in _TERMS:
                    raise _NotUnderstood(f"there is no {t.value} school term")
                first, count = _TERMS[t.value]
                return self._with_year(lambda y: month_span(y, first, count),
                                       notes=("school term dates are approximate",))
            if t.value == "winter" and (winter := self._winter_pair()) is not None:
                return winter
            return self._with_year(lambda y: month_span(y, _SEASONS[t.value], 3))
        if t.kind == "last" and t1.kind in ("quarter", "half") and self.peek(2).kind in ("year", "fyspan", "fy"):
            self.i += 2  # "the last quarter of 2018", "final half of 2018/19": never the quarter before now
            return self._with_year(*_part_of_year(3, 4) if t1.kind == "quarter" else _part_of_year(6, 2))
        if t.kind == "q" or (t.kind in ("nth", "ord") and t1.kind == "quarter" and 1 <= t.value <= 4):
            self.i += 1 if t.kind == "q" else 2
            return self._with_year(*_part_of_year(3, t.value))
        if t.kind == "h" or (t.kind in ("nth", "ord") and t1.kind == "half" and 1 <= t.value <= 2):
            self.i += 1 if t.kind == "h" else 2
            return self._with_year(*_part_of_year(6, t.value))
        t2, t3 = self.peek(2), self.peek(3)
        fy_part = (t.kind == "fyspan" and t1.kind in ("q", "h")) or (
            t.kind == "year" and t1.kind == "sep" and t1.value == "/" and t2.kind == "year"
            and t2.value == t.value + 1 and t3.kind in ("q", "h"))
        if fy_part:  # "2018/19 Q2", "2018/2019 Q2": a quarter or half of the financial year
            part = t1 if t.kind == "fyspan" else t3
            self.i += 2 if t.kind == "fyspan" else 4
            return _Period(_part_of_year(3 if part.kind == "q" else 6, part.value)[1], t.value)
        if t.kind == "year" and (k := self._year_first_part()):  # 2018 Q1, 2018Q1, 2018-Q1
            part = self.peek(k)
            self.i += k + 1
            return _Period(_part_of_year(3 if part.kind == "q" else 6, part.value)[0], t.value)
        if self.take("year"):
            return _Period(lambda y: (date(y, 1, 1), date(y, 12, 31)), t.value)
        if self.take("acad"):  # "academic year 2018/19": September to August
            t, t1, t2 = self.peek(), self.peek(1), self.peek(2)
            if t.kind == "year" and t1.kind == "sep" and t2.kind == "year" and t2.value == t.value + 1:
                self.i += 3  # "academic year 2018-2019"
                return _Period(lambda y: month_span(y, 9, 12), t.value)
            if (first_year := self._fy()) is None:
                raise _NotUnderstood("an academic year is written like 2018/19")
            return _Period(lambda y: month_span(y, 9, 12), first_year)
        if t.kind == "fyspan" and (month := _month_too(t)):  # "2011-12" alone
            raise _Ambiguous(f"'{t.text}' could be {MONTH_NAMES[month - 1]} {t.value} or the financial year "
                             f"{t.value}/{month:02d}: write one of them in full")
        if t.kind in ("fy", "fyspan"):
            first_year = self._fy()
            if self.take("acad"):  # "2018/19 academic year"
                return _Period(lambda y: month_span(y, 9, 12), first_year)
            return _Period(lambda y: month_span(y, 4, 12), first_year)
        return None


def _month_too(t: _Tok) -> int | None:
    """The month a financial-year token could also be ("2011-12": December 2011), else None."""
    m = re.fullmatch(r"\d{4}[/-](\d{2})", t.text)
    return int(m.group(1)) if m and 1 <= int(m.group(1)) <= 12 else None


def _part_of_year(months: int, n: int) -> tuple[_Span, _Span]:
    """The n-th quarter (months=3) or half (6): (of a calendar year, of a financial year)."""
    return (lambda y: month_span(y, months * (n - 1) + 1, months),
            lambda y: month_span(y, months * (n - 1) + 4, months))


# --- From tokens to a Schedule --------------------------------------------------------------

class _Ctx:
    """What one parse knows of the plan: its lifetime (which bounds repeats), the span that decides a missing year,
    and the notes said so far."""

    def __init__(self, ps: date | None, pe: date | None, context: YearContext | None) -> None:
        self.notes: list[str] = []
        if ps and pe and ps > pe:
            ps = pe = None
            self.notes.append("plan lifetime ignored: its start is after its end")
        self.ps, self.pe = ps, pe
        self.ys: date | None = None
        self.ye: date | None = None
        self.where = ""
        if ps and pe:
            self.ys, self.ye, self.where = ps, pe, "the plan's lifetime"
        elif context:
            self.ys, self.ye, self.where = context.start, context.end, context.source
        self.years = frozenset(range(self.ys.year, self.ye.year + 1)) if self.ys and self.ye else frozenset()
        self.inferred = False  # a year came from the context: the schedule says year_from "plan"

    def mark(self) -> tuple[int, bool]:
        """A point to go back to when a reading is abandoned."""
        return len(self.notes), self.inferred

    def back(self, mark: tuple[int, bool]) -> None:
        """Forget what an abandoned reading said."""
        del self.notes[mark[0]:]
        self.inferred = mark[1]


def _resolve(p: _Period, ctx: _Ctx) -> tuple[date, date]:
    """The period's dates; with no year, the first matching period inside the plan's lifetime (or context)."""
    if p.year is not None:
        return p.fn(p.year)
    if ctx.ys is None or ctx.ye is None:
        raise _NotUnderstood("no year given and no plan lifetime to take it from")
    for y in range(ctx.ys.year - 1, ctx.ye.year + 1):
        try:
            s, e = p.fn(y)
        except ValueError:  # 29 February in a non-leap year
            continue
        if ctx.ys <= s and e <= ctx.ye:
            years = str(s.year) if s.year == e.year else f"{s.year}–{e.year}"
            ctx.notes.append(f"year taken from {ctx.where} ({years})")
            ctx.inferred = True
            return s, e
    raise _NotUnderstood(f"no year given and no such period within {ctx.where}")


def _read(toks: list[_Tok], ctx: _Ctx) -> tuple[str | None, _Period]:
    """(mode, period) of a dated text; failing that, several milestones, or a description with a date."""
    mark = ctx.mark()
    try:
        return _read_plain(toks, ctx)
    except _Ambiguous:
        raise
    except _NotUnderstood:
        ctx.back(mark)
        found = _read_milestones(toks, ctx) or _read_described(toks, ctx)
        if found is None:
            ctx.back(mark)
            raise
        return found


def _read_plain(toks: list[_Tok], ctx: _Ctx) -> tuple[str | None, _Period]:
    """(mode, period) of a dated text: a period or a range, after 'from', 'by', 'until' or 'before' if any."""
    mode = None
    fi = next((i for i, t in enumerate(toks) if t.kind == "from"), None)
    if fi is not None and all(t.kind == "unk" and t.value not in _NEGATING for t in toks[:fi]):
        if fi:  # "Tender process starts October 2017": the words before are a description
            ctx.notes.append(f"'{' '.join(t.text for t in toks[:fi])}' read as a description")
        toks, mode = toks[fi + 1:], "from"
    elif toks and (toks[0].kind in ("by", "before") or (toks[0].kind == "sep" and toks[0].value in _UNTIL)):
        word, toks, mode = toks[0].text, toks[1:], "before" if toks[0].kind == "before" else "by"
        if not toks:
            raise _NotUnderstood(f"'{word}' needs a date or period after it")
    if toks and toks[-1].kind == "onwards" and mode is None:
        toks, mode = toks[:-1], "from"
    stray = [t.text for t in toks if t.kind in _STRAY]
    if stray:
        raise _NotUnderstood("did not understand " + ", ".join(f"'{s}'" for s in stray))
    parser = _Parser(toks, ctx.years, ctx.notes)
    p = parser.range()
    if p is None or parser.i < len(toks):
        rest = " ".join(t.text for t in toks[parser.i:])
        raise _NotUnderstood(f"did not understand '{rest}'")
    ctx.inferred |= parser.inferred
    ctx.notes.extend(p.notes)
    return mode, p


_STRAY = {"unk", "bad", "from", "by", "before", "onwards", "rec", "ongoing", "query"}
_DATED = {"date", "my", "year", "fyspan", "month", "season", "q", "h"}


def _read_milestones(toks: list[_Tok], ctx: _Ctx) -> tuple[str | None, _Period] | None:
    """ "Phase 1 – March 2018 Phase 2 – June 2018", "June 2018 April 2018": every period, each with its year."""
    if any(t.kind in _STRAY - {"unk"} or t.value in _NEGATING for t in toks):
        return None
    periods, i, label = [], 0, False
    while i < len(toks):
        t = toks[i]
        if t.kind == "unk" or (label and t.kind in ("num", "sep")):  # "Phase 2 –": a label, not a date
            i, label = i + 1, t.kind != "sep" or label
            continue
        if t.kind == "sep":
            i += 1
            continue
        label = False
        parser = _Parser(toks[i:], ctx.years, ctx.notes)
        p = parser.range()
        if p is None or parser.i == 0 or p.year is None:
            return None
        ctx.inferred |= parser.inferred
        periods.append(p)
        i += parser.i
    if len(periods) < 2:
        return None
    p = _milestones(periods)
    ctx.notes.extend(p.notes)
    ctx.notes.append(f"several milestones: {len(periods)} dated parts read")
    return None, p


def _read_described(toks: list[_Tok], ctx: _Ctx) -> tuple[str | None, _Period] | None:
    """ "Review content every quarter December 2017": a description, then the date that is the schedule
    (or the date, then a description)."""
    unk = [i for i, t in enumerate(toks) if t.kind == "unk"]
    if not unk or any(toks[i].value in _NEGATING for i in unk):
        return None
    tail = _strip_seps(toks[unk[-1] + 1:])
    if tail and any(t.kind in _DATED for t in tail):
        where, words = "before", toks[:unk[-1] + 1]
        if any(t.kind in _DATED for t in words):  # "March's 2018": a date among the words, not before them
            return None
    else:
        head = _strip_seps(toks[:unk[0]])
        if not head or any(t.kind not in ("unk", "num", "sep") for t in toks[unk[0]:]):
            return None
        where, words, tail = "after", toks[unk[0]:], head
    if where == "before" and words[-1].kind in ("num", "ord"):
        return None  # "week 5 2018": a number straight before the date belongs to it
    if where == "before" and tail[0].kind in ("num", "ord") and words[-1].value in _LABELS:
        words, tail = [*words, tail[0]], _strip_seps(tail[1:])  # "Stage 2 June 2018": 2 is the stage's
        if not tail:
            return None
    if any(len(t.text) < 2 for t in words if t.kind == "unk"):
        return None  # "1H 2018": a letter is not a description
    mark = ctx.mark()
    try:
        found = _read_plain(tail, ctx)
    except _NotUnderstood:
        ctx.back(mark)
        return None
    if (any(t.value in _TIMELY for t in words) or (where == "before" and words[-1].value in _LEADING)) \
            and not _is_day(found[1]):
        ctx.back(mark)  # "Easter 2018", "2nd week of March 2018": the words change the date
        return None
    said = " ".join(t.text for t in words if t.kind == "unk")
    ctx.notes.append(f"the words {where} the date ('{said}') read as a description")
    return found


def _dated(mode: str | None, p: _Period, ctx: _Ctx,
           bound: bool = False) -> tuple[str, date | None, date | None, tuple[date, ...]]:
    """(kind, start, end, dates) of a period read by _read; 'by' and 'before' are deadlines from the plan start.

    bound: the period bounds a repeat ("Monthly until March 2018"), so 'until' is an end, not a deadline.
    """
    s, e = _resolve(p, ctx)
    ps, notes = ctx.ps, ctx.notes
    if p.dates:
        if mode:
            raise _NotUnderstood("separate days cannot be a start or a deadline")
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


def _each_year(p: _Period) -> tuple[tuple[tuple[int, int], tuple[int, int]], str] | None:
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


def _strip_seps(toks: list[_Tok]) -> list[_Tok]:
    """Without separators at either end, except a leading 'until' (a deadline)."""
    while toks and toks[0].kind == "sep" and toks[0].value not in _UNTIL:
        toks = toks[1:]
    while toks and toks[-1].kind == "sep":
        toks = toks[:-1]
    return toks


def _without_described_repeats(toks: list[_Tok]) -> list[_Tok]:
    """ "Review content every quarter December 2017": a repeat inside the words describes the activity; the
    date after them is the schedule. A repeat before any words ("Monthly newsletter from …") stays."""
    first = next((i for i, t in enumerate(toks) if t.kind == "unk"), None)
    if first is None or any(t.kind == "unk" and t.value in _NEGATING for t in toks):
        return toks
    last = max(i for i, t in enumerate(toks) if t.kind == "unk")
    if not any(t.kind in _DATED for t in toks[last + 1:]):
        return toks
    if not any(t.kind in ("year", "fyspan", "date", "my", "isoweek") for t in toks[last + 1:]):
        return toks  # "Refresh every September": no year, so the repeat is the schedule
    kept = toks[:first]
    for i, t in enumerate(toks[first:], first):
        after = toks[i + 1] if i + 1 < len(toks) else _END
        # "posts weekly from April 2018": a repeat that a start or an end follows is the schedule
        if t.kind not in ("rec", "ongoing", "asneeded") or after.kind in ("from", "by", "before") or (
                after.kind == "sep" and after.value in _UNTIL):
            kept.append(t)
    return kept


def _parse(text: object, ctx: _Ctx) -> Schedule:
    raw = "" if text is None else str(text)
    if isinstance(text, date):
        d = text.date() if isinstance(text, datetime) else text
        return Schedule(raw, "day", d, d, dates=(d,))
    if not raw.strip():
        return Schedule(raw, "unknown", None, None, note="blank")
    notes = ctx.notes
    ps, pe = ctx.ps, ctx.pe
    if isinstance(text, (int, float)) and not isinstance(text, bool) and float(text).is_integer():
        text = str(int(text))  # a year typed into a numeric cell reads back as 2018.0
    toks = _without_described_repeats(_tokenize(text if isinstance(text, str) else raw, notes))
    provisional = any(t.kind in ("tbc", "query", "est") for t in toks)
    only_query = provisional and not any(t.kind in ("tbc", "est") for t in toks)
    if any(t.kind == "est" for t in toks):
        notes.append("estimated")
    as_needed = any(t.kind == "asneeded" for t in toks)
    if as_needed:
        notes.append("as required: no fixed dates")
    toks = _strip_seps([t for t in toks if t.kind not in ("tbc", "query", "est", "asneeded")])
    if len(toks) > 1 and toks[-1].kind == "acad":
        if any(t.kind in ("month", "season", "date", "my") for t in toks):
            toks = _strip_seps(toks[:-1])  # "Sept 2018 – July 2019 (academic year)": the dates say it
            notes.append("'academic year' read as a description")
        else:
            toks = [toks[-1], *toks[:-1]]  # "2018-2019 academic year", "2018/19 academic year"

    def note() -> str | None:
        return "; ".join(notes) or None

    def year_from() -> str | None:
        return "plan" if ctx.inferred else None

    if not toks:
        if as_needed:
            return Schedule(raw, "ongoing", ps, pe, provisional, note=note())
        if not provisional or only_query:
            raise _NotUnderstood("no date, period or schedule word found")
        return Schedule(raw, "tbc", None, None, note=note())
    recs = {t.value for t in toks if t.kind == "rec"}
    ongoing = as_needed or any(t.kind == "ongoing" for t in toks)
    rest = _strip_seps([t for t in toks if t.kind not in ("rec", "ongoing")])
    if len(recs) > 1:
        raise _NotUnderstood("more than one repeat: " + ", ".join(sorted(recs)))
    if not recs and not ongoing:
        mode, p = _read(rest, ctx)
        kind, s, e, dates = _dated(mode, p, ctx)
        return Schedule(raw, kind, s, e, provisional, dates=dates, note=note(), year_from=year_from(),
                        windows=p.windows if kind == "window" else ())
    # A repeat or "ongoing", across the plan's lifetime or within the period the rest of the text gives.
    kind, recurrence = ("recurring", recs.pop()) if recs else ("ongoing", None)
    if not rest:
        return Schedule(raw, kind, ps, pe, provisional, recurrence, note=note())
    mode, p = _read(rest, ctx)
    if ongoing and not recs and mode is None and toks[-1].kind == "ongoing":
        mode = "from"  # "Jan 2019 – ongoing": from then on
    if recurrence == "annually" and mode is None and p.year is None and not p.dates:
        if (part := _each_year(p)) is not None:  # "Annually in March": that part of every year
            notes.append(part[1])
            return Schedule(raw, kind, ps, pe, provisional, recurrence, note=note(), each_year=part[0])
    _, s, e, dates = _dated(mode, p, ctx, bound=True)
    if dates or p.windows:
        raise _NotUnderstood(f"{'a repeat' if recurrence else 'ongoing'} cannot be bounded by separate days")
    e = e if e is not None else pe
    if s and e and s > e:
        raise _NotUnderstood(f"the {'repeat' if recurrence else 'ongoing'} window lies outside the plan's lifetime")
    return Schedule(raw, kind, s, e, provisional, recurrence, note=note(), year_from=year_from())


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
        sch = _parse(text, _Ctx(ps, pe, context))
    except _Ambiguous as exc:
        return Schedule(raw, "unknown", None, None, note=str(exc), ambiguous=True)
    except _NotUnderstood as exc:
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
