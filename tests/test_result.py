"""The result workbook: the staff's cells as given, result columns, red cells with comments, summary."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from helpers import resave_with_libreoffice

from batch.exporters.result import EXAMPLE_NOTE, MarketColumns, write_result
from batch.exporters.template import write_template
from batch.importers.products import SPEC
from batch.importers.validation import validate_products
from batch.jobs.samples import product_rows
from batch.models import RowResult
from batch.sheetspec import SUMMARY_SHEET

WHEN = dt.datetime(2026, 11, 28, 9, 30, 0)


@pytest.fixture
def result(tmp_path: Path) -> tuple[Path, Path | None, Path]:
    rows = product_rows(3)
    rows["상품"][0]["price"] = "3만원"  # Excel row 3: error
    rows["상품"][1]["stock"] = "10"  # Excel row 4: TMON stock warning
    rows["상품"][2]["name"] = '=HYPERLINK("http://x")'  # formula-looking text stays text
    src = write_template(SPEC, tmp_path / "상품 등록(1).xlsx", rows)
    files = write_result(validate_products(src), tmp_path / "outbox", WHEN)
    return files.result, files.reupload, src


def test_name_is_new_and_inside_outbox(result: tuple[Path, Path | None, Path], tmp_path: Path) -> None:
    path, reupload, _ = result
    assert path == tmp_path / "outbox" / "상품_등록_1_결과_20261128-093000.xlsx"
    assert reupload == tmp_path / "outbox" / "상품_등록_1_결과_20261128-093000_재업로드용.xlsx"


def test_result_columns_and_marked_cells(result: tuple[Path, Path | None, Path]) -> None:
    path, _, src = result
    ws = openpyxl.load_workbook(path)["상품"]
    width = len(SPEC.main.columns)
    headers = [c.value for c in ws[1]]
    assert headers[width:] == ["처리결과", "오류코드", "오류메시지"]
    res = {r: (ws.cell(r, width + 1).value, ws.cell(r, width + 2).value) for r in range(2, 6)}
    assert res == {
        2: ("건너뜀", None),
        3: ("오류", "not-integer"),
        4: ("경고", "stock-below-9999"),
        5: ("오류", "name-characters"),
    }
    price_col = [c.key for c in SPEC.main.columns].index("price") + 1
    cell = ws.cell(3, price_col)
    assert cell.value == "3만원"
    assert cell.fill.fgColor.rgb.endswith("FF9999")
    assert "숫자가 아닙니다" in cell.comment.text
    stock = ws.cell(4, [c.key for c in SPEC.main.columns].index("stock") + 1)
    assert stock.fill.fgColor.rgb.endswith("FFEB9C")
    name = ws.cell(5, 2)
    assert name.value == '=HYPERLINK("http://x")' and name.data_type == "s"
    # the input is never modified
    assert openpyxl.load_workbook(src)["상품"].cell(3, price_col).value == "3만원"


def test_summary_counts(result: tuple[Path, Path | None, Path]) -> None:
    ws = openpyxl.load_workbook(result[0])[SUMMARY_SHEET]
    cells = [[c.value for c in row] for row in ws.iter_rows()]
    counts = {row[0]: row[1] for row in cells[4:9]}
    assert counts == {"성공": 0, "경고": 1, "오류": 2, "건너뜀": 1, "보류": 0}
    codes = {row[0]: row[2] for row in cells if row and row[0] in {"not-integer", "stock-below-9999"}}
    assert codes == {"not-integer": 1, "stock-below-9999": 1}


def test_reupload_holds_only_failed_rows_in_template_form(result: tuple[Path, Path | None, Path]) -> None:
    _, reupload, _ = result
    assert reupload is not None
    wb = openpyxl.load_workbook(reupload)
    ws = wb["상품"]
    assert [ws.cell(r, 1).value for r in range(2, ws.max_row + 1)] == ["P0000001", "P0000003"]
    assert wb.sheetnames[-1] == "_양식정보"


def test_the_staff_file_is_marked_in_place_keeping_its_formatting(tmp_path: Path) -> None:
    rows = product_rows(2)
    rows["상품"][1]["price"] = "3만원"
    src = write_template(SPEC, tmp_path / "in.xlsx", rows)
    wb = openpyxl.load_workbook(src)
    ws = wb["상품"]
    ws.column_dimensions["B"].width = 77
    ws["B3"].font = openpyxl.styles.Font(bold=True, color="FF0000FF")
    wb.save(src)
    out = write_result(validate_products(src), tmp_path / "outbox", WHEN).result
    ws = openpyxl.load_workbook(out)["상품"]
    assert ws.column_dimensions["B"].width == 77
    assert ws["B3"].font.bold and ws["B3"].font.color.rgb == "FF0000FF"
    price = ws.cell(4, [c.key for c in SPEC.main.columns].index("price") + 1)
    assert price.fill.fgColor.rgb == "FFFF9999" and price.value == "3만원"


def test_a_result_workbook_dropped_again_gets_fresh_result_columns(tmp_path: Path) -> None:
    rows = product_rows(2)
    rows["상품"][1]["price"] = "3만원"
    src = write_template(SPEC, tmp_path / "in.xlsx", rows)
    first = write_result(validate_products(src), tmp_path / "o1", WHEN).result
    second = write_result(validate_products(first), tmp_path / "o2", WHEN).result
    headers = [c.value for c in openpyxl.load_workbook(second)["상품"][1]]
    assert headers.count("처리결과") == 1
    assert headers[-3:] == ["처리결과", "오류코드", "오류메시지"]


def test_libreoffice_opens_the_result_and_it_reads_back(result: tuple[Path, Path | None, Path], tmp_path: Path) -> None:
    resaved = resave_with_libreoffice(result[0], tmp_path / "lo", tmp_path / "profile")
    again = validate_products(resaved)
    assert again.report.flat() == validate_products(result[2]).report.flat()


def test_a_skipped_row_says_why_and_only_example_rows_say_example(tmp_path: Path) -> None:
    src = write_template(SPEC, tmp_path / "in.xlsx", product_rows(3))
    v = validate_products(src)
    v.results[3] = RowResult.SKIPPED  # e.g. unchanged since the last run
    v.results[5] = RowResult.SKIPPED  # skipped with no reason given: no reason invented
    files = write_result(v, tmp_path / "outbox", WHEN, MarketColumns([], {}, {3: "변경 없음"}))
    ws = openpyxl.load_workbook(files.result)["상품"]
    width = len(SPEC.main.columns)
    said = {r: (ws.cell(r, width + 1).value, ws.cell(r, width + 3).value) for r in range(2, 6)}
    assert said == {
        2: ("건너뜀", EXAMPLE_NOTE),  # the template's own example row
        3: ("건너뜀", "변경 없음"),
        4: ("성공", None),
        5: ("건너뜀", None),
    }


def test_a_dry_runs_plan_is_named_and_worded_as_a_plan(tmp_path: Path) -> None:
    rows = product_rows(2)
    rows["상품"][1]["price"] = "3만원"
    src = write_template(SPEC, tmp_path / "상품.xlsx", rows)
    files = write_result(validate_products(src), tmp_path / "outbox", WHEN, preview=True)
    assert files.result == tmp_path / "outbox" / "상품_미리보기_20261128-093000.xlsx"
    assert files.preview and files.reupload is None  # errors or not: a plan has no 재업로드용 file
    assert sorted(p.name for p in (tmp_path / "outbox").iterdir()) == ["상품_미리보기_20261128-093000.xlsx"]
    wb = openpyxl.load_workbook(files.result)
    ws = wb["상품"]
    width = len(SPEC.main.columns)
    assert [ws.cell(r, width + 1).value for r in range(2, 5)] == ["건너뜀", "보낼 예정", "오류"]
    summary = [[c.value for c in row] for row in wb[SUMMARY_SHEET].iter_rows()]
    assert summary[0][0] == "상품대량등록 미리보기 — 아무것도 보내지 않았습니다 (batch run --dry-run)"
    assert {row[0]: row[1] for row in summary[4:9]} == {
        "보낼 예정": 1,
        "보낼 예정(경고)": 0,
        "오류": 1,
        "건너뜀": 1,
        "보류": 0,
    }
    again = validate_products(files.result)  # dropped back, it reads as the file it was made from
    assert again.report.flat() == validate_products(src).report.flat()


def test_the_result_zip_is_written_on_its_own_thread_and_a_failure_on_either_side_still_closes_it(
    tmp_path: Path,
) -> None:
    import zipfile

    from batch.exporters import marked as M

    path = tmp_path / "a.zip"
    with zipfile.ZipFile(path, "w") as zout:
        out = M._ZipWriter(zout)
        out.writestr("first.xml", b"<a/>")
        with pytest.raises(M.CannotMark), out.member("x.xml") as member:  # the rows could not be marked
            member.write(b"<partial")
            raise M.CannotMark("a row without a number")
        out.close()
    with zipfile.ZipFile(path) as z:  # closed cleanly: the partial member ends, nothing else is lost
        assert z.namelist() == ["first.xml", "x.xml"]
        assert z.read("first.xml") == b"<a/>"
        assert z.read("x.xml") == b"<partial"

    broken = tmp_path / "b.zip"
    with zipfile.ZipFile(broken, "w") as zout:
        out = M._ZipWriter(zout)
        with out.member("y.xml") as member:
            member.write(b"<y>")
            out._do(lambda: 1 / 0)  # the writer's side fails: the member is still closed, close() raises it
        with pytest.raises(ZeroDivisionError):
            out.close()
    with zipfile.ZipFile(broken) as z:
        assert z.namelist() == ["y.xml"]
        assert z.read("y.xml") == b"<y>"
