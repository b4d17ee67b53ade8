"""The 상품대량등록 template: every column and rule, declared once (template, guide, validator)."""

from __future__ import annotations

import re
from dataclasses import replace

import pandas as pd

from batch.models import SENDS_TO_LABELS
from batch.sheetspec import CellRule, Col, Kind, SheetSpec, TemplateSpec
from batch.trade.couriers import COURIERS
from batch.trade.notices import ALL_NOTICE_FIELDS, NOTICE_CATEGORIES, SEPARATE_NOTICE
from batch.trade.textwidth import HANGUL, width

KIND = "products"
VERSION = 1

MAIN = "상품"
OPTIONS = "옵션조합"
ADDONS = "추가상품"
NOTICES = "품목고시"
SALES = "판매정보"

EXAMPLE_CODE = "SAMPLE0001"
EXAMPLE_GROUP = "티몬-예시그룹"
UNLIMITED = "무기한"
# A sub-sheet may hold five rows per product on average (200,000 products: 1,000,000 rows, about a full worksheet);
# its memory then stays within a few times the main sheet's.
SUB_ROWS_PER_PRODUCT = 5

TOP_CATEGORIES = (
    "스포츠/레저/취미",
    "문구/사무",
    "가구/홈데코",
    "유아동/출산",
    "의류",
    "뷰티",
    "디지털/가전",
    "식품",
    "패션잡화",
    "생활/주방/건강",
    "기타",
)
# 대분류 where the manual expects 제조일자 / 유효일자.
DATED_CATEGORIES = frozenset({"식품", "디지털/가전", "뷰티"})

CERT_TYPES = (
    "생활용품 안전인증",
    "생활용품 안전확인",
    "생활용품 공급자적합성확인",
    "전기용품 안전인증",
    "전기용품 안전확인",
    "전기용품 공급자적합성확인",
    "어린이제품 안전인증",
    "어린이제품 안전확인",
    "어린이제품 공급자적합성확인",
    "방송통신기자재 적합인증",
    "방송통신기자재 적합등록",
    "방송통신기자재 잠정인증",
    "안전기준준수대상",
    "기타 인증",
)
MAX_CERTS = 5
MAX_OPTIONS = 3

PROMOTION_WORDS = (
    "무료배송",
    "무배",
    "특가",
    "최저가",
    "할인",
    "세일",
    "sale",
    "이벤트",
    "사은품",
    "증정",
    "1+1",
    "2+1",
    "핫딜",
    "쿠폰",
    "당일발송",
    "당일배송",
    "파격",
    "한정수량",
    "best",
    "베스트",
)

DELIVERY_FEE_TYPES = ("무료", "유료", "조건부무료")
# TMON's productType groups DP01–DP07 ([T1] richbeam/mcs_tmon_api ProdServiceImpl.getProducts); batch/marketplaces/tmon.py
# maps each label to its code.
PRODUCT_TYPE_GROUPS = (
    "냉장/냉동/신선식품",
    "해외직배송",
    "해외구매대행",
    "화물/설치",
    "주문제작",
    "주문후발주",
    "일반상품",
)

# G마켓·옥션 (ESM 2.0, etapi post 20): the sites one registration sells on, and itemAddtionalInfo.sellingPeriod
# (-1 무제한, 15, 30, 60, 90 days)
ESM_SITES = ("G마켓,옥션", "G마켓", "옥션")
ESM_PERIODS = ("무제한", "15", "30", "60", "90")


def _number(key: str, header: str, description: str, *, max_len: int = 20, example: str = "") -> Col:
    """A 판매정보 column holding a number the marketplace gave (a template, place or policy number): digits only."""
    return Col(
        key,
        header,
        description,
        kind=Kind.CODE,
        max_len=max_len,
        pattern=DIGITS,
        pattern_hint="숫자만",
        example=example,
    )


LISTS: dict[str, tuple[str, ...]] = {
    "상품상태": ("판매가능", "판매불가"),
    "과세구분": ("과세", "면세"),
    "원산지": ("농산물", "수산물", "가공품", "원산지표시대상아님"),
    "YN": ("Y", "N"),
    "인증대상": ("인증대상아님", "인증대상"),
    "인증유형": CERT_TYPES,
    "품목고시분류": tuple(NOTICE_CATEGORIES),
    "품목고시항목": (*ALL_NOTICE_FIELDS,),
    "옵션사용": ("사용안함", "오픈마켓만", "종합몰포함"),
    "옵션형식": ("조합형", "입력형"),
    "마켓": SENDS_TO_LABELS,
    "택배사": COURIERS,
    "상품유형그룹": PRODUCT_TYPE_GROUPS,
    "배송비유형": DELIVERY_FEE_TYPES,
    "대분류": TOP_CATEGORIES,
    "판매사이트": ESM_SITES,
    "판매기간": ESM_PERIODS,
}

CODE_PATTERN = r"[A-Za-z0-9_\-]+"
NAME_MAX_WIDTH = 40
NAME_CHARS = r"(?:[^\W_]|[ ()/+\-~])+"
OPTION_CHARS = r"(?:[^\W_]| )+"
OPTION_VALUES_CHARS = r"(?:[^\W_]| |,)+"
# Latin words match whole words only; 세일 not inside 세일러 (a sailor collar is no sale).
_PROMOTION = re.compile(
    "|".join(rf"\b{re.escape(w)}\b" if w.isascii() and w.isalpha() else re.escape(w) for w in PROMOTION_WORDS).replace(
        "세일", "세일(?!러)"
    ),
    re.IGNORECASE,
)
_CATEGORY_SPLIT = r"\s*>\s*"


def _name_width_ok(s: pd.Series) -> pd.Series:
    return (s.str.len() + s.str.count(HANGUL.pattern)) <= NAME_MAX_WIDTH


def _category_ok(s: pd.Series) -> pd.Series:
    parts = s.map(lambda v: re.split(_CATEGORY_SPLIT, v))
    return parts.map(lambda p: len(p) == 3 and p[0] in TOP_CATEGORIES and all(x.strip() for x in p))


def _explain_width(v: str) -> str:
    return f"상품명이 {width(v)}칸입니다 (한글 2, 그 밖의 글자 1로 세어 {NAME_MAX_WIDTH}칸까지). 줄여 주세요."


def _explain_chars(v: str) -> str:
    bad = "".join(dict.fromkeys(re.sub(NAME_CHARS, "", v)))
    return f"상품명에 쓸 수 없는 특수문자가 있습니다: {bad}  ( ) / + - ~ 만 쓸 수 있습니다."


def _explain_promotion(v: str) -> str:
    words = ", ".join(dict.fromkeys(m.group(0) for m in _PROMOTION.finditer(v)))
    return f"상품명에 홍보 문구({words})가 있습니다. 빼 주세요."


def _explain_category(v: str) -> str:
    return (
        f"카테고리 '{v[:40]}'은(는) '대분류 > 중분류 > 소분류' 형식이 아니거나 대분류가 목록에 없습니다 "
        f"(대분류: {', '.join(TOP_CATEGORIES)})."
    )


NAME_RULES = (
    CellRule("name-width", _name_width_ok, explain=_explain_width),
    CellRule("name-characters", lambda s: s.str.fullmatch(NAME_CHARS), explain=_explain_chars),
    CellRule("name-promotion", lambda s: ~s.str.contains(_PROMOTION), explain=_explain_promotion),
)
DIGITS = r"[0-9]+"


def _cert_columns() -> tuple[Col, ...]:
    cols: list[Col] = []
    for i in range(1, MAX_CERTS + 1):
        cols += [
            Col(
                f"cert_type_{i}",
                f"인증유형{i}",
                f"{i}번째 인증의 종류",
                kind=Kind.CHOICE,
                choices="인증유형",
                example="어린이제품 안전확인" if i == 1 else "",
            ),
            Col(
                f"cert_agency_{i}",
                f"인증기관{i}",
                f"{i}번째 인증의 인증기관",
                max_len=50,
                example="한국화학융합시험연구원" if i == 1 else "",
            ),
            Col(
                f"cert_no_{i}",
                f"인증번호{i}",
                f"{i}번째 인증의 인증번호",
                kind=Kind.CODE,
                max_len=50,
                example="CB063R1234-5001" if i == 1 else "",
            ),
        ]
    return tuple(cols)


def _option_columns() -> tuple[Col, ...]:
    cols: list[Col] = []
    examples = {1: ("색상", "골드,실버,로즈골드"), 2: ("사이즈", "S,M"), 3: ("", "")}
    for i in range(1, MAX_OPTIONS + 1):
        cols += [
            Col(
                f"option_name_{i}",
                f"옵션명{i}",
                f"{i}번째 옵션의 이름 (예: 색상)",
                max_len=25,
                pattern=OPTION_CHARS,
                pattern_code="option-characters",
                pattern_hint="특수문자 금지",
                example=examples[i][0],
            ),
            Col(
                f"option_values_{i}",
                f"옵션값{i}",
                f"{i}번째 옵션의 값들, 쉼표로 구분 (예: 골드,실버)",
                kind=Kind.LIST,
                max_len=1000,
                pattern=OPTION_VALUES_CHARS,
                pattern_code="option-characters",
                pattern_hint="특수문자 금지",
                example=examples[i][1],
            ),
        ]
    return tuple(cols)


def _product_key(example: str) -> Col:
    """The 자체상품코드 column of a sub-sheet: links its rows to the 상품 sheet."""
    return Col(
        "code", "자체상품코드", "상품 시트의 자체상품코드", required=True, kind=Kind.CODE, max_len=10, example=example
    )


MAIN_SHEET = SheetSpec(
    name=MAIN,
    description="상품 한 개가 한 행입니다. 빨간 제목(*)은 필수입니다.",
    key="code",
    synonyms=("상품정보", "상품목록", "Sheet1"),
    columns=(
        Col(
            "code",
            "자체상품코드",
            "판매자가 정하는 상품 코드. 다시 올릴 때 같은 상품을 찾는 열쇠입니다.",
            required=True,
            kind=Kind.CODE,
            max_len=10,
            pattern=CODE_PATTERN,
            pattern_hint="영문·숫자·-·_",
            synonyms=("판매자상품코드", "상품관리코드", "관리코드"),
            example=EXAMPLE_CODE,
        ),
        Col(
            "name",
            "상품명",
            "브랜드+상품명+모델명. 한글 20자(영문 40자) 이내, 특수문자는 ( ) / + - ~ 만",
            required=True,
            synonyms=("상품 이름",),
            example="예시브랜드 14K 골드 귀걸이 (E-101)",
            width=36,
            rules=NAME_RULES,
        ),
        Col(
            "status",
            "상품상태",
            "판매가능 또는 판매불가",
            required=True,
            kind=Kind.CHOICE,
            choices="상품상태",
            example="판매가능",
        ),
        Col(
            "category",
            "카테고리",
            "대분류 > 중분류 > 소분류",
            required=True,
            example="패션잡화 > 주얼리/시계 > 귀걸이/목걸이",
            width=34,
            rules=(CellRule("category-format", _category_ok, explain=_explain_category),),
        ),
        Col(
            "groups",
            "판매정보그룹",
            "판매정보 시트의 그룹명. 여러 마켓이면 쉼표로 구분",
            required=True,
            kind=Kind.LIST,
            synonyms=("판매정보 그룹", "그룹명"),
            example=EXAMPLE_GROUP,
            width=22,
        ),
        Col(
            "price",
            "대표가격",
            "판매가(원), 숫자만",
            required=True,
            kind=Kind.INT,
            min_value=10,
            max_value=1_000_000_000,
            synonyms=("판매가", "판매가격", "공급원가", "대표가격(공급원가)"),
            example="39000",
        ),
        Col("tax", "과세구분", "과세 또는 면세", required=True, kind=Kind.CHOICE, choices="과세구분", example="과세"),
        Col("maker", "제조사", "제조사 이름", required=True, max_len=50, synonyms=("제조원",), example="예시주얼리"),
        Col("brand", "브랜드", "브랜드 이름", required=True, max_len=50, example="예시브랜드"),
        Col("model", "모델명", "모델명", max_len=30, example="E-101"),
        Col("model_no", "모델NO", "모델 번호", kind=Kind.CODE, max_len=30, synonyms=("모델번호",), example="E101"),
        Col("origin", "원산지", "원산지 구분", required=True, kind=Kind.CHOICE, choices="원산지", example="가공품"),
        Col("made_on", "제조일자", "YYYYMMDD, 식품·전자제품·화장품은 권장", kind=Kind.DATE, example="20240105"),
        Col("expires_on", "유효일자", "YYYYMMDD, 식품·전자제품·화장품은 권장", kind=Kind.DATE, example=""),
        Col("region", "판매지역", "전국 또는 지역 이름", required=True, max_len=30, example="전국"),
        Col("adult", "성인인증", "성인만 살 수 있는 상품이면 Y", kind=Kind.CHOICE, choices="YN", example="N"),
        Col("keywords", "상품키워드", "검색어, 쉼표로 구분", kind=Kind.LIST, max_len=200, example="귀걸이,골드귀걸이"),
        Col(
            "detail",
            "상세설명",
            "상세 페이지 HTML (이미지 태그 가능)",
            required=True,
            max_len=32_000,
            example='<p>14K 골드 귀걸이</p><img src="https://example.com/detail1.jpg">',
            width=30,
        ),
        Col(
            "main_image",
            "대표이미지",
            "images 폴더의 파일 이름 또는 https:// 주소. 1000×1000, 3MB 이하 JPEG",
            required=True,
            max_len=500,
            synonyms=("대표 이미지",),
            example="https://example.com/E101.jpg",
            width=30,
        ),
        Col(
            "extra_images",
            "추가이미지",
            "추가 이미지 파일 이름 또는 주소, 쉼표로 구분",
            kind=Kind.LIST,
            max_len=2000,
            example="",
        ),
        Col(
            "cert_required",
            "인증대상",
            "인증대상아님 또는 인증대상",
            required=True,
            kind=Kind.CHOICE,
            choices="인증대상",
            example="인증대상",
        ),
        *_cert_columns(),
        Col(
            "notice_category",
            "품목고시분류",
            "상품정보제공고시 품목",
            required=True,
            kind=Kind.CHOICE,
            choices="품목고시분류",
            synonyms=("품목고시", "품목"),
            example="패션잡화(모자/벨트/액세서리)",
            width=30,
        ),
        Col(
            "notice_separate",
            "상세정보 별도표기",
            "Y면 품목고시 항목을 모두 상세페이지에 표기한 것으로 봅니다",
            kind=Kind.CHOICE,
            choices="YN",
            example="N",
        ),
        Col(
            "option_use",
            "옵션사용",
            "사용안함 / 오픈마켓만 / 종합몰포함",
            required=True,
            kind=Kind.CHOICE,
            choices="옵션사용",
            example="오픈마켓만",
        ),
        Col(
            "option_type",
            "옵션형식",
            "조합형 또는 입력형(구매자가 입력)",
            kind=Kind.CHOICE,
            choices="옵션형식",
            example="조합형",
        ),
        *_option_columns(),
        Col(
            "stock",
            "기본재고",
            "옵션조합 시트에 없는 조합(또는 옵션 없는 상품)의 재고",
            required=True,
            kind=Kind.INT,
            min_value=0,
            max_value=99_999,
            synonyms=("재고", "재고수량"),
            example="9999",
        ),
    ),
)

OPTION_SHEET = SheetSpec(
    name=OPTIONS,
    rows_per_item=SUB_ROWS_PER_PRODUCT,
    description="옵션 조합마다 추가금액·판매여부·재고가 다를 때만 한 행씩 적습니다. 없는 조합은 추가금액 0, 판매, 기본재고입니다.",
    key="code",
    optional=True,
    columns=(
        _product_key(EXAMPLE_CODE),
        Col("value_1", "옵션값1", "옵션명1의 값 하나", required=True, max_len=50, example="골드"),
        Col("value_2", "옵션값2", "옵션명2의 값 하나", max_len=50, example="S"),
        Col("value_3", "옵션값3", "옵션명3의 값 하나", max_len=50, example=""),
        Col(
            "extra_price",
            "추가금액",
            "대표가격에 더하는 금액(원), 음수 가능",
            required=True,
            kind=Kind.INT,
            min_value=-1_000_000_000,
            max_value=1_000_000_000,
            example="5000",
        ),
        Col("on_sale", "판매여부", "Y 판매, N 판매중지", required=True, kind=Kind.CHOICE, choices="YN", example="Y"),
        Col(
            "stock",
            "재고",
            "이 조합의 재고",
            required=True,
            kind=Kind.INT,
            min_value=0,
            max_value=99_999,
            example="9999",
        ),
    ),
)

ADDON_SHEET = SheetSpec(
    name=ADDONS,
    rows_per_item=SUB_ROWS_PER_PRODUCT,
    description="추가상품(추가구성상품)이 있을 때 한 행씩 적습니다. 티몬과 종합몰은 추가상품을 받지 않습니다.",
    key="code",
    optional=True,
    columns=(
        _product_key(""),
        Col("group", "추가상품그룹", "추가상품 그룹 이름", required=True, max_len=30, synonyms=("그룹명",)),
        Col("name", "추가상품명", "추가상품 이름", required=True, max_len=30),
        Col("on_sale", "판매여부", "Y 판매, N 판매중지", required=True, kind=Kind.CHOICE, choices="YN"),
        Col(
            "price",
            "판매가격",
            "추가상품 가격(원)",
            required=True,
            kind=Kind.INT,
            min_value=0,
            max_value=100_000_000,
            synonyms=("가격",),
        ),
    ),
)

NOTICE_SHEET = SheetSpec(
    name=NOTICES,
    rows_per_item=SUB_ROWS_PER_PRODUCT,
    description=f"품목고시 항목을 한 행에 하나씩 적습니다. 상세페이지에 있으면 내용에 '{SEPARATE_NOTICE}'.",
    key="code",
    optional=True,
    columns=(
        _product_key(EXAMPLE_CODE),
        Col(
            "field",
            "항목",
            "품목고시분류의 항목 이름",
            required=True,
            kind=Kind.CHOICE,
            choices="품목고시항목",
            example="종류",
            width=30,
        ),
        Col(
            "value",
            "내용",
            f"항목의 내용 또는 '{SEPARATE_NOTICE}'",
            required=True,
            max_len=1000,
            example="귀걸이",
            width=40,
        ),
    ),
)

SALES_SHEET = SheetSpec(
    name=SALES,
    description="마켓·판매자ID마다 판매정보 그룹을 만들고, 상품 시트의 판매정보그룹 칸에 그룹명을 적습니다.",
    optional=False,
    columns=(
        Col(
            "market",
            "마켓",
            "등록할 마켓",
            required=True,
            kind=Kind.CHOICE,
            choices="마켓",
            example="티몬",
            strict_choice=False,  # product_rules names the marketplaces this version sends to
        ),
        Col(
            "account",
            "판매자ID",
            "batch.toml에 적은 그 마켓의 계정 이름",
            required=True,
            max_len=50,
            synonyms=("판매자 ID", "계정"),
            example="main",
        ),
        Col("group", "그룹명", "알아보기 쉬운 그룹 이름", required=True, max_len=50, example=EXAMPLE_GROUP),
        Col(
            "market_category",
            "제휴몰 카테고리",
            "마켓의 카테고리 (티몬: 대 > 중 > 소 > 상세) [티몬 필수]",
            max_len=200,
            example="브랜드패션 > 패션소품 > 기타 패션소품",
            width=34,
        ),
        _number(
            "market_category_no",
            "제휴몰 카테고리번호",
            "마켓 카테고리 번호 (쿠팡 노출카테고리코드, 스마트스토어 리프 카테고리 ID, 11번가 마지막 단계 카테고리 번호) [필수]",
            example="20200300",
        ),
        Col(
            "sales_end",
            "판매종료일",
            f"YYYYMMDD 또는 '{UNLIMITED}' [티몬 필수]",
            kind=Kind.DATE,
            extra_values=(UNLIMITED,),
            example=UNLIMITED,
        ),
        Col(
            "courier",
            "택배사",
            "출고 택배사 [쿠팡·스마트스토어·G마켓·옥션 필수]",
            kind=Kind.CHOICE,
            choices="택배사",
            example="CJ대한통운",
        ),
        _number("delivery_template", "배송템플릿", "티몬 배송템플릿 번호 [티몬 필수]", example="1690698"),
        _number(
            "send_close_template",
            "발송마감 템플릿번호",
            "11번가 셀러오피스에 만든 발송마감 템플릿의 번호 [11번가 필수]",
        ),
        Col(
            "product_type",
            "상품유형그룹",
            "배송템플릿과 같은 상품유형그룹 [티몬 필수]",
            kind=Kind.CHOICE,
            choices="상품유형그룹",
            example="일반상품",
        ),
        _number("outbound_place", "출고지코드", "쿠팡 WING에 등록한 출고지의 코드 [쿠팡 필수]"),
        _number("return_center", "반품지코드", "쿠팡 WING에 등록한 반품지의 코드 [쿠팡 필수]"),
        _number(
            "address_out",
            "출고지 주소순번",
            "11번가 셀러오피스 주소록에 등록한 출고지의 주소순번 [11번가 필수]",
            max_len=10,
        ),
        _number(
            "address_in",
            "반품/교환지 주소순번",
            "반품/교환지 주소: 11번가 주소순번, G마켓·옥션 판매자주소번호 [11번가·G마켓·옥션 필수]",
            max_len=10,
        ),
        Col(
            "delivery_fee_type",
            "배송비유형",
            "무료 / 유료 / 조건부무료 [쿠팡·스마트스토어·11번가 필수]",
            kind=Kind.CHOICE,
            choices="배송비유형",
            example="",
        ),
        Col(
            "delivery_fee",
            "기본배송비",
            "유료·조건부무료일 때의 배송비(원)",
            kind=Kind.INT,
            min_value=0,
            max_value=100_000,
            example="",
        ),
        Col(
            "free_over",
            "무료배송 기준금액",
            "조건부무료: 이 금액 이상 사면 무료(원)",
            kind=Kind.INT,
            min_value=0,
            max_value=10_000_000,
            example="",
        ),
        Col(
            "return_fee",
            "반품배송비",
            "편도 반품배송비(원) [쿠팡·스마트스토어·11번가·G마켓·옥션 필수]",
            kind=Kind.INT,
            min_value=0,
            max_value=100_000,
            example="",
        ),
        Col(
            "exchange_fee",
            "교환배송비",
            "왕복 교환배송비(원) [스마트스토어·11번가 필수]",
            kind=Kind.INT,
            min_value=0,
            max_value=200_000,
            example="",
        ),
        Col(
            "as_phone",
            "A/S 전화번호",
            "고객이 A/S를 문의할 전화번호 [쿠팡·스마트스토어 필수]",
            kind=Kind.CODE,
            max_len=20,
            pattern=r"0\d{1,3}-?\d{3,4}-?\d{4}|1\d{3}-?\d{4}",
            pattern_hint="예: 02-123-4567, 1588-1234",
            example="",
        ),
        Col(
            "sites",
            "판매 사이트",
            "G마켓·옥션: 한 번 등록으로 팔 사이트 (비우면 계정에 ID가 있는 사이트 모두)",
            kind=Kind.CHOICE,
            choices="판매사이트",
            example="",
        ),
        _number("gmarket_category", "G마켓 카테고리코드", "G마켓 최하위(리프) 카테고리 코드 [G마켓에 팔 때 필수]"),
        _number("auction_category", "옥션 카테고리코드", "옥션 최하위(리프) 카테고리 코드 [옥션에 팔 때 필수]"),
        _number("esm_category", "ESM 카테고리코드", "ESM 카테고리 코드 (선택)"),
        _number("ship_place", "출하지번호", "ESM+에 등록한 출하지의 번호 [G마켓·옥션 필수]"),
        _number(
            "dispatch_policy", "발송정책번호", "ESM+에 만든 발송정책의 번호, 두 사이트 같은 번호 [G마켓·옥션 필수]"
        ),
        _number(
            "bundle_fee_template",
            "묶음배송비 정책번호",
            "ESM+ 묶음배송비 정책번호. 비우면 배송비유형·기본배송비로 상품별 배송비",
        ),
        Col(
            "selling_period",
            "판매기간",
            "G마켓·옥션 판매기간(일): 15 / 30 / 60 / 90 (비우면 90). 무제한은 3PL 상품만 받습니다",
            kind=Kind.CHOICE,
            choices="판매기간",
            example="",
        ),
        Col(
            "as_guide",
            "A/S 안내",
            "A/S 안내 문구 (비우면 '상세페이지 참조') [11번가 필수]",
            max_len=200,
            example="",
        ),
        Col(
            "return_guide",
            "반품/교환 안내",
            "반품·교환 방법과 조건 안내 문구 [11번가 필수]",
            max_len=500,
            example="",
        ),
    ),
)

# Columns of the 판매정보 sheet each marketplace needs (the rest are optional for it).
MARKET_REQUIRED: dict[str, tuple[str, ...]] = {
    "tmon": ("market_category", "market_category_no", "sales_end", "delivery_template", "product_type"),
    "coupang": (
        "market_category_no",
        "courier",
        "outbound_place",
        "return_center",
        "delivery_fee_type",
        "return_fee",
        "as_phone",
    ),
    "naver": ("market_category_no", "courier", "delivery_fee_type", "return_fee", "exchange_fee", "as_phone"),
    # 11번가 상품등록 (marketplaces-next.md §1.2): dispCtgrNo, dlvSendCloseTmpltNo, addrSeqOut, addrSeqIn,
    # dlvCstInstBasiCd (+ amounts, FEE_AMOUNTS), rtngdDlvCst, exchDlvCst, asDetail, rtngExchDetail.
    "11st": (
        "market_category_no",
        "send_close_template",
        "address_out",
        "address_in",
        "delivery_fee_type",
        "return_fee",
        "exchange_fee",
        "as_guide",
        "return_guide",
    ),
    # G마켓·옥션 (ESM 2.0, etapi post 20 itemAddtionalInfo.shipping): companyNo, policy.placeNo, dispatchPolicyNo,
    # returnAndExchange.addrNo/fee; site categories and the fee when there is no 묶음배송비 policy are checked by the
    # adapter (they depend on the sites sold on)
    "esm": ("courier", "ship_place", "dispatch_policy", "address_in", "return_fee"),
}


def _example(sheet: SheetSpec) -> dict[str, str]:
    return {c.key: c.example for c in sheet.columns}


_EXAMPLE_NOTICES = {
    "종류": "귀걸이",
    "소재": "14K 골드",
    "치수": "지름 1.2cm",
    "제조자(수입자)": "예시주얼리",
    "제조국": "대한민국",
    "취급시 주의사항": SEPARATE_NOTICE,
    "품질보증기준": "관련 법 및 소비자분쟁해결기준에 따름",
    "A/S 책임자와 전화번호": "예시주얼리 02-123-4567",
}


def _notice_examples() -> tuple[dict[str, str], ...]:
    fields = NOTICE_CATEGORIES["패션잡화(모자/벨트/액세서리)"]
    return tuple({"code": EXAMPLE_CODE, "field": f, "value": _EXAMPLE_NOTICES.get(f, SEPARATE_NOTICE)} for f in fields)


SPEC = TemplateSpec(
    kind=KIND,
    version=VERSION,
    title="상품대량등록",
    lists=LISTS,
    sheets=(
        replace(MAIN_SHEET, examples=(_example(MAIN_SHEET),)),
        replace(
            OPTION_SHEET,
            examples=(
                _example(OPTION_SHEET),
                {**_example(OPTION_SHEET), "value_1": "실버", "value_2": "M", "extra_price": "0"},
            ),
        ),
        ADDON_SHEET,
        replace(NOTICE_SHEET, examples=_notice_examples()),
        replace(SALES_SHEET, examples=(_example(SALES_SHEET),)),
    ),
    rules=(
        (
            "상품명",
            "한글은 2, 그 밖의 글자는 1로 세어 40 이내. 특수문자는 ( ) / + - ~ 만. "
            "무료배송·특가 같은 홍보 문구 금지. 모델명은 하나만.",
        ),
        ("자체상품코드", "10자 이내, 파일 안에서 한 번만. 다시 올릴 때 같은 상품을 찾는 열쇠입니다."),
        (
            "판매정보그룹",
            "판매정보 시트의 그룹명. 그룹의 마켓으로 등록되며, 마켓별 규칙은 그 마켓에 보내는 행에만 적용됩니다.",
        ),
        (
            "인증정보",
            f"인증대상이면 최대 {MAX_CERTS}개. 생활/전기/어린이(방송통신) 인증 외에는 마켓에 연동되지 않을 수 있습니다 "
            "(G마켓은 생활/전기/어린이만, 스마트스토어의 안전기준준수대상은 직접 등록).",
        ),
        (
            "품목고시",
            f"분류의 모든 항목을 품목고시 시트에 적거나, '상세정보 별도표기'를 Y로 합니다. 항목 내용에 "
            f"'{SEPARATE_NOTICE}'도 됩니다.",
        ),
        (
            "옵션",
            "옵션명은 3개까지, 옵션값은 쉼표로 구분. 조합은 옵션값의 모든 짝입니다. 추가금액 0인 조합이 하나 이상, "
            "모든 추가금액은 대표가격의 -50%~+50%. 옵션에 특수문자 금지. 11번가는 조합 100개, 티몬은 200개까지.",
        ),
        (
            "11번가",
            "상품명 100자 이내, 대표가격은 10원 단위. 11번가는 EUC-KR로만 받으므로 이모지·일부 한자 같은 글자는 "
            "쓸 수 없습니다. 옵션 추가금액은 대표가격의 -50%~+100%. 상품 등록은 하루 500개까지이고 넘는 상품은 "
            "보류되어 다음 날 같은 파일을 다시 넣으면 이어서 보냅니다.",
        ),
        ("종합몰", "옵션별 가격이 다르면 종합몰에는 보낼 수 없습니다(단품으로 나눠 등록). 추가상품도 받지 않습니다."),
        ("재고", "티몬은 재고 연동이 불안정해 9,999를 권합니다(미만이면 경고). 품절 처리가 되려면 1 이상."),
        (
            "이미지",
            "1000×1000 픽셀, 3MB 이하 JPEG. 파일 이름은 영문과 숫자만(공백·특수문자 금지). "
            "통합 문서 옆 images 폴더의 파일 이름이나 https:// 주소.",
        ),
        ("예시 행", f"각 시트의 회색 예시 행(자체상품코드 {EXAMPLE_CODE})은 보내지 않습니다. 지우지 않아도 됩니다."),
    ),
)
