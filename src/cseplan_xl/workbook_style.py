"""How the built workbook looks: its cell formats, each sheet's A4 page set-up, the title row, the heights of wrapped
rows (XlsxWriter cannot fit them), and where a table sits (its header row, its last input row, a field's column).
The builder and each sheet's module write with these."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from cseplan_xl import contract as c

DEMO_BANNER = "ILLUSTRATIVE DEMO DATA, invented for training: not real progress or figures (as at 31 March 2018)"
HEADER_ROW = c.HEADER_ROW - 1  # 0-based, as XlsxWriter counts: the contract's layout is 1-based
LAST_INPUT_ROW = 999  # dropdowns and colours reach down to row 1000


class CellFormats:
    """The workbook's cell formats, added to it once, in a fixed order (so builds are byte-for-byte equal)."""

    def __init__(self, wb: Any) -> None:
        f = wb.add_format
        self.title = f({"bold": True, "font_size": 14, "font_color": "#1F4E78", "valign": "vcenter"})
        self.banner = f({"bold": True, "font_color": "#9C0006", "bg_color": "#FFEB9C", "valign": "vcenter",
                         "text_wrap": True, "border": 1, "border_color": "#9C0006"})
        self.describe = f({"italic": True, "font_color": "#595959", "valign": "vcenter", "text_wrap": True})
        self.heading = f({"bold": True, "font_size": 12, "font_color": "#1F4E78", "bottom": 2,
                          "bottom_color": "#1F4E78"})
        self.header = f({"bold": True, "font_color": "#FFFFFF", "bg_color": "#1F4E78", "text_wrap": True,
                         "valign": "top", "border": 1, "border_color": "#BFBFBF"})
        self.computed_header = f({"bold": True, "italic": True, "font_color": "#000000", "bg_color": "#D9D9D9",
                                  "text_wrap": True, "valign": "top", "border": 1, "border_color": "#BFBFBF"})
        self.label = f({"bold": True, "valign": "top"})
        self.value = f({"valign": "top", "text_wrap": True, "bg_color": "#FFF9E5", "border": 1,
                        "border_color": "#BFBFBF"})
        self.value_date = f({"valign": "top", "num_format": "dd/mm/yyyy", "align": "left", "bg_color": "#FFF9E5",
                             "border": 1, "border_color": "#BFBFBF"})
        self.status = f({"valign": "top", "text_wrap": True, "bg_color": "#F2F2F2", "border": 1,
                         "border_color": "#BFBFBF"})
        self.status_time = f({"valign": "top", "align": "left", "num_format": "dd/mm/yyyy hh:mm",
                              "bg_color": "#F2F2F2", "border": 1, "border_color": "#BFBFBF"})
        self.mark = {
            "error": f({"bg_color": "#FFC7CE", "font_color": "#9C0006"}),
            "warning": f({"bg_color": "#FFEB9C", "font_color": "#9C5700"}),
        }
        self.count = f({"align": "center"})
        self.worst = f({"bold": True, "align": "center"})
        self.help = f({"italic": True, "font_color": "#595959", "valign": "top", "text_wrap": True})
        self.text = f({"valign": "top"})
        self.button = f({"bold": True, "align": "center", "valign": "vcenter", "bg_color": "#E7E6E6", "border": 1,
                         "border_color": "#7F7F7F"})
        self.note = f({"italic": True, "font_color": "#595959", "valign": "top"})
        self.wrap = f({"valign": "top", "text_wrap": True})
        self.date = f({"valign": "top", "num_format": "dd/mm/yyyy", "align": "left"})
        self.month = f({"num_format": "mmm yyyy", "align": "left"})
        self.computed = f({"valign": "top", "bg_color": "#F2F2F2"})
        self.computed_date = f({"valign": "top", "bg_color": "#F2F2F2", "num_format": "dd/mm/yyyy", "align": "left"})
        self.rag = {
            name: f({"bg_color": colour, "font_color": "#FFFFFF" if name in (c.RED, c.BLUE, c.GREEN) else "#000000",
                     "bold": True})
            for name, colour in c.RAG_COLOURS.items()
        }
        self.legend_colour = {name: f({"font_color": colour, "bold": True}) for name, colour in c.RAG_COLOURS.items()}


def add_sheet(wb: Any, name: str, landscape: bool = True) -> Any:
    """A new worksheet set up to print on A4, one page wide, with the sheet's name and page numbers in the footer."""
    ws = wb.add_worksheet(name)
    ws.set_paper(9)  # A4
    if landscape:
        ws.set_landscape()
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    ws.fit_to_pages(1, 0)
    ws.set_footer("&L&A&R&P of &N")
    return ws


def title_row(ws: Any, formats: CellFormats, text: str, widths: Sequence[float], demo: bool) -> None:
    """Row 1: what the sheet is for (prefixed by the demo banner in the demo), merged over the columns."""
    if demo:
        text, fmt = f"{DEMO_BANNER}. {text}", formats.banner
    else:
        fmt = formats.describe
    ws.set_row(0, 15 * wrapped_lines(text, sum(widths) * 0.95) + 6)
    if len(widths) > 1:
        ws.merge_range(0, 0, 0, len(widths) - 1, text, fmt)
    else:
        ws.write_string(0, 0, text, fmt)


def column_of(spec: c.SheetSpec, key: str) -> int:
    """The 0-based column (as XlsxWriter counts) of a field in a built sheet, whose columns follow the contract."""
    return next(i for i, col in enumerate(spec.columns) if col.key == key)


def as_datetime(value: dt.date) -> dt.datetime:
    """A date (or date and time) as XlsxWriter writes it."""
    return value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time())


def wrapped_lines(text: str, width: float) -> int:
    """Roughly how many lines a wrapped cell of this column width needs (XlsxWriter cannot auto-fit heights)."""
    count = 0
    for paragraph in text.split("\n"):
        words, line = paragraph.split(), 0
        count += 1
        for word in words:
            if line and line + 1 + len(word) > width * 1.05:
                count += 1
                line = len(word)
            else:
                line += len(word) + (1 if line else 0)
    return max(count, 1)
