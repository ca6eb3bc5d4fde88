"""The zip check before calamine: bombs, damaged parts and stray far cells are one line; error cells are found."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import corpus
from cseplan_xl import container
from cseplan_xl.container import MAX_CELLS, check_package
from cseplan_xl.errors import UnreadableWorkbookError
from cseplan_xl.read import read_workbook


def _refusal(path: Path) -> str:
    with pytest.raises(UnreadableWorkbookError) as info:
        read_workbook(path)
    text = str(info.value)
    assert "\n" not in text and text.startswith(str(path))
    return text


def test_a_stray_cell_far_away_is_refused_naming_the_cell(tmp_path):
    path = corpus.plain_book(tmp_path / "p.xlsx", {"Plan": [(1048575, 16383, "x")]})
    assert _refusal(path) == (f"{path}: Plan: used range A1:XFD1048576 is 17 billion cells, more than the 34 million "
                              "read; delete the stray cell at XFD1048576")
    two = corpus.plain_book(tmp_path / "two.xlsx", {"Plan": [(0, 16383, "x"), (1048575, 0, "y")]})
    assert _refusal(two).endswith("used range A1:XFD1048576 is 17 billion cells, more than the 34 million read; "
                                  "delete the stray cell at XFD1")
    near = corpus.plain_book(tmp_path / "near.xlsx", {"Plan": [(4999, 16383, "x")]})
    assert "used range A1:XFD5000 is 82 million cells" in _refusal(near)


def test_wide_sheets_within_the_limit_and_formatted_blanks_are_read(tmp_path):
    import xlsxwriter

    path = tmp_path / "wide.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Plan")
    ws.write_row(0, 0, ["Activity", "When", "Who"])
    ws.write_row(1, 0, ["Poster", "Nov 2017", "CT"])
    ws.write(1999, 40, "a note in AO2000")  # 2,000 rows x 41 columns: small
    ws.write_blank(1048575, 16383, None, wb.add_format({"bold": True}))  # formatting only: calamine ignores it
    wb.close()
    package = check_package(path)
    extent = package.extent("Plan")
    assert (extent.columns, extent.rows, extent.far_cell) == (41, 2000, "AO2000")
    assert extent.cells < MAX_CELLS
    assert [r.row for r in read_workbook(path).tables["Plan"].rows] == [2, 2000]


def test_a_damaged_part_never_read_as_a_table_is_one_line(tmp_path):
    cases = corpus.cases(tmp_path)
    path, expect = cases["damaged-unread-sheet"]
    assert _refusal(path) == f"{path}: {expect}"
    path, expect = cases["bad-checksum"]
    assert expect in _refusal(path)


def test_zip_bombs_are_refused_from_the_directory_and_while_streaming(tmp_path):
    honest = corpus.make_bomb(tmp_path, "honest.xlsx", inflated=200 << 20)
    assert "sheet 'Plan' inflates from 204.0 kB to 201.0 MB or more (1,009 times; limits 100 times and 1.0 GB a " \
           "part): a zip bomb or a damaged file; it is not read" in _refusal(honest)
    lying = corpus.make_bomb(tmp_path, "lying.xlsx", inflated=200 << 20, lie=True)
    assert "the file is damaged (sheet 'Plan' is larger than the zip directory says)" in _refusal(lying)


def test_a_part_that_lies_only_about_its_ratio_is_caught_while_streaming(tmp_path, monkeypatch):
    # The directory says 4 kB; 3 MB come out at ~1,000 times: the limit applies to what is real.
    monkeypatch.setattr(container, "RATIO_FROM_BYTES", 1 << 20)
    monkeypatch.setattr(container, "_CHUNK", 4 << 20)
    lying = corpus.make_bomb(tmp_path, "lying.xlsx", inflated=3 << 20, lie=True)
    assert "inflates from" in _refusal(lying)


@pytest.mark.parametrize("lie", [False, True])
def test_peak_memory_on_a_1_mb_bomb_stays_small(tmp_path, lie):
    bomb = corpus.make_bomb(tmp_path, lie=lie)  # 1.1 MB inflating to 1.1 GB
    assert bomb.stat().st_size < 1_200_000
    rc, peak_kb, out, err = corpus.peak_run(["validate", str(bomb)])
    assert rc == 2 and peak_kb < 200 * 1024
    assert out.startswith(f"{bomb}: unreadable: ") and out.count("\n") == 1 and not err


def test_error_cells_are_found_while_streaming(book):
    path = book({"Plan": [["Activity", "When", "Who"], ["x", "=Broken", "CT"]]})
    assert check_package(path).extent("Plan").errors == {(1, 1): "#REF!"}


def test_fifos_are_refused_when_named_and_skipped_in_folders(tmp_path):
    from cseplan_xl.batch import discover

    pipe = tmp_path / "pipe.xlsx"
    os.mkfifo(pipe)
    assert _refusal(pipe) == f"{pipe}: is a named pipe (FIFO), not a workbook file"
    good = corpus.plain_book(tmp_path / "good.xlsx")
    assert discover([str(tmp_path)]) == [good]
    assert discover([str(tmp_path / "*.xlsx")]) == [good]


def test_xlsb_and_ods_are_not_read(tmp_path):
    path = tmp_path / "plan.xlsb"
    path.write_bytes(b"PK\x03\x04 not checked")
    assert "save it as .xlsx or .xlsm" in _refusal(path)


def test_cells_without_references_are_placed_as_calamine_places_them(tmp_path):
    path = corpus.plain_book(tmp_path / "p.xlsx")
    corpus.replace_part(path, "xl/worksheets/sheet1.xml", lambda xml: xml.replace(
        b"</sheetData>", b'<row><c t="inlineStr"><is><t>Leaflet</t></is></c><c><v>1</v></c><c s="1"/>'
                         b'<c r="E4"><v>2</v></c><c><v>3</v></c></row></sheetData>'))
    extent = check_package(path).extent("Plan")
    assert (extent.columns, extent.rows, extent.far_cell) == (26, 4, None)  # F4 is within A:Z
    assert [r.row for r in read_workbook(path).tables["Plan"].rows] == [2, 3, 4]
    far = tmp_path / "far.xlsx"
    far.write_bytes(corpus.cases(tmp_path / "c")["unplaced-cells"][0].read_bytes())
    assert "Plan: used range A1:ACOF1048576 is 21 billion cells" in _refusal(far)
