"""The exception hierarchy: the library raises InvalidValue for bad values; UsageError belongs to the CLI."""

from __future__ import annotations

import ast
from pathlib import Path

import cseplan_xl
from cseplan_xl.errors import CseplanError, InvalidValue, UsageError

PACKAGE = Path(cseplan_xl.__file__).parent


def test_both_are_cseplan_errors_the_cli_reports():
    assert issubclass(InvalidValue, CseplanError) and issubclass(UsageError, CseplanError)
    assert not issubclass(InvalidValue, UsageError) and not issubclass(UsageError, InvalidValue)


def test_only_the_cli_names_usage_error():
    naming = sorted(path.name for path in PACKAGE.glob("*.py")
                    if any(isinstance(node, ast.Name) and node.id == "UsageError"
                           or isinstance(node, ast.alias) and node.name == "UsageError"
                           for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))))
    assert naming == ["cli.py"]
