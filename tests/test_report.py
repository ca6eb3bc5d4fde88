"""The report's views: verdict lines, colour only when asked, exit codes, CSV rows."""

from __future__ import annotations

import datetime as dt

from cseplan_xl.findings import Finding
from cseplan_xl.report import CSV_COLUMNS, FileReport, Report

ERR = Finding("rag-invalid", "error", "RAG 'Gren' is not one of ...", sheet="Plan", row=10, column="I", field="rag",
              activity_id="6.1-08", value="Gren")
WARN = Finding("who-missing", "warning", "no owner yet", sheet="Plan", row=12, column="G", field="who")
INFO = Finding("sheet-missing", "info", "no Media sheet in this workbook", sheet="Media")


def test_verdicts_counts_and_summary():
    good = FileReport("a.xlsx", [WARN, INFO], as_of=dt.date(2018, 3, 31))
    bad = FileReport("b.xlsx", [ERR])
    broken = FileReport("c.xlsx", error="c.xlsx: the file is empty (0 bytes)")
    report = Report([good, bad, broken])
    assert good.verdict() == "a.xlsx: valid, 0 errors, 1 warning, 1 info (as of 2018-03-31)"
    assert bad.verdict() == "b.xlsx: INVALID, 1 error, 0 warnings, 0 info"
    assert broken.verdict() == "c.xlsx: unreadable: the file is empty (0 bytes)"
    assert report.summary == {"files": 3, "valid": 1, "invalid": 1, "unreadable": 1}


def test_exit_codes():
    assert Report([FileReport("a", [WARN, INFO])]).exit_code() == 0
    assert Report([FileReport("a", [WARN, INFO])]).exit_code(strict=True) == 1
    assert Report([FileReport("a", [INFO])]).exit_code(strict=True) == 0
    assert Report([FileReport("a", [ERR])]).exit_code() == 1
    assert Report([FileReport("a", [ERR]), FileReport("b", error="b: no such file")]).exit_code() == 2


def test_text_groups_by_sheet_and_colours_only_when_asked():
    report = Report([FileReport("a.xlsx", [ERR, WARN, INFO])])
    plain = report.to_text()
    assert plain.splitlines() == [
        "a.xlsx: INVALID, 1 error, 1 warning, 1 info",
        "  Plan",
        "    Plan!I10       error   rag-invalid: RAG 'Gren' is not one of ...",
        "    Plan!G12       warning who-missing: no owner yet",
        "  Media",
        "    Media          info    sheet-missing: no Media sheet in this workbook",
    ]
    assert "\033[" not in plain
    coloured = report.to_text(colour=True)
    assert "\033[31merror  \033[0m" in coloured and "\033[33mwarning\033[0m" in coloured


def test_csv_rows_carry_every_column():
    rows = Report([FileReport("a.xlsx", [ERR]), FileReport("b.xlsx", error="b.xlsx: no such file")]).csv_rows()
    assert set(rows[0]) == set(CSV_COLUMNS)
    assert (rows[0]["cell"], rows[0]["value"], rows[0]["activity_id"]) == ("I10", "Gren", "6.1-08")
    assert (rows[1]["path"], rows[1]["code"], rows[1]["message"]) == ("b.xlsx", "unreadable", "b.xlsx: no such file")


def test_progress_goes_to_stderr_for_large_batches_on_a_terminal(book, monkeypatch, capsys):
    import sys

    from cseplan_xl.cli import main

    paths = [str(book({"Plan": [["Activity", "When", "Who"], ["x", "TBC", "CT"]]}, f"p{i}.xlsx")) for i in range(20)]
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert main(["validate", *paths, "--jobs", "1"]) == 0
    err = capsys.readouterr().err
    assert "\rchecked 1/20" in err and err.endswith("\rchecked 20/20\n")


def test_when_counts_line_and_json():
    report = FileReport("a.xlsx", [WARN], when={"understood": 30, "inferred": 5, "ambiguous": 1,
                                                "not understood": 2})
    assert report.verdict() == ("a.xlsx: valid, 0 errors, 1 warning, 0 info\n"
                                "  When: 35 of 38 read (30 understood, 5 inferred from the plan's context), "
                                "1 ambiguous, 2 not understood")
    assert report.to_dict()["when"] == {"understood": 30, "inferred": 5, "ambiguous": 1, "not_understood": 2}
    assert FileReport("b.xlsx").to_dict()["when"] is None
