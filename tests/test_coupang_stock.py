"""Coupang's part of 재고 연동 and 판매취소 against the in-process sandbox: ``set_stock`` and ``shown`` per vendor item,
``cancel_sale`` per shipment box (exact requests, the reason table, refusals per unit), the option code orders echo,
and the round trip the issue asks for (stock set and read back, swallowed, a seeded order cancelled, an invoiced one
refused)."""

from __future__ import annotations

from typing import Any

import pytest
from test_coupang_adapter import END, PRODUCT, SALES, SELLER, START, V5, VENDOR, Setup, run, units

from batch.marketplaces.base import Rejected
from batch.marketplaces.coupang import CANCEL_CODES, CANCEL_INVOICED, CANCEL_PENDING, no_cancel_code
from batch.marketplaces.types import SALE_CANCEL_REASONS, Shipment, Shown
from batch.models import ClaimStatus, ClaimType, OrderLine, OrderStatus, ProductLink

LINK = ProductLink("14000001", {"CP-001-001": "3200000001", "CP-001-002": "3200000002"})
ITEM_1, ITEM_2 = "3200000001", "3200000002"


async def inventories(s: Setup) -> dict[str, tuple[int, bool]]:
    """The sandbox's own record: vendorItemId -> (stock, on sale)."""
    [product] = (await s.state())["products"]
    return {str(i["vendorItemId"]): (i["maximumBuyCount"], i["saleStatus"] == "ONSALE") for i in product["items"]}


# -- set_stock and shown ---------------------------------------------------------------------------------------


def test_set_stock_sends_one_quantities_call_per_option_named_and_nothing_else() -> None:
    after: list[dict[str, tuple[int, bool]]] = []

    async def scenario(s: Setup) -> None:
        assert await s.coupang.create_product(PRODUCT, SALES) == LINK
        s.recorder.seen.clear()
        await s.coupang.set_stock("CP-001", LINK, {"CP-001-002": 5})
        await s.coupang.set_stock("CP-001", LINK, {"CP-001-001": 0, "CP-001-002": -2})
        after.append(await inventories(s))

    setup = run(scenario)
    # C1 change-quantity-by-product, one PUT per option; the link is used as is (no look-up call)
    assert [(e.method, e.path, e.body, e.status) for e in setup.recorder.market()] == [
        ("PUT", f"{SELLER}/vendor-items/{ITEM_2}/quantities/5", b"", 200),
        ("PUT", f"{SELLER}/vendor-items/{ITEM_1}/quantities/0", b"", 200),
        ("PUT", f"{SELLER}/vendor-items/{ITEM_2}/quantities/0", b"", 200),  # sold more than held: 0
    ]
    assert setup.recorder.market()[0].reply() == {
        "code": "SUCCESS",
        "message": "재고 변경을 완료했습니다.",
        "data": None,
    }
    assert after == [{ITEM_1: (0, True), ITEM_2: (0, True)}]  # price and sale status untouched


def test_set_stock_looks_up_an_option_the_link_lacks_and_refuses_one_coupang_has_not_approved() -> None:
    errors: list[Rejected] = []

    async def scenario(s: Setup) -> None:
        await s.coupang.create_product(PRODUCT, SALES)
        s.recorder.seen.clear()
        stale = ProductLink("14000001", {"CP-001-001": ITEM_1})
        await s.coupang.set_stock("CP-001", stale, {"CP-001-002": 7})
        with pytest.raises(Rejected) as caught:
            await s.coupang.set_stock("CP-001", LINK, {"CP-001-001": 3, "CP-001-009": 1})
        errors.append(caught.value)

    setup = run(scenario)
    assert [(e.method, e.path) for e in setup.recorder.market()] == [
        ("GET", f"{SELLER}/seller-products/external-vendor-sku-codes/CP-001-001"),
        ("GET", f"{SELLER}/seller-products/14000001"),
        ("PUT", f"{SELLER}/vendor-items/{ITEM_2}/quantities/7"),
        ("GET", f"{SELLER}/seller-products/external-vendor-sku-codes/CP-001-001"),
        ("GET", f"{SELLER}/seller-products/14000001"),
        ("PUT", f"{SELLER}/vendor-items/{ITEM_1}/quantities/3"),  # the others are sent first
    ]
    assert errors[0].message == (
        "쿠팡 옵션 CP-001-009은(는) 아직 승인되지 않아(옵션ID 없음) 재고를 바꿀 수 없습니다. "
        "쿠팡 WING에서 승인 상태를 확인한 뒤 다시 실행하세요."
    )


def test_shown_reads_each_option_and_the_listing_is_off_sale_when_stopped_or_empty() -> None:
    shown: list[Shown | None] = []

    async def scenario(s: Setup) -> None:
        await s.coupang.create_product(PRODUCT, SALES)
        s.recorder.seen.clear()
        shown.append(await s.coupang.shown("CP-001", LINK))
        await s.coupang.set_stock("CP-001", LINK, {"CP-001-001": 0})
        shown.append(await s.coupang.shown("CP-001", LINK))  # every option at 0
        await s.coupang.set_stock("CP-001", LINK, {"CP-001-002": 4})
        shown.append(await s.coupang.shown("CP-001", LINK))
        await s.coupang.pause("CP-001")
        shown.append(await s.coupang.shown("CP-001", LINK))  # stopped, stock kept
        shown.append(await s.coupang.shown("CP-001", ProductLink("14000001")))  # no vendorItemId: looked up

    setup = run(scenario)
    assert shown == [
        Shown(on_sale=True, stocks={"CP-001-001": 10, "CP-001-002": 0}),
        Shown(on_sale=False, stocks={"CP-001-001": 0, "CP-001-002": 0}),
        Shown(on_sale=True, stocks={"CP-001-001": 0, "CP-001-002": 4}),
        Shown(on_sale=False, stocks={"CP-001-001": 0, "CP-001-002": 4}),
        Shown(on_sale=False, stocks={"CP-001-001": 0, "CP-001-002": 4}),
    ]
    reads = setup.recorder.market("GET", f"{SELLER}/vendor-items/{ITEM_1}/inventories")
    assert len(reads) == 5 and reads[0].query == ""
    # C1 lookup-quantity-price-status-by-product: its sample's fields
    assert reads[0].reply() == {
        "code": "SUCCESS",
        "message": "",
        "data": {
            "sellerItemId": 3200000001,
            "amountInStock": 10,
            "salePrice": 15000,
            "onSale": True,
            "bestPriceGuaranteed3P": False,
        },
    }


def test_shown_of_a_product_awaiting_approval_is_off_sale_with_no_stock() -> None:
    shown: list[Shown | None] = []

    async def scenario(s: Setup) -> None:
        shown.append(await s.coupang.shown("NONE", ProductLink("1")))

    setup = run(scenario)
    assert shown == [Shown(on_sale=False, stocks={})]
    assert [e.path for e in setup.recorder.market()] == [f"{SELLER}/seller-products/external-vendor-sku-codes/NONE-001"]


# -- orders: the option code, cancel_sale -----------------------------------------------------------------------


async def seeded(s: Setup, **more: Any) -> list[OrderLine]:
    """Orders for the registered product (1 unit a line unless ``qty``), collected."""
    await s.control("seed", {"orders": 1, "seed": 1, "product": "14000001", "qty": 1, **more})
    return await s.coupang.collect_orders(START, END, "main")


def test_collected_lines_carry_the_option_code_coupang_echoes() -> None:
    got: list[OrderLine] = []

    async def scenario(s: Setup) -> None:
        await s.coupang.create_product(PRODUCT, SALES)
        got.extend(await seeded(s, orders=3, qty=2))

    run(scenario)
    assert {(line.option_no, line.option_code) for line in got} == {(ITEM_1, "CP-001-001"), (ITEM_2, "CP-001-002")}
    assert {line.qty for line in got} == {2}


def test_cancel_sale_reads_the_box_then_cancels_what_is_left_with_the_reasons_code() -> None:
    outcomes: list[Any] = []
    lines: list[OrderLine] = []
    states: list[dict[str, Any]] = []

    async def scenario(s: Setup) -> None:
        await s.coupang.create_product(PRODUCT, SALES)
        lines.extend(await seeded(s, qty=3))
        s.recorder.seen.clear()
        outcomes.append(await s.coupang.cancel_sale(units(lines), "품절"))
        states.append(await s.state())
        outcomes.append(await s.coupang.cancel_sale(units(lines), "품절"))  # again: done, nothing sent
        lines.extend(await s.coupang.collect_orders(START, END, "main"))
        outcomes.append(await s.coupang.collect_claims(START, END, "main"))

    setup = run(scenario)
    [box] = states[0]["orders"]
    key = str(box["shipmentBoxId"])
    assert outcomes[0] == {key: None} and outcomes[1] == {key: None}
    calls = setup.recorder.market()
    assert [(e.method, e.path) for e in calls[:2]] == [
        ("GET", f"{V5}/ordersheets/{key}"),
        ("POST", f"{V5}/orders/{box['orderId']}/cancel"),
    ]
    ordered = [i for i in box["orderItems"]]
    assert calls[1].json() == {
        "orderId": box["orderId"],
        "vendorItemIds": [i["vendorItemId"] for i in ordered],
        "receiptCounts": [3] * len(ordered),
        "bigCancelCode": "CANERR",
        "middleCancelCode": "CCTTER",  # 품절 (C1: 재고 연동 오류)
        "vendorId": VENDOR,
        "userId": "sandbox-wing",
    }
    assert calls[1].headers["content-type"] == "application/json;charset=UTF-8"
    assert (calls[1].status, calls[1].reply()["code"], calls[1].reply()["data"]["failedVendorItemIds"]) == (
        200,
        "SUCCESS",
        [],
    )
    assert [(e.method, e.path) for e in calls[2:3]] == [("GET", f"{V5}/ordersheets/{key}")]  # the repeat: read only
    assert not [e for e in calls[3:] if e.method == "POST"]
    assert [(i["cancelCount"], i["canceled"]) for i in box["orderItems"]] == [(3, True)] * len(ordered)
    assert {line.status for line in lines[len(ordered) :]} == {OrderStatus.CANCELLED}
    [claim] = {(c.claim_no, c.kind, c.status) for c in outcomes[2]}
    assert claim[1:] == (ClaimType.CANCEL, ClaimStatus.DONE)


@pytest.mark.parametrize(("reason", "code"), [("품절", "CCTTER"), ("가격오류", "CCPRER")])
def test_each_reason_coupang_takes_is_sent_as_its_code(reason: str, code: str) -> None:
    async def scenario(s: Setup) -> None:
        await s.coupang.create_product(PRODUCT, SALES)
        lines = await seeded(s)
        assert set((await s.coupang.cancel_sale(units(lines), reason)).values()) == {None}

    setup = run(scenario)
    [post] = setup.recorder.market("POST", next(e.path for e in setup.recorder.market("POST") if "/cancel" in e.path))
    assert (post.json()["bigCancelCode"], post.json()["middleCancelCode"]) == ("CANERR", code)


@pytest.mark.parametrize("reason", ["배송지연", "기타"])
def test_a_reason_coupang_has_no_code_for_is_refused_per_unit_without_a_call(reason: str) -> None:
    outcomes: list[Any] = []

    async def scenario(s: Setup) -> None:
        await s.coupang.create_product(PRODUCT, SALES)
        lines = await seeded(s, orders=2)
        s.recorder.seen.clear()
        outcomes.append((await s.coupang.cancel_sale(units(lines), reason), {line.delivery_no for line in lines}))

    setup = run(scenario)
    result, keys = outcomes[0]
    assert set(result) == keys and len(keys) >= 2
    assert all(isinstance(e, Rejected) for e in result.values())
    assert {e.message for e in result.values()} == {no_cancel_code(reason)}
    assert no_cancel_code(reason) == (
        f"쿠팡은 판매취소 사유로 품절, 가격오류만 받습니다. '{reason}'(으)로 취소하려면 쿠팡 WING에서 주문을 취소하세요."
    )
    assert setup.recorder.market() == []
    assert set(SALE_CANCEL_REASONS) - set(CANCEL_CODES) == {"배송지연", "기타"}  # every other reason has its code


def test_a_confirmed_box_is_stopped_and_an_invoiced_or_buyer_cancelled_box_is_refused_alone() -> None:
    outcomes: list[Any] = []
    states: list[dict[str, Any]] = []

    async def scenario(s: Setup) -> None:
        await s.coupang.create_product(PRODUCT, SALES)
        lines = await seeded(s, orders=3)
        boxes = units(lines)
        assert set((await s.coupang.confirm(boxes)).values()) == {None}
        invoiced, _, asked = boxes
        await s.coupang.send_invoices([Shipment(invoiced[0].delivery_no, tuple(invoiced), "CJGLS", "410000000001")])
        await s.control("claims", {"order": asked[0].order_no, "type": "cancel"})
        s.recorder.seen.clear()
        outcomes.append(await s.coupang.cancel_sale(boxes, "품절"))
        states.append(await s.state())
        outcomes.append([u[0].delivery_no for u in boxes])

    setup = run(scenario)
    invoiced, stopped, asked = outcomes[1]
    result = outcomes[0]
    assert result[stopped] is None
    assert isinstance(result[invoiced], Rejected) and result[invoiced].message == CANCEL_INVOICED
    assert isinstance(result[asked], Rejected) and result[asked].message == CANCEL_PENDING
    [post] = setup.recorder.market("POST")  # the stopped box alone was sent
    assert post.reply()["data"]["receiptMap"]["receiptType"] == "STOP_SHIPMENT"  # 상품준비중: 출고중지
    by_box = {str(b["shipmentBoxId"]): b for b in states[0]["orders"]}
    assert {i["cancelCount"] for i in by_box[stopped]["orderItems"]} == {1}
    assert {i["cancelCount"] for i in by_box[invoiced]["orderItems"]} == {0}


def test_a_refusal_of_coupang_is_that_units_error_in_plain_words() -> None:
    outcomes: list[Any] = []

    async def scenario(s: Setup) -> None:
        await s.coupang.create_product(PRODUCT, SALES)
        lines = await seeded(s)
        assert len(lines) == 2 and len({line.delivery_no for line in lines}) == 1
        outcomes.append(await s.coupang.cancel_sale([lines[:1]], "품절"))  # one line of a box still in ACCEPT

    setup = run(scenario)
    [error] = outcomes[0].values()
    # C1 instruct-cancel: "결제완료 상태 주문은 전체취소만 가능" ("부분 취소는 불가능합니다.")
    assert isinstance(error, Rejected) and (error.status, error.message) == (
        400,
        "쿠팡이 판매취소를 받지 않았습니다: 부분 취소는 불가능합니다. 쿠팡 WING에서 주문 상태를 확인하세요.",
    )
    [post] = setup.recorder.market("POST", next(e.path for e in setup.recorder.market("POST") if "/cancel" in e.path))
    assert (post.json()["vendorItemIds"], post.json()["receiptCounts"]) == ([int(ITEM_2)], [1])


# -- the round trip the issue asks for -------------------------------------------------------------------------


def test_round_trip_stock_set_read_swallowed_and_a_seeded_order_cancelled_then_an_invoiced_one_refused() -> None:
    seen: list[Any] = []

    async def scenario(s: Setup) -> None:
        link = await s.coupang.create_product(PRODUCT, SALES)
        await s.coupang.set_stock("CP-001", link, {"CP-001-001": 0, "CP-001-002": 5})
        seen.append(await s.coupang.shown("CP-001", link))
        await s.control("swallow", {"on": True})
        await s.coupang.set_stock("CP-001", link, {"CP-001-001": 9, "CP-001-002": 0})  # answered OK
        seen.append(await s.coupang.shown("CP-001", link))
        await s.control("swallow", {"on": False})
        lines = await seeded(s, orders=2)
        first, second = units(lines)
        seen.append(await s.coupang.cancel_sale([first], "품절"))
        await s.coupang.confirm([second])
        await s.coupang.send_invoices([Shipment(second[0].delivery_no, tuple(second), "CJGLS", "420000000001")])
        seen.append(await s.coupang.cancel_sale([second], "품절"))
        seen.append((first[0].delivery_no, second[0].delivery_no))

    run(scenario)
    assert seen[0] == Shown(on_sale=True, stocks={"CP-001-001": 0, "CP-001-002": 5})
    assert seen[1] == seen[0]  # swallowed: still the old numbers
    first, second = seen[4]
    assert seen[2] == {first: None}
    assert list(seen[3]) == [second] and seen[3][second].message == CANCEL_INVOICED
