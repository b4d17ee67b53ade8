"""Naver Commerce claims (취소·반품·교환, marketplaces.md §3.3): collected from the change feed, re-read one by one,
and decided with the claim calls of the order pages.

Mixed into ``naver.Naver`` on top of ``naver_orders.NaverOrders``. The calls, each ``POST /v1/pay-order/seller/
product-orders/{productOrderId}/claim/…`` for one product order, answering "(성공/실패) 상품 주문 처리 내역"
``{successProductOrderIds, failProductOrderInfos[{productOrderId, code, message}]}`` (apicenter, 주문 > 취소 / 반품 /
교환; the pages as the API centre showed them on 2026-06-04, index file 58775333889, and per-endpoint copies):

* ``cancel/approve`` 취소 요청 승인, no body (seller-approve-cancel-application-pay-order-seller);
* ``return/approve`` 반품 승인, no body (seller-approve-return-pay-order-seller);
* ``return/reject`` 반품 거부(철회) ``{"rejectReturnReason"}`` required free text (seller-reject-return-pay-order-seller);
* ``exchange/collect/approve`` 교환 수거 완료, no body (seller-approve-collected-exchange-pay-order-seller);
* ``exchange/dispatch`` 교환 재배송 처리 ``{"reDeliveryMethod", "reDeliveryCompany", "reDeliveryTrackingNumber"}``
  (seller-re-delivery-exchange-pay-order-seller);
* ``exchange/reject`` 교환 거부(철회) ``{"rejectExchangeReason"}`` required free text
  (seller-reject-exchange-pay-order-seller).

There is no call that refuses a buyer's cancel: "취소 요청 거부는 단독으로 진행할 수 없으며 요청된 주문건(상품주문번호)을
발송 처리함으로서 취소 요청을 거부하는 방법만 가능합니다" (commerce-api-naver Discussion #2823, as a production client
quotes it), and no redelivery claim (교환 재배송 is a step of an exchange). Claims are read with ``product-orders/query``
(the claim under ``currentClaim``, earlier ones under ``completedClaims``) and, for a claim stored without its product
order number, ``GET /v1/pay-order/seller/orders/{orderId}/product-order-ids`` first. Readings where the pages are
unsure (❓) are named where they are used and listed in docs/protocols/naver.md, "Our readings".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from batch.marketplaces.base import Call, MarketError, Rejected, Unavailable, each_item
from batch.marketplaces.naver_orders import (
    CLAIM_DETAIL,
    CLAIM_TYPES,
    MARKET,
    ORDERS,
    REASON_WORDS,
    UNANSWERED,
    NaverOrders,
    claim_status,
    data_of,
    local,
)
from batch.marketplaces.types import ClaimDecision, Outcomes
from batch.models import Claim, ClaimType
from batch.trade.couriers import CATALOGUE

# claimStatus.pay-order-seller, as the query page names each state (apicenter seller-get-product-orders-pay-order-
# seller): the words staff see in 스마트스토어센터 (Claim.shown)
STATUS_WORDS = {
    "CANCEL_REQUEST": "취소 요청",
    "CANCELING": "취소 처리 중",
    "CANCEL_DONE": "취소 처리 완료",
    "CANCEL_REJECT": "취소 철회",
    "RETURN_REQUEST": "반품 요청",
    "EXCHANGE_REQUEST": "교환 요청",
    "COLLECTING": "수거 처리 중",
    "COLLECT_DONE": "수거 완료",
    "EXCHANGE_REDELIVERING": "교환 재배송 중",
    "RETURN_DONE": "반품 완료",
    "EXCHANGE_DONE": "교환 완료",
    "RETURN_REJECT": "반품 철회",
    "EXCHANGE_REJECT": "교환 철회",
    "ADMIN_CANCELING": "직권 취소 중",
    "ADMIN_CANCEL_DONE": "직권 취소 완료",
    "ADMIN_CANCEL_REJECT": "직권 취소 철회",
}
HELD = "HOLDBACK"  # holdbackStatus.pay-order-seller: HOLDBACK 보류 중, RELEASED 보류 해제
# holdbackReason.pay-order-seller (보류 유형), the same page
HOLDBACK_WORDS = {
    "RETURN_DELIVERYFEE": "반품 배송비 청구",
    "EXTRAFEEE": "추가 비용 청구",
    "RETURN_DELIVERYFEE_AND_EXTRAFEEE": "반품 배송비 + 추가 비용 청구",
    "RETURN_PRODUCT_NOT_DELIVERED": "반품 상품 미입고",
    "ETC": "기타 사유",
    "EXCHANGE_DELIVERYFEE": "교환 배송비 청구",
    "EXCHANGE_EXTRAFEE": "추가 교환 비용 청구",
    "EXCHANGE_PRODUCT_READY": "교환 상품 준비 중",
    "EXCHANGE_PRODUCT_NOT_DELIVERED": "교환 상품 미입고",
    "EXCHANGE_HOLDBACK": "교환 구매 확정 보류",
    "SELLER_CONFIRM_NEED": "판매자 확인 필요",
    "PURCHASER_CONFIRM_NEED": "구매자 확인 필요",
    "SELLER_REMIT": "판매자 직접 송금",
    "ETC2": "기타",
}
# Our 거부사유 labels (batch.importers.claims.REJECT_REASONS) as the text Naver takes: rejectReturnReason and
# rejectExchangeReason are free text (string, required; the pages' examples "고객님께서 통화로 교환을 원하셨습니다.",
# "착용한 상품은 교환할 수 없습니다."), told to the buyer. ❓ The sentences are ours (docs/protocols/naver.md).
RETURN_REFUSALS = {
    "고객 귀책 아님(상품 이상 없음)": "확인 결과 상품에 이상이 없어 반품을 받을 수 없습니다.",
    "반품 상품 미도착": "반품 상품이 아직 도착하지 않았습니다.",
    "상품 훼손·사용 흔적": "돌아온 상품에 훼손이나 사용 흔적이 있어 반품을 받을 수 없습니다.",
    "구성품 누락": "돌아온 상품에 구성품이 빠져 있어 반품을 받을 수 없습니다.",
    "반품 기한 지남": "반품 가능 기간이 지났습니다.",
    "고객과 협의함": "구매자님과 협의한 대로 반품 요청을 철회합니다.",
    "기타": "판매자가 반품 요청을 거부했습니다. 자세한 사유는 판매자에게 문의해 주세요.",
}
EXCHANGE_REFUSALS = {
    "고객 귀책 아님(상품 이상 없음)": "확인 결과 상품에 이상이 없어 교환을 받을 수 없습니다.",
    "반품 상품 미도착": "교환할 상품이 아직 돌아오지 않았습니다.",
    "상품 훼손·사용 흔적": "돌아온 상품에 훼손이나 사용 흔적이 있어 교환을 받을 수 없습니다.",
    "구성품 누락": "돌아온 상품에 구성품이 빠져 있어 교환을 받을 수 없습니다.",
    "반품 기한 지남": "교환 가능 기간이 지났습니다.",
    "교환 상품 품절": "교환할 상품이 품절되었습니다.",
    "고객과 협의함": "구매자님과 협의한 대로 교환 요청을 철회합니다.",
    "기타": "판매자가 교환 요청을 거부했습니다. 자세한 사유는 판매자에게 문의해 주세요.",
}
REFUSALS = {ClaimType.RETURN: RETURN_REFUSALS, ClaimType.EXCHANGE: EXCHANGE_REFUSALS}
NO_CANCEL_REFUSAL = (
    "스마트스토어에는 취소 요청을 거부하는 기능이 없습니다. 이미 발송했다면 스마트스토어센터에서 송장을 입력해 "
    "발송처리하세요(발송처리하면 취소 요청이 거부됩니다). 아니면 처리를 승인으로 바꾸세요."
)
NO_REDELIVERY = (
    "스마트스토어에는 재배송 클레임이 없습니다(교환 재배송은 교환 승인으로 보냅니다). 스마트스토어센터에서 확인하세요."
)
NEEDS_INVOICE = (
    "교환 승인에는 다시 보내는 상품의 택배사와 송장번호가 필요합니다. 택배사·송장번호 칸을 채워 다시 보내세요."
)
COURIER_NAMES = {c.codes["naver"]: c.name for c in CATALOGUE if "naver" in c.codes}
NEXT_STEP = {"exchange/dispatch": "택배사·송장번호를 확인해 다시 보내세요."}  # after a refusal, what staff do


@dataclass(frozen=True)
class Found:
    """One claim as Naver holds it now: its product order's query item and the claim's own object."""

    item: dict[str, Any]
    kind: ClaimType
    detail: dict[str, Any]  # the cancel / return / exchange object, or the completedClaims entry
    status: str  # Naver's claimStatus

    @property
    def number(self) -> str:
        return str((self.item.get("productOrder") or {}).get("productOrderId") or "")

    @property
    def held(self) -> bool:
        return self.detail.get("holdbackStatus") == HELD

    @property
    def words(self) -> str:
        """The state in Naver's words, with the hold when there is one (Claim.shown)."""
        words = STATUS_WORDS.get(self.status, self.status)
        return f"{words} · 보류 중" if self.held else words

    @property
    def hold(self) -> str:
        code = str(self.detail.get("holdbackReason") or "")
        return HOLDBACK_WORDS.get(code, code) or "사유 없음"

    @property
    def redelivered(self) -> tuple[str, str]:
        return (str(self.detail.get("reDeliveryCompany") or ""), str(self.detail.get("reDeliveryTrackingNumber") or ""))


def pickup(detail: Mapping[str, Any]) -> str:
    """The pick-up courier and tracking number of a return or exchange (collectDeliveryCompany, collectTracking-
    Number), the courier by its catalogue name where we know Naver's code; '' before one is given."""
    number = str(detail.get("collectTrackingNumber") or "")
    if not number:
        return ""
    code = str(detail.get("collectDeliveryCompany") or "")
    return f"{COURIER_NAMES.get(code, code)} {number}".strip()


def _locate(items: Sequence[dict[str, Any]], claim: Claim) -> Found | None:
    """``claim`` among the query items: the product order's current claim (``currentClaim``) when its id is the
    claim's, else the earlier one of that id (``completedClaims``). ❓ A claim numbered by its productOrderId (no
    claimId, docs/protocols/naver.md) is that product order's current claim."""
    for item in items:
        po = item.get("productOrder") or {}
        if claim.product_no and str(po.get("productId") or "") not in ("", claim.product_no):
            continue
        kind = CLAIM_TYPES.get(str(po.get("claimType")))
        if kind is not None:
            detail = NaverOrders._claim_detail(item, CLAIM_DETAIL[kind])
            number = str(detail.get("claimId") or po.get("claimId") or po.get("productOrderId") or "")
            if number == claim.claim_no:
                return Found(item, kind, detail, str(detail.get("claimStatus") or po.get("claimStatus") or ""))
        for earlier in item.get("completedClaims") or []:
            kind = CLAIM_TYPES.get(str(earlier.get("claimType")))
            if kind is not None and str(earlier.get("claimId") or "") == claim.claim_no:
                return Found(item, kind, earlier, str(earlier.get("claimStatus") or ""))
    return None


class NaverClaims(NaverOrders):
    """The claim jobs of one Naver store (mixed into ``Naver``)."""

    # The 거부사유 labels Naver's refuse calls take (free text: the label's sentence is sent); a cancel has no refuse
    # call, so it is absent.
    claim_refusal_words: Mapping[ClaimType, str] = MappingProxyType(
        {ClaimType.CANCEL: NO_CANCEL_REFUSAL, ClaimType.REDELIVERY: NO_REDELIVERY}
    )
    claim_reject_reasons: Mapping[ClaimType, tuple[str, ...]] = MappingProxyType(
        {kind: tuple(words) for kind, words in REFUSALS.items()}
    )

    # --- reading --------------------------------------------------------------------------------------------

    def _claim(self, found: Found, account: str) -> Claim:
        item, detail = found.item, found.detail
        po, order = item.get("productOrder") or {}, item.get("order") or {}
        name = CLAIM_DETAIL[found.kind]
        code = str(detail.get(f"{name}Reason") or detail.get("claimRequestReason") or "")
        reason = detail.get(f"{name}DetailedReason") or detail.get("claimRequestDetailContent")
        return Claim(
            market=MARKET,
            account=account,
            # ❓ the claim id; the productOrderId when Naver gives none
            claim_no=str(detail.get("claimId") or po.get("claimId") or po["productOrderId"]),
            order_no=str(order.get("orderId") or po.get("orderId") or ""),
            product_no=str(po.get("productId") or ""),
            product_name=str(po.get("productName") or ""),
            kind=found.kind,
            status=claim_status(found.status),
            reason=str(reason or REASON_WORDS.get(code, code)),
            buyer=str(order.get("ordererName") or ""),
            requested_at=local(detail.get("claimRequestDate")),
            line_no=str(po["productOrderId"]),
            pickup=pickup(detail) if found.kind is not ClaimType.CANCEL else "",
            shown=found.words,
        )

    async def collect_claims(
        self, start: dt.datetime, end: dt.datetime, account: str, *, latest: bool = False
    ) -> list[Claim]:
        """Cancel, return and exchange claims changed between start and end: each product order's current claim.

        The feed has no settling delay, so ``latest`` needs nothing more: a claim asked a minute ago is in it.
        ❓ Naver may refuse a ``lastChangedTo`` in the future; the sandbox takes it.
        """
        changes = await self._changes(start, end)
        ids = [k for k, e in changes.items() if e.get("claimType") in CLAIM_TYPES]
        claims = []
        for item in await self._details(ids):
            po = item.get("productOrder") or {}
            kind = CLAIM_TYPES.get(str(po.get("claimType")))
            if kind is None:
                continue
            detail = self._claim_detail(item, CLAIM_DETAIL[kind])
            status = str(detail.get("claimStatus") or po.get("claimStatus") or "")
            claims.append(self._claim(Found(item, kind, detail, status), account))
        return claims

    async def _order_items(self, order_no: str) -> list[dict[str, Any]]:
        """Every product order of ``order_no`` as the query reads it: ``GET /v1/pay-order/seller/orders/{orderId}/
        product-order-ids`` ("주문에 대한 상품 주문 번호 목록을 조회합니다", ``data`` string[]; apicenter 상품 주문 목록
        조회, as a copy of the order pages dated 2026-03-18 gives it), then ``query``."""
        if not order_no:
            return []
        numbers = data_of(await self._send(Call("GET", f"/v1/pay-order/seller/orders/{order_no}/product-order-ids")))
        return await self._details([str(n) for n in numbers or []])

    async def _find(self, claim: Claim) -> Found | None:
        if claim.line_no:
            return _locate(await self._details([claim.line_no]), claim)
        return _locate(await self._order_items(claim.order_no), claim)

    async def claim_now(self, claim: Claim) -> Claim | None:
        """The claim as Naver holds it now: its product order read with ``query`` (``claim.line_no``; without it, the
        order's product orders first). None when Naver no longer shows that claim."""
        found = await self._find(claim)
        return None if found is None else self._claim(found, claim.account)

    # --- deciding -------------------------------------------------------------------------------------------

    async def _claim_post(self, number: str, action: str, body: dict[str, Any] | None, doing: str) -> None:
        """One claim call for product order ``number``; Rejected with Naver's per-item code and message when it is
        refused, Unavailable (outcome unknown) when the answer names it neither way. Never sent twice by itself."""
        call = Call("POST", f"{ORDERS}/{number}/claim/{action}", json=body, idempotent=False)
        data = data_of(await self._send(call)) or {}
        for fail in data.get("failProductOrderInfos") or []:
            if str(fail.get("productOrderId")) == number:
                message = str(fail.get("message") or "")
                then = NEXT_STEP.get(action, "스마트스토어센터에서 클레임 상태를 확인하세요.")
                raise Rejected(
                    MARKET,
                    f"스마트스토어가 {_object(doing)} 거절했습니다: {message.rstrip('.')}. {then}",
                    code=str(fail.get("code")),
                )
        if number not in {str(n) for n in data.get("successProductOrderIds") or []}:
            raise Unavailable(
                MARKET,
                f"스마트스토어가 {doing} 결과를 알려 주지 않았습니다. 스마트스토어센터에서 확인하세요.",
                code=UNANSWERED,
                outcome_unknown=True,
            )

    async def _send_or_settled(
        self, d: ClaimDecision, number: str, action: str, body: dict[str, Any] | None, doing: str
    ) -> None:
        """Send one claim call; when Naver refuses it, read the claim again: done when the decision is in effect now
        (an earlier send whose answer was lost, or staff in 스마트스토어센터), else the refusal stands."""
        try:
            await self._claim_post(number, action, body, doing)
        except Rejected:
            again = await self._reread(d)
            if again is None or not _in_effect(d, again):
                raise

    async def _reread(self, d: ClaimDecision) -> Found | None:
        try:
            return await self._find(d.claim)
        except MarketError:
            return None  # the refusal stands: nothing is called done without a read

    async def decide_claims(self, decisions: Sequence[ClaimDecision]) -> Outcomes:
        """Each decision with Naver's own call, keyed by ``ClaimDecision.key``; the claims are read first (``query``).

        * 취소 승인: ``cancel/approve`` from 취소 요청 / 취소 처리 중. 취소 거부: no call exists (Discussion #2823): a
          Rejected saying what to do instead; done when Naver already shows 취소 철회.
        * 반품 승인: ``return/approve`` once Naver shows 수거 완료; ❓ before that it is refused without a call (a refund
          before the goods are back). 반품 거부: ``return/reject`` with the label's sentence.
        * 교환 승인 (courier and number required): ❓ ``exchange/collect/approve`` first while the exchange is not
          collected yet (Naver re-sends only from 수거 완료, 104417), then ``exchange/dispatch`` with the invoice.
          교환 거부: ``exchange/reject`` with the label's sentence.
        * A claim held back (보류 중) is refused: the pages process it only after the hold is released, and ❓ we do
          not release a hold the seller set. A decision Naver already shows in effect is done; an approval of a claim
          Naver shows 철회 is refused ("구매자가 철회…"); every other state is refused with its words.
        """
        outcomes: Outcomes = {}
        todo: list[ClaimDecision] = []
        for d in decisions:
            problem = _before_reading(d)
            if problem is not None:
                outcomes[d.key] = problem
            else:
                todo.append(d)
        numbered = list(dict.fromkeys(d.claim.line_no for d in todo if d.claim.line_no))
        read = await self._product_orders(numbered) if numbered else {}
        found: dict[str, Found | None] = {}
        for d in todo:
            if d.claim.line_no:
                item = read.get(d.claim.line_no)
                found[d.key] = None if item is None else _locate([item], d.claim)
            else:
                found[d.key] = await self._find(d.claim)

        async def decide(d: ClaimDecision) -> None:
            now = found[d.key]
            if now is None:
                raise Rejected(
                    MARKET,
                    f"스마트스토어에서 이 클레임(클레임번호 {d.claim.claim_no})을 찾지 못했습니다. "
                    "클레임을 다시 수집해 확인하세요.",
                )
            await self._decide(d, now)

        outcomes.update(await each_item(todo, lambda d: d.key, decide, self.client.settings.concurrency))
        return outcomes

    async def _decide(self, d: ClaimDecision, now: Found) -> None:
        if _in_effect(d, now):
            return
        _check_state(d, now)
        number = now.number
        kind = d.claim.kind
        if kind is ClaimType.CANCEL:
            await self._send_or_settled(d, number, "cancel/approve", None, "취소 승인")
        elif kind is ClaimType.RETURN and d.approve:
            await self._send_or_settled(d, number, "return/approve", None, "반품 승인")
        elif kind is ClaimType.RETURN:
            body = {"rejectReturnReason": RETURN_REFUSALS[d.reason]}
            await self._send_or_settled(d, number, "return/reject", body, "반품 거부")
        elif not d.approve:
            body = {"rejectExchangeReason": EXCHANGE_REFUSALS[d.reason]}
            await self._send_or_settled(d, number, "exchange/reject", body, "교환 거부")
        else:
            await self._approve_exchange(d, now)

    async def _approve_exchange(self, d: ClaimDecision, now: Found) -> None:
        number = now.number
        if now.status != "COLLECT_DONE":
            try:
                await self._claim_post(number, "exchange/collect/approve", None, "교환 수거 완료")
            except Rejected:
                again = await self._reread(d)
                if again is None or (again.status != "COLLECT_DONE" and not _in_effect(d, again)):
                    raise
                if _in_effect(d, again):
                    return
        body = {
            "reDeliveryMethod": "DELIVERY",
            "reDeliveryCompany": d.courier_code,
            "reDeliveryTrackingNumber": d.number,
        }
        try:
            await self._send_or_settled(d, number, "exchange/dispatch", body, "교환 재배송")
        except Rejected as refused:
            if now.status == "COLLECT_DONE":
                raise
            raise Rejected(
                MARKET,
                f"교환 수거 완료는 처리했습니다. {refused.message}",
                code=refused.code,
                status=refused.status,
                request_id=refused.request_id,
            ) from refused


def _object(noun: str) -> str:
    """``noun`` with its object particle (을 after a final consonant, else 를)."""
    last = ord(noun[-1]) - 0xAC00
    return noun + ("을" if 0 <= last < 11172 and last % 28 else "를")


def _before_reading(d: ClaimDecision) -> Rejected | None:
    """What is refused without reading the claim: a kind Naver has no calls for, a refusal reason it does not take,
    an exchange approval without the re-sent invoice."""
    kind = d.claim.kind
    if kind is ClaimType.REDELIVERY:
        return Rejected(MARKET, NO_REDELIVERY)
    refusals = REFUSALS.get(kind)
    if not d.approve and refusals is not None and d.reason not in refusals:
        return Rejected(
            MARKET,
            f"스마트스토어 {kind.value} 거부사유는 다음 중 하나입니다: {', '.join(refusals)}. 거부사유를 고르세요.",
        )
    if kind is ClaimType.EXCHANGE and d.approve and not (d.courier_code and d.number):
        return Rejected(MARKET, NEEDS_INVOICE)
    return None


DONE = {
    (ClaimType.CANCEL, True): ("CANCEL_DONE", "ADMIN_CANCEL_DONE"),
    (ClaimType.CANCEL, False): ("CANCEL_REJECT",),
    (ClaimType.RETURN, True): ("RETURN_DONE",),
    (ClaimType.RETURN, False): ("RETURN_REJECT",),
    (ClaimType.EXCHANGE, True): ("EXCHANGE_DONE",),
    (ClaimType.EXCHANGE, False): ("EXCHANGE_REJECT",),
}
OPEN = {  # the states each decision is sent from
    (ClaimType.CANCEL, True): ("CANCEL_REQUEST", "CANCELING"),
    (ClaimType.RETURN, True): ("COLLECT_DONE",),
    (ClaimType.RETURN, False): ("RETURN_REQUEST", "COLLECTING", "COLLECT_DONE"),
    (ClaimType.EXCHANGE, True): ("EXCHANGE_REQUEST", "COLLECTING", "COLLECT_DONE"),
    (ClaimType.EXCHANGE, False): ("EXCHANGE_REQUEST", "COLLECTING", "COLLECT_DONE"),
}
WITHDRAWN = frozenset({"CANCEL_REJECT", "RETURN_REJECT", "EXCHANGE_REJECT", "ADMIN_CANCEL_REJECT"})


def _in_effect(d: ClaimDecision, now: Found) -> bool:
    """Naver already shows what ``d`` asks: done, nothing to send. ❓ Naver's 철회 (``*_REJECT``) is the same state
    whether the buyer withdrew or the seller refused, so a refusal finding it is done (docs/protocols/naver.md)."""
    if now.status in DONE.get((d.claim.kind, d.approve), ()):
        return True
    return (
        d.claim.kind is ClaimType.EXCHANGE
        and d.approve
        and now.status == "EXCHANGE_REDELIVERING"
        and (now.redelivered == (d.courier_code, d.number))
    )


def _check_state(d: ClaimDecision, now: Found) -> None:
    """Rejected when Naver's state does not take ``d``: withdrawn, held back, not collected, no refuse call, …"""
    kind, verb = d.claim.kind, "승인" if d.approve else "거부"
    here = f"(스마트스토어: {now.words})"
    if d.approve and now.status in WITHDRAWN:
        raise Rejected(
            MARKET, f"구매자가 철회했거나 이미 거부된 요청입니다 {here}. 승인할 것이 없어 보내지 않았습니다."
        )
    if kind is ClaimType.CANCEL and not d.approve:
        raise Rejected(MARKET, NO_CANCEL_REFUSAL)
    if now.held:
        raise Rejected(
            MARKET,
            f"스마트스토어에서 보류 중인 {kind.value}입니다(보류 사유: {now.hold}). "
            f"스마트스토어센터에서 보류를 해제한 뒤 다시 {verb}하세요.",
        )
    if kind is ClaimType.EXCHANGE and d.approve and now.status == "EXCHANGE_REDELIVERING":
        company, number = now.redelivered
        raise Rejected(
            MARKET,
            f"이미 다른 송장({COURIER_NAMES.get(company, company)} {number})으로 교환 재배송한 클레임입니다. "
            "송장을 바꾸려면 스마트스토어센터에서 수정하세요.",
        )
    if kind is ClaimType.RETURN and d.approve and now.status in ("RETURN_REQUEST", "COLLECTING"):
        raise Rejected(
            MARKET,
            f"아직 수거가 끝나지 않은 반품입니다 {here}. 상품을 돌려받아 스마트스토어에 '수거 완료'로 보이면 다시 "
            "승인하세요. 수거 전에 환불하려면 스마트스토어센터에서 처리하세요.",
        )
    if now.status not in OPEN[(kind, d.approve)]:
        raise Rejected(
            MARKET, f"지금 상태 {here}에서는 {kind.value}을(를) {verb}할 수 없습니다. 스마트스토어센터에서 확인하세요."
        )
