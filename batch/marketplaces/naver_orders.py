"""Naver Commerce orders, claims and inquiries (marketplaces.md §3.3, §3.4): the change feed, details, batches.

Mixed into ``naver.Naver``; only the order side lives here. Readings where the docs are unsure (❓) are named
where they are used and listed once in docs/protocols/naver.md, "Our readings".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

import httpx

from batch.marketplaces.base import (
    AlreadyDone,
    Call,
    MarketClient,
    MarketError,
    Rejected,
    Unavailable,
    Verdict,
    chunks,
    each_item,
    in_batches,
)
from batch.marketplaces.types import Outcomes, Shipment
from batch.models import KST, ClaimStatus, ClaimType, Inquiry, Market, OrderLine, OrderStatus

MARKET = Market.NAVER.value
ORDERS = "/v1/pay-order/seller/product-orders"
FEED = f"{ORDERS}/last-changed-statuses"
WINDOW = dt.timedelta(hours=24)  # §3.3: at most 24 h per feed call
OVERLAP = dt.timedelta(minutes=5)  # §3.4: overlapping windows, so nothing on a boundary is lost
FEED_LIMIT = 300  # limitCount ≤ 300
# "요청 가능한 상품 주문 번호는 최대 300개입니다." (apicenter …/seller-get-product-orders-pay-order-seller)
QUERY_LIMIT = 300
# "요청 가능한 상품 주문 번호는 최대 30개입니다." (apicenter …/seller-confirm-placed-product-orders-pay-order-seller,
# clipped 2025-09-26); a larger batch is refused whole (fidelity review N17)
CONFIRM_LIMIT = 30
# the same sentence on apicenter …/seller-dispatch-product-orders-pay-order-seller
DISPATCH_LIMIT = 30
# qnas: "페이지당 최대 100건" (apicenter get-comments-contents); pay-user/inquiries: 10~200 (get-customer-inquiry-pay-user)
PAGE_SIZE = 100
QNA_LOOKBACK = dt.timedelta(days=30)  # ❓ how far back an answer looks for the question (docs/protocols/naver.md)
ANSWER_LIMIT = 1000  # ❓ not documented (docs/protocols/naver.md, "Our readings")

# Per-item failure codes of confirm and dispatch: the "오류 코드 정의" table of both apicenter pages. None of them
# says "try again", so no item is re-sent by itself; an item is done only when Naver says so or a fresh read of the
# order shows it (docs/protocols/naver.md, "Our readings").
# 104443 "발주 상태 확인 필요": on confirm, already confirmed once the order reads placeOrderStatus OK
PLACE_ORDER_STATE = "104443"
# 고객 문의 답변 등록, 400: "ERR-NC-101010 해당 문의에 이미 답변이 존재하는 경우" (apicenter insert-inquiry-answer-pay-merchant)
ALREADY_ANSWERED = "ERR-NC-101010"
STATE_CODES = frozenset({"104442", "105306"})  # dispatch refused for the order's state: read it again
UNANSWERED = "UNANSWERED"  # ours: an item missing from Naver's answer

ORDER_STATUS = {
    "DELIVERING": OrderStatus.SHIPPING,
    "DELIVERED": OrderStatus.DELIVERED,
    "PURCHASE_DECIDED": OrderStatus.DELIVERED,
    "EXCHANGED": OrderStatus.DELIVERED,  # ❓ an exchange re-shipped and settled
    "CANCELED": OrderStatus.CANCELLED,
    "RETURNED": OrderStatus.CANCELLED,
}
NOT_ORDERS = frozenset({"PAYMENT_WAITING", "CANCELED_BY_NOPAYMENT"})  # never paid: not an order to handle
CLAIM_TYPES = {
    "CANCEL": ClaimType.CANCEL,
    "ADMIN_CANCEL": ClaimType.CANCEL,
    "RETURN": ClaimType.RETURN,
    "EXCHANGE": ClaimType.EXCHANGE,
}
CLAIM_DETAIL = {ClaimType.CANCEL: "cancel", ClaimType.RETURN: "return", ClaimType.EXCHANGE: "exchange"}
INQUIRY_KINDS = {"상품": "상품", "배송": "배송", "반품": "반품", "교환": "교환", "환불": "반품"}
# 판매취소: our reasons (types.SALE_CANCEL_REASONS) as Naver's cancelReason, "클레임 요청 사유" of apicenter
# seller-request-cancel-pay-order-seller: INTENT_CHANGED 구매 의사 취소, COLOR_AND_SIZE 색상 및 사이즈 변경,
# WRONG_ORDER 다른 상품 잘못 주문, PRODUCT_UNSATISFIED 서비스 불만족, DELAYED_DELIVERY 배송 지연, SOLD_OUT 상품 품절,
# INCORRECT_INFO 상품 정보 상이. ❓ 가격오류 goes as 상품 정보 상이 (the listing showed a wrong price); 기타 has no code
# and is refused (docs/protocols/naver.md, "Our readings").
CANCEL_REASONS = {"품절": "SOLD_OUT", "배송지연": "DELAYED_DELIVERY", "가격오류": "INCORRECT_INFO"}
# "클레임 요청 사유" (claimReason.pay-order-seller, the cancel / return / exchange objects of apicenter
# seller-get-product-orders-pay-order-seller, clipped 2025-09-26): a claim read back without a detailed reason (a
# seller's cancel sends none) shows these words
REASON_WORDS = {
    "INTENT_CHANGED": "구매 의사 취소",
    "COLOR_AND_SIZE": "색상 및 사이즈 변경",
    "WRONG_ORDER": "다른 상품 잘못 주문",
    "PRODUCT_UNSATISFIED": "서비스 불만족",
    "DELAYED_DELIVERY": "배송 지연",
    "SOLD_OUT": "상품 품절",
    "DROPPED_DELIVERY": "배송 누락",
    "NOT_YET_DELIVERY": "미배송",
    "BROKEN": "상품 파손",
    "INCORRECT_INFO": "상품 정보 상이",
    "WRONG_DELIVERY": "오배송",
    "WRONG_OPTION": "색상 등 다른 상품 잘못 배송",
    "SIMPLE_INTENT_CHANGED": "단순 변심",
    "MISTAKE_ORDER": "주문 실수",
    "ETC": "기타",
    "DELAYED_DELIVERY_BY_PURCHASER": "배송 지연",
    "INCORRECT_INFO_BY_PURCHASER": "상품 정보 상이",
    "PRODUCT_UNSATISFIED_BY_PURCHASER": "서비스 불만족",
    "NOT_YET_DISCUSSION": "상호 협의가 완료되지 않은 주문 건",
    "OUT_OF_STOCK": "재고 부족으로 인한 판매 불가",
    "SALE_INTENT_CHANGED": "판매 의사 변심으로 인한 거부",
    "NOT_YET_PAYMENT": "구매자의 미결제로 인한 거부",
    "NOT_YET_RECEIVE": "상품 미수취",
    "WRONG_DELAYED_DELIVERY": "오배송 및 지연",
    "BROKEN_AND_BAD": "파손 및 불량",
}
# A cancel that went through: the order CANCELED, or its cancel claim CANCELING / CANCEL_DONE (claimStatus.pay-order-
# seller, apicenter seller-get-product-orders-pay-order-seller)
CANCELLED_CLAIMS = frozenset({"CANCELING", "CANCEL_DONE"})
SHIPPED = frozenset({"DELIVERING", "DELIVERED", "PURCHASE_DECIDED", "EXCHANGED", "RETURNED"})


def claim_status(value: str) -> ClaimStatus:
    """Naver's claimStatus as ours, by the name's shape. The list is documented (claimStatus.pay-order-seller on
    apicenter …/seller-get-product-orders-pay-order-seller); ❓ the mapping is ours (docs/protocols/naver.md): an
    exchange re-sent (EXCHANGE_REDELIVERING) waits for nothing more from the seller, so it is done."""
    if value == "EXCHANGE_REDELIVERING":
        return ClaimStatus.DONE
    if value == "COLLECT_DONE" or value.endswith(("_REQUEST", "ING")) or "HOLDBACK" in value:
        return ClaimStatus.REQUESTED
    if value.endswith("_DONE"):
        return ClaimStatus.DONE
    if value.endswith("_REJECT") or "WITHDRAW" in value:
        return ClaimStatus.WITHDRAWN
    raise Unavailable(
        MARKET, f"스마트스토어가 알 수 없는 클레임 상태를 보냈습니다: {value}. 개발 담당자에게 알려 주세요."
    )


def iso(moment: dt.datetime) -> str:
    """A naive KST time as Naver takes it: ISO-8601 with milliseconds and +09:00."""
    return moment.replace(tzinfo=KST).isoformat(timespec="milliseconds")


def local(text: object) -> str:
    """Naver's ISO time as ``yyyy-MM-dd HH:mm:ss`` KST; '' when absent."""
    if not isinstance(text, str) or not text:
        return ""
    try:
        return dt.datetime.fromisoformat(text).astimezone(KST).strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        return text


def windows(start: dt.datetime, end: dt.datetime) -> list[tuple[dt.datetime, dt.datetime]]:
    """[start, end] in windows of at most 24 h, each starting ``OVERLAP`` before the previous one ended."""
    out: list[tuple[dt.datetime, dt.datetime]] = []
    a = start
    while a <= end:
        b = min(a + WINDOW, end)
        out.append((a, b))
        if b >= end:
            break
        a = b - OVERLAP
    return out


def _refused(outcomes: Outcomes) -> dict[str, Rejected]:
    """The items Naver refused itself (its code and message kept), for the caller to word."""
    return {key: error for key, error in outcomes.items() if type(error) is Rejected}


_SHIPPED_WORDS = "이미 발송된 상품주문은 판매취소할 수 없습니다. 스마트스토어센터에서 반품으로 처리하세요."


def _after_refused_cancel(claim: dict[str, Any], item: dict[str, Any], error: Rejected) -> Rejected | None:
    """A refused 판매취소 once the product order is read again: None when it reads cancelled, else the refusal in
    words for the state it is in (Naver's code kept)."""
    po = item.get("productOrder") or {}
    status = str(po.get("productOrderStatus") or "")
    claim_status_ = str(claim.get("claimStatus") or po.get("claimStatus") or "")
    cancel_claim = str(po.get("claimType") or "") in ("CANCEL", "ADMIN_CANCEL")
    if status == "CANCELED" or (cancel_claim and claim_status_ in CANCELLED_CLAIMS):
        return None
    kw: dict[str, Any] = {"code": error.code, "status": error.status, "request_id": error.request_id}
    if status in SHIPPED:
        return Rejected(MARKET, _SHIPPED_WORDS, **kw)
    if cancel_claim and claim_status_ == "CANCEL_REQUEST":
        return Rejected(
            MARKET, "이미 취소 요청이 들어온 상품주문입니다. 스마트스토어센터에서 취소 요청을 승인하세요.", **kw
        )
    if po.get("claimType"):
        return Rejected(
            MARKET,
            f"클레임({po.get('claimType')})이 진행 중인 상품주문입니다. 스마트스토어센터에서 확인하세요.",
            **kw,
        )
    return error


def data_of(response: httpx.Response) -> Any:
    try:
        body = response.json()
    except ValueError:
        return None
    return body.get("data") if isinstance(body, dict) else None


class NaverOrders:
    """The order, claim and inquiry jobs of one Naver store (mixed into ``Naver``)."""

    client: MarketClient
    feed_limit = FEED_LIMIT

    async def _send(self, call: Call) -> httpx.Response:  # provided by Naver
        raise NotImplementedError

    def now(self) -> float:  # provided by Naver: Unix time as Naver counts it
        raise NotImplementedError

    @staticmethod
    def shipment_key(line: OrderLine) -> str:
        """Naver confirms and dispatches per product order (productOrderId)."""
        return line.delivery_no

    unit_noun = "상품주문"

    @staticmethod
    def describe_unit(key: str) -> str:
        return f"상품주문번호 {key}"

    # --- the change feed and details ------------------------------------------------------------------

    async def _changes(self, start: dt.datetime, end: dt.datetime) -> dict[str, dict[str, Any]]:
        """productOrderId -> its latest feed entry, over [start, end] (naive KST)."""
        seen: dict[str, dict[str, Any]] = {}
        for a, b in windows(start, end):
            params = {"lastChangedFrom": iso(a), "lastChangedTo": iso(b), "limitCount": str(self.feed_limit)}
            while True:
                data = data_of(await self._send(Call("GET", FEED, params=params))) or {}
                for entry in data.get("lastChangeStatuses") or []:
                    seen[str(entry["productOrderId"])] = entry
                more = data.get("more")
                if not more:
                    break
                params = {**params, "lastChangedFrom": str(more["moreFrom"]), "moreSequence": str(more["moreSequence"])}
        return seen

    async def _details(self, ids: Sequence[str]) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for chunk in chunks(ids, QUERY_LIMIT):
            body = {"productOrderIds": chunk, "quantityClaimCompatibility": True}
            out += data_of(await self._send(Call("POST", f"{ORDERS}/query", json=body))) or []
        return out

    def _status(self, order: dict[str, Any]) -> OrderStatus | None:
        status = str(order.get("productOrderStatus"))
        if status == "PAYED":
            return OrderStatus.CONFIRMED if order.get("placeOrderStatus") == "OK" else OrderStatus.NEW
        if status in NOT_ORDERS:
            return None
        found = ORDER_STATUS.get(status)
        if found is None:
            raise Unavailable(
                MARKET, f"스마트스토어가 알 수 없는 주문 상태를 보냈습니다: {status}. 개발 담당자에게 알려 주세요."
            )
        return found

    def _line(self, item: dict[str, Any], status: OrderStatus, account: str) -> OrderLine:
        order, po = item.get("order") or {}, item.get("productOrder") or {}
        address = po.get("shippingAddress") or {}
        where = [str(address.get(k) or "") for k in ("baseAddress", "detailedAddress")]
        return OrderLine(
            market=MARKET,
            account=account,
            order_no=str(order.get("orderId") or po.get("orderId") or ""),
            delivery_no=str(po["productOrderId"]),
            product_no=str(po.get("productId") or ""),
            option_no=str(po["productOrderId"]),  # one line per product order
            product_name=str(po.get("productName") or ""),
            option_text=str(po.get("productOption") or ""),
            qty=int(po.get("quantity") or 0),
            # ❓ the unit price before discounts (sale price + option price), as other markets give it; the paid
            # total is totalPaymentAmount
            price=int(po.get("unitPrice") or 0) + int(po.get("optionPrice") or 0),
            ordered_at=local(order.get("orderDate") or order.get("paymentDate")),
            status=status,
            buyer=str(order.get("ordererName") or ""),
            buyer_phone=str(order.get("ordererTel") or ""),
            receiver=str(address.get("name") or ""),
            receiver_phone=str(address.get("tel1") or ""),
            zipcode=str(address.get("zipCode") or ""),
            address=" ".join(p for p in where if p),
            message=str(po.get("shippingMemo") or ""),
            # "optionManageCode": the combination's 판매자 관리 코드, our option number as we sent it
            # (apicenter seller-get-product-orders-pay-order-seller)
            option_code=str(po.get("optionManageCode") or ""),
        )

    async def collect_orders(self, start: dt.datetime, end: dt.datetime, account: str) -> list[OrderLine]:
        """Every product order changed between start and end, with its current status (the query's, §3.4)."""
        changes = await self._changes(start, end)
        lines = []
        for item in await self._details(list(changes)):
            status = self._status(item.get("productOrder") or {})
            if status is not None:
                lines.append(self._line(item, status, account))
        return lines

    @staticmethod
    def _claim_detail(item: dict[str, Any], name: str) -> dict[str, Any]:
        """The claim object ``cancel`` / ``return`` / ``exchange`` of a query item: under ``currentClaim`` (current
        docs), else at the top level, which apicenter marks "2025년 상반기 중 제거 예정, currentClaim 하위의 동일
        오브젝트 사용 권장" (…/seller-get-product-orders-pay-order-seller)."""
        current = (item.get("currentClaim") or {}).get(name)
        return current or item.get(name) or {}

    # --- batches with per-item answers ----------------------------------------------------------------

    async def _batches(
        self,
        path: str,
        items: dict[str, dict[str, Any]],
        wrap: Callable[[list[dict[str, Any]]], dict[str, Any]],
        limit: int,
        *,
        idempotent: bool,
    ) -> Outcomes:
        """Send ``items`` (key -> item) in calls of ``limit``; each item's answer as Naver gives it.

        An item Naver refuses is a Rejected carrying Naver's code and message, which the caller may word anew. No
        item is sent again by itself: Naver documents no per-item code that means "try again" (the "오류 코드 정의"
        tables of confirm and dispatch), and an unknown code is never taken for done.
        """

        async def send(batch: list[str]) -> dict[str, Verdict]:
            call = Call("POST", path, json=wrap([items[k] for k in batch]), idempotent=idempotent)
            data = data_of(await self._send(call)) or {}
            done = data.get("successProductOrderIds")
            if done is None:
                done = [i.get("productOrderId") for i in data.get("successProductOrderInfos") or []]
            verdicts: dict[str, Verdict] = dict.fromkeys((str(key) for key in done), None)
            for fail in data.get("failProductOrderInfos") or []:
                key, code = str(fail.get("productOrderId")), str(fail.get("code") or "")
                verdicts[key] = Rejected(MARKET, str(fail.get("message") or ""), code=code)
            return verdicts

        return await in_batches(
            self.client,
            list(items),
            send,
            batches=lambda keys: chunks(keys, limit),
            idempotent=idempotent,
            rounds=1,
            gave_up=lambda _: Unavailable(MARKET, "스마트스토어가 처리하지 못했습니다. 잠시 뒤 다시 보내세요."),
            unanswered=lambda _: Unavailable(
                MARKET,
                "스마트스토어가 이 주문의 처리 결과를 알려 주지 않았습니다. 스마트스토어센터에서 확인하세요.",
                code=UNANSWERED,
                outcome_unknown=not idempotent,
            ),
        )

    async def _read_back(self, keys: list[str]) -> dict[str, dict[str, Any]]:
        """The product orders ``keys`` as Naver now holds them, to judge refusals by; {} when the read fails (the
        refusals stand: nothing is called done without a read)."""
        if not keys:
            return {}
        try:
            return await self._product_orders(keys)
        except MarketError:
            return {}

    async def _product_orders(self, keys: Sequence[str]) -> dict[str, dict[str, Any]]:
        """productOrderId -> the query item (its ``productOrder`` and ``delivery``), read afresh."""
        return {str((item.get("productOrder") or {}).get("productOrderId")): item for item in await self._details(keys)}

    async def confirm(self, units: Sequence[Sequence[OrderLine]]) -> Outcomes:
        """발주확인 in calls of ``CONFIRM_LIMIT`` (30) product orders.

        An item refused with 104443 (발주 상태 확인 필요) or left out of the answer is read again: done when it reads
        ``placeOrderStatus`` OK (confirmed before, e.g. by a run that lost its answer), refused otherwise.
        """
        items = {self.shipment_key(unit[0]): {"productOrderId": self.shipment_key(unit[0])} for unit in units if unit}
        outcomes = await self._batches(
            f"{ORDERS}/confirm",
            items,
            lambda chunk: {"productOrderIds": [i["productOrderId"] for i in chunk]},
            CONFIRM_LIMIT,
            idempotent=True,  # confirming a confirmed order changes nothing: Naver answers 104443
        )
        check = [k for k, e in outcomes.items() if e is not None and e.code in (PLACE_ORDER_STATE, UNANSWERED)]
        read = await self._read_back(check)
        for key in check:
            if ((read.get(key) or {}).get("productOrder") or {}).get("placeOrderStatus") == "OK":
                outcomes[key] = None
        for key, error in _refused(outcomes).items():
            outcomes[key] = Rejected(
                MARKET, f"스마트스토어가 발주확인을 거절했습니다: {error.message}", code=error.code
            )
        return outcomes

    async def send_invoices(self, shipments: Sequence[Shipment]) -> Outcomes:
        """발송처리 in calls of ``DISPATCH_LIMIT`` (30); an order Naver already holds with the same invoice is done.

        ❓ There is no documented call to correct an invoice, and a product order takes one tracking number:
        corrections and extra boxes are refused here with a Korean message sending staff to 스마트스토어센터.
        An item refused for its state (104442 상품 주문 상태 확인 필요, 105306 변경을 요청한 상태가 기존과 동일) is read
        again: done when it carries this very invoice (an earlier send that lost its answer), else refused saying
        which invoice it holds.
        """
        outcomes: Outcomes = {}
        items: dict[str, dict[str, Any]] = {}
        sent = dt.datetime.fromtimestamp(self.now(), KST).isoformat(timespec="milliseconds")
        by_key = {s.key: s for s in shipments}
        for s in shipments:
            if s.correct:
                outcomes[s.key] = Rejected(
                    MARKET,
                    "스마트스토어는 API로 송장을 고칠 수 없습니다. 스마트스토어센터 > 발송관리에서 송장을 수정하세요.",
                )
            elif s.additional:
                outcomes[s.key] = Rejected(
                    MARKET,
                    "스마트스토어는 상품주문 하나에 송장 하나만 받습니다. 추가 송장("
                    + ", ".join(s.additional)
                    + ")은 스마트스토어센터에서 등록하세요.",
                )
            else:
                items[s.key] = {
                    "productOrderId": s.key,
                    "deliveryMethod": "DELIVERY",
                    "deliveryCompanyCode": s.courier_code,
                    "trackingNumber": s.number,
                    "dispatchDate": sent,
                }
        done = await self._batches(
            f"{ORDERS}/dispatch",
            items,
            lambda chunk: {"dispatchProductOrders": chunk},
            DISPATCH_LIMIT,
            idempotent=False,
        )
        outcomes.update(done)
        failed = {key: (error.code or "", error.message) for key, error in _refused(done).items()}
        check = [key for key, (code, _) in failed.items() if code in STATE_CODES]
        held = {k: v.get("delivery") or {} for k, v in (await self._read_back(check)).items()}
        for key, (code, message) in failed.items():
            s = by_key[key]
            has = held.get(key) or {}
            if code in STATE_CODES and has.get("trackingNumber"):
                if (has.get("deliveryCompany"), has.get("trackingNumber")) == (s.courier_code, s.number):
                    outcomes[key] = None
                    continue
                message = (
                    f"이미 다른 송장({has.get('deliveryCompany', '')} {has.get('trackingNumber', '')})으로 "
                    "발송처리된 주문입니다. 송장을 바꾸려면 스마트스토어센터에서 수정하세요."
                )
                outcomes[key] = Rejected(MARKET, message, code=code)
                continue
            outcomes[key] = Rejected(MARKET, f"스마트스토어가 발송처리를 거절했습니다: {message}", code=code)
        return outcomes

    # --- 판매취소 ----------------------------------------------------------------------------------------

    async def cancel_sale(self, units: Sequence[Sequence[OrderLine]], reason: str) -> Outcomes:
        """판매취소 of each unit (one product order each): ``POST …/product-orders/{productOrderId}/claim/cancel/
        request`` ``{"cancelReason"}`` (apicenter seller-request-cancel-pay-order-seller: "1건의 상품 주문을 취소
        요청", 단건; ``cancelQuantity`` left out: "미입력 시 전체수량취소"), one call per product order, never sent
        twice by itself (``idempotent=False``).

        ``reason`` goes as ``CANCEL_REASONS`` says; a reason Naver has no code for is refused per unit, nothing sent.
        A line we read as shipped is refused and one read as cancelled is done, both without a call. A product
        order Naver refuses (its ``failProductOrderInfos`` code, or a 400) is read again (``query``): done when it
        reads cancelled (CANCELED, or its cancel claim CANCELING / CANCEL_DONE), else refused with words for the
        state it is in.
        """
        code = CANCEL_REASONS.get(reason)
        outcomes: Outcomes = {}
        send: list[str] = []
        for unit in units:
            if not unit:
                continue
            key = self.shipment_key(unit[0])
            if code is None:
                outcomes[key] = Rejected(
                    MARKET,
                    f"스마트스토어는 판매취소 사유 '{reason}'를 받지 않습니다. "
                    f"{', '.join(CANCEL_REASONS)} 중에서 고르세요.",
                )
            elif any(line.status in (OrderStatus.SHIPPING, OrderStatus.DELIVERED) for line in unit):
                outcomes[key] = Rejected(MARKET, _SHIPPED_WORDS)
            elif all(line.status is OrderStatus.CANCELLED for line in unit):
                outcomes[key] = None
            else:
                send.append(key)
        if code is None or not send:
            return outcomes

        async def cancel(key: str) -> None:
            path = f"{ORDERS}/{key}/claim/cancel/request"
            data = data_of(await self._send(Call("POST", path, json={"cancelReason": code}, idempotent=False))) or {}
            for fail in data.get("failProductOrderInfos") or []:
                if str(fail.get("productOrderId")) == key:
                    message = str(fail.get("message") or "")
                    raise Rejected(
                        MARKET, f"스마트스토어가 판매취소를 거절했습니다: {message}", code=str(fail.get("code"))
                    )
            if key not in {str(k) for k in data.get("successProductOrderIds") or []}:
                raise Unavailable(
                    MARKET,
                    "스마트스토어가 이 주문의 판매취소 결과를 알려 주지 않았습니다. 스마트스토어센터에서 확인하세요.",
                    code=UNANSWERED,
                    outcome_unknown=True,
                )

        done = await each_item(send, str, cancel, self.client.settings.concurrency)
        check = [key for key, error in done.items() if isinstance(error, Rejected)]
        read = await self._read_back(check)
        for key in check:
            error = done[key]
            found = read.get(key)
            if isinstance(error, Rejected) and found is not None:
                done[key] = _after_refused_cancel(self._claim_detail(found, "cancel"), found, error)
        outcomes.update(done)
        return outcomes

    # --- inquiries --------------------------------------------------------------------------------------

    async def _pages(self, path: str, params: dict[str, str], key: str) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        page = 1
        while True:
            response = await self._send(Call("GET", path, params={**params, "page": str(page), "size": str(PAGE_SIZE)}))
            body = response.json() if response.content else {}
            out += body.get(key) or []
            if page >= int(body.get("totalPages") or 1):
                return out
            page += 1

    async def _questions(self, start: dt.datetime, end: dt.datetime) -> list[dict[str, Any]]:
        """Unanswered product Q&A asked between start and end: ``fromDate``/``toDate`` date-time (required),
        ``answered``, ``page`` from 1, ``size`` ≤ 100 (apicenter get-comments-contents)."""
        params = {"answered": "false", "fromDate": iso(start), "toDate": iso(end)}
        return await self._pages("/v1/contents/qnas", params, "contents")

    async def collect_inquiries(self, start: dt.datetime, end: dt.datetime, account: str) -> list[Inquiry]:
        """Unanswered product Q&A and customer inquiries (고객문의) asked between start and end."""
        out = [
            Inquiry(
                MARKET,
                account,
                f"qna:{q['questionId']}",
                "상품",
                str(q.get("productId") or ""),
                "",
                local(q.get("createDate")),
                "",
                str(q.get("question") or ""),
                str(q.get("maskedWriterId") or ""),
                bool(q.get("answered")),
            )
            for q in await self._questions(start, end)
        ]
        # GET /v1/pay-user/inquiries: startSearchDate/endSearchDate yyyy-MM-dd, answered, page, size 10~200; content[]
        # {inquiryNo, category, title, inquiryContent, inquiryRegistrationDateTime, answered, orderId, productNo,
        # customerId, …} (apicenter get-customer-inquiry-pay-user)
        params = {
            "startSearchDate": start.strftime("%Y-%m-%d"),
            "endSearchDate": end.strftime("%Y-%m-%d"),
            "answered": "false",
        }
        for i in await self._pages("/v1/pay-user/inquiries", params, "content"):
            out.append(
                Inquiry(
                    MARKET,
                    account,
                    f"inquiry:{i['inquiryNo']}",
                    INQUIRY_KINDS.get(str(i.get("category")), "기타"),
                    str(i.get("productNo") or ""),
                    str(i.get("orderId") or ""),
                    local(i.get("inquiryRegistrationDateTime")),
                    str(i.get("title") or ""),
                    str(i.get("inquiryContent") or ""),
                    str(i.get("customerId") or ""),
                    bool(i.get("answered")),
                )
            )
        return out

    async def answer(self, inquiry_no: str, content: str) -> None:
        """Send one answer; AlreadyDone when the inquiry was answered already."""
        kind, _, ident = inquiry_no.partition(":")
        if kind == "qna" and ident.isdigit():
            await self._answer_question(ident, content)
            return
        if kind != "inquiry" or not ident.isdigit():
            raise Rejected(
                MARKET, f"스마트스토어 문의 번호가 아닙니다: {inquiry_no}. 문의 수집 결과의 번호를 그대로 쓰세요."
            )
        try:
            await self._send(
                Call(
                    "POST",
                    f"/v1/pay-merchant/inquiries/{ident}/answer",
                    json={"answerComment": content},
                    idempotent=False,
                )
            )
        except Rejected as exc:
            if exc.code == ALREADY_ANSWERED:
                raise AlreadyDone(
                    MARKET, "이미 답변한 고객문의입니다.", status=exc.status, code=exc.code, request_id=exc.request_id
                ) from exc
            raise

    _open_questions: set[str] | None = None

    async def _answer_question(self, question_id: str, content: str) -> None:
        """Answer one product Q&A with ``PUT /v1/contents/qnas/{questionId}`` ``{"commentContent"}``.

        Settled by apicenter create-or-update-answer-contents: ``PUT /v1/contents/qnas/:questionId``, body
        ``commentContent`` (required), 204, "상품 문의의 답변을 등록하거나 수정할 수 있습니다". The PUT overwrites an
        earlier answer, so the question must still be among the unanswered ones (asked in the last
        ``QNA_LOOKBACK``), else AlreadyDone (❓ docs/protocols/naver.md, "Our readings").
        """
        if self._open_questions is None or question_id not in self._open_questions:
            now = dt.datetime.fromtimestamp(self.now(), KST).replace(tzinfo=None)
            self._open_questions = {str(q["questionId"]) for q in await self._questions(now - QNA_LOOKBACK, now)}
        if question_id not in self._open_questions:
            raise AlreadyDone(
                MARKET,
                "이미 답변했거나 30일이 지난 상품문의입니다. 스마트스토어센터에서 확인하세요.",
            )
        await self._send(
            Call("PUT", f"/v1/contents/qnas/{question_id}", json={"commentContent": content}, idempotent=True)
        )
        self._open_questions.discard(question_id)
