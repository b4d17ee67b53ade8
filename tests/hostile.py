"""Hostile-workbook builders, byte by byte: shared by tests/test_safety.py and bench/refusal_bench.py.

Zip surgery (copy member by member with changes, make the headers declare other sizes, append zeros or empty
entries), XML payloads (a DOCTYPE after the declaration, billion laughs, XXE) and legacy files (a minimal
OLE2/CFB compound file, a BIFF8 workbook stream).

Standard library only: the bench's launcher imports this module and must stay small (it never imports
``batch``). The bench finds it by putting ``tests/`` on ``sys.path``; pytest does that for the tests.
"""

from __future__ import annotations

import re
import struct
import zipfile
from collections.abc import Callable, Mapping, Sequence
from itertools import pairwise
from pathlib import Path

Change = Callable[[bytes], bytes]

MAIN_NS = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRICT_NS = b"http://purl.oclc.org/ooxml/spreadsheetml/main"
XXE = b'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
FAKE_VBA = b"\xd0\xcf\x11\xe0 fake vba"  # the content of an xl/vbaProject.bin
EXTERNAL_LINK = b'<?xml version="1.0"?><externalLink xmlns="' + MAIN_NS + b'"/>'  # an xl/externalLinks/*.xml


# --- zip members ------------------------------------------------------------------------------------------


def rewrite(
    src: Path,
    dst: Path,
    *,
    change: Mapping[str, Callable[[bytes], bytes | None]] | None = None,
    add: Mapping[str, bytes] | None = None,
) -> Path:
    """Copy a zip member by member; ``change`` maps a member to a function of its bytes (None drops it)."""
    change = change or {}
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data: bytes | None = zin.read(item.filename)
            if item.filename in change:
                data = change[item.filename](zin.read(item.filename))
            if data is not None:
                zout.writestr(item.filename, data)
        for name, extra in (add or {}).items():
            zout.writestr(name, extra)
    return dst


def patch_central_directory(path: Path, sizes: Mapping[str, int]) -> None:
    """Make the zip *declare* other uncompressed sizes (central directory and local headers)."""
    raw = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        infos = {i.filename: i for i in zf.infolist()}
    p = raw.rfind(b"PK\x05\x06")
    cd_size, cd_offset = struct.unpack_from("<II", raw, p + 12)
    q = cd_offset
    while q < cd_offset + cd_size:
        n, e, c = struct.unpack_from("<HHH", raw, q + 28)
        name = raw[q + 46 : q + 46 + n].decode()
        if name in sizes:
            struct.pack_into("<I", raw, q + 24, sizes[name])
            struct.pack_into("<I", raw, infos[name].header_offset + 22, sizes[name])
        q += 46 + n + e + c
    path.write_bytes(bytes(raw))


def append_zeros(path: Path, size: int, member: str = "xl/media/image1.png") -> None:
    """Append ``member`` holding ``size`` zeros, streamed in 1 MiB blocks (never held in memory; about 1000:1)."""
    block = bytes(1 << 20)
    with (
        zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as zf,
        zf.open(member, "w", force_zip64=True) as f,
    ):
        for _ in range(size // len(block)):
            f.write(block)


def append_empty_entries(path: Path, count: int, name: str = "customXml/x{}.bin") -> None:
    """Append ``count`` empty stored members named ``name.format(i)``."""
    with zipfile.ZipFile(path, "a", zipfile.ZIP_STORED) as zf:
        for i in range(count):
            zf.writestr(name.format(i), b"")


# --- XML parts --------------------------------------------------------------------------------------------


def with_prolog(prolog: bytes, declaration: bytes = b'<?xml version="1.0" encoding="UTF-8"?>\n') -> Change:
    """Replace an XML part's declaration with ``declaration + prolog`` (e.g. a DOCTYPE)."""

    def fn(xml: bytes) -> bytes:
        body = re.sub(rb"^\s*<\?xml[^>]*\?>\s*", b"", xml)
        return declaration + prolog + body

    return fn


def replace_bytes(old: bytes, new: bytes, count: int = -1) -> Change:
    """Replace ``old`` by ``new`` (every occurrence, or the first ``count``); ``old`` must be there."""

    def fn(xml: bytes) -> bytes:
        if old not in xml:
            raise AssertionError(f"cannot build: {old!r} not found")
        return xml.replace(old, new, count)

    return fn


def billion_laughs(names: Sequence[bytes]) -> bytes:
    """A DOCTYPE declaring ``names[0]`` as "lol" and every next name as ten references to the one before."""
    levels = [b'<!ENTITY %s "lol">' % names[0]]
    levels += [b'<!ENTITY %s "%s">' % (name, b"&%s;" % prev * 10) for prev, name in pairwise(names)]
    return b"<!DOCTYPE lolz [" + b"".join(levels) + b"]>"


# ``&lol3;`` would expand to 300 bytes: enough for a parser that must refuse any DTD.
BILLION_LAUGHS = billion_laughs([b"lol", b"lol2", b"lol3"])
# Nine levels of ten references each: ``&lol9;`` expands to 3 * 10**9 bytes.
BILLION_LAUGHS_9 = billion_laughs([b"lol%d" % i for i in range(10)])


# --- legacy (non-zip) files -------------------------------------------------------------------------------


def cfb(streams: Mapping[str, bytes], *, sector_data: bytes = b"") -> bytes:
    """A minimal valid compound file (OLE2, 512-byte sectors): FAT, one directory sector, stream sectors."""
    assert len(streams) <= 3, "one directory sector holds the root and three streams"
    free, end, fatsect = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    data_sectors = (len(sector_data) + 511) // 512
    fat = [fatsect, end] + [3 + i if i < data_sectors - 1 else end for i in range(data_sectors)]
    fat += [free] * (128 - len(fat))
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 0x18, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIIII", header, 0x28, 0, 1, 1, 0, 4096, end, 0, end, 0)
    struct.pack_into("<109I", header, 0x4C, 0, *([free] * 108))

    def entry(name: str, kind: int, start: int, size: int, child: int = free) -> bytes:
        e = bytearray(128)
        encoded = name.encode("utf-16-le")
        e[: len(encoded)] = encoded
        struct.pack_into("<HBB", e, 64, len(encoded) + 2, kind, 1)
        struct.pack_into("<III", e, 68, free, free, child)
        struct.pack_into("<IQ", e, 116, start, size)
        return bytes(e)

    directory = entry("Root Entry", 5, end, 0, child=1 if streams else free)
    for name, body in streams.items():
        directory += entry(name, 2, 2 if body else end, len(body))
    directory = directory.ljust(512, b"\x00")
    return bytes(header) + struct.pack("<128I", *fat) + directory + sector_data.ljust(data_sectors * 512, b"\x00")


def biff_workbook(*, filepass: bool = False) -> bytes:
    """A BIFF8 workbook stream: BOF, then FILEPASS (password-protected) or an ordinary record."""
    bof = struct.pack("<HH", 0x0809, 16) + struct.pack("<HHHHII", 0x0600, 0x0005, 0x1234, 0x07CC, 0, 0x0006)
    second = struct.pack("<HH", 0x002F, 6) + b"\x00\x00\x01\x00\x01\x00" if filepass else struct.pack("<HH", 0x00E1, 0)
    return (bof + second).ljust(4096, b"\x00")
