"""11번가 Open API (marketplaces-next.md §1): header ``openapikey``, XML in EUC-KR, result codes inside 200 answers.

Sources, cited beside each call:
* [G] the copy of the official guide (openapi.11st.co.kr ``OpenApiGuide.tmall?apiSeq=…``) in ``rumeadia-dotcom/ing0415``
  ``docs/architecture/v1/features/11st-api/<category>/<name>-<apiSeq>.md`` (commit bf89065d). "G 1003" = apiSeq 1003.
* [S] the production client ``jjhs0819-ops/samba-wave`` (``sbk0674-web/samba-wave``)
  ``backend/backend/domain/samba/proxy/elevenst.py``.

Retries, pacing and the breaker are the shared client's (base.py); orders, claims and Q&A are in st11_orders.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, ParseError

import httpx

from batch.config import Account
from batch.marketplaces import st11_xml as xml
from batch.marketplaces.base import (
    AuthFailed,
    Call,
    DailyCapReached,
    MarketClient,
    MarketError,
    Rejected,
    Unavailable,
    status_error,
)
from batch.marketplaces.st11_orders import St11Orders
from batch.marketplaces.types import DeliveryTemplate, Shown, option_no
from batch.models import Market, Product, ProductLink, SalesInfo

MARKET = Market.ST11.value
MAX_NAME = 100  # G 1003 prdNm: "글자수는 100자로 제한됩니다"
MAX_IMAGES = 4  # G 1003: prdImage01 (대표) + prdImage02–04 (추가 이미지 1–3)
MAX_PRICE = 1_000_000_000  # G 1003 selPrc: "10원 단위로, 최대 10억 원 미만"
MAINTENANCE = "-1000"  # G 1876/1634/1888/1631…: "서버 점검중입니다. 매주 금요일 새벽은 정기점검일입니다."
DAILY_CAP = "500개"  # G 1003 resultCode 400: "상품 등록은 1일 500개 까지만 가능합니다."
NO_USER = "OpenAPI Key 에 해당하는 유저가 없습니다"  # G 1634/1885/1625…: the answer to an unknown key
AREA_OK = "SUCCESS"  # G 1014/1015 ns2:result_message: "result_message를 체크하여 주소시퀀스를 가져온다."
# an empty list as the guide's pages word it: G 1876/1635 result_code 0 "조회된 결과가 없습니다", G 1639/1643/1648 −1
# "해당 건이 없습니다" (❓ G 1621 shows no empty or error answer; we accept only these)
NO_ROWS = ("해당 건이 없습니다", "조회된 결과가 없습니다")
OK_CODES = ("200", "210")  # G 1003: 200 일반상품 성공, 210 신규상품 성공; G 1631/1632/1625/1885: 200
TAX = {"과세": "01", "면세": "02", "영세": "03"}  # G 1003 suplDtyfrPrdClfCd
# 배송비유형 (workbook) -> dlvCstInstBasiCd (G 1003: 01 무료, 02 고정 배송비, 03 상품 조건부 무료)
FEE_TYPES = {"무료": "01", "유료": "02", "조건부무료": "03"}
# 판매정보 keys the workbook gives 11번가 (batch/importers/products.py MARKET_REQUIRED["11st"]) and their names here
REQUIRED_SALES = {
    "market_category_no": "11번가 카테고리번호",
    "send_close_template": "발송마감 템플릿번호",
    "address_out": "출고지 주소순번",
    "address_in": "반품/교환지 주소순번",
    "delivery_fee_type": "배송비유형",
    "return_fee": "반품배송비",
    "exchange_fee": "교환배송비",
}
SEND_KINDS = {"01": "일반발송", "02": "오늘발송", "03": "재고확인 후 순차발송"}  # G 6735 sendClfCd
# G 1620/1621 selStatCd: only 103 판매중 sells (101 승인대기, 104 품절, 105 전시중지, 106 판매정상종료, 108 판매금지 …)
ON_SALE = "103"
STOCK_SOLD_OUT = "02"  # G 1623 prdStckStatCd: 01 사용, 02 품절


@dataclass(frozen=True)
class St11Credentials:
    api_key: str


def _digits(value: str | None) -> str:
    return (value or "").strip()


class St11(St11Orders):
    """One 11번가 seller account (one Open API key)."""

    # Registrations taken per seller account and KST day: "상품 등록은 1일 500개 까지만 가능" (G 1003; marketplaces-next.md
    # §1.2, §1.6). Updates do not count. The product job plans by it (DailyCapReached is the marketplace saying so).
    daily_creates = 500

    market = MARKET
    sandbox_path = ""  # every path is under /rest/... on the real host and in the sandbox alike
    images_dir: Path | None = None  # 11번가 downloads image URLs itself (G 1003 prdImage01)

    @staticmethod
    def credentials_for(account: Account) -> St11Credentials:
        """The account's key: the secret ``api_key`` (from the environment variable ``api_key_env`` names)."""
        return St11Credentials(api_key=account.required_secret("api_key"))

    def __init__(self, client: MarketClient, credentials: St11Credentials) -> None:
        self.client = client
        self.credentials = credentials
        self._add_products: dict[tuple[str, str], tuple[str, str]] = {}

    # --- the wire ----------------------------------------------------------------------------------

    async def _auth(self) -> Mapping[str, str]:
        # G README / G 1003 sample: "API KEY 는 HttpHeaders 에서 읽어드립니다" — header ``openapikey``; [S] the same.
        return {"openapikey": self.credentials.api_key}

    async def _no_renewal(self, response: httpx.Response) -> bool:
        return False  # a key is not renewed: a 401 is the account's to fix

    def _error(self, response: httpx.Response) -> MarketError:
        """An HTTP error. 429 with Retry-After is RateLimited ([S] ``ElevenstRateLimitError(retry_after=…)``)."""
        message = ""
        try:
            root = xml.decode(response.content, response.headers.get("content-type", ""))
            message = xml.text_of(root, "message") or xml.text_of(root, "result_text") or ""
        except ParseError:
            message = response.text[:200]
        except xml.Undecodable:
            message = ""  # never show replaced characters (st11_xml: answers are CP949)
        return status_error(MARKET, response, f"11번가 응답 오류: {message or response.reason_phrase}")

    async def _send(self, call: Call, body: Element | None = None) -> Element:
        """Send ``call`` (with ``body`` as EUC-KR XML) and return the answer's root element."""
        if body is not None:
            try:
                call.content = xml.encode(body)
            except xml.Unencodable as exc:
                raise Rejected(
                    MARKET,
                    f"11번가는 EUC-KR 글자만 받습니다. '{exc.char}' 글자를 바꿔 주세요: {exc.text[:60]}",
                ) from exc
            call.headers = {**call.headers, "Content-Type": xml.CONTENT_TYPE}
        response = await self.client.send(call, auth=self._auth, on_auth_error=self._no_renewal, to_error=self._error)
        try:
            return xml.decode(response.content, response.headers.get("content-type", ""))
        except ParseError as exc:
            raise Unavailable(
                MARKET,
                "11번가의 답을 읽을 수 없습니다(XML이 아님). 잠시 뒤 다시 실행해 주세요.",
                status=response.status_code,
                outcome_unknown=not call.idempotent,
            ) from exc
        except xml.Undecodable as exc:
            # G 1003 sample: EUC-KR; 11번가 serves CP949 (its superset): anything else is refused, never replaced
            raise Unavailable(
                MARKET,
                "11번가의 답에 읽을 수 없는 글자가 있습니다(CP949 글자가 아님). 글자를 바꿔 읽지 않았습니다. "
                "잠시 뒤 다시 실행해 주세요.",
                status=response.status_code,
                outcome_unknown=not call.idempotent,
            ) from exc

    @staticmethod
    def _code(root: Element) -> tuple[str, str]:
        """The answer's result code and text, as the guide names them: ``resultCode``/``message`` (ClientMessage),
        ``result_code``/``result_text`` (ResultOrder and list errors). ("", "") when the answer carries none."""
        code = xml.text_of(root, "resultCode") or xml.text_of(root, "result_code") or ""
        text = xml.text_of(root, "message") or xml.text_of(root, "result_text") or ""
        return code, text

    @staticmethod
    def _failed(code: str, text: str, *, write: bool = False) -> MarketError:
        """A result code other than success, in our hierarchy: −1000 maintenance is Unavailable (try later), an
        unknown key AuthFailed, anything else a refusal of this request."""
        if code == MAINTENANCE:
            return Unavailable(
                MARKET, "11번가 정기점검 중입니다(매주 금요일 새벽). 점검이 끝난 뒤 다시 실행하세요.", code=code
            )
        if NO_USER in text:
            return AuthFailed(
                MARKET, "11번가 Open API 키가 맞지 않습니다. batch.toml의 계정과 환경 변수를 확인하세요.", code=code
            )
        return Rejected(MARKET, f"11번가: {text or '처리하지 못했습니다'} (결과코드 {code})", code=code)

    async def _message(self, call: Call, body: Element | None = None) -> Element:
        """A call answered by ``ClientMessage{resultCode, message}``: 200/210 or an error."""
        root = await self._send(call, body)
        code, text = self._code(root)
        if code not in OK_CODES:
            raise self._failed(code, text)
        return root

    async def vendor_id(self) -> str:
        """G 1014 ``GET /rest/areaservice/outboundarea``: the cheapest authenticated read; the member number
        (``memNo``) of the seller's 출고지 proves the key (an unknown key answers "OpenAPI Key 에 해당하는 유저가
        없습니다")."""
        root = await self._area("/rest/areaservice/outboundarea")
        return xml.text_of(root, "memNo") or "11st"

    async def _area(self, path: str) -> Element:
        """G 1014/1015: the list only when ``result_message`` is SUCCESS ("result_message를 체크하여 주소시퀀스를
        가져온다"); the error answer is "주소지 조회 오류 : …" (an unknown key: AuthFailed; −1000 점검, anything
        else: Unavailable, never a wrong address)."""
        root = await self._send(Call("GET", path))
        message = xml.text_of(root, "result_message") or ""
        if message.upper() == AREA_OK:
            return root
        if NO_USER in message:
            raise self._failed("", message)
        if "점검" in message:  # G 1876/1634…: −1000 "서버 점검중입니다."
            raise self._failed(MAINTENANCE, message)
        raise Unavailable(
            MARKET,
            f"11번가 주소록을 읽지 못했습니다({message or '결과 없음'}). 잠시 뒤 다시 실행해 주세요.",
        )

    # --- product jobs ------------------------------------------------------------------------------

    def payload(self, product: Product, sales: SalesInfo) -> dict[str, object]:
        """The ``<Product>`` of G 1003 (registration) and G 1619 (update, the same document), field names as the
        guide's Request Body table. Optional groups we do not use are left out, as the guide asks."""
        fee_type = FEE_TYPES.get(sales.get("delivery_fee_type") or "", "")
        options = product.option_names and product.options
        images = [i for i in product.images if "://" in i][:MAX_IMAGES]
        body: dict[str, Any] = {
            "selMthdCd": "01",  # 고정가판매
            "dispCtgrNo": _digits(sales.get("market_category_no")),
            "prdTypCd": "01",  # 일반배송상품
            "prdNm": product.name,
            "brand": product.brand or "알수없음",  # G 1003: "브랜드가 없을 시, '알수없음'을 입력"
            # ❓ docs/protocols/st11.md "Our readings": 05 = 상품별 원산지는 상세설명 참조, 03 = 기타 + 원산지명
            "rmaterialTypCd": "05",
            "orgnTypCd": "03",
            "orgnNmVal": product.origin or "상세설명 참조",
            "sellerPrdCd": product.code,  # G 1003: "본 코드값으로 11번가 상품 조회 등이 가능합니다" (G 1621)
            "suplDtyfrPrdClfCd": TAX.get(product.tax, "01"),
            "prdStatCd": "01",  # 새상품
            "minorSelCnYn": "N" if product.adult else "Y",
            **{f"prdImage{i + 1:02d}": url for i, url in enumerate(images)},
            "htmlDetail": product.detail,
            # G 1003 ProductCertGroup: crtfGrpTypCd 01 (전기용품/생활용품 KC), crtfGrpObjClfCd 01 대상 / 03 대상 아님
            "ProductCertGroup": {
                "crtfGrpTypCd": "01",
                "crtfGrpObjClfCd": "01" if product.cert_required else "03",
                "ProductCert": [{"certTypeCd": c.kind, "certKey": c.number} for c in product.certs] or None,
            },
            "selPrc": str(product.price),
            "prdSelQty": str(sum(o.stock for o in product.options) or 0),
            "dlvCnAreaCd": "01",  # 전국
            "dlvWyCd": "01",  # 택배
            "dlvSendCloseTmpltNo": _digits(sales.get("send_close_template")),
            "dlvCstInstBasiCd": fee_type,
            "dlvCst1": _digits(sales.get("delivery_fee")) if fee_type in ("02", "03") else None,
            "PrdFrDlvBasiAmt": _digits(sales.get("free_over")) if fee_type == "03" else None,
            "bndlDlvCnYn": "N",  # G 1003 example; one invoice per dlvNo stays one shipment
            "dlvCstPayTypCd": "03",  # 선결제
            "jejuDlvCst": _digits(sales.get("jeju_fee")) or "0",
            "islandDlvCst": _digits(sales.get("island_fee")) or "0",
            "addrSeqOut": _digits(sales.get("address_out")),
            "addrSeqIn": _digits(sales.get("address_in")),
            "rtngdDlvCst": _digits(sales.get("return_fee")),
            "exchDlvCst": _digits(sales.get("exchange_fee")),
            # G 1003: "입력할 내용이 없으시면 . 이라도 입력해주셔야 합니다. 공백은 안됩니다."
            "asDetail": sales.get("as_guide") or "상세페이지 참조",
            "rtngExchDetail": sales.get("return_guide") or "상세페이지 참조",
            "dlvClf": "02",  # 업체배송
            "mnfcDy": product.made_on.replace("-", "/") if product.made_on else None,
            "eftvDy": product.expires_on.replace("-", "/") if product.expires_on else None,
            # G 1003 ProductNotification{type, item{code, name}}. ❓ type and item codes are 11번가's (their table is an
            # attachment the copy lacks): we send the 판매정보 notice_type when given, else our 고시 group, and the field
            # names as codes (docs/protocols/st11.md "Our readings").
            "ProductNotification": {
                "type": sales.get("notice_type") or product.notice_category,
                "item": [{"code": field, "name": value} for field, value in product.notices],
            },
            "company": product.maker or "없음",  # G 1003: "제조사/수입사 모두 없을 시 "없음""
            "modelNm": product.model or "없음",
        }
        if options:
            # G 1003 옵션: optSelectYn / txtColCnt 1 / colTitle, then one ProductOption per value (single option of
            # the joined names); colSellerStockCd = our option number, read back by G 1623 as sellerStockCd.
            body["optSelectYn"] = "Y"
            body["txtColCnt"] = "1"
            body["colTitle"] = "/".join(product.option_names)
            body["ProductOption"] = [
                {
                    "useYn": "Y" if o.on_sale else "N",
                    "colOptPrice": str(o.extra_price),
                    "colValue0": "/".join(o.values),
                    "colCount": str(o.stock if o.on_sale else 0),
                    "colSellerStockCd": option_no(product.code, i),
                }
                for i, o in enumerate(product.options)
            ]
        return body

    def _document(self, product: Product, sales: SalesInfo) -> Element:
        return xml.element("Product", self.payload(product, sales))  # type: ignore[arg-type]

    def preflight(self, product: Product, sales: SalesInfo) -> list[str]:
        """What 11번가 will refuse that the workbook rules may not catch (Korean, one line each)."""
        problems = [
            f"11번가 판매정보의 {label}이(가) 비어 있습니다."
            for key, label in REQUIRED_SALES.items()
            if not sales.get(key)
        ]
        if (sales.get("delivery_fee_type") or "") not in FEE_TYPES and sales.get("delivery_fee_type"):
            problems.append("11번가 배송비유형은 무료 / 유료 / 조건부무료 중 하나여야 합니다.")
        if len(product.name) > MAX_NAME:
            problems.append(f"11번가 상품명은 {MAX_NAME}자까지입니다.")
        if product.price % 10 or not 0 < product.price < MAX_PRICE:
            problems.append("11번가 판매가는 10원 단위, 10억 원 미만이어야 합니다.")
        if not any("://" in i for i in product.images):
            problems.append("11번가는 대표 이미지 주소(https://…)가 필요합니다.")
        if product.option_names and product.options:
            if not any(o.extra_price == 0 for o in product.options):
                problems.append("11번가 옵션 중 하나는 옵션가 0원이어야 합니다.")
            low, high = -product.price // 2, product.price
            if any(not low <= o.extra_price <= high for o in product.options):
                problems.append("11번가 옵션가는 판매가의 -50%~+100% 안이어야 합니다.")
        elif sum(o.stock for o in product.options) <= 0:
            problems.append("11번가는 재고 0으로 등록할 수 없습니다. 판매중지로 처리하세요.")
        try:
            xml.encode(self._document(product, sales))
        except xml.Unencodable as exc:
            problems.append(f"11번가는 EUC-KR 글자만 받습니다. '{exc.char}' 글자를 바꿔 주세요: {exc.text[:60]}")
        return problems

    async def create_product(self, product: Product, sales: SalesInfo) -> ProductLink:
        """G 1003 ``POST /rest/prodservices/product``: ClientMessage{productNo, resultCode 200/210}; 400 "상품 등록은
        1일 500개 까지만 가능" is the daily cap (DailyCapReached: nothing more today)."""
        call = Call("POST", "/rest/prodservices/product", idempotent=False)
        root = await self._send(call, self._document(product, sales))
        code, text = self._code(root)
        if code not in OK_CODES:
            if DAILY_CAP in text or (code == "400" and "1일" in text):
                raise DailyCapReached(
                    MARKET, "11번가 상품 등록은 하루 500개까지입니다. 남은 상품은 내일 다시 실행하세요.", code=code
                )
            raise self._failed(code, text)
        number = xml.text_of(root, "productNo")
        if not number:
            raise Unavailable(
                MARKET,
                "11번가가 상품번호 없이 답했습니다. 다음 실행 때 먼저 상품을 찾아 본 뒤 보냅니다.",  # G 1621 by 자체상품코드
                outcome_unknown=True,
            )
        return ProductLink(number)

    async def update_product(self, product: Product, sales: SalesInfo, link: ProductLink) -> ProductLink:
        """G 1619 ``PUT /rest/prodservices/product/{prdNo}``: the whole document again ("기존 데이터는 사라지고 수정되는
        정보로 교체됩니다"), stock and options included; [S] ``update_product`` the same."""
        call = Call("PUT", f"/rest/prodservices/product/{link.product_no}")
        await self._message(call, self._document(product, sales))
        return link

    async def find_product(self, code: str) -> ProductLink | None:
        """G 1621 ``GET /rest/prodmarketservice/sellerprodcode/{sellerPrdCd}`` (also [S] ``find_by_seller_code``):
        None only on a clean "no rows" (no result code or 0, or the guide's NO_ROWS texts): any other code raises,
        so a create in doubt is never sent again. The code may repeat (G 1003 "중복이 가능"): the first one
        not ended (selStatCd 106/107/108) is ours."""
        root = await self._send(Call("GET", f"/rest/prodmarketservice/sellerprodcode/{code}"))
        found = [xml.record(p) for p in xml.find_all(root, "product")]
        found = [p for p in found if p.get("prdNo") and p.get("sellerPrdCd", code) == code]
        if not found:
            result, text = self._code(root)
            if result == "0" or (result == "" and not text) or any(words in text for words in NO_ROWS):
                return None
            raise self._failed(result, text)
        live = [p for p in found if p.get("selStatCd") not in ("106", "107", "108")] or found
        return ProductLink(live[0]["prdNo"])

    async def _product_no(self, code: str) -> str:
        link = await self.find_product(code)
        if link is None:
            raise Rejected(MARKET, f"11번가에 자체상품코드 {code}인 상품이 없습니다. 먼저 등록하세요.")
        return link.product_no

    async def _stock_rows(self, prd_no: str) -> list[dict[str, str]]:
        """G 1623 ``GET /rest/prodmarketservice/prodmarket/stck/{prdNo}``: the listing's ``ns2:ProductStock`` rows
        (재고번호 ``prdStckNo``, ``stckQty``, ``prdStckStatCd`` 01 사용 / 02 품절, ``optWght``, ``sellerStockCd`` = the
        ``colSellerStockCd`` we sent, G 1003). G 1623 shows no error answer: an answer without rows that carries a
        result code or text raises as the neighbouring calls word it (G 1625 500 / 404, −1000, an unknown key)."""
        root = await self._send(Call("GET", f"/rest/prodmarketservice/prodmarket/stck/{prd_no}"))
        rows = [xml.record(s) for s in xml.find_all(root, "ProductStock")]
        if not rows:
            code, text = self._code(root)
            if code or text:
                raise self._failed(code, text)
        return rows

    @staticmethod
    def _own_stock(rows: list[dict[str, str]]) -> bool:
        """The listing has no options: G 1623 answers one row that carries no seller stock code (our options always
        carry theirs, ``colSellerStockCd``; ❓ docs/protocols/st11.md "Our readings")."""
        return len(rows) == 1 and not rows[0].get("sellerStockCd")

    def _row_of(self, option: str, code: str, link: ProductLink, rows: list[dict[str, str]]) -> dict[str, str] | None:
        """The G 1623 row of our option number: by ``sellerStockCd`` (our colSellerStockCd, G 1003), else by the
        재고번호 the link recorded, else the one row of a listing without options (our first option number)."""
        for row in rows:
            if row.get("sellerStockCd") == option:
                return row
        number = link.option_nos.get(option)
        for row in rows:
            if number and row.get("prdStckNo") == number:
                return row
        if self._own_stock(rows) and option == option_no(code, 0):
            return rows[0]
        return None

    async def _put_stock(self, prd_no: str, row: Mapping[str, str], qty: int) -> None:
        """G 1625 ``PUT /rest/prodservices/stockqty/{prdStckNo}`` ``<ProductStock>{prdNo, prdStckNo, stckQty,
        optWght}``: all four are required; ``optWght`` goes back as G 1623 showed it, so only the quantity changes.
        ClientMessage.resultCode 200; 400 잘못된 요청, 404 해당 상품/재고 번호 없음, 500, −1000 (G 1625)."""
        body = {
            "prdNo": prd_no,
            "prdStckNo": row["prdStckNo"],
            "stckQty": str(qty),
            "optWght": row.get("optWght") or "0",
        }
        call = Call("PUT", f"/rest/prodservices/stockqty/{row['prdStckNo']}")
        await self._message(call, xml.element("ProductStock", body))

    async def update_stock(self, product: Product) -> None:
        """G 1623 ``GET …/prodmarketservice/prodmarket/stck/{prdNo}`` for the 재고번호 of each option (matched by our
        colSellerStockCd = sellerStockCd), then G 1625 ``PUT …/prodservices/stockqty/{prdStckNo}`` per option."""
        prd_no = await self._product_no(product.code)
        stocks = await self._stock_rows(prd_no)
        by_code = {s.get("sellerStockCd", ""): s for s in stocks}
        for i, o in enumerate(product.options):
            row = by_code.get(option_no(product.code, i)) or (stocks[0] if len(stocks) == 1 else None)
            if row is None:
                raise Rejected(  # G 1623: 재고번호 come from the product's options (G 1619 sends them again)
                    MARKET,
                    f"11번가 상품 {prd_no}에 옵션 {option_no(product.code, i)}의 재고번호가 없습니다. "
                    "상품을 먼저 수정(다시 전송)한 뒤 재고를 보내 주세요.",
                )
            await self._put_stock(prd_no, row, o.stock)

    async def set_stock(self, code: str, link: ProductLink, stocks: Mapping[str, int]) -> None:
        """재고 연동: one G 1623 read of the listing (``link.product_no``), then one G 1625 ``PUT
        …/prodservices/stockqty/{prdStckNo}`` per option named — 11번가 has no call that takes several options'
        stock (G 1851 rewrites every option, prices included). G 1623 is read also when the link holds the 재고번호:
        G 1625 requires ``optWght``, which only G 1623 shows. Other options are not sent and keep what they have.

        0 = sold out. An option's 0 goes by G 1625 (❓ G 1625 names no floor; G 1003 takes an option's 0 as 품절,
        docs/protocols/st11.md "Our readings"). A listing without options gets no call at 0: G 1003 prdSelQty "재고는
        0으로 입력할 수 없습니다. 상품 판매 중단을 원하시면 판매중지 처리하시기 바랍니다" — the stock job stops it
        (``pause``, G 1631) and resumes it (G 1632) after the stock comes back. An option G 1623 does not show, or a
        refusal of one option, does not keep the others from being sent; it is raised after them."""
        if not stocks:
            return
        prd_no = link.product_no or await self._product_no(code)
        rows = await self._stock_rows(prd_no)
        missing: list[str] = []
        refused: Rejected | None = None
        for option, qty in stocks.items():
            row = self._row_of(option, code, link, rows)
            if row is None:
                missing.append(option)
                continue
            if qty <= 0 and self._own_stock(rows):
                continue  # G 1003: a product's stock is never 0; the job stops the listing instead
            try:
                await self._put_stock(prd_no, row, max(qty, 0))
            except Rejected as exc:
                refused = refused or exc
        if missing:
            raise Rejected(
                MARKET,
                f"11번가 상품 {prd_no}에 옵션 {', '.join(missing)}의 재고번호가 없습니다. 상품을 먼저 수정(다시 "
                "전송)한 뒤 재고를 보내 주세요.",
            )
        if refused is not None:
            raise refused

    async def set_price(self, code: str, link: ProductLink, price: int, extras: Mapping[str, int]) -> None:
        """판매가: G 1752 ``GET /rest/prodservices/product/price/{prdNo}/{selPrc}`` ("상품 정보 중 가격정보만 수정할 경우
        사용합니다"): ``ClientMessage{productNo, message, resultCode 200, preSelPrc}``; 500 비지니스 Error, −1000 점검.

        Only ``selPrc`` changes. An option's price is its own amount (G 1003 ``colOptPrice`` 옵션가, shown by G 1623 as
        ``addPrc``), so it stays as the product workbook sent it; 11번가 changes option prices only by G 1851, which
        resends every option with its stock (``colCount``) and state (``useYn``) — never sent for a price. G 1623 is
        read first: when an option's ``addPrc`` is not ``extras[option]`` (0 for an option not in ``extras``), nothing
        is sent and the refusal says to send the product again (❓ docs/protocols/st11.md "Our readings"). A price
        that is not in 10-won units below 10억 (G 1003 ``selPrc``) is refused before any call."""
        if price % 10 or not 0 < price < MAX_PRICE:
            raise Rejected(
                MARKET,
                f"11번가 판매가는 10원 단위, 10억 원 미만이어야 합니다({price:,}원). 판매가를 고쳐 다시 보내 주세요.",
            )
        prd_no = link.product_no or await self._product_no(code)
        rows = await self._stock_rows(prd_no)
        ours = {number: option for option, number in link.option_nos.items()}
        differ: list[str] = []
        for row in [] if self._own_stock(rows) else rows:
            option = row.get("sellerStockCd") or ours.get(row.get("prdStckNo", ""), "")
            held = row.get("addPrc", "").strip()
            if not option or not held.lstrip("-").isdigit():
                continue
            if int(held) != extras.get(option, 0):
                differ.append(f"{option}: 11번가 {int(held):,}원, 파일 {extras.get(option, 0):,}원")
        if differ:
            raise Rejected(
                MARKET,
                f"11번가 상품 {prd_no}의 옵션 추가금액이 상품 파일과 다릅니다({'; '.join(differ)}). 판매가를 보내지 "
                "않았습니다. 상품대량등록 파일로 상품을 먼저 수정(다시 전송)한 뒤 판매가를 보내 주세요.",
            )
        root = await self._send(Call("GET", f"/rest/prodservices/product/price/{prd_no}/{price}"))
        result, text = self._code(root)
        if result == "200":  # G 1752: 200 비즈니스 성공 (the only success code it names)
            return
        failed = self._failed(result, text)
        if not isinstance(failed, Rejected):
            raise failed  # −1000 점검: Unavailable; an unknown key: AuthFailed
        raise Rejected(
            MARKET,
            f"11번가가 상품 {prd_no}의 판매가를 {price:,}원으로 바꾸지 않았습니다: {text or '처리하지 못했습니다'} "
            f"(결과코드 {result}). 11번가 판매가는 10원 단위로 한 번에 50% 인상·80% 인하까지 바꿀 수 있고, 옵션가는 "
            "판매가의 -50%~+100% 안이어야 합니다. 판매가를 확인해 다시 보내 주세요.",
            code=result,
        )

    async def shown(self, code: str, link: ProductLink) -> Shown:
        """What 11번가 shows of the listing: stock per option from G 1623 (``stckQty``; a row with ``prdStckStatCd`` 02
        품절 shows 0), named by ``sellerStockCd`` (our option number, G 1003 colSellerStockCd) or the 재고번호 the
        link recorded; the sale state from G 1620 ``GET /rest/prodmarketservice/prodmarket/{prdNo}`` (``selStatCd``:
        on sale only at 103 판매중; 104 품절, 105 전시중지 … are not) and, from the same answer, the price (``selPrc``
        판매가; None when it is not a number). A row whose quantity is not a number is left out, so it never reads as
        sold out."""
        prd_no = link.product_no or await self._product_no(code)
        rows = await self._stock_rows(prd_no)
        state, shown_price = await self._sale_state(prd_no)
        ours = {number: option for option, number in link.option_nos.items()}
        stocks: dict[str, int] = {}
        for row in rows:
            option = row.get("sellerStockCd") or ours.get(row.get("prdStckNo", ""), "")
            if not option and self._own_stock(rows):
                option = option_no(code, 0)
            qty = row.get("stckQty", "")
            if not option or not qty.isdigit():
                continue
            stocks[option] = 0 if row.get("prdStckStatCd") == STOCK_SOLD_OUT else int(qty)
        price = int(shown_price) if shown_price.isdigit() else None
        return Shown(on_sale=state == ON_SALE, stocks=stocks, price=price)

    async def _sale_state(self, prd_no: str) -> tuple[str, str]:
        """G 1620 ``GET /rest/prodmarketservice/prodmarket/{prdNo}``: the ``Product``'s ``selStatCd`` and ``selPrc``
        (판매가; "" when the answer has none). G 1620 shows no error answer: one without ``selStatCd`` raises on its
        result code, or as an unreadable answer."""
        root = await self._send(Call("GET", f"/rest/prodmarketservice/prodmarket/{prd_no}"))
        state = xml.text_of(root, "selStatCd")
        if state:
            return state, (xml.text_of(root, "selPrc") or "").strip()
        code, text = self._code(root)
        if code:
            raise self._failed(code, text)
        raise Unavailable(
            MARKET,
            f"11번가가 상품 {prd_no}의 판매상태 없이 답했습니다({text or '내용 없음'}). 잠시 뒤 다시 실행해 주세요.",
        )

    async def pause(self, code: str) -> None:
        """판매중지: G 1631 ``PUT /rest/prodstatservice/stat/stopdisplay/{prdNo}`` ([S] ``delete_product`` the same)."""
        prd_no = await self._product_no(code)
        await self._message(Call("PUT", f"/rest/prodstatservice/stat/stopdisplay/{prd_no}"))

    async def resume(self, code: str) -> None:
        """판매재개: G 1632 ``PUT /rest/prodstatservice/stat/restartdisplay/{prdNo}`` (전시중지해제)."""
        prd_no = await self._product_no(code)
        await self._message(Call("PUT", f"/rest/prodstatservice/stat/restartdisplay/{prd_no}"))

    async def delivery_templates(self) -> list[DeliveryTemplate]:
        """The account's 발송마감 템플릿: G 6735 ``GET /rest/prodservices/sendCloseList``
        (``templateBOList{prdInfoTmpltNo, prdInfoTmpltNm, sendClfCd}``). 11번가 has no 배송비 template: fees go in
        each product (G 1003). ``product_type`` carries the 발송방법 (일반발송 / 오늘발송 / 순차발송)."""
        root = await self._send(Call("GET", "/rest/prodservices/sendCloseList"))
        out = []
        for node in xml.find_all(root, "templateBOList"):
            t = xml.record(node)
            if t.get("prdInfoTmpltNo"):
                kind = SEND_KINDS.get(t.get("sendClfCd", ""), t.get("sendClfCd", ""))
                out.append(DeliveryTemplate(t["prdInfoTmpltNo"], t.get("prdInfoTmpltNm", ""), kind))
        return out

    async def _addresses(self, path: str) -> set[str]:
        root = await self._area(path)  # G 1014/1015: only after result_message SUCCESS
        return {xml.record(a).get("addrSeq", "") for a in xml.find_all(root, "inOutAddress")}

    async def check_templates(self, sales: SalesInfo) -> str | None:
        """Check what the guide lets us check before sending: the 발송마감 템플릿 (G 6735), the 출고지 (G 1014
        ``GET /rest/areaservice/outboundarea``) and the 반품/교환지 (G 1015 ``GET /rest/areaservice/inboundarea``).
        The category number has no cheap check here (G 1617 lists a category's children)."""
        number = _digits(sales.get("send_close_template"))
        if number and number not in {t.number for t in await self.delivery_templates()}:
            return f"11번가에 발송마감 템플릿 {number}번이 없습니다. 판매정보의 발송마감 템플릿번호를 확인하세요."
        out = _digits(sales.get("address_out"))
        if out and out not in await self._addresses("/rest/areaservice/outboundarea"):
            return f"11번가 주소록에 출고지 주소순번 {out}이(가) 없습니다. 셀러오피스 주소록을 확인하세요."
        back = _digits(sales.get("address_in"))
        if back and back not in await self._addresses("/rest/areaservice/inboundarea"):
            return f"11번가 주소록에 반품/교환지 주소순번 {back}이(가) 없습니다. 셀러오피스 주소록을 확인하세요."
        return None
