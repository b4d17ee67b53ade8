"""Reading at scale: blank rows as staff see them, cells normalised column by column as cell by cell, and the
row limits checked from the gate's counts before any sheet is read."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from batch.errors import FileRefused
from batch.exporters.template import write_template
from batch.importers import products as P
from batch.importers import workbook as W
from batch.importers.answers import SPEC as ANSWERS
from batch.importers.safety import inspect_workbook
from batch.importers.validation import validate_products
from batch.jobs.samples import product_rows
from batch.report import Report
from batch.sheetspec import SheetSpec


@pytest.mark.parametrize(
    "values",
    [
        ["a", " b ", "", "x\u00a0y", "\u00a0z\u00a0"],
        ["", "", ""],
        [1.0, 2.5, "", "text", True, False],
        [dt.datetime(2026, 12, 2), dt.datetime(2026, 12, 2, 9, 30), dt.date(2026, 1, 31), "  "],
        [float("nan"), 0.0, 0, "0", 120000000000.0],
    ],
)
def test_column_texts_is_cell_text_over_a_column(values: list[Any]) -> None:
    assert W.column_texts(values) == [W.cell_text(v) for v in values]


@pytest.mark.parametrize(
    ("row", "content"),
    [
        (["", "", ""], False),
        (["", " ", "\u00a0"], False),  # spaces only: a blank row to staff
        (["", 0.0, ""], True),  # a zero is a value (a stock of 0)
        ([False, "", ""], True),
        ([float("nan"), ""], False),
        ([None, None], False),
        (["", "", "메모"], True),
        ([dt.datetime(2026, 1, 1), ""], True),
    ],
)
def test_a_row_has_content_exactly_when_a_cell_reads_as_something(row: list[Any], content: bool) -> None:
    assert W._has_content(row) is content
    assert W._has_content(row) is any(W.cell_text(v) is not None for v in row)


def _offset_book(path: Path) -> Path:
    """The answers sheet typed from C3 on, with a spaces-only row, a zero-only row and a note far right."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = ANSWERS.main.name
    headers = [c.header for c in ANSWERS.main.columns]
    for c, h in enumerate(headers, start=3):
        ws.cell(3, c, h)
    ws.cell(4, 3, "Q-1")
    ws.cell(4, 4, "\u00a0 답변\u00a0드립니다 ")
    ws.cell(5, 3, "   ")  # spaces only: skipped
    ws.cell(6, 5, 0)  # a zero only: a row
    ws.cell(7, 3 + len(headers) + 2, "메모")  # a note right of the headers only: still a row
    wb.save(path)
    return path


def test_a_sheet_typed_away_from_a1_keeps_its_excel_rows_and_columns(tmp_path: Path) -> None:
    path = _offset_book(tmp_path / "offset.xlsx")
    info = inspect_workbook(path)
    report = Report()
    with W.SheetReader(path, info) as reader:
        data = W.read_sheet(reader, ANSWERS.main, ANSWERS.main.name, report)
    keys = [c.key for c in ANSWERS.main.columns]
    assert data.header_row == 3
    assert data.columns == {k: i + 2 for i, k in enumerate(keys)}
    assert list(data.frame.index) == [4, 6, 7]
    assert data.frame.loc[4, keys[0]] == "Q-1"
    assert data.frame.loc[4, keys[1]] == "답변 드립니다"  # no-break spaces read as spaces, ends stripped
    assert data.frame.loc[6, keys[2]] == "0"
    assert data.frame.loc[7].isna().all()
    assert data.rows[4][2:4] == ["Q-1", "답변 드립니다"]
    assert sorted(data.rows) == [3, 4, 6, 7]


def test_the_calamine_and_the_streaming_reader_read_the_same_cells(tmp_path: Path) -> None:
    path = _offset_book(tmp_path / "offset.xlsx")
    info = inspect_workbook(path)
    with W.SheetReader(path, info) as reader:
        fast = dict(reader.rows(ANSWERS.main.name))
    sparse = W.WorkbookInfo(**{**info.__dict__, "sparse": frozenset({ANSWERS.main.name})})
    with W.SheetReader(path, sparse) as reader:
        slow = dict(reader.rows(ANSWERS.main.name))
    assert sorted(fast) == sorted(slow) == [3, 4, 6, 7]
    for n, cells in fast.items():
        width = max(len(cells), len(slow[n]))
        assert cells + [None] * (width - len(cells)) == slow[n] + [None] * (width - len(slow[n]))


def _products(path: Path, n: int, notices_per_product: int) -> Path:
    rows = product_rows(n)
    fields = ("종류", "소재", "치수", "제조국", "품질보증기준", "A/S 책임자와 전화번호")
    rows[P.NOTICES] = [
        {"code": p["code"], "field": fields[i % len(fields)], "value": "상세페이지 참조"}
        for p in rows[P.MAIN]
        for i in range(notices_per_product)
    ]
    return write_template(P.SPEC, path, rows)


def _never_read(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    read: list[str] = []
    original = W.SheetReader.table

    def table(self: W.SheetReader, name: str) -> W.Table:
        read.append(name)
        return original(self, name)

    monkeypatch.setattr(W.SheetReader, "table", table)
    return read


def test_too_many_products_are_refused_before_any_sheet_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(W, "MAX_ITEMS", 4)
    path = _products(tmp_path / "big.xlsx", 4 + W.HEADER_SEARCH_ROWS + 1, 1)
    read = _never_read(monkeypatch)
    with pytest.raises(FileRefused) as err:
        validate_products(path)
    assert err.value.code == "file-too-many-rows"
    assert str(err.value.message).startswith("'상품' 시트에 행이 ")
    assert "한 파일에 상품 4행까지 처리합니다." in err.value.message
    assert "나누어" in err.value.message
    assert read == ["_양식정보"]  # the hidden meta sheet only: no data sheet was read


def test_a_sub_sheet_may_hold_several_rows_per_product_but_not_without_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(W, "MAX_ITEMS", 4)
    sub = W.row_limit(P.SPEC, P.SPEC.sheet(P.NOTICES)) - W.HEADER_SEARCH_ROWS
    assert sub == 4 * P.SUB_ROWS_PER_PRODUCT
    fine = validate_products(_products(tmp_path / "fine.xlsx", 4, 5))  # 20 notice rows for 4 products: accepted
    assert len(fine.book.sheets[P.NOTICES].frame) == 20
    read = _never_read(monkeypatch)
    with pytest.raises(FileRefused) as err:
        validate_products(_products(tmp_path / "over.xlsx", 4, 8))  # 32 rows: more than the sheet's limit
    assert err.value.code == "file-too-many-rows"
    assert f"('{P.NOTICES}' 시트는 {sub:,}행까지)" in err.value.message
    assert P.NOTICES not in read and P.MAIN not in read


def test_the_product_limit_is_two_hundred_thousand_and_sub_sheets_scale_with_it() -> None:
    assert W.MAX_ITEMS == 200_000
    assert W.row_limit(P.SPEC, P.SPEC.main) == 200_000 + W.HEADER_SEARCH_ROWS
    options: SheetSpec = P.SPEC.sheet(P.OPTIONS)
    assert W.row_limit(P.SPEC, options) == 1_000_000 + W.HEADER_SEARCH_ROWS
    assert W.row_limit(P.SPEC, P.SPEC.sheet(P.SALES)) == 200_000 + W.HEADER_SEARCH_ROWS
