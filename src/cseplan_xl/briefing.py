"""The newsletter draft: the rollup and evaluation computed once, the article built from them, screened for
personal data, and rendered into Word.

`article.build_article` says what the article holds (a pure function of plan, rollup and evaluation);
`wordfile.render` decides how it looks; `draft_newsletter` joins them behind the privacy screen and never
overwrites a file without `force`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import contract
from .article import FALLBACK, Article, build_article
from .awareness import awareness_dates, safer_internet_day
from .charts import chart_rag_by_theme, chart_referrals
from .dates import format_day
from .errors import InvalidValue
from .findings import ERROR, Finding
from .output import check_writable, next_free, write_new
from .period import Period, parse_period
from .plan import Plan
from .privacy import Screened, screen, unmatched_allows
from .wordfile import DEFAULT_TEMPLATE, TEMPLATE_NAME, docx_bytes, load_template, render
from .words import plural

COMMENTS_LIMIT = 255
CAPTION_STYLE = "Caption"  # paragraphs in this style (the table key, chart captions) are not running text

__all__ = [
    "DEFAULT_TEMPLATE", "TEMPLATE_NAME", "NewsletterResult", "account", "awareness_dates", "build_context",
    "default_output", "draft_newsletter", "newsletter_context", "next_free", "render", "safer_internet_day",
]


def account(plan: Plan, period: Period | str | None = None, as_of: dt.date | None = None,
            appendix: bool = False) -> Article:
    """The one account of the plan behind the article: the rollup and the evaluation for the same as-of date and
    period, computed once, and the article built from them."""
    from .evaluation import evaluate
    from .rollups import rollup

    when = plan.as_of(as_of)
    roll = rollup(plan, as_of=when, period=period)
    assert roll.period is not None  # rollup always picks one
    _check_in_plan(plan, roll.period, chosen=period is not None or as_of is not None)
    return build_article(plan, roll, evaluate(plan, period=roll.period, as_of=when), appendix)


def _check_in_plan(plan: Plan, period: Period, chosen: bool) -> None:
    """Refuse a default period that lies outside the plan's lifetime (an As-of date left blank, so today):
    an article about months after the plan ended would be empty or wrong. A period or as-of date chosen by the
    officer (given, or set on the Control sheet) is drafted as asked."""
    s = plan.settings
    if chosen or s.as_of is not None or s.reporting_period:
        return
    after = s.plan_end is not None and period.start > s.plan_end
    before = s.plan_start is not None and period.end < s.plan_start
    if after or before:
        bound = f"ended on {format_day(s.plan_end)}" if after and s.plan_end else (
            f"starts on {format_day(s.plan_start)}" if s.plan_start else "")
        raise InvalidValue(f"{plan.path.name}: the plan {bound}, but with no As-of date (so today) the newsletter "
                           f"would cover {period.describe()}; choose the period or as-of date (--period or "
                           "--as-of, or the Control sheet's As-of date or Reporting period)")


def build_context(plan: Plan, period: Period | str | None = None, as_of: dt.date | None = None) -> dict[str, Any]:
    """What the newsletter says, as JSON-able data: names from Control, figures from the rollup and evaluation."""
    return account(plan, period, as_of).context


@dataclass
class NewsletterResult:
    """What drafting did: the file written (None when blocked), the privacy findings, allowed cells, words of text.

    word_count counts running text as `_running_words` does: chart captions, tables and the footer are left out.
    """

    path: Path | None
    findings: list[Finding]
    allowed: list[str]
    word_count: int = 0
    requested: Path | None = None  # the name asked for, when it existed and the next free name was used
    context: dict[str, Any] = field(default_factory=dict, repr=False)
    unmatched_allow: list[str] = field(default_factory=list)  # --allow cells the screen found nothing in
    officer_notes: list[str] = field(default_factory=list)  # cells left out of the figures, and why
    as_of_note: str | None = None  # one line when the as-of date falls outside the plan's lifetime
    setting_notes: list[str] = field(default_factory=list)  # Control settings still to fill in, one line each
    screened: Screened | None = field(default=None, repr=False)  # the whole output, screened (None when blocked)

    @property
    def blocked(self) -> bool:
        """True when the privacy screen stopped the draft (or the context dump)."""
        return bool(self.blocking)

    @property
    def blocking(self) -> list[Finding]:
        """The findings that stopped the draft (allowed cells excluded)."""
        return [f for f in self.findings if f.severity == ERROR]

    def to_text(self, for_excel: bool = False) -> str:
        """The lines the CLI shows; for_excel words what to do for the Draft newsletter button (no options there)."""
        if self.blocked:
            lines = [f"Not written: the privacy screen found {plural(len(self.blocking), 'problem', 'problems')} "
                     "in text the newsletter would quote:"]
            lines += [f"  {f.address}: {f.message}" for f in self.blocking]
            lines.append(
                "Take the personal details out of those cells (an anecdote can instead be set to Publish: No), "
                "then click Draft newsletter again." if for_excel
                else "Edit those cells, or after checking a cell allow it with --allow SHEET!CELL.")
            return "\n".join(lines) + "\n"
        lines = []
        if self.requested is not None:
            lines.append(f"{self.requested.name} already exists, so this draft has a new name." if for_excel else
                         f"{self.requested} already exists; wrote the next free name instead (use --force to replace).")
        if self.path is not None:
            lines.append(f"Wrote {self.path} ({self.word_count} words).")
        if self.as_of_note:
            lines.append(self.as_of_note)
        lines += self.setting_notes
        if self.officer_notes:
            lines.append("Left out of the figures (also in the document's properties, Comments):")
            lines += [f"  {note}" for note in self.officer_notes]
        if self.allowed:
            lines.append("Allowed after checking (listed in the document's properties, Comments): "
                         + ", ".join(self.allowed))
        lines += [f"--allow {cell}: the screen found nothing in that cell (check the address)."
                  for cell in self.unmatched_allow]
        return "\n".join(lines) + "\n"


def default_output(plan: Plan, period: Period) -> Path:
    """`newsletters/<board_short>_<period>_draft.docx` beside the workbook."""
    short = re.sub(r"[^A-Za-z0-9-]+", "_", plan.settings.board_short or FALLBACK["board_short"]).strip("_")
    return plan.path.parent / "newsletters" / f"{short or 'board'}_{period.label.replace('..', '_')}_draft.docx"


def draft_newsletter(
    plan: Plan,
    period: Period | str | None = None,
    as_of: dt.date | None = None,
    out: str | Path | None = None,
    template: str | Path | None = None,
    force: bool = False,
    allow: Iterable[str] = (),
    appendix: bool = False,
) -> NewsletterResult:
    """Build, screen and render the newsletter draft; blocked (nothing written) when the screen finds personal data.

    The output must be a .docx and never the workbook itself (not even with force): InvalidValue or
    OutputExistsError before any work is done.
    """
    template_path = Path(template) if template else DEFAULT_TEMPLATE
    load_template(template_path)  # a missing template is reported before anything else
    if out is not None:
        _check_output(Path(out), plan)
    result = _screened(account(plan, period, as_of, appendix), plan, allow)
    if result.screened is None:
        return result
    # Everything below is drawn from the screened output only: the charts, the document and its properties.
    context = result.screened.value["context"]
    requested = Path(out) if out else default_output(plan, parse_period(context["period"]["label"]))
    _check_output(requested, plan)
    images = {"rag_by_theme": chart_rag_by_theme(context)} if context["charts"]["rag_by_theme"] else {}
    if context["charts"]["referrals"]:
        images["referrals"] = chart_referrals(context)
    doc = render(result.screened, template_path, None, images)
    # Without force the name is taken by an exclusive create (the next free one when taken, even by a run at the
    # same moment), so the path reported is the file this run wrote.
    path = write_new(requested, docx_bytes(doc), force=force, next_free=not force, inputs=[plan.path])
    result.path, result.word_count = path, _running_words(doc)
    result.requested = requested if path != requested else None
    return result


def newsletter_context(plan: Plan, period: Period | str | None = None, as_of: dt.date | None = None,
                       allow: Iterable[str] = ()) -> NewsletterResult:
    """The newsletter's context behind the privacy screen, nothing written: `--dump-context` shows it only when
    the result is not blocked, so no cell the screen stops is ever printed."""
    return _screened(account(plan, period, as_of), plan, allow)


def _screened(article: Article, plan: Plan, allow: Iterable[str]) -> NewsletterResult:
    """The screen's verdict on the article as a whole: every cell it quotes, then every string of the finished
    context, the notes and the document properties (each hit named by its cell); the Screened output when
    nothing blocks."""
    from .rules_privacy import board_numbers, placeholder_settings, screen_published

    context = article.context
    setting_notes = []
    for key, shown in placeholder_settings(plan).items():  # never publish a placeholder as if it were real
        context[key] = shown
        cell = plan.setting_cells.get(key)
        label = contract.CONTROL.column(key).header
        where = f"Control!B{cell.row}" if cell is not None else f"a {label} row on Control"
        setting_notes.append(f"{label} is not set yet: fill in {where}; until then the draft says {shown}.")
    findings = screen(article.items, numbers=board_numbers(plan), allow=allow, as_of=article.as_of)
    _, walked = screen_published(plan, {"context": context, "notes": article.officer_notes}, "newsletter", allow,
                                 article.as_of)
    known = {(f.address, f.code, f.value) for f in findings}
    findings += [f for f in walked if (f.address, f.code, f.value) not in known]
    allowed = sorted({f"{f.address} ({f.code})" for f in findings if f.severity != ERROR})
    result = NewsletterResult(None, findings, allowed, officer_notes=article.officer_notes,
                              setting_notes=setting_notes, as_of_note=article.as_of_note,
                              unmatched_allow=unmatched_allows(allow, findings))
    if result.blocked:
        return result
    screened, last = screen_published(plan, {"context": context, "comments": _comments(result)}, "newsletter",
                                      allow, article.as_of)
    result.findings += [f for f in last if f.severity == ERROR]  # none: everything in it was screened above
    if screened is not None:
        result.screened, result.context = screened, screened.value["context"]
    return result


def _comments(result: NewsletterResult) -> str:
    """The document's Comments property: cells left out of the figures and cells allowed, for the officer."""
    notes = []
    if result.officer_notes:  # the cells only: the reasons quote what they hold (a month's count of boys, say)
        notes.append("Left out of the figures: " + "; ".join(note.split(": ", 1)[0] for note in result.officer_notes))
    if result.allowed:
        notes.append("Privacy screen: cells allowed by the officer after checking: " + "; ".join(result.allowed))
    comments = " | ".join(notes)
    if len(comments) > COMMENTS_LIMIT:  # Word's Comments property holds 255 characters; the CLI lists them all
        comments = comments[: COMMENTS_LIMIT - 40].rstrip() + "… (the full list is shown when drafting)"
    return comments


def _check_output(path: Path, plan: Plan) -> None:
    """A draft goes to a .docx that is not the workbook (existing files are left to force / next_free)."""
    check_writable(path, force=True, inputs=[plan.path])
    if path.suffix.casefold() != ".docx":
        raise InvalidValue(f"{path}: a newsletter draft is a Word file; give a name ending in .docx")


def _running_words(doc: Any) -> int:
    """Words of running text: every body paragraph (title, headings, lists, quotes) except chart captions.

    Tables and the footer are not paragraphs of the body, so they are not counted; nor is a token without a letter
    or digit ("=", "–", "·").
    """
    from docx.oxml.ns import qn

    # Style ids vary with Word's language, names do not. Reading the XML directly is several times faster than
    # python-docx's Paragraph.text and .style, which look each run and style up again.
    captions = {style.style_id for style in doc.styles if style.name == CAPTION_STYLE}
    text, breaks = qn("w:t"), (qn("w:tab"), qn("w:br"), qn("w:cr"))
    words = 0
    for p in doc.element.body.iterchildren(qn("w:p")):
        if p.style in captions:
            continue
        line = "".join(e.text or "" if e.tag == text else " " for e in p.iter(text, *breaks))
        words += sum(1 for token in line.split() if any(ch.isalnum() for ch in token))
    return words
