"""Build templates/nscb_newsletter.docx, the newsletter's Word template, with python-docx.

Run `python templates/make_template.py [OUT.docx]` after changing it. Without OUT it writes the template here and
the same bytes to src/cseplan_xl/templates/, the copy the package ships and loads (a test checks they are equal).
The comms team may instead restyle the .docx in Word directly (styles, colours, fonts, the footer): the tags are
listed in templates/README.md; copy the restyled file to the package's templates/ folder as well.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from cseplan_xl.contract import RAG_COLOURS, RAG_VALUES

HOUSE = RGBColor(0x1F, 0x38, 0x64)  # heading navy
ACCENT = RGBColor(0x2F, 0x75, 0xB5)
OUT = Path(__file__).with_name("nscb_newsletter.docx")
PACKAGED = Path(__file__).resolve().parents[1] / "src" / "cseplan_xl" / "templates" / OUT.name


def _styles(doc) -> None:
    normal = doc.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(10.5)
    normal.paragraph_format.space_after = Pt(4)
    for name, size, colour in (("Title", 22, HOUSE), ("Heading 1", 15, HOUSE), ("Heading 2", 12, ACCENT)):
        style = doc.styles[name]
        style.font.name = "Calibri"
        style.font.size = Pt(size)
        style.font.color.rgb = colour
        style.font.bold = True
        style.paragraph_format.space_before = Pt(10 if name != "Title" else 0)
        style.paragraph_format.space_after = Pt(3)
        rfonts = style.element.rPr.find(qn("w:rFonts"))
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            if rfonts is not None and rfonts.get(qn(attr)) is not None:
                del rfonts.attrib[qn(attr)]
    doc.styles["List Bullet"].paragraph_format.space_after = Pt(2)
    caption = doc.styles["Caption"]
    caption.font.name = "Calibri"
    caption.font.size = Pt(8.5)
    caption.font.bold = False
    caption.font.italic = True
    caption.font.color.rgb = RGBColor(0x59, 0x59, 0x59)
    caption.paragraph_format.space_after = Pt(8)


# Styles the template uses, and those Word expects to find defined; python-docx's default template defines about
# 160 more (mostly table styles), which every draft would parse, serialise and compress. Word still offers all its
# built-in styles after they are removed (they are listed as latent styles).
_KEEP_STYLES = {"Normal", "DefaultParagraphFont", "TableNormal", "NoList", "Title", "TitleChar", "Heading1",
                "Heading1Char", "Heading2", "Heading2Char", "ListBullet", "ListParagraph", "Caption", "TableGrid",
                "Header", "HeaderChar", "Footer", "FooterChar"}
_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"
_THUMBNAIL = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail"


def _slim(doc) -> None:
    """Drop unused style definitions, the Word 2010 stylesWithEffects copy and the blank-page thumbnail."""
    styles = doc.styles.element
    for style in styles.findall(qn("w:style")):
        if style.get(qn("w:styleId")) not in _KEEP_STYLES:
            styles.remove(style)
    for rels in (doc.part.rels, doc.part.package.rels):
        for r_id, rel in list(rels.items()):
            if rel.reltype in (_EFFECTS, _THUMBNAIL):
                del rels[r_id]


def _shade(cell, hex_colour: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), hex_colour.lstrip("#"))
    tc_pr.append(shd)


def _cell(cell, text: str, bold: bool = False, align=None, size: float | None = 9) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.paragraph_format.space_after = Pt(0)
    if align is not None:
        paragraph.alignment = align
    run = paragraph.add_run(text)
    run.bold = bold
    if size:
        run.font.size = Pt(size)


def _tag(doc, text: str) -> None:
    """A paragraph holding only a docxtpl paragraph tag ({%p ... %}); it disappears when rendered."""
    doc.add_paragraph(text)


def _bullet(doc, bold: str, rest: str) -> None:
    p = doc.add_paragraph(style="List Bullet")
    if bold:
        p.add_run(bold).bold = True
    p.add_run(rest)


def _rag_table(doc) -> None:
    headers = ["Theme", "Status", *RAG_VALUES, "Total"]
    table = doc.add_table(rows=5, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    centre = WD_ALIGN_PARAGRAPH.CENTER
    for i, text in enumerate(headers):
        cell = table.rows[0].cells[i]
        _cell(cell, text, bold=True, align=None if i == 0 else centre)
        _shade(cell, RAG_COLOURS[text] if text in RAG_COLOURS else "#D9E2F3")
    table.rows[1].cells[0].text = "{%tr for g in rag_table %}"
    row = table.rows[2].cells
    _cell(row[0], "{{ g.key }}")
    _cell(row[1], "{% cellbg g.colour %}{{ g.rag }}", bold=True, align=centre)
    for i, rag in enumerate(RAG_VALUES, start=2):
        _cell(row[i], "{{ g.%s }}" % rag.lower(), align=centre)
    _cell(row[-1], "{{ g.total }}", align=centre)
    table.rows[3].cells[0].text = "{%tr endfor %}"
    row = table.rows[4].cells
    _cell(row[0], "{{ overall.key }}", bold=True)
    _cell(row[1], "{% cellbg overall.colour %}{{ overall.rag }}", bold=True, align=centre)
    for i, rag in enumerate(RAG_VALUES, start=2):
        _cell(row[i], "{{ overall.%s }}" % rag.lower(), bold=True, align=centre)
    _cell(row[-1], "{{ overall.total }}", bold=True, align=centre)
    table.autofit = False
    widths = [Cm(5.3), Cm(1.9)] + [Cm(1.65)] * len(RAG_VALUES) + [Cm(1.45)]
    for column, width in zip(table.columns, widths):
        column.width = width
    for r in table.rows:
        for cell, width in zip(r.cells, widths):
            cell.width = width


def _legend(doc) -> None:
    """The table's caption and colour key (Caption style: not counted as running text)."""
    p = doc.add_paragraph(style="Caption")
    p.paragraph_format.space_before = Pt(2)
    p.add_run("Activities by theme on {{ as_of }}; Status is the worst in the row. ")
    p.add_run("Key: ").bold = True
    p.add_run("{{ legend_text }}.")


def _chart(doc, name: str) -> None:
    """The chart image, centred, and its caption (Caption style: not counted as running text)."""
    picture = doc.add_paragraph("{{ chart_%s }}" % name)
    picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
    picture.paragraph_format.space_after = Pt(0)
    picture.paragraph_format.keep_with_next = True
    doc.add_paragraph("{{ captions.%s }}" % name, style="Caption")


def build(out: Path = OUT) -> Path:
    """Write the template to `out` and return the path."""
    doc = Document()
    _styles(doc)
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(2.0)
    section.top_margin, section.bottom_margin = Cm(1.8), Cm(1.8)
    doc.core_properties.title = "CSE communications newsletter template"
    doc.core_properties.author = "cseplan-xl"
    doc.core_properties.comments = ""

    doc.add_paragraph("{{ newsletter_title }}", style="Title")
    sub = doc.add_paragraph()
    run = sub.add_run("{{ board_name }}, {{ period.title }}")
    run.font.color.rgb = ACCENT
    run.italic = True
    doc.add_heading("{{ headline }}", level=1)
    doc.add_paragraph().add_run("{{ summary }}").bold = True

    doc.add_heading("What we did", level=2)
    _tag(doc, "{%p if did %}")
    _tag(doc, "{%p for d in did %}")
    p = doc.add_paragraph(style="List Bullet")
    p.add_run("{{ d.date }}").bold = True
    p.add_run(": {{ d.activity }}")
    _tag(doc, "{%p endfor %}")
    _tag(doc, "{%p if did_more %}")
    doc.add_paragraph("…and {{ did_more }} more.")
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p else %}")
    doc.add_paragraph("No activities were completed in this period.")
    _tag(doc, "{%p endif %}")

    doc.add_heading("Where the plan stands", level=2)
    _rag_table(doc)
    _legend(doc)
    _tag(doc, "{%p for o in overdue %}")
    p = doc.add_paragraph(style="List Bullet")
    p.add_run("Overdue: ").bold = True
    p.add_run("{{ o.activity }}, due {{ o.due }} ({{ o.days_text }}).")
    _tag(doc, "{%p endfor %}")
    _tag(doc, "{%p if overdue_more %}")
    doc.add_paragraph("…and {{ overdue_more }} more overdue (the Dashboard and cseplan rollup list them all).")
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p if charts.rag_by_theme %}")
    _chart(doc, "rag_by_theme")
    _tag(doc, "{%p endif %}")

    doc.add_heading("What we are seeing", level=2)
    _tag(doc, "{%p if evaluation.baseline %}")
    doc.add_paragraph("Compared with {{ evaluation.baseline }}:")
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p for s in seeing %}")
    _bullet(doc, "", "{{ s }}")
    _tag(doc, "{%p endfor %}")
    _tag(doc, "{%p if charts.referrals %}")
    _chart(doc, "referrals")
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p for q in quotes %}")
    quote = doc.add_paragraph()
    quote.paragraph_format.left_indent = Cm(1)
    quote.add_run("“{{ q.text }}”").italic = True
    quote.add_run(" ({{ q.source }}{% if q.date %}, {{ q.date }}{% endif %})")
    _tag(doc, "{%p endfor %}")
    _tag(doc, "{%p if quotes_withheld %}")
    doc.add_paragraph("{{ quotes_withheld }}")
    _tag(doc, "{%p endif %}")

    doc.add_heading("What partners can do", level=2)
    _tag(doc, "{%p for a in partner_actions %}")
    _bullet(doc, "", "{{ a }}")
    _tag(doc, "{%p endfor %}")

    doc.add_heading("Spot the signs and how to report", level=2)
    doc.add_paragraph("Signs include {% for s in signs %}{% if loop.last %} and "
                      "{% elif not loop.first %}, {% endif %}{{ s }}{% endfor %}.")
    _bullet(doc, "Emergency: ", "call {{ helplines.emergency }}.")
    _bullet(doc, "Non-emergency: ", "call {{ helplines.non_emergency }}.")
    _bullet(doc, "Anonymously: ", "Crimestoppers, {{ helplines.crimestoppers }}.")
    _bullet(doc, "Young people: ", "Childline, {{ helplines.childline }}.")
    _bullet(doc, "Professionals: ", "{{ referral_route }}")

    doc.add_heading("What is next: {{ next_period.title }}", level=2)
    _tag(doc, "{%p for n in next %}")
    _bullet(doc, "{{ n.date }}: ", "{{ n.activity }}{% if n.moved %} ({{ n.moved }}){% endif %}")
    _tag(doc, "{%p endfor %}")
    _tag(doc, "{%p if next_more %}")
    doc.add_paragraph("…and {{ next_more }} more.")
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p for a in awareness %}")
    _bullet(doc, "{{ a.date }}: ", "{{ a.name }}")
    _tag(doc, "{%p endfor %}")
    _tag(doc, "{%p if not next and not awareness %}")
    doc.add_paragraph("The plan has no dated activities in this period yet.")
    _tag(doc, "{%p endif %}")

    doc.add_heading("Contact", level=2)
    doc.add_paragraph("Questions or feedback: {{ contact_mailbox }}.")

    _tag(doc, "{%p if appendix %}")
    doc.add_heading("For the officer: the full figures (delete before sending)", level=2)
    _tag(doc, "{%p for line in appendix %}")
    doc.add_paragraph("{{ line }}", style="Caption")
    _tag(doc, "{%p endfor %}")
    _tag(doc, "{%p endif %}")

    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = footer.add_run("{{ board_name }} · {{ newsletter_title }} · {{ period.title }} · "
                         "DRAFT: check before publishing")
    run.font.size = Pt(8)
    run.font.color.rgb = RGBColor(0x59, 0x59, 0x59)
    _slim(doc)
    out.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(out))
    return out


if __name__ == "__main__":
    if len(sys.argv) > 1:
        print(build(Path(sys.argv[1])))
    else:
        print(build(OUT))
        print(shutil.copyfile(OUT, PACKAGED))
