"""Read an uploaded workbook into header-mapped sheets, after the file-level safety gate."""

from __future__ import annotations

import datetime as dt
import gc
import itertools
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from batch.errors import FileRefused
from batch.importers.safety import EXCEL_MAX_ROWS, WorkbookInfo, inspect_workbook
from batch.report import Problem, Report, Severity
from batch.sheetspec import (
    META_SHEET,
    SheetSpec,
    TemplateSpec,
    display_header,
    is_result_header,
    normalize_header,
)

HEADER_SEARCH_ROWS = 10
MAX_COLUMNS = 256  # no template has more; cells beyond are never read
MAX_ITEMS = 200_000  # rows of a main sheet (products, invoices, answers) in one file: four times our 50k bench

Cell = str | None


@dataclass
class SheetData:
    """One sheet as staff gave it: raw rows for the result workbook, a frame of known columns for checks."""

    spec: SheetSpec
    name: str  # the sheet's name in the file
    header_row: int  # Excel row number of the header
    headers: list[Cell]  # header text per column position, as given
    columns: dict[str, int]  # column key -> 0-based position
    table: Table  # the non-blank rows as read (header and above included), for the rewritten result workbook
    frame: pd.DataFrame  # columns = every spec key, index = Excel row numbers of the data rows
    source: tuple[Path, WorkbookInfo] | None = None  # where to read the raw rows again (``rows``)
    _cache: dict[str, dict[int, Any]] = field(default_factory=dict, init=False, repr=False)
    _cache_of: pd.DataFrame | None = field(default=None, init=False, repr=False)
    _records: list[tuple[int, dict[str, Cell]]] = field(default_factory=list, init=False, repr=False)
    _records_of: pd.DataFrame | None = field(default=None, init=False, repr=False)

    def header_of(self, key: str) -> str:
        pos = self.columns.get(key)
        given = self.headers[pos] if pos is not None else None
        return display_header(given) if given else self.spec.col(key).header

    @property
    def rows(self) -> dict[int, list[Cell]]:
        """Excel row number -> normalised cells of every non-blank row. Only the cell-by-cell result writer needs
        them (a file the in-place writer cannot mark), so the sheet is read again for it rather than kept."""
        table = self.table
        if self.source is not None and len(table.rows) < len(table.numbers):
            path, info = self.source
            with SheetReader(path, info) as reader:
                table = reader.table(self.name)
        return {n: table.texts(i) for i, n in enumerate(table.numbers)}

    def records(self) -> list[tuple[int, dict[str, Cell]]]:
        """Every data row as (Excel row, {column key: cell}), built once per frame."""
        if self._records_of is not self.frame:
            keys = list(self.frame.columns)
            columns = [self.frame[k].tolist() for k in keys]
            self._records = (
                [
                    (row, dict(zip(keys, values, strict=True)))
                    for row, values in zip(self.frame.index.tolist(), zip(*columns, strict=True), strict=True)
                ]
                if keys
                else [(row, {}) for row in self.frame.index.tolist()]
            )
            self._records_of = self.frame
        return self._records

    def column(self, key: str) -> dict[int, Cell]:
        """Excel row -> normalised cell of one column (built once per frame): for rules over every row, where a
        dict look-up is all a cell should cost."""
        if self._cache_of is not self.frame:
            self._cache = {}
            self._cache_of = self.frame
        col = self._cache.get(key)
        if col is None:
            values = self.frame[key].tolist()
            col = self._cache[key] = {
                row: v if isinstance(v, str) else None for row, v in zip(self.frame.index.tolist(), values, strict=True)
            }
        return col

    def text(self, excel_row: int, key: str) -> Cell:
        """The normalised cell of a data row, by column key."""
        return self.column(key).get(excel_row)


@dataclass
class Book:
    spec: TemplateSpec
    path: Path
    sheets: dict[str, SheetData] = field(default_factory=dict)  # by spec sheet name
    sheet_order: list[str] = field(default_factory=list)  # spec sheet names in the file's order
    info: WorkbookInfo | None = None  # what the safety gate learnt of the file (parts, sizes)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Bulk work on a workbook makes millions of small objects, none of them in a reference cycle: the cycle
    collector would walk them over and over (about a quarter of reading 50,000 products). Reference counting still
    frees every one of them; the collector runs again afterwards."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def cell_text(v: Any) -> Cell:
    """Normalise one cell to text: codes and long numbers stay exact, dates become YYYYMMDD."""
    if isinstance(v, str):
        s = v.replace("\u00a0", " ").strip()
        return s or None
    if v is None:
        return None
    if isinstance(v, bool):
        return "Y" if v else "N"
    if isinstance(v, float):
        if v != v:  # NaN
            return None
        return str(int(v)) if v.is_integer() else repr(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, dt.datetime):
        return v.strftime("%Y%m%d") if v.time() == dt.time(0) else v.strftime("%Y%m%d %H:%M:%S")
    if isinstance(v, dt.date):
        return v.strftime("%Y%m%d")
    return str(v).strip() or None


def _row_texts(row: Sequence[Any], offset: int) -> list[Cell]:
    cells = [None] * offset + [
        (x.strip() or None) if type(x) is str and "\u00a0" not in x else cell_text(x) for x in row
    ]
    return cells[:MAX_COLUMNS]


def _has_content(row: Sequence[Any]) -> bool:
    """Whether any cell of a raw row reads as something (cell_text is not None), most rows decided by C's any()."""
    if any(row):
        return any(x and (x.strip() if type(x) is str else x == x) for x in row)  # blank text, NaN: nothing
    return any(x is not None and x != "" and cell_text(x) is not None for x in row)  # 0, False, NaN


def column_texts(values: Sequence[Any]) -> list[Cell]:
    """``cell_text`` over one column: an all-text column without no-break spaces (nearly every column) is stripped
    in one comprehension; a column with numbers has its text and whole numbers done inline, the rest by cell_text."""
    try:
        out = [x.strip() or None for x in values]
    except (AttributeError, TypeError):
        return [
            (x.strip() or None)
            if type(x) is str and "\u00a0" not in x
            else str(int(x))
            if type(x) is float and x.is_integer()
            else cell_text(x)
            for x in values
        ]
    if "\u00a0" in "\x00".join(values):
        return [cell_text(x) for x in values]
    return out


@dataclass
class Table:
    """The non-blank rows of one sheet as the reader gave them: Excel row numbers and raw values (unnormalised),
    with the 0-based column of each row's first value."""

    numbers: list[int]
    rows: list[Sequence[Any]]
    offset: int = 0

    def texts(self, i: int) -> list[Cell]:
        return _row_texts(self.rows[i], self.offset)


class SheetReader:
    """Reads sheets of one accepted workbook; the fast reader's workbook is opened once for all sheets."""

    def __init__(self, path: Path, info: WorkbookInfo) -> None:
        self.path = path
        self.info = info
        self._calamine: Any = None

    def __enter__(self) -> SheetReader:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._calamine is not None:
            self._calamine.close()
            self._calamine = None

    def table(self, name: str) -> Table:
        """Every non-blank row of one sheet, raw (cells are normalised column by column later)."""
        table = self._bounded(name) if name in self.info.sparse else self._fast(name)
        keep = [i for i, row in enumerate(table.rows) if _has_content(row)]
        if len(keep) < len(table.rows):
            table.numbers = [table.numbers[i] for i in keep]
            table.rows = [table.rows[i] for i in keep]
        return table

    def rows(self, name: str) -> Iterator[tuple[int, list[Cell]]]:
        """Yield (Excel row number, cells) for every non-blank row of one sheet (small sheets: meta, headers)."""
        table = self.table(name)
        for i, n in enumerate(table.numbers):
            yield n, table.texts(i)

    def _fast(self, name: str) -> Table:
        if self._calamine is None:
            from python_calamine import CalamineWorkbook

            self._calamine = CalamineWorkbook.from_path(str(self.path))
        sheet = self._calamine.get_sheet_by_name(name)
        top, left = sheet.start if sheet.start else (0, 0)
        rows = sheet.to_python()  # from the first used row and column on
        return Table(list(range(top + 1, top + 1 + len(rows))), rows, left)

    def _bounded(self, name: str) -> Table:
        """For sparse sheets (a stray cell far away): stream rows, never allocate the empty rectangle."""
        import openpyxl

        numbers: list[int] = []
        rows: list[Sequence[Any]] = []
        wb = openpyxl.load_workbook(self.path, read_only=True, data_only=True)
        try:
            ws = wb[name]
            ws.reset_dimensions()  # ignore a declared million-row dimension
            max_col = min(self.info.max_col.get(name, MAX_COLUMNS) or MAX_COLUMNS, MAX_COLUMNS)
            gap: object = None  # openpyxl yields one shared tuple for every missing row: skip it in O(1)
            for i, row in enumerate(ws.iter_rows(max_col=max_col, values_only=True)):
                if row is gap:
                    continue
                if all(v is None for v in row):
                    gap = row
                    continue
                numbers.append(i + 1)
                rows.append(row)
        finally:
            wb.close()
        return Table(numbers, rows)


def formula_cells(path: Path, part: str) -> dict[tuple[int, int], tuple[str, str | None]]:
    """(Excel row, 0-based column) -> (formula, cached value or None) for every formula cell of one sheet part.

    Streamed with the defused parser (the gate has already refused entities and bombs); only sheets the gate saw
    a formula in are read this way.
    """
    import zipfile

    from defusedxml.ElementTree import iterparse

    found: dict[tuple[int, int], tuple[str, str | None]] = {}
    with zipfile.ZipFile(path) as zf, zf.open(part) as f:
        for _, el in iterparse(f, events=("end",)):
            if el.tag.rpartition("}")[2] != "c":
                continue
            formula = value = None
            for child in el:
                local = child.tag.rpartition("}")[2]
                if local == "f":
                    formula = child.text or ""
                elif local == "v":
                    value = child.text
            ref = el.get("r") or ""
            letters = ref.rstrip("0123456789")
            if formula is not None and letters.isalpha() and ref[len(letters) :].isdigit():
                col = 0
                for ch in letters.upper():
                    col = col * 26 + ord(ch) - 64
                if el.get("t") == "b" and value is not None:
                    value = "TRUE" if value == "1" else "FALSE"
                found[(int(ref[len(letters) :]), col - 1)] = (formula, value if value not in ("", None) else None)
            el.clear()
    return found


def report_formulas(data: SheetData, cells: dict[tuple[int, int], tuple[str, str | None]], report: Report) -> None:
    """A formula in a column we read: its saved value is used (a warning), or, with none saved, the cell would
    read as empty (an error: nothing is sent from a cell whose value we cannot see)."""
    keys = {pos: key for key, pos in data.columns.items()}
    present = set(data.table.numbers)
    for (row, col), (_formula, cached) in sorted(cells.items()):
        key = keys.get(col)
        if key is None or row <= data.header_row or row not in present:
            continue
        header = data.header_of(key)
        if cached is None:
            report.add(
                Problem(
                    data.name,
                    row,
                    header,
                    "formula-no-value",
                    Severity.ERROR,
                    f"'{header}' 칸에 수식만 있고 계산된 값이 저장되어 있지 않아 읽을 수 없습니다. "
                    "엑셀에서 열어 값으로 붙여넣기(붙여넣기 옵션: 값)한 뒤 저장해 다시 넣어 주세요.",
                )
            )
        else:
            report.add(
                Problem(
                    data.name,
                    row,
                    header,
                    "formula-cell",
                    Severity.WARNING,
                    f"'{header}' 칸에 수식이 있어 저장된 값 '{cached[:40]}'을(를) 읽었습니다. 결과 파일에는 수식 없이 "
                    "이 값만 남깁니다. 값이 맞는지 확인해 주세요.",
                )
            )


def read_meta(reader: SheetReader) -> dict[str, str]:
    if META_SHEET not in reader.info.sheet_names:
        return {}
    return {c[0]: c[1] for _, c in reader.rows(META_SHEET) if len(c) > 1 and c[0] and c[1]}


def check_template(spec: TemplateSpec, meta: dict[str, str]) -> None:
    kind = meta.get("kind")
    if kind is None and spec.meta_optional:
        return  # read by header names alone
    if kind is None:
        raise FileRefused(
            "template-unknown",
            f"이 파일은 batch {spec.title} 양식이 아닙니다 (숨은 '{META_SHEET}' 시트가 없습니다). "
            f"'batch template {spec.kind}'로 양식을 받아 내용을 옮겨 적은 뒤 다시 넣어 주세요.",
        )
    if kind != spec.kind:
        raise FileRefused(
            "template-wrong-kind",
            f"이 파일은 '{meta.get('title', kind)}' 양식입니다. {spec.title} 양식이 아니므로 이 작업에 쓸 수 없습니다. "
            "알맞은 작업으로 다시 넣어 주세요.",
        )
    try:
        version = int(meta.get("version", "0"))
    except ValueError:
        version = 0
    if version < spec.version:
        raise FileRefused(
            "template-old-version",
            f"예전 {spec.title} 양식(버전 {meta.get('version')})입니다. 지금 양식은 버전 {spec.version}입니다. "
            f"'batch template {spec.kind}'로 새 양식을 받아 내용을 옮겨 적어 주세요.",
        )
    if version > spec.version:
        raise FileRefused(
            "template-newer-version",
            f"이 양식(버전 {version})은 지금 프로그램보다 새것입니다. batch를 새 버전으로 올린 뒤 다시 넣어 주세요.",
        )


def _sheet_key(name: str) -> str:
    return normalize_header(unicodedata.normalize("NFC", name))


def _find_sheet(spec: SheetSpec, info: WorkbookInfo) -> str | None:
    """The sheet of ``spec`` among the visible sheets: its exact name first, then a name that differs only in
    spaces, case or Unicode form. A hidden sheet that would match refuses the file: staff cannot see what it
    holds, so nothing is read from it, and it must not stand in for (or beside) the visible one."""
    wanted = {_sheet_key(n) for n in (spec.name, *spec.synonyms)}
    for n in info.hidden:
        if _sheet_key(n) in wanted:
            raise FileRefused(
                "hidden-sheet",
                f"숨겨진 '{n}' 시트가 있습니다. 숨긴 시트는 읽지 않으며, 양식 시트와 이름이 같은 숨긴 시트가 있으면 "
                "파일을 처리하지 않습니다. 시트 탭에서 마우스 오른쪽 > 숨기기 취소로 확인한 뒤 지우고 다시 넣어 주세요.",
            )
    visible = [n for n in info.sheet_names if n not in info.hidden]
    if spec.name in visible:
        return spec.name
    return next((n for n in visible if _sheet_key(n) in wanted), None)


def _first_visible(info: WorkbookInfo) -> str | None:
    return next((n for n in info.sheet_names if n not in info.hidden), None)


def _header_lookup(spec: SheetSpec) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for col in spec.columns:
        for name in (col.header, *col.synonyms):
            lookup.setdefault(normalize_header(name), col.key)
    return lookup


def _find_header(rows: list[tuple[int, list[Cell]]], lookup: dict[str, str]) -> int | None:
    best, best_hits = None, 0
    for i, (_, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        hits = len({lookup[h] for c in cells if c and (h := normalize_header(c)) in lookup})
        if hits > best_hits:
            best, best_hits = i, hits
    return best if best_hits >= 2 else None


def map_headers(
    spec: SheetSpec, sheet_name: str, header_row: int, headers: list[Cell], report: Report
) -> dict[str, int]:
    """Match header cells to column keys by name; refuse duplicates and ambiguous synonyms."""
    lookup = _header_lookup(spec)
    found: dict[str, list[tuple[int, str]]] = {}
    for pos, text in enumerate(headers):
        if not text or is_result_header(text):
            continue
        key = lookup.get(normalize_header(text))
        if key is None:
            report.add(
                Problem(
                    sheet_name,
                    header_row,
                    text,
                    "unknown-column",
                    Severity.WARNING,
                    f"'{text}' 열은 양식에 없어 읽지 않았습니다. 열 이름을 확인하세요.",
                )
            )
            continue
        found.setdefault(key, []).append((pos, text))
    for key, hits in found.items():
        if len(hits) > 1:
            names = ", ".join(f"'{t}'" for _, t in hits)
            same = len({normalize_header(t) for _, t in hits}) == 1
            raise FileRefused(
                "duplicate-header" if same else "ambiguous-header",
                (
                    f"'{sheet_name}' 시트에 같은 제목의 열이 여러 개 있습니다: {names}. 하나만 남기고 지워 주세요."
                    if same
                    else f"'{sheet_name}' 시트의 {names} 열이 모두 '{spec.col(key).header}' 열로 읽힙니다. "
                    "하나만 남기거나 제목을 바꿔 주세요."
                ),
            )
    missing = [c.header for c in spec.columns if c.required and c.key not in found]
    if missing:
        raise FileRefused(
            "missing-column",
            f"'{sheet_name}' 시트에 꼭 있어야 할 열이 없습니다: {', '.join(missing)}. "
            "열 제목을 지우거나 바꾸지 않았는지 확인하고, 양식의 제목을 그대로 써 주세요.",
        )
    return {key: hits[0][0] for key, hits in found.items()}


def read_sheet(reader: SheetReader, spec: SheetSpec, name: str, report: Report) -> SheetData:
    table = reader.table(name)
    lookup = _header_lookup(spec)
    top = [(n, table.texts(i)) for i, n in enumerate(table.numbers[:HEADER_SEARCH_ROWS])]
    idx = _find_header(top, lookup)
    if idx is None:
        raise FileRefused(
            "missing-header",
            f"'{name}' 시트에서 열 제목 줄을 찾지 못했습니다. 첫 줄에 양식의 열 제목이 그대로 있는지 확인해 주세요.",
        )
    header_row, headers = top[idx]
    columns = map_headers(spec, name, header_row, headers, report)
    data = table.rows[idx + 1 :]
    by_pos = list(itertools.zip_longest(*data, fillvalue="")) if data else []
    empty: list[Cell] = [None] * len(data)

    def column(pos: int) -> list[Cell]:
        i = pos - table.offset
        return column_texts(by_pos[i]) if 0 <= i < len(by_pos) else empty

    frame = pd.DataFrame(
        {c.key: column(columns[c.key]) if c.key in columns else empty for c in spec.columns},
        index=pd.Index(table.numbers[idx + 1 :], dtype="int64"),
        dtype=object,
    )
    by_pos.clear()
    data.clear()
    table.rows = []  # the raw cells are not kept (a tenth of the memory at 100,000 products): ``rows`` reads again
    sheet = SheetData(spec, name, header_row, headers, columns, table, frame, (reader.path, reader.info))
    if name in reader.info.formulas:
        report_formulas(sheet, formula_cells(reader.path, reader.info.sheet_parts[name]), report)
    return sheet


def row_limit(spec: TemplateSpec, sheet: SheetSpec) -> int:
    """The most rows one sheet may have: MAX_ITEMS for the main sheet, MAX_ITEMS times the sheet's rows per item
    for the others (no more than a worksheet holds), plus the rows above the data."""
    per_item = 1 if sheet is spec.main else sheet.rows_per_item
    return min(MAX_ITEMS * per_item, EXCEL_MAX_ROWS - HEADER_SEARCH_ROWS) + HEADER_SEARCH_ROWS


def check_row_limits(spec: TemplateSpec, found: list[tuple[SheetSpec, str]], info: WorkbookInfo) -> None:
    """Refuse a file with too many rows from what the gate counted, before a single sheet is read."""
    for sheet, name in found:
        rows, limit = info.row_count.get(name, 0), row_limit(spec, sheet)
        if rows <= limit:
            continue
        main = f"한 파일에 {spec.main.name} {MAX_ITEMS:,}행까지 처리합니다"
        raise FileRefused(
            "file-too-many-rows",
            f"'{name}' 시트에 행이 {rows:,}개 있습니다. "
            + (
                f"{main}."
                if sheet is spec.main
                else f"{main} ('{sheet.name}' 시트는 {limit - HEADER_SEARCH_ROWS:,}행까지)."
            )
            + f" {spec.main.name} 시트를 {MAX_ITEMS:,}행 이하로 나누어, 다른 시트도 그 {spec.main.name}에 해당하는 행만 남긴 "
            "파일 여러 개로 다시 넣어 주세요.",
        )


def load_book(path: Path, spec: TemplateSpec) -> tuple[Book, Report]:
    """Open, check and read a workbook of ``spec``; raise FileRefused for a file that cannot be used."""
    with gc_paused():
        return _load_book(path, spec)


def _load_book(path: Path, spec: TemplateSpec) -> tuple[Book, Report]:
    info = inspect_workbook(path)
    report = Report()
    book = Book(spec, path, info=info)
    found: list[tuple[SheetSpec, str]] = []
    with SheetReader(path, info) as reader:
        meta = read_meta(reader)
        check_template(spec, meta)
        for sheet in spec.sheets:
            name = _find_sheet(sheet, info)
            if name is None and sheet is spec.main and spec.meta_optional and "kind" not in meta:
                name = _first_visible(
                    info
                )  # a file read by headers alone (a courier system's export), as template_kind
            if name is None:
                if sheet.optional:
                    continue
                raise FileRefused(
                    "missing-sheet",
                    f"'{sheet.name}' 시트가 없습니다. 시트 이름을 바꾸거나 지우지 않았는지 확인해 주세요.",
                )
            found.append((sheet, name))
        check_row_limits(spec, found, info)
        read = [
            (info.sheet_names.index(name), sheet.name, read_sheet(reader, sheet, name, report)) for sheet, name in found
        ]
    for _, key, data in sorted(read, key=lambda t: t[0]):
        book.sheets[key] = data
        book.sheet_order.append(key)
    return book, report


def template_kind(path: Path, guesses: tuple[TemplateSpec, ...]) -> str | None:
    """The kind a workbook declares in its hidden sheet; without one, the first spec whose headers it has."""
    info = inspect_workbook(path)
    with SheetReader(path, info) as reader:
        kind = read_meta(reader).get("kind")
        if kind is not None:
            return kind
        for spec in guesses:
            name = _find_sheet(spec.main, info) or _first_visible(info)
            if name is None:
                continue
            rows = []
            for n, cells in reader.rows(name):
                rows.append((n, cells))
                if len(rows) >= HEADER_SEARCH_ROWS:
                    break
            required = {c.key for c in spec.main.columns if c.required}
            idx = _find_header(rows, _header_lookup(spec.main))
            if idx is not None:
                lookup = _header_lookup(spec.main)
                found = {lookup.get(normalize_header(c or "")) for c in rows[idx][1]}
                if required <= found:
                    return spec.kind
    return None
