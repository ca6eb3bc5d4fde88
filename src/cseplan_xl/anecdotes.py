"""The anecdotal evidence measure: items on the Anecdotes sheet, how many are publishable (consent and
anonymised both yes), by source type, and those the newsletter may quote."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from .measures import in_period, row_list
from .period import Period

DEFINITION = ("Anecdotal evidence items on the Anecdotes sheet; publishable = consent to publish and "
              "anonymised both yes.")


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
    held_back: bool  # some item is not quoted: one with text that is not publishable, or one not marked Publish
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
    """The anecdotal items in the period: counts, publishable ones by source type, those the newsletter may quote."""
    notes: list[str] = []
    undated = [r["row"] for r in records if not isinstance(r.get("date"), dt.date)]
    if undated:
        notes.append(f"{len(undated)} undated item(s) not counted in any period (Anecdotes rows {row_list(undated)})")
    items = [r for r in records if in_period(period, r.get("date"))]
    publishable = [r for r in items if r.get("consent") is True and r.get("anonymised") is True]
    not_cleared = [r["row"] for r in items if r.get("publish") is True and r not in publishable]
    if not_cleared:
        notes.append(f"marked Publish without both consent and anonymisation: Anecdotes rows {row_list(not_cleared)}; "
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
        held_back=any((r.get("text") and r not in publishable) or r.get("publish") is not True for r in items),
        notes=tuple(notes),
    )
