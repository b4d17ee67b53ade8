"""Coupang's Open API (WING) in the sandbox (marketplaces.md §2): CEA auth, products, shipping places, and state.

Every request under ``/v2/providers/`` must carry a valid CEA signature over the path and the raw query as received
(``batch.sandbox.coupang_auth``); a bad one is a 401 in Coupang's ``{"code", "message", "data"}`` shape. A path naming
another vendor than the access key's is a 403. The signed-date must be within 5 minutes of the app's clock or
of the real time (tests shift the app's clock; a real client signs with the real time).

Product routes (``/v2/providers/seller_api/apis/api/v1/marketplace``):

* ``POST …/seller-products`` (create; ``requested: true`` is approved at once: vendorItemIds assigned),
  ``PUT …/seller-products`` (update, ``sellerProductId`` in the body), ``GET …/seller-products/{sellerProductId}``,
  ``GET …/seller-products/external-vendor-sku-codes/{externalVendorSku}`` (``data``: a list, empty when unknown ❓).
* ``PUT …/vendor-items/{vendorItemId}/quantities/{quantity}``, ``…/sales/stop``, ``…/sales/resume``.

Places: ``GET /v2/providers/marketplace_openapi/apis/api/v2/vendor/shipping-place/outbound?pageNum=&pageSize=`` and
``GET /v2/providers/openapi/apis/api/v4/vendors/{vendorId}/returnShippingCenters?pageNum=&pageSize=`` ❓ (both answer
``data: {"content": [...], "pagination": {...}}``). Seeded per vendor: outbound places ``SEED_OUTBOUND`` and return
centres ``SEED_RETURN``.

Product checks (❓ the sandbox's reading of "must match the category meta"): the required top-level fields, a known
outbound place and return centre of the vendor, a known courier code, ``deliveryChargeType`` FREE | NOT_FREE |
CONDITIONAL_FREE, ``sellerProductName`` ≤ 100 characters, 1–200 items, each with its name, prices, a unique
``externalVendorSku`` (across the vendor's products), images as https ``vendorPath`` with exactly one
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
from batch.sandbox.coupang_orders import COURIERS, V4, CatalogItem, CoupangDesk, error, number_page
from batch.sandbox.faults import Clock
from batch.sandbox.web import Reject, endpoint, json_response, read_json

SELLER = "/v2/providers/seller_api/apis/api/v1/marketplace"
OUTBOUND = "/v2/providers/marketplace_openapi/apis/api/v2/vendor/shipping-place/outbound"
FIRST_PRODUCT_ID = 14_000_001
FIRST_ITEM_ID = 3_200_000_001
MAX_NAME = 100  # ❓ sellerProductName length
MAX_ITEMS = 200  # ❓
CHARGE_TYPES = ("FREE", "NOT_FREE", "CONDITIONAL_FREE")
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
        "address": "경기도 이천시 마장면 덕이로 154",
    },
    {
        "outboundShippingPlaceCode": 74011,
        "shippingPlaceName": "부산 출고지",
        "address": "부산광역시 강서구 녹산산단 321로 24",
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
)

FAULT_MESSAGES = {
    429: "Too many requests. 요청이 너무 많습니다. 잠시 후 다시 시도해 주세요.",
    500: "Internal server error. 일시적인 오류가 발생했습니다.",
    503: "Service unavailable. 서비스를 일시적으로 사용할 수 없습니다.",
}


def success(data: Any) -> Response:
    return json_response({"code": "SUCCESS", "message": "", "data": data})


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
    if product["outboundShippingPlaceCode"] not in places:
        return f"출고지 코드({product['outboundShippingPlaceCode']})가 업체에 없습니다."
    if str(product["returnCenterCode"]) not in centres:
        return f"반품지 코드({product['returnCenterCode']})가 업체에 없습니다."
    items = product.get("items")
    if not isinstance(items, list) or not 1 <= len(items) <= MAX_ITEMS:
        return f"items는 1~{MAX_ITEMS}개여야 합니다."
    skus = set()
    for item in items:
        if not isinstance(item, dict):
            return "items의 항목은 JSON 객체여야 합니다."
        for name in ITEM_REQUIRED:
            if item.get(name) in (None, ""):
                return f"items.{name}은(는) 필수입니다."
        if item["externalVendorSku"] in skus:
            return f"externalVendorSku가 중복되었습니다: {item['externalVendorSku']}"
        skus.add(item["externalVendorSku"])
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
            Route(f"{SELLER}/vendor-items/{{vendorItemId}}/quantities/{{quantity}}", h(self.quantity), methods=["PUT"]),
            Route(f"{SELLER}/vendor-items/{{vendorItemId}}/sales/stop", h(self.stop), methods=["PUT"]),
            Route(f"{SELLER}/vendor-items/{{vendorItemId}}/sales/resume", h(self.resume), methods=["PUT"]),
            Route(OUTBOUND, h(self.outbound), methods=["GET"]),
            Route(f"{V4}/returnShippingCenters", h(self.return_centres), methods=["GET"]),
            *self.desk.routes,
        ]
        self.reset()

    # -- the Market interface ------------------------------------------------------------------------

    def reset(self) -> None:
        self.accounts = {a.access_key: a for a in SEED_ACCOUNTS}
        self.products: dict[int, dict[str, Any]] = {}
        self.next_product = FIRST_PRODUCT_ID
        self.next_item = FIRST_ITEM_ID
        self.desk.reset()

    def snapshot(self) -> dict[str, Any]:
        return {
            "products": copy.deepcopy(list(self.products.values())),
            **self.desk.snapshot(),
            "outbound_places": [dict(p) for p in SEED_OUTBOUND],
            "return_centers": [dict(c) for c in SEED_RETURN],
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
        """``{"orders", "inquiries", "seed", "vendor" (default A00012345), "retry_once"}``; see coupang_orders."""
        vendor = data.get("vendor", SEED_ACCOUNTS[0].vendor_id)
        if not isinstance(vendor, str) or vendor not in {a.vendor_id for a in self.accounts.values()}:
            raise ValueError(f"unknown vendor {vendor!r}")
        catalogue = [
            CatalogItem(
                p["sellerProductId"],
                p["sellerProductName"],
                i["vendorItemId"],
                i["itemName"],
                int(i["salePrice"]),
                str(i["externalVendorSku"]),
            )
            for p in self.products.values()
            if p["vendorId"] == vendor
            for i in p["items"]
            if i.get("vendorItemId") and i["saleStatus"] == "ONSALE"
        ]
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

    def _items(self, items: list[dict[str, Any]], known: Mapping[str, dict[str, Any]], approved: bool) -> list[Any]:
        out = []
        for item in items:
            before = known.get(str(item["externalVendorSku"]), {})
            vendor_item = before.get("vendorItemId")
            if vendor_item is None and approved:
                vendor_item, self.next_item = self.next_item, self.next_item + 1
            out.append(
                {
                    **item,
                    "vendorItemId": vendor_item,
                    "saleStatus": before.get("saleStatus", "ONSALE"),
                }
            )
        return out

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
            "items": self._items(body["items"], {}, approved),
        }
        return success(number)

    def _product(self, vendor: str, raw: object) -> dict[str, Any]:
        number = int(raw) if isinstance(raw, int) or (isinstance(raw, str) and raw.isdigit()) else None
        product = self.products.get(number) if number is not None else None
        if product is None or product["vendorId"] != vendor:
            raise error(404, f"상품을 찾을 수 없습니다: {raw}")
        return product

    async def update_product(self, request: Request) -> Response:
        vendor, _ = self.authorize(request)
        body = await self._body(request)
        product = self._product(vendor, body.get("sellerProductId") if isinstance(body, dict) else None)
        body = self._check(body, vendor)
        known = {str(i["externalVendorSku"]): i for i in product["items"]}
        approved = product["statusName"] == "승인완료" or body.get("requested") is True
        items = self._items(body["items"], known, approved)
        number = product["sellerProductId"]
        product.clear()
        product.update(
            {
                "sellerProductId": number,
                **{k: v for k, v in body.items() if k not in ("items", "sellerProductId")},
                "statusName": "승인완료" if approved else "임시저장",
                "items": items,
            }
        )
        return success(number)

    async def get_product(self, request: Request) -> Response:
        vendor, _ = self.authorize(request)
        return success(copy.deepcopy(self._product(vendor, request.path_params["sellerProductId"])))

    async def by_sku(self, request: Request) -> Response:
        vendor, _ = self.authorize(request)
        sku = request.path_params["sku"]
        found = [
            {
                "sellerProductId": p["sellerProductId"],
                "sellerProductName": p["sellerProductName"],
                "vendorItemId": i["vendorItemId"],
                "itemName": i["itemName"],
                "externalVendorSku": i["externalVendorSku"],
            }
            for p in self.products.values()
            if p["vendorId"] == vendor
            for i in p["items"]
            if str(i["externalVendorSku"]) == sku
        ]
        return success(found)

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

    async def quantity(self, request: Request) -> Response:
        item = self._vendor_item(request)
        raw = request.path_params["quantity"]
        if not raw.isdigit() or int(raw) > 99_999:
            raise error(400, f"재고 수량이 올바르지 않습니다: {raw}")
        item["maximumBuyCount"] = int(raw)
        return json_response({"code": "SUCCESS", "message": "재고 변경을 완료했습니다.", "data": None})

    async def stop(self, request: Request) -> Response:
        self._vendor_item(request)["saleStatus"] = "SUSPENDED"
        return json_response({"code": "SUCCESS", "message": "판매 중지 처리되었습니다.", "data": None})

    async def resume(self, request: Request) -> Response:
        self._vendor_item(request)["saleStatus"] = "ONSALE"
        return json_response({"code": "SUCCESS", "message": "판매 재개 처리되었습니다.", "data": None})

    # -- places ---------------------------------------------------------------------------------------

    async def outbound(self, request: Request) -> Response:
        self.authorize(request)
        places = [
            {
                "outboundShippingPlaceCode": p["outboundShippingPlaceCode"],
                "shippingPlaceName": p["shippingPlaceName"],
                "placeAddresses": [{"addressType": "JIBUN", "returnAddress": p["address"]}],
                "usable": True,
            }
            for p in SEED_OUTBOUND
        ]
        return json_response({"code": "200", "message": "SUCCESS", "data": number_page(places, request)})

    async def return_centres(self, request: Request) -> Response:
        self.authorize(request)
        centres = [
            {
                "returnCenterCode": c["returnCenterCode"],
                "shippingPlaceName": c["shippingPlaceName"],
                "placeAddresses": [
                    {
                        "addressType": "JIBUN",
                        "countryCode": "KR",
                        "companyContactNumber": "02-1234-5678",
                        "returnZipCode": c["zip"],
                        "returnAddress": c["address"],
                        "returnAddressDetail": c["detail"],
                    }
                ],
                "usable": True,
            }
            for c in SEED_RETURN
        ]
        return json_response({"code": "200", "message": "SUCCESS", "data": number_page(centres, request)})
