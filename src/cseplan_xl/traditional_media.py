"""The traditional media measure: coverage coded on the Media sheet (tone, prominence, broadcast seconds, key
messages, reporting route), overall, by outlet tier and by campaign. No advertising value equivalent."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from . import contract
from .measures import in_period, row_list
from .period import Period

# The coding frame, as the Media sheet's columns define it (contract.py).
_TONE, _PROMINENCE, _KEY_MESSAGES, _TIER = (contract.MEDIA.column(key)
                                            for key in ("tone", "prominence", "key_messages", "tier"))
_TONE_LO, _TONE_HI = _TONE.bounds or (0, 0)
TONES = tuple(f"{t:+d}" if t else "0" for t in range(_TONE_LO, _TONE_HI + 1))
DEFINITION = (f"Traditional media items coded on the Media sheet: tone {_TONE_LO}..{_TONE_HI:+d}, prominence 3 "
              "headline/lead, 2 first paragraph or picture, 1 passing mention; broadcast seconds; how many of the "
              "five key messages; whether the reporting route was given. No advertising value equivalent.")


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
    """The media items in the period tallied overall, by tier and by campaign, with notes on codes left out."""
    notes: list[str] = []
    items = [r for r in records if in_period(period, r.get("date"))]
    bad_tone = [r["row"] for r in items if r.get("tone") is not None and not _coded(r["tone"], _TONE)]
    if bad_tone:
        notes.append(f"tone outside {_TONE_LO}..{_TONE_HI:+d} left uncoded (Media rows {row_list(bad_tone)})")
    bad_prom = [r["row"] for r in items if r.get("prominence") is not None and not _coded(r["prominence"], _PROMINENCE)]
    if bad_prom:
        lo, hi = _PROMINENCE.bounds or (0, 0)
        notes.append(f"prominence outside {lo}..{hi} left uncoded (Media rows {row_list(bad_prom)})")
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
