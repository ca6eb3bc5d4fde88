"""Tests for upgrade-workbook: an edited demo's every value carried into a current build, OLD never touched."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from python_calamine import CalamineWorkbook

from cseplan_xl import build, upgrade
from cseplan_xl.cli import main
from cseplan_xl.errors import CseplanError

CARRIED = ["Control", "Plan", "Owners", "Lists", "Referrals", "Social", "Media", "Anecdotes", "History"]


@pytest.fixture
def edited(tmp_path) -> Path:
    """The demo as an officer left it: rows added, cells changed, a History snapshot, an extra sheet and column."""
    import openpyxl

    source = tmp_path / "source.xlsm"
    source.write_bytes(build.workbook_bytes(demo=True))
    book = openpyxl.load_workbook(source, keep_vba=True)
    plan = book["Plan"]
    plan["E3"] = "Refresher training for new response officers (edited)"
    plan["I4"] = "Green"
    plan["K5"] = dt.datetime(2018, 3, 2)
    plan["J6"] = "=not a formula, text the officer typed"
    plan["J6"].data_type = "s"  # typed as text (a leading apostrophe in Excel)
    plan.append(["P2-03", "Phase Two", "Phase Two", "Awareness and reporting", "A new activity added by the officer",
                 "May 2019", "CT", "£250", "Amber", "Booked", dt.datetime(2019, 4, 1)])
    plan["T2"] = "My notes"  # a column the workbook does not have
    plan["T3"] = "call LW"
    book["Owners"].append(["ZZ", "New partner lead", "Council"])
    book["Lists"]["C13"] = "A theme added on the Lists"
    book["Referrals"]["B3"] = 99
    book["Social"].append([dt.datetime(2018, 3, 30), "Facebook", "General awareness", "Post", "text", 1200, 900,
                           1500, 12, 3, 4, 1, 9, "Views"])
    history = book["History"]
    for i, rag in enumerate(("Green", "Red", "Blue")):
        history.append([dt.datetime(2018, 3, 31), f"6.1-0{i + 1}", rag, rag])
    control = book["Control"]
    control["B4"] = "CSE communications plan 2018/19 (officer's copy)"
    control["B12"] = "reports"
    control["B20"] = dt.datetime(2018, 4, 3, 9, 30, 15)
    control["B23"] = 3
    control["B25"] = 1.7
    book.create_sheet("Officer notes")["A1"] = "kept by hand"
    path = tmp_path / "cseplan (1).xlsm"
    book.save(path)
    return path


def _by_header(path: Path, sheet: str) -> list[dict[str, Any]]:
    """A sheet's rows below its header row 2 (Control: label -> value), read straight from the file."""
    grid = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()
    if sheet == "Control":
        return [{"label": r[0], "value": r[1]} for r in grid if len(r) > 1 and r[0] not in ("", None)]
    header = grid[1]
    rows = [{h: v for h, v in zip(header, r, strict=False) if h and v not in ("", None)} for r in grid[2:]]
    return [r for r in rows if r]


def _columns(rows: list[dict[str, Any]]) -> dict[str, list[Any]]:
    columns: dict[str, list[Any]] = {}
    for row in rows:
        for header, value in row.items():
            columns.setdefault(header, []).append(value)
    return columns


def test_every_value_of_an_edited_demo_is_carried(edited, tmp_path, capsys):
    before = edited.read_bytes()
    new = tmp_path / "new.xlsm"
    assert main(["upgrade-workbook", str(edited), "-o", str(new)]) == 1  # 1: something was left behind
    out = capsys.readouterr().out
    assert edited.read_bytes() == before
    assert out.splitlines()[:2] == [
        f"Wrote {new}",
        "Carried: rows of Plan 25, Owners 11, Referrals 36, Social 21, Media 12, Anecdotes 6, History 3; "
        "18 Control settings; 13 Lists columns."]
    assert out.endswith("Not carried (copy these by hand if you need them):\n"
                        "- sheet 'Officer notes' (not one the workbook has)\n"
                        "- Plan!T2 column 'My notes' (not a column the workbook has)\n")
    for sheet in CARRIED:
        old_rows, new_rows = _by_header(edited, sheet), _by_header(new, sheet)
        if sheet == "Plan":
            old_rows = [{k: v for k, v in r.items() if k != "My notes"} for r in old_rows]
        if sheet == "Lists":  # each column's values in order; a gap in a column closes up
            old_rows, new_rows = _columns(old_rows), _columns(new_rows)
        assert new_rows == old_rows, sheet
    plan = _by_header(new, "Plan")
    assert plan[-1]["ID"] == "P2-03" and plan[0]["Activity"].endswith("(edited)")
    assert plan[3]["Progress notes"] == "=not a formula, text the officer typed"
    control = {r["label"]: r["value"] for r in _by_header(new, "Control")}
    assert control["Last run"] == dt.datetime(2018, 4, 3, 9, 30, 15) and control["Run took (seconds)"] == 1.7
    assert new.read_bytes() != build.workbook_bytes(demo=True)
    assert _vba(new) == build.vba_project()  # the current buttons' module


def _vba(path: Path) -> bytes:
    import zipfile

    with zipfile.ZipFile(path) as zf:
        return zf.read("xl/vbaProject.bin")


def test_an_untouched_demo_upgrades_to_exactly_a_fresh_demo(tmp_path, capsys):
    old = tmp_path / "demo.xlsm"
    old.write_bytes(build.workbook_bytes(demo=True))
    assert main(["upgrade-workbook", str(old)]) == 0
    assert (tmp_path / "demo-upgraded.xlsm").read_bytes() == old.read_bytes()
    assert "Every carried value was read back" in capsys.readouterr().out


def test_never_over_old_and_never_over_an_existing_file(edited, tmp_path, capsys):
    before = edited.read_bytes()
    assert main(["upgrade-workbook", str(edited), "-o", str(edited), "--force"]) == 2
    assert "is an input" in capsys.readouterr().err
    taken = tmp_path / "taken.xlsm"
    taken.write_bytes(b"someone's file")
    assert main(["upgrade-workbook", str(edited), "-o", str(taken)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert taken.read_bytes() == b"someone's file" and edited.read_bytes() == before


def test_a_build_that_loses_a_value_is_refused_and_nothing_written(edited, tmp_path, monkeypatch):
    real = build.workbook_bytes

    def lossy(demo: bool = False, entries: build.Entries | None = None) -> bytes:
        assert entries is not None
        entries.rows["History"].pop()
        return real(demo, entries)

    monkeypatch.setattr(upgrade, "workbook_bytes", lossy)
    new = tmp_path / "new.xlsm"
    with pytest.raises(CseplanError, match=r"would not carry every value \(sheet History: 3 rows, 2 carried\)"):
        upgrade.upgrade_workbook(edited, new)
    assert not new.exists()

    def changed(demo: bool = False, entries: build.Entries | None = None) -> bytes:
        assert entries is not None
        entries.rows["Plan"][1]["RAG"] = "Red"
        return real(demo, entries)

    monkeypatch.setattr(upgrade, "workbook_bytes", changed)
    with pytest.raises(CseplanError, match=r"Plan!I4: 'Green' became 'Red'"):
        upgrade.upgrade_workbook(edited, new)
    assert not new.exists()


def test_an_active_xlwings_conf_sheet_with_a_shared_python_is_named(tmp_path, capsys):
    import openpyxl

    old = tmp_path / "shared.xlsm"
    old.write_bytes(build.workbook_bytes())
    book = openpyxl.load_workbook(old, keep_vba=True)
    sheet = book["_xlwings.conf"]
    sheet.title = "xlwings.conf"
    sheet["B1"] = r"C:\Program Files\cseplan-xl\Scripts\python.exe"
    book.save(old)
    assert main(["upgrade-workbook", str(old)]) == 1
    out = capsys.readouterr().out
    assert ("- the xlwings.conf sheet's settings (Interpreter_Win = " + sheet["B1"].value + "): the new workbook's "
            "_xlwings.conf is switched off") in out
