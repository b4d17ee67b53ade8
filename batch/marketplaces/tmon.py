"""TMON's partner interwork API (marketplaces.md §1): OAuth token, partner headers, deals.

Only what differs from other marketplaces lives here: the token flow, the paths, the deal body and
how TMON words its errors. Retries, pacing and the breaker are the shared client's (base.py).
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from batch.config import Account
from batch.marketplaces.base import (
    AlreadyDone,
    AuthFailed,
    Call,
    MarketClient,
    MarketError,
    Rejected,
    Unavailable,
    each_item,
    json_object,
    status_error,
)
from batch.marketplaces.tmon_claims import CLAIM_PATHS, CLAIM_STATUSES, TmonClaims
from batch.marketplaces.tmon_crypto import decrypt
from batch.marketplaces.types import SALE_CANCEL_REASONS, DeliveryTemplate, Outcomes, Shipment, Shown, option_no
from batch.models import (
    Claim,
    ClaimType,
    Inquiry,
    Market,
    OrderLine,
    OrderStatus,
    Product,
    ProductLink,
    SalesInfo,
    now_kst,
)

MARKET = Market.TMON.value
UNLIMITED_END = "2900-12-31T23:59:59"  # §1.5: TMON's default salesEndDate
MAX_TITLE = 60
MAX_OPTIONS = 200
MAX_IMAGES = 6
MAX_KEYWORDS = 5

# 상품유형그룹 (as staff pick it) -> productType. [T1] richbeam/mcs_tmon_api
# src/main/java/com/tmon/api/module/prod/ProdServiceImpl.java getProducts: "냉장냉동/신선식품(DP01), 일반상품(DP07),
# 해외직배송(DP02), 해외구매대행(DP03), 화물설치(DP04), 주문제작(DP05), 주문후발주(DP06)".
PRODUCT_TYPES: dict[str, str] = {
    "냉장/냉동/신선식품": "DP01",
    "해외직배송": "DP02",
    "해외구매대행": "DP03",
    "화물/설치": "DP04",
    "주문제작": "DP05",
    "주문후발주": "DP06",
    "일반상품": "DP07",
}
PRODUCT_TYPE_LABELS = {code: label for label, code in PRODUCT_TYPES.items()}
# 인증대상 -> kcAuthSubmitType ([T1] getProducts: "Y(제출), N(대상아님), X(컨텐츠에포함)")
KC_SUBMIT = {True: "Y", False: "N"}
# A deal update leaves these out: [T1] getProducts sets them only when registering (tType "I"); [T2]
# PaTmonProductService sets productType only for a new deal, and "판매기간 … 변경은 별도 API에서 처리됩니다".
UPDATE_LEAVES_OUT = ("productType", "salesEndDate", "adultOnly")
ON_SALE = "ON_SALE"  # [T2] patmon/v2/domain/Deal.java salesStatus: PAUSE, READY, ON_SALE, END
MAX_DECORATION = 20  # [T1] titleDecoration "String(20) 판매용 제목 상단 홍보 문구(딜 홍보 문구) O 최대 20자"


@dataclass(frozen=True)
class TmonCredentials:
    client_id: str
    client_secret: str
    partner_id: str
    partner_token: str
    vendor_policy_no: str
    aes_key: str = ""  # decrypts buyer data (tmon_crypto)


DELIVERY_STATUS = {
    "D1": OrderStatus.NEW,
    "D2": OrderStatus.CONFIRMED,
    "D3": OrderStatus.SHIPPING,
    "D4": OrderStatus.SHIPPING,
    "D5": OrderStatus.DELIVERED,
    "C": OrderStatus.CANCELLED,  # ❓ the sandbox's code (docs/protocols/tmon.md, "Our readings")
}
CONFIRMED_OR_LATER = ("D2", "D3", "D4", "D5")  # [T1] module/order/OrderScheduler.java confirmOrders
# 판매자 직접취소 only before shipping: [T1] module/claim/ClaimServiceImpl.java requestOrderCancel reads the deal's
# deliveryStatus first (OrderServiceImpl.getOrderStatus) and cancels only D1 or D2 ("D3 이전 상태까지는 취소가 가능").
CANCELLABLE = ("D1", "D2")
CANCELLED = "C"  # ❓ the sandbox's code for a cancelled deal (docs/protocols/tmon.md, "Our readings")
# 판매취소 reason (SALE_CANCEL_REASONS) -> (reason, reasonDetail) of POST /cancellations. RCD4 is the only code in any
# source: [T1] requestOrderCancel sends "RCD4" / "품절 미배송"; [T2] patmon/delivery/patmondelivery.xml
# selectRefusalInfo "RCD4" / "판매자 취소(재고부족)" (PaTmonAsyncController.refusalOrder). TMON's other RCD codes are not
# public, so the other reasons are refused before anything is sent (❓ docs/protocols/tmon.md, "Our readings").
SALE_CANCEL_CODES: dict[str, tuple[str, str]] = {"품절": ("RCD4", "품절 미배송")}
WINDOW = dt.timedelta(days=7)  # §1.3: at most 7 days per query
SETTLE = dt.timedelta(minutes=31)  # §1.3: the end must be more than 30 minutes in the past
DATE_FMT = "%Y-%m-%d %H:%M"


class TmonOrders(TmonClaims):
    """The order and claim jobs of one TMON account (mixed into Tmon); the claim reads and decisions are
    TmonClaims' (tmon_claims.py)."""

    credentials: TmonCredentials
    client: MarketClient

    async def _send(self, call: Call) -> httpx.Response:  # provided by Tmon
        raise NotImplementedError

    def _plain(self, value: Any) -> str:
        return decrypt(str(value or ""), self.credentials.aes_key)

    def _lines(self, order: dict[str, Any], account: str) -> list[OrderLine]:
        address = order.get("receiverAddress") or {}
        parts = [self._plain(address.get(k)) for k in ("address", "streetAddress", "addressDetail")]
        common = {
            "ordered_at": str(order.get("orderDate", "")),
            "buyer": self._plain(order.get("userName")),
            "buyer_phone": self._plain(order.get("userPhone")),
            "receiver": self._plain(order.get("receiverName")),
            "receiver_phone": self._plain(order.get("receiverPhone")),
            "zipcode": self._plain(address.get("zipCode")),
            "address": " ".join(p for p in parts if p),
            "message": str(order.get("deliveryMemo") or order.get("additionalMessage") or ""),
        }
        lines = []
        for deal in order.get("deals", []):
            status = DELIVERY_STATUS.get(str(deal.get("deliveryStatus")))
            if status is None:
                raise Unavailable(MARKET, f"티몬이 알 수 없는 배송상태를 보냈습니다: {deal.get('deliveryStatus')}")
            for option in deal.get("dealOptions", []):
                lines.append(
                    OrderLine(
                        market=MARKET,
                        account=account,
                        order_no=str(order["tmonOrderNo"]),
                        delivery_no=str(deal.get("deliveryNo", "")),
                        product_no=str(deal.get("tmonDealNo", "")),
                        option_no=str(option.get("tmonDealOptionNo", "")),
                        product_name=str(deal.get("dealTitle", "")),
                        option_text=str(option.get("dealOptionTitle", "")),
                        qty=int(option.get("qty", 0)),
                        price=int(option.get("salesPrice", 0)),
                        status=status,
                        # option_code stays "": an order's dealOptions carry no vendorDealOptionNo in either source
                        # ([T1] OrderServiceImpl.registOrders looks the deal up to map tmonDealOptionNo; [T2]
                        # PaTmonOrderList has none), so our option is found from link.option_nos.
                        **common,
                    )
                )
        return lines

    async def collect_orders(self, start: dt.datetime, end: dt.datetime, account: str) -> list[OrderLine]:
        """New (D1) and confirmed (D2) orders between start and end, in windows of at most 7 days."""
        lines: list[OrderLine] = []
        for a, b in windows(start, end):
            params = {"startDate": a.strftime(DATE_FMT), "endDate": b.strftime(DATE_FMT)}
            response = await self._send(Call("GET", "/orders", params={**params, "deliveryStatus": "D1"}))
            body = response.json()
            for order in body.get("Data", []) if isinstance(body, dict) else body:  # [T2] saw it wrapped
                lines += self._lines(order, account)
            page = 1
            while True:
                found = await self._send(
                    Call("GET", "/orders/search", params={**params, "deliveryStatus": "D2", "page": str(page)})
                )
                data = found.json()
                for order in data.get("items", []):
                    lines += self._lines(order, account)
                if not data.get("hasNext"):
                    break
                page += 1
        return lines

    async def get_order(self, order_no: str, account: str) -> list[OrderLine]:
        """One order's lines (GET /orders/{tmonOrderNo})."""
        response = await self._send(Call("GET", f"/orders/{order_no}"))
        return self._lines(response.json(), account)

    async def collect_claims(
        self, start: dt.datetime, end: dt.datetime, account: str, *, latest: bool = False
    ) -> list[Claim]:
        """Claims requested between start and end; ``latest`` includes the last 30 minutes (the claim gate).

        One search per claim type and ``claimStatus`` ([T1] ClaimScheduler.claimSearch sends one status per search
        and loops; [T2] PaTmonClaimController.cancelList likewise). A claim met twice (its status moved while we
        asked) is kept once, as last seen.
        """
        found: dict[tuple[ClaimType, str, str], Claim] = {}
        for kind, path in CLAIM_PATHS.items():
            for status in CLAIM_STATUSES:
                for a, b in windows(start, end, settle=not latest):
                    page = 1
                    while True:
                        params = {
                            "startDate": a.strftime(DATE_FMT),
                            "endDate": b.strftime(DATE_FMT),
                            "claimStatus": status,
                            "page": str(page),
                        }
                        data = (await self._send(Call("GET", f"/{path}/search", params=params))).json()
                        for item in data.get("items", []):
                            for claim in self._claims(item, kind, account):
                                found[(kind, claim.claim_no, claim.product_no)] = claim
                        if not data.get("hasNext"):
                            break
                        page += 1
        return list(found.values())

    @staticmethod
    def shipment_key(line: OrderLine) -> str:
        """TMON confirms and invoices one deal of an order (under its delivery number) at a time."""
        return f"{line.order_no}/{line.product_no}"

    unit_noun = "딜"
    # Further boxes of one deal go as invoice.additionalInvoices (marketplaces.md §1.4): different numbers on the
    # rows of one deal (same courier) are boxes, not a mistake.
    several_numbers = "boxes"

    @staticmethod
    def describe_unit(key: str) -> str:
        order, _, deal = key.partition("/")
        return f"주문 {order}의 딜 {deal}" if deal else f"배송단위 {key}"

    async def confirm(self, units: Sequence[Sequence[OrderLine]]) -> Outcomes:
        """발주확인, one call per deal (TMON has no batch call)."""
        return await each_item(
            units, lambda u: self.shipment_key(u[0]), self._confirm, self.client.settings.concurrency
        )

    async def _confirm(self, lines: Sequence[OrderLine]) -> None:
        """TMON refuses a deal that is not in D1 with NOT_CONFIRMABLE. That is true of a deal confirmed already (by
        another tool or an earlier run) and of a cancelled one, so the deal's state is read back (GET
        /orders/{tmonOrderNo}, as [T1] OrderServiceImpl.getOrderStatus does before it confirms) and only D2 or later
        counts as done ([T1] OrderScheduler.confirmOrders syncs D2 as 주문확인, D3/D4 as 배송중, D5 as 배송완료)."""
        first = lines[0]
        body = {
            "tmonDealNo": int(first.product_no),
            "tmonDealOptions": [{"tmonDealOptionNo": int(x.option_no), "qty": x.qty} for x in lines],
        }
        try:
            await self._send(Call("PUT", f"/orders/{first.order_no}/confirm", json=body))
        except Rejected as exc:
            if NOT_CONFIRMABLE not in exc.message:
                raise
            status = await self._deal_status(first.order_no, first.product_no)
            if status in CONFIRMED_OR_LATER:
                return
            raise Rejected(MARKET, not_confirmable(first, status), status=exc.status, code=exc.code) from exc

    async def _deal_status(self, order_no: str, deal_no: str) -> str:
        """The deliveryStatus of one deal of an order ("" when the order does not list it)."""
        order = json_object(await self._send(Call("GET", f"/orders/{order_no}")))
        deals = [d for d in order.get("deals") or [] if str(d.get("tmonDealNo")) == deal_no]
        return str(deals[0].get("deliveryStatus") or "") if deals else ""

    async def send_invoices(self, shipments: Sequence[Shipment]) -> Outcomes:
        """송장등록 or correction, one call per deal; extra boxes go as additionalInvoices (§1.4)."""
        return await each_item(shipments, lambda s: s.key, self._send_invoice, self.client.settings.concurrency)

    async def _send_invoice(self, shipment: Shipment) -> None:
        first = shipment.lines[0]
        invoice: dict[str, Any] = {
            "deliveryCorp": int(shipment.courier_code),
            "invoiceNo": shipment.number,
            "additionalInvoices": list(shipment.additional),
        }
        body: dict[str, Any] = {
            "deliveryNo": first.delivery_no,
            "tmonDealNo": int(first.product_no),
            "tmonDealOptions": [{"tmonDealOptionNo": int(x.option_no), "qty": x.qty} for x in shipment.lines],
            "invoice": invoice,
        }
        if shipment.courier_code == SELF_DELIVERY:
            body["deliveryScheduledDate"] = shipment.number
        # A POST is not idempotent: after an unclear answer the runner checks the order before sending again.
        method = "PUT" if shipment.correct else "POST"
        try:
            await self._send(Call(method, f"/orders/{first.order_no}/invoices", json=body, idempotent=shipment.correct))
        except Rejected as exc:
            if DUPLICATE_INVOICE not in exc.message:  # the same invoice again: TMON has it already
                raise

    async def seller_cancel(
        self, lines: Sequence[OrderLine], detail: str = "품절 미배송", *, code: str = "RCD4"
    ) -> None:
        """판매자 직접취소 of one deal (POST /cancellations, [T1] ClaimServiceImpl.requestOrderCancel): every option of
        the deal with its ordered qty, ``code`` the reason (RCD4: out of stock) and ``detail`` its words. Sent as is,
        without looking at the deal's state: ``cancel_sale`` is the job's call."""
        first = lines[0]
        body = {
            "tmonOrderNo": int(first.order_no),  # [T1] ClaimServiceImpl: Long.parseLong(ordercd)
            "deliveryNo": first.delivery_no,
            "tmonDeals": [
                {
                    "tmonDealNo": int(first.product_no),
                    "reason": code,
                    "reasonDetail": detail,
                    "tmonDealOptions": [{"tmonDealOptionNo": int(x.option_no), "qty": x.qty} for x in lines],
                }
            ],
        }
        await self._send(Call("POST", "/cancellations", json=body, idempotent=False))

    async def cancel_sale(self, units: Sequence[Sequence[OrderLine]], reason: str) -> Outcomes:
        """판매취소 of each deal (one call per deal; TMON has no batch call). ``reason`` maps to TMON's code
        (``SALE_CANCEL_CODES``); a reason TMON has no code for refuses every unit before anything is sent."""
        found = SALE_CANCEL_CODES.get(reason)
        if found is None:
            error = Rejected(MARKET, no_cancel_code(reason))
            return {self.shipment_key(unit[0]): error for unit in units}
        code, detail = found
        return await each_item(
            units,
            lambda u: self.shipment_key(u[0]),
            lambda u: self._cancel_sale(u, code, detail),
            self.client.settings.concurrency,
        )

    async def _cancel_sale(self, lines: Sequence[OrderLine], code: str, detail: str) -> None:
        """Read the deal's state first, as [T1] requestOrderCancel does (GET /orders/{tmonOrderNo}): D1/D2 is cancelled,
        a deal cancelled already is done (a repeat sends nothing), anything later is refused here with why."""
        first = lines[0]
        status = await self._deal_status(first.order_no, first.product_no)
        if status == CANCELLED:
            return
        if status not in CANCELLABLE:
            raise Rejected(MARKET, not_cancellable(first, status))
        await self.seller_cancel(lines, detail, code=code)

    async def collect_inquiries(self, start: dt.datetime, end: dt.datetime, account: str) -> list[Inquiry]:
        """Unanswered product Q&A and customer-centre inquiries asked between start and end."""
        out: list[Inquiry] = []
        for a, b in windows(start, end, settle=False):
            out += await self._inquiries(
                {"startDate": a.strftime("%Y-%m-%d"), "endDate": b.strftime("%Y-%m-%d")}, account
            )
        return list({q.inquiry_no: q for q in out}.values())  # windows share their boundary day

    async def _inquiries(self, days: dict[str, str], account: str) -> list[Inquiry]:
        """Product Q&A, then CS inquiries, both asked with ``answered=false`` as [T1] ProdScheduler.insertQna and
        insertCSQna do (so every item listed is open)."""
        out: list[Inquiry] = []
        page = 1
        while True:
            params = {**days, "answered": "false", "per": "50", "page": str(page)}
            data = (await self._send(Call("GET", "/qnas", params=params))).json()
            for q in data.get("items", []):
                out.append(self._qna(q, account))
            if not data.get("hasNext"):
                break
            page += 1
        page = 1
        while True:
            params = {**days, "answered": "false", "per": "50", "page": str(page)}
            data = (await self._send(Call("GET", "/cs-inquiry/list", params=params))).json()
            for item in data.get("items", []):
                seq = item["csInquirySeqNo"]
                detail = json_object(await self._send(Call("GET", f"/cs-inquiry/detail/{seq}")))
                out.append(self._cs_inquiry(item, detail, account))
            if not data.get("hasNext"):
                break
            page += 1
        return out

    @staticmethod
    def _qna(q: dict[str, Any], account: str) -> Inquiry:
        """A Q&A item as [T1] ProdServiceImpl.insertQna reads it: ``articleNo``, ``dealNo``, ``dealTitle`` (its
        subject), ``createDate``, ``content``, ``writer``, ``tmonOrderNo``; the type is always 상품 there."""
        return Inquiry(
            MARKET,
            account,
            f"q:{q['articleNo']}",
            "상품",
            str(q.get("dealNo") or ""),
            str(q.get("tmonOrderNo") or ""),
            str(q.get("createDate") or ""),
            str(q.get("dealTitle") or ""),
            str(q.get("content") or ""),
            str(q.get("writer") or ""),
            False,
        )

    @staticmethod
    def _cs_inquiry(item: dict[str, Any], detail: dict[str, Any], account: str) -> Inquiry:
        """A CS inquiry: the group to answer is the list item's ``csInquiryMessageGroupSeqNo`` ([T1] insertCsQna keeps
        it as api_seq for updateCsQnaAnswer); the words are the group's ``counselorInquiry.message`` ([T2]
        setQnaCsListInfo) and the detail's ``customerMessage`` ([T1]), both kept when they differ (❓
        docs/protocols/tmon.md, "Our readings")."""
        group_no = item["csInquiryMessageGroupSeqNo"]
        groups = [g for g in detail.get("inquiryMessageGroupList") or [] if isinstance(g, dict)]
        group = next((g for g in groups if str(g.get("csInquiryMessageGroupSeqNo")) == str(group_no)), None)
        group = group or (groups[0] if groups else {})
        words = [
            str((group.get("counselorInquiry") or {}).get("message") or ""),
            str(detail.get("customerMessage") or ""),
        ]
        category = item.get("categoryInfo") or detail.get("categoryInfo") or {}
        return Inquiry(
            MARKET,
            account,
            f"cs:{item['csInquirySeqNo']}/{group_no}",
            str(category.get("name") or "기타"),
            str(item.get("dealNo") or detail.get("dealNo") or ""),
            str(item.get("orderNo") or detail.get("orderNo") or ""),
            str(group.get("createDate") or item.get("createDate") or detail.get("createDate") or ""),
            str(item.get("dealTitle") or detail.get("dealTitle") or ""),
            "\n\n".join(dict.fromkeys(w for w in words if w)),
            str(item.get("writer") or detail.get("writer") or ""),
            False,
        )

    async def answer(self, inquiry_no: str, content: str) -> None:
        """Send one answer: a Q&A reply takes ``{"content"}`` and answers with a plain status ([T1]
        ProdServiceImpl.updateQnaAnswer, [T2] PaTmonCounselController.setQnaInsert); the CS save call takes
        ``{"message"}`` ([T1] updateCsQnaAnswer; [T2] also sends ``possibilityYn``). ❓ ALREADY_ANSWERED is the
        sandbox's code (docs/protocols/tmon.md, "Our readings")."""
        try:
            await self._answer(inquiry_no, content)
        except Rejected as exc:
            if exc.code == "ALREADY_ANSWERED":
                raise AlreadyDone(MARKET, exc.message, status=exc.status, code=exc.code) from exc
            raise

    async def _answer(self, inquiry_no: str, content: str) -> None:
        kind, _, ident = inquiry_no.partition(":")
        if kind == "q":
            await self._send(Call("POST", f"/qnas/{ident}/replies", json={"content": content}, idempotent=False))
        else:
            seq, _, group = ident.partition("/")
            await self._send(
                Call("POST", f"/cs-inquiry/save/{seq}/{group}", json={"message": content}, idempotent=False)
            )


NOT_CONFIRMABLE = "배송주문 확인처리가 불가능한 배송상태입니다"  # [T1] OrderServiceImpl: the deal is not in D1


def not_confirmable(line: OrderLine, status: str) -> str:
    """Why a deal TMON would not confirm is not confirmed (Korean, with what to do next)."""
    if status == "D1":
        return (
            f"티몬이 주문 {line.order_no}의 발주확인을 받지 않았습니다(배송주문 확인처리가 불가능한 배송상태입니다). "
            "티몬 판매자센터에서 주문을 확인한 뒤 다시 실행하세요."
        )
    shown = f"배송상태 {status}" if status else "티몬 주문에 이 딜이 없음"
    return (
        f"티몬 주문 {line.order_no}은(는) 발주확인할 수 없는 상태입니다({shown}). 취소된 주문일 수 있으니 "
        "티몬 판매자센터에서 확인하세요. 송장은 보내지 않았습니다."
    )


def no_cancel_code(reason: str) -> str:
    """Why a 판매취소 reason is not sent to TMON (Korean, with what to do next)."""
    taken = ", ".join(f"'{r}'" for r in SALE_CANCEL_REASONS if r in SALE_CANCEL_CODES)
    return (
        f"티몬에는 판매취소 사유 '{reason}'에 맞는 취소 사유 코드가 없습니다(티몬에 보낼 수 있는 사유: {taken}). "
        "사유를 바꾸거나 티몬 판매자센터에서 직접 취소하세요. 티몬에는 아무것도 보내지 않았습니다."
    )


def not_cancellable(line: OrderLine, status: str) -> str:
    """Why a deal is not 판매취소-ed (Korean, with what to do next)."""
    if not status:
        return (
            f"티몬 주문 {line.order_no}에 딜 {line.product_no}이(가) 없습니다. 티몬 판매자센터에서 주문을 확인하세요. "
            "판매취소는 보내지 않았습니다."
        )
    return (
        f"티몬 주문 {line.order_no}의 딜 {line.product_no}은(는) 판매취소할 수 없는 상태입니다(배송상태 {status}). "
        "송장이 등록된 뒤에는 판매취소할 수 없습니다. 티몬 판매자센터에서 주문 상태를 확인하세요. "
        "판매취소는 보내지 않았습니다."
    )


DUPLICATE_INVOICE = "동일 송장 등록 요청 오류"  # §1.4: the same invoice again
ANSWER_LIMIT = 1000  # ❓ the sandbox's rule (docs/protocols/tmon.md, "Our readings")
SELF_DELIVERY = "10099"  # §1.4: 자체배송


def update_failures(response: httpx.Response) -> str | None:
    """None when a deal update's [T2] DealUpdateResult ``{deal, dealOptions}`` says done; else TMON's words for what
    failed ("" when it gave none). [T1] updateProducts and [T2] updateProduct both treat any ``success: false`` as a
    failure."""
    answer = json_object(response)
    failed = [
        str(part.get("message") or "")
        for part in (answer.get("deal"), answer.get("dealOptions"))
        if isinstance(part, dict) and part.get("success") is False
    ]
    return " ".join(m for m in failed if m) if failed else None


def deal_options(deal: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The options of a deal read (GET /deals/{vendorDealNo})."""
    return [o for o in deal.get("dealOptions") or [] if isinstance(o, dict)]


def unread_options(deal: Mapping[str, Any], options: Sequence[Mapping[str, Any]]) -> str:
    """What of the deal's options the read left out (Korean, "" when none): [T2] Deal.dealOptionsPageInfo
    (DealOptionsPageInfo: totalCount 옵션 총 개수, totalPage 전체 페이지 수) says options come in pages, and no source says
    how to ask for another one."""
    info = deal.get("dealOptionsPageInfo")
    if not isinstance(info, dict):
        return ""
    total, pages = whole(info.get("totalCount")), whole(info.get("totalPage"))
    if (pages or 1) > 1 or (total or 0) > len(options):
        return f"옵션 {total if total is not None else '?'}개 중 {len(options)}개만 읽힘"
    return ""


def not_all_options(code: str, why: str) -> str:
    """Why a deal's price is not sent (Korean, with what to do next)."""
    return (
        f"티몬 딜 {code}의 옵션을 모두 읽지 못해 판매가를 보내지 않았습니다({why}). 딜 수정은 옵션을 모두 함께 보내야 "
        "해서, 빠진 옵션이 지워지지 않도록 보내지 않았습니다. 티몬 판매자센터에서 판매가를 바꾸세요."
    )


def whole(value: object) -> int | None:
    """A JSON integer, or a string of digits ([T2] types some numbers as String), as an int; else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return None


def policy_no(value: str) -> int | str:
    """vendorPolicyNo as the integer [T1] sends; a value that is no number is left for preflight to report."""
    return int(value) if value.isdigit() else value


def windows(start: dt.datetime, end: dt.datetime, *, settle: bool = True) -> list[tuple[dt.datetime, dt.datetime]]:
    """[start, end] (naive KST) cut into windows TMON accepts: at most 7 days, ending more than 30 minutes ago.

    ``settle=False`` keeps the newest 30 minutes: the claim check just before sending invoices must see a
    cancel asked a minute ago. [T1] ClaimScheduler.claimSearch itself asks claims up to two minutes ago.
    """
    if settle:
        end = min(end, now_kst() - SETTLE)
    out = []
    while start < end:
        stop = min(start + WINDOW, end)
        out.append((start, stop))
        start = stop
    return out


class Tmon(TmonOrders):
    """One TMON seller account."""

    market = MARKET
    answer_limit = ANSWER_LIMIT
    images_dir: Path | None = None  # TMON takes image URLs only

    @staticmethod
    def credentials_for(account: Account) -> TmonCredentials:
        """The account's TMON credentials from batch.toml and the environment (secrets only from the environment)."""
        return TmonCredentials(
            client_id=account.text("client_id") or (account.secret("client_id") or ""),
            client_secret=account.required_secret("client_secret"),
            partner_id=account.text("partner_id", "batch"),
            partner_token=account.required_secret("partner_token"),
            vendor_policy_no=account.text("vendor_policy_no", "1"),
            aes_key=account.secret("aes_key") or "",
        )

    def __init__(self, client: MarketClient, credentials: TmonCredentials) -> None:
        self.client = client
        self.credentials = credentials
        self._token: str | None = None
        self._vendor_id: str | None = None
        self._token_lock = asyncio.Lock()

    # --- auth ------------------------------------------------------------------------------------

    async def _fetch_token(self) -> None:
        c = self.credentials
        basic = base64.b64encode(f"{c.client_id}:{c.client_secret}".encode()).decode()
        try:
            response = await self.client.http.post(
                "/oauth/token",
                headers={"Authorization": f"Basic {basic}"},
                files={"grant_type": (None, "client_credentials")},  # multipart/form-data, as TMON expects
                timeout=self.client.settings.timeout,
            )
        except httpx.HTTPError as exc:
            raise Unavailable(MARKET, f"티몬 토큰 발급 요청이 실패했습니다 ({type(exc).__name__})") from exc
        if response.status_code >= 400:
            error = self._error(response)
            if isinstance(error, AuthFailed | Rejected):
                raise AuthFailed(
                    MARKET,
                    "티몬 API 인증 정보(client id / secret)가 맞지 않습니다. batch.toml의 계정과 환경 변수를 확인하세요.",
                    status=response.status_code,
                    code=error.code,
                )
            raise error
        body = response.json()
        self._token = str(body["access_token"])
        self._vendor_id = str(body["vendorId"])

    async def _auth(self) -> Mapping[str, str]:
        async with self._token_lock:
            if self._token is None:
                await self.client.retrying(self._fetch_token)
        return {
            "Authorization": f"Bearer {self._token}",
            "X-Partner-Id": self.credentials.partner_id,
            "X-Partner-Token": self.credentials.partner_token,
        }

    async def _renew_on(self, response: httpx.Response) -> bool:
        """TMON says ``invalid_token`` when a token expired: fetch a new one and try once more."""
        if json_object(response).get("error") != "invalid_token":
            return False
        async with self._token_lock:
            self._token = None
        return True

    async def vendor_id(self) -> str:
        await self._auth()
        assert self._vendor_id is not None
        return self._vendor_id

    # --- the wire ----------------------------------------------------------------------------------

    def _error(self, response: httpx.Response) -> MarketError:
        body = json_object(response)
        if "error" in body:  # OAuth2 style (§1.6)
            message = str(body.get("error_description") or body["error"])
            return status_error(MARKET, response, f"티몬 인증 오류: {message}", str(body["error"]))
        message = str(body.get("Message") or body.get("message") or response.text[:200] or response.reason_phrase)
        return status_error(MARKET, response, message, body.get("ResultCode"))

    async def _send(self, call: Call) -> httpx.Response:
        vendor = await self.vendor_id()
        call.path = f"/api/{vendor}{call.path}"
        return await self.client.send(call, auth=self._auth, on_auth_error=self._renew_on, to_error=self._error)

    # --- product jobs ------------------------------------------------------------------------------

    def payload(self, product: Product, sales: SalesInfo) -> dict[str, Any]:
        """The POST /deals body for one product and its 판매정보 group. Field names, types and required flags from
        [T1] ProdServiceImpl.getProducts (each annotated from TMON's spec) and [T2] ``patmon/v2/domain/Deal.java``."""
        end = sales.get("sales_end")
        return {
            "vendorDealNo": product.code,
            "productType": PRODUCT_TYPES.get(sales.get("product_type") or "", ""),  # [T1] DP01–DP07
            "vendorPolicyNo": policy_no(self.credentials.vendor_policy_no),  # [T1] "Integer+ … 정책번호 O"
            "deliveryTemplateNo": int(sales.get("delivery_template") or 0),
            "categoryNo": int(sales.get("market_category_no") or 0),
            "title": product.name,
            # [T1] "String(20) … 딜 홍보 문구 O"; [T1] sends the brand ("브랜드, 제조자 등등"), which the workbook
            # requires: its first 20 characters.
            "titleDecoration": product.brand[:MAX_DECORATION],
            "managedTitle": product.name,
            "salesEndDate": UNLIMITED_END if end in (None, "무기한") else f"{end[:4]}-{end[4:6]}-{end[6:8]}T23:59:59",
            "adultOnly": product.adult,
            "mainImages": list(product.images[:MAX_IMAGES]),
            "detailContents": product.detail,
            # [T1] "List<DealProductInfo> 상품정보제공고시 정보들 O": one group, {productType: <고시 group name>,
            # productInfos: [{section, description}]} ([T2] DealProductInfo / DealProductInfoItem). ❓ The group name
            # is our 품목고시분류 label (docs/protocols/tmon.md, "Our readings").
            "productInfos": [
                {
                    "productType": product.notice_category,
                    "productInfos": [{"section": field, "description": value} for field, value in product.notices],
                }
            ],
            "kcAuthSubmitType": KC_SUBMIT[product.cert_required],
            "kcAuths": [{"section": c.kind, "no": c.number} for c in product.certs],  # [T2] DealKcAuth
            # [T1] "String 배송사(택배사) … 배송상품일 경우 필수": the courier's name, as [T1] sends its courier table's
            # name (default '직접배송'). ❓ docs/protocols/tmon.md, "Our readings".
            "deliveryCorp": sales.get("courier") or "",
            "brandName": product.brand,
            "keywords": list(product.keywords[:MAX_KEYWORDS]),
            "dealProductStatus": "NEW",
            # [T1] DealOption: vendorDealOptionNo "O unique", title "title 또는 sections 둘중 1개는 필수",
            # salesPrice "O 0원 등록불가", stock "O", display "X true". ``price`` ("X salesPrice … salesPrice와 동일해야
            # 함") is left to its default.
            "dealOptions": [
                {
                    "vendorDealOptionNo": option_no(product.code, i),
                    "title": "/".join(o.values) if o.values else product.name,
                    "salesPrice": product.price + o.extra_price,
                    "stock": o.stock,
                    "display": o.on_sale and product.on_sale,
                }
                for i, o in enumerate(product.options)
            ],
        }

    def preflight(self, product: Product, sales: SalesInfo) -> list[str]:
        """What TMON will refuse that the workbook rules do not already catch (Korean, one line each)."""
        problems = []
        if len(product.name) > MAX_TITLE:
            problems.append(f"티몬 딜명은 {MAX_TITLE}자까지입니다.")
        if len(product.options) > MAX_OPTIONS:
            problems.append(f"티몬 옵션은 {MAX_OPTIONS}개까지입니다.")
        local = [i for i in product.images if "://" not in i]
        if local:
            problems.append(f"티몬은 이미지 주소(https://…)만 받습니다: {', '.join(local[:3])}")
        if (sales.get("product_type") or "") not in PRODUCT_TYPES:
            problems.append("판매정보의 상품유형그룹이 티몬 목록에 없습니다.")
        if not (sales.get("courier") or ""):
            problems.append("티몬 딜에는 배송사가 필요합니다. 판매정보 시트의 택배사를 골라 주세요.")
        if not self.credentials.vendor_policy_no.isdigit():
            problems.append(
                "batch.toml 티몬 계정의 vendor_policy_no는 티몬 담당자에게 받은 정책번호(숫자)여야 합니다. 확인해 주세요."
            )
        return problems

    async def create_product(self, product: Product, sales: SalesInfo) -> ProductLink:
        response = await self._send(Call("POST", "/deals", json=self.payload(product, sales), idempotent=False))
        body = json_object(response)
        deal = body.get("dealNo", {}).get(product.code)
        if deal is None:
            raise Unavailable(
                MARKET, "티몬이 딜 번호 없이 답했습니다.", status=response.status_code, outcome_unknown=True
            )
        return ProductLink(str(deal), {k: str(v) for k, v in body.get("dealOptionNos", {}).items()})

    async def update_product(self, product: Product, sales: SalesInfo, link: ProductLink) -> ProductLink:
        """PUT the deal, then its options' stock and display, as [T1] ProdServiceImpl.updateProducts does. The PUT
        leaves out what [T1] sends on registration only and [T2] never changes (``UPDATE_LEAVES_OUT``); stock and
        display go only with a registration ([T1] "등록일 경우에만 제고/노출여부 추가"; [T2] PaTmonProductApiService
        "수량(재고) … 변경은 별도 API에서 처리됩니다"). The PUT answers [T2] ``DealUpdateResult`` ``{deal, dealOptions}``
        of ``{success, message}``, which [T1] and [T2] both check."""
        body = {k: v for k, v in self.payload(product, sales).items() if k not in UPDATE_LEAVES_OUT}
        if product.adult:  # adultOnly may only go from false to true ([T1] "등록이후 false에서 true로만 수정가능")
            body["adultOnly"] = True
        body["dealOptions"] = [
            {k: v for k, v in o.items() if k not in ("stock", "display")} for o in body["dealOptions"]
        ]
        response = await self._send(Call("PUT", f"/deals/{product.code}", json=body, idempotent=True))
        failed = update_failures(response)
        if failed is not None:
            raise Rejected(MARKET, failed or "티몬이 딜 수정을 처리하지 못했습니다.", status=response.status_code)
        await self.update_stock(product)
        displays = [
            {"vendorDealOptionNo": option_no(product.code, i), "display": o.on_sale and product.on_sale}
            for i, o in enumerate(product.options)
        ]
        await self._send(Call("PUT", f"/deals/{product.code}/options/display", json={"dealOptions": displays}))
        return link

    async def find_product(self, code: str) -> ProductLink | None:
        """Look a deal up by our code (vendorDealNo); None when TMON does not have it."""
        try:
            response = await self._send(Call("GET", f"/deals/{code}"))
        except Rejected as exc:
            if exc.status == 404:
                return None
            raise
        body = json_object(response)
        options = {str(o["vendorDealOptionNo"]): str(o["tmonDealOptionNo"]) for o in body.get("dealOptions", [])}
        return ProductLink(str(body.get("tmonDealNo", "")), options)

    async def update_stock(self, product: Product) -> None:
        """Stock only (PUT /deals/{no}/stock), every option of the product."""
        options = [
            {"vendorDealOptionNo": option_no(product.code, i), "stock": o.stock} for i, o in enumerate(product.options)
        ]
        await self._put_stock(product.code, options)

    async def set_stock(self, code: str, link: ProductLink, stocks: Mapping[str, int]) -> None:
        """재고 연동: one PUT /deals/{vendorDealNo}/stock with only the options named, by our option numbers (the
        vendorDealOptionNo we registered them under, so ``link`` is not needed). [T2]
        PaTmonGoodsController.setGoodsStockModify sends only the options whose stock changed
        (patmongoods.xml selectPaTmonGoodsdtStockMappingList) and 0 for an option not on sale; [T1] updateProducts
        sends every option. A quantity below 0 (oversold) is sent as 0; every other option keeps its stock."""
        if not stocks:
            return
        options = [{"vendorDealOptionNo": option, "stock": max(int(qty), 0)} for option, qty in stocks.items()]
        await self._put_stock(code, options)

    async def _put_stock(self, code: str, options: list[dict[str, Any]]) -> None:
        """PUT the stock of ``options``. The answer is a result per option, keyed by vendorDealOptionNo ([T2]
        setGoodsStockModify reads ``map.get(<option>).get("success")``); [T1] reads nothing of it, so an empty answer
        is success. An option answered ``success: false`` refuses the call with TMON's words."""
        response = await self._send(Call("PUT", f"/deals/{code}/stock", json={"dealOptions": options}))
        answer = json_object(response)
        failed = [
            (str(o["vendorDealOptionNo"]), str(result.get("message") or ""))
            for o in options
            if isinstance(result := answer.get(str(o["vendorDealOptionNo"])), dict) and result.get("success") is False
        ]
        if failed:
            words = "; ".join(f"{option}: {message}" if message else option for option, message in failed)
            raise Rejected(
                MARKET,
                f"티몬이 옵션 재고를 바꾸지 않았습니다({words}). 티몬 판매자센터에서 딜 {code}의 옵션을 확인하세요.",
                status=response.status_code,
            )

    async def shown(self, code: str, link: ProductLink) -> Shown:
        """What TMON shows of the deal: GET /deals/{vendorDealNo} ([T2] PaTmonProductApiService.getProduct reads it
        into ``Deal``). ``salesStatus`` ([T2] Deal: "PAUSE : 일시중지, READY : 판매예정, ON_SALE : 판매중, END : 판매종료")
        is on sale only as ON_SALE; each option's ``stock`` ([T2] DealOption) is mapped back to our option number by
        its tmonDealOptionNo (``link``), else by the vendorDealOptionNo we registered. ❓ An answer without
        salesStatus counts as on sale (a stop is then sent again until it is shown, never taken as done), and options
        past the first page (``dealOptionsPageInfo``) are not reported, so theirs is sent again (docs/protocols/tmon.md,
        "Our readings").

        Prices: a deal has no price of its own, only each option's ``salesPrice`` ([T2] DealOption "판매가(단가)"; [T1]
        reads ``dealOptions[].salesPrice``), so ``prices`` holds each option's (판매가 + 추가금액) by our option number
        and ``price`` stays None."""
        deal = json_object(await self._send(Call("GET", f"/deals/{code}")))
        ours = {str(tmon): option for option, tmon in link.option_nos.items()}
        stocks: dict[str, int] = {}
        prices: dict[str, int] = {}
        for option in deal_options(deal):
            number = ours.get(str(option.get("tmonDealOptionNo"))) or str(option.get("vendorDealOptionNo") or "")
            if not number:
                continue
            stock, price = whole(option.get("stock")), whole(option.get("salesPrice"))
            if stock is not None:
                stocks[number] = stock
            if price is not None:
                prices[number] = price
        status = deal.get("salesStatus")
        return Shown(on_sale=status in (None, "", ON_SALE), stocks=stocks, prices=prices)

    async def set_price(self, code: str, link: ProductLink, price: int, extras: Mapping[str, int]) -> None:
        """판매가 연동: every option of the deal sells at ``price`` + its 추가금액 (``extras``, by our option number;
        0 for an option not named). TMON keeps a price per option only ([T1] DealOption "salesPrice Integer+ 판매가(단가)
        O 0원 등록불가", "price … 현정책 기준 salesPrice와 동일해야 함"), and the only call that changes it is the deal
        update PUT /deals/{vendorDealNo} ([T2] PaTmonProductApiService UPDATE_PRODUCT, quoting TMON: "필요하다면 등록된
        옵션까지 한꺼번에 수정할 수 있습니다. 기본적으로 수정될 정보만 세팅하면 되나 … 수량(재고) 및 판매기간 등 변경은 별도
        API에서 처리됩니다").

        So the deal is read first (GET /deals/{vendorDealNo}) and its options are sent back, each as [T1]
        updateProducts sends an option on update: ``vendorDealOptionNo``, its ``title``/``sections`` as read, and
        ``price`` = ``salesPrice`` = the new price; no stock or display (separate calls, [T1] "등록일 경우에만
        제고/노출여부 추가"), and nothing else of the deal. Nothing is sent when every option already sells at its
        price. ❓ Every option goes in the PUT, so a deal whose options do not all come in the read (past the first
        page of ``dealOptionsPageInfo``) is refused before anything is sent (docs/protocols/tmon.md, "Our readings").
        The answer is [T2] DealUpdateResult, checked as update_product does."""
        deal = json_object(await self._send(Call("GET", f"/deals/{code}")))
        options = deal_options(deal)
        missing = unread_options(deal, options)
        if missing:
            raise Rejected(MARKET, not_all_options(code, missing))
        ours = {str(tmon): option for option, tmon in link.option_nos.items()}
        sent: list[dict[str, Any]] = []
        changed = False
        for option in options:
            vendor_no = option.get("vendorDealOptionNo")
            if vendor_no in (None, ""):
                raise Rejected(MARKET, not_all_options(code, "업체옵션번호가 없는 옵션"))
            number = ours.get(str(option.get("tmonDealOptionNo"))) or str(vendor_no)
            want = price + int(extras.get(number, 0))
            item: dict[str, Any] = {"vendorDealOptionNo": vendor_no}
            item.update({name: option[name] for name in ("title", "sections") if option.get(name)})
            item.update(price=want, salesPrice=want)
            sent.append(item)
            changed = changed or whole(option.get("salesPrice")) != want or whole(option.get("price", want)) != want
        if not changed:
            return
        response = await self._send(Call("PUT", f"/deals/{code}", json={"dealOptions": sent}, idempotent=True))
        failed = update_failures(response)
        if failed is not None:
            words = f"({failed})" if failed else ""
            raise Rejected(
                MARKET,
                f"티몬이 딜 {code}의 판매가를 바꾸지 않았습니다{words}. 티몬 판매자센터에서 딜의 옵션 가격을 확인하세요.",
                status=response.status_code,
            )

    async def pause(self, code: str) -> None:
        await self._send(Call("PUT", f"/deals/{code}/pause"))

    async def resume(self, code: str) -> None:
        await self._send(Call("PUT", f"/deals/{code}/resume"))

    async def delivery_templates(self) -> list[DeliveryTemplate]:
        """The account's 배송템플릿, labelled with our 상품유형그룹: a template's ``productType`` is a DP code ([T2]
        ``patmon/v2/domain/DeliveryTemplate.java`` "딜 등록시 productType과 반드시 일치"; codes from [T1]). ❓ The list
        answer's shape is not in any source (docs/protocols/tmon.md, "Our readings")."""
        response = await self._send(Call("GET", "/partners/templates"))
        return [
            DeliveryTemplate(
                str(t["deliveryTemplateNo"]),
                str(t.get("deliveryTemplateName") or t.get("name") or ""),
                PRODUCT_TYPE_LABELS.get(str(t.get("productType")), str(t.get("productType") or "")),
            )
            for t in response.json()
        ]

    async def check_templates(self, sales: SalesInfo) -> str | None:
        """A Korean problem when the group's 배송템플릿 is unknown or of another 상품유형그룹, else None."""
        number = sales.get("delivery_template") or ""
        templates = {t.number: t for t in await self.delivery_templates()}
        found = templates.get(number)
        if found is None:
            return f"티몬에 배송템플릿 {number}번이 없습니다. 판매정보 시트의 배송템플릿 번호를 확인하세요."
        if found.product_type != sales.get("product_type"):
            return (
                f"배송템플릿 {number}번({found.name})의 상품유형그룹은 '{found.product_type}'입니다. "
                f"판매정보의 상품유형그룹('{sales.get('product_type')}')과 같아야 합니다."
            )
        return None
