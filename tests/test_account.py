"""One account of the plan: every face (rollup text and JSON, evaluation, newsletter) tells the same figures.

A variant workbook holds what the demo's first draft got wrong: delivery with and without evidence, a re-dated
activity, a row that validation rejects, figures dated after the as-of date and an Instagram rate per reach.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
from docx import Document

from conftest import write_workbook
from cseplan_xl import contract
from cseplan_xl.briefing import account, draft_newsletter
from cseplan_xl.dates import format_day
from cseplan_xl.evaluation import evaluate
from cseplan_xl.plan import load_plan
from cseplan_xl.rollups import rollup

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "workbook" / "examples" / "cseplan_demo.xlsm"
D = dt.date
CONTROL = [["Board name", "Test Safeguarding Children Partnership"], ["Board short name", "TSCP"],
           ["Plan start", D(2017, 9, 1)], ["Plan end", D(2019, 8, 31)], ["As-of date", D(2018, 3, 31)],
           ["Reporting period", "2018Q1"], ["Contact mailbox", "cse.comms@test.example"]]
PLAN = [
    ["ID", "Section", "Theme", "Activity", "Short title", "When", "Who", "Cost", "RAG", "Progress notes",
     "Last updated", "Original When", "Re-baseline reason", "Delivered on"],
    ["V1", "6.1 Internal", "Awareness",
     "Lecture Theatre, HQ. Presentations: senior investigating officers – tackling CSE; a survivor's view", None,
     "Jan 2018", "CT", "N/A", "Blue", "Held on 25 January.", D(2018, 1, 26), None, None, D(2018, 1, 25)],
    ["V2", "6.1 Internal", "Awareness", "Regular articles in the partners' newsletter", None, "Quarterly", "CT",
     "N/A", "Green", "Winter article out.", D(2018, 3, 20), None, None, "20/10/2017; 19/01/2018"],
    ["V3", "6.1 Internal", "Awareness", "Regular updates to stakeholders", None, "Ongoing", "CT", "N/A", "Green",
     "Update drafted.", D(2018, 3, 28), None, None, None],
    ["V4", "6.2 External", "Gangs", "Gangs and CSE – develop the campaign with partners and schools across the "
     "county for the summer holidays", None, "Summer 2018", "CT", "N/A", "Green", "Materials drafted.",
     D(2018, 3, 9), "Autumn 2017", "Waiting for partner approval", None],
    ["V5", "6.2 External", "Awareness", "Feature on the MASH team", None, "TBC", "CT", "TBC", None, None, None,
     None, None, None],
    ["V6", "6.2 External", "Boys", "Week of action focusing on the issues relating to the reporting of offences",
     "Week of action on reporting", "May 2018", "CT", "TBC", "Green", None, None, None, None, None],
    ["V7", "6.2 External", "Awareness", "Review posters and leaflets", None, "Autumn 2017", "CT", "N/A", "Blue",
     "Printed in November.", D(2018, 2, 1), None, None, D(2017, 11, 20)],
]
MONTHS = [D(2017 + (m - 1) // 12, (m - 1) % 12 + 1, 1) for m in range(1, 19)]  # Jan 2017 .. Jun 2018
REFERRALS = [["Month", "Referrals", "Boys", "Teenage boys"]] + [
    [m, 9 + i % 4, 4, 2] for i, m in enumerate(MONTHS)]
REFERRALS[14][3] = 5  # Feb 2018 (row 15): 5 teenage boys of 4 boys, an error: left out
SOCIAL = [
    ["Date", "Platform", "Reactions", "Comments", "Impressions", "Reach", "Metric definition"],
    [D(2018, 2, 1), "Instagram", 50, 10, 2000, 1000, "Engagements = likes + comments; rate per reach"],
    [D(2018, 2, 2), "Facebook", 40, 10, 5000, 4000, "Engagements = reactions + comments; rate per impression"],
]
AS_OF = D(2018, 3, 31)
MONTH_WORDS = "January|February|March|April|May|June|July|August|September|October|November|December"
_DAY = re.compile(rf"\b(\d{{1,2}}) ({MONTH_WORDS})(?: (\d{{4}}))?\b")


@pytest.fixture
def variant(tmp_path) -> Path:
    return write_workbook(tmp_path / "variant.xlsx", {"Control": CONTROL, "Plan": PLAN, "Referrals": REFERRALS,
                                                       "Social": SOCIAL})


def _allowed(*documents: Any) -> tuple[set[str], set[str]]:
    """Every number (as text, with the roundings prose uses) and every day (as the article writes it) in JSON."""
    numbers: set[str] = set()
    days: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            numbers.add(str(len(value)))
            for v in value:
                walk(v)
        elif isinstance(value, bool) or value is None:
            return
        elif isinstance(value, int):
            numbers.add(str(value))
        elif isinstance(value, float):
            numbers.update({f"{value:.0f}", f"{value:.1f}", f"{100 * value:.0f}%", f"{100 * value:.1f}%"})
        elif isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            day = dt.date.fromisoformat(value)
            days.update({format_day(day, long=True), format_day(day, long=True).rsplit(" ", 1)[0]})
            numbers.add(str(day.year))

    for document in documents:
        walk(document)
    return numbers, days


def _article_text(context: dict[str, Any]) -> list[str]:
    """The article's own words about figures (plan text it quotes, such as titles and notes, left out)."""
    texts = [context["headline"], context["summary"], context["evaluation"]["baseline"], *context["seeing"]]
    texts += [d["date"] for d in context["did"]] + [o["due"] + " " + o["days_text"] for o in context["overdue"]]
    texts += [n["date"] for n in context["next"]] + [q["date"] for q in context["quotes"]]
    texts += [context["captions"]["referrals"], context["quotes_withheld"]]
    return texts


def _untraced(plan_path: Path, **kwargs: Any) -> list[str]:
    plan = load_plan(plan_path)
    article = account(plan, **kwargs)
    as_of = plan.as_of(kwargs.get("as_of"))
    roll = rollup(plan, as_of=as_of, period=kwargs.get("period"))
    ev = evaluate(plan, period=roll.period, as_of=as_of)
    numbers, days = _allowed(roll.to_dict(), ev.partner_view())
    missing = []
    for text in _article_text(article.context):
        for match in _DAY.finditer(text):
            if match.group(0) not in days:
                missing.append(f"{match.group(0)!r} in {text!r}")
        rest = _DAY.sub(" ", text)
        for match in re.finditer(r"\d+(?:\.\d+)?%?", rest):
            if match.group(0) not in numbers:
                missing.append(f"{match.group(0)!r} in {text!r}")
    return missing


@pytest.mark.parametrize("kwargs", [{}, {"period": "2017Q4"}, {"period": "2018-01..2018-02"}])
def test_every_count_and_date_in_the_article_is_a_field_of_the_rollup_or_evaluation(variant, kwargs):
    assert _untraced(variant, **kwargs) == []


@pytest.mark.skipif(not DEMO.exists(), reason="the demo workbook has not been built")
@pytest.mark.parametrize("kwargs", [{}, {"period": "2017Q4"}, {"period": "2018Q1", "as_of": D(2018, 6, 30)}])
def test_every_count_and_date_in_the_demo_article_is_traced(kwargs):
    assert _untraced(DEMO, **kwargs) == []


def test_delivered_means_evidence_never_last_updated(variant):
    plan = load_plan(variant)
    roll = rollup(plan, as_of=AS_OF)
    # V1 completed on 25 Jan (Delivered on); V2's occurrence done on 19 Jan. V3 has only a note updated in the
    # period (in progress), V7 was completed in November though its row was edited on 1 February.
    assert [(d.id, d.date, d.complete) for d in roll.delivered] == [("V2", D(2018, 1, 19), False),
                                                                    ("V1", D(2018, 1, 25), True)]
    ctx = account(plan).context
    assert ctx["headline"] == "CSE communications: 2 activities delivered this quarter"
    assert [(d["id"], d["date"]) for d in ctx["did"]] == [("V2", "19 January"), ("V1", "25 January")]
    updated = {format_day(a.last_updated, long=True).rsplit(" ", 1)[0] for a in plan.activities if a.last_updated}
    assert not updated & {d["date"] for d in ctx["did"]}
    # titles: the activity's own first sentence or its Short title, never cut mid-phrase nor its When text
    assert ctx["did"][1]["activity"] == "Lecture Theatre, HQ"
    assert [n["activity"] for n in ctx["next"]] == [
        "Week of action on reporting", "Gangs and CSE"]


def test_not_yet_scheduled_is_the_rollups_unscheduled_count(variant):
    plan = load_plan(variant)
    roll = rollup(plan, as_of=AS_OF)
    assert [s.id for s in roll.unscheduled] == ["V5"]
    summary = account(plan).context["summary"]
    assert summary.endswith(f" {len(roll.unscheduled)} has no date yet.")
    # The RAG split adds up to the total; the undated count is not added to it a second time.
    grey = roll.overall.counts["Grey"]
    assert f"and {grey} not yet started or scheduled." in summary


def test_a_redated_activity_has_one_set_of_dates_on_every_face(variant, tmp_path):
    plan = load_plan(variant)
    roll = rollup(plan, as_of=AS_OF)
    data = json.loads(json.dumps(roll.to_dict()))
    (v4,) = [a for a in data["activities"] if a["id"] == "V4"]
    assert (v4["start"], v4["end"], v4["moved_from"], v4["moved_to"], v4["slip_days"]) == (
        "2018-06-01", "2018-08-31", "Autumn 2017", "Summer 2018", 274)  # 30 Nov 2017 -> 31 Aug 2018
    assert [(u["id"], u["date"], u["event"]) for u in data["upcoming"] if u["id"] == "V4"] == [
        ("V4", "2018-06-01", "starts")]
    quarter = {g["key"]: g["total"] for g in data["groups"]["quarter"]}
    assert quarter["2018Q2"] == 2  # V4 (from 1 June) and V6 (May); nothing left in its original Autumn 2017
    (line,) = [line for line in roll.to_text().splitlines() if line.startswith("  V4 ") and "moved" in line]
    assert line.endswith(": moved from Autumn 2017 to Summer 2018, 274 days later")
    ctx = account(plan).context
    (planned,) = [n for n in ctx["next"] if n["id"] == "V4"]
    assert (planned["date"], planned["moved"]) == ("From 1 June", "moved from Autumn 2017")
    result = draft_newsletter(plan, out=tmp_path / "d.docx")
    text = "\n".join(p.text for p in Document(str(result.path)).paragraphs)
    assert "From 1 June: Gangs and CSE (moved from Autumn 2017)" in text


def test_rejected_rows_and_rows_after_the_as_of_date_are_out_of_every_figure(variant):
    plan = load_plan(variant)
    ev = evaluate(plan, as_of=AS_OF)
    assert ev.left_out == [
        {"cell": "Referrals!D15", "reason": "teenage boys (5) is more than boys (4)"},
        {"cell": "Referrals!A17:A19", "reason": "3 rows dated after the as-of date 31 Mar 2018"}]
    ref = ev.to_dict()["referrals"]
    # Jan and Mar 2018 only (Feb rejected): 9 + 11 ... as the fixture writes 9 + i % 4
    assert (ref["all"]["period_count"], ref["all"]["period_months"]) == (9 + 12 % 4 + 9 + 14 % 4, 2)
    assert ref["all"]["missing_period_months"] == ["2018-02"]
    result = account(plan)
    assert result.officer_notes == ["Referrals!D15: teenage boys (5) is more than boys (4)",
                                    "Referrals!A17:A19: 3 rows dated after the as-of date 31 Mar 2018"]
    assert "Referrals!D15" not in json.dumps(result.context)  # the note is for the officer, not the article
    assert "Left out of the figures (2):" in ev.to_text()
    assert ev.csv_rows()[0] == {"section": "left_out", "group": "", "key": "Referrals!D15", "field": "reason",
                                "value": "teenage boys (5) is more than boys (4)"}


def test_rates_use_the_denominator_the_metric_definition_names(variant):
    platforms = evaluate(load_plan(variant), as_of=AS_OF).to_dict()["social"]["platforms"]
    by_name = {p["platform"]: p for p in platforms}
    assert (by_name["Instagram"]["denominator"], by_name["Instagram"]["engagement_rate"]) == ("reach", 0.06)
    assert (by_name["Facebook"]["denominator"], by_name["Facebook"]["engagement_rate"]) == ("impressions", 0.01)
    assert by_name["Instagram"]["denominator_from"] == "the Metric definition"


def test_a_scaled_baseline_is_described_as_such(variant):
    ctx = account(load_plan(variant)).context
    assert ctx["seeing"][0].startswith("Referrals")
    ev = evaluate(load_plan(variant), baseline="pre-period:4", as_of=AS_OF).partner_view()
    sentence = ev["referrals"]["all"]["partner_sentence"]
    assert "a quarter on average over the four quarters before" in sentence and "an average of" not in sentence


@pytest.mark.skipif(not DEMO.exists(), reason="the demo workbook has not been built")
def test_partners_read_plain_words_and_every_chart_is_described(tmp_path):
    result = draft_newsletter(load_plan(DEMO), out=tmp_path / "d.docx")
    doc = Document(str(result.path))
    text = "\n".join(p.text for p in doc.paragraphs) + "\n".join(
        c.text for t in doc.tables for row in t.rows for c in row.cells)
    for jargon in ("CI", "p =", "p <", "rate ratio", "pooled", "net tone"):
        assert jargon not in text, jargon
    descriptions = [d.get("descr") for d in doc.element.body.iter(
        "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr")]
    assert len(descriptions) == 2 and all(d and d.startswith("Bar chart of") for d in descriptions)
    props = doc.core_properties
    assert props.author == "Northamptonshire Safeguarding Children Board"
    assert props.created.date() == dt.date.today()


def test_one_rag_legend_on_every_face(variant, tmp_path):
    plan = load_plan(variant)
    legend = contract.RAG_LEGEND
    assert rollup(plan, as_of=AS_OF).to_text().rstrip().endswith(f"Legend: {legend}")
    assert rollup(plan, as_of=AS_OF).to_dict()["legend_text"] == legend
    result = draft_newsletter(plan, out=tmp_path / "d.docx")
    assert f"Key: {legend}." in "\n".join(p.text for p in Document(str(result.path)).paragraphs)
    from python_calamine import CalamineWorkbook

    from cseplan_xl.build import workbook_bytes

    path = tmp_path / "built.xlsm"
    path.write_bytes(workbook_bytes())
    grid = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Plan").to_python()
    assert any(legend in str(cell) for row in grid[:2] for cell in row)


def test_an_as_of_date_outside_the_plan_is_said_once_and_the_newsletter_refuses_a_default_period(tmp_path, capsys):
    from cseplan_xl.cli import main

    rows = [r for r in CONTROL if r[0] not in ("As-of date", "Reporting period")]  # blank As-of: today
    path = write_workbook(tmp_path / "old.xlsx", {"Control": rows, "Plan": PLAN})
    today = dt.date.today()
    note = (f"Note: the as-of date {format_day(today)} (today: the workbook has no As-of date) is after the plan "
            "ended on 31 Aug 2019; choose an as-of date inside the plan (--as-of, or As-of date on Control).")
    assert rollup(load_plan(path)).to_text().splitlines()[1] == note
    assert evaluate(load_plan(path)).to_dict()["as_of_note"] == note
    assert main(["newsletter", str(path), "-o", str(tmp_path / "n.docx")]) == 2
    assert "the plan ended on 31 Aug 2019, but with no As-of date (so today)" in capsys.readouterr().err
    assert not (tmp_path / "n.docx").exists()
    assert main(["newsletter", str(path), "-o", str(tmp_path / "n.docx"), "--as-of", "2018-03-31"]) == 0
    assert main(["validate", str(path)]) in (0, 1)
    assert "as-of-outside-plan" in capsys.readouterr().out


def test_rollup_lists_what_was_delivered_in_a_chosen_period(variant, capsys):
    from cseplan_xl.cli import main

    assert main(["rollup", str(variant), "--period", "2017Q4", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["period"]["label"], [(d["id"], d["date"]) for d in data["delivered"]]) == (
        "2017Q4", [("V2", "2017-10-20"), ("V7", "2017-11-20")])


@pytest.mark.skipif(not DEMO.exists(), reason="the demo workbook has not been built")
def test_the_demos_deliveries_are_its_evidence():
    roll = rollup(load_plan(DEMO))
    # the screensaver ran in November 2017 (not in the quarter); the lecture was held on 25 January (its row was
    # edited on the 26th); occurrences of repeating work count only on the days recorded as done
    assert [(d.id, d.date.isoformat(), d.complete) for d in roll.delivered] == [
        ("6.1-02", "2018-01-19", False), ("6.1-01", "2018-01-25", True), ("6.2-13", "2018-03-18", False),
        ("6.2-10", "2018-03-27", False), ("6.1-03", "2018-03-28", False)]
    assert account(load_plan(DEMO)).context["headline"] == "CSE communications: 5 activities delivered this quarter"
