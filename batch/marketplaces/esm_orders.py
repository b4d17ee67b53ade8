"""G마켓/옥션 (ESM 2.0) orders, claims and CS (marketplaces-next.md §2.3–2.5), mixed into Esm (esm.py).

Sources as in esm.py: [E n] = the etapi guide copy, post n (``rumeadia-dotcom/ing0415`` commit bf89065d,
``docs/architecture/v1/features/esm-api/<slug>/<n>.md``); [S] = samba-wave ``proxy/esmplus.py``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from typing import Any

from batch.marketplaces.base import (
    AlreadyDone,
    Blocked,
    Call,
    MarketClient,
    MarketError,
    Rejected,
    Unavailable,
    day_windows,
    each_item,
    windows,
)
from batch.marketplaces.types import ClaimDecision, Outcomes, Shipment
from batch.models import Claim, ClaimStatus, ClaimType, Inquiry, Market, OrderLine, OrderStatus, now_kst

MARKET = Market.ESM.value
WITHDRAWN = "구매자가 철회한 요청입니다(ESM이 받지 않았습니다). 처리할 것이 없습니다."


class StateRefused(Rejected):
    """ESM refused a claim call because of the claim's state ("취소 승인 대상이 없습니다", 옥션 W8-1, …): it may have
    been finished or withdrawn meanwhile; decide_claims reads the claim back to tell."""


@dataclass(frozen=True)
class Site:
    """One ESM site and the numbers each API family gives it (they differ: see ``cancel_type``)."""

    name: str  # our OrderLine.site / Claim.site / ProductLink.sites key
    label: str
    ssi: str  # JWT payload ``ssi`` prefix [E README]: 옥션 "A", 지마켓 "G"
    order_type: int  # [E 67/51/52/53/57/59/62] siteType / SiteType: 1 옥션, 2 G마켓
    cancel_type: int  # [E 50] 취소조회 SiteType: "1 : 옥션 3 : G마켓" (3, not 2, in this one API)
    key: str  # [E 20/21/26] per-site keys: "gmkt" / "iac" ("Gmkt"/"Iac" in itemAddtionalInfo price/stock/period)
    upper: str


GMARKET = Site("gmarket", "G마켓", "G", 2, 3, "gmkt", "Gmkt")
AUCTION = Site("auction", "옥션", "A", 1, 1, "iac", "Iac")
SITES: dict[str, Site] = {"gmarket": GMARKET, "auction": AUCTION}
SITE_ORDER = (AUCTION, GMARKET)  # [E README] sample ssi "A:옥션판매자ID,G:지마켓판매자ID"

ORDER_LIST_SPACING = 5.2  # [E 67] "주문조회는 5초당 1회 호출 가능합니다"; [S] _ESM_ORDER_MIN_INTERVAL = 5.2
ORDER_LIST = "esm:RequestOrders"  # the Spacing name shared by every account of the installation
ORDER_WINDOW = dt.timedelta(days=31)  # [E 67] requestDateFrom/To "31일 이내 조회 가능" (G마켓: 3000 beyond)
ORDER_PAGE = 100  # [E 67] sample pageSize 100 (❓ no maximum named; we page by TotalCount)
MINUTE = "%Y-%m-%d %H:%M"  # [E 67] "YYYY-MM-DD hh:mm 로 분단위 조회 가능"
PAID_DATE = 2  # [E 67] requestDateType 2 : 결제완료일
# [E 67] requestDateType "5 : 일반주문 = 결제완료일 / 선물하기 주문=선물수락일 (G마켓만 가능)": a G마켓 gift order is
# listed once it is accepted ("선물 수락 전후 '주문 옵션' 정보가 변경될 수 있습니다"), with its address and option
PAID_OR_ACCEPTED = 5
ORDER_STATES = ((1, OrderStatus.NEW), (2, OrderStatus.CONFIRMED))  # [E 67] 1 결제완료 (주문 확인전), 2 배송준비중
BY_NUMBER = 0  # [E 67] orderStatus 0 : 주문번호로 조회 ("주문번호로 조회하는 경우 제한 없습니다")
RATE_WORDS = "5초당"  # [E 67]/[E 66]/[S]: ResultCode 3000 "주문 조회는 5초당 1회 호출 가능합니다"
DELAY_REASONS = {1: "상품준비중(재고 부족)", 2: "고객요청", 3: "기타"}  # [E 69] ReasonType
DELAY_DAYS = 90  # [E 69] 3000 "예상 배송일은 90일을 초과할 수 없습니다."
DELAY_DETAIL_BYTES = 300  # [E 69] ReasonDetail "최대 한글 150자, 영문/숫자 300자"
SHIP_TIME = "%Y-%m-%dT%H:%M:%S"  # [E 70] ShippingDate "YYYY-MM-DDThh:mm:ss", "호출시점 2일 이내"
# [E 50/53/59] "일주일 단위" / "7일 이하 범위만 조회 가능", and no word on whether EndDate counts: EndDate is the last
# day + 1, so a claim of the last day is found whether ESM reads it inclusive or not (❓ docs/protocols/esm.md), and a
# call spans at most 7 days either way
CLAIM_DAYS = 6
CS_DAYS = 6  # [E 47] 7-day windows with endDate = last day + 1 ("당일 조회 시 시작일 +1일로 조회")
ANSWER_BYTES = 1000  # [E 47/48] "답변 내용은 1,000byte 이내" (❓ bytes counted in UTF-8, the stricter reading)
ANSWER_LIMIT = ANSWER_BYTES  # in characters: no answer longer than this can fit, whatever the encoding
BOARD = "board:"  # inquiry_no "board:{site}:{MessageNo}:{token}" ([E 48] needs MessageNo and token together)
ALIMI = "alimi:"  # inquiry_no "alimi:{site}:{EmerMessageNo}" ([E 46])
ANSWER_TITLE = "문의하신 내용에 대한 답변입니다."  # [E 48] title is required; the buyer sees it with the answer
ANSWERED = "처리완료"  # [E 47/43] InformStatus 미처리 / 처리중 / 처리완료
DONE = 2  # [E 48/46] answerStatus 2 : 처리완료
# [E 50] CancelStatus: 1 요청, 2 취소중 (approved, refund under way ❓ read as done), 3 완료, 4 철회, 5 직권환불, 6 송금후취소
CANCEL_STATES = {
    "1": ClaimStatus.REQUESTED,
    "2": ClaimStatus.DONE,
    "3": ClaimStatus.DONE,
    "4": ClaimStatus.WITHDRAWN,
    "5": ClaimStatus.DONE,
    "6": ClaimStatus.DONE,
}
# [E 53] ReturnStatus (request values; there is no "전체"): 1 요청, 2 수거완료, 3 보류, 4 환불완료, 5 철회, 6 직권환불
RETURN_STATES = {
    "1": ClaimStatus.REQUESTED,
    "2": ClaimStatus.REQUESTED,
    "3": ClaimStatus.REQUESTED,
    "4": ClaimStatus.DONE,
    "5": ClaimStatus.WITHDRAWN,
    "6": ClaimStatus.DONE,
}
# [E 59] ExchangeStatus (request 1–5, no "전체"; answers also 0 = 재발송 후 배송중/배송완료)
EXCHANGE_STATES = {
    "0": ClaimStatus.DONE,
    "1": ClaimStatus.REQUESTED,
    "2": ClaimStatus.REQUESTED,
    "3": ClaimStatus.REQUESTED,
    "4": ClaimStatus.DONE,
    "5": ClaimStatus.WITHDRAWN,
}
# Claim.shown: each state in the guide's own words ([E 50] CancelStatus, [E 53] ReturnStatus, [E 59] ExchangeStatus)
CANCEL_SHOWN = {
    "1": "취소요청",
    "2": "취소중",
    "3": "취소완료",
    "4": "취소철회",
    "5": "직권환불(고객센터)",
    "6": "송금 후 취소",
}
RETURN_SHOWN = {
    "1": "반품요청",  # [E 53] "반품 수거중일 경우, 반품요청(1번)에 포함"
    "2": "반품수거완료",
    "3": "반품환불보류",
    "4": "반품환불완료",
    "5": "반품철회",
    "6": "직권환불(고객센터)",
}
EXCHANGE_SHOWN = {
    "0": "배송중/배송완료(재발송 처리후)",
    "1": "교환요청/교환물품반송중",
    "2": "교환수거완료",
    "3": "교환보류",
    "4": "교환완료",
    "5": "교환철회",
}
EXCHANGE_HELD = "3"  # [E 59] 3 교환보류 ("교환 물품 반송 중이면서 보류 중일 경우, 교환보류(3번)에 포함")
# [E 59] ExchangeStatus request values per site: "4 : 교환완료 G마켓만)"
EXCHANGE_ASKED = {"gmarket": ("1", "2", "3", "4", "5"), "auction": ("1", "2", "3", "5")}
CLAIM_BY_REQUEST = 2  # [E 50/53/59] Type 2 : 취소/반품/교환 신청일
CLAIM_STATES: dict[ClaimType, tuple[dict[str, ClaimStatus], dict[str, str]]] = {
    ClaimType.CANCEL: (CANCEL_STATES, CANCEL_SHOWN),
    ClaimType.RETURN: (RETURN_STATES, RETURN_SHOWN),
    ClaimType.EXCHANGE: (EXCHANGE_STATES, EXCHANGE_SHOWN),
}
# the list call of each claim type and its state field (asked per state: only cancels have "전체")
CLAIM_LISTS: dict[ClaimType, tuple[str, str]] = {
    ClaimType.CANCEL: ("/claim/v1/sa/Cancels", "CancelStatus"),  # [E 50]
    ClaimType.RETURN: ("/claim/v1/sa/Returns", "ReturnStatus"),  # [E 53]
    ClaimType.EXCHANGE: ("/claim/v1/sa/Exchanges", "ExchangeStatus"),  # [E 59]
}
ALL_CANCELS = 0  # [E 50] CancelStatus 0 : 전체
BY_ORDER_NO = 0  # [E 50] Type 0 : 주문번호
# [E 50] CancelStatus 2 취소중, 3 취소완료, 5 직권환불, 6 송금후취소: the order is cancelled (1 요청, 4 철회: it is not)
CANCELLED = ("2", "3", "5", "6")
# 판매취소 reasons (types.SALE_CANCEL_REASONS) -> the [E 52] call that takes them: "일반 : …/Cancel/{OrderNo}/SoldOut" is
# 품절 only ("재고가 부족하거나 발송을 할 수 없는 주문"; the product is set 품절 too); "(제한) 비품절용 : …/Cancel/{OrderNo}"
# "별도 권한 필요합니다", which a selling tool is not given: 배송지연, 가격오류 and 기타 have no call
SALE_CANCEL_CALLS: dict[str, str | None] = {"품절": "SoldOut", "배송지연": None, "가격오류": None, "기타": None}
# [E 50/53/59] 99999: nothing found, not an error ([E 59]'s sample spells it "클레임 정보가 없습니다")
NO_CLAIMS = ("주문정보가 없습니다", "클레임정보가 없습니다", "클레임 정보가 없습니다")
NO_INQUIRIES = "조회 대상이 없습니다"  # [E 47] 1000 "조회된 기간에 조회 대상이 없습니다"
# [E 50] ReasonCode, [E 53] ReasonCode
CLAIM_REASONS = {
    "0": "기타",
    "1": "단순변심",
    "2": "사이즈/색상 등 변경",
    "3": "오배송",
    "4": "상품미도착",
    "5": "상품불량",
    "6": "판매자요청",
    "7": "선물수락기한만료",
    "8": "선물거절",
}
# [E 47] contractType -> our inquiry kinds (상품 / 배송 / 반품 / 교환 / 기타)
INQUIRY_KINDS = (
    ("교환", "교환"),
    ("반품", "반품"),
    ("취소", "반품"),
    ("환불", "반품"),
    ("배송", "배송"),
    ("상품", "상품"),
)


# --- reading ESM answers ------------------------------------------------------------------------------------


def pick(obj: Any, *keys: str) -> Any:
    """A field of an ESM answer by any of ``keys``, case-insensitively: ESM mixes ``ResultCode``/``resultCode``,
    ``Data``/``data``, ``IsSell``/``isSell`` ([E 21] sample; [S] ``ci_get`` for the same reason)."""
    if not isinstance(obj, Mapping):
        return None
    lowered = {str(k).lower(): v for k, v in obj.items()}
    for key in keys:
        if key.lower() in lowered:
            return lowered[key.lower()]
    return None


def text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def result(body: Any) -> tuple[str, str]:
    """(result code, message) of an answer; ("", "") when it carries none (a list, a bare object)."""
    if not isinstance(body, Mapping):
        return "", ""
    return text(pick(body, "ResultCode")), text(pick(body, "Message"))


def succeeded(code: str) -> bool:
    """[E 67/68/70…] ResultCode 0 ("성공: 0"); [E 50/52/68] also document "Success"/"success"; absent = no error."""
    return code in ("", "0") or code.lower() == "success"


def won(value: Any) -> int:
    """An amount as ESM writes it ("6800.0000", 10000.0) in whole won."""
    try:
        return int(Decimal(text(value) or "0"))
    except (InvalidOperation, ValueError):
        return 0


def stamp(value: Any) -> str:
    """ "2019-04-10T17:45:39.727" / "2019-04-15T07:55:06+09:00" / "2019-04-16 06:09:38" -> "2019-04-10 17:45:39"
    (ESM answers in KST)."""
    raw = text(value).replace("T", " ")
    return raw[:19] if len(raw) >= 19 and raw[:4].isdigit() else ""


def utf8_len(value: str) -> int:
    return len(value.encode("utf-8"))


class EsmOrders:
    """The order, claim and CS jobs of one ESM account (one master id, one or two sites)."""

    client: MarketClient
    answer_limit = ANSWER_LIMIT
    # Things the lead's jobs may show on a row though the call succeeded (a shipment key or a product code -> Korean
    # words): an address the buyer changed before 발주확인 ([E 68] IsChanged), a site a registration left out.
    notes: dict[str, str]
    # The new address read back after [E 68] IsChanged = 1, by shipment key (the lines as ESM holds them now).
    changed_lines: dict[str, list[OrderLine]]

    def sites(self) -> tuple[Site, ...]:  # provided by Esm: the sites the account has ids for
        raise NotImplementedError

    async def _send(self, call: Call, site: Site | None = None) -> Any:  # provided by Esm: the parsed JSON answer
        raise NotImplementedError

    @staticmethod
    def _failed(code: str, message: str, what: str = "") -> MarketError:  # provided by Esm
        raise NotImplementedError

    def _claim_sites(self) -> dict[str, Site]:
        found: dict[str, Site] | None = self.__dict__.get("_claim_site_map")
        if found is None:
            found = self.__dict__["_claim_site_map"] = {}
        return found

    # --- orders ----------------------------------------------------------------------------------

    async def _order_page(self, body: dict[str, Any], site: Site) -> tuple[list[Mapping[str, Any]], int]:
        """One RequestOrders list call [E 67], spaced ORDER_LIST_SPACING after the last one of ANY account of the
        installation (MarketClient.space). ESM answering 3000 "5초당 1회" (another tool on the same master id)
        is waited out and asked again, up to the client's attempts; then RateLimited."""
        attempts = max(self.client.settings.max_attempts, 1)
        for attempt in range(1, attempts + 1):
            await self.client.space(ORDER_LIST, ORDER_LIST_SPACING)
            answer = await self._send(Call("POST", "/shipping/v1/Order/RequestOrders", json=body), site)
            code, message = result(answer)
            if succeeded(code):
                data = pick(answer, "Data")
                rows = pick(data, "RequestOrders") or []
                total = pick(data, "TotalCount")
                found = [r for r in rows if isinstance(r, Mapping)]
                # without TotalCount ([E 67] documents it) a full page says there may be more: ask the next one
                return found, int(total) if total is not None else len(found) + (1 if len(found) == ORDER_PAGE else 0)
            if RATE_WORDS not in message or attempt == attempts:
                raise self._failed(code, message, f"{site.label} 주문 조회")
        raise AssertionError("unreachable")

    async def _orders(self, site: Site, state: int, start: dt.datetime, end: dt.datetime) -> list[Mapping[str, Any]]:
        """Every row of one (site, orderStatus, window), page by page until TotalCount rows came."""
        rows: list[Mapping[str, Any]] = []
        page = 1
        while True:
            body = {
                "siteType": site.order_type,
                "orderStatus": state,
                "requestDateType": PAID_OR_ACCEPTED if site.name == "gmarket" else PAID_DATE,
                "requestDateFrom": start.strftime(MINUTE),
                "requestDateTo": end.strftime(MINUTE),
                "pageIndex": page,
                "pageSize": ORDER_PAGE,
            }
            found, total = await self._order_page(body, site)
            rows.extend(found)
            if len(rows) >= total or len(found) < ORDER_PAGE:
                if len(rows) < total:  # a short page before the total: never return a list with rows missing
                    raise Unavailable(
                        MARKET,
                        f"ESM이 {site.label} 주문 {total}건 중 {len(rows)}건만 보냈습니다. 잠시 뒤 다시 수집하세요.",
                    )
                return rows
            page += 1

    @staticmethod
    def _line(row: Mapping[str, Any], account: str, site: Site, status: OrderStatus) -> OrderLine:
        options = [o for o in (pick(row, "ItemOptionSelectList") or []) if isinstance(o, Mapping)]
        option_text = ", ".join(
            text(pick(o, "ItemOptionValue"))
            + (f" x{n}" if (n := text(pick(o, "ItemOptionOrderCnt"))) not in ("", "0", "1") else "")
            for o in options
        )
        address = text(pick(row, "DelFullAddress")) or " ".join(
            p for p in (text(pick(row, "DelFrontAddress")), text(pick(row, "DelBackAddress"))) if p
        )
        message = text(pick(row, "DelMemo"))
        if text(pick(row, "GiftOrderStatus")) == "1":  # [E 67] 선물수락대기: no address until the gift is accepted
            message = (
                "[선물 수락 대기: 배송지가 아직 없습니다. 수락되면 다시 모을 때 배송지가 들어옵니다] " + message
            ).strip()
        order_no = text(pick(row, "OrderNo"))
        qty = int(won(pick(row, "ContrAmount")))
        return OrderLine(
            market=MARKET,
            account=account,
            order_no=order_no,
            delivery_no=order_no,  # [E 68/70] 발주확인 and 발송처리 are per OrderNo
            product_no=text(pick(row, "SiteGoodsNo")),  # [E 20] "주문/배송/클레임/정산 API는 사이트 상품번호"
            option_no=text(pick(options[0], "ItemOptionCode")) if options else "",
            product_name=text(pick(row, "GoodsName")),
            option_text=option_text,
            qty=qty,
            # [E 67] OrderAmount is the line's total, and 옥션's has its own discount taken off: the unit price is
            # SalePrice (판매단가) plus the option surcharge (OptSelPrice "옵션단가 * 수량") per unit, on both sites
            price=won(pick(row, "SalePrice")) + (won(pick(row, "OptSelPrice")) // qty if qty else 0),
            ordered_at=stamp(pick(row, "OrderDate")),
            status=status,
            buyer=text(pick(row, "BuyerName")),
            buyer_phone=text(pick(row, "BuyerMobileTel")) or text(pick(row, "BuyerTel")),
            receiver=text(pick(row, "ReceiverName")),
            receiver_phone=text(pick(row, "HpNo")) or text(pick(row, "TelNo")),
            zipcode=text(pick(row, "ZipCode")),
            address=address,
            message=message,
            site=site.name,
            # [E 67] names no seller option code on an order: ItemOptionCode is "주문옵션코드", ESM's own ([E 66]'s
            # sample "20105838001"); the seller's (ItemOptionCodes "판매자상세관리코드") is on exchange claims alone [E 59]
            option_code="",
        )

    async def collect_orders(self, start: dt.datetime, end: dt.datetime, account: str) -> list[OrderLine]:
        """[E 67] ``POST /shipping/v1/Order/RequestOrders`` for each site the account has an id for (siteType 1 옥션,
        2 G마켓), orderStatus 1 결제완료 (NEW) and 2 배송준비중 (CONFIRMED), by 결제완료일, windows ≤ 31 days."""
        lines: dict[tuple[str, str, OrderStatus], OrderLine] = {}  # windows share their boundary minute
        for site in self.sites():
            for a, b in windows(start, end, ORDER_WINDOW):
                for state, status in ORDER_STATES:
                    for row in await self._orders(site, state, a, b):
                        found = self._line(row, account, site, status)
                        lines.setdefault((site.name, found.order_no, status), found)
        return list(lines.values())

    async def _order(self, site: Site, order_no: str) -> Mapping[str, Any] | None:
        """[E 67] look-up by order number (orderStatus 0, sample ``{"siteType", "orderNo", "orderStatus": 0}``; "주문
        번호로 조회하는 경우 제한 없습니다": not spaced). None when ESM lists no such order (claim orders are not
        listed: "클레임(취소, 반품, 교환, 미수령신고) 주문은 조회되지 않습니다")."""
        body = {"siteType": site.order_type, "orderNo": _number(order_no), "orderStatus": BY_NUMBER}
        answer = await self._send(Call("POST", "/shipping/v1/Order/RequestOrders", json=body), site)
        code, message = result(answer)
        if not succeeded(code):
            raise self._failed(code, message, f"{site.label} 주문 {order_no} 조회")
        rows = pick(pick(answer, "Data"), "RequestOrders") or []
        return next((r for r in rows if isinstance(r, Mapping) and text(pick(r, "OrderNo")) == order_no), None)

    @staticmethod
    def shipment_key(line: OrderLine) -> str:
        """ESM confirms ([E 68]) and ships ([E 70]) one OrderNo at a time."""
        return line.order_no

    unit_noun = "주문"

    @staticmethod
    def describe_unit(key: str) -> str:
        return f"주문번호 {key}"

    def _site_of(self, line: OrderLine) -> Site:
        site = SITES.get(line.site)
        if site is None:
            raise Rejected(
                MARKET, f"주문 {line.order_no}의 사이트(G마켓/옥션)를 모릅니다. 주문을 다시 수집한 뒤 처리하세요."
            )
        return site

    async def confirm(self, units: Sequence[Sequence[OrderLine]]) -> Outcomes:
        """발주확인, one call per OrderNo (ESM has no batch call)."""
        return await each_item(
            units, lambda u: self.shipment_key(u[0]), self._confirm, self.client.settings.concurrency
        )

    async def _confirm(self, lines: Sequence[OrderLine]) -> None:
        """[E 68] ``POST /shipping/v1/Order/OrderCheck/{OrderNo}`` without a body ("판매자 자사몰 정보 미입력시 url 내
        주문번호 입력하여 호출"). 3000 "이미 주문확인 처리된 건입니다." is done; "취소된 주문번호입니다." and
        "선물수락대기" are held (Blocked: nothing to ship). ``Data.IsChanged`` 1 = the buyer changed the address before
        발주확인 ("주문 조회로 변경 정보 조회하여 주문정보 갱신 필요"): the order is read again by number ([E 67]) and
        the change left in ``notes`` / ``changed_lines`` for the row."""
        line = lines[0]
        site = self._site_of(line)
        path = f"/shipping/v1/Order/OrderCheck/{line.order_no}"
        answer = await self._send(Call("POST", path, idempotent=True), site)  # a repeat is "이미 주문확인"
        code, message = result(answer)
        if not succeeded(code):
            if "이미 주문확인" in message:  # maybe our own first call, whose answer (and IsChanged) was lost
                await self._address_checked(site, line)
                return
            if "취소된 주문" in message:
                raise Blocked(
                    MARKET,
                    f"{site.label} 주문 {line.order_no}은(는) 취소된 주문입니다. 발주확인하지 않았고 송장도 보내지 않습니다.",
                    code=code,
                )
            if "선물수락대기" in message:
                raise Blocked(
                    MARKET,
                    f"{site.label} 주문 {line.order_no}은(는) 선물 수락 전이라 발주확인할 수 없습니다. 수락된 뒤 다시 "
                    "실행하세요.",
                    code=code,
                )
            raise self._failed(code, message, f"{site.label} 주문 {line.order_no} 발주확인")
        if text(pick(pick(answer, "Data"), "IsChanged")) == "1":
            await self._address_changed(site, line)

    async def _address_checked(self, site: Site, line: OrderLine) -> None:
        """Confirmed already: [E 68]'s IsChanged may have been in an answer we lost, so the order is read again by
        number and a different receiver, zip code or address is handled as a change; an order we cannot read is
        held the same way (nothing ships to an address nobody has looked at)."""
        try:
            row = await self._order(site, line.order_no)
        except MarketError:
            row = None
        if row is None:
            self.notes[self.shipment_key(line)] = (
                f"{site.label} 주문 {line.order_no}은(는) 이미 발주확인되어 있는데 주문을 다시 읽지 못했습니다. ESM+에서 "
                "배송지를 확인하세요."
            )
            return
        fresh = self._line(row, line.account, site, OrderStatus.CONFIRMED)
        if (fresh.receiver, fresh.zipcode, fresh.address) != (line.receiver, line.zipcode, line.address):
            key = self.shipment_key(line)
            self.changed_lines[key] = [fresh]
            self.notes[key] = (
                f"구매자가 발주확인 전에 배송지를 바꿨습니다({site.label} 주문 {line.order_no}). 새 배송지는 주문 기록에 "
                "반영했습니다(주문을 다시 모으면 파일에 나옵니다)."
            )

    async def _address_changed(self, site: Site, line: OrderLine) -> None:
        key = self.shipment_key(line)
        note = f"구매자가 발주확인 전에 배송지를 바꿨습니다({site.label} 주문 {line.order_no})."
        try:
            row = await self._order(site, line.order_no)
        except MarketError:
            row = None
        if row is None:
            self.notes[key] = f"{note} 새 배송지를 읽지 못했습니다. 송장을 출력하기 전에 ESM+에서 주소를 확인하세요."
            return
        fresh = self._line(row, line.account, site, OrderStatus.CONFIRMED)
        self.changed_lines[key] = [fresh]
        # the address itself stays out of the message (row messages reach reports); the job stores the fresh line
        self.notes[key] = f"{note} 새 배송지는 주문 기록에 반영했습니다(주문을 다시 모으면 파일에 나옵니다)."

    async def send_invoices(self, shipments: Sequence[Shipment]) -> Outcomes:
        """발송처리, one call per OrderNo (no batch call)."""
        return await each_item(shipments, lambda s: s.key, self._send_invoice, self.client.settings.concurrency)

    async def _send_invoice(self, shipment: Shipment) -> None:
        """[E 70] ``POST /shipping/v1/Delivery/ShippingInfo`` ``{OrderNo, ShippingDate (KST now), DeliveryCompanyCode
        (int), InvoiceNo}``. [E 70]: "입력한 발송정보 수정은 … 재호출하여 처리하며 최종 입력한 정보로 업데이트" — so a
        correction is the same call, and a first registration first reads the order by number ([E 67], not spaced):
        ESM already holding our number is done; holding another is refused (never overwritten); an order ESM no
        longer lists (a claim: "클레임 주문은 조회되지 않습니다") is held, because 발송처리 also rejects a buyer's
        cancel request ([E 70] "취소불가 처리 기능도 수행")."""
        line = shipment.lines[0]
        site = self._site_of(line)
        code_no = shipment.courier_code.strip()
        if not code_no.isdigit():  # [E 70] DeliveryCompanyCode int, from [E 142]
            raise Rejected(
                MARKET, "이 택배사는 G마켓·옥션 택배사 코드가 없습니다. 다른 택배사를 고르거나 ESM+에서 처리하세요."
            )
        if not shipment.correct:
            row = await self._order(site, line.order_no)
            if row is None:
                raise Blocked(
                    MARKET,
                    f"{site.label} 주문 {line.order_no}이(가) 주문 조회에 나오지 않습니다(취소·반품·교환 중이거나 없는 "
                    "주문). ESM은 발송처리로 구매자의 취소요청을 거부하므로 송장을 보내지 않았습니다. ESM+에서 확인하세요.",
                )
            held = text(pick(row, "NoSongjang"))
            if held == shipment.number:
                return
            if held:
                courier = text(pick(row, "TakbaeName"))
                raise Rejected(
                    MARKET,
                    f"{site.label} 주문 {line.order_no}은(는) 이미 다른 송장으로 발송처리되어 있습니다(택배사 {courier}, "
                    f"송장 {held}). 맞는 송장이면 이 행을 강제완료로, 고치려면 송장 수정으로 다시 보내세요.",
                )
        body = {
            "OrderNo": _number(line.order_no),
            "ShippingDate": now_kst().strftime(SHIP_TIME),
            "DeliveryCompanyCode": int(code_no),
            "InvoiceNo": shipment.number,
        }
        # The same data sent again leaves the same invoice ([E 70] "최종 입력한 정보로 업데이트"): safe to resend.
        answer = await self._send(Call("POST", "/shipping/v1/Delivery/ShippingInfo", json=body), site)
        code, message = result(answer)
        if succeeded(code):
            return
        which = f"{site.label} 주문 {line.order_no}"
        if "운송장번호 규칙" in message:  # [E 70] "{DeliveryCompanyCode} 는 {택배사명}의 운송장번호 규칙에 어긋납니다."
            raise Rejected(
                MARKET,
                f"{which}: 송장번호 {shipment.number}이(가) 택배사(코드 {code_no})의 번호 규칙에 맞지 않습니다. 택배사와 "
                "송장번호를 확인하세요.",
                code=code,
            )
        if "지원하지 않는 택배사" in message:
            raise Rejected(MARKET, f"{which}: ESM이 택배사 코드 {code_no}을(를) 받지 않았습니다. 택배사를 확인하세요.")
        if "발송가능한 상태가 아닙니다" in message:  # shipped or delivered already: read back, never guess
            row = await self._order(site, line.order_no)
            held = text(pick(row, "NoSongjang")) if row is not None else ""
            if held == shipment.number:
                return
            shown = f"송장 {held}" if held else "송장 정보 없음"
            raise Rejected(
                MARKET,
                f"{which}은(는) 발송처리할 수 있는 상태가 아닙니다({shown}). ESM+에서 주문 상태를 확인하세요.",
                code=code,
            )
        if "취소철회가 실패" in message:
            raise Blocked(MARKET, f"{which}은(는) 취소가 완료된 주문입니다. 송장을 보내지 않았습니다.", code=code)
        raise self._failed(code, message, f"{which} 발송처리")

    # --- claims ----------------------------------------------------------------------------------

    async def _claim_list(self, path: str, body: dict[str, Any], site: Site, what: str) -> list[Mapping[str, Any]]:
        answer = await self._send(Call("POST", path, json=body), site)
        code, message = result(answer)
        if not succeeded(code):
            if any(words in message for words in NO_CLAIMS):
                return []
            raise self._failed(code, message, f"{site.label} {what} 조회")
        rows = pick(answer, "Data") or []
        return [r for r in rows if isinstance(r, Mapping)] if isinstance(rows, list) else []

    async def collect_claims(
        self, start: dt.datetime, end: dt.datetime, account: str, *, latest: bool = False
    ) -> list[Claim]:
        """취소 [E 50] ``POST /claim/v1/sa/Cancels`` (SiteType 1 옥션 / **3** G마켓, CancelStatus 0 전체), 반품 [E 53]
        ``POST /claim/v1/sa/Returns`` (SiteType 1/2, each ReturnStatus 1–6: no "전체"), 교환 [E 59] ``POST
        /claim/v1/sa/Exchanges`` (SiteType 1/2, ExchangeStatus 1–5), by 신청일 (Type 2) in windows of 7 days.
        ``latest`` changes nothing: ESM names no settling delay."""
        found: dict[tuple[ClaimType, str], Claim] = {}
        for site in self.sites():
            for a, b in day_windows(start, end, CLAIM_DAYS):
                after = b + dt.timedelta(days=1)
                dates = {"Type": CLAIM_BY_REQUEST, "StartDate": a.isoformat(), "EndDate": after.isoformat()}
                cancels = {"SiteType": site.cancel_type, "CancelStatus": ALL_CANCELS, **dates}
                for row in await self._claim_list("/claim/v1/sa/Cancels", cancels, site, "취소"):
                    self._keep(found, self._claim(row, account, site, ClaimType.CANCEL, "CancelStatus"))
                for state in RETURN_STATES:
                    body = {"SiteType": site.order_type, "ReturnStatus": int(state), **dates}
                    for row in await self._claim_list("/claim/v1/sa/Returns", body, site, "반품"):
                        self._keep(found, self._claim(row, account, site, ClaimType.RETURN, "ReturnStatus", state))
                for state in EXCHANGE_ASKED[site.name]:  # [E 59] "4 : 교환완료 G마켓만)"
                    body = {"SiteType": site.order_type, "ExchangeStatus": int(state), **dates}
                    for row in await self._claim_list("/claim/v1/sa/Exchanges", body, site, "교환"):
                        self._keep(found, self._claim(row, account, site, ClaimType.EXCHANGE, "ExchangeStatus", state))
        return list(found.values())

    def _keep(self, found: dict[tuple[ClaimType, str], Claim], claim: Claim) -> None:
        found[(claim.kind, claim.claim_no)] = claim
        self._claim_sites()[claim.claim_no] = SITES[claim.site]

    @staticmethod
    def _claim(row: Mapping[str, Any], account: str, site: Site, kind: ClaimType, field: str, asked: str = "") -> Claim:
        """One claim row of [E 50/53/59]: ``status`` ours, ``shown`` the state in the guide's words, ``pickup`` the
        return's / exchange's 회수 courier and number (``PickupInfo.DeliveryCompName`` + ``InvoiceNo``, when ESM gives
        a number), ``line_no`` the order number (one ESM order number is one order line: [E 67])."""
        state = text(pick(row, field)) or asked
        states, words = CLAIM_STATES[kind]
        reason = CLAIM_REASONS.get(text(pick(row, "ReasonCode")), "")
        detail = text(pick(row, "ReasonDetail", "ResonDetail"))  # [E 53] table spells it "ResonDetail"
        order_no = text(pick(row, "OrderNo"))
        pickup = pick(row, "PickupInfo")
        number = text(pick(pickup, "InvoiceNo"))
        return Claim(
            market=MARKET,
            account=account,
            claim_no=order_no,  # every ESM claim call addresses the order number ([E 51/52/57/62])
            order_no=order_no,
            product_no=text(pick(row, "SiteGoodsNo")),
            product_name="",  # [E 50/53/59] give no product name
            kind=kind,
            status=states.get(state, ClaimStatus.REQUESTED),
            reason=" ".join(p for p in (reason, detail) if p),
            buyer="",  # [E 50/53/59] give no buyer name
            requested_at=stamp(pick(row, "RequestDate")),
            site=site.name,
            line_no=order_no,
            pickup=" ".join(p for p in (text(pick(pickup, "DeliveryCompName")), number) if p) if number else "",
            shown=words.get(state, f"상태 {state}" if state else ""),
        )

    def _claim_site(self, claim_no: str, site: str) -> Site:
        found = SITES.get(site) or self._claim_sites().get(claim_no)
        if found is None:
            raise Rejected(
                MARKET,
                f"G마켓·옥션 클레임 {claim_no}의 사이트(G마켓/옥션)를 모릅니다. 클레임을 다시 수집한 뒤 처리하세요.",
            )
        return found

    async def _claim_call(
        self,
        call: Call,
        site: Site,
        what: str,
        *,
        done: tuple[str, ...] = (),
        refusals: Mapping[str, str] | None = None,
        unclear: Mapping[str, str] | None = None,
        withdrawn: tuple[str, ...] = (),
    ) -> None:
        """One claim call: ResultCode 0 is done ([E 57] also "반품수거완료(환불대기)…" with 0). A message with any of
        ``done`` (or that 옥션 BizRuleCode) is AlreadyDone; one of ``withdrawn`` says the buyer withdrew; an ``unclear``
        one is a StateRefused (the claim may have been finished or withdrawn meanwhile: decide_claims reads it back);
        a ``refusals`` one a Rejected in our words."""
        answer = await self._send(call, site)
        code, message = result(answer)
        if succeeded(code):
            return
        rule = text(pick(answer, "BizRuleCode"))

        def says(words: str) -> bool:
            return words in message or words == rule

        if any(says(words) for words in done):
            raise AlreadyDone(MARKET, f"{site.label}: 이미 처리된 {what}입니다.", code=code)
        if any(says(words) for words in withdrawn):
            raise Rejected(MARKET, f"{site.label} {what}: {WITHDRAWN}", code=code)
        for words, said in (unclear or {}).items():
            if says(words):
                raise StateRefused(MARKET, f"{site.label} {what}: {said}", code=code)
        for words, said in (refusals or {}).items():
            if says(words):
                raise Rejected(MARKET, f"{site.label} {what}: {said}", code=code)
        raise self._failed(code, message, f"{site.label} {what}")

    async def approve_cancel(self, claim_no: str, *, order_no: str = "", line_no: str = "", site: str = "") -> None:
        """취소승인: [E 51] ``PUT /claim/v1/sa/Cancel/{OrderNo}`` ``{"SiteType": 1 옥션 | 2 G마켓}``. "이미 취소 승인
        되었습니다" (옥션 W8-2) is AlreadyDone, so a repeat is harmless (the client may resend it). "취소 승인 대상이
        없습니다" (G마켓: "취소승인 불가한 상태이거나 유효하지 않은 주문번호") and 옥션 W8-1 "취소 가능한 주문상태가
        아닙니다" / 1000 (no data) are StateRefused: withdrawn, cancelled by ESM after 24 h, or never asked."""
        where = self._claim_site(claim_no, site)
        call = Call("PUT", f"/claim/v1/sa/Cancel/{order_no or claim_no}", json={"SiteType": where.order_type})
        not_now = (
            "취소승인할 대상이 없습니다(철회되었거나 이미 처리되었을 수 있습니다). ESM+에서 주문 상태를 확인하세요."
        )
        await self._claim_call(
            call,
            where,
            f"취소승인(주문 {order_no or claim_no})",
            done=("이미 취소 승인", "W8-2"),
            unclear={"취소 승인 대상이 없습니다": not_now, "W8-1": not_now, "데이터 조회 실패": not_now},
        )

    async def reject_cancel(
        self, claim_no: str, courier_code: str, number: str, *, order_no: str = "", line_no: str = "", site: str = ""
    ) -> None:
        """ESM has no 취소거부 call ([E 51] "별도 취소거부 API 는 없습니다"): 발송처리 ([E 70]) rejects the request."""
        raise Rejected(
            MARKET,
            "G마켓·옥션(ESM)에는 취소거부 기능이 없습니다. 이미 발송했다면 ESM+에서 그 주문을 발송처리(송장 입력)하세요: "
            "ESM은 발송처리로 취소요청을 거부합니다. 아니면 처리를 승인으로 바꾸세요.",
        )

    async def cancel_sale(self, units: Sequence[Sequence[OrderLine]], reason: str) -> Outcomes:
        """판매취소 of each unit (one OrderNo), one call each (ESM has no batch call); ``reason`` by SALE_CANCEL_CALLS:
        ESM takes 품절 alone ([E 52] 일반 ``…/SoldOut``; "(제한) 비품절용" needs a right a selling tool does not have),
        so any other reason is refused per unit before anything is sent. An order cancelled already is done."""
        return await each_item(
            units,
            lambda u: self.shipment_key(u[0]),
            lambda u: self._cancel_sale(u, reason),
            self.client.settings.concurrency,
        )

    async def seller_cancel(self, lines: list[OrderLine], reason: str = "품절") -> None:
        """판매취소 of the orders of ``lines`` (``cancel_sale``), raising the first refusal (every order was tried)."""
        units = list({self.shipment_key(x): [x] for x in lines}.values())
        outcomes = await self.cancel_sale(units, reason)
        for unit in units:
            if (error := outcomes[self.shipment_key(unit[0])]) is not None:
                raise error

    async def _cancel_sale(self, lines: Sequence[OrderLine], reason: str) -> None:
        """판매취소(품절): [E 52] ``POST /claim/v1/sa/Cancel/{OrderNo}/SoldOut`` ``{"SiteType": 1 | 2}`` (not sent
        again by the client: a cancel is no read). [E 52]: the buyer is refunded and the product (or option) is set
        품절; only before 발송처리; an order with a buyer's cancel request is refused ("이미 취소 요청된 주문입니다",
        옥션 W28-1: approve it instead). "취소 가능한 주문상태가 아닙니다" (옥션 W8-1: "이미 취소완료된 주문건을 중복 호출했거나
        판매취소 가능한 상태가 아닌 주문건") is told apart by the order's cancel, [E 50] read by order number: one
        취소중/완료/직권환불/송금후취소 (2, 3, 5, 6) is done; otherwise the refusal stands (❓ docs/protocols/esm.md)."""
        line = lines[0]
        if SALE_CANCEL_CALLS.get(reason) is None:
            raise Rejected(
                MARKET,
                f"G마켓·옥션(ESM)은 판매취소 사유로 '품절'만 받습니다('{reason}'은(는) 보낼 수 없습니다). 팔 수 없는 "
                "상품이면 사유를 '품절'로 바꿔 다시 보내고(상품도 품절로 바뀝니다), 아니면 ESM+에서 처리하세요.",
            )
        where = self._site_of(line)
        what = f"판매취소(주문 {line.order_no})"
        call = Call(
            "POST",
            f"/claim/v1/sa/Cancel/{line.order_no}/{SALE_CANCEL_CALLS[reason]}",
            json={"SiteType": where.order_type},
            idempotent=False,
        )
        answer = await self._send(call, where)
        code, message = result(answer)
        if succeeded(code):
            return
        rule = text(pick(answer, "BizRuleCode"))
        asked = "구매자의 취소요청이 있는 주문입니다. 판매취소 대신 취소승인으로 처리하세요."
        if "이미 취소 요청된" in message or rule == "W28-1":
            raise Rejected(MARKET, f"{where.label} {what}: {asked}", code=code)
        if "취소 가능한 주문상태가 아닙니다" not in message and rule != "W8-1":
            raise self._failed(code, message, f"{where.label} {what}")
        state = await self._cancel_state(where, line.order_no)
        if state in CANCELLED:
            return
        if state == "1":
            raise Rejected(MARKET, f"{where.label} {what}: {asked}", code=code)
        raise Rejected(
            MARKET,
            f"{where.label} {what}: 취소할 수 있는 상태가 아닙니다(발송처리된 주문이거나 반품·교환 중일 수 있습니다). "
            "ESM+에서 주문 상태를 확인하세요.",
            code=code,
        )

    async def _cancel_state(self, site: Site, order_no: str) -> str:
        """The CancelStatus of ``order_no``'s cancel ("" when it has none): [E 50] ``POST /claim/v1/sa/Cancels`` by
        order number (``Type`` 0, ``OrderNo``, ``CancelStatus`` 0 전체). The table requires StartDate and EndDate
        for every Type: the last 6 days to tomorrow, the span of every other cancel list call (❓ the guide does not
        say whether they bound a look-up by number). 99999 "클레임정보가 없습니다" / "주문정보가 없습니다": none."""
        today = now_kst().date()
        body = {
            "SiteType": site.cancel_type,
            "CancelStatus": ALL_CANCELS,
            "Type": BY_ORDER_NO,
            "StartDate": (today - dt.timedelta(days=CLAIM_DAYS - 1)).isoformat(),
            "EndDate": (today + dt.timedelta(days=1)).isoformat(),
            "OrderNo": _number(order_no),
        }
        rows = await self._claim_list("/claim/v1/sa/Cancels", body, site, f"주문 {order_no} 취소")
        found = [text(pick(r, "CancelStatus")) for r in rows if text(pick(r, "OrderNo")) == order_no]
        return found[-1] if found else ""

    async def delay_shipping(self, lines: list[OrderLine], day: dt.date, reason: str, *, reason_type: int = 3) -> None:
        """발송예정일 등록 (발송지연): [E 69] ``POST /shipping/v1/Order/ShippingExpectedDate`` ``{OrderNo, ReasonType,
        ShippingExpectedDate "YYYY-MM-DD", ReasonDetail}``, once per order, for the 발송지연 work to use. [E 69]:
        ReasonType 1 상품준비중(재고 부족), 2 고객요청, 3 기타; the date from tomorrow (KST) and within 90 days;
        ReasonDetail "최대 한글 150자, 영문/숫자 300자" (300 bytes with 2 per Hangul, CP949); without it within the
        발송마감일 the seller is penalised. A repeat updates the date ("등록 및 갱신"), so it is safe to resend."""
        if reason_type not in DELAY_REASONS:
            known = ", ".join(f"{k} {v}" for k, v in DELAY_REASONS.items())
            raise Rejected(
                MARKET, f"G마켓·옥션 발송지연 사유코드 {reason_type}은(는) 없습니다. 다음 중에서 고르세요: {known}"
            )
        today = now_kst().date()
        if not today < day <= today + dt.timedelta(days=DELAY_DAYS):
            raise Rejected(
                MARKET,
                f"G마켓·옥션 발송예정일은 내일부터 {DELAY_DAYS}일 안이어야 합니다(지금 {day:%Y-%m-%d}). 날짜를 고쳐 주세요.",
            )
        if len(reason.encode("cp949", "replace")) > DELAY_DETAIL_BYTES:
            raise Rejected(MARKET, "G마켓·옥션 발송지연 사유는 한글 150자(영문·숫자 300자)까지입니다. 줄여 주세요.")
        for line in {(x.site, x.order_no): x for x in lines}.values():
            where = self._site_of(line)
            body = {
                "OrderNo": _number(line.order_no),
                "ReasonType": reason_type,
                "ShippingExpectedDate": f"{day:%Y-%m-%d}",
                "ReasonDetail": reason,
            }
            answer = await self._send(Call("POST", "/shipping/v1/Order/ShippingExpectedDate", json=body), where)
            code, message = result(answer)
            if not succeeded(code):
                raise self._failed(code, message, f"{where.label} 주문 {line.order_no} 발송예정일 등록")

    async def approve_return(self, claim_no: str, *, order_no: str = "", line_no: str = "", site: str = "") -> None:
        """반품승인: [E 57] ``PUT /claim/v1/sa/return/{orderNo}`` ``{"SiteType": 1 | 2}`` (releases a 보류, completes the
        pickup and refunds; ESM does not require the pickup to be complete first). 5800 "이미 수거완료된 건입니다." /
        "이미 환불된 건입니다." and 옥션 W18-1 are AlreadyDone (a repeat is harmless); W18-3 is a withdrawn return;
        5900 "반품 정보 조회 실패" (not a return), 옥션 W8-1 ([E 57]'s 옥션 sample) and 1000 are StateRefused."""
        where = self._claim_site(claim_no, site)
        call = Call("PUT", f"/claim/v1/sa/return/{order_no or claim_no}", json={"SiteType": where.order_type})
        not_now = (
            "반품 클레임 상태가 아닙니다(철회되었거나 이미 처리되었을 수 있습니다). ESM+에서 주문 상태를 확인하세요."
        )
        await self._claim_call(
            call,
            where,
            f"반품승인(주문 {order_no or claim_no})",
            done=("이미 수거완료", "이미 환불된", "W18-1"),
            withdrawn=("W18-3",),
            unclear={"반품 정보 조회 실패": not_now, "W8-1": not_now, "데이터 조회 실패": not_now},
        )

    async def reject_return(
        self, claim_no: str, code: str, reason: str, *, order_no: str = "", line_no: str = "", site: str = ""
    ) -> None:
        """ESM has no 반품거부 call; it has 반품보류 ([E 56]: the return stays open, released by 반품승인)."""
        raise Rejected(
            MARKET,
            "G마켓·옥션(ESM)에는 반품거부 기능이 없습니다. 반품을 받지 않으려면 ESM+에서 반품보류(반품배송비 청구, "
            "반품상품 미도착 등)로 두고 구매자·고객센터와 협의하세요.",
        )

    async def approve_exchange(
        self,
        claim_no: str,
        courier_code: str,
        number: str,
        *,
        order_no: str = "",
        line_no: str = "",
        site: str = "",
    ) -> None:
        """교환 재발송 송장: [E 62] ``POST /claim/v1/sa/exchange/{orderNo}/resend`` ``{"SiteType", "DeliveryCompCode"
        (int), "InvoiceNo"}`` ("교환 송장등록은 업데이트 가능합니다": the same data again is harmless). 옥션 W22-4 is a
        withdrawn exchange; W22-3 (not a return/exchange delivery) and G마켓 99999 "클레임 정보가 없습니다" are
        StateRefused."""
        where = self._claim_site(claim_no, site)
        if not courier_code.strip().isdigit():
            raise Rejected(MARKET, "이 택배사는 G마켓·옥션 택배사 코드가 없습니다. 다른 택배사를 고르세요.")
        body = {"SiteType": where.order_type, "DeliveryCompCode": int(courier_code), "InvoiceNo": number}
        bad_number = (
            f"송장번호 {number}이(가) 택배사(코드 {courier_code})에 맞지 않습니다. 택배사와 송장번호를 확인하세요."
        )
        not_now = (
            "교환 클레임 상태가 아닙니다(철회되었거나 이미 처리되었을 수 있습니다). ESM+에서 주문 상태를 확인하세요."
        )
        await self._claim_call(
            Call("POST", f"/claim/v1/sa/exchange/{order_no or claim_no}/resend", json=body),
            where,
            f"교환 재발송(주문 {order_no or claim_no})",
            withdrawn=("W22-4",),
            unclear={"W22-3": not_now, "클레임 정보가 없습니다": not_now, "데이터 조회 실패": not_now},
            refusals={
                "교환택배사가 존재하지 않습니다": f"ESM이 택배사 코드 {courier_code}을(를) 받지 않았습니다. 택배사를 확인하세요.",
                "W13-5": bad_number,
                "W22-6": bad_number,
            },
        )

    resend_exchange = approve_exchange

    async def reject_exchange(
        self, claim_no: str, code: str, reason: str, *, order_no: str = "", line_no: str = "", site: str = ""
    ) -> None:
        """ESM has no 교환거부 call; 교환보류 ([E 61]) is a restricted call ("별도 권한이 필요한 제한 API")."""
        raise Rejected(
            MARKET,
            "G마켓·옥션(ESM)에는 교환거부 기능이 없습니다. 교환을 받지 않으려면 ESM+에서 교환보류로 두거나 반품으로 "
            "전환하고 구매자·고객센터와 협의하세요.",
        )

    async def _release_hold(self, site: Site, order_no: str) -> None:
        """교환보류해제: [E 64] ``DELETE /claim/v1/sa/exchange/{orderNo}/hold`` ``{"SiteType": 2}`` — "G마켓 교환 보류
        주문은 교환 재발송 처리와 함께 보류 해제 처리 되어야 합니다. 옥션 주문 경우 교환 재발송 처리시 자동으로 보류
        해제 됩니다." (SiteType "2 : G마켓" alone). A repeat is read back by the caller."""
        await self._claim_call(
            Call("DELETE", f"/claim/v1/sa/exchange/{order_no}/hold", json={"SiteType": site.order_type}),
            site,
            f"교환보류 해제(주문 {order_no})",
        )

    # --- claim decisions (the claims workbook) -----------------------------------------------------

    # ESM has no refuse call for any claim: [E 51] "별도 취소거부 API 는 없습니다"; returns and exchanges have 보류
    # ([E 56], [E 61] restricted) but no 거부. A refusal is answered on its row (decide_claims).
    claim_reject_reasons: Mapping[ClaimType, tuple[str, ...]] = MappingProxyType({})
    # ESM has no refuse call at all ([E 51], [E 56], [E 61]): what to do instead, said on the row
    claim_refusal_words: Mapping[ClaimType, str] = MappingProxyType(
        {
            ClaimType.CANCEL: "G마켓·옥션(ESM)에는 취소거부 기능이 없습니다. 이미 발송했다면 ESM+에서 그 주문을 발송처리(송장 "
            "입력)하세요: ESM은 발송처리로 취소요청을 거부합니다(batch의 송장대량등록은 취소 요청이 있는 주문을 보내지 "
            "않습니다). 아니면 처리를 승인으로 바꾸세요.",
            ClaimType.RETURN: "G마켓·옥션(ESM)에는 반품거부 기능이 없습니다. 반품을 받지 않으려면 ESM+에서 반품보류(반품배송비 "
            "청구, 반품상품 미도착 등)로 두고 구매자·고객센터와 협의하세요.",
            ClaimType.EXCHANGE: "G마켓·옥션(ESM)에는 교환거부 기능이 없습니다. 교환을 받지 않으려면 ESM+에서 교환보류로 두거나 "
            "반품으로 전환하고 구매자·고객센터와 협의하세요.",
            ClaimType.REDELIVERY: "G마켓·옥션(ESM)에는 재배송 클레임 처리 기능이 없습니다. ESM+에서 처리하세요.",
        }
    )

    async def claim_now(self, claim: Claim) -> Claim | None:
        """The claim as ESM lists it now, read by its order number (``Type`` 0 with ``OrderNo``): 취소 [E 50] once
        (CancelStatus 0 전체), 반품 [E 53] per ReturnStatus 1–6 and 교환 [E 59] per ExchangeStatus (1–5 on G마켓, 4
        missing on 옥션: "교환완료 G마켓만") until its row is found (no "전체" there). The dates every Type requires
        are the claim's request day to the next (❓ docs/protocols/esm.md: the guide does not say whether they bound a
        look-up by number). None when ESM lists it under none of them (옥션 names no state to ask for a re-sent
        exchange)."""
        site = self._claim_site(claim.claim_no, claim.site)
        found = await self._claim_row(claim, site)
        if found is None:
            return None
        row, state = found
        return self._claim(row, claim.account, site, claim.kind, CLAIM_LISTS[claim.kind][1], state)

    async def _claim_row(self, claim: Claim, site: Site) -> tuple[Mapping[str, Any], str] | None:
        """(row, state) of ``claim`` as [E 50/53/59] list it by order number; a row requested when the claim was
        comes first, else the latest request of the order."""
        if claim.kind not in CLAIM_LISTS:
            return None
        path, field = CLAIM_LISTS[claim.kind]
        order_no = claim.order_no or claim.claim_no
        asked = (
            (str(ALL_CANCELS),)
            if claim.kind is ClaimType.CANCEL
            else (tuple(RETURN_STATES) if claim.kind is ClaimType.RETURN else EXCHANGE_ASKED[site.name])
        )
        day = _day(claim.requested_at)
        if day is None:  # no request time: the last 6 days to tomorrow, as every other look-up by number
            day = now_kst().date() - dt.timedelta(days=CLAIM_DAYS - 1)
            last = now_kst().date() + dt.timedelta(days=1)
        else:
            last = day + dt.timedelta(days=1)
        dates = {"Type": BY_ORDER_NO, "StartDate": day.isoformat(), "EndDate": last.isoformat()}
        rows: list[tuple[Mapping[str, Any], str]] = []
        for state in asked:
            body: dict[str, Any] = {
                "SiteType": site.cancel_type if claim.kind is ClaimType.CANCEL else site.order_type,
                field: int(state),
                **dates,
                "OrderNo": _number(order_no),
            }
            what = f"주문 {order_no} {claim.kind.value}"
            for row in await self._claim_list(path, body, site, what):
                if text(pick(row, "OrderNo")) == order_no:
                    rows.append((row, text(pick(row, field)) or ("" if claim.kind is ClaimType.CANCEL else state)))
            same = [r for r in rows if stamp(pick(r[0], "RequestDate")) == claim.requested_at]
            if same or (rows and not claim.requested_at):
                return (same or rows)[-1]
        return max(rows, key=lambda r: stamp(pick(r[0], "RequestDate"))) if rows else None

    async def decide_claims(self, decisions: Sequence[ClaimDecision]) -> Outcomes:
        """Each decision with ESM's own call, one order number at a time (ESM has no batch claim call): 취소 승인 [E 51],
        반품 승인 [E 57], 교환 승인 = 재발송 송장 [E 62] (+ [E 64] 보류 해제 on a held G마켓 exchange). ESM has no
        취소·반품·교환 거부 and no 재배송: those rows are refused in Korean, nothing sent. A withdrawn claim is refused
        without a call; ESM answering "already" is done; a refusal of the claim's state is read back ([E 50/53/59])
        and told apart: finished = done, withdrawn = refused with that reason, else ESM's refusal stands. The calls
        are safe to repeat: a second approve answers "이미 …", a resend updates the same invoice."""
        return await each_item(decisions, lambda d: d.key, self._decide, self.client.settings.concurrency)

    async def _decide(self, decision: ClaimDecision) -> None:
        claim = decision.claim
        site = self._claim_site(claim.claim_no, claim.site)
        keys = {"order_no": claim.order_no or claim.claim_no, "site": site.name}
        if claim.status is ClaimStatus.WITHDRAWN:
            raise Rejected(MARKET, self._withdrawn_words(claim, site, claim.shown))
        try:
            if claim.kind is ClaimType.CANCEL and decision.approve:
                await self.approve_cancel(claim.claim_no, **keys)
            elif claim.kind is ClaimType.CANCEL:
                await self.reject_cancel(claim.claim_no, decision.courier_code, decision.number, **keys)
            elif claim.kind is ClaimType.RETURN and decision.approve:
                await self.approve_return(claim.claim_no, **keys)
            elif claim.kind is ClaimType.RETURN:
                await self.reject_return(claim.claim_no, "", decision.reason, **keys)
            elif claim.kind is ClaimType.EXCHANGE and decision.approve:
                await self._approve_exchange(decision, site)
            elif claim.kind is ClaimType.EXCHANGE:
                await self.reject_exchange(claim.claim_no, "", decision.reason, **keys)
            else:
                raise Rejected(
                    MARKET,
                    f"G마켓·옥션(ESM)에는 {claim.kind.value} 클레임이 없습니다. ESM+에서 주문을 확인하세요.",
                )
        except AlreadyDone:
            return
        except StateRefused as refused:
            await self._settle(decision, site, refused)

    async def _approve_exchange(self, decision: ClaimDecision, site: Site) -> None:
        """[E 62] with the decision's invoice; a claim already re-sent is read back, never overwritten; a held G마켓
        exchange is released after the resend ([E 64])."""
        claim = decision.claim
        order_no = claim.order_no or claim.claim_no
        if not decision.courier_code.strip() or not decision.number.strip():
            raise Rejected(
                MARKET,
                f"{site.label} 주문 {order_no}: 교환 승인에는 다시 보내는 상품의 택배사와 송장번호가 필요합니다. "
                "택배사·송장번호 칸을 채운 뒤 다시 실행하세요.",
            )
        if claim.status is ClaimStatus.DONE:
            found = await self._claim_row(claim, site)
            if found is None or not self._resent_with(found[0], decision):
                raise Rejected(MARKET, self._resent_words(found[0] if found else None, site, order_no))
            return
        await self.approve_exchange(
            claim.claim_no, decision.courier_code, decision.number.strip(), order_no=order_no, site=site.name
        )
        if site is GMARKET and claim.shown == EXCHANGE_SHOWN[EXCHANGE_HELD]:
            try:
                await self._release_hold(site, order_no)
            except MarketError as error:
                now = await self._claim_row(claim, site)
                if now is None or now[1] == EXCHANGE_HELD:
                    raise Rejected(
                        MARKET,
                        f"G마켓 주문 {order_no}: 재발송 송장은 등록했지만 교환보류를 풀지 못했습니다({error.message}). "
                        "ESM+에서 보류를 해제하세요.",
                    ) from error

    async def _settle(self, decision: ClaimDecision, site: Site, refused: StateRefused) -> None:
        """ESM refused the call for the claim's state: read the claim back. Finished (the cancel done, the refund
        made, the exchange re-sent with this invoice) is done; withdrawn is refused with that reason; anything else
        (and a claim that cannot be read) keeps ESM's refusal."""
        claim = decision.claim
        try:
            found = await self._claim_row(claim, site)
        except MarketError:
            raise refused from None
        if found is None:
            raise refused
        row, state = found
        states, words = CLAIM_STATES[claim.kind]
        now = states.get(state)
        if now is ClaimStatus.WITHDRAWN:
            raise Rejected(MARKET, self._withdrawn_words(claim, site, words.get(state, "")), code=refused.code)
        if now is ClaimStatus.DONE:
            if claim.kind is not ClaimType.EXCHANGE or self._resent_with(row, decision):
                return
            raise Rejected(MARKET, self._resent_words(row, site, claim.order_no or claim.claim_no), code=refused.code)
        raise refused

    @staticmethod
    def _resent_with(row: Mapping[str, Any], decision: ClaimDecision) -> bool:
        """[E 59] ``ResendInfo.InvoiceNo`` is the decision's number (hyphens and spaces aside)."""
        held = re.sub(r"[\s-]", "", text(pick(pick(row, "ResendInfo"), "InvoiceNo")))
        return bool(held) and held == re.sub(r"[\s-]", "", decision.number)

    @staticmethod
    def _resent_words(row: Mapping[str, Any] | None, site: Site, order_no: str) -> str:
        resend = pick(row, "ResendInfo") if row is not None else None
        shown = " ".join(p for p in (text(pick(resend, "DeliveryCompName")), text(pick(resend, "InvoiceNo"))) if p)
        return (
            f"{site.label} 주문 {order_no}: 이미 재발송 처리된 교환입니다({'송장 ' + shown if shown else '송장 정보 없음'}). "
            "보내지 않았습니다. 송장을 고치려면 ESM+에서 고치세요."
        )

    @staticmethod
    def _withdrawn_words(claim: Claim, site: Site, shown: str) -> str:
        order_no = claim.order_no or claim.claim_no
        now = f"(ESM: {shown})" if shown else ""
        # [E 50] CancelStatus 4 취소철회 is also what a cancel request refused by 발송처리 ([E 51]/[E 70]) shows
        also = " 송장 등록으로 취소요청이 거부된 주문도 이렇게 보입니다." if claim.kind is ClaimType.CANCEL else ""
        return (
            f"구매자가 철회한 요청입니다{now}: {site.label} 주문 {order_no}의 {claim.kind.value}요청은 처리할 것이 "
            f"없습니다.{also}"
        )

    # --- CS --------------------------------------------------------------------------------------

    async def collect_inquiries(self, start: dt.datetime, end: dt.datetime, account: str) -> list[Inquiry]:
        """판매자문의 [E 47] ``POST /item/v1/communications/customer/bulletin-board`` and 긴급알리미 [E 43] ``POST
        /assist/v1/Selling/GetEmergencyInformList``, for each site with a token signed for that site alone (ssi
        "G:…" or "A:…": neither call names a site ❓), status 1 전체 by 접수일, 6 days a call (endDate = last
        day + 1: "당일 조회 시 시작일 +1일로 조회"). A board row's ``token`` travels in its inquiry_no."""
        out: dict[str, Inquiry] = {}
        for site in self.sites():
            for a, b in day_windows(start, end, CS_DAYS):
                dates = {"type": 1, "startDate": a.isoformat(), "endDate": (b + dt.timedelta(days=1)).isoformat()}
                body = {"qnaType": 3, "status": 1, **dates}  # [E 47] qnaType 3 전체 (G마켓 uses only this)
                answer = await self._send(
                    Call("POST", "/item/v1/communications/customer/bulletin-board", json=body), site
                )
                for row in self._rows(answer, site, "판매자문의", empty=NO_INQUIRIES):
                    found = self._board(row, account, site)
                    out[found.inquiry_no] = found
                answer = await self._send(
                    Call("POST", "/assist/v1/Selling/GetEmergencyInformList", json={"status": 1, **dates}), site
                )
                for row in self._rows(answer, site, "긴급알리미"):
                    found = self._alimi(row, account, site)
                    out[found.inquiry_no] = found
        return list(out.values())

    def _rows(self, answer: Any, site: Site, what: str, *, empty: str = "") -> list[Mapping[str, Any]]:
        """[E 47] answers a bare list (or ``{resultCode, message}``); [E 43] ``{ResultCode, Message, Data: [...]}``."""
        if isinstance(answer, list):
            return [r for r in answer if isinstance(r, Mapping)]
        code, message = result(answer)
        if not succeeded(code):
            if empty and empty in message:
                return []
            raise self._failed(code, message, f"{site.label} {what} 조회")
        rows = pick(answer, "Data") or []
        return [r for r in rows if isinstance(r, Mapping)] if isinstance(rows, list) else []

    @staticmethod
    def _board(row: Mapping[str, Any], account: str, site: Site) -> Inquiry:
        number, token = text(pick(row, "messageNo")), text(pick(row, "token"))
        contract = text(pick(row, "contractType"))
        order_no = text(pick(row, "orderNo"))
        return Inquiry(
            market=MARKET,
            account=account,
            inquiry_no=f"{BOARD}{site.name}:{number}",
            kind=next((kind for words, kind in INQUIRY_KINDS if words in contract), "기타"),
            product_no=text(pick(row, "siteGoodsNo")),
            order_no="" if order_no in ("0", "-") else order_no,  # [E 47] no order: 옥션 "0" / G마켓 "-"
            asked_at=stamp(pick(row, "receiveDate")),
            title=text(pick(row, "title")),
            body=text(pick(row, "details")),
            asker=text(pick(row, "inquirerName")),
            answered=text(pick(row, "informStatus")) == ANSWERED,
            address=f"{BOARD}{site.name}:{number}:{token}",  # the token stays in the ledger, out of workbooks
        )

    @staticmethod
    def _alimi(row: Mapping[str, Any], account: str, site: Site) -> Inquiry:
        """[E 43] gives no answer-by field: ``answer_by`` stays empty."""
        order_no = text(pick(row, "OrderNo"))
        return Inquiry(
            market=MARKET,
            account=account,
            inquiry_no=f"{ALIMI}{site.name}:{text(pick(row, 'EmerMessageNo'))}",
            kind="긴급알리미",
            product_no=text(pick(row, "SiteGoodsNo")),
            order_no="" if order_no == "0" else order_no,
            asked_at=stamp(pick(row, "ReceiveDate")),
            title=text(pick(row, "Title")),
            body=text(pick(row, "Details")),
            asker=f"{site.label} 고객센터",
            answered=text(pick(row, "InformStatus")) == ANSWERED,
        )

    @staticmethod
    def answer_problem(content: str) -> str | None:
        """Why ``content`` cannot be sent as an answer beyond its length in characters (the answer job checks it
        before sending and in a dry run): [E 47/48] "1,000byte 이내"."""
        size = utf8_len(content)
        if size > ANSWER_BYTES:
            return (
                f"G마켓·옥션 문의 답변은 {ANSWER_BYTES:,}바이트까지입니다(지금 {size:,}바이트, 한글 한 글자는 3바이트로 "
                "셉니다). 답변을 줄여 주세요."
            )
        return None

    async def answer(self, inquiry_no: str, content: str) -> None:
        """판매자문의: [E 48] ``POST /item/v1/communications/customer/bulletin-board/qna`` ``{title, messageNo,
        comments, token, answerStatus: 2}`` (≤ 1000 bytes; answers cannot be edited: [E 47/48] "답변 후 재답변
        하더라도 답변 수정이 불가"); 긴급알리미: [E 46] ``POST /assist/v1/Selling/AddEmergencyInformReply``
        ``{emerMessageNo, comments, answerStatus: 2}`` (100 "이미 처리 완료된 건입니다." is AlreadyDone)."""
        if inquiry_no.startswith(ALIMI):
            site_name, _, number = inquiry_no.removeprefix(ALIMI).partition(":")
            site = SITES.get(site_name)
            if site is None or not number.isdigit():
                raise Rejected(MARKET, f"G마켓·옥션 긴급알리미 번호 {inquiry_no}의 형식이 맞지 않습니다.")
            body: dict[str, Any] = {"emerMessageNo": number, "comments": content, "answerStatus": DONE}
            call = Call("POST", "/assist/v1/Selling/AddEmergencyInformReply", json=body, idempotent=False)
            answer = await self._send(call, site)
            code, message = result(answer)
            if succeeded(code):
                return
            if code == "100" or "이미 처리 완료" in message:
                raise AlreadyDone(MARKET, f"{site.label}: 이미 처리 완료된 긴급알리미입니다.", code=code)
            raise self._failed(code, message, f"{site.label} 긴급알리미 답변")
        parts = inquiry_no.removeprefix(BOARD).split(":", 2) if inquiry_no.startswith(BOARD) else []
        site = SITES.get(parts[0]) if len(parts) == 3 else None
        if site is None or not parts[1] or not parts[2]:
            raise Rejected(
                MARKET, f"G마켓·옥션 문의번호 {inquiry_no[:40]}의 형식이 맞지 않습니다. 문의를 다시 수집하세요."
            )
        if (problem := self.answer_problem(content)) is not None:
            raise Rejected(MARKET, problem)
        body = {
            "title": ANSWER_TITLE,
            "messageNo": parts[1],
            "comments": content,
            "token": parts[2],
            "answerStatus": DONE,
        }
        call = Call("POST", "/item/v1/communications/customer/bulletin-board/qna", json=body, idempotent=False)
        answer = await self._send(call, site)
        code, message = result(answer)
        if succeeded(code):
            return
        if "이미" in message and ("답변" in message or "처리" in message):  # ❓ the guide names no such answer
            raise AlreadyDone(
                MARKET, f"{site.label}: 이미 답변한 문의입니다(ESM은 답변을 고칠 수 없습니다).", code=code
            )
        if "삭제된 문의" in message:
            raise Rejected(MARKET, f"{site.label}: 구매자가 삭제한 문의라 답변할 수 없습니다.", code=code)
        if "token" in message:
            raise Rejected(
                MARKET, f"{site.label}: 문의 토큰이 맞지 않습니다. 문의를 다시 수집한 뒤 답변하세요.", code=code
            )
        raise self._failed(code, message, f"{site.label} 문의 답변")


def _day(requested_at: str) -> dt.date | None:
    """The day of a claim's ``requested_at`` ("2019-04-18 15:26:00"), or None."""
    try:
        return dt.date.fromisoformat(requested_at[:10])
    except ValueError:
        return None


def _number(order_no: str) -> int | str:
    """[E 67/70] OrderNo is a long: sent as a JSON number when it is one."""
    return int(order_no) if order_no.isdigit() else order_no
