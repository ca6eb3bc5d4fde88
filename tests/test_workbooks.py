"""The shipped workbooks through the validator: the real plan is clean of errors; the demo's mistakes are found."""

from __future__ import annotations

from pathlib import Path

from cseplan_xl.batch import validate_file

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / "workbook" / "cseplan.xlsm"
DEMO = ROOT / "workbook" / "examples" / "cseplan_demo.xlsm"


def test_real_workbook_has_no_errors_only_the_expected_warnings():
    before = REAL.read_bytes()
    report = validate_file(REAL)
    assert report.error is None and report.valid
    warnings = {f.code for f in report.findings if f.severity == "warning"}
    # The source plan leaves owners and costs TBC and every RAG blank, and its contact mailbox is a placeholder
    # (example.org): warnings, rightly.
    assert warnings <= {"who-missing", "cost-tbc-started", "rag-blank-started", "setting-placeholder"}
    assert "who-missing" in warnings and "cost-tbc-started" in warnings
    assert REAL.read_bytes() == before


def test_demo_planted_mistakes_are_found_at_their_cells():
    report = validate_file(DEMO)
    found = {(f.address, f.code) for f in report.findings}
    expected = {
        ("Plan!I10", "rag-invalid"),
        ("Plan!H7", "cost-invalid"),
        ("Plan!G23", "owner-unknown"),
        ("Plan!M20", "rebaseline-reason-missing"),
        ("Plan!F22", "when-not-understood"),
        ("Plan!I17", "rag-stale"),
        ("Referrals!D10", "subgroup-exceeds-total"),
        ("Media!G11", "code-out-of-range"),
        ("Anecdotes!G8", "anecdote-not-publishable"),
        ("Anecdotes!D7", "privacy-phone"),  # the planted unsafe anecdote (not for publication, still personal data)
        ("Anecdotes!D7", "privacy-name-age"),
        ("Anecdotes!D7", "privacy-name-school"),
    }
    assert expected <= found
    assert {f.address for f in report.findings if f.severity == "error"} == {
        a for a, code in expected if code != "rag-stale"}
