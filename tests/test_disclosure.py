"""Disclosure control: small counts shown as "fewer than 5" and never recoverable by subtraction."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from pathlib import Path

import pytest

from cseplan_xl.disclosure import FEWER_THAN, RULE, WITHHELD, Relation, is_small, protect, publishable_count


@pytest.mark.parametrize(("n", "shown"), [(0, "fewer than 5"), (1, "fewer than 5"), (4, "fewer than 5"),
                                          (5, "5"), (12, "12"), (None, "not recorded")])
def test_publishable_count(n, shown):
    assert publishable_count(n) == shown


def test_is_small():
    assert [n for n in range(7) if is_small(n)] == [1, 2, 3, 4]
    assert not is_small(None)


def test_nothing_small_publishes_everything():
    result = protect({"all": 20, "boys": 8, "girls": 12}, [("all", ["boys", "girls"])])
    assert result.shown == {"all": 20, "boys": 8, "girls": 12}
    assert result.primary == result.complementary == frozenset()


def test_small_part_and_its_complement_suppressed():
    # boys = 3 of 12: showing 12 and 9 would give away 3, so the smaller of the two is withheld too.
    result = protect({"all": 12, "boys": 3, "girls": 9}, [("all", ["boys", "girls"])])
    assert result.shown == {"all": 12, "boys": FEWER_THAN, "girls": WITHHELD}
    assert result.primary == {"boys"} and result.complementary == {"girls"}


def test_hidden_remainder_small_forces_suppression():
    # all = 12, boys = 9: girls-and-others (never published) = 3 would follow from 12 - 9.
    result = protect({"all": 12, "boys": 9, "others": 3}, [("all", ["boys", "others"])], hidden=["others"])
    assert result.shown == {"all": 12, "boys": WITHHELD}
    assert result.complementary == {"boys"}


def test_hidden_remainder_large_is_fine():
    result = protect({"all": 12, "boys": 3, "others": 9}, [("all", ["boys", "others"])], hidden=["others"])
    assert result.shown == {"all": 12, "boys": FEWER_THAN}


def test_chain_of_relations_is_caught():
    # all = boys + others; boys = teen + younger. teen = 6, younger = 2 (hidden), all = 20, others = 12.
    figures = {"all": 20, "boys": 8, "teen": 6, "others": 12, "younger": 2}
    rels = [Relation("all", ("boys", "others")), Relation("boys", ("teen", "younger"))]
    result = protect(figures, rels, hidden=["younger"])
    # younger = boys - teen: the smaller published figure of that sum (teen) is withheld; withholding boys
    # instead would not do, as boys = all - others.
    assert result.shown == {"all": 20, "boys": 8, "teen": WITHHELD, "others": 12}


def test_keep_prefers_to_withhold_other_figures():
    figures = {"all": 20, "boys": 8, "teen": 6, "others": 12, "younger": 2}
    rels = [Relation("all", ("boys", "others")), Relation("boys", ("teen", "younger"))]
    result = protect(figures, rels, hidden=["younger", "others"], keep=["teen", "all"])
    assert result.shown == {"all": 20, "boys": WITHHELD, "teen": 6}


def test_chain_through_a_suppressed_total():
    # boys = teen + younger with teen = 3 (primary). Withholding boys alone would not do: all - others gives it.
    figures = {"all": 20, "boys": 8, "teen": 3, "others": 12, "younger": 5}
    rels = [Relation("all", ("boys", "others")), Relation("boys", ("teen", "younger"))]
    result = protect(figures, rels, hidden=["others"])
    assert result.shown == {"all": 20, "boys": 8, "teen": FEWER_THAN, "younger": WITHHELD}


def test_bounds_attack_two_fours():
    # 13 = 5 + b + c with b and c both "fewer than 5" pins both at 4.
    result = protect({"all": 13, "a": 5, "b": 4, "c": 4}, [("all", ["a", "b", "c"])])
    assert result.shown == {"all": 13, "a": WITHHELD, "b": FEWER_THAN, "c": FEWER_THAN}


def test_overlapping_periods():
    # Jan-Jun = 14 and Feb-Jun = 11 differ by January = 3, a small count never published itself.
    figures = {"jan_jun": 14, "feb_jun": 11, "jan": 3}
    result = protect(figures, [("jan_jun", ["jan", "feb_jun"])], hidden=["jan"])
    assert result.shown == {"jan_jun": 14, "feb_jun": WITHHELD}


def test_zero_is_shown_as_fewer_than_five_but_not_protected_further():
    result = protect({"all": 12, "boys": 0, "girls": 12}, [("all", ["boys", "girls"])])
    assert result.shown == {"all": 12, "boys": FEWER_THAN, "girls": 12}


def test_missing_values_ignore_their_relations():
    result = protect({"all": 12, "boys": None, "girls": 9}, [("all", ["boys", "girls"])])
    assert result.shown == {"all": 12, "boys": "not recorded", "girls": 9}


def _possible_values(figures, result, rels_parts, hidden):
    """An attacker's view, by brute force: every non-negative assignment of the parts consistent with what is
    shown ("fewer than 5" means 0-4); returns the set of values each cell can take."""
    parts = ["a", "b", "c"]
    options = []
    for p in parts:
        if result.published(p) and p not in hidden:
            options.append([figures[p]])
        elif p in result.primary:
            options.append(range(5))
        else:
            options.append(range(0, 40))
    seen = {name: set() for name in figures}
    for combo in itertools.product(*options):
        cells = dict(zip(parts, combo))
        for total, members in rels_parts:
            cells[total] = sum(cells[m] for m in members)
        ok = True
        for name, value in cells.items():
            if name in hidden:
                continue
            if result.published(name) and value != figures[name]:
                ok = False
            if name in result.primary and value >= 5:
                ok = False
        if ok:
            for name, value in cells.items():
                seen[name].add(value)
    return seen


@pytest.mark.parametrize("values", list(itertools.product([0, 1, 3, 4, 5, 9], repeat=3)))
def test_no_small_count_can_be_recovered_by_an_attacker(values):
    a, b, c = values  # all = a + b + c; rest = b + c is never published
    figures = {"all": a + b + c, "a": a, "b": b, "c": c, "rest": b + c}
    rels = [("all", ["a", "b", "c"]), ("rest", ["b", "c"])]
    result = protect(figures, rels, hidden=["rest"])
    assert not any(isinstance(v, int) and 0 < v < 5 for v in result.shown.values())
    seen = _possible_values(figures, result, rels, {"rest"})
    for name, value in figures.items():
        if 0 < value < 5 and not result.published(name):
            assert len(seen[name]) > 1, (name, value, result.shown, seen[name])


# --- the attacker against every partner-facing output: the JSON, the newsletter's text, tables and chart data ---

DEMO = Path(__file__).resolve().parents[1] / "workbook" / "examples" / "cseplan_demo.xlsm"
ANY = range(0, 61)  # what a reader knows of a withheld count


def _variant(tmp_path, q1_2018, q1_2017, boys=None, teen=None, anecdotes=()):
    """A small workbook: referrals for Jan 2017 - Mar 2018 (8 a month outside the two quarters given), boys and
    teenage boys for 2018Q1, and anecdotes (source type, publishable) dated in 2018Q1."""
    from conftest import write_workbook

    months = [dt.date(2017 + m // 12, m % 12 + 1, 1) for m in range(15)]
    counts = list(q1_2017) + [8] * 9 + list(q1_2018)
    boys = list(boys or [3] * 3)
    teen = list(teen or [2] * 3)
    referrals = [["Month", "Referrals", "Boys", "Teenage boys"]]
    for i, (month, n) in enumerate(zip(months, counts)):
        b = boys[i - 12] if i >= 12 else min(3, n)
        t = teen[i - 12] if i >= 12 else min(2, b)
        referrals.append([month, n, b, t])
    story = [["Date", "Source type", "Campaign", "Anecdote", "Consent to publish", "Anonymised", "Publish"]]
    for i, (source, ok) in enumerate(anecdotes):
        story.append([dt.date(2018, 1, 10 + i), source, "Film", "A parent said the film started a conversation.",
                      "Yes" if ok else "No", "Yes", "Yes" if ok else "No"])
    control = [["Board name", "Test Safeguarding Children Partnership"], ["As-of date", dt.date(2018, 3, 31)],
               ["Reporting period", "2018Q1"], ["Plan start", dt.date(2017, 1, 1)], ["Plan end", dt.date(2019, 8, 31)],
               ["Contact mailbox", "cse.comms@tscp.org.uk"]]
    plan = [["ID", "Theme", "Activity", "When", "Who", "Cost", "RAG"],
            ["A1", "Awareness", "Training for frontline staff", "Feb 2018", "CT", "N/A", "Blue"]]
    return write_workbook(tmp_path / "variant.xlsx", {"Control": control, "Plan": plan, "Referrals": referrals,
                                                      "Anecdotes": story})


def _options(shown, present=False):
    low = 1 if present else 0
    if isinstance(shown, int):
        return [shown]
    return range(low, 5) if shown == FEWER_THAN else range(low, ANY.stop)


def _attack(path):
    """Everything a reader sees, and by brute force every value each protected count could take; returns (true
    values, possible values) for the months of the chart, boys and teenage boys, anecdotes and their types."""
    from cseplan_xl.briefing import newsletter_context
    from cseplan_xl.evaluation import evaluate
    from cseplan_xl.plan import load_plan

    plan = load_plan(path)
    officer, partner = evaluate(plan).to_dict(), evaluate(plan).partner_view()
    result = newsletter_context(plan)
    assert not result.blocked
    context = result.screened.value["context"]
    ref, true_ref = partner["referrals"], officer["referrals"]
    # the chart is drawn from exactly what the JSON publishes, and its alt text says no more
    assert context["referral_months"] == ref["monthly"]
    true_months = {m["month"]: m["referrals"] for m in true_ref["monthly"]}
    shown = {m["month"]: m["referrals"] for m in ref["monthly"]}
    windows = {"period": [m for m in shown if m >= "2018-01"],
               "baseline": [m for m in shown if "2017-01" <= m < "2017-04"]}
    totals = {"period": ref["all"]["period_count"], "baseline": ref["all"]["baseline_count"]}
    unknown = [m for m in shown if not isinstance(shown[m], int)]
    possible = {m: set() for m in shown}
    for combo in itertools.product(*(_options(shown[m]) for m in unknown)):
        values = {**{m: v for m, v in shown.items() if isinstance(v, int)}, **dict(zip(unknown, combo))}
        sums = {w: sum(values[m] for m in months) for w, months in windows.items()}
        if all(isinstance(totals[w], str) and (totals[w] != FEWER_THAN or sums[w] < 5) or sums[w] == totals[w]
               for w in windows):
            for m, v in values.items():
                possible[m].add(v)
    truth = {f"month {m}": true_months[m] for m in shown}
    seen = {f"month {m}": possible[m] for m in shown}
    # boys and teenage boys: what is shown, and the remainder (all - boys) that is never shown
    for w in ("period", "baseline"):
        total = true_ref["all"][f"{w}_count"]
        boys_shown, true_boys = ref["boys_share"][w]["count"], true_ref["boys_share"][w]["count"]
        teen_shown, true_teen = ref["teen_boys"][f"{w}_count"], true_ref["teen_boys"][f"{w}_count"]
        all_known = isinstance(ref["all"][f"{w}_count"], int)
        boys_opts = [b for b in _options(boys_shown) if b <= total]
        truth |= {f"boys {w}": true_boys, f"teen {w}": true_teen, f"others {w}": total - true_boys,
                  f"younger {w}": true_boys - true_teen}
        seen |= {f"boys {w}": set(boys_opts), f"teen {w}": set(_options(teen_shown)) & set(range(total + 1)),
                 f"others {w}": {total - b for b in boys_opts} if all_known else set(ANY),
                 f"younger {w}": {b - t for b in boys_opts for t in _options(teen_shown) if t <= b}}
        for share in (ref["boys_share"][w], ref["teen_boys_share"][w]):
            if share["share"] != WITHHELD:  # a published share with a published total gives the count
                assert isinstance(share["count"], int) and share["count"] >= 5 and share["of"] - share["count"] >= 5
    _attack_anecdotes(partner["anecdotes"], officer["anecdotes"], context, truth, seen)
    # the newsletter's words: every number in its sentences about referrals is one the JSON publishes
    counts = [ref[k][f"{w}_count"] for k in ("all", "teen_boys") for w in ("period", "baseline")]
    published = {5} | {v for v in counts if isinstance(v, int)}
    published |= {round(100 * ref[k][w]["share"]) for k in ("boys_share", "teen_boys_share") for w in ("period",
                  "baseline") if isinstance(ref[k][w]["share"], float)}
    for sentence in context["seeing"]:
        if "eferral" in sentence:
            assert {int(n) for n in re.findall(r"\b\d+\b", sentence)} <= published, sentence  # 5: "below 5"
    return truth, seen


def _attack_anecdotes(an, true_an, context, truth, seen):
    """The anecdotes' total and source types, as a reader bounds them from the JSON and the newsletter's quotes."""
    if an["status"] == "ok":
        types = an["by_source_type"]
        truth["anecdotes"] = true_an["total"]
        possible_total, per_type = set(), [set() for _ in types]
        for combo in itertools.product(*(_options(t["total"], present=True) for t in types)):
            total = sum(combo)
            if isinstance(an["total"], int) and total != an["total"] or an["total"] == FEWER_THAN and total >= 5:
                continue
            quoted = len(context["quotes"])  # the newsletter's quotes, and whether it says others are held back
            if total < quoted or (quoted and quoted < 2 and not context["quotes_withheld"] and total != quoted):
                continue
            possible_total.add(total)
            for i, v in enumerate(combo):
                per_type[i].add(v)
        quoted = len(context["quotes"])
        seen["anecdotes"] = possible_total if types else {
            t for t in _options(an["total"]) if t >= quoted and (
                not quoted or quoted >= 2 or context["quotes_withheld"] or t == quoted)}
        true_types = {t["key"]: t["total"] for t in true_an["by_source_type"]}
        for t, options in zip(types, per_type):
            truth[f"type {t['key']}"], seen[f"type {t['key']}"] = true_types[t["key"]], options


VARIANTS = {
    "3 boys of 7 referrals": dict(q1_2018=[2, 2, 3], q1_2017=[6, 7, 5], boys=[1, 1, 1], teen=[1, 0, 1]),
    "a month of 3 inside a quarter of 20": dict(q1_2018=[8, 9, 3], q1_2017=[9, 8, 10]),
    "a baseline month of 3": dict(q1_2018=[10, 11, 12], q1_2017=[8, 9, 3]),
    "two fours in a quarter of 16": dict(q1_2018=[8, 4, 4], q1_2017=[9, 8, 10]),
    "teenage boys 4 of 12 boys": dict(q1_2018=[10, 11, 12], q1_2017=[9, 8, 10], boys=[4, 4, 4], teen=[2, 1, 1]),
    "five anecdotes in five source types": dict(
        q1_2018=[10, 11, 12], q1_2017=[9, 8, 10],
        anecdotes=[("Parent or carer", True), ("Young person", False), ("Professional", True),
                   ("Partner agency", False), ("Member of the public", False)]),
    "one anecdote, quoted": dict(q1_2018=[10, 11, 12], q1_2017=[9, 8, 10], anecdotes=[("Parent or carer", True)]),
    "seven anecdotes: five, one and one": dict(
        q1_2018=[10, 11, 12], q1_2017=[9, 8, 10],
        anecdotes=[("Professional", True)] * 5 + [("Parent or carer", False), ("Young person", True)]),
}


@pytest.mark.parametrize("name", list(VARIANTS))
def test_no_small_count_is_recoverable_from_any_partner_facing_output(tmp_path, name):
    truth, seen = _attack(_variant(tmp_path, **VARIANTS[name]))
    for cell, value in truth.items():
        if is_small(value):
            assert value in seen[cell] and len(seen[cell]) > 1, (name, cell, value, sorted(seen[cell])[:8])


def test_no_small_count_is_recoverable_from_the_demo():
    truth, seen = _attack(DEMO)
    assert [cell for cell, value in truth.items() if is_small(value) and len(seen[cell]) <= 1] == []


def test_the_rule_is_stated_once_and_printed_in_every_place():
    from cseplan_xl.evaluation import evaluate
    from cseplan_xl.plan import load_plan

    result = evaluate(load_plan(DEMO))
    assert result.partner_view()["disclosure_rule"] == RULE
    assert f"Partner-facing. {RULE}" in result.to_text(partner_facing=True)
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert RULE in " ".join(readme.split())
    assert "posts" in RULE and "media items" in RULE and "referrals" in RULE and "anecdotes" in RULE


def test_a_category_list_that_would_give_counts_away_is_withheld():
    # four source types of "fewer than 5" items in a total of "fewer than 5": each would be one
    result = protect({"total": 4, "a": 1, "b": 1, "c": 1, "d": 1}, [("total", ["a", "b", "c", "d"])],
                     present=["a", "b", "c", "d"])
    assert result.unresolved


def test_the_drafted_newsletter_for_a_small_month_shows_only_what_may_be_shown(tmp_path):
    """A month of 3 in a quarter of 20, through to a real .docx reopened and rendered by LibreOffice: the chart's
    caption and alt text say "fewer than 5" and "withheld", never 3, and the PDF carries the same words."""
    import shutil
    import subprocess
    import zipfile

    from docx import Document

    from cseplan_xl.briefing import draft_newsletter
    from cseplan_xl.plan import load_plan

    result = draft_newsletter(load_plan(_variant(tmp_path, **VARIANTS["a month of 3 inside a quarter of 20"])),
                              out=tmp_path / "draft.docx")
    doc = Document(str(result.path))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "grey: withheld so that a small month cannot be worked out from the total" in text
    with zipfile.ZipFile(result.path) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    alt = re.search(r'descr="(Bar chart of CSE referrals[^"]*)"', xml).group(1)
    assert "March 2018 fewer than 5" in alt and "January 2018 withheld" in alt and "February 2018 9" in alt
    assert not re.search(r"(January|March) 2018 \d", alt)
    if shutil.which("soffice") and shutil.which("pdftotext"):
        out = tmp_path / "pdf"
        run = subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path / 'lo'}", "--headless",
                              "--convert-to", "pdf", "--outdir", str(out), str(result.path)],
                             capture_output=True, text=True, timeout=180)
        assert run.returncode == 0, run.stderr
        pdf_text = subprocess.run(["pdftotext", str(out / "draft.pdf"), "-"], capture_output=True,
                                  text=True).stdout
        assert "withheld so that a small month" in " ".join(pdf_text.split())


def test_cells_left_out_are_named_for_partners_without_what_they_hold(tmp_path):
    # The demo's Referrals!D10 is left out because teenage boys (5) exceed boys (3): a month's count of boys.
    from docx import Document

    from cseplan_xl.briefing import draft_newsletter
    from cseplan_xl.evaluation import LEFT_OUT_FOR_PARTNERS, evaluate
    from cseplan_xl.plan import load_plan

    plan = load_plan(DEMO)
    officer, partner = evaluate(plan).to_dict(), evaluate(plan).partner_view()
    assert {"cell": "Referrals!D10", "reason": "teenage boys (5) is more than boys (3)"} in officer["left_out"]
    assert {"cell": "Referrals!D10", "reason": LEFT_OUT_FOR_PARTNERS} in partner["left_out"]
    assert "boys (3)" not in evaluate(plan).to_text(partner_facing=True)
    result = draft_newsletter(plan, out=tmp_path / "draft.docx")
    comments = Document(str(result.path)).core_properties.comments
    assert "Referrals!D10" in comments and "(3)" not in comments
    assert "  Referrals!D10: teenage boys (5) is more than boys (3)" in result.to_text()  # the officer is told why
