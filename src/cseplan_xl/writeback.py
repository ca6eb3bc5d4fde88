"""What the Excel buttons write back into the workbook, worked out without Excel.

The Validation sheet's rows (each finding's address a link to its cell), the Plan's derived columns, the Dashboard's
tables, the History snapshot block and the officer's messages, as plain rows of values. Every value written as
data passes `cell` (safetext.cell_value), so text that Excel would take for a formula stays text; the only formula
is a `Formula` built here. `excel.py` reads the sheets and writes these rows through xlwings.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from . import contract, history
from .dates import format_day
from .errors import CseplanError
from .findings import ERROR, WARNING, Finding, cell_address, column_index, column_letter
from .plan import Plan
from .safetext import cell_value
from .words import plural

if TYPE_CHECKING:
    from .rollups import Rollup

DERIVED = ("derived_rag", "derived_start", "derived_end", "overdue_days")  # the Plan columns a button writes


class Formula(str):
    """A formula built here (a HYPERLINK to a finding's cell): the one kind of text written as a formula."""


def cell(value: Any) -> Any:
    """A value to write as data: text that Excel would take for a formula is kept as text (safetext.cell_value);
    only a formula built here (Formula) is written as one."""
    if isinstance(value, Formula):
        return str(value)
    if isinstance(value, (str, int, float, bool, dt.date)) or value is None:
        return cell_value(value)
    return cell_value(str(value))


def pad(row: Sequence[Any], width: int) -> list[Any]:
    """A row filled out with blanks to width cells."""
    return list(row) + [None] * (width - len(row))


# --- Validate plan -------------------------------------------------------------------------------


def validation_rows(findings: Sequence[Finding]) -> list[list[Any]]:
    """The Validation sheet's rows: severity, a link to the cell, code, activity, value and message."""
    return [[f.severity, link(f), f.code, f.activity_id, cell(f.value), cell(f.message)] for f in findings]


def validation_message(findings: Sequence[Finding], as_of: dt.date) -> tuple[str, int, int]:
    """The alert after Validate plan, with the counts of errors and warnings."""
    errors = sum(f.severity == ERROR for f in findings)
    warnings = sum(f.severity == WARNING for f in findings)
    if not findings:
        return f"No problems found (as of {format_day(as_of)}).", 0, 0
    verdict = "Fix the errors" if errors else "No errors"
    message = (f"{plural(errors, 'error', 'errors')}, {plural(warnings, 'warning', 'warnings')} "
               f"(as of {format_day(as_of)}). {verdict}: the list is on the Validation sheet "
               "(click a cell address to go there); the cells are marked on the Plan.")
    first = [f for f in findings if f.severity == ERROR][:5]
    if first:
        message += "\n\n" + "\n".join(f"{f.address}: {f.message}" for f in first)
        if errors > len(first):
            message += f"\n... and {errors - len(first)} more."
    return message, errors, warnings


def link(finding: Finding) -> str:
    """A finding's address as a link to its cell (a HYPERLINK formula), or as text when it is not about a cell."""
    if not (finding.sheet and finding.cell):
        return finding.address
    target = cell_address(finding.sheet, finding.column, finding.row)  # quoted as Excel wants: 'It''s'!A1
    return Formula(f'=HYPERLINK("#{_text(target)}","{_text(finding.address)}")')


def _text(value: str) -> str:
    """Text inside a formula's string literal: a double quote doubled."""
    return value.replace('"', '""')


# --- Refresh dashboard ---------------------------------------------------------------------------


def derived_columns(plan: Plan, result: Rollup) -> tuple[int, dict[str, list[list[Any]]], list[str]]:
    """The Plan's derived columns for every activity row: the first row, each column's letter -> its values from
    there down, and a note when the Plan lacks one of the columns. No other Plan column is ever written."""
    table = plan.plan_table
    by_row = {s.row: s for s in result.statuses}
    first = table.header_row + 1
    last = max(by_row, default=first - 1)
    missing = [contract.PLAN.column(k).header for k in DERIVED if table.letter(k) is None]
    if last < first:
        return first, {}, []
    columns: dict[str, list[list[Any]]] = {}
    for key in DERIVED:
        letter = table.letter(key)
        if letter is None:
            continue
        values = []
        for row in range(first, last + 1):
            s = by_row.get(row)
            value = None
            if s is not None:
                value = {"derived_rag": s.derived_rag, "derived_start": s.start, "derived_end": s.end,
                         "overdue_days": s.overdue_days if s.overdue else None}[key]
            values.append([value])
        columns[letter] = values
    if missing:
        return first, columns, [f"The Plan has no {', '.join(missing)} column: add it to see the derived values "
                                "beside each row."]
    return first, columns, []


def dashboard_status(now: dt.datetime, as_of: dt.date) -> str:
    """The Dashboard's status cell after a refresh."""
    return (f"Refreshed {format_day(now.date())} {now:%H:%M}; RAG as of {format_day(as_of)}. The counts below "
            "the charts are written by Refresh dashboard; the live counts above update as you edit.")


def refresh_message(result: Rollup) -> str:
    """The alert's first line after Refresh dashboard."""
    overall = result.overall
    return (f"Dashboard refreshed as of {format_day(result.as_of)}: overall {overall.summary} "
            f"({plural(overall.total, 'activity', 'activities')}); {len(result.overdue)} overdue, "
            f"{len(result.upcoming)} coming up in the next {result.upcoming_days} days.")


def dashboard_rows(plan: Plan, result: Rollup) -> list[list[Any]]:
    """The tables formulas cannot do: every group (owners split from 'CT/LW'), overdue, upcoming, evaluation."""
    from .evaluation import evaluate

    rows: list[list[Any]] = [
        [f"Where the plan stands on {format_day(result.as_of)} (worst-of with counts, never an average)"],
        ["Group", "Key", "Worst RAG", *contract.RAG_VALUES, "Total"],
    ]
    for r in result.csv_rows():
        rows.append([r["group"], cell(r["key"]), r["rag"] or None, *(r[v] for v in contract.RAG_VALUES), r["total"]])
    rows += [[], [f"Overdue ({len(result.overdue)})"], ["ID", "Activity", "Overdue days", "Window ended", "Why"]]
    rows += [[s.id, cell(s.activity), s.overdue_days, s.end, s.reason] for s in result.overdue] or [["none"]]
    rows += [[], [f"Coming up in the next {result.upcoming_days} days ({len(result.upcoming)})"],
             ["Date", "ID", "Activity", "Event"]]
    rows += [[u.date, u.status.id, cell(u.status.activity), u.event] for u in result.upcoming] or [["none"]]
    rows += [[], [f"Reported and derived RAG disagree ({len(result.disagreements)})"],
             ["ID", "Activity", "Reported", "Derived", "Why"]]
    rows += [[s.id, cell(s.activity), s.reported_rag, s.derived_rag, s.disagreement]
             for s in result.disagreements] or [["none"]]
    if result.previous_snapshot is not None:
        rows += [[], [f"Changes since the snapshot of {format_day(result.previous_snapshot)} ({len(result.changes)})"],
                 ["ID", "Activity", "Change", "Was", "Now"]]
        rows += [[c.id, cell(c.activity), c.change, c.previous_rag, c.derived_rag]
                 for c in result.changes] or [["none"]]
    rows.append([])
    try:
        text = evaluate(plan, as_of=result.as_of).to_text()
    except CseplanError as exc:
        text = f"Evaluation not computed: {exc}"
    rows += [[cell(line) or None] for line in text.rstrip("\n").split("\n")]
    return rows


def history_block(plan: Plan, result: Rollup) -> tuple[int, list[list[Any]], int]:
    """A dated snapshot of each activity's RAG for History: the row it starts at (a second refresh at the same
    as-of date replaces the first), its rows in the sheet's columns, and their width."""
    table = plan.table(contract.HISTORY)
    columns = dict(table.columns) if table else {c.key: column_letter(i) for i, c in
                                                 enumerate(contract.HISTORY.columns)}
    start = history.write_start(plan, result.as_of)
    index = {key: column_index(letter) for key, letter in columns.items()}
    width = max(index.values()) + 1
    block = []
    for values in history.snapshot_rows(result.as_of, result.statuses):
        row: list[Any] = [None] * width
        for key, value in values.items():
            if key in index:
                row[index[key]] = value
        block.append(row)
    return start, block, width
