"""TMON's claims (marketplaces.md §1.4): a claim as the searches and the claim read give it, and staff's decisions
on it (클레임 처리), each sent with the call the production clients make.

Sources (docs/protocols/tmon.md names the commits; its "Our readings" section lists the ❓ ones):

* [T1] ``richbeam/mcs_tmon_api`` ``module/claim/ClaimServiceImpl.java``: ``getClaimStatus`` reads one claim
  (``GET /{type}/{claimNo}``) before every decision and acts on its ``claimStatus``; TMON's status table copied in
  ``cancelRequests`` ("C1 요청, C2 승인, C3 완료, C4 미입금취소, C8 철회, C9 거절"); ``requestOrderCancel`` approves a
  cancel; ``confirmReturnOrders`` approves a return once the goods are back (``PUT /refunds/{claimNo}/approve``);
  ``confirmExchangeOrders`` approves an exchange with the re-sent invoice (``PUT /exchanges/{claimNo}/approve``
  ``{redeliveryInvoice}``) and a redelivery likewise, on ``PUT /refunds/{claimNo}/approve``.
  ``module/order/OrderServiceImpl.java`` refuses a cancel because the order shipped (JCD1 with the invoice).
* [T2] ``sosobox2-cyber/commerce-api`` ``api/patmon/controller/PaTmonClaimController.java``: ``cancelRefuse`` (JCD1
  "송장번호와 택배사코드가 필수"), ``returnConfirm`` (a return approved only after every item was collected, with its
  ``returnDeliveryInvoice``; an exchange with its ``redeliveryInvoice``), ``returnRefuse`` (JRD5 "반품상품 미도착"),
  ``exchangeRejectProc`` (JXD3 "재고부족으로 교환불가"); ``domain/model/PaTmonClaimList.java`` and
  ``domain/PaTmonClaimListVO.java``: a return's or exchange's ``returnDeliveryInvoice`` {deliveryCorp, invoiceNo},
  ``returnDeliveryCompletedDate``, ``reDeliveryInvoice``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

import httpx

from batch.marketplaces.base import Call, MarketClient, Rejected, each_item, json_object
from batch.marketplaces.types import ClaimDecision, Outcomes
from batch.models import KST, Claim, ClaimStatus, ClaimType, Market
from batch.trade.couriers import CATALOGUE

MARKET = Market.TMON.value

CLAIM_PATHS = {
    ClaimType.CANCEL: "cancellations",
    ClaimType.RETURN: "refunds",
    ClaimType.EXCHANGE: "exchanges",
    ClaimType.REDELIVERY: "redeliveries",
}
# claimStatus: [T1] module/claim/ClaimScheduler.java sends one of "C1, C2, C3, C4, C8, C9" on every claim search; their
# meanings are TMON's code table as [T1] ClaimServiceImpl.cancelRequests copies it ({"code":"C1","description":"요청"}
# …), and [T2] PaTmonClaimController.cancelList names C1 취소등록, C3 취소완료, C8 취소철회.
OPEN, APPROVED, COMPLETED, UNPAID, WITHDRAWN, REFUSED = "C1", "C2", "C3", "C4", "C8", "C9"
CLAIM_STATUSES = (OPEN, APPROVED, COMPLETED, UNPAID, WITHDRAWN, REFUSED)
CLAIM_WORDS = {
    OPEN: "요청",
    APPROVED: "승인",
    COMPLETED: "완료",
    UNPAID: "미입금취소",
    WITHDRAWN: "철회",
    REFUSED: "거절",
}
# A decision to approve is in effect at C2, C3 or C4: [T1] requestOrderCancel, confirmReturnOrders and
# confirmExchangeOrders read the claim first and send nothing then ("취소가 반영 됬을경우"); C8 and C9 are handled as
# the claim no longer standing (철회 했을경우).
IN_EFFECT = (APPROVED, COMPLETED, UNPAID)

SELF_DELIVERY = 10099  # §1.4, [T1] and [T2]: 자체배송, its date in place of a tracking number
COURIER_NAMES = {c.codes["tmon"]: c.name for c in CATALOGUE if "tmon" in c.codes}  # batch/trade/couriers.py (❓ codes)

# 거부사유 (as staff pick it) -> (reason, reasonDetail) of the refuse call, per claim type. Each is the only code a
# source shows for that call: [T1] OrderServiceImpl / [T2] cancelRefuse "JCD1" (취소거부사유: 이미 출고, 송장 필수);
# [T2] returnRefuse "JRD5" "반품상품 미도착으로 인한 거절" ("클레임거부사유 : 반품상품 미도착", 상세 사유 10~50자);
# [T2] exchangeRejectProc "JXD3" "재고부족으로 인한 교환불가". No source refuses a redelivery.
CLAIM_REFUSALS: dict[ClaimType, dict[str, tuple[str, str]]] = {
    ClaimType.CANCEL: {"이미 발송함": ("JCD1", "")},
    ClaimType.RETURN: {"반품 상품 미도착": ("JRD5", "반품상품 미도착으로 인한 거절")},
    ClaimType.EXCHANGE: {"교환 상품 품절": ("JXD3", "재고부족으로 인한 교환불가")},
}
# TMON's answer to an approval without (or with half of) the invoice it needs: [T2] returnConfirm meets it on return
# and exchange approvals ("택배사코드, 송장번호 모두 입력해주세요").
NEEDS_BOTH = "택배사코드, 송장번호 모두 입력해주세요"
NOTHING_SENT = "티몬에는 아무것도 보내지 않았습니다."


def claim_status(kind: ClaimType, code: str) -> ClaimStatus:
    """Our 요청 / 완료 / 철회 for TMON's claimStatus. C2 (승인) of a cancel stays 요청 until TMON completes it (C3), so an
    invoice is never sent for a deal whose cancel TMON approved; of a return, exchange or redelivery it is done (the
    seller's decision is in effect). C9 (거절) counts with 철회: the claim no longer stands, and no stock comes back
    from it. A code no source names counts as still open (❓ docs/protocols/tmon.md, "Our readings")."""
    if code in (COMPLETED, UNPAID):
        return ClaimStatus.DONE
    if code == APPROVED:
        return ClaimStatus.REQUESTED if kind is ClaimType.CANCEL else ClaimStatus.DONE
    if code in (WITHDRAWN, REFUSED):
        return ClaimStatus.WITHDRAWN
    return ClaimStatus.REQUESTED


def shown_words(kind: ClaimType, item: Mapping[str, Any]) -> str:
    """The claim's state in TMON's words ("반품요청", "교환승인", "취소철회"); a return or exchange whose goods TMON shows
    collected ([T2] ``returnDeliveryCompletedDate``) says so."""
    code = str(item.get("claimStatus") or "")
    word = CLAIM_WORDS.get(code)
    text = f"{kind.value}{word}" if word else f"{kind.value} 상태 {code}"
    if code == OPEN and item.get("returnDeliveryCompletedDate"):
        text += "(회수완료)"
    return text


def pickup_text(item: Mapping[str, Any]) -> str:
    """The 회수 courier and tracking number of a return or exchange ([T2] PaTmonClaimListVO ``returnDeliveryInvoice``
    {deliveryCorp, invoiceNo}); "" when TMON gives none."""
    invoice = item.get("returnDeliveryInvoice")
    if not isinstance(invoice, Mapping):
        return ""
    corp = str(invoice.get("deliveryCorp") or "").strip()
    number = str(invoice.get("invoiceNo") or "").strip()
    name = COURIER_NAMES.get(corp, f"택배사코드 {corp}" if corp else "")
    return " ".join(p for p in (name, number) if p)


class TmonClaims:
    """The claim reads and decisions of one TMON account (mixed into Tmon through TmonOrders)."""

    credentials: Any
    client: MarketClient
    # 거부사유 labels per claim type (the claims workbook's closed list); a redelivery has no refuse call
    claim_reject_reasons: Mapping[ClaimType, tuple[str, ...]] = {k: tuple(v) for k, v in CLAIM_REFUSALS.items()}

    async def _send(self, call: Call) -> httpx.Response:  # provided by Tmon
        raise NotImplementedError

    def _plain(self, value: Any) -> str:  # provided by TmonOrders
        raise NotImplementedError

    # --- reading ----------------------------------------------------------------------------------------

    def _claims(self, item: dict[str, Any], kind: ClaimType, account: str) -> list[Claim]:
        """One Claim per claimed deal. ``requestedDate`` is the name [T2]'s claim VOs
        (``domain/model/PaTmon{Cancel,Claim,Redelivery}List.java``) map; [T1] reads no date. ``shown`` is TMON's
        status word, ``pickup`` the return invoice TMON holds; TMON's decision calls take the claim number only, so
        ``line_no`` stays empty."""
        code = str(item.get("claimStatus") or "")
        out = []
        for deal in item.get("claimDeals", []) or [{}]:
            out.append(
                Claim(
                    market=MARKET,
                    account=account,
                    claim_no=str(item.get("claimNo", "")),
                    order_no=str(item.get("tmonOrderNo", "")),
                    product_no=str(deal.get("tmonDealNo", "")),
                    product_name=str(deal.get("dealTitle", "")),
                    kind=kind,
                    status=claim_status(kind, code),
                    reason=" ".join(str(deal.get(k) or "") for k in ("requestReason", "requestReasonDetail")).strip(),
                    buyer=self._plain(item.get("userName")),
                    requested_at=str(item.get("requestedDate") or ""),
                    pickup=pickup_text(item),
                    shown=shown_words(kind, item),
                )
            )
        return out

    async def _claim_item(self, kind: ClaimType, claim_no: str) -> dict[str, Any] | None:
        """One claim as TMON holds it now: ``GET /{type}/{claimNo}`` ([T1] ClaimServiceImpl.getClaimStatus, read before
        every decision; [T2] returnInfoDetail reads a return's or exchange's into PaTmonClaimListVO). None when TMON
        does not have it (404)."""
        try:
            response = await self._send(Call("GET", f"/{CLAIM_PATHS[kind]}/{claim_no}"))
        except Rejected as exc:
            if exc.status == 404:
                return None
            raise
        return json_object(response)

    async def claim_now(self, claim: Claim) -> Claim | None:
        """The claim re-read (``GET /{type}/{claimNo}``), its status and TMON's words current; None when TMON no
        longer has it. An answer that names no deals keeps the claim's own deal."""
        item = await self._claim_item(claim.kind, claim.claim_no)
        if item is None:
            return None
        if not item.get("claimDeals"):
            code = str(item.get("claimStatus") or "")
            return replace(
                claim,
                status=claim_status(claim.kind, code),
                shown=shown_words(claim.kind, item),
                pickup=pickup_text(item) or claim.pickup,
            )
        found = [c for c in self._claims(item, claim.kind, claim.account) if c.product_no == claim.product_no]
        return found[0] if found else None

    # --- the decision calls -------------------------------------------------------------------------------

    async def approve_cancel(self, claim_no: str) -> None:
        """취소승인 (``PUT /cancellations/{claimNo}/approve``, no body: [T1] requestOrderCancel, [T2] cancelconfirm). TMON
        answers "…완료된…" when it was done already: that is success too ([T2] cancelconfirm "완료된 취소승인 예외
        처리")."""
        try:
            await self._send(Call("PUT", f"/cancellations/{claim_no}/approve", idempotent=False))
        except Rejected as exc:
            if "완료된" not in exc.message:
                raise

    async def reject_cancel(self, claim_no: str, courier_code: str, number: str) -> None:
        """취소거부 because the order already shipped (JCD1): TMON requires the shipment's invoice ([T1] OrderServiceImpl
        shipOrders, [T2] cancelRefuse "취소거부사유가 JCD1 일 경우 : 송장번호와 택배사코드가 필수")."""
        body = {"reason": "JCD1", "deliveryInvoice": invoice(courier_code, number)}
        await self._send(Call("PUT", f"/cancellations/{claim_no}/reject", json=body, idempotent=False))

    async def approve_return(self, claim_no: str, courier_code: str = "", number: str = "") -> None:
        """반품승인 (환불) once the goods came back: ``PUT /refunds/{claimNo}/approve``. [T1] confirmReturnOrders sends no
        invoice (TMON holds the return's); [T2] returnConfirm sends the collection invoice as ``returnDeliveryInvoice``,
        which goes here when staff give one."""
        body = {"returnDeliveryInvoice": invoice(courier_code, number)} if courier_code else None
        await self._send(Call("PUT", f"/refunds/{claim_no}/approve", json=body, idempotent=False))

    async def approve_exchange(self, claim_no: str, courier_code: str, number: str) -> None:
        """교환승인 with the re-sent item's invoice: ``PUT /exchanges/{claimNo}/approve`` ``{redeliveryInvoice}`` ([T1]
        confirmExchangeOrders, [T2] returnConfirm "교환 : 재배송송장")."""
        body = {"redeliveryInvoice": invoice(courier_code, number)}
        await self._send(Call("PUT", f"/exchanges/{claim_no}/approve", json=body, idempotent=False))

    async def approve_redelivery(self, claim_no: str, courier_code: str, number: str) -> None:
        """재배송 승인 with the re-sent item's invoice. [T1] confirmExchangeOrders reads the claim from
        ``/redeliveries/{claimNo}`` and sends ``{redeliveryInvoice}`` to ``PUT /refunds/{claimNo}/approve``, the only
        redelivery call in any source (❓ docs/protocols/tmon.md, "Our readings")."""
        body = {"redeliveryInvoice": invoice(courier_code, number)}
        await self._send(Call("PUT", f"/refunds/{claim_no}/approve", json=body, idempotent=False))

    async def reject_claim(self, kind: ClaimType, claim_no: str, reason: str) -> None:
        """반품·교환 거부: ``{reason, reasonDetail}`` ([T2] returnRefuse JRD5, exchangeRejectProc JXD3), to
        ``PUT /{refunds|exchanges}/{claimNo}/reject`` (❓ the path: [T2] takes it from its settings; it is the cancel
        refusal's, [T1], under the claim's own type — docs/protocols/tmon.md, "Our readings")."""
        code, detail = CLAIM_REFUSALS[kind][reason]
        body = {"reason": code, "reasonDetail": detail}
        await self._send(Call("PUT", f"/{CLAIM_PATHS[kind]}/{claim_no}/reject", json=body, idempotent=False))

    # --- decisions ---------------------------------------------------------------------------------------

    async def decide_claims(self, decisions: Sequence[ClaimDecision]) -> Outcomes:
        """Each decision with TMON's own call, one call per claim (TMON has no batch call), keyed by ``d.key``.

        As [T1] does before every decision, the claim is read first (``GET /{type}/{claimNo}``): only an open claim
        (C1) is sent to; a decision TMON shows in effect already is done (approve: C2/C3/C4; refuse: C9); a claim the
        buyer withdrew (C8), or one decided the other way, is refused with why, and nothing is sent. What is missing
        for the call (an invoice, a 거부사유 TMON takes) is refused before anything is read or sent. A refusal of the
        write is checked against the claim read again, so a decision that landed anyway counts as done."""
        return await each_item(decisions, lambda d: d.key, self._decide, self.client.settings.concurrency)

    async def _decide(self, d: ClaimDecision) -> None:
        send = self._decision_call(d)
        claim = d.claim
        item = await self._claim_item(claim.kind, claim.claim_no)
        if item is None:
            raise Rejected(MARKET, not_found(claim))
        if settled(d, item):
            return
        try:
            await send()
        except Rejected as exc:
            again = await self._claim_item(claim.kind, claim.claim_no)
            if again is not None and str(again.get("claimStatus") or "") != OPEN and settled(d, again):
                return
            if NEEDS_BOTH in exc.message:
                raise Rejected(MARKET, needs_invoice(d, exc.message), status=exc.status, code=exc.code) from exc
            raise

    def _decision_call(self, d: ClaimDecision) -> Callable[[], Awaitable[None]]:
        """The call for ``d``, checked before anything is sent: a Rejected (Korean, what to fill) when it cannot go."""
        claim, kind = d.claim, d.claim.kind
        courier, number = d.courier_code.strip(), d.number.strip()
        if courier and not courier.isdigit():
            raise Rejected(
                MARKET, f"택배사 코드 '{courier}'는 티몬 택배사 코드가 아닙니다. 택배사를 다시 고르세요. {NOTHING_SENT}"
            )
        has_invoice = bool(courier) and (bool(number) or courier == str(SELF_DELIVERY))
        if not d.approve:
            reasons = CLAIM_REFUSALS.get(kind)
            if reasons is None:
                raise Rejected(MARKET, no_refusal(kind))
            if d.reason not in reasons:
                raise Rejected(MARKET, wrong_reason(kind, d.reason))
            if kind is ClaimType.CANCEL:
                if not has_invoice:
                    raise Rejected(MARKET, missing_invoice(d))
                return lambda: self.reject_cancel(claim.claim_no, courier, number)
            return lambda: self.reject_claim(kind, claim.claim_no, d.reason)
        if kind is ClaimType.CANCEL:
            return lambda: self.approve_cancel(claim.claim_no)
        if kind is ClaimType.RETURN:
            if (courier or number) and not has_invoice:
                raise Rejected(MARKET, missing_invoice(d))
            return lambda: self.approve_return(claim.claim_no, courier, number)
        if not has_invoice:
            raise Rejected(MARKET, missing_invoice(d))
        if kind is ClaimType.EXCHANGE:
            return lambda: self.approve_exchange(claim.claim_no, courier, number)
        return lambda: self.approve_redelivery(claim.claim_no, courier, number)


def invoice(courier_code: str, number: str) -> dict[str, Any]:
    """``{deliveryCorp, invoiceNo}`` as [T1] and [T2] send it in a claim call; 자체배송 (10099) also carries today's
    date as ``deliveryScheduledDate`` ([T1] confirmExchangeOrders "자체배송은 송장등록시 송장번호가 아닌 발송예정일을
    입력합니다"), and as the number when none is given ([T2] cancelRefuse sends the date as invoiceNo)."""
    corp = int(courier_code)
    if corp != SELF_DELIVERY:
        return {"deliveryCorp": corp, "invoiceNo": number}
    day = dt.datetime.now(KST).strftime("%Y-%m-%d")
    return {"deliveryCorp": corp, "invoiceNo": number or day, "deliveryScheduledDate": day}


def settled(d: ClaimDecision, item: Mapping[str, Any]) -> bool:
    """True when TMON shows ``d`` in effect already (nothing to send); False when the claim is open (send); a
    Rejected with why when it stands otherwise (withdrawn, decided the other way, a state no source names)."""
    code = str(item.get("claimStatus") or "")
    shown = shown_words(d.claim.kind, item)
    if code == OPEN:
        return False
    if code == WITHDRAWN:
        raise Rejected(MARKET, f"구매자가 철회한 요청입니다(티몬 상태: {shown}). 처리할 것이 없어 보내지 않았습니다.")
    if (code in IN_EFFECT and d.approve) or (code == REFUSED and not d.approve):
        return True
    if code in IN_EFFECT:
        raise Rejected(
            MARKET,
            f"티몬에서 이미 승인된 클레임이라 거부할 수 없습니다(티몬 상태: {shown}). 거부는 보내지 않았습니다. "
            "티몬 판매자센터에서 확인하세요.",
        )
    if code == REFUSED:
        raise Rejected(
            MARKET,
            f"티몬에서 이미 거절된 클레임입니다(티몬 상태: {shown}). 승인은 보내지 않았습니다. "
            "바꾸려면 티몬 판매자센터에서 처리하세요.",
        )
    raise Rejected(
        MARKET,
        f"티몬이 알 수 없는 클레임 상태({code or '없음'})를 보냈습니다. 보내지 않았습니다. 티몬 판매자센터에서 확인하세요.",
    )


def not_found(claim: Claim) -> str:
    return (
        f"티몬에서 {claim.kind.value} 클레임 {claim.claim_no}을(를) 찾지 못했습니다. 클레임을 다시 수집해 확인하세요. "
        "보내지 않았습니다."
    )


def no_refusal(kind: ClaimType) -> str:
    return (
        f"티몬 API에는 {kind.value} 요청을 거부하는 기능이 없습니다. 티몬 판매자센터에서 처리하거나 처리를 승인으로 "
        f"바꾸세요. {NOTHING_SENT}"
    )


def wrong_reason(kind: ClaimType, reason: str) -> str:
    taken = ", ".join(f"'{r}'" for r in CLAIM_REFUSALS[kind])
    given = f"'{reason}'" if reason else "빈 칸"
    return f"티몬 {kind.value} 거부사유는 {taken} 중 하나입니다({given}은(는) 받지 않습니다). 거부사유를 고쳐 다시 실행하세요. {NOTHING_SENT}"


INVOICE_FOR = {
    (ClaimType.CANCEL, False): "취소 거부(이미 출고)에는 이미 보낸 상품의 택배사와 송장번호가 필요합니다",
    (ClaimType.RETURN, True): "반품 승인에 회수 송장을 적으려면 택배사와 송장번호를 함께 적어야 합니다",
    (ClaimType.EXCHANGE, True): "교환 승인에는 다시 보내는 상품의 택배사와 송장번호가 필요합니다",
    (ClaimType.REDELIVERY, True): "재배송 승인에는 다시 보내는 상품의 택배사와 송장번호가 필요합니다",
}


def missing_invoice(d: ClaimDecision) -> str:
    what = INVOICE_FOR[(d.claim.kind, d.approve)]
    return f"{what}. 택배사와 송장번호 칸을 채워 다시 실행하세요. {NOTHING_SENT}"


def needs_invoice(d: ClaimDecision, words: str) -> str:
    """TMON refused an approval for want of an invoice ([T2] "택배사코드, 송장번호 모두 입력해주세요")."""
    if d.claim.kind is ClaimType.RETURN:
        return (
            f"티몬이 반품 승인에 회수 송장을 요구합니다({words}). 티몬에 회수 송장이 없으니, 상품을 돌려받은 택배사와 "
            "송장번호를 적어 다시 실행하세요."
        )
    return f"티몬이 택배사와 송장번호를 요구합니다({words}). 택배사와 송장번호 칸을 확인해 다시 실행하세요."
