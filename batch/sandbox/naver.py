"""Naver Commerce API (스마트스토어, marketplaces.md §3) in the sandbox: token, gateway, rate limits, products.

Everything lives under ``/external/`` as on ``api.commerce.naver.com``. Orders and inquiries are in
``naver_orders``, claims in ``naver_claims``. Written from the docs, apart from ``batch.marketplaces``.

The gateway (§3.2):

* every API call needs ``Authorization: Bearer <token>`` of a live token; otherwise 401 with the gateway body
  ``{"code": "GW.AUTHN", "message", "timestamp", "traceId"}``;
* a token bucket per API per application: ``API_RATES`` per second (``POST /v2/products`` 20 per the docs; every
  other API ``DEFAULT_RATE`` ❓ — no per-API table is published), bursts of twice the rate; every API answer carries
  ``GNCP-GW-RateLimit-Replenish-Rate``, ``-Burst-Capacity`` and ``-Remaining``; over the limit: 429 ``GW.RATE_LIMIT``;
* every answer carries ``GNCP-GW-Trace-ID``; token answers also carry ``Date`` (the app's clock), as any HTTP
  server's do.

Product pages (apicenter update-options-product, upload-product; commerce-api-naver/commerce-api docs/2.0.0-RC.js):

* errors are ``{"code", "message", "invalidInputs": [{"name", "type", "message"}], "timestamp", "traceId"}``
  (CommonErrorResponse); a refused body is 400 ``BAD_REQUEST``, an unknown product 404 ``NOT_FOUND``
  ("잘못된 요청 - code : BAD_REQUEST", "데이터 없음 - code : NOT_FOUND");
* ``PUT /v1/products/origin-products/{no}/change-status`` takes ``statusType`` (SALE, OUTOFSTOCK, SUSPENSION) and an
  optional ``stockQuantity`` ≤ 99,999,999 (ExternalApiProductSaleStatusUpdateRequestVo) and answers
  CommonResponse ``{code, message, data}``;
* ``PUT /v1/products/origin-products/{no}/option-stock`` changes the option combinations' stock and price and,
  optionally, ``productSalePrice.salePrice``: ``optionInfo`` is required, each combination's ``id`` is required and
  must be one of the product's ("옵션 ID 입력 시 기존 옵션 수정"), only products with options take it ("옵션 설정
  상품에 대해 수정이 가능합니다"); it answers the product (``originProductNo``, ``originProduct``, …);
* ``PUT /v1/products/origin-products/bulk-update`` changes one area of several origin products
  (``productBulkUpdateType``); for ``SALE_PRICE``, ``productSalePrice{value, productSalePriceChangerType UP|DOWN|TO,
  productSalePriceChangerUnitType PERCENT|WON}`` (apicenter bulk-update-origin-product-product), answering
  CommonResponse ``{code, message, data}``;
* salePrice and an option combination's price are at most 999,999,990 (2.0.0-RC);
* ◐ an option combination's price stays within a share of the sale price (``option_range``: 옵션가 제한, Naver's
  seller-centre notice as sellers' guides and production clients quote it).

The sandbox's readings where the docs are silent (❓):

* The ``code``/``message`` values of a CommonResponse (change-status).
* option-stock leaves the combinations it is not sent unchanged; the product's stock becomes the sum of its usable
  combinations' stock; a SALE product with none left becomes OUTOFSTOCK (as a full update with stock 0 does) and
  an OUTOFSTOCK one with stock again SALE.
* The control switch ``swallow`` (``set_swallow``, control.py's ``POST /__sandbox__/swallow``): while on, the stock,
  price and sale-status writes (option-stock, bulk-update, change-status) are checked and answered exactly as if
  done, and change nothing; the product reads show what the sandbox really holds. A full product update
  (``PUT /v2/…``) is not such a write and is applied as usual.
* The option price range is held against the calls that change a price (option-stock with a new sale price or
  option price, bulk-update SALE_PRICE), for every combination of the product (usable or not); product create and
  update are not held to it. No 10-won rule (no Naver source states one).
* bulk-update: all or nothing (the page allows partial success); only SALE_PRICE is kept (other types are refused
  as not kept); PERCENT rounds the change down to the won; TO with PERCENT is refused.
* ``POST /v1/product-images/upload`` answers ``{"images": [{"url"}]}`` in the order of the parts; at most 10
  ``imageFiles`` parts, each an image of at most 10 MB; URLs are on ``shop-phinf.pstatic.net``.
* Product images must be on ``https://shop-phinf.pstatic.net/`` (uploaded to Naver); any other URL is refused.
* ``POST /v1/products/search`` filters by ``{"searchKeywordType": "SELLER_CODE", "sellerManagementCode"}``
  (also ``PRODUCT_NO`` with ``originProductNos``); paged by ``page`` (from 1) and ``size`` (≤ 500).
* An update keeps an option combination's ``id`` when the body sends it; a combination without ``id`` gets a new one.
* ``originAreaInfo.originAreaCode``: ``00`` 국산, ``02…`` 수입산 (needs ``importer``), ``03`` 상세설명에 표시,
  ``04`` 직접 입력 (needs ``content``), ``05`` 원산지 표기 의무 대상 아님.
"""

from __future__ import annotations

import copy
import math
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.parser import BytesParser
from email.utils import formatdate
from typing import Any, TypeGuard
from urllib.parse import parse_qs

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Scope

from batch.sandbox.faults import Clock
from batch.sandbox.naver_auth import check_token_request
from batch.sandbox.naver_claims import NaverDesk
from batch.sandbox.naver_orders import KST, TRACE, Handler, stamp
from batch.sandbox.web import Reject, json_response, read_json

PREFIX = "/external"
TOKEN_PATH = f"{PREFIX}/v1/oauth2/token"
SAME_TOKEN_LEFT = 30 * 60  # with at least this left, the same token is handed back (§3.1)
TOKEN_LIFETIME = 10_800
DEFAULT_RATE = 10.0  # ❓ per second, every API without a documented rate
API_RATES = {"POST /v2/products": 20.0}  # §3.2: 상품 등록 20 rps per application
CDN = "https://shop-phinf.pstatic.net/"
MAX_UPLOAD = 10
MAX_IMAGE_BYTES = 10 * 1024 * 1024
MAX_NAME = 100
MAX_OPTIONAL_IMAGES = 9
FIRST_ORIGIN_NO = 10_000_000_001
FIRST_CHANNEL_NO = 5_000_000_001
FIRST_COMBINATION_NO = 40_000_000_001
COURIERS = ("CJGLS", "HYUNDAI", "HANJIN", "KGB", "EPOST", "KDEXP", "CH1")  # §3.3 table
FEE_TYPES = ("FREE", "PAID", "CONDITIONAL_FREE")
ORIGIN_CODES = ("00", "03", "04", "05")  # plus "02…" (수입산): the sandbox's reading ❓
STATUS_TYPES = ("SALE", "SUSPENSION", "OUTOFSTOCK")
MAX_STOCK = 99_999_999  # stockQuantity "최대 99999999" (update-options-product; 2.0.0-RC change-status)
MAX_PRICE = 999_999_990  # salePrice, an option combination's price: "최대 999999990" (2.0.0-RC)
# bulk-update's productBulkUpdateType, productSalePriceChangerType and …UnitType (apicenter
# bulk-update-origin-product-product)
BULK_TYPES = (
    "IMMEDIATE_DISCOUNT",
    "SALE_PRICE",
    "SALE_PERIOD",
    "DELIVERY",
    "DELIVERY_ATTRIBUTE",
    "DELIVERY_HOPE",
    "PURCHASE_BENEFIT",
    "PURCHASE_QUANTITY_LIMIT",
)
PRICE_CHANGERS = ("UP", "DOWN", "TO")
PRICE_UNITS = ("PERCENT", "WON")


@dataclass(frozen=True)
class Account:
    client_id: str
    secret: str  # a bcrypt salt, as Naver's client secrets are


@dataclass
class Token:
    value: str
    client_id: str
    store: str  # whose data the token reaches: the client id (type SELF) or the account id (type SELLER)
    expires_at: float


SEED_ACCOUNTS = (
    # Naver's documented example secret (apicenter "전자서명"; commerce-api-naver/commerce-api docs/2.0.0-RC.js), whose
    # last salt character is not canonical: the official signing vector runs end to end. batch.config uses it too.
    Account("sandbox-naver", "$2a$10$abcdefghijklmnopqrstuv"),
    Account("sandbox-naver-2", "$2a$04$zyxwvutsrqponmlkjihgfe"),
)

FAULTS = {
    429: ("GW.RATE_LIMIT", "요청이 많아 서비스를 일시적으로 사용할 수 없습니다."),
    500: ("GW.PROXY.01", "작업 중 오류가 발생하였습니다."),
    503: ("GW.BLOCK.01", "서비스를 일시적으로 사용할 수 없습니다."),  # 503 GW.BLOCK.01 (apicenter trouble-shooting)
}


class Bucket:
    """One API's token bucket for one application: ``rate`` per second, ``2 × rate`` deep."""

    def __init__(self, rate: float, now: float) -> None:
        self.rate = rate
        self.capacity = 2 * rate
        self.tokens = self.capacity
        self.then = now

    def take(self, now: float) -> bool:
        self.tokens = min(self.capacity, self.tokens + max(0.0, now - self.then) * self.rate)
        self.then = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False

    def headers(self) -> dict[str, str]:
        return {
            "GNCP-GW-RateLimit-Replenish-Rate": f"{self.rate:g}",
            "GNCP-GW-RateLimit-Burst-Capacity": f"{self.capacity:g}",
            "GNCP-GW-RateLimit-Remaining": str(max(0, math.floor(self.tokens))),
        }


def invalid(name: str, kind: str, message: str) -> dict[str, str]:
    return {"name": name, "type": kind, "message": message}


def _obj(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def option_range(sale_price: int) -> tuple[int, int]:
    """◐ The option price range of a sale price (옵션가 제한: 스마트스토어센터 공지 2283 as sellers' guides and
    production clients quote it): under 2,000원 0~+100 %, 2,000~9,999원 −50 %~+100 %, from 10,000원 −50 %~+50 %
    of the sale price (the price before discounts; the sandbox has none). (lowest, highest) extra in won."""
    low = 0 if sale_price < 2_000 else -(sale_price // 2)
    high = sale_price if sale_price < 10_000 else sale_price // 2
    return low, high


def _combos(origin: Mapping[str, Any]) -> list[dict[str, Any]]:
    combos = _obj(_obj(origin.get("detailAttribute")).get("optionInfo")).get("optionCombinations") or []
    return [c for c in combos if isinstance(c, dict)]


def _range_problems(sale_price: int, prices: list[tuple[str, object, int]]) -> list[dict[str, str]]:
    """The option prices (field name, combination id, price) outside ``option_range(sale_price)``."""
    low, high = option_range(sale_price)
    return [
        invalid(
            name,
            "OptionPrice",
            f"옵션 {number}의 옵션가 {price:,}원이 판매가 {sale_price:,}원의 허용 범위({low:,}~{high:,}원)를 "
            "벗어납니다.",
        )
        for name, number, price in prices
        if not low <= price <= high
    ]


def _channel(p: Mapping[str, Any]) -> dict[str, Any]:
    """A stored product as ``POST /v1/products/search`` lists it (the fields of a public client's captured answer:
    docs/protocols/naver.md, product_search)."""
    origin, channel = p["originProduct"], p["smartstoreChannelProduct"]
    delivery = _obj(origin.get("deliveryInfo"))
    claim = _obj(delivery.get("claimDeliveryInfo"))
    images = _obj(origin.get("images"))
    tags = _obj(_obj(origin.get("detailAttribute")).get("seoInfo")).get("sellerTags") or []
    return {
        "originProductNo": p["originProductNo"],
        "channelProductNo": p["smartstoreChannelProductNo"],
        "channelServiceType": "STOREFARM",
        "categoryId": origin.get("leafCategoryId"),
        "name": origin["name"],
        "sellerManagementCode": p["sellerManagementCode"],
        "statusType": origin["statusType"],
        "channelProductDisplayStatusType": channel.get("channelProductDisplayStatusType"),
        "salePrice": origin["salePrice"],
        "discountedPrice": origin["salePrice"],  # no discounts in the sandbox
        "mobileDiscountedPrice": origin["salePrice"],
        "stockQuantity": origin["stockQuantity"],
        "knowledgeShoppingProductRegistration": bool(channel.get("naverShoppingRegistration")),
        "deliveryAttributeType": delivery.get("deliveryAttributeType"),
        "deliveryFee": int(_obj(delivery.get("deliveryFee")).get("baseFee") or 0),
        "returnFee": int(claim.get("returnDeliveryFee") or 0),
        "exchangeFee": int(claim.get("exchangeDeliveryFee") or 0),
        "managerPurchasePoint": 0,
        "wholeCategoryName": "",  # the sandbox has no category tree
        "wholeCategoryId": str(origin.get("leafCategoryId") or ""),
        "representativeImage": _obj(images.get("representativeImage")),
        "sellerTags": [t for t in tags if isinstance(t, dict)],
        "regDate": p["regDate"],
        "modifiedDate": p["modifiedDate"],
    }


def check_product(body: object) -> list[dict[str, str]]:
    """The invalid inputs of a ``POST /v2/products`` or ``PUT …/origin-products/{no}`` body; [] when fine."""
    if not isinstance(body, dict):
        return [invalid("body", "NotNull", "요청 본문은 JSON 객체여야 합니다.")]
    out: list[dict[str, str]] = []
    origin = _obj(body.get("originProduct"))
    if not origin:
        return [invalid("originProduct", "NotNull", "원상품 정보는 필수입니다.")]
    if origin.get("statusType") not in STATUS_TYPES:
        out.append(invalid("originProduct.statusType", "Enum", f"판매 상태는 {', '.join(STATUS_TYPES)} 중 하나입니다."))
    if origin.get("saleType", "NEW") not in ("NEW", "OLD"):
        out.append(invalid("originProduct.saleType", "Enum", "상품 판매 유형은 NEW 또는 OLD입니다."))
    leaf = origin.get("leafCategoryId")
    if not isinstance(leaf, str) or not leaf.isdigit():
        out.append(invalid("originProduct.leafCategoryId", "NotBlank", "리프 카테고리 ID는 필수입니다."))
    name = origin.get("name")
    if not isinstance(name, str) or not name.strip():
        out.append(invalid("originProduct.name", "NotBlank", "상품명은 필수입니다."))
    elif len(name) > MAX_NAME:
        out.append(invalid("originProduct.name", "Size", f"상품명은 {MAX_NAME}자까지 입력할 수 있습니다."))
    out += _check_images(_obj(origin.get("images")))
    if not isinstance(origin.get("detailContent"), str) or not origin["detailContent"].strip():
        out.append(invalid("originProduct.detailContent", "NotBlank", "상세 설명은 필수입니다."))
    price = origin.get("salePrice")
    if not _is_int(price) or price <= 0:
        out.append(invalid("originProduct.salePrice", "Min", "판매 가격은 0보다 커야 합니다."))
    stock = origin.get("stockQuantity")
    if not _is_int(stock) or stock < 0:
        out.append(invalid("originProduct.stockQuantity", "Min", "재고 수량은 0 이상이어야 합니다."))
    out += _check_delivery(_obj(origin.get("deliveryInfo")))
    detail = _obj(origin.get("detailAttribute"))
    service = _obj(detail.get("afterServiceInfo"))
    for field, label in (("afterServiceTelephoneNumber", "A/S 전화번호"), ("afterServiceGuideContent", "A/S 안내")):
        if not isinstance(service.get(field), str) or not service[field].strip():
            out.append(
                invalid(f"originProduct.detailAttribute.afterServiceInfo.{field}", "NotBlank", f"{label}는 필수입니다.")
            )
    out += _check_origin(_obj(detail.get("originAreaInfo")))
    if not isinstance(detail.get("minorPurchasable"), bool):
        out.append(
            invalid(
                "originProduct.detailAttribute.minorPurchasable", "NotNull", "미성년자 구매 가능 여부는 필수입니다."
            )
        )
    notice = _obj(detail.get("productInfoProvidedNotice"))
    if not isinstance(notice.get("productInfoProvidedNoticeType"), str):
        out.append(
            invalid(
                "originProduct.detailAttribute.productInfoProvidedNotice.productInfoProvidedNoticeType",
                "NotNull",
                "상품정보제공고시 유형은 필수입니다.",
            )
        )
    out += _check_options(_obj(detail.get("optionInfo")))
    channel = _obj(body.get("smartstoreChannelProduct"))
    if channel.get("channelProductDisplayStatusType") not in ("ON", "SUSPENSION"):
        out.append(
            invalid(
                "smartstoreChannelProduct.channelProductDisplayStatusType",
                "Enum",
                "전시 상태는 ON 또는 SUSPENSION입니다.",
            )
        )
    if not isinstance(channel.get("naverShoppingRegistration"), bool):
        out.append(
            invalid(
                "smartstoreChannelProduct.naverShoppingRegistration", "NotNull", "네이버쇼핑 등록 여부는 필수입니다."
            )
        )
    return out


def _check_images(images: dict[str, Any]) -> list[dict[str, str]]:
    out = []
    main = _obj(images.get("representativeImage")).get("url")
    others = images.get("optionalImages") or []
    urls = [("originProduct.images.representativeImage.url", main)]
    if not isinstance(others, list) or len(others) > MAX_OPTIONAL_IMAGES:
        out.append(
            invalid("originProduct.images.optionalImages", "Size", f"추가 이미지는 {MAX_OPTIONAL_IMAGES}개까지입니다.")
        )
        others = []
    urls += [(f"originProduct.images.optionalImages[{i}].url", _obj(o).get("url")) for i, o in enumerate(others)]
    for name, url in urls:
        if not isinstance(url, str) or not url:
            out.append(invalid(name, "NotBlank", "이미지 URL은 필수입니다."))
        elif not url.startswith(CDN):
            out.append(invalid(name, "ImageUrl", "네이버 이미지 서버에 업로드한 이미지 URL만 사용할 수 있습니다."))
    return out


def _check_delivery(info: dict[str, Any]) -> list[dict[str, str]]:
    base = "originProduct.deliveryInfo"
    if not info:
        return [invalid(base, "NotNull", "배송 정보는 필수입니다.")]
    out = []
    if info.get("deliveryType") != "DELIVERY":
        out.append(invalid(f"{base}.deliveryType", "Enum", "배송 방법은 DELIVERY만 지원합니다."))
    if info.get("deliveryAttributeType") != "NORMAL":
        out.append(invalid(f"{base}.deliveryAttributeType", "Enum", "배송 속성은 NORMAL만 지원합니다."))
    if info.get("deliveryCompany") not in COURIERS:
        out.append(
            invalid(
                f"{base}.deliveryCompany", "Enum", f"택배사 코드가 올바르지 않습니다: {info.get('deliveryCompany')}"
            )
        )
    fee = _obj(info.get("deliveryFee"))
    kind = fee.get("deliveryFeeType")
    if kind not in FEE_TYPES:
        out.append(
            invalid(
                f"{base}.deliveryFee.deliveryFeeType", "Enum", f"배송비 유형은 {', '.join(FEE_TYPES)} 중 하나입니다."
            )
        )
    if kind in ("PAID", "CONDITIONAL_FREE") and (not _is_int(fee.get("baseFee")) or fee["baseFee"] <= 0):
        out.append(invalid(f"{base}.deliveryFee.baseFee", "Min", "유료 배송비는 0보다 커야 합니다."))
    if kind == "CONDITIONAL_FREE" and (
        not _is_int(fee.get("freeConditionalAmount")) or fee["freeConditionalAmount"] <= 0
    ):
        out.append(invalid(f"{base}.deliveryFee.freeConditionalAmount", "Min", "조건부 무료 기준 금액은 필수입니다."))
    claim = _obj(info.get("claimDeliveryInfo"))
    for field in ("returnDeliveryFee", "exchangeDeliveryFee"):
        if not _is_int(claim.get(field)) or claim[field] < 0:
            out.append(invalid(f"{base}.claimDeliveryInfo.{field}", "Min", "반품/교환 배송비는 0 이상이어야 합니다."))
    return out


def _check_origin(info: dict[str, Any]) -> list[dict[str, str]]:
    base = "originProduct.detailAttribute.originAreaInfo"
    code = info.get("originAreaCode")
    if not isinstance(code, str) or not (code in ORIGIN_CODES or code.startswith("02")):
        return [invalid(f"{base}.originAreaCode", "Enum", f"원산지 코드가 올바르지 않습니다: {code}")]
    if code.startswith("02") and not info.get("importer"):
        return [invalid(f"{base}.importer", "NotBlank", "수입산은 수입사를 입력해야 합니다.")]
    if code == "04" and not info.get("content"):
        return [invalid(f"{base}.content", "NotBlank", "원산지를 직접 입력하세요.")]
    return []


def _check_options(info: dict[str, Any]) -> list[dict[str, str]]:
    base = "originProduct.detailAttribute.optionInfo"
    combos = info.get("optionCombinations")
    if not info or combos is None:
        return []
    if not isinstance(combos, list) or not combos:
        return [invalid(f"{base}.optionCombinations", "NotEmpty", "옵션 조합이 비어 있습니다.")]
    out = []
    seen: set[str] = set()
    for i, combo in enumerate(combos):
        c = _obj(combo)
        if not isinstance(c.get("optionName1"), str) or not c["optionName1"]:
            out.append(invalid(f"{base}.optionCombinations[{i}].optionName1", "NotBlank", "옵션값은 필수입니다."))
        if not _is_int(c.get("stockQuantity")) or c["stockQuantity"] < 0:
            out.append(invalid(f"{base}.optionCombinations[{i}].stockQuantity", "Min", "옵션 재고는 0 이상입니다."))
        if not _is_int(c.get("price")):
            out.append(invalid(f"{base}.optionCombinations[{i}].price", "NotNull", "옵션가는 필수입니다."))
        names = "/".join(str(c.get(f"optionName{n}") or "") for n in (1, 2, 3))
        if names in seen:
            out.append(
                invalid(f"{base}.optionCombinations[{i}]", "Unique", f"같은 옵션 조합이 두 번 있습니다: {names}")
            )
        seen.add(names)
    return out


def _multipart(headers: Headers, body: bytes) -> list[tuple[str, str, str, bytes]]:
    """Every part of a multipart/form-data body: (name, filename, content type, data)."""
    content_type = headers.get("content-type", "")
    if not content_type.lower().startswith("multipart/form-data"):
        return []
    head = f"Content-Type: {content_type}\r\n\r\n".encode("latin-1", "replace")
    message = BytesParser(policy=policy.HTTP).parsebytes(head + body)
    parts = []
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        filename = part.get_filename() or ""
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        parts.append((str(name or ""), filename, part.get_content_type(), data))
    return parts


class NaverMarket:
    """Naver Commerce in the sandbox: applications, tokens, the gateway's limits, images and products.

    Orders, claims and inquiries are in ``self.desk`` (``naver_claims.NaverDesk``, on ``naver_orders.NaverOrders``).
    """

    name = "naver"
    prefixes = (f"{PREFIX}/",)

    def __init__(self, *, clock: Clock, seed: int) -> None:
        self.clock = clock
        self.random = random.Random(f"naver:{seed}")
        self.rates: dict[str, float] = dict(API_RATES)  # tests may lower or raise a rate
        self.default_rate = DEFAULT_RATE
        self.tokens: dict[str, Token] = {}
        api = self.api
        self.routes = [
            Route(TOKEN_PATH, self.issue_token, methods=["POST"]),
            Route(
                f"{PREFIX}/v1/product-images/upload",
                api("POST /v1/product-images/upload", self.upload),
                methods=["POST"],
            ),
            Route(f"{PREFIX}/v2/products", api("POST /v2/products", self.create_product), methods=["POST"]),
            Route(f"{PREFIX}/v1/products/search", api("POST /v1/products/search", self.search), methods=["POST"]),
            Route(
                f"{PREFIX}/v2/products/origin-products/{{no}}",
                api("GET /v2/products/origin-products", self.get_product),
                methods=["GET"],
            ),
            Route(
                f"{PREFIX}/v2/products/origin-products/{{no}}",
                api("PUT /v2/products/origin-products", self.update_product),
                methods=["PUT"],
            ),
            Route(
                f"{PREFIX}/v1/products/origin-products/{{no}}/change-status",
                api("PUT /v1/products/origin-products/change-status", self.change_status),
                methods=["PUT"],
            ),
            Route(
                f"{PREFIX}/v1/products/origin-products/{{no}}/option-stock",
                api("PUT /v1/products/origin-products/option-stock", self.option_stock),
                methods=["PUT"],
            ),
            Route(
                f"{PREFIX}/v1/products/origin-products/bulk-update",
                api("PUT /v1/products/origin-products/bulk-update", self.bulk_update),
                methods=["PUT"],
            ),
        ]
        self.desk = NaverDesk(clock=clock, api=api, products=self.catalogue)
        self.routes.extend(self.desk.routes)
        self.reset()

    # -- the Market interface --------------------------------------------------------------------------

    def reset(self) -> None:
        """Seeded applications only; no products, images, orders or inquiries. Live tokens of them stay."""
        self.accounts = {account.client_id: account for account in SEED_ACCOUNTS}
        self.tokens = {v: t for v, t in self.tokens.items() if t.client_id in self.accounts}
        self.buckets: dict[tuple[str, str], Bucket] = {}
        self.denied: set[str] = set()  # applications without the API group permission (tests): GW.AUTHN
        self.products: dict[int, dict[str, Any]] = {}  # originProductNo -> stored product
        self.images: list[dict[str, Any]] = []
        self.next_origin_no = FIRST_ORIGIN_NO
        self.next_channel_no = FIRST_CHANNEL_NO
        self.next_combination_no = FIRST_COMBINATION_NO
        self.swallow = False
        self.desk.reset()

    def set_swallow(self, on: bool) -> None:
        """Answer stock and sale-status writes as done without applying them (``POST /__sandbox__/swallow``)."""
        self.swallow = on

    def snapshot(self) -> dict[str, Any]:
        products = [
            {
                "originProductNo": p["originProductNo"],
                "smartstoreChannelProductNo": p["smartstoreChannelProductNo"],
                "store": p["store"],
                "sellerManagementCode": p["sellerManagementCode"],
                "statusType": p["originProduct"]["statusType"],
                "originProduct": p["originProduct"],
                "smartstoreChannelProduct": p["smartstoreChannelProduct"],
            }
            for p in self.products.values()
        ]
        return copy.deepcopy(
            {"products": products, **self.desk.snapshot(), "images": self.images, "swallow": self.swallow}
        )

    def add_account(self, data: Mapping[str, Any]) -> None:
        """``{"client_id", "secret"}``: a new application; the secret must be a bcrypt salt (``$2a$…``)."""
        client_id, secret = data.get("client_id"), data.get("secret")
        if not isinstance(client_id, str) or not client_id or not isinstance(secret, str):
            raise ValueError("client_id and secret must be non-empty strings")
        if not secret.startswith(("$2a$", "$2b$", "$2y$")) or len(secret) != 29:
            raise ValueError("secret must be a bcrypt salt such as $2a$10$ followed by 22 characters")
        self.accounts[client_id] = Account(client_id, secret)

    def expire_tokens(self) -> None:
        for token in self.tokens.values():
            token.expires_at = -math.inf

    def seed_orders(self, data: Mapping[str, Any]) -> dict[str, Any]:
        return self.desk.seed(data)

    def raise_claim(self, data: Mapping[str, Any]) -> dict[str, Any]:
        return self.desk.raise_claim(data)

    def account_key(self, scope: Scope) -> str:
        """``app:<client_id>``: the application of the bearer token, or of the token request's ``client_id``."""
        headers = Headers(scope=scope)
        scheme, _, value = headers.get("authorization", "").partition(" ")
        token = self.tokens.get(value.strip()) if scheme.lower() == "bearer" else None
        if token is not None:
            return f"app:{token.client_id}"
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        return f"app:{query.get('client_id', [''])[0]}"

    def is_auth_path(self, path: str) -> bool:
        return path == TOKEN_PATH

    def fault_response(self, status: int, retry_after: int | None) -> Response:
        code, message = FAULTS[status]
        headers = {"GNCP-GW-Trace-ID": self.trace_id()}
        if status == 429:
            rate = self.default_rate
            headers.update(
                {
                    "GNCP-GW-RateLimit-Replenish-Rate": f"{rate:g}",
                    "GNCP-GW-RateLimit-Burst-Capacity": f"{2 * rate:g}",
                    "GNCP-GW-RateLimit-Remaining": "0",
                }
            )
        if retry_after is not None:
            headers["Retry-After"] = str(retry_after)
        return self.gateway_error(status, code, message, headers)

    # -- the gateway ----------------------------------------------------------------------------------

    def trace_id(self) -> str:
        return f"{self.random.getrandbits(64):016x}"

    def gateway_error(self, status: int, code: str, message: str, headers: Mapping[str, str]) -> Response:
        trace = headers.get("GNCP-GW-Trace-ID") or self.trace_id()
        body = {"code": code, "message": message, "timestamp": stamp(self.clock()), "traceId": trace}
        return json_response(body, status, {**headers, "GNCP-GW-Trace-ID": trace})

    def authenticate(self, request: Request, trace: str) -> Token:
        scheme, _, value = request.headers.get("authorization", "").partition(" ")
        token = self.tokens.get(value.strip()) if scheme.lower() == "bearer" else None
        if token is None or token.client_id not in self.accounts or self.clock() >= token.expires_at:
            message = (
                "인증에 실패했습니다. 토큰이 없거나 만료되었습니다." if token is None else "토큰이 만료되었습니다."
            )
            raise Reject(self.gateway_error(401, "GW.AUTHN", message, {"GNCP-GW-Trace-ID": trace}))
        if token.client_id in self.denied:
            message = "API 호출 권한이 없습니다. 애플리케이션의 API 그룹 권한을 확인하세요."
            raise Reject(self.gateway_error(401, "GW.AUTHN", message, {"GNCP-GW-Trace-ID": trace}))
        return token

    def api(self, name: str, handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        """Wrap ``handler(request, store)``: the token check, the API's bucket, trace and rate headers."""

        async def run(request: Request) -> Response:
            trace = self.trace_id()
            try:
                token = self.authenticate(request, trace)
            except Reject as reject:
                return reject.response
            now = self.clock()
            key = (token.client_id, name)
            bucket = self.buckets.get(key)
            if bucket is None:
                bucket = self.buckets[key] = Bucket(self.rates.get(name, self.default_rate), now)
            if not bucket.take(now):
                headers = {**bucket.headers(), "GNCP-GW-Trace-ID": trace}
                return self.gateway_error(429, "GW.RATE_LIMIT", "요청 한도를 초과했습니다.", headers)
            mark = TRACE.set(trace)  # error and order bodies carry the trace id of their answer
            try:
                response = await handler(request, token.store)
            except Reject as reject:
                response = reject.response
            finally:
                TRACE.reset(mark)
            for header, value in {**bucket.headers(), "GNCP-GW-Trace-ID": trace}.items():
                response.headers[header] = value
            return response

        return run

    async def issue_token(self, request: Request) -> Response:
        """``POST /external/v1/oauth2/token``: form (or query) fields, bcrypt-signed (naver_auth)."""
        fields = {k: v for k, v in request.query_params.items()}
        if request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            pairs = parse_qs((await request.body()).decode("utf-8", "replace"), keep_blank_values=True)
            fields.update({k: v[-1] for k, v in pairs.items()})
        secrets = {a.client_id: a.secret for a in self.accounts.values()}
        now = self.clock()
        status, body = check_token_request(fields, secrets, int(now * 1000))
        if status == 403 and now != (real := time.time()):
            # a sandbox whose clock is moved (tests seed orders in its past) still takes a client on the real time
            status, body = check_token_request(fields, secrets, int(real * 1000))
        # every HTTP server sends Date; a client with a drifted clock can sign with it
        trace = {"GNCP-GW-Trace-ID": self.trace_id(), "Date": formatdate(now, usegmt=True)}
        if status != 200:
            return json_response(body, status, trace)
        client_id = fields["client_id"]
        store = fields["account_id"] if fields["type"] == "SELLER" else client_id
        live = [t for t in self.tokens.values() if (t.client_id, t.store) == (client_id, store)]
        current = max(live, key=lambda t: t.expires_at, default=None)
        if current is None or current.expires_at - now < SAME_TOKEN_LEFT:
            current = Token(f"{self.random.getrandbits(192):048x}", client_id, store, now + TOKEN_LIFETIME)
            self.tokens[current.value] = current
        left = int(current.expires_at - now)
        return json_response({"access_token": current.value, "expires_in": left, "token_type": "Bearer"}, 200, trace)

    # -- errors and bodies ------------------------------------------------------------------------------

    def api_error(self, status: int, code: str, message: str, inputs: list[dict[str, str]] | None = None) -> Reject:
        body = {
            "code": code,
            "message": message,
            "invalidInputs": inputs or [],
            "timestamp": stamp(self.clock()),
            "traceId": TRACE.get(),
        }
        return Reject(json_response(body, status))

    async def read_object(self, request: Request) -> dict[str, Any]:
        try:
            body = await read_json(request)
        except ValueError:
            raise self.api_error(400, "BAD_REQUEST", "요청 본문이 올바른 JSON이 아닙니다.") from None
        if not isinstance(body, dict):
            raise self.api_error(400, "BAD_REQUEST", "요청 본문은 JSON 객체여야 합니다.")
        return body

    # -- images ----------------------------------------------------------------------------------------

    async def upload(self, request: Request, store: str) -> Response:
        parts = [p for p in _multipart(request.headers, await request.body()) if p[0] == "imageFiles"]
        if not parts:
            raise self.api_error(400, "BAD_REQUEST", "업로드할 이미지(imageFiles)가 없습니다.")
        if len(parts) > MAX_UPLOAD:
            raise self.api_error(400, "BAD_REQUEST", f"이미지는 한 번에 {MAX_UPLOAD}개까지 올릴 수 있습니다.")
        urls = []
        for _, filename, content_type, data in parts:
            if not content_type.startswith("image/") or not data:
                raise self.api_error(400, "BAD_REQUEST", f"이미지 파일이 아닙니다: {filename}")
            if len(data) > MAX_IMAGE_BYTES:
                raise self.api_error(400, "BAD_REQUEST", f"이미지는 10MB까지 올릴 수 있습니다: {filename}")
            day = datetime.fromtimestamp(self.clock(), KST).strftime("%Y%m%d")
            suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
            url = f"{CDN}{day}_{len(self.images) + 1}/{self.random.getrandbits(64):016x}.{suffix}"
            self.images.append({"store": store, "filename": filename, "url": url, "bytes": len(data)})
            urls.append({"url": url})
        return json_response({"images": urls})

    # -- products --------------------------------------------------------------------------------------

    def number_options(self, origin: dict[str, Any], known: set[int]) -> None:
        combos = _obj(_obj(origin.get("detailAttribute")).get("optionInfo")).get("optionCombinations") or []
        for combo in combos:
            number = combo.get("id")
            if not _is_int(number) or number not in known:
                combo["id"], self.next_combination_no = self.next_combination_no, self.next_combination_no + 1

    def checked(self, body: dict[str, Any]) -> dict[str, Any]:
        problems = check_product(body)
        if problems:
            raise self.api_error(400, "BAD_REQUEST", "요청 값이 올바르지 않습니다.", problems)
        return copy.deepcopy(body)

    async def create_product(self, request: Request, store: str) -> Response:
        body = self.checked(await self.read_object(request))
        origin, channel = body["originProduct"], body["smartstoreChannelProduct"]
        self.number_options(origin, set())
        number, self.next_origin_no = self.next_origin_no, self.next_origin_no + 1
        channel_no, self.next_channel_no = self.next_channel_no, self.next_channel_no + 1
        code = _obj(_obj(origin.get("detailAttribute")).get("sellerCodeInfo")).get("sellerManagementCode") or ""
        self.products[number] = {
            "originProductNo": number,
            "smartstoreChannelProductNo": channel_no,
            "store": store,
            "sellerManagementCode": code,
            "originProduct": origin,
            "smartstoreChannelProduct": channel,
        }
        self.stamp_product(self.products[number], created=True)
        return json_response(
            {"originProductNo": number, "smartstoreChannelProductNo": channel_no, "windowChannelProductNo": None}
        )

    def find(self, request: Request, store: str) -> dict[str, Any]:
        raw = request.path_params["no"]
        product = self.products.get(int(raw)) if raw.isascii() and raw.isdigit() else None
        if product is None or product["store"] != store:
            raise self.api_error(404, "NOT_FOUND", f"상품을 찾을 수 없습니다: {raw}")
        return product

    async def get_product(self, request: Request, store: str) -> Response:
        product = self.find(request, store)
        return json_response(
            {"originProduct": product["originProduct"], "smartstoreChannelProduct": product["smartstoreChannelProduct"]}
        )

    async def update_product(self, request: Request, store: str) -> Response:
        """Full update; statusType SALE or SUSPENSION only; a zero stock makes it OUTOFSTOCK (§3.3)."""
        product = self.find(request, store)
        body = self.checked(await self.read_object(request))
        origin = body["originProduct"]
        if origin["statusType"] not in ("SALE", "SUSPENSION"):
            inputs = [invalid("originProduct.statusType", "Enum", "수정할 때 판매 상태는 SALE 또는 SUSPENSION입니다.")]
            raise self.api_error(400, "BAD_REQUEST", "요청 값이 올바르지 않습니다.", inputs)
        if origin["stockQuantity"] == 0:
            origin["statusType"] = "OUTOFSTOCK"
        old = product["originProduct"]
        known = {
            c["id"] for c in _obj(_obj(old.get("detailAttribute")).get("optionInfo")).get("optionCombinations") or []
        }
        self.number_options(origin, known)
        code = _obj(_obj(origin.get("detailAttribute")).get("sellerCodeInfo")).get("sellerManagementCode") or ""
        product.update(
            {
                "originProduct": origin,
                "smartstoreChannelProduct": body["smartstoreChannelProduct"],
                "sellerManagementCode": code,
            }
        )
        self.stamp_product(product, created=False)
        return json_response(
            {
                "originProductNo": product["originProductNo"],
                "smartstoreChannelProductNo": product["smartstoreChannelProductNo"],
                "windowChannelProductNo": None,
            }
        )

    async def change_status(self, request: Request, store: str) -> Response:
        """``{statusType, stockQuantity?}``: "SALE(판매 중), OUTOFSTOCK(품절), SUSPENSION(판매 중지)"."""
        product = self.find(request, store)
        body = await self.read_object(request)
        status = body.get("statusType")
        if status not in ("SALE", "OUTOFSTOCK", "SUSPENSION"):
            inputs = [invalid("statusType", "Enum", "판매 상태는 SALE, OUTOFSTOCK, SUSPENSION 중 하나입니다.")]
            raise self.api_error(400, "BAD_REQUEST", "요청 값이 올바르지 않습니다.", inputs)
        origin = copy.deepcopy(product["originProduct"]) if self.swallow else product["originProduct"]
        stock = body.get("stockQuantity", origin["stockQuantity"])
        if "stockQuantity" in body and (not _is_int(stock) or not 0 <= stock <= MAX_STOCK):
            inputs = [invalid("stockQuantity", "Range", f"재고 수량은 0~{MAX_STOCK:,}입니다.")]
            raise self.api_error(400, "BAD_REQUEST", "요청 값이 올바르지 않습니다.", inputs)
        if status == "SALE" and stock == 0:
            raise self.api_error(400, "BAD_REQUEST", "재고가 없는 상품은 판매중으로 바꿀 수 없습니다.")
        origin.update(stockQuantity=stock, statusType=status)  # on a copy while swallowing: answered, not applied
        return json_response({"code": "SUCCESS", "message": "성공", "data": {}})

    async def option_stock(self, request: Request, store: str) -> Response:
        """The option combinations' stock and price (and optionally the sale price), nothing else. A call that
        changes a price is checked against the option price range of the sale price it leaves (◐ ``option_range``)."""
        product = self.find(request, store)
        body = await self.read_object(request)
        origin = copy.deepcopy(product["originProduct"]) if self.swallow else product["originProduct"]
        option_info = body.get("optionInfo")
        if not isinstance(option_info, dict):
            inputs = [invalid("optionInfo", "NotNull", "옵션 정보는 필수입니다.")]
            raise self.api_error(400, "BAD_REQUEST", "요청 값이 올바르지 않습니다.", inputs)
        mine = _combos(origin)
        if not mine:
            raise self.api_error(400, "BAD_REQUEST", "옵션 설정 상품에 대해서만 옵션 재고를 변경할 수 있습니다.")
        by_id = {c["id"]: c for c in mine}
        sent = option_info.get("optionCombinations") or []
        problems = []
        if not isinstance(sent, list):
            sent = []
            problems.append(invalid("optionInfo.optionCombinations", "Type", "조합형 옵션은 목록입니다."))
        for i, combo in enumerate(sent):
            name = f"optionInfo.optionCombinations[{i}]"
            item = _obj(combo)
            if item.get("id") not in by_id:
                problems.append(invalid(f"{name}.id", "NotNull", f"상품에 없는 옵션 ID입니다: {item.get('id')}"))
            stock = item.get("stockQuantity")
            if stock is not None and (not _is_int(stock) or not 0 <= stock <= MAX_STOCK):
                problems.append(invalid(f"{name}.stockQuantity", "Range", f"재고 수량은 0~{MAX_STOCK:,}입니다."))
            if item.get("price") is not None and (not _is_int(item["price"]) or abs(item["price"]) > MAX_PRICE):
                problems.append(invalid(f"{name}.price", "Type", f"옵션가는 {MAX_PRICE:,}원 이하의 정수입니다."))
            if item.get("usable") is not None and not isinstance(item["usable"], bool):
                problems.append(invalid(f"{name}.usable", "Type", "사용 여부는 true 또는 false입니다."))
        price = _obj(body.get("productSalePrice")).get("salePrice")
        if "productSalePrice" in body and (not _is_int(price) or not 0 < price <= MAX_PRICE):
            problems.append(invalid("productSalePrice.salePrice", "Range", f"판매 가격은 1~{MAX_PRICE:,}원입니다."))
        if problems:
            raise self.api_error(400, "BAD_REQUEST", "요청 값이 올바르지 않습니다.", problems)
        sale = price if price is not None else origin["salePrice"]
        prices = {c["id"]: int(c.get("price", 0)) for c in mine}
        named: dict[Any, str] = {}
        for i, combo in enumerate(sent):
            if combo.get("price") is not None:
                prices[combo["id"]] = combo["price"]
                named[combo["id"]] = f"optionInfo.optionCombinations[{i}].price"
        repriced = sale != origin["salePrice"] or any(prices[c["id"]] != c.get("price", 0) for c in mine)
        if repriced:  # ❓ only a call that changes a price is held to the range (docs/protocols/naver.md)
            fields = [(named.get(c["id"], "productSalePrice.salePrice"), c["id"], prices[c["id"]]) for c in mine]
            out_of_range = _range_problems(sale, fields)
            if out_of_range:
                raise self.api_error(400, "BAD_REQUEST", "옵션가가 판매가의 허용 범위를 벗어납니다.", out_of_range)
        for combo in sent:
            mine_combo = by_id[combo["id"]]
            for field in ("stockQuantity", "price", "usable"):
                if combo.get(field) is not None:
                    mine_combo[field] = combo[field]
        if price is not None:
            origin["salePrice"] = price
        origin["stockQuantity"] = sum(int(c.get("stockQuantity", 0)) for c in mine if c.get("usable", True))
        if origin["statusType"] == "SALE" and origin["stockQuantity"] == 0:
            origin["statusType"] = "OUTOFSTOCK"
        elif origin["statusType"] == "OUTOFSTOCK" and origin["stockQuantity"] > 0:
            origin["statusType"] = "SALE"
        return json_response(
            {
                "originProductNo": product["originProductNo"],
                "smartstoreChannelProductNo": product["smartstoreChannelProductNo"],
                "windowChannelProductNo": None,
                "originProduct": origin,
                "smartstoreChannelProduct": product["smartstoreChannelProduct"],
            }
        )

    async def bulk_update(self, request: Request, store: str) -> Response:
        """``PUT /v1/products/origin-products/bulk-update`` (apicenter bulk-update-origin-product-product):
        ``originProductNos`` (required) and one change area named by ``productBulkUpdateType``; the sandbox keeps
        ``SALE_PRICE`` only: ``productSalePrice{value, productSalePriceChangerType UP|DOWN|TO,
        productSalePriceChangerUnitType PERCENT|WON}`` (all required). Answers CommonResponse ``{code, message,
        data}``; 404 NOT_FOUND for a product that is not the store's. ❓ All or nothing (the page allows partial
        success), PERCENT rounds down to the won, TO with PERCENT is refused, other types are refused as not kept."""
        body = await self.read_object(request)
        numbers = body.get("originProductNos")
        problems = []
        if not isinstance(numbers, list) or not numbers or not all(_is_int(n) for n in numbers):
            problems.append(invalid("originProductNos", "NotEmpty", "원상품 번호 목록은 필수입니다."))
            numbers = []
        kind = body.get("productBulkUpdateType")
        if kind not in BULK_TYPES:
            problems.append(
                invalid("productBulkUpdateType", "Enum", f"일괄 수정 유형은 {', '.join(BULK_TYPES)} 중 하나입니다.")
            )
        change = _obj(body.get("productSalePrice"))
        value = change.get("value")
        how, unit = change.get("productSalePriceChangerType"), change.get("productSalePriceChangerUnitType")
        if kind == "SALE_PRICE":
            base = "productSalePrice"
            if not change:
                problems.append(invalid(base, "NotNull", "판매가 변경 사항은 필수입니다."))
            else:
                if not _is_int(value) or value < 0:
                    problems.append(invalid(f"{base}.value", "NotNull", "변경 금액은 0 이상의 정수입니다."))
                if how not in PRICE_CHANGERS:
                    problems.append(
                        invalid(f"{base}.productSalePriceChangerType", "Enum", "UP, DOWN, TO 중 하나입니다.")
                    )
                if unit not in PRICE_UNITS:
                    problems.append(
                        invalid(f"{base}.productSalePriceChangerUnitType", "Enum", "PERCENT, WON만 입력 가능합니다.")
                    )
                elif how == "TO" and unit == "PERCENT":
                    problems.append(
                        invalid(f"{base}.productSalePriceChangerUnitType", "Enum", "TO는 WON으로만 보낼 수 있습니다.")
                    )
        if problems:
            raise self.api_error(400, "BAD_REQUEST", "요청 값이 올바르지 않습니다.", problems)
        if kind != "SALE_PRICE":
            raise self.api_error(400, "BAD_REQUEST", f"샌드박스는 {kind} 일괄 수정을 지원하지 않습니다.")
        amount: int = value if _is_int(value) else 0
        products = []
        for number in numbers:
            product = self.products.get(number)
            if product is None or product["store"] != store:
                raise self.api_error(404, "NOT_FOUND", f"상품을 찾을 수 없습니다: {number}")
            products.append(product)
        new_prices = []
        for i, product in enumerate(products):
            old = int(product["originProduct"]["salePrice"])
            step = amount if unit == "WON" else old * amount // 100
            new = amount if how == "TO" else old + step if how == "UP" else old - step
            name = f"originProductNos[{i}]"
            if not 0 < new <= MAX_PRICE:
                problems.append(invalid(name, "Range", f"원상품 {numbers[i]}의 판매 가격은 1~{MAX_PRICE:,}원입니다."))
                continue
            combos = _combos(product["originProduct"])
            problems += _range_problems(new, [(name, c["id"], int(c.get("price", 0))) for c in combos])
            new_prices.append((product, new))
        if problems:
            raise self.api_error(400, "BAD_REQUEST", "요청 값이 올바르지 않습니다.", problems)
        if not self.swallow:  # swallowed: checked and answered as done, nothing changed
            for product, new in new_prices:
                product["originProduct"]["salePrice"] = new
        return json_response({"code": "SUCCESS", "message": "성공", "data": {}})

    async def search(self, request: Request, store: str) -> Response:
        body = await self.read_object(request)
        page, size = body.get("page", 1), body.get("size", 50)
        if not _is_int(page) or page < 1 or not _is_int(size) or not 1 <= size <= 500:
            raise self.api_error(400, "BAD_REQUEST", "page는 1 이상, size는 1~500입니다.")
        found = [p for p in self.products.values() if p["store"] == store]
        kind = body.get("searchKeywordType")
        if kind == "SELLER_CODE":
            found = [p for p in found if p["sellerManagementCode"] == body.get("sellerManagementCode")]
        elif kind == "PRODUCT_NO":
            wanted = set(body.get("originProductNos") or [])
            found = [p for p in found if p["originProductNo"] in wanted]
        elif kind is not None:
            raise self.api_error(400, "BAD_REQUEST", f"지원하지 않는 searchKeywordType입니다: {kind}")
        chunk = found[(page - 1) * size : page * size]
        contents = [{"originProductNo": p["originProductNo"], "channelProducts": [_channel(p)]} for p in chunk]
        total_pages = max(1, math.ceil(len(found) / size))
        return json_response(
            {
                "contents": contents,
                "page": page,
                "size": size,
                "totalElements": len(found),
                "totalPages": total_pages,
                "sort": {"sorted": True, "fields": [{"name": "regDate", "direction": "DESC"}]},
                "first": page == 1,
                "last": page >= total_pages,
            }
        )

    def stamp_product(self, product: dict[str, Any], *, created: bool) -> None:
        now = stamp(self.clock())
        if created:
            product["regDate"] = now
        product["modifiedDate"] = now

    def catalogue(self, store: str) -> list[dict[str, Any]]:
        """The store's products on sale, for seeded orders: channel product no, name, price, options."""
        out = []
        for p in self.products.values():
            origin = p["originProduct"]
            if p["store"] != store or origin["statusType"] != "SALE":
                continue
            combos = _obj(_obj(origin.get("detailAttribute")).get("optionInfo")).get("optionCombinations") or []
            options = [
                (
                    " / ".join(str(c[f"optionName{n}"]) for n in (1, 2, 3) if c.get(f"optionName{n}")),
                    int(c.get("price", 0)),
                    str(c.get("sellerManagerCode") or ""),
                    int(c["id"]),
                )
                for c in combos
                if c.get("usable", True)
            ]
            out.append(
                {
                    "productId": str(p["smartstoreChannelProductNo"]),
                    "originProductNo": str(p["originProductNo"]),
                    "name": origin["name"],
                    "price": origin["salePrice"],
                    "sellerProductCode": p["sellerManagementCode"],
                    "options": options,
                }
            )
        return out
