"""The importer: headers by name, synonyms, text codes, blank rows, template kind/version, re-imports."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from batch.errors import FileRefused
from batch.exporters.result import write_result
from batch.exporters.template import write_template
from batch.importers.products import SPEC
from batch.importers.validation import validate_products
from batch.jobs.samples import product_rows, sales_rows
from batch.models import RowResult
from batch.sheetspec import META_SHEET

MAIN_KEYS = [c.key for c in SPEC.main.columns]
SALES_KEYS = [c.key for c in SPEC.sheet("판매정보").columns]


def openpyxl_book(
    path: Path, headers: list[str], rows: list[list[object]], *, meta: dict[str, str] | None = None, above: int = 0
) -> Path:
    """A workbook typed by hand with openpyxl: our hidden meta, a 상품 sheet and the 판매정보 sheet."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "상품"
    for i in range(above):
        ws.cell(i + 1, 1, f"제목 줄 {i + 1}")
    for c, h in enumerate(headers, start=1):
        ws.cell(above + 1, c, h)
    for r, row in enumerate(rows, start=above + 2):
        for c, v in enumerate(row, start=1):
            ws.cell(r, c, v)
    sales = wb.create_sheet("판매정보")
    sales.append([SPEC.sheet("판매정보").col(k).header for k in SALES_KEYS])
    for s in sales_rows():
        sales.append([s.get(k) for k in SALES_KEYS])
    m = wb.create_sheet(META_SHEET)
    for k, v in (meta if meta is not None else {"kind": "products", "version": "1"}).items():
        m.append([k, v])
    m.sheet_state = "hidden"
    wb.save(path)
    return path


def _sample(n: int = 1) -> list[dict[str, str | None]]:
    """Valid products that need no other sheet (품목고시 marked as shown on the detail page)."""
    return [{**p, "notice_separate": "Y"} for p in product_rows(n)["상품"]]


def _row(p: dict[str, str | None], keys: list[str]) -> list[object]:
    return [p.get(k) for k in keys]


def test_columns_in_any_order_with_synonyms(tmp_path: Path) -> None:
    keys = list(reversed(MAIN_KEYS))
    headers = [SPEC.main.col(k).header for k in keys]
    headers[keys.index("price")] = "판매가"  # a synonym of 대표가격
    headers[keys.index("code")] = "판매자상품코드"
    path = openpyxl_book(tmp_path / "a.xlsx", headers, [_row(p, keys) for p in _sample(2)])
    v = validate_products(path)
    assert v.report.flat() == []
    assert v.results == {2: RowResult.SUCCESS, 3: RowResult.SUCCESS}
    assert v.book.sheets["상품"].frame.at[3, "price"] == _sample(2)[1]["price"]


def test_header_row_below_title_rows_and_blank_rows_ignored(tmp_path: Path) -> None:
    headers = [SPEC.main.col(k).header for k in MAIN_KEYS]
    rows = [_row(p, MAIN_KEYS) for p in _sample(2)]
    path = openpyxl_book(tmp_path / "b.xlsx", headers, [rows[0], [None] * 5, [], rows[1]], above=2)
    v = validate_products(path)
    assert v.book.sheets["상품"].header_row == 3
    assert sorted(v.results) == [4, 7]
    assert v.report.flat() == []


def test_codes_and_numbers_stay_text(tmp_path: Path) -> None:
    p = _sample(1)[0]
    row = _row(p, MAIN_KEYS)
    row[MAIN_KEYS.index("code")] = 120000000000  # a numeric cell: never 1.2E+11
    row[MAIN_KEYS.index("model_no")] = "000123"  # a text cell: leading zeros kept
    row[MAIN_KEYS.index("price")] = 39000.0  # Excel stores numbers as floats
    path = openpyxl_book(tmp_path / "c.xlsx", [SPEC.main.col(k).header for k in MAIN_KEYS], [row])
    frame = validate_products(path).book.sheets["상품"].frame
    assert frame.at[2, "code"] == "120000000000"
    assert frame.at[2, "model_no"] == "000123"
    assert frame.at[2, "price"] == "39000"


@pytest.mark.parametrize(
    ("change", "code", "needle"),
    [
        (lambda h: [*h, "상품명"], "duplicate-header", "'상품명', '상품명'"),
        (lambda h: [*h, "판매가"], "ambiguous-header", "'대표가격', '판매가'"),
        (lambda h: [x for x in h if x != "상품명"], "missing-column", "상품명"),
    ],
)
def test_bad_headers_are_refused_by_name(tmp_path: Path, change: object, code: str, needle: str) -> None:
    headers = change([SPEC.main.col(k).header for k in MAIN_KEYS])  # type: ignore[operator]
    path = openpyxl_book(tmp_path / "h.xlsx", headers, [])
    with pytest.raises(FileRefused) as exc:
        validate_products(path)
    assert exc.value.code == code
    assert needle in exc.value.message


def test_unknown_column_is_a_warning_on_the_header(tmp_path: Path) -> None:
    headers = [SPEC.main.col(k).header for k in MAIN_KEYS] + ["담당자 메모"]
    path = openpyxl_book(tmp_path / "u.xlsx", headers, [[*_row(_sample(1)[0], MAIN_KEYS), "확인 필요"]])
    v = validate_products(path)
    assert v.report.flat() == [("상품", 1, "담당자 메모", "unknown-column")]
    assert v.results == {2: RowResult.SUCCESS}


@pytest.mark.parametrize(
    ("meta", "code"),
    [
        ({}, "template-unknown"),
        ({"kind": "invoices", "version": "1", "title": "송장대량등록"}, "template-wrong-kind"),
        ({"kind": "products", "version": "0"}, "template-old-version"),
        ({"kind": "products", "version": "9"}, "template-newer-version"),
    ],
)
def test_template_kind_and_version_are_checked_first(tmp_path: Path, meta: dict[str, str], code: str) -> None:
    path = openpyxl_book(tmp_path / "m.xlsx", ["아무 열"], [], meta=meta)
    with pytest.raises(FileRefused) as exc:
        validate_products(path)
    assert exc.value.code == code


def test_result_and_reupload_workbooks_are_valid_inputs(tmp_path: Path) -> None:
    rows = product_rows(3)
    rows["상품"][2]["name"] = "무료배송 귀걸이"
    src = write_template(SPEC, tmp_path / "in.xlsx", rows)
    first = validate_products(src)
    files = write_result(first, tmp_path / "out")
    again = validate_products(files.result)
    assert again.report.flat() == first.report.flat()
    assert again.results == first.results
    assert files.reupload is not None
    fix = validate_products(files.reupload)
    assert fix.report.flat() == [("상품", 2, "상품명", "name-promotion")]


def test_sparse_sheet_with_a_stray_far_cell_reads_only_real_rows(tmp_path: Path) -> None:
    src = write_template(SPEC, tmp_path / "in.xlsx", product_rows(2))
    wb = openpyxl.load_workbook(src)
    wb["상품"]["XFD1048576"] = "x"
    wb.save(tmp_path / "far.xlsx")
    v = validate_products(tmp_path / "far.xlsx")
    assert sorted(v.results) == [2, 3, 4]
    assert v.report.flat() == []


def test_a_group_for_a_marketplace_we_do_not_send_to_is_an_error(tmp_path: Path) -> None:
    from batch.importers import products as P
    from batch.importers.validation import validate_products
    from batch.jobs.samples import product_rows

    rows = product_rows(2)
    rows[P.SALES].append({"market": "인터파크", "account": "main", "group": "인터파크-기본"})
    rows[P.SALES].append({"market": "G마켓", "account": "main", "group": "G마켓-기본"})
    rows[P.MAIN][0]["groups"] = "티몬-기본,인터파크-기본"
    rows[P.MAIN][1]["groups"] = "G마켓-기본"
    v = validate_products(write_template(P.SPEC, tmp_path / "상품.xlsx", rows))
    interpark, gmarket = [p for p in v.report if p.code == "market-not-supported"]
    assert (interpark.sheet, interpark.column) == ("판매정보", "마켓")
    assert interpark.message == (
        "'인터파크'은(는) 이 버전에서 아직 보낼 수 없는 마켓입니다. 보낼 수 있는 마켓: 쿠팡, 스마트스토어, 티몬, 11번가, "
        "G마켓·옥션. 그룹의 마켓을 바꾸거나 이 그룹을 지워 주세요."
    )
    assert gmarket.message == (
        "G마켓과 옥션은 한 계정(ESM)으로 함께 등록합니다. 마켓 칸에 'G마켓·옥션'을 고르고, 판매 사이트 칸에 'G마켓'을 "
        "고르세요."
    )
    assert [p.code for p in v.report if p.row == 3 and p.sheet == P.MAIN] == ["group-has-errors"]
    assert [p.code for p in v.report if p.row == 4 and p.sheet == P.MAIN] == ["group-has-errors"]
    # the dropdown offers only these
    assert P.SPEC.lists["마켓"] == ("쿠팡", "스마트스토어", "티몬", "11번가", "G마켓·옥션")
