"""The social media measure: engagements and engagement rates per platform (never pooled across platforms),
by campaign, against the baseline."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from .measures import in_period, row_list
from .period import Period

SOCIAL_COMPONENTS = ("reactions", "comments", "shares", "saves", "clicks")
SOCIAL_DENOMINATORS = ("views", "impressions", "reach")  # first present wins: Meta replaced impressions with views
DEFINITION = ("Engagements (reactions + comments + shares + saves + clicks) per post, summed per platform; "
              "engagement rate = engagements / the denominator the platform's Metric definition names (views, "
              "impressions, reach or followers), else the first of views, impressions, reach the posts report, "
              "over the posts that report it. Rates are per platform and never pooled across platforms.")


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
    """Each platform's posts in the period (by campaign) and in the baseline, and notes on posts left out."""
    notes: list[str] = []
    undated = [r["row"] for r in records if not isinstance(r.get("date"), dt.date)]
    if undated:
        notes.append(f"{len(undated)} post(s) without a valid date left out (Social rows {row_list(undated)})")
    inside = [r for r in records if in_period(period, r.get("date"))]
    before = [r for r in records if any(in_period(b, r.get("date")) for b in baselines)]
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
