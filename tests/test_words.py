"""Wording helpers: counts with their noun."""

from __future__ import annotations

from cseplan_xl.words import plural


def test_plural():
    assert plural(1, "error") == "1 error"
    assert plural(0, "error") == "0 errors"
    assert plural(3, "activity", "activities") == "3 activities"
    assert plural(1, "activity", "activities") == "1 activity"
    assert plural(None, "day", "days") == "None days"
