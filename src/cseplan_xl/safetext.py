"""Text made safe for where it goes: a spreadsheet cell or CSV field never becomes a formula, a terminal never
obeys a control sequence hidden in a cell.

Every value written into a CSV file or a workbook cell passes `cell_value`; every line of text output passes
`terminal_text`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

# OWASP, CSV injection: a cell beginning with one of these is read by a spreadsheet as a formula (or, after a tab or
# carriage return, may be), so it is kept as text with a leading single quote.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# Bidirectional overrides and isolates, and the marks that reorder text: the "Trojan Source" characters.
_BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_UNSAFE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}\u2028\u2029]")


def cell_value(value: Any) -> Any:
    """A value to write into a spreadsheet cell or CSV field as data: text a spreadsheet would take for a formula
    gets a leading single quote (`=HYPERLINK(...)` -> `'=HYPERLINK(...)`); numbers, dates and blanks are unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_text(rows: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> str:
    """CSV with a header row: every field through cell_value, CRLF line ends, any field holding a CR or LF quoted."""
    import csv  # here: csv and io cost a cold start of the commands that never write CSV
    import io

    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), extrasaction="ignore", lineterminator="\r\n",
                            quoting=csv.QUOTE_MINIMAL)
    writer.writeheader()
    for row in rows:
        writer.writerow({key: cell_value(value) for key, value in row.items()})
    return buffer.getvalue()


def terminal_text(text: str) -> str:
    """Text with control characters (but newline and tab) and bidirectional overrides shown as visible escapes, as
    Python writes them (`\\x1b`, `\\u202e`), so that a cell cannot move the cursor, clear a line or reorder a line."""
    return _UNSAFE.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    char = match.group(0)
    code = ord(char)
    if code == 0x0D:
        return "\\r"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
