"""Realistic example products (Korean names, options, 품목고시) for the demo, tests and bench."""

from __future__ import annotations

import random

from batch.importers import products as P
from batch.trade.notices import NOTICE_CATEGORIES

Row = dict[str, str | None]

BRANDS = ("루미에르", "한결", "다온", "소담", "마루", "별빛공방", "온새미로", "가람")
ITEMS = (
    (
        "14K 골드 귀걸이",
        "패션잡화 > 주얼리/시계 > 귀걸이/목걸이",
        "패션잡화(모자/벨트/액세서리)",
        "색상",
        "골드,실버,로즈골드",
    ),
    ("면 라운드 티셔츠", "의류 > 남성의류 > 티셔츠", "의류", "사이즈", "S,M,L,XL"),
    ("스테인리스 텀블러", "생활/주방/건강 > 주방용품 > 컵/텀블러", "주방용품", "용량", "350ml,500ml"),
    ("무선 충전 거치대", "디지털/가전 > 휴대폰액세서리 > 충전기", "소형전자(MP3/전자사전 등)", "색상", "블랙,화이트"),
    ("유기농 현미 누룽지", "식품 > 가공식품 > 간식", "가공식품", "중량", "500g,1kg"),
    ("원목 북엔드", "가구/홈데코 > 수납 > 책꽂이", "가구(침대/소파/싱크대/DIY제품)", "", ""),
)
TMON_GROUP = "티몬-기본"
# One 판매정보 group per marketplace, matching the sandbox's seeded accounts, shipping places and categories.
GROUPS: dict[str, Row] = {
    "tmon": {
        "market": "티몬",
        "account": "main",
        "group": TMON_GROUP,
        "market_category": "브랜드패션 > 패션소품 > 기타 패션소품",
        "market_category_no": "20200300",
        "sales_end": P.UNLIMITED,
        "courier": "CJ대한통운",
        "delivery_template": "1690698",
        "product_type": "일반상품",
    },
    "coupang": {
        "market": "쿠팡",
        "account": "main",
        "group": "쿠팡-기본",
        "market_category_no": "56137",
        "courier": "CJ대한통운",
        "outbound_place": "74010",
        "return_center": "1000558371",
        "delivery_fee_type": "조건부무료",
        "delivery_fee": "3000",
        "free_over": "30000",
        "return_fee": "3000",
        "as_phone": "02-123-4567",
    },
    "naver": {
        "market": "스마트스토어",
        "account": "main",
        "group": "스마트스토어-기본",
        "market_category_no": "50000805",
        "courier": "CJ대한통운",
        "delivery_fee_type": "유료",
        "delivery_fee": "3000",
        "return_fee": "3000",
        "exchange_fee": "6000",
        "as_phone": "02-123-4567",
        "as_guide": "구매 후 7일 이내 교환·반품 가능",
    },
    # 11번가: the sandbox's seeded account has 출고지 addrSeq 4, 반품/교환지 addrSeq 8 and 발송마감 템플릿 344836
    # (batch/sandbox/st11.py, the guide's example numbers G 1003/6735); 1122 is G 1003's example category.
    "11st": {
        "market": "11번가",
        "account": "main",
        "group": "11번가-기본",
        "market_category_no": "1122",
        "courier": "CJ대한통운",
        "send_close_template": "344836",
        "address_out": "4",
        "address_in": "8",
        "delivery_fee_type": "유료",
        "delivery_fee": "3000",
        "return_fee": "3000",
        "exchange_fee": "6000",
        "as_guide": "구매 후 1년 이내 무상 A/S",
        "return_guide": "구매 후 7일 이내 교환·반품 가능, 단순 변심은 구매자 부담",
    },
    # G마켓·옥션: one registration sells on both sites. The sandbox's seeded account has 출하지 1025418, 발송정책
    # 85172, 판매자주소 1546789 and 묶음배송비 정책 4235749 (the numbers of etapi post 140's sample,
    # batch/sandbox/esm.py); 300009483 (G마켓) and 39010100 (옥션) are that sample's leaf categories.
    "esm": {
        "market": "G마켓·옥션",
        "account": "main",
        "group": "G마켓옥션-기본",
        "sites": "G마켓,옥션",
        "gmarket_category": "300009483",
        "auction_category": "39010100",
        "courier": "CJ대한통운",
        "ship_place": "1025418",
        "dispatch_policy": "85172",
        "bundle_fee_template": "4235749",
        "address_in": "1546789",
        "return_fee": "3000",
        "selling_period": "90",
    },
}


def sales_rows(markets: tuple[str, ...] = ("tmon",)) -> list[Row]:
    return [dict(GROUPS[m]) for m in markets]


def product_rows(
    n: int, seed: int = 7, *, full_notice_every: int = 5, markets: tuple[str, ...] = ("tmon",)
) -> dict[str, list[Row]]:
    """``n`` valid products sold on ``markets``; every ``full_notice_every``-th lists its 품목고시 fields one by one."""
    rnd = random.Random(seed)
    main: list[Row] = []
    notices: list[Row] = []
    options: list[Row] = []
    for i in range(n):
        name, category, notice, opt_name, opt_values = ITEMS[i % len(ITEMS)]
        brand = BRANDS[rnd.randrange(len(BRANDS))]
        code = f"P{i + 1:07d}"
        price = rnd.randrange(10, 200) * 500
        full = full_notice_every > 0 and i % full_notice_every == 0
        dated = category.startswith(tuple(P.DATED_CATEGORIES))
        main.append(
            {
                "code": code,
                "name": f"{brand} {name} {rnd.randrange(100, 999)}",
                "status": "판매가능",
                "category": category,
                "groups": ",".join(str(GROUPS[m]["group"]) for m in markets),
                "price": str(price),
                "tax": "과세",
                "maker": brand,
                "brand": brand,
                "model": f"M-{i % 1000:03d}",
                "model_no": f"{i:06d}",
                "origin": "가공품",
                "made_on": "20260105" if dated else None,
                "expires_on": "20271231" if dated else None,
                "region": "전국",
                "adult": "N",
                "keywords": f"{brand},{name.split()[-1]}",
                "detail": f'<p>{brand} {name}</p><img src="https://img.example.com/d/{code}.jpg">',
                "main_image": f"https://img.example.com/{code}.jpg",
                "extra_images": None,
                "cert_required": "인증대상아님",
                "notice_category": notice,
                "notice_separate": None if full else "Y",
                "option_use": "오픈마켓만" if opt_name else "사용안함",
                "option_type": "조합형" if opt_name else None,
                "option_name_1": opt_name or None,
                "option_values_1": opt_values or None,
                "stock": "9999",
            }
        )
        if full:
            notices += [{"code": code, "field": f, "value": "상세정보 별도표기"} for f in NOTICE_CATEGORIES[notice]]
        if opt_name and i % 3 == 0:
            first = opt_values.split(",")[1]
            options.append(
                {"code": code, "value_1": first, "extra_price": str(price // 10), "on_sale": "Y", "stock": "9999"}
            )
    return {P.MAIN: main, P.NOTICES: notices, P.OPTIONS: options, P.SALES: sales_rows(markets)}
