"""Coupang's Open API (WING) adapter (marketplaces.md §2): CEA-signed products, order sheets, invoices, claims, Q&A.

Only what differs lives here: the paths, the product body, Coupang's batch answers (``responseList``) and its
words. Signing is ``CoupangAuth`` on the HTTP client (it signs the raw path and query exactly as sent); retries,
pacing, the breaker and the kill switch are the shared client's (base.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any, NoReturn

import httpx

from batch.config import Account
from batch.errors import WorkspaceError
from batch.marketplaces.base import (
    RETRY,
    AlreadyDone,
    AuthFailed,
    Call,
    MarketClient,
    MarketError,
    Rejected,
    Unavailable,
    Verdict,
    chunks,
    day_windows,
    each_item,
    in_batches,
    json_object,
    status_error,
)
from batch.marketplaces.coupang_auth import CoupangAuth
from batch.marketplaces.types import ClaimDecision, DeliveryTemplate, Outcomes, Shipment, Shown, option_no
from batch.models import (
    Claim,
    ClaimStatus,
    ClaimType,
    Inquiry,
    Market,
    OrderLine,
    OrderStatus,
    Product,
    ProductLink,
    SalesInfo,
)
from batch.trade.couriers import find_courier

MARKET = Market.COUPANG.value
API = "/v2/providers/openapi/apis/api"
SELLER = "/v2/providers/seller_api/apis/api/v1/marketplace"
OUTBOUND = "/v2/providers/marketplace_openapi/apis/api/v2/vendor/shipping-place/outbound"
# C2: the official samples send this Content-Type on every call, GET included (C1 assets/guides/python-example.sample.ts
# req.add_header("Content-type","application/json;charset=UTF-8"); marketplaces.md §2.1)
CONTENT_TYPE = {"Content-Type": "application/json;charset=UTF-8"}
# C3: C1 assets/faq/technical-faq.etc.ts ("타임아웃 에러가 발생합니다"): heavy calls (order, return and exchange lists,
# product creation) send X-EXTENDED-TIMEOUT and the client must wait as long; the gateway's default is 3 s (504 FAQ).
# We ask the gateway for no longer than this client waits (see Coupang._extended), at most the FAQ's 90000.
EXTENDED_MS = 90_000
GATEWAY_MS = 3_000
EXTENDED_MARGIN_MS = 1_000

MAX_NAME = 100  # ❓ sellerProductName: no confirmed limit; the sandbox uses the same
MAX_ITEMS = 200  # ❓ options per product
MAX_IMAGES = 10  # ❓
MAX_TAGS = 20  # ❓ searchTags
MAX_BATCH = 50  # §2.3: acknowledgement ids per call; ❓ the same for invoice DTOs (docs/protocols/coupang.md)
RETRY_ROUNDS = 3  # sends of an item Coupang marks retryRequired, the first included
ANSWER_LIMIT = 1000  # ❓ no documented limit; the sandbox enforces the same
ORDER_DAYS = 31  # §2.3: order sheets, at most 31 days
SHORT_DAYS = 7  # §2.3: exchange requests and inquiries, at most 7 days; return requests, see collect_claims
PAGE = "50"
# C24: C1 customer-service-api/ko/lookup-coupang-call-center-inquiry.document.ts, pageSize "Default 10, max = 30"
CALLCENTER_PAGE = "30"
# C9: the fields Coupang changes only through the vendor-item calls once an option is approved (C1
# product-api/ko/modify-seller-product.document.ts _warning; developers.coupangcorp.com/hc/ko/articles/360034156073)
VENDOR_ITEM_FIELDS = ("salePrice", "originalPrice", "maximumBuyCount")
# ❓ fixed sale period: the body is hashed to detect changes, so it must not carry today's date
SALE_START = "2020-01-01T00:00:00"
SALE_END = "2099-12-31T23:59:59"
CHARGE_TYPES = {"무료": "FREE", "유료": "NOT_FREE", "조건부무료": "CONDITIONAL_FREE"}
ORDER_STATUSES = ("ACCEPT", "INSTRUCT")  # collected: new (결제완료) and confirmed (상품준비중)
ORDER_STATUS = {
    "ACCEPT": OrderStatus.NEW,
    "INSTRUCT": OrderStatus.CONFIRMED,
    "DEPARTURE": OrderStatus.SHIPPING,
    "DELIVERING": OrderStatus.SHIPPING,
    "NONE_TRACKING": OrderStatus.SHIPPING,
    "FINAL_DELIVERY": OrderStatus.DELIVERED,
}
RETURN_STATUS = {
    "RELEASE_STOP_UNCHECKED": ClaimStatus.REQUESTED,
    "RETURNS_UNCHECKED": ClaimStatus.REQUESTED,
    "VENDOR_WAREHOUSE_CONFIRM": ClaimStatus.REQUESTED,
    "REQUEST_COUPANG_CHECK": ClaimStatus.REQUESTED,
    "RETURNS_COMPLETED": ClaimStatus.DONE,
    "RU": ClaimStatus.REQUESTED,
    "UC": ClaimStatus.REQUESTED,
    "PR": ClaimStatus.REQUESTED,
    "CC": ClaimStatus.DONE,
}
# ❓ REJECT (교환불가) closes the claim: read as DONE; CANCEL (철회) is the buyer's withdrawal
EXCHANGE_STATUS = {
    "RECEIPT": ClaimStatus.REQUESTED,
    "PROGRESS": ClaimStatus.REQUESTED,
    "SUCCESS": ClaimStatus.DONE,
    "REJECT": ClaimStatus.DONE,
    "CANCEL": ClaimStatus.WITHDRAWN,
}
# 클레임 처리 (issue 18). The words Coupang shows for a receipt (receiptStatus, C1 return-api/ko/lookup-return-request-
# list-per-day.document.ts, its table) and its 출고중지처리상태 (releaseStopStatus, the same table: 미처리 | 처리(이미출고)
# | 처리(출고중지) | 자동처리(이미출고) | 비대상)
RECEIPT_WORDS = {
    "RELEASE_STOP_UNCHECKED": "출고중지요청",
    "RETURNS_UNCHECKED": "반품접수",
    "VENDOR_WAREHOUSE_CONFIRM": "입고완료",
    "REQUEST_COUPANG_CHECK": "쿠팡확인요청",
    "RETURNS_COMPLETED": "반품완료",
}
RELEASE_STOP_ASKED = "RELEASE_STOP_UNCHECKED"
STOP_OPEN = "미처리"  # a buyer's cancel waiting for 출고중지완료 or 이미출고
STOP_DONE = "처리(출고중지)"  # the cancel approved (stoppedShipment)
SHIPPED_ANYWAY = ("처리(이미출고)", "자동처리(이미출고)")  # the cancel answered 이미출고: a return follows
NOT_A_STOP = "비대상"
# C1 exchange-api/ko/lookup-change-request-list.document.ts: exchangeStatus, collectStatus (회수상태) and deliveryStatus
# (재배송상태) tables
EXCHANGE_WORDS = {"RECEIPT": "접수", "PROGRESS": "진행", "SUCCESS": "완료", "REJECT": "불가", "CANCEL": "철회"}
COLLECT_WORDS = {
    "BeforeDirection": "회수연동 전",
    "CompleteDirection": "회수연동",
    "Delivering": "회수중",
    "CompleteCollect": "업체전달완료",
    "DirectionFail": "회수연동실패",
    "Fail": "회수실패",
    "Withdraw": "교환회수철회",
    "NoCollect": "회수 불필요",
    "NoneData": "정보없음",
}
DELIVERY_WORDS = {
    "BeforeDirection": "배송연동 전",
    "CompleteDirection": "배송연동",
    "Delivering": "배송중",
    "CompleteDelivery": "배송완료",
    "DirectionFail": "배송연동실패",
    "VendorDirect": "업체직송",
    "Fail": "배송실패",
    "Withdraw": "교환배송철회",
    "NoneData": "정보없음",
}
COLLECTED = "CompleteCollect"  # articles/360034027954: the exchange invoice only once collectStatus is 업체전달완료
# 취소 거부: Coupang's only answer to a 출고중지요청 besides 출고중지완료 is 이미출고 (completedShipment, with the invoice of
# what left; C1 delivery-api/ko/products-already-shipped-processing.document.ts, articles/360033793034)
CANCEL_REFUSALS = {"이미 발송함": "completedShipment"}  # the workbook's label for 이미출고
# 교환 거부: exchangeRejectCode "SOLDOUT 또는 WITHDRAW만 입력할 수 있습니다" (C1 exchange-request-deny-processing; articles/
# 360034027874: SOLDOUT 교환할 수 있지만 아이템이 매진, WITHDRAW 교환요청이 철회됨 (고객님이 요청함))
EXCHANGE_REJECT_CODES = {"교환 상품 품절": "SOLDOUT", "구매자 철회 요청": "WITHDRAW"}
# 반품 has no refuse call (the return API's seven calls: list, one, 입고 확인, 승인, two withdrawal reads, 회수 송장)
CLAIM_REJECT_REASONS: Mapping[ClaimType, tuple[str, ...]] = MappingProxyType(
    {ClaimType.CANCEL: tuple(CANCEL_REFUSALS), ClaimType.EXCHANGE: tuple(EXCHANGE_REJECT_CODES)}
)
CLAIM_WITHDRAWN = "구매자가 철회한 요청입니다. 쿠팡에 보낼 것이 없으니 이 행은 보류로 두세요."
NO_RETURN_REFUSAL = (
    "쿠팡 API에는 반품 거부가 없습니다. 돌아온 상품에 문제가 있으면 쿠팡 WING에서 입고 확인 뒤 '쿠팡 확인 요청'을 "
    "하세요. 이 행은 보류로 두세요."
)
NO_REDELIVERY = "쿠팡에는 재배송 클레임 처리 API가 없습니다. 쿠팡 WING에서 처리하세요."
CANCEL_NEEDS_INVOICE = (
    "쿠팡 취소 요청은 '이미출고'로만 거부할 수 있고, 이미 보낸 택배의 택배사와 송장번호가 필요합니다. 택배사와 "
    "송장번호를 적은 뒤 다시 실행하세요."
)
EXCHANGE_NEEDS_INVOICE = (
    "쿠팡 교환 승인에는 다시 보낼 상품의 택배사와 송장번호가 필요합니다. 택배사와 송장번호를 적은 뒤 다시 실행하세요."
)
CANCEL_SHIPPED_ALREADY = (
    "이 취소 요청은 이미 '이미출고'로 처리되어 반품으로 넘어갔습니다. 반품(회수) 건으로 처리하세요."
)
CANCEL_STOPPED_ALREADY = "이 취소 요청은 이미 출고중지(취소 승인)로 처리되었습니다. 거부할 수 없습니다."
EXCHANGE_REJECTED_ALREADY = "이 교환은 이미 교환불가(거부)로 처리되었습니다. 쿠팡 WING에서 확인하세요."
EXCHANGE_DONE_ALREADY = "이 교환은 이미 완료되었습니다. 거부할 수 없습니다."
NO_EXCHANGE_BOX = (
    "쿠팡에 입고 확인은 되었지만 교환 배송번호가 아직 없습니다(쿠팡은 입고 확인 뒤 최대 10분 걸려 만듭니다). "
    "10분쯤 뒤 다시 실행하세요. 계속 이러면 쿠팡 WING에서 교환 입고 확인 상태를 보세요."
)


def refuse_reasons(kind: ClaimType) -> str:
    labels = CLAIM_REJECT_REASONS.get(kind, ())
    return f"쿠팡 {kind.value} 거부사유는 {', '.join(labels)} 중 하나여야 합니다. 거부사유를 고른 뒤 다시 실행하세요."


def one_receipt(claim_no: str) -> str:
    return (
        f"쿠팡은 클레임을 접수번호 단위로만 처리합니다(상품별로 나눠 처리할 수 없음). 클레임번호 {claim_no}의 행을 모두 "
        "같은 처리·거부사유·송장으로 적은 뒤 다시 실행하세요."
    )


def claim_missing(claim_no: str) -> str:
    return f"쿠팡에서 클레임 {claim_no}을(를) 찾지 못했습니다. 클레임을 다시 모은 뒤 쿠팡 WING에서 확인하세요."


def not_in_state(what: str, shown: str) -> str:
    return f"쿠팡 클레임이 {what}할 수 없는 상태({shown})입니다. 쿠팡 WING에서 확인하세요."


# 판매취소 (주문 상품 취소 처리): bigCancelCode is always CANERR, middleCancelCode one of CCTTER / CCPNER / CCPRER
# (articles/360033843154; C1 delivery-api/ko/instruct-cancel.document.ts, whose table names them: CCTTER "재고 연동 오류 :
# 재고 문제로 취소가 발생하는 경우", CCPNER "제휴사이트 오류 : 주소 문제로 고객 배송지 생성 불가시 취소 되는 오류", CCPRER
# "가격등재오류 : 양사간 상품 가격오류 발생시 취소 되는 오류"). 품절 is CCTTER as C1 says and as 10x10's stock-out cancel sends
# it (C6 wapi outmall/order/lib/xSiteCSStockoutLib.asp); marketplaces.md §2.3's "CCPNER (품절)" [C9] contradicts C1
# and is not followed (docs/protocols/coupang.md, C29). 배송지연 and 기타 have no code: Coupang's third code is for an
# address it cannot deliver to.
# C1 change-price-by-product errorSpec: "가격변경에 실패했습니다. [옵션ID[3572784698] : 판매가 변경이 불가능합니다. 변경전
# 판매가의 최대 50% 인하/최대 100%인상까지 변경가능합니다.]" — the guard forceSalePriceUpdate=true lifts
PRICE_GUARD = "최대 50% 인하"
CANCEL_BIG = "CANERR"
CANCEL_CODES = {"품절": "CCTTER", "가격오류": "CCPRER"}
SHIPPED = ("DEPARTURE", "DELIVERING", "FINAL_DELIVERY", "NONE_TRACKING")
CANCELLABLE = ("ACCEPT", "INSTRUCT")  # articles/360033843154: [결제완료] or [상품준비중] only
ALREADY_CONFIRMED = "ALREADY_PROCESSED"  # ❓ the sandbox's resultCode for a box past ACCEPT (docs "Our readings")
ALREADY_INVOICED = "ALREADY_INVOICED"  # ❓ the sandbox's resultCode for a box that has an invoice (docs "Our readings")
ALREADY_ANSWERED = "이미 답변"  # ❓ the start of Coupang's message for a second product-inquiry answer
# C25: the response field csPartnerCounselingStatus is "requestAnswer" | "answered" (C1 lookup-coupang-call-center-
# inquiry.document.ts; developers.coupangcorp.com/hc/ko/articles/20376877844249); NO_ANSWER is a *query* value only
OPEN_CALLCENTER = "requestAnswer"
CALLCENTER_CLOSED = (
    "쿠팡이 이 고객센터 문의를 닫았습니다(24시간 안에 답변이 없으면 쿠팡 상담사가 처리합니다). "
    "답변하려면 쿠팡 WING [온라인 문의 > 쿠팡CS문의]에서 하세요."
)
ONE_INVOICE = (
    "쿠팡은 배송번호(묶음배송) 하나에 송장 하나만 받습니다. 추가 송장은 쿠팡 WING에서 분할배송으로 등록하세요."
)
CANCEL_INVOICED = "송장이 등록된(출고된) 쿠팡 주문은 판매취소할 수 없습니다. 고객에게 연락해 반품으로 처리하거나 쿠팡 WING에서 확인하세요."
CANCEL_PENDING = (
    "고객의 취소 요청이 접수된 쿠팡 주문입니다. 판매취소 대신 클레임(취소) 처리를 하세요: 쿠팡 WING에서 출고중지를 "
    "확인하면 됩니다."
)


def no_cancel_code(reason: str) -> str:
    return (
        f"쿠팡은 판매취소 사유로 {', '.join(CANCEL_CODES)}만 받습니다. '{reason}'(으)로 취소하려면 쿠팡 WING에서 "
        "주문을 취소하세요."
    )


def price_units(odd: Sequence[str]) -> str:
    return (
        f"쿠팡 판매가는 10원 단위로만 바꿀 수 있습니다(1원 단위 불가): {', '.join(odd)}. 재고관리 파일의 판매가(와 "
        "상품 파일의 옵션 추가금액)를 10원 단위로 고친 뒤 다시 실행하세요. 아무 옵션의 가격도 바꾸지 않았습니다."
    )


def price_refused(refused: Sequence[str], missing: Sequence[str], changed: int) -> str:
    parts = []
    if refused:
        parts.append(f"쿠팡이 옵션 판매가 변경을 받지 않았습니다: {' / '.join(refused)}.")
        if any(PRICE_GUARD in words for words in refused):
            parts.append(
                "쿠팡은 입력 실수를 막으려고 한 번에 판매가를 절반 아래로 내리거나 두 배 넘게 올리는 것을 받지 "
                "않습니다. 가격이 맞다면 쿠팡 WING에서 바꾸거나 두 번에 나눠 바꾸세요."
            )
        else:
            parts.append("쿠팡 WING에서 옵션 가격을 확인한 뒤 다시 실행하세요.")
    if missing:
        parts.append(
            f"쿠팡 옵션 {', '.join(missing)}은(는) 아직 승인되지 않아(옵션ID 없음) 판매가를 바꿀 수 없습니다. "
            "쿠팡 WING에서 승인 상태를 확인한 뒤 다시 실행하세요."
        )
    parts.append(f"나머지 옵션 {changed}개의 판매가는 바뀌었습니다." if changed else "바뀐 옵션 판매가는 없습니다.")
    return " ".join(parts)


AUTH_PROBLEM = (
    "쿠팡 API 인증에 실패했습니다(서명 오류). batch.toml의 access_key와 secret key 환경 변수를 확인하고, "
    "이 컴퓨터의 시계가 맞는지 확인하세요."
)


@dataclass(frozen=True)
class CoupangCredentials:
    vendor_id: str
    access_key: str
    secret_key: str = field(repr=False)
    wing_id: str


def no_centre(code: str) -> str:
    return f"쿠팡에 반품지 코드 {code}가 없습니다. 쿠팡 WING의 반품지 코드를 판매정보 시트에 적으세요."


def money(value: Any) -> int:
    """Won from a v5 money object ``{currencyCode, units, nanos}`` or a v4 plain number (◐ both seen)."""
    if isinstance(value, Mapping):
        units = int(value.get("units") or 0)
        nanos = int(value.get("nanos") or 0)
        return units + round(nanos / 1_000_000_000)
    if value in (None, ""):
        return 0
    return int(float(value))


def domestic(number: Any) -> str:
    """A phone number as staff write it: v5's E.164 ``+82…`` becomes ``0…``."""
    text = str(number or "")
    return "0" + text[3:].lstrip("-") if text.startswith("+82") else text


def _stamp(text: Any) -> str:
    """``yyyy-MM-ddTHH:mm:ss[+09:00]`` as ``yyyy-MM-dd HH:mm:ss`` (KST)."""
    value = str(text or "")
    return value[:19].replace("T", " ")


def minute_windows(start: dt.datetime, end: dt.datetime, days: int) -> list[tuple[str, str]]:
    """[start, end] to the minute (``yyyy-MM-ddTHH:mm``, end rounded up), cut into windows of at most ``days`` days.

    Each window starts at the minute the one before ended: a claim made in that minute is asked twice rather than
    not at all (collect_claims keeps one of each).
    """
    first = start.replace(second=0, microsecond=0)
    last = end.replace(second=0, microsecond=0)
    if last < end:
        last += dt.timedelta(minutes=1)
    out = []
    while True:
        stop = min(first + dt.timedelta(days=days), last)
        out.append((f"{first:%Y-%m-%dT%H:%M}", f"{stop:%Y-%m-%dT%H:%M}"))
        if stop >= last:
            return out
        first = stop


class Coupang:
    """One Coupang seller account (vendorId + access key)."""

    market = MARKET
    answer_limit = ANSWER_LIMIT
    claim_reject_reasons = CLAIM_REJECT_REASONS
    # what to do instead of a refusal Coupang has no call for (the job says it on the row, nothing sent)
    claim_refusal_words = MappingProxyType({ClaimType.RETURN: NO_RETURN_REFUSAL, ClaimType.REDELIVERY: NO_REDELIVERY})
    decides_whole_claim = True  # a receipt is decided whole (one_receipt): every line of a claim number alike
    sandbox_path = ""

    @staticmethod
    def credentials_for(account: Account) -> CoupangCredentials:
        """The account's keys: ids from batch.toml, the secret key only from the environment (or the sandbox)."""
        sandbox = {"vendor_id": "A00012345", "access_key": "sandbox-access-key", "wing_id": "sandbox-wing"}
        ids = {key: account.text(key, sandbox[key] if account.is_sandbox else "") for key in sandbox}
        for key, value in ids.items():
            if not value:
                raise WorkspaceError(
                    f"쿠팡/{account.name} 계정에 {key} 값이 없습니다. batch.toml의 계정에 적어 주세요."
                )
        return CoupangCredentials(
            vendor_id=ids["vendor_id"],
            access_key=ids["access_key"],
            secret_key=account.required_secret("secret_key"),
            wing_id=ids["wing_id"],
        )

    def __init__(
        self, client: MarketClient, credentials: CoupangCredentials, *, clock: Callable[[], dt.datetime] | None = None
    ) -> None:
        self.client = client
        self.credentials = credentials
        self.images_dir: Path | None = None
        self._centres: dict[str, dict[str, Any]] | None = None
        auth = CoupangAuth(credentials.access_key, credentials.secret_key, **({"clock": clock} if clock else {}))
        client.http.auth = auth

    def __repr__(self) -> str:
        return f"Coupang(vendor_id={self.credentials.vendor_id!r})"

    # --- the wire ----------------------------------------------------------------------------------

    @staticmethod
    async def _no_headers() -> Mapping[str, str]:
        return {}  # CoupangAuth on the http client signs each request as it goes out

    @staticmethod
    async def _not_renewable(response: httpx.Response) -> bool:
        return False  # no token: a 401 is a wrong key or a wrong clock

    def _error(self, response: httpx.Response, call: Call | None = None) -> MarketError:
        body = json_object(response)
        code = body.get("code")
        if response.status_code == 401:
            return AuthFailed(MARKET, AUTH_PROBLEM, status=401, code=str(code) if code is not None else None)
        message = str(body.get("message") or response.text[:200] or response.reason_phrase)
        if response.status_code == 504 and call is not None and not call.idempotent:
            # C3: a 504 is the gateway giving up, not Coupang: C1 technical-faq says a product can be registered
            # while the client times out, and to look it up rather than send it again
            return Unavailable(
                MARKET,
                f"쿠팡: {message} (응답 시간 초과: 처리되었는지 알 수 없어 다시 보내지 않았습니다)",
                status=504,
                code=str(code) if code is not None else None,
                outcome_unknown=True,
            )
        return status_error(MARKET, response, f"쿠팡: {message}", str(code) if code is not None else None)

    async def _send(self, call: Call) -> httpx.Response:
        call.headers = {**CONTENT_TYPE, **call.headers, "X-Requested-By": self.credentials.vendor_id}
        return await self.client.send(
            call,
            auth=self._no_headers,
            on_auth_error=self._not_renewable,
            to_error=lambda response: self._error(response, call),
        )

    def _extended(self) -> dict[str, str]:
        """``X-EXTENDED-TIMEOUT`` for a heavy call (C3), asking the gateway for no longer than this client waits.

        C1's FAQ pairs the header with a longer client timeout; asking for 90 s while giving up at 30 s (the client's
        default) leaves a create running at Coupang after we stopped listening. So the gateway gets the client's
        timeout less a second (at most 90000 ms), and a 504 comes back before we give up; when the client waits less
        than the gateway's default 3 s anyway, the header is left out (it only adds to the 429 count, C1 FAQ 429).
        """
        ask = min(EXTENDED_MS, int(self.client.settings.timeout * 1000) - EXTENDED_MARGIN_MS)
        return {"X-EXTENDED-TIMEOUT": str(ask)} if ask > GATEWAY_MS else {}

    def _v(self, version: int, rest: str) -> str:
        return f"{API}/v{version}/vendors/{self.credentials.vendor_id}{rest}"

    async def vendor_id(self) -> str:
        """One signed GET of the outbound places proves the keys; the vendor id is the account's."""
        await self._send(Call("GET", OUTBOUND, params={"pageNum": "1", "pageSize": "1"}))
        return self.credentials.vendor_id

    # --- product jobs --------------------------------------------------------------------------------

    def payload(self, product: Product, sales: SalesInfo) -> dict[str, Any]:
        """The create body (§2.4) for one product and its 판매정보 group; deterministic (it is hashed)."""
        courier = find_courier(sales.get("courier") or "")
        fee_type = CHARGE_TYPES.get(sales.get("delivery_fee_type") or "", "")
        phone = sales.get("as_phone") or ""
        images = [
            {"imageOrder": i, "imageType": "REPRESENTATION" if i == 0 else "DETAIL", "vendorPath": path}
            for i, path in enumerate(product.images[:MAX_IMAGES])
        ]
        notices = [
            {"noticeCategoryName": product.notice_category, "noticeCategoryDetailName": name, "content": value}
            for name, value in product.notices
        ]
        certs = [{"certificationType": c.kind, "certificationCode": c.number} for c in product.certs] or [
            {"certificationType": "NOT_REQUIRED", "certificationCode": ""}
        ]
        items = []
        for i, option in enumerate(product.options):
            price = product.price + option.extra_price
            items.append(
                {
                    "itemName": "/".join(option.values) if option.values else product.name,
                    "originalPrice": price,
                    "salePrice": price,
                    "maximumBuyCount": option.stock if option.on_sale and product.on_sale else 0,
                    "maximumBuyForPerson": 0,
                    "maximumBuyForPersonPeriod": 1,
                    "outboundShippingTimeDay": 2,  # ❓ days to ship; not in the workbook
                    "unitCount": 1,
                    "adultOnly": "ADULT_ONLY" if product.adult else "EVERYONE",
                    "taxType": "FREE" if product.tax in ("면세", "비과세") else "TAX",
                    "parallelImported": "NOT_PARALLELED",
                    "overseasPurchased": "NOT_OVERSEAS_PURCHASED",
                    "pccNeeded": False,
                    "externalVendorSku": option_no(product.code, i),
                    "barcode": "",
                    "emptyBarcode": True,
                    "emptyBarcodeReason": "바코드 없음",
                    "modelNo": product.model,
                    "certifications": certs,
                    "searchTags": list(product.keywords[:MAX_TAGS]),
                    "images": images,
                    "notices": notices,
                    "attributes": [
                        {"attributeTypeName": name, "attributeValueName": value}
                        for name, value in zip(product.option_names, option.values, strict=False)
                    ],
                    "contents": [
                        {"contentsType": "HTML", "contentDetails": [{"content": product.detail, "detailType": "TEXT"}]}
                    ],
                }
            )
        return {
            "displayCategoryCode": int(sales.get("market_category_no") or 0),
            "sellerProductName": product.name,
            "vendorId": self.credentials.vendor_id,
            "saleStartedAt": SALE_START,
            "saleEndedAt": SALE_END,
            "displayProductName": product.name,
            "brand": product.brand,
            "generalProductName": product.name,
            "productGroup": product.category.split(">")[-1].strip(),
            "manufacture": product.maker,
            "deliveryMethod": "SEQUENCIAL",
            "deliveryCompanyCode": courier.codes.get("coupang", "") if courier else "",
            "deliveryChargeType": fee_type,
            "deliveryCharge": int(sales.get("delivery_fee") or 0) if fee_type != "FREE" else 0,
            "freeShipOverAmount": int(sales.get("free_over") or 0) if fee_type == "CONDITIONAL_FREE" else 0,
            "deliveryChargeOnReturn": int(sales.get("return_fee") or 0),
            "remoteAreaDeliverable": "N",
            "unionDeliveryType": "UNION_DELIVERY",
            "outboundShippingPlaceCode": int(sales.get("outbound_place") or 0),
            "returnCenterCode": sales.get("return_center") or "",
            "returnCharge": int(sales.get("return_fee") or 0),
            "companyContactNumber": phone,
            "afterServiceInformation": sales.get("as_guide") or f"A/S 문의: {phone}",
            "afterServiceContactNumber": phone,
            "vendorUserId": self.credentials.wing_id,
            "requested": True,
            "items": items,
        }

    def preflight(self, product: Product, sales: SalesInfo) -> list[str]:
        """What Coupang refuses that the workbook rules do not already catch (Korean, one line each)."""
        problems = []
        if len(product.name) > MAX_NAME:
            problems.append(f"쿠팡 상품명은 {MAX_NAME}자까지입니다.")
        if not product.options:
            problems.append("쿠팡에는 옵션(판매 단위)이 하나 이상 있어야 합니다.")
        if len(product.options) > MAX_ITEMS:
            problems.append(f"쿠팡 옵션은 {MAX_ITEMS}개까지입니다.")
        if not product.images:
            problems.append("쿠팡에는 대표 이미지가 꼭 있어야 합니다.")
        local = [i for i in product.images if not i.startswith(("https://", "http://"))]
        if local:
            problems.append(
                f"쿠팡은 이미지 주소(https://…)만 받습니다. 이미지를 웹에 올리고 주소를 적으세요: {', '.join(local[:3])}"
            )
        if not product.notices:
            problems.append("쿠팡에는 상품정보제공고시가 꼭 있어야 합니다.")
        for key, label in (
            ("market_category_no", "쿠팡 카테고리 코드"),
            ("outbound_place", "출고지 코드"),
            ("return_center", "반품지 코드"),
        ):
            if not (sales.get(key) or "").isdigit():
                problems.append(f"판매정보의 {label}가 없거나 숫자가 아닙니다.")
        courier = find_courier(sales.get("courier") or "")
        if courier is None or "coupang" not in courier.codes:
            problems.append(
                f"택배사 '{sales.get('courier') or ''}'는 쿠팡 택배사 코드가 없습니다. 다른 택배사를 고르세요."
            )
        fee_type = sales.get("delivery_fee_type") or ""
        if fee_type not in CHARGE_TYPES:
            problems.append("판매정보의 배송비 유형은 무료, 유료, 조건부무료 중 하나여야 합니다.")
        if fee_type in ("유료", "조건부무료") and not (sales.get("delivery_fee") or "").isdigit():
            problems.append("유료 배송이면 판매정보에 배송비를 적으세요.")
        if fee_type == "조건부무료" and not (sales.get("free_over") or "").isdigit():
            problems.append("조건부무료 배송이면 판매정보에 무료배송 기준 금액을 적으세요.")
        if not (sales.get("return_fee") or "").isdigit():
            problems.append("판매정보에 반품배송비를 적으세요.")
        if not sales.get("as_phone"):
            problems.append("쿠팡에는 A/S 전화번호가 꼭 있어야 합니다. 판매정보에 적으세요.")
        return problems

    async def _pages(self, path: str) -> list[dict[str, Any]]:
        """Every item of a ``pageNum``/``pageSize`` list (outbound places, return centres)."""
        out: list[dict[str, Any]] = []
        page = 1
        while True:
            query = {"pageNum": str(page), "pageSize": PAGE}
            items, pages = _page(json_object(await self._send(Call("GET", path, params=query))))
            out += items
            if page >= pages:
                return out
            page += 1

    async def delivery_templates(self) -> list[DeliveryTemplate]:
        """The outbound shipping places (출고지), as the 판매정보 sheet's outbound_place codes."""
        return [
            DeliveryTemplate(str(p["outboundShippingPlaceCode"]), str(p.get("shippingPlaceName", "")), "")
            for p in await self._pages(OUTBOUND)
        ]

    async def check_templates(self, sales: SalesInfo) -> str | None:
        """A Korean problem when the group's outbound place or return centre is not the seller's, else None."""
        place = sales.get("outbound_place") or ""
        if place not in {t.number for t in await self.delivery_templates()}:
            return f"쿠팡에 출고지 코드 {place}가 없습니다. 쿠팡 WING의 출고지 코드를 판매정보 시트에 적으세요."
        centre = sales.get("return_center") or ""
        self._centres = None
        if centre not in await self._return_centres():
            return no_centre(centre)
        return None

    async def _return_centres(self) -> dict[str, dict[str, Any]]:
        """The seller's return centres by code, read once per adapter (create and update need their address).

        C7 settled: the current page (developers.coupangcorp.com/hc/ko/articles/360033644814) reads them with
        ``GET {v5}/returnShippingCenters?pageNum=&pageSize=`` (≤ 50); C1's v4 sample answers ``data.content``.
        """
        if self._centres is None:
            found = await self._pages(self._v(5, "/returnShippingCenters"))
            self._centres = {str(c["returnCenterCode"]): c for c in found}
        return self._centres

    async def _body(self, product: Product, sales: SalesInfo) -> dict[str, Any]:
        """``payload`` plus the return centre's name and address, which Coupang wants in the body too (§2.4).

        They come from the seller's return centres, not the workbook, so they stay out of the hashed payload.
        """
        body = self.payload(product, sales)
        code = str(body["returnCenterCode"])
        centre = (await self._return_centres()).get(code)
        if centre is None:
            raise Rejected(MARKET, no_centre(code))
        address = (centre.get("placeAddresses") or [{}])[0]
        return {
            **body,
            "returnChargeName": str(centre.get("shippingPlaceName") or ""),
            "returnZipCode": str(address.get("returnZipCode") or ""),
            "returnAddress": str(address.get("returnAddress") or ""),
            "returnAddressDetail": str(address.get("returnAddressDetail") or ""),
        }

    async def _product(self, seller_product_id: str) -> dict[str, Any]:
        """``GET …/seller-products/{sellerProductId}``: the product as Coupang holds it (C10)."""
        body = json_object(await self._send(Call("GET", f"{SELLER}/seller-products/{seller_product_id}")))
        data = body.get("data")
        return data if isinstance(data, dict) else {}

    async def _link(self, seller_product_id: str) -> ProductLink:
        items = (await self._product(seller_product_id)).get("items") or []
        return ProductLink(
            seller_product_id,
            {str(i["externalVendorSku"]): str(i["vendorItemId"]) for i in items if i.get("vendorItemId") is not None},
        )

    async def create_product(self, product: Product, sales: SalesInfo) -> ProductLink:
        """Create with ``requested: true`` (approval asked at once), then read the vendorItemIds back."""
        body = await self._body(product, sales)
        call = Call("POST", f"{SELLER}/seller-products", json=body, idempotent=False, headers=self._extended())
        number = _product_number(json_object(await self._send(call)))
        if number in (None, ""):
            raise Unavailable(MARKET, "쿠팡이 상품 번호 없이 답했습니다.", outcome_unknown=True)
        return await self._link(str(number))

    async def update_product(self, product: Product, sales: SalesInfo, link: ProductLink) -> ProductLink:
        """상품 수정 (C9), the way C1 modify-seller-product.document.ts and the current page (developers.coupangcorp.com
        /hc/ko/articles/360034156073) describe it:

        * read the product first (GET) and put each option's ``sellerProductItemId`` and ``vendorItemId`` on the
          option with the same externalVendorSku: an item without them is an *added* option;
        * an option Coupang has and the workbook dropped stays in the body as Coupang sent it and, once approved, is
          stopped (``sales/stop``): an option left out is *deleted*, which Coupang refuses for an approved one ("이미
          승인완료된 이력이 있는 옵션은 삭제 불가"; FAQ "vendorItem로 생성된 아이템은 삭제가 불가능합니다": stop it
          instead). Nothing is ever deleted by omission;
        * an approved option's price and stock change only through the vendor-item calls ("승인 완료된 상품의
          판매가격, 재고수량, 판매상태, 할인율 기준가는 상품수정API가 아닌 …"): the body carries the values Coupang
          holds, then ``prices/{price}`` (no forceSalePriceUpdate: Coupang's ±50 %/100 % guard against typos stays
          on) and ``quantities/{qty}`` send the workbook's.
        """
        held = await self._product(link.product_no)
        body = await self._body(product, sales)
        items, prices, stocks, stops = _merge_items(body["items"], held.get("items") or [])
        call = Call(
            "PUT",
            f"{SELLER}/seller-products",
            json={"sellerProductId": int(link.product_no), **body, "items": items},
            headers=self._extended(),
        )
        await self._send(call)
        for item, price in prices:
            await self._send(Call("PUT", f"{SELLER}/vendor-items/{item}/prices/{price}"))
        for item, stock in stocks:
            await self._send(Call("PUT", f"{SELLER}/vendor-items/{item}/quantities/{stock}"))
        for item in stops:
            await self._send(Call("PUT", f"{SELLER}/vendor-items/{item}/sales/stop"))
        return await self._link(link.product_no)

    async def find_product(self, code: str) -> ProductLink | None:
        """Look a product up by our first option number (externalVendorSku); None when Coupang has none."""
        response = await self._send(Call("GET", f"{SELLER}/seller-products/external-vendor-sku-codes/{code}-001"))
        found = json_object(response).get("data") or []
        if not found:
            return None
        return await self._link(str(found[0]["sellerProductId"]))

    async def _items(self, code: str) -> ProductLink:
        link = await self.find_product(code)
        if link is None:
            raise Rejected(MARKET, f"쿠팡에 상품 {code}이(가) 없습니다. 먼저 상품을 등록하세요.")
        return link

    async def update_stock(self, product: Product) -> None:
        """Stock per option (vendor-items quantities); an option not on sale gets 0."""
        link = await self._items(product.code)
        for i, option in enumerate(product.options):
            item = link.option_nos.get(option_no(product.code, i))
            if item is None:
                continue
            stock = option.stock if option.on_sale else 0
            await self._send(Call("PUT", f"{SELLER}/vendor-items/{item}/quantities/{stock}"))

    async def _sales(self, code: str, action: str) -> None:
        link = await self._items(code)
        for item in link.option_nos.values():
            await self._send(Call("PUT", f"{SELLER}/vendor-items/{item}/sales/{action}"))

    async def pause(self, code: str) -> None:
        await self._sales(code, "stop")

    async def resume(self, code: str) -> None:
        await self._sales(code, "resume")

    async def _vendor_items(self, code: str, link: ProductLink, options: Sequence[str]) -> dict[str, str]:
        """Our option number -> vendorItemId for ``options``, from the link; Coupang is asked (by our first option
        number, then the product read) only when the link lacks one of them, e.g. one approved after it was made."""
        if all(option in link.option_nos for option in options) and link.option_nos:
            return dict(link.option_nos)
        found = await self.find_product(code)
        return {**link.option_nos, **(found.option_nos if found is not None else {})}

    async def set_stock(self, code: str, link: ProductLink, stocks: Mapping[str, int]) -> None:
        """재고 of the options named: one ``PUT …/vendor-items/{vendorItemId}/quantities/{quantity}`` each (C1
        product-api/ko/change-quantity-by-product.document.ts, "상품 아이템별 재고 수량을 변경한다"; Coupang has no call
        that takes several options). 0 is sent as 0: the call takes a 재고수량 with no lower bound documented, and the
        stock job stops the whole listing (``pause``) besides when every option is at 0. Price and sale status are
        not touched. An option without a vendorItemId (not approved yet: C1 "승인이 완료되어 옵션아이디(vendorItemId)가
        발급되면 사용할 수 있다") is refused after the others are sent."""
        items = await self._vendor_items(code, link, list(stocks))
        missing = [option for option in stocks if option not in items]
        for option, quantity in stocks.items():
            if option in items:
                # a negative number (sold more than held) is 0 at Coupang: the path takes no sign
                path = f"{SELLER}/vendor-items/{items[option]}/quantities/{max(int(quantity), 0)}"
                await self._send(Call("PUT", path))
        if missing:
            raise Rejected(
                MARKET,
                f"쿠팡 옵션 {', '.join(missing)}은(는) 아직 승인되지 않아(옵션ID 없음) 재고를 바꿀 수 없습니다. "
                "쿠팡 WING에서 승인 상태를 확인한 뒤 다시 실행하세요.",
            )

    async def set_price(self, code: str, link: ProductLink, price: int, extras: Mapping[str, int]) -> None:
        """판매가: one ``PUT …/vendor-items/{vendorItemId}/prices/{price + extra}`` per option (C1 product-api/ko/change-
        price-by-product.document.ts "상품 아이템별 가격을 변경한다"; articles/360034156273): Coupang keeps no product price,
        each option (vendor item) has its own salePrice, so every option of the listing gets ``price`` plus its extra
        (0 when ``extras`` does not name it). Nothing else changes: not stock, not sale status, not the 할인율기준가
        (originalPrice, ❓ docs/protocols/coupang.md reading 4).

        * The page: "최소 10원 단위로 입력가능합니다. (1원 단위 입력 불가)" — an option price that is not a positive
          multiple of 10 is refused before any call, so a listing is never left half-changed by it.
        * ``forceSalePriceUpdate`` is not sent: without it Coupang refuses more than 50 % down or 100 % up ("입력 실수
          방지를 위해 기존 가격 대비 변경할 수 있는 가격 비율 제한함"; C1 errorSpec), which keeps its guard against a
          typo in the workbook (reading 4).
        * An option Coupang refuses does not stop the others (one call each, as for stock); the refusals come back
          together afterwards, as does an option without a vendorItemId (not approved yet: C1 "승인이 완료되어
          옵션아이디(vendorItemId)가 발급되면 사용할 수 있다"). The call sets a value: sending it again is harmless.
        """
        items = await self._vendor_items(code, link, list(extras))
        wanted = {option: price + int(extras.get(option, 0)) for option in [*items, *extras]}
        odd = [f"{option} {amount:,}원" for option, amount in wanted.items() if amount < 10 or amount % 10]
        if odd:
            raise Rejected(MARKET, price_units(odd))
        if not items:
            raise Rejected(
                MARKET,
                f"쿠팡 상품 {code}에 승인된 옵션(옵션ID)이 없어 판매가를 바꿀 수 없습니다. 쿠팡 WING에서 승인 상태를 "
                "확인한 뒤 다시 실행하세요.",
            )
        refused: list[Rejected] = []
        words: list[str] = []
        for option, item in items.items():
            try:
                await self._send(Call("PUT", f"{SELLER}/vendor-items/{item}/prices/{wanted[option]}"))
            except Rejected as exc:
                refused.append(exc)
                words.append(f"{option}(옵션ID {item}): {exc.message.removeprefix('쿠팡: ')}")
        missing = [option for option in extras if option not in items]
        if refused or missing:
            first = refused[0] if refused else None
            raise Rejected(
                MARKET,
                price_refused(words, missing, len(items) - len(refused)),
                status=first.status if first else None,
                code=first.code if first else None,
            )

    async def shown(self, code: str, link: ProductLink) -> Shown | None:
        """What Coupang shows of the listing: ``GET …/vendor-items/{vendorItemId}/inventories`` per option (C1
        product-api/ko/lookup-quantity-price-status-by-product.document.ts; articles/360033645114: ``data.amountInStock``
        옵션잔여수량, ``data.onSale`` 옵션판매상태). The listing is on sale while one option is on sale with stock left;
        a product with no vendorItemId yet (awaiting approval) is not on sale and shows no stock."""
        items = await self._vendor_items(code, link, [])
        stocks: dict[str, int] = {}
        prices: dict[str, int] = {}
        selling = False
        for option, item in items.items():
            response = await self._send(Call("GET", f"{SELLER}/vendor-items/{item}/inventories"))
            data = json_object(response).get("data")
            if not isinstance(data, Mapping) or "amountInStock" not in data:
                raise Unavailable(MARKET, f"쿠팡이 옵션 {option}(옵션ID {item})의 재고 없이 답했습니다.")
            stocks[option] = _number(data.get("amountInStock"))
            selling = selling or (data.get("onSale") is True and stocks[option] > 0)
            if data.get("salePrice") not in (None, ""):
                prices[option] = _number(data.get("salePrice"))
        # ❓ reading 16: Coupang has no product price, only each option's salePrice (옵션판매가격): they are given per
        # option (the job checks each against 판매가 + 추가금액); ``price`` is the lowest of them, for reading only
        return Shown(on_sale=selling, stocks=stocks, price=min(prices.values()) if prices else None, prices=prices)

    # --- orders ------------------------------------------------------------------------------------

    @staticmethod
    def shipment_key(line: OrderLine) -> str:
        return line.delivery_no

    unit_noun = "묶음"  # one tracking number per shipmentBoxId (invoice DTOs are per box, marketplaces.md §2.3)

    @staticmethod
    def describe_unit(key: str) -> str:
        return f"묶음배송번호 {key}"

    def _lines(self, box: Mapping[str, Any], account: str) -> list[OrderLine]:
        status = ORDER_STATUS.get(str(box.get("status")))
        if status is None:
            raise Unavailable(MARKET, f"쿠팡이 알 수 없는 발주서 상태를 보냈습니다: {box.get('status')}")
        orderer = box.get("orderer") or {}
        receiver = box.get("receiver") or {}
        common = {
            "ordered_at": _stamp(box.get("orderedAt")),
            "buyer": str(orderer.get("name") or ""),
            "buyer_phone": domestic(orderer.get("safeNumber")),
            "receiver": str(receiver.get("name") or ""),
            "receiver_phone": domestic(receiver.get("safeNumber")),
            "zipcode": str(receiver.get("postCode") or ""),
            "address": " ".join(str(receiver.get(k) or "") for k in ("addr1", "addr2")).strip(),
            "message": str(box.get("parcelPrintMessage") or ""),
        }
        lines = []
        for item in box.get("orderItems") or []:
            count = int(item.get("shippingCount") or 0)
            cancelled = int(item.get("cancelCount") or 0) >= count
            lines.append(
                OrderLine(
                    market=MARKET,
                    account=account,
                    order_no=str(box["orderId"]),
                    delivery_no=str(box["shipmentBoxId"]),
                    product_no=str(item.get("sellerProductId") or ""),
                    option_no=str(item.get("vendorItemId") or ""),
                    product_name=str(item.get("sellerProductName") or item.get("vendorItemName") or ""),
                    option_text=str(item.get("sellerProductItemName") or ""),
                    qty=count,
                    price=money(item.get("salesPrice")),
                    status=OrderStatus.CANCELLED if cancelled else status,
                    # the externalVendorSku we sent (our option number), as the v5 order sheet echoes it
                    # (articles/360033919573's example: orderItems[].externalVendorSkuCode)
                    option_code=str(item.get("externalVendorSkuCode") or ""),
                    **common,
                )
            )
        return lines

    async def collect_orders(self, start: dt.datetime, end: dt.datetime, account: str) -> list[OrderLine]:
        """Order sheets in ACCEPT and INSTRUCT, by day windows of at most 31 days, following nextToken."""
        lines: list[OrderLine] = []
        for first, last in day_windows(start, end, ORDER_DAYS):
            for status in ORDER_STATUSES:
                params = {
                    "createdAtFrom": f"{first.isoformat()}+09:00",
                    "createdAtTo": f"{last.isoformat()}+09:00",
                    "status": status,
                    "maxPerPage": PAGE,
                }
                for box in await self._tokens(self._v(5, "/ordersheets"), params):
                    lines += self._lines(box, account)
        return lines

    async def _tokens(self, path: str, params: Mapping[str, str]) -> list[dict[str, Any]]:
        """Every item of a ``nextToken``-paged list."""
        out: list[dict[str, Any]] = []
        token = ""
        while True:
            query = {**params, **({"nextToken": token} if token else {})}
            body = json_object(await self._send(Call("GET", path, params=query, headers=self._extended())))
            out += list(body.get("data") or [])
            token = str(body.get("nextToken") or "")
            if not token:
                return out

    async def confirm(self, units: Sequence[Sequence[OrderLine]]) -> Outcomes:
        """발주확인 (ACCEPT → INSTRUCT) of each shipment box, 50 a call; a box confirmed already is done."""
        keys = list(dict.fromkeys(self.shipment_key(unit[0]) for unit in units if unit))

        async def send(batch: list[str]) -> dict[str, Verdict]:
            body = {"vendorId": self.credentials.vendor_id, "shipmentBoxIds": [int(k) for k in batch]}
            response = await self._send(Call("PATCH", self._v(4, "/ordersheets/acknowledgement"), json=body))
            results = _results(response)
            return {key: _verdict(results[key], {ALREADY_CONFIRMED}) for key in batch if key in results}

        return await self._in_batches(keys, send, lambda keys: chunks(keys, MAX_BATCH), idempotent=True)

    async def send_invoices(self, shipments: Sequence[Shipment]) -> Outcomes:
        """송장 업로드 (INSTRUCT → DEPARTURE) or correction, one DTO per line; only retryRequired DTOs are resent."""
        outcomes: Outcomes = {}
        for correct in (False, True):
            path = self._v(4, "/orders/updateInvoices" if correct else "/orders/invoices")
            todo: dict[str, list[dict[str, Any]]] = {}
            for shipment in shipments:
                if shipment.correct != correct:
                    continue
                if shipment.additional:
                    outcomes[shipment.key] = Rejected(MARKET, ONE_INVOICE)
                    continue
                todo[shipment.key] = [
                    {
                        "shipmentBoxId": int(shipment.key),
                        "orderId": int(line.order_no),
                        "vendorItemId": int(line.option_no),
                        "deliveryCompanyCode": shipment.courier_code,
                        "invoiceNumber": shipment.number,
                        "splitShipping": False,
                        "preSplitShipped": False,
                        "estimatedShippingDate": "",
                    }
                    for line in shipment.lines
                ]
            if todo:
                outcomes.update(await self._invoices(path, todo))
        first = {s.key: s for s in shipments if not s.correct}
        for key, error in list(outcomes.items()):
            if key in first and isinstance(error, Rejected) and error.code == ALREADY_INVOICED:
                outcomes[key] = await self._invoiced_already(first[key], error)
        return outcomes

    async def _invoiced_already(self, shipment: Shipment, refused: Rejected) -> MarketError | None:
        """A box Coupang says has an invoice: done when it is ours (an earlier send whose answer was lost), else the
        refusal with what Coupang holds. ❓ Whether Coupang refuses the very same invoice again is not documented
        (§2.6 says a number used within 6 months is refused); reading the box settles it either way."""
        try:
            response = await self._send(Call("GET", self._v(5, f"/ordersheets/{shipment.key}")))
        except MarketError as exc:
            return exc
        data = json_object(response).get("data")
        box: dict[str, Any] = (data[0] if isinstance(data, list) and data else data) or {}
        if not isinstance(box, dict):
            box = {}
        items = {str(i.get("vendorItemId")): i for i in (box.get("orderItems") or []) if isinstance(i, dict)}
        held = [items.get(line.option_no) or {} for line in shipment.lines]
        # The v5 order sheet carries the invoice on the box (invoiceNumber, deliveryCompanyName: articles/
        # 360033919573's example); an item-level number or courier code is read when present. The number decides;
        # the courier is compared only where Coupang gives its code.
        numbers = {str(i.get("invoiceNumber") or box.get("invoiceNumber") or "") for i in held}
        couriers = {str(i.get("deliveryCompanyCode") or box.get("deliveryCompanyCode") or "") for i in held} - {""}
        if numbers == {shipment.number} and couriers <= {shipment.courier_code}:
            return None
        shown = ", ".join(sorted(numbers - {""})) or "?"
        return Rejected(
            MARKET,
            f"쿠팡에 이미 다른 송장({shown})이 등록된 배송입니다. 바꾸려면 쿠팡 WING에서 송장을 수정하세요.",
            status=refused.status,
            code=refused.code,
        )

    async def cancel_sale(self, units: Sequence[Sequence[OrderLine]], reason: str) -> Outcomes:
        """판매취소: ``POST {v5}/orders/{orderId}/cancel`` once per shipment box (articles/360033843154: "하나의
        주문번호 안에 서로 다른 묶음배송번호(shipmentBoxId)가 존재하는 경우 shipmentBoxId 별로 각각 취소요청해야"), body
        ``{orderId, vendorItemIds, receiptCounts, bigCancelCode: CANERR, middleCancelCode, vendorId, userId: WING id}``.
        In ACCEPT Coupang cancels at once; in INSTRUCT it becomes 출고중지 (the reason then reads 배송불만/품절 whatever
        was sent, C1 instruct-cancel _warning). ``reason`` is mapped by CANCEL_CODES; a reason Coupang has no code for
        is refused for every unit without a call."""
        keys = {self.shipment_key(unit[0]): unit for unit in units if unit}
        code = CANCEL_CODES.get(reason)
        if code is None:
            return {key: Rejected(MARKET, no_cancel_code(reason)) for key in keys}
        return await each_item(
            list(keys.values()),
            lambda unit: self.shipment_key(unit[0]),
            lambda unit: self._cancel_box(unit, code),
            self.client.settings.concurrency,
        )

    async def _box(self, key: str) -> dict[str, Any]:
        """``GET {v5}/ordersheets/{shipmentBoxId}``: the box as Coupang holds it now (C1 lookup-order-book)."""
        data = json_object(await self._send(Call("GET", self._v(5, f"/ordersheets/{key}")))).get("data")
        box = data[0] if isinstance(data, list) and data else data
        return box if isinstance(box, dict) else {}

    async def _cancel_box(self, unit: Sequence[OrderLine], code: str) -> None:
        """One box: read it first, then ask for what is still cancellable of its lines.

        The cancel is not idempotent (a second one is refused: "취소 가능한 개수보다 요청한 개수가 더 많습니다"), so the
        box is read before it (❓ docs/protocols/coupang.md, reading 12): an item's cancellable count is ``shippingCount
        − (holdCountForCancel + cancelCount)`` (articles/360023109293); nothing left and every unit cancelled is done
        (an earlier send that landed); a box shipped or holding an invoice is refused without a call.
        """
        key = self.shipment_key(unit[0])
        box = await self._box(key)
        items = {str(i.get("vendorItemId")): i for i in box.get("orderItems") or [] if isinstance(i, dict)}
        ids: list[int] = []
        counts: list[int] = []
        pending = False
        for option in dict.fromkeys(line.option_no for line in unit):
            item = items.get(option)
            if item is None or not option.isdigit():
                raise Rejected(
                    MARKET, f"쿠팡 묶음배송번호 {key}에 옵션ID {option}이(가) 없습니다. 주문을 다시 모으세요."
                )
            hold, cancelled = int(item.get("holdCountForCancel") or 0), int(item.get("cancelCount") or 0)
            left = int(item.get("shippingCount") or 0) - hold - cancelled
            if left > 0:
                ids.append(int(option))
                counts.append(left)
            elif hold > 0:
                pending = True
        if not ids:
            if pending:
                raise Rejected(MARKET, CANCEL_PENDING)
            return  # every unit cancelled already
        if not unit[0].order_no.isdigit():
            raise Rejected(MARKET, f"쿠팡 주문번호가 올바르지 않습니다: {unit[0].order_no}. 주문을 다시 모으세요.")
        invoiced = box.get("invoiceNumber") or any(i.get("invoiceNumber") for i in items.values())
        if str(box.get("status")) in SHIPPED or invoiced:
            raise Rejected(MARKET, CANCEL_INVOICED)
        if str(box.get("status")) not in CANCELLABLE:
            raise Rejected(
                MARKET, f"쿠팡 주문이 판매취소할 수 없는 상태({box.get('status')})입니다. 쿠팡 WING에서 확인하세요."
            )
        body = {
            "orderId": int(unit[0].order_no),
            "vendorItemIds": ids,
            "receiptCounts": counts,
            "bigCancelCode": CANCEL_BIG,
            "middleCancelCode": code,
            "vendorId": self.credentials.vendor_id,
            "userId": self.credentials.wing_id,
        }
        path = self._v(5, f"/orders/{unit[0].order_no}/cancel")
        try:
            answer = json_object(await self._send(Call("POST", path, json=body, idempotent=False)))
        except Rejected as exc:
            raise Rejected(
                MARKET,
                f"쿠팡이 판매취소를 받지 않았습니다: {_cancel_words(exc.message)} 쿠팡 WING에서 주문 상태를 확인하세요.",
                status=exc.status,
                code=exc.code,
            ) from exc
        found = answer.get("data")
        data: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
        # C1's sample names the list failedVendorItemIds (its table: failedItemIds); either is read
        failed = [str(i) for i in (data.get("failedVendorItemIds") or data.get("failedItemIds") or [])]
        word = str(answer.get("code") or "").upper()
        if failed or word == "FAIL":  # C1 code: SUCCESS | PARTIAL | FAIL
            words = _cancel_words(str(answer.get("message") or ""))
            if not all(item in words for item in failed):
                words = f"옵션ID {', '.join(failed)}: {words}"
            if word == "FAIL" or set(failed) >= {str(i) for i in ids}:
                message = f"쿠팡이 판매취소를 받지 않았습니다: {words} 쿠팡 WING에서 주문 상태를 확인하세요."
            else:
                message = (
                    f"쿠팡이 판매취소 일부를 받지 않았습니다: {words} 나머지 옵션은 취소되었습니다. "
                    "쿠팡 WING에서 받지 않은 옵션을 확인하세요."
                )
            raise Rejected(MARKET, message, code=word or None)

    async def _invoices(self, path: str, todo: dict[str, list[dict[str, Any]]]) -> Outcomes:
        """Send each key's DTOs; a key Coupang asks to retry goes again with only its retryRequired DTOs."""

        async def send(batch: list[str]) -> dict[str, Verdict]:
            body = {
                "vendorId": self.credentials.vendor_id,
                "orderSheetInvoiceApplyDtos": [dto for key in batch for dto in todo[key]],
            }
            results = _results(await self._send(Call("POST", path, json=body, idempotent=False)))
            verdicts: dict[str, Verdict] = {}
            for key in (k for k in batch if k in results):
                mine = results[key]
                verdicts[key] = _verdict(mine, set())
                if verdicts[key] == RETRY:
                    asked = {str(r.get("vendorItemId")) for r in mine if r.get("retryRequired")}
                    todo[key] = [d for d in todo[key] if str(d["vendorItemId"]) in asked] or todo[key]
            return verdicts

        return await self._in_batches(list(todo), send, lambda keys: _dto_chunks(keys, todo), idempotent=False)

    async def _in_batches(
        self,
        keys: list[str],
        send: Callable[[list[str]], Awaitable[Mapping[str, Verdict]]],
        batches: Callable[[list[str]], list[list[str]]],
        *,
        idempotent: bool,
    ) -> Outcomes:
        return await in_batches(
            self.client,
            keys,
            send,
            batches=batches,
            idempotent=idempotent,
            rounds=RETRY_ROUNDS,
            gave_up=lambda _: Unavailable(
                MARKET, "쿠팡이 재시도를 요청했지만 계속 실패했습니다. 잠시 뒤 다시 실행하세요."
            ),
            unanswered=lambda _: Unavailable(
                MARKET, "쿠팡 응답에 이 배송번호의 결과가 없습니다. 쿠팡 WING에서 확인하세요.", outcome_unknown=True
            ),
        )

    # --- claims ------------------------------------------------------------------------------------

    async def collect_claims(
        self, start: dt.datetime, end: dt.datetime, account: str, *, latest: bool = False
    ) -> list[Claim]:
        """Cancels and returns (v6 returnRequests) and exchanges (v4 exchangeRequests) asked between start and end.

        C18, the sources disagree on v6 returnRequests: C1's day-paging page wants ``status`` or ``orderId``, the
        current page (developers.coupangcorp.com/hc/ko/articles/360033919613) says CANCEL must leave both out and
        shows ``searchType=timeFrame&createdAtFrom=2017-08-27T11:00&createdAtTo=2017-09-03T11:00``, and a 2026 field
        note reports date-only values refused on v6. The reading that loses no claim under any of them: minute
        windows (``searchType=timeFrame``, ``yyyy-MM-ddTHH:mm``) of at most 7 days (the page's own example spans 7),
        no ``status`` (a status filter would miss receipts in states no query value names, e.g.
        VENDOR_WAREHOUSE_CONFIRM) and no ``orderId``, for RETURN and CANCEL alike. ``latest`` needs nothing more:
        the last window ends at ``end``.
        """
        claims: dict[tuple[str, str], Claim] = {}
        for first, last in minute_windows(start, end, SHORT_DAYS):
            for kind, cancel_type in ((ClaimType.RETURN, "RETURN"), (ClaimType.CANCEL, "CANCEL")):
                params = {
                    "searchType": "timeFrame",
                    "createdAtFrom": first,
                    "createdAtTo": last,
                    "cancelType": cancel_type,
                    "maxPerPage": PAGE,
                }
                for item in await self._tokens(self._v(6, "/returnRequests"), params):
                    claims.update(((c.claim_no, c.product_no), c) for c in self._returns(item, kind, account))
        for day, last_day in day_windows(start, end, SHORT_DAYS):
            params = {
                "createdAtFrom": f"{day.isoformat()}T00:00:00",
                "createdAtTo": f"{last_day.isoformat()}T23:59:59",
                "maxPerPage": PAGE,
            }
            for item in await self._tokens(self._v(4, "/exchangeRequests"), params):
                claims.update(((c.claim_no, c.product_no), c) for c in self._exchanges(item, account))
        return list(claims.values())

    def _returns(
        self, item: Mapping[str, Any], listed: ClaimType, account: str, kind: ClaimType | None = None
    ) -> list[Claim]:
        """One receipt of ``GET {v6}/returnRequests`` (listed under cancelType ``listed``) as claim lines.

        A receipt of the RETURN list that is a buyer's 출고중지요청 (receiptStatus RELEASE_STOP_UNCHECKED, or its
        releaseStopStatus 미처리 / 처리(출고중지)) is a cancel: "고객이 출고중지요청 시(상품준비중 단계에서 반품을 접수할
        경우) RU(출고중지요청) 와 UC(반품접수) 상태에서 조회됩니다" (articles/360033919613); once answered 이미출고 it goes
        on as a return ("이미출고 처리 시, 반품접수가 진행됩니다", articles/360023108213). ``kind`` forces the type (a
        claim read back keeps the type it was collected as; ❓ docs/protocols/coupang.md reading 17).
        """
        kind = kind or _receipt_kind(item, listed)
        lines = [
            (
                str(line.get("sellerProductId") or ""),
                str(line.get("sellerProductName") or line.get("vendorItemName") or ""),
            )
            for line in item.get("returnItems") or []
        ]
        return _claims(
            item,
            account,
            kind,
            _receipt_status(item, kind),
            str(item["receiptId"]),
            ("cancelReasonCategory1", "cancelReasonCategory2", "cancelReason"),
            lines,
            str(item.get("requesterName") or ""),
            shown=_receipt_shown(item),
            pickup=_pickup(item) if kind is ClaimType.RETURN else "",
        )

    def _exchanges(self, item: Mapping[str, Any], account: str) -> list[Claim]:
        """C21 (C1 exchange-api/ko/lookup-change-request-list.document.ts): exchange items carry no sellerProductId or
        sellerProductName, only ``orderItemId`` (the ordered option's vendorItemId), ``orderItemName``,
        ``targetItemId``, ``targetItemName``…; the buyer's name is ``exchangeAddressDtoV1.returnCustomerName``.
        ``orderItemId`` stands in for the product number so the items of one exchange stay apart (❓ our reading)."""
        lines = [
            (str(line.get("orderItemId") or ""), str(line.get("targetItemName") or line.get("orderItemName") or ""))
            for line in item.get("exchangeItemDtoV1s") or []
        ]
        address = item.get("exchangeAddressDtoV1") or {}
        return _claims(
            item,
            account,
            ClaimType.EXCHANGE,
            EXCHANGE_STATUS.get(str(item.get("exchangeStatus"))) or _unknown("교환", item.get("exchangeStatus")),
            str(item["exchangeId"]),
            ("reasonCodeText", "reasonEtcDetail"),
            lines,
            str(address.get("returnCustomerName") or "") if isinstance(address, Mapping) else "",
            shown=_exchange_shown(item),
            pickup=_pickup(item),
        )

    async def claim_now(self, claim: Claim) -> Claim | None:
        """The claim as Coupang holds it now, from the lists it was collected from (❓ reading 17): a receipt from
        ``GET {v6}/returnRequests`` (the minute of its request, cancelType RETURN and CANCEL: the single read
        ``{v6}/returnRequests/{receiptId}`` takes no cancel numbers, articles/360034562353 "취소번호는 지원되지
        않습니다"); one no longer listed is looked up in the withdrawal history (``POST {v4}/returnWithdrawList``, C1
        return-api/ko/lookup-return-cancel-list.document.ts) and comes back 철회. An exchange from ``GET
        {v4}/exchangeRequests`` (the minute of its request; 철회 is its exchangeStatus CANCEL). Coupang has no
        재배송 claim: None."""
        if claim.kind is ClaimType.EXCHANGE:
            item = await self._exchange_now(claim)
            return None if item is None else _same_line(self._exchanges(item, claim.account), claim)
        if claim.kind not in (ClaimType.CANCEL, ClaimType.RETURN):
            return None
        found, withdrawn = await self._receipt_now(claim)
        if found is None:
            words = "취소철회" if claim.kind is ClaimType.CANCEL else "반품철회"
            return replace(claim, status=ClaimStatus.WITHDRAWN, shown=words) if withdrawn else None
        return _same_line(self._returns(found, claim.kind, claim.account, claim.kind), claim)

    async def _receipt_now(self, claim: Claim) -> tuple[dict[str, Any] | None, bool]:
        """(the receipt as listed now, or None; whether it is in the withdrawal history)."""
        moment = _requested(claim)
        first, last = f"{moment:%Y-%m-%dT%H:%M}", f"{moment + dt.timedelta(minutes=1):%Y-%m-%dT%H:%M}"
        order = ("CANCEL", "RETURN") if claim.kind is ClaimType.CANCEL else ("RETURN", "CANCEL")
        for cancel_type in order:
            params = {
                "searchType": "timeFrame",
                "createdAtFrom": first,
                "createdAtTo": last,
                "cancelType": cancel_type,
                "maxPerPage": PAGE,
            }
            for item in await self._tokens(self._v(6, "/returnRequests"), params):
                if str(item.get("receiptId")) == claim.claim_no:
                    return item, False
        return None, await self._withdrawn(claim.claim_no)

    async def _withdrawn(self, receipt: str) -> bool:
        """``POST {v4}/returnWithdrawList {"cancelIds": [...]}`` (반품철회 이력 접수번호로 조회, C1 lookup-return-cancel-
        list: "cancelIds는 number 타입", at most 50): whether the buyer withdrew the receipt."""
        if not receipt.isdigit():
            return False
        body = {"cancelIds": [int(receipt)]}
        answer = json_object(await self._send(Call("POST", self._v(4, "/returnWithdrawList"), json=body)))
        found = answer.get("data")
        return any(str(w.get("cancelId")) == receipt for w in found or [] if isinstance(w, Mapping))

    async def _exchange_now(self, claim: Claim) -> dict[str, Any] | None:
        moment = _requested(claim)
        params = {
            "createdAtFrom": f"{moment:%Y-%m-%dT%H:%M}:00",
            "createdAtTo": f"{moment:%Y-%m-%dT%H:%M}:59",
            "maxPerPage": PAGE,
        }
        for item in await self._tokens(self._v(4, "/exchangeRequests"), params):
            if str(item.get("exchangeId")) == claim.claim_no:
                return item
        return None

    async def decide_claims(self, decisions: Sequence[ClaimDecision]) -> Outcomes:
        """Each decision with Coupang's own call, one receipt (or exchange) at a time: Coupang answers a receipt as a
        whole ("출고중지를 비롯한 이미출고 처리 API 등은 receiptId 단위로만 처리 가능합니다", articles/360023108913), so
        the lines of one claim number take one call and share its outcome; lines asking different things are refused.
        The claim is read first (``claim_now``'s reads) and only what is still open is sent:

        * 취소 승인: ``PATCH {v4}/returnRequests/{receiptId}/stoppedShipment`` (출고중지완료) ``{vendorId, receiptId,
          cancelCount}``, cancelCount the receipt's cancelCountSum (articles/360023109453); 취소 거부 (이미출고 only):
          ``PATCH …/completedShipment`` ``{vendorId, receiptId, deliveryCompanyCode, invoiceNumber}`` (이미출고).
          Both only for a 출고중지요청 (RELEASE_STOP_UNCHECKED, or RETURNS_UNCHECKED with releaseStopStatus 미처리:
          articles/360034320673, 360033793034).
        * 반품 승인: ``PATCH …/receiveConfirmation`` (입고 확인, only in RETURNS_UNCHECKED, articles/360034027214), the
          receipt read again (빠른환불 completes it there), then ``PATCH …/approval`` ``{vendorId, receiptId,
          cancelCount}`` (only in VENDOR_WAREHOUSE_CONFIRM, articles/360034562513). 반품 거부: no call exists.
        * 교환 승인: ``PATCH {v4}/exchangeRequests/{exchangeId}/receiveConfirmation`` when not yet collected, read again
          for the new shipmentBoxId (deliveryInvoiceGroupDtos; "최대 10분"), then ``POST …/invoices`` ``[{exchangeId,
          vendorId, shipmentBoxId, goodsDeliveryCode, invoiceNumber}]`` (articles/360034027954); 교환 거부: ``PATCH
          …/rejection`` ``{exchangeId, vendorId, exchangeRejectCode}`` (SOLDOUT | WITHDRAW).
        * 재배송: Coupang has none. A decision already in effect is done; a withdrawn claim is refused.

        Every write is ``idempotent=False``: a second send is refused by Coupang, so an answer lost on the way is
        outcome-unknown rather than resent blind (the next run reads the claim first).
        """
        groups: dict[tuple[bool, str], list[ClaimDecision]] = {}
        for decision in decisions:
            claim = decision.claim
            groups.setdefault((claim.kind is ClaimType.EXCHANGE, claim.claim_no), []).append(decision)
        keyed = list(groups.values())
        results = await each_item(
            list(range(len(keyed))),
            str,
            lambda i: self._decide(keyed[i]),
            self.client.settings.concurrency,
        )
        return {d.key: results[str(i)] for i, group in enumerate(keyed) for d in group}

    async def _decide(self, group: Sequence[ClaimDecision]) -> None:
        first = group[0]
        claim = first.claim
        asks = {(d.approve, d.reason, d.courier_code, d.number) for d in group}
        if len(asks) > 1:
            raise Rejected(MARKET, one_receipt(claim.claim_no))
        if claim.kind not in (ClaimType.CANCEL, ClaimType.RETURN, ClaimType.EXCHANGE):
            raise Rejected(MARKET, NO_REDELIVERY)
        if not first.approve:
            if claim.kind is ClaimType.RETURN:
                raise Rejected(MARKET, NO_RETURN_REFUSAL)
            if first.reason not in CLAIM_REJECT_REASONS[claim.kind]:
                raise Rejected(MARKET, refuse_reasons(claim.kind))
        needs_invoice = (claim.kind is ClaimType.CANCEL and not first.approve) or (
            claim.kind is ClaimType.EXCHANGE and first.approve
        )
        if needs_invoice and not (first.courier_code and first.number):
            raise Rejected(MARKET, CANCEL_NEEDS_INVOICE if claim.kind is ClaimType.CANCEL else EXCHANGE_NEEDS_INVOICE)
        if not claim.claim_no.isdigit():
            raise Rejected(MARKET, claim_missing(claim.claim_no))
        if claim.kind is ClaimType.EXCHANGE:
            exchange = await self._exchange_now(claim)
            if exchange is None:
                raise Rejected(MARKET, claim_missing(claim.claim_no))
            await self._decide_exchange(first, exchange)
            return
        receipt, withdrawn = await self._receipt_now(claim)
        if receipt is None:
            raise Rejected(MARKET, CLAIM_WITHDRAWN if withdrawn else claim_missing(claim.claim_no))
        if claim.kind is ClaimType.CANCEL:
            await self._decide_cancel(first, receipt)
        else:
            await self._decide_return(first, receipt)

    def _receipt_body(self, receipt: Mapping[str, Any], **more: Any) -> dict[str, Any]:
        return {"vendorId": self.credentials.vendor_id, "receiptId": int(receipt["receiptId"]), **more}

    async def _decide_cancel(self, decision: ClaimDecision, receipt: Mapping[str, Any]) -> None:
        """출고중지완료 (approve) or 이미출고 with the invoice (refuse), only for an open 출고중지요청."""
        stop = str(receipt.get("releaseStopStatus") or "")
        status = str(receipt.get("receiptStatus") or "")
        is_open = stop == STOP_OPEN or (status == RELEASE_STOP_ASKED and stop not in (STOP_DONE, *SHIPPED_ANYWAY))
        if decision.approve:
            if stop == STOP_DONE:
                return  # 출고중지완료 already
            if stop in SHIPPED_ANYWAY:
                raise Rejected(MARKET, CANCEL_SHIPPED_ALREADY)
            if not is_open:
                if status == "RETURNS_COMPLETED":
                    return  # cancelled already (a 결제완료 cancel Coupang completes itself)
                raise Rejected(MARKET, not_in_state("출고중지", _receipt_shown(receipt)))
            body = self._receipt_body(receipt, cancelCount=_cancel_count(receipt))
            await self._claim_write("PATCH", self._receipt_path(receipt, "stoppedShipment"), body, "출고중지완료")
            return
        if stop in SHIPPED_ANYWAY:
            return  # 이미출고 already
        if stop == STOP_DONE:
            raise Rejected(MARKET, CANCEL_STOPPED_ALREADY)
        if not is_open:
            raise Rejected(MARKET, not_in_state("이미출고로 거부", _receipt_shown(receipt)))
        body = self._receipt_body(receipt, deliveryCompanyCode=decision.courier_code, invoiceNumber=decision.number)
        await self._claim_write("PATCH", self._receipt_path(receipt, "completedShipment"), body, "이미출고 처리")

    async def _decide_return(self, decision: ClaimDecision, receipt: Mapping[str, Any]) -> None:
        """입고 확인 then 반품 승인; a receipt completed already (빠른환불 or an earlier run) is done."""
        status = str(receipt.get("receiptStatus") or "")
        if status == "RETURNS_UNCHECKED" and str(receipt.get("releaseStopStatus") or "") != STOP_OPEN:
            body = self._receipt_body(receipt)
            await self._claim_write("PATCH", self._receipt_path(receipt, "receiveConfirmation"), body, "입고 확인")
            again, _ = await self._receipt_now(decision.claim)
            if again is None:
                raise Unavailable(
                    MARKET,
                    "쿠팡에 입고 확인은 보냈지만 반품을 다시 읽지 못했습니다. 잠시 뒤 다시 실행하세요(승인만 보냅니다).",
                )
            receipt, status = again, str(again.get("receiptStatus") or "")
        if status == "RETURNS_COMPLETED":
            return  # 반품완료: approved already, or by 빠른환불 at the receipt (articles/360034027214)
        if status != "VENDOR_WAREHOUSE_CONFIRM":
            raise Rejected(MARKET, not_in_state("반품 승인", _receipt_shown(receipt)))
        body = self._receipt_body(receipt, cancelCount=_cancel_count(receipt))
        await self._claim_write("PATCH", self._receipt_path(receipt, "approval"), body, "반품 승인")

    def _receipt_path(self, receipt: Mapping[str, Any], action: str) -> str:
        return self._v(4, f"/returnRequests/{receipt['receiptId']}/{action}")

    async def _decide_exchange(self, decision: ClaimDecision, exchange: Mapping[str, Any]) -> None:
        status = str(exchange.get("exchangeStatus") or "")
        if status == "CANCEL":
            raise Rejected(MARKET, CLAIM_WITHDRAWN)
        number = int(exchange["exchangeId"])
        path = self._v(4, f"/exchangeRequests/{number}")
        vendor = self.credentials.vendor_id
        if not decision.approve:
            if status == "REJECT":
                return  # 교환불가 already
            if status == "SUCCESS":
                raise Rejected(MARKET, EXCHANGE_DONE_ALREADY)
            if exchange.get("rejectable") is False:  # C1: rejectable "교환 불가처리 가능여부"
                raise Rejected(MARKET, not_in_state("교환불가(거부)로 처리", _exchange_shown(exchange)))
            code = EXCHANGE_REJECT_CODES[decision.reason]
            body = {"exchangeId": number, "vendorId": vendor, "exchangeRejectCode": code}
            await self._claim_write("PATCH", f"{path}/rejection", body, "교환 거부")
            return
        if status == "REJECT":
            raise Rejected(MARKET, EXCHANGE_REJECTED_ALREADY)
        if status == "SUCCESS":
            return  # 교환완료
        boxes = _exchange_boxes(exchange)
        if not boxes and str(exchange.get("collectStatus") or "") != COLLECTED:
            body = {"exchangeId": number, "vendorId": vendor}
            await self._claim_write("PATCH", f"{path}/receiveConfirmation", body, "교환 입고 확인")
            again = await self._exchange_now(decision.claim)
            boxes = _exchange_boxes(again or {})
        if not boxes:
            raise Unavailable(MARKET, NO_EXCHANGE_BOX)
        held = {box: invoice for box, invoice in boxes.items() if invoice}
        if held:
            if set(held.values()) == {decision.number} and len(held) == len(boxes):
                return  # this invoice is on every exchange box already
            if set(held.values()) != {decision.number}:
                raise Rejected(
                    MARKET,
                    f"쿠팡 교환 배송에 이미 다른 송장({', '.join(sorted(set(held.values())))})이 등록되어 있습니다. "
                    "바꾸려면 쿠팡 WING에서 수정하세요.",
                )
        body_items = [
            {
                "exchangeId": number,
                "vendorId": vendor,
                "shipmentBoxId": int(box),
                "goodsDeliveryCode": decision.courier_code,
                "invoiceNumber": decision.number,
            }
            for box in boxes
            if box not in held
        ]
        await self._claim_write("POST", f"{path}/invoices", body_items, "교환 송장")

    async def _claim_write(self, method: str, path: str, body: Any, what: str) -> None:
        """One claim write; Coupang's refusal (an HTTP 4xx, or ``data.resultCode`` FAIL, C1's answer tables) comes
        back in its words with what to do."""
        try:
            answer = json_object(await self._send(Call(method, path, json=body, idempotent=False)))
        except Rejected as exc:
            raise Rejected(
                MARKET,
                f"쿠팡이 {what}을(를) 받지 않았습니다: {exc.message.removeprefix('쿠팡: ')} 쿠팡 WING에서 클레임 "
                "상태를 확인하세요.",
                status=exc.status,
                code=exc.code,
            ) from exc
        data = answer.get("data")
        if isinstance(data, Mapping) and str(data.get("resultCode") or "").upper() == "FAIL":
            raise Rejected(
                MARKET,
                f"쿠팡이 {what}을(를) 받지 않았습니다: {data.get('resultMessage') or 'FAIL'} 쿠팡 WING에서 클레임 "
                "상태를 확인하세요.",
                code="FAIL",
            )

    # --- inquiries ---------------------------------------------------------------------------------

    async def collect_inquiries(self, start: dt.datetime, end: dt.datetime, account: str) -> list[Inquiry]:
        """Unanswered product inquiries (online:…) and call-centre inquiries (callcenter:…), 7-day windows."""
        out: dict[str, Inquiry] = {}
        for first, last in day_windows(start, end, SHORT_DAYS):
            days = {
                "vendorId": self.credentials.vendor_id,
                "inquiryStartAt": first.isoformat(),
                "inquiryEndAt": last.isoformat(),
            }
            online = {**days, "answeredType": "NOANSWER"}
            for q in await self._numbered(self._v(5, "/onlineInquiries"), online, PAGE):  # C22: pageSize ≤ 50
                inquiry = Inquiry(
                    MARKET,
                    account,
                    f"online:{q['inquiryId']}",
                    "상품",
                    str(q.get("productId") or ""),
                    str((q.get("orderIds") or [""])[0]),
                    _stamp(q.get("inquiryAt")),
                    "",
                    str(q.get("content") or ""),
                    str(q.get("buyerEmail") or ""),
                    False,
                )
                out[inquiry.inquiry_no] = inquiry
            params = {**days, "partnerCounselingStatus": "NO_ANSWER"}
            for q in await self._numbered(self._v(5, "/callCenterInquiries"), params, CALLCENTER_PAGE):  # C24
                inquiry = Inquiry(
                    MARKET,
                    account,
                    f"callcenter:{q['inquiryId']}",
                    str(q.get("receiptCategory") or "기타"),
                    str(q.get("productId") or ""),
                    str(q.get("orderId") or ""),
                    _stamp(q.get("inquiryAt")),
                    "",
                    str(q.get("content") or ""),
                    str(q.get("buyerEmail") or ""),
                    False,
                )
                out[inquiry.inquiry_no] = inquiry
        return list(out.values())

    async def _numbered(self, path: str, params: Mapping[str, str], size: str) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        page = 1
        while True:
            query = {**params, "pageNum": str(page), "pageSize": size}
            items, pages = _page(json_object(await self._send(Call("GET", path, params=query))))
            out += items
            if page >= pages:
                return out
            page += 1

    async def answer(self, inquiry_no: str, content: str) -> None:
        """Answer one inquiry; AlreadyDone when it was answered already."""
        kind, _, ident = inquiry_no.partition(":")
        try:
            if kind == "online":
                body: dict[str, Any] = {
                    "content": content,
                    "vendorId": self.credentials.vendor_id,
                    "replyBy": self.credentials.wing_id,
                }
                path = self._v(4, f"/onlineInquiries/{ident}/replies")
            elif kind == "callcenter":
                one = json_object(await self._send(Call("GET", f"{API}/v5/vendors/callCenterInquiries/{ident}")))
                data = one.get("data") or {}
                replies = [r for r in data.get("replies") or [] if isinstance(r, dict)]
                if data.get("csPartnerCounselingStatus") != OPEN_CALLCENTER or data.get("inquiryStatus") == "complete":
                    # C25: answerable only while inquiryStatus:progress, partnerTransferStatus:requestAnswer (current
                    # page 360034156233); after 24 h Coupang closes it as 답변완료 with a reply of its own
                    if any(r.get("answerType") == "vendor" for r in replies):
                        raise AlreadyDone(MARKET, "이미 답변된 쿠팡 고객센터 문의입니다.")
                    raise Rejected(MARKET, CALLCENTER_CLOSED)
                body = {
                    "vendorId": self.credentials.vendor_id,
                    "inquiryId": ident,  # C26: C1 types the body's inquiryId as String (its sample too)
                    "content": content,
                    "replyBy": self.credentials.wing_id,
                    "parentAnswerId": _parent_answer(replies),
                }
                path = self._v(4, f"/callCenterInquiries/{ident}/replies")
            else:
                raise Rejected(MARKET, f"쿠팡 문의 번호가 올바르지 않습니다: {inquiry_no}")
            await self._send(Call("POST", path, json=body, idempotent=False))
        except Rejected as exc:
            if ALREADY_ANSWERED in exc.message and not isinstance(exc, AlreadyDone):
                raise AlreadyDone(MARKET, exc.message, status=exc.status, code=exc.code) from exc
            raise


def _unknown(what: str, status: object) -> NoReturn:
    raise Unavailable(MARKET, f"쿠팡이 알 수 없는 {what} 상태를 보냈습니다: {status}")


def _claims(
    item: Mapping[str, Any],
    account: str,
    kind: ClaimType,
    status: ClaimStatus,
    claim_no: str,
    reason_keys: tuple[str, ...],
    lines: list[tuple[str, str]],
    buyer: str,
    *,
    shown: str = "",
    pickup: str = "",
) -> list[Claim]:
    """One Claim per product number of a request (one for the request when it lists none); the names of one product
    number's lines (two options of one product on a receipt) are joined, so none is lost."""
    reason = " ".join(" ".join(str(item.get(k) or "") for k in reason_keys).split())
    names: dict[str, list[str]] = {}
    for product_no, name in lines or [("", "")]:
        names.setdefault(product_no, [])
        if name not in names[product_no]:
            names[product_no].append(name)
    return [
        Claim(
            market=MARKET,
            account=account,
            claim_no=claim_no,
            order_no=str(item.get("orderId") or ""),
            product_no=product_no,
            product_name=" / ".join(name for name in found if name),
            kind=kind,
            status=status,
            reason=reason,
            buyer=buyer,
            requested_at=_stamp(item.get("createdAt")),
            pickup=pickup,
            shown=shown,
        )
        for product_no, found in names.items()
    ]


def _receipt_kind(item: Mapping[str, Any], listed: ClaimType) -> ClaimType:
    """CANCEL for the CANCEL list and for a 출고중지요청 in the RETURN list; RETURN otherwise (reading 17)."""
    if listed is ClaimType.CANCEL:
        return ClaimType.CANCEL
    stop = str(item.get("releaseStopStatus") or "")
    if str(item.get("receiptStatus")) == RELEASE_STOP_ASKED or stop in (STOP_OPEN, STOP_DONE):
        return ClaimType.CANCEL
    return ClaimType.RETURN


def _receipt_status(item: Mapping[str, Any], kind: ClaimType) -> ClaimStatus:
    """A cancel is open while its 출고중지 is 미처리 (whatever receiptStatus says: Coupang refunds an INSTRUCT cancel by
    itself, articles/360034152053 "자동환불") and decided once 처리(출고중지) or 이미출고; otherwise receiptStatus."""
    stop = str(item.get("releaseStopStatus") or "")
    if kind is ClaimType.CANCEL and stop == STOP_OPEN:
        return ClaimStatus.REQUESTED
    if kind is ClaimType.CANCEL and stop in SHIPPED_ANYWAY:  # refused as shipped: no cancel took place (no stock back)
        return ClaimStatus.WITHDRAWN
    if kind is ClaimType.CANCEL and stop == STOP_DONE:
        return ClaimStatus.DONE
    return RETURN_STATUS.get(str(item.get("receiptStatus"))) or _unknown("반품/취소", item.get("receiptStatus"))


def _receipt_shown(item: Mapping[str, Any]) -> str:
    """Coupang's words: receiptStatus, with the 출고중지처리상태 when the receipt is a 출고중지 one."""
    status = str(item.get("receiptStatus") or "")
    words = RECEIPT_WORDS.get(status, status)
    stop = str(item.get("releaseStopStatus") or "")
    return f"{words} ({stop})" if stop and stop != NOT_A_STOP else words


def _exchange_shown(item: Mapping[str, Any]) -> str:
    status = str(item.get("exchangeStatus") or "")
    parts = [f"교환{EXCHANGE_WORDS.get(status, status)}"]
    collect = str(item.get("collectStatus") or "")
    if collect:
        parts.append(f"회수 {COLLECT_WORDS.get(collect, collect)}")
    delivery = str(item.get("deliveryStatus") or "")
    if delivery and delivery != "BeforeDirection":
        parts.append(f"재배송 {DELIVERY_WORDS.get(delivery, delivery)}")
    return " · ".join(parts)


def _pickup(item: Mapping[str, Any]) -> str:
    """The 회수 운송장 of a return or exchange (``returnDeliveryDtos``; C1: a deliveryInvoiceNo "" or null is ignored),
    as the courier's name and the number."""
    parts: list[str] = []
    for delivery in item.get("returnDeliveryDtos") or []:
        if not isinstance(delivery, Mapping):
            continue
        number = str(delivery.get("deliveryInvoiceNo") or "").strip()
        if not number:
            continue
        code = str(delivery.get("deliveryCompanyCode") or "")
        courier = find_courier(code) if code else None
        parts.append(f"{courier.name if courier else code} {number}".strip())
    return ", ".join(dict.fromkeys(parts))


def _exchange_boxes(item: Mapping[str, Any]) -> dict[str, str]:
    """The exchange's re-send boxes (``deliveryInvoiceGroupDtos``, made at 입고 확인, articles/360034027954) -> the
    invoice number each holds ("" when none yet); a group of an ordinary delivery (shippingDeliveryType DELIVERY) is
    not one."""
    out: dict[str, str] = {}
    for group in item.get("deliveryInvoiceGroupDtos") or []:
        if not isinstance(group, Mapping) or group.get("shipmentBoxId") in (None, ""):
            continue
        if str(group.get("shippingDeliveryType") or "") == "DELIVERY":
            continue
        numbers = [
            str(i.get("invoiceNumber") or "")
            for i in group.get("deliveryInvoiceDtos") or []
            if isinstance(i, Mapping) and i.get("invoiceNumber")
        ]
        out[str(group["shipmentBoxId"])] = numbers[-1] if numbers else ""
    return out


def _cancel_count(receipt: Mapping[str, Any]) -> int:
    """The receipt's count: cancelCountSum (the FAQ articles/360023109453: "반품요청 목록조회 API의 cancelCountSum(총
    취소수량)과 동일"), else the sum of its items' cancelCount."""
    total = receipt.get("cancelCountSum")
    if total not in (None, ""):
        return _number(total)
    return sum(_number(i.get("cancelCount")) for i in receipt.get("returnItems") or [] if isinstance(i, Mapping))


def _requested(claim: Claim) -> dt.datetime:
    try:
        return dt.datetime.strptime(claim.requested_at, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        raise Rejected(
            MARKET,
            f"클레임 {claim.claim_no}의 요청 시각이 없어 쿠팡에서 다시 읽을 수 없습니다. 클레임을 다시 모으세요.",
        ) from None


def _same_line(claims: list[Claim], asked: Claim) -> Claim | None:
    return next((c for c in claims if c.product_no == asked.product_no), None)


def _page(body: Mapping[str, Any]) -> tuple[list[dict[str, Any]], int]:
    """(items, totalPages) of a numbered page.

    C6: outbound places answer ``content`` and ``pagination`` at the top level (developers.coupangcorp.com/hc/ko/
    articles/360033644754 lists ``content`` as the first response field; a public client: "반품지는 data.content,
    출고지는 최상위 content"); return centres and inquiries answer them inside ``data`` (C1 samples).
    """
    listing: Any = body if "content" in body else body.get("data")
    if isinstance(listing, list):
        return [i for i in listing if isinstance(i, dict)], 1
    if not isinstance(listing, Mapping):
        return [], 1
    items = [i for i in listing.get("content") or [] if isinstance(i, dict)]
    return items, int((listing.get("pagination") or {}).get("totalPages") or 1)


def _product_number(body: Mapping[str, Any]) -> Any:
    """The sellerProductId of a create answer: C1's samples nest it (``{"code":"200","data":{"code":"SUCCESS",
    "data":427011919}}``), marketplaces.md §2.3 reads it flat (``{"code":"SUCCESS","data":…}``); either is read."""
    data = body.get("data")
    if isinstance(data, Mapping):
        return data.get("data")
    return data


def _merge_items(
    ours: list[dict[str, Any]], held: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[tuple[str, int]], list[tuple[str, int]], list[str]]:
    """The update's items (C9) and the vendor-item calls that follow it: (items, prices, stocks, stops).

    Each of our items takes the ``sellerProductItemId``/``vendorItemId`` of Coupang's option with its
    externalVendorSku; an approved one (it has a vendorItemId) keeps Coupang's price and stock in the body and
    changes them through ``prices``/``quantities``. Coupang's options we do not list stay in the body unchanged and
    are stopped when approved.
    """
    unused = [i for i in held if isinstance(i, dict)]
    items: list[dict[str, Any]] = []
    prices: list[tuple[str, int]] = []
    stocks: list[tuple[str, int]] = []
    for item in ours:
        match = next((h for h in unused if str(h.get("externalVendorSku")) == str(item["externalVendorSku"])), None)
        if match is None:
            items.append(item)  # no sellerProductItemId: an added option
            continue
        unused.remove(match)
        ids = {"sellerProductItemId": match.get("sellerProductItemId"), "vendorItemId": match.get("vendorItemId")}
        vendor_item = match.get("vendorItemId")
        if vendor_item is None:
            items.append({**ids, **item})
            continue
        items.append({**ids, **item, **{k: _number(match.get(k)) for k in VENDOR_ITEM_FIELDS}})
        if item["salePrice"] != _number(match.get("salePrice")):
            prices.append((str(vendor_item), int(item["salePrice"])))
        if item["maximumBuyCount"] != _number(match.get("maximumBuyCount")):
            stocks.append((str(vendor_item), int(item["maximumBuyCount"])))
    items += unused
    stops = [str(h["vendorItemId"]) for h in unused if h.get("vendorItemId") is not None]
    return items, prices, stocks, stops


def _cancel_words(message: str) -> str:
    """Coupang's cancel message without its request number: ``[요청번호] <uuid> \\r\\n[3145181064]<= 취소 가능한 …``
    (C1 instruct-cancel sample) becomes ``옵션ID 3145181064: 취소 가능한 …``."""
    text = message.removeprefix("쿠팡: ").replace("\\r\\n", "\n").replace("\r\n", "\n")
    parts = []
    for line in (part.strip() for part in text.split("\n")):
        if not line or line.startswith("[요청번호]"):
            continue
        ids, arrow, words = line.partition("<=")
        parts.append(f"옵션ID {ids.strip().strip('[]')}: {words.strip()}" if arrow else line)
    return " / ".join(parts) or message


def _number(value: Any) -> int:
    """A number Coupang may write as ``13000.00000`` or ``"100"`` (C1 samples), as an int."""
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return 0


def _parent_answer(replies: list[dict[str, Any]]) -> Any:
    """C26: the answerId to answer under: the last reply Coupang asks the seller to answer (``partnerTransferStatus``
    requestAnswer or ``needAnswer``, C1 lookup-coupang-call-center-inquiry.document.ts), else the last reply."""
    asking = [r for r in replies if r.get("partnerTransferStatus") == OPEN_CALLCENTER or r.get("needAnswer") is True]
    chosen = (asking or replies or [{}])[-1]
    return chosen.get("answerId")


def _results(response: httpx.Response) -> dict[str, list[dict[str, Any]]]:
    """A batch answer's responseList items by shipment box."""
    out: dict[str, list[dict[str, Any]]] = {}
    for result in (json_object(response).get("data") or {}).get("responseList") or []:
        out.setdefault(str(result.get("shipmentBoxId")), []).append(result)
    return out


def _verdict(results: list[dict[str, Any]], done_codes: set[str]) -> Verdict:
    """One box's verdict from its responseList items."""
    failed = [r for r in results if not r.get("succeed") and str(r.get("resultCode")) not in done_codes]
    final = [r for r in failed if not r.get("retryRequired")]
    if final:
        first = final[0]
        message = str(first.get("resultMessage") or first.get("resultCode") or "실패")
        return Rejected(MARKET, f"쿠팡: {message}", code=str(first.get("resultCode") or ""))
    return RETRY if failed else None


def _dto_chunks(keys: list[str], todo: Mapping[str, list[dict[str, Any]]]) -> list[list[str]]:
    """Keys grouped so that each call carries at most MAX_BATCH DTOs; a shipment's DTOs stay together."""
    out: list[list[str]] = []
    size = 0
    for key in keys:
        dtos = todo[key]
        if not out or size + len(dtos) > MAX_BATCH:
            out.append([])
            size = 0
        out[-1].append(key)
        size += len(dtos)
    return out
