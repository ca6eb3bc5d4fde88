"""Tests for what the Excel buttons write back, worked out without Excel (no xlwings, no workbook open)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from cseplan_xl import contract, writeback
from cseplan_xl.findings import Finding
from cseplan_xl.plan import load_plan
from cseplan_xl.rollups import rollup

AS_OF = dt.date(2018, 3, 31)


def test_links_quote_sheet_names_as_excel_does():
    def finding(sheet: str) -> Finding:
        return Finding("rag-invalid", "error", "m", sheet=sheet, row=3, column="B")

    assert writeback.link(finding("Social media")) == """=HYPERLINK("#'Social media'!B3","'Social media'!B3")"""
    assert writeback.link(finding("It's")) == """=HYPERLINK("#'It''s'!B3","'It''s'!B3")"""
    assert writeback.link(finding('Say "hi"')) == """=HYPERLINK("#'Say ""hi""'!B3","'Say ""hi""'!B3")"""
    assert writeback.link(Finding("no-plan", "error", "m", sheet="Plan")) == "Plan"


def test_only_a_built_formula_is_written_as_one():
    assert writeback.cell("=1+1") == "'=1+1"
    assert writeback.cell(writeback.Formula("=1+1")) == "=1+1"
    assert writeback.cell(dt.date(2018, 3, 31)) == dt.date(2018, 3, 31)
    assert writeback.cell(Path("a")) == "a"
    assert writeback.pad(["x"], 3) == ["x", None, None]


def test_validation_rows_and_message():
    findings = [Finding("rag-invalid", "error", "RAG must be one of ...", sheet="Plan", row=10, column="I",
                        activity_id="6.1-08", value="=Gren"),
                Finding("cost-invalid", "warning", "a cost", sheet="Plan", row=7, column="H")]
    assert writeback.validation_rows(findings)[0] == [
        "error", '=HYPERLINK("#Plan!I10","Plan!I10")', "rag-invalid", "6.1-08", "'=Gren", "RAG must be one of ..."]
    message, errors, warnings = writeback.validation_message(findings, AS_OF)
    assert (errors, warnings) == (1, 1)
    assert message == ("1 error, 1 warning (as of 31 Mar 2018). Fix the errors: the list is on the Validation sheet "
                       "(click a cell address to go there); the cells are marked on the Plan.\n\n"
                       "Plan!I10: RAG must be one of ...")
    assert writeback.validation_message([], AS_OF) == ("No problems found (as of 31 Mar 2018).", 0, 0)


def test_derived_columns_cover_every_activity_row(demo_path):
    plan = load_plan(demo_path)
    result = rollup(plan)
    first, columns, notes = writeback.derived_columns(plan, result)
    table = plan.plan_table
    assert first == table.header_row + 1 and notes == []
    assert set(columns) == {table.letter(k) for k in writeback.DERIVED}
    last = max(s.row for s in result.statuses)
    assert all(len(values) == last - first + 1 for values in columns.values())
    status = result.statuses[0]
    assert columns[table.letter("derived_rag")][status.row - first] == [status.derived_rag]


def test_history_block_is_one_row_per_activity_in_the_sheets_columns(demo_path):
    plan = load_plan(demo_path)
    result = rollup(plan)
    start, block, width = writeback.history_block(plan, result)
    assert len(block) == len(result.statuses) and all(len(row) == width for row in block)
    assert start > plan.table(contract.HISTORY).header_row
