"""Tests for a table sheet read from a grid: header row, columns, headings, repeated headers and error cells."""

from __future__ import annotations

import pytest

from cseplan_xl import contract
from cseplan_xl.errors import MissingColumnsError
from cseplan_xl.tables import CellError, read_table


def test_headings_repeated_headers_and_error_cells_from_a_grid():
    grid = [
        ["Communications plan", "", ""],
        ["PHASE ONE", "", ""],
        ["ID", "Activity", "When", "Who", "Colour"],
        ["6.1 Internal", "", ""],
        ["6.1-01", "Poster", "Nov 2017", "CT"],
        ["", "", "", ""],
        ["ID", "Activity", "When", "Who"],
        ["6.1-02", "Talk", "", "LW"],
        ["Lone activity"],
    ]
    notes: list = []
    table = read_table(iter(grid), "Plan", contract.PLAN, {(7, 2): "#REF!"}, notes)
    assert table.header_row == 3 and table.columns == {"id": "A", "activity": "B", "when": "C", "who": "D"}
    assert [(r.row, r.get("id"), r.section, r.phase) for r in table.rows] == [
        (5, "6.1-01", "6.1 Internal", "PHASE ONE"), (8, "6.1-02", "6.1 Internal", "PHASE ONE"),
        (9, "Lone activity", "6.1 Internal", "PHASE ONE")]
    assert table.rows[1].get("when") == CellError("#REF!") and table.errors == ((8, "when", "#REF!"),)
    assert [(n.code, n.column, n.value) for n in notes] == [("unknown-column", "E", "Colour")]


def test_no_header_row_is_a_missing_columns_error():
    with pytest.raises(MissingColumnsError, match="no header row found in the first 30 rows"):
        read_table(iter([["a", "b"]] * 40), "Plan", contract.PLAN, {}, [])
