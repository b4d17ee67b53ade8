"""TMON inquiries in the sandbox (marketplaces.md §1.4): product Q&A (상품문의) and CS inquiries (고객센터 이관).

Routes, all under ``/api/{vendorId}`` with the deals' auth (bearer token, partner headers, the token's vendor):

* ``GET /qnas?startDate=&endDate=&answered=&per=&page=``: ``{"items", "hasNext"}``; an item carries what [T1]
  ``module/prod/ProdServiceImpl.java`` ``insertQna`` reads (``articleNo``, ``dealNo``, ``dealTitle``, ``createDate``,
  ``content``, ``writer``, ``tmonOrderNo``) — [T2] ``PaTmonCounselController.qnaList`` reads the same but the title
  and writer.
* ``POST /qnas/{articleNo}/replies`` with ``{"content"}``: 200 with the plain-text body ``OK``.
* ``GET /cs-inquiry/list?startDate=&endDate=&answered=&per=&page=``: ``{"items", "hasNext"}``; an item carries what
  [T1] ``insertCsQna`` reads from it (``csInquirySeqNo``, ``csInquiryMessageGroupSeqNo``, ``dealNo``,
  ``dealTitle``, ``orderNo``, ``writer``, ``categoryInfo.name``, ``emergencyYn``, ``heavyClaimYn``).
* ``GET /cs-inquiry/detail/{csInquirySeqNo}``: [T1] reads ``customerMessage``; [T2] ``setQnaCsListInfo`` reads
  ``csInquirySeqNo``, ``dealNo``, ``orderNo``, ``categoryInfo.seqNo``, ``optionDealInfoList[].optionDealNo`` and
  ``inquiryMessageGroupList[]{csInquiryMessageGroupSeqNo, createDate, counselorInquiry.message}``.
* ``POST /cs-inquiry/save/{csInquirySeqNo}/{csInquiryMessageGroupSeqNo}`` with ``{"message"}`` ([T1]
  ``updateCsQnaAnswer``): ``{"success": true}`` ([T2] ``setQnaCsListInfoInsert`` reads ``success`` and
  ``message``).

The sandbox's own readings, where the sources leave TMON's behaviour open (❓ in marketplaces.md):

* Times are KST on the app's clock. ``startDate``/``endDate`` are ``yyyy-MM-dd`` [T2], inclusive days, at most
  7 days apart (the orders' rule); inquiries are matched on ``createDate``, oldest first.
* ``answered`` is ``true`` or ``false`` ([T1] sends ``false`` on both lists; [T2] leaves it out of the CS list);
  absent lists both. ``per`` is 1–100 (50 when absent; both clients send 50), ``page`` from 1. Whether an inquiry
  is answered is the sandbox's own state: no source shows a flag for it in an answer.
* An answer is 1–1,000 characters (``INVALID_CONTENT``); an inquiry takes one answer (``ALREADY_ANSWERED``).
* A reply's success answer is ``OK`` as ``text/plain`` ([T1] reads it as a string with ``callString``; [T2]
  ``PaTmonConnectUtil``: "상품문의 답변 response형식이 좀 다름").
* ``writer`` is the buyer's id masked (first 3 characters, then ``*``), not encrypted, as the seller centre shows it.
* ``categoryInfo.seqNo`` numbers (1 상품, 2 배송, 3 반품, 4 교환, 5 기타) are ours; each CS inquiry has one
  message group; ``optionDealInfoList`` items carry ``optionDealNo`` ([T2]) and ``dealOptionTitle`` (ours).
  ``counselorInquiry.message`` (TMON's counsellor passing the case on) and ``customerMessage`` (the buyer's words)
  are the same text here.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from batch.sandbox.faults import Clock
from batch.sandbox.tmon_orders import (
    DAY,
    GIVEN_NAMES,
    MAX_WINDOW,
    SURNAMES,
    SYNTHETIC_DEALS,
    Authorize,
    CatalogDeal,
    as_number,
    read_object,
    reject,
    required,
    stamp,
)
from batch.sandbox.web import Reject, endpoint, json_response

MAX_ANSWER = 1_000  # characters
DEFAULT_PER, MAX_PER = 50, 100
MAX_SEED_INQUIRIES = 10_000
SEED_KEYS = frozenset({"market", "orders", "inquiries", "seed", "vendor", "qty", "product"})  # qty: orders only
SEED_DAYS = 3  # seeded inquiries are dated within the last 3 days of the app clock
FIRST_ARTICLE_NO = 20_000_001
FIRST_CS_SEQ_NO = 500_001
FIRST_GROUP_SEQ_NO = 900_001

TYPES = ("상품", "배송", "반품", "교환", "기타")  # inquiryType; categoryInfo.name
CATEGORY_SEQ = {name: number for number, name in enumerate(TYPES, start=1)}  # ours

# (title, body) a buyer writes, by inquiry type
QUESTIONS: dict[str, tuple[tuple[str, str], ...]] = {
    "상품": (
        ("재입고 문의", "품절된 옵션 재입고 예정 있나요?"),
        ("정품 문의", "정품 맞나요? 보증서도 같이 오나요?"),
        ("구성 문의", "세트 구성에 케이스도 포함되어 있나요?"),
        ("유통기한 문의", "유통기한이 언제까지인가요?"),
    ),
    "배송": (
        ("배송 문의", "언제 배송되나요?"),
        ("출고 문의", "오늘 주문하면 내일 받을 수 있나요?"),
        ("배송지 변경", "배송지를 회사 주소로 변경하고 싶어요."),
        ("배송 지연", "주문한 지 5일이 지났는데 아직 배송 준비중이에요."),
    ),
    "반품": (
        ("반품 문의", "단순 변심인데 반품 가능한가요? 반품비는 얼마인가요?"),
        ("불량 반품", "받아보니 제품이 파손되어 있어요. 반품 부탁드립니다."),
        ("반품 회수", "반품 신청했는데 회수 기사님이 언제 오시나요?"),
    ),
    "교환": (
        ("사이즈 교환", "사이즈 교환 가능한가요?"),
        ("색상 교환", "블랙으로 교환하고 싶은데 어떻게 하나요?"),
        ("교환 배송", "교환 신청한 상품은 언제 다시 보내주시나요?"),
    ),
    "기타": (
        ("영수증 문의", "현금영수증 발행 가능한가요?"),
        ("대량 구매", "20개 이상 대량 구매 시 할인되나요?"),
        ("포장 문의", "선물용 포장 가능할까요?"),
    ),
}
# Bodies for testing that text stays inert downstream (spreadsheet formulas, a control character). The first
# is used first, so even one seeded inquiry gets the control character.
TRICKY_BODIES = (
    "배송 언제 되나요?\x07 빨리 받아야 해요",
    '=HYPERLINK("http://example.com","확인") 배송 언제 되나요?',
    "+82 10-1234-5678 로 연락 주세요. 배송지 변경 원합니다.",
    "-1개만 왔어요. 2개 주문했는데 하나가 빠졌습니다.",
    "@판매자님 교환 신청했는데 확인 부탁드립니다.",
)
ID_WORDS = ("joa", "sky", "happy", "sun", "blue", "mint", "star", "lucky")

# What each answer shows (see the module docstring for the sources); the rest of a stored inquiry is the sandbox's.
QNA_FIELDS = ("articleNo", "createDate", "content", "dealNo", "dealTitle", "tmonOrderNo", "writer")
CS_LIST_FIELDS = (
    "csInquirySeqNo",
    "dealNo",
    "dealTitle",
    "orderNo",
    "writer",
    "createDate",
    "categoryInfo",
    "emergencyYn",
    "heavyClaimYn",
)
CS_DETAIL_FIELDS = (
    "csInquirySeqNo",
    "dealNo",
    "dealTitle",
    "orderNo",
    "writer",
    "createDate",
    "categoryInfo",
    "customerMessage",
    "optionDealInfoList",
)


def mask(user_id: str) -> str:
    """``joanna12`` → ``joa*****``: the first 3 characters, the rest as ``*``."""
    return user_id[:3] + "*" * max(len(user_id) - 3, 3)


def _buyer_id(rng: random.Random) -> str:
    surname, given = rng.choice(SURNAMES)[1], rng.choice(GIVEN_NAMES)[1]
    forms = (
        f"{surname}{given}{rng.randint(1, 99)}",
        f"{rng.choice(ID_WORDS)}{given}",
        f"{surname}{rng.randint(70, 99)}",
    )
    return rng.choice(forms)


def _day(field: str, value: str | None) -> datetime:
    if not value:
        raise required(field, "조회일자")
    try:
        parsed = datetime.strptime(value, DAY)
    except ValueError:
        parsed = None
    if parsed is None or len(value) != 10:
        raise reject("INVALID_DATE", f"조회일자({field}) 형식이 올바르지 않습니다: {value} (yyyy-MM-dd)")
    return parsed


def days(request: Request) -> tuple[str, str]:
    """``startDate`` and ``endDate`` (``yyyy-MM-dd``, inclusive) as ``yyyy-MM-dd`` bounds of at most 7 days."""
    start = _day("startDate", request.query_params.get("startDate"))
    end = _day("endDate", request.query_params.get("endDate"))
    if end < start:
        raise reject("INVALID_PERIOD", "조회 종료일(endDate)이 시작일(startDate)보다 빠릅니다.")
    if end - start > MAX_WINDOW:
        raise reject("INVALID_PERIOD", "조회 기간은 최대 7일까지 가능합니다. 기간을 나누어 조회해 주세요.")
    return start.strftime(DAY), end.strftime(DAY)


def paged(request: Request, items: list[dict[str, Any]]) -> dict[str, Any]:
    """``{"items", "hasNext"}`` for ``?per=`` (1–100, 50 when absent) and ``?page=`` (from 1)."""
    values = []
    for field, default, high in (("per", DEFAULT_PER, MAX_PER), ("page", 1, None)):
        raw = request.query_params.get(field) or str(default)
        number = as_number(raw)
        if number is None or number < 1 or (high is not None and number > high):
            bound = f"1~{high}의 정수" if high is not None else "1 이상의 정수"
            raise reject("INVALID_VALUE", f"{field}: {bound}여야 합니다 (입력 {raw}).")
        values.append(number)
    per, page = values
    first = (page - 1) * per
    return {"items": items[first : first + per], "hasNext": len(items) > first + per}


async def answer_text(request: Request, field: str) -> str:
    body = await read_object(request)
    text = body.get(field)
    if not isinstance(text, str) or not text.strip():
        raise reject("INVALID_CONTENT", f"답변 내용({field})을 입력해 주세요.")
    if len(text) > MAX_ANSWER:
        message = f"답변 내용({field})은 {MAX_ANSWER:,}자 이하로 입력해 주세요 (입력 {len(text):,}자)."
        raise reject("INVALID_CONTENT", message)
    return text


def already_answered() -> Reject:
    return reject("ALREADY_ANSWERED", "이미 답변한 문의입니다.")


class TmonInquiries:
    """TMON's product Q&A and CS inquiries: routes, state, and the control API's seeding."""

    def __init__(self, *, clock: Clock, authorize: Authorize) -> None:
        self.clock = clock
        self.authorize = authorize
        cs = "/api/{vendorId}/cs-inquiry"
        self.routes = [
            Route("/api/{vendorId}/qnas", endpoint(self.list_qnas), methods=["GET"]),
            Route("/api/{vendorId}/qnas/{articleNo}/replies", endpoint(self.reply), methods=["POST"]),
            Route(cs + "/list", endpoint(self.list_cs), methods=["GET"]),
            Route(cs + "/detail/{csInquirySeqNo}", endpoint(self.cs_detail), methods=["GET"]),
            Route(cs + "/save/{csInquirySeqNo}/{csInquiryMessageGroupSeqNo}", endpoint(self.save_cs), methods=["POST"]),
        ]
        self.reset()

    def reset(self) -> None:
        self.qnas: dict[int, dict[str, Any]] = {}  # articleNo -> Q&A (with its vendorId)
        self.cs: dict[int, dict[str, Any]] = {}  # csInquirySeqNo -> CS inquiry (with its vendorId)
        self.order: list[tuple[str, int]] = []  # ("q", articleNo) | ("cs", csInquirySeqNo), in creation order
        self.answers: list[dict[str, Any]] = []  # {id, content, createDate}, in answer order
        self.next_article_no = FIRST_ARTICLE_NO
        self.next_cs_seq_no = FIRST_CS_SEQ_NO
        self.next_group_seq_no = FIRST_GROUP_SEQ_NO

    # -- state and control ----------------------------------------------------------------------------------

    def snapshot(self) -> dict[str, list[dict[str, Any]]]:
        """``inquiries`` ({id, type, answered}) and ``answers`` ({id, content, createDate})."""
        inquiries = []
        for kind, number in self.order:
            if kind == "q":
                qna = self.qnas[number]
                inquiries.append({"id": f"q:{number}", "type": qna["inquiryType"], "answered": qna["answered"]})
            else:
                inquiry = self.cs[number]
                group = inquiry["group"]
                inquiries.append(
                    {
                        "id": f"cs:{number}/{group['csInquiryMessageGroupSeqNo']}",
                        "type": inquiry["categoryInfo"]["name"],
                        "answered": inquiry["answered"],
                    }
                )
        return copy.deepcopy({"inquiries": inquiries, "answers": self.answers})

    @staticmethod
    def check_seed(data: Mapping[str, Any]) -> int:
        """The ``inquiries`` count of a seed body (``orders`` is the orders' to check); ``ValueError`` when bad."""
        unknown = sorted(set(data) - SEED_KEYS)
        if unknown:
            raise ValueError(f"unknown keys {unknown}; known: {sorted(SEED_KEYS)}")
        seed, vendor, count = data.get("seed", 0), data.get("vendor", "V1001"), data.get("inquiries")
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise ValueError(f"seed must be an integer, got {seed!r}")
        if not isinstance(vendor, str) or not vendor:
            raise ValueError(f"vendor must be a non-empty string, got {vendor!r}")
        if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_SEED_INQUIRIES:
            raise ValueError(f"inquiries must be an integer in [1, {MAX_SEED_INQUIRIES}], got {count!r}")
        return count

    def seed(
        self,
        data: Mapping[str, Any],
        orders: Sequence[Mapping[str, Any]],
        catalogue: Sequence[CatalogDeal],
    ) -> list[str]:
        """``inquiries`` new inquiries for ``vendor`` from ``seed``; returns their ids (``q:…``, ``cs:…/…``).

        ``orders`` are the vendor's orders (plaintext, as ``TmonOrders`` keeps them): some inquiries name one.
        The others name a deal of ``catalogue`` (empty: ``SYNTHETIC_DEALS``). About a third are CS inquiries.
        """
        count = self.check_seed(data)
        seed, vendor = data.get("seed", 0), data.get("vendor", "V1001")
        rng = random.Random(f"tmon-inquiries:{seed}")  # apart from the orders' draws of the same seed
        deals = list(catalogue) or list(SYNTHETIC_DEALS)
        kinds = ["cs"] * (count // 3) + ["q"] * (count - count // 3)
        rng.shuffle(kinds)
        tricky = dict(zip(rng.sample(range(count), min(len(TRICKY_BODIES), count)), TRICKY_BODIES, strict=False))
        now = self.clock()
        made = []
        for index, kind in enumerate(kinds):
            inquiry_type = rng.choice(TYPES)
            title, body = rng.choice(QUESTIONS[inquiry_type])
            body = tricky.get(index, body)
            created = stamp(now - rng.uniform(0, SEED_DAYS * 86400))
            order: Mapping[str, Any] | None = rng.choice(orders) if orders and rng.random() < 0.6 else None
            if order is not None:
                deal = rng.choice(order["deals"])
                deal_no, deal_title, order_no, user = (
                    deal["tmonDealNo"],
                    deal["dealTitle"],
                    order["tmonOrderNo"],
                    order["userId"],
                )
                options = [
                    {"optionDealNo": o["tmonDealOptionNo"], "dealOptionTitle": o["dealOptionTitle"]}
                    for o in deal["dealOptions"]
                ]
            else:
                item = rng.choice(deals)
                deal_no, deal_title, order_no, user, options = item.number, item.title, None, _buyer_id(rng), []
            if kind == "q":
                number, self.next_article_no = self.next_article_no, self.next_article_no + 1
                self.qnas[number] = {
                    "vendorId": vendor,
                    "articleNo": number,
                    "createDate": created,
                    "content": body,
                    "dealNo": deal_no,
                    "dealTitle": deal_title,
                    "tmonOrderNo": order_no,
                    "writer": mask(user),
                    "inquiryType": inquiry_type,  # internal: the control API's type
                    "title": title,  # internal: the buyer's subject line
                    "answered": False,  # internal
                    "answers": [],  # internal
                }
                made.append(f"q:{number}")
            else:
                number, self.next_cs_seq_no = self.next_cs_seq_no, self.next_cs_seq_no + 1
                group_no, self.next_group_seq_no = self.next_group_seq_no, self.next_group_seq_no + 1
                self.cs[number] = {
                    "vendorId": vendor,
                    "csInquirySeqNo": number,
                    "dealNo": deal_no,
                    "dealTitle": deal_title,
                    "orderNo": order_no,
                    "writer": mask(user),
                    "createDate": created,
                    "categoryInfo": {"seqNo": CATEGORY_SEQ[inquiry_type], "name": inquiry_type},
                    "emergencyYn": False,
                    "heavyClaimYn": False,
                    "customerMessage": body,
                    "optionDealInfoList": options,
                    "group": {
                        "csInquiryMessageGroupSeqNo": group_no,
                        "createDate": created,
                        "counselorInquiry": {"message": body},
                    },
                    "answered": False,  # internal
                }
                made.append(f"cs:{number}/{group_no}")
            self.order.append((kind, number))
        return made

    # -- product Q&A ----------------------------------------------------------------------------------------

    async def list_qnas(self, request: Request) -> Response:
        vendor = self.authorize(request)[0]
        start, end = days(request)
        answered = self.answered_param(request)
        items = sorted(
            (
                {k: v for k, v in qna.items() if k in QNA_FIELDS}
                for qna in self.qnas.values()
                if qna["vendorId"] == vendor
                and start <= qna["createDate"][:10] <= end
                and (answered is None or qna["answered"] == answered)
            ),
            key=lambda qna: (qna["createDate"], qna["articleNo"]),
        )
        return json_response(copy.deepcopy(paged(request, items)))

    def answered_param(self, request: Request) -> bool | None:
        raw = request.query_params.get("answered")
        if raw not in (None, "", "true", "false"):
            message = f"답변여부(answered): 허용되지 않는 값입니다: {raw}. 허용값: true, false."
            raise reject("INVALID_VALUE", message)
        return None if not raw else raw == "true"

    async def reply(self, request: Request) -> Response:
        vendor = self.authorize(request)[0]
        raw = request.path_params["articleNo"]
        number = as_number(raw)
        qna = self.qnas.get(number) if number is not None else None
        if qna is None or qna["vendorId"] != vendor:
            raise reject("NOT_FOUND", f"문의를 찾을 수 없습니다: {raw}", 404)
        content = await answer_text(request, "content")
        if qna["answered"]:
            raise already_answered()
        answer = {"content": content, "createDate": stamp(self.clock())}
        qna["answered"] = True
        qna["answers"].append(answer)
        self.answers.append({"id": f"q:{number}", **answer})
        return PlainTextResponse("OK")

    # -- CS inquiries ---------------------------------------------------------------------------------------

    def find_cs(self, request: Request, vendor: str) -> dict[str, Any]:
        raw = request.path_params["csInquirySeqNo"]
        number = as_number(raw)
        inquiry = self.cs.get(number) if number is not None else None
        if inquiry is None or inquiry["vendorId"] != vendor:
            raise reject("NOT_FOUND", f"상담 문의를 찾을 수 없습니다: {raw}", 404)
        return inquiry

    async def list_cs(self, request: Request) -> Response:
        vendor = self.authorize(request)[0]
        start, end = days(request)
        answered = self.answered_param(request)
        matching = sorted(
            (
                i
                for i in self.cs.values()
                if i["vendorId"] == vendor
                and start <= i["createDate"][:10] <= end
                and (answered is None or i["answered"] == answered)
            ),
            key=lambda i: (i["createDate"], i["csInquirySeqNo"]),
        )
        items = [
            {
                **{k: v for k, v in i.items() if k in CS_LIST_FIELDS},
                "csInquiryMessageGroupSeqNo": i["group"]["csInquiryMessageGroupSeqNo"],
            }
            for i in matching
        ]
        return json_response(copy.deepcopy(paged(request, items)))

    async def cs_detail(self, request: Request) -> Response:
        inquiry = self.find_cs(request, self.authorize(request)[0])
        shown = {k: v for k, v in inquiry.items() if k in CS_DETAIL_FIELDS}
        shown["inquiryMessageGroupList"] = [inquiry["group"]]
        return json_response(copy.deepcopy(shown))

    async def save_cs(self, request: Request) -> Response:
        inquiry = self.find_cs(request, self.authorize(request)[0])
        group = inquiry["group"]
        raw = request.path_params["csInquiryMessageGroupSeqNo"]
        if as_number(raw) != group["csInquiryMessageGroupSeqNo"]:
            raise reject("NOT_FOUND", f"상담 메시지 그룹을 찾을 수 없습니다: {raw}", 404)
        message = await answer_text(request, "message")
        if inquiry["answered"]:
            raise already_answered()
        inquiry["answered"] = True
        inquiry_id = f"cs:{inquiry['csInquirySeqNo']}/{group['csInquiryMessageGroupSeqNo']}"
        self.answers.append({"id": inquiry_id, "content": message, "createDate": stamp(self.clock())})
        return json_response({"success": True})  # [T2] setQnaCsListInfoInsert reads ``success`` (and ``message``)
