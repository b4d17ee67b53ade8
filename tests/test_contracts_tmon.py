"""TMON's calls as the public sources show them (tests/contracts/tmon/*.json), against our adapter and our sandbox.

1. The adapter builds exactly the documented request (``request_problems``) and parses the documented answer into
   exact values: a ``Replay`` of the fixtures is the adapter's HTTP transport.
2. The sandbox accepts the documented request (identifiers replaced by ones it holds) and answers in the documented
   shape; and it refuses what TMON refuses, in TMON's shape.
"""

from __future__ import annotations

import asyncio
import copy
import datetime as dt
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest
from contract_kit import Contract, Replay, load, request_problems, shape_problems
from helpers import AppClock, FakeClock, run_sandbox, sandbox_control, tmon_login

from batch.marketplaces.base import ClientSettings, MarketClient
from batch.marketplaces.tmon import Tmon, TmonCredentials
from batch.marketplaces.types import ClaimDecision, DeliveryTemplate, Shipment, Shown
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

CONTRACTS = load("tmon")
FIXTURE_KEY = "tmonfixturekey16"  # the key the fixtures' ciphertexts were made with (see their notes)
NOW = 1_750_000_000.0  # the sandbox's clock: 2025-06-16 00:06:40 KST
START, END = dt.datetime(2025, 6, 14, 0, 0), dt.datetime(2025, 6, 16, 0, 0)  # one window, long past

PRODUCT = Product(
    row=3,
    code="TM-001",
    name="다온 스테인리스 텀블러 (T-350)",
    on_sale=True,
    category="생활/주방/건강 > 주방용품 > 컵/텀블러",
    price=15000,
    tax="과세",
    maker="다온",
    brand="다온리빙",
    model="T-350",
    origin="가공품",
    adult=False,
    keywords=("다온리빙",),
    detail="<p>다온 텀블러</p>",
    images=("https://img.example.com/tumbler-1.jpg",),
    cert_required=True,
    certs=(),
    notice_category="주방용품",
    notices=(("품명 및 모델명", "상세설명참조"),),
    option_names=("색상",),
    options=(OptionCombo(("블랙/350ml",), 0, True, 10),),
)
SALES = SalesInfo(
    Market.TMON,
    "main",
    "티몬-일반",
    (
        ("market_category", "생활 > 주방 > 텀블러"),
        ("market_category_no", "20300100"),
        ("sales_end", "무기한"),
        ("courier", "CJ대한통운"),
        ("delivery_template", "1690698"),
        ("product_type", "일반상품"),
    ),
)
LINK = ProductLink("30000001", {"TM-001-001": "70000001"})


def line(status: OrderStatus) -> OrderLine:
    """The fixtures' order (tests/contracts/tmon/orders_new.json) as the adapter reads it."""
    return OrderLine(
        market="tmon",
        account="main",
        order_no="1234567890",
        delivery_no="123456789",
        product_no="30000001",
        option_no="70000001",
        product_name="국산 햇사과 5kg",
        option_text="가정용 5kg",
        qty=2,
        price=29900,
        status=status,
        ordered_at="2025-06-15 10:20:30",
        buyer="홍길동",
        buyer_phone="010-1234-5678",
        receiver="홍길동",
        receiver_phone="010-1234-5678",
        zipcode="06236",
        address="서울특별시 강남구 역삼동 737 서울특별시 강남구 테헤란로 123 101동 1001호",
        message="문 앞에 놓아 주세요",
    )


SHOWN = {  # the fixtures' claims in TMON's words, and the 회수 invoice of a return or exchange
    ClaimType.CANCEL: ("취소요청", ""),
    ClaimType.RETURN: ("반품요청(회수완료)", "CJ대한통운 684600000001"),
    ClaimType.EXCHANGE: ("교환요청(회수완료)", "CJ대한통운 684600000001"),
    ClaimType.REDELIVERY: ("재배송요청", ""),
}


def claim(kind: ClaimType) -> Claim:
    """The fixtures' claim of ``kind`` (tests/contracts/tmon/claims_*.json) as the adapter reads it."""
    return Claim(
        market="tmon",
        account="main",
        claim_no="8000000001",
        order_no="1234567890",
        product_no="30000001",
        product_name="국산 햇사과 5kg",
        kind=kind,
        status=ClaimStatus.REQUESTED,
        reason="단순변심 주문을 잘못했어요",
        buyer="홍길동",
        requested_at="2025-06-15 11:00:00",
        shown=SHOWN[kind][0],
        pickup=SHOWN[kind][1],
    )


INQUIRIES = [
    Inquiry(
        "tmon",
        "main",
        "q:20000001",
        "상품",
        "30000001",
        "1234567890",
        "2025-06-15 12:00:00",
        "국산 햇사과 5kg",
        "언제 배송되나요?",
        "tmo****",
        False,
    ),
    Inquiry(
        "tmon",
        "main",
        "cs:500001/900001",
        "배송",
        "30000001",
        "1234567890",
        "2025-06-15 12:30:00",
        "국산 햇사과 5kg",
        "고객이 배송 지연을 문의했습니다. 출고 일정을 안내해 주세요.\n\n주문한 지 5일이 지났는데 아직 배송 준비중이에요.",
        "tmo****",
        False,
    ),
]
SHIPMENT = Shipment("1234567890/30000001", (line(OrderStatus.CONFIRMED),), "10001", "684512345678", ("12536354323",))

# -- 1. the adapter against the documented calls ---------------------------------------------------------------


def replayed(scenario: Callable[[Tmon], Awaitable[Any]]) -> tuple[Any, Replay]:
    """Run ``scenario`` with a TMON adapter whose transport replays the fixtures; return its result and the replay."""
    replay = Replay(CONTRACTS)

    async def main() -> Any:
        http = httpx.AsyncClient(transport=replay.transport(), base_url="https://interworkapi.tmon.co.kr")
        client = MarketClient(
            "tmon", http, ClientSettings(rate_limit=0, max_attempts=1), clock=FakeClock(), rng=random.Random(1)
        )
        credentials = TmonCredentials("fixture-client", "fixture-secret", "fixture-partner", "pt", "158", FIXTURE_KEY)
        async with http:
            return await scenario(Tmon(client, credentials))

    return asyncio.run(main()), replay


@dataclass(frozen=True)
class Drive:
    """How one fixture's call is made by the adapter, and what the adapter makes of the documented answer."""

    run: Callable[[Tmon], Awaitable[Any]]
    parsed: Any


async def _collect_orders(t: Tmon) -> Any:
    return await t.collect_orders(START, END, "main")


async def _claims(t: Tmon) -> Any:
    return await t.collect_claims(START, END, "main")


async def _inquiries(t: Tmon) -> Any:
    return await t.collect_inquiries(END - dt.timedelta(days=1), END, "main")


async def _templates(t: Tmon) -> Any:
    return (await t.delivery_templates(), await t.check_templates(SALES))


async def _get_then_confirm(t: Tmon) -> Any:
    return await t.confirm([await t.get_order("1234567890", "main")])


async def _get_then_cancel(t: Tmon) -> Any:
    return await t.seller_cancel(await t.get_order("1234567890", "main"))


def decide(kind: ClaimType, approve: bool, reason: str = "", courier: str = "", number: str = "") -> Any:
    async def scenario(t: Tmon) -> Any:
        return await t.decide_claims([ClaimDecision(claim(kind), approve, reason, courier, number)])

    return scenario


ORDERS = [line(OrderStatus.NEW), line(OrderStatus.CONFIRMED)]
CLAIMS = [claim(kind) for kind in (ClaimType.CANCEL, ClaimType.RETURN, ClaimType.EXCHANGE, ClaimType.REDELIVERY)]
KEY = "1234567890/30000001"
CLAIM_KEY = "8000000001/30000001"  # claim_key: the fixtures' claim number and deal
DRIVES: dict[str, Drive] = {
    "token": Drive(lambda t: t.vendor_id(), "V1001"),
    "deals_create": Drive(lambda t: t.create_product(PRODUCT, SALES), LINK),
    "deals_get": Drive(lambda t: t.find_product("TM-001"), LINK),
    "deals_update": Drive(lambda t: t.update_product(PRODUCT, SALES, LINK), LINK),
    "deals_stock": Drive(lambda t: t.update_stock(PRODUCT), None),
    "deals_display": Drive(lambda t: t.update_product(PRODUCT, SALES, LINK), LINK),
    "deals_pause": Drive(lambda t: t.pause("TM-001"), None),
    "deals_resume": Drive(lambda t: t.resume("TM-001"), None),
    "templates": Drive(_templates, ([DeliveryTemplate("1690698", "기본배송", "일반상품")], None)),
    "orders_new": Drive(_collect_orders, ORDERS),
    "orders_search": Drive(_collect_orders, ORDERS),
    "order_get": Drive(lambda t: t.get_order("1234567890", "main"), [line(OrderStatus.CONFIRMED)]),
    "order_confirm": Drive(_get_then_confirm, {KEY: None}),
    "invoice_register": Drive(lambda t: t.send_invoices([SHIPMENT]), {KEY: None}),
    "invoice_update": Drive(
        lambda t: t.send_invoices([Shipment(KEY, SHIPMENT.lines, "10001", "684512345678", (), correct=True)]),
        {KEY: None},
    ),
    "claims_cancellations": Drive(_claims, CLAIMS),
    "claims_refunds": Drive(_claims, CLAIMS),
    "claims_exchanges": Drive(_claims, CLAIMS),
    "claims_redeliveries": Drive(_claims, CLAIMS),
    "cancel_approve": Drive(lambda t: t.approve_cancel("8000000001"), None),
    "cancel_reject": Drive(lambda t: t.reject_cancel("8000000001", "10001", "684512345678"), None),
    "cancel_detail": Drive(lambda t: t.claim_now(claim(ClaimType.CANCEL)), claim(ClaimType.CANCEL)),
    "refund_detail": Drive(lambda t: t.claim_now(claim(ClaimType.RETURN)), claim(ClaimType.RETURN)),
    "exchange_detail": Drive(lambda t: t.claim_now(claim(ClaimType.EXCHANGE)), claim(ClaimType.EXCHANGE)),
    "redelivery_detail": Drive(lambda t: t.claim_now(claim(ClaimType.REDELIVERY)), claim(ClaimType.REDELIVERY)),
    "refund_approve": Drive(decide(ClaimType.RETURN, True, "", "10001", "684600000001"), {CLAIM_KEY: None}),
    "refund_reject": Drive(decide(ClaimType.RETURN, False, "반품 상품 미도착"), {CLAIM_KEY: None}),
    "exchange_approve": Drive(decide(ClaimType.EXCHANGE, True, "", "10001", "684512349999"), {CLAIM_KEY: None}),
    "exchange_reject": Drive(decide(ClaimType.EXCHANGE, False, "교환 상품 품절"), {CLAIM_KEY: None}),
    "seller_cancel": Drive(_get_then_cancel, None),
    "qnas_list": Drive(_inquiries, INQUIRIES),
    "cs_list": Drive(_inquiries, INQUIRIES),
    "cs_detail": Drive(_inquiries, INQUIRIES),
    "qna_reply": Drive(lambda t: t.answer("q:20000001", "내일 출고 예정입니다. 감사합니다."), None),
    "cs_save": Drive(lambda t: t.answer("cs:500001/900001", "내일 출고 예정입니다. 감사합니다."), None),
}


def test_every_fixture_has_an_adapter_drive_and_a_sandbox_preparation() -> None:
    assert sorted(DRIVES) == sorted(CONTRACTS) == sorted(PREPARE)


@pytest.mark.parametrize("call", sorted(CONTRACTS))
def test_the_adapter_sends_the_documented_request_and_parses_the_documented_answer(call: str) -> None:
    drive = DRIVES[call]
    parsed, replay = replayed(drive.run)
    assert replay.unknown == [], [f"{r.method} {r.url.path}" for r in replay.unknown]
    sent = replay.requests_of(call)
    assert sent, f"the adapter made no {call} call"
    for request in sent:
        assert request_problems(CONTRACTS[call], request) == [], request.url
    assert parsed == drive.parsed


def test_the_token_request_is_multipart_with_the_client_credentials_grant() -> None:
    """[T1] TmonCasheConnector.tokenCall: Basic auth, grant_type=client_credentials as a multipart/form-data part."""
    _, replay = replayed(lambda t: t.vendor_id())
    [request] = replay.requests_of("token")
    boundary = request.headers["content-type"].partition("boundary=")[2]
    assert (
        request.content
        == (
            f'--{boundary}\r\nContent-Disposition: form-data; name="grant_type"\r\n\r\n'
            f"client_credentials\r\n--{boundary}--\r\n"
        ).encode()
    )
    assert request.headers["authorization"] == "Basic Zml4dHVyZS1jbGllbnQ6Zml4dHVyZS1zZWNyZXQ="


def test_claims_are_asked_for_every_claim_status_of_every_type() -> None:
    """[T1] ClaimScheduler sends one claimStatus of "C1, C2, C3, C4, C8, C9" per search."""
    _, replay = replayed(_claims)
    for call in ("claims_cancellations", "claims_refunds", "claims_exchanges", "claims_redeliveries"):
        statuses = [dict(parse_qsl(r.url.query.decode()))["claimStatus"] for r in replay.requests_of(call)]
        assert statuses == ["C1", "C2", "C3", "C4", "C8", "C9"], call


def test_a_deal_update_leaves_out_what_only_a_registration_sends() -> None:
    """[T1] updateProducts: no productType, salesEndDate, adultOnly (false) nor option stock/display in the PUT."""
    _, replay = replayed(lambda t: t.update_product(PRODUCT, SALES, LINK))
    [put] = replay.requests_of("deals_update")
    body = httpx.Response(200, content=put.content).json()
    assert not {"productType", "salesEndDate", "adultOnly"} & set(body)
    assert body["dealOptions"] == [{"vendorDealOptionNo": "TM-001-001", "title": "블랙/350ml", "salesPrice": 15000}]


def test_set_stock_sends_the_documented_stock_call_with_only_the_options_named() -> None:
    """[T2] setGoodsStockModify: only the options whose stock changed; the documented per-option answer is done."""
    parsed, replay = replayed(lambda t: t.set_stock("TM-001", LINK, {"TM-001-001": 0}))
    [put] = replay.requests_of("deals_stock")
    assert request_problems(CONTRACTS["deals_stock"], put) == []
    assert put.url.path == "/api/V1001/deals/TM-001/stock"
    assert httpx.Response(200, content=put.content).json() == {
        "dealOptions": [{"vendorDealOptionNo": "TM-001-001", "stock": 0}]
    }
    assert parsed is None
    assert [c.call for c, _ in replay.sent] == ["token", "deals_stock"]


def test_shown_reads_the_documented_deal() -> None:
    """[T2] Deal.salesStatus ON_SALE and DealOption.stock of the documented deal, by our option number."""
    parsed, replay = replayed(lambda t: t.shown("TM-001", LINK))
    [get] = replay.requests_of("deals_get")
    assert request_problems(CONTRACTS["deals_get"], get) == []
    assert parsed == Shown(on_sale=True, stocks={"TM-001-001": 10}, prices={"TM-001-001": 15000})


def test_set_price_reads_the_documented_deal_then_sends_the_documented_update() -> None:
    """The deal read first ([T2] DealOption.salesPrice), then the documented deal update with only its options, each
    with price = salesPrice ([T1] updateProducts; [T2] "기본적으로 수정될 정보만 세팅하면 되나"); the documented
    DealUpdateResult is done. A price the read shows already sends nothing."""
    parsed, replay = replayed(lambda t: t.set_price("TM-001", LINK, 16000, {}))
    assert parsed is None
    assert [c.call for c, _ in replay.sent] == ["token", "deals_get", "deals_update"]
    [put] = replay.requests_of("deals_update")
    assert request_problems(CONTRACTS["deals_update"], put) == []
    assert put.url.path == "/api/V1001/deals/TM-001"
    # the documented read gives no option title, so none is sent back
    assert httpx.Response(200, content=put.content).json() == {
        "dealOptions": [{"vendorDealOptionNo": "TM-001-001", "price": 16000, "salesPrice": 16000}]
    }
    _, replay = replayed(lambda t: t.set_price("TM-001", LINK, 15000, {"TM-001-001": 0}))
    assert [c.call for c, _ in replay.sent] == ["token", "deals_get"]


def test_cancel_sale_reads_the_documented_order_then_sends_the_documented_cancel() -> None:
    """[T1] requestOrderCancel: the deal's state first (D2 in the documented order), then RCD4 "품절 미배송"."""

    async def scenario(t: Tmon) -> Any:
        return await t.cancel_sale([await t.get_order("1234567890", "main")], "품절")

    parsed, replay = replayed(scenario)
    assert parsed == {KEY: None}
    assert [c.call for c, _ in replay.sent] == ["token", "order_get", "order_get", "seller_cancel"]
    [post] = replay.requests_of("seller_cancel")
    assert request_problems(CONTRACTS["seller_cancel"], post) == []
    assert httpx.Response(200, content=post.content).json() == CONTRACTS["seller_cancel"].request["body"]


# -- 2. the sandbox against the documented calls ---------------------------------------------------------------

Prepared = tuple[dict[str, str], dict[str, str], Any]  # path values, query values, the body to send


async def _deal(client: httpx.AsyncClient, headers: dict[str, str]) -> None:
    created = await client.post("/api/V1001/deals", headers=headers, json=CONTRACTS["deals_create"].request["body"])
    assert created.status_code == 200, created.text


async def _order(client: httpx.AsyncClient, headers: dict[str, str], status: str = "D1") -> dict[str, Any]:
    """A seeded order of the sandbox (its first deal confirmed when ``status`` is D2 or D3)."""
    [number] = (await sandbox_control(client, "tmon", "seed", {"orders": 1, "seed": 3}))["orders"]
    order: dict[str, Any] = (await client.get(f"/api/V1001/orders/{number}", headers=headers)).json()
    deal = order["deals"][0]
    if status in ("D2", "D3"):
        body = {"tmonDealNo": deal["tmonDealNo"], "tmonDealOptions": lines(deal)}
        assert (await client.put(f"/api/V1001/orders/{number}/confirm", headers=headers, json=body)).status_code == 200
    if status == "D3":
        invoice = invoice_body(order, "684512345678")
        assert (
            await client.post(f"/api/V1001/orders/{number}/invoices", headers=headers, json=invoice)
        ).status_code == 200
    return order


def lines(deal: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"tmonDealOptionNo": o["tmonDealOptionNo"], "qty": o["qty"]} for o in deal["dealOptions"]]


def invoice_body(order: dict[str, Any], number: str) -> dict[str, Any]:
    """The documented invoice body with the sandbox order's numbers."""
    body = copy.deepcopy(CONTRACTS["invoice_register"].request["body"])
    deal = order["deals"][0]
    body.update(deliveryNo=str(deal["deliveryNo"]), tmonDealNo=deal["tmonDealNo"], tmonDealOptions=lines(deal))
    body["invoice"]["invoiceNo"] = number
    return body


WINDOW = {"startDate": "2025-06-13 00:00", "endDate": "2025-06-16 00:06"}
DAYS = {"startDate": "2025-06-13", "endDate": "2025-06-16"}


def documented(call: str) -> Any:
    return copy.deepcopy(CONTRACTS[call].request.get("body"))


async def prep_none(client: httpx.AsyncClient, headers: dict[str, str]) -> Prepared:
    return {}, {}, None


async def prep_deal_body(call: str, client: httpx.AsyncClient, headers: dict[str, str]) -> Prepared:
    if call != "deals_create":
        await _deal(client, headers)
    return {"vendorDealNo": "TM-001"}, {}, documented(call)


async def prep_orders(call: str, client: httpx.AsyncClient, headers: dict[str, str]) -> Prepared:
    order = await _order(client, headers, "D2" if call == "orders_search" else "D1")
    return {"tmonOrderNo": order["tmonOrderNo"]}, WINDOW, None


async def prep_confirm(client: httpx.AsyncClient, headers: dict[str, str]) -> Prepared:
    order = await _order(client, headers)
    deal = order["deals"][0]
    return {"tmonOrderNo": order["tmonOrderNo"]}, {}, {"tmonDealNo": deal["tmonDealNo"], "tmonDealOptions": lines(deal)}


async def prep_invoice(call: str, client: httpx.AsyncClient, headers: dict[str, str]) -> Prepared:
    order = await _order(client, headers, "D3" if call == "invoice_update" else "D2")
    return {"tmonOrderNo": order["tmonOrderNo"]}, {}, invoice_body(order, "684599998888")


CLAIM_TYPES = {
    "claims_cancellations": "cancel",
    "claims_refunds": "return",
    "claims_exchanges": "exchange",
    "claims_redeliveries": "redelivery",
}


DETAIL_TYPES = {
    "cancel_detail": "cancel",
    "refund_detail": "return",
    "exchange_detail": "exchange",
    "redelivery_detail": "redelivery",
    "refund_approve": "return",
    "refund_reject": "return",
    "exchange_approve": "exchange",
    "exchange_reject": "exchange",
}


async def _claim(client: httpx.AsyncClient, headers: dict[str, str], kind: str) -> str:
    """A buyer's claim of ``kind`` on a seeded order in a state it is raised in (a cancel: D1; else shipped, D3); a
    return or exchange with its goods collected, as the fixtures show them."""
    order = await _order(client, headers, "D1" if kind == "cancel" else "D3")
    body = {"order": order["tmonOrderNo"], "type": kind}
    if kind in ("return", "exchange"):
        body["state"] = "collected"
    raised = await sandbox_control(client, "tmon", "claims", body)
    return str(raised["claimNo"])


async def prep_claims(call: str, client: httpx.AsyncClient, headers: dict[str, str]) -> Prepared:
    await _claim(client, headers, CLAIM_TYPES[call])
    return {}, {**WINDOW, "claimStatus": "C1"}, None


async def prep_claim_call(call: str, client: httpx.AsyncClient, headers: dict[str, str]) -> Prepared:
    return {"claimNo": await _claim(client, headers, DETAIL_TYPES[call])}, {}, documented(call)


async def prep_cancel_claim(call: str, client: httpx.AsyncClient, headers: dict[str, str]) -> Prepared:
    order = await _order(client, headers)
    raised = await sandbox_control(client, "tmon", "claims", {"order": order["tmonOrderNo"], "type": "cancel"})
    return {"claimNo": raised["claimNo"]}, {}, documented(call)


async def prep_seller_cancel(client: httpx.AsyncClient, headers: dict[str, str]) -> Prepared:
    order = await _order(client, headers)
    body = documented("seller_cancel")
    deal = order["deals"][0]
    body.update(tmonOrderNo=int(order["tmonOrderNo"]), deliveryNo=str(deal["deliveryNo"]))
    body["tmonDeals"][0].update(tmonDealNo=deal["tmonDealNo"], tmonDealOptions=lines(deal))
    return {}, {}, body


async def _inquiry(client: httpx.AsyncClient, kind: str) -> str:
    made = await sandbox_control(client, "tmon", "seed", {"orders": 2, "inquiries": 9, "seed": 3})
    return next(i for i in made["inquiries"] if i.startswith(kind)).split(":")[1]


async def prep_inquiries(call: str, client: httpx.AsyncClient, headers: dict[str, str]) -> Prepared:
    found = await _inquiry(client, "q:" if call in ("qnas_list", "qna_reply") else "cs:")
    seq, _, group = found.partition("/")
    values = {"articleNo": found, "csInquirySeqNo": seq, "csInquiryMessageGroupSeqNo": group}
    return values, DAYS, documented(call)


def bind(prep: Callable[..., Awaitable[Prepared]], call: str) -> Callable[..., Awaitable[Prepared]]:
    async def bound(client: httpx.AsyncClient, headers: dict[str, str]) -> Prepared:
        return await prep(call, client, headers)

    return bound


PREPARE: dict[str, Callable[[httpx.AsyncClient, dict[str, str]], Awaitable[Prepared]]] = {
    "token": prep_none,
    "templates": prep_none,
    **{c: bind(prep_deal_body, c) for c in CONTRACTS if c.startswith("deals_")},
    **{c: bind(prep_orders, c) for c in ("orders_new", "orders_search", "order_get")},
    "order_confirm": prep_confirm,
    **{c: bind(prep_invoice, c) for c in ("invoice_register", "invoice_update")},
    **{c: bind(prep_claims, c) for c in CLAIM_TYPES},
    **{c: bind(prep_cancel_claim, c) for c in ("cancel_approve", "cancel_reject")},
    **{c: bind(prep_claim_call, c) for c in DETAIL_TYPES},
    "seller_cancel": prep_seller_cancel,
    **{c: bind(prep_inquiries, c) for c in ("qnas_list", "qna_reply", "cs_list", "cs_detail", "cs_save")},
}


async def send_documented(
    client: httpx.AsyncClient, contract: Contract, headers: dict[str, str], prepared: Prepared
) -> httpx.Response:
    values, query, body = prepared
    path = contract.fill(vendorId="V1001", **values)
    params = {k: query.get(k, v) for k, v in (contract.request.get("query") or {}).items()}
    if contract.call == "token":
        return await client.post(
            path, auth=("tmon-main", "sandbox-secret"), files={"grant_type": (None, "client_credentials")}
        )
    return await client.request(contract.method, path, headers=headers, params=params or None, json=body)


@pytest.mark.parametrize("call", sorted(CONTRACTS))
def test_the_sandbox_accepts_the_documented_request_and_answers_in_the_documented_shape(call: str) -> None:
    contract = CONTRACTS[call]

    async def scenario(client: httpx.AsyncClient) -> None:
        headers = await tmon_login(client)
        prepared = await PREPARE[call](client, headers)
        answer = await send_documented(client, contract, headers, prepared)
        assert answer.status_code == contract.response.get("status", 200), answer.text
        expected = contract.response.get("body")
        if expected is None:  # an empty body, or [T1]'s plain-string answer of a Q&A reply
            assert answer.content in (b"", b"OK"), answer.text
            return
        problems = shape_problems(expected, answer.json(), extra_ok=True, missing_ok=False)
        assert problems == [], problems

    run_sandbox(scenario, create_app(clock=AppClock(NOW), seed=0))


# -- the sandbox refuses what TMON refuses ----------------------------------------------------------------------


def refused(method: str, path: str, **kwargs: Any) -> httpx.Response:
    got: list[httpx.Response] = []

    async def scenario(client: httpx.AsyncClient) -> None:
        got.append(await client.request(method, path, headers=await tmon_login(client), **kwargs))

    run_sandbox(scenario, create_app(clock=AppClock(NOW), seed=0))
    return got[0]


def test_a_deal_with_an_invented_product_type_is_refused() -> None:
    """[T1] ProdServiceImpl.getProducts: productType is one of DP01–DP07."""
    body = {**documented("deals_create"), "productType": "GENERAL"}
    answer = refused("POST", "/api/V1001/deals", json=body)
    assert answer.status_code == 400
    assert answer.json() == {
        "ResultCode": "INVALID_VALUE",
        "Message": "상품유형(productType): 허용되지 않는 값입니다: GENERAL. 허용값: DP01(냉장냉동/신선식품), "
        "DP02(해외직배송), DP03(해외구매대행), DP04(화물설치), DP05(주문제작), DP06(주문후발주), DP07(일반상품).",
    }


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"titleDecoration": ""}, "딜 홍보문구(titleDecoration): 필수 항목입니다."),
        ({"deliveryCorp": None}, "배송사(deliveryCorp): 필수 항목입니다."),
        ({"vendorPolicyNo": "정책"}, '업체정책번호(vendorPolicyNo): 올바르지 않은 값입니다: "정책".'),
        (
            {"productInfos": [{"infoType": "주방용품", "title": "재질", "content": "스테인리스"}]},
            '[상품정보제공고시] 고시 상품군(productType)이 필요합니다: {"infoType": "주방용품", "title": "재질", '
            '"content": "스테인리스"}.',
        ),
    ],
    ids=["empty titleDecoration", "no deliveryCorp", "vendorPolicyNo not a number", "flat productInfos"],
)
def test_a_deal_breaking_the_documented_fields_is_refused(change: dict[str, Any], message: str) -> None:
    """[T1] getProducts: titleDecoration (O), deliveryCorp (배송상품일 경우 필수), vendorPolicyNo Integer+,
    productInfos nested per 고시 group."""
    answer = refused("POST", "/api/V1001/deals", json={**documented("deals_create"), **change})
    assert answer.status_code == 400
    assert answer.json() == {"ResultCode": answer.json()["ResultCode"], "Message": message}
    assert answer.json()["ResultCode"] in ("MISSING_FIELD", "INVALID_VALUE")


def test_a_claim_search_without_claim_status_is_refused() -> None:
    """[T1] ClaimScheduler always sends one claimStatus; the sandbox requires it, in TMON's business error shape."""
    answer = refused("GET", "/api/V1001/cancellations/search", params={**WINDOW, "page": "1"})
    assert (answer.status_code, answer.json()) == (
        400,
        {"ResultCode": "MISSING_FIELD", "Message": "상태(claimStatus): 필수 항목입니다."},
    )


def test_an_unknown_token_is_refused_in_oauth2_shape() -> None:
    """OAuth2 ``{error}`` for the gateway ([T1] TmonConnector looks for ``invalid_token``)."""
    got: list[httpx.Response] = []

    async def scenario(client: httpx.AsyncClient) -> None:
        headers = {**(await tmon_login(client)), "Authorization": "Bearer not-a-token"}
        got.append(await client.get("/api/V1001/partners/templates", headers=headers))

    run_sandbox(scenario, create_app(clock=AppClock(NOW), seed=0))
    assert (got[0].status_code, got[0].json()["error"]) == (401, "invalid_token")
