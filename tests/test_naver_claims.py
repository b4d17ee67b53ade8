"""Issue 18 on Naver: claims (취소·반품·교환) collected, re-read (claim_now) and decided (decide_claims), the adapter
against the in-process sandbox (the recording setup of test_naver_adapter): exact requests per decision, the 거부사유
sentences, refusals in Korean without a call, Naver's own refusals read back, and the sandbox's claim rules on their own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import httpx
import pytest
from test_naver_adapter import NOW, ORDERS, Setup, _control, _orders, _shipment, _state, run
from test_sandbox_naver import Box
from test_sandbox_naver import run as sandbox_run

from batch.importers.claims import REJECT_REASONS
from batch.marketplaces.base import MarketError, Rejected
from batch.marketplaces.naver import Naver
from batch.marketplaces.naver_claims import COURIER_NAMES, EXCHANGE_REFUSALS, RETURN_REFUSALS
from batch.marketplaces.types import ClaimDecision
from batch.models import Claim, ClaimStatus, ClaimType, OrderLine

CLAIM = "/external/v1/pay-order/seller/product-orders/{}/claim/{}"


def _claim_posts(s: Setup) -> list[tuple[str, Any]]:
    """The claim calls sent (path, JSON body or None), in order."""
    return [(e.path, e.json() if e.body else None) for e in s.recorder.market("POST") if "/claim/" in e.path]


async def _window(s: Setup) -> list[Claim]:
    now = NOW + dt.timedelta(seconds=s.clock.now)
    return await s.naver.collect_claims(now - dt.timedelta(hours=2), now + dt.timedelta(minutes=1), "main", latest=True)


async def _shipped(s: Setup, count: int, seed: int) -> list[OrderLine]:
    """One line from each of ``count`` seeded orders, confirmed and dispatched (each with its own invoice)."""
    lines = await _orders(s, count, seed=seed)
    firsts = list({x.order_no: x for x in reversed(lines)}.values())[:count]
    await s.naver.confirm([[x] for x in firsts])
    outcome = await s.naver.send_invoices([_shipment(x, f"7{i:011d}") for i, x in enumerate(firsts)])
    assert set(outcome.values()) == {None}
    return firsts


async def _raise(s: Setup, line: OrderLine, kind: str, state: str | None = None) -> str:
    body = {"order": line.order_no, "productOrder": line.delivery_no, "type": kind}
    made = await _control(s, "claims", body if state is None else {**body, "state": state})
    claim_no: str = made["claimNo"]
    return claim_no


def _by_line(claims: list[Claim]) -> dict[str, Claim]:
    return {c.line_no: c for c in claims}


# --- the round trip ---------------------------------------------------------------------------------------


def test_every_claim_type_is_collected_decided_and_read_back() -> None:
    """Seed orders, raise a claim of each type, collect them (line_no, pickup, shown), decide all five in one call
    (each with its own call and body), claim_now shows the new state; deciding again sends nothing."""

    async def scenario(s: Setup) -> None:
        lines = await _orders(s, 3, seed=21)
        cancel_line = lines[0]
        ret, refused_ret, exch, refused_exch = (await _shipped(s, 6, seed=22))[:4]
        s.clock.now += 3600
        await _raise(s, cancel_line, "cancel")
        await _raise(s, ret, "return", "collected")
        await _raise(s, refused_ret, "return")
        await _raise(s, exch, "exchange", "collecting")
        await _raise(s, refused_exch, "exchange")
        s.clock.now += 60
        claims = _by_line(await _window(s))
        state = {c["productOrderId"]: c for c in (await _state(s))["claims"]}

        def pickup(line: OrderLine) -> str:
            c = state[line.delivery_no]
            return f"{COURIER_NAMES[c['collectDeliveryCompany']]} {c['collectTrackingNumber']}"

        expected = {
            cancel_line.delivery_no: (ClaimType.CANCEL, "취소 요청", ""),
            ret.delivery_no: (ClaimType.RETURN, "수거 완료", pickup(ret)),
            refused_ret.delivery_no: (ClaimType.RETURN, "반품 요청", ""),
            exch.delivery_no: (ClaimType.EXCHANGE, "수거 처리 중", pickup(exch)),
            refused_exch.delivery_no: (ClaimType.EXCHANGE, "교환 요청", ""),
        }
        assert {n: (c.kind, c.shown, c.pickup) for n, c in claims.items() if n in expected} == expected
        for number in expected:
            c = claims[number]
            assert (c.claim_no, c.status, c.product_no) == (
                state[number]["claimId"],
                ClaimStatus.REQUESTED,
                next(
                    x.product_no for x in [cancel_line, ret, refused_ret, exch, refused_exch] if x.delivery_no == number
                ),
            )
        decisions = [
            ClaimDecision(claims[cancel_line.delivery_no], True),
            ClaimDecision(claims[ret.delivery_no], True),
            ClaimDecision(claims[refused_ret.delivery_no], False, "구성품 누락"),
            ClaimDecision(claims[exch.delivery_no], True, courier_code="HANJIN", number="512345678901"),
            ClaimDecision(claims[refused_exch.delivery_no], False, "교환 상품 품절"),
        ]
        assert await s.naver.decide_claims(decisions) == {d.key: None for d in decisions}
        s.keep["sent"] = sorted(_claim_posts(s))
        s.keep["lines"] = (cancel_line, ret, refused_ret, exch, refused_exch)

        now = {d.claim.line_no: await s.naver.claim_now(d.claim) for d in decisions}
        assert {n: (c.status, c.shown) for n, c in now.items() if c is not None} == {
            cancel_line.delivery_no: (ClaimStatus.DONE, "취소 처리 완료"),
            ret.delivery_no: (ClaimStatus.DONE, "반품 완료"),
            refused_ret.delivery_no: (ClaimStatus.WITHDRAWN, "반품 철회"),
            exch.delivery_no: (ClaimStatus.DONE, "교환 재배송 중"),
            refused_exch.delivery_no: (ClaimStatus.WITHDRAWN, "교환 철회"),
        }
        assert now[ret.delivery_no] == replace(claims[ret.delivery_no], status=ClaimStatus.DONE, shown="반품 완료")

        mark = len(s.recorder.calls())
        again = [replace(d, claim=now[d.claim.line_no] or d.claim) for d in decisions]
        assert await s.naver.decide_claims(again) == {d.key: None for d in decisions}  # in effect: done
        assert {m for m, _ in s.recorder.calls()[mark:]} == {"POST"} and all(
            p == f"{ORDERS}/query" for _, p in s.recorder.calls()[mark:]
        )  # one read, no claim call

        after = await _state(s)
        status = {o["productOrderId"]: o["productOrderStatus"] for o in after["orders"]}
        assert [status[x.delivery_no] for x in (cancel_line, ret, refused_ret, exch, refused_exch)] == [
            "CANCELED",
            "RETURNED",
            "DELIVERING",
            "DELIVERING",
            "DELIVERING",
        ]
        redone = next(c for c in after["claims"] if c["productOrderId"] == exch.delivery_no)
        assert (redone["reDeliveryCompany"], redone["reDeliveryTrackingNumber"]) == ("HANJIN", "512345678901")

    s = run(scenario)
    cancel_line, ret, refused_ret, exch, refused_exch = s.keep["lines"]
    assert s.keep["sent"] == sorted(
        [
            (CLAIM.format(cancel_line.delivery_no, "cancel/approve"), None),
            (CLAIM.format(ret.delivery_no, "return/approve"), None),
            (
                CLAIM.format(refused_ret.delivery_no, "return/reject"),
                {"rejectReturnReason": "돌아온 상품에 구성품이 빠져 있어 반품을 받을 수 없습니다."},
            ),
            (CLAIM.format(exch.delivery_no, "exchange/collect/approve"), None),
            (
                CLAIM.format(exch.delivery_no, "exchange/dispatch"),
                {
                    "reDeliveryMethod": "DELIVERY",
                    "reDeliveryCompany": "HANJIN",
                    "reDeliveryTrackingNumber": "512345678901",
                },
            ),
            (
                CLAIM.format(refused_exch.delivery_no, "exchange/reject"),
                {"rejectExchangeReason": "교환할 상품이 품절되었습니다."},
            ),
        ]
    )
    collect = CLAIM.format(exch.delivery_no, "exchange/collect/approve")
    dispatch = CLAIM.format(exch.delivery_no, "exchange/dispatch")
    paths = [e.path for e in s.recorder.market("POST")]
    assert paths.index(collect) < paths.index(dispatch)  # collected first, then re-sent
    bodiless = [e for e in s.recorder.market("POST") if e.path.endswith(("cancel/approve", "return/approve"))]
    assert all(e.body == b"" and "content-type" not in e.headers for e in bodiless)


# --- refusals without a call ------------------------------------------------------------------------------


def test_decisions_naver_does_not_take_are_refused_in_korean_without_a_call() -> None:
    async def scenario(s: Setup) -> None:
        lines = await _orders(s, 2, seed=31)
        ret, held, exch = await _shipped(s, 3, seed=32)
        s.clock.now += 3600
        await _raise(s, lines[0], "cancel")
        await _raise(s, ret, "return", "collecting")
        await _raise(s, held, "return", "holdback")
        await _raise(s, exch, "exchange")
        s.clock.now += 60
        claims = _by_line(await _window(s))
        cancel, early, kept, swap = (claims[x.delivery_no] for x in (lines[0], ret, held, exch))
        assert kept.shown == "수거 완료 · 보류 중"
        redelivery = replace(swap, kind=ClaimType.REDELIVERY, claim_no="R-1")
        missing = replace(early, claim_no="9999999999")
        decisions = {
            "cancel refused": ClaimDecision(cancel, False, "이미 발송함"),
            "return early": ClaimDecision(early, True),
            "return held": ClaimDecision(kept, True),
            "return held refused": ClaimDecision(kept, False, "구성품 누락"),
            "no invoice": ClaimDecision(swap, True, courier_code="CJGLS"),
            "bad reason": ClaimDecision(swap, False, "이미 발송함"),
            "redelivery": ClaimDecision(redelivery, True),
            "missing": ClaimDecision(missing, True),
        }
        words = {}
        for name, d in decisions.items():  # one call each: two decisions on one claim share its key
            error = (await s.naver.decide_claims([d]))[d.key]
            assert isinstance(error, Rejected), name
            words[name] = error.message
        s.keep["words"] = words
        assert _claim_posts(s) == []

    s = run(scenario)
    assert s.keep["words"] == {
        "cancel refused": (
            "스마트스토어에는 취소 요청을 거부하는 기능이 없습니다. 이미 발송했다면 스마트스토어센터에서 송장을 입력해 "
            "발송처리하세요(발송처리하면 취소 요청이 거부됩니다). 아니면 처리를 승인으로 바꾸세요."
        ),
        "return early": (
            "아직 수거가 끝나지 않은 반품입니다 (스마트스토어: 수거 처리 중). 상품을 돌려받아 스마트스토어에 '수거 완료'로 "
            "보이면 다시 승인하세요. 수거 전에 환불하려면 스마트스토어센터에서 처리하세요."
        ),
        "return held": (
            "스마트스토어에서 보류 중인 반품입니다(보류 사유: 반품 배송비 청구). "
            "스마트스토어센터에서 보류를 해제한 뒤 다시 승인하세요."
        ),
        "return held refused": (
            "스마트스토어에서 보류 중인 반품입니다(보류 사유: 반품 배송비 청구). "
            "스마트스토어센터에서 보류를 해제한 뒤 다시 거부하세요."
        ),
        "no invoice": (
            "교환 승인에는 다시 보내는 상품의 택배사와 송장번호가 필요합니다. 택배사·송장번호 칸을 채워 다시 보내세요."
        ),
        "bad reason": (
            "스마트스토어 교환 거부사유는 다음 중 하나입니다: 고객 귀책 아님(상품 이상 없음), 반품 상품 미도착, "
            "상품 훼손·사용 흔적, 구성품 누락, 반품 기한 지남, 교환 상품 품절, 고객과 협의함, 기타. 거부사유를 고르세요."
        ),
        "redelivery": (
            "스마트스토어에는 재배송 클레임이 없습니다(교환 재배송은 교환 승인으로 보냅니다). 스마트스토어센터에서 확인하세요."
        ),
        "missing": "스마트스토어에서 이 클레임(클레임번호 9999999999)을 찾지 못했습니다. 클레임을 다시 수집해 확인하세요.",
    }


def test_a_claim_the_buyer_withdrew_is_refused_for_an_approval_and_done_for_a_refusal() -> None:
    async def scenario(s: Setup) -> None:
        lines = await _orders(s, 2, seed=41)
        (ret,) = await _shipped(s, 1, seed=42)
        s.clock.now += 3600
        await _raise(s, lines[0], "cancel")
        await _raise(s, ret, "return")
        s.clock.now += 60
        claims = _by_line(await _window(s))
        cancel, back = claims[lines[0].delivery_no], claims[ret.delivery_no]
        await _control(s, "claims", {"order": lines[0].order_no, "type": "withdraw"})
        await _control(s, "claims", {"order": ret.order_no, "type": "withdraw"})
        now = await s.naver.claim_now(cancel)
        assert now is not None and (now.status, now.shown) == (ClaimStatus.WITHDRAWN, "취소 철회")
        approve = [ClaimDecision(cancel, True), ClaimDecision(back, True)]
        outcome = await s.naver.decide_claims(approve)
        assert [str(getattr(outcome[d.key], "message", "")) for d in approve] == [
            "구매자가 철회했거나 이미 거부된 요청입니다 (스마트스토어: 취소 철회). 승인할 것이 없어 보내지 않았습니다.",
            "구매자가 철회했거나 이미 거부된 요청입니다 (스마트스토어: 반품 철회). 승인할 것이 없어 보내지 않았습니다.",
        ]
        refuse = [ClaimDecision(cancel, False), ClaimDecision(back, False, "기타")]
        assert await s.naver.decide_claims(refuse) == {d.key: None for d in refuse}  # 철회: the refusal's state
        assert _claim_posts(s) == []

    run(scenario)


def test_an_exchange_already_re_sent_is_done_with_its_invoice_and_refused_with_another() -> None:
    async def scenario(s: Setup) -> None:
        (exch,) = await _shipped(s, 1, seed=51)
        s.clock.now += 3600
        await _raise(s, exch, "exchange", "collected")
        s.clock.now += 60
        claim = _by_line(await _window(s))[exch.delivery_no]
        first = ClaimDecision(claim, True, courier_code="CJGLS", number="612345678901")
        assert await s.naver.decide_claims([first]) == {first.key: None}
        assert [p for p, _ in _claim_posts(s)] == [CLAIM.format(exch.delivery_no, "exchange/dispatch")]  # collected
        assert await s.naver.decide_claims([first]) == {first.key: None}
        other = replace(first, number="612345678902")
        error = (await s.naver.decide_claims([other]))[other.key]
        assert isinstance(error, Rejected) and error.message == (
            "이미 다른 송장(CJ대한통운 612345678901)으로 교환 재배송한 클레임입니다. 송장을 바꾸려면 스마트스토어센터에서 "
            "수정하세요."
        )
        assert len(_claim_posts(s)) == 1

    run(scenario)


def test_an_exchange_collected_but_not_re_sent_says_so() -> None:
    """교환 승인 while 수거 처리 중: 수거 완료 goes through, the re-send is refused (104121, a used tracking number): the
    row says the collection was done and what to fix; sent again with a good invoice, only the re-send goes."""

    async def scenario(s: Setup) -> None:
        (exch,) = await _shipped(s, 1, seed=55)  # dispatched with CJGLS 700000000000
        s.clock.now += 3600
        await _raise(s, exch, "exchange", "collecting")
        s.clock.now += 60
        claim = _by_line(await _window(s))[exch.delivery_no]
        used = ClaimDecision(claim, True, courier_code="CJGLS", number="700000000000")
        error = (await s.naver.decide_claims([used]))[used.key]
        assert isinstance(error, Rejected) and (error.code, error.message) == (
            "104121",
            "교환 수거 완료는 처리했습니다. 스마트스토어가 교환 재배송을 거절했습니다: 이미 사용한 송장번호입니다: "
            "700000000000. 택배사·송장번호를 확인해 다시 보내세요.",
        )
        now = await s.naver.claim_now(claim)
        assert now is not None and (now.status, now.shown) == (ClaimStatus.REQUESTED, "수거 완료")
        good = replace(used, claim=now, number="700000000001")
        assert await s.naver.decide_claims([good]) == {good.key: None}
        assert [p.rsplit("/claim/", 1)[1] for p, _ in _claim_posts(s)] == [
            "exchange/collect/approve",
            "exchange/dispatch",
            "exchange/dispatch",
        ]

    run(scenario)


# --- Naver's own refusals, read back ----------------------------------------------------------------------


def test_a_refused_call_keeps_navers_code_unless_the_claim_reads_done_after_it() -> None:
    """9999 (기타) on 반품 승인: refused with Naver's code and words after a read-back; an approval Naver refuses because
    it landed meanwhile (staff in 스마트스토어센터) reads back as done."""

    class Racing(Naver):
        """Staff approve the cancel in 스마트스토어센터 just before our call lands."""

        async def _claim_post(self, number: str, action: str, body: dict[str, Any] | None, doing: str) -> None:
            if action == "cancel/approve":
                await super()._claim_post(number, action, body, doing)
            await super()._claim_post(number, action, body, doing)

    async def scenario(s: Setup) -> None:
        lines = await _orders(s, 2, seed=61)
        (ret,) = await _shipped(s, 1, seed=62)
        s.clock.now += 3600
        await _raise(s, lines[0], "cancel")
        await _raise(s, ret, "return", "collected")
        s.clock.now += 60
        claims = _by_line(await _window(s))
        back = ClaimDecision(claims[ret.delivery_no], True)
        s.market.desk.transient[ret.delivery_no] = 1
        mark = len(s.recorder.calls())
        error = (await s.naver.decide_claims([back]))[back.key]
        assert isinstance(error, Rejected) and (error.code, error.message) == (
            "9999",
            "스마트스토어가 반품 승인을 거절했습니다: 처리 중 오류가 발생했습니다. 스마트스토어센터에서 클레임 상태를 확인하세요.",
        )
        assert s.recorder.calls()[mark:] == [
            ("POST", f"{ORDERS}/query"),
            ("POST", CLAIM.format(ret.delivery_no, "return/approve")),
            ("POST", f"{ORDERS}/query"),  # read back: not returned
        ]
        assert await s.naver.decide_claims([back]) == {back.key: None}
        racing = Racing(s.naver.client, s.naver.credentials)
        racing.wall = s.naver.wall
        cancel = ClaimDecision(claims[lines[0].delivery_no], True)
        assert await racing.decide_claims([cancel]) == {cancel.key: None}  # 104442, then it reads CANCEL_DONE

    run(scenario)


# --- claim_now ------------------------------------------------------------------------------------------


def test_claim_now_reads_one_claim_by_its_product_order_or_through_its_order() -> None:
    """With ``line_no`` one query; without, the order's product order numbers first. An earlier claim of the product
    order is read from ``completedClaims``; a claim Naver does not show is None."""

    async def scenario(s: Setup) -> None:
        (ret,) = await _shipped(s, 1, seed=71)
        s.clock.now += 3600
        first = await _raise(s, ret, "return")
        s.clock.now += 60
        claim = _by_line(await _window(s))[ret.delivery_no]
        assert claim.claim_no == first
        refuse = ClaimDecision(claim, False, "고객과 협의함")
        assert await s.naver.decide_claims([refuse]) == {refuse.key: None}
        second = await _raise(s, ret, "return")  # the buyer asks again: a new claim on the same product order
        mark = len(s.recorder.calls())
        earlier = await s.naver.claim_now(claim)
        assert s.recorder.calls()[mark:] == [("POST", f"{ORDERS}/query")]
        assert earlier is not None and (earlier.claim_no, earlier.status, earlier.shown) == (
            first,
            ClaimStatus.WITHDRAWN,
            "반품 철회",
        )
        mark = len(s.recorder.calls())
        current = await s.naver.claim_now(replace(claim, claim_no=second, line_no=""))
        assert s.recorder.calls()[mark:] == [
            ("GET", f"/external/v1/pay-order/seller/orders/{ret.order_no}/product-order-ids"),
            ("POST", f"{ORDERS}/query"),
        ]
        assert current is not None and (current.claim_no, current.line_no, current.status) == (
            second,
            ret.delivery_no,
            ClaimStatus.REQUESTED,
        )
        assert await s.naver.claim_now(replace(claim, claim_no="1")) is None
        state = next(c for c in (await _state(s))["claims"] if c["claimId"] == first)
        assert state["rejectReason"] == "구매자님과 협의한 대로 반품 요청을 철회합니다."

    run(scenario)


# --- the 거부사유 mapping -----------------------------------------------------------------------------------


def test_reject_reasons_are_labels_of_the_workbook_list_sent_as_sentences() -> None:
    reasons = Naver.claim_reject_reasons  # a class attribute: the claims job reads it without an account
    assert set(reasons) == {ClaimType.RETURN, ClaimType.EXCHANGE}  # no cancel refuse call (Discussion #2823)
    assert reasons[ClaimType.RETURN] == tuple(RETURN_REFUSALS) and reasons[ClaimType.EXCHANGE] == tuple(
        EXCHANGE_REFUSALS
    )
    for labels in reasons.values():
        assert set(labels) <= set(REJECT_REASONS) and "이미 발송함" not in labels
    assert "교환 상품 품절" not in reasons[ClaimType.RETURN]
    for sentences in (RETURN_REFUSALS, EXCHANGE_REFUSALS):
        assert all(s.endswith(".") and len(s) < 100 for s in sentences.values())


def test_a_transient_failure_of_the_read_fails_the_whole_call() -> None:
    """Nothing is decided without reading the claim first: a 503 of the query is every decision's error."""

    async def scenario(s: Setup) -> None:
        (ret,) = await _shipped(s, 1, seed=81)
        s.clock.now += 3600
        await _raise(s, ret, "return", "collected")
        s.clock.now += 60
        claim = _by_line(await _window(s))[ret.delivery_no]
        await _control(s, "faults", {"rate": 1.0, "kinds": ["503"]})
        with pytest.raises(MarketError):
            await s.naver.decide_claims([ClaimDecision(claim, True)])
        await _control(s, "faults", {"rate": 0.0})
        assert _claim_posts(s) == []

    run(scenario)


# --- the sandbox's claim rules on their own ---------------------------------------------------------------


async def _placed(box: Box, headers: dict[str, str], seed: int, *, ship: bool) -> tuple[str, str]:
    """A seeded order's first product order (confirmed and dispatched when ``ship``): (orderId, productOrderId)."""
    made = (await box.control("seed", {"orders": 1, "seed": seed}))["orders"][0]
    number = next(o["productOrderId"] for o in (await box.state())["orders"] if o["orderId"] == made)
    if ship:
        await box.http.post(f"{ORDERS}/confirm", json={"productOrderIds": [number]}, headers=headers)
        item = {
            "productOrderId": number,
            "deliveryMethod": "DELIVERY",
            "deliveryCompanyCode": "CJGLS",
            "trackingNumber": f"8{seed:011d}",
            "dispatchDate": "2026-11-28T10:00:00.000+09:00",
        }
        sent = await box.http.post(f"{ORDERS}/dispatch", json={"dispatchProductOrders": [item]}, headers=headers)
        assert sent.json()["data"]["successProductOrderIds"] == [number], sent.text
    return made, number


def _one(answer: httpx.Response) -> tuple[str, str] | None:
    """(code, message) of the only failed item, None when it went through."""
    data = answer.json()["data"]
    if data["successProductOrderIds"]:
        return None
    (fail,) = data["failProductOrderInfos"]
    return (fail["code"], fail["message"])


def _code(answer: httpx.Response) -> str:
    """The code of the only failed item, '' when it went through."""
    failed = _one(answer)
    return "" if failed is None else failed[0]


def test_sandbox_buyer_claims_states_and_withdrawal() -> None:
    async def scenario(box: Box) -> None:
        headers = await box.auth()
        order, number = await _placed(box, headers, 1, ship=True)
        await box.control("claims", {"order": order, "type": "redelivery"}, status=400)
        await box.control("claims", {"order": order, "type": "return", "state": "lost"}, status=400)
        await box.control("claims", {"order": order, "type": "cancel", "state": "collected"}, status=400)
        made = await box.control(
            "claims", {"order": order, "productOrder": number, "type": "return", "state": "collected"}
        )
        await box.control(
            "claims", {"order": order, "productOrder": number, "type": "withdraw"}, status=400
        )  # collected
        query = await box.http.post(f"{ORDERS}/query", json={"productOrderIds": [number]}, headers=headers)
        item = query.json()["data"][0]
        back = item["currentClaim"]["return"]
        assert (back["claimId"], back["claimStatus"], back["collectStatus"], back["holdbackStatus"]) == (
            made["claimNo"],
            "COLLECT_DONE",
            "DELIVERED",
            None,
        )
        assert back["collectTrackingNumber"] and back["collectDeliveryCompany"] in COURIER_NAMES
        reject = CLAIM.format(number, "return/reject")
        refused = await box.http.post(reject, json={}, headers=headers)
        assert refused.status_code == 400 and refused.json()["code"] == "4000"
        done = await box.http.post(reject, json={"rejectReturnReason": "착용 흔적"}, headers=headers)
        assert _one(done) is None
        again = await box.control("claims", {"order": order, "productOrder": number, "type": "exchange"})
        await box.control("claims", {"order": order, "productOrder": number, "type": "withdraw"})
        query = await box.http.post(f"{ORDERS}/query", json={"productOrderIds": [number]}, headers=headers)
        item = query.json()["data"][0]
        assert item["currentClaim"]["exchange"]["claimStatus"] == "EXCHANGE_REJECT"
        assert item["productOrder"]["claimId"] == again["claimNo"]
        (earlier,) = item["completedClaims"]
        assert (earlier["claimType"], earlier["claimId"], earlier["claimStatus"]) == (
            "RETURN",
            made["claimNo"],
            "RETURN_REJECT",
        )
        feed = await box.http.get(
            f"{ORDERS}/last-changed-statuses",
            params={"lastChangedFrom": "2026-11-28T09:00:00.000+09:00"},
            headers=headers,
        )
        entry = next(e for e in feed.json()["data"]["lastChangeStatuses"] if e["productOrderId"] == number)
        assert (entry["lastChangedType"], entry["claimStatus"]) == ("CLAIM_REJECTED", "EXCHANGE_REJECT")

    sandbox_run(scenario)


def test_sandbox_claim_calls_per_state() -> None:
    async def scenario(box: Box) -> None:
        headers = await box.auth()

        async def post(number: str, action: str, body: Any = None) -> httpx.Response:
            return await box.http.post(CLAIM.format(number, action), json=body, headers=headers)

        order, number = await _placed(box, headers, 2, ship=True)
        await box.control("claims", {"order": order, "productOrder": number, "type": "exchange", "state": "holdback"})
        assert _one(await post(number, "exchange/reject", {"rejectExchangeReason": "품절"})) == (
            "104442",
            "보류 중인 클레임입니다. 보류를 해제한 뒤 처리하세요.",
        )
        assert _one(await post(number, "return/approve")) == ("104442", "return 클레임이 없는 상품주문입니다.")
        assert _one(await post("1", "cancel/approve")) == ("100001", "상품 주문을 찾을 수 없습니다.")

        order, number = await _placed(box, headers, 3, ship=True)
        await box.control("claims", {"order": order, "productOrder": number, "type": "exchange"})
        resend = {"reDeliveryMethod": "DELIVERY", "reDeliveryCompany": "CJGLS", "reDeliveryTrackingNumber": "9"}
        assert _code(await post(number, "exchange/dispatch", resend)) == "104417"
        assert _one(await post(number, "exchange/collect/approve")) is None
        assert _code(await post(number, "exchange/collect/approve")) == "104442"
        for body, code in (
            ({**resend, "reDeliveryMethod": "QUICK_SVC"}, "4000"),
            ({**resend, "reDeliveryCompany": ""}, "104118"),
            ({**resend, "reDeliveryCompany": "DHL"}, "104119"),
            ({**resend, "reDeliveryTrackingNumber": ""}, "104120"),
            ({**resend, "reDeliveryTrackingNumber": "800000000002"}, "104121"),  # the dispatch of order 2
        ):
            assert _code(await post(number, "exchange/dispatch", body)) == code
        assert _one(await post(number, "exchange/dispatch", resend)) is None
        state = {o["productOrderId"]: o for o in (await box.state())["orders"]}
        assert (state[number]["productOrderStatus"], state[number]["claimStatus"]) == (
            "DELIVERING",
            "EXCHANGE_REDELIVERING",
        )
        assert _code(await post(number, "exchange/reject", {"rejectExchangeReason": "품절"})) == "104442"

        order, number = await _placed(box, headers, 4, ship=False)
        await box.control("claims", {"order": order, "productOrder": number, "type": "cancel"})
        missing = await box.http.get("/external/v1/pay-order/seller/orders/1/product-order-ids", headers=headers)
        assert missing.status_code == 400 and missing.json()["code"] == "100003"
        ids = await box.http.get(f"/external/v1/pay-order/seller/orders/{order}/product-order-ids", headers=headers)
        assert number in ids.json()["data"]

    sandbox_run(scenario)


def test_sandbox_dispatch_refuses_a_buyers_cancel_request() -> None:
    """Discussion #2823: a confirmed product order with a cancel request is dispatched, which refuses the request."""

    async def scenario(box: Box) -> None:
        headers = await box.auth()
        order, number = await _placed(box, headers, 5, ship=False)
        await box.http.post(f"{ORDERS}/confirm", json={"productOrderIds": [number]}, headers=headers)
        await box.control("claims", {"order": order, "productOrder": number, "type": "cancel"})
        item = {
            "productOrderId": number,
            "deliveryMethod": "DELIVERY",
            "deliveryCompanyCode": "CJGLS",
            "trackingNumber": "812345678905",
            "dispatchDate": "2026-11-28T10:00:00.000+09:00",
        }
        sent = await box.http.post(f"{ORDERS}/dispatch", json={"dispatchProductOrders": [item]}, headers=headers)
        assert sent.json()["data"]["successProductOrderIds"] == [number]
        (line,) = (o for o in (await box.state())["orders"] if o["productOrderId"] == number)
        assert (line["productOrderStatus"], line["claimType"], line["claimStatus"]) == (
            "DELIVERING",
            "CANCEL",
            "CANCEL_REJECT",
        )

    sandbox_run(scenario)
