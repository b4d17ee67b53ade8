"""The Coupang adapter against the in-process sandbox: products, order sheets, acknowledgement, invoices, claims,
inquiries, every request as it crossed the wire (CEA-signed), and the per-item outcomes of Coupang's batch calls."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import unquote

import pytest
from helpers import FakeClock, Recorder, sandbox_client, sandbox_control, sandbox_state

from batch.config import Account
from batch.errors import WorkspaceError
from batch.marketplaces.base import (
    AlreadyDone,
    AuthFailed,
    RateLimited,
    Rejected,
    Unavailable,
)
from batch.marketplaces.coupang import AUTH_PROBLEM, ONE_INVOICE, Coupang, CoupangCredentials, day_windows, money
from batch.marketplaces.types import DeliveryTemplate, Shipment
from batch.models import (
    Cert,
    ClaimStatus,
    ClaimType,
    Market,
    OptionCombo,
    OrderLine,
    OrderStatus,
    Product,
    ProductLink,
    SalesInfo,
)
from batch.sandbox.app import create_app

NOW = 1_750_000_000.0  # 2025-06-16 00:06:40 KST
VENDOR = "A00012345"
SELLER = "/v2/providers/seller_api/apis/api/v1/marketplace"
OUTBOUND = "/v2/providers/marketplace_openapi/apis/api/v2/vendor/shipping-place/outbound"
V4 = f"/v2/providers/openapi/apis/api/v4/vendors/{VENDOR}"
V5 = f"/v2/providers/openapi/apis/api/v5/vendors/{VENDOR}"
V6 = f"/v2/providers/openapi/apis/api/v6/vendors/{VENDOR}"
T4 = "/v2/providers/openapi/apis/api/v4/vendors/{vendorId}"
T5 = "/v2/providers/openapi/apis/api/v5/vendors/{vendorId}"
T6 = "/v2/providers/openapi/apis/api/v6/vendors/{vendorId}"
START = dt.datetime(2025, 6, 15, 0, 0)
END = dt.datetime(2025, 6, 16, 0, 7)


@dataclass
class Setup:
    recorder: Recorder
    coupang: Coupang
    clock: FakeClock

    async def control(self, action: str, body: dict[str, Any]) -> Any:
        return await sandbox_control(self.coupang.client.http, "coupang", action, body)

    async def state(self) -> dict[str, Any]:
        return await sandbox_state(self.coupang.client.http, "coupang")


def run(scenario: Callable[[Setup], Awaitable[None]], *, secret: str = "sandbox-coupang-secret-key") -> Setup:
    """Run ``scenario`` with a Coupang adapter (vendor A00012345) against a fresh sandbox at NOW."""
    recorder = Recorder(create_app(clock=lambda: NOW, seed=5))
    clock = FakeClock()

    async def main() -> Setup:
        client = sandbox_client("coupang", recorder, clock)
        credentials = CoupangCredentials(VENDOR, "sandbox-access-key", secret, "sandbox-wing")
        adapter = Coupang(client, credentials, clock=lambda: dt.datetime.fromtimestamp(NOW, dt.UTC))
        setup = Setup(recorder, adapter, clock)
        async with client.http:
            await scenario(setup)
        return setup

    return asyncio.run(main())


PRODUCT = Product(
    row=3,
    code="CP-001",
    name="다온 스테인리스 텀블러 (T-350)",
    on_sale=True,
    category="생활/주방/건강 > 주방용품 > 컵/텀블러",
    price=15000,
    tax="과세",
    maker="다온",
    brand="다온리빙",
    model="T-350",
    origin="대한민국",
    adult=False,
    keywords=("텀블러", "보온병"),
    detail="<p>다온 텀블러</p>",
    images=("https://img.example.com/t-1.jpg", "https://img.example.com/t-2.jpg"),
    cert_required=True,
    certs=(Cert("생활용품 안전확인", "KTR", "YU07123-21001"),),
    notice_category="주방용품",
    notices=(("품명 및 모델명", "텀블러 T-350"), ("제조국", "대한민국")),
    option_names=("색상", "용량"),
    options=(
        OptionCombo(("블랙", "350ml"), 0, True, 10),
        OptionCombo(("화이트", "500ml"), 3000, False, 4),
    ),
)


def sales(**changes: str | None) -> SalesInfo:
    fields: dict[str, str | None] = {
        "market_category_no": "56137",
        "courier": "CJ대한통운",
        "outbound_place": "74010",
        "return_center": "1000558371",
        "delivery_fee_type": "조건부무료",
        "delivery_fee": "3000",
        "free_over": "30000",
        "return_fee": "3500",
        "exchange_fee": "7000",
        "as_phone": "1588-0000",
        "as_guide": None,
    }
    fields.update(changes)
    return SalesInfo(Market.COUPANG, "main", "쿠팡", tuple(fields.items()))


SALES = sales()


def item(i: int, name: str, price: int, stock: int, values: tuple[str, str]) -> dict[str, Any]:
    return {
        "itemName": name,
        "originalPrice": price,
        "salePrice": price,
        "maximumBuyCount": stock,
        "maximumBuyForPerson": 0,
        "maximumBuyForPersonPeriod": 1,
        "outboundShippingTimeDay": 2,
        "unitCount": 1,
        "adultOnly": "EVERYONE",
        "taxType": "TAX",
        "parallelImported": "NOT_PARALLELED",
        "overseasPurchased": "NOT_OVERSEAS_PURCHASED",
        "pccNeeded": False,
        "externalVendorSku": f"CP-001-00{i}",
        "barcode": "",
        "emptyBarcode": True,
        "emptyBarcodeReason": "바코드 없음",
        "modelNo": "T-350",
        "certifications": [{"certificationType": "생활용품 안전확인", "certificationCode": "YU07123-21001"}],
        "searchTags": ["텀블러", "보온병"],
        "images": [
            {"imageOrder": 0, "imageType": "REPRESENTATION", "vendorPath": "https://img.example.com/t-1.jpg"},
            {"imageOrder": 1, "imageType": "DETAIL", "vendorPath": "https://img.example.com/t-2.jpg"},
        ],
        "notices": [
            {"noticeCategoryName": "주방용품", "noticeCategoryDetailName": "품명 및 모델명", "content": "텀블러 T-350"},
            {"noticeCategoryName": "주방용품", "noticeCategoryDetailName": "제조국", "content": "대한민국"},
        ],
        "attributes": [
            {"attributeTypeName": "색상", "attributeValueName": values[0]},
            {"attributeTypeName": "용량", "attributeValueName": values[1]},
        ],
        "contents": [
            {"contentsType": "HTML", "contentDetails": [{"content": "<p>다온 텀블러</p>", "detailType": "TEXT"}]}
        ],
    }


EXPECTED_BODY: dict[str, Any] = {
    "displayCategoryCode": 56137,
    "sellerProductName": "다온 스테인리스 텀블러 (T-350)",
    "vendorId": VENDOR,
    "saleStartedAt": "2020-01-01T00:00:00",
    "saleEndedAt": "2099-12-31T23:59:59",
    "displayProductName": "다온 스테인리스 텀블러 (T-350)",
    "brand": "다온리빙",
    "generalProductName": "다온 스테인리스 텀블러 (T-350)",
    "productGroup": "컵/텀블러",
    "manufacture": "다온",
    "deliveryMethod": "SEQUENCIAL",
    "deliveryCompanyCode": "CJGLS",
    "deliveryChargeType": "CONDITIONAL_FREE",
    "deliveryCharge": 3000,
    "freeShipOverAmount": 30000,
    "deliveryChargeOnReturn": 3500,
    "remoteAreaDeliverable": "N",
    "unionDeliveryType": "UNION_DELIVERY",
    "outboundShippingPlaceCode": 74010,
    "returnCenterCode": "1000558371",
    "returnCharge": 3500,
    "companyContactNumber": "1588-0000",
    "afterServiceInformation": "A/S 문의: 1588-0000",
    "afterServiceContactNumber": "1588-0000",
    "vendorUserId": "sandbox-wing",
    "requested": True,
    "items": [
        item(1, "블랙/350ml", 15000, 10, ("블랙", "350ml")),
        item(2, "화이트/500ml", 18000, 0, ("화이트", "500ml")),
    ],
}
RETURN_ADDRESS = {
    "returnChargeName": "본사 반품센터",
    "returnZipCode": "17413",
    "returnAddress": "경기도 이천시 마장면 덕이로 154",
    "returnAddressDetail": "B동 반품장",
}
LINK = ProductLink("14000001", {"CP-001-001": "3200000001", "CP-001-002": "3200000002"})


def counts(state: dict[str, Any]) -> dict[str, int]:
    return dict(state["requests"])


def test_every_request_is_cea_signed_over_the_wire_query() -> None:
    async def scenario(s: Setup) -> None:
        assert await s.coupang.vendor_id() == VENDOR

    setup = run(scenario)
    [call] = setup.recorder.market()
    assert (call.method, call.path, call.query, call.status) == ("GET", OUTBOUND, "pageNum=1&pageSize=1", 200)
    assert call.headers["authorization"].startswith(
        "CEA algorithm=HmacSHA256, access-key=sandbox-access-key, signed-date=250615T150640Z, signature="
    )
    assert call.headers["x-requested-by"] == VENDOR


def test_a_wrong_secret_is_auth_failed_in_korean_and_not_retried() -> None:
    errors: list[AuthFailed] = []

    async def scenario(s: Setup) -> None:
        with pytest.raises(AuthFailed) as caught:
            await s.coupang.vendor_id()
        errors.append(caught.value)

    setup = run(scenario, secret="wrong-secret")
    [call] = setup.recorder.market()
    assert call.status == 401
    assert call.reply() == {"code": "ERROR", "message": "Invalid signature.", "data": None}
    assert (errors[0].message, errors[0].status) == (AUTH_PROBLEM, 401)
    assert "wrong-secret" not in repr(setup.coupang) + repr(setup.coupang.credentials) + str(errors[0])


def test_a_429_is_rate_limited_and_pauses_the_account() -> None:
    async def scenario(s: Setup) -> None:
        await s.control("faults", {"rate": 1.0, "kinds": ["429"]})
        with pytest.raises(RateLimited):
            await s.coupang.vendor_id()

    setup = run(scenario)
    assert [e.status for e in setup.recorder.market()] == [429, 429, 429]
    assert setup.coupang.client.bucket.slow_until > 0


# -- products -------------------------------------------------------------------------------------------------


def test_create_sends_the_mapped_body_and_links_vendor_items() -> None:
    links: list[ProductLink] = []
    states: list[dict[str, Any]] = []

    async def scenario(s: Setup) -> None:
        links.append(await s.coupang.create_product(PRODUCT, SALES))
        states.append(await s.state())

    setup = run(scenario)
    [post] = setup.recorder.market("POST")
    assert post.path == f"{SELLER}/seller-products"
    # C3 (C1 technical FAQ): the gateway is asked for no longer than the client waits (30 s here, less a second)
    assert post.headers["x-extended-timeout"] == "29000"
    assert post.headers["content-type"] == "application/json;charset=UTF-8"  # C2: C1 python-example.sample.ts
    assert setup.coupang.payload(PRODUCT, SALES) == EXPECTED_BODY
    assert post.json() == {**EXPECTED_BODY, **RETURN_ADDRESS}
    # C1 create-seller-product sample: the id nested in a second code/message/data
    assert post.reply() == {"code": "200", "message": "", "data": {"code": "SUCCESS", "message": "", "data": 14000001}}
    assert links == [LINK]
    [stored] = states[0]["products"]
    assert stored["statusName"] == "승인완료"
    assert [(i["externalVendorSku"], i["vendorItemId"], i["saleStatus"]) for i in stored["items"]] == [
        ("CP-001-001", 3200000001, "ONSALE"),
        ("CP-001-002", 3200000002, "ONSALE"),
    ]
    assert counts(states[0]) == {
        f"GET {T5}/returnShippingCenters": 1,
        f"POST {SELLER}/seller-products": 1,
        f"GET {SELLER}/seller-products/{{sellerProductId}}": 1,
    }


def test_find_update_stock_pause_resume_by_our_code() -> None:
    found: list[ProductLink | None] = []
    states: list[dict[str, Any]] = []

    async def scenario(s: Setup) -> None:
        found.append(await s.coupang.find_product("CP-001"))
        link = await s.coupang.create_product(PRODUCT, SALES)
        found.append(await s.coupang.find_product("CP-001"))
        cheaper = replace(
            PRODUCT, price=14000, options=(OptionCombo(("블랙", "350ml"), 0, True, 7), PRODUCT.options[1])
        )
        assert await s.coupang.update_product(cheaper, SALES, link) == LINK
        await s.coupang.update_stock(cheaper)
        await s.coupang.pause("CP-001")
        states.append(await s.state())
        await s.coupang.resume("CP-001")
        states.append(await s.state())
        with pytest.raises(Rejected, match="쿠팡에 상품 NONE이\\(가\\) 없습니다"):
            await s.coupang.pause("NONE")

    setup = run(scenario)
    assert found == [None, LINK]
    [put] = setup.recorder.market("PUT", f"{SELLER}/seller-products")
    assert put.json()["sellerProductId"] == 14000001
    # C9 (C1 modify-seller-product): each option keeps its ids; an approved one keeps Coupang's price and stock in
    # the body, and the workbook's go through the vendor-item calls
    assert [(i["sellerProductItemId"], i["vendorItemId"], i["salePrice"]) for i in put.json()["items"]] == [
        (769000001, 3200000001, 15000),
        (769000002, 3200000002, 18000),
    ]
    prices = [e.path for e in setup.recorder.market("PUT") if "/prices/" in e.path]
    assert prices == [
        f"{SELLER}/vendor-items/3200000001/prices/14000",
        f"{SELLER}/vendor-items/3200000002/prices/17000",
    ]
    quantities = [e.path for e in setup.recorder.market("PUT") if "/quantities/" in e.path]
    assert quantities == [
        f"{SELLER}/vendor-items/3200000001/quantities/7",  # update_product: the workbook's 7 against Coupang's 10
        f"{SELLER}/vendor-items/3200000001/quantities/7",  # update_stock
        f"{SELLER}/vendor-items/3200000002/quantities/0",
    ]
    items = states[0]["products"][0]["items"]
    assert [(i["maximumBuyCount"], i["saleStatus"]) for i in items] == [(7, "SUSPENDED"), (0, "SUSPENDED")]
    assert [i["saleStatus"] for i in states[1]["products"][0]["items"]] == ["ONSALE", "ONSALE"]
    sku = f"GET {SELLER}/seller-products/external-vendor-sku-codes/{{sku}}"
    assert counts(states[1])[sku] == 5  # find ×2, update_stock, pause, resume (before the unknown code)
    assert counts(states[1])[f"PUT {SELLER}/vendor-items/{{vendorItemId}}/sales/stop"] == 2
    assert counts(states[1])[f"PUT {SELLER}/vendor-items/{{vendorItemId}}/sales/resume"] == 2


def test_preflight_lists_what_coupang_refuses() -> None:
    async def scenario(s: Setup) -> None:
        pass

    coupang = run(scenario).coupang
    assert coupang.preflight(PRODUCT, SALES) == []
    bad = replace(PRODUCT, name="가" * 101, images=("tumbler.jpg", "https://img.example.com/x.jpg"), notices=())
    worse = sales(market_category_no=None, courier="CU편의점택배", delivery_fee_type="착불", as_phone="")
    assert coupang.preflight(bad, worse) == [
        "쿠팡 상품명은 100자까지입니다.",
        "쿠팡은 이미지 주소(https://…)만 받습니다. 이미지를 웹에 올리고 주소를 적으세요: tumbler.jpg",
        "쿠팡에는 상품정보제공고시가 꼭 있어야 합니다.",
        "판매정보의 쿠팡 카테고리 코드가 없거나 숫자가 아닙니다.",
        "택배사 'CU편의점택배'는 쿠팡 택배사 코드가 없습니다. 다른 택배사를 고르세요.",
        "판매정보의 배송비 유형은 무료, 유료, 조건부무료 중 하나여야 합니다.",
        "쿠팡에는 A/S 전화번호가 꼭 있어야 합니다. 판매정보에 적으세요.",
    ]


def test_templates_are_outbound_places_and_checks_name_unknown_codes() -> None:
    answers: list[object] = []

    async def scenario(s: Setup) -> None:
        answers.append(await s.coupang.delivery_templates())
        answers.append(await s.coupang.check_templates(SALES))
        answers.append(await s.coupang.check_templates(sales(outbound_place="999")))
        answers.append(await s.coupang.check_templates(sales(return_center="123")))

    run(scenario)
    assert answers == [
        [DeliveryTemplate("74010", "본사 물류센터", ""), DeliveryTemplate("74011", "부산 출고지", "")],
        None,
        "쿠팡에 출고지 코드 999가 없습니다. 쿠팡 WING의 출고지 코드를 판매정보 시트에 적으세요.",
        "쿠팡에 반품지 코드 123가 없습니다. 쿠팡 WING의 반품지 코드를 판매정보 시트에 적으세요.",
    ]


def test_an_unknown_outbound_place_is_refused_by_the_sandbox_too() -> None:
    async def scenario(s: Setup) -> None:
        with pytest.raises(Rejected, match="출고지 코드\\(999\\)가 업체에 없습니다"):
            await s.coupang.create_product(PRODUCT, sales(outbound_place="999"))

    setup = run(scenario)
    assert [e.status for e in setup.recorder.market()] == [200, 400]  # the return centres, then the refusal


def test_an_unknown_return_centre_is_refused_before_sending() -> None:
    async def scenario(s: Setup) -> None:
        with pytest.raises(Rejected, match="쿠팡에 반품지 코드 42가 없습니다"):
            await s.coupang.create_product(PRODUCT, sales(return_center="42"))

    setup = run(scenario)
    assert [e.path for e in setup.recorder.market()] == [f"{V5}/returnShippingCenters"]


# -- orders ---------------------------------------------------------------------------------------------------


def units(lines: list[OrderLine]) -> list[list[OrderLine]]:
    by_key: dict[str, list[OrderLine]] = {}
    for line in lines:
        by_key.setdefault(line.delivery_no, []).append(line)
    return list(by_key.values())


def test_collect_orders_follows_next_token_and_maps_every_field() -> None:
    got: list[OrderLine] = []
    states: list[dict[str, Any]] = []

    async def scenario(s: Setup) -> None:
        await s.control("seed", {"orders": 40, "seed": 3})
        got.extend(await s.coupang.collect_orders(START, END, "main"))
        states.append(await s.state())

    setup = run(scenario)
    boxes = states[0]["orders"]
    assert len(boxes) > 50  # two pages of ACCEPT
    sheets = setup.recorder.market("GET", f"{V5}/ordersheets")
    queries = [unquote(e.query) for e in sheets]
    first = "createdAtFrom=2025-06-15+09:00&createdAtTo=2025-06-16+09:00"
    assert queries == [
        f"{first}&status=ACCEPT&maxPerPage=50",
        f"{first}&status=ACCEPT&maxPerPage=50&nextToken={FIRST_BOX + 50}",
        f"{first}&status=INSTRUCT&maxPerPage=50",
    ]
    assert "createdAtFrom=2025-06-15%2B09%3A00" in sheets[0].query  # the + is encoded, and signed as sent
    assert all(e.headers["x-extended-timeout"] == "29000" for e in sheets)  # C3: as long as the client waits
    assert len(got) == sum(len(b["orderItems"]) for b in boxes)
    box = boxes[0]
    entry = box["orderItems"][0]
    assert got[0] == OrderLine(
        market="coupang",
        account="main",
        order_no=str(box["orderId"]),
        delivery_no=str(box["shipmentBoxId"]),
        product_no=str(entry["sellerProductId"]),
        option_no=str(entry["vendorItemId"]),
        product_name=entry["sellerProductName"],
        option_text=entry["sellerProductItemName"],
        qty=entry["shippingCount"],
        price=entry["salesPrice"]["units"],
        ordered_at=box["orderedAt"].replace("T", " "),
        status=OrderStatus.NEW,
        buyer=box["orderer"]["name"],
        buyer_phone="0" + box["orderer"]["safeNumber"][3:],
        receiver=box["receiver"]["name"],
        receiver_phone="0" + box["receiver"]["safeNumber"][3:],
        zipcode=box["receiver"]["postCode"],
        address=f"{box['receiver']['addr1']} {box['receiver']['addr2']}",
        message=box["parcelPrintMessage"],
    )
    assert {setup.coupang.shipment_key(line) for line in got} == {str(b["shipmentBoxId"]) for b in boxes}
    orders = {b["orderId"] for b in boxes}
    assert len(orders) == 40 < len(boxes)  # several boxes per order
    assert any(len(b["orderItems"]) > 1 for b in boxes)


FIRST_BOX = 600_000_001


def test_money_objects_and_plain_numbers() -> None:
    assert money({"currencyCode": "KRW", "units": 19000, "nanos": 0}) == 19000
    assert money({"currencyCode": "KRW", "units": 100, "nanos": 900_000_000}) == 101
    assert money(5000) == 5000
    assert money("5000") == 5000
    assert money(None) == 0


def test_confirm_resends_only_the_box_coupang_asks_to_retry() -> None:
    outcomes: list[dict[str, Any]] = []
    states: list[dict[str, Any]] = []

    async def scenario(s: Setup) -> None:
        await s.control("seed", {"orders": 3, "seed": 1, "retry_once": 1})
        lines = await s.coupang.collect_orders(START, END, "main")
        outcomes.append(await s.coupang.confirm(units(lines)))
        outcomes.append(await s.coupang.confirm(units(lines)))  # again: confirmed already is done
        states.append(await s.state())

    setup = run(scenario)
    boxes = [b["shipmentBoxId"] for b in states[0]["orders"]]
    patches = setup.recorder.market("PATCH", f"{V4}/ordersheets/acknowledgement")
    assert [p.json() for p in patches] == [
        {"vendorId": VENDOR, "shipmentBoxIds": boxes},
        {"vendorId": VENDOR, "shipmentBoxIds": [boxes[0]]},
        {"vendorId": VENDOR, "shipmentBoxIds": boxes},
    ]
    first = patches[0].reply()["data"]
    assert (first["responseCode"], first["responseList"][0]["retryRequired"]) == (1, True)
    assert outcomes == [{str(b): None for b in boxes}] * 2
    assert {b["status"] for b in states[0]["orders"]} == {"INSTRUCT"}
    assert len(setup.clock.sleeps) == 1


def test_confirm_of_a_box_with_a_cancel_request_is_rejected_for_that_box_alone() -> None:
    outcomes: list[dict[str, Any]] = []

    async def scenario(s: Setup) -> None:
        made = await s.control("seed", {"orders": 2, "seed": 1})
        await s.control("claims", {"order": made["orders"][0], "type": "cancel"})
        lines = await s.coupang.collect_orders(START, END, "main")
        assert lines[0].status is OrderStatus.NEW  # asked, not yet cancelled
        outcomes.append(await s.coupang.confirm(units(lines)))

    run(scenario)
    [result] = outcomes
    errors = {k: v for k, v in result.items() if v is not None}
    [(key, error)] = errors.items()
    assert key == str(FIRST_BOX)
    assert isinstance(error, Rejected)
    assert (error.message, error.code) == (
        "쿠팡: 취소 요청된 상품이 있어 배송상태를 변경할 수 없습니다.",
        "CANCEL_REQUESTED",
    )
    assert sum(1 for v in result.values() if v is None) == len(result) - 1


def shipment(unit: list[OrderLine], number: str, **more: Any) -> Shipment:
    return Shipment(unit[0].delivery_no, tuple(unit), "CJGLS", number, **more)


def test_invoices_per_line_only_the_failed_item_resent_duplicates_and_corrections() -> None:
    outcomes: list[dict[str, Any]] = []
    states: list[dict[str, Any]] = []
    boxes: list[list[OrderLine]] = []

    async def scenario(s: Setup) -> None:
        await s.control("seed", {"orders": 4, "seed": 2, "retry_once": 1})
        lines = await s.coupang.collect_orders(START, END, "main")
        found = units(lines)
        # the first box, a box of another order, one more box, and the last box (left in ACCEPT)
        other = next(b for b in found[1:-1] if b[0].order_no != found[0][0].order_no)
        boxes.extend([found[0], other, *[b for b in found[1:-1] if b is not other][:1], found[-1]])
        confirmed = await s.coupang.confirm(boxes[:-1])  # the last box stays ACCEPT; flaky on its first ack
        assert set(confirmed.values()) == {None}
        plan = [
            shipment(boxes[0], "100000000001"),
            shipment(boxes[1], "100000000001"),  # the same number as another box
            shipment(boxes[2], "100000000003", additional=("100000000004",)),
            shipment(boxes[-1], "100000000009"),  # not acknowledged
        ]
        outcomes.append(await s.coupang.send_invoices(plan))
        outcomes.append(await s.coupang.send_invoices([plan[0]]))  # the same invoice again
        outcomes.append(await s.coupang.send_invoices([shipment(boxes[0], "100000000002", correct=True)]))
        states.append(await s.state())

    setup = run(scenario)
    posts = setup.recorder.market("POST", f"{V4}/orders/invoices")
    first_box = boxes[0]
    dto = {
        "shipmentBoxId": int(first_box[0].delivery_no),
        "orderId": int(first_box[0].order_no),
        "deliveryCompanyCode": "CJGLS",
        "invoiceNumber": "100000000001",
        "splitShipping": False,
        "preSplitShipped": False,
        "estimatedShippingDate": "",
    }
    sent = posts[0].json()["orderSheetInvoiceApplyDtos"]
    assert sent[: len(first_box)] == [{**dto, "vendorItemId": int(line.option_no)} for line in first_box]
    assert len(sent) == len(first_box) + len(boxes[1]) + len(boxes[-1])  # no DTO for the additional box
    # the flaky box's first DTO asked for a retry: that DTO alone went again
    assert posts[1].json() == {
        "vendorId": VENDOR,
        "orderSheetInvoiceApplyDtos": [{**dto, "vendorItemId": int(first_box[0].option_no)}],
    }
    assert len(posts) == 3
    result = outcomes[0]
    assert result[first_box[0].delivery_no] is None
    duplicate = result[boxes[1][0].delivery_no]
    assert isinstance(duplicate, Rejected)
    assert duplicate.message == "쿠팡: 이미 사용된 송장번호입니다: 100000000001"
    extra = result[boxes[2][0].delivery_no]
    assert isinstance(extra, Rejected) and extra.message == ONE_INVOICE
    early = result[boxes[-1][0].delivery_no]
    assert isinstance(early, Rejected) and early.code == "INVALID_STATUS"
    assert outcomes[1:] == [{first_box[0].delivery_no: None}] * 2
    # the same invoice again was refused (ALREADY_INVOICED); one look at the box showed it is ours
    [look] = setup.recorder.market("GET", f"{V5}/ordersheets/{first_box[0].delivery_no}")
    assert look.status == 200
    [update] = setup.recorder.market("POST", f"{V4}/orders/updateInvoices")
    assert {d["invoiceNumber"] for d in update.json()["orderSheetInvoiceApplyDtos"]} == {"100000000002"}
    by_box = {str(b["shipmentBoxId"]): b for b in states[0]["orders"]}
    assert by_box[first_box[0].delivery_no]["status"] == "DEPARTURE"
    assert by_box[boxes[1][0].delivery_no]["status"] == "INSTRUCT"
    current = [(i["shipmentBoxId"], i["invoiceNumber"], i["kind"]) for i in states[0]["invoices"] if i["current"]]
    assert current == [(int(first_box[0].delivery_no), "100000000002", "update")] * len(first_box)


def test_a_whole_invoice_call_failing_is_unclear_for_every_box() -> None:
    outcomes: list[dict[str, Any]] = []

    async def scenario(s: Setup) -> None:
        await s.control("seed", {"orders": 2, "seed": 2})
        boxes = units(await s.coupang.collect_orders(START, END, "main"))
        await s.coupang.confirm(boxes)
        await s.control("faults", {"rate": 1.0, "kinds": ["503"]})
        outcomes.append(await s.coupang.send_invoices([shipment(b, f"20000000000{i}") for i, b in enumerate(boxes)]))

    setup = run(scenario)
    assert len(setup.recorder.market("POST", f"{V4}/orders/invoices")) == 3  # max_attempts
    [result] = outcomes
    assert result and all(getattr(e, "outcome_unknown", False) for e in result.values())


# -- claims ---------------------------------------------------------------------------------------------------


def test_claims_of_the_three_kinds() -> None:
    got: list[Any] = []
    states: list[dict[str, Any]] = []

    async def scenario(s: Setup) -> None:
        made = await s.control("seed", {"orders": 3, "seed": 4})
        boxes = units(await s.coupang.collect_orders(START, END, "main"))
        shipped = [b for b in boxes if b[0].order_no in made["orders"][1:]]
        await s.coupang.confirm(shipped)
        await s.coupang.send_invoices([shipment(b, f"30000000000{i}") for i, b in enumerate(shipped)])
        numbers = [
            (await s.control("claims", {"order": made["orders"][0], "type": "cancel"}))["claimNo"],
            (await s.control("claims", {"order": made["orders"][1], "type": "return"}))["claimNo"],
            (await s.control("claims", {"order": made["orders"][2], "type": "exchange"}))["claimNo"],
        ]
        got.append(numbers)
        got.append(await s.coupang.collect_claims(START, END, "main", latest=True))
        states.append(await s.state())

    setup = run(scenario)
    numbers, claims = got
    assert [(c.claim_no, c.kind, c.status) for c in claims][:1] == [
        (numbers[1], ClaimType.RETURN, ClaimStatus.REQUESTED)
    ]
    assert {(c.claim_no, c.kind) for c in claims} == {
        (numbers[0], ClaimType.CANCEL),
        (numbers[1], ClaimType.RETURN),
        (numbers[2], ClaimType.EXCHANGE),
    }
    cancel = next(c for c in claims if c.kind is ClaimType.CANCEL)
    assert cancel.status is ClaimStatus.REQUESTED
    assert (cancel.reason, cancel.requested_at) == ("고객변심 단순변심", "2025-06-16 00:06:40")
    exchange = next(c for c in claims if c.kind is ClaimType.EXCHANGE)
    assert (exchange.status, exchange.reason) == (ClaimStatus.REQUESTED, "사이즈 교환 한 치수 큰 것으로 바꿔 주세요")
    returns = setup.recorder.market("GET", f"{V6}/returnRequests")
    # C18: minute windows (searchType=timeFrame, articles/360033919613's example), no status, for both types
    window = "searchType=timeFrame&createdAtFrom=2025-06-15T00:00&createdAtTo=2025-06-16T00:07"
    assert [unquote(e.query) for e in returns] == [
        f"{window}&cancelType=RETURN&maxPerPage=50",
        f"{window}&cancelType=CANCEL&maxPerPage=50",
    ]
    # C21: the buyer from exchangeAddressDtoV1.returnCustomerName, the item by orderItemId/targetItemName
    box = next(b for b in states[0]["orders"] if str(b["orderId"]) == exchange.order_no)
    item = box["orderItems"][0]
    assert (exchange.buyer, exchange.product_no, exchange.product_name) == (
        box["receiver"]["name"],
        str(item["vendorItemId"]),
        item["vendorItemName"],
    )
    [exchanges] = setup.recorder.market("GET", f"{V4}/exchangeRequests")
    assert unquote(exchanges.query) == "createdAtFrom=2025-06-15T00:00:00&createdAtTo=2025-06-16T23:59:59&maxPerPage=50"
    assert {c["claimType"] for c in states[0]["claims"]} == {"CANCEL", "RETURN", "EXCHANGE"}


# -- inquiries ------------------------------------------------------------------------------------------------


def test_inquiries_of_both_kinds_answered_once() -> None:
    got: list[Any] = []
    states: list[dict[str, Any]] = []

    async def scenario(s: Setup) -> None:
        made = await s.control("seed", {"orders": 2, "inquiries": 3, "seed": 6})
        got.append(made["inquiries"])
        found = await s.coupang.collect_inquiries(START, END, "main")
        got.append(found)
        for inquiry in found:
            await s.coupang.answer(inquiry.inquiry_no, "안녕하세요.\n내일 출고됩니다.")
        for inquiry in found:
            with pytest.raises(AlreadyDone):
                await s.coupang.answer(inquiry.inquiry_no, "다시 답변")
        got.append(await s.coupang.collect_inquiries(START, END, "main"))
        states.append(await s.state())

    setup = run(scenario)
    seeded, found, after = got
    assert seeded == ["online:80001", "online:80002", "callcenter:50001"]
    assert sorted(q.inquiry_no for q in found) == sorted(seeded)
    assert after == []
    assert all(q.market == "coupang" and not q.answered and q.asked_at.startswith("2025-06-1") for q in found)
    online = setup.recorder.market("POST", f"{V4}/onlineInquiries/80001/replies")
    assert online[0].json() == {
        "content": "안녕하세요.\n내일 출고됩니다.",
        "vendorId": VENDOR,
        "replyBy": "sandbox-wing",
    }
    assert online[1].status == 400
    [call_center] = setup.recorder.market(
        "POST", f"{V4}/callCenterInquiries/50001/replies"
    )  # the second stopped at GET
    inquiry = next(q for q in states[0]["inquiries"] if q["kind"] == "callcenter")
    assert call_center.json() == {
        "vendorId": VENDOR,
        "inquiryId": "50001",  # C26: C1 types it String
        "content": "안녕하세요.\n내일 출고됩니다.",
        "replyBy": "sandbox-wing",
        "parentAnswerId": inquiry["replies"][0]["answerId"],  # the reply asking for an answer (requestAnswer)
    }
    assert inquiry["csPartnerCounselingStatus"] == "answered"  # C25: requestAnswer → answered
    assert [a["kind"] for a in states[0]["answers"]] == ["online", "online", "callcenter"]
    listed = setup.recorder.market("GET", f"{V5}/onlineInquiries")
    assert unquote(listed[0].query) == (
        f"vendorId={VENDOR}&inquiryStartAt=2025-06-15&inquiryEndAt=2025-06-16&answeredType=NOANSWER&pageNum=1&pageSize=50"
    )
    assert counts(states[0])[f"GET {T5}/callCenterInquiries"] == 2
    called = setup.recorder.market("GET", f"{V5}/callCenterInquiries")
    assert unquote(called[0].query) == (  # C24: pageSize ≤ 30 (C1); NO_ANSWER is the query's value (C25)
        f"vendorId={VENDOR}&inquiryStartAt=2025-06-15&inquiryEndAt=2025-06-16&partnerCounselingStatus=NO_ANSWER"
        "&pageNum=1&pageSize=30"
    )


def test_windows_statuses_and_unknown_values() -> None:
    windows = day_windows(dt.datetime(2025, 1, 1, 9), dt.datetime(2025, 3, 5, 1), 31)
    assert windows == [
        (dt.date(2025, 1, 1), dt.date(2025, 1, 31)),
        (dt.date(2025, 2, 1), dt.date(2025, 3, 3)),
        (dt.date(2025, 3, 4), dt.date(2025, 3, 5)),
    ]
    assert day_windows(dt.datetime(2025, 1, 1), dt.datetime(2025, 1, 1, 23), 7) == [(dt.date(2025, 1, 1),) * 2]

    async def scenario(s: Setup) -> None:
        pass

    coupang = run(scenario).coupang
    exchange = {"exchangeId": 1, "orderId": 2, "exchangeStatus": "CANCEL", "createdAt": "2025-06-15T10:00:00"}
    [claim] = coupang._exchanges(exchange, "main")
    assert (claim.kind, claim.status, claim.requested_at) == (
        ClaimType.EXCHANGE,
        ClaimStatus.WITHDRAWN,
        "2025-06-15 10:00:00",
    )
    assert coupang._exchanges({**exchange, "exchangeStatus": "REJECT"}, "main")[0].status is ClaimStatus.DONE
    exchange_items = {
        **exchange,
        "exchangeItemDtoV1s": [
            {"orderItemId": 31, "orderItemName": None, "targetItemId": 32, "targetItemName": "블랙, L"},
            {"orderItemId": 33, "orderItemName": "화이트, M", "targetItemId": 33, "targetItemName": None},
        ],
        "exchangeAddressDtoV1": {"returnCustomerName": "이*옥"},
    }
    assert [(c.product_no, c.product_name, c.buyer) for c in coupang._exchanges(exchange_items, "main")] == [
        ("31", "블랙, L", "이*옥"),
        ("33", "화이트, M", "이*옥"),
    ]
    done = {"receiptId": 3, "receiptStatus": "RETURNS_COMPLETED", "returnItems": [{"sellerProductId": 9}]}
    assert coupang._returns(done, ClaimType.RETURN, "main")[0].status is ClaimStatus.DONE
    with pytest.raises(Unavailable, match="알 수 없는 교환 상태를 보냈습니다: LOST"):
        coupang._exchanges({**exchange, "exchangeStatus": "LOST"}, "main")
    with pytest.raises(Unavailable, match="알 수 없는 발주서 상태를 보냈습니다: PAID"):
        coupang._lines({"status": "PAID"}, "main")
    box = {"status": "FINAL_DELIVERY", "orderId": 1, "shipmentBoxId": 2, "orderItems": [
        {"shippingCount": 2, "cancelCount": 2, "salesPrice": 1000},
        {"shippingCount": 1, "cancelCount": 0, "salesPrice": {"units": 500, "nanos": 0}},
    ]}  # fmt: skip
    assert [(x.status, x.price) for x in coupang._lines(box, "main")] == [
        (OrderStatus.CANCELLED, 1000),
        (OrderStatus.DELIVERED, 500),
    ]


def test_credentials_come_from_the_account_and_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    sandbox = Account("coupang", "main", "sandbox:", {})
    assert Coupang.credentials_for(sandbox) == CoupangCredentials(
        VENDOR, "sandbox-access-key", "sandbox-coupang-secret-key", "sandbox-wing"
    )
    real = Account(
        "coupang",
        "main",
        "https://api-gateway.coupang.com",
        {"vendor_id": "A00099999", "access_key": "ak", "wing_id": "wing", "secret_key_env": "TEST_COUPANG_SECRET"},
    )
    monkeypatch.setenv("TEST_COUPANG_SECRET", "top-secret")
    credentials = Coupang.credentials_for(real)
    assert credentials == CoupangCredentials("A00099999", "ak", "top-secret", "wing")
    assert "top-secret" not in repr(credentials)
    with pytest.raises(WorkspaceError, match="쿠팡/main 계정에 wing_id 값이 없습니다"):
        Coupang.credentials_for(replace(real, settings={**real.settings, "wing_id": ""}))


def test_a_box_holding_another_invoice_is_refused_with_what_coupang_holds() -> None:
    outcomes: list[dict[str, Any]] = []

    async def scenario(s: Setup) -> None:
        await s.control("seed", {"orders": 1, "seed": 3})
        [box, *_] = units(await s.coupang.collect_orders(START, END, "main"))
        await s.coupang.confirm([box])
        assert await s.coupang.send_invoices([shipment(box, "300000000001")]) == {box[0].delivery_no: None}
        outcomes.append(await s.coupang.send_invoices([shipment(box, "300000000002")]))

    run(scenario)
    [result] = outcomes
    [error] = result.values()
    assert isinstance(error, Rejected) and error.code == "ALREADY_INVOICED"
    assert error.message == (
        "쿠팡에 이미 다른 송장(300000000001)이 등록된 배송입니다. 바꾸려면 쿠팡 WING에서 송장을 수정하세요."
    )
