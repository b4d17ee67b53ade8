"""Write a template workbook (empty, or holding rows to fix) from its TemplateSpec."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from batch.report import CODES
from batch.sheetspec import GUIDE_SHEET, LISTS_SHEET, META_SHEET, SUMMARY_SHEET, Col, Kind, SheetSpec, TemplateSpec
from batch.trade.textwidth import width

# Data validations cover this many rows below the header; Excel stores only the range.
VALIDATION_ROWS = 100_000
FIXED_DATE = dt.datetime(2024, 1, 1)  # workbook properties stay stable, so the committed template can be compared

Rows = Mapping[str, Sequence[Mapping[str, str | None]]]


def header_text(col: Col) -> str:
    return col.header + ("*" if col.required else "")


def column_width(col: Col) -> float:
    if col.width:
        return col.width
    longest = max(width(header_text(col)), width(col.example or ""), 8)
    return min(longest * 1.15 + 2, 50)


class _Formats:
    def __init__(self, wb: Any) -> None:
        self.header = wb.add_format(
            {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "vcenter"}
        )
        self.header_required = wb.add_format(
            {
                "bold": True,
                "bg_color": "#FCE4D6",
                "font_color": "#C00000",
                "border": 1,
                "text_wrap": True,
                "valign": "vcenter",
            }
        )
        self.text = wb.add_format({"num_format": "@"})
        self.number = wb.add_format({"num_format": "0"})
        self.example = wb.add_format(
            {"num_format": "@", "italic": True, "font_color": "#808080", "bg_color": "#F2F2F2"}
        )
        self.title = wb.add_format({"bold": True, "font_size": 14})
        self.section = wb.add_format({"bold": True, "font_size": 12, "bg_color": "#DDEBF7"})
        self.wrap = wb.add_format({"text_wrap": True, "valign": "top"})
        self.overdue = wb.add_format({"bg_color": "#FFC7CE", "num_format": "@"})


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def inert(text: str) -> str:
    """Text as a cell can hold it: characters Excel cannot store are dropped (written as text, never a formula)."""
    return _CONTROL.sub("", text)[:32_767]


def write_cell(ws: Any, row: int, c: int, col: Col | None, value: str | None, fmt: Any = None) -> None:
    """Write one value as its column expects: numbers as numbers, everything else as text (never a formula)."""
    if value is None or value == "":
        return
    if col is not None and col.kind is Kind.INT and value.lstrip("-").isdigit() and len(value) < 16:
        ws.write_number(row, c, int(value), fmt)
    else:
        ws.write_string(row, c, inert(value), fmt)


def _list_ranges(spec: TemplateSpec) -> dict[str, str]:
    ranges: dict[str, str] = {}
    for i, (name, values) in enumerate(spec.lists.items()):
        letter = xl_col_to_name(i)
        ranges[name] = f"='{LISTS_SHEET}'!${letter}$2:${letter}${len(values) + 1}"
    return ranges


def _validation(col: Col, spec: TemplateSpec, ranges: dict[str, str]) -> dict[str, Any] | None:
    msg = (col.help + "\n" + col.rules_text(spec.lists)).strip()[:255]
    base: dict[str, Any] = {"input_title": col.header[:32], "input_message": msg}
    if col.kind is Kind.CHOICE and col.choices:
        return {
            **base,
            "validate": "list",
            "source": ranges[col.choices],
            "error_title": "목록에 없는 값",
            "error_message": "칸의 ▼ 목록에서 골라 주세요.",
        }
    if col.kind is Kind.INT:
        return {
            **base,
            "validate": "integer",
            "criteria": "between",
            "minimum": col.min_value if col.min_value is not None else -(10**12),
            "maximum": col.max_value if col.max_value is not None else 10**12,
            "error_title": "숫자 확인",
            "error_message": "허용 범위 안의 정수만 넣어 주세요."[:255],
        }
    if col.max_len:
        return {
            **base,
            "validate": "length",
            "criteria": "<=",
            "value": col.max_len,
            "error_title": "글자 수 초과",
            "error_message": f"{col.max_len}자 이내로 넣어 주세요.",
        }
    return {**base, "validate": "any"}


def _data_sheet(
    wb: Any,
    fm: _Formats,
    spec: TemplateSpec,
    sheet: SheetSpec,
    rows: Sequence[Mapping[str, str | None]],
    ranges: dict[str, str],
    highlight: frozenset[int] = frozenset(),
) -> None:
    """``highlight``: 0-based indexes into ``rows`` shown in red (e.g. overdue inquiries)."""
    ws = wb.add_worksheet(sheet.name)
    for c, col in enumerate(sheet.columns):
        fmt = fm.number if col.kind is Kind.INT else fm.text
        ws.set_column(c, c, column_width(col), fmt)
        ws.write_string(0, c, header_text(col), fm.header_required if col.required else fm.header)
        ws.data_validation(
            0,
            c,
            0,
            c,
            {
                "validate": "any",
                "input_title": col.header[:32],
                "input_message": (col.help + "\n" + col.rules_text(spec.lists))[:255],
            },
        )
        rule = _validation(col, spec, ranges)
        if rule is not None:
            ws.data_validation(1, c, VALIDATION_ROWS, c, rule)
    ws.set_row(0, 30)
    ws.freeze_panes(1, 1 if sheet.key else 0)
    ws.autofilter(0, 0, 0, len(sheet.columns) - 1)
    r = 1
    data = [(d, fm.overdue if i in highlight else None) for i, d in enumerate(rows)]
    for rowvals, fmt in [*((e, fm.example) for e in sheet.examples), *data]:
        for c, col in enumerate(sheet.columns):
            write_cell(ws, r, c, col, rowvals.get(col.key), fmt)
        r += 1


def _guide(wb: Any, fm: _Formats, spec: TemplateSpec) -> None:
    ws = wb.add_worksheet(GUIDE_SHEET)
    ws.set_column(0, 0, 24)
    ws.set_column(1, 1, 8)
    ws.set_column(2, 2, 50)
    ws.set_column(3, 3, 50)
    ws.set_column(4, 4, 30)
    ws.write_string(0, 0, f"{spec.title} 양식 안내 (버전 {spec.version})", fm.title)
    r = 2
    for sheet in spec.sheets:
        ws.write_string(r, 0, f"[{sheet.name}] 시트", fm.section)
        ws.write_string(r, 2, sheet.description, fm.wrap)
        r += 1
        for c, h in enumerate(("열 이름", "필수", "설명", "규칙", "예시")):
            ws.write_string(r, c, h, fm.header)
        r += 1
        for col in sheet.columns:
            ws.write_string(r, 0, col.header)
            ws.write_string(r, 1, "필수" if col.required else "")
            ws.write_string(r, 2, col.help, fm.wrap)
            ws.write_string(r, 3, col.rules_text(spec.lists), fm.wrap)
            if col.example:
                ws.write_string(r, 4, col.example)
            r += 1
        r += 1
    ws.write_string(r, 0, "여러 칸에 걸친 규칙", fm.section)
    r += 1
    for title, text in spec.rules:
        ws.write_string(r, 0, title)
        ws.write_string(r, 2, text, fm.wrap)
        r += 1
    r += 1
    ws.write_string(r, 0, "오류 코드", fm.section)
    r += 1
    for c, h in enumerate(("코드", "", "뜻", "고치는 방법")):
        ws.write_string(r, c, h, fm.header)
    r += 1
    for code, info in CODES.items():
        ws.write_string(r, 0, code)
        ws.write_string(r, 2, info.title)
        ws.write_string(r, 3, info.hint, fm.wrap)
        r += 1


def write_lists_and_meta(wb: Any, spec: TemplateSpec) -> None:
    """The hidden sheets every workbook of ours carries: dropdown lists, then template kind and version."""
    ws = wb.add_worksheet(LISTS_SHEET)
    for c, (name, values) in enumerate(spec.lists.items()):
        ws.write_string(0, c, name)
        for r, v in enumerate(values, start=1):
            ws.write_string(r, c, v)
    ws.hide()
    meta = wb.add_worksheet(META_SHEET)
    for r, (k, v) in enumerate(
        (
            ("kind", spec.kind),
            ("version", str(spec.version)),
            ("title", spec.title),
            ("note", "이 시트는 지우거나 고치지 마세요. 양식 종류와 버전을 확인하는 데 씁니다."),
        )
    ):
        meta.write_string(r, 0, k)
        meta.write_string(r, 1, v)
    meta.hide()


@contextlib.contextmanager
def whole_file(path: Path) -> Iterator[Path]:
    """The ``.part`` path beside ``path`` to write the workbook to; it takes the name ``path`` only once written
    whole, so staff, the mail job or a watcher never open half a workbook, and a kill leaves only the ``.part``
    (removed here when the writing fails)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.part")  # the process's own: two writers never share one
    try:
        yield partial
        partial.replace(path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def new_workbook(path: Path, *, constant_memory: bool = False) -> Any:
    wb = xlsxwriter.Workbook(
        str(path),
        {
            "constant_memory": constant_memory,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    wb.set_properties({"created": FIXED_DATE, "author": "batch", "title": ""})
    return wb


def write_template(
    spec: TemplateSpec,
    path: Path,
    rows: Rows | None = None,
    *,
    examples: bool = True,
    summary: Sequence[Sequence[str | int | None]] = (),
    highlight: Mapping[str, frozenset[int]] | None = None,
) -> Path:
    """Write ``spec`` as a workbook at ``path``; ``rows`` (by sheet name) are written below the examples.

    ``summary`` rows, when given, make a 요약 sheet after the data sheets (its first row is the header).
    """
    with whole_file(path) as partial:
        _write_template(spec, partial, rows, examples, summary, highlight)
    return path


def _write_template(
    spec: TemplateSpec,
    path: Path,
    rows: Rows | None,
    examples: bool,
    summary: Sequence[Sequence[str | int | None]],
    highlight: Mapping[str, frozenset[int]] | None,
) -> None:
    wb = new_workbook(path)
    fm = _Formats(wb)
    ranges = _list_ranges(spec)
    for sheet in spec.sheets:
        shown = sheet if examples else _without_examples(sheet)
        _data_sheet(
            wb,
            fm,
            spec,
            shown,
            (rows or {}).get(sheet.name, ()),
            ranges,
            (highlight or {}).get(sheet.name, frozenset()),
        )
    if summary:
        ws = wb.add_worksheet(SUMMARY_SHEET)
        ws.set_column(0, len(summary[0]), 22)
        for r, values in enumerate(summary):
            for c, value in enumerate(values):
                if isinstance(value, int):
                    ws.write_number(r, c, value, fm.header if r == 0 else None)
                elif value is not None:
                    ws.write_string(r, c, inert(value), fm.header if r == 0 else None)
    _guide(wb, fm, spec)
    write_lists_and_meta(wb, spec)
    wb.close()


def _without_examples(sheet: SheetSpec) -> SheetSpec:
    from dataclasses import replace

    return replace(sheet, examples=())
