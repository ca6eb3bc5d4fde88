"""Tests for the compound file (MS-CFB): streams read by path, and files written that olefile reads strictly."""

from __future__ import annotations

import struct

import olefile
import pytest

from conftest import quickstart_project
from cseplan_xl.cfb import cfb_streams, cfb_write
from cseplan_xl.errors import CseplanError

# --- reading -------------------------------------------------------------------------------------


def test_compound_file_streams_by_path():
    streams = cfb_streams(quickstart_project())
    assert {"PROJECT", "PROJECTwm", "VBA/dir", "VBA/_VBA_PROJECT", "VBA/xlwings", "VBA/Module1"} <= set(streams)
    assert streams["VBA/dir"][:1] == b"\x01"  # a compressed container


def test_not_a_compound_file():
    with pytest.raises(CseplanError, match="not a compound file"):
        cfb_streams(b"PK\x03\x04" + bytes(600))


# --- writing -------------------------------------------------------------------------------------


def _strict(data: bytes) -> olefile.OleFileIO:
    return olefile.OleFileIO(data, raise_defects=olefile.DEFECT_UNSURE)


def test_compound_file_round_trips_through_olefile_strict():
    streams = {"PROJECT": b"ID=1\r\n", "VBA/dir": b"\x01" * 5000, "VBA/big": bytes(range(256)) * 300,
               "VBA/Module1": b"x" * 4095, "VBA/empty": b"", "Other/deep": b"y" * 64}
    data = cfb_write(streams)
    assert cfb_streams(data) == streams
    ole = _strict(data)
    for path, value in streams.items():
        assert ole.openstream(path).read() == value
    assert ole.get_size("VBA/Module1") == 4095 and ole.get_size("VBA/dir") == 5000
    assert cfb_write(streams) == data  # reproducible


def test_a_file_needing_several_fat_sectors_sizes_its_fat_to_a_fixed_point():
    streams = {f"S{i}": bytes([i]) * 40_000 for i in range(3)}  # ~235 sectors: two FAT sectors
    data = cfb_write(streams)
    assert struct.unpack_from("<I", data, 0x2C)[0] == 2
    ole = _strict(data)
    assert all(ole.openstream(k).read() == v for k, v in streams.items())


@pytest.mark.parametrize("count", range(1, 40))
def test_siblings_form_a_red_black_tree_in_name_order(count):
    names = [f"{'n' * (i % 5 + 1)}{i}" for i in range(count)]
    data = cfb_write({name: b"z" for name in names})
    entries = []
    first_dir = struct.unpack_from("<I", data, 0x30)[0]
    directory = data[512 * (first_dir + 1):]
    for off in range(0, 128 * (count + 1), 128):
        e = directory[off:off + 128]
        name = e[:struct.unpack_from("<H", e, 64)[0] - 2].decode("utf-16-le")
        entries.append((name, e[67], *struct.unpack_from("<III", e, 68)))

    def walk(i: int) -> tuple[list[str], int]:
        if i == 0xFFFFFFFF:
            return [], 1
        name, colour, left, right, _ = entries[i]
        (lnames, lblack), (rnames, rblack) = walk(left), walk(right)
        assert lblack == rblack  # every path has the same number of black nodes
        if colour == 0:  # red: no red child
            assert all(j == 0xFFFFFFFF or entries[j][1] == 1 for j in (left, right))
        return lnames + [name] + rnames, lblack + colour

    root = entries[0][4]
    assert entries[root][1] == 1
    ordered, _ = walk(root)
    assert ordered == sorted(names, key=lambda n: (len(n), n.upper()))
