"""Finding addresses and JSON form."""

from __future__ import annotations

import datetime as dt

from cseplan_xl.findings import Finding, cell_address, column_letter


def test_column_letters():
    assert [column_letter(i) for i in (0, 25, 26, 51, 52, 701, 702)] == ["A", "Z", "AA", "AZ", "BA", "ZZ", "AAA"]


def test_addresses_quote_like_excel():
    assert cell_address("Plan", "C", 14) == "Plan!C14"
    assert cell_address("Social media", "B", 2) == "'Social media'!B2"
    assert cell_address("Officer's plan", "A", 1) == "'Officer''s plan'!A1"
    assert cell_address("Media", None, None) == "Media"


def test_finding_json_is_plain_data():
    f = Finding("value-invalid", "error", "not a date", sheet="Plan", row=3, column="K", field="last_updated",
                value=dt.date(2018, 3, 1))
    assert f.cell == "K3" and f.address == "Plan!K3"
    assert f.to_dict() == {"code": "value-invalid", "severity": "error", "sheet": "Plan", "cell": "K3", "row": 3,
                           "column": "K", "field": "last_updated", "activity_id": None, "value": "2018-03-01",
                           "message": "not a date"}
