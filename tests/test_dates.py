"""The one home of dates: month names and arithmetic, ISO and display formatting, day text."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest

from cseplan_xl.dates import (
    MONTH_NAMES,
    MONTH_NUMBERS,
    add_months,
    as_day,
    format_day,
    iso,
    month_end,
    month_span,
    parse_day,
    shift_months,
)

D = dt.date
SRC = Path(__file__).resolve().parents[1] / "src" / "cseplan_xl"


def test_month_helpers():
    assert month_end(D(2016, 2, 3)) == D(2016, 2, 29)
    assert add_months(D(2018, 11, 1), 3) == D(2019, 2, 1)
    assert add_months(D(2018, 1, 1), -1) == D(2017, 12, 1)
    assert month_span(2018, 3) == (D(2018, 3, 1), D(2018, 3, 31))
    assert month_span(2018, 12, 3) == (D(2018, 12, 1), D(2019, 2, 28))  # Winter 2018
    assert month_span(2018, 13, 2) == (D(2019, 1, 1), D(2019, 2, 28))
    assert month_span(2018, 0) == (D(2017, 12, 1), D(2017, 12, 31))
    assert shift_months(D(2016, 2, 29), 12) == D(2017, 2, 28)
    assert shift_months(D(2018, 1, 31), 1) == D(2018, 2, 28)
    assert shift_months(D(2018, 2, 28), 1, keep_month_end=True) == D(2018, 3, 31)


def test_month_names_and_spellings():
    assert MONTH_NAMES[0] == "January" and MONTH_NAMES[11] == "December" and len(MONTH_NAMES) == 12
    assert MONTH_NUMBERS["sept"] == MONTH_NUMBERS["sep"] == MONTH_NUMBERS["september"] == 9
    assert MONTH_NUMBERS["may"] == 5 and len(MONTH_NUMBERS) == 24


def test_format_day_and_iso():
    assert format_day(D(2017, 9, 19)) == "19 Sep 2017"
    assert format_day(D(2017, 9, 5), long=True) == "5 September 2017"
    assert format_day(D(2018, 5, 1)) == "1 May 2018"
    assert format_day(None) == format_day(None, long=True) == "?"
    assert iso(D(2018, 3, 31)) == "2018-03-31" and iso(None) is None


@pytest.mark.parametrize("text, day", [
    ("2018-03-31", D(2018, 3, 31)), ("2018-3-1", D(2018, 3, 1)), (" 2018-03-31 00:00:00 ", D(2018, 3, 31)),
    ("31/03/2018", D(2018, 3, 31)), ("31.3.18", D(2018, 3, 31)), ("1-2-2019", D(2019, 2, 1)),
])
def test_parse_day(text, day):
    assert parse_day(text) == day


@pytest.mark.parametrize("text", ["31/02/2018", "2018/03/31", "March 2018", "", "13/13/2018"])
def test_parse_day_refuses(text):
    with pytest.raises(ValueError):
        parse_day(text)


def test_as_day():
    assert as_day(dt.datetime(2018, 3, 31, 12, 5)) == D(2018, 3, 31)
    assert as_day(D(2018, 3, 31)) == D(2018, 3, 31)
    assert as_day("2018-03-31") is None and as_day(None) is None


def _package_imports(module: str) -> set[str]:
    """Modules of the package a module imports, at the top or inside functions."""
    tree = ast.parse((SRC / f"{module}.py").read_text(encoding="utf-8"))
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            out |= {node.module} if node.module else {a.name for a in node.names}
    return out


def test_dates_is_a_leaf_and_when_and_period_do_not_import_each_other_both_ways():
    assert _package_imports("dates") == set()
    assert _package_imports("words") == set()
    assert "period" not in _package_imports("when")
    assert "dates" in _package_imports("when") and "dates" in _package_imports("period")
