"""11번가 orders, claims and Q&A (marketplaces-next.md §1.3–1.5), mixed into St11 (st11.py).

Sources as in st11.py: [G] the guide copy (``rumeadia-dotcom/ing0415`` ``docs/architecture/v1/features/11st-api/…``,
"G 1876" = apiSeq 1876), [S] samba-wave ``proxy/elevenst.py``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from xml.etree.ElementTree import Element

from batch.marketplaces import st11_xml as xml
from batch.marketplaces.base import Blocked, Call, MarketClient, MarketError, Rejected, each_item
from batch.marketplaces.types import Outcomes, Shipment
from batch.models import KST, Claim, ClaimStatus, ClaimType, Inquiry, Market, OrderLine, OrderStatus

MARKET = Market.ST11.value
ORDER_WINDOW = dt.timedelta(days=7)  # G 1876/1635: "조회 기간은 최대 7일"; −3105 when 8 days or more
CLAIM_WINDOW = dt.timedelta(days=30)  # G 1639/1643/1648: "조회기간은 최대 30(한달)일 단위로 가능합니다"
QNA_DAYS = 6  # G 1626: dates YYYYMMDD, "최대 7일" — start and end day both count
MINUTES = "%Y%m%d%H%M"  # G 1876 startTime/endTime "YYYYMMDDhhmm"
NO_DATA = "0"  # G 1876/1635: result_code 0 "조회된 결과가 없습니다. … 에러가 아닙니다."
ANSWER_LIMIT = 1000  # ❓ no limit in G 1885 (docs/protocols/st11.md, "Our readings")
# G 1634 발주확인 result codes
CONFIRMED_ALREADY = "-3206"  # "이미 발주 처리 되었거나, 발주 처리할 건이 없습니다."
CANCELLED = {"-3211": "주문취소된 주문건", "-3214": "취소처리중인 주문건"}
# G 1888 발송처리 result codes
SHIPPED_ALREADY = "-3308"  # "해당 배송번호는 이미 발송처리 되었습니다." (a bundle dlvNo is shipped once)
INVOICE_PROBLEMS = {
    "-3306": "송장번호가 택배사의 번호 규칙에 맞지 않습니다(택배사가 다르거나 번호가 틀림). 택배사와 송장번호를 확인하세요.",
    "-3320": "이미 다른 주문에 사용된 송장번호입니다. 송장번호를 확인하세요.",
    "-3307": "11번가가 택배사 코드를 받지 않았습니다. 택배사를 확인하세요.",
    "-3309": "이 배송번호는 이미 배송완료되었습니다.",
    "-3310": "주문 상태가 바뀌었습니다(취소신청 가능성이 큽니다). 11번가 판매자센터에서 확인하세요.",
    "-3313": "주문 상태가 이미 바뀌었습니다(취소·반품·배송중 등). 11번가 판매자센터에서 확인하세요.",
}
PARCEL = "01"  # G 1888 dlvMthdCd 01 택배
# G 1626 qnaDtlsCd -> our inquiry kinds
QNA_KINDS = {"01": "상품", "02": "배송", "03": "반품", "04": "교환", "05": "기타"}
# G 1643/1648 clmStat; 107/232 거부 and 108/233 철회 no longer hold an order (docs/protocols/st11.md "Our readings")
CLAIM_STATES = {
    "106": ClaimStatus.DONE,
    "107": ClaimStatus.WITHDRAWN,
    "108": ClaimStatus.WITHDRAWN,
    "221": ClaimStatus.DONE,
    "232": ClaimStatus.WITHDRAWN,
    "233": ClaimStatus.WITHDRAWN,
    "302": ClaimStatus.DONE,
}
CANCEL_STATES = {"01": ClaimStatus.REQUESTED, "02": ClaimStatus.DONE}  # G 1639 ordCnStatCd
NOTHING_FOUND = "해당 건이 없습니다"  # ❓ G 1639/1643/1648/1725 error example text with result_code −1


def windows(start: dt.datetime, end: dt.datetime, size: dt.timedelta) -> list[tuple[dt.datetime, dt.datetime]]:
    out = []
    while start < end:
        stop = min(start + size, end)
        out.append((start, stop))
        start = stop
    return out


def now_kst() -> dt.datetime:
    return dt.datetime.now(KST).replace(tzinfo=None)


class St11Orders:
    """The order, claim and Q&A jobs of one 11번가 account."""

    client: MarketClient
    answer_limit = ANSWER_LIMIT
    _add_products: dict[tuple[str, str], tuple[str, str]]  # (ordNo, ordPrdSeq) -> (addPrdYn, addPrdNo), as listed

    async def _send(self, call: Call, body: Element | None = None) -> Element:  # provided by St11
        raise NotImplementedError

    @staticmethod
    def _code(root: Element) -> tuple[str, str]:  # provided by St11
        raise NotImplementedError

    @staticmethod
    def _failed(code: str, text: str, *, write: bool = False) -> MarketError:  # provided by St11
        raise NotImplementedError

    async def _list(self, path: str, item: str, *, empty_text: bool = False) -> list[dict[str, str]]:
        """A list answer's items; result code 0 (and, with ``empty_text``, −1 "해당 건이 없습니다") = nothing."""
        root = await self._send(Call("GET", path))
        rows = [xml.record(n) for n in xml.find_all(root, item)]
        code, text = self._code(root)
        if rows or code in ("", NO_DATA) or (empty_text and NOTHING_FOUND in text):
            return rows
        raise self._failed(code, text)

    # --- orders ----------------------------------------------------------------------------------

    def _line(self, row: dict[str, str], account: str, status: OrderStatus) -> OrderLine:
        self._add_products[(row.get("ordNo", ""), row.get("ordPrdSeq", ""))] = (
            row.get("addPrdYn") or "N",
            row.get("addPrdNo") or "0",
        )
        address = " ".join(p for p in (row.get("rcvrBaseAddr"), row.get("rcvrDtlsAddr")) if p)
        message = row.get("ordDlvReqCont", "")
        return OrderLine(
            market=MARKET,
            account=account,
            order_no=row.get("ordNo", ""),
            delivery_no=row.get("dlvNo", ""),
            product_no=row.get("prdNo", ""),
            option_no=row.get("ordPrdSeq", ""),  # 주문순번: the line within the order, as G 1634 addresses it
            product_name=row.get("prdNm", ""),
            option_text=row.get("slctPrdOptNm", ""),
            qty=int(row.get("ordQty") or 0),
            price=int(row.get("ordAmt") or 0),
            ordered_at=row.get("ordDt", ""),
            status=status,
            buyer=row.get("ordNm", ""),
            buyer_phone=row.get("ordPrtblTel", ""),
            receiver=row.get("rcvrNm", ""),
            receiver_phone=row.get("rcvrPrtblNo") or row.get("rcvrTlphn", ""),
            zipcode=row.get("rcvrMailNo", ""),
            address=address,
            message="" if message == "null" else message,
        )

    async def collect_orders(self, start: dt.datetime, end: dt.datetime, account: str) -> list[OrderLine]:
        """결제완료 (G 1876 ``GET /rest/ordservices/complete/{start}/{end}``) as new, 배송준비중 (G 1635 ``GET
        /rest/ordservices/packaging/{start}/{end}``) as confirmed; windows of at most 7 days, YYYYMMDDhhmm."""
        lines: list[OrderLine] = []
        for a, b in windows(start, end, ORDER_WINDOW):
            span = f"{a.strftime(MINUTES)}/{b.strftime(MINUTES)}"
            for row in await self._list(f"/rest/ordservices/complete/{span}", "order"):
                lines.append(self._line(row, account, OrderStatus.NEW))
            for row in await self._list(f"/rest/ordservices/packaging/{span}", "order"):
                lines.append(self._line(row, account, OrderStatus.CONFIRMED))
        return lines

    @staticmethod
    def shipment_key(line: OrderLine) -> str:
        """11번가 ships a 배송번호 (dlvNo) at once: G 1888 "묶음 배송번호(dlv_no)를 한번만 호출 하여도 나머지 주문번호에
        해당하는 주문상태가 모두 발송처리 됩니다"."""
        return line.delivery_no

    async def confirm(self, units: Sequence[Sequence[OrderLine]]) -> Outcomes:
        """발주확인, per dlvNo (no batch call)."""
        return await each_item(
            units, lambda u: self.shipment_key(u[0]), self._confirm, self.client.settings.concurrency
        )

    async def _confirm(self, lines: Sequence[OrderLine]) -> None:
        """G 1634 ``GET /rest/ordservices/reqpackaging/{ordNo}/{ordPrdSeq}/{addPrdYn}/{addPrdNo|null}/{dlvNo}``, once
        per product of the dlvNo ("동일 배송번호(묶음배송)와 동일 상품번호 단위로 일괄 처리"). −3206 (done already, or
        an 추가구성상품 confirmed with its main product) is success; −3211/−3214 (cancelled / cancelling) a refusal the
        job holds."""
        firsts: dict[str, OrderLine] = {}
        for line in lines:
            firsts.setdefault(line.product_no, line)
        for line in firsts.values():
            add_yn, add_no = self._add_products.get((line.order_no, line.option_no), ("N", "0"))
            add = add_no if add_no not in ("", "0") else "null"
            path = f"/rest/ordservices/reqpackaging/{line.order_no}/{line.option_no}/{add_yn}/{add}/{line.delivery_no}"
            root = await self._send(Call("GET", path, idempotent=True))
            code, text = self._code(root)
            if code in ("0", CONFIRMED_ALREADY):
                continue
            if code in CANCELLED:  # held, not an error: the buyer cancelled (G 1634: freely before 발주확인)
                raise Blocked(
                    MARKET,
                    f"11번가 주문 {line.order_no}은(는) {CANCELLED[code]}입니다. 발주확인하지 않았고 송장도 보내지 않습니다.",
                    code=code,
                )
            raise self._failed(code, text)

    async def send_invoices(self, shipments: Sequence[Shipment]) -> Outcomes:
        """발송처리, one call per dlvNo (G 1888 has no batch call)."""
        return await each_item(shipments, lambda s: s.key, self._send_invoice, self.client.settings.concurrency)

    async def _send_invoice(self, shipment: Shipment) -> None:
        """G 1888 ``GET /rest/ordservices/reqdelivery/{sendDt}/{dlvMthdCd}/{dlvEtprsCd}/{invcNo}/{dlvNo}``, 택배 (01).
        −3308 (already shipped) is read back (G 1725 ``GET /rest/claimservice/orderlistalladdr/{ordNo}``): done when
        11번가 holds our invoice, else a refusal naming what it holds."""
        first = shipment.lines[0]
        if shipment.correct:
            raise Rejected(
                MARKET, "11번가 Open API에는 송장 수정이 없습니다. 11번가 판매자센터에서 송장을 고쳐 주세요."
            )
        if not shipment.courier_code:
            raise Rejected(
                MARKET, "이 택배사는 11번가 택배사 코드가 없습니다. 다른 택배사를 고르거나 판매자센터에서 처리하세요."
            )
        sent = now_kst().strftime(MINUTES)
        path = f"/rest/ordservices/reqdelivery/{sent}/{PARCEL}/{shipment.courier_code}/{shipment.number}/{shipment.key}"
        # A GET that changes state: resending after an unclear answer is answered −3308, which we read back.
        root = await self._send(Call("GET", path, idempotent=False))
        code, text = self._code(root)
        if code == "0":
            return
        if code == SHIPPED_ALREADY:
            held = await self._shipped_invoice(first.order_no, shipment.key)
            if held == (shipment.courier_code, shipment.number):
                return
            shown = f"택배사 {held[0]}, 송장 {held[1]}" if held else "송장 정보 없음"
            raise Rejected(
                MARKET,
                f"11번가 배송번호 {shipment.key}은(는) 이미 다른 송장으로 발송처리되었습니다({shown}).",
                code=code,
            )
        if code in INVOICE_PROBLEMS:
            raise Rejected(MARKET, f"11번가: {INVOICE_PROBLEMS[code]}", code=code)
        raise self._failed(code, text)

    async def _shipped_invoice(self, order_no: str, dlv_no: str) -> tuple[str, str] | None:
        """(dlvEtprsCd, invcNo) 11번가 holds for ``dlv_no`` (G 1725), or None."""
        rows = await self._list(f"/rest/claimservice/orderlistalladdr/{order_no}", "order", empty_text=True)
        for row in rows:
            if row.get("dlvNo") == dlv_no and row.get("invcNo"):
                return row.get("dlvEtprsCd", ""), row["invcNo"]
        return None

    # --- claims ----------------------------------------------------------------------------------

    async def collect_claims(
        self, start: dt.datetime, end: dt.datetime, account: str, *, latest: bool = False
    ) -> list[Claim]:
        """취소 (G 1639 ``claimservice/cancelorders``), 반품 (G 1643 ``returnorders``), 교환 (G 1648
        ``exchangeorders``), each ``/{start}/{end}`` YYYYMMDDhhmm in windows of at most 30 days. ``latest`` changes
        nothing: 11번가 names no settling delay."""
        found: dict[tuple[ClaimType, str, str], Claim] = {}
        for a, b in windows(start, end, CLAIM_WINDOW):
            span = f"{a.strftime(MINUTES)}/{b.strftime(MINUTES)}"
            for row in await self._list(f"/rest/claimservice/cancelorders/{span}", "order", empty_text=True):
                claim = self._claim(row, account, ClaimType.CANCEL, "ordPrdCnSeq")
                found[(claim.kind, claim.claim_no, claim.product_no)] = claim
            for path, kind in (("returnorders", ClaimType.RETURN), ("exchangeorders", ClaimType.EXCHANGE)):
                for row in await self._list(f"/rest/claimservice/{path}/{span}", "order", empty_text=True):
                    claim = self._claim(row, account, kind, "clmReqSeq")
                    found[(claim.kind, claim.claim_no, claim.product_no)] = claim
        return list(found.values())

    @staticmethod
    def _claim(row: dict[str, str], account: str, kind: ClaimType, number: str) -> Claim:
        if kind is ClaimType.CANCEL:
            status = CANCEL_STATES.get(row.get("ordCnStatCd", ""), ClaimStatus.REQUESTED)
            reason = " ".join(p for p in (row.get("ordCnRsnCd"), row.get("ordCnDtlsRsn")) if p)
            asked = row.get("createDt", "")
        else:
            state = row.get("clmStat", "")
            status = CLAIM_STATES.get(state, ClaimStatus.REQUESTED)
            if state.startswith("3"):  # 301 재배송접수 / 302 재배송완료
                kind = ClaimType.REDELIVERY
            reason = " ".join(p for p in (row.get("clmReqRsn"), row.get("clmReqCont")) if p)
            asked = row.get("reqDt", "")
        return Claim(
            market=MARKET,
            account=account,
            claim_no=row.get(number, ""),
            order_no=row.get("ordNo", ""),
            product_no=row.get("prdNo", ""),
            product_name=row.get("prdNm", "") or row.get("slctPrdOptNm", "") or row.get("optName", ""),
            kind=kind,
            status=status,
            reason=reason,
            buyer=row.get("ordNm", ""),
            requested_at=asked,
        )

    # --- Q&A ---------------------------------------------------------------------------------------

    async def collect_inquiries(self, start: dt.datetime, end: dt.datetime, account: str) -> list[Inquiry]:
        """G 1626 ``GET /rest/prodqnaservices/prodqnalist/{YYYYMMDD}/{YYYYMMDD}/02`` (02 = 미답변), at most 7 days a
        call. ``inquiry_no`` is ``{brdInfoNo}/{prdNo}``: the answer call needs both (G 1885)."""
        out: dict[str, Inquiry] = {}
        day, last = start.date(), end.date()
        while day <= last:
            stop = min(day + dt.timedelta(days=QNA_DAYS), last)
            path = f"/rest/prodqnaservices/prodqnalist/{day:%Y%m%d}/{stop:%Y%m%d}/02"
            for row in await self._list(path, "productQna"):
                number = f"{row.get('brdInfoNo', '')}/{row.get('brdInfoClfNo', '')}"
                out[number] = Inquiry(
                    market=MARKET,
                    account=account,
                    inquiry_no=number,
                    kind=QNA_KINDS.get(row.get("qnaDtlsCd", ""), "기타"),
                    product_no=row.get("brdInfoClfNo", ""),
                    order_no=row.get("ordNoDe", ""),
                    asked_at=row.get("createDt", "")[:19],
                    title=row.get("brdInfoSbjct", ""),
                    body=row.get("brdInfoCont", ""),
                    asker=row.get("memID", ""),
                    answered=row.get("answerYn") == "Y",
                )
            day = stop + dt.timedelta(days=1)
        return list(out.values())

    async def answer(self, inquiry_no: str, content: str) -> None:
        """G 1885 ``PUT /rest/prodqnaservices/prodqnaanswer/{brdInfoNo}/{prdNo}`` with
        ``<ProductQna><answerCont>…</answerCont></ProductQna>``; ClientMessage.resultCode 200. 11번가 updates an answer
        given before ("답변을 update 합니다"), so there is no "already answered"."""
        board, _, product = inquiry_no.partition("/")
        if not board or not product:
            raise Rejected(MARKET, f"11번가 문의번호 {inquiry_no}의 형식이 맞지 않습니다(글번호/상품번호).")
        body = xml.element("ProductQna", {"answerCont": content})
        root = await self._send(Call("PUT", f"/rest/prodqnaservices/prodqnaanswer/{board}/{product}"), body)
        code, text = self._code(root)
        if code != "200":
            raise self._failed(code, text)
