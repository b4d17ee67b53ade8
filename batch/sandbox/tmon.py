"""TMON's partner interwork API (marketplaces.md §1): token, deals, templates, orders and claims, and its state."""

from __future__ import annotations

import base64
import binascii
import copy
import hashlib
import math
import random
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Scope

from batch.sandbox.faults import Clock
from batch.sandbox.tmon_deals import PRODUCT_TYPES, DealError, check_deal, check_option_updates, invalid, label, missing
from batch.sandbox.tmon_orders import CatalogDeal, CatalogOption, TmonOrders, check_aes_key
from batch.sandbox.tmon_qna import TmonInquiries
from batch.sandbox.web import Reject, empty_response, endpoint, form_fields, json_response, read_json

TOKEN_LIFETIME = 3600  # seconds of the app's clock
FIRST_TEMPLATE_NO = 1690701
FIRST_DEAL_NO = 30_000_001
FIRST_OPTION_NO = 70_000_001
DEAL_NO_TYPES = ("VENDOR_DEAL_NUMBER", "TMON_DEAL_NUMBER")  # the first is the sandbox's name for the default
OWNED = ("tmonDealNo", "vendorId", "salesStatus")  # deal fields the sandbox sets; a body's values are ignored
# A deal's salesStatus ([T2] patmon/v2/domain/Deal.java: "PAUSE : 일시중지, READY : 판매예정, ON_SALE : 판매중, END :
# 판매종료"): a new deal is on sale; PUT …/pause and …/resume move it between PAUSE and ON_SALE ([T1] setStopProduct,
# updateProducts). READY and END (the sales period) are never set here.
ON_SALE, PAUSED = "ON_SALE", "PAUSE"


@dataclass(frozen=True)
class Account:
    client_id: str
    secret: str
    vendor_id: str
    partner_token: str
    aes_key: str  # the key TMON issues (16 characters in [T1]): encrypts orders' and claims' personal data


@dataclass
class Token:
    client_id: str
    vendor_id: str
    expires_at: float


SEED_ACCOUNTS = (
    Account(
        "tmon-main",
        "sandbox-secret",
        "V1001",
        "sandbox-partner-token",
        "batch-sandbox-k1",
    ),
    Account(
        "tmon-second",
        "sandbox-secret",
        "V1002",
        "sandbox-partner-token-2",
        "sandboxAesKey002",
    ),
)


def _template(number: int, name: str, product_type: str, delivery_type: str, policy: str, fee: int) -> dict[str, Any]:
    """A delivery template with [T2] ``patmon/v2/domain/DeliveryTemplate.java``'s fields and its number. ❓ No source
    shows the answer of ``GET /partners/templates``; a list of these is the sandbox's reading."""
    return {
        "deliveryTemplateNo": number,
        "deliveryTemplateName": name,
        "bundledDeliveryAble": False,
        "deliveryFeePolicy": policy,  # [T2] FREE, CONDITION, PER (선불), AFTER (착불)
        "deliveryFee": fee,
        "productType": product_type,  # DP01–DP07 ([T1] ProdServiceImpl.getProducts)
        "deliveryType": delivery_type,  # [T1] ND 익일 for DP07, ED 예외 for DP04; [T2] the same
        "longDistanceDeliveryAvailable": False,
    }


# Every vendor starts with these delivery templates (배송템플릿).
SEED_TEMPLATES = (
    _template(1690698, "기본배송", "DP07", "ND", "PER", 3000),
    _template(1690699, "신선식품 배송", "DP01", "ND", "PER", 4000),
    _template(1690700, "화물설치 배송", "DP04", "ED", "FREE", 0),
)

FAULT_ERRORS = {
    429: ("TOO_MANY_REQUESTS", "요청이 너무 많습니다. 잠시 후 다시 시도해 주세요."),
    500: ("INTERNAL_SERVER_ERROR", "일시적인 오류가 발생했습니다. 잠시 후 다시 시도해 주세요."),
    503: ("SERVICE_UNAVAILABLE", "서비스를 일시적으로 사용할 수 없습니다. 잠시 후 다시 시도해 주세요."),
}


def business_error(code: str, message: str, status: int = 400, headers: Mapping[str, str] | None = None) -> Response:
    """TMON's business error: ``{"ResultCode": ..., "Message": "<Korean>"}``."""
    return json_response({"ResultCode": code, "Message": message}, status, headers)


def oauth_error(status: int, error: str, description: str, headers: Mapping[str, str] | None = None) -> Response:
    """TMON's gateway (Spring OAuth2) error: ``{"error": ..., "error_description": ...}``."""
    return json_response({"error": error, "error_description": description}, status, headers)


def basic_credentials(header: str | None) -> tuple[str, str] | None:
    """``(client_id, secret)`` from ``Authorization: Basic base64(id:secret)``, or None."""
    scheme, _, value = (header or "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, colon, secret = decoded.partition(":")
    return (client_id, secret) if colon else None


async def read_body(request: Request) -> Any:
    try:
        return await read_json(request)
    except ValueError:
        raise Reject(business_error("INVALID_BODY", "요청 본문이 올바른 JSON이 아닙니다.")) from None


def option_title(option: Mapping[str, Any]) -> str:
    """A deal option's name in an order: its ``title``, else its ``sections`` joined."""
    title = option.get("title")
    if isinstance(title, str) and title:
        return title
    sections = option.get("sections")
    parts = sections if isinstance(sections, list) else [sections]
    return " / ".join(str(p.get("title", p)) if isinstance(p, dict) else str(p) for p in parts if p is not None)


class TmonMarket:
    """TMON in the sandbox: its routes, accounts, tokens, templates and deals; orders and claims in ``self.desk``;
    product Q&A and CS inquiries in ``self.qna``."""

    name = "tmon"
    prefixes = ("/oauth/", "/api/")

    def __init__(self, *, clock: Clock, seed: int) -> None:
        self.clock = clock
        self.random = random.Random(seed)  # access tokens: reproducible for a seed
        self.tokens: dict[str, Token] = {}
        deal = "/api/{vendorId}/deals/{no}"
        self.routes = [
            Route("/oauth/token", endpoint(self.issue_token), methods=["POST"]),
            Route("/api/{vendorId}/deals", endpoint(self.create_deal), methods=["POST"]),
            Route(deal, endpoint(self.get_deal), methods=["GET"]),
            Route(deal, endpoint(self.update_deal), methods=["PUT"]),
            Route(deal + "/stock", endpoint(self.update_stock), methods=["PUT"]),
            Route(deal + "/options/display", endpoint(self.update_display), methods=["PUT"]),
            Route(deal + "/pause", endpoint(self.pause), methods=["PUT"]),
            Route(deal + "/resume", endpoint(self.resume), methods=["PUT"]),
            Route("/api/{vendorId}/partners/templates", endpoint(self.list_templates), methods=["GET"]),
            Route("/api/{vendorId}/partners/templates", endpoint(self.create_template), methods=["POST"]),
        ]
        self.desk = TmonOrders(clock=clock, authorize=self.caller)
        self.routes.extend(self.desk.routes)
        self.qna = TmonInquiries(clock=clock, authorize=self.caller)
        self.routes.extend(self.qna.routes)
        self.reset()

    # -- the Market interface --------------------------------------------------------------------------

    def reset(self) -> None:
        """Seeded accounts and templates only, no deals or orders; tokens of seeded accounts stay valid."""
        self.accounts = {account.client_id: account for account in SEED_ACCOUNTS}
        self.tokens = {
            value: token
            for value, token in self.tokens.items()
            if token.client_id in self.accounts and self.accounts[token.client_id].vendor_id == token.vendor_id
        }
        self.templates: dict[str, list[dict[str, Any]]] = {}  # vendorId -> templates, seeded on first use
        self.deals: dict[tuple[str, str], dict[str, Any]] = {}  # (vendorId, vendorDealNo) -> deal, in creation order
        self.deal_keys: dict[int, tuple[str, str]] = {}  # tmonDealNo -> (vendorId, vendorDealNo)
        self.desk.reset()
        self.qna.reset()
        self.partner_ids: list[str] = []  # every X-Partner-Id seen, in first-seen order
        self.next_template_no = FIRST_TEMPLATE_NO
        self.next_deal_no = FIRST_DEAL_NO
        self.next_option_no = FIRST_OPTION_NO
        self.swallow = False

    def set_swallow(self, on: bool) -> None:
        """``POST /__sandbox__/swallow``: while on, the stock, option display, pause and resume calls and the deal
        update (TMON's only price write) are checked and answered exactly as if done, and change nothing (a sold-out
        or price update that never reached the marketplace, marketplaces-next.md §5.1); GET /deals shows what is really
        held. ``reset`` turns it off."""
        self.swallow = on

    def snapshot(self) -> dict[str, Any]:
        return copy.deepcopy(
            {
                "products": list(self.deals.values()),
                **self.desk.snapshot(),
                **self.qna.snapshot(),
                "partner_ids": self.partner_ids,
                "swallow": self.swallow,
            }
        )

    def add_account(self, data: Mapping[str, Any]) -> None:
        """``aes_key`` is optional: without it the key is the first 16 hex characters of sha256(client_id)."""
        fields = ("client_id", "secret", "vendor_id", "partner_token")
        values = [data.get(field) for field in fields]
        if not all(isinstance(value, str) and value for value in values):
            raise ValueError(f"{', '.join(fields)} must all be non-empty strings")
        client_id, secret, vendor_id, partner_token = (str(value) for value in values)
        key = data.get("aes_key")
        key = hashlib.sha256(client_id.encode("utf-8")).hexdigest()[:16] if key is None else check_aes_key(key)
        self.accounts[client_id] = Account(client_id, secret, vendor_id, partner_token, key)

    def seed_orders(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """New D1 orders drawn from the vendor's deals on sale (their displayed options), else from synthetic deals;
        with ``inquiries``, new inquiries too (``orders`` then optional), some on the vendor's orders. ``product`` (a
        tmonDealNo) draws from that deal only: it must be the vendor's, on sale, with a displayed option. ``qty`` (1 to
        the deal's default maxPurchaseQty 999, [T1]) is every seeded line's quantity."""
        vendor = data.get("vendor", "V1001")
        product = self.seed_product(data.get("product"))
        catalogue = []
        for (owner, _), deal in self.deals.items():
            if owner != vendor or deal["salesStatus"] != ON_SALE:
                continue
            if product is not None and deal["tmonDealNo"] != product:
                continue
            options = tuple(
                CatalogOption(o["tmonDealOptionNo"], option_title(o), o["salesPrice"])
                for o in deal["dealOptions"]
                if o.get("display", True)
            )
            if options:
                catalogue.append(CatalogDeal(deal["tmonDealNo"], str(deal["title"]), options))
        if product is not None and not catalogue:
            raise ValueError(
                f"product {product} is not a deal of vendor {vendor!r} on sale with a displayed option: "
                "register it (and resume it) first"
            )
        if "inquiries" not in data:
            return {**self.desk.seed(data, catalogue), "inquiries": []}
        self.qna.check_seed(data)
        made: dict[str, Any] = {"orders": []}
        if "orders" in data:
            made = self.desk.seed({k: v for k, v in data.items() if k != "inquiries"}, catalogue)
        orders = [order for order in self.desk.orders.values() if order["vendorId"] == vendor]
        return {**made, "inquiries": self.qna.seed(data, orders, catalogue)}

    @staticmethod
    def seed_product(value: object) -> int | None:
        """The seed's ``product``: a tmonDealNo (a number or a string of digits), or None when absent."""
        if value is None:
            return None
        if isinstance(value, str) and value.isascii() and value.isdigit():
            return int(value)
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return value
        raise ValueError(f"product must be a TMON deal number (tmonDealNo), got {value!r}")

    def raise_claim(self, data: Mapping[str, Any]) -> dict[str, Any]:
        return self.desk.raise_claim(data)

    def expire_tokens(self) -> None:
        for token in self.tokens.values():
            token.expires_at = -math.inf

    def account_key(self, scope: Scope) -> str:
        """``vendor:<vendorId>`` for API calls, ``client:<client_id>`` for the token endpoint."""
        path: str = scope["path"]
        if path.startswith("/api/"):
            return f"vendor:{path.split('/')[2]}"
        credentials = basic_credentials(Headers(scope=scope).get("authorization"))
        return f"client:{credentials[0] if credentials else ''}"

    def is_auth_path(self, path: str) -> bool:
        return path == "/oauth/token"

    def fault_response(self, status: int, retry_after: int | None) -> Response:
        code, message = FAULT_ERRORS[status]
        headers = None if retry_after is None else {"Retry-After": str(retry_after)}
        return business_error(code, message, status, headers)

    # -- auth -----------------------------------------------------------------------------------------

    async def issue_token(self, request: Request) -> Response:
        """``POST /oauth/token``: client credentials in Basic auth, ``grant_type`` as a form field."""
        credentials = basic_credentials(request.headers.get("authorization"))
        account = self.accounts.get(credentials[0]) if credentials else None
        if credentials is None or account is None or account.secret != credentials[1]:
            challenge = {"WWW-Authenticate": 'Basic realm="oauth2/client"'}
            return oauth_error(401, "invalid_client", "Bad client credentials", challenge)
        # a form field ([T1] TmonCasheConnector.tokenCall, multipart) or the query ([T2] PaTmonApiRequest.generateToken
        # posts "/oauth/token?grant_type=client_credentials" with no body)
        grant = (await form_fields(request)).get("grant_type") or request.query_params.get("grant_type")
        if not grant:
            return oauth_error(400, "invalid_request", "Missing grant type")
        if grant != "client_credentials":
            return oauth_error(400, "unsupported_grant_type", f"Unsupported grant type: {grant}")
        value = str(uuid.UUID(int=self.random.getrandbits(128), version=4))
        self.tokens[value] = Token(account.client_id, account.vendor_id, self.clock() + TOKEN_LIFETIME)
        return json_response(  # [T2] patmon/v2/domain/Authorization.java; vendorId: [T2] createTimonToken
            {
                "access_token": value,
                "token_type": "bearer",
                "expires_in": TOKEN_LIFETIME,
                "scope": "read write",
                "vendorId": account.vendor_id,
            }
        )

    def authorize(self, request: Request) -> str:
        """Check the bearer token, the partner headers and the path's vendor; return the vendorId."""
        return self.caller(request)[0]

    def caller(self, request: Request) -> tuple[str, str]:
        """``authorize``, returning the vendorId and the account's AES key."""
        scheme, _, value = request.headers.get("authorization", "").partition(" ")
        value = value.strip()
        token = self.tokens.get(value) if scheme.lower() == "bearer" else None
        account = self.accounts.get(token.client_id) if token else None
        if token is None or account is None:
            description = f"Invalid access token: {value}" if value else "Access token is missing"
            raise Reject(self.invalid_token(description))
        if self.clock() >= token.expires_at:
            raise Reject(self.invalid_token(f"Access token expired: {value}"))
        partner_id = request.headers.get("x-partner-id", "").strip()
        partner_token = request.headers.get("x-partner-token", "").strip()
        for header, given in (("X-Partner-Id", partner_id), ("X-Partner-Token", partner_token)):
            if not given:
                raise Reject(business_error("MISSING_HEADER", f"{header} 헤더가 필요합니다."))
        if partner_token != account.partner_token:
            raise Reject(
                business_error("INVALID_PARTNER_TOKEN", "파트너 토큰(X-Partner-Token)이 올바르지 않습니다.", 403)
            )
        vendor = request.path_params["vendorId"]
        if vendor != token.vendor_id:
            message = f"요청 경로의 업체({vendor})에 대한 권한이 없습니다. 토큰의 업체: {token.vendor_id}"
            raise Reject(business_error("VENDOR_MISMATCH", message, 403))
        if partner_id not in self.partner_ids:
            self.partner_ids.append(partner_id)
        return token.vendor_id, account.aes_key

    @staticmethod
    def invalid_token(description: str) -> Response:
        challenge = {"WWW-Authenticate": f'Bearer error="invalid_token", error_description="{description}"'}
        return oauth_error(401, "invalid_token", description, challenge)

    # -- deals ----------------------------------------------------------------------------------------

    def templates_of(self, vendor: str) -> list[dict[str, Any]]:
        return self.templates.setdefault(vendor, copy.deepcopy(list(SEED_TEMPLATES)))

    def check(self, body: object, vendor: str, *, update: bool = False) -> dict[str, Any]:
        try:
            deal = check_deal(body, self.templates_of(vendor), update=update)
        except DealError as error:
            raise Reject(business_error(error.code, error.message)) from None
        for name in OWNED:
            deal.pop(name, None)
        return deal

    def find_deal(self, request: Request, vendor: str) -> dict[str, Any]:
        """The deal ``{no}`` names: a vendorDealNo, or a tmonDealNo with ``?dealNoType=TMON_DEAL_NUMBER``."""
        no = request.path_params["no"]
        kind = request.query_params.get("dealNoType", DEAL_NO_TYPES[0])
        if kind not in DEAL_NO_TYPES:
            message = f"딜번호유형(dealNoType): 허용되지 않는 값입니다: {kind}. 허용값: {', '.join(DEAL_NO_TYPES)}."
            raise Reject(business_error("INVALID_VALUE", message))
        key: tuple[str, str] | None = (vendor, no)
        if kind == "TMON_DEAL_NUMBER":
            key = self.deal_keys.get(int(no)) if no.isascii() and no.isdigit() else None
        deal = self.deals.get(key) if key is not None and key[0] == vendor else None
        if deal is None:
            raise Reject(business_error("NOT_FOUND", f"딜을 찾을 수 없습니다: {no}", 404))
        return deal

    def number_options(self, options: list[dict[str, Any]], known: Mapping[str, int]) -> list[dict[str, Any]]:
        """Give each option its tmonDealOptionNo: the one it had (same vendorDealOptionNo), else a new one."""
        numbered = []
        for option in options:
            number = known.get(str(option["vendorDealOptionNo"]))
            if number is None:
                number, self.next_option_no = self.next_option_no, self.next_option_no + 1
            numbered.append(
                {"tmonDealOptionNo": number, **{k: v for k, v in option.items() if k != "tmonDealOptionNo"}}
            )
        return numbered

    async def create_deal(self, request: Request) -> Response:
        vendor = self.authorize(request)
        body = self.check(await read_body(request), vendor)
        key = (vendor, str(body["vendorDealNo"]))
        if key in self.deals:  # the text [T1] insertProducts looks for before it fetches the deal instead
            raise Reject(business_error("DUPLICATE_DEAL", "이미 등록 완료된 딜입니다."))
        number, self.next_deal_no = self.next_deal_no, self.next_deal_no + 1
        options = self.number_options(body.pop("dealOptions"), {})
        self.deals[key] = {
            "vendorDealNo": key[1],
            "tmonDealNo": number,
            "vendorId": vendor,
            **body,
            "salesStatus": ON_SALE,
            "dealOptions": options,
        }
        self.deal_keys[number] = key
        return json_response(
            {
                "dealNo": {key[1]: number},
                "dealOptionNos": {str(o["vendorDealOptionNo"]): o["tmonDealOptionNo"] for o in options},
            }
        )

    async def get_deal(self, request: Request) -> Response:
        """The deal as stored, with its ``salesStatus`` and each option's ``stock`` ([T2] ``Deal``, ``DealOption``);
        each option also names its deal ([T2] ``DealOption`` has ``tmonDealNo`` and ``vendorDealNo``; [T1]
        OrderServiceImpl.registOrders reads ``dealOptions[].tmonDealNo``). [T2] ``Deal.dealOptionsPageInfo``
        (``DealOptionsPageInfo``: totalCount, totalPage, currentPage) says options come in pages; no source shows a
        page's size or how to ask for another, so every option (200 at most) is on page 1 of 1 here."""
        deal = self.find_deal(request, self.authorize(request))
        shown = copy.deepcopy(deal)
        for option in shown["dealOptions"]:
            option.update(tmonDealNo=deal["tmonDealNo"], vendorDealNo=deal["vendorDealNo"])
        shown["dealOptionsPageInfo"] = {"totalCount": len(shown["dealOptions"]), "totalPage": 1, "currentPage": 1}
        return json_response(shown)

    async def update_deal(self, request: Request) -> Response:
        """An update sets what it names and keeps the rest ([T2] PaTmonProductApiService: "기본적으로 수정될 정보만
        세팅하면 되나"; [T1] updateProducts leaves out vendorDealNo, productType, vendorPolicyNo, salesEndDate and
        adultOnly); the result must pass registration's rules, option stock aside. vendorDealNo and productType
        cannot change ([T2] PaTmonProductService: productType set only "if (paTmonGoods.getDealNo() == null)"),
        adultOnly only from false to true ([T1] "등록이후 false에서 true로만 수정가능"). The answer is [T2]
        ``DealUpdateResult``: ``{"deal": ResultData, "dealOptions": ResultData}``, read by [T1] updateProducts
        (``deal.success`` and ``dealOptions.success``).

        The update is also TMON's only price write (each option's ``salesPrice``, "Integer+ … 0원 등록불가", and
        ``price``, "salesPrice와 동일해야 함", defaulting to it: [T1]). An option's ``stock`` and ``display`` left out
        stay as they were ([T2] "수량(재고) … 변경은 별도 API에서 처리됩니다"; [T1] sends both on registration only);
        options left out of ``dealOptions`` are no longer the deal's. Swallowed (``set_swallow``), it is checked and
        answered as done and changes nothing."""
        vendor = self.authorize(request)
        deal = self.find_deal(request, vendor)
        raw = await read_body(request)
        if not isinstance(raw, dict):
            raise Reject(business_error("INVALID_BODY", "요청 본문은 JSON 객체여야 합니다."))
        product_type = raw.get("productType")
        if product_type not in (None, deal["productType"]):
            message = f"{label('productType')}: 변경할 수 없습니다 ({deal['productType']} → {product_type})."
            raise Reject(business_error("PRODUCT_TYPE_CHANGE", message))
        if deal.get("adultOnly") is True and raw.get("adultOnly") is False:
            message = "성인물여부(adultOnly): 등록 이후에는 false에서 true로만 바꿀 수 있습니다."
            raise Reject(business_error("INVALID_VALUE", message))
        stored = copy.deepcopy({k: v for k, v in deal.items() if k not in OWNED})  # options too ([T2] "필요하다면")
        body = self.check({**stored, **raw}, vendor, update=True)
        if body["vendorDealNo"] != deal["vendorDealNo"]:
            message = f"{label('vendorDealNo')}: 변경할 수 없습니다 ({deal['vendorDealNo']} → {body['vendorDealNo']})."
            raise Reject(business_error("INVALID_VALUE", message))
        known = {str(o["vendorDealOptionNo"]): o for o in deal["dealOptions"]}
        numbers = {number: option["tmonDealOptionNo"] for number, option in known.items()}
        next_option_no = self.next_option_no
        options = self.number_options(body.pop("dealOptions"), numbers)
        for option in options:  # stock and display left out stay as they were (a new option: no stock, shown)
            before = known.get(str(option["vendorDealOptionNo"]))
            option.setdefault("stock", before["stock"] if before else 0)
            option.setdefault("display", before.get("display", True) if before else True)
        kept = {name: deal[name] for name in ("vendorDealNo", "tmonDealNo", "vendorId", "salesStatus")}
        if self.swallow:  # not even a new option's number is taken
            self.next_option_no = next_option_no
        else:
            deal.clear()
            deal.update({**kept, **body, "dealOptions": options})
        done = {"success": True, "skip": False, "value": None, "message": None}  # [T2] ResultData
        return json_response({"deal": done, "dealOptions": done})

    async def update_options(self, request: Request, field: str) -> list[dict[str, Any]]:
        """Check a ``stock`` or ``display`` update and apply it (unless swallowed); return the options named."""
        vendor = self.authorize(request)
        deal = self.find_deal(request, vendor)
        try:
            changes = check_option_updates(await read_body(request), deal["dealOptions"], field)
        except DealError as error:
            raise Reject(business_error(error.code, error.message)) from None
        if not self.swallow:
            for option, value in changes:
                option[field] = value
        return [option for option, _ in changes]

    async def update_stock(self, request: Request) -> Response:
        """``{"dealOptions": [{vendorDealOptionNo | tmonDealOptionNo, stock}]}``: the options named get their stock
        (0 and up: [T1] "Integer+ 재고"; [T2] sends 0 for an option not on sale), the others keep theirs ([T2]
        setGoodsStockModify sends only the options whose stock changed). The answer is a result per option, keyed by
        its vendorDealOptionNo ([T2] reads ``map.get(<option>).get("success")``), in [T2] ``ResultData``'s fields."""
        options = await self.update_options(request, "stock")
        done = {"success": True, "skip": False, "value": None, "message": None}
        return json_response({str(option["vendorDealOptionNo"]): dict(done) for option in options})

    async def update_display(self, request: Request) -> Response:
        await self.update_options(request, "display")
        return empty_response()

    async def pause(self, request: Request) -> Response:
        deal = self.find_deal(request, self.authorize(request))
        if not self.swallow:
            deal["salesStatus"] = PAUSED
        return empty_response()

    async def resume(self, request: Request) -> Response:
        deal = self.find_deal(request, self.authorize(request))
        if not self.swallow:
            deal["salesStatus"] = ON_SALE
        return empty_response()

    # -- delivery templates ---------------------------------------------------------------------------

    async def list_templates(self, request: Request) -> Response:
        return json_response(self.templates_of(self.authorize(request)))

    async def create_template(self, request: Request) -> Response:
        vendor = self.authorize(request)
        body = await read_body(request)
        if not isinstance(body, dict):
            raise Reject(business_error("INVALID_BODY", "요청 본문은 JSON 객체여야 합니다."))
        for field in ("deliveryTemplateName", "productType"):  # [T2] DeliveryTemplate; [T1] selectDeliTemplate
            if not body.get(field):
                error = missing(field)
                raise Reject(business_error(error.code, error.message))
        if body["productType"] not in PRODUCT_TYPES:
            error = invalid("productType", body["productType"])
            raise Reject(business_error(error.code, error.message))
        number, self.next_template_no = self.next_template_no, self.next_template_no + 1
        template = {**body, "deliveryTemplateNo": number}
        self.templates_of(vendor).append(template)
        return json_response({"deliveryTemplateNo": number})
