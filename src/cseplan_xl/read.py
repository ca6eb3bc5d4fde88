"""Reading a workbook: values only, header rows found, aliases matched, Excel row numbers kept.

python-calamine does the reading; nothing in a file is ever evaluated or executed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain, islice
from operator import itemgetter
from pathlib import Path
from typing import Any

from . import contract
from .contract import SheetSpec, normalise_header
from .errors import MissingColumnsError, MissingSheetError, UnreadableWorkbookError
from .findings import INFO, WARNING, Finding, column_letter

READABLE_SUFFIXES = (".xlsx", ".xlsm", ".xls")  # an old .xls is at most 65,536 x 256 cells
_UNCHECKED_SUFFIXES = (".xlsb", ".ods")
_HEADER_SCAN_ROWS = 30
_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_MARK = "EncryptionInfo".encode("utf-16-le")
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


@dataclass
class WorkbookData:
    """Everything read from one workbook: its table sheets, Control settings, Lists and reader notes."""

    path: Path
    sheet_names: list[str]
    tables: dict[str, Table] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    settings_rows: dict[str, int] = field(default_factory=dict)
    settings_sheet: str | None = None
    lists: dict[str, list[str]] = field(default_factory=dict)
    lists_sheet: str | None = None
    notes: list[Finding] = field(default_factory=list)

    def has(self, spec: SheetSpec) -> bool:
        """True when the workbook holds this sheet (and, for table sheets, it could be read)."""
        if spec is contract.CONTROL:
            return self.settings_sheet is not None
        if spec is contract.LISTS:
            return self.lists_sheet is not None
        return spec.name in self.tables

    def present(self, spec: SheetSpec) -> bool:
        """True when the workbook has a sheet of this name, readable or not."""
        return any(spec.matches(name) for name in self.sheet_names)


def read_workbook(path: str | Path) -> WorkbookData:
    """Read every sheet the contract knows from a workbook; raise a CseplanError when it is unusable."""
    path = Path(path)
    book, package = _open(path)
    names = list(book.sheet_names)

    def errors(found: list[str]) -> dict[str, dict[tuple[int, int], str]]:
        if package is None:
            return {}
        return {name: extent.errors for name in found if (extent := package.extent(name)) and extent.errors}

    def rows(name: str) -> Iterator[list[Any]]:
        if package is not None:
            package.check_sheet(path, name)
        return _rows(book, path, name)

    data = _assemble(path, names, rows, errors)
    plan_sheet = data.tables[contract.PLAN.name].sheet
    hidden = {str(m.name): str(m.visible).rsplit(".", 1)[-1] for m in book.sheets_metadata}.get(plan_sheet)
    if hidden in ("Hidden", "VeryHidden"):
        how = ("very hidden (only a macro or the VBA editor can show it)" if hidden == "VeryHidden"
               else "hidden (right-click a sheet tab > Unhide to show it)")
        data.notes.append(Finding("sheet-hidden", INFO, f"the Plan sheet {plan_sheet!r} is {how}; it was read as "
                                  "usual", sheet=plan_sheet))
    return data


def workbook_from_grids(name: str | Path, grids: dict[str, list[list[Any]]]) -> WorkbookData:
    """WorkbookData as read_workbook makes it, from grids read elsewhere (xlwings: None blanks, "#REF!" errors)."""
    clean: dict[str, list[list[Any]]] = {}
    errors: dict[str, dict[tuple[int, int], str]] = {}
    for sheet, grid in grids.items():
        rows = [list(row) if isinstance(row, (list, tuple)) else [row] for row in (grid or [])]
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, str) and value in _ERROR_VALUES:
                    errors.setdefault(sheet, {})[(r, c)] = value
                    row[c] = None
        clean[sheet] = rows
    return _assemble(Path(name), list(grids), lambda sheet: iter(clean[sheet]), lambda found: errors)


_ERROR_VALUES = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
                           "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#UNKNOWN!", "#CONNECT!", "#BUSY!"})


def _assemble(path: Path, names: list[str], grid: Callable[[str], Iterator[list[Any]]],
              error_cells: Callable[[list[str]], dict[str, dict[tuple[int, int], str]]]) -> WorkbookData:
    """Read every contract sheet from grid(name), an iterator of rows from A1; error_cells(names) gives Excel error
    values by sheet."""
    data = WorkbookData(path=path, sheet_names=names)
    by_spec = {spec.name: _find_sheet(names, spec) for spec in contract.ALL_SHEETS}
    if by_spec[contract.PLAN.name] is None:
        raise MissingSheetError(
            f"{path}: no Plan sheet (sheets found: {', '.join(names) or 'none'}); "
            "name the activity sheet 'Plan'"
        )
    errors = error_cells([n for n in by_spec.values() if n])
    for spec in contract.TABLE_SHEETS:
        name = by_spec[spec.name]
        if name is None:
            continue
        try:
            data.tables[spec.name] = _read_table(grid(name), name, spec, errors.get(name, {}), data.notes)
        except MissingColumnsError as exc:
            if spec.required:
                raise MissingColumnsError(f"{path}: {exc}") from None
            data.notes.append(
                Finding("sheet-unreadable", WARNING, f"{exc}; the checks on this sheet are skipped", sheet=name)
            )
    control, lists = by_spec[contract.CONTROL.name], by_spec[contract.LISTS.name]
    if control:
        data.settings_sheet = control
        _read_settings(list(grid(control)), data)
    if lists:
        data.lists_sheet = lists
        data.lists = _read_lists(list(grid(lists)))
    return data


# --- opening -----------------------------------------------------------------------------------


def _open(path: Path) -> tuple[Any, Any]:
    """Open with calamine, translating every way a file can be unusable into one plain line.

    An .xlsx/.xlsm is checked part by part first (container.check_package): no zip bomb, no damaged part, no sheet
    too large to read; the check also finds the Excel error values calamine reads as blanks."""
    import os

    from python_calamine import CalamineWorkbook

    from .container import check_package, open_regular

    if path.name.startswith("~$"):
        raise UnreadableWorkbookError(f"{path}: this is Excel's lock file for an open workbook, not a workbook")
    fd = open_regular(path)  # never a FIFO, device or socket: those would hang or never end
    try:
        head = os.read(fd, 4096)
    except OSError as exc:
        raise UnreadableWorkbookError(f"{path}: cannot be opened ({exc.strerror or exc})") from None
    finally:
        os.close(fd)
    if not head:
        raise UnreadableWorkbookError(f"{path}: the file is empty (0 bytes)")
    suffix = path.suffix.lower()
    if suffix in _UNCHECKED_SUFFIXES:
        raise UnreadableWorkbookError(
            f"{path}: {suffix} workbooks are not read (their size cannot be checked before reading); "
            "save it as .xlsx or .xlsm")
    if suffix not in READABLE_SUFFIXES:
        raise UnreadableWorkbookError(f"{path}: not a workbook (expected .xlsx or .xlsm)")
    package = None
    if suffix in (".xlsx", ".xlsm"):
        if head.startswith(_CFB_MAGIC):
            with path.open("rb") as fh:
                encrypted = _ENCRYPTED_MARK in fh.read(1 << 20)
            if encrypted:
                raise UnreadableWorkbookError(
                    f"{path}: the workbook is password-protected; save an unprotected copy to check it"
                )
            raise UnreadableWorkbookError(
                f"{path}: this is an old-format .xls file renamed to {suffix}; open it in Excel and save as .xlsx"
            )
        if not head.startswith(b"PK"):
            kind = "a text or CSV file" if _looks_like_text(head) else "not a workbook"
            raise UnreadableWorkbookError(f"{path}: {kind} despite its {suffix} name")
        package = check_package(path)
    try:
        return CalamineWorkbook.from_path(str(path)), package
    except Exception as exc:  # calamine raises its own and OS errors; all mean "unusable"
        raise UnreadableWorkbookError(f"{path}: cannot be read as a workbook ({_reason(exc)})") from None


def _looks_like_text(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _reason(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if "EOCD" in text or "Zip" in type(exc).__name__:
        return "the file is truncated or corrupt"
    return text


def _find_sheet(names: list[str], spec: SheetSpec) -> str | None:
    for name in names:
        if spec.matches(name):
            return name
    return None


def _rows(book: Any, path: Path, name: str) -> Iterator[list[Any]]:
    """A sheet's rows from row 1 and column A, read lazily so a large sheet is never held twice."""
    try:
        sheet = book.get_sheet_by_name(name)
        skipped = sheet.start[1] if sheet.start else 0  # iter_rows starts at the first used column
        rows: Iterator[list[Any]] = sheet.iter_rows()
    except Exception as exc:  # a damaged sheet part inside an otherwise readable file
        raise UnreadableWorkbookError(f"{path}: sheet {name!r} cannot be read ({_reason(exc)})") from None
    if not skipped:
        return rows
    pad = [""] * skipped
    return (pad + cells for cells in rows)


# --- tables ------------------------------------------------------------------------------------


def _clean(value: Any) -> Any:
    """A cell value as the rules want it: blanks None, whole floats int, midnight datetimes dates."""
    if value == "" or value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date()
    return value


def _match_header(cells: list[Any], spec: SheetSpec) -> dict[str, int]:
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


_NONE: dict[int, str] = {}
_LONGEST_HEADER = 40


def _first_filled(cells: list[Any]) -> int:
    """Index of the first non-blank cell of a row that has one."""
    return next(i for i, v in enumerate(cells) if v != "" and v is not None)


def _maybe_header(first: Any, spec: SheetSpec) -> bool:
    """Cheap pre-check for a repeated header row: its first filled cell names a column."""
    return isinstance(first, str) and len(first) <= _LONGEST_HEADER and normalise_header(first) in spec.header_keys


def _read_table(
    grid: Iterator[list[Any]], sheet: str, spec: SheetSpec, errors: dict[tuple[int, int], str], notes: list[Finding]
) -> Table:
    """One table sheet: its header row found in the first rows, its columns matched, then its data rows read."""
    head = list(islice(grid, _HEADER_SCAN_ROWS))
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
        matched = _match_header(cells, spec)
        if len(matched) > len(best):
            best_row, best = r, matched
    required = [c for c in spec.required_columns]
    if len(best) < 2 and not (best and all(c.key in best for c in required)):
        wanted = ", ".join(c.header for c in (required or spec.columns[:3]))
        raise MissingColumnsError(
            f"sheet {sheet!r}: no header row found in the first {_HEADER_SCAN_ROWS} rows (looked for {wanted})")
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
                values[key] = _clean(value)
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
    return _maybe_header(cell, spec) and len(_match_header(cells, spec)) >= 2


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


def _read_settings(grid: list[list[Any]], data: WorkbookData) -> None:
    """Control: a label in column A names a setting whose value is in column B."""
    for r, cells in enumerate(grid):
        if len(cells) < 2 or not isinstance(cells[0], str):
            continue
        for col in contract.CONTROL.columns:
            if col.key not in data.settings and col.matches(cells[0]):
                data.settings[col.key] = _clean(cells[1])
                data.settings_rows[col.key] = r + 1
                break


def _read_lists(grid: list[list[Any]]) -> dict[str, list[str]]:
    """Lists: the first row naming a known list is the header; each column's values run down to the end."""
    for r, cells in enumerate(grid[:_HEADER_SCAN_ROWS]):
        matched = _match_header(cells, contract.LISTS)
        if matched:
            lists: dict[str, list[str]] = {}
            for key, index in matched.items():
                values = [_clean(row[index]) for row in grid[r + 1 :] if index < len(row)]
                lists[key] = [str(v).strip() for v in values if v is not None and str(v).strip()]
            return lists
    return {}
