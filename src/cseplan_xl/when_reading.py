"""Reading one When cell's tokens in the plan's context: a plain period or range (after from, by, until or before),
failing that several milestones or a description with a date; a missing year taken from the plan."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .when_grammar import Parser
from .when_periods import Ambiguous, NotUnderstood, WhenPeriod, is_day, milestones
from .when_words import END, LABELS, LEADING, NEGATING, TIMELY, UNTIL, Token

_STRAY = {"unk", "bad", "from", "by", "before", "onwards", "rec", "ongoing", "query"}  # token kinds no period holds
_DATED = {"date", "my", "year", "fyspan", "month", "season", "q", "h"}  # token kinds that give a date

@dataclass(frozen=True)
class YearContext:
    """Where a missing or two-digit year comes from when the plan has no lifetime: a span of dates and its name
    ("the plan's dated rows", "the as-of date")."""

    start: date
    end: date
    source: str


class ParseContext:
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


def resolve(p: WhenPeriod, ctx: ParseContext) -> tuple[date, date]:
    """The period's dates; with no year, the first matching period inside the plan's lifetime (or context)."""
    if p.year is not None:
        return p.fn(p.year)
    if ctx.ys is None or ctx.ye is None:
        raise NotUnderstood("no year given and no plan lifetime to take it from")
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
    raise NotUnderstood(f"no year given and no such period within {ctx.where}")


def read_period(toks: list[Token], ctx: ParseContext) -> tuple[str | None, WhenPeriod]:
    """(mode, period) of a dated text; failing that, several milestones, or a description with a date."""
    mark = ctx.mark()
    try:
        return _read_plain(toks, ctx)
    except Ambiguous:
        raise
    except NotUnderstood:
        ctx.back(mark)
        found = _read_milestones(toks, ctx) or _read_described(toks, ctx)
        if found is None:
            ctx.back(mark)
            raise
        return found


def _read_plain(toks: list[Token], ctx: ParseContext) -> tuple[str | None, WhenPeriod]:
    """(mode, period) of a dated text: a period or a range, after 'from', 'by', 'until' or 'before' if any."""
    mode = None
    fi = next((i for i, t in enumerate(toks) if t.kind == "from"), None)
    if fi is not None and all(t.kind == "unk" and t.value not in NEGATING for t in toks[:fi]):
        if fi:  # "Tender process starts October 2017": the words before are a description
            ctx.notes.append(f"'{' '.join(t.text for t in toks[:fi])}' read as a description")
        toks, mode = toks[fi + 1:], "from"
    elif toks and (toks[0].kind in ("by", "before") or (toks[0].kind == "sep" and toks[0].value in UNTIL)):
        word, toks, mode = toks[0].text, toks[1:], "before" if toks[0].kind == "before" else "by"
        if not toks:
            raise NotUnderstood(f"'{word}' needs a date or period after it")
    if toks and toks[-1].kind == "onwards" and mode is None:
        toks, mode = toks[:-1], "from"
    stray = [t.text for t in toks if t.kind in _STRAY]
    if stray:
        raise NotUnderstood("did not understand " + ", ".join(f"'{s}'" for s in stray))
    parser = Parser(toks, ctx.years, ctx.notes)
    p = parser.range()
    if p is None or parser.i < len(toks):
        rest = " ".join(t.text for t in toks[parser.i:])
        raise NotUnderstood(f"did not understand '{rest}'")
    ctx.inferred |= parser.inferred
    ctx.notes.extend(p.notes)
    return mode, p


def _read_milestones(toks: list[Token], ctx: ParseContext) -> tuple[str | None, WhenPeriod] | None:
    """ "Phase 1 – March 2018 Phase 2 – June 2018", "June 2018 April 2018": every period, each with its year."""
    if any(t.kind in _STRAY - {"unk"} or t.value in NEGATING for t in toks):
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
        parser = Parser(toks[i:], ctx.years, ctx.notes)
        p = parser.range()
        if p is None or parser.i == 0 or p.year is None:
            return None
        ctx.inferred |= parser.inferred
        periods.append(p)
        i += parser.i
    if len(periods) < 2:
        return None
    p = milestones(periods)
    ctx.notes.extend(p.notes)
    ctx.notes.append(f"several milestones: {len(periods)} dated parts read")
    return None, p


def _read_described(toks: list[Token], ctx: ParseContext) -> tuple[str | None, WhenPeriod] | None:
    """ "Review content every quarter December 2017": a description, then the date that is the schedule
    (or the date, then a description)."""
    unk = [i for i, t in enumerate(toks) if t.kind == "unk"]
    if not unk or any(toks[i].value in NEGATING for i in unk):
        return None
    tail = strip_seps(toks[unk[-1] + 1:])
    if tail and any(t.kind in _DATED for t in tail):
        where, words = "before", toks[:unk[-1] + 1]
        if any(t.kind in _DATED for t in words):  # "March's 2018": a date among the words, not before them
            return None
    else:
        head = strip_seps(toks[:unk[0]])
        if not head or any(t.kind not in ("unk", "num", "sep") for t in toks[unk[0]:]):
            return None
        where, words, tail = "after", toks[unk[0]:], head
    if where == "before" and words[-1].kind in ("num", "ord"):
        return None  # "week 5 2018": a number straight before the date belongs to it
    if where == "before" and tail[0].kind in ("num", "ord") and words[-1].value in LABELS:
        words, tail = [*words, tail[0]], strip_seps(tail[1:])  # "Stage 2 June 2018": 2 is the stage's
        if not tail:
            return None
    if any(len(t.text) < 2 for t in words if t.kind == "unk"):
        return None  # "1H 2018": a letter is not a description
    mark = ctx.mark()
    try:
        found = _read_plain(tail, ctx)
    except NotUnderstood:
        ctx.back(mark)
        return None
    if (any(t.value in TIMELY for t in words) or (where == "before" and words[-1].value in LEADING)) \
            and not is_day(found[1]):
        ctx.back(mark)  # "Easter 2018", "2nd week of March 2018": the words change the date
        return None
    said = " ".join(t.text for t in words if t.kind == "unk")
    ctx.notes.append(f"the words {where} the date ('{said}') read as a description")
    return found


def strip_seps(toks: list[Token]) -> list[Token]:
    """Without separators at either end, except a leading 'until' (a deadline)."""
    while toks and toks[0].kind == "sep" and toks[0].value not in UNTIL:
        toks = toks[1:]
    while toks and toks[-1].kind == "sep":
        toks = toks[:-1]
    return toks


def without_described_repeats(toks: list[Token]) -> list[Token]:
    """ "Review content every quarter December 2017": a repeat inside the words describes the activity; the
    date after them is the schedule. A repeat before any words ("Monthly newsletter from …") stays."""
    first = next((i for i, t in enumerate(toks) if t.kind == "unk"), None)
    if first is None or any(t.kind == "unk" and t.value in NEGATING for t in toks):
        return toks
    last = max(i for i, t in enumerate(toks) if t.kind == "unk")
    if not any(t.kind in _DATED for t in toks[last + 1:]):
        return toks
    if not any(t.kind in ("year", "fyspan", "date", "my", "isoweek") for t in toks[last + 1:]):
        return toks  # "Refresh every September": no year, so the repeat is the schedule
    kept = toks[:first]
    for i, t in enumerate(toks[first:], first):
        after = toks[i + 1] if i + 1 < len(toks) else END
        # "posts weekly from April 2018": a repeat that a start or an end follows is the schedule
        if t.kind not in ("rec", "ongoing", "asneeded") or after.kind in ("from", "by", "before") or (
                after.kind == "sep" and after.value in UNTIL):
            kept.append(t)
    return kept

