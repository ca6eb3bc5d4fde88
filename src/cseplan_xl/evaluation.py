"""Evaluation figures for the plan's four measures, with honest uncertainty (DOMAIN.md, "Evaluation").

Referrals are compared as a rate ratio of two Poisson counts with exposure in months, in words that match
the evidence (stats.py holds the statistics and the thresholds of its words). Every measure carries its
definition, data source (sheet), baseline and period (Barcelona Principles). Never an advertising value
equivalent; never an engagement rate pooled across platforms.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from . import contract
from .dates import format_day
from .disclosure import RULE, WITHHELD, Relation, protect
from .errors import InvalidValue
from .findings import cell_address
from .period import Period, as_of_note, default_period, make_period, parse_period
from .stats import RateRatio, partner_words, plain_words, rate_ratio, wilson_interval
from .words import plural

SAME_PERIOD_LAST_YEAR = "same-period-last-year"
PRE_PERIOD = "pre-period"
BASELINE_EXAMPLES = "same-period-last-year or pre-period:K (K earlier periods of the same length, e.g. pre-period:4)"
SOCIAL_COMPONENTS = ("reactions", "comments", "shares", "saves", "clicks")
SOCIAL_DENOMINATORS = ("views", "impressions", "reach")  # first present wins: Meta replaced impressions with views
TONES = tuple(f"{t:+d}" if t else "0" for t in range(contract.TONE_RANGE[0], contract.TONE_RANGE[1] + 1))
CSV_COLUMNS = ("section", "group", "key", "field", "value")

DEFINITIONS = {
    "referrals": "CSE referrals recorded per month on the Referrals sheet (all, boys, teenage boys 13-17). "
                 "Rates are per month of recorded figures; a month with no figure is left out, never counted as zero.",
    "social": "Engagements (reactions + comments + shares + saves + clicks) per post, summed per platform; "
              "engagement rate = engagements / the denominator the platform's Metric definition names (views, "
              "impressions, reach or followers), else the first of views, impressions, reach the posts report, "
              "over the posts that report it. Rates are per platform and never pooled across platforms.",
    "media": f"Traditional media items coded on the Media sheet: tone {contract.TONE_RANGE[0]}.."
             f"{contract.TONE_RANGE[1]:+d}, prominence 3 headline/lead, "
             "2 first paragraph or picture, 1 passing mention; broadcast seconds; how many of the five key "
             "messages; whether the reporting route was given. No advertising value equivalent.",
    "anecdotes": "Anecdotal evidence items on the Anecdotes sheet; publishable = consent to publish and "
                 "anonymised both yes.",
}
_WHAT = {"referrals": "referrals", "social": "social media", "media": "traditional media",
         "anecdotes": "anecdotal evidence"}
_SPECS = {"referrals": contract.REFERRALS, "social": contract.SOCIAL, "media": contract.MEDIA,
          "anecdotes": contract.ANECDOTES}


# --- shares ----------------------------------------------------------------------------------


def _share(k: int, n: int) -> dict[str, Any]:
    ci = wilson_interval(k, n)
    return {"count": k, "of": n, "share": round(k / n, 6) if n else None,
            "ci": None if ci is None else [round(ci[0], 6), round(ci[1], 6)]}


# --- the evaluation --------------------------------------------------------------------------


@dataclass
class Evaluation:
    """The four measures for one reporting period against a recorded baseline."""

    as_of: dt.date
    period: Period
    baseline_method: str
    baseline_periods: tuple[Period, ...]
    referrals: dict[str, Any]
    social: dict[str, Any]
    media: dict[str, Any]
    anecdotes: dict[str, Any]
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
        out = {
            "as_of": self.as_of.isoformat(),
            "as_of_note": self.as_of_note,
            "period": self.period.to_dict(),
            "baseline": {"method": self.baseline_method, "description": self.baseline_words,
                         "partner_words": dict(self.baseline_partner),
                         "periods": [p.to_dict() for p in self.baseline_periods]},
            "partner_facing": partner_facing,
            **({"disclosure_rule": RULE} if partner_facing else {}),
            "left_out": self.left_out,
            "referrals": self.referrals,
            "social": self.social,
            "media": self.media,
            "anecdotes": self.anecdotes,
        }
        if partner_facing:
            out["referrals"] = _protect_referrals(self.referrals, self.raw.get("referrals"))
            out["anecdotes"] = _protect_anecdotes(self.anecdotes)
        plain: dict[str, Any] = _plain(out)
        return plain

    def partner_view(self) -> dict[str, Any]:
        """The figures as they may go to partners: small counts hidden and not recoverable by subtraction."""
        return self.to_dict(partner_facing=True)

    def csv_rows(self, partner_facing: bool = False) -> list[dict[str, Any]]:
        """Long rows (columns CSV_COLUMNS): section, group, key, field, value."""
        data = self.to_dict(partner_facing)
        return [row for section in ("referrals", "social", "media", "anecdotes")
                for row in _section_rows(section, data[section])]

    def to_text(self, partner_facing: bool = False) -> str:
        """A readable summary for the terminal."""
        d = self.to_dict(partner_facing)
        lines = [f"Evaluation for {self.period.describe(label=True)}, as of {format_day(self.as_of)}",
                 f"Baseline: {self.baseline_words}", *([self.as_of_note] if self.as_of_note else [])]
        if partner_facing:
            lines.append(f"Partner-facing. {RULE}")
        if self.left_out:
            lines += ["", f"Left out of the figures ({len(self.left_out)}):"]
            lines += [f"  {item['cell']}: {item['reason']}" for item in self.left_out]
        lines += ["", "Referrals"]
        ref = d["referrals"]
        if ref["status"] != "ok":
            lines.append(f"  {ref['message']}")
        else:
            for key in ("all", "teen_boys"):
                c = ref[key]
                lines.append(f"  {c['sentence']}")
            for key, label in (("boys_share", "boys"), ("teen_boys_share", "teenage boys")):
                s = ref[key]
                lines.append(f"  Share that are {label}: {_share_words(s['baseline'])} before, "
                             f"{_share_words(s['period'])} now.")
            lines += [f"  Note: {n}" for n in ref["notes"]]
        lines += ["", "Social media (per platform; rates are never pooled across platforms)"]
        soc = d["social"]
        if soc["status"] != "ok":
            lines.append(f"  {soc['message']}")
        else:
            for p in soc["platforms"]:
                rate = "no rate (no denominator)" if p["engagement_rate"] is None else (
                    f"{100 * p['engagement_rate']:.2f}% of {p['denominator']} (as {p['denominator_from']} says)"
                    if p["denominator_from"] == "the Metric definition" else
                    f"{100 * p['engagement_rate']:.2f}% of {p['denominator']} ({p['denominator_from']})")
                lines.append(f"  {p['platform']}: {plural(p['posts'], 'post')}, {p['engagements']} engagements, {rate}")
            lines += [f"  Note: {n}" for n in soc["notes"]]
        lines += ["", "Traditional media"]
        med = d["media"]
        if med["status"] != "ok":
            lines.append(f"  {med['message']}")
        else:
            t = med["overall"]
            tones = " ".join(f"{k}:{v}" for k, v in t["tone_counts"].items())
            messages = "-" if t["mean_key_messages"] is None else f"{t['mean_key_messages']:.1f}"
            lines.append(
                f"  {plural(t['items'], 'item')}; tone {tones}; net tone {t['net_tone']:+d}; "
                f"prominence-weighted {t['prominence_weighted']}; broadcast {t['broadcast_seconds']:g} s; "
                f"key messages per item {messages}; reporting route given in {t['reporting_route']['given']} "
                f"of {t['items']}"
            )
            for name in ("by_tier", "by_campaign"):
                for g in med[name]:
                    items = plural(g["items"], "item")
                    lines.append(f"    {name[3:]} {g['key']}: {items}, net tone {g['net_tone']:+d}")
            lines += [f"  Note: {n}" for n in med["notes"]]
        lines += ["", "Anecdotal evidence"]
        an = d["anecdotes"]
        if an["status"] != "ok":
            lines.append(f"  {an['message']}")
        else:
            lines.append(f"  {an['total']} items, {an['publishable']} publishable (consented and anonymised)")
            lines += [f"    {s['key']}: {s['total']}" for s in an["by_source_type"]]
            lines += [f"  Note: {n}" for n in an["notes"]]
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
    meta = {"period": period_obj.to_dict(), "baseline": _baseline_words(
        method if method == SAME_PERIOD_LAST_YEAR else f"{PRE_PERIOD}:{k}", baseline_periods)}
    bwords = _baseline_partner_words(method, period_obj, baseline_periods)
    raw: dict[str, Any] = {}
    sections = {}
    left_out: list[dict[str, str]] = []
    rejected = _rejected_rows(plan, as_of_date)
    for name in ("referrals", "social", "media", "anecdotes"):
        spec = _SPECS[name]
        empty = _no_data(plan, spec, _WHAT[name])
        head = {"definition": DEFINITIONS[name], "source": _source(plan, spec), **meta}
        if empty:
            sections[name] = {**empty, **head}
            continue
        records, dropped = _usable(plan, spec, rejected.get(spec.name, {}), as_of_date)
        left_out += dropped
        if name == "referrals":
            body, raw["referrals"] = _referrals(records, period_obj, baseline_periods, bwords)
        elif name == "social":
            body = _social(records, period_obj, baseline_periods)
        elif name == "media":
            body = _media(records, period_obj)
        else:
            body = _anecdotes(records, period_obj)
        sections[name] = {"status": "ok", **head, **body}
    return Evaluation(
        as_of=as_of_date, period=period_obj,
        baseline_method=method if method == SAME_PERIOD_LAST_YEAR else f"{PRE_PERIOD}:{k}",
        baseline_periods=baseline_periods, raw=raw, left_out=left_out, baseline_partner=bwords,
        as_of_note=as_of_note(as_of_date, plan.settings.plan_start, plan.settings.plan_end,
                              today=as_of is None and plan.settings.as_of is None),
        **sections,
    )


def _rejected_rows(plan: Any, as_of: dt.date) -> dict[str, dict[int, list[str]]]:
    """Rows of the evaluation sheets with error findings: contract sheet name -> row -> "Sheet!C10: message"."""
    from .findings import ERROR
    from .rules import check_plan

    names = {}
    for spec in contract.EVALUATION_SHEETS:
        table = plan.table(spec)
        if table is not None:
            names[table.sheet] = spec.name
    out: dict[str, dict[int, list[str]]] = {}
    from .privacy import RULES as PRIVACY_RULES

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


def _no_data(plan: Any, spec: contract.SheetSpec, what: str) -> dict[str, str] | None:
    table = plan.table(spec)
    if table is None:
        present = [n for n in getattr(plan.source, "sheet_names", []) if spec.matches(n)]
        why = (f"the {present[0]} sheet could not be read (its header row lacks required columns)" if present
               else f"the {spec.name} sheet is missing")
    elif not table.rows:
        why = f"the {table.sheet} sheet is empty"
    else:
        return None
    return {"status": "no data", "message": f"no data for {what}: {why}"}


def _in(period: Period, day: Any) -> bool:
    return isinstance(day, dt.date) and period.contains(day)


def _month(day: dt.date) -> str:
    return f"{day.year}-{day.month:02d}"


# --- referrals -------------------------------------------------------------------------------


def _referrals(records: list[dict[str, Any]], period: Period, baselines: tuple[Period, ...],
               words: dict[str, str]) -> tuple[dict[str, Any], dict[str, Any]]:
    notes: list[str] = []
    monthly: dict[dt.date, dict[str, Any]] = {}
    for r in records:
        month = r.get("month")
        if not isinstance(month, dt.date):
            notes.append(f"row {r['row']}: Month is blank or not a date; the row is left out")
            continue
        key = month.replace(day=1)
        if key in monthly:
            notes.append(f"{_month(key)} appears more than once (rows {monthly[key]['rows'][0]} and {r['row']}); "
                         "the rows are added together")
            slot = monthly[key]
            for f in ("referrals", "boys", "teen_boys"):
                if r.get(f) is not None:
                    slot[f] = (slot[f] or 0) + int(r[f])
            slot["rows"].append(r["row"])
        else:
            monthly[key] = {f: None if r.get(f) is None else int(r[f]) for f in ("referrals", "boys", "teen_boys")}
            monthly[key]["rows"] = [r["row"]]
    if not (period.whole_months and all(b.whole_months for b in baselines)):
        notes.append("the period does not start and end on month boundaries; referrals are monthly, so every "
                     "month it touches is counted whole")
    period_months = period.month_starts()
    baseline_months = [m for b in baselines for m in b.month_starts()]

    def window(months: list[dt.date], f: str) -> tuple[int, int, list[str], list[dt.date]]:
        present = [m for m in months if m in monthly and monthly[m][f] is not None]
        missing = [_month(m) for m in months if m not in present]
        return sum(monthly[m][f] for m in present), len(present), missing, present

    out: dict[str, Any] = {}
    raw: dict[str, Any] = {"windows": {}}
    per_period = len(period_months)
    for f, label in (("referrals", "all"), ("teen_boys", "teen_boys")):
        subject = "Referrals" if f == "referrals" else "Referrals from teenage boys"
        y1, t1, miss1, _ = window(period_months, f)
        y0, t0, miss0, _ = window(baseline_months, f)
        comp: dict[str, Any] = {
            "label": subject, "period_count": y1, "period_months": t1, "baseline_count": y0,
            "baseline_months": t0, "baseline_periods": len(baselines),
            "baseline_average": round(y0 / t0 * per_period, 6) if t0 else None,
            # the baseline scaled to the months recorded in the period (what the words compare with)
            "baseline_scaled": round(y0 / t0 * t1, 6) if t0 and t1 else None,
            "missing_period_months": miss1, "missing_baseline_months": miss0,
        }
        if t1 == 0 or t0 == 0:
            where = "the period" if t1 == 0 else "the baseline"
            comp.update(RateRatio(y1, t1 or 1, y0, t0 or 1, None, None, None, None, None, None, None).to_dict())
            comp["sentence"] = f"{subject}: no figures recorded for {where}, so there is nothing to compare."
            comp["partner_sentence"] = comp["sentence"]
        else:
            result = rate_ratio(y1, t1, y0, t0)
            comp.update(result.to_dict())
            comp["sentence"] = plain_words(subject, result) + _missing_words(miss1, miss0)
            comp["partner_sentence"] = partner_words(subject, result, words["before"], words["average_of"] or None)
        out[label] = comp
    for f, label in (("boys", "boys_share"), ("teen_boys", "teen_boys_share")):
        shares = {}
        for name, months in (("period", period_months), ("baseline", baseline_months)):
            _, _, _, present = window(months, f)
            present = [m for m in present if monthly[m]["referrals"] is not None]
            k = sum(monthly[m][f] for m in present)
            n = sum(monthly[m]["referrals"] for m in present)
            shares[name] = {**_share(k, n), "months": len(present)}
        out[label] = shares
    for name, months in (("period", period_months), ("baseline", baseline_months)):
        raw["windows"][name] = {f: window(months, f) for f in ("referrals", "boys", "teen_boys")}
    raw["monthly"] = {m.isoformat(): v["referrals"] for m, v in monthly.items()}
    missing_all = sorted(set(out["all"]["missing_period_months"] + out["all"]["missing_baseline_months"]))
    if missing_all:
        notes.append(f"no referral figures for {', '.join(missing_all)}: those months are left out of the rates, "
                     "not counted as zero")
    first = dt.date(period.start.year - 1, period.start.month, 1)
    out["monthly"] = [{"month": m.isoformat(), "referrals": monthly[m]["referrals"]} for m in sorted(monthly)
                      if first <= m <= period.end and monthly[m]["referrals"] is not None]
    out["notes"] = notes
    return out, raw


def _missing_words(miss1: list[str], miss0: list[str]) -> str:
    gone = miss1 + miss0
    if not gone:
        return ""
    return f" Months with no figures ({', '.join(gone)}) are left out, not counted as zero."


# --- social ----------------------------------------------------------------------------------


def _social(records: list[dict[str, Any]], period: Period, baselines: tuple[Period, ...]) -> dict[str, Any]:
    notes: list[str] = []
    undated = [r["row"] for r in records if not isinstance(r.get("date"), dt.date)]
    if undated:
        notes.append(f"{len(undated)} post(s) without a valid date left out (rows {_rows(undated)})")
    inside = [r for r in records if _in(period, r.get("date"))]
    before = [r for r in records if any(_in(b, r.get("date")) for b in baselines)]
    by_platform: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in inside:
        by_platform[r.get("platform") or "(no platform)"].append(r)
    base_by_platform: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in before:
        base_by_platform[r.get("platform") or "(no platform)"].append(r)
    platforms = []
    for name in sorted(by_platform, key=str.casefold):
        posts = by_platform[name]
        entry = {"platform": name, **_social_tally(posts)}
        campaigns: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for r in posts:
            campaigns[r.get("campaign") or "(no campaign)"].append(r)
        entry["campaigns"] = [{"campaign": c, **_social_tally(campaigns[c])}
                              for c in sorted(campaigns, key=str.casefold)]
        base = base_by_platform.get(name)
        entry["baseline"] = None if not base else {
            k: v for k, v in _social_tally(base).items()
            if k in ("posts", "engagements", "denominator", "denominator_total", "posts_in_rate", "engagement_rate")
        }
        platforms.append(entry)
    if not inside:
        notes.append("no posts dated inside the period")
    return {"posts": len(inside), "platforms": platforms, "notes": notes}


_PER = re.compile(r"\bper\s+(view|impression|reach|follower)s?\b", re.IGNORECASE)
_PER_KEY = {"view": "views", "impression": "impressions", "reach": "reach", "follower": "followers"}


def _named_denominator(definition: str | None) -> str | None:
    """The denominator a Metric definition names: "...; rate per reach (Instagram Insights)" -> "reach"."""
    m = _PER.search(definition or "")
    return _PER_KEY[m.group(1).casefold()] if m else None


def _social_tally(posts: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {"posts": len(posts)}
    for f in SOCIAL_COMPONENTS + SOCIAL_DENOMINATORS:
        values = [p[f] for p in posts if p.get(f) is not None]
        out[f] = sum(values) if values else None
    engagement = [sum(p.get(f) or 0 for f in SOCIAL_COMPONENTS) for p in posts]
    out["engagements"] = sum(engagement)
    dated = sorted((p for p in posts if p.get("followers") is not None and isinstance(p.get("date"), dt.date)),
                   key=lambda p: p["date"])
    out["followers"] = dated[-1]["followers"] if dated else None
    # The denominator: the one the posts' Metric definition names ("rate per reach"); else the first of views,
    # impressions, reach that every post reports, else the one most report.
    named = {_named_denominator(p.get("metric_definition")) for p in posts} - {None}
    coverage = [(sum(1 for p in posts if p.get(f) is not None), -i, f) for i, f in enumerate(SOCIAL_DENOMINATORS)]
    full = [f for n, _, f in coverage if n == len(posts) and n > 0]
    best = full[0] if full else max(coverage)[2] if max(coverage)[0] > 0 else None
    out["denominator_from"] = "the first denominator the posts report (no Metric definition names one)"
    if len(named) == 1:
        best = named.pop()
        out["denominator_from"] = "the Metric definition"
    elif len(named) > 1:
        out["denominator_from"] = (f"the first denominator the posts report (their Metric definitions name "
                                   f"{' and '.join(sorted(n for n in named if n))})")
    if best is None or not any(p.get(best) is not None for p in posts):
        out.update({"denominator": best, "denominator_total": None, "posts_in_rate": 0, "engagement_rate": None})
    else:
        used = [i for i, p in enumerate(posts) if p.get(best) is not None]
        den = sum(posts[i][best] for i in used)
        num = sum(engagement[i] for i in used)
        out.update({"denominator": best, "denominator_total": den, "posts_in_rate": len(used),
                    "engagement_rate": round(num / den, 6) if den else None})
    out["metric_definitions"] = sorted({p["metric_definition"] for p in posts if p.get("metric_definition")})
    return out


# --- media -----------------------------------------------------------------------------------


def _media(records: list[dict[str, Any]], period: Period) -> dict[str, Any]:
    notes: list[str] = []
    items = [r for r in records if _in(period, r.get("date"))]
    (tone_lo, tone_hi), (prom_lo, prom_hi) = contract.TONE_RANGE, contract.PROMINENCE_RANGE
    bad_tone = [r["row"] for r in items if r.get("tone") is not None and not _coded(r["tone"], contract.TONE_RANGE)]
    if bad_tone:
        notes.append(f"tone outside {tone_lo}..{tone_hi:+d} left uncoded (rows {_rows(bad_tone)})")
    bad_prom = [r["row"] for r in items
                if r.get("prominence") is not None and not _coded(r["prominence"], contract.PROMINENCE_RANGE)]
    if bad_prom:
        notes.append(f"prominence outside {prom_lo}..{prom_hi} left uncoded (rows {_rows(bad_prom)})")
    if not items:
        notes.append("no media items dated inside the period")

    def groups(key: str) -> list[dict[str, Any]]:
        buckets: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for r in items:
            value = r.get(key)
            if key == "tier" and value and value.casefold() in contract.OUTLET_TIERS:
                value = value.casefold()
            buckets[value or "(not coded)"].append(r)
        return [{"key": k, **_media_tally(buckets[k])} for k in sorted(buckets, key=str.casefold)]

    return {"overall": _media_tally(items), "by_tier": groups("tier"), "by_campaign": groups("campaign"),
            "notes": notes}


def _media_tally(items: list[dict[str, Any]]) -> dict[str, Any]:
    tones = [int(r["tone"]) for r in items if r.get("tone") is not None and _coded(r["tone"], contract.TONE_RANGE)]
    prominence = [int(r["prominence"]) for r in items
                  if r.get("prominence") is not None and _coded(r["prominence"], contract.PROMINENCE_RANGE)]
    messages = [int(r["key_messages"]) for r in items
                if r.get("key_messages") is not None and 0 <= r["key_messages"] <= contract.KEY_MESSAGE_COUNT]
    route = [r.get("reporting_route") for r in items]
    given, not_given = route.count(True), route.count(False)
    positive, negative = sum(1 for t in tones if t > 0), sum(1 for t in tones if t < 0)
    return {
        "items": len(items),
        "tone_counts": {label: tones.count(int(label)) for label in TONES},
        "tone_not_coded": len(items) - len(tones),
        "positive": positive,
        "negative": negative,
        "net_tone": positive - negative,
        "mean_tone": round(sum(tones) / len(tones), 6) if tones else None,
        "prominence_weighted": sum(prominence),
        "prominence_not_coded": len(items) - len(prominence),
        "broadcast_seconds": sum(r["duration_seconds"] for r in items if r.get("duration_seconds") is not None),
        "mean_key_messages": round(sum(messages) / len(messages), 6) if messages else None,
        "key_messages_not_coded": len(items) - len(messages),
        "reporting_route": {"given": given, "not_given": not_given, "not_recorded": len(items) - given - not_given,
                            "share": round(given / (given + not_given), 6) if given + not_given else None},
    }


def _coded(value: Any, bounds: tuple[int, int]) -> bool:
    """True when a coded value lies in the contract's range (tone -2..+2, prominence 1..3)."""
    return bool(bounds[0] <= value <= bounds[1])


# --- anecdotes -------------------------------------------------------------------------------


def _anecdotes(records: list[dict[str, Any]], period: Period) -> dict[str, Any]:
    notes: list[str] = []
    undated = [r["row"] for r in records if not isinstance(r.get("date"), dt.date)]
    if undated:
        notes.append(f"{len(undated)} undated item(s) not counted in any period (rows {_rows(undated)})")
    items = [r for r in records if _in(period, r.get("date"))]
    publishable = [r for r in items if r.get("consent") is True and r.get("anonymised") is True]
    not_cleared = [r["row"] for r in items if r.get("publish") is True and r not in publishable]
    if not_cleared:
        notes.append(f"marked Publish without both consent and anonymisation: rows {_rows(not_cleared)}; "
                     "they are not publishable")
    by_type: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in items:
        by_type[r.get("source_type") or "(not recorded)"].append(r)
    return {
        "total": len(items),
        "publishable": len(publishable),
        "marked_publish_not_cleared": len(not_cleared),
        "undated": len(undated),
        "by_source_type": [
            {"key": k, "total": len(v), "publishable": sum(1 for r in v if r in publishable)}
            for k, v in sorted(by_type.items(), key=lambda kv: kv[0].casefold())
        ],
        "publishable_rows": [r["row"] for r in publishable],
        # The items the newsletter may quote (consented, anonymised, marked Publish), oldest first.
        "quotable": [{"row": r["row"], "date": r["date"].isoformat()} for r in sorted(
            (r for r in publishable if r.get("publish") is True and r.get("text")),
            key=lambda r: (r["date"], r["row"]))],
        "held_back": any(r.get("text") and r not in publishable or r.get("publish") is not True for r in items),
        "notes": notes,
    }


def _rows(rows: list[int]) -> str:
    return ", ".join(str(r) for r in rows[:10]) + (" ..." if len(rows) > 10 else "")


# --- partner-facing view ---------------------------------------------------------------------


def _protect_referrals(section: dict[str, Any], raw: dict[str, Any] | None) -> dict[str, Any]:
    if section.get("status") != "ok" or raw is None:
        return section
    out = {k: v for k, v in section.items()}
    figures: dict[str, int | None] = {}
    relations: list[Relation] = []
    hidden: list[str] = []
    for w in ("period", "baseline"):
        win = raw["windows"][w]
        (a, _, _, ma), (b, _, _, mb), (t, _, _, mt) = win["referrals"], win["boys"], win["teen_boys"]
        figures.update({f"all_{w}": a, f"boys_{w}": b, f"teen_{w}": t})
        if ma == mb:
            figures[f"others_{w}"] = a - b
            hidden.append(f"others_{w}")
            relations.append(Relation(f"all_{w}", (f"boys_{w}", f"others_{w}")))
        if mb == mt:
            figures[f"younger_{w}"] = b - t
            hidden.append(f"younger_{w}")
            relations.append(Relation(f"boys_{w}", (f"teen_{w}", f"younger_{w}")))
    month_figures, month_relations, month_hidden = _month_ties(section, raw)
    figures.update(month_figures)
    relations += month_relations
    hidden += month_hidden
    # The headline comparisons (all, teenage boys) keep their counts when another figure can go instead.
    keep = [f"{f}_{w}" for f in ("all", "teen") for w in ("period", "baseline")]
    guard = protect(figures, relations, hidden, keep=keep)
    for key, fig in (("all", "all"), ("teen_boys", "teen")):
        comp = dict(section[key])
        ok = guard.published(f"{fig}_period") and guard.published(f"{fig}_baseline")
        comp["period_count"] = guard.shown[f"{fig}_period"]
        comp["baseline_count"] = guard.shown[f"{fig}_baseline"]
        if not guard.published(f"{fig}_baseline"):
            comp["baseline_average"] = WITHHELD
        if not ok:
            for f in ("rate_ratio", "percent_change", "ci_exact", "ci_mid_p", "p_increase", "p_increase_mid_p",
                      "p_decrease"):
                comp[f] = WITHHELD
            comp["sentence"] = (f"{comp['label']}: {_shown_words(comp['baseline_count'])} in the baseline and "
                                f"{_shown_words(comp['period_count'])} in the period; too few to publish a comparison.")
            comp["partner_sentence"] = (f"{comp['label']}: too few to publish a comparison (figures below 5 are "
                                        "not published).")
        out[key] = comp
    for key, fig in (("boys_share", "boys"), ("teen_boys_share", "teen")):
        shares = {}
        for w in ("period", "baseline"):
            s = dict(section[key][w])
            win = raw["windows"][w]
            same_months = win[{"boys": "boys", "teen": "teen_boys"}[fig]][3] == win["referrals"][3]
            if not (same_months and guard.published(f"{fig}_{w}") and guard.published(f"all_{w}")):
                s = {"count": guard.shown.get(f"{fig}_{w}", WITHHELD), "of": guard.shown.get(f"all_{w}", WITHHELD),
                     "share": WITHHELD, "ci": WITHHELD, "months": s["months"]}
            shares[w] = s
        out[key] = shares
    out["monthly"] = [{"month": m["month"], "referrals": guard.shown[f"month:{m['month']}"]}
                      for m in section.get("monthly", [])]
    out["disclosure"] = {"primary": sorted(guard.primary), "complementary": sorted(guard.complementary)}
    return out


def _month_ties(section: dict[str, Any], raw: dict[str, Any]) -> tuple[dict[str, int | None], list[Relation],
                                                                        list[str]]:
    """The monthly referrals the chart shows, tied to the period and baseline totals (each window's total is the
    sum of its months; a window's months outside the chart are tied too, as cells never shown)."""
    figures: dict[str, int | None] = {f"month:{m['month']}": m["referrals"] for m in section.get("monthly", [])}
    relations, hidden = [], []
    for w in ("period", "baseline"):
        months = [m.isoformat() for m in raw["windows"][w]["referrals"][3]]
        for m in months:
            if f"month:{m}" not in figures:
                figures[f"month:{m}"] = raw["monthly"][m]
                hidden.append(f"month:{m}")
        if months:
            relations.append(Relation(f"all_{w}", tuple(f"month:{m}" for m in months)))
    return figures, relations, hidden


def _protect_anecdotes(section: dict[str, Any]) -> dict[str, Any]:
    if section.get("status") != "ok":
        return section
    figures: dict[str, int | None] = {"total": section["total"], "publishable": section["publishable"],
                                      "not_publishable": section["total"] - section["publishable"]}
    types = {f"type:{s['key']}": s["total"] for s in section["by_source_type"]}
    figures.update(types)
    relations = [Relation("total", ("publishable", "not_publishable"))]
    if types:
        relations.append(Relation("total", tuple(types)))
    # A source type is listed only when it has items: a reader knows each is at least 1. When the types would
    # still give a small count away (four types of "fewer than 5" items: four of one each), none is listed.
    guard = protect(figures, relations, hidden=["not_publishable"], present=list(types))
    if guard.unresolved:
        types = {}
        figures = {k: v for k, v in figures.items() if not k.startswith("type:")}
        guard = protect(figures, relations[:1], hidden=["not_publishable"])
    out = {k: v for k, v in section.items()
           if k not in ("publishable_rows", "marked_publish_not_cleared", "undated", "quotable")}
    out["quotable"] = section.get("quotable", [])[:2]  # the article quotes at most two (article.MAX_QUOTES)
    out["total"] = guard.shown["total"]
    out["publishable"] = guard.shown["publishable"]
    out["by_source_type"] = [{"key": s["key"], "total": guard.shown[f"type:{s['key']}"]}
                             for s in section["by_source_type"] if types]
    withheld = ["the breakdown by source type is withheld: with numbers this small it would show how many came "
                "from each"] if section["by_source_type"] and not types else []
    out["notes"] = withheld + [n for n in section["notes"] if "rows" not in n]
    return out


def _shown_words(value: Any) -> str:
    return "a figure withheld" if value == WITHHELD else str(value)


def _share_words(s: dict[str, Any]) -> str:
    if s["share"] == WITHHELD:
        return "withheld (small numbers)"
    if s["share"] is None:
        return "no figures"
    lo, hi = s["ci"]
    return f"{100 * s['share']:.0f}% of {s['of']} (95% CI {100 * lo:.0f}% to {100 * hi:.0f}%)"


# --- views -----------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """A deep copy made of dicts, lists and JSON scalars."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (dt.date,)):
        return value.isoformat()
    return value


def _section_rows(section: str, d: dict[str, Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    if d.get("status") != "ok":
        _add(rows, section, "", "", {"status": d.get("status"), "message": d.get("message")})
        return rows
    _add(rows, section, "", "", {k: d[k] for k in ("definition", "source", "baseline")})
    if section == "referrals":
        for key in ("all", "teen_boys"):
            _add(rows, section, "comparison", key, d[key])
        for key in ("boys_share", "teen_boys_share"):
            for w in ("period", "baseline"):
                _add(rows, section, key, w, d[key][w])
    elif section == "social":
        for p in d["platforms"]:
            fields = {k: v for k, v in p.items() if k not in ("platform", "campaigns")}
            _add(rows, section, "platform", p["platform"], fields)
            for c in p["campaigns"]:
                _add(rows, section, "platform campaign", f"{p['platform']} / {c['campaign']}",
                     {k: v for k, v in c.items() if k != "campaign"})
    elif section == "media":
        _add(rows, section, "overall", "", d["overall"])
        for name, group in (("by_tier", "tier"), ("by_campaign", "campaign")):
            for g in d[name]:
                _add(rows, section, group, g["key"], {k: v for k, v in g.items() if k != "key"})
    else:
        _add(rows, section, "overall", "", {k: d[k] for k in ("total", "publishable")})
        for g in d["by_source_type"]:
            _add(rows, section, "source_type", g["key"], {k: v for k, v in g.items() if k != "key"})
    _add(rows, section, "", "", {"notes": d.get("notes", [])})
    return rows


def _add(rows: list[dict[str, Any]], section: str, group: str, key: str, fields: dict[str, Any],
         prefix: str = "") -> None:
    """One row per field; nested dicts become prefixed fields, lists are joined with "; "."""
    for name, value in fields.items():
        if isinstance(value, dict):
            _add(rows, section, group, key, value, f"{prefix}{name}_")
        else:
            if isinstance(value, list):
                value = "; ".join("" if v is None else str(v) for v in value)
            rows.append({"section": section, "group": group, "key": key, "field": prefix + name,
                         "value": "" if value is None else value})


__all__ = [
    "CSV_COLUMNS", "Evaluation", "RateRatio", "evaluate", "parse_baseline", "plain_words", "rate_ratio",
    "wilson_interval",
]
