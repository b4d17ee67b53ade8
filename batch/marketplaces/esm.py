"""G마켓/옥션 through ESM 2.0 (marketplaces-next.md §2): one master id signs an HS256 JWT per request; JSON with result
codes inside 200 answers; one account sells on two sites ("gmarket", "auction").

Sources, cited beside each call:
* [E n] the copy of the official guide (https://etapi.gmarket.com/<n>) in ``rumeadia-dotcom/ing0415`` commit
  bf89065d86066598e98fec37b36a0af64ecef385, ``docs/architecture/v1/features/esm-api/<slug>/<n>.md``
  (https://github.com/rumeadia-dotcom/ing0415/blob/bf89065d86066598e98fec37b36a0af64ecef385/docs/architecture/v1/features/esm-api/);
  [E README] = ``esm-api/README.md`` (auth).
* [S] the production client ``jjhs0819-ops/samba-wave`` ``backend/backend/domain/samba/proxy/esmplus.py``.

Retries, pacing and the breaker are the shared client's (base.py); orders, claims and CS are in esm_orders.py.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import jwt
from jwt.warnings import InsecureKeyLengthWarning

from batch.config import Account
from batch.errors import WorkspaceError
from batch.marketplaces.base import (
    AuthFailed,
    Blocked,
    Call,
    MarketClient,
    MarketError,
    RateLimited,
    Rejected,
    Unavailable,
    json_object,
    status_error,
)
from batch.marketplaces.esm_orders import (
    AUCTION,
    GMARKET,
    MARKET,
    ORDER_LIST_SPACING,
    ORDER_STATES,
    RATE_WORDS,
    SITE_ORDER,
    EsmOrders,
    Site,
    pick,
    result,
    succeeded,
    text,
    won,
)
from batch.marketplaces.types import DeliveryTemplate, Shown, option_no
from batch.models import KST, OrderLine, Product, ProductLink, SalesInfo
from batch.trade.couriers import find_courier
from batch.trade.notices import SEPARATE_NOTICE

AUDIENCE = "sa.esmplus.com"  # [E README] payload.aud "좌측 정보로 고정해서 사용"
SUBJECT = "sell"  # [E README] payload.sub: "Sell API는 "sell""
DEFAULT_ISSUER = "batch"  # [E README] iss "토큰 발행자. 보통 클라이언트 도메인 주소" (batch.toml [esm] issuer)
MAX_PRICE = 1_000_000_000  # [E 20] price "10원 이상 10억 미만 … 10원 단위"
MAX_STOCK = 99_999  # [E 20] stock "1 ~ 99999까지 입력 가능, 0 설정 불가"
MAX_NAME_BYTES = 100  # [E 20] goodsName.kor "최대 100byte" (counted in CP949 here; ESM refuses beyond: 1000 error)
MAX_CODE_BYTES = 100  # [E 20] managedCode "100byte 이내"
MAX_OPTION_CODE_BYTES = 20  # [E 20/26] manageCode "20byte 이내"
MAX_SELECT, MAX_COMBO = 50, 500  # [E 20/26] "선택형 50개, 조합형 500개까지"
MAX_OPTION_NAMES = 3  # [E 20] recommendedOpts type 1 선택형, 2 2개 조합형, 3 3개 조합형
MAX_EXTRA_IMAGES = 14  # [E 20] addtionalImg1URL ~ addtionalImg14URL
# [E 20] basicImgURL "포맷: jpg, png" (≥600×600, ≤2 MB: ESM checks what it fetches); an address naming another
# format is refused before sending, one naming none is left to ESM
OTHER_IMAGE_TYPES = (".gif", ".webp", ".bmp", ".tif", ".tiff", ".svg", ".heic")
# [E 20] sellingPeriod "-1(무제한), 15, 30, 60, 90"; its error table: "판매기간은 -1(3PL상품 한정), 0, 15, 30, 60, 90만
# 가능합니다" — so a blank cell is 90 days, the longest every product may have, and 무제한 is sent only when asked for
SELLING_PERIODS = {"무제한": -1, "-1": -1, "15": 15, "30": 30, "60": 60, "90": 90}
DEFAULT_PERIOD = 90
FEE_TYPES = {"무료": 1, "유료": 2, "조건부무료": 3}  # [E 20] shipping.policy.each.feeType 1 무료 2 유료 3 조건부무료
PREPAID_ONLY = 2  # [E 20] each.feePayType 2 : 선결제만 가능
SETTLE = 180.0  # [E 21] "상품 등록 API 호출하고 정상 등록 처리 시간(약 3분) 이후 변경할 수 있습니다"
SEARCH = "esm:goods-search"  # [E 160] "목록 조회시 분당 최대 30회": one call per 2 s across the installation
SEARCH_SPACING = 2.05
SITE_WORDS = {"g마켓": GMARKET, "지마켓": GMARKET, "gmarket": GMARKET, "옥션": AUCTION, "auction": AUCTION}
KEEP_PERIOD = 0  # [E 21] sellingPeriod "수정(PUT) 시 판매기간을 0으로 입력하면 기존 판매기간 유지"
DETAIL_FORBIDDEN = ("<iframe", "<script")  # [E 20] descriptions.kor.html "iframe, Script … 사용 불가"
REQUIRED_SALES = {
    "ship_place": "출하지번호",
    "dispatch_policy": "발송정책번호",
    "courier": "택배사",
    "address_in": "반품/교환지 주소번호",
}
SEPARATE = "상품 상세설명 참조"
# [E 26] qty "1~99999로 설정" (Y) and isSoldOut "옵션 품절여부 제어 - 옵션 재고수량으로 제어하지 않음": a sold-out option
# goes with isSoldOut true and qty 1, inside the table's range (❓ docs/protocols/esm.md "Options"; [S] sends 0)
SOLD_OUT_QTY = 1
OPTION_TYPES = (1, 2, 3)  # [E 26] 1 선택형, 2 / 3 조합형: the types whose rows carry qty and isSoldOut
OPTION_BLOCKS = ("independent", "independents", "combination")  # [E 26] where those rows are


@dataclass(frozen=True)
class EsmCredentials:
    master_id: str  # the selling tool's ESM+ master id: JWT header kid ([E README] "셀링툴사의 경우 … 마스터ID")
    secret: str
    issuer: str
    gmarket_id: str  # the seller's G마켓 id ("" when the account does not sell there)
    auction_id: str


def _digits(value: str | None) -> str:
    return (value or "").strip()


def _fold(value: str) -> str:
    return re.sub(r"[\s·/(),.\-_]+", "", value).lower()


def _bytes(value: str) -> int:
    """Bytes as a Korean site counts a 100-byte name: 2 per Hangul (CP949); UTF-8 when CP949 cannot hold it."""
    try:
        return len(value.encode("cp949"))
    except UnicodeEncodeError:
        return len(value.encode("utf-8"))


def _flag(value: Any) -> bool:
    """An ESM boolean (true / "true" / "Y")."""
    return value is True or text(value).lower() in ("true", "y")


def _count(value: Any) -> int:
    try:
        return max(int(float(text(value) or 0)), 0)
    except ValueError:
        return 0


def _no_nulls(value: Any) -> Any:
    """``value`` without the keys whose value is null, at every depth."""
    if isinstance(value, dict):
        return {k: _no_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_no_nulls(v) for v in value]
    return value


def _rows(options: Any) -> list[dict[str, Any]]:
    """Every option row of [E 26] options: ``independent.details``, each of ``independents[].details`` and
    ``combination.details``."""
    blocks: list[Any] = [
        pick(options, "independent"),
        *(pick(options, "independents") or []),
        pick(options, "combination"),
    ]
    return [
        row
        for block in blocks
        if isinstance(block, dict)
        for row in (pick(block, "details") or [])
        if isinstance(row, dict)
    ]


def _put(obj: dict[str, Any], key: str, value: Any) -> None:
    """Set ``key`` of ``obj`` under the spelling ESM used for it (``qty.iac`` / ``qty.Iac``), else as given."""
    found = next((k for k in obj if isinstance(k, str) and k.lower() == key.lower()), key)
    obj[found] = value


def _band(price: int) -> tuple[int, int]:
    """The 주문옵션 추가금 a price allows, in won: [E 26] addAmnt "2천원 미만 (0 ~ 100%) - 1만원 미만 (-50 ~ 100%) -
    1만원이상 (기본값 -50 ~ 50%, 일부 카테고리 별도 정책)"; [E 34] the same bands (its 기본값 is what we check)."""
    low = 0 if price < 2_000 else -(price // 2)
    high = price if price < 10_000 else price // 2
    return low, high


def _amount(row: Mapping[str, Any], site: Site, per_site: bool) -> int:
    """An option row's 추가금 on ``site``: [E 26] ``addAmntSite`` ("사이트별 설정 (inputType : 1)인 경우") when set,
    else ``addAmnt`` (null = 0)."""
    if per_site and (own := pick(pick(row, "addAmntSite"), site.key)) is not None:
        return won(own)
    return won(pick(row, "addAmnt"))


def _entry(row: dict[str, Any], key: str) -> dict[str, Any]:
    """The object ``key`` of ``row`` (made when absent), to change in place."""
    found = next((k for k in row if isinstance(k, str) and k.lower() == key.lower()), key)
    if not isinstance(row.get(found), dict):
        row[found] = {}
    inner: dict[str, Any] = row[found]
    return inner


class Esm(EsmOrders):
    """One ESM account: the tool's master id and secret, the seller's G마켓 and/or 옥션 id."""

    market = MARKET
    sandbox_path = ""  # every path is under /item, /shipping, /claim, /assist on the real host and the sandbox alike
    images_dir: Path | None = None  # [E 20] images are URLs ESM fetches (basicImgURL)
    # [E 21] "상품 등록 API 호출하고 정상 등록 처리 시간(약 3분)": a create whose answer was lost may not show in the
    # product list (E 160) before then, so the product job waits that long before it trusts "not found" (❓)
    settle_seconds = SETTLE

    @staticmethod
    def credentials_for(account: Account) -> EsmCredentials:
        """``[esm]`` ``master_id`` / ``secret_env`` / ``issuer`` (copied into every esm account's settings) and the
        account's ``gmarket_id`` / ``auction_id`` (at least one)."""
        where = f"G마켓·옥션/{account.name}"

        def setting(key: str) -> str:
            # a sandbox account left empty reads the sandbox's published value (batch.config SANDBOX_SECRETS["esm"])
            value = account.text(key).strip()
            return value or ((account.secret(key) or "").strip() if account.is_sandbox else "")

        master = setting("master_id")
        if not master:
            raise WorkspaceError(
                f'{where} 계정에 ESM 마스터 ID가 없습니다. batch.toml의 [esm] 표에 master_id = "셀링툴 ESM+ 마스터 ID"를 '
                "쓰세요."
            )
        gmarket, auction = setting("gmarket_id"), setting("auction_id")
        if not gmarket and not auction:
            raise WorkspaceError(
                f'{where} 계정에 판매자 ID가 없습니다. batch.toml의 이 계정([[accounts]])에 gmarket_id = "G마켓 판매자 '
                'ID" 또는 auction_id = "옥션 판매자 ID"(둘 다 가능)를 쓰세요.'
            )
        issuer = str(account.settings.get("issuer") or DEFAULT_ISSUER)
        return EsmCredentials(master, account.required_secret("secret"), issuer, gmarket, auction)

    def __init__(self, client: MarketClient, credentials: EsmCredentials) -> None:
        self.client = client
        self.credentials = credentials
        self.notes = {}
        self.changed_lines: dict[str, list[OrderLine]] = {}
        self.wall: Callable[[], float] = time.time  # the JWT's iat ([E README] "JWT 발행 시간"): wall time, not the
        # client's monotonic clock
        self._created: dict[str, float] = {}  # goodsNo -> wall time of its registration ([E 21] wait ~3 min)
        self._notice_groups: dict[str, int] | None = None
        self._notice_codes: dict[int, list[Mapping[str, Any]]] = {}

    @staticmethod
    def spaced_calls(credentials: EsmCredentials, job: str) -> tuple[int, float]:
        """How many calls of ``job`` wait their turn across the installation, at least, and how far apart: an order
        collection lists each of ORDER_STATES on each site the account has an id for (a window of ≤ 31 days; more
        pages or windows add calls)."""
        sites = sum(1 for site_id in (credentials.gmarket_id, credentials.auction_id) if site_id)
        return (sites * len(ORDER_STATES), ORDER_LIST_SPACING) if job == "orders" else (0, 0.0)

    def sites(self) -> tuple[Site, ...]:
        ids = {"gmarket": self.credentials.gmarket_id, "auction": self.credentials.auction_id}
        return tuple(s for s in SITE_ORDER if ids[s.name])

    def _site_id(self, site: Site) -> str:
        return self.credentials.gmarket_id if site is GMARKET else self.credentials.auction_id

    # --- the wire ----------------------------------------------------------------------------------

    def token(self, site: Site | None = None) -> str:
        """[E README]: HS256 over base64url(header).base64url(payload) with the issued secret; header ``{"alg":
        "HS256", "typ": "JWT", "kid": master id}``; payload ``{"iss", "sub": "sell", "aud": "sa.esmplus.com", "iat",
        "ssi": "A:<옥션 ID>,G:<G마켓 ID>"}`` ("," between the sites, one id each). With ``site``, that site alone
        ([S] signs one site per token)."""
        chosen = (site,) if site is not None else self.sites()
        payload = {
            "iss": self.credentials.issuer,
            "sub": SUBJECT,
            "aud": AUDIENCE,
            "iat": int(self.wall()),
            "ssi": ",".join(f"{s.ssi}:{self._site_id(s)}" for s in chosen),
        }
        headers = {"typ": "JWT", "kid": self.credentials.master_id}
        with warnings.catch_warnings():
            # ESM issues the secret (the [E README] sample key is 24 bytes): its length is not ours to choose
            warnings.simplefilter("ignore", InsecureKeyLengthWarning)
            return jwt.encode(payload, self.credentials.secret, algorithm="HS256", headers=headers)

    def _auth(self, site: Site | None) -> Callable[[], Any]:
        async def sign() -> Mapping[str, str]:
            return {"Authorization": f"Bearer {self.token(site)}"}  # a fresh token per request (and per retry)

        return sign

    async def _no_renewal(self, response: httpx.Response) -> bool:
        return False  # the token is made here from the secret: a new one would be refused the same way

    def _error(self, response: httpx.Response) -> MarketError:
        """An HTTP error: 401/403 ([E README] ``{"status": {"message": "The user does not have right access to the
        api", "status_code": 401}}``) is AuthFailed; a "5초당" answer RateLimited; others as base.status_error."""
        body = json_object(response)
        message = text(pick(pick(body, "status"), "message")) or result(body)[1] or response.text[:200]
        if RATE_WORDS in message:
            return RateLimited(
                MARKET,
                "G마켓·옥션 주문 조회는 5초에 한 번만 됩니다. 잠시 뒤 다시 실행하세요.",
                retry_after=ORDER_LIST_SPACING,
                status=response.status_code,
            )
        if response.status_code in (401, 403):
            return AuthFailed(
                MARKET,
                "G마켓·옥션(ESM) 인증에 실패했습니다"
                f"({message or response.reason_phrase}). batch.toml [esm]의 master_id와 비밀키 환경 변수, 계정의 "
                "gmarket_id/auction_id, ESM에 등록한 셀링툴 API 권한과 허용 IP를 확인하세요.",
                status=response.status_code,
            )
        return status_error(MARKET, response, f"G마켓·옥션(ESM) 응답 오류: {message or response.reason_phrase}")

    async def _send(self, call: Call, site: Site | None = None) -> Any:
        """Send ``call`` signed for ``site`` (both sites when None) and return its parsed JSON ({} when empty)."""
        call.headers = {"Accept": "application/json", **call.headers}
        response = await self.client.send(
            call, auth=self._auth(site), on_auth_error=self._no_renewal, to_error=self._error
        )
        if not response.content.strip():
            return {}
        try:
            return response.json()
        except ValueError as exc:
            raise Unavailable(
                MARKET,
                "G마켓·옥션(ESM)의 답을 읽을 수 없습니다(JSON이 아님). 잠시 뒤 다시 실행해 주세요.",
                status=response.status_code,
                outcome_unknown=not call.idempotent,
            ) from exc

    @staticmethod
    def _failed(code: str, message: str, what: str = "") -> MarketError:
        """A result code other than success: "5초당 1회" ([E 67] 3000 on the order list) is RateLimited, "잠시 후 다시"
        ([E 70] "주문확인 진행중입니다. 잠시 후 다시 진행해주세요") Unavailable; anything else a refusal of this request
        in ESM's own words."""
        where = what or "G마켓·옥션"
        if RATE_WORDS in message:
            return RateLimited(
                MARKET,
                f"{where}: ESM이 호출이 너무 잦다고 답했습니다(5초에 한 번). 잠시 뒤 다시 실행하세요.",
                retry_after=ORDER_LIST_SPACING,
                code=code,
            )
        if "잠시 후 다시" in message:
            return Unavailable(MARKET, f"{where}: ESM이 처리 중입니다({message}). 잠시 뒤 다시 실행하세요.", code=code)
        if "3PL" in message:  # [E 68/69/70] "해당 주문은 3PL 주문입니다": 풀필먼트 스타배송 orders are ESM's to handle
            step = "풀필먼트(스타배송) 주문은 ESM+에서 처리하세요."
        elif "이하의 범위" in message:  # [E 67] 3000 "(G마켓)31 이하의 범위만 조회할 수 있습니다"
            step = "수집 기간을 31일 이내로 줄여(--since) 다시 실행하세요."
        elif "조회" in where:  # a read: nothing was sent
            step = "ESM+에서 계정과 권한을 확인한 뒤 다시 실행하세요."
        else:
            step = "내용을 고친 뒤 다시 보내세요."
        return Rejected(
            MARKET, f"{where}: ESM이 받지 않았습니다 — {message or '사유 없음'} (결과코드 {code}). {step}", code=code
        )

    async def _checked(self, call: Call, what: str, site: Site | None = None) -> Any:
        answer = await self._send(call, site)
        code, message = result(answer)
        if not succeeded(code):
            raise self._failed(code, message, what)
        return answer

    async def vendor_id(self) -> str:
        """[E 142] ``GET /item/v1/shipping/delivery-company``: the cheapest signed read (no parameters); the ids the
        token carries are what ESM knows the seller by."""
        await self._checked(Call("GET", "/item/v1/shipping/delivery-company"), "G마켓·옥션 택배사 조회")
        return ",".join(f"{s.ssi}:{self._site_id(s)}" for s in self.sites())

    # --- product jobs ------------------------------------------------------------------------------

    def _sold_sites(self, sales: SalesInfo) -> tuple[tuple[Site, ...], list[str]]:
        """판매 사이트 (sales ``sites``: "G마켓", "옥션", "G마켓,옥션"; blank = every site the account has an id for)."""
        raw = (sales.get("sites") or "").strip()
        if not raw:
            return self.sites(), []
        chosen: list[Site] = []
        problems: list[str] = []
        for word in (w for w in re.split(r"[,\s/·]+", raw) if w):
            site = SITE_WORDS.get(word.lower())
            if site is None:
                problems.append(
                    f"G마켓·옥션 판매 사이트 '{word}'을(를) 모릅니다. G마켓, 옥션 또는 'G마켓,옥션'으로 쓰세요."
                )
            elif site not in self.sites():
                key = "gmarket_id" if site is GMARKET else "auction_id"
                problems.append(
                    f"이 계정에는 {site.label} 판매자 ID가 없습니다. batch.toml에 {key}를 쓰거나 판매 사이트에서 빼세요."
                )
            elif site not in chosen:
                chosen.append(site)
        return tuple(s for s in SITE_ORDER if s in chosen), problems

    @staticmethod
    def _category(site: Site, sales: SalesInfo) -> str:
        return _digits(sales.get("gmarket_category" if site is GMARKET else "auction_category"))

    def _options(self, product: Product, sites: Sequence[Site]) -> dict[str, Any]:
        """[E 20] recommendedOpts / [E 26] body, 직접입력 form ([E 26] "선택형 직접입력 샘플", "조합형 직접입력 샘플":
        recommendedOptNo 0 with recommendedOptName, recommendedOptValueNo 0 with koreanText). One option name =
        type 1 선택형 (independent); two or three = type 2/3 조합형 (combination). manageCode = our option number.
        An option off sale or out of stock is ``isSoldOut`` (ESM: "옵션 재고 수량으로 제어하지 않음") with qty 1
        (❓ [E 26] qty "1~99999로 설정")."""
        names = product.option_names
        if not names or not product.options:
            return {"type": 0, "isStockManage": False}

        def word(value: str) -> dict[str, Any]:
            return {"koreanText": value, "exposeLanguage": 1}

        details = []
        for i, o in enumerate(product.options):
            sold_out = not o.on_sale or o.stock <= 0
            qty = 1 if sold_out else min(o.stock, MAX_STOCK)
            detail: dict[str, Any] = {
                "isSoldOut": sold_out,
                "isDisplay": True,
                "qty": {s.key: qty for s in sites},
                "manageCode": option_no(product.code, i),
                "addAmnt": o.extra_price,
            }
            if len(names) == 1:
                detail = {"recommendedOptValueNo": 0, "recommendedOptValue": word(o.values[0]), **detail}
            else:
                for n, value in enumerate(o.values, start=1):
                    detail[f"recommendedOptValueNo{n}"] = 0
                    detail[f"recommendedOptValue{n}"] = word(value)
            details.append(detail)
        if len(names) == 1:
            group = {"recommendedOptNo": 0, "recommendedOptName": word(names[0]), "details": details}
            return {"type": 1, "isStockManage": True, "independent": group}
        combination: dict[str, Any] = {"details": details}
        for n, name in enumerate(names, start=1):
            combination[f"recommendedOptNo{n}"] = 0
            combination[f"recommendedOptName{n}"] = word(name)
        return {"type": len(names), "isStockManage": True, "combination": combination}

    @staticmethod
    def _notice_body(product: Product, group: int, codes: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
        """[E 20] officialNotice{officialNoticeNo, details[{officialNoticeItemelementCode, value, isExtraMark}]}: each
        code of the group ([E 161]) gets our 고시 value whose name matches its officialNoticeItemelementName; a code we
        have no value for, or one marked '상세정보 별도표기', is "상품 상세설명 참조" with isExtraMark true ([E 20]
        "true : 상품 상세설명 참조로 표기"; ❓ [E 161] calls the same flag 필수 여부)."""
        ours = {_fold(field): value for field, value in product.notices}
        details = []
        for code in codes:
            name = _fold(text(pick(code, "officialNoticeItemelementName")))
            value = ours.get(name) or next((v for f, v in ours.items() if name and (f in name or name in f)), "")
            separate = not value or value == SEPARATE_NOTICE
            details.append(
                {
                    "officialNoticeItemelementCode": text(pick(code, "officialNoticeItemelementCode")),
                    "value": SEPARATE if separate else value,
                    "isExtraMark": separate,
                }
            )
        return {"officialNoticeNo": group, "details": details}

    def payload(
        self,
        product: Product,
        sales: SalesInfo,
        notice: dict[str, Any] | None = None,
        *,
        selling: Mapping[str, bool] | None = None,
    ) -> dict[str, object]:
        """The body of [E 20] ``POST /item/v1/goods`` (and, with ``selling``, of ``PUT /item/v1/goods/{goodsNo}``),
        field names as [E 20]/[E 140]. Only the sites sold on carry a category, price, stock, period and policy
        (❓ [E 20] marks both sites' keys required; [S] sends one site). ``notice`` is the resolved 고시 block
        (create/update resolve it with [E 161]); without it the 고시 fields go by our names."""
        sites, _ = self._sold_sites(sales)
        options = bool(product.option_names and product.options)
        total = sum(o.stock for o in product.options if o.on_sale)
        stock = min(max(total, 1), MAX_STOCK) if options else total  # [E 20] ignored when options manage stock
        period = SELLING_PERIODS.get(_digits(sales.get("selling_period")), DEFAULT_PERIOD)
        courier = find_courier(sales.get("courier") or "")
        company = (courier.codes.get("esm") or "") if courier else ""
        bundle = _digits(sales.get("bundle_fee_template"))
        policy: dict[str, Any] = {"placeNo": int(p) if (p := _digits(sales.get("ship_place"))).isdigit() else p}
        if bundle:
            policy |= {"feeType": 1, "bundle": {"deliveryTmplId": bundle}}  # [E 20] 1 : 묶음배송비
        else:
            fee_type = FEE_TYPES.get(sales.get("delivery_fee_type") or "", 0)
            each: dict[str, Any] = {"feeType": fee_type, "feePayType": PREPAID_ONLY}
            if fee_type in (2, 3):
                each["fee"] = int(_digits(sales.get("delivery_fee")) or 0)
            if fee_type == 3:  # ❓ [E 20] names no 조건부무료 threshold field but details{Condition, FeeAmnt}
                each["details"] = [{"Condition": int(_digits(sales.get("free_over")) or 0), "FeeAmnt": 0}]
            policy |= {"feeType": 2, "each": each}  # [E 20] 2 : 상품별배송비
        dispatch = _digits(sales.get("dispatch_policy"))
        shipping = {
            "type": 1,  # [E 20] 1 : 택배
            "companyNo": int(company) if company.isdigit() else company,
            "policy": policy,
            "returnAndExchange": {  # [E 140] addrNo is a string in the schema
                "addrNo": _digits(sales.get("address_in")),
                "fee": int(_digits(sales.get("return_fee")) or 0),
            },
            # [E 20] "동시 등록시 옥션과 동일한 정책 번호 입력"
            "dispatchPolicyNo": {s.key: int(dispatch) if dispatch.isdigit() else dispatch for s in sites},
        }
        urls = [i for i in product.images if "://" in i]
        images: dict[str, Any] = {"basicImgURL": urls[0] if urls else ""}
        images |= {f"addtionalImg{n}URL": url for n, url in enumerate(urls[1 : MAX_EXTRA_IMAGES + 1], start=1)}
        category: dict[str, Any] = {
            "site": [{"siteType": s.order_type, "catCode": self._category(s, sales)} for s in sites]
        }
        if esm := _digits(sales.get("esm_category")):
            category["esm"] = {"catCode": esm}
        additional: dict[str, Any] = {
            "price": {s.upper: product.price for s in sites},
            "stock": {s.upper: stock for s in sites},
            "sellingPeriod": {s.upper: period for s in sites},
            "managedCode": product.code,  # [E 20] "판매자 관리 코드 or 자사몰 상품번호"; [E 160] searches by it
            "recommendedOpts": self._options(product, sites),
            # ❓ [E 20] origin needs [E 162] region codes: we send 1 "상품 상세설명 참조" with type 0 (as [E 20] asks)
            "origin": {"goodsType": 1, "type": 0},
            "shipping": shipping,
            "officialNotice": notice
            or {
                "officialNoticeNo": int(n) if (n := _digits(sales.get("notice_no"))).isdigit() else 0,
                "details": [
                    {"officialNoticeItemelementCode": f, "value": v, "isExtraMark": v == SEPARATE_NOTICE}
                    for f, v in product.notices
                ],
            },
            "isAdultProduct": product.adult,
            "isVatFree": product.tax == "면세",  # [E 20] true : 부가세 면세상품
            "images": images,
            "descriptions": {"kor": {"type": 2, "html": product.detail}},  # [E 20] 2 : html
            "goodsStatus": 1,  # [E 20] 1 : 신상품
        }
        if product.made_on:
            additional["manufacturedDate"] = product.made_on  # [E 20] YYYY-MM-DD
        if product.expires_on:
            additional["expiryDate"] = product.expires_on
        basic: dict[str, Any] = {"goodsName": {"kor": product.name}, "category": category}
        if product.model:
            basic["catalog"] = {"modelName": product.model}
        # [E 20] isSell "상품수정/전환 API 호출 시 필수 … 등록 시 상태 설정은 불가"; [S]: a create without it is refused
        # ("판매 여부(isSell)를 입력해주세요"), so it goes on create too (❓) as "on sale" for the sites sold on.
        sell = dict(selling) if selling is not None else {s.key: True for s in sites}
        return {
            "isSell": sell,
            "itemBasicInfo": basic,
            "itemAddtionalInfo": additional,
            # [E 20] siteDiscount gmkt/iac required: the sites' own (site-paid) discount, allowed as in every sample (❓)
            "addtionalInfo": {"siteDiscount": {s.key: True for s in sites}},
        }

    def preflight(self, product: Product, sales: SalesInfo) -> list[str]:
        """What ESM will refuse that the workbook rules may not catch (Korean, one line each)."""
        sites, problems = self._sold_sites(sales)
        if not sites and not problems:
            problems.append("G마켓·옥션 판매 사이트가 없습니다. 판매 사이트를 쓰거나 계정에 판매자 ID를 넣으세요.")
        for site in sites:
            if not self._category(site, sales):
                problems.append(f"G마켓·옥션 판매정보의 {site.label} 카테고리 코드가 비어 있습니다.")
        problems += [
            f"G마켓·옥션 판매정보의 {label}이(가) 비어 있습니다."
            for key, label in REQUIRED_SALES.items()
            if not sales.get(key)
        ]
        for key, label in (("ship_place", "출하지번호"), ("dispatch_policy", "발송정책번호")):
            if sales.get(key) and not _digits(sales.get(key)).isdigit():
                problems.append(f"G마켓·옥션 {label}는 숫자여야 합니다.")
        courier = find_courier(sales.get("courier") or "")
        if sales.get("courier") and not (courier and (courier.codes.get("esm") or "").isdigit()):
            problems.append(
                f"택배사 '{sales.get('courier')}'은(는) G마켓·옥션 택배사 코드가 없습니다. 다른 택배사를 고르세요."
            )
        if not sales.get("bundle_fee_template"):
            kind = sales.get("delivery_fee_type") or ""
            if kind not in FEE_TYPES:
                problems.append(
                    "G마켓·옥션은 묶음배송비 정책번호가 없으면 배송비유형(무료 / 유료 / 조건부무료)이 있어야 합니다."
                )
            elif kind != "무료" and not _digits(sales.get("delivery_fee")).isdigit():
                problems.append("G마켓·옥션 배송비 금액이 비어 있습니다.")
            if kind == "조건부무료" and not _digits(sales.get("free_over")).isdigit():
                problems.append("G마켓·옥션 조건부무료 기준금액이 비어 있습니다.")
        period = _digits(sales.get("selling_period"))
        if period and period not in SELLING_PERIODS:
            problems.append("G마켓·옥션 판매기간은 15, 30, 60, 90 또는 무제한(3PL 상품만) 중 하나여야 합니다.")
        if _bytes(product.name) > MAX_NAME_BYTES:
            problems.append(f"G마켓·옥션 상품명은 {MAX_NAME_BYTES}바이트(한글 50자)까지입니다.")
        if len(product.code.encode("utf-8")) > MAX_CODE_BYTES:
            problems.append(f"G마켓·옥션 판매자 관리코드(자체상품코드)는 {MAX_CODE_BYTES}바이트까지입니다.")
        if product.price % 10 or not 10 <= product.price < MAX_PRICE:
            problems.append("G마켓·옥션 판매가는 10원 단위, 10원 이상 10억 원 미만이어야 합니다.")
        problems += self._option_problems(product)
        urls = [i for i in product.images if "://" in i]
        if not urls:
            problems.append("G마켓·옥션은 대표 이미지 주소(https://…)가 필요합니다. 파일 이름은 받지 않습니다.")
        elif urls[0].lower().split("?")[0].endswith(OTHER_IMAGE_TYPES):  # no suffix: ESM checks what it fetches
            problems.append(
                "G마켓·옥션 대표 이미지는 JPG 또는 PNG(600×600 이상, 2MB 이하)여야 합니다. 이미지 주소를 확인하세요."
            )
        if len(urls) > MAX_EXTRA_IMAGES + 1:
            problems.append(
                f"G마켓·옥션 추가 이미지는 {MAX_EXTRA_IMAGES}장까지입니다. 이미지 주소를 {MAX_EXTRA_IMAGES + 1}개 이하로 "
                "줄이세요."
            )
        if AUCTION in sites and len(set(urls)) < len(urls):
            problems.append("옥션은 같은 이미지를 두 번 쓸 수 없습니다. 겹치는 이미지 주소를 빼세요.")
        if any(tag in product.detail.lower() for tag in DETAIL_FORBIDDEN):
            problems.append("G마켓·옥션 상세설명에는 iframe, script를 쓸 수 없습니다.")
        return problems

    @staticmethod
    def _option_problems(product: Product) -> list[str]:
        names, options = product.option_names, product.options
        if not (names and options):
            total = sum(o.stock for o in options if o.on_sale)
            if total <= 0:
                return ["G마켓·옥션은 재고 0으로 등록할 수 없습니다(1~99,999). 품절이면 판매중지로 처리하세요."]
            if total > MAX_STOCK:
                return [f"G마켓·옥션 재고는 {MAX_STOCK:,}개까지입니다."]
            return []
        out = []
        if len(names) > MAX_OPTION_NAMES:
            out.append(f"G마켓·옥션 옵션은 {MAX_OPTION_NAMES}단(조합형)까지입니다.")
        cap = MAX_SELECT if len(names) == 1 else MAX_COMBO
        if len(options) > cap:
            out.append(f"G마켓·옥션 {'선택형' if len(names) == 1 else '조합형'} 옵션은 {cap}개까지입니다.")
        if not any(o.on_sale and o.stock > 0 for o in options):  # [E 20] "주문선택사항이 최소 1개 이상 판매되어야"
            out.append("G마켓·옥션은 판매 중인 옵션이 하나 이상 있어야 합니다. 품절이면 판매중지로 처리하세요.")
        if any(o.stock > MAX_STOCK for o in options):
            out.append(f"G마켓·옥션 옵션 재고는 {MAX_STOCK:,}개까지입니다.")
        # [E 20] addAmnt: 2천원 미만 0~100%, 1만원 미만 -50~100%, 1만원 이상 -50~50% (기본값)
        price = product.price
        low, high = _band(price)
        if any(not low <= o.extra_price <= high for o in options):
            out.append(f"G마켓·옥션 옵션가는 판매가 {price:,}원 기준 {low:,}원~{high:,}원 안이어야 합니다.")
        if len(option_no(product.code, len(options) - 1).encode("utf-8")) > MAX_OPTION_CODE_BYTES:
            out.append(
                f"G마켓·옥션 옵션 관리코드(자체상품코드-001)는 {MAX_OPTION_CODE_BYTES}바이트까지입니다. 자체상품코드를 "
                f"{MAX_OPTION_CODE_BYTES - 4}자 이하로 줄이세요."
            )
        return out

    async def _notice(self, product: Product, sales: SalesInfo) -> dict[str, Any]:
        """The 고시 block: the group by 판매정보 ``notice_no`` or by name among [E 161] ``GET
        /item/v1/official-notice/groups``, its codes from ``GET …/groups/{officialNoticeNo}/codes`` (both kept for
        the run)."""
        number = _digits(sales.get("notice_no"))
        if not number.isdigit():
            if self._notice_groups is None:
                answer = await self._checked(
                    Call("GET", "/item/v1/official-notice/groups"), "G마켓·옥션 고시 상품군 조회"
                )
                self._notice_groups = {
                    _fold(text(pick(g, "officialNoticeName"))): int(text(pick(g, "officialNoticeNo")) or 0)
                    for g in pick(answer, "groups") or []
                }
            wanted = _fold(product.notice_category)
            found = self._notice_groups.get(wanted) or next(
                (n for name, n in self._notice_groups.items() if wanted and (wanted in name or name in wanted)), 0
            )
            if not found:
                raise Rejected(
                    MARKET,
                    f"ESM 고시 상품군에 '{product.notice_category}'이(가) 없습니다. 품목고시 상품군 이름을 ESM 이름으로 "
                    "고치거나 판매정보에 고시 상품군 번호(notice_no)를 쓰세요.",
                )
            number = str(found)
        group = int(number)
        if group not in self._notice_codes:
            path = f"/item/v1/official-notice/groups/{group}/codes"
            answer = await self._checked(Call("GET", path), "G마켓·옥션 고시 항목 조회")
            self._notice_codes[group] = [c for c in pick(answer, "codes") or [] if isinstance(c, Mapping)]
        return self._notice_body(product, group, self._notice_codes[group])

    def _link(self, goods_no: str, answer: Any, sites: Sequence[Site], code: str) -> ProductLink:
        """[E 20] answer ``siteDetail{gmkt, iac}{SiteGoodsNo, SiteGoodsComment}``: a site sold on without a number is
        left in ``notes`` (the master number stands: dropping it would register the product twice)."""
        detail = pick(answer, "siteDetail")
        numbers: dict[str, str] = {}
        missing = []
        for site in sites:
            row = pick(detail, site.key)
            number = text(pick(row, "SiteGoodsNo"))
            if number:
                numbers[site.name] = number
            else:
                missing.append(f"{site.label}({text(pick(row, 'SiteGoodsComment')) or '상품번호 없음'})")
        if missing:
            self.notes[code] = (
                f"G마켓·옥션 마스터상품 {goods_no}은(는) 만들어졌지만 {', '.join(missing)} 등록이 확인되지 않았습니다. "
                "ESM+에서 확인하세요."
            )
        return ProductLink(goods_no, sites=numbers)

    async def create_product(self, product: Product, sales: SalesInfo) -> ProductLink:
        """[E 20] ``POST /item/v1/goods``: ``{goodsNo, siteDetail{gmkt, iac}{SiteGoodsNo}, resultCode 0}``. The guide
        names no daily cap (no ``daily_creates``)."""
        sites, problems = self._sold_sites(sales)
        if problems:
            raise Rejected(MARKET, problems[0])
        body = self.payload(product, sales, await self._notice(product, sales))
        answer = await self._send(Call("POST", "/item/v1/goods", json=body, idempotent=False))
        code, message = result(answer)
        if not succeeded(code):
            raise self._failed(code, message, f"G마켓·옥션 상품 등록({product.code})")
        goods_no = text(pick(answer, "goodsNo"))
        if goods_no in ("", "0"):
            raise Unavailable(
                MARKET,
                "G마켓·옥션이 상품번호 없이 답했습니다. 다음 실행 때 먼저 자체상품코드로 상품을 찾아 본 뒤 보냅니다.",
                outcome_unknown=True,
            )
        self._created[goods_no] = self.wall()
        return self._link(goods_no, answer, sites, product.code)

    async def update_product(self, product: Product, sales: SalesInfo, link: ProductLink) -> ProductLink:
        """[E 20] ``PUT /item/v1/goods/{goodsNo}``: the whole body again ("상품수정 API는 전체 정보 일괄 수정"), with
        ``isSell`` (required on update): the sites sold on follow the row's 판매여부; a site the product was on but is
        no longer sold on is stopped (false)."""
        sites, problems = self._sold_sites(sales)
        if problems:
            raise Rejected(MARKET, problems[0])
        selling = {s.key: product.on_sale for s in sites}
        for name in link.sites:
            if (site := {"gmarket": GMARKET, "auction": AUCTION}.get(name)) and site not in sites:
                selling[site.key] = False
        body = self.payload(product, sales, await self._notice(product, sales), selling=selling)
        answer = await self._checked(
            Call("PUT", f"/item/v1/goods/{link.product_no}", json=body), f"G마켓·옥션 상품 수정({product.code})"
        )
        fresh = self._link(
            link.product_no, answer, [s for s in sites if pick(pick(answer, "siteDetail"), s.key)], product.code
        )
        return ProductLink(link.product_no, dict(link.option_nos), {**link.sites, **fresh.sites})

    async def find_product(self, code: str) -> ProductLink | None:
        """[E 160] ``POST /item/v1/goods/search`` ``{"query": {"managedCode": [code]}, "pageIndex": 1, "pageSize":
        100}`` (30 calls a minute: spaced across the installation). None only on a clean empty list; a failure raises,
        so a create in doubt is never sent again. Several with the code: the first not 직권중지 (22) is ours."""
        await self.client.space(SEARCH, SEARCH_SPACING)
        body = {"query": {"managedCode": [code]}, "pageIndex": 1, "pageSize": 100}
        answer = await self._checked(Call("POST", "/item/v1/goods/search", json=body), f"G마켓·옥션 상품 찾기({code})")
        items = [i for i in pick(answer, "items") or [] if isinstance(i, Mapping)]
        items = [i for i in items if text(pick(i, "managedCode")) == code and text(pick(i, "goodsNo"))]
        if not items:
            return None

        def stopped(item: Mapping[str, Any]) -> bool:
            status = pick(item, "sellStatus")
            return all(text(pick(status, k)) in ("", "22") for k in ("gmkt", "iac"))

        item = next((i for i in items if not stopped(i)), items[0])
        goods_no = text(pick(item, "goodsNo"))
        created = text(pick(item, "createdDate"))
        if goods_no not in self._created and created:
            try:
                when = dt.datetime.strptime(created[:19], "%Y-%m-%d %H:%M:%S").replace(tzinfo=KST)
                self._created[goods_no] = when.timestamp()
            except ValueError:
                pass
        numbers = pick(item, "siteGoodsNo")
        sites = {s.name: n for s in SITE_ORDER if (n := text(pick(numbers, s.key)))}
        return ProductLink(goods_no, sites=sites)

    async def _goods(self, code: str, what: str) -> tuple[str, tuple[Site, ...]]:
        """The master number and sites of ``code``; Blocked (nothing sent) within ~3 minutes of its registration:
        [E 21] "정상 등록 처리 시간(약 3분) 이후 변경할 수 있습니다" — asked again later rather than waited for."""
        link = await self.find_product(code)
        if link is None:
            raise Rejected(MARKET, f"G마켓·옥션에 자체상품코드 {code}인 상품이 없습니다. 먼저 등록하세요.")
        self._settled(link.product_no, what)
        return link.product_no, self._link_sites(link)

    def _settled(self, goods_no: str, what: str) -> None:
        """Blocked (nothing sent) within ~3 minutes of the registration of ``goods_no`` as this process knows it
        ([E 21] "정상 등록 처리 시간(약 3분) 이후 변경할 수 있습니다"): asked again later rather than waited for."""
        created = self._created.get(goods_no)
        if created is not None and (left := SETTLE - (self.wall() - created)) > 0:
            raise Blocked(
                MARKET,
                f"G마켓·옥션은 상품 등록 후 약 3분이 지나야 {what}을(를) 바꿀 수 있습니다. {int(left) + 1}초 뒤 다시 "
                "실행하세요.",
            )

    def _link_sites(self, link: ProductLink) -> tuple[Site, ...]:
        """The sites a listing sells on: those the link has a site goods number for (every site of the account when
        it records none)."""
        return tuple(s for s in SITE_ORDER if s.name in link.sites) or self.sites()

    async def update_stock(self, product: Product) -> None:
        """A product with options: [E 26] ``PUT /item/v1/goods/{goodsNo}/recommended-options`` (its options again,
        stock per option; [E 194] refuses option products). Without: [E 194] ``PUT /item/v1/goods/{goodsNo}/stock``
        ``{"stock": {"gmkt", "iac"}}`` (1–99,999: 0 is refused here, stop the sale instead)."""
        goods_no, sites = await self._goods(product.code, "재고")
        if product.option_names and product.options:
            await self._checked(
                Call("PUT", f"/item/v1/goods/{goods_no}/recommended-options", json=self._options(product, sites)),
                f"G마켓·옥션 옵션 재고 수정({product.code})",
            )
            return
        total = sum(o.stock for o in product.options if o.on_sale)
        if not 1 <= total <= MAX_STOCK:
            raise Rejected(
                MARKET,
                f"G마켓·옥션 재고는 1~{MAX_STOCK:,}개만 보낼 수 있습니다(지금 {total:,}개). 품절이면 판매중지로 처리하세요.",
            )
        body = {"stock": {s.key: total for s in sites}}
        await self._checked(
            Call("PUT", f"/item/v1/goods/{goods_no}/stock", json=body), f"G마켓·옥션 재고 수정({product.code})"
        )

    async def set_stock(self, code: str, link: ProductLink, stocks: Mapping[str, int]) -> None:
        """Set the stock of the options named (our option numbers -> quantity, 0 = sold out) of the listing
        ``link.product_no`` on every site it sells on; every other option keeps what ESM holds. No product look-up:
        the master goodsNo and the sites are the link's. Held (Blocked) within ~3 minutes of a registration ([E 21]).

        The options are read first, [E 26] ``GET /item/v1/goods/{goodsNo}/recommended-options`` (type 0 = none):

        * With options (type 1–3, 옵션재고관리), [E 26] ``PUT …/recommended-options`` sends every row back as read, only
          the named rows changed: qty per site of the listing, ``isSoldOut`` (and ``isSoldOutSite``) at 0 — a
          sold-out row goes with qty 1, as [E 26] takes 1–99,999 ("옵션 재고수량으로 제어하지 않음": the flag, not
          the number, sells it out) ([S] ``update_existing_freetext_stock`` reads, changes qty/품절 and PUTs the
          same way). When no row would be left selling, ESM refuses the PUT ([E 26] 3000 "모든 옵션이 품절인
          상태로 등록이 불가합니다"): the options are not sent and the sale is stopped instead ([E 21] isSell false
          on every site; [S] "전 옵션 품절 — 옵션 PUT 생략(판매상태 중지로 처리)"). The stock job's own pause that
          follows finds it stopped and sends nothing more; the named rows keep their last quantities while stopped.
        * Without options, [E 194] ``PUT …/stock`` ``{"stock": {"gmkt", "iac"}}`` takes 1–99,999 only: a 0 is not
          sent at all (the stock job stops the listing, ``pause``, when every option is at 0).

        Quantities above 99,999 go as 99,999. A named option ESM does not list (no row with its manageCode: options
        changed in ESM+) gets a refusal after the others were sent (❓ docs/protocols/esm.md "Our readings")."""
        goods_no, sites = link.product_no, self._link_sites(link)
        self._settled(goods_no, "재고")
        wanted = {ours: min(max(int(n), 0), MAX_STOCK) for ours, n in stocks.items()}
        if not wanted:
            return
        current = await self._read_options(goods_no, code)
        kind = int(text(pick(current, "type")))
        if kind == 0:
            await self._plain_stock(code, goods_no, sites, wanted)
            return
        body, missing = self._restocked(goods_no, kind, current, link, sites, wanted)
        if len(missing) < len(wanted):
            if any(_flag(pick(row, "isDisplay")) and not _flag(pick(row, "isSoldOut")) for row in _rows(body)):
                await self._checked(
                    Call("PUT", f"/item/v1/goods/{goods_no}/recommended-options", json=body),
                    f"G마켓·옥션 옵션 재고 수정({code})",
                )
            else:
                await self._set_selling(goods_no, sites, False, code)
        if missing:
            raise Rejected(
                MARKET,
                f"G마켓·옥션 상품 {goods_no}에 옵션 관리코드 {', '.join(sorted(missing))}인 옵션이 없습니다(ESM+에서 옵션을 "
                "바꾼 것 같습니다). 상품을 다시 보내(상품 수정) 옵션을 맞춘 뒤 다시 실행하세요.",
            )

    async def _read_options(self, goods_no: str, code: str) -> dict[str, Any]:
        """[E 26] ``GET /item/v1/goods/{goodsNo}/recommended-options``: the options as ESM holds them (its 조회 sample:
        ``{type, isStockManage, inputType, independent, independents, combination, text, calculation}``)."""
        answer = await self._checked(
            Call("GET", f"/item/v1/goods/{goods_no}/recommended-options"), f"G마켓·옥션 옵션 조회({code})"
        )
        kind = text(pick(answer, "type"))
        if not isinstance(answer, dict) or not kind.isdigit():  # never guess "no options" from an odd answer
            raise Unavailable(
                MARKET,
                f"G마켓·옥션 상품 {goods_no}의 옵션을 읽지 못했습니다(옵션 형식 {kind or '없음'}). 잠시 뒤 다시 실행하세요.",
            )
        return copy.deepcopy(answer)

    async def _plain_stock(self, code: str, goods_no: str, sites: Sequence[Site], wanted: Mapping[str, int]) -> None:
        """A goods without options: [E 194] ``PUT /item/v1/goods/{goodsNo}/stock`` ``{"stock": {site key: n}}``
        (1–99,999; a 0 sends nothing: see ``set_stock``). Our only option number is ``option_no(code, 0)``."""
        ours = option_no(code, 0)
        others = sorted(set(wanted) - {ours})
        if others:
            raise Rejected(
                MARKET,
                f"G마켓·옥션 상품 {goods_no}은(는) 옵션이 없는 상품인데 옵션 {', '.join(others)}의 재고가 왔습니다. 상품을 "
                "다시 보내(상품 수정) 옵션을 맞춘 뒤 다시 실행하세요.",
            )
        qty = wanted.get(ours, 0)
        if qty <= 0:  # [E 194] "1 ~ 99,999 내 입력 가능": the stock job stops the sale instead
            return
        await self._checked(
            Call("PUT", f"/item/v1/goods/{goods_no}/stock", json={"stock": {s.key: qty for s in sites}}),
            f"G마켓·옥션 재고 수정({code})",
        )

    def _restocked(
        self,
        goods_no: str,
        kind: int,
        current: dict[str, Any],
        link: ProductLink,
        sites: Sequence[Site],
        wanted: Mapping[str, int],
    ) -> tuple[dict[str, Any], set[str]]:
        """The [E 26] PUT body: the options as read (null fields left out: the guide's samples leave them out) with
        the named rows' qty and 품절 changed; and the named options no row carries. A row of ours is found by its
        ``manageCode`` (we send our option number there; ``link.option_nos`` maps ours to it when it records one).
        A row left as it is whose qty on a site of the listing reads below 1 (ESM shows a sold-out row with 0,
        [E 26] 조회 sample) goes back with qty 1 and sold out (❓: the PUT takes 1–99,999 and must not make it
        sellable)."""
        if kind not in OPTION_TYPES:
            raise Rejected(
                MARKET,
                f"G마켓·옥션 상품 {goods_no}의 옵션은 ESM+에서 바꾼 형식(텍스트형·계산형, type {kind})이라 옵션 재고를 보낼 수 "
                "없습니다. 상품을 다시 보내(상품 수정) 선택형·조합형 옵션으로 맞춘 뒤 다시 실행하세요.",
            )
        if not _flag(pick(current, "isStockManage")):
            raise Rejected(
                MARKET,
                f"G마켓·옥션 상품 {goods_no}은(는) 옵션재고관리가 꺼져 있어 옵션별 재고를 보낼 수 없습니다. ESM+에서 "
                "옵션재고관리를 켜거나 상품을 다시 보낸(상품 수정) 뒤 다시 실행하세요.",
            )
        theirs = {mine: their for mine, their in link.option_nos.items() if their}
        by_code = {their: mine for mine, their in theirs.items()}
        per_site = text(pick(current, "inputType")) == "1"  # [E 26] inputType 1 : 사이트별
        body = self._sent_back(current, kind, True)
        found: set[str] = set()
        for row in _rows(body):
            manage = text(pick(row, "manageCode"))
            ours = by_code.get(manage, manage if not theirs else "")
            qty = _entry(row, "qty")
            if ours in wanted:
                found.add(ours)
                n = wanted[ours]
                for site in sites:
                    _put(qty, site.key, n if n > 0 else SOLD_OUT_QTY)
                _put(row, "isSoldOut", n <= 0)
                if isinstance(sold := pick(row, "isSoldOutSite"), dict):
                    for site in sites:
                        _put(sold, site.key, n <= 0)
                continue
            self._keep_sold_out(row, sites, per_site)
        return body, set(wanted) - found

    @staticmethod
    def _sent_back(current: Mapping[str, Any], kind: int, manage: bool) -> dict[str, Any]:
        """An [E 26] PUT body of the options as read: type, isStockManage, inputType and the row blocks, null fields
        left out (the guide's samples leave them out)."""
        body: dict[str, Any] = {"type": kind, "isStockManage": manage}
        if pick(current, "inputType") is not None:
            body["inputType"] = pick(current, "inputType")
        for name in OPTION_BLOCKS:
            block = pick(current, name)
            if block:
                body[name] = copy.deepcopy(block)
        sent_back: dict[str, Any] = _no_nulls(body)
        return sent_back

    @staticmethod
    def _keep_sold_out(row: dict[str, Any], sites: Sequence[Site], per_site: bool) -> None:
        """A row left as it is whose qty on a site of the listing reads below 1 (ESM shows a sold-out row with 0,
        [E 26] 조회 sample) goes back with qty 1 and sold out (❓: the PUT takes 1–99,999 and must not make it
        sellable): on that site with inputType 1, the whole row otherwise."""
        qty = _entry(row, "qty")
        empty = [s for s in sites if _count(pick(qty, s.key)) < 1]
        for site in empty:
            _put(qty, site.key, SOLD_OUT_QTY)
            if per_site:
                _put(_entry(row, "isSoldOutSite"), site.key, True)
        if empty and (not per_site or len(empty) == len(sites)):
            _put(row, "isSoldOut", True)

    async def shown(self, code: str, link: ProductLink) -> Shown:
        """What ESM shows of the listing: [E 21] ``GET /item/v1/goods/{goodsNo}/sell-status`` (``IsSell``, ``Price``,
        ``Stock`` and the period's end day per site) and [E 26] ``GET …/recommended-options`` (qty and 품절 per option
        row, mapped back to our option numbers by ``manageCode``).

        ``on_sale``: some site of the listing has isSell true and a period not ended ("기간 만료시 판매중지"), and
        something is left to sell there (stock above 0; with options a row shown and not sold out). A stock per
        option is read on the sites selling (every site of the listing when none is): a row sold out there shows
        0, and where the sites differ the larger is shown, so sold out is shown only when it is sold out on every
        such site (❓ docs/protocols/esm.md "Our readings"). Without options our one option number
        (``option_no(code, 0)``) shows the 본품 stock.

        ``price``: the ``Price`` every site of the listing shows (selling or not); None when they differ — a site
        stopped keeps its old price ([E 186] "판매중지 상품은 가격 수정되지 않습니다"), so a new price is shown only
        once every site has it (❓ docs/protocols/esm.md "Our readings") — or when the read carries none."""
        goods_no, sites = link.product_no, self._link_sites(link)
        status = await self._checked(
            Call("GET", f"/item/v1/goods/{goods_no}/sell-status"), f"G마켓·옥션 판매상태 조회({code})"
        )
        options = await self._read_options(goods_no, code)
        basic = pick(status, "itemBasicInfo")
        live = self._live(status, sites)
        read = live or list(sites)
        prices = {won(shown) for s in sites if text(shown := pick(pick(basic, "Price"), s.key))}
        price = next(iter(prices)) if len(prices) == 1 else None
        if int(text(pick(options, "type"))) == 0:
            stock = max((_count(pick(pick(basic, "Stock"), s.key)) for s in read), default=0)
            return Shown(on_sale=bool(live) and stock > 0, stocks={option_no(code, 0): stock}, price=price)
        theirs = {their: mine for mine, their in link.option_nos.items() if their}
        per_site = text(pick(options, "inputType")) == "1"
        stocks: dict[str, int] = {}
        left = False
        for row in _rows(options):
            manage = text(pick(row, "manageCode"))
            ours = theirs.get(manage, manage if not theirs else "")

            def on_site(site: Site, row: Mapping[str, Any] = row) -> int:
                sold = pick(pick(row, "isSoldOutSite"), site.key) if per_site else None
                if _flag(pick(row, "isSoldOut") if sold is None else sold):
                    return 0
                return _count(pick(pick(row, "qty"), site.key))

            shown = max((on_site(s) for s in read), default=0)
            left = left or (shown > 0 and _flag(pick(row, "isDisplay")))
            if ours:
                stocks[ours] = max(stocks.get(ours, 0), shown)
        return Shown(on_sale=bool(live) and left, stocks=stocks, price=price)

    def _live(self, status: Any, sites: Sequence[Site]) -> list[Site]:
        """The sites of ``sites`` that sell, by an [E 21] sell-status read: ``IsSell`` true and the period's end day
        (``SellingPeriod`` YYYYMMDD, "조회(GET) 시 판매종료일 조회") not past ("기간 만료시 판매중지")."""
        today = int(dt.datetime.fromtimestamp(self.wall(), KST).strftime("%Y%m%d"))
        basic = pick(status, "itemBasicInfo")

        def selling(site: Site) -> bool:
            end = text(pick(pick(basic, "SellingPeriod"), site.key))
            ended = end.isdigit() and len(end) == 8 and int(end) < today
            return _flag(pick(pick(status, "IsSell"), site.key)) and not ended

        return [s for s in sites if selling(s)]

    async def set_price(self, code: str, link: ProductLink, price: int, extras: Mapping[str, int]) -> None:
        """Set the selling price of the listing ``link.product_no`` to ``price`` on every site it sells on, each
        option keeping ``extras[our option number]`` (0 when not named) as its 추가금. Held (Blocked) within ~3
        minutes of a registration ([E 21]).

        The call is [E 186] ``PUT /item/v1/goods/{goodsNo}/price`` ``{"gmkt", "iac"}`` (가격 수정 API: "상품 가격만
        수정하는 API"; each site optional, 10원 단위, 십억 미만): nothing but the price is sent, where [E 21]'s
        sell-status PUT would resend stock and isSell as read. Before it, [E 21] ``GET …/sell-status`` (the price
        and sale state per site) and [E 26] ``GET …/recommended-options`` (the rows' addAmnt):

        * [E 186] "상품 판매상태가 판매중인 경우만 수정 되고 판매중지 상품은 가격 수정되지 않습니다": the price goes to
          the sites selling (isSell true, period not ended) whose price differs. No site selling: Blocked, nothing
          sent (the stock job resumes the listing first). Some site stopped: the others are sent, then a refusal
          names the stopped site (its price is asked again once it sells; ``shown`` shows no price meanwhile).
        * ESM keeps an option's 추가금 apart from the price ([E 26] addAmnt, an amount in won), so the options are
          sent only when a row of ours shows another amount than ``extras``: [E 26] ``PUT …/recommended-options``
          with every row as read, only addAmnt (and addAmntSite on the listing's sites) changed — as ``set_stock``
          sends them back (a sold-out row read with qty 0 goes with qty 1, still sold out).
        * Every row's 추가금 must lie in the band of the price it sells at ([E 26]/[E 34]: 2천원 미만 0~100 %, 1만원 미만
          −50~100 %, 1만원 이상 −50~50 %), checked here before anything is sent. When both the price and a row
          change, the price goes first if the rows as they are fit the new price, else the options go first if the
          new amounts fit the old price, else nothing is sent (❓ docs/protocols/esm.md "Our readings": the guide
          does not say whether [E 186] checks the options' bands; a full 상품 수정 sends both at once).

        A named option ESM does not list (no row with its manageCode) gets a refusal after the rest was sent, as
        in ``set_stock``; a product without options takes no 추가금 (a non-zero extra is refused before sending)."""
        goods_no, sites = link.product_no, self._link_sites(link)
        # [E 186] "10원단위로 등록", "십억이상 입력 불가"; [E 20] "10원 이상"
        if price % 10 or not 10 <= price < MAX_PRICE:
            raise Rejected(
                MARKET,
                f"G마켓·옥션 판매가는 10원 단위, 10원 이상 10억 원 미만이어야 합니다(지금 {price:,}원). 재고 관리 파일의 "
                "판매가를 고친 뒤 다시 실행하세요.",
            )
        self._settled(goods_no, "가격")
        status = await self._checked(
            Call("GET", f"/item/v1/goods/{goods_no}/sell-status"), f"G마켓·옥션 판매상태 조회({code})"
        )
        current = await self._read_options(goods_no, code)
        live = self._live(status, sites)
        if not live:
            raise Blocked(
                MARKET,
                f"G마켓·옥션 상품 {goods_no}은(는) 판매중지 상태라 가격을 바꿀 수 없습니다(ESM은 판매 중인 상품만 가격을 "
                "바꿉니다). 판매가 재개되면 다음 동기화 때 다시 보냅니다.",
            )
        read = pick(pick(status, "itemBasicInfo"), "Price")
        before = {s: won(pick(read, s.key)) for s in sites}
        after = {s: price if s in live else before[s] for s in sites}
        body, missing = self._repriced(goods_no, code, current, link, sites, extras)
        per_site = text(pick(current, "inputType")) == "1"
        final = _rows(body) if body is not None else _rows(current)
        if problems := self._off_band(final, after, sites, per_site, link):
            raise Rejected(
                MARKET,
                f"G마켓·옥션 상품 {goods_no}의 옵션 추가금이 판매가에 비해 허용 범위를 벗어납니다({'; '.join(problems)}). "
                "옵션 추가금이나 판매가를 고친 뒤 다시 실행하세요.",
            )
        changed = [s for s in live if before[s] != price]
        price_call = Call(
            "PUT", f"/item/v1/goods/{goods_no}/price", json={s.key: price for s in SITE_ORDER if s in changed}
        )
        options_call = Call("PUT", f"/item/v1/goods/{goods_no}/recommended-options", json=body)
        price_what, options_what = f"G마켓·옥션 가격 수정({code})", f"G마켓·옥션 옵션 추가금 수정({code})"
        if body is None:
            if changed:
                await self._checked(price_call, price_what)
        elif not changed:
            await self._checked(options_call, options_what)
        elif not self._off_band(_rows(current), after, sites, per_site, link):
            await self._checked(price_call, price_what)  # the options as they are fit the new price: price first
            await self._checked(options_call, options_what)
        elif not self._off_band(final, before, sites, per_site, link):
            await self._checked(options_call, options_what)  # the new amounts fit the old price: options first
            await self._checked(price_call, price_what)
        else:
            raise Rejected(
                MARKET,
                f"G마켓·옥션 상품 {goods_no}은(는) 판매가와 옵션 추가금을 함께 바꿔야 합니다(어느 쪽을 먼저 바꿔도 옵션 "
                "추가금이 판매가 기준 범위를 벗어납니다). 상품 대량등록(상품 수정)으로 판매가와 옵션을 함께 보내세요.",
            )
        problems = []
        if stopped := [s for s in sites if s not in live]:
            names = ", ".join(s.label for s in stopped)
            problems.append(
                f"G마켓·옥션 상품 {goods_no}의 {names}은(는) 판매중지 상태라 가격을 바꾸지 못했습니다(ESM은 판매 중인 "
                f"상품만 가격을 바꿉니다). {names} 판매가 재개되면 다음 동기화 때 다시 보냅니다."
            )
        if missing:
            problems.append(
                f"G마켓·옥션 상품 {goods_no}에 옵션 관리코드 {', '.join(sorted(missing))}인 옵션이 없습니다(ESM+에서 옵션을 "
                "바꾼 것 같습니다). 상품을 다시 보내(상품 수정) 옵션을 맞춘 뒤 다시 실행하세요."
            )
        if problems:
            raise Rejected(MARKET, " ".join(problems))

    def _repriced(
        self,
        goods_no: str,
        code: str,
        current: dict[str, Any],
        link: ProductLink,
        sites: Sequence[Site],
        extras: Mapping[str, int],
    ) -> tuple[dict[str, Any] | None, set[str]]:
        """The [E 26] PUT body that gives each row of ours its 추가금 (``extras``, 0 when not named), or None when
        every row of ours has it already; and the named options no row carries. A row is ours by its manageCode:
        through ``link.option_nos`` when it records the numbers, else a manageCode of the form ``<code>-NNN`` (our
        option number); any other row keeps its amount."""
        kind = int(text(pick(current, "type")))
        if kind == 0:
            if odd := sorted(o for o, n in extras.items() if n):
                raise Rejected(
                    MARKET,
                    f"G마켓·옥션 상품 {goods_no}은(는) 옵션이 없는 상품인데 옵션 {', '.join(odd)}의 추가금이 왔습니다. 상품을 "
                    "다시 보내(상품 수정) 옵션을 맞춘 뒤 다시 실행하세요.",
                )
            return None, set()
        by_code = {their: mine for mine, their in link.option_nos.items() if their}
        mine = re.compile(re.escape(code) + r"-\d{3}")
        per_site = text(pick(current, "inputType")) == "1"  # [E 26] inputType 1 : 사이트별
        manage = _flag(pick(current, "isStockManage"))
        body = self._sent_back(current, kind, manage)
        found: set[str] = set()
        changed = False
        for row in _rows(body):
            their = text(pick(row, "manageCode"))
            ours = by_code.get(their, "") if by_code else (their if mine.fullmatch(their) else "")
            if ours:
                found.add(ours)
                target = int(extras.get(ours, 0))
                if any(_amount(row, s, per_site) != target for s in sites):
                    changed = True
                    _put(row, "addAmnt", target)
                    if isinstance(own := pick(row, "addAmntSite"), dict):
                        for site in sites:
                            _put(own, site.key, target)
            if manage:
                self._keep_sold_out(row, sites, per_site)
        missing = set(extras) - found
        if not changed:
            return None, missing
        if kind not in OPTION_TYPES:
            raise Rejected(
                MARKET,
                f"G마켓·옥션 상품 {goods_no}의 옵션은 ESM+에서 바꾼 형식(텍스트형·계산형, type {kind})이라 옵션 추가금을 보낼 "
                "수 없습니다. 상품을 다시 보내(상품 수정) 선택형·조합형 옵션으로 맞춘 뒤 다시 실행하세요.",
            )
        return body, missing

    @staticmethod
    def _off_band(
        rows: Sequence[Mapping[str, Any]],
        prices: Mapping[Site, int],
        sites: Sequence[Site],
        per_site: bool,
        link: ProductLink,
    ) -> list[str]:
        """The rows whose 추가금 lies outside the band of the price of a site of the listing ([E 26]/[E 34]), in
        Korean ("옵션 X: 판매가 p원 기준 low원~high원, 지금 n원")."""
        names = {their: mine for mine, their in link.option_nos.items() if their}
        out = []
        for row in rows:
            for site in (s for s in sites if prices[s] > 0):  # a price the read did not give has no band to check
                amount, (low, high) = _amount(row, site, per_site), _band(prices[site])
                if not low <= amount <= high:
                    their = text(pick(row, "manageCode"))
                    out.append(
                        f"옵션 {names.get(their, their) or '(관리코드 없음)'}: {site.label} 판매가 {prices[site]:,}원 기준 "
                        f"{low:,}원~{high:,}원, 지금 {amount:,}원"
                    )
                    break
        return out

    async def _sell(self, code: str, on: bool) -> None:
        goods_no, sites = await self._goods(code, "판매상태")
        await self._set_selling(goods_no, sites, on, code)

    async def _set_selling(self, goods_no: str, sites: Sequence[Site], on: bool, code: str) -> None:
        """[E 21] ``PUT /item/v1/goods/{goodsNo}/sell-status``: isSell, price, stock and sellingPeriod are all
        required, so the current price and stock are read first (``GET …/sell-status``) and sent back unchanged,
        sellingPeriod 0 ("0으로 입력하면 기존 판매기간 유지"). A stop of a listing the read shows stopped on every
        site already sends nothing more (the stock job may stop what ``set_stock`` stopped)."""
        now = await self._checked(
            Call("GET", f"/item/v1/goods/{goods_no}/sell-status"), f"G마켓·옥션 판매상태 조회({code})"
        )
        if not on and not any(_flag(pick(pick(now, "IsSell"), s.key)) for s in sites):
            return
        basic = pick(now, "itemBasicInfo")
        prices, stocks = pick(basic, "Price"), pick(basic, "Stock")
        price: dict[str, int] = {}
        stock: dict[str, int] = {}
        for site in sites:
            p, s = int(float(text(pick(prices, site.key)) or 0)), int(float(text(pick(stocks, site.key)) or 0))
            if on and (p <= 0 or s <= 0):  # a stop may carry 0s ([E 21]'s own 수정 sample stops 옥션 so)
                raise Rejected(
                    MARKET,
                    f"G마켓·옥션 상품 {goods_no}의 {site.label} 재고(또는 가격)가 0이라 판매재개할 수 없습니다. 재고를 먼저 "
                    "넣은 뒤(재고 변경) 판매재개하세요.",
                )
            price[site.key], stock[site.key] = p, s
        body = {
            "isSell": {s.key: on for s in sites},
            "itemBasicInfo": {"price": price, "stock": stock, "sellingPeriod": {s.key: KEEP_PERIOD for s in sites}},
        }
        await self._checked(
            Call("PUT", f"/item/v1/goods/{goods_no}/sell-status", json=body),
            f"G마켓·옥션 {'판매재개' if on else '판매중지'}({code})",
        )

    async def pause(self, code: str) -> None:
        """판매중지 on every site of the product (isSell false). [E 21]: "판매중지 상태로 1개월 유지하면 상품삭제"."""
        await self._sell(code, False)

    async def resume(self, code: str) -> None:
        """판매재개 on every site of the product (isSell true)."""
        await self._sell(code, True)

    async def delivery_templates(self) -> list[DeliveryTemplate]:
        """ESM keeps 묶음배송비 정책 per 출하지 ([E 18] ``GET /item/v1/shipping/places/{placeNo}/policies``), not per
        account: there is no account-wide list to show (check_templates checks the one a row names)."""
        return []

    async def check_templates(self, sales: SalesInfo) -> str | None:
        """The 묶음배송비 정책 a row names must be one of its 출하지's ([E 18] ``GET
        /item/v1/shipping/places/{placeNo}/policies`` → ``policies[{policyNo}]``)."""
        place, bundle = _digits(sales.get("ship_place")), _digits(sales.get("bundle_fee_template"))
        if not (place.isdigit() and bundle):
            return None
        answer = await self._checked(
            Call("GET", f"/item/v1/shipping/places/{place}/policies"), "G마켓·옥션 묶음배송비 정책 조회"
        )
        numbers = {text(pick(p, "policyNo")) for p in pick(answer, "policies") or [] if isinstance(p, Mapping)}
        if bundle not in numbers:
            return (
                f"G마켓·옥션 출하지 {place}에 묶음배송비 정책 {bundle}번이 없습니다. 판매정보의 출하지번호와 "
                "묶음배송비 정책번호를 확인하세요."
            )
        return None
