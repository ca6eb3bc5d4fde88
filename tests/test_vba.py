"""Tests for the VBA project reader: MS-OVBA decompression, compound-file streams, module sources."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import zipfile
from pathlib import Path

import pytest

from cseplan_xl.errors import CseplanError
from cseplan_xl.vba import cfb_streams, ovba_decompress, vba_sources

REPO = Path(__file__).resolve().parents[1]
XLWINGS = Path(importlib.util.find_spec("xlwings").origin).parent


def _quickstart_project() -> bytes:
    with zipfile.ZipFile(XLWINGS / "quickstart_standalone.xlsm") as zf:
        return zf.read("xl/vbaProject.bin")


# --- MS-OVBA decompression -----------------------------------------------------------------------


def test_literals_only_example_from_the_specification():
    # MS-OVBA 3.2.1: no compression possible.
    data = bytes.fromhex("0119b000616263646566676800696a6b6c6d6e6f7000717273747576" "2e")
    assert ovba_decompress(data) == b"abcdefghijklmnopqrstuv."


def test_a_copy_token_after_16_bytes_uses_5_offset_bits():
    # 17 literals, then token 0x8005: with 17 bytes decompressed the offset takes 5 bits (offset 17, length 8).
    data = bytes.fromhex("0115b0" "00" + b"abcdefgh".hex() + "00" + b"ijklmnop".hex() + "02" + b"q".hex() + "0580")
    assert ovba_decompress(data) == b"abcdefghijklmnopqabcdefgh"


def test_a_run_copied_from_one_byte_back():
    # Flag 0x02: a literal "a", then a copy token 0x0005 (offset 1, length 5 + 3).
    assert ovba_decompress(bytes.fromhex("0103b002610500")) == b"a" * 9


def test_an_uncompressed_chunk_is_4096_raw_bytes():
    raw = bytes(range(256)) * 16
    assert ovba_decompress(b"\x01\xff\x3f" + raw) == raw


@pytest.mark.parametrize("data", [b"", b"\x00\x19\xb0", bytes.fromhex("0103b0010000")],
                         ids=["empty", "wrong-signature", "token-before-chunk"])
def test_not_a_container_is_a_cseplan_error(data):
    with pytest.raises(CseplanError, match="MS-OVBA"):
        ovba_decompress(data)


# --- the compound file and its modules -----------------------------------------------------------


def test_compound_file_streams_by_path():
    streams = cfb_streams(_quickstart_project())
    assert {"PROJECT", "PROJECTwm", "VBA/dir", "VBA/_VBA_PROJECT", "VBA/xlwings", "VBA/Module1"} <= set(streams)
    assert streams["VBA/dir"][:1] == b"\x01"  # a compressed container


def test_not_a_compound_file():
    with pytest.raises(CseplanError, match="not a compound file"):
        cfb_streams(b"PK\x03\x04" + bytes(600))


def test_module_sources_are_the_text_xlwings_ships():
    modules = vba_sources(_quickstart_project())
    version = importlib.metadata.version("xlwings")
    assert f'Public Const XLWINGS_VERSION As String = "{version}"' in modules["xlwings"]
    assert "Sub SampleCall()" in modules["Module1"]
    bas = (XLWINGS / "xlwings.bas").read_text(encoding="utf-8")
    assert modules["xlwings"].replace("\r\n", "\n") == bas.replace("\r\n", "\n")


def test_the_built_workbook_carries_the_pinned_xlwings_module():
    with zipfile.ZipFile(REPO / "workbook" / "cseplan.xlsm") as zf:
        modules = vba_sources(zf.read("xl/vbaProject.bin"))
    version = importlib.metadata.version("xlwings")
    assert f'Public Const XLWINGS_VERSION As String = "{version}"' in modules["xlwings"]
    packaged = (REPO / "src" / "cseplan_xl" / "data" / "Module1.bas").read_text(encoding="utf-8")
    assert modules["Module1"].replace("\r\n", "\n").strip() == packaged.replace("\r\n", "\n").strip()
