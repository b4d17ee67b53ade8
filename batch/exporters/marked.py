"""Write the result workbook by marking up a copy of the staff's own file, streaming its XML.

Rows without findings are copied byte for byte, so the staff's formatting, widths, dropdowns and
notes stay as they were, and 50,000 rows cost little more than unzipping and zipping them again.
Marked cells get a red (error) or yellow (warning) fill cloned from their own style and a note;
the main sheet gains the 처리결과 / 오류코드 / 오류메시지 columns; a 요약 sheet is added.
Anything this writer does not expect raises CannotMark and the caller rewrites the workbook instead.
"""

from __future__ import annotations

import contextlib
import functools
import html
import queue
import re
import threading
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Protocol

from xlsxwriter.utility import xl_col_to_name

from batch.importers.workbook import SheetData
from batch.sheetspec import SUMMARY_SHEET, display_header, is_result_header

CHUNK = 1 << 20
FILL_ERROR, FILL_WARNING, FILL_HEADER = "FFFF9999", "FFFFEB9C", "FFFFF2CC"
RESULT_FILLS = {"오류": "FFFFC7CE", "경고": "FFFFEB9C", "성공": "FFC6EFCE"}

_AFTER_NAME = frozenset((b" ", b">", b"/", b"\t", b"\r", b"\n"))
_SLASH = ord("/")
_ROW_NUM = re.compile(rb'^<row\b[^>]*?\sr="(\d+)"')
_CELL = re.compile(rb"<c\b[^>]*?(?:/>|>.*?</c>)", re.S)
_CELL_REF = re.compile(rb'^<c\b[^>]*?\sr="([A-Z]{1,3})(\d+)"')
_CELL_STYLE = re.compile(rb'\ss="(\d+)"')
_SPANS = re.compile(rb'\sspans="[^"]*"')
_DIMENSION = re.compile(rb"<dimension\b[^>]*/>")
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_CELL_TYPE = re.compile(rb'\st="([^"]*)"')
_VALUE = re.compile(rb"<(?:\w+:)?v>(.*?)</(?:\w+:)?v>", re.S)
_CALC_CHAIN_REL = re.compile(rb"<Relationship\b[^>]*?/calcChain\"[^>]*/>")
_CALC_CHAIN_TYPE = re.compile(rb'<Override\b[^>]*?PartName="/xl/calcChain\.xml"[^>]*/>')
CALC_CHAIN = "xl/calcChain.xml"
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_AFTER_SHEETDATA = (
    b"<legacyDrawingHF",
    b"<picture",
    b"<oleObjects",
    b"<controls",
    b"<webPublishItems",
    b"<tableParts",
    b"<extLst",
    b"</worksheet>",
)
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
REL_TYPE = REL_NS + "/"
CT_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CT_COMMENTS = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
CT_VML = "application/vnd.openxmlformats-officedocument.vmlDrawing"


class CannotMark(Exception):
    """This file has something the in-place writer does not handle; rewrite the workbook instead."""


def esc(text: str) -> str:
    text = _ILLEGAL.sub("", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


@functools.lru_cache(maxsize=1024)
def col_name(col: int) -> str:
    return str(xl_col_to_name(col))


def inline_cell(ref: str, text: str, style: int | None) -> bytes:
    s = f' s="{style}"' if style is not None else ""
    return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{esc(text)}</t></is></c>'.encode()


def number_cell(ref: str, value: int, style: int | None = None) -> bytes:
    s = f' s="{style}"' if style is not None else ""
    return f'<c r="{ref}"{s}><v>{value}</v></c>'.encode()


def col_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n - 1


@dataclass
class SheetMarks:
    """What to change on one sheet: fills + notes by (row, col), extra cells appended to rows."""

    fills: dict[tuple[int, int], str] = field(default_factory=dict)  # -> fill key
    notes: dict[tuple[int, int], str] = field(default_factory=dict)
    extra: dict[int, list[tuple[int, str, str]]] = field(default_factory=dict)  # row -> (col, text, fill key)
    extra_width: int = 0  # columns appended to the right


class Styles:
    """Adds fills and cell formats to styles.xml by text edits (a DOM round trip would break prefixes)."""

    def __init__(self, xml: bytes) -> None:
        self.xml = xml
        fills = self._section(b"fills")
        xfs = self._section(b"cellXfs")
        if fills is None or xfs is None:
            raise CannotMark("styles.xml has no fills/cellXfs")
        self._fill_count = len(re.findall(rb"<fill[\s>/]", fills))
        self._xfs = [m.group(0) for m in re.finditer(rb"<xf\b[^>]*?(?:/>|>.*?</xf>)", xfs, re.S)]
        self._base_xf_count = len(self._xfs)
        self._fills: dict[str, int] = {}
        self._new_fills: list[bytes] = []
        self._clones: dict[tuple[int, str], int] = {}
        self._cells: dict[tuple[int, str, str], tuple[bytes, bytes]] = {}

    def _section(self, name: bytes) -> bytes | None:
        m = re.search(rb"<" + name + rb"\b[^>]*>(.*?)</" + name + rb">", self.xml, re.S)
        return m.group(1) if m else None

    def _fill(self, argb: str) -> int:
        if argb not in self._fills:
            self._fills[argb] = self._fill_count + len(self._new_fills)
            self._new_fills.append(
                f'<fill><patternFill patternType="solid"><fgColor rgb="{argb}"/><bgColor indexed="64"/>'
                f"</patternFill></fill>".encode()
            )
        return self._fills[argb]

    def filled(self, base: int | None, argb: str) -> int:
        """Index of a cell format like ``base`` (default 0) but filled with ``argb``."""
        b = base if base is not None and base < self._base_xf_count else 0
        key = (b, argb)
        if key not in self._clones:
            xf = self._xfs[b] if self._xfs else b'<xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
            if xf.endswith(b"/>") and xf.find(b">") == len(xf) - 1:
                tag, rest = xf[:-2], b"/>"
            else:
                i = xf.find(b">")
                tag, rest = xf[:i], xf[i:]
            tag = re.sub(rb'\s(?:fillId|applyFill)="[^"]*"', b"", tag).rstrip()
            self._clones[key] = len(self._xfs)
            self._xfs.append(tag + f' fillId="{self._fill(argb)}" applyFill="1"'.encode() + rest)
        return self._clones[key]

    def cell_parts(self, col: int, text: str, argb: str, number: bytes) -> bytes:
        """``inline_cell`` of a result cell in row ``number``, its bytes around the row number made once per
        (column, text, fill): 50,000 rows carry a handful of distinct 성공 / 오류 cells."""
        key = (col, text, argb)
        parts = self._cells.get(key)
        if parts is None:
            whole = inline_cell(f"{col_name(col)}0", text, self.filled(None, argb) if argb else None)
            cut = whole.index(b'0"')
            parts = (whole[:cut], whole[cut + 1 :])
            if len(self._cells) < 4096:
                self._cells[key] = parts
        return parts[0] + number + parts[1]

    def render(self) -> bytes:
        xml = self.xml
        if self._new_fills:
            total = self._fill_count + len(self._new_fills)
            xml = re.sub(
                rb"<fills\b[^>]*>(.*?)</fills>",
                lambda m: f'<fills count="{total}">'.encode() + m.group(1) + b"".join(self._new_fills) + b"</fills>",
                xml,
                count=1,
                flags=re.S,
            )
        added = self._xfs[self._base_xf_count :]
        if added:
            xml = re.sub(
                rb"<cellXfs\b[^>]*>(.*?)</cellXfs>",
                lambda m: f'<cellXfs count="{len(self._xfs)}">'.encode() + m.group(1) + b"".join(added) + b"</cellXfs>",
                xml,
                count=1,
                flags=re.S,
            )
        return xml


def sheet_marks(data: SheetData, problems: list[tuple[int, str, bool, str]]) -> SheetMarks:
    """problems: (row, column header, is_error, note line) on this sheet."""
    marks = SheetMarks()
    pos = {display_header(h): i for i, h in enumerate(data.headers) if h}
    for row, header, is_error, line in problems:
        col = pos.get(header)
        if col is None:
            continue
        key = (row, col)
        if is_error or marks.fills.get(key) != FILL_ERROR:
            marks.fills[key] = FILL_ERROR if is_error else FILL_WARNING
        marks.notes[key] = (marks.notes[key] + "\n" if key in marks.notes else "") + line
    return marks


def _rewrite_row(
    row: bytes, num: int, fills: list[tuple[int, str]], extra: list[tuple[int, str, str]], styles: Styles
) -> bytes:
    head_end = row.find(b">")
    self_closing = row.endswith(b"/>") and head_end == len(row) - 1
    head = row[: head_end + 1]
    if self_closing:
        head = head[:-2].rstrip() + b">"
    head = _SPANS.sub(b"", head)
    body = b"" if self_closing else row[head_end + 1 : -len(b"</row>")]
    cells: list[tuple[int, bytes]] = []
    last = 0
    for m in _CELL.finditer(body):
        found = _CELL_REF.match(m.group(0))
        if found is None:
            raise CannotMark("a cell without a reference")
        cells.append((col_index(found.group(1)), m.group(0)))
        last = m.end()
    if body[last:].strip():
        raise CannotMark("unexpected content in a row")
    by_col = dict(cells)
    for c, argb in fills:
        cell = by_col.get(c)
        ref = f"{xl_col_to_name(c)}{num}"
        if cell is None:
            by_col[c] = f'<c r="{ref}" s="{styles.filled(None, argb)}"/>'.encode()
            continue
        s = _CELL_STYLE.search(cell[: cell.find(b">") + 1])
        new = styles.filled(int(s.group(1)) if s else None, argb)
        tag_end = cell.find(b">")
        tag = _CELL_STYLE.sub(b"", cell[:tag_end])
        closing = tag.endswith(b"/")
        tag = tag.rstrip(b"/")
        by_col[c] = tag + f' s="{new}"'.encode() + (b"/" if closing else b"") + cell[tag_end:]
    for col, text, argb in extra:
        by_col[col] = inline_cell(f"{xl_col_to_name(col)}{num}", text, styles.filled(None, argb) if argb else None)
    return head + b"".join(by_col[c] for c in sorted(by_col)) + b"</row>"


def _append_cells(row: bytes, num: int, extra: list[tuple[int, str, str]], styles: Styles) -> bytes | None:
    """The row with ``extra`` cells (the result columns) appended after its last cell, its own cells copied as they
    are; None when it takes the full rewrite (a self-closing row, a cell at or past the first extra column)."""
    if not extra:
        return row
    head_end = row.find(b">")
    if head_end == len(row) - 1 and row.endswith(b"/>"):
        return None
    first = min(col for col, _, _ in extra)
    last_cell = row.rfind(b"<c ")
    if last_cell >= 0:
        found = _CELL_REF.match(row[last_cell:])
        if found is None or col_index(found.group(1)) >= first:
            return None
    head = _SPANS.sub(b"", row[: head_end + 1]) if b"spans=" in row[:head_end] else row[: head_end + 1]
    number = str(num).encode()
    added = b"".join(styles.cell_parts(col, text, argb, number) for col, text, argb in sorted(extra))
    return head + row[head_end + 1 : -len(b"</row>")] + added + b"</row>"


def _cell_without_formula(m: re.Match[bytes]) -> bytes:
    cell = m.group(0)
    if not _FORMULA.search(cell):
        return cell
    found = _CELL_REF.match(cell)
    if found is None:
        raise CannotMark("a formula cell without a reference")
    head = cell[: cell.find(b">") + 1]
    kind = _CELL_TYPE.search(head)
    if kind is not None and kind.group(1) in (b"s", b"inlineStr"):
        raise CannotMark("a formula cell whose value is stored elsewhere")
    style = _CELL_STYLE.search(head)
    value = _VALUE.search(cell)
    text = html.unescape(value.group(1).decode("utf-8")) if value else ""
    if kind is not None and kind.group(1) == b"b":
        text = {"1": "TRUE", "0": "FALSE"}.get(text, text)
    ref = (found.group(1) + found.group(2)).decode()
    s = int(style.group(1)) if style else None
    if not text:
        return f'<c r="{ref}" s="{s}"/>'.encode() if s is not None else f'<c r="{ref}"/>'.encode()
    return inline_cell(ref, text, s)


def without_formulas(row: bytes) -> bytes:
    """Every formula cell of a row becomes its saved value, as text: no formula from outside is written back
    (a HYPERLINK that sends cells away, a DDE call), and the value staff saw stays."""
    return _CELL.sub(_cell_without_formula, row)


def _legacy_drawing(rid: str) -> bytes:
    return f'<legacyDrawing xmlns:r="{REL_NS}" r:id="{rid}"/>'.encode()


def _rows_in(buf: bytes, limit: int) -> Iterator[tuple[int, int]]:
    """(start, end) of every complete ``<row>`` element in ``buf[:limit]``, by plain searches (a lazy regex over a
    row of forty cells costs more than the rest of the row's handling)."""
    pos = 0
    while True:
        start = buf.find(b"<row", pos, limit)
        if start < 0:
            return
        head_end = buf.find(b">", start, limit)
        if head_end < 0:
            return
        if buf[start + 4 : start + 5] not in _AFTER_NAME:
            raise CannotMark("unexpected element in sheetData")
        if buf[head_end - 1] == _SLASH:
            stop = head_end + 1
        else:
            close = buf.find(b"</row>", head_end, limit)
            if close < 0:
                return
            stop = close + 6
        yield start, stop
        pos = stop


class Sink(Protocol):
    def write(self, data: bytes, /) -> int: ...


def rewrite_sheet(
    src: IO[bytes],
    out: Sink,
    marks: SheetMarks,
    styles: Styles,
    drawing_rid: str | None,
    last_col: int,
    formulas: bool = True,
) -> None:
    """Stream one worksheet part from ``src`` to ``out`` with the marks applied; ``formulas``: the sheet may hold
    formula cells (each becomes its saved value)."""
    fills: dict[int, list[tuple[int, str]]] = {}
    for (r, c), argb in marks.fills.items():
        fills.setdefault(r, []).append((c, argb))
    touched = set(fills) | set(marks.extra)
    buf = b""
    state = "head"
    for chunk in iter(lambda: src.read(CHUNK), b""):
        buf += chunk
        if state == "head":
            i = buf.find(b"<sheetData")
            if i < 0:
                if len(buf) > 16 * CHUNK:
                    raise CannotMark("no sheetData")
                continue
            j = buf.find(b">", i)
            if j < 0:
                continue
            head = buf[: j + 1]
            if b"<legacyDrawing" in head:
                raise CannotMark("the sheet already has notes")
            if last_col:
                head = _DIMENSION.sub(b"", head)
            out.write(head)
            buf = buf[j + 1 :]
            state = "tail" if head.endswith(b"/>") else "rows"
        if state == "rows":
            end = buf.find(b"</sheetData>")
            limit = end if end >= 0 else len(buf)
            pos = 0
            parts: list[bytes] = []  # one write per chunk: a write per row costs more than the row's edit
            for start, stop in _rows_in(buf, limit):
                parts.append(buf[pos:start])
                row = buf[start:stop]
                num_m = _ROW_NUM.match(row)
                if num_m is None:
                    raise CannotMark("a row without a number")
                num = int(num_m.group(1))
                if formulas and _FORMULA.search(row):
                    row = without_formulas(row)
                if num in touched:
                    extra = marks.extra.get(num, [])
                    quick = None if num in fills else _append_cells(row, num, extra, styles)
                    row = quick if quick is not None else _rewrite_row(row, num, fills.get(num, []), extra, styles)
                parts.append(row)
                pos = stop
            out.write(b"".join(parts))
            buf = buf[pos:]
            if end >= 0:
                state = "tail"
        if state == "tail" and b"</worksheet>" in buf:
            break
    if state != "tail":
        raise CannotMark("the sheet ended early")
    if drawing_rid:
        at = min((i for t in _AFTER_SHEETDATA if (i := buf.find(t)) >= 0), default=-1)
        if at < 0:
            raise CannotMark("no place for the notes")
        buf = buf[:at] + _legacy_drawing(drawing_rid) + buf[at:]
    out.write(buf)


def comments_xml(notes: dict[tuple[int, int], str]) -> bytes:
    items = "".join(
        f'<comment ref="{xl_col_to_name(c)}{r}" authorId="0"><text><r><t xml:space="preserve">{esc(t)}</t></r></text>'
        "</comment>"
        for (r, c), t in sorted(notes.items())
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<comments xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><authors><author>batch</author>'
        f"</authors><commentList>{items}</commentList></comments>"
    ).encode()


def vml_xml(notes: dict[tuple[int, int], str], idmap: int) -> bytes:
    shapes = []
    for i, (r, c) in enumerate(sorted(notes)):
        row0, col0 = r - 1, c
        shapes.append(
            f'<v:shape id="_x0000_s{idmap * 1024 + i + 1}" type="#_x0000_t202" '
            'style="position:absolute;margin-left:59.25pt;margin-top:1.5pt;width:240pt;height:80pt;z-index:1;'
            'visibility:hidden" fillcolor="#ffffe1" o:insetmode="auto"><v:fill color2="#ffffe1"/>'
            '<v:shadow on="t" color="black" obscured="t"/><v:path o:connecttype="none"/>'
            '<v:textbox style="mso-direction-alt:auto"><div style="text-align:left"></div></v:textbox>'
            '<x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/>'
            f"<x:Anchor>{col0 + 1}, 15, {max(row0 - 1, 0)}, 10, {col0 + 5}, 15, {row0 + 4}, 4</x:Anchor>"
            f"<x:AutoFill>False</x:AutoFill><x:Row>{row0}</x:Row><x:Column>{col0}</x:Column></x:ClientData>"
            "</v:shape>"
        )
    return (
        '<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
        'xmlns:x="urn:schemas-microsoft-com:office:excel">'
        f'<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="{idmap}"/></o:shapelayout>'
        '<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe">'
        '<v:stroke joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>'
        + "".join(shapes)
        + "</xml>"
    ).encode()


def worksheet_xml(rows: list[list[str | int | None]], styles: dict[tuple[int, int], int]) -> bytes:
    """A small new worksheet (the 요약 sheet): strings inline, numbers as numbers."""
    out = []
    for r, values in enumerate(rows, start=1):
        cells = []
        for c, v in enumerate(values):
            if v is None:
                continue
            ref = f"{xl_col_to_name(c)}{r}"
            style = styles.get((r, c))
            cells.append(number_cell(ref, v, style) if isinstance(v, int) else inline_cell(ref, v, style))
        out.append(f'<row r="{r}">'.encode() + b"".join(cells) + b"</row>")
    return (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<cols><col min="1" max="1" width="30" customWidth="1"/><col min="5" max="5" width="70" customWidth="1"/>'
        b"</cols><sheetData>" + b"".join(out) + b"</sheetData></worksheet>"
    )


def rels_path(part: str) -> str:
    folder, name = part.rsplit("/", 1)
    return f"{folder}/_rels/{name}.rels"


def add_relationships(xml: bytes | None, rels: list[tuple[str, str, str]]) -> bytes:
    items = "".join(f'<Relationship Id="{i}" Type="{REL_TYPE}{t}" Target="{target}"/>' for i, t, target in rels)
    if xml is None:
        return (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{items}'
            "</Relationships>"
        ).encode()
    if any(f'Id="{i}"'.encode() in xml for i, _, _ in rels) or b"</Relationships>" not in xml:
        raise CannotMark("relationships clash")
    return xml.replace(b"</Relationships>", items.encode() + b"</Relationships>", 1)


def add_content_types(xml: bytes, overrides: list[tuple[str, str]], vml: bool) -> bytes:
    items = "".join(f'<Override PartName="/{p}" ContentType="{ct}"/>' for p, ct in overrides)
    if vml and b'Extension="vml"' not in xml:
        items = f'<Default Extension="vml" ContentType="{CT_VML}"/>' + items
    if b"</Types>" not in xml:
        raise CannotMark("content types")
    return xml.replace(b"</Types>", items.encode() + b"</Types>", 1)


def add_sheet(workbook: bytes, name: str, rid: str) -> bytes:
    ids = [int(x) for x in re.findall(rb'<sheet\b[^>]*?\ssheetId="(\d+)"', workbook)]
    if b"</sheets>" not in workbook or f'name="{name}"'.encode() in workbook:
        raise CannotMark("sheets")
    new = f'<sheet xmlns:r="{REL_NS}" name="{esc(name)}" sheetId="{max(ids, default=0) + 1}" r:id="{rid}"/>'
    return workbook.replace(b"</sheets>", new.encode() + b"</sheets>", 1)


def copy_member(zin: zipfile.ZipFile, zout: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    with zin.open(info) as src, zout.open(_out_info(info.filename), "w", force_zip64=True) as dst:
        for chunk in iter(lambda: src.read(CHUNK), b""):
            dst.write(chunk)


class _Cleanup:
    """A job that runs even after an earlier one failed (closing a member, so the zip itself can be closed)."""

    def __init__(self, job: Callable[[], object]) -> None:
        self.job = job

    def __call__(self) -> object:
        return self.job()


class _ZipWriter:
    """Every write to the output zip, in order, on a thread of its own: zlib lets go of the GIL while it compresses,
    so the next rows are edited while the last ones are compressed (compressing was a third of the result workbook's
    time at 50,000 products). A failure on either side stops both; ``close`` waits for the last write."""

    def __init__(self, zout: zipfile.ZipFile) -> None:
        self._zout = zout
        self._jobs: queue.Queue[Callable[[], object] | None] = queue.Queue(maxsize=16)  # ~16 MiB of rows in flight
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="batch-result-zip")
        self._thread.start()

    def _run(self) -> None:
        while (job := self._jobs.get()) is not None:
            if self._error is None or isinstance(job, _Cleanup):
                try:
                    job()
                except BaseException as exc:  # handed to the caller's thread by the next call or by close()
                    self._error = self._error or exc

    def _do(self, job: Callable[[], object]) -> None:
        if self._error is not None:
            raise self._error
        self._jobs.put(job)

    def writestr(self, name: str, data: bytes) -> None:
        self._do(lambda: self._zout.writestr(_out_info(name), data))

    def copy(self, zin: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
        self._do(lambda: copy_member(zin, self._zout, info))

    @contextlib.contextmanager
    def member(self, name: str) -> Iterator[_MemberWriter]:
        handle: list[IO[bytes]] = []
        self._do(lambda: handle.append(self._zout.open(_out_info(name), "w", force_zip64=True)))
        try:
            yield _MemberWriter(self, handle)
        finally:  # also when the rows could not be marked: the zip can only be closed with no member open
            self._jobs.put(_Cleanup(lambda: self._closed(handle)))

    def _closed(self, handle: list[IO[bytes]]) -> None:
        if handle:
            handle.pop().close()

    def close(self) -> None:
        self._jobs.put(None)
        self._thread.join()
        if self._error is not None:
            raise self._error


class _MemberWriter:
    """The file-like end ``rewrite_sheet`` writes a member's bytes to (bytes are immutable: queued as they are)."""

    def __init__(self, writer: _ZipWriter, handle: list[IO[bytes]]) -> None:
        self._writer = writer
        self._handle = handle

    def write(self, data: bytes) -> int:
        self._writer._do(lambda: self._handle[0].write(data))
        return len(data)


def _out_info(name: str) -> zipfile.ZipInfo:
    zi = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    zi.compress_type = zipfile.ZIP_DEFLATED
    zi._compresslevel = 1  # type: ignore[attr-defined]  # fast: these parts are rewritten on every run
    return zi


def write_marked(
    src: Path,
    dest: Path,
    sheet_parts: dict[str, str],
    marks: dict[str, SheetMarks],
    summary_rows: list[list[str | int | None]],
    summary_fills: dict[tuple[int, int], str],
    formulas: frozenset[str],
) -> None:
    """Copy ``src`` to ``dest`` with ``marks`` (by sheet name) applied and a 요약 sheet added. ``formulas``: the
    sheets the file gate saw (or could not rule out) a formula cell in; every other sheet without marks is copied
    as it is."""
    with zipfile.ZipFile(src) as zin:
        names = set(zin.namelist())
        for needed in ("xl/styles.xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml"):
            if needed not in names:
                raise CannotMark(f"missing {needed}")
        styles = Styles(zin.read("xl/styles.xml"))
        overrides: list[tuple[str, str]] = []
        rel_edits: dict[str, list[tuple[str, str, str]]] = {}
        drawing_rid: dict[str, str] = {}
        extra_parts: dict[str, bytes] = {}
        for n, (sheet, m) in enumerate(sorted((s, m) for s, m in marks.items() if m.notes), start=1):
            part = sheet_parts[sheet]
            folder = part.rsplit("/", 1)[0]
            comments, vml = f"xl/batch_comments{n}.xml", f"xl/drawings/batch_notes{n}.vml"
            rel_edits[rels_path(part)] = [
                (f"rIdBatchC{n}", "comments", _relative(folder, comments)),
                (f"rIdBatchV{n}", "vmlDrawing", _relative(folder, vml)),
            ]
            drawing_rid[sheet] = f"rIdBatchV{n}"
            extra_parts[comments] = comments_xml(m.notes)
            extra_parts[vml] = vml_xml(m.notes, 1000 + n)
            overrides.append((comments, CT_COMMENTS))
        summary_part = "xl/worksheets/batch_summary.xml"
        summary_styles = {k: styles.filled(None, argb) for k, argb in summary_fills.items()}
        extra_parts[summary_part] = worksheet_xml(summary_rows, summary_styles)
        overrides.append((summary_part, CT_WORKSHEET))
        rel_edits.setdefault("xl/_rels/workbook.xml.rels", []).append(
            ("rIdBatchSummary", "worksheet", "worksheets/batch_summary.xml")
        )
        part_to_sheet = {p: s for s, p in sheet_parts.items()}
        with zipfile.ZipFile(dest, "w", allowZip64=True) as zout:
            out = _ZipWriter(zout)
            try:
                _write_parts(zin, out, part_to_sheet, marks, formulas, styles, drawing_rid, rel_edits)
                for name, rels in rel_edits.items():
                    out.writestr(name, add_relationships(None, rels))
                for name, data in extra_parts.items():
                    out.writestr(name, data)
                out.writestr(
                    "xl/workbook.xml", add_sheet(zin.read("xl/workbook.xml"), SUMMARY_SHEET, "rIdBatchSummary")
                )
                out.writestr("xl/styles.xml", styles.render())
                types = _CALC_CHAIN_TYPE.sub(b"", zin.read("[Content_Types].xml"))
                out.writestr("[Content_Types].xml", add_content_types(types, overrides, vml=bool(drawing_rid)))
            finally:
                out.close()


def _write_parts(
    zin: zipfile.ZipFile,
    out: _ZipWriter,
    part_to_sheet: dict[str, str],
    marks: dict[str, SheetMarks],
    formulas: frozenset[str],
    styles: Styles,
    drawing_rid: dict[str, str],
    rel_edits: dict[str, list[tuple[str, str, str]]],
) -> None:
    """Every part of ``zin`` in its order: sheets with marks or formulas streamed through ``rewrite_sheet``, the
    relationships edited, the parts written last skipped, the rest copied."""
    for info in zin.infolist():
        name = info.filename
        owner = part_to_sheet.get(name)
        if owner is not None and (owner in marks or owner in formulas):
            # a sheet with marks, or with formula cells (they become their values), is streamed through
            m = marks.get(owner) or SheetMarks()
            with zin.open(info) as s_in, out.member(name) as s_out:
                rewrite_sheet(s_in, s_out, m, styles, drawing_rid.get(owner), m.extra_width, owner in formulas)
        elif name == CALC_CHAIN:
            continue  # lists formula cells; there are none left (Excel rebuilds it)
        elif name in rel_edits:
            xml = zin.read(name)
            if name == "xl/_rels/workbook.xml.rels":
                xml = _CALC_CHAIN_REL.sub(b"", xml)
            out.writestr(name, add_relationships(xml, rel_edits.pop(name)))
        elif name in ("xl/styles.xml", "xl/workbook.xml", "[Content_Types].xml"):
            continue  # written last, after every sheet asked for its styles
        else:
            out.copy(zin, info)


def _relative(folder: str, target: str) -> str:
    """Target of ``target`` (a zip path) as seen from a part in ``folder`` (both under xl/)."""
    depth = folder.count("/") - "xl".count("/")
    return "../" * depth + target.removeprefix("xl/")


def result_columns(data: SheetData, max_col: int) -> int:
    """0-based column of 처리결과: right of every used column; refuse a file that already has results."""
    if any(h and is_result_header(h) for h in data.headers):
        raise CannotMark("the file is a result workbook already")
    return max(max_col, len(data.headers))
