"""Coupang's part of 재고 연동, 판매가 연동 and 판매취소 against the in-process sandbox: ``set_stock``, ``set_price``
and ``shown`` per vendor item, ``cancel_sale`` per shipment box (exact requests, the reason table, refusals per unit),
the option code orders echo, and the round trips the issue asks for (stock and price set and read back, swallowed, a
seeded order cancelled, an invoiced one refused)."""

from __future__ import annotations

from typing import Any

import pytest
from test_coupang_adapter import END, PRODUCT, SALES, SELLER, START, V5, VENDOR, Setup, run, units

from batch.marketplaces.base import Rejected
from batch.marketplaces.coupang import (
    CANCEL_CODES,
    CANCEL_INVOICED,
    CANCEL_PENDING,
    no_cancel_code,
    price_refused,
    price_units,
)
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
        Shown(
            on_sale=True,
            stocks={"CP-001-001": 10, "CP-001-002": 0},
            price=15000,
            prices={"CP-001-001": 15000, "CP-001-002": 18000},
        ),
        Shown(
            on_sale=False,
            stocks={"CP-001-001": 0, "CP-001-002": 0},
            price=15000,
            prices={"CP-001-001": 15000, "CP-001-002": 18000},
        ),
        Shown(
            on_sale=True,
            stocks={"CP-001-001": 0, "CP-001-002": 4},
            price=15000,
            prices={"CP-001-001": 15000, "CP-001-002": 18000},
        ),
        Shown(
            on_sale=False,
            stocks={"CP-001-001": 0, "CP-001-002": 4},
            price=15000,
            prices={"CP-001-001": 15000, "CP-001-002": 18000},
        ),
        Shown(
            on_sale=False,
            stocks={"CP-001-001": 0, "CP-001-002": 4},
            price=15000,
            prices={"CP-001-001": 15000, "CP-001-002": 18000},
        ),
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
    assert seen[0] == Shown(
        on_sale=True,
        stocks={"CP-001-001": 0, "CP-001-002": 5},
        price=15000,
        prices={"CP-001-001": 15000, "CP-001-002": 18000},
    )
    assert seen[1] == seen[0]  # swallowed: still the old numbers
    first, second = seen[4]
    assert seen[2] == {first: None}
    assert list(seen[3]) == [second] and seen[3][second].message == CANCEL_INVOICED


# -- set_price and Shown.price (issue 17, part 2) --------------------------------------------------------------


async def prices(s: Setup) -> dict[str, tuple[int, int, int, bool]]:
    """The sandbox's own record: vendorItemId -> (salePrice, originalPrice, stock, on sale)."""
    [product] = (await s.state())["products"]
    return {
        str(i["vendorItemId"]): (i["salePrice"], i["originalPrice"], i["maximumBuyCount"], i["saleStatus"] == "ONSALE")
        for i in product["items"]
    }


GUARD = "변경전 판매가의 최대 50% 인하/최대 100%인상까지 변경가능합니다."


def test_set_price_sends_each_option_the_price_plus_its_extra_and_changes_nothing_else() -> None:
    after: list[Any] = []

    async def scenario(s: Setup) -> None:
        await s.coupang.create_product(PRODUCT, SALES)
        s.recorder.seen.clear()
        await s.coupang.set_price("CP-001", LINK, 20000, {"CP-001-002": 3000})
        after.append(await prices(s))
        await s.coupang.set_price("CP-001", LINK, 19000, {})  # an option not named keeps 0 extra
        after.append(await prices(s))

    setup = run(scenario)
    # C1 change-price-by-product, one PUT per option, no body, no forceSalePriceUpdate; the link as is (no look-up)
    assert [(e.method, e.path, e.query, e.body, e.status) for e in setup.recorder.market()] == [
        ("PUT", f"{SELLER}/vendor-items/{ITEM_1}/prices/20000", "", b"", 200),
        ("PUT", f"{SELLER}/vendor-items/{ITEM_2}/prices/23000", "", b"", 200),
        ("PUT", f"{SELLER}/vendor-items/{ITEM_1}/prices/19000", "", b"", 200),
        ("PUT", f"{SELLER}/vendor-items/{ITEM_2}/prices/19000", "", b"", 200),
    ]
    assert setup.recorder.market()[0].headers["content-type"] == "application/json;charset=UTF-8"
    assert setup.recorder.market()[0].reply() == {
        "code": "SUCCESS",
        "message": "가격 변경을 완료했습니다.",
        "data": None,
    }
    # salePrice only: the 할인율기준가 (originalPrice), stock and sale status are as the product was sent
    assert after == [
        {ITEM_1: (20000, 15000, 10, True), ITEM_2: (23000, 18000, 0, True)},
        {ITEM_1: (19000, 15000, 10, True), ITEM_2: (19000, 18000, 0, True)},
    ]


def test_a_price_not_in_10_won_units_is_refused_before_any_call() -> None:
    errors: list[Rejected] = []

    async def scenario(s: Setup) -> None:
        await s.coupang.create_product(PRODUCT, SALES)
        s.recorder.seen.clear()
        with pytest.raises(Rejected) as caught:
            await s.coupang.set_price("CP-001", LINK, 16000, {"CP-001-002": 2995})
        errors.append(caught.value)

    setup = run(scenario)
    assert setup.recorder.market() == []
    assert (
        errors[0].message
        == price_units(["CP-001-002 18,995원"])
        == (
            "쿠팡 판매가는 10원 단위로만 바꿀 수 있습니다(1원 단위 불가): CP-001-002 18,995원. 재고관리 파일의 판매가(와 "
            "상품 파일의 옵션 추가금액)를 10원 단위로 고친 뒤 다시 실행하세요. 아무 옵션의 가격도 바꾸지 않았습니다."
        )
    )


def test_coupangs_price_guard_reaches_the_caller_in_korean_and_the_other_options_still_change() -> None:
    errors: list[Rejected] = []
    after: list[Any] = []

    async def scenario(s: Setup) -> None:
        await s.coupang.create_product(PRODUCT, SALES)
        s.recorder.seen.clear()
        # 15000 -> 30000 is at Coupang's limit (100 % up); 18000 -> 37000 is past it
        with pytest.raises(Rejected) as caught:
            await s.coupang.set_price("CP-001", LINK, 30000, {"CP-001-002": 7000})
        errors.append(caught.value)
        after.append(await prices(s))
        with pytest.raises(Rejected) as caught:  # past it for both: nothing changes
            await s.coupang.set_price("CP-001", LINK, 5000, {})
        errors.append(caught.value)

    setup = run(scenario)
    assert [(e.path, e.status) for e in setup.recorder.market()] == [
        (f"{SELLER}/vendor-items/{ITEM_1}/prices/30000", 200),
        (f"{SELLER}/vendor-items/{ITEM_2}/prices/37000", 400),  # the others are sent all the same
        (f"{SELLER}/vendor-items/{ITEM_1}/prices/5000", 400),
        (f"{SELLER}/vendor-items/{ITEM_2}/prices/5000", 400),
    ]
    refusal = f"가격변경에 실패했습니다. [옵션ID[{ITEM_2}] : 판매가 변경이 불가능합니다. {GUARD}]"
    assert setup.recorder.market()[1].reply() == {"code": 400, "message": refusal, "data": None}
    assert errors[0].status == 400 and errors[0].message == (
        f"쿠팡이 옵션 판매가 변경을 받지 않았습니다: CP-001-002(옵션ID {ITEM_2}): {refusal}. 쿠팡은 입력 실수를 막으려고 "
        "한 번에 판매가를 절반 아래로 내리거나 두 배 넘게 올리는 것을 받지 않습니다. 가격이 맞다면 쿠팡 WING에서 "
        "바꾸거나 두 번에 나눠 바꾸세요. 나머지 옵션 1개의 판매가는 바뀌었습니다."
    )
    assert errors[1].message.endswith("바뀐 옵션 판매가는 없습니다.") and errors[1].message.count("옵션ID") == 4
    assert after == [{ITEM_1: (30000, 15000, 10, True), ITEM_2: (18000, 18000, 0, True)}]


def test_set_price_looks_up_an_option_the_link_lacks_and_refuses_one_coupang_has_not_approved() -> None:
    errors: list[Rejected] = []

    async def scenario(s: Setup) -> None:
        await s.coupang.create_product(PRODUCT, SALES)
        s.recorder.seen.clear()
        with pytest.raises(Rejected) as caught:
            await s.coupang.set_price("CP-001", LINK, 15000, {"CP-001-002": 3000, "CP-001-009": 0})
        errors.append(caught.value)

    setup = run(scenario)
    assert [(e.method, e.path) for e in setup.recorder.market()] == [
        ("GET", f"{SELLER}/seller-products/external-vendor-sku-codes/CP-001-001"),
        ("GET", f"{SELLER}/seller-products/14000001"),
        ("PUT", f"{SELLER}/vendor-items/{ITEM_1}/prices/15000"),
        ("PUT", f"{SELLER}/vendor-items/{ITEM_2}/prices/18000"),
    ]
    assert (
        errors[0].message
        == price_refused([], ["CP-001-009"], 2)
        == (
            "쿠팡 옵션 CP-001-009은(는) 아직 승인되지 않아(옵션ID 없음) 판매가를 바꿀 수 없습니다. 쿠팡 WING에서 승인 "
            "상태를 확인한 뒤 다시 실행하세요. 나머지 옵션 2개의 판매가는 바뀌었습니다."
        )
    )


def test_set_price_of_a_product_with_no_approved_option_is_refused() -> None:
    errors: list[Rejected] = []

    async def scenario(s: Setup) -> None:
        with pytest.raises(Rejected) as caught:
            await s.coupang.set_price("NONE", ProductLink("1"), 10000, {})
        errors.append(caught.value)

    setup = run(scenario)
    assert [e.path for e in setup.recorder.market()] == [f"{SELLER}/seller-products/external-vendor-sku-codes/NONE-001"]
    assert errors[0].message == (
        "쿠팡 상품 NONE에 승인된 옵션(옵션ID)이 없어 판매가를 바꿀 수 없습니다. 쿠팡 WING에서 승인 상태를 확인한 뒤 "
        "다시 실행하세요."
    )


def test_shown_price_is_the_lowest_option_sale_price_and_none_without_an_option() -> None:
    shown: list[Shown | None] = []

    async def scenario(s: Setup) -> None:
        await s.coupang.create_product(PRODUCT, SALES)
        await s.coupang.set_price("CP-001", LINK, 20000, {"CP-001-001": 3000, "CP-001-002": -2000})
        shown.append(await s.coupang.shown("CP-001", LINK))
        shown.append(await s.coupang.shown("NONE", ProductLink("1")))

    run(scenario)
    assert [s.price if s else "?" for s in shown] == [18000, None]


def test_round_trip_price_set_read_sold_and_swallowed() -> None:
    seen: list[Any] = []

    async def scenario(s: Setup) -> None:
        link = await s.coupang.create_product(PRODUCT, SALES)
        await s.coupang.set_stock("CP-001", link, {"CP-001-002": 5})
        await s.coupang.set_price("CP-001", link, 17000, {"CP-001-001": 0, "CP-001-002": 3000})
        seen.append(await s.coupang.shown("CP-001", link))
        # the option sells at price + extra: Coupang's own read of it, and an order placed after the change
        items = s.recorder.market("GET")[-2:]
        seen.append({e.path.split("/")[-2]: e.reply()["data"]["salePrice"] for e in items})
        lines = await seeded(s, orders=4)
        seen.append({(line.option_code, line.price) for line in lines})
        await s.control("swallow", {"on": True})
        s.recorder.seen.clear()
        await s.coupang.set_price("CP-001", link, 21000, {"CP-001-002": 3000})  # answered OK
        seen.append([(e.path, e.status) for e in s.recorder.market()])
        seen.append(await s.coupang.shown("CP-001", link))
        seen.append(await prices(s))
        await s.control("swallow", {"on": False})
        await s.coupang.set_price("CP-001", link, 21000, {"CP-001-002": 3000})
        seen.append(await s.coupang.shown("CP-001", link))

    run(scenario)
    assert seen[0] == Shown(
        on_sale=True,
        stocks={"CP-001-001": 10, "CP-001-002": 5},
        price=17000,
        prices={"CP-001-001": 17000, "CP-001-002": 20000},
    )
    assert seen[1] == {ITEM_1: 17000, ITEM_2: 20000}
    assert seen[2] == {("CP-001-001", 17000), ("CP-001-002", 20000)}
    assert seen[3] == [
        (f"{SELLER}/vendor-items/{ITEM_1}/prices/21000", 200),
        (f"{SELLER}/vendor-items/{ITEM_2}/prices/24000", 200),
    ]
    assert seen[4] == seen[0]  # swallowed: still the old price
    assert seen[5] == {ITEM_1: (17000, 15000, 10, True), ITEM_2: (20000, 18000, 5, True)}
    assert seen[6] == Shown(
        on_sale=True,
        stocks={"CP-001-001": 10, "CP-001-002": 5},
        price=21000,
        prices={"CP-001-001": 21000, "CP-001-002": 24000},
    )
