"""Evaluation figures against hand-computed values: rate ratios, shares, social, media, anecdotes, views."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math

import pytest

from cseplan_xl import anecdotes, measures, referrals, social_media, traditional_media
from cseplan_xl.disclosure import FEWER_THAN, WITHHELD
from cseplan_xl.errors import InvalidValue
from cseplan_xl.evaluation import CSV_COLUMNS, evaluate, parse_baseline
from cseplan_xl.plan import load_plan

D = dt.date


def _upper(k: int, n: int, p: float) -> float:
    """P(Y >= k) for Y ~ Binomial(n, p), summed by hand."""
    return sum(math.comb(n, j) * p**j * (1 - p) ** (n - j) for j in range(k, n + 1))


def test_parse_baseline():
    assert parse_baseline("same-period-last-year") == ("same-period-last-year", 1)
    assert parse_baseline("Same period last year") == ("same-period-last-year", 1)
    assert parse_baseline("pre-period:4") == ("pre-period", 4)
    for bad in ("pre-period", "pre-period:0", "pre-period:x", "last month", ""):
        with pytest.raises(InvalidValue):
            parse_baseline(bad)


# --- end to end through a workbook -----------------------------------------------------------

PLAN = [["Activity", "When", "Who"], ["Launch Breck's Last Game in schools", "Feb 2018", "CT"]]
REF_HEADER = ["Month", "Referrals", "Boys", "Teenage boys"]


def _referrals(skip: tuple[dt.date, ...] = (), teen_2018: tuple[int, int, int] = (4, 4, 3)) -> list[list]:
    rows = [REF_HEADER]
    # 2017 Q1: 7 + 7 + 6 = 20 referrals, boys 3 + 3 + 2 = 8, teenage boys 2 + 2 + 2 = 6
    for month, values in ((1, (7, 3, 2)), (2, (7, 3, 2)), (3, (6, 2, 2))):
        rows.append([D(2017, month, 1), *values])
    for month in range(4, 13):  # Apr-Dec 2017: 5 a month, 2 boys, 1 teenage boy
        rows.append([D(2017, month, 1), 5, 2, 1])
    # 2018 Q1: 30 referrals, boys 5 + 5 + 4 = 14, teenage boys 11 by default
    for month, (refs, boys), teen in zip((1, 2, 3), ((10, 5), (10, 5), (10, 4)), teen_2018):
        rows.append([D(2018, month, 1), refs, boys, teen])
    return [r for r in rows if r[0] not in skip]


SOCIAL = [
    ["Date", "Platform", "Campaign", "Reactions", "Comments", "Shares", "Saves", "Clicks", "Impressions", "Views",
     "Reach", "Followers", "Metric definition"],
    [D(2018, 1, 10), "Facebook", "Breck", 10, 2, 3, None, 5, None, 1000, 800, 5000, "views (Meta, 2025)"],
    [D(2018, 2, 10), "Facebook", "Breck", 30, 0, 10, None, 0, None, 3000, 2500, 5100, "views (Meta, 2025)"],
    [D(2018, 3, 1), "Facebook", "DBAA", 5, None, None, None, None, 500, None, None, None, None],
    [D(2018, 1, 20), "X (Twitter)", "Breck", 4, 1, 5, None, 2, 2000, None, None, 900, "impressions"],
    [D(2018, 3, 20), "X (Twitter)", "Breck", 6, None, None, None, None, 1000, None, None, None, "impressions"],
    [D(2017, 2, 1), "Facebook", "Awareness", 10, None, None, None, None, None, 500, None, None, None],
]

MEDIA = [
    ["Date", "Outlet", "Outlet tier", "Campaign", "Tone", "Prominence", "Duration seconds", "Key messages",
     "Reporting route given"],
    [D(2018, 1, 5), "Local paper", "Local", "Breck", 2, 3, None, 3, "yes"],
    [D(2018, 1, 9), "Local radio", "local", "Breck", 1, 1, 90, 2, "no"],
    [D(2018, 2, 2), "Regional TV", "regional", "DBAA", -1, 2, 45, 0, None],
    [D(2018, 2, 20), "National paper", "national", "Breck", 0, 2, None, 5, "yes"],
    [D(2018, 3, 30), "Regional paper", "regional", "DBAA", 7, 1, None, None, None],
    [D(2017, 3, 1), "Local paper", "local", "Breck", -2, 3, None, 1, "no"],
]

ANECDOTES = [
    ["Date", "Source type", "Campaign", "Anecdote", "Consent to publish", "Anonymised", "Publish"],
    [D(2018, 1, 15), "Professional", "Breck", "A teacher said pupils talked about the film.", "yes", "yes", "yes"],
    [D(2018, 2, 15), "Parent or carer", "Breck", "A parent changed game settings.", "yes", "no", "yes"],
    [D(2018, 3, 15), "Professional", "DBAA", "A youth worker used the leaflet.", "no", "yes", None],
    [None, "Young person", "Breck", "Undated comment.", "yes", "yes", None],
    [D(2017, 5, 1), "Professional", "Breck", "Last year.", "yes", "yes", None],
]


@pytest.fixture
def full(book):
    return load_plan(book({"Plan": PLAN, "Control": [["Reporting period", "2018Q1"], ["As-of date", D(2018, 4, 10)]],
                           "Referrals": _referrals(), "Social": SOCIAL, "Media": MEDIA, "Anecdotes": ANECDOTES}))


def test_referrals_same_period_last_year(full):
    ev = evaluate(full)
    assert (ev.period.label, ev.baseline_method, [p.label for p in ev.baseline_periods]) == (
        "2018Q1", "same-period-last-year", ["2017Q1"])
    ref = ev.to_dict()["referrals"]
    assert ref["status"] == "ok" and ref["source"] == "Referrals sheet"
    assert ref["baseline"] == "the same period last year, Q1 2017 (January to March 2017)"
    assert ref["period"] == {"label": "2018Q1", "start": "2018-01-01", "end": "2018-03-31", "months": 3.0}
    a, t = ref["all"], ref["teen_boys"]
    assert (a["period_count"], a["baseline_count"], a["period_months"], a["baseline_months"]) == (30, 20, 3, 3)
    assert a["rate_ratio"] == 1.5 and a["p_increase"] == pytest.approx(_upper(30, 50, 0.5), abs=1e-6)
    assert (t["period_count"], t["baseline_count"], t["baseline_average"]) == (11, 6, 6.0)
    assert t["rate_ratio"] == pytest.approx(11 / 6, abs=1e-6)
    assert [round(x, 2) for x in t["ci_exact"]] == [0.62, 6.04]
    assert t["sentence"] == ("Referrals from teenage boys rose from 6 to 11 (rate ratio 1.83, 95% CI 0.62 to 6.04): "
                             "too few to be sure the change is real.")
    assert (t["missing_period_months"], t["missing_baseline_months"]) == ([], [])
    boys = ref["boys_share"]
    assert (boys["period"]["count"], boys["period"]["of"], boys["baseline"]["count"], boys["baseline"]["of"]) == (
        14, 30, 8, 20)
    assert boys["period"]["share"] == pytest.approx(14 / 30, abs=1e-6)
    assert [round(x, 3) for x in boys["period"]["ci"]] == [0.302, 0.639]
    assert ref["teen_boys_share"]["baseline"]["share"] == pytest.approx(0.3)
    assert ref["notes"] == []


def test_referrals_pre_period_baseline(full):
    ref = evaluate(full, baseline="pre-period:2").to_dict()["referrals"]
    a = ref["all"]
    # Jul-Dec 2017: 6 months of 5 = 30; average per quarter 15; RR = (30/3) / (30/6) = 2
    assert (a["baseline_count"], a["baseline_months"], a["baseline_periods"], a["baseline_average"]) == (30, 6, 2, 15.0)
    assert a["rate_ratio"] == 2.0
    assert a["p_increase"] == pytest.approx(_upper(30, 60, 1 / 3), abs=1e-6)
    assert a["sentence"].startswith("Referrals rose from an average of 15 to 30 (rate ratio 2.00")
    assert ref["baseline"] == "the average of the 2 periods of the same length before (2017Q3 to 2017Q4)"


def test_missing_baseline_month_is_reported_not_zero(book):
    plan = load_plan(book({"Plan": PLAN, "Referrals": _referrals(skip=(D(2017, 2, 1),))}))
    ev = evaluate(plan, period="2018Q1")
    a = ev.to_dict()["referrals"]["all"]
    # 2017 Q1 without February: 7 + 6 = 13 over 2 months; RR = (30/3) / (13/2)
    assert (a["baseline_count"], a["baseline_months"], a["missing_baseline_months"]) == (13, 2, ["2017-02"])
    assert a["rate_ratio"] == pytest.approx(10 / 6.5, abs=1e-6)
    assert a["baseline_average"] == 19.5
    assert a["p_increase"] == pytest.approx(_upper(30, 43, 3 / 5), abs=1e-6)
    assert a["sentence"].startswith("Referrals rose from an average of 19.5 to 30 (rate ratio 1.54")
    assert a["sentence"].endswith("Months with no figures (2017-02) are left out, not counted as zero.")
    assert ev.to_dict()["referrals"]["notes"] == [
        "no referral figures for 2017-02: those months are left out of the rates, not counted as zero"]


def test_whole_baseline_missing(book):
    rows = [r for r in _referrals() if not (isinstance(r[0], dt.date) and r[0].year == 2017 and r[0].month <= 3)]
    ref = evaluate(load_plan(book({"Plan": PLAN, "Referrals": rows})), period="2018Q1").to_dict()["referrals"]
    assert ref["all"]["rate_ratio"] is None and ref["all"]["baseline_months"] == 0
    assert ref["all"]["sentence"] == "Referrals: no figures recorded for the baseline, so there is nothing to compare."


def test_default_period_from_control_then_last_complete_quarter(full, book):
    assert evaluate(full).period.label == "2018Q1"
    plan = load_plan(book({"Plan": PLAN, "Referrals": _referrals()}, name="nocontrol.xlsx"))
    assert evaluate(plan, as_of=D(2018, 5, 2)).period.label == "2018Q1"
    assert evaluate(plan, as_of=D(2018, 3, 31)).period.label == "2018Q1"
    assert evaluate(plan, as_of=D(2018, 3, 30)).period.label == "2017Q4"
    with pytest.raises(InvalidValue):
        evaluate(plan, period="spring")
    with pytest.raises(InvalidValue):
        evaluate(plan, period="2018Q1", baseline="pre-period")


def test_social_per_platform(full):
    soc = evaluate(full).to_dict()["social"]
    assert soc["status"] == "ok" and soc["source"] == "Social sheet"
    assert sorted(soc) == ["baseline", "definition", "notes", "period", "platforms", "posts", "source", "status"]
    fb, x = soc["platforms"]
    assert fb["platform"] == "Facebook" and fb["posts"] == 3
    assert (fb["reactions"], fb["comments"], fb["shares"], fb["saves"], fb["clicks"]) == (45, 2, 13, None, 5)
    assert fb["engagements"] == 20 + 40 + 5
    # Views on 2 of 3 posts, impressions on 1: views (the most-reported) over those 2 posts only.
    assert (fb["denominator"], fb["denominator_total"], fb["posts_in_rate"]) == ("views", 4000, 2)
    assert fb["engagement_rate"] == 60 / 4000
    assert fb["followers"] == 5100  # the latest reported, not a sum
    assert fb["metric_definitions"] == ["views (Meta, 2025)"]
    assert [(c["campaign"], c["posts"], c["denominator"], c["engagement_rate"]) for c in fb["campaigns"]] == [
        ("Breck", 2, "views", 0.015), ("DBAA", 1, "impressions", 0.01)]
    assert fb["baseline"] == {"posts": 1, "engagements": 10, "denominator": "views", "denominator_total": 500,
                              "posts_in_rate": 1, "engagement_rate": 0.02}
    assert ((x["platform"], x["engagements"], x["denominator"], x["denominator_total"])
            == ("X (Twitter)", 18, "impressions", 3000))
    assert x["engagement_rate"] == 0.006
    assert x["baseline"] is None


def test_media_tallies(full):
    med = evaluate(full).to_dict()["media"]
    t = med["overall"]
    # The item coded tone 7 (row 6) has an error finding (code-out-of-range), so it is left out of every figure.
    assert t["items"] == 4
    assert t["tone_counts"] == {"-2": 0, "-1": 1, "0": 1, "+1": 1, "+2": 1}
    assert (t["tone_not_coded"], t["positive"], t["negative"], t["net_tone"], t["mean_tone"]) == (0, 2, 1, 1, 0.5)
    assert (t["prominence_weighted"], t["broadcast_seconds"], t["mean_key_messages"]) == (8, 135, 2.5)
    assert t["reporting_route"] == {"given": 2, "not_given": 1, "not_recorded": 1, "share": pytest.approx(2 / 3)}
    assert [(g["key"], g["items"], g["net_tone"], g["prominence_weighted"]) for g in med["by_tier"]] == [
        ("local", 2, 2, 4), ("national", 1, 0, 2), ("regional", 1, -1, 2)]
    assert [(g["key"], g["items"]) for g in med["by_campaign"]] == [("Breck", 3), ("DBAA", 1)]
    assert med["notes"] == []
    assert evaluate(full).left_out[0] == {"cell": "Media!E6", "reason": "Tone 7 is outside the coding "
                                                                           "frame (-2 to 2)"}
    assert "advertising" not in json.dumps(med).replace("No advertising value equivalent", "")


def test_media_codes_are_checked_against_the_contract_ranges():
    from cseplan_xl.period import parse_period
    from cseplan_xl.traditional_media import media

    day = dt.date(2018, 2, 1)
    rows = [{"row": 2, "date": day, "tone": 2, "prominence": 3, "key_messages": 5, "tier": "Local"},
            {"row": 3, "date": day, "tone": 3, "prominence": 4, "key_messages": 6, "tier": "Galactic"},
            {"row": 4, "date": day, "tone": -2, "prominence": 0, "key_messages": 0, "tier": None}]
    med = media(rows, parse_period("2018Q1"))
    assert med.notes == ("tone outside -2..+2 left uncoded (Media rows 3)",
                         "prominence outside 1..3 left uncoded (Media rows 3, 4)")
    overall = med.overall
    assert (overall.tone_not_coded, overall.prominence_weighted, overall.key_messages_not_coded) == (1, 3, 1)
    assert [g.key for g in med.by_tier] == ["(not coded)", "Galactic", "local"]


def test_anecdote_counts(full):
    an = evaluate(full).to_dict()["anecdotes"]
    # Row 3 (Publish without anonymisation) has an error finding, so it is left out of the counts.
    assert (an["total"], an["publishable"], an["marked_publish_not_cleared"], an["undated"]) == (2, 1, 0, 1)
    assert an["by_source_type"] == [{"key": "Professional", "total": 2, "publishable": 1}]
    assert an["publishable_rows"] == [2]
    assert an["quotable"] == [{"row": 2, "date": "2018-01-15"}]


def test_measures_are_typed_records(full, book):
    """Each measure's figures are a frozen, slotted record whose to_dict() is the JSON section's body."""
    ev = evaluate(full)
    typed = {"anecdotes": anecdotes.AnecdoteFigures, "media": traditional_media.MediaFigures,
             "social": social_media.SocialFigures, "referrals": referrals.ReferralFigures}
    for name, kind in typed.items():
        result = ev.sections[name]
        assert isinstance(result, measures.MeasureResult) and isinstance(result.figures, kind)
        assert ev.to_dict()[name] == {**{k: ev.to_dict()[name][k] for k in
                                         ("status", "definition", "source", "period", "baseline")},
                                      **result.figures.to_dict()}
        with pytest.raises(dataclasses.FrozenInstanceError):
            result.figures.notes = ()  # type: ignore[misc]
        assert not hasattr(result.figures, "__dict__")  # slotted
    an = ev.sections["anecdotes"].figures
    assert (an.total, an.publishable, an.quotable[0].row, an.by_source_type[0].key) == (2, 1, 2, "Professional")
    med = ev.sections["media"].figures
    assert (med.overall.items, med.overall.reporting_route.given) == (ev.to_dict()["media"]["overall"]["items"],
                                                                     ev.to_dict()["media"]["overall"]["reporting_route"]["given"])
    assert [g.key for g in med.by_tier] == [g["key"] for g in ev.to_dict()["media"]["by_tier"]]
    soc = ev.sections["social"].figures
    assert [(p.platform, p.tally.engagement_rate) for p in soc.platforms] == [
        (p["platform"], p["engagement_rate"]) for p in ev.to_dict()["social"]["platforms"]]
    ref = ev.sections["referrals"].figures
    rd = ev.to_dict()["referrals"]
    assert (ref.all.period_count, ref.teen_boys_share.period.count, ref.monthly[0].month.isoformat()) == (
        rd["all"]["period_count"], rd["teen_boys_share"]["period"]["count"], rd["monthly"][0]["month"])
    empty = evaluate(load_plan(book({"Plan": PLAN})), period="2018Q1").sections["anecdotes"]
    assert (empty.status, empty.figures) == ("no data", None)
    assert empty.message == "no data for anecdotal evidence: the Anecdotes sheet is missing"


def test_missing_and_empty_sheets_give_no_data(book):
    plan = load_plan(book({"Plan": PLAN, "Referrals": [REF_HEADER]}))
    d = evaluate(plan, period="2018Q1").to_dict()
    assert d["referrals"]["status"] == "no data"
    assert d["referrals"]["message"] == "no data for referrals: the Referrals sheet is empty"
    assert d["social"]["message"] == "no data for social media: the Social sheet is missing"
    assert d["media"]["message"] == "no data for traditional media: the Media sheet is missing"
    assert d["anecdotes"]["message"] == "no data for anecdotal evidence: the Anecdotes sheet is missing"
    assert d["social"]["definition"].startswith("Engagements") and d["social"]["period"]["label"] == "2018Q1"
    text = evaluate(plan, period="2018Q1").to_text()
    assert "  no data for social media: the Social sheet is missing" in text
    unreadable = load_plan(book({"Plan": PLAN, "Social media": [["Date"]]}))  # named as the workbook names it
    assert evaluate(unreadable, period="2018Q1").sections["social"].message == (
        "no data for social media: the Social media sheet could not be read (its header row lacks required columns)")


def test_views_are_json_text_and_csv(full):
    ev = evaluate(full)
    d = ev.to_dict()
    assert json.loads(json.dumps(d, allow_nan=False)) == d
    assert list(d) == ["as_of", "as_of_note", "period", "baseline", "partner_facing", "left_out", "referrals",
                       "social", "media", "anecdotes"]
    text = ev.to_text()
    assert text.startswith("Evaluation for Q1 2018 (January to March 2018), as of 10 Apr 2018\n")
    assert "  Referrals from teenage boys rose from 6 to 11" in text
    assert "  Facebook: 3 posts, 65 engagements, 1.50% of views" in text
    assert "  Share that are boys: 40% of 20 (95% CI 22% to 61%) before, 47% of 30 (95% CI 30% to 64%) now." in text
    rows = ev.csv_rows()
    assert all(set(r) == set(CSV_COLUMNS) for r in rows)
    assert {"section": "referrals", "group": "comparison", "key": "teen_boys", "field": "period_count",
            "value": 11} in rows
    assert {"section": "social", "group": "platform", "key": "Facebook", "field": "engagement_rate",
            "value": 0.015} in rows
    assert {"section": "media", "group": "overall", "key": "", "field": "tone_counts_+2", "value": 1} in rows


# --- partner-facing --------------------------------------------------------------------------


def test_partner_view_protects_younger_boys(full):
    # Teenage boys 11 of 14 boys: 14 - 11 = 3 younger boys, so boys (not the headline teen count) is withheld.
    p = evaluate(full).partner_view()
    ref = p["referrals"]
    assert p["partner_facing"] is True
    assert (ref["teen_boys"]["period_count"], ref["teen_boys"]["baseline_count"]) == (11, 6)
    assert ref["teen_boys"]["sentence"].startswith("Referrals from teenage boys rose from 6 to 11")
    assert ref["boys_share"]["period"]["count"] == WITHHELD and ref["boys_share"]["period"]["share"] == WITHHELD
    assert ref["boys_share"]["baseline"]["count"] == WITHHELD  # 8 - 6 = 2 younger boys
    assert ref["teen_boys_share"]["period"]["count"] == 11
    assert _published_numbers_hide_small_counts(p, {"boys": (14, 8), "teen": (11, 6), "all": (30, 20)})
    assert "publishable_rows" not in p["anecdotes"]


def test_partner_view_small_counts(book):
    plan = load_plan(book({"Plan": PLAN, "Referrals": _referrals(teen_2018=(1, 1, 1)), "Anecdotes": ANECDOTES}))
    p = evaluate(plan, period="2018Q1").partner_view()
    t = p["referrals"]["teen_boys"]
    assert (t["period_count"], t["baseline_count"]) == (FEWER_THAN, 6)
    assert t["rate_ratio"] == t["ci_exact"] == t["p_increase"] == WITHHELD
    assert t["sentence"] == ("Referrals from teenage boys: 6 in the baseline and fewer than 5 in the period; "
                             "too few to publish a comparison.")
    assert p["referrals"]["all"]["period_count"] == 30
    an = p["anecdotes"]
    assert (an["total"], an["publishable"]) == (FEWER_THAN, FEWER_THAN)
    assert {s["total"] for s in an["by_source_type"]} == {FEWER_THAN}
    # The internal view still has the real numbers.
    assert evaluate(plan, period="2018Q1").to_dict()["referrals"]["teen_boys"]["period_count"] == 3


def _published_numbers_hide_small_counts(view: dict, truth: dict[str, tuple[int, int]]) -> bool:
    """No two published counts in one window differ by a small count that is a real unpublished subgroup."""
    ref = view["referrals"]
    for i, window in enumerate(("period", "baseline")):
        shown = {"all": ref["all"][f"{window}_count"], "teen": ref["teen_boys"][f"{window}_count"],
                 "boys": ref["boys_share"][window]["count"]}
        subgroups = {("all", "boys"): truth["all"][i] - truth["boys"][i],
                     ("boys", "teen"): truth["boys"][i] - truth["teen"][i]}
        for (big, small), diff in subgroups.items():
            if 0 < diff < 5 and isinstance(shown[big], int) and isinstance(shown[small], int):
                return False
        if any(isinstance(v, int) and 0 < v < 5 for v in shown.values()):
            return False
    return True


# --- the command line ------------------------------------------------------------------------


def test_cli_evaluate(book, capsys, tmp_path):
    from cseplan_xl.cli import main

    path = book({"Plan": PLAN, "Referrals": _referrals(teen_2018=(1, 1, 1))})
    assert main(["evaluate", str(path), "--period", "2018Q1", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["referrals"]["teen_boys"]["period_count"] == 3 and data["partner_facing"] is False
    assert main(["evaluate", str(path), "--period", "Q1 2018", "--format", "json", "--partner-facing"]) == 0
    assert json.loads(capsys.readouterr().out)["referrals"]["teen_boys"]["period_count"] == FEWER_THAN
    assert main(["evaluate", str(path), "--as-of", "2018-04-10", "--baseline", "pre-period:2", "--format", "csv",
                 "--output", str(tmp_path / "ev.csv")]) == 0
    assert (tmp_path / "ev.csv").read_text().splitlines()[0] == "section,group,key,field,value"
    assert main(["evaluate", str(path), "--period", "2018Q1"]) == 0
    assert capsys.readouterr().out.startswith("Evaluation for Q1 2018 (January to March 2018), as of ")


@pytest.mark.parametrize("args", [["--period", "spring"], ["--baseline", "pre-period"]])
def test_cli_evaluate_usage_errors_exit_2(book, capsys, args):
    from cseplan_xl.cli import main

    assert main(["evaluate", str(book({"Plan": PLAN})), *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Error: cannot understand the ") and err.count("\n") == 1


def test_cli_evaluate_unreadable_workbook_exit_2(tmp_path, capsys):
    from cseplan_xl.cli import main

    bad = tmp_path / "plan.xlsx"
    bad.write_text("not a workbook")
    assert main(["evaluate", str(bad)]) == 2
    assert capsys.readouterr().err == f"Error: {bad}: a text or CSV file despite its .xlsx name\n"


def test_cli_evaluate_help_has_an_example(capsys):
    from cseplan_xl.cli import main

    with pytest.raises(SystemExit):
        main(["evaluate", "--help"])
    assert "cseplan evaluate workbook/cseplan.xlsm --period 2018Q1" in capsys.readouterr().out
