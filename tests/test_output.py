"""Outputs never silently replace a file, never land on an input, and fail as one line."""

from __future__ import annotations

import datetime as dt

import pytest

from cseplan_xl.errors import CseplanError, OutputExistsError
from cseplan_xl.output import backup, check_writable, next_free, write_new


def test_write_new_refuses_an_existing_file_unless_forced(tmp_path):
    target = tmp_path / "out" / "report.txt"
    assert write_new(target, "one") == target and target.read_text() == "one"
    with pytest.raises(OutputExistsError, match="already exists: choose another name, or add --force"):
        write_new(target, "two")
    assert target.read_text() == "one"
    write_new(target, b"three", force=True)
    assert target.read_bytes() == b"three"
    assert sorted(p.name for p in target.parent.iterdir()) == ["report.txt"]  # no temp file left


def test_an_input_is_never_an_output_even_with_force(tmp_path):
    workbook = tmp_path / "plan.xlsm"
    workbook.write_bytes(b"PK workbook")
    with pytest.raises(OutputExistsError, match="is an input workbook"):
        write_new(tmp_path / "." / "plan.xlsm", "csv text", force=True, inputs=[workbook])
    assert workbook.read_bytes() == b"PK workbook"


def test_a_folder_or_an_unwritable_place_is_one_line(tmp_path):
    with pytest.raises(OutputExistsError, match="is a folder"):
        check_writable(tmp_path, force=True)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(CseplanError, match=r"cannot be written") as info:
        write_new(blocker / "inside.txt", "x")
    assert "\n" not in str(info.value)


def test_next_free_and_backup(tmp_path):
    path = tmp_path / "draft.docx"
    assert next_free(path) == path
    path.write_text("a")
    (tmp_path / "draft-2.docx").write_text("b")
    assert next_free(path) == tmp_path / "draft-3.docx"
    copy = backup(path, now=dt.datetime(2018, 3, 31, 9, 5, 7))
    assert copy == tmp_path / "draft.backup-20180331-090507.docx" and copy.read_text() == "a"
    assert backup(path, now=dt.datetime(2018, 3, 31, 9, 5, 7)).name == "draft.backup-20180331-090507-2.docx"


def test_links_pipes_and_devices_are_never_replaced(tmp_path):
    import os

    target = tmp_path / "target.txt"
    target.write_text("kept")
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    broken = tmp_path / "broken.txt"
    broken.symlink_to(tmp_path / "nowhere" / "x")
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    for path in (link, broken, pipe):
        with pytest.raises(OutputExistsError, match="is a link, pipe or device, not a plain file"):
            write_new(path, "text", force=True)
    assert link.is_symlink() and target.read_text() == "kept"
    assert broken.is_symlink() and not pipe.is_file()
