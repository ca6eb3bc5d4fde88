"""Reading a workbook: the file opened and checked, then its sheets' values into WorkbookData.

python-calamine does the reading; nothing in a file is ever evaluated or executed. Each table sheet is read by
tables.py (header row found, aliases matched, Excel row numbers kept); Control's settings and the Lists are read
here. The Excel buttons hand in grids read by xlwings instead (workbook_from_grids).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import contract
from .contract import SheetSpec
from .errors import MissingColumnsError, MissingSheetError, UnreadableWorkbookError
from .findings import INFO, WARNING, Finding
from .tables import HEADER_SCAN_ROWS, Table, clean, match_header, read_table

READABLE_SUFFIXES = (".xlsx", ".xlsm", ".xls")  # an old .xls is at most 65,536 x 256 cells
_UNCHECKED_SUFFIXES = (".xlsb", ".ods")
# A compound file's first bytes (an old .xls, an encrypted workbook): cfb.py's signature, written again here because
# importing cfb.py for it would add about 2 ms to every validate's start.
_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_MARK = "EncryptionInfo".encode("utf-16-le")


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
        return self.sheet_name(spec) is not None

    def sheet_name(self, spec: SheetSpec) -> str | None:
        """The workbook's own name for this sheet, readable or not; None when it has none."""
        return _find_sheet(self.sheet_names, spec)


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
            data.tables[spec.name] = read_table(grid(name), name, spec, errors.get(name, {}), data.notes)
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


def _read_settings(grid: list[list[Any]], data: WorkbookData) -> None:
    """Control: a label in column A names a setting whose value is in column B."""
    for r, cells in enumerate(grid):
        if len(cells) < 2 or not isinstance(cells[0], str):
            continue
        for col in contract.CONTROL.columns:
            if col.key not in data.settings and col.matches(cells[0]):
                data.settings[col.key] = clean(cells[1])
                data.settings_rows[col.key] = r + 1
                break


def _read_lists(grid: list[list[Any]]) -> dict[str, list[str]]:
    """Lists: the first row naming a known list is the header; each column's values run down to the end."""
    for r, cells in enumerate(grid[:HEADER_SCAN_ROWS]):
        matched = match_header(cells, contract.LISTS)
        if matched:
            lists: dict[str, list[str]] = {}
            for key, index in matched.items():
                values = [clean(row[index]) for row in grid[r + 1 :] if index < len(row)]
                lists[key] = [str(v).strip() for v in values if v is not None and str(v).strip()]
            return lists
    return {}
