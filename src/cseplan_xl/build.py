"""The workbook builder: the plan's source rows, lists and settings written as a macro-enabled workbook."""

from __future__ import annotations

import csv
import datetime as dt
import importlib.metadata
import importlib.util
import io
import json
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from cseplan_xl import contract as c
from cseplan_xl import dashboard, output
from cseplan_xl.errors import CseplanError, OutputExistsError
from cseplan_xl.findings import column_letter
from cseplan_xl.vba import replace_module, vba_sources

DEMO_BANNER = "ILLUSTRATIVE DEMO DATA, invented for training: not real progress or figures (as at 31 March 2018)"
XLWINGS_CONF_SHEET = "_xlwings.conf"  # xlwings reads "xlwings.conf": the leading _ switches the sheet off
CHECK_SETUP = "Check setup"  # the button that reports the Python set-up, for IT
CREATED = dt.datetime(2017, 9, 1, 0, 0, 0, tzinfo=dt.UTC)  # fixed, so builds are byte-for-byte equal
HEADER_ROW = c.HEADER_ROW - 1  # 0-based, as XlsxWriter counts: the contract's layout is 1-based
LAST_INPUT_ROW = 999  # dropdowns and colours reach down to row 1000
MARK_ROWS = 5000  # Plan cells are marked for findings listed on Validation rows 3 to this
QUICKSTART = "quickstart_standalone.xlsm"

__all__ = [
    "BuildResult", "DEMO_BANNER", "Entries", "build_workbook", "demo_mistakes", "macro_name", "plan_rows",
    "vba_project", "workbook_bytes",
]


@dataclass(frozen=True)
class Entries:
    """What an officer entered, to carry into a new build: table rows by sheet (header -> value), Control settings
    (by contract key) and the Lists (by contract key). Anything not given is built as usual."""

    rows: dict[str, list[dict[str, Any]]]
    settings: dict[str, Any]
    lists: dict[str, list[str]]


@dataclass(frozen=True)
class BuildResult:
    """What build_workbook did: created, unchanged or replaced (with a backup)."""

    path: Path
    status: str
    backup: Path | None = None

    def summary(self) -> str:
        """One line for the terminal."""
        text = {"created": "Built", "unchanged": "Up to date:", "replaced": "Rebuilt"}[self.status]
        line = f"{text} {self.path}"
        if self.backup:
            line += f" (previous file kept as {self.backup.name})"
        return line


def macro_name(function: str) -> str:
    """The Sub of the workbook's module (data/Module1.bas) that runs a cseplan_xl.excel function: ValidatePlan."""
    return "".join(part.title() for part in function.split("_"))


# --- Source data ---------------------------------------------------------------------------------


def _data(name: str) -> str:
    return (files("cseplan_xl") / "data" / name).read_text(encoding="utf-8")


def _csv(name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(_data(name))))


def plan_rows() -> list[dict[str, str]]:
    """The source plan's activities, one dict per row keyed by Plan header (ID, Section, ..., RAG)."""
    return _csv("plan_rows.csv")


def demo_mistakes() -> list[dict[str, str]]:
    """The deliberate mistakes planted in the demo workbook: Sheet, Cell, Value and the Check that finds it."""
    return _csv("demo_mistakes.csv")


@cache
def _lookups() -> dict[str, Any]:
    lookups: dict[str, Any] = json.loads(_data("lookups.json"))
    return lookups


def _list_values() -> dict[str, list[str]]:
    """Lists sheet content by contract key."""
    extra = _lookups()
    return {
        "sections": list(c.DEFAULT_SECTIONS),
        "phases": list(c.DEFAULT_PHASES),
        "themes": list(c.DEFAULT_THEMES),
        "rag_values": list(c.RAG_VALUES),
        "cost_keywords": list(c.COST_KEYWORDS),
        "audiences": extra["audiences"],
        "objectives": extra["objectives"],
        "key_messages": extra["key_messages"],
        "platforms": list(c.SOCIAL.column("platform").choices),
        "outlet_tiers": list(c.MEDIA.column("tier").choices),
        "source_types": list(c.ANECDOTES.column("source_type").choices),
        "campaigns": extra["campaigns"],
        "actions": list(c.ACTIONS),
    }


def _list_name(key: str) -> str:
    return f"List_{key}"


# --- The VBA project -----------------------------------------------------------------------------


def vba_project() -> bytes:
    """The workbook's xl/vbaProject.bin: the pinned xlwings quickstart's project with Module1 holding our Subs."""
    return replace_module(_quickstart_project(), "Module1", _data("Module1.bas"))


def _quickstart_project() -> bytes:
    """xl/vbaProject.bin of the pinned xlwings package's standalone quickstart, checked before use."""
    spec = importlib.util.find_spec("xlwings")  # locate without importing xlwings
    if spec is None or spec.origin is None:
        raise CseplanError("xlwings is not installed: it supplies the workbook's VBA module")
    quickstart = Path(spec.origin).parent / QUICKSTART
    try:
        with zipfile.ZipFile(quickstart) as zf:
            project = zf.read("xl/vbaProject.bin")
    except (OSError, KeyError, zipfile.BadZipFile) as exc:
        raise CseplanError(f"cannot read the VBA project in {quickstart}: {exc}") from None
    modules = vba_sources(project)
    version = importlib.metadata.version("xlwings")
    if f'XLWINGS_VERSION As String = "{version}"' not in modules.get("xlwings", ""):
        raise CseplanError(f"the xlwings VBA module in {quickstart} is not version {version}")
    if "Module1" not in modules:
        raise CseplanError(f"the VBA project in {quickstart} has no Module1 to hold the buttons' Subs")
    return project


# --- Writing the workbook ------------------------------------------------------------------------


def workbook_bytes(demo: bool = False, entries: Entries | None = None) -> bytes:
    """The built workbook (.xlsm) as bytes; equal inputs give equal bytes. entries: an officer's, in place of ours."""
    import xlsxwriter

    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    wb.set_properties({
        "title": "CSE communications plan", "subject": "Activity plan, evaluation and newsletter inputs",
        "author": "cseplan-xl", "company": "", "created": CREATED,
        "comments": "Built by cseplan build-workbook" + (" (demo)" if demo else ""),
    })
    wb.add_vba_project(io.BytesIO(vba_project()), is_stream=True)
    wb.set_vba_name("ThisWorkbook")
    _Writer(wb, demo, entries).write_all()
    wb.close()
    return buffer.getvalue()


def build_workbook(path: Path, *, demo: bool = False, force: bool = False) -> BuildResult:
    """Build the workbook at path; an existing different file is replaced only with force, after a backup."""
    path = Path(path)
    data = workbook_bytes(demo)
    saved = None
    if path.is_file():
        if path.read_bytes() == data:
            return BuildResult(path, "unchanged")
        if not force:
            raise OutputExistsError(
                f"{path} differs from a fresh build (edited?): not replaced; "
                "use --force to replace it (a backup is kept)"
            )
        saved = output.backup(path)
    output.write_new(path, data, force=True)
    return BuildResult(path, "replaced" if saved else "created", backup=saved)


def _as_datetime(value: dt.date) -> dt.datetime:
    return value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time())


def _lines(text: str, width: float) -> int:
    """Roughly how many lines a wrapped cell of this column width needs (XlsxWriter cannot auto-fit heights)."""
    count = 0
    for paragraph in text.split("\n"):
        words, line = paragraph.split(), 0
        count += 1
        for word in words:
            if line and line + 1 + len(word) > width * 1.05:
                count += 1
                line = len(word)
            else:
                line += len(word) + (1 if line else 0)
    return max(count, 1)


class _Writer:
    """Writes each sheet of one workbook; holds the formats."""

    def __init__(self, wb: Any, demo: bool, entries: Entries | None = None) -> None:
        self.wb = wb
        self.demo = demo
        self.entries = entries
        self.lists = {**_list_values(), **(entries.lists if entries else {})}
        # Narrower than the contract's defaults, wrapped, so the Plan prints legibly on A4 landscape.
        self.widths = {c.PLAN.name: {"section": 12, "phase": 10, "theme": 18, "when": 14, "who": 13}}
        f = wb.add_format
        self.title = f({"bold": True, "font_size": 14, "font_color": "#1F4E78", "valign": "vcenter"})
        self.banner = f({"bold": True, "font_color": "#9C0006", "bg_color": "#FFEB9C", "valign": "vcenter",
                         "text_wrap": True, "border": 1, "border_color": "#9C0006"})
        self.describe = f({"italic": True, "font_color": "#595959", "valign": "vcenter", "text_wrap": True})
        self.heading = f({"bold": True, "font_size": 12, "font_color": "#1F4E78", "bottom": 2,
                          "bottom_color": "#1F4E78"})
        self.header = f({"bold": True, "font_color": "#FFFFFF", "bg_color": "#1F4E78", "text_wrap": True,
                         "valign": "top", "border": 1, "border_color": "#BFBFBF"})
        self.computed_header = f({"bold": True, "italic": True, "font_color": "#000000", "bg_color": "#D9D9D9",
                                  "text_wrap": True, "valign": "top", "border": 1, "border_color": "#BFBFBF"})
        self.label = f({"bold": True, "valign": "top"})
        self.value = f({"valign": "top", "text_wrap": True, "bg_color": "#FFF9E5", "border": 1,
                        "border_color": "#BFBFBF"})
        self.value_date = f({"valign": "top", "num_format": "dd/mm/yyyy", "align": "left", "bg_color": "#FFF9E5",
                             "border": 1, "border_color": "#BFBFBF"})
        self.status = f({"valign": "top", "text_wrap": True, "bg_color": "#F2F2F2", "border": 1,
                         "border_color": "#BFBFBF"})
        self.status_time = f({"valign": "top", "align": "left", "num_format": "dd/mm/yyyy hh:mm",
                              "bg_color": "#F2F2F2", "border": 1, "border_color": "#BFBFBF"})
        self.mark = {
            "error": f({"bg_color": "#FFC7CE", "font_color": "#9C0006"}),
            "warning": f({"bg_color": "#FFEB9C", "font_color": "#9C5700"}),
        }
        self.count = f({"align": "center"})
        self.worst = f({"bold": True, "align": "center"})
        self.help = f({"italic": True, "font_color": "#595959", "valign": "top", "text_wrap": True})
        self.text = f({"valign": "top"})
        self.button = f({"bold": True, "align": "center", "valign": "vcenter", "bg_color": "#E7E6E6", "border": 1,
                         "border_color": "#7F7F7F"})
        self.note = f({"italic": True, "font_color": "#595959", "valign": "top"})
        self.wrap = f({"valign": "top", "text_wrap": True})
        self.date = f({"valign": "top", "num_format": "dd/mm/yyyy", "align": "left"})
        self.month = f({"num_format": "mmm yyyy", "align": "left"})
        self.computed = f({"valign": "top", "bg_color": "#F2F2F2"})
        self.computed_date = f({"valign": "top", "bg_color": "#F2F2F2", "num_format": "dd/mm/yyyy", "align": "left"})
        self.rag = {
            name: f({"bg_color": colour, "font_color": "#FFFFFF" if name in (c.RED, c.BLUE, c.GREEN) else "#000000",
                     "bold": True})
            for name, colour in c.RAG_COLOURS.items()
        }
        self.legend_colour = {name: f({"font_color": colour, "bold": True}) for name, colour in c.RAG_COLOURS.items()}

    # - shared pieces -

    def write_all(self) -> None:
        self.wb.set_size(1400, 900)
        self._define_list_names()
        self._control()
        self._plan()
        self._owners()
        self._lists()
        for spec in c.EVALUATION_SHEETS:
            self._evaluation(spec)
        self._dashboard()
        self._table_sheet(c.VALIDATION, [])
        self._table_sheet(c.HISTORY, self._carried(c.HISTORY))
        self._xlwings_conf()

    def _carried(self, spec: c.SheetSpec) -> list[dict[str, Any]]:
        """The officer's rows of a sheet, when building with their entries."""
        return self.entries.rows.get(spec.name, []) if self.entries else []

    def _sheet(self, name: str, landscape: bool = True) -> Any:
        ws = self.wb.add_worksheet(name)
        ws.set_paper(9)  # A4
        if landscape:
            ws.set_landscape()
        ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
        ws.fit_to_pages(1, 0)
        ws.set_footer("&L&A&R&P of &N")
        return ws

    def _title_row(self, ws: Any, text: str, widths: Sequence[float]) -> None:
        """Row 1: what the sheet is for (prefixed by the demo banner in the demo), merged over the columns."""
        if self.demo:
            text, fmt = f"{DEMO_BANNER}. {text}", self.banner
        else:
            fmt = self.describe
        ws.set_row(0, 15 * _lines(text, sum(widths) * 0.95) + 6)
        if len(widths) > 1:
            ws.merge_range(0, 0, 0, len(widths) - 1, text, fmt)
        else:
            ws.write_string(0, 0, text, fmt)

    def _headers(self, ws: Any, spec: c.SheetSpec) -> None:
        widths = self.widths.get(spec.name, {})
        for col, column in enumerate(spec.columns):
            ws.write_string(HEADER_ROW, col, column.header, self.computed_header if column.output else self.header)
            ws.set_column(col, col, widths.get(column.key, column.width), self._column_format(column, spec))
        ws.set_row(HEADER_ROW, 32)
        ws.freeze_panes(HEADER_ROW + 1, 0)
        ws.repeat_rows(HEADER_ROW)

    def _column_format(self, column: c.Column, spec: c.SheetSpec) -> Any:
        if column.key in self.widths.get(spec.name, {}):
            return self.wrap
        if column.output:
            return self.computed_date if column.type == c.DATE else self.computed
        if column.type == c.DATE:
            return self.date
        return self.wrap if column.width >= 24 else self.text

    def _write_cell(self, ws: Any, row: int, col: int, spec: c.SheetSpec, column: c.Column, value: object) -> None:
        fmt = self._column_format(column, spec)
        if value is None or value == "":
            return
        if isinstance(value, dt.date):  # carried from an officer's workbook: a date (or date and time)
            ws.write_datetime(row, col, _as_datetime(value), fmt if column.type == c.DATE else self.date)
        elif isinstance(value, bool):
            ws.write_boolean(row, col, value, fmt)
        elif isinstance(value, (int, float)):
            ws.write_number(row, col, value, fmt)
        elif column.type == c.DATE and isinstance(value, str) and re.fullmatch(r"\d{4}-\d\d-\d\d", value):
            ws.write_datetime(row, col, dt.datetime.fromisoformat(value), fmt)
        elif column.type in (c.INTEGER, c.NUMBER) and isinstance(value, str) and re.fullmatch(r"-?\d+", value):
            ws.write_number(row, col, int(value), fmt)
        else:
            ws.write_string(row, col, str(value), fmt)

    def _rows(self, ws: Any, spec: c.SheetSpec, rows: list[dict[str, Any]]) -> None:
        widths = self.widths.get(spec.name, {})
        for i, row in enumerate(rows):
            lines = 1
            for col, column in enumerate(spec.columns):
                value = row.get(column.header, "")
                self._write_cell(ws, HEADER_ROW + 1 + i, col, spec, column, value)
                width = widths.get(column.key, column.width)
                if width >= 24 or column.key in widths:
                    lines = max(lines, _lines(str(value), width))
            ws.set_row(HEADER_ROW + 1 + i, 15 * lines)

    def _validate_list(self, ws: Any, col: int, source: str | list[str], *, strict: bool = True,
                       message: str = "") -> None:
        options: dict[str, Any] = {"validate": "list", "source": source}
        if not strict:
            options.update(error_type="warning", error_title="Not in the list",
                           error_message="This value is not in the list. Keep it anyway?")
        if message:
            options.update(input_message=message[:255])
        ws.data_validation(HEADER_ROW + 1, col, LAST_INPUT_ROW, col, options)

    def _validate_whole(self, ws: Any, col: int, low: int, high: int, message: str) -> None:
        ws.data_validation(HEADER_ROW + 1, col, LAST_INPUT_ROW, col, {
            "validate": "integer", "criteria": "between", "minimum": low, "maximum": high,
            "input_message": message[:255], "error_title": "Out of range",
            "error_message": f"Enter a whole number from {low} to {high}.",
        })

    def _define_list_names(self) -> None:
        for col, column in enumerate(c.LISTS.columns):
            n = len(self.lists[column.key])
            letter = column_letter(col)
            first, last = HEADER_ROW + 2, HEADER_ROW + 1 + n
            self.wb.define_name(_list_name(column.key), f"=Lists!${letter}${first}:${letter}${last}")

    # - sheets -

    def _control(self) -> None:
        ws = self._sheet(c.CONTROL.name, landscape=False)
        ws.set_column(0, 0, 22)
        ws.set_column(1, 1, 46)
        ws.set_column(2, 2, 44)
        ws.set_column(3, 3, 3)
        ws.set_column(4, 4, 26)
        ws.set_row(0, 26)
        ws.write_string(0, 0, "CSE communications plan: control panel", self.title)
        if self.demo:
            ws.merge_range(1, 0, 1, 4, DEMO_BANNER, self.banner)
            ws.set_row(1, 30)
        values = {key: row[0] for key, row in _lookups()["control"].items()}
        helps = {key: row[1] for key, row in _lookups()["control"].items()}
        if self.demo:
            values.update(_lookups()["demo_control"])
        if self.entries:
            values.update({key: "" if value is None else value for key, value in self.entries.settings.items()})
        ws.write_string(2, 0, "Settings", self.heading)
        ws.write_string(2, 1, "", self.heading)
        ws.write_string(2, 2, "Notes", self.heading)
        blocks = {"action": (c.CONTROL_ACTION_ROW, "Run"), "last_run": (c.CONTROL_STATUS_ROW, "Status of the last run")}
        row = 3
        for column in c.CONTROL.columns:
            if column.key in blocks:
                first, heading = blocks[column.key]
                if first - 2 <= row:
                    raise ValueError(f"contract layout: Control row {first} leaves no room for its heading")
                row = first - 1  # 0-based, with the heading on the row above
                for col, text in enumerate((heading, "", "")):
                    ws.write_string(row - 1, col, text, self.heading)
            status = column.key.startswith("last_")
            ws.write_string(row, 0, column.header, self.label)
            value = values.get(column.key, "")
            self._setting(ws, row, column, value)
            ws.write_string(row, 2, helps.get(column.key, ""), self.help)
            lines = max(_lines(str(value), 46), _lines(helps.get(column.key, ""), 44))
            ws.set_row(row, max(15 * lines, 24 if row in (3, 5, 7) or column.key == "action" else 0))
            if column.key == "reporting_period":
                ws.data_validation(row, 1, row, 1, {"validate": "list", "source": _lookups()["reporting_periods"]})
            elif column.key == "action":
                ws.data_validation(row, 1, row, 1, {"validate": "list", "source": f"={_list_name('actions')}"})
                ws.write_string(row, 4, "Run chosen action", self.button)
                ws.insert_button(row, 4, {"macro": macro_name("run_chosen_action"), "caption": "Run chosen action",
                                          "width": 180, "height": 30, "x_offset": 4,
                                          "description": "Runs the Action chosen in the cell to the left"})
            elif column.type == c.DATE and not status:
                ws.data_validation(row, 1, row, 1, {
                    "validate": "date", "criteria": "between", "minimum": dt.date(2000, 1, 1),
                    "maximum": dt.date(2100, 12, 31), "error_message": "Enter a date, e.g. 31/03/2018.",
                })
            row += 1
        ws.write_string(2, 4, "Buttons", self.heading)
        buttons = [*c.ACTIONS.items(), (CHECK_SETUP, "check_setup")]
        for i, (caption, function) in enumerate(buttons):
            ws.write_string(3 + 2 * i, 4, caption, self.button)  # what prints: buttons themselves do not
            ws.insert_button(3 + 2 * i, 4, {"macro": macro_name(function), "caption": caption,
                                            "width": 180, "height": 30, "x_offset": 4,
                                            "description": f"Runs cseplan_xl.excel.{function}"})
        ws.write_string(3 + 2 * len(buttons), 4, "Buttons need Python and xlwings: see the README, 'In Excel'.",
                        self.note)
        ws.activate()

    def _setting(self, ws: Any, row: int, column: c.Column, value: Any) -> None:
        """A Control value in column B: a date (ISO text or carried), a number, a flag or text."""
        fmt = self.status if column.key.startswith("last_") else self.value
        if column.type == c.DATE and isinstance(value, str) and value:
            value = dt.datetime.fromisoformat(value)
        if isinstance(value, dt.date):
            ws.write_datetime(row, 1, _as_datetime(value),
                              self.status_time if column.key == "last_run" else self.value_date)
        elif column.type == c.DATE or (column.key == "last_run" and value == ""):
            ws.write_blank(row, 1, None, self.value_date if column.type == c.DATE else self.status_time)
        elif isinstance(value, bool):
            ws.write_boolean(row, 1, value, fmt)
        elif isinstance(value, (int, float)):
            ws.write_number(row, 1, value, fmt)
        elif value == "":
            ws.write_blank(row, 1, None, fmt)
        else:
            ws.write_string(row, 1, str(value), fmt)

    def _plan(self) -> None:
        spec = c.PLAN
        ws = self._sheet(spec.name)
        rows: list[dict[str, Any]] = self._carried(spec) if self.entries else plan_rows()
        if self.demo and not self.entries:
            progress = {r["ID"]: r for r in _csv("demo_plan.csv")}
            for row in rows:
                row.update({k: v for k, v in progress.get(row["ID"], {}).items() if v and k != "ID"})
        last = len(spec.columns) - 1
        first_output = next(i for i, col in enumerate(spec.columns) if col.output)
        title = "Activity plan: one row per activity of the plan (sections 6.1, 6.2 and Phase Two)."
        if self.demo:
            ws.merge_range(0, 0, 0, 3, f"{DEMO_BANNER}.", self.banner)
        else:
            ws.merge_range(0, 0, 0, 3, title, self.describe)
        ws.set_row(0, 48)
        # The text reads "RAG key: " + contract.RAG_LEGEND (the CLI and the newsletter show the same), each RAG
        # name in its colour.
        legend: list[Any] = [self.label, "RAG key: "]
        for i, name in enumerate(c.RAG_VALUES):
            legend += [self.legend_colour[name], name, self.label,
                       f" = {c.RAG_MEANING[name]}" + ("; " if i < len(c.RAG_VALUES) - 1 else "")]
        ws.write_rich_string(0, 4, *legend, self.wrap)
        ws.merge_range(0, 5, 0, first_output - 1,
                       "Type in these columns. Start and End are optional: they override the dates read from When.",
                       self.help)
        ws.merge_range(0, first_output, 0, last,
                       "Grey columns are computed by cseplan-xl (Validate plan / Refresh dashboard): "
                       "do not type in them.", self.help)
        columns = [{"header": col.header, "header_format": self.computed_header if col.output else None}
                   for col in spec.columns]
        ws.add_table(HEADER_ROW, 0, HEADER_ROW + max(len(rows), 1), last, {
            "name": "PlanTable", "style": "Table Style Light 9", "columns": columns,
        })
        self._headers(ws, spec)
        ws.freeze_panes(HEADER_ROW + 1, 1)
        self._rows(ws, spec, rows)
        for key, source in (("section", "sections"), ("phase", "phases"), ("theme", "themes"),
                            ("rag", "rag_values")):
            self._validate_list(ws, self._col(spec, key), f"={_list_name(source)}")
        self._validate_list(ws, self._col(spec, "cost"), f"={_list_name('cost_keywords')}", strict=False,
                            message="N/A, TBC, or an amount in £ (e.g. £500).")
        self._validation_marks(ws)
        for key in ("rag", "derived_rag"):
            col = self._col(spec, key)
            for name in c.RAG_VALUES:
                ws.conditional_format(HEADER_ROW + 1, col, LAST_INPUT_ROW, col, {
                    "type": "cell", "criteria": "==", "value": f'"{name}"', "format": self.rag[name],
                })
        ws.print_area(0, 0, HEADER_ROW + len(rows), self._col(spec, "last_updated"))  # the officer's view

    def _validation_marks(self, ws: Any) -> None:
        """Colour each Plan cell the Validation sheet lists, and the ID of its row: conditional formats, so the
        officer's own formatting is never touched and each Validate plan run replaces the previous marks."""
        first = c.FIRST_DATA_ROW
        cells = f"{c.VALIDATION.name}!$B${first}:$B${MARK_ROWS}"
        severities = f"{c.VALIDATION.name}!$A${first}:$A${MARK_ROWS}"
        last = len(c.PLAN.columns) - 1
        for severity in ("error", "warning"):
            here = f'"{c.PLAN.name}!"&ADDRESS(ROW(),COLUMN(),4)'
            ws.conditional_format(HEADER_ROW + 1, 0, LAST_INPUT_ROW, last, {
                "type": "formula", "format": self.mark[severity],
                "criteria": f'=COUNTIFS({cells},{here},{severities},"{severity}")>0',
            })
        for severity in ("error", "warning"):
            # "Plan!?14" and "Plan!??14": any cell of row 14 (a one- or two-letter column), not row 114.
            row = " + ".join(f'COUNTIFS({cells},"{c.PLAN.name}!{q}"&ROW(),{severities},"{severity}")'
                             for q in ("?", "??"))
            ws.conditional_format(HEADER_ROW + 1, 0, LAST_INPUT_ROW, 0, {
                "type": "formula", "format": self.mark[severity], "criteria": f"={row}>0",
            })

    @staticmethod
    def _col(spec: c.SheetSpec, key: str) -> int:
        return next(i for i, col in enumerate(spec.columns) if col.key == key)

    def _table_sheet(self, spec: c.SheetSpec, rows: list[dict[str, str]], description: str = "") -> Any:
        widths = [col.width for col in spec.columns]
        ws = self._sheet(spec.name, landscape=sum(widths) > 110)
        last = len(spec.columns) - 1
        self._title_row(ws, description or spec.description, widths)
        self._headers(ws, spec)
        ws.autofilter(HEADER_ROW, 0, HEADER_ROW + max(len(rows), 1), last)
        self._rows(ws, spec, rows)
        return ws

    def _owners(self) -> None:
        rows = self._carried(c.OWNERS) or [dict(zip(("Code", "Role or team", "Agency"), r))
                                            for r in _lookups()["owners"]]
        self._table_sheet(c.OWNERS, rows, c.OWNERS.description + " Fill in each code's role.")

    def _lists(self) -> None:
        ws = self._sheet(c.LISTS.name)
        self._title_row(ws, "Allowed values: each column feeds a dropdown (named ranges List_...). "
                            "Add a value by extending the named range (Formulas > Name Manager).",
                        [col.width for col in c.LISTS.columns])
        self._headers(ws, c.LISTS)
        for col, column in enumerate(c.LISTS.columns):
            ws.set_column(col, col, column.width, self.wrap)
            for i, value in enumerate(self.lists[column.key]):
                ws.write_string(HEADER_ROW + 1 + i, col, value, self.wrap)

    def _evaluation(self, spec: c.SheetSpec) -> None:
        rows = _csv(f"demo_{spec.name.lower()}.csv") if self.demo else []
        ws = self._table_sheet(spec, self._carried(spec) if self.entries else rows)
        yes_no = ["Yes", "No"]
        for col, column in enumerate(spec.columns):
            if column.key == "platform":
                self._validate_list(ws, col, f"={_list_name('platforms')}", strict=False)
            elif column.key == "campaign":
                self._validate_list(ws, col, f"={_list_name('campaigns')}", strict=False)
            elif column.key == "tier":
                self._validate_list(ws, col, f"={_list_name('outlet_tiers')}")
            elif column.key == "source_type":
                self._validate_list(ws, col, f"={_list_name('source_types')}", strict=False)
            elif column.key == "medium":
                self._validate_list(ws, col, _lookups()["media_types"], strict=False)
            elif column.type == c.FLAG:
                self._validate_list(ws, col, yes_no)
            elif column.bounds is not None:
                self._validate_whole(ws, col, *column.bounds, column.help)
            elif column.type in (c.INTEGER, c.NUMBER):
                ws.data_validation(HEADER_ROW + 1, col, LAST_INPUT_ROW, col, {
                    "validate": "decimal" if column.type == c.NUMBER else "integer",
                    "criteria": ">=", "value": 0, "error_message": "Enter a number of 0 or more.",
                })
            elif column.type == c.DATE:
                ws.data_validation(HEADER_ROW + 1, col, LAST_INPUT_ROW, col, {
                    "validate": "date", "criteria": "between", "minimum": dt.date(2000, 1, 1),
                    "maximum": dt.date(2100, 12, 31), "error_message": "Enter a date, e.g. 01/03/2018.",
                })

    def _dashboard(self) -> None:
        """The Dashboard sheet: its title row here, the rest (live counts, charts, campaign months) in dashboard."""
        ws = self._sheet(c.DASHBOARD.name)
        self._title_row(ws, dashboard.TITLE, dashboard.WIDTHS)
        referrals = len(self._carried(c.REFERRALS)) if self.entries else len(_csv("demo_referrals.csv")) * self.demo
        dashboard.write_dashboard(self.wb, ws, self, referrals=referrals, last_input_row=LAST_INPUT_ROW)

    def _xlwings_conf(self) -> None:
        """xlwings' settings sheet, shipped switched off (_xlwings.conf) so each user's own configuration applies."""
        ws = self._sheet(XLWINGS_CONF_SHEET, landscape=False)
        ws.set_column(0, 0, 18)
        ws.set_column(1, 1, 30)
        ws.set_column(2, 2, 3)
        ws.set_column(3, 3, 90, self.help)
        settings: list[tuple[str, object]] = [
            ("Interpreter_Win", ""), ("Interpreter_Mac", ""), ("PYTHONPATH", ""),
            ("Conda Path", ""), ("Conda Env", ""), ("Show Console", False),
        ]
        for row, (key, value) in enumerate(settings):
            ws.write_string(row, 0, key, self.label)
            if isinstance(value, bool):
                ws.write_boolean(row, 1, value, self.value)
            else:
                ws.write_blank(row, 1, None, self.value)
        notes = [
            DEMO_BANNER if self.demo else "About this sheet: switched off (its name starts with _)",
            "Each person's Python is set by `cseplan excel-setup` in their own xlwings configuration; this sheet is "
            "not needed for that.",
            "For a shared install (one Python for everyone, set up by IT): fill in Interpreter_Win / Interpreter_Mac, "
            r"e.g. C:\Program Files\cseplan-xl\Scripts\pythonw.exe, then rename this sheet to xlwings.conf.",
            "Once switched on, xlwings reads columns A:B from A1 down to the first blank cell in A, and a blank value "
            "here overrides each person's configuration: delete the rows you leave blank.",
            "Rename it back to _xlwings.conf to switch it off again.",
        ]
        for row, note in enumerate(notes):
            ws.write_string(row, 3, note, self.banner if self.demo and row == 0 else
                            (self.label if row == 0 else self.help))
