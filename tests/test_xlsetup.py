"""Tests for the set-up of Python for the buttons: xlwings' user configuration and the checks, with a temporary home."""

from __future__ import annotations

import importlib.metadata
import re
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from cseplan_xl import build, xlsetup
from cseplan_xl.cfb import cfb_streams, cfb_write
from cseplan_xl.cli import main
from cseplan_xl.errors import CseplanError
from cseplan_xl.vba import ovba_compress, ovba_decompress

REPO = Path(__file__).resolve().parents[1]
XLWINGS = importlib.metadata.version("xlwings")
KEY = "INTERPRETER_MAC" if sys.platform.startswith("darwin") else "INTERPRETER_WIN"


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    """A temporary home folder: xlwings' user configuration goes here."""
    folder = tmp_path / "home"
    folder.mkdir()
    monkeypatch.setenv("HOME", str(folder))
    monkeypatch.setenv("USERPROFILE", str(folder))
    return folder


def test_user_config_path_is_where_xlwings_looks(home):
    assert xlsetup.user_config_path("linux") == home / ".xlwings" / "xlwings.conf"
    assert xlsetup.user_config_path("win32") == home / ".xlwings" / "xlwings.conf"
    assert xlsetup.user_config_path("darwin") == (home / "Library" / "Containers" / "com.microsoft.Excel" / "Data"
                                                  / "xlwings.conf")


def test_write_interpreter_keeps_other_settings_and_replaces_its_own(home):
    path = home / ".xlwings" / "xlwings.conf"
    path.parent.mkdir()
    path.write_text('"INTERPRETER_WIN","C:\\old\\python.exe"\n"LICENSE_KEY","abc"\n', encoding="utf-8")
    assert xlsetup.write_interpreter(r"C:\Users\o\AppData\Local\cseplan-xl\venv\Scripts\python.exe",
                                     platform="win32") == path
    assert path.read_text(encoding="utf-8") == (
        '"LICENSE_KEY","abc"\n"INTERPRETER_WIN","C:\\Users\\o\\AppData\\Local\\cseplan-xl\\venv\\Scripts\\python.exe"\n')
    mac = xlsetup.write_interpreter("/Users/o/.venv/bin/python", platform="darwin")
    assert mac.read_text(encoding="utf-8") == '"INTERPRETER_MAC","/Users/o/.venv/bin/python"\n'


def test_excel_setup_writes_the_config_and_reports_every_check(home, capsys):
    assert main(["excel-setup", str(REPO / "workbook" / "cseplan.xlsm")]) == 0
    out = capsys.readouterr().out
    config = home / ".xlwings" / "xlwings.conf"
    assert config.read_text(encoding="utf-8") == f'"{KEY}","{sys.executable}"\n'
    assert out.splitlines()[0] == f"Wrote this Python into {config}"
    assert f"OK      Python: {sys.version.split()[0]} at {sys.executable}" in out
    assert f"OK      xlwings configuration: {KEY} in {config}" in out
    assert f"OK      xlwings: {XLWINGS}" in out
    assert f"OK      VBA of workbooks built by this cseplan-xl: xlwings {XLWINGS}" in out
    assert f"OK      VBA of cseplan.xlsm: xlwings {XLWINGS}" in out
    assert f"OK      cseplan-xl: {importlib.metadata.version('cseplan-xl')}" in out
    assert f"OK      Workbook: local: {REPO / 'workbook' / 'cseplan.xlsm'}" in out
    assert f"OK      Output folder: {REPO / 'workbook' / 'out'} is writable (will be created)" in out
    assert out.endswith("Nothing left to do: open the workbook, enable macros and click Check setup.\n")


def test_check_changes_nothing_and_says_what_is_left(home, capsys):
    assert main(["excel-setup", "--check"]) == 1
    out = capsys.readouterr().out
    config = home / ".xlwings" / "xlwings.conf"
    assert not config.exists()
    assert f"NOT OK  xlwings configuration: no {KEY} in {config}" in out
    assert out.split("Left to do:\n")[1] == (
        f"1. run `cseplan excel-setup` with the Python that has cseplan-xl ({sys.executable})\n")
    config.parent.mkdir()
    config.write_text(f'"{KEY}","/somewhere/else/python"\n', encoding="utf-8")
    assert main(["excel-setup", "--check"]) == 1
    assert f"{KEY} is /somewhere/else/python, not this Python" in capsys.readouterr().out
    assert config.read_text(encoding="utf-8") == f'"{KEY}","/somewhere/else/python"\n'


def _with_vba_version(source: Path, target: Path, version: str) -> Path:
    """A copy of a workbook whose xlwings VBA module says another version."""
    with zipfile.ZipFile(source) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    streams = cfb_streams(members["xl/vbaProject.bin"])
    text = ovba_decompress(streams["VBA/xlwings"]).replace(f'"{XLWINGS}"'.encode(), f'"{version}"'.encode())
    streams["VBA/xlwings"] = ovba_compress(text)
    members["xl/vbaProject.bin"] = cfb_write(streams)
    with zipfile.ZipFile(target, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return target


def test_a_workbook_with_another_xlwings_vba_is_reported_with_its_fix(home, tmp_path, capsys):
    xlsetup.write_interpreter()
    old = _with_vba_version(REPO / "workbook" / "cseplan.xlsm", tmp_path / "old.xlsm", "0.30.0")
    assert xlsetup.workbook_vba_version(old) == "0.30.0"
    assert main(["excel-setup", "--check", str(old)]) == 1
    out = capsys.readouterr().out
    assert "NOT OK  VBA of old.xlsm: xlwings 0.30.0 (different)" in out
    assert "1. install xlwings==0.30.0, or carry the data into a current workbook: `cseplan upgrade-workbook" in out


def test_unreadable_workbook_and_unwritable_folder(home, tmp_path, capsys):
    bad = tmp_path / "bad.xlsm"
    bad.write_bytes(b"not a zip")
    assert main(["excel-setup", "--check", str(bad)]) == 2
    # The workbook is read (and its parts checked) before its VBA project: the reason is the reader's.
    assert "bad.xlsm: a text or CSV file despite its .xlsm name" in capsys.readouterr().err
    blocker = tmp_path / "file"
    blocker.write_text("x")
    report = xlsetup.check_setup(output_folder=blocker / "out", check_config=False)
    assert report.checks[-1].line() == f"NOT OK  Output folder: {blocker / 'out'} cannot be written"
    with pytest.raises(CseplanError, match="no VBA project"):
        xlsetup.workbook_vba_version(bad)


def test_workbook_opened_from_the_cloud_is_not_ok():
    report = xlsetup.check_setup(workbook="https://contoso.sharepoint.com/sites/cse/cseplan.xlsm",
                                 check_config=False)
    assert not report.ok
    assert "Workbook: opened from the cloud" in report.to_text()
    synced = xlsetup.check_setup(workbook=r"C:\Users\o\OneDrive - Police\cseplan.xlsm", check_config=False)
    assert synced.ok and "in a synced cloud folder" in synced.to_text()


def test_pinned_xlwings_is_the_version_the_vba_comes_from():
    assert xlsetup.pinned_xlwings() == XLWINGS
    assert xlsetup.workbook_vba_version(REPO / "workbook" / "examples" / "cseplan_demo.xlsm") == XLWINGS
    assert build.vba_project()  # built from that release without error


def test_windows_script_steps_and_labels():
    script = (REPO / "setup" / "windows-setup.cmd").read_bytes()
    assert b"\r\n" in script and b"\n" not in script.replace(b"\r\n", b"")  # batch files want CRLF
    text = script.decode("ascii")
    assert "py -3 -m venv" in text and r"%LOCALAPPDATA%\cseplan-xl\venv" in text
    assert "--no-index --find-links" in text and r'"%VENV%\Scripts\cseplan.exe" excel-setup' in text
    labels = set(re.findall(r"^:(\w+)", text, re.M))
    assert set(re.findall(r"goto :(\w+)", text)) <= labels


def test_a_package_that_does_not_import_is_reported(monkeypatch):
    real = xlsetup.importlib.import_module

    def broken(name: str) -> Any:
        if name == "xlwings":
            raise ModuleNotFoundError("No module named 'xlwings'")
        return real(name)

    monkeypatch.setattr(xlsetup.importlib, "import_module", broken)
    report = xlsetup.check_setup(check_config=False)
    (check,) = [c for c in report.checks if c.name == "cseplan-xl"]
    assert check.line() == "NOT OK  cseplan-xl: does not import: No module named 'xlwings'"
    assert "1. reinstall: pip install cseplan-xl" in report.to_text()


def test_an_active_xlwings_conf_sheet_that_overrides_the_setting_is_reported(home, tmp_path, capsys):
    import openpyxl

    xlsetup.write_interpreter()
    old = tmp_path / "old.xlsm"
    old.write_bytes((REPO / "workbook" / "cseplan.xlsm").read_bytes())
    book = openpyxl.load_workbook(old, keep_vba=True)
    book["_xlwings.conf"].title = "xlwings.conf"  # as workbooks built before this version shipped it
    book["xlwings.conf"]["B1"] = book["xlwings.conf"]["B2"] = "python"
    book.save(old)
    assert main(["excel-setup", "--check", str(old)]) == 1
    out = capsys.readouterr().out
    assert f"NOT OK  xlwings.conf sheet of old.xlsm: {KEY} is python: it overrides each person's setting" in out
    assert "rename the sheet xlwings.conf in old.xlsm to _xlwings.conf (or `cseplan upgrade-workbook`)" in out
    assert main(["excel-setup", "--check", str(REPO / "workbook" / "cseplan.xlsm")]) == 0  # shipped switched off
    assert "xlwings.conf sheet" not in capsys.readouterr().out
    here = [["Interpreter_Win", sys.executable], ["Interpreter_Mac", sys.executable], [None, None]]
    ok = xlsetup.check_setup(conf_sheets=[("mine.xlsm", here)], check_config=False)
    assert [c.line() for c in ok.checks if "sheet" in c.name] == [
        f"OK      xlwings.conf sheet of mine.xlsm: {KEY} is this Python"]
    none = xlsetup.check_setup(conf_sheets=[("mine.xlsm", [["PYTHONPATH", ""], ["", ""], [KEY, "x"]])],
                               check_config=False)
    assert none.ok  # xlwings stops at the first blank label: no interpreter named
