"""Naver Commerce API (스마트스토어, marketplaces.md §3): token, gateway errors and rate headers, products.

Only what differs from other marketplaces lives here: the bcrypt-signed token (naver_auth), the gateway's
``GNCP-GW-RateLimit-*`` headers (every answer retunes the client's pacing), the error bodies, image upload (Naver
shows only images uploaded to it: local files and the seller's https images are uploaded first) and the product
body. Orders and inquiries are in ``naver_orders``, claims in ``naver_claims``. Retries, pacing and the breaker are base.py's.
"""

from __future__ import annotations

import asyncio
import mimetypes
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import httpx

from batch.config import Account
from batch.errors import WorkspaceError
from batch.marketplaces.base import (
    AuthFailed,
    Call,
    MarketClient,
    MarketError,
    RateLimited,
    Rejected,
    Unavailable,
    json_object,
    retry_after_seconds,
)
from batch.marketplaces.naver_auth import AUTHN_CODE, TokenCache, token_form
from batch.marketplaces.naver_claims import NaverClaims
from batch.marketplaces.naver_orders import ANSWER_LIMIT, MARKET
from batch.marketplaces.types import DeliveryTemplate, Shown, option_no
from batch.models import Product, ProductLink, SalesInfo
from batch.trade.couriers import find_courier

TOKEN_PATH = "/v1/oauth2/token"  # under the base URL .../external
CDN = "https://shop-phinf.pstatic.net/"  # where Naver keeps uploaded images
UPLOAD_LIMIT = 10  # imageFiles per upload call
MAX_NAME = 100
MAX_IMAGES = 10  # the representative image and 9 optional ones
MAX_OPTION_GROUPS = 3
MAX_TAGS = 10
FEE_TYPES = {"무료": "FREE", "유료": "PAID", "조건부무료": "CONDITIONAL_FREE"}
TAX_TYPES = {"과세": "TAX", "면세": "DUTYFREE", "영세": "SMALL"}  # ❓ our reading of the workbook's 부가세 values
DOMESTIC = frozenset({"국산", "국내산", "대한민국", "한국"})
SEE_DETAIL = "상품상세 참조"
RATE = "GNCP-GW-RateLimit-Replenish-Rate"
BURST = "GNCP-GW-RateLimit-Burst-Capacity"
REMAINING = "GNCP-GW-RateLimit-Remaining"
TRACE = "GNCP-GW-Trace-ID"
CLOCK_TOLERANCE = 60.0  # seconds of disagreement with the server's Date before we sign with its time
# stockQuantity "최대 99999999" (apicenter update-options-product; 2.0.0-RC ExternalApiProductSaleStatusUpdateRequestVo)
MAX_STOCK = 99_999_999
# salePrice and an option combination's price: "최대 999999990" (2.0.0-RC ExternalApiOriginProductVo, …OptionCombinationVo)
MAX_PRICE = 999_999_990
# the sale states change-status takes: "SALE(판매 중), OUTOFSTOCK(품절), SUSPENSION(판매 중지)" (2.0.0-RC
# ExternalApiProductSaleStatusUpdateRequestVo); a product in any other state (WAIT, CLOSE, PROHIBITION …) is not ours to
# change, and its Korean words name it for staff
STATUS_WORDS = {
    "WAIT": "판매 대기",
    "SALE": "판매 중",
    "OUTOFSTOCK": "품절",
    "UNADMISSION": "승인 대기",
    "REJECTION": "승인 거부",
    "SUSPENSION": "판매 중지",
    "CLOSE": "판매 종료",
    "PROHIBITION": "판매 금지",
    "DELETE": "삭제",
}


@dataclass(frozen=True)
class NaverCredentials:
    client_id: str
    client_secret: str = field(repr=False)  # a bcrypt salt; never printed
    token_type: str = "SELF"  # SELF (own store) or SELLER (with account_id)
    account_id: str = ""


def _header(response: httpx.Response, name: str) -> float | None:
    try:
        return float(response.headers[name])
    except (KeyError, ValueError):
        return None


def _int(value: str | None) -> int:
    text = (value or "").replace(",", "").strip()
    return int(text) if text.isdigit() else 0


def _count(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _combinations(body: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The option combinations of a product read (``originProduct.detailAttribute.optionInfo``)."""
    origin = body.get("originProduct") or {}
    combos = ((origin.get("detailAttribute") or {}).get("optionInfo") or {}).get("optionCombinations") or []
    return [c for c in combos if isinstance(c, dict) and c.get("id") is not None]


def _named(
    number: str, link: ProductLink, combos: list[dict[str, Any]], wanted: Mapping[str, int]
) -> dict[str, dict[str, Any]]:
    """The product's combinations by our option number; Rejected when one of ``wanted`` is not among them."""
    found = _ours(link, combos)
    missing = [ours for ours in wanted if ours not in found]
    if missing:
        raise Rejected(
            MARKET,
            f"스마트스토어 상품 {number}에 옵션 {', '.join(missing)}이(가) 없습니다. "
            "상품을 다시 보내(상품 수정) 옵션을 연동하세요.",
        )
    return found


def _ours(link: ProductLink, combos: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Our option number -> its combination: the id the link recorded when the product was sent, else the
    ``sellerManagerCode`` (our option number, sent with the product) Naver echoes."""
    by_id = {str(combo["id"]): combo for combo in combos}
    out = {ours: by_id[number] for ours, number in link.option_nos.items() if number in by_id}
    taken = {id(combo) for combo in out.values()}
    for combo in combos:
        code = str(combo.get("sellerManagerCode") or "")
        if code and code not in out and id(combo) not in taken:
            out[code] = combo
    return out


class Naver(NaverClaims):
    """One Naver Commerce application and store."""

    market = MARKET
    answer_limit = ANSWER_LIMIT
    sandbox_path = "/external"

    @staticmethod
    def credentials_for(account: Account) -> NaverCredentials:
        """client_id from batch.toml, the secret (a bcrypt salt) from the environment; token type SELF or SELLER."""
        client_id = account.text("client_id")
        if not client_id:
            raise WorkspaceError(
                f"스마트스토어/{account.name} 계정에 client_id(애플리케이션 ID)가 없습니다. batch.toml에 적어 주세요."
            )
        token_type = account.text("token_type", "SELF").upper()
        account_id = account.text("account_id")
        if token_type not in ("SELF", "SELLER") or (token_type == "SELLER" and not account_id):
            raise WorkspaceError(
                f"스마트스토어/{account.name} 계정의 token_type은 SELF 또는 SELLER(account_id 필요)여야 합니다. batch.toml을 고치세요."
            )
        return NaverCredentials(client_id, account.required_secret("client_secret"), token_type, account_id)

    def __init__(self, client: MarketClient, credentials: NaverCredentials) -> None:
        self.client = client
        self.credentials = credentials
        self.images_dir: Path | None = None
        self.wall: Callable[[], float] = time.time  # Unix time for the token's timestamp and dispatch dates
        self._skew = 0.0  # seconds the server's clock is ahead of ``wall`` (see _adopt_server_time)
        self.tokens = TokenCache()
        self._token_lock = asyncio.Lock()

    # --- auth ------------------------------------------------------------------------------------------

    def now(self) -> float:
        """Unix time as Naver counts it: our wall clock, corrected by the server's ``Date`` when they disagree."""
        return self.wall() + self._skew

    async def _token_request(self) -> httpx.Response:
        c = self.credentials
        form = token_form(c.client_id, c.client_secret, self.now())
        if c.token_type == "SELLER":
            form.update(type="SELLER", account_id=c.account_id)
        try:
            response = await self.client.http.post(TOKEN_PATH, data=form, timeout=self.client.settings.timeout)
        except httpx.HTTPError as exc:
            raise Unavailable(MARKET, f"스마트스토어 토큰 발급 요청이 실패했습니다 ({type(exc).__name__})") from exc
        self._follow(response)
        return response

    def _adopt_server_time(self, response: httpx.Response) -> bool:
        """True when the answer's ``Date`` shows our clock is off by more than a minute (then corrected).

        The signed timestamp is valid for 5 minutes only (§3.1): a shop PC whose clock drifted would never get a
        token. The server's Date header gives the time to sign with instead.
        """
        try:
            server = parsedate_to_datetime(response.headers["Date"]).timestamp()
        except (KeyError, TypeError, ValueError):
            return False
        off = server - self.wall()
        if abs(off - self._skew) <= CLOCK_TOLERANCE:
            return False
        self._skew = off
        return True

    async def _fetch_token(self) -> None:
        response = await self._token_request()
        if response.status_code == 403 and self._adopt_server_time(response):
            response = await self._token_request()  # signed again with the server's time
        if response.status_code in (400, 401, 403):
            raise AuthFailed(
                MARKET,
                "스마트스토어 커머스API 인증에 실패했습니다. batch.toml의 client_id와 환경 변수의 client_secret, "
                "커머스API센터에 등록한 IP를 확인하세요.",
                status=response.status_code,
                code=str(json_object(response).get("code") or "") or None,
                request_id=response.headers.get(TRACE),
            )
        if response.status_code >= 400:
            raise self._error(response)
        self.tokens.store(response.json(), self.client.clock.monotonic())

    async def _auth(self) -> Mapping[str, str]:
        async with self._token_lock:
            if self.tokens.needs_renewal(self.client.clock.monotonic()):
                await self.client.retrying(self._fetch_token)
            return {"Authorization": f"Bearer {self.tokens.access_token}"}

    async def _renew_on(self, response: httpx.Response) -> bool:
        """A 401 GW.AUTHN: drop the token and try once more with a new one (naver_auth.TokenCache)."""
        self._follow(response)
        async with self._token_lock:
            return self.tokens.on_unauthorized(response.status_code, json_object(response).get("code"))

    async def vendor_id(self) -> str:
        """A token proves the credentials; the store is the application (SELF) or the seller account (SELLER)."""
        await self._auth()
        return self.credentials.account_id or self.credentials.client_id

    # --- the wire ----------------------------------------------------------------------------------------

    def _follow(self, response: httpx.Response) -> None:
        """Pace each API by the gateway's rate headers (§3.2: a token bucket per API per application), on every
        answer that has them."""
        rate = _header(response, RATE)
        if rate is not None:
            self.client.follow(rate, _header(response, BURST), _header(response, REMAINING), request=response.request)

    def _error(self, response: httpx.Response) -> MarketError:
        self._follow(response)
        body = json_object(response)
        code = str(body.get("code") or "") or None
        message = str(body.get("message") or response.reason_phrase or "")
        kw: dict[str, Any] = {"status": response.status_code, "code": code, "request_id": response.headers.get(TRACE)}
        status = response.status_code
        if status == 429 or code == "GW.RATE_LIMIT":
            wait = retry_after_seconds(response)
            rate = _header(response, RATE)
            if wait is None and rate:
                wait = 1 / rate  # ❓ Naver sends no Retry-After: one token's time
            return RateLimited(
                MARKET, "스마트스토어 요청 한도를 넘었습니다. 잠시 뒤 다시 보냅니다.", retry_after=wait, **kw
            )
        if status == 401 or code == AUTHN_CODE:
            return AuthFailed(
                MARKET,
                "스마트스토어가 인증을 거절했습니다(GW.AUTHN). 커머스API센터에서 애플리케이션의 API 권한(상품·주문·문의)과 "
                "등록한 IP를 확인하세요.",
                **kw,
            )
        if status == 403:
            return AuthFailed(
                MARKET, f"스마트스토어가 권한이 없다고 답했습니다: {message}. 커머스API센터의 권한을 확인하세요.", **kw
            )
        if status >= 500:
            return Unavailable(MARKET, f"스마트스토어가 일시적으로 응답하지 않습니다: {message}", **kw)
        inputs = [
            f"{i.get('name')}: {i.get('message')}" for i in body.get("invalidInputs") or [] if isinstance(i, dict)
        ]
        detail = f" ({'; '.join(inputs)})" if inputs else ""
        return Rejected(MARKET, f"스마트스토어가 요청을 거절했습니다: {message}{detail}", **kw)

    async def _send(self, call: Call) -> httpx.Response:
        response = await self.client.send(call, auth=self._auth, on_auth_error=self._renew_on, to_error=self._error)
        self._follow(response)
        return response

    # --- product body -------------------------------------------------------------------------------------

    def payload(self, product: Product, sales: SalesInfo) -> dict[str, Any]:
        """The POST /v2/products body (§3.3); images as the workbook names them (uploaded ones replace them)."""
        return self._body(product, sales, list(product.images))

    def _body(
        self, product: Product, sales: SalesInfo, images: list[str], option_ids: Mapping[str, str] | None = None
    ) -> dict[str, Any]:
        courier = find_courier(sales.get("courier") or "")
        fee_type = FEE_TYPES.get(sales.get("delivery_fee_type") or "", "")
        fee: dict[str, Any] = {"deliveryFeeType": fee_type}
        if fee_type in ("PAID", "CONDITIONAL_FREE"):
            fee["baseFee"] = _int(sales.get("delivery_fee"))
        if fee_type == "CONDITIONAL_FREE":
            fee["freeConditionalAmount"] = _int(sales.get("free_over"))
        detail: dict[str, Any] = {
            "afterServiceInfo": {
                "afterServiceTelephoneNumber": sales.get("as_phone") or "",
                "afterServiceGuideContent": sales.get("as_guide") or SEE_DETAIL,
            },
            "originAreaInfo": self._origin(product.origin),
            "sellerCodeInfo": {"sellerManagementCode": product.code},
            "minorPurchasable": not product.adult,
            "taxType": TAX_TYPES.get(product.tax, "TAX"),
            "productInfoProvidedNotice": self._notice(product, sales),
            "naverShoppingSearchInfo": {
                k: v
                for k, v in (
                    ("manufacturerName", product.maker),
                    ("brandName", product.brand),
                    ("modelName", product.model),
                )
                if v
            },
            "seoInfo": {"sellerTags": [{"text": k} for k in product.keywords[:MAX_TAGS]]},
        }
        options = self._options(product, option_ids or {})
        if options is not None:
            detail["optionInfo"] = options
        return {
            "originProduct": {
                "statusType": "SALE" if product.on_sale else "SUSPENSION",
                "saleType": "NEW",
                "leafCategoryId": sales.get("market_category_no") or "",
                "name": product.name,
                "images": {
                    "representativeImage": {"url": images[0] if images else ""},
                    "optionalImages": [{"url": url} for url in images[1:]],
                },
                "detailContent": product.detail,
                "salePrice": product.price,
                "stockQuantity": sum(o.stock for o in product.options if o.on_sale),
                "deliveryInfo": {
                    "deliveryType": "DELIVERY",
                    "deliveryAttributeType": "NORMAL",
                    "deliveryCompany": (courier.codes.get("naver", "") if courier else ""),
                    "deliveryFee": fee,
                    "claimDeliveryInfo": {
                        "returnDeliveryFee": _int(sales.get("return_fee")),
                        "exchangeDeliveryFee": _int(sales.get("exchange_fee")),
                    },
                },
                "detailAttribute": detail,
            },
            "smartstoreChannelProduct": {"channelProductDisplayStatusType": "ON", "naverShoppingRegistration": True},
        }

    @staticmethod
    def _origin(origin: str) -> dict[str, Any]:
        """❓ originAreaCode: 00 국산; 03 상세설명에 표시 (none given); else 04 직접 입력 with the workbook's words.
        Naver's import codes (02…) need a country table and an importer, which the workbook does not carry."""
        text = origin.strip()
        if not text:
            return {"originAreaCode": "03"}
        if text in DOMESTIC:
            return {"originAreaCode": "00"}
        return {"originAreaCode": "04", "content": text}

    @staticmethod
    def _notice(product: Product, sales: SalesInfo) -> dict[str, Any]:
        """❓ 상품정보제공고시: Naver wants one typed object per category (WEAR, SHOES, … ETC) with fixed English
        fields. Our workbook's (field, value) pairs are sent as ETC (기타 재화): the fields it has are filled from
        the pairs and the product, the rest say "상품상세 참조" (the detail page carries the full table)."""
        pairs = dict(product.notices)

        def find(*words: str) -> str:
            return next((v for k, v in pairs.items() if any(w in k for w in words) and v), "")

        return {
            "productInfoProvidedNoticeType": "ETC",
            "etc": {
                "itemName": find("품명") or product.name,
                "modelName": find("모델") or product.model or SEE_DETAIL,
                "manufacturer": find("제조자", "제조사", "수입자") or product.maker or SEE_DETAIL,
                "customerServicePhoneNumber": find("전화번호", "A/S") or sales.get("as_phone") or SEE_DETAIL,
                "returnCostReason": SEE_DETAIL,
                "noRefundReason": SEE_DETAIL,
                "qualityAssuranceStandard": SEE_DETAIL,
                "compensationProcedure": SEE_DETAIL,
                "troubleShootingContents": SEE_DETAIL,
            },
        }

    @staticmethod
    def _options(product: Product, ids: Mapping[str, str]) -> dict[str, Any] | None:
        if not product.option_names or not any(o.values for o in product.options):
            return None
        combos = []
        for i, o in enumerate(product.options):
            ours = option_no(product.code, i)
            combo: dict[str, Any] = {f"optionName{n + 1}": v for n, v in enumerate(o.values[:MAX_OPTION_GROUPS])}
            combo.update(stockQuantity=o.stock, price=o.extra_price, sellerManagerCode=ours, usable=o.on_sale)
            if ours in ids and ids[ours].isdigit():
                combo["id"] = int(ids[ours])
            combos.append(combo)
        names = {f"optionGroupName{n + 1}": v for n, v in enumerate(product.option_names[:MAX_OPTION_GROUPS])}
        return {
            "optionCombinationSortType": "CREATE",
            "optionCombinationGroupNames": names,
            "optionCombinations": combos,
            "useStockManagement": True,
        }

    def preflight(self, product: Product, sales: SalesInfo) -> list[str]:
        """What Naver will refuse that the workbook rules do not already catch (Korean, one line each)."""
        problems = []
        if len(product.name) > MAX_NAME:
            problems.append(f"스마트스토어 상품명은 {MAX_NAME}자까지입니다. 상품명을 줄이세요.")
        if not (sales.get("market_category_no") or "").isdigit():
            problems.append("판매정보의 마켓 카테고리 번호(스마트스토어 리프 카테고리 ID, 숫자)가 없습니다.")
        if not product.images:
            problems.append("스마트스토어는 대표 이미지가 필수입니다. 이미지 칸을 채우세요.")
        if len(product.images) > MAX_IMAGES:
            problems.append(f"스마트스토어 이미지는 대표 1장과 추가 9장, 모두 {MAX_IMAGES}장까지입니다.")
        for image in product.images:
            if "://" in image:
                if not image.startswith("https://"):
                    problems.append(f"이미지 주소는 https://로 시작해야 합니다: {image}")
            elif self.images_dir is None or not (self.images_dir / image).is_file():
                problems.append(f"이미지 파일을 찾을 수 없습니다: {image}. 이미지 폴더에 넣으세요.")
        if not (sales.get("as_phone") or "").strip():
            problems.append("판매정보의 A/S 전화번호가 없습니다. 스마트스토어는 A/S 전화번호가 필수입니다.")
        courier = find_courier(sales.get("courier") or "")
        if courier is None or "naver" not in courier.codes:
            problems.append(f"판매정보의 택배사 '{sales.get('courier') or ''}'는 스마트스토어에서 쓸 수 없습니다.")
        fee_type = FEE_TYPES.get(sales.get("delivery_fee_type") or "")
        if fee_type is None:
            problems.append("판매정보의 배송비 유형은 무료, 유료, 조건부무료 중 하나여야 합니다.")
        elif fee_type != "FREE" and _int(sales.get("delivery_fee")) <= 0:
            problems.append("유료·조건부무료 배송은 판매정보의 배송비가 0보다 커야 합니다.")
        elif fee_type == "CONDITIONAL_FREE" and _int(sales.get("free_over")) <= 0:
            problems.append("조건부무료 배송은 판매정보의 무료배송 기준금액이 필요합니다.")
        if not (sales.get("return_fee") or "").isdigit() or not (sales.get("exchange_fee") or "").isdigit():
            problems.append("판매정보의 반품배송비와 교환배송비를 숫자로 적으세요(스마트스토어 필수).")
        if len(product.option_names) > MAX_OPTION_GROUPS:
            problems.append(f"스마트스토어 옵션은 {MAX_OPTION_GROUPS}단계까지입니다.")
        return problems

    async def check_templates(self, sales: SalesInfo) -> str | None:
        """Naver has no delivery templates to check: the delivery settings travel in each product's body."""
        return None

    async def delivery_templates(self) -> list[DeliveryTemplate]:
        return []

    # --- product calls ---------------------------------------------------------------------------------------

    async def _upload(self, images: tuple[str, ...]) -> list[str]:
        """Every image as a URL on Naver's CDN: local files and other https addresses are uploaded (≤ 10 a call).

        Naver shows only images uploaded to it (§3.3), so an address on the seller's own host is fetched and its
        bytes uploaded; an address already on shop-phinf.pstatic.net is kept.
        """
        pending = [name for name in dict.fromkeys(images) if not name.startswith(CDN)]
        urls: dict[str, str] = {}
        for i in range(0, len(pending), UPLOAD_LIMIT):
            names = pending[i : i + UPLOAD_LIMIT]
            files = [("imageFiles", await self._image_file(name)) for name in names]
            response = await self._send(Call("POST", "/v1/product-images/upload", files=files))
            got = [str(item.get("url")) for item in json_object(response).get("images") or []]
            if len(got) != len(names):
                raise Unavailable(
                    MARKET, "스마트스토어가 올린 이미지의 주소를 모두 돌려주지 않았습니다. 다시 보내세요."
                )
            urls.update(zip(names, got, strict=True))
        return [urls.get(name, name) for name in images]

    async def _image_file(self, name: str) -> tuple[str, bytes, str]:
        """(file name, bytes, content type) of a local image in ``images_dir`` or of an https address."""
        if "://" not in name:
            path = (self.images_dir or Path(".")) / name
            if self.images_dir is None or not path.is_file():
                raise Rejected(MARKET, f"이미지 파일을 찾을 수 없습니다: {name}. 이미지 폴더에 넣으세요.")
            return Path(name).name, path.read_bytes(), mimetypes.guess_type(name)[0] or "image/jpeg"
        try:  # the seller's image host, not Naver: no token, no Naver pacing
            response = await self.client.http.get(name, timeout=self.client.settings.timeout)
        except httpx.HTTPError as exc:
            raise Unavailable(
                MARKET, f"이미지를 받아 오지 못했습니다: {name} ({type(exc).__name__}). 다시 보내세요."
            ) from exc
        kind = response.headers.get("content-type", "").split(";")[0].strip()
        if response.status_code != 200 or not kind.startswith("image/") or not response.content:
            raise Rejected(
                MARKET,
                f"이미지 주소에서 이미지를 받지 못했습니다: {name} (HTTP {response.status_code}). 주소를 확인하세요.",
            )
        filename = name.rstrip("/").rsplit("/", 1)[-1].split("?")[0] or "image.jpg"
        return filename, response.content, kind

    async def _read(self, origin_no: str) -> dict[str, Any]:
        """``GET /v2/products/origin-products/{originProductNo}``: ``{originProduct, smartstoreChannelProduct, …}``
        (2.0.0-RC ExternalApiGetOriginProductResponseVo)."""
        return json_object(await self._send(Call("GET", f"/v2/products/origin-products/{origin_no}")))

    async def _link(self, origin_no: str) -> ProductLink:
        """The origin product's number and its option combinations' ids by our option number."""
        combos = _combinations(await self._read(origin_no))
        return ProductLink(
            origin_no, {str(c["sellerManagerCode"]): str(c["id"]) for c in combos if c.get("sellerManagerCode")}
        )

    async def create_product(self, product: Product, sales: SalesInfo) -> ProductLink:
        """Images first, then POST /v2/products, then the option ids (GET). Never sent twice by itself."""
        body = self._body(product, sales, await self._upload(product.images))
        response = await self._send(Call("POST", "/v2/products", json=body, idempotent=False))
        number = json_object(response).get("originProductNo")
        if number is None:
            raise Unavailable(
                MARKET, "스마트스토어가 상품번호 없이 답했습니다.", status=response.status_code, outcome_unknown=True
            )
        try:
            return await self._link(str(number))
        except MarketError as exc:
            raise Unavailable(
                MARKET,
                f"상품은 등록됐지만(원상품번호 {number}) 옵션 번호를 읽지 못했습니다: {exc.message}",
                outcome_unknown=True,  # the runner looks it up by our code (find_product) instead of re-creating
            ) from exc

    async def update_product(self, product: Product, sales: SalesInfo, link: ProductLink) -> ProductLink:
        """A full update (PUT), keeping the option ids the link knows; a link without a number is looked up."""
        number = link.product_no or await self._require(product.code)
        body = self._body(product, sales, await self._upload(product.images), link.option_nos)
        await self._send(Call("PUT", f"/v2/products/origin-products/{number}", json=body))
        return await self._link(number)

    async def _origin_no(self, code: str) -> str | None:
        """◐ POST /v1/products/search filtered by our code (searchKeywordType SELLER_CODE, as public clients send it;
        no official page for the filter): docs/protocols/naver.md, product_search."""
        body = {"searchKeywordType": "SELLER_CODE", "sellerManagementCode": code, "page": 1, "size": 50}
        response = await self._send(Call("POST", "/v1/products/search", json=body))
        for content in json_object(response).get("contents") or []:
            for channel in content.get("channelProducts") or [{}]:
                if channel.get("sellerManagementCode", code) == code:
                    return str(content["originProductNo"])
        return None

    async def _require(self, code: str) -> str:
        number = await self._origin_no(code)
        if number is None:
            raise Rejected(MARKET, f"스마트스토어에 상품코드 {code}인 상품이 없습니다. 먼저 상품을 등록하세요.")
        return number

    async def find_product(self, code: str) -> ProductLink | None:
        number = await self._origin_no(code)
        return None if number is None else await self._link(number)

    async def update_stock(self, product: Product) -> None:
        """Stock only, never the whole product (fidelity review N12).

        With option combinations: ``PUT /v1/products/origin-products/{no}/option-stock`` with
        ``optionInfo.optionCombinations[{id, stockQuantity, price, usable}]`` (apicenter update-options-product:
        "상품 옵션의 재고, 가격, 할인가를 변경합니다"; ``id`` required, "옵션 ID 입력 시 기존 옵션 수정"). The product is
        read first for the combinations' ids: every combination Naver has is sent, with its price and ``usable`` as
        read and a new stock only where the workbook has one, so nothing but stock can change (❓ what Naver does
        with combinations left out or a price left out is not documented: docs/protocols/naver.md).
        Without options the endpoint does not apply ("옵션 설정 상품에 대해 수정이 가능합니다"): the product's stock
        goes through ``PUT …/change-status`` ``{statusType, stockQuantity}`` (commerce-api-naver/commerce-api
        docs/2.0.0-RC.js, ExternalApiProductSaleStatusUpdateRequestVo), keeping a paused product paused.
        """
        number = await self._require(product.code)
        current = await self._read(number)
        origin = current.get("originProduct") or {}
        combos = _combinations(current)
        stocks = {option_no(product.code, i): o.stock for i, o in enumerate(product.options)}
        if combos:
            body = {
                "optionInfo": {
                    "optionCombinations": [
                        {
                            "id": combo["id"],
                            "stockQuantity": stocks.get(
                                str(combo.get("sellerManagerCode")), combo.get("stockQuantity", 0)
                            ),
                            "price": combo.get("price", 0),
                            "usable": combo.get("usable", True),
                        }
                        for combo in combos
                    ],
                    "useStockManagement": True,
                }
            }
            await self._send(Call("PUT", f"/v1/products/origin-products/{number}/option-stock", json=body))
            return
        stock = sum(o.stock for o in product.options)
        paused = origin.get("statusType") == "SUSPENSION"
        status = "SUSPENSION" if paused else ("SALE" if stock > 0 else "OUTOFSTOCK")
        path = f"/v1/products/origin-products/{number}/change-status"
        await self._send(Call("PUT", path, json={"statusType": status, "stockQuantity": stock}))

    async def set_stock(self, code: str, link: ProductLink, stocks: Mapping[str, int]) -> None:
        """Set the stock of the options named (our option numbers -> quantity, 0 = sold out); every other option and
        everything but stock stay as Naver has them. Two calls: the product read, then one stock write.

        The read (``GET /v2/products/origin-products/{no}``, the link's number: no search) gives each named option's
        combination (by the link's id, else by the ``sellerManagerCode`` Naver echoes) with its ``price`` and
        ``usable``: a combination's price left out is "미입력 시 0원" (2.0.0-RC ExternalApiOptionCombinationVo), so
        both go back as read and only ``stockQuantity`` changes.

        With option combinations: ``PUT /v1/products/origin-products/{no}/option-stock`` with only the named
        combinations ``{id, stockQuantity, price, usable}`` (apicenter update-options-product: "옵션 설정 상품의
        옵션별 재고와 옵션가" change, "옵션 ID 입력 시 기존 옵션 수정"; option names and values change only through
        상품 수정). ❓ Combinations not sent keep what they have (docs/protocols/naver.md, "Our readings"): sending
        the others back as read would overwrite an order Naver took between the read and the write. A product whose
        combinations all reach 0 becomes OUTOFSTOCK at Naver; the stock job pauses it as well.

        Without options (our ``<code>-001`` alone): ``PUT …/change-status`` ``{statusType, stockQuantity}``
        (2.0.0-RC ExternalApiProductSaleStatusUpdateRequestVo), 0 as ``OUTOFSTOCK`` ("OUTOFSTOCK(품절)"), more as
        ``SALE``; a paused product (SUSPENSION) stays paused with its new stock (``resume`` is the job's call).
        """
        if not stocks:
            return
        for ours, quantity in stocks.items():
            if isinstance(quantity, bool) or not isinstance(quantity, int) or not 0 <= quantity <= MAX_STOCK:
                raise Rejected(
                    MARKET, f"스마트스토어 재고는 0~{MAX_STOCK:,}개입니다({ours}: {quantity}). 재고를 고치세요."
                )
        number = link.product_no or await self._require(code)
        body = await self._read(number)
        combos = _combinations(body)
        if combos:
            found = _named(number, link, combos, stocks)
            info = ((body.get("originProduct") or {}).get("detailAttribute") or {}).get("optionInfo") or {}
            payload = {
                "optionInfo": {
                    "optionCombinations": [
                        {
                            "id": found[ours]["id"],
                            "stockQuantity": quantity,
                            "price": found[ours].get("price", 0),
                            "usable": found[ours].get("usable", True),
                        }
                        for ours, quantity in stocks.items()
                    ],
                    "useStockManagement": info.get("useStockManagement", True),
                }
            }
            await self._send(Call("PUT", f"/v1/products/origin-products/{number}/option-stock", json=payload))
            return
        single = option_no(code, 0)
        if set(stocks) != {single}:
            raise Rejected(
                MARKET,
                f"스마트스토어 상품 {number}은(는) 옵션이 없는 상품입니다. 옵션 "
                f"{', '.join(o for o in stocks if o != single)}의 재고는 보낼 수 없습니다. 상품을 다시 보내세요.",
            )
        stock = stocks[single]
        current = str((body.get("originProduct") or {}).get("statusType") or "")
        if current == "SUSPENSION":
            status = "SUSPENSION"
        elif current in ("SALE", "OUTOFSTOCK"):
            status = "SALE" if stock > 0 else "OUTOFSTOCK"
        else:
            raise Rejected(
                MARKET,
                f"스마트스토어 상품 {number}은(는) '{STATUS_WORDS.get(current, current)}' 상태라 재고를 바꿀 수 "
                "없습니다. 스마트스토어센터에서 상품 상태를 확인하세요.",
            )
        path = f"/v1/products/origin-products/{number}/change-status"
        await self._send(Call("PUT", path, json={"statusType": status, "stockQuantity": stock}))

    async def shown(self, code: str, link: ProductLink) -> Shown:
        """What Naver shows of the listing: ``GET /v2/products/origin-products/{no}`` (2.0.0-RC
        ExternalApiGetOriginProductResponseVo), the link's number.

        ``on_sale``: the origin product is ``SALE`` and the smartstore channel product is displayed (``ON``);
        OUTOFSTOCK, SUSPENSION and every other state, or a display WAIT / SUSPENSION, are not on sale. ``stocks``:
        each combination's ``stockQuantity`` under our option number (the link's id, else its
        ``sellerManagerCode``), whether ``usable`` or not; a product without options shows its ``stockQuantity``
        under ``<code>-001``. Combinations that are not ours (added in 스마트스토어센터) are left out. ``price``: the
        origin product's ``salePrice`` (판매가, before Naver's discounts), from the same read.
        """
        number = link.product_no or await self._require(code)
        body = await self._read(number)
        origin = body.get("originProduct") or {}
        channel = body.get("smartstoreChannelProduct") or {}
        on_sale = origin.get("statusType") == "SALE" and channel.get("channelProductDisplayStatusType", "ON") == "ON"
        combos = _combinations(body)
        if combos:
            stocks = {ours: _count(combo.get("stockQuantity")) for ours, combo in _ours(link, combos).items()}
        else:
            stocks = {option_no(code, 0): _count(origin.get("stockQuantity"))}
        price = origin.get("salePrice")
        shown_price = price if isinstance(price, int) and not isinstance(price, bool) else None
        return Shown(on_sale=on_sale, stocks=stocks, price=shown_price)

    async def set_price(self, code: str, link: ProductLink, price: int, extras: Mapping[str, int]) -> None:
        """Set the origin product's ``salePrice`` to ``price``; each of our option combinations keeps the extra
        ``extras`` gives it (0 when not named) as its ``price`` ("옵션가"), so it sells at price + extra. Nothing but
        prices changes; at most two calls: the read, then one price write (none when Naver shows these prices).

        The read (``GET /v2/products/origin-products/{no}``, the link's number: no search) gives the current prices
        and each combination (by the link's id, else the ``sellerManagerCode`` Naver echoes).

        * An option's extra differs from what Naver shows: ``PUT /v1/products/origin-products/{no}/option-stock``
          (apicenter update-options-product: "상품 옵션의 재고, 가격, 할인가를 변경합니다"; ``productSalePrice
          {salePrice}`` beside ``optionInfo``), one call for the sale price and the combinations whose price changes:
          the sale price and the option prices are checked by Naver together (the option price range is a share of
          the sale price). Each such combination carries its ``stockQuantity`` and ``usable`` as just read, since a
          combination's stock left out is "미입력 시 0개" (2.0.0-RC ExternalApiOptionCombinationVo). ❓ The stock as read
          and the other combinations left out (docs/protocols/naver.md, "Our readings" 22).
        * Otherwise (the extras as Naver has them, or a product without options): ``PUT
          /v1/products/origin-products/bulk-update`` ``{originProductNos: [no], productBulkUpdateType: SALE_PRICE,
          productSalePrice: {value, productSalePriceChangerType: TO, productSalePriceChangerUnitType: WON}}``
          (apicenter bulk-update-origin-product-product; the body as production clients send it for an absolute
          price): the sale price alone, no stock is sent. ❓ Its 200 answer is taken as done (its ``data`` is not
          described); the stock job's ``shown`` read confirms the price ("Our readings" 23).

        Naver's own refusals (an option outside its range of the sale price, …) reach the caller as ``Rejected`` with
        Naver's words; a price outside 1~999,999,990원, an extra on a product without options or an option Naver
        does not have are refused here before any write.
        """
        if isinstance(price, bool) or not isinstance(price, int) or not 0 < price <= MAX_PRICE:
            raise Rejected(MARKET, f"스마트스토어 판매가는 1~{MAX_PRICE:,}원입니다({price}). 판매가를 고치세요.")
        for ours, extra in extras.items():
            if isinstance(extra, bool) or not isinstance(extra, int) or abs(extra) > MAX_PRICE:
                raise Rejected(
                    MARKET, f"스마트스토어 옵션 추가금액이 올바르지 않습니다({ours}: {extra}). 추가금액을 고치세요."
                )
        number = link.product_no or await self._require(code)
        body = await self._read(number)
        origin = body.get("originProduct") or {}
        combos = _combinations(body)
        if combos:
            found = _named(number, link, combos, extras)
            changed = [(ours, combo) for ours, combo in found.items() if combo.get("price", 0) != extras.get(ours, 0)]
            if changed:
                info = ((origin.get("detailAttribute") or {}).get("optionInfo")) or {}
                payload = {
                    "productSalePrice": {"salePrice": price},
                    "optionInfo": {
                        "optionCombinations": [
                            {
                                "id": combo["id"],
                                "stockQuantity": combo.get("stockQuantity", 0),
                                "price": extras.get(ours, 0),
                                "usable": combo.get("usable", True),
                            }
                            for ours, combo in changed
                        ],
                        "useStockManagement": info.get("useStockManagement", True),
                    },
                }
                await self._send(Call("PUT", f"/v1/products/origin-products/{number}/option-stock", json=payload))
                return
        else:
            odd = [ours for ours, extra in extras.items() if extra != 0 or ours != option_no(code, 0)]
            if odd:
                raise Rejected(
                    MARKET,
                    f"스마트스토어 상품 {number}은(는) 옵션이 없는 상품입니다. 옵션 {', '.join(odd)}의 추가금액은 "
                    "보낼 수 없습니다. 상품을 다시 보내세요.",
                )
        if origin.get("salePrice") == price:
            return  # Naver shows these prices already: nothing to send
        bulk: dict[str, Any] = {
            "originProductNos": [int(number) if number.isdigit() else number],
            "productBulkUpdateType": "SALE_PRICE",
            "productSalePrice": {
                "value": price,
                "productSalePriceChangerType": "TO",
                "productSalePriceChangerUnitType": "WON",
            },
        }
        await self._send(Call("PUT", "/v1/products/origin-products/bulk-update", json=bulk))

    async def _change_status(self, code: str, status: str) -> None:
        number = await self._require(code)
        path = f"/v1/products/origin-products/{number}/change-status"
        await self._send(Call("PUT", path, json={"statusType": status}))

    async def pause(self, code: str) -> None:
        await self._change_status(code, "SUSPENSION")

    async def resume(self, code: str) -> None:
        await self._change_status(code, "SALE")
