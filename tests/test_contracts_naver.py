"""Naver contract fixtures (tests/contracts/naver, docs/protocols/naver.md), read two ways.

1. The adapter, on a ``Replay`` transport that answers each documented call with its documented answer, sends
   exactly the documented requests (``request_problems``) and reads the documented answers into exact values.
2. The sandbox takes the documented requests (after the state they need is seeded through its control API) and
   answers in the documented shape (``shape_problems``); and it refuses what Naver refuses, in Naver's error shape.
"""

from __future__ import annotations

import asyncio
import base64
import copy
import datetime as dt
import json
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import bcrypt
import httpx
import pytest
from contract_kit import Contract, Replay, documented_response, load, request_problems, shape_problems
from helpers import AppClock, FakeClock
from test_naver_adapter import PRODUCT, SALES

from batch.marketplaces.base import ClientSettings, MarketClient, Rejected
from batch.marketplaces.naver import Naver, NaverCredentials
from batch.marketplaces.types import ClaimDecision, Shipment, Shown
from batch.models import Claim, ClaimStatus, ClaimType, Inquiry, OrderLine, OrderStatus, ProductLink
from batch.sandbox.app import create_app

CONTRACTS = load("naver")
BASE_URL = "https://api.commerce.naver.com/external"  # apicenter: "운영 환경"
# apicenter "전자서명" 코드 예시 (commerce-api-naver/commerce-api docs/2.0.0-RC.js): the token fixture's request
OFFICIAL_ID, OFFICIAL_SECRET, OFFICIAL_WALL = "aaaabbbbcccc", "$2a$10$abcdefghijklmnopqrstuv", 1_643_961_623.299
PO, OTHER_PO = "2022040521691281", "2022040521691282"  # the order pages' example productOrderId, and a second one
ORDERED_AT = "2023-01-16 17:14:51"  # the order pages' example date-time, 2023-01-16T17:14:51.794+09:00, in KST
LINK = ProductLink("10000000001", {"1612498-BK-S": "27921372991", "1612498-GR-S": "27921372992"})
# The official error example (apicenter create-or-update-answer-contents, 400 "Example (auto)"); the gateway's is
# {code, message, timestamp, traceId} (apicenter trouble-shooting)
ERROR_EXAMPLE = {
    "code": "string",
    "message": "string",
    "invalidInputs": [{"name": "string", "type": "string", "message": "string"}],
    "timestamp": "2025-02-03T22:36:42.137+09:00",
    "traceId": "string",
}


# --- 1. the adapter against the documented answers -----------------------------------------------------------


def _line(number: str) -> OrderLine:
    return OrderLine("naver", "main", "", number, "", number, "", "", 1, 0, "", OrderStatus.NEW, *[""] * 7)


CLAIM_PO = "2022040521691951"  # the claim pages' example productOrderId
CLAIM_ID = "2022040521691999"  # ours: the pages give claimId ("클레임 번호. 20바이트 내외") no example


class ClaimReplay(Replay):
    """``Replay``, where the product order the claim pages name (``CLAIM_PO``) reads with the claim ``shows`` set:
    the documented query answer with that product order's claim fields and its claim object (the field names of the
    query page's cancel / return / exchange objects, apicenter seller-get-product-orders-pay-order-seller, clipped
    2025-09-26; values from the claim pages' examples). Every other query gets the documented answer."""

    def __init__(self) -> None:
        super().__init__(CONTRACTS)
        self.item: dict[str, Any] | None = None

    def shows(self, claim_type: str, status: str, **fields: Any) -> None:
        item = copy.deepcopy(CONTRACTS["order_query"].response["body"]["data"][0])
        name = {"CANCEL": "cancel", "RETURN": "return", "EXCHANGE": "exchange"}[claim_type]
        po = item["productOrder"]
        po.update(
            productOrderId=CLAIM_PO,
            productOrderStatus="PAYED" if claim_type == "CANCEL" else "DELIVERED",
            claimType=claim_type,
            claimStatus=status,
            claimId=CLAIM_ID,
        )
        detail = {
            "claimId": CLAIM_ID,
            "claimStatus": status,
            "claimRequestDate": "2023-01-16T17:14:51.794+09:00",
            "requestChannel": "구매자",
            f"{name}Reason": "SIMPLE_INTENT_CHANGED",
            f"{name}DetailedReason": None,
            **fields,
        }
        item["currentClaim"] = {name: detail}
        self.item = item

    def respond(self, contract: Contract, request: httpx.Request) -> httpx.Response:
        if contract.call == "order_query" and self.item is not None:
            asked = json.loads(request.content)["productOrderIds"]
            if CLAIM_PO in asked:
                body = {**CONTRACTS["order_query"].response["body"], "data": [self.item]}
                return httpx.Response(200, json=body)
        return documented_response(contract)


def _claim(kind: ClaimType, *, line_no: str = CLAIM_PO) -> Claim:
    return Claim(
        "naver",
        "main",
        CLAIM_ID,
        "2022040521691280",
        "5000000001",
        "네츄럴팩터스 퀘르세틴",
        kind,
        ClaimStatus.REQUESTED,
        "단순 변심",
        "홍길동",
        ORDERED_AT,
        line_no=line_no,
    )


@dataclass
class Run:
    replay: Replay
    results: dict[str, Any]


@pytest.fixture(scope="module")
def replayed(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """Every Naver job once, on one adapter whose transport answers the documented answers."""
    images = tmp_path_factory.mktemp("images")
    (images / "main.jpg").write_bytes(b"\xff\xd8\xff main")
    product = replace(PRODUCT, code="1612498", images=("main.jpg",))
    replay = ClaimReplay()
    results: dict[str, Any] = {}

    async def main() -> None:
        http = httpx.AsyncClient(transport=replay.transport(), base_url=BASE_URL)
        settings = ClientSettings(rate_limit=0, max_attempts=1)
        client = MarketClient("naver", http, settings, clock=FakeClock(), rng=random.Random(1))
        naver = Naver(client, NaverCredentials(OFFICIAL_ID, OFFICIAL_SECRET))
        naver.wall = lambda: OFFICIAL_WALL
        naver.images_dir = images
        async with http:
            results["vendor"] = await naver.vendor_id()
            results["token"] = naver.tokens.access_token
            results["created"] = await naver.create_product(product, SALES)
            results["updated"] = await naver.update_product(product, SALES, LINK)
            results["found"] = await naver.find_product("1612498")
            await naver.update_stock(product)
            await naver.set_price("1612498", LINK, 100000, {})  # product_read's prices already: nothing sent
            await naver.set_price("1612498", LINK, 42900, {"1612498-BK-S": 0})  # extras as read: bulk-update
            await naver.set_price("1612498", LINK, 120000, {"1612498-GR-S": 10000})  # an extra changes: option-stock
            await naver.set_stock("1612498", LINK, {"1612498-GR-S": 0, "1612498-BK-S": 5})
            results["shown"] = await naver.shown("1612498", LINK)
            await naver.pause("1612498")
            start = dt.datetime(2023, 1, 16, 0, 0)
            results["orders"] = await naver.collect_orders(start, start + dt.timedelta(hours=20), "main")
            results["confirm"] = await naver.confirm([[_line(PO)], [_line(OTHER_PO)]])
            shipments = [Shipment(n, (_line(n),), "CJGLS", "123412341234") for n in (PO, OTHER_PO)]
            results["dispatch"] = await naver.send_invoices(shipments)
            results["inquiries"] = await naver.collect_inquiries(start, start + dt.timedelta(days=1), "main")
            await naver.answer("qna:600000001", "재입고는 다음 주입니다.")
            await naver.answer("inquiry:700000001", "오늘 발송합니다.")
            results["cancel"] = await naver.cancel_sale([[_line(PO)], [_line(OTHER_PO)]], "품절")
            collected = {"collectStatus": "DELIVERED", "collectDeliveryCompany": "CJGLS"}
            collected["collectTrackingNumber"] = "D2485799470"  # the return-request page's example
            decided = results["decided"] = {}
            replay.shows("CANCEL", "CANCEL_REQUEST")
            decided["cancel"] = await naver.decide_claims([ClaimDecision(_claim(ClaimType.CANCEL), True)])
            replay.shows("RETURN", "COLLECT_DONE", **collected)
            results["claim_now"] = await naver.claim_now(_claim(ClaimType.RETURN, line_no=""))
            decided["return"] = await naver.decide_claims([ClaimDecision(_claim(ClaimType.RETURN), True)])
            replay.shows("RETURN", "RETURN_REQUEST")
            refuse = ClaimDecision(_claim(ClaimType.RETURN), False, "상품 훼손·사용 흔적")
            decided["return_refused"] = await naver.decide_claims([refuse])
            replay.shows("EXCHANGE", "COLLECTING", **collected)
            resend = ClaimDecision(_claim(ClaimType.EXCHANGE), True, courier_code="CJGLS", number="1111111115")
            decided["exchange"] = await naver.decide_claims([resend])
            replay.shows("EXCHANGE", "EXCHANGE_REQUEST")
            refuse = ClaimDecision(_claim(ClaimType.EXCHANGE), False, "교환 상품 품절")
            decided["exchange_refused"] = await naver.decide_claims([refuse])

    asyncio.run(main())
    return Run(replay, results)


def test_every_call_is_a_documented_one_sent_as_documented(replayed: Run) -> None:
    replay = replayed.replay
    assert replay.unknown == []
    assert {contract.call for contract, _ in replay.sent} == set(CONTRACTS)  # every fixture exercised
    for contract, request in replay.sent:
        assert request_problems(contract, request) == [], contract.call


def test_token_is_the_documented_signing_example(replayed: Run) -> None:
    (request,) = replayed.replay.requests_of("token")
    assert dict(parse_qsl(request.content.decode())) == CONTRACTS["token"].request["form"]
    assert (replayed.results["vendor"], replayed.results["token"]) == (OFFICIAL_ID, "string")


def test_products_read_the_documented_answers(replayed: Run) -> None:
    results, replay = replayed.results, replayed.replay
    assert results["created"] == LINK  # the numbers of product_create, the option ids of product_read
    assert results["updated"] == LINK
    assert results["found"] == replace(LINK, product_no="13278540332")  # product_search's originProductNo
    (upload, _) = replay.requests_of("image_upload")
    assert upload.content.count(b'name="imageFiles"') == 1
    reads = [r.url.path for r in replay.requests_of("product_read")]
    assert reads[:3] == [
        "/external/v2/products/origin-products/10000000001",
        "/external/v2/products/origin-products/10000000001",
        "/external/v2/products/origin-products/13278540332",
    ]


def test_stock_goes_through_option_stock_with_the_read_combinations(replayed: Run) -> None:
    sent, _, _ = replayed.replay.requests_of("option_stock")
    # every combination product_read shows, its price and usable as read; the workbook's option numbers
    # (1612498-001 …) are not the sample's seller codes (1612498-BK-S …), so each keeps the stock it has
    assert httpx.Response(200, content=sent.read()).json() == {
        "optionInfo": {
            "optionCombinations": [
                {"id": 27921372991, "stockQuantity": 1, "price": 0, "usable": True},
                {"id": 27921372992, "stockQuantity": 2, "price": 0, "usable": True},
            ],
            "useStockManagement": True,
        }
    }
    (pause,) = replayed.replay.requests_of("change_status")
    assert httpx.Response(200, content=pause.read()).json() == {"statusType": "SUSPENSION"}
    updates = [r.url.path for r in replayed.replay.requests_of("product_update")]
    assert updates == ["/external/v2/products/origin-products/10000000001"]  # update_product's, none for stock


def test_set_stock_sends_only_the_named_combinations_with_their_read_price(replayed: Run) -> None:
    """The link gives the number (no search) and the ids; the read gives price and usable ("미입력 시 0원")."""
    _, _, sent = replayed.replay.requests_of("option_stock")
    assert sent.url.path == "/external/v1/products/origin-products/10000000001/option-stock"
    assert httpx.Response(200, content=sent.read()).json() == {
        "optionInfo": {
            "optionCombinations": [
                {"id": 27921372992, "stockQuantity": 0, "price": 0, "usable": True},
                {"id": 27921372991, "stockQuantity": 5, "price": 0, "usable": True},
            ],
            "useStockManagement": True,
        }
    }
    searches = replayed.replay.requests_of("product_search")
    assert len(searches) == 3  # find_product, update_stock, pause: none for set_price, set_stock or shown


def test_set_price_sends_the_sale_price_alone_or_with_the_changed_options(replayed: Run) -> None:
    """product_read shows salePrice 100000 and both combinations at price 0. The same prices: nothing sent. A new
    price with the extras as read: bulk-update SALE_PRICE TO WON, no stock. An extra that changes: option-stock with
    productSalePrice and only that combination, its stock and usable as read ("미입력 시 0개")."""
    (bulk,) = replayed.replay.requests_of("bulk_update")
    assert bulk.url.path == "/external/v1/products/origin-products/bulk-update"
    assert httpx.Response(200, content=bulk.read()).json() == {
        "originProductNos": [10000000001],
        "productBulkUpdateType": "SALE_PRICE",
        "productSalePrice": {
            "value": 42900,
            "productSalePriceChangerType": "TO",
            "productSalePriceChangerUnitType": "WON",
        },
    }
    _, priced, _ = replayed.replay.requests_of("option_stock")
    assert priced.url.path == "/external/v1/products/origin-products/10000000001/option-stock"
    assert httpx.Response(200, content=priced.read()).json() == {
        "productSalePrice": {"salePrice": 120000},
        "optionInfo": {
            "optionCombinations": [{"id": 27921372992, "stockQuantity": 2, "price": 10000, "usable": True}],
            "useStockManagement": True,
        },
    }
    reads = [r.url.path for r in replayed.replay.requests_of("product_read")]
    assert (
        reads[4:7] == ["/external/v2/products/origin-products/10000000001"] * 3
    )  # one read per set_price (after update_stock's)


def test_shown_reads_the_documented_product(replayed: Run) -> None:
    # product_read: statusType SALE, channel display ON, combinations 1612498-BK-S 1 and 1612498-GR-S 2, salePrice
    assert replayed.results["shown"] == Shown(on_sale=True, stocks={"1612498-BK-S": 1, "1612498-GR-S": 2}, price=100000)
    reads = [r.url.path for r in replayed.replay.requests_of("product_read")]
    assert reads[-2:] == ["/external/v2/products/origin-products/10000000001"] * 2  # set_stock's, shown's


def test_cancel_sale_reads_the_documented_answer(replayed: Run) -> None:
    sent = replayed.replay.requests_of("cancel_request")
    assert [r.url.path for r in sent] == [
        f"/external/v1/pay-order/seller/product-orders/{PO}/claim/cancel/request",
        f"/external/v1/pay-order/seller/product-orders/{OTHER_PO}/claim/cancel/request",
    ]
    assert [httpx.Response(200, content=r.read()).json() for r in sent] == [{"cancelReason": "SOLD_OUT"}] * 2
    outcome = replayed.results["cancel"]
    assert outcome[PO] is None
    refused = outcome[OTHER_PO]  # 104442, and the read-back (order_query) does not show it cancelled
    assert isinstance(refused, Rejected) and (refused.code, refused.message) == (
        "104442",
        "스마트스토어가 판매취소를 거절했습니다: 상품 주문 상태 확인 필요",
    )
    queries = [httpx.Response(200, content=r.read()).json() for r in replayed.replay.requests_of("order_query")]
    assert {"productOrderIds": [OTHER_PO], "quantityClaimCompatibility": True} in queries


def test_orders_read_the_documented_answers(replayed: Run) -> None:
    assert replayed.results["orders"] == [
        OrderLine(
            market="naver",
            account="main",
            order_no="2022040521691280",
            delivery_no=PO,
            product_no="5000000001",
            option_no=PO,
            product_name="네츄럴팩터스 퀘르세틴",
            option_text="색상: 블랙 / 사이즈: S(95)",
            qty=2,
            price=100000,
            ordered_at=ORDERED_AT,
            status=OrderStatus.SHIPPING,
            buyer="홍길동",
            buyer_phone="010-1234-5678",
            receiver="홍길동",
            receiver_phone="010-1234-5678",
            zipcode="04524",
            address="서울특별시 중구 세종대로 110 1층",
            message="문 앞에 놓아 주세요",
            option_code="1612498-BK-S",  # optionManageCode
        )
    ]
    (feed,) = replayed.replay.requests_of("changed_orders")
    assert dict(feed.url.params) == {
        "lastChangedFrom": "2023-01-16T00:00:00.000+09:00",
        "lastChangedTo": "2023-01-16T20:00:00.000+09:00",
        "limitCount": "300",
    }


def test_confirm_and_dispatch_read_per_item_answers(replayed: Run) -> None:
    confirm, dispatch = replayed.results["confirm"], replayed.results["dispatch"]
    assert confirm[PO] is None and dispatch[PO] is None
    refused = confirm[OTHER_PO]  # 104443, and the read-back does not show it confirmed
    assert isinstance(refused, Rejected) and (refused.code, refused.message) == (
        "104443",
        "스마트스토어가 발주확인을 거절했습니다: 발주 상태 확인 필요",
    )
    used = dispatch[OTHER_PO]
    assert isinstance(used, Rejected) and (used.code, used.message) == (
        "104121",
        "스마트스토어가 발송처리를 거절했습니다: 배송 송장 오류(기사용 송장)",
    )
    queries = [httpx.Response(200, content=r.read()).json() for r in replayed.replay.requests_of("order_query")]
    assert {"productOrderIds": [OTHER_PO], "quantityClaimCompatibility": True} in queries
    (sent,) = replayed.replay.requests_of("dispatch")
    body = httpx.Response(200, content=sent.read()).json()
    assert body["dispatchProductOrders"][0] == {
        "productOrderId": PO,
        "deliveryMethod": "DELIVERY",
        "deliveryCompanyCode": "CJGLS",
        "trackingNumber": "123412341234",
        "dispatchDate": "2022-02-04T17:00:23.299+09:00",
    }


def test_inquiries_read_the_documented_answers(replayed: Run) -> None:
    assert replayed.results["inquiries"] == [
        Inquiry(
            "naver",
            "main",
            "qna:600000001",
            "상품",
            "5000000001",
            "",
            ORDERED_AT,
            "",
            "재입고 언제 되나요?",
            "abc****",
            False,
        ),
        Inquiry(
            "naver",
            "main",
            "inquiry:700000001",
            "배송",
            "5000000001",
            "2022040521691280",
            ORDERED_AT,
            "언제 발송되나요",
            "주문한 지 사흘 됐습니다.",
            "abc****",
            False,
        ),
    ]
    (qna,) = replayed.replay.requests_of("qna_answer")
    assert qna.url.path == "/external/v1/contents/qnas/600000001"
    assert httpx.Response(200, content=qna.read()).json() == {"commentContent": "재입고는 다음 주입니다."}
    (inquiry,) = replayed.replay.requests_of("inquiry_answer")
    assert inquiry.url.path == "/external/v1/pay-merchant/inquiries/700000001/answer"
    assert httpx.Response(200, content=inquiry.read()).json() == {"answerComment": "오늘 발송합니다."}


def test_claims_are_decided_with_the_documented_calls(replayed: Run) -> None:
    decided = replayed.results["decided"]
    key = f"{CLAIM_ID}/5000000001"
    assert decided == {name: {key: None} for name in decided} and len(decided) == 5
    sent = [
        (c.call, r.url.path, r.content and json.loads(r.content))
        for c, r in replayed.replay.sent
        if c.call.startswith("claim_")
    ]
    path = f"/external/v1/pay-order/seller/product-orders/{CLAIM_PO}/claim"
    assert sent == [
        ("claim_cancel_approve", f"{path}/cancel/approve", b""),  # no body, as documented
        ("claim_return_approve", f"{path}/return/approve", b""),
        (
            "claim_return_reject",
            f"{path}/return/reject",
            {"rejectReturnReason": "돌아온 상품에 훼손이나 사용 흔적이 있어 반품을 받을 수 없습니다."},
        ),
        ("claim_exchange_collect_approve", f"{path}/exchange/collect/approve", b""),
        (
            "claim_exchange_dispatch",
            f"{path}/exchange/dispatch",
            {"reDeliveryMethod": "DELIVERY", "reDeliveryCompany": "CJGLS", "reDeliveryTrackingNumber": "1111111115"},
        ),
        ("claim_exchange_reject", f"{path}/exchange/reject", {"rejectExchangeReason": "교환할 상품이 품절되었습니다."}),
    ]
    for contract, request in replayed.replay.sent:
        if contract.call.startswith("claim_"):
            assert "content-type" not in request.headers or request.content, contract.call  # a body-less POST


def test_claim_now_without_its_product_order_reads_the_order_first(replayed: Run) -> None:
    """A claim stored without its productOrderId: the order's product order numbers, then the query."""
    (ids,) = replayed.replay.requests_of("order_product_order_ids")
    assert ids.url.path == "/external/v1/pay-order/seller/orders/2022040521691280/product-order-ids"
    queries = [json.loads(r.content) for r in replayed.replay.requests_of("order_query")]
    assert {"productOrderIds": [CLAIM_PO, "2022040521691952"], "quantityClaimCompatibility": True} in queries
    assert replayed.results["claim_now"] == Claim(
        "naver",
        "main",
        CLAIM_ID,
        "2022040521691280",
        "5000000001",
        "네츄럴팩터스 퀘르세틴",
        ClaimType.RETURN,
        ClaimStatus.REQUESTED,
        "단순 변심",  # SIMPLE_INTENT_CHANGED in the claim reasons' words
        "홍길동",
        ORDERED_AT,
        line_no=CLAIM_PO,
        pickup="CJ대한통운 D2485799470",
        shown="수거 완료",
    )


# --- 2. the sandbox takes the documented requests ----------------------------------------------------------


B64 = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
SECRET = "$2a$10$abcdefghijklmnopqrstuv"  # the sandbox's seed account sandbox-naver (Naver's documented example)
NOW = dt.datetime(2026, 11, 28, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=9))).timestamp()


def _iso(moment: float) -> str:
    return dt.datetime.fromtimestamp(moment, dt.timezone(dt.timedelta(hours=9))).isoformat(timespec="milliseconds")


@dataclass
class Sandbox:
    http: httpx.AsyncClient
    clock: AppClock
    headers: dict[str, str]

    async def control(self, action: str, body: dict[str, Any]) -> Any:
        answer = await self.http.post(f"/__sandbox__/{action}", json={"market": "naver", **body})
        assert answer.status_code == 200, answer.text
        return answer.json()

    async def state(self) -> dict[str, Any]:
        body: dict[str, Any] = (await self.http.get("/__sandbox__/state", params={"market": "naver"})).json()
        return body

    async def send(self, contract: Contract, body: Any = None, **kw: Any) -> httpx.Response:
        return await self.http.request(contract.method, kw.pop("path", contract.path), json=body, **kw)

    async def product(self) -> int:
        made = await self.send(CONTRACTS["product_create"], CONTRACTS["product_create"].request["body"])
        assert made.status_code == 200, made.text
        number: int = made.json()["originProductNo"]
        return number

    async def orders(self, count: int) -> list[str]:
        await self.control("seed", {"orders": count, "seed": 3})
        return [o["productOrderId"] for o in (await self.state())["orders"]]

    async def claimed(self, kind: str, state: str = "requested") -> str:
        """A seeded product order with a buyer's ``kind`` claim in ``state`` (a return or exchange after it is
        dispatched): its productOrderId."""
        before = {o["productOrderId"] for o in (await self.state())["orders"]}
        number = next(n for n in await self.orders(1) if n not in before)
        order = next(o["orderId"] for o in (await self.state())["orders"] if o["productOrderId"] == number)
        if kind != "cancel":
            await self.send(CONTRACTS["confirm"], {"productOrderIds": [number]})
            item = {**CONTRACTS["dispatch"].request["body"]["dispatchProductOrders"][0], "productOrderId": number}
            item["trackingNumber"] = f"5{len(before):011d}"
            sent = await self.send(CONTRACTS["dispatch"], {"dispatchProductOrders": [item]})
            assert sent.json()["data"]["successProductOrderIds"] == [number], sent.text
        body = {"order": order, "productOrder": number, "type": kind}
        await self.control("claims", body if kind == "cancel" else {**body, "state": state})
        return number


def sandbox(scenario: Callable[[Sandbox], Awaitable[None]]) -> None:
    clock = AppClock(NOW)
    app = create_app(clock=clock, seed=2)

    async def main() -> None:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://sandbox.test") as http:
            stamp = str(int(clock.now * 1000))
            salt = (SECRET[:28] + B64[B64.index(SECRET[28]) & 0b110000]).encode()  # bcrypt 3's reading: v -> u
            sign = base64.standard_b64encode(bcrypt.hashpw(f"sandbox-naver_{stamp}".encode(), salt)).decode()
            form = {"client_id": "sandbox-naver", "timestamp": stamp, "client_secret_sign": sign}
            form |= {"grant_type": "client_credentials", "type": "SELF"}
            token = await http.post("/external/v1/oauth2/token", data=form)
            assert token.status_code == 200, token.text
            headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
            http.headers.update(headers)
            await scenario(Sandbox(http, clock, headers))

    asyncio.run(main())


def _fill(contract: Contract, **values: str) -> str:
    return contract.fill(**values)


CLAIM_SETUP = {  # the claim each claim call needs (the buyer's, through the control API) and its state
    "claim_cancel_approve": ("cancel", "requested"),
    "claim_return_approve": ("return", "collected"),
    "claim_return_reject": ("return", "requested"),
    "claim_exchange_collect_approve": ("exchange", "collecting"),
    "claim_exchange_dispatch": ("exchange", "collected"),
    "claim_exchange_reject": ("exchange", "requested"),
}


async def _documented_call(box: Sandbox, call: str) -> httpx.Response:
    """Send ``call``'s documented request with the sandbox's own numbers where the example's would not exist."""
    c = CONTRACTS[call]
    body = c.request.get("body")
    if call == "token":
        await box.control("accounts", {"client_id": OFFICIAL_ID, "secret": OFFICIAL_SECRET})
        box.clock.now = OFFICIAL_WALL
        return await box.http.post(c.path, data=c.request["form"], headers={"Authorization": ""})
    if call == "image_upload":
        return await box.http.post(c.path, files=[("imageFiles", ("main.jpg", b"\xff\xd8\xff main", "image/jpeg"))])
    if call == "product_create":
        return await box.send(c, body)
    if call == "bulk_update":
        number = await box.product()
        return await box.send(c, {**body, "originProductNos": [number]})
    if call in ("product_read", "product_update", "change_status", "option_stock"):
        number = str(await box.product())
        if call == "option_stock":
            product = (await box.state())["products"][0]["originProduct"]
            first = product["detailAttribute"]["optionInfo"]["optionCombinations"][0]["id"]
            body = {**body, "optionInfo": {**body["optionInfo"]}}
            body["optionInfo"]["optionCombinations"] = [{**body["optionInfo"]["optionCombinations"][0], "id": first}]
        return await box.send(c, body, path=_fill(c, originProductNo=number))
    if call == "product_search":
        await box.product()
        return await box.send(c, body)
    if call == "changed_orders":
        await box.orders(2)
        params = {"lastChangedFrom": _iso(NOW - 86400), "lastChangedTo": _iso(NOW), "limitCount": "300"}
        return await box.http.get(c.path, params=params)
    if call == "cancel_request":
        numbers = await box.orders(1)
        return await box.send(c, body, path=_fill(c, productOrderId=numbers[0]))
    if call == "order_product_order_ids":
        await box.orders(1)
        order = (await box.state())["orders"][0]["orderId"]
        return await box.send(c, path=_fill(c, orderId=order))
    if call.startswith("claim_"):
        kind, state = CLAIM_SETUP[call]
        number = await box.claimed(kind, state)
        return await box.send(c, body, path=_fill(c, productOrderId=number))
    if call in ("order_query", "confirm", "dispatch"):
        numbers = await box.orders(2)
        if call == "confirm":
            return await box.send(c, {"productOrderIds": [numbers[0], OTHER_PO]})
        await box.send(CONTRACTS["confirm"], {"productOrderIds": numbers[:1]})
        item = (
            body["dispatchProductOrders"][0]
            if call == "dispatch"
            else CONTRACTS["dispatch"].request["body"]["dispatchProductOrders"][0]
        )
        sent = await box.send(
            CONTRACTS["dispatch"],
            {"dispatchProductOrders": [{**item, "productOrderId": numbers[0]}, {**item, "productOrderId": OTHER_PO}]},
        )
        if call == "dispatch":
            return sent
        return await box.send(c, {**body, "productOrderIds": numbers[:1]})
    made = (await box.control("seed", {"inquiries": 2, "seed": 5}))["inquiries"]
    qna, inquiry = (m.split(":")[1] for m in made)
    if call == "qna_list":
        params = {"fromDate": _iso(NOW - 4 * 86400), "toDate": _iso(NOW), "answered": "false", "page": "1"}
        return await box.http.get(c.path, params={**params, "size": "100"})
    if call == "inquiry_list":
        params = {"startSearchDate": "2026-11-24", "endSearchDate": "2026-11-28", "answered": "false"}
        return await box.http.get(c.path, params={**params, "page": "1", "size": "100"})
    if call == "qna_answer":
        return await box.send(c, body, path=_fill(c, questionId=qna))
    assert call == "inquiry_answer"
    return await box.send(c, body, path=_fill(c, inquiryNo=inquiry))


@pytest.mark.parametrize("call", sorted(CONTRACTS))
def test_the_sandbox_answers_the_documented_request_in_the_documented_shape(call: str) -> None:
    contract = CONTRACTS[call]

    async def scenario(box: Sandbox) -> None:
        answer = await _documented_call(box, call)
        assert answer.status_code == contract.response["status"], answer.text
        documented = contract.response.get("body")
        if documented is None:
            assert answer.content == b""
            return
        assert shape_problems(documented, answer.json(), extra_ok=True, missing_ok=False) == []

    sandbox(scenario)


# --- the sandbox refuses what Naver refuses, in Naver's shape -------------------------------------------------


def _refusal(answer: httpx.Response, code: str) -> None:
    assert answer.status_code == 400
    assert shape_problems(ERROR_EXAMPLE, answer.json(), extra_ok=False, missing_ok=False) == []
    assert answer.json()["code"] == code and answer.json()["traceId"] == answer.headers["GNCP-GW-Trace-ID"]


def test_31_product_orders_to_confirm_are_refused_whole() -> None:
    """ "요청 가능한 상품 주문 번호는 최대 30개입니다." (apicenter seller-confirm-placed-product-orders-pay-order-seller)."""

    async def scenario(box: Sandbox) -> None:
        confirm = CONTRACTS["confirm"]
        numbers = await box.orders(30)
        assert len(numbers) > 31
        thirty = await box.send(confirm, {"productOrderIds": numbers[:30]})
        assert thirty.status_code == 200 and len(thirty.json()["data"]["successProductOrderInfos"]) == 30
        refused = await box.send(confirm, {"productOrderIds": numbers[:31]})
        _refusal(refused, "4000")
        assert refused.json()["invalidInputs"][0]["name"] == "productOrderIds"
        assert all(o["placeOrderStatus"] == "NOT_YET" for o in (await box.state())["orders"][30:31])

    sandbox(scenario)


def test_31_dispatches_are_refused_whole() -> None:
    """The same sentence on apicenter seller-dispatch-product-orders-pay-order-seller."""

    async def scenario(box: Sandbox) -> None:
        item = CONTRACTS["dispatch"].request["body"]["dispatchProductOrders"][0]
        numbers = await box.orders(30)
        items = [{**item, "productOrderId": n, "trackingNumber": f"5{i:011d}"} for i, n in enumerate(numbers[:31])]
        _refusal(await box.send(CONTRACTS["dispatch"], {"dispatchProductOrders": items}), "4000")
        assert (await box.state())["invoices"] == []

    sandbox(scenario)


def test_a_second_customer_inquiry_answer_is_refused_with_err_nc_101010() -> None:
    """ "ERR-NC-101010 해당 문의에 이미 답변이 존재하는 경우" (apicenter insert-inquiry-answer-pay-merchant)."""

    async def scenario(box: Sandbox) -> None:
        await _documented_call(box, "inquiry_answer")
        inquiry = next(i["id"] for i in (await box.state())["inquiries"] if i["kind"] == "inquiry")
        c = CONTRACTS["inquiry_answer"]
        again = await box.send(c, c.request["body"], path=_fill(c, inquiryNo=inquiry))
        _refusal(again, "ERR-NC-101010")

    sandbox(scenario)


def test_eleven_images_and_foreign_option_ids_are_bad_requests() -> None:
    """ "최대 10개까지 등록 가능" (upload-product); option-stock's id must be the product's (update-options-product)."""

    async def scenario(box: Sandbox) -> None:
        c = CONTRACTS["image_upload"]
        files = [("imageFiles", (f"p{i}.jpg", b"\xff\xd8 image", "image/jpeg")) for i in range(11)]
        _refusal(await box.http.post(c.path, files=files), "BAD_REQUEST")
        number = str(await box.product())
        stock = CONTRACTS["option_stock"]
        _refusal(await box.send(stock, stock.request["body"], path=_fill(stock, originProductNo=number)), "BAD_REQUEST")

    sandbox(scenario)


def test_a_price_that_leaves_an_option_outside_its_range_is_a_bad_request() -> None:
    """◐ 옵션가 제한 (±50 % of a sale price from 10,000원): option-stock and bulk-update are refused whole, in the
    error shape, and change nothing; salePrice is at most 999,999,990 (2.0.0-RC)."""

    async def scenario(box: Sandbox) -> None:
        number = await box.product()  # product_create: salePrice 100000, both combinations at price 0
        combo = (await box.state())["products"][0]["originProduct"]["detailAttribute"]["optionInfo"]
        first = combo["optionCombinations"][0]["id"]
        stock, bulk = CONTRACTS["option_stock"], CONTRACTS["bulk_update"]
        path = _fill(stock, originProductNo=str(number))

        def priced(sale: int, extra: int) -> dict[str, Any]:
            return {
                "productSalePrice": {"salePrice": sale},
                "optionInfo": {"optionCombinations": [{"id": first, "stockQuantity": 1, "price": extra}]},
            }

        assert (await box.send(stock, priced(100000, 50000), path=path)).status_code == 200  # +50 %: the edge
        _refusal(await box.send(stock, priced(100000, 50010), path=path), "BAD_REQUEST")
        _refusal(await box.send(stock, priced(999_999_991, 0), path=path), "BAD_REQUEST")
        lower = {**bulk.request["body"], "originProductNos": [number]}
        lower["productSalePrice"] = {**lower["productSalePrice"], "value": 90000}  # 50000 > 45000
        refused = await box.send(bulk, lower)
        _refusal(refused, "BAD_REQUEST")
        assert refused.json()["invalidInputs"][0]["message"] == (
            f"옵션 {first}의 옵션가 50,000원이 판매가 90,000원의 허용 범위(-45,000~45,000원)를 벗어납니다."
        )
        origin = (await box.state())["products"][0]["originProduct"]
        assert origin["salePrice"] == 100000
        assert origin["detailAttribute"]["optionInfo"]["optionCombinations"][0]["price"] == 50000
        missing = await box.send(bulk, {**lower, "originProductNos": [number + 99]})
        assert missing.status_code == 404 and missing.json()["code"] == "NOT_FOUND"

    sandbox(scenario)


def test_a_seller_cancel_after_dispatch_or_with_a_bad_reason_is_refused() -> None:
    """ "발송 처리 전 상태(결제완료·발주확인·발송지연)에서만" and cancelReason's enum (seller-request-cancel-pay-order-
    seller): a dispatched order is refused per item (104442 상품 주문 상태 확인 필요), a reason outside the enum whole."""

    async def scenario(box: Sandbox) -> None:
        c = CONTRACTS["cancel_request"]
        number = (await box.orders(1))[0]
        path = _fill(c, productOrderId=number)
        _refusal(await box.send(c, {"cancelReason": "PRICE_ERROR"}, path=path), "4000")
        await box.send(CONTRACTS["confirm"], {"productOrderIds": [number]})
        item = CONTRACTS["dispatch"].request["body"]["dispatchProductOrders"][0]
        await box.send(CONTRACTS["dispatch"], {"dispatchProductOrders": [{**item, "productOrderId": number}]})
        refused = await box.send(c, c.request["body"], path=path)
        assert refused.status_code == 200
        documented = c.response["body"]
        assert shape_problems(documented, refused.json(), extra_ok=False, missing_ok=False) == []
        fail = refused.json()["data"]
        assert fail["successProductOrderIds"] == []
        assert [(f["productOrderId"], f["code"]) for f in fail["failProductOrderInfos"]] == [(number, "104442")]
        (order,) = (o for o in (await box.state())["orders"] if o["productOrderId"] == number)
        assert (order["productOrderStatus"], order["claimType"]) == ("DELIVERING", None)

    sandbox(scenario)


def test_claim_calls_refuse_a_state_they_do_not_take_in_navers_shape() -> None:
    """Per item: a return approved before 수거 완료 or while held back (104442), an exchange re-sent before 수거 완료
    (104417 교환 상태 확인 필요(재배송 처리 불가능 주문 상태)), a cancel approved twice (104442); whole call: a refusal
    without its required reason (400 4000)."""

    async def scenario(box: Sandbox) -> None:
        def fails(answer: httpx.Response, number: str, code: str) -> None:
            assert answer.status_code == 200
            documented = CONTRACTS["claim_return_approve"].response["body"]
            assert shape_problems(documented, answer.json(), extra_ok=False, missing_ok=False) == []
            data = answer.json()["data"]
            assert data["successProductOrderIds"] == []
            assert [(f["productOrderId"], f["code"]) for f in data["failProductOrderInfos"]] == [(number, code)]

        approve = CONTRACTS["claim_return_approve"]
        early = await box.claimed("return", "collecting")
        fails(await box.send(approve, path=_fill(approve, productOrderId=early)), early, "104442")
        held = await box.claimed("return", "holdback")
        fails(await box.send(approve, path=_fill(approve, productOrderId=held)), held, "104442")
        resend = CONTRACTS["claim_exchange_dispatch"]
        waiting = await box.claimed("exchange", "collecting")
        body = resend.request["body"]
        fails(await box.send(resend, body, path=_fill(resend, productOrderId=waiting)), waiting, "104417")
        cancel = CONTRACTS["claim_cancel_approve"]
        asked = await box.claimed("cancel")
        assert (await box.send(cancel, path=_fill(cancel, productOrderId=asked))).status_code == 200
        fails(await box.send(cancel, path=_fill(cancel, productOrderId=asked)), asked, "104442")
        reject = CONTRACTS["claim_return_reject"]
        _refusal(await box.send(reject, {}, path=_fill(reject, productOrderId=early)), "4000")
        claims = {c["productOrderId"]: c["claimStatus"] for c in (await box.state())["claims"]}
        assert [claims[n] for n in (early, held, waiting, asked)] == [
            "COLLECTING",
            "COLLECT_DONE",
            "COLLECTING",
            "CANCEL_DONE",
        ]

    sandbox(scenario)


def test_fixture_files_name_their_calls() -> None:
    here = Path(__file__).resolve().parent / "contracts" / "naver"
    assert sorted(p.stem for p in here.glob("*.json")) == sorted(CONTRACTS)
