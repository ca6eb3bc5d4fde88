"""The sheets that hold a contract table under its header row, as built: the Plan, the Lists and their workbook
names, the evaluation logs (Referrals, Social, Media, Anecdotes), and the plain tables (Owners, Validation, History):
headers, typed cells, row heights, dropdowns and checks, and the Plan's RAG colours and finding marks."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from cseplan_xl import contract as c
from cseplan_xl.findings import column_letter
from cseplan_xl.workbook_style import (
    DEMO_BANNER,
    HEADER_ROW,
    LAST_INPUT_ROW,
    CellFormats,
    add_sheet,
    as_datetime,
    column_of,
    title_row,
    wrapped_lines,
)

MARK_ROWS = 5000  # Plan cells are marked for findings listed on Validation rows 3 to this
# Narrower than the contract's defaults, wrapped, so the Plan prints legibly on A4 landscape.
_WIDTHS = {c.PLAN.name: {"section": 12, "phase": 10, "theme": 18, "when": 14, "who": 13}}


def list_name(key: str) -> str:
    """The workbook name of a Lists column (by contract key): List_sections."""
    return f"List_{key}"


class TableSheets:
    """Writes the table sheets of one workbook with its formats; lists: the Lists sheet's values by contract key."""

    def __init__(self, wb: Any, formats: CellFormats, demo: bool, lists: dict[str, list[str]]) -> None:
        self.wb, self.f, self.demo, self.lists = wb, formats, demo, lists

    def _headers(self, ws: Any, spec: c.SheetSpec) -> None:
        widths = _WIDTHS.get(spec.name, {})
        for col, column in enumerate(spec.columns):
            ws.write_string(HEADER_ROW, col, column.header, self.f.computed_header if column.output else self.f.header)
            ws.set_column(col, col, widths.get(column.key, column.width), self._column_format(column, spec))
        ws.set_row(HEADER_ROW, 32)
        ws.freeze_panes(HEADER_ROW + 1, 0)
        ws.repeat_rows(HEADER_ROW)

    def _column_format(self, column: c.Column, spec: c.SheetSpec) -> Any:
        if column.key in _WIDTHS.get(spec.name, {}):
            return self.f.wrap
        if column.output:
            return self.f.computed_date if column.type == c.DATE else self.f.computed
        if column.type == c.DATE:
            return self.f.date
        return self.f.wrap if column.width >= 24 else self.f.text

    def _write_cell(self, ws: Any, row: int, col: int, spec: c.SheetSpec, column: c.Column, value: object) -> None:
        fmt = self._column_format(column, spec)
        if value is None or value == "":
            return
        if isinstance(value, dt.date):  # carried from an officer's workbook: a date (or date and time)
            ws.write_datetime(row, col, as_datetime(value), fmt if column.type == c.DATE else self.f.date)
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
        widths = _WIDTHS.get(spec.name, {})
        for i, row in enumerate(rows):
            lines = 1
            for col, column in enumerate(spec.columns):
                value = row.get(column.header, "")
                self._write_cell(ws, HEADER_ROW + 1 + i, col, spec, column, value)
                width = widths.get(column.key, column.width)
                if width >= 24 or column.key in widths:
                    lines = max(lines, wrapped_lines(str(value), width))
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

    def define_list_names(self) -> None:
        """A workbook name (List_sections, ...) for each Lists column: the dropdowns' sources."""
        for col, column in enumerate(c.LISTS.columns):
            n = len(self.lists[column.key])
            letter = column_letter(col)
            first, last = HEADER_ROW + 2, HEADER_ROW + 1 + n
            self.wb.define_name(list_name(column.key), f"=Lists!${letter}${first}:${letter}${last}")

    def plan(self, rows: list[dict[str, Any]]) -> None:
        """The Plan sheet: its key and notes row, the PlanTable with its dropdowns, RAG colours and the marks of
        Validation's findings."""
        spec = c.PLAN
        ws = add_sheet(self.wb, spec.name)
        last = len(spec.columns) - 1
        first_output = next(i for i, col in enumerate(spec.columns) if col.output)
        title = "Activity plan: one row per activity of the plan (sections 6.1, 6.2 and Phase Two)."
        if self.demo:
            ws.merge_range(0, 0, 0, 3, f"{DEMO_BANNER}.", self.f.banner)
        else:
            ws.merge_range(0, 0, 0, 3, title, self.f.describe)
        ws.set_row(0, 48)
        # The text reads "RAG key: " + contract.RAG_LEGEND (the CLI and the newsletter show the same), each RAG
        # name in its colour.
        legend: list[Any] = [self.f.label, "RAG key: "]
        for i, name in enumerate(c.RAG_VALUES):
            legend += [self.f.legend_colour[name], name, self.f.label,
                       f" = {c.RAG_MEANING[name]}" + ("; " if i < len(c.RAG_VALUES) - 1 else "")]
        ws.write_rich_string(0, 4, *legend, self.f.wrap)
        ws.merge_range(0, 5, 0, first_output - 1,
                       "Type in these columns. Start and End are optional: they override the dates read from When.",
                       self.f.help)
        ws.merge_range(0, first_output, 0, last,
                       "Grey columns are computed by cseplan-xl (Validate plan / Refresh dashboard): "
                       "do not type in them.", self.f.help)
        columns = [{"header": col.header, "header_format": self.f.computed_header if col.output else None}
                   for col in spec.columns]
        ws.add_table(HEADER_ROW, 0, HEADER_ROW + max(len(rows), 1), last, {
            "name": "PlanTable", "style": "Table Style Light 9", "columns": columns,
        })
        self._headers(ws, spec)
        ws.freeze_panes(HEADER_ROW + 1, 1)
        self._rows(ws, spec, rows)
        for key, source in (("section", "sections"), ("phase", "phases"), ("theme", "themes"),
                            ("rag", "rag_values")):
            self._validate_list(ws, column_of(spec, key), f"={list_name(source)}")
        self._validate_list(ws, column_of(spec, "cost"), f"={list_name('cost_keywords')}", strict=False,
                            message="N/A, TBC, or an amount in £ (e.g. £500).")
        self._validation_marks(ws)
        for key in ("rag", "derived_rag"):
            col = column_of(spec, key)
            for name in c.RAG_VALUES:
                ws.conditional_format(HEADER_ROW + 1, col, LAST_INPUT_ROW, col, {
                    "type": "cell", "criteria": "==", "value": f'"{name}"', "format": self.f.rag[name],
                })
        ws.print_area(0, 0, HEADER_ROW + len(rows), column_of(spec, "last_updated"))  # the officer's view

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
                "type": "formula", "format": self.f.mark[severity],
                "criteria": f'=COUNTIFS({cells},{here},{severities},"{severity}")>0',
            })
        for severity in ("error", "warning"):
            # "Plan!?14" and "Plan!??14": any cell of row 14 (a one- or two-letter column), not row 114.
            row = " + ".join(f'COUNTIFS({cells},"{c.PLAN.name}!{q}"&ROW(),{severities},"{severity}")'
                             for q in ("?", "??"))
            ws.conditional_format(HEADER_ROW + 1, 0, LAST_INPUT_ROW, 0, {
                "type": "formula", "format": self.f.mark[severity], "criteria": f"={row}>0",
            })

    def table_sheet(self, spec: c.SheetSpec, rows: list[dict[str, Any]], description: str = "") -> Any:
        """A sheet of the contract's table: its title row, header row (filtered) and rows; the worksheet."""
        widths = [col.width for col in spec.columns]
        ws = add_sheet(self.wb, spec.name, landscape=sum(widths) > 110)
        last = len(spec.columns) - 1
        title_row(ws, self.f, description or spec.description, widths, self.demo)
        self._headers(ws, spec)
        ws.autofilter(HEADER_ROW, 0, HEADER_ROW + max(len(rows), 1), last)
        self._rows(ws, spec, rows)
        return ws

    def lists_sheet(self) -> None:
        """The Lists sheet: the allowed values, a column per list."""
        ws = add_sheet(self.wb, c.LISTS.name)
        title_row(ws, self.f, "Allowed values: each column feeds a dropdown (named ranges List_...). "
                              "Add a value by extending the named range (Formulas > Name Manager).",
                  [col.width for col in c.LISTS.columns], self.demo)
        self._headers(ws, c.LISTS)
        for col, column in enumerate(c.LISTS.columns):
            ws.set_column(col, col, column.width, self.f.wrap)
            for i, value in enumerate(self.lists[column.key]):
                ws.write_string(HEADER_ROW + 1 + i, col, value, self.f.wrap)

    def evaluation(self, spec: c.SheetSpec, rows: list[dict[str, Any]], media_types: list[str]) -> None:
        """An evaluation log (Referrals, Social, Media, Anecdotes): its table, each column's dropdown or check."""
        ws = self.table_sheet(spec, rows)
        yes_no = ["Yes", "No"]
        for col, column in enumerate(spec.columns):
            if column.key == "platform":
                self._validate_list(ws, col, f"={list_name('platforms')}", strict=False)
            elif column.key == "campaign":
                self._validate_list(ws, col, f"={list_name('campaigns')}", strict=False)
            elif column.key == "tier":
                self._validate_list(ws, col, f"={list_name('outlet_tiers')}")
            elif column.key == "source_type":
                self._validate_list(ws, col, f"={list_name('source_types')}", strict=False)
            elif column.key == "medium":
                self._validate_list(ws, col, media_types, strict=False)
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
