"""RAG given as a colour: fills read from workbooks written by openpyxl, XlsxWriter and LibreOffice."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest

from cseplan_xl import contract
from cseplan_xl.excel import rag_fills_shown
from cseplan_xl.plan import load_plan
from cseplan_xl.rag_colour import rag_fills, rag_of_colour
from cseplan_xl.rollups import rollup
from cseplan_xl.rules import check_plan

HEADER = ["ID", "Activity", "When", "Who", "RAG Status"]
# (RAG text, fill): colour only, text only, both agreeing, both disagreeing, and shades and styles officers use.
ROWS = [
    (None, "FF0000"),  # 2: red, colour only
    ("Green", None),  # 3: text only
    ("Green", "00B050"),  # 4: agree
    ("Red", "92D050"),  # 5: disagree (light green)
    (None, "FFC000"),  # 6: amber (gold)
    (None, "C6EFCE"),  # 7: Excel's "Good" style: green
    (None, "FFC7CE"),  # 8: Excel's "Bad" style: red
    (None, "FFEB9C"),  # 9: Excel's "Neutral" style: amber
    (None, "0070C0"),  # 10: blue
    (None, "A6A6A6"),  # 11: grey
    (None, "FFF9E5"),  # 12: cream background: no RAG
    (None, None),  # 13: nothing
]
EXPECTED = {2: "Red", 4: "Green", 5: "Green", 6: "Amber", 7: "Green", 8: "Red", 9: "Amber", 10: "Blue", 11: "Grey"}


def _plan_rows() -> list[list[object]]:
    return [HEADER] + [[str(i), f"Activity {i}", "Nov 2017", "CT", text] for i, (text, _) in enumerate(ROWS, 2)]


def openpyxl_book(path: Path) -> Path:
    import openpyxl
    from openpyxl.styles import PatternFill

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Plan"
    for row in _plan_rows():
        sheet.append(row)
    sheet["A1"].fill = PatternFill("solid", fgColor="1F4E78")  # a coloured header is no RAG
    for excel_row, (_, fill) in enumerate(ROWS, 2):
        if fill:
            sheet.cell(excel_row, 5).fill = PatternFill("solid", fgColor=fill)
    book.save(path)
    return path


def xlsxwriter_book(path: Path) -> Path:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Plan")
    sheet.write_row(0, 0, HEADER, book.add_format({"bg_color": "#1F4E78"}))
    for r, row in enumerate(_plan_rows()[1:], 1):
        fill = ROWS[r - 1][1]
        for c, value in enumerate(row):
            fmt = book.add_format({"bg_color": f"#{fill}"}) if fill and c == 4 else None
            if value is None:
                sheet.write_blank(r, c, None, fmt)
            else:
                sheet.write(r, c, value, fmt)
    book.close()
    return path


@pytest.mark.parametrize("make", [openpyxl_book, xlsxwriter_book])
def test_fills_written_by_openpyxl_and_xlsxwriter(make, tmp_path):
    path = make(tmp_path / "plan.xlsx")
    assert {row: rag for row, (rag, _) in rag_fills(path, "Plan", "E", 2).items()} == EXPECTED
    _check_plan(path)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_fills_written_by_libreoffice(tmp_path):
    source = openpyxl_book(tmp_path / "plan.xlsx")
    out = tmp_path / "out"
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "xlsx",
                    "--outdir", str(out), str(source)], check=True, capture_output=True, timeout=180)
    saved = out / "plan.xlsx"
    assert b"LibreOffice" in _part(saved, "docProps/app.xml")
    assert {row: rag for row, (rag, _) in rag_fills(saved, "Plan", "E", 2).items()} == EXPECTED
    _check_plan(saved)


def _part(path: Path, name: str) -> bytes:
    import zipfile

    with zipfile.ZipFile(path) as zf:
        return zf.read(name)


def _check_plan(path: Path) -> None:
    """Colour only gives the RAG (info); disagreeing text and colour is a warning at the cell; the rollup counts
    the colour-only rows by their colour."""
    plan = load_plan(path)
    by_row = {a.row: a for a in plan.activities}
    assert (by_row[2].rag, by_row[2].rag_colour, by_row[2].rag_fill) == ("Red", "Red", "#FF0000")
    assert (by_row[3].rag, by_row[3].rag_colour) == ("Green", None)
    assert (by_row[5].rag, by_row[5].rag_colour) == ("Red", "Green")  # the text counts
    assert by_row[12].rag is None and by_row[13].rag is None
    findings = check_plan(plan, dt.date(2017, 10, 1), select=["rag"])
    mismatch = [f for f in findings if f.code == "rag-colour-mismatch"]
    assert [(f.address, f.severity) for f in mismatch] == [("Plan!E5", "warning")]
    assert mismatch[0].message == ("the cell says Red but is coloured green (#92D050): the text counts; "
                                   "make the two agree")
    from_colour = [f.address for f in findings if f.code == "rag-from-colour"]
    assert from_colour == [f"Plan!E{r}" for r in (2, 6, 7, 8, 9, 10, 11)]
    result = rollup(plan, dt.date(2017, 10, 1))
    counts = result.overall.counts
    assert (counts[contract.RED], counts[contract.AMBER], counts[contract.GREEN], counts[contract.BLUE]) == (3, 2, 3, 1)


@pytest.mark.parametrize("rgb, rag", [
    ("FF0000", "Red"), ("C00000", "Red"), ("#E6B8B7", "Red"), ("FFC7CE", "Red"),
    ("FFC000", "Amber"), ("FF9900", "Amber"), ("FFFF00", "Amber"), ("ED7D31", "Amber"), ("FFEB9C", "Amber"),
    ("00B050", "Green"), ("92D050", "Green"), ("C6EFCE", "Green"), ("70AD47", "Green"), ("008000", "Green"),
    ("0070C0", "Blue"), ("00B0F0", "Blue"), ("4472C4", "Blue"), ("BDD7EE", "Blue"), ("1F4E78", "Blue"),
    ("808080", "Grey"), ("BFBFBF", "Grey"), ("D9D9D9", "Grey"), ("A5A5A5", "Grey"),
    ("FFFFFF", None), ("F2F2F2", None), ("FFF9E5", None), ("000000", None), ("7030A0", None), ("xyz", None),
])
def test_colours_with_tolerance_for_usual_shades(rgb, rag):
    assert rag_of_colour(rgb) == rag


def test_theme_and_indexed_colours(tmp_path):
    """Theme colours with a tint, from the workbook's own theme (openpyxl writes Office 2007's: accent3 9BBB59
    green, accent6 F79646 orange), and the indexed palette (10 = red)."""
    import openpyxl
    from openpyxl.styles import Color, PatternFill

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Plan"
    for row in [HEADER, ["1", "A", "Nov 2017", "CT", None], ["2", "B", "Nov 2017", "CT", None],
                ["3", "C", "Nov 2017", "CT", None]]:
        sheet.append(row)
    sheet["E2"].fill = PatternFill("solid", fgColor=Color(theme=6, tint=0.3999755851924192))  # accent3, lighter
    sheet["E3"].fill = PatternFill("solid", fgColor=Color(indexed=10))
    sheet["E4"].fill = PatternFill("solid", fgColor=Color(theme=9, tint=-0.25))  # accent6, darker
    path = tmp_path / "theme.xlsx"
    book.save(path)
    assert {row: rag for row, (rag, _) in rag_fills(path, "Plan", "E", 2).items()} == {2: "Green", 3: "Red",
                                                                                        4: "Amber"}


def test_no_coloured_styles_reads_only_the_styles(tmp_path, monkeypatch):
    import zipfile

    path = tmp_path / "plain.xlsx"
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    book.add_worksheet("Plan").write_row(0, 0, HEADER)
    book.close()
    read: list[str] = []
    original = zipfile.ZipFile.read

    def spy(self, name, pwd=None):
        read.append(name if isinstance(name, str) else name.filename)
        return original(self, name, pwd)

    monkeypatch.setattr(zipfile.ZipFile, "read", spy)
    assert rag_fills(path, "Plan", "E", 2) == {}
    assert read == ["xl/styles.xml"]
    assert rag_fills(tmp_path / "missing.xlsx", "Plan", "E", 2) == {}


def test_rag_fills_are_read_as_excel_shows_them(tmp_path):
    """Desktop Excel gives each RAG cell's fill as (r, g, b): RAG colours count, others do not; an engine that
    cannot read fills (the remote engine raises) leaves the RAG to the text, never to an older saved file."""
    from cseplan_xl.read import workbook_from_grids

    grid = [["ID", "Activity", "When", "Who", "RAG"], ["1", "A", "Nov 2017", "CT", None],
            ["2", "B", "Nov 2017", "CT", "Green"], ["3", "C", "Nov 2017", "CT", None]]
    data = workbook_from_grids(tmp_path / "plan.xlsm", {"Plan": grid})
    colours = {"E2": (255, 0, 0), "E3": (146, 208, 80), "E4": (255, 255, 255)}

    class Cell:
        def __init__(self, address: str) -> None:
            self.color = colours.get(address)

    class Sheet:
        def range(self, address: str) -> Cell:
            return Cell(address)

    class Book:
        sheets = {"Plan": Sheet()}

    assert rag_fills_shown(Book(), data) == {2: ("Red", "#FF0000"), 3: ("Green", "#92D050")}

    class Remote:
        def range(self, address: str) -> Cell:
            raise NotImplementedError("Reading the fill color synchronously isn't supported on this engine")

    class RemoteBook:
        sheets = {"Plan": Remote()}

    assert rag_fills_shown(RemoteBook(), data) == {}
