"""Domain enums and small value types shared by every layer."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

KST = dt.timezone(dt.timedelta(hours=9), "KST")  # every marketplace works in Korean time
KST_MINUTE = "%Y-%m-%d %H:%M"  # how Korean staff read a time: 2026-12-02 14:05 (KST, 24 h)


def now_kst() -> dt.datetime:
    """Now in Korean time, naive (marketplace windows, file names, cells and emails all use KST, whatever the
    machine's own time zone)."""
    return dt.datetime.now(KST).replace(tzinfo=None)


def kst_text(moment: dt.datetime) -> str:
    """``moment`` as staff read it, in KST: an aware time is converted, a naive one is taken as KST already."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(KST)
    return moment.strftime(KST_MINUTE)


class Family(StrEnum):
    """The manual's two marketplace families, which behave differently."""

    OPEN_MARKET = "오픈마켓"
    DEPARTMENT = "종합몰"


class Market(StrEnum):
    """Every marketplace the manual names. ``label`` is how staff write it in a workbook."""

    TMON = "tmon"
    COUPANG = "coupang"
    NAVER = "naver"
    ST11 = "11st"
    ESM = "esm"  # G마켓 and 옥션 through one ESM 2.0 account (one registration sells on both sites)
    GMARKET = "gmarket"
    AUCTION = "auction"
    INTERPARK = "interpark"
    HMALL = "hmall"
    CJMALL = "cjmall"
    LOTTECOM = "lottecom"
    LOTTEIMALL = "lotteimall"
    GSSHOP = "gsshop"
    PUBLIC = "gongyoung"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def family(self) -> Family:
        return Family.DEPARTMENT if self in _DEPARTMENT else Family.OPEN_MARKET

    @classmethod
    def from_label(cls, text: str) -> Market:
        """Accept the Korean label, an alias (스토어팜) or the code; raise ValueError otherwise."""
        key = text.strip()
        found = _BY_NAME.get(key) or _BY_NAME.get(key.lower())
        if found is None:
            raise ValueError(f"알 수 없는 마켓 이름입니다: {text}")
        return found


_LABELS: dict[Market, str] = {
    Market.TMON: "티몬",
    Market.COUPANG: "쿠팡",
    Market.NAVER: "스마트스토어",
    Market.ST11: "11번가",
    Market.ESM: "G마켓·옥션",
    Market.GMARKET: "G마켓",
    Market.AUCTION: "옥션",
    Market.INTERPARK: "인터파크",
    Market.HMALL: "현대몰",
    Market.CJMALL: "CJmall",
    Market.LOTTECOM: "롯데닷컴",
    Market.LOTTEIMALL: "롯데홈쇼핑",
    Market.GSSHOP: "GS SHOP",
    Market.PUBLIC: "공영홈쇼핑",
}
_DEPARTMENT = frozenset({Market.HMALL, Market.CJMALL, Market.LOTTECOM, Market.LOTTEIMALL, Market.GSSHOP, Market.PUBLIC})


def label_of(market: str) -> str:
    """The Korean name staff know a marketplace code by (the code itself when it is not one of ours)."""
    return Market(market).label if market in Market._value2member_map_ else market


_ALIASES = {
    "스토어팜": Market.NAVER,
    "네이버": Market.NAVER,
    "TMON": Market.TMON,
    "CJ mall": Market.CJMALL,
    "ESM": Market.ESM,
    "G마켓/옥션": Market.ESM,
    "지마켓·옥션": Market.ESM,
}
_BY_NAME: dict[str, Market] = {
    **{m.value: m for m in Market},
    **{label: m for m, label in _LABELS.items()},
    **_ALIASES,
}

MARKET_LABELS: tuple[str, ...] = tuple(_LABELS[m] for m in Market)

# The marketplaces this version sends to: batch.marketplaces.connect has an adapter for each, and a test keeps
# the two equal. Templates offer only these; a 판매정보 group for another is a validation error.
SENDS_TO: tuple[Market, ...] = (Market.COUPANG, Market.NAVER, Market.TMON, Market.ST11, Market.ESM)
SENDS_TO_LABELS: tuple[str, ...] = tuple(m.label for m in SENDS_TO)


class RowResult(StrEnum):
    """What happened to one row, as the result workbook's 처리결과 column shows it."""

    SUCCESS = "성공"
    WARNING = "경고"
    ERROR = "오류"
    SKIPPED = "건너뜀"
    HELD = "보류"


@dataclass(frozen=True)
class OptionCombo:
    values: tuple[str, ...]  # one value per option name; () for a product without options
    extra_price: int
    on_sale: bool
    stock: int


@dataclass(frozen=True)
class Cert:
    kind: str
    agency: str
    number: str


@dataclass(frozen=True)
class Product:
    """One validated row of the 상품 sheet with its options, notices and certifications."""

    row: int  # Excel row on the 상품 sheet
    code: str  # 자체상품코드: the key we send as the marketplace's vendor product number
    name: str
    on_sale: bool
    category: str
    price: int
    tax: str
    maker: str
    brand: str
    model: str
    origin: str
    adult: bool
    keywords: tuple[str, ...]
    detail: str
    images: tuple[str, ...]
    cert_required: bool
    certs: tuple[Cert, ...]
    notice_category: str
    notices: tuple[tuple[str, str], ...]  # (field, value); every field SEPARATE_NOTICE when marked so
    option_names: tuple[str, ...]
    options: tuple[OptionCombo, ...]
    made_on: str | None = None
    expires_on: str | None = None


@dataclass(frozen=True)
class SalesInfo:
    """One 판매정보 group: where and how a product is sold on one marketplace account."""

    market: Market
    account: str
    group: str
    fields: tuple[tuple[str, str | None], ...]  # the sheet's other columns by key

    def get(self, key: str) -> str | None:
        return dict(self.fields).get(key)


class OrderStatus(StrEnum):
    """Where an order line stands, as staff know it (the manual's 주문 흐름)."""

    NEW = "신규주문"  # paid, not yet confirmed (TMON D1)
    CONFIRMED = "발주확인"  # confirmed, waiting for shipment (TMON D2)
    SHIPPING = "배송중"  # invoice registered (TMON D3 / D4)
    DELIVERED = "배송완료"
    CANCELLED = "취소"


class ClaimType(StrEnum):
    CANCEL = "취소"
    RETURN = "반품"
    EXCHANGE = "교환"
    REDELIVERY = "재배송"


class ClaimStatus(StrEnum):
    REQUESTED = "요청"
    DONE = "완료"
    WITHDRAWN = "철회"


@dataclass(frozen=True)
class OrderLine:
    """One marketplace order line (deal option) with its buyer, decrypted at the client boundary."""

    market: str
    account: str
    order_no: str  # 제휴몰 주문번호
    delivery_no: str  # the marketplace's shipment unit (TMON deliveryNo), confirmed and invoiced together
    product_no: str  # 제휴몰 상품코드
    option_no: str
    product_name: str
    option_text: str
    qty: int
    price: int
    ordered_at: str
    status: OrderStatus
    buyer: str
    buyer_phone: str
    receiver: str
    receiver_phone: str
    zipcode: str
    address: str
    message: str
    site: str = ""  # the site of a multi-site marketplace the order was placed on (ESM: "gmarket" or "auction")
    # our option number (types.option_no: "<code>-001") as the marketplace echoes it back on the line, when it does
    # (the seller's option code we sent: Coupang externalVendorSkuCode, Naver optionManageCode, 11번가 sellerStockCd …)
    option_code: str = ""


@dataclass(frozen=True)
class Claim:
    market: str
    account: str
    claim_no: str
    order_no: str
    product_no: str
    product_name: str
    kind: ClaimType
    status: ClaimStatus
    reason: str
    buyer: str
    requested_at: str
    site: str = ""  # as OrderLine.site
    line_no: str = ""  # the marketplace's own number of the order line the claim is on, when its calls need it
    pickup: str = (
        ""  # the pick-up (회수) courier and tracking number of a return or exchange, as the marketplace gives it
    )
    shown: str = (
        ""  # the claim's state in the marketplace's own words (e.g. 반품요청, 수거완료), as staff read it there
    )


@dataclass(frozen=True)
class Inquiry:
    """A customer question on a marketplace (문의): product Q&A or a customer-centre inquiry."""

    market: str
    account: str
    inquiry_no: str  # the marketplace's id as we address it when answering
    kind: str  # 상품 / 배송 / 반품 / 교환 / 기타
    product_no: str
    order_no: str
    asked_at: str  # yyyy-MM-dd HH:mm:ss (KST)
    title: str
    body: str
    asker: str  # masked as the marketplace gives it
    answered: bool
    answer_by: str = ""  # yyyy-MM-dd HH:mm (KST) when the marketplace sets the deadline (11번가 긴급알리미 회신기한)
    product_name: str = ""  # when the marketplace names the product but gives no number (11번가 긴급알리미)
    # what answer() takes when it is more than inquiry_no (ESM: the number with the row's answer token); kept in the
    # ledger, never written to a workbook
    address: str = ""


@dataclass(frozen=True)
class ProductLink:
    """The marketplace's numbers for one of our products (상품 연동현황)."""

    product_no: str
    option_nos: dict[str, str] = field(default_factory=dict)  # our option number -> the marketplace's
    # a multi-site marketplace's number per site (ESM: master goodsNo in product_no; "gmarket"/"auction" -> the site
    # goods number orders and claims speak)
    sites: dict[str, str] = field(default_factory=dict)
