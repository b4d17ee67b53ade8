"""Coupang against its contract fixtures (tests/contracts/coupang/*.json, copied from the public sources they name).

Two kinds of tests read every fixture: the adapter builds the documented request and parses the documented answer
(``Replay`` as its transport), and the sandbox takes the documented request and answers in the documented shape.
Then the refusals the sources document: pageSize 31 on callCenterInquiries, an update that drops an approved option.
"""

from __future__ import annotations

import asyncio
import copy
import datetime as dt
import json
import random
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

import httpx
import pytest
from contract_kit import Contract, Replay, documented_response, load, request_problems, shape_problems
from helpers import AppClock, FakeClock

from batch.marketplaces.base import AlreadyDone, ClientSettings, MarketClient, Rejected, Unavailable
from batch.marketplaces.coupang import (
    CALLCENTER_CLOSED,
    CANCEL_INVOICED,
    CLAIM_WITHDRAWN,
    NO_EXCHANGE_BOX,
    Coupang,
    CoupangCredentials,
    minute_windows,
)
from batch.marketplaces.coupang_auth import CoupangAuth
from batch.marketplaces.types import ClaimDecision, DeliveryTemplate, Shipment, Shown, claim_key
from batch.models import (
    Claim,
    ClaimStatus,
    ClaimType,
    Inquiry,
    Market,
    OptionCombo,
    OrderLine,
    OrderStatus,
    Product,
    ProductLink,
    SalesInfo,
)
from batch.sandbox.app import create_app

CONTRACTS = load("coupang")
NOW = 1_750_000_000.0  # 2025-06-16 00:06:40 KST
START = dt.datetime(2025, 6, 15, 0, 0)
END = dt.datetime(2025, 6, 16, 0, 7)
EMPTY_TOKENS = {"code": 200, "message": "OK", "data": [], "nextToken": ""}


def body_of(call: str) -> Any:
    return copy.deepcopy(CONTRACTS[call].response["body"])


def request_body(call: str) -> Any:
    return copy.deepcopy(CONTRACTS[call].request["body"])


# -- the adapter against the documented answers -----------------------------------------------------------------


class Answers(Replay):
    """``Replay``, where a test may answer a call with a body derived from the documented one (``bodies``), and a
    ``nextToken`` page (the documented answers all carry one) is the last, empty page."""

    def __init__(self, bodies: dict[str, Any] | None = None) -> None:
        super().__init__(CONTRACTS)
        self.bodies = bodies or {}

    def respond(self, contract: Contract, request: httpx.Request) -> httpx.Response:
        if "nextToken" in request.url.params:
            return httpx.Response(200, json=EMPTY_TOKENS)
        if contract.call in self.bodies:
            return httpx.Response(200, json=self.bodies[contract.call])
        return documented_response(contract)

    def documented(self, call: str, *, body_extra_ok: bool = False) -> list[httpx.Request]:
        """The requests of ``call`` (first pages), each checked against its fixture."""
        sent = [r for r in self.requests_of(call) if "nextToken" not in r.url.params]
        assert sent, f"the adapter made no {call} call"
        for request in sent:
            assert request_problems(CONTRACTS[call], request, body_extra_ok=body_extra_ok) == [], call
        return sent


def ours_only(request: httpx.Request, count: int) -> httpx.Request:
    """``request`` with only its first ``count`` items: the rest are Coupang's own options echoed back (their JSON
    as the product-read answer gave it, whose types differ from the update example's here and there)."""
    body = json.loads(request.content)
    body["items"] = body["items"][:count]
    return httpx.Request(request.method, request.url, headers=request.headers, json=body)


def run_adapter(
    scenario: Callable[[Coupang], Awaitable[Any]],
    answers: Answers,
    *,
    vendor: str = "A00012345",
    wing: str = "sandbox-wing",
) -> Any:
    async def main() -> Any:
        http = httpx.AsyncClient(transport=answers.transport(), base_url="https://api-gateway.coupang.com")
        client = MarketClient(
            "coupang", http, ClientSettings(rate_limit=0, max_attempts=1), clock=FakeClock(), rng=random.Random(1)
        )
        adapter = Coupang(client, CoupangCredentials(vendor, "ak", "sk", wing), clock=lambda: dt.datetime.now(dt.UTC))
        async with http:
            return await scenario(adapter)

    result = asyncio.run(main())
    assert answers.unknown == [], [f"{r.method} {r.url.path}" for r in answers.unknown]
    return result


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
    keywords=("텀블러",),
    detail="<p>다온 텀블러</p>",
    images=("https://img.example.com/t-1.jpg",),
    cert_required=False,
    certs=(),
    notice_category="주방용품",
    notices=(("품명 및 모델명", "텀블러 T-350"),),
    option_names=("색상",),
    options=(OptionCombo(("블랙",), 0, True, 10), OptionCombo(("화이트",), 3000, False, 4)),
)
SALES = SalesInfo(
    Market.COUPANG,
    "main",
    "쿠팡",
    (
        ("market_category_no", "56137"),
        ("courier", "CJ대한통운"),
        ("outbound_place", "84"),  # the documented outbound places' first code
        ("return_center", "1000396860"),  # the documented return centres' first code
        ("delivery_fee_type", "무료"),
        ("return_fee", "2500"),
        ("as_phone", "1544-1255"),
    ),
)


def approved_read(skus: tuple[str, ...]) -> dict[str, Any]:
    """The documented product answer, approved: its options carry our codes and vendorItemIds."""
    body = body_of("products_read")
    body["data"]["statusName"] = "승인완료"
    for n, (item, sku) in enumerate(zip(body["data"]["items"], skus, strict=True)):
        item["externalVendorSku"], item["vendorItemId"] = sku, 3000000001 + n
    return body


def test_every_fixture_is_coupangs_and_named_in_the_protocol_page() -> None:
    assert sorted(CONTRACTS) == sorted(
        [
            "acknowledgement",
            "callcenter_inquiries",
            "callcenter_inquiry",
            "callcenter_inquiry_reply",
            "cancel_requests",
            "exchange_invoices",
            "exchange_receive_confirmation",
            "exchange_rejection",
            "exchange_requests",
            "invoices",
            "online_inquiries",
            "online_inquiry_reply",
            "order_cancel",
            "ordersheet",
            "ordersheets",
            "outbound_places",
            "products_create",
            "products_lookup",
            "products_read",
            "products_update",
            "return_approval",
            "return_centers",
            "return_completed_shipment",
            "return_receive_confirmation",
            "return_requests",
            "return_stopped_shipment",
            "return_withdraw_list",
            "update_invoices",
            "vendor_item_inventories",
            "vendor_item_prices",
            "vendor_item_quantities",
            "vendor_item_resume",
            "vendor_item_stop",
        ]
    )
    for contract in CONTRACTS.values():
        assert contract.request["headers"]["Content-Type"] == "application/json;charset=UTF-8"  # C2


def test_adapter_outbound_places_and_return_centres() -> None:
    answers = Answers()

    async def scenario(c: Coupang) -> Any:
        return await c.vendor_id(), await c.delivery_templates(), await c.check_templates(SALES)

    vendor, templates, problem = run_adapter(scenario, answers)
    assert (vendor, problem) == ("A00012345", None)
    assert templates == [
        DeliveryTemplate("84", "상품출고지1", ""),
        DeliveryTemplate("81", "상품출고지2", ""),
        DeliveryTemplate("80", "상품출고지3", ""),
        DeliveryTemplate("79", "상품출고지4", ""),
        DeliveryTemplate("78", "상품출고지5", ""),
    ]
    probe, *lists = answers.documented("outbound_places")
    assert probe.url.query == b"pageNum=1&pageSize=1"
    assert {r.url.query for r in lists} == {b"pageNum=1&pageSize=50"}
    assert [r.url.query for r in answers.documented("return_centers")] == [b"pageNum=1&pageSize=50"]


def test_adapter_creates_a_product_and_reads_its_options() -> None:
    answers = Answers()
    link = run_adapter(lambda c: c.create_product(PRODUCT, SALES), answers)
    assert link == ProductLink("427011919", {})  # the documented product awaits approval: no vendorItemId yet
    answers.documented("return_centers")
    [post] = answers.documented("products_create")
    sent = json.loads(post.content)
    assert {k: sent[k] for k in ("returnCenterCode", "returnChargeName", "returnZipCode", "returnAddress")} == {
        "returnCenterCode": "1000396860",
        "returnChargeName": "생성된반품지1",
        "returnZipCode": "112207",
        "returnAddress": "경기도 파주시 탄현면 월롱산로",
    }
    assert post.headers["X-EXTENDED-TIMEOUT"] == "29000"  # C3: no longer than the client's 30 s
    [read] = answers.documented("products_read")
    assert read.url.path.endswith("/seller-products/427011919")


def test_adapter_looks_a_product_up_by_our_code() -> None:
    answers = Answers()
    assert run_adapter(lambda c: c.find_product("CP-001"), answers) == ProductLink("123", {})
    [lookup] = answers.documented("products_lookup")
    assert lookup.url.path.endswith("/external-vendor-sku-codes/CP-001-001")
    answers.documented("products_read")


def test_adapter_update_keeps_option_ids_and_changes_price_and_stock_by_vendor_item() -> None:
    answers = Answers({"products_read": approved_read(("CP-001-001", "CP-001-002"))})
    link = run_adapter(lambda c: c.update_product(PRODUCT, SALES, ProductLink("152620911")), answers)
    assert link == ProductLink("152620911", {"CP-001-001": "3000000001", "CP-001-002": "3000000002"})
    [put] = answers.documented("products_update")
    items = json.loads(put.content)["items"]
    assert json.loads(put.content)["sellerProductId"] == 152620911
    # C9: each option modified in place (its ids), Coupang's price and stock kept in the body after approval
    assert [
        (i["sellerProductItemId"], i["vendorItemId"], i["externalVendorSku"], i["salePrice"], i["maximumBuyCount"])
        for i in items
    ] == [(425073845, 3000000001, "CP-001-001", 10000, 9999), (425073846, 3000000002, "CP-001-002", 10000, 9999)]
    assert [r.url.path.rsplit("/", 3)[-3:] for r in answers.documented("vendor_item_prices")] == [
        ["3000000001", "prices", "15000"],
        ["3000000002", "prices", "18000"],
    ]
    assert [r.url.path.rsplit("/", 3)[-3:] for r in answers.documented("vendor_item_quantities")] == [
        ["3000000001", "quantities", "10"],
        ["3000000002", "quantities", "0"],  # not on sale: stock 0
    ]
    assert answers.requests_of("vendor_item_stop") == []


def test_adapter_update_never_deletes_an_option_the_workbook_dropped() -> None:
    held = approved_read(("CP-001-002", "CP-001-001"))  # Coupang's first option is the one the workbook dropped
    answers = Answers({"products_read": held})
    one = replace(PRODUCT, options=PRODUCT.options[:1])
    run_adapter(lambda c: c.update_product(one, SALES, ProductLink("152620911")), answers)
    # the dropped option goes back as Coupang sent it, then is stopped
    [put] = answers.requests_of("products_update")
    assert request_problems(CONTRACTS["products_update"], ours_only(put, 1)) == []
    items = json.loads(put.content)["items"]
    assert [(i["sellerProductItemId"], i["externalVendorSku"]) for i in items] == [
        (425073846, "CP-001-001"),
        (425073845, "CP-001-002"),
    ]
    assert items[1] == held["data"]["items"][0]
    [stop] = answers.documented("vendor_item_stop")
    assert stop.url.path.endswith("/vendor-items/3000000001/sales/stop")


def test_adapter_update_of_a_product_awaiting_approval_adds_ours_and_keeps_coupangs() -> None:
    answers = Answers()  # the documented product: options 90726, no vendorItemId
    run_adapter(lambda c: c.update_product(PRODUCT, SALES, ProductLink("152620911")), answers)
    [put] = answers.requests_of("products_update")
    assert request_problems(CONTRACTS["products_update"], ours_only(put, 2)) == []
    items = json.loads(put.content)["items"]
    assert items[2:] == body_of("products_read")["data"]["items"]
    assert [(i.get("sellerProductItemId"), i["externalVendorSku"], i["salePrice"]) for i in items] == [
        (None, "CP-001-001", 15000),  # added options (no id); before approval the body's price applies
        (None, "CP-001-002", 18000),
        (425073845, "90726", 10000.0),  # Coupang's own, unchanged: nothing deleted by omission
        (425073846, "90726", 10000.0),
    ]
    assert answers.requests_of("vendor_item_prices") == answers.requests_of("vendor_item_stop") == []


def test_adapter_stock_stop_and_resume_per_vendor_item() -> None:
    answers = Answers({"products_read": approved_read(("CP-001-001", "CP-001-002"))})

    async def scenario(c: Coupang) -> None:
        await c.update_stock(PRODUCT)
        await c.pause("CP-001")
        await c.resume("CP-001")

    run_adapter(scenario, answers)
    assert [r.url.path.rsplit("/", 1)[-1] for r in answers.documented("vendor_item_quantities")] == ["10", "0"]
    assert len(answers.documented("vendor_item_stop")) == len(answers.documented("vendor_item_resume")) == 2
    assert len(answers.documented("products_lookup")) == 3


def test_adapter_collects_order_sheets() -> None:
    answers = Answers()
    lines = run_adapter(lambda c: c.collect_orders(START, END, "main"), answers)
    first = answers.documented("ordersheets")
    assert [r.url.params["status"] for r in first] == ["ACCEPT", "INSTRUCT"]
    assert first[0].url.params["createdAtFrom"] == "2025-06-15+09:00"
    tokens = [r for r in answers.requests_of("ordersheets") if "nextToken" in r.url.params]
    assert [r.url.params["nextToken"] for r in tokens] == ["448537989", "448537989"]
    assert len(lines) == 4  # two documented boxes for each status asked
    assert lines[0] == OrderLine(
        market="coupang",
        account="main",
        order_no="22000009546234",
        delivery_no="642538971116401429",
        product_no="80240831",
        option_no="3242596358",
        product_name="인디고뱅크키즈 A5 기모 배색츄키니 IKTM17WG1",
        option_text="07 DARK GREY 160호",
        qty=1,
        price=19000,
        ordered_at="2025-01-15 14:17:13",
        status=OrderStatus.DELIVERED,
        buyer="신*희",
        buyer_phone=" +1(555)444-1234",
        receiver="신*희",
        receiver_phone=" +1(555)444-1234",
        zipcode="447-700",
        address="경기 오산시 가수동 **아파트 109동 *호",
        message="문 앞",
        option_code="170816368810",  # the example's externalVendorSkuCode: the seller's option code, echoed
    )


def test_adapter_reads_the_invoice_a_box_holds() -> None:
    answers = Answers()
    line = OrderLine(**{**_line_fields(), "delivery_no": "642538971116401429", "option_no": "3242596358"})

    async def scenario(c: Coupang) -> Any:
        refused = Rejected("coupang", "x", code="ALREADY_INVOICED")
        ours = Shipment("642538971116401429", (line,), "CJGLS", "340010913442")
        return await c._invoiced_already(ours, refused), await c._invoiced_already(replace(ours, number="1"), refused)

    same, other = run_adapter(scenario, answers)
    assert same is None  # the box's invoiceNumber (v5 example) is ours: an earlier send landed
    assert isinstance(other, Rejected) and other.message.startswith("쿠팡에 이미 다른 송장(340010913442)이")
    answers.documented("ordersheet")


def _line_fields() -> dict[str, Any]:
    return dict(
        market="coupang",
        account="main",
        order_no="1",
        delivery_no="1",
        product_no="1",
        option_no="1",
        product_name="",
        option_text="",
        qty=1,
        price=0,
        ordered_at="",
        status=OrderStatus.NEW,
        buyer="",
        buyer_phone="",
        receiver="",
        receiver_phone="",
        zipcode="",
        address="",
        message="",
    )


def test_adapter_acknowledges_with_the_documented_body() -> None:
    answers = Answers()
    units = [[OrderLine(**{**_line_fields(), "delivery_no": k})] for k in ("1234719731", "1234719732")]
    outcomes = run_adapter(lambda c: c.confirm(units), answers, vendor="A00123456")
    [patch] = answers.documented("acknowledgement")
    assert json.loads(patch.content) == request_body("acknowledgement")
    # the documented answer names other boxes: ours are unanswered, which is never read as done
    assert all(isinstance(e, Unavailable) and e.outcome_unknown for e in outcomes.values())


def test_adapter_reads_the_acknowledgement_results_box_by_box() -> None:
    answers = Answers()
    units = [[OrderLine(**{**_line_fields(), "delivery_no": k})] for k in ("102391542", "102391599")]
    outcomes = run_adapter(lambda c: c.confirm(units), answers)
    assert outcomes["102391542"] is None
    assert isinstance(outcomes["102391599"], Unavailable)  # retryRequired three times, then given up
    assert [json.loads(r.content)["shipmentBoxIds"] for r in answers.documented("acknowledgement")] == [
        [102391542, 102391599],
        [102391599],
        [102391599],
    ]


def test_adapter_sends_invoices_and_corrections_as_documented() -> None:
    documented = request_body("invoices")["orderSheetInvoiceApplyDtos"]
    lines = tuple(
        OrderLine(**{**_line_fields(), "order_no": str(d["orderId"]), "option_no": str(d["vendorItemId"])})
        for d in documented
    )
    answers = Answers()
    first = Shipment("606920263", lines, "KDEXP", "20180731040123")
    outcomes = run_adapter(lambda c: c.send_invoices([first]), answers, vendor="A00034612")
    assert outcomes == {"606920263": None}
    [post] = answers.documented("invoices")
    assert json.loads(post.content) == request_body("invoices")

    answers = Answers()
    fix = Shipment("614018634", lines[:1], "KDEXP", "20180731040123", correct=True)
    assert run_adapter(lambda c: c.send_invoices([fix]), answers, vendor="A00034612") == {"614018634": None}
    answers.documented("update_invoices")


def _box_to_cancel() -> dict[str, Any]:
    """The documented order sheet, made the box the cancel example names: order 2000006593044 in INSTRUCT, no invoice,
    its three options with 1, 2 and 1 units (the example's receiptCounts)."""
    body = body_of("ordersheet")
    box = body["data"]
    box.update(orderId=2000006593044, status="INSTRUCT", invoiceNumber="")
    item = box["orderItems"][0]
    box["orderItems"] = [
        {**item, "vendorItemId": vendor_item, "shippingCount": count, "cancelCount": 0, "holdCountForCancel": 0}
        for vendor_item, count in ((3145181064, 1), (3145181065, 2), (3145181067, 1))
    ]
    return body


def test_adapter_cancels_a_box_with_the_documented_body_and_reads_the_partial_answer() -> None:
    answers = Answers({"ordersheet": _box_to_cancel()})
    lines = [
        OrderLine(**{**_line_fields(), "order_no": "2000006593044", "delivery_no": "642538971116401429",
                     "option_no": str(item)})
        for item in (3145181064, 3145181065, 3145181067)
    ]  # fmt: skip
    outcomes = run_adapter(lambda c: c.cancel_sale([lines], "품절"), answers, vendor="A00123456", wing="et5")
    [read] = answers.documented("ordersheet")
    assert read.url.path.endswith("/ordersheets/642538971116401429")
    [post] = answers.documented("order_cancel")
    assert post.url.path == "/v2/providers/openapi/apis/api/v5/vendors/A00123456/orders/2000006593044/cancel"
    assert json.loads(post.content) == request_body("order_cancel")
    # the documented answer: PARTIAL, 3145181064 refused; the other two cancelled
    [error] = outcomes.values()
    assert isinstance(error, Rejected) and (error.code, error.message) == (
        "PARTIAL",
        "쿠팡이 판매취소 일부를 받지 않았습니다: 옵션ID 3145181064: 취소 가능한 개수보다 요청한 개수가 더 많습니다. "
        "나머지 옵션은 취소되었습니다. 쿠팡 WING에서 받지 않은 옵션을 확인하세요.",
    )


def test_adapter_does_not_cancel_the_documented_box_which_was_delivered() -> None:
    answers = Answers()  # the documented order sheet: FINAL_DELIVERY with an invoice
    line = OrderLine(**{**_line_fields(), "delivery_no": "642538971116401429", "option_no": "3242596358"})
    outcomes = run_adapter(lambda c: c.cancel_sale([[line]], "품절"), answers)
    assert [e.message for e in outcomes.values() if e is not None] == [CANCEL_INVOICED]
    answers.documented("ordersheet")
    assert answers.requests_of("order_cancel") == []


def test_adapter_sets_and_reads_stock_per_vendor_item_as_documented() -> None:
    answers = Answers()
    link = ProductLink("152620911", {"CP-001-001": "3000000000"})

    async def scenario(c: Coupang) -> Shown | None:
        await c.set_stock("CP-001", link, {"CP-001-001": 0})
        return await c.shown("CP-001", link)

    shown = run_adapter(scenario, answers)
    [put] = answers.documented("vendor_item_quantities")
    assert put.url.path.endswith("/vendor-items/3000000000/quantities/0")
    [get] = answers.documented("vendor_item_inventories")
    assert get.url.path.endswith("/vendor-items/3000000000/inventories")
    # the documented option: onSale true, amountInStock 0 — nothing left to sell; its salePrice is the price shown
    assert shown == Shown(on_sale=False, stocks={"CP-001-001": 0}, price=32000, prices={"CP-001-001": 32000})


def test_adapter_sets_each_options_price_as_documented() -> None:
    answers = Answers()
    link = ProductLink("152620911", {"CP-001-001": "3572784698", "CP-001-002": "3572784699"})
    run_adapter(lambda c: c.set_price("CP-001", link, 49000, {"CP-001-002": 2000}), answers)
    # the page's example path (3572784698/prices/49000), without its forceSalePriceUpdate (docs reading 4)
    assert [r.url.path.rsplit("/", 3)[-3:] for r in answers.documented("vendor_item_prices")] == [
        ["3572784698", "prices", "49000"],
        ["3572784699", "prices", "51000"],
    ]
    assert [r.url.query for r in answers.requests_of("vendor_item_prices")] == [b"", b""]


def _claims(bodies: dict[str, Any]) -> tuple[list[Claim], Answers]:
    answers = Answers(bodies)
    claims = run_adapter(lambda c: c.collect_claims(START, END, "main"), answers)
    return claims, answers


def test_adapter_collects_returns_in_minute_windows_without_status() -> None:
    claims, answers = _claims({"cancel_requests": EMPTY_TOKENS, "exchange_requests": EMPTY_TOKENS})
    [ask] = answers.documented("return_requests")
    assert dict(ask.url.params) == {  # C18
        "searchType": "timeFrame",
        "createdAtFrom": "2025-06-15T00:00",
        "createdAtTo": "2025-06-16T00:07",
        "cancelType": "RETURN",
        "maxPerPage": "50",
    }
    assert claims[0] == Claim(
        market="coupang",
        account="main",
        claim_no="50229613",
        order_no="28000008707838",
        product_no="57623797",
        product_name="스파오 (#)시원하고 편안한 캉캉 롱스커트,(19)Black S",
        kind=ClaimType.RETURN,
        status=ClaimStatus.REQUESTED,
        reason="고객변심 단순변심(사유없음)",
        buyer="구*숙",
        requested_at="2017-09-02 22:52:42",
        shown="반품접수 (처리(이미출고))",  # receiptStatus and releaseStopStatus in C1's words
    )
    assert [c.claim_no for c in claims] == ["50229613", "50203804", "50201937"]
    # the 회수 운송장: "" and null are ignored (C1), the courier by name
    assert [c.pickup for c in claims] == ["", "CJ대한통운 840806808800", "CJ대한통운 840807127473"]
    assert [c.shown for c in claims[1:]] == ["반품접수", "반품접수"]


def test_adapter_collects_cancellations_the_same_way() -> None:
    claims, answers = _claims({"return_requests": EMPTY_TOKENS, "exchange_requests": EMPTY_TOKENS})
    [ask] = answers.documented("cancel_requests")
    assert "status" not in ask.url.params and "orderId" not in ask.url.params
    # a cancel answered 이미출고 was refused (no cancel took place: 철회, no stock back); the others are open
    assert [(c.kind, c.status) for c in claims] == [
        (ClaimType.CANCEL, ClaimStatus.WITHDRAWN),
        (ClaimType.CANCEL, ClaimStatus.REQUESTED),
        (ClaimType.CANCEL, ClaimStatus.REQUESTED),
    ]
    assert {c.pickup for c in claims} == {""}  # a cancel has no pick-up


def test_adapter_collects_exchanges_with_their_documented_fields() -> None:
    claims, answers = _claims({"return_requests": EMPTY_TOKENS, "cancel_requests": EMPTY_TOKENS})
    [ask] = answers.documented("exchange_requests")
    assert dict(ask.url.params) == {
        "createdAtFrom": "2025-06-15T00:00:00",
        "createdAtTo": "2025-06-16T23:59:59",
        "maxPerPage": "50",
    }
    assert claims[0] == Claim(  # C21
        market="coupang",
        account="main",
        claim_no="101268974",
        order_no="11000013144262",
        product_no="3476137875",
        product_name="후아유(WHO.A.U) 벙커Ⅰ 레터 백팩 / WHAK82104C, (35)Beige, FREE",
        kind=ClaimType.EXCHANGE,
        status=ClaimStatus.REQUESTED,
        reason="색상/ 사이즈가 기대와 다름 베이지색 주문했는데 브라운이 왔습니다",
        buyer="이***",
        requested_at="2018-03-05 10:54:41",
        shown="교환진행 · 회수 Collecting",  # the example's collectStatus is none of its table's words: shown as is
    )
    assert [(c.claim_no, c.product_no, c.buyer) for c in claims[1:]] == [
        ("101284720", "3288964806", "김혜은"),
        ("101284720", "3288975565", "김혜은"),
    ]


def test_adapter_collects_inquiries_of_both_kinds() -> None:
    answers = Answers()
    found = run_adapter(lambda c: c.collect_inquiries(START, END, "main"), answers)
    [online] = answers.documented("online_inquiries")
    assert online.url.params["pageSize"] == "50"
    called = answers.documented("callcenter_inquiries")
    assert [r.url.params["pageNum"] for r in called] == [str(n) for n in range(1, 8)]  # totalPages 7
    assert {r.url.params["pageSize"] for r in called} == {"30"}  # C24
    by_no = {q.inquiry_no: q for q in found}
    assert sorted(by_no) == ["callcenter:1015664934", "callcenter:1015668177", "online:844", "online:848", "online:852"]
    assert by_no["online:848"] == Inquiry(
        "coupang", "main", "online:848", "상품", "2490", "16000009476673", "2015-05-24 01:38:32", "",
        "productId딜에 달린 1달 이내 상품문의2.", "aka***@na", False,
    )  # fmt: skip
    assert by_no["callcenter:1015668177"] == Inquiry(
        "coupang", "main", "callcenter:1015668177", "기타문의>기타>전상담사통화요청", "", "10000011255416",
        "2018-01-08 16:43:42", "", "상담이력", "zl*****@na", False,
    )  # fmt: skip


def test_adapter_answers_a_product_inquiry_with_the_documented_body() -> None:
    answers = Answers()
    text = request_body("online_inquiry_reply")["content"]
    run_adapter(lambda c: c.answer("online:846", text), answers, vendor="A00010028", wing="wanger")
    [post] = answers.documented("online_inquiry_reply")
    assert post.url.path.endswith("/onlineInquiries/846/replies")
    assert json.loads(post.content) == request_body("online_inquiry_reply")


def test_adapter_does_not_answer_a_call_centre_inquiry_the_seller_answered() -> None:
    answers = Answers()  # the documented inquiry: answered, with the vendor's reply
    with pytest.raises(AlreadyDone):
        run_adapter(lambda c: c.answer("callcenter:1015668177", "안녕하세요"), answers)
    answers.documented("callcenter_inquiry")
    assert answers.requests_of("callcenter_inquiry_reply") == []


def _open_inquiry() -> dict[str, Any]:
    """The documented inquiry before anyone answered: requestAnswer, the agent's reply asking for an answer."""
    body = body_of("callcenter_inquiry")
    data = body["data"]
    data["csPartnerCounselingStatus"], data["answeredAt"] = "requestAnswer", None
    data["replies"] = data["replies"][:1]
    data["replies"][0].update({"partnerTransferStatus": "requestAnswer", "needAnswer": True})
    return body


def test_adapter_answers_an_open_call_centre_inquiry_under_the_reply_asking() -> None:
    answers = Answers({"callcenter_inquiry": _open_inquiry()})
    run_adapter(lambda c: c.answer("callcenter:1015668177", "확인 후 환불하겠습니다."), answers)
    [post] = answers.documented("callcenter_inquiry_reply")
    assert json.loads(post.content) == {
        "vendorId": "A00012345",
        "inquiryId": "1015668177",  # C26: String
        "content": "확인 후 환불하겠습니다.",
        "replyBy": "sandbox-wing",
        "parentAnswerId": 1027082307,
    }


def test_adapter_refuses_a_call_centre_inquiry_coupang_closed() -> None:
    closed = _open_inquiry()
    closed["data"]["csPartnerCounselingStatus"] = "answered"  # 24 h unanswered: Coupang's own reply closed it
    answers = Answers({"callcenter_inquiry": closed})
    with pytest.raises(Rejected) as caught:
        run_adapter(lambda c: c.answer("callcenter:1015668177", "늦은 답변"), answers)
    assert caught.value.message == CALLCENTER_CLOSED and not isinstance(caught.value, AlreadyDone)


class Turns(Answers):
    """``Answers`` where a call may be answered from a list of bodies, one per request in turn (a claim read before
    and after a write)."""

    def __init__(self, turns: dict[str, list[Any]], bodies: dict[str, Any] | None = None) -> None:
        super().__init__(bodies)
        self.turns = turns

    def respond(self, contract: Contract, request: httpx.Request) -> httpx.Response:
        if "nextToken" not in request.url.params and self.turns.get(contract.call):
            return httpx.Response(200, json=self.turns[contract.call].pop(0))
        return super().respond(contract, request)


def _receipt(call: str, **fields: Any) -> dict[str, Any]:
    """The documented list answer with its first receipt only, changed by ``fields``."""
    body = first_only(call)
    body["data"][0].update(fields)
    return body


def _claim_of(body: dict[str, Any], kind: ClaimType) -> Claim:
    item = body["data"][0]
    line = (item.get("returnItems") or item.get("exchangeItemDtoV1s"))[0]
    return Claim(
        market="coupang",
        account="main",
        claim_no=str(item.get("receiptId") or item.get("exchangeId")),
        order_no=str(item["orderId"]),
        product_no=str(line.get("sellerProductId") or line.get("orderItemId")),
        product_name="",
        kind=kind,
        status=ClaimStatus.REQUESTED,
        reason="",
        buyer="",
        requested_at=item["createdAt"].replace("T", " "),
    )


STOP_ASKED = {"receiptStatus": "RELEASE_STOP_UNCHECKED", "releaseStopStatus": "미처리", "receiptType": "RETURN"}


def test_adapter_approves_a_cancel_with_the_documented_stopped_shipment() -> None:
    listed = _receipt("cancel_requests", **STOP_ASKED, cancelCountSum=2)
    claim = _claim_of(listed, ClaimType.CANCEL)
    answers = Answers({"cancel_requests": listed})
    outcomes = run_adapter(lambda c: c.decide_claims([ClaimDecision(claim, True)]), answers)
    assert outcomes == {claim_key(claim): None}
    [read] = answers.documented("cancel_requests")  # the minute of the request, as collected
    assert dict(read.url.params) == {
        "searchType": "timeFrame",
        "createdAtFrom": "2017-09-02T22:52",
        "createdAtTo": "2017-09-02T22:53",
        "cancelType": "CANCEL",
        "maxPerPage": "50",
    }
    [sent] = answers.documented("return_stopped_shipment")
    assert sent.url.path.endswith("/v4/vendors/A00012345/returnRequests/50229613/stoppedShipment")
    # articles/360023109453: cancelCount is the receipt's cancelCountSum
    assert json.loads(sent.content) == {"vendorId": "A00012345", "receiptId": 50229613, "cancelCount": 2}


def test_adapter_refuses_a_cancel_as_already_shipped_with_its_invoice() -> None:
    listed = _receipt("cancel_requests", **STOP_ASKED)
    claim = _claim_of(listed, ClaimType.CANCEL)
    answers = Answers({"cancel_requests": listed})
    refuse = ClaimDecision(claim, False, "이미 발송함", "KDEXP", "70432743577")
    assert run_adapter(lambda c: c.decide_claims([refuse]), answers) == {claim_key(claim): None}
    [sent] = answers.documented("return_completed_shipment")
    assert json.loads(sent.content) == {
        "vendorId": "A00012345",
        "receiptId": 50229613,
        "deliveryCompanyCode": "KDEXP",
        "invoiceNumber": "70432743577",
    }


def test_adapter_approves_a_return_with_receipt_then_approval() -> None:
    before = _receipt("return_requests", cancelCountSum=1, releaseStopStatus="비대상")
    after = _receipt("return_requests", cancelCountSum=1, releaseStopStatus="비대상")
    after["data"][0]["receiptStatus"] = "VENDOR_WAREHOUSE_CONFIRM"
    claim = _claim_of(before, ClaimType.RETURN)
    answers = Turns({"return_requests": [before, after]})
    assert run_adapter(lambda c: c.decide_claims([ClaimDecision(claim, True)]), answers) == {claim_key(claim): None}
    [received] = answers.documented("return_receive_confirmation")
    assert json.loads(received.content) == {"vendorId": "A00012345", "receiptId": 50229613}
    [approved] = answers.documented("return_approval")
    assert json.loads(approved.content) == {"vendorId": "A00012345", "receiptId": 50229613, "cancelCount": 1}
    assert [r.url.path.rsplit("/", 1)[1] for r in answers.requests_of("return_requests")] == ["returnRequests"] * 2


def test_adapter_does_not_approve_a_return_the_fast_refund_completed() -> None:
    before = _receipt("return_requests", releaseStopStatus="비대상")
    after = _receipt("return_requests", releaseStopStatus="비대상", receiptStatus="RETURNS_COMPLETED")
    claim = _claim_of(before, ClaimType.RETURN)
    answers = Turns({"return_requests": [before, after]})
    assert run_adapter(lambda c: c.decide_claims([ClaimDecision(claim, True)]), answers) == {claim_key(claim): None}
    answers.documented("return_receive_confirmation")
    assert answers.requests_of("return_approval") == []  # articles/360034027214: 빠른환불 completes it at the receipt


def test_adapter_reads_a_receipt_gone_from_the_lists_in_the_withdrawal_history() -> None:
    withdrawn = replace(
        _claim_of(first_only("return_requests"), ClaimType.RETURN), claim_no="87033689", pickup="CJ대한통운 1"
    )
    answers = Answers({"return_requests": EMPTY_TOKENS, "cancel_requests": EMPTY_TOKENS})
    now = run_adapter(lambda c: c.claim_now(withdrawn), answers)
    assert now == replace(withdrawn, status=ClaimStatus.WITHDRAWN, shown="반품철회")
    [asked] = answers.documented("return_withdraw_list")
    assert json.loads(asked.content) == {"cancelIds": [87033689]}
    outcomes = run_adapter(lambda c: c.decide_claims([ClaimDecision(withdrawn, True)]), Answers(
        {"return_requests": EMPTY_TOKENS, "cancel_requests": EMPTY_TOKENS}
    ))  # fmt: skip
    assert isinstance(outcomes[claim_key(withdrawn)], Rejected)
    assert outcomes[claim_key(withdrawn)].message == CLAIM_WITHDRAWN
    gone = replace(withdrawn, claim_no="50229614")  # in no list and not withdrawn: gone
    assert run_adapter(lambda c: c.claim_now(gone), Answers(
        {"return_requests": EMPTY_TOKENS, "cancel_requests": EMPTY_TOKENS}
    )) is None  # fmt: skip


def _exchange(**fields: Any) -> dict[str, Any]:
    body = first_only("exchange_requests")
    body["data"][0].update(fields)
    return body


def test_adapter_approves_an_exchange_with_receipt_and_the_new_boxs_invoice() -> None:
    before = _exchange(collectStatus="CompleteDirection", deliveryInvoiceGroupDtos=[])
    group = {"shipmentBoxId": 197277127, "shippingDeliveryType": "EXCHANGE_DELIVERY", "deliveryInvoiceDtos": []}
    after = _exchange(collectStatus="CompleteCollect", deliveryInvoiceGroupDtos=[group])
    claim = _claim_of(before, ClaimType.EXCHANGE)
    answers = Turns({"exchange_requests": [before, after]})
    approve = ClaimDecision(claim, True, courier_code="CJGLS", number="123456431")
    assert run_adapter(lambda c: c.decide_claims([approve]), answers) == {claim_key(claim): None}
    reads = answers.documented("exchange_requests")
    assert {(r.url.params["createdAtFrom"], r.url.params["createdAtTo"]) for r in reads} == {
        ("2018-03-05T10:54:00", "2018-03-05T10:54:59")
    }
    [received] = answers.documented("exchange_receive_confirmation")
    assert json.loads(received.content) == {"exchangeId": 101268974, "vendorId": "A00012345"}
    [sent] = answers.documented("exchange_invoices")
    assert json.loads(sent.content) == [
        {
            "exchangeId": 101268974,
            "vendorId": "A00012345",
            "shipmentBoxId": 197277127,  # the new box, not the original 519998364
            "goodsDeliveryCode": "CJGLS",
            "invoiceNumber": "123456431",
        }
    ]


def test_adapter_waits_for_the_exchange_box_coupang_makes_within_ten_minutes() -> None:
    before = _exchange(collectStatus="CompleteDirection")
    claim = _claim_of(before, ClaimType.EXCHANGE)
    answers = Turns({"exchange_requests": [before, _exchange(collectStatus="CompleteCollect")]})
    approve = ClaimDecision(claim, True, courier_code="CJGLS", number="123456431")
    [outcome] = run_adapter(lambda c: c.decide_claims([approve]), answers).values()
    assert isinstance(outcome, Unavailable) and outcome.message == NO_EXCHANGE_BOX
    assert not outcome.outcome_unknown
    answers.documented("exchange_receive_confirmation")
    assert answers.requests_of("exchange_invoices") == []
    # the next run: collected, the box there: the invoice alone
    group = {"shipmentBoxId": 197277127, "shippingDeliveryType": "EXCHANGE_DELIVERY", "deliveryInvoiceDtos": []}
    again = Answers({"exchange_requests": _exchange(collectStatus="CompleteCollect", deliveryInvoiceGroupDtos=[group])})
    assert run_adapter(lambda c: c.decide_claims([approve]), again) == {claim_key(claim): None}
    assert again.requests_of("exchange_receive_confirmation") == []
    again.documented("exchange_invoices")


def test_adapter_rejects_an_exchange_with_the_documented_code() -> None:
    listed = _exchange(exchangeStatus="RECEIPT", rejectable=True)
    claim = _claim_of(listed, ClaimType.EXCHANGE)
    answers = Answers({"exchange_requests": listed})
    refuse = ClaimDecision(claim, False, "교환 상품 품절")
    assert run_adapter(lambda c: c.decide_claims([refuse]), answers) == {claim_key(claim): None}
    [sent] = answers.documented("exchange_rejection")
    assert json.loads(sent.content) == {
        "exchangeId": 101268974,
        "vendorId": "A00012345",
        "exchangeRejectCode": "SOLDOUT",
    }
    # the documented exchange itself is not rejectable (C1: rejectable false): refused without a call
    documented = Answers({"exchange_requests": first_only("exchange_requests")})
    [outcome] = run_adapter(lambda c: c.decide_claims([refuse]), documented).values()
    assert (
        isinstance(outcome, Rejected)
        and "교환불가(거부)로 처리할 수 없는 상태(교환진행 · 회수 Collecting)" in outcome.message
    )
    assert documented.requests_of("exchange_rejection") == []


def test_minute_windows_overlap_by_their_boundary_minute() -> None:
    assert minute_windows(dt.datetime(2025, 6, 1, 9, 0, 30), dt.datetime(2025, 6, 10, 8, 59, 1), 7) == [
        ("2025-06-01T09:00", "2025-06-08T09:00"),
        ("2025-06-08T09:00", "2025-06-10T09:00"),
    ]


# -- the sandbox against the documented requests ---------------------------------------------------------------

VENDOR = "A00012345"
WING = "sandbox-wing"
API = "/v2/providers/openapi/apis/api"


class Sandbox:
    def __init__(self, client: httpx.AsyncClient, clock: AppClock) -> None:
        self.client = client
        self.clock = clock

    async def send(
        self,
        call: str,
        *,
        path: dict[str, str] | None = None,
        query: dict[str, str] | None = None,
        body: Any = None,
    ) -> httpx.Response:
        """The documented request of ``call``, with the sandbox's ids where the example's would name nothing."""
        contract = CONTRACTS[call]
        values = {"vendorId": VENDOR, **(path or {})}
        documented = {k: v for k, v in (contract.request.get("query") or {}).items() if v != "*"}
        return await self.client.request(
            contract.method,
            contract.fill(**values),
            params={**documented, **(query or {})},
            json=body if body is not None else contract.request.get("body"),
        )

    async def control(self, action: str, **body: Any) -> Any:
        answer = await self.client.post(f"/__sandbox__/{action}", json={"market": "coupang", **body})
        assert answer.status_code == 200, answer.text
        return answer.json()

    async def state(self) -> dict[str, Any]:
        body: dict[str, Any] = (await self.client.get("/__sandbox__/state", params={"market": "coupang"})).json()
        return body


def run_sandbox(scenario: Callable[[Sandbox], Awaitable[None]]) -> None:
    clock = AppClock(NOW)

    async def main() -> None:
        transport = httpx.ASGITransport(create_app(clock=clock, seed=1))
        auth = CoupangAuth("sandbox-access-key", "sandbox-coupang-secret-key", clock=clock.utc)
        async with httpx.AsyncClient(transport=transport, base_url="http://sandbox.test", auth=auth) as client:
            await scenario(Sandbox(client, clock))

    asyncio.run(main())


def shaped(contract: Contract, answer: httpx.Response, documented: Any = None) -> None:
    """The answer has the documented status and every documented field (more is allowed)."""
    assert answer.status_code == contract.response["status"], answer.text
    expected = contract.response["body"] if documented is None else documented
    assert shape_problems(expected, answer.json(), extra_ok=True, missing_ok=False) == [], contract.call


def first_only(call: str) -> Any:
    """The documented answer with its first listed item only (a documented subset: later items add fields only
    their example has, e.g. the second order sheet's taxReceiptInfo)."""
    body = body_of(call)
    body["data"] = body["data"][:1]
    return body


TODAY = {"createdAtFrom": "2025-06-15+09:00", "createdAtTo": "2025-06-16+09:00"}
INQUIRY_DAYS = {"vendorId": VENDOR, "inquiryStartAt": "2025-06-15", "inquiryEndAt": "2025-06-16"}


def test_sandbox_places_answer_in_their_documented_shapes() -> None:
    async def scenario(s: Sandbox) -> None:
        places = await s.send("outbound_places", query={"pageNum": "1", "pageSize": "50"})
        shaped(CONTRACTS["outbound_places"], places)
        assert "data" not in places.json()  # C6: top level
        shaped(CONTRACTS["return_centers"], await s.send("return_centers", query={"pageNum": "1", "pageSize": "50"}))

    run_sandbox(scenario)


async def _create(s: Sandbox, *, requested: bool) -> dict[str, Any]:
    """The documented create body (its vendor, outbound 74010 and return centre 1000274592 are the sandbox's)."""
    answer = await s.send("products_create", body={**request_body("products_create"), "requested": requested})
    shaped(CONTRACTS["products_create"], answer)
    number = answer.json()["data"]["data"]
    [product] = [p for p in (await s.state())["products"] if p["sellerProductId"] == number]
    return product


def restricted(documented: Any, like: Any, keep: frozenset[str] = frozenset()) -> Any:
    """``documented`` on the keys ``like`` has (at every level), plus ``keep``."""
    if isinstance(documented, dict) and isinstance(like, dict):
        return {k: restricted(v, like.get(k), keep) for k, v in documented.items() if k in like or k in keep}
    if isinstance(documented, list) and isinstance(like, list) and like:
        return [restricted(v, like[0], keep) for v in documented]
    return documented


def read_subset() -> Any:
    """The documented product answer on the fields a create body sets, plus the ids and the status (the sandbox
    keeps no category, MD, commission or CDN data, and echoes extraProperties as sent)."""
    body = body_of("products_read")
    like = {**request_body("products_create"), "sellerProductId": 0, "statusName": ""}
    for item in like["items"]:  # C1's create example writes these numbers, its read example strings: either is kept
        item.pop("extraProperties")
    keep = frozenset({"sellerProductItemId", "vendorItemId"})
    return {**body, "data": restricted(body["data"], like, keep)}


def test_sandbox_products_take_the_documented_requests() -> None:
    async def scenario(s: Sandbox) -> None:
        draft = await _create(s, requested=False)
        number = str(draft["sellerProductId"])
        read = await s.send("products_read", path={"sellerProductId": number})
        shaped(CONTRACTS["products_read"], read, read_subset())
        lookup = await s.send("products_lookup", path={"externalVendorSkuCode": "0001"})
        shaped(CONTRACTS["products_lookup"], lookup)
        assert [p["sellerProductId"] for p in lookup.json()["data"]] == [draft["sellerProductId"]]
        update = request_body("products_update")
        update["sellerProductId"] = draft["sellerProductId"]
        for item, held in zip(update["items"], draft["items"], strict=True):
            item["sellerProductItemId"] = held["sellerProductItemId"]
        shaped(CONTRACTS["products_update"], await s.send("products_update", body=update))
        [after] = (await s.state())["products"]
        assert [i["sellerProductItemId"] for i in after["items"]] == [i["sellerProductItemId"] for i in draft["items"]]
        assert after["sellerProductName"] == "test_클렌징오일_수정"

    run_sandbox(scenario)


def test_sandbox_vendor_item_calls_take_the_documented_requests() -> None:
    async def scenario(s: Sandbox) -> None:
        product = await _create(s, requested=True)
        item = str(product["items"][0]["vendorItemId"])
        price = await s.send("vendor_item_prices", path={"vendorItemId": item, "price": "9000"})
        shaped(CONTRACTS["vendor_item_prices"], price)
        # the page's own example: 49000 on a 10000 item, with forceSalePriceUpdate=true
        forced = await s.send(
            "vendor_item_prices", path={"vendorItemId": item, "price": "49000"}, query={"forceSalePriceUpdate": "true"}
        )
        shaped(CONTRACTS["vendor_item_prices"], forced)
        quantity = await s.send("vendor_item_quantities", path={"vendorItemId": item, "quantity": "7"})
        shaped(CONTRACTS["vendor_item_quantities"], quantity)
        shaped(CONTRACTS["vendor_item_stop"], await s.send("vendor_item_stop", path={"vendorItemId": item}))
        shaped(CONTRACTS["vendor_item_resume"], await s.send("vendor_item_resume", path={"vendorItemId": item}))
        [held] = (await s.state())["products"]
        assert (held["items"][0]["salePrice"], held["items"][0]["maximumBuyCount"]) == (49000, 7)

    run_sandbox(scenario)


def test_sandbox_inventories_answer_in_the_documented_shape() -> None:
    async def scenario(s: Sandbox) -> None:
        product = await _create(s, requested=True)
        item = str(product["items"][0]["vendorItemId"])
        shaped(
            CONTRACTS["vendor_item_inventories"], await s.send("vendor_item_inventories", path={"vendorItemId": item})
        )

    run_sandbox(scenario)


def test_sandbox_takes_the_documented_cancel_and_answers_in_its_shape() -> None:
    async def scenario(s: Sandbox) -> None:
        await _create(s, requested=True)  # its two options (100 in stock each) are what orders draw from
        await s.control("seed", orders=1, seed=1, qty=2)
        [box] = (await s.state())["orders"]
        await s.send("acknowledgement", body={"vendorId": VENDOR, "shipmentBoxIds": [box["shipmentBoxId"]]})
        ids = [i["vendorItemId"] for i in box["orderItems"]]
        assert len(ids) == 2
        # the documented body with the sandbox's order, options, vendor and WING id; the first option asks one more
        # unit than it has, as the documented answer's refusal did
        body = {
            **request_body("order_cancel"),
            "orderId": box["orderId"],
            "vendorItemIds": ids,
            "receiptCounts": [3, 2],
            "vendorId": VENDOR,
            "userId": WING,
        }
        answer = await s.send("order_cancel", path={"orderId": str(box["orderId"])}, body=body)
        shaped(CONTRACTS["order_cancel"], answer)
        assert (answer.json()["code"], answer.json()["data"]["failedVendorItemIds"]) == ("PARTIAL", ids[:1])
        assert answer.json()["data"]["receiptMap"]["receiptType"] == "STOP_SHIPMENT"  # 상품준비중: 출고중지

    run_sandbox(scenario)


async def _boxes(s: Sandbox, orders: int) -> list[dict[str, Any]]:
    await s.control("seed", orders=orders, seed=3)
    boxes: list[dict[str, Any]] = (await s.state())["orders"]
    return boxes


def test_sandbox_order_sheets_and_their_updates_take_the_documented_requests() -> None:
    async def scenario(s: Sandbox) -> None:
        [box, *_] = await _boxes(s, 1)
        sheets = await s.send("ordersheets", query={**TODAY, "status": "ACCEPT"})
        shaped(CONTRACTS["ordersheets"], sheets, first_only("ordersheets"))
        one = await s.send("ordersheet", path={"shipmentBoxId": str(box["shipmentBoxId"])})
        shaped(CONTRACTS["ordersheet"], one)
        ack = await s.send("acknowledgement", body={"vendorId": VENDOR, "shipmentBoxIds": [box["shipmentBoxId"]]})
        shaped(CONTRACTS["acknowledgement"], ack)
        dto = request_body("invoices")["orderSheetInvoiceApplyDtos"][0]
        dtos = [
            {**dto, "shipmentBoxId": box["shipmentBoxId"], "orderId": box["orderId"], "vendorItemId": i["vendorItemId"]}
            for i in box["orderItems"]
        ]
        invoices = await s.send("invoices", body={"vendorId": VENDOR, "orderSheetInvoiceApplyDtos": dtos})
        shaped(CONTRACTS["invoices"], invoices)
        assert {r["succeed"] for r in invoices.json()["data"]["responseList"]} == {True}
        fixed = [{**d, "invoiceNumber": "20180731040199"} for d in dtos]
        update = await s.send("update_invoices", body={"vendorId": VENDOR, "orderSheetInvoiceApplyDtos": fixed})
        shaped(CONTRACTS["update_invoices"], update)
        assert {r["resultCode"] for r in update.json()["data"]["responseList"]} == {"OK"}

    run_sandbox(scenario)


def test_sandbox_claims_take_the_documented_requests() -> None:
    async def scenario(s: Sandbox) -> None:
        made = await s.control("seed", orders=3, seed=4)
        boxes = (await s.state())["orders"]
        shipped = [b for b in boxes if str(b["orderId"]) in made["orders"][1:]]
        await s.send(
            "acknowledgement", body={"vendorId": VENDOR, "shipmentBoxIds": [b["shipmentBoxId"] for b in shipped]}
        )
        for n, box in enumerate(shipped):
            dtos = [
                {**request_body("invoices")["orderSheetInvoiceApplyDtos"][0], "shipmentBoxId": box["shipmentBoxId"],
                 "orderId": box["orderId"], "vendorItemId": i["vendorItemId"], "invoiceNumber": f"30000000000{n}"}
                for i in box["orderItems"]
            ]  # fmt: skip
            await s.send("invoices", body={"vendorId": VENDOR, "orderSheetInvoiceApplyDtos": dtos})
        await s.control("claims", order=made["orders"][0], type="cancel")
        await s.control("claims", order=made["orders"][1], type="return")
        await s.control("claims", order=made["orders"][2], type="exchange")
        window = {"createdAtFrom": "2025-06-15T00:00", "createdAtTo": "2025-06-16T00:07", "maxPerPage": "50"}
        returns = await s.send("return_requests", query=window)
        shaped(CONTRACTS["return_requests"], returns)
        assert [c["receiptType"] for c in returns.json()["data"]] == ["RETURN"]
        cancels = await s.send("cancel_requests", query=window)
        shaped(CONTRACTS["cancel_requests"], cancels)
        assert [c["receiptType"] for c in cancels.json()["data"]] == ["CANCEL"]
        days = {"createdAtFrom": "2025-06-15T00:00:00", "createdAtTo": "2025-06-16T23:59:59", "maxPerPage": "50"}
        exchanges = await s.send("exchange_requests", query=days)
        documented = first_only("exchange_requests")
        del documented["data"][0]["collectInformationsDto"]  # the pick-up details: not kept by the sandbox
        shaped(CONTRACTS["exchange_requests"], exchanges, documented)
        [exchange] = exchanges.json()["data"]
        assert "requesterName" not in exchange  # C21
        assert {"sellerProductId", "sellerProductName"}.isdisjoint(exchange["exchangeItemDtoV1s"][0])

    run_sandbox(scenario)


async def _shipped(s: Sandbox, orders: list[str]) -> None:
    """Acknowledge and invoice every box of ``orders`` (documented requests)."""
    boxes = [b for b in (await s.state())["orders"] if str(b["orderId"]) in orders]
    await s.send("acknowledgement", body={"vendorId": VENDOR, "shipmentBoxIds": [b["shipmentBoxId"] for b in boxes]})
    for n, box in enumerate(boxes):
        dtos = [
            {**request_body("invoices")["orderSheetInvoiceApplyDtos"][0], "shipmentBoxId": box["shipmentBoxId"],
             "orderId": box["orderId"], "vendorItemId": i["vendorItemId"], "invoiceNumber": f"31000000000{n}"}
            for i in box["orderItems"]
        ]  # fmt: skip
        await s.send("invoices", body={"vendorId": VENDOR, "orderSheetInvoiceApplyDtos": dtos})


def test_sandbox_claim_decisions_take_the_documented_requests() -> None:
    async def scenario(s: Sandbox) -> None:
        made = await s.control("seed", orders=5, seed=4)
        orders = made["orders"]
        boxes = (await s.state())["orders"]
        late = [b["shipmentBoxId"] for b in boxes if str(b["orderId"]) == orders[1]]
        await s.send("acknowledgement", body={"vendorId": VENDOR, "shipmentBoxIds": late})
        await _shipped(s, orders[2:])
        receipts = {}
        for order in orders[:2]:
            receipts[order] = int((await s.control("claims", order=order, type="cancel"))["claimNo"])
        counts = {c["receiptId"]: c["cancelCountSum"] for c in (await s.state())["claims"]}
        # 출고중지완료 of the ACCEPT box's cancel (RETURNS_UNCHECKED, 미처리)
        stop = {**request_body("return_stopped_shipment"), "vendorId": VENDOR, "receiptId": receipts[orders[0]]}
        stop["cancelCount"] = counts[receipts[orders[0]]]
        path = {"receiptId": str(receipts[orders[0]])}
        shaped(CONTRACTS["return_stopped_shipment"], await s.send("return_stopped_shipment", path=path, body=stop))
        # 이미출고 of the INSTRUCT box's (RELEASE_STOP_UNCHECKED): then a return, received and approved
        number = receipts[orders[1]]
        path = {"receiptId": str(number)}
        shipped = {**request_body("return_completed_shipment"), "vendorId": VENDOR, "receiptId": number}
        shaped(
            CONTRACTS["return_completed_shipment"], await s.send("return_completed_shipment", path=path, body=shipped)
        )
        received = {**request_body("return_receive_confirmation"), "vendorId": VENDOR, "receiptId": number}
        answer = await s.send("return_receive_confirmation", path=path, body=received)
        shaped(CONTRACTS["return_receive_confirmation"], answer)
        approval = {**request_body("return_approval"), "vendorId": VENDOR, "receiptId": number}
        approval["cancelCount"] = counts[number]
        shaped(CONTRACTS["return_approval"], await s.send("return_approval", path=path, body=approval))
        held = {c["receiptId"]: c for c in (await s.state())["claims"]}
        assert [(held[n]["receiptStatus"], held[n]["releaseStopStatus"]) for n in receipts.values()] == [
            ("RETURNS_COMPLETED", "처리(출고중지)"),
            ("RETURNS_COMPLETED", "처리(이미출고)"),
        ]
        # a return withdrawn by the buyer: in the withdrawal history
        withdrawn = int((await s.control("claims", order=orders[2], type="return"))["claimNo"])
        assert (await s.control("claims", order=orders[2], type="withdraw")) == {"claimNo": str(withdrawn)}
        listed = await s.send("return_withdraw_list", body={"cancelIds": [withdrawn]})
        shaped(CONTRACTS["return_withdraw_list"], listed)
        assert [w["cancelId"] for w in listed.json()["data"]] == [withdrawn]
        # an exchange received, then its new box invoiced; another refused
        exchange = int((await s.control("claims", order=orders[3], type="exchange"))["claimNo"])
        path = {"exchangeId": str(exchange)}
        confirm = {**request_body("exchange_receive_confirmation"), "exchangeId": exchange, "vendorId": VENDOR}
        answer = await s.send("exchange_receive_confirmation", path=path, body=confirm)
        shaped(CONTRACTS["exchange_receive_confirmation"], answer)
        [now] = [c for c in (await s.state())["claims"] if c.get("exchangeId") == exchange]
        [group] = now["deliveryInvoiceGroupDtos"]
        documented = request_body("exchange_invoices")[0]
        invoice = [{**documented, "exchangeId": exchange, "vendorId": VENDOR, "shipmentBoxId": group["shipmentBoxId"]}]
        shaped(CONTRACTS["exchange_invoices"], await s.send("exchange_invoices", path=path, body=invoice))
        other = int((await s.control("claims", order=orders[4], type="exchange"))["claimNo"])
        reject = {**request_body("exchange_rejection"), "exchangeId": other, "vendorId": VENDOR}
        answer = await s.send("exchange_rejection", path={"exchangeId": str(other)}, body=reject)
        shaped(CONTRACTS["exchange_rejection"], answer)
        days = {"createdAtFrom": "2025-06-16T00:00:00", "createdAtTo": "2025-06-16T23:59:59", "maxPerPage": "50"}
        listed = {e["exchangeId"]: e for e in (await s.send("exchange_requests", query=days)).json()["data"]}
        assert (
            listed[exchange]["deliveryInvoiceGroupDtos"][0]["deliveryInvoiceDtos"][0]["invoiceNumber"]
            == (documented["invoiceNumber"])
        )
        assert (listed[other]["exchangeStatus"], listed[other]["rejectable"]) == ("REJECT", False)

    run_sandbox(scenario)


def test_sandbox_inquiries_take_the_documented_requests() -> None:
    async def scenario(s: Sandbox) -> None:
        await s.control("seed", orders=2, inquiries=3, seed=6)
        online = await s.send("online_inquiries", query=INQUIRY_DAYS)
        shaped(CONTRACTS["online_inquiries"], online)
        reply = request_body("online_inquiry_reply")
        answered = await s.send(
            "online_inquiry_reply", path={"inquiryId": "80001"}, body={**reply, "vendorId": VENDOR, "replyBy": WING}
        )
        shaped(CONTRACTS["online_inquiry_reply"], answered)
        listed = await s.send("callcenter_inquiries", query={**INQUIRY_DAYS, "pageSize": "10"})
        shaped(CONTRACTS["callcenter_inquiries"], listed)
        [inquiry] = listed.json()["data"]["content"]
        assert inquiry["csPartnerCounselingStatus"] == "requestAnswer"  # C25
        one = await s.send("callcenter_inquiry", path={"inquiryId": str(inquiry["inquiryId"])})
        shaped(CONTRACTS["callcenter_inquiry"], one)
        documented = request_body("callcenter_inquiry_reply")
        ids = {"inquiryId": str(inquiry["inquiryId"]), "parentAnswerId": str(inquiry["replies"][0]["answerId"])}
        # the example's own typing: both ids quoted (the table types parentAnswerId Number, which the adapter sends)
        reply_body = {**documented, "vendorId": VENDOR, "replyBy": WING, **ids}
        sent = await s.send("callcenter_inquiry_reply", path={"inquiryId": ids["inquiryId"]}, body=reply_body)
        shaped(CONTRACTS["callcenter_inquiry_reply"], sent)
        after = (await s.send("callcenter_inquiry", path={"inquiryId": ids["inquiryId"]})).json()["data"]
        assert after["csPartnerCounselingStatus"] == "answered"
        assert after["replies"][-1]["answerType"] == "vendor"

    run_sandbox(scenario)


# -- what Coupang refuses, the sandbox refuses, in Coupang's shape ----------------------------------------------


def test_sandbox_refuses_call_centre_pages_over_30() -> None:
    async def scenario(s: Sandbox) -> None:
        await s.control("seed", inquiries=3, seed=6)
        refused = await s.send("callcenter_inquiries", query={**INQUIRY_DAYS, "pageSize": "31"})
        assert (refused.status_code, refused.json()) == (
            400,
            {"code": 400, "message": "pageSize는 1~30 사이여야 합니다: 31", "data": None},
        )
        assert (await s.send("callcenter_inquiries", query={**INQUIRY_DAYS, "pageSize": "30"})).status_code == 200

    run_sandbox(scenario)


def test_sandbox_refuses_an_update_that_drops_an_approved_option() -> None:
    async def scenario(s: Sandbox) -> None:
        product = await _create(s, requested=True)
        update = request_body("products_update")
        update["sellerProductId"] = product["sellerProductId"]
        update["items"] = update["items"][:1]  # the second, approved option left out
        update["items"][0]["sellerProductItemId"] = product["items"][0]["sellerProductItemId"]
        refused = await s.send("products_update", body=update)
        assert (refused.status_code, refused.json()) == (
            400,
            {"code": 400, "message": "vendorItem로 생성된 아이템은 삭제가 불가능합니다.", "data": None},
        )
        [held] = (await s.state())["products"]
        assert held == product  # nothing changed

    run_sandbox(scenario)


def test_sandbox_keeps_an_approved_price_out_of_the_update_body() -> None:
    async def scenario(s: Sandbox) -> None:
        product = await _create(s, requested=True)
        update = request_body("products_update")
        update["sellerProductId"] = product["sellerProductId"]
        for item, held in zip(update["items"], product["items"], strict=True):
            item.update(sellerProductItemId=held["sellerProductItemId"], salePrice=1, maximumBuyCount=1)
        assert (await s.send("products_update", body=update)).status_code == 200
        [after] = (await s.state())["products"]
        assert [(i["salePrice"], i["maximumBuyCount"]) for i in after["items"]] == [(10000, 100), (20000, 100)]
        # an item without sellerProductItemId is an added option
        added = {**update, "items": [*update["items"], {**update["items"][0], "sellerProductItemId": None}]}
        added["items"][-1].pop("vendorItemId")
        assert (await s.send("products_update", body=added)).status_code == 200
        [after] = (await s.state())["products"]
        assert len(after["items"]) == 3 and after["items"][2]["sellerProductItemId"] not in {
            i["sellerProductItemId"] for i in product["items"]
        }

    run_sandbox(scenario)


def test_sandbox_refuses_a_price_change_past_coupangs_guard() -> None:
    async def scenario(s: Sandbox) -> None:
        product = await _create(s, requested=True)
        item = product["items"][0]["vendorItemId"]
        refused = await s.send("vendor_item_prices", path={"vendorItemId": str(item), "price": "49000"})
        assert (refused.status_code, refused.json()) == (
            400,
            {
                "code": 400,
                "message": f"가격변경에 실패했습니다. [옵션ID[{item}] : 판매가 변경이 불가능합니다. "
                "변경전 판매가의 최대 50% 인하/최대 100%인상까지 변경가능합니다.]",
                "data": None,
            },
        )

    run_sandbox(scenario)


def test_sandbox_takes_prices_in_10_won_units_only_and_swallows_them_when_asked() -> None:
    async def scenario(s: Sandbox) -> None:
        product = await _create(s, requested=True)
        item = product["items"][0]["vendorItemId"]
        # articles/360034156273: "최소 10원 단위로 입력가능합니다. (1원 단위 입력 불가)"
        odd = await s.send("vendor_item_prices", path={"vendorItemId": str(item), "price": "10005"})
        assert (odd.status_code, odd.json()) == (
            400,
            {
                "code": 400,
                "message": f"가격변경에 실패했습니다. [옵션ID[{item}] : 판매가는 최소 10원 단위로 입력 가능합니다. "
                "(1원 단위 입력 불가)]",
                "data": None,
            },
        )
        await s.control("swallow", on=True)
        swallowed = await s.send("vendor_item_prices", path={"vendorItemId": str(item), "price": "12000"})
        shaped(CONTRACTS["vendor_item_prices"], swallowed)  # answered as done
        past = await s.send("vendor_item_prices", path={"vendorItemId": str(item), "price": "30000"})
        assert past.status_code == 400  # still refused past the guard
        read = await s.send("vendor_item_inventories", path={"vendorItemId": str(item)})
        assert read.json()["data"]["salePrice"] == 10000  # unchanged
        await s.control("swallow", on=False)
        shaped(
            CONTRACTS["vendor_item_prices"],
            await s.send("vendor_item_prices", path={"vendorItemId": str(item), "price": "12000"}),
        )
        read = await s.send("vendor_item_inventories", path={"vendorItemId": str(item)})
        assert read.json()["data"]["salePrice"] == 12000

    run_sandbox(scenario)


def test_sandbox_refuses_list_queries_coupang_refuses() -> None:
    async def scenario(s: Sandbox) -> None:
        bare = await s.send("outbound_places")
        assert (bare.status_code, bare.json()) == (
            400,
            {"code": 400, "message": "(pageNum & pageSize) or placeCodes or placeNames must be provided", "data": None},
        )
        dates = {"createdAtFrom": "2025-06-15", "createdAtTo": "2025-06-16", "maxPerPage": "50"}
        date_only = await s.send("return_requests", query=dates)  # timeFrame with days: the 2026 field note's 400
        assert (date_only.status_code, date_only.json()["code"]) == (400, 400)
        status = await s.send(
            "cancel_requests", query={**dates, "createdAtFrom": "2025-06-15T00:00", "createdAtTo": "2025-06-16T00:00",
                                      "status": "UC"}
        )  # fmt: skip
        assert (status.status_code, status.json()["code"]) == (400, 400)

    run_sandbox(scenario)
