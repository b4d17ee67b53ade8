"""쿠팡 클레임 처리 (issue 18) against the in-process sandbox: each claim type raised by the buyer, collected (shown,
pick-up), decided with Coupang's own call (exact requests as they crossed the wire), read back with ``claim_now``; a
decision in effect is done, a withdrawn claim refused, a decision Coupang does not offer refused without a call; and
the sandbox's rules per transition, refused in Coupang's ``{code, message, data}`` shape."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import Any

import httpx
from helpers import FakeClock, Recorder, sandbox_client, sandbox_control, sandbox_state

from batch.marketplaces.base import MarketError, Rejected
from batch.marketplaces.coupang import (
    CANCEL_NEEDS_INVOICE,
    CANCEL_SHIPPED_ALREADY,
    CANCEL_STOPPED_ALREADY,
    CLAIM_WITHDRAWN,
    EXCHANGE_NEEDS_INVOICE,
    EXCHANGE_REJECTED_ALREADY,
    NO_REDELIVERY,
    NO_RETURN_REFUSAL,
    Coupang,
    CoupangCredentials,
    one_receipt,
    refuse_reasons,
)
from batch.marketplaces.types import ClaimDecision, Shipment, claim_key
from batch.models import Claim, ClaimStatus, ClaimType, OrderLine
from batch.sandbox.app import create_app
from batch.sandbox.coupang_orders import BAD_REJECT_CODE, COUNT_MISMATCH

NOW = 1_750_000_000.0  # 2025-06-16 00:06:40 KST
VENDOR = "A00012345"
V4 = f"/v2/providers/openapi/apis/api/v4/vendors/{VENDOR}"
V6 = f"/v2/providers/openapi/apis/api/v6/vendors/{VENDOR}"
START = dt.datetime(2025, 6, 15, 0, 0)
END = dt.datetime(2025, 6, 16, 0, 7)
WRITES = ("stoppedShipment", "completedShipment", "receiveConfirmation", "approval", "rejection", "invoices")


@dataclass
class Setup:
    recorder: Recorder
    coupang: Coupang

    async def control(self, action: str, body: dict[str, Any]) -> Any:
        return await sandbox_control(self.coupang.client.http, "coupang", action, body)

    async def state(self) -> dict[str, Any]:
        return await sandbox_state(self.coupang.client.http, "coupang")

    async def sandbox(self, method: str, path: str, body: Any) -> httpx.Response:
        """One signed request straight to the sandbox (the adapter's client, its CEA auth)."""
        return await self.coupang.client.http.request(method, path, json=body)

    def writes(self) -> list[tuple[str, str, Any]]:
        """The claim writes that crossed the wire: (method, path, body)."""
        return [
            (e.method, e.path, e.json())
            for e in self.recorder.market()
            if e.method in ("PATCH", "PUT", "POST") and e.path.rsplit("/", 1)[-1] in WRITES and "/orders/" not in e.path
        ]


def run(scenario: Callable[[Setup], Awaitable[None]]) -> Setup:
    recorder = Recorder(create_app(clock=lambda: NOW, seed=5))

    async def main() -> Setup:
        client = sandbox_client("coupang", recorder, FakeClock())
        credentials = CoupangCredentials(VENDOR, "sandbox-access-key", "sandbox-coupang-secret-key", "sandbox-wing")
        setup = Setup(recorder, Coupang(client, credentials, clock=lambda: dt.datetime.fromtimestamp(NOW, dt.UTC)))
        async with client.http:
            await scenario(setup)
        return setup

    return asyncio.run(main())


def by_box(lines: list[OrderLine]) -> dict[str, list[list[OrderLine]]]:
    """Order number -> its boxes' lines."""
    boxes: dict[str, dict[str, list[OrderLine]]] = {}
    for line in lines:
        boxes.setdefault(line.order_no, {}).setdefault(line.delivery_no, []).append(line)
    return {order: list(found.values()) for order, found in boxes.items()}


async def orders(s: Setup, count: int, *, confirmed: int = 0, shipped: int = 0) -> list[str]:
    """``count`` new orders: the last ``shipped`` acknowledged and invoiced, the ``confirmed`` before them
    acknowledged only, the rest left in ACCEPT."""
    made = await s.control("seed", {"orders": count, "seed": 4})
    boxes = by_box(await s.coupang.collect_orders(START, END, "main"))
    numbers: list[str] = made["orders"]
    later = numbers[count - confirmed - shipped :]
    assert set((await s.coupang.confirm([b for o in later for b in boxes[o]])).values()) <= {None}
    sent = [
        Shipment(box[0].delivery_no, tuple(box), "CJGLS", f"36{i:010d}")
        for i, box in enumerate(b for o in numbers[count - shipped :] for b in boxes[o])
    ]
    assert set((await s.coupang.send_invoices(sent)).values()) <= {None}
    return numbers


def claim_of(claims: list[Claim], number: str) -> Claim:
    """The first line of claim ``number`` (a receipt or exchange lists one line per product)."""
    return lines_of(claims, number)[0]


def lines_of(claims: list[Claim], number: str) -> list[Claim]:
    found = [c for c in claims if c.claim_no == number]
    assert found, number
    return found


def every_line(claims: list[Claim], number: str, approve: bool, *more: str) -> list[ClaimDecision]:
    """The same decision on every line of claim ``number`` (Coupang decides a claim as a whole)."""
    return [ClaimDecision(line, approve, *more) for line in lines_of(claims, number)]


def test_the_reject_reasons_are_coupangs_refusals() -> None:
    # 취소: 이미출고 alone (completedShipment); 교환: exchangeRejectCode SOLDOUT | WITHDRAW; 반품 has no refuse call
    assert dict(Coupang.claim_reject_reasons) == {
        ClaimType.CANCEL: ("이미 발송함",),
        ClaimType.EXCHANGE: ("교환 상품 품절", "구매자 철회 요청"),
    }


def test_every_claim_type_raised_collected_decided_and_read_back() -> None:
    got: dict[str, Any] = {}

    async def scenario(s: Setup) -> None:
        numbers = await orders(s, 5, confirmed=1, shipped=3)
        kinds = ("cancel", "cancel", "return", "exchange", "exchange")
        raised = [
            (await s.control("claims", {"order": o, "type": k}))["claimNo"] for o, k in zip(numbers, kinds, strict=True)
        ]
        got["raised"], got["state"] = raised, await s.state()
        claims = await s.coupang.collect_claims(START, END, "main", latest=True)
        got["claims"] = claims
        cancel_a, cancel_b, returned, exchange, refused = (claim_of(claims, n) for n in raised)
        s.recorder.seen.clear()
        decisions = [
            *every_line(claims, raised[0], True),
            *every_line(claims, raised[1], False, "이미 발송함", "CJGLS", "361000000001"),
            *every_line(claims, raised[2], True),
            *every_line(claims, raised[3], True, "", "HANJIN", "421000000001"),
            *every_line(claims, raised[4], False, "교환 상품 품절"),
        ]
        got["outcomes"] = await s.coupang.decide_claims(decisions)
        got["writes"] = s.writes()
        got["now"] = [await s.coupang.claim_now(c) for c in (cancel_a, cancel_b, returned, exchange, refused)]
        got["after"] = await s.coupang.collect_claims(START, END, "main", latest=True)
        got["after_state"] = await s.state()
        s.recorder.seen.clear()
        got["again"] = await s.coupang.decide_claims(decisions)  # every decision in effect: nothing is sent
        got["writes_again"] = s.writes()

    run(scenario)
    raised, claims = got["raised"], got["claims"]
    receipts = {c["receiptId"]: c for c in got["state"]["claims"] if "receiptId" in c}
    exchanges = {c["exchangeId"]: c for c in got["state"]["claims"] if "exchangeId" in c}
    cancel_a, cancel_b, returned, exchange, refused = (claim_of(claims, n) for n in raised)
    # collected: the type, our status, Coupang's words, the 회수 운송장
    assert [(c.kind, c.status, c.shown, c.pickup, c.line_no) for c in (cancel_a, cancel_b, returned)] == [
        (ClaimType.CANCEL, ClaimStatus.REQUESTED, "반품접수 (미처리)", "", ""),
        (ClaimType.CANCEL, ClaimStatus.REQUESTED, "출고중지요청 (미처리)", "", ""),
        (ClaimType.RETURN, ClaimStatus.REQUESTED, "반품접수", f"CJ대한통운 84{int(raised[2]):010d}", ""),
    ]
    assert [(c.kind, c.status, c.shown, c.pickup) for c in (exchange, refused)] == [
        (ClaimType.EXCHANGE, ClaimStatus.REQUESTED, "교환접수 · 회수 회수연동", f"CJ대한통운 84{int(n):010d}")
        for n in raised[3:]
    ]
    assert (returned.reason, returned.order_no) == ("상품불량 상품불량", str(receipts[int(raised[2])]["orderId"]))
    # decided: every decision through, each with Coupang's call
    assert got["outcomes"] == {claim_key(c): None for c in claims if c.claim_no in raised}
    box = exchanges[int(raised[3])]
    new_box = got["after_state"]["claims"][[c.get("exchangeId") for c in got["after_state"]["claims"]].index(
        int(raised[3])
    )]["deliveryInvoiceGroupDtos"][0]["shipmentBoxId"]  # fmt: skip
    assert new_box != box["exchangeItemDtoV1s"][0]["originalShipmentBoxId"]
    a, b, r, e, x = (int(n) for n in raised)
    assert sorted(got["writes"], key=lambda w: w[1]) == sorted(
        [
            ("PATCH", f"{V4}/returnRequests/{a}/stoppedShipment",
             {"vendorId": VENDOR, "receiptId": a, "cancelCount": receipts[a]["cancelCountSum"]}),
            ("PATCH", f"{V4}/returnRequests/{b}/completedShipment",
             {"vendorId": VENDOR, "receiptId": b, "deliveryCompanyCode": "CJGLS", "invoiceNumber": "361000000001"}),
            ("PATCH", f"{V4}/returnRequests/{r}/receiveConfirmation", {"vendorId": VENDOR, "receiptId": r}),
            ("PATCH", f"{V4}/returnRequests/{r}/approval",
             {"vendorId": VENDOR, "receiptId": r, "cancelCount": receipts[r]["cancelCountSum"]}),
            ("PATCH", f"{V4}/exchangeRequests/{e}/receiveConfirmation", {"exchangeId": e, "vendorId": VENDOR}),
            ("POST", f"{V4}/exchangeRequests/{e}/invoices",
             [{"exchangeId": e, "vendorId": VENDOR, "shipmentBoxId": new_box, "goodsDeliveryCode": "HANJIN",
               "invoiceNumber": "421000000001"}]),
            ("PATCH", f"{V4}/exchangeRequests/{x}/rejection",
             {"exchangeId": x, "vendorId": VENDOR, "exchangeRejectCode": "SOLDOUT"}),
        ],
        key=lambda w: w[1],
    )  # fmt: skip
    # read back: the state Coupang shows now, the type kept
    assert [(c.kind, c.status, c.shown) if c else None for c in got["now"]] == [
        (ClaimType.CANCEL, ClaimStatus.DONE, "반품완료 (처리(출고중지))"),
        (ClaimType.CANCEL, ClaimStatus.WITHDRAWN, "반품접수 (처리(이미출고))"),  # refused as shipped: no cancel
        (ClaimType.RETURN, ClaimStatus.DONE, "반품완료"),
        (ClaimType.EXCHANGE, ClaimStatus.REQUESTED, "교환진행 · 회수 업체전달완료 · 재배송 배송연동"),
        (ClaimType.EXCHANGE, ClaimStatus.DONE, "교환불가 · 회수 회수연동"),
    ]
    # collected again, the cancel answered 이미출고 goes on as a return, with its pick-up
    shipped_anyway = claim_of(got["after"], raised[1])
    assert (shipped_anyway.kind, shipped_anyway.status, shipped_anyway.pickup) == (
        ClaimType.RETURN,
        ClaimStatus.REQUESTED,
        f"CJ대한통운 84{b:010d}",
    )
    # the order: the stopped units cancelled, the box answered 이미출고 carries the invoice
    boxes = {x["shipmentBoxId"]: x for x in got["after_state"]["orders"]}
    stopped = boxes[receipts[a]["returnItems"][0]["shipmentBoxId"]]
    assert all(i["holdCountForCancel"] == 0 and i["cancelCount"] == i["shippingCount"] for i in stopped["orderItems"])
    left = boxes[receipts[b]["returnItems"][0]["shipmentBoxId"]]
    assert (left["status"], left["invoiceNumber"]) == ("DEPARTURE", "361000000001")
    # the same decisions again: in effect, done, nothing sent
    assert got["again"] == got["outcomes"]
    assert got["writes_again"] == []


def test_a_withdrawn_claim_reads_back_withdrawn_and_is_refused() -> None:
    got: dict[str, Any] = {}

    async def scenario(s: Setup) -> None:
        numbers = await orders(s, 3, confirmed=1, shipped=2)
        cancel = (await s.control("claims", {"order": numbers[0], "type": "cancel"}))["claimNo"]
        returned = (await s.control("claims", {"order": numbers[1], "type": "return"}))["claimNo"]
        exchange = (await s.control("claims", {"order": numbers[2], "type": "exchange"}))["claimNo"]
        claims = await s.coupang.collect_claims(START, END, "main", latest=True)
        for order in numbers:
            await s.control("claims", {"order": order, "type": "withdraw"})
        got["state"] = await s.state()
        asked = [claim_of(claims, n) for n in (cancel, returned, exchange)]
        got["asked"] = asked
        got["now"] = [await s.coupang.claim_now(c) for c in asked]
        s.recorder.seen.clear()
        got["outcomes"] = await s.coupang.decide_claims(
            [
                *every_line(claims, cancel, True),
                *every_line(claims, returned, True),
                *every_line(claims, exchange, True, "", "CJGLS", "421000000002"),
            ]
        )
        got["lines"] = [claim_key(c) for n in (cancel, returned, exchange) for c in lines_of(claims, n)]
        got["writes"] = s.writes()
        got["confirm"] = await s.coupang.confirm([b for b in by_box(await s.coupang.collect_orders(START, END, "main"))[
            numbers[0]]])  # fmt: skip

    run(scenario)
    asked = got["asked"]
    assert [(c.status, c.shown) for c in got["now"]] == [
        (ClaimStatus.WITHDRAWN, "취소철회"),
        (ClaimStatus.WITHDRAWN, "반품철회"),
        (ClaimStatus.WITHDRAWN, "교환철회 · 회수 교환회수철회"),
    ]
    assert [c.kind for c in got["now"]] == [ClaimType.CANCEL, ClaimType.RETURN, ClaimType.EXCHANGE]
    assert got["now"][1] == replace(asked[1], status=ClaimStatus.WITHDRAWN, shown="반품철회")
    assert sorted(got["outcomes"]) == sorted(got["lines"])
    assert {getattr(e, "message", None) for e in got["outcomes"].values()} == {CLAIM_WITHDRAWN}
    assert all(isinstance(e, Rejected) for e in got["outcomes"].values())
    assert got["writes"] == []
    # the withdrawn cancel released its units: the box can be acknowledged again
    assert set(got["confirm"].values()) == {None}
    assert [w["cancelId"] for w in got["state"]["withdrawals"]] == [int(asked[0].claim_no), int(asked[1].claim_no)]


def test_decisions_coupang_does_not_offer_or_that_lack_what_the_call_needs_are_refused_without_a_call() -> None:
    got: dict[str, Any] = {}
    base = Claim("coupang", "main", "300000001", "1", "15000001", "티", ClaimType.CANCEL, ClaimStatus.REQUESTED, "", "",
                 "2025-06-16 00:06:40")  # fmt: skip
    returned = replace(base, claim_no="300000002", kind=ClaimType.RETURN)
    exchange = replace(base, claim_no="110000001", kind=ClaimType.EXCHANGE)
    redelivery = replace(base, claim_no="900", kind=ClaimType.REDELIVERY)
    two_lines = [replace(base, claim_no="300000003"), replace(base, claim_no="300000003", product_no="15000002")]
    decisions = [
        ClaimDecision(returned, False, "상품불량"),
        ClaimDecision(redelivery, True),
        ClaimDecision(base, False, "이미 발송함"),  # no invoice
        ClaimDecision(exchange, True, courier_code="CJGLS"),  # no number
        ClaimDecision(replace(exchange, claim_no="110000002"), False, "단순변심"),
        ClaimDecision(replace(base, claim_no="300000004"), False, "교환 상품 품절"),
        ClaimDecision(two_lines[0], True),
        ClaimDecision(two_lines[1], False, "이미 발송함", "CJGLS", "361000000009"),
    ]

    async def scenario(s: Setup) -> None:
        got["outcomes"] = await s.coupang.decide_claims(decisions)
        got["calls"] = s.recorder.market()

    run(scenario)
    words = {k: e.message for k, e in got["outcomes"].items() if isinstance(e, MarketError)}
    assert all(isinstance(e, Rejected) for e in got["outcomes"].values())
    assert words == {
        "300000002/15000001": NO_RETURN_REFUSAL,
        "900/15000001": NO_REDELIVERY,
        "300000001/15000001": CANCEL_NEEDS_INVOICE,
        "110000001/15000001": EXCHANGE_NEEDS_INVOICE,
        "110000002/15000001": refuse_reasons(ClaimType.EXCHANGE),
        "300000004/15000001": refuse_reasons(ClaimType.CANCEL),
        "300000003/15000001": one_receipt("300000003"),
        "300000003/15000002": one_receipt("300000003"),
    }
    assert refuse_reasons(ClaimType.CANCEL) == (
        "쿠팡 취소 거부사유는 이미 발송함 중 하나여야 합니다. 거부사유를 고른 뒤 다시 실행하세요."
    )
    assert got["calls"] == []  # nothing was read or sent


def test_a_contrary_decision_after_the_fact_is_refused_with_what_coupang_shows() -> None:
    got: dict[str, Any] = {}

    async def scenario(s: Setup) -> None:
        numbers = await orders(s, 4, confirmed=2, shipped=2)
        raised = [
            (await s.control("claims", {"order": o, "type": k}))["claimNo"]
            for o, k in zip(numbers, ("cancel", "cancel", "exchange", "exchange"), strict=True)
        ]
        claims = await s.coupang.collect_claims(START, END, "main", latest=True)
        stopped, shipped, rejected, invoiced = (claim_of(claims, n) for n in raised)
        first = [
            *every_line(claims, raised[0], True),
            *every_line(claims, raised[1], False, "이미 발송함", "CJGLS", "361000000002"),
            *every_line(claims, raised[2], False, "구매자 철회 요청"),
            *every_line(claims, raised[3], True, "", "CJGLS", "421000000003"),
        ]
        assert set((await s.coupang.decide_claims(first)).values()) == {None}
        s.recorder.seen.clear()
        got["outcomes"] = await s.coupang.decide_claims(
            [
                ClaimDecision(stopped, False, "이미 발송함", "CJGLS", "361000000003"),
                ClaimDecision(shipped, True),
                ClaimDecision(rejected, True, courier_code="CJGLS", number="421000000004"),
                ClaimDecision(invoiced, True, courier_code="CJGLS", number="421000000005"),
            ]
        )
        got["writes"] = s.writes()
        got["keys"] = [claim_key(c) for c in (stopped, shipped, rejected, invoiced)]
        got["state"] = await s.state()

    run(scenario)
    messages = [got["outcomes"][k].message for k in got["keys"]]
    assert messages == [
        CANCEL_STOPPED_ALREADY,
        CANCEL_SHIPPED_ALREADY,
        EXCHANGE_REJECTED_ALREADY,
        "쿠팡 교환 배송에 이미 다른 송장(421000000003)이 등록되어 있습니다. 바꾸려면 쿠팡 WING에서 수정하세요.",
    ]
    assert got["writes"] == []
    [rejected] = [c for c in got["state"]["claims"] if c.get("exchangeStatus") == "REJECT"]
    assert rejected["_rejectCode"] == "WITHDRAW"  # 구매자 철회 요청 → WITHDRAW


def test_the_sandbox_refuses_what_coupang_refuses_per_transition() -> None:
    got: dict[str, Any] = {}

    async def scenario(s: Setup) -> None:
        numbers = await orders(s, 4, confirmed=1, shipped=2)
        cancel = int((await s.control("claims", {"order": numbers[1], "type": "cancel"}))["claimNo"])
        returned = int((await s.control("claims", {"order": numbers[2], "type": "return"}))["claimNo"])
        exchange = int((await s.control("claims", {"order": numbers[3], "type": "exchange"}))["claimNo"])
        receipts = {c["receiptId"]: c for c in (await s.state())["claims"] if "receiptId" in c}
        answers: list[tuple[str, httpx.Response]] = []

        async def ask(label: str, method: str, path: str, body: Any) -> None:
            answers.append((label, await s.sandbox(method, path, body)))

        def receipt(number: int, **more: Any) -> dict[str, Any]:
            return {"vendorId": VENDOR, "receiptId": number, **more}

        stop = f"{V4}/returnRequests/{cancel}/stoppedShipment"
        await ask("count", "PATCH", stop, receipt(cancel, cancelCount=receipts[cancel]["cancelCountSum"] + 1))
        await ask("courier", "PATCH", f"{V4}/returnRequests/{cancel}/completedShipment",
                  receipt(cancel, deliveryCompanyCode="NOPE", invoiceNumber="1"))  # fmt: skip
        await ask("number", "PATCH", f"{V4}/returnRequests/{cancel}/completedShipment",
                  receipt(cancel, deliveryCompanyCode="CJGLS", invoiceNumber="12-34"))  # fmt: skip
        await ask("receive a cancel", "PATCH", f"{V4}/returnRequests/{cancel}/receiveConfirmation", receipt(cancel))
        await ask("stop a return", "PATCH", f"{V4}/returnRequests/{returned}/stoppedShipment",
                  receipt(returned, cancelCount=receipts[returned]["cancelCountSum"]))  # fmt: skip
        await ask("approve unreceived", "PATCH", f"{V4}/returnRequests/{returned}/approval",
                  receipt(returned, cancelCount=receipts[returned]["cancelCountSum"]))  # fmt: skip
        await ask("other receipt", "PATCH", f"{V4}/returnRequests/{returned}/approval", receipt(cancel, cancelCount=1))
        await ask("not a number", "PATCH", f"{V4}/returnRequests/abc/approval", receipt(cancel))
        await ask("unknown", "PATCH", f"{V4}/returnRequests/399999999/approval", receipt(399999999))
        ex = f"{V4}/exchangeRequests/{exchange}"
        box = {"exchangeId": exchange, "vendorId": VENDOR, "shipmentBoxId": 1, "goodsDeliveryCode": "CJGLS",
               "invoiceNumber": "421000000006"}  # fmt: skip
        await ask("invoice uncollected", "POST", f"{ex}/invoices", [box])
        await ask("bad code", "PATCH", f"{ex}/rejection", {"exchangeId": exchange, "vendorId": VENDOR,
                                                            "exchangeRejectCode": "DAMAGED"})  # fmt: skip
        await ask("string id", "PATCH", f"{ex}/receiveConfirmation", {"exchangeId": str(exchange), "vendorId": VENDOR})
        await ask("received", "PATCH", f"{ex}/receiveConfirmation", {"exchangeId": exchange, "vendorId": VENDOR})
        await ask("received twice", "PATCH", f"{ex}/receiveConfirmation", {"exchangeId": exchange, "vendorId": VENDOR})
        await ask("reject after receipt", "PATCH", f"{ex}/rejection", {"exchangeId": exchange, "vendorId": VENDOR,
                                                                       "exchangeRejectCode": "SOLDOUT"})  # fmt: skip
        await ask("wrong box", "POST", f"{ex}/invoices", [box])
        await ask("not a list", "POST", f"{ex}/invoices", box)
        [exchanged] = [c for c in (await s.state())["claims"] if c.get("exchangeId") == exchange]
        new_box = exchanged["deliveryInvoiceGroupDtos"][0]["shipmentBoxId"]
        await ask("invoiced", "POST", f"{ex}/invoices", [{**box, "shipmentBoxId": new_box}])
        await ask("same again", "POST", f"{ex}/invoices", [{**box, "shipmentBoxId": new_box}])
        await ask("another", "POST", f"{ex}/invoices",
                  [{**box, "shipmentBoxId": new_box, "invoiceNumber": "421000000007"}])  # fmt: skip
        await ask("withdraw list", "POST", f"{V4}/returnWithdrawList", {"cancelIds": ["300000001"]})
        got["answers"] = [(label, a.status_code, a.json()) for label, a in answers]
        got["numbers"] = (cancel, returned, exchange, new_box)
        late = await s.coupang.client.http.post(
            "/__sandbox__/claims", json={"market": "coupang", "order": numbers[0], "type": "withdraw"}
        )
        redelivery = await s.coupang.client.http.post(
            "/__sandbox__/claims", json={"market": "coupang", "order": numbers[0], "type": "redelivery"}
        )
        got["control"] = [(late.status_code, late.json()), (redelivery.status_code, redelivery.json())]
        got["accept_order"] = numbers[0]

    run(scenario)
    cancel, _, exchange, _ = got["numbers"]

    def refused(status: int, message: str) -> tuple[int, dict[str, Any]]:
        return status, {"code": status, "message": message, "data": None}

    ok_shape = (200, {"code": "200", "message": "SUCCESS", "data": {"resultCode": "SUCCESS",
                                                                    "resultMessage": "Invoice number save successfully"}})  # fmt: skip
    assert {label: (status, body) for label, status, body in got["answers"]} == {
        "count": refused(400, COUNT_MISMATCH),  # articles/360023108753
        "courier": refused(400, "택배사 코드가 올바르지 않습니다: NOPE"),
        "number": refused(400, "송장번호는 숫자여야 합니다."),
        "receive a cancel": refused(
            400,
            "반품접수(RETURNS_UNCHECKED) 상태의 반품만 입고 확인할 수 있습니다. 현재: RELEASE_STOP_UNCHECKED (미처리)",
        ),
        "stop a return": refused(
            400, "출고중지요청(미처리) 상태의 접수만 처리할 수 있습니다. 현재: RETURNS_UNCHECKED (비대상)"
        ),
        "approve unreceived": refused(
            400, "입고완료(VENDOR_WAREHOUSE_CONFIRM) 상태의 반품만 승인할 수 있습니다. 현재: RETURNS_UNCHECKED"
        ),
        "other receipt": refused(400, f"receiptId가 요청 경로와 다릅니다: {cancel}"),
        "not a number": refused(400, "receiptId는 숫자여야 합니다: abc"),
        "unknown": refused(404, "반품/취소 접수 정보를 찾을 수 없습니다: 399999999"),
        "invoice uncollected": refused(
            400, "회수상태가 업체전달완료(CompleteCollect)일 때만 교환 송장을 등록할 수 있습니다."
        ),
        "bad code": refused(400, BAD_REJECT_CODE),  # articles/360034027874
        "string id": refused(400, f"exchangeId가 요청 경로와 다릅니다: {exchange}"),
        "received": (200, {"code": "200", "message": "SUCCESS"}),
        "received twice": refused(400, "이미 입고 확인된 교환입니다."),
        "reject after receipt": refused(400, "교환 불가처리를 할 수 없는 교환입니다(입고 확인 이후)."),
        "wrong box": refused(
            400,
            "교환 배송번호(shipmentBoxId)가 올바르지 않습니다: 1. 입고 확인 후 deliveryInvoiceGroupDtos의 "
            "shipmentBoxId를 넣으세요.",
        ),
        "not a list": refused(400, "요청 본문은 교환 송장 목록(JSON 배열)이어야 합니다."),
        "invoiced": ok_shape,
        "same again": ok_shape,
        "another": refused(400, "이미 송장이 등록된 교환 배송입니다: 421000000006"),
        "withdraw list": refused(400, "cancelIds는 number 타입이어야 합니다."),
    }
    assert got["control"] == [
        (400, {"error": f"order {got['accept_order']} has no open claim to withdraw"}),
        (400, {"error": "type must be cancel, return, exchange or withdraw (Coupang has no redelivery claim)"}),
    ]


def test_a_withdrawn_exchange_and_a_completed_receipt_take_no_decision_at_the_sandbox() -> None:
    got: dict[str, Any] = {}

    async def scenario(s: Setup) -> None:
        numbers = await orders(s, 2, shipped=2)
        exchange = int((await s.control("claims", {"order": numbers[0], "type": "exchange"}))["claimNo"])
        await s.control("claims", {"order": numbers[0], "type": "withdraw"})
        returned = int((await s.control("claims", {"order": numbers[1], "type": "return"}))["claimNo"])
        body = {"vendorId": VENDOR, "receiptId": returned}
        await s.sandbox("PATCH", f"{V4}/returnRequests/{returned}/receiveConfirmation", body)
        count = next(c for c in (await s.state())["claims"] if c.get("receiptId") == returned)["cancelCountSum"]
        await s.sandbox("PATCH", f"{V4}/returnRequests/{returned}/approval", {**body, "cancelCount": count})
        answers = [
            await s.sandbox("PATCH", f"{V4}/exchangeRequests/{exchange}/receiveConfirmation",
                            {"exchangeId": exchange, "vendorId": VENDOR}),
            await s.sandbox("PATCH", f"{V4}/exchangeRequests/{exchange}/rejection",
                            {"exchangeId": exchange, "vendorId": VENDOR, "exchangeRejectCode": "SOLDOUT"}),
            await s.sandbox("PATCH", f"{V4}/returnRequests/{returned}/approval", {**body, "cancelCount": count}),
            await s.sandbox("PATCH", f"{V4}/returnRequests/{returned}/receiveConfirmation", body),
        ]  # fmt: skip
        got["answers"] = [(a.status_code, a.json()["message"]) for a in answers]
        boxes = {b["shipmentBoxId"]: b for b in (await s.state())["orders"]}
        [receipt] = [c for c in (await s.state())["claims"] if c.get("receiptId") == returned]
        item = receipt["returnItems"][0]
        got["returned"] = next(
            i for i in boxes[item["shipmentBoxId"]]["orderItems"] if i["vendorItemId"] == item["vendorItemId"]
        )
        got["receipt"] = receipt

    run(scenario)
    assert got["answers"] == [
        (400, "고객이 철회한 교환입니다."),
        (400, "고객이 철회한 교환입니다."),
        (400, "입고완료(VENDOR_WAREHOUSE_CONFIRM) 상태의 반품만 승인할 수 있습니다. 현재: RETURNS_COMPLETED"),
        (400, "반품접수(RETURNS_UNCHECKED) 상태의 반품만 입고 확인할 수 있습니다. 현재: RETURNS_COMPLETED (비대상)"),
    ]
    # 반품 승인: the returned units counted on the order, the receipt confirmed by the vendor
    assert got["returned"]["cancelCount"] == got["returned"]["shippingCount"]
    assert (got["receipt"]["completeConfirmType"], got["receipt"]["receiptStatus"]) == (
        "VENDOR_CONFIRM",
        "RETURNS_COMPLETED",
    )
