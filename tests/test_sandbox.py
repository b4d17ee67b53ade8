"""The sandbox speaks TMON's interwork protocol (marketplaces.md §1), and its control API shapes and faults it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from helpers import AppClock, run_sandbox, sandbox_ok, sandbox_state, served, tmon_login, tmon_token

from batch.sandbox.app import create_app
from batch.sandbox.faults import ConnectionDropped

NOW = 1_750_000_000.0  # the app clock's start: token expiry and the rate limiter read it
PARTNER = {"X-Partner-Id": "sellerbot", "X-Partner-Token": "sandbox-partner-token"}
GRANT = {"grant_type": (None, "client_credentials")}  # multipart/form-data, as TMON's clients send it
Scenario = Callable[[httpx.AsyncClient], Awaitable[None]]


def run(scenario: Scenario, clock: AppClock | None = None, seed: int = 0) -> None:
    """Run ``scenario`` against a fresh in-process sandbox."""
    run_sandbox(scenario, create_app(clock=clock or AppClock(NOW), seed=seed))


def option(number: str, extra: int = 0, **changes: Any) -> dict[str, Any]:
    """A deal option as [T1] ProdServiceImpl.getProducts builds one (``price`` left to its default, salesPrice)."""
    return {
        "vendorDealOptionNo": number,
        "title": f"옵션 {number}",
        "salesPrice": 19900 + extra,
        "stock": 10,
        **changes,
    }


def deal(**changes: Any) -> dict[str, Any]:
    """A deal body every rule accepts, with ``changes`` applied: the required fields of [T1] getProducts."""
    body: dict[str, Any] = {
        "vendorDealNo": "D-1",
        "title": "국산 햇사과 5kg",
        "titleDecoration": "산지직송",
        "managedTitle": "국산 햇사과 5kg",
        "productType": "DP07",
        "vendorPolicyNo": 501,
        "deliveryTemplateNo": 1690698,
        "categoryNo": 10010101,
        "mainImages": ["https://img.example.com/apple.jpg"],
        "detailContents": "<p>맛있는 사과</p>",
        "productInfos": [
            {
                "productType": "농수산물",
                "productInfos": [{"section": "생산자 및 소재지", "description": "상세설명 참조"}],
            }
        ],
        "kcAuthSubmitType": "N",
        "deliveryCorp": "CJ대한통운",
        "dealOptions": [option("O-1"), option("O-2", 3000)],
    }
    body.update(changes)
    return body


def error(code: str, message: str) -> dict[str, str]:
    return {"ResultCode": code, "Message": message}


# -- auth ---------------------------------------------------------------------------------------------------


def test_token_flow_multipart_and_urlencoded() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        first = await client.post("/oauth/token", auth=("tmon-main", "sandbox-secret"), files=GRANT)
        assert first.status_code == 200
        token = first.json()["access_token"]
        assert len(token) == 36
        assert first.json() == {  # [T2] Authorization.java's fields
            "access_token": token,
            "token_type": "bearer",
            "expires_in": 3600,
            "scope": "read write",
            "vendorId": "V1001",
        }
        second = await client.post(
            "/oauth/token", auth=("tmon-second", "sandbox-secret"), data={"grant_type": "client_credentials"}
        )
        assert second.status_code == 200
        assert second.json()["vendorId"] == "V1002"
        assert second.json()["access_token"] != token
        # [T2] PaTmonApiRequest.generateToken posts "/oauth/token?grant_type=client_credentials" with no body
        third = await client.post(
            "/oauth/token", auth=("tmon-main", "sandbox-secret"), params={"grant_type": "client_credentials"}
        )
        assert (third.status_code, third.json()["vendorId"]) == (200, "V1001")

    run(scenario)


def test_tokens_are_reproducible_for_a_seed() -> None:
    tokens: list[str] = []

    async def scenario(client: httpx.AsyncClient) -> None:
        tokens.append(await tmon_token(client))

    run(scenario, seed=7)
    run(scenario, seed=7)
    run(scenario, seed=8)
    assert tokens[0] == tokens[1] != tokens[2]


def test_token_endpoint_errors() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        wrong = await client.post("/oauth/token", auth=("tmon-main", "nope"), files=GRANT)
        assert (wrong.status_code, wrong.json()) == (
            401,
            {"error": "invalid_client", "error_description": "Bad client credentials"},
        )
        assert wrong.headers["www-authenticate"] == 'Basic realm="oauth2/client"'
        unknown = await client.post("/oauth/token", auth=("nobody", "sandbox-secret"), files=GRANT)
        assert unknown.status_code == 401
        anonymous = await client.post("/oauth/token", files=GRANT)
        assert anonymous.status_code == 401
        no_grant = await client.post("/oauth/token", auth=("tmon-main", "sandbox-secret"))
        assert (no_grant.status_code, no_grant.json()) == (
            400,
            {"error": "invalid_request", "error_description": "Missing grant type"},
        )
        password = await client.post(
            "/oauth/token", auth=("tmon-main", "sandbox-secret"), files={"grant_type": (None, "password")}
        )
        assert (password.status_code, password.json()) == (
            400,
            {"error": "unsupported_grant_type", "error_description": "Unsupported grant type: password"},
        )

    run(scenario)


def test_missing_unknown_and_expired_tokens_get_invalid_token() -> None:
    clock = AppClock(NOW)

    async def scenario(client: httpx.AsyncClient) -> None:
        missing = await client.get("/api/V1001/partners/templates", headers=PARTNER)
        assert (missing.status_code, missing.json()) == (
            401,
            {"error": "invalid_token", "error_description": "Access token is missing"},
        )
        unknown = await client.get("/api/V1001/partners/templates", headers={"Authorization": "Bearer nope", **PARTNER})
        assert (unknown.status_code, unknown.json()) == (
            401,
            {"error": "invalid_token", "error_description": "Invalid access token: nope"},
        )
        token = await tmon_token(client)
        headers = {"Authorization": f"Bearer {token}", **PARTNER}
        clock.now += 3599
        assert (await client.get("/api/V1001/partners/templates", headers=headers)).status_code == 200
        clock.now += 1
        expired = await client.get("/api/V1001/partners/templates", headers=headers)
        assert (expired.status_code, expired.json()) == (
            401,
            {"error": "invalid_token", "error_description": f"Access token expired: {token}"},
        )

    run(scenario, clock)


def test_control_api_expires_every_token() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        headers = await tmon_login(client)
        await sandbox_ok(client, "expire-tokens", {"market": "tmon"})
        answer = await client.get("/api/V1001/partners/templates", headers=headers)
        assert answer.status_code == 401
        assert answer.json()["error_description"].startswith("Access token expired: ")
        fresh = await tmon_login(client)
        assert (await client.get("/api/V1001/partners/templates", headers=fresh)).status_code == 200

    run(scenario)


def test_partner_headers_and_vendor_are_checked() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        bearer = {"Authorization": f"Bearer {await tmon_token(client)}"}
        url = "/api/V1001/partners/templates"
        no_id = await client.get(url, headers={**bearer, "X-Partner-Token": "sandbox-partner-token"})
        assert (no_id.status_code, no_id.json()) == (400, error("MISSING_HEADER", "X-Partner-Id 헤더가 필요합니다."))
        no_token = await client.get(url, headers={**bearer, "X-Partner-Id": "sellerbot"})
        assert (no_token.status_code, no_token.json()) == (
            400,
            error("MISSING_HEADER", "X-Partner-Token 헤더가 필요합니다."),
        )
        wrong = await client.get(url, headers={**bearer, **PARTNER, "X-Partner-Token": "sandbox-partner-token-2"})
        assert (wrong.status_code, wrong.json()) == (
            403,
            error("INVALID_PARTNER_TOKEN", "파트너 토큰(X-Partner-Token)이 올바르지 않습니다."),
        )
        other_vendor = await client.get("/api/V1002/partners/templates", headers={**bearer, **PARTNER})
        assert (other_vendor.status_code, other_vendor.json()) == (
            403,
            error("VENDOR_MISMATCH", "요청 경로의 업체(V1002)에 대한 권한이 없습니다. 토큰의 업체: V1001"),
        )

    run(scenario)


# -- deals --------------------------------------------------------------------------------------------------


def test_create_deal_shows_in_state_with_request_counts() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        created = await client.post("/api/V1001/deals", headers=await tmon_login(client), json=deal())
        assert (created.status_code, created.json()) == (
            200,
            {"dealNo": {"D-1": 30000001}, "dealOptionNos": {"O-1": 70000001, "O-2": 70000002}},
        )
        seen = await sandbox_state(client, "tmon")
        assert seen["requests"] == {"POST /oauth/token": 1, "POST /api/{vendorId}/deals": 1}
        assert seen["partner_ids"] == ["sellerbot"]
        assert {key: seen[key] for key in ("orders", "invoices", "claims", "inquiries", "answers")} == {
            "orders": [],
            "invoices": [],
            "claims": [],
            "inquiries": [],
            "answers": [],
        }
        [product] = seen["products"]
        assert product == {
            **deal(),
            "vendorDealNo": "D-1",
            "tmonDealNo": 30000001,
            "vendorId": "V1001",
            "salesEndDate": "2900-12-31T23:59:59",
            "maxPurchaseQty": 999,
            "purchaseResetPeriod": 7,
            "salesStatus": "ON_SALE",  # [T2] Deal.salesStatus
            "dealOptions": [  # price and display take their defaults ([T1]: salesPrice, true)
                {"tmonDealOptionNo": 70000001, **option("O-1"), "price": 19900, "display": True},
                {"tmonDealOptionNo": 70000002, **option("O-2", 3000), "price": 22900, "display": True},
            ],
        }

    run(scenario)


LENGTH = "INVALID_LENGTH"
RULES = {
    "title 61 chars": ({"title": "가" * 61}, error(LENGTH, "딜명(title): 1~60자로 입력해야 합니다 (입력 61자).")),
    "no title": ({"title": None}, error("MISSING_FIELD", "딜명(title): 필수 항목입니다.")),
    "vendorDealNo 51 chars": (
        {"vendorDealNo": "D" * 51},
        error(LENGTH, "업체딜번호(vendorDealNo): 1~50자로 입력해야 합니다 (입력 51자)."),
    ),
    "managedTitle 61 chars": (
        {"managedTitle": "m" * 61},
        error(LENGTH, "관리용 딜명(managedTitle): 1~60자로 입력해야 합니다 (입력 61자)."),
    ),
    "titleDecoration 21 chars": (  # [T1] "String(20) … 최대 20자"
        {"titleDecoration": "d" * 21},
        error(LENGTH, "딜 홍보문구(titleDecoration): 1~20자로 입력해야 합니다 (입력 21자)."),
    ),
    "empty titleDecoration": (  # [T1] marks it required (O)
        {"titleDecoration": ""},
        error("MISSING_FIELD", "딜 홍보문구(titleDecoration): 필수 항목입니다."),
    ),
    "no managedTitle": ({"managedTitle": None}, error("MISSING_FIELD", "관리용 딜명(managedTitle): 필수 항목입니다.")),
    "unknown productType": (  # [T1] DP01–DP07 only
        {"productType": "GENERAL"},
        error(
            "INVALID_VALUE",
            "상품유형(productType): 허용되지 않는 값입니다: GENERAL. 허용값: DP01(냉장냉동/신선식품), DP02(해외직배송), "
            "DP03(해외구매대행), DP04(화물설치), DP05(주문제작), DP06(주문후발주), DP07(일반상품).",
        ),
    ),
    "no vendorPolicyNo": (
        {"vendorPolicyNo": None},
        error("MISSING_FIELD", "업체정책번호(vendorPolicyNo): 필수 항목입니다."),
    ),
    "vendorPolicyNo not a number": (  # [T1] "Integer+"
        {"vendorPolicyNo": "P-501"},
        error("INVALID_VALUE", '업체정책번호(vendorPolicyNo): 올바르지 않은 값입니다: "P-501".'),
    ),
    "unknown template": (
        {"deliveryTemplateNo": 999},
        error("TEMPLATE_NOT_FOUND", "배송템플릿을 찾을 수 없습니다: 999"),
    ),
    "template of another productType": (
        {"deliveryTemplateNo": 1690699},
        error(
            "PRODUCT_TYPE_MISMATCH",
            "배송템플릿 1690699의 상품유형(DP01)과 딜의 상품유형(DP07)이 일치하지 않습니다.",
        ),
    ),
    "no categoryNo": ({"categoryNo": None}, error("MISSING_FIELD", "카테고리번호(categoryNo): 필수 항목입니다.")),
    "3 subcategories": (
        {"subcategoryNos": [1, 2, 3]},
        error("INVALID_VALUE", "서브카테고리(subcategoryNos): 최대 2개까지 입력할 수 있습니다 (입력 3개)."),
    ),
    "no images": (
        {"mainImages": []},
        error("INVALID_IMAGE_COUNT", "대표이미지(mainImages): 1~6개를 등록해야 합니다 (입력 0개)."),
    ),
    "7 images": (
        {"mainImages": ["https://img.example.com/a.jpg"] * 7},
        error("INVALID_IMAGE_COUNT", "대표이미지(mainImages): 1~6개를 등록해야 합니다 (입력 7개)."),
    ),
    "image not a URL": (
        {"mainImages": ["apple.jpg"]},
        error("INVALID_VALUE", '대표이미지(mainImages): 올바르지 않은 값입니다: "apple.jpg".'),
    ),
    "detailContents too long": (
        {"detailContents": "x" * 500_001},
        error(LENGTH, "상세설명(detailContents): 1~500,000자로 입력해야 합니다 (입력 500,001자)."),
    ),
    "no productInfos": (
        {"productInfos": []},
        error("MISSING_FIELD", "상품정보제공고시(productInfos): 필수 항목입니다."),
    ),
    "flat productInfos": (  # [T1]/[T2]: nested per 고시 group
        {"productInfos": [{"infoType": "농수산물", "title": "생산자", "content": "상세설명 참조"}]},
        error(
            "INVALID_VALUE",
            '[상품정보제공고시] 고시 상품군(productType)이 필요합니다: {"infoType": "농수산물", "title": "생산자", '
            '"content": "상세설명 참조"}.',
        ),
    ),
    "고시 item without description": (
        {"productInfos": [{"productType": "농수산물", "productInfos": [{"section": "생산자"}]}]},
        error("MISSING_FIELD", "[상품정보제공고시] [농수산물] 설명(description): 필수 항목입니다."),
    ),
    "kcAuthSubmitType Q": (
        {"kcAuthSubmitType": "Q"},
        error("INVALID_VALUE", 'KC인증 제출유형(kcAuthSubmitType): 올바르지 않은 값입니다: "Q".'),
    ),
    "kcAuthSubmitType Y without kcAuths": (  # [T2] DealKcAuth "제출타입일 경우 필수"
        {"kcAuthSubmitType": "Y"},
        error("MISSING_FIELD", "KC인증(kcAuths): KC인증 제출(Y)이면 인증 정보가 필수입니다."),
    ),
    "no deliveryCorp": (  # [T1] "배송상품일 경우 필수"
        {"deliveryCorp": None},
        error("MISSING_FIELD", "배송사(deliveryCorp): 필수 항목입니다."),
    ),
    "6 keywords": (
        {"keywords": list("abcdef")},
        error("INVALID_VALUE", "검색키워드(keywords): 최대 5개까지 입력할 수 있습니다 (입력 6개)."),
    ),
    "0 options": (
        {"dealOptions": []},
        error("INVALID_OPTION_COUNT", "딜옵션(dealOptions): 1~200개를 등록해야 합니다 (입력 0개)."),
    ),
    "201 options": (
        {"dealOptions": [option(f"O-{n}") for n in range(201)]},
        error("INVALID_OPTION_COUNT", "딜옵션(dealOptions): 1~200개를 등록해야 합니다 (입력 201개)."),
    ),
    "option price other than its salesPrice": (  # [T1] price "salesPrice와 동일해야 함"
        {"dealOptions": [option("O-1", price=0)]},
        error("INVALID_PRICE", "[옵션 O-1] 가격(price): 판매가(salesPrice)와 같아야 합니다 (판매가 19900, 입력 0)."),
    ),
    "duplicate option number": (
        {"dealOptions": [option("O-1"), option("O-1", 500)]},
        error("DUPLICATE_OPTION", "업체옵션번호(vendorDealOptionNo): 중복된 옵션번호입니다: O-1"),
    ),
    "option without number": (
        {"dealOptions": [option("O-1"), {**option("x"), "vendorDealOptionNo": ""}]},
        error("MISSING_FIELD", "[2번째 옵션] 업체옵션번호(vendorDealOptionNo): 필수 항목입니다."),
    ),
    "option without title or sections": (
        {"dealOptions": [option("O-1", title=None)]},
        error("MISSING_FIELD", "[옵션 O-1] 옵션명(title) 또는 섹션(sections) 중 하나는 필수입니다."),
    ),
    "salesPrice 0": (
        {"dealOptions": [option("O-1", salesPrice=0)]},
        error("INVALID_PRICE", "[옵션 O-1] 판매가(salesPrice): 0보다 큰 정수여야 합니다 (입력 0)."),
    ),
    "negative stock": (
        {"dealOptions": [option("O-1", stock=-1)]},
        error("INVALID_STOCK", "[옵션 O-1] 재고(stock): 0 이상의 정수여야 합니다 (입력 -1)."),
    ),
    "no stock on registration": (  # [T1] stock "Integer+ 재고 O"
        {"dealOptions": [option("O-1", stock=None)]},
        error("MISSING_FIELD", "[옵션 O-1] 재고(stock): 필수 항목입니다."),
    ),
}


@pytest.mark.parametrize(("changes", "expected"), list(RULES.values()), ids=list(RULES))
def test_each_deal_rule_rejects_with_its_result_code(changes: dict[str, Any], expected: dict[str, str]) -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        answer = await client.post("/api/V1001/deals", headers=await tmon_login(client), json=deal(**changes))
        assert (answer.status_code, answer.json()) == (400, expected)
        assert (await sandbox_state(client, "tmon"))["products"] == []

    run(scenario)


def test_options_by_sections_and_a_fresh_deal_on_its_template_are_accepted() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        body = deal(
            productType="DP01", deliveryTemplateNo=1690699, dealOptions=[option("O-1", title=None, sections=["1kg"])]
        )
        answer = await client.post("/api/V1001/deals", headers=await tmon_login(client), json=body)
        assert answer.status_code == 200
        # [T2] Deal.java sends vendorPolicyNo, deliveryTemplateNo and categoryNo as strings of digits, and a
        # courier code as deliveryCorp; a price equal to salesPrice is what [T1] sends for a single option
        as_strings = deal(
            vendorDealNo="D-2",
            vendorPolicyNo="501",
            deliveryTemplateNo="1690698",
            categoryNo="10010101",
            deliveryCorp="10008",
            kcAuthSubmitType="Y",
            kcAuths=[{"section": "전기용품 안전인증", "no": "HU07001-22002"}],
            dealOptions=[option("O-1", price=19900)],
        )
        answer = await client.post("/api/V1001/deals", headers=await tmon_login(client), json=as_strings)
        assert answer.status_code == 200, answer.text

    run(scenario)


def test_body_that_is_not_a_json_object_is_rejected() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        headers = await tmon_login(client)
        not_json = await client.post("/api/V1001/deals", headers=headers, content=b"{oops")
        assert (not_json.status_code, not_json.json()) == (
            400,
            error("INVALID_BODY", "요청 본문이 올바른 JSON이 아닙니다."),
        )
        a_list = await client.post("/api/V1001/deals", headers=headers, json=[deal()])
        assert (a_list.status_code, a_list.json()) == (400, error("INVALID_BODY", "요청 본문은 JSON 객체여야 합니다."))

    run(scenario)


def test_duplicate_vendor_deal_no_is_a_business_error() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        headers = await tmon_login(client)
        assert (await client.post("/api/V1001/deals", headers=headers, json=deal())).status_code == 200
        again = await client.post("/api/V1001/deals", headers=headers, json=deal(title="다른 딜명"))
        # the text [T1] ProdServiceImpl.insertProducts looks for
        assert (again.status_code, again.json()) == (400, error("DUPLICATE_DEAL", "이미 등록 완료된 딜입니다."))
        assert len((await sandbox_state(client, "tmon"))["products"]) == 1

    run(scenario)


def test_lookup_by_vendor_deal_no_and_by_tmon_number() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        headers = await tmon_login(client)
        await client.post("/api/V1001/deals", headers=headers, json=deal())
        by_vendor = await client.get("/api/V1001/deals/D-1", headers=headers)
        assert by_vendor.status_code == 200
        stored = (await sandbox_state(client, "tmon"))["products"][0]
        assert {k: v for k, v in by_vendor.json().items() if k not in ("dealOptions", "dealOptionsPageInfo")} == {
            k: v for k, v in stored.items() if k != "dealOptions"
        }
        assert by_vendor.json()["salesStatus"] == "ON_SALE"  # [T2] Deal: PAUSE, READY, ON_SALE, END
        # [T2] Deal.dealOptionsPageInfo (DealOptionsPageInfo): every option on one page here
        assert by_vendor.json()["dealOptionsPageInfo"] == {"totalCount": 2, "totalPage": 1, "currentPage": 1}
        assert by_vendor.json()["dealOptions"][0] == {  # with its deal's numbers, as [T2] DealOption
            "tmonDealNo": 30000001,
            "vendorDealNo": "D-1",
            "tmonDealOptionNo": 70000001,
            "vendorDealOptionNo": "O-1",
            "title": "옵션 O-1",
            "price": 19900,
            "salesPrice": 19900,
            "stock": 10,
            "display": True,
        }
        params = {"dealNoType": "TMON_DEAL_NUMBER"}
        by_tmon = await client.get("/api/V1001/deals/30000001", headers=headers, params=params)
        assert (by_tmon.status_code, by_tmon.json()) == (200, by_vendor.json())
        unknown = await client.get("/api/V1001/deals/D-9", headers=headers)
        assert (unknown.status_code, unknown.json()) == (404, error("NOT_FOUND", "딜을 찾을 수 없습니다: D-9"))
        vendor_no_as_tmon = await client.get("/api/V1001/deals/D-1", headers=headers, params=params)
        assert vendor_no_as_tmon.status_code == 404

    run(scenario)


def test_a_vendor_cannot_see_another_vendors_deal() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        await client.post("/api/V1001/deals", headers=await tmon_login(client), json=deal())
        token = await tmon_token(client, "tmon-second")
        second = {"Authorization": f"Bearer {token}", **PARTNER, "X-Partner-Token": "sandbox-partner-token-2"}
        answer = await client.get(
            "/api/V1002/deals/30000001", headers=second, params={"dealNoType": "TMON_DEAL_NUMBER"}
        )
        assert (answer.status_code, answer.json()) == (404, error("NOT_FOUND", "딜을 찾을 수 없습니다: 30000001"))
        # the same vendorDealNo is free for another vendor
        assert (await client.post("/api/V1002/deals", headers=second, json=deal())).status_code == 200

    run(scenario)


def test_updates_answer_200_with_an_empty_body() -> None:
    """Display, pause and resume answer an empty 200 ([T1] reads nothing from them); stock answers a result per
    option keyed by its vendorDealOptionNo ([T2] PaTmonGoodsController.setGoodsStockModify reads
    ``map.get(<option>).get("success")``); the deal update answers [T2] DealUpdateResult, ``{"deal": {success…},
    "dealOptions": {success…}}``, which [T1] updateProducts checks."""

    async def scenario(client: httpx.AsyncClient) -> None:
        headers = await tmon_login(client)
        await client.post("/api/V1001/deals", headers=headers, json=deal())
        base = "/api/V1001/deals/D-1"
        # no stock in an update ([T1] "등록일 경우에만 제고 추가"): a kept option keeps its stock, a new one has 0
        update = deal(title="햇사과 10kg", dealOptions=[option("O-2", 3000, stock=None), option("O-3", stock=None)])
        updated = await client.put(
            base,
            headers=headers,
            json={
                **update,
                "dealOptions": [{k: v for k, v in o.items() if v is not None} for o in update["dealOptions"]],
            },
        )
        done = {"success": True, "skip": False, "value": None, "message": None}
        assert (updated.status_code, updated.json()) == (200, {"deal": done, "dealOptions": done})
        assert [o["stock"] for o in (await sandbox_state(client, "tmon"))["products"][0]["dealOptions"]] == [10, 0]
        stock = await client.put(
            base + "/stock", headers=headers, json={"dealOptions": [{"vendorDealOptionNo": "O-3", "stock": 0}]}
        )
        assert (stock.status_code, stock.json()) == (200, {"O-3": done})
        calls = [
            ("/options/display", {"dealOptions": [{"tmonDealOptionNo": 70000002, "display": False}]}),
            ("/pause", None),
        ]
        for suffix, body in calls:
            answer = await client.put(base + suffix, headers=headers, json=body)
            assert (answer.status_code, answer.content) == (200, b""), suffix
        product = (await sandbox_state(client, "tmon"))["products"][0]
        assert (product["title"], product["salesStatus"]) == ("햇사과 10kg", "PAUSE")
        assert [
            (o["tmonDealOptionNo"], o["vendorDealOptionNo"], o["stock"], o["display"]) for o in product["dealOptions"]
        ] == [
            (70000002, "O-2", 10, False),  # kept its TMON number
            (70000003, "O-3", 0, True),
        ]
        resumed = await client.put(base + "/resume", headers=headers, params={"dealNoType": "VENDOR_DEAL_NUMBER"})
        assert (resumed.status_code, resumed.content) == (200, b"")
        assert (await sandbox_state(client, "tmon"))["products"][0]["salesStatus"] == "ON_SALE"

    run(scenario)


def test_update_rules() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        headers = await tmon_login(client)
        await client.post("/api/V1001/deals", headers=headers, json=deal())
        url = "/api/V1001/deals/D-1"
        fresh = deal(productType="DP01", deliveryTemplateNo=1690699)
        changed = await client.put(url, headers=headers, json=fresh)
        assert (changed.status_code, changed.json()) == (
            400,
            error("PRODUCT_TYPE_CHANGE", "상품유형(productType): 변경할 수 없습니다 (DP07 → DP01)."),
        )
        renamed = await client.put(url, headers=headers, json=deal(vendorDealNo="D-2"))
        assert (renamed.status_code, renamed.json()) == (
            400,
            error("INVALID_VALUE", "업체딜번호(vendorDealNo): 변경할 수 없습니다 (D-1 → D-2)."),
        )
        too_long = await client.put(url, headers=headers, json=deal(title="가" * 61))
        assert too_long.json()["ResultCode"] == LENGTH
        # what an update leaves out stays ([T2] "수정될 정보만 세팅"); adultOnly goes false -> true only ([T1])
        partial = await client.put(url, headers=headers, json={"title": "햇사과 5kg", "adultOnly": True})
        assert partial.status_code == 200, partial.text
        stored = (await sandbox_state(client, "tmon"))["products"][0]
        assert (stored["title"], stored["productType"], stored["adultOnly"]) == ("햇사과 5kg", "DP07", True)
        back = await client.put(url, headers=headers, json={"adultOnly": False})
        assert (back.status_code, back.json()) == (
            400,
            error("INVALID_VALUE", "성인물여부(adultOnly): 등록 이후에는 false에서 true로만 바꿀 수 있습니다."),
        )
        restore = await client.put(url, headers=headers, json={"title": "국산 햇사과 5kg"})
        assert restore.status_code == 200
        stock = await client.put(
            url + "/stock", headers=headers, json={"dealOptions": [{"vendorDealOptionNo": "O-1", "stock": -5}]}
        )
        assert (stock.status_code, stock.json()) == (
            400,
            error("INVALID_STOCK", "[옵션 O-1] 재고(stock): 0 이상의 정수여야 합니다 (입력 -5)."),
        )
        ghost = await client.put(
            url + "/stock", headers=headers, json={"dealOptions": [{"vendorDealOptionNo": "O-9", "stock": 1}]}
        )
        assert (ghost.status_code, ghost.json()) == (400, error("OPTION_NOT_FOUND", "딜옵션을 찾을 수 없습니다: O-9"))
        missing = await client.put("/api/V1001/deals/D-9/pause", headers=headers)
        assert (missing.status_code, missing.json()) == (404, error("NOT_FOUND", "딜을 찾을 수 없습니다: D-9"))
        assert (await sandbox_state(client, "tmon"))["products"][0]["title"] == "국산 햇사과 5kg"

    run(scenario)


def test_delivery_templates_are_seeded_and_can_be_added() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        headers = await tmon_login(client)
        seeded = (await client.get("/api/V1001/partners/templates", headers=headers)).json()
        assert [(t["deliveryTemplateNo"], t["deliveryTemplateName"], t["productType"]) for t in seeded] == [
            (1690698, "기본배송", "DP07"),
            (1690699, "신선식품 배송", "DP01"),
            (1690700, "화물설치 배송", "DP04"),
        ]
        template = {"deliveryTemplateName": "주문제작 배송", "productType": "DP05", "deliveryType": "ED"}  # [T2]
        created = await client.post("/api/V1001/partners/templates", headers=headers, json=template)
        assert (created.status_code, created.json()) == (200, {"deliveryTemplateNo": 1690701})
        body = deal(productType="DP05", deliveryTemplateNo=1690701)
        assert (await client.post("/api/V1001/deals", headers=headers, json=body)).status_code == 200
        bad = await client.post(
            "/api/V1001/partners/templates", headers=headers, json={"deliveryTemplateName": "x", "productType": "X"}
        )
        assert (bad.status_code, bad.json()) == (
            400,
            error("INVALID_VALUE", '상품유형(productType): 올바르지 않은 값입니다: "X".'),
        )

    run(scenario)


# -- faults and rate limits ---------------------------------------------------------------------------------


def test_fault_500_on_every_call_but_never_on_the_control_api() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        await sandbox_ok(client, "faults", {"market": "tmon", "rate": 1.0, "kinds": ["500"]})
        expected = (500, error("INTERNAL_SERVER_ERROR", "일시적인 오류가 발생했습니다. 잠시 후 다시 시도해 주세요."))
        token = await client.post("/oauth/token", auth=("tmon-main", "sandbox-secret"), files=GRANT)
        assert (token.status_code, token.json()) == expected
        for _ in range(5):
            answer = await client.post("/api/V1001/deals", json=deal())
            assert (answer.status_code, answer.json()) == expected
        seen = await sandbox_state(client, "tmon")
        assert seen["products"] == []
        assert seen["requests"] == {"POST /oauth/token": 1, "POST /api/{vendorId}/deals": 5}

    run(scenario)


def test_status_faults_have_their_bodies_and_429_a_retry_after() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        await sandbox_ok(client, "faults", {"rate": 1.0, "kinds": ["429"]})
        limited = await client.get("/api/V1001/partners/templates")
        assert (limited.status_code, limited.headers["retry-after"]) == (429, "1")
        assert limited.json() == error("TOO_MANY_REQUESTS", "요청이 너무 많습니다. 잠시 후 다시 시도해 주세요.")
        # the token endpoint only gets 500 and 503: a plan of 429 alone leaves it alone
        assert (await client.post("/oauth/token", auth=("tmon-main", "sandbox-secret"), files=GRANT)).status_code == 200
        await sandbox_ok(client, "faults", {"rate": 1.0, "kinds": ["503"]})
        down = await client.get("/api/V1001/partners/templates")
        assert (down.status_code, down.json()) == (
            503,
            error("SERVICE_UNAVAILABLE", "서비스를 일시적으로 사용할 수 없습니다. 잠시 후 다시 시도해 주세요."),
        )

    run(scenario)


def test_lost_response_performs_the_write_yet_the_client_sees_an_error() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        await sandbox_ok(client, "faults", {"market": "tmon", "rate": 1.0, "kinds": ["lost_response"]})
        headers = await tmon_login(client)  # the token endpoint is not subject to lost_response
        with pytest.raises(ConnectionDropped, match="performed"):
            await client.post("/api/V1001/deals", headers=headers, json=deal())
        await sandbox_ok(client, "faults", {"market": "tmon", "rate": 0})
        assert [p["vendorDealNo"] for p in (await sandbox_state(client, "tmon"))["products"]] == ["D-1"]
        retry = await client.post("/api/V1001/deals", headers=headers, json=deal())
        assert (retry.status_code, retry.json()) == (400, error("DUPLICATE_DEAL", "이미 등록 완료된 딜입니다."))

    run(scenario)


def test_drop_answers_nothing_and_writes_nothing() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        headers = await tmon_login(client)
        await sandbox_ok(client, "faults", {"rate": 1.0, "kinds": ["drop"]})
        with pytest.raises(ConnectionDropped, match="before an answer"):
            await client.post("/api/V1001/deals", headers=headers, json=deal())
        assert (await sandbox_state(client, "tmon"))["products"] == []

    run(scenario)


def test_stall_is_cancelled_by_the_clients_timeout_or_hangs_up_after_stall_seconds() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        headers = await tmon_login(client)
        await sandbox_ok(client, "faults", {"rate": 1.0, "kinds": ["stall"]})  # 30 s by default
        started = time.monotonic()
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(client.get("/api/V1001/partners/templates", headers=headers), 0.1)
        assert time.monotonic() - started < 5
        await sandbox_ok(client, "faults", {"rate": 1.0, "kinds": ["stall"], "stall_seconds": 0.01})
        with pytest.raises(ConnectionDropped, match="stalled"):
            await client.get("/api/V1001/partners/templates", headers=headers)

    run(scenario)


def test_rate_limit_answers_429_with_retry_after_beyond_the_limit_per_account() -> None:
    clock = AppClock(NOW)

    async def scenario(client: httpx.AsyncClient) -> None:
        headers = await tmon_login(client)
        second = {
            "Authorization": f"Bearer {await tmon_token(client, 'tmon-second')}",
            **PARTNER,
            "X-Partner-Token": "sandbox-partner-token-2",
        }
        await sandbox_ok(client, "faults", {"market": "tmon", "rate_limit": 5})
        for _ in range(5):
            assert (await client.get("/api/V1001/partners/templates", headers=headers)).status_code == 200
        sixth = await client.get("/api/V1001/partners/templates", headers=headers)
        assert (sixth.status_code, sixth.headers["retry-after"]) == (429, "1")
        assert sixth.json() == error("TOO_MANY_REQUESTS", "요청이 너무 많습니다. 잠시 후 다시 시도해 주세요.")
        # another account has its own budget
        assert (await client.get("/api/V1002/partners/templates", headers=second)).status_code == 200
        clock.now += 0.2  # one token back
        assert (await client.get("/api/V1001/partners/templates", headers=headers)).status_code == 200
        assert (await client.get("/api/V1001/partners/templates", headers=headers)).status_code == 429
        assert (await sandbox_state(client, "tmon"))["requests"]["GET /api/{vendorId}/partners/templates"] == 9

    run(scenario, clock)


def test_fault_draws_are_reproducible_for_a_seed() -> None:
    runs: list[list[int]] = []

    async def scenario(client: httpx.AsyncClient) -> None:
        await sandbox_ok(client, "faults", {"rate": 0.5, "kinds": ["500", "503"], "seed": 1})
        runs.append([(await client.get("/api/V1001/partners/templates")).status_code for _ in range(30)])

    run(scenario)
    run(scenario)
    assert runs[0] == runs[1]
    assert {401, 500, 503} == set(runs[0])


def test_latency_delays_every_answer() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        await sandbox_ok(client, "faults", {"latency_ms": 50})
        started = time.monotonic()
        assert (await client.post("/oauth/token", auth=("tmon-main", "sandbox-secret"), files=GRANT)).status_code == 200
        assert time.monotonic() - started >= 0.045  # asyncio may wake a hair early

    run(scenario)


# -- control API --------------------------------------------------------------------------------------------


def test_reset_clears_state_counts_and_faults_but_keeps_seeded_accounts_and_templates() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        headers = await tmon_login(client)
        await client.post("/api/V1001/deals", headers=headers, json=deal())
        await client.post(
            "/api/V1001/partners/templates", headers=headers, json={"name": "추가", "productType": "CUSTOM"}
        )
        await sandbox_ok(
            client,
            "accounts",
            {"market": "tmon", "client_id": "x", "secret": "s", "vendor_id": "V9", "partner_token": "p"},
        )
        await sandbox_ok(client, "faults", {"rate": 1.0, "kinds": ["500"]})
        await sandbox_ok(client, "reset", {"market": "tmon"})
        assert await sandbox_state(client, "tmon") == {
            "products": [],
            "orders": [],
            "invoices": [],
            "claims": [],
            "inquiries": [],
            "answers": [],
            "partner_ids": [],
            "swallow": False,
            "requests": {},
        }
        templates = await client.get("/api/V1001/partners/templates", headers=headers)  # the token survives
        assert [t["deliveryTemplateNo"] for t in templates.json()] == [1690698, 1690699, 1690700]
        assert (await client.post("/oauth/token", auth=("x", "s"), files=GRANT)).status_code == 401
        created = await client.post("/api/V1001/deals", headers=headers, json=deal())
        assert created.json()["dealNo"] == {"D-1": 30000001}  # numbering starts over
        await sandbox_ok(client, "reset", {})

    run(scenario)


def test_accounts_added_through_the_control_api_can_log_in() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        account = {"client_id": "shop-3", "secret": "s3", "vendor_id": "V1003", "partner_token": "pt-3"}
        await sandbox_ok(client, "accounts", {"market": "tmon", **account})
        token = await tmon_token(client, "shop-3", "s3")
        headers = {"Authorization": f"Bearer {token}", "X-Partner-Id": "sellerbot", "X-Partner-Token": "pt-3"}
        answer = await client.post("/api/V1003/deals", headers=headers, json=deal())
        assert answer.status_code == 200

    run(scenario)


def test_control_api_rejects_unknown_markets_and_bad_plans() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        unknown = await client.get("/__sandbox__/state", params={"market": "gmarket"})
        assert (unknown.status_code, unknown.json()) == (
            400,
            {"error": "unknown market 'gmarket'; known: ['11st', 'coupang', 'esm', 'naver', 'tmon']"},
        )
        for plan in ({"rate": 2}, {"kinds": ["boom"]}, {"rate_limit": 0}, {"seed": "x"}, {"typo": 1}):
            assert (await client.post("/__sandbox__/faults", json=plan)).status_code == 400, plan
        incomplete = await client.post("/__sandbox__/accounts", json={"market": "tmon", "client_id": "x"})
        assert incomplete.status_code == 400
        every = await client.get("/__sandbox__/state")
        assert list(every.json()) == ["tmon", "coupang", "naver", "11st", "esm"]

    run(scenario)


# -- served over HTTP by uvicorn ----------------------------------------------------------------------------


def test_real_server_issues_a_token_over_http() -> None:
    with served(create_app()) as url, httpx.Client(base_url=url, timeout=5) as client:
        answer = client.post("/oauth/token", auth=("tmon-main", "sandbox-secret"), files=GRANT)
        assert answer.status_code == 200
        assert answer.json()["vendorId"] == "V1001"


def test_real_server_drops_connections_and_stalls() -> None:
    with served(create_app()) as url, httpx.Client(base_url=url, timeout=5) as client:
        token = client.post("/oauth/token", auth=("tmon-main", "sandbox-secret"), files=GRANT).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}", **PARTNER}
        client.post("/__sandbox__/faults", json={"rate": 1.0, "kinds": ["lost_response"]})
        with pytest.raises(httpx.RemoteProtocolError, match="without sending a response"):
            client.post("/api/V1001/deals", headers=headers, json=deal())
        client.post("/__sandbox__/faults", json={"rate": 1.0, "kinds": ["drop"]})
        with pytest.raises(httpx.RemoteProtocolError, match="without sending a response"):
            client.get("/api/V1001/deals/D-1", headers=headers)
        client.post("/__sandbox__/faults", json={"rate": 1.0, "kinds": ["stall"]})
        with pytest.raises(httpx.ReadTimeout):
            client.get("/api/V1001/deals/D-1", headers=headers, timeout=0.2)
        client.post("/__sandbox__/faults", json={"rate": 0})
        assert client.get("/api/V1001/deals/D-1", headers=headers).json()["tmonDealNo"] == 30000001
