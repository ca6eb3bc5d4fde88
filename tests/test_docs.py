"""The README stays true: its make commands, its command list and its rule table match the code."""

from __future__ import annotations

import re
from pathlib import Path

from cseplan_xl.cli import build_parser
from cseplan_xl.rules import CATALOGUE

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_readme_opens_with_the_make_commands():
    block = README.split("```")[1].strip().splitlines()
    assert [line.split("#")[0].strip() for line in block] == ["make run", "make test", "make lint"]


def test_ci_lints_before_it_tests():
    root = Path(__file__).resolve().parents[1]
    targets = re.findall(r"^([a-z]+):", (root / "Makefile").read_text(encoding="utf-8"), re.MULTILINE)
    assert {"run", "test", "lint"} <= set(targets)
    steps = [line for line in (root / ".ci" / "run").read_text(encoding="utf-8").splitlines()
             if line.startswith("make ")]
    assert steps == ["make lint", "make test"]


def test_rule_table_matches_the_catalogue():
    rows = re.findall(r"^\| `([a-z-]+)` \| (error|warning|info) \| (.+?) \|$", README, re.MULTILINE)
    assert rows == [(r.code, r.severity, r.title) for r in CATALOGUE.values()]


def test_command_table_matches_the_parser():
    listed = set(re.findall(r"^\| `cseplan ([a-z-]+)", README, re.MULTILINE))
    sub = next(a for a in build_parser()._actions if a.__class__.__name__ == "_SubParsersAction")
    assert listed == set(sub.choices)


def test_every_rule_tag_is_documented():
    tags = {t for r in CATALOGUE.values() for t in r.tags}
    documented = set(re.findall(r"`([a-z]+)`", README.split("Tags (for")[1].split("\n\n")[0]))
    assert tags == documented
