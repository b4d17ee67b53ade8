"""재고 연동 and 판매취소 on G마켓·옥션 (ESM 2.0), the adapter against the sandbox in-process: a product with options is
registered, its options' stock set and read back ([E 26] / [E 21]), a swallowing sandbox proves that what was sent is
not what is shown, and a 품절 판매취소 ([E 52]) cancels a seeded order and is refused after the invoice ([E 70])."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import httpx
import pytest
from helpers import AppClock, FakeClock, sandbox_client

from batch.marketplaces.base import Blocked, MarketClient, Rejected
from batch.marketplaces.esm import Esm, EsmCredentials
from batch.marketplaces.esm_orders import AUCTION, GMARKET
from batch.marketplaces.types import Shown
from batch.models import ClaimStatus, ClaimType, Market, OptionCombo, OrderLine, OrderStatus, Product, SalesInfo
from batch.sandbox.app import create_app

KST = dt.timezone(dt.timedelta(hours=9))
NOW = dt.datetime(2025, 6, 18, 10, 0, tzinfo=KST).timestamp()
MASTER, SECRET = "sandbox-esm-master", "sandbox-esm-secret-key"  # the sandbox's published selling-tool keys

PRODUCT = Product(
    row=3,
    code="STK-1",
    name="다온 면 티셔츠",
    on_sale=True,
    category="패션 > 티셔츠",
    price=15000,
    tax="과세",
    maker="다온",
    brand="다온",
    model="T-1",
    origin="국산",
    adult=False,
    keywords=(),
    detail="<p>면 티셔츠</p>",
    images=("https://img.example.com/tee.jpg",),
    cert_required=False,
    certs=(),
    notice_category="의류",
    notices=(("제품 소재", "면 100%"),),
    option_names=("색상",),
    options=(
        OptionCombo(("블랙",), 0, True, 10),
        OptionCombo(("화이트",), 0, True, 5),
        OptionCombo(("그레이",), 0, True, 3),
    ),
)
SALES = SalesInfo(
    Market.ESM,
    "main",
    "G마켓·옥션-기본",
    (
        ("gmarket_category", "300005739"),
        ("auction_category", "12081600"),
        ("courier", "CJ대한통운"),
        ("ship_place", "1025418"),
        ("dispatch_policy", "85172"),
        ("bundle_fee_template", "4235749"),
        ("address_in", "1546789"),
        ("return_fee", "3000"),
    ),
)
ONE, TWO, THREE = "STK-1-001", "STK-1-002", "STK-1-003"


class Box:
    """The sandbox app, an adapter on it (wall clock moved by hand) and the control API."""

    def __init__(self) -> None:
        self.app = create_app(clock=AppClock(NOW))
        self.client: MarketClient = sandbox_client("esm", self.app, FakeClock())
        self.esm = Esm(self.client, EsmCredentials(MASTER, SECRET, "batch", "sandboxgmkt", "sandboxiac"))
        self.wall = NOW
        self.esm.wall = lambda: self.wall

    async def control(self, action: str, body: dict[str, Any]) -> Any:
        answer = await self.client.http.post(f"/__sandbox__/{action}", json={"market": "esm", **body})
        assert answer.status_code == 200, answer.text
        return answer.json()

    async def state(self) -> dict[str, Any]:
        answer = await self.client.http.get("/__sandbox__/state", params={"market": "esm"})
        found: dict[str, Any] = answer.json()
        return found

    async def esm_call(self, method: str, path: str, site: Any, body: Any = None) -> Any:
        """A call to the sandbox signed as the adapter signs one for ``site`` ([E README])."""
        headers = {"Authorization": f"Bearer {self.esm.token(site)}"}
        answer = await self.client.http.request(method, path, json=body, headers=headers)
        return answer.json()


def order_line(number: int, site: str) -> OrderLine:
    return OrderLine(
        market="esm", account="main", order_no=str(number), delivery_no=str(number), product_no="", option_no="",
        product_name="다온 면 티셔츠", option_text="", qty=2, price=15000, ordered_at="", status=OrderStatus.NEW,
        buyer="", buyer_phone="", receiver="", receiver_phone="", zipcode="", address="", message="", site=site,
    )  # fmt: skip


def test_stock_is_set_read_back_swallowed_and_a_sold_out_cancel_cancels_before_the_invoice_only() -> None:
    async def scenario() -> None:
        box = Box()
        async with box.client.http:
            esm = box.esm
            link = await esm.create_product(PRODUCT, SALES)
            assert link.sites.keys() == {"gmarket", "auction"}
            with pytest.raises(Blocked, match="3분"):  # [E 21] "약 3분" after registration: held, not sent
                await esm.set_stock(PRODUCT.code, link, {ONE: 0})
            box.wall += 181

            # one option to 0, another to 5: the third keeps its 3
            await esm.set_stock(PRODUCT.code, link, {ONE: 0, TWO: 5})
            assert await esm.shown(PRODUCT.code, link) == Shown(on_sale=True, stocks={ONE: 0, TWO: 5, THREE: 3})

            # a swallowing marketplace: the call answers OK, the read shows the old numbers
            await box.control("swallow", {"on": True})
            await esm.set_stock(PRODUCT.code, link, {TWO: 9, THREE: 0})
            assert await esm.shown(PRODUCT.code, link) == Shown(on_sale=True, stocks={ONE: 0, TWO: 5, THREE: 3})
            await box.control("swallow", {"on": False})

            # every option at 0: ESM takes no all-sold-out options, the sale is stopped; stock back, then resumed
            await esm.set_stock(PRODUCT.code, link, {TWO: 0, THREE: 0})
            assert await esm.shown(PRODUCT.code, link) == Shown(on_sale=False, stocks={ONE: 0, TWO: 5, THREE: 3})
            await esm.pause(PRODUCT.code)  # the stock job's own pause: already stopped, nothing more sent
            await esm.set_stock(PRODUCT.code, link, {ONE: 0, TWO: 4, THREE: 0})
            await esm.resume(PRODUCT.code)
            assert await esm.shown(PRODUCT.code, link) == Shown(on_sale=True, stocks={ONE: 0, TWO: 4, THREE: 0})

            # 판매취소 (품절) of a seeded order: cancelled, read back as a finished cancel
            goods = int(link.product_no)
            seeded = await box.control("seed", {"orders": 1, "seed": 5, "qty": 2, "product": goods, "site": "gmarket"})
            [number] = seeded["orders"]
            sold = order_line(number, "gmarket")
            assert await esm.cancel_sale([[sold]], "품절") == {str(number): None}
            order = next(o for o in (await box.state())["orders"] if o["OrderNo"] == number)
            assert (order["cancelled"], order["ContrAmount"]) == (True, 2)
            day = dt.datetime(2025, 6, 18)
            claims = await esm.collect_claims(day, day, "main")
            assert [(c.kind, c.claim_no, c.status, c.site) for c in claims] == [
                (ClaimType.CANCEL, str(number), ClaimStatus.DONE, "gmarket")
            ]
            assert await esm.cancel_sale([[sold]], "품절") == {str(number): None}  # a repeat is done, not refused
            refused = await esm.cancel_sale([[sold]], "배송지연")
            assert isinstance(refused[str(number)], Rejected)

            # after the invoice ([E 70]) the same call is refused, in ESM's own words read back ([E 50])
            seeded = await box.control("seed", {"orders": 1, "seed": 6, "product": goods, "site": "auction"})
            [shipped] = seeded["orders"]
            assert (await box.esm_call("POST", f"/shipping/v1/Order/OrderCheck/{shipped}", AUCTION))["ResultCode"] == 0
            invoice = {
                "OrderNo": shipped,
                "ShippingDate": "2025-06-18T09:30:00",
                "DeliveryCompanyCode": 10013,
                "InvoiceNo": "123456789012",
            }
            sent = await box.esm_call("POST", "/shipping/v1/Delivery/ShippingInfo", AUCTION, invoice)
            assert sent["ResultCode"] == 0
            outcome = await esm.cancel_sale([[order_line(shipped, "auction")]], "품절")
            assert str(outcome[str(shipped)]) == (
                f"옥션 판매취소(주문 {shipped}): 취소할 수 있는 상태가 아닙니다(발송처리된 주문이거나 반품·교환 중일 수 "
                "있습니다). ESM+에서 주문 상태를 확인하세요."
            )
            order = next(o for o in (await box.state())["orders"] if o["OrderNo"] == shipped)
            assert (order["cancelled"], order["status"]) == (False, 3)
            status = await box.esm_call("GET", f"/item/v1/goods/{goods}/sell-status", GMARKET)
            assert status["IsSell"] == {"gmkt": False, "iac": True}  # [E 52]: the 품절 stopped the G마켓 listing

    asyncio.run(scenario())


def test_a_product_without_options_takes_its_stock_and_no_zero() -> None:
    async def scenario() -> None:
        box = Box()
        async with box.client.http:
            plain = Product(
                **{**PRODUCT.__dict__, "code": "STK-2", "option_names": (), "options": (OptionCombo((), 0, True, 7),)}
            )
            link = await box.esm.create_product(plain, SALES)
            box.wall += 181
            await box.esm.set_stock("STK-2", link, {"STK-2-001": 12})
            assert await box.esm.shown("STK-2", link) == Shown(on_sale=True, stocks={"STK-2-001": 12})
            await box.esm.set_stock("STK-2", link, {"STK-2-001": 0})  # [E 194] refuses 0: nothing sent
            assert await box.esm.shown("STK-2", link) == Shown(on_sale=True, stocks={"STK-2-001": 12})
            await box.esm.pause("STK-2")  # what the stock job does at 0
            assert await box.esm.shown("STK-2", link) == Shown(on_sale=False, stocks={"STK-2-001": 12})

    asyncio.run(scenario())


def test_the_swallow_switch_is_on_the_control_api() -> None:
    async def scenario() -> None:
        box = Box()
        async with box.client.http:
            bad = await box.client.http.post("/__sandbox__/swallow", json={"market": "esm", "on": "yes"})
            assert bad.status_code == 400
            await box.control("swallow", {"on": True})
            assert (await box.state())["swallow"] is True

    asyncio.run(scenario())


def test_requests_are_those_the_guide_shows() -> None:
    """The set_stock of options is one GET and one PUT of [E 26]; shown is [E 21]'s GET and [E 26]'s GET."""

    async def scenario() -> None:
        box = Box()
        seen: list[tuple[str, str]] = []

        async def log(request: httpx.Request) -> None:
            seen.append((request.method, request.url.path))

        box.client.http.event_hooks["request"] = [log]
        async with box.client.http:
            link = await box.esm.create_product(PRODUCT, SALES)
            box.wall += 181
            seen.clear()
            await box.esm.set_stock(PRODUCT.code, link, {ONE: 2})
            await box.esm.shown(PRODUCT.code, link)
        goods = f"/item/v1/goods/{link.product_no}"
        assert seen == [
            ("GET", f"{goods}/recommended-options"),
            ("PUT", f"{goods}/recommended-options"),
            ("GET", f"{goods}/sell-status"),
            ("GET", f"{goods}/recommended-options"),
        ]

    asyncio.run(scenario())
