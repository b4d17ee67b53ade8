"""Naver Commerce orders, claims and inquiries in the sandbox (marketplaces.md §3.3, §3.4).

Written from Naver's pages on apicenter.commerce.naver.com (public copies named beside each rule), apart from
``batch.marketplaces``. Routes, under ``/external`` and behind the gateway of ``naver.NaverMarket.api``:

* ``GET /v1/pay-order/seller/product-orders/last-changed-statuses``: the change feed. ``lastChangedFrom`` is
  required (ISO-8601 with offset, inclusive); ``lastChangedTo`` defaults to from + 24 h; at most 24 h;
  ``limitCount`` ≤ 300 (default 300); ``moreSequence`` continues from ``more.moreFrom``
  (…/seller-get-last-changed-status-pay-order-seller).
* ``POST …/product-orders/query`` ``{"productOrderIds": ≤ 300}`` (…/seller-get-product-orders-pay-order-seller).
* ``POST …/product-orders/confirm`` ``{"productOrderIds": ≤ 30}`` and ``…/dispatch``
  ``{"dispatchProductOrders": ≤ 30}``: "요청 가능한 상품 주문 번호는 최대 30개입니다." on both pages
  (…/seller-confirm-placed-product-orders-pay-order-seller, …/seller-dispatch-product-orders-pay-order-seller);
  per-item ``success…`` / ``failProductOrderInfos[{productOrderId, code, message}]`` with the codes of their
  "오류 코드 정의" table (``ITEM_CODES``).
* ``POST …/product-orders/{productOrderId}/claim/cancel/request`` ``{"cancelReason", "cancelDetailedReason"?,
  "cancelQuantity"?}`` (판매자 취소 요청, apicenter seller-request-cancel-pay-order-seller, a per-endpoint copy):
  ``cancelReason`` required, one of ``SELLER_CANCEL_REASONS``; ``cancelDetailedReason`` "500자 제한";
  only "발송 처리 전 상태(결제완료·발주확인·발송지연)"; answers "(성공/실패) 상품 주문 처리 내역"
  ``{successProductOrderIds, failProductOrderInfos[{productOrderId, code, message}]}`` with the order pages'
  "오류 코드 정의" codes (100001 not found, 104442 상품 주문 상태 확인 필요).
* ``GET /v1/contents/qnas``, ``PUT /v1/contents/qnas/{questionId}`` → 204 (get-comments-contents,
  create-or-update-answer-contents); ``GET /v1/pay-user/inquiries`` (get-customer-inquiry-pay-user),
  ``POST /v1/pay-merchant/inquiries/{inquiryNo}/answer`` (insert-inquiry-answer-pay-merchant; a second answer is
  400 ``ERR-NC-101010``).

Order bodies are ``{"timestamp", "traceId", "data"}`` ("traceId … required" on every order page); errors are
``{"code", "message", "invalidInputs", "timestamp", "traceId"}`` (the error example of create-or-update-answer-contents).
The sandbox's readings where the pages are silent (❓):

* The feed lists each product order once, with its latest change, when that change is inside the window; the
  feed's ``productOrderStatus`` is the one at that change (it lags; ``query`` has the current one). 발주확인 is
  not a ``lastChangedType`` and does not move the feed.
* Which documented code answers which case: 104443 (발주 상태 확인 필요) for confirming a confirmed order and for
  dispatching an unconfirmed one; 104442 (상품 주문 상태 확인 필요) for claimed, cancelled or already dispatched orders;
  a whole-call 400 carries code ``4000`` (잘못된 요청 파라미터); ``9999`` (기타) is the fault tests inject.
* Dispatch only after 발주확인 (PAYED + placeOrderStatus OK); it moves the product order to DELIVERING. Only
  ``DELIVERY`` is supported here.
* Claims (the buyer's, their states and the seller's claim calls) are ``naver_claims.NaverDesk``'s; this desk keeps
  them in ``self.claims`` and leaves their objects in the query answer to ``add_claims``.
* A product order with a buyer's cancel request (``CANCEL_REQUEST``) may still be dispatched once confirmed: "취소
  요청 거부는 … 요청된 주문건(상품주문번호)을 발송 처리함으로서 취소 요청을 거부하는 방법만 가능합니다" (commerce-api-naver
  Discussion #2823, as a production client quotes it; #923 "구매자 취소 요청 거부 + 발송 처리가 동시에 진행"): the
  claim becomes ``CANCEL_REJECT`` (취소 철회) and the order DELIVERING.
* Answers are at most ``MAX_ANSWER`` characters (1,000).
* A seller's cancel request is final at once: the product order becomes CANCELED with a ``CANCEL`` claim
  ``CANCEL_DONE`` (요청 채널 판매자), as a production client treats it ("판매자취소 완료" after the request alone) —
  the per-endpoint copy's prose speaks of a 취소요청 state and a later approval; the adapter counts an accepted
  request as done either way. A refused one (cancelled already, shipped, a claim open) answers 104442 in
  ``failProductOrderInfos``, a repeat too. A ``cancelQuantity`` below the line's quantity (a partial cancel) is
  refused whole: the sandbox keeps one quantity per product order.
* Seeding takes ``qty`` (every seeded line has it) and ``product`` (an ``originProductNo`` or channel product number
  of the store's products on sale: every line is of it).
"""

from __future__ import annotations

import copy
import random
from collections.abc import Awaitable, Callable, Mapping
from contextvars import ContextVar
from datetime import datetime, timedelta, timezone
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from batch.sandbox.faults import Clock
from batch.sandbox.tmon_orders import DELIVERY_MEMOS, GIVEN_NAMES, PLACES, SURNAMES
from batch.sandbox.tmon_qna import QUESTIONS, TYPES
from batch.sandbox.web import Reject, empty_response, json_response, read_json

KST = timezone(timedelta(hours=9))
Handler = Callable[[Request, str], Awaitable[Response]]
Api = Callable[[str, Handler], Callable[[Request], Awaitable[Response]]]
Catalogue = Callable[[str], list[dict[str, Any]]]

ORDERS = "/external/v1/pay-order/seller/product-orders"
MAX_WINDOW_MS = 24 * 3600 * 1000
MAX_LIMIT = 300
MAX_QUERY = 300
MAX_CONFIRM = (
    30  # "요청 가능한 상품 주문 번호는 최대 30개입니다." (…/seller-confirm-placed-product-orders-pay-order-seller)
)
MAX_DISPATCH = 30  # the same sentence on …/seller-dispatch-product-orders-pay-order-seller
MAX_PAGE = 100  # qnas: "페이지당 최대 100건까지 조회할 수 있습니다." (get-comments-contents)
INQUIRY_SIZES = (10, 200)  # "페이지당 10~200건의 문의를 조회할 수 있습니다." (get-customer-inquiry-pay-user)
MAX_ANSWER = 1_000
MAX_SEED = 10_000
MAX_QTY = 999  # the most a seeded line may order (the sandbox's own bound)
SEED_KEYS = frozenset({"market", "orders", "inquiries", "seed", "vendor", "qty", "product"})
DEFAULT_STORE = "sandbox-naver"
COURIERS = ("CJGLS", "HYUNDAI", "HANJIN", "KGB", "EPOST", "KDEXP", "CH1")
# the "오류 코드 정의" table of confirm and dispatch (both pages, clipped 2025-09-26), the codes the sandbox uses
ITEM_CODES = {
    "4000": "잘못된 요청 파라미터",
    "9999": "기타",
    "100001": "상품 주문을 찾을 수 없음",
    "104118": "택배사 미입력",
    "104119": "택배사 코드 확인",
    "104120": "송장 번호 미입력",
    "104121": "배송 송장 오류(기사용 송장)",
    "104131": "상품 주문 번호 중복",
    "104442": "상품 주문 상태 확인 필요",
    "104443": "발주 상태 확인 필요",
}
ALREADY_ANSWERED = "ERR-NC-101010"  # "해당 문의에 이미 답변이 존재하는 경우" (insert-inquiry-answer-pay-merchant)
CONTENTS_BAD = (
    "BAD_REQUEST"  # "400 잘못된 요청 - code : BAD_REQUEST" (get-comments-contents, create-or-update-answer-contents)
)
INQUIRY_BAD = "ERR-NC-101001"  # "정상적인 요청이 아닌 경우" (insert-inquiry-answer-pay-merchant)
BAD = "4000"  # ❓ the code of a whole-call 400 on the order pages: their per-item "잘못된 요청 파라미터"
TRACE: ContextVar[str] = ContextVar("naver_trace", default="")  # the GNCP-GW-Trace-ID of the request being answered
DISPATCHED = ("DELIVERING", "DELIVERED", "PURCHASE_DECIDED")
# a claim still open (claimStatus.pay-order-seller): the product order takes no new claim, confirm or dispatch
OPEN_CLAIM = (
    "CANCEL_REQUEST",
    "CANCELING",
    "RETURN_REQUEST",
    "EXCHANGE_REQUEST",
    "COLLECTING",
    "COLLECT_DONE",
    "EXCHANGE_REDELIVERING",
)
# "클레임 요청 사유" of the seller's cancel request (apicenter seller-request-cancel-pay-order-seller)
SELLER_CANCEL_REASONS = {
    "INTENT_CHANGED": "구매 의사 취소",
    "COLOR_AND_SIZE": "색상 및 사이즈 변경",
    "WRONG_ORDER": "다른 상품 잘못 주문",
    "PRODUCT_UNSATISFIED": "서비스 불만족",
    "DELAYED_DELIVERY": "배송 지연",
    "SOLD_OUT": "상품 품절",
    "INCORRECT_INFO": "상품 정보 상이",
}
MAX_CANCEL_DETAIL = 500  # cancelDetailedReason "취소 상세 사유. 500자 제한"

# (productId, name, sale price, options (name, extra price)) when the store has no products of its own
SYNTHETIC = (
    ("8100000001", "국산 햇사과 5kg", 29900, (("가정용 5kg", 0), ("선물용 5kg", 6000), ("가정용 10kg", 23000))),
    ("8100000002", "무항생제 유정란", 12900, (("30구", 0), ("60구", 11000))),
    ("8100000003", "남성 기본 라운드 티셔츠", 9900, (("화이트 / M", 0), ("화이트 / L", 0), ("블랙 / M", 0))),
    ("8100000004", "스테인리스 텀블러 500ml", 15900, (("실버", 0), ("네이비", 1000))),
    ("8100000005", "유기농 현미 4kg", 21900, ()),
)


def stamp(moment: float) -> str:
    """ISO-8601 in KST with milliseconds, as Naver writes times: ``2026-11-28T17:55:33.123+09:00``."""
    return datetime.fromtimestamp(moment, KST).isoformat(timespec="milliseconds")


def _ms(moment: float) -> int:
    return round(moment * 1000)


class NaverOrders:
    """The order desk and the inquiry desk of every store in the sandbox."""

    def __init__(self, *, clock: Clock, api: Api, products: Catalogue) -> None:
        self.clock = clock
        self.products = products
        self.routes = [
            Route(f"{ORDERS}/last-changed-statuses", api("GET last-changed-statuses", self.feed), methods=["GET"]),
            Route(f"{ORDERS}/query", api("POST product-orders/query", self.query), methods=["POST"]),
            Route(f"{ORDERS}/confirm", api("POST product-orders/confirm", self.confirm), methods=["POST"]),
            Route(f"{ORDERS}/dispatch", api("POST product-orders/dispatch", self.dispatch), methods=["POST"]),
            Route(
                f"{ORDERS}/{{productOrderId}}/claim/cancel/request",
                api("POST claim/cancel/request", self.request_cancel),
                methods=["POST"],
            ),
            Route("/external/v1/contents/qnas", api("GET contents/qnas", self.list_qnas), methods=["GET"]),
            Route(
                "/external/v1/contents/qnas/{questionId}", api("PUT contents/qnas", self.answer_qna), methods=["PUT"]
            ),
            Route(
                "/external/v1/pay-user/inquiries", api("GET pay-user/inquiries", self.list_inquiries), methods=["GET"]
            ),
            Route(
                "/external/v1/pay-merchant/inquiries/{inquiryNo}/answer",
                api("POST pay-merchant/inquiries/answer", self.answer_inquiry),
                methods=["POST"],
            ),
        ]
        self.reset()

    def reset(self) -> None:
        self.orders: dict[str, dict[str, Any]] = {}  # orderId -> order
        self.lines: dict[str, dict[str, Any]] = {}  # productOrderId -> product order (with internal keys)
        self.claims: dict[str, dict[str, Any]] = {}  # claimId -> claim
        self.invoices: list[dict[str, Any]] = []
        self.qnas: dict[int, dict[str, Any]] = {}
        self.inquiries: dict[int, dict[str, Any]] = {}
        self.answers: list[dict[str, Any]] = []
        self.transient: dict[str, int] = {}  # productOrderId -> TEMPORARY_ERROR answers still to give (tests)
        self.sequence = 0
        self.next_claim = 3_000_000_001
        self.next_question = 600_000_001
        self.next_inquiry = 700_000_001
        self.next_answer = 900_000_001

    def snapshot(self) -> dict[str, Any]:
        orders = [
            {
                "orderId": line["orderId"],
                "productOrderId": line["productOrderId"],
                "store": line["store"],
                "productId": line["productId"],
                "sellerProductCode": line["sellerProductCode"],
                "optionManageCode": line["optionManageCode"],
                "quantity": line["quantity"],
                "productOrderStatus": line["productOrderStatus"],
                "placeOrderStatus": line["placeOrderStatus"],
                "claimType": line["claimType"],
                "claimStatus": line["claimStatus"],
                "lastChangedType": line["lastChangedType"],
            }
            for line in self.lines.values()
        ]
        inquiries = [
            {
                "kind": "qna",
                "id": str(q["questionId"]),
                "inquiry_no": f"qna:{q['questionId']}",
                "store": q["store"],
                "answered": q["answered"],
            }
            for q in self.qnas.values()
        ] + [
            {
                "kind": "inquiry",
                "id": str(i["inquiryNo"]),
                "inquiry_no": f"inquiry:{i['inquiryNo']}",
                "store": i["store"],
                "answered": i["answered"],
            }
            for i in self.inquiries.values()
        ]
        return copy.deepcopy(
            {
                "orders": orders,
                "invoices": self.invoices,
                "claims": list(self.claims.values()),
                "inquiries": inquiries,
                "answers": self.answers,
            }
        )

    # -- helpers ---------------------------------------------------------------------------------------

    def error(self, status: int, code: str, message: str, inputs: list[dict[str, str]] | None = None) -> Reject:
        body = {
            "code": code,
            "message": message,
            "invalidInputs": inputs or [],
            "timestamp": stamp(self.clock()),
            "traceId": TRACE.get(),
        }
        return Reject(json_response(body, status))

    def answer(self, data: Any) -> Response:
        return json_response({"timestamp": stamp(self.clock()), "traceId": TRACE.get(), "data": data})

    async def body(self, request: Request, code: str = BAD) -> dict[str, Any]:
        try:
            body = await read_json(request)
        except ValueError:
            raise self.error(400, code, "요청 본문이 올바른 JSON이 아닙니다.") from None
        if not isinstance(body, dict):
            raise self.error(400, code, "요청 본문은 JSON 객체여야 합니다.")
        return body

    def moment(self, name: str, value: str | None, *, required: bool = True, code: str = BAD) -> int | None:
        """An ISO-8601 time with offset, as epoch milliseconds."""
        if not value:
            if required:
                raise self.error(400, code, f"{name}은(는) 필수입니다.", [_input(name, "NotNull")])
            return None
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            parsed = None
        if parsed is None or parsed.tzinfo is None:
            message = f"{name}은(는) 2026-01-01T00:00:00.000+09:00 형식이어야 합니다: {value}"
            raise self.error(400, code, message, [_input(name, "DateTimeFormat")])
        return _ms(parsed.timestamp())

    def changed(self, line: dict[str, Any], kind: str) -> None:
        self.sequence += 1
        line.update(
            lastChangedType=kind,
            lastChangedMs=_ms(self.clock()),
            sequence=self.sequence,
            feedStatus=line["productOrderStatus"],
        )

    def page(self, request: Request, sizes: tuple[int, int], code: str) -> tuple[int, int]:
        low, high = sizes
        raw_page, raw_size = request.query_params.get("page", "1"), request.query_params.get("size", str(high))
        if not raw_page.isdigit() or not raw_size.isdigit() or int(raw_page) < 1 or not low <= int(raw_size) <= high:
            raise self.error(400, code, f"page는 1 이상, size는 {low}~{high}입니다.")
        return int(raw_page), int(raw_size)

    def answered_filter(self, request: Request, code: str) -> bool | None:
        raw = request.query_params.get("answered")
        if raw not in (None, "true", "false"):
            raise self.error(400, code, "answered는 true 또는 false입니다.")
        return None if raw is None else raw == "true"

    # -- orders ----------------------------------------------------------------------------------------

    async def feed(self, request: Request, store: str) -> Response:
        params = request.query_params
        start = self.moment("lastChangedFrom", params.get("lastChangedFrom"))
        assert start is not None
        end = self.moment("lastChangedTo", params.get("lastChangedTo"), required=False)
        end = start + MAX_WINDOW_MS if end is None else end
        if end < start:
            raise self.error(400, BAD, "lastChangedTo가 lastChangedFrom보다 빠릅니다.")
        if end - start > MAX_WINDOW_MS:
            raise self.error(400, BAD, "조회 기간은 최대 24시간입니다.", [_input("lastChangedTo", "Range")])
        raw_limit, raw_seq = params.get("limitCount", str(MAX_LIMIT)), params.get("moreSequence")
        if not raw_limit.isdigit() or not 1 <= int(raw_limit) <= MAX_LIMIT:
            raise self.error(400, BAD, f"limitCount는 1~{MAX_LIMIT}입니다.")
        if raw_seq is not None and not raw_seq.isdigit():
            raise self.error(400, BAD, "moreSequence가 올바르지 않습니다.")
        kind = params.get("lastChangedType")
        after = (start, int(raw_seq) if raw_seq else 0)
        found = sorted(
            (
                line
                for line in self.lines.values()
                if line["store"] == store
                and start <= line["lastChangedMs"] <= end
                and (line["lastChangedMs"], line["sequence"]) >= after
                and (kind is None or line["lastChangedType"] == kind)
            ),
            key=lambda line: (line["lastChangedMs"], line["sequence"]),
        )
        limit = int(raw_limit)
        entries = []
        for line in found[:limit]:
            order = self.orders[line["orderId"]]
            entry = {
                "orderId": line["orderId"],
                "productOrderId": line["productOrderId"],
                "lastChangedType": line["lastChangedType"],
                "lastChangedDate": stamp(line["lastChangedMs"] / 1000),
                "productOrderStatus": line["feedStatus"],
                "paymentDate": order["paymentDate"],
                "receiverAddressChanged": False,  # the feed's field (…/seller-get-last-changed-status-pay-order-seller)
            }
            if line["claimType"]:
                entry.update(claimType=line["claimType"], claimStatus=line["claimStatus"])
            entries.append(entry)
        data: dict[str, Any] = {"lastChangeStatuses": entries, "count": len(entries)}
        if len(found) > limit:
            nxt = found[limit]
            data["more"] = {"moreFrom": stamp(nxt["lastChangedMs"] / 1000), "moreSequence": str(nxt["sequence"])}
        return self.answer(data)

    def ids(self, body: Mapping[str, Any], field: str, limit: int) -> list[str]:
        ids = body.get(field)
        if not isinstance(ids, list) or not ids or not all(isinstance(i, str) and i for i in ids):
            raise self.error(400, BAD, f"{field}는 상품주문번호 문자열의 목록입니다.", [_input(field, "NotEmpty")])
        if len(ids) > limit:
            raise self.error(400, BAD, f"{field}는 한 번에 {limit}개까지입니다.", [_input(field, "Size")])
        return ids

    def line_of(self, number: str, store: str) -> dict[str, Any] | None:
        line = self.lines.get(number)
        return line if line is not None and line["store"] == store else None

    async def query(self, request: Request, store: str) -> Response:
        ids = self.ids(await self.body(request), "productOrderIds", MAX_QUERY)
        out = []
        for number in ids:
            line = self.line_of(number, store)
            if line is not None:
                out.append(self.detail(line))
        return self.answer(out)

    def detail(self, line: dict[str, Any]) -> dict[str, Any]:
        order = self.orders[line["orderId"]]
        public = {k: v for k, v in line.items() if k not in INTERNAL}
        item: dict[str, Any] = {
            "order": {k: v for k, v in order.items() if k != "store"},
            "productOrder": public,
        }
        if line["delivery"] is not None:
            item["delivery"] = line["delivery"]
        self.add_claims(item, line)
        return item

    def add_claims(self, item: dict[str, Any], line: Mapping[str, Any]) -> None:
        """The claim objects of ``line`` in its query answer: ``naver_claims.NaverDesk`` writes them."""

    async def confirm(self, request: Request, store: str) -> Response:
        ids = self.ids(await self.body(request), "productOrderIds", MAX_CONFIRM)
        success, fail = [], []
        for number in ids:
            line = self.line_of(number, store)
            problem = self.injected_problem(number)
            if problem is None and line is None:
                problem = ("100001", "상품 주문을 찾을 수 없습니다.")
            elif problem is None and line is not None:
                problem = self.confirm_problem(line)
            if problem is not None:
                fail.append({"productOrderId": number, "code": problem[0], "message": problem[1]})
                continue
            assert line is not None
            line.update(placeOrderStatus="OK", placeOrderDate=stamp(self.clock()))
            success.append({"productOrderId": number, "isReceiverAddressChanged": False})
        return self.answer({"successProductOrderInfos": success, "failProductOrderInfos": fail})

    def injected_problem(self, number: str) -> tuple[str, str] | None:
        """A failure tests inject per product order: Naver's ``9999`` (기타, "정의되지 않은 오류 코드")."""
        left = self.transient.get(number, 0)
        if left <= 0:
            return None
        self.transient[number] = left - 1
        return ("9999", "처리 중 오류가 발생했습니다.")

    @staticmethod
    def confirm_problem(line: Mapping[str, Any]) -> tuple[str, str] | None:
        if line["claimStatus"] in OPEN_CLAIM:
            return ("104442", f"클레임({line['claimType']})이 진행 중인 상품주문은 발주확인할 수 없습니다.")
        if line["productOrderStatus"] != "PAYED":
            return ("104442", f"발주확인할 수 없는 상태입니다: {line['productOrderStatus']}")
        if line["placeOrderStatus"] == "OK":
            return ("104443", "이미 발주확인된 상품주문입니다.")
        return None

    async def dispatch(self, request: Request, store: str) -> Response:
        items = (await self.body(request)).get("dispatchProductOrders")
        if not isinstance(items, list) or not items:
            raise self.error(
                400, BAD, "dispatchProductOrders는 필수입니다.", [_input("dispatchProductOrders", "NotEmpty")]
            )
        if len(items) > MAX_DISPATCH:
            message = f"dispatchProductOrders는 한 번에 {MAX_DISPATCH}개까지입니다."
            raise self.error(400, BAD, message, [_input("dispatchProductOrders", "Size")])
        success, fail = [], []
        seen: set[str] = set()
        for raw in items:
            item = raw if isinstance(raw, dict) else {}
            number = str(item.get("productOrderId") or "")
            problem = ("104131", "상품 주문 번호가 중복되었습니다.") if number in seen else None
            seen.add(number)
            problem = problem or self.dispatch_problem(item, number, store)
            if problem is not None:
                fail.append({"productOrderId": number, "code": problem[0], "message": problem[1]})
                continue
            line = self.lines[number]
            line["productOrderStatus"] = "DELIVERING"
            if line["claimStatus"] == "CANCEL_REQUEST":  # Discussion #2823: dispatching refuses the cancel request
                line["claimStatus"] = self.claims[line["claimId"]]["claimStatus"] = "CANCEL_REJECT"
            line["delivery"] = {
                "deliveryCompany": item["deliveryCompanyCode"],
                "trackingNumber": item["trackingNumber"],
                "deliveryMethod": item["deliveryMethod"],
                "sendDate": item["dispatchDate"],
                "deliveryStatus": "DELIVERING",
                "isWrongTrackingNumber": False,
                "pickupDate": None,
                "deliveredDate": None,
            }
            self.changed(line, "DISPATCHED")
            self.invoices.append(
                {
                    "productOrderId": number,
                    "orderId": line["orderId"],
                    "store": store,
                    "deliveryMethod": item["deliveryMethod"],
                    "deliveryCompanyCode": item["deliveryCompanyCode"],
                    "trackingNumber": item["trackingNumber"],
                    "dispatchDate": item["dispatchDate"],
                }
            )
            success.append(number)
        return self.answer({"successProductOrderIds": success, "failProductOrderInfos": fail})

    def dispatch_problem(self, item: Mapping[str, Any], number: str, store: str) -> tuple[str, str] | None:
        if not number:
            return ("4000", "productOrderId는 필수입니다.")
        if not isinstance(item.get("deliveryCompanyCode"), str) or not item["deliveryCompanyCode"]:
            return ("104118", "택배사를 입력하세요.")
        if not isinstance(item.get("trackingNumber"), str) or not item["trackingNumber"]:
            return ("104120", "송장 번호를 입력하세요.")
        if item.get("deliveryMethod") != "DELIVERY":
            return ("4000", f"택배 발송(DELIVERY)만 지원합니다: {item.get('deliveryMethod')}")
        try:
            when = datetime.fromisoformat(str(item.get("dispatchDate") or ""))
        except ValueError:
            when = None
        if when is None or when.tzinfo is None:
            return ("4000", f"dispatchDate 형식이 올바르지 않습니다: {item.get('dispatchDate')}")
        company, tracking = item["deliveryCompanyCode"], item["trackingNumber"]
        if company not in COURIERS:
            return ("104119", f"택배사 코드를 확인하세요: {company}")
        problem = self.injected_problem(number)
        if problem is not None:
            return problem
        line = self.line_of(number, store)
        if line is None:
            return ("100001", "상품 주문을 찾을 수 없습니다.")
        if line["productOrderStatus"] in DISPATCHED:
            sent = line["delivery"] or {}
            message = f"이미 발송처리된 상품주문입니다 ({sent.get('deliveryCompany')} {sent.get('trackingNumber')})."
            return ("104442", message)
        cancel_asked = line["claimStatus"] == "CANCEL_REQUEST"  # may be dispatched: it refuses the request (#2823)
        if (line["claimStatus"] in OPEN_CLAIM and not cancel_asked) or line["productOrderStatus"] != "PAYED":
            return ("104442", "취소·반품 요청 중이거나 취소된 상품주문은 발송처리할 수 없습니다.")
        if line["placeOrderStatus"] != "OK":
            return ("104443", "발주확인 후 발송처리할 수 있습니다.")
        for other in self.lines.values():
            sent = other["delivery"]
            if (
                sent is not None
                and other["orderId"] != line["orderId"]
                and (sent["deliveryCompany"], sent["trackingNumber"]) == (company, tracking)
            ):
                return ("104121", f"다른 주문에 이미 등록된 송장번호입니다: {tracking}")
        return None

    async def request_cancel(self, request: Request, store: str) -> Response:
        """판매자 취소 요청: final at once (CANCELED, claim CANCEL_DONE); refused per product order with 100001 or
        104442 (the order pages' "오류 코드 정의"); a body Naver would not take is a whole-call 400."""
        number = request.path_params["productOrderId"]
        body = await self.body(request)
        reason = body.get("cancelReason")
        if reason not in SELLER_CANCEL_REASONS:
            message = f"cancelReason은 필수이며 {', '.join(SELLER_CANCEL_REASONS)} 중 하나입니다: {reason}"
            raise self.error(400, BAD, message, [_input("cancelReason", "NotNull" if reason is None else "Enum")])
        detail = body.get("cancelDetailedReason")
        if detail is not None and (not isinstance(detail, str) or len(detail) > MAX_CANCEL_DETAIL):
            message = f"cancelDetailedReason은 {MAX_CANCEL_DETAIL}자까지입니다."
            raise self.error(400, BAD, message, [_input("cancelDetailedReason", "Size")])
        line = self.line_of(number, store)
        quantity = body.get("cancelQuantity")
        if quantity is not None and (
            not isinstance(quantity, int) or isinstance(quantity, bool) or not 1 <= quantity <= MAX_QTY
        ):
            raise self.error(400, BAD, "cancelQuantity는 1 이상입니다.", [_input("cancelQuantity", "Min")])
        problem = self.injected_problem(number)
        if problem is None:
            problem = self.cancel_problem(line, quantity)
        if problem is not None:
            fail = [{"productOrderId": number, "code": problem[0], "message": problem[1]}]
            return self.answer({"successProductOrderIds": [], "failProductOrderInfos": fail})
        assert line is not None
        claim_id = str(self.next_claim)
        self.next_claim += 1
        now = stamp(self.clock())
        self.claims[claim_id] = {
            "claimId": claim_id,
            "kind": "cancel",
            "claimType": "CANCEL",
            "claimStatus": "CANCEL_DONE",
            "productOrderId": number,
            "orderId": line["orderId"],
            "store": store,
            "reason": detail,  # cancelDetailedReason as sent (None when not)
            "reasonCode": reason,
            "requestChannel": "판매자",
            "claimRequestDate": now,
        }
        line.update(productOrderStatus="CANCELED", claimType="CANCEL", claimStatus="CANCEL_DONE", claimId=claim_id)
        self.changed(line, "CLAIM_COMPLETED")
        return self.answer({"successProductOrderIds": [number], "failProductOrderInfos": []})

    @staticmethod
    def cancel_problem(line: Mapping[str, Any] | None, quantity: int | None) -> tuple[str, str] | None:
        """Why a seller may not cancel ``line`` now: only "발송 처리 전 상태(결제완료·발주확인·발송지연)"."""
        if line is None:
            return ("100001", "상품 주문을 찾을 수 없습니다.")
        if line["productOrderStatus"] == "CANCELED":
            return ("104442", "이미 취소된 상품주문입니다.")
        if line["productOrderStatus"] in DISPATCHED:
            return ("104442", "발송처리된 상품주문은 취소할 수 없습니다. 반품으로 처리하세요.")
        if line["claimStatus"] in OPEN_CLAIM:
            return ("104442", f"클레임({line['claimType']})이 진행 중인 상품주문은 취소할 수 없습니다.")
        if line["productOrderStatus"] != "PAYED":
            return ("104442", f"취소할 수 없는 상태입니다: {line['productOrderStatus']}")
        if quantity is not None and quantity != line["quantity"]:
            return ("4000", f"부분 취소(cancelQuantity {quantity}/{line['quantity']})는 샌드박스가 받지 않습니다.")
        return None

    # -- seeding ---------------------------------------------------------------------------------------

    def seed(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """``orders`` new paid orders and/or ``inquiries`` new inquiries for the store ``vendor`` (a client id)."""
        unknown = sorted(set(data) - SEED_KEYS)
        if unknown:
            raise ValueError(f"unknown keys {unknown}; known: {sorted(SEED_KEYS)}")
        seed, store = data.get("seed", 0), data.get("vendor", DEFAULT_STORE)
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise ValueError(f"seed must be an integer, got {seed!r}")
        if not isinstance(store, str) or not store:
            raise ValueError(f"vendor must be a non-empty string, got {store!r}")
        counts = {}
        for key in ("orders", "inquiries"):
            value = data.get(key, 0)
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_SEED:
                raise ValueError(f"{key} must be an integer in [0, {MAX_SEED}], got {value!r}")
            counts[key] = value
        if not counts["orders"] and not counts["inquiries"]:
            raise ValueError("orders or inquiries must be at least 1")
        qty = data.get("qty")
        if qty is not None and (isinstance(qty, bool) or not isinstance(qty, int) or not 1 <= qty <= MAX_QTY):
            raise ValueError(f"qty must be an integer in [1, {MAX_QTY}], got {qty!r}")
        rng = random.Random(f"naver:{seed}")
        catalogue = self.products(store) or [_synthetic(p) for p in SYNTHETIC]
        wanted = data.get("product")
        if wanted is not None:
            if not isinstance(wanted, str) or not wanted:
                raise ValueError(f"product must be a product number (a non-empty string), got {wanted!r}")
            catalogue = [p for p in catalogue if wanted in (p["productId"], p.get("originProductNo"))]
            if not catalogue:
                raise ValueError(
                    f"product {wanted!r} is not a product on sale in store {store!r} "
                    "(give its originProductNo or channel product number)"
                )
        orders = [self.make_order(rng, store, catalogue, qty) for _ in range(counts["orders"])]
        inquiries = [self.make_inquiry(rng, store, catalogue, i) for i in range(counts["inquiries"])]
        return {"orders": orders, "inquiries": inquiries}

    def number(self, rng: random.Random, taken: Mapping[str, Any]) -> str:
        day = datetime.fromtimestamp(self.clock(), KST).strftime("%Y%m%d")
        while True:
            value = f"{day}{rng.randrange(10**7, 10**8)}"
            if value not in taken:
                return value

    def make_order(
        self, rng: random.Random, store: str, catalogue: list[dict[str, Any]], quantity: int | None = None
    ) -> str:
        """One paid order of 1–3 lines drawn from ``catalogue``; every line orders ``quantity`` when given."""
        now = self.clock()
        paid = now - rng.uniform(60, 2 * 86400)
        order_id = self.number(rng, self.orders)
        (surname, _), (given, roman) = rng.choice(SURNAMES), rng.choice(GIVEN_NAMES)
        buyer, phone = surname + given, _phone(rng)
        receiver, receiver_phone = (
            (buyer, phone)
            if rng.random() < 0.7
            else (rng.choice(SURNAMES)[0] + rng.choice(GIVEN_NAMES)[0], _phone(rng))
        )
        zip_code, _, street, _ = rng.choice(PLACES)
        detail = f"{rng.randint(101, 115)}동 {rng.randint(1, 25)}{rng.randint(1, 4):02d}호"
        self.orders[order_id] = {
            "orderId": order_id,
            "store": store,
            "orderDate": stamp(paid - rng.uniform(5, 60)),
            "paymentDate": stamp(paid),
            "ordererId": f"{roman[:3]}****",
            "ordererName": buyer,
            "ordererTel": phone,
            "paymentMeans": rng.choice(("신용카드", "네이버페이 포인트", "계좌이체")),
            "payLocationType": rng.choice(("MOBILE", "PC")),
        }
        count = rng.choice((1, 1, 1, 1, 2, 3))
        memo = rng.choice(DELIVERY_MEMOS)
        for index in range(count):
            product = rng.choice(catalogue)
            options = product["options"] or [("", 0, "", None)]
            text, extra, manage_code, code = rng.choice(options)
            drawn = rng.choice((1, 1, 1, 2, 3))  # drawn either way: the same seed draws the same orders
            qty = drawn if quantity is None else quantity
            unit = int(product["price"])
            total = (unit + extra) * qty
            discount = rng.choice((0, 0, 0, 1000)) if total > 5000 else 0
            number = self.number(rng, self.lines)
            line: dict[str, Any] = {
                "productOrderId": number,
                "orderId": order_id,
                "store": store,
                "productOrderStatus": "PAYED",
                "placeOrderStatus": "NOT_YET",
                "placeOrderDate": None,
                "productId": product["productId"],
                "originalProductId": product.get("originProductNo"),
                "productName": product["name"],
                "productOption": text or None,
                "optionCode": None if code is None else str(code),
                "optionManageCode": manage_code or None,
                "sellerProductCode": product.get("sellerProductCode") or None,
                "quantity": qty,
                "initialQuantity": qty,
                "remainQuantity": qty,
                "unitPrice": unit,
                "optionPrice": extra,
                "totalProductAmount": total,
                "productDiscountAmount": discount,
                "totalPaymentAmount": total - discount,
                "deliveryFeeAmount": (3000 if total < 30_000 else 0) if index == 0 else 0,
                "shippingAddress": {
                    "name": receiver,
                    "tel1": receiver_phone,
                    "tel2": "",
                    "zipCode": zip_code,
                    "baseAddress": street,
                    "detailedAddress": detail,
                    "addressType": "DOMESTIC",
                },
                "shippingMemo": memo,
                "claimType": None,
                "claimStatus": None,
                "claimId": None,
                "delivery": None,
            }
            self.lines[number] = line
            self.sequence += 1
            line.update(
                lastChangedType="PAYED",
                lastChangedMs=_ms(paid),
                sequence=self.sequence,
                feedStatus="PAYED",
            )
        return order_id

    def make_inquiry(self, rng: random.Random, store: str, catalogue: list[dict[str, Any]], index: int) -> str:
        now = self.clock()
        asked = stamp(now - rng.uniform(60, 3 * 86400))
        (surname, _), (given, roman) = rng.choice(SURNAMES), rng.choice(GIVEN_NAMES)
        masked = f"{roman[:3]}****"
        mine = [line for line in self.lines.values() if line["store"] == store]
        if index % 2 == 0:
            product = rng.choice(catalogue)
            _, question = rng.choice(QUESTIONS["상품"])
            number = self.next_question
            self.next_question += 1
            self.qnas[number] = {
                "questionId": number,
                "store": store,
                "productId": int(product["productId"]),  # integer(int64) on get-comments-contents
                "productName": product["name"],
                "question": question,
                "answer": None,
                "answered": False,
                "createDate": asked,
                "maskedWriterId": masked,
            }
            return f"qna:{number}"
        category = rng.choice(TYPES)
        title, content = rng.choice(QUESTIONS[category])
        line = rng.choice(mine) if mine and rng.random() < 0.7 else None
        number = self.next_inquiry
        self.next_inquiry += 1
        self.inquiries[number] = {
            "inquiryNo": number,
            "store": store,
            "category": category,
            "title": title,
            "inquiryContent": content,
            "inquiryRegistrationDateTime": asked,
            "answered": False,
            "answerContentId": None,
            "answerContent": None,
            "answerTemplateNo": None,
            "answerRegistrationDateTime": None,
            "orderId": line["orderId"] if line else None,
            "productOrderIdList": line["productOrderId"] if line else None,
            "productNo": line["productId"] if line else None,
            "productName": line["productName"] if line else None,
            "productOrderOption": line["productOption"] if line else None,
            "customerId": masked,
            "customerName": f"{surname}*{given[-1]}",
        }
        return f"inquiry:{number}"

    # -- inquiries ---------------------------------------------------------------------------------------

    async def list_qnas(self, request: Request, store: str) -> Response:
        """``GET /v1/contents/qnas``: ``fromDate``/``toDate`` date-time required, ``page`` from 1, ``size`` ≤ 100,
        ``answered``; a Spring page of ``contents`` (get-comments-contents). Errors say ``BAD_REQUEST``."""
        params = request.query_params
        start = self.moment("fromDate", params.get("fromDate"), code=CONTENTS_BAD)
        end = self.moment("toDate", params.get("toDate"), code=CONTENTS_BAD)
        assert start is not None and end is not None
        page, size = self.page(request, (1, MAX_PAGE), CONTENTS_BAD)
        answered = self.answered_filter(request, CONTENTS_BAD)
        found = [
            q
            for q in self.qnas.values()
            if q["store"] == store
            and start <= _ms(datetime.fromisoformat(q["createDate"]).timestamp()) <= end
            and (answered is None or q["answered"] == answered)
        ]
        body = _paged("contents", [_public(q) for q in found], page, size)
        body["sort"] = {"sorted": False, "fields": []}
        return json_response(body)

    async def answer_qna(self, request: Request, store: str) -> Response:
        """``PUT /v1/contents/qnas/{questionId}`` ``{"commentContent"}`` → 204; it registers or overwrites
        ("상품 문의의 답변을 등록하거나 수정할 수 있습니다.", create-or-update-answer-contents)."""
        raw = request.path_params["questionId"]
        question = self.qnas.get(int(raw)) if raw.isdigit() else None
        if question is None or question["store"] != store:
            raise self.error(404, "NOT_FOUND", f"문의를 찾을 수 없습니다: {raw}")
        body = await self.body(request, CONTENTS_BAD)
        content = self.content(body.get("commentContent"), "commentContent", CONTENTS_BAD)
        question.update(answer=content, answered=True)
        number = question["questionId"]
        self.answers.append(
            {"kind": "qna", "id": str(number), "inquiry_no": f"qna:{number}", "store": store, "content": content}
        )
        return empty_response(204)

    def content(self, value: object, field: str, code: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.error(400, code, "답변 내용이 비어 있습니다.", [_input(field, "NotBlank")])
        if len(value) > MAX_ANSWER:
            raise self.error(400, code, f"답변은 {MAX_ANSWER}자까지입니다.", [_input(field, "Size")])
        return value

    async def list_inquiries(self, request: Request, store: str) -> Response:
        """``GET /v1/pay-user/inquiries``: ``startSearchDate``/``endSearchDate`` yyyy-MM-dd required, ``page``
        1~1000000, ``size`` 10~200, ``answered``; a Spring page of ``content`` (get-customer-inquiry-pay-user)."""
        days = []
        for name in ("startSearchDate", "endSearchDate"):
            value = request.query_params.get(name, "")
            try:
                days.append(datetime.strptime(value, "%Y-%m-%d").date())
            except ValueError:
                raise self.error(400, INQUIRY_BAD, f"{name}은(는) yyyy-MM-dd 형식입니다: {value}") from None
        page, size = self.page(request, INQUIRY_SIZES, INQUIRY_BAD)
        answered = self.answered_filter(request, INQUIRY_BAD)
        found = [
            _public(i)
            for i in self.inquiries.values()
            if i["store"] == store
            and days[0] <= datetime.fromisoformat(i["inquiryRegistrationDateTime"]).date() <= days[1]
            and (answered is None or i["answered"] == answered)
        ]
        chunk = found[(page - 1) * size : page * size]
        total_pages = max(1, -(-len(found) // size))
        unsorted = {"sorted": False, "unsorted": True, "empty": True}
        return json_response(
            {
                "content": chunk,
                "pageable": {
                    "pageNumber": page - 1,
                    "pageSize": size,
                    "sort": dict(unsorted),
                    "paged": True,
                    "unpaged": False,
                    "offset": (page - 1) * size,
                },
                "totalPages": total_pages,
                "totalElements": len(found),
                "first": page == 1,
                "last": page >= total_pages,
                "number": page - 1,
                "sort": dict(unsorted),
                "numberOfElements": len(chunk),
                "size": size,
                "empty": not chunk,
            }
        )

    async def answer_inquiry(self, request: Request, store: str) -> Response:
        """``POST /v1/pay-merchant/inquiries/{inquiryNo}/answer`` ``{"answerComment", "answerTemplateId"?}``:
        ``{code, message, data, timestamp, traceId}``; 400 ``ERR-NC-101004`` no such inquiry, ``ERR-NC-101010`` already
        answered, ``ERR-NC-101001`` not a proper request (insert-inquiry-answer-pay-merchant)."""
        raw = request.path_params["inquiryNo"]
        inquiry = self.inquiries.get(int(raw)) if raw.isdigit() else None
        if inquiry is None or inquiry["store"] != store:
            raise self.error(400, "ERR-NC-101004", f"문의 번호에 해당하는 문의가 없거나 삭제되었습니다: {raw}")
        content = self.content(
            (await self.body(request, INQUIRY_BAD)).get("answerComment"), "answerComment", INQUIRY_BAD
        )
        if inquiry["answered"]:
            raise self.error(400, ALREADY_ANSWERED, "해당 문의에 이미 답변이 존재합니다.")
        number = self.next_answer
        self.next_answer += 1
        inquiry.update(
            answered=True,
            answerContentId=number,
            answerContent=content,
            answerRegistrationDateTime=stamp(self.clock()),
        )
        ident = inquiry["inquiryNo"]
        self.answers.append(
            {"kind": "inquiry", "id": str(ident), "inquiry_no": f"inquiry:{ident}", "store": store, "content": content}
        )
        body = {
            "code": "SUCCESS",  # ❓ the page gives the fields, not their values
            "message": "답변이 등록되었습니다.",
            "data": {"answerContentId": number},
            "timestamp": stamp(self.clock()),
            "traceId": TRACE.get(),
        }
        return json_response(body)


INTERNAL = frozenset({"store", "delivery", "lastChangedType", "lastChangedMs", "sequence", "feedStatus"})


def _public(item: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in item.items() if k != "store"}


def _paged(key: str, items: list[dict[str, Any]], page: int, size: int) -> dict[str, Any]:
    total_pages = max(1, -(-len(items) // size))
    return {
        key: items[(page - 1) * size : page * size],
        "page": page,
        "size": size,
        "totalElements": len(items),
        "totalPages": total_pages,
        "first": page == 1,
        "last": page >= total_pages,
    }


def _input(name: str, kind: str) -> dict[str, str]:
    return {"name": name, "type": kind, "message": f"{name}: {kind}"}


def _phone(rng: random.Random) -> str:
    return f"050{rng.randint(1, 9)}-{rng.randint(1000, 9999)}-{rng.randint(0, 9999):04d}"  # 안심번호 (§6)


def _synthetic(entry: tuple[str, str, int, tuple[tuple[str, int], ...]]) -> dict[str, Any]:
    number, name, price, options = entry
    return {
        "productId": number,
        "originProductNo": None,
        "name": name,
        "price": price,
        "sellerProductCode": None,
        "options": [(text, extra, "", int(number) * 100 + i) for i, (text, extra) in enumerate(options)],
    }
