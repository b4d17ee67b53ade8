"""The G마켓/옥션 (ESM 2.0) adapter against httpx.MockTransport: exact requests (method, path, JWT, JSON body), parsed
answers, and the result codes the etapi guide names for the calls we make (marketplaces-next.md §2). The JWT is
checked by hand (hmac + hashlib + base64url), not with PyJWT."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hashlib
import heapq
import hmac
import itertools
import json
import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from helpers import FakeClock

from batch.config import Account
from batch.errors import WorkspaceError
from batch.marketplaces.base import (
    AlreadyDone,
    AuthFailed,
    Blocked,
    ClientSettings,
    MarketClient,
    RateLimited,
    Rejected,
    Unavailable,
)
from batch.marketplaces.connect import adapter_for
from batch.marketplaces.esm import Esm, EsmCredentials
from batch.marketplaces.esm_orders import ORDER_LIST_SPACING
from batch.marketplaces.types import Marketplace, Shipment, Shown
from batch.models import (
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

MASTER, SECRET = "sandbox-esm-master", "sandbox-esm-secret-key"
Handler = Callable[[httpx.Request], httpx.Response]
NOW = 1_750_000_000.0  # the adapter's wall clock in these tests (JWT iat)

PRODUCT = Product(
    row=3,
    code="ESM-001",
    name="다온 스테인리스 텀블러",
    on_sale=True,
    category="주방 > 텀블러",
    price=15000,
    tax="과세",
    maker="다온",
    brand="다온리빙",
    model="T-350",
    origin="국산",
    adult=False,
    keywords=(),
    detail="<p>다온 텀블러</p>",
    images=("https://img.example.com/t1.jpg", "https://img.example.com/t2.jpg"),
    cert_required=False,
    certs=(),
    notice_category="주방용품",
    notices=(("품명 및 모델명", "텀블러 T-350"), ("제조자", "상세정보 별도표기")),
    option_names=("색상",),
    options=(OptionCombo(("블랙",), 0, True, 10), OptionCombo(("화이트",), 1000, True, 0)),
)
PLAIN = Product(**{**PRODUCT.__dict__, "option_names": (), "options": (OptionCombo((), 0, True, 7),)})
SALES = SalesInfo(
    Market.ESM,
    "main",
    "G마켓·옥션-기본",
    (
        ("sites", "G마켓,옥션"),
        ("gmarket_category", "300009483"),
        ("auction_category", "39010100"),
        ("courier", "CJ대한통운"),
        ("ship_place", "1025418"),
        ("dispatch_policy", "306"),
        ("bundle_fee_template", "4235749"),
        ("address_in", "1546789"),
        ("return_fee", "3000"),
        ("selling_period", "90"),
    ),
)


def ok(data: Any = None, **extra: Any) -> httpx.Response:
    return httpx.Response(200, json={"ResultCode": 0, "Message": "Success", "Data": data, **extra})


def fail(code: int, message: str, **extra: Any) -> httpx.Response:
    return httpx.Response(200, json={"ResultCode": code, "Message": message, "Data": None, **extra})


class Wire:
    """A MockTransport answering from ``routes`` (method + path prefix -> handler); keeps every request."""

    def __init__(self, routes: dict[str, Handler | httpx.Response | list[httpx.Response]], clock: FakeClock) -> None:
        self.routes = routes
        self.clock = clock
        self.sent: list[httpx.Request] = []
        self.at: list[float] = []  # the fake time of each request

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.sent.append(request)
        self.at.append(self.clock.now)
        for key, found in self.routes.items():
            method, _, prefix = key.partition(" ")
            if request.method == method and request.url.path.startswith(prefix):
                if isinstance(found, list):
                    return found.pop(0)
                return found if isinstance(found, httpx.Response) else found(request)
        return httpx.Response(404, text="no route")

    def to(self, prefix: str) -> list[httpx.Request]:
        return [r for r in self.sent if r.url.path.startswith(prefix)]


def adapter(
    routes: dict[str, Any],
    *,
    attempts: int = 1,
    clock: FakeClock | None = None,
    spacing: Path | None = None,
    gmarket: str = "sandboxgmkt",
    auction: str = "sandboxiac",
) -> tuple[Esm, Wire]:
    clock = clock or FakeClock()
    wire = Wire(routes, clock)
    http = httpx.AsyncClient(transport=httpx.MockTransport(wire), base_url="https://sa2.esmplus.com")
    client = MarketClient(
        "esm", http, ClientSettings(rate_limit=0, max_attempts=attempts), clock=clock, spacing_file=spacing
    )
    esm = Esm(client, EsmCredentials(MASTER, SECRET, "batch.example.com", gmarket, auction))
    esm.wall = lambda: NOW
    return esm, wire


def run(coro: Any) -> Any:
    return asyncio.run(coro)


def body(request: httpx.Request) -> Any:
    return json.loads(request.content)


def b64url_decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def verify_jwt(request: httpx.Request, secret: str = SECRET) -> tuple[dict[str, Any], dict[str, Any]]:
    """Check ``Authorization: Bearer h.p.s`` by hand: HMAC-SHA256 over "h.p" with the secret, base64url."""
    scheme, _, token = request.headers["Authorization"].partition(" ")
    assert scheme == "Bearer"
    head, payload, signature = token.split(".")
    expected = hmac.new(secret.encode(), f"{head}.{payload}".encode(), hashlib.sha256).digest()
    assert hmac.compare_digest(b64url_decode(signature), expected)
    assert "=" not in token  # base64url without padding
    return json.loads(b64url_decode(head)), json.loads(b64url_decode(payload))


def line(order_no: str, site: str = "gmarket", status: OrderStatus = OrderStatus.CONFIRMED) -> OrderLine:
    return OrderLine(
        market="esm", account="main", order_no=order_no, delivery_no=order_no, product_no="1496943317",
        option_no="", product_name="만두", option_text="", qty=1, price=6800, ordered_at="", status=status,
        buyer="", buyer_phone="", receiver="", receiver_phone="", zipcode="", address="", message="", site=site,
    )  # fmt: skip


# --- wiring and auth --------------------------------------------------------------------------------------


def test_connect_knows_esm_and_the_adapter_is_a_marketplace() -> None:
    assert adapter_for("esm") is Esm
    assert Esm.sandbox_path == ""
    esm: Marketplace = adapter({})[0]  # mypy checks the protocol
    assert esm.market == "esm"
    assert not hasattr(Esm, "daily_creates")  # the guide names no registration cap


def test_credentials_need_a_master_id_and_a_site_id(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BATCH_ESM_TEST_SECRET", "real-secret")
    real = {"master_id": "tool-master", "secret_env": "BATCH_ESM_TEST_SECRET", "issuer": "tool.example.com"}
    account = Account("esm", "main", "https://sa2.esmplus.com", {**real, "gmarket_id": "myg", "auction_id": ""})
    assert Esm.credentials_for(account) == EsmCredentials("tool-master", "real-secret", "tool.example.com", "myg", "")
    sandbox = Esm.credentials_for(Account("esm", "main", "sandbox:", {"master_id": "", "gmarket_id": ""}))
    assert sandbox == EsmCredentials(MASTER, SECRET, "batch", "sandboxgmkt", "sandboxiac")  # published values
    with pytest.raises(WorkspaceError, match="gmarket_id"):
        Esm.credentials_for(Account("esm", "main", "https://sa2.esmplus.com", real))
    with pytest.raises(WorkspaceError, match="master_id"):
        Esm.credentials_for(Account("esm", "main", "https://sa2.esmplus.com", {"gmarket_id": "g"}))


def test_every_call_carries_a_fresh_hs256_jwt_checked_by_hand() -> None:
    esm, wire = adapter({"GET /item/v1/shipping/delivery-company": ok(deliveryCompanies=[])})
    assert run(esm.vendor_id()) == "A:sandboxiac,G:sandboxgmkt"
    request = wire.sent[0]
    assert request.url.path == "/item/v1/shipping/delivery-company"
    header, payload = verify_jwt(request)
    assert header == {"alg": "HS256", "typ": "JWT", "kid": MASTER}
    assert payload == {
        "iss": "batch.example.com",
        "sub": "sell",
        "aud": "sa.esmplus.com",
        "iat": int(NOW),
        "ssi": "A:sandboxiac,G:sandboxgmkt",
    }
    with pytest.raises(AssertionError):
        verify_jwt(request, secret="another-secret")
    esm.wall = lambda: NOW + 60
    run(esm.vendor_id())
    assert verify_jwt(wire.sent[1])[1]["iat"] == int(NOW) + 60  # a new token per request, iat from wall time


def test_a_site_missing_from_the_account_is_left_out_of_ssi() -> None:
    esm, wire = adapter({"GET /item/v1/shipping/delivery-company": ok()}, auction="")
    assert run(esm.vendor_id()) == "G:sandboxgmkt"
    assert verify_jwt(wire.sent[0])[1]["ssi"] == "G:sandboxgmkt"


def test_401_is_auth_failed_in_korean() -> None:
    answer = httpx.Response(
        401, json={"status": {"message": "The user does not have right access to the api", "status_code": 401}}
    )
    esm, _ = adapter({"GET /item/v1/shipping/delivery-company": answer})
    with pytest.raises(AuthFailed) as failed:
        run(esm.vendor_id())
    assert failed.value.status == 401
    assert "The user does not have right access to the api" in failed.value.message
    assert "master_id" in failed.value.message


# --- orders ---------------------------------------------------------------------------------------------

ORDER_ROW = {
    "OrderStatus": 1,
    "PayNo": 4454223145,
    "OrderNo": 2946269058,
    "OrderDate": "2019-04-10T17:45:39.727",
    "SiteGoodsNo": "1496943317",
    "OutGoodsNo": "ESM-001",
    "GoodsName": "만두 420G",
    "ContrAmount": 2,
    "SalePrice": "3000.0000",
    "OptSelPrice": "800.0000",  # 옵션단가 400 × 2
    "OrderAmount": "6800.0000",
    "BuyerName": "테스터",
    "BuyerMobileTel": "010-1234-5678",
    "ReceiverName": "수령인",
    "HpNo": "010-9999-8888",
    "ZipCode": "05812",
    "DelFullAddress": "서울특별시 송파구 충민로6길 14 1000호",
    "DelMemo": "문 앞",
    "ItemOptionSelectList": [
        {"ItemOptionValue": "색상:블랙", "ItemOptionOrderCnt": 2, "ItemOptionCode": "ESM-001-001"}
    ],
}


def orders_answer(*rows: dict[str, Any], total: int | None = None) -> httpx.Response:
    data = {"PageIndex": 1, "PageSize": 100, "TotalCount": len(rows) if total is None else total}
    return ok({**data, "RequestOrders": list(rows)})


def test_collect_orders_asks_each_site_and_status_spaced_and_reads_the_sample() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        asked = body(request)
        if asked["siteType"] == 2 and asked["orderStatus"] == 1:
            return orders_answer(ORDER_ROW)
        return orders_answer()

    clock = FakeClock()
    esm, wire = adapter({"POST /shipping/v1/Order/RequestOrders": answer}, clock=clock)
    lines = run(esm.collect_orders(dt.datetime(2025, 6, 1, 9, 0), dt.datetime(2025, 6, 2, 9, 30), "main"))
    asked = [body(r) for r in wire.sent]
    assert [(a["siteType"], a["orderStatus"]) for a in asked] == [(1, 1), (1, 2), (2, 1), (2, 2)]
    assert asked[0] == {
        "siteType": 1,
        "orderStatus": 1,
        "requestDateType": 2,
        "requestDateFrom": "2025-06-01 09:00",
        "requestDateTo": "2025-06-02 09:30",
        "pageIndex": 1,
        "pageSize": 100,
    }
    assert all(b - a >= ORDER_LIST_SPACING for a, b in itertools.pairwise(wire.at))
    # a call that names its site is signed for that site alone (as [S] signs every call)
    assert [verify_jwt(r)[1]["ssi"] for r in wire.sent] == ["A:sandboxiac"] * 2 + ["G:sandboxgmkt"] * 2
    assert len(lines) == 1
    found = lines[0]
    assert (found.site, found.order_no, found.delivery_no, found.product_no) == (
        "gmarket",
        "2946269058",
        "2946269058",
        "1496943317",
    )
    # the unit price: SalePrice 3000 + OptSelPrice 800 / 2 (OrderAmount is the line's total, 옥션's after its discount)
    assert (found.qty, found.price, found.status, found.ordered_at) == (2, 3400, OrderStatus.NEW, "2019-04-10 17:45:39")
    assert [a["requestDateType"] for a in asked] == [2, 2, 5, 5]  # G마켓 gifts are listed once accepted (E 67)
    assert (found.receiver_phone, found.address, found.option_text, found.option_no) == (
        "010-9999-8888",
        "서울특별시 송파구 충민로6길 14 1000호",
        "색상:블랙 x2",
        "ESM-001-001",
    )
    assert Esm.shipment_key(found) == "2946269058"


def test_windows_are_at_most_31_days_and_pages_follow_total_count() -> None:
    pages = [orders_answer(*[{**ORDER_ROW, "OrderNo": n} for n in range(100)], total=150)]
    pages.append(orders_answer(*[{**ORDER_ROW, "OrderNo": n} for n in range(100, 150)], total=150))

    def answer(request: httpx.Request) -> httpx.Response:
        asked = body(request)
        if asked["orderStatus"] == 1 and asked["requestDateFrom"] == "2025-01-01 00:00":
            return pages.pop(0)
        return orders_answer()

    esm, wire = adapter({"POST /shipping/v1/Order/RequestOrders": answer}, gmarket="")
    lines = run(esm.collect_orders(dt.datetime(2025, 1, 1), dt.datetime(2025, 3, 1), "main"))
    assert len(lines) == 150 and {x.site for x in lines} == {"auction"}
    ranges = sorted({(body(r)["requestDateFrom"], body(r)["requestDateTo"]) for r in wire.sent})
    assert ranges == [("2025-01-01 00:00", "2025-02-01 00:00"), ("2025-02-01 00:00", "2025-03-01 00:00")]
    assert [body(r)["pageIndex"] for r in wire.sent[:2]] == [1, 2]


def test_a_short_page_before_total_count_is_never_a_silent_loss() -> None:
    esm, _ = adapter({"POST /shipping/v1/Order/RequestOrders": orders_answer(ORDER_ROW, total=5)}, auction="")
    with pytest.raises(Unavailable, match="5건 중 1건"):
        run(esm.collect_orders(dt.datetime(2025, 6, 1), dt.datetime(2025, 6, 2), "main"))


def test_result_3000_five_seconds_is_waited_out_then_rate_limited_and_3000_31_days_is_a_refusal() -> None:
    limited = fail(3000, "주문 조회는 5초당 1회 호출 가능합니다")
    clock = FakeClock()
    esm, wire = adapter(
        {"POST /shipping/v1/Order/RequestOrders": [limited, orders_answer(), orders_answer()]},
        attempts=3,
        clock=clock,
        auction="",
    )
    assert run(esm.collect_orders(dt.datetime(2025, 6, 1), dt.datetime(2025, 6, 2), "main")) == []
    assert len(wire.sent) == 3 and wire.at[1] - wire.at[0] >= ORDER_LIST_SPACING
    esm, _ = adapter({"POST /shipping/v1/Order/RequestOrders": limited}, attempts=2, auction="")
    with pytest.raises(RateLimited) as slow:
        run(esm.collect_orders(dt.datetime(2025, 6, 1), dt.datetime(2025, 6, 2), "main"))
    assert slow.value.retry_after == ORDER_LIST_SPACING and slow.value.code == "3000"
    assert not isinstance(slow.value, Rejected)
    esm, _ = adapter({"POST /shipping/v1/Order/RequestOrders": fail(3000, "31일 이하의 범위만 조회 할 수 있습니다.")})
    with pytest.raises(Rejected, match="31일 이하") as refused:
        run(esm.collect_orders(dt.datetime(2025, 6, 1), dt.datetime(2025, 6, 2), "main"))
    assert refused.value.code == "3000"


class OrderedClock(FakeClock):
    """A FakeClock whose sleepers wake in the order of their wake-up times (a discrete-event loop): time moves
    only when every task waits, so the moment a request reaches the wire is the moment it was let go."""

    def __init__(self) -> None:
        super().__init__()
        self._heap: list[tuple[float, int, asyncio.Future[None]]] = []
        self._seq = 0

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        woken: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._heap, (self.now + max(seconds, 0.0), self._seq, woken))
        self._seq += 1
        await woken

    async def drive(self, main: Any) -> Any:
        task = asyncio.ensure_future(main)
        while not task.done():
            for _ in range(200):  # let every runnable task run until it waits
                await asyncio.sleep(0)
            if self._heap and not task.done():
                due, _, woken = heapq.heappop(self._heap)
                self.now = max(self.now, due)
                woken.set_result(None)
        return task.result()


def test_twenty_accounts_never_ask_for_orders_less_than_5_2_seconds_apart(tmp_path: Path) -> None:
    clock = OrderedClock()
    spacing = tmp_path / "state" / "ledger.sqlite"
    moments: list[float] = []

    def answer(request: httpx.Request) -> httpx.Response:
        moments.append(clock.now)
        return orders_answer()

    adapters = [
        adapter({"POST /shipping/v1/Order/RequestOrders": answer}, clock=clock, spacing=spacing,
                gmarket=f"g{i}", auction=f"a{i}")[0]
        for i in range(20)
    ]  # fmt: skip

    async def everyone() -> None:
        start, end = dt.datetime(2025, 6, 1), dt.datetime(2025, 6, 2)
        await asyncio.gather(*(a.collect_orders(start, end, f"acct{i}") for i, a in enumerate(adapters)))

    run(clock.drive(everyone()))
    calls = 20 * 4  # 2 sites x 2 statuses each
    assert len(moments) == calls
    moments.sort()
    gaps = [b - a for a, b in itertools.pairwise(moments)]
    assert min(gaps) >= ORDER_LIST_SPACING - 1e-9
    assert (calls - 1) * ORDER_LIST_SPACING - 1e-6 <= moments[-1] - moments[0] <= calls * ORDER_LIST_SPACING * 1.05
    assert clock.now == pytest.approx(20 * 4 * ORDER_LIST_SPACING, rel=0.05)  # 20 accounts x 4 calls x 5.2 s


def test_look_ups_by_order_number_are_not_spaced() -> None:
    clock = FakeClock()
    found = orders_answer({**ORDER_ROW, "NoSongjang": "344755391152"})
    esm, wire = adapter(
        {"POST /shipping/v1/Order/RequestOrders": [found, found], "POST /shipping/v1/Delivery/ShippingInfo": ok()},
        clock=clock,
    )
    shipments = [Shipment("2946269058", (line("2946269058"),), "10013", "344755391152")]
    assert run(esm.send_invoices(shipments)) == {"2946269058": None}
    assert clock.now == 0 and clock.sleeps == []
    assert wire.to("/shipping/v1/Delivery/ShippingInfo") == []  # ESM holds our number already: nothing resent


# --- 발주확인 and 송장 ---------------------------------------------------------------------------------------


def test_confirm_posts_order_check_and_reports_a_changed_address() -> None:
    changed = httpx.Response(200, json={"ResultCode": 0, "Message": "Success", "Data": {"IsChanged": 1}})
    moved = {**ORDER_ROW, "OrderStatus": 2, "DelFullAddress": "부산광역시 해운대구 1", "ReceiverName": "새수령인"}
    same = {**ORDER_ROW, "OrderStatus": 2, "DelFullAddress": "", "ReceiverName": "", "ZipCode": ""}  # as line() has it
    esm, wire = adapter(
        {
            "POST /shipping/v1/Order/OrderCheck/111": changed,
            "POST /shipping/v1/Order/OrderCheck/222": fail(3000, "이미 주문확인 처리된 건입니다."),
            "POST /shipping/v1/Order/OrderCheck/333": fail(3000, "취소된 주문번호입니다."),
            "POST /shipping/v1/Order/RequestOrders": lambda r: orders_answer(
                {**moved, "OrderNo": 111} if body(r)["orderNo"] == 111 else {**same, "OrderNo": 222}
            ),
        }
    )
    out = run(esm.confirm([[line("111")], [line("222", "auction")], [line("333")]]))
    assert out["111"] is None and out["222"] is None
    assert isinstance(out["333"], Blocked) and "취소된 주문" in out["333"].message
    check = wire.to("/shipping/v1/Order/OrderCheck/111")[0]
    assert check.method == "POST" and check.content == b""
    assert verify_jwt(check)[1]["ssi"] == "G:sandboxgmkt"
    assert [body(r) for r in wire.to("/shipping/v1/Order/RequestOrders")] == [
        {"siteType": 2, "orderNo": 111, "orderStatus": 0},
        {"siteType": 1, "orderNo": 222, "orderStatus": 0},  # confirmed already: read again in case IsChanged was lost
    ]
    assert "배송지를 바꿨습니다" in esm.notes["111"]
    assert "부산광역시" not in esm.notes["111"]  # buyer data stays out of row messages (they reach reports)
    assert (esm.changed_lines["111"][0].receiver, esm.changed_lines["111"][0].address[:10]) == (
        "새수령인",
        "부산광역시 해운대구",
    )
    assert "222" not in esm.notes  # read again, the same address: nothing to hold


def test_an_order_confirmed_already_with_a_new_address_is_held_like_is_changed() -> None:
    """Our first OrderCheck landed but its answer (and IsChanged) was lost; the resend says "이미 주문확인": the order
    is read again and a different address holds the row as IsChanged would have; an unreadable order holds it too."""
    moved = {**ORDER_ROW, "OrderStatus": 2, "DelFullAddress": "부산광역시 해운대구 1", "ReceiverName": "새수령인"}
    esm, _ = adapter(
        {
            "POST /shipping/v1/Order/OrderCheck/": fail(3000, "이미 주문확인 처리된 건입니다."),
            "POST /shipping/v1/Order/RequestOrders": lambda r: (
                orders_answer({**moved, "OrderNo": 111})
                if body(r)["orderNo"] == 111
                else fail(3000, "해당 주문 내역이 없습니다.")
            ),
        }
    )
    out = run(esm.confirm([[line("111")], [line("444")]]))
    assert out == {"111": None, "444": None}
    assert "배송지를 바꿨습니다" in esm.notes["111"] and esm.changed_lines["111"][0].receiver == "새수령인"
    assert "다시 읽지 못했습니다" in esm.notes["444"]


def test_send_invoice_reads_the_order_then_posts_shipping_info() -> None:
    esm, wire = adapter(
        {
            "POST /shipping/v1/Order/RequestOrders": orders_answer({**ORDER_ROW, "OrderNo": 1589617617}),
            "POST /shipping/v1/Delivery/ShippingInfo": ok({"OrderNo": 1589617617}),
        }
    )
    shipment = Shipment("1589617617", (line("1589617617", "auction"),), "10013", "344755391152")
    assert run(esm.send_invoices([shipment])) == {"1589617617": None}
    look = body(wire.to("/shipping/v1/Order/RequestOrders")[0])
    assert look == {"siteType": 1, "orderNo": 1589617617, "orderStatus": 0}
    sent = body(wire.to("/shipping/v1/Delivery/ShippingInfo")[0])
    assert set(sent) == {"OrderNo", "ShippingDate", "DeliveryCompanyCode", "InvoiceNo"}
    assert (sent["OrderNo"], sent["DeliveryCompanyCode"], sent["InvoiceNo"]) == (1589617617, 10013, "344755391152")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", sent["ShippingDate"])


def test_invoice_refusals_name_courier_and_number_and_never_overwrite() -> None:
    rule = fail(3000, "10013 는 CJ 대한통운 택배의 운송장번호 규칙에 어긋납니다.")
    esm, _ = adapter(
        {
            "POST /shipping/v1/Order/RequestOrders": orders_answer({**ORDER_ROW, "OrderNo": 5}),
            "POST /shipping/v1/Delivery/ShippingInfo": rule,
        }
    )
    out = run(esm.send_invoices([Shipment("5", (line("5"),), "10013", "12345")]))
    refused = out["5"]
    assert isinstance(refused, Rejected) and "12345" in refused.message and "10013" in refused.message
    esm, wire = adapter(
        {"POST /shipping/v1/Order/RequestOrders": orders_answer({**ORDER_ROW, "OrderNo": 6, "NoSongjang": "999",
                                                                 "TakbaeName": "한진택배"})}
    )  # fmt: skip
    out = run(esm.send_invoices([Shipment("6", (line("6"),), "10013", "12345")]))
    held = out["6"]
    assert isinstance(held, Rejected) and "999" in held.message and "한진택배" in held.message
    assert wire.to("/shipping/v1/Delivery/ShippingInfo") == []
    esm, wire = adapter({"POST /shipping/v1/Order/RequestOrders": orders_answer()})
    out = run(esm.send_invoices([Shipment("7", (line("7"),), "10013", "12345")]))
    assert isinstance(out["7"], Blocked) and wire.to("/shipping/v1/Delivery/ShippingInfo") == []


def test_a_correction_is_the_same_call_sent_again() -> None:
    esm, wire = adapter({"POST /shipping/v1/Delivery/ShippingInfo": ok({"OrderNo": 8})})
    out = run(esm.send_invoices([Shipment("8", (line("8"),), "10008", "777", correct=True)]))
    assert out == {"8": None}
    assert wire.to("/shipping/v1/Order/RequestOrders") == []
    assert body(wire.sent[0])["InvoiceNo"] == "777" and body(wire.sent[0])["DeliveryCompanyCode"] == 10008


# --- claims ---------------------------------------------------------------------------------------------


def test_claims_use_site_type_3_for_gmarket_cancels_and_2_elsewhere() -> None:
    cancel = {"CancelStatus": 1, "SiteType": 3, "OrderNo": 2943387115, "SiteGoodsNo": "1582187911",
              "ReasonCode": 1, "ReasonDetail": "변심", "RequestDate": "2019-04-18T15:26:00"}  # fmt: skip

    def cancels(request: httpx.Request) -> httpx.Response:
        return ok([cancel]) if body(request)["SiteType"] == 3 else fail(99999, "클레임정보가 없습니다")

    def returns(request: httpx.Request) -> httpx.Response:
        asked = body(request)
        if asked["SiteType"] == 1 and asked["ReturnStatus"] == 5:
            return ok([{"ReturnStatus": 5, "OrderNo": 1590211563, "SiteGoodsNo": "B625011788"}])
        return ok([])

    esm, wire = adapter(
        {
            "POST /claim/v1/sa/Cancels": cancels,
            "POST /claim/v1/sa/Returns": returns,
            "POST /claim/v1/sa/Exchanges": ok([]),
        }
    )
    claims = run(esm.collect_claims(dt.datetime(2025, 6, 1), dt.datetime(2025, 6, 10), "main"))
    sent = [body(r) for r in wire.to("/claim/v1/sa/Cancels")]
    # EndDate is the last day + 1: the last day is read whether ESM counts the end day or not, ≤ 7 days either way
    assert sent[0] == {"SiteType": 1, "CancelStatus": 0, "Type": 2, "StartDate": "2025-06-01", "EndDate": "2025-06-07"}
    assert [(s["SiteType"], s["StartDate"], s["EndDate"]) for s in sent] == [
        (1, "2025-06-01", "2025-06-07"),
        (1, "2025-06-07", "2025-06-11"),
        (3, "2025-06-01", "2025-06-07"),
        (3, "2025-06-07", "2025-06-11"),
    ]
    assert {body(r)["SiteType"] for r in wire.to("/claim/v1/sa/Returns")} == {1, 2}
    assert sorted({body(r)["ReturnStatus"] for r in wire.to("/claim/v1/sa/Returns")}) == [1, 2, 3, 4, 5, 6]
    assert sorted({body(r)["ExchangeStatus"] for r in wire.to("/claim/v1/sa/Exchanges")}) == [1, 2, 3, 4, 5]
    by_kind = {c.kind: c for c in claims}
    assert len(claims) == 2
    c = by_kind[ClaimType.CANCEL]
    assert (c.site, c.claim_no, c.order_no, c.product_no, c.status) == (
        "gmarket", "2943387115", "2943387115", "1582187911", ClaimStatus.REQUESTED
    )  # fmt: skip
    assert c.reason == "단순변심 변심" and c.requested_at == "2019-04-18 15:26:00"
    r = by_kind[ClaimType.RETURN]
    assert (r.site, r.status) == ("auction", ClaimStatus.WITHDRAWN)


def test_claim_calls_send_site_type_1_or_2_and_read_done_answers() -> None:
    esm, wire = adapter(
        {
            "PUT /claim/v1/sa/Cancel/2943387115": ok(),
            "PUT /claim/v1/sa/Cancel/9": fail(8668, "ShowAlertException$이미 취소 승인 되었습니다."),
            "PUT /claim/v1/sa/return/1590211563": fail(5800, "이미 환불된 건입니다"),
            "POST /claim/v1/sa/Cancel/5/SoldOut": fail(8668, "이미 취소 요청된 주문입니다", BizRuleCode="W28-1"),
            "POST /claim/v1/sa/exchange/4/resend": ok(),
        }
    )
    run(esm.approve_cancel("2943387115", site="gmarket"))
    assert body(wire.sent[0]) == {"SiteType": 2} and wire.sent[0].method == "PUT"
    with pytest.raises(AlreadyDone):
        run(esm.approve_cancel("9", site="auction"))
    assert body(wire.sent[1]) == {"SiteType": 1}
    with pytest.raises(AlreadyDone):
        run(esm.approve_return("1590211563", site="auction"))
    with pytest.raises(Rejected, match="취소승인으로"):
        run(esm.seller_cancel([line("5", "gmarket")]))
    assert body(wire.to("/claim/v1/sa/Cancel/5/SoldOut")[0]) == {"SiteType": 2}
    run(esm.approve_exchange("4", "10013", "55555", site="gmarket"))
    assert body(wire.to("/claim/v1/sa/exchange/4/resend")[0]) == {
        "SiteType": 2,
        "DeliveryCompCode": 10013,
        "InvoiceNo": "55555",
    }
    with pytest.raises(Rejected, match="취소거부 기능이 없습니다"):
        run(esm.reject_cancel("4", "10013", "55555", site="gmarket"))
    with pytest.raises(Rejected, match="사이트"):
        run(esm.approve_cancel("123"))  # never guesses the site of an unknown claim
    count = len(wire.sent)
    with pytest.raises(Rejected, match="반품거부 기능이 없습니다"):
        run(esm.reject_return("1590211563", "101", "미입고", site="auction"))
    assert len(wire.sent) == count


# --- CS -------------------------------------------------------------------------------------------------

TOKEN = "!CB+jUisBwjBTI1i3FNGgn5QHqBuWT0T+j4xvGEAEnap/xSdrxDUnpMNIQYoKctP3tAj0KJ0amY97Hfrpqbuy8A=="
BOARD_ROW = {
    "qnaType": 3,
    "messageNo": "375419346",
    "siteGoodsNo": "1527058123",
    "orderNo": "2949069764",
    "informStatus": "미처리",
    "receiveDate": "2019-04-15T04:05:00+09:00",
    "contractType": "배송",
    "title": "가장 최근 도정한 쌀로",
    "details": "배송 부탁드립니다",
    "inquirerName": "고객명",
    "token": TOKEN,
}


def test_inquiries_keep_the_token_and_answer_sends_it_back() -> None:
    def board(request: httpx.Request) -> httpx.Response:
        ssi = verify_jwt(request)[1]["ssi"]
        if ssi == "G:sandboxgmkt":
            return httpx.Response(200, json=[BOARD_ROW])
        return httpx.Response(200, json={"resultCode": 1000, "message": "조회된 기간에 조회 대상이 없습니다"})

    alimi = ok([{"EmerMessageNo": 10802389, "InformStatus": "미처리", "SiteGoodsNo": "B613437796", "OrderNo": 1587550400,
                 "ReceiveDate": "2019-04-09 17:58:29", "Title": "안녕하세요", "Details": "승인처리 부탁드립니다."}])  # fmt: skip
    esm, wire = adapter(
        {
            "POST /item/v1/communications/customer/bulletin-board/qna": httpx.Response(200, json={"messageNo": 1}),
            "POST /item/v1/communications/customer/bulletin-board": board,
            "POST /assist/v1/Selling/GetEmergencyInformList": alimi,
        }
    )
    found = run(esm.collect_inquiries(dt.datetime(2025, 6, 1), dt.datetime(2025, 6, 3), "main"))
    asked = body(wire.to("/item/v1/communications/customer/bulletin-board")[0])
    assert asked == {"qnaType": 3, "status": 1, "type": 1, "startDate": "2025-06-01", "endDate": "2025-06-04"}
    assert body(wire.to("/assist/v1/Selling/GetEmergencyInformList")[0]) == {
        "status": 1, "type": 1, "startDate": "2025-06-01", "endDate": "2025-06-04"
    }  # fmt: skip
    boards = [i for i in found if i.inquiry_no.startswith("board:")]
    assert len(boards) == 1
    q = boards[0]
    # the number staff see is short; the answer token stays in the ledger's copy (Inquiry.address), never a workbook
    assert (q.inquiry_no, q.address) == ("board:gmarket:375419346", f"board:gmarket:375419346:{TOKEN}")
    assert (q.kind, q.order_no, q.product_no, q.asked_at, q.answered) == (
        "배송", "2949069764", "1527058123", "2019-04-15 04:05:00", False
    )  # fmt: skip
    alimis = sorted(i.inquiry_no for i in found if i.inquiry_no.startswith("alimi:"))
    assert alimis == ["alimi:auction:10802389", "alimi:gmarket:10802389"]
    with pytest.raises(Rejected, match="형식"):
        run(esm.answer(q.inquiry_no, "내일 발송됩니다."))  # without its token nothing is sent
    assert wire.to("/item/v1/communications/customer/bulletin-board/qna") == []
    run(esm.answer(q.address, "내일 발송됩니다."))
    reply = wire.to("/item/v1/communications/customer/bulletin-board/qna")[0]
    assert body(reply) == {
        "title": "문의하신 내용에 대한 답변입니다.",
        "messageNo": "375419346",
        "comments": "내일 발송됩니다.",
        "token": TOKEN,
        "answerStatus": 2,
    }
    assert verify_jwt(reply)[1]["ssi"] == "G:sandboxgmkt"  # signed for the inquiry's own site


def test_answers_over_1000_bytes_are_refused_before_sending() -> None:
    esm, wire = adapter({})
    assert esm.answer_limit == 1000
    long = "가" * 334  # 1,002 bytes in UTF-8, 334 characters
    with pytest.raises(Rejected, match="1,000바이트") as refused:
        run(esm.answer(f"board:gmarket:1:{TOKEN}", long))
    assert "1,002바이트" in refused.value.message
    assert wire.sent == []
    with pytest.raises(Rejected, match="형식"):
        run(esm.answer("375419346", "답변"))


def test_answered_already_is_already_done() -> None:
    esm, wire = adapter({"POST /assist/v1/Selling/AddEmergencyInformReply": fail(100, "이미 처리 완료된 건입니다.")})
    with pytest.raises(AlreadyDone):
        run(esm.answer("alimi:auction:10802389", "확인했습니다."))
    assert body(wire.sent[0]) == {"emerMessageNo": "10802389", "comments": "확인했습니다.", "answerStatus": 2}
    assert verify_jwt(wire.sent[0])[1]["ssi"] == "A:sandboxiac"


# --- products -------------------------------------------------------------------------------------------

CREATED = httpx.Response(
    200,
    json={
        "siteDetail": {
            "gmkt": {"SiteGoodsNo": "2770898384", "SiteGoodsComment": "Success"},
            "iac": {"SiteGoodsNo": "C938588557", "SiteGoodsComment": "Success"},
        },
        "resultCode": 0,
        "message": None,
        "goodsNo": 2103374786,
    },
)
GROUPS = httpx.Response(200, json={"groups": [{"officialNoticeNo": 21, "officialNoticeName": "주방용품"}]})
CODES = httpx.Response(
    200,
    json={
        "codes": [
            {
                "officialNoticeItemelementCode": "21-1",
                "officialNoticeItemelementName": "품명 및 모델명",
                "isExtraMark": True,
            },
            {"officialNoticeItemelementCode": "21-2", "officialNoticeItemelementName": "제조자", "isExtraMark": True},
        ]
    },
)


def test_create_sends_the_guide_body_and_links_both_sites() -> None:
    esm, wire = adapter(
        {
            "GET /item/v1/official-notice/groups/21/codes": CODES,
            "GET /item/v1/official-notice/groups": GROUPS,
            "POST /item/v1/goods": CREATED,
        }
    )
    assert esm.preflight(PRODUCT, SALES) == []
    link = run(esm.create_product(PRODUCT, SALES))
    assert link.product_no == "2103374786"
    assert link.sites == {"gmarket": "2770898384", "auction": "C938588557"}
    sent = body(wire.to("/item/v1/goods")[-1])
    basic, extra = sent["itemBasicInfo"], sent["itemAddtionalInfo"]
    assert basic["goodsName"] == {"kor": "다온 스테인리스 텀블러"}
    assert basic["category"]["site"] == [
        {"siteType": 1, "catCode": "39010100"},
        {"siteType": 2, "catCode": "300009483"},
    ]
    assert extra["price"] == {"Iac": 15000, "Gmkt": 15000}
    assert extra["sellingPeriod"] == {"Iac": 90, "Gmkt": 90}
    assert extra["managedCode"] == "ESM-001"
    assert extra["shipping"] == {
        "type": 1,
        "companyNo": 10013,
        "policy": {"placeNo": 1025418, "feeType": 1, "bundle": {"deliveryTmplId": "4235749"}},
        "returnAndExchange": {"addrNo": "1546789", "fee": 3000},
        "dispatchPolicyNo": {"iac": 306, "gmkt": 306},
    }
    assert extra["officialNotice"] == {
        "officialNoticeNo": 21,
        "details": [
            {"officialNoticeItemelementCode": "21-1", "value": "텀블러 T-350", "isExtraMark": False},
            {"officialNoticeItemelementCode": "21-2", "value": "상품 상세설명 참조", "isExtraMark": True},
        ],
    }
    opts = extra["recommendedOpts"]
    assert opts["type"] == 1 and opts["isStockManage"] is True
    assert opts["independent"]["recommendedOptNo"] == 0
    assert opts["independent"]["recommendedOptName"] == {"koreanText": "색상", "exposeLanguage": 1}
    first, second = opts["independent"]["details"]
    assert first == {
        "recommendedOptValueNo": 0,
        "recommendedOptValue": {"koreanText": "블랙", "exposeLanguage": 1},
        "isSoldOut": False,
        "isDisplay": True,
        "qty": {"iac": 10, "gmkt": 10},
        "manageCode": "ESM-001-001",
        "addAmnt": 0,
    }
    assert second["isSoldOut"] is True and second["addAmnt"] == 1000
    assert extra["images"] == {
        "basicImgURL": "https://img.example.com/t1.jpg",
        "addtionalImg1URL": "https://img.example.com/t2.jpg",
    }
    assert extra["descriptions"] == {"kor": {"type": 2, "html": "<p>다온 텀블러</p>"}}
    assert sent["isSell"] == {"iac": True, "gmkt": True}


def test_create_refusal_and_a_missing_site_number() -> None:
    refused = httpx.Response(200, json={"resultCode": 1000, "message": "[InvalidApiRequestEx][GMKT]카테고리 코드가 없습니다.",
                                        "data": None})  # fmt: skip
    routes = {"GET /item/v1/official-notice/groups/21/codes": CODES, "GET /item/v1/official-notice/groups": GROUPS}
    esm, _ = adapter({**routes, "POST /item/v1/goods": refused})
    with pytest.raises(Rejected, match="카테고리 코드가 없습니다") as no:
        run(esm.create_product(PRODUCT, SALES))
    assert no.value.code == "1000"
    half = httpx.Response(200, json={"goodsNo": 5, "resultCode": 0, "siteDetail": {
        "gmkt": {"SiteGoodsNo": "27", "SiteGoodsComment": "Success"}, "iac": {"SiteGoodsNo": "", "SiteGoodsComment": "실패"}}})  # fmt: skip
    esm, _ = adapter({**routes, "POST /item/v1/goods": half})
    link = run(esm.create_product(PRODUCT, SALES))
    assert link.product_no == "5" and link.sites == {"gmarket": "27"}
    assert "옥션(실패)" in esm.notes["ESM-001"]


def test_preflight_says_what_esm_refuses() -> None:
    esm, _ = adapter({})
    zero = Product(**{**PLAIN.__dict__, "options": (OptionCombo((), 0, True, 0),)})
    assert any("재고 0" in p for p in esm.preflight(zero, SALES))
    cheap = Product(**{**PLAIN.__dict__, "price": 15005, "images": ("https://img.example.com/a.gif",)})
    problems = esm.preflight(cheap, SALES)
    assert any("10원 단위" in p for p in problems) and any("JPG 또는 PNG" in p for p in problems)
    only_g = SalesInfo(Market.ESM, "main", "g", (*SALES.fields, ("sites", "G마켓")))
    one, _ = adapter({}, gmarket="")
    assert any("G마켓 판매자 ID가 없습니다" in p for p in one.preflight(PLAIN, only_g))


def test_find_product_searches_by_managed_code_spaced() -> None:
    item = {"goodsNo": "2035363538", "siteGoodsNo": {"gmkt": "2693155434", "iac": "C851960889"},
            "managedCode": "ESM-001", "sellStatus": {"gmkt": "11", "iac": "11"}, "createdDate": "2022-12-06 13:38:40"}  # fmt: skip
    clock = FakeClock()
    esm, wire = adapter(
        {"POST /item/v1/goods/search": [ok(items=[item]), ok(items=[]), ok(items=[])]},
        clock=clock,
    )
    link = run(esm.find_product("ESM-001"))
    assert link is not None and link.product_no == "2035363538"
    assert link.sites == {"auction": "C851960889", "gmarket": "2693155434"}
    assert body(wire.sent[0]) == {"query": {"managedCode": ["ESM-001"]}, "pageIndex": 1, "pageSize": 100}
    assert run(esm.find_product("ESM-002")) is None
    run(esm.find_product("ESM-003"))
    assert wire.at[1] - wire.at[0] >= 2.0 and wire.at[2] - wire.at[1] >= 2.0
    esm, _ = adapter({"POST /item/v1/goods/search": httpx.Response(200, json={"resultCode": 1000, "message": "오류"})})
    with pytest.raises(Rejected):
        run(esm.find_product("ESM-001"))


def test_pause_waits_three_minutes_after_registration_then_keeps_price_and_stock() -> None:
    item = {"goodsNo": "2103374786", "siteGoodsNo": {"gmkt": "2770898384", "iac": ""}, "managedCode": "ESM-001",
            "sellStatus": {"gmkt": "11", "iac": ""}, "createdDate": "2022-12-06 13:38:40"}  # fmt: skip
    status = httpx.Response(200, json={"IsSell": {"gmkt": True}, "itemBasicInfo": {
        "Price": {"gmkt": 10000.0, "iac": 0}, "Stock": {"gmkt": 120, "iac": 0}, "SellingPeriod": {"gmkt": 20190328}}})  # fmt: skip
    esm, wire = adapter(
        {
            "GET /item/v1/goods/2103374786/sell-status": status,
            "PUT /item/v1/goods/2103374786/sell-status": httpx.Response(
                200, json={"goodsNo": 2103374786, "resultCode": 0}
            ),
            "POST /item/v1/goods/search": ok(items=[item]),
        }
    )
    esm._created["2103374786"] = NOW - 60
    with pytest.raises(Blocked, match="3분"):
        run(esm.pause("ESM-001"))
    assert wire.to("/item/v1/goods/2103374786") == []
    esm._created["2103374786"] = NOW - 181
    run(esm.pause("ESM-001"))
    put = next(r for r in wire.to("/item/v1/goods/2103374786/sell-status") if r.method == "PUT")
    assert body(put) == {
        "isSell": {"gmkt": False},
        "itemBasicInfo": {"price": {"gmkt": 10000}, "stock": {"gmkt": 120}, "sellingPeriod": {"gmkt": 0}},
    }


def test_a_sold_out_product_can_be_paused_and_is_not_resumed_before_it_has_stock() -> None:
    """E 21's own 수정 sample stops a site with price, stock and period 0: a stop goes with what was read, 0 too;
    a resume of a site at stock 0 is refused in Korean before anything is sent."""
    item = {"goodsNo": "55", "siteGoodsNo": {"gmkt": "2770898384", "iac": ""}, "managedCode": "ESM-001"}
    status = httpx.Response(200, json={"IsSell": {"gmkt": True}, "itemBasicInfo": {
        "Price": {"gmkt": 10000.0, "iac": 0}, "Stock": {"gmkt": 0, "iac": 0}, "SellingPeriod": {"gmkt": 20190328}}})  # fmt: skip
    esm, wire = adapter(
        {
            "GET /item/v1/goods/55/sell-status": status,
            "PUT /item/v1/goods/55/sell-status": httpx.Response(200, json={"goodsNo": 55, "resultCode": 0}),
            "POST /item/v1/goods/search": ok(items=[item]),
        }
    )
    esm._created["55"] = NOW - 600
    run(esm.pause("ESM-001"))
    [put] = [r for r in wire.to("/item/v1/goods/55/sell-status") if r.method == "PUT"]
    assert body(put) == {
        "isSell": {"gmkt": False},
        "itemBasicInfo": {"price": {"gmkt": 10000}, "stock": {"gmkt": 0}, "sellingPeriod": {"gmkt": 0}},
    }
    with pytest.raises(Rejected, match="재고를 먼저"):
        run(esm.resume("ESM-001"))
    assert len([r for r in wire.to("/item/v1/goods/55/sell-status") if r.method == "PUT"]) == 1


def test_update_stock_without_options_uses_the_stock_call_and_refuses_zero() -> None:
    item = {"goodsNo": "77", "siteGoodsNo": {"gmkt": "1", "iac": "B1"}, "managedCode": "ESM-001"}
    esm, wire = adapter(
        {
            "POST /item/v1/goods/search": ok(items=[item]),
            "PUT /item/v1/goods/77/stock": ok(goodsNo=77),
            "PUT /item/v1/goods/77/recommended-options": ok(goodsNo=77),
        }
    )
    run(esm.update_stock(PLAIN))
    assert body(wire.to("/item/v1/goods/77/stock")[0]) == {"stock": {"iac": 7, "gmkt": 7}}
    zero = Product(**{**PLAIN.__dict__, "options": (OptionCombo((), 0, True, 0),)})
    with pytest.raises(Rejected, match="판매중지"):
        run(esm.update_stock(zero))
    run(esm.update_stock(PRODUCT))  # options: [E 26] recommended-options, not [E 194]
    opts = body(wire.to("/item/v1/goods/77/recommended-options")[0])
    assert opts["type"] == 1 and [d["qty"] for d in opts["independent"]["details"]] == [
        {"iac": 10, "gmkt": 10},
        {"iac": 1, "gmkt": 1},
    ]
    assert len(wire.to("/item/v1/goods/77/stock")) == 1


# --- 발송예정일 (E 69) -------------------------------------------------------------------------------------------


def kst_today() -> dt.date:
    return (dt.datetime.now(dt.UTC) + dt.timedelta(hours=9)).date()


def test_delay_shipping_posts_the_expected_date_once_per_order_on_its_own_site() -> None:
    esm, wire = adapter({"POST /shipping/v1/Order/ShippingExpectedDate": ok({"OrderNo": 0})})
    day = kst_today() + dt.timedelta(days=3)
    run(esm.delay_shipping([line("111"), line("111"), line("222", "auction")], day, "입고 지연"))
    sent = wire.to("/shipping/v1/Order/ShippingExpectedDate")
    assert [body(r) for r in sent] == [
        {"OrderNo": 111, "ReasonType": 3, "ShippingExpectedDate": f"{day:%Y-%m-%d}", "ReasonDetail": "입고 지연"},
        {"OrderNo": 222, "ReasonType": 3, "ShippingExpectedDate": f"{day:%Y-%m-%d}", "ReasonDetail": "입고 지연"},
    ]
    assert [verify_jwt(r)[1]["ssi"] for r in sent] == ["G:sandboxgmkt", "A:sandboxiac"]


@pytest.mark.parametrize(
    ("days", "reason", "reason_type", "words"),
    [
        (0, "사유", 3, "내일부터"),
        (91, "사유", 3, "90일"),
        (3, "가" * 151, 3, "150자"),
        (3, "사유", 4, "사유코드 4"),
    ],
)
def test_delay_shipping_refuses_what_e69_refuses_before_sending(
    days: int, reason: str, reason_type: int, words: str
) -> None:
    esm, wire = adapter({})
    day = kst_today() + dt.timedelta(days=days)
    with pytest.raises(Rejected, match=words):
        run(esm.delay_shipping([line("111")], day, reason, reason_type=reason_type))
    assert wire.sent == []


def test_a_refused_delay_says_what_esm_said() -> None:
    esm, _ = adapter(
        {"POST /shipping/v1/Order/ShippingExpectedDate": fail(3000, "해당 물품을 발송 지연할 수 없습니다")}
    )
    with pytest.raises(Rejected, match="발송 지연할 수 없습니다"):
        run(esm.delay_shipping([line("111")], kst_today() + dt.timedelta(days=2), "사유"))


@pytest.mark.parametrize(
    ("images", "problem"),
    [
        (("https://img.example.com/a.jpg",), None),
        (("https://cdn.example.com/image/12345",), None),  # no suffix: ESM checks what it fetches
        (("https://img.example.com/a.GIF?v=2",), "JPG 또는 PNG"),
        (("a.jpg",), "파일 이름은 받지 않습니다"),
    ],
)
def test_the_main_image_must_be_an_address_and_not_another_format(images: tuple[str, ...], problem: str | None) -> None:
    esm, _ = adapter({})
    found = [p for p in esm.preflight(replace(PRODUCT, images=images), SALES) if "이미지" in p]
    assert found == [] if problem is None else [p for p in found if problem in p] == found and len(found) == 1


@pytest.mark.parametrize(
    ("message", "what", "step"),
    [
        ("해당 주문은 3PL 주문입니다", "G마켓 주문 1 발주확인", "ESM+에서 처리하세요"),
        ("(G마켓)31 이하의 범위만 조회할 수 있습니다", "G마켓 주문 조회", "31일 이내로 줄여"),
        ("권한이 없습니다", "G마켓 판매자문의 조회", "계정과 권한을 확인한 뒤 다시 실행하세요"),
        ("상품명을 확인해 주세요", "G마켓·옥션 상품 등록", "내용을 고친 뒤 다시 보내세요"),
    ],
)
def test_a_refusal_says_what_to_do_next_for_its_kind_of_call(message: str, what: str, step: str) -> None:
    refused = Esm._failed("3000", message, what)
    assert isinstance(refused, Rejected)
    assert refused.message.startswith(f"{what}: ESM이 받지 않았습니다 — {message} (결과코드 3000). ")
    assert step in refused.message.partition("(결과코드 3000). ")[2]  # the next step comes after ESM's words


def test_the_tools_master_id_and_secret_are_written_once_in_the_esm_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """batch.toml's [esm] (named by the marketplace) reaches every esm account; an account's own key wins."""
    from batch.config import load_workspace

    (tmp_path / "batch.toml").write_text(
        '[[accounts]]\nmarket = "esm"\nname = "a"\nbase_url = "https://sa2.esmplus.com"\ngmarket_id = "g1"\n\n'
        '[[accounts]]\nmarket = "esm"\nname = "b"\nbase_url = "https://sa2.esmplus.com"\nauction_id = "a2"\n'
        'issuer = "shop.example"\n\n[esm]\nmaster_id = "tool-master"\nsecret_env = "TOOL_ESM_SECRET"\nissuer = "tool"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("TOOL_ESM_SECRET", "s3cret-value-of-thirty-two-bytes")
    a, b = load_workspace(tmp_path).accounts
    first, second = Esm.credentials_for(a), Esm.credentials_for(b)
    assert (first.master_id, first.secret, first.issuer, first.gmarket_id, first.auction_id) == (
        "tool-master", "s3cret-value-of-thirty-two-bytes", "tool", "g1", ""
    )  # fmt: skip
    assert (second.master_id, second.issuer, second.auction_id) == ("tool-master", "shop.example", "a2")


# --- 재고 연동 (set_stock / shown) and 판매취소 (cancel_sale) ----------------------------------------------------

LINK = ProductLink("77", sites={"gmarket": "1", "auction": "B1"})


def options_answer(*rows: tuple[str | None, int, bool], **extra: Any) -> httpx.Response:
    """An [E 26] 조회 answer (its sample's shape) of a 선택형 typed-in option: rows (manageCode, qty, isSoldOut)."""
    details = [
        {
            "recommendedOptValueNo": 0,
            "recommendedOptValue": {"koreanText": f"값{n}", "englishText": None, "exposeLanguage": 0},
            "optSeq": 18459979851 + n,
            "isSoldOut": sold,
            "isSoldOutSite": {"gmkt": sold, "iac": sold},
            "isDisplay": True,
            "isDisplaySite": {"gmkt": True, "iac": True},
            "qty": {"iac": qty, "gmkt": qty},
            "manageCode": code,
            "skuInfo": None,
            "addAmnt": 0.0,
            "addAmntSite": {"gmkt": 0.0, "iac": 0.0},
        }
        for n, (code, qty, sold) in enumerate(rows)
    ]
    group = {
        "details": details,
        "recommendedOptNo": 0,
        "recommendedOptName": {"koreanText": "색상", "exposeLanguage": 0},
    }
    answer = {"type": 1, "isStockManage": True, "inputType": 0, "independent": group, "independents": None,
              "combination": None, "text": None, "calculation": None, **extra}  # fmt: skip
    return httpx.Response(200, json=answer)


def sell_status(gmkt: bool = True, iac: bool = True, *, stock: int = 30, end: int = 20991231) -> httpx.Response:
    return httpx.Response(200, json={"IsSell": {"gmkt": gmkt, "iac": iac}, "itemBasicInfo": {
        "Price": {"gmkt": 15000.0, "iac": 15000.0}, "Stock": {"gmkt": stock, "iac": stock},
        "SellingPeriod": {"gmkt": end, "iac": end}}})  # fmt: skip


PUT_OK = httpx.Response(200, json={"goodsNo": 77})


def test_set_stock_of_options_changes_only_the_named_rows_and_sends_the_rest_back() -> None:
    esm, wire = adapter(
        {
            "GET /item/v1/goods/77/recommended-options": options_answer(
                ("ESM-001-001", 10, False), ("ESM-001-002", 4, False), ("ESM-001-003", 0, True), (None, 2, False)
            ),
            "PUT /item/v1/goods/77/recommended-options": PUT_OK,
        }
    )
    run(esm.set_stock("ESM-001", LINK, {"ESM-001-001": 0, "ESM-001-002": 120_000}))
    assert [(r.method, r.url.path) for r in wire.sent] == [
        ("GET", "/item/v1/goods/77/recommended-options"),
        ("PUT", "/item/v1/goods/77/recommended-options"),
    ]
    sent = body(wire.sent[1])
    assert sent.keys() == {"type", "isStockManage", "inputType", "independent"}  # null blocks are left out
    assert (sent["type"], sent["isStockManage"], sent["inputType"]) == (1, True, 0)
    rows = sent["independent"]["details"]
    assert rows[0] == {
        "recommendedOptValueNo": 0,
        "recommendedOptValue": {"koreanText": "값0", "exposeLanguage": 0},
        "optSeq": 18459979851,
        "isSoldOut": True,  # 0: sold out by the flag, with qty 1 ([E 26] 1–99,999)
        "isSoldOutSite": {"gmkt": True, "iac": True},
        "isDisplay": True,
        "isDisplaySite": {"gmkt": True, "iac": True},
        "qty": {"iac": 1, "gmkt": 1},
        "manageCode": "ESM-001-001",
        "addAmnt": 0.0,
        "addAmntSite": {"gmkt": 0.0, "iac": 0.0},
    }
    assert (rows[1]["qty"], rows[1]["isSoldOut"]) == ({"iac": 99_999, "gmkt": 99_999}, False)  # at most 99,999
    assert (rows[2]["qty"], rows[2]["isSoldOut"]) == ({"iac": 1, "gmkt": 1}, True)  # read with 0: stays sold out
    assert (rows[3]["qty"], rows[3]["isSoldOut"], "manageCode" in rows[3]) == ({"iac": 2, "gmkt": 2}, False, False)
    assert sent["independent"]["recommendedOptName"] == {"koreanText": "색상", "exposeLanguage": 0}


def test_set_stock_on_one_site_changes_that_sites_qty_only() -> None:
    esm, wire = adapter(
        {
            "GET /item/v1/goods/77/recommended-options": options_answer(("ESM-001-001", 10, False), ("ESM-001-002", 4, False)),
            "PUT /item/v1/goods/77/recommended-options": PUT_OK,
        }
    )  # fmt: skip
    run(esm.set_stock("ESM-001", ProductLink("77", sites={"gmarket": "1"}), {"ESM-001-002": 6}))
    assert [r["qty"] for r in body(wire.sent[1])["independent"]["details"]] == [
        {"iac": 10, "gmkt": 10},
        {"iac": 4, "gmkt": 6},
    ]


def test_set_stock_that_would_sell_out_every_option_stops_the_sale_instead() -> None:
    """[E 26] 3000 "모든 옵션이 품절인 상태로 등록이 불가합니다": no options PUT; [E 21] isSell false on each site with the
    price and stock read (as [S] does). The stock job's pause after it finds the listing stopped and sends nothing."""
    item = {"goodsNo": "77", "siteGoodsNo": {"gmkt": "1", "iac": "B1"}, "managedCode": "ESM-001"}
    esm, wire = adapter(
        {
            "GET /item/v1/goods/77/recommended-options": options_answer(("ESM-001-001", 3, False), ("ESM-001-002", 1, True)),
            "GET /item/v1/goods/77/sell-status": [sell_status(), sell_status(False, False)],
            "PUT /item/v1/goods/77/sell-status": httpx.Response(200, json={"goodsNo": 77, "resultCode": 0}),
            "POST /item/v1/goods/search": ok(items=[item]),
        }
    )  # fmt: skip
    run(esm.set_stock("ESM-001", LINK, {"ESM-001-001": 0}))
    assert [(r.method, r.url.path) for r in wire.sent] == [
        ("GET", "/item/v1/goods/77/recommended-options"),
        ("GET", "/item/v1/goods/77/sell-status"),
        ("PUT", "/item/v1/goods/77/sell-status"),
    ]
    assert body(wire.sent[2]) == {
        "isSell": {"iac": False, "gmkt": False},
        "itemBasicInfo": {
            "price": {"iac": 15000, "gmkt": 15000},
            "stock": {"iac": 30, "gmkt": 30},
            "sellingPeriod": {"iac": 0, "gmkt": 0},
        },
    }
    run(esm.pause("ESM-001"))
    assert [r.method for r in wire.to("/item/v1/goods/77/sell-status")] == ["GET", "PUT", "GET"]


def test_set_stock_without_options_uses_the_stock_call_and_sends_no_zero() -> None:
    esm, wire = adapter(
        {
            "GET /item/v1/goods/77/recommended-options": httpx.Response(200, json={"type": 0, "isStockManage": False}),
            "PUT /item/v1/goods/77/stock": httpx.Response(200, json={"resultCode": 0, "message": "[IAC] 성공 / [GMKT] 성공", "goodsNo": 77}),
        }
    )  # fmt: skip
    run(esm.set_stock("ESM-001", LINK, {"ESM-001-001": 12}))
    assert [(r.method, r.url.path) for r in wire.sent] == [
        ("GET", "/item/v1/goods/77/recommended-options"),
        ("PUT", "/item/v1/goods/77/stock"),
    ]
    assert body(wire.sent[1]) == {"stock": {"iac": 12, "gmkt": 12}}
    run(esm.set_stock("ESM-001", LINK, {"ESM-001-001": 0}))  # [E 194] 1–99,999: the stock job stops the sale
    assert len(wire.to("/item/v1/goods/77/stock")) == 1
    with pytest.raises(Rejected, match="옵션이 없는 상품인데 옵션 ESM-001-002"):
        run(esm.set_stock("ESM-001", LINK, {"ESM-001-002": 3}))
    assert len(wire.to("/item/v1/goods/77/stock")) == 1


def test_set_stock_refusals_and_holds() -> None:
    routes: dict[str, Any] = {
        "GET /item/v1/goods/77/recommended-options": options_answer(("ESM-001-001", 10, False), ("ESM-001-002", 4, False)),
        "PUT /item/v1/goods/77/recommended-options": PUT_OK,
    }  # fmt: skip
    esm, wire = adapter(routes)
    esm._created["77"] = NOW - 60  # [E 21] "약 3분" after registration: held, nothing sent
    with pytest.raises(Blocked, match="3분"):
        run(esm.set_stock("ESM-001", LINK, {"ESM-001-001": 1}))
    assert wire.sent == []
    esm._created["77"] = NOW - 181
    with pytest.raises(Rejected, match="옵션 관리코드 ESM-001-009인 옵션이 없습니다"):  # the others are sent first
        run(esm.set_stock("ESM-001", LINK, {"ESM-001-001": 1, "ESM-001-009": 5}))
    assert [r["qty"]["gmkt"] for r in body(wire.sent[-1])["independent"]["details"]] == [1, 4]
    for answer, words in (
        (options_answer(("ESM-001-001", 1, False), isStockManage=False), "옵션재고관리가 꺼져"),
        (httpx.Response(200, json={"type": 5, "isStockManage": False}), "텍스트형·계산형"),
        (
            httpx.Response(200, json={"resultCode": 1000, "message": "상품번호가 올바르지 않습니다"}),
            "상품번호가 올바르지",
        ),
    ):
        esm, wire = adapter({**routes, "GET /item/v1/goods/77/recommended-options": answer})
        with pytest.raises(Rejected, match=words):
            run(esm.set_stock("ESM-001", LINK, {"ESM-001-001": 1}))
        assert [r.method for r in wire.sent] == ["GET"]
    esm, wire = adapter({**routes, "GET /item/v1/goods/77/recommended-options": httpx.Response(200, json={})})
    with pytest.raises(Unavailable, match="옵션을 읽지 못했습니다"):  # never "no options" from an odd answer
        run(esm.set_stock("ESM-001", LINK, {"ESM-001-001": 1}))
    assert [r.method for r in wire.sent] == ["GET"]


def test_shown_reads_sell_status_and_options_back_to_our_option_numbers() -> None:
    routes = {
        "GET /item/v1/goods/77/recommended-options": options_answer(
            ("ESM-001-001", 1, True), ("ESM-001-002", 5, False), (None, 9, False)
        ),
        "GET /item/v1/goods/77/sell-status": sell_status(),
    }
    esm, wire = adapter(routes)
    assert run(esm.shown("ESM-001", LINK)) == Shown(
        on_sale=True, stocks={"ESM-001-001": 0, "ESM-001-002": 5}, price=15000
    )
    assert [(r.method, r.url.path) for r in wire.sent] == [
        ("GET", "/item/v1/goods/77/sell-status"),
        ("GET", "/item/v1/goods/77/recommended-options"),
    ]
    stopped, _ = adapter({**routes, "GET /item/v1/goods/77/sell-status": sell_status(False, False)})
    assert run(stopped.shown("ESM-001", LINK)).on_sale is False
    ended, _ = adapter({**routes, "GET /item/v1/goods/77/sell-status": sell_status(end=20250101)})  # NOW: 2025-06
    assert run(ended.shown("ESM-001", LINK)).on_sale is False
    all_out = options_answer(("ESM-001-001", 1, True), ("ESM-001-002", 1, True))
    sold, _ = adapter({**routes, "GET /item/v1/goods/77/recommended-options": all_out})
    assert run(sold.shown("ESM-001", LINK)) == Shown(
        on_sale=False, stocks={"ESM-001-001": 0, "ESM-001-002": 0}, price=15000
    )


def test_shown_reads_the_selling_site_and_the_larger_number_where_sites_differ() -> None:
    differ = options_answer(("ESM-001-001", 0, False), ("ESM-001-002", 0, False))
    rows = json.loads(differ.content)
    rows["independent"]["details"][0]["qty"] = {"gmkt": 0, "iac": 4}
    rows["independent"]["details"][1]["qty"] = {"gmkt": 3, "iac": 7}
    routes = {"GET /item/v1/goods/77/recommended-options": httpx.Response(200, json=rows)}
    both, _ = adapter({**routes, "GET /item/v1/goods/77/sell-status": sell_status()})
    assert run(both.shown("ESM-001", LINK)).stocks == {"ESM-001-001": 4, "ESM-001-002": 7}
    g_only, _ = adapter({**routes, "GET /item/v1/goods/77/sell-status": sell_status(iac=False)})
    assert run(g_only.shown("ESM-001", LINK)) == Shown(
        on_sale=True, stocks={"ESM-001-001": 0, "ESM-001-002": 3}, price=15000
    )
    plain, _ = adapter(
        {
            "GET /item/v1/goods/77/recommended-options": httpx.Response(200, json={"type": 0}),
            "GET /item/v1/goods/77/sell-status": sell_status(stock=8),
        }
    )
    assert run(plain.shown("ESM-001", LINK)) == Shown(on_sale=True, stocks={"ESM-001-001": 8}, price=15000)


@pytest.mark.parametrize("reason", ["배송지연", "가격오류", "기타", "모름"])
def test_cancel_sale_refuses_every_reason_but_sold_out_per_unit_before_sending(reason: str) -> None:
    esm, wire = adapter({})
    outcomes = run(esm.cancel_sale([[line("1")], [line("2", "auction")]], reason))
    assert set(outcomes) == {"1", "2"}
    for error in outcomes.values():
        assert isinstance(error, Rejected)
        assert error.message == (
            f"G마켓·옥션(ESM)은 판매취소 사유로 '품절'만 받습니다('{reason}'은(는) 보낼 수 없습니다). 팔 수 없는 상품이면 "
            "사유를 '품절'로 바꿔 다시 보내고(상품도 품절로 바뀝니다), 아니면 ESM+에서 처리하세요."
        )
    assert wire.sent == []


def test_cancel_sale_gives_each_order_its_own_outcome() -> None:
    """One call per order ([E 52], never resent by the client); a refusal of one never stops the others; "취소 가능한
    주문상태가 아닙니다" is read by order number ([E 50] Type 0): cancelled already is done."""

    def cancels(request: httpx.Request) -> httpx.Response:
        asked = body(request)
        rows = {1: [{"OrderNo": 11, "CancelStatus": 3, "RequestUser": 2}], 3: [{"OrderNo": 33, "CancelStatus": 1}]}
        found = rows.get(asked["OrderNo"] % 10)
        return ok(found) if found else fail(99999, "클레임정보가 없습니다")

    def lost(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("no answer", request=request)

    not_now = fail(8668, "8668$취소 가능한 주문상태가 아닙니다")
    esm, wire = adapter(
        {
            "POST /claim/v1/sa/Cancel/10/SoldOut": ok(),
            "POST /claim/v1/sa/Cancel/11/SoldOut": not_now,
            "POST /claim/v1/sa/Cancel/22/SoldOut": fail(8668, "취소 가능한 주문상태가 아닙니다", BizRuleCode="W8-1"),
            "POST /claim/v1/sa/Cancel/33/SoldOut": not_now,
            "POST /claim/v1/sa/Cancel/44/SoldOut": fail(8668, "이미 취소 요청된 주문입니다", BizRuleCode="W28-1"),
            "POST /claim/v1/sa/Cancel/55/SoldOut": lost,
            "POST /claim/v1/sa/Cancels": cancels,
        }
    )
    units = [[line("10"), line("10")], [line("11")], [line("22", "auction")], [line("33")], [line("44", "auction")],
             [line("55")]]  # fmt: skip
    outcomes = run(esm.cancel_sale(units, "품절"))
    assert outcomes["10"] is None and outcomes["11"] is None  # 11: E 50 shows it cancelled (3) already
    assert str(outcomes["22"]) == (
        "옥션 판매취소(주문 22): 취소할 수 있는 상태가 아닙니다(발송처리된 주문이거나 반품·교환 중일 수 있습니다). ESM+에서 "
        "주문 상태를 확인하세요."
    )
    for key in ("33", "44"):  # a buyer's cancel request: approve it
        assert isinstance(outcomes[key], Rejected) and "취소승인으로 처리하세요" in str(outcomes[key])
    # a cancel is not idempotent: a lost answer is "may have landed", not sent again (the next run reads E 50)
    assert isinstance(outcomes["55"], Unavailable) and outcomes["55"].outcome_unknown
    sold_out = [r for r in wire.sent if r.url.path.endswith("/SoldOut")]
    assert sorted(r.url.path for r in sold_out) == [
        f"/claim/v1/sa/Cancel/{n}/SoldOut" for n in (10, 11, 22, 33, 44, 55)
    ]
    assert {r.url.path.split("/")[-2]: body(r) for r in sold_out} == {
        "10": {"SiteType": 2}, "11": {"SiteType": 2}, "22": {"SiteType": 1}, "33": {"SiteType": 2},
        "44": {"SiteType": 1}, "55": {"SiteType": 2},
    }  # fmt: skip
    lookups = {body(r)["OrderNo"]: body(r) for r in wire.to("/claim/v1/sa/Cancels")}
    assert sorted(lookups) == [11, 22, 33]
    today = kst_today()
    assert lookups[22] == {
        "SiteType": 1,
        "CancelStatus": 0,
        "Type": 0,
        "StartDate": f"{today - dt.timedelta(days=5):%Y-%m-%d}",
        "EndDate": f"{today + dt.timedelta(days=1):%Y-%m-%d}",
        "OrderNo": 22,
    }
    assert lookups[11]["SiteType"] == 3  # E 50's own G마켓 code
    assert [verify_jwt(r)[1]["ssi"] for r in wire.to("/claim/v1/sa/Cancels") if body(r)["OrderNo"] == 22] == [
        "A:sandboxiac"
    ]


def test_seller_cancel_wraps_cancel_sale_and_raises_the_first_refusal() -> None:
    esm, wire = adapter(
        {
            "POST /claim/v1/sa/Cancel/1/SoldOut": fail(8668, "이미 취소 요청된 주문입니다", BizRuleCode="W28-1"),
            "POST /claim/v1/sa/Cancel/2/SoldOut": ok(),
        }
    )
    with pytest.raises(Rejected, match="취소승인으로"):
        run(esm.seller_cancel([line("1"), line("2"), line("1")]))
    assert sorted(r.url.path for r in wire.sent) == ["/claim/v1/sa/Cancel/1/SoldOut", "/claim/v1/sa/Cancel/2/SoldOut"]


def test_an_order_line_has_no_option_code_esm_does_not_echo_one() -> None:
    """[E 67] ItemOptionCode is "주문옵션코드", ESM's own ([E 66] sample "20105838001"), not the manageCode we sent."""
    esm, _ = adapter({"POST /shipping/v1/Order/RequestOrders": orders_answer(ORDER_ROW)})
    found = run(esm._orders(esm.sites()[1], 1, dt.datetime(2025, 6, 1), dt.datetime(2025, 6, 2)))
    parsed = esm._line(found[0], "main", esm.sites()[1], OrderStatus.NEW)
    assert (parsed.option_no, parsed.option_code) == ("ESM-001-001", "")
