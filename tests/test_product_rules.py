"""Every rule of the 상품대량등록 workbook, each with a failing and a passing case.

Each test builds ONE workbook from ``product_rows(2)`` plus many products that carry one mistake each
(or sit just inside a limit), then asserts the exact flattened report and the per-row results. The
whole module runs twice: on the file as write_template writes it, and on the same file re-saved by
LibreOffice.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from batch.importers import products as P
from batch.importers.validation import Validation, validate_products
from batch.jobs.samples import GROUPS, TMON_GROUP, product_rows, sales_rows
from batch.models import Market, RowResult
from batch.report import Severity

MakeBook = Callable[..., Path]  # the make_book fixture of conftest.py

MAIN, OPTIONS, ADDONS, NOTICES, SALES = P.MAIN, P.OPTIONS, P.ADDONS, P.NOTICES, P.SALES
# Excel row of the first row after the template's example rows, per sheet (row 1 is the header).
FIRST = {s.name: 2 + len(s.examples) for s in P.SPEC.sheets}
WARNING_CODES = frozenset({"date-expected", "cert-not-transferred", "stock-zero", "stock-below-9999"})

Row = dict[str, str | None]
Rows = dict[str, list[Row]]
Flat = tuple[str, int | None, str | None, str]
Case = tuple[dict[str, str | None], list[tuple[str, str]]]  # (changes, [(column header, code)] on that row)

# One 판매정보 group per marketplace family the rules care about (the sample's 티몬 group is 티몬-기본).
GMARKET, AUCTION, NAVER, COUPANG, ST11, HMALL = (
    "G마켓-기본",
    "옥션-기본",
    "스토어-기본",
    "쿠팡-기본",
    "11번가-기본",
    "현대몰-기본",
)
OTHER_GROUPS = {
    GMARKET: "G마켓",
    AUCTION: "옥션",
    NAVER: "스마트스토어",
    COUPANG: "쿠팡",
    ST11: "11번가",
    HMALL: "현대몰",
}
# What an 11번가 group needs (P.MARKET_REQUIRED["11st"]).
ST11_FILLED: Row = {
    "market_category_no": "1012345",
    "send_close_template": "543210",
    "address_out": "1",
    "address_in": "2",
    "delivery_fee_type": "무료",
    "return_fee": "3000",
    "exchange_fee": "6000",
    "as_guide": "구매 후 7일 이내 A/S 접수",
    "return_guide": "상품 수령 후 7일 이내 반품·교환 가능",
}
FILLED = {COUPANG: GROUPS["coupang"], NAVER: GROUPS["naver"], ST11: ST11_FILLED}


@pytest.fixture(autouse=True)
def every_marketplace(monkeypatch: pytest.MonkeyPatch) -> None:
    """The manual's rules for every marketplace, as if this version sent to all of them (the refusal of a group for
    a marketplace we do not send to yet is tested in test_importer.py)."""
    from batch.importers import product_rules

    monkeypatch.setattr(product_rules, "SENDS_TO", tuple(Market))


@pytest.fixture(params=["openpyxl", "libreoffice"])
def via(request: pytest.FixtureRequest) -> str:
    return str(request.param)


# ---------------------------------------------------------------- helpers


def sample() -> Rows:
    """``product_rows(2)`` plus one group on every other marketplace (those need no 티몬 columns; 쿠팡 and
    스마트스토어 take their own, as in the samples)."""
    rows: Rows = {k: list(v) for k, v in product_rows(2).items()}
    rows[SALES] += [{**FILLED.get(g, {}), "market": m, "account": "main", "group": g} for g, m in OTHER_GROUPS.items()]
    return rows


def clone(rows: Rows, code: str, changes: dict[str, str | None]) -> Row:
    """The second sample product under ``code`` (unless ``changes`` sets one), with ``changes``: 의류 티셔츠,
    옵션 사이즈 S,M,L,XL (오픈마켓만, 조합형), 대표가격 14000, 기본재고 9999, 상세정보 별도표기 Y,
    판매정보그룹 티몬-기본, 이미지는 https 주소."""
    base = rows[MAIN][1]
    assert base["code"] == "P0000002" and base["price"] == "14000" and base["option_values_1"] == "S,M,L,XL"
    return {**base, "code": code, **changes}


def add(rows: Rows, sheet: str, row: Row) -> int:
    """Append ``row`` to ``sheet``; return its Excel row number."""
    rows.setdefault(sheet, []).append(row)
    return FIRST[sheet] + len(rows[sheet]) - 1


def add_cases(rows: Rows, cases: list[Case], prefix: str = "C") -> tuple[list[Flat], dict[int, RowResult]]:
    """One product per case; return the flat problems and the row results the cases expect."""
    flat: list[Flat] = []
    results: dict[int, RowResult] = {}
    for i, (changes, problems) in enumerate(cases):
        r = add(rows, MAIN, clone(rows, f"{prefix}{i:03d}", changes))
        flat += [(MAIN, r, column, code) for column, code in problems]
        codes = {code for _, code in problems}
        results[r] = RowResult.ERROR if codes - WARNING_CODES else RowResult.WARNING if codes else RowResult.SUCCESS
    return flat, results


def ordered(flat: list[Flat]) -> list[Flat]:
    """``flat`` in Report.flat() order."""
    assert len(set(flat)) == len(flat), "an expected problem is listed twice"
    return sorted(flat, key=lambda t: (t[0], t[1] or 0, t[2] or "", t[3]))


def validate(
    make_book: MakeBook, tmp_path: Path, rows: Rows, via: str, images: dict[str, bytes] | None = None
) -> Validation:
    path = make_book(tmp_path, rows, via=via)
    if images:
        folder = path.parent / "images"
        folder.mkdir()
        for name, data in images.items():
            (folder / name).write_bytes(data)
    return validate_products(path)


def markets(v: Validation) -> list[tuple[Flat, str | None]]:
    """Every marketplace-only problem with its marketplace."""
    found = {(p.flat(), p.market) for p in v.report if p.market}
    return sorted(found, key=lambda t: (t[0][0], t[0][1] or 0, t[0][2] or "", t[0][3], t[1] or ""))


def main_results(v: Validation, rows: list[int]) -> dict[int, RowResult]:
    return {r: v.results[r] for r in rows}


def values(prefix: str, n: int) -> str:
    return ",".join(f"{prefix}{i}" for i in range(1, n + 1))


def image(size: tuple[int, int] = (1000, 1000), fmt: str = "JPEG", pad_to: int | None = None) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(buf, fmt)
    data = buf.getvalue()
    if pad_to is not None:  # bytes after the JPEG end marker: a bigger file, the same picture
        assert len(data) < pad_to
        data += b"\0" * (pad_to - len(data))
    return data


MB3 = 3 * 1024 * 1024


# ---------------------------------------------------------------- the valid workbook and its example rows


def test_valid_samples_pass_and_example_rows_are_skipped(make_book: MakeBook, tmp_path: Path, via: str) -> None:
    v = validate(make_book, tmp_path, sample(), via)

    assert v.report.flat() == []
    assert v.results == {2: RowResult.SKIPPED, 3: RowResult.SUCCESS, 4: RowResult.SUCCESS}
    assert v.skipped == {
        MAIN: {2},
        OPTIONS: {2, 3},
        ADDONS: set(),
        NOTICES: set(range(2, 2 + len(P.NOTICE_CATEGORIES["패션잡화(모자/벨트/액세서리)"]))),
        SALES: {2},
    }
    assert FIRST == {MAIN: 3, OPTIONS: 4, ADDONS: 2, NOTICES: 10, SALES: 3}
    assert not v.has_errors
    assert [t.group for t in v.targets[3]] == [TMON_GROUP]


def test_example_row_edited(make_book: MakeBook, tmp_path: Path, via: str) -> None:
    rows = sample()
    example = P.SPEC.main.examples[0]
    edited = add(rows, MAIN, {**example, "name": "내 상품 귀걸이"})
    # The same example row copied unchanged is still recognised as the example and skipped.
    copied = add(rows, MAIN, dict(example))
    v = validate(make_book, tmp_path, rows, via)

    assert v.report.flat() == [
        (MAIN, edited, "자체상품코드", "example-row-edited"),
        # it is read as a product: the example group is not sent and its 품목고시 rows were skipped
        (MAIN, edited, "판매정보그룹", "unknown-group"),
        (MAIN, edited, "품목고시분류", "notice-incomplete"),
    ]
    assert v.skipped[MAIN] == {2, copied}
    assert v.results == {
        2: RowResult.SKIPPED,
        3: RowResult.SUCCESS,
        4: RowResult.SUCCESS,
        edited: RowResult.ERROR,
        copied: RowResult.SKIPPED,
    }


# ---------------------------------------------------------------- 상품 sheet, cell by cell

MAIN_CELL_CASES: list[Case] = [
    # required-value
    ({"name": None}, [("상품명", "required-value")]),
    ({"status": None}, [("상품상태", "required-value")]),
    ({"detail": None}, [("상세설명", "required-value")]),
    # not-in-list
    ({"status": "판매중"}, [("상품상태", "not-in-list")]),
    ({"status": "판매불가"}, []),
    ({"tax": "비과세"}, [("과세구분", "not-in-list")]),
    ({"adult": "y"}, [("성인인증", "not-in-list")]),
    ({"adult": "Y"}, []),
    # max-length
    ({"maker": "가" * 50}, []),
    ({"maker": "가" * 51}, [("제조사", "max-length")]),
    ({"code": "C12345678X"}, []),
    ({"code": "C12345678XY"}, [("자체상품코드", "max-length")]),
    # name-width: Hangul counts 2
    ({"name": "가" * 20}, []),
    ({"name": "가" * 21}, [("상품명", "name-width")]),
    ({"name": "A" * 40}, []),
    ({"name": "A" * 41}, [("상품명", "name-width")]),
    ({"name": "가" * 19 + "AB"}, []),
    ({"name": "가" * 19 + "ABC"}, [("상품명", "name-width")]),
    # name-characters: only ( ) / + - ~ besides letters, digits and spaces
    ({"name": "면 티셔츠 (S/M) +1 ~ 2-3"}, []),
    ({"name": "면 티셔츠★"}, [("상품명", "name-characters")]),
    ({"name": "면_티셔츠"}, [("상품명", "name-characters")]),
    # name-promotion (case-insensitive)
    ({"name": "무료배송 면 티셔츠"}, [("상품명", "name-promotion")]),
    ({"name": "SALE 면 티셔츠"}, [("상품명", "name-promotion")]),
    ({"name": "[특가] 면 티셔츠"}, [("상품명", "name-characters"), ("상품명", "name-promotion")]),
    # code-format
    ({"code": "C-0_1"}, []),
    ({"code": "C 01"}, [("자체상품코드", "code-format")]),
    ({"code": "상품01"}, [("자체상품코드", "code-format")]),
    # duplicate-code: both rows are flagged
    ({"code": "DUP01"}, [("자체상품코드", "duplicate-code")]),
    ({"code": "DUP01"}, [("자체상품코드", "duplicate-code")]),
    # not-integer
    ({"price": "14,000"}, [("대표가격", "not-integer")]),
    ({"price": "14000원"}, [("대표가격", "not-integer")]),
    ({"stock": "많음"}, [("기본재고", "not-integer")]),
    # out-of-range: 대표가격 10 ~ 1,000,000,000, 기본재고 0 ~ 99,999
    ({"price": "9"}, [("대표가격", "out-of-range")]),
    ({"price": "10"}, []),
    ({"price": "-100"}, [("대표가격", "out-of-range")]),
    ({"price": "1000000000"}, []),
    ({"price": "1000000001"}, [("대표가격", "out-of-range")]),
    ({"stock": "99999"}, []),
    ({"stock": "100000"}, [("기본재고", "out-of-range")]),
    # invalid-date
    ({"made_on": "20240229", "expires_on": "20250228"}, []),
    ({"made_on": "20240230"}, [("제조일자", "invalid-date")]),
    ({"made_on": "20230229"}, [("제조일자", "invalid-date")]),
    ({"expires_on": "2025-02-28"}, [("유효일자", "invalid-date")]),
    # date-order
    ({"made_on": "20240301", "expires_on": "20240229"}, [("유효일자", "date-order")]),
    ({"made_on": "20240301", "expires_on": "20240301"}, []),
    # date-expected: a warning for 식품 / 디지털/가전 / 뷰티 without both dates
    ({"category": "식품 > 가공식품 > 간식"}, [("제조일자", "date-expected")]),
    ({"category": "식품 > 가공식품 > 간식", "made_on": "20240105"}, [("유효일자", "date-expected")]),
    ({"category": "뷰티 > 스킨케어 > 토너", "expires_on": "20270105"}, [("제조일자", "date-expected")]),
    ({"category": "식품 > 가공식품 > 간식", "made_on": "20240105", "expires_on": "20250105"}, []),
    # category-format
    ({"category": "의류>남성의류>티셔츠"}, []),
    ({"category": "의류 > 남성의류"}, [("카테고리", "category-format")]),
    ({"category": "의류 > 남성의류 > 티셔츠 > 반팔"}, [("카테고리", "category-format")]),
    ({"category": "옷 > 남성의류 > 티셔츠"}, [("카테고리", "category-format")]),
    ({"category": "의류 >  > 티셔츠"}, [("카테고리", "category-format")]),
]


def test_main_sheet_cell_rules(make_book: MakeBook, tmp_path: Path, via: str) -> None:
    rows = sample()
    flat, results = add_cases(rows, MAIN_CELL_CASES)
    v = validate(make_book, tmp_path, rows, via)

    assert v.report.flat() == ordered(flat)
    assert main_results(v, list(results)) == results
    assert {p.severity for p in v.report if p.code == "date-expected"} == {Severity.WARNING}
    assert {p.market for p in v.report} == {None}  # none of these is one marketplace's rule


# ---------------------------------------------------------------- 인증정보

CERT = {
    "cert_required": "인증대상",
    "cert_type_1": "어린이제품 안전확인",
    "cert_agency_1": "한국화학융합시험연구원",
    "cert_no_1": "CB063R1234-5001",
}
RADIO = {**CERT, "cert_type_1": "방송통신기자재 적합인증"}


def _certs(n: int) -> dict[str, str | None]:
    out: dict[str, str | None] = {"cert_required": "인증대상"}
    for i in range(1, n + 1):
        out |= {f"cert_type_{i}": P.CERT_TYPES[i - 1], f"cert_agency_{i}": "한국기관", f"cert_no_{i}": f"NO-{i}"}
    return out


CERT_CASES: list[Case] = [
    ({"cert_required": "인증대상"}, [("인증유형1", "cert-missing")]),
    (CERT, []),
    (_certs(P.MAX_CERTS) | {"groups": f"{TMON_GROUP},{GMARKET},{AUCTION}"}, []),
    ({**CERT, "cert_required": "인증대상아님"}, [("인증유형1", "cert-conflict")]),
    ({"cert_agency_2": "한국기관"}, [("인증유형2", "cert-conflict")]),
    ({**CERT, "cert_no_1": None}, [("인증번호1", "cert-incomplete")]),
    ({**CERT, "cert_type_1": None}, [("인증유형1", "cert-incomplete")]),
    ({**CERT, "cert_type_2": "전기용품 안전인증", "cert_no_2": "E-1"}, [("인증기관2", "cert-incomplete")]),
    # cert-not-transferred: only where a target marketplace does not take the certification
    ({**RADIO, "groups": GMARKET}, [("인증대상", "cert-not-transferred")]),
    ({**RADIO, "groups": AUCTION}, []),
    ({**RADIO, "groups": TMON_GROUP}, []),
    ({**RADIO, "groups": f"{TMON_GROUP},{AUCTION},{GMARKET}"}, [("인증대상", "cert-not-transferred")]),
    ({**CERT, "cert_type_1": "생활용품 안전인증", "groups": GMARKET}, []),
    ({**CERT, "cert_type_1": "안전기준준수대상", "groups": NAVER}, [("인증대상", "cert-not-transferred")]),
    ({**CERT, "cert_type_1": "기타 인증", "groups": COUPANG}, [("인증대상", "cert-not-transferred")]),
]


def test_certifications(make_book: MakeBook, tmp_path: Path, via: str) -> None:
    rows = sample()
    flat, results = add_cases(rows, CERT_CASES)
    v = validate(make_book, tmp_path, rows, via)

    assert v.report.flat() == ordered(flat)
    assert main_results(v, list(results)) == results
    r = list(results)
    assert markets(v) == [
        ((MAIN, r[8], "인증대상", "cert-not-transferred"), "gmarket"),
        ((MAIN, r[11], "인증대상", "cert-not-transferred"), "gmarket"),
        ((MAIN, r[13], "인증대상", "cert-not-transferred"), "naver"),
        ((MAIN, r[14], "인증대상", "cert-not-transferred"), "coupang"),
    ]
    assert {p.severity for p in v.report if p.code == "cert-not-transferred"} == {Severity.WARNING}


# ---------------------------------------------------------------- 판매정보 sheet and 판매정보그룹


def test_sales_groups(make_book: MakeBook, tmp_path: Path, via: str) -> None:
    rows = sample()
    tmon = sales_rows()[0]
    tmon_cols = {k: None for k in P.MARKET_REQUIRED["tmon"]}
    bare_tmon = add(rows, SALES, {**tmon, "group": "티몬-빈칸", "account": "other", **tmon_cols})
    bare_gmarket = add(rows, SALES, {"market": "G마켓", "account": "other", "group": "G마켓-빈칸", **tmon_cols})
    second = add(rows, SALES, {**tmon, "group": "티몬-둘째"})  # the same 티몬 account as 티몬-기본
    twice = add(rows, SALES, {**tmon, "group": "티몬-둘째", "account": "other"})
    bad_cells = add(
        rows,
        SALES,
        {
            **tmon,
            "group": "티몬-칸오류",
            "account": "third",
            "market_category_no": "12A",
            "sales_end": "20240230",
            "delivery_template": "16906 98",
            "product_type": "특수",
        },
    )
    bad_market = add(rows, SALES, {**tmon, "market": "위메프", "group": "위메프-기본"})
    no_group = add(rows, SALES, {**tmon, "group": None})
    dated = add(rows, SALES, {**tmon, "group": "티몬-종료일", "account": "fourth", "sales_end": "20261231"})
    assert [bare_tmon, second] == [FIRST[SALES] + 7, FIRST[SALES] + 9]  # after 티몬-기본 and the 6 other markets

    flat, results = add_cases(
        rows,
        [
            ({"groups": "없는그룹"}, [("판매정보그룹", "unknown-group")]),
            ({"groups": P.EXAMPLE_GROUP}, [("판매정보그룹", "unknown-group")]),
            ({"groups": f"{TMON_GROUP},없는그룹"}, [("판매정보그룹", "unknown-group")]),
            ({"groups": f"{TMON_GROUP},티몬-둘째"}, [("판매정보그룹", "group-conflict")]),
            ({"groups": f"{TMON_GROUP},{GMARKET},{COUPANG}"}, []),
            ({"groups": None}, [("판매정보그룹", "required-value")]),
            # the group's own row carries its problems; its products get group-has-errors
            ({"groups": "티몬-빈칸,G마켓-빈칸"}, [("판매정보그룹", "group-has-errors")]),
            ({"groups": "티몬-종료일"}, []),
        ],
    )
    v = validate(make_book, tmp_path, rows, via)

    assert v.report.flat() == ordered(
        [
            *flat,
            # MARKET_REQUIRED: the 티몬 columns are required on 티몬 rows only
            (SALES, bare_tmon, "제휴몰 카테고리", "required-value"),
            (SALES, bare_tmon, "제휴몰 카테고리번호", "required-value"),
            (SALES, bare_tmon, "판매종료일", "required-value"),
            (SALES, bare_tmon, "배송템플릿", "required-value"),
            (SALES, bare_tmon, "상품유형그룹", "required-value"),
            (SALES, twice, "그룹명", "duplicate-group"),
            (SALES, bad_cells, "제휴몰 카테고리번호", "code-format"),
            (SALES, bad_cells, "판매종료일", "invalid-date"),
            (SALES, bad_cells, "배송템플릿", "code-format"),
            (SALES, bad_cells, "상품유형그룹", "not-in-list"),
            (SALES, bad_market, "마켓", "market-not-supported"),
            (SALES, no_group, "그룹명", "required-value"),
        ]
    )
    assert bare_gmarket not in {p.row for p in v.report if p.sheet == SALES}
    assert dated not in {p.row for p in v.report if p.sheet == SALES}
    assert main_results(v, list(results)) == results
    r = list(results)
    assert markets(v) == [
        ((MAIN, r[3], "판매정보그룹", "group-conflict"), "tmon"),
        ((MAIN, r[6], "판매정보그룹", "group-has-errors"), "tmon"),
        *(
            ((SALES, bare_tmon, h, "required-value"), "tmon")
            for h in sorted(("제휴몰 카테고리", "제휴몰 카테고리번호", "판매종료일", "배송템플릿", "상품유형그룹"))
        ),
    ]
    assert [(t.market.value, t.group) for t in v.targets[r[4]]] == [
        ("tmon", TMON_GROUP),
        ("gmarket", GMARKET),
        ("coupang", COUPANG),
    ]
    assert [t.group for t in v.targets[r[3]]] == [TMON_GROUP]


def test_coupang_and_naver_groups_need_their_own_columns_and_fee_amounts(make_book: MakeBook, tmp_path: Path) -> None:
    rows = sample()
    bare_coupang = add(
        rows, SALES, {"market": "쿠팡", "account": "second", "group": "쿠팡-빈칸", "market_category_no": "56137"}
    )
    paid = add(rows, SALES, {**GROUPS["naver"], "account": "second", "group": "스토어-유료", "delivery_fee": None})
    conditional = add(
        rows,
        SALES,
        {**GROUPS["coupang"], "account": "third", "group": "쿠팡-조건부", "free_over": None, "as_phone": "123"},
    )
    v = validate(make_book, tmp_path, rows, "openpyxl")

    assert v.report.flat() == ordered(
        [
            (SALES, bare_coupang, "택배사", "required-value"),
            (SALES, bare_coupang, "출고지코드", "required-value"),
            (SALES, bare_coupang, "반품지코드", "required-value"),
            (SALES, bare_coupang, "배송비유형", "required-value"),
            (SALES, bare_coupang, "반품배송비", "required-value"),
            (SALES, bare_coupang, "A/S 전화번호", "required-value"),
            (SALES, paid, "기본배송비", "required-value"),
            (SALES, conditional, "무료배송 기준금액", "required-value"),
            (SALES, conditional, "A/S 전화번호", "code-format"),
        ]
    )


# ---------------------------------------------------------------- options on the 상품 sheet

OPTION_CASES: list[Case] = [
    # option-missing
    ({"option_name_1": None, "option_values_1": None}, [("옵션명1", "option-missing")]),
    ({"option_values_1": None}, [("옵션값1", "option-missing")]),
    ({"option_name_1": None}, [("옵션명1", "option-missing")]),
    ({"option_type": "입력형", "option_values_1": None}, []),  # the buyer types the value
    # option-unused
    ({"option_use": "사용안함"}, [("옵션사용", "option-unused")]),
    ({"option_use": "사용안함", "option_type": None, "option_name_1": None, "option_values_1": None}, []),
    # option-characters
    ({"option_name_1": "사이즈!"}, [("옵션명1", "option-characters")]),
    ({"option_values_1": "S,M/L"}, [("옵션값1", "option-characters")]),
    ({"option_name_1": "사이즈 선택", "option_values_1": "아주 작음,M"}, []),
    # option-duplicate
    ({"option_values_1": "S,M,S"}, [("옵션값1", "option-duplicate")]),
    ({"option_name_2": "색상", "option_values_2": "검정,흰색"}, []),
    # option-too-many: 11번가 takes 100 combinations, 티몬 200, only for products sent there
    ({"option_values_1": values("A", 100), "groups": ST11}, []),
    ({"option_values_1": values("A", 101), "groups": ST11}, [("옵션값1", "option-too-many")]),
    ({"option_values_1": values("A", 101), "groups": f"{TMON_GROUP},{COUPANG}"}, []),
    (
        {
            "option_values_1": values("A", 15),
            "option_name_2": "색상",
            "option_values_2": values("B", 10),
            "groups": f"{ST11},{TMON_GROUP}",
        },
        [("옵션값1", "option-too-many")],
    ),
    ({"option_values_1": values("A", 15), "option_name_2": "색상", "option_values_2": values("B", 10)}, []),
    ({"option_values_1": values("A", 100), "option_name_2": "색상", "option_values_2": "검정,흰색"}, []),
    (
        {"option_values_1": values("A", 67), "option_name_2": "색상", "option_values_2": "검정,흰색,빨강"},
        [("옵션값1", "option-too-many")],
    ),
]


def test_options_on_main_sheet(make_book: MakeBook, tmp_path: Path, via: str) -> None:
    rows = sample()
    flat, results = add_cases(rows, OPTION_CASES)
    v = validate(make_book, tmp_path, rows, via)

    assert v.report.flat() == ordered(flat)
    assert main_results(v, list(results)) == results
    r = list(results)
    assert markets(v) == [
        ((MAIN, r[12], "옵션값1", "option-too-many"), "11st"),
        ((MAIN, r[14], "옵션값1", "option-too-many"), "11st"),
        ((MAIN, r[17], "옵션값1", "option-too-many"), "tmon"),
    ]


# ---------------------------------------------------------------- the 옵션조합 sheet


def _combo(code: str, v1: str, extra: str = "0", v2: str | None = None, stock: str = "9999") -> Row:
    return {"code": code, "value_1": v1, "value_2": v2, "extra_price": extra, "on_sale": "Y", "stock": stock}


def test_option_combinations_sheet(make_book: MakeBook, tmp_path: Path, via: str) -> None:
    rows = sample()
    flat, results = add_cases(
        rows,
        [
            ({"price": "10000", "option_values_1": "A,B,C,D,E"}, []),  # 0: price range
            ({"price": "10000", "option_values_1": "A,B"}, [("옵션값1", "option-no-zero-price")]),  # 1
            ({}, []),  # 2: unknown combinations
            ({}, []),  # 3: duplicate combination
            ({"option_name_2": "색상", "option_values_2": "검정,흰색"}, []),  # 4: two options
            # option-price-differs: 종합몰포함 and a 종합몰 target
            ({"option_use": "종합몰포함", "groups": HMALL}, [("옵션사용", "option-price-differs")]),  # 5
            ({"option_use": "오픈마켓만", "groups": HMALL}, []),  # 6
            ({"option_use": "종합몰포함", "groups": HMALL}, []),  # 7: every combination the same price
            ({"option_use": "종합몰포함", "groups": COUPANG}, []),  # 8
            ({"option_use": "종합몰포함", "groups": f"{COUPANG},{HMALL}"}, [("옵션사용", "option-price-differs")]),  # 9
        ],
    )
    code = [f"C{i:03d}" for i in range(10)]
    plus_5000 = add(rows, OPTIONS, _combo(code[0], "B", "5000"))
    plus_5001 = add(rows, OPTIONS, _combo(code[0], "C", "5001"))
    minus_5000 = add(rows, OPTIONS, _combo(code[0], "D", "-5000"))
    minus_5001 = add(rows, OPTIONS, _combo(code[0], "E", "-5001"))
    add(rows, OPTIONS, _combo(code[1], "A", "1000"))
    add(rows, OPTIONS, _combo(code[1], "B", "2000"))
    no_such_value = add(rows, OPTIONS, _combo(code[2], "XXL"))
    too_many_values = add(rows, OPTIONS, _combo(code[2], "S", v2="검정"))
    add(rows, OPTIONS, _combo(code[2], "M", "1000"))
    add(rows, OPTIONS, _combo(code[3], "S", "1000"))
    repeated = add(rows, OPTIONS, _combo(code[3], "S", "1000"))
    add(rows, OPTIONS, _combo(code[4], "S", "1000", v2="흰색"))
    missing_second = add(rows, OPTIONS, _combo(code[4], "M", "1000"))
    unknown = add(rows, OPTIONS, _combo("NOPE01", "S"))
    for i in (5, 6, 8, 9):
        add(rows, OPTIONS, _combo(code[i], "M", "1000"))
    add(rows, OPTIONS, _combo(code[7], "M", "0"))
    v = validate(make_book, tmp_path, rows, via)

    assert v.report.flat() == ordered(
        [
            *flat,
            (OPTIONS, plus_5001, "추가금액", "option-price-range"),
            (OPTIONS, minus_5001, "추가금액", "option-price-range"),
            (OPTIONS, no_such_value, "옵션값1", "option-unknown-combination"),
            (OPTIONS, too_many_values, "옵션값1", "option-unknown-combination"),
            (OPTIONS, repeated, "옵션값1", "option-duplicate-combination"),
            (OPTIONS, missing_second, "옵션값1", "option-unknown-combination"),
            (OPTIONS, unknown, "자체상품코드", "unknown-product"),
        ]
    )
    assert {plus_5000, minus_5000}.isdisjoint(p.row for p in v.report if p.sheet == OPTIONS)
    r = list(results)
    # A product whose 옵션조합 rows are wrong is an error row on the 상품 sheet.
    assert main_results(v, r) == results | {
        r[0]: RowResult.ERROR,
        r[2]: RowResult.ERROR,
        r[3]: RowResult.ERROR,
        r[4]: RowResult.ERROR,
    }
    assert markets(v) == [
        ((MAIN, r[5], "옵션사용", "option-price-differs"), "hmall"),
        ((MAIN, r[9], "옵션사용", "option-price-differs"), "hmall"),
    ]


# ---------------------------------------------------------------- 재고


def test_stock(make_book: MakeBook, tmp_path: Path, via: str) -> None:
    rows = sample()
    no_options = {"option_use": "사용안함", "option_type": None, "option_name_1": None, "option_values_1": None}
    flat, results = add_cases(
        rows,
        [
            ({**no_options, "stock": "0", "groups": COUPANG}, [("기본재고", "stock-zero")]),  # 0
            ({**no_options, "stock": "0"}, [("기본재고", "stock-zero"), ("기본재고", "stock-below-9999")]),  # 1
            ({**no_options, "stock": "1", "groups": COUPANG}, []),  # 2
            ({"stock": "100"}, [("기본재고", "stock-below-9999")]),  # 3: once, for 4 combinations
            ({"stock": "100", "groups": COUPANG}, []),  # 4
            ({"stock": "9999"}, []),  # 5
            ({"stock": "10000"}, []),  # 6
            ({"stock": "0", "groups": COUPANG}, []),  # 7: one combination has stock on 옵션조합
            ({"stock": "9999"}, []),  # 8: one combination below 9999 on 옵션조합
            ({"stock": "0", "option_values_1": "S,M", "groups": COUPANG}, [("기본재고", "stock-zero")]),  # 9
            ({"stock": "0", "option_values_1": "S,M"}, []),  # 10: both combinations 9999 on 옵션조합
        ],
    )
    code = [f"C{i:03d}" for i in range(11)]
    add(rows, OPTIONS, _combo(code[7], "M", stock="5"))
    low = add(rows, OPTIONS, _combo(code[8], "M", stock="10"))
    add(rows, OPTIONS, _combo(code[9], "M", stock="0"))
    add(rows, OPTIONS, _combo(code[10], "S"))
    add(rows, OPTIONS, _combo(code[10], "M"))
    v = validate(make_book, tmp_path, rows, via)

    assert v.report.flat() == ordered([*flat, (OPTIONS, low, "재고", "stock-below-9999")])
    r = list(results)
    assert main_results(v, r) == results | {r[8]: RowResult.WARNING}
    assert {p.severity for p in v.report} == {Severity.WARNING}
    assert markets(v) == [
        ((MAIN, r[1], "기본재고", "stock-below-9999"), "tmon"),
        ((MAIN, r[3], "기본재고", "stock-below-9999"), "tmon"),
        ((OPTIONS, low, "재고", "stock-below-9999"), "tmon"),
    ]


# ---------------------------------------------------------------- 추가상품


def _addon(code: str, **changes: str | None) -> Row:
    return {"code": code, "group": "포장", "name": "선물 포장", "on_sale": "Y", "price": "2000", **changes}


def test_addons(make_book: MakeBook, tmp_path: Path, via: str) -> None:
    rows = sample()
    flat, results = add_cases(
        rows,
        [
            ({}, []),  # 0: 티몬
            ({"groups": COUPANG}, []),  # 1
            ({"groups": HMALL}, []),  # 2: 종합몰
            ({"groups": f"{TMON_GROUP},{COUPANG}"}, []),  # 3
            ({"groups": f"{NAVER},{ST11},{GMARKET}"}, []),  # 4
            ({"groups": COUPANG}, []),  # 5: its 추가상품 row has a cell problem
        ],
    )
    code = [f"C{i:03d}" for i in range(6)]
    on_tmon = add(rows, ADDONS, _addon(code[0]))
    on_coupang = add(rows, ADDONS, _addon(code[1]))
    on_hmall = add(rows, ADDONS, _addon(code[2]))
    on_both = add(rows, ADDONS, _addon(code[3]))
    open_markets = add(rows, ADDONS, _addon(code[4]))
    unknown = add(rows, ADDONS, _addon("NOPE01"))
    no_price = add(rows, ADDONS, _addon(code[5], name="쇼핑백", price=None))
    assert on_tmon == 2  # 추가상품 has no example rows
    v = validate(make_book, tmp_path, rows, via)

    assert v.report.flat() == ordered(
        [
            *flat,
            (ADDONS, on_tmon, "자체상품코드", "addon-not-supported"),
            (ADDONS, on_hmall, "자체상품코드", "addon-not-supported"),
            (ADDONS, on_both, "자체상품코드", "addon-not-supported"),
            (ADDONS, unknown, "자체상품코드", "unknown-product"),
            (ADDONS, no_price, "판매가격", "required-value"),
        ]
    )
    assert {on_coupang, open_markets}.isdisjoint(p.row for p in v.report)
    r = list(results)
    assert main_results(v, r) == {
        r[0]: RowResult.ERROR,
        r[1]: RowResult.SUCCESS,
        r[2]: RowResult.ERROR,
        r[3]: RowResult.ERROR,
        r[4]: RowResult.SUCCESS,
        r[5]: RowResult.ERROR,
    }
    assert markets(v) == [
        ((ADDONS, on_tmon, "자체상품코드", "addon-not-supported"), "tmon"),
        ((ADDONS, on_hmall, "자체상품코드", "addon-not-supported"), "hmall"),
        ((ADDONS, on_both, "자체상품코드", "addon-not-supported"), "tmon"),
    ]


# ---------------------------------------------------------------- 품목고시


def test_notices(make_book: MakeBook, tmp_path: Path, via: str) -> None:
    rows = sample()
    fashion = "패션잡화(모자/벨트/액세서리)"
    fields = P.NOTICE_CATEGORIES[fashion]
    flat, results = add_cases(
        rows,
        [
            ({"notice_separate": "N"}, [("품목고시분류", "notice-incomplete")]),  # 0: 의류, no rows
            ({"notice_separate": None, "notice_category": fashion}, [("품목고시분류", "notice-incomplete")]),  # 1
            ({"notice_separate": None, "notice_category": fashion}, []),  # 2: every field, one on the detail page
            ({"notice_separate": "Y"}, []),  # 3: 상세정보 별도표기
            ({"notice_category": "없는분류"}, [("품목고시분류", "not-in-list")]),  # 4
        ],
    )
    code = [f"C{i:03d}" for i in range(5)]
    for f in fields[:-1]:
        add(rows, NOTICES, {"code": code[1], "field": f, "value": "내용"})
    for f in fields:
        add(rows, NOTICES, {"code": code[2], "field": f, "value": "내용" if f != fields[0] else "상세정보 별도표기"})
    sample_code = rows[MAIN][0]["code"]
    assert sample_code is not None
    not_of_category = add(rows, NOTICES, {"code": sample_code, "field": "색상", "value": "골드"})
    twice = add(rows, NOTICES, {"code": sample_code, "field": fields[0], "value": "귀걸이"})
    not_a_field = add(rows, NOTICES, {"code": sample_code, "field": "없는항목", "value": "값"})
    unknown = add(rows, NOTICES, {"code": "NOPE01", "field": fields[0], "value": "값"})
    empty = add(rows, NOTICES, {"code": code[3], "field": "색상", "value": None})
    v = validate(make_book, tmp_path, rows, via)

    assert v.report.flat() == ordered(
        [
            *flat,
            (NOTICES, not_of_category, "항목", "notice-unknown-field"),
            (NOTICES, twice, "항목", "notice-duplicate-field"),
            (NOTICES, not_a_field, "항목", "not-in-list"),
            (NOTICES, not_a_field, "항목", "notice-unknown-field"),
            (NOTICES, unknown, "자체상품코드", "unknown-product"),
            (NOTICES, empty, "내용", "required-value"),
        ]
    )
    r = list(results)
    assert main_results(v, [3, *r]) == results | {3: RowResult.ERROR, r[3]: RowResult.ERROR}


# ---------------------------------------------------------------- 대표이미지 / 추가이미지


def test_images(make_book: MakeBook, tmp_path: Path, via: str) -> None:
    rows = sample()
    # files are for 스마트스토어 (it uploads them); 티몬 and 쿠팡 take addresses only (image-needs-url)
    flat, results = add_cases(
        rows,
        [
            ({**changes, "groups": changes.get("groups", NAVER)}, expected)
            for changes, expected in [
                ({"main_image": "good1.jpg", "groups": f"{NAVER},{TMON_GROUP}"}, [("대표이미지", "image-needs-url")]),
                (
                    {"main_image": "https://img.example.com/p/A1.jpg", "extra_images": "good1.jpg", "groups": COUPANG},
                    [("추가이미지", "image-needs-url")],
                ),
                ({"main_image": "good1.jpg"}, []),
                ({"main_image": "GOOD2.JPEG"}, []),
                ({"main_image": "https://img.example.com/p/A1.jpg?w=100"}, []),
                ({"main_image": "edge1.jpg"}, []),  # exactly 3MB
                ({"main_image": "상품사진.jpg"}, [("대표이미지", "image-name")]),
                ({"main_image": "photo 1.jpg"}, [("대표이미지", "image-name")]),
                ({"main_image": "photo1.png"}, [("대표이미지", "image-name")]),
                ({"main_image": "https://img.example.com/p/a_1.jpg"}, [("대표이미지", "image-name")]),
                ({"main_image": "missing1.jpg"}, [("대표이미지", "image-not-found")]),
                ({"main_image": "fake1.jpg"}, [("대표이미지", "image-format")]),  # a PNG named .jpg
                ({"main_image": "text1.jpg"}, [("대표이미지", "image-format")]),  # not a picture at all
                ({"main_image": "small1.jpg"}, [("대표이미지", "image-size")]),  # 999×1000
                ({"main_image": "big1.jpg"}, [("대표이미지", "image-too-large")]),  # 3MB + 1 byte
                ({"main_image": "bigpng1.jpg"}, [("대표이미지", "image-too-large"), ("대표이미지", "image-format")]),
                ({"main_image": "ftp://img.example.com/A1.jpg"}, [("대표이미지", "image-url")]),
                ({"main_image": None}, [("대표이미지", "required-value")]),
                ({"extra_images": "good1.jpg,https://img.example.com/A2.jpg"}, []),
                ({"extra_images": "good1.jpg,missing2.jpg"}, [("추가이미지", "image-not-found")]),
                ({"extra_images": "small1.jpg"}, [("추가이미지", "image-size")]),
            ]
        ],
    )
    v = validate(
        make_book,
        tmp_path,
        rows,
        via,
        images={
            "good1.jpg": image(),
            "GOOD2.JPEG": image(),
            "edge1.jpg": image(pad_to=MB3),
            "photo1.png": image(fmt="PNG"),
            "fake1.jpg": image(fmt="PNG"),
            "text1.jpg": "이미지가 아닙니다".encode(),
            "small1.jpg": image((999, 1000)),
            "big1.jpg": image(pad_to=MB3 + 1),
            "bigpng1.jpg": image(fmt="PNG", pad_to=MB3 + 1),
        },
    )

    assert v.report.flat() == ordered(flat)
    assert main_results(v, list(results)) == results


# ---------------------------------------------------------------- bugs: how the rules SHOULD behave


def test_stock_below_9999_reports_option_rows_after_a_low_base_stock(
    make_book: MakeBook, tmp_path: Path, via: str
) -> None:
    rows = sample()
    flat, _ = add_cases(rows, [({"stock": "100"}, [("기본재고", "stock-below-9999")])])
    low = add(rows, OPTIONS, _combo("C000", "XL", stock="5"))  # XL comes after S, M, L (기본재고 100)
    v = validate(make_book, tmp_path, rows, via)

    assert v.report.flat() == ordered([*flat, (OPTIONS, low, "재고", "stock-below-9999")])


def test_option_duplicate_name_is_reported_on_the_name(make_book: MakeBook, tmp_path: Path, via: str) -> None:
    rows = sample()
    flat, _ = add_cases(
        rows, [({"option_name_2": "사이즈", "option_values_2": "A,B"}, [("옵션명2", "option-duplicate")])]
    )
    v = validate(make_book, tmp_path, rows, via)

    assert v.report.flat() == ordered(flat)


def test_option_problems_land_on_their_own_columns(make_book: MakeBook, tmp_path: Path, via: str) -> None:
    rows = sample()
    _, results = add_cases(
        rows,
        [({"option_name_1": None, "option_values_1": None, "option_name_2": "사이즈", "option_values_2": "S,M,S"}, [])],
    )
    (row,) = results
    v = validate(make_book, tmp_path, rows, via)

    found = v.report.flat()
    assert (MAIN, row, "옵션값1", "option-duplicate") not in found  # 옵션값1 is empty
    assert (MAIN, row, "옵션값2", "option-duplicate") in found


def test_image_with_huge_dimensions_is_an_image_size_problem(make_book: MakeBook, tmp_path: Path, via: str) -> None:
    rows = sample()
    flat, _ = add_cases(rows, [({"main_image": "pano1.jpg", "groups": NAVER}, [("대표이미지", "image-size")])])
    data = bytearray(image((16, 16)))
    i = 2  # after SOI, walk the segments to the baseline frame header (FF C0)
    while data[i + 1] != 0xC0:
        i += 2 + int.from_bytes(data[i + 2 : i + 4], "big")
    # FF C0, length(2), precision(1), height(2), width(2): a 20000×10000 panorama of a few hundred bytes
    data[i + 5 : i + 9] = (10_000).to_bytes(2, "big") + (20_000).to_bytes(2, "big")
    v = validate(make_book, tmp_path, rows, via, images={"pano1.jpg": bytes(data)})

    assert v.report.flat() == ordered(flat)


def test_groups_cell_without_a_group_name(make_book: MakeBook, tmp_path: Path, via: str) -> None:
    rows = sample()
    flat, results = add_cases(rows, [({"groups": " , "}, [("판매정보그룹", "no-target-market")])])
    v = validate(make_book, tmp_path, rows, via)

    assert v.report.flat() == ordered(flat)
    assert main_results(v, list(results)) == results


def test_products_of_a_broken_group_are_not_sent(make_book: MakeBook, tmp_path: Path, via: str) -> None:
    rows = sample()
    bare = add(rows, SALES, {**sales_rows()[0], "group": "티몬-빈칸", "account": "other", "delivery_template": None})
    _, results = add_cases(rows, [({"groups": "티몬-빈칸"}, [])])
    v = validate(make_book, tmp_path, rows, via)

    (row,) = results
    assert v.report.flat() == [
        (MAIN, row, "판매정보그룹", "group-has-errors"),
        (SALES, bare, "배송템플릿", "required-value"),
    ]
    assert main_results(v, list(results)) == dict.fromkeys(results, RowResult.ERROR)
    assert v.has_errors


def test_a_group_name_on_two_marketplaces_is_not_silently_dropped(
    make_book: MakeBook, tmp_path: Path, via: str
) -> None:
    rows = sample()
    coupang = add(rows, SALES, {"market": "쿠팡", "account": "main", "group": TMON_GROUP})
    _, results = add_cases(rows, [({"groups": TMON_GROUP}, [])])
    (row,) = results
    v = validate(make_book, tmp_path, rows, via)

    sent_to = {t.market.value for t in v.targets[row]}
    reported = (SALES, coupang, "그룹명", "duplicate-group") in v.report.flat()
    # Either the name reaches both marketplaces, or the ambiguous second group is reported.
    assert sent_to == {"tmon", "coupang"} or reported


# ---------------------------------------------------------------- 11번가's own rules


def test_11st_rules_apply_only_to_products_sent_there(make_book: MakeBook, tmp_path: Path) -> None:
    """EUC-KR on every cell sent to 11번가 (the 상품 row, its sub-sheet rows, its 판매정보 group), 판매가 in 10원
    units; the same cells for 티몬 only are fine. A bare 11번가 group needs every 11번가 column."""
    rows = sample()
    flat, _ = add_cases(
        rows,
        [
            ({"groups": ST11, "maker": "예시😀상사"}, [("제조사", "euc-kr-unsafe")]),  # 0
            ({"groups": ST11, "detail": "<p>café 티셔츠</p>"}, [("상세설명", "euc-kr-unsafe")]),  # 1
            ({"groups": ST11, "price": "14005"}, [("대표가격", "price-unit")]),  # 2
            ({"maker": "예시😀상사", "price": "14005"}, []),  # 3: 티몬 only
            ({"groups": ST11, "maker": "㈜예시 丁 ♥", "price": "14010"}, []),  # 4: EUC-KR has these
            ({"groups": ST11}, []),  # 5: its 품목고시 row below has an emoji
            ({"groups": ST11, "maker": "김똠"}, [("제조사", "euc-kr-unsafe")]),  # 6: 똠 is not KS X 1001 (8 bytes)
            ({"groups": ST11}, [("판매정보그룹", "group-has-errors")]),  # 7: the group's A/S 안내 has an emoji
        ],
        prefix="E",
    )
    main_row = {f"E{i:03d}": FIRST[MAIN] + len(product_rows(2)[MAIN]) + i for i in range(8)}
    rows[MAIN][-1]["groups"] = "11번가-이모지"
    category = rows[MAIN][1]["notice_category"]
    assert category is not None
    field = P.NOTICE_CATEGORIES[category][0]
    notice = add(rows, NOTICES, {"code": "E005", "field": field, "value": "면 100% 🧵"})
    tmon_notice = add(rows, NOTICES, {"code": "E003", "field": field, "value": "면 100% 🧵"})
    emoji_group = add(
        rows,
        SALES,
        {
            **ST11_FILLED,
            "market": "11번가",
            "account": "second",
            "group": "11번가-이모지",
            "as_guide": "문의 주세요 🙂",
        },
    )
    bare = add(rows, SALES, {"market": "11번가", "account": "third", "group": "11번가-빈칸"})
    v = validate(make_book, tmp_path, rows, "openpyxl")

    st11_columns = ("발송마감 템플릿번호", "출고지 주소순번", "반품/교환지 주소순번", "배송비유형", "반품배송비")
    assert v.report.flat() == ordered(
        [
            *flat,
            (NOTICES, notice, "내용", "euc-kr-unsafe"),
            (SALES, emoji_group, "A/S 안내", "euc-kr-unsafe"),
            *[
                (SALES, bare, column, "required-value")
                for column in (
                    "제휴몰 카테고리번호",
                    *st11_columns,
                    "교환배송비",
                    "A/S 안내",
                    "반품/교환 안내",
                )
            ],
        ]
    )
    assert tmon_notice not in {p.row for p in v.report if p.sheet == NOTICES}
    by_code = {p.product: p for p in v.report if p.code == "euc-kr-unsafe" and p.product}
    assert "'😀'(U+1F600)" in by_code["E000"].message and "11번가는 EUC-KR" in by_code["E000"].message
    assert "'é'(U+00E9)" in by_code["E001"].message
    assert "'똠'(U+B620)" in by_code["E006"].message
    assert all(p.market == "11st" for p in v.report if p.code in ("euc-kr-unsafe", "price-unit"))
    assert main_results(v, list(main_row.values())) == {
        main_row["E000"]: RowResult.ERROR,
        main_row["E001"]: RowResult.ERROR,
        main_row["E002"]: RowResult.ERROR,
        main_row["E003"]: RowResult.SUCCESS,
        main_row["E004"]: RowResult.SUCCESS,
        main_row["E005"]: RowResult.ERROR,
        main_row["E006"]: RowResult.ERROR,
        main_row["E007"]: RowResult.ERROR,
    }


def test_euc_kr_unsafe_lists_each_character_once() -> None:
    from batch.importers.product_rules import euc_kr_unsafe

    assert euc_kr_unsafe("가나다 ㈜ 丁 ♥ ~") == []
    assert euc_kr_unsafe("😀a😀é\u200b") == ["😀", "é", "\u200b"]
    # Hangul outside KS X 1001: euc-kr writes it as 8 bytes (\xa4\xd4…) a CP949 server shows as jamo
    assert euc_kr_unsafe("김똠 햏 뷁") == ["똠", "햏", "뷁"]
