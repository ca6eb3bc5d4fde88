"""Rules on the workbook as a whole rather than one table's rows: its structure (reported by the reader), Excel
errors and typed values in any sheet, and the Control settings with the As-of date.

Two families: READ, the rules whose findings the reader reports (first in the catalogue), and RULES, checked here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from . import contract
from .cell_values import as_date, as_number, as_text, lenient
from .dates import format_day
from .errors import InvalidValue
from .findings import ERROR, INFO, WARNING
from .period import as_of_note, parse_period
from .plan import Plan
from .rulebook import Hit, RuleFamily
from .tables import CellError

READ = RuleFamily()
RULES = RuleFamily()
_reader_rule = READ.reader_rule
_rule = RULES.rule

_reader_rule("unknown-column", INFO, "A column header that is not part of the contract (ignored)", ("structure",))
_reader_rule("sheet-unreadable", WARNING, "An optional sheet lacks its required columns (its checks are skipped)",
             ("structure",))
_reader_rule("duplicate-column", WARNING, "Two columns of a sheet have the same header (the second is ignored)",
             ("structure",))
_reader_rule("sheet-hidden", INFO, "The Plan sheet is hidden or very hidden (it is read as usual)", ("structure",))
_reader_rule("sheet-missing", INFO, "An optional sheet is missing, so the rules that need it are skipped",
             ("structure",))


# --- Any sheet, and the Control settings -------------------------------------------------------


@_rule("cell-error", ERROR, "A cell holds an Excel error such as #REF!", tags=("structure",))
def _cell_errors(plan: Plan, as_of: dt.date) -> Iterator[Hit]:
    for table in plan.tables.values():
        for row, key, value in table.errors:
            yield Hit(row, key, f"the cell shows the Excel error {value}: fix the formula or type the value",
                      str(value), sheet=table.spec)


@_rule("value-invalid", ERROR, "A date, number or yes/no cell holds something else", tags=("structure",))
def _typed_values(plan: Plan, as_of: dt.date) -> Iterator[Hit]:
    checks = {contract.DATE: (as_date, "a date such as 31/03/2018"),
              contract.INTEGER: (as_number, "a whole number"), contract.NUMBER: (as_number, "a number"),
              contract.FLAG: (contract.parse_flag, "Yes or No")}
    for table in plan.tables.values():
        typed = [(c, *checks[c.type]) for c in table.spec.columns if c.type in checks and not c.output]
        for row in table.rows:
            for col, convert, wanted in typed:
                value = row.get(col.key)
                if value is None or isinstance(value, CellError):
                    continue
                try:
                    convert(value)
                except (ValueError, TypeError):
                    yield Hit(row.row, col.key, f"{col.header} {as_text(value)!r} is not understood: write "
                              f"{wanted}", value, sheet=table.spec)


@_rule("setting-invalid", ERROR, "A Control setting is not understood", sheet=contract.CONTROL,
       tags=("settings",), needs=(contract.CONTROL,))
def _settings(plan: Plan, as_of: dt.date) -> Iterator[Hit]:
    cells = plan.setting_cells
    for key in (col.key for col in contract.CONTROL.columns if col.type == contract.DATE):
        cell = cells.get(key)
        if cell is not None and cell.value is not None and lenient(as_date, cell.value) is None:
            label = contract.CONTROL.column(key).header
            yield Hit(cell.row, "value", f"{label} {as_text(cell.value)!r} is not a date: write e.g. 01/09/2017",
                      cell.value)
    period = cells.get("reporting_period")
    if period is not None and period.value is not None:
        try:
            parse_period(as_text(period.value) or "")
        except InvalidValue:
            yield Hit(period.row, "value", f"Reporting period {as_text(period.value)!r} is not a quarter or "
                      "period: write e.g. 2018Q1", period.value)
    s = plan.settings
    if s.plan_start and s.plan_end and s.plan_end < s.plan_start:
        end = cells["plan_end"]
        yield Hit(end.row, "value", f"Plan end {format_day(s.plan_end)} is before Plan start "
                  f"{format_day(s.plan_start)}", end.value)


@_rule("as-of-outside-plan", INFO, "The as-of date falls outside the plan's lifetime", sheet=contract.CONTROL,
       tags=("settings",), needs=(contract.CONTROL,))
def _as_of_outside(plan: Plan, as_of: dt.date) -> Iterator[Hit]:
    s = plan.settings
    note = as_of_note(as_of, s.plan_start, s.plan_end)
    if note is not None:
        cell = plan.setting_cells.get("as_of") or plan.setting_cells.get("plan_end")
        yield Hit(cell.row if cell else None, "value", note.removeprefix("Note: "),
                  cell.value if cell else None)

