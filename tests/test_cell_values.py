"""Tests for a cell's value read as a date, a number, tidy text or a list of days."""

from __future__ import annotations

import datetime as dt

import pytest

from cseplan_xl.cell_values import as_date, as_dates, as_number, as_text, lenient
from cseplan_xl.tables import CellError


def test_cells_as_dates_numbers_and_text():
    assert [as_date(v) for v in (dt.datetime(2018, 3, 1, 9), dt.date(2018, 3, 1), "01/03/2018", "2018-03-01",
                                 " ", None, CellError("#REF!"))] == [dt.date(2018, 3, 1)] * 4 + [None] * 3
    with pytest.raises(ValueError):
        as_date(43160)
    assert [as_number(v) for v in ("1,200", "2.5", 7, " ", None)] == [1200, 2.5, 7, None, None]
    with pytest.raises(ValueError):
        as_number(True)
    assert [as_text(v) for v in ("  a \n b ", dt.datetime(2018, 3, 1), 3, "", CellError("#N/A"))] == [
        "a b", "01/03/2018", "3", None, None]


def test_a_list_of_days_in_order_and_lenient_reading():
    assert as_dates("19/06/2018; 20/03/2018 and 20/03/2018") == (dt.date(2018, 3, 20), dt.date(2018, 6, 19))
    assert as_dates(dt.datetime(2018, 3, 1)) == (dt.date(2018, 3, 1),) and as_dates(CellError("#REF!")) == ()
    with pytest.raises(ValueError):
        as_dates("20/03/2018; soon")
    assert lenient(as_date, "soon") is None and lenient(as_number, "1,200") == 1200 and lenient(as_text, None) is None
