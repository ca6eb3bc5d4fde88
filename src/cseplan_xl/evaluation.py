"""The evaluation: the Evaluation record, evaluate(), the rows that may go into a figure, and MEASURES, the one
registry of the plan's four measures (DOMAIN.md, "Evaluation").

Each measure's definition and computation is in its own module (referrals.py, social_media.py,
traditional_media.py, anecdotes.py; statistics in stats.py), its views in evaluation_views.py. Every measure
carries its definition, data source (sheet), baseline and period (Barcelona Principles). Never an advertising
value equivalent; never an engagement rate pooled across platforms.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from . import anecdotes, contract, referrals, social_media, traditional_media
from . import evaluation_views as views
from .dates import format_day
from .disclosure import RULE
from .errors import InvalidValue
from .evaluation_views import CSV_COLUMNS, plain, section_rows
from .findings import ERROR, cell_address
from .measures import Figures, MeasureResult
from .period import Period, as_of_note, default_period, make_period, parse_period
from .privacy import RULES as PRIVACY_RULES
from .rules import check_plan

LEFT_OUT_FOR_PARTNERS = "not counted (the officer's report says why)"
SAME_PERIOD_LAST_YEAR = "same-period-last-year"
PRE_PERIOD = "pre-period"
BASELINE_EXAMPLES = "same-period-last-year or pre-period:K (K earlier periods of the same length, e.g. pre-period:4)"


# --- the measures ------------------------------------------------------------------------------
# One registry: a new measure is a module of its own (its definition, computation and records; measures.py holds
# what they share), its views in evaluation_views.py, its sheet in the contract, and one entry here
# (ARCHITECTURE.md, "Where a change goes").

Body = dict[str, Any]


@dataclass(frozen=True)
class Measure:
    """An evaluation measure: its sheet and definition, how it is computed, and how each view shows it."""

    name: str  # the key in the evaluation's JSON
    spec: contract.SheetSpec
    what: str  # "no data for <what>: ..."
    heading: str  # its heading in the text summary
    definition: str
    compute: Callable[[list[Body], Period, tuple[Period, ...], dict[str, str]], tuple[Figures, Body | None]]
    text: Callable[[Body], list[str]]
    csv: Callable[[list[Body], Body], None]
    protect: Callable[[MeasureResult, Body | None], Body] | None = None  # the partner-facing view, where it differs


def _no_raw(figures: Figures) -> tuple[Figures, None]:
    return figures, None


MEASURES: tuple[Measure, ...] = (
    Measure("referrals", contract.REFERRALS, "referrals", "Referrals", referrals.DEFINITION,
            lambda records, period, baselines, words: referrals.referrals(records, period, baselines, words),
            views.text_referrals, views.csv_referrals, views.protect_referrals),
    Measure("social", contract.SOCIAL, "social media",
            "Social media (per platform; rates are never pooled across platforms)", social_media.DEFINITION,
            lambda records, period, baselines, words: _no_raw(social_media.social(records, period, baselines)),
            views.text_social, views.csv_social),
    Measure("media", contract.MEDIA, "traditional media", "Traditional media", traditional_media.DEFINITION,
            lambda records, period, baselines, words: _no_raw(traditional_media.media(records, period)),
            views.text_media, views.csv_media),
    Measure("anecdotes", contract.ANECDOTES, "anecdotal evidence", "Anecdotal evidence", anecdotes.DEFINITION,
            lambda records, period, baselines, words: _no_raw(anecdotes.anecdotes(records, period)),
            views.text_anecdotes, views.csv_anecdotes, lambda section, raw: views.protect_anecdotes(section)),
)


# --- the evaluation --------------------------------------------------------------------------


@dataclass(frozen=True)
class Evaluation:
    """The four measures for one reporting period against a recorded baseline."""

    as_of: dt.date
    period: Period
    baseline_method: str
    baseline_periods: tuple[Period, ...]
    sections: dict[str, MeasureResult]  # measure name -> its result (MEASURES says what each holds)
    raw: dict[str, Any] = field(default_factory=dict, repr=False)  # counts the partner view protects
    left_out: list[dict[str, str]] = field(default_factory=list)  # cells kept out of every figure, and why
    baseline_partner: dict[str, str] = field(default_factory=dict)  # the baseline in the article's words
    as_of_note: str | None = None  # one line when the as-of date falls outside the plan's lifetime

    @property
    def baseline_words(self) -> str:
        """The baseline in words, naming its periods."""
        return _baseline_words(self.baseline_method, self.baseline_periods)

    def to_dict(self, partner_facing: bool = False) -> dict[str, Any]:
        """JSON-able figures with snake_case keys; partner_facing applies disclosure control."""
        out: dict[str, Any] = {
            "as_of": self.as_of.isoformat(),
            "as_of_note": self.as_of_note,
            "period": self.period.to_dict(),
            "baseline": {"method": self.baseline_method, "description": self.baseline_words,
                         "partner_words": dict(self.baseline_partner),
                         "periods": [p.to_dict() for p in self.baseline_periods]},
            "partner_facing": partner_facing,
            **({"disclosure_rule": RULE} if partner_facing else {}),
            "left_out": self._left_out(partner_facing),
        }
        for m in MEASURES:
            section = self.sections[m.name]
            out[m.name] = (m.protect(section, self.raw.get(m.name)) if partner_facing and m.protect
                           else section.to_dict())
        result: dict[str, Any] = plain(out)
        return result

    def _left_out(self, partner_facing: bool) -> list[dict[str, str]]:
        """The cells kept out of the figures; for partners without the reasons, which quote what the cells hold
        (a month's count of boys among them)."""
        if not partner_facing:
            return self.left_out
        return [{"cell": item["cell"], "reason": LEFT_OUT_FOR_PARTNERS} for item in self.left_out]

    def partner_view(self) -> dict[str, Any]:
        """The figures as they may go to partners: small counts hidden and not recoverable by subtraction."""
        return self.to_dict(partner_facing=True)

    def csv_rows(self, partner_facing: bool = False) -> list[dict[str, Any]]:
        """Long rows (columns CSV_COLUMNS): section, group, key, field, value."""
        data = self.to_dict(partner_facing)
        left_out = [{"section": "left_out", "group": "", "key": item["cell"], "field": "reason",
                     "value": item["reason"]} for item in data["left_out"]]
        return left_out + [row for m in MEASURES for row in section_rows(m.name, data[m.name], m.csv)]

    def to_text(self, partner_facing: bool = False) -> str:
        """A readable summary for the terminal."""
        d = self.to_dict(partner_facing)
        lines = [f"Evaluation for {self.period.describe(label=True)}, as of {format_day(self.as_of)}",
                 f"Baseline: {self.baseline_words}", *([self.as_of_note] if self.as_of_note else [])]
        if partner_facing:
            lines.append(f"Partner-facing. {RULE}")
        if self.left_out:
            lines += ["", f"Left out of the figures ({len(self.left_out)}):"]
            lines += [f"  {item['cell']}: {item['reason']}" for item in d["left_out"]]
        for m in MEASURES:
            section = d[m.name]
            lines += ["", m.heading]
            lines += [f"  {section['message']}"] if section["status"] != "ok" else m.text(section)
        return "\n".join(lines) + "\n"


def evaluate(
    plan: Any,
    period: str | Period | None = None,
    baseline: str = SAME_PERIOD_LAST_YEAR,
    as_of: dt.date | None = None,
) -> Evaluation:
    """The four measures for a period (default: the Control reporting period, else the last complete quarter)."""
    as_of_date = plan.as_of(as_of)
    period_obj = period if isinstance(period, Period) else (
        parse_period(period) if period else default_period(plan.settings.reporting_period, as_of_date))
    method, k = parse_baseline(baseline)
    baseline_periods = (
        (period_obj.shift_years(-1),) if method == SAME_PERIOD_LAST_YEAR else tuple(period_obj.previous(k))
    )
    baseline_text = _baseline_words(method if method == SAME_PERIOD_LAST_YEAR else f"{PRE_PERIOD}:{k}",
                                    baseline_periods)
    bwords = _baseline_partner_words(method, period_obj, baseline_periods)
    raw: dict[str, Any] = {}
    sections: dict[str, MeasureResult] = {}
    left_out: list[dict[str, str]] = []
    rejected = _rejected_rows(plan, as_of_date)
    for m in MEASURES:
        empty = _no_data(plan, m.spec, m.what)
        result = MeasureResult("no data", m.definition, _source(plan, m.spec), period_obj.to_dict(), baseline_text)
        if empty:
            sections[m.name] = replace(result, message=empty)
            continue
        records, dropped = _usable(plan, m.spec, rejected.get(m.spec.name, {}), as_of_date)
        left_out += dropped
        figures, raw[m.name] = m.compute(records, period_obj, baseline_periods, bwords)
        sections[m.name] = replace(result, status="ok", figures=figures)
    return Evaluation(
        as_of=as_of_date, period=period_obj,
        baseline_method=method if method == SAME_PERIOD_LAST_YEAR else f"{PRE_PERIOD}:{k}",
        baseline_periods=baseline_periods, raw=raw, left_out=left_out, baseline_partner=bwords,
        as_of_note=as_of_note(as_of_date, plan.settings.plan_start, plan.settings.plan_end,
                              today=as_of is None and plan.settings.as_of is None),
        sections=sections,
    )


def _rejected_rows(plan: Any, as_of: dt.date) -> dict[str, dict[int, list[str]]]:
    """Rows of the evaluation sheets with error findings: contract sheet name -> row -> "Sheet!C10: message"."""
    names = {}
    for spec in contract.EVALUATION_SHEETS:
        table = plan.table(spec)
        if table is not None:
            names[table.sheet] = spec.name
    out: dict[str, dict[int, list[str]]] = {}
    # Personal data in a row's text does not make its figures wrong: the privacy screen stops it where it would
    # be published (and a privacy message, which quotes what it found, must not travel into a figure's notes).
    for f in check_plan(plan, as_of, ignore=list(PRIVACY_RULES)):
        if f.severity == ERROR and f.sheet in names and f.row is not None:
            out.setdefault(names[f.sheet], {}).setdefault(f.row, []).append(f"{f.address}: {f.message}")
    return out


def _usable(plan: Any, spec: contract.SheetSpec, rejected: dict[int, list[str]],
            as_of: dt.date) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    """The sheet's records that may go into a figure, and one line for each left out: rows with error findings,
    and rows dated after the as-of date."""
    table = plan.table(spec)
    date_key = "month" if spec is contract.REFERRALS else "date"
    kept, dropped, later = [], [], []
    for record in plan.records(spec):
        row = record["row"]
        if row in rejected:
            dropped += [{"cell": line.split(":", 1)[0], "reason": line.split(": ", 1)[1]}
                        for line in rejected[row]]
            continue
        day = record.get(date_key)
        if isinstance(day, dt.date) and day > as_of:
            later.append(row)
            continue
        kept.append(record)
    if later:  # one line for the sheet: "Referrals!A30:A38"
        letter = table.letter(date_key)
        cells = (cell_address(table.sheet, letter, later[0]) + (f":{letter}{later[-1]}" if len(later) > 1 else "")
                 if later == list(range(later[0], later[-1] + 1)) else
                 ", ".join(cell_address(table.sheet, letter, r) for r in later))
        rows = "a row" if len(later) == 1 else f"{len(later)} rows"
        dropped.append({"cell": cells, "reason": f"{rows} dated after the as-of date {format_day(as_of)}"})
    return kept, dropped


def _baseline_partner_words(method: str, period: Period, periods: tuple[Period, ...]) -> dict[str, str]:
    """How the article names the baseline: "the same period last year", or "a quarter on average over the 4
    quarters before" for a scaled baseline."""
    if method == SAME_PERIOD_LAST_YEAR:
        return {"name": "the same period last year", "span": periods[0].describe(), "before": "a year earlier",
                "average_of": ""}
    unit = _unit(period)
    many = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}.get(len(periods), str(len(periods)))
    span = make_period(periods[0].start, periods[-1].end).describe()
    name = f"the {many} {unit}s before" if len(periods) > 1 else f"the {unit} before"
    return {"name": name, "span": span, "before": f"in {name}",
            "average_of": f"a {unit} on average over the {many} {unit}s before"}


def _unit(period: Period) -> str:
    months = len(period.month_starts()) if period.whole_months else 0
    return {1: "month", 3: "quarter", 6: "half-year", 12: "year"}.get(months, "period of the same length")


def parse_baseline(text: str) -> tuple[str, int]:
    """("same-period-last-year", 1) or ("pre-period", K) from the --baseline text; InvalidValue otherwise."""
    s = "-".join(str(text).strip().casefold().replace("_", " ").split())
    if s in ("same-period-last-year", "last-year", "same-period"):
        return SAME_PERIOD_LAST_YEAR, 1
    for prefix in ("pre-period:", "pre-period-", "preperiod:", "pre:"):
        if s.startswith(prefix):
            rest = s[len(prefix):]
            if rest.isdigit() and 1 <= int(rest) <= 40:
                return PRE_PERIOD, int(rest)
            raise InvalidValue(f"baseline {text!r}: K must be a whole number from 1 to 40, e.g. pre-period:4")
    raise InvalidValue(f"cannot understand the baseline {text!r}; use {BASELINE_EXAMPLES}")


def _baseline_words(method: str, periods: tuple[Period, ...]) -> str:
    if method == SAME_PERIOD_LAST_YEAR:
        return f"the same period last year, {periods[0].describe(label=True)}"
    if len(periods) == 1:
        return f"the period before, {periods[0].describe(label=True)}"
    return (f"the average of the {len(periods)} periods of the same length before "
            f"({periods[0].label} to {periods[-1].label})")


def _source(plan: Any, spec: contract.SheetSpec) -> str:
    table = plan.table(spec)
    return f"{table.sheet if table is not None else spec.name} sheet"


def _no_data(plan: Any, spec: contract.SheetSpec, what: str) -> str | None:
    """Why a measure has no data ("no data for referrals: the Referrals sheet is missing"), or None."""
    table = plan.table(spec)
    if table is None:
        present = plan.sheet_name(spec)
        why = (f"the {present} sheet could not be read (its header row lacks required columns)" if present
               else f"the {spec.name} sheet is missing")
    elif not table.rows:
        why = f"the {table.sheet} sheet is empty"
    else:
        return None
    return f"no data for {what}: {why}"


__all__ = ["CSV_COLUMNS", "MEASURES", "Evaluation", "Measure", "evaluate", "parse_baseline"]
