"""The result workbook (staff's rows as given + 처리결과) and the 재업로드용 workbook of failed rows."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from batch.exporters.marked import FILL_HEADER, CannotMark, SheetMarks, result_columns, sheet_marks, write_marked
from batch.exporters.marked import RESULT_FILLS as MARK_FILLS
from batch.exporters.template import new_workbook, whole_file, write_cell, write_lists_and_meta, write_template
from batch.importers.validation import Validation
from batch.importers.workbook import SheetData, gc_paused
from batch.models import RowResult, now_kst
from batch.report import Problem, Severity, code_info
from batch.sheetspec import RESULT_HEADERS, SUMMARY_SHEET, Col, display_header, is_result_header

RESULT_FILLS = {RowResult.ERROR: "#FFC7CE", RowResult.WARNING: "#FFEB9C", RowResult.SUCCESS: "#C6EFCE"}
_SAFE_STEM = re.compile(r"[^0-9A-Za-z가-힣_\-]+")


@dataclass(frozen=True)
class MarketColumns:
    """Per-marketplace result columns after 처리결과 / 오류코드 / 오류메시지 (e.g. 티몬 결과, 티몬 상품번호), and why a
    row was left alone (``notes``: main-sheet row -> the 오류메시지 of a 건너뜀 row, e.g. 변경 없음, 승인 안 됨)."""

    headers: list[str]
    cells: dict[int, list[str]]  # main-sheet row -> one text per header
    notes: dict[int, str] = field(default_factory=dict)


NO_COLUMNS = MarketColumns([], {})


EXAMPLE_NOTE = "예시 행이라 보내지 않습니다."
RESULT, PREVIEW = "결과", "미리보기"  # the word in a result file's name: a real run's, or a dry run's plan
PLANNED = "보낼 예정"  # a dry run's 처리결과 of a row a real run would send
_PLANNED = {RowResult.SUCCESS: PLANNED, RowResult.WARNING: f"{PLANNED}(경고)"}


@dataclass(frozen=True)
class ResultFiles:
    result: Path
    reupload: Path | None
    preview: bool = False  # a dry run's plan (…_미리보기_…): nothing was sent


def output_stem(source: Path, when: dt.datetime, kind: str = RESULT) -> str:
    """A new name in outbox/ derived from the input; never a path taken from the input as is."""
    # NFC first: a name from macOS (NFD, Hangul as separate jamo) keeps its Hangul
    stem = _SAFE_STEM.sub("_", unicodedata.normalize("NFC", source.stem)).strip("_")[:60] or "workbook"
    return f"{stem}_{kind}_{when:%Y%m%d-%H%M%S}"


_VALUES = {r: r.value for r in RowResult}  # an enum member's .value costs a descriptor call; 10⁵ rows feel it


def shown_result(result: RowResult, preview: bool = False) -> str:
    """처리결과 as written: in a dry run's plan a row that would be sent reads 보낼 예정, never 성공."""
    if preview and result in _PLANNED:
        return _PLANNED[result]
    return _VALUES[result]


class _Styles:
    def __init__(self, wb: Any) -> None:
        self.error = wb.add_format({"bg_color": "#FF9999", "num_format": "@"})
        self.warning = wb.add_format({"bg_color": "#FFEB9C", "num_format": "@"})
        self.header = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        self.result_header = wb.add_format({"bold": True, "bg_color": "#FFF2CC", "border": 1})
        self.results = {r: wb.add_format({"bg_color": c}) for r, c in RESULT_FILLS.items()}
        self.bold = wb.add_format({"bold": True})


def _cell_problems(problems: list[Problem]) -> dict[tuple[int, str], list[Problem]]:
    cells: dict[tuple[int, str], list[Problem]] = defaultdict(list)
    for p in problems:
        if p.row is not None and p.column is not None:
            cells[(p.row, p.column)].append(p)
    return cells


def _comment(problems: list[Problem]) -> str:
    return "\n".join(f"[{p.severity}] {p.message}" for p in problems)[:2000]


def _write_sheet(
    wb: Any,
    st: _Styles,
    data: SheetData,
    problems: list[Problem],
    v: Validation,
    columns: MarketColumns | None,
    preview: bool,
) -> None:
    """Rewrite one sheet cell by cell; ``columns`` is given for the main sheet, which gets the result columns."""
    is_main = columns is not None
    ws = wb.add_worksheet(data.name)
    cells = _cell_problems(problems)
    kept = [i for i, h in enumerate(data.headers) if not (h and is_result_header(h))]
    pos_of = {old: new for new, old in enumerate(kept)}
    col_of_pos = {pos: data.spec.col(key) for key, pos in data.columns.items()}
    width = len(kept)
    results = row_results(v, columns.notes, preview) if columns is not None else {}
    shown = [display_header(h or "") for h in data.headers]
    ws.freeze_panes(data.header_row, 1 if data.spec.key else 0)
    for row in sorted(data.rows):
        cells_in_row = data.rows[row]
        r = row - 1
        for old in kept:
            if old >= len(cells_in_row):
                break
            value = cells_in_row[old]
            header = shown[old]
            col: Col | None = col_of_pos.get(old)
            found = cells.get((row, header)) if row > data.header_row else None
            fmt = st.header if row == data.header_row else None
            if found:
                fmt = st.error if any(p.severity is Severity.ERROR for p in found) else st.warning
                ws.write_comment(r, pos_of[old], _comment(found), {"x_scale": 3, "y_scale": 2})
                if value is None:
                    ws.write_blank(r, pos_of[old], None, fmt)
            write_cell(ws, r, pos_of[old], col, value, fmt)
        if columns is None:
            continue
        if row == data.header_row:
            for i, h in enumerate([*RESULT_HEADERS, *columns.headers]):
                ws.write_string(r, width + i, h, st.result_header)
        elif row in results:
            said, result, codes, message = results[row]
            ws.write_string(r, width, said, st.results.get(result) if said == result.value else None)
            for i, text in enumerate([codes, message, *columns.cells.get(row, [])], start=1):
                if text:
                    ws.write_string(r, width + i, text)
    if is_main:
        ws.set_column(width, width + 1, 14)
        ws.set_column(width + 2, width + 2, 80)


def _row_message(problems: list[Problem], main_sheet: str) -> str:
    parts = []
    for p in problems:
        where = "" if p.sheet == main_sheet else f"[{p.sheet} {p.row}행] "
        parts.append(f"{where}{p.message}")
    return " / ".join(dict.fromkeys(parts))


def summary_rows(v: Validation, preview: bool = False) -> tuple[list[list[str | int | None]], set[tuple[int, int]]]:
    """The 요약 sheet as rows, and the (1-based row, 0-based col) of its header cells; both writers use it."""
    counts = Counter(v.results.values())
    title = (
        f"{v.book.spec.title} 미리보기 — 아무것도 보내지 않았습니다 (batch run --dry-run)"
        if preview
        else f"{v.book.spec.title} 결과 요약"
    )
    rows: list[list[str | int | None]] = [
        [title],
        [f"원본 파일: {v.book.path.name}"],
        [],
        ["처리결과", "행 수"],
    ]
    headers = {(4, 0), (4, 1)}
    rows += [[shown_result(r, preview), counts.get(r, 0)] for r in RowResult]
    rows += [["합계", sum(counts.values())], []]
    rows.append(["오류코드", "구분", "건수", "내용", "고치는 방법"])
    headers |= {(len(rows), c) for c in range(5)}
    for (code, severity), n in sorted(v.report.by_code().items(), key=lambda t: (t[0][1] != Severity.ERROR, -t[1])):
        info = code_info(code)
        rows.append([code, severity.value, n, info.title, info.hint])
    return rows, headers


def _summary(wb: Any, st: _Styles, v: Validation, preview: bool) -> None:
    ws = wb.add_worksheet(SUMMARY_SHEET)
    ws.set_column(0, 0, 30)
    ws.set_column(4, 4, 70)
    rows, headers = summary_rows(v, preview)
    for r, values in enumerate(rows, start=1):
        for c, value in enumerate(values):
            fmt = st.header if (r, c) in headers else None
            if isinstance(value, int):
                ws.write_number(r - 1, c, value, fmt)
            elif value is not None:
                ws.write_string(r - 1, c, value, fmt)


def row_results(
    v: Validation, notes: dict[int, str] | None = None, preview: bool = False
) -> dict[int, tuple[str, RowResult, str, str]]:
    """Main-sheet row -> (처리결과 as written, the result, 오류코드, 오류메시지).

    A 건너뜀 row says why: 예시 행 only for the template's own example rows, else the job's note (변경 없음,
    승인 안 됨, 이미 보냄 …); a row with problems lists them.
    """
    main = v.book.sheets[v.book.spec.main.name]
    examples = v.skipped.get(main.name, set()) | v.skipped.get(v.book.spec.main.name, set())
    notes = notes or {}
    out: dict[int, tuple[str, RowResult, str, str]] = {}
    for row, result in v.results.items():
        shown = shown_result(result, preview)
        mine = v.row_problems.get(row, [])
        if result is RowResult.SKIPPED and not mine:
            out[row] = (shown, result, "", EXAMPLE_NOTE if row in examples else notes.get(row, ""))
            continue
        codes = ", ".join(dict.fromkeys(p.code for p in mine))
        out[row] = (shown, result, codes, _row_message(mine, main.name)[:32_000])
    return out


def _write_marked(
    v: Validation, path: Path, by_sheet: dict[str, list[Problem]], columns: MarketColumns, preview: bool
) -> None:
    info = v.book.info
    if info is None or info.sparse:
        raise CannotMark("no layout information")
    main_key = v.book.spec.main.name
    marks: dict[str, SheetMarks] = {}
    for key in v.book.sheet_order:
        data = v.book.sheets[key]
        lines = [
            (p.row, p.column, p.severity is Severity.ERROR, f"[{p.severity}] {p.message}")
            for p in by_sheet.get(data.name, [])
            if p.row is not None and p.column is not None
        ]
        m = sheet_marks(data, lines)
        if key == main_key:
            first = result_columns(data, info.max_col.get(data.name, 0))
            headers = [*RESULT_HEADERS, *columns.headers]
            m.extra_width = first + len(headers)
            m.extra[data.header_row] = [(first + i, h, FILL_HEADER) for i, h in enumerate(headers)]
            for row, (shown, _, codes, message) in row_results(v, columns.notes, preview).items():
                texts = [codes, message, *columns.cells.get(row, [])]
                cells = [(first, shown, MARK_FILLS.get(shown, ""))]
                cells += [(first + i, text, "") for i, text in enumerate(texts, start=1) if text]
                m.extra[row] = cells
        if m.fills or m.extra:
            marks[data.name] = m
    rows, header_cells = summary_rows(v, preview)
    fills = dict.fromkeys(header_cells, FILL_HEADER)
    write_marked(v.book.path, path, info.sheet_parts, marks, rows, fills, info.formulas)


def _write_rewritten(
    v: Validation, path: Path, by_sheet: dict[str, list[Problem]], columns: MarketColumns, preview: bool
) -> None:
    wb = new_workbook(path, constant_memory=True)
    st = _Styles(wb)
    main_name = v.book.spec.main.name
    for name in v.book.sheet_order:
        data = v.book.sheets[name]
        main = columns if name == main_name else None
        _write_sheet(wb, st, data, by_sheet.get(data.name, []), v, main, preview)
    _summary(wb, st, v, preview)
    write_lists_and_meta(wb, v.book.spec)
    wb.close()


def write_result(
    v: Validation,
    outbox: Path,
    when: dt.datetime | None = None,
    columns: MarketColumns = NO_COLUMNS,
    *,
    preview: bool = False,
) -> ResultFiles:
    """Write the result workbook (and, when rows failed, the 재업로드용 workbook) into ``outbox``.

    ``preview``: a dry run's plan, ``…_미리보기_<KST>.xlsx``: rows a real run would send read 보낼 예정, the 요약
    sheet says nothing was sent, and there is no 재업로드용 file (fix the file you dropped).
    The staff's own file is marked up in place when it can be (fast, keeps their formatting); a file the
    in-place writer does not handle is rewritten cell by cell instead.
    """
    with gc_paused():
        return _write_result(v, outbox, when or now_kst(), columns, preview)


def _write_result(v: Validation, outbox: Path, when: dt.datetime, columns: MarketColumns, preview: bool) -> ResultFiles:
    kind = PREVIEW if preview else RESULT
    outbox.mkdir(parents=True, exist_ok=True)
    stem = output_stem(v.book.path, when, kind)
    taken = 1
    while (outbox / f"{stem}.xlsx").exists():  # two runs of one file in the same second never overwrite
        taken += 1
        stem = f"{output_stem(v.book.path, when, kind)}_{taken}"
    path = outbox / f"{stem}.xlsx"
    by_sheet: dict[str, list[Problem]] = defaultdict(list)
    for p in v.report:
        by_sheet[p.sheet].append(p)
    with whole_file(path) as partial:
        try:
            _write_marked(v, partial, by_sheet, columns, preview)
        except CannotMark:
            partial.unlink(missing_ok=True)
            _write_rewritten(v, partial, by_sheet, columns, preview)
    if preview:
        return ResultFiles(path, None, preview=True)
    reupload = _write_reupload(v, outbox / f"{stem}_재업로드용.xlsx") if v.has_errors else None
    return ResultFiles(path, reupload)


def _write_reupload(v: Validation, path: Path) -> Path:
    """Only the failed products (and their rows on the other sheets) in template form, ready to fix."""
    main = v.book.sheets[v.book.spec.main.name]
    failed_rows = [r for r, res in v.results.items() if res is RowResult.ERROR]
    failed_codes = {main.text(r, main.spec.key) for r in failed_rows if main.spec.key} - {None}
    rows: dict[str, list[dict[str, str | None]]] = {}
    for name, data in v.book.sheets.items():
        frame = data.frame
        if name == main.spec.name:
            frame = frame.loc[sorted(failed_rows)]
        elif data.spec.key:
            frame = frame[frame[data.spec.key].isin(failed_codes)]
        rows[name] = [dict(zip(frame.columns, vals, strict=True)) for vals in frame.itertuples(index=False, name=None)]
    return write_template(v.book.spec, path, rows, examples=False)
