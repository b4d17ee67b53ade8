"""Naver Commerce claims in the sandbox (취소·반품·교환): the buyer's claims, their states, and the seller's claim calls.

Written from Naver's order pages on apicenter.commerce.naver.com (주문 > 취소 / 반품 / 교환), apart from
``batch.marketplaces``; the pages were read as public copies: a clipping of seller-approve-cancel-application-pay-
order-seller, a record of the claim pages as the API centre showed them on 2026-06-04 (v2.79.0: every field, its
"필수" badge and example; index file 58775333889), per-endpoint copies of each page, and the product-order query page
clipped 2025-09-26 (claimStatus, collectStatus, holdbackStatus, reDeliveryStatus, the claim objects). Every claim call
is ``POST …/product-orders/{productOrderId}/claim/…``, one product order a call, and answers "(성공/실패) 상품 주문
처리 내역" ``{timestamp, traceId, data{successProductOrderIds, failProductOrderInfos[{productOrderId, code,
message}]}}`` with the order pages' "오류 코드 정의" codes:

* ``cancel/approve`` (취소 요청 승인, "1건의 상품 주문에 대한 취소 요청을 승인합니다", no body): from 취소 요청
  (``CANCEL_REQUEST``, and ``CANCELING``, as the 주문 상태 변경 흐름도 quoted by a production client has it) to
  ``CANCEL_DONE``; the product order becomes ``CANCELED``.
* ``return/approve`` (반품 승인, no body): from 수거 완료 (``COLLECT_DONE``: "반품 수거가 완료된 상품 주문의 클레임을
  … 반품완료로", the flow chart's R-1) to ``RETURN_DONE``, the product order ``RETURNED``; a return held back
  (``holdbackStatus`` HOLDBACK) is not approved ("보류(holdback) 상태인 건은 먼저 반품 보류 해제").
* ``return/reject`` ``{"rejectReturnReason"}`` (반품 거부(철회), the reason required, free text): from 반품 요청, 수거
  처리 중 or 수거 완료 to ``RETURN_REJECT`` (반품 철회); the product order keeps its delivery state.
* ``exchange/collect/approve`` (교환 수거 완료, no body): from 교환 요청 or 수거 처리 중 to ``COLLECT_DONE``.
* ``exchange/dispatch`` ``{"reDeliveryMethod", "reDeliveryCompany", "reDeliveryTrackingNumber"}`` (교환 재배송 처리,
  "1건의 상품 주문 교환 승인 건을 재배송 처리"): only from ``COLLECT_DONE`` — else 104417 "교환 상태 확인 필요(재배송
  처리 불가능 주문 상태)"; to ``EXCHANGE_REDELIVERING`` (교환 재배송 중), the product order DELIVERING.
* ``exchange/reject`` ``{"rejectExchangeReason"}`` (교환 거부(철회), required free text): from 교환 요청, 수거 처리 중
  or 수거 완료 to ``EXCHANGE_REJECT``.
* ``GET /v1/pay-order/seller/orders/{orderId}/product-order-ids`` (상품 주문 목록 조회: "주문에 대한 상품 주문 번호
  목록을 조회합니다", ``data`` string[]).

A body the page requires and the request lacks is a whole-call 400 ``4000`` in the error shape; a claim held back
is not processed by approve, reject, collect or re-delivery ("보류 상태인 건은 본 endpoint로 처리되지 않으므로 …
보류 해제 후 재시도"). The query answer shows a product order's current claim under ``currentClaim`` and at the top
level (documented until its removal), and its earlier claims under ``completedClaims``.

The sandbox's readings where the pages are silent (❓):

* A decision a claim no longer takes (a repeat included) is refused per item with 104442 (상품 주문 상태 확인 필요);
  an unknown product order with 100001; an unknown order (product-order-ids) is a 400 ``100003`` (주문을 찾을 수
  없음).
* Re-delivery takes only ``DELIVERY`` with a courier of the dispatch list and a tracking number (104118 / 104119 /
  104120 as on the dispatch page); a tracking number another order already used is 104121.
* The buyer's claim (``POST /__sandbox__/claims`` ``{"order", "type": "cancel"|"return"|"exchange", "productOrder"?,
  "state"?}``): a cancel from 결제 완료 (PAYED), a return or exchange from DELIVERING / DELIVERED; ``state`` for a
  return or exchange: ``requested`` (the default: ``*_REQUEST``, 수거 미요청), ``collecting`` (수거 처리 중, a pick-up
  courier and tracking number), ``collected`` (수거 완료) or ``holdback`` (수거 완료 and held back for the return
  fee, 보류 중). ``"type": "withdraw"`` is the buyer withdrawing the open claim(s) of the order, before the goods are
  collected: ``*_REJECT`` (취소 철회 / 반품 철회 / 교환 철회), ``lastChangedType`` CLAIM_REJECTED. Naver has no
  redelivery claim (교환 재배송 is a step of an exchange): ``"type": "redelivery"`` is refused.
* The feed moves with each change: CLAIM_REQUESTED, COLLECT_DONE, CLAIM_COMPLETED, CLAIM_REJECTED, CLAIM_REDELIVERING
  (lastChangedType.pay-order-seller).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from batch.sandbox.faults import Clock
from batch.sandbox.naver_orders import (
    BAD,
    COURIERS,
    OPEN_CLAIM,
    ORDERS,
    Api,
    Catalogue,
    NaverOrders,
    _input,
    stamp,
)

KINDS = {
    # type -> (claimType, the object's name in the query answer, the states it is raised from, buyer reasons)
    "cancel": ("CANCEL", "cancel", ("PAYED",), ("단순 변심", "배송 지연", "상품 정보 상이")),
    "return": ("RETURN", "return", ("DELIVERING", "DELIVERED"), ("단순 변심", "상품 불량", "오배송")),
    "exchange": ("EXCHANGE", "exchange", ("DELIVERING", "DELIVERED"), ("사이즈 교환", "색상 교환")),
}
STATES = ("requested", "collecting", "collected", "holdback")
# a buyer's claim reasons as codes of "클레임 요청 사유" (claimReason.pay-order-seller)
REASON_CODES = {"단순 변심": "INTENT_CHANGED", "배송 지연": "DELAYED_DELIVERY", "상품 정보 상이": "INCORRECT_INFO",
                "상품 불량": "BROKEN", "오배송": "WRONG_DELIVERY", "사이즈 교환": "COLOR_AND_SIZE",
                "색상 교환": "COLOR_AND_SIZE"}  # fmt: skip
WITHDRAWABLE = ("CANCEL_REQUEST", "RETURN_REQUEST", "EXCHANGE_REQUEST", "COLLECTING")
REJECTED = {"cancel": "CANCEL_REJECT", "return": "RETURN_REJECT", "exchange": "EXCHANGE_REJECT"}
# holdbackReason.pay-order-seller: the hold the sandbox seeds, per claim
HOLDBACK = {
    "return": ("RETURN_DELIVERYFEE", "반품 배송비 청구"),
    "exchange": ("EXCHANGE_DELIVERYFEE", "교환 배송비 청구"),
}
NOT_FOUND = ("100001", "상품 주문을 찾을 수 없습니다.")
CANT_REDELIVER = "104417"  # "교환 상태 확인 필요(재배송 처리 불가능 주문 상태)"
# the fields of each claim object the sandbox keeps (the query page's cancel / return / exchange objects)
COLLECT = (
    "collectStatus",
    "collectDeliveryMethod",
    "collectDeliveryCompany",
    "collectTrackingNumber",
    "collectCompletedDate",
    "holdbackStatus",
    "holdbackReason",
    "holdbackDetailedReason",
)
FIELDS = {
    "cancel": ("cancelApprovalDate", "cancelCompletedDate"),
    "return": (*COLLECT, "returnCompletedDate"),
    "exchange": (
        *COLLECT,
        "reDeliveryMethod",
        "reDeliveryStatus",
        "reDeliveryCompany",
        "reDeliveryTrackingNumber",
        "reDeliveryOperationDate",
    ),
}


class NaverDesk(NaverOrders):
    """The order desk with claims: the buyer's (control API) and the seller's claim calls."""

    def __init__(self, *, clock: Clock, api: Api, products: Catalogue) -> None:
        super().__init__(clock=clock, api=api, products=products)
        claim = f"{ORDERS}/{{productOrderId}}/claim"
        for action, handler in (
            ("cancel/approve", self.approve_cancel),
            ("return/approve", self.approve_return),
            ("return/reject", self.reject_return),
            ("exchange/collect/approve", self.collect_exchange),
            ("exchange/dispatch", self.redeliver_exchange),
            ("exchange/reject", self.reject_exchange),
        ):
            self.routes.append(Route(f"{claim}/{action}", api(f"POST claim/{action}", handler), methods=["POST"]))
        self.routes.append(
            Route(
                "/external/v1/pay-order/seller/orders/{orderId}/product-order-ids",
                api("GET orders/product-order-ids", self.product_order_ids),
                methods=["GET"],
            )
        )

    # -- the query answer ---------------------------------------------------------------------------------

    def add_claims(self, item: dict[str, Any], line: Mapping[str, Any]) -> None:
        claim = self.claims.get(line["claimId"] or "")
        if claim is not None:
            name = KINDS[claim["kind"]][1]
            found = self.claim_object(claim)
            # "cancel/return/exchange: 2025년 상반기 중 제거 예정, currentClaim 하위의 동일 오브젝트 사용 권장"
            item["currentClaim"] = {name: found}
            item[name] = copy.deepcopy(found)
        earlier = [
            self.completed(c)
            for c in self.claims.values()
            if c["productOrderId"] == line["productOrderId"] and c["claimId"] != line["claimId"]
        ]
        if earlier:
            item["completedClaims"] = earlier

    @staticmethod
    def claim_object(claim: Mapping[str, Any]) -> dict[str, Any]:
        name = KINDS[claim["kind"]][1]
        reason = claim["reason"]
        found: dict[str, Any] = {
            "claimId": claim["claimId"],
            "claimStatus": claim["claimStatus"],
            "claimRequestDate": claim["claimRequestDate"],
            "requestChannel": claim.get("requestChannel", "구매자"),
            f"{name}Reason": claim.get("reasonCode") or REASON_CODES.get(reason, "ETC"),
            f"{name}DetailedReason": reason,
        }
        for field in FIELDS[claim["kind"]]:
            found[field] = claim.get(field)
        return found

    @staticmethod
    def completed(claim: Mapping[str, Any]) -> dict[str, Any]:
        """An earlier claim of the product order, as ``completedClaims[]`` lists it (the query page's fields)."""
        shown = NaverDesk.claim_object(claim)
        name = KINDS[claim["kind"]][1]
        out = {
            "claimType": claim["claimType"],
            "claimId": claim["claimId"],
            "claimStatus": claim["claimStatus"],
            "claimRequestDate": claim["claimRequestDate"],
            "requestChannel": shown["requestChannel"],
            "claimRequestReason": shown[f"{name}Reason"],
            "claimRequestDetailContent": shown[f"{name}DetailedReason"],
        }
        for field in (*COLLECT, *FIELDS["exchange"][len(COLLECT) :]):
            if field in shown:
                out[field] = shown[field]
        return out

    # -- the seller's claim calls -------------------------------------------------------------------------

    def claim_of(self, number: str, store: str, kind: str) -> tuple[dict[str, Any] | None, tuple[str, str] | None]:
        """The product order's current claim of ``kind``, or why the call cannot take it."""
        problem = self.injected_problem(number)
        if problem is not None:
            return None, problem
        line = self.line_of(number, store)
        if line is None:
            return None, NOT_FOUND
        claim = self.claims.get(line["claimId"] or "")
        if claim is None or claim["kind"] != kind:
            return None, ("104442", f"{kind} 클레임이 없는 상품주문입니다.")
        if claim.get("holdbackStatus") == "HOLDBACK":
            return None, ("104442", "보류 중인 클레임입니다. 보류를 해제한 뒤 처리하세요.")
        return claim, None

    def settle(self, number: str, claim: dict[str, Any], status: str, change: str, **fields: Any) -> None:
        claim["claimStatus"] = status
        claim.update(fields)
        line = self.lines[number]
        line["claimStatus"] = status
        self.changed(line, change)

    def outcome(self, number: str, problem: tuple[str, str] | None) -> Response:
        if problem is not None:
            fail = [{"productOrderId": number, "code": problem[0], "message": problem[1]}]
            return self.answer({"successProductOrderIds": [], "failProductOrderInfos": fail})
        return self.answer({"successProductOrderIds": [number], "failProductOrderInfos": []})

    async def reason(self, request: Request, field: str) -> str:
        """A required free-text reason (``rejectReturnReason`` / ``rejectExchangeReason``); a 400 without it."""
        body = await self.body(request)
        value = body.get(field)
        if not isinstance(value, str) or not value.strip():
            raise self.error(400, BAD, f"{field}은(는) 필수입니다.", [_input(field, "NotBlank")])
        return value

    async def approve_cancel(self, request: Request, store: str) -> Response:
        number = request.path_params["productOrderId"]
        claim, problem = self.claim_of(number, store, "cancel")
        if claim is not None and claim["claimStatus"] not in ("CANCEL_REQUEST", "CANCELING"):
            problem = ("104442", f"승인할 취소 요청이 없습니다: {claim['claimStatus']}")
        if claim is None or problem is not None:
            return self.outcome(number, problem)
        now = stamp(self.clock())
        self.lines[number]["productOrderStatus"] = "CANCELED"
        self.settle(number, claim, "CANCEL_DONE", "CLAIM_COMPLETED", cancelApprovalDate=now, cancelCompletedDate=now)
        return self.outcome(number, None)

    async def approve_return(self, request: Request, store: str) -> Response:
        number = request.path_params["productOrderId"]
        claim, problem = self.claim_of(number, store, "return")
        if claim is not None and claim["claimStatus"] != "COLLECT_DONE":
            problem = ("104442", f"수거 완료 전에는 반품을 승인할 수 없습니다: {claim['claimStatus']}")
        if claim is None or problem is not None:
            return self.outcome(number, problem)
        self.lines[number]["productOrderStatus"] = "RETURNED"
        self.settle(number, claim, "RETURN_DONE", "CLAIM_COMPLETED", returnCompletedDate=stamp(self.clock()))
        return self.outcome(number, None)

    async def reject_return(self, request: Request, store: str) -> Response:
        number = request.path_params["productOrderId"]
        reason = await self.reason(request, "rejectReturnReason")
        claim, problem = self.claim_of(number, store, "return")
        if claim is not None and claim["claimStatus"] not in ("RETURN_REQUEST", "COLLECTING", "COLLECT_DONE"):
            problem = ("104442", f"거부할 반품 요청이 없습니다: {claim['claimStatus']}")
        if claim is None or problem is not None:
            return self.outcome(number, problem)
        self.settle(number, claim, "RETURN_REJECT", "CLAIM_REJECTED", rejectReason=reason)
        return self.outcome(number, None)

    async def collect_exchange(self, request: Request, store: str) -> Response:
        number = request.path_params["productOrderId"]
        claim, problem = self.claim_of(number, store, "exchange")
        if claim is not None and claim["claimStatus"] not in ("EXCHANGE_REQUEST", "COLLECTING"):
            problem = ("104442", f"수거 완료로 처리할 교환이 아닙니다: {claim['claimStatus']}")
        if claim is None or problem is not None:
            return self.outcome(number, problem)
        now = stamp(self.clock())
        self.settle(number, claim, "COLLECT_DONE", "COLLECT_DONE", collectStatus="DELIVERED", collectCompletedDate=now)
        return self.outcome(number, None)

    async def redeliver_exchange(self, request: Request, store: str) -> Response:
        number = request.path_params["productOrderId"]
        body = await self.body(request)
        method, company, tracking = (
            body.get(k) for k in ("reDeliveryMethod", "reDeliveryCompany", "reDeliveryTrackingNumber")
        )
        claim, problem = self.claim_of(number, store, "exchange")
        if claim is not None and claim["claimStatus"] != "COLLECT_DONE":
            problem = (CANT_REDELIVER, f"교환 재배송을 처리할 수 없는 상태입니다: {claim['claimStatus']}")
        elif claim is not None:
            problem = self.redelivery_problem(number, method, company, tracking)
        if claim is None or problem is not None:
            return self.outcome(number, problem)
        self.lines[number]["productOrderStatus"] = "DELIVERING"
        self.settle(
            number,
            claim,
            "EXCHANGE_REDELIVERING",
            "CLAIM_REDELIVERING",
            reDeliveryMethod=method,
            reDeliveryStatus="DELIVERING",
            reDeliveryCompany=company,
            reDeliveryTrackingNumber=tracking,
            reDeliveryOperationDate=stamp(self.clock()),
        )
        return self.outcome(number, None)

    def redelivery_problem(
        self, number: str, method: object, company: object, tracking: object
    ) -> tuple[str, str] | None:
        if method != "DELIVERY":
            return (BAD, f"택배 재배송(DELIVERY)만 지원합니다: {method}")
        if not isinstance(company, str) or not company:
            return ("104118", "택배사를 입력하세요.")
        if company not in COURIERS:
            return ("104119", f"택배사 코드를 확인하세요: {company}")
        if not isinstance(tracking, str) or not tracking:
            return ("104120", "송장 번호를 입력하세요.")
        used = {(i["deliveryCompanyCode"], i["trackingNumber"]) for i in self.invoices}
        used |= {
            (c.get("reDeliveryCompany"), c.get("reDeliveryTrackingNumber"))
            for c in self.claims.values()
            if c["productOrderId"] != number
        }
        if (company, tracking) in used:
            return ("104121", f"이미 사용한 송장번호입니다: {tracking}")
        return None

    async def reject_exchange(self, request: Request, store: str) -> Response:
        number = request.path_params["productOrderId"]
        reason = await self.reason(request, "rejectExchangeReason")
        claim, problem = self.claim_of(number, store, "exchange")
        if claim is not None and claim["claimStatus"] not in ("EXCHANGE_REQUEST", "COLLECTING", "COLLECT_DONE"):
            problem = ("104442", f"거부할 교환 요청이 없습니다: {claim['claimStatus']}")
        if claim is None or problem is not None:
            return self.outcome(number, problem)
        self.settle(number, claim, "EXCHANGE_REJECT", "CLAIM_REJECTED", rejectReason=reason)
        return self.outcome(number, None)

    async def product_order_ids(self, request: Request, store: str) -> Response:
        order = self.orders.get(request.path_params["orderId"])
        if order is None or order["store"] != store:
            raise self.error(400, "100003", f"주문을 찾을 수 없습니다: {request.path_params['orderId']}")
        return self.answer([n for n, line in self.lines.items() if line["orderId"] == order["orderId"]])

    # -- the buyer's claims (control API) -----------------------------------------------------------------

    def raise_claim(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """A buyer's claim on every eligible product order of ``order`` (or on ``productOrder`` alone), or the
        buyer withdrawing the open ones (``"type": "withdraw"``)."""
        kind = data.get("type")
        if kind == "redelivery":
            raise ValueError("naver has no redelivery claim: 교환 재배송 is a step of an exchange (type exchange)")
        if kind != "withdraw" and kind not in KINDS:
            raise ValueError(f"type must be one of {sorted([*KINDS, 'withdraw'])}, got {kind!r}")
        order = self.orders.get(str(data.get("order")))
        if order is None:
            raise ValueError(f"unknown order {data.get('order')!r}")
        wanted = data.get("productOrder")
        lines = [
            line
            for line in self.lines.values()
            if line["orderId"] == order["orderId"] and (wanted is None or line["productOrderId"] == wanted)
        ]
        if kind == "withdraw":
            return self.withdraw(order["orderId"], lines)
        state = data.get("state", "requested")
        if state not in STATES or (kind == "cancel" and state != "requested"):
            allowed = ["requested"] if kind == "cancel" else list(STATES)
            raise ValueError(f"state of a {kind} claim must be one of {allowed}, got {state!r}")
        claim_type, _, allowed_from, reasons = KINDS[str(kind)]
        eligible = [x for x in lines if x["productOrderStatus"] in allowed_from and x["claimStatus"] not in OPEN_CLAIM]
        if not eligible:
            raise ValueError(f"no product order of {order['orderId']} can take a {kind} claim now")
        made = []
        for line in eligible:
            claim_id = str(self.next_claim)
            self.next_claim += 1
            claim: dict[str, Any] = {
                "claimId": claim_id,
                "kind": kind,
                "claimType": claim_type,
                "claimStatus": f"{claim_type}_REQUEST",
                "productOrderId": line["productOrderId"],
                "orderId": order["orderId"],
                "store": order["store"],
                "reason": reasons[int(claim_id) % len(reasons)],
                "claimRequestDate": stamp(self.clock()),
            }
            change = "CLAIM_REQUESTED"
            if kind != "cancel":
                claim.update(collectStatus="NOT_REQUESTED", collectDeliveryMethod="RETURN_DESIGNATED")
                change = self.collect(claim, str(state))
            self.claims[claim_id] = claim
            line.update(claimType=claim_type, claimStatus=claim["claimStatus"], claimId=claim_id)
            self.changed(line, change)
            made.append(claim_id)
        return {"claimNo": made[0], "claimNos": made}

    def collect(self, claim: dict[str, Any], state: str) -> str:
        """Move a new return or exchange on to ``state``; its feed change."""
        if state == "requested":
            return "CLAIM_REQUESTED"
        number = int(claim["claimId"])
        claim.update(
            claimStatus="COLLECTING",
            collectStatus="DELIVERING",
            collectDeliveryCompany=COURIERS[number % 5],
            collectTrackingNumber=f"6{number:011d}",
        )
        if state == "collecting":
            return "CLAIM_REQUESTED"
        claim.update(claimStatus="COLLECT_DONE", collectStatus="DELIVERED", collectCompletedDate=stamp(self.clock()))
        if state == "holdback":
            code, words = HOLDBACK[claim["kind"]]
            claim.update(holdbackStatus="HOLDBACK", holdbackReason=code, holdbackDetailedReason=words)
        return "COLLECT_DONE"

    def withdraw(self, order_id: str, lines: list[dict[str, Any]]) -> dict[str, Any]:
        made = []
        for line in lines:
            claim = self.claims.get(line["claimId"] or "")
            if claim is None or claim["claimStatus"] not in WITHDRAWABLE:
                continue
            self.settle(line["productOrderId"], claim, REJECTED[claim["kind"]], "CLAIM_REJECTED")
            made.append(claim["claimId"])
        if not made:
            raise ValueError(f"no product order of {order_id} has a claim the buyer can withdraw now")
        return {"claimNo": made[0], "claimNos": made}
