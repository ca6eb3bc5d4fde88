"""Tests for how a command shows its result and ends: output to stdout or a file, one-line errors, exit codes."""

from __future__ import annotations

import argparse
import json

import pytest

from cseplan_xl import console
from cseplan_xl.errors import CseplanError, OutputExistsError


def test_json_comes_in_pieces_that_join_to_the_whole():
    data = {"rows": [{"text": f"é {i}" * 20} for i in range(2000)]}
    pieces = list(console.json_output(data))
    assert len(pieces) > 1 and all(len(p) < (1 << 16) + 5000 for p in pieces)
    assert "".join(pieces) == json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def test_csv_fields_are_safe_and_columns_default_to_the_first_rows_keys():
    assert console.csv_output([{"a": "=1+1", "b": 2}]).splitlines() == ["a,b", "'=1+1,2"]
    assert console.csv_output([], ["x"]).splitlines() == ["x"]


def test_emit_writes_a_new_file_and_never_replaces_one_unasked(tmp_path, capsys):
    target = tmp_path / "out.txt"
    console.emit(iter(["a", "b\n"]), str(target))
    assert target.read_text(encoding="utf-8") == "ab\n" and capsys.readouterr().err == f"wrote {target}\n"
    with pytest.raises(OutputExistsError):
        console.emit("c\n", str(target))
    console.emit("c\n", "-")
    assert capsys.readouterr().out == "c\n"


@pytest.mark.parametrize(("error", "code", "line"), [
    (CseplanError("book.xlsx: no Plan sheet"), 2, "Error: book.xlsx: no Plan sheet\n"),
    (KeyboardInterrupt(), 130, "Interrupted.\n"),
    (BrokenPipeError(), 0, ""),
    (FileNotFoundError(2, "No such file or directory", "gone.xlsx"), 2,
     "Error: gone.xlsx: No such file or directory\n"),
    (MemoryError(), 2, "Error: not enough memory to finish; try a smaller workbook or fewer files at once\n"),
    (OverflowError("date value out of range"), 2,
     "Error: a date is out of range (date value out of range); use dates from 1900 to 2199\n"),
], ids=["library", "ctrl-c", "pipe", "os", "memory", "date"])
def test_every_error_ends_in_one_line_and_an_exit_code(error, code, line, capsys):
    def handler(args: argparse.Namespace) -> int:
        raise error

    assert console.run(handler, argparse.Namespace()) == code
    assert capsys.readouterr().err == line


def test_a_handlers_own_exit_code_is_kept():
    assert console.run(lambda args: console.EXIT_FINDINGS, argparse.Namespace()) == 1
