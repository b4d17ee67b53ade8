"""11번가 Open API in the sandbox (marketplaces-next.md §1): products, the daily cap and maintenance; orders, claims
and Q&A in ``st11_orders``.

Sources, cited beside each rule: [G] the official guide copy in ``rumeadia-dotcom/ing0415``
(``docs/architecture/v1/features/11st-api/<category>/<name>-<apiSeq>.md``); [S] ``sbk0674-web/samba-wave``
``proxy/elevenst.py`` as quoted in marketplaces-next.md §1.2 (calls the guide copy lacks); [N] marketplaces-next.md.
Where no source gives a wording or a shape, the sandbox's own choice is marked ❓.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from xml.etree.ElementTree import Element

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Scope

from batch.sandbox.faults import Clock
from batch.sandbox.st11_orders import St11Orders
from batch.sandbox.st11_xml import (
    MAINTENANCE,
    NO_USER,
    client_message,
    fields_of,
    kst,
    list_rows,
    read_xml,
    stamp,
    xml_response,
)
from batch.sandbox.web import Reject, endpoint

FIRST_PRODUCT_NO = 5_000_000_001
DAILY_CAP = 500  # [G] 1003 resultCode 400 "상품 등록은 1일 500개 까지만 가능합니다."
CAP_MESSAGE = "상품 등록은 1일 500개 까지만 가능합니다."
MAX_NAME = 100  # [G] 1003 prdNm "글자수는 100자로 제한됩니다."
MAX_PRICE = 1_000_000_000  # [G] 1003 selPrc "10원 단위로, 최대 10억 원 미만"
MAX_COMBINATIONS = 100  # ❓ the brief's figure; not found in the 1003 copy
FORBIDDEN = re.compile(r'[\[\]&;"%<>#†]')  # [G] 1003 colValue0: 특수 문자,[,&,#,;,",%,&,<,>,#,†,] 입력 불가
STATUS_NAMES = {"103": "판매중", "104": "품절", "105": "전시중지"}  # [G] 1620/1621 selStatCd / 1631

# [G] 1003: the Product fields marked 필수 (Y) that are not conditional on another field's value.
REQUIRED = (
    ("selMthdCd", "판매방식"),
    ("dispCtgrNo", "카테고리번호"),
    ("prdTypCd", "서비스 상품 코드"),
    ("prdNm", "상품명"),
    ("brand", "브랜드"),
    ("rmaterialTypCd", "원재료 유형 코드"),
    ("orgnTypCd", "원산지 코드"),
    ("suplDtyfrPrdClfCd", "부가세/면세상품코드"),
    ("prdStatCd", "상품상태"),
    ("minorSelCnYn", "미성년자 구매가능"),
    ("prdImage01", "대표 이미지 URL"),
    ("htmlDetail", "상세설명"),
    ("selPrc", "판매가"),
    ("dlvCnAreaCd", "배송가능지역 코드"),
    ("dlvWyCd", "배송방법"),
    ("dlvCstInstBasiCd", "배송비 종류"),
    ("bndlDlvCnYn", "묶음배송 여부"),
    ("dlvCstPayTypCd", "결제방법"),
    ("jejuDlvCst", "제주 추가 배송비"),
    ("islandDlvCst", "도서산간 추가 배송비"),
    ("addrSeqOut", "출고지 주소 코드"),
    ("addrSeqIn", "반품/교환지 주소 코드"),
    ("rtngdDlvCst", "반품 배송비"),
    ("exchDlvCst", "교환 배송비"),
    ("asDetail", "A/S 안내"),
    ("rtngExchDetail", "반품/교환 안내"),
    ("dlvClf", "배송 주체"),
)
REQUIRED_GROUPS = (("ProductNotification", "상품정보제공고시"),)  # [G] 1003 ProductNotification Y
MESSAGES = {  # [G] 1003's own wording where it gives one
    "rtngExchDetail": "상품등록실패 : 교환반품 안내는 반드시 입력하셔야 합니다.",
}


# What a seller sets up in the Seller Office before the first registration ([G] 1003 addrSeqOut/addrSeqIn: "우선
# SellerOffice 상품등록에서 출고지 주소가 등록이 되어있어야 합니다"). Every sandbox account has the guide's example
# numbers: 출고지 addrSeq 4 and 반품/교환지 addrSeq 8 ([G] 1003 examples), 발송마감 템플릿 344836 ([G] 6735 example).
OUT_ADDR_SEQ = "4"
IN_ADDR_SEQ = "8"
SEND_CLOSE_TEMPLATE = "344836"
FIRST_STOCK_NO = 440_000_001  # ❓ the guide's example prdStckNo is 440634790; the sandbox counts from here


@dataclass(frozen=True)
class Account:
    name: str
    key: str  # the ``openapikey`` header value
    mem_no: str = "10000000"  # [G] 1014 memNo example
    out_seq: str = OUT_ADDR_SEQ
    in_seq: str = IN_ADDR_SEQ
    template: str = SEND_CLOSE_TEMPLATE


SEED_ACCOUNTS = (
    Account("main", "sandbox-11st-openapikey", mem_no="10000001"),
    Account("second", "sandbox-11st-openapikey-2", mem_no="10000002"),
)


class ProductError(Exception):
    """A ``ClientMessage`` 500 (or 400 for the cap) refusal of a product body."""

    def __init__(self, message: str, code: int = 500) -> None:
        super().__init__(message)
        self.code = code


def _price(value: str, label: str) -> int:
    if not re.fullmatch(r"-?\d+", value):  # [G] 1003 rtngdDlvCst: 3000(O), 2999(X), 2,900(X)
        raise ProductError(f"상품등록실패 : {label}은(는) 숫자로 입력하셔야 합니다. [{value}]")  # ❓ wording
    return int(value)


def _options(product: Element) -> list[dict[str, str]]:
    """The option combinations: ``Product/ProductOption`` and ``Product/ProductOptionExt/ProductOption`` ([G] 1003)."""
    found = list(product.findall("ProductOption")) + list(product.findall("ProductOptionExt/ProductOption"))
    return [fields_of(option) for option in found]


def price_problem(price: int, old_price: int | None) -> str | None:
    """[G] 1003 selPrc: "10원 단위로, 최대 10억 원 미만"; on a change (``old_price``) "판매가 정보 수정 시, 최대 50%
    인상/80% 인하까지 수정하실 수 있습니다." (❓ wording of the refusals)."""
    if price <= 0 or price >= MAX_PRICE or price % 10:
        return f"판매가는 10원 단위로, 최대 10억 원 미만으로 입력 가능합니다. [{price}]"
    if old_price is not None and not old_price * 0.2 <= price <= old_price * 1.5:
        return f"판매가는 최대 50% 인상/80% 인하까지 수정하실 수 있습니다. [{price}]"
    return None


def option_price_problem(at: int, extra: int, price: int) -> str | None:
    """[G] 1003 / 1851 colOptPrice: "기본 판매가의 +100%/-50%까지 설정하실 수 있습니다." (❓ wording)."""
    if not -price * 0.5 <= extra <= price:
        return f"{at}번째 옵션가[{extra}]는 판매가의 +100%/-50%까지 설정하실 수 있습니다."
    return None


def check_product(product: Element, *, old_price: int | None = None) -> dict[str, Any]:
    """The fields of a ``<Product>`` that passes the guide's rules, else ``ProductError``; ``old_price`` on update."""
    if product.tag != "Product":
        raise ProductError("상품등록실패 : 요청 XML 의 최상위 요소는 Product 이어야 합니다.")  # ❓ wording
    data = fields_of(product)
    for name, label in REQUIRED:
        if not data.get(name):
            raise ProductError(MESSAGES.get(name, f"상품등록실패 : {label}({name})은(는) 필수 입력 항목입니다."))
    for name, label in REQUIRED_GROUPS:
        if product.find(name) is None:
            raise ProductError(f"상품등록실패 : {label}({name})은(는) 필수 입력 항목입니다.")  # ❓ wording
    if len(data["prdNm"]) > MAX_NAME:  # [G] 1003 prdNm ≤ 100자
        raise ProductError(f"상품등록실패 : 상품명은 {MAX_NAME}자를 초과하여 입력하실 수 없습니다.")  # ❓ wording
    price = _price(data["selPrc"], "판매가")
    problem = price_problem(price, old_price)
    if problem:
        raise ProductError(f"상품등록실패 : {problem}")  # update() answers it as 상품수정실패
    for name in ("rtngdDlvCst", "exchDlvCst"):  # [G] 1003: 배송비는 10원단위로 입력하셔야 합니다.
        if _price(data[name], name) % 10:
            raise ProductError(f"상품등록실패 : 배송비는 10원단위로 입력하셔야 합니다. [{name}={data[name]}]")
    options = _options(product)
    if len(options) > MAX_COMBINATIONS:
        raise ProductError(f"상품등록실패 : 옵션은 최대 {MAX_COMBINATIONS}개까지 등록 가능합니다.")  # ❓ rule, wording
    seen: set[str] = set()
    for at, option in enumerate(options, 1):
        value = option.get("colValue0", "")
        if not value:
            raise ProductError(f"상품등록실패 : {at}번째 옵션값을 입력하셔야 합니다.")  # ❓ wording
        if FORBIDDEN.search(value):  # [G] 1003 resultCode 500 example, verbatim shape
            raise ProductError(
                f'상품등록실패 : {at}번째 옵션값1[{value}]을 확인 하십시오. 특수 문자,[,&,;,",%,&,<,>,#,†,]는 입력할 수 없습니다.'
            )
        if value in seen:  # [G] 1003 colValue0: 한 상품안에서 옵션값은 중복이 될수 없습니다.
            raise ProductError(f"상품등록실패 : 옵션값[{value}]이 중복되었습니다.")  # ❓ wording
        seen.add(value)
        extra = _price(option.get("colOptPrice", "0") or "0", "옵션가")
        problem = option_price_problem(at, extra, price)
        if problem:
            raise ProductError(f"상품등록실패 : {problem}")
    if options and all(_price(o.get("colOptPrice", "0") or "0", "옵션가") != 0 for o in options):
        # [G] 1003 colOptPrice: 옵션가격이 0원인 상품이 반드시 1개 이상 있어야 합니다.
        raise ProductError("상품등록실패 : 옵션가격이 0원인 상품이 반드시 1개 이상 있어야 합니다.")
    return {**data, "selPrc": price, "options": options}


def check_addresses(data: Mapping[str, Any], account: Account) -> None:
    """[G] 1003 addrSeqOut / addrSeqIn: "등록된 출고지 주소를 Api 조회 서비스를 통해 주소 시퀀스코드를 조회합니다"
    ([G] 1014 / 1015); a number the account has not registered is refused (❓ wording, the guide shows none)."""
    if data["addrSeqOut"] != account.out_seq:
        raise ProductError(f"상품등록실패 : 출고지 주소 코드[{data['addrSeqOut']}]가 등록된 출고지 주소가 아닙니다.")
    if data["addrSeqIn"] != account.in_seq:
        raise ProductError(
            f"상품등록실패 : 반품/교환지 주소 코드[{data['addrSeqIn']}]가 등록된 반품/교환지 주소가 아닙니다."
        )


def _quantity(value: str) -> int:
    return int(value) if value.isdigit() else 0


def product_message(code: int, message: str, prd_no: str) -> Response:
    """[G] 1003's answer, in its order: ``ClientMessage{message, productNo, resultCode}``."""
    return xml_response("ClientMessage", [("message", message), ("productNo", prd_no), ("resultCode", code)])


class St11Market:
    """11번가 in the sandbox: accounts (``openapikey``), products; orders, claims and Q&A in ``self.desk``."""

    name = "11st"
    prefixes = ("/rest/",)

    def __init__(self, *, clock: Clock, seed: int) -> None:
        self.clock = clock
        self.seed = seed
        product = "/rest/prodservices/product/{prdNo}"
        self.routes = [
            Route("/rest/prodservices/product", endpoint(self.register), methods=["POST"]),
            Route(product, endpoint(self.update), methods=["PUT"]),
            Route(product, endpoint(self.read), methods=["GET"]),
            Route(
                "/rest/prodmarketservice/sellerprodcode/{sellerPrdCd}", endpoint(self.by_seller_code), methods=["GET"]
            ),
            Route("/rest/prodstatservice/stat/stopdisplay/{prdNo}", endpoint(self.stop_display), methods=["PUT"]),
            Route("/rest/prodstatservice/stat/restartdisplay/{prdNo}", endpoint(self.restart_display), methods=["PUT"]),
            Route("/rest/areaservice/outboundarea", endpoint(self.outbound_area), methods=["GET"]),
            Route("/rest/areaservice/inboundarea", endpoint(self.inbound_area), methods=["GET"]),
            Route("/rest/prodservices/sendCloseList", endpoint(self.send_close_list), methods=["GET"]),
            Route("/rest/prodmarketservice/prodmarket/stck/{prdNo}", endpoint(self.stocks), methods=["GET"]),
            Route("/rest/prodmarketservice/prodmarket/{prdNo}", endpoint(self.product_state), methods=["GET"]),
            Route("/rest/prodservices/stockqty/{prdStckNo}", endpoint(self.update_stock), methods=["PUT"]),
            Route("/rest/prodservices/product/price/{prdNo}/{selPrc}", endpoint(self.update_price), methods=["GET"]),
        ]
        self.desk = St11Orders(clock=clock, market=self)
        self.routes.extend(self.desk.routes)
        self.reset()

    # -- the Market interface --------------------------------------------------------------------------

    def reset(self) -> None:
        self.accounts = {account.key: account for account in SEED_ACCOUNTS}
        self.products: dict[str, dict[str, Any]] = {}  # prdNo -> product, in registration order
        self.registrations: dict[tuple[str, str], int] = {}  # (account, KST day) -> products registered
        self.next_product_no = FIRST_PRODUCT_NO
        self.next_stock_no = FIRST_STOCK_NO
        self.maintenance = False
        self.swallow = False
        self.desk.reset()

    def snapshot(self) -> dict[str, Any]:
        return copy.deepcopy(
            {
                "products": list(self.products.values()),
                **self.desk.snapshot(),
                "maintenance": self.maintenance,
                "swallow": self.swallow,
                "registrations": {f"{account}/{day}": n for (account, day), n in self.registrations.items()},
            }
        )

    def add_account(self, data: Mapping[str, Any]) -> None:
        """``{"market": "11st", "name": …, "openapikey": …}``."""
        name, key = data.get("name"), data.get("openapikey")
        if not (isinstance(name, str) and name and isinstance(key, str) and key):
            raise ValueError("name and openapikey must be non-empty strings")
        self.accounts[key] = Account(name, key, mem_no=str(10_000_001 + len(self.accounts)))

    def expire_tokens(self) -> None:
        """11번가 has no tokens: a static ``openapikey`` ([G] README §2 "OAuth / refresh 없음")."""

    def seed_orders(self, data: Mapping[str, Any]) -> dict[str, Any]:
        return self.desk.seed(data)

    def raise_claim(self, data: Mapping[str, Any]) -> dict[str, Any]:
        return self.desk.raise_claim(data)

    def set_maintenance(self, on: bool) -> None:
        """Answer −1000 서버 점검중입니다 to every call ([G] 1634/1876/1888: 매주 금요일 새벽은 정기점검일)."""
        self.maintenance = on

    def set_swallow(self, on: bool) -> None:
        """While on, the stock, sale-status and price writes ([G] 1625 stockqty, 1631 stopdisplay, 1632 restartdisplay,
        1752 price) answer exactly as done and change nothing: a marketplace seen to take a sold-out update and not
        apply it ([N] §5.1, samba-wave#400). Refusals still refuse; the reads (1623, 1620, 1621) show what is really
        held."""
        self.swallow = on

    def account_key(self, scope: Scope) -> str:
        for name, value in scope.get("headers", []):
            if name == b"openapikey":
                return f"key:{value.decode('latin-1')}"
        return "key:"

    def is_auth_path(self, path: str) -> bool:
        return False  # no token endpoint

    def fault_response(self, status: int, retry_after: int | None) -> Response:
        """❓ No source shows 11번가's body for a 429/500/503; a ``ClientMessage`` with the status as its code.
        [S] treats HTTP 429 with ``Retry-After`` as the rate-limit signal ([N] §1.6)."""
        messages = {
            429: "요청이 너무 많습니다. 잠시 후 다시 시도해 주세요.",
            500: "일시적인 오류가 발생했습니다. 잠시 후 다시 시도해 주세요.",
            503: "서비스를 일시적으로 사용할 수 없습니다. 잠시 후 다시 시도해 주세요.",
        }
        response = client_message(status, messages[status])
        response.status_code = status
        if retry_after is not None:
            response.headers["Retry-After"] = str(retry_after)
        return response

    # -- auth and maintenance ---------------------------------------------------------------------------

    def caller(self, request: Request, refuse: Any) -> Account:
        """The account of the ``openapikey`` header ([G] README §2); ``refuse(code, text)`` builds the call's own
        refusal: −1000 in maintenance, the guide's "OpenAPI Key 에 해당하는 유저가 없습니다." for a bad key."""
        if self.maintenance:
            raise Reject(refuse(-1000, MAINTENANCE))
        account = self.accounts.get(request.headers.get("openapikey", "").strip())
        if account is None:
            raise Reject(refuse(None, NO_USER))
        return account

    @staticmethod
    def product_refusal(code: int | None, text: str) -> Response:
        """[G] 1885/1631 error: ``ClientMessage.resultCode`` 500 비지니스 Error or −1000."""
        return client_message(500 if code is None else code, text)

    # -- products ---------------------------------------------------------------------------------------

    def owned(self, account: Account, prd_no: str) -> dict[str, Any]:
        product = self.products.get(prd_no)
        if product is None or product["account"] != account.name:
            # [G] 1631 error example, verbatim
            raise Reject(client_message(500, f"해당 상품의 정보를 찾을 수 없습니다. 상품번호 : {prd_no}"))
        return product

    async def body(self, request: Request, prd_no: str = "") -> Element:
        refuse = product_message(500, "상품등록실패 : 요청 XML 이 올바른 EUC-KR XML 이 아닙니다.", prd_no)  # ❓ wording
        return await read_xml(request, refuse)

    async def register(self, request: Request) -> Response:
        """``POST /rest/prodservices/product`` ([G] product-manage-1003): ``ClientMessage{message, productNo,
        resultCode 200}``; the 501st registration of a KST day answers 400 ([G] 1003)."""
        account = self.caller(request, self.product_refusal)
        product = await self.body(request)
        day = kst(self.clock()).strftime("%Y%m%d")
        if self.registrations.get((account.name, day), 0) >= DAILY_CAP:
            return product_message(400, CAP_MESSAGE, "")
        try:
            data = check_product(product)
            check_addresses(data, account)
        except ProductError as error:
            return product_message(error.code, str(error), "")
        self.registrations[(account.name, day)] = self.registrations.get((account.name, day), 0) + 1
        prd_no = str(self.next_product_no)
        self.next_product_no += 1
        self.products[prd_no] = {
            "prdNo": prd_no,
            "account": account.name,
            "selStatCd": "103",
            "registeredAt": stamp(self.clock()),
            **data,
        }
        self.products[prd_no]["stocks"] = self.make_stocks(self.products[prd_no], [])
        message = f"상품등록이 정상적으로 진행 되었습니다. 상품번호 : {prd_no}"  # [G] 1003 example
        return product_message(200, message, prd_no)

    async def update(self, request: Request) -> Response:
        """``PUT /rest/prodservices/product/{prdNo}`` ([S]; rules of [G] 1003, price change +50 %/−80 %)."""
        account = self.caller(request, self.product_refusal)
        prd_no = request.path_params["prdNo"]
        current = self.owned(account, prd_no)
        product = await self.body(request, prd_no)
        try:
            data = check_product(product, old_price=int(current["selPrc"]))
            check_addresses(data, account)
        except ProductError as error:
            return product_message(error.code, str(error).replace("상품등록실패", "상품수정실패"), prd_no)
        current.update(data)
        current["stocks"] = self.make_stocks(current, current["stocks"])
        current["updatedAt"] = stamp(self.clock())
        message = f"상품수정이 정상적으로 진행 되었습니다. 상품번호 : {prd_no}"  # ❓ wording, after 1003's
        return product_message(200, message, prd_no)

    async def read(self, request: Request) -> Response:
        """``GET /rest/prodservices/product/{prdNo}`` ([S]). ❓ No source shows the answer; the sandbox sends the
        stored ``<Product>`` fields back with ``prdNo`` and ``selStatCd``."""
        account = self.caller(request, self.product_refusal)
        product = self.owned(account, request.path_params["prdNo"])
        hidden = ("options", "account", "stocks")
        fields = [(k, v) for k, v in product.items() if k not in hidden and not isinstance(v, dict)]
        options = [("ProductOption", list(option.items())) for option in product["options"]]
        return xml_response("Product", [*fields, *options])

    async def product_state(self, request: Request) -> Response:
        """``GET /rest/prodmarketservice/prodmarket/{prdNo}`` ([G] product-search-1620): ``Product{…, message, prdNm,
        prdNo, …, selPrc, selStatCd, selStatNm, sellerPrdCd, dlvClf}``, the guide's fields the sandbox knows, in the
        guide's order. ❓ 1620 shows no error answer: an unknown number answers as 1631 does (500 "해당 상품의 정보를
        찾을 수 없습니다")."""
        account = self.caller(request, self.product_refusal)
        product = self.owned(account, request.path_params["prdNo"])
        prd_no = product["prdNo"]
        fields = [
            ("asDetail", product.get("asDetail", "")),
            ("bndlDlvCnYn", product.get("bndlDlvCnYn", "N")),
            ("dispCtgrNo", product.get("dispCtgrNo", "")),
            ("exchDlvCst", product.get("exchDlvCst", "0")),
            ("message", f"[{prd_no}] 상품 정보가 정상적으로 조회되었습니다."),  # [G] 1620 example
            ("prdNm", product.get("prdNm", "")),
            ("prdNo", prd_no),
            ("rtngdDlvCst", product.get("rtngdDlvCst", "0")),
            ("selPrc", product["selPrc"]),
            ("selStatCd", product["selStatCd"]),
            ("selStatNm", STATUS_NAMES.get(product["selStatCd"], "")),
            ("sellerPrdCd", product.get("sellerPrdCd", "")),
            ("dlvClf", product.get("dlvClf", "02")),
        ]
        return xml_response("Product", fields)

    async def by_seller_code(self, request: Request) -> Response:
        """``GET /rest/prodmarketservice/sellerprodcode/{sellerprdcd}`` ([G] product-search-1621): every product of
        the account with that code ("중복이 가능", [G] 1003 sellerPrdCd) as ``ns2:products/ns2:product``."""
        account = self.caller(request, self.product_refusal)
        code = request.path_params["sellerPrdCd"]
        found = [p for p in self.products.values() if p["account"] == account.name and p.get("sellerPrdCd") == code]
        if not found:  # ❓ 1621 shows no empty answer; an empty list, as a public client's fixture expects
            return xml_response("ns2:products", [], ns2=True)
        return list_rows("ns2:products", "ns2:product", (self.product_row(p) for p in found))

    @staticmethod
    def product_row(product: Mapping[str, Any]) -> list[tuple[str, Any]]:
        """[G] 1621's fields the sandbox knows."""
        return [
            ("bndlDlvCnYn", product.get("bndlDlvCnYn", "N")),
            ("dispCtgrNo", product.get("dispCtgrNo", "")),
            ("exchDlvCst", product.get("exchDlvCst", "0")),
            ("prdNm", product.get("prdNm", "")),
            ("prdNo", product["prdNo"]),
            ("rtngdDlvCst", product.get("rtngdDlvCst", "0")),
            ("selPrc", product["selPrc"]),
            ("selStatCd", product["selStatCd"]),
            ("selStatNm", STATUS_NAMES.get(product["selStatCd"], "")),
            ("sellerPrdCd", product.get("sellerPrdCd", "")),
        ]

    async def stop_display(self, request: Request) -> Response:
        """``PUT /rest/prodstatservice/stat/stopdisplay/{prdNo}`` ([G] sale-stop-1631): 105 전시중지."""
        return self.set_status(request, "105")

    async def restart_display(self, request: Request) -> Response:
        """``PUT /rest/prodstatservice/stat/restartdisplay/{prdNo}`` ([G] sale-stop-1632): 103 판매중."""
        return self.set_status(request, "103")

    def set_status(self, request: Request, status: str) -> Response:
        account = self.caller(request, self.product_refusal)
        product = self.owned(account, request.path_params["prdNo"])
        if not self.swallow:
            product["selStatCd"] = status
        return client_message(200, f"판매상태가 수정되었습니다. [STAT : {status}]")  # [G] 1631/1632 example

    # -- Seller Office set-up: addresses and 발송마감 templates -------------------------------------------------

    def area_refusal(self, code: int | None, text: str) -> Response:
        """[G] 1014/1015 error: ``ns2:inOutAddresss{ns2:result_message "주소지 조회 오류 : …"}``."""
        return xml_response("ns2:inOutAddresss", [("ns2:result_message", f"주소지 조회 오류 : {text}")], ns2=True)

    def area(self, account: Account, seq: str, name: str) -> Response:
        """[G] 1014/1015: ``ns2:inOutAddresss{ns2:inOutAddress{addr, addrNm, addrSeq, gnrlTlphnNo, prtblTlphnNo,
        rcvrNm, memNo}, ns2:result_message SUCCESS}``; one address per account (❓ the sandbox's choice)."""
        row = [
            ("addr", "서울 중구 을지로1가 111"),  # [G] 1014 example
            ("addrNm", name),
            ("addrSeq", seq),
            ("gnrlTlphnNo", "02-1111-2222"),
            ("prtblTlphnNo", "010-3333-4444"),
            ("rcvrNm", account.name),
            ("memNo", account.mem_no),
        ]
        return xml_response(
            "ns2:inOutAddresss", [("ns2:inOutAddress", row), ("ns2:result_message", "SUCCESS")], ns2=True
        )

    async def outbound_area(self, request: Request) -> Response:
        """``GET /rest/areaservice/outboundarea`` ([G] product/shipping-1014): 출고지 ``addrSeq`` 4."""
        account = self.caller(request, self.area_refusal)
        return self.area(account, account.out_seq, "출고지")

    async def inbound_area(self, request: Request) -> Response:
        """``GET /rest/areaservice/inboundarea`` ([G] product/shipping-1015): 반품/교환지 ``addrSeq`` 8."""
        account = self.caller(request, self.area_refusal)
        return self.area(account, account.in_seq, "반품지")

    @staticmethod
    def template_refusal(code: int | None, text: str) -> Response:
        """❓ [G] 6735 shows no error answer: its list with only ``result_message``."""
        return xml_response("productInformationTemplateList", [("templateBOList", [("result_message", text)])])

    async def send_close_list(self, request: Request) -> Response:
        """``GET /rest/prodservices/sendCloseList`` ([G] product/shipping-6735): one template, 344836, with the
        guide's example values (오늘발송, 평일/토요일 09:00 마감)."""
        account = self.caller(request, self.template_refusal)
        row = [
            ("memNo", account.mem_no),
            ("prdInfoTmpltNm", "오전 9시까지, 토요일 오전 9시까지 주문완료 건 당일 발송처리"),
            ("prdInfoTmpltClfCd", "07"),
            ("prdInfoTmpltNo", account.template),
            ("repCloseTimeYn", "Y"),
            ("satPayCmplHm", "0900"),
            ("satSendYn", "Y"),
            ("sendClfCd", "02"),
            ("sendCmplTerm", "0"),
            ("wkdayPayCmplHm", "0900"),
            ("result_message", "성공"),
        ]
        return xml_response("productInformationTemplateList", [("templateBOList", row)])

    # -- stock ------------------------------------------------------------------------------------------

    def make_stocks(self, product: Mapping[str, Any], old: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """One 재고번호 per option ([G] 1623 prdStckNo, mixDtlOptNm), or one for a product without options (❓ named
        after the product); an option kept by an update keeps its number. Quantities: ``colCount``, or ``prdSelQty``
        ([G] 1003: "옵션이 있을 경우 … 옵션수량의 총합으로 자동계산")."""
        by_name = {stock["mixDtlOptNm"]: stock for stock in old}
        wanted = [
            (o["colValue0"], _quantity(o.get("colCount", "")), o.get("colOptPrice", "0") or "0", o)
            for o in product["options"]
        ] or [(product["prdNm"], _quantity(str(product.get("prdSelQty", ""))), "0", {})]
        stocks = []
        for name, qty, extra, option in wanted:
            number = by_name[name]["prdStckNo"] if name in by_name else str(self.next_stock_no)
            if name not in by_name:
                self.next_stock_no += 1
            stocks.append(
                {
                    "prdStckNo": number,
                    "mixDtlOptNm": name,
                    "addPrc": extra,
                    "stckQty": qty,
                    "selQty": by_name[name]["selQty"] if name in by_name else 0,
                    "optWght": option.get("optWght", "0") or "0",
                    "sellerStockCd": option.get("colSellerStockCd", ""),
                }
            )
        return stocks

    async def stocks(self, request: Request) -> Response:
        """``GET /rest/prodmarketservice/prodmarket/stck/{prdNo}`` ([G] product/stock-1623): ``ns2:ProductStocks{
        ns2:ProductStock…, ns2:prdNm, ns2:prdNo, ns2:sellerPrdCd}``; prdStckStatCd 01 사용, 02 품절 (❓ at 0)."""
        account = self.caller(request, self.product_refusal)
        product = self.owned(account, request.path_params["prdNo"])
        rows = [
            (
                "ns2:ProductStock",
                [
                    ("addPrc", stock["addPrc"]),
                    ("mixDtlOptNm", stock["mixDtlOptNm"]),
                    ("prdNo", product["prdNo"]),
                    ("prdStckNo", stock["prdStckNo"]),
                    ("prdStckStatCd", "01" if stock["stckQty"] > 0 else "02"),
                    ("selQty", stock["selQty"]),
                    ("stckQty", stock["stckQty"]),
                    ("optWght", stock["optWght"]),
                    ("sellerStockCd", stock["sellerStockCd"]),
                ],
            )
            for stock in product["stocks"]
        ]
        tail = [("ns2:prdNm", product["prdNm"]), ("ns2:prdNo", product["prdNo"])]
        tail.append(("ns2:sellerPrdCd", product.get("sellerPrdCd", "")))
        return xml_response("ns2:ProductStocks", [*rows, *tail], ns2=True)

    async def update_stock(self, request: Request) -> Response:
        """``PUT /rest/prodservices/stockqty/{prdStckNo}`` ``<ProductStock>{prdNo, prdStckNo, stckQty, optWght}``
        ([G] product/stock-1625): ``ClientMessage{productNo = 재고번호, message, resultCode}``; 400 잘못된 요청,
        404 해당 상품/재고 번호 없음 (the guide's codes; ❓ the wording after "MSG : "). An option's 0 makes its row
        02 품절 in 1623 (❓); the stock of a product without options is never 0 ([G] 1003 prdSelQty, ❓ for 1625)."""
        number = request.path_params["prdStckNo"]

        def refuse(code: int | None, text: str, prd_no: str = "") -> Response:
            message = f"옵션재고 번호 {number}(상품번호:{prd_no})의 수량 업데이트 실패. MSG : {text}"  # [G] 1625
            return client_message(500 if code is None else code, message if code != -1000 else text, productNo=number)

        account = self.caller(request, refuse)
        body = await read_xml(request, refuse(400, "잘못된 요청입니다."))
        data = fields_of(body) if body.tag == "ProductStock" else {}
        prd_no, qty = data.get("prdNo", ""), data.get("stckQty", "")
        if not qty.isdigit() or data.get("prdStckNo", number) != number:
            return refuse(400, "잘못된 요청입니다.", prd_no)
        product = self.products.get(prd_no)
        found = [s for s in product["stocks"] if s["prdStckNo"] == number] if product else []
        if product is None or product["account"] != account.name or not found:
            return refuse(404, "해당 상품/재고 번호 없음.", prd_no)
        if int(qty) == 0 and not product["options"]:
            # ❓ 1625 names no floor; [G] 1003 prdSelQty for a product without options, verbatim: "재고는 0으로 입력할 수
            # 없습니다. 상품 판매 중단을 원하시면 판매중지 처리하시기 바랍니다." (an option's 0 is its 품절, [G] 1003 colCount)
            return refuse(
                500, "재고는 0으로 입력할 수 없습니다. 상품 판매 중단을 원하시면 판매중지 처리하시기 바랍니다.", prd_no
            )
        if not self.swallow:
            found[0]["stckQty"] = int(qty)
            if data.get("optWght"):
                found[0]["optWght"] = data["optWght"]
        message = f"옵션재고 번호 {number}(상품번호:{prd_no})의 수량이 업데이트 되었습니다. 변경된 수량 : {int(qty)}"
        return client_message(200, message, productNo=number)  # [G] 1625 example, verbatim shape

    # -- price ------------------------------------------------------------------------------------------

    async def update_price(self, request: Request) -> Response:
        """``GET /rest/prodservices/product/price/{prdNo}/{selPrc}`` ([G] product-manage-1752, "상품 정보 중 가격정보만
        수정할 경우 사용합니다"): ``ClientMessage{productNo, message "(상품번호:…)의 가격이 업데이트 되었습니다.",
        resultCode 200, preSelPrc}``; error ``ClientMessage{productNo, message "…의 가격 업데이트 실패. MSG : …",
        resultCode 500 | −1000}`` (the guide's example reads "상품번호:…)" without its "(": ❓ a slip, the sandbox
        writes the success answer's "(상품번호:…)").

        Only ``selPrc`` changes; each option keeps its own price (``colOptPrice``, 1623 ``addPrc``). The rules are
        [G] 1003's for the price: digits only ([G] 1855 "콤마(,) 없이 숫자만"), 10원 단위 below 10억, at most +50 % /
        −80 % of the price held ("판매가 정보 수정 시"), and every option's price within −50 %…+100 % of the new
        price ([G] 1003 / 1851 colOptPrice); ❓ 1752 names none of them itself, nor a wording."""
        prd_no = request.path_params["prdNo"]

        def refuse(code: int | None, text: str) -> Response:
            message = text if code == -1000 else f"(상품번호:{prd_no})의 가격 업데이트 실패. MSG : {text}"
            return client_message(500 if code is None else code, message, productNo=prd_no)

        account = self.caller(request, refuse)
        product = self.products.get(prd_no)
        if product is None or product["account"] != account.name:
            return refuse(500, f"해당 상품의 정보를 찾을 수 없습니다. 상품번호 : {prd_no}")  # [G] 1631's words
        value = request.path_params["selPrc"]
        if not value.isdigit():
            return refuse(500, f"판매가는 숫자로 입력하셔야 합니다. [{value}]")  # ❓ wording
        price, held = int(value), int(product["selPrc"])
        problems = [price_problem(price, held)]
        for at, option in enumerate(product["options"], 1):
            extra = _price(option.get("colOptPrice", "0") or "0", "옵션가")  # held: check_product took it
            problems.append(option_price_problem(at, extra, price))
        problem = next((p for p in problems if p), None)
        if problem:
            return refuse(500, problem)
        if not self.swallow:
            product["selPrc"] = price
            product["updatedAt"] = stamp(self.clock())
        message = f"(상품번호:{prd_no})의 가격이 업데이트 되었습니다."  # [G] 1752 example
        fields = [("productNo", prd_no), ("message", message), ("resultCode", 200), ("preSelPrc", held)]
        return xml_response("ClientMessage", fields)
