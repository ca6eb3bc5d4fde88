"""The rule catalogue: small checks, each with a stable code, a severity, tags and a plain message.

A rule yields hits (row, field, message, value); the engine turns them into findings with the
cell's address. Codes never change once released; users pick or skip rules by code or tag.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

from . import contract
from .contract import SheetSpec
from .dates import format_day
from .findings import ERROR, INFO, WARNING, Finding
from .plan import Activity, Plan, as_date, as_dates, as_number, as_text
from .read import CellError

STALE_DAYS = 90
_MONEY = re.compile(r"^\s*£\s*\d{1,3}(?:,?\d{3})*(?:\.\d{1,2})?\s*(?:k)?\s*$", re.IGNORECASE)


@dataclass(slots=True)  # not frozen: rules make thousands on a large plan, and a frozen init is three times slower
class Hit:
    """What a rule found: the row and field it is about, the message, and the offending value."""

    row: int | None
    field: str | None
    message: str
    value: Any = None
    activity_id: str | None = None
    sheet: SheetSpec | None = None  # defaults to the rule's sheet


@dataclass(frozen=True)
class Rule:
    """One entry of the catalogue."""

    code: str
    severity: str
    title: str
    sheet: SheetSpec
    tags: tuple[str, ...]
    needs: tuple[SheetSpec, ...]
    check: Callable[[Plan, dt.date], Iterable[Hit]] | None  # None: reported by the reader
    check_run: Callable[[Run], Iterable[Hit]] | None = None  # instead of check: a rule reading what a run shares

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "severity": self.severity, "title": self.title,
                "sheet": self.sheet.name, "tags": list(self.tags)}


CATALOGUE: dict[str, Rule] = {}


class Run:
    """One check_plan call: the plan, its As-of date, and what several rules share, worked out when first asked."""

    def __init__(self, plan: Plan, as_of: dt.date) -> None:
        self.plan = plan
        self.as_of = as_of

    @cached_property
    def privacy_hits(self) -> dict[str, list[Hit]]:
        """Every privacy hit in the plan's text cells and screened settings, by rule code (see _privacy_hits)."""
        return _privacy_hits(self.plan, self.as_of)


_Check = Callable[[Plan, dt.date], Iterable[Hit]]  # a rule's check: the hits it finds in a plan


def _rule(code: str, severity: str, title: str, sheet: SheetSpec = contract.PLAN,
          tags: tuple[str, ...] = (), needs: tuple[SheetSpec, ...] = ()) -> Callable[[_Check], _Check]:
    def register(check: _Check) -> _Check:
        CATALOGUE[code] = Rule(code, severity, title, sheet, tags, needs, check)
        return check
    return register


def _reader_rule(code: str, severity: str, title: str, tags: tuple[str, ...]) -> None:
    CATALOGUE[code] = Rule(code, severity, title, contract.PLAN, tags, (), None)


_reader_rule("unknown-column", INFO, "A column header that is not part of the contract (ignored)", ("structure",))
_reader_rule("sheet-unreadable", WARNING, "An optional sheet lacks its required columns (its checks are skipped)",
             ("structure",))
_reader_rule("duplicate-column", WARNING, "Two columns of a sheet have the same header (the second is ignored)",
             ("structure",))
_reader_rule("sheet-hidden", INFO, "The Plan sheet is hidden or very hidden (it is read as usual)", ("structure",))
_reader_rule("sheet-missing", INFO, "An optional sheet is missing, so the rules that need it are skipped",
             ("structure",))


def _started(a: Activity, as_of: dt.date) -> bool:
    return a.start is not None and a.start <= as_of and a.schedule.kind not in ("tbc", "unknown")


def _ended(a: Activity, as_of: dt.date) -> bool:
    return a.end is not None and a.end < as_of and a.schedule.kind in ("day", "window")


# --- Plan rows ---------------------------------------------------------------------------------


def _holds_error(a: Activity, key: str) -> bool:
    """True when the cell shows an Excel error: cell-error reports it, so 'blank' rules keep quiet."""
    return key in a.error_fields


@_rule("activity-missing", ERROR, "Activity text is blank", tags=("plan",))
def _activity_missing(plan: Plan, as_of: dt.date) -> Iterator[Hit]:
    for a in plan.activities:
        if not a.activity and not _holds_error(a, "activity"):
            yield Hit(a.row, "activity", "the activity is blank: describe what will be done, or delete the row",
                      activity_id=a.id)


@_rule("when-missing", ERROR, "When is blank", tags=("plan", "schedule"))
def _when_missing(plan: Plan, as_of: dt.date) -> Iterator[Hit]:
    for a in plan.activities:
        if not a.when and a.start is None and not _holds_error(a, "when"):
            yield Hit(a.row, "when", "When is blank: give a date or period such as 'Autumn 2018', or 'TBC'",
                      activity_id=a.id)


@_rule("when-not-understood", ERROR, "When text cannot be read as a date or period", tags=("plan", "schedule"))
def _when_unknown(plan: Plan, as_of: dt.date) -> Iterator[Hit]:
    for a in plan.activities:
        schedule = a.when_schedule
        if a.when and schedule and schedule.kind == "unknown":
            why = f" ({schedule.note})" if schedule.note else ""
            how = "ambiguous" if schedule.ambiguous else "not understood"
            yield Hit(a.row, "when", f"When {a.when!r} is {how}{why}: write a date or period such as "
                      "'Feb 2018', 'Autumn 2018', 'Q3 2018', '2018/19' or 'TBC'", a.when, a.id)


@_rule("when-assumption", INFO, "When was read with an assumption (for example the year)", tags=("plan", "schedule"))
def _when_assumption(plan: Plan, as_of: dt.date) -> Iterator[Hit]:
    for a in plan.activities:
        schedule = a.when_schedule
        if a.when and schedule and schedule.kind != "unknown" and schedule.note:
            yield Hit(a.row, "when", f"When {a.when!r} read as {schedule.describe()}", a.when, a.id)


@_rule("who-missing", WARNING, "Who is blank or TBC", tags=("plan", "owners"))
def _who_missing(plan: Plan, as_of: dt.date) -> Iterator[Hit]:
    unassigned = contract.WHO_UNASSIGNED
    for a in plan.activities:
        if (not a.who or a.who.strip().upper() in unassigned) and not _holds_error(a, "who"):
            yield Hit(a.row, "who", "no owner yet: put the initials or team who will lead it", a.who, a.id)


@_rule("owner-unknown", ERROR, "An owner code is not in the Owners sheet", tags=("plan", "owners"),
       needs=(contract.OWNERS,))
def _owner_unknown(plan: Plan, as_of: dt.date) -> Iterator[Hit]:
    unknown: dict[tuple[str, ...], list[str]] = {}  # owners -> the codes not on the sheet (Who values repeat)
    for a in plan.activities:
        codes = unknown.get(a.owners)
        if codes is None:
            codes = unknown[a.owners] = [code for code in a.owners if code.upper() not in contract.WHO_UNASSIGNED
                                         and code.casefold() not in plan.owners]
        for code in codes:
            yield Hit(a.row, "who", f"owner {code!r} is not on the Owners sheet: add it there, or correct "
                          "the code", a.who, a.id)


def _cost_kind(value: Any) -> str | None:
    """'blank', 'keyword' (N/A, TBC), 'amount' (a number or £ amount), or None when it is none of those."""
    if value is None:
        return "blank"
    if isinstance(value, bool) or isinstance(value, CellError):
        return None
    if isinstance(value, (int, float)):
        return "amount" if value >= 0 else None
    return _text_cost_kind(str(value))


@lru_cache(maxsize=1024)
def _text_cost_kind(text: str) -> str | None:
    text = " ".join(text.split())
    if text.upper() in contract.COST_KEYWORDS:
        return "keyword"
    return "amount" if _MONEY.match(text) else None


@_rule("cost-invalid", ERROR, "Cost is not N/A, TBC or a £ amount", tags=("plan", "cost"))
def _cost_invalid(plan: Plan, as_of: dt.date) -> Iterator[Hit]:
    for a in plan.activities:
        if _cost_kind(a.cost) is None and not isinstance(a.cost, CellError):
            yield Hit(a.row, "cost", f"cost {as_text(a.cost)!r} is not understood: write N/A, TBC or an amount "
                      "such as £1,200", a.cost, a.id)


@_rule("cost-tbc-started", WARNING, "Cost still TBC after the activity started", tags=("plan", "cost"))
def _cost_tbc(plan: Plan, as_of: dt.date) -> Iterator[Hit]:
    for a in plan.activities:
        tbc = isinstance(a.cost, str) and a.cost.strip().upper() == "TBC"
        if tbc and _started(a, as_of) and a.rag != contract.BLUE:
            yield Hit(a.row, "cost", f"cost is still TBC though the activity started {format_day(a.start)}: "
                      "confirm the cost or N/A", a.cost, a.id)


@_rule("rag-invalid", ERROR, "RAG is not Red, Amber, Green, Blue (complete) or Grey", tags=("plan", "rag"))
def _rag_invalid(plan: Plan, as_of: dt.date) -> Iterator[Hit]:
    for a in plan.activities:
        if a.rag_text and a.rag is None:
            yield Hit(a.row, "rag", f"RAG {a.rag_text!r} is not one of Red, Amber, Green, Blue (= complete) "
                      "or Grey: pick one from the dropdown", a.rag_text, a.id)


@_rule("rag-blank-started", WARNING, "RAG blank although the activity has started", tags=("plan", "rag"))
def _rag_blank(plan: Plan, as_of: dt.date) -> Iterator[Hit]:
    for a in plan.activities:
        if not a.rag_text and a.rag_colour is None and _started(a, as_of):
            yield Hit(a.row, "rag", f"no RAG status, though the activity started {format_day(a.start)}: rate it",
                      None, a.id)


@_rule("rag-colour-mismatch", WARNING, "The RAG cell's colour and its text disagree", tags=("plan", "rag"))
def _rag_colour_mismatch(plan: Plan, as_of: dt.date) -> Iterator[Hit]:
    for a in plan.activities:
        if a.rag_text and a.rag and a.rag_colour and a.rag != a.rag_colour:
            yield Hit(a.row, "rag", f"the cell says {a.rag} but is coloured {a.rag_colour.lower()} ({a.rag_fill}): "
                      f"the text counts; make the two agree", a.rag_text, a.id)


@_rule("rag-from-colour", INFO, "RAG taken from the cell's colour (no text)", tags=("plan", "rag"))
def _rag_from_colour(plan: Plan, as_of: dt.date) -> Iterator[Hit]:
    for a in plan.activities:
        if not a.rag_text and a.rag_colour:
            yield Hit(a.row, "rag", f"no RAG text; the cell is coloured {a.rag_colour.lower()} ({a.rag_fill}), "
                      f"so the RAG is taken as {a.rag_colour}: type it to be sure", a.rag_fill, a.id)


@_rule("rag-stale", WARNING, "Reported Green or Amber although the window (or an occurrence) has ended",
       tags=("plan", "rag"))
def _rag_stale(plan: Plan, as_of: dt.date) -> Iterator[Hit]:
    from .rag import stale_statuses

    lo, hi = plan.settings.plan_start, plan.settings.plan_end
    for a, status in stale_statuses(plan.activities, as_of, lo, hi):
        yield Hit(a.row, "rag", f"{status.disagreement}: the derived status is Red. Mark it Blue if done, or "
                  "re-baseline it (new When, keep Original When, give a reason)", a.rag_text, a.id)


@_rule("complete-before-start", WARNING, "Marked complete before its window starts", tags=("plan", "rag"))
def _complete_early(plan: Plan, as_of: dt.date) -> Iterator[Hit]:
    for a in plan.activities:
        if a.rag == contract.BLUE and a.schedule.start is not None and a.schedule.start > as_of:
            yield Hit(a.row, "rag", f"marked complete but its window only starts {format_day(a.start)}: check the "
                      "RAG or the When", a.rag_text, a.id)


@_rule("end-before-start", ERROR, "End date before start date", tags=("plan", "schedule"))
def _end_before_start(plan: Plan, as_of: dt.date) -> Iterator[Hit]:
    for a in plan.activities:
        start, end = a.given_start, a.given_end
        if start and end and end < start:
            yield Hit(a.row, "end", f"End {format_day(end)} is before Start {format_day(start)}", end, a.id)


@_rule("outside-plan-lifetime", WARNING, "Dates outside the plan's lifetime", tags=("plan", "schedule"),
       needs=(contract.CONTROL,))
def _outside(plan: Plan, as_of: dt.date) -> Iterator[Hit]:
    lo, hi = plan.settings.plan_start, plan.settings.plan_end
    if not lo or not hi or hi < lo:
        return  # no lifetime to check against (setting-invalid reports a reversed one)
    for a in plan.activities:
        schedule = a.schedule
        if schedule.kind in ("recurring", "ongoing"):
            continue
        start, end = schedule.start, schedule.end
        if (start is not None and not lo <= start <= hi) or (end is not None and not lo <= end <= hi):
            yield Hit(a.row, "when", f"{a.schedule.describe()} falls outside the plan's lifetime "
                      f"({format_day(lo)} – {format_day(hi)})", a.when, a.id)


@_rule("duplicate-id", ERROR, "The same ID on more than one row", tags=("plan",))
def _duplicate_id(plan: Plan, as_of: dt.date) -> Iterator[Hit]:
    first: dict[str, int] = {}
    for a in plan.activities:
        if not a.id:
            continue
        if a.id in first:
            yield Hit(a.row, "id", f"ID {a.id!r} is already used on row {first[a.id]}: give each activity its "
                      "own ID", a.id, a.id)
        else:
            first[a.id] = a.row


@_rule("duplicate-activity", WARNING, "The same activity text on more than one row", tags=("plan",))
def _duplicate_activity(plan: Plan, as_of: dt.date) -> Iterator[Hit]:
    first: dict[str, int] = {}
    for a in plan.activities:
        if not a.activity:
            continue
        key = a.activity.casefold()
        if key in first:
            yield Hit(a.row, "activity", f"the same activity as row {first[key]}: merge them or tell them apart",
                      a.activity, a.id)
        else:
            first[key] = a.row


def _not_in_list(plan: Plan, field: str, list_key: str, what: str) -> Iterator[Hit]:
    allowed = {v.casefold() for v in plan.lists.get(list_key, [])}
    if not allowed:
        return
    for a in plan.activities:
        value = getattr(a, field)
        if value and value.casefold() not in allowed and field not in a.from_headings:
            yield Hit(a.row, field, f"{what} {value!r} is not on the Lists sheet: pick one from the dropdown, or "
                      "add it to Lists", value, a.id)


@_rule("section-not-in-lists", WARNING, "Section not on the Lists sheet", tags=("plan", "lists"),
       needs=(contract.LISTS,))
def _section_list(plan: Plan, as_of: dt.date) -> Iterator[Hit]:
    yield from _not_in_list(plan, "section", "sections", "section")


@_rule("theme-not-in-lists", WARNING, "Theme not on the Lists sheet", tags=("plan", "lists"),
       needs=(contract.LISTS,))
def _theme_list(plan: Plan, as_of: dt.date) -> Iterator[Hit]:
    yield from _not_in_list(plan, "theme", "themes", "theme")


@_rule("phase-not-in-lists", WARNING, "Phase not on the Lists sheet", tags=("plan", "lists"),
       needs=(contract.LISTS,))
def _phase_list(plan: Plan, as_of: dt.date) -> Iterator[Hit]:
    yield from _not_in_list(plan, "phase", "phases", "phase")


@_rule("rebaseline-reason-missing", ERROR, "Original When set without a re-baseline reason", tags=("plan", "schedule"))
def _rebaseline(plan: Plan, as_of: dt.date) -> Iterator[Hit]:
    for a in plan.activities:
        if a.original_when and not a.rebaseline_reason:
            yield Hit(a.row, "rebaseline_reason", f"the activity was re-dated from {a.original_when!r} but no "
                      "reason is given: say why it moved", None, a.id)


@_rule("delivered-on-invalid", ERROR, "Delivered on holds something other than dates, or a day after the as-of date",
       tags=("plan", "rag"))
def _delivered_on(plan: Plan, as_of: dt.date) -> Iterator[Hit]:
    for a in plan.activities:
        value = a.delivered_text
        if value is None:
            continue
        try:
            days = as_dates(value)
        except ValueError:
            yield Hit(a.row, "delivered_on", f"Delivered on {value!r} is not understood: write a date such "
                      "as 20/03/2018, or several separated by ';'", value, a.id)
            continue
        later = [d for d in days if d > as_of]
        if later:
            yield Hit(a.row, "delivered_on", f"delivered on {format_day(later[0])}, after the as-of date "
                      f"{format_day(as_of)}: a delivery cannot be recorded before it happens", value, a.id)


@_rule("no-recent-update", INFO, "No update for 90 days while in progress", tags=("plan", "rag"))
def _stale_update(plan: Plan, as_of: dt.date) -> Iterator[Hit]:
    for a in plan.activities:
        if not a.last_updated or (as_of - a.last_updated).days <= STALE_DAYS:
            continue
        if _started(a, as_of) and not _ended(a, as_of) and a.rag != contract.BLUE:
            yield Hit(a.row, "last_updated", f"in progress but last updated {format_day(a.last_updated)} "
                      f"({(as_of - a.last_updated).days} days ago): add a progress note",
                      a.last_updated, a.id)


# --- Any sheet ---------------------------------------------------------------------------------


def _try_date(value: Any) -> dt.date | None:
    try:
        return as_date(value)
    except ValueError:
        return None


@_rule("cell-error", ERROR, "A cell holds an Excel error such as #REF!", tags=("structure",))
def _cell_errors(plan: Plan, as_of: dt.date) -> Iterator[Hit]:
    for table in plan.tables.values():
        for row, key, value in table.errors:
            yield Hit(row, key, f"the cell shows the Excel error {value}: fix the formula or type the value",
                      str(value), sheet=table.spec)


@_rule("value-invalid", ERROR, "A date, number or yes/no cell holds something else", tags=("structure",))
def _typed_values(plan: Plan, as_of: dt.date) -> Iterator[Hit]:
    checks = {contract.DATE: (as_date, "a date such as 31/03/2018"),
              contract.INTEGER: (as_number, "a whole number"), contract.NUMBER: (as_number, "a number"),
              contract.FLAG: (contract.parse_flag, "Yes or No")}
    for table in plan.tables.values():
        typed = [(c, *checks[c.type]) for c in table.spec.columns if c.type in checks and not c.output]
        for row in table.rows:
            for col, convert, wanted in typed:
                value = row.get(col.key)
                if value is None or isinstance(value, CellError):
                    continue
                try:
                    convert(value)
                except (ValueError, TypeError):
                    yield Hit(row.row, col.key, f"{col.header} {as_text(value)!r} is not understood: write "
                              f"{wanted}", value, sheet=table.spec)


@_rule("setting-invalid", ERROR, "A Control setting is not understood", sheet=contract.CONTROL,
       tags=("settings",), needs=(contract.CONTROL,))
def _settings(plan: Plan, as_of: dt.date) -> Iterator[Hit]:
    cells = plan.setting_cells
    for key in (col.key for col in contract.CONTROL.columns if col.type == contract.DATE):
        cell = cells.get(key)
        if cell is not None and cell.value is not None and _try_date(cell.value) is None:
            label = contract.CONTROL.column(key).header
            yield Hit(cell.row, "value", f"{label} {as_text(cell.value)!r} is not a date: write e.g. 01/09/2017",
                      cell.value)
    period = cells.get("reporting_period")
    if period is not None and period.value is not None:
        from .errors import InvalidValue
        from .period import parse_period

        try:
            parse_period(as_text(period.value) or "")
        except InvalidValue:
            yield Hit(period.row, "value", f"Reporting period {as_text(period.value)!r} is not a quarter or "
                      "period: write e.g. 2018Q1", period.value)
    s = plan.settings
    if s.plan_start and s.plan_end and s.plan_end < s.plan_start:
        end = cells["plan_end"]
        yield Hit(end.row, "value", f"Plan end {format_day(s.plan_end)} is before Plan start "
                  f"{format_day(s.plan_start)}", end.value)


@_rule("as-of-outside-plan", INFO, "The as-of date falls outside the plan's lifetime", sheet=contract.CONTROL,
       tags=("settings",), needs=(contract.CONTROL,))
def _as_of_outside(plan: Plan, as_of: dt.date) -> Iterator[Hit]:
    from .period import as_of_note

    s = plan.settings
    note = as_of_note(as_of, s.plan_start, s.plan_end)
    if note is not None:
        cell = plan.setting_cells.get("as_of") or plan.setting_cells.get("plan_end")
        yield Hit(cell.row if cell else None, "value", note.removeprefix("Note: "),
                  cell.value if cell else None)


# --- Evaluation sheets -------------------------------------------------------------------------

_COUNTS = {
    contract.REFERRALS: ("referrals", "boys", "teen_boys"),
    contract.SOCIAL: ("reactions", "comments", "shares", "saves", "clicks", "impressions", "views", "reach",
                      "followers"),
    contract.MEDIA: ("key_messages", "duration_seconds"),
}


@_rule("count-invalid", ERROR, "A count is negative or not a whole number", sheet=contract.REFERRALS,
       tags=("evaluation",))
def _counts(plan: Plan, as_of: dt.date) -> Iterator[Hit]:
    for spec, keys in _COUNTS.items():
        for record in plan.records(spec):
            for key in keys:
                value = record[key]
                if value is None:
                    continue
                whole = key == "duration_seconds" or float(value).is_integer()
                if value < 0 or not whole:
                    yield Hit(record["row"], key, f"{spec.column(key).header} is {value}: a count must be a "
                              "whole number, 0 or more", value, sheet=spec)


@_rule("subgroup-exceeds-total", ERROR, "A subgroup is larger than its total (boys > all referrals)",
       sheet=contract.REFERRALS, tags=("evaluation", "referrals"), needs=(contract.REFERRALS,))
def _subgroups(plan: Plan, as_of: dt.date) -> Iterator[Hit]:
    for r in plan.records(contract.REFERRALS):
        total, boys, teen = r["referrals"], r["boys"], r["teen_boys"]
        if total is not None and boys is not None and boys > total:
            yield Hit(r["row"], "boys", f"boys ({boys}) is more than all referrals ({total})", boys)
        parent, parent_name = (boys, "boys") if boys is not None else (total, "all referrals")
        if teen is not None and parent is not None and teen > parent:
            yield Hit(r["row"], "teen_boys", f"teenage boys ({teen}) is more than {parent_name} ({parent})", teen)


@_rule("duplicate-period", ERROR, "The same month entered twice", sheet=contract.REFERRALS,
       tags=("evaluation", "referrals"), needs=(contract.REFERRALS,))
def _duplicate_month(plan: Plan, as_of: dt.date) -> Iterator[Hit]:
    first: dict[tuple[int, int], int] = {}
    for r in plan.records(contract.REFERRALS):
        month = r["month"]
        if month is None:
            continue
        key = (month.year, month.month)
        if key in first:
            yield Hit(r["row"], "month", f"{month:%B %Y} is already entered on row {first[key]}: keep one row "
                      "per month", month)
        else:
            first[key] = r["row"]


@_rule("engagement-exceeds-denominator", WARNING, "Engagements larger than impressions or views",
       sheet=contract.SOCIAL, tags=("evaluation", "social"), needs=(contract.SOCIAL,))
def _engagement(plan: Plan, as_of: dt.date) -> Iterator[Hit]:
    parts = ("reactions", "comments", "shares", "saves", "clicks")
    for r in plan.records(contract.SOCIAL):
        engaged = sum(r[k] or 0 for k in parts)
        for key in ("views", "impressions"):
            if r[key] is not None:
                if engaged > r[key]:
                    yield Hit(r["row"], key, f"{engaged} engagements but only {r[key]} {key}: check the figures",
                              r[key])
                break


@_rule("code-out-of-range", ERROR, "Tone outside -2..+2, prominence outside 1..3, or more than 5 key messages",
       sheet=contract.MEDIA, tags=("evaluation", "media"), needs=(contract.MEDIA,))
def _media_codes(plan: Plan, as_of: dt.date) -> Iterator[Hit]:
    coded = [col for col in contract.MEDIA.columns if col.bounds is not None]
    for r in plan.records(contract.MEDIA):
        for col in coded:
            value = r[col.key]
            if value is not None and not col.within(value):
                lo, hi = col.bounds or (0, 0)
                yield Hit(r["row"], col.key, f"{col.header} {value} is outside the coding frame ({lo} to {hi})",
                          value)


@_rule("anecdote-not-publishable", ERROR, "An anecdote marked for publication without consent and anonymisation",
       sheet=contract.ANECDOTES, tags=("evaluation", "anecdotes", "privacy"), needs=(contract.ANECDOTES,))
def _anecdotes(plan: Plan, as_of: dt.date) -> Iterator[Hit]:
    for r in plan.records(contract.ANECDOTES):
        if r["publish"] and not (r["consent"] and r["anonymised"]):
            missing = " and ".join(w for w, ok in (("consent", r["consent"]), ("anonymisation", r["anonymised"]))
                                   if not ok)
            yield Hit(r["row"], "publish", f"marked for publication without {missing}: set Publish to No until "
                      "consent and anonymisation are both recorded", r["publish"])


# --- Personal data and published contacts ------------------------------------------------------
# The privacy screen's rules (privacy.py) run over every text cell of every sheet and every Control setting; the
# newsletter and the partner-facing evaluation run the same rules over what they would publish, and block on them.

_SETTINGS_SCREENED = ("title", "board_name", "board_short", "newsletter_title", "contact_mailbox", "referral_route")


def board_numbers(plan: Plan) -> list[str]:
    """The phone numbers the board publishes: switchboards (03, 0800, 0808) in its Control settings."""
    from .privacy import board_numbers as numbers

    return numbers(getattr(plan.settings, key) for key in _SETTINGS_SCREENED)


def screen_published(plan: Plan, value: Any, where: str, allow: Iterable[str] = (),
                     as_of: dt.date | None = None) -> tuple[Any, list[Finding]]:
    """Screen a finished partner-facing output as a whole (privacy.screen_output), naming each hit's cell from
    the plan's text cells and settings; (the Screened output or None when blocked, the findings)."""
    from .privacy import screen_output

    return screen_output(value, [item for _, item in _text_cells(plan)], where=where, numbers=board_numbers(plan),
                         allow=allow, as_of=plan.as_of(as_of))


def _text_cells(plan: Plan) -> Iterator[tuple[SheetSpec, Any]]:
    """Every text cell the officer typed, as (sheet, TextItem): table sheets, then the Control settings."""
    from .privacy import TextItem

    for spec, row, key, text in _typed_texts(plan):
        if spec is contract.CONTROL:
            yield spec, TextItem(text, plan.control_sheet or "Control", row, "B", "value")
        else:
            table = plan.table(spec)
            yield spec, TextItem(text, table.sheet if table else spec.name, row, table.letter(key) if table else None,
                                 key)


def _typed_texts(plan: Plan) -> list[tuple[SheetSpec, int, str, str]]:
    """(sheet, Excel row, field, text) of every text cell typed: table sheets, then the screened Control settings."""
    cells: list[tuple[SheetSpec, int, str, str]] = list(plan.text_cells)
    for key in _SETTINGS_SCREENED:
        cell = plan.setting_cells.get(key)
        if cell is not None and isinstance(cell.value, str) and cell.value.strip():
            cells.append((contract.CONTROL, cell.row, key, cell.value))
    return cells


def _privacy_rule(code: str, title: str) -> None:
    def check(run: Run) -> list[Hit]:
        return run.privacy_hits.get(code, [])

    CATALOGUE[code] = Rule(code, ERROR, title, contract.PLAN, ("privacy",), (), None, check_run=check)


# The 13 privacy rules share one screen of the plan. Each used to gather every text cell and screen the distinct
# texts for its own code, so a validate walked the plan's ~80,000 text cells 13 times over (10,000-row bench plan:
# 1.4 s of rule time, about 0.5 s of it the repeated walks). Now the first privacy rule to run in a check_plan call
# screens each distinct text once with all 13 rules (privacy.text_hits) and files the hits by code on that call's
# Run; the others read the same result. Nothing outlives the call.
def _privacy_hits(plan: Plan, as_of: dt.date) -> dict[str, list[Hit]]:
    """Every privacy hit in the plan's text cells and screened settings, by rule code (cells in plan order)."""
    from .privacy import text_hits

    cells = _typed_texts(plan)
    hits = text_hits({cell[3] for cell in cells}, numbers=board_numbers(plan), as_of=as_of)
    out: dict[str, list[Hit]] = {}
    for spec, row, key, text in cells:
        if text not in hits:
            continue
        for code, what, found in hits[text]:
            message = f"{what}: {found!r}"
            if code == "privacy-phone" and spec is contract.CONTROL:
                message += ("; a setting may give only a helpline or a switchboard (03, 0800 or 0808), never a "
                            "personal or direct number")
            out.setdefault(code, []).append(
                Hit(row, "value" if spec is contract.CONTROL else key, message, found, sheet=spec))
    return out


def _register_privacy_rules() -> None:
    from .privacy import RULES

    for code, (title, _check) in RULES.items():
        _privacy_rule(code, title)


_register_privacy_rules()


@_rule("setting-contact-not-role-mailbox", ERROR, "The Control contact is not a role mailbox",
       sheet=contract.CONTROL, tags=("settings", "privacy"), needs=(contract.CONTROL,))
def _contact_mailbox(plan: Plan, as_of: dt.date) -> Iterator[Hit]:
    from .privacy import is_placeholder
    from .privacy_detectors import is_role_mailbox

    value = plan.settings.contact_mailbox
    if value is None or is_placeholder(value):
        return
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value.strip()) or not is_role_mailbox(value):
        yield Hit(plan.setting_cells["contact_mailbox"].row, "value", f"Contact mailbox {value!r} is not a role "
                  "mailbox (a team's address such as cse.communications@..., never a person's or a free web-mail "
                  "address)", value)


@_rule("setting-placeholder", WARNING, "A published contact on Control is a placeholder (TBC, example.org)",
       sheet=contract.CONTROL, tags=("settings",), needs=(contract.CONTROL,))
def _placeholders(plan: Plan, as_of: dt.date) -> Iterator[Hit]:
    for key, shown in placeholder_settings(plan).items():
        cell = plan.setting_cells.get(key)
        row = cell.row if cell is not None else None
        if row is not None:  # a workbook without the row gets the newsletter's own one-line note
            yield Hit(row, "value", f"{contract.CONTROL.column(key).header} is a placeholder: put the real one in "
                      f"Control!B{row}; until then the newsletter says {shown}", getattr(plan.settings, key))


PLACEHOLDER_TEXT = {"contact_mailbox": "[contact to be added]", "referral_route": "[referral route to be added]"}


def placeholder_settings(plan: Plan) -> dict[str, str]:
    """The published contact settings that are placeholders, with the words the newsletter shows instead."""
    from .privacy import is_placeholder

    return {key: shown for key, shown in PLACEHOLDER_TEXT.items() if is_placeholder(getattr(plan.settings, key))}


# --- The engine --------------------------------------------------------------------------------


def select_rules(select: Iterable[str] = (), ignore: Iterable[str] = ()) -> list[Rule]:
    """The rules chosen by code or tag (all when select is empty), less those ignored."""
    select, ignore = set(select), set(ignore)
    unknown = (select | ignore) - set(CATALOGUE) - {t for r in CATALOGUE.values() for t in r.tags}
    if unknown:
        from .errors import InvalidValue

        raise InvalidValue(f"unknown rule code or tag: {', '.join(sorted(unknown))} (see `cseplan rules`)")

    def named(rule: Rule, names: set[str]) -> bool:
        return rule.code in names or bool(names & set(rule.tags))

    return [r for r in CATALOGUE.values() if (not select or named(r, select)) and not named(r, ignore)]


def check_plan(plan: Plan, as_of: dt.date | None = None, select: Iterable[str] = (),
               ignore: Iterable[str] = ()) -> list[Finding]:
    """Run the chosen rules over a plan; findings sorted by sheet and cell."""
    as_of = plan.as_of(as_of)
    rules = select_rules(select, ignore)
    chosen = {r.code for r in rules}
    findings = [n for n in plan.notes if n.code in chosen]
    missing = [spec for spec in (*contract.LOOKUP_SHEETS, *contract.EVALUATION_SHEETS) if not plan.has(spec)]
    missing_names = {spec.name for spec in missing}
    if "sheet-missing" in chosen:
        for spec in missing:
            if plan.present(spec):
                continue  # there but unreadable: sheet-unreadable has said so
            skipped = sorted(r.code for r in rules if spec in r.needs)
            tail = f"; skipped: {', '.join(skipped)}" if skipped else ""
            findings.append(Finding("sheet-missing", INFO, f"no {spec.name} sheet in this workbook{tail}",
                                    sheet=spec.name))
    run = Run(plan, as_of)
    for rule in rules:
        if any(spec.name in missing_names for spec in rule.needs):
            continue
        if rule.check_run is not None:
            hits = rule.check_run(run)
        elif rule.check is not None:
            hits = rule.check(plan, as_of)
        else:
            continue  # reported by the reader
        for hit in hits:
            findings.append(_finding(plan, rule, hit))
    order: dict[str | None, int] = {s.name: i for i, s in enumerate(contract.ALL_SHEETS)}
    spec_names: dict[str | None, str] = {}  # a sheet as named in the workbook -> its contract name
    for name, table in plan.tables.items():
        spec_names.setdefault(table.sheet, name)
    findings.sort(key=lambda f: (order.get(spec_names.get(f.sheet, f.sheet), 99), f.row or 0, f.column or "", f.code))
    return findings


def _finding(plan: Plan, rule: Rule, hit: Hit) -> Finding:
    spec = hit.sheet or rule.sheet
    column = None
    if spec is contract.CONTROL:
        sheet = plan.control_sheet
        column = "B" if hit.field == "value" else None
    else:
        table = plan.table(spec)
        sheet = table.sheet if table else spec.name
        column = table.letter(hit.field) if table and hit.field else None
    return Finding(rule.code, rule.severity, hit.message, sheet=sheet, row=hit.row, column=column,
                   field=hit.field, activity_id=hit.activity_id, value=hit.value)


def catalogue_rows() -> list[dict[str, Any]]:
    """The catalogue as rows for `cseplan rules` and the README."""
    return [rule.to_dict() for rule in CATALOGUE.values()]

