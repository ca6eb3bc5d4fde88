"""Reading a VBA project: the compound file (MS-CFB) around it and its compressed module source (MS-OVBA)."""

from __future__ import annotations

import struct

from .errors import CseplanError

_CFB_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_END_OF_CHAIN = 0xFFFFFFFA  # this and above: end of chain, free or special sectors

__all__ = ["cfb_streams", "ovba_decompress", "vba_sources"]


def vba_sources(project: bytes) -> dict[str, str]:
    """The source text of each module in a vbaProject.bin (an OLE compound file), by module name."""
    streams = cfb_streams(project)
    dir_key = next((k for k in streams if k.upper().endswith("VBA/DIR")), None)
    if dir_key is None:
        raise CseplanError("not a VBA project: no VBA/dir stream")
    base = dir_key[: -len("dir")]
    info = ovba_decompress(streams[dir_key])
    modules: dict[str, str] = {}
    pos = 0
    name, stream, offset = "", None, 0  # the module being read: its name, stream and where its source starts
    while pos + 6 <= len(info):
        rid, size = struct.unpack_from("<HI", info, pos)
        pos += 6
        if rid == 0x0009:  # PROJECTVERSION: its size field lies (6 bytes follow, not 4)
            size = 6
        value = info[pos:pos + size]
        pos += size
        if rid == 0x0019:  # MODULENAME
            name, stream, offset = value.decode("latin-1"), None, 0
        elif rid == 0x001A:  # MODULESTREAMNAME
            stream = value.decode("latin-1")
        elif rid == 0x0031:  # MODULEOFFSET: where the compressed source starts in the module's stream
            offset = struct.unpack("<I", value)[0]
        elif rid == 0x002B and stream is not None:  # the module record's terminator
            code = streams[base + stream][offset:]
            modules[name] = ovba_decompress(code).decode("cp1252")
    return modules


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
