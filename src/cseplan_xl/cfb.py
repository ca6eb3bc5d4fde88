"""The compound file (MS-CFB) a VBA project is stored in: its streams by path, read and written.

A version 3 file (512-byte sectors) is written; the header, the FAT and mini FAT chains and the directory's
red-black trees follow the specification's sections, so that Excel, olefile and oletools read it."""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import NamedTuple

from .errors import CseplanError

_CFB_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_END_OF_CHAIN = 0xFFFFFFFA  # this and above: end of chain, free or special sectors

_FREE, _END, _FAT_SECTOR, _NO_STREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
_SECTOR, _MINI, _CUTOFF = 512, 64, 4096  # a version 3 compound file
_PER = _SECTOR // 4  # sector numbers in a FAT sector
_STORAGE, _STREAM, _ROOT = 1, 2, 5  # directory entry object types
_RED, _BLACK = 0, 1

__all__ = ["cfb_streams", "cfb_write"]


class _Header(NamedTuple):
    """The compound file header (MS-CFB 2.2): the sector sizes, and where the FAT, directory and mini FAT start."""

    sector: int  # bytes in a sector
    mini: int  # bytes in a mini sector
    fat_sectors: int
    first_dir: int
    cutoff: int  # streams shorter than this live in the mini stream
    first_minifat: int
    first_difat: int
    difat: tuple[int, ...]  # the first 109 FAT sector numbers

    @classmethod
    def parse(cls, data: bytes) -> _Header:
        """The header of a compound file; a CseplanError when the data is not one."""
        if data[:8] != _CFB_SIGNATURE:
            raise CseplanError("not a compound file")
        sector_shift, mini_shift = struct.unpack_from("<HH", data, 0x1E)
        n_fat, first_dir = struct.unpack_from("<II", data, 0x2C)
        cutoff, first_minifat, _, first_difat, _ = struct.unpack_from("<IIIII", data, 0x38)
        return cls(1 << sector_shift, 1 << mini_shift, n_fat, first_dir, cutoff, first_minifat, first_difat,
                   struct.unpack_from("<109I", data, 0x4C))


class _DirEntry(NamedTuple):
    """One directory entry as read (MS-CFB 2.6): a storage, a stream or the root, and its place in the tree."""

    name: str
    kind: int
    left: int
    right: int
    child: int
    start: int
    size: int

    @classmethod
    def parse(cls, e: bytes) -> _DirEntry:
        """The entry held in 128 bytes of the directory."""
        name_len = struct.unpack_from("<H", e, 64)[0]
        left, right, child = struct.unpack_from("<III", e, 68)
        start, size = struct.unpack_from("<IQ", e, 116)
        return cls(e[:max(name_len - 2, 0)].decode("utf-16-le"), e[66], left, right, child, start, size)


def _chain(start: int, table: list[int]) -> list[int]:
    """The sectors of a chain in a FAT or mini FAT, from its first; a chain that loops or leaves the table stops."""
    out: list[int] = []
    while start < _END_OF_CHAIN and start < len(table) and len(out) <= len(table):
        out.append(start)
        start = table[start]
    return out


class _Reader:
    """A compound file being read: its header, FAT, directory, mini stream and mini FAT."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.header = header = _Header.parse(data)
        self.fat = self._table(self._fat_sectors())
        directory = self._join(_chain(header.first_dir, self.fat))
        self.entries = [_DirEntry.parse(directory[off:off + 128]) for off in range(0, len(directory), 128)]
        self.ministream = self._join(_chain(self.entries[0].start, self.fat))
        self.minifat = self._table(_chain(header.first_minifat, self.fat))

    def _sector(self, i: int) -> bytes:
        return self.data[(i + 1) * self.header.sector:(i + 2) * self.header.sector]

    def _join(self, sectors: list[int]) -> bytes:
        return b"".join(self._sector(i) for i in sectors)

    def _table(self, sectors: list[int]) -> list[int]:
        """The FAT or mini FAT held in these sectors: one 4-byte sector number per entry."""
        table: list[int] = []
        for i in sectors:
            table.extend(struct.unpack(f"<{self.header.sector // 4}I", self._sector(i)))
        return table

    def _fat_sectors(self) -> list[int]:
        """Where the FAT lies (the DIFAT): the header's first 109 sector numbers, then the DIFAT sectors' chain."""
        difat = list(self.header.difat)
        nxt = self.header.first_difat
        while nxt < _END_OF_CHAIN:
            values = struct.unpack(f"<{self.header.sector // 4}I", self._sector(nxt))
            difat.extend(values[:-1])
            nxt = values[-1]
        return difat[:self.header.fat_sectors]

    def stream(self, start: int, size: int) -> bytes:
        """A stream's bytes: in the mini stream when it is shorter than the cutoff, else in regular sectors."""
        if size < self.header.cutoff:
            mini = self.header.mini
            return b"".join(self.ministream[i * mini:(i + 1) * mini] for i in _chain(start, self.minifat))[:size]
        return self._join(_chain(start, self.fat))[:size]

    def walk(self, index: int, prefix: str, streams: dict[str, bytes]) -> None:
        """Add the streams of a storage's tree of children, from the entry at index, by path."""
        if index >= _END_OF_CHAIN or index >= len(self.entries):
            return
        entry = self.entries[index]
        self.walk(entry.left, prefix, streams)
        self.walk(entry.right, prefix, streams)
        if entry.kind == _STREAM:
            streams[prefix + entry.name] = self.stream(entry.start, entry.size)
        elif entry.kind == _STORAGE:  # a folder
            self.walk(entry.child, f"{prefix}{entry.name}/", streams)


def cfb_streams(data: bytes) -> dict[str, bytes]:
    """Every stream of a compound file (MS-CFB) by path, e.g. "VBA/dir"."""
    reader = _Reader(data)
    streams: dict[str, bytes] = {}
    reader.walk(reader.entries[0].child, "", streams)
    return streams


@dataclass
class _Entry:
    """One directory entry being written: a storage, a stream or the root, and where it sits in the tree."""

    name: str
    kind: int
    data: bytes = b""
    children: list[int] = field(default_factory=list)
    start: int = _END
    size: int = 0
    left: int = _NO_STREAM
    right: int = _NO_STREAM
    child: int = _NO_STREAM
    colour: int = _BLACK


def cfb_write(streams: dict[str, bytes]) -> bytes:
    """A version 3 compound file holding these streams (paths like "VBA/dir"); equal input gives equal bytes.

    Streams under 4096 bytes go to the mini stream; each storage's children form a red-black tree ordered as the
    specification compares names (length first, then upper case); the FAT is sized to a fixed point.
    """
    entries = _entries(streams)
    out = _Sectors()
    mini, minifat = _place_streams(entries, out)
    entries[0].start = out.place(bytes(mini))
    entries[0].size = len(mini)
    minifat_start = out.place(_pad_table(minifat)) if minifat else _END
    for entry in entries:
        if entry.kind != _STREAM:
            entry.child = _tree(entries, sorted(entry.children, key=lambda i: _order(entries[i].name)))
    directory = b"".join(_dir_entry(e) for e in entries)
    directory += _dir_entry(None) * (-len(entries) % 4)
    dir_start = out.place(directory)
    fat_start, n_fat = out.place_fat()
    difat = [fat_start + i for i in range(n_fat)] + [_FREE] * (109 - n_fat)
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII109I", _CFB_SIGNATURE, bytes(16), 0x3E, 3, 0xFFFE, 9, 6, bytes(6), 0, n_fat,
        dir_start, 0, _CUTOFF, minifat_start, -(-len(minifat) // _PER), _END, 0, *difat,
    )
    return header + b"".join(out.sectors)


def _entries(streams: dict[str, bytes]) -> list[_Entry]:
    """The directory: the root, then each storage (folder) and stream in path order, each listed in its parent."""
    entries = [_Entry("Root Entry", _ROOT)]
    storages = {"": 0}
    for path in sorted(streams):
        parts = path.split("/")
        parent = 0
        for depth in range(len(parts) - 1):
            key = "/".join(parts[:depth + 1])
            if key not in storages:
                storages[key] = len(entries)
                entries.append(_Entry(parts[depth], _STORAGE, start=0))
                entries[parent].children.append(storages[key])
            parent = storages[key]
        entries[parent].children.append(len(entries))
        entries.append(_Entry(parts[-1], _STREAM, streams[path]))
    for entry in entries:
        if len(entry.name) > 31:
            raise CseplanError(f"compound file name too long: {entry.name}")
    return entries


@dataclass
class _Sectors:
    """The regular sectors after the header, in order, and the FAT chaining them."""

    sectors: list[bytes] = field(default_factory=list)
    fat: list[int] = field(default_factory=list)

    def place(self, data: bytes) -> int:
        """Append data as a chain of sectors (the last padded with zeros); its first sector, or END when empty."""
        if not data:
            return _END
        first = len(self.sectors)
        count = -(-len(data) // _SECTOR)
        for i in range(count):
            self.sectors.append(data[i * _SECTOR:(i + 1) * _SECTOR].ljust(_SECTOR, b"\0"))
            self.fat.append(first + i + 1 if i < count - 1 else _END)
        return first

    def place_fat(self) -> tuple[int, int]:
        """Append the FAT itself, sized to a fixed point (it also counts its own sectors); its first sector and
        how many."""
        n_fat = 0
        while n_fat * _PER < len(self.fat) + n_fat:
            n_fat += 1
        if n_fat > 109:
            raise CseplanError("compound file too large for a header-only FAT")
        fat_start = len(self.sectors)
        self.fat += [_FAT_SECTOR] * n_fat
        table = _pad_table(self.fat)
        self.sectors += [table[i * _SECTOR:(i + 1) * _SECTOR] for i in range(n_fat)]
        return fat_start, n_fat


def _place_streams(entries: list[_Entry], out: _Sectors) -> tuple[bytearray, list[int]]:
    """Place each stream: from the cutoff up in regular sectors, shorter ones in the mini stream; the mini stream's
    bytes and its mini FAT."""
    mini = bytearray()
    minifat: list[int] = []
    for entry in entries:
        if entry.kind != _STREAM:
            continue
        data = entry.data
        if len(data) >= _CUTOFF:
            entry.start = out.place(data)
        elif data:
            first, count = len(mini) // _MINI, -(-len(data) // _MINI)
            mini += data.ljust(count * _MINI, b"\0")
            minifat += [first + i + 1 if i < count - 1 else _END for i in range(count)]
            entry.start = first
        entry.size = len(data)
    return mini, minifat


def _pad_table(values: list[int]) -> bytes:
    """A FAT or mini FAT as bytes, filled out with free entries to whole sectors."""
    values = values + [_FREE] * (-len(values) % _PER)
    return struct.pack(f"<{len(values)}I", *values)


def _order(name: str) -> tuple[int, str]:
    """How the specification orders sibling names: shorter first, then by upper case."""
    return len(name), name.upper()


def _tree(entries: list[_Entry], ordered: list[int], depth: int = 0, height: int | None = None) -> int:
    """A balanced binary search tree of the ordered siblings, coloured as a valid red-black tree; its root.

    Splitting at the middle puts every empty child at depth h or h+1: black above the deepest level, red on it
    when that level is not full."""
    if height is None:
        n = len(ordered)
        height = n.bit_length()  # levels of a middle-split tree of n nodes
        full = n == (1 << height) - 1
        height = height if not full else height + 1  # a full tree: nothing red
    if not ordered:
        return _NO_STREAM
    mid = len(ordered) // 2
    root = ordered[mid]
    entries[root].colour = _RED if depth == height - 1 else _BLACK
    entries[root].left = _tree(entries, ordered[:mid], depth + 1, height)
    entries[root].right = _tree(entries, ordered[mid + 1:], depth + 1, height)
    return root


def _dir_entry(entry: _Entry | None) -> bytes:
    """One 128-byte directory entry (an unused one for None)."""
    if entry is None:
        return bytes(64) + struct.pack("<HBBIII16sIQQIQ", 0, 0, 0, _NO_STREAM, _NO_STREAM, _NO_STREAM, bytes(16),
                                       0, 0, 0, 0, 0)
    name = entry.name.encode("utf-16-le")
    return name.ljust(64, b"\0") + struct.pack(
        "<HBBIII16sIQQIQ", len(name) + 2, entry.kind, entry.colour, entry.left, entry.right, entry.child,
        bytes(16), 0, 0, 0, entry.start, entry.size,
    )
