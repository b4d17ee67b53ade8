"""The 11번가 adapter against httpx.MockTransport: exact requests (method, path, headers, EUC-KR XML body), parsed
answers, and every result code the guide names for the calls we make (marketplaces-next.md §1)."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from helpers import FakeClock

from batch.marketplaces import st11_xml as xml
from batch.marketplaces.base import (
    AlreadyDone,
    AuthFailed,
    Blocked,
    ClientSettings,
    DailyCapReached,
    MarketClient,
    RateLimited,
    Rejected,
    Unavailable,
)
from batch.marketplaces.connect import adapter_for
from batch.marketplaces.st11 import St11, St11Credentials
from batch.marketplaces.types import Shipment
from batch.models import (
    ClaimStatus,
    ClaimType,
    Inquiry,
    Market,
    OptionCombo,
    OrderLine,
    OrderStatus,
    Product,
    SalesInfo,
)

KEY = "st11-test-key"
Handler = Callable[[httpx.Request], httpx.Response]

PRODUCT = Product(
    row=3,
    code="ST-001",
    name="다온 스테인리스 텀블러",
    on_sale=True,
    category="주방 > 텀블러",
    price=15000,
    tax="과세",
    maker="다온",
    brand="다온리빙",
    model="T-350",
    origin="국산",
    adult=False,
    keywords=(),
    detail="<p>다온 텀블러</p>",
    images=("https://img.example.com/t1.jpg", "https://img.example.com/t2.jpg"),
    cert_required=False,
    certs=(),
    notice_category="주방용품",
    notices=(("품명 및 모델명", "상세설명참조"),),
    option_names=("색상",),
    options=(OptionCombo(("블랙",), 0, True, 10), OptionCombo(("화이트",), 1000, True, 5)),
)
SALES = SalesInfo(
    Market.ST11,
    "main",
    "11번가-일반",
    (
        ("market_category_no", "1122"),
        ("send_close_template", "344836"),
        ("address_out", "14"),
        ("address_in", "15"),
        ("delivery_fee_type", "조건부무료"),
        ("delivery_fee", "3000"),
        ("free_over", "30000"),
        ("return_fee", "3000"),
        ("exchange_fee", "6000"),
        ("as_guide", "구입 후 1년"),
        ("return_guide", "수령 후 7일 이내"),
    ),
)


def answer(body: str, status: int = 200, headers: dict[str, str] | None = None) -> httpx.Response:
    content = f'<?xml version="1.0" encoding="EUC-KR"?>{body}'.encode("euc-kr")
    return httpx.Response(
        status, content=content, headers={"content-type": "text/xml;charset=EUC-KR", **(headers or {})}
    )


def message(code: str, text: str, product_no: str = "") -> httpx.Response:
    no = f"<productNo>{product_no}</productNo>" if product_no else ""
    return answer(f"<ClientMessage>{no}<message>{text}</message><resultCode>{code}</resultCode></ClientMessage>")


def result_order(code: str, text: str = "") -> httpx.Response:
    return answer(f"<ResultOrder><result_code>{code}</result_code><result_text>{text}</result_text></ResultOrder>")


NS = 'xmlns:ns2="urn:test"'


def orders(*rows: dict[str, str], code: str = "0", text: str = "조회된 결과가 없습니다.") -> httpx.Response:
    if not rows:
        inner = f"<ns2:result_code>{code}</ns2:result_code><ns2:result_text>{text}</ns2:result_text>"
    else:
        inner = "".join("<ns2:order>" + "".join(f"<{k}>{v}</{k}>" for k, v in r.items()) + "</ns2:order>" for r in rows)
    return answer(f"<ns2:orders {NS}>{inner}</ns2:orders>")


class Wire:
    """A MockTransport that answers from ``routes`` (method + path prefix -> handler) and keeps every request."""

    def __init__(self, routes: dict[str, Handler | httpx.Response | list[httpx.Response]]) -> None:
        self.routes = routes
        self.sent: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.sent.append(request)
        for key, found in self.routes.items():
            method, _, prefix = key.partition(" ")
            if request.method == method and request.url.path.startswith(prefix):
                if isinstance(found, list):
                    return found.pop(0)
                return found if isinstance(found, httpx.Response) else found(request)
        return httpx.Response(404, text="no route")


def adapter(wire: Wire, *, attempts: int = 1) -> St11:
    http = httpx.AsyncClient(transport=httpx.MockTransport(wire), base_url="https://api.11st.co.kr")
    settings = ClientSettings(rate_limit=0, max_attempts=attempts)
    return St11(MarketClient("11st", http, settings, clock=FakeClock()), St11Credentials(KEY))


def run(coro: Any) -> Any:
    return asyncio.run(coro)


def body_of(request: httpx.Request) -> dict[str, Any]:
    """The request's XML as {name: text or [children records]}: the first level, and repeated groups as lists."""
    assert request.headers["content-type"] == "text/xml;charset=EUC-KR"
    assert request.content.startswith(b'<?xml version="1.0" encoding="EUC-KR"?>')
    root = xml.decode(request.content, request.headers["content-type"])
    out: dict[str, Any] = {"_root": root.tag}
    for child in root:
        if len(child):
            out.setdefault(child.tag, []).append(xml.record(child))
        else:
            out[child.tag] = child.text or ""
    return out


# --- wiring --------------------------------------------------------------------------------------


def test_connect_knows_11st() -> None:
    assert adapter_for("11st") is St11
    assert St11.sandbox_path == ""


def test_every_call_carries_the_key_header_and_vendor_id_reads_the_member_number() -> None:
    wire = Wire(
        {
            "GET /rest/areaservice/outboundarea": answer(
                f"<ns2:inOutAddresss {NS}><ns2:inOutAddress><addrSeq>14</addrSeq><memNo>10000000</memNo>"
                "</ns2:inOutAddress><ns2:result_message>SUCCESS</ns2:result_message></ns2:inOutAddresss>"
            )
        }
    )
    assert run(adapter(wire).vendor_id()) == "10000000"
    assert wire.sent[0].headers["openapikey"] == KEY
    assert wire.sent[0].url.path == "/rest/areaservice/outboundarea"


def test_an_unknown_key_is_auth_failed() -> None:
    wire = Wire(
        {
            "GET /rest/areaservice/outboundarea": answer(
                f"<ns2:inOutAddresss {NS}><ns2:result_message>주소지 조회 오류 : OpenAPI Key 에 해당하는 유저가 "
                "없습니다.</ns2:result_message></ns2:inOutAddresss>"
            )
        }
    )
    with pytest.raises(AuthFailed):
        run(adapter(wire).vendor_id())


def test_429_with_retry_after_is_rate_limited_and_maintenance_is_unavailable() -> None:
    wire = Wire({"GET /rest/ordservices/complete": answer("<x/>", 429, {"Retry-After": "7"})})
    with pytest.raises(RateLimited) as limited:
        run(adapter(wire).collect_orders(dt.datetime(2025, 6, 1), dt.datetime(2025, 6, 2), "main"))
    assert limited.value.retry_after == 7
    wire = Wire({"GET /rest/ordservices/complete": orders(code="-1000", text="서버 점검중입니다.")})
    with pytest.raises(Unavailable) as down:
        run(adapter(wire).collect_orders(dt.datetime(2025, 6, 1), dt.datetime(2025, 6, 2), "main"))
    assert "정기점검" in down.value.message


# --- products ------------------------------------------------------------------------------------


def test_create_sends_the_documented_product_document_in_euc_kr() -> None:
    wire = Wire(
        {"POST /rest/prodservices/product": message("200", "상품등록이 정상적으로 진행 되었습니다.", "52844137")}
    )
    link = run(adapter(wire).create_product(PRODUCT, SALES))
    assert link.product_no == "52844137"
    request = wire.sent[0]
    assert (request.method, request.url.path) == ("POST", "/rest/prodservices/product")
    assert request.headers["openapikey"] == KEY
    body = body_of(request)
    assert body["_root"] == "Product"
    assert body["prdNm"] == PRODUCT.name  # Korean survived the EUC-KR round trip
    assert body["sellerPrdCd"] == "ST-001"
    assert body["dispCtgrNo"] == "1122"
    assert body["selPrc"] == "15000"
    assert body["dlvSendCloseTmpltNo"] == "344836"
    assert (body["addrSeqOut"], body["addrSeqIn"]) == ("14", "15")
    assert (body["dlvCstInstBasiCd"], body["dlvCst1"], body["PrdFrDlvBasiAmt"]) == ("03", "3000", "30000")
    assert (body["rtngdDlvCst"], body["exchDlvCst"]) == ("3000", "6000")
    assert (body["prdImage01"], body["prdImage02"]) == PRODUCT.images
    assert body["htmlDetail"] == "<p>다온 텀블러</p>"
    assert body["suplDtyfrPrdClfCd"] == "01" and body["minorSelCnYn"] == "Y"
    assert body["colTitle"] == "색상"
    assert body["ProductOption"] == [
        {"useYn": "Y", "colOptPrice": "0", "colValue0": "블랙", "colCount": "10", "colSellerStockCd": "ST-001-001"},
        {"useYn": "Y", "colOptPrice": "1000", "colValue0": "화이트", "colCount": "5", "colSellerStockCd": "ST-001-002"},
    ]
    assert body["ProductNotification"][0]["type"] == "주방용품"
    notice = xml.decode(request.content)
    assert [xml.record(i) for i in xml.find_all(notice, "item")] == [{"code": "품명 및 모델명", "name": "상세설명참조"}]


def test_the_daily_cap_raises_daily_cap_reached() -> None:
    wire = Wire({"POST /rest/prodservices/product": message("400", "상품 등록은 1일 500개 까지만 가능합니다.")})
    with pytest.raises(DailyCapReached):
        run(adapter(wire).create_product(PRODUCT, SALES))


def test_other_refusals_are_rejected_with_11sts_words() -> None:
    wire = Wire({"POST /rest/prodservices/product": message("500", "카테고리 번호가 잘못되었습니다.")})
    with pytest.raises(Rejected) as refused:
        run(adapter(wire).create_product(PRODUCT, SALES))
    assert "카테고리 번호가 잘못되었습니다" in refused.value.message
    assert not isinstance(refused.value, DailyCapReached)


def test_text_euc_kr_cannot_carry_is_refused_never_mangled() -> None:
    wire = Wire({})
    odd = Product(**{**PRODUCT.__dict__, "name": "텀블러 😀 에디션"})
    with pytest.raises(Rejected) as refused:
        run(adapter(wire).create_product(odd, SALES))
    assert "😀" in refused.value.message and "EUC-KR" in refused.value.message
    assert wire.sent == []  # nothing was sent
    assert any("😀" in p for p in adapter(wire).preflight(odd, SALES))


def test_hangul_outside_ks_x_1001_is_refused_never_sent_as_8_bytes() -> None:
    # Python's euc-kr writes 똠 as \xa4\xd4… (8 bytes) that a CP949 server shows as jamo (st11_xml docstring)
    wire = Wire({})
    odd = Product(**{**PRODUCT.__dict__, "maker": "김똠"})
    with pytest.raises(Rejected) as refused:
        run(adapter(wire).create_product(odd, SALES))
    assert "'똠'" in refused.value.message and "EUC-KR 글자만" in refused.value.message
    assert wire.sent == []
    assert any("똠" in p for p in adapter(wire).preflight(odd, SALES))


def test_answers_are_read_as_cp949_and_never_with_replaced_characters() -> None:
    # 11번가 serves CP949 (EUC-KR's superset): a buyer named 똠 is 2 bytes there (G 1876 ordNm)
    named = f'<?xml version="1.0" encoding="EUC-KR"?><ns2:orders {NS}><ns2:order>'
    named += "".join(f"<{k}>{v}</{k}>" for k, v in {**ORDER, "ordNm": "김똠"}.items()) + "</ns2:order></ns2:orders>"
    content = named.encode("cp949")
    assert b"\xa4\xd4" not in content
    headers = {"content-type": "text/xml;charset=EUC-KR"}
    wire = Wire(
        {
            "GET /rest/ordservices/complete/": httpx.Response(200, content=content, headers=headers),
            "GET /rest/ordservices/packaging/": orders(),
        }
    )
    [got] = run(adapter(wire).collect_orders(dt.datetime(2025, 6, 1), dt.datetime(2025, 6, 2), "main"))
    assert got.buyer == "김똠"
    broken = httpx.Response(200, content=content.replace(b"\xb1\xe8", b"\xff\xff"), headers=headers)
    wire = Wire({"GET /rest/ordservices/complete/": broken})
    with pytest.raises(Unavailable) as unreadable:
        run(adapter(wire).collect_orders(dt.datetime(2025, 6, 1), dt.datetime(2025, 6, 2), "main"))
    assert "CP949" in unreadable.value.message and "다시 실행해 주세요" in unreadable.value.message


def test_an_answer_that_is_not_xml_says_to_run_again() -> None:
    wire = Wire({"GET /rest/prodmarketservice/sellerprodcode/": httpx.Response(200, content=b"<html")})
    with pytest.raises(Unavailable) as unreadable:
        run(adapter(wire).find_product("ST-001"))
    assert "XML이 아님" in unreadable.value.message and "잠시 뒤 다시 실행해 주세요" in unreadable.value.message


def test_preflight_names_what_is_missing_in_korean() -> None:
    bare = SalesInfo(Market.ST11, "main", "g", (("market_category_no", "1122"),))
    problems = adapter(Wire({})).preflight(PRODUCT, bare)
    assert "11번가 판매정보의 발송마감 템플릿번호이(가) 비어 있습니다." in problems
    assert any("출고지 주소순번" in p for p in problems)
    assert adapter(Wire({})).preflight(PRODUCT, SALES) == []
    cheap = Product(**{**PRODUCT.__dict__, "price": 15005})
    assert any("10원 단위" in p for p in adapter(Wire({})).preflight(cheap, SALES))


def test_update_puts_the_whole_document_to_the_product_number() -> None:
    from batch.models import ProductLink

    wire = Wire({"PUT /rest/prodservices/product/52844137": message("200", "상품수정이 완료되었습니다.")})
    run(adapter(wire).update_product(PRODUCT, SALES, ProductLink("52844137")))
    assert wire.sent[0].method == "PUT"
    assert body_of(wire.sent[0])["sellerPrdCd"] == "ST-001"


PRODUCTS = (
    f"<ns2:products {NS}><ns2:product><prdNo>45705741</prdNo><sellerPrdCd>ST-001</sellerPrdCd>"
    "<selStatCd>103</selStatCd></ns2:product></ns2:products>"
)


def test_find_product_by_our_code_and_none_when_absent() -> None:
    wire = Wire({"GET /rest/prodmarketservice/sellerprodcode/ST-001": answer(PRODUCTS)})
    link = run(adapter(wire).find_product("ST-001"))
    assert link is not None and link.product_no == "45705741"
    wire = Wire({"GET /rest/prodmarketservice/sellerprodcode/": answer(f"<ns2:products {NS}></ns2:products>")})
    assert run(adapter(wire).find_product("NOPE")) is None
    for empty in (orders(), orders(code="-1", text="해당 건이 없습니다.")):  # G 1876 0 / G 1639 −1 wording
        assert run(adapter(Wire({"GET /rest/prodmarketservice/": empty})).find_product("NOPE")) is None


@pytest.mark.parametrize(
    ("reply", "error"),
    [
        (message("-1", "시스템 오류입니다."), Rejected),
        (message("500", "일시적인 오류가 발생했습니다."), Rejected),
        (message("-1000", "서버 점검중입니다."), Unavailable),
        (message("500", "OpenAPI Key 에 해당하는 유저가 없습니다."), AuthFailed),
    ],
)
def test_find_product_errors_raise_never_none(reply: httpx.Response, error: type[Exception]) -> None:
    # None would let a create in doubt be sent again (G 1621 shows no error answer; only a clean empty list is None)
    with pytest.raises(error):
        run(adapter(Wire({"GET /rest/prodmarketservice/sellerprodcode/": reply})).find_product("ST-001"))


def test_a_create_without_product_number_says_what_happens_next() -> None:
    wire = Wire({"POST /rest/prodservices/product": message("200", "상품등록이 정상적으로 진행 되었습니다.")})
    with pytest.raises(Unavailable) as unknown:
        run(adapter(wire).create_product(PRODUCT, SALES))
    assert unknown.value.outcome_unknown and "먼저 상품을 찾아 본 뒤 보냅니다" in unknown.value.message


def test_pause_and_resume_use_stop_and_restart_display() -> None:
    done = message("200", "판매상태가 수정되었습니다. [STAT : 105]")
    wire = Wire(
        {
            "GET /rest/prodmarketservice/sellerprodcode/": answer(PRODUCTS),
            "PUT /rest/prodstatservice/stat/": done,
        }
    )
    st11 = adapter(wire)
    run(st11.pause("ST-001"))
    run(st11.resume("ST-001"))
    puts = [r.url.path for r in wire.sent if r.method == "PUT"]
    assert puts == [
        "/rest/prodstatservice/stat/stopdisplay/45705741",
        "/rest/prodstatservice/stat/restartdisplay/45705741",
    ]


def test_stock_reads_stock_numbers_and_puts_each_option() -> None:
    stocks = (
        f"<ns2:ProductStocks {NS}>"
        "<ns2:ProductStock><prdStckNo>440634790</prdStckNo><sellerStockCd>ST-001-001</sellerStockCd>"
        "<optWght>0</optWght></ns2:ProductStock>"
        "<ns2:ProductStock><prdStckNo>440634791</prdStckNo><sellerStockCd>ST-001-002</sellerStockCd>"
        "<optWght>0</optWght></ns2:ProductStock></ns2:ProductStocks>"
    )
    wire = Wire(
        {
            "GET /rest/prodmarketservice/sellerprodcode/": answer(PRODUCTS),
            "GET /rest/prodmarketservice/prodmarket/stck/45705741": answer(stocks),
            "PUT /rest/prodservices/stockqty/": message("200", "수량이 업데이트 되었습니다."),
        }
    )
    run(adapter(wire).update_stock(PRODUCT))
    puts = [r for r in wire.sent if r.method == "PUT"]
    assert [r.url.path for r in puts] == [
        "/rest/prodservices/stockqty/440634790",
        "/rest/prodservices/stockqty/440634791",
    ]
    first = body_of(puts[0])
    assert first == {
        "_root": "ProductStock",
        "prdNo": "45705741",
        "prdStckNo": "440634790",
        "stckQty": "10",
        "optWght": "0",
    }


def test_a_missing_stock_number_says_to_update_the_product_first() -> None:
    stocks = (
        f"<ns2:ProductStocks {NS}><ns2:ProductStock><prdStckNo>1</prdStckNo><sellerStockCd>OTHER-1</sellerStockCd>"
        "</ns2:ProductStock><ns2:ProductStock><prdStckNo>2</prdStckNo><sellerStockCd>OTHER-2</sellerStockCd>"
        "</ns2:ProductStock></ns2:ProductStocks>"
    )
    wire = Wire(
        {
            "GET /rest/prodmarketservice/sellerprodcode/": answer(PRODUCTS),
            "GET /rest/prodmarketservice/prodmarket/stck/": answer(stocks),
        }
    )
    with pytest.raises(Rejected) as refused:
        run(adapter(wire).update_stock(PRODUCT))
    assert "ST-001-001의 재고번호가 없습니다" in refused.value.message
    assert "상품을 먼저 수정(다시 전송)한 뒤 재고를 보내 주세요" in refused.value.message
    assert not [r for r in wire.sent if r.method == "PUT"]


def test_templates_and_addresses_are_checked() -> None:
    closes = (
        "<productInformationTemplateList><templateBOList><prdInfoTmpltNo>344836</prdInfoTmpltNo>"
        "<prdInfoTmpltNm>오전 9시까지 당일 발송</prdInfoTmpltNm><sendClfCd>02</sendClfCd></templateBOList>"
        "</productInformationTemplateList>"
    )

    def addresses(*seqs: str) -> httpx.Response:
        items = "".join(f"<ns2:inOutAddress><addrSeq>{s}</addrSeq></ns2:inOutAddress>" for s in seqs)
        return answer(
            f"<ns2:inOutAddresss {NS}>{items}<ns2:result_message>SUCCESS</ns2:result_message></ns2:inOutAddresss>"
        )

    wire = Wire(
        {
            "GET /rest/prodservices/sendCloseList": answer(closes),
            "GET /rest/areaservice/outboundarea": addresses("14"),
            "GET /rest/areaservice/inboundarea": addresses("99"),
        }
    )
    st11 = adapter(wire)
    templates = run(st11.delivery_templates())
    assert [(t.number, t.name, t.product_type) for t in templates] == [("344836", "오전 9시까지 당일 발송", "오늘발송")]
    problem = run(st11.check_templates(SALES))
    assert problem is not None and "반품/교환지 주소순번 15" in problem
    missing = SalesInfo(Market.ST11, "main", "g", (("send_close_template", "1"),))
    assert "발송마감 템플릿 1번" in (run(st11.check_templates(missing)) or "")


@pytest.mark.parametrize(
    ("result_message", "error"),
    [
        ("주소지 조회 오류 : 서버 점검중입니다.", Unavailable),  # −1000 maintenance, in 1014's error shape
        ("주소지 조회 오류 : 시스템 오류", Unavailable),
        ("", Unavailable),
        ("주소지 조회 오류 : OpenAPI Key 에 해당하는 유저가 없습니다.", AuthFailed),
    ],
)
def test_addresses_count_only_after_result_message_success(result_message: str, error: type[Exception]) -> None:
    # G 1014/1015: "result_message를 체크하여 주소시퀀스를 가져온다" — no SUCCESS, no list (never a wrong address)
    reply = answer(
        f"<ns2:inOutAddresss {NS}><ns2:inOutAddress><addrSeq>14</addrSeq><memNo>1</memNo></ns2:inOutAddress>"
        f"<ns2:result_message>{result_message}</ns2:result_message></ns2:inOutAddresss>"
    )
    closes = answer(
        "<productInformationTemplateList><templateBOList><prdInfoTmpltNo>344836</prdInfoTmpltNo>"
        "</templateBOList></productInformationTemplateList>"
    )
    wire = Wire({"GET /rest/prodservices/sendCloseList": closes, "GET /rest/areaservice/": reply})
    with pytest.raises(error):
        run(adapter(wire).check_templates(SALES))
    with pytest.raises(error):
        run(adapter(wire).vendor_id())


# --- orders --------------------------------------------------------------------------------------

ORDER = {
    "addPrdNo": "0",
    "addPrdYn": "N",
    "dlvNo": "40860365",
    "ordNo": "201001108318120",
    "ordPrdSeq": "1",
    "prdNo": "29370295",
    "prdNm": "셔링 브이넥 니트 티셔츠",
    "slctPrdOptNm": "색상:블랙-1개",
    "ordQty": "1",
    "ordAmt": "19000",
    "ordDt": "2010-01-10 04:07:11",
    "ordNm": "홍길동",
    "ordPrtblTel": "010-9999-9999",
    "rcvrNm": "김수령",
    "rcvrPrtblNo": "010-1111-2222",
    "rcvrMailNo": "360100",
    "rcvrBaseAddr": "충북 청주시 상당구 용암동",
    "rcvrDtlsAddr": "00번지 8809호",
    "ordDlvReqCont": "null",
}


def test_collect_orders_in_seven_day_windows_and_result_0_is_no_data() -> None:
    wire = Wire(
        {
            "GET /rest/ordservices/complete/": lambda r: orders(ORDER) if "20250601" in r.url.path else orders(),
            "GET /rest/ordservices/packaging/": orders(),
        }
    )
    lines = run(adapter(wire).collect_orders(dt.datetime(2025, 6, 1), dt.datetime(2025, 6, 10, 12, 30), "main"))
    paths = [r.url.path for r in wire.sent]
    assert paths == [
        "/rest/ordservices/complete/202506010000/202506080000",
        "/rest/ordservices/packaging/202506010000/202506080000",
        "/rest/ordservices/complete/202506080000/202506101230",
        "/rest/ordservices/packaging/202506080000/202506101230",
    ]
    [line] = lines
    assert (line.order_no, line.delivery_no, line.product_no, line.option_no) == (
        "201001108318120",
        "40860365",
        "29370295",
        "1",
    )
    assert line.status is OrderStatus.NEW and line.qty == 1 and line.price == 19000
    assert line.address == "충북 청주시 상당구 용암동 00번지 8809호" and line.message == ""
    assert St11.shipment_key(line) == "40860365"


def line(**kw: Any) -> OrderLine:
    base = dict(
        market="11st",
        account="main",
        order_no="201001108318120",
        delivery_no="40860365",
        product_no="29370295",
        option_no="1",
        product_name="티셔츠",
        option_text="",
        qty=1,
        price=19000,
        ordered_at="",
        status=OrderStatus.NEW,
        buyer="",
        buyer_phone="",
        receiver="",
        receiver_phone="",
        zipcode="",
        address="",
        message="",
    )
    return OrderLine(**{**base, **kw})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("code", "done"),
    [("0", True), ("-3206", True), ("-3211", False), ("-3214", False), ("-1", False)],
)
def test_confirm_result_codes(code: str, done: bool) -> None:
    wire = Wire({"GET /rest/ordservices/reqpackaging/": result_order(code, "결과")})
    outcome = run(adapter(wire).confirm([[line()]]))
    assert wire.sent[0].url.path == "/rest/ordservices/reqpackaging/201001108318120/1/N/null/40860365"
    if done:
        assert outcome == {"40860365": None}
    else:
        error = outcome["40860365"]
        # a cancelled / cancelling order is held (Blocked → 보류), not an error the seller must fix
        assert isinstance(error, Blocked if code in ("-3211", "-3214") else Rejected)
        if code in ("-3211", "-3214"):
            assert "취소" in error.message and "송장도 보내지 않습니다" in error.message


def test_confirm_maintenance_is_unavailable() -> None:
    wire = Wire({"GET /rest/ordservices/reqpackaging/": result_order("-1000", "서버 점검중입니다.")})
    assert isinstance(run(adapter(wire).confirm([[line()]]))["40860365"], Unavailable)


def shipment(**kw: Any) -> Shipment:
    return Shipment(**{"key": "40860365", "lines": (line(),), "courier_code": "00034", "number": "6496711734", **kw})


@pytest.mark.parametrize("code", ["-3306", "-3320", "-3307", "-3310", "-3313"])
def test_invoice_refusals_are_named(code: str) -> None:
    wire = Wire({"GET /rest/ordservices/reqdelivery/": result_order(code, "오류")})
    error = run(adapter(wire).send_invoices([shipment()]))["40860365"]
    assert isinstance(error, Rejected) and error.code == code


def test_invoice_path_and_success() -> None:
    wire = Wire(
        {"GET /rest/ordservices/reqdelivery/": result_order("0", "전체 1건이 정상적으로 발송처리가 되었습니다.")}
    )
    assert run(adapter(wire).send_invoices([shipment()])) == {"40860365": None}
    parts = wire.sent[0].url.path.split("/")
    assert parts[:4] == ["", "rest", "ordservices", "reqdelivery"]
    assert len(parts[4]) == 12 and parts[4].isdigit()  # sendDt YYYYMMDDhhmm
    assert parts[5:] == ["01", "00034", "6496711734", "40860365"]


@pytest.mark.parametrize(("held", "done"), [("6496711734", True), ("1111111111", False)])
def test_already_shipped_is_read_back(held: str, done: bool) -> None:
    wire = Wire(
        {
            "GET /rest/ordservices/reqdelivery/": result_order("-3308", "이미 발송처리 되었습니다."),
            "GET /rest/claimservice/orderlistalladdr/201001108318120": orders(
                {"dlvNo": "40860365", "ordNo": "201001108318120", "dlvEtprsCd": "00034", "invcNo": held}
            ),
        }
    )
    error = run(adapter(wire).send_invoices([shipment()]))["40860365"]
    if done:
        assert error is None
    else:
        assert isinstance(error, Rejected) and "1111111111" in error.message


def test_a_missing_courier_code_and_a_correction_are_refused_in_korean() -> None:
    wire = Wire({})
    outcome = run(adapter(wire).send_invoices([shipment(courier_code="")]))
    assert isinstance(outcome["40860365"], Rejected) and "택배사 코드" in outcome["40860365"].message
    outcome = run(adapter(wire).send_invoices([shipment(correct=True)]))
    assert isinstance(outcome["40860365"], Rejected)
    assert wire.sent == []


# --- claims and Q&A --------------------------------------------------------------------------------


def test_claims_from_cancel_return_and_exchange_lists() -> None:
    wire = Wire(
        {
            "GET /rest/claimservice/cancelorders/": orders(
                {
                    "ordNo": "201001198151936",
                    "ordPrdCnSeq": "8192583",
                    "ordPrdSeq": "1",
                    "prdNo": "41613972",
                    "ordCnStatCd": "01",
                    "ordCnRsnCd": "09",
                    "ordCnDtlsRsn": "다음에 구매하겠습니다.",
                    "createDt": "2010-01-19 13:50:05",
                }
            ),
            "GET /rest/claimservice/withdrawcanceledorders/": orders(
                {"ordNo": "201001198151937", "ordPrdCnSeq": "8192584", "ordPrdSeq": "2", "ordCnStatCd": "05"}
            ),
            "GET /rest/claimservice/returnorders/": orders(
                {
                    "ordNo": "1",
                    "ordPrdSeq": "3",
                    "clmReqSeq": "2400330",
                    "prdNo": "2",
                    "clmStat": "106",
                    "reqDt": "2010-01-06 15:16:37",
                    "twPrdInvcNo": "608393450166",
                    "dlvEtprsCd": "00034",
                }
            ),
            "GET /rest/claimservice/exchangeorders/": orders(
                {"ordNo": "4", "ordPrdSeq": "1", "clmReqSeq": "5", "clmStat": "301", "twPrdInvcNo": "null"},
                {
                    "ordNo": "6",
                    "ordPrdSeq": "1",
                    "clmReqSeq": "7",
                    "clmStat": "212",
                    "twPrdInvcNo": "12",
                    "dlvEtprsCd": "00099",
                },
            ),
        }
    )
    claims = run(adapter(wire).collect_claims(dt.datetime(2025, 5, 1), dt.datetime(2025, 6, 10), "main"))
    assert [r.url.path for r in wire.sent][:4] == [
        "/rest/claimservice/cancelorders/202505010000/202505310000",
        "/rest/claimservice/withdrawcanceledorders/202505010000/202505310000",  # G 1724
        "/rest/claimservice/returnorders/202505010000/202505310000",
        "/rest/claimservice/exchangeorders/202505010000/202505310000",
    ]
    seen = [(c.kind, c.claim_no, c.status, c.shown, c.line_no, c.pickup) for c in claims]
    assert seen == [
        (ClaimType.CANCEL, "8192583", ClaimStatus.REQUESTED, "취소요청", "1", ""),
        (ClaimType.CANCEL, "8192584", ClaimStatus.WITHDRAWN, "취소신청취소(철회완료)", "2", ""),
        (ClaimType.RETURN, "2400330", ClaimStatus.DONE, "반품완료", "3", "CJ대한통운 608393450166"),  # G 1643
        (ClaimType.REDELIVERY, "5", ClaimStatus.REQUESTED, "재배송접수", "1", ""),  # "null": no pick-up number
        (ClaimType.EXCHANGE, "7", ClaimStatus.REQUESTED, "교환승인", "1", "택배사코드 00099 12"),
    ]
    cancel = claims[0]
    assert (cancel.order_no, cancel.requested_at) == ("201001198151936", "2010-01-19 13:50:05")


def test_claim_errors_other_than_nothing_found_raise() -> None:
    wire = Wire(
        {"GET /rest/claimservice/": orders(code="-28008", text="조회기간은 최대 30(한달)일 단위로 가능합니다.")}
    )
    with pytest.raises(Rejected):
        run(adapter(wire).collect_claims(dt.datetime(2025, 6, 1), dt.datetime(2025, 6, 2), "main"))


def test_inquiries_unanswered_in_seven_day_windows_and_answer() -> None:
    qna = answer(
        f"<ns2:productQnas {NS}><ns2:productQna><brdInfoNo>4881274</brdInfoNo><brdInfoClfNo>48073872</brdInfoClfNo>"
        "<brdInfoSbjct>질문이요</brdInfoSbjct><brdInfoCont>사과 맛있나요?</brdInfoCont><answerYn>N</answerYn>"
        "<createDt>2010-01-19 12:47:02.0</createDt><qnaDtlsCd>02</qnaDtlsCd><memID>ssss****</memID>"
        "</ns2:productQna></ns2:productQnas>"
    )
    wire = Wire(
        {
            "GET /rest/prodqnaservices/prodqnalist/": qna,
            "PUT /rest/prodqnaservices/prodqnaanswer/": message("200", "성공적으로 수정되었습니다."),
            "GET /rest/alimi/getalimilist/": alimi(),
        }
    )
    st11 = adapter(wire)
    found = run(st11.collect_inquiries(dt.datetime(2025, 6, 1), dt.datetime(2025, 6, 10), "main"))
    assert [r.url.path for r in wire.sent] == [
        "/rest/prodqnaservices/prodqnalist/20250601/20250607/02",
        "/rest/prodqnaservices/prodqnalist/20250608/20250610/02",
        "/rest/alimi/getalimilist/20250601/20250610/01",
        "/rest/alimi/getalimilist/20250601/20250610/02",
        "/rest/alimi/getalimilist/20250601/20250610/04",
    ]
    [inquiry] = found
    assert (inquiry.inquiry_no, inquiry.kind, inquiry.asked_at) == ("4881274/48073872", "배송", "2010-01-19 12:47:02")
    run(st11.answer(inquiry.inquiry_no, "네, 맛있습니다."))
    put = wire.sent[-1]
    assert (put.method, put.url.path) == ("PUT", "/rest/prodqnaservices/prodqnaanswer/4881274/48073872")
    assert body_of(put) == {"_root": "ProductQna", "answerCont": "네, 맛있습니다."}


def alimi(*rows: dict[str, str], code: str = "0", text: str = "조회된 결과가 없습니다.") -> httpx.Response:
    """G 1796's ``ns2:alimi``: ``ns2:alimListInfo`` rows (``replies`` in ``emerReplyList``), or a result code."""
    if not rows:
        inner = f"<ns2:result_code>{code}</ns2:result_code><ns2:result_text>{text}</ns2:result_text>"
    else:
        inner = ""
        for r in rows:
            replies = "".join(f"<emerReplyCtnt>{x}</emerReplyCtnt>" for x in r.get("replies", "").split("|") if x)
            fields = "".join(f"<{k}>{v}</{k}>" for k, v in r.items() if k != "replies")
            inner += f"<ns2:alimListInfo>{fields}<emerReplyList>{replies}</emerReplyList></ns2:alimListInfo>"
    return answer(f"<ns2:alimi {NS}>{inner}</ns2:alimi>")


def alimi_result(code: str, text: str) -> httpx.Response:
    return answer(
        f"<alimiResult><emerNtceSeq>5590778</emerNtceSeq><ordNo>201409233179697</ordNo><result_code>{code}"
        f"</result_code><result_text>{text}</result_text></alimiResult>"
    )


URGENT = {
    "emerNtceSeq": "5590778",
    "emerNtceSubject": "배송 지연 문의",
    "createDt": "20250603",
    "createTm": "09:05:00",
    "emerReplyDt": "20250605",
    "emerNtceCrntCd": "04",
    "prdNm": "꿀사과 5kg",
    "ordNo": "201409233179697",
    "ordPrdSeq": "1",
    "memId": "buyer01",
    "memNm": "김구매",
    "emerCtnt": "아직 배송이 안 됐다고 합니다.",
    "emerNtceClfNo1": "10",
    "emerNtceClfNm1": "긴급문의",
    "replies": "내일 발송합니다.",
}


def test_alimi_waiting_for_the_seller_come_as_inquiries_with_their_own_deadline() -> None:
    """G 1796: states 01, 02 and 04 in 30-day calls (YYYYMMDD, both days count); 회신기한 as the answer-by day."""
    notice = {**URGENT, "emerNtceSeq": "5590779", "emerNtceCrntCd": "01", "emerNtceClfNo1": "11", "replies": ""}

    def listed(request: httpx.Request) -> httpx.Response:
        state = request.url.path.rsplit("/", 1)[1]
        return alimi(*[r for r in (URGENT, notice) if r["emerNtceCrntCd"] == state])

    wire = Wire({"GET /rest/prodqnaservices/prodqnalist/": qna_none(), "GET /rest/alimi/getalimilist/": listed})
    found = run(adapter(wire).collect_inquiries(dt.datetime(2025, 5, 1), dt.datetime(2025, 6, 10), "main"))
    assert [r.url.path for r in wire.sent if "alimi" in r.url.path] == [
        f"/rest/alimi/getalimilist/{first}/{last}/{state}"
        for first, last in (("20250501", "20250530"), ("20250531", "20250610"))
        for state in ("01", "02", "04")
    ]
    urgent, note = sorted(found, key=lambda q: q.inquiry_no)
    assert urgent == Inquiry(
        market="11st",
        account="main",
        inquiry_no="alimi:5590778",
        kind="긴급문의",
        product_no="",
        order_no="201409233179697",
        asked_at="2025-06-03 09:05:00",
        title="배송 지연 문의",
        body="아직 배송이 안 됐다고 합니다.\n[이전 답변] 내일 발송합니다.",
        asker="buyer01",
        answered=False,
        answer_by="2025-06-05 23:59",
        product_name="꿀사과 5kg",
    )
    assert (note.inquiry_no, note.kind, note.body) == ("alimi:5590779", "긴급알림", "아직 배송이 안 됐다고 합니다.")


def qna_none() -> httpx.Response:
    return answer(f"<ns2:productQnas {NS}></ns2:productQnas>")


@pytest.mark.parametrize(
    ("code", "text", "raised"),
    [
        ("-1", "알리미 조회 오류 MSG : OpenAPI Key 에 해당하는 유저가 없습니다.", AuthFailed),
        ("-10004", "조회기간은 최대 30일단위로 가능합니다.", Rejected),
        ("-1000", "서버 점검중입니다.", Unavailable),
    ],
)
def test_an_alimi_list_refused_raises_and_no_zero_rows_pass_as_nothing(code: str, text: str, raised: type) -> None:
    wire = Wire({"GET /rest/prodqnaservices/prodqnalist/": qna_none(), "GET /rest/alimi/": alimi(code=code, text=text)})
    with pytest.raises(raised):
        run(adapter(wire).collect_inquiries(dt.datetime(2025, 6, 1), dt.datetime(2025, 6, 2), "main"))


def test_an_alimi_is_answered_by_the_put_of_g_6982() -> None:
    wire = Wire({"PUT /rest/alimi/alimianswer": alimi_result("200", "답변처리 되었습니다.")})
    run(adapter(wire).answer("alimi:5590778", "오늘 발송했습니다 / 송장 123"))
    [put] = wire.sent
    assert (put.method, put.url.path, put.headers["openapikey"]) == ("PUT", "/rest/alimi/alimianswer", KEY)
    assert body_of(put) == {
        "_root": "request",
        "confirmYn": "Y",
        "emerNtceSeq": "5590778",
        "answerCtnt": "오늘 발송했습니다 / 송장 123",
    }


@pytest.mark.parametrize(
    ("code", "raised"), [("100", None), ("-10005", AlreadyDone), ("-10000", Rejected), ("-1000", Unavailable)]
)
def test_alimi_answer_codes(code: str, raised: type | None) -> None:
    wire = Wire({"PUT /rest/alimi/alimianswer": alimi_result(code, "결과")})
    if raised is None:
        run(adapter(wire).answer("alimi:5590778", "확인했습니다."))
    else:
        with pytest.raises(raised):
            run(adapter(wire).answer("alimi:5590778", "확인했습니다."))
    assert len(wire.sent) == 1  # a state-changing PUT is never resent by itself


def test_an_alimi_number_that_is_not_a_number_is_refused_before_sending() -> None:
    wire = Wire({})
    with pytest.raises(Rejected, match="숫자"):
        run(adapter(wire).answer("alimi:55/90", "답변"))
    assert wire.sent == []


def test_an_answer_refused_raises() -> None:
    wire = Wire({"PUT /rest/prodqnaservices/prodqnaanswer/": message("500", "답변 업데이트 실패.")})
    with pytest.raises(Rejected):
        run(adapter(wire).answer("1/2", "답변"))


# --- 3,000-row windows, −3309, claim handling (G 1876/1635/1643/1648, 1888, 1638, 1640, 1641, 1644, 1645, 1649, 1650)


def test_a_window_answering_3000_rows_is_split_and_every_row_comes_once() -> None:
    full = [{**ORDER, "ordNo": f"A{i:05d}", "ordPrdSeq": "1"} for i in range(3000)]
    halves = {
        "/rest/ordservices/complete/202506010000/202506011200": orders(*full[:2000]),
        "/rest/ordservices/complete/202506011200/202506020000": orders(*full[1999:], {**ORDER, "ordNo": "B1"}),
    }

    def paid(request: httpx.Request) -> httpx.Response:
        return halves.get(request.url.path) or orders(*full)

    wire = Wire({"GET /rest/ordservices/complete/": paid, "GET /rest/ordservices/packaging/": orders()})
    lines = run(adapter(wire).collect_orders(dt.datetime(2025, 6, 1), dt.datetime(2025, 6, 2), "main"))
    paths = [r.url.path for r in wire.sent if "complete" in r.url.path]
    assert paths == ["/rest/ordservices/complete/202506010000/202506020000", *halves]
    assert sorted(x.order_no for x in lines) == sorted([f"A{i:05d}" for i in range(3000)] + ["B1"])


def test_a_minute_answering_3000_rows_is_refused_in_korean() -> None:
    full = [{**ORDER, "ordNo": f"A{i:05d}"} for i in range(3000)]
    wire = Wire({"GET /rest/claimservice/": orders(*full)})
    with pytest.raises(Rejected, match="3,000건 이상"):
        run(adapter(wire).collect_claims(dt.datetime(2025, 6, 1), dt.datetime(2025, 6, 1, 0, 1), "main"))


@pytest.mark.parametrize(("held", "done"), [("6496711734", True), ("1111111111", False)])
def test_delivered_already_is_read_back_like_shipped_already(held: str, done: bool) -> None:
    wire = Wire(
        {
            "GET /rest/ordservices/reqdelivery/": result_order("-3309", "해당 배송번호는 이미 배송완료 되었습니다."),
            "GET /rest/claimservice/orderlistalladdr/201001108318120": orders(
                {"dlvNo": "40860365", "ordNo": "201001108318120", "dlvEtprsCd": "00034", "invcNo": held}
            ),
        }
    )
    error = run(adapter(wire).send_invoices([shipment()]))["40860365"]
    assert [r.url.path for r in wire.sent][1] == "/rest/claimservice/orderlistalladdr/201001108318120"
    if done:
        assert error is None
    else:
        assert isinstance(error, Rejected) and error.code == "-3309"
        assert "1111111111" in error.message and "강제완료" in error.message


def test_seller_cancel_calls_1638_per_line_with_the_reason_code() -> None:
    wire = Wire({"GET /rest/claimservice/reqrejectorder/": result_order("0", "전체 1건")})
    st11 = adapter(wire)
    run(st11.seller_cancel([line(), line(option_no="2"), line()], "품절", code="09"))
    assert [r.url.raw_path.decode() for r in wire.sent] == [
        "/rest/claimservice/reqrejectorder/201001108318120/1/09/%ED%92%88%EC%A0%88",
        "/rest/claimservice/reqrejectorder/201001108318120/2/09/%ED%92%88%EC%A0%88",
    ]
    with pytest.raises(Rejected, match="상품 품절"):
        run(st11.seller_cancel([line()], code="05"))
    refused = Wire(
        {"GET /rest/claimservice/reqrejectorder/": result_order("-21004", "판매불가 처리 가능한 주문이 아닙니다(1).")}
    )
    with pytest.raises(Rejected, match="판매불가 처리할 수 있는 주문이 아닙니다") as info:
        run(adapter(refused).seller_cancel([line()]))
    assert info.value.code == "-21004" and refused.sent[0].url.path.split("/")[-2] == "08"


def test_claim_calls_use_the_order_line_listed_with_the_claim() -> None:
    claims = Wire(
        {
            "GET /rest/claimservice/cancelorders/": orders(
                {"ordNo": "201001208152015", "ordPrdSeq": "2", "ordPrdCnSeq": "8192706", "ordCnStatCd": "01"}
            ),
            "GET /rest/claimservice/returnorders/": orders(
                {"ordNo": "201001068151292", "ordPrdSeq": "1", "clmReqSeq": "2400330", "clmStat": "105"}
            ),
            "GET /rest/claimservice/exchangeorders/": orders(
                {"ordNo": "201001068151293", "ordPrdSeq": "1", "clmReqSeq": "8191721", "clmStat": "201"}
            ),
            "GET /rest/claimservice/": result_order("0", "전체 1건이 정상적으로 처리가 되었습니다."),
        }
    )
    st11 = adapter(claims)
    run(st11.collect_claims(dt.datetime(2025, 6, 1), dt.datetime(2025, 6, 2), "main"))
    del claims.sent[:]
    run(st11.approve_cancel("8192706"))
    run(st11.reject_cancel("8192706", "00034", "6496711734"))
    run(st11.approve_return("2400330"))
    run(st11.reject_return("2400330", "103", "반품 불가"))
    run(st11.approve_exchange("8191721", "00011", "2254628552"))
    run(st11.reject_exchange("8191721", "204", "기타"))
    paths = [r.url.path for r in claims.sent]
    sent = paths[1].split("/")
    assert sent[:8] == ["", "rest", "claimservice", "cancelreqreject", "201001208152015", "2", "8192706", "01"]
    assert len(sent[8]) == 8 and sent[8].isdigit() and sent[9:] == ["00034", "6496711734"]
    assert [paths[0], *paths[2:]] == [
        "/rest/claimservice/cancelreqconf/8192706/201001208152015/2",
        "/rest/claimservice/returnreqconf/2400330/201001068151292/1",
        "/rest/claimservice/returnreqreject/201001068151292/1/2400330/103/반품 불가",
        "/rest/claimservice/exchangereqconf/8191721/201001068151293/1/00011/2254628552",
        "/rest/claimservice/exchangereqreject/201001068151293/1/8191721/204/기타",
    ]
    with pytest.raises(Rejected, match="다시 수집"):
        run(adapter(Wire({})).approve_cancel("1"))
    with pytest.raises(Rejected, match="반품 상품 미입고"):
        run(st11.reject_return("2400330", "201", "x"))


@pytest.mark.parametrize(
    ("code", "text", "kind"),
    [
        ("-1", "이미 취소 완료된 신청건 입니다.", AlreadyDone),
        ("-22004", "주문취소 상세번호를 알 수 없습니다", Rejected),
        ("-1000", "서버 점검중입니다.", Unavailable),
    ],
)
def test_approve_cancel_result_codes(code: str, text: str, kind: type[Exception]) -> None:
    wire = Wire({"GET /rest/claimservice/cancelreqconf/": result_order(code, text)})
    with pytest.raises(kind) as info:
        run(adapter(wire).approve_cancel("8191721", order_no="201001138151745", line_no="1"))
    assert wire.sent[0].url.path == "/rest/claimservice/cancelreqconf/8191721/201001138151745/1"
    if code == "-22004":
        assert "취소 클레임번호를 모릅니다" in str(info.value)


@pytest.mark.parametrize(
    ("method", "args", "code", "words"),
    [
        ("reject_cancel", ("8192706", "00034", "123"), "-23005", "10자리 이하"),
        ("reject_cancel", ("8192706", "00034", "6496711734"), "-23007", "취소신청 정보가 없습니다"),
        ("approve_return", ("2400330",), "-24006", "반품승인할 수 없습니다"),
        ("reject_return", ("2400330", "101", "미입고"), "-25005", "반품 정보가 없습니다"),
        ("approve_exchange", ("8191721", "00034", "6496711734"), "-27008", "교환승인할 수 없습니다"),
        ("reject_exchange", ("8191721", "201", "미입고"), "-26006", "교환거부할 수 없습니다"),
    ],
)
def test_claim_refusals_are_named(method: str, args: tuple[str, ...], code: str, words: str) -> None:
    wire = Wire({"GET /rest/claimservice/": result_order(code, "오류")})
    with pytest.raises(Rejected, match=words) as info:
        run(getattr(adapter(wire), method)(*args, order_no="201001068151292", line_no="1"))
    assert info.value.code == code and not isinstance(info.value, AlreadyDone)


# --- 부분발송 (G 1636 order/dispatch-1636.md) -------------------------------------------------------


def split(**kw: Any) -> Shipment:
    lines = (line(), line(option_no="2"))
    return shipment(lines=lines, line_numbers=("6496711734", "6496711745"), **kw)


def test_a_unit_with_per_line_numbers_ships_each_line_through_1636() -> None:
    wire = Wire(
        {"GET /rest/ordservices/reqdelivery/": result_order("0", "전체 1건이 정상적으로 발송처리가 되었습니다.")}
    )
    assert run(adapter(wire).send_invoices([split()])) == {"40860365": None}
    tails = [r.url.path.split("/")[5:] for r in wire.sent]
    assert tails == [
        ["01", "00034", "6496711734", "40860365", "Y", "201001108318120", "1"],
        ["01", "00034", "6496711745", "40860365", "Y", "201001108318120", "2"],
    ]


@pytest.mark.parametrize(("held", "done"), [("6496711745", True), ("1111111111", False)])
def test_a_line_shipped_already_is_read_back_by_its_line(held: str, done: bool) -> None:
    rows = (
        {
            "dlvNo": "40860365",
            "ordNo": "201001108318120",
            "ordPrdSeq": "1",
            "dlvEtprsCd": "00034",
            "invcNo": "6496711734",
        },
        {"dlvNo": "40860365", "ordNo": "201001108318120", "ordPrdSeq": "2", "dlvEtprsCd": "00034", "invcNo": held},
    )
    wire = Wire(
        {
            "GET /rest/ordservices/reqdelivery/": [result_order("0"), result_order("-3308", "이미 발송처리")],
            "GET /rest/claimservice/orderlistalladdr/201001108318120": orders(*rows),
        }
    )
    error = run(adapter(wire).send_invoices([split()]))["40860365"]
    if done:
        assert error is None
    else:
        assert isinstance(error, Rejected) and "1111111111" in error.message and "201001108318120-2" in error.message


@pytest.mark.parametrize("code", ["-3306", "-3320", "-3310", "-3321"])
def test_partial_shipment_refusals_name_the_line(code: str) -> None:
    wire = Wire({"GET /rest/ordservices/reqdelivery/": result_order(code, "오류")})
    error = run(adapter(wire).send_invoices([split()]))["40860365"]
    assert isinstance(error, Rejected) and error.code == code and "201001108318120-1" in error.message
    assert len(wire.sent) == 1  # the second line is not tried after the first is refused
