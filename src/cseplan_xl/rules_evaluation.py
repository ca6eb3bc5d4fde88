"""Rules on the evaluation sheets: counts, subgroups, repeated months, engagement, media codes and anecdotes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from . import contract
from .findings import ERROR, WARNING
from .plan import Plan
from .rulebook import Hit, RuleFamily
from .social_media import SOCIAL_COMPONENTS

RULES = RuleFamily()
_rule = RULES.rule

_COUNTS = {
    contract.REFERRALS: ("referrals", "boys", "teen_boys"),
    contract.SOCIAL: (*SOCIAL_COMPONENTS, "impressions", "views", "reach", "followers"),
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
    for r in plan.records(contract.SOCIAL):
        engaged = sum(r[k] or 0 for k in SOCIAL_COMPONENTS)
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
