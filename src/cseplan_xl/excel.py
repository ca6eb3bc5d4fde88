"""The Excel buttons: read the workbook in bulk through xlwings, run the library as the CLI does, write back.

The only module that imports xlwings. Each function takes the book (classic RunPython, xlwings Server or Lite
pass one; with none it is the calling workbook), reads each sheet it needs in one bulk read, and ends with an
alert and the status on Control. Errors reach the officer as one readable line, never a traceback.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from . import contract
from .errors import CseplanError, InvalidValue
from .plan import Plan, build_plan
from .rag_colour import rag_of_colour
from .read import WorkbookData, workbook_from_grids
from .words import plural
from .writeback import (
    cell,
    dashboard_rows,
    dashboard_status,
    derived_columns,
    history_block,
    pad,
    refresh_message,
    validation_message,
    validation_rows,
)

TITLE = "cseplan-xl"
SERVER_FOLDER = "CSEPLAN_SERVER_OUTPUT"  # under xlwings Server: the folder outputs go to, set on the server
_SERVER_ENGINES = ("remote",)
_CHOOSE = "Choose an action in the Action cell on Control, then click Run."
# The sheets read for the plan: not Dashboard or Validation, which the buttons write (and read only to clear).
_READ = tuple(s for s in contract.ALL_SHEETS if s not in (contract.DASHBOARD, contract.VALIDATION))
_STATUS_KEYS = ("last_run", "last_action", "last_result", "last_errors", "last_warnings", "last_duration")
_now = dt.datetime.now  # a seam for the tests
_clock = time.perf_counter  # likewise


def validate_plan(book: Any = None) -> None:
    """Validate plan: findings to the Validation sheet (marked on the Plan by its rules), status and an alert."""
    _run(book, "Validate plan", _validate)


def refresh_dashboard(book: Any = None) -> None:
    """Refresh dashboard: Plan's derived columns, the rollup and evaluation on Dashboard, a History snapshot."""
    _run(book, "Refresh dashboard", _refresh)


def draft_newsletter(book: Any = None) -> None:
    """Draft newsletter: the Word draft for the Control reporting period in the output folder, path in an alert."""
    _run(book, "Draft newsletter", _newsletter)


def run_chosen_action(book: Any = None) -> None:
    """The Run chosen action button: run the action chosen on Control."""
    book = _caller(book)
    function = None
    try:
        function = _chosen_action(_Session(book))
    except Exception:  # noqa: BLE001 - no readable Control sheet: say what to do rather than show a traceback
        pass
    if function is None:
        book.app.alert(_CHOOSE, title=TITLE)
        return
    globals()[function](book)  # contract.ACTIONS names the function of this module each action runs


def check_setup(book: Any = None, vba_version: str = "") -> None:
    """Check setup: interpreter, Python, xlwings and cseplan-xl versions, VBA match, workbook, output folder."""
    from .xlsetup import CONF_SHEET
    from .xlsetup import check_setup as check

    book = _caller(book)
    session = _Session(book)
    folder = None
    try:
        folder = _output_folder(session.plan(), _on_server(book))
    except Exception:  # noqa: BLE001 - an unreadable Control sheet: the other checks still help IT
        pass
    names = [sheet.name for sheet in book.sheets]
    sheets = [("this workbook", session.grid(CONF_SHEET))] if CONF_SHEET in names else []
    report = check(vba_versions=[("this workbook", vba_version)] if vba_version else [], workbook=book.fullname,
                   output_folder=folder, check_config=False, conf_sheets=sheets)
    book.app.alert(report.to_text().rstrip("\n"), title=f"{TITLE}: Check setup")


# --- one run -------------------------------------------------------------------------------------


# Fills are read cell by cell (one call to Excel each): beyond this many rows the RAG is read as text only.
_MAX_COLOUR_ROWS = 2000


def rag_fills_shown(book: Any, data: WorkbookData) -> dict[int, tuple[str, str]]:
    """Excel row -> (RAG, "#RRGGBB") of the Plan's RAG cells filled with a RAG colour, as Excel shows them now (the
    saved file may be older). {} when the engine cannot read fills (xlwings Server) or the plan is very long."""
    table = data.tables.get(contract.PLAN.name)
    letter = table.letter("rag") if table is not None else None
    if table is None or letter is None or len(table.rows) > _MAX_COLOUR_ROWS:
        return {}
    out: dict[int, tuple[str, str]] = {}
    try:
        sheet = book.sheets[table.sheet]
        for row in table.rows:
            colour = sheet.range(f"{letter}{row.row}").color  # (r, g, b), or None when not filled
            if colour:
                rgb = "".join(f"{int(v):02X}" for v in colour)
                if (rag := rag_of_colour(rgb)) is not None:
                    out[row.row] = (rag, f"#{rgb}")
    except Exception:  # noqa: BLE001 - an engine that cannot read fills: the RAG is read as text only
        return {}
    return out


class _Session:
    """One run's view of the workbook: each sheet read once, in one bulk read."""

    def __init__(self, book: Any) -> None:
        self.book = book
        self.grids: dict[str, list[list[Any]]] = {}

    def progress(self, text: str | None) -> None:
        """Say on Excel's status bar what is happening (None: give the bar back to Excel)."""
        try:
            self.book.app.status_bar = f"{TITLE}: {text}" if text else False
        except Exception:  # noqa: BLE001 - an engine without a status bar (xlwings Server): the alert still comes
            pass

    def grid(self, name: str) -> list[list[Any]]:
        if name not in self.grids:
            sheet = self.book.sheets[name]
            last = sheet.used_range.last_cell
            cells = sheet.range((1, 1), (last.row, last.column))
            self.grids[name] = cells.options(ndim=2, err_to_str=True).value or []
        return self.grids[name]

    def plan(self) -> Plan:
        names = [sheet.name for sheet in self.book.sheets]
        grids = {n: self.grid(n) if any(s.matches(n) for s in _READ) else [] for n in names}
        data = workbook_from_grids(self.book.fullname, grids)
        return build_plan(data, rag_fills=rag_fills_shown(self.book, data))

    def sheet(self, spec: contract.SheetSpec) -> Any:
        """The sheet for a spec, added (with its headers on row 2) when the workbook has none."""
        for sheet in self.book.sheets:
            if spec.matches(sheet.name):
                return sheet
        sheet = self.book.sheets.add(spec.name, after=self.book.sheets[len(self.book.sheets) - 1])
        _write(sheet.range("A2"), [[col.header for col in spec.columns]] if spec.columns else None)
        self.grids[sheet.name] = [[None], [col.header for col in spec.columns]]
        return sheet

    def replace_rows(self, sheet: Any, first_row: int, rows: list[list[Any]], width: int) -> None:
        """Clear what an earlier run wrote (columns 1 to width, first_row down), then write rows in one block.

        Only those columns: the Dashboard keeps live formulas to their right."""
        old = self.grid(sheet.name)
        if len(old) >= first_row:
            sheet.range((first_row, 1), (len(old), width)).clear_contents()
        if rows:
            _write(sheet.range((first_row, 1)), [pad(r, width) for r in rows])


def _caller(book: Any) -> Any:
    """The book given, else the workbook whose button called (classic RunPython)."""
    if book is None:
        import xlwings as xw

        book = xw.Book.caller()
    return book


def _run(book: Any, action: str, work: Callable[[_Session], tuple[str, int | None, int | None]]) -> None:
    book = _caller(book)
    started = _clock()
    session = _Session(book)
    session.progress(f"{action}: reading the workbook…")
    try:
        message, errors, warnings = work(session)
    except CseplanError as exc:
        message, errors, warnings = str(exc), None, None
    except Exception as exc:  # noqa: BLE001 - the officer gets one line, never a traceback
        message, errors, warnings = f"Something went wrong: {_one_line(exc)}", None, None
    session.progress(None)
    try:
        _status(session, action, message, errors, warnings, round(_clock() - started, 1))
    except Exception:  # noqa: BLE001 - no Control sheet to write to: the alert still says what happened
        pass
    book.app.alert(message, title=f"{TITLE}: {action}")


def _one_line(exc: Exception) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text.splitlines()[0]}" if text else type(exc).__name__


def _chosen_action(session: _Session) -> str | None:
    """The excel function named by Control's Action cell, None when it names none."""
    name = next(s.name for s in session.book.sheets if contract.CONTROL.matches(s.name))
    label = contract.CONTROL.column("action")
    actions = {" ".join(k.split()).casefold(): v for k, v in contract.ACTIONS.items()}
    for cells in session.grid(name):
        if len(cells) >= 2 and isinstance(cells[0], str) and label.matches(cells[0]):
            return actions.get(" ".join(str(cells[1] or "").split()).casefold())
    return None


def _status(session: _Session, action: str, message: str, errors: int | None, warnings: int | None,
            seconds: float) -> None:
    """The Control status rows: Last run, Last action, Last result, Errors, Warnings, Run took (seconds)."""
    name = next(s.name for s in session.book.sheets if contract.CONTROL.matches(s.name))
    rows: dict[str, int] = {}
    for r, cells in enumerate(session.grid(name)):
        label = cells[0] if cells else None
        for key in _STATUS_KEYS:
            if key not in rows and isinstance(label, str) and contract.CONTROL.column(key).matches(label):
                rows[key] = r + 1
    values = dict(zip(_STATUS_KEYS, (_now().replace(microsecond=0), action, message.splitlines()[0],
                                     errors, warnings, seconds)))
    sheet = session.book.sheets[name]
    ordered = sorted(rows.items(), key=lambda kv: kv[1])
    if ordered and [r for _, r in ordered] == list(range(ordered[0][1], ordered[0][1] + len(ordered))):
        _write(sheet.range(f"B{ordered[0][1]}"), [[values[key]] for key, _ in ordered])
    else:
        for key, row in ordered:
            _write(sheet.range(f"B{row}"), values[key])


def _write(target: Any, values: Any) -> None:
    """Every write to a cell goes through here: each value, or each value of each row, through writeback.cell."""
    if isinstance(values, list):
        target.value = [[cell(v) for v in row] if isinstance(row, list) else cell(row) for row in values]
    else:
        target.value = cell(values)


# --- Validate plan -------------------------------------------------------------------------------


def _validate(session: _Session) -> tuple[str, int, int]:
    from .rules import check_plan

    plan = session.plan()
    session.progress(f"Checking {plural(len(plan.activities), 'row', 'rows')}…")
    findings = check_plan(plan)
    session.progress(f"Writing {plural(len(findings), 'finding', 'findings')}…")
    session.replace_rows(session.sheet(contract.VALIDATION), contract.FIRST_DATA_ROW, validation_rows(findings),
                         len(contract.VALIDATION.columns))
    return validation_message(findings, plan.as_of())


# --- Refresh dashboard ---------------------------------------------------------------------------


def _refresh(session: _Session) -> tuple[str, int | None, int | None]:
    from .rollups import rollup

    plan = session.plan()
    session.progress(f"Working out RAG for {plural(len(plan.activities), 'activity', 'activities')}…")
    result = rollup(plan)
    first, columns, notes = derived_columns(plan, result)
    if columns:
        sheet = session.book.sheets[plan.plan_table.sheet]
        for letter, values in columns.items():
            _write(sheet.range(f"{letter}{first}"), values)
    dashboard = session.sheet(contract.DASHBOARD)
    _write(dashboard.range(contract.DASHBOARD_STATUS_CELL), dashboard_status(_now(), result.as_of))
    session.progress("Evaluating and writing the dashboard…")
    # A:I, as wide as its widest table (Group, Key, Worst RAG, the five RAGs, Total): the formulas right of it stay.
    session.replace_rows(dashboard, contract.DASHBOARD_TABLES_ROW, dashboard_rows(plan, result), 9)
    session.progress("Saving a snapshot to History…")
    sheet = session.sheet(contract.HISTORY)
    start, block, width = history_block(plan, result)
    session.replace_rows(sheet, start, block, width)
    return "\n".join([refresh_message(result), *notes]), None, None


# --- Draft newsletter ----------------------------------------------------------------------------


def _newsletter(session: _Session) -> tuple[str, int, int]:
    from .briefing import default_output
    from .briefing import draft_newsletter as draft
    from .period import default_period

    plan = session.plan()
    period = default_period(plan.settings.reporting_period, plan.as_of())
    folder = _output_folder(plan, _on_server(session.book))
    session.progress("Drawing charts and writing the Word draft…")
    # period=None: the draft picks the same default, and refuses one outside the plan when no date was chosen
    result = draft(plan, period=None, out=folder / default_output(plan, period).name)
    return result.to_text(for_excel=True).rstrip("\n"), len(result.blocking), 0


def _output_folder(plan: Plan, on_server: bool = False) -> Path:
    """The Control output folder, relative to the workbook's folder; a temp folder when the book has none.

    Under xlwings Server (the remote engine) the workbook is a stranger's: the folder is the server's own
    (SERVER_FOLDER, else a temp folder), and the Control setting may only name a folder inside it: an absolute
    path or one that climbs out (`..`) is refused with one line.
    """
    setting = (plan.settings.output_folder or "").strip()
    if on_server:
        base = Path(os.environ.get(SERVER_FOLDER) or Path(tempfile.gettempdir()) / "cseplan-xl")
        if setting:
            where = PureWindowsPath(setting)
            if PurePosixPath(setting).is_absolute() or where.drive or where.root or ".." in where.parts:
                cell = plan.setting_cells.get("output_folder")
                at = f"Control!B{cell.row}" if cell is not None else "Control"
                raise InvalidValue(f"{at}: Output folder {setting!r} is refused under xlwings Server: the server "
                                   f"writes only inside its own folder ({SERVER_FOLDER}); give a folder name without "
                                   "a drive, a leading slash or '..', or leave it blank")
        return base / setting if setting else base
    book_path = plan.path
    base = book_path.parent if book_path.is_absolute() else Path(tempfile.gettempdir()) / "cseplan-xl"
    return base / setting if setting else base


def _on_server(book: Any) -> bool:
    """True when the book comes through xlwings' remote engine (xlwings Server): no local workbook folder."""
    try:
        return str(book.app.engine.name) in _SERVER_ENGINES
    except Exception:  # noqa: BLE001 - a stand-in book without an engine: treated as local
        return False
