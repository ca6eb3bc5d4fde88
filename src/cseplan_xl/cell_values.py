"""A cell's value read as the type its column holds: a date, a number, tidy text, or the days of a list of dates.

The plan's records, the rules and History read cells through these; an Excel error value (CellError) reads as blank.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from .dates import parse_day
from .tables import CellError


def as_date(value: Any) -> dt.date | None:
    """A cell as a date (Excel date, ISO text, or UK dd/mm/yyyy), None when blank; ValueError otherwise."""
    if value is None or isinstance(value, CellError):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        return parse_day(value) if value.strip() else None
    raise ValueError(f"not a date: {value!r}")


def as_number(value: Any) -> float | None:
    """A cell as a number (text such as "1,200" accepted), None when blank; ValueError otherwise."""
    if value is None or isinstance(value, CellError):
        return None
    if isinstance(value, bool):
        raise ValueError(f"not a number: {value!r}")
    if isinstance(value, (int, float)):
        return value
    text = str(value).strip().replace(",", "")
    if not text:
        return None
    return float(text) if "." in text or "e" in text.lower() else int(text)


def as_text(value: Any) -> str | None:
    """A cell as tidy text (spaces and line breaks collapsed), None when blank or an Excel error."""
    if value is None or isinstance(value, CellError):
        return None
    if type(value) is str and "  " not in value and value == value.strip() and "\n" not in value and "\t" not in value:
        return value or None  # already tidy: the common case, kept fast
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        value = value.date()
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    text = " ".join(str(value).split())
    return text or None


_DAY_SEPARATORS = re.compile(r"[;,\n]+| and ")


def as_dates(value: Any) -> tuple[dt.date, ...]:
    """A cell holding one date or several ("20/03/2018; 19/06/2018"), in order; ValueError for a part that is not a
    date."""
    if value is None or isinstance(value, CellError):
        return ()
    if not isinstance(value, str):
        day = as_date(value)
        return (day,) if day else ()
    days = {as_date(part) for part in _DAY_SEPARATORS.split(value) if part.strip()}
    return tuple(sorted(d for d in days if d is not None))


def lenient(convert: Callable[[Any], Any], value: Any) -> Any:
    """convert(value), None when the value is blank or cannot be converted."""
    if value is None:
        return None
    try:
        return convert(value)
    except (ValueError, TypeError):
        return None
