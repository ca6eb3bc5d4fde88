"""A table sheet as read: its header row found among the first rows, its columns matched to the contract (aliases
and all), its data rows with their Excel row numbers, the section and phase headings above them, and its error cells.

Rows come from any grid (calamine or xlwings); this module reads no file.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import chain, islice
from operator import itemgetter
from typing import Any

from .contract import SheetSpec, normalise_header
from .errors import MissingColumnsError
from .findings import INFO, WARNING, Finding, column_letter

HEADER_SCAN_ROWS = 30  # the header row is looked for in this many rows from the top
_LONGEST_HEADER = 40  # no header is longer: longer text is never matched against the headers
_NONE: dict[int, str] = {}  # a row's error cells when it has none (shared, never written)
_PHASE_ROW = re.compile(r"\bphase\b", re.IGNORECASE)
_NUMBERED_HEADING = re.compile(r"^\d+(\.\d+)*\.?\s+\S")


class CellError(str):
    """An Excel error value (#REF!, #DIV/0!, ...) found in a cell: text that is not data."""


@dataclass(slots=True)  # not frozen: a frozen init costs ~2 µs a row on large sheets
class Row:
    """One data row of a table sheet: its Excel row number and its values by field key."""

    row: int
    values: dict[str, Any]
    section: str | None = None  # from a section row above, when the sheet has no Section column
    phase: str | None = None

    def get(self, key: str) -> Any:
        """The value of a field, None when blank or absent."""
        return self.values.get(key)


@dataclass(frozen=True)
class Table:
    """A table sheet as read: where its header was, which column holds each field, and its rows."""

    sheet: str
    spec: SheetSpec
    header_row: int
    columns: dict[str, str]
    rows: tuple[Row, ...]
    errors: tuple[tuple[int, str, CellError], ...] = ()  # (Excel row, field, error) of error cells

    def letter(self, key: str) -> str | None:
        """The column letter holding a field, None when the sheet has no such column."""
        return self.columns.get(key)


def clean(value: Any) -> Any:
    """A cell value as the rules want it: blanks None, whole floats int, midnight datetimes dates."""
    if value == "" or value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date()
    return value


def match_header(cells: list[Any], spec: SheetSpec) -> dict[str, int]:
    """Field key -> column index for the header cells of one row (first match wins)."""
    matched: dict[str, int] = {}
    keys = spec.header_keys
    for index, cell in enumerate(cells):
        # No header is long: skipping long text keeps the header scan cheap on activity rows.
        if isinstance(cell, str) and cell and len(cell) <= _LONGEST_HEADER:
            key = keys.get(normalise_header(cell))
            if key is not None and key not in matched:
                matched[key] = index
    return matched


def _first_filled(cells: list[Any]) -> int:
    """Index of the first non-blank cell of a row that has one."""
    return next(i for i, v in enumerate(cells) if v != "" and v is not None)


def _maybe_header(first: Any, spec: SheetSpec) -> bool:
    """Cheap pre-check for a repeated header row: its first filled cell names a column."""
    return isinstance(first, str) and len(first) <= _LONGEST_HEADER and normalise_header(first) in spec.header_keys


def read_table(
    grid: Iterator[list[Any]], sheet: str, spec: SheetSpec, errors: dict[tuple[int, int], str], notes: list[Finding]
) -> Table:
    """One table sheet: its header row found in the first rows, its columns matched, then its data rows read."""
    head = list(islice(grid, HEADER_SCAN_ROWS))
    header_row, found = _find_header(head, sheet, spec)
    _note_other_columns(head[header_row], header_row, found, sheet, spec, notes)
    headings = _Headings.for_sheet(spec, found)
    for cells in head[:header_row]:  # above the header the same headings count; other lone cells are titles
        lone = [v for v in cells if v != "" and v is not None]
        if len(lone) == 1 and isinstance(lone[0], str):
            headings.take(lone[0])
    rows, cell_errors = _read_rows(chain(head[header_row + 1 :], grid), header_row + 1, spec, found, errors,
                                   headings)
    return Table(sheet=sheet, spec=spec, header_row=header_row + 1,
                 columns={key: column_letter(index) for key, index in found.items()}, rows=tuple(rows),
                 errors=tuple(cell_errors))


def _find_header(head: list[list[Any]], sheet: str, spec: SheetSpec) -> tuple[int, dict[str, int]]:
    """The header row (0-based) among the first rows, the one naming most columns, and field key -> column index.

    Raises MissingColumnsError when no row names enough columns, or the best one lacks a required column."""
    best_row = -1
    best: dict[str, int] = {}
    for r, cells in enumerate(head):
        if len(cells) - cells.count("") - cells.count(None) <= len(best):
            continue  # too few filled cells to name more columns than the best row so far
        matched = match_header(cells, spec)
        if len(matched) > len(best):
            best_row, best = r, matched
    required = [c for c in spec.required_columns]
    if len(best) < 2 and not (best and all(c.key in best for c in required)):
        wanted = ", ".join(c.header for c in (required or spec.columns[:3]))
        raise MissingColumnsError(
            f"sheet {sheet!r}: no header row found in the first {HEADER_SCAN_ROWS} rows (looked for {wanted})")
    missing = [c.header for c in required if c.key not in best]
    if missing:
        raise MissingColumnsError(
            f"sheet {sheet!r}: header row {best_row + 1} lacks the required column(s) {', '.join(missing)}"
        )
    return best_row, best


def _note_other_columns(header_cells: list[Any], header_row: int, found: dict[str, int], sheet: str,
                        spec: SheetSpec, notes: list[Finding]) -> None:
    """A reader note for each header cell not read: a second column for a field, or a header not in the contract."""
    used = set(found.values())
    for index, cell in enumerate(header_cells):
        if index in used or not isinstance(cell, str) or not cell.strip():
            continue
        key = spec.header_keys.get(normalise_header(cell)) if len(cell) <= _LONGEST_HEADER else None
        if key is not None:  # a second column for a field already matched: the first one is read
            kept = column_letter(found[key])
            notes.append(Finding(
                "duplicate-column", WARNING,
                f"a second {cell.strip()!r} column at {column_letter(index)}{header_row + 1} is ignored; "
                f"{kept}{header_row + 1} is read: delete or rename one of them",
                sheet=sheet, row=header_row + 1, column=column_letter(index), value=cell.strip()))
        else:
            notes.append(Finding(
                "unknown-column", INFO,
                f"column header {cell.strip()!r} is not one cseplan-xl knows; the column is ignored",
                sheet=sheet, row=header_row + 1, column=column_letter(index), value=cell.strip()))


@dataclass(slots=True)
class _Headings:
    """The section and phase a data row falls under, from the lone-cell heading rows above it.

    Heading rows only mean something on sheets whose contract has Section/Phase (the Plan), and only while the
    sheet has no column of its own for them: then section and phase stay None."""

    has_section: bool
    has_phase: bool
    section: str | None = None
    phase: str | None = None

    @classmethod
    def for_sheet(cls, spec: SheetSpec, found: dict[str, int]) -> _Headings:
        """Which headings a sheet's rows can take, from its contract and the columns found."""
        headings = any(c.key == "section" for c in spec.columns)
        return cls(has_section="section" in found or not headings, has_phase="phase" in found or not headings)

    def take(self, cell: str) -> bool:
        """True when a lone cell is a phase row ("PHASE TWO – Late 2018/19") or a numbered heading ("6.2
        External") this sheet reads; it then applies to the rows below."""
        text = " ".join(cell.split())
        if _PHASE_ROW.search(text) and not self.has_phase:
            self.phase = text
            return True
        if _NUMBERED_HEADING.match(text) and not self.has_section:
            self.section = text
            return True
        return False


def _read_rows(
    rows: Iterable[list[Any]], start: int, spec: SheetSpec, found: dict[str, int], errors: dict[tuple[int, int], str],
    headings: _Headings,
) -> tuple[list[Row], list[tuple[int, str, CellError]]]:
    """The data rows below the header (`start` is the first one's 0-based index) and the error cells among them.

    This loop runs once per row of the sheet (the Plan may have 100,000): the work of a typical row stays inline,
    and only rare rows (a lone cell, a repeated header, a short row, an error cell) call out."""
    out: list[Row] = []
    cell_errors: list[tuple[int, str, CellError]] = []
    keys, items = tuple(found), list(found.items())
    pick = _picker(tuple(found.values()))
    needed = max(found.values()) + 1
    first_col = min(found.values())
    texts: dict[str, str] = {}
    errors_by_row: dict[int, dict[int, str]] = {}
    for (rr, cc), err in errors.items():
        errors_by_row.setdefault(rr, {})[cc] = err
    for r, cells in enumerate(rows, start=start):
        row_errors = errors_by_row.get(r, _NONE)
        filled = len(cells) - cells.count("") - cells.count(None)  # counted in C: cheap on full rows
        if not row_errors and (not filled or _not_data(cells, filled, first_col, spec, headings)):
            continue
        if len(cells) >= needed:
            values = dict(zip(keys, pick(cells)))
        else:
            values = {key: cells[index] if index < len(cells) else None for key, index in items}
        for key, value in values.items():
            if type(value) is str and value:
                values[key] = texts.setdefault(value, value)  # one copy of a text that repeats down the column
            else:
                values[key] = clean(value)
        if row_errors:
            _mark_errors(r + 1, values, row_errors, items, cell_errors)
        out.append(Row(r + 1, values, section=headings.section, phase=headings.phase))
    return out, cell_errors


def _not_data(cells: list[Any], filled: int, first_col: int, spec: SheetSpec, headings: _Headings) -> bool:
    """True for a filled row that holds no activity: a heading row (taken into `headings`) or a repeated header.

    A lone first cell that is no heading is an activity missing its details, and stays a row so the rules report
    it."""
    first = 0 if cells[0] != "" and cells[0] is not None else _first_filled(cells)
    cell = cells[first]
    if filled == 1 and first <= first_col and isinstance(cell, str) and headings.take(cell):
        return True
    # A repeated header row, as when several tables are pasted into one sheet.
    return _maybe_header(cell, spec) and len(match_header(cells, spec)) >= 2


def _mark_errors(row: int, values: dict[str, Any], row_errors: dict[int, str], items: list[tuple[str, int]],
                 cell_errors: list[tuple[int, str, CellError]]) -> None:
    """Put a row's Excel error values in place of its cells, and list them with their Excel row."""
    for index, err in row_errors.items():
        for key, col in items:
            if col == index:
                values[key] = CellError(err)
                cell_errors.append((row, key, values[key]))


def _picker(indexes: tuple[int, ...]) -> Callable[[list[Any]], tuple[Any, ...]]:
    """A function giving a row's cells at these indexes as a tuple (operator.itemgetter, also for one index)."""
    if len(indexes) == 1:
        index = indexes[0]
        return lambda cells: (cells[index],)
    return itemgetter(*indexes)
