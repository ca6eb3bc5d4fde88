"""The evaluation's views: the partner-facing protection of small counts, the text summary and the long CSV rows,
one function of each kind per measure (evaluation.py's registry names them)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .anecdotes import AnecdoteFigures
from .disclosure import WITHHELD, Relation, protect
from .measures import MeasureResult
from .referrals import ReferralFigures
from .words import plural

CSV_COLUMNS = ("section", "group", "key", "field", "value")


# --- partner-facing view ---------------------------------------------------------------------


def protect_referrals(result: MeasureResult, raw: dict[str, Any] | None) -> dict[str, Any]:
    """The referrals section as partners may see it: disclosure.protect over the counts of the raw windows and months,
    so that no small count shows or can be found by subtraction; a comparison without its counts is withheld."""
    out = result.to_dict()
    figs = result.figures
    if result.status != "ok" or raw is None or not isinstance(figs, ReferralFigures):
        return out
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
    month_figures, month_relations, month_hidden = _month_ties(figs, raw)
    figures.update(month_figures)
    relations += month_relations
    hidden += month_hidden
    # The headline comparisons (all, teenage boys) keep their counts when another figure can go instead.
    keep = [f"{f}_{w}" for f in ("all", "teen") for w in ("period", "baseline")]
    guard = protect(figures, relations, hidden, keep=keep)
    for key, fig, comparison in (("all", "all", figs.all), ("teen_boys", "teen", figs.teen_boys)):
        comp = comparison.to_dict()
        ok = guard.published(f"{fig}_period") and guard.published(f"{fig}_baseline")
        comp["period_count"] = guard.shown[f"{fig}_period"]
        comp["baseline_count"] = guard.shown[f"{fig}_baseline"]
        if not guard.published(f"{fig}_baseline"):
            comp["baseline_average"] = WITHHELD
        if not ok:
            for f in ("rate_ratio", "percent_change", "ci_exact", "ci_mid_p", "p_increase", "p_increase_mid_p",
                      "p_decrease"):
                comp[f] = WITHHELD
            comp["sentence"] = (f"{comparison.label}: {_shown_words(comp['baseline_count'])} in the baseline and "
                                f"{_shown_words(comp['period_count'])} in the period; too few to publish a comparison.")
            comp["partner_sentence"] = (f"{comparison.label}: too few to publish a comparison (figures below 5 are "
                                        "not published).")
        out[key] = comp
    for key, fig, pair in (("boys_share", "boys", figs.boys_share),
                           ("teen_boys_share", "teen", figs.teen_boys_share)):
        shares = {}
        for w, share in (("period", pair.period), ("baseline", pair.baseline)):
            win = raw["windows"][w]
            same_months = win[{"boys": "boys", "teen": "teen_boys"}[fig]][3] == win["referrals"][3]
            shares[w] = share.to_dict() if same_months and guard.published(f"{fig}_{w}") and guard.published(
                f"all_{w}") else {"count": guard.shown.get(f"{fig}_{w}", WITHHELD),
                                  "of": guard.shown.get(f"all_{w}", WITHHELD), "share": WITHHELD, "ci": WITHHELD,
                                  "months": share.months}
        out[key] = shares
    out["monthly"] = [{"month": m.month.isoformat(), "referrals": guard.shown[f"month:{m.month.isoformat()}"]}
                      for m in figs.monthly]
    out["disclosure"] = {"primary": sorted(guard.primary), "complementary": sorted(guard.complementary)}
    return out


def _month_ties(figs: ReferralFigures, raw: dict[str, Any]) -> tuple[dict[str, int | None], list[Relation],
                                                                  list[str]]:
    """The monthly referrals the chart shows, tied to the period and baseline totals (each window's total is the
    sum of its months; a window's months outside the chart are tied too, as cells never shown)."""
    figures: dict[str, int | None] = {f"month:{m.month.isoformat()}": m.referrals for m in figs.monthly}
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


def protect_anecdotes(result: MeasureResult) -> dict[str, Any]:
    """The anecdotes section as partners may see it: disclosure.protect over its totals, publishable items and source
    types."""
    section = result.to_dict()
    f = result.figures
    if result.status != "ok" or not isinstance(f, AnecdoteFigures):
        return section
    figures: dict[str, int | None] = {"total": f.total, "publishable": f.publishable,
                                      "not_publishable": f.total - f.publishable}
    types = {f"type:{s.key}": s.total for s in f.by_source_type}
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
    out["quotable"] = [q.to_dict() for q in f.quotable[:2]]  # the article quotes at most two (article.MAX_QUOTES)
    if not isinstance(guard.shown["total"], int):
        # "other feedback is not quoted" (or its absence) beside one or two quotes would tell a small total exactly
        out["held_back"] = None
    out["total"] = guard.shown["total"]
    out["publishable"] = guard.shown["publishable"]
    out["by_source_type"] = [{"key": s.key, "total": guard.shown[f"type:{s.key}"]}
                             for s in f.by_source_type if types]
    withheld = ["the breakdown by source type is withheld: with numbers this small it would show how many came "
                "from each"] if f.by_source_type and not types else []
    out["notes"] = withheld + [n for n in f.notes if "rows" not in n]
    return out


def _shown_words(value: Any) -> str:
    return "a figure withheld" if value == WITHHELD else str(value)


def _share_words(s: dict[str, Any]) -> str:
    if s["share"] == WITHHELD:
        return "withheld (with the other figures it could reveal a count below 5)"
    if s["share"] is None:
        return "no figures"
    lo, hi = s["ci"]
    return f"{100 * s['share']:.0f}% of {s['of']} (95% CI {100 * lo:.0f}% to {100 * hi:.0f}%)"


# --- text ------------------------------------------------------------------------------------


def text_referrals(ref: dict[str, Any]) -> list[str]:
    """Referral comparisons, shares and notes, as lines."""
    lines = [f"  {ref[key]['sentence']}" for key in ("all", "teen_boys")]
    for key, label in (("boys_share", "boys"), ("teen_boys_share", "teenage boys")):
        s = ref[key]
        lines.append(f"  Share that are {label}: {_share_words(s['baseline'])} before, "
                     f"{_share_words(s['period'])} now.")
    return lines + [f"  Note: {n}" for n in ref["notes"]]


def text_social(soc: dict[str, Any]) -> list[str]:
    """One line per platform, with its rate and where its denominator comes from."""
    lines = []
    for p in soc["platforms"]:
        rate = "no rate (no denominator)" if p["engagement_rate"] is None else (
            f"{100 * p['engagement_rate']:.2f}% of {p['denominator']} (as {p['denominator_from']} says)"
            if p["denominator_from"] == "the Metric definition" else
            f"{100 * p['engagement_rate']:.2f}% of {p['denominator']} ({p['denominator_from']})")
        lines.append(f"  {p['platform']}: {plural(p['posts'], 'post')}, {p['engagements']} engagements, {rate}")
    return lines + [f"  Note: {n}" for n in soc["notes"]]


def text_media(med: dict[str, Any]) -> list[str]:
    """The coded media tallies, overall and by tier and campaign."""
    t = med["overall"]
    tones = " ".join(f"{k}:{v}" for k, v in t["tone_counts"].items())
    messages = "-" if t["mean_key_messages"] is None else f"{t['mean_key_messages']:.1f}"
    lines = [f"  {plural(t['items'], 'item')}; tone {tones}; net tone {t['net_tone']:+d}; "
             f"prominence-weighted {t['prominence_weighted']}; broadcast {t['broadcast_seconds']:g} s; "
             f"key messages per item {messages}; reporting route given in {t['reporting_route']['given']} "
             f"of {t['items']}"]
    for name in ("by_tier", "by_campaign"):
        for g in med[name]:
            lines.append(f"    {name[3:]} {g['key']}: {plural(g['items'], 'item')}, net tone {g['net_tone']:+d}")
    return lines + [f"  Note: {n}" for n in med["notes"]]


def text_anecdotes(an: dict[str, Any]) -> list[str]:
    """How many items, how many publishable, by source type."""
    lines = [f"  {an['total']} items, {an['publishable']} publishable (consented and anonymised)"]
    lines += [f"    {s['key']}: {s['total']}" for s in an["by_source_type"]]
    return lines + [f"  Note: {n}" for n in an["notes"]]


# --- CSV ---------------------------------------------------------------------------------------


def csv_referrals(rows: list[dict[str, Any]], d: dict[str, Any]) -> None:
    """Comparison and share rows."""
    for key in ("all", "teen_boys"):
        _add(rows, "referrals", "comparison", key, d[key])
    for key in ("boys_share", "teen_boys_share"):
        for w in ("period", "baseline"):
            _add(rows, "referrals", key, w, d[key][w])


def csv_social(rows: list[dict[str, Any]], d: dict[str, Any]) -> None:
    """Platform and platform-campaign rows."""
    for p in d["platforms"]:
        _add(rows, "social", "platform", p["platform"],
             {k: v for k, v in p.items() if k not in ("platform", "campaigns")})
        for c in p["campaigns"]:
            _add(rows, "social", "platform campaign", f"{p['platform']} / {c['campaign']}",
                 {k: v for k, v in c.items() if k != "campaign"})


def csv_media(rows: list[dict[str, Any]], d: dict[str, Any]) -> None:
    """Overall, tier and campaign rows."""
    _add(rows, "media", "overall", "", d["overall"])
    for name, group in (("by_tier", "tier"), ("by_campaign", "campaign")):
        for g in d[name]:
            _add(rows, "media", group, g["key"], {k: v for k, v in g.items() if k != "key"})


def csv_anecdotes(rows: list[dict[str, Any]], d: dict[str, Any]) -> None:
    """Overall and source-type rows."""
    _add(rows, "anecdotes", "overall", "", {k: d[k] for k in ("total", "publishable")})
    for g in d["by_source_type"]:
        _add(rows, "anecdotes", "source_type", g["key"], {k: v for k, v in g.items() if k != "key"})


def section_rows(section: str, d: dict[str, Any], body: Any) -> list[dict[str, Any]]:
    """A measure's long rows: its status or head, its own rows (body), its notes."""
    rows: list[dict[str, Any]] = []
    if d.get("status") != "ok":
        _add(rows, section, "", "", {"status": d.get("status"), "message": d.get("message")})
        return rows
    _add(rows, section, "", "", {k: d[k] for k in ("definition", "source", "baseline")})
    body(rows, d)
    _add(rows, section, "", "", {"notes": d.get("notes", [])})
    return rows


def plain(value: Any) -> Any:
    """A deep copy made of dicts, lists and JSON scalars."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (dt.date,)):
        return value.isoformat()
    return value


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
