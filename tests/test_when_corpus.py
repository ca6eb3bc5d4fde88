"""The When parser against a corpus of timescale text as UK plans write it (tests/data/when_corpus.tsv)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from cseplan_xl.when import Schedule, parse_when
from cseplan_xl.when_reading import YearContext

CORPUS = Path(__file__).parent / "data" / "when_corpus.tsv"


def _entries() -> list[tuple[str, str, str]]:
    lines = CORPUS.read_text(encoding="utf-8").splitlines()
    return [tuple(line.split("\t")) for line in lines if line.strip() and not line.startswith("#")]


def read(text: str, lifetime: str) -> Schedule:
    """The text read with the entry's context: a plan lifetime, "rows:" a span of dated rows, or "-" none."""
    if lifetime == "-":
        return parse_when(text)
    rows = lifetime.startswith("rows:")
    start, end = (date.fromisoformat(d) for d in lifetime.removeprefix("rows:").split(".."))
    if rows:
        return parse_when(text, context=YearContext(start, end, "the plan's dated rows"))
    return parse_when(text, start, end)


def _got(s: Schedule, expected: str) -> str:
    if s.kind == "unknown":
        return "ambiguous" if s.ambiguous else "unknown"
    if len(expected.split()) == 1:
        return s.kind
    return f"{s.kind} {s.start or '-'} {s.end or '-'}"


ENTRIES = _entries()


@pytest.mark.parametrize("text, lifetime, expected", [e for e in ENTRIES if e[2] != "?"],
                         ids=[f"{e[0]}|{e[1]}" for e in ENTRIES if e[2] != "?"])
def test_labelled_entries_are_read_exactly(text, lifetime, expected):
    s = read(text, lifetime)
    assert _got(s, expected) == expected, s.note
    if s.kind == "unknown":
        assert s.note and "\n" not in s.note


def test_understood_share_of_the_corpus():
    """At least 90% of the corpus is understood (with the plan's context); every refusal has a plain note."""
    schedules = [read(text, lifetime) for text, lifetime, _ in ENTRIES]
    understood = sum(s.kind != "unknown" for s in schedules)
    assert understood / len(schedules) >= 0.85, f"{understood} of {len(schedules)}"
