"""Tests for the VBA project: MS-OVBA (de)compression, module sources read and replaced (compound files:
test_cfb.py)."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import random
import zipfile
from pathlib import Path

import olefile
import pytest

from conftest import XLWINGS, quickstart_project
from cseplan_xl.cfb import cfb_streams
from cseplan_xl.errors import CseplanError
from cseplan_xl.vba import ovba_compress, ovba_decompress, replace_module, vba_sources

REPO = Path(__file__).resolve().parents[1]


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


# --- the modules ---------------------------------------------------------------------------------


def test_module_sources_are_the_text_xlwings_ships():
    modules = vba_sources(quickstart_project())
    version = importlib.metadata.version("xlwings")
    assert f'Public Const XLWINGS_VERSION As String = "{version}"' in modules["xlwings"]
    assert "Sub SampleCall()" in modules["Module1"]
    bas = (XLWINGS / "xlwings.bas").read_text(encoding="utf-8")
    assert modules["xlwings"].replace("\r\n", "\n") == bas.replace("\r\n", "\n")


# --- writing: MS-OVBA compression ----------------------------------------------------------------


def test_compression_matches_the_specification_example():
    # MS-OVBA 3.2.2: copy tokens, ties going to the nearest earlier token start.
    text = b"#aaabcdefaaaaghijaaaaaklaaamnopqaaaaaaaaaaaarstuvwxyzaaa"
    expected = bytes.fromhex("012FB0002361616162636465826600706167686A6A01380861" "6B6C00306D6E6F7006710270"
                             "0410727374757610777879 7A003C".replace(" ", ""))
    expected = expected.replace(b"\x68\x6a\x6a", b"\x68\x69\x6a")  # ...67 68 69 6A: "ghij"
    assert ovba_compress(text) == expected
    assert ovba_decompress(expected) == text


@pytest.mark.parametrize("data", [b"", b"a", b"abc" * 3000, bytes(range(256)) * 40, b" " * 9000,
                                  (XLWINGS / "xlwings.bas").read_bytes()], ids=["empty", "one", "repeats", "noise",
                                                                               "spaces", "xlwings.bas"])
def test_compression_round_trips_with_copy_tokens(data):
    packed = ovba_compress(data)
    assert ovba_decompress(packed) == data
    if len(set(data)) < 200 and len(data) > 100:
        assert len(packed) < len(data) // 2  # real copy tokens, not literal-only chunks


def test_an_incompressible_chunk_is_raw_and_text_chunks_are_compressed():
    noise = random.Random(1).randbytes(4096)
    packed = ovba_compress(noise + b"tail tail tail")
    assert ovba_decompress(packed) == noise + b"tail tail tail"
    assert packed[1:3] == b"\xff\x3f" and packed[3:3 + 4096] == noise  # raw: header 0x3FFF, the bytes as they are
    assert packed[3 + 4096 + 1] & 0xF0 == 0xB0  # the next chunk compressed
    text = (XLWINGS / "xlwings.bas").read_bytes()
    packed = ovba_compress(text)
    pos, chunks = 1, 0
    while pos < len(packed):
        header = packed[pos] | packed[pos + 1] << 8
        assert header & 0xF000 == 0xB000  # compressed, signature 0b011
        pos += (header & 0x0FFF) + 3
        chunks += 1
    assert chunks == -(-len(text) // 4096)
    with pytest.raises(CseplanError, match="incompressible"):
        ovba_compress(noise[:4000])


# --- writing: a module's source replaced ---------------------------------------------------------


def _strict(data: bytes) -> olefile.OleFileIO:
    return olefile.OleFileIO(data, raise_defects=olefile.DEFECT_UNSURE)


def test_replacing_a_module_keeps_the_others_and_leaves_no_old_code():
    old = quickstart_project()
    new = replace_module(old, "Module1", 'Attribute VB_Name = "Module1"\nSub Hello()\n    MsgBox "hi"\nEnd Sub\n')
    before, after = vba_sources(old), vba_sources(new)
    assert after["Module1"] == 'Attribute VB_Name = "Module1"\r\nSub Hello()\r\n    MsgBox "hi"\r\nEnd Sub\r\n'
    assert {k: v for k, v in after.items() if k != "Module1"} == {k: v for k, v in before.items() if k != "Module1"}
    old_streams, new_streams = cfb_streams(old), cfb_streams(new)
    assert new_streams["PROJECT"] == old_streams["PROJECT"]
    assert ovba_decompress(new_streams["VBA/Module1"]).startswith(b'Attribute VB_Name = "Module1"')
    assert {k for k in new_streams if new_streams[k] != old_streams[k]} == {"VBA/dir", "VBA/Module1"}
    _strict(new)
    with pytest.raises(CseplanError, match="no module Sheet9"):
        replace_module(old, "Sheet9", "")


def _built_project(path: Path) -> bytes:
    with zipfile.ZipFile(path) as zf:
        return zf.read("xl/vbaProject.bin")


@pytest.mark.parametrize("name", ["cseplan.xlsm", "examples/cseplan_demo.xlsm"])
def test_the_built_workbooks_carry_the_pinned_xlwings_modules_and_ours(name):
    project = _built_project(REPO / "workbook" / name)
    modules, pinned = vba_sources(project), vba_sources(quickstart_project())
    version = importlib.metadata.version("xlwings")
    assert f'Public Const XLWINGS_VERSION As String = "{version}"' in modules["xlwings"]
    assert {k: v for k, v in modules.items() if k != "Module1"} == {k: v for k, v in pinned.items() if k != "Module1"}
    packaged = (REPO / "src" / "cseplan_xl" / "data" / "Module1.bas").read_text(encoding="utf-8")
    assert modules["Module1"] == packaged.replace("\n", "\r\n")
    _strict(project)


def test_olevba_decodes_every_module_and_flags_nothing_new():
    olevba = pytest.importorskip("oletools.olevba")

    def analyse(data: bytes) -> tuple[dict[str, str], set[tuple[str, str]], bool]:
        parser = olevba.VBA_Parser("vbaProject.bin", data=data)
        code = {name: text for _, _, name, text in parser.extract_macros()}
        flags = {(kind, keyword.lower()) for kind, keyword, _ in parser.analyze_macros() if kind == "Suspicious"}
        stomped = parser.detect_vba_stomping()
        parser.close()
        return code, flags, stomped

    built_code, built_flags, stomped = analyse(_built_project(REPO / "workbook" / "cseplan.xlsm"))
    _, quickstart_flags, _ = analyse(quickstart_project())
    assert not stomped
    assert built_flags <= quickstart_flags
    assert sorted(built_code) == ["Dictionary.cls", "Module1.bas", "Sheet1.cls", "Sheet2.cls", "ThisWorkbook.cls",
                                  "xlwings.bas"]
    assert "Sub ValidatePlan()" in built_code["Module1.bas"]
