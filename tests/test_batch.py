"""Finding the workbooks of a batch and checking each: folders, globs, lock files, bad files, serial and parallel."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from conftest import write_workbook
from cseplan_xl.batch import discover, validate_file, validate_files
from cseplan_xl.errors import InvalidValue

GOOD = {"Plan": [["ID", "Activity", "When", "Who", "Cost", "RAG"], ["1", "Poster", "Autumn 2017", "CT", "N/A", "Blue"]],
        "Owners": [["Code"], ["CT"]]}
BAD = {"Plan": [["ID", "Activity", "When", "Who", "Cost", "RAG"], ["1", "Poster", "Autumn 2017", "CT", "N/A", "Gren"]],
       "Owners": [["Code"], ["CT"]]}


def test_discover_walks_folders_and_globs_skipping_lock_hidden_and_other_files(tmp_path):
    plans = tmp_path / "plans"
    (plans / "sub").mkdir(parents=True)
    (plans / ".hidden").mkdir()
    for name in ("b.xlsx", "a.xlsm", "sub/c.xlsx", "~$a.xlsm", ".d.xlsx", "notes.txt", ".hidden/e.xlsx"):
        (plans / name).write_bytes(b"x")
    found = discover([str(plans)])
    assert [p.relative_to(plans).as_posix() for p in found] == ["a.xlsm", "b.xlsx", "sub/c.xlsx"]
    # a glob adds its workbooks; a file named twice is checked once; a missing file stays (reported unreadable)
    found = discover([str(plans / "*.xls*"), str(plans / "b.xlsx"), str(tmp_path / "missing.xlsx")])
    assert [p.name for p in found] == ["a.xlsm", "b.xlsx", "missing.xlsx"]
    with pytest.raises(InvalidValue, match="no files match"):
        discover([str(tmp_path / "*.xlsm")])


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_discover_never_opens_a_fifo_in_a_folder(tmp_path):
    os.mkfifo(tmp_path / "pipe.xlsx")
    write_workbook(tmp_path / "plan.xlsx", GOOD)
    assert [p.name for p in discover([str(tmp_path)])] == ["plan.xlsx"]


def test_validate_file_reports_an_unusable_file_with_its_reason(tmp_path):
    broken = tmp_path / "broken.xlsx"
    broken.write_text("not a workbook")
    report = validate_file(broken)
    assert (report.valid, report.findings, report.as_of) == (False, [], None)
    assert report.error is not None and report.error.startswith(f"{broken}:")
    good = validate_file(write_workbook(tmp_path / "good.xlsx", GOOD), as_of=dt.date(2018, 3, 31))
    assert (good.valid, good.error, good.as_of) == (True, None, dt.date(2018, 3, 31))


def test_validate_files_in_parallel_gives_the_serial_report(tmp_path):
    paths = [write_workbook(tmp_path / f"{i}.xlsx", BAD if i % 2 else GOOD) for i in range(4)]
    seen: list[tuple[int, int]] = []
    serial = validate_files(paths, as_of=dt.date(2018, 3, 31), jobs=1, progress=lambda d, t: seen.append((d, t)))
    parallel = validate_files(paths, as_of=dt.date(2018, 3, 31), jobs=2)
    assert serial.to_dict() == parallel.to_dict()
    assert [f.valid for f in serial.files] == [True, False, True, False]
    assert seen == [(1, 4), (2, 4), (3, 4), (4, 4)]
    assert serial.summary == {"files": 4, "valid": 2, "invalid": 2, "unreadable": 0}


def test_bad_choices_stop_before_any_file_is_read(tmp_path):
    missing = tmp_path / "never-read.xlsx"
    with pytest.raises(InvalidValue, match="unknown rule code or tag: nonsense"):
        validate_files([missing], select=["nonsense"])
    with pytest.raises(InvalidValue, match="jobs must be 0"):
        validate_files([missing], jobs=-1)
