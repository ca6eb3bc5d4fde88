"""What the evaluation measures share: a measure's result record (definition, source, period, baseline and its
figures) and the small helpers their computations use.

Each measure has a module of its own (referrals.py, social_media.py, traditional_media.py, anecdotes.py) holding
its definition, its computation and its typed records; each computation takes the rows that may go into a figure
(evaluation.py leaves out rows with error findings and rows dated after the as-of date) and returns the measure's
figures as a typed record (frozen, slotted; to_dict() gives its JSON), referrals with the raw counts its
partner-facing view protects; evaluation.py's registry joins each with its definition and its views
(evaluation_views.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Protocol

from .period import Period


class Figures(Protocol):
    """A measure's figures as a typed record: to_dict() gives its JSON body."""

    def to_dict(self) -> dict[str, Any]:
        """The figures' JSON: the measure's section after its status and head."""
        ...


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


def in_period(period: Period, day: Any) -> bool:
    """True when day is a date inside the period."""
    return isinstance(day, dt.date) and period.contains(day)


def row_list(rows: list[int]) -> str:
    """Sheet rows for a note: the first ten, then "..." when there are more."""
    return ", ".join(str(r) for r in rows[:10]) + (" ..." if len(rows) > 10 else "")
