"""Issue 17 on Naver: stock sync (set_stock), the selling price (set_price), what the listing shows (shown) and
판매취소 (cancel_sale), the adapter against the in-process sandbox (the recording setup of test_naver_adapter): exact
requests, exact outcomes, exact state, and the round trip the stock job relies on (a swallowed write still reads back
the old numbers).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from helpers import FakeClock
from test_naver_adapter import NOW, ORDERS, PRODUCT, SALES, Setup, _control, _state, run

from batch.marketplaces.base import ClientSettings, MarketClient, MarketError, Rejected, Unavailable
from batch.marketplaces.naver import Naver, NaverCredentials
from batch.marketplaces.types import SALE_CANCEL_REASONS, Shipment, Shown
from batch.models import OptionCombo, OrderLine, OrderStatus, ProductLink

NUMBER = "10000000001"  # the sandbox's first originProductNo
PRODUCT_PATH = f"/external/v2/products/origin-products/{NUMBER}"
STOCK_PATH = f"/external/v1/products/origin-products/{NUMBER}/option-stock"
STATUS_PATH = f"/external/v1/products/origin-products/{NUMBER}/change-status"
SEARCH_PATH = "/external/v1/products/search"
BULK_PATH = "/external/v1/products/origin-products/bulk-update"


@pytest.fixture
def images(tmp_path: Path) -> Path:
    (tmp_path / "main.jpg").write_bytes(b"\xff\xd8\xff main")
    (tmp_path / "side.png").write_bytes(b"\x89PNG side")
    return tmp_path


def _since(s: Setup, mark: int) -> list[tuple[str, str]]:
    """The marketplace calls after the ``mark``-th one."""
    return s.recorder.calls()[mark:]


# --- set_stock and shown ----------------------------------------------------------------------------------


def test_set_stock_changes_the_named_options_and_shown_reads_them_back(images: Path) -> None:
    """The round trip: one option to 0, another to 5; shown shows exactly that. Swallowed, the write answers OK and
    shown still shows the old numbers. The third option (usable False, price 2000) is never sent."""

    async def scenario(s: Setup) -> None:
        link = await s.naver.create_product(PRODUCT, SALES)
        assert link == ProductLink(
            NUMBER, {"NV-001-001": "40000000001", "NV-001-002": "40000000002", "NV-001-003": "40000000003"}
        )
        mark = len(s.recorder.calls())
        await s.naver.set_stock("NV-001", link, {"NV-001-001": 0, "NV-001-002": 5})
        assert _since(s, mark) == [("GET", PRODUCT_PATH), ("PUT", STOCK_PATH)]  # the link's number: no search
        shown = await s.naver.shown("NV-001", link)
        assert shown == Shown(on_sale=True, stocks={"NV-001-001": 0, "NV-001-002": 5, "NV-001-003": 0}, price=15000)
        assert shown.sold_out("NV-001-001") and not shown.sold_out("NV-001-002")

        await _control(s, "swallow", {"on": True})
        await s.naver.set_stock("NV-001", link, {"NV-001-002": 0})  # answered as done …
        assert await s.naver.shown("NV-001", link) == shown  # … and not applied
        await _control(s, "swallow", {"on": False})

        await s.naver.set_stock("NV-001", link, {"NV-001-002": 0})
        gone = await s.naver.shown("NV-001", link)  # every usable option at 0: Naver's product is OUTOFSTOCK
        assert gone == Shown(on_sale=False, stocks={"NV-001-001": 0, "NV-001-002": 0, "NV-001-003": 0}, price=15000)
        assert (await _state(s))["products"][0]["statusType"] == "OUTOFSTOCK"
        await s.naver.set_stock("NV-001", link, {"NV-001-001": 3})
        assert (await s.naver.shown("NV-001", link)).on_sale is True
        s.keep["mark"] = mark

    s = run(scenario, images_dir=images)
    bodies = [e.json() for e in s.recorder.market("PUT", STOCK_PATH)]
    assert bodies == [
        {
            "optionInfo": {
                "optionCombinations": [
                    {"id": 40000000001, "stockQuantity": 0, "price": 0, "usable": True},
                    {"id": 40000000002, "stockQuantity": 5, "price": 0, "usable": True},
                ],
                "useStockManagement": True,
            }
        },
        *(
            {
                "optionInfo": {
                    "optionCombinations": [{"id": number, "stockQuantity": quantity, "price": 0, "usable": True}],
                    "useStockManagement": True,
                }
            }
            for number, quantity in ((40000000002, 0), (40000000002, 0), (40000000001, 3))
        ),
    ]
    assert SEARCH_PATH not in {path for _, path in _since(s, s.keep["mark"])}
    assert not s.recorder.market("PUT", PRODUCT_PATH)  # never the whole product
    assert not s.recorder.market("PUT", STATUS_PATH)


def test_stock_of_a_product_without_options_goes_through_change_status(images: Path) -> None:
    """A single product's stock: change-status {statusType, stockQuantity}; 0 is OUTOFSTOCK, a paused product stays
    paused with its new stock (2.0.0-RC ExternalApiProductSaleStatusUpdateRequestVo)."""
    single = replace(PRODUCT, option_names=(), options=(OptionCombo((), 0, True, 6),))

    async def scenario(s: Setup) -> None:
        link = await s.naver.create_product(single, SALES)
        assert link == ProductLink(NUMBER, {})
        await s.naver.set_stock("NV-001", link, {"NV-001-001": 0})
        assert await s.naver.shown("NV-001", link) == Shown(on_sale=False, stocks={"NV-001-001": 0}, price=15000)
        await s.naver.set_stock("NV-001", link, {"NV-001-001": 4})
        assert await s.naver.shown("NV-001", link) == Shown(on_sale=True, stocks={"NV-001-001": 4}, price=15000)
        await s.naver.pause("NV-001")
        await s.naver.set_stock("NV-001", link, {"NV-001-001": 2})
        assert await s.naver.shown("NV-001", link) == Shown(on_sale=False, stocks={"NV-001-001": 2}, price=15000)
        mark = len(s.recorder.calls())
        with pytest.raises(Rejected) as caught:
            await s.naver.set_stock("NV-001", link, {"NV-001-002": 1})
        assert caught.value.message == (
            f"스마트스토어 상품 {NUMBER}은(는) 옵션이 없는 상품입니다. 옵션 NV-001-002의 재고는 보낼 수 없습니다. "
            "상품을 다시 보내세요."
        )
        assert _since(s, mark) == [("GET", PRODUCT_PATH)]  # read, nothing written

    s = run(scenario, images_dir=images)
    assert [e.json() for e in s.recorder.market("PUT", STATUS_PATH)] == [
        {"statusType": "OUTOFSTOCK", "stockQuantity": 0},
        {"statusType": "SALE", "stockQuantity": 4},
        {"statusType": "SUSPENSION"},
        {"statusType": "SUSPENSION", "stockQuantity": 2},
    ]
    assert not s.recorder.market("PUT", STOCK_PATH)


def test_set_stock_refuses_what_naver_cannot_take_before_writing(images: Path) -> None:
    async def scenario(s: Setup) -> None:
        link = await s.naver.create_product(PRODUCT, SALES)
        mark = len(s.recorder.calls())
        with pytest.raises(Rejected) as bad:
            await s.naver.set_stock("NV-001", link, {"NV-001-001": -1})
        assert bad.value.message == "스마트스토어 재고는 0~99,999,999개입니다(NV-001-001: -1). 재고를 고치세요."
        with pytest.raises(Rejected) as unknown:
            await s.naver.set_stock("NV-001", link, {"NV-001-009": 1, "NV-001-001": 1})
        assert unknown.value.message == (
            f"스마트스토어 상품 {NUMBER}에 옵션 NV-001-009이(가) 없습니다. 상품을 다시 보내(상품 수정) 옵션을 연동하세요."
        )
        await s.naver.set_stock("NV-001", link, {})  # nothing named: nothing sent
        assert _since(s, mark) == [("GET", PRODUCT_PATH)]

    run(scenario, images_dir=images)


def test_a_link_without_ids_or_number_finds_them_by_code(images: Path) -> None:
    """A link recorded without a number is looked up by our code (search); options without an id in the link are
    found by the sellerManagerCode Naver echoes."""

    async def scenario(s: Setup) -> None:
        await s.naver.create_product(PRODUCT, SALES)
        bare = ProductLink("")
        mark = len(s.recorder.calls())
        await s.naver.set_stock("NV-001", bare, {"NV-001-002": 1})
        assert _since(s, mark) == [("POST", SEARCH_PATH), ("GET", PRODUCT_PATH), ("PUT", STOCK_PATH)]
        shown = await s.naver.shown("NV-001", bare)
        assert shown == Shown(on_sale=True, stocks={"NV-001-001": 10, "NV-001-002": 1, "NV-001-003": 0}, price=15000)

    s = run(scenario, images_dir=images)
    (body,) = [e.json() for e in s.recorder.market("PUT", STOCK_PATH)]
    assert body["optionInfo"]["optionCombinations"] == [
        {"id": 40000000002, "stockQuantity": 1, "price": 0, "usable": True}
    ]


# --- set_price -----------------------------------------------------------------------------------------------


def _bulk(price: int) -> dict[str, object]:
    return {
        "originProductNos": [int(NUMBER)],
        "productBulkUpdateType": "SALE_PRICE",
        "productSalePrice": {
            "value": price,
            "productSalePriceChangerType": "TO",
            "productSalePriceChangerUnitType": "WON",
        },
    }


async def _prices(s: Setup) -> tuple[int, list[int]]:
    """The sandbox's sale price and option prices of the first product."""
    origin = (await _state(s))["products"][0]["originProduct"]
    return origin["salePrice"], [c["price"] for c in origin["detailAttribute"]["optionInfo"]["optionCombinations"]]


def test_set_price_round_trip_keeps_each_options_extra(images: Path) -> None:
    """PRODUCT sells at 15,000원 with extras 0, 0 and 2,000 (the third not usable). A new price with the same extras
    goes alone (bulk-update, no stock); a changed extra goes with it through option-stock (only that combination, its
    stock as read); the same prices again send nothing. shown reads the price back; options sell at price + extra.
    Swallowed, both writes answer OK and nothing changes."""
    extras = {"NV-001-001": 0, "NV-001-002": 0, "NV-001-003": 2000}

    async def scenario(s: Setup) -> None:
        link = await s.naver.create_product(PRODUCT, SALES)
        assert (await s.naver.shown("NV-001", link)).price == 15000
        mark = len(s.recorder.calls())
        await s.naver.set_price("NV-001", link, 18000, extras)
        assert _since(s, mark) == [("GET", PRODUCT_PATH), ("PUT", BULK_PATH)]  # the link's number: no search
        stocks = {"NV-001-001": 10, "NV-001-002": 5, "NV-001-003": 0}
        assert await s.naver.shown("NV-001", link) == Shown(on_sale=True, stocks=stocks, price=18000)
        assert await _prices(s) == (18000, [0, 0, 2000])

        mark = len(s.recorder.calls())
        await s.naver.set_price("NV-001", link, 20000, {"NV-001-002": 1000})  # NV-001-003 not named: 0
        assert _since(s, mark) == [("GET", PRODUCT_PATH), ("PUT", STOCK_PATH)]
        assert await s.naver.shown("NV-001", link) == Shown(on_sale=True, stocks=stocks, price=20000)
        assert await _prices(s) == (20000, [0, 1000, 0])
        mark = len(s.recorder.calls())
        await s.naver.set_price("NV-001", link, 20000, {"NV-001-001": 0, "NV-001-002": 1000})
        assert _since(s, mark) == [("GET", PRODUCT_PATH)]  # Naver shows these prices: nothing sent

        lines = await _lines(s, 6, 3, qty=1, product=NUMBER)
        assert {(x.option_code, x.price) for x in lines} == {("NV-001-001", 20000), ("NV-001-002", 21000)}

        await _control(s, "swallow", {"on": True})
        await s.naver.set_price("NV-001", link, 25000, {"NV-001-002": 1000})  # bulk-update, answered as done …
        await s.naver.set_price("NV-001", link, 25000, {"NV-001-002": 2000})  # option-stock, answered as done …
        assert (await s.naver.shown("NV-001", link)).price == 20000  # … and neither applied
        assert await _prices(s) == (20000, [0, 1000, 0])
        await _control(s, "swallow", {"on": False})

    s = run(scenario, images_dir=images)
    assert [e.json() for e in s.recorder.market("PUT", BULK_PATH)] == [_bulk(18000), _bulk(25000)]
    assert [e.json() for e in s.recorder.market("PUT", STOCK_PATH)] == [
        {
            "productSalePrice": {"salePrice": 20000},
            "optionInfo": {
                "optionCombinations": [
                    {"id": 40000000002, "stockQuantity": 5, "price": 1000, "usable": True},
                    {"id": 40000000003, "stockQuantity": 0, "price": 0, "usable": False},
                ],
                "useStockManagement": True,
            },
        },
        {
            "productSalePrice": {"salePrice": 25000},
            "optionInfo": {
                "optionCombinations": [{"id": 40000000002, "stockQuantity": 5, "price": 2000, "usable": True}],
                "useStockManagement": True,
            },
        },
    ]
    assert not s.recorder.market("PUT", PRODUCT_PATH)  # never the whole product
    assert not s.recorder.market("PUT", STATUS_PATH)


def test_set_price_refusals_reach_the_caller_in_korean(images: Path) -> None:
    """A price Naver cannot take is refused before any call; an option Naver does not have after the read; Naver's
    own 옵션가 제한 refusal (±50 % from 10,000원, at most +100 % under 10,000원) reaches the caller with its words.
    Nothing changes."""

    async def scenario(s: Setup) -> None:
        link = await s.naver.create_product(PRODUCT, SALES)
        mark = len(s.recorder.calls())
        with pytest.raises(Rejected) as zero:
            await s.naver.set_price("NV-001", link, 0, {})
        assert zero.value.message == "스마트스토어 판매가는 1~999,999,990원입니다(0). 판매가를 고치세요."
        assert _since(s, mark) == []
        with pytest.raises(Rejected) as unknown:
            await s.naver.set_price("NV-001", link, 16000, {"NV-001-009": 0})
        assert unknown.value.message == (
            f"스마트스토어 상품 {NUMBER}에 옵션 NV-001-009이(가) 없습니다. 상품을 다시 보내(상품 수정) 옵션을 연동하세요."
        )
        assert _since(s, mark) == [("GET", PRODUCT_PATH)]

        with pytest.raises(Rejected) as wide:  # an extra of 9,000원 on 15,000원: over +50 %
            await s.naver.set_price("NV-001", link, 15000, {"NV-001-001": 9000, "NV-001-003": 2000})
        assert (wide.value.status, wide.value.code) == (400, "BAD_REQUEST")
        assert wide.value.message == (
            "스마트스토어가 요청을 거절했습니다: 옵션가가 판매가의 허용 범위를 벗어납니다. "
            "(optionInfo.optionCombinations[0].price: 옵션 40000000001의 옵션가 9,000원이 판매가 15,000원의 허용 "
            "범위(-7,500~7,500원)를 벗어납니다.)"
        )
        with pytest.raises(Rejected) as low:  # 1,000원 leaves the 2,000원 extra over +100 %
            await s.naver.set_price("NV-001", link, 1000, {"NV-001-003": 2000})
        assert low.value.message == (
            "스마트스토어가 요청을 거절했습니다: 요청 값이 올바르지 않습니다. (originProductNos[0]: 옵션 40000000003의 "
            "옵션가 2,000원이 판매가 1,000원의 허용 범위(0~1,000원)를 벗어납니다.)"
        )
        assert _since(s, mark)[-2:] == [("GET", PRODUCT_PATH), ("PUT", BULK_PATH)]
        assert await _prices(s) == (15000, [0, 0, 2000])

    run(scenario, images_dir=images)


def test_price_of_a_product_without_options_goes_alone_through_bulk_update(images: Path) -> None:
    single = replace(PRODUCT, option_names=(), options=(OptionCombo((), 0, True, 6),))

    async def scenario(s: Setup) -> None:
        link = await s.naver.create_product(single, SALES)
        mark = len(s.recorder.calls())
        await s.naver.set_price("NV-001", link, 9900, {"NV-001-001": 0})
        assert _since(s, mark) == [("GET", PRODUCT_PATH), ("PUT", BULK_PATH)]
        assert await s.naver.shown("NV-001", link) == Shown(on_sale=True, stocks={"NV-001-001": 6}, price=9900)
        with pytest.raises(Rejected) as extra:
            await s.naver.set_price("NV-001", link, 9900, {"NV-001-001": 500})
        assert extra.value.message == (
            f"스마트스토어 상품 {NUMBER}은(는) 옵션이 없는 상품입니다. 옵션 NV-001-001의 추가금액은 보낼 수 없습니다. "
            "상품을 다시 보내세요."
        )
        mark = len(s.recorder.calls())
        await s.naver.set_price("NV-001", ProductLink(""), 12000, {})  # no number in the link: found by code
        assert _since(s, mark) == [("POST", SEARCH_PATH), ("GET", PRODUCT_PATH), ("PUT", BULK_PATH)]
        assert (await s.naver.shown("NV-001", link)).price == 12000

    s = run(scenario, images_dir=images)
    assert [e.json() for e in s.recorder.market("PUT", BULK_PATH)] == [_bulk(9900), _bulk(12000)]
    assert not s.recorder.market("PUT", STOCK_PATH)


# --- cancel_sale and option_code -----------------------------------------------------------------------------


SINCE = NOW - dt.timedelta(days=2, minutes=5)  # every seeded order was paid after it
LATER = NOW + dt.timedelta(hours=1)  # after the changes a scenario makes (the fake clock moves on)


async def _lines(s: Setup, count: int, seed: int, **extra: object) -> list[OrderLine]:
    made = set((await _control(s, "seed", {"orders": count, "seed": seed, **extra}))["orders"])
    lines = await s.naver.collect_orders(SINCE, NOW, "main")
    return sorted((x for x in lines if x.order_no in made), key=lambda x: x.delivery_no)


def _path(line: OrderLine) -> str:
    return f"{ORDERS}/{line.delivery_no}/claim/cancel/request"


def test_orders_carry_our_option_number_as_option_code(images: Path) -> None:
    async def scenario(s: Setup) -> None:
        await s.naver.create_product(PRODUCT, SALES)
        lines = await _lines(s, 5, 3, qty=2, product=NUMBER)
        assert lines and {x.qty for x in lines} == {2}
        assert {x.option_code for x in lines} <= {"NV-001-001", "NV-001-002"}  # the usable combinations
        assert len({x.option_code for x in lines}) == 2

    run(scenario, images_dir=images)


def test_cancel_sale_maps_each_reason_and_refuses_one_naver_has_no_code_for(images: Path) -> None:
    async def scenario(s: Setup) -> None:
        await s.naver.create_product(PRODUCT, SALES)
        lines = await _lines(s, 4, 6, qty=1)
        assert len(lines) >= 4
        assert SALE_CANCEL_REASONS == ("품절", "배송지연", "가격오류", "기타")
        for line, reason in zip(lines, SALE_CANCEL_REASONS, strict=False):
            outcome = await s.naver.cancel_sale([[line]], reason)
            if reason != "기타":
                assert outcome == {line.delivery_no: None}
                continue
            error = outcome[line.delivery_no]
            assert isinstance(error, Rejected) and error.message == (
                "스마트스토어는 판매취소 사유 '기타'를 받지 않습니다. 품절, 배송지연, 가격오류 중에서 고르세요."
            )
        after = {x.delivery_no: x for x in await s.naver.collect_orders(SINCE, LATER, "main")}
        assert [after[x.delivery_no].status for x in lines[:4]] == [OrderStatus.CANCELLED] * 3 + [OrderStatus.NEW]
        claims = await s.naver.collect_claims(SINCE, LATER, "main", latest=True)
        assert sorted((c.claim_no, c.reason) for c in claims) == [
            ("3000000001", "상품 품절"),
            ("3000000002", "배송 지연"),
            ("3000000003", "상품 정보 상이"),
        ]
        s.keep["lines"] = lines

    s = run(scenario, images_dir=images)
    lines = s.keep["lines"]
    sent = [(e.path, e.json()) for e in s.recorder.market("POST") if e.path.endswith("/claim/cancel/request")]
    assert sent == [
        (_path(lines[0]), {"cancelReason": "SOLD_OUT"}),
        (_path(lines[1]), {"cancelReason": "DELAYED_DELIVERY"}),
        (_path(lines[2]), {"cancelReason": "INCORRECT_INFO"}),
    ]


def test_cancel_sale_repeat_is_done_after_an_invoice_refused_per_unit(images: Path) -> None:
    """A repeat is refused by Naver (104442) and read back cancelled: done. A dispatched order and an open buyer's
    cancel request are refused per unit in Korean; the others of the same call still go through."""

    async def scenario(s: Setup) -> None:
        await s.naver.create_product(PRODUCT, SALES)
        first, shipped, asked, plain = (await _lines(s, 4, 7, qty=1))[:4]
        assert await s.naver.cancel_sale([[first]], "품절") == {first.delivery_no: None}
        await s.naver.confirm([[shipped]])
        sent = await s.naver.send_invoices([Shipment(shipped.delivery_no, (shipped,), "CJGLS", "123412341234")])
        assert sent == {shipped.delivery_no: None}
        await _control(s, "claims", {"order": asked.order_no, "productOrder": asked.delivery_no, "type": "cancel"})
        mark = len(s.recorder.calls())
        # our lines still read NEW (collected before): Naver decides
        outcome = await s.naver.cancel_sale([[first], [shipped], [asked], [plain]], "품절")
        assert outcome[first.delivery_no] is None and outcome[plain.delivery_no] is None
        refused = outcome[shipped.delivery_no]
        assert isinstance(refused, Rejected) and (refused.code, refused.message) == (
            "104442",
            "이미 발송된 상품주문은 판매취소할 수 없습니다. 스마트스토어센터에서 반품으로 처리하세요.",
        )
        open_claim = outcome[asked.delivery_no]
        assert isinstance(open_claim, Rejected) and (open_claim.code, open_claim.message) == (
            "104442",
            "이미 취소 요청이 들어온 상품주문입니다. 스마트스토어센터에서 취소 요청을 승인하세요.",
        )
        calls = _since(s, mark)
        assert sorted(calls[:4]) == sorted(("POST", _path(x)) for x in (first, shipped, asked, plain))
        assert calls[4:] == [("POST", f"{ORDERS}/query")]  # the three refused ones read again, once
        state = {o["productOrderId"]: o for o in (await _state(s))["orders"]}
        assert [state[x.delivery_no]["productOrderStatus"] for x in (first, shipped, asked, plain)] == [
            "CANCELED",
            "DELIVERING",
            "PAYED",
            "CANCELED",
        ]

    run(scenario, images_dir=images)


def test_cancel_sale_sends_nothing_for_lines_read_shipped_or_cancelled(images: Path) -> None:
    async def scenario(s: Setup) -> None:
        await s.naver.create_product(PRODUCT, SALES)
        line = (await _lines(s, 1, 2, qty=1))[0]
        mark = len(s.recorder.calls())
        shipped = replace(line, status=OrderStatus.SHIPPING)
        cancelled = replace(line, delivery_no="2026112811111111", status=OrderStatus.CANCELLED)
        outcome = await s.naver.cancel_sale([[shipped], [cancelled]], "품절")
        assert set(outcome) == {line.delivery_no, cancelled.delivery_no} and outcome[cancelled.delivery_no] is None
        error = outcome[line.delivery_no]
        assert isinstance(error, Rejected) and error.message == (
            "이미 발송된 상품주문은 판매취소할 수 없습니다. 스마트스토어센터에서 반품으로 처리하세요."
        )
        assert _since(s, mark) == []

    run(scenario, images_dir=images)


def test_a_cancel_naver_leaves_unanswered_may_have_landed() -> None:
    """Neither in successProductOrderIds nor in failProductOrderInfos: reported as may-have-landed, never re-sent."""
    sent: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/oauth2/token"):
            return httpx.Response(200, json={"access_token": "t", "expires_in": 10800, "token_type": "Bearer"})
        sent.append(request.url.path)
        return httpx.Response(
            200, json={"traceId": "x", "data": {"successProductOrderIds": [], "failProductOrderInfos": []}}
        )

    async def main() -> dict[str, MarketError | None]:
        http = httpx.AsyncClient(transport=httpx.MockTransport(handler), base_url="https://api.test/external")
        client = MarketClient("naver", http, ClientSettings(rate_limit=0, max_attempts=3), clock=FakeClock())
        naver = Naver(client, NaverCredentials("sandbox-naver", "$2a$10$abcdefghijklmnopqrstuv"))
        async with http:
            line = OrderLine(
                "naver", "main", "1", "2026112811111111", "", "", "", "", 1, 0, "", OrderStatus.NEW, *[""] * 7
            )
            return await naver.cancel_sale([[line]], "배송지연")

    outcome = asyncio.run(main())
    error = outcome["2026112811111111"]
    assert isinstance(error, Unavailable) and error.outcome_unknown and error.code == "UNANSWERED"
    assert (
        error.message
        == "스마트스토어가 이 주문의 판매취소 결과를 알려 주지 않았습니다. 스마트스토어센터에서 확인하세요."
    )
    assert sent == ["/external/v1/pay-order/seller/product-orders/2026112811111111/claim/cancel/request"]
