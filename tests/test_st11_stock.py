"""11번가 재고 연동, 판매가 and 판매취소 (issue 17): the adapter's set_stock / set_price / shown / cancel_sale against
httpx.MockTransport (exact requests), the sandbox's stock, sale-state, price, swallow, seeding and 판매불가 rules, and
round trips between them. Sources: G 1620, 1623, 1625, 1631, 1632, 1638, 1725, 1752 (docs/protocols/st11.md)."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from helpers import AppClock, FakeClock, run_sandbox, sandbox_client, sandbox_control, sandbox_ok, sandbox_state
from test_sandbox_st11 import KEY, NOW, XML, flat, parse, product_xml, register
from test_st11_adapter import NS, PRODUCT, PRODUCTS, Wire, adapter, answer, body_of, line, message, orders, result_order

from batch.marketplaces.base import AuthFailed, Rejected, Unavailable
from batch.marketplaces.st11 import St11, St11Credentials
from batch.marketplaces.st11_orders import SALE_CANCEL_CODES
from batch.marketplaces.types import SALE_CANCEL_REASONS, Shipment, Shown
from batch.models import Market, ProductLink, SalesInfo
from batch.sandbox.app import create_app

KST = dt.timezone(dt.timedelta(hours=9))
LINK = ProductLink("45705741")


def run(coro: Any) -> Any:
    return asyncio.run(coro)


def stock_rows(*rows: tuple[str, str, str, str, str]) -> httpx.Response:
    """G 1623's answer: rows of (prdStckNo, sellerStockCd, stckQty, prdStckStatCd, optWght)."""
    body = "".join(
        f"<ns2:ProductStock><prdNo>45705741</prdNo><prdStckNo>{no}</prdStckNo><prdStckStatCd>{stat}</prdStckStatCd>"
        f"<stckQty>{qty}</stckQty><optWght>{weight}</optWght><sellerStockCd>{code}</sellerStockCd></ns2:ProductStock>"
        for no, code, qty, stat, weight in rows
    )
    return answer(f"<ns2:ProductStocks {NS}>{body}<ns2:prdNo>45705741</ns2:prdNo></ns2:ProductStocks>")


THREE = stock_rows(
    ("440634790", "ST-001-001", "10", "01", "0"),
    ("440634791", "ST-001-002", "5", "01", "5"),
    ("440634792", "ST-001-003", "3", "01", "0"),
)
UPDATED = message("200", "옵션재고 번호 440634790(상품번호:45705741)의 수량이 업데이트 되었습니다. 변경된 수량 : 0")


def product_state(code: str, price: str = "") -> httpx.Response:
    """G 1620's answer, the fields we read (``selPrc`` only when ``price`` is given)."""
    selling = f"<selPrc>{price}</selPrc>" if price else ""
    return answer(
        f"<Product><message>[45705741] 상품 정보가 정상적으로 조회되었습니다.</message><prdNo>45705741</prdNo>"
        f"{selling}<selStatCd>{code}</selStatCd></Product>"
    )


def requests(wire: Wire) -> list[tuple[str, str]]:
    return [(r.method, r.url.path) for r in wire.sent]


# --- set_stock (G 1623 + G 1625) -------------------------------------------------------------------


def test_set_stock_reads_1623_once_and_puts_each_named_option_only() -> None:
    wire = Wire(
        {"GET /rest/prodmarketservice/prodmarket/stck/45705741": THREE, "PUT /rest/prodservices/stockqty/": UPDATED}
    )
    run(adapter(wire).set_stock("ST-001", LINK, {"ST-001-002": 0, "ST-001-001": 5}))
    assert requests(wire) == [
        ("GET", "/rest/prodmarketservice/prodmarket/stck/45705741"),
        ("PUT", "/rest/prodservices/stockqty/440634791"),
        ("PUT", "/rest/prodservices/stockqty/440634790"),
    ]
    assert body_of(wire.sent[1]) == {
        "_root": "ProductStock",
        "prdNo": "45705741",
        "prdStckNo": "440634791",
        "stckQty": "0",
        "optWght": "5",  # as G 1623 shows it
    }
    assert body_of(wire.sent[2])["stckQty"] == "5"
    assert all(r.headers["openapikey"] for r in wire.sent)


def test_set_stock_without_a_number_in_the_link_finds_it_by_our_code_first() -> None:
    wire = Wire(
        {
            "GET /rest/prodmarketservice/sellerprodcode/ST-001": answer(PRODUCTS),
            "GET /rest/prodmarketservice/prodmarket/stck/45705741": THREE,
            "PUT /rest/prodservices/stockqty/": UPDATED,
        }
    )
    run(adapter(wire).set_stock("ST-001", ProductLink(""), {"ST-001-003": -2}))
    assert requests(wire) == [
        ("GET", "/rest/prodmarketservice/sellerprodcode/ST-001"),
        ("GET", "/rest/prodmarketservice/prodmarket/stck/45705741"),
        ("PUT", "/rest/prodservices/stockqty/440634792"),
    ]
    assert body_of(wire.sent[2])["stckQty"] == "0"  # below 0 is sold out


def test_nothing_to_set_sends_nothing() -> None:
    wire = Wire({})
    run(adapter(wire).set_stock("ST-001", LINK, {}))
    assert wire.sent == []


def test_an_option_is_found_by_the_stock_number_the_link_recorded() -> None:
    rows = stock_rows(("440634790", "", "10", "01", "0"), ("440634791", "", "5", "01", "0"))
    wire = Wire({"GET /rest/prodmarketservice/prodmarket/stck/": rows, "PUT /rest/prodservices/stockqty/": UPDATED})
    link = ProductLink("45705741", {"ST-001-002": "440634791"})
    run(adapter(wire).set_stock("ST-001", link, {"ST-001-002": 1}))
    assert requests(wire)[1] == ("PUT", "/rest/prodservices/stockqty/440634791")


def test_a_listing_without_options_gets_no_stock_call_at_zero() -> None:  # G 1003 prdSelQty: 0 is refused
    own = stock_rows(("440634790", "", "10", "01", "0"))
    wire = Wire({"GET /rest/prodmarketservice/prodmarket/stck/": own, "PUT /rest/prodservices/stockqty/": UPDATED})
    run(adapter(wire).set_stock("ST-001", LINK, {"ST-001-001": 0}))
    assert [m for m, _ in requests(wire)] == ["GET"]
    run(adapter(wire).set_stock("ST-001", LINK, {"ST-001-001": 7}))
    assert requests(wire)[-1] == ("PUT", "/rest/prodservices/stockqty/440634790")
    assert body_of(wire.sent[-1])["stckQty"] == "7"


def test_an_option_11st_does_not_show_is_refused_after_the_others_are_sent() -> None:
    rows = stock_rows(("440634790", "ST-001-001", "10", "01", "0"))
    wire = Wire({"GET /rest/prodmarketservice/prodmarket/stck/": rows, "PUT /rest/prodservices/stockqty/": UPDATED})
    with pytest.raises(Rejected) as refused:
        run(adapter(wire).set_stock("ST-001", LINK, {"ST-001-009": 0, "ST-001-001": 0}))
    assert refused.value.message == (
        "11번가 상품 45705741에 옵션 ST-001-009의 재고번호가 없습니다. 상품을 먼저 수정(다시 전송)한 뒤 재고를 보내 주세요."
    )
    assert requests(wire)[1:] == [("PUT", "/rest/prodservices/stockqty/440634790")]


def test_a_refused_option_does_not_stop_the_next_and_maintenance_stops_at_once() -> None:
    failed = message("500", "옵션재고 번호 440634791(상품번호:45705741)의 수량 업데이트 실패. MSG : 비지니스 Error")
    wire = Wire(
        {"GET /rest/prodmarketservice/prodmarket/stck/": THREE, "PUT /rest/prodservices/stockqty/": [failed, UPDATED]}
    )
    with pytest.raises(Rejected) as refused:
        run(adapter(wire).set_stock("ST-001", LINK, {"ST-001-002": 0, "ST-001-001": 0}))
    assert refused.value.code == "500" and "수량 업데이트 실패" in refused.value.message
    assert len([r for r in wire.sent if r.method == "PUT"]) == 2
    down = message("-1000", "서버 점검중입니다.")
    wire = Wire(
        {"GET /rest/prodmarketservice/prodmarket/stck/": THREE, "PUT /rest/prodservices/stockqty/": [down, UPDATED]}
    )
    with pytest.raises(Unavailable):
        run(adapter(wire).set_stock("ST-001", LINK, {"ST-001-002": 0, "ST-001-001": 0}))
    assert len([r for r in wire.sent if r.method == "PUT"]) == 1


def test_a_1623_answer_with_a_result_code_and_no_rows_raises() -> None:
    wire = Wire(
        {"GET /rest/prodmarketservice/prodmarket/stck/": message("500", "해당 상품의 정보를 찾을 수 없습니다.")}
    )
    with pytest.raises(Rejected, match="해당 상품의 정보를 찾을 수 없습니다"):
        run(adapter(wire).set_stock("ST-001", LINK, {"ST-001-001": 1}))


# --- shown (G 1623 + G 1620) -----------------------------------------------------------------------


def test_shown_reads_each_options_stock_and_the_sale_state() -> None:
    rows = stock_rows(
        ("440634790", "ST-001-001", "4", "01", "0"),
        ("440634791", "ST-001-002", "9", "02", "0"),  # 02 품절 shows 0 whatever the quantity
        ("440634792", "", "6", "01", "0"),  # named by the link's 재고번호
        ("440634793", "ST-001-004", "", "01", "0"),  # no number: left out, never read as sold out
    )
    link = ProductLink("45705741", {"ST-001-003": "440634792"})
    for state, on_sale in (("103", True), ("104", False), ("105", False), ("108", False)):
        wire = Wire(
            {
                "GET /rest/prodmarketservice/prodmarket/stck/45705741": rows,
                "GET /rest/prodmarketservice/prodmarket/45705741": product_state(state),
            }
        )
        shown = run(adapter(wire).shown("ST-001", link))
        assert shown == Shown(on_sale=on_sale, stocks={"ST-001-001": 4, "ST-001-002": 0, "ST-001-003": 6})
        assert requests(wire) == [
            ("GET", "/rest/prodmarketservice/prodmarket/stck/45705741"),
            ("GET", "/rest/prodmarketservice/prodmarket/45705741"),
        ]
        assert "ST-001-004" not in shown.stocks


def test_shown_names_the_one_row_of_a_listing_without_options_by_our_first_option() -> None:
    wire = Wire(
        {
            "GET /rest/prodmarketservice/prodmarket/stck/": stock_rows(("440634790", "", "2", "01", "0")),
            "GET /rest/prodmarketservice/prodmarket/": product_state("103"),
        }
    )
    assert run(adapter(wire).shown("ST-001", LINK)) == Shown(True, {"ST-001-001": 2}, price=None)


@pytest.mark.parametrize(("selling", "price"), [("18000", 18000), ("", None), ("18,000", None)])
def test_shown_reads_the_price_from_the_same_1620_answer(selling: str, price: int | None) -> None:
    wire = Wire(
        {
            "GET /rest/prodmarketservice/prodmarket/stck/": THREE,
            "GET /rest/prodmarketservice/prodmarket/": product_state("103", selling),
        }
    )
    assert run(adapter(wire).shown("ST-001", LINK)).price == price
    assert len(wire.sent) == 2  # no call of its own


@pytest.mark.parametrize(
    ("reply", "error"),
    [
        (message("500", "해당 상품의 정보를 찾을 수 없습니다. 상품번호 : 45705741"), Rejected),
        (message("-1000", "서버 점검중입니다."), Unavailable),
        (answer("<Product><prdNo>45705741</prdNo></Product>"), Unavailable),
    ],
)
def test_a_sale_state_11st_does_not_give_raises(reply: httpx.Response, error: type[Exception]) -> None:
    wire = Wire(
        {
            "GET /rest/prodmarketservice/prodmarket/stck/": THREE,
            "GET /rest/prodmarketservice/prodmarket/": reply,
        }
    )
    with pytest.raises(error):
        run(adapter(wire).shown("ST-001", LINK))


# --- set_price (G 1623 + G 1752) -------------------------------------------------------------------


def option_prices(*rows: tuple[str, str, str]) -> httpx.Response:
    """G 1623's answer: rows of (prdStckNo, sellerStockCd, addPrc)."""
    body = "".join(
        f"<ns2:ProductStock><addPrc>{price}</addPrc><prdNo>45705741</prdNo><prdStckNo>{no}</prdStckNo>"
        f"<prdStckStatCd>01</prdStckStatCd><stckQty>5</stckQty><optWght>0</optWght>"
        f"<sellerStockCd>{code}</sellerStockCd></ns2:ProductStock>"
        for no, code, price in rows
    )
    return answer(f"<ns2:ProductStocks {NS}>{body}<ns2:prdNo>45705741</ns2:prdNo></ns2:ProductStocks>")


PRICED = option_prices(("440634790", "ST-001-001", "0"), ("440634791", "ST-001-002", "1000"))
PRICE_SET = answer(
    "<ClientMessage><productNo>45705741</productNo><message>(상품번호:45705741)의 가격이 업데이트 되었습니다.</message>"
    "<resultCode>200</resultCode><preSelPrc>15000</preSelPrc></ClientMessage>"
)


def test_set_price_reads_the_option_prices_then_sends_1752_alone() -> None:
    wire = Wire(
        {
            "GET /rest/prodmarketservice/prodmarket/stck/45705741": PRICED,
            "GET /rest/prodservices/product/price/": PRICE_SET,
        }
    )
    run(adapter(wire).set_price("ST-001", LINK, 18000, {"ST-001-001": 0, "ST-001-002": 1000}))
    assert requests(wire) == [
        ("GET", "/rest/prodmarketservice/prodmarket/stck/45705741"),
        ("GET", "/rest/prodservices/product/price/45705741/18000"),
    ]
    assert wire.sent[1].content == b"" and wire.sent[1].headers["openapikey"] == "st11-test-key"


def test_set_price_without_a_number_in_the_link_finds_it_by_our_code_first() -> None:
    wire = Wire(
        {
            "GET /rest/prodmarketservice/sellerprodcode/ST-001": answer(PRODUCTS),
            "GET /rest/prodmarketservice/prodmarket/stck/45705741": PRICED,
            "GET /rest/prodservices/product/price/": PRICE_SET,
        }
    )
    run(adapter(wire).set_price("ST-001", ProductLink(""), 15010, {"ST-001-002": 1000}))  # ST-001-001: 0 extra
    assert [path for _, path in requests(wire)] == [
        "/rest/prodmarketservice/sellerprodcode/ST-001",
        "/rest/prodmarketservice/prodmarket/stck/45705741",
        "/rest/prodservices/product/price/45705741/15010",
    ]


@pytest.mark.parametrize("price", [15005, 0, -10, 1_000_000_000])
def test_a_price_11st_never_takes_is_refused_before_any_call(price: int) -> None:  # G 1003 selPrc
    wire = Wire({})
    with pytest.raises(Rejected) as refused:
        run(adapter(wire).set_price("ST-001", LINK, price, {}))
    assert refused.value.message == (
        f"11번가 판매가는 10원 단위, 10억 원 미만이어야 합니다({price:,}원). 판매가를 고쳐 다시 보내 주세요."
    )
    assert wire.sent == []


def test_an_option_price_11st_holds_otherwise_sends_no_price() -> None:
    rows = option_prices(
        ("440634790", "ST-001-001", "500"),  # the file gives no extra: 0
        ("440634791", "ST-001-002", "1000"),
        ("440634792", "", "700"),  # named by the link's 재고번호
        ("440634793", "", "9000"),  # named by nothing: not compared
    )
    wire = Wire(
        {"GET /rest/prodmarketservice/prodmarket/stck/": rows, "GET /rest/prodservices/product/price/": PRICE_SET}
    )
    link = ProductLink("45705741", {"ST-001-003": "440634792"})
    with pytest.raises(Rejected) as refused:
        run(adapter(wire).set_price("ST-001", link, 18000, {"ST-001-002": 1000, "ST-001-003": 500}))
    assert refused.value.message == (
        "11번가 상품 45705741의 옵션 추가금액이 상품 파일과 다릅니다(ST-001-001: 11번가 500원, 파일 0원; ST-001-003: "
        "11번가 700원, 파일 500원). 판매가를 보내지 않았습니다. 상품대량등록 파일로 상품을 먼저 수정(다시 전송)한 뒤 "
        "판매가를 보내 주세요."
    )
    assert [method for method, _ in requests(wire)] == ["GET"]  # the G 1623 read only


def test_a_listing_without_options_sends_its_price_without_comparing() -> None:
    own = option_prices(("440634790", "", "0"))
    wire = Wire(
        {"GET /rest/prodmarketservice/prodmarket/stck/": own, "GET /rest/prodservices/product/price/": PRICE_SET}
    )
    run(adapter(wire).set_price("ST-001", LINK, 9990, {"ST-001-001": 300}))
    assert requests(wire)[-1] == ("GET", "/rest/prodservices/product/price/45705741/9990")


def price_refused(text: str, code: str = "500") -> httpx.Response:
    """G 1752's error answer."""
    return answer(
        f"<ClientMessage><productNo>45705741</productNo><message>{text}</message><resultCode>{code}</resultCode>"
        "</ClientMessage>"
    )


def test_a_1752_refusal_reaches_the_caller_in_korean() -> None:
    words = "(상품번호:45705741)의 가격 업데이트 실패. MSG : 판매가는 최대 50% 인상/80% 인하까지 수정하실 수 있습니다. [30000]"
    wire = Wire(
        {
            "GET /rest/prodmarketservice/prodmarket/stck/": PRICED,
            "GET /rest/prodservices/product/price/": price_refused(words),
        }
    )
    with pytest.raises(Rejected) as refused:
        run(adapter(wire).set_price("ST-001", LINK, 30000, {"ST-001-002": 1000}))
    assert refused.value.code == "500"
    assert refused.value.message == (
        f"11번가가 상품 45705741의 판매가를 30,000원으로 바꾸지 않았습니다: {words} (결과코드 500). 11번가 판매가는 "
        "10원 단위로 한 번에 50% 인상·80% 인하까지 바꿀 수 있고, 옵션가는 판매가의 -50%~+100% 안이어야 합니다. "
        "판매가를 확인해 다시 보내 주세요."
    )


@pytest.mark.parametrize(
    ("reply", "error"),
    [
        (price_refused("서버 점검중입니다.", "-1000"), Unavailable),
        (
            price_refused("상품번호:45705741)의 가격 업데이트 실패. MSG : OpenAPI Key 에 해당하는 유저가 없습니다."),
            AuthFailed,
        ),
        (answer("<ClientMessage><message>정상</message><resultCode>210</resultCode></ClientMessage>"), Rejected),
    ],
)
def test_1752_answers_other_than_200_raise(reply: httpx.Response, error: type[Exception]) -> None:
    wire = Wire(
        {"GET /rest/prodmarketservice/prodmarket/stck/": PRICED, "GET /rest/prodservices/product/price/": reply}
    )
    with pytest.raises(error):
        run(adapter(wire).set_price("ST-001", LINK, 18000, {"ST-001-002": 1000}))


# --- cancel_sale (G 1638, G 1725) ------------------------------------------------------------------


def test_every_sale_cancel_reason_has_an_11st_code() -> None:
    assert set(SALE_CANCEL_CODES) == set(SALE_CANCEL_REASONS)


@pytest.mark.parametrize(
    ("reason", "option_code", "code", "label"),
    [
        ("품절", "ST-001-002", "09", "옵션 품절(해당옵션)"),
        ("품절", "", "08", "상품 품절(전체옵션)"),
        ("배송지연", "", "06", "배송 지연 예상"),
        ("가격오류", "ST-001-001", "07", "상품 가격 정보 잘못 입력"),  # 상품/가격 …: no slash in a path segment
        ("기타", "", "99", "기타"),
    ],
)
def test_cancel_sale_maps_each_reason_to_its_1638_code(reason: str, option_code: str, code: str, label: str) -> None:
    wire = Wire({"GET /rest/claimservice/reqrejectorder/": result_order("0", "전체 1건이 정상적으로 처리되었습니다.")})
    done = run(adapter(wire).cancel_sale([[line(option_code=option_code)]], reason))
    assert done == {"40860365": None}
    assert [r.url.raw_path.decode() for r in wire.sent] == [
        f"/rest/claimservice/reqrejectorder/201001108318120/1/{code}/{quote(label, safe='')}"
    ]


def test_cancel_sale_calls_once_per_line_of_each_unit_and_keys_by_delivery_number() -> None:
    wire = Wire({"GET /rest/claimservice/reqrejectorder/": result_order("0", "전체 1건")})
    first = [line(), line(option_no="2"), line()]
    second = [line(order_no="201001108318121", delivery_no="40860366")]
    assert run(adapter(wire).cancel_sale([first, second], "기타")) == {"40860365": None, "40860366": None}
    assert sorted(r.url.path.split("/")[4:6] for r in wire.sent) == [
        ["201001108318120", "1"],
        ["201001108318120", "2"],
        ["201001108318121", "1"],
    ]


def test_a_reason_11st_has_no_code_for_refuses_every_unit_and_sends_nothing() -> None:
    wire = Wire({})
    out = run(adapter(wire).cancel_sale([[line()], [line(delivery_no="2")]], "고객변심"))
    assert sorted(out) == ["2", "40860365"] and wire.sent == []
    for error in out.values():
        assert isinstance(error, Rejected)
        assert (
            error.message
            == "11번가 판매취소 사유로 '고객변심'은(는) 보낼 수 없습니다. 품절, 배송지연, 가격오류, 기타 중 하나를 고르세요."
        )


def delivery_info(state: str, name: str) -> httpx.Response:
    """G 1725's answer for line 1 of order 201001108318120."""
    return orders(
        {"dlvNo": "40860365", "ordNo": "201001108318120", "ordPrdSeq": "1", "ordPrdStat": state, "ordPrdStatNm": name}
    )


@pytest.mark.parametrize(
    ("state", "name", "words"),
    [
        ("B01", "주문취소", None),
        ("C01", "수취확인후주문취소", None),
        ("401", "배송중", "이미 발송처리되었습니다. 판매취소할 수 없으니 구매자와 협의해 반품으로 처리하세요."),
        ("701", "취소신청", "구매자의 취소신청이 진행 중입니다. 판매취소 대신 취소요청을 승인하세요."),
        ("202", "결제완료", "판매불가 처리할 수 있는 주문이 아닙니다"),
    ],
)
def test_not_refusable_is_read_back_cancelled_is_done_anything_else_refused(
    state: str, name: str, words: str | None
) -> None:
    wire = Wire(
        {
            "GET /rest/claimservice/reqrejectorder/": result_order(
                "-21004", "판매불가 처리 가능한 주문이 아닙니다(1)."
            ),
            "GET /rest/claimservice/orderlistalladdr/201001108318120": delivery_info(state, name),
        }
    )
    [error] = run(adapter(wire).cancel_sale([[line()]], "품절")).values()
    assert requests(wire)[1] == ("GET", "/rest/claimservice/orderlistalladdr/201001108318120")
    if words is None:
        assert error is None
    else:
        assert isinstance(error, Rejected) and error.code == "-21004"
        assert error.message.startswith(
            f"11번가 주문 201001108318120-1은(는) 판매취소할 수 없는 상태입니다(현재: {name})."
        )
        assert words in error.message


def test_other_refusals_are_per_unit_and_not_read_back() -> None:
    wire = Wire(
        {
            "GET /rest/claimservice/reqrejectorder/201001108318120": result_order(
                "-21002", "주문 번호를 알 수 없습니다."
            ),
            "GET /rest/claimservice/reqrejectorder/": result_order("0", "전체 1건"),
        }
    )
    out = run(adapter(wire).cancel_sale([[line()], [line(order_no="201001108318999", delivery_no="7")]], "배송지연"))
    assert out["7"] is None
    refused = out["40860365"]
    assert isinstance(refused, Rejected) and refused.code == "-21002" and "주문번호를 모릅니다" in refused.message
    assert all("orderlistalladdr" not in r.url.path for r in wire.sent)


def test_a_seller_cancel_is_never_resent_by_the_client() -> None:  # not idempotent: a lost answer is not retried
    def timeout(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("no answer", request=request)

    wire = Wire({"GET /rest/claimservice/reqrejectorder/": timeout})
    [error] = run(adapter(wire, attempts=3).cancel_sale([[line()]], "품절")).values()
    assert isinstance(error, Unavailable) and error.outcome_unknown
    assert len(wire.sent) == 1


def test_order_lines_carry_the_seller_stock_code_11st_echoes() -> None:  # G 1876/1635 sellerStockCd
    row = {
        "ordNo": "201001108318120",
        "ordPrdSeq": "1",
        "dlvNo": "40860365",
        "ordQty": "1",
        "sellerStockCd": "ST-001-002",
    }
    wire = Wire(
        {
            "GET /rest/ordservices/complete/": orders(row),
            "GET /rest/ordservices/packaging/": orders({**row, "ordNo": "201001108318121", "sellerStockCd": ""}),
        }
    )
    lines = run(adapter(wire).collect_orders(dt.datetime(2025, 6, 1), dt.datetime(2025, 6, 2), "main"))
    assert [(x.order_no, x.option_code) for x in lines] == [("201001108318120", "ST-001-002"), ("201001108318121", "")]


# --- the sandbox ---------------------------------------------------------------------------------


Scenario = Callable[[httpx.AsyncClient], Awaitable[None]]


def sandbox(scenario: Scenario) -> None:
    run_sandbox(scenario, create_app(clock=AppClock(NOW)))


TWO_OPTIONS = product_xml(options=[("레드", 0), ("블루", 0)])


async def stock_state(client: httpx.AsyncClient, prd_no: str = "5000000001") -> list[dict[str, str]]:
    root = parse(await client.get(f"/rest/prodmarketservice/prodmarket/stck/{prd_no}", headers=KEY))
    return [flat(row) for row in root if row.tag.endswith("ProductStock")]


async def put_stock(client: httpx.AsyncClient, stock_no: str, qty: int, prd_no: str = "5000000001") -> dict[str, str]:
    body = (
        f"<ProductStock><prdNo>{prd_no}</prdNo><prdStckNo>{stock_no}</prdStckNo><stckQty>{qty}</stckQty>"
        "<optWght>0</optWght></ProductStock>"
    )
    answer = await client.put(
        f"/rest/prodservices/stockqty/{stock_no}", content=body.encode("euc-kr"), headers={**KEY, **XML}
    )
    return flat(parse(answer))


async def sale_state(client: httpx.AsyncClient, prd_no: str = "5000000001") -> dict[str, str]:
    return flat(parse(await client.get(f"/rest/prodmarketservice/prodmarket/{prd_no}", headers=KEY)))


def test_an_options_zero_is_its_sold_out_row_and_a_products_own_zero_is_refused() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        await register(client, TWO_OPTIONS)
        red, blue = await stock_state(client)
        done = await put_stock(client, red["prdStckNo"], 0)
        assert done["resultCode"] == "200"
        assert (
            done["message"]
            == f"옵션재고 번호 {red['prdStckNo']}(상품번호:5000000001)의 수량이 업데이트 되었습니다. 변경된 수량 : 0"
        )
        red, blue = await stock_state(client)
        assert (red["stckQty"], red["prdStckStatCd"], blue["stckQty"], blue["prdStckStatCd"]) == ("0", "02", "10", "01")
        await register(client, product_xml(sellerPrdCd="SKU-2", prdSelQty="5"))  # 5000000002, no options
        [own] = await stock_state(client, "5000000002")
        refused = await put_stock(client, own["prdStckNo"], 0, "5000000002")
        assert refused["resultCode"] == "500"
        assert refused["message"].endswith(
            "MSG : 재고는 0으로 입력할 수 없습니다. 상품 판매 중단을 원하시면 판매중지 처리하시기 바랍니다."
        )
        assert (await stock_state(client, "5000000002"))[0]["stckQty"] == "5"

    sandbox(scenario)


def test_the_sale_state_follows_stop_and_restart_display() -> None:  # G 1620, 1631, 1632
    async def scenario(client: httpx.AsyncClient) -> None:
        await register(client, TWO_OPTIONS)
        state = await sale_state(client)
        assert (state["prdNo"], state["selStatCd"], state["selStatNm"], state["sellerPrdCd"]) == (
            "5000000001",
            "103",
            "판매중",
            "SKU-1",
        )
        assert state["message"] == "[5000000001] 상품 정보가 정상적으로 조회되었습니다."
        await client.put("/rest/prodstatservice/stat/stopdisplay/5000000001", headers=KEY)
        assert (await sale_state(client))["selStatCd"] == "105"
        await client.put("/rest/prodstatservice/stat/restartdisplay/5000000001", headers=KEY)
        assert (await sale_state(client))["selStatCd"] == "103"
        unknown = await sale_state(client, "5999999999")
        assert (unknown["resultCode"], unknown["message"]) == (
            "500",
            "해당 상품의 정보를 찾을 수 없습니다. 상품번호 : 5999999999",
        )

    sandbox(scenario)


def test_swallow_answers_stock_and_status_writes_as_done_and_changes_nothing() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        await register(client, TWO_OPTIONS)
        red, _ = await stock_state(client)
        await sandbox_ok(client, "swallow", {"market": "11st", "on": True})
        assert (await sandbox_state(client, "11st"))["swallow"] is True
        done = await put_stock(client, red["prdStckNo"], 0)
        assert done["resultCode"] == "200" and done["message"].endswith("변경된 수량 : 0")
        stop = flat(parse(await client.put("/rest/prodstatservice/stat/stopdisplay/5000000001", headers=KEY)))
        assert (stop["resultCode"], stop["message"]) == ("200", "판매상태가 수정되었습니다. [STAT : 105]")
        assert (await stock_state(client))[0]["stckQty"] == "10"
        assert (await sale_state(client))["selStatCd"] == "103"
        assert (await put_stock(client, "1", 3))["resultCode"] == "404"  # refusals still refuse
        await sandbox_ok(client, "swallow", {"market": "11st", "on": False})
        await put_stock(client, red["prdStckNo"], 0)
        await client.put("/rest/prodstatservice/stat/stopdisplay/5000000001", headers=KEY)
        assert (await stock_state(client))[0]["stckQty"] == "0"
        assert (await sale_state(client))["selStatCd"] == "105"
        await sandbox_ok(client, "swallow", {"market": "11st", "on": True})
        await sandbox_ok(client, "reset", {"market": "11st"})
        assert (await sandbox_state(client, "11st"))["swallow"] is False

    sandbox(scenario)


def test_seeding_takes_a_quantity_and_a_product() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        await register(client, product_xml(options=[("레드", 0), ("블루", 0)], sellerPrdCd="SKU-1"))
        await register(client, product_xml(sellerPrdCd="SKU-2", prdSelQty="5"))
        stocks = {s["prdStckNo"]: s for s in (await sandbox_state(client, "11st"))["products"][0]["stocks"]}
        made = await sandbox_control(
            client, "11st", "seed", {"orders": 6, "qty": 2, "product": "5000000001", "seed": 2}
        )
        lines = (await sandbox_state(client, "11st"))["orders"]
        assert len(made["orders"]) == 6 and lines
        assert {(x["prdNo"], x["ordQty"]) for x in lines} == {("5000000001", 2)}
        listed = parse(await client.get("/rest/ordservices/complete/202506171000/202506181000", headers=KEY))
        for row in map(flat, listed):
            assert row["prdStckNo"] in stocks and row["ordAmt"] == "40000"
            assert row["sellerStockCd"] == stocks[row["prdStckNo"]]["sellerStockCd"]  # the option's own code
        for bad, words in (
            ({"qty": 0}, "qty must be an integer in [1, 999], got 0"),
            ({"qty": "2"}, "qty must be an integer in [1, 999], got '2'"),
            ({"product": 5000000001}, "product must be an 11st product number (digits, a string), got 5000000001"),
            ({"product": "5999999999"}, "product '5999999999' is not a product on sale (103) of 11st account 'main'"),
        ):
            answer = await client.post("/__sandbox__/seed", json={"market": "11st", "orders": 1, **bad})
            assert answer.status_code == 400 and words in answer.text, answer.text
        await client.put("/rest/prodstatservice/stat/stopdisplay/5000000002", headers=KEY)
        answer = await client.post("/__sandbox__/seed", json={"market": "11st", "orders": 1, "product": "5000000002"})
        assert answer.status_code == 400 and "not a product on sale" in answer.text

    sandbox(scenario)


def test_a_seller_cancel_cancels_before_shipping_and_is_refused_after() -> None:  # G 1638, 1725, 1639
    async def scenario(client: httpx.AsyncClient) -> None:
        await sandbox_control(client, "11st", "seed", {"orders": 2, "seed": 5})
        first, second = (await sandbox_state(client, "11st"))["orders"][:2]

        async def refuse(order: dict[str, Any]) -> dict[str, str]:
            path = f"/rest/claimservice/reqrejectorder/{order['ordNo']}/{order['ordPrdSeq']}/08/%ED%92%88%EC%A0%88"
            return flat(parse(await client.get(path, headers=KEY)))

        assert (await refuse(first))["result_code"] == "0"
        assert (await refuse(first))["result_code"] == "-21004"  # a repeat: not a line it can refuse any more
        state = {(x["ordNo"], x["ordPrdSeq"]): x["status"] for x in (await sandbox_state(client, "11st"))["orders"]}
        assert state[(first["ordNo"], first["ordPrdSeq"])] == "cancelled"
        info = parse(await client.get(f"/rest/claimservice/orderlistalladdr/{first['ordNo']}", headers=KEY))
        held = next(flat(r) for r in info if flat(r)["ordPrdSeq"] == first["ordPrdSeq"])
        assert (held["ordPrdStat"], held["ordPrdStatNm"]) == ("B01", "주문취소")
        cancels = parse(await client.get("/rest/claimservice/cancelorders/202506171000/202506181100", headers=KEY))
        [row] = [flat(r) for r in cancels if flat(r)["ordNo"] == first["ordNo"]]
        assert (row["ordCnMnbdCd"], row["ordCnRsnCd"], row["ordCnStatCd"], row["ordCnDtlsRsn"]) == (
            "02",
            "08",
            "02",
            "품절",
        )
        dlv = second["dlvNo"]
        await client.get(
            f"/rest/ordservices/reqpackaging/{second['ordNo']}/{second['ordPrdSeq']}/N/null/{dlv}", headers=KEY
        )
        shipped = await client.get(
            f"/rest/ordservices/reqdelivery/202506181000/01/00034/123456789012/{dlv}", headers=KEY
        )
        assert flat(parse(shipped))["result_code"] == "0"
        refused = await refuse(second)
        assert (refused["result_code"], refused["result_text"]) == (
            "-21004",
            "판매불가 처리 가능한 주문이 아닙니다(1).",
        )

    sandbox(scenario)


async def set_price(client: httpx.AsyncClient, price: str, prd_no: str = "5000000001") -> dict[str, str]:
    return flat(parse(await client.get(f"/rest/prodservices/product/price/{prd_no}/{price}", headers=KEY)))


def test_1752_changes_the_price_alone_and_answers_in_the_guides_shape() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        await register(client, product_xml(options=[("레드", 0), ("블루", 3000)]))  # selPrc 20000
        before = await stock_state(client)
        done = await set_price(client, "25000")
        assert done == {
            "productNo": "5000000001",
            "message": "(상품번호:5000000001)의 가격이 업데이트 되었습니다.",
            "resultCode": "200",
            "preSelPrc": "20000",
        }
        assert list(done) == ["productNo", "message", "resultCode", "preSelPrc"]  # [G] 1752's order
        assert (await sale_state(client))["selPrc"] == "25000"
        assert await stock_state(client) == before  # option prices (addPrc 0 / 3000) and stock as they were
        assert [x["addPrc"] for x in before] == ["0", "3000"]
        found = parse(await client.get("/rest/prodmarketservice/sellerprodcode/SKU-1", headers=KEY))
        [row] = list(found)
        assert flat(row)["selPrc"] == "25000"

    sandbox(scenario)


@pytest.mark.parametrize(
    ("price", "options", "words"),
    [
        ("20005", [], "판매가는 10원 단위로, 최대 10억 원 미만으로 입력 가능합니다. [20005]"),
        ("30010", [], "판매가는 최대 50% 인상/80% 인하까지 수정하실 수 있습니다. [30010]"),
        ("3990", [], "판매가는 최대 50% 인상/80% 인하까지 수정하실 수 있습니다. [3990]"),
        ("9000", [("레드", 0), ("블루", 10000)], "2번째 옵션가[10000]는 판매가의 +100%/-50%까지 설정하실 수 있습니다."),
        (
            "12000",
            [("레드", 0), ("블루", -7000)],
            "2번째 옵션가[-7000]는 판매가의 +100%/-50%까지 설정하실 수 있습니다.",
        ),
        ("2O000", [], "판매가는 숫자로 입력하셔야 합니다. [2O000]"),
    ],
)
def test_1752_refuses_what_the_guide_refuses_and_keeps_the_price(
    price: str, options: list[tuple[str, int]], words: str
) -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        await register(client, product_xml(options=options))  # selPrc 20000
        refused = await set_price(client, price)
        assert refused == {
            "productNo": "5000000001",
            "message": f"(상품번호:5000000001)의 가격 업데이트 실패. MSG : {words}",
            "resultCode": "500",
        }
        assert (await sale_state(client))["selPrc"] == "20000"

    sandbox(scenario)


def test_1752_edges_unknown_product_maintenance_and_the_limits_themselves() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        await register(client)  # selPrc 20000, no options
        unknown = await set_price(client, "20000", "5999999999")
        assert (unknown["resultCode"], unknown["message"]) == (
            "500",
            "(상품번호:5999999999)의 가격 업데이트 실패. MSG : 해당 상품의 정보를 찾을 수 없습니다. 상품번호 : 5999999999",
        )
        assert (await set_price(client, "30000"))["resultCode"] == "200"  # +50 % exactly
        assert (await set_price(client, "6000"))["resultCode"] == "200"  # −80 % exactly
        await sandbox_ok(client, "maintenance", {"market": "11st", "on": True})
        down = await set_price(client, "6000")
        assert (down["resultCode"], down["message"]) == ("-1000", "서버 점검중입니다.")
        await sandbox_ok(client, "maintenance", {"market": "11st", "on": False})
        assert (await sale_state(client))["selPrc"] == "6000"

    sandbox(scenario)


def test_swallow_answers_a_price_change_as_done_and_keeps_the_price() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        await register(client)
        await sandbox_ok(client, "swallow", {"market": "11st", "on": True})
        done = await set_price(client, "25000")
        assert (done["resultCode"], done["message"], done["preSelPrc"]) == (
            "200",
            "(상품번호:5000000001)의 가격이 업데이트 되었습니다.",
            "20000",
        )
        assert (await sale_state(client))["selPrc"] == "20000"
        assert (await set_price(client, "99000"))["resultCode"] == "500"  # refusals still refuse
        await sandbox_ok(client, "swallow", {"market": "11st", "on": False})
        assert (await set_price(client, "25000"))["resultCode"] == "200"
        assert (await sale_state(client))["selPrc"] == "25000"

    sandbox(scenario)


# --- a round trip: the adapter against the sandbox --------------------------------------------------

SANDBOX_SALES = SalesInfo(
    Market.ST11,
    "main",
    "11번가-일반",
    (
        ("market_category_no", "1122"),
        ("send_close_template", "344836"),
        ("address_out", "4"),
        ("address_in", "8"),
        ("delivery_fee_type", "무료"),
        ("return_fee", "3000"),
        ("exchange_fee", "6000"),
    ),
)


def test_round_trip_stock_swallow_and_seller_cancel() -> None:
    app = create_app(clock=AppClock(NOW))

    async def main() -> None:
        client = sandbox_client("11st", app, FakeClock())
        async with client.http, httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://sandbox") as ctl:
            st11 = St11(client, St11Credentials("sandbox-11st-openapikey"))
            link = await st11.create_product(PRODUCT, SANDBOX_SALES)  # options ST-001-001 블랙, ST-001-002 화이트
            await st11.set_stock("ST-001", link, {"ST-001-001": 0, "ST-001-002": 5})
            assert await st11.shown("ST-001", link) == Shown(True, {"ST-001-001": 0, "ST-001-002": 5}, price=15000)
            await sandbox_ok(ctl, "swallow", {"market": "11st", "on": True})
            await st11.set_stock("ST-001", link, {"ST-001-001": 7, "ST-001-002": 0})  # answered as done
            await st11.pause("ST-001")
            assert await st11.shown("ST-001", link) == Shown(True, {"ST-001-001": 0, "ST-001-002": 5}, price=15000)
            await sandbox_ok(ctl, "swallow", {"market": "11st", "on": False})
            await st11.pause("ST-001")
            assert (await st11.shown("ST-001", link)).on_sale is False
            await st11.resume("ST-001")

            await sandbox_control(ctl, "11st", "seed", {"orders": 2, "qty": 1, "product": link.product_no, "seed": 1})
            start = dt.datetime.fromtimestamp(NOW - 86_400, KST)
            lines = await st11.collect_orders(start, start + dt.timedelta(days=1, hours=1), "main")
            units: dict[str, list[Any]] = {}
            for found in lines:
                assert found.option_code in ("ST-001-001", "ST-001-002") and found.qty == 1
                units.setdefault(st11.shipment_key(found), []).append(found)
            first, second = list(units.values())[:2]
            key = st11.shipment_key(first[0])
            assert await st11.cancel_sale([first], "품절") == {key: None}
            held = await sandbox_state(ctl, "11st")
            cancelled = {(x["ordNo"], x["ordPrdSeq"]) for x in held["orders"] if x["status"] == "cancelled"}
            assert cancelled == {(x.order_no, x.option_no) for x in first}
            assert {r["ordCnRsnCd"] for r in held["refusals"]} == {"09"}  # an option's 품절
            assert await st11.cancel_sale([first], "품절") == {key: None}  # cancelled already: read back, done

            other = st11.shipment_key(second[0])
            assert await st11.confirm([second]) == {other: None}
            shipment = Shipment(other, tuple(second), "00034", "123456789012")
            assert await st11.send_invoices([shipment]) == {other: None}
            refused = (await st11.cancel_sale([second], "품절"))[other]
            assert isinstance(refused, Rejected) and refused.code == "-21004"
            assert "이미 발송처리되었습니다" in refused.message
            after = {(x["ordNo"], x["ordPrdSeq"]): x["status"] for x in (await sandbox_state(ctl, "11st"))["orders"]}
            assert {after[(x.order_no, x.option_no)] for x in second} == {"shipping"}

    asyncio.run(main())


def test_round_trip_price_swallow_and_refusals() -> None:
    app = create_app(clock=AppClock(NOW))

    async def main() -> None:
        client = sandbox_client("11st", app, FakeClock())
        async with client.http, httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://sandbox") as ctl:
            st11 = St11(client, St11Credentials("sandbox-11st-openapikey"))
            link = await st11.create_product(
                PRODUCT, SANDBOX_SALES
            )  # 15000; ST-001-001 블랙 +0, ST-001-002 화이트 +1000
            extras = {"ST-001-001": 0, "ST-001-002": 1000}
            await st11.set_price("ST-001", link, 18000, extras)
            shown = await st11.shown("ST-001", link)
            assert shown.price == 18000 and shown.on_sale
            held = {row["sellerStockCd"]: row for row in await stock_state(ctl, link.product_no)}
            assert {code: shown.price + int(row["addPrc"]) for code, row in held.items()} == {
                "ST-001-001": 18000,
                "ST-001-002": 19000,  # the option sells at price + extra
            }
            assert {code: row["stckQty"] for code, row in held.items()} == {"ST-001-001": "10", "ST-001-002": "5"}

            await sandbox_ok(ctl, "swallow", {"market": "11st", "on": True})
            await st11.set_price("ST-001", link, 20000, extras)  # answered as done
            assert (await st11.shown("ST-001", link)).price == 18000
            await sandbox_ok(ctl, "swallow", {"market": "11st", "on": False})

            with pytest.raises(Rejected) as refused:  # +50 % of 18000 is 27000
                await st11.set_price("ST-001", link, 30000, extras)
            assert refused.value.message.startswith(
                "11번가가 상품 5000000001의 판매가를 30,000원으로 바꾸지 않았습니다: (상품번호:5000000001)의 가격 "
                "업데이트 실패. MSG : 판매가는 최대 50% 인상/80% 인하까지 수정하실 수 있습니다. [30000] (결과코드 500)."
            )
            with pytest.raises(Rejected, match="옵션 추가금액이 상품 파일과 다릅니다"):
                await st11.set_price("ST-001", link, 18000, {"ST-001-002": 2000})
            assert (await st11.shown("ST-001", link)).price == 18000

    asyncio.run(main())
