"""The adversarial corpus (tests/corpus.py) through every command that reads a workbook, one file at a time and as
one folder: exit 2 with one plain line (or a readable workbook), inputs' bytes unchanged, a complete batch report,
bounded memory."""

from __future__ import annotations

import contextlib
import io
import json
import os
from pathlib import Path

import pytest

import corpus
from cseplan_xl.cli import main

READABLE = {"billion-laughs"}  # calamine never expands entities: the file is read as the plain plan it is


@pytest.fixture(scope="module")
def cases(tmp_path_factory) -> dict[str, tuple[Path, str]]:
    folder = tmp_path_factory.mktemp("corpus") / "plans"
    found = corpus.cases(folder)
    os.mkfifo(folder / "pipe.xlsx")
    corpus.plain_book(folder / "good.xlsx")
    return found


def _run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def _commands(path: Path, out: Path) -> list[list[str]]:
    return [["validate", str(path)], ["rollup", str(path)], ["evaluate", str(path), "--period", "2018Q1"],
            ["newsletter", str(path), "--period", "2018Q1", "--output", str(out / f"{path.stem}.docx")]]


def test_every_case_through_every_command_is_one_line_and_exit_2(cases, tmp_path):
    for name, (path, expect) in cases.items():
        before = path.read_bytes()
        for argv in _commands(path, tmp_path):
            code, out, err = _run(argv)
            if name in READABLE:
                assert code in (0, 1) and "Traceback" not in err, (name, argv, err)
                continue
            if argv[0] == "validate":  # the report names the file and its reason; nothing on stderr
                assert (code, err) == (2, ""), (name, argv, err)
                assert out == f"{path}: unreadable: {out.split(': unreadable: ', 1)[1]}" and out.count("\n") == 1
                assert expect in out, (name, out)
            else:
                assert (code, out) == (2, ""), (name, argv, out)
                assert err.startswith("Error: ") and err.count("\n") == 1 and expect in err, (name, argv, err)
        assert path.read_bytes() == before, name
    assert [p.name for p in tmp_path.iterdir()] == ["laughs.docx"]  # nothing written for an unusable workbook


def test_the_whole_corpus_as_one_folder_reports_every_file(cases):
    folder = next(iter(cases.values()))[0].parent
    before = {p: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    code, out, err = _run(["validate", str(folder), "--format", "json"])
    report = json.loads(out)
    by_path = {Path(f["path"]).name: f for f in report["files"]}
    assert code == 2 and "pipe.xlsx" not in by_path  # the FIFO is skipped, never opened
    for name, (path, expect) in cases.items():
        entry = by_path[path.name]
        if name in READABLE:
            assert entry["error"] is None
        else:
            assert expect in entry["error"] and "\n" not in entry["error"], (name, entry["error"])
    assert by_path["good.xlsx"]["error"] is None and by_path["good.xlsx"]["valid"]
    assert report["summary"]["files"] == len(cases) + 1
    assert report["summary"]["unreadable"] == len(cases) - len(READABLE)
    assert {p: p.read_bytes() for p in folder.iterdir() if p.is_file()} == before


def test_peak_memory_stays_bounded_on_the_memory_cases(cases, tmp_path):
    """Measured with resource in a fresh process (not timed): the stray far cell and the folder of every case, and
    a 1 MB zip bomb, each well under 200 MB."""
    bomb = corpus.make_bomb(tmp_path)
    stray = cases["stray-corner"][0]
    for argv in (["validate", str(stray)], ["rollup", str(stray)], ["rollup", str(bomb)],
                 ["validate", str(stray.parent), "--jobs", "1"]):
        code, peak_kb, out, err = corpus.peak_run(argv)
        assert code == 2 and peak_kb < 200 * 1024, (argv, peak_kb)
        assert "Traceback" not in err
