"""A finding: one thing wrong (or worth knowing) about one cell, as plain data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

ERROR = "error"
WARNING = "warning"
INFO = "info"
SEVERITIES = (ERROR, WARNING, INFO)


def column_letter(index: int) -> str:
    """Excel column letter for a 0-based column index (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_index(letters: str) -> int:
    """0-based column index for an Excel column letter (A -> 0, AA -> 26); the inverse of column_letter."""
    index = 0
    for ch in letters.upper():
        index = index * 26 + ord(ch) - 64
    return index - 1


def cell_address(sheet: str | None, column: str | None, row: int | None) -> str:
    """An address as a user reads it: `Plan!C14`, `'Social media'!B2`, `Plan!14` or `Plan`."""
    where = f"{column or ''}{row or ''}"
    if sheet is None:
        return where
    # Excel quotes a sheet name that is not a plain word, doubling any apostrophe inside it.
    quoted = sheet if sheet.replace("_", "").isalnum() else "'" + sheet.replace("'", "''") + "'"
    return f"{quoted}!{where}" if where else quoted


def json_value(value: Any) -> Any:
    """A cell value made JSON-safe: dates as ISO text, odd types as text."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    return str(value)


@dataclass(frozen=True)
class Finding:
    """One finding with a stable rule code, a severity, the cell it is about and a message."""

    code: str
    severity: str
    message: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    field: str | None = None
    activity_id: str | None = None
    value: Any = None

    @property
    def cell(self) -> str | None:
        """The cell in A1 form without the sheet (`C14`), or None when not about one cell."""
        if self.column and self.row:
            return f"{self.column}{self.row}"
        return None

    @property
    def address(self) -> str:
        """Where the finding points, e.g. `Plan!C14`."""
        return cell_address(self.sheet, self.column, self.row)

    def to_dict(self) -> dict[str, Any]:
        """The documented JSON form of a finding."""
        return {
            "code": self.code,
            "severity": self.severity,
            "sheet": self.sheet,
            "cell": self.cell,
            "row": self.row,
            "column": self.column,
            "field": self.field,
            "activity_id": self.activity_id,
            "value": json_value(self.value),
            "message": self.message,
        }
