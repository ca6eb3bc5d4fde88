"""Tests for the workbook builder: sheets, headers, source rows, Table, dropdowns, buttons, VBA, reproducibility."""

from __future__ import annotations

import datetime as dt
import html
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest
from python_calamine import CalamineWorkbook

from cseplan_xl import build, control_sheet, dashboard, excel, workbook_style
from cseplan_xl import contract as c
from cseplan_xl.cli import main
from cseplan_xl.errors import OutputExistsError

REPO = Path(__file__).resolve().parents[1]
REAL = REPO / "workbook" / "cseplan.xlsm"
DEMO = REPO / "workbook" / "examples" / "cseplan_demo.xlsm"
NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}

# The source plan's rows as written: ID, When, Who, Cost (RAG is blank in every row of the source).
SOURCE = [
    ("6.1-01", "January 2018 – TBC", "CT", "TBC"),
    ("6.1-02", "Quarterly", "CT", "N/A"),
    ("6.1-03", "Ongoing", "CT", "N/A"),
    ("6.1-04", "Ongoing", "CT", "TBC"),
    ("6.1-05", "Autumn 2018", "CT", "TBC"),
    ("6.1-06", "Early 2018", "LW/CT", "TBC"),
    ("6.1-07", "Two per year", "CT", "N/A"),
    ("6.1-08", "Ongoing", "CT", "N/A"),
    ("6.1-09", "Late 2018/ early 2019", "CT", "TBC"),
    ("6.2-01", "Sept 19 2017", "CT", "N/A"),
    ("6.2-02", "Autumn 2017", "CT", "TBC"),
    ("6.2-03", "Autumn 2017", "DJ/CT/Comms team", "N/A"),
    ("6.2-04", "Nov 2017", "CT/RISE/POLIT", "N/A"),
    ("6.2-05", "Tender process starts October 2017", "MT/CT", "TBC"),
    ("6.2-06", "Feb 2018", "MT/CT", "TBC"),
    ("6.2-07", "TBC", "TBC", "N/A"),
    ("6.2-08", "2018 TBC", "CT/ALL", "N/A"),
    ("6.2-09", "Autumn 2017/ Early 2018", "CT/MF/LH", "N/A"),
    ("6.2-10", "Ongoing", "CT/Comms team", "N/A"),
    ("6.2-11", "TBC", "CT", "N/A"),
    ("6.2-12", "TBC", "CT", "N/A"),
    ("6.2-13", "March 18 2018/19", "ALL", "N/A"),
    ("P2-01", "April 2019", "CT", "N/A"),
    ("P2-02", "TBC", "LW/CT", "TBC"),
]
SHEETS = [s.name for s in c.ALL_SHEETS] + ["_xlwings.conf"]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    """Fresh builds of the real and the demo workbook, written to a temporary folder."""
    folder = tmp_path_factory.mktemp("built")
    paths = {"real": folder / "cseplan.xlsm", "demo": folder / "cseplan_demo.xlsm"}
    for kind, path in paths.items():
        path.write_bytes(build.workbook_bytes(demo=kind == "demo"))
    return paths


def _rows(path: Path, sheet: str) -> list[list[object]]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()


def _cell(rows: list[list[object]], address: str) -> object:
    letters, number = re.fullmatch(r"([A-Z]+)(\d+)", address).groups()
    col = sum((ord(ch) - 64) * 26**i for i, ch in enumerate(reversed(letters))) - 1
    row = rows[int(number) - 1] if int(number) <= len(rows) else []
    value = row[col] if col < len(row) else ""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _member(path: Path, name: str) -> str:
    with zipfile.ZipFile(path) as zf:
        return zf.read(name).decode("utf-8")


# --- sheets, headers and rows --------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["real", "demo"])
def test_every_sheet_is_present_in_order(built, kind):
    assert CalamineWorkbook.from_path(str(built[kind])).sheet_names == SHEETS


@pytest.mark.parametrize("kind", ["real", "demo"])
@pytest.mark.parametrize("spec", [c.PLAN, c.OWNERS, c.LISTS, *c.EVALUATION_SHEETS, c.VALIDATION, c.HISTORY],
                         ids=lambda s: s.name)
def test_headers_on_row_2_equal_the_contract(built, kind, spec):
    rows = _rows(built[kind], spec.name)
    assert rows[1][: len(spec.columns)] == [col.header for col in spec.columns]


def test_plan_holds_every_source_row_as_written_with_rag_blank(built):
    rows = _rows(built["real"], "Plan")[2:]
    header = [col.key for col in c.PLAN.columns]
    got = [(r[header.index("id")], r[header.index("when")], r[header.index("who")], r[header.index("cost")])
           for r in rows]
    assert got == SOURCE
    assert all(r[header.index("rag")] == "" for r in rows)
    assert [r[header.index("section")] for r in rows] == (
        [c.DEFAULT_SECTIONS[0]] * 9 + [c.DEFAULT_SECTIONS[1]] * 13 + [c.DEFAULT_SECTIONS[2]] * 2)
    assert [r[header.index("phase")] for r in rows] == [c.DEFAULT_PHASES[0]] * 22 + [c.DEFAULT_PHASES[1]] * 2
    assert {r[header.index("theme")] for r in rows} == set(c.DEFAULT_THEMES)


def test_plan_activity_text_is_joined_and_names_only_roles(built):
    rows = _rows(built["real"], "Plan")
    assert _cell(rows, "E3") == (
        "Lecture Theatre, HQ. Presentations: Senior investigating officers – tackling CSE; A survivor – victim’s "
        "perspective; A former social worker; Speaker TBC – Guidance around social media and other software "
        "applications that make young people vulnerable to CSE.")
    assert _cell(rows, "E17") == "National and local launch of Breck’s Last Game"
    activities = " ".join(str(r[4]) for r in rows[2:])
    assert "  " not in activities and "\n" not in activities
    assert not re.search(r"\b(DI|DCI|DS)\s", activities)


def test_plan_data_matches_the_packaged_source_rows(built):
    rows = _rows(built["real"], "Plan")[2:]
    source = build.plan_rows()
    assert [r[:9] for r in rows] == [[s[h] for h in ("ID", "Section", "Phase", "Theme", "Activity", "When", "Who",
                                                      "Cost", "RAG")] for s in source]


def test_control_labels_and_values(built):
    rows = _rows(built["real"], "Control")
    labels = {r[0]: (i + 1, r[1]) for i, r in enumerate(rows) if r[0]}
    expected_rows = {"Title": 4, "Board name": 5, "Board short name": 6, "Newsletter title": 7, "Plan start": 8,
                     "Plan end": 9, "As-of date": 10, "Reporting period": 11, "Output folder": 12,
                     "Contact mailbox": 13, "Local referral route": 14, "Action": 17, "Last run": 20,
                     "Last action": 21, "Last result": 22, "Errors": 23, "Warnings": 24,
                     "Run took (seconds)": 25}
    assert {col.header: labels[col.header][0] for col in c.CONTROL.columns} == expected_rows
    assert (expected_rows["Action"], expected_rows["Last run"]) == (c.CONTROL_ACTION_ROW, c.CONTROL_STATUS_ROW)
    assert labels["Board name"][1] == "Northamptonshire Safeguarding Children Board"
    assert labels["Board short name"][1] == "NSCB"
    assert labels["Plan start"][1] == dt.date(2017, 9, 1)
    assert labels["Plan end"][1] == dt.date(2019, 8, 31)
    assert labels["As-of date"][1] == ""
    assert labels["Contact mailbox"][1] == "cse.communications@example.org"
    assert labels["Action"][1] == "Validate plan"
    assert [labels[h][1] for h in ("Last run", "Last action", "Last result", "Errors", "Warnings")] == [""] * 5
    demo = {r[0]: r[1] for r in _rows(built["demo"], "Control") if r[0]}
    assert demo["As-of date"] == dt.date(2018, 3, 31)
    assert demo["Reporting period"] == "2018Q1"


def test_owners_and_lists(built):
    owners = _rows(built["real"], "Owners")[2:]
    assert [r[0] for r in owners] == ["CT", "LW", "MT", "DJ", "MF", "LH", "ALL", "Comms team", "RISE", "POLIT"]
    assert [r[1] for r in owners[:6]] == [""] * 6
    assert owners[7][1] == "Communications team"
    lists = _rows(built["real"], "Lists")
    column = {h: [r[i] for r in lists[2:] if i < len(r) and r[i] != ""] for i, h in enumerate(lists[1])}
    assert column["Sections"] == list(c.DEFAULT_SECTIONS)
    assert column["RAG values"] == list(c.RAG_VALUES)
    assert column["Cost keywords"] == ["N/A", "TBC"]
    assert column["Actions"] == ["Validate plan", "Refresh dashboard", "Draft newsletter"] == list(c.ACTIONS)
    assert column["Campaigns"][0] == dashboard.GENERAL_CAMPAIGN
    assert len(column["Key messages"]) == 5 and len(column["Objectives"]) == 4
    assert column["Key messages"][1] == "We will not tolerate those who seek to harm our children."


def test_xlwings_conf_sheet_ships_switched_off(built):
    rows = _rows(built["real"], "_xlwings.conf")
    keys = [r[0] for r in rows]
    assert keys == ["Interpreter_Win", "Interpreter_Mac", "PYTHONPATH", "Conda Path", "Conda Env", "Show Console"]
    assert rows[0][1] == "" and rows[5][1] is False
    assert "rename this sheet to xlwings.conf" in " ".join(str(r[3]) for r in rows)


def test_evaluation_sheets_are_empty_in_the_real_workbook(built):
    for spec in c.EVALUATION_SHEETS:
        assert len(_rows(built["real"], spec.name)) == 2, spec.name


# --- the demo ------------------------------------------------------------------------------------


def test_demo_banner_on_every_sheet_and_nowhere_in_the_real_workbook(built):
    for sheet in SHEETS:
        demo = _rows(built["demo"], sheet)
        real = _rows(built["real"], sheet)
        top = [str(v) for r in demo[:2] for v in r]
        assert any(v.startswith(workbook_style.DEMO_BANNER) for v in top), sheet
        assert not any("ILLUSTRATIVE" in str(v) for r in real for v in r), sheet


def test_demo_mistakes_are_where_the_list_says(built):
    mistakes = build.demo_mistakes()
    assert len(mistakes) == 10
    for m in mistakes:
        value = _cell(_rows(built["demo"], m["Sheet"]), m["Cell"])
        assert str(value) == m["Value"], m


def test_demo_progress_and_evaluation_data(built):
    plan = _rows(built["demo"], "Plan")
    assert (_cell(plan, "A12"), _cell(plan, "I12")) == ("6.2-01", "Blue")  # the conference stand, done
    assert (_cell(plan, "A17"), _cell(plan, "F17"), _cell(plan, "I17")) == ("6.2-06", "Feb 2018", "Amber")
    assert "slipped" in _cell(plan, "J17")
    assert (_cell(plan, "F14"), _cell(plan, "L14")) == ("Spring 2018", "Autumn 2017")
    assert _cell(plan, "M14") != ""
    referrals = _rows(built["demo"], "Referrals")[2:]
    assert len(referrals) == 36 and referrals[0][0] == dt.date(2016, 1, 1) and referrals[-1][0] == dt.date(2018, 12, 1)
    teen = {r[0]: r[3] for r in referrals}
    assert sum(teen[dt.date(2017, m, 1)] for m in (1, 2, 3)) == 6
    assert sum(teen[dt.date(2018, m, 1)] for m in (1, 2, 3)) == 11
    social = _rows(built["demo"], "Social")[2:]
    assert len(social) == 20 and {r[1] for r in social} == {"Facebook", "X (Twitter)", "Instagram"}
    assert all(r[13] for r in social)
    assert len(_rows(built["demo"], "Media")[2:]) == 12
    anecdotes = _rows(built["demo"], "Anecdotes")[2:]
    assert [r[4] for r in anecdotes] == ["Yes", "Yes", "Yes", "No", "No", "No"]
    for text, consent in ((r[3], r[4]) for r in anecdotes):
        if consent == "Yes":
            assert not re.search(r"\d{4} ?\d{6}", text)


# --- inside the file -----------------------------------------------------------------------------


def test_plan_is_an_excel_table_naming_the_plan_columns(built):
    table = ElementTree.fromstring(_member(built["real"], "xl/tables/table1.xml"))
    assert table.get("name") == "PlanTable" and table.get("ref") == "A2:U26"
    assert [col.get("name") for col in table.iterfind("m:tableColumns/m:tableColumn", NS)] == [
        col.header for col in c.PLAN.columns]


def test_plan_dropdowns_and_colours_reference_the_lists(built):
    sheet = _member(built["real"], "xl/worksheets/sheet2.xml")
    validations = dict(re.findall(r'sqref="([A-Z]+)3:[A-Z]+1000"><formula1>([^<]+)</formula1>', sheet))
    assert validations == {"B": "List_sections", "C": "List_phases", "D": "List_themes", "I": "List_rag_values",
                           "H": "List_cost_keywords"}
    names = dict(re.findall(r'<definedName name="([^"]+)">([^<]+)</definedName>',
                            _member(built["real"], "xl/workbook.xml")))
    assert names["List_sections"] == "Lists!$A$3:$A$5"
    assert names["List_rag_values"] == "Lists!$D$3:$D$7"
    assert names["List_actions"] == "Lists!$M$3:$M$5"
    colours = re.findall(r'<conditionalFormatting sqref="([A-Z]+)3:[A-Z]+1000">', sheet)
    assert colours == ["A", "A", "I", "R"]  # A3:U1000 and A3:A1000: the Validation marks; I and R: RAG colours
    assert sheet.count('operator="equal"') == 10


def _formulas(path: Path, member: str) -> dict[str, str]:
    sheet = _member(path, member)
    return {cell: html.unescape(f) for cell, f in re.findall(r'<c r="([A-Z]+\d+)"[^>]*><f>([^<]+)</f>', sheet)}


def test_dashboard_live_table_has_a_row_per_lists_theme(built):
    rows = _rows(built["real"], "Dashboard")
    head = c.DASHBOARD_LIVE_ROW + 1
    assert [_cell(rows, f"{col}{head}") for col in "ABCDEFGHJ"] == [
        "Theme", "Derived (worst)", "Red", "Amber", "Green", "Blue", "Grey", "Total", "Reported (worst)"]
    assert [_cell(rows, f"A{head + 1 + i}") for i in range(12)] == [
        *c.DEFAULT_THEMES, "", "", "", "", "Other or no theme (not in the Lists)", "All activities"]
    f = _formulas(built["real"], "xl/worksheets/sheet9.xml")
    assert [f[f"A{r}"] for r in (7, 12, 16)] == [
        'IF(Lists!$C$3="","",Lists!$C$3)', 'IF(Lists!$C$8="","",Lists!$C$8)', 'IF(Lists!$C$12="","",Lists!$C$12)']
    assert "A17" not in f and "A18" not in f
    assert f["C7"] == 'IF($A7="","",COUNTIFS(Plan!$D$3:$D$1000,$A7,Plan!$R$3:$R$1000,C$6))'
    assert f["K16"] == 'IF($A16="","",COUNTIFS(Plan!$D$3:$D$1000,$A16,Plan!$I$3:$I$1000,K$6))'
    assert f["Q7"] == 'IF($A7="","",COUNTIFS(Plan!$D$3:$D$1000,$A7,Plan!$E$3:$E$1000,"<>"))'
    assert f["B7"] == ('IF(N(C7)>0,"Red",IF(N(D7)>0,"Amber",IF(N(E7)>0,"Green",IF(N(G7)>0,"Grey",'
                       'IF(N(F7)>0,"Blue","")))))')
    assert (f["H7"], f["P7"]) == ('IF($A7="","",SUM(C7:G7))', 'IF($A7="","",Q7-SUM(K7:O7))')
    # Other: all activities less those counted under a Lists theme, so the rows add up to the total.
    assert (f["C17"], f["Q17"], f["H17"]) == ("C18-SUM(C7:C16)", "Q18-SUM(Q7:Q16)", "SUM(C17:G17)")
    assert (f["C18"], f["Q18"], f["P18"]) == (
        "COUNTIFS(Plan!$R$3:$R$1000,C$6)", 'COUNTIFS(Plan!$E$3:$E$1000,"<>")', "Q18-SUM(K18:O18)")


def test_dashboard_marks_campaign_months_from_the_social_and_media_logs(built):
    f = _formulas(built["real"], "xl/worksheets/sheet9.xml")
    assert f["S7"] == 'IF(Referrals!$A3="","",Referrals!$A3)'
    assert f["S42"] == 'IF(Referrals!$A38="","",Referrals!$A38)' and "S43" not in f
    window = '">="&$S7,{0}!$A$3:$A$1000,"<"&EDATE($S7,1))'
    assert f["T7"] == (
        'IF($S7="","",COUNTIFS(Social!$C$3:$C$1000,"<>",Social!$C$3:$C$1000,"<>General awareness",'
        'Social!$A$3:$A$1000,' + window.format("Social") + '+COUNTIFS(Media!$E$3:$E$1000,"<>",'
        'Media!$E$3:$E$1000,"<>General awareness",Media!$A$3:$A$1000,' + window.format("Media") + ')')
    assert f["U7"] == "IF(N(T7)>0,1,0)"


def test_dashboard_charts(built):
    with zipfile.ZipFile(built["demo"]) as zf:
        charts = [zf.read(n).decode() for n in sorted(zf.namelist()) if n.startswith("xl/charts/chart")]
    assert len(charts) == 2
    assert charts[0].count("<c:ser>") == 5 and "<c:f>Dashboard!$C$7:$C$16</c:f>" in charts[0]
    assert 'val="C00000"' in charts[0] and 'val="stacked"' in charts[0]
    line, shade = charts[1].split("<c:barChart>")
    assert "<c:f>Referrals!$B$3:$B$38</c:f>" in line and "<c:f>Referrals!$D$3:$D$38</c:f>" in line
    assert "<c:f>Dashboard!$U$7:$U$42</c:f>" in shade and "<c:f>Dashboard!$U$6</c:f>" in shade
    assert "<c:f>Referrals!$A$3:$A$38</c:f>" in shade and '<c:gapWidth val="0"/>' in shade
    assert "Referrals by month (shaded: months with campaign posts or coverage)" in charts[1]


BUTTONS = ["RunChosenAction", "ValidatePlan", "RefreshDashboard", "DraftNewsletter", "CheckSetup"]


def test_buttons_run_named_subs_of_the_workbook_module(built):
    for path in built.values():
        vml = html.unescape(_member(path, "xl/drawings/vmlDrawing1.vml"))
        assert re.findall(r"<x:FmlaMacro>(.*?)</x:FmlaMacro>", vml) == [f"[0]!{sub}" for sub in BUTTONS]
    bas = (REPO / "src" / "cseplan_xl" / "data" / "Module1.bas").read_text(encoding="utf-8")
    subs = ["ValidatePlan", "RefreshDashboard", "DraftNewsletter", "RunChosenAction", "CheckSetup"]
    assert re.findall(r"^Sub (\w+)\(\)$", bas, re.M) == subs  # public and parameterless: Alt+F8 lists them
    calls = re.findall(r'^    RunButton "import cseplan_xl\.excel as x; x\.(\w+)\(', bas, re.M)
    assert [control_sheet.macro_name(f) for f in calls] == subs
    assert all(hasattr(excel, f) for f in calls)
    assert "ThisWorkbook.Name" not in bas and "SampleCall" not in bas


# --- reproducible, and never losing an officer's edits -------------------------------------------


def test_committed_workbooks_equal_a_fresh_build():
    assert REAL.read_bytes() == build.workbook_bytes(demo=False)
    assert DEMO.read_bytes() == build.workbook_bytes(demo=True)
    assert build.vba_project() == build.vba_project()


def test_rebuild_leaves_an_identical_file_and_refuses_an_edited_one(tmp_path):
    path = tmp_path / "plan.xlsm"
    first = build.build_workbook(path)
    assert first.status == "created" and [p.name for p in tmp_path.iterdir()] == ["plan.xlsm"]
    assert build.build_workbook(path).status == "unchanged"
    path.write_bytes(path.read_bytes() + b"officer's edits")
    edited = path.read_bytes()
    with pytest.raises(OutputExistsError, match="differs from a fresh build.*--force"):
        build.build_workbook(path)
    assert path.read_bytes() == edited
    result = build.build_workbook(path, force=True)
    assert result.status == "replaced" and result.backup is not None
    assert result.backup.parent == tmp_path and result.backup.name.startswith("plan.backup-")
    assert result.backup.read_bytes() == edited
    assert path.read_bytes() == build.workbook_bytes()
    path.write_bytes(edited)
    again = build.build_workbook(path, force=True)  # a second backup never replaces the first
    assert again.backup not in (None, result.backup) and again.backup.read_bytes() == edited
    assert result.backup.read_bytes() == edited
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no temp file left


def test_build_onto_a_folder_is_one_clear_error(tmp_path):
    (tmp_path / "plan.xlsm").mkdir()
    with pytest.raises(OutputExistsError, match=r"plan\.xlsm is a folder: give a file name"):
        build.build_workbook(tmp_path / "plan.xlsm", force=True)


def test_cli_build_workbook(tmp_path, capsys):
    path = tmp_path / "training.xlsm"
    assert main(["build-workbook", "--demo", "-o", str(path)]) == 0
    assert capsys.readouterr().out == f"Built {path}\n"
    assert main(["build-workbook", "-o", str(path)]) == 2
    assert "differs from a fresh build" in capsys.readouterr().err


# --- a real spreadsheet application opens it -----------------------------------------------------


def _soffice(tmp_path: Path, target: str, *sources: Path) -> list[Path]:
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", target,
                    "--outdir", str(tmp_path), *map(str, sources)], check=True, capture_output=True, timeout=180)
    return [tmp_path / f"{source.stem}.{target.split(':')[0]}" for source in sources]


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_converts_to_pdf_and_links_every_button_to_a_sub(tmp_path):
    (pdf,) = _soffice(tmp_path, "pdf", REAL)
    assert pdf.read_bytes()[:5] == b"%PDF-"
    for ods in _soffice(tmp_path, "ods", REAL, DEMO):
        with zipfile.ZipFile(ods) as zf:
            library = zf.read("Basic/VBAProject/script-lb.xml").decode()
            content = zf.read("content.xml").decode()
            module = html.unescape(zf.read("Basic/VBAProject/Module1.xml").decode())
        assert re.findall(r'library:element library:name="(\w+)"', library) == [
            "Dictionary", "Module1", "Sheet1", "Sheet2", "ThisWorkbook", "xlwings"]
        labels = re.findall(r'form:label="([^"]+)"', content)
        links = re.findall(r'script:event-name="form:performaction"[^>]*xlink:href="vnd\.sun\.star\.script:'
                           r'VBAProject\.Module1\.(\w+)\?', content)
        assert labels == ["Run chosen action", *c.ACTIONS, control_sheet.CHECK_SETUP]
        assert links == BUTTONS
        assert all(f"Sub {sub}()" in module for sub in links)
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "2", str(pdf), str(tmp_path / "page")],
                       check=True, timeout=120)
        assert sorted(p.name for p in tmp_path.glob("page-*.png")) == ["page-01.png", "page-02.png"]
