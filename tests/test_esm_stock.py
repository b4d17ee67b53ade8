"""재고 연동 and 판매취소 on G마켓·옥션 (ESM 2.0), the adapter against the sandbox in-process: a product with options is
registered, its options' stock set and read back ([E 26] / [E 21]), a swallowing sandbox proves that what was sent is
not what is shown, and a 품절 판매취소 ([E 52]) cancels a seeded order and is refused after the invoice ([E 70]).
판매가: [E 186]'s price call after [E 21]'s and [E 26]'s reads, the options' 추가금 resent only when they differ."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
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
            assert await esm.shown(PRODUCT.code, link) == Shown(
                on_sale=True, stocks={ONE: 0, TWO: 5, THREE: 3}, price=15000
            )

            # a swallowing marketplace: the call answers OK, the read shows the old numbers
            await box.control("swallow", {"on": True})
            await esm.set_stock(PRODUCT.code, link, {TWO: 9, THREE: 0})
            assert await esm.shown(PRODUCT.code, link) == Shown(
                on_sale=True, stocks={ONE: 0, TWO: 5, THREE: 3}, price=15000
            )
            await box.control("swallow", {"on": False})

            # every option at 0: ESM takes no all-sold-out options, the sale is stopped; stock back, then resumed
            await esm.set_stock(PRODUCT.code, link, {TWO: 0, THREE: 0})
            assert await esm.shown(PRODUCT.code, link) == Shown(
                on_sale=False, stocks={ONE: 0, TWO: 5, THREE: 3}, price=15000
            )
            await esm.pause(PRODUCT.code)  # the stock job's own pause: already stopped, nothing more sent
            await esm.set_stock(PRODUCT.code, link, {ONE: 0, TWO: 4, THREE: 0})
            await esm.resume(PRODUCT.code)
            assert await esm.shown(PRODUCT.code, link) == Shown(
                on_sale=True, stocks={ONE: 0, TWO: 4, THREE: 0}, price=15000
            )

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
            assert await box.esm.shown("STK-2", link) == Shown(on_sale=True, stocks={"STK-2-001": 12}, price=15000)
            await box.esm.set_stock("STK-2", link, {"STK-2-001": 0})  # [E 194] refuses 0: nothing sent
            assert await box.esm.shown("STK-2", link) == Shown(on_sale=True, stocks={"STK-2-001": 12}, price=15000)
            await box.esm.pause("STK-2")  # what the stock job does at 0
            assert await box.esm.shown("STK-2", link) == Shown(on_sale=False, stocks={"STK-2-001": 12}, price=15000)

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


# -- 판매가 (set_price) -------------------------------------------------------------------------------------------

PRICED = Product(
    **{
        **PRODUCT.__dict__,
        "code": "PRC-1",
        "options": (
            OptionCombo(("블랙",), 0, True, 10),
            OptionCombo(("화이트",), 1000, True, 5),
            OptionCombo(("그레이",), -2000, True, 3),
        ),
    }
)
P1, P2, P3 = "PRC-1-001", "PRC-1-002", "PRC-1-003"


class Logged(Box):
    """A Box that keeps every request the adapter sends (method, path, JSON body)."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[str, str, Any]] = []

        async def log(request: httpx.Request) -> None:
            body = json.loads(request.content) if request.content else None
            self.seen.append((request.method, request.url.path, body))

        self.client.http.event_hooks["request"] = [log]

    def calls(self) -> list[tuple[str, str, Any]]:
        """The requests since the last call, the reads without their (empty) bodies."""
        seen, self.seen = self.seen, []
        return seen

    async def extras(self, goods: str) -> list[int]:
        """The rows' 추가금 as [E 26]'s GET shows them."""
        answer = await self.esm_call("GET", f"/item/v1/goods/{goods}/recommended-options", None)
        return [int(row["addAmnt"]) for row in answer["independent"]["details"]]


def test_price_is_set_read_back_and_each_option_sells_at_price_plus_its_extra() -> None:
    async def scenario() -> None:
        box = Logged()
        async with box.client.http:
            esm = box.esm
            link = await esm.create_product(PRICED, SALES)
            goods = f"/item/v1/goods/{link.product_no}"
            extras = {P1: 0, P2: 1000, P3: -2000}
            box.calls()
            with pytest.raises(Blocked, match="3분"):  # [E 21] "약 3분" after registration: held, nothing sent
                await esm.set_price(PRICED.code, link, 20000, extras)
            assert box.calls() == []
            box.wall += 181

            # [E 186]: the price alone, to both selling sites; the rows carry their 추가금 already: no option call
            await esm.set_price(PRICED.code, link, 20000, extras)
            assert box.calls() == [
                ("GET", f"{goods}/sell-status", None),
                ("GET", f"{goods}/recommended-options", None),
                ("PUT", f"{goods}/price", {"iac": 20000, "gmkt": 20000}),
            ]
            shown = await esm.shown(PRICED.code, link)
            assert shown == Shown(on_sale=True, stocks={P1: 10, P2: 5, P3: 3}, price=20000)
            assert [shown.price + extra for extra in await box.extras(link.product_no)] == [20000, 21000, 18000]
            status = await box.esm_call("GET", f"{goods}/sell-status", None)
            assert status["itemBasicInfo"]["Price"] == {"gmkt": 20000.0, "iac": 20000.0}
            box.calls()

            # the same again: read, nothing written
            await esm.set_price(PRICED.code, link, 20000, extras)
            assert [m for m, _, _ in box.calls()] == ["GET", "GET"]

            # a changed extra (and one left out = 0): the options go back as read, only addAmnt changed
            await esm.set_price(PRICED.code, link, 20000, {P2: 3000})
            [put] = [c for c in box.calls() if c[0] == "PUT"]
            assert put[1] == f"{goods}/recommended-options"
            rows = put[2]["independent"]["details"]
            assert [(r["manageCode"], r["addAmnt"], r["addAmntSite"], r["qty"]) for r in rows] == [
                (P1, 0, {"gmkt": 0, "iac": 0}, {"iac": 10, "gmkt": 10}),
                (P2, 3000, {"gmkt": 3000, "iac": 3000}, {"iac": 5, "gmkt": 5}),
                (P3, 0, {"gmkt": 0, "iac": 0}, {"iac": 3, "gmkt": 3}),
            ]
            assert await box.extras(link.product_no) == [0, 3000, 0]
            box.calls()

            # 20,000 -> 2,000 with 화이트 at +1,000: its +3,000 does not fit 2,000 (−1,000~2,000), the new +1,000 fits
            # 20,000: the options go first
            await esm.set_price(PRICED.code, link, 2000, {P2: 1000})
            assert [(m, p.rsplit("/", 1)[-1]) for m, p, _ in box.calls()] == [
                ("GET", "sell-status"),
                ("GET", "recommended-options"),
                ("PUT", "recommended-options"),
                ("PUT", "price"),
            ]
            # 2,000 -> 9,990 with +9,000: the rows as they are fit 9,990 (−4,995~9,990): the price goes first
            await esm.set_price(PRICED.code, link, 9990, {P2: 9000})
            assert [(m, p.rsplit("/", 1)[-1]) for m, p, _ in box.calls()][2:] == [
                ("PUT", "price"),
                ("PUT", "recommended-options"),
            ]
            assert (await esm.shown(PRICED.code, link)).price == 9990
            assert await box.extras(link.product_no) == [0, 9000, 0]
            box.calls()

    asyncio.run(scenario())


def test_price_refusals_reach_the_caller_in_korean_and_send_nothing() -> None:
    async def scenario() -> None:
        box = Logged()
        async with box.client.http:
            esm = box.esm
            link = await esm.create_product(PRICED, SALES)
            box.wall += 181
            extras = {P1: 0, P2: 1000, P3: -2000}
            box.calls()
            with pytest.raises(Rejected) as caught:  # [E 186] "10원단위로 등록": refused before sending
                await esm.set_price(PRICED.code, link, 15005, extras)
            assert caught.value.message == (
                "G마켓·옥션 판매가는 10원 단위, 10원 이상 10억 원 미만이어야 합니다(지금 15,005원). 재고 관리 파일의 판매가를 "
                "고친 뒤 다시 실행하세요."
            )
            assert box.calls() == []
            with pytest.raises(Rejected) as caught:  # [E 26] 1만원 이상 −50~50 %: +6,000 does not fit 10,000
                await esm.set_price(PRICED.code, link, 10000, {P2: 6000})
            assert caught.value.message == (
                f"G마켓·옥션 상품 {link.product_no}의 옵션 추가금이 판매가에 비해 허용 범위를 벗어납니다(옵션 {P2}: 옥션 "
                "판매가 10,000원 기준 -5,000원~5,000원, 지금 6,000원). 옵션 추가금이나 판매가를 고친 뒤 다시 실행하세요."
            )
            assert [m for m, _, _ in box.calls()] == ["GET", "GET"]
            # 15,000 -> 9,990 with 그레이 at +9,000: the rows as they are fit 9,990 (−4,995~9,990), the price goes first;
            # then 9,990 -> 10,000 with 그레이 +9,000 -> −5,000: +9,000 does not fit 10,000 (−5,000~5,000) and −5,000
            # does not fit 9,990: neither order works, nothing is sent
            await esm.set_price(PRICED.code, link, 9990, {P2: 1000, P3: 9000})
            box.calls()
            with pytest.raises(Rejected, match="판매가와 옵션 추가금을 함께 바꿔야 합니다"):
                await esm.set_price(PRICED.code, link, 10000, {P2: 1000, P3: -5000})
            assert [m for m, _, _ in box.calls()] == ["GET", "GET"]
            assert (await esm.shown(PRICED.code, link)).price == 9990
            # a product without options takes no 추가금
            plain = Product(
                **{**PRODUCT.__dict__, "code": "PRC-2", "option_names": (), "options": (OptionCombo((), 0, True, 7),)}
            )
            plain_link = await esm.create_product(plain, SALES)
            box.wall += 181
            box.calls()
            with pytest.raises(Rejected, match="옵션이 없는 상품인데 옵션 PRC-2-001의 추가금이 왔습니다"):
                await esm.set_price("PRC-2", plain_link, 12000, {"PRC-2-001": 500})
            assert [m for m, _, _ in box.calls()] == ["GET", "GET"]
            await esm.set_price("PRC-2", plain_link, 12000, {"PRC-2-001": 0})
            assert box.calls()[-1] == (
                "PUT",
                f"/item/v1/goods/{plain_link.product_no}/price",
                {"iac": 12000, "gmkt": 12000},
            )
            assert await esm.shown("PRC-2", plain_link) == Shown(on_sale=True, stocks={"PRC-2-001": 7}, price=12000)

    asyncio.run(scenario())


def test_a_swallowed_price_keeps_the_old_one_and_a_stopped_site_keeps_its_price_until_it_sells() -> None:
    async def scenario() -> None:
        box = Logged()
        async with box.client.http:
            esm = box.esm
            link = await esm.create_product(PRICED, SALES)
            goods = f"/item/v1/goods/{link.product_no}"
            box.wall += 181
            extras = {P1: 0, P2: 1000, P3: -2000}

            # swallowing: the price and option writes answer as done, the reads show the old numbers
            await box.control("swallow", {"on": True})
            await esm.set_price(PRICED.code, link, 18000, {P2: 4000})
            assert [m for m, _, _ in box.calls()][-2:] == ["PUT", "PUT"]
            assert (await esm.shown(PRICED.code, link)).price == 15000
            assert await box.extras(link.product_no) == [0, 1000, -2000]
            await box.control("swallow", {"on": False})

            # stopped everywhere (the stock job's pause): held, nothing sent
            await esm.pause(PRICED.code)
            box.calls()
            with pytest.raises(Blocked) as held:
                await esm.set_price(PRICED.code, link, 18000, extras)
            assert held.value.message == (
                f"G마켓·옥션 상품 {link.product_no}은(는) 판매중지 상태라 가격을 바꿀 수 없습니다(ESM은 판매 중인 상품만 가격을 "
                "바꿉니다). 판매가 재개되면 다음 동기화 때 다시 보냅니다."
            )
            assert [m for m, _, _ in box.calls()] == ["GET", "GET"]
            await esm.resume(PRICED.code)

            # 옥션 stopped alone ([E 21]): G마켓 takes the price, 옥션 is named; the sites differ, no price is shown
            stop = {"isSell": {"gmkt": True, "iac": False}, "itemBasicInfo": {
                "price": {"gmkt": 15000, "iac": 0}, "stock": {"gmkt": 18, "iac": 0}, "sellingPeriod": {"gmkt": 0, "iac": 0}}}  # fmt: skip
            assert (await box.esm_call("PUT", f"{goods}/sell-status", None, stop))["resultCode"] == 0
            box.calls()
            with pytest.raises(Rejected) as partial:
                await esm.set_price(PRICED.code, link, 18000, extras)
            assert partial.value.message == (
                f"G마켓·옥션 상품 {link.product_no}의 옥션은(는) 판매중지 상태라 가격을 바꾸지 못했습니다(ESM은 판매 중인 "
                "상품만 가격을 바꿉니다). 옥션 판매가 재개되면 다음 동기화 때 다시 보냅니다."
            )
            assert box.calls()[-1] == ("PUT", f"{goods}/price", {"gmkt": 18000})
            assert (await esm.shown(PRICED.code, link)).price is None
            await esm.resume(PRICED.code)  # [E 21] sends each site's price as read: 옥션 still 15,000
            await esm.set_price(PRICED.code, link, 18000, extras)
            assert box.calls()[-1] == ("PUT", f"{goods}/price", {"iac": 18000})
            assert (await esm.shown(PRICED.code, link)).price == 18000

    asyncio.run(scenario())


def test_the_sandbox_price_call_follows_the_guide() -> None:
    """[E 186] on the sandbox directly: its 1원단위 refusal, [E 21]'s 0원, a stopped site left as it is, the option
    bands (❓ the price side of [E 26]'s rule, also on [E 21]) and the swallow switch."""

    async def scenario() -> None:
        box = Box()
        async with box.client.http:
            link = await box.esm.create_product(PRICED, SALES)
            goods = f"/item/v1/goods/{link.product_no}"

            async def put(body: Any) -> Any:
                return await box.esm_call("PUT", f"{goods}/price", None, body)

            async def prices() -> Any:
                return (await box.esm_call("GET", f"{goods}/sell-status", None))["itemBasicInfo"]["Price"]

            assert await put({"gmkt": 12005}) == {
                "resultCode": 1000,
                "message": "[GMKT]1원단위는 입력하실 수 없습니다.",
                "data": None,
            }
            assert (await put({"iac": 0}))["message"] == "[InvalidApiRequestEx][IAC]0원 금액은 입력하실 수 없습니다."
            assert (await put({"iac": 1_000_000_000}))["message"] == "[IAC]판매가격은 10억 원 미만으로 입력해 주세요."
            assert (await put({}))["message"] == "바꿀 가격을 gmkt 또는 iac에 10원 단위로 입력해 주세요."
            # 그레이 at -2,000 does not fit 3,000 (−1,500~3,000)
            assert (await put({"gmkt": 3000}))["message"] == (
                '[InvalidApiRequestEx][\\"[GMKT] 주문옵션 추가금(addAmnt)은 판매가 3000원 기준 -1500원 ~ 3000원 사이로 '
                "입력해 주세요 < -2000"
            )
            assert await prices() == {"gmkt": 15000.0, "iac": 15000.0}  # all or nothing
            assert await put({"gmkt": 12000}) == {
                "resultCode": 0,
                "message": "[GMKT] 성공",
                "goodsNo": int(link.product_no),
            }
            assert await prices() == {"gmkt": 12000.0, "iac": 15000.0}
            stop = {"isSell": {"gmkt": True, "iac": False}, "itemBasicInfo": {
                "price": {"gmkt": 3000, "iac": 0}, "stock": {"gmkt": 18, "iac": 0}, "sellingPeriod": {"gmkt": 0, "iac": 0}}}  # fmt: skip
            assert (await box.esm_call("PUT", f"{goods}/sell-status", None, stop))["resultCode"] == 1000  # [E 21] too
            stop["itemBasicInfo"]["price"]["gmkt"] = 12000
            assert (await box.esm_call("PUT", f"{goods}/sell-status", None, stop))["resultCode"] == 0
            # [E 186] "판매중지 상품은 가격 수정되지 않습니다": 옥션 keeps 15,000, the answer as done
            assert (await put({"gmkt": 13000, "iac": 13000}))["message"] == "[IAC] 성공 / [GMKT] 성공"
            assert await prices() == {"gmkt": 13000.0, "iac": 15000.0}
            await box.control("swallow", {"on": True})
            assert (await put({"gmkt": 14000}))["resultCode"] == 0
            assert await prices() == {"gmkt": 13000.0, "iac": 15000.0}

    asyncio.run(scenario())
