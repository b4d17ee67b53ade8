"""The sandbox speaks ESM 2.0 (G마켓 / 옥션) as the etapi guide copy says (marketplaces-next.md §2): JWT per call,
JSON bodies, result codes inside 200 answers, one master goods number over two sites' numbers."""

from __future__ import annotations

import base64
import copy
import datetime as dt
import hashlib
import hmac
import json
import warnings
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import jwt
import pytest
from helpers import AppClock, run_sandbox, sandbox_ok, sandbox_state

from batch.sandbox.app import create_app

KST = dt.timezone(dt.timedelta(hours=9))
NOW = dt.datetime(2025, 6, 18, 10, 0, tzinfo=KST).timestamp()  # a Wednesday, 10:00 KST
MASTER = "sandbox-esm-master"
SECRET = "sandbox-esm-secret-key"
DENIED = {"status": {"message": "The user does not have right access to the api", "status_code": 401}}
TODAY = {"requestDateFrom": "2025-06-18", "requestDateTo": "2025-06-19"}
Scenario = Callable[[httpx.AsyncClient], Awaitable[None]]


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def token(
    *,
    ssi: str = "A:sandboxiac,G:sandboxgmkt",
    kid: str = MASTER,
    secret: str = SECRET,
    sub: str = "sell",
    aud: str = "sa.esmplus.com",
    alg: str = "HS256",
) -> str:
    """A JWT as [E README] builds it: HS256 over base64url(header).base64url(payload) with the secret key."""
    header = b64(json.dumps({"alg": alg, "typ": "JWT", "kid": kid}).encode())
    payload = b64(json.dumps({"iss": "batch", "sub": sub, "aud": aud, "iat": int(NOW), "ssi": ssi}).encode())
    signature = hmac.new(secret.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{b64(signature)}"


def auth(**claims: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(**claims)}"}


MAIN = auth()
SECOND = auth(ssi="A:sandboxiac2,G:sandboxgmkt2")
MAIN_G = auth(ssi="G:sandboxgmkt")


def run(scenario: Scenario, clock: AppClock | None = None) -> None:
    run_sandbox(scenario, create_app(clock=clock or AppClock(NOW)))


async def call(
    client: httpx.AsyncClient, method: str, path: str, body: Any = None, headers: dict[str, str] = MAIN
) -> tuple[int, Any]:
    answer = await client.request(method, path, json=body, headers=headers)
    assert answer.headers["content-type"].startswith("application/json"), answer.text
    return answer.status_code, answer.json()


async def ok(
    client: httpx.AsyncClient, method: str, path: str, body: Any = None, headers: dict[str, str] = MAIN
) -> Any:
    status, answer = await call(client, method, path, body, headers)
    assert status == 200, answer
    return answer


def goods(*, sites: tuple[int, ...] = (1, 2), drop: str = "", **changes: Any) -> dict[str, Any]:
    """[E 140]'s 등록 sample with the main account's set-up numbers; ``changes`` are ``a.b.c`` paths."""
    body: dict[str, Any] = {
        "itemBasicInfo": {
            "goodsName": {"kor": "샌드박스 스텐 냄비", "promotion": "무료배송"},
            "category": {
                "site": [{"siteType": t, "catCode": {1: "39010100", 2: "300009483"}[t]} for t in sites],
                "esm": {"catCode": "00070001000100000000"},
            },
            "catalog": {"modelName": "SBX-POT", "brandNo": 1090},
        },
        "itemAddtionalInfo": {
            "price": {"Gmkt": 10000, "Iac": 10000},
            "stock": {"Gmkt": 100, "Iac": 100},
            "recommendedOpts": {"type": 0, "isStockManage": False},
            "sellingPeriod": {"Gmkt": 90, "Iac": 90},
            "managedCode": "SKU-POT-1",
            "shipping": {
                "type": 1,
                "companyNo": 10013,
                "policy": {"placeNo": 1025418, "feeType": 1, "bundle": {"deliveryTmplId": "4235749"}},
                "returnAndExchange": {"addrNo": "1546789", "fee": 0},
                "dispatchPolicyNo": {"gmkt": 85172, "iac": 85172},
            },
            "officialNotice": {
                "officialNoticeNo": 1,
                "details": [{"officialNoticeItemelementCode": "1-1", "value": "상세참조", "isExtraMark": False}],
            },
            "isAdultProduct": False,
            "isVatFree": False,
            "images": {"basicImgURL": "https://img.example/pot.jpg", "addtionalImg1URL": None},
            "descriptions": {"kor": {"type": 2, "html": "<p>상세설명</p>"}},
        },
        "addtionalInfo": {"siteDiscount": {"gmkt": True, "iac": True}},
    }
    if len(sites) == 1:  # a one-site registration names that site's values only
        other = {1: ("Gmkt", "gmkt"), 2: ("Iac", "iac")}[sites[0]]
        for key in ("price", "stock", "sellingPeriod"):
            body["itemAddtionalInfo"][key].pop(other[0])
        body["itemAddtionalInfo"]["shipping"]["dispatchPolicyNo"].pop(other[1])
    for path, value in changes.items():
        *parents, last = path.split("__")
        node = body
        for key in parents:
            node = node[key]
        node[last] = value
    if drop:
        *parents, last = drop.split("__")
        node = body
        for key in parents:
            node = node[key]
        node.pop(last)
    return body


async def register(
    client: httpx.AsyncClient, body: dict[str, Any] | None = None, headers: dict[str, str] = MAIN
) -> Any:
    return await ok(client, "POST", "/item/v1/goods", body or goods(), headers)


async def seed(client: httpx.AsyncClient, **body: Any) -> dict[str, Any]:
    answer = await client.post("/__sandbox__/seed", json={"market": "esm", **body})
    assert answer.status_code == 200, answer.text
    made: dict[str, Any] = answer.json()
    return made


async def orders(
    client: httpx.AsyncClient, site_type: int, status: int, headers: dict[str, str] = MAIN, **extra: Any
) -> Any:
    body = {"siteType": site_type, "orderStatus": status, "requestDateType": 1, **TODAY, **extra}
    return await ok(client, "POST", "/shipping/v1/Order/RequestOrders", body, headers)


# -- auth ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": token()},  # no "Bearer"
        {"Authorization": "Bearer not-a-jwt"},
        auth(secret="another-secret"),
        auth(kid="other-master"),
        auth(ssi="G:nobody"),
        auth(ssi="A:sandboxiac,G:sandboxgmkt2"),  # two accounts' ids in one token
        auth(ssi="G:sandboxgmkt,G:sandboxgmkt"),
        auth(ssi=""),
        auth(sub="buy"),
        auth(aud="esmplus.com"),
        auth(alg="none"),
    ],
)
def test_every_bad_token_gets_the_guides_401(headers: dict[str, str]) -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        for method, path in (
            ("POST", "/item/v1/goods"),
            ("POST", "/shipping/v1/Order/RequestOrders"),
            ("POST", "/claim/v1/sa/Cancels"),
            ("POST", "/item/v1/communications/customer/bulletin-board"),
            ("POST", "/assist/v1/Selling/GetEmergencyInformList"),
        ):
            assert await call(client, method, path, {}, headers) == (401, DENIED), path

    run(scenario)


def test_a_pyjwt_token_and_a_one_site_token_are_accepted() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        with warnings.catch_warnings():  # PyJWT warns about HMAC keys under 32 bytes; the sandbox's is 22
            warnings.simplefilter("ignore")
            made = jwt.encode(
                {"iss": "batch", "sub": "sell", "aud": "sa.esmplus.com", "ssi": "A:sandboxiac,G:sandboxgmkt"},
                SECRET,
                algorithm="HS256",
                headers={"kid": MASTER},
            )
        answer = await ok(
            client, "GET", "/item/v1/shipping/delivery-company", headers={"Authorization": f"Bearer {made}"}
        )
        companies = {row["deliveryCompCode"]: row["deliveryCompName"] for row in answer["deliveryCompanies"]}
        assert companies[10013] == "CJ 대한통운 택배" and companies[10034] == "기타택배" and len(companies) == 171
        made_g = await register(client, goods(sites=(2,)), MAIN_G)
        assert made_g["siteDetail"] == {"gmkt": {"SiteGoodsNo": "2770000001", "SiteGoodsComment": "Success"}}
        refused = await register(client, goods(), MAIN_G)  # 옥션 too, but the token names no 옥션 seller
        assert refused == {
            "resultCode": 1000,
            "message": "[InvalidApiRequestEx][IAC]판매자 ID 정보가 없습니다. 토큰의 ssi 에 사이트 판매자 ID 를 넣어 주세요.",
            "data": None,
        }

    run(scenario)


# -- goods ---------------------------------------------------------------------------------------------------


def test_register_read_update_sell_status_and_search() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        made = await register(client)
        assert made == {  # [E 20] Sample Code_Success's shape, key order included
            "siteDetail": {
                "gmkt": {"SiteGoodsNo": "2770000001", "SiteGoodsComment": "Success"},
                "iac": {"SiteGoodsNo": "C938000001", "SiteGoodsComment": "Success"},
            },
            "resultCode": 0,
            "message": None,
            "goodsNo": 2100000001,
        }
        assert list(made) == ["siteDetail", "resultCode", "message", "goodsNo"]
        read = await ok(client, "GET", "/item/v1/goods/2100000001")
        assert read["goodsNo"] == 2100000001
        assert read["isSell"] == {"gmkt": True, "iac": True}
        assert read["siteGoodsNo"] == {"gmkt": "2770000001", "iac": "C938000001"}
        assert read["itemBasicInfo"]["goodsName"]["kor"] == "샌드박스 스텐 냄비"
        changed = goods(itemAddtionalInfo__price={"Gmkt": 12000, "Iac": 11000}, isSell={"gmkt": True, "iac": False})
        changed["itemAddtionalInfo"]["sellingPeriod"] = {"Gmkt": 0, "Iac": 30}
        updated = await ok(client, "PUT", "/item/v1/goods/2100000001", changed)
        assert (updated["resultCode"], updated["goodsNo"]) == (0, 2100000001)
        assert updated["siteDetail"]["iac"]["SiteGoodsNo"] == "C938000001"  # the numbers stay
        no_is_sell = await ok(client, "PUT", "/item/v1/goods/2100000001", goods())
        assert (
            no_is_sell["message"]
            == '[InvalidApiRequestEx][\\"판매상태(isSell.gmkt)는 상품 수정 시 필수 입력 항목입니다.'
        )
        status = await ok(client, "GET", "/item/v1/goods/2100000001/sell-status")
        assert status == {
            "IsSell": {"gmkt": True, "iac": False},
            "itemBasicInfo": {
                "Price": {"gmkt": 12000.0, "iac": 11000.0},
                "Stock": {"gmkt": 100, "iac": 100},
                "SellingPeriod": {"gmkt": 20250916, "iac": 20250718},  # 90 days kept for G마켓, 30 from now for 옥션
            },
        }
        # [E 21]'s sample: G마켓 on sale at a new price, 옥션 stopped with zeros meaning "as it is"
        sample = {
            "isSell": {"gmkt": True, "iac": False},
            "itemBasicInfo": {
                "price": {"gmkt": 80000, "iac": 0},
                "stock": {"gmkt": 5, "iac": 0},
                "sellingPeriod": {"gmkt": 60, "iac": 0},
            },
        }
        done = await ok(client, "PUT", "/item/v1/goods/2100000001/sell-status", sample)
        assert done == {"goodsNo": 2100000001, "resultCode": 0, "message": None}
        status = await ok(client, "GET", "/item/v1/goods/2100000001/sell-status")
        assert status["itemBasicInfo"]["Price"] == {"gmkt": 80000.0, "iac": 11000.0}
        assert status["itemBasicInfo"]["Stock"] == {"gmkt": 5, "iac": 100}
        zero = copy.deepcopy(sample)
        zero["itemBasicInfo"]["price"]["gmkt"] = 0
        refused = await ok(client, "PUT", "/item/v1/goods/2100000001/sell-status", zero)
        assert refused == {
            "resultCode": 1000,
            "message": "[InvalidApiRequestEx][GMKT]0원 금액은 입력하실 수 없습니다.",
            "data": None,
        }
        found = await ok(
            client,
            "POST",
            "/item/v1/goods/search",
            {"query": {"managedCode": ["SKU-POT-1"]}, "pageIndex": 1, "pageSize": 10},
        )
        assert (found["totalItems"], found["pageIndex"], found["pageSize"]) == (1, 1, 10)
        item = found["items"][0]
        assert item["goodsNo"] == "2100000001" and item["siteGoodsNo"] == {"gmkt": "2770000001", "iac": "C938000001"}
        assert item["sellStatus"] == {"gmkt": "11", "iac": "21"}
        assert item["siteSellerId"] == {"gmkt": "sandboxgmkt", "iac": "sandboxiac"}
        assert item["shipping"] == {"placeNo": 1025418, "dispatchPolicyNo": 85172, "bundleDeliveryTmplId": "4235749"}
        stopped = await ok(
            client,
            "POST",
            "/item/v1/goods/search",
            {"query": {"sellStatus": ["21"], "siteId": [2]}, "pageIndex": 1, "pageSize": 10},
        )
        assert stopped["totalItems"] == 0
        others = await ok(
            client, "POST", "/item/v1/goods/search", {"query": {}, "pageIndex": 1, "pageSize": 10}, SECOND
        )
        assert others["totalItems"] == 0  # another account's goods are not listed
        assert (await ok(client, "GET", "/item/v1/goods/2100000001", headers=SECOND))["resultCode"] == 1000
        state = await sandbox_state(client, "esm")
        assert [(p["goodsNo"], p["account"]) for p in state["products"]] == [(2100000001, "main")]
        assert state["requests"]["POST /item/v1/goods"] == 1
        assert state["requests"]["PUT /item/v1/goods/{goodsNo}"] == 2

    run(scenario)


BX = '[InvalidApiRequestEx][\\"'


@pytest.mark.parametrize(
    ("body", "code", "message"),
    [
        (goods(drop="itemBasicInfo__goodsName__kor"), 1000, f"{BX}검색 상품명(kor)은 필수 입력 항목입니다."),
        # 30 Hangul = 90 bytes (UTF-8) + "무료배송" 12 = 102 > 100: "검색용+프로모션용 최대 100byte"
        (
            goods(itemBasicInfo__goodsName={"kor": "가" * 30, "promotion": "무료배송"}),
            1000,
            "검색 상품명(kor) 최대 입력 길이를 초과하였습니다.",
        ),
        (goods(itemBasicInfo__goodsName={"kor": "가" * 34}), 1000, "검색 상품명(kor) 최대 입력 길이를 초과하였습니다."),
        (
            goods(itemAddtionalInfo__price={"Gmkt": 0, "Iac": 1000}),
            1000,
            "[InvalidApiRequestEx][GMKT]0원 금액은 입력하실 수 없습니다.",
        ),
        (
            goods(itemAddtionalInfo__price={"Gmkt": 10000, "Iac": 10005}),
            1000,
            "[InvalidApiRequestEx][IAC]판매가격은 10원 이상 10억 미만, 10원 단위로 입력해 주세요. [10005]",
        ),
        (
            goods(itemAddtionalInfo__price={"Gmkt": 1_000_000_000, "Iac": 10000}),
            1000,
            "[InvalidApiRequestEx][GMKT]판매가격은 10원 이상 10억 미만, 10원 단위로 입력해 주세요. [1000000000]",
        ),
        (
            goods(itemAddtionalInfo__price={"Gmkt": 3_000_000_000, "Iac": 10000}),
            3000,
            "값이 너무 크거나 작아 Int32 형식에 맞지 않습니다",
        ),
        (
            goods(itemAddtionalInfo__stock={"Gmkt": 100, "Iac": 0}),
            1000,
            f"{BX}Iac 필드는 1에서 99999 사이에 있어야 합니다",
        ),
        (
            goods(itemAddtionalInfo__stock={"Gmkt": 100_000, "Iac": 1}),
            1000,
            f"{BX}Gmkt 필드는 1에서 99999 사이에 있어야 합니다",
        ),
        (
            goods(itemAddtionalInfo__sellingPeriod={"Gmkt": 7, "Iac": 90}),
            1000,
            "[GMKT] 판매기간은 -1(3PL상품 한정), 0, 15, 30, 60, 90만 가능합니다.",
        ),
        (
            goods(itemAddtionalInfo__sellingPeriod={"Gmkt": 90, "Iac": 0}),  # 0 = "keep" exists on update only
            1000,
            "[IAC] 판매기간은 -1(3PL상품 한정), 0, 15, 30, 60, 90만 가능합니다.",
        ),
        (
            goods(itemBasicInfo__category={"site": [{"siteType": 2, "catCode": "300009999"}]}),
            1000,
            "[InvalidApiRequestEx][GMKT]잘 못 된 카테고리 코드입니다 < 300009999",
        ),
        (
            goods(itemBasicInfo__category={"site": [{"siteType": 3, "catCode": "1"}]}),
            1000,
            "[InvalidApiRequestEx][GMKT]카테고리 코드가 없습니다.",
        ),
        (
            goods(sites=(2,), itemAddtionalInfo__price={"Gmkt": 1000, "Iac": 1000}),
            1000,
            "[InvalidApiRequestEx][IAC]카테고리 코드가 없습니다",
        ),
        (
            goods(itemBasicInfo__category={"site": []}, itemAddtionalInfo__price={}),
            1000,
            "[InvalidApiRequestEx][GMKT]카테고리 코드가 없습니다.",
        ),
        (goods(itemAddtionalInfo__shipping__policy__placeNo=999), 1000, "ShipmentPlaceNo 오류, ShipmentPlaceNo: 999"),
        (
            goods(itemAddtionalInfo__shipping__policy__bundle={"deliveryTmplId": "4235751"}),  # the second account's
            1000,
            "잘못된 parameter 요청 (값이 없거나 비어있습니다)shippingPolicy",
        ),
        (
            goods(itemAddtionalInfo__shipping__returnAndExchange={"addrNo": "1"}),
            1000,
            "ESM에 저장된 반품 주소지 정보가 없습니다 < 문의바랍니다",
        ),
        (
            goods(itemAddtionalInfo__shipping__dispatchPolicyNo={"gmkt": 306, "iac": 85172}),
            1000,
            "<12>-잘 못된 발송정책 번호 입니다",
        ),
        (goods(itemAddtionalInfo__shipping__type=3), 1000, f"{BX}배송 방법(type)이 잘 못 되었습니다"),
        (
            goods(itemAddtionalInfo__officialNotice={"officialNoticeNo": 1}),
            1000,
            "<21>-상품 고시 필수 정보가 입력되지 않았습니다 < (1)",
        ),
        (goods(drop="itemAddtionalInfo__isVatFree"), 1000, f"{BX}부가세여부(isVatFree)는 필수 입력 항목입니다."),
        (
            goods(itemAddtionalInfo__images={"basicImgURL": "ftp://img.example/pot.jpg"}),
            1000,
            f"{BX}상품기본이미지(basicImgURL)는 jpg, png 이미지의 http(s) 주소로 입력해 주세요.",
        ),
        (
            goods(
                itemAddtionalInfo__images={
                    "basicImgURL": "https://img.example/pot.jpg",
                    "addtionalImg2URL": "https://img.example/a.gif",
                }
            ),
            1000,
            f"{BX}상품추가이미지2(addtionalImg2URL)는 jpg, png 이미지의 http(s) 주소로 입력해 주세요.",
        ),
        (
            goods(itemAddtionalInfo__managedCode="코" * 34),
            1000,
            f"{BX}판매자 관리코드(managedCode)는 100byte 이내로 입력해 주세요.",
        ),
    ],
)
def test_each_goods_rule_answers_its_code_and_message(body: dict[str, Any], code: int, message: str) -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        assert await register(client, body) == {"resultCode": code, "message": message, "data": None}
        assert (await sandbox_state(client, "esm"))["products"] == []

    run(scenario)


def test_names_up_to_100_bytes_pass_and_an_unknown_courier_becomes_기타택배() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        body = goods(itemBasicInfo__goodsName={"kor": "가" * 33}, itemAddtionalInfo__shipping__companyNo=99999)
        assert (await register(client, body))["resultCode"] == 0  # 99 bytes
        state = await sandbox_state(client, "esm")
        assert state["products"][0]["shipping"]["companyNo"] == 10034  # [E 20] "기타택배로 처리"
        second = goods(
            itemAddtionalInfo__shipping__policy={
                "placeNo": 1025419,
                "feeType": 1,
                "bundle": {"deliveryTmplId": 4235751},
            },
            itemAddtionalInfo__shipping__returnAndExchange={"addrNo": 1546790},
            itemAddtionalInfo__shipping__dispatchPolicyNo={"gmkt": 85173, "iac": 85173},
        )
        assert (await register(client, second, SECOND))["goodsNo"] == 2100000002
        assert (await register(client, second))["message"] == "ShipmentPlaceNo 오류, ShipmentPlaceNo: 1025419"

    run(scenario)


def test_the_goods_list_takes_30_calls_a_minute_per_master_id() -> None:
    clock = AppClock(NOW)

    async def scenario(client: httpx.AsyncClient) -> None:
        query = {"query": {}, "pageIndex": 1, "pageSize": 10}
        for n in range(30):
            headers = MAIN if n % 2 else SECOND
            assert (await ok(client, "POST", "/item/v1/goods/search", query, headers))["totalItems"] == 0
            clock.now += 1
        refused = await ok(client, "POST", "/item/v1/goods/search", query, MAIN)
        assert refused == {
            "resultCode": 1000,
            "message": "상품 목록 조회는 분당 30회까지 호출 가능합니다. 1분 뒤에 다시 조회해 주세요.",
            "data": None,
        }
        clock.now = NOW + 60  # the first call is a minute old
        assert (await ok(client, "POST", "/item/v1/goods/search", query, MAIN))["totalItems"] == 0
        clock.now = NOW + 200
        big = await ok(client, "POST", "/item/v1/goods/search", {"query": {}, "pageIndex": 1, "pageSize": 501})
        assert (
            big["message"] == '[InvalidApiRequestEx][\\"한번에 조회 가능한 상품 수는 1~500 사이로 입력해야 합니다.\\"]'
        )

    run(scenario, clock)


# -- 고시 정보, 추천옵션, 재고 ([E 161], [E 26], [E 194]) ------------------------------------------------------


def text(korean: str | None) -> dict[str, Any]:
    """A name / value text as [E 26]'s 조회 sample shows it."""
    return {"koreanText": korean, "englishText": None, "chineseText": None, "japaneseText": None, "exposeLanguage": 0}


NOTICE_CODES_41 = {  # [E 161] Sample Code_Success, verbatim
    "codes": [
        {
            "officialNoticeItemelementCode": "41-1",
            "officialNoticeItemelementName": "제품명 및 살생물제품유형",
            "guideText": "",
            "isExtraMark": True,
        }
    ]
}


def test_notice_groups_and_codes_are_the_guides_1_to_41() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        groups = (await ok(client, "GET", "/item/v1/official-notice/groups"))["groups"]
        assert [g["officialNoticeNo"] for g in groups] == list(range(1, 42))
        assert groups[0] == {"officialNoticeNo": 1, "officialNoticeName": "의류"}  # [E 161] sample
        assert groups[40] == {"officialNoticeNo": 41, "officialNoticeName": "살생물제품"}
        assert groups[16] == {"officialNoticeNo": 17, "officialNoticeName": "주방용품"}
        assert await ok(client, "GET", "/item/v1/official-notice/groups/41/codes") == NOTICE_CODES_41
        one = (await ok(client, "GET", "/item/v1/official-notice/groups/1/codes"))["codes"]
        assert [c["officialNoticeItemelementCode"] for c in one] == [  # [E 140] 등록 sample's order
            "1-1",
            "1-10",
            *(f"1-{n}" for n in range(2, 10)),
            "999-5",
        ]
        assert one[0] == {
            "officialNoticeItemelementCode": "1-1",
            "officialNoticeItemelementName": "고시 항목 1-1",
            "guideText": "",
            "isExtraMark": False,
        }
        two = (await ok(client, "GET", "/item/v1/official-notice/groups/2/codes"))["codes"]
        assert [c["officialNoticeItemelementCode"] for c in two] == [f"2-{n}" for n in range(1, 10)]
        seven = (await ok(client, "GET", "/item/v1/official-notice/groups/7/codes"))["codes"]
        assert [c["officialNoticeItemelementCode"] for c in seven] == ["7-1"]
        outside = {"resultCode": 1000, "message": "상품군 코드(officialNoticeNo)는 1 ~ 41 사이로 입력해 주세요."}
        for number in ("0", "42", "-1"):
            assert await ok(client, "GET", f"/item/v1/official-notice/groups/{number}/codes") == outside
        assert await ok(client, "GET", "/item/v1/official-notice/groups/abc/codes") == {  # [E 161] Sample Code_Fail
            "resultCode": 2181,
            "message": "데이터 형식 nvarchar을(를) int(으)로 변환하는 중 오류가 발생했습니다.",
        }
        assert await call(client, "GET", "/item/v1/official-notice/groups", headers={}) == (401, DENIED)
        assert await call(client, "GET", "/item/v1/official-notice/groups/1/codes", headers={}) == (401, DENIED)

    run(scenario)


def notice(number: int, *codes: str) -> dict[str, Any]:
    return {
        "officialNoticeNo": number,
        "details": [
            {"officialNoticeItemelementCode": c, "value": "상품상세설명 참조", "isExtraMark": False} for c in codes
        ],
    }


def test_goods_take_notices_of_known_groups_and_codes_only() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        every_1 = notice(1, "1-1", "1-10", *(f"1-{n}" for n in range(2, 10)), "999-5")  # [E 140] 등록 sample
        every_2 = notice(2, *(f"2-{n}" for n in range(1, 10)))  # [E 140] 수정 sample
        for made in (every_1, every_2, notice(41, "41-1"), notice(40, "40-1")):
            assert (await register(client, goods(itemAddtionalInfo__officialNotice=made)))["resultCode"] == 0
        refusals = [
            (
                notice(42, "42-1"),
                "상품정보고시 상품군코드(officialNoticeNo)가 올바르지 않습니다 < (42). "
                "고시 정보 조회 API(official-notice/groups)의 1 ~ 41 중에서 입력해 주세요.",
            ),
            (
                notice(1, "1-1", "2-1"),
                "상품정보고시 항목코드(officialNoticeItemelementCode)가 상품군 1에 없습니다 < (2-1). "
                "고시 정보 조회 API(official-notice/groups/1/codes)로 확인해 주세요.",
            ),
            (
                {"officialNoticeNo": 41, "details": [{"value": "x"}]},
                "상품정보고시 항목코드(officialNoticeItemelementCode)가 상품군 41에 없습니다 < (None). "
                "고시 정보 조회 API(official-notice/groups/41/codes)로 확인해 주세요.",
            ),
            (notice(41), "<21>-상품 고시 필수 정보가 입력되지 않았습니다 < (41)"),  # [E 20]
        ]
        for made, message in refusals:
            body = goods(itemAddtionalInfo__officialNotice=made)
            assert await register(client, body) == {"resultCode": 1000, "message": message, "data": None}
            changed = goods(itemAddtionalInfo__officialNotice=made, isSell={"gmkt": True, "iac": True})
            assert await ok(client, "PUT", "/item/v1/goods/2100000001", changed) == {
                "resultCode": 1000,
                "message": message,
                "data": None,
            }
        assert len((await sandbox_state(client, "esm"))["products"]) == 4

    run(scenario)


# [E 26]'s samples: 선택형 직접입력, 선택형 추천옵션, 조합형
DIRECT = {
    "type": 1,
    "isStockManage": True,
    "independent": {
        "details": [
            {
                "recommendedOptValueNo": 0,
                "recommendedOptValue": {"koreanText": "골드", "exposeLanguage": 1},
                "imageUrl": None,
                "isSoldOut": False,
                "isDisplay": True,
                "qty": {"iac": 50, "gmkt": 60},
                "manageCode": None,
                "skuInfo": None,
                "addAmnt": None,
            },
            {
                "recommendedOptValueNo": 0,
                "recommendedOptValue": {"koreanText": "실버", "exposeLanguage": 1},
                "isSoldOut": False,
                "isDisplay": True,
                "qty": {"iac": 70, "gmkt": 80},
                "manageCode": None,
                "skuInfo": None,
                "addAmnt": None,
            },
        ],
        "recommendedOptNo": 0,
        "recommendedOptName": {"koreanText": "단일옵션", "exposeLanguage": 1},
    },
}
SELECT = {
    "type": 1,
    "isStockManage": False,
    "independent": {
        "details": [
            {
                "recommendedOptValueNo": value,
                "recommendedOptValue": {"koreanText": name},
                "isSoldOut": False,
                "isDisplay": True,
                "qty": {"iac": 0, "gmkt": 0},
                "manageCode": code,
                "addAmnt": None,
            }
            for value, name, code in ((23901, "연청", "AAAA"), (23902, "진청", "BBB"))
        ],
        "recommendedOptNo": 1,
    },
}
COMBO = {
    "type": 2,
    "isStockManage": True,
    "combination": {
        "details": [
            {
                "recommendedOptValueNo1": first,
                "recommendedOptValueNo2": second,
                "recommendedOptValue1": {"koreanText": color},
                "recommendedOptValue2": {"koreanText": size},
                "isSoldOut": False,
                "isDisplay": True,
                "qty": {"iac": 9, "gmkt": 9},
                "manageCode": code,
                "addAmnt": None,
            }
            for first, second, color, size, code in (
                (14897, 14993, "검정", "L", "BL"),
                (14897, 15043, "검정", "XL", "BXL"),
                (15198, 14993, "흰색", "L", "WL"),
                (15198, 15043, "흰색", "XL", "WXL"),
            )
        ],
        "recommendedOptNo1": 1,
        "recommendedOptNo2": 976,
    },
}


def row(seq: int, value: int, korean: str, qty: tuple[int, int], code: str | None = None) -> dict[str, Any]:
    """A 선택형 row as the sandbox answers it; ``qty`` is (옥션, G마켓) as [E 26] orders it."""
    return {
        "recommendedOptValueNo": value,
        "recommendedOptValue": text(korean),
        "optSeq": seq,
        "isSoldOut": False,
        "isSoldOutSite": {"gmkt": False, "iac": False},
        "isDisplay": True,
        "isDisplaySite": {"gmkt": True, "iac": True},
        "qty": {"iac": qty[0], "gmkt": qty[1]},
        "manageCode": code,
        "skuInfo": None,
        "addAmnt": 0.0,
        "addAmntSite": {"gmkt": 0.0, "iac": 0.0},
    }


NO_OPTIONS = {
    "type": 0,
    "isStockManage": False,
    "inputType": 0,
    "independent": None,
    "independents": None,
    "combination": None,
    "text": None,
    "calculation": None,
}
OPTIONS = "/item/v1/goods/2100000001/recommended-options"


def test_recommended_options_replace_the_goods_options_and_stock() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        await register(client)
        assert await ok(client, "GET", OPTIONS) == NO_OPTIONS
        assert await ok(client, "PUT", OPTIONS, DIRECT) == {"goodsNo": 2100000001}  # [E 26] Sample Code_Success
        assert await ok(client, "GET", OPTIONS) == {
            **NO_OPTIONS,
            "type": 1,
            "isStockManage": True,
            "independent": {
                "details": [row(18459979851, 0, "골드", (50, 60)), row(18459979852, 0, "실버", (70, 80))],
                "recommendedOptNo": 0,
                "recommendedOptName": text("단일옵션"),
            },
        }
        read = await ok(client, "GET", "/item/v1/goods/2100000001")
        assert read["itemAddtionalInfo"]["recommendedOpts"] == DIRECT
        assert read["itemAddtionalInfo"]["stock"] == {"Gmkt": 140, "Iac": 120}  # [E 20] "옵션 재고합으로 산정"
        status = await ok(client, "GET", "/item/v1/goods/2100000001/sell-status")
        assert status["itemBasicInfo"]["Stock"] == {"gmkt": 140, "iac": 120}
        assert await ok(client, "PUT", OPTIONS, COMBO) == {"goodsNo": 2100000001}
        combo = await ok(client, "GET", OPTIONS)
        assert (combo["type"], combo["independent"], combo["independents"]) == (2, None, None)
        block = combo["combination"]
        assert {k: v for k, v in block.items() if k != "details"} == {
            "recommendedOptNo1": 1,
            "recommendedOptNo2": 976,
            "recommendedOptNo3": 0,
            "imageInfo": None,
            "recommendedOptName1": text("색상"),
            "recommendedOptName2": text("사이즈"),
            "recommendedOptName3": None,
        }
        assert block["details"][1] == {
            "recommendedOptValueNo1": 14897,
            "recommendedOptValueNo2": 15043,
            "recommendedOptValueNo3": 0,
            "recommendedOptValue1": text("검정"),
            "recommendedOptValue2": text("XL"),
            "recommendedOptValue3": None,
            "optSeq": 18459979854,
            "isSoldOut": False,
            "isSoldOutSite": {"gmkt": False, "iac": False},
            "isDisplay": True,
            "isDisplaySite": {"gmkt": True, "iac": True},
            "qty": {"iac": 9, "gmkt": 9},
            "manageCode": "BXL",
            "skuInfo": None,
            "addAmnt": 0.0,
            "addAmntSite": {"gmkt": 0.0, "iac": 0.0},
        }
        assert [r["manageCode"] for r in block["details"]] == ["BL", "BXL", "WL", "WXL"]
        status = await ok(client, "GET", "/item/v1/goods/2100000001/sell-status")
        assert status["itemBasicInfo"]["Stock"] == {"gmkt": 36, "iac": 36}
        # without 옵션재고관리 the qty are 0 ([E 26] 선택형 추천옵션 샘플) and the goods' stock stays
        assert await ok(client, "PUT", OPTIONS, SELECT) == {"goodsNo": 2100000001}
        kept = await ok(client, "GET", OPTIONS)
        assert kept["independent"]["details"][0] == row(18459979857, 23901, "연청", (0, 0), "AAAA")
        assert kept["independent"]["recommendedOptName"] == text("색상")
        status = await ok(client, "GET", "/item/v1/goods/2100000001/sell-status")
        assert status["itemBasicInfo"]["Stock"] == {"gmkt": 36, "iac": 36}
        # the full goods update replaces them ([E 20] recommendedOpts type 0 "옵션 미사용")
        plain = goods(isSell={"gmkt": True, "iac": True})
        assert (await ok(client, "PUT", "/item/v1/goods/2100000001", plain))["resultCode"] == 0
        assert await ok(client, "GET", OPTIONS) == NO_OPTIONS
        # another account's goods, and a goods number that is none: [E 26]'s fail shape (no "data")
        for path, headers in ((OPTIONS, SECOND), ("/item/v1/goods/x/recommended-options", MAIN)):
            goods_no = path.split("/")[4]
            refused = {"resultCode": 1000, "message": f"{BX}상품번호가 올바르지 않습니다 < {goods_no}"}
            assert await ok(client, "GET", path, headers=headers) == refused
            assert await ok(client, "PUT", path, DIRECT, headers) == refused
        assert await call(client, "PUT", OPTIONS, DIRECT, {}) == (401, DENIED)

    run(scenario)


def options(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """``base`` with ``a__b`` paths changed (``details__0__qty`` is the first row's qty)."""
    body = copy.deepcopy(base)
    for path, value in changes.items():
        *parents, last = path.split("__")
        node: Any = body
        for key in parents:
            node = node[int(key)] if key.isdigit() else node[key]
        if last.isdigit():
            node[int(last)] = value
        else:
            node[last] = value
    return body


def many(base: dict[str, Any], block: str, count: int) -> dict[str, Any]:
    body = copy.deepcopy(base)
    first = body[block]["details"][0]
    body[block]["details"] = [copy.deepcopy(first) for _ in range(count)]
    return body


TYPE_MESSAGE = (  # [E 20] error table, verbatim
    f"{BX}추천 옵션 타입(type)이 잘 못 되었습니다 < (0: 사용 안함, 1: 독립형(1개 선택형), 2: 복합형(2개 선택형))\\"
)
QTY_BOTH = (
    '[InvalidApiRequestEx][\\"Gmkt 필드는 1에서 99999 사이에 있어야 합니다.\\",'
    '\\"Iac 필드는 1에서 99999 사이에 있어야 합니다.\\"]'
)


@pytest.mark.parametrize(
    ("body", "code", "message"),
    [
        (options(DIRECT, type=0), 1000, TYPE_MESSAGE),
        (options(DIRECT, type=10), 1000, TYPE_MESSAGE),
        (
            options(DIRECT, type=4),
            1000,
            f"{BX}샌드박스는 선택형(type 1)과 조합형(type 2, 3) 옵션만 받습니다. 옵션을 선택형이나 조합형으로 보내 주세요.",
        ),
        (
            options(DIRECT, isStockManage=None),
            1000,
            f"{BX}옵션재고관리(isStockManage)는 필수 입력 항목입니다. true 또는 false로 입력해 주세요.",
        ),
        (
            options(DIRECT, inputType=2),
            1000,
            f"{BX}옵션 사이트별 설정 여부(inputType)는 0(공통) 또는 1(사이트별)로 입력해 주세요.",
        ),
        (
            options(DIRECT, independent=None),
            1000,
            f"{BX}선택형(type 1) 옵션은 independent(2개 이상은 independents)에 입력해 주세요.",
        ),
        (options(COMBO, combination=None), 1000, f"{BX}조합형(type 2) 옵션은 combination에 입력해 주세요."),
        (many(DIRECT, "independent", 50), 0, ""),
        (  # [E 26] Sample Code_Fail, verbatim
            many(DIRECT, "independent", 51),
            1000,
            "선택형(Independent) 상세정보(Details) 항목은 50개까지 입력 가능합니다",
        ),
        (many(COMBO, "combination", 500), 0, ""),
        (
            many(COMBO, "combination", 501),
            1000,
            "조합형(Combination) 상세정보(Details) 항목은 500개까지 입력 가능합니다",
        ),
        (options(DIRECT, independent__recommendedOptName=None), 3000, "[Independent] 옵션 번호 오류 (0)"),  # [E 26]
        (options(SELECT, independent__recommendedOptNo=5), 3000, "[Independent] 옵션 번호 오류 (5)"),
        (options(COMBO, combination__recommendedOptNo2=77), 3000, "[Combination] 옵션 번호 오류 (77)"),
        (options(DIRECT, independent__details=[]), 1000, f"{BX}옵션 상세정보(details)를 1개 이상 입력해 주세요."),
        (
            options(COMBO, combination__details__0__recommendedOptValueNo2=99),
            1000,
            f"{BX}추천옵션항목코드(recommendedOptValueNo2) 99은(는) 추천옵션 976의 항목이 아닙니다. "
            "추천옵션 항목 조회 API(options/recommended-opts/976)로 확인해 주세요.",
        ),
        (  # 사이즈 976 takes no typed-in value ([E 155]: only lists holding 0 do)
            options(COMBO, combination__details__0__recommendedOptValueNo2=0),
            1000,
            f"{BX}추천옵션항목코드(recommendedOptValueNo2) 0은(는) 추천옵션 976의 항목이 아닙니다. "
            "추천옵션 항목 조회 API(options/recommended-opts/976)로 확인해 주세요.",
        ),
        (
            options(SELECT, independent__details__0__recommendedOptValueNo=0),  # 색상 1 takes one, with its name
            0,
            "",
        ),
        (
            options(
                SELECT,
                independent__details__0__recommendedOptValueNo=0,
                independent__details__0__recommendedOptValue=None,
            ),
            1000,
            f"{BX}직접 입력하는 옵션 항목은 recommendedOptValue.koreanText에 이름을 입력해 주세요.",
        ),
        (
            options(DIRECT, independent__details__1__isDisplay="Y"),
            1000,
            f"{BX}옵션 품절여부(isSoldOut)와 노출여부(isDisplay)는 true 또는 false로 입력해 주세요.",
        ),
        (  # [E 26] 3000
            options(DIRECT, independent__details__0__isSoldOut=True, independent__details__1__isSoldOut=True),
            3000,
            "모든 옵션이 품절인 상태로 등록이 불가합니다",
        ),
        (  # [E 20] "모든 옵션 품절여부/노출여부를 모두 true/false로 설정했을 경우"
            options(DIRECT, independent__details__0__isSoldOut=True, independent__details__1__isDisplay=False),
            1000,
            "주문선택사항이 최소 1개 이상 판매되어야 합니다",
        ),
        (options(DIRECT, independent__details__1__qty={"iac": 0, "gmkt": 100_000}), 1000, QTY_BOTH),  # [E 26]
        (
            options(DIRECT, independent__details__1__qty={"iac": 99_999}),
            1000,
            '[InvalidApiRequestEx][\\"Gmkt 필드는 1에서 99999 사이에 있어야 합니다.\\"]',
        ),
        (
            options(DIRECT, independent__details__1__manageCode="코드" * 3 + "12"),  # 20 bytes
            0,
            "",
        ),
        (
            options(DIRECT, independent__details__1__manageCode="코드" * 3 + "123"),
            1000,
            f"{BX}판매자옵션관리코드(manageCode)는 20byte 이내로 입력해 주세요 < 코드코드코드123",
        ),
        # the goods sells at 10,000원 on both sites: 추가금 -50 ~ 50 % ([E 26] "1만원이상 (기본값 -50 ~ 50%")
        (options(DIRECT, independent__details__0__addAmnt=-5000), 0, ""),
        (
            options(DIRECT, independent__details__0__addAmnt=5010),
            1000,
            f"{BX}[GMKT] 주문옵션 추가금(addAmnt)은 판매가 10000원 기준 -5000원 ~ 5000원 사이로 입력해 주세요 < 5010",
        ),
        (
            options(
                DIRECT,
                inputType=1,
                independent__details__0__addAmnt=100,
                independent__details__0__addAmntSite={"iac": 5000.5},
            ),
            1000,
            f"{BX}[IAC] 주문옵션 추가금(addAmnt)은 판매가 10000원 기준 -5000원 ~ 5000원 사이로 입력해 주세요 < 5000.5",
        ),
        (
            options(DIRECT, independent__details__0__addAmnt="많이"),
            1000,
            f"{BX}주문옵션 추가금(addAmnt)은 숫자로 입력해 주세요 < 많이",
        ),
        (
            options(
                DIRECT,
                inputType=1,
                independent__details__0__addAmnt="많이",
                independent__details__0__addAmntSite={"gmkt": 0, "iac": 0},
            ),
            1000,
            f"{BX}주문옵션 추가금(addAmnt)은 숫자로 입력해 주세요 < 많이",
        ),
        (
            options(DIRECT, inputType=1, independent__details__0__addAmntSite={"gmkt": True}),
            1000,
            f"{BX}주문옵션 추가금(addAmnt)은 숫자로 입력해 주세요 < True",
        ),
    ],
)
def test_each_option_rule_answers_its_code_and_message(body: dict[str, Any], code: int, message: str) -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        await register(client)
        answer = await ok(client, "PUT", OPTIONS, body)
        if code == 0:
            assert answer == {"goodsNo": 2100000001}
            return
        assert answer == {"resultCode": code, "message": message}  # [E 26] JSON_Fail: no "data"
        assert await ok(client, "GET", OPTIONS) == NO_OPTIONS  # nothing kept

    run(scenario)


def test_option_bands_and_site_settings() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        # [E 26] addAmnt bands: under 2,000원 0 ~ 100 %, under 10,000원 -50 ~ 100 %
        await register(client, goods(itemAddtionalInfo__price={"Gmkt": 1990, "Iac": 9990}))
        refused = await ok(client, "PUT", OPTIONS, options(DIRECT, independent__details__0__addAmnt=-10))
        assert refused["message"].endswith(
            "[GMKT] 주문옵션 추가금(addAmnt)은 판매가 1990원 기준 0원 ~ 1990원 사이로 입력해 주세요 < -10"
        )
        site_wise = options(
            DIRECT,
            inputType=1,
            independent__details__0__addAmnt=1990,
            independent__details__0__addAmntSite={"gmkt": 1990, "iac": -4995},
            independent__details__0__isSoldOutSite={"gmkt": False, "iac": True},
            independent__details__0__isDisplaySite={"gmkt": False},
        )
        assert await ok(client, "PUT", OPTIONS, site_wise) == {"goodsNo": 2100000001}
        first = (await ok(client, "GET", OPTIONS))["independent"]["details"][0]
        assert first["addAmnt"] == 1990.0 and first["addAmntSite"] == {"gmkt": 1990.0, "iac": -4995.0}
        assert first["isSoldOutSite"] == {"gmkt": False, "iac": True}
        assert first["isDisplaySite"] == {"gmkt": False, "iac": True}
        # a G마켓-only goods needs no 옥션 qty; its stock is the G마켓 sum
        await register(client, goods(sites=(2,)), MAIN_G)
        g_only = options(DIRECT, independent__details__0__qty={"gmkt": 5}, independent__details__1__qty={"gmkt": 6})
        assert await ok(client, "PUT", "/item/v1/goods/2100000002/recommended-options", g_only, MAIN_G) == {
            "goodsNo": 2100000002
        }
        status = await ok(client, "GET", "/item/v1/goods/2100000002/sell-status", headers=MAIN_G)
        assert status["itemBasicInfo"]["Stock"] == {"gmkt": 11}
        # two 선택형 blocks go in "independents" and come back there
        two = {"type": 1, "isStockManage": False, "independents": [SELECT["independent"], DIRECT["independent"]]}
        assert await ok(client, "PUT", OPTIONS, two) == {"goodsNo": 2100000001}
        kept = await ok(client, "GET", OPTIONS)
        assert kept["independent"] is None
        assert [b["recommendedOptNo"] for b in kept["independents"]] == [1, 0]

    run(scenario)


def test_goods_registration_checks_and_keeps_its_options() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        made = await register(client, goods(itemAddtionalInfo__recommendedOpts=COMBO))
        assert made["resultCode"] == 0
        kept = await ok(client, "GET", OPTIONS)
        assert kept["type"] == 2 and [r["optSeq"] for r in kept["combination"]["details"]] == [
            18459979851,
            18459979852,
            18459979853,
            18459979854,
        ]
        status = await ok(client, "GET", "/item/v1/goods/2100000001/sell-status")
        assert status["itemBasicInfo"]["Stock"] == {"gmkt": 36, "iac": 36}  # [E 20] "옵션 재고합으로 산정"
        # [E 20]'s error table words the same rules its own way
        for opts, message in (
            (
                options(COMBO, combination__details__2__qty={"gmkt": 0, "iac": 0}),
                f"{BX}[GMKT] 재고수량은 1~99999로 설정해 주세요",
            ),
            (
                options(COMBO, combination__details__2__qty={"gmkt": 9, "iac": 100_000}),
                f"{BX}[IAC] 재고수량은 1~99999로 설정해 주세요",
            ),
            (
                options(COMBO, **{f"combination__details__{n}__isSoldOut": True for n in range(4)}),
                "주문선택사항이 최소 1개 이상 판매되어야 합니다",
            ),
            (options(COMBO, type=11), TYPE_MESSAGE),
        ):
            body = goods(itemAddtionalInfo__recommendedOpts=opts)
            assert await register(client, body) == {"resultCode": 1000, "message": message, "data": None}
        # 계산형 / 텍스트형 inside a goods body are kept as sent (not modelled)
        text_opts = {
            "type": 5,
            "isStockManage": False,
            "text": {"details": [{"recommendedOptNo": 877, "Value": "문구"}]},
        }
        assert (await register(client, goods(itemAddtionalInfo__recommendedOpts=text_opts)))["goodsNo"] == 2100000002
        kept = await ok(client, "GET", "/item/v1/goods/2100000002/recommended-options")
        assert kept == {**NO_OPTIONS, "type": 5, "text": text_opts["text"]}

    run(scenario)


STOCK = "/item/v1/goods/2100000001/stock"


def test_stock_changes_goods_without_options_only() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        await register(client)
        done = await ok(client, "PUT", STOCK, {"stock": {"gmkt": 5, "iac": 7}})
        assert done == {"resultCode": 0, "message": "[IAC] 성공 / [GMKT] 성공", "goodsNo": 2100000001}  # [E 194]
        status = await ok(client, "GET", "/item/v1/goods/2100000001/sell-status")
        assert status["itemBasicInfo"]["Stock"] == {"gmkt": 5, "iac": 7}
        read = await ok(client, "GET", "/item/v1/goods/2100000001")
        assert read["itemAddtionalInfo"]["stock"] == {"Gmkt": 5, "Iac": 7}
        assert await ok(client, "PUT", STOCK, {"stock": {"gmkt": 99_999}}) == {
            "resultCode": 0,
            "message": "[GMKT] 성공",
            "goodsNo": 2100000001,
        }
        for body, message in (
            ({"stock": {"gmkt": 100_000, "iac": 3}}, "[GMKT] 재고는 99999개 이하이어야 합니다."),  # [E 194] verbatim
            ({"stock": {"gmkt": 3, "iac": 0}}, "[IAC] 재고는 1개 이상이어야 합니다."),
            ({"stock": {"gmkt": "많이"}}, "[GMKT] 재고는 1개 이상이어야 합니다."),
            ({"stock": {}}, "바꿀 재고를 stock.gmkt 또는 stock.iac에 1~99999로 입력해 주세요."),
            ({}, "바꿀 재고를 stock.gmkt 또는 stock.iac에 1~99999로 입력해 주세요."),
        ):
            assert await ok(client, "PUT", STOCK, body) == {"resultCode": 1000, "message": message, "data": None}
        status = await ok(client, "GET", "/item/v1/goods/2100000001/sell-status")
        assert status["itemBasicInfo"]["Stock"] == {"gmkt": 99_999, "iac": 7}  # refusals changed nothing
        refused = {"resultCode": 1000, "message": f"{BX}상품번호가 올바르지 않습니다 < 2100000001", "data": None}
        assert await ok(client, "PUT", STOCK, {"stock": {"gmkt": 1}}, SECOND) == refused
        # a G마켓-only goods: 옥션 is not its site
        await register(client, goods(sites=(2,)), MAIN_G)
        g_stock = await ok(client, "PUT", "/item/v1/goods/2100000002/stock", {"stock": {"gmkt": 4, "iac": 4}}, MAIN_G)
        assert g_stock == {"resultCode": 0, "message": "[GMKT] 성공", "goodsNo": 2100000002}
        # "옵션 사용 상품 … 재고 수정 불가", with or without 옵션재고관리
        for opts in (DIRECT, SELECT):
            assert await ok(client, "PUT", OPTIONS, opts) == {"goodsNo": 2100000001}
            assert await ok(client, "PUT", STOCK, {"stock": {"gmkt": 5, "iac": 5}}) == {
                "resultCode": 1000,
                "message": "옵션을 사용하는 상품은 재고 수정 API로 재고를 바꿀 수 없습니다. "
                "옵션 관리 API(recommended-options)로 옵션별 재고를 수정해 주세요.",
                "data": None,
            }
        assert await call(client, "PUT", STOCK, {"stock": {"gmkt": 1}}, {}) == (401, DENIED)
        state = await sandbox_state(client, "esm")
        assert state["requests"]["PUT /item/v1/goods/{goodsNo}/stock"] == 12

    run(scenario)


# -- orders and shipping ---------------------------------------------------------------------------------------


def test_seeded_orders_list_by_site_state_and_date_with_the_guides_fields() -> None:
    clock = AppClock(NOW)

    async def scenario(client: httpx.AsyncClient) -> None:
        made = await register(client)
        made_seed = await seed(client, orders=8, seed=5)
        assert made_seed["account"]["placeNo"] == 1025418 and made_seed["account"]["bundleDeliveryTmplIds"] == [
            4235749,
            4235750,
        ]
        sites = made_seed["sites"]
        gmarket = sorted(int(n) for n, s in sites.items() if s == "gmarket")
        auction = sorted(int(n) for n, s in sites.items() if s == "auction")
        assert (
            gmarket and auction and all(n >= 3_000_000_001 for n in gmarket) and all(n < 2_000_000_000 for n in auction)
        )
        g = await orders(client, 2, 1)
        assert (g["ResultCode"], g["Message"]) == (0, "")
        data = g["Data"]
        assert (data["SiteType"], data["SellerId"], data["TotalCount"]) == (2, "sandboxgmkt", len(gmarket))
        assert [row["OrderNo"] for row in data["RequestOrders"]] == gmarket
        row = data["RequestOrders"][0]
        assert row["SiteGoodsNo"] == made["siteDetail"]["gmkt"]["SiteGoodsNo"]  # the SITE goods number
        assert row["GoodsNo"] is None and row["OutGoodsNo"] == "SKU-POT-1" and row["OrderStatus"] == 1
        assert row["OrderDate"].startswith("2025-06-18T") and row["TransDueDate"] == "2025-06-21T23:59:59"
        clock.now += 5  # the 5-second rule ([E 67])
        a = await orders(client, 1, 1, requestDateFrom="2025-06-18 00:00", requestDateTo="2025-06-18 10:01")
        assert [r["OrderNo"] for r in a["Data"]["RequestOrders"]] == auction
        assert {r["SiteGoodsNo"] for r in a["Data"]["RequestOrders"]} == {"C938000001"}

    run(scenario, clock)


def test_the_five_second_rule_counts_per_master_id_and_spares_order_number_lookups() -> None:
    clock = AppClock(NOW)
    busy = {"ResultCode": 3000, "Message": "주문 조회는 5초당 1회 호출 가능합니다", "Data": None}

    async def scenario(client: httpx.AsyncClient) -> None:
        made = await seed(client, orders=2, seed=1)
        number = made["orders"][0]
        site_type = {"gmarket": 2, "auction": 1}[made["sites"][str(number)]]
        assert (await orders(client, 2, 1))["ResultCode"] == 0  # main at t
        clock.now = NOW + 4
        assert await orders(client, 1, 1, SECOND) == busy  # the second account 4 s on: same master id
        lookup = {"siteType": site_type, "orderStatus": 0, "orderNo": number}
        found = await ok(client, "POST", "/shipping/v1/Order/RequestOrders", lookup)
        assert [r["OrderNo"] for r in found["Data"]["RequestOrders"]] == [number]  # inside 5 s, by number
        clock.now = NOW + 5
        assert (await orders(client, 1, 1, SECOND))["ResultCode"] == 0  # 5 s after the last admitted call
        clock.now = NOW + 9
        assert await orders(client, 2, 1) == busy
        clock.now = NOW + 10  # the refused call at 9 s did not restart the wait
        assert (await orders(client, 2, 1))["ResultCode"] == 0
        state = await sandbox_state(client, "esm")
        assert state["requests"]["POST /shipping/v1/Order/RequestOrders"] == 6

    run(scenario, clock)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"requestDateFrom": "2025-05-18", "requestDateTo": "2025-06-19"}, "31일 이하의 범위만 조회 할 수 있습니다."),
        ({"requestDateFrom": "2025-06-18", "requestDateTo": "2025-06-18"}, "조회 시작일이 종료일보다 과거여야 합니다."),
        ({"requestDateFrom": "18.06.2025"}, "문자열이 유효한 DateTime으로 인식되지 않습니다."),
        ({"siteType": 3}, "메서드 또는 연산이 구현되지 않았습니다."),
        ({"requestDateType": 3}, "메서드 또는 연산이 구현되지 않았습니다."),  # 발송마감일: orderStatus 2 only
    ],
)
def test_order_list_refusals(extra: dict[str, Any], message: str) -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        body = {"siteType": 2, "orderStatus": 1, "requestDateType": 1, **TODAY, **extra}
        answer = await ok(client, "POST", "/shipping/v1/Order/RequestOrders", body)
        assert answer == {"ResultCode": 3000, "Message": message, "Data": None}

    run(scenario)


def test_order_check_says_when_the_buyer_changed_the_address() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        changed = await seed(client, orders=1, seed=2, address_changed=100)
        plain = await seed(client, orders=1, seed=3, address_changed=0)
        moved, kept = changed["orders"][0], plain["orders"][0]
        assert changed["changed"] == [moved] and plain["changed"] == []
        path = "/shipping/v1/Order/OrderCheck/{}"
        assert await ok(client, "POST", path.format(moved)) == {
            "ResultCode": 0,
            "Message": "Success",
            "Data": {"IsChanged": 1},
        }
        assert await ok(client, "POST", path.format(kept)) == {
            "ResultCode": 0,
            "Message": "Success",
            "Data": {"IsChanged": 0},
        }
        again = await ok(client, "POST", path.format(moved))
        assert again == {"ResultCode": 3000, "Message": "이미 주문확인 처리된 건입니다.", "Data": None}
        other = await ok(client, "POST", path.format(moved), headers=SECOND)
        assert other == {"ResultCode": 3000, "Message": "해당 주문 내역이 없습니다.", "Data": None}
        site_type = {"gmarket": 2, "auction": 1}[changed["sites"][str(moved)]]
        listed = await orders(client, site_type, 2)
        row = next(r for r in listed["Data"]["RequestOrders"] if r["OrderNo"] == moved)
        assert (row["ZipCode"], row["DelFrontAddress"]) == ("35295", "대전광역시 서구 도솔로322번길 3")
        assert row["OrderConfirmDate"] == "2025-06-18T10:00:00"
        long_no = await ok(client, "POST", path.format(kept), {"SellerOrderNo": "A" * 31})
        assert long_no == {"ResultCode": 2141, "Message": "제휴사 주문번호의 최대길이는 30byte입니다.\n", "Data": None}

    run(scenario)


def ship(
    number: int, *, courier: int = 10013, invoice: str = "123456789012", date: str = "2025-06-18T09:30:00"
) -> dict[str, Any]:
    return {"OrderNo": number, "ShippingDate": date, "DeliveryCompanyCode": courier, "InvoiceNo": invoice}


def test_shipping_info_checks_courier_number_date_and_state() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        number = (await seed(client, orders=1, seed=4))["orders"][0]
        path = "/shipping/v1/Delivery/ShippingInfo"

        async def send(body: dict[str, Any]) -> Any:
            return await ok(client, "POST", path, body)

        not_shippable = {
            "ResultCode": 3000,
            "Message": f"주문번호:{number}의 경매상태가 발송가능한 상태가 아닙니다.",
            "Data": None,
        }
        assert await send(ship(number)) == not_shippable  # before the order check
        await ok(client, "POST", f"/shipping/v1/Order/OrderCheck/{number}")
        assert await send(ship(number, courier=99999)) == {
            "ResultCode": 3000,
            "Message": "지원하지 않는 택배사입니다.",
            "Data": None,
        }
        assert await send(ship(number, invoice="12345678901")) == {
            "ResultCode": 3000,
            "Message": "10013 는 CJ 대한통운 택배의 운송장번호 규칙에 어긋납니다.",
            "Data": None,
        }
        assert (await send(ship(number, courier=10008, invoice="123456789012")))[
            "Message"
        ] == "10008 는 롯데택배의 운송장번호 규칙에 어긋납니다."
        assert (await send(ship(number, invoice="1234-5678-9012")))["ResultCode"] == 3000
        late = await send(ship(number, date="2025-06-16T09:59:00"))  # more than 2 days back
        assert late == {
            "ResultCode": 3000,
            "Message": "발송일시는 호출시점 2일 이내의 YYYY-MM-DDThh:mm:ss 로 입력해 주세요.",
            "Data": None,
        }
        assert (await send(ship(number, date="2025-06-18 09:30:00")))["ResultCode"] == 3000  # not the T form
        assert await send(ship(number, date="2025-06-16T10:00:00")) == {
            "ResultCode": 0,
            "Message": "Success",
            "Data": {"OrderNo": number},
        }
        lotte = str(12345678901) + str(12345678901 % 7)
        assert (await send(ship(number, courier=10008, invoice=lotte)))["ResultCode"] == 0  # an update ("재호출")
        state = await sandbox_state(client, "esm")
        assert [(i["DeliveryCompanyCode"], i["InvoiceNo"], i["update"]) for i in state["invoices"]] == [
            (10013, "123456789012", False),
            (10008, lotte, True),
        ]
        site_type = {"gmarket": 2, "auction": 1}[state["orders"][0]["site"]]
        row = (await orders(client, site_type, 3))["Data"]["RequestOrders"][0]
        assert (row["TakbaeName"], row["NoSongjang"]) == ("롯데택배", lotte)
        done = await ok(client, "POST", f"/shipping/v1/Delivery/AddShippingCompleteInfo/{number}")
        assert done == {"ResultCode": 0, "Message": "Success", "Data": {"OrderNo": number}}
        assert await send(ship(number)) == not_shippable

    run(scenario)


# -- claims --------------------------------------------------------------------------------------------------


async def claim(client: httpx.AsyncClient, number: int, kind: str) -> dict[str, Any]:
    answer = await client.post("/__sandbox__/claims", json={"market": "esm", "order": number, "type": kind})
    assert answer.status_code == 200, answer.text
    made: dict[str, Any] = answer.json()
    return made


def cancels(site_type: int, status: int = 0, **extra: Any) -> dict[str, Any]:
    return {
        "SiteType": site_type,
        "CancelStatus": status,
        "Type": 2,
        "StartDate": "2025-06-12",
        "EndDate": "2025-06-19",
        **extra,
    }


async def one_order(client: httpx.AsyncClient, site: str, seed_no: int = 7) -> int:
    made = await seed(client, orders=1, seed=seed_no, site=site)
    number: int = made["orders"][0]
    return number


def test_cancels_before_and_after_the_order_check_and_their_approval() -> None:
    clock = AppClock(NOW)

    async def scenario(client: httpx.AsyncClient) -> None:
        early = await one_order(client, "gmarket", 1)
        assert await claim(client, early, "cancel") == {"claimNo": str(early), "type": "cancel", "status": 3}
        late = await one_order(client, "gmarket", 2)
        await ok(client, "POST", f"/shipping/v1/Order/OrderCheck/{late}")
        assert (await claim(client, late, "cancel"))["status"] == 1
        listed = await ok(client, "POST", "/claim/v1/sa/Cancels", cancels(3))
        assert [(r["OrderNo"], r["CancelStatus"], r["SiteType"]) for r in listed["Data"]] == [
            (early, 3, 3),
            (late, 1, 3),
        ]
        assert (await ok(client, "POST", "/claim/v1/sa/Cancels", cancels(3, 1)))["Data"][0]["OrderNo"] == late
        assert await ok(client, "POST", "/claim/v1/sa/Cancels", cancels(2)) == {
            "ResultCode": 2141,
            "Message": "사이트 타입이 올바르지 않습니다",
            "Data": None,
        }
        wide = await ok(client, "POST", "/claim/v1/sa/Cancels", cancels(3, StartDate="2025-06-10"))
        assert wide == {
            "ResultCode": 8668,
            "Message": "ShowAlertException$조회 기간은 7일 이내로 입력 바랍니다.",
            "Data": None,
        }
        assert await ok(client, "POST", "/claim/v1/sa/Cancels", cancels(3, Type=0, OrderNo=999)) == {
            "ResultCode": 99999,
            "Message": "주문정보가 없습니다",
            "Data": None,
        }
        assert (await orders(client, 2, 2))["Data"]["TotalCount"] == 0  # a claimed order is not listed
        approve = f"/claim/v1/sa/Cancel/{late}"
        assert await ok(client, "PUT", approve, {"SiteType": 2}) == {
            "ResultCode": 0,
            "Message": "Success",
            "Data": None,
        }
        assert await ok(client, "PUT", approve, {"SiteType": 2}) == {
            "ResultCode": 8668,
            "Message": "ShowAlertException$이미 취소 승인 되었습니다.",
            "Data": None,
        }
        assert await ok(client, "PUT", approve, {"SiteType": 1}) == {
            "ResultCode": 1000,
            "Message": "데이터 조회 실패.",
            "Data": None,
        }
        shipped = await ok(client, "POST", "/shipping/v1/Delivery/ShippingInfo", ship(late))
        assert shipped["Message"] == "통합 API 취소요청건 발송처리를 위한 취소철회가 실패하였습니다."
        assert await call(client, "POST", approve, {"SiteType": 2}) == (401, DENIED)  # (제한) 비품절용: no right

    run(scenario, clock)


def test_shipping_rejects_a_cancel_request_and_24_hours_cancel_it() -> None:
    clock = AppClock(NOW)

    async def scenario(client: httpx.AsyncClient) -> None:
        rejected, waited = await one_order(client, "auction", 1), await one_order(client, "auction", 2)
        for number in (rejected, waited):
            await ok(client, "POST", f"/shipping/v1/Order/OrderCheck/{number}")
            await claim(client, number, "cancel")
        assert (await ok(client, "POST", "/shipping/v1/Delivery/ShippingInfo", ship(rejected)))["ResultCode"] == 0
        listed = await ok(client, "POST", "/claim/v1/sa/Cancels", cancels(1, 4))
        assert [(r["OrderNo"], r["WithdrawDate"]) for r in listed["Data"]] == [(rejected, "2025-06-18T10:00:00")]
        assert (await orders(client, 1, 3))["Data"]["RequestOrders"][0]["OrderNo"] == rejected  # listed again
        clock.now = NOW + 86_400
        late = await ok(client, "POST", "/shipping/v1/Delivery/ShippingInfo", ship(waited, date="2025-06-19T09:00:00"))
        assert late["Message"] == "통합 API 취소요청건 발송처리를 위한 취소철회가 실패하였습니다."
        done = (
            await ok(
                client, "POST", "/claim/v1/sa/Cancels", cancels(1, 3, StartDate="2025-06-13", EndDate="2025-06-20")
            )
        )["Data"]
        assert [(r["OrderNo"], r["ApproveUser"], r["CompleteDate"]) for r in done] == [
            (waited, 4, "2025-06-19T10:00:00")
        ]
        refused = await ok(client, "PUT", f"/claim/v1/sa/Cancel/{waited}", {"SiteType": 1})
        assert refused == {
            "ResultCode": 8668,
            "Message": "이미 취소 승인 되었습니다",
            "BizRuleCode": "W8-2",
            "Data": None,
        }

    run(scenario, clock)


def test_sold_out_cancels_an_unshipped_order_and_stops_the_goods_on_that_site() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        await register(client)
        g = await one_order(client, "gmarket", 1)
        a = await one_order(client, "auction", 2)
        await ok(client, "POST", f"/shipping/v1/Order/OrderCheck/{a}")
        await claim(client, a, "cancel")
        assert await ok(client, "POST", f"/claim/v1/sa/Cancel/{a}/SoldOut", {"SiteType": 1}) == {
            "ResultCode": 8668,
            "Message": "이미 취소 요청된 주문입니다",
            "BizRuleCode": "W28-1",
            "Data": None,
        }
        sold = await ok(client, "POST", f"/claim/v1/sa/Cancel/{g}/SoldOut", {"SiteType": 2})
        assert sold == {"ResultCode": 0, "Message": "Success", "Data": None}
        again = await ok(client, "POST", f"/claim/v1/sa/Cancel/{g}/SoldOut", {"SiteType": 2})
        assert again == {"ResultCode": 8668, "Message": "취소 가능한 주문상태가 아닙니다.", "Data": None}
        row = (await ok(client, "POST", "/claim/v1/sa/Cancels", cancels(3, 3)))["Data"][0]
        assert (row["OrderNo"], row["RequestUser"], row["ReasonCode"]) == (g, 2, 6)
        status = await ok(client, "GET", "/item/v1/goods/2100000001/sell-status")
        assert status["IsSell"] == {"gmkt": False, "iac": True}

    run(scenario)


async def shipped(client: httpx.AsyncClient, site: str, seed_no: int) -> int:
    number = await one_order(client, site, seed_no)
    await ok(client, "POST", f"/shipping/v1/Order/OrderCheck/{number}")
    assert (await ok(client, "POST", "/shipping/v1/Delivery/ShippingInfo", ship(number)))["ResultCode"] == 0
    return number


def test_returns_are_listed_and_approved_with_each_sites_codes() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        g, a = await shipped(client, "gmarket", 1), await shipped(client, "auction", 2)
        not_yet = await client.post(
            "/__sandbox__/claims",
            json={"market": "esm", "order": await one_order(client, "gmarket", 3), "type": "return"},
        )
        assert not_yet.status_code == 400
        for number in (g, a):
            assert (await claim(client, number, "return"))["status"] == 1
        query = {"SiteType": 2, "ReturnStatus": 1, "Type": 2, "StartDate": "2025-06-18", "EndDate": "2025-06-19"}
        rows = (await ok(client, "POST", "/claim/v1/sa/Returns", query))["Data"]
        assert [(r["OrderNo"], r["ReturnStatus"], r["SiteType"]) for r in rows] == [(g, 1, 3)]
        assert (
            rows[0]["ShippingInfo"]["DeliveryCompCode"] == "10013"
            and rows[0]["ShippingInfo"]["InvoiceNo"] == "123456789012"
        )
        assert await ok(client, "POST", "/claim/v1/sa/Returns", {**query, "SiteType": 3}) == {
            "ResultCode": 2141,
            "Message": "사이트 타입이 올바르지 않습니다",
            "Data": None,
        }
        path = "/claim/v1/sa/return/{}"
        assert await ok(client, "PUT", path.format(g), {"SiteType": 2}) == {
            "ResultCode": 0,
            "Message": "Success",
            "Data": None,
        }
        assert await ok(client, "PUT", path.format(g), {"SiteType": 2}) == {
            "ResultCode": 5800,
            "Message": "이미 환불된 건입니다.",
            "Data": None,
        }
        assert await ok(client, "PUT", path.format(a), {"SiteType": 1}) == {
            "ResultCode": 0,
            "Message": "Success",
            "BizRuleCode": "",
            "Data": None,
        }
        assert await ok(client, "PUT", path.format(a), {"SiteType": 1}) == {
            "ResultCode": 8668,
            "Message": "이미 처리된 건입니다",
            "BizRuleCode": "W18-1",
            "Data": None,
        }
        other = await shipped(client, "gmarket", 4)
        assert await ok(client, "PUT", path.format(other), {"SiteType": 2}) == {
            "ResultCode": 5900,
            "Message": "ReturnApproveFlowException$반품 정보 조회 실패",
            "Data": None,
        }
        done = (await ok(client, "POST", "/claim/v1/sa/Returns", {**query, "ReturnStatus": 4}))["Data"]
        assert [(r["OrderNo"], r["ApproveUser"]) for r in done] == [(g, 2)]

    run(scenario)


def test_exchange_resend_takes_an_invoice_and_can_update_it() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        g, a = await shipped(client, "gmarket", 1), await shipped(client, "auction", 2)
        for number in (g, a):
            await claim(client, number, "exchange")
        path = "/claim/v1/sa/exchange/{}/resend"
        resend = {"SiteType": 2, "DeliveryCompCode": 10007, "InvoiceNo": "123456789012"}
        assert await ok(client, "POST", path.format(g), {**resend, "DeliveryCompCode": 1}) == {
            "ResultCode": 99999,
            "Message": "API Error - 교환택배사가 존재하지 않습니다",
            "Data": None,
        }
        assert await ok(client, "POST", path.format(g), resend) == {"ResultCode": 0, "Message": "Success", "Data": None}
        assert (await ok(client, "POST", path.format(g), {**resend, "InvoiceNo": "98765432109876"}))["ResultCode"] == 0
        bad = {"SiteType": 1, "DeliveryCompCode": 10007, "InvoiceNo": "12345"}
        assert await ok(client, "POST", path.format(a), bad) == {
            "ResultCode": 8668,
            "Message": "요청한 송장번호가 유효하지 않습니다.",
            "BizRuleCode": "W22-6",
            "Data": None,
        }
        plain = await shipped(client, "auction", 3)
        assert await ok(client, "POST", path.format(plain), {**bad, "InvoiceNo": "123456789012"}) == {
            "ResultCode": 8668,
            "Message": "요청한 주문번호가 반품 및 교환 배송건이 아닙니다.",
            "BizRuleCode": "W22-3",
            "Data": None,
        }
        query = {"SiteType": 2, "ExchangeStatus": 4, "Type": 2, "StartDate": "2025-06-18", "EndDate": "2025-06-19"}
        rows = (await ok(client, "POST", "/claim/v1/sa/Exchanges", query))["Data"]
        assert [(r["OrderNo"], r["ExchangeStatus"]) for r in rows] == [(g, 0)]
        assert (
            rows[0]["ResendInfo"]["InvoiceNo"] == "98765432109876"
            and rows[0]["ResendInfo"]["DeliveryCompName"] == "한진택배"
        )
        open_a = await ok(client, "POST", "/claim/v1/sa/Exchanges", {**query, "SiteType": 1, "ExchangeStatus": 1})
        assert [r["OrderNo"] for r in open_a["Data"]] == [a]

    run(scenario)


# -- CS ------------------------------------------------------------------------------------------------------


def inquiry_query(**extra: Any) -> dict[str, Any]:
    return {"qnaType": 3, "status": 1, "type": 1, "startDate": "2025-06-17", "endDate": "2025-06-19", **extra}


def test_inquiries_are_answered_with_their_token_once() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        made = await seed(client, orders=2, inquiries=4, seed=6)
        rows = await ok(client, "POST", "/item/v1/communications/customer/bulletin-board", inquiry_query())
        assert isinstance(rows, list) and sorted(r["messageNo"] for r in rows) == sorted(made["inquiries"])
        row = rows[0]
        assert (
            row["token"].startswith("!")
            and row["informStatus"] == "미처리"
            and row["answerDate"] == "0001-01-01T00:00:00+09:00"
        )
        assert row["receiveDate"].endswith("+09:00")
        path = "/item/v1/communications/customer/bulletin-board/qna"
        answer = {
            "messageNo": row["messageNo"],
            "token": row["token"],
            "answerStatus": 2,
            "title": "답변",
            "comments": "안녕하세요. 내일 발송됩니다.",
        }
        wrong = await ok(client, "POST", path, {**answer, "token": rows[1]["token"]})
        assert wrong == {"resultCode": 1000, "message": f"{row['sellerId']}는 token정보와 관련이 없습니다."}
        too_long = await ok(client, "POST", path, {**answer, "comments": "가" * 334})  # 1,002 bytes
        assert too_long == {"resultCode": 1000, "message": "답변 내용은 1000byte 이내로 입력 가능합니다."}
        assert (await ok(client, "POST", path, {**answer, "comments": "가" * 333}))["messageNo"] == row["messageNo"]
        again = await ok(client, "POST", path, answer)
        assert again == {"resultCode": 1000, "message": "이미 답변이 완료된 문의입니다."}
        assert (await ok(client, "POST", path, answer, SECOND))[
            "message"
        ] == "입력된 문의번호에 해당하는 정보가 존재하지 않습니다."
        done = await ok(client, "POST", "/item/v1/communications/customer/bulletin-board", inquiry_query(status=3))
        assert [(r["messageNo"], r["answer"]) for r in done] == [(row["messageNo"], "가" * 333)]
        wide = await ok(
            client, "POST", "/item/v1/communications/customer/bulletin-board", inquiry_query(startDate="2025-06-10")
        )
        assert wide == {"resultCode": 1000, "message": "7일 기간이상 조회 요청이 불가능합니다."}
        empty = await ok(
            client,
            "POST",
            "/item/v1/communications/customer/bulletin-board",
            inquiry_query(startDate="2025-06-12", endDate="2025-06-13"),
        )
        assert empty == {"resultCode": 1000, "message": "조회된 기간에 조회 대상이 없습니다"}
        state = await sandbox_state(client, "esm")
        assert [(a["messageNo"], a["answerStatus"]) for a in state["answers"]] == [(row["messageNo"], 2)]

    run(scenario)


def test_emergency_alerts_are_listed_and_answered_once() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        made = await seed(client, orders=4, alimi=4, seed=8)
        body = {"status": 2, "type": 1, "startDate": "2025-06-17", "endDate": "2025-06-19"}
        listed = await ok(client, "POST", "/assist/v1/Selling/GetEmergencyInformList", body)
        assert (listed["ResultCode"], listed["Message"]) == (0, "성공")
        assert sorted(r["EmerMessageNo"] for r in listed["Data"]) == sorted(made["alimi"])
        by_site = {r["EmerMessageNo"]: r["SellerId"] for r in listed["Data"]}
        path = "/assist/v1/Selling/AddEmergencyInformReply"
        for number, seller in by_site.items():
            reply = {"emerMessageNo": str(number), "answerStatus": 2, "comments": "확인했습니다. 오늘 발송합니다."}
            expected = {"EmerMessageNo": number} if seller == "sandboxiac" else None  # [E 46] "옥션만"
            assert await ok(client, "POST", path, reply) == {"ResultCode": 0, "Message": "성공", "Data": expected}
            assert await ok(client, "POST", path, reply) == {
                "ResultCode": 100,
                "Message": "이미 처리 완료된 건입니다.",
                "Data": None,
            }
        assert await ok(client, "POST", path, {"emerMessageNo": "0", "answerStatus": 2, "comments": "x"}) == {
            "ResultCode": 20,
            "Message": "번호는 0보다 커야합니다.",
            "Data": None,
        }
        first = next(iter(by_site))
        assert (await ok(client, "POST", path, {"emerMessageNo": first, "answerStatus": 3, "comments": "x"}))[
            "ResultCode"
        ] == 20
        assert (await ok(client, "POST", path, {"emerMessageNo": first, "answerStatus": 2, "comments": "x"}, SECOND))[
            "ResultCode"
        ] == 2141
        bad = await ok(client, "POST", "/assist/v1/Selling/GetEmergencyInformList", {**body, "status": 4})
        assert bad == {
            "ResultCode": 20,
            "Message": "처리상태 입력값은 1(전체), 2(미처리), 3(처리완료) 중 하나로 입력가능합니다.",
            "Data": None,
        }
        assert (await ok(client, "POST", "/assist/v1/Selling/GetEmergencyInformList", body))["Data"] == []

    run(scenario)


# -- the control API -----------------------------------------------------------------------------------------


def test_control_api_accounts_state_and_reset() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        state = await sandbox_state(client, "esm")
        assert state["accounts"][0] == {
            "name": "main",
            "gmarket_id": "sandboxgmkt",
            "auction_id": "sandboxiac",
            "placeNo": 1025418,
            "dispatchPolicyNo": 85172,
            "addrNo": 1546789,
            "bundleDeliveryTmplIds": [4235749, 4235750],
            "categories": {"gmarket": ["300005739", "300009483"], "auction": ["12081600", "39010100"]},
        }
        assert (state["accounts"][1]["placeNo"], state["accounts"][1]["bundleDeliveryTmplIds"]) == (
            1025419,
            [4235751, 4235752],
        )
        assert all(state[key] == [] for key in ("products", "orders", "invoices", "claims", "inquiries", "answers"))
        await sandbox_ok(client, "accounts", {"market": "esm", "name": "third", "gmarket_id": "sbxg3"})
        assert (
            await client.post("/__sandbox__/accounts", json={"market": "esm", "name": "x", "gmarket_id": "sbxg3"})
        ).status_code == 400
        third = auth(ssi="G:sbxg3")
        assert (await ok(client, "POST", "/item/v1/goods/search", {"query": {}, "pageIndex": 1, "pageSize": 1}, third))[
            "totalItems"
        ] == 0
        assert await call(client, "POST", "/item/v1/goods/search", {}, auth(ssi="A:sbxg3")) == (401, DENIED)
        made = await seed(client, orders=1, account="third")
        assert set(made["sites"].values()) == {"gmarket"} and made["account"]["placeNo"] == 1025420
        bad_seed = await client.post(
            "/__sandbox__/seed", json={"market": "esm", "orders": 1, "site": "auction", "account": "third"}
        )
        assert bad_seed.status_code == 400
        await sandbox_ok(client, "reset", {"market": "esm"})
        state = await sandbox_state(client, "esm")
        assert state["orders"] == [] and [a["name"] for a in state["accounts"]] == ["main", "second"]

    run(scenario)


# --- 재고 연동: the swallow switch, seeding by quantity and product --------------------------------------------


async def swallow(client: httpx.AsyncClient, on: bool) -> None:
    answer = await client.post("/__sandbox__/swallow", json={"market": "esm", "on": on})
    assert answer.status_code == 200, answer.text


def test_swallowed_stock_and_sale_status_writes_answer_as_done_and_change_nothing() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        plain = (await register(client))["goodsNo"]
        optioned = (await register(client, goods(itemAddtionalInfo__recommendedOpts=DIRECT)))["goodsNo"]
        before = await sandbox_state(client, "esm")
        assert before["swallow"] is False
        await swallow(client, True)
        assert (await sandbox_state(client, "esm"))["swallow"] is True
        # [E 194], [E 26], [E 21]: the documented success answers, nothing applied
        assert await ok(client, "PUT", f"/item/v1/goods/{plain}/stock", {"stock": {"gmkt": 7, "iac": 8}}) == {
            "resultCode": 0,
            "message": "[IAC] 성공 / [GMKT] 성공",
            "goodsNo": plain,
        }
        sold_out = options(
            DIRECT, independent__details__0__isSoldOut=True, independent__details__1__qty={"iac": 3, "gmkt": 3}
        )
        assert await ok(client, "PUT", f"/item/v1/goods/{optioned}/recommended-options", sold_out) == {
            "goodsNo": optioned
        }
        stop = {
            "isSell": {"gmkt": False, "iac": False},
            "itemBasicInfo": {"price": {"gmkt": 0, "iac": 0}, "stock": {"gmkt": 0, "iac": 0}, "sellingPeriod": {"gmkt": 0, "iac": 0}},
        }  # fmt: skip
        assert await ok(client, "PUT", f"/item/v1/goods/{plain}/sell-status", stop) == {
            "goodsNo": plain,
            "resultCode": 0,
            "message": None,
        }
        after = await sandbox_state(client, "esm")
        assert after["products"] == before["products"]  # reads show what the sandbox really holds
        status = await ok(client, "GET", f"/item/v1/goods/{plain}/sell-status")
        assert (status["IsSell"], status["itemBasicInfo"]["Stock"]) == (
            {"gmkt": True, "iac": True},
            {"gmkt": 100, "iac": 100},
        )
        # a swallowed write is still checked: a refusal answers as always
        refused = await ok(client, "PUT", f"/item/v1/goods/{plain}/stock", {"stock": {"gmkt": 0}})
        assert refused == {"resultCode": 1000, "message": "[GMKT] 재고는 1개 이상이어야 합니다.", "data": None}
        await swallow(client, False)
        await ok(client, "PUT", f"/item/v1/goods/{plain}/stock", {"stock": {"gmkt": 7, "iac": 8}})
        status = await ok(client, "GET", f"/item/v1/goods/{plain}/sell-status")
        assert status["itemBasicInfo"]["Stock"] == {"gmkt": 7, "iac": 8}
        await ok(client, "PUT", f"/item/v1/goods/{optioned}/recommended-options", sold_out)
        rows = (await ok(client, "GET", f"/item/v1/goods/{optioned}/recommended-options"))["independent"]["details"]
        assert [(r["isSoldOut"], r["qty"]) for r in rows] == [
            (True, {"iac": 50, "gmkt": 60}),
            (False, {"iac": 3, "gmkt": 3}),
        ]
        await swallow(client, True)
        await client.post("/__sandbox__/reset", json={})
        assert (await sandbox_state(client, "esm"))["swallow"] is False  # reset turns it off

    run(scenario)


def test_a_swallowed_sold_out_cancel_cancels_the_order_but_leaves_the_goods_on_sale() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        await register(client)
        number = await one_order(client, "gmarket", 1)
        await swallow(client, True)
        sold = await ok(client, "POST", f"/claim/v1/sa/Cancel/{number}/SoldOut", {"SiteType": 2})
        assert sold == {"ResultCode": 0, "Message": "Success", "Data": None}
        order = next(o for o in (await sandbox_state(client, "esm"))["orders"] if o["OrderNo"] == number)
        assert order["cancelled"] is True
        status = await ok(client, "GET", "/item/v1/goods/2100000001/sell-status")
        assert status["IsSell"] == {"gmkt": True, "iac": True}  # [E 52]'s 품절 was a sale-status write: swallowed

    run(scenario)


def test_seeding_takes_a_quantity_and_a_product() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        first = (await register(client))["goodsNo"]
        second = await register(client, goods(itemAddtionalInfo__managedCode="SKU-POT-2"))
        made = await seed(client, orders=6, seed=3, qty=4, product=first)
        found = {o["OrderNo"]: o for o in (await sandbox_state(client, "esm"))["orders"]}
        rows = [found[n] for n in made["orders"]]
        assert {o["ContrAmount"] for o in rows} == {4}
        assert {o["SiteGoodsNo"] for o in rows} <= {"2770000001", "C938000001"}  # the first goods' site numbers
        assert {o["site"] for o in rows} == {"gmarket", "auction"}
        by_site = await seed(client, orders=3, seed=3, product=second["siteDetail"]["iac"]["SiteGoodsNo"])
        assert {found_site for found_site in by_site["sites"].values()} == {"auction", "gmarket"}
        plain = await seed(client, orders=2, seed=9)
        assert all(
            1 <= o["ContrAmount"] <= 3
            for o in (await sandbox_state(client, "esm"))["orders"]
            if o["OrderNo"] in plain["orders"]
        )
        stop = {"isSell": {"gmkt": False, "iac": True}, "itemBasicInfo": {
            "price": {"gmkt": 0, "iac": 10000}, "stock": {"gmkt": 0, "iac": 100}, "sellingPeriod": {"gmkt": 0, "iac": 0}}}  # fmt: skip
        await ok(client, "PUT", f"/item/v1/goods/{first}/sell-status", stop)
        only_auction = await seed(client, orders=3, seed=1, product=str(first))
        assert set(only_auction["sites"].values()) == {"auction"}  # drawn where the goods is on sale
        for bad, words in (
            ({"qty": 0}, "qty must be an integer in [1, 99999]"),
            ({"qty": "2"}, "qty must be an integer"),
            ({"product": "999"}, "product must be a goods number of account 'main'"),
            ({"product": first, "site": "gmarket"}, "is not on sale on 'gmarket'"),
        ):
            answer = await client.post("/__sandbox__/seed", json={"market": "esm", "orders": 1, **bad})
            assert answer.status_code == 400 and words in answer.text, answer.text

    run(scenario)
