"""The Control sheet as built: the settings with their notes and checks, the Run and status blocks, and the buttons
that run cseplan_xl.excel's functions through the workbook's VBA module."""

from __future__ import annotations

import datetime as dt
from typing import Any

from cseplan_xl import contract as c
from cseplan_xl.table_sheets import list_name
from cseplan_xl.workbook_style import DEMO_BANNER, CellFormats, as_datetime, wrapped_lines

CHECK_SETUP = "Check setup"  # the button that reports the Python set-up, for IT
WIDTHS = (22, 46, 44, 3, 26)  # label, value, notes, a gap, the buttons
# The settings that start a block of their own: its first row (1-based, from the contract) and its heading.
_BLOCKS = {"action": (c.CONTROL_ACTION_ROW, "Run"), "last_run": (c.CONTROL_STATUS_ROW, "Status of the last run")}
_BUTTONS = [*c.ACTIONS.items(), (CHECK_SETUP, "check_setup")]  # (caption, excel function), down column E
_BUTTON_ROWS = tuple(3 + 2 * i for i in range(len(_BUTTONS)))  # 0-based: every other row from the first setting


def macro_name(function: str) -> str:
    """The Sub of the workbook's module (data/Module1.bas) that runs a cseplan_xl.excel function: ValidatePlan."""
    return "".join(part.title() for part in function.split("_"))


def write_control(ws: Any, formats: CellFormats, *, settings: dict[str, Any], notes: dict[str, str],
                  reporting_periods: list[str], demo: bool) -> None:
    """The whole Control sheet: title (and the demo banner), one row per contract setting, then the buttons.

    settings: each setting's value by contract key (text, a date as ISO text or a date, a number or a flag);
    notes: the help beside each; reporting_periods: the choices of the Reporting period's dropdown.
    """
    for col, width in enumerate(WIDTHS):
        ws.set_column(col, col, width)
    ws.set_row(0, 26)
    ws.write_string(0, 0, "CSE communications plan: control panel", formats.title)
    if demo:
        ws.merge_range(1, 0, 1, 4, DEMO_BANNER, formats.banner)
        ws.set_row(1, 30)
    ws.write_string(2, 0, "Settings", formats.heading)
    ws.write_string(2, 1, "", formats.heading)
    ws.write_string(2, 2, "Notes", formats.heading)
    row = 3
    for column in c.CONTROL.columns:
        row = _block_start(ws, formats, column, row)
        _setting_row(ws, formats, row, column, settings.get(column.key, ""), notes.get(column.key, ""),
                     reporting_periods)
        row += 1
    _buttons(ws, formats)
    ws.activate()


def _block_start(ws: Any, formats: CellFormats, column: c.Column, row: int) -> int:
    """The 0-based row a setting goes on: the next one, or the first of its block with the block's heading above."""
    if column.key not in _BLOCKS:
        return row
    first, heading = _BLOCKS[column.key]
    if first - 2 <= row:
        raise ValueError(f"contract layout: Control row {first} leaves no room for its heading")
    row = first - 1  # 0-based, with the heading on the row above
    for col, text in enumerate((heading, "", "")):
        ws.write_string(row - 1, col, text, formats.heading)
    return row


def _setting_row(ws: Any, formats: CellFormats, row: int, column: c.Column, value: Any, note: str,
                 reporting_periods: list[str]) -> None:
    """One setting: its label, value and note, the row's height, and the value's dropdown or check."""
    ws.write_string(row, 0, column.header, formats.label)
    _setting(ws, formats, row, column, value)
    ws.write_string(row, 2, note, formats.help)
    lines = max(wrapped_lines(str(value), 46), wrapped_lines(note, 44))
    # A row with a button beside it (30 pixels high) is at least 24 points, so the button fits in it.
    ws.set_row(row, max(15 * lines, 24 if row in _BUTTON_ROWS or column.key == "action" else 0))
    if column.key == "reporting_period":
        ws.data_validation(row, 1, row, 1, {"validate": "list", "source": reporting_periods})
    elif column.key == "action":
        ws.data_validation(row, 1, row, 1, {"validate": "list", "source": f"={list_name('actions')}"})
        ws.write_string(row, 4, "Run chosen action", formats.button)
        ws.insert_button(row, 4, {"macro": macro_name("run_chosen_action"), "caption": "Run chosen action",
                                  "width": 180, "height": 30, "x_offset": 4,
                                  "description": "Runs the Action chosen in the cell to the left"})
    elif column.type == c.DATE and not column.key.startswith("last_"):
        ws.data_validation(row, 1, row, 1, {
            "validate": "date", "criteria": "between", "minimum": dt.date(2000, 1, 1),
            "maximum": dt.date(2100, 12, 31), "error_message": "Enter a date, e.g. 31/03/2018.",
        })


def _setting(ws: Any, formats: CellFormats, row: int, column: c.Column, value: Any) -> None:
    """A Control value in column B: a date (ISO text or carried), a number, a flag or text."""
    fmt = formats.status if column.key.startswith("last_") else formats.value
    if column.type == c.DATE and isinstance(value, str) and value:
        value = dt.datetime.fromisoformat(value)
    if isinstance(value, dt.date):
        ws.write_datetime(row, 1, as_datetime(value),
                          formats.status_time if column.key == "last_run" else formats.value_date)
    elif column.type == c.DATE or (column.key == "last_run" and value == ""):
        ws.write_blank(row, 1, None, formats.value_date if column.type == c.DATE else formats.status_time)
    elif isinstance(value, bool):
        ws.write_boolean(row, 1, value, fmt)
    elif isinstance(value, (int, float)):
        ws.write_number(row, 1, value, fmt)
    elif value == "":
        ws.write_blank(row, 1, None, fmt)
    else:
        ws.write_string(row, 1, str(value), fmt)


def _buttons(ws: Any, formats: CellFormats) -> None:
    """Column E: a button per action and one for the set-up check, each with its caption in the cell for printing."""
    ws.write_string(2, 4, "Buttons", formats.heading)
    for row, (caption, function) in zip(_BUTTON_ROWS, _BUTTONS):
        ws.write_string(row, 4, caption, formats.button)  # what prints: buttons themselves do not
        ws.insert_button(row, 4, {"macro": macro_name(function), "caption": caption,
                                  "width": 180, "height": 30, "x_offset": 4,
                                  "description": f"Runs cseplan_xl.excel.{function}"})
    ws.write_string(_BUTTON_ROWS[-1] + 2, 4, "Buttons need Python and xlwings: see the README, 'In Excel'.",
                    formats.note)
