"""Coupang's Open API (WING) in the sandbox (marketplaces.md §2): CEA auth, products, shipping places, and state.

Every request under ``/v2/providers/`` must carry a valid CEA signature over the path and the raw query as received
(``batch.sandbox.coupang_auth``); a bad one is a 401 in Coupang's ``{"code", "message", "data"}`` shape. A path naming
another vendor than the access key's is a 403. The signed-date must be within 5 minutes of the app's clock or
of the real time (tests shift the app's clock; a real client signs with the real time).

Product routes (``/v2/providers/seller_api/apis/api/v1/marketplace``), from C1 product-api/ko/*.document.ts and the
current pages of developers.coupangcorp.com:

* ``POST …/seller-products`` (create; ``requested: true`` is approved at once: vendorItemIds assigned), answered as
  C1's sample ``{"code": "200", "message": "", "data": {"code": "SUCCESS", "message": "", "data": <id>}}``.
* ``PUT …/seller-products`` (update, ``sellerProductId`` in the body). Items are matched by ``sellerProductItemId``;
  an item without one is an added option; an existing option left out is deleted, and refused once it has a
  vendorItemId ("vendorItem로 생성된 아이템은 삭제가 불가능합니다.", C1 assets/faq/business-faq.etc.ts; "이미
  승인완료된 이력이 있는 옵션은 삭제 불가", articles/360034156073). An approved option's salePrice, originalPrice and
  maximumBuyCount in the body are not applied ("승인 완료된 상품의 판매가격, 재고수량, 판매상태, 할인율 기준가는
  상품수정API가 아닌 … API를 통해 가능", C1 modify-seller-product _warning).
* ``GET …/seller-products/{sellerProductId}`` (items carry ``sellerProductItemId`` and ``vendorItemId``),
  ``GET …/seller-products/external-vendor-sku-codes/{externalVendorSku}`` (``data``: a list, C1 lookup-product-summary).
* ``PUT …/vendor-items/{vendorItemId}/prices/{price}[?forceSalePriceUpdate=true]``: without the flag a price below
  50 % or above 200 % of the current one is refused (C1 change-price-by-product errorSpec);
  ``…/quantities/{quantity}``, ``…/sales/stop``, ``…/sales/resume``; ``GET …/vendor-items/{vendorItemId}/inventories``
  (C1 lookup-quantity-price-status-by-product: ``amountInStock`` is the option's stock, ``onSale`` its sale status).
  The price must be a multiple of 10 won (articles/360034156273: "최소 10원 단위로 입력가능합니다. (1원 단위 입력
  불가)"). ``set_swallow(True)`` (control ``/__sandbox__/swallow``) makes the stock, price and sale-status writes
  answer as done and change nothing, until it is turned off or the market is reset.

Places: ``GET /v2/providers/marketplace_openapi/apis/api/v2/vendor/shipping-place/outbound?pageNum=&pageSize=``
answers ``{"content": [...], "pagination": {...}}`` at the top level (articles/360033644754; C6) and needs
``pageNum`` and ``pageSize`` or ``placeCodes``/``placeNames`` (a public client quotes the 400 "(pageNum & pageSize) or
placeCodes or placeNames must be provided"). ``GET {v5}/returnShippingCenters?pageNum=&pageSize=`` (articles/
360033644814; C1's v4 path too) answers ``data: {"content": [...], "pagination": {...}}`` (C1 sample). Seeded per
vendor: outbound places ``SEED_OUTBOUND`` and return centres ``SEED_RETURN`` (with C1's example codes 74010 and
1000274592, so the documented examples can be replayed).

Product checks (❓ the sandbox's reading of "must match the category meta"): the required top-level fields, a known
outbound place and return centre of the vendor, a known courier code, ``deliveryChargeType`` FREE | NOT_FREE |
CONDITIONAL_FREE | C1's FREE_DELIVERY_OVER_* and CHARGE_RECEIVED, ``sellerProductName`` ≤ 100 characters (articles/
360033877853), 1–200 items, each with its name, prices, an ``externalVendorSku`` not used by another product of the
vendor (C1's examples repeat one code inside a product), images as http(s) ``vendorPath`` with exactly one
REPRESENTATION, and notices.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Scope

from batch.sandbox import coupang_auth
from batch.sandbox.coupang_orders import COURIERS, KST, V4, V5, CatalogItem, CoupangDesk, error, number_page
from batch.sandbox.faults import Clock
from batch.sandbox.web import Reject, endpoint, json_response, read_json

SELLER = "/v2/providers/seller_api/apis/api/v1/marketplace"
OUTBOUND = "/v2/providers/marketplace_openapi/apis/api/v2/vendor/shipping-place/outbound"
FIRST_PRODUCT_ID = 14_000_001
FIRST_ITEM_ID = 3_200_000_001
FIRST_PRODUCT_ITEM_ID = 769_000_001
MAX_NAME = 100  # sellerProductName "최대 길이 : 100 자" (articles/360033877853)
MAX_ITEMS = 200  # ❓
PRICE_UNIT = 10  # vendor-item price "최소 10원 단위로 입력가능합니다. (1원 단위 입력 불가)" (articles/360034156273)
MAX_PLACE_PAGE = 50  # outbound places: pageSize "Default=10, Max=50" (articles/360033644754)
CHARGE_TYPES = (
    "FREE",
    "NOT_FREE",
    "CONDITIONAL_FREE",
    "FREE_DELIVERY_OVER_9800",  # C1 modify-seller-product deliveryChargeType table
    "FREE_DELIVERY_OVER_19800",
    "FREE_DELIVERY_OVER_30000",
    "CHARGE_RECEIVED",
)
VENDOR_ITEM_FIELDS = ("salePrice", "originalPrice", "maximumBuyCount")  # after approval: vendor-item calls only
NO_DELETE = "vendorItem로 생성된 아이템은 삭제가 불가능합니다."  # C1 assets/faq/business-faq.etc.ts id 30
PLACE_QUERY = "(pageNum & pageSize) or placeCodes or placeNames must be provided"
FEES = ("vendorCreditFee", "vendorCashFee", "consumerCashFee", "returnFee")  # C1 lookup-return-shipping-facility
REQUIRED = (
    "displayCategoryCode",
    "sellerProductName",
    "vendorId",
    "saleStartedAt",
    "saleEndedAt",
    "deliveryMethod",
    "deliveryCompanyCode",
    "deliveryChargeType",
    "outboundShippingPlaceCode",
    "returnCenterCode",
    "afterServiceContactNumber",
    "vendorUserId",
    "returnChargeName",
    "returnZipCode",
    "returnAddress",
)
ITEM_REQUIRED = ("itemName", "originalPrice", "salePrice", "maximumBuyCount", "externalVendorSku")


@dataclass(frozen=True)
class Account:
    access_key: str
    secret_key: str
    vendor_id: str
    wing_id: str


SEED_ACCOUNTS = (
    Account("sandbox-access-key", "sandbox-coupang-secret-key", "A00012345", "sandbox-wing"),
    Account("sandbox-access-key-2", "sandbox-coupang-secret-key-2", "A00067890", "sandbox-wing-2"),
)
SEED_OUTBOUND: tuple[dict[str, Any], ...] = (
    {
        "outboundShippingPlaceCode": 74010,
        "shippingPlaceName": "본사 물류센터",
        "zip": "17413",
        "address": "경기도 이천시 마장면 덕이로 154",
        "createDate": "2024/03/02",
    },
    {
        "outboundShippingPlaceCode": 74011,
        "shippingPlaceName": "부산 출고지",
        "zip": "46752",
        "address": "부산광역시 강서구 녹산산단 321로 24",
        "createDate": "2024/05/20",
    },
)
SEED_RETURN: tuple[dict[str, Any], ...] = (
    {
        "returnCenterCode": "1000558371",
        "shippingPlaceName": "본사 반품센터",
        "zip": "17413",
        "address": "경기도 이천시 마장면 덕이로 154",
        "detail": "B동 반품장",
    },
    {
        "returnCenterCode": "1000558372",
        "shippingPlaceName": "부산 반품센터",
        "zip": "46752",
        "address": "부산광역시 강서구 녹산산단 321로 24",
        "detail": "2층",
    },
    {  # the code of C1's product examples (create-seller-product, modify-seller-product)
        "returnCenterCode": "1000274592",
        "shippingPlaceName": "반품지_1",
        "zip": "135-090",
        "address": "서울특별시 강남구 삼성동",
        "detail": "333",
    },
)

FAULT_MESSAGES = {
    429: "Too many requests. 요청이 너무 많습니다. 잠시 후 다시 시도해 주세요.",
    500: "Internal server error. 일시적인 오류가 발생했습니다.",
    503: "Service unavailable. 서비스를 일시적으로 사용할 수 없습니다.",
}


def success(data: Any) -> Response:
    return json_response({"code": "SUCCESS", "message": "", "data": data})


def saved(number: int) -> Response:
    """The answer to a create or an update, as C1's samples show it (create-seller-product, modify-seller-product)."""
    return json_response({"code": "200", "message": "", "data": {"code": "SUCCESS", "message": "", "data": number}})


def _whole(value: Any) -> int | None:
    """A number C1's examples write as ``13000``, ``"100"`` or ``13000.00000`` (Jackson reads them alike)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return int(number) if number.is_integer() else None


def _problem(product: Any, places: Sequence[int], centres: Sequence[str], vendor: str) -> str | None:
    """The first reason to refuse a create/update body, in Korean, or None."""
    if not isinstance(product, dict):
        return "요청 본문은 JSON 객체여야 합니다."
    for name in REQUIRED:
        if product.get(name) in (None, ""):
            return f"{name}은(는) 필수입니다."
    if product["vendorId"] != vendor:
        return f"vendorId가 인증된 업체({vendor})와 다릅니다."
    if len(str(product["sellerProductName"])) > MAX_NAME:
        return f"sellerProductName은 {MAX_NAME}자까지입니다."
    if product["deliveryCompanyCode"] not in COURIERS:
        return f"택배사 코드가 올바르지 않습니다: {product['deliveryCompanyCode']}"
    if product["deliveryChargeType"] not in CHARGE_TYPES:
        return f"deliveryChargeType 값이 올바르지 않습니다: {product['deliveryChargeType']}"
    if _whole(product["outboundShippingPlaceCode"]) not in places:
        return f"출고지 코드({product['outboundShippingPlaceCode']})가 업체에 없습니다."
    if str(product["returnCenterCode"]) not in centres:
        return f"반품지 코드({product['returnCenterCode']})가 업체에 없습니다."
    items = product.get("items")
    if not isinstance(items, list) or not 1 <= len(items) <= MAX_ITEMS:
        return f"items는 1~{MAX_ITEMS}개여야 합니다."
    for item in items:
        if not isinstance(item, dict):
            return "items의 항목은 JSON 객체여야 합니다."
        for name in ITEM_REQUIRED:
            if item.get(name) in (None, ""):
                return f"items.{name}은(는) 필수입니다."
        for name in ("originalPrice", "salePrice", "maximumBuyCount"):
            if _whole(item[name]) is None or (_whole(item[name]) or 0) < 0:
                return f"items.{name} 값이 올바르지 않습니다: {item[name]}"
        images = item.get("images")
        if not isinstance(images, list) or not images:
            return "items.images는 필수입니다."
        if sum(1 for i in images if isinstance(i, dict) and i.get("imageType") == "REPRESENTATION") != 1:
            return "대표이미지(REPRESENTATION)는 하나여야 합니다."
        for image in images:
            path = image.get("vendorPath") if isinstance(image, dict) else None
            if not isinstance(path, str) or not path.startswith(("https://", "http://")):
                return f"이미지 주소(vendorPath)가 올바르지 않습니다: {path}"
        if not item.get("notices"):
            return "items.notices(상품고시정보)는 필수입니다."
    return None


class CoupangMarket:
    """Coupang in the sandbox: accounts, products, places; orders, claims, inquiries in ``self.desk``."""

    name = "coupang"
    prefixes = ("/v2/providers/",)

    def __init__(self, *, clock: Clock, seed: int) -> None:
        self.clock = clock
        self.seed = seed
        h = endpoint
        self.desk = CoupangDesk(clock=clock, authorize=self.authorize)
        self.routes = [
            Route(f"{SELLER}/seller-products", h(self.create_product), methods=["POST"]),
            Route(f"{SELLER}/seller-products", h(self.update_product), methods=["PUT"]),
            Route(f"{SELLER}/seller-products/external-vendor-sku-codes/{{sku}}", h(self.by_sku), methods=["GET"]),
            Route(f"{SELLER}/seller-products/{{sellerProductId}}", h(self.get_product), methods=["GET"]),
            Route(f"{SELLER}/vendor-items/{{vendorItemId}}/prices/{{price}}", h(self.price), methods=["PUT"]),
            Route(f"{SELLER}/vendor-items/{{vendorItemId}}/quantities/{{quantity}}", h(self.quantity), methods=["PUT"]),
            Route(f"{SELLER}/vendor-items/{{vendorItemId}}/sales/stop", h(self.stop), methods=["PUT"]),
            Route(f"{SELLER}/vendor-items/{{vendorItemId}}/sales/resume", h(self.resume), methods=["PUT"]),
            Route(f"{SELLER}/vendor-items/{{vendorItemId}}/inventories", h(self.inventories), methods=["GET"]),
            Route(OUTBOUND, h(self.outbound), methods=["GET"]),
            Route(f"{V5}/returnShippingCenters", h(self.return_centres), methods=["GET"]),
            Route(f"{V4}/returnShippingCenters", h(self.return_centres), methods=["GET"]),  # C1's (2019) path
            *self.desk.routes,
        ]
        self.reset()

    # -- the Market interface ------------------------------------------------------------------------

    def reset(self) -> None:
        self.accounts = {a.access_key: a for a in SEED_ACCOUNTS}
        self.products: dict[int, dict[str, Any]] = {}
        self.next_product = FIRST_PRODUCT_ID
        self.next_item = FIRST_ITEM_ID
        self.next_product_item = FIRST_PRODUCT_ITEM_ID
        self.swallow = False
        self.desk.reset()

    def set_swallow(self, on: bool) -> None:
        """While on, the stock, price and sale-status writes (``quantities``, ``prices``, ``sales/stop``,
        ``sales/resume``) answer as done and change nothing (control ``POST /__sandbox__/swallow``; a sold-out update
        Coupang took and never applied, marketplaces-next.md §5.1); ``inventories`` shows what is really held. A write
        Coupang would refuse is still refused."""
        self.swallow = on

    def snapshot(self) -> dict[str, Any]:
        return {
            "products": copy.deepcopy(list(self.products.values())),
            **self.desk.snapshot(),
            "outbound_places": [dict(p) for p in SEED_OUTBOUND],
            "return_centers": [dict(c) for c in SEED_RETURN],
            "swallow": self.swallow,
            "accounts": [
                {"access_key": a.access_key, "vendor_id": a.vendor_id, "wing_id": a.wing_id}
                for a in self.accounts.values()
            ],
        }

    def add_account(self, data: Mapping[str, Any]) -> None:
        fields = ("access_key", "secret_key", "vendor_id", "wing_id")
        values = [data.get(f) for f in fields]
        if not all(isinstance(v, str) and v for v in values):
            raise ValueError(f"{', '.join(fields)} must all be non-empty strings")
        access, secret, vendor, wing = (str(v) for v in values)
        self.accounts[access] = Account(access, secret, vendor, wing)

    def expire_tokens(self) -> None:
        """Coupang has no tokens: every request is signed afresh (§2.1)."""

    def seed_orders(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """``{"orders", "inquiries", "seed", "vendor" (default A00012345), "retry_once", "qty", "product"}``: orders
        draw from the vendor's approved options on sale (only those of sellerProductId ``product`` when given), each
        line ``qty`` units when given; see coupang_orders."""
        self.desk.check_seed(data)
        vendor = data.get("vendor", SEED_ACCOUNTS[0].vendor_id)
        if not isinstance(vendor, str) or vendor not in {a.vendor_id for a in self.accounts.values()}:
            raise ValueError(f"unknown vendor {vendor!r}")
        product = str(data["product"]) if "product" in data else None
        if product is not None and not any(
            str(p["sellerProductId"]) == product and p["vendorId"] == vendor for p in self.products.values()
        ):
            raise ValueError(f"unknown product {product!r} of vendor {vendor}")
        catalogue = [
            CatalogItem(
                p["sellerProductId"],
                p["sellerProductName"],
                i["vendorItemId"],
                i["itemName"],
                _whole(i["salePrice"]) or 0,
                str(i["externalVendorSku"]),
            )
            for p in self.products.values()
            if p["vendorId"] == vendor and (product is None or str(p["sellerProductId"]) == product)
            for i in p["items"]
            if i.get("vendorItemId") and i["saleStatus"] == "ONSALE"
        ]
        if product is not None and not catalogue and data.get("orders"):
            raise ValueError(f"product {product} has no approved option on sale to order")
        return self.desk.seed(data, vendor, catalogue)

    def raise_claim(self, data: Mapping[str, Any]) -> dict[str, Any]:
        return self.desk.raise_claim(data)

    def account_key(self, scope: Scope) -> str:
        fields = coupang_auth.parse_header(Headers(scope=scope).get("authorization") or "")
        account = self.accounts.get(fields["access-key"]) if fields else None
        return f"vendor:{account.vendor_id}" if account else "vendor:"

    def is_auth_path(self, path: str) -> bool:
        return False  # no token endpoint: every request is signed

    def fault_response(self, status: int, retry_after: int | None) -> Response:
        headers = None if retry_after is None else {"Retry-After": str(retry_after)}
        return json_response({"code": status, "message": FAULT_MESSAGES[status], "data": None}, status, headers)

    # -- auth -----------------------------------------------------------------------------------------

    def authorize(self, request: Request) -> tuple[str, str]:
        """Verify the CEA signature; a vendor in the path must be the key's. Returns (vendorId, WING id)."""
        scope = request.scope
        raw = scope.get("raw_path") or scope["path"].encode("utf-8")
        path = raw.decode("ascii", "replace").partition("?")[0]
        query = scope.get("query_string", b"").decode("ascii", "replace")
        now = datetime.fromtimestamp(self.clock(), UTC)

        def secret_for(key: str) -> str | None:
            account = self.accounts.get(key)
            return account.secret_key if account else None

        header = request.headers.get("authorization")
        problem = coupang_auth.verify(header, request.method, path, query, secret_for, now)
        if problem == coupang_auth.EXPIRED:  # tests may shift the app's clock: real time counts too
            wall = datetime.now(UTC)
            problem = coupang_auth.verify(header, request.method, path, query, secret_for, wall)
        if problem is not None:
            raise Reject(json_response(coupang_auth.error_body(problem), 401))
        fields = coupang_auth.parse_header(request.headers["authorization"])
        assert fields is not None
        account = self.accounts[fields["access-key"]]
        vendor = request.path_params.get("vendorId")
        if vendor is not None and vendor != account.vendor_id:
            raise error(403, f"요청 경로의 업체({vendor})에 대한 권한이 없습니다.")
        return account.vendor_id, account.wing_id

    # -- products -------------------------------------------------------------------------------------

    async def _body(self, request: Request) -> Any:
        try:
            return await read_json(request)
        except ValueError:
            raise error(400, "요청 본문이 올바른 JSON이 아닙니다.") from None

    def _check(self, body: Any, vendor: str) -> dict[str, Any]:
        places = [int(p["outboundShippingPlaceCode"]) for p in SEED_OUTBOUND]
        centres = [str(c["returnCenterCode"]) for c in SEED_RETURN]
        problem = _problem(body, places, centres, vendor)
        if problem is not None:
            raise error(400, problem)
        assert isinstance(body, dict)
        taken = {
            str(i["externalVendorSku"]): pid
            for pid, p in self.products.items()
            if p["vendorId"] == vendor
            for i in p["items"]
        }
        for item in body["items"]:
            owner = taken.get(str(item["externalVendorSku"]))
            if owner is not None and owner != body.get("sellerProductId"):
                raise error(400, f"이미 등록된 externalVendorSku입니다: {item['externalVendorSku']} (상품 {owner})")
        return body

    def _new_item(self, item: dict[str, Any], approved: bool) -> dict[str, Any]:
        """An added option: a new sellerProductItemId, and a vendorItemId once approved."""
        number, self.next_product_item = self.next_product_item, self.next_product_item + 1
        vendor_item = None
        if approved:
            vendor_item, self.next_item = self.next_item, self.next_item + 1
        fields = {k: v for k, v in item.items() if k not in ("sellerProductItemId", "vendorItemId")}
        return {
            "sellerProductItemId": number,
            "vendorItemId": vendor_item,
            **fields,
            **{k: _whole(fields[k]) for k in VENDOR_ITEM_FIELDS},
            "saleStatus": "ONSALE",
        }

    async def create_product(self, request: Request) -> Response:
        vendor, _ = self.authorize(request)
        body = self._check(await self._body(request), vendor)
        body.pop("sellerProductId", None)
        number, self.next_product = self.next_product, self.next_product + 1
        approved = body.get("requested") is True
        self.products[number] = {
            "sellerProductId": number,
            **{k: v for k, v in body.items() if k != "items"},
            "statusName": "승인완료" if approved else "임시저장",
            "createdAt": datetime.fromtimestamp(self.clock(), KST).strftime("%Y-%m-%dT%H:%M:%S"),
            "items": [self._new_item(item, approved) for item in body["items"]],
        }
        return saved(number)

    def _product(self, vendor: str, raw: object) -> dict[str, Any]:
        number = int(raw) if isinstance(raw, int) or (isinstance(raw, str) and raw.isdigit()) else None
        product = self.products.get(number) if number is not None else None
        if product is None or product["vendorId"] != vendor:
            raise error(404, f"상품을 찾을 수 없습니다: {raw}")
        return product

    async def update_product(self, request: Request) -> Response:
        """C9: items by sellerProductItemId; no id = added; left out = deleted, refused when approved."""
        vendor, _ = self.authorize(request)
        body = await self._body(request)
        product = self._product(vendor, body.get("sellerProductId") if isinstance(body, dict) else None)
        body = self._check(body, vendor)
        known = {int(i["sellerProductItemId"]): i for i in product["items"]}
        approved = product["statusName"] == "승인완료" or body.get("requested") is True
        kept: dict[int, dict[str, Any]] = {}
        for item in body["items"]:
            raw = item.get("sellerProductItemId")
            if raw is None:
                continue
            number = _whole(raw)
            before = known.get(number) if number is not None else None
            if before is None or number in kept:
                raise error(400, f"업체상품옵션아이디(sellerProductItemId)가 이 상품에 없습니다: {raw}")
            given = item.get("vendorItemId")
            if given is not None and _whole(given) != before["vendorItemId"]:
                raise error(400, f"옵션ID(vendorItemId)가 업체상품옵션과 맞지 않습니다: {given}")
            kept[before["sellerProductItemId"]] = item
        dropped = [i for n, i in known.items() if n not in kept]
        if any(i["vendorItemId"] is not None for i in dropped):
            raise error(400, NO_DELETE)
        items = []
        for item in body["items"]:
            number = _whole(item.get("sellerProductItemId"))
            if number is None:
                items.append(self._new_item(item, approved))
                continue
            before = known[number]
            fields = {k: v for k, v in item.items() if k not in ("sellerProductItemId", "vendorItemId")}
            if before["vendorItemId"] is not None:  # approved: price and stock change by vendor-item calls only
                fields = {**fields, **{k: before[k] for k in VENDOR_ITEM_FIELDS}}
            else:
                fields = {**fields, **{k: _whole(fields[k]) for k in VENDOR_ITEM_FIELDS}}
            vendor_item = before["vendorItemId"]
            if vendor_item is None and approved:
                vendor_item, self.next_item = self.next_item, self.next_item + 1
            items.append(
                {
                    "sellerProductItemId": number,
                    "vendorItemId": vendor_item,
                    **fields,
                    "saleStatus": before["saleStatus"],
                }
            )
        number, created = product["sellerProductId"], product["createdAt"]
        product.clear()
        product.update(
            {
                "sellerProductId": number,
                **{k: v for k, v in body.items() if k not in ("items", "sellerProductId")},
                "statusName": "승인완료" if approved else "임시저장",
                "createdAt": created,
                "items": items,
            }
        )
        return saved(number)

    async def get_product(self, request: Request) -> Response:
        vendor, _ = self.authorize(request)
        return success(copy.deepcopy(self._product(vendor, request.path_params["sellerProductId"])))

    async def by_sku(self, request: Request) -> Response:
        vendor, _ = self.authorize(request)
        sku = request.path_params["sku"]
        found = {  # one entry per product (C1 lookup-product-summary: 업체상품목록), its fields
            p["sellerProductId"]: {
                "sellerProductId": p["sellerProductId"],
                "sellerProductName": p["sellerProductName"],
                "displayCategoryCode": p.get("displayCategoryCode"),
                "categoryId": None,
                "productId": None,
                "vendorId": p["vendorId"],
                "mdId": None,
                "mdName": None,
                "saleStartedAt": p.get("saleStartedAt"),
                "saleEndedAt": p.get("saleEndedAt"),
                "brand": p.get("brand"),
                "statusName": p["statusName"],
                "createdAt": p["createdAt"],
            }
            for p in self.products.values()
            if p["vendorId"] == vendor and any(str(i["externalVendorSku"]) == sku for i in p["items"])
        }
        return success(list(found.values()))

    def _vendor_item(self, request: Request) -> dict[str, Any]:
        vendor, _ = self.authorize(request)
        raw = request.path_params["vendorItemId"]
        for product in self.products.values():
            if product["vendorId"] != vendor:
                continue
            for item in product["items"]:
                if item["vendorItemId"] is not None and str(item["vendorItemId"]) == raw:
                    found: dict[str, Any] = item
                    return found
        raise error(404, f"옵션ID(vendorItemId)를 찾을 수 없습니다: {raw}")

    async def price(self, request: Request) -> Response:
        """C1 change-price-by-product: without forceSalePriceUpdate=true, at most 50 % down or 100 % up (its errorSpec,
        word for word); the current page (articles/360034156273): the price "최소 10원 단위로 입력가능합니다. (1원 단위
        입력 불가)" (the refusal's words are ours, ❓ docs/protocols/coupang.md reading 16). Only the option's salePrice
        changes (originalPrice, stock and sale status stay). Swallowed: checked and answered, not applied."""
        item = self._vendor_item(request)
        raw = request.path_params["price"]
        if not raw.isdigit() or int(raw) <= 0:
            raise error(400, f"가격이 올바르지 않습니다: {raw}")
        if int(raw) % PRICE_UNIT:
            raise error(
                400,
                f"가격변경에 실패했습니다. [옵션ID[{item['vendorItemId']}] : 판매가는 최소 {PRICE_UNIT}원 단위로 "
                "입력 가능합니다. (1원 단위 입력 불가)]",
            )
        price, before = int(raw), int(item["salePrice"])
        forced = request.query_params.get("forceSalePriceUpdate") == "true"
        if not forced and before > 0 and not before * 0.5 <= price <= before * 2:
            raise error(
                400,
                f"가격변경에 실패했습니다. [옵션ID[{item['vendorItemId']}] : 판매가 변경이 불가능합니다. "
                "변경전 판매가의 최대 50% 인하/최대 100%인상까지 변경가능합니다.]",
            )
        if not self.swallow:
            item["salePrice"] = price
        return json_response({"code": "SUCCESS", "message": "가격 변경을 완료했습니다.", "data": None})

    async def quantity(self, request: Request) -> Response:
        """C1 change-quantity-by-product: the option's 재고수량 (0 included: it is sold out, ``inventories`` shows
        ``amountInStock: 0``); ❓ at most 99,999 (the sandbox's bound). Swallowed: answered, not applied."""
        item = self._vendor_item(request)
        raw = request.path_params["quantity"]
        if not raw.isdigit() or int(raw) > 99_999:
            raise error(400, f"재고 수량이 올바르지 않습니다: {raw}")
        if not self.swallow:
            item["maximumBuyCount"] = int(raw)
        return json_response({"code": "SUCCESS", "message": "재고 변경을 완료했습니다.", "data": None})

    async def stop(self, request: Request) -> Response:
        item = self._vendor_item(request)
        if not self.swallow:
            item["saleStatus"] = "SUSPENDED"
        return json_response({"code": "SUCCESS", "message": "판매 중지 처리되었습니다.", "data": None})

    async def resume(self, request: Request) -> Response:
        item = self._vendor_item(request)
        if not self.swallow:
            item["saleStatus"] = "ONSALE"
        return json_response({"code": "SUCCESS", "message": "판매가 재개되었습니다.", "data": None})

    async def inventories(self, request: Request) -> Response:
        """C1 lookup-quantity-price-status-by-product (articles/360033645114): the option's 잔여수량, 판매가격 and
        판매상태, as its sample writes them (``sellerItemId`` is the vendorItemId)."""
        item = self._vendor_item(request)
        data = {
            "sellerItemId": item["vendorItemId"],
            "amountInStock": _whole(item["maximumBuyCount"]) or 0,
            "salePrice": _whole(item["salePrice"]) or 0,
            "onSale": item["saleStatus"] == "ONSALE",
            "bestPriceGuaranteed3P": False,
        }
        return json_response({"code": "SUCCESS", "message": "", "data": data})

    # -- places ---------------------------------------------------------------------------------------

    async def outbound(self, request: Request) -> Response:
        """C6: ``content`` and ``pagination`` at the top level (articles/360033644754)."""
        self.authorize(request)
        q = request.query_params
        codes = [c for c in q.get("placeCodes", "").split(",") if c]
        names = [n for n in q.get("placeNames", "").split(",") if n]
        if not codes and not names and not ("pageNum" in q and "pageSize" in q):
            raise error(400, PLACE_QUERY)
        places = [
            {
                "outboundShippingPlaceCode": p["outboundShippingPlaceCode"],
                "shippingPlaceName": p["shippingPlaceName"],
                "placeAddresses": [
                    {
                        "addressType": "JIBUN",
                        "countryCode": "KR",
                        "companyContactNumber": "02-1234-5678",
                        "phoneNumber2": "",
                        "returnZipCode": p["zip"],
                        "returnAddress": p["address"],
                        "returnAddressDetail": "",
                    }
                ],
                "remoteInfos": [
                    {"remoteInfoId": 7000 + i, "deliveryCode": "CJGLS", "jeju": 3000, "notJeju": 3000, "usable": True}
                ],
                "createDate": p["createDate"],
                "usable": True,
            }
            for i, p in enumerate(SEED_OUTBOUND)
            if (not codes or str(p["outboundShippingPlaceCode"]) in codes)
            and (not names or p["shippingPlaceName"] in names)
        ]
        if codes or names:
            size = max(1, len(places))
            listing = {
                "content": places,
                "pagination": {"currentPage": 1, "totalPages": 1, "totalElements": len(places), "countPerPage": size},
            }
        else:
            listing = number_page(places, request, MAX_PLACE_PAGE)
        return json_response(listing)

    async def return_centres(self, request: Request) -> Response:
        vendor, _ = self.authorize(request)
        centres = [
            {
                "vendorId": vendor,
                "returnCenterCode": c["returnCenterCode"],
                "shippingPlaceName": c["shippingPlaceName"],
                "deliverCode": "CJGLS",
                "deliverName": "CJ 대한통운",
                "goodsflowStatus": "승인완료",
                "errorMessage": "",
                "createdAt": 1_700_000_000_000,
                **{f"{kind}{w}kg": 3000 for kind in FEES for w in ("05", "10", "20")},
                "usable": True,
                "placeAddresses": [
                    {
                        "addressType": "JIBUN",
                        "countryCode": "KR",
                        "companyContactNumber": "02-1234-5678",
                        "phoneNumber2": "",
                        "returnZipCode": c["zip"],
                        "returnAddress": c["address"],
                        "returnAddressDetail": c["detail"],
                    }
                ],
            }
            for c in SEED_RETURN
        ]
        return json_response({"code": 200, "message": "SUCCESS", "data": number_page(centres, request)})
