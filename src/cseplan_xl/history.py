"""The History sheet, in one place: dated snapshots of each activity's RAG read, compared and written.

`rollup` reads the latest snapshot on or before the as-of date and says what changed since (`changes`); the
Refresh dashboard button writes a new snapshot (`snapshot_rows`, `write_start`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from . import contract
from .cell_values import as_date, lenient
from .plan import Plan

SNAPSHOT_KEYS = ("snapshot", "id", "reported_rag", "derived_rag")


@dataclass(frozen=True)
class Change:
    """How one activity's RAG moved since the previous History snapshot."""

    id: str
    activity: str | None
    change: str  # "changed", "new" or "removed"
    previous_rag: str | None
    derived_rag: str | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-able."""
        return {"id": self.id, "activity": self.activity, "change": self.change,
                "previous_rag": self.previous_rag, "derived_rag": self.derived_rag}

    def words(self) -> str:
        """ "Amber -> Red", "new, now Green", "removed (was Amber)"."""
        if self.change == "new":
            return f"new, now {self.derived_rag}"
        if self.change == "removed":
            return f"removed (was {self.previous_rag or 'unrated'})"
        return f"{self.previous_rag or 'unrated'} -> {self.derived_rag}"


def snapshots(plan: Plan, as_of: dt.date) -> dict[dt.date, dict[str, str | None]]:
    """The History sheet's snapshots dated on or before as-of: date -> activity ID -> derived RAG (read leniently:
    a row without a date or an ID is skipped)."""
    table = plan.table(contract.HISTORY)
    out: dict[dt.date, dict[str, str | None]] = {}
    if table is None:
        return out
    for row in table.rows:
        day = lenient(as_date, row.get("snapshot"))
        ident = row.get("id")
        if day is None or day > as_of or ident is None or str(ident).strip() == "":
            continue
        out.setdefault(day, {})[_id_text(ident)] = lenient(contract.parse_rag, row.get("derived_rag"))
    return out


def changes(plan: Plan, as_of: dt.date, derived: Sequence[str]) -> tuple[dt.date | None, tuple[Change, ...]]:
    """The latest snapshot on or before as-of, and what changed since it (derived: each activity's RAG now)."""
    found = snapshots(plan, as_of)
    if not found:
        return None, ()
    previous = max(found)
    before = found[previous]
    out: list[Change] = []
    seen: set[str] = set()
    for activity, rag in zip(plan.activities, derived):
        ident = activity.id
        if not ident:
            continue
        seen.add(ident)
        if ident not in before:
            out.append(Change(ident, activity.activity, "new", None, rag))
        elif before[ident] != rag:
            out.append(Change(ident, activity.activity, "changed", before[ident], rag))
    out += [Change(ident, None, "removed", rag, None) for ident, rag in before.items() if ident not in seen]
    return previous, tuple(out)


def snapshot_rows(as_of: dt.date, statuses: Iterable[Any]) -> list[dict[str, Any]]:
    """The rows a snapshot writes: one per activity status (snapshot, id, reported_rag, derived_rag)."""
    return [{"snapshot": as_of, "id": s.id or s.label, "reported_rag": s.reported_rag, "derived_rag": s.derived_rag}
            for s in statuses]


def write_start(plan: Plan, as_of: dt.date) -> int:
    """The sheet row a new snapshot starts on: after the last row, or over the last snapshot when it has the same
    date (a second refresh at one as-of date replaces it)."""
    table = plan.table(contract.HISTORY)
    rows = plan.records(contract.HISTORY)  # snapshot dates read leniently: None when not a date
    start = (rows[-1]["row"] if rows else (table.header_row if table else contract.HEADER_ROW)) + 1
    while rows and rows[-1]["snapshot"] == as_of:
        start = rows.pop()["row"]
    return start


def _id_text(value: Any) -> str:
    return " ".join(str(value).split())


__all__ = ["SNAPSHOT_KEYS", "Change", "changes", "snapshot_rows", "snapshots", "write_start"]
