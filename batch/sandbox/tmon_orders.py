"""TMON orders, invoices and claims in the sandbox (marketplaces.md §1.3–1.4), and the seeded orders behind them.

Routes, all under ``/api/{vendorId}`` with the deals' auth (bearer token, partner headers, the token's vendor):

* ``GET /orders?startDate=&endDate=&deliveryStatus=D1|D2``: a JSON array of orders.
* ``GET /orders/search?startDate=&endDate=&deliveryStatus=D2|D3|D4&page=``: ``{"items", "hasNext"}``, 50 a page.
* ``GET /orders/{tmonOrderNo}``; ``PUT /orders/{tmonOrderNo}/confirm``; ``POST``/``PUT /orders/{tmonOrderNo}/invoices``.
* ``GET /{type}/search`` and ``GET /{type}/{claimNo}`` for ``cancellations``, ``refunds``, ``exchanges``,
  ``redeliveries``; ``PUT /cancellations/{claimNo}/approve|reject``; ``POST /cancellations`` (seller cancel);
  ``PUT /refunds/{claimNo}/approve`` (a return, and a redelivery as [T1] sends it); ``PUT /exchanges/{claimNo}/approve``;
  ``PUT /refunds/{claimNo}/reject`` and ``PUT /exchanges/{claimNo}/reject``.

The sandbox's own readings, where the sources leave TMON's behaviour open (❓ in marketplaces.md):

* Times are Korean (KST, UTC+9) on the app's clock. ``startDate``/``endDate`` take ``yyyy-MM-dd HH:mm`` [T1] or
  ``yyyy-MM-ddTHH:mm:ss`` [T2]; the window is inclusive at both ends and at most 7 days. The rule that the end be
  more than 30 minutes in the past (a comment in [T1]) is NOT enforced. Orders are matched on ``orderDate``, in
  ``/orders/search`` too; claims on ``requestedDate`` (the field [T2]'s claim VOs read).
* An order is listed when any of its deals has the asked ``deliveryStatus``; it is listed whole (every deal).
* Delivery statuses: D1 new → D2 confirmed (``PUT …/confirm``) → D3 invoice registered, shipping (``POST …/invoices``)
  → D4 shipped/out of our hands, 24 hours of app clock after the invoice (``SHIPPED_AFTER``); ``C`` = cancelled.
* A confirm, an invoice and a seller cancel name a deal and must list every one of its options with the ordered
  ``qty`` (a deal cannot be handled in part, [T2]).
* ``salesPrice`` is the unit price, ``purchasePrice`` the line's (salesPrice × qty, [T2] ``PaTmonOrderList``).
  ``deliveryFee.amount`` (= ``userAmount``, the buyer pays it all) is 3,000 won under 30,000 won a deal, else 0;
  ``longDistanceAmount`` is 3,000 won for 제주 addresses.
* Claim types ``C`` 취소, ``R`` 반품/환불, ``X`` 교환, ``D`` 재배송 and the statuses C1 요청, C2 승인, C3 완료,
  C4 미입금취소, C8 철회, C9 거절 are [T1]'s. Transitions: a cancel approved → C3 (its deals cancelled), refused (JCD1
  with the shipment's invoice) → C9; a return approved → C3, refused (JRD5) → C9; an exchange or redelivery approved
  with the re-sent invoice → C2, C3 ``SHIPPED_AFTER`` later; an exchange refused (JXD3) → C9; the buyer's withdrawal
  (control API) → C8. A decision on a claim not in C1 is refused (``check_open``). Ours: a cancel is raised on a deal
  in D1–D3, a return, exchange or redelivery on one in D3–D4; a return is approved only when TMON holds its collection
  invoice (raised ``collected``) or the approval names it, else TMON's words as [T2] quotes them; the refusal paths of
  returns and exchanges (the cancel's, under their type: [T2] keeps its URLs in its settings).
* The courier codes (``COURIERS``) are ours except 10099 (자체배송, [T1]); see the table.
* ``claimStatus`` is required on a claim search and filters it (see ``CLAIM_STATUSES``).
* Personal data is encrypted as ``encrypt`` documents ([T1] and [T2] agree on the scheme).
"""

from __future__ import annotations

import base64
import copy
import json
import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from batch.sandbox.faults import Clock
from batch.sandbox.web import Endpoint, Reject, empty_response, endpoint, json_response, read_json

# The vendor and its account's AES key for an authorized request; raises ``Reject`` otherwise.
Authorize = Callable[[Request], tuple[str, str]]

KST = timezone(timedelta(hours=9), "KST")
TIME = "%Y-%m-%d %H:%M:%S"  # orderDate, updatedDate, requestedDate
DAY = "%Y-%m-%d"  # deliveryScheduledDate
WINDOW_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S")
MAX_WINDOW = timedelta(days=7)
PAGE_SIZE = 50
SHIPPED_AFTER = 24 * 3600  # seconds of app clock from invoice (D3) to shipped (D4)
MAX_SEED_ORDERS = 10_000
SEED_KEYS = frozenset({"market", "orders", "seed", "vendor", "qty", "product"})  # product: TmonMarket.seed_orders
MAX_QTY = 999  # [T1] getProducts: maxPurchaseQty "1인당 최대 구매수량 X 999", a deal's default
FIRST_CLAIM_NO = 8_000_000_001

NEW, CONFIRMED, SHIPPING, SHIPPED, CANCELLED = "D1", "D2", "D3", "D4", "C"
LIST_STATUSES = (NEW, CONFIRMED)  # GET /orders
SEARCH_STATUSES = (CONFIRMED, SHIPPING, SHIPPED)  # GET /orders/search
# claimStatus, TMON's code table as [T1] module/claim/ClaimServiceImpl.java cancelRequests copies it: C1 요청, C2 승인,
# C3 완료, C4 미입금취소, C8 철회, C9 거절. C4 (an unpaid order's cancel) is never set here.
REQUESTED, APPROVED, DONE, UNPAID, WITHDRAWN, REJECTED = "C1", "C2", "C3", "C4", "C8", "C9"
# claimStatus of a claim search: required, one of these ([T1] module/claim/ClaimScheduler.java "C1, C2, C3, C4, C8, C9
# 중 1개", always sent; [T2] PaTmonClaimController.cancelList puts it in every search URL).
CLAIM_STATUSES = (REQUESTED, APPROVED, DONE, UNPAID, WITHDRAWN, REJECTED)
# The refusal reasons per claim path: the only code a source shows for each call. JCD1 (이미 출고) requires the
# shipment's invoice ([T1] OrderServiceImpl; [T2] cancelRefuse "JCD1 일 경우 : 송장번호와 택배사코드가 필수"); JRD5 ([T2]
# returnRefuse "클레임거부사유 : 반품상품 미도착") and JXD3 ([T2] exchangeRejectProc "재고부족으로 교환불가") take a
# reasonDetail of 10 to 50 characters ([T2]: "상세 사유 10~50자 내외", "상세사유(10자 이상 50자 이내)").
REJECT_REASONS = {
    "cancellations": {"JCD1": "이미 출고"},
    "refunds": {"JRD5": "반품상품 미도착"},
    "exchanges": {"JXD3": "재고부족으로 교환불가"},
}
DETAIL_LENGTH = (10, 50)
# TMON's answer to a return or exchange approval without the courier and number it needs ([T2] returnConfirm retries
# with 자체배송 when it meets it).
NEEDS_BOTH = "택배사코드, 송장번호 모두 입력해주세요"
CLAIM_KEYS = frozenset({"market", "order", "type", "state"})  # POST /__sandbox__/claims
# ``state`` of a raised return or exchange: its goods not back, or back ("picked_up", the ESM sandbox's word, is the same)
CLAIM_STATES = ("requested", "collected", "picked_up")
FIRST_PICKUP_NO = 684_600_000_000  # TMON's collection invoices of returns raised "collected": CJ numbers (12 digits)

# ❓ TMON's courier (deliveryCorp) codes are not in any source found, except 10099 = 자체배송 ([T1] OrderServiceImpl,
# [T2] PaTmonDeliveryController). These numbers are the sandbox's (docs/protocols/tmon.md, "Our readings").
SELF_DELIVERY = 10099
COURIERS: dict[int, str] = {
    10001: "CJ대한통운",
    10002: "롯데택배",
    10003: "한진택배",
    10004: "로젠택배",
    10005: "우체국택배",
    10006: "경동택배",
    10007: "대신택배",
    10008: "일양로지스",
    10009: "천일택배",
    10010: "합동택배",
    10011: "CU편의점택배",
    10012: "GS Postbox",
    SELF_DELIVERY: "직접배송(자체배송)",
}

ENCRYPTED = ("userId", "userName", "userPhone", "receiverName", "receiverPhone")  # plus receiverAddress.*


# -- encryption -----------------------------------------------------------------------------------------------

KEY_LENGTHS = (16, 24, 32)  # AES-128/192/256: the bytes of the key string TMON issues (T1's is 16 characters)


def check_aes_key(value: object) -> str:
    """An account's AES key as TMON issues it: a string of 16, 24 or 32 characters (its bytes are the key, [T1]
    ``StringUtil.decryption``, [T2] ``AESCrypto``). ``ValueError`` otherwise."""
    if isinstance(value, str) and len(value.encode("utf-8")) in KEY_LENGTHS:
        return value
    raise ValueError("aes_key must be a string of 16, 24 or 32 characters")


def encrypt(text: str, key: str) -> str:
    """Encrypt one personal-data field as TMON does (§1.3 point 4), read from both clients' decryption code:
    ``AES/ECB/PKCS5Padding`` over the UTF-8 text, Base64 ([T1] ``richbeam/mcs_tmon_api``
    ``src/main/java/com/melchi/common/util/StringUtil.java`` ``decryption``; [T2] ``sosobox2-cyber/commerce-api``
    ``src/main/java/com/cware/netshopping/common/AESCrypto.java``, whose ``encryption`` is this). ECB: the same
    text always encrypts the same way."""
    raw = key.encode("utf-8")
    padder = padding.PKCS7(algorithms.AES.block_size).padder()
    data = padder.update(text.encode("utf-8")) + padder.finalize()
    encryptor = Cipher(algorithms.AES(raw), modes.ECB()).encryptor()
    return base64.b64encode(encryptor.update(data) + encryptor.finalize()).decode("ascii")


# -- errors and request helpers -------------------------------------------------------------------------------


def reject(code: str, message: str, status: int = 400) -> Reject:
    """TMON's business error ``{"ResultCode", "Message"}``, the shape of ``tmon.business_error`` (tmon.py imports
    this module, so it cannot be imported from there)."""
    return Reject(json_response({"ResultCode": code, "Message": message}, status))


def required(field: str, name: str) -> Reject:
    return reject("MISSING_FIELD", f"{name}({field}): 필수 항목입니다.")


def not_allowed(field: str, name: str, value: object, allowed: Iterable[str]) -> Reject:
    return reject("INVALID_VALUE", f"{name}({field}): 허용되지 않는 값입니다: {value}. 허용값: {', '.join(allowed)}.")


async def read_object(request: Request, *, optional: bool = False) -> dict[str, Any]:
    """The JSON object sent; with ``optional`` an empty body is ``{}``."""
    try:
        body = await read_json(request)
    except ValueError:
        raise reject("INVALID_BODY", "요청 본문이 올바른 JSON이 아닙니다.") from None
    if body is None and optional:
        return {}
    if not isinstance(body, dict):
        raise reject("INVALID_BODY", "요청 본문은 JSON 객체여야 합니다.")
    return body


def as_number(value: object) -> int | None:
    """An integer, or a string of digits, as an int; anything else is None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value)
    return None


def stamp(moment: float) -> str:
    """``yyyy-MM-dd HH:mm:ss`` in KST for a time of the app's clock."""
    return datetime.fromtimestamp(moment, KST).strftime(TIME)


def parse_moment(field: str, value: str | None) -> datetime:
    if not value:
        raise required(field, "조회일시")
    for form in WINDOW_FORMATS:
        try:
            return datetime.strptime(value, form)
        except ValueError:
            continue
    message = f"조회일시({field}) 형식이 올바르지 않습니다: {value} (yyyy-MM-dd HH:mm)"
    raise reject("INVALID_DATE", message)


def window(request: Request) -> tuple[str, str]:
    """``startDate`` and ``endDate`` as ``yyyy-MM-dd HH:mm:ss`` bounds (inclusive) of at most 7 days."""
    start = parse_moment("startDate", request.query_params.get("startDate"))
    end = parse_moment("endDate", request.query_params.get("endDate"))
    if end < start:
        raise reject("INVALID_PERIOD", "조회 종료일시(endDate)가 시작일시(startDate)보다 빠릅니다.")
    if end - start > MAX_WINDOW:
        raise reject("INVALID_PERIOD", "조회 기간은 최대 7일까지 가능합니다. 기간을 나누어 조회해 주세요.")
    return start.strftime(TIME), end.strftime(TIME)


def status_param(request: Request, field: str, allowed: Sequence[str], *, optional: bool = False) -> str | None:
    value = request.query_params.get(field)
    if not value:
        if optional:
            return None
        raise required(field, "상태")
    if value not in allowed:
        raise not_allowed(field, "상태", value, allowed)
    return value


def page_of(request: Request, items: list[dict[str, Any]]) -> dict[str, Any]:
    """``{"items", "hasNext"}`` for ``?page=`` (from 1; 1 when absent), ``PAGE_SIZE`` items a page."""
    raw = request.query_params.get("page", "1")
    page = as_number(raw)
    if page is None or page < 1:
        raise reject("INVALID_VALUE", f"페이지(page): 1 이상의 정수여야 합니다 (입력 {raw}).")
    first = (page - 1) * PAGE_SIZE
    return {"items": items[first : first + PAGE_SIZE], "hasNext": len(items) > first + PAGE_SIZE}


def check_invoice(data: object, field: str, scheduled: object = None) -> dict[str, Any]:
    """An invoice object (``invoice``, ``deliveryInvoice``, ``redeliveryInvoice``) with a known ``deliveryCorp``.

    Self-delivery (10099) needs ``deliveryScheduledDate`` (yyyy-MM-dd): beside the invoice (``scheduled``), inside
    it, or as its ``invoiceNo`` (as a cancel rejection sends it [T1]); its ``invoiceNo`` is then optional.
    """
    if not isinstance(data, dict):
        raise required(field, "송장정보")
    corp = data.get("deliveryCorp")
    if corp is None:
        raise required("deliveryCorp", "택배사코드")
    if isinstance(corp, bool) or not isinstance(corp, int):  # a JSON number, not "10001"
        message = f"택배사코드(deliveryCorp): 숫자여야 합니다 (입력 {json.dumps(corp, ensure_ascii=False)})."
        raise reject("INVALID_DELIVERY_CORP", message)
    if corp not in COURIERS:
        raise reject("INVALID_DELIVERY_CORP", f"택배사코드(deliveryCorp): 등록되지 않은 택배사 코드입니다: {corp}.")
    number = data.get("invoiceNo")
    if number is not None and not isinstance(number, str):
        raise reject("INVALID_VALUE", f"송장번호(invoiceNo): 문자열이어야 합니다 (입력 {number}).")
    extra = data.get("additionalInvoices") or []
    if not isinstance(extra, list) or not all(isinstance(item, str) and item for item in extra):
        raise reject("INVALID_VALUE", "추가송장(additionalInvoices): 송장번호 문자열의 목록이어야 합니다.")
    date: str | None = None
    if corp == SELF_DELIVERY:
        candidates = (scheduled, data.get("deliveryScheduledDate"), number)
        date = next((value for value in candidates if isinstance(value, str) and is_day(value)), None)
        if date is None:
            message = "자체배송(deliveryCorp 10099)은 배송예정일(deliveryScheduledDate, yyyy-MM-dd)이 필수입니다."
            raise reject("MISSING_FIELD", message)
        number = number or date
    elif not number or not number.strip():
        raise required("invoiceNo", "송장번호")
    return {"deliveryCorp": corp, "invoiceNo": number, "additionalInvoices": list(extra), "deliveryScheduledDate": date}


def is_day(value: str) -> bool:
    try:
        datetime.strptime(value, DAY)
    except ValueError:
        return False
    return len(value) == 10


# -- seeded orders --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CatalogOption:
    number: int  # tmonDealOptionNo
    title: str
    price: int  # salesPrice of one unit


@dataclass(frozen=True)
class CatalogDeal:
    """A deal orders are drawn from: a vendor's registered deal, or one of ``SYNTHETIC_DEALS``."""

    number: int  # tmonDealNo
    title: str
    options: tuple[CatalogOption, ...]


def _synthetic(number: int, title: str, first_option: int, *options: tuple[str, int]) -> CatalogDeal:
    return CatalogDeal(
        number, title, tuple(CatalogOption(first_option + i, name, price) for i, (name, price) in enumerate(options))
    )


# Used when the vendor has no deals of its own. These deals are not in the state's products.
SYNTHETIC_DEALS = (
    _synthetic(
        39_000_001, "국산 햇사과 5kg", 79_000_001, ("가정용 5kg", 29900), ("선물용 5kg", 35900), ("가정용 10kg", 52900)
    ),
    _synthetic(39_000_002, "무항생제 유정란", 79_000_011, ("30구", 12900), ("60구", 23900)),
    _synthetic(39_000_003, "제주 감귤 3kg", 79_000_021, ("로얄과", 18900), ("대과", 16900), ("중소과", 14900)),
    _synthetic(
        39_000_004,
        "남성 기본 라운드 티셔츠",
        79_000_031,
        ("화이트/M", 9900),
        ("화이트/L", 9900),
        ("블랙/M", 9900),
        ("블랙/L", 9900),
    ),
    _synthetic(39_000_005, "무선 블루투스 이어폰", 79_000_041, ("화이트", 39000), ("블랙", 39000)),
    _synthetic(39_000_006, "스테인리스 텀블러 500ml", 79_000_051, ("실버", 15900), ("네이비", 15900), ("핑크", 15900)),
    _synthetic(39_000_007, "유기농 현미 4kg", 79_000_061, ("4kg", 21900)),
    _synthetic(39_000_008, "주방세제 1L x 3개", 79_000_071, ("레몬향", 8900), ("자몽향", 8900)),
)

SURNAMES = (
    ("김", "kim"),
    ("이", "lee"),
    ("박", "park"),
    ("최", "choi"),
    ("정", "jung"),
    ("강", "kang"),
    ("조", "cho"),
    ("윤", "yoon"),
    ("장", "jang"),
    ("임", "lim"),
    ("한", "han"),
    ("오", "oh"),
)
GIVEN_NAMES = (
    ("민준", "minjun"),
    ("서연", "seoyeon"),
    ("도윤", "doyun"),
    ("서윤", "seoyun"),
    ("예준", "yejun"),
    ("지우", "jiwoo"),
    ("하준", "hajun"),
    ("하은", "haeun"),
    ("주원", "juwon"),
    ("지유", "jiyu"),
    ("지호", "jiho"),
    ("수아", "sua"),
    ("현우", "hyunwoo"),
    ("민서", "minseo"),
    ("은우", "eunwoo"),
    ("채원", "chaewon"),
)
# (zipCode, 지번 address, 도로명 streetAddress, long distance)
PLACES = (
    ("06236", "서울특별시 강남구 역삼동 737", "서울특별시 강남구 테헤란로 123", False),
    ("04524", "서울특별시 중구 태평로1가 31", "서울특별시 중구 세종대로 110", False),
    ("03925", "서울특별시 마포구 상암동 1600", "서울특별시 마포구 월드컵북로 396", False),
    ("13529", "경기도 성남시 분당구 삼평동 681", "경기도 성남시 분당구 판교역로 235", False),
    ("16499", "경기도 수원시 영통구 원천동 5", "경기도 수원시 영통구 월드컵로 206", False),
    ("21984", "인천광역시 연수구 송도동 24-4", "인천광역시 연수구 컨벤시아대로 165", False),
    ("48058", "부산광역시 해운대구 우동 1408", "부산광역시 해운대구 센텀남대로 35", False),
    ("34126", "대전광역시 유성구 도룡동 3-1", "대전광역시 유성구 대덕대로 480", False),
    ("41566", "대구광역시 북구 산격동 1370", "대구광역시 북구 대학로 80", False),
    ("61475", "광주광역시 동구 광산동 13", "광주광역시 동구 문화전당로 38", False),
    ("63309", "제주특별자치도 제주시 연동 312-1", "제주특별자치도 제주시 문연로 6", True),
    ("63534", "제주특별자치도 서귀포시 서귀동 298-1", "제주특별자치도 서귀포시 중앙로 105", True),
)
DELIVERY_MEMOS = (
    "문 앞에 놓아 주세요",
    "부재 시 경비실에 맡겨 주세요",
    "배송 전에 연락 주세요",
    "택배함에 넣어 주세요",
    "벨 누르지 말고 문 앞에 두고 가 주세요",
    "공동현관 비밀번호는 #1234 입니다",
    "",
    "",
)
ADDITIONAL_MESSAGES = (
    "",
    "",
    "",
    "",
    "",
    "선물 포장 부탁드려요",
    "빠른 배송 부탁드립니다",
    "유통기한 긴 상품으로 보내 주세요",
)
FREE_SHIPPING_FROM = 30_000
DELIVERY_FEE = 3_000
LONG_DISTANCE_FEE = 3_000


def _person(rng: random.Random) -> tuple[str, str]:
    """A Korean name and a buyer ID made from it."""
    (surname, surname_roman), (given, given_roman) = rng.choice(SURNAMES), rng.choice(GIVEN_NAMES)
    return surname + given, f"{given_roman}{surname_roman}{rng.randint(70, 99)}"


def _phone(rng: random.Random) -> str:
    return f"010-{rng.randint(2000, 9999)}-{rng.randint(0, 9999):04d}"


def _draw_number(rng: random.Random, low: int, high: int, taken: set[int]) -> int:
    while True:
        number = rng.randrange(low, high)
        if number not in taken:
            taken.add(number)
            return number


def make_order(
    rng: random.Random,
    vendor: str,
    catalogue: Sequence[CatalogDeal],
    now: float,
    taken: tuple[set[int], set[int]],
    qty: int | None = None,
) -> dict[str, Any]:
    """One new (D1) order of the last 2 days, with plaintext personal data; ``taken`` = (order nos, delivery nos);
    ``qty`` every line's quantity (else drawn; the draws are the same either way)."""
    number = _draw_number(rng, 10**9, 10**10, taken[0])
    ordered_at = stamp(now - rng.uniform(0, 2 * 86400))
    buyer, buyer_id = _person(rng)
    buyer_phone = _phone(rng)
    receiver, receiver_phone = (buyer, buyer_phone) if rng.random() < 0.7 else (_person(rng)[0], _phone(rng))
    zip_code, address, street, far = rng.choice(PLACES)
    if rng.random() < 0.7:
        detail = f"{rng.randint(101, 115)}동 {rng.randint(1, 25)}{rng.randint(1, 4):02d}호"
    else:
        floor = rng.randint(2, 9)
        detail = f"{floor}층 {floor}{rng.randint(1, 9):02d}호"
    deal_count = 2 if len(catalogue) > 1 and rng.random() < 0.15 else 1
    deals = []
    for item in rng.sample(list(catalogue), deal_count):
        option_count = min(len(item.options), rng.choice((1, 1, 1, 2, 2, 3)))
        options: list[dict[str, Any]] = []
        for option in rng.sample(list(item.options), option_count):
            drawn = rng.choice((1, 1, 1, 1, 2, 2, 3))  # drawn even when ``qty`` is given: the same orders otherwise
            options.append(
                {
                    "tmonDealOptionNo": option.number,
                    "dealOptionTitle": option.title,
                    "qty": drawn if qty is None else qty,
                    "salesPrice": option.price,
                    "purchasePrice": 0,  # set below: the line's total
                    "descriptions": None,
                    "additionalMessage": None,
                }
            )
        for line in options:  # [T2] PaTmonOrderList: purchasePrice "구매가(판매가 X 수량)"; [T1] sums it as the amount
            line["purchasePrice"] = line["salesPrice"] * line["qty"]
        total = sum(option["salesPrice"] * option["qty"] for option in options)
        deals.append(
            {
                "tmonDealNo": item.number,
                "dealTitle": item.title,
                "deliveryNo": _draw_number(rng, 10**8, 10**9, taken[1]),
                "deliveryStatus": NEW,
                "deliveryScheduledDate": None,
                "updatedDate": ordered_at,
                "customsId": None,
                "deliveryFee": {  # [T1] registOrders reads userAmount and longDistanceAmount; [T2] amount too
                    "amount": 0 if total >= FREE_SHIPPING_FROM else DELIVERY_FEE,
                    "userAmount": 0 if total >= FREE_SHIPPING_FROM else DELIVERY_FEE,
                    "longDistanceAmount": LONG_DISTANCE_FEE if far else 0,
                },
                "dealOptions": options,
            }
        )
    return {
        "tmonOrderNo": str(number),
        "vendorId": vendor,  # internal: not in the API's answer
        "orderDate": ordered_at,
        "userId": buyer_id,
        "userName": buyer,
        "userPhone": buyer_phone,
        "receiverName": receiver,
        "receiverPhone": receiver_phone,
        "receiverAddress": {"zipCode": zip_code, "address": address, "streetAddress": street, "addressDetail": detail},
        "additionalMessage": rng.choice(ADDITIONAL_MESSAGES),
        "deliveryMemo": rng.choice(DELIVERY_MEMOS),
        "deals": deals,
    }


# -- claims ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClaimKind:
    name: str  # the control API's word: cancel, return, exchange, redelivery
    path: str  # the API's path segment
    letter: str  # claimType
    reasons: tuple[tuple[str, str], ...]  # (requestReason, requestReasonDetail) a buyer gives
    # the deal's deliveryStatus a buyer may raise it in: a cancel before the deal is out of the seller's hands (D4),
    # a return, exchange or redelivery once it shipped (an invoice, D3 or later)
    states: tuple[str, ...] = (SHIPPING, SHIPPED)


CLAIM_KINDS = (
    ClaimKind(
        "cancel",
        "cancellations",
        "C",
        (
            ("단순변심", "주문을 잘못했어요"),
            ("배송지연", "배송이 너무 늦어요"),
            ("다른 상품 구매", "다른 옵션으로 다시 주문할게요"),
        ),
        (NEW, CONFIRMED, SHIPPING),
    ),
    ClaimKind(
        "return",
        "refunds",
        "R",
        (
            ("단순변심", "생각했던 것과 달라요"),
            ("상품불량", "포장이 파손되어 도착했어요"),
            ("오배송", "다른 상품이 왔어요"),
        ),
    ),
    ClaimKind(
        "exchange",
        "exchanges",
        "X",  # [T1] ClaimServiceImpl.confirmExchangeOrders: claimType "X" for exchanges
        (
            ("사이즈 교환", "한 치수 큰 것으로 바꿔 주세요"),
            ("색상 교환", "블랙으로 교환 원합니다"),
            ("상품불량", "작동하지 않아요"),
        ),
    ),
    ClaimKind(  # [T1] confirmExchangeOrders: claimType "D" for redeliveries
        "redelivery", "redeliveries", "D", (("미수령", "택배를 받지 못했어요"), ("오배송", "다른 주소로 배송되었어요"))
    ),
)
KIND_BY_NAME = {kind.name: kind for kind in CLAIM_KINDS}
KIND_BY_PATH = {kind.path: kind for kind in CLAIM_KINDS}


# -- the desk -------------------------------------------------------------------------------------------------


class TmonOrders:
    """TMON's orders, invoices and claims: routes, state, and the control API's seeding."""

    def __init__(self, *, clock: Clock, authorize: Authorize) -> None:
        self.clock = clock
        self.authorize = authorize
        order = "/api/{vendorId}/orders/{tmonOrderNo}"
        self.routes = [
            Route("/api/{vendorId}/orders", endpoint(self.list_orders), methods=["GET"]),
            Route("/api/{vendorId}/orders/search", endpoint(self.search_orders), methods=["GET"]),
            Route(order, endpoint(self.get_order), methods=["GET"]),
            Route(order + "/confirm", endpoint(self.confirm), methods=["PUT"]),
            Route(order + "/invoices", endpoint(self.register_invoice), methods=["POST"]),
            Route(order + "/invoices", endpoint(self.edit_invoice), methods=["PUT"]),
            Route("/api/{vendorId}/cancellations", endpoint(self.seller_cancel), methods=["POST"]),
        ]
        for kind in CLAIM_KINDS:
            base = f"/api/{{vendorId}}/{kind.path}"
            self.routes.append(Route(base + "/search", endpoint(self.claim_search(kind)), methods=["GET"]))
            self.routes.append(Route(base + "/{claimNo}", endpoint(self.claim_detail(kind)), methods=["GET"]))
        cancellation = "/api/{vendorId}/cancellations/{claimNo}"
        self.routes += [
            Route(cancellation + "/approve", endpoint(self.approve_cancel), methods=["PUT"]),
            Route(cancellation + "/reject", endpoint(self.reject_cancel), methods=["PUT"]),
            Route("/api/{vendorId}/refunds/{claimNo}/approve", endpoint(self.approve_refund), methods=["PUT"]),
            Route("/api/{vendorId}/exchanges/{claimNo}/approve", endpoint(self.approve_exchange), methods=["PUT"]),
        ]
        for path in ("refunds", "exchanges"):
            refuse = endpoint(self.claim_reject(KIND_BY_PATH[path]))
            self.routes.append(Route(f"/api/{{vendorId}}/{path}/{{claimNo}}/reject", refuse, methods=["PUT"]))
        self.reset()

    def reset(self) -> None:
        self.orders: dict[str, dict[str, Any]] = {}  # tmonOrderNo -> order (plaintext personal data)
        self.invoices: dict[tuple[str, int], dict[str, Any]] = {}  # (tmonOrderNo, tmonDealNo) -> invoice
        self.claims: dict[str, dict[str, Any]] = {}  # claimNo -> claim
        self.next_claim_no = FIRST_CLAIM_NO

    # -- state and control ----------------------------------------------------------------------------------

    def snapshot(self) -> dict[str, list[dict[str, Any]]]:
        """``orders``, ``invoices`` and ``claims`` for ``GET /__sandbox__/state`` (no personal data)."""
        self.settle()
        orders = [
            {
                "tmonOrderNo": order["tmonOrderNo"],
                "vendorId": order["vendorId"],
                "orderDate": order["orderDate"],
                "deals": [
                    {
                        "tmonDealNo": deal["tmonDealNo"],
                        "deliveryNo": deal["deliveryNo"],
                        "deliveryStatus": deal["deliveryStatus"],
                        "dealOptions": [
                            {"tmonDealOptionNo": o["tmonDealOptionNo"], "qty": o["qty"]} for o in deal["dealOptions"]
                        ],
                    }
                    for deal in order["deals"]
                ],
            }
            for order in self.orders.values()
        ]
        invoices = [{k: v for k, v in invoice.items() if k != "registeredAt"} for invoice in self.invoices.values()]
        claims = [
            {
                "claimNo": claim["claimNo"],
                "tmonOrderNo": claim["tmonOrderNo"],
                "type": claim["type"],
                "claimType": claim["claimType"],
                "status": claim["claimStatus"],
                "tmonDealNos": [deal["tmonDealNo"] for deal in claim["claimDeals"]],
                "returnDeliveryInvoice": claim["returnDeliveryInvoice"],
                "reDeliveryInvoice": claim["reDeliveryInvoice"],
                "rejection": claim["rejection"],
            }
            for claim in self.claims.values()
        ]
        return copy.deepcopy({"orders": orders, "invoices": invoices, "claims": claims})

    def seed(self, data: Mapping[str, Any], catalogue: Sequence[CatalogDeal]) -> dict[str, Any]:
        """``POST /__sandbox__/seed``: ``orders`` new orders for ``vendor`` drawn from ``random.Random(seed)``, every
        line of quantity ``qty`` when given (1 to ``MAX_QTY``).

        ``catalogue`` is the vendor's deals (empty: ``SYNTHETIC_DEALS``). The same seed, clock and catalogue give
        the same orders. ``ValueError`` on a bad body.
        """
        unknown = sorted(set(data) - SEED_KEYS)
        if unknown:
            raise ValueError(f"unknown keys {unknown}; known: {sorted(SEED_KEYS)}")
        count, seed, vendor = data.get("orders"), data.get("seed", 0), data.get("vendor", "V1001")
        if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_SEED_ORDERS:
            raise ValueError(f"orders must be an integer in [1, {MAX_SEED_ORDERS}], got {count!r}")
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise ValueError(f"seed must be an integer, got {seed!r}")
        if not isinstance(vendor, str) or not vendor:
            raise ValueError(f"vendor must be a non-empty string, got {vendor!r}")
        qty = data.get("qty")
        if qty is not None and (isinstance(qty, bool) or not isinstance(qty, int) or not 1 <= qty <= MAX_QTY):
            raise ValueError(f"qty must be an integer in [1, {MAX_QTY}], got {qty!r}")
        rng = random.Random(seed)
        deals = list(catalogue) or list(SYNTHETIC_DEALS)
        taken = ({int(no) for no in self.orders}, {d["deliveryNo"] for o in self.orders.values() for d in o["deals"]})
        now = self.clock()
        made = [make_order(rng, vendor, deals, now, taken, qty) for _ in range(count)]
        for order in made:
            self.orders[order["tmonOrderNo"]] = order
        return {"orders": [order["tmonOrderNo"] for order in made]}

    def raise_claim(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """``POST /__sandbox__/claims``: a buyer's C1 claim on the first deal of ``order``, in a deal state it can be
        raised in (``ClaimKind.states``); ``"state": "collected"`` (or ``picked_up``) raises a return or exchange whose
        goods TMON has collected already (its ``returnDeliveryInvoice`` and ``returnDeliveryCompletedDate`` set). ``"type":
        "withdraw"``: the buyer withdraws the order's open claim (C1 → C8). ``ValueError`` if bad."""
        unknown = sorted(set(data) - CLAIM_KEYS)
        if unknown:
            raise ValueError(f"unknown keys {unknown}; known: {sorted(CLAIM_KEYS)}")
        self.settle()
        order = self.orders.get(str(data.get("order")))
        if data.get("type") == "withdraw":
            if order is None:
                raise ValueError(f"unknown order {data.get('order')!r}")
            return self.withdraw(order)
        kind = KIND_BY_NAME.get(str(data.get("type")))
        if kind is None:
            raise ValueError(f"type must be one of {[*KIND_BY_NAME, 'withdraw']}, got {data.get('type')!r}")
        if order is None:
            raise ValueError(f"unknown order {data.get('order')!r}")
        state = data.get("state", "requested")
        if state not in CLAIM_STATES:
            raise ValueError(f"state must be one of {list(CLAIM_STATES)}, got {state!r}")
        collected = state in ("collected", "picked_up")
        if collected and kind.name not in ("return", "exchange"):
            raise ValueError("state 'collected' is for a return or an exchange")
        deal = order["deals"][0]
        if deal["deliveryStatus"] not in kind.states:
            raise ValueError(
                f"a {kind.name} is raised on a deal in {'/'.join(kind.states)}; deal {deal['tmonDealNo']} of order "
                f"{order['tmonOrderNo']} is in {deal['deliveryStatus']}"
            )
        if self.open_claim(order["tmonOrderNo"], deal["tmonDealNo"]) is not None:
            raise ValueError(f"deal {deal['tmonDealNo']} of order {order['tmonOrderNo']} already has an open claim")
        claim_no = self.claim_no()
        reason, detail = kind.reasons[int(claim_no) % len(kind.reasons)]
        claim = self.add_claim(kind, order, claim_no, REQUESTED, [(deal, reason, detail)])
        if collected:
            number = str(FIRST_PICKUP_NO + int(claim_no) % 100_000_000)
            claim["returnDeliveryInvoice"] = {"deliveryCorp": 10001, "invoiceNo": number, "additionalInvoices": []}
            claim["returnDeliveryCompletedDate"] = stamp(self.clock())
        return {"claimNo": claim["claimNo"]}

    def withdraw(self, order: Mapping[str, Any]) -> dict[str, Any]:
        """The buyer withdraws the order's open claim: C1 → C8 ([T2] collects them as 취소철회, 반품취소, 교환취소)."""
        claim = next(
            (
                c
                for c in self.claims.values()
                if c["tmonOrderNo"] == order["tmonOrderNo"] and c["claimStatus"] == REQUESTED
            ),
            None,
        )
        if claim is None:
            raise ValueError(f"order {order['tmonOrderNo']} has no open claim to withdraw")
        claim["claimStatus"] = WITHDRAWN
        return {"claimNo": claim["claimNo"]}

    # -- lookups --------------------------------------------------------------------------------------------

    def settle(self) -> None:
        """Deals whose invoice is ``SHIPPED_AFTER`` old move from D3 to D4; an approved exchange or redelivery (C2,
        its item sent again: [T1] maps C2 to 교환배송중, C3 to 교환완료) is complete (C3) ``SHIPPED_AFTER`` after."""
        now = self.clock()
        for (order_no, deal_no), invoice in self.invoices.items():
            deal = self.deal_of(self.orders[order_no], deal_no)
            shipped_at = invoice["registeredAt"] + SHIPPED_AFTER
            if deal is not None and deal["deliveryStatus"] == SHIPPING and now >= shipped_at:
                deal["deliveryStatus"], deal["updatedDate"] = SHIPPED, stamp(shipped_at)
        for claim in self.claims.values():
            resent = claim.get("resentAt")
            if claim["claimStatus"] == APPROVED and resent is not None and now >= resent + SHIPPED_AFTER:
                claim["claimStatus"], claim["completedDate"] = DONE, stamp(resent + SHIPPED_AFTER)

    def caller(self, request: Request) -> tuple[str, str]:
        vendor, key = self.authorize(request)
        self.settle()
        return vendor, key

    def find_order(self, request: Request, vendor: str) -> dict[str, Any]:
        number = request.path_params["tmonOrderNo"]
        order = self.orders.get(number)
        if order is None or order["vendorId"] != vendor:
            raise reject("NOT_FOUND", f"주문을 찾을 수 없습니다: {number}", 404)
        return order

    @staticmethod
    def deal_of(order: Mapping[str, Any], number: int) -> dict[str, Any] | None:
        return next((deal for deal in order["deals"] if deal["tmonDealNo"] == number), None)

    def body_deal(self, order: Mapping[str, Any], body: Mapping[str, Any]) -> dict[str, Any]:
        """The order's deal ``body["tmonDealNo"]`` names."""
        raw = body.get("tmonDealNo")
        if raw is None:
            raise required("tmonDealNo", "딜번호")
        number = as_number(raw)
        deal = None if number is None else self.deal_of(order, number)
        if deal is None:
            raise reject("DEAL_NOT_FOUND", f"주문({order['tmonOrderNo']})에 해당 딜이 없습니다: {raw}")
        return deal

    @staticmethod
    def check_lines(deal: Mapping[str, Any], items: object) -> None:
        """``tmonDealOptions`` must list each option of ``deal`` once, with its ordered ``qty``."""
        if not isinstance(items, list) or not items:
            raise required("tmonDealOptions", "딜옵션")
        ordered = {option["tmonDealOptionNo"]: option["qty"] for option in deal["dealOptions"]}
        seen: set[int] = set()
        for item in items:
            raw = item.get("tmonDealOptionNo") if isinstance(item, dict) else item
            number = as_number(raw)
            if number is None or number not in ordered or number in seen:
                raise reject("OPTION_NOT_FOUND", f"딜({deal['tmonDealNo']})의 딜옵션을 찾을 수 없습니다: {raw}")
            seen.add(number)
            qty = item.get("qty") if isinstance(item, dict) else None
            if as_number(qty) != ordered[number]:
                message = f"[옵션 {number}] 수량(qty)이 주문수량과 다릅니다 (주문 {ordered[number]}, 입력 {qty})."
                raise reject("INVALID_QTY", message)
        left = [str(number) for number in ordered if number not in seen]
        if left:
            message = f"딜의 모든 옵션을 함께 처리해야 합니다 (부분 처리 불가). 누락된 딜옵션: {', '.join(left)}"
            raise reject("PARTIAL_DEAL", message)

    def check_delivery_no(self, deal: Mapping[str, Any], body: Mapping[str, Any]) -> None:
        raw = body.get("deliveryNo")
        if raw is None:
            raise required("deliveryNo", "배송번호")
        if as_number(raw) != deal["deliveryNo"]:
            message = f"배송번호(deliveryNo)가 딜({deal['tmonDealNo']})의 배송번호와 다릅니다: {raw}"
            raise reject("DELIVERY_NO_MISMATCH", message)

    def open_claim(self, order_no: str, deal_no: int) -> dict[str, Any] | None:
        return next(
            (
                claim
                for claim in self.claims.values()
                if claim["tmonOrderNo"] == order_no
                and claim["claimStatus"] == REQUESTED
                and any(deal["tmonDealNo"] == deal_no for deal in claim["claimDeals"])
            ),
            None,
        )

    # -- rendering ------------------------------------------------------------------------------------------

    @staticmethod
    def render(order: Mapping[str, Any], key: str) -> dict[str, Any]:
        """The order as the API answers it: personal data encrypted with ``key``, no ``vendorId``."""
        shown = copy.deepcopy({name: value for name, value in order.items() if name != "vendorId"})
        for name in ENCRYPTED:
            shown[name] = encrypt(order[name], key)
        shown["receiverAddress"] = {name: encrypt(value, key) for name, value in order["receiverAddress"].items()}
        return shown

    def render_claim(self, claim: Mapping[str, Any], key: str) -> dict[str, Any]:
        """A claim as the search and the claim read answer it: [T1] ClaimScheduler reads ``tmonOrderNo``, ``claimNo``,
        ``claimDeals``, and getClaimStatus ``claimType`` and ``claimStatus``; [T2]
        ``domain/model/PaTmon{Cancel,Claim,Redelivery}List.java`` map ``userId``/``userName`` (encrypted, [T2]
        decrypts them), ``deliveryNo``, ``orderDate``, ``requestedDate``, and for a return, exchange or redelivery
        (``PaTmonClaimListVO``, ``PaTmonRedeliveryListVO``) ``approvedDate``, ``completedDate`` and the invoices
        ``originDeliveryInvoice`` (the deal's), ``returnDeliveryInvoice`` (회수), ``reDeliveryInvoice`` (sent again),
        each ``{deliveryCorp, invoiceNo, additionalInvoices}``, with ``returnDeliveryCompletedDate``."""
        order = self.orders[claim["tmonOrderNo"]]
        shown: dict[str, Any] = {
            "tmonOrderNo": claim["tmonOrderNo"],
            "claimNo": claim["claimNo"],
            "claimType": claim["claimType"],
            "claimStatus": claim["claimStatus"],
            "userId": encrypt(order["userId"], key),
            "userName": encrypt(order["userName"], key),
            "deliveryNo": claim["deliveryNo"],
            "orderDate": order["orderDate"],
            "requestedDate": claim["requestedDate"],
            "claimDeals": copy.deepcopy(claim["claimDeals"]),
        }
        if claim["type"] != "cancel":
            first = claim["claimDeals"][0]["tmonDealNo"] if claim["claimDeals"] else None
            origin = self.invoices.get((claim["tmonOrderNo"], first)) if first is not None else None
            shown.update(
                approvedDate=claim["approvedDate"],
                completedDate=claim["completedDate"],
                originDeliveryInvoice=None if origin is None else invoice_view(origin),
                returnDeliveryInvoice=copy.deepcopy(claim["returnDeliveryInvoice"]),
                returnDeliveryCompletedDate=claim["returnDeliveryCompletedDate"],
                reDeliveryInvoice=copy.deepcopy(claim["reDeliveryInvoice"]),
            )
        return shown

    # -- orders ---------------------------------------------------------------------------------------------

    def matching(self, vendor: str, start: str, end: str, status: str) -> list[dict[str, Any]]:
        found = [
            order
            for order in self.orders.values()
            if order["vendorId"] == vendor
            and start <= order["orderDate"] <= end
            and any(deal["deliveryStatus"] == status for deal in order["deals"])
        ]
        return sorted(found, key=lambda order: (order["orderDate"], order["tmonOrderNo"]))

    async def list_orders(self, request: Request) -> Response:
        vendor, key = self.caller(request)
        start, end = window(request)
        status = str(status_param(request, "deliveryStatus", LIST_STATUSES))
        return json_response([self.render(order, key) for order in self.matching(vendor, start, end, status)])

    async def search_orders(self, request: Request) -> Response:
        vendor, key = self.caller(request)
        start, end = window(request)
        status = str(status_param(request, "deliveryStatus", SEARCH_STATUSES))
        page = page_of(request, self.matching(vendor, start, end, status))
        return json_response({**page, "items": [self.render(order, key) for order in page["items"]]})

    async def get_order(self, request: Request) -> Response:
        vendor, key = self.caller(request)
        return json_response(self.render(self.find_order(request, vendor), key))

    async def confirm(self, request: Request) -> Response:
        """D1 → D2 for one deal of the order."""
        vendor, _ = self.caller(request)
        order = self.find_order(request, vendor)
        body = await read_object(request)
        deal = self.body_deal(order, body)
        self.check_lines(deal, body.get("tmonDealOptions"))
        if deal["deliveryStatus"] != NEW:
            raise reject("INVALID_DELIVERY_STATUS", "배송주문 확인처리가 불가능한 배송상태입니다.")
        deal["deliveryStatus"], deal["updatedDate"] = CONFIRMED, stamp(self.clock())
        return empty_response()

    async def invoice_request(self, request: Request) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
        """The order, its deal and the checked invoice of a ``POST``/``PUT …/invoices`` request."""
        vendor, _ = self.caller(request)
        order = self.find_order(request, vendor)
        body = await read_object(request)
        deal = self.body_deal(order, body)
        self.check_delivery_no(deal, body)
        self.check_lines(deal, body.get("tmonDealOptions"))
        return order, deal, check_invoice(body.get("invoice"), "invoice", body.get("deliveryScheduledDate"))

    def store_invoice(self, order: Mapping[str, Any], deal: dict[str, Any], invoice: Mapping[str, Any]) -> None:
        """Register (or replace) the deal's invoice; the deal moves to D3."""
        now = self.clock()
        key = (str(order["tmonOrderNo"]), int(deal["tmonDealNo"]))
        earlier = self.invoices.get(key)
        self.invoices[key] = {
            "tmonOrderNo": key[0],
            "deliveryNo": deal["deliveryNo"],
            "tmonDealNo": key[1],
            "deliveryCorp": invoice["deliveryCorp"],
            "invoiceNo": invoice["invoiceNo"],
            "additionalInvoices": invoice["additionalInvoices"],
            "registeredAt": now if earlier is None else earlier["registeredAt"],
        }
        if invoice["deliveryScheduledDate"]:
            deal["deliveryScheduledDate"] = invoice["deliveryScheduledDate"]
        if deal["deliveryStatus"] in (NEW, CONFIRMED):
            deal["deliveryStatus"] = SHIPPING
        deal["updatedDate"] = stamp(now)

    async def register_invoice(self, request: Request) -> Response:
        """D2 → D3. An open cancel request does not stop it (TMON's manual warns of this; the client must hold)."""
        order, deal, invoice = await self.invoice_request(request)
        earlier = self.invoices.get((order["tmonOrderNo"], deal["tmonDealNo"]))
        if earlier is not None and earlier["invoiceNo"] == invoice["invoiceNo"]:
            message = f"동일 송장 등록 요청 오류 (deliveryNo: {deal['deliveryNo']}, invoiceNo: {invoice['invoiceNo']})"
            raise reject("DUPLICATE_INVOICE", message)
        status = deal["deliveryStatus"]
        if status != CONFIRMED:
            raise reject("INVALID_DELIVERY_STATUS", f"송장등록이 불가능한 배송상태입니다. current_state: {status}")
        self.store_invoice(order, deal, invoice)
        return empty_response()

    async def edit_invoice(self, request: Request) -> Response:
        """Replace the invoice of a D3 deal."""
        order, deal, invoice = await self.invoice_request(request)
        status = deal["deliveryStatus"]
        if (order["tmonOrderNo"], deal["tmonDealNo"]) not in self.invoices:
            raise reject("INVOICE_NOT_FOUND", f"수정할 송장이 없습니다. current_state: {status}")
        if status != SHIPPING:
            raise reject("INVALID_DELIVERY_STATUS", f"송장수정이 불가능한 배송상태입니다. current_state: {status}")
        self.store_invoice(order, deal, invoice)
        return empty_response()

    # -- claims ---------------------------------------------------------------------------------------------

    def claim_no(self) -> str:
        number, self.next_claim_no = self.next_claim_no, self.next_claim_no + 1
        return str(number)

    def add_claim(
        self,
        kind: ClaimKind,
        order: Mapping[str, Any],
        claim_no: str,
        status: str,
        deals: Sequence[tuple[Mapping[str, Any], str, str]],
    ) -> dict[str, Any]:
        """A claim on whole deals: ``deals`` is each deal with its reason and reason detail."""
        claim = {
            "claimNo": claim_no,
            "tmonOrderNo": order["tmonOrderNo"],
            "vendorId": order["vendorId"],
            "type": kind.name,
            "claimType": kind.letter,
            "claimStatus": status,
            "requestedDate": stamp(self.clock()),
            "deliveryNo": deals[0][0]["deliveryNo"] if deals else None,
            "approvedDate": None,
            "completedDate": stamp(self.clock()) if status == DONE else None,
            "returnDeliveryInvoice": None,  # the collection (회수) invoice, once TMON or the seller names one
            "returnDeliveryCompletedDate": None,
            "reDeliveryInvoice": None,  # the invoice of the item sent again (exchange, redelivery)
            "rejection": None,  # {reason, reasonDetail} of a refusal
            "resentAt": None,  # app-clock time of the re-sent item (settle)
            "claimDeals": [
                {
                    "tmonDealNo": deal["tmonDealNo"],
                    "dealTitle": deal["dealTitle"],
                    "requestReason": reason,
                    "requestReasonDetail": detail,
                    "claimDealOptions": [
                        {
                            "tmonDealOptionNo": option["tmonDealOptionNo"],
                            "dealOptionTitle": option["dealOptionTitle"],
                            "qty": option["qty"],
                        }
                        for option in deal["dealOptions"]
                    ],
                }
                for deal, reason, detail in deals
            ],
        }
        self.claims[claim_no] = claim
        return claim

    def claim_search(self, kind: ClaimKind) -> Endpoint:
        async def search(request: Request) -> Response:
            vendor, key = self.caller(request)
            start, end = window(request)
            status = status_param(request, "claimStatus", CLAIM_STATUSES)
            found = [
                claim
                for claim in self.claims.values()
                if claim["vendorId"] == vendor
                and claim["type"] == kind.name
                and start <= claim["requestedDate"] <= end
                and claim["claimStatus"] == status
            ]
            found.sort(key=lambda claim: (claim["requestedDate"], claim["claimNo"]))
            page = page_of(request, found)
            return json_response({**page, "items": [self.render_claim(claim, key) for claim in page["items"]]})

        search.__name__ = f"search_{kind.path}"
        return search

    def find_claim(self, request: Request, vendor: str, *kinds: ClaimKind) -> dict[str, Any]:
        number = request.path_params["claimNo"]
        claim = self.claims.get(number)
        if claim is None or claim["vendorId"] != vendor or claim["type"] not in {kind.name for kind in kinds}:
            raise reject("NOT_FOUND", f"클레임을 찾을 수 없습니다: {number}", 404)
        return claim

    def claim_detail(self, kind: ClaimKind) -> Endpoint:
        async def detail(request: Request) -> Response:
            vendor, key = self.caller(request)
            return json_response(self.render_claim(self.find_claim(request, vendor, kind), key))

        detail.__name__ = f"get_{kind.path}"
        return detail

    @staticmethod
    def check_open(claim: Mapping[str, Any]) -> None:
        """A decision goes only on a requested (C1) claim. A claim processed already answers in [T2]'s quote of TMON
        ("클레임 처리 완료된 건입니다.(C3)", returnConfirm; [T1] and [T2] look for "완료된" after a cancel approval)."""
        status = claim["claimStatus"]
        if status == REQUESTED:
            return
        if status in (APPROVED, DONE, UNPAID):
            raise reject("INVALID_CLAIM_STATUS", f"클레임 처리 완료된 건입니다.({status})")
        why = {WITHDRAWN: "구매자가 철회한", REJECTED: "이미 거부된"}.get(status, "처리할 수 없는")
        raise reject("INVALID_CLAIM_STATUS", f"{why} 클레임입니다: {claim['claimNo']} (claimStatus: {status})")

    def open_claim_of(self, request: Request, *kinds: ClaimKind) -> dict[str, Any]:
        """The claim ``{claimNo}`` of one of ``kinds``, still requested (C1)."""
        vendor, _ = self.caller(request)
        claim = self.find_claim(request, vendor, *kinds)
        self.check_open(claim)
        return claim

    def claim_deals(self, claim: Mapping[str, Any]) -> list[dict[str, Any]]:
        order = self.orders[claim["tmonOrderNo"]]
        found = (self.deal_of(order, deal["tmonDealNo"]) for deal in claim["claimDeals"])
        return [deal for deal in found if deal is not None]

    @staticmethod
    def refusal(kind: ClaimKind, body: Mapping[str, Any]) -> dict[str, Any]:
        """The ``reason`` of a refusal, one of ``REJECT_REASONS`` of the claim's path; a return's or exchange's with
        its ``reasonDetail`` of 10 to 50 characters ([T2])."""
        reason = body.get("reason")
        if not reason:
            raise required("reason", "거부사유")
        known = REJECT_REASONS[kind.path]
        if reason not in known:
            raise not_allowed("reason", "거부사유", reason, (f"{code}({name})" for code, name in known.items()))
        if kind.name == "cancel":
            return {"reason": reason, "reasonDetail": body.get("reasonDetail")}
        detail = body.get("reasonDetail")
        if not isinstance(detail, str) or not detail.strip():
            raise required("reasonDetail", "거부 상세사유")
        low, high = DETAIL_LENGTH
        if not low <= len(detail.strip()) <= high:
            message = f"거부 상세사유(reasonDetail): {low}자 이상 {high}자 이내로 입력해 주세요 (입력 {len(detail.strip())}자)."
            raise reject("INVALID_VALUE", message)
        return {"reason": reason, "reasonDetail": detail.strip()}

    async def approve_cancel(self, request: Request) -> Response:
        """C1 → C3; the claim's deals are cancelled (status ``C``)."""
        claim = self.open_claim_of(request, KIND_BY_PATH["cancellations"])
        now = stamp(self.clock())
        for deal in self.claim_deals(claim):
            deal["deliveryStatus"], deal["updatedDate"] = CANCELLED, now
        claim["claimStatus"], claim["approvedDate"], claim["completedDate"] = DONE, now, now
        return empty_response()

    async def reject_cancel(self, request: Request) -> Response:
        """``{"reason": "JCD1", "deliveryInvoice": {...}}``: already shipped. C1 → C9; a deal without an invoice
        gets this one (and moves to D3)."""
        claim = self.open_claim_of(request, KIND_BY_PATH["cancellations"])
        body = await read_object(request)
        refusal = self.refusal(KIND_BY_PATH["cancellations"], body)
        invoice = check_invoice(body.get("deliveryInvoice"), "deliveryInvoice")
        order = self.orders[claim["tmonOrderNo"]]
        for deal in self.claim_deals(claim):
            if (order["tmonOrderNo"], deal["tmonDealNo"]) not in self.invoices:
                self.store_invoice(order, deal, invoice)
        claim["claimStatus"], claim["rejection"] = REJECTED, refusal
        return empty_response()

    def claim_reject(self, kind: ClaimKind) -> Endpoint:
        """``PUT /{refunds|exchanges}/{claimNo}/reject`` ``{reason, reasonDetail}`` ([T2] returnRefuse JRD5,
        exchangeRejectProc JXD3; ❓ the path is the cancel refusal's under the claim's type, [T2] keeps its URLs in
        its settings): C1 → C9."""

        async def refuse(request: Request) -> Response:
            claim = self.open_claim_of(request, kind)
            refusal = self.refusal(kind, await read_object(request))
            claim["claimStatus"], claim["rejection"] = REJECTED, refusal
            return empty_response()

        refuse.__name__ = f"reject_{kind.path}"
        return refuse

    async def seller_cancel(self, request: Request) -> Response:
        """판매자 직접취소: whole deals of D1/D2, at once done (a C3 cancel claim); the deals are cancelled."""
        vendor, _ = self.caller(request)
        body = await read_object(request)
        number = body.get("tmonOrderNo")
        if not number:
            raise required("tmonOrderNo", "주문번호")
        order = self.orders.get(str(number))
        if order is None or order["vendorId"] != vendor:
            raise reject("NOT_FOUND", f"주문을 찾을 수 없습니다: {number}", 404)
        items = body.get("tmonDeals")
        if not isinstance(items, list) or not items:
            raise required("tmonDeals", "취소 딜")
        chosen: list[tuple[dict[str, Any], str, str]] = []
        for item in items:
            if not isinstance(item, dict):
                raise required("tmonDealNo", "딜번호")
            deal = self.body_deal(order, item)
            self.check_delivery_no(deal, body)
            self.check_lines(deal, item.get("tmonDealOptions"))
            reason = item.get("reason")
            if not isinstance(reason, str) or not reason:
                raise required("reason", "취소사유")
            status = deal["deliveryStatus"]
            if status not in (NEW, CONFIRMED):
                raise reject(
                    "INVALID_DELIVERY_STATUS", f"판매자 취소가 불가능한 배송상태입니다. current_state: {status}"
                )
            chosen.append((deal, reason, str(item.get("reasonDetail") or "")))
        self.add_claim(KIND_BY_PATH["cancellations"], order, self.claim_no(), DONE, chosen)
        now = stamp(self.clock())
        for deal, _, _ in chosen:
            deal["deliveryStatus"], deal["updatedDate"] = CANCELLED, now
        return empty_response()

    def resent_invoice(self, data: object, field: str) -> dict[str, Any]:
        """An invoice a return or exchange approval names: both ``deliveryCorp`` and ``invoiceNo`` (자체배송: its date)
        or [T2]'s quote of TMON's refusal; then the invoice rules of ``check_invoice``."""
        if not isinstance(data, dict) or data.get("deliveryCorp") in (None, ""):
            raise reject("MISSING_FIELD", NEEDS_BOTH)
        if data.get("deliveryCorp") != SELF_DELIVERY and not str(data.get("invoiceNo") or "").strip():
            raise reject("MISSING_FIELD", NEEDS_BOTH)
        checked = check_invoice(data, field)
        return {k: checked[k] for k in ("deliveryCorp", "invoiceNo", "additionalInvoices")}

    def resend(self, claim: dict[str, Any], body: Mapping[str, Any]) -> None:
        """An exchange or redelivery approved with the ``redeliveryInvoice`` of the item sent again: C1 → C2 (승인, the
        item on its way), complete (C3) ``SHIPPED_AFTER`` later (``settle``)."""
        claim["reDeliveryInvoice"] = self.resent_invoice(body.get("redeliveryInvoice"), "redeliveryInvoice")
        now = self.clock()
        claim["claimStatus"], claim["approvedDate"], claim["resentAt"] = APPROVED, stamp(now), now

    async def approve_refund(self, request: Request) -> Response:
        """``PUT /refunds/{claimNo}/approve``. A return: C1 → C3 (refunded, [T1] confirmReturnOrders sets C3), once its
        goods are back: TMON holds their collection invoice (raised ``collected``), or the body names it as
        ``returnDeliveryInvoice`` ([T2] returnConfirm, which approves only after every item was collected); else
        [T2]'s quote of TMON's refusal (❓ docs/protocols/tmon.md). A redelivery claim approved here with its
        ``redeliveryInvoice`` ([T1] confirmExchangeOrders, the only redelivery call in any source): see ``resend``."""
        claim = self.open_claim_of(request, KIND_BY_PATH["refunds"], KIND_BY_PATH["redeliveries"])
        body = await read_object(request, optional=True)
        if claim["type"] == "redelivery":
            self.resend(claim, body)
            return empty_response()
        given = body.get("returnDeliveryInvoice")
        if given is not None:
            claim["returnDeliveryInvoice"] = self.resent_invoice(given, "returnDeliveryInvoice")
        elif claim["returnDeliveryInvoice"] is None:
            raise reject("MISSING_FIELD", NEEDS_BOTH)
        now = stamp(self.clock())
        claim["claimStatus"], claim["approvedDate"], claim["completedDate"] = DONE, now, now
        return empty_response()

    async def approve_exchange(self, request: Request) -> Response:
        """``PUT /exchanges/{claimNo}/approve`` with the ``redeliveryInvoice`` of the item sent again ([T1]
        confirmExchangeOrders, [T2] returnConfirm); see ``resend``."""
        claim = self.open_claim_of(request, KIND_BY_PATH["exchanges"])
        self.resend(claim, await read_object(request, optional=True))
        return empty_response()


def invoice_view(invoice: Mapping[str, Any]) -> dict[str, Any]:
    """A stored deal invoice as a claim shows it ({deliveryCorp, invoiceNo, additionalInvoices}, [T2] makeClaimList)."""
    return {k: copy.deepcopy(invoice[k]) for k in ("deliveryCorp", "invoiceNo", "additionalInvoices")}
