"""The reader on awkward layouts and on files that are not usable workbooks."""

from __future__ import annotations

import datetime as dt
import zipfile

import pytest

from cseplan_xl import contract
from cseplan_xl.errors import MissingColumnsError, MissingSheetError, UnreadableWorkbookError
from cseplan_xl.read import read_workbook
from cseplan_xl.tables import CellError

SOURCE_LAYOUT = [
    ["CSE Communications plan 2017-2019"],
    [None],
    ["6.1 Continue work to ensure all professionals are aware"],
    ["Training", "When", "Who", "Cost", "RAG Status"],
    ["Regular articles in NSCB newsletter", "Quarterly", "CT", "N/A", None],
    [None],
    ["6.2 External"],
    ["EXTERNAL", "When", "Who", "Cost", "RAG Status"],
    ["Stand at Northamptonshire Safeguarding Conference", "Sept 19 2017", "CT", "N/A", None],
    ["PHASE TWO – Late 2018/19"],
    ["CSE in sport week of action", "April 2019", "CT", "N/A", None],
]


def test_source_layout_header_sections_and_rows(book):
    data = read_workbook(book({"Plan": SOURCE_LAYOUT}))
    table = data.tables["Plan"]
    assert table.header_row == 4
    assert table.columns == {"activity": "A", "when": "B", "who": "C", "cost": "D", "rag": "E"}
    assert [r.row for r in table.rows] == [5, 9, 11]
    assert [r.section for r in table.rows] == [
        "6.1 Continue work to ensure all professionals are aware", "6.2 External", "6.2 External"]
    assert [r.phase for r in table.rows] == [None, None, "PHASE TWO – Late 2018/19"]
    assert table.rows[1].get("when") == "Sept 19 2017"
    assert table.rows[0].get("rag") is None


def test_aliases_case_and_punctuation(book):
    rows = [["Ref", "TIMESCALE", "Lead", "Budget", "rag status", "Activity description", "Comments"],
            ["A1", "Nov 2017", "CT", 250, "green", "Poster review", "done"]]
    table = read_workbook(book({"Comms plan": rows})).tables["Plan"]
    assert table.sheet == "Comms plan"
    assert table.columns == {"id": "A", "when": "B", "who": "C", "cost": "D", "rag": "E", "activity": "F",
                             "progress": "G"}
    assert table.rows[0].values["cost"] == 250  # whole floats come back as int


def test_unknown_header_is_an_info_note_with_its_cell(book):
    data = read_workbook(book({"Plan": [["Activity", "When", "Who", "Colour"], ["x", "TBC", "CT", "red"]]}))
    [note] = data.notes
    assert (note.code, note.address, note.value) == ("unknown-column", "Plan!D1", "Colour")


def test_error_cells_are_kept_as_errors(book):
    data = read_workbook(book({"Plan": [["Activity", "When", "Who"], ["x", "=Broken", "CT"]]}))
    value = data.tables["Plan"].rows[0].get("when")
    assert isinstance(value, CellError) and value == "#REF!"


def test_dates_and_settings(book):
    data = read_workbook(book({
        "Plan": [["Activity", "When", "Who", "Last updated"], ["x", "TBC", "CT", dt.date(2018, 2, 1)]],
        "Control": [["Plan start", dt.date(2017, 9, 1)], [None], ["As of", dt.date(2018, 3, 31)],
                    ["Board name", "NSCP"]],
    }))
    assert data.tables["Plan"].rows[0].get("last_updated") == dt.date(2018, 2, 1)
    assert data.settings == {"plan_start": dt.date(2017, 9, 1), "as_of": dt.date(2018, 3, 31),
                             "board_name": "NSCP"}
    assert data.settings_rows == {"plan_start": 1, "as_of": 3, "board_name": 4}
    assert data.has(contract.CONTROL) and not data.has(contract.LISTS)


def test_lists_sheet(book):
    data = read_workbook(book({"Plan": [["Activity", "When", "Who"]],
                               "Lists": [["Sections", "Themes"], ["6.1", "Awareness"], [None, "LGBT"]]}))
    assert data.lists == {"sections": ["6.1"], "themes": ["Awareness", "LGBT"]}


def test_repeated_header_rows_are_skipped(book):
    rows = [["Activity", "When", "Who"], ["a", "TBC", "CT"], ["Activity", "When", "Who"], ["b", "TBC", "CT"]]
    table = read_workbook(book({"Plan": rows})).tables["Plan"]
    assert [r.get("activity") for r in table.rows] == ["a", "b"]


def test_lone_first_cell_is_a_row_when_the_section_column_exists(book):
    rows = [["Section", "Activity", "When", "Who"], ["6.1", None, None, None], [None, "a", "TBC", "CT"]]
    table = read_workbook(book({"Plan": rows})).tables["Plan"]
    assert [r.row for r in table.rows] == [2, 3]


def test_optional_sheet_without_required_columns_is_a_warning(book):
    data = read_workbook(book({"Plan": [["Activity", "When", "Who"]], "Referrals": [["Foo", "Bar"], [1, 2]]}))
    assert "Referrals" not in data.tables
    [note] = data.notes
    assert note.code == "sheet-unreadable" and note.sheet == "Referrals"


@pytest.mark.parametrize("rows, message", [
    ([["Activity", "Who"], ["x", "CT"]], r"lacks the required column\(s\) When"),
    ([["just a title"]], "no header row found"),
    ([], "no header row found"),
])
def test_plan_without_required_columns(book, rows, message):
    with pytest.raises(MissingColumnsError, match=message):
        read_workbook(book({"Plan": rows}))


def test_missing_plan_sheet(book):
    with pytest.raises(MissingSheetError, match=r"no Plan sheet \(sheets found: Notes\)"):
        read_workbook(book({"Notes": [["x"]]}))


@pytest.mark.parametrize("name, content, message", [
    ("plan.xlsx", b"", "the file is empty"),
    ("plan.xlsx", b"Activity,When,Who\nx,TBC,CT\n", "a text or CSV file despite its .xlsx name"),
    ("plan.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "old-format .xls file renamed"),
    ("plan.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptionInfo".encode("utf-16-le"), "password-protected"),
    ("plan.csv", b"a,b\n", "not a workbook"),
    ("plan.xlsx", b"\x00\x01\x02\xff\xfe", "not a workbook despite"),
])
def test_unusable_files(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(UnreadableWorkbookError, match=message) as info:
        read_workbook(path)
    assert str(info.value).startswith(str(path))
    assert "\n" not in str(info.value)


def test_truncated_workbook(book):
    path = book({"Plan": [["Activity", "When", "Who"], ["x", "TBC", "CT"]]})
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(UnreadableWorkbookError, match="truncated or corrupt"):
        read_workbook(path)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(UnreadableWorkbookError, match="no such file"):
        read_workbook(tmp_path / "nope.xlsx")
    with pytest.raises(UnreadableWorkbookError, match="is a folder"):
        read_workbook(tmp_path)


def test_zip_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "plan.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("hello.txt", "hi")
    with pytest.raises(UnreadableWorkbookError, match="cannot be read as a workbook"):
        read_workbook(path)


def test_reading_never_changes_the_file(book):
    path = book({"Plan": SOURCE_LAYOUT})
    before = path.read_bytes()
    read_workbook(path)
    assert path.read_bytes() == before


def test_a_lone_activity_below_the_header_stays_a_row(book):
    rows = [["Activity", "When", "Who"], ["6.1 Internal"], ["New assembly talks in schools"], ["a", "TBC", "CT"]]
    table = read_workbook(book({"Plan": rows})).tables["Plan"]
    assert [(r.row, r.get("activity"), r.section) for r in table.rows] == [
        (3, "New assembly talks in schools", "6.1 Internal"), (4, "a", "6.1 Internal")]


def test_a_table_away_from_a1_keeps_its_column_letters_and_error_cells(tmp_path):
    import xlsxwriter

    path = tmp_path / "offset.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Plan")
    ws.write_row("C3", ["Activity", "When", "Who"])
    ws.write_row("C5", ["Poster", "Nov 2017", "CT"])
    ws.write("C6", "Leaflet")
    ws.write_formula("D6", "=1/0", None, "#DIV/0!")
    ws.write("E6", "LW")
    wb.close()
    table = read_workbook(path).tables["Plan"]
    assert (table.header_row, table.columns) == (3, {"activity": "C", "when": "D", "who": "E"})
    assert [(r.row, r.get("activity"), r.get("when")) for r in table.rows] == [(5, "Poster", "Nov 2017"),
                                                                               (6, "Leaflet", "#DIV/0!")]
    assert isinstance(table.rows[1].get("when"), CellError)
    assert table.errors == ((6, "when", "#DIV/0!"),)


def test_repeated_cell_text_is_one_object_and_unique_text_is_kept(book):
    rows = [["Activity", "When", "Who"]] + [[f"Poster {i}", "Nov" + " 2017", "C" + "T"] for i in range(3)]
    table = read_workbook(book({"Plan": rows})).tables["Plan"]
    whens = [r.get("when") for r in table.rows]
    assert whens == ["Nov 2017"] * 3 and all(w is whens[0] for w in whens)
    assert [r.get("activity") for r in table.rows] == ["Poster 0", "Poster 1", "Poster 2"]


def test_excel_lock_file_named_directly(tmp_path):
    path = tmp_path / "~$plan.xlsm"
    path.write_bytes(b"\x0bofficer   " + b"\0" * 150)
    with pytest.raises(UnreadableWorkbookError, match="Excel's lock file for an open workbook"):
        read_workbook(path)


@pytest.mark.parametrize("hidden, words", [("hidden", "is hidden (right-click a sheet tab > Unhide"),
                                           ("very", "is very hidden (only a macro or the VBA editor")])
def test_a_hidden_plan_sheet_is_read_and_said(tmp_path, hidden, words):
    import corpus

    data = read_workbook(corpus.plain_book(tmp_path / "p.xlsx", hidden=hidden))
    [note] = [n for n in data.notes if n.code == "sheet-hidden"]
    assert note.severity == "info" and note.sheet == "Plan" and words in note.message
    assert [r.get("activity") for r in data.tables["Plan"].rows] == ["Poster campaign", "Schools assembly"]
    assert not [n for n in read_workbook(corpus.plain_book(tmp_path / "v.xlsx")).notes if n.code == "sheet-hidden"]


def test_a_second_column_with_a_known_header_is_a_duplicate_not_unknown(book):
    data = read_workbook(book({"Plan": [[None], ["ID", "Activity", "When", "Who", "Cost", "activity "],
                                        ["A1", "Poster", "Nov 2017", "CT", "N/A", "Leaflet"]]}))
    [note] = data.notes
    assert (note.code, note.severity, note.address) == ("duplicate-column", "warning", "Plan!F2")
    assert note.message == "a second 'activity' column at F2 is ignored; B2 is read: delete or rename one of them"
    assert data.tables["Plan"].rows[0].get("activity") == "Poster"
