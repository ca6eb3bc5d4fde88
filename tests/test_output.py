"""Outputs never silently replace a file, never land on an input, and fail as one line."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

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


def _no_temp_files(folder) -> bool:
    return not [p for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_a_link_planted_at_a_temporary_name_never_redirects_a_write(tmp_path, monkeypatch, capsys):
    import tempfile

    from cseplan_xl.cli import main

    workbook = tmp_path / "plan.xlsm"
    workbook.write_bytes(b"PK the officer's workbook")
    # The old fixed temporary name, and the first name the random sequence will give: both links to the workbook.
    (tmp_path / ".report.json.tmp").symlink_to(workbook)
    names = iter(["planted", "free"])
    monkeypatch.setattr(tempfile, "_get_candidate_names", lambda: names)
    (tmp_path / ".report.json.planted.tmp").symlink_to(workbook)
    path = write_new(tmp_path / "report.json", "{}")
    assert path.read_text() == "{}" and workbook.read_bytes() == b"PK the officer's workbook"
    assert (tmp_path / ".report.json.planted.tmp").is_symlink()
    assert sorted(p.name for p in tmp_path.iterdir() if not p.is_symlink()) == ["plan.xlsm", "report.json"]
    monkeypatch.undo()
    corpus_book = tmp_path / "real.xlsx"
    import corpus

    corpus.plain_book(corpus_book)
    (tmp_path / ".out.csv.tmp").symlink_to(corpus_book)
    before = corpus_book.read_bytes()
    assert main(["validate", str(corpus_book), "--format", "csv", "--output", str(tmp_path / "out.csv")]) == 0
    assert corpus_book.read_bytes() == before and (tmp_path / "out.csv").read_text().startswith("path,code")
    assert capsys.readouterr().err == f"wrote {tmp_path / 'out.csv'}\n"


def _write_at_once(args) -> str:
    barrier, target, next_free = args
    barrier.wait(timeout=120)  # a worker that never came fails the test rather than hanging it
    try:
        return str(write_new(target, f"from {os.getpid()}", next_free=next_free))
    except OutputExistsError as exc:
        return f"refused: {exc}"


def test_ten_writers_at_once_each_get_their_own_file_or_a_clear_refusal(tmp_path):
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    with ctx.Manager() as manager:
        for next_free_ in (True, False):
            barrier = manager.Barrier(10)
            target = tmp_path / f"draft-{next_free_}.docx"
            with ctx.Pool(10) as pool:
                results = pool.map_async(_write_at_once, [(barrier, target, next_free_)] * 10).get(timeout=180)
            written = [r for r in results if not r.startswith("refused")]
            if next_free_:
                assert len(set(written)) == 10
                assert len({Path(p).read_text() for p in written}) == 10  # each file holds its own writer's text
            else:
                assert len(written) == 1 and Path(written[0]).read_text().startswith("from ")
                assert all(r == f"refused: {target} already exists: choose another name, or add --force to "
                                  "replace it" for r in results if r.startswith("refused"))
    assert _no_temp_files(tmp_path)


@pytest.mark.parametrize("where", ["write", "publish"])
def test_ctrl_c_during_a_write_leaves_no_temporary_file(tmp_path, monkeypatch, where):
    from cseplan_xl import output

    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    if where == "write":
        real = os.fdopen

        class Interrupted:
            def __init__(self, fd, mode):
                self.fh = real(fd, mode)

            def __enter__(self):
                return self

            def __exit__(self, *exc):
                self.fh.close()

            def write(self, data):
                self.fh.write(data[:10])
                raise KeyboardInterrupt

        monkeypatch.setattr(output.os, "fdopen", Interrupted)
    else:
        monkeypatch.setattr(output.os, "link", interrupt)
    with pytest.raises(KeyboardInterrupt):
        write_new(tmp_path / "big.json", "x" * 1_000_000)
    assert list(tmp_path.iterdir()) == []


def test_backup_never_follows_a_link_at_its_name(tmp_path):
    path = tmp_path / "cseplan.xlsm"
    path.write_text("workbook")
    victim = tmp_path / "victim.txt"
    victim.write_text("kept")
    (tmp_path / "cseplan.backup-20180331-090507.xlsm").symlink_to(victim)
    copy = backup(path, now=dt.datetime(2018, 3, 31, 9, 5, 7))
    assert copy.name == "cseplan.backup-20180331-090507-2.xlsm" and copy.read_text() == "workbook"
    assert victim.read_text() == "kept"


def _draft_at_once(args) -> str:
    from cseplan_xl.briefing import draft_newsletter

    barrier, plan = args
    barrier.wait(timeout=120)  # a worker that never came fails the test rather than hanging it
    return draft_newsletter(plan, period="2018Q1").to_text()


def test_ten_newsletters_at_once_to_the_default_name_give_ten_files(tmp_path):
    import multiprocessing
    import re

    from cseplan_xl import build
    from cseplan_xl.briefing import draft_newsletter
    from cseplan_xl.plan import load_plan

    workbook = tmp_path / "demo.xlsm"
    workbook.write_bytes(build.workbook_bytes(demo=True))
    plan = load_plan(workbook)
    draft_newsletter(plan, period="2018Q1", out=tmp_path / "warm.docx")  # imports and caches before the fork
    ctx = multiprocessing.get_context("fork")
    with ctx.Manager() as manager, ctx.Pool(10) as pool:
        barrier = manager.Barrier(10)
        texts = pool.map_async(_draft_at_once, [(barrier, plan)] * 10).get(timeout=180)
    wrote = [re.search(r"Wrote (\S+) \(", text).group(1) for text in texts]
    folder = tmp_path / "newsletters"
    assert len(set(wrote)) == 10 and sorted(Path(p).name for p in wrote) == sorted(p.name for p in folder.iterdir())
    assert all(Path(p).stat().st_size > 10_000 for p in wrote) and _no_temp_files(folder)


def test_content_in_pieces_is_written_as_it_comes(tmp_path):
    pieces = (f"line {i}\n" for i in range(1000))
    path = write_new(tmp_path / "big.txt", pieces)
    assert path.read_text().splitlines()[-1] == "line 999" and _no_temp_files(tmp_path)
