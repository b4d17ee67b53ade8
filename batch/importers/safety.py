"""File-level safety gate: runs before any workbook reader touches an uploaded ``.xlsx``.

``inspect_workbook`` looks at the raw bytes, the zip central directory and the prologs of the
XML parts, and either raises ``FileRefused(code, message)`` or returns a ``WorkbookInfo``.
It never builds a DOM of a worksheet: sheets are stream-inflated in ~1 MiB chunks and scanned
with ``bytes`` methods, so memory stays bounded by the chunk size whatever the file claims.

Refusal codes, checked in this order:

    file-missing, file-empty        path does not exist / 0 bytes
    file-xls                        old binary Excel 97-2003 (CFB container, not encrypted)
    file-encrypted                  password-protected workbook (CFB with EncryptedPackage, or xls FILEPASS)
    file-not-xlsx                   not a zip (CSV, HTML, text, PDF ...) or a zip of another format
    file-corrupt                    zip that cannot be read, bad CRC, truncated, missing required parts
    file-too-many-entries           more than 10,000 zip entries (checked before zipfile parses them)
    file-zip-bomb                   declared sizes too large or compression ratio suspicious
    file-macro                      macro-enabled workbook (vbaProject.bin, macro sheets, macroEnabled type)
    file-strict-ooxml               Strict Open XML namespace in xl/workbook.xml
    file-external-links             links to other workbooks (externalLinks parts, External relationships)
    file-xml-entities               a DTD or entity declaration in any XML part (billion laughs, XXE)

A sheet is *sparse* when python-calamine must not read it: calamine allocates a dense rectangle up
to the last cell, so one stray cell at XFD1048576 aborts the process out of memory. Sparse sheets
go to a bounded streaming reader instead.
"""

from __future__ import annotations

import codecs
import posixpath
import re
import stat
import struct
import sys
import zipfile
import zlib
from array import array
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Final, NoReturn
from urllib.parse import unquote
from xml.etree.ElementTree import ParseError

from defusedxml.common import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import (  # type: ignore[import-untyped, unused-ignore]
    DefusedXMLParser,
)

from batch.errors import FileRefused

__all__ = ["MESSAGES", "NOT_XLSX_MESSAGES", "WorkbookInfo", "inspect_workbook"]

# --- limits -------------------------------------------------------------------------------------

MAX_ENTRIES: Final = 10_000
MAX_CENTRAL_DIRECTORY: Final = 16 << 20  # bytes; a real workbook's directory is a few KiB
MAX_TOTAL_UNCOMPRESSED: Final = 1 << 30  # 1 GiB declared over all entries
BIG_ENTRY: Final = 16 << 20  # entries above this size must not compress better than MAX_RATIO
MAX_RATIO: Final = 200
MAX_CFB_FAT: Final = 16 << 20  # bytes of sector table read from an .xls (covers files up to 2 GiB)
MAX_CFB_DIRECTORY_SECTORS: Final = 10_000
MAX_PARSED_PART: Final = 64 << 20  # parts parsed with defusedxml (streamed, but capped anyway)
PROLOG_LIMIT: Final = 64 << 10  # the root element must start within this many bytes
PROLOG_CHUNK: Final = 16 << 10
PARSE_CHUNK: Final = 64 << 10
SCAN_CHUNK: Final = 1 << 20
MAX_TAIL: Final = 64 << 10  # bytes of an unfinished tag kept across a chunk boundary
SPARSE_MAX_COL: Final = 512
SPARSE_ROW_SLACK: Final = 1000
EXCEL_MAX_ROWS: Final = 1_048_576

# --- messages -----------------------------------------------------------------------------------

_SAVE_AS_XLSX: Final = "Excel에서 '다른 이름으로 저장' → 'Excel 통합 문서(*.xlsx)'로 저장한 뒤 다시 넣어 주세요."
_OPEN_AND_SAVE_AS_XLSX: Final = (
    "Excel에서 이 파일을 연 뒤 '다른 이름으로 저장' → 'Excel 통합 문서(*.xlsx)'로 저장해서 다시 넣어 주세요."
)

MESSAGES: Final[dict[str, str]] = {
    "file-missing": "파일을 찾을 수 없습니다. 파일이 옮겨지거나 지워지지 않았는지 확인한 뒤 다시 넣어 주세요.",
    "file-empty": "파일이 비어 있습니다(0바이트). 원본 파일을 Excel에서 다시 저장하거나 다시 내려받은 뒤 넣어 주세요.",
    "file-xls": "이 파일은 오래된 Excel 97-2003 형식(.xls)입니다. " + _SAVE_AS_XLSX,
    "file-encrypted": (
        "이 파일에는 열기 암호가 걸려 있어 읽을 수 없습니다. "
        "Excel에서 파일 > 정보 > 통합 문서 보호 > 암호 설정에서 암호를 지우고 "
        "'Excel 통합 문서(*.xlsx)'로 저장한 뒤 다시 넣어 주세요."
    ),
    "file-not-xlsx": "이 파일은 Excel 통합 문서(.xlsx)가 아닙니다. " + _OPEN_AND_SAVE_AS_XLSX,
    "file-zip-not-workbook": (
        "이 압축 파일은 엑셀 통합 문서가 아닙니다 (압축은 멀쩡하지만 안에 엑셀 내용이 없습니다). "
        "엑셀에서 만든 .xlsx 파일을 그대로 넣어 주세요."
    ),
    "file-corrupt": (
        "파일이 손상되었거나 저장·다운로드가 중간에 끊겨 내용이 완전하지 않습니다. "
        "원본을 Excel에서 다시 저장하거나 다시 내려받은 뒤 넣어 주세요."
    ),
    "file-too-many-entries": (
        "파일 안에 든 구성 요소가 너무 많아(10,000개 초과) 안전하게 열 수 없습니다. "
        "필요한 시트만 새 통합 문서에 복사해 'Excel 통합 문서(*.xlsx)'로 저장한 뒤 다시 넣어 주세요."
    ),
    "file-zip-bomb": (
        "파일의 압축을 풀면 크기가 비정상적으로 커져서(1GB 초과 또는 지나친 압축률) 안전을 위해 열지 않았습니다. "
        "필요한 시트와 행만 새 통합 문서에 복사해 'Excel 통합 문서(*.xlsx)'로 저장한 뒤 다시 넣어 주세요."
    ),
    "file-macro": "이 파일은 매크로가 들어 있는 통합 문서(.xlsm 등)입니다. " + _SAVE_AS_XLSX,
    "file-strict-ooxml": (
        "이 파일은 'Strict Open XML 스프레드시트' 형식으로 저장되어 있어 읽을 수 없습니다. "
        "Excel에서 '다른 이름으로 저장' → 'Strict Open XML 스프레드시트'가 아닌 "
        "'Excel 통합 문서(*.xlsx)'로 저장한 뒤 다시 넣어 주세요."
    ),
    "file-external-links": (
        "이 파일에는 다른 통합 문서를 가리키는 외부 연결이 들어 있습니다. "
        "Excel에서 데이터 > 연결 편집 > 연결 끊기를 누른 뒤 저장해서 다시 넣어 주세요."
    ),
    "file-xml-entities": (
        "파일 안에 허용하지 않는 XML 선언(외부 참조나 반복 확장 정의)이 들어 있어 안전을 위해 열지 않았습니다. "
        "Excel에서 이 파일을 연 뒤 'Excel 통합 문서(*.xlsx)'로 새로 저장해서 다시 넣어 주세요."
    ),
}

# More precise wording for ``file-not-xlsx`` when we can tell what the file really is.
NOT_XLSX_MESSAGES: Final[dict[str, str]] = {
    "csv": (
        "이 파일은 Excel 통합 문서가 아니라 CSV(쉼표나 탭으로 구분한 텍스트) 파일로 보입니다. " + _OPEN_AND_SAVE_AS_XLSX
    ),
    "text": "이 파일은 Excel 통합 문서가 아니라 일반 텍스트 파일로 보입니다. " + _OPEN_AND_SAVE_AS_XLSX,
    "html": (
        "이 파일은 Excel 통합 문서가 아니라 웹 페이지(HTML) 파일입니다(이름만 엑셀 파일처럼 바뀐 경우). "
        + _OPEN_AND_SAVE_AS_XLSX
    ),
    "xml2003": "이 파일은 예전 'XML 스프레드시트 2003' 형식입니다. " + _OPEN_AND_SAVE_AS_XLSX,
    "pdf": (
        "이 파일은 Excel 통합 문서가 아니라 PDF 문서입니다. "
        "PDF는 표로 읽을 수 없으니 원본 Excel 파일(.xlsx)을 찾아 넣어 주세요."
    ),
    "xlsb": "이 파일은 Excel 바이너리 통합 문서(.xlsb) 형식입니다. " + _SAVE_AS_XLSX,
    "ods": (
        "이 파일은 OpenDocument 스프레드시트(.ods) 형식입니다. "
        "LibreOffice에서는 'Excel 2007-365(.xlsx)', Excel에서는 'Excel 통합 문서(*.xlsx)' 형식으로 "
        "다시 저장해서 넣어 주세요."
    ),
    "word": "이 파일은 Excel이 아니라 Word 문서입니다. 표가 담긴 Excel 통합 문서(.xlsx)를 넣어 주세요.",
    "powerpoint": "이 파일은 Excel이 아니라 PowerPoint 문서입니다. 표가 담긴 Excel 통합 문서(.xlsx)를 넣어 주세요.",
}


def _refuse(code: str, variant: str | None = None) -> NoReturn:
    message = NOT_XLSX_MESSAGES[variant] if variant is not None else MESSAGES[code]
    raise FileRefused(code, message)


# --- result -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkbookInfo:
    """What the gate learned about an accepted workbook (all keyed by sheet name, workbook order)."""

    sheet_names: list[str]
    sheet_parts: dict[str, str]  # sheet name -> zip member, e.g. "xl/worksheets/sheet1.xml"
    hidden: frozenset[str]  # state="hidden" or "veryHidden"
    sparse: frozenset[str]  # must be read with the bounded streaming reader, not python-calamine
    max_col: dict[str, int]  # 1-based index of the right-most column seen in a cell reference (0: none)
    last_row: dict[str, int]  # number of the last <row> (rows are stored in ascending order; 0: no rows)
    row_count: dict[str, int]  # number of <row> elements
    formulas: frozenset[str] = frozenset()  # sheets with (or, unreadable by bytes, maybe with) formula cells


# --- entry point --------------------------------------------------------------------------------

_CFB_SIGNATURE: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Errors from zipfile / zlib / expat while reading a member: the file is damaged.
_READ_ERRORS: Final = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    EOFError,
    zlib.error,
    OSError,
    ParseError,
    UnicodeDecodeError,
    NotImplementedError,
    RuntimeError,
    struct.error,
)


def inspect_workbook(path: Path) -> WorkbookInfo:
    """Refuse an unsafe or unreadable upload with ``FileRefused``; otherwise describe its sheets."""
    p = Path(path)
    try:
        st = p.stat()
    except OSError:
        _refuse("file-missing")
    if not stat.S_ISREG(st.st_mode):
        _refuse("file-missing")
    if st.st_size == 0:
        _refuse("file-empty")
    try:
        fp = p.open("rb")
    except OSError:
        _refuse("file-missing")
    with fp:
        try:
            return _inspect_file(fp, st.st_size)
        except (*_READ_ERRORS, IndexError, ValueError):  # a structure too broken for the checks above
            _refuse("file-corrupt")


def _inspect_file(fp: BinaryIO, size: int) -> WorkbookInfo:
    head = fp.read(4096)
    if head.startswith(_CFB_SIGNATURE):
        _refuse_cfb(fp, size)
    if not head.startswith(b"PK"):
        _refuse("file-not-xlsx", _sniff_not_zip(head))
    _check_central_directory(fp, size)
    fp.seek(0)
    try:
        zf = zipfile.ZipFile(fp)
    except (*_READ_ERRORS, ValueError):
        _refuse("file-corrupt")
    with zf:
        return _inspect_zip(zf)


# --- CFB (OLE2): legacy .xls and encrypted OOXML --------------------------------------------------

_ENCRYPTION_STREAMS: Final = ("EncryptedPackage", "EncryptionInfo")
_END_OF_CHAIN: Final = 0xFFFFFFFA  # sector ids >= this are markers (end of chain, free, FAT ...)


def _refuse_cfb(fp: BinaryIO, size: int) -> NoReturn:
    entries = _cfb_directory(fp, size)
    if entries is None:  # directory unreadable: fall back to a byte search for the stream names
        needles = [n.encode("utf-16-le") for n in _ENCRYPTION_STREAMS]
        _refuse("file-encrypted" if _file_contains(fp, size, needles) else "file-xls")
    names = {name for name, _, _, _ in entries}
    if names.intersection(_ENCRYPTION_STREAMS):
        _refuse("file-encrypted")
    for name, kind, start, length in entries:
        if kind == 2 and name in ("Workbook", "Book") and _xls_has_filepass(fp, size, start, length):
            _refuse("file-encrypted")
    if "WordDocument" in names:
        _refuse("file-not-xlsx", "word")
    if "PowerPoint Document" in names:
        _refuse("file-not-xlsx", "powerpoint")
    _refuse("file-xls")


def _cfb_header(fp: BinaryIO) -> tuple[int, int, int, int, int, int] | None:
    fp.seek(0)
    hdr = fp.read(512)
    if len(hdr) < 512:
        return None
    shift = struct.unpack_from("<H", hdr, 0x1E)[0]
    if shift not in (9, 12):
        return None
    n_fat, first_dir = struct.unpack_from("<II", hdr, 0x2C)
    mini_cutoff = struct.unpack_from("<I", hdr, 0x38)[0]
    first_difat, n_difat = struct.unpack_from("<II", hdr, 0x44)
    return 1 << shift, n_fat, first_dir, mini_cutoff, first_difat, n_difat


def _read_sector(fp: BinaryIO, sector_size: int, sid: int) -> bytes:
    fp.seek((sid + 1) * sector_size)
    return fp.read(sector_size)


def _cfb_directory(fp: BinaryIO, size: int) -> list[tuple[str, int, int, int]] | None:
    """(name, type, start sector, size) of every directory entry, or None if the structure is unusable."""
    header = _cfb_header(fp)
    if header is None:
        return None
    ss, n_fat, first_dir, _, first_difat, n_difat = header
    n_sectors = max(0, (size - ss + ss - 1) // ss)
    if n_fat == 0 or n_fat > n_sectors or n_fat * ss > MAX_CFB_FAT:
        return None
    fp.seek(0x4C)
    fat_sids = list(struct.unpack("<109I", fp.read(109 * 4)))[: min(n_fat, 109)]
    sid, hops = first_difat, 0
    while len(fat_sids) < n_fat and sid < _END_OF_CHAIN and hops < n_difat and sid < n_sectors:
        ids = struct.unpack(f"<{ss // 4}I", _read_sector(fp, ss, sid).ljust(ss, b"\xff"))
        fat_sids.extend(ids[:-1])
        sid, hops = ids[-1], hops + 1
    fat = array("I")  # 4 bytes per sector id, not a Python int each
    if fat.itemsize != 4:  # pragma: no cover - every mainstream platform has a 4-byte unsigned int
        return None
    for fs in fat_sids[:n_fat]:
        if fs >= n_sectors:
            return None
        fat.frombytes(_read_sector(fp, ss, fs).ljust(ss, b"\xff"))
    if sys.byteorder == "big":  # pragma: no cover
        fat.byteswap()
    entries: list[tuple[str, int, int, int]] = []
    seen: set[int] = set()
    sid = first_dir
    while sid < _END_OF_CHAIN:
        if sid in seen or sid >= len(fat) or sid >= n_sectors or len(seen) >= MAX_CFB_DIRECTORY_SECTORS:
            return None
        seen.add(sid)
        sector = _read_sector(fp, ss, sid)
        for off in range(0, len(sector) - 127, 128):
            name_len = struct.unpack_from("<H", sector, off + 64)[0]
            kind = sector[off + 66]
            if kind == 0 or not 2 <= name_len <= 64:
                continue
            name = sector[off : off + name_len - 2].decode("utf-16-le", "replace")
            start, length = struct.unpack_from("<IQ", sector, off + 116)
            if ss == 512:
                length &= 0xFFFFFFFF  # version 3 files: the high half is undefined
            entries.append((name, kind, start, length))
        sid = fat[sid]
    return entries if entries else None


def _xls_has_filepass(fp: BinaryIO, size: int, start: int, length: int) -> bool:
    """True when the BIFF workbook stream starts with BOF followed by FILEPASS (a password-protected .xls)."""
    header = _cfb_header(fp)
    if header is None:
        return False
    ss, _, _, mini_cutoff, _, _ = header
    if length < mini_cutoff or start >= _END_OF_CHAIN or (start + 2) * ss > size:
        return False  # small streams live in the mini stream; a real workbook stream is never that small
    sector = _read_sector(fp, ss, start)
    if len(sector) < 8:
        return False
    bof_type, bof_len = struct.unpack_from("<HH", sector, 0)
    if bof_type != 0x0809 or 4 + bof_len + 4 > len(sector):
        return False
    return bool(struct.unpack_from("<H", sector, 4 + bof_len)[0] == 0x002F)


def _file_contains(fp: BinaryIO, size: int, needles: list[bytes]) -> bool:
    overlap = max(len(n) for n in needles) - 1
    fp.seek(0)
    prev = b""
    while True:
        block = fp.read(SCAN_CHUNK)
        if not block:
            return False
        window = prev + block
        if any(n in window for n in needles):
            return True
        prev = window[-overlap:]


# --- not a zip at all -------------------------------------------------------------------------------


def _sniff_not_zip(head: bytes) -> str | None:
    """Name what a non-zip upload looks like (a ``NOT_XLSX_MESSAGES`` key), or None."""
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"%PDF"):
        return "pdf"
    text = _as_text(head)
    if text is None:
        return None
    low = text.lstrip("\ufeff \t\r\n")[:2048].lower()
    if "urn:schemas-microsoft-com:office:spreadsheet" in text.lower():
        return "xml2003"
    if low.startswith("<!doctype html") or "<html" in low or "<table" in low:
        return "html"
    if any(sep in text for sep in (",", "\t", ";")):
        return "csv"
    return "text"


def _as_text(head: bytes) -> str | None:
    candidates = ["utf-16"] if head.startswith((b"\xff\xfe", b"\xfe\xff")) else ["utf-8", "cp949"]
    for enc in candidates:
        for cut in range(4):  # the 4 KiB sample may end inside a multi-byte character
            try:
                text = head[: len(head) - cut].decode(enc)
            except UnicodeDecodeError:
                continue
            if not any(ord(ch) < 32 and ch not in "\t\r\n\x0c" for ch in text):
                return text
            break
    return None


# --- zip central directory (read by hand, before zipfile parses it) ------------------------------


def _check_central_directory(fp: BinaryIO, size: int) -> None:
    """Count entries straight from the central directory so a 100,000-entry zip is never parsed."""
    tail_len = min(size, 22 + 0xFFFF)
    fp.seek(size - tail_len)
    tail = fp.read(tail_len)
    pos = tail.rfind(b"PK\x05\x06")
    if pos < 0 or len(tail) - pos < 22:
        _refuse("file-corrupt")
    entries, cd_size = struct.unpack_from("<HI", tail, pos + 10)
    eocd = size - tail_len + pos
    cd_end = eocd
    if eocd >= 20:
        fp.seek(eocd - 20)
        locator = fp.read(20)
        if locator.startswith(b"PK\x06\x07"):
            cd_end = eocd - 20 - 56  # zipfile also expects the zip64 record right before its locator
            if cd_end < 0:
                _refuse("file-corrupt")
            fp.seek(cd_end)
            record = fp.read(56)
            if not record.startswith(b"PK\x06\x06") or len(record) < 56:
                _refuse("file-corrupt")
            entries, cd_size = struct.unpack_from("<QQ", record, 32)
    if entries > MAX_ENTRIES or cd_size > MAX_CENTRAL_DIRECTORY:
        _refuse("file-too-many-entries")
    cd_start = cd_end - cd_size
    if cd_start < 0:
        _refuse("file-corrupt")
    fp.seek(cd_start)
    data = fp.read(cd_size)
    if len(data) != cd_size:
        _refuse("file-corrupt")
    p = count = 0
    while p < cd_size:  # the declared count may lie: walk the records themselves
        if cd_size - p < 46 or data[p : p + 4] != b"PK\x01\x02":
            _refuse("file-corrupt")
        name_len, extra_len, comment_len = struct.unpack_from("<HHH", data, p + 28)
        p += 46 + name_len + extra_len + comment_len
        count += 1
        if count > MAX_ENTRIES:
            _refuse("file-too-many-entries")


# --- the zip itself -------------------------------------------------------------------------------

_STRICT_NS: Final = "http://purl.oclc.org/ooxml/spreadsheetml/main"
_CONTENT_TYPES: Final = "[Content_Types].xml"
_WORKBOOK: Final = "xl/workbook.xml"
_WORKBOOK_RELS: Final = "xl/_rels/workbook.xml.rels"
_STYLES: Final = "xl/styles.xml"
_MACRO_TYPES: Final = ("macroenabled", "application/vnd.ms-office.vbaproject", "application/vnd.ms-excel.macrosheet")


def _inspect_zip(zf: zipfile.ZipFile) -> WorkbookInfo:
    infos = zf.infolist()
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > BIG_ENTRY and info.file_size > MAX_RATIO * info.compress_size:
            _refuse("file-zip-bomb")
    if total > MAX_TOTAL_UNCOMPRESSED:
        _refuse("file-zip-bomb")
    by_name: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        if info.flag_bits & 0x1:
            _refuse("file-encrypted")  # zip-level password: no reader can open it
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            _refuse("file-corrupt")
        if info.filename in by_name:
            _refuse("file-corrupt")  # two members with one name: readers would disagree
        by_name[info.filename] = info
    lower = {name.lower() for name in by_name}

    if _CONTENT_TYPES not in by_name or _WORKBOOK not in by_name:
        kind = _other_zip_kind(lower)
        if kind is not None:
            _refuse("file-not-xlsx", kind)
        if _CONTENT_TYPES in by_name:
            _refuse("file-corrupt")  # an Office package that lost its workbook part
        _refuse("file-zip-not-workbook")  # the central directory read cleanly: an intact zip of something else

    if any(n.endswith("vbaproject.bin") or n.startswith("xl/macrosheets/") for n in lower):
        _refuse("file-macro")
    types = _ContentTypes()
    _parse_part(zf, by_name[_CONTENT_TYPES], types)
    for name in by_name:
        content_type = types.type_of(name).lower()
        if any(marker in content_type for marker in _MACRO_TYPES):
            _refuse("file-macro")

    workbook = _WorkbookTarget()
    _parse_part(zf, by_name[_WORKBOOK], workbook)
    if workbook.namespace == _STRICT_NS:
        _refuse("file-strict-ooxml")
    if workbook.local != "workbook":
        _refuse("file-corrupt")

    if any(n.startswith("xl/externallinks/") for n in lower):
        _refuse("file-external-links")
    if _WORKBOOK_RELS not in by_name:
        _refuse("file-corrupt")
    rels = _RelsTarget()
    _parse_part(zf, by_name[_WORKBOOK_RELS], rels)
    for rel in rels.items:
        if rel.get("TargetMode", "").lower() == "external" or rel.get("Type", "").endswith("/externalLink"):
            _refuse("file-external-links")

    # Every other XML part: full defused parse for the small ones, prolog check for the rest.
    for name, info in by_name.items():
        if name.lower().endswith(".rels") and name != _WORKBOOK_RELS:
            _parse_part(zf, info, _NullTarget())
    if _STYLES in by_name:
        _parse_part(zf, by_name[_STYLES], _NullTarget(), prolog_only_above=MAX_PARSED_PART)
    parsed = {_CONTENT_TYPES, _WORKBOOK, _STYLES}
    roots: dict[str, tuple[bytes, bool]] = {}
    for name, info in by_name.items():
        if name in parsed or name.lower().endswith(".rels") or name.endswith("/"):
            continue
        if _is_xml_part(name, types):
            roots[name] = _check_prolog(zf, info)

    sheet_names, sheet_parts, hidden = _resolve_sheets(workbook, rels, by_name)
    for part in sheet_parts.values():
        if part not in roots:  # a sheet stored under an odd name or content type: check it too
            roots[part] = _check_prolog(zf, by_name[part])

    sparse: set[str] = set()
    max_col: dict[str, int] = {}
    last_row: dict[str, int] = {}
    row_count: dict[str, int] = {}
    formulas: set[str] = set()
    for name in sheet_names:
        part = sheet_parts[name]
        root, utf16 = roots[part]
        scan = _scan_sheet(zf, by_name[part], root, utf16)
        max_col[name], last_row[name], row_count[name] = scan.max_col, scan.last_row, scan.rows
        if scan.formulas:
            formulas.add(name)
        if (
            scan.unknown
            or scan.max_col > SPARSE_MAX_COL
            or scan.last_row > 2 * scan.rows + SPARSE_ROW_SLACK
            or max(scan.rows, scan.last_row) > EXCEL_MAX_ROWS  # no Excel wrote this: take the careful path
        ):
            sparse.add(name)
    return WorkbookInfo(
        sheet_names=sheet_names,
        sheet_parts=sheet_parts,
        hidden=frozenset(hidden),
        sparse=frozenset(sparse),
        max_col=max_col,
        last_row=last_row,
        row_count=row_count,
        formulas=frozenset(formulas),
    )


def _open_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> zipfile.ZipExtFile:
    """Open a member for streaming; reads stop at its declared size and verify its CRC at the end."""
    f = zf.open(info)
    if not isinstance(f, zipfile.ZipExtFile):  # pragma: no cover - zipfile always returns one for "r"
        f.close()
        raise zipfile.BadZipFile(info.filename)
    return f


def _other_zip_kind(lower_names: set[str]) -> str | None:
    if "xl/workbook.bin" in lower_names:
        return "xlsb"
    if "word/document.xml" in lower_names:
        return "word"
    if "ppt/presentation.xml" in lower_names:
        return "powerpoint"
    if "mimetype" in lower_names and "content.xml" in lower_names:
        return "ods"
    return None


def _is_xml_part(name: str, types: _ContentTypes) -> bool:
    if name.lower().endswith((".xml", ".vml", ".rels")):
        return True
    content_type = types.type_of(name).lower()
    return content_type.endswith("+xml") or content_type in ("application/xml", "text/xml")


def _resolve_sheets(
    workbook: _WorkbookTarget, rels: _RelsTarget, by_name: dict[str, zipfile.ZipInfo]
) -> tuple[list[str], dict[str, str], set[str]]:
    targets = {rel.get("Id", ""): rel.get("Target", "") for rel in rels.items}
    names: list[str] = []
    parts: dict[str, str] = {}
    hidden: set[str] = set()
    for attrs in workbook.sheets:
        name = attrs.get("name")
        rid = next((v for k, v in attrs.items() if k.endswith("relationships}id")), None)
        if not name or rid is None or name in parts or rid not in targets:
            _refuse("file-corrupt")
        part = _resolve_target("xl", targets[rid])
        if part not in by_name:
            _refuse("file-corrupt")
        names.append(name)
        parts[name] = part
        if attrs.get("state") in ("hidden", "veryHidden"):
            hidden.add(name)
    return names, parts, hidden


def _resolve_target(base_dir: str, target: str) -> str:
    t = unquote(target).replace("\\", "/")
    if t.startswith("/"):
        return posixpath.normpath(t.lstrip("/"))
    return posixpath.normpath(posixpath.join(base_dir, t))


# --- defusedxml parsing of the small parts --------------------------------------------------------


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


class _NullTarget:
    """A parser target with no callbacks: expat only checks well-formedness and the defused rules."""


class _ContentTypes:
    def __init__(self) -> None:
        self.defaults: dict[str, str] = {}
        self.overrides: dict[str, str] = {}

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        local = _local(tag)
        if local == "Default":
            self.defaults[attrib.get("Extension", "").lower()] = attrib.get("ContentType", "")
        elif local == "Override":
            self.overrides[attrib.get("PartName", "").lstrip("/").lower()] = attrib.get("ContentType", "")

    def type_of(self, name: str) -> str:
        found = self.overrides.get(name.lower())
        if found is not None:
            return found
        return self.defaults.get(name.rpartition(".")[2].lower() if "." in name else "", "")


class _WorkbookTarget:
    def __init__(self) -> None:
        self.namespace: str | None = None
        self.local: str | None = None
        self.sheets: list[dict[str, str]] = []
        self._depth = 0
        self._in_sheets = False

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        self._depth += 1
        if self.local is None:
            self.namespace = tag[1:].partition("}")[0] if tag.startswith("{") else ""
            self.local = _local(tag)
        elif self._depth == 2 and _local(tag) == "sheets":
            self._in_sheets = True
        elif self._depth == 3 and self._in_sheets and _local(tag) == "sheet":
            self.sheets.append(dict(attrib))

    def end(self, tag: str) -> None:
        if self._depth == 2:
            self._in_sheets = False
        self._depth -= 1


class _RelsTarget:
    def __init__(self) -> None:
        self.items: list[dict[str, str]] = []

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        if _local(tag) == "Relationship":
            self.items.append(dict(attrib))


def _parse_part(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, target: object, prolog_only_above: int | None = None
) -> None:
    """Stream a part through defusedxml (no DTD, no entities, no external references)."""
    if info.file_size > MAX_PARSED_PART:
        if prolog_only_above is not None:
            _check_prolog(zf, info)
            return
        _refuse("file-corrupt")
    parser = DefusedXMLParser(target=target, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    try:
        with _open_member(zf, info) as f:
            while chunk := f.read1(PARSE_CHUNK):
                parser.feed(chunk)
        parser.close()
    except (DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden):
        _refuse("file-xml-entities")


# --- prolog check of every other XML part ---------------------------------------------------------

_WS: Final = re.compile(rb"[ \t\r\n]*")
_NAME: Final = re.compile(rb"[A-Za-z_:\x80-\xff][A-Za-z0-9_:.\-\x80-\xff]*")
_ENCODING: Final = re.compile(rb"""encoding\s*=\s*["']([A-Za-z0-9._\-]+)""")
_MARKUP_PROBE: Final = "<!DOCTYPE ENTITY>&;%\"' =?-[]"


def _check_prolog(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> tuple[bytes, bool]:
    """Read until the root element starts; refuse a DTD/entity before it. Returns (root name, is UTF-16)."""
    buf = b""
    with _open_member(zf, info) as f:
        while True:
            data = f.read1(PROLOG_CHUNK)
            buf += data
            window = buf[:PROLOG_LIMIT]
            state, root, utf16 = _prolog_state(window)
            if state == "ok":
                return root, utf16
            if state == "dtd":
                _refuse("file-xml-entities")
            if state == "junk":
                _refuse("file-corrupt")
            if len(buf) >= PROLOG_LIMIT:
                _refuse("file-xml-entities")  # no root element within 64 KiB: something is hiding there
            if not data:
                _refuse("file-corrupt")  # empty or cut short before the root element


def _prolog_state(raw: bytes) -> tuple[str, bytes, bool]:
    """Tokenise the prolog: ("ok", root, utf16), ("dtd"|"junk"|"more", b"", utf16)."""
    utf16 = raw[:2] in (b"\xff\xfe", b"\xfe\xff") or (len(raw) >= 2 and (raw[0] == 0) != (raw[1] == 0))
    if utf16:
        big = raw[:2] == b"\xfe\xff" or (raw[:2] != b"\xff\xfe" and raw[0] == 0)
        w = raw[: len(raw) // 2 * 2].decode("utf-16-be" if big else "utf-16-le", "replace")
        w_bytes = w.lstrip("\ufeff").encode("utf-8")
    else:
        w_bytes = raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw
    state, root = _tokenise_prolog(w_bytes, check_encoding=not utf16)
    return state, root, utf16


def _tokenise_prolog(w: bytes, *, check_encoding: bool) -> tuple[str, bytes]:
    n = len(w)
    i = 0
    while True:
        ws = _WS.match(w, i)
        if ws is not None:
            i = ws.end()
        if i >= n:
            return "more", b""
        if w[i] != 0x3C:  # "<"
            return "junk", b""
        if n - i < 2:
            return "more", b""
        if w.startswith(b"<?", i):
            j = w.find(b"?>", i + 2)
            if j < 0:
                return "more", b""
            if check_encoding and w.startswith(b"<?xml", i):
                enc = _ENCODING.search(w, i, j)
                if enc is not None and not _ascii_markup(enc.group(1).decode("ascii")):
                    return "dtd", b""  # e.g. UTF-7 can hide "<!DOCTYPE" from a byte scan
            i = j + 2
            continue
        if w.startswith(b"<!", i):
            if n - i < 4 and b"<!--".startswith(w[i:]):
                return "more", b""
            if not w.startswith(b"<!--", i):
                return "dtd", b""  # <!DOCTYPE, <!ENTITY, or any other declaration before the root
            j = w.find(b"-->", i + 4)
            if j < 0:
                return "more", b""
            i = j + 3
            continue
        name = _NAME.match(w, i + 1)
        if name is None:
            return "junk", b""
        if name.end() >= n:
            return "more", b""
        return "ok", name.group(0)


def _ascii_markup(encoding: str) -> bool:
    """True when the declared encoding writes XML markup as plain ASCII bytes (so a byte scan sees it)."""
    try:
        codec = codecs.lookup(encoding)
    except LookupError:
        return True  # unknown to Python: the readers will not decode it either
    if codec.name == "utf-7":
        return False
    try:
        return _MARKUP_PROBE.encode(codec.name) == _MARKUP_PROBE.encode("ascii")
    except (UnicodeError, LookupError):
        return False


# --- worksheet scan -------------------------------------------------------------------------------

_CELL_REF: Final = re.compile(rb"""(?:r\s*=\s*["']|[^>]*?\sr\s*=\s*["'])([A-Za-z]{1,3})[0-9]""")
_ROW_REF: Final = re.compile(rb"""(?:\s+r\s*=\s*["']|\s[^>]*?\sr\s*=\s*["'])([0-9]{1,10})["']""")


@dataclass
class _SheetScan:
    max_col: int = 0
    last_row: int = 0
    rows: int = 0
    unknown: bool = False
    formulas: bool = False  # a cell formula (<f>) somewhere in sheetData, or markup the scan cannot read


_ROW_TAG_END: Final = frozenset(b" \t\r\n>/")
_GREATER_CACHE: dict[tuple[bytes, bytes], re.Pattern[bytes]] = {}


def _greater_than(cell_r: bytes, best: bytes) -> re.Pattern[bytes]:
    """A pattern for a cell reference ``<c r="XX9`` whose column is right of ``best``.

    Exact for upper-case references (what every writer produces); a reference with lower-case
    letters matches whenever it might be right of ``best``, and the caller compares it properly.
    """
    key = (cell_r, best)
    found = _GREATER_CACHE.get(key)
    if found is not None:
        return found
    n = len(best)
    alts = []
    if n < 3:
        alts.append(b"[A-Za-z]{%d,3}" % (n + 1))
    for i, ch in enumerate(best):
        if ch < 0x5A:  # "Z"
            same = b"".join(b"[%c%c]" % (c, c + 32) for c in best[:i])
            rest = b"[A-Za-z]{%d}" % (n - i - 1) if n - i - 1 else b""
            alts.append(same + b"[%c-Za-z]" % (ch + 1) + rest)
    pattern = re.compile(re.escape(cell_r) + b"(" + b"|".join(alts) + b")[0-9]")
    if len(_GREATER_CACHE) > 4096:
        _GREATER_CACHE.clear()
    _GREATER_CACHE[key] = pattern
    return pattern


class _SheetScanner:
    """Counts rows, the last row number and the right-most cell reference, chunk by chunk.

    ``feed(buf, s, e)`` is given byte ranges that start at a ``<`` and end right before a ``<``,
    so every tag lies whole inside one range. Two ways to find the right-most column:

    * row loop (normal rows, ~1 KB each): rows are split at their start tags and only the last
      ``<c `` of each row is read (cells are written in column order; a row cut by a chunk
      boundary only yields a smaller candidate from its first half). Robust to odd cell tags.
    * dense (many short rows, e.g. a million empty ``<row r="N"/>``): a Python step per row
      would be too slow, so rows are counted with ``bytes.count`` and one compiled pattern looks
      only for cell references right of the best so far. Used only while every cell tag in the
      range starts with ``<c r="``; otherwise the range goes through the row loop.
    """

    DENSE_ROW_BYTES: Final = 256  # rows shorter than this on average switch to the dense way
    SAMPLE: Final = 64 << 10  # ranges shorter than this do not change the way

    def __init__(self, prefix: bytes) -> None:
        self.row_open = b"<" + prefix + b"row"
        self.cell_open = b"<" + prefix + b"c "
        self.cell_r = b"<" + prefix + b'c r="'
        self.data_open = b"<" + prefix + b"sheetData"
        self.data_close = b"</" + prefix + b"sheetData>"
        self.formula_start = b"<" + prefix + b"f"
        self.formula_tags = tuple(b"<" + prefix + b"f" + end for end in (b">", b" ", b"/", b"\t", b"\r", b"\n"))
        self.formulas = 0
        self.in_data = False
        self.done = False
        self.dense = False
        self.rows = 0
        self.last_row = 0
        self.best = b""  # right-most column letters seen (upper case)

    def feed(self, buf: bytes, s: int, e: int) -> None:
        if self.done or s >= e:
            return
        if not self.in_data:
            k = buf.find(self.data_open, s, e)
            if k < 0:
                return
            self.in_data = True
            gt = buf.find(b">", k, e)
            if gt > 0 and buf[gt - 1] == 0x2F:  # <sheetData/>
                self.done = True
                return
            s = k + len(self.data_open)
        row, width = self.row_open, len(self.row_open)
        i = buf.rfind(row, s, e)
        while i >= 0 and (i + width >= e or buf[i + width] not in _ROW_TAG_END):  # e.g. <rowBreaks>
            i = buf.rfind(row, s, i)
        k = buf.find(self.data_close, max(s, i), e)  # </sheetData> can only follow the last row
        if k >= 0:
            e = k
            self.done = True
        before = self.rows
        # a cell formula: the reader reports it and no workbook of ours carries it on (one search for "<f" first,
        # the exact tags only where it is found: <family> of a rich-text run also starts so)
        if not self.formulas and buf.find(self.formula_start, s, e) >= 0:
            self.formulas = sum(buf.count(tag, s, e) for tag in self.formula_tags)
        if not (self.dense and self._dense(buf, s, e)):
            self._rows(buf, s, e)
        if e - s >= self.SAMPLE:
            self.dense = (self.rows - before) * self.DENSE_ROW_BYTES > e - s
        if 0 <= i < e:
            m = _ROW_REF.match(buf, i + width, e)
            self.last_row = max(self.last_row, int(m.group(1)) if m else self.rows)

    def _dense(self, buf: bytes, s: int, e: int) -> bool:
        cells = buf.count(self.cell_open, s, e)
        if cells and buf.count(self.cell_r, s, e) != cells:
            return False  # some cell tag is unusual: let the row loop read it
        self.rows += buf.count(self.row_open, s, e)
        if cells:
            best = self.best
            pattern = _greater_than(self.cell_r, best)
            pos = s
            while (m := pattern.search(buf, pos, e)) is not None:
                letters = m.group(1).upper()
                if len(letters) > len(best) or (len(letters) == len(best) and letters > best):
                    best = letters
                    pattern = _greater_than(self.cell_r, best)
                pos = m.end()
            self.best = best
        return True

    def _rows(self, buf: bytes, s: int, e: int) -> None:
        """Count row start tags in [s, e) and keep the right-most last cell of a row."""
        # Hot loop, once per row: a forward find for the next row, a short backward find for its last cell.
        find, rfind, startswith = buf.find, buf.rfind, buf.startswith
        row, cell = self.row_open, self.cell_open
        step, skip = len(row), len(cell)
        best = self.best
        count = 0
        pos = s
        while True:
            r = find(row, pos, e)
            seg_end = e if r < 0 else r
            c = rfind(cell, pos, seg_end)
            if c >= 0:
                a = c + skip
                letters = buf[a + 3 : a + 6].rstrip(b'0123456789"') if startswith(b'r="', a) else None
                if letters != best:  # rare: a new right-most column, or an unusual cell tag
                    if letters is None or not (letters.isalpha() and letters.isupper()):
                        m = _CELL_REF.match(buf, a, seg_end)  # r not first, single quotes, lower case, no r
                        letters = m.group(1).upper() if m is not None else b""
                    if len(letters) > len(best) or (len(letters) == len(best) and letters > best):
                        best = letters
            if r < 0:
                break
            count += 1
            pos = r + step
        self.best = best
        self.rows += count


def _column_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


def _scan_sheet(zf: zipfile.ZipFile, info: zipfile.ZipInfo, root: bytes, utf16: bool) -> _SheetScan:
    prefix, _, local = root.rpartition(b":")
    if utf16:  # the byte patterns cannot see UTF-16 markup: send it to the bounded reader
        return _SheetScan(unknown=local == b"worksheet", formulas=True)
    sc = _SheetScanner(prefix + b":" if prefix else b"")
    tail = b""
    with _open_member(zf, info) as f:
        while chunk := f.read1(SCAN_CHUNK):
            first = chunk.find(b"<")
            if first < 0:  # text only (a huge cell): keep the unfinished tag's start, drop the rest
                if len(tail) < MAX_TAIL:
                    tail += chunk[: MAX_TAIL - len(tail)]
                continue
            if tail:
                seam = tail + chunk[: min(first, MAX_TAIL)]
                sc.feed(seam, 0, len(seam))
            last = chunk.rfind(b"<")
            sc.feed(chunk, first, last)
            tail = chunk[last : last + MAX_TAIL]
    if tail:
        sc.feed(tail, 0, len(tail))
    unknown = local == b"worksheet" and not sc.in_data
    return _SheetScan(_column_index(sc.best), sc.last_row, sc.rows, unknown, bool(sc.formulas) or unknown)
