"""The .xlsx/.xlsm file as a zip of parts, checked before calamine reads it: no bomb, no damage, no huge sheet.

Every part is inflated here in small chunks (never whole into memory): its size and compression ratio are held to
the limits below as the data streams (the zip directory can lie), its checksum is verified, and each worksheet's
used range (the cells holding values) is measured, so a stray cell at XFD1048576 is refused before calamine would
allocate the whole sheet. Excel error values (#REF!, ...) are picked up on the way, since calamine reads them as
blanks.
"""

from __future__ import annotations

import os
import re
import stat
import struct
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from .errors import UnreadableWorkbookError
from .findings import column_index, column_letter

if TYPE_CHECKING:
    import zipfile  # imported where a workbook is opened

# The limits (README, "Limits"). A part inflating beyond MAX_PART_BYTES, or by more than MAX_RATIO times once over
# RATIO_FROM_BYTES, is refused as a likely zip bomb; a sheet that is read may span at most MAX_CELLS cells from A1
# (every row of columns A:AF), which keeps calamine's dense grid under about 1 GB.
MAX_PART_BYTES = 1 << 30
MAX_TOTAL_BYTES = 2 << 30
MAX_RATIO = 100
RATIO_FROM_BYTES = 1 << 20
MAX_CELLS = 1 << 25
MAX_PARTS = 10_000
_MAX_ROWS = 1_048_576  # Excel's last row
_SMALL_PART = 16 << 20  # workbook.xml and its relationships are read whole, so they must be small

_CHUNK = 1 << 20
_RAW_CHUNK = 1 << 16
_LOCAL_HEADER = struct.Struct("<4s22xHH")
# A cell element holding a value (not a formatted blank, which closes at once and which calamine does not count),
# with its reference, in any attribute order and either quote, as XML allows. _WIDE_CELL only finds those beyond
# column Z: a sheet within A:Z never passes MAX_CELLS, so the common case needs no row numbers.
_VALUE_CELL = re.compile(rb'<c\s[^>]*?\br\s*=\s*["\']([A-Z]{1,3}[0-9]{1,7})["\'][^>/]*>')
# The first branch is the form Excel, XlsxWriter and openpyxl write (`<c r="AB1"`): its literal start keeps the
# scan fast (a 100,000-row sheet: 0.6 s with the general form alone, 0.15 s so); the second takes any other form of
# cell tag (attributes in another order, or no reference at all), looked at one by one.
_WIDE_CELL = re.compile(rb'<c(?: r="([A-Z]{2,3}[0-9]{1,7})"[^>/]*>|((?:\s(?!r=")|/|>)[^>]*>?))')
_ROW_OR_CELL = re.compile(rb'<row(?=[\s/>])[^>]*>|<c(?=[\s/>])[^>]*>')
_REF = re.compile(rb'\sr\s*=\s*["\']([A-Z]{0,3})([0-9]{1,7})["\']')
_ERROR_CELL = re.compile(rb'<c\s[^>]*?\br\s*=\s*["\']([A-Z]{1,3})([0-9]{1,7})["\'][^>]*?\bt\s*=\s*["\']e["\']'
                         rb'[^>]*>[^<]*(?:<f[^>]*/>|<f[^>]*>[^<]*</f>)?[^<]*<v>([^<]*)</v>')


@dataclass
class SheetExtent:
    """The used range of one worksheet part: its farthest value cell, and its Excel error values."""

    columns: int = 26  # at least A:Z is assumed; wider only when a value cell lies beyond Z
    rows: int | None = None  # measured only for a sheet wider than MAX_CELLS allows for every row
    far_cell: str | None = None  # the value cell farthest to the right (the lowest of those)
    errors: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col) 0-based -> "#REF!"

    @property
    def cells(self) -> int:
        """The cells calamine would allocate for this sheet read from A1 (an upper bound until rows are measured)."""
        return (_MAX_ROWS if self.rows is None else self.rows) * self.columns


@dataclass
class Package:
    """What the check found: each sheet's part, and each worksheet part's extent."""

    sheet_parts: dict[str, str]
    extents: dict[str, SheetExtent]

    def extent(self, sheet: str) -> SheetExtent | None:
        """The extent of a sheet by name, None when its part is unknown."""
        return self.extents.get(self.sheet_parts.get(sheet, ""))

    def check_sheet(self, path: Path, sheet: str) -> None:
        """Raise when a sheet spans more cells than are read safely, naming the stray cell to delete."""
        extent = self.extent(sheet)
        if extent is None or extent.cells <= MAX_CELLS:
            return
        corner = f"{column_letter(extent.columns - 1)}{_MAX_ROWS if extent.rows is None else extent.rows}"
        raise UnreadableWorkbookError(
            f"{path}: {sheet}: used range A1:{corner} is {about(extent.cells)} cells, more than the "
            f"{about(MAX_CELLS)} read; delete the stray cell at {extent.far_cell}"
        )


def open_regular(path: Path) -> int:
    """Open a file for reading only when it is a regular file: a FIFO, device or socket is refused, never waited on."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise UnreadableWorkbookError(f"{path}: no such file") from None
    except ValueError:  # a NUL character in the name
        raise UnreadableWorkbookError(f"{path!r}: not a possible file name") from None
    except OSError as exc:
        raise UnreadableWorkbookError(f"{path}: cannot be opened ({exc.strerror or exc})") from None
    if stat.S_ISDIR(info.st_mode):
        raise UnreadableWorkbookError(f"{path}: is a folder, not a workbook")
    if not stat.S_ISREG(info.st_mode):
        raise UnreadableWorkbookError(f"{path}: is {special_kind(info.st_mode)}, not a workbook file")
    try:
        # O_NONBLOCK: should the path become a FIFO after the check, opening it still returns at once.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise UnreadableWorkbookError(f"{path}: cannot be opened ({exc.strerror or exc})") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise UnreadableWorkbookError(f"{path}: is not a regular file, not a workbook file")
    return fd


def special_kind(mode: int) -> str:
    """A non-regular file's kind in words: 'a named pipe (FIFO)', 'a device', 'a socket'."""
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def check_package(path: Path) -> Package:
    """Inflate and check every part of an .xlsx/.xlsm within the limits; measure each worksheet's used range."""
    import zipfile

    fd = open_regular(path)
    with os.fdopen(fd, "rb") as fh:
        try:
            zf = zipfile.ZipFile(fh)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            raise UnreadableWorkbookError(f"{path}: cannot be read as a workbook (the file is truncated or corrupt)")\
                from None
        with zf:
            infos = zf.infolist()
            if len(infos) > MAX_PARTS:
                raise UnreadableWorkbookError(f"{path}: the file holds {len(infos):,} parts, more than the "
                                              f"{MAX_PARTS:,} a workbook has; it is not read")
            sheet_parts = _sheet_parts(zf, fh, path)
            names = {part: name for name, part in sheet_parts.items()}
            extents: dict[str, SheetExtent] = {}
            total = 0
            for info in infos:
                if info.is_dir():
                    continue
                what = f"sheet {names[info.filename]!r}" if info.filename in names else f"part {info.filename!r}"
                _check_declared(path, info, what)
                total += info.file_size
                if total > MAX_TOTAL_BYTES:
                    raise UnreadableWorkbookError(f"{path}: the parts inflate to more than {_size(MAX_TOTAL_BYTES)} "
                                                  "in all; the file is not read (a zip bomb, or far too large)")
                is_sheet = info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")
                extent = SheetExtent() if is_sheet else None
                _scan(fh, info, path, what, extent)
                if extent is not None:
                    extents[info.filename] = extent
    return Package(sheet_parts, extents)


def _check_declared(path: Path, info: zipfile.ZipInfo, what: str) -> None:
    if info.flag_bits & 0x1:
        raise UnreadableWorkbookError(f"{path}: {what} is encrypted inside the zip; save an unprotected copy")
    if info.compress_type not in (0, 8):
        raise _damaged(path, what, "uses a compression Excel does not write")
    _check_size(path, what, info.file_size, info.compress_size)


def _check_size(path: Path, what: str, inflated: int, compressed: int) -> None:
    ratio = inflated / max(compressed, 1)
    if inflated > MAX_PART_BYTES or (inflated > RATIO_FROM_BYTES and ratio > MAX_RATIO):
        raise UnreadableWorkbookError(
            f"{path}: {what} inflates from {_size(compressed)} to {_size(inflated)} or more "
            f"({ratio:,.0f} times; limits {MAX_RATIO} times and {_size(MAX_PART_BYTES)} a part): "
            "a zip bomb or a damaged file; it is not read")


def _damaged(path: Path, what: str, why: str = "cannot be decompressed") -> UnreadableWorkbookError:
    return UnreadableWorkbookError(f"{path}: the file is damaged ({what} {why}); open and re-save it in Excel")


def _stream(fh: BinaryIO, info: zipfile.ZipInfo, path: Path, what: str) -> Iterator[bytes]:
    """A part's inflated bytes in chunks of at most _CHUNK, held to its declared size, the limits and its CRC."""
    fh.seek(info.header_offset)
    header = fh.read(_LOCAL_HEADER.size)
    if len(header) < _LOCAL_HEADER.size or header[:4] != b"PK\x03\x04":
        raise _damaged(path, what, "cannot be found in the file")
    name_length, extra_length = _LOCAL_HEADER.unpack(header)[1:]
    fh.seek(info.header_offset + _LOCAL_HEADER.size + name_length + extra_length)
    left = info.compress_size
    inflate = zlib.decompressobj(-15) if info.compress_type == 8 else None
    done = 0
    crc = 0
    while True:
        raw = fh.read(min(_RAW_CHUNK, left)) if left > 0 else b""
        left -= len(raw)
        if not raw and left > 0:
            raise _damaged(path, what, "is cut short")
        for piece in _inflate(inflate, raw, path, what):
            done += len(piece)
            if done > info.file_size:  # the directory understated it: check the limits on what is real
                _check_size(path, what, done, info.compress_size)
                raise _damaged(path, what, "is larger than the zip directory says")
            crc = zlib.crc32(piece, crc)
            yield piece
        if not raw:
            break
    if (inflate is not None and not inflate.eof) or done != info.file_size:
        raise _damaged(path, what, "is cut short")
    if crc != info.CRC:
        raise _damaged(path, what, "fails its checksum")


def _inflate(inflate: zlib._Decompress | None, raw: bytes, path: Path, what: str) -> Iterator[bytes]:
    """The bytes raw inflates to, at most _CHUNK at a time (raw itself when stored)."""
    if inflate is None:
        if raw:
            yield raw
        return
    try:
        piece = inflate.decompress(raw, _CHUNK)
        while piece:
            yield piece
            piece = inflate.decompress(inflate.unconsumed_tail, _CHUNK) if inflate.unconsumed_tail else b""
    except zlib.error:
        raise _damaged(path, what) from None


def _scan(fh: BinaryIO, info: zipfile.ZipInfo, path: Path, what: str, extent: SheetExtent | None) -> None:
    """Stream one part; for a worksheet, note its farthest value cells and its error cells."""
    if extent is None:
        for _ in _stream(fh, info, path, what):
            pass
        return
    unplaced = False
    for chunk in _cells(_stream(fh, info, path, what)):
        unplaced = _measure_chunk(chunk, extent) or unplaced
    if unplaced:
        # Cells without a reference take the next column (and rows without one the next row), as calamine places
        # them: follow every row and cell in order (a second, slower pass, only for such sheets).
        _place_in_order(_cells(_stream(fh, info, path, what)), extent)
    elif extent.columns * _MAX_ROWS > MAX_CELLS:
        # Wide enough to matter: measure the rows too (a second pass, only for such sheets).
        rows = 0
        for chunk in _cells(_stream(fh, info, path, what)):
            for ref in _VALUE_CELL.findall(chunk):
                row = int(ref.lstrip(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
                if row > rows:
                    rows = row
        extent.rows = rows


def _measure_chunk(chunk: bytes, extent: SheetExtent) -> bool:
    """Widen the extent by the chunk's value cells beyond column Z and note its error cells; True when a cell in it
    has no reference."""
    unplaced = False
    for plain, other in _WIDE_CELL.findall(chunk):
        if plain:
            _widen(extent, plain.decode())
            continue
        # Any other form of cell tag (rare): its reference, if it has one; a cell without one (`<c>`, `<c t="s">`)
        # takes the place after the cell before it.
        ref = _REF.search(other)
        if ref is None or not ref.group(1):
            unplaced = True
        elif len(ref.group(1)) > 1 and not other.endswith(b"/>"):
            _widen(extent, (ref.group(1) + ref.group(2)).decode())
    if b't="e"' in chunk:  # as Excel writes an error cell
        for letters, digits, value in _ERROR_CELL.findall(chunk):
            extent.errors[(int(digits) - 1, column_index(letters.decode()))] = value.decode("utf-8", "replace")
    return unplaced


def _place_in_order(chunks: Iterable[bytes], extent: SheetExtent) -> None:
    """The exact extent of a sheet whose rows or cells may lack references: each row and cell placed in turn."""
    row = col = rows = 0
    for chunk in chunks:
        for m in _ROW_OR_CELL.finditer(chunk):
            tag = m.group(0)
            ref = _REF.search(tag)
            if tag.startswith(b"<row"):
                row = int(ref.group(2)) if ref and not ref.group(1) else row + 1
                col = 0
                continue
            if ref and ref.group(1):
                col, row = column_index(ref.group(1).decode()) + 1, int(ref.group(2))
            else:
                col += 1
            if tag.endswith(b"/>"):
                continue  # a formatted blank
            rows = max(rows, row)
            if col > extent.columns or (col == extent.columns and (extent.far_cell is None
                                                                   or row > _row_of(extent.far_cell))):
                extent.columns = col
                extent.far_cell = f"{column_letter(col - 1)}{row}"
    extent.rows = rows


def _cells(pieces: Iterable[bytes]) -> Iterator[bytes]:
    """The stream re-cut so that no cell element straddles two chunks."""
    carry = b""
    for piece in pieces:
        chunk = carry + piece
        cut = chunk.rfind(b"<c")  # keep the last cell's start for the next chunk
        if cut < 0 or len(chunk) - cut > 4096:
            cut = max(len(chunk) - 4096, 0)  # no cell start tag is that long
        carry = chunk[cut:]
        yield chunk[:cut]
    if carry:
        yield carry


def _widen(extent: SheetExtent, ref: str) -> None:
    letters = ref.rstrip("0123456789")
    col = column_index(letters) + 1
    row = int(ref[len(letters):])
    if col > extent.columns or (col == extent.columns and (extent.far_cell is None or row > _row_of(extent.far_cell))):
        extent.columns = col
        extent.far_cell = ref


def _row_of(cell: str) -> int:
    return int(cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))


def _sheet_parts(zf: zipfile.ZipFile, fh: BinaryIO, path: Path) -> dict[str, str]:
    """Sheet name -> worksheet part, from xl/workbook.xml and its relationships (both small, read whole)."""
    book = _small(zf, fh, "xl/workbook.xml", path)
    rels = _small(zf, fh, "xl/_rels/workbook.xml.rels", path)
    targets = {}
    for m in re.finditer(r"<Relationship\b[^>]*>", rels):
        tag = m.group(0)
        rid = re.search(r'\bId\s*=\s*["\']([^"\']+)', tag)
        target = re.search(r'\bTarget\s*=\s*["\']([^"\']+)', tag)
        if rid and target:
            targets[rid.group(1)] = target.group(1)
    parts = {}
    for m in re.finditer(r"<(?:\w+:)?sheet\b[^>]*>", book):
        tag = m.group(0)
        name = re.search(r'\bname\s*=\s*"([^"]*)"', tag) or re.search(r"\bname\s*=\s*'([^']*)'", tag)
        rid = re.search(r'\br:id\s*=\s*["\']([^"\']+)', tag)
        if not (name and rid):
            continue
        given = targets.get(rid.group(1), "")
        part = given.lstrip("/") if given.startswith("/") else "xl/" + given
        parts[_unescape(name.group(1))] = os.path.normpath(part).replace(os.sep, "/")
    return parts


def _small(zf: zipfile.ZipFile, fh: BinaryIO, part: str, path: Path) -> str:
    """A small part's text, "" when absent; damage or excess size is one line."""
    try:
        info = zf.getinfo(part)
    except KeyError:
        return ""
    if info.file_size > _SMALL_PART or info.compress_type not in (0, 8) or info.flag_bits & 0x1:
        raise _damaged(path, f"part {part!r}", "is not a workbook part Excel writes")
    data = b"".join(_stream(fh, info, path, f"part {part!r}"))
    return data.decode("utf-8", "replace")


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'").replace(
        "&amp;", "&")


def _size(n: int) -> str:
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("kB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n} bytes"


def about(n: int) -> str:
    """A large count in words: 17179869184 -> '17 billion', 33554432 -> '34 million'."""
    for word, scale in (("billion", 10**9), ("million", 10**6)):
        if n >= scale:
            return f"{n / scale:.0f} {word}"
    return f"{n:,}"
