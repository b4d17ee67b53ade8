"""11번가's calls as the guide shows them (tests/contracts/st11/*.json), against our adapter.

The adapter builds the documented request (method, path, ``openapikey``; an XML body whose element names are all in
the guide's documented document) and parses the documented XML answer into exact values. The kit's JSON body check
does not apply to XML, so the body comparison is by element names here.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import httpx
import pytest
from contract_kit import Contract, load, request_problems
from helpers import FakeClock
from test_st11_adapter import PRODUCT, SALES, line, shipment

from batch.marketplaces import st11_xml as xml
from batch.marketplaces.base import ClientSettings, MarketClient
from batch.marketplaces.st11 import St11, St11Credentials
from batch.marketplaces.types import ClaimDecision, Shown
from batch.models import Claim, ClaimStatus, ClaimType, OrderStatus, ProductLink

CONTRACTS = load("st11")


def documented_xml(contract: Contract, part: str) -> str:
    source = contract.request if part == "request" else contract.response
    return str(source["xml"])


class Replay:
    def __init__(self) -> None:
        self.sent: list[tuple[Contract, httpx.Request]] = []
        self.unknown: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        found = [c for c in CONTRACTS.values() if c.method == request.method and c.path_matches(request.url.path)]
        if not found:
            self.unknown.append(request)
            return httpx.Response(599, text="no contract")
        self.sent.append((found[0], request))
        content = documented_xml(found[0], "response").encode("euc-kr")
        return httpx.Response(200, content=content, headers={"content-type": "text/xml;charset=EUC-KR"})

    def of(self, call: str) -> list[httpx.Request]:
        return [r for c, r in self.sent if c.call == call]


def st11(replay: Replay) -> St11:
    http = httpx.AsyncClient(transport=httpx.MockTransport(replay), base_url="https://api.11st.co.kr")
    client = MarketClient("11st", http, ClientSettings(rate_limit=0, max_attempts=1), clock=FakeClock())
    return St11(client, St11Credentials("key"))


def run(coro: Any) -> Any:
    return asyncio.run(coro)


def check(replay: Replay, call: str) -> None:
    """Each request of ``call`` is the documented one; an XML body uses only documented element names."""
    assert not replay.unknown, [r.url.path for r in replay.unknown]
    requests = replay.of(call)
    assert requests, f"{call} was not called"
    contract = CONTRACTS[call]
    for request in requests:
        assert request_problems(contract, request) == []
        if "xml" in contract.request:
            documented = xml.decode(documented_xml(contract, "request").encode("euc-kr"))
            sent = xml.decode(request.content, request.headers["content-type"])
            assert sent.tag == documented.tag
            assert xml.names(sent) <= xml.names(documented), xml.names(sent) - xml.names(documented)


def test_every_fixture_is_from_the_guide_or_samba_wave() -> None:
    assert len(CONTRACTS) == 33
    for contract in CONTRACTS.values():
        assert contract.status in ("official", "clients")
        assert all("ing0415" in s or "samba-wave" in s for s in contract.sources)
        xml.decode(documented_xml(contract, "response").encode("euc-kr"))  # the documented answer parses


def test_products() -> None:
    replay = Replay()
    adapter = st11(replay)
    assert run(adapter.create_product(PRODUCT, SALES)) == ProductLink("52844137")
    run(adapter.update_product(PRODUCT, SALES, ProductLink("52844137")))
    assert run(adapter.find_product("ctr555")) == ProductLink("45705741")
    run(adapter.pause("ctr555"))
    run(adapter.resume("ctr555"))
    for call in ("product_create", "product_update", "product_by_seller_code", "stop_display", "restart_display"):
        check(replay, call)


def test_stock() -> None:
    replay = Replay()
    adapter = st11(replay)
    one = PRODUCT.__class__(**{**PRODUCT.__dict__, "code": "ctr555", "options": PRODUCT.options[:1]})
    run(adapter.update_stock(one))  # one stock row: it is the product's
    check(replay, "stock_get")
    check(replay, "stock_update")
    sent = xml.record(xml.decode(replay.of("stock_update")[0].content))
    assert sent == {"prdNo": "45705741", "prdStckNo": "440634790", "stckQty": "10", "optWght": "3"}


def test_stock_sync_reads_1623_puts_1625_and_reads_the_sale_state_by_1620() -> None:
    replay = Replay()
    adapter = st11(replay)
    link = ProductLink("45597077")  # G 1623's example listing; its one option row names CD01101 as its seller code
    run(adapter.set_stock("MYCODE758634", link, {"CD01101": 0}))
    check(replay, "stock_get")
    check(replay, "stock_update")
    [put] = replay.of("stock_update")
    assert put.url.path == "/rest/prodservices/stockqty/440634790"
    assert xml.record(xml.decode(put.content)) == {
        "prdNo": "45597077",
        "prdStckNo": "440634790",
        "stckQty": "0",
        "optWght": "3",  # as G 1623 shows it: only the quantity changes
    }
    assert run(adapter.shown("MYCODE758634", link)) == Shown(on_sale=True, stocks={"CD01101": 62}, price=12000)
    check(replay, "product_get")
    assert replay.of("product_by_seller_code") == []  # the link's number: no look-up


def test_price_reads_the_option_prices_by_1623_and_sends_the_documented_1752() -> None:
    replay = Replay()
    adapter = st11(replay)
    link = ProductLink("113214968")  # G 1752's example product; G 1623's example row holds addPrc 0 for CD01101
    run(adapter.set_price("MYCODE758634", link, 22000, {"CD01101": 0}))
    check(replay, "stock_get")
    check(replay, "product_price")
    assert [r.url.path for c, r in replay.sent] == [
        "/rest/prodmarketservice/prodmarket/stck/113214968",
        "/rest/prodservices/product/price/113214968/22000",  # G 1752's examples
    ]
    assert replay.of("product_price")[0].content == b""


def test_cancel_sale_sends_the_documented_1638() -> None:
    replay = Replay()
    adapter = st11(replay)
    assert run(adapter.cancel_sale([[line()]], "기타")) == {"40860365": None}
    check(replay, "seller_cancel")
    [sent] = replay.of("seller_cancel")
    assert sent.url.path.split("/")[4:] == ["201001108318120", "1", "99", "기타"]


def test_templates_and_vendor() -> None:
    replay = Replay()
    adapter = st11(replay)
    [template] = run(adapter.delivery_templates())
    assert (template.number, template.product_type) == ("344836", "오늘발송")
    problem = run(adapter.check_templates(SALES))
    assert problem is not None and "반품/교환지 주소순번 15" in problem  # the guide's address list holds 14 only
    assert run(adapter.vendor_id()) == "10000000"
    for call in ("send_close_list", "outbound_area", "inbound_area"):
        check(replay, call)


def test_orders() -> None:
    replay = Replay()
    adapter = st11(replay)
    lines = run(adapter.collect_orders(dt.datetime(2010, 1, 10), dt.datetime(2010, 1, 12), "main"))
    assert [x.status for x in lines] == [OrderStatus.NEW, OrderStatus.CONFIRMED]
    first = lines[0]
    assert (first.order_no, first.option_no, first.delivery_no, first.product_no) == (
        "201001108318120",
        "1",
        "40860365",
        "29370295",
    )
    assert first.option_code == "43434232"  # G 1876 sellerStockCd
    assert (first.receiver, first.zipcode, first.option_text) == (
        "홍길동",
        "360100",
        "사이즈/색상:사이즈 - S(66)/색상 - 아이보리 [0000346774]-1개",
    )
    assert run(adapter.confirm([[line()]])) == {"40860365": None}
    assert run(adapter.send_invoices([shipment()])) == {"40860365": None}
    for call in ("orders_complete", "orders_packaging", "confirm", "dispatch"):
        check(replay, call)


def test_partial_shipment_sends_one_documented_call_per_line() -> None:  # G 1636
    replay = Replay()
    adapter = st11(replay)
    lines = (line(), line(option_no="2"))
    split = shipment(lines=lines, line_numbers=("6496711734", "6496711745"))
    assert run(adapter.send_invoices([split])) == {"40860365": None}
    check(replay, "dispatch_part")
    tails = [r.url.path.split("/")[5:] for r in replay.of("dispatch_part")]
    assert tails == [
        ["01", "00034", "6496711734", "40860365", "Y", "201001108318120", "1"],
        ["01", "00034", "6496711745", "40860365", "Y", "201001108318120", "2"],
    ]
    assert replay.of("dispatch") == []


def test_already_shipped_reads_the_delivery_info() -> None:
    replay = Replay()
    adapter = st11(replay)
    held = CONTRACTS["order_delivery_info"]
    assert held.path == "/rest/claimservice/orderlistalladdr/{ordNo}"
    assert run(adapter._shipped_invoice("201001108318120", "40860365")) == ("00007", "1234567890")
    check(replay, "order_delivery_info")


def test_claims_and_qna() -> None:
    replay = Replay()
    adapter = st11(replay)
    claims = run(adapter.collect_claims(dt.datetime(2010, 1, 1), dt.datetime(2010, 1, 20), "main"))
    kinds = {c.kind: c for c in claims}
    # G 1724's example row is G 1639's claim: the withdrawn cancels' list is read after the requests and wins
    cancel = kinds[ClaimType.CANCEL]
    assert (cancel.claim_no, cancel.status, cancel.shown) == (
        "8192583",
        ClaimStatus.WITHDRAWN,
        "취소신청취소(철회완료)",
    )
    assert (cancel.line_no, kinds[ClaimType.RETURN].pickup) == ("1", "CJ대한통운 608393450166")
    assert (kinds[ClaimType.RETURN].claim_no, kinds[ClaimType.RETURN].requested_at) == (
        "2400330",
        "2010-01-06 15:16:37",
    )
    assert kinds[ClaimType.EXCHANGE].buyer == "김아무개"
    inquiry, alimi = run(adapter.collect_inquiries(dt.datetime(2010, 1, 12), dt.datetime(2010, 1, 18), "main"))
    assert (inquiry.inquiry_no, inquiry.order_no, inquiry.answered) == ("4881274/48073872", "201510309348419", True)
    run(adapter.answer(inquiry.inquiry_no, "아주 맛있는 11번가표 꿀사과입니다."))
    # G 1796's example row: 06 처리완료 reads as answered; 회신기한 20141013 is the answer-by day
    assert (alimi.inquiry_no, alimi.kind, alimi.order_no, alimi.answered) == (
        "alimi:5590778",
        "긴급문의",
        "201409233179697",
        True,
    )
    assert (alimi.asked_at, alimi.answer_by, alimi.title) == (
        "2014-09-29 12:30:30",
        "2014-10-13 23:59",
        "알리미 테스트",
    )
    assert alimi.body == "배송문의\n[이전 답변] 답변1"
    assert [r.url.path for r in replay.of("alimi_list")] == [
        f"/rest/alimi/getalimilist/20100112/20100118/{state}" for state in ("01", "02", "04")
    ]
    run(adapter.answer("alimi:5590777", "답변"))
    for call in ("claims_cancel", "cancels_withdrawn", "claims_return", "claims_exchange", "qna_list", "qna_answer"):
        check(replay, call)
    check(replay, "alimi_list")
    [put] = replay.of("alimi_answer")
    assert put.content == documented_xml(CONTRACTS["alimi_answer"], "request").encode("euc-kr")


def claim(kind: ClaimType, number: str, order: str, line_no: str) -> Claim:
    """A claim of the guide's examples, requested as G 1639/1643 show (2010-01-19 13:50:05)."""
    return Claim(
        market="11st",
        account="main",
        claim_no=number,
        order_no=order,
        product_no="41601209",
        product_name="",
        kind=kind,
        status=ClaimStatus.REQUESTED,
        reason="",
        buyer="",
        requested_at="2010-01-19 13:50:05",
        line_no=line_no,
    )


def test_claim_decisions_send_the_documented_calls_with_the_guides_examples() -> None:
    replay = Replay()
    adapter = st11(replay)
    cancel = claim(ClaimType.CANCEL, "8191721", "201001138151745", "1")  # G 1640's examples
    refused = claim(ClaimType.CANCEL, "8192706", "201001208152015", "2")  # G 1641's
    returned = claim(ClaimType.RETURN, "2400330", "201001068151292", "1")  # G 1644/1645's
    exchanged = claim(ClaimType.EXCHANGE, "8191721", "201001068151292", "1")  # G 1649/1650's
    approvals = [
        ClaimDecision(cancel, True),
        ClaimDecision(refused, False, "이미 발송함", "00034", "29959820"),
        ClaimDecision(returned, True),
        ClaimDecision(exchanged, True, courier_code="00034", number="2254628552"),
    ]
    assert run(adapter.decide_claims(approvals)) == {d.key: None for d in approvals}
    refusals = [ClaimDecision(returned, False, "상품 훼손·사용 흔적"), ClaimDecision(exchanged, False, "기타")]
    assert run(adapter.decide_claims(refusals)) == {d.key: None for d in refusals}
    for call in ("cancel_approve", "cancel_reject", "return_approve", "return_reject", "exchange_approve"):
        check(replay, call)
    check(replay, "exchange_reject")
    assert [r.url.path for r in replay.of("cancel_approve")] == [
        CONTRACTS["cancel_approve"].fill(ordPrdCnSeq="8191721", ordNo="201001138151745", ordPrdSeq="1")
    ]
    [reject] = replay.of("cancel_reject")
    parts = reject.url.path.split("/")
    assert parts[4:8] == ["201001208152015", "2", "8192706", "01"] and parts[9:] == ["00034", "29959820"]
    assert [r.url.path.split("/")[-2:] for r in (*replay.of("return_reject"), *replay.of("exchange_reject"))] == [
        ["103", "상품 훼손·사용 흔적"],  # refsRsnCd 103 반품 불가 상품, the label as refsRsn
        ["204", "기타"],
    ]
    assert replay.of("exchange_approve")[0].url.path.endswith("/8191721/201001068151292/1/00034/2254628552")


def test_claim_now_reads_the_documented_lists() -> None:
    replay = Replay()
    adapter = st11(replay)
    now = run(adapter.claim_now(claim(ClaimType.RETURN, "2400330", "201001068151292", "")))
    assert (now.status, now.shown, now.line_no, now.pickup) == (
        ClaimStatus.REQUESTED,
        "반품신청",
        "1",
        "CJ대한통운 608393450166",
    )
    check(replay, "claims_return")
    assert replay.of("claims_return")[0].url.path.startswith("/rest/claimservice/returnorders/201001191349/")
    cancel = run(adapter.claim_now(claim(ClaimType.CANCEL, "8192583", "201001198151936", "1")))
    assert (cancel.status, cancel.shown) == (ClaimStatus.REQUESTED, "취소요청")  # G 1639 lists it: no more reads
    assert replay.of("cancels_withdrawn") == []


@pytest.mark.parametrize("call", sorted(CONTRACTS))
def test_each_fixture_names_its_job(call: str) -> None:
    assert CONTRACTS[call].job
