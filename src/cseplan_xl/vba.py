"""A VBA project: the compound file (MS-CFB) around it and its compressed module source (MS-OVBA), read and written."""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

from .errors import CseplanError

_CFB_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_END_OF_CHAIN = 0xFFFFFFFA  # this and above: end of chain, free or special sectors

_FREE, _END, _FAT_SECTOR, _NO_STREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
_SECTOR, _MINI, _CUTOFF = 512, 64, 4096  # a version 3 compound file
_CANDIDATES = 128  # the latest places a 3-byte prefix was seen at, tried as matches (bounds the work on indented text)

__all__ = ["cfb_streams", "cfb_write", "ovba_compress", "ovba_decompress", "replace_module", "vba_sources"]


def vba_sources(project: bytes) -> dict[str, str]:
    """The source text of each module in a vbaProject.bin (an OLE compound file), by module name."""
    streams = cfb_streams(project)
    base, info = _dir(streams)
    modules: dict[str, str] = {}
    for name, stream, offset, _ in _modules(info):
        modules[name] = ovba_decompress(streams[base + stream][offset:]).decode("cp1252")
    return modules


def replace_module(project: bytes, name: str, source: str) -> bytes:
    """The VBA project with one module's source replaced: its stream holds the compressed source only.

    The module keeps its name (the PROJECT stream is unchanged); its MODULEOFFSET in the dir stream becomes 0, so
    no compiled code of the old source stays beside the new one (what olevba calls "VBA stomping").
    """
    streams = cfb_streams(project)
    base, info = _dir(streams)
    found = [m for m in _modules(info) if m[0] == name]
    if not found:
        raise CseplanError(f"the VBA project has no module {name}")
    _, stream, _, offset_at = found[0]
    patched = info[:offset_at] + struct.pack("<I", 0) + info[offset_at + 4:]
    text = source.replace("\r\n", "\n").replace("\n", "\r\n")
    streams[base + "dir"] = ovba_compress(patched)
    streams[base + stream] = ovba_compress(text.encode("cp1252"))
    return cfb_write(streams)


def _dir(streams: dict[str, bytes]) -> tuple[str, bytes]:
    """The folder holding the VBA streams ("VBA/") and the decompressed dir stream."""
    dir_key = next((k for k in streams if k.upper().endswith("VBA/DIR")), None)
    if dir_key is None:
        raise CseplanError("not a VBA project: no VBA/dir stream")
    return dir_key[: -len("dir")], ovba_decompress(streams[dir_key])


def _modules(info: bytes) -> list[tuple[str, str, int, int]]:
    """Each module in a decompressed dir stream: name, stream name, MODULEOFFSET and where that value sits."""
    found: list[tuple[str, str, int, int]] = []
    pos = 0
    name, stream, offset, at = "", None, 0, 0  # the module being read: its name, stream, source start and its place
    while pos + 6 <= len(info):
        rid, size = struct.unpack_from("<HI", info, pos)
        pos += 6
        if rid == 0x0009:  # PROJECTVERSION: its size field lies (6 bytes follow, not 4)
            size = 6
        value = info[pos:pos + size]
        if rid == 0x0019:  # MODULENAME
            name, stream, offset = value.decode("latin-1"), None, 0
        elif rid == 0x001A:  # MODULESTREAMNAME
            stream = value.decode("latin-1")
        elif rid == 0x0031:  # MODULEOFFSET: where the compressed source starts in the module's stream
            offset, at = struct.unpack("<I", value)[0], pos
        elif rid == 0x002B and stream is not None:  # the module record's terminator
            found.append((name, stream, offset, at))
        pos += size
    return found


def cfb_streams(data: bytes) -> dict[str, bytes]:
    """Every stream of a compound file (MS-CFB) by path, e.g. "VBA/dir"."""
    if data[:8] != _CFB_SIGNATURE:
        raise CseplanError("not a compound file")
    sector = 1 << struct.unpack_from("<H", data, 0x1E)[0]
    mini = 1 << struct.unpack_from("<H", data, 0x20)[0]
    n_fat, first_dir = struct.unpack_from("<II", data, 0x2C)
    cutoff, first_minifat, _, first_difat, _ = struct.unpack_from("<IIIII", data, 0x38)
    per = sector // 4

    def read_sector(i: int) -> bytes:
        return data[(i + 1) * sector:(i + 2) * sector]

    difat = list(struct.unpack_from("<109I", data, 0x4C))
    nxt = first_difat
    while nxt < _END_OF_CHAIN:
        values = struct.unpack(f"<{per}I", read_sector(nxt))
        difat.extend(values[:-1])
        nxt = values[-1]
    fat: list[int] = []
    for i in difat[:n_fat]:
        fat.extend(struct.unpack(f"<{per}I", read_sector(i)))

    def chain(start: int, table: list[int]) -> list[int]:
        out: list[int] = []
        while start < _END_OF_CHAIN and start < len(table) and len(out) <= len(table):
            out.append(start)
            start = table[start]
        return out

    directory = b"".join(read_sector(i) for i in chain(first_dir, fat))
    entries = []
    for off in range(0, len(directory), 128):
        e = directory[off:off + 128]
        name_len = struct.unpack_from("<H", e, 64)[0]
        left, right, child = struct.unpack_from("<III", e, 68)
        start, size = struct.unpack_from("<IQ", e, 116)
        entries.append((e[:max(name_len - 2, 0)].decode("utf-16-le"), e[66], left, right, child, start, size))
    ministream = b"".join(read_sector(i) for i in chain(entries[0][5], fat))
    minifat: list[int] = []
    for i in chain(first_minifat, fat):
        minifat.extend(struct.unpack(f"<{per}I", read_sector(i)))

    def read(start: int, size: int) -> bytes:
        if size < cutoff:
            return b"".join(ministream[i * mini:(i + 1) * mini] for i in chain(start, minifat))[:size]
        return b"".join(read_sector(i) for i in chain(start, fat))[:size]

    streams: dict[str, bytes] = {}

    def walk(index: int, prefix: str) -> None:
        if index >= _END_OF_CHAIN or index >= len(entries):
            return
        name, kind, left, right, child, start, size = entries[index]
        walk(left, prefix)
        walk(right, prefix)
        if kind == 2:  # a stream
            streams[prefix + name] = read(start, size)
        elif kind == 1:  # a storage (folder)
            walk(child, f"{prefix}{name}/")

    walk(entries[0][4], "")
    return streams


def ovba_decompress(data: bytes) -> bytes:
    """Decompress an MS-OVBA compressed container (section 2.4.1 of the specification)."""
    if not data or data[0] != 1:
        raise CseplanError("not an MS-OVBA compressed container")
    out = bytearray()
    pos = 1
    while pos + 2 <= len(data):
        header = struct.unpack_from("<H", data, pos)[0]
        end = min(pos + (header & 0x0FFF) + 3, len(data))
        pos += 2
        chunk_start = len(out)
        if not header & 0x8000:  # an uncompressed chunk: 4096 raw bytes
            out += data[pos:pos + 4096]
            pos += 4096
            continue
        while pos < end:
            flags = data[pos]
            pos += 1
            for bit in range(8):
                if pos >= end:
                    break
                if not flags >> bit & 1:
                    out.append(data[pos])
                    pos += 1
                    continue
                if pos + 2 > end:
                    raise CseplanError("corrupt MS-OVBA container: a copy token is cut short")
                token = struct.unpack_from("<H", data, pos)[0]
                pos += 2
                bits = max((len(out) - chunk_start - 1).bit_length(), 4)
                length = (token & (0xFFFF >> bits)) + 3
                offset = (token >> (16 - bits)) + 1
                if offset > len(out) - chunk_start:
                    raise CseplanError("corrupt MS-OVBA container: a copy token reaches before its chunk")
                for _ in range(length):
                    out.append(out[-offset])
    return bytes(out)


def ovba_compress(data: bytes) -> bytes:
    """Compress as an MS-OVBA compressed container (section 2.4.1.3), with copy tokens for repeated text."""
    out = bytearray(b"\x01")
    for start in range(0, len(data), 4096):
        chunk = data[start:start + 4096]
        body = _compress_chunk(chunk)
        if len(body) <= 4096:  # a chunk's size field holds at most 4098 bytes with its 2-byte header
            out += struct.pack("<H", 0xB000 | (len(body) + 2 - 3)) + body
        elif len(chunk) == 4096:  # incompressible: the specification's raw chunk, 4096 bytes as they are
            out += struct.pack("<H", 0x3FFF) + chunk
        else:  # a raw chunk would be padded with zeros, changing the text: VBA source never gets here
            raise CseplanError("cannot compress: the last chunk is incompressible and shorter than 4096 bytes")
    return bytes(out)


def _compress_chunk(chunk: bytes) -> bytes:
    """One chunk's token sequences: each flag byte, then up to 8 literals or copy tokens (longest match)."""
    out = bytearray()
    pos = 0
    seen: dict[bytes, list[int]] = {}  # 3-byte prefix -> places in the chunk where a token starts with it
    while pos < len(chunk):
        flag_at, flags = len(out), 0
        out.append(0)
        for bit in range(8):
            if pos >= len(chunk):
                break
            bits = max((pos - 1).bit_length(), 4)
            max_length = (0xFFFF >> bits) + 3
            best_length, best_offset = 0, 0
            for candidate in reversed(seen.get(chunk[pos:pos + 3], [])[-_CANDIDATES:]):  # the nearest wins a tie
                length = 0
                while pos + length < len(chunk) and chunk[candidate + length] == chunk[pos + length]:
                    length += 1
                if length > best_length:
                    best_length, best_offset = length, pos - candidate
            best_length = min(best_length, max_length)
            step = 1
            if best_length >= 3:
                flags |= 1 << bit
                out += struct.pack("<H", ((best_offset - 1) << (16 - bits)) | (best_length - 3))
                step = best_length
            else:
                out.append(chunk[pos])
            seen.setdefault(chunk[pos:pos + 3], []).append(pos)  # token starts only: the specification's example
            pos += step
        out[flag_at] = flags
    return bytes(out)


_STORAGE, _STREAM, _ROOT = 1, 2, 5  # directory entry object types
_RED, _BLACK = 0, 1


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

    sectors: list[bytes] = []  # regular sectors after the header, in order
    fat: list[int] = []

    def place(data: bytes) -> int:
        if not data:
            return _END
        first = len(sectors)
        count = -(-len(data) // _SECTOR)
        for i in range(count):
            sectors.append(data[i * _SECTOR:(i + 1) * _SECTOR].ljust(_SECTOR, b"\0"))
            fat.append(first + i + 1 if i < count - 1 else _END)
        return first

    mini = bytearray()
    minifat: list[int] = []
    for entry in entries:
        if entry.kind != _STREAM:
            continue
        data = entry.data
        if len(data) >= _CUTOFF:
            entry.start = place(data)
        elif data:
            first, count = len(mini) // _MINI, -(-len(data) // _MINI)
            mini += data.ljust(count * _MINI, b"\0")
            minifat += [first + i + 1 if i < count - 1 else _END for i in range(count)]
            entry.start = first
        entry.size = len(data)
    entries[0].start = place(bytes(mini))
    entries[0].size = len(mini)
    per = _SECTOR // 4
    minifat_start = place(_pad_table(minifat, per)) if minifat else _END
    minifat_count = -(-len(minifat) // per)
    for entry in entries:
        if entry.kind != _STREAM:
            entry.child = _tree(entries, sorted(entry.children, key=lambda i: _order(entries[i].name)))
    directory = b"".join(_dir_entry(e) for e in entries)
    directory += _dir_entry(None) * (-len(entries) % 4)
    dir_start = place(directory)
    n_fat = 0
    while n_fat * per < len(fat) + n_fat:  # the FAT must also count its own sectors
        n_fat += 1
    if n_fat > 109:
        raise CseplanError("compound file too large for a header-only FAT")
    fat_start = len(sectors)
    fat += [_FAT_SECTOR] * n_fat
    table = _pad_table(fat, per)
    sectors += [table[i * _SECTOR:(i + 1) * _SECTOR] for i in range(n_fat)]
    difat = [fat_start + i for i in range(n_fat)] + [_FREE] * (109 - n_fat)
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII109I", _CFB_SIGNATURE, bytes(16), 0x3E, 3, 0xFFFE, 9, 6, bytes(6), 0, n_fat,
        dir_start, 0, _CUTOFF, minifat_start, minifat_count, _END, 0, *difat,
    )
    return header + b"".join(sectors)


def _pad_table(values: list[int], per: int) -> bytes:
    values = values + [_FREE] * (-len(values) % per)
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
