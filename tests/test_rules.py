"""Each rule on a small workbook: the finding's code, severity, address and message."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import CONTROL_ROWS
from cseplan_xl.errors import InvalidValue
from cseplan_xl.plan import load_plan
from cseplan_xl.rules import CATALOGUE, check_plan, select_rules

AS_OF = dt.date(2018, 3, 31)
HEADER = ["ID", "Section", "Theme", "Activity", "When", "Who", "Cost", "RAG", "Progress notes", "Last updated",
          "Original When", "Re-baseline reason", "Start", "End"]
#            A      B       C           D             E            F     G      H     I     J     K     L     M     N
GOOD = ["6.2-01", "6.2 External", "Awareness", "Poster review", "Autumn 2018", "CT", "N/A", None, None, None, None,
        None, None, None]
LOOKUPS = {
    "Control": CONTROL_ROWS,
    "Owners": [["Code", "Role or team"], ["CT", "Communications officer"], ["MT", "Media team"]],
    "Lists": [["Sections", "Themes", "Phases"], ["6.2 External", "Awareness", "Phase One"]],
    "Referrals": [["Month", "Referrals", "Boys", "Teenage boys"]],
    "Social": [["Date", "Platform", "Reactions", "Impressions"]],
    "Media": [["Date", "Tone", "Prominence", "Key messages"]],
    "Anecdotes": [["Anecdote", "Consent to publish", "Anonymised", "Publish"]],
}


def row(**changes):
    """A copy of GOOD with fields changed by header name (underscored)."""
    out = list(GOOD)
    for name, value in changes.items():
        out[[h.replace(" ", "_").replace("-", "_").lower() for h in HEADER].index(name.lower())] = value
    return out


def findings_for(book, rows, extra=None, as_of=AS_OF, **kw):
    sheets = {"Plan": [HEADER, *rows], **LOOKUPS, **(extra or {})}
    return check_plan(load_plan(book(sheets)), as_of, **kw)


CASES = [
    ("activity-missing", [row(activity=None)], "Plan!D2"),
    ("when-missing", [row(when=None)], "Plan!E2"),
    ("when-not-understood", [row(when="when we can")], "Plan!E2"),
    ("who-missing", [row(who="TBC")], "Plan!F2"),
    ("owner-unknown", [row(who="CT/ZZ")], "Plan!F2"),
    ("cost-invalid", [row(cost="about 500")], "Plan!G2"),
    ("cost-tbc-started", [row(cost="TBC", when="Jan 2018")], "Plan!G2"),
    ("rag-invalid", [row(rag="Gren")], "Plan!H2"),
    ("rag-blank-started", [row(when="Jan 2018 - Jun 2018")], "Plan!H2"),
    ("rag-stale", [row(when="Feb 2018", rag="Green")], "Plan!H2"),
    ("complete-before-start", [row(rag="Complete")], "Plan!H2"),
    ("end-before-start", [row(start=dt.date(2018, 5, 1), end=dt.date(2018, 4, 1))], "Plan!N2"),
    ("outside-plan-lifetime", [row(when="Autumn 2020")], "Plan!E2"),
    ("duplicate-id", [row(), row(activity="Other")], "Plan!A3"),
    ("duplicate-activity", [row(), row(id="6.2-02", activity="poster  review")], "Plan!D3"),
    ("section-not-in-lists", [row(section="6.9 Elsewhere")], "Plan!B2"),
    ("theme-not-in-lists", [row(theme="Knitting")], "Plan!C2"),
    ("when-assumption", [row(when="Tender process starts October 2017")], "Plan!E2"),
    ("rebaseline-reason-missing", [row(original_when="Feb 2018")], "Plan!L2"),
    ("no-recent-update", [row(when="Jan 2018 - Dec 2018", rag="Green", last_updated=dt.date(2017, 12, 1))],
     "Plan!J2"),
    ("cell-error", [row(cost="=Broken")], "Plan!G2"),
    ("value-invalid", [row(last_updated="last week")], "Plan!J2"),
]


@pytest.mark.parametrize("code, rows, address", CASES, ids=[c[0] for c in CASES])
def test_plan_rule(book, code, rows, address):
    found = [f for f in findings_for(book, rows) if f.code == code]
    assert [f.address for f in found] == [address]
    assert found[0].severity == CATALOGUE[code].severity
    assert found[0].message


def test_good_row_has_no_plan_findings(book):
    assert [f.code for f in findings_for(book, [row()])] == []


def test_messages_say_what_to_do(book):
    [f] = [f for f in findings_for(book, [row(when="Feb 2018", rag="Green")]) if f.code == "rag-stale"]
    assert f.message == ("reported Green but the window ended 28 Feb 2018 (31 days ago) and it is not marked "
                         "complete: the derived status is Red. Mark it Blue if done, or re-baseline it (new When, "
                         "keep Original When, give a reason)")
    assert f.activity_id == "6.2-01" and f.value == "Green" and f.field == "rag"


def test_complete_is_accepted_for_blue_in_any_case(book):
    assert not [f for f in findings_for(book, [row(rag="cOmPlEtE", when="Nov 2017")]) if f.code == "rag-invalid"]


def test_as_of_decides_started(book):
    rows = [row(cost="TBC", when="Autumn 2018")]
    assert not [f for f in findings_for(book, rows) if f.code == "cost-tbc-started"]
    later = findings_for(book, rows, as_of=dt.date(2018, 10, 1))
    assert [f.address for f in later if f.code == "cost-tbc-started"] == ["Plan!G2"]


def test_setting_invalid(book):
    control = [["Plan start", "soon"], ["Plan end", dt.date(2019, 8, 31)]]
    found = [f for f in findings_for(book, [row()], {"Control": control}) if f.code == "setting-invalid"]
    assert [f.address for f in found] == ["Control!B1"]


EVAL_CASES = [
    ("count-invalid", "Referrals", [["Month", "Referrals"], [dt.date(2018, 1, 1), -1]], "Referrals!B2"),
    ("count-invalid", "Referrals", [["Month", "Referrals"], [dt.date(2018, 1, 1), 2.5]], "Referrals!B2"),
    ("subgroup-exceeds-total", "Referrals",
     [["Month", "Referrals", "Boys", "Teenage boys"], [dt.date(2018, 1, 1), 5, 6, 1]], "Referrals!C2"),
    ("subgroup-exceeds-total", "Referrals",
     [["Month", "Referrals", "Boys", "Teenage boys"], [dt.date(2018, 1, 1), 9, 3, 4]], "Referrals!D2"),
    ("duplicate-period", "Referrals",
     [["Month", "Referrals"], [dt.date(2018, 1, 1), 5], [dt.date(2018, 1, 15), 6]], "Referrals!A3"),
    ("engagement-exceeds-denominator", "Social",
     [["Date", "Platform", "Reactions", "Shares", "Impressions"], [dt.date(2018, 1, 1), "Facebook", 80, 30, 100]],
     "Social!E2"),
    ("code-out-of-range", "Media", [["Date", "Tone", "Prominence"], [dt.date(2018, 1, 1), 3, 2]], "Media!B2"),
    ("code-out-of-range", "Media", [["Date", "Tone", "Prominence"], [dt.date(2018, 1, 1), 1, 0]], "Media!C2"),
    ("anecdote-not-publishable", "Anecdotes",
     [["Anecdote", "Consent to publish", "Anonymised", "Publish"], ["It helped", "No", "Yes", "Yes"]],
     "Anecdotes!D2"),
    ("value-invalid", "Anecdotes", [["Anecdote", "Consent to publish"], ["It helped", "maybe"]], "Anecdotes!B2"),
]


@pytest.mark.parametrize("code, sheet, rows, address", EVAL_CASES)
def test_evaluation_rule(book, code, sheet, rows, address):
    found = [f for f in findings_for(book, [row()], {sheet: rows}) if f.code == code]
    assert [f.address for f in found] == [address]


def test_missing_sheets_give_one_info_each_and_skip_their_rules(book):
    path = book({"Plan": [HEADER, row(who="ZZ")]})
    found = check_plan(load_plan(path), AS_OF)
    missing = [f for f in found if f.code == "sheet-missing"]
    assert {f.sheet for f in missing} == {"Owners", "Lists", "Control", "Referrals", "Social", "Media", "Anecdotes"}
    assert "owner-unknown" in next(f for f in missing if f.sheet == "Owners").message
    assert not [f for f in found if f.code == "owner-unknown"]


def test_select_and_ignore_by_code_and_tag(book):
    rows = [row(rag="Gren", cost="about 500")]
    assert {f.code for f in findings_for(book, rows, select=["rag"])} == {"rag-invalid"}
    assert {f.code for f in findings_for(book, rows, ignore=["cost-invalid"])} == {"rag-invalid"}
    with pytest.raises(InvalidValue, match="unknown rule code or tag: nonsense"):
        select_rules(["nonsense"])


def test_catalogue_codes_are_kebab_case_with_known_severities():
    for code, rule in CATALOGUE.items():
        assert code == rule.code and code.replace("-", "").isalpha() and code.islower()
        assert rule.severity in ("error", "warning", "info") and rule.title
    assert len(CATALOGUE) >= 30


def test_phase_not_in_lists(book):
    header = HEADER + ["Phase"]
    sheets = {"Plan": [header, row() + ["Phase Nine"]], **LOOKUPS}
    found = check_plan(load_plan(book(sheets)), AS_OF)
    assert [(f.code, f.address) for f in found if f.code == "phase-not-in-lists"] == [
        ("phase-not-in-lists", "Plan!O2")]


def test_rag_stale_covers_a_missed_occurrence_of_a_repeating_activity(book):
    found = findings_for(book, [row(when="Quarterly", rag="Green")])
    [f] = [f for f in found if f.code == "rag-stale"]
    assert f.address == "Plan!H2" and f.message.startswith("reported Green but")


def test_an_excel_error_in_a_required_cell_is_reported_once(book):
    found = findings_for(book, [row(activity="=Broken", when="=Broken", who="=Broken")])
    assert sorted((f.code, f.address) for f in found) == [
        ("cell-error", "Plan!D2"), ("cell-error", "Plan!E2"), ("cell-error", "Plan!F2")]


def test_when_not_understood_even_with_start_and_end(book):
    found = findings_for(book, [row(when="when pigs fly", start=dt.date(2018, 1, 1), end=dt.date(2018, 2, 1))])
    assert [f.address for f in found if f.code == "when-not-understood"] == ["Plan!E2"]


def test_reporting_period_and_reversed_lifetime(book):
    control = [["Plan start", dt.date(2019, 8, 31)], ["Plan end", dt.date(2017, 9, 1)], ["Reporting period", "Q7"]]
    found = findings_for(book, [row()], {"Control": control})
    assert sorted(f.address for f in found if f.code == "setting-invalid") == ["Control!B2", "Control!B3"]
    assert not [f for f in found if f.code == "outside-plan-lifetime"]


def test_an_unreadable_optional_sheet_is_not_also_missing(book):
    found = findings_for(book, [row()], {"Referrals": [["Nothing", "Useful"], [1, 2]]})
    assert [f.code for f in found if f.sheet == "Referrals"] == ["sheet-unreadable"]


def test_rules_ask_the_plan_not_the_reader():
    import ast
    from pathlib import Path

    import cseplan_xl

    modules = sorted(Path(cseplan_xl.__file__).parent.glob("rule*.py"))
    assert [m.stem for m in modules] == ["rulebook", "rules", "rules_activities", "rules_evaluation", "rules_privacy",
                                         "rules_workbook"]
    for module in modules:
        tree = ast.parse(module.read_text(encoding="utf-8"))
        reached = sorted({node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)
                          and node.attr in ("source", "raw", "settings_rows", "settings_sheet")})
        assert reached == [], module.name


def test_the_catalogue_is_the_families_in_turn():
    from cseplan_xl import rules_activities, rules_evaluation, rules_privacy, rules_workbook
    from cseplan_xl.rules import FAMILIES

    assert FAMILIES == (rules_workbook.READ, rules_activities.RULES, rules_workbook.RULES, rules_evaluation.RULES,
                        rules_privacy.RULES)
    assert list(CATALOGUE.values()) == [rule for family in FAMILIES for rule in family.rules]
    assert [r.code for r in CATALOGUE.values()][:6] == ["unknown-column", "sheet-unreadable", "duplicate-column",
                                                        "sheet-hidden", "sheet-missing", "activity-missing"]
    assert list(CATALOGUE)[-2:] == ["setting-contact-not-role-mailbox", "setting-placeholder"]


def test_a_code_declared_twice_is_refused():
    from cseplan_xl.rulebook import RuleFamily
    from cseplan_xl.rules import _catalogue

    family = RuleFamily()
    family.reader_rule("sheet-hidden", "info", "Again", ("structure",))
    with pytest.raises(ValueError, match="rule code 'sheet-hidden' is declared twice"):
        _catalogue([family, family])


# --- personal data and published contacts --------------------------------------------------------


def test_every_privacy_rule_is_in_the_catalogue():
    from cseplan_xl.privacy import RULES

    assert set(RULES) <= set(CATALOGUE)
    assert all(CATALOGUE[code].severity == "error" and "privacy" in CATALOGUE[code].tags for code in RULES)
    assert {r.code for r in select_rules(["privacy"])} >= set(RULES) | {"setting-contact-not-role-mailbox"}
    assert not {r.code for r in select_rules(ignore=["privacy"])} & set(RULES)


def test_validate_screens_every_sheet_and_setting(book):
    extra = {
        "Control": [*CONTROL_ROWS, ["Contact mailbox", "cse.communications@force.example.uk"],
                    ["Local referral route", "Ring PC Dave Brown on his mobile 07700 900456, or the MASH on 0300 126 "
                                             "1000"]],
        "Social": [["Date", "Platform", "Post", "Reactions"], [AS_OF, "Facebook", "Thanks @dave_b77 (Jess, 14)", 3]],
        "Media": [["Date", "Outlet", "Headline", "Tone"], [AS_OF, "Local radio", "Girl, 14, from NN1 2AB", 0]],
        "Owners": [["Code", "Role or team"], ["CT", "Communications officer"], ["MT", "Jo Bloggs 07700 900111"]],
    }
    found = {(f.address, f.code) for f in findings_for(book, [row(progress_notes="Call Sam on 07700 900123")],
                                                         extra=extra, select=["privacy"])}
    assert found == {
        ("Plan!I2", "privacy-phone"), ("Control!B8", "privacy-phone"), ("Social!C2", "privacy-social-handle"),
        ("Social!C2", "privacy-name-age"), ("Media!C2", "privacy-postcode"), ("Owners!B3", "privacy-phone"),
    }
    control = [f for f in findings_for(book, [row()], extra=extra, select=["privacy-phone"])]
    assert control[0].message.endswith("never a personal or direct number")  # the MASH's 0300 number passes


def test_each_check_screens_the_plan_once_for_all_privacy_rules(book, monkeypatch):
    import cseplan_xl.privacy

    screened = []
    real = cseplan_xl.privacy.text_hits

    def counting(texts, **kw):
        screened.append(len(texts))
        return real(texts, **kw)

    monkeypatch.setattr(cseplan_xl.privacy, "text_hits", counting)
    plan = load_plan(book({"Plan": [HEADER, row(progress_notes="Call Sam on 07700 900123")], **LOOKUPS}))
    first = check_plan(plan, AS_OF, select=["privacy"])
    assert len(screened) == 1  # one screen shared by the 13 rules
    assert check_plan(plan, AS_OF, select=["privacy"]) == first
    assert len(screened) == 2  # a second check of the same plan screens again: nothing is kept between calls
    assert [f.code for f in first] == ["privacy-phone"]


@pytest.mark.parametrize(("mailbox", "codes"), [
    ("cse.communications@force.example.uk", []),
    ("john.smith@hotmail.co.uk", ["privacy-email", "setting-contact-not-role-mailbox"]),
    ("safeguarding@gmail.com", ["privacy-email", "setting-contact-not-role-mailbox"]),
    ("jsmith@northants.police.uk", ["privacy-email", "setting-contact-not-role-mailbox"]),
    ("cse.communications@example.org", ["setting-placeholder"]),
    ("TBC", ["setting-placeholder"]),
])
def test_the_contact_must_be_a_role_mailbox(book, mailbox, codes):
    extra = {"Control": [*CONTROL_ROWS, ["Contact mailbox", mailbox]]}
    found = findings_for(book, [row()], extra=extra, select=["privacy", "settings"])
    assert sorted(f.code for f in found) == codes
    assert all(f.address == "Control!B7" for f in found)
    if codes == ["setting-placeholder"]:
        assert found[0].message == ("Contact mailbox is a placeholder: put the real one in Control!B7; until then "
                                    "the newsletter says [contact to be added]")
