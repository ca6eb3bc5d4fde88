"""The plan's four evaluation measures computed: referrals, social media, traditional media, anecdotal evidence.

Each function takes the rows that may go into a figure (evaluation.py leaves out rows with error findings and rows
dated after the as-of date) and returns the measure's figures as a typed record (frozen, slotted; to_dict() gives
its JSON); evaluation.py's registry joins each with its definition and its views (evaluation_views.py).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Protocol

from . import contract
from .period import Period
from .stats import RateRatio, partner_words, plain_words, rate_ratio, wilson_interval

SOCIAL_COMPONENTS = ("reactions", "comments", "shares", "saves", "clicks")
SOCIAL_DENOMINATORS = ("views", "impressions", "reach")  # first present wins: Meta replaced impressions with views
# The coding frame, as the Media sheet's columns define it (contract.py).
_TONE, _PROMINENCE, _KEY_MESSAGES, _TIER = (contract.MEDIA.column(key)
                                            for key in ("tone", "prominence", "key_messages", "tier"))
_TONE_LO, _TONE_HI = _TONE.bounds or (0, 0)
TONES = tuple(f"{t:+d}" if t else "0" for t in range(_TONE_LO, _TONE_HI + 1))

DEFINITIONS = {
    "referrals": "CSE referrals recorded per month on the Referrals sheet (all, boys, teenage boys 13-17). "
                 "Rates are per month of recorded figures; a month with no figure is left out, never counted as zero.",
    "social": "Engagements (reactions + comments + shares + saves + clicks) per post, summed per platform; "
              "engagement rate = engagements / the denominator the platform's Metric definition names (views, "
              "impressions, reach or followers), else the first of views, impressions, reach the posts report, "
              "over the posts that report it. Rates are per platform and never pooled across platforms.",
    "media": f"Traditional media items coded on the Media sheet: tone {_TONE_LO}..{_TONE_HI:+d}, prominence 3 "
             "headline/lead, "
             "2 first paragraph or picture, 1 passing mention; broadcast seconds; how many of the five key "
             "messages; whether the reporting route was given. No advertising value equivalent.",
    "anecdotes": "Anecdotal evidence items on the Anecdotes sheet; publishable = consent to publish and "
                 "anonymised both yes.",
}


class Figures(Protocol):
    """A measure's figures as a typed record: to_dict() gives its JSON body."""

    def to_dict(self) -> dict[str, Any]: ...


@dataclass(frozen=True, slots=True)
class MeasureResult:
    """One measure for one period: its definition, source and period, and its figures (or why there are none)."""

    status: str  # "ok" or "no data"
    definition: str
    source: str  # "Referrals sheet"
    period: dict[str, Any]
    baseline: str
    message: str | None = None  # why there is no data
    figures: Figures | None = None  # ReferralFigures, SocialFigures, MediaFigures or AnecdoteFigures

    def to_dict(self) -> dict[str, Any]:
        """The measure's JSON: status, its head, then its figures' fields."""
        head = {"definition": self.definition, "source": self.source, "period": self.period,
                "baseline": self.baseline}
        if self.status != "ok" or self.figures is None:
            return {"status": self.status, "message": self.message, **head}
        return {"status": "ok", **head, **self.figures.to_dict()}


@dataclass(frozen=True, slots=True)
class Share:
    """k of n (boys among referrals) over the months with both figures, with its Wilson interval."""

    count: int
    of: int
    share: float | None
    ci: tuple[float, float] | None
    months: int

    def to_dict(self) -> dict[str, Any]:
        """count, of, share, ci, months."""
        return {"count": self.count, "of": self.of, "share": self.share,
                "ci": None if self.ci is None else list(self.ci), "months": self.months}


@dataclass(frozen=True, slots=True)
class SharePair:
    """A share in the period and in the baseline."""

    period: Share
    baseline: Share

    def to_dict(self) -> dict[str, Any]:
        """period, baseline."""
        return {"period": self.period.to_dict(), "baseline": self.baseline.to_dict()}


@dataclass(frozen=True, slots=True)
class Comparison:
    """Referrals in the period against the baseline: counts, months recorded, the rate ratio and its sentences."""

    label: str
    period_count: int
    period_months: int
    baseline_count: int
    baseline_months: int
    baseline_periods: int
    baseline_average: float | None  # the baseline per period of the same length
    baseline_scaled: float | None  # the baseline scaled to the months recorded in the period
    missing_period_months: tuple[str, ...]
    missing_baseline_months: tuple[str, ...]
    ratio: RateRatio
    sentence: str  # the officer's
    partner_sentence: str

    def to_dict(self) -> dict[str, Any]:
        """The comparison's JSON, the rate ratio's fields among its own."""
        return {"label": self.label, "period_count": self.period_count, "period_months": self.period_months,
                "baseline_count": self.baseline_count, "baseline_months": self.baseline_months,
                "baseline_periods": self.baseline_periods, "baseline_average": self.baseline_average,
                "baseline_scaled": self.baseline_scaled, "missing_period_months": list(self.missing_period_months),
                "missing_baseline_months": list(self.missing_baseline_months), **self.ratio.to_dict(),
                "sentence": self.sentence, "partner_sentence": self.partner_sentence}


@dataclass(frozen=True, slots=True)
class MonthCount:
    """Referrals recorded in one month (the chart's bars)."""

    month: dt.date
    referrals: int

    def to_dict(self) -> dict[str, Any]:
        """month (ISO), referrals."""
        return {"month": self.month.isoformat(), "referrals": self.referrals}


@dataclass(frozen=True, slots=True)
class ReferralFigures:
    """The referrals of a period against its baseline: comparisons, shares, the chart's months, notes."""

    all: Comparison
    teen_boys: Comparison
    boys_share: SharePair
    teen_boys_share: SharePair
    monthly: tuple[MonthCount, ...]  # from a year before the period to its end
    notes: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """The referrals section's JSON body."""
        return {"all": self.all.to_dict(), "teen_boys": self.teen_boys.to_dict(),
                "boys_share": self.boys_share.to_dict(), "teen_boys_share": self.teen_boys_share.to_dict(),
                "monthly": [m.to_dict() for m in self.monthly], "notes": list(self.notes)}


def _share(k: int, n: int, months: int) -> Share:
    ci = wilson_interval(k, n)
    return Share(k, n, round(k / n, 6) if n else None,
                 None if ci is None else (round(ci[0], 6), round(ci[1], 6)), months)


def _in(period: Period, day: Any) -> bool:
    return isinstance(day, dt.date) and period.contains(day)


def _month(day: dt.date) -> str:
    return f"{day.year}-{day.month:02d}"


# --- referrals -------------------------------------------------------------------------------


def referrals(records: list[dict[str, Any]], period: Period, baselines: tuple[Period, ...],
              words: dict[str, str]) -> tuple[ReferralFigures, dict[str, Any]]:
    """Referral comparisons (all, teenage boys), shares (boys, teenage boys), the chart's months, notes; and the raw
    windows the partner-facing view protects."""
    notes: list[str] = []
    monthly = _monthly(records, notes)
    if not (period.whole_months and all(b.whole_months for b in baselines)):
        notes.append("the period does not start and end on month boundaries; referrals are monthly, so every "
                     "month it touches is counted whole")
    period_months = period.month_starts()
    baseline_months = [m for b in baselines for m in b.month_starts()]

    def window(months: list[dt.date], f: str) -> tuple[int, int, list[str], list[dt.date]]:
        present = [m for m in months if m in monthly and monthly[m][f] is not None]
        missing = [_month(m) for m in months if m not in present]
        return sum(monthly[m][f] for m in present), len(present), missing, present

    comparisons = {
        f: _comparison("Referrals" if f == "referrals" else "Referrals from teenage boys", window(period_months, f),
                       window(baseline_months, f), len(baselines), len(period_months), words)
        for f in ("referrals", "teen_boys")}
    shares = {}
    for f in ("boys", "teen_boys"):
        pair = []
        for months in (period_months, baseline_months):
            present = [m for m in window(months, f)[3] if monthly[m]["referrals"] is not None]
            k = sum(monthly[m][f] for m in present)
            n = sum(monthly[m]["referrals"] for m in present)
            pair.append(_share(k, n, len(present)))
        shares[f] = SharePair(*pair)
    raw: dict[str, Any] = {"windows": {name: {f: window(months, f) for f in ("referrals", "boys", "teen_boys")}
                                       for name, months in (("period", period_months), ("baseline", baseline_months))},
                           "monthly": {m.isoformat(): v["referrals"] for m, v in monthly.items()}}
    everyone = comparisons["referrals"]
    missing_all = sorted(set(everyone.missing_period_months + everyone.missing_baseline_months))
    if missing_all:
        notes.append(f"no referral figures for {', '.join(missing_all)}: those months are left out of the rates, "
                     "not counted as zero")
    first = dt.date(period.start.year - 1, period.start.month, 1)
    chart = tuple(MonthCount(m, monthly[m]["referrals"]) for m in sorted(monthly)
                  if first <= m <= period.end and monthly[m]["referrals"] is not None)
    return ReferralFigures(everyone, comparisons["teen_boys"], shares["boys"], shares["teen_boys"], chart,
                           tuple(notes)), raw


def _monthly(records: list[dict[str, Any]], notes: list[str]) -> dict[dt.date, dict[str, Any]]:
    """The sheet's rows by month (rows of the same month added together, each such month noted)."""
    monthly: dict[dt.date, dict[str, Any]] = {}
    for r in records:
        month = r.get("month")
        if not isinstance(month, dt.date):
            notes.append(f"Referrals row {r['row']}: Month is blank or not a date; the row is left out")
            continue
        key = month.replace(day=1)
        if key in monthly:
            earlier = monthly[key]["rows"][0]
            notes.append(f"{_month(key)} appears more than once (Referrals rows {earlier} and {r['row']}); "
                         "the rows are added together")
            slot = monthly[key]
            for f in ("referrals", "boys", "teen_boys"):
                if r.get(f) is not None:
                    slot[f] = (slot[f] or 0) + int(r[f])
            slot["rows"].append(r["row"])
        else:
            monthly[key] = {f: None if r.get(f) is None else int(r[f]) for f in ("referrals", "boys", "teen_boys")}
            monthly[key]["rows"] = [r["row"]]
    return monthly


def _comparison(subject: str, now: tuple[int, int, list[str], list[dt.date]],
                before: tuple[int, int, list[str], list[dt.date]], baseline_periods: int, per_period: int,
                words: dict[str, str]) -> Comparison:
    """One rate-ratio comparison (period against baseline) with its officer's and partners' sentences."""
    (y1, t1, miss1, _), (y0, t0, miss0, _) = now, before
    if t1 == 0 or t0 == 0:
        where = "the period" if t1 == 0 else "the baseline"
        result = RateRatio(y1, t1 or 1, y0, t0 or 1, None, None, None, None, None, None, None)
        sentence = partner = f"{subject}: no figures recorded for {where}, so there is nothing to compare."
    else:
        result = rate_ratio(y1, t1, y0, t0)
        sentence = plain_words(subject, result) + _missing_words(miss1, miss0)
        partner = partner_words(subject, result, words["before"], words["average_of"] or None)
    return Comparison(
        label=subject, period_count=y1, period_months=t1, baseline_count=y0, baseline_months=t0,
        baseline_periods=baseline_periods, baseline_average=round(y0 / t0 * per_period, 6) if t0 else None,
        baseline_scaled=round(y0 / t0 * t1, 6) if t0 and t1 else None,
        missing_period_months=tuple(miss1), missing_baseline_months=tuple(miss0), ratio=result,
        sentence=sentence, partner_sentence=partner)


def _missing_words(miss1: list[str], miss0: list[str]) -> str:
    gone = miss1 + miss0
    if not gone:
        return ""
    return f" Months with no figures ({', '.join(gone)}) are left out, not counted as zero."


# --- social ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SocialTally:
    """The summed metrics of some posts of one platform, and its engagement rate over the named denominator."""

    posts: int
    components: tuple[tuple[str, float | None], ...]  # SOCIAL_COMPONENTS + SOCIAL_DENOMINATORS, summed (None: none)
    engagements: float
    followers: float | None  # the latest post's follower count
    denominator_from: str  # where the denominator comes from, in words
    denominator: str | None  # "impressions", "reach", ...
    denominator_total: float | None
    posts_in_rate: int
    engagement_rate: float | None
    metric_definitions: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """The tally's JSON."""
        return {"posts": self.posts, **dict(self.components), "engagements": self.engagements,
                "followers": self.followers, "denominator_from": self.denominator_from,
                "denominator": self.denominator, "denominator_total": self.denominator_total,
                "posts_in_rate": self.posts_in_rate, "engagement_rate": self.engagement_rate,
                "metric_definitions": list(self.metric_definitions)}

    def baseline_dict(self) -> dict[str, Any]:
        """What a platform's baseline shows: posts, engagements and the rate."""
        return {"posts": self.posts, "engagements": self.engagements, "denominator": self.denominator,
                "denominator_total": self.denominator_total, "posts_in_rate": self.posts_in_rate,
                "engagement_rate": self.engagement_rate}


@dataclass(frozen=True, slots=True)
class CampaignSocial:
    """One campaign's posts on one platform."""

    campaign: str
    tally: SocialTally

    def to_dict(self) -> dict[str, Any]:
        """campaign, then the tally's fields."""
        return {"campaign": self.campaign, **self.tally.to_dict()}


@dataclass(frozen=True, slots=True)
class PlatformSocial:
    """One platform's posts in the period, by campaign, and its baseline (never pooled with another platform)."""

    platform: str
    tally: SocialTally
    campaigns: tuple[CampaignSocial, ...]
    baseline: SocialTally | None  # None: no posts on the platform in the baseline

    def to_dict(self) -> dict[str, Any]:
        """platform, the tally's fields, campaigns, baseline."""
        return {"platform": self.platform, **self.tally.to_dict(), "campaigns": [c.to_dict() for c in self.campaigns],
                "baseline": None if self.baseline is None else self.baseline.baseline_dict()}


@dataclass(frozen=True, slots=True)
class SocialFigures:
    """The social media of a period, per platform."""

    posts: int
    platforms: tuple[PlatformSocial, ...]
    notes: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """The social section's JSON body."""
        return {"posts": self.posts, "platforms": [p.to_dict() for p in self.platforms], "notes": list(self.notes)}


def social(records: list[dict[str, Any]], period: Period, baselines: tuple[Period, ...]) -> SocialFigures:
    notes: list[str] = []
    undated = [r["row"] for r in records if not isinstance(r.get("date"), dt.date)]
    if undated:
        notes.append(f"{len(undated)} post(s) without a valid date left out (Social rows {_rows(undated)})")
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
        campaigns: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for r in posts:
            campaigns[r.get("campaign") or "(no campaign)"].append(r)
        base = base_by_platform.get(name)
        platforms.append(PlatformSocial(
            name, _social_tally(posts),
            tuple(CampaignSocial(c, _social_tally(campaigns[c])) for c in sorted(campaigns, key=str.casefold)),
            _social_tally(base) if base else None))
    if not inside:
        notes.append("no posts dated inside the period")
    return SocialFigures(len(inside), tuple(platforms), tuple(notes))


_PER = re.compile(r"\bper\s+(view|impression|reach|follower)s?\b", re.IGNORECASE)
_PER_KEY = {"view": "views", "impression": "impressions", "reach": "reach", "follower": "followers"}


def _named_denominator(definition: str | None) -> str | None:
    """The denominator a Metric definition names: "...; rate per reach (Instagram Insights)" -> "reach"."""
    m = _PER.search(definition or "")
    return _PER_KEY[m.group(1).casefold()] if m else None


def _social_tally(posts: list[dict[str, Any]]) -> SocialTally:
    components = []
    for f in SOCIAL_COMPONENTS + SOCIAL_DENOMINATORS:
        values = [p[f] for p in posts if p.get(f) is not None]
        components.append((f, sum(values) if values else None))
    engagement = [sum(p.get(f) or 0 for f in SOCIAL_COMPONENTS) for p in posts]
    dated = sorted((p for p in posts if p.get("followers") is not None and isinstance(p.get("date"), dt.date)),
                   key=lambda p: p["date"])
    # The denominator: the one the posts' Metric definition names ("rate per reach"); else the first of views,
    # impressions, reach that every post reports, else the one most report.
    named = {_named_denominator(p.get("metric_definition")) for p in posts} - {None}
    coverage = [(sum(1 for p in posts if p.get(f) is not None), -i, f) for i, f in enumerate(SOCIAL_DENOMINATORS)]
    full = [f for n, _, f in coverage if n == len(posts) and n > 0]
    best = full[0] if full else max(coverage)[2] if max(coverage)[0] > 0 else None
    denominator_from = "the first denominator the posts report (no Metric definition names one)"
    if len(named) == 1:
        best = named.pop()
        denominator_from = "the Metric definition"
    elif len(named) > 1:
        denominator_from = (f"the first denominator the posts report (their Metric definitions name "
                            f"{' and '.join(sorted(n for n in named if n))})")
    total, in_rate, rate = None, 0, None
    if best is not None and any(p.get(best) is not None for p in posts):
        used = [i for i, p in enumerate(posts) if p.get(best) is not None]
        den = sum(posts[i][best] for i in used)
        num = sum(engagement[i] for i in used)
        total, in_rate, rate = den, len(used), round(num / den, 6) if den else None
    return SocialTally(
        posts=len(posts), components=tuple(components), engagements=sum(engagement),
        followers=dated[-1]["followers"] if dated else None, denominator_from=denominator_from, denominator=best,
        denominator_total=total, posts_in_rate=in_rate, engagement_rate=rate,
        metric_definitions=tuple(sorted({p["metric_definition"] for p in posts if p.get("metric_definition")})))


# --- media -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReportingRoute:
    """Whether the media items gave the reporting route."""

    given: int
    not_given: int
    not_recorded: int
    share: float | None  # given / (given + not given)

    def to_dict(self) -> dict[str, Any]:
        """given, not_given, not_recorded, share."""
        return {"given": self.given, "not_given": self.not_given, "not_recorded": self.not_recorded,
                "share": self.share}


@dataclass(frozen=True, slots=True)
class MediaTally:
    """The coded tallies of some media items: tone, prominence, broadcast seconds, key messages, reporting route."""

    items: int
    tone_counts: dict[str, int]  # "-2" .. "+2" -> items
    tone_not_coded: int
    positive: int
    negative: int
    net_tone: int
    mean_tone: float | None
    prominence_weighted: int
    prominence_not_coded: int
    broadcast_seconds: float
    mean_key_messages: float | None
    key_messages_not_coded: int
    reporting_route: ReportingRoute

    def to_dict(self) -> dict[str, Any]:
        """The tally's JSON."""
        return {
            "items": self.items,
            "tone_counts": dict(self.tone_counts),
            "tone_not_coded": self.tone_not_coded,
            "positive": self.positive,
            "negative": self.negative,
            "net_tone": self.net_tone,
            "mean_tone": self.mean_tone,
            "prominence_weighted": self.prominence_weighted,
            "prominence_not_coded": self.prominence_not_coded,
            "broadcast_seconds": self.broadcast_seconds,
            "mean_key_messages": self.mean_key_messages,
            "key_messages_not_coded": self.key_messages_not_coded,
            "reporting_route": self.reporting_route.to_dict(),
        }


@dataclass(frozen=True, slots=True)
class MediaGroup:
    """The tally of one tier or campaign."""

    key: str
    tally: MediaTally

    def to_dict(self) -> dict[str, Any]:
        """key, then the tally's fields."""
        return {"key": self.key, **self.tally.to_dict()}


@dataclass(frozen=True, slots=True)
class MediaFigures:
    """The traditional media of a period: overall, by tier and by campaign, with notes."""

    overall: MediaTally
    by_tier: tuple[MediaGroup, ...]
    by_campaign: tuple[MediaGroup, ...]
    notes: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """The media section's JSON body."""
        return {"overall": self.overall.to_dict(), "by_tier": [g.to_dict() for g in self.by_tier],
                "by_campaign": [g.to_dict() for g in self.by_campaign], "notes": list(self.notes)}


def media(records: list[dict[str, Any]], period: Period) -> MediaFigures:
    notes: list[str] = []
    items = [r for r in records if _in(period, r.get("date"))]
    bad_tone = [r["row"] for r in items if r.get("tone") is not None and not _coded(r["tone"], _TONE)]
    if bad_tone:
        notes.append(f"tone outside {_TONE_LO}..{_TONE_HI:+d} left uncoded (Media rows {_rows(bad_tone)})")
    bad_prom = [r["row"] for r in items if r.get("prominence") is not None and not _coded(r["prominence"], _PROMINENCE)]
    if bad_prom:
        lo, hi = _PROMINENCE.bounds or (0, 0)
        notes.append(f"prominence outside {lo}..{hi} left uncoded (Media rows {_rows(bad_prom)})")
    if not items:
        notes.append("no media items dated inside the period")

    def groups(key: str) -> tuple[MediaGroup, ...]:
        buckets: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for r in items:
            value = r.get(key)
            if key == "tier" and value and value.casefold() in _TIER.choices:
                value = value.casefold()
            buckets[value or "(not coded)"].append(r)
        return tuple(MediaGroup(k, _media_tally(buckets[k])) for k in sorted(buckets, key=str.casefold))

    return MediaFigures(_media_tally(items), groups("tier"), groups("campaign"), tuple(notes))


def _media_tally(items: list[dict[str, Any]]) -> MediaTally:
    tones = [int(r["tone"]) for r in items if r.get("tone") is not None and _coded(r["tone"], _TONE)]
    prominence = [int(r["prominence"]) for r in items
                  if r.get("prominence") is not None and _coded(r["prominence"], _PROMINENCE)]
    messages = [int(r["key_messages"]) for r in items
                if r.get("key_messages") is not None and _coded(r["key_messages"], _KEY_MESSAGES)]
    route = [r.get("reporting_route") for r in items]
    given, not_given = route.count(True), route.count(False)
    positive, negative = sum(1 for t in tones if t > 0), sum(1 for t in tones if t < 0)
    return MediaTally(
        items=len(items),
        tone_counts={label: tones.count(int(label)) for label in TONES},
        tone_not_coded=len(items) - len(tones),
        positive=positive,
        negative=negative,
        net_tone=positive - negative,
        mean_tone=round(sum(tones) / len(tones), 6) if tones else None,
        prominence_weighted=sum(prominence),
        prominence_not_coded=len(items) - len(prominence),
        broadcast_seconds=sum(r["duration_seconds"] for r in items if r.get("duration_seconds") is not None),
        mean_key_messages=round(sum(messages) / len(messages), 6) if messages else None,
        key_messages_not_coded=len(items) - len(messages),
        reporting_route=ReportingRoute(given, not_given, len(items) - given - not_given,
                                       round(given / (given + not_given), 6) if given + not_given else None),
    )


def _coded(value: Any, column: contract.Column) -> bool:
    """True when a coded value lies in its column's range (tone -2..+2, prominence 1..3, key messages 0..5)."""
    lo, hi = column.bounds or (value, value)
    return bool(lo <= value <= hi)


# --- anecdotes -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SourceTypeCount:
    """Anecdotal items of one source type in the period."""

    key: str
    total: int
    publishable: int

    def to_dict(self) -> dict[str, Any]:
        """key, total, publishable."""
        return {"key": self.key, "total": self.total, "publishable": self.publishable}


@dataclass(frozen=True, slots=True)
class Quotable:
    """An item the newsletter may quote: consented, anonymised, marked Publish."""

    row: int
    date: dt.date

    def to_dict(self) -> dict[str, Any]:
        """row and ISO date."""
        return {"row": self.row, "date": self.date.isoformat()}


@dataclass(frozen=True, slots=True)
class AnecdoteFigures:
    """The anecdotal evidence of a period: how many items, how many publishable, by source type."""

    total: int
    publishable: int
    marked_publish_not_cleared: int
    undated: int
    by_source_type: tuple[SourceTypeCount, ...]
    publishable_rows: tuple[int, ...]
    quotable: tuple[Quotable, ...]  # oldest first
    held_back: bool  # some item with text is not quoted
    notes: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """The anecdotes section's JSON body."""
        return {
            "total": self.total,
            "publishable": self.publishable,
            "marked_publish_not_cleared": self.marked_publish_not_cleared,
            "undated": self.undated,
            "by_source_type": [s.to_dict() for s in self.by_source_type],
            "publishable_rows": list(self.publishable_rows),
            "quotable": [q.to_dict() for q in self.quotable],
            "held_back": self.held_back,
            "notes": list(self.notes),
        }


def anecdotes(records: list[dict[str, Any]], period: Period) -> AnecdoteFigures:
    notes: list[str] = []
    undated = [r["row"] for r in records if not isinstance(r.get("date"), dt.date)]
    if undated:
        notes.append(f"{len(undated)} undated item(s) not counted in any period (Anecdotes rows {_rows(undated)})")
    items = [r for r in records if _in(period, r.get("date"))]
    publishable = [r for r in items if r.get("consent") is True and r.get("anonymised") is True]
    not_cleared = [r["row"] for r in items if r.get("publish") is True and r not in publishable]
    if not_cleared:
        notes.append(f"marked Publish without both consent and anonymisation: Anecdotes rows {_rows(not_cleared)}; "
                     "they are not publishable")
    by_type: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in items:
        by_type[r.get("source_type") or "(not recorded)"].append(r)
    return AnecdoteFigures(
        total=len(items),
        publishable=len(publishable),
        marked_publish_not_cleared=len(not_cleared),
        undated=len(undated),
        by_source_type=tuple(
            SourceTypeCount(k, len(v), sum(1 for r in v if r in publishable))
            for k, v in sorted(by_type.items(), key=lambda kv: kv[0].casefold())
        ),
        publishable_rows=tuple(r["row"] for r in publishable),
        # The items the newsletter may quote (consented, anonymised, marked Publish), oldest first.
        quotable=tuple(Quotable(r["row"], r["date"]) for r in sorted(
            (r for r in publishable if r.get("publish") is True and r.get("text")),
            key=lambda r: (r["date"], r["row"]))),
        held_back=any(r.get("text") and r not in publishable or r.get("publish") is not True for r in items),
        notes=tuple(notes),
    )


def _rows(rows: list[int]) -> str:
    return ", ".join(str(r) for r in rows[:10]) + (" ..." if len(rows) > 10 else "")
