"""Small wording helpers shared by every text view: counts with their noun."""

from __future__ import annotations


def plural(count: object, one: str, many: str | None = None) -> str:
    """ "1 error", "3 errors", "2 activities" (many defaults to one + "s")."""
    return f"{count} {one if count == 1 else (many if many is not None else one + 's')}"
