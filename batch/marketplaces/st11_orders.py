"""11번가 orders, claims and Q&A (marketplaces-next.md §1.3–1.5), mixed into St11 (st11.py).

Sources as in st11.py: [G] the guide copy (``rumeadia-dotcom/ing0415`` ``docs/architecture/v1/features/11st-api/…``,
"G 1876" = apiSeq 1876), [S] samba-wave ``proxy/elevenst.py``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import replace
from urllib.parse import quote
from xml.etree.ElementTree import Element

from batch.marketplaces import st11_xml as xml
from batch.marketplaces.base import (
    AlreadyDone,
    Blocked,
    Call,
    MarketClient,
    MarketError,
    Rejected,
    each_item,
    windows,
)
from batch.marketplaces.types import ClaimDecision, Outcomes, Shipment
from batch.models import Claim, ClaimStatus, ClaimType, Inquiry, Market, OrderLine, OrderStatus, now_kst
from batch.trade.couriers import CATALOGUE

MARKET = Market.ST11.value
ORDER_WINDOW = dt.timedelta(days=7)  # G 1876/1635: "조회 기간은 최대 7일"; −3105 when 8 days or more
CLAIM_WINDOW = dt.timedelta(days=30)  # G 1639/1643/1648: "조회기간은 최대 30(한달)일 단위로 가능합니다"
QNA_DAYS = 6  # G 1626: dates YYYYMMDD, "최대 7일" — start and end day both count
MINUTES = "%Y%m%d%H%M"  # G 1876 startTime/endTime "YYYYMMDDhhmm"
NO_DATA = "0"  # G 1876/1635: result_code 0 "조회된 결과가 없습니다. … 에러가 아닙니다."
# G 1876/1635 "최대 3,000건까지 조회 가능합니다"; G 1643/1648 "3000건 조회시 목록이 더 있을 수 있으니 기간을 단축하여
# 재조회해주시기 바랍니다": a window answering this many rows is split in half, down to MIN_SPAN (YYYYMMDDhhmm: a minute)
MAX_ROWS = 3000
MIN_SPAN = dt.timedelta(minutes=1)
ANSWER_LIMIT = 1000  # ❓ no limit in G 1885 (docs/protocols/st11.md, "Our readings")
# G 1634 발주확인 result codes
CONFIRMED_ALREADY = "-3206"  # "이미 발주 처리 되었거나, 발주 처리할 건이 없습니다."
CANCELLED = {"-3211": "주문취소된 주문건", "-3214": "취소처리중인 주문건"}
# G 1888 발송처리 result codes
SHIPPED_ALREADY = "-3308"  # "해당 배송번호는 이미 발송처리 되었습니다." (a bundle dlvNo is shipped once)
DELIVERED_ALREADY = "-3309"  # "해당 배송번호는 이미 배송완료 되었습니다. … 이미 배송중인 상태 입니다." — read back too
INVOICE_PROBLEMS = {
    "-3306": "송장번호가 택배사의 번호 규칙에 맞지 않습니다(택배사가 다르거나 번호가 틀림). 택배사와 송장번호를 확인하세요.",
    "-3320": "이미 다른 주문에 사용된 송장번호입니다. 송장번호를 확인하세요.",
    "-3307": "11번가가 택배사 코드를 받지 않았습니다. 택배사를 확인하세요.",
    "-3310": "주문 상태가 바뀌었습니다(취소신청 가능성이 큽니다). 11번가 판매자센터에서 확인하세요.",
    "-3313": "주문 상태가 이미 바뀌었습니다(취소·반품·배송중 등). 11번가 판매자센터에서 확인하세요.",
}
PARCEL = "01"  # G 1888 dlvMthdCd 01 택배
PART = "Y"  # G 1636 partDlvYn "Y : 부분발송"
# G 1636 부분발송 result codes beyond G 1888's
PART_PROBLEMS = {
    "-3321": "전세계배송 주문 중 중문11번가 주문건은 부분발송할 수 없습니다. 11번가 판매자센터에서 처리하세요."
}
# G 1626 qnaDtlsCd -> our inquiry kinds
QNA_KINDS = {"01": "상품", "02": "배송", "03": "반품", "04": "교환", "05": "기타"}
# 긴급알리미: G 1796 lists (YYYYMMDD, "기간:최대30일", −10004 beyond; start and end day both count), G 6982 answers
# (the PUT that replaced G 1869's GET, "2024/02/14 부로 사용이 중지")
ALIMI = "alimi:"  # our inquiry_no prefix: "alimi:{emerNtceSeq}"
ALIMI_DAYS = 29
# G 1796 emerNtceCrntCd: 01 미확인, 02 답변대기, 04 재답변요청 wait for the seller (S reads 01 and 02; 04 ❓ ours)
ALIMI_OPEN = ("01", "02", "04")
ALIMI_ANSWERED = ("03", "05", "06")  # G 1796: 답변완료, 재답변완료, 처리완료
ALIMI_KINDS = {"10": "긴급문의", "11": "긴급알림"}  # G 1796 emerNtceClfNo1
ALIMI_DONE = ("100", "200")  # G 6982: 100 공지 확인처리 성공, 200 답변처리 성공
ALIMI_ALREADY = "-10005"  # G 6982 "이미 처리된 알리미입니다." (S counts it as done too)
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
# G 1639 ordCnStatCd 01 취소요청 / 02 취소완료; 05 취소신청취소(철회완료) is G 1724's (the withdrawn cancels' list)
CANCEL_STATES = {"01": ClaimStatus.REQUESTED, "02": ClaimStatus.DONE, "05": ClaimStatus.WITHDRAWN}
# Claim.shown: the claim's state in 11번가's words, G 1639/1724 ordCnStatCd and G 1643/1648 clmStat
CANCEL_SHOWN = {"01": "취소요청", "02": "취소완료", "05": "취소신청취소(철회완료)"}
CLAIM_SHOWN = {
    "103": "재결제대기중",
    "104": "반품보류",
    "105": "반품신청",
    "106": "반품완료",
    "107": "반품거부",
    "108": "반품철회",
    "109": "반품완료보류",
    "201": "교환신청",
    "212": "교환승인",
    "214": "교환보류",
    "221": "교환발송완료",
    "232": "교환거부",
    "233": "교환철회",
    "301": "재배송접수",
    "302": "재배송완료",
}
# A cancel refused by G 1641 leaves G 1639 and is in no other cancel list; the line reads shipped in G 1725 (❓
# docs/protocols/st11.md "Our readings"): we show it in G 1641's own word
CANCEL_REFUSED = "취소거부"
# G 1725 ordPrdStat of a line that left the seller (401 발송완료, 501 배송완료, 601 클레임진행중, 901 수취확인, A01 반품완료)
LINE_SHIPPED = ("401", "501", "601", "901", "A01")
LINE_CANCELLING = "701"  # G 1725 701 취소처리중
# what each decision leaves the claim as, in 11번가's words (Claim.shown): (type, approve) -> state
DECIDED = {
    (ClaimType.CANCEL, True): CANCEL_SHOWN["02"],  # G 1640 → 취소완료
    (ClaimType.CANCEL, False): CANCEL_REFUSED,  # G 1641
    (ClaimType.RETURN, True): CLAIM_SHOWN["106"],  # G 1644 "반품을 완료" → 반품완료
    (ClaimType.RETURN, False): CLAIM_SHOWN["107"],  # G 1645 → 반품거부
    (ClaimType.EXCHANGE, True): CLAIM_SHOWN["221"],  # G 1649 "교환완료" with the re-send invoice → 교환발송완료
    (ClaimType.EXCHANGE, False): CLAIM_SHOWN["232"],  # G 1650 → 교환거부
}
# the buyer's withdrawals: G 1724 cancel 05, G 1647 반품철회 108, G 1652 교환철회 233
BUYER_WITHDREW = (CANCEL_SHOWN["05"], CLAIM_SHOWN["108"], CLAIM_SHOWN["233"])
# the claim lists collect_claims and claim_now read: (path, type, claim number field)
WITHDRAWN_CANCELS = "withdrawcanceledorders"  # G 1724 주문취소철회 완료 목록: every row is a withdrawn cancel (05)
CLAIM_LISTS = (
    ("cancelorders", ClaimType.CANCEL, "ordPrdCnSeq"),  # G 1639 주문취소 요청 목록
    (WITHDRAWN_CANCELS, ClaimType.CANCEL, "ordPrdCnSeq"),
    ("returnorders", ClaimType.RETURN, "clmReqSeq"),  # G 1643 반품 요청 목록
    ("exchangeorders", ClaimType.EXCHANGE, "clmReqSeq"),  # G 1648 교환 요청 목록
)
# G 1643/1648 dlvEtprsCd 수거택배사코드 -> the courier's name as staff know it (batch/trade/couriers.py, 11번가 codes)
COURIER_NAMES = {c.codes["11st"]: c.name for c in CATALOGUE if "11st" in c.codes}
# G 1638 판매불가 ordCnRsnCd
SELLER_CANCEL_REASONS = {
    "06": "배송 지연 예상",
    "07": "상품/가격 정보 잘못 입력",
    "08": "상품 품절(전체옵션)",
    "09": "옵션 품절(해당옵션)",
    "10": "고객변심",
    "99": "기타",
}
# 판매취소 reasons (types.SALE_CANCEL_REASONS, every one) -> G 1638 ordCnRsnCd (for a line of an option, without).
# 품절 is 09 옵션 품절(해당옵션) on a line naming an option (11번가 echoes its seller stock code or option name), 08 상품
# 품절(전체옵션) otherwise (❓ docs/protocols/st11.md "Our readings"). 10 고객변심 is never ours to send (G 1638: only
# with the buyer's consent; S: no longer offered).
SALE_CANCEL_CODES = {"품절": ("09", "08"), "배송지연": ("06", "06"), "가격오류": ("07", "07"), "기타": ("99", "99")}
# G 1638 −21004 / −21005 "판매불가 처리 가능한 주문이 아닙니다": the line is read back by G 1725 (ordPrdStat) to tell a
# line cancelled already (done) from one 11번가 will not cancel (❓ docs/protocols/st11.md "Our readings")
NOT_REFUSABLE = ("-21004", "-21005")
LINE_CANCELLED = ("B01", "C01")  # G 1725 ordPrdStat: B01 주문취소, C01 수취확인후주문취소
# G 1725 ordPrdStat of a line 판매불가 can no longer reach, and what staff do instead
LINE_NOT_CANCELLABLE = {
    "401": "이미 발송처리되었습니다. 판매취소할 수 없으니 구매자와 협의해 반품으로 처리하세요.",
    "501": "이미 배송완료되었습니다. 판매취소할 수 없으니 구매자와 협의해 반품으로 처리하세요.",
    "601": "반품·교환 클레임이 진행 중입니다. 11번가 판매자센터에서 확인하세요.",
    "701": "구매자의 취소신청이 진행 중입니다. 판매취소 대신 취소요청을 승인하세요.",
}
# G 1645 반품거부 / G 1650 교환거부 refsRsnCd
RETURN_REFUSALS = {"101": "반품 상품 미입고", "102": "고객 반품신청 철회 대행", "103": "반품 불가 상품", "104": "기타"}
EXCHANGE_REFUSALS = {
    "201": "교환 상품 미입고",
    "202": "고객 교환신청 철회 대행",
    "203": "교환 불가 상품",
    "204": "기타",
}
# 거부사유 labels (batch/importers/claims.py REJECT_REASONS, as staff pick them) -> refsRsnCd. G 1641 취소거부 takes no
# reason code: it is only "이미 배송하였거나 …" with the shipment's invoice. G 1645 (101 반품 상품 미입고, 102 고객
# 반품신청 철회 대행, 103 반품 불가 상품, 104 기타) and G 1650 (201–204 alike): the label goes as refsRsn, the text the
# buyer gets by SMS and e-mail; labels with no code of their own go as 104/204 기타 (❓ docs/protocols/st11.md)
CANCEL_REFUSAL = "이미 발송함"
RETURN_REFUSAL_CODES = {
    "반품 상품 미도착": "101",
    "고객과 협의함": "102",
    "상품 훼손·사용 흔적": "103",
    "구성품 누락": "103",
    "고객 귀책 아님(상품 이상 없음)": "104",
    "반품 기한 지남": "104",
    "기타": "104",
}
EXCHANGE_REFUSAL_CODES = {
    "반품 상품 미도착": "201",
    "고객과 협의함": "202",
    "상품 훼손·사용 흔적": "203",
    "구성품 누락": "203",
    "교환 상품 품절": "203",
    "고객 귀책 아님(상품 이상 없음)": "204",
    "반품 기한 지남": "204",
    "기타": "204",
}
CLAIM_SLACK = dt.timedelta(minutes=1)  # claim_now's window starts a minute before the request (YYYYMMDDhhmm)
# Result codes of the claim calls (G 1638, 1640, 1641, 1644, 1645, 1649, 1650) we word for the seller
CLAIM_REFUSALS = {
    "-21002": "11번가가 주문번호를 모릅니다.",
    "-21003": "11번가가 주문순번을 모릅니다.",
    "-21004": "판매불가 처리할 수 있는 주문이 아닙니다(이미 취소·발송되었을 수 있습니다). 판매자센터에서 확인하세요.",
    "-21005": "판매불가 처리할 수 있는 주문이 아닙니다(이미 취소·발송되었을 수 있습니다). 판매자센터에서 확인하세요.",
    "-22002": "11번가가 주문번호를 모릅니다.",
    "-22003": "11번가가 주문순번을 모릅니다.",
    "-22004": "11번가가 취소 클레임번호를 모릅니다.",
    "-23002": "11번가가 취소 클레임번호를 모릅니다.",
    "-23003": "발송일이 맞지 않습니다.",
    "-23005": "송장번호가 10자리 이하입니다. 송장번호를 확인하세요.",
    "-23006": "11번가가 택배사 코드를 받지 않았습니다. 택배사를 확인하세요.",
    "-23007": "취소신청 정보가 없습니다(구매자가 철회했거나 이미 처리되었을 수 있습니다). 판매자센터에서 확인하세요.",
    "-23009": "해외배송 상품은 취소거부할 수 없습니다.",
    "-24004": "11번가가 반품 클레임번호를 모릅니다.",
    "-24005": "11번가에 반품 정보가 없습니다.",
    "-24006": "반품 신청·접수 상태가 아니어서 반품승인할 수 없습니다(이미 완료·철회되었을 수 있습니다).",
    "-24007": "반품 신청·접수 상태가 아니어서 반품승인할 수 없습니다(이미 완료·철회되었을 수 있습니다).",
    "-25004": "11번가가 반품 클레임번호를 모릅니다.",
    "-25005": "11번가에 반품 정보가 없습니다.",
    "-26004": "11번가가 교환 클레임번호를 모릅니다.",
    "-26005": "11번가에 교환 정보가 없습니다.",
    "-26006": "교환신청 상태가 아니어서 교환거부할 수 없습니다(이미 처리·철회되었을 수 있습니다).",
    "-26007": "해외배송 상품은 교환거부할 수 없습니다.",
    "-27004": "11번가가 교환 클레임번호를 모릅니다.",
    "-27006": "11번가가 택배사 코드를 받지 않았습니다. 택배사를 확인하세요.",
    "-27007": "11번가에 교환 정보가 없습니다.",
    "-27008": "교환신청 상태가 아니어서 교환승인할 수 없습니다(이미 처리·철회되었을 수 있습니다).",
    "-27009": "해외배송 상품은 교환승인할 수 없습니다.",
}
# refusals of what we sent (date, method, courier, number), not of the claim's state: not read back
INPUT_REFUSALS = ("-23003", "-23004", "-23005", "-23006", "-27005", "-27006")
CANCELLED_ALREADY = "이미 취소 완료"  # G 1640 error example: −1 "이미 취소 완료된 신청건 입니다."
NOTHING_FOUND = "해당 건이 없습니다"  # ❓ G 1639/1643/1648/1725 error example text with result_code −1


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

    async def _window(
        self, base: str, start: dt.datetime, end: dt.datetime, item: str, *, empty_text: bool = False
    ) -> list[dict[str, str]]:
        """``{base}/{start}/{end}`` (YYYYMMDDhhmm). An answer of 3,000 rows may be cut (G 1876/1635 "최대 3,000건까지
        조회"; G 1643/1648 "3000건 조회시 목록이 더 있을 수 있으니 기간을 단축하여 재조회"): the window is asked again
        as two halves, down to a minute, and the rows of both are returned once."""
        rows = await self._list(
            f"{base}/{start.strftime(MINUTES)}/{end.strftime(MINUTES)}", item, empty_text=empty_text
        )
        if len(rows) < MAX_ROWS:
            return rows
        if end - start <= MIN_SPAN:
            raise Rejected(
                MARKET,
                f"11번가가 {start:%Y-%m-%d %H:%M}~{end:%H:%M} 한 구간에만 {MAX_ROWS:,}건 이상을 답했습니다. 더 나눌 수 "
                "없어 일부가 빠질 수 있으니 11번가 판매자센터에서 확인하세요.",
            )
        middle = start + ((end - start) / 2)
        middle = middle.replace(second=0, microsecond=0)
        out: dict[tuple[tuple[str, str], ...], dict[str, str]] = {}
        for a, b in ((start, middle), (middle, end)):  # both ends count: a row of the middle minute comes twice
            for row in await self._window(base, a, b, item, empty_text=empty_text):
                out.setdefault(tuple(sorted(row.items())), row)
        return list(out.values())

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
            # G 1876/1635 sellerStockCd 판매자 재고번호: the colSellerStockCd we sent (our option number, G 1003)
            option_code=row.get("sellerStockCd", ""),
        )

    async def collect_orders(self, start: dt.datetime, end: dt.datetime, account: str) -> list[OrderLine]:
        """결제완료 (G 1876 ``GET /rest/ordservices/complete/{start}/{end}``) as new, 배송준비중 (G 1635 ``GET
        /rest/ordservices/packaging/{start}/{end}``) as confirmed; windows of at most 7 days, YYYYMMDDhhmm."""
        lines: dict[tuple[str, str, OrderStatus], OrderLine] = {}  # windows share their boundary minute
        for a, b in windows(start, end, ORDER_WINDOW):
            for path, status in (("complete", OrderStatus.NEW), ("packaging", OrderStatus.CONFIRMED)):
                for row in await self._window(f"/rest/ordservices/{path}", a, b, "order"):
                    found = self._line(row, account, status)
                    lines.setdefault((found.order_no, found.option_no, status), found)
        return list(lines.values())

    @staticmethod
    def shipment_key(line: OrderLine) -> str:
        """11번가 ships a 배송번호 (dlvNo) at once: G 1888 "묶음 배송번호(dlv_no)를 한번만 호출 하여도 나머지 주문번호에
        해당하는 주문상태가 모두 발송처리 됩니다"."""
        return line.delivery_no

    # 부분발송 (G 1636 ``order/dispatch-1636.md``: "묶음 주문상품을 한번에 발송처리 하지 못할 경우에만 사용"):
    # different numbers on the rows of one dlvNo (same courier) ship each line under its own number.
    several_numbers = "lines"

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
        """발송처리, one call per dlvNo (G 1888 has no batch call); a shipment with ``line_numbers`` one 부분발송 call
        per line (G 1636)."""
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
        if shipment.line_numbers:  # the lines ship apart, each under its own number (G 1636)
            for line, number in zip(shipment.lines, shipment.line_numbers, strict=True):
                await self._send_part(shipment, line, number, sent)
            return
        path = f"/rest/ordservices/reqdelivery/{sent}/{PARCEL}/{shipment.courier_code}/{shipment.number}/{shipment.key}"
        # A GET that changes state: resending after an unclear answer is answered −3308, which we read back.
        root = await self._send(Call("GET", path, idempotent=False))
        code, text = self._code(root)
        if code == "0":
            return
        if code in (SHIPPED_ALREADY, DELIVERED_ALREADY):  # G 1888 −3308 발송처리됨 / −3309 배송중·배송완료
            held = await self._shipped_invoice(first.order_no, shipment.key)
            if held == (shipment.courier_code, shipment.number):
                return
            shown = f"택배사 {held[0]}, 송장 {held[1]}" if held else "송장 정보 없음"
            state = "발송처리" if code == SHIPPED_ALREADY else "배송중·배송완료 처리"
            raise Rejected(
                MARKET,
                f"11번가 배송번호 {shipment.key}은(는) 이미 다른 송장으로 {state}되었습니다({shown}). 11번가 "
                "판매자센터에서 송장을 확인하고, 맞는 송장이면 이 행을 강제완료로 표시하세요.",
                code=code,
            )
        if code in INVOICE_PROBLEMS:
            raise Rejected(MARKET, f"11번가: {INVOICE_PROBLEMS[code]}", code=code)
        raise self._failed(code, text)

    async def _send_part(self, shipment: Shipment, line: OrderLine, number: str, sent: str) -> None:
        """부분발송 of one line: G 1636 ``GET /rest/ordservices/reqdelivery/{sendDt}/{dlvMthdCd}/{dlvEtprsCd}/{invcNo}/
        {dlvNo}/{partDlvYn}/{ordNo}/{ordPrdSeq}``, 택배 (01), partDlvYn Y. Result codes as G 1888's (G 1636 lists the
        same, and −3321 중문11번가). −3308/−3309 is read back for the line (G 1725): done when 11번가 holds this
        line's number, so a unit left half shipped by a failure is finished by running again."""
        code_no, seq = shipment.courier_code, line.option_no
        path = (
            f"/rest/ordservices/reqdelivery/{sent}/{PARCEL}/{code_no}/{number}/{shipment.key}/{PART}/"
            f"{line.order_no}/{seq}"
        )
        root = await self._send(Call("GET", path, idempotent=False))  # state-changing GET, as G 1888
        code, text = self._code(root)
        if code == "0":
            return
        which = f"11번가 주문 {line.order_no}-{seq}(배송번호 {shipment.key})"
        if code in (SHIPPED_ALREADY, DELIVERED_ALREADY):
            held = await self._shipped_invoice(line.order_no, shipment.key, seq)
            if held == (code_no, number):
                return
            shown = f"택배사 {held[0]}, 송장 {held[1]}" if held else "송장 정보 없음"
            raise Rejected(
                MARKET,
                f"{which}은(는) 이미 다른 송장으로 발송처리되었습니다({shown}). 11번가 판매자센터에서 송장을 확인하고, "
                "맞는 송장이면 이 행을 강제완료로 표시하세요.",
                code=code,
            )
        if code in INVOICE_PROBLEMS or code in PART_PROBLEMS:
            words = INVOICE_PROBLEMS.get(code) or PART_PROBLEMS[code]
            raise Rejected(MARKET, f"{which} 부분발송: {words}", code=code)
        raise self._failed(code, text)

    async def _shipped_invoice(self, order_no: str, dlv_no: str, seq: str = "") -> tuple[str, str] | None:
        """(dlvEtprsCd, invcNo) 11번가 holds for ``dlv_no`` (G 1725; with ``seq``, for that ordPrdSeq), or None."""
        rows = await self._list(f"/rest/claimservice/orderlistalladdr/{order_no}", "order", empty_text=True)
        for row in rows:
            if row.get("dlvNo") == dlv_no and row.get("invcNo") and (not seq or row.get("ordPrdSeq") == seq):
                return row.get("dlvEtprsCd", ""), row["invcNo"]
        return None

    # --- claims ----------------------------------------------------------------------------------

    async def collect_claims(
        self, start: dt.datetime, end: dt.datetime, account: str, *, latest: bool = False
    ) -> list[Claim]:
        """취소 (G 1639 ``claimservice/cancelorders``, then the buyer's withdrawn cancels, G 1724
        ``withdrawcanceledorders``), 반품 (G 1643 ``returnorders``), 교환 (G 1648 ``exchangeorders``), each
        ``/{start}/{end}`` YYYYMMDDhhmm in windows of at most 30 days. ``latest`` changes nothing: 11번가 names no
        settling delay."""
        found: dict[tuple[ClaimType, str, str], Claim] = {}
        for a, b in windows(start, end, CLAIM_WINDOW):
            for path, kind, number in CLAIM_LISTS:
                for row in await self._window(f"/rest/claimservice/{path}", a, b, "order", empty_text=True):
                    claim = self._claim(_listed(row, path), account, kind, number)
                    found[(claim.kind, claim.claim_no, claim.product_no)] = claim
        return list(found.values())

    def _claim(self, row: dict[str, str], account: str, kind: ClaimType, number: str) -> Claim:
        """One claim row of G 1639/1724 (cancels) or G 1643/1648 (returns, exchanges; clmStat 3xx is a 재배송).
        ``line_no`` is ``ordPrdSeq`` (every claim call of the guide names the line); ``pickup`` the 수거택배사 and
        수거송장번호 (G 1643/1648 ``dlvEtprsCd``, ``twPrdInvcNo``); ``shown`` the state in 11번가's words."""
        pickup = ""
        if kind is ClaimType.CANCEL:
            state = row.get("ordCnStatCd", "")
            status = CANCEL_STATES.get(state, ClaimStatus.REQUESTED)
            shown = CANCEL_SHOWN.get(state, state)
            reason = " ".join(p for p in (row.get("ordCnRsnCd"), row.get("ordCnDtlsRsn")) if p)
            asked = row.get("createDt", "")
        else:
            state = row.get("clmStat", "")
            status = CLAIM_STATES.get(state, ClaimStatus.REQUESTED)
            shown = CLAIM_SHOWN.get(state, state)
            if state.startswith("3"):  # 301 재배송접수 / 302 재배송완료
                kind = ClaimType.REDELIVERY
            reason = " ".join(p for p in (row.get("clmReqRsn"), row.get("clmReqCont")) if p)
            asked = row.get("reqDt", "")
            number_back = _value(row.get("twPrdInvcNo"))
            if number_back:
                code = _value(row.get("dlvEtprsCd"))
                pickup = f"{COURIER_NAMES.get(code, f'택배사코드 {code}' if code else '')} {number_back}".strip()
        claim = Claim(
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
            line_no=row.get("ordPrdSeq", ""),
            pickup=pickup,
            shown=shown,
        )
        self._claim_refs()[claim.claim_no] = (claim.order_no, claim.line_no)
        return claim

    async def claim_now(self, claim: Claim) -> Claim | None:
        """The claim as 11번가 lists it now. 11번가 has no claim detail call: the claim's own list (G 1639 cancels, then
        G 1724 withdrawn cancels; G 1643 returns; G 1648 exchanges and 재배송) from a minute before its request time,
        30 days at most (the lists' limit) and never past now. A cancel in neither list is read on its order line
        (G 1725 ``orderlistalladdr/{ordNo}``): shipped = refused by G 1641 (취소거부), 주문취소 = completed, 취소처리중 =
        still requested (❓ docs/protocols/st11.md "Our readings"). None when 11번가 shows it nowhere."""
        start, end = _around(claim.requested_at)
        lists = [x for x in CLAIM_LISTS if x[1] is claim.kind]
        if claim.kind is ClaimType.REDELIVERY:  # G 1648 and G 1643 both name clmStat 301/302: exchanges first
            lists = [x for kind in (ClaimType.EXCHANGE, ClaimType.RETURN) for x in CLAIM_LISTS if x[1] is kind]
        for path, kind, number in lists:
            base = f"/rest/claimservice/{path}/{start.strftime(MINUTES)}/{end.strftime(MINUTES)}"
            for row in await self._list(base, "order", empty_text=True):
                if row.get(number) == claim.claim_no and (not claim.order_no or row.get("ordNo") == claim.order_no):
                    found = self._claim(_listed(row, path), claim.account, kind, number)
                    return replace(found, product_name=found.product_name or claim.product_name, site=claim.site)
        if claim.kind is ClaimType.CANCEL:
            return await self._cancel_on_line(claim)
        return None

    async def _cancel_on_line(self, claim: Claim) -> Claim | None:
        """A cancel neither G 1639 nor G 1724 lists, by its line's G 1725 ``ordPrdStat``."""
        order_no, line_no = claim.order_no, claim.line_no or self._claim_refs().get(claim.claim_no, ("", ""))[1]
        if not order_no or not line_no:
            return None
        rows = await self._list(f"/rest/claimservice/orderlistalladdr/{order_no}", "order", empty_text=True)
        state = next((r.get("ordPrdStat", "") for r in rows if r.get("ordPrdSeq") == line_no), "")
        if state in LINE_SHIPPED:
            return replace(claim, line_no=line_no, status=ClaimStatus.WITHDRAWN, shown=CANCEL_REFUSED)
        if state in LINE_CANCELLED:
            return replace(claim, line_no=line_no, status=ClaimStatus.DONE, shown=CANCEL_SHOWN["02"])
        if state == LINE_CANCELLING:
            return replace(claim, line_no=line_no, status=ClaimStatus.REQUESTED, shown=CANCEL_SHOWN["01"])
        return None

    # --- claim decisions (the claims workbook) -------------------------------------------------------

    claim_reject_reasons: Mapping[ClaimType, tuple[str, ...]] = {
        ClaimType.CANCEL: (CANCEL_REFUSAL,),
        ClaimType.RETURN: tuple(RETURN_REFUSAL_CODES),
        ClaimType.EXCHANGE: tuple(EXCHANGE_REFUSAL_CODES),
    }

    async def decide_claims(self, decisions: Sequence[ClaimDecision]) -> Outcomes:
        """Each decision by its own call (no batch call), keyed by ``ClaimDecision.key``: 취소 승인 G 1640, 취소 거부
        G 1641 (택배, the shipment's courier and number), 반품 승인 G 1644, 반품 거부 G 1645, 교환 승인 G 1649 (the
        re-sent goods' courier and number), 교환 거부 G 1650; 재배송 has no call. None of them is resent by itself
        (``_claim_call``). A claim the decision finds closed, or a refusal of the call, is read back
        (``claim_now``): done when 11번가 shows the state the decision leads to, a Rejected naming what it shows
        otherwise (the buyer's withdrawal in its own words)."""
        return await each_item(decisions, lambda d: d.key, self._decide, self.client.settings.concurrency)

    async def _decide(self, decision: ClaimDecision) -> None:
        send = self._decision_call(decision)  # refuses what cannot be sent before anything is read
        claim = decision.claim
        if claim.status is not ClaimStatus.REQUESTED:  # closed as we hold it: 11번가 says whether it still is
            now = await self.claim_now(claim)
            if now is None or now.status is not ClaimStatus.REQUESTED:
                self._in_effect(decision, now, None)
                return
            claim = now
        try:
            await send(claim)
        except AlreadyDone:  # G 1640 −1 "이미 취소 완료된 신청건 입니다.": the approval holds
            return
        except Rejected as exc:
            if not exc.code or exc.code in INPUT_REFUSALS:
                raise
            now = await self.claim_now(claim)
            if now is None or now.status is ClaimStatus.REQUESTED:
                raise
            self._in_effect(decision, now, exc)

    def _decision_call(self, decision: ClaimDecision) -> Callable[[Claim], Awaitable[None]]:
        """The call that sends ``decision`` on a claim (the claim's order and line as 11번가 lists them now)."""
        kind, approve = decision.claim.kind, decision.approve
        which = f"11번가 {kind.value} {'승인' if approve else '거부'}"
        if kind is ClaimType.REDELIVERY:
            raise Rejected(MARKET, "11번가 Open API에는 재배송 처리 기능이 없습니다. 11번가 판매자센터에서 처리하세요.")
        if not approve:
            labels = self.claim_reject_reasons[kind]
            if decision.reason not in labels:
                given = f" ('{decision.reason}'은(는) 받지 않습니다.)" if decision.reason else ""
                raise Rejected(MARKET, f"{which}: 거부사유를 다음 중에서 고르세요: {', '.join(labels)}.{given}")
        needs_invoice = {
            (ClaimType.CANCEL, False): "이미 발송한 주문의 취소 거부에는 보낸 상품의 택배사와 송장번호가 필요합니다.",
            (ClaimType.EXCHANGE, True): "교환 승인에는 다시 보내는 상품의 택배사와 송장번호가 필요합니다.",
        }.get((kind, approve))
        if needs_invoice and not (decision.courier_code and decision.number):
            raise Rejected(MARKET, f"{which}: {needs_invoice} 택배사·송장번호 칸을 채워 다시 실행하세요.")
        courier, number = decision.courier_code, decision.number
        if kind is ClaimType.CANCEL and approve:
            return lambda c: self.approve_cancel(c.claim_no, order_no=c.order_no, line_no=c.line_no)
        if kind is ClaimType.CANCEL:
            return lambda c: self.reject_cancel(c.claim_no, courier, number, order_no=c.order_no, line_no=c.line_no)
        if kind is ClaimType.RETURN and approve:
            return lambda c: self.approve_return(c.claim_no, order_no=c.order_no, line_no=c.line_no)
        if kind is ClaimType.RETURN:
            code = RETURN_REFUSAL_CODES[decision.reason]
            return lambda c: self.reject_return(
                c.claim_no, code, decision.reason, order_no=c.order_no, line_no=c.line_no
            )
        if approve:
            return lambda c: self.approve_exchange(c.claim_no, courier, number, order_no=c.order_no, line_no=c.line_no)
        code = EXCHANGE_REFUSAL_CODES[decision.reason]
        return lambda c: self.reject_exchange(c.claim_no, code, decision.reason, order_no=c.order_no, line_no=c.line_no)

    @staticmethod
    def _in_effect(decision: ClaimDecision, now: Claim | None, refusal: Rejected | None) -> None:
        """Nothing more to send: done when 11번가 shows what ``decision`` leads to; otherwise why not, in Korean."""
        kind = decision.claim.kind
        asked, object_ = ("승인", "승인을") if decision.approve else ("거부", "거부를")
        sent = "11번가가 받지 않았습니다" if refusal else "보내지 않았습니다"
        code = refusal.code if refusal else None
        if now is None:
            raise Rejected(
                MARKET,
                f"11번가에서 이 {kind.value} 클레임을 찾지 못해 {sent}. 클레임을 다시 수집해 확인하세요.",
                code=code,
            )
        if now.shown == DECIDED[(kind, decision.approve)]:
            return
        if now.shown in BUYER_WITHDREW:
            raise Rejected(
                MARKET,
                f"구매자가 철회한 요청입니다(11번가: {now.shown}). {asked}할 것이 없어 {sent}. 이 행은 더 처리하지 "
                "않아도 됩니다.",
                code=code,
            )
        raise Rejected(
            MARKET,
            f"11번가에서 이 {kind.value} 클레임은 이미 '{now.shown}' 상태라 {object_} {sent}. 11번가 판매자센터에서 확인하세요.",
            code=code,
        )

    # --- claim handling (the names and arguments of tmon.py's approve_cancel / reject_cancel / seller_cancel) ------

    def _claim_refs(self) -> dict[str, tuple[str, str]]:
        """claim number -> (ordNo, ordPrdSeq) of the claims listed by ``collect_claims``: every claim call of the
        guide addresses the order line beside the claim number."""
        refs: dict[str, tuple[str, str]] | None = self.__dict__.get("_claim_lines")
        if refs is None:
            refs = self.__dict__["_claim_lines"] = {}
        return refs

    def _claim_line(self, claim_no: str, order_no: str, line_no: str) -> tuple[str, str]:
        if order_no and line_no:
            return order_no, line_no
        known = self._claim_refs().get(claim_no)
        if known is None or not all(known):
            raise Rejected(
                MARKET,
                f"11번가 클레임 {claim_no}의 주문번호·주문순번을 모릅니다. 클레임을 다시 수집한 뒤 처리하세요.",
            )
        return known

    async def _claim_call(self, path: str, what: str, *, done_text: str = "") -> None:
        """One claim call (GET, answered ``ResultOrder``): 0 is done; ``done_text`` in the answer AlreadyDone; the
        codes of CLAIM_REFUSALS a Rejected in our words; anything else as ``_failed`` words it. Not idempotent: a
        resend after an unclear answer is answered as done already or refused, never done twice."""
        root = await self._send(Call("GET", path, idempotent=False))
        code, text = self._code(root)
        if code == "0":
            return
        if done_text and done_text in text:
            raise AlreadyDone(MARKET, f"11번가: 이미 처리된 {what}입니다.", code=code)
        if code in CLAIM_REFUSALS:
            raise Rejected(MARKET, f"11번가 {what}: {CLAIM_REFUSALS[code]}", code=code)
        raise self._failed(code, text, write=True)

    async def seller_cancel(self, lines: list[OrderLine], reason: str = "품절 미배송", *, code: str = "08") -> None:
        """판매불가 (G 1638 ``GET /rest/claimservice/reqrejectorder/{ordNo}/{ordPrdSeq}/{ordCnRsnCd}/{ordCnDtlsRsn}``),
        one call per order line. ``code`` is ordCnRsnCd (SELLER_CANCEL_REASONS; 08 상품 품절 by default). G 1638: a
        seller's reason (06–09, 99) costs a credit point; 10 고객변심 only with the buyer's consent."""
        if code not in SELLER_CANCEL_REASONS:
            known = ", ".join(f"{k} {v}" for k, v in SELLER_CANCEL_REASONS.items())
            raise Rejected(MARKET, f"11번가 판매불가 사유코드 {code}은(는) 없습니다. 다음 중에서 고르세요: {known}")
        for line in {(x.order_no, x.option_no): x for x in lines}.values():
            await self._refuse_sale(line, code, reason or SELLER_CANCEL_REASONS[code])

    async def _refuse_sale(self, line: OrderLine, code: str, reason: str) -> None:
        """One G 1638 call. ``ordCnDtlsRsn`` is percent-encoded (G 1638 example ``%ED%95%9C%EA%B8%80``); a "/" in it
        is sent as a space: an encoded slash would split the path segment."""
        detail = quote(reason.replace("/", " "), safe="")
        path = f"/rest/claimservice/reqrejectorder/{line.order_no}/{line.option_no}/{code}/{detail}"
        await self._claim_call(path, f"판매불가(주문 {line.order_no}-{line.option_no})")

    async def cancel_sale(self, units: Sequence[Sequence[OrderLine]], reason: str) -> Outcomes:
        """판매취소: G 1638 판매불가 for every line of each unit (a 배송번호; G 1638 takes one line a call, no batch
        call), ``reason`` mapped by SALE_CANCEL_CODES with 11번가's own words for it as ``ordCnDtlsRsn`` (the buyer
        gets them by e-mail and SMS, G 1638). Not idempotent (``_claim_call``); a line answered −21004/−21005 is read
        back (G 1725): cancelled already (B01/C01) is done, any other state a refusal naming it. A reason outside
        SALE_CANCEL_CODES refuses every unit, naming the reasons 11번가 takes."""
        keys = [self.shipment_key(unit[0]) for unit in units]
        if reason not in SALE_CANCEL_CODES:
            known = ", ".join(SALE_CANCEL_CODES)
            refused = f"11번가 판매취소 사유로 '{reason}'은(는) 보낼 수 없습니다. {known} 중 하나를 고르세요."
            return {key: Rejected(MARKET, refused) for key in keys}

        async def cancel(unit: Sequence[OrderLine]) -> None:
            for line in {(x.order_no, x.option_no): x for x in unit}.values():
                optioned, plain = SALE_CANCEL_CODES[reason]
                code = optioned if line.option_code or line.option_text else plain
                try:
                    await self._refuse_sale(line, code, SELLER_CANCEL_REASONS[code])
                except Rejected as exc:
                    if exc.code not in NOT_REFUSABLE:
                        raise
                    await self._cancelled_already(line, exc)

        return await each_item(units, lambda u: self.shipment_key(u[0]), cancel, self.client.settings.concurrency)

    async def _cancelled_already(self, line: OrderLine, refusal: Rejected) -> None:
        """After G 1638 −21004/−21005: the line's state by G 1725 ``GET /rest/claimservice/orderlistalladdr/{ordNo}``
        (``ordPrdStat``). B01 주문취소 / C01 수취확인후주문취소 is done; otherwise ``refusal`` again in words naming
        the state, so a shipped order is never counted as cancelled."""
        rows = await self._list(f"/rest/claimservice/orderlistalladdr/{line.order_no}", "order", empty_text=True)
        row = next((r for r in rows if r.get("ordPrdSeq") == line.option_no), None)
        state = (row or {}).get("ordPrdStat", "")
        if state in LINE_CANCELLED:
            return
        which = f"11번가 주문 {line.order_no}-{line.option_no}"
        words = LINE_NOT_CANCELLABLE.get(state) or CLAIM_REFUSALS.get(refusal.code or "", "")
        named = (row or {}).get("ordPrdStatNm") or state or "알 수 없음"
        raise Rejected(
            MARKET, f"{which}은(는) 판매취소할 수 없는 상태입니다(현재: {named}). {words}".strip(), code=refusal.code
        )

    async def approve_cancel(self, claim_no: str, *, order_no: str = "", line_no: str = "") -> None:
        """취소승인 (G 1640 ``GET /rest/claimservice/cancelreqconf/{ordPrdCnSeq}/{ordNo}/{ordPrdSeq}``); G 1640's
        error example −1 "이미 취소 완료된 신청건 입니다." is AlreadyDone."""
        ord_no, seq = self._claim_line(claim_no, order_no, line_no)
        path = f"/rest/claimservice/cancelreqconf/{claim_no}/{ord_no}/{seq}"
        await self._claim_call(path, f"취소승인(클레임 {claim_no})", done_text=CANCELLED_ALREADY)

    async def reject_cancel(
        self, claim_no: str, courier_code: str, number: str, *, order_no: str = "", line_no: str = ""
    ) -> None:
        """취소거부 because the order already shipped (G 1641 ``GET /rest/claimservice/cancelreqreject/{ordNo}/
        {ordPrdSeq}/{ordPrdCnSeq}/{dlvMthdCd}/{sendDt YYYYMMDD}/{dlvEtprsCd}/{invcNo}``), 택배 (01) with the shipment."""
        ord_no, seq = self._claim_line(claim_no, order_no, line_no)
        sent = now_kst().strftime("%Y%m%d")
        path = f"/rest/claimservice/cancelreqreject/{ord_no}/{seq}/{claim_no}/{PARCEL}/{sent}/{courier_code}/{number}"
        await self._claim_call(path, f"취소거부(클레임 {claim_no})")

    async def approve_return(self, claim_no: str, *, order_no: str = "", line_no: str = "") -> None:
        """반품승인 (G 1644 ``GET /rest/claimservice/returnreqconf/{clmReqSeq}/{ordNo}/{ordPrdSeq}``)."""
        ord_no, seq = self._claim_line(claim_no, order_no, line_no)
        await self._claim_call(
            f"/rest/claimservice/returnreqconf/{claim_no}/{ord_no}/{seq}", f"반품승인(클레임 {claim_no})"
        )

    async def reject_return(
        self, claim_no: str, code: str, reason: str, *, order_no: str = "", line_no: str = ""
    ) -> None:
        """반품거부 (G 1645 ``GET /rest/claimservice/returnreqreject/{ordNo}/{ordPrdSeq}/{clmReqSeq}/{refsRsnCd}/
        {refsRsn}``), refsRsnCd 101–104 (RETURN_REFUSALS); the reason reaches the buyer by SMS and e-mail."""
        await self._refuse_claim(
            "returnreqreject", RETURN_REFUSALS, "반품거부", claim_no, code, reason, order_no, line_no
        )

    async def approve_exchange(
        self, claim_no: str, courier_code: str, number: str, *, order_no: str = "", line_no: str = ""
    ) -> None:
        """교환승인 with the re-sent goods' invoice (G 1649 ``GET /rest/claimservice/exchangereqconf/{clmReqSeq}/
        {ordNo}/{ordPrdSeq}/{dlvEtprsCd}/{invcNo}``)."""
        ord_no, seq = self._claim_line(claim_no, order_no, line_no)
        path = f"/rest/claimservice/exchangereqconf/{claim_no}/{ord_no}/{seq}/{courier_code}/{number}"
        await self._claim_call(path, f"교환승인(클레임 {claim_no})")

    async def reject_exchange(
        self, claim_no: str, code: str, reason: str, *, order_no: str = "", line_no: str = ""
    ) -> None:
        """교환거부 (G 1650 ``GET /rest/claimservice/exchangereqreject/{ordNo}/{ordPrdSeq}/{clmReqSeq}/{refsRsnCd}/
        {refsRsn}``), refsRsnCd 201–204 (EXCHANGE_REFUSALS)."""
        await self._refuse_claim(
            "exchangereqreject", EXCHANGE_REFUSALS, "교환거부", claim_no, code, reason, order_no, line_no
        )

    async def _refuse_claim(
        self,
        call: str,
        codes: dict[str, str],
        what: str,
        claim_no: str,
        code: str,
        reason: str,
        order_no: str,
        line_no: str,
    ) -> None:
        if code not in codes:
            known = ", ".join(f"{k} {v}" for k, v in codes.items())
            raise Rejected(MARKET, f"11번가 {what} 사유코드 {code}은(는) 없습니다. 다음 중에서 고르세요: {known}")
        ord_no, seq = self._claim_line(claim_no, order_no, line_no)
        detail = quote((reason or codes[code]).replace("/", " "), safe="")  # as _refuse_sale: "/" splits the path
        await self._claim_call(
            f"/rest/claimservice/{call}/{ord_no}/{seq}/{claim_no}/{code}/{detail}", f"{what}(클레임 {claim_no})"
        )

    # --- Q&A ---------------------------------------------------------------------------------------

    async def collect_inquiries(self, start: dt.datetime, end: dt.datetime, account: str) -> list[Inquiry]:
        """Product Q&A, G 1626 ``GET /rest/prodqnaservices/prodqnalist/{YYYYMMDD}/{YYYYMMDD}/02`` (02 = 미답변), at
        most 7 days a call (``inquiry_no`` is ``{brdInfoNo}/{prdNo}``: the answer call needs both, G 1885), then the
        긴급알리미 waiting for the seller (``alimi:{emerNtceSeq}``)."""
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
        return [*out.values(), *await self._alimi(start, end, account)]

    async def _alimi(self, start: dt.datetime, end: dt.datetime, account: str) -> list[Inquiry]:
        """긴급알리미 waiting for the seller: G 1796 ``GET /rest/alimi/getalimilist/{YYYYMMDD}/{YYYYMMDD}/{emerNtceCrntCd}``
        (S leaves ``orderNo`` out as we do) for each of ALIMI_OPEN, 30 days a call; ``ns2:alimi`` holds
        ``ns2:alimListInfo`` rows, or result_code 0 "조회된 결과가 없습니다" (not an error). 회신기한 (``emerReplyDt``) is
        the answer-by day: we read it as the end of that day (❓ docs/protocols/st11.md)."""
        out: dict[str, Inquiry] = {}
        day, last = start.date(), end.date()
        while day <= last:
            stop = min(day + dt.timedelta(days=ALIMI_DAYS), last)
            for state in ALIMI_OPEN:
                path = f"/rest/alimi/getalimilist/{day:%Y%m%d}/{stop:%Y%m%d}/{state}"
                root = await self._send(Call("GET", path))
                nodes = list(xml.find_all(root, "alimListInfo"))
                code, text = self._code(root)
                if not nodes and code not in ("", NO_DATA):
                    raise self._failed(code, text)  # −1 비지니스 Error, −10001..−10004, −1000 점검
                for node in nodes:
                    row = xml.record(node)
                    replies = [t for r in xml.find_all(node, "emerReplyCtnt") if (t := (r.text or "").strip())]
                    body = row.get("emerCtnt", "")
                    if replies:  # 재답변요청: what was answered before, so staff see what was asked again
                        body += "".join(f"\n[이전 답변] {r}" for r in replies)
                    number = ALIMI + row.get("emerNtceSeq", "")
                    out[number] = Inquiry(
                        market=MARKET,
                        account=account,
                        inquiry_no=number,
                        kind=ALIMI_KINDS.get(row.get("emerNtceClfNo1", ""), "긴급알리미"),
                        product_no="",  # G 1796 gives the product's name only
                        order_no=row.get("ordNo", ""),
                        asked_at=_day_time(row.get("createDt", ""), row.get("createTm", "")),
                        title=row.get("emerNtceSubject", ""),
                        body=body,
                        asker=row.get("memId", ""),
                        answered=row.get("emerNtceCrntCd") in ALIMI_ANSWERED,
                        answer_by=_day_time(row.get("emerReplyDt", ""), "23:59")[:16],
                        product_name=row.get("prdNm", ""),
                    )
            day = stop + dt.timedelta(days=1)
        return list(out.values())

    async def answer(self, inquiry_no: str, content: str) -> None:
        """A 긴급알리미 (``alimi:…``) as _answer_alimi; product Q&A by
        G 1885 ``PUT /rest/prodqnaservices/prodqnaanswer/{brdInfoNo}/{prdNo}`` with
        ``<ProductQna><answerCont>…</answerCont></ProductQna>``; ClientMessage.resultCode 200. 11번가 updates an answer
        given before ("답변을 update 합니다"), so there is no "already answered"."""
        if inquiry_no.startswith(ALIMI):
            await self._answer_alimi(inquiry_no.removeprefix(ALIMI), content)
            return
        board, _, product = inquiry_no.partition("/")
        if not board or not product:
            raise Rejected(MARKET, f"11번가 문의번호 {inquiry_no}의 형식이 맞지 않습니다(글번호/상품번호).")
        body = xml.element("ProductQna", {"answerCont": content})
        root = await self._send(Call("PUT", f"/rest/prodqnaservices/prodqnaanswer/{board}/{product}"), body)
        code, text = self._code(root)
        if code != "200":
            raise self._failed(code, text)

    async def _answer_alimi(self, seq: str, content: str) -> None:
        """G 6982 ``PUT /rest/alimi/alimianswer`` with ``<request><confirmYn>Y</confirmYn><emerNtceSeq>…</emerNtceSeq>
        <answerCtnt>…</answerCtnt></request>``: ``alimiResult.result_code`` 100 (a 긴급알림 confirmed) or 200 (a 긴급문의
        answered); −10005 "이미 처리된 알리미입니다." is done already (S reads it so too). The answer goes with a
        긴급알림's confirmation as well: G 6982 requires it only for a 긴급문의 (❓ docs/protocols/st11.md)."""
        if not seq.isdigit():
            raise Rejected(MARKET, f"11번가 긴급알리미 번호 {seq}의 형식이 맞지 않습니다(숫자여야 합니다).")
        body = xml.element("request", {"confirmYn": "Y", "emerNtceSeq": seq, "answerCtnt": content})
        root = await self._send(Call("PUT", "/rest/alimi/alimianswer", idempotent=False), body)
        code, text = self._code(root)
        if code in ALIMI_DONE:
            return
        if code == ALIMI_ALREADY:
            raise AlreadyDone(MARKET, "11번가: 이미 처리된 긴급알리미입니다.", code=code)
        raise self._failed(code, text, write=True)


def _day_time(day: str, time: str) -> str:
    """G 1796 ``createDt`` 20140929 + ``createTm`` 12:30:30 as ``2014-09-29 12:30:30``; "" when the day is not a date."""
    if len(day) != 8 or not day.isdigit():
        return ""
    return f"{day[:4]}-{day[4:6]}-{day[6:]} {time or '00:00:00'}".strip()


def _value(text: str | None) -> str:
    """A field's value; the guide's "null" (G 1876 ordDlvReqCont, G 6747 "null을 입력") is none."""
    value = (text or "").strip()
    return "" if value == "null" else value


def _around(requested_at: str) -> tuple[dt.datetime, dt.datetime]:
    """claim_now's window: from a minute before the request (G 1639 createDt / G 1643 reqDt, KST) for 30 days at most
    (G 1639/1643/1648 "최대 30(한달)일"), and not past now; the last 30 days when the request time is unknown."""
    now = now_kst().replace(second=0, microsecond=0) + MIN_SPAN
    try:
        at = dt.datetime.strptime(requested_at.strip()[:19], "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return now - CLAIM_WINDOW, now
    start = at.replace(second=0) - CLAIM_SLACK
    return start, max(min(start + CLAIM_WINDOW, now), start + 2 * CLAIM_SLACK)


def _listed(row: dict[str, str], path: str) -> dict[str, str]:
    """A G 1724 row is a withdrawn cancel whatever its ``ordCnStatCd`` shows (the guide's example row shows 01): the
    list is of "주문 취소철회 완료"; the state is read as 05 취소신청취소(철회완료)."""
    return {**row, "ordCnStatCd": "05"} if path == WITHDRAWN_CANCELS else row
