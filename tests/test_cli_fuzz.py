"""Every command driven with odd option values (Hypothesis): never a traceback, always exit 0, 1 or 2.

In-process main() calls with a bounded number of examples per command, so the whole file runs in seconds.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import signal
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import corpus
from cseplan_xl import build
from cseplan_xl.cli import main

# Text with the characters that break naive code: control characters, bidi overrides, quotes, separators.
_ODD = "aZ09 -_./\\:;,'\"=+@#%&*?!()[]{}<>|~`^$\t\r\n\x00\x1b\u202e\u00e9£–"
ODD_TEXT = st.text(alphabet=st.sampled_from(list(_ODD)),
                   max_size=30)
DATES = st.one_of(st.sampled_from(["2018-03-31", "0001-01-01", "9999-12-31", "2018-02-30", "1899-12-31",
                                   "2200-01-01", "2018-3-31", "31/03/2018", "", "now", "-1"]), ODD_TEXT)
PERIODS = st.one_of(st.sampled_from(["2018Q1", "0001Q1", "9999Q4", "0001-01-01..9999-12-31", "2018-13",
                                     "Q5 2018", "2018/19", "1900-01-01..2199-12-31", "Quarterly", "TBC", "",
                                     "2018-03-31..2018-01-01", "2018Q1 2018Q2"]), ODD_TEXT)
BASELINES = st.one_of(st.sampled_from(["same-period-last-year", "pre-period:4", "pre-period:0", "pre-period:40",
                                       "pre-period:-1", "pre-period:x", "pre-period:99999999999"]), ODD_TEXT)
JOBS = st.sampled_from(["0", "1", "2", "100000", "-1", "x", "99999999999999999999"])


@pytest.fixture(scope="module")
def place(tmp_path_factory) -> Iterator[Path]:
    """A folder with the demo workbook, bad workbooks, a FIFO, a subfolder and room for outputs."""
    root = tmp_path_factory.mktemp("fuzz")
    (root / "demo.xlsm").write_bytes(build.workbook_bytes(demo=True))
    corpus.plain_book(root / "plain.xlsx")
    (root / "empty.xlsx").write_bytes(b"")
    os.mkfifo(root / "pipe.xlsx")
    (root / "folder").mkdir()
    (root / "out").mkdir()
    # Relative output names ("-", drawn text) land in this folder, never in the checkout the tests run from.
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        yield root


def _paths(place: Path) -> st.SearchStrategy[str]:
    named = ["demo.xlsm", "plain.xlsx", "empty.xlsx", "pipe.xlsx", "folder", "missing.xlsx", "x" * 300 + ".xlsx",
             "*.xlsx", "[", "out"]
    return st.one_of(st.sampled_from([str(place / n) for n in named]), ODD_TEXT)


def _output(place: Path) -> st.SearchStrategy[str]:
    """A new output name each time (or an odd one): outputs land in out/, inputs are never targets."""
    fresh = st.builds(lambda ext: str(place / "out" / f"{uuid.uuid4().hex}{ext}"),
                      st.sampled_from([".txt", ".json", ".csv", ".docx", ".xlsm", ""]))
    return st.one_of(fresh, st.sampled_from([str(place / "folder"), str(place / "out" / ("y" * 300)), "-",
                                             str(place / "missing" / "deeper" / "x.docx")]))


class _Hung(BaseException):
    """A command that waited 60 s (on a FIFO, say): a failure, not a hung test run."""


def _alarm(signum: int, frame: object) -> None:
    raise _Hung


def _run(argv: list[str], cwd: Path) -> tuple[int, str]:
    """Run in cwd (the fuzz folder), so that an odd relative name ("-", "aZ") never lands in the repository."""
    out, err = io.StringIO(), io.StringIO()
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(60)
    with contextlib.chdir(cwd), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse: usage errors (2) and --help (0)
            code = exc.code if isinstance(exc.code, int) else 2
        except _Hung:
            code = -1
        finally:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, previous)
    assert code != -1, f"hung: {argv}"
    return code, err.getvalue()


def _check(argv: list[str], place: Path, before: bytes) -> None:
    code, err = _run(argv, place / "out")
    assert code in (0, 1, 2), (argv, code, err)
    assert "Traceback" not in err, (argv, err)
    assert "unexpected problem" not in err and "out of range" not in err, (argv, err)
    assert (place / "demo.xlsm").read_bytes() == before


# A longer search: CSEPLAN_FUZZ_EXAMPLES=500 make test.
FUZZ = settings(max_examples=int(os.environ.get("CSEPLAN_FUZZ_EXAMPLES", 25)), deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def _options(pairs: list[tuple[str, st.SearchStrategy[str] | None]]) -> st.SearchStrategy[list[str]]:
    """Any subset of the options, each with a drawn value (None: a flag)."""
    def one(pair: tuple[str, st.SearchStrategy[str] | None]) -> st.SearchStrategy[list[str]]:
        name, values = pair
        return st.just([name]) if values is None else values.map(lambda v: [name, v])
    return st.lists(st.sampled_from(pairs).flatmap(one), max_size=4).map(lambda parts: sum(parts, []))


@given(data=st.data())
@FUZZ
def test_validate(place, data):
    before = (place / "demo.xlsm").read_bytes()
    paths = data.draw(st.lists(_paths(place), min_size=1, max_size=3))
    options = data.draw(_options([("--as-of", DATES), ("--format", st.sampled_from(["text", "json", "csv", "x"])),
                                  ("--output", _output(place)), ("--strict", None), ("--select", ODD_TEXT),
                                  ("--ignore", st.sampled_from(["privacy", "when-missing", "nonsense"])),
                                  ("--jobs", JOBS)]))
    _check(["validate", *paths, *options], place, before)


@given(data=st.data())
@FUZZ
def test_rollup_and_evaluate(place, data):
    before = (place / "demo.xlsm").read_bytes()
    workbook = data.draw(_paths(place))
    rollup = data.draw(_options([("--as-of", DATES), ("--by", st.sampled_from(["theme", "owner", "x"])),
                                 ("--format", st.sampled_from(["text", "json", "csv"])),
                                 ("--output", _output(place)), ("--force", None)]))
    _check(["rollup", workbook, *rollup], place, before)
    evaluate = data.draw(_options([("--period", PERIODS), ("--baseline", BASELINES), ("--as-of", DATES),
                                   ("--partner-facing", None), ("--format", st.sampled_from(["text", "json", "csv"])),
                                   ("--output", _output(place))]))
    _check(["evaluate", workbook, *evaluate], place, before)


@given(data=st.data())
@settings(FUZZ, max_examples=max(FUZZ.max_examples // 2, 1))
def test_newsletter(place, data):
    before = (place / "demo.xlsm").read_bytes()
    workbook = data.draw(st.one_of(st.just(str(place / "demo.xlsm")), _paths(place)))
    options = data.draw(_options([("--period", PERIODS), ("--as-of", DATES), ("--output", _output(place)),
                                  ("--template", _paths(place)), ("--allow", ODD_TEXT), ("--force", None),
                                  ("--dump-context", _output(place))]))
    _check(["newsletter", workbook, *options], place, before)


@given(texts=st.lists(ODD_TEXT, min_size=1, max_size=3), start=DATES, end=DATES,
       fmt=st.sampled_from(["text", "json"]))
@FUZZ
def test_when_and_rules(place, texts, start, end, fmt):
    before = (place / "demo.xlsm").read_bytes()
    _check(["when", *texts, "--plan-start", start, "--plan-end", end, "--format", fmt], place, before)
    _check(["when", "--", *texts], place, before)
    _check(["rules", "--format", fmt], place, before)


@given(data=st.data())
@settings(FUZZ, max_examples=max(FUZZ.max_examples // 4, 1))
def test_build_and_upgrade_workbook(place, data):
    before = (place / "demo.xlsm").read_bytes()
    build_options = data.draw(_options([("--demo", None), ("--force", None)]))
    target = data.draw(_output(place))
    _check(["build-workbook", *build_options, "--output", target], place, before)
    old = data.draw(_paths(place))
    _check(["upgrade-workbook", old, "--output", data.draw(_output(place))], place, before)


def test_the_fuzz_wrote_nothing_outside_its_folder():
    repo = Path(__file__).resolve().parents[1]
    assert not [p.name for p in repo.iterdir() if p.name.startswith("-") or ".backup-" in p.name]


def test_the_fuzzed_outputs_never_left_a_temporary_file(place):
    leftovers = [p for p in (place / "out").rglob("*") if p.name.endswith(".tmp")]
    assert leftovers == []
    shutil.rmtree(place / "out", ignore_errors=True)
