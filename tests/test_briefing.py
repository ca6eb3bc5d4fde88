"""The newsletter draft: content from the plan, the privacy screen, strict rendering, and the .docx itself."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
import xlsxwriter
from docx import Document

from cseplan_xl import briefing, contract
from cseplan_xl.briefing import (
    awareness_dates,
    build_context,
    default_output,
    draft_newsletter,
    render,
    safer_internet_day,
)
from cseplan_xl.errors import CseplanError, InvalidValue, OutputExistsError, TemplateError
from cseplan_xl.output import next_free
from cseplan_xl.period import parse_period
from cseplan_xl.plan import load_plan
from cseplan_xl.privacy import TextItem, screen, screen_output
from cseplan_xl.rollups import rollup

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "workbook" / "examples" / "cseplan_demo.xlsm"
AS_OF = dt.date(2018, 3, 31)
SAFE_NOTE = "Delivered to 40 staff."
UNSAFE_NOTE = "Delivered to 40 staff; call Sam on 07700 900123 to book."
UNSAFE_ANECDOTE = "Sam, 14, attends Northfield Academy and can be reached on 07700 900456"
SETTINGS = {
    "Board name": "Test Safeguarding Children Partnership",
    "Board short name": "TSCP",
    "Newsletter title": "TSCP Partner Briefing",
    "As-of date": AS_OF,
    "Reporting period": "2018Q1",
    "Contact mailbox": "cse.comms@tscp.org.uk",
    "Local referral route": "Refer through the Test MASH online form.",
    "Plan start": dt.date(2017, 9, 1),
    "Plan end": dt.date(2019, 8, 31),
}
PLAN_HEADERS = ["ID", "Section", "Theme", "Activity", "When", "Who", "Cost", "RAG", "Progress notes", "Last updated",
                "Delivered on"]


def _plan_rows(note: str) -> list[list[object]]:
    return [
        ["A1", "6.2 External", "Awareness and reporting", "Safer Internet Day posts & <quiz> {{ x }}", "Feb 2018",
         "CT", "N/A", "Complete", "Posts ran all day.", dt.date(2018, 2, 8), dt.date(2018, 2, 6)],
        ["A2", "6.1 Internal and training", "Awareness and reporting", "Frontline training session", "Jan 2018",
         "CT", "N/A", "Blue", note, dt.date(2018, 2, 2), dt.date(2018, 1, 30)],
        ["A3", "6.2 External", "Teenage boys", "Launch of the film", "Feb 2018", "CT", "TBC", "Amber",
         "Launch slipped.", dt.date(2018, 3, 1), None],
        ["A4", "6.2 External", "Week of action: perpetrators", "Week of action on perpetrators", "May 2018",
         "LW/CT", "TBC", "Green", None, None, None],
        ["A5", "Phase Two external", "LGBT under-reporting", "LGBT awareness campaign", "TBC", "CT", "TBC", None,
         None, None, None],
    ]


ANECDOTES = [
    [dt.date(2018, 2, 10), "Professional", "Film", "A teacher said the film started a good conversation in class.",
     "yes", "yes", "yes"],
    [dt.date(2018, 3, 1), "Young person", "Film", UNSAFE_ANECDOTE, "no", "no", "no"],
]


def _workbook(path: Path, note: str = SAFE_NOTE, settings: dict | None = None,
              anecdotes: list[list[object]] | None = None) -> Path:
    wb = xlsxwriter.Workbook(str(path))
    day = wb.add_format({"num_format": "yyyy-mm-dd"})
    control = wb.add_worksheet("Control")
    for r, (label, value) in enumerate((settings or SETTINGS).items()):
        control.write(r, 0, label)
        if isinstance(value, dt.date):
            control.write_datetime(r, 1, dt.datetime.combine(value, dt.time()), day)
        else:
            control.write(r, 1, value)

    def table(name: str, headers: list[str], rows: list[list[object]]) -> None:
        ws = wb.add_worksheet(name)
        ws.write_row(0, 0, headers)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row):
                if isinstance(value, dt.date):
                    ws.write_datetime(r, c, dt.datetime.combine(value, dt.time()), day)
                elif value is not None:
                    ws.write(r, c, value)

    table("Plan", PLAN_HEADERS, _plan_rows(note))
    months = [dt.date(2017 + (m - 1) // 12, (m - 1) % 12 + 1, 1) for m in range(1, 16)]
    counts = [9, 8, 10, 11, 9, 3, 12, 9, 11, 10, 12, 9, 12, 11, 13]
    teen = [2, 2, 2, 3, 2, 1, 3, 2, 3, 2, 3, 2, 4, 3, 4]
    table("Referrals", ["Month", "Referrals", "Boys", "Teenage boys"],
          [[m, n, t + 1, t] for m, n, t in zip(months, counts, teen)])
    table("Anecdotes", ["Date", "Source type", "Campaign", "Anecdote", "Consent to publish", "Anonymised", "Publish"],
          ANECDOTES if anecdotes is None else anecdotes)
    wb.close()
    return path


@pytest.fixture
def book(tmp_path: Path) -> Path:
    return _workbook(tmp_path / "plan.xlsx")


def _text(path: Path) -> str:
    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    parts += [c.text for t in doc.tables for row in t.rows for c in row.cells]
    parts += [p.text for s in doc.sections for p in s.footer.paragraphs]
    return "\n".join(parts)


# --- content -----------------------------------------------------------------------------------


def test_context_takes_names_from_control_settings(book):
    ctx = build_context(load_plan(book))
    assert (ctx["board_name"], ctx["board_short"], ctx["newsletter_title"]) == (
        "Test Safeguarding Children Partnership", "TSCP", "TSCP Partner Briefing")
    assert ctx["contact_mailbox"] == "cse.comms@tscp.org.uk"
    assert ctx["referral_route"] == "Refer through the Test MASH online form."
    assert ctx["period"]["title"] == "January to March 2018"
    assert ctx["next_period"]["label"] == "2018Q2"


def test_blank_settings_fall_back_to_neutral_words(tmp_path):
    settings = {k: v for k, v in SETTINGS.items() if k not in ("Board name", "Newsletter title", "Contact mailbox")}
    ctx = build_context(load_plan(_workbook(tmp_path / "p.xlsx", settings=settings)))
    assert ctx["board_name"] == "the Safeguarding Children Board"
    assert ctx["newsletter_title"] == "Safeguarding newsletter"
    assert ctx["contact_mailbox"] == "the CSE communications team"


def test_what_we_did_overdue_and_next(book):
    ctx = build_context(load_plan(book))
    # the year is in the heading and the period lies in one year, so dates in the list leave it out
    assert [(d["id"], d["date"]) for d in ctx["did"]] == [("A2", "30 January"), ("A1", "6 February")]
    assert ctx["did"][0]["note"] == "Delivered to 40 staff."
    assert (ctx["did_more"], ctx["next_more"]) == (0, 0)
    assert [(o["id"], o["due"], o["days_text"]) for o in ctx["overdue"]] == [("A3", "28 February 2018", "31 days")]
    assert [(n["id"], n["date"]) for n in ctx["next"]] == [("A4", "From 1 May")]
    assert ctx["headline"] == "CSE communications: 2 activities delivered this quarter"
    assert ctx["summary"] == ("Of 5 activities, 2 are complete, 1 on track, 0 in progress or at risk, "
                              "1 overdue and 1 not yet started or scheduled. 1 has no date yet.")


def test_a_plan_with_many_overdue_stays_a_short_article(tmp_path):
    """Lists are capped ("and N more"): a thousand overdue activities give five lines, the most overdue, and a
    count, in the context and in the draft."""
    rows = _plan_rows(SAFE_NOTE) + [
        [f"B{i}", "6.2 External", "Awareness and reporting", f"Overdue poster run {i}", f"{month} 2017", "CT", "N/A",
         "Amber", None, None, None]
        for i, month in enumerate(["September", "October", "November", "December"] * 250)]
    path = tmp_path / "big.xlsx"
    _workbook(path)
    import openpyxl

    wb = openpyxl.load_workbook(path)
    for row in rows[5:]:
        wb["Plan"].append(row)
    wb.save(path)
    plan = load_plan(path)
    ctx = build_context(plan)
    assert len(ctx["overdue"]) == 5 and ctx["overdue_more"] == 1001 - 5
    assert all(o["due"] == "30 September 2017" for o in ctx["overdue"])  # the most overdue are kept
    result = draft_newsletter(plan, out=tmp_path / "draft.docx")
    text = _text(result.path)
    assert text.count("Overdue: ") == 5 and "…and 996 more overdue (the Dashboard and cseplan rollup list them all)." \
        in text


def test_rag_table_equals_rollup(book):
    plan = load_plan(book)
    ctx = build_context(plan)
    result = rollup(plan, as_of=AS_OF)
    assert [(r["key"], r["rag"], r["counts"], r["total"]) for r in ctx["rag_table"]] == [
        (g.key, g.rag, g.counts, g.total) for g in result.groups["theme"]]
    assert ctx["overall"]["counts"] == result.overall.counts == {"Red": 1, "Amber": 0, "Green": 1, "Blue": 2, "Grey": 1}
    assert ctx["overall"]["colour"] == "C00000"
    assert [(line["rag"], line["meaning"]) for line in ctx["legend"]][3:] == [
        ("Blue", "complete"), ("Grey", "not yet scheduled, or not started and not yet rated")]
    assert ctx["legend_text"] == contract.RAG_LEGEND


def test_only_consented_anonymised_anecdotes_are_quoted(book):
    ctx = build_context(load_plan(book))
    assert [q["text"] for q in ctx["quotes"]] == ["A teacher said the film started a good conversation in class."]
    # two anecdotes in the period, a total "fewer than 5": saying whether any is held back would tell it exactly
    assert ctx["quotes_withheld"] == "Only consented, anonymised feedback chosen for publication is quoted."


def test_feedback_cleared_but_not_chosen_is_not_said_to_lack_consent(tmp_path):
    cleared = [[dt.date(2018, 3, d), "Parent", "Film", f"Feedback number {d} on the film.", "yes", "yes", "no"]
               for d in range(2, 8)]
    ctx = build_context(load_plan(_workbook(tmp_path / "plan.xlsx", anecdotes=ANECDOTES[:1] + cleared)))
    assert len(ctx["quotes"]) == 1
    assert ctx["quotes_withheld"] == ("Other feedback is not quoted: only consented, anonymised feedback chosen for "
                                      "publication is.")


def test_evaluation_sentences_are_partner_facing(book):
    ctx = build_context(load_plan(book))
    assert ctx["seeing"][0] == "Referrals rose to 36, from 27 a year earlier; a change this size could still be chance."
    # Teenage boys: 6 -> 11 in the quarter; both shown because neither is below 5.
    assert ctx["seeing"][1] == ("Referrals from teenage boys rose to 11, from 6 a year earlier; with numbers this "
                                "small, a change like this can happen by chance.")
    assert ctx["evaluation"]["baseline"] == "the same period last year (January to March 2017)"
    assert ctx["seeing"][2:] == ["Teenage boys made up 31% of referrals, against 22% before."]  # 11 of 36, 6 of 27


def test_chart_captions(book):
    captions = build_context(load_plan(book))["captions"]
    assert captions["referrals"] == ("CSE referrals per month, January 2017 to March 2018; shaded: January to March "
                                     "2018; hatched: fewer than 5 (drawn at 5).")  # June 2017 had 3
    assert captions["rag_by_theme"].startswith("The same activities as bars coloured by status")


def test_awareness_dates():
    assert [safer_internet_day(y).isoformat() for y in (2018, 2019, 2020)] == ["2018-02-06", "2019-02-05", "2020-02-11"]
    assert awareness_dates(parse_period("2019Q1")) == [
        {"name": "LGBT+ History Month", "date": "February 2019"},
        {"name": "Safer Internet Day", "date": "5 February 2019"},
        {"name": "National CSE Awareness Day", "date": "18 March 2019"},
    ]
    assert awareness_dates(parse_period("2018Q2")) == []


# --- the screen and the draft ------------------------------------------------------------------


def test_unsafe_progress_note_blocks_and_names_its_cell(tmp_path):
    plan = load_plan(_workbook(tmp_path / "p.xlsx", note=UNSAFE_NOTE))
    result = draft_newsletter(plan)
    assert result.blocked and result.path is None
    assert [(f.address, f.code) for f in result.blocking] == [("Plan!I3", "privacy-phone")]
    assert "Plan!I3: a phone number that is not a published helpline: '07700 900123'" in result.to_text()
    assert not (tmp_path / "newsletters").exists()


def test_allowed_cell_is_written_and_listed_in_the_document(tmp_path):
    plan = load_plan(_workbook(tmp_path / "p.xlsx", note=UNSAFE_NOTE))
    result = draft_newsletter(plan, allow=["Plan!I3"])
    assert result.path == tmp_path / "newsletters" / "TSCP_2018Q1_draft.docx"
    assert result.allowed == ["Plan!I3 (privacy-phone)"]
    assert Document(str(result.path)).core_properties.comments == (
        "Privacy screen: cells allowed by the officer after checking: Plan!I3 (privacy-phone)")


def test_non_consented_anecdote_never_appears_and_screen_names_its_cell(book):
    plan = load_plan(book)
    result = draft_newsletter(plan)
    text = _text(result.path)
    assert "07700" not in text and "Northfield" not in text and "Sam" not in text
    record = plan.records(contract.ANECDOTES)[1]
    found = screen([TextItem(record["text"], "Anecdotes", record["row"], "D")])
    assert [(f.address, f.code) for f in found] == [
        ("Anecdotes!D3", "privacy-phone"), ("Anecdotes!D3", "privacy-name-age"),
        ("Anecdotes!D3", "privacy-name-school"),
    ]


def test_document_content(book):
    plan = load_plan(book)
    result = draft_newsletter(plan)
    doc = Document(str(result.path))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings == [
        "CSE communications: 2 activities delivered this quarter",
        "What we did", "Where the plan stands", "What we are seeing",
        "What partners can do", "Spot the signs and how to report", "What is next: April to June 2018", "Contact",
    ]
    captions = [p.text for p in doc.paragraphs if p.style.name == "Caption"]
    assert [c.split(";")[0] for c in captions] == [
        "Activities by theme on 31 March 2018", "The same activities as bars coloured by status",
        "CSE referrals per month, January 2017 to March 2018"]
    assert f"Key: {contract.RAG_LEGEND}." in captions[0]
    table = doc.tables[0]
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0] == ["Theme", "Status", "Red", "Amber", "Green", "Blue", "Grey", "Total"]
    expected = rollup(plan, as_of=AS_OF)
    assert rows[1:-1] == [[g.key, g.rag, *(str(g.counts[r]) for r in ("Red", "Amber", "Green", "Blue", "Grey")),
                           str(g.total)] for g in expected.groups["theme"]]
    assert rows[-1] == ["All activities", "Red", "1", "0", "1", "2", "1", "5"]
    fill = table.rows[-1].cells[1]._tc.xpath("./w:tcPr/w:shd/@w:fill")
    assert fill == ["C00000"]
    assert len(doc.inline_shapes) == 2
    text = _text(result.path)
    for needle in ("TSCP Partner Briefing", "Test Safeguarding Children Partnership", "cse.comms@tscp.org.uk",
                   "Refer through the Test MASH online form.", "call 999", "call 101", "0800 555 111",
                   "Overdue: Launch of the film, due 28 February 2018 (31 days).", "30 January: Frontline training",
                   "a change this size could still be chance", "Blue = complete"):
        assert needle in text, needle
    # running text: body paragraphs except captions; tokens with a letter or digit ("=" and "–" are not words)
    running = [p.text for p in doc.paragraphs if p.style.name != "Caption"]
    assert result.word_count == sum(1 for t in " ".join(running).split() if any(c.isalnum() for c in t))
    assert "Status is the worst in the row" not in " ".join(running)


def test_user_text_is_escaped(book):
    result = draft_newsletter(load_plan(book))
    assert "Safer Internet Day posts & <quiz> {{ x }}" in _text(result.path)  # as text


def test_a_line_break_in_quoted_text_stays_a_line_break(book, tmp_path):
    ctx = build_context(load_plan(book))
    ctx["quotes"][0]["text"] = "First line.\nSecond line."
    ctx["charts"] = {"rag_by_theme": False, "referrals": False}
    screened, _ = screen_output({"context": ctx})
    doc = render(screened, briefing.DEFAULT_TEMPLATE, tmp_path / "d.docx")
    quote = next(p for p in doc.paragraphs if "First line." in p.text)
    assert quote.text.startswith("“First line.\nSecond line.”") and quote._p.xpath(".//w:br")


def test_second_draft_sees_a_changed_template(book, tmp_path):
    plan = load_plan(book)
    first = draft_newsletter(plan, out=tmp_path / "a.docx")
    changed = tmp_path / "changed.docx"
    _template_with(changed, b"How partners can help", old=b"What partners can do")
    second = draft_newsletter(plan, out=tmp_path / "b.docx", template=changed)
    assert "What partners can do" in _text(first.path) and "How partners can help" not in _text(first.path)
    assert "How partners can help" in _text(second.path) and "What partners can do" not in _text(second.path)


def test_never_overwrites_without_force(book):
    plan = load_plan(book)
    first = draft_newsletter(plan)
    second = draft_newsletter(plan)
    assert second.path == first.path.with_name("TSCP_2018Q1_draft-2.docx")
    assert second.requested == first.path
    assert "already exists; wrote the next free name instead" in second.to_text()
    again = draft_newsletter(plan, force=True)
    assert again.path == first.path and again.requested is None
    assert next_free(first.path) == first.path.with_name("TSCP_2018Q1_draft-3.docx")
    assert default_output(plan, parse_period("2018Q1")) == first.path


def test_never_writes_over_the_workbook_even_with_force(book):
    plan = load_plan(book)
    before = book.read_bytes()
    with pytest.raises(OutputExistsError, match="is an input workbook"):
        draft_newsletter(plan, out=book, force=True)
    assert book.read_bytes() == before


def test_output_must_be_a_docx(book, tmp_path):
    with pytest.raises(InvalidValue, match=r"n\.pdf: a newsletter draft is a Word file; give a name ending in \.docx"):
        draft_newsletter(load_plan(book), out=tmp_path / "n.pdf")
    assert not (tmp_path / "n.pdf").exists()


def test_a_failed_save_leaves_the_earlier_draft(book, tmp_path, monkeypatch):
    from cseplan_xl import output

    plan = load_plan(book)
    first = draft_newsletter(plan, out=tmp_path / "n.docx")
    before = first.path.read_bytes()

    def full_disk(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(output.os, "replace", full_disk)
    with pytest.raises(CseplanError, match=r"n\.docx: cannot be written \(No space left on device\)$"):
        draft_newsletter(plan, out=tmp_path / "n.docx", force=True)
    assert first.path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != book.name) == ["n.docx"]  # no temp file left


def test_excel_wording_has_no_command_line_options(tmp_path, book):
    blocked = draft_newsletter(load_plan(_workbook(tmp_path / "p.xlsx", note=UNSAFE_NOTE)))
    assert blocked.to_text().splitlines()[-1] == (
        "Edit those cells, or after checking a cell allow it with --allow SHEET!CELL.")
    assert blocked.to_text(for_excel=True).splitlines()[-1] == (
        "Take the personal details out of those cells (an anecdote can instead be set to Publish: No), "
        "then click Draft newsletter again.")
    plan = load_plan(book)
    draft_newsletter(plan)
    again = draft_newsletter(plan)
    assert again.to_text(for_excel=True).splitlines()[0] == (
        "TSCP_2018Q1_draft.docx already exists, so this draft has a new name.")
    assert "--" not in again.to_text(for_excel=True) + blocked.to_text(for_excel=True)


def test_evaluate_and_newsletter_default_to_the_same_period(tmp_path):
    # no Reporting period on Control: both take the last complete quarter on or before the as-of date (31 March
    # 2018: the quarter ending that day)
    from cseplan_xl.evaluation import evaluate

    settings = {k: v for k, v in SETTINGS.items() if k != "Reporting period"}
    plan = load_plan(_workbook(tmp_path / "p.xlsx", settings=settings))
    assert build_context(plan)["period"]["label"] == evaluate(plan).period.label == "2018Q1"
    plan = load_plan(_workbook(tmp_path / "q.xlsx", settings={**settings, "Reporting period": "2017Q4"}))
    assert build_context(plan)["period"]["label"] == evaluate(plan).period.label == "2017Q4"


def _template_with(path: Path, new: bytes, old: bytes = b"{{ board_name }}") -> Path:
    """A copy of the default template with the first `old` in its document text replaced by `new`."""
    with zipfile.ZipFile(briefing.DEFAULT_TEMPLATE) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                data = data.replace(old, new, 1)
            dst.writestr(item, data)
    return path


def test_misspelt_tag_fails_naming_template_and_tag(book, tmp_path):
    bad = _template_with(tmp_path / "bad.docx", b"{{ board_nmae }}")
    with pytest.raises(TemplateError) as err:
        draft_newsletter(load_plan(book), template=bad)
    assert str(bad) in str(err.value) and "board_nmae" in str(err.value)


def test_malformed_tag_fails_clearly(book, tmp_path):
    bad = _template_with(tmp_path / "malformed.docx", b"{{ board name }}")
    with pytest.raises(TemplateError, match="a tag is malformed .*curly ones"):
        draft_newsletter(load_plan(book), template=bad)


def test_readme_lists_every_context_key(book):
    readme = (ROOT / "templates" / "README.md").read_text(encoding="utf-8")
    for key in build_context(load_plan(book)):
        assert key in readme, key


def test_not_a_template_fails_clearly(tmp_path):
    junk = tmp_path / "junk.docx"
    junk.write_text("not a docx")
    empty, _ = screen_output({"context": {}})
    with pytest.raises(TemplateError, match="not a Word .docx template"):
        render(empty, junk, None)
    with pytest.raises(TemplateError, match="no such template"):
        render(empty, tmp_path / "missing.docx", None)


def test_render_takes_only_screened_output(book):
    with pytest.raises(TypeError, match="only the Screened output"):
        render({"context": build_context(load_plan(book))}, briefing.DEFAULT_TEMPLATE, None)


def test_the_packaged_template_is_the_one_in_templates():
    # templates/ is the comms team's copy; the package ships the same bytes (make_template.py writes both)
    packaged = ROOT / "src" / "cseplan_xl" / "templates" / "nscb_newsletter.docx"
    assert briefing.DEFAULT_TEMPLATE == packaged
    assert packaged.read_bytes() == (ROOT / "templates" / "nscb_newsletter.docx").read_bytes(), (
        "copy templates/nscb_newsletter.docx to src/cseplan_xl/templates/ (or run templates/make_template.py)")


def test_a_normal_install_ships_the_template():
    # A non-editable install has no repo around it: the template is package data, found beside the modules.
    import importlib.resources
    import tomllib

    found = importlib.resources.files("cseplan_xl") / "templates" / "nscb_newsletter.docx"
    assert found.is_file() and found.read_bytes()[:2] == b"PK"
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "templates/*.docx" in config["tool"]["setuptools"]["package-data"]["cseplan_xl"]


def test_template_is_reproducible(tmp_path):
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_template", ROOT / "templates" / "make_template.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    fresh = module.build(tmp_path / "t.docx")
    with zipfile.ZipFile(fresh) as a, zipfile.ZipFile(briefing.DEFAULT_TEMPLATE) as b:
        assert a.read("word/document.xml") == b.read("word/document.xml")


@pytest.mark.skipif(not DEMO.exists(), reason="the demo workbook has not been built")
def test_demo_workbook_newsletter(tmp_path):
    demo = tmp_path / DEMO.name
    shutil.copy(DEMO, demo)
    plan = load_plan(demo)
    result = draft_newsletter(plan)
    assert not result.blocked, result.to_text()
    doc = Document(str(result.path))
    overall = [c.text for c in doc.tables[0].rows[-1].cells]
    expected = rollup(plan).overall
    assert overall[2:] == [str(expected.counts[r]) for r in ("Red", "Amber", "Green", "Blue", "Grey")] + [
        str(expected.total)]
    text = _text(result.path)
    assert plan.settings.board_name in text and plan.settings.newsletter_title in text
    assert "with numbers this small, a change like this can happen by chance" in text
    assert len(doc.inline_shapes) == 2
    # DOMAIN.md: about 250-400 words plus a table or two (captions and tables not counted)
    assert 250 <= result.word_count <= 400, result.word_count


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_converts_the_draft_to_pdf(book, tmp_path):
    result = draft_newsletter(load_plan(book))
    out = tmp_path / "pdf"
    run = subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}", "--headless",
         "--convert-to", "pdf", "--outdir", str(out), str(result.path)],
        capture_output=True, text=True, timeout=180,
    )
    pdf = out / "TSCP_2018Q1_draft.pdf"
    assert run.returncode == 0 and pdf.exists(), run.stderr
    assert pdf.read_bytes().startswith(b"%PDF")


# --- the command -------------------------------------------------------------------------------


def test_cli_newsletter_exit_codes(tmp_path, capsys):
    import json

    from cseplan_xl.cli import main

    unsafe = _workbook(tmp_path / "unsafe.xlsx", note=UNSAFE_NOTE)
    assert main(["newsletter", str(unsafe)]) == 1
    err = capsys.readouterr().err
    assert "Plan!I3: a phone number that is not a published helpline: '07700 900123'" in err
    assert main(["newsletter", str(unsafe), "--allow", "Plan!I3", "-o", str(tmp_path / "n.docx")]) == 0
    assert capsys.readouterr().out.startswith(f"Wrote {tmp_path / 'n.docx'} (")
    assert main(["newsletter", str(unsafe), "--template", str(tmp_path / "missing.docx")]) == 2
    assert capsys.readouterr().err == f"Error: {tmp_path / 'missing.docx'}: no such template\n"
    assert main(["newsletter", str(unsafe), "--allow", "I3"]) == 2
    assert main(["newsletter", str(tmp_path / "nothing.xlsx")]) == 2
    # the context dump is screened too: a blocked cell's text is never printed
    assert main(["newsletter", str(unsafe), "--dump-context", "-"]) == 1
    out, err = capsys.readouterr()
    assert out == "" and "Plan!I3: a phone number that is not a published helpline" in err
    assert main(["newsletter", str(unsafe), "--dump-context", "-", "--allow", "Plan!I3"]) == 0
    context = json.loads(capsys.readouterr().out)
    assert context["board_short"] == "TSCP" and context["overall"]["total"] == 5


def test_an_allow_that_matches_nothing_is_said(tmp_path):
    from cseplan_xl import briefing
    from cseplan_xl.plan import load_plan

    demo = Path(__file__).resolve().parents[1] / "workbook" / "examples" / "cseplan_demo.xlsm"
    result = briefing.draft_newsletter(load_plan(demo), out=tmp_path / "d.docx", allow=["Plan!Z99"])
    assert result.path is not None and result.unmatched_allow == ["Plan!Z99"]
    assert "--allow Plan!Z99: the screen found nothing in that cell (check the address)." in result.to_text()


PAYLOAD = b"{{ cycler.__init__.__globals__.os.popen('id').read() }}"


def test_a_template_cannot_run_code(book, tmp_path, capsys):
    from cseplan_xl.cli import main

    bad = _template_with(tmp_path / "payload.docx", PAYLOAD)
    code = main(["newsletter", str(book), "--template", str(bad), "-o", str(tmp_path / "out.docx")])
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert str(bad) in err and "{{ cycler.__init__.__globals__.os.popen('id').read() }}" in err
    assert "uid=" not in err and not (tmp_path / "out.docx").exists()
    # and nothing runs: a payload that would leave a file behind leaves none
    marker = tmp_path / "ran"
    touch = _template_with(tmp_path / "touch.docx",
                           f"{{{{ cycler.__init__.__globals__.os.popen('touch {marker}').read() }}}}".encode())
    for reach in (touch, _template_with(tmp_path / "mro.docx", b"{{ ''.__class__.__mro__[1].__subclasses__() }}")):
        with pytest.raises(TemplateError, match="reaches outside the newsletter's data"):
            draft_newsletter(load_plan(book), template=reach, out=tmp_path / "x.docx")
    assert not marker.exists() and not (tmp_path / "x.docx").exists()
