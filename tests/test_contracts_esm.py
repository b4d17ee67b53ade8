"""G마켓·옥션 (ESM 2.0) calls as the guide shows them (tests/contracts/esm/*.json), against our adapter.

The adapter builds the documented request (method, path, ``Authorization: Bearer <JWT>``, a JSON body whose keys and
types are the guide's sample's) and parses the documented answer into exact values. One path serves both sites: a
request for 옥션 (siteType / SiteType 1, or a token signed for 옥션 alone) is answered with the page's 옥션 sample
(``…_auction``), a look-up by order number (orderStatus 0) is checked against the guide's order-number sample.

Where the adapter's request differs from a fixture, the difference is listed in ``KNOWN`` with what the guide says:
the test fails when a new difference appears and when a listed one goes away.
"""

from __future__ import annotations

import asyncio
import copy
import datetime as dt
import json
import warnings
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import httpx
import jwt
import pytest
from contract_kit import Contract, Replay, documented_response, load, request_problems, shape_problems
from helpers import FakeClock

from batch.marketplaces.base import ClientSettings, MarketClient, Rejected
from batch.marketplaces.esm import Esm, EsmCredentials
from batch.marketplaces.types import ClaimDecision, Shipment, Shown
from batch.models import (
    ClaimStatus,
    ClaimType,
    Market,
    OptionCombo,
    OrderLine,
    OrderStatus,
    Product,
    ProductLink,
    SalesInfo,
)

CONTRACTS = load("esm")
MASTER, SECRET = "sandbox-esm-master", "sandbox-esm-secret-key"  # batch/config.py SANDBOX_SECRETS["esm"]
GMARKET_ID, AUCTION_ID = "sandboxgmkt", "sandboxiac"
WALL = 1_750_000_000.0  # the JWT's iat

# The adapter's requests that differ from the guide's samples, by call: what the guide says, what we send.
KNOWN: dict[str, set[str]] = {
    # E 20: isSell "등록 시 상태 설정은 불가" and E 140's 등록 sample has no isSell; the adapter sends isSell on create
    # ([S]: a create without it is refused "판매 여부(isSell)를 입력해주세요").
    "goods_create": {"$.isSell: E 20 says 등록 시 상태 설정은 불가"},
    # E 140's 수정 sample writes recommendedOpts.type as "1" (a string); E 20's table (int) and E 140's 등록 sample (0)
    # say a number, which the adapter sends: the guide contradicts itself here, the adapter follows the table.
    "goods_update": {"$.itemAddtionalInfo.recommendedOpts.type: documented string, got number"},
}


def site_of(request: httpx.Request) -> str:
    """The site a request is for: siteType/SiteType 1 옥션; without one, the token's ``ssi`` (옥션 alone)."""
    body = json.loads(request.content) if request.content else {}
    if isinstance(body, dict):
        for key in ("siteType", "SiteType"):
            if key in body:
                return "auction" if body[key] == 1 else "gmarket"
    ssi = claims_of(request)["ssi"]
    return "auction" if ssi.startswith("A:") and "," not in ssi else "gmarket"


def claims_of(request: httpx.Request) -> dict[str, Any]:
    """The JWT of ``request``, verified as [E README] asks: HS256 with the secret, kid = the master id."""
    token = request.headers["Authorization"].removeprefix("Bearer ")
    header = jwt.get_unverified_header(token)
    assert (header["alg"], header["typ"], header["kid"]) == ("HS256", "JWT", MASTER)
    with warnings.catch_warnings():  # the published sandbox secret is shorter than PyJWT recommends
        warnings.simplefilter("ignore", jwt.warnings.InsecureKeyLengthWarning)
        payload: dict[str, Any] = jwt.decode(token, SECRET, algorithms=["HS256"], audience="sa.esmplus.com")
    assert (payload["sub"], payload["iss"], payload["iat"]) == ("sell", "batch", int(WALL))
    assert payload["ssi"] in ("A:sandboxiac,G:sandboxgmkt", "A:sandboxiac", "G:sandboxgmkt"), payload["ssi"]
    return payload


class EsmReplay(Replay):
    """``Replay`` that picks the site's fixture and the order-number look-up's; ``bodies`` overrides an answer."""

    def __init__(self, bodies: dict[str, Any] | None = None) -> None:
        super().__init__(CONTRACTS)
        self.bodies = bodies or {}

    def find(self, request: httpx.Request) -> Contract | None:
        found = [
            c
            for c in CONTRACTS.values()
            if c.method == request.method and c.path_matches(request.url.path) and not c.call.endswith("_auction")
        ]
        if not found:
            return None
        call = found[0].call
        if call.startswith("request_orders"):
            by_number = json.loads(request.content).get("orderStatus") == 0
            call = "request_orders_by_number" if by_number else "request_orders"
        for listed in ("cancels", "returns", "exchanges"):  # E 50/53/59 by order number (Type 0) or by dates
            if call.startswith(listed):
                call = f"{listed}_by_number" if json.loads(request.content).get("Type") == 0 else listed
        if site_of(request) == "auction" and f"{call}_auction" in CONTRACTS:
            call = f"{call}_auction"
        return CONTRACTS[call]

    def respond(self, contract: Contract, request: httpx.Request) -> httpx.Response:
        if contract.call in self.bodies:
            return httpx.Response(200, json=self.bodies[contract.call])
        if contract.call == "request_orders_by_number" and site_of(request) == "auction":
            return documented_response(CONTRACTS["request_orders_auction"])
        if contract.call.endswith("_by_number") and site_of(request) == "auction":  # the page's 옥션 sample
            return documented_response(CONTRACTS[contract.call.replace("_by_number", "_auction")])
        return documented_response(contract)

    def check(self, call: str) -> list[httpx.Request]:
        """Every request of ``call`` (and its 옥션 twin) is the documented one, but for the KNOWN differences."""
        assert not self.unknown, [f"{r.method} {r.url.path}" for r in self.unknown]
        sent = [(c, r) for c, r in self.sent if c.call in (call, f"{call}_auction")]
        assert sent, f"{call} was not called"
        for contract, request in sent:
            claims_of(request)
            goods = "documented_fields" in json.loads(contract.file.read_text(encoding="utf-8"))
            problems = set(request_problems(contract, request, body_extra_ok=goods))
            if goods:
                problems |= undocumented_fields(contract, json.loads(request.content))
            if call == "goods_create" and "isSell" in json.loads(request.content):
                problems.add("$.isSell: E 20 says 등록 시 상태 설정은 불가")
            assert problems == KNOWN.get(call, set()), (contract.call, sorted(problems))
        return [r for _, r in sent]


def leaves(value: Any, at: str = "") -> Iterator[str]:
    """The dotted paths of a JSON value's scalar leaves (list elements share their list's path)."""
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from leaves(inner, f"{at}.{key}" if at else key)
    elif isinstance(value, list):
        for inner in value:
            yield from leaves(inner, at)
    elif at:
        yield at


def undocumented_fields(contract: Contract, body: Any) -> set[str]:
    """Body keys neither E 140's sample nor E 20's field table (``documented_fields``) names."""
    data = json.loads(contract.file.read_text(encoding="utf-8"))
    documented = set(data["documented_fields"]) | set(leaves(contract.request["body"]))
    folded = {d.lower() for d in documented}
    return {f"{path}: not in E 20's table" for path in leaves(body) if path.lower() not in folded}


def esm(replay: EsmReplay, *, gmarket: str = GMARKET_ID, auction: str = AUCTION_ID) -> Esm:
    http = httpx.AsyncClient(transport=replay.transport(), base_url="https://sa2.esmplus.com")
    client = MarketClient("esm", http, ClientSettings(rate_limit=0, max_attempts=1), clock=FakeClock())
    adapter = Esm(client, EsmCredentials(MASTER, SECRET, "batch", gmarket, auction))
    adapter.wall = lambda: WALL
    return adapter


def run(coro: Any) -> Any:
    return asyncio.run(coro)


PRODUCT = Product(
    row=3,
    code="12345",  # E 140's managedCode
    name="기본상품명",
    on_sale=True,
    category="생활 > 주방",
    price=10000,
    tax="과세",
    maker="다온",
    brand="다온리빙",
    model="모델명",
    origin="국산",
    adult=False,
    keywords=(),
    detail='<div class="ee-contents"><p class="">상세설명</p></div>',
    images=("https://image.auction.co.kr/Itemimage/17/de/c2/17dec2eb26.jpg",),
    cert_required=False,
    certs=(),
    notice_category="의류",  # E 161's sample group
    notices=(("제품명 및 살생물제품유형", "텀블러"),),
    option_names=(),
    options=(OptionCombo((), 0, True, 100),),
)
OPTIONED = Product(
    **{
        **PRODUCT.__dict__,
        "code": "99025306",
        "option_names": ("단일옵션",),
        "options": (OptionCombo(("골드",), 0, True, 50), OptionCombo(("실버",), 0, True, 70)),
    }
)
SALES = SalesInfo(
    Market.ESM,
    "main",
    "G마켓·옥션",
    (
        ("gmarket_category", "300009483"),  # E 140's 등록 sample
        ("auction_category", "39010100"),
        ("esm_category", "00070001000100000000"),
        ("courier", "CJ대한통운"),  # E 142 10013
        ("ship_place", "1025418"),
        ("dispatch_policy", "306"),
        ("bundle_fee_template", "4235749"),
        ("address_in", "1546789"),
        ("return_fee", "0"),
    ),
)


def line(order_no: str = "2946269058", site: str = "gmarket") -> OrderLine:
    return OrderLine(
        market="esm",
        account="main",
        order_no=order_no,
        delivery_no=order_no,
        product_no="1496943317",
        option_no="",
        product_name="만두 420G",
        option_text="",
        qty=2,
        price=3400,  # E 67's sample: SalePrice 3400 × ContrAmount 2 = OrderAmount 6800
        ordered_at="2019-04-10 17:45:39",
        status=OrderStatus.CONFIRMED,
        buyer="테스터",
        buyer_phone="010-1234-5678",
        receiver="테스터",
        receiver_phone="010-1234-5678",
        zipcode="05812",
        address="서울특별시 송파구 충민로6길 14 (송파파인타운6단지) 1000호",
        message="",
        site=site,
    )


# -- the fixtures themselves --------------------------------------------------------------------------------------


def test_every_fixture_is_from_the_guide_pinned_and_signed_with_a_bearer_jwt() -> None:
    assert len(CONTRACTS) == 40
    for contract in CONTRACTS.values():
        guide = [s for s in contract.sources if "rumeadia-dotcom/ing0415/blob/bf89065d" in s]
        assert guide, contract.call  # every fixture names the pinned guide copy
        assert all("ing0415/blob/bf89065d" in s or "samba-wave/blob/571147b0" in s for s in contract.sources)
        assert contract.request["headers"]["Authorization"] == "Bearer "
        if contract.request.get("body") is not None:
            assert contract.request["headers"]["Content-Type"] == "application/json"
        assert contract.response["status"] == 200
    twins = sorted(c for c in CONTRACTS if c.endswith("_auction"))
    assert twins == [f"{c}_auction" for c in ("bulletin_board", "cancels", "emergency_list", "exchanges")] + [
        "request_orders_auction",
        "returns_auction",
    ]
    for twin in twins:  # the 옥션 sample has the G마켓 sample's shape (옥션 may leave keys out)
        gmarket = CONTRACTS[twin.removesuffix("_auction")].response["body"]
        problems = shape_problems(gmarket, CONTRACTS[twin].response["body"], extra_ok=True, missing_ok=True)
        tolerated = {  # the guide's own samples differ per site in these types (E 53/59 tables say so)
            "$.Data[].ShippingInfo.DeliveryCompCode: documented string, got number",
            "$.Data[].ItemOptionCodes: documented a list, got string",
        }
        assert set(problems) <= tolerated, (twin, problems)


def test_site_codes_are_the_guides_per_call() -> None:
    """E 50 alone uses SiteType 3 for G마켓; every other call 2 (E 51/52/53/57/59/62/67)."""
    assert CONTRACTS["cancels"].request["body"]["SiteType"] == 3
    calls = ("request_orders", "returns", "exchanges", "cancel_approve", "sold_out_cancel", "return_approve")
    for call in (*calls, "returns_by_number", "exchanges_by_number", "exchange_resend", "exchange_hold_release"):
        body = CONTRACTS[call].request["body"]
        assert body.get("siteType", body.get("SiteType")) == 2, call
    for twin in ("request_orders_auction", "cancels_auction", "returns_auction", "exchanges_auction"):
        body = CONTRACTS[twin].request["body"]
        assert body.get("siteType", body.get("SiteType")) == 1, twin


# -- the adapter against the documented answers ------------------------------------------------------------------


def test_vendor_id_reads_the_courier_list() -> None:
    replay = EsmReplay()
    assert run(esm(replay).vendor_id()) == "A:sandboxiac,G:sandboxgmkt"
    replay.check("delivery_companies")


def test_create_and_update_send_the_documented_goods_document() -> None:
    replay = EsmReplay()
    adapter = esm(replay)
    link = run(adapter.create_product(PRODUCT, SALES))
    assert link == ProductLink("2103374786", sites={"gmarket": "2770898384", "auction": "C938588557"})
    [sent] = replay.check("goods_create")
    body = json.loads(sent.content)
    additional = body["itemAddtionalInfo"]
    assert body["itemBasicInfo"]["category"]["site"] == [
        {"siteType": 1, "catCode": "39010100"},
        {"siteType": 2, "catCode": "300009483"},
    ]
    assert (additional["price"], additional["stock"], additional["managedCode"]) == (
        {"Iac": 10000, "Gmkt": 10000},
        {"Iac": 100, "Gmkt": 100},
        "12345",
    )
    assert additional["shipping"]["companyNo"] == 10013
    assert additional["shipping"]["policy"] == {
        "placeNo": 1025418,
        "feeType": 1,
        "bundle": {"deliveryTmplId": "4235749"},
    }
    assert additional["officialNotice"] == {
        "officialNoticeNo": 1,
        "details": [{"officialNoticeItemelementCode": "41-1", "value": "텀블러", "isExtraMark": False}],
    }
    replay.check("notice_groups")
    replay.check("notice_codes")
    updated = run(adapter.update_product(PRODUCT, SALES, link))
    assert updated == link
    [put] = replay.check("goods_update")
    assert put.url.path == "/item/v1/goods/2103374786"
    assert json.loads(put.content)["isSell"] == {"iac": True, "gmkt": True}


def test_find_pause_resume_and_stock() -> None:
    replay = EsmReplay()
    adapter = esm(replay)
    assert run(adapter.find_product("99025306")) == ProductLink(
        "2035363538", sites={"auction": "C851960889", "gmarket": "2693155434"}
    )
    [search] = replay.check("goods_search")
    assert json.loads(search.content)["query"] == {"managedCode": ["99025306"]}
    run(adapter.pause("99025306"))
    run(adapter.resume("99025306"))
    replay.check("sell_status_read")
    stop, start = replay.check("sell_status")
    assert json.loads(stop.content) == {
        "isSell": {"iac": False, "gmkt": False},
        "itemBasicInfo": {  # E 21's 조회 sample read back: price 10000.0, stock gmkt 99999 / iac 120
            "price": {"iac": 10000, "gmkt": 10000},
            "stock": {"iac": 120, "gmkt": 99999},
            "sellingPeriod": {"iac": 0, "gmkt": 0},
        },
    }
    assert json.loads(start.content)["isSell"] == {"iac": True, "gmkt": True}
    run(adapter.update_stock(Product(**{**PRODUCT.__dict__, "code": "99025306"})))
    [stock] = replay.check("stock")
    assert (stock.url.path, json.loads(stock.content)) == (
        "/item/v1/goods/2035363538/stock",
        {"stock": {"iac": 100, "gmkt": 100}},
    )
    run(adapter.update_stock(OPTIONED))
    [options] = replay.check("recommended_options")
    details = json.loads(options.content)["independent"]["details"]
    assert [(d["recommendedOptValue"]["koreanText"], d["qty"], d["manageCode"]) for d in details] == [
        ("골드", {"iac": 50, "gmkt": 50}, "99025306-001"),
        ("실버", {"iac": 70, "gmkt": 70}, "99025306-002"),
    ]


LISTING = ProductLink("2035363538", sites={"auction": "C851960889", "gmarket": "2693155434"})  # E 160's sample


def coded(codes: list[str]) -> dict[str, Any]:
    """E 26's 조회 sample with our option numbers as its rows' manageCode (the sample's are null): test-made."""
    body: dict[str, Any] = copy.deepcopy(CONTRACTS["recommended_options_read"].response["body"])
    for row, code in zip(body["combination"]["details"], codes, strict=True):
        row["manageCode"] = code
    return body


def no_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: no_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [no_nulls(v) for v in value]
    return value


CODES = [f"99025306-00{n}" for n in range(1, 5)]


def test_set_stock_reads_the_options_and_sends_them_back_with_the_named_rows_changed() -> None:
    """E 26: GET the options, PUT them back as read (null fields out) with qty and 품절 of the named rows changed;
    the sample's untouched sold-out row (qty iac 0) goes back with qty 1, still sold out (the PUT takes 1–99,999)."""
    replay = EsmReplay({"recommended_options_read": coded(CODES)})
    adapter = esm(replay)
    run(adapter.set_stock("99025306", LISTING, {"99025306-001": 0, "99025306-003": 7}))
    [read] = replay.check("recommended_options_read")
    [put] = replay.check("recommended_options")
    assert (read.url.path, put.url.path) == ("/item/v1/goods/2035363538/recommended-options",) * 2
    expected = no_nulls(coded(CODES))
    for key in ("independent", "independents", "text", "calculation"):
        expected.pop(key, None)
    rows = expected["combination"]["details"]
    rows[0].update(qty={"iac": 1, "gmkt": 1}, isSoldOut=True, isSoldOutSite={"gmkt": True, "iac": True})
    rows[1]["qty"] = {"iac": 1, "gmkt": 1}  # read back with iac 0 and isSoldOut true: stays sold out
    rows[2].update(qty={"iac": 7, "gmkt": 7}, isSoldOut=False, isSoldOutSite={"gmkt": False, "iac": False})
    assert json.loads(put.content) == expected


def test_set_stock_on_the_documented_answer_finds_no_row_of_ours_and_sends_nothing() -> None:
    """E 26's 조회 sample has no manageCode: none of our options is there, so nothing is changed."""
    replay = EsmReplay()
    adapter = esm(replay)
    with pytest.raises(Rejected, match="옵션 관리코드 99025306-001인 옵션이 없습니다"):
        run(adapter.set_stock("99025306", LISTING, {"99025306-001": 3}))
    assert [r.method for _, r in replay.sent] == ["GET"] and not replay.unknown


def test_shown_reads_sell_status_and_options() -> None:
    """E 21's 조회 sample ends its period on 20190328: nothing sells (on_sale false) and the quantities are read on
    both sites; E 26's sold-out row shows 0, the hidden one its qty."""
    replay = EsmReplay({"recommended_options_read": coded(CODES)})
    adapter = esm(replay)
    assert run(adapter.shown("99025306", LISTING)) == Shown(
        on_sale=False,
        stocks={"99025306-001": 1, "99025306-002": 0, "99025306-003": 1, "99025306-004": 1},
        price=10000,  # E 21's Price 10000.0 on both sites
    )
    replay.check("sell_status_read")
    replay.check("recommended_options_read")
    open_ended = copy.deepcopy(CONTRACTS["sell_status_read"].response["body"])
    open_ended["itemBasicInfo"]["SellingPeriod"] = {"gmkt": 99991231, "iac": 99991231}
    adapter = esm(EsmReplay({"recommended_options_read": coded(CODES), "sell_status_read": open_ended}))
    assert run(adapter.shown("99025306", LISTING)).on_sale is True
    plain = esm(
        EsmReplay({"recommended_options_read": {"type": 0, "isStockManage": False}, "sell_status_read": open_ended})
    )
    assert run(plain.shown("99025306", LISTING)) == Shown(on_sale=True, stocks={"99025306-001": 99999}, price=10000)
    assert run(esm(EsmReplay()).shown("99025306", LISTING)).stocks == {}  # the sample's rows carry no manageCode


def test_set_price_sends_the_price_call_to_the_selling_sites_and_passes_on_its_refusal() -> None:
    """E 186: after E 21's and E 26's reads, ``PUT …/price`` ``{"iac", "gmkt"}`` (both sites sell, both at E 21's
    10000.0); the rows already carry the 추가금 asked (E 26's sample: addAmnt 0.0), so no option call. E 186's Sample
    Code_Fail reaches the caller as a refusal in Korean with ESM's words."""
    open_ended = copy.deepcopy(CONTRACTS["sell_status_read"].response["body"])
    open_ended["itemBasicInfo"]["SellingPeriod"] = {"gmkt": 99991231, "iac": 99991231}
    bodies = {"recommended_options_read": coded(CODES), "sell_status_read": open_ended}
    replay = EsmReplay(bodies)
    adapter = esm(replay)
    run(adapter.set_price("99025306", LISTING, 12000, {}))
    [sent] = replay.check("price")
    assert (sent.url.path, json.loads(sent.content)) == (
        "/item/v1/goods/2035363538/price",
        {"iac": 12000, "gmkt": 12000},
    )
    assert [f"{r.method} {r.url.path}" for _, r in replay.sent] == [
        "GET /item/v1/goods/2035363538/sell-status",
        "GET /item/v1/goods/2035363538/recommended-options",
        "PUT /item/v1/goods/2035363538/price",
    ]
    refused = {
        "resultCode": 1000,
        "message": "[GMKT]1원단위는 입력하실 수 없습니다.",
        "data": None,
    }  # its Sample Code_Fail
    adapter = esm(EsmReplay({**bodies, "price": refused}))
    with pytest.raises(Rejected) as caught:
        run(adapter.set_price("99025306", LISTING, 12000, {}))
    assert caught.value.message == (
        "G마켓·옥션 가격 수정(99025306): ESM이 받지 않았습니다 — [GMKT]1원단위는 입력하실 수 없습니다. (결과코드 1000). "
        "내용을 고친 뒤 다시 보내세요."
    )


def test_cancel_sale_sends_the_sold_out_call_and_reads_an_ambiguous_refusal_by_order_number() -> None:
    replay = EsmReplay()
    adapter = esm(replay)
    assert run(adapter.cancel_sale([[line()]], "품절")) == {"2946269058": None}
    [sent] = replay.check("sold_out_cancel")
    assert (sent.url.path, json.loads(sent.content)) == ("/claim/v1/sa/Cancel/2946269058/SoldOut", {"SiteType": 2})
    refused = run(adapter.cancel_sale([[line("1")]], "기타"))
    assert isinstance(refused["1"], Rejected) and "'품절'만" in refused["1"].message
    assert len(replay.sent) == 1  # nothing sent for a reason ESM has no call for
    # E 52's 지마켓 Sample Code_Fail: "취소 가능한 주문상태가 아닙니다" is also what a repeat gets (옥션 W8-1 says so)
    not_now = {"ResultCode": 8668, "Message": "8668$취소 가능한 주문상태가 아닙니다", "Data": None}
    replay = EsmReplay({"sold_out_cancel": not_now})
    adapter = esm(replay)
    assert run(adapter.cancel_sale([[line("2943387115")]], "품절")) == {"2943387115": None}  # E 50: CancelStatus 3
    [lookup] = replay.check("cancels_by_number")
    body = json.loads(lookup.content)
    assert {k: body[k] for k in ("SiteType", "CancelStatus", "Type", "OrderNo")} == {
        "SiteType": 3,
        "CancelStatus": 0,
        "Type": 0,
        "OrderNo": 2943387115,
    }
    start, end = dt.date.fromisoformat(body["StartDate"]), dt.date.fromisoformat(body["EndDate"])
    assert (end - start).days == 6
    other = run(adapter.cancel_sale([[line("2946269058")]], "품절"))  # the list names another order: refused
    assert isinstance(other["2946269058"], Rejected) and "취소할 수 있는 상태가 아닙니다" in str(other["2946269058"])


def test_check_templates_reads_the_places_policies() -> None:
    replay = EsmReplay()
    adapter = esm(replay)
    ours = SalesInfo(Market.ESM, "main", "G마켓·옥션", (("ship_place", "175962"), ("bundle_fee_template", "662971")))
    assert run(adapter.check_templates(ours)) is None
    problem = run(adapter.check_templates(SALES))
    assert problem is not None and "묶음배송비 정책 4235749번이 없습니다" in problem
    replay.check("place_policies")


def test_orders_of_both_sites() -> None:
    replay = EsmReplay()
    adapter = esm(replay)
    lines = run(adapter.collect_orders(dt.datetime(2019, 4, 10), dt.datetime(2019, 4, 11), "main"))
    assert len(lines) == 4 and {(x.site, x.order_no, x.status) for x in lines} == {
        ("auction", "1589617617", OrderStatus.NEW),
        ("auction", "1589617617", OrderStatus.CONFIRMED),
        ("gmarket", "2946269058", OrderStatus.NEW),
        ("gmarket", "2946269058", OrderStatus.CONFIRMED),
    }
    gmarket = next(x for x in lines if x.site == "gmarket" and x.status is OrderStatus.NEW)
    assert gmarket == OrderLine(**{**line().__dict__, "status": OrderStatus.NEW, "buyer_phone": "010-1234-5678"})
    auction = next(x for x in lines if x.site == "auction")
    assert (auction.product_no, auction.qty, auction.price, auction.address, auction.ordered_at) == (
        "B662416871",
        1,
        1000,  # OrderAmount "1000.0000"
        "서울특별시 강남구 역삼동 804 역삼역 강남지점",
        "2019-04-10 11:10:00",
    )
    bodies = [json.loads(r.content) for r in replay.check("request_orders")]
    assert [(b["siteType"], b["orderStatus"]) for b in bodies] == [(1, 1), (1, 2), (2, 1), (2, 2)]


def test_confirm_and_invoice() -> None:
    replay = EsmReplay()
    adapter = esm(replay)
    assert run(adapter.confirm([[line()]])) == {"2946269058": None}
    [check] = replay.check("order_check")
    assert (check.url.path, check.content) == ("/shipping/v1/Order/OrderCheck/2946269058", b"")
    shipment = Shipment("2946269058", (line(),), "10013", "344755391152")
    assert run(adapter.send_invoices([shipment])) == {"2946269058": None}
    [lookup] = replay.check("request_orders_by_number")
    assert json.loads(lookup.content) == {"siteType": 2, "orderNo": 2946269058, "orderStatus": 0}
    [sent] = replay.check("shipping_info")
    body = json.loads(sent.content)
    assert (body["OrderNo"], body["DeliveryCompanyCode"], body["InvoiceNo"]) == (2946269058, 10013, "344755391152")
    dt.datetime.strptime(body["ShippingDate"], "%Y-%m-%dT%H:%M:%S")  # E 70 "YYYY-MM-DDThh:mm:ss"


def test_shipping_expected_date() -> None:
    """E 69: one call per order with the guide's field names and types; the date is tomorrow (KST) or later."""
    replay = EsmReplay()
    adapter = esm(replay)
    tomorrow = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=9)).date() + dt.timedelta(days=1)
    run(adapter.delay_shipping([line(), line()], tomorrow, "입고 지연", reason_type=1))
    [sent] = replay.check("shipping_expected_date")
    assert json.loads(sent.content) == {
        "OrderNo": 2946269058,
        "ReasonType": 1,
        "ShippingExpectedDate": f"{tomorrow:%Y-%m-%d}",
        "ReasonDetail": "입고 지연",
    }


def test_claims_of_both_sites_and_their_calls() -> None:
    replay = EsmReplay()
    adapter = esm(replay)
    claims = run(adapter.collect_claims(dt.datetime(2019, 4, 18), dt.datetime(2019, 4, 19), "main"))
    found = {(c.kind, c.site): c for c in claims}
    assert sorted((c.kind.value, c.site, c.claim_no, c.status.value) for c in claims) == sorted(
        [
            (ClaimType.CANCEL.value, "gmarket", "2943387115", ClaimStatus.DONE.value),  # CancelStatus 3 취소완료
            (ClaimType.CANCEL.value, "auction", "1592423011", ClaimStatus.DONE.value),  # 2 취소중 (❓ read as done)
            (ClaimType.RETURN.value, "gmarket", "2943112798", ClaimStatus.REQUESTED.value),  # 2 반품수거완료
            (ClaimType.RETURN.value, "auction", "1590211563", ClaimStatus.REQUESTED.value),  # 3 반품환불보류
            (ClaimType.EXCHANGE.value, "gmarket", "2949122576", ClaimStatus.REQUESTED.value),  # 1 교환요청
            (ClaimType.EXCHANGE.value, "auction", "1592391140", ClaimStatus.REQUESTED.value),
        ]
    )
    returned = found[(ClaimType.RETURN, "gmarket")]
    assert (returned.product_no, returned.requested_at) == ("1535172911", "2019-04-19 10:53:00")
    assert returned.reason.startswith("단순변심 230사이즈로 주문했습니다.")
    assert found[(ClaimType.CANCEL, "auction")].reason == "기타사유"
    cancels = [json.loads(r.content) for r in replay.check("cancels")]
    assert [b["SiteType"] for b in cancels] == [1, 3]
    assert {json.loads(r.content)["SiteType"] for r in replay.check("returns")} == {1, 2}
    assert {json.loads(r.content)["SiteType"] for r in replay.check("exchanges")} == {1, 2}
    run(adapter.approve_cancel("2943387115", site="gmarket"))
    run(adapter.seller_cancel([line()]))
    run(adapter.approve_return("2943112798", site="gmarket"))
    run(adapter.approve_exchange("2949122576", "10008", "303962161952", site="gmarket"))
    for call, path in (
        ("cancel_approve", "/claim/v1/sa/Cancel/2943387115"),
        ("sold_out_cancel", "/claim/v1/sa/Cancel/2946269058/SoldOut"),
        ("return_approve", "/claim/v1/sa/return/2943112798"),
        ("exchange_resend", "/claim/v1/sa/exchange/2949122576/resend"),
    ):
        [sent] = replay.check(call)
        assert sent.url.path == path
        assert json.loads(sent.content)["SiteType"] == 2
    [resend] = replay.check("exchange_resend")
    assert json.loads(resend.content) == {"SiteType": 2, "DeliveryCompCode": 10008, "InvoiceNo": "303962161952"}


def test_claims_read_back_by_number_and_decided_with_the_documented_calls() -> None:
    """claim_now reads each claim by order number (E 50/53/59 Type 0); decide_claims sends E 51, E 57, E 62 and, on a
    held G마켓 exchange, E 64; the fields of the guide's rows land in shown / pickup / line_no."""
    replay = EsmReplay()
    adapter = esm(replay)
    claims = run(adapter.collect_claims(dt.datetime(2019, 4, 18), dt.datetime(2019, 4, 19), "main"))
    found = {(c.kind, c.site): c for c in claims}
    assert {(k.value, s): (c.shown, c.pickup, c.line_no) for (k, s), c in found.items()} == {
        ("취소", "gmarket"): ("취소완료", "", "2943387115"),
        ("취소", "auction"): ("취소중", "", "1592423011"),
        ("반품", "gmarket"): ("반품수거완료", "자체배송 매장확인", "2943112798"),  # E 53's PickupInfo
        ("반품", "auction"): ("반품환불보류", "", "1590211563"),  # 옥션's PickupInfo.InvoiceNo is ""
        ("교환", "gmarket"): ("교환요청/교환물품반송중", "", "2949122576"),
        ("교환", "auction"): ("교환요청/교환물품반송중", "", "1592391140"),
    }
    for claim in claims:
        assert run(adapter.claim_now(claim)) == claim, claim  # the by-number answer is the same row
    lookups = [json.loads(r.content) for r in replay.check("cancels_by_number")]
    assert sorted((b["SiteType"], b["Type"], b["OrderNo"], b["CancelStatus"]) for b in lookups) == [
        (1, 0, 1592423011, 0),
        (3, 0, 2943387115, 0),
    ]
    assert sorted((b["SiteType"], b["OrderNo"], b["StartDate"], b["EndDate"]) for b in lookups) == [
        (1, 1592423011, "2019-04-19", "2019-04-20"),  # the request day and the next
        (3, 2943387115, "2019-04-18", "2019-04-19"),
    ]
    returns = [json.loads(r.content) for r in replay.check("returns_by_number")]
    assert sorted((b["SiteType"], b["ReturnStatus"], b["OrderNo"]) for b in returns) == [
        (1, 1, 1590211563),
        (2, 1, 2943112798),  # the sample row answers the first state asked
    ]
    exchanges = [json.loads(r.content) for r in replay.check("exchanges_by_number")]
    assert sorted((b["SiteType"], b["ExchangeStatus"], b["OrderNo"]) for b in exchanges) == [
        (1, 1, 1592391140),
        (2, 1, 2949122576),
    ]
    returned, exchanged = found[(ClaimType.RETURN, "gmarket")], found[(ClaimType.EXCHANGE, "gmarket")]
    held = replace(exchanged, shown="교환보류", product_no="held")
    decisions = [
        ClaimDecision(found[(ClaimType.CANCEL, "gmarket")], approve=True),
        ClaimDecision(found[(ClaimType.CANCEL, "auction")], approve=False, courier_code="10008", number="303962161952"),
        ClaimDecision(returned, approve=True),
        ClaimDecision(exchanged, approve=True, courier_code="10008", number="303962161952"),
        ClaimDecision(held, approve=True, courier_code="10008", number="303962161952"),
    ]
    outcomes = run(adapter.decide_claims(decisions))
    assert [outcomes[d.key] is None for d in decisions] == [True, False, True, True, True]
    assert "취소거부 기능이 없습니다" in str(outcomes[decisions[1].key])
    assert [r.url.path for r in replay.check("cancel_approve")] == ["/claim/v1/sa/Cancel/2943387115"]
    assert [r.url.path for r in replay.check("return_approve")] == ["/claim/v1/sa/return/2943112798"]
    assert [json.loads(r.content) for r in replay.check("exchange_resend")] == [
        {"SiteType": 2, "DeliveryCompCode": 10008, "InvoiceNo": "303962161952"}
    ] * 2
    [release] = replay.check("exchange_hold_release")
    assert (release.method, release.url.path, json.loads(release.content)) == (
        "DELETE",
        "/claim/v1/sa/exchange/2949122576/hold",
        {"SiteType": 2},
    )


def test_inquiries_of_both_sites_and_the_answers() -> None:
    replay = EsmReplay()
    adapter = esm(replay)
    found = run(adapter.collect_inquiries(dt.datetime(2019, 4, 15), dt.datetime(2019, 4, 15), "main"))
    by_no = {i.inquiry_no: i for i in found}
    token = CONTRACTS["bulletin_board"].response["body"][0]["token"]
    board = by_no["board:gmarket:375419346"]
    assert board.address == f"board:gmarket:375419346:{token}"  # [E 48] answers by messageNo with the row's token
    assert (board.kind, board.product_no, board.order_no, board.asked_at, board.answered) == (
        "상품",
        "1527058123",
        "2949069764",
        "2019-04-15 04:05:00",
        True,
    )
    auction = by_no["board:auction:215952467"]
    assert (auction.kind, auction.order_no) == ("교환", "")  # 옥션 "0" = no order
    alimi = by_no["alimi:gmarket:55350245"]
    assert (alimi.kind, alimi.order_no, alimi.title, alimi.answered) == (
        "긴급알리미",
        "2503460930",
        "지마켓에서 보낸 긴급 메시지 입니다.",
        True,
    )
    assert "alimi:auction:10802389" in by_no
    assert len(found) == 6  # 1 + 1 board rows, 2 + 2 alimi rows
    for call in ("bulletin_board", "emergency_list"):
        assert sorted(claims_of(r)["ssi"] for r in replay.check(call)) == ["A:sandboxiac", "G:sandboxgmkt"]
    run(adapter.answer(board.address, "답변 내용"))
    [answer] = replay.check("bulletin_board_answer")
    sent = json.loads(answer.content)
    assert (sent["messageNo"], sent["token"], sent["comments"], sent["answerStatus"]) == (
        "375419346",
        token,
        "답변 내용",
        2,
    )
    run(adapter.answer("alimi:gmarket:55350245", "확인했습니다. 오늘 발송하겠습니다."))
    [reply] = replay.check("emergency_reply")
    assert json.loads(reply.content) == CONTRACTS["emergency_reply"].request["body"]


@pytest.mark.parametrize("call", sorted(CONTRACTS))
def test_each_fixture_names_its_job(call: str) -> None:
    assert CONTRACTS[call].job
