"""RAG given as a colour: the fill of the Plan sheet's RAG cells, read from the .xlsx/.xlsm parts themselves.

Many officers colour the RAG cell instead of typing in it. calamine reads values only, so the fills are read here,
straight from the package (which container.check_package has already checked part by part): first styles.xml, which
is small, says whether any cell style fills with a colour that is a RAG at all; only then is the Plan sheet's XML
scanned, for cells of the RAG column alone. A workbook without such styles costs one small part (the common path).

Colours are matched by hue with tolerance for the usual shades: Excel's standard and theme colours with their
tints, the 64-colour indexed palette, the Good/Bad/Neutral cell styles and LibreOffice's palette. A fill that is
nearly white, nearly black or purple is no RAG and is ignored.
"""

from __future__ import annotations

import colorsys
import os
import re
import zipfile
from pathlib import Path

from . import contract

# Excel's default 64-colour indexed palette (SpreadsheetML, 18.8.27), for fills given as indexed="n".
_INDEXED = (
    "000000 FFFFFF FF0000 00FF00 0000FF FFFF00 FF00FF 00FFFF 000000 FFFFFF FF0000 00FF00 0000FF FFFF00 FF00FF "
    "00FFFF 800000 008000 000080 808000 800080 008080 C0C0C0 808080 9999FF 993366 FFFFCC CCFFFF 660066 FF8080 "
    "0066CC CCCCFF 000080 FF00FF FFFF00 00FFFF 800080 800000 008080 0000FF 00CCFF CCFFFF CCFFCC FFFF99 99CCFF "
    "FF99CC CC99FF FFCC99 3366FF 33CCCC 99CC00 FFCC00 FF9900 FF6600 666699 969696 003366 339966 003300 333300 "
    "993300 993366 333399 333333"
).split()
# Office's default theme, used when a workbook has no theme part: theme index -> colour (lt1, dk1, lt2, dk2,
# accent1..6, hyperlink, followed hyperlink; SpreadsheetML numbers the light and dark pairs this way round).
_OFFICE_THEME = "FFFFFF 000000 E7E6E6 44546A 4472C4 ED7D31 A5A5A5 FFC000 5B9BD5 70AD47 0563C1 954F72".split()
_THEME_ORDER = ("lt1", "dk1", "lt2", "dk2", "accent1", "accent2", "accent3", "accent4", "accent5", "accent6",
                "hlink", "folHlink")
_MAX_SMALL_PART = 16 << 20  # styles, theme, workbook and its relationships: small parts, read whole

_TAG = re.compile(rb"<(/?)(?:\w+:)?(fill|patternFill|fgColor|cellXfs|xf)\b([^>]*?)(/?)>")
_ATTR = re.compile(rb'\b([\w:]+)\s*=\s*["\']([^"\']*)["\']')


def rag_of_colour(rgb: str) -> str | None:
    """The RAG a fill colour ("FF0000", "#C6EFCE") shows, None when it is no RAG (white-ish, black-ish, purple)."""
    rgb = rgb.lstrip("#")[-6:]
    if not re.fullmatch(r"[0-9A-Fa-f]{6}", rgb):
        return None
    r, g, b = (int(rgb[i:i + 2], 16) / 255 for i in (0, 2, 4))
    hue, light, sat = colorsys.rgb_to_hls(r, g, b)
    if light > 0.93 or light < 0.12:  # white, cream, near-black: a background or a font colour, no status
        return None
    if sat < 0.15 or (light < 0.3 and sat < 0.3):
        return contract.GREY
    h = hue * 360
    if h < 15 or h >= 330:
        return contract.RED
    if h < 65:
        return contract.AMBER
    if h < 170:
        return contract.GREEN
    if h < 260:
        return contract.BLUE
    return None


def rag_fills(path: str | Path, sheet: str, column: str, first_row: int) -> dict[int, tuple[str, str]]:
    """Excel row -> (RAG, "#RRGGBB") for each cell of one column, from first_row down, filled with a RAG colour.

    {} when the file is no .xlsx/.xlsm, or no cell style fills with a RAG colour (then only styles.xml is read).
    """
    path = Path(path)
    if path.suffix.lower() not in (".xlsx", ".xlsm") or not path.is_file():
        return {}
    try:
        with zipfile.ZipFile(path) as zf:
            styles = _part(zf, "xl/styles.xml")
            if b"solid" not in styles:
                return {}
            coloured = _coloured_styles(styles, _theme(zf))
            if not coloured:
                return {}
            part = _sheet_parts(zf).get(sheet)
            if part is None:
                return {}
            # The package was checked part by part before calamine read it (container.check_package): this part
            # inflates within the limits.
            xml = zf.read(part)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return {}
    out: dict[int, tuple[str, str]] = {}
    ref = column.encode() + rb'([0-9]+)["\']'
    # Excel, XlsxWriter, openpyxl and LibreOffice write `<c r="I5" s="3">`: that literal start, and taking only
    # styled cells, scans a 10,000-row sheet several times faster than the general form (attributes in any order).
    if b'<c r="' in xml:
        cells = re.finditer(rb'<c r="' + ref + rb'[^>]*?\ss="([0-9]+)"', xml)
    else:
        cells = re.finditer(rb'<c\s[^>]*?\br\s*=\s*["\']' + ref + rb'[^>]*?\bs\s*=\s*["\']([0-9]+)["\']', xml)
    for m in cells:
        style = int(m.group(2))
        if style in coloured and int(m.group(1)) >= first_row:
            out[int(m.group(1))] = coloured[style]
    return out


def _part(zf: zipfile.ZipFile, name: str) -> bytes:
    """A small part's bytes, b"" when absent or too large to be one Excel writes."""
    try:
        info = zf.getinfo(name)
    except KeyError:
        return b""
    return zf.read(info) if info.file_size <= _MAX_SMALL_PART else b""


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> worksheet part, from workbook.xml and its relationships."""
    book = _part(zf, "xl/workbook.xml").decode("utf-8", "replace")
    rels = _part(zf, "xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    targets = {}
    for tag in re.findall(r"<Relationship\b[^>]*>", rels):
        rid, target = re.search(r'\bId\s*=\s*["\']([^"\']+)', tag), re.search(r'\bTarget\s*=\s*["\']([^"\']+)', tag)
        if rid and target:
            targets[rid.group(1)] = target.group(1)
    parts = {}
    for tag in re.findall(r"<(?:\w+:)?sheet\b[^>]*>", book):
        name = re.search(r'\bname\s*=\s*"([^"]*)"', tag) or re.search(r"\bname\s*=\s*'([^']*)'", tag)
        rid = re.search(r'\br:id\s*=\s*["\']([^"\']+)', tag)
        if name and rid:
            given = targets.get(rid.group(1), "")
            part = given.lstrip("/") if given.startswith("/") else "xl/" + given
            parts[_unescape(name.group(1))] = os.path.normpath(part).replace(os.sep, "/")
    return parts


def _unescape(text: str) -> str:
    return (text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'")
            .replace("&amp;", "&"))


def _theme(zf: zipfile.ZipFile) -> list[str]:
    """The workbook's theme colours by theme index (Office's defaults where the theme part is missing)."""
    xml = _part(zf, "xl/theme/theme1.xml").decode("utf-8", "replace")
    scheme = re.search(r"<(?:\w+:)?clrScheme\b.*?</(?:\w+:)?clrScheme>", xml, re.S)
    colours = list(_OFFICE_THEME)
    if scheme:
        for i, name in enumerate(_THEME_ORDER):
            colour = r'(?:srgbClr\s+val|sysClr\b[^>]*?lastClr)="([0-9A-Fa-f]{6})"'
            m = re.search(rf"<(?:\w+:)?{name}>\s*<(?:\w+:)?" + colour, scheme.group(0))
            if m:
                colours[i] = m.group(1).upper()
    return colours


def _coloured_styles(styles: bytes, theme: list[str]) -> dict[int, tuple[str, str]]:
    """Cell style (xf) index -> (RAG, "#RRGGBB") for the styles whose solid fill is a RAG colour."""
    fills: list[str | None] = []
    xfs: list[int] = []
    in_fill = solid = in_xfs = False
    colour: str | None = None
    for m in _TAG.finditer(styles):
        closing, tag, attrs, empty = m.group(1), m.group(2), dict(_ATTR.findall(m.group(3))), m.group(4)
        if tag == b"fill":
            if closing or empty:
                if in_fill or empty:
                    fills.append(colour if solid else None)
                in_fill = False
            else:
                in_fill, solid, colour = True, False, None
        elif tag == b"patternFill" and in_fill and not closing:
            solid = attrs.get(b"patternType") == b"solid"
        elif tag == b"fgColor" and in_fill:
            colour = _rgb(attrs, theme)
        elif tag == b"cellXfs":
            in_xfs = not closing and not empty
        elif tag == b"xf" and in_xfs and not closing:
            xfs.append(int(attrs.get(b"fillId", b"0") or 0))
    out = {}
    for index, fill_id in enumerate(xfs):
        rgb = fills[fill_id] if 0 <= fill_id < len(fills) else None
        rag = rag_of_colour(rgb) if rgb else None
        if rgb and rag:
            out[index] = (rag, f"#{rgb}")
    return out


def _rgb(attrs: dict[bytes, bytes], theme: list[str]) -> str | None:
    """A colour element's RGB: rgb="AARRGGBB", theme="n" with tint, or indexed="n"."""
    if b"rgb" in attrs:
        value = attrs[b"rgb"].decode("ascii", "replace")[-6:].upper()
        return value if re.fullmatch(r"[0-9A-F]{6}", value) else None
    if b"theme" in attrs:
        index = int(attrs[b"theme"] or 0)
        if not 0 <= index < len(theme):
            return None
        return _tinted(theme[index], float(attrs.get(b"tint", b"0") or 0))
    if b"indexed" in attrs:
        index = int(attrs[b"indexed"] or 0)
        return _INDEXED[index] if 0 <= index < len(_INDEXED) else None
    return None


def _tinted(rgb: str, tint: float) -> str:
    """A theme colour lightened (tint > 0) or darkened (tint < 0) as Excel does, in HLS."""
    r, g, b = (int(rgb[i:i + 2], 16) / 255 for i in (0, 2, 4))
    hue, light, sat = colorsys.rgb_to_hls(r, g, b)
    light = light * (1 + tint) if tint < 0 else light * (1 - tint) + tint
    return "".join(f"{round(v * 255):02X}" for v in colorsys.hls_to_rgb(hue, min(max(light, 0.0), 1.0), sat))
