"""Every .docx and .xlsm the project writes passes an OOXML schema validator (openxml-audit, Microsoft 365 rules)
with no finding: Word and Excel open them without offering a repair."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import write_workbook
from cseplan_xl.briefing import draft_newsletter
from cseplan_xl.build import workbook_bytes
from cseplan_xl.plan import load_plan

openxml_audit = pytest.importorskip("openxml_audit")
ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "workbook" / "examples" / "cseplan_demo.xlsm"


def _findings(path: Path) -> list[str]:
    validator = openxml_audit.OpenXmlValidator(file_format=openxml_audit.FileFormat.MICROSOFT_365)
    return [f"{e.part_uri}: {e.description}" if hasattr(e, "part_uri") else str(e)
            for e in validator.validate(path).errors]


@pytest.mark.parametrize("demo", [True, False], ids=["demo", "real"])
def test_built_workbooks_are_valid(tmp_path, demo):
    path = tmp_path / "built.xlsm"
    path.write_bytes(workbook_bytes(demo=demo))
    assert _findings(path) == []


@pytest.mark.skipif(not DEMO.exists(), reason="the demo workbook has not been built")
def test_demo_drafts_are_valid_with_and_without_the_officers_appendix(tmp_path):
    plan = load_plan(DEMO)
    for appendix in (False, True):
        result = draft_newsletter(plan, out=tmp_path / f"d{appendix}.docx", appendix=appendix)
        assert _findings(result.path) == []


def test_a_variant_draft_is_valid_and_its_rag_cells_keep_the_schema_order(tmp_path):
    control = [["Board name", "Test Board"], ["Plan start", "2017-09-01"], ["Plan end", "2019-08-31"],
               ["As-of date", "2018-03-31"], ["Reporting period", "2018Q1"]]
    plan_rows = [["ID", "Theme", "Activity", "When", "Who", "RAG"],
                 ["A1", "One", "Posters", "Feb 2018", "CT", "Amber"],
                 ["A2", "Two", "Film", "Jan 2018", "CT", "Red"]]
    book = write_workbook(tmp_path / "v.xlsx", {"Control": control, "Plan": plan_rows})
    result = draft_newsletter(load_plan(book), out=tmp_path / "v.docx")
    assert _findings(result.path) == []
    from docx import Document

    cells = [tc for t in Document(str(result.path)).tables for tc in t._tbl.iter(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tcPr")]
    for tc_pr in cells:
        names = [child.tag.rsplit("}", 1)[1] for child in tc_pr]
        if "shd" in names and "tcW" in names:
            assert names.index("tcW") < names.index("shd")


def test_an_upgraded_workbook_is_valid(tmp_path):
    import openpyxl

    from cseplan_xl.upgrade import upgrade_workbook

    old = tmp_path / "old.xlsm"
    old.write_bytes(workbook_bytes(demo=True))
    book = openpyxl.load_workbook(old, keep_vba=True)  # an officer's edits, saved by another program
    book["Plan"]["I4"] = "Green"
    book["Plan"].append(["P2-03", "Phase Two", "Phase Two", "Awareness and reporting", "A new activity", "May 2019",
                         "CT", "£250", "Amber"])
    book.save(old)
    result = upgrade_workbook(old, tmp_path / "new.xlsm")
    assert _findings(result.path) == []


def test_the_shipped_template_is_valid():
    from cseplan_xl.wordfile import DEFAULT_TEMPLATE

    assert _findings(DEFAULT_TEMPLATE) == []
