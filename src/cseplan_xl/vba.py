"""A VBA project: its compressed module source (MS-OVBA) and its dir stream, read and written inside the compound
file (cfb.py) that holds them."""

from __future__ import annotations

import struct

from .cfb import cfb_streams, cfb_write
from .errors import CseplanError

_CANDIDATES = 128  # the latest places a 3-byte prefix was seen at, tried as matches (bounds the work on indented text)

__all__ = ["ovba_compress", "ovba_decompress", "replace_module", "vba_sources"]


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
