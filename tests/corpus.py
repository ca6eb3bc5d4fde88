"""An adversarial corpus: workbooks built to crash, exhaust or hang a reader, and the ordinary bad files.

Each case is made on demand in a folder (small, except the memory cases). Parts are written by a small zip writer
of our own so that a case can carry raw deflate data, a checksum or sizes that lie.
"""

from __future__ import annotations

import datetime as dt
import os
import struct
import zipfile
import zlib
from pathlib import Path

PLAN = [["ID", "Activity", "When", "Who", "RAG Status"],
        ["A1", "Poster campaign", "Nov 2017", "CT", "Green"],
        ["A2", "Schools assembly", "Autumn 2018", "LW", None]]
CONTROL = [["Plan start", dt.date(2017, 9, 1)], ["Plan end", dt.date(2019, 8, 31)],
           ["As-of date", dt.date(2018, 3, 31)]]


def plain_book(path: Path, extra: dict[str, list[tuple[int, int, str]]] | None = None, hidden: str = "",
               more: tuple[str, ...] = ()) -> Path:
    """A small valid plan (Plan, Control, and sheets named in more); extra puts stray values at (row, col)
    0-based on a sheet, written into the sheet's XML (XlsxWriter would hold a million-row sheet in memory to write
    one far cell)."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    dates = wb.add_format({"num_format": "dd/mm/yyyy"})
    sheets = {}
    for name, rows in (("Plan", PLAN), ("Control", CONTROL)):
        ws = wb.add_worksheet(name)
        sheets[name] = ws
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, dt.date):
                    ws.write_datetime(r, c, dt.datetime.combine(value, dt.time()), dates)
                elif value is not None:
                    ws.write(r, c, value)
    for name in more:
        sheets[name] = wb.add_worksheet(name)
        sheets[name].write(0, 0, "Interpreter_Win")
    if hidden:
        sheets["Control"].activate()
        sheets["Plan"].hide()
    wb.close()
    if hidden == "very":
        replace_part(path, "xl/workbook.xml", lambda xml: xml.replace(b'state="hidden"', b'state="veryHidden"'))
    for name, cells in (extra or {}).items():
        part = f"xl/worksheets/sheet{list(sheets).index(name) + 1}.xml"
        replace_part(path, part, lambda xml, cells=cells: _add_cells(xml, cells))
    return path


def _add_cells(xml: bytes, cells: list[tuple[int, int, str]]) -> bytes:
    """Sheet XML with inline-string cells added, each in its row (rows kept in order, as Excel writes them)."""
    import re

    from cseplan_xl.findings import column_letter

    for r, c, value in cells:
        cell = f'<c r="{column_letter(c)}{r + 1}" t="inlineStr"><is><t>{value}</t></is></c>'.encode()
        row = re.search(rb'<row r="%d"[^>]*>.*?</row>' % (r + 1), xml, re.S)
        if row:
            xml = xml[:row.end() - 6] + cell + xml[row.end() - 6:]
            continue
        later = [m for m in re.finditer(rb'<row r="(\d+)"', xml) if int(m.group(1)) > r + 1]
        at = later[0].start() if later else xml.index(b"</sheetData>")
        xml = xml[:at] + f'<row r="{r + 1}">'.encode() + cell + b"</row>" + xml[at:]
    return xml.replace(b"<sheetData/>", b"<sheetData></sheetData>")


def peak_run(args: list[str]) -> tuple[int, int, str, str]:
    """Run `cseplan args` in a fresh process: (exit code, peak memory in kB, stdout, stderr).

    The command runs in a child forked from a small Python process: on Linux a process started straight from the
    test runner would inherit the runner's own peak in ru_maxrss."""
    import subprocess
    import sys

    code = ("import io, os, resource, sys, contextlib\n"
            "pid = os.fork()\n"
            "if pid == 0:\n"
            "    from cseplan_xl.cli import main\n"
            "    out, err = io.StringIO(), io.StringIO()\n"
            "    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):\n"
            "        rc = main(sys.argv[1:])\n"
            "    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
            "    sys.__stdout__.write(f'{rc} {peak}\\n' + out.getvalue() + '\\0' + err.getvalue())\n"
            "    sys.__stdout__.flush()\n"
            "    os._exit(0)\n"
            "os.waitpid(pid, 0)\n")
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True)
    head, rest = done.stdout.split("\n", 1)
    out, err = rest.split("\0", 1)
    rc, peak = map(int, head.split())
    return rc, peak, out, err + done.stderr


def read_parts(path: Path) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(path) as zf:
        return [(info.filename, zf.read(info)) for info in zf.infolist()]


def replace_part(path: Path, name: str, change) -> None:
    parts = [(n, change(data) if n == name else data) for n, data in read_parts(path)]
    write_zip(path, [Part(n, data) for n, data in parts])


class Part:
    """One zip entry; raw (already deflated) data, a CRC or a size may be given to lie."""

    def __init__(self, name: str, data: bytes = b"", raw: bytes | None = None, crc: int | None = None,
                 size: int | None = None) -> None:
        self.name = name
        self.data = data
        self.raw = raw if raw is not None else _deflate(data)
        self.crc = crc if crc is not None else zlib.crc32(data)
        self.size = size if size is not None else len(data)


def _deflate(data: bytes) -> bytes:
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def write_zip(path: Path, parts: list[Part]) -> Path:
    """A zip written entry by entry (deflate), with whatever sizes and checksums the parts declare."""
    central = b""
    with open(path, "wb") as fh:
        for part in parts:
            offset = fh.tell()
            name = part.name.encode()
            fh.write(struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 8, 0, 0x21, part.crc, len(part.raw),
                                 part.size, len(name), 0) + name)
            fh.write(part.raw)
            central += struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0, 8, 0, 0x21, part.crc,
                                   len(part.raw), part.size, len(name), 0, 0, 0, 0, 0, offset) + name
        start = fh.tell()
        fh.write(central)
        fh.write(struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(parts), len(parts), len(central), start, 0))
    return path


def with_sheet(path: Path, part_name: str, raw: bytes, size: int, crc: int = 0) -> Path:
    """The workbook at path with one part's deflate data replaced."""
    parts = [Part(n, d) if n != part_name else Part(n, raw=raw, size=size, crc=crc) for n, d in read_parts(path)]
    return write_zip(path, parts)


def bomb_deflate(inflated: int, head: bytes, tail: bytes) -> tuple[bytes, int, int]:
    """Deflate data of head + spaces + tail inflating to about `inflated` bytes, fast: one 1 MB block of spaces is
    compressed once and its bytes repeated (each copy refers back to spaces only). Returns (raw, size, crc)."""
    block = b" " * (1 << 20)
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = c.compress(head + block) + c.flush(zlib.Z_FULL_FLUSH)
    again = c.compress(block) + c.flush(zlib.Z_FULL_FLUSH)
    copies = max(inflated // len(block) - 1, 0)
    end = c.compress(tail) + c.flush()
    raw = first + again * (copies + 1) + end
    crc = zlib.crc32(head + block)
    for _ in range(copies + 1):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(tail, crc)
    return raw, len(head) + len(block) * (copies + 2) + len(tail), crc


SHEET_HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.'
              b'openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>'
              b'Activity</t></is></c><c r="B1" t="inlineStr"><is><t>When</t></is></c><c r="C1" t="inlineStr"><is>'
              b'<t>Who</t></is></c></row>')
SHEET_TAIL = b"</sheetData></worksheet>"


def make_bomb(folder: Path, name: str = "bomb.xlsx", inflated: int = 1100 << 20, lie: bool = False) -> Path:
    """A workbook whose Plan sheet inflates to `inflated` bytes (1.1 GB from about 1 MB by default); with lie, the
    zip directory claims the part is small."""
    path = plain_book(folder / name)
    raw, size, crc = bomb_deflate(inflated, SHEET_HEAD, SHEET_TAIL)
    return with_sheet(path, "xl/worksheets/sheet1.xml", raw, 4096 if lie else size, crc)


def cases(folder: Path) -> dict[str, tuple[Path, str]]:
    """Every small bad case in folder: name -> (path, text its one line must hold)."""
    folder.mkdir(parents=True, exist_ok=True)
    out: dict[str, tuple[Path, str]] = {}

    def add(name: str, path: Path, expect: str) -> None:
        out[name] = (path, expect)

    add("stray-corner", plain_book(folder / "stray_corner.xlsx", {"Plan": [(1048575, 16383, "x")]}),
        "Plan: used range A1:XFD1048576 is 17 billion cells")
    add("stray-two", plain_book(folder / "stray_two.xlsx", {"Plan": [(0, 16383, "x"), (1048575, 0, "y")]}),
        "delete the stray cell at XFD1")
    add("stray-control", plain_book(folder / "stray_control.xlsx", {"Control": [(1048575, 16383, "x")]}),
        "Control: used range A1:XFD1048576")
    add("stray-xfd5000", plain_book(folder / "stray_xfd5000.xlsx", {"Plan": [(4999, 16383, "x")]}),
        "used range A1:XFD5000 is 82 million cells")
    unplaced = plain_book(folder / "unplaced.xlsx")  # cells without references: each takes the next column
    replace_part(unplaced, "xl/worksheets/sheet1.xml", lambda xml: xml.replace(
        b"</sheetData>", b'<row r="1048576">' + b"<c><v>1</v></c>" * 20000 + b"</row></sheetData>"))
    add("unplaced-cells", unplaced, "used range A1:ACOF1048576 is 21 billion cells")
    # Damaged deflate data in a part that is never read as a table (an xlwings.conf sheet, third in the book).
    built = plain_book(folder / "damaged_conf.xlsm", more=("xlwings.conf",))
    conf = "xl/worksheets/sheet3.xml"
    parts = [Part(n, raw=b"\xff" * 64 + d[:100], size=len(d), crc=zlib.crc32(d)) if n == conf else Part(n, d)
             for n, d in read_parts(built)]
    write_zip(built, parts)
    add("damaged-unread-sheet", built,
        "the file is damaged (sheet 'xlwings.conf' cannot be decompressed); open and re-save it in Excel")
    bad_crc = plain_book(folder / "bad_crc.xlsx")
    parts = [Part(n, d, crc=1) if n == "xl/worksheets/sheet1.xml" else Part(n, d) for n, d in read_parts(bad_crc)]
    write_zip(bad_crc, parts)
    add("bad-checksum", bad_crc, "the file is damaged (sheet 'Plan' fails its checksum)")
    add("small-bomb", make_bomb(folder, "small_bomb.xlsx", inflated=200 << 20), "a zip bomb")
    add("lying-bomb", make_bomb(folder, "lying_bomb.xlsx", inflated=200 << 20, lie=True),
        "the file is damaged (sheet 'Plan' is larger than the zip directory says)")
    # The ordinary bad files.
    for name, data, expect in (
        ("empty.xlsx", b"", "the file is empty"),
        ("random.xlsx", os.urandom(2000).replace(b"PK", b"pk"), "not a workbook despite"),
        ("text.xlsx", b"Activity,When,Who\nx,TBC,CT\n", "a text or CSV file despite"),
        ("old.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "old-format .xls file renamed"),
        ("locked.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptionInfo".encode("utf-16-le"),
         "password-protected"),
    ):
        (folder / name).write_bytes(data)
        add(name.split(".")[0], folder / name, expect)
    truncated = plain_book(folder / "truncated.xlsx")
    truncated.write_bytes(truncated.read_bytes()[:1500])
    add("truncated", truncated, "truncated or corrupt")
    docx = folder / "letter.xlsx"
    with zipfile.ZipFile(docx, "w") as zf:
        zf.writestr("word/document.xml", "<w:document/>")
    add("docx-renamed", docx, "cannot be read as a workbook")
    laughs = plain_book(folder / "laughs.xlsx")
    replace_part(laughs, "xl/sharedStrings.xml", lambda xml: _laughs() + xml[xml.index(b"<sst"):])
    add("billion-laughs", laughs, "")
    return out


def _laughs() -> bytes:
    lines = [b'<?xml version="1.0"?>', b'<!DOCTYPE sst [', b'<!ENTITY l0 "ha">']
    lines += [f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">'.encode() for i in range(1, 10)]
    return b"\n".join(lines + [b"]>"])

