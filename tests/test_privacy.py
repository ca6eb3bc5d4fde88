"""The pre-publication screen: each rule finds what it should, spares what it should, names the cell."""

from __future__ import annotations

import pytest

from cseplan_xl.errors import InvalidValue
from cseplan_xl.findings import ERROR, INFO
from cseplan_xl.privacy import RULES, TextItem, is_role_mailbox, parse_allow, phone_numbers, screen


def _hits(text: str, **kwargs) -> list[tuple[str, str]]:
    return [(f.code, f.value) for f in screen([TextItem(text, "Anecdotes", 5, "D")], **kwargs)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("E-mail jo.bloggs@example.org for details", [("privacy-email", "jo.bloggs@example.org")]),
        ("Call 07700 900123 after school", [("privacy-phone", "07700 900123")]),
        ("Call +44 7700 900123", [("privacy-phone", "+44 7700 900123")]),
        ("Landline (01604) 888 999", [("privacy-phone", "(01604) 888 999")]),
        ("Seen near NN1 2AB on Friday", [("privacy-postcode", "NN1 2AB")]),
        ("lives in nn12ab", [("privacy-postcode", "nn12ab")]),
        ("DOB 03/04/2005", [("privacy-dob", "DOB 03/04/2005")]),
        ("born on 3 March 2004", [("privacy-dob", "born on 3 March 2004")]),
        ("date of birth: March 3rd, 2004", [("privacy-dob", "date of birth: March 3rd, 2004")]),
        ("A girl aged 14 rang us on 12/03/2018", [("privacy-dob", "aged 14 rang us on 12/03/2018")]),
        ("Crime ref 34/12345/18 raised", [("privacy-crime-ref", "Crime ref 34/12345/18")]),
        ("see 34/12345/18", [("privacy-crime-ref", "34/12345/18")]),
        ("CRN: NN1234567", [("privacy-crime-ref", "CRN: NN1234567")]),
        ("URN 4471 logged", [("privacy-crime-ref", "URN 4471")]),
        ("incident number 1234 of 12/3", [("privacy-crime-ref", "incident number 1234")]),
        ("Sam, 14, told us", [("privacy-name-age", "Sam, 14")]),
        ("Sam (14) told us", [("privacy-name-age", "Sam (14")]),
        ("Sam aged 15 said", [("privacy-name-age", "Sam aged 15")]),
        ("a 14-year-old Sam said", [("privacy-name-age", "14-year-old Sam")]),
        ("Sam attends Northfield Academy", [("privacy-name-school", "Sam attends Northfield Academy")]),
        ("Sam, who attends Northfield Academy", [("privacy-name-school", "Sam, who attends Northfield Academy")]),
        ("Sam at St Anne's Primary", [("privacy-name-school", "Sam at St Anne's Primary")]),
    ],
)
def test_each_rule_finds_what_it_should(text, expected):
    assert _hits(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Report to 999 in an emergency or 101; Crimestoppers 0800 555 111; Childline 0800 1111",
        "In March, 14 schools took part",
        "Training at Northfield Academy for 30 staff",
        "Sessions delivered at Northfield Academy on 12/03/2018",
        "Delivered to Y11 2nd session",
        "Feb 2018 launch, Q1 2018/19, 2018-03-18, £1,200",
        "Write to cse.communications@force.example.uk or safeguarding@council.example.uk",
        "A 14-year-old girl told us the film helped",
        "Breck's Last Game reached schools from Sept 2018",
    ],
)
def test_ordinary_plan_text_passes(text):
    assert _hits(text) == []


def test_role_mailbox_rule():
    assert is_role_mailbox("CSE.Communications@force.example.uk")
    assert is_role_mailbox("comms@x.example")
    assert is_role_mailbox("mash-referrals@x.example")
    assert not is_role_mailbox("jo.bloggs@x.example")
    assert not is_role_mailbox("cse.jbloggs@x.example")
    assert is_role_mailbox("jo.bloggs@x.example", ["Jo.Bloggs@x.example"])


def test_settings_extend_mailboxes_and_numbers():
    text = "Write to press.sam@x.example or ring the MASH on 0300 126 1000"
    assert [c for c, _ in _hits(text)] == ["privacy-email", "privacy-phone"]
    assert _hits(text, mailboxes=["press.sam@x.example"], numbers=phone_numbers("MASH: 0300 126 1000")) == []


def test_finding_names_sheet_cell_and_what():
    (finding,) = screen([TextItem("Call 07700 900123", "Anecdotes", 5, "D", field="text")])
    assert finding.address == "Anecdotes!D5"
    assert finding.severity == ERROR
    assert finding.message == (
        "a phone number that is not a published helpline: '07700 900123'; remove it, or allow the cell after checking"
    )
    assert finding.to_dict()["cell"] == "D5"
    assert TextItem("x", "Social media", 7, "C").address == "'Social media'!C7"  # quoted as --allow takes it


def test_allowed_cells_do_not_block_but_are_listed():
    items = [TextItem("Call 07700 900123", "Anecdotes", 5, "D"), TextItem("NN1 2AB", "Plan", 9, "J")]
    found = screen(items, allow=["anecdotes!d5"])
    assert [(f.address, f.severity) for f in found] == [("Anecdotes!D5", INFO), ("Plan!J9", ERROR)]
    assert found[0].message.endswith("(allowed by the officer)")


def test_parse_allow():
    assert parse_allow(["Anecdotes!D5", "'Social media'!$B$2"]) == {"anecdotes!D5", "social media!B2"}
    with pytest.raises(InvalidValue, match="such as Anecdotes!D5"):
        parse_allow(["D5"])


def test_rule_codes_are_stable():
    assert list(RULES) == [
        "privacy-email", "privacy-phone", "privacy-postcode", "privacy-dob",
        "privacy-crime-ref", "privacy-name-age", "privacy-name-school",
    ]


def test_name_with_age_then_school():
    assert _hits("Sam, 14, attends Northfield Academy") == [
        ("privacy-name-age", "Sam, 14"), ("privacy-name-school", "Sam, 14, attends Northfield Academy")]
    assert _hits("Sam (14) at Northfield Academy")[1] == ("privacy-name-school", "Sam (14) at Northfield Academy")
