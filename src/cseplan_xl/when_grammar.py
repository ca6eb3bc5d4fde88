"""The When grammar: recursive descent over the tokens of one text into a period, or a range of two
(range := period [sep period]); each form of period is one branch of `Parser.period`'s steps."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta

from .dates import MONTH_NAMES, month_span
from .when_periods import (
    Ambiguous,
    ByYear,
    NotUnderstood,
    WhenPeriod,
    both_periods,
    fixed,
    is_day,
    join,
    part_of_month,
    part_of_year,
    two_days,
)
from .when_words import BOTH, END, SEASONS, TERMS, Token


class Parser:
    """Recursive descent over tokens: range := period [sep period]."""

    def __init__(self, toks: list[Token], years: frozenset[int] = frozenset(), notes: list[str] | None = None) -> None:
        self.toks, self.i = toks, 0
        self.years = years  # the years of the plan's context, which decide "March 16" and "Sept 2-18"
        self.notes = [] if notes is None else notes
        self.inferred = False  # a year was read with the help of the plan's context
        # "Sept 18 - July 19": month + two digits written twice is one form; if one is a year of the plan, both are
        pairs = [b.value for a, b, c in zip(toks, toks[1:], [*toks[2:], END])
                 if a.kind == "month" and b.kind == "num" and c.kind not in ("year", "fyspan", "num", "ord")]
        self.pairs_are_years = len(pairs) > 1 and any(2000 + n in years for n in pairs)

    def peek(self, k: int = 0) -> Token:
        """The token k places ahead of the current one (END past the last), without taking it."""
        j = self.i + k
        return self.toks[j] if j < len(self.toks) else END

    def take(self, *kinds: str) -> Token | None:
        """The current token when it is one of these kinds, taken; else None (nothing taken)."""
        t = self.peek()
        if t.kind in kinds:
            self.i += 1
            return t
        return None

    def range(self) -> WhenPeriod | None:
        """A period, or two joined by a separator ("March to May 2018", "19-21 March", "5 & 12 March"); None when
        no period starts at the current token."""
        t, t1, t2, t3 = self.peek(), self.peek(1), self.peek(2), self.peek(3)
        if (t.kind == "num" and t1.kind == "sep" and t1.value in ("/", "-") and t2.kind == "num"
                and t2.value == t.value + 1 and 10 <= t.value and t3.kind in ("end", "sep")):
            self.i += 3  # "18/19": the financial year 2018/19
            return WhenPeriod(lambda y: month_span(y, 4, 12), 2000 + t.value)
        if self.peek().kind in ("num", "ord") and self.peek(1).kind == "sep":  # 19-21 March 2018
            d1, both = self.peek().value, self.peek(1).value in BOTH
            if self.peek(2).kind == "year" and self.peek(1).value in ("/", "-"):  # 13/2018
                raise NotUnderstood(f"'{self.peek().text}{self.peek(1).text}{self.peek(2).text}' is not a month "
                                     "and year (months run 1 to 12, e.g. 12/2018)")
            self.i += 2
            b = self.period()
            if b is None or not is_day(b):
                raise NotUnderstood("a day range needs a full day after the separator")
            span = b.fn

            def fn(y: int) -> tuple[date, date]:
                return span(y)[0].replace(day=d1), span(y)[1]

            if both:  # 5 & 12 March 2018: two days
                return two_days(WhenPeriod(fn, b.year, notes=b.notes))
            if b.year is not None:
                return fixed(*fn(b.year), b.year, b.notes)
            return WhenPeriod(fn, None, notes=b.notes, joined=True)
        a = self.period()
        if a is None or (sep := self.take("sep")) is None:
            return a
        t, t1 = self.peek(), self.peek(1)
        if t.kind == "num" and t1.kind in ("end", "sep") and a.year is not None and a.year < 2000 + t.value < 2100:
            self.i += 1  # "Summer 2018 to 19": up to the end of 2019
            self.notes.append(f"'{t.text}' read as {2000 + t.value}")
            b = WhenPeriod(lambda y: (date(y, 1, 1), date(y, 12, 31)), 2000 + t.value)
        else:
            b = self.period()
        if b is None:
            raise NotUnderstood("nothing understood after the separator")
        if sep.value in BOTH:
            return both_periods(a, b)
        return join(a, b)

    def period(self) -> WhenPeriod | None:
        """One period starting at the current token, or None (nothing taken) when none starts there."""
        if self.take("wc"):
            return self._week_commencing()
        return self._date_token() or self._month_forms() or self._part_forms() or self._year_forms()

    def _week_commencing(self) -> WhenPeriod:
        """ "w/c 5 March 2018" (after the w/c): the week from that day."""
        p = self.period()
        if p is None or not is_day(p):
            raise NotUnderstood("w/c needs a day, e.g. w/c 5 March 2018")
        return replace(p, fn=lambda y: (p.fn(y)[0], p.fn(y)[0] + timedelta(days=6)))

    def _date_token(self) -> WhenPeriod | None:
        """A token that is a date in itself: 05/03/2018, 18-Jan, 2018-W05, 12/2018."""
        t = self.peek()
        if self.take("date"):
            return WhenPeriod(lambda _y: (date(*t.value),) * 2, t.value[0])
        if self.take("dmon"):
            return self._day(*t.value)
        if self.take("isoweek"):
            monday = date.fromisocalendar(t.value[0], t.value[1], 1)
            return WhenPeriod(lambda _y: (monday, monday + timedelta(days=6)), t.value[0], joined=True)
        if self.take("my"):
            return WhenPeriod(lambda y: month_span(y, t.value[1]), t.value[0])
        return None

    def _month_forms(self) -> WhenPeriod | None:
        """A month, with a day or a year if one goes with it: "5 March", "March 16", "Sep-18", "March 2018"."""
        t, t1 = self.peek(), self.peek(1)
        if t.kind in ("num", "ord") and t1.kind == "month":
            self.i += 2
            return self._day(t1.value, t.value)
        if t.kind != "month":
            return None
        if t1.kind == "num" and (as_month := self._month_number(t, t1)) is not None:
            return as_month
        if t1.kind in ("num", "ord"):
            self.i += 2
            return self._day(t.value, t1.value)
        t2, t3 = self.peek(2), self.peek(3)
        if (t1.kind == "sep" and t1.value in ("-", "/") and t2.kind == "num"
                and t3.kind not in ("month", "ord") and not (t3.kind == "sep" and self.peek(4).kind in ("num", "ord"))):
            self.i += 3  # "Sep-18", "Jun/19": Excel's mmm-yy, a month and a two-digit year
            self.notes.append(f"'{t.text}{t1.text}{t2.text}' read as {MONTH_NAMES[t.value - 1]} {2000 + t2.value}")
            return WhenPeriod(lambda y: month_span(y, t.value), 2000 + t2.value)
        self.i += 1  # "March 2018", or "March" alone
        return self._with_year(lambda y: month_span(y, t.value, 1), two_digit=False)

    def _part_forms(self) -> WhenPeriod | None:
        """Part of a year: "Quarter 3", "2017 nov", "the fourth month", "late Summer", "Spring term", "Q1", "H2"."""
        t, t1 = self.peek(), self.peek(1)
        if t.kind == "quarter" and t1.kind == "num" and 1 <= t1.value <= 4:
            self.i += 2  # "Quarter 3 2018"
            return self._with_year(*part_of_year(3, t1.value))
        if t.kind == "year" and (after := self._year_then_part()) is not None:
            return after
        if t.kind in ("nth", "ord") and t1.kind == "monthword" and 1 <= t.value <= 12:
            self.i += 2  # "the fourth month of 2018"
            return self._with_year(lambda y: month_span(y, t.value), lambda y: month_span(y, t.value + 3))
        if self.take("rel"):
            return self._relative(t)
        if self.take("season"):
            return self._season(t)
        if t.kind == "last" and t1.kind in ("quarter", "half") and self.peek(2).kind in ("year", "fyspan", "fy"):
            self.i += 2  # "the last quarter of 2018", "final half of 2018/19": never the quarter before now
            return self._with_year(*part_of_year(3, 4) if t1.kind == "quarter" else part_of_year(6, 2))
        if t.kind == "q" or (t.kind in ("nth", "ord") and t1.kind == "quarter" and 1 <= t.value <= 4):
            self.i += 1 if t.kind == "q" else 2
            return self._with_year(*part_of_year(3, t.value))
        if t.kind == "h" or (t.kind in ("nth", "ord") and t1.kind == "half" and 1 <= t.value <= 2):
            self.i += 1 if t.kind == "h" else 2
            return self._with_year(*part_of_year(6, t.value))
        return None

    def _relative(self, t: Token) -> WhenPeriod:
        """After early, mid or late (t): part of a month, a season, a quarter or a year."""
        if (m := self.take("month")) is not None:
            month = m.value
            return self._with_year(lambda y: part_of_month(y, month, t.value))
        if (season := self.take("season")) is not None and season.value in SEASONS:
            first = SEASONS[season.value] + t.value  # "late Summer 2018": August 2018
            return self._with_year(lambda y: month_span(y, first))
        q = self.peek()
        if q.kind == "q" or (q.kind in ("nth", "ord") and self.peek(1).kind == "quarter" and 1 <= q.value <= 4):
            self.i += 1 if q.kind == "q" else 2  # "the end of the third quarter": its last month
            first = 3 * (q.value - 1) + 1 + t.value
            return self._with_year(lambda y: month_span(y, first), lambda y: month_span(y, first + 3))
        if (y := self.take("year")) is not None:
            return WhenPeriod(lambda y: month_span(y, 1 + 4 * t.value, 4), y.value)
        raise NotUnderstood(f"'{t.text}' needs a month or a year after it")

    def _season(self, t: Token) -> WhenPeriod:
        """After a season (t): its school term, the winter of two years, or the season."""
        if self.take("term"):
            if t.value not in TERMS:
                raise NotUnderstood(f"there is no {t.value} school term")
            first, count = TERMS[t.value]
            return self._with_year(lambda y: month_span(y, first, count),
                                   notes=("school term dates are approximate",))
        if t.value == "winter" and (winter := self._winter_pair()) is not None:
            return winter
        return self._with_year(lambda y: month_span(y, SEASONS[t.value], 3))

    def _year_forms(self) -> WhenPeriod | None:
        """A year, a financial or academic year, or a quarter or half of one: "2018", "2018 Q1", "2018/19 Q2"."""
        t, t1, t2, t3 = self.peek(), self.peek(1), self.peek(2), self.peek(3)
        fy_part = (t.kind == "fyspan" and t1.kind in ("q", "h")) or (
            t.kind == "year" and t1.kind == "sep" and t1.value == "/" and t2.kind == "year"
            and t2.value == t.value + 1 and t3.kind in ("q", "h"))
        if fy_part:  # "2018/19 Q2", "2018/2019 Q2": a quarter or half of the financial year
            part = t1 if t.kind == "fyspan" else t3
            self.i += 2 if t.kind == "fyspan" else 4
            return WhenPeriod(part_of_year(3 if part.kind == "q" else 6, part.value)[1], t.value)
        if t.kind == "year" and (k := self._year_first_part()):  # 2018 Q1, 2018Q1, 2018-Q1
            part = self.peek(k)
            self.i += k + 1
            return WhenPeriod(part_of_year(3 if part.kind == "q" else 6, part.value)[0], t.value)
        if self.take("year"):
            return WhenPeriod(lambda y: (date(y, 1, 1), date(y, 12, 31)), t.value)
        if self.take("acad"):
            return self._academic()
        if t.kind == "fyspan" and (month := _month_too(t)):  # "2011-12" alone
            raise Ambiguous(f"'{t.text}' could be {MONTH_NAMES[month - 1]} {t.value} or the financial year "
                            f"{t.value}/{month:02d}: write one of them in full")
        if t.kind in ("fy", "fyspan"):
            first_year = self._fy()
            if self.take("acad"):  # "2018/19 academic year"
                return WhenPeriod(lambda y: month_span(y, 9, 12), first_year)
            return WhenPeriod(lambda y: month_span(y, 4, 12), first_year)
        return None

    def _academic(self) -> WhenPeriod:
        """After "academic year": the year pair it names, September to August ("academic year 2018/19")."""
        t, t1, t2 = self.peek(), self.peek(1), self.peek(2)
        if t.kind == "year" and t1.kind == "sep" and t2.kind == "year" and t2.value == t.value + 1:
            self.i += 3  # "academic year 2018-2019"
            return WhenPeriod(lambda y: month_span(y, 9, 12), t.value)
        if (first_year := self._fy()) is None:
            raise NotUnderstood("an academic year is written like 2018/19")
        return WhenPeriod(lambda y: month_span(y, 9, 12), first_year)

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
            raise NotUnderstood("FY needs a year pair such as FY2018/19")
        if y is not None:
            self.take("fy")  # "2018/19 financial year"
        return y

    def _with_year(self, fn: ByYear, fy_fn: ByYear | None = None, notes: tuple[str, ...] = (),
                   two_digit: bool = True) -> WhenPeriod:
        """The period `fn` gives, in the year the tokens after it name ("2018", "-2018", "Spring 15"), or in a
        financial year through `fy_fn` ("Q3 17/18", "Q2 2018/2019"); without a year when none follows.

        two_digit: whether two digits alone may be the year (not after a month: "March 16" is _month_number's).
        """
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
            return WhenPeriod(fy_fn, 2000 + t.value, notes=notes)
        if two_digit and t.kind == "num" and t1.kind not in ("month", "ord", "num") and not (
                t1.kind == "sep" and self.peek(2).kind in ("num", "ord")):  # "Spring 15", "Q2 18"
            if not 0 <= t.value <= 79:
                raise NotUnderstood(f"'{t.text}' is not a year of this century")
            self.i += 1
            self.notes.append(f"'{t.text}' read as {2000 + t.value}")
            return WhenPeriod(fn, 2000 + t.value, notes=notes)
        if (year := self.take("year")) is not None:
            after, then = self.peek(), self.peek(1)
            if (fy_fn is not None and after.kind == "sep" and after.value == "/" and then.kind == "year"
                    and then.value == year.value + 1):
                self.i += 2  # "Q2 2018/2019": of the financial year
                return WhenPeriod(fy_fn, year.value, notes=notes)
            return WhenPeriod(fn, year.value, notes=notes)
        if fy_fn is not None and (y := self._fy()) is not None:
            return WhenPeriod(fy_fn, y, notes=notes)
        return WhenPeriod(fn, None, notes=notes)

    def _year_then_part(self) -> WhenPeriod | None:
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
        if part.kind == "season" and part.value not in SEASONS:
            return None
        self.i += k + 1
        first, count = (part.value, 1) if part.kind == "month" else (SEASONS[part.value], 3)
        return WhenPeriod(lambda y: month_span(y, first, count), year.value)

    def _winter_pair(self) -> WhenPeriod | None:
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
        return WhenPeriod(lambda y: month_span(y, 12, 3), first)

    def _month_number(self, month: Token, num: Token) -> WhenPeriod | None:
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
            return WhenPeriod(lambda y: month_span(y, month.value), year)
        if (t2.kind in ("year", "fyspan", "month", "num", "ord") or not 1 <= num.value <= 99
                or (t2.kind == "sep" and t3.kind in ("num", "ord", "year"))):
            return None  # "Sept 19 2017", "March 18 2018/19", "March 5-9": a day
        year = 2000 + num.value
        words = f"'{month.text} {num.text}'"
        if num.value > 31:
            self.i += 2
            self.notes.append(f"{words} read as {name} {year}")
            return WhenPeriod(lambda y: month_span(y, month.value), year)
        if not self.years:
            raise Ambiguous(f"{words} could be {num.value} {name} or {name} {year}: give the year")
        self.inferred = True
        if year in self.years or (self.pairs_are_years and num.value > 12):
            self.i += 2
            why = "a year of the plan" if year in self.years else "a year, as the text's other dates are"
            self.notes.append(f"{words} read as {name} {year}, {why} (not {num.value} {name})")
            return WhenPeriod(lambda y: month_span(y, month.value), year)
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

    def _day(self, m: int, d: int) -> WhenPeriod:
        """Day d of month m, in the year that follows, or that day in each of two years ("March 18 2018/19")."""

        def fn(y: int) -> tuple[date, date]:
            return date(y, m, d), date(y, m, d)

        t, t1, t2 = self.peek(), self.peek(1), self.peek(2)
        years = None
        if t.kind == "fyspan":  # March 18 2018/19: that day in each year
            years, self.i = (t.value, t.value + 1), self.i + 1
        elif t.kind == "year" and t1.kind == "sep" and t1.value in ("/", "&", "and") and t2.kind == "year":
            if t2.value <= t.value:
                raise NotUnderstood("the second year must come after the first")
            years, self.i = (t.value, t2.value), self.i + 3
        if years:
            dates = tuple(fn(y)[0] for y in years)
            return WhenPeriod(lambda _y: (dates[0], dates[-1]), years[0], dates=dates)
        return self._with_year(fn)


def _month_too(t: Token) -> int | None:
    """The month a financial-year token could also be ("2011-12": December 2011), else None."""
    m = re.fullmatch(r"\d{4}[/-](\d{2})", t.text)
    return int(m.group(1)) if m and 1 <= int(m.group(1)) <= 12 else None
