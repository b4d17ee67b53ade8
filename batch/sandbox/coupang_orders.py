"""Coupang order sheets, acknowledgement, invoices, claims and inquiries in the sandbox (marketplaces.md §2.3–2.6).

Routes (``{v4}``/``{v5}``/``{v6}`` = ``/v2/providers/openapi/apis/api/vN/vendors/{vendorId}``), all CEA-signed:

* ``GET {v5}/ordersheets?createdAtFrom=&createdAtTo=&status=&maxPerPage=&nextToken=``: dates ``yyyy-mm-dd+09:00``
  (the ``+`` sent as ``%2B``), at most 31 days, ``maxPerPage`` ≤ 50, ``nextToken`` paging (empty on the last page).
* ``PATCH``/``PUT {v4}/ordersheets/acknowledgement``: ACCEPT → INSTRUCT, ≤ 50 boxes, per-box ``responseList``.
* ``POST {v4}/orders/invoices`` (INSTRUCT → DEPARTURE) and ``POST {v4}/orders/updateInvoices`` (after DEPARTURE).
* ``POST {v5}/orders/{orderId}/cancel`` (주문 상품 취소 처리, the seller's cancel): in ACCEPT cancelled at once, in
  INSTRUCT 출고중지; refused per item after an invoice or once shipped (see ``CoupangDesk.cancel_order``).
* ``GET {v6}/returnRequests`` (``cancelType`` RETURN | CANCEL; ``searchType=timeFrame`` minutes or days),
  ``GET {v4}/exchangeRequests``.
* 클레임 처리 (PATCH or PUT, the current pages' "PATCH PUT"): ``{v4}/returnRequests/{receiptId}/stoppedShipment``
  (출고중지완료), ``…/completedShipment`` (이미출고, with the invoice), ``…/receiveConfirmation`` (반품 입고 확인),
  ``…/approval`` (반품 승인); ``POST {v4}/returnWithdrawList`` (반품철회 이력); ``{v4}/exchangeRequests/{exchangeId}/
  receiveConfirmation`` (교환 입고 확인: the re-send box appears), ``…/rejection`` (SOLDOUT | WITHDRAW), ``POST
  …/invoices`` (a list, the new shipmentBoxId). Each only in the state its page names; see the methods.
* ``GET {v5}/onlineInquiries`` (``pageSize`` ≤ 50), ``POST {v4}/onlineInquiries/{inquiryId}/replies``;
  ``GET {v5}/callCenterInquiries`` (``pageSize`` ≤ 30, ``csPartnerCounselingStatus`` requestAnswer | answered),
  ``GET /v2/providers/openapi/apis/api/v5/vendors/callCenterInquiries/{inquiryId}``,
  ``POST {v4}/callCenterInquiries/{inquiryId}/replies`` (only while progress + requestAnswer; 24 h unanswered, Coupang
  closes it as answered).

Answers are shaped as the documents' examples (C1 ``assets/docs/season-2/*-api/ko/*.document.ts``, the v5 order-sheet
example of developers.coupangcorp.com/hc/ko/articles/360033919573); the contract fixtures under
``tests/contracts/coupang/`` pin them.

The sandbox's own readings where the docs are unsure (❓):

* A box acknowledged already (INSTRUCT or later) answers ``succeed: false, resultCode: "ALREADY_PROCESSED"``,
  ``retryRequired: false``; a box with a pending cancel answers ``"CANCEL_REQUESTED"`` (§2.6 "배송상태를 변경할 수
  없습니다").
* Invoices: one ``responseList`` item per DTO, in order, carrying ``vendorItemId`` besides ``shipmentBoxId``. At most
  50 DTOs a call. The same courier and number again on an item that has it is a success (nothing changes); another
  number on it is ``ALREADY_INVOICED``; a number used on a box of another order is ``DUPLICATE_INVOICE`` (the boxes of
  one order may share a parcel). The box turns DEPARTURE once every item has its invoice.
* ``returnRequests``: ≤ 31 days either way; ``status`` (RU/UC/CC/PR) is optional for RETURN; a date-only value with
  ``searchType=timeFrame`` is refused (a 2026 field note). ``exchangeRequests`` dates are ``yyyy-MM-ddTHH:mm:ss``,
  ≤ 7 days. Inquiry dates ``yyyy-MM-dd``, ≤ 7 days apart.
* Answers: ``replyBy`` must be the account's WING id; at most ``ANSWER_LIMIT`` characters; a second product-inquiry
  answer is a 400 whose message starts with ``이미 답변`` (a call-centre one gets C1's documented message).
* A buyer's cancel (control API) stays open: ``RETURNS_UNCHECKED`` on an ACCEPT box, ``RELEASE_STOP_UNCHECKED`` on
  an INSTRUCT box, releaseStopStatus 미처리 either way; the box's items get ``holdCountForCancel`` and it can be
  neither acknowledged nor invoiced until the seller answers (출고중지완료 cancels the held units; 이미출고 invoices the
  box and turns the receipt into a return, listed under RETURN) or the buyer withdraws.
* Returns and exchanges get their 회수 운송장 at once (CJGLS ``84`` + the claim number); receipts are never 빠른환불, so
  입고 확인 → 입고완료 → 승인 → 반품완료; an exchange's 입고 확인 makes its re-send box at once (Coupang: up to 10
  minutes) and ends ``rejectable``. ``{"type": "withdraw"}`` (control) withdraws the order's latest open claim: a
  receipt leaves the lists for the withdrawal history, an exchange turns CANCEL. See docs/protocols/coupang.md,
  reading 19.
* Deterministic "retry" fault: seed with ``"retry_once": k`` and the first ``k`` boxes made answer their first
  acknowledgement and their first invoice DTO with ``succeed: false, resultCode: "RETRY", retryRequired: true``.
* Seeding takes ``"qty": n`` (every line n units) and ``"product": <sellerProductId>`` (orders draw only from it).
* The seller's cancel: a request naming items of two boxes is refused (the page: one request per shipmentBoxId); in
  ACCEPT it must take every unit still open in the box (C1: 결제완료 전체취소만); it applies at once (cancelCount) and
  its receipt is listed as a CANCEL in ``RETURNS_COMPLETED``; an item it cancelled takes no invoice (``CANCELED``).
"""

from __future__ import annotations

import copy
import random
import uuid
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from batch.sandbox.faults import Clock
from batch.sandbox.web import Reject, endpoint, json_response, read_json

KST = timezone(timedelta(hours=9), "KST")
API = "/v2/providers/openapi/apis/api"
V4, V5, V6 = (f"{API}/v{n}/vendors/{{vendorId}}" for n in (4, 5, 6))
ORDER_STATUSES = ("ACCEPT", "INSTRUCT", "DEPARTURE", "DELIVERING", "FINAL_DELIVERY", "NONE_TRACKING")
SHIPPED = ("DEPARTURE", "DELIVERING", "FINAL_DELIVERY", "NONE_TRACKING")
COURIERS = (
    "CJGLS",
    "HYUNDAI",
    "HANJIN",
    "KGB",
    "EPOST",
    "KDEXP",
    "ILYANG",
    "CHUNIL",
    "DAESIN",
    "CVS",
    "HDEXP",
    "DIRECT",
)
RETURN_QUERY = {
    "RU": "RELEASE_STOP_UNCHECKED",
    "UC": "RETURNS_UNCHECKED",
    "CC": "RETURNS_COMPLETED",
    "PR": "REQUEST_COUPANG_CHECK",
}
EXCHANGE_STATUSES = ("RECEIPT", "PROGRESS", "SUCCESS", "REJECT", "CANCEL")
MAX_BATCH = 50
MAX_ORDER_DAYS = 31
MAX_SHORT_DAYS = 7
ANSWER_LIMIT = 1000  # ❓ no documented limit; the adapter uses the same
CALLCENTER_ANSWER_HOURS = 24
MAX_CALLCENTER_PAGE = 30  # C24: C1 lookup-coupang-call-center-inquiry, pageSize "Default 10, max = 30"
# partnerCounselingStatus (query) -> csPartnerCounselingStatus (answer), C1 same page; TRANSFER (미확인, 답변 불필요) has
# no inquiry of ours
CALLCENTER_QUERY: dict[str | None, str | None] = {
    "NONE": None,
    "ANSWER": "answered",
    "NO_ANSWER": "requestAnswer",
    "TRANSFER": "transfer",
}
# C1 answer-to-coupang-call-center-inquiry errorSpec
CALLCENTER_DONE = (
    "The inquiry can't be answer. It can do only inquiryStatus:progress, partnerTransferStatus:requestAnswer"
)
CALLCENTER_LATE = (  # articles/360034156233
    "[쿠팡 시스템] CS문의가 24시간 내 답변되지 않아, 쿠팡 약관 및 정책에 따라 상담사가 처리할 예정임을 알려드립니다."
)
MAX_SEED = 5_000
MAX_SEED_QTY = 999
SEED_KEYS = frozenset({"market", "orders", "inquiries", "seed", "vendor", "retry_once", "qty", "product"})
# 주문 상품 취소 처리 (articles/360033843154; C1 delivery-api/ko/instruct-cancel.document.ts): bigCancelCode CANERR,
# middleCancelCode one of these three (C1's table: 재고 연동 오류, 제휴사이트 오류, 가격등재오류)
CANCEL_BIG = "CANERR"
CANCEL_MIDDLE = {"CCTTER": "재고 연동 오류", "CCPNER": "제휴사이트 오류", "CCPRER": "가격등재오류"}
CANCELLABLE = ("ACCEPT", "INSTRUCT")
# C1 instruct-cancel errorSpec, word for word (its "아이탬" included)
NO_ORDER_ID = "주문 ID를 입력해 주세요."
NO_ITEMS = "취소할 벤더아이템 아이디 목록을 입력해주세요."
NO_COUNTS = "취소할 아이탬 개수 목록을 입력해주세요."
COUNTS_MISMATCH = "요청한 상품 개수와 취소 개수를 확인해주세요."
NO_BIG = "취소사유 대분류 코드를 입력해주세요."
BAD_BIG = "취소사유 대분류 코드를 확인해 주세요."
NO_MIDDLE = "취소사유 중분류 코드를 입력해주세요."
BAD_MIDDLE = "취소사유 중분류 코드를 확인해 주세요."
BAD_VENDOR = "업체 ID를 입력해주세요."
BAD_USER = "업체 ID에 맞는 올바른 유저 ID를 입력해주세요."
NO_ORDER = "주문 정보가 없습니다."
ITEM_NOT_ORDERED = "주문정보가 없습니다."
TOO_MANY = "취소 가능한 개수보다 요청한 개수가 더 많습니다."
NOT_CANCELLABLE = "해당 벤더아이템이 결제완료/상품지시 중 상태가 아닙니다."
NOT_PARTIAL = "부분 취소는 불가능합니다."
# ❓ the consequence of the page's "shipmentBoxId 별로 각각 취소요청해야 정상적으로 처리가 됩니다" (docs/protocols/coupang.md)
ONE_BOX = "하나의 주문번호 안에 서로 다른 묶음배송번호(shipmentBoxId)가 존재하는 경우 shipmentBoxId 별로 각각 취소요청해야 합니다."
FIRST_ORDER_ID = 22_000_000_000_001
FIRST_BOX_ID = 600_000_001
FIRST_RECEIPT_ID = 300_000_001
FIRST_EXCHANGE_ID = 110_000_001
FIRST_INQUIRY_ID = 80_001
FIRST_CALLCENTER_ID = 50_001
FIRST_EXCHANGE_BOX_ID = 690_000_001  # the re-send boxes of exchanges (deliveryInvoiceGroupDtos)
# 클레임 처리 (issue 18). releaseStopStatus (출고중지처리상태, C1 return-api/ko/lookup-return-request-list-per-day table)
STOP_OPEN, STOP_DONE, STOP_SHIPPED, NOT_A_STOP = "미처리", "처리(출고중지)", "처리(이미출고)", "비대상"
# articles/360023108753: "[INTERNAL_SERVER_ERROR] 취소반품접수수량과 cancelCount가 일치하지 않습니다."
COUNT_MISMATCH = "취소반품접수수량과 cancelCount가 일치하지 않습니다."
# articles/360034027874 (C1 exchange-request-deny-processing): "교환거절코드는"SOLDOUT" 또는 "WITHDRAW"만 입력할 수 있습니다"
EXCHANGE_REJECT_CODES = ("SOLDOUT", "WITHDRAW")
BAD_REJECT_CODE = '교환거절코드는"SOLDOUT" 또는 "WITHDRAW"만 입력할 수 있습니다'
MAX_WITHDRAW_IDS = 50  # C1 lookup-return-cancel-list: "한 번에 최대 50개까지 cancelIds 조회가 가능합니다."
FIRST_ANSWER_ID = 900_001

# (vendorId, accessKey's WING id) of the caller; raises Reject otherwise.
Authorize = Callable[[Request], tuple[str, str]]

NAMES = ("김민준", "이서연", "박지훈", "최수아", "정예준", "강하은", "조도윤", "윤지우", "장서준", "임하린")
ADDRESSES = (
    ("서울특별시 강남구 테헤란로 152", "강남파이낸스센터 12층", "06236"),
    ("부산광역시 해운대구 센텀중앙로 79", "센텀사이언스파크 301호", "48058"),
    ("경기도 성남시 분당구 판교역로 235", "에이치스퀘어 N동 5층", "13494"),
    ("대구광역시 수성구 동대구로 330", "수성빌딩 2층", "42020"),
    ("제주특별자치도 제주시 첨단로 242", "101동 1203호", "63309"),
    ("인천광역시 연수구 센트럴로 160", "송도더샵 702호", "22004"),
)
MEMOS = ("문 앞에 놓아주세요", "부재 시 경비실에 맡겨주세요", "배송 전 연락 바랍니다", "")
QUESTIONS = (
    "사이즈가 평소보다 크게 나오나요?",
    "오늘 주문하면 언제 받을 수 있나요?",
    "색상이 사진과 같은가요?",
    "선물 포장 가능한가요?",
)
CALLCENTER_TOPICS = (
    ("배송", "배송이 늦어지고 있다는 고객 문의입니다. 출고 일정을 안내해 주세요."),
    ("교환", "고객이 사이즈 교환을 원합니다. 교환 가능 여부를 답변해 주세요."),
    ("기타", "고객이 세금계산서 발행을 요청했습니다."),
)


@dataclass(frozen=True)
class CatalogItem:
    seller_product_id: int
    product_name: str
    vendor_item_id: int
    item_name: str
    price: int
    sku: str


# Orders of a vendor with no approved products draw from these.
SYNTHETIC = (
    CatalogItem(15_000_001, "데일리 코튼 반팔티", 3_100_000_001, "화이트 / M", 12900, ""),
    CatalogItem(15_000_001, "데일리 코튼 반팔티", 3_100_000_002, "블랙 / L", 12900, ""),
    CatalogItem(15_000_002, "국산 햇 고구마 3kg", 3_100_000_003, "특상 3kg", 18900, ""),
    CatalogItem(15_000_003, "스테인리스 텀블러 500ml", 3_100_000_004, "실버", 15800, ""),
    CatalogItem(15_000_003, "스테인리스 텀블러 500ml", 3_100_000_005, "민트", 15800, ""),
)


def money(units: int) -> dict[str, Any]:
    """v5 money object (§2.6)."""
    return {"currencyCode": "KRW", "units": units, "nanos": 0}


def ok(data: Any = None, code: int | str = 200, **more: Any) -> Response:
    """A success. ``code`` is a number or a string as each page's example writes it (both appear, §2.2)."""
    return json_response({"code": code, "message": "OK", "data": data, **more})


def error(status: int, message: str) -> Reject:
    """Coupang's error body ``{"code", "message", "data"}`` (§2.2)."""
    return Reject(json_response({"code": status, "message": message, "data": None}, status))


def mask(name: str) -> str:
    return name[0] + "*" + name[-1] if len(name) > 2 else name[0] + "*"


def phone(rng: random.Random) -> str:
    """A safe number (안심번호) in E.164, as v5 gives phones (§2.6)."""
    return f"+82504{rng.randint(1000, 9999)}{rng.randint(1000, 9999)}"


def _day(text: str | None, name: str, suffix: str = "") -> date:
    if not text:
        raise error(400, f"{name}은(는) 필수입니다.")
    if suffix:
        if not text.endswith(suffix):
            raise error(400, f"{name} 형식이 올바르지 않습니다: {text} (yyyy-mm-dd{suffix})")
        text = text[: -len(suffix)]
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise error(400, f"{name} 형식이 올바르지 않습니다: {text}") from None


def _page_size(request: Request, name: str, limit: int = MAX_BATCH) -> int:
    raw = request.query_params.get(name, str(min(limit, 10)))
    if not raw.isdigit() or not 1 <= int(raw) <= limit:
        raise error(400, f"{name}는 1~{limit} 사이여야 합니다: {raw}")
    return int(raw)


def _moment(text: str | None, name: str, timeframe: bool) -> datetime:
    """``yyyy-MM-ddTHH:mm`` with searchType=timeFrame, else ``yyyy-MM-dd`` (articles/360033919613; C1)."""
    if not text:
        raise error(400, f"{name}은(는) 필수입니다.")
    shape = "yyyy-MM-ddTHH:mm" if timeframe else "yyyy-MM-dd"
    if (len(text) == 16 and text[10] == "T") != timeframe or (not timeframe and len(text) != 10):
        raise error(400, f"{name} 형식이 올바르지 않습니다: {text} ({shape})")
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise error(400, f"{name} 형식이 올바르지 않습니다: {text} ({shape})") from None


def _token_page(items: list[dict[str, Any]], key: str, request: Request) -> tuple[list[dict[str, Any]], str]:
    """One page of ``items`` (sorted by ``key``) after ``nextToken``; the next token or ``""``."""
    size = _page_size(request, "maxPerPage")
    token = request.query_params.get("nextToken", "")
    items = sorted(items, key=lambda item: int(item[key]))
    if token:
        if not token.isdigit():
            raise error(400, f"nextToken이 올바르지 않습니다: {token}")
        items = [item for item in items if int(item[key]) >= int(token)]
    page, rest = items[:size], items[size:]
    return page, str(rest[0][key]) if rest else ""


def number_page(items: list[dict[str, Any]], request: Request, limit: int = MAX_BATCH) -> dict[str, Any]:
    size = _page_size(request, "pageSize", limit)
    raw = request.query_params.get("pageNum", "1")
    if not raw.isdigit() or int(raw) < 1:
        raise error(400, f"pageNum이 올바르지 않습니다: {raw}")
    number = int(raw)
    total_pages = max(1, -(-len(items) // size))
    return {
        "content": items[(number - 1) * size : number * size],
        "pagination": {
            "currentPage": number,
            "totalPages": total_pages,
            "totalElements": len(items),
            "countPerPage": size,
        },
    }


class CoupangDesk:
    """Orders (one entry per shipment box), invoices, claims, inquiries and answers of every vendor."""

    def __init__(self, *, clock: Clock, authorize: Authorize) -> None:
        self.clock = clock
        self.authorize = authorize
        h = endpoint
        self.routes = [
            Route(f"{V5}/ordersheets", h(self.ordersheets), methods=["GET"]),
            Route(f"{V5}/ordersheets/{{shipmentBoxId:int}}", h(self.ordersheet), methods=["GET"]),
            Route(f"{V4}/ordersheets/acknowledgement", h(self.acknowledge), methods=["PATCH", "PUT"]),
            Route(f"{V4}/orders/invoices", h(self.post_invoices), methods=["POST"]),
            Route(f"{V4}/orders/updateInvoices", h(self.update_invoices), methods=["POST"]),
            Route(f"{V5}/orders/{{orderId}}/cancel", h(self.cancel_order), methods=["POST"]),
            Route(f"{V6}/returnRequests", h(self.return_requests), methods=["GET"]),
            # 출고중지완료 / 이미출고 / 입고 확인 / 반품 승인: the current pages list "PATCH PUT" (C1: PATCH)
            Route(
                f"{V4}/returnRequests/{{receiptId}}/stoppedShipment",
                h(self.stopped_shipment),
                methods=["PATCH", "PUT"],
            ),
            Route(
                f"{V4}/returnRequests/{{receiptId}}/completedShipment",
                h(self.completed_shipment),
                methods=["PATCH", "PUT"],
            ),
            Route(
                f"{V4}/returnRequests/{{receiptId}}/receiveConfirmation",
                h(self.return_received),
                methods=["PATCH", "PUT"],
            ),
            Route(f"{V4}/returnRequests/{{receiptId}}/approval", h(self.return_approval), methods=["PATCH", "PUT"]),
            Route(f"{V4}/returnWithdrawList", h(self.withdraw_list), methods=["POST"]),
            Route(
                f"{V4}/exchangeRequests/{{exchangeId}}/receiveConfirmation",
                h(self.exchange_received),
                methods=["PATCH", "PUT"],
            ),
            Route(
                f"{V4}/exchangeRequests/{{exchangeId}}/rejection", h(self.exchange_rejection), methods=["PATCH", "PUT"]
            ),
            Route(f"{V4}/exchangeRequests/{{exchangeId}}/invoices", h(self.exchange_invoices), methods=["POST"]),
            Route(f"{V4}/exchangeRequests", h(self.exchange_requests), methods=["GET"]),
            Route(f"{V5}/onlineInquiries", h(self.online_inquiries), methods=["GET"]),
            Route(f"{V4}/onlineInquiries/{{inquiryId}}/replies", h(self.online_reply), methods=["POST"]),
            Route(f"{V5}/callCenterInquiries", h(self.callcenter_inquiries), methods=["GET"]),
            Route(f"{API}/v5/vendors/callCenterInquiries/{{inquiryId}}", h(self.callcenter_one), methods=["GET"]),
            Route(f"{V4}/callCenterInquiries/{{inquiryId}}/replies", h(self.callcenter_reply), methods=["POST"]),
        ]
        self.reset()

    def reset(self) -> None:
        self.boxes: dict[int, dict[str, Any]] = {}
        self.invoices: list[dict[str, Any]] = []
        self.claims: list[dict[str, Any]] = []
        self.inquiries: list[dict[str, Any]] = []
        self.answers: list[dict[str, Any]] = []
        self.cancels: list[dict[str, Any]] = []  # the seller's cancel requests, as sent, with what they did
        self.withdrawals: list[dict[str, Any]] = []  # receipts the buyer withdrew (반품철회 이력), with their vendorId
        self.flaky_ack: set[int] = set()
        self.flaky_invoice: set[int] = set()
        self.next_order = FIRST_ORDER_ID
        self.next_box = FIRST_BOX_ID
        self.next_receipt = FIRST_RECEIPT_ID
        self.next_exchange = FIRST_EXCHANGE_ID
        self.next_inquiry = FIRST_INQUIRY_ID
        self.next_callcenter = FIRST_CALLCENTER_ID
        self.next_answer = FIRST_ANSWER_ID
        self.next_exchange_box = FIRST_EXCHANGE_BOX_ID

    def snapshot(self) -> dict[str, Any]:
        return copy.deepcopy(
            {
                "orders": list(self.boxes.values()),
                "invoices": self.invoices,
                "claims": self.claims,
                "inquiries": self.inquiries,
                "answers": self.answers,
                "cancels": self.cancels,
                "withdrawals": self.withdrawals,
            }
        )

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.clock(), KST).replace(microsecond=0)

    def stamp(self) -> str:
        return self.now().strftime("%Y-%m-%dT%H:%M:%S")

    # -- seeding ----------------------------------------------------------------------------------------

    def check_seed(self, data: Mapping[str, Any]) -> None:
        unknown = sorted(set(data) - SEED_KEYS)
        if unknown:
            raise ValueError(f"unknown keys {unknown}; known: {sorted(SEED_KEYS)}")
        for key in ("orders", "inquiries", "retry_once"):
            value = data.get(key, 0)
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_SEED:
                raise ValueError(f"{key} must be an integer in [0, {MAX_SEED}], got {value!r}")
        if "orders" not in data and "inquiries" not in data:
            raise ValueError("orders or inquiries is required")
        if not isinstance(data.get("seed", 0), int):
            raise ValueError("seed must be an integer")
        qty = data.get("qty", 1)
        if isinstance(qty, bool) or not isinstance(qty, int) or not 1 <= qty <= MAX_SEED_QTY:
            raise ValueError(f"qty must be an integer in [1, {MAX_SEED_QTY}], got {qty!r}")
        product = data.get("product", "0")
        if isinstance(product, bool) or not isinstance(product, str | int) or not str(product).isdigit():
            raise ValueError(f"product must be a sellerProductId (digits), got {product!r}")

    def seed(self, data: Mapping[str, Any], vendor: str, catalogue: Sequence[CatalogItem]) -> dict[str, Any]:
        """New ACCEPT orders (1–2 boxes each, 1–3 items a box, each line 1–3 units or ``qty``) and new unanswered
        inquiries of both kinds; ``catalogue`` is what orders draw from (the market narrows it to ``product``)."""
        self.check_seed(data)
        rng = random.Random(data.get("seed", 0))
        items = list(catalogue) or list(SYNTHETIC)
        orders: list[str] = []
        flaky = int(data.get("retry_once", 0))
        for _ in range(int(data.get("orders", 0))):
            orders.append(str(self._order(rng, vendor, items, flaky_left=flaky, qty=data.get("qty"))))
            flaky = max(0, flaky - sum(1 for b in self.boxes.values() if b["orderId"] == int(orders[-1])))
        inquiries: list[str] = []
        for i in range(int(data.get("inquiries", 0))):
            inquiries.append(self._inquiry(rng, vendor, items, callcenter=i % 3 == 2))
        return {"orders": orders, "inquiries": inquiries}

    def _order(
        self, rng: random.Random, vendor: str, items: list[CatalogItem], flaky_left: int, qty: int | None = None
    ) -> int:
        order_id, self.next_order = self.next_order, self.next_order + 1
        buyer = rng.choice(NAMES)
        receiver = buyer if rng.random() < 0.7 else rng.choice(NAMES)
        addr1, addr2, post = rng.choice(ADDRESSES)
        ordered = self.now() - timedelta(minutes=rng.randint(1, 360))
        buyer_phone = phone(rng)
        boxes = 2 if rng.random() < 0.35 else 1
        chosen = rng.sample(items, min(len(items), sum(rng.randint(1, 3) for _ in range(boxes))))
        shares = [chosen[i::boxes] for i in range(boxes)]  # an item ships in one box of its order
        for picked in (share for share in shares if share):
            box_id, self.next_box = self.next_box, self.next_box + 1
            order_items: list[dict[str, Any]] = []
            for item in picked:
                count = rng.randint(1, 3)  # drawn even with ``qty``: the rest of a seed stays the same
                count = qty or count
                order_items.append(
                    {
                        "vendorItemPackageId": 0,
                        "vendorItemPackageName": item.product_name,
                        "productId": item.seller_product_id + 7_000_000_000,
                        "vendorItemId": item.vendor_item_id,
                        "vendorItemName": f"{item.product_name}, {item.item_name}",
                        "shippingCount": count,
                        "salesPrice": money(item.price),
                        "orderPrice": money(item.price * count),
                        "discountPrice": money(0),
                        "instantCouponDiscount": money(0),
                        "downloadableCouponDiscount": money(0),
                        "coupangDiscount": money(0),
                        "externalVendorSkuCode": item.sku,
                        "etcInfoHeader": None,
                        "etcInfoValue": None,
                        "etcInfoValues": [],
                        "sellerProductId": item.seller_product_id,
                        "sellerProductName": item.product_name,
                        "sellerProductItemName": item.item_name,
                        "firstSellerProductItemName": item.item_name,
                        "cancelCount": 0,
                        "holdCountForCancel": 0,
                        "estimatedShippingDate": (ordered + timedelta(days=2)).strftime("%Y-%m-%d"),
                        "plannedShippingDate": "",
                        "invoiceNumberUploadDate": "",
                        "extraProperties": {},
                        "pricingBadge": False,
                        "usedProduct": False,
                        "confirmDate": None,
                        "deliveryChargeTypeName": "무료",
                        "canceled": False,
                        "invoiceNumber": "",  # the sandbox's own record of the item's invoice
                        "deliveryCompanyCode": "",
                    }
                )
            total = sum(i["orderPrice"]["units"] for i in order_items)
            self.boxes[box_id] = {
                "shipmentBoxId": box_id,
                "orderId": order_id,
                "vendorId": vendor,
                "orderedAt": ordered.strftime("%Y-%m-%dT%H:%M:%S"),
                "paidAt": ordered.strftime("%Y-%m-%dT%H:%M:%S"),
                "orderer": {"name": mask(buyer), "email": "", "safeNumber": buyer_phone, "ordererNumber": None},
                "receiver": {
                    "name": receiver,
                    "safeNumber": phone(rng),
                    "receiverNumber": None,
                    "addr1": addr1,
                    "addr2": addr2,
                    "postCode": post,
                },
                "status": "ACCEPT",
                "shippingPrice": money(0 if total >= 30000 else 3000),
                "remotePrice": money(3000 if addr1.startswith("제주") else 0),
                "remoteArea": addr1.startswith("제주"),
                "parcelPrintMessage": rng.choice(MEMOS),
                "splitShipping": False,
                "ableSplitShipping": False,
                "orderItems": order_items,
                "overseaShippingInfoDto": {
                    "personalCustomsClearanceCode": "",
                    "ordererSsn": "",
                    "ordererPhoneNumber": "",
                },
                "deliveryCompanyName": "",
                "invoiceNumber": "",
                "inTrasitDateTime": "",
                "deliveredDate": "",
                "refer": "안드로이드앱",
                "shipmentType": "THIRD_PARTY",
                "isCod": False,
                "extraProperties": {"sameDayShipping": "false"},
            }
            if flaky_left > 0:
                self.flaky_ack.add(box_id)
                self.flaky_invoice.add(box_id)
                flaky_left -= 1
        return order_id

    def _inquiry(self, rng: random.Random, vendor: str, items: list[CatalogItem], *, callcenter: bool) -> str:
        item = rng.choice(items)
        mine = [b for b in self.boxes.values() if b["vendorId"] == vendor]
        box = rng.choice(mine) if mine and rng.random() < 0.6 else None
        asked = (self.now() - timedelta(minutes=rng.randint(1, 600))).strftime("%Y-%m-%d %H:%M:%S")
        email = f"{rng.choice(('kim', 'lee', 'park', 'choi'))[:2]}***@coupang.com"
        if not callcenter:
            number, self.next_inquiry = self.next_inquiry, self.next_inquiry + 1
            self.inquiries.append(
                {
                    "kind": "online",
                    "vendorId": vendor,
                    "inquiryId": number,
                    "productId": item.seller_product_id,
                    "vendorItemId": item.vendor_item_id,
                    "content": rng.choice(QUESTIONS),
                    "inquiryAt": asked,
                    "orderIds": [box["orderId"]] if box else [],
                    "buyerEmail": email,
                    "commentDtoList": [],
                    "answered": False,
                }
            )
            return f"online:{number}"
        number, self.next_callcenter = self.next_callcenter, self.next_callcenter + 1
        answer_id, self.next_answer = self.next_answer, self.next_answer + 1
        topic, text = rng.choice(CALLCENTER_TOPICS)
        # C25: csPartnerCounselingStatus is "requestAnswer" | "answered"; replies as C1's lookup-coupang-call-center-
        # inquiry sample shows them (answerType csAgent | vendor, partnerTransferStatus, needAnswer)
        self.inquiries.append(
            {
                "kind": "callcenter",
                "vendorId": vendor,
                "inquiryId": number,
                "csPartnerCounselingStatus": "requestAnswer",
                "inquiryStatus": "progress",
                "vendorItemId": item.vendor_item_id,
                "itemName": f"{item.product_name}, {item.item_name}",
                "content": text,
                "answeredAt": None,
                "replies": [
                    {
                        "receptionistName": "쿠팡 상담사",
                        "receptionist": "10000058",
                        "replyAt": asked,
                        "content": f"[판매자이관]\n◼문의내용: {text}",
                        "answerId": answer_id,
                        "parentAnswerId": 0,
                        "partnerTransferStatus": "requestAnswer",
                        "partnerTransferCompleteReason": "NONE",
                        "answerType": "csAgent",
                        "needAnswer": True,
                    }
                ],
                "inquiryAt": asked,
                "buyerEmail": email,
                "buyerPhone": "010-****-1234",
                "orderId": box["orderId"] if box else None,
                "orderDate": box["orderedAt"].replace("T", " ") if box else None,
                "receiptCategory": topic,
                "saleStartedAt": "2020-01-01",
                "saleEndedAt": "2099-12-31",
                "answered": False,
            }
        )
        return f"callcenter:{number}"

    # -- claims (control API) -------------------------------------------------------------------------

    def raise_claim(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """The buyer's side: ``type`` cancel (an unshipped box: 출고중지요청), return or exchange (a shipped box), or
        withdraw (the buyer withdraws the order's latest open claim). Coupang has no 재배송 claim."""
        kind = data.get("type")
        order = str(data.get("order", ""))
        boxes = [b for b in self.boxes.values() if str(b["orderId"]) == order]
        if not boxes:
            raise ValueError(f"unknown order {order!r}")
        if kind not in ("cancel", "return", "exchange", "withdraw"):
            raise ValueError("type must be cancel, return, exchange or withdraw (Coupang has no redelivery claim)")
        if kind == "withdraw":
            return self._withdraw(order)
        box = boxes[0]
        reason = {"cancel": "단순변심", "return": "상품불량", "exchange": "사이즈 교환"}[str(kind)]
        items = [i for i in box["orderItems"] if i["cancelCount"] + i["holdCountForCancel"] < i["shippingCount"]]
        if not items:
            raise ValueError(f"order {order} has nothing left to claim")
        if kind == "exchange":
            if box["status"] not in SHIPPED:
                raise ValueError("an exchange needs a shipped box (DEPARTURE or later)")
            number, self.next_exchange = self.next_exchange, self.next_exchange + 1
            receiver = box["receiver"]
            stamp = self.stamp()
            address = {
                "exchangeAddressId": number + 1_000_000,
                "returnCustomerName": receiver["name"],
                "returnAddressZipCode": receiver["postCode"],
                "returnAddress": receiver["addr1"],
                "returnAddressDetail": receiver["addr2"],
                "returnPhone": None,
                "returnMobile": receiver["safeNumber"],
                "returnMemo": None,
                "deliveryCustomerName": receiver["name"],
                "deliveryAddressZipCode": receiver["postCode"],
                "deliveryAddress": receiver["addr1"],
                "deliveryAddressDetail": receiver["addr2"],
                "deliveryPhone": None,
                "deliveryMobile": receiver["safeNumber"],
                "deliveryMemo": None,
                "createdAt": stamp,
                "modifiedAt": stamp,
                "exchangeId": number,
            }
            # C21, C1 exchange-api/ko/lookup-change-request-list.document.ts: items name the ordered and the target
            # option (orderItemId/targetItemId are vendorItemIds) and carry no sellerProductId; no requesterName
            self.claims.append(
                {
                    "claimType": "EXCHANGE",
                    "exchangeId": number,
                    "orderId": box["orderId"],
                    "vendorId": box["vendorId"],
                    "orderDeliveryStatusCode": box["status"],
                    "exchangeStatus": "RECEIPT",
                    "referType": "WEB_MOBILE",
                    "faultType": "CUSTOMER",
                    "exchangeAmount": 0,
                    "reason": None,
                    "reasonCode": "DIFFERENTOPT",
                    "reasonCodeText": reason,
                    "reasonEtcDetail": "한 치수 큰 것으로 바꿔 주세요",
                    "cancelReason": None,
                    "createdByType": "CUSTOMER",
                    "createdAt": stamp,
                    "modifiedByType": "CUSTOMER",
                    "modifiedAt": stamp,
                    "exchangeItemDtoV1s": [
                        {
                            "exchangeItemId": number * 10 + n,
                            "orderItemId": i["vendorItemId"],
                            "orderItemUnitPrice": i["salesPrice"]["units"],
                            "orderItemName": i["vendorItemName"],
                            "orderPackageId": None,
                            "orderPackageName": None,
                            "targetItemId": i["vendorItemId"],
                            "targetItemUnitPrice": i["salesPrice"]["units"],
                            "targetItemName": i["vendorItemName"],
                            "targetPackageId": -1,
                            "targetPackageName": "",
                            "quantity": i["shippingCount"],
                            "orderItemDeliveryComplete": None,
                            "orderItemReturnComplete": None,
                            "targetItemDeliveryComplete": None,
                            "createdAt": stamp,
                            "modifiedAt": stamp,
                            "originalShipmentBoxId": box["shipmentBoxId"],
                        }
                        for n, i in enumerate(items)
                    ],
                    "exchangeAddressDtoV1": address,
                    "deliveryInvoiceGroupDtos": [],
                    "deliveryStatus": "BeforeDirection",
                    # ❓ the pick-up is booked at once (회수연동, with its 회수 운송장); the goods reach the seller when
                    # the seller says so (receiveConfirmation)
                    "collectStatus": "CompleteDirection",
                    "collectCompleteDate": None,
                    "returnDeliveryDtos": [{"deliveryCompanyCode": "CJGLS", "deliveryInvoiceNo": _pickup_no(number)}],
                    "orderDeliveryStatusLabel": box["status"],
                    "exchangeStatusLabel": "RECEIPT",
                    "referTypeLabel": "WEB_MOBILE",
                    "faultTypeLabel": "CUSTOMER",
                    "createdByTypeLabel": "CUSTOMER",
                    "rejectable": True,
                    "modifiedByTypeLabel": "CUSTOMER",
                    "deliveryInvoiceModifiable": False,
                    "successable": False,
                }
            )
            return {"claimNo": str(number)}
        if kind == "return" and box["status"] not in SHIPPED:
            raise ValueError("a return needs a shipped box (DEPARTURE or later)")
        if kind == "cancel" and box["status"] in SHIPPED:
            raise ValueError("a shipped box is returned, not cancelled")
        counted = [(i, i["shippingCount"] - i["cancelCount"] - i["holdCountForCancel"]) for i in items]
        if kind == "cancel":
            # ❓ a buyer's cancel stays open until the seller acts: 취소접수 (RETURNS_UNCHECKED) before acknowledgement,
            # 출고중지요청 (RELEASE_STOP_UNCHECKED) after, releaseStopStatus 미처리 either way (the stoppedShipment page,
            # articles/360034320673: RELEASE_STOP_UNCHECKED, or RETURNS_UNCHECKED with releaseStatus "N"); the box must
            # not be acknowledged or shipped meanwhile
            status = "RETURNS_UNCHECKED" if box["status"] == "ACCEPT" else "RELEASE_STOP_UNCHECKED"
            for i, count in counted:
                i["holdCountForCancel"] += count
        else:
            status = "RETURNS_UNCHECKED"
        number = self._receipt(
            box,
            "CANCEL" if kind == "cancel" else "RETURN",
            status,
            counted,
            ("고객변심" if kind == "cancel" else "상품불량", reason, ""),
            "CUSTOMER" if kind == "cancel" else "VENDOR",
            STOP_OPEN if kind == "cancel" else NOT_A_STOP,
            pickup=kind == "return",
        )
        return {"claimNo": str(number)}

    def _withdraw(self, order: str) -> dict[str, Any]:
        """The buyer withdraws the order's latest open claim: a 출고중지요청 not yet answered, a return not yet received
        (RETURNS_UNCHECKED), an exchange not yet collected. ❓ A withdrawn receipt leaves the returnRequests lists and is
        found by the withdrawal history (returnWithdrawRequests / returnWithdrawList, C1 lookup-return-cancel-list);
        an exchange turns CANCEL (철회) with collectStatus Withdraw (C1 lookup-change-request-list tables)."""
        for claim in reversed(self.claims):
            if str(claim["orderId"]) != order:
                continue
            if claim["claimType"] == "EXCHANGE":
                if claim["exchangeStatus"] in ("RECEIPT", "PROGRESS") and claim["collectStatus"] != "CompleteCollect":
                    claim.update(
                        exchangeStatus="CANCEL",
                        exchangeStatusLabel="CANCEL",
                        collectStatus="Withdraw",
                        rejectable=False,
                        modifiedByType="CUSTOMER",
                        modifiedAt=self.stamp(),
                    )
                    return {"claimNo": str(claim["exchangeId"])}
                continue
            open_stop = claim["releaseStopStatus"] == STOP_OPEN
            open_return = claim["claimType"] == "RETURN" and claim["receiptStatus"] == "RETURNS_UNCHECKED"
            if not (open_stop or open_return):
                continue
            if open_stop:
                box = self.boxes[claim["returnItems"][0]["shipmentBoxId"]]
                for line in claim["returnItems"]:
                    item = next(i for i in box["orderItems"] if i["vendorItemId"] == line["vendorItemId"])
                    item["holdCountForCancel"] = max(0, item["holdCountForCancel"] - line["cancelCount"])
            self.claims.remove(claim)
            self.withdrawals.append(
                {
                    "cancelId": claim["receiptId"],
                    "orderId": claim["orderId"],
                    "vendorId": claim["vendorId"],
                    "refundDeliveryDuty": "CUS",
                    "createdAt": self.stamp(),
                    "vendorItemIds": [line["vendorItemId"] for line in claim["returnItems"]],
                }
            )
            return {"claimNo": str(claim["receiptId"])}
        raise ValueError(f"order {order} has no open claim to withdraw")

    def _receipt(
        self,
        box: Mapping[str, Any],
        kind: str,
        status: str,
        counted: Sequence[tuple[Mapping[str, Any], int]],
        reasons: tuple[str, str, str],
        fault: str,
        release_stop: str = NOT_A_STOP,
        *,
        pickup: bool = False,
    ) -> int:
        """A new return / cancel receipt (listed by ``GET {v6}/returnRequests``) for ``counted`` (item, count)."""
        number, self.next_receipt = self.next_receipt, self.next_receipt + 1
        self.claims.append(
            {
                "claimType": kind,
                "receiptId": number,
                "orderId": box["orderId"],
                "vendorId": box["vendorId"],
                "paymentId": box["orderId"] + 1_000_000,
                "receiptType": kind,
                "receiptStatus": status,
                "createdAt": self.stamp(),
                "modifiedAt": self.stamp(),
                "requesterName": box["receiver"]["name"],
                "requesterPhoneNumber": box["receiver"]["safeNumber"],
                "requesterRealPhoneNumber": None,
                "requesterAddress": box["receiver"]["addr1"],
                "requesterAddressDetail": box["receiver"]["addr2"],
                "requesterZipCode": box["receiver"]["postCode"],
                "cancelReasonCategory1": reasons[0],
                "cancelReasonCategory2": reasons[1],
                "cancelReason": reasons[2],
                "cancelCountSum": sum(count for _, count in counted),
                "returnDeliveryId": number + 20_000_000,
                "returnDeliveryType": "연동택배",
                "releaseStopStatus": release_stop,
                "enclosePrice": 0,
                "faultByType": fault,
                "preRefund": False,
                "completeConfirmDate": "",
                "completeConfirmType": "UNDEFINED",
                "returnItems": [
                    {
                        "vendorItemPackageId": 0,
                        "vendorItemPackageName": i["vendorItemPackageName"],
                        "vendorItemId": i["vendorItemId"],
                        "vendorItemName": i["vendorItemName"],
                        "purchaseCount": i["shippingCount"],
                        "cancelCount": count,
                        "shipmentBoxId": box["shipmentBoxId"],
                        "sellerProductId": i["sellerProductId"],
                        "sellerProductName": i["sellerProductName"],
                    }
                    for i, count in counted
                ],
                # ❓ a return's pick-up is booked at once (연동택배, its 회수 운송장 shown); a cancel has none
                "returnDeliveryDtos": [
                    {"deliveryCompanyCode": "CJGLS", "deliveryInvoiceNo": _pickup_no(number) if pickup else ""}
                ],
            }
        )
        return number

    # -- the vendor's calls ---------------------------------------------------------------------------

    async def _body(self, request: Request) -> dict[str, Any]:
        try:
            body = await read_json(request)
        except ValueError:
            raise error(400, "요청 본문이 올바른 JSON이 아닙니다.") from None
        if not isinstance(body, dict):
            raise error(400, "요청 본문은 JSON 객체여야 합니다.")
        return body

    def _vendor_body(self, body: Mapping[str, Any], vendor: str) -> None:
        if body.get("vendorId") != vendor:
            raise error(400, f"vendorId가 요청 경로의 업체({vendor})와 다릅니다: {body.get('vendorId')}")

    async def ordersheets(self, request: Request) -> Response:
        vendor, _ = self.authorize(request)
        q = request.query_params
        start = _day(q.get("createdAtFrom"), "createdAtFrom", "+09:00")
        end = _day(q.get("createdAtTo"), "createdAtTo", "+09:00")
        if end < start or (end - start).days > MAX_ORDER_DAYS:
            raise error(400, f"조회 기간은 최대 {MAX_ORDER_DAYS}일입니다.")
        status = q.get("status")
        if status not in ORDER_STATUSES:
            raise error(400, f"status 값이 올바르지 않습니다: {status}")
        found = [
            b
            for b in self.boxes.values()
            if b["vendorId"] == vendor
            and b["status"] == status
            and start <= date.fromisoformat(b["orderedAt"][:10]) <= end
        ]
        page, token = _token_page(found, "shipmentBoxId", request)
        shown = [{k: v for k, v in b.items() if k != "vendorId"} for b in page]
        return ok(copy.deepcopy(shown), nextToken=token)

    async def ordersheet(self, request: Request) -> Response:
        """One order sheet (``GET {v5}/ordersheets/{shipmentBoxId}``), as the list shows it."""
        vendor, _ = self.authorize(request)
        box = self._box(vendor, request.path_params["shipmentBoxId"])
        if box is None:
            raise error(404, "배송번호를 찾을 수 없습니다.")
        return ok(copy.deepcopy({k: v for k, v in box.items() if k != "vendorId"}), code="200")  # C1 lookup-order-book

    def _box(self, vendor: str, value: object) -> dict[str, Any] | None:
        box = self.boxes.get(value) if isinstance(value, int) and not isinstance(value, bool) else None
        return box if box is not None and box["vendorId"] == vendor else None

    async def acknowledge(self, request: Request) -> Response:
        vendor, _ = self.authorize(request)
        body = await self._body(request)
        self._vendor_body(body, vendor)
        ids = body.get("shipmentBoxIds")
        if not isinstance(ids, list) or not ids:
            raise error(400, "shipmentBoxIds는 필수입니다.")
        if len(ids) > MAX_BATCH:
            raise error(400, f"shipmentBoxIds는 한 번에 {MAX_BATCH}개까지입니다.")
        results = []
        for value in ids:
            box = self._box(vendor, value)
            if box is None:
                results.append(_item(value, False, "NOT_FOUND_SHIPMENT_BOX", "배송번호를 찾을 수 없습니다.", False))
            elif value in self.flaky_ack:
                self.flaky_ack.discard(value)
                results.append(_item(value, False, "RETRY", "일시적인 오류입니다. 다시 시도해 주세요.", True))
            elif all(i["cancelCount"] >= i["shippingCount"] for i in box["orderItems"]):
                results.append(
                    _item(value, False, "CANCELED", "취소된 주문입니다. 배송상태를 변경할 수 없습니다.", False)
                )
            elif any(i["holdCountForCancel"] > 0 for i in box["orderItems"]):
                message = "취소 요청된 상품이 있어 배송상태를 변경할 수 없습니다."
                results.append(_item(value, False, "CANCEL_REQUESTED", message, False))
            elif box["status"] != "ACCEPT":
                results.append(_item(value, False, "ALREADY_PROCESSED", "이미 발주확인된 주문입니다.", False))
            else:
                box["status"] = "INSTRUCT"
                results.append(_item(value, True, "OK", "", False))
        return ok(_batch(results), code="200")  # C1 product-preparation-processing sample

    async def post_invoices(self, request: Request) -> Response:
        return await self._invoices(request, correct=False)

    async def update_invoices(self, request: Request) -> Response:
        return await self._invoices(request, correct=True)

    async def _invoices(self, request: Request, *, correct: bool) -> Response:
        vendor, _ = self.authorize(request)
        body = await self._body(request)
        self._vendor_body(body, vendor)
        dtos = body.get("orderSheetInvoiceApplyDtos")
        if not isinstance(dtos, list) or not dtos or not all(isinstance(d, dict) for d in dtos):
            raise error(400, "orderSheetInvoiceApplyDtos는 필수입니다.")
        if len(dtos) > MAX_BATCH:
            raise error(400, f"orderSheetInvoiceApplyDtos는 한 번에 {MAX_BATCH}개까지입니다.")
        results = []
        for dto in dtos:
            result = self._invoice(vendor, dto, correct=correct)
            result["vendorItemId"] = dto.get("vendorItemId")
            results.append(result)
        return ok(_batch(results), code=200 if correct else "200")  # C1: invoice-update 200, invoice-upload "200"

    def _invoice(self, vendor: str, dto: Mapping[str, Any], *, correct: bool) -> dict[str, Any]:
        box_id = dto.get("shipmentBoxId")
        box = self._box(vendor, box_id)
        if box is None or dto.get("orderId") != box["orderId"]:
            return _item(box_id, False, "NOT_FOUND_SHIPMENT_BOX", "배송번호 또는 주문번호가 맞지 않습니다.", False)
        item = next((i for i in box["orderItems"] if i["vendorItemId"] == dto.get("vendorItemId")), None)
        if item is None:
            return _item(box_id, False, "NOT_FOUND_VENDOR_ITEM", "이 배송번호에 없는 옵션ID입니다.", False)
        courier = dto.get("deliveryCompanyCode")
        number = dto.get("invoiceNumber")
        if courier not in COURIERS:
            return _item(
                box_id, False, "INVALID_DELIVERY_COMPANY", f"택배사 코드가 올바르지 않습니다: {courier}", False
            )
        if not isinstance(number, str) or not number.isdigit():
            return _item(box_id, False, "INVALID_INVOICE_NUMBER", "송장번호는 숫자여야 합니다.", False)
        if box_id in self.flaky_invoice:
            self.flaky_invoice.discard(box_id)
            return _item(box_id, False, "RETRY", "일시적인 오류입니다. 다시 시도해 주세요.", True)
        if item["cancelCount"] >= item["shippingCount"]:  # ❓ cancelled by the seller (orders/{orderId}/cancel)
            return _item(box_id, False, "CANCELED", "취소된 주문입니다. 송장을 등록할 수 없습니다.", False)
        if any(i["holdCountForCancel"] > 0 for i in box["orderItems"]):
            return _item(
                box_id, False, "CANCEL_REQUESTED", "출고중지 요청된 주문입니다. 송장을 등록할 수 없습니다.", False
            )
        used = any(
            inv["invoiceNumber"] == number and inv["orderId"] != box["orderId"] and inv["current"]
            for inv in self.invoices
        )
        if used:
            return _item(box_id, False, "DUPLICATE_INVOICE", f"이미 사용된 송장번호입니다: {number}", False)
        if correct:
            if box["status"] not in SHIPPED or not item["invoiceNumber"]:
                return _item(box_id, False, "INVALID_STATUS", "송장 수정은 출고 이후에만 할 수 있습니다.", False)
        else:
            if item["invoiceNumber"]:  # ❓ the same invoice again too: §2.6 refuses a number used before
                message = "이미 송장이 등록되었습니다. 송장 수정을 이용하세요."
                return _item(box_id, False, "ALREADY_INVOICED", message, False)
            if box["status"] != "INSTRUCT":
                message = f"상품준비중(INSTRUCT) 상태에서만 송장을 등록할 수 있습니다. 현재: {box['status']}"
                return _item(box_id, False, "INVALID_STATUS", message, False)
        for inv in self.invoices:
            if inv["shipmentBoxId"] == box_id and inv["vendorItemId"] == item["vendorItemId"]:
                inv["current"] = False
        self.invoices.append(
            {
                "shipmentBoxId": box_id,
                "orderId": box["orderId"],
                "vendorItemId": item["vendorItemId"],
                "deliveryCompanyCode": courier,
                "invoiceNumber": number,
                "kind": "update" if correct else "invoice",
                "current": True,
                "at": self.stamp(),
            }
        )
        item["invoiceNumber"], item["deliveryCompanyCode"] = number, courier
        if all(i["invoiceNumber"] for i in box["orderItems"] if i["cancelCount"] < i["shippingCount"]):
            box["status"] = "DEPARTURE" if box["status"] == "INSTRUCT" else box["status"]
            box["invoiceNumber"], box["deliveryCompanyName"] = number, courier
        return _item(box_id, True, "OK", "", False)

    async def cancel_order(self, request: Request) -> Response:
        """주문 상품 취소 처리 (articles/360033843154; C1 delivery-api/ko/instruct-cancel.document.ts).

        The body is checked in C1's errorSpec order, each refusal a 400 in its words. Then per item: it must be an
        item of the order, in ACCEPT (결제완료) or INSTRUCT (상품준비중) and without an invoice ("해당 벤더아이템이
        결제완료/상품지시 중 상태가 아닙니다."), and ask no more than ``shippingCount − (holdCountForCancel +
        cancelCount)`` ("취소 가능한 개수보다 요청한 개수가 더 많습니다."); the items refused are listed in
        ``failedVendorItemIds`` and the message (C1 sample: ``[요청번호] … \\r\\n[id]<= words``). The rest is
        cancelled at once: in ACCEPT a CANCEL receipt, in INSTRUCT a STOP_SHIPMENT one (출고중지), and their
        ``cancelCount`` grows (❓ the refund is not waited for). ``code`` is C1's SUCCESS | PARTIAL | FAIL; FAIL is a 400.
        ❓ Sandbox readings (docs/protocols/coupang.md): items of two boxes in one request are refused (the page asks for
        one request per shipmentBoxId); in ACCEPT the request must take every unit still open in the box (C1: "결제완료
        상태 주문은 전체취소만 가능"); the receipt is listed by returnRequests (cancelType=CANCEL) as RETURNS_COMPLETED.
        """
        vendor, wing = self.authorize(request)
        body = await self._body(request)
        raw = request.path_params["orderId"]
        order_id = body.get("orderId")
        if isinstance(order_id, bool) or not isinstance(order_id, int) or order_id == 0 or str(order_id) != raw:
            raise error(400, NO_ORDER_ID)
        ids, counts = body.get("vendorItemIds"), body.get("receiptCounts")
        if not isinstance(ids, list) or not ids:
            raise error(400, NO_ITEMS)
        if not isinstance(counts, list) or not counts:
            raise error(400, NO_COUNTS)
        if len(ids) != len(counts):
            raise error(400, COUNTS_MISMATCH)
        if any(isinstance(c, bool) or not isinstance(c, int) or c <= 0 for c in counts):
            raise error(400, NO_COUNTS)
        if not body.get("bigCancelCode"):
            raise error(400, NO_BIG)
        if body["bigCancelCode"] != CANCEL_BIG:
            raise error(400, BAD_BIG)
        if not body.get("middleCancelCode"):
            raise error(400, NO_MIDDLE)
        if body["middleCancelCode"] not in CANCEL_MIDDLE:
            raise error(400, BAD_MIDDLE)
        if body.get("vendorId") != vendor:
            raise error(400, BAD_VENDOR)
        if body.get("userId") != wing:
            raise error(400, BAD_USER)
        boxes = [b for b in self.boxes.values() if b["vendorId"] == vendor and b["orderId"] == order_id]
        if not boxes:
            raise error(400, NO_ORDER)
        located = {i["vendorItemId"]: (b, i) for b in boxes for i in b["orderItems"]}
        if len({located[v][0]["shipmentBoxId"] for v in ids if v in located}) > 1:
            raise error(400, ONE_BOX)
        failed: dict[str, list[int]] = {}
        taken: list[tuple[dict[str, Any], dict[str, Any], int]] = []
        for value, count in zip(ids, counts, strict=True):
            box, item = located.get(value, (None, None))
            if box is None or item is None:
                failed.setdefault(ITEM_NOT_ORDERED, []).append(value)
            elif box["status"] not in CANCELLABLE or item["invoiceNumber"]:
                failed.setdefault(NOT_CANCELLABLE, []).append(value)
            elif count > item["shippingCount"] - item["holdCountForCancel"] - item["cancelCount"] - sum(
                n for _, i, n in taken if i is item
            ):
                failed.setdefault(TOO_MANY, []).append(value)
            else:
                taken.append((box, item, count))
        if taken and taken[0][0]["status"] == "ACCEPT":
            box = taken[0][0]
            open_units = sum(i["shippingCount"] - i["holdCountForCancel"] - i["cancelCount"] for i in box["orderItems"])
            if sum(n for _, _, n in taken) < open_units:
                raise error(400, NOT_PARTIAL)
        number = uuid.UUID(int=zlib.crc32(f"{order_id}:{len(self.cancels)}".encode()) << 64)
        # C1's sample: "[요청번호] <uuid> \r\n[<ids>]<= <words>" (a CR LF, then one line per refusal)
        words = "".join(f"\r\n[{', '.join(str(v) for v in values)}]<= {text}" for text, values in failed.items())
        message = f"[요청번호] {number} " + (words or "\r\n")
        receipt: dict[str, Any] = {}
        if taken:
            box = taken[0][0]
            stop = box["status"] == "INSTRUCT"
            for _, item, count in taken:
                item["cancelCount"] += count
                item["canceled"] = item["cancelCount"] >= item["shippingCount"]
            middle = CANCEL_MIDDLE[body["middleCancelCode"]]
            # C1 _warning: a 상품준비중 cancel (출고정지완료) reads 배송불만 / 품절 whatever was sent, "파트너 API 강제 취소"
            reasons = (
                ("배송불만", "품절", "파트너 API 강제 취소")
                if stop
                else ("판매자 취소", middle, "파트너 API 강제 취소")
            )
            counted = [(item, count) for _, item, count in taken]
            receipt_id = self._receipt(
                box, "CANCEL", "RETURNS_COMPLETED", counted, reasons, "VENDOR", STOP_DONE if stop else NOT_A_STOP
            )
            receipt = {
                "receiptId": receipt_id,
                "receiptType": "STOP_SHIPMENT" if stop else "CANCEL",
                "vendorItemIds": [item["vendorItemId"] for _, item, _ in taken],
                "totalCount": sum(count for _, _, count in taken),
            }
        listed = [v for values in failed.values() for v in values]
        code = "SUCCESS" if not listed else "PARTIAL" if taken else "FAIL"
        self.cancels.append({**body, "code": code, "receiptMap": receipt, "failedVendorItemIds": listed})
        data = {"receiptMap": receipt, "orderId": order_id, "failedVendorItemIds": listed}
        return json_response({"code": code, "message": message, "data": data}, 400 if code == "FAIL" else 200)

    async def return_requests(self, request: Request) -> Response:
        """C18, articles/360033919613: ``searchType=timeFrame`` takes ``yyyy-MM-ddTHH:mm`` (its example:
        createdAtFrom=2017-08-27T11:00), without it ``yyyy-MM-dd`` days (C1's day paging); at most 31 days; CANCEL
        takes neither ``status`` nor ``orderId``."""
        vendor, _ = self.authorize(request)
        q = request.query_params
        timeframe = q.get("searchType") == "timeFrame"
        if "searchType" in q and not timeframe:
            raise error(400, f"searchType 값이 올바르지 않습니다: {q.get('searchType')}")
        start = _moment(q.get("createdAtFrom"), "createdAtFrom", timeframe)
        end = _moment(q.get("createdAtTo"), "createdAtTo", timeframe)
        if not timeframe:
            end += timedelta(days=1) - timedelta(seconds=1)  # a day counts whole
        if end < start or end - start > timedelta(days=MAX_ORDER_DAYS):
            raise error(400, f"조회 기간은 최대 {MAX_ORDER_DAYS}일입니다.")
        kind = q.get("cancelType", "RETURN")
        if kind not in ("RETURN", "CANCEL"):
            raise error(400, f"cancelType 값이 올바르지 않습니다: {kind}")
        status = q.get("status")
        if status is not None and (kind == "CANCEL" or status not in RETURN_QUERY):
            raise error(400, f"status 값이 올바르지 않습니다: {status}")
        if "orderId" in q and kind == "CANCEL":
            raise error(400, "cancelType=CANCEL 조회에는 orderId를 넣을 수 없습니다.")
        found = [
            c
            for c in self.claims
            if c["claimType"] == kind
            and c["vendorId"] == vendor
            and start <= datetime.fromisoformat(c["createdAt"]) <= end + timedelta(seconds=59 if timeframe else 0)
            and (status is None or c["receiptStatus"] == RETURN_QUERY[status])
            and ("orderId" not in q or str(c["orderId"]) == q["orderId"])
        ]
        page, token = _token_page(found, "receiptId", request)
        shown = [{k: v for k, v in c.items() if k not in ("claimType", "vendorId")} for c in page]
        return ok(copy.deepcopy(shown), nextToken=token)

    async def exchange_requests(self, request: Request) -> Response:
        vendor, _ = self.authorize(request)
        q = request.query_params
        try:
            start = datetime.fromisoformat(q.get("createdAtFrom", ""))
            end = datetime.fromisoformat(q.get("createdAtTo", ""))
        except ValueError:
            raise error(400, "createdAtFrom/createdAtTo는 yyyy-MM-ddTHH:mm:ss 형식이어야 합니다.") from None
        if end < start or end - start > timedelta(days=MAX_SHORT_DAYS):
            raise error(400, f"교환 조회 기간은 최대 {MAX_SHORT_DAYS}일입니다.")
        status = q.get("status")
        if status is not None and status not in EXCHANGE_STATUSES:
            raise error(400, f"status 값이 올바르지 않습니다: {status}")
        found = [
            c
            for c in self.claims
            if c["claimType"] == "EXCHANGE"
            and c["vendorId"] == vendor
            and start <= datetime.fromisoformat(c["createdAt"]) <= end
            and (status is None or c["exchangeStatus"] == status)
        ]
        page, token = _token_page(found, "exchangeId", request)
        shown = [{k: v for k, v in c.items() if k != "claimType" and not k.startswith("_")} for c in page]
        return ok(copy.deepcopy(shown), nextToken=token)

    # -- 클레임 처리: the seller's answers to receipts and exchanges ----------------------------------------------

    def _claim_id(self, request: Request, name: str) -> int:
        raw = request.path_params[name]
        if not raw.isdigit():  # "ReceiptId는 반드시 number타입이어야 합니다." (C1 return-request-approval-processing)
            raise error(400, f"{name}는 숫자여야 합니다: {raw}")
        return int(raw)

    async def _receipt_call(self, request: Request) -> tuple[dict[str, Any], dict[str, Any]]:
        """(the receipt, the body) of a ``{v4}/returnRequests/{receiptId}/…`` call: the body names the vendor and the
        receipt of the path (C1 tables: vendorId String, receiptId Number)."""
        vendor, _ = self.authorize(request)
        number = self._claim_id(request, "receiptId")
        body = await self._body(request)
        self._vendor_body(body, vendor)
        if body.get("receiptId") != number or isinstance(body.get("receiptId"), bool):
            raise error(400, f"receiptId가 요청 경로와 다릅니다: {body.get('receiptId')}")
        found = next(
            (c for c in self.claims if c.get("receiptId") == number and c["vendorId"] == vendor),
            None,
        )
        if found is None:
            raise error(404, f"반품/취소 접수 정보를 찾을 수 없습니다: {number}")
        return found, body

    @staticmethod
    def _stop_asked(receipt: Mapping[str, Any]) -> None:
        """articles/360034320673, 360033793034: 출고중지완료 and 이미출고 only for 출고중지요청 (RELEASE_STOP_UNCHECKED),
        or 반품접수미확인 (RETURNS_UNCHECKED) with releaseStatus "N" (❓ here: releaseStopStatus 미처리)."""
        if receipt["releaseStopStatus"] != STOP_OPEN or receipt["receiptStatus"] not in (
            "RELEASE_STOP_UNCHECKED",
            "RETURNS_UNCHECKED",
        ):
            raise error(
                400,
                "출고중지요청(미처리) 상태의 접수만 처리할 수 있습니다. "
                f"현재: {receipt['receiptStatus']} ({receipt['releaseStopStatus']})",
            )

    @staticmethod
    def _count(receipt: Mapping[str, Any], body: Mapping[str, Any]) -> None:
        """articles/360023109453: cancelCount is the receipt's cancelCountSum; otherwise the FAQ's error
        (articles/360023108753)."""
        count = body.get("cancelCount")
        if isinstance(count, bool) or count != receipt["cancelCountSum"]:
            raise error(400, COUNT_MISMATCH)

    def _items_of(self, receipt: Mapping[str, Any]) -> list[tuple[dict[str, Any], dict[str, Any], int]]:
        """(box, order item, count) of each line of ``receipt``."""
        out = []
        for line in receipt["returnItems"]:
            box = self.boxes[line["shipmentBoxId"]]
            item = next(i for i in box["orderItems"] if i["vendorItemId"] == line["vendorItemId"])
            out.append((box, item, int(line["cancelCount"])))
        return out

    async def stopped_shipment(self, request: Request) -> Response:
        """출고중지완료 처리 (C1 delivery-api/ko/stop-shipping-complete-processing; articles/360034320673): the box does
        not ship; the units held for the cancel are cancelled, the receipt is 반품완료 with 처리(출고중지) (articles/
        360034152053: "'출고중지' 또는 '이미출고' 처리 시 반품완료 단계로 변경됩니다")."""
        receipt, body = await self._receipt_call(request)
        self._stop_asked(receipt)
        self._count(receipt, body)
        for _, item, count in self._items_of(receipt):
            item["holdCountForCancel"] = max(0, item["holdCountForCancel"] - count)
            item["cancelCount"] += count
            item["canceled"] = item["cancelCount"] >= item["shippingCount"]
        receipt.update(receiptStatus="RETURNS_COMPLETED", releaseStopStatus=STOP_DONE, modifiedAt=self.stamp())
        # C1's sample answer
        return ok({"resultCode": "SUCCESS", "resultMessage": "출고중지완료요청이 성공하였습니다"}, code="200")

    async def completed_shipment(self, request: Request) -> Response:
        """이미출고 처리 (C1 delivery-api/ko/products-already-shipped-processing; articles/360033793034): the seller
        says the box left with ``deliveryCompanyCode`` + ``invoiceNumber``; the box takes that invoice (DEPARTURE) and
        the receipt goes on as a return ("이미출고 처리 시, 반품접수가 진행됩니다", articles/360023108213; C1's sample
        receipt: RETURNS_UNCHECKED with releaseStopStatus 처리(이미출고)), listed under cancelType RETURN (❓)."""
        receipt, body = await self._receipt_call(request)
        courier, number = body.get("deliveryCompanyCode"), body.get("invoiceNumber")
        if courier not in COURIERS:
            raise error(400, f"택배사 코드가 올바르지 않습니다: {courier}")
        if not isinstance(number, str) or not number.isdigit():
            raise error(400, "송장번호는 숫자여야 합니다.")
        self._stop_asked(receipt)
        for box, item, count in self._items_of(receipt):
            item["holdCountForCancel"] = max(0, item["holdCountForCancel"] - count)
            item["invoiceNumber"], item["deliveryCompanyCode"] = number, courier
            box["status"] = "DEPARTURE" if box["status"] in CANCELLABLE else box["status"]
            box["invoiceNumber"], box["deliveryCompanyName"] = number, courier
            self.invoices.append(
                {
                    "shipmentBoxId": box["shipmentBoxId"],
                    "orderId": box["orderId"],
                    "vendorItemId": item["vendorItemId"],
                    "deliveryCompanyCode": courier,
                    "invoiceNumber": number,
                    "kind": "completedShipment",
                    "current": True,
                    "at": self.stamp(),
                }
            )
        receipt.update(
            claimType="RETURN",
            receiptType="RETURN",
            receiptStatus="RETURNS_UNCHECKED",
            releaseStopStatus=STOP_SHIPPED,
            modifiedAt=self.stamp(),
            returnDeliveryDtos=[
                {"deliveryCompanyCode": "CJGLS", "deliveryInvoiceNo": _pickup_no(receipt["receiptId"])}
            ],
        )
        # C1's sample answer, its code and message inside data
        return json_response(
            {
                "data": {
                    "code": "200",
                    "message": "OK",
                    "resultCode": "SUCCESS",
                    "resultMessage": "이미출고 상태변경이 성공하였습니다.",
                }
            }
        )

    async def return_received(self, request: Request) -> Response:
        """반품상품 입고 확인처리 (C1 return-request-product-receipt-confirmation-processing; articles/360034027214):
        "receiptStatus가 반품접수(RETURNS_UNCHECKED)인 반품 건에 대해 처리 가능" → 입고완료 (VENDOR_WAREHOUSE_CONFIRM).
        ❓ The sandbox's receipts are never 빠른환불 (preRefund false), so approval follows; a 출고중지요청 is answered
        with 출고중지완료 or 이미출고 instead."""
        receipt, _ = await self._receipt_call(request)
        if receipt["receiptStatus"] != "RETURNS_UNCHECKED" or receipt["releaseStopStatus"] == STOP_OPEN:
            raise error(
                400,
                "반품접수(RETURNS_UNCHECKED) 상태의 반품만 입고 확인할 수 있습니다. "
                f"현재: {receipt['receiptStatus']} ({receipt['releaseStopStatus']})",
            )
        receipt.update(receiptStatus="VENDOR_WAREHOUSE_CONFIRM", modifiedAt=self.stamp())
        return json_response({"code": "200", "message": "OK"})  # C1's sample answer

    async def return_approval(self, request: Request) -> Response:
        """반품요청 승인 처리 (C1 return-request-approval-processing; articles/360034562513): "receiptStatus가
        입고완료(VENDOR_WAREHOUSE_CONFIRM)인 반품 건에 대해 처리 가능"; cancelCount the receipt's count → 반품완료, the
        returned units counted on the order (cancelCount)."""
        receipt, body = await self._receipt_call(request)
        if receipt["receiptStatus"] != "VENDOR_WAREHOUSE_CONFIRM":
            raise error(
                400,
                "입고완료(VENDOR_WAREHOUSE_CONFIRM) 상태의 반품만 승인할 수 있습니다. "
                f"현재: {receipt['receiptStatus']}",
            )
        self._count(receipt, body)
        for _, item, count in self._items_of(receipt):
            item["cancelCount"] = min(item["shippingCount"], item["cancelCount"] + count)
        stamp = self.stamp()
        receipt.update(
            receiptStatus="RETURNS_COMPLETED",
            completeConfirmType="VENDOR_CONFIRM",
            completeConfirmDate=stamp,
            modifiedAt=stamp,
        )
        return json_response({"code": "200", "message": "OK"})  # C1's sample answer

    async def withdraw_list(self, request: Request) -> Response:
        """반품철회 이력 접수번호로 조회 (C1 return-api/ko/lookup-return-cancel-list): ``cancelIds`` numbers, at most 50."""
        vendor, _ = self.authorize(request)
        body = await self._body(request)
        ids = body.get("cancelIds")
        if not isinstance(ids, list) or not ids or any(isinstance(i, bool) or not isinstance(i, int) for i in ids):
            raise error(400, "cancelIds는 number 타입이어야 합니다.")
        if len(ids) > MAX_WITHDRAW_IDS:
            raise error(400, f"cancelIds는 한 번에 최대 {MAX_WITHDRAW_IDS}개까지 조회할 수 있습니다.")
        found = [
            {k: v for k, v in w.items() if k != "vendorId"} | {"vendorId": vendor}
            for w in self.withdrawals
            if w["vendorId"] == vendor and w["cancelId"] in ids
        ]
        return ok(copy.deepcopy(found), code="200")

    async def _exchange_call(self, request: Request) -> tuple[dict[str, Any], Any]:
        vendor, _ = self.authorize(request)
        number = self._claim_id(request, "exchangeId")
        body: Any
        try:
            body = await read_json(request)
        except ValueError:
            raise error(400, "요청 본문이 올바른 JSON이 아닙니다.") from None
        found = next(
            (
                c
                for c in self.claims
                if c["claimType"] == "EXCHANGE" and c["exchangeId"] == number and c["vendorId"] == vendor
            ),
            None,
        )
        if found is None:
            raise error(404, f"교환 접수 정보를 찾을 수 없습니다: {number}")
        for one in body if isinstance(body, list) else [body]:
            if not isinstance(one, dict):
                raise error(400, "요청 본문은 JSON 객체여야 합니다.")
            self._vendor_body(one, vendor)
            if one.get("exchangeId") != number or isinstance(one.get("exchangeId"), bool):
                raise error(400, f"exchangeId가 요청 경로와 다릅니다: {one.get('exchangeId')}")
        return found, body

    @staticmethod
    def _exchange_open(exchange: Mapping[str, Any]) -> None:
        status = exchange["exchangeStatus"]
        if status == "CANCEL":
            raise error(400, "고객이 철회한 교환입니다.")
        if status in ("SUCCESS", "REJECT"):
            raise error(400, f"이미 처리된 교환입니다: {status}")

    async def exchange_received(self, request: Request) -> Response:
        """교환요청상품 입고 확인처리 (C1 exchange-request-product-receipt-confirmation-processing; articles/
        360034027834): the goods are back → 업체전달완료 (CompleteCollect) and the re-send box appears in
        deliveryInvoiceGroupDtos (articles/360034027954; ❓ at once here, Coupang: "최대 10분")."""
        exchange, body = await self._exchange_call(request)
        if isinstance(body, list):
            raise error(400, "요청 본문은 JSON 객체여야 합니다.")
        self._exchange_open(exchange)
        if exchange["collectStatus"] == "CompleteCollect":
            raise error(400, "이미 입고 확인된 교환입니다.")
        box, self.next_exchange_box = self.next_exchange_box, self.next_exchange_box + 1
        stamp = self.stamp()
        exchange.update(
            exchangeStatus="PROGRESS",
            exchangeStatusLabel="PROGRESS",
            collectStatus="CompleteCollect",
            collectCompleteDate=stamp,
            rejectable=False,
            deliveryInvoiceModifiable=True,
            modifiedByType="VENDOR",
            modifiedAt=stamp,
            deliveryInvoiceGroupDtos=[
                {
                    "shipmentBoxId": box,
                    "boxPrice": 0,
                    "orderId": exchange["orderId"],
                    "orderType": "EXCHANGE",
                    "customerType": "",
                    "bundleType": "",
                    "extraMessage": "",
                    "shippingDeliveryType": "EXCHANGE_DELIVERY",
                    "deliveryInvoiceDtos": [],
                }
            ],
        )
        return json_response({"code": "200", "message": "SUCCESS"})  # C1's sample answer

    async def exchange_rejection(self, request: Request) -> Response:
        """교환요청 거부 처리 (C1 exchange-request-deny-processing; articles/360034027874): exchangeRejectCode SOLDOUT |
        WITHDRAW, only while the exchange is ``rejectable`` (C1: "교환 불가처리 가능여부"; ❓ here: before 입고 확인)."""
        exchange, body = await self._exchange_call(request)
        if isinstance(body, list):
            raise error(400, "요청 본문은 JSON 객체여야 합니다.")
        if body.get("exchangeRejectCode") not in EXCHANGE_REJECT_CODES:
            raise error(400, BAD_REJECT_CODE)
        self._exchange_open(exchange)
        if not exchange["rejectable"]:
            raise error(400, "교환 불가처리를 할 수 없는 교환입니다(입고 확인 이후).")
        exchange.update(
            exchangeStatus="REJECT",
            exchangeStatusLabel="REJECT",
            rejectable=False,
            modifiedByType="VENDOR",
            modifiedAt=self.stamp(),
            _rejectCode=body["exchangeRejectCode"],
        )
        return json_response(  # C1's sample answer
            {"code": "200", "message": "SUCCESS", "data": {"resultCode": "SUCCESS", "resultMessage": "요청 처리완료"}}
        )

    async def exchange_invoices(self, request: Request) -> Response:
        """교환상품 송장 업로드 처리 (C1 processing-exchange-product-invoice-upload; articles/360034027954): the body is a
        list (C1's sample: one object per re-send box), each with the new ``shipmentBoxId`` of deliveryInvoiceGroupDtos;
        only once collectStatus is 업체전달완료. Checked whole before anything is kept. ❓ The same invoice again is a
        success that changes nothing; another number on a box that has one is refused."""
        exchange, body = await self._exchange_call(request)
        if not isinstance(body, list) or not body:
            raise error(400, "요청 본문은 교환 송장 목록(JSON 배열)이어야 합니다.")
        self._exchange_open(exchange)
        if exchange["collectStatus"] != "CompleteCollect":
            raise error(400, "회수상태가 업체전달완료(CompleteCollect)일 때만 교환 송장을 등록할 수 있습니다.")
        groups = {g["shipmentBoxId"]: g for g in exchange["deliveryInvoiceGroupDtos"]}
        todo = []
        for one in body:
            group = groups.get(one.get("shipmentBoxId")) if not isinstance(one.get("shipmentBoxId"), bool) else None
            if group is None:
                raise error(
                    400,
                    f"교환 배송번호(shipmentBoxId)가 올바르지 않습니다: {one.get('shipmentBoxId')}. 입고 확인 후 "
                    "deliveryInvoiceGroupDtos의 shipmentBoxId를 넣으세요.",
                )
            courier, number = one.get("goodsDeliveryCode"), one.get("invoiceNumber")
            if courier not in COURIERS:
                raise error(400, f"택배사 코드가 올바르지 않습니다: {courier}")
            if not isinstance(number, str) or not number.isdigit():
                raise error(400, "송장번호는 숫자여야 합니다.")
            held = [i["invoiceNumber"] for i in group["deliveryInvoiceDtos"]]
            if held and held != [number]:
                raise error(400, f"이미 송장이 등록된 교환 배송입니다: {held[-1]}")
            if not held:
                todo.append((group, courier, number))
        stamp = self.stamp()
        for group, courier, number in todo:
            group["deliveryInvoiceDtos"] = [
                {
                    "invoiceNumber": number,
                    "estimatedDeliveryDate": "",
                    "deliveredDate": "",
                    "statusModifiedAt": stamp,
                    "invoiceNumberUploadDate": stamp,
                    "statusCode": "DEPARTURE",
                    "deliverCode": courier,
                    "isMainShipmentInvoice": True,
                    "parcelType": "",
                    "invoiceVendorItemDtos": [
                        {
                            "vendorItemId": line["targetItemId"],
                            "quantity": line["quantity"],
                            "hasAdditionalItem": False,
                            "promiseDeliveryDate": "",
                            "estimatedShippingDate": "",
                        }
                        for line in exchange["exchangeItemDtoV1s"]
                    ],
                }
            ]
        if todo:
            exchange.update(deliveryStatus="CompleteDirection", modifiedByType="VENDOR", modifiedAt=stamp)
        return json_response(  # C1's sample answer
            {
                "code": "200",
                "message": "SUCCESS",
                "data": {"resultCode": "SUCCESS", "resultMessage": "Invoice number save successfully"},
            }
        )

    def _inquiry_days(self, request: Request) -> tuple[date, date]:
        q = request.query_params
        start = _day(q.get("inquiryStartAt"), "inquiryStartAt")
        end = _day(q.get("inquiryEndAt"), "inquiryEndAt")
        if end < start or (end - start).days > MAX_SHORT_DAYS:
            raise error(400, f"문의 조회 기간은 최대 {MAX_SHORT_DAYS}일입니다.")
        return start, end

    def _listed(self, kind: str, vendor: str, start: date, end: date) -> list[dict[str, Any]]:
        return [
            q
            for q in self.inquiries
            if q["kind"] == kind and q["vendorId"] == vendor and start <= date.fromisoformat(q["inquiryAt"][:10]) <= end
        ]

    @staticmethod
    def _shown(q: Mapping[str, Any]) -> dict[str, Any]:
        return copy.deepcopy({k: v for k, v in q.items() if k not in ("kind", "vendorId", "answered")})

    async def online_inquiries(self, request: Request) -> Response:
        vendor, _ = self.authorize(request)
        start, end = self._inquiry_days(request)
        answered = request.query_params.get("answeredType", "ALL")
        if answered not in ("ALL", "ANSWERED", "NOANSWER"):
            raise error(400, f"answeredType 값이 올바르지 않습니다: {answered}")
        found = [
            self._shown(q)
            for q in self._listed("online", vendor, start, end)
            if answered == "ALL" or q["answered"] == (answered == "ANSWERED")
        ]
        return ok(number_page(found, request), code="200")  # C1 lookup-customer-inquiry-by-product sample

    async def callcenter_inquiries(self, request: Request) -> Response:
        """C24/C25, C1 lookup-coupang-call-center-inquiry: ``partnerCounselingStatus`` NONE | ANSWER | NO_ANSWER |
        TRANSFER filters; ``pageSize`` "Default 10, max = 30"; items' ``vendorItemId`` is a list (C1 sample)."""
        vendor, _ = self.authorize(request)
        start, end = self._inquiry_days(request)
        status = request.query_params.get("partnerCounselingStatus")
        if status not in CALLCENTER_QUERY:
            raise error(400, f"partnerCounselingStatus 값이 올바르지 않습니다: {status}")
        found = []
        for q in self._listed("callcenter", vendor, start, end):
            self._close_if_late(q)
            if CALLCENTER_QUERY[status] in (None, q["csPartnerCounselingStatus"]):
                found.append({**self._shown(q), "vendorItemId": [q["vendorItemId"]]})
        return ok(number_page(found, request, MAX_CALLCENTER_PAGE))

    def _find_inquiry(self, kind: str, vendor: str, raw: str) -> dict[str, Any]:
        found = next(
            (q for q in self.inquiries if q["kind"] == kind and q["vendorId"] == vendor and str(q["inquiryId"]) == raw),
            None,
        )
        if found is None:
            raise error(404, f"문의를 찾을 수 없습니다: {raw}")
        return found

    async def callcenter_one(self, request: Request) -> Response:
        """articles/20376877844249: one inquiry, ``vendorItemId`` a number."""
        vendor, _ = self.authorize(request)
        found = self._find_inquiry("callcenter", vendor, request.path_params["inquiryId"])
        self._close_if_late(found)
        return ok(self._shown(found))

    def _close_if_late(self, found: dict[str, Any]) -> None:
        """articles/360034156233: 24 h unanswered, Coupang adds its notice and the inquiry turns 답변완료."""
        if found["csPartnerCounselingStatus"] != "requestAnswer":
            return
        asked = datetime.fromisoformat(found["inquiryAt"]).replace(tzinfo=KST)
        if self.now() - asked <= timedelta(hours=CALLCENTER_ANSWER_HOURS):
            return
        closed = (asked + timedelta(hours=CALLCENTER_ANSWER_HOURS)).strftime("%Y-%m-%d %H:%M:%S")
        for reply in found["replies"]:
            if reply["partnerTransferStatus"] == "requestAnswer":
                reply["partnerTransferStatus"], reply["needAnswer"] = "answered", False
        found["replies"].append(
            {
                "receptionistName": "쿠팡 시스템",
                "receptionist": "system",
                "replyAt": closed,
                "content": CALLCENTER_LATE,
                "answerId": self._answer_id(),
                "parentAnswerId": 0,
                "partnerTransferStatus": None,
                "partnerTransferCompleteReason": "NONE",
                "answerType": "csAgent",
                "needAnswer": False,
            }
        )
        found["csPartnerCounselingStatus"], found["answeredAt"] = "answered", closed

    def _check_answer(self, body: Mapping[str, Any], vendor: str, wing: str) -> str:
        self._vendor_body(body, vendor)
        content = body.get("content")
        if not isinstance(content, str) or not content.strip():
            raise error(400, "content는 필수입니다.")
        if len(content) > ANSWER_LIMIT:
            raise error(400, f"답변은 {ANSWER_LIMIT}자까지입니다.")
        if body.get("replyBy") != wing:
            raise error(400, f"replyBy는 WING 로그인 아이디여야 합니다: {body.get('replyBy')}")
        return content

    async def online_reply(self, request: Request) -> Response:
        vendor, wing = self.authorize(request)
        found = self._find_inquiry("online", vendor, request.path_params["inquiryId"])
        body = await self._body(request)
        content = self._check_answer(body, vendor, wing)
        if found["answered"]:
            raise error(400, "이미 답변이 등록된 문의입니다.")
        found["answered"] = True
        found["commentDtoList"].append(
            {
                "inquiryCommentId": self._answer_id(),
                "inquiryId": found["inquiryId"],
                "content": content,
                "inquiryCommentAt": self.stamp().replace("T", " "),
            }
        )
        self.answers.append({"kind": "online", "inquiryId": found["inquiryId"], **body})
        return json_response({"code": "200", "message": "OK"})

    async def callcenter_reply(self, request: Request) -> Response:
        """C1 answer-to-coupang-call-center-inquiry and articles/360034156233: only while inquiryStatus:progress and
        partnerTransferStatus:requestAnswer; ``inquiryId`` (String) and ``parentAnswerId`` (Number) as written,
        Jackson-style (its sample quotes both)."""
        vendor, wing = self.authorize(request)
        found = self._find_inquiry("callcenter", vendor, request.path_params["inquiryId"])
        body = await self._body(request)
        content = self._check_answer(body, vendor, wing)
        if str(body.get("inquiryId")) != str(found["inquiryId"]):
            raise error(400, f"inquiryId가 요청 경로와 다릅니다: {body.get('inquiryId')}")
        self._close_if_late(found)
        asking = [r for r in found["replies"] if r["partnerTransferStatus"] == "requestAnswer"]
        if found["inquiryStatus"] != "progress" or not asking:
            raise error(400, CALLCENTER_DONE)
        parent = str(body.get("parentAnswerId"))
        if parent not in {str(r["answerId"]) for r in asking}:
            raise error(400, f"parentAnswerId가 올바르지 않습니다: {body.get('parentAnswerId')}")
        for reply in asking:
            if str(reply["answerId"]) == parent:
                reply["partnerTransferStatus"], reply["needAnswer"] = "answered", False
        found["csPartnerCounselingStatus"], found["answeredAt"] = "answered", self.stamp().replace("T", " ")
        found["answered"] = True
        found["replies"].append(
            {
                "receptionistName": wing,
                "receptionist": wing,
                "replyAt": found["answeredAt"],
                "content": content,
                "answerId": self._answer_id(),
                "parentAnswerId": int(parent),
                "partnerTransferStatus": None,
                "partnerTransferCompleteReason": "NONE",
                "answerType": "vendor",
                "needAnswer": False,
            }
        )
        self.answers.append({"kind": "callcenter", **body})
        return json_response({"code": "200", "message": "OK"})

    def _answer_id(self) -> int:
        number, self.next_answer = self.next_answer, self.next_answer + 1
        return number


def _pickup_no(number: int) -> str:
    """The 회수 운송장 number the sandbox books for a receipt or exchange (12 digits, like C1's "840806808800")."""
    return f"84{number:010d}"


def _item(box: object, succeed: bool, code: str, message: str, retry: bool) -> dict[str, Any]:
    return {
        "shipmentBoxId": box,
        "succeed": succeed,
        "resultCode": code,
        "retryRequired": retry,
        "resultMessage": message,
    }


def _batch(results: list[dict[str, Any]]) -> dict[str, Any]:
    """``data`` of a batch call: responseCode 0 success, 1 partial failure, 99 failure (§2.2); ``responseKey`` as in
    C1's product-preparation-processing sample."""
    good = sum(1 for r in results if r["succeed"])
    code, message = (0, "SUCCESS") if good == len(results) else (99, "FAILED") if good == 0 else (1, "PARTIAL_ERRORS")
    key = -7_326_489_997_410_939_972 + zlib.crc32(",".join(str(r["shipmentBoxId"]) for r in results).encode())
    return {"responseKey": key, "responseCode": code, "responseMessage": message, "responseList": results}
