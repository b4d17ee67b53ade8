"""TMON 재고 연동 and 판매취소 (issue 17): set_stock, shown and cancel_sale against the in-process sandbox, and the
sandbox's rules behind them (stock per option, salesStatus, the swallow switch, seeded orders of one deal).

Sources: [T1] richbeam/mcs_tmon_api, [T2] sosobox2-cyber/commerce-api (docs/protocols/tmon.md).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import Any

import httpx
import pytest
from helpers import FakeClock, Recorder, run_sandbox, sandbox_client, sandbox_control, sandbox_state, tmon_login

from batch.jobs.collect import now_kst
from batch.marketplaces.base import ClientSettings, MarketClient, Rejected
from batch.marketplaces.tmon import Tmon, TmonCredentials
from batch.marketplaces.types import SALE_CANCEL_REASONS, Shipment, Shown
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
from batch.sandbox.app import create_app

PARTNER_ID = "sellerbot"
PARTNER_TOKEN = "sandbox-partner-token"
DONE = {"success": True, "skip": False, "value": None, "message": None}  # [T2] ResultData, per option

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
    keywords=("텀블러",),
    detail="<p>다온 텀블러</p>",
    images=("https://img.example.com/tumbler-1.jpg",),
    cert_required=False,
    certs=(),
    notice_category="주방용품",
    notices=(("품명 및 모델명", "텀블러 T-350"),),
    option_names=("색상",),
    options=(
        OptionCombo(("블랙",), 0, True, 10),
        OptionCombo(("화이트",), 0, True, 4),
        OptionCombo(("실버",), 1000, True, 8),
    ),
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
LINK = ProductLink("30000001", {"TM-001-001": "70000001", "TM-001-002": "70000002", "TM-001-003": "70000003"})
STOCK_PATH = "/api/V1001/deals/TM-001/stock"


@dataclass
class Setup:
    recorder: Recorder
    tmon: Tmon

    @property
    def http(self) -> httpx.AsyncClient:
        return self.tmon.client.http

    async def control(self, action: str, body: dict[str, Any]) -> Any:
        return await sandbox_control(self.http, "tmon", action, body)

    async def state(self) -> dict[str, Any]:
        return await sandbox_state(self.http, "tmon")

    async def stocks(self) -> list[int]:
        [deal] = (await self.state())["products"]
        return [o["stock"] for o in deal["dealOptions"]]

    async def order(self, number: str) -> list[OrderLine]:
        return await self.tmon.get_order(number, "main")

    async def unit(self, number: str) -> list[OrderLine]:
        """The lines of the first deal of order ``number`` (one 판매취소 unit)."""
        lines = await self.order(number)
        return [x for x in lines if x.product_no == lines[0].product_no]


def run(scenario: Callable[[Setup], Awaitable[None]]) -> Setup:
    """``scenario`` with a TMON adapter (tmon-main, vendor V1001) on a fresh sandbox whose clock runs an hour behind
    (its seeded orders are older than TMON's 30-minute window edge)."""
    recorder = Recorder(create_app(clock=lambda: time.time() - 3600, seed=5))

    async def main() -> Setup:
        client = sandbox_client("tmon", recorder, FakeClock())
        credentials = TmonCredentials(
            "tmon-main", "sandbox-secret", PARTNER_ID, PARTNER_TOKEN, "501", "batch-sandbox-k1"
        )
        setup = Setup(recorder, Tmon(client, credentials))
        async with client.http:
            await scenario(setup)
        return setup

    return asyncio.run(main())


def calls(setup: Setup) -> list[tuple[str, str]]:
    return [(e.method, e.path) for e in setup.recorder.market() if e.path != "/oauth/token"]


# -- set_stock and shown ---------------------------------------------------------------------------------------


def test_set_stock_sends_only_the_options_named_in_one_call_and_the_others_keep_theirs() -> None:
    """[T2] setGoodsStockModify sends only the options whose stock changed, 0 for one not on sale, and reads a
    result per vendorDealOptionNo; one call per deal."""
    stocks: list[list[int]] = []

    async def scenario(s: Setup) -> None:
        assert await s.tmon.create_product(PRODUCT, SALES) == LINK
        await s.tmon.set_stock("TM-001", LINK, {"TM-001-003": 0, "TM-001-001": 5})
        stocks.append(await s.stocks())
        await s.tmon.set_stock("TM-001", LINK, {"TM-001-002": -2})  # oversold: sent as 0
        stocks.append(await s.stocks())
        await s.tmon.set_stock("TM-001", LINK, {})  # nothing to send
        stocks.append(await s.stocks())

    setup = run(scenario)
    assert stocks == [[5, 4, 0], [5, 0, 0], [5, 0, 0]]
    puts = setup.recorder.market("PUT")
    assert [(e.path, e.json(), e.status, e.reply()) for e in puts] == [
        (
            STOCK_PATH,
            {
                "dealOptions": [
                    {"vendorDealOptionNo": "TM-001-003", "stock": 0},
                    {"vendorDealOptionNo": "TM-001-001", "stock": 5},
                ]
            },
            200,
            {"TM-001-003": DONE, "TM-001-001": DONE},
        ),
        (STOCK_PATH, {"dealOptions": [{"vendorDealOptionNo": "TM-001-002", "stock": 0}]}, 200, {"TM-001-002": DONE}),
    ]
    assert calls(setup) == [("POST", "/api/V1001/deals"), ("PUT", STOCK_PATH), ("PUT", STOCK_PATH)]


def test_shown_reads_the_sales_status_and_every_options_stock() -> None:
    """[T2] Deal.salesStatus (PAUSE, READY, ON_SALE, END) and DealOption.stock, from GET /deals/{vendorDealNo}."""
    seen: list[Shown] = []

    async def scenario(s: Setup) -> None:
        await s.tmon.create_product(PRODUCT, SALES)
        seen.append(await s.tmon.shown("TM-001", LINK))
        await s.tmon.pause("TM-001")
        seen.append(await s.tmon.shown("TM-001", LINK))
        await s.tmon.resume("TM-001")
        await s.tmon.set_stock("TM-001", LINK, {"TM-001-002": 0})
        seen.append(await s.tmon.shown("TM-001", ProductLink("30000001")))  # no option numbers: vendorDealOptionNo

    setup = run(scenario)
    every = {"TM-001-001": 10, "TM-001-002": 4, "TM-001-003": 8}
    prices = {"TM-001-001": 15000, "TM-001-002": 15000, "TM-001-003": 16000}  # [T2] DealOption.salesPrice
    assert seen == [
        Shown(on_sale=True, stocks=every, prices=prices),
        Shown(on_sale=False, stocks=every, prices=prices),
        Shown(on_sale=True, stocks={**every, "TM-001-002": 0}, prices=prices),
    ]
    assert seen[2].sold_out("TM-001-002") and not seen[2].sold_out("TM-001-001")
    assert [(e.path, e.query, e.reply()["salesStatus"]) for e in setup.recorder.market("GET")] == [
        ("/api/V1001/deals/TM-001", "", "ON_SALE"),
        ("/api/V1001/deals/TM-001", "", "PAUSE"),
        ("/api/V1001/deals/TM-001", "", "ON_SALE"),
    ]


def test_round_trip_stock_swallow_and_sale_cancel() -> None:
    """The brief's round trip: options at 0 and 5 are shown exactly; a swallowed update answers OK and shows the old
    numbers; a 품절 판매취소 of a seeded order cancels it; after an invoice it is refused."""
    shown: list[Shown] = []
    outcomes: list[dict[str, Any]] = []
    keys: list[str] = []
    statuses: list[OrderStatus] = []

    async def scenario(s: Setup) -> None:
        link = await s.tmon.create_product(PRODUCT, SALES)
        await s.tmon.set_stock("TM-001", link, {"TM-001-001": 0, "TM-001-002": 5})
        shown.append(await s.tmon.shown("TM-001", link))
        await s.control("swallow", {"on": True})
        await s.tmon.set_stock("TM-001", link, {"TM-001-001": 7, "TM-001-002": 0})  # answered as done
        await s.tmon.pause("TM-001")  # answered as done
        shown.append(await s.tmon.shown("TM-001", link))
        await s.control("swallow", {"on": False})
        made = await s.control("seed", {"orders": 2, "seed": 7, "product": link.product_no, "qty": 2})
        first, second = [await s.unit(number) for number in made["orders"]]
        keys.extend(s.tmon.shipment_key(unit[0]) for unit in (first, second))
        # the second is confirmed and invoiced: it cannot be cancelled any more
        assert await s.tmon.confirm([second]) == {keys[1]: None}
        shipment = Shipment(keys[1], tuple(second), "10001", "684512345678")
        assert await s.tmon.send_invoices([shipment]) == {keys[1]: None}
        outcomes.append(await s.tmon.cancel_sale([first, second], "품절"))
        statuses.extend(x.status for x in await s.order(made["orders"][0]))

    setup = run(scenario)
    prices = {"TM-001-001": 15000, "TM-001-002": 15000, "TM-001-003": 16000}
    assert shown == [
        Shown(on_sale=True, stocks={"TM-001-001": 0, "TM-001-002": 5, "TM-001-003": 8}, prices=prices),
        Shown(on_sale=True, stocks={"TM-001-001": 0, "TM-001-002": 5, "TM-001-003": 8}, prices=prices),
    ]
    swallowed = [e for e in setup.recorder.market("PUT") if e.path.startswith("/api/V1001/deals/")][1:]
    assert [(e.path, e.status, e.answer and e.reply()) for e in swallowed] == [
        (STOCK_PATH, 200, {"TM-001-001": DONE, "TM-001-002": DONE}),
        ("/api/V1001/deals/TM-001/pause", 200, b""),
    ]
    [result] = outcomes
    assert result[keys[0]] is None
    refused = result[keys[1]]
    assert isinstance(refused, Rejected)
    order_no, _, deal_no = keys[1].partition("/")
    assert refused.message == (
        f"티몬 주문 {order_no}의 딜 {deal_no}은(는) 판매취소할 수 없는 상태입니다(배송상태 D3). "
        "송장이 등록된 뒤에는 판매취소할 수 없습니다. 티몬 판매자센터에서 주문 상태를 확인하세요. "
        "판매취소는 보내지 않았습니다."
    )
    assert set(statuses) == {OrderStatus.CANCELLED}
    posts = setup.recorder.market("POST", "/api/V1001/cancellations")
    assert len(posts) == 1  # only the deal that could be cancelled


# -- set_price -------------------------------------------------------------------------------------------------

DEAL_PATH = "/api/V1001/deals/TM-001"
# 화이트 is not on sale: its option is registered hidden (display false), and a price change must keep it hidden
HIDDEN = replace(
    PRODUCT, options=(*PRODUCT.options[:1], replace(PRODUCT.options[1], on_sale=False), PRODUCT.options[2])
)


def sells_at(shown: Shown, extras: dict[str, int]) -> set[int]:
    """The selling prices the options' prices agree on, less each option's extra (one when the price landed)."""
    return {price - extras.get(option, 0) for option, price in shown.prices.items()}


def test_set_price_reads_the_deal_then_puts_every_options_price_and_nothing_else() -> None:
    """[T2] quotes TMON: the deal update changes options too, "기본적으로 수정될 정보만 세팅하면 되나"; [T1] sends an
    option on update as vendorDealOptionNo, title, price = salesPrice, with no stock or display. The deal is read
    first (its options and their names), every option sells at the price + its extra (0 when not named), and the
    deal's other fields, its options' stock and display stay as they were. A price already shown sends nothing."""
    states: list[dict[str, Any]] = []
    shown: list[Shown] = []

    async def scenario(s: Setup) -> None:
        await s.tmon.create_product(HIDDEN, SALES)
        await s.tmon.set_stock("TM-001", LINK, {"TM-001-001": 3})
        states.append((await s.state())["products"][0])
        await s.tmon.set_price("TM-001", LINK, 18000, {"TM-001-001": 0, "TM-001-002": 0, "TM-001-003": 1000})
        states.append((await s.state())["products"][0])
        shown.append(await s.tmon.shown("TM-001", LINK))
        await s.tmon.set_price("TM-001", LINK, 18000, {"TM-001-003": 1000})  # shown already: read, nothing sent
        await s.tmon.set_price("TM-001", LINK, 20000, {})  # no extras named: every option at the price

    setup = run(scenario)
    assert calls(setup) == [
        ("POST", "/api/V1001/deals"),
        ("PUT", STOCK_PATH),
        ("GET", DEAL_PATH),
        ("PUT", DEAL_PATH),
        ("GET", DEAL_PATH),
        ("GET", DEAL_PATH),
        ("GET", DEAL_PATH),
        ("PUT", DEAL_PATH),
    ]
    first, last = [e for e in setup.recorder.market("PUT", DEAL_PATH)]
    assert (first.json(), first.status, first.reply()) == (
        {
            "dealOptions": [
                {"vendorDealOptionNo": "TM-001-001", "title": "블랙", "price": 18000, "salesPrice": 18000},
                {"vendorDealOptionNo": "TM-001-002", "title": "화이트", "price": 18000, "salesPrice": 18000},
                {"vendorDealOptionNo": "TM-001-003", "title": "실버", "price": 19000, "salesPrice": 19000},
            ]
        },
        200,
        {"deal": DONE, "dealOptions": DONE},
    )
    assert [(o["salesPrice"], o["price"]) for o in last.json()["dealOptions"]] == [(20000, 20000)] * 3
    before, after = states
    assert {k: v for k, v in after.items() if k != "dealOptions"} == {
        k: v for k, v in before.items() if k != "dealOptions"
    }
    assert [{k: v for k, v in o.items() if k not in ("price", "salesPrice")} for o in after["dealOptions"]] == [
        {k: v for k, v in o.items() if k not in ("price", "salesPrice")} for o in before["dealOptions"]
    ]
    assert [(o["stock"], o["display"], o["salesPrice"], o["price"]) for o in after["dealOptions"]] == [
        (3, True, 18000, 18000),
        (4, False, 18000, 18000),
        (8, True, 19000, 19000),
    ]
    assert shown == [
        Shown(
            on_sale=True,
            stocks={"TM-001-001": 3, "TM-001-002": 4, "TM-001-003": 8},
            prices={"TM-001-001": 18000, "TM-001-002": 18000, "TM-001-003": 19000},
        )
    ]
    assert shown[0].price is None  # a deal has no price of its own, only its options'


def test_round_trip_price_and_swallow() -> None:
    """set_price, then the deal read shows every option at the price + its extra; swallowed, the update answers as
    done and the read still shows the old prices; switched off, the same call lands."""
    extras = {"TM-001-001": 0, "TM-001-002": -2000, "TM-001-003": 1000}
    seen: list[Shown] = []

    async def scenario(s: Setup) -> None:
        link = await s.tmon.create_product(PRODUCT, SALES)
        await s.tmon.set_price("TM-001", link, 17000, extras)
        seen.append(await s.tmon.shown("TM-001", link))
        await s.control("swallow", {"on": True})
        await s.tmon.set_price("TM-001", link, 21000, extras)  # answered as done
        seen.append(await s.tmon.shown("TM-001", link))
        await s.control("swallow", {"on": False})
        await s.tmon.set_price("TM-001", link, 21000, extras)
        seen.append(await s.tmon.shown("TM-001", link))

    setup = run(scenario)
    assert [sells_at(x, extras) for x in seen] == [{17000}, {17000}, {21000}]
    assert seen[0].prices == {"TM-001-001": 17000, "TM-001-002": 15000, "TM-001-003": 18000}
    assert seen[1] == seen[0]
    puts = setup.recorder.market("PUT", DEAL_PATH)
    assert [(e.status, e.reply()) for e in puts] == [(200, {"deal": DONE, "dealOptions": DONE})] * 3
    assert puts[1].json() == puts[2].json()


def test_a_price_tmon_refuses_reaches_the_caller_in_korean_and_changes_nothing() -> None:
    """[T1] salesPrice "Integer+ … 0원 등록불가": an option at 0 won refuses the whole update in TMON's shape."""
    errors: list[Rejected] = []
    prices: list[list[int]] = []

    async def scenario(s: Setup) -> None:
        await s.tmon.create_product(PRODUCT, SALES)
        with pytest.raises(Rejected) as info:
            await s.tmon.set_price("TM-001", LINK, 18000, {"TM-001-002": -18000})
        errors.append(info.value)
        prices.append([o["salesPrice"] for o in (await s.state())["products"][0]["dealOptions"]])

    run(scenario)
    [error] = errors
    assert (error.market, error.status, error.code, error.message) == (
        "tmon",
        400,
        "INVALID_PRICE",
        "[옵션 TM-001-002] 판매가(salesPrice): 0보다 큰 정수여야 합니다 (입력 0).",
    )
    assert prices == [[15000, 15000, 16000]]


def mocked(answer: Callable[[httpx.Request], httpx.Response], scenario: Callable[[Tmon], Awaitable[None]]) -> list[str]:
    """``scenario`` against TMON answered by ``answer`` (the token aside); the calls it made."""
    sent: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/token":
            return httpx.Response(200, json={"access_token": "t", "vendorId": "V1001"})
        sent.append(f"{request.method} {request.url.path}")
        return answer(request)

    async def main() -> None:
        http = httpx.AsyncClient(transport=httpx.MockTransport(handler), base_url="https://tmon.test")
        tmon = Tmon(
            MarketClient("tmon", http, ClientSettings(rate_limit=0), clock=FakeClock()),
            TmonCredentials("tmon-main", "s", PARTNER_ID, PARTNER_TOKEN, "501"),
        )
        async with http:
            await scenario(tmon)

    asyncio.run(main())
    return sent


ONE_OPTION = {"vendorDealOptionNo": "TM-001-001", "tmonDealOptionNo": 70000001, "title": "블랙", "salesPrice": 15000}


def test_a_failed_deal_update_result_is_refused_with_tmons_words() -> None:
    """[T2] DealUpdateResult ``{deal, dealOptions}``: any ``success: false`` is a failure ([T1], [T2])."""
    errors: list[Rejected] = []

    def answer(request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            return httpx.Response(200, json={"vendorDealNo": "TM-001", "dealOptions": [ONE_OPTION]})
        failed = {"success": False, "skip": False, "value": None, "message": "옵션 정보 수정에 실패했습니다."}
        return httpx.Response(200, json={"deal": DONE, "dealOptions": failed})

    async def scenario(tmon: Tmon) -> None:
        with pytest.raises(Rejected) as info:
            await tmon.set_price("TM-001", LINK, 16000, {})
        errors.append(info.value)

    assert mocked(answer, scenario) == ["GET /api/V1001/deals/TM-001", "PUT /api/V1001/deals/TM-001"]
    [error] = errors
    assert (error.status, error.message) == (
        200,
        "티몬이 딜 TM-001의 판매가를 바꾸지 않았습니다(옵션 정보 수정에 실패했습니다.). "
        "티몬 판매자센터에서 딜의 옵션 가격을 확인하세요.",
    )


@pytest.mark.parametrize(
    ("deal", "why"),
    [
        (
            {"dealOptionsPageInfo": {"totalCount": 250, "totalPage": 2, "currentPage": 1}, "dealOptions": [ONE_OPTION]},
            "옵션 250개 중 1개만 읽힘",
        ),
        (
            {"dealOptions": [{k: v for k, v in ONE_OPTION.items() if k != "vendorDealOptionNo"}]},
            "업체옵션번호가 없는 옵션",
        ),
    ],
)
def test_a_deal_whose_options_do_not_all_come_in_the_read_is_not_priced(deal: dict[str, Any], why: str) -> None:
    """The update names every option (one left out might be removed), so a deal whose options the read does not
    all give ([T2] Deal.dealOptionsPageInfo: pages) or without their vendorDealOptionNo is refused before sending."""
    errors: list[Rejected] = []

    async def scenario(tmon: Tmon) -> None:
        with pytest.raises(Rejected) as info:
            await tmon.set_price("TM-001", LINK, 16000, {})
        errors.append(info.value)

    assert mocked(lambda _: httpx.Response(200, json={"vendorDealNo": "TM-001", **deal}), scenario) == [
        "GET /api/V1001/deals/TM-001"
    ]
    [error] = errors
    assert (error.status, error.message) == (
        None,
        f"티몬 딜 TM-001의 옵션을 모두 읽지 못해 판매가를 보내지 않았습니다({why}). 딜 수정은 옵션을 모두 함께 보내야 "
        "해서, 빠진 옵션이 지워지지 않도록 보내지 않았습니다. 티몬 판매자센터에서 판매가를 바꾸세요.",
    )


# -- cancel_sale -----------------------------------------------------------------------------------------------


def test_cancel_sale_reads_the_deal_then_sends_rcd4_and_the_deal_reads_back_cancelled() -> None:
    """[T1] ClaimServiceImpl.requestOrderCancel: getOrderStatus first, then POST /cancellations with RCD4 "품절
    미배송" for a D1/D2 deal, every option with its qty. The deal reads back cancelled and a C3 cancel claim."""
    made: dict[str, Any] = {}
    outcomes: list[dict[str, Any]] = []
    after: list[Any] = []

    async def scenario(s: Setup) -> None:
        made.update(await s.control("seed", {"orders": 1, "seed": 4, "qty": 3}))
        unit = await s.unit(made["orders"][0])
        made["unit"] = unit
        outcomes.append(await s.tmon.cancel_sale([unit], "품절"))
        outcomes.append(await s.tmon.cancel_sale([unit], "품절"))  # cancelled already: done, nothing sent
        after.append(await s.order(made["orders"][0]))
        start = now_kst() - dt.timedelta(days=3)
        after.append(await s.tmon.collect_claims(start, now_kst() + dt.timedelta(minutes=1), "main", latest=True))

    setup = run(scenario)
    unit: list[OrderLine] = made["unit"]
    key = f"{unit[0].order_no}/{unit[0].product_no}"
    assert outcomes == [{key: None}, {key: None}]
    assert all(x.qty == 3 for x in unit)
    order = ("GET", f"/api/V1001/orders/{unit[0].order_no}")
    searches = [(e.method, e.path) for e in setup.recorder.market("GET") if e.path.endswith("/search")]
    # the unit read, then per cancel_sale the deal's state (and the cancel once), then the read-back and the claims
    assert calls(setup) == [order, order, ("POST", "/api/V1001/cancellations"), order, order, *searches]
    [post] = setup.recorder.market("POST", "/api/V1001/cancellations")
    assert post.json() == {
        "tmonOrderNo": int(unit[0].order_no),
        "deliveryNo": unit[0].delivery_no,
        "tmonDeals": [
            {
                "tmonDealNo": int(unit[0].product_no),
                "reason": "RCD4",
                "reasonDetail": "품절 미배송",
                "tmonDealOptions": [{"tmonDealOptionNo": int(x.option_no), "qty": 3} for x in unit],
            }
        ],
    }
    assert (post.status, post.answer) == (200, b"")
    lines, claims = after
    assert {x.status for x in lines if x.product_no == unit[0].product_no} == {OrderStatus.CANCELLED}
    assert [(c.order_no, c.kind, c.status, c.reason) for c in claims] == [
        (unit[0].order_no, ClaimType.CANCEL, ClaimStatus.DONE, "RCD4 품절 미배송")
    ]


@pytest.mark.parametrize("reason", [r for r in SALE_CANCEL_REASONS if r != "품절"] + ["단순변심"])
def test_a_reason_tmon_has_no_code_for_refuses_every_unit_and_sends_nothing(reason: str) -> None:
    """RCD4 is the only reason code in any source ([T1], [T2]); the others are refused before sending."""
    outcomes: list[dict[str, Any]] = []
    keys: list[str] = []

    async def scenario(s: Setup) -> None:
        made = await s.control("seed", {"orders": 2, "seed": 4})
        units = [await s.unit(number) for number in made["orders"]]
        keys.extend(s.tmon.shipment_key(u[0]) for u in units)
        before = len(s.recorder.market())
        outcomes.append(await s.tmon.cancel_sale(units, reason))
        assert len(s.recorder.market()) == before

    run(scenario)
    [result] = outcomes
    assert sorted(result) == sorted(keys)
    for error in result.values():
        assert isinstance(error, Rejected)
        assert (error.market, error.status) == ("tmon", None)
        assert error.message == (
            f"티몬에는 판매취소 사유 '{reason}'에 맞는 취소 사유 코드가 없습니다(티몬에 보낼 수 있는 사유: '품절'). "
            "사유를 바꾸거나 티몬 판매자센터에서 직접 취소하세요. 티몬에는 아무것도 보내지 않았습니다."
        )


def test_a_refusal_of_tmon_after_the_read_is_that_units_alone() -> None:
    """The deal read says D1, TMON refuses the cancel anyway (it moved meanwhile): that unit gets TMON's words, the
    other unit of the batch is cancelled."""
    sent: list[str] = []

    def order(number: str, deal: int) -> dict[str, Any]:
        options = [{"tmonDealOptionNo": deal + 40_000_000, "dealOptionTitle": "블랙", "qty": 1, "salesPrice": 1000}]
        return {
            "tmonOrderNo": number,
            "deals": [{"tmonDealNo": deal, "deliveryNo": 5, "deliveryStatus": "D1", "dealOptions": options}],
        }

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(f"{request.method} {request.url.path}")
        if request.url.path == "/oauth/token":
            return httpx.Response(200, json={"access_token": "t", "vendorId": "V1001"})
        if request.method == "GET":
            number = request.url.path.rsplit("/", 1)[1]
            return httpx.Response(200, json=order(number, 30000001 if number == "1001" else 30000002))
        if json.loads(request.content)["tmonOrderNo"] == 1002:
            return httpx.Response(
                400,
                json={"ResultCode": "INVALID_DELIVERY_STATUS", "Message": "판매자 취소가 불가능한 배송상태입니다."},
            )
        return httpx.Response(200)

    async def scenario() -> dict[str, Any]:
        http = httpx.AsyncClient(transport=httpx.MockTransport(answer), base_url="https://tmon.test")
        tmon = Tmon(
            MarketClient("tmon", http, ClientSettings(rate_limit=0, concurrency=1), clock=FakeClock()),
            TmonCredentials("tmon-main", "s", PARTNER_ID, PARTNER_TOKEN, "501"),
        )
        async with http:
            units = [await tmon.get_order(n, "main") for n in ("1001", "1002")]
            return await tmon.cancel_sale(units, "품절")

    result = asyncio.run(scenario())
    assert result["1001/30000001"] is None
    refused = result["1002/30000002"]
    assert isinstance(refused, Rejected)
    assert (refused.message, refused.status, refused.code) == (
        "판매자 취소가 불가능한 배송상태입니다.",
        400,
        "INVALID_DELIVERY_STATUS",
    )
    assert sent.count("POST /api/V1001/cancellations") == 2  # a refused cancel is not sent again


def test_a_stock_answer_with_a_failed_option_is_refused_with_tmons_words() -> None:
    """[T2] setGoodsStockModify reads ``success`` per option; ``false`` is a refusal (the others may have landed,
    the read-back shows which)."""

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/token":
            return httpx.Response(200, json={"access_token": "t", "vendorId": "V1001"})
        failed = {"success": False, "skip": False, "value": None, "message": "판매종료된 옵션입니다."}
        return httpx.Response(200, json={"TM-001-001": DONE, "TM-001-002": failed})

    async def scenario() -> Rejected:
        http = httpx.AsyncClient(transport=httpx.MockTransport(answer), base_url="https://tmon.test")
        tmon = Tmon(
            MarketClient("tmon", http, ClientSettings(rate_limit=0), clock=FakeClock()),
            TmonCredentials("tmon-main", "s", PARTNER_ID, PARTNER_TOKEN, "501"),
        )
        async with http:
            with pytest.raises(Rejected) as info:
                await tmon.set_stock("TM-001", LINK, {"TM-001-001": 3, "TM-001-002": 0})
        return info.value

    error = asyncio.run(scenario())
    assert (error.message, error.status) == (
        "티몬이 옵션 재고를 바꾸지 않았습니다(TM-001-002: 판매종료된 옵션입니다.). "
        "티몬 판매자센터에서 딜 TM-001의 옵션을 확인하세요.",
        200,
    )


def test_order_lines_carry_no_option_code() -> None:
    """Neither source shows a vendorDealOptionNo in an order ([T1] registOrders looks the deal up; [T2]
    PaTmonOrderList): option_code stays empty, the option is found by tmonDealOptionNo through the link."""
    lines: list[OrderLine] = []

    async def scenario(s: Setup) -> None:
        link = await s.tmon.create_product(PRODUCT, SALES)
        await s.control("seed", {"orders": 3, "seed": 2, "product": link.product_no})
        lines.extend(await s.tmon.collect_orders(now_kst() - dt.timedelta(days=3), now_kst(), "main"))

    run(scenario)
    assert lines and {x.option_code for x in lines} == {""}
    assert {x.option_no for x in lines} <= set(LINK.option_nos.values())


# -- the sandbox's rules ---------------------------------------------------------------------------------------

DEAL = {  # the required fields of [T1] ProdServiceImpl.getProducts
    "vendorDealNo": "D-1",
    "title": "국산 햇사과 5kg",
    "titleDecoration": "산지직송",
    "managedTitle": "국산 햇사과 5kg",
    "productType": "DP07",
    "vendorPolicyNo": 501,
    "deliveryTemplateNo": 1690698,
    "categoryNo": 10010101,
    "mainImages": ["https://img.example.com/apple.jpg"],
    "detailContents": "<p>사과</p>",
    "productInfos": [
        {"productType": "농수산물", "productInfos": [{"section": "생산자", "description": "상세설명 참조"}]}
    ],
    "kcAuthSubmitType": "N",
    "deliveryCorp": "CJ대한통운",
    "dealOptions": [
        {"vendorDealOptionNo": "O-1", "title": "5kg", "salesPrice": 19900, "stock": 10},
        {"vendorDealOptionNo": "O-2", "title": "10kg", "salesPrice": 34900, "stock": 3},
    ],
}
NOW = 1_750_000_000.0


def sandbox(scenario: Callable[[httpx.AsyncClient, dict[str, str]], Awaitable[None]]) -> None:
    async def main(client: httpx.AsyncClient) -> None:
        headers = await tmon_login(client)
        assert (await client.post("/api/V1001/deals", headers=headers, json=DEAL)).status_code == 200
        await scenario(client, headers)

    run_sandbox(main, create_app(clock=lambda: NOW, seed=0))


async def held(client: httpx.AsyncClient) -> tuple[str, list[tuple[int, bool]]]:
    [deal] = (await sandbox_state(client, "tmon"))["products"]
    return deal["salesStatus"], [(o["stock"], o["display"]) for o in deal["dealOptions"]]


def test_swallow_answers_stock_display_pause_and_resume_as_done_and_changes_nothing() -> None:
    """``POST /__sandbox__/swallow``: the writes are checked and answered as if done; the deal read shows the truth;
    switched off (or reset), they apply again."""

    async def scenario(client: httpx.AsyncClient, headers: dict[str, str]) -> None:
        base = "/api/V1001/deals/D-1"
        stock = {"dealOptions": [{"vendorDealOptionNo": "O-2", "stock": 0}]}
        display = {"dealOptions": [{"vendorDealOptionNo": "O-1", "display": False}]}
        assert (await client.post("/__sandbox__/swallow", json={"market": "tmon", "on": True})).status_code == 200
        assert (await sandbox_state(client, "tmon"))["swallow"] is True
        answer = await client.put(base + "/stock", headers=headers, json=stock)
        assert (answer.status_code, answer.json()) == (200, {"O-2": DONE})
        for suffix, body in (("/options/display", display), ("/pause", None)):
            answer = await client.put(base + suffix, headers=headers, json=body)
            assert (answer.status_code, answer.content) == (200, b""), suffix
        assert await held(client) == ("ON_SALE", [(10, True), (3, True)])
        read = (await client.get(base, headers=headers)).json()
        assert (read["salesStatus"], [o["stock"] for o in read["dealOptions"]]) == ("ON_SALE", [10, 3])
        # still checked while swallowed: a bad stock is refused in TMON's shape
        bad = await client.put(base + "/stock", headers=headers, json={"dealOptions": [{"vendorDealOptionNo": "O-2"}]})
        assert (bad.status_code, bad.json()["ResultCode"]) == (400, "INVALID_STOCK")
        await client.post("/__sandbox__/swallow", json={"market": "tmon", "on": False})
        for suffix, body in (("/stock", stock), ("/options/display", display), ("/pause", None)):
            assert (await client.put(base + suffix, headers=headers, json=body)).status_code == 200
        assert await held(client) == ("PAUSE", [(10, False), (0, True)])
        await client.post("/__sandbox__/swallow", json={"market": "tmon", "on": True})
        assert (await client.put(base + "/resume", headers=headers)).status_code == 200
        assert (await held(client))[0] == "PAUSE"
        await client.post("/__sandbox__/reset", json={"market": "tmon"})
        assert (await sandbox_state(client, "tmon"))["swallow"] is False
        wrong = await client.post("/__sandbox__/swallow", json={"market": "tmon", "on": "yes"})
        assert wrong.status_code == 400

    sandbox(scenario)


def test_a_deal_update_of_option_prices_keeps_the_rest_and_is_swallowed() -> None:
    """The deal update is TMON's price write ([T2] "필요하다면 등록된 옵션까지 한꺼번에 수정할 수 있습니다. 기본적으로
    수정될 정보만 세팅하면 되나"): only ``dealOptions`` sent keeps the deal's other fields, and each option's stock and
    display left out stay as they were. ``price`` defaults to ``salesPrice`` and must equal it; 0 won is refused ([T1]).
    Swallowed, it is checked and answered as done and changes nothing, not even the numbering of a new option."""

    async def scenario(client: httpx.AsyncClient, headers: dict[str, str]) -> None:
        base = "/api/V1001/deals/D-1"
        hide = {"dealOptions": [{"vendorDealOptionNo": "O-2", "display": False}]}
        assert (await client.put(base + "/options/display", headers=headers, json=hide)).status_code == 200
        stock = {"dealOptions": [{"vendorDealOptionNo": "O-1", "stock": 4}]}
        assert (await client.put(base + "/stock", headers=headers, json=stock)).status_code == 200
        [before] = (await sandbox_state(client, "tmon"))["products"]

        def options(*priced: tuple[str, str, int, int | None]) -> dict[str, Any]:
            items = [{"vendorDealOptionNo": n, "title": t, "salesPrice": s} for n, t, s, _ in priced]
            for item, (_, _, _, price) in zip(items, priced, strict=True):
                if price is not None:
                    item["price"] = price
            return {"dealOptions": items}

        done = {"deal": DONE, "dealOptions": DONE}
        wrong = await client.put(
            base, headers=headers, json=options(("O-1", "5kg", 21900, 19900), ("O-2", "10kg", 1, 1))
        )
        assert (wrong.status_code, wrong.json()) == (
            400,
            {
                "ResultCode": "INVALID_PRICE",
                "Message": "[옵션 O-1] 가격(price): 판매가(salesPrice)와 같아야 합니다 (판매가 21900, 입력 19900).",
            },
        )
        zero = await client.put(base, headers=headers, json=options(("O-1", "5kg", 0, None), ("O-2", "10kg", 1, 1)))
        assert (zero.status_code, zero.json()["ResultCode"]) == (400, "INVALID_PRICE")
        assert (await sandbox_state(client, "tmon"))["products"] == [before]

        await client.post("/__sandbox__/swallow", json={"market": "tmon", "on": True})
        priced = options(("O-1", "5kg", 21900, 21900), ("O-2", "10kg", 36900, None))
        with_new = options(("O-1", "5kg", 21900, 21900), ("O-2", "10kg", 36900, None), ("O-3", "20kg", 59900, None))
        for body in (priced, with_new):
            answer = await client.put(base, headers=headers, json=body)
            assert (answer.status_code, answer.json()) == (200, done)
        assert (await sandbox_state(client, "tmon"))["products"] == [before]
        read = (await client.get(base, headers=headers)).json()
        assert [o["salesPrice"] for o in read["dealOptions"]] == [19900, 34900]

        await client.post("/__sandbox__/swallow", json={"market": "tmon", "on": False})
        answer = await client.put(base, headers=headers, json=priced)
        assert (answer.status_code, answer.json()) == (200, done)
        [after] = (await sandbox_state(client, "tmon"))["products"]
        assert {k: v for k, v in after.items() if k != "dealOptions"} == {
            k: v for k, v in before.items() if k != "dealOptions"
        }
        assert [
            (o["tmonDealOptionNo"], o["salesPrice"], o["price"], o["stock"], o["display"]) for o in after["dealOptions"]
        ] == [(70000001, 21900, 21900, 4, True), (70000002, 36900, 36900, 3, False)]
        assert (await client.put(base, headers=headers, json=with_new)).status_code == 200
        [after] = (await sandbox_state(client, "tmon"))["products"]
        assert [(o["tmonDealOptionNo"], o["stock"], o["display"]) for o in after["dealOptions"]][2] == (
            70000003,
            0,
            True,
        )

    sandbox(scenario)


def test_seed_draws_from_one_deal_with_one_quantity() -> None:
    """``product`` (a tmonDealNo) draws every order from that deal; ``qty`` is every line's quantity; the draws are
    otherwise those of the same seed without ``qty``."""

    async def scenario(client: httpx.AsyncClient, headers: dict[str, str]) -> None:
        other = {**DEAL, "vendorDealNo": "D-2", "title": "국산 배 5kg", "managedTitle": "국산 배 5kg"}
        other["dealOptions"] = [{"vendorDealOptionNo": "P-1", "title": "5kg", "salesPrice": 25900, "stock": 5}]
        assert (await client.post("/api/V1001/deals", headers=headers, json=other)).status_code == 200
        made = await sandbox_control(client, "tmon", "seed", {"orders": 6, "seed": 9, "product": "30000002", "qty": 3})
        for number in made["orders"]:
            [deal] = (await client.get(f"/api/V1001/orders/{number}", headers=headers)).json()["deals"]
            assert deal["tmonDealNo"] == 30000002
            assert [(o["qty"], o["purchasePrice"]) for o in deal["dealOptions"]] == [(3, 3 * 25900)]
        with_inquiries = {"orders": 2, "inquiries": 3, "seed": 2, "product": 30000001, "qty": 1}
        both = await sandbox_control(client, "tmon", "seed", with_inquiries)
        assert (len(both["orders"]), len(both["inquiries"])) == (2, 3)
        for number in both["orders"]:
            [deal] = (await client.get(f"/api/V1001/orders/{number}", headers=headers)).json()["deals"]
            assert deal["tmonDealNo"] == 30000001 and {o["qty"] for o in deal["dealOptions"]} == {1}
        await client.put("/api/V1001/deals/D-2/pause", headers=headers)
        paused = await client.post("/__sandbox__/seed", json={"market": "tmon", "orders": 1, "product": 30000002})
        assert (paused.status_code, paused.json()) == (
            400,
            {
                "error": "product 30000002 is not a deal of vendor 'V1001' on sale with a displayed option: "
                "register it (and resume it) first"
            },
        )

    sandbox(scenario)


def seeded(extra: dict[str, Any]) -> list[tuple[str, list[int], list[int]]]:
    """Five orders of seed 3 on a fresh sandbox (synthetic deals): (number, option numbers, quantities) each."""
    drawn: list[tuple[str, list[int], list[int]]] = []

    async def scenario(client: httpx.AsyncClient) -> None:
        headers = await tmon_login(client)
        made = await sandbox_control(client, "tmon", "seed", {"orders": 5, "seed": 3, **extra})
        for number in made["orders"]:
            order = (await client.get(f"/api/V1001/orders/{number}", headers=headers)).json()
            options = [option for deal in order["deals"] for option in deal["dealOptions"]]
            drawn.append((number, [o["tmonDealOptionNo"] for o in options], [o["qty"] for o in options]))

    run_sandbox(scenario, create_app(clock=lambda: NOW, seed=0))
    return drawn


def test_seed_with_qty_keeps_the_orders_of_the_same_seed() -> None:
    plain, two = seeded({}), seeded({"qty": 2})
    assert [(n, options) for n, options, _ in plain] == [(n, options) for n, options, _ in two]
    assert {q for _, _, qty in two for q in qty} == {2}
    assert {q for _, _, qty in plain for q in qty} != {2}


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"qty": 0}, "qty must be an integer in [1, 999], got 0"),
        ({"qty": 1000}, "qty must be an integer in [1, 999], got 1000"),
        ({"qty": "2"}, "qty must be an integer in [1, 999], got '2'"),
        ({"qty": True}, "qty must be an integer in [1, 999], got True"),
        ({"product": "D-1"}, "product must be a TMON deal number (tmonDealNo), got 'D-1'"),
        ({"product": 0}, "product must be a TMON deal number (tmonDealNo), got 0"),
        (
            {"product": "39000001"},
            "product 39000001 is not a deal of vendor 'V1001' on sale with a displayed option: "
            "register it (and resume it) first",
        ),
        (
            {"product": "30000001", "vendor": "V1002"},
            "product 30000001 is not a deal of vendor 'V1002' on sale with a displayed option: "
            "register it (and resume it) first",
        ),
    ],
)
def test_seed_refuses_a_bad_qty_or_product(change: dict[str, Any], error: str) -> None:
    async def scenario(client: httpx.AsyncClient, headers: dict[str, str]) -> None:
        answer = await client.post("/__sandbox__/seed", json={"market": "tmon", "orders": 1, **change})
        assert (answer.status_code, answer.json()) == (400, {"error": error})
        assert (await sandbox_state(client, "tmon"))["orders"] == []

    sandbox(scenario)


def test_seller_cancel_only_before_an_invoice() -> None:
    """[T1] requestOrderCancel: D1 and D2 only ("D3 이전 상태까지는 취소가 가능"); a D3 deal is refused in TMON's
    business error shape and stays as it was."""

    async def scenario(client: httpx.AsyncClient, headers: dict[str, str]) -> None:
        made = await sandbox_control(client, "tmon", "seed", {"orders": 2, "seed": 1, "product": "30000001"})
        bodies = []
        for number in made["orders"]:
            deal = (await client.get(f"/api/V1001/orders/{number}", headers=headers)).json()["deals"][0]
            lines = [{"tmonDealOptionNo": o["tmonDealOptionNo"], "qty": o["qty"]} for o in deal["dealOptions"]]
            bodies.append((number, deal, lines))
        (first, deal, lines), (second, other, other_lines) = bodies
        confirm = {"tmonDealNo": other["tmonDealNo"], "tmonDealOptions": other_lines}
        assert (
            await client.put(f"/api/V1001/orders/{second}/confirm", headers=headers, json=confirm)
        ).status_code == 200
        invoice = {
            "deliveryNo": str(other["deliveryNo"]),
            "tmonDealNo": other["tmonDealNo"],
            "tmonDealOptions": other_lines,
            "invoice": {"deliveryCorp": 10001, "invoiceNo": "684512345678"},
        }
        assert (
            await client.post(f"/api/V1001/orders/{second}/invoices", headers=headers, json=invoice)
        ).status_code == 200

        def cancel(number: str, d: dict[str, Any], options: list[dict[str, Any]]) -> dict[str, Any]:
            item = {
                "tmonDealNo": d["tmonDealNo"],
                "reason": "RCD4",
                "reasonDetail": "품절 미배송",
                "tmonDealOptions": options,
            }
            return {"tmonOrderNo": int(number), "deliveryNo": str(d["deliveryNo"]), "tmonDeals": [item]}

        shipped = await client.post(
            "/api/V1001/cancellations", headers=headers, json=cancel(second, other, other_lines)
        )
        assert (shipped.status_code, shipped.json()) == (
            400,
            {
                "ResultCode": "INVALID_DELIVERY_STATUS",
                "Message": "판매자 취소가 불가능한 배송상태입니다. current_state: D3",
            },
        )
        done = await client.post("/api/V1001/cancellations", headers=headers, json=cancel(first, deal, lines))
        assert (done.status_code, done.content) == (200, b"")
        state = await sandbox_state(client, "tmon")
        statuses = {o["tmonOrderNo"]: o["deals"][0]["deliveryStatus"] for o in state["orders"]}
        assert statuses == {first: "C", second: "D3"}
        assert [(c["tmonOrderNo"], c["type"], c["status"]) for c in state["claims"]] == [(first, "cancel", "C3")]

    sandbox(scenario)
