"""The newsletter as a Word file: the template rendered with docxtpl, then made tidy for Word.

After rendering: table-cell properties put back in the schema's order (docxtpl's `cellbg` adds its shading
first, which Word may refuse or "repair"), each chart given its alt text, and the core properties set (title,
the board as author, the drafting date).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
from collections.abc import Mapping
from importlib.resources import files
from pathlib import Path
from typing import Any

from .charts import CHART_WIDTHS_MM
from .errors import TemplateError
from .output import write_new
from .privacy import Screened

TEMPLATE_NAME = "nscb_newsletter.docx"
# Shipped inside the package (package data), so a normal `pip install .` finds it; templates/ at the repo root
# holds the same file for the comms team to restyle, and its cheat-sheet.
DEFAULT_TEMPLATE = Path(str(files(__package__) / "templates" / TEMPLATE_NAME))

# CT_TcPr's children in the order the OOXML schema requires (ECMA-376 Part 1, 17.4.70).
_TCPR_ORDER = ("cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap", "tcMar",
               "textDirection", "tcFitText", "vAlign", "hideMark", "headers", "cellIns", "cellDel", "cellMerge",
               "tcPrChange")


def load_template(template_path: Path) -> bytes:
    """The template's bytes; TemplateError when there is no such file."""
    import stat

    from .container import special_kind

    try:
        mode = template_path.stat().st_mode
    except FileNotFoundError:
        raise TemplateError(f"{template_path}: no such template") from None
    except (OSError, ValueError) as exc:
        raise TemplateError(f"{template_path}: the template cannot be read "
                            f"({getattr(exc, 'strerror', None) or exc})") from None
    if stat.S_ISDIR(mode):
        raise TemplateError(f"{template_path}: is a folder, not a Word template (.docx)")
    if not stat.S_ISREG(mode):  # a FIFO would never finish reading
        raise TemplateError(f"{template_path}: is {special_kind(mode)}, not a Word template (.docx)")
    try:
        return template_path.read_bytes()
    except FileNotFoundError:
        raise TemplateError(f"{template_path}: no such template") from None
    except OSError as exc:
        raise TemplateError(f"{template_path}: the template cannot be read ({exc.strerror or exc})") from None


def render(
    screened: Screened, template_path: str | Path, out_path: str | Path | None,
    images: Mapping[str, bytes] | None = None, drafted: dt.datetime | None = None,
) -> Any:
    """Render a screened output ({"context", "comments"} that passed privacy.screen_output) into the Word template
    and save it (when out_path is given, replacing a file there); returns the document. Nothing else is accepted,
    so no string reaches the document, its charts' alt text or its properties without passing the screen.

    Images are PNG bytes by name and become `{{ chart_<name> }}`, described by the context's "alt_text". Unknown
    tags fail (StrictUndefined) and user text is escaped (autoescape), each failure as a TemplateError naming the
    template and the tag.
    """
    from docx.shared import Mm
    from docxtpl import DocxTemplate, InlineImage
    from jinja2 import StrictUndefined, UndefinedError
    from jinja2 import TemplateError as JinjaError
    from jinja2.exceptions import SecurityError
    from jinja2.sandbox import SandboxedEnvironment

    if not isinstance(screened, Screened):
        raise TypeError("render takes only the Screened output of privacy.screen_output")
    output = screened.value
    context, comments = output["context"], output.get("comments")
    template_path = Path(template_path)
    data = load_template(template_path)
    try:
        tpl = DocxTemplate(io.BytesIO(data))
        tpl.init_docx()
    except Exception as exc:  # python-docx raises several types for a file that is not a .docx
        raise TemplateError(f"{template_path}: not a Word .docx template ({type(exc).__name__}: {exc})") from None
    full = dict(context)
    for name, png in (images or {}).items():
        full[f"chart_{name}"] = InlineImage(tpl, io.BytesIO(png), width=Mm(CHART_WIDTHS_MM.get(name, 140)))
    # A template is a document anyone may hand over: it renders in Jinja's sandbox, where tags can read the context
    # but never reach Python's internals (no `cycler.__init__.__globals__.os`), so a template cannot run anything.
    env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=True)
    try:
        tpl.render(full, jinja_env=env, autoescape=True)
    except SecurityError as exc:
        raise TemplateError(f"{template_path}: the tag {_unsafe_tag(tpl, exc)} reaches outside the newsletter's "
                            "data, which a template may not do; remove it") from None
    except UndefinedError as exc:
        raise TemplateError(
            f"{template_path}: the tag {_tag_of(exc)} is not something the newsletter provides ({exc}); "
            "check its spelling against templates/README.md"
        ) from None
    except JinjaError as exc:
        near = " / ".join(t.strip() for t in getattr(exc, "docx_context", []) if t.strip())
        where = f" near {near[:120]!r}" if near else ""
        raise TemplateError(f"{template_path}: a tag is malformed ({exc}){where}; check it against "
                            "templates/README.md (Word may have turned straight quotes into curly ones)") from None
    doc = tpl.docx
    _order_cell_properties(doc)
    _describe_images(doc, images or {}, context.get("alt_text", {}))
    _properties(doc, context, comments, drafted or dt.datetime.now().replace(microsecond=0))
    if out_path is not None:
        # through a temporary file and a rename: a failed save leaves any earlier file as it was
        write_new(out_path, docx_bytes(tpl), force=True)
    return doc


def docx_bytes(doc: Any) -> bytes:
    """A rendered template (or its python-docx document) saved as the bytes of a .docx file."""
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _order_cell_properties(doc: Any) -> None:
    """Every table cell's w:tcPr children in the schema's order (a stable sort: unknown ones stay last)."""
    from docx.oxml.ns import qn

    rank = {qn(f"w:{name}"): i for i, name in enumerate(_TCPR_ORDER)}
    for tc_pr in doc.element.body.iter(qn("w:tcPr")):
        children = list(tc_pr)
        ordered = sorted(children, key=lambda e: rank.get(e.tag, len(rank)))
        if ordered != children:
            for child in children:
                tc_pr.remove(child)
            tc_pr.extend(ordered)


def _describe_images(doc: Any, images: Mapping[str, bytes], alt_text: Mapping[str, str]) -> None:
    """Give each chart picture (wp:docPr) its alt text, matched by the picture's bytes."""
    from docx.oxml.ns import qn

    by_digest = {hashlib.sha256(png).hexdigest(): name for name, png in images.items()}
    for inline in doc.element.body.iter(qn("wp:inline"), qn("wp:anchor")):
        blip = next(inline.iter(qn("a:blip")), None)
        doc_pr = inline.find(qn("wp:docPr"))
        if blip is None or doc_pr is None:
            continue
        part = doc.part.related_parts.get(blip.get(qn("r:embed")))
        name = by_digest.get(hashlib.sha256(part.blob).hexdigest()) if part is not None else None
        if name and alt_text.get(name):
            doc_pr.set("descr", alt_text[name])
            doc_pr.set("name", f"Chart: {name.replace('_', ' ')}")


def _properties(doc: Any, context: Mapping[str, Any], comments: str | None, drafted: dt.datetime) -> None:
    """Title, author (the board), the drafting date; comments (notes for the officer) when given."""
    props = doc.core_properties
    if comments is not None:
        props.comments = comments
    props.author = props.last_modified_by = str(context.get("board_name", ""))
    props.title = str(context.get("headline", ""))
    props.created = props.modified = drafted
    props.revision = 1


def _unsafe_tag(tpl: Any, exc: Exception) -> str:
    """The template tag that tried an unsafe attribute (named in the sandbox's message), as written."""
    m = re.search(r"attribute '([^']+)'", str(exc))
    text = re.sub(r"<[^>]+>", "", tpl.get_xml())  # the document's text with Word's markup taken out
    for tag in re.findall(r"\{\{.*?\}\}|\{%.*?%\}", text, flags=re.S):
        if m is None or m.group(1) in tag:
            return " ".join(tag.split())
    return "{{ ? }}"


def _tag_of(exc: Exception) -> str:
    m = re.search(r"'([^']+)' (?:is undefined|has no attribute '([^']+)')", str(exc))
    if not m:
        return "{{ ? }}"
    return "{{ " + (f"….{m.group(2)}" if m.group(2) else m.group(1)) + " }}"
