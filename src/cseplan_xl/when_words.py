"""The words of When text: the vocabulary (phrases, month and season words, filler, the words that mark a
description) and the tokenizer that turns a cell into tokens for the grammar."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .dates import MONTH_NAMES, MONTH_NUMBERS, MONTH_PATTERN, parse_day

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
SEASONS = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}  # meteorological starts
TERMS = {"autumn": (9, 4), "spring": (1, 3), "summer": (4, 4)}  # England school terms, approximate
# word -> (token kind, value); words not here and not filler are 'unk' and make the text not understood
_LEXICON: dict[str, tuple[str, Any]] = {
    **{w: ("month", m) for w, m in MONTH_NUMBERS.items()}, **{w: ("season", w) for w in SEASONS},
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
class Token:
    """One token of a When text: its kind, value and the text it came from."""

    kind: str
    value: Any = None  # by kind: a month or year number, a (y, m, d) tuple, a word
    text: str = ""


END = Token("end")
_DIGITS = re.compile(r"\d+")
_NUMERIC = {"my", "ym", "fyspan", "dmy", "iso", "year", "num", "ord", "q", "h", "ayear"}
UNTIL = ("until", "till", "til", "to")  # a leading one makes a deadline: "until March 2018"
BOTH = ("&", "and")  # "A & B" names two things, not the span between them
# Words that make a date among them a different time ("Easter 2018", "2nd week of March"): a text holding one is
# not read as "a description, then a date" unless that date is a single day.
TIMELY = set("easter christmas xmas holiday holidays half term terms week weeks weekend fortnight fortnightly "
             "academic school year years day days month months new eve festive season semester session deadline "
             "latest earliest likely possibly probably maybe perhaps hopefully week's".split())
# Words a number after which names a part of the plan, not a day: "Phase 1 – March 2018", "Stage 2 June 2018".
LABELS = set("phase stage wave part step round cohort tranche session module level tier option strand".split())
# Words that, straight before a date, make it something else ("refresh every September", "per March").
LEADING = {"every", "each", "per", "until", "after", "since", "following"}
# Words that change what a date means: a text holding one is never read as "a description, then a date".
NEGATING = set("not no except excluding unless after instead either or if cancelled canceled postponed delayed "
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


def _slip(word: str, notes: list[str]) -> Token | None:
    """A month or season misspelt by one slip ("Febuary", "Setpember", "Autum"), when only one fits."""
    if len(word) < 5:
        return None
    fits = [k for k in _SLIP_WORDS if _one_slip(word, k)]
    if len(fits) != 1:
        return None
    notes.append(f"'{word}' read as {fits[0].capitalize()} (assumed a typing slip)")
    return Token(*_SLIP_WORDS[fits[0]], word)


def tokenize(text: str, notes: list[str] | None = None) -> list[Token]:
    """The When text as tokens: months, seasons, years, separators, markers, unknown words."""
    notes = [] if notes is None else notes
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text.replace("\x00", "\ufffd")).casefold()
    for pattern, marker in _PHRASES:
        text = pattern.sub(marker, text)
    toks: list[Token] = []
    i = 0
    while i < len(text):
        m = _TOKEN.match(text, i)
        assert m is not None  # the last alternative, "bad", takes any character
        i, kind, s = m.end(), m.lastgroup or "bad", m.group()
        if kind == "skip":
            continue
        if kind == "marker":
            name, _, value = s[1:].partition(":")
            toks.append(Token(name, value.replace("_", "-") or None, name))
        elif kind == "word":
            if s not in _FILLER:
                word_kind, value = _LEXICON[s] if s in _LEXICON else ("unk", s)
                toks.append(Token(word_kind, value, s) if word_kind != "unk" else _slip(s, notes) or Token("unk", s, s))
        elif kind in ("sep", "query", "bad"):
            toks.append(Token(kind, s, s))
        else:
            toks.append(_numeric(kind, s))
    return toks


def _numeric(kind: str, s: str) -> Token:
    """The token of a match written with digits: a day, month, week, year, financial year, quarter or number."""
    nums = [int(n) for n in _DIGITS.findall(s)] if kind in _NUMERIC else []
    if kind == "isoweek":  # 2018-W05: ISO week 5 of 2018, Monday to Sunday
        year, week = int(s[:4]), int(s[-2:].lstrip("w"))
        return Token("isoweek", (year, week), s)
    if kind == "dmon":  # "18-Jan", "18-Jan-2018": Excel's d-mmm(-yyyy), written without spaces
        number, _, month = s.partition("-")
        return Token("dmon", (MONTH_NUMBERS[month], int(number)), s)
    if kind == "hq":  # 1H 2018, 2H18, 3Q 2018: a half or quarter written number first
        return Token(s[1], int(s[0]), s)
    if kind == "ayear":  # '17, ’17: always a year
        return Token("year", 2000 + int(s[-2:]), s)
    if kind == "fyspan":
        ok = nums[1] == (nums[0] + 1) % 100
        return Token("fyspan", nums[0], s) if ok else Token("unk", s, s)
    if kind == "ym":  # 2017-11, 2017/11, 2017.11: a month, unless it is also a financial year (2011-12)
        if nums[1] == (nums[0] + 1) % 100 and "." not in s:  # the parser decides from what is around it
            return Token("fyspan", nums[0], s)
        return Token("my", (nums[0], nums[1]), s)
    if kind == "my":  # 12/2018: a month, as UK plans write it
        return Token("my", (nums[1], nums[0]), s)
    if kind in ("dmy", "iso"):
        day = parse_day(s)
        return Token("date", (day.year, day.month, day.day), s)
    return Token(kind, nums[0], s)  # year, num, ord, q, h
