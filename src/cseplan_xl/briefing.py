"""The newsletter draft: a pure context built from the plan, screened for personal data, rendered with docxtpl.

`build_context` says what the article holds (JSON-able); `render` decides how it looks (a Word template);
`draft_newsletter` joins them behind the privacy screen and never overwrites a file without `force`.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from . import contract
from .contract import BLUE, RAG_COLOURS, RAG_MEANING, RAG_VALUES
from .dates import format_day, month_end
from .disclosure import THRESHOLD, publishable_count
from .errors import InvalidValue, TemplateError
from .findings import ERROR, Finding
from .output import check_writable, next_free, write_new
from .period import Period, default_period, make_period, parse_period
from .plan import Activity, Plan
from .privacy import TextItem, phone_numbers, screen, unmatched_allows
from .words import plural

TEMPLATE_NAME = "nscb_newsletter.docx"
# Shipped inside the package (package data), so a normal `pip install .` finds it; templates/ at the repo root
# holds the same file for the comms team to restyle, and its cheat-sheet.
DEFAULT_TEMPLATE = Path(str(files(__package__) / "templates" / TEMPLATE_NAME))
_REPEATING = ("recurring", "ongoing", "days")
MAX_QUOTES = 2
MAX_LISTED = 5  # "what we did" and "what is next" list at most this many; the rest are counted
TITLE_WORDS = 8  # an activity in a list: its first words, cut at a clause break
CAPTION_STYLE = "Caption"  # paragraphs in this style (the table key, chart captions) are not running text
CHART_WIDTHS_MM = {"rag_by_theme": 130, "referrals": 135}
HELPLINES = {"emergency": "999", "non_emergency": "101", "crimestoppers": "0800 555 111", "childline": "0800 1111"}
_FALLBACK = {
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
SHORT_MEANING = {contract.RED: "overdue", contract.AMBER: "in progress or at risk", contract.GREEN: "on track",
                 BLUE: "complete", contract.GREY: "not yet scheduled or rated"}


# --- awareness dates ---------------------------------------------------------------------------


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


# --- the context -------------------------------------------------------------------------------


def _resolve_period(plan: Plan, period: Period | str | None, as_of: dt.date) -> Period:
    """The reporting period: the one given, else period.default_period (as `cseplan evaluate` picks it)."""
    if isinstance(period, Period):
        return period
    return parse_period(period) if period else default_period(plan.settings.reporting_period, as_of)


def build_context(plan: Plan, period: Period | str | None = None, as_of: dt.date | None = None) -> dict[str, Any]:
    """What the newsletter says, as JSON-able data: names from Control, figures formatted, lists sorted."""
    return _Content(plan, period, as_of).context


@dataclass
class _Content:
    """The context together with the free text it quotes (for the privacy screen)."""

    plan: Plan
    period_arg: Period | str | None
    as_of_arg: dt.date | None
    items: list[TextItem] = field(default_factory=list)
    context: dict[str, Any] = field(default_factory=dict)
    referral_rows: list[dict[str, Any]] | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        from .rag import rollup

        plan = self.plan
        self.as_of = plan.as_of(self.as_of_arg)
        self.period = _resolve_period(plan, self.period_arg, self.as_of)
        self.rollup = rollup(plan, as_of=self.as_of)
        self.by_row = {a.row: a for a in plan.activities}
        s = plan.settings
        names = {key: getattr(s, key) or fallback for key, fallback in _FALLBACK.items()}
        nxt = self.period.next()
        did, did_more = _first(self._did(), lambda d: not d["complete"])
        for d in did:
            self._quote_activity(self.by_row[d["row"]], with_progress=True)
        overdue = self._overdue()
        coming, next_more = _first(self._coming(nxt), lambda n: n["sort"])
        for n in coming:
            self._quote_activity(self.by_row[n["row"]])
        seeing, evaluation = self._seeing()
        quotes, withheld = self._anecdotes()
        overall = self.rollup.overall
        self.context = {
            **names,
            "as_of": format_day(self.as_of, long=True),
            "period": {**self.period.to_dict(), "title": self.period.describe()},
            "next_period": {**nxt.to_dict(), "title": nxt.describe()},
            "headline": self._headline(len(did) + did_more),
            "summary": self._summary(overall),
            "did": did,
            "did_more": did_more,
            "overall": _group_row("All activities", overall),
            "rag_table": [_group_row(g.key, g) for g in self.rollup.groups.get("theme", [])],
            "rag_columns": [{"rag": rag, "colour": _hex(rag)} for rag in RAG_VALUES],
            "legend": [{"rag": rag, "meaning": RAG_MEANING[rag], "short": SHORT_MEANING[rag], "colour": _hex(rag)}
                       for rag in RAG_VALUES],
            "overdue": overdue,
            "seeing": seeing,
            "evaluation": {"baseline": _baseline_title(evaluation.get("baseline", {}))},
            "quotes": quotes,
            "quotes_withheld": withheld,
            "partner_actions": list(PARTNER_ACTIONS),
            "signs": list(SIGNS),
            "helplines": dict(HELPLINES),
            "next": coming,
            "next_more": next_more,
            "awareness": awareness_dates(nxt),
            "charts": {"rag_by_theme": bool(self.rollup.groups.get("theme")), "referrals": bool(self._referrals())},
            "captions": self._captions(),
        }
        for key in ("did", "next"):
            for item in self.context[key]:
                del item["row"]

    # -- sections --

    def _quote_activity(self, activity: Activity, with_progress: bool = False) -> None:
        table = self.plan.plan_table
        self.items.append(TextItem(activity.activity or "", table.sheet, activity.row, table.letter("activity"),
                                   "activity", activity.id))
        if with_progress and activity.progress:
            self.items.append(TextItem(activity.progress, table.sheet, activity.row, table.letter("progress"),
                                       "progress", activity.id))

    def _did(self) -> list[dict[str, Any]]:
        """Outputs delivered in the period: complete activities whose window or last update falls in it, and
        repeating ones (recurring, ongoing, set days) on track with a progress note updated in it."""
        period, out = self.period, []
        for status in self.rollup.statuses:
            activity = self.by_row[status.row]
            schedule = activity.schedule
            last = activity.last_updated
            updated = last if last and period.contains(last) else None
            overlaps = (status.start is not None and status.start <= period.end
                        and (status.end or status.start) >= period.start)
            complete = status.derived_rag == BLUE and (overlaps or updated)
            repeating = (schedule.kind in _REPEATING and updated and activity.progress
                         and status.derived_rag in (contract.GREEN, BLUE))
            if not (complete or repeating):
                continue
            days = [d for d in schedule.dates if period.contains(d)]
            when = days[0] if days else updated or _window_date(status.start, status.end, period)
            out.append({
                "id": activity.id or "", "activity": _short(activity.activity, TITLE_WORDS),
                "date": _day_in(when, period) if when else "", "sort": when.isoformat() if when else "",
                "theme": activity.theme or "", "note": _sentence(_short(activity.progress, 12)),
                "complete": status.derived_rag == BLUE, "row": activity.row,
            })
        out.sort(key=lambda d: (d["sort"], d["id"]))
        return out

    def _overdue(self) -> list[dict[str, Any]]:
        out = []
        for status in self.rollup.overdue:
            self._quote_activity(self.by_row[status.row])
            days = status.overdue_days or 0
            out.append({
                "id": status.id or "", "activity": _short(status.activity, TITLE_WORDS),
                "due": format_day(status.end, long=True) if status.end else "",
                "days": days, "days_text": plural(days, "day", "days"),
            })
        return out

    def _coming(self, nxt: Period) -> list[dict[str, Any]]:
        out = []
        for status in self.rollup.statuses:
            activity = self.by_row[status.row]
            schedule = activity.schedule
            if status.derived_rag == BLUE or schedule.kind in ("recurring", "ongoing", "tbc", "unknown"):
                continue
            days = [d for d in schedule.dates if nxt.contains(d)] if schedule.kind == "days" else []
            start, end = schedule.start, schedule.end or schedule.start
            if schedule.kind != "days" and not (start and start <= nxt.end and end and end >= nxt.start):
                continue
            if schedule.kind == "days" and not days:
                continue
            when = days[0] if days else max(start or nxt.start, nxt.start)
            out.append({"id": activity.id or "", "activity": _short(activity.activity, TITLE_WORDS),
                        "when": activity.when or "", "sort": when.isoformat(), "row": activity.row})
        out.sort(key=lambda d: (d["sort"], d["id"]))
        return out

    def _referrals(self) -> list[dict[str, Any]]:
        if self.referral_rows is None:  # read once: the context, the caption and the chart all use them
            self.referral_rows = [r for r in self.plan.records(contract.REFERRALS)
                                  if r.get("month") and r.get("referrals") is not None]
        return self.referral_rows

    def _seeing(self) -> tuple[list[str], dict[str, Any]]:
        """Evaluation sentences from the partner-facing view (small counts "fewer than 5" or withheld)."""
        from .evaluation import evaluate

        partner = evaluate(self.plan, period=self.period, as_of=self.as_of).partner_view()
        out = []
        ref = partner["referrals"]
        if ref.get("status") == "ok":
            out += [ref[key]["sentence"] for key in ("all", "teen_boys") if ref.get(key, {}).get("sentence")]
            share = ref.get("teen_boys_share", {})
            now, before = share.get("period", {}), share.get("baseline", {})
            if isinstance(now.get("share"), float) and isinstance(before.get("share"), float):
                out.append(f"Teenage boys made up {_pct(now['share'])} of referrals "
                           f"({_pct(before['share'])} before).")
        social = partner["social"]
        rated = [p for p in social.get("platforms", []) if p.get("engagement_rate") is not None]
        if social.get("status") == "ok" and rated:
            out.append(_engagement_words(rated))
        media = partner["media"].get("overall") if partner["media"].get("status") == "ok" else None
        if media and media.get("items"):
            route = media.get("reporting_route", {}).get("given")
            route_words = f"; {route} gave the reporting route." if route is not None else "."
            out.append(f"{plural(media['items'], 'media item', 'media items').capitalize()}, net tone "
                       f"{media['net_tone']:+d}{route_words}")
        return out or ["There are no evaluation figures for this period yet."], partner

    def _anecdotes(self) -> tuple[list[dict[str, str]], str]:
        table = self.plan.table(contract.ANECDOTES)
        quotes, held = [], 0
        for record in self.plan.records(contract.ANECDOTES):
            if not record.get("text") or not (record.get("date") and self.period.contains(record["date"])):
                continue
            if not (record.get("consent") and record.get("anonymised") and record.get("publish")):
                held += 1
                continue
            assert table is not None  # records came from it
            self.items.append(TextItem(record["text"], table.sheet, record["row"], table.letter("text"), "text"))
            quotes.append({"text": record["text"], "source": record.get("source_type") or "a partner",
                           "date": format_day(record["date"], long=True) if record.get("date") else "",
                           "sort": record["date"].isoformat() if record.get("date") else ""})
        quotes.sort(key=lambda q: (q["sort"], q["text"]))
        quotes = quotes[:MAX_QUOTES]
        withheld = ""
        if held:
            withheld = (f"{publishable_count(held).capitalize()} other comments are not quoted: they lack consent "
                        "or anonymisation.")
        return quotes, withheld

    def _headline(self, delivered: int) -> str:
        when = "this quarter" if _is_quarter(self.period) else f"in {self.period.describe()}"
        if delivered:
            return f"CSE communications: {plural(delivered, 'activity', 'activities')} delivered {when}"
        return f"CSE communications: an update for {self.period.describe()}"

    def _summary(self, overall: Any) -> str:
        c = overall.counts
        text = (f"Of the plan's {overall.total} activities, {c['Blue']} are complete, {c['Green']} on track, "
                f"{c['Amber']} in progress or at risk, {c['Red']} overdue")
        return text + (f" and {c['Grey']} not yet scheduled." if c["Grey"] else ".")

    def _captions(self) -> dict[str, str]:
        """Chart captions (Word text under each image; not counted as running text)."""
        captions = {"rag_by_theme": ("The same activities as bars coloured by status; the number after each bar is "
                                     "the theme's total."), "referrals": ""}
        shown = _chart_months(self._referrals(), self.period)
        if shown:
            span = make_period(shown[0]["month"].replace(day=1), month_end(shown[-1]["month"]))
            small = any(0 < r["referrals"] < THRESHOLD for r in shown)
            captions["referrals"] = (
                f"CSE referrals per month, {span.describe()}; shaded: {self.period.describe()}"
                + ("; hatched: fewer than 5 (drawn at 5)." if small else "."))
        return captions


def _first(items: list[dict[str, Any]], later: Callable[[dict[str, Any]], Any]) -> tuple[list[dict[str, Any]], int]:
    """At most MAX_LISTED items, those sorting first by `later` kept, in their original order; and how many were
    left out."""
    if len(items) <= MAX_LISTED:
        return items, 0
    keep = sorted(range(len(items)), key=lambda i: (later(items[i]), i))[:MAX_LISTED]
    return [items[i] for i in sorted(keep)], len(items) - MAX_LISTED


def _engagement_words(platforms: list[dict[str, Any]]) -> str:
    """ "Engagement: Facebook 2.6%, Instagram 4.5% of impressions (per platform, never pooled)." """
    by_denominator: dict[str, list[str]] = {}
    for p in platforms:
        by_denominator.setdefault(p["denominator"], []).append(f"{p['platform']} {_pct(p['engagement_rate'], 1)}")
    parts = [f"{', '.join(rates)} of {denominator}" for denominator, rates in by_denominator.items()]
    return f"Engagement: {'; '.join(parts)} (per platform, never pooled)."


def _group_row(key: str, group: Any) -> dict[str, Any]:
    counts = {rag: group.counts.get(rag, 0) for rag in RAG_VALUES}
    return {"key": key, "rag": group.rag or "None", "colour": _hex(group.rag) if group.rag else "FFFFFF",
            "counts": counts, **{rag.lower(): counts[rag] for rag in RAG_VALUES}, "total": group.total}


# --- rendering ---------------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _template_bytes(path: str, mtime_ns: int, size: int) -> bytes:
    return Path(path).read_bytes()


# A second draft in the same process (the Excel button) reuses the template's work: the bytes (by path, mtime
# and size), docxtpl's tag clean-up and Jinja's compiled code (both by the exact XML text they were made from, so
# an edited template is simply new text). Each cache is small and emptied when full.
_CACHE_LIMIT = 32


def _remember(cache: dict[str, Any], key: str, make: Callable[[], Any]) -> Any:
    value = cache.get(key)
    if value is None:
        if len(cache) >= _CACHE_LIMIT:
            cache.clear()
        value = cache[key] = make()
    return value


@lru_cache(maxsize=1)
def _jinja_env() -> Any:
    """Strict and autoescaping; `from_string` keeps what it compiled, by source text."""
    from jinja2 import Environment, StrictUndefined

    class _Environment(Environment):
        compiled: dict[str, Any] = {}

        def from_string(self, source: Any, globals: Any = None, template_class: Any = None) -> Any:
            if globals is not None or template_class is not None or not isinstance(source, str):
                return super().from_string(source, globals, template_class)
            return _remember(self.compiled, source, lambda: super(_Environment, self).from_string(source))

    return _Environment(undefined=StrictUndefined, autoescape=True)


@lru_cache(maxsize=1)
def _template_class() -> Any:
    """docxtpl's DocxTemplate, keeping its (pure) tag clean-up by source XML and skipping a no-op pass."""
    from docxtpl import DocxTemplate

    class _Template(DocxTemplate):  # type: ignore[misc]  # docxtpl has no type information
        patched: dict[str, str] = {}

        def patch_xml(self, src_xml: str) -> str:
            return str(_remember(self.patched, src_xml, lambda: super(_Template, self).patch_xml(src_xml)))

        def resolve_listing(self, xml: str) -> str:
            # docxtpl turns tab, bell, newline and form feed inside text into Word runs; without any of them its
            # three nested regex passes rebuild the same text.
            return super().resolve_listing(xml) if any(c in xml for c in "\t\a\n\f") else xml

    return _Template


def _load_template(template_path: Path) -> bytes:
    try:
        stat = template_path.stat()
    except OSError:
        raise TemplateError(f"{template_path}: no such template") from None
    return _template_bytes(str(template_path), stat.st_mtime_ns, stat.st_size)


def render(
    context: Mapping[str, Any], template_path: str | Path, out_path: str | Path | None,
    images: Mapping[str, bytes] | None = None, comments: str | None = None,
) -> Any:
    """Render the context into the Word template and save it (when out_path is given, replacing a file there);
    returns the document.

    Images are PNG bytes by name and become `{{ chart_<name> }}`. Unknown tags fail (StrictUndefined) and user
    text is escaped (autoescape), each failure as a TemplateError naming the template and the tag.
    """
    from docx.shared import Mm
    from docxtpl import InlineImage
    from jinja2 import TemplateError as JinjaError
    from jinja2 import UndefinedError

    template_path = Path(template_path)
    data = _load_template(template_path)
    try:
        tpl = _template_class()(io.BytesIO(data))
        tpl.init_docx()
    except Exception as exc:  # python-docx raises several types for a file that is not a .docx
        raise TemplateError(f"{template_path}: not a Word .docx template ({type(exc).__name__}: {exc})") from None
    full = dict(context)
    for name, png in (images or {}).items():
        full[f"chart_{name}"] = InlineImage(tpl, io.BytesIO(png), width=Mm(CHART_WIDTHS_MM.get(name, 140)))
    try:
        tpl.render(full, jinja_env=_jinja_env(), autoescape=True)
    except UndefinedError as exc:
        raise TemplateError(
            f"{template_path}: the tag {_tag_of(exc)} is not something the newsletter provides ({exc}); "
            "check its spelling against templates/README.md"
        ) from None
    except JinjaError as exc:
        near = " / ".join(t.strip() for t in getattr(exc, "docx_context", []) if t.strip())
        where = f" near {near[:120]!r}" if near else ""
        raise TemplateError(f"{template_path}: a tag is malformed ({exc}){where}; check it against "
                            "templates/README.md (Word may have turned straight quotes into curly ones)") from None
    if comments is not None:
        tpl.docx.core_properties.comments = comments
    tpl.docx.core_properties.author = str(context.get("board_name", ""))
    tpl.docx.core_properties.title = str(context.get("headline", ""))
    if out_path is not None:
        buffer = io.BytesIO()
        tpl.save(buffer)
        # through a temporary file and a rename: a failed save leaves any earlier file as it was
        write_new(out_path, buffer.getvalue(), force=True)
    return tpl.docx


def _tag_of(exc: Exception) -> str:
    m = re.search(r"'([^']+)' (?:is undefined|has no attribute '([^']+)')", str(exc))
    if not m:
        return "{{ ? }}"
    return "{{ " + (f"….{m.group(2)}" if m.group(2) else m.group(1)) + " }}"


# --- charts ------------------------------------------------------------------------------------
# Built on matplotlib's object API (no pyplot: no global figure registry in a long-lived Excel process), drawn
# once at the size they are inserted (no tight-bbox second pass), with few artists: text costs the most, so titles
# and keys are Word captions under the images (context "captions"), not chart text.

CHART_DPI = 150  # at the inserted width this prints at 150 pixels per inch
_NAVY, _MUTED = "#1F4E79", "#595959"
# Any: matplotlib types rc_context's keys as a Literal of every setting name, which a plain dict is not.
_RC: Any = {"font.size": 8, "font.family": "DejaVu Sans", "text.color": "#262626", "axes.edgecolor": _MUTED,
            "xtick.color": _MUTED, "ytick.color": _MUTED, "axes.spines.top": False, "axes.spines.right": False,
            "figure.dpi": 100}


def _figure(name: str, height_in: float) -> Any:
    from matplotlib.figure import Figure

    return Figure(figsize=(CHART_WIDTHS_MM[name] / 25.4, height_in))


def _png(fig: Any) -> bytes:
    buf = io.BytesIO()
    # compress_level 3 writes files a few per cent larger than the default 6 in half the time
    fig.savefig(buf, format="png", dpi=CHART_DPI, metadata={"Software": None}, pil_kwargs={"compress_level": 3})
    return buf.getvalue()


def chart_rag_by_theme(context: Mapping[str, Any]) -> bytes:
    """Stacked bars of RAG counts per theme, in the RAG colours: the theme above its bar, the total at its end."""
    import matplotlib
    from matplotlib.collections import PolyCollection

    rows = context["rag_table"]
    row_in, pad_in, left_in, total_in = 0.34, 0.05, 0.03, 0.35  # inches: row, top and bottom, left, total label
    height = row_in * len(rows) + 2 * pad_in
    with matplotlib.rc_context(_RC):
        fig = _figure("rag_by_theme", height)
        inch = fig.dpi_scale_trans  # no axes: everything is placed in inches from the bottom left
        unit = (fig.get_figwidth() - left_in - total_in) / (max((r["total"] for r in rows), default=0) or 1)
        boxes, colours = [], []
        for i, r in enumerate(rows):
            top = height - pad_in - i * row_in
            bottom, bar_top, x = top - row_in + 0.04, top - 0.17, left_in
            for rag in RAG_VALUES:
                if r["counts"][rag]:
                    width = r["counts"][rag] * unit
                    boxes.append(((x, bottom), (x + width, bottom), (x + width, bar_top), (x, bar_top)))
                    colours.append(RAG_COLOURS[rag])
                    x += width
            fig.text(left_in, top - 0.015, r["key"], va="top", transform=inch)
            fig.text(x + 0.05, (bottom + bar_top) / 2, str(r["total"]), va="center", color=_MUTED, transform=inch)
        fig.add_artist(PolyCollection(boxes, facecolors=colours, edgecolors="white", linewidths=0.8, transform=inch))
        return _png(fig)


def chart_referrals(records: list[dict[str, Any]], period: Period) -> bytes:
    """Bars of referrals per month, the reporting period shaded; months with 1-4 hatched at 5 ("fewer than 5")."""
    import matplotlib
    from matplotlib.collections import PolyCollection

    shown = _chart_months(records, period)
    months = [r["month"] for r in shown]
    inside = [i for i, m in enumerate(months) if period.start <= m <= period.end]
    bars: dict[bool, list[Any]] = {True: [], False: []}  # small (drawn at THRESHOLD, hatched) or exact
    for i, r in enumerate(shown):
        small = 0 < r["referrals"] < THRESHOLD
        top = THRESHOLD if small else r["referrals"]
        bars[small].append(((i - 0.375, 0), (i + 0.375, 0), (i + 0.375, top), (i - 0.375, top)))
    with matplotlib.rc_context(_RC):
        fig = _figure("referrals", 1.75)
        ax = fig.add_axes((0.06, 0.15, 0.935, 0.8))
        if inside:
            ax.axvspan(inside[0] - 0.5, inside[-1] + 0.5, color="#FFC000", alpha=0.25, lw=0)
        ax.add_collection(PolyCollection(bars[False], facecolors=_NAVY, edgecolors="none"), autolim=False)
        if bars[True]:
            ax.add_collection(PolyCollection(bars[True], facecolors="white", edgecolors=_NAVY, hatch="///"),
                              autolim=False)
        ticks = [i for i, m in enumerate(months) if m.month in (1, 4, 7, 10)] or [0]
        ax.set_xticks(ticks, [f"{months[i]:%b %Y}" for i in ticks])
        ax.set_xlim(-0.6, len(shown) - 0.4)
        ax.set_ylim(0, max([THRESHOLD] + [r["referrals"] for r in shown]) * 1.05)
        ax.yaxis.get_major_locator().set_params(integer=True, nbins=4)
        ax.tick_params(length=2.5, pad=2)
        return _png(fig)


def _chart_months(records: list[dict[str, Any]], period: Period) -> list[dict[str, Any]]:
    """The months the referrals chart shows: from a year before the period starts to its end, in order."""
    records = sorted(records, key=lambda r: r["month"])
    first = dt.date(period.start.year - 1, period.start.month, 1)
    return [r for r in records if first <= r["month"] <= period.end] or records


# --- the draft ---------------------------------------------------------------------------------


@dataclass
class NewsletterResult:
    """What drafting did: the file written (None when blocked), the privacy findings, allowed cells, words of text.

    word_count counts running text as `_running_words` does: chart captions, tables and the footer are left out.
    """

    path: Path | None
    findings: list[Finding]
    allowed: list[str]
    word_count: int = 0
    requested: Path | None = None  # the name asked for, when it existed and the next free name was used
    context: dict[str, Any] = field(default_factory=dict, repr=False)
    unmatched_allow: list[str] = field(default_factory=list)  # --allow cells the screen found nothing in

    @property
    def blocked(self) -> bool:
        """True when the privacy screen stopped the draft (or the context dump)."""
        return bool(self.blocking)

    @property
    def blocking(self) -> list[Finding]:
        """The findings that stopped the draft (allowed cells excluded)."""
        return [f for f in self.findings if f.severity == ERROR]

    def to_text(self, for_excel: bool = False) -> str:
        """The lines the CLI shows; for_excel words what to do for the Draft newsletter button (no options there)."""
        if self.blocked:
            lines = [f"Not written: the privacy screen found {plural(len(self.blocking), 'problem', 'problems')} "
                     "in text the newsletter would quote:"]
            lines += [f"  {f.address}: {f.message}" for f in self.blocking]
            lines.append(
                "Take the personal details out of those cells (an anecdote can instead be set to Publish: No), "
                "then click Draft newsletter again." if for_excel
                else "Edit those cells, or after checking a cell allow it with --allow SHEET!CELL.")
            return "\n".join(lines) + "\n"
        lines = []
        if self.requested is not None:
            lines.append(f"{self.requested.name} already exists, so this draft has a new name." if for_excel else
                         f"{self.requested} already exists; wrote the next free name instead (use --force to replace).")
        if self.path is not None:
            lines.append(f"Wrote {self.path} ({self.word_count} words).")
        if self.allowed:
            lines.append("Allowed after checking (listed in the document's properties, Comments): "
                         + ", ".join(self.allowed))
        lines += [f"--allow {cell}: the screen found nothing in that cell (check the address)."
                  for cell in self.unmatched_allow]
        return "\n".join(lines) + "\n"


def default_output(plan: Plan, period: Period) -> Path:
    """`newsletters/<board_short>_<period>_draft.docx` beside the workbook."""
    short = re.sub(r"[^A-Za-z0-9-]+", "_", plan.settings.board_short or _FALLBACK["board_short"]).strip("_")
    return plan.path.parent / "newsletters" / f"{short or 'board'}_{period.label.replace('..', '_')}_draft.docx"


def draft_newsletter(
    plan: Plan,
    period: Period | str | None = None,
    as_of: dt.date | None = None,
    out: str | Path | None = None,
    template: str | Path | None = None,
    force: bool = False,
    allow: Iterable[str] = (),
) -> NewsletterResult:
    """Build, screen and render the newsletter draft; blocked (nothing written) when the screen finds personal data.

    The output must be a .docx and never the workbook itself (not even with force): InvalidValue or
    OutputExistsError before any work is done.
    """
    template_path = Path(template) if template else DEFAULT_TEMPLATE
    _load_template(template_path)  # a missing template is reported before anything else
    if out is not None:
        _check_output(Path(out), plan)
    content, result = _screened(plan, period, as_of, allow)
    if result.blocked:
        return result
    context, findings, allowed = result.context, result.findings, result.allowed
    requested = Path(out) if out else default_output(plan, content.period)
    path = requested if force else next_free(requested)
    _check_output(path, plan)
    images = {"rag_by_theme": chart_rag_by_theme(context)} if context["charts"]["rag_by_theme"] else {}
    if context["charts"]["referrals"]:
        images["referrals"] = chart_referrals(content._referrals(), content.period)
    comments = ("Privacy screen: cells allowed by the officer after checking: " + "; ".join(allowed)) if allowed else ""
    doc = render(context, template_path, path, images, comments=comments)
    words = _running_words(doc)
    return NewsletterResult(path, findings, allowed, words, requested if path != requested else None, context,
                            result.unmatched_allow)


def newsletter_context(plan: Plan, period: Period | str | None = None, as_of: dt.date | None = None,
                       allow: Iterable[str] = ()) -> NewsletterResult:
    """The newsletter's context behind the privacy screen, nothing written: `--dump-context` shows it only when
    the result is not blocked, so no cell the screen stops is ever printed."""
    return _screened(plan, period, as_of, allow)[1]


def _screened(plan: Plan, period: Period | str | None, as_of: dt.date | None,
              allow: Iterable[str]) -> tuple[_Content, NewsletterResult]:
    """The content and the screen's verdict on every piece of free text it would quote."""
    content = _Content(plan, period, as_of)
    s = plan.settings
    findings = screen(content.items, mailboxes=[s.contact_mailbox or ""], numbers=phone_numbers(s.referral_route),
                      allow=allow, as_of=content.as_of)
    allowed = sorted({f"{f.address} ({f.code})" for f in findings if f.severity != ERROR})
    return content, NewsletterResult(None, findings, allowed, context=content.context,
                                     unmatched_allow=unmatched_allows(allow, findings))


def _check_output(path: Path, plan: Plan) -> None:
    """A draft goes to a .docx that is not the workbook (existing files are left to force / next_free)."""
    check_writable(path, force=True, inputs=[plan.path])
    if path.suffix.casefold() != ".docx":
        raise InvalidValue(f"{path}: a newsletter draft is a Word file; give a name ending in .docx")


def _running_words(doc: Any) -> int:
    """Words of running text: every body paragraph (title, headings, lists, quotes) except chart captions.

    Tables and the footer are not paragraphs of the body, so they are not counted; nor is a token without a letter
    or digit ("=", "–", "·").
    """
    from docx.oxml.ns import qn

    # Style ids vary with Word's language, names do not. Reading the XML directly is several times faster than
    # python-docx's Paragraph.text and .style, which look each run and style up again.
    captions = {style.style_id for style in doc.styles if style.name == CAPTION_STYLE}
    text, breaks = qn("w:t"), (qn("w:tab"), qn("w:br"), qn("w:cr"))
    words = 0
    for p in doc.element.body.iterchildren(qn("w:p")):
        if p.style in captions:
            continue
        line = "".join(e.text or "" if e.tag == text else " " for e in p.iter(text, *breaks))
        words += sum(1 for token in line.split() if any(ch.isalnum() for ch in token))
    return words


# --- formatting --------------------------------------------------------------------------------


def _hex(rag: str) -> str:
    return RAG_COLOURS[rag].lstrip("#")


def _day_in(day: dt.date, period: Period) -> str:
    """ "26 January 2018", or "26 January" when the period lies in one year (its heading gives the year)."""
    text = format_day(day, long=True)
    return text.removesuffix(f" {day.year}") if period.start.year == period.end.year else text


def _pct(share: float, digits: int = 0) -> str:
    return f"{100 * share:.{digits}f}%"


def _is_quarter(period: Period) -> bool:
    return period.whole_months and len(period.month_starts()) == 3 and period.start.month in (1, 4, 7, 10)


def _baseline_title(baseline: Mapping[str, Any]) -> str:
    """ "January to March 2017 (the same period last year)" from the evaluation's baseline record."""
    periods = [make_period(dt.date.fromisoformat(p["start"]), dt.date.fromisoformat(p["end"]))
               for p in baseline.get("periods", [])]
    if not periods:
        return ""
    span = periods[0].describe() if len(periods) == 1 else make_period(periods[0].start, periods[-1].end).describe()
    how = "the same period last year" if baseline.get("method") == "same-period-last-year" else (
        f"the average of the {len(periods)} periods before")
    return f"{span} ({how})"


def _window_date(start: dt.date | None, end: dt.date | None, period: Period) -> dt.date | None:
    """The date to show for a window in the period: the day itself, else where the window ends (or the period)."""
    if start is None:
        return None
    end = end or start
    return min(end, period.end)


def _short(text: str | None, limit: int = 12) -> str:
    """Plan text trimmed for the article: up to `limit` words, cut at a clause break where one is near."""
    words = (text or "").split()
    if len(words) > limit:
        head = words[:limit]
        breaks = [i for i, w in enumerate(head) if i >= 5 and re.search(r"[.;:,–]$|^[–-]$", w)]
        head = head[: breaks[-1] + 1] if breaks else head
        return " ".join(head).rstrip(" .;:,–-") + "…"
    return " ".join(words).rstrip(" .;:,")


def _sentence(text: str | None) -> str:
    """A note as one sentence ending in a full stop (nothing when blank)."""
    text = " ".join((text or "").split()).rstrip()
    return text + ("" if not text or text[-1] in ".!?…" else ".")
