"""What the newsletter article says: a pure function of (plan, rollup, evaluation), computing no figure.

Every count and date comes from the rollup (delivered, overdue, planned, unscheduled, groups) or from the
evaluation's partner-facing view; the plan gives only names (Control settings) and the words it quotes
(activity titles, progress notes, published anecdotes), which are listed for the privacy screen.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from . import contract
from .awareness import awareness_dates
from .contract import RAG_COLOURS, RAG_LEGEND, RAG_MEANING, RAG_VALUES
from .dates import format_day, month_end
from .disclosure import FEWER_THAN
from .period import Period, make_period
from .plan import Activity, Plan
from .privacy import TextItem
from .words import plural

MAX_QUOTES = 2
MAX_LISTED = 5  # "what we did", "overdue" and "what is next" list at most this many; the rest are counted
_T = TypeVar("_T")
TITLE_WORDS = 12  # a title longer than this is cut at a sentence or clause boundary
HELPLINES = {"emergency": "999", "non_emergency": "101", "crimestoppers": "0800 555 111", "childline": "0800 1111"}
FALLBACK = {
    "board_name": "the Safeguarding Children Board",
    "board_short": "board",
    "newsletter_title": "Safeguarding newsletter",
    "contact_mailbox": "the CSE communications team",
    "referral_route": "refer to children's social care through your local safeguarding referral route.",
}
SIGNS = (
    "going missing",
    "unexplained gifts or money",
    "older 'friends' kept secret",
    "secretive phone or online use",
    "changes in behaviour or school attendance",
)
PARTNER_ACTIONS = (
    "Share the key messages with staff, young people and families.",
    "Check that frontline staff know the signs and the referral route.",
    "Send us anonymised, consented feedback.",
)
RAG_CAPTION = "The same activities as bars coloured by status; the number after each bar is the theme's total."


@dataclass
class Article:
    """The context (JSON-able, for the template) and the plan text it quotes (for the privacy screen)."""

    context: dict[str, Any]
    items: list[TextItem] = field(default_factory=list)
    officer_notes: list[str] = field(default_factory=list)  # for the officer, never in the article
    as_of: dt.date | None = None  # the as-of date of the rollup and evaluation it tells
    as_of_note: str | None = None  # one line when that date falls outside the plan's lifetime


def build_article(plan: Plan, rollup: Any, evaluation: Any, appendix: bool = False) -> Article:
    """The article's context from the rollup and the evaluation (both for the same as-of date and period)."""
    return _Writer(plan, rollup, evaluation, appendix).article()


@dataclass
class _Writer:
    plan: Plan
    rollup: Any
    evaluation: Any
    appendix: bool
    items: list[TextItem] = field(default_factory=list)

    def article(self) -> Article:
        roll, period, nxt = self.rollup, self.rollup.period, self.rollup.next_period
        self.by_row = {a.row: a for a in self.plan.activities}
        self.partner = self.evaluation.partner_view()
        s = self.plan.settings
        # Only the activities listed are titled and quoted (and so screened): a plan of thousands stays short.
        delivered, did_more = _first(list(roll.delivered), lambda d: not d.complete)
        planned, next_more = _first(list(roll.planned), lambda p: p.date)
        did, coming = self._did(delivered), self._coming(planned)
        seeing = self._seeing()
        months = self._referral_months()
        context = {
            **{key: getattr(s, key) or fallback for key, fallback in FALLBACK.items()},
            "as_of": format_day(roll.as_of, long=True),
            "period": {**period.to_dict(), "title": period.describe()},
            "next_period": {**nxt.to_dict(), "title": nxt.describe()},
            "headline": self._headline(len(roll.delivered), period),
            "summary": self._summary(),
            "did": did,
            "did_more": did_more,
            "overall": _group_row("All activities", roll.overall),
            "rag_table": [_group_row(g.key, g) for g in roll.groups.get("theme", [])],
            "rag_columns": [{"rag": rag, "colour": _hex(rag)} for rag in RAG_VALUES],
            "legend": [{"rag": rag, "meaning": RAG_MEANING[rag], "colour": _hex(rag)} for rag in RAG_VALUES],
            "legend_text": RAG_LEGEND,
            **self._overdue(),
            "seeing": seeing,
            "evaluation": {"baseline": _baseline_words(self.partner["baseline"]["partner_words"])},
            **self._quotes(),
            "partner_actions": list(PARTNER_ACTIONS),
            "signs": list(SIGNS),
            "helplines": dict(HELPLINES),
            "next": coming,
            "next_more": next_more,
            "awareness": awareness_dates(nxt),
            "referral_months": months,
            "charts": {"rag_by_theme": bool(roll.groups.get("theme")), "referrals": bool(months)},
            "captions": {"rag_by_theme": RAG_CAPTION, "referrals": self._referrals_caption(months)},
            "alt_text": {"rag_by_theme": self._rag_alt(), "referrals": self._referrals_alt(months)},
            "appendix": self.evaluation.to_text(partner_facing=True).splitlines() if self.appendix else [],
        }
        return Article(context, self.items, self._officer_notes(), roll.as_of, roll.as_of_note)

    # -- what we did, where the plan stands, what is next --

    def _quote(self, activity: Activity, key: str, text: str | None) -> None:
        table = self.plan.plan_table
        if text:
            self.items.append(TextItem(text, table.sheet, activity.row, table.letter(key), key, activity.id))

    def _title(self, activity: Activity) -> str:
        """The activity's Short title, else its text cut at a sentence or clause boundary (quoted: screened)."""
        if activity.short_title:
            self._quote(activity, "short_title", activity.short_title)
            return activity.short_title
        self._quote(activity, "activity", activity.activity)
        return title_of(activity.activity)

    def _did(self, delivered: list[Any]) -> list[dict[str, Any]]:
        out = []
        for d in delivered:
            activity = self.by_row[d.row]
            self._quote(activity, "progress", activity.progress)
            out.append({"id": d.id or "", "activity": self._title(activity),
                        "date": _day_in(d.date, self.rollup.period),
                        "theme": activity.theme or "", "note": _sentence(activity.progress), "complete": d.complete})
        return out

    def _overdue(self) -> dict[str, Any]:
        """The most overdue MAX_LISTED activities (in the rollup's order) and how many more there are; only those
        listed are titled and quoted, so a plan with thousands overdue stays a short article."""
        shown, more = _first(list(self.rollup.overdue), lambda s: -(s.overdue_days or 0))
        out = []
        for status in shown:
            activity = self.by_row[status.row]
            out.append({"id": status.id or "", "activity": self._title(activity),
                        "due": format_day(status.end, long=True) if status.end else "",
                        "days": status.overdue_days or 0, "days_text": plural(status.overdue_days or 0, "day", "days")})
        return {"overdue": out, "overdue_more": more}

    def _coming(self, planned: list[Any]) -> list[dict[str, Any]]:
        moved = {s.row: s for s in self.rollup.moved}
        out = []
        for p in planned:
            activity = self.by_row[p.row]
            status = moved.get(p.row)
            out.append({"id": p.id or "", "activity": self._title(activity),
                        "date": _planned_words(p, self.rollup.next_period),
                        "sort": p.date.isoformat(),
                        "moved": f"moved from {status.moved_from}" if status else ""})
        return out

    def _headline(self, delivered: int, period: Period) -> str:
        when = "this quarter" if _is_quarter(period) else f"in {period.describe()}"
        if delivered:
            return f"CSE communications: {plural(delivered, 'activity', 'activities')} delivered {when}"
        return f"CSE communications: an update for {period.describe()}"

    def _summary(self) -> str:
        c, total = self.rollup.overall.counts, self.rollup.overall.total
        # The first sentence splits the total by derived RAG, so its parts add up to it; the undated count is a
        # fact of its own, since an undated activity may be Grey or carry the RAG the officer gave it.
        text = (f"Of {total} activities, {c['Blue']} are complete, {c['Green']} on track, "
                f"{c['Amber']} in progress or at risk, {c['Red']} overdue "
                f"and {c['Grey']} not yet started or scheduled.")
        unscheduled = len(self.rollup.unscheduled)
        if unscheduled:
            text += f" {unscheduled} {'has' if unscheduled == 1 else 'have'} no date yet."
        return text

    # -- what we are seeing --

    def _seeing(self) -> list[str]:
        """Plain sentences from the evaluation's partner view (small counts "fewer than 5" or withheld)."""
        out = []
        ref = self.partner["referrals"]
        if ref.get("status") == "ok":
            out += [ref[key]["partner_sentence"] for key in ("all", "teen_boys")
                    if ref.get(key, {}).get("partner_sentence")]
            share = ref.get("teen_boys_share", {})
            now, before = share.get("period", {}), share.get("baseline", {})
            if isinstance(now.get("share"), float) and isinstance(before.get("share"), float):
                out.append(f"Teenage boys made up {_pct(now['share'])} of referrals, against {_pct(before['share'])} "
                           "before.")
        social = self.partner["social"]
        rated = [p for p in social.get("platforms", []) if p.get("engagement_rate") is not None]
        if social.get("status") == "ok" and rated:
            out.append(_engagement_words(rated))
        media = self.partner["media"].get("overall") if self.partner["media"].get("status") == "ok" else None
        if media and media.get("items"):
            out.append(_media_words(media))
        return out or ["There are no evaluation figures for this period yet."]

    def _quotes(self) -> dict[str, Any]:
        section = self.partner["anecdotes"]
        if section.get("status") != "ok":
            return {"quotes": [], "quotes_withheld": ""}
        table = self.plan.table(contract.ANECDOTES)
        assert table is not None  # the evaluation read its rows
        records = {r["row"]: r for r in self.plan.records(contract.ANECDOTES)}
        quotes = []
        for q in section.get("quotable", [])[:MAX_QUOTES]:
            record = records[q["row"]]
            self.items.append(TextItem(record["text"], table.sheet, q["row"], table.letter("text"), "text"))
            quotes.append({"text": record["text"], "source": record.get("source_type") or "a partner",
                           "date": format_day(dt.date.fromisoformat(q["date"]), long=True)})
        # Held back: no consent, not anonymised, or not marked Publish by the officer, so the sentence names the
        # rule rather than one reason, which would be untrue of feedback that was cleared but not chosen.
        held = ("Other feedback is not quoted: only consented, anonymised feedback chosen for publication is."
                if section.get("held_back") else "")
        if section.get("held_back") is None and quotes:  # a small total: whether any is held back would tell it
            held = "Only consented, anonymised feedback chosen for publication is quoted."
        return {"quotes": quotes, "quotes_withheld": held}

    def _referral_months(self) -> list[dict[str, Any]]:
        ref = self.partner["referrals"]
        return list(ref.get("monthly", [])) if ref.get("status") == "ok" else []

    def _referrals_caption(self, months: list[dict[str, Any]]) -> str:
        if not months:
            return ""
        span = _months_span(months)
        small = any(m["referrals"] == FEWER_THAN for m in months)
        held = any(not isinstance(m["referrals"], int) and m["referrals"] != FEWER_THAN for m in months)
        return (f"CSE referrals per month, {span.describe()}; shaded: {self.rollup.period.describe()}"
                + ("; hatched: fewer than 5 (drawn at 5)" if small else "")
                + ("; grey: withheld so that a small month cannot be worked out from the total" if held else "") + ".")

    def _referrals_alt(self, months: list[dict[str, Any]]) -> str:
        if not months:
            return ""
        bars = "; ".join(f"{dt.date.fromisoformat(m['month']):%B %Y} {m['referrals']}" for m in months)
        return (f"Bar chart of CSE referrals per month, {_months_span(months).describe()}, with "
                f"{self.rollup.period.describe()} shaded: {bars}.")

    def _rag_alt(self) -> str:
        rows = []
        for g in self.rollup.groups.get("theme", []):
            parts = ", ".join(f"{g.counts[rag]} {RAG_MEANING[rag]}" for rag in RAG_VALUES if g.counts.get(rag))
            rows.append(f"{g.key}: {g.total} ({parts})")
        return "Bar chart of the plan's activities by theme, coloured by status. " + "; ".join(rows) + "."

    def _officer_notes(self) -> list[str]:
        """Cells left out of the figures, and why: for the officer, outside the article."""
        return [f"{item['cell']}: {item['reason']}" for item in self.evaluation.left_out]


# --- words -------------------------------------------------------------------------------------


_BOUNDARY = re.compile(r"(?<=[.;:!?])\s+|\s+[–—]\s+|\s+-\s+|/\s+")


def title_of(text: str | None, limit: int = TITLE_WORDS) -> str:
    """An activity's text as a title: whole when short, else its first sentence or clause (never cut mid-phrase)."""
    text = " ".join((text or "").split())
    if len(text.split()) <= limit:
        return text.rstrip(" .;:,")
    head = _BOUNDARY.split(text, maxsplit=1)[0].rstrip(" .;:,")
    # a comma may sit inside a list ("Licensing Officers, Street Pastors, ..."): never cut there
    return head if len(head.split()) >= 2 else text.rstrip(" .;:,")


def _baseline_words(words: Mapping[str, str]) -> str:
    """ "the same period last year (January to March 2017)" from the evaluation's baseline words."""
    return f"{words['name']} ({words['span']})" if words.get("name") else ""


def _planned_words(p: Any, period: Period) -> str:
    """When a planned activity happens in the period: "1 June", "From 1 June", "By 30 April", "Throughout"."""
    if p.start == p.end:
        return _day_in(p.start, period)
    if p.start >= period.start:
        return f"From {_day_in(p.start, period)}"
    if p.end <= period.end:
        return f"By {_day_in(p.end, period)}"
    return "Throughout"


def _first(items: list[_T], later: Callable[[_T], Any]) -> tuple[list[_T], int]:
    """At most MAX_LISTED items, those sorting first by `later` kept, in their original order; and how many were
    left out."""
    if len(items) <= MAX_LISTED:
        return items, 0
    keep = sorted(range(len(items)), key=lambda i: (later(items[i]), i))[:MAX_LISTED]
    return [items[i] for i in sorted(keep)], len(items) - MAX_LISTED


def _engagement_words(platforms: list[dict[str, Any]]) -> str:
    """ "On social media, people engaged with 2.6% of Facebook impressions and 6.4% of Instagram reach; ..." """
    parts = [f"{_pct(p['engagement_rate'], 1)} of {p['platform']} {p['denominator']}" for p in platforms]
    joined = ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1]
    return f"On social media, people engaged with {joined} (each platform counts in its own way)."


def _media_words(media: Mapping[str, Any]) -> str:
    """ "5 media items: 3 positive, 1 negative; 3 gave the reporting route." (counts of things, not people)"""
    text = f"{plural(media['items'], 'media item', 'media items').capitalize()} covered the campaign"
    text += f": {media['positive']} positive and {media['negative']} negative"
    route = media.get("reporting_route", {}).get("given")
    return text + (f"; {route} gave the reporting route." if route is not None else ".")


def _group_row(key: str, group: Any) -> dict[str, Any]:
    counts = {rag: group.counts.get(rag, 0) for rag in RAG_VALUES}
    return {"key": key, "rag": group.rag or "None", "colour": _hex(group.rag) if group.rag else "FFFFFF",
            "counts": counts, **{rag.lower(): counts[rag] for rag in RAG_VALUES}, "total": group.total}


def _hex(rag: str) -> str:
    return RAG_COLOURS[rag].lstrip("#")


def _months_span(months: list[dict[str, Any]]) -> Period:
    first, last = dt.date.fromisoformat(months[0]["month"]), dt.date.fromisoformat(months[-1]["month"])
    return make_period(first.replace(day=1), month_end(last))


def _day_in(day: dt.date, period: Period) -> str:
    """ "26 January 2018", or "26 January" when the period lies in one year (its heading gives the year)."""
    text = format_day(day, long=True)
    return text.removesuffix(f" {day.year}") if period.start.year == period.end.year else text


def _pct(share: float, digits: int = 0) -> str:
    return f"{100 * share:.{digits}f}%"


def _is_quarter(period: Period) -> bool:
    return period.whole_months and len(period.month_starts()) == 3 and period.start.month in (1, 4, 7, 10)


def _sentence(text: str | None) -> str:
    """A note as one sentence ending in a full stop (nothing when blank)."""
    text = " ".join((text or "").split()).rstrip()
    return text + ("" if not text or text[-1] in ".!?…" else ".")
