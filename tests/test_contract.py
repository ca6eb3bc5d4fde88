"""The workbook contract: header matching, sheet names, allowed values, and the ranges the coding frame allows."""

from __future__ import annotations

import pytest

from cseplan_xl import contract
from cseplan_xl.contract import Column, normalise_header


def test_headers_match_ignoring_case_spacing_and_punctuation():
    assert normalise_header(" RAG  Status ") == "ragstatus" and normalise_header(2018) == "2018"
    rag = contract.PLAN.column("rag")
    assert [rag.matches(t) for t in ("RAG status", "rag-rating", "Status", "RAG value", "", None)] == [
        True, True, True, False, False, False]
    assert contract.PLAN.header_keys["lead"] == "who" and contract.PLAN.header_keys["timescale"] == "when"
    assert [s.name for s in contract.ALL_SHEETS if s.matches("  comms PLAN")] == ["Plan"]
    with pytest.raises(KeyError):
        contract.PLAN.column("nonsense")


def test_every_sheet_names_its_columns_once():
    for spec in contract.ALL_SHEETS:
        keys = [c.key for c in spec.columns]
        assert len(keys) == len(set(keys)), spec.name
        assert all(c.type in (contract.TEXT, contract.DATE, contract.INTEGER, contract.NUMBER, contract.FLAG)
                   for c in spec.columns), spec.name
    assert [c.key for c in contract.PLAN.required_columns] == ["activity", "when", "who"]


def test_the_coding_frame_lives_on_the_media_columns():
    bounded = {c.key: c.bounds for c in contract.MEDIA.columns if c.bounds is not None}
    assert bounded == {"tone": (-2, 2), "prominence": (1, 3), "key_messages": (0, 5)}
    tone = contract.MEDIA.column("tone")
    assert [tone.within(v) for v in (-2, 0, 2, 2.0, 1.5, 3, -3)] == [True, True, True, True, False, False, False]
    assert Column("Free", "free", contract.INTEGER).within(1_000_000)


def test_choices_offered_by_the_columns():
    assert contract.MEDIA.column("tier").choices == ("local", "regional", "national")
    assert "X (Twitter)" in contract.SOCIAL.column("platform").choices
    assert contract.ANECDOTES.column("source_type").choices[0] == "Professional"
    assert contract.PLAN.column("activity").choices == ()


def test_rag_flags_and_owners_as_officers_type_them():
    assert [contract.parse_rag(v) for v in ("complete", " g ", "Gray", None, "")] == [
        "Blue", "Green", "Grey", None, None]
    with pytest.raises(ValueError):
        contract.parse_rag("Gren")
    assert [contract.parse_flag(v) for v in ("Yes", "n", True, None, " ")] == [True, False, True, None, None]
    with pytest.raises(ValueError):
        contract.parse_flag("maybe")
    assert contract.split_owners("DJ/CT/ Comms team & LW and MT") == ["DJ", "CT", "Comms team", "LW", "MT"]
    assert contract.split_owners(None) == []
