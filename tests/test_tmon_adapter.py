"""The TMON adapter against the in-process sandbox: the deal body as TMON receives it, the token flow, templates.

A recording ASGI app sits in front of the sandbox and keeps every request (method, path, headers, body) and
every answer exactly as they crossed the wire.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import json
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest
from helpers import (
    Exchange,
    FakeClock,
    Recorder,
    sandbox_client,
    sandbox_control,
    sandbox_ok,
    sandbox_state,
    send_tmon_500,
)
from starlette.types import ASGIApp, Receive, Scope, Send

from batch.jobs.collect import now_kst
from batch.marketplaces.base import AuthFailed, ClientSettings, MarketClient, Rejected
from batch.marketplaces.tmon import UNLIMITED_END, Tmon, TmonCredentials
from batch.marketplaces.types import DeliveryTemplate, Shipment
from batch.models import (
    Cert,
    ClaimStatus,
    ClaimType,
    Inquiry,
    Market,
    OptionCombo,
    Product,
    ProductLink,
    SalesInfo,
)
from batch.sandbox.app import create_app

PARTNER_ID = "sellerbot"
PARTNER_TOKEN = "sandbox-partner-token"
DONE = {"success": True, "skip": False, "value": None, "message": None}  # [T2] ResultData of a deal update
MAIN_AES_KEY = "batch-sandbox-k1"  # the sandbox's tmon-main key


@dataclass
class Setup:
    recorder: Recorder
    tmon: Tmon
    clock: FakeClock

    async def control(self, action: str, body: dict[str, Any]) -> None:
        await sandbox_ok(self.tmon.client.http, action, body)

    async def state(self) -> dict[str, Any]:
        return await sandbox_state(self.tmon.client.http, "tmon")


def run(
    scenario: Callable[[Setup], Awaitable[None]],
    *,
    secret: str = "sandbox-secret",
    partner_token: str = PARTNER_TOKEN,
    app: ASGIApp | None = None,
) -> Setup:
    """Run ``scenario`` with a TMON adapter (account tmon-main) talking to a fresh in-process sandbox."""
    recorder = Recorder(app or create_app(seed=5))
    clock = FakeClock()

    async def main() -> Setup:
        client = sandbox_client("tmon", recorder, clock)
        credentials = TmonCredentials("tmon-main", secret, PARTNER_ID, partner_token, "501", MAIN_AES_KEY)
        setup = Setup(recorder, Tmon(client, credentials), clock)
        async with client.http:
            await scenario(setup)
        return setup

    return asyncio.run(main())


IMAGES = tuple(f"https://img.example.com/tumbler-{i}.jpg" for i in range(1, 8))  # 7: TMON takes 6

PRODUCT = Product(
    row=3,
    code="TM-001",
    name="다온 스테인리스 텀블러 (T-350)",
    on_sale=True,
    category="생활/주방/건강 > 주방용품 > 컵/텀블러",
    price=15000,
    tax="과세",
    maker="다온",
    brand="다온리빙",
    model="T-350",
    origin="가공품",
    adult=False,
    keywords=("텀블러", "보온병", "스텐컵", "캠핑컵", "머그컵", "여섯째"),  # 6: TMON takes 5
    detail='<p>다온 텀블러</p><img src="https://img.example.com/d/tumbler.jpg">',
    images=IMAGES,
    cert_required=True,
    certs=(
        Cert("생활용품 안전확인", "한국건설생활환경시험연구원", "YU07123-21001"),
        Cert("전기용품 안전인증", "KTC", "HU07001-22002"),
    ),
    notice_category="주방용품",
    notices=(("품명 및 모델명", "텀블러 T-350"), ("재질", "스테인리스 304"), ("제조국", "대한민국")),
    option_names=("색상", "용량"),
    options=(
        OptionCombo(("블랙", "350ml"), 0, True, 10),
        OptionCombo(("블랙", "500ml"), 3000, True, 5),
        OptionCombo(("화이트", "350ml"), 0, False, 0),
        OptionCombo(("화이트", "500ml"), -1000, True, 9999),
    ),
)


def sales(
    template: str = "1690699", product_type: str = "냉장/냉동/신선식품", end: str | None = "20261231"
) -> SalesInfo:
    return SalesInfo(
        Market.TMON,
        "main",
        "티몬-신선",
        (
            ("market_category", "생활 > 주방 > 텀블러"),
            ("market_category_no", "20300100"),
            ("sales_end", end),
            ("courier", "CJ대한통운"),
            ("delivery_template", template),
            ("product_type", product_type),
        ),
    )


SALES = sales()

# The body as [T1] richbeam/mcs_tmon_api ProdServiceImpl.getProducts and [T2] sosobox2-cyber/commerce-api
# patmon/v2/domain/Deal.java shape it: productType a DP code, vendorPolicyNo an integer, titleDecoration the brand,
# productInfos nested per 고시 group, deliveryCorp the courier, kcAuths {section, no}, options without ``price``.
EXPECTED_BODY: dict[str, Any] = {
    "vendorDealNo": "TM-001",
    "productType": "DP01",
    "vendorPolicyNo": 501,
    "deliveryTemplateNo": 1690699,
    "categoryNo": 20300100,
    "title": "다온 스테인리스 텀블러 (T-350)",
    "titleDecoration": "다온리빙",
    "managedTitle": "다온 스테인리스 텀블러 (T-350)",
    "salesEndDate": "2026-12-31T23:59:59",
    "adultOnly": False,
    "mainImages": list(IMAGES[:6]),
    "detailContents": '<p>다온 텀블러</p><img src="https://img.example.com/d/tumbler.jpg">',
    "productInfos": [
        {
            "productType": "주방용품",
            "productInfos": [
                {"section": "품명 및 모델명", "description": "텀블러 T-350"},
                {"section": "재질", "description": "스테인리스 304"},
                {"section": "제조국", "description": "대한민국"},
            ],
        }
    ],
    "kcAuthSubmitType": "Y",
    "kcAuths": [
        {"section": "생활용품 안전확인", "no": "YU07123-21001"},
        {"section": "전기용품 안전인증", "no": "HU07001-22002"},
    ],
    "deliveryCorp": "CJ대한통운",
    "brandName": "다온리빙",
    "keywords": ["텀블러", "보온병", "스텐컵", "캠핑컵", "머그컵"],
    "dealProductStatus": "NEW",
    "dealOptions": [
        {"vendorDealOptionNo": "TM-001-001", "title": "블랙/350ml", "salesPrice": 15000, "stock": 10, "display": True},
        {"vendorDealOptionNo": "TM-001-002", "title": "블랙/500ml", "salesPrice": 18000, "stock": 5, "display": True},
        {
            "vendorDealOptionNo": "TM-001-003",
            "title": "화이트/350ml",
            "salesPrice": 15000,
            "stock": 0,
            "display": False,
        },
        {
            "vendorDealOptionNo": "TM-001-004",
            "title": "화이트/500ml",
            "salesPrice": 14000,
            "stock": 9999,
            "display": True,
        },
    ],
}


def posts_to_deals(recorder: Recorder) -> list[Exchange]:
    return [e for e in recorder.seen if (e.method, e.path) == ("POST", "/api/V1001/deals")]


# -- the deal body ----------------------------------------------------------------------------------------


def test_create_sends_every_mapped_field_and_links_the_numbers() -> None:
    links: list[ProductLink] = []
    stored: list[dict[str, Any]] = []

    async def scenario(s: Setup) -> None:
        links.append(await s.tmon.create_product(PRODUCT, SALES))
        stored.extend((await s.state())["products"])

    setup = run(scenario)
    [post] = posts_to_deals(setup.recorder)
    assert post.headers["content-type"] == "application/json"
    assert post.json() == EXPECTED_BODY
    assert post.status == 200
    assert links == [
        ProductLink(
            "30000001",
            {"TM-001-001": "70000001", "TM-001-002": "70000002", "TM-001-003": "70000003", "TM-001-004": "70000004"},
        )
    ]
    numbered = [
        {"tmonDealOptionNo": 70000001 + i, **option, "price": option["salesPrice"]}  # [T1]: price defaults to it
        for i, option in enumerate(EXPECTED_BODY["dealOptions"])
    ]
    assert stored == [
        {
            **EXPECTED_BODY,
            "tmonDealNo": 30000001,
            "vendorId": "V1001",
            "maxPurchaseQty": 999,
            "purchaseResetPeriod": 7,
            "salesStatus": "ON_SALE",
            "dealOptions": numbered,
        }
    ]


def test_payload_is_what_create_sends() -> None:
    async def scenario(s: Setup) -> None:
        await s.tmon.create_product(PRODUCT, SALES)

    setup = run(scenario)
    assert posts_to_deals(setup.recorder)[0].json() == setup.tmon.payload(PRODUCT, SALES) == EXPECTED_BODY


def test_product_without_options_off_sale_not_certified_unlimited_end() -> None:
    plain = replace(
        PRODUCT,
        code="TM-002",
        on_sale=False,
        adult=True,
        cert_required=False,
        certs=(),
        keywords=(),
        images=("https://img.example.com/one.jpg",),
        option_names=(),
        options=(OptionCombo((), 0, True, 9999),),
    )
    general = sales("1690698", "일반상품", "무기한")

    async def scenario(s: Setup) -> None:
        await s.tmon.create_product(plain, general)

    setup = run(scenario)
    body = posts_to_deals(setup.recorder)[0].json()
    assert body == {
        **EXPECTED_BODY,
        "vendorDealNo": "TM-002",
        "productType": "DP07",
        "deliveryTemplateNo": 1690698,
        "salesEndDate": UNLIMITED_END,
        "adultOnly": True,
        "mainImages": ["https://img.example.com/one.jpg"],
        "kcAuthSubmitType": "N",
        "kcAuths": [],
        "keywords": [],
        "dealOptions": [
            {
                "vendorDealOptionNo": "TM-002-001",
                "title": "다온 스테인리스 텀블러 (T-350)",
                "salesPrice": 15000,
                "stock": 9999,
                "display": False,  # the product is 판매불가
            }
        ],
    }
    assert UNLIMITED_END == "2900-12-31T23:59:59"


def test_update_puts_the_deal_then_stock_and_display_and_keeps_the_numbers() -> None:
    """[T1] ProdServiceImpl.updateProducts: PUT the deal without option stock and display ("등록일 경우에만
    제고/노출여부 추가"), check its DealUpdateResult, then PUT /stock and /options/display."""
    changed = replace(PRODUCT, price=16000, name="다온 스텐 텀블러 (T-350)")
    found: list[ProductLink | None] = []
    stored: list[dict[str, Any]] = []

    async def scenario(s: Setup) -> None:
        link = await s.tmon.create_product(PRODUCT, SALES)
        assert await s.tmon.update_product(changed, SALES, link) == link
        found.append(await s.tmon.find_product("TM-001"))
        found.append(await s.tmon.find_product("NOPE-1"))
        stored.extend((await s.state())["products"])

    setup = run(scenario)
    put, stock, display = [e for e in setup.recorder.seen if e.method == "PUT"]
    assert [put.path, stock.path, display.path] == [
        "/api/V1001/deals/TM-001",
        "/api/V1001/deals/TM-001/stock",
        "/api/V1001/deals/TM-001/options/display",
    ]
    # without what [T1] sends on registration only: productType, salesEndDate, adultOnly (false)
    expected = {
        k: v
        for k, v in setup.tmon.payload(changed, SALES).items()
        if k not in ("productType", "salesEndDate", "adultOnly")
    }
    expected["dealOptions"] = [
        {k: v for k, v in o.items() if k not in ("stock", "display")} for o in expected["dealOptions"]
    ]
    assert put.json() == expected
    assert put.json()["title"] == put.json()["managedTitle"] == "다온 스텐 텀블러 (T-350)"
    assert [o["salesPrice"] for o in put.json()["dealOptions"]] == [16000, 19000, 16000, 15000]
    assert (put.status, put.reply()) == (
        200,
        {"deal": DONE, "dealOptions": DONE},
    )
    assert stock.json() == {
        "dealOptions": [{"vendorDealOptionNo": f"TM-001-00{i}", "stock": n} for i, n in enumerate((10, 5, 0, 9999), 1)]
    }
    assert display.json() == {
        "dealOptions": [
            {"vendorDealOptionNo": f"TM-001-00{i}", "display": d} for i, d in enumerate((True, True, False, True), 1)
        ]
    }
    assert found == [
        ProductLink(
            "30000001",
            {"TM-001-001": "70000001", "TM-001-002": "70000002", "TM-001-003": "70000003", "TM-001-004": "70000004"},
        ),
        None,
    ]
    [deal] = stored
    assert (deal["tmonDealNo"], deal["title"]) == (30000001, "다온 스텐 텀블러 (T-350)")
    assert [o["tmonDealOptionNo"] for o in deal["dealOptions"]] == [70000001, 70000002, 70000003, 70000004]


def test_pause_and_resume() -> None:
    statuses: list[str] = []

    async def scenario(s: Setup) -> None:
        await s.tmon.create_product(PRODUCT, SALES)
        await s.tmon.pause("TM-001")
        statuses.append((await s.state())["products"][0]["salesStatus"])
        await s.tmon.resume("TM-001")
        statuses.append((await s.state())["products"][0]["salesStatus"])

    setup = run(scenario)
    assert statuses == ["PAUSE", "ON_SALE"]  # [T2] Deal.salesStatus
    puts = [e.path for e in setup.recorder.seen if e.method == "PUT"]
    assert puts == ["/api/V1001/deals/TM-001/pause", "/api/V1001/deals/TM-001/resume"]


# -- the token flow ---------------------------------------------------------------------------------------


def test_token_flow_basic_auth_multipart_grant_and_partner_headers_on_every_call() -> None:
    async def scenario(s: Setup) -> None:
        await s.tmon.check_templates(SALES)
        await s.tmon.create_product(PRODUCT, SALES)
        await s.tmon.find_product("TM-001")

    setup = run(scenario)
    token_call, *calls = setup.recorder.market()
    assert (token_call.method, token_call.path, token_call.status) == ("POST", "/oauth/token", 200)
    basic = base64.b64encode(b"tmon-main:sandbox-secret").decode()
    assert token_call.headers["authorization"] == f"Basic {basic}"
    kind, _, boundary = token_call.headers["content-type"].partition("; boundary=")
    assert (kind, bool(boundary)) == ("multipart/form-data", True)
    assert (
        token_call.body
        == (
            f'--{boundary}\r\nContent-Disposition: form-data; name="grant_type"\r\n\r\n'
            f"client_credentials\r\n--{boundary}--\r\n"
        ).encode()
    )
    issued = json.loads(token_call.answer)
    assert issued == {
        "access_token": issued["access_token"],
        "token_type": "bearer",
        "expires_in": 3600,
        "scope": "read write",
        "vendorId": "V1001",
    }
    assert [(c.method, c.path) for c in calls] == [
        ("GET", "/api/V1001/partners/templates"),
        ("POST", "/api/V1001/deals"),
        ("GET", "/api/V1001/deals/TM-001"),
    ]
    for call in calls:
        assert call.headers["authorization"] == f"Bearer {issued['access_token']}"
        assert call.headers["x-partner-id"] == PARTNER_ID
        assert call.headers["x-partner-token"] == PARTNER_TOKEN
        assert call.status == 200


def test_expired_token_is_renewed_once_and_the_call_retried() -> None:
    states: list[dict[str, Any]] = []

    async def scenario(s: Setup) -> None:
        await s.tmon.create_product(PRODUCT, SALES)
        await s.control("expire-tokens", {"market": "tmon"})
        assert await s.tmon.find_product("TM-001") is not None
        await s.tmon.update_product(PRODUCT, SALES, ProductLink("30000001"))
        states.append(await s.state())

    setup = run(scenario)
    assert states[0]["requests"] == {
        "POST /oauth/token": 2,
        "POST /api/{vendorId}/deals": 1,
        "GET /api/{vendorId}/deals/{no}": 2,  # refused once (expired), then answered
        "PUT /api/{vendorId}/deals/{no}": 1,
        "PUT /api/{vendorId}/deals/{no}/stock": 1,
        "PUT /api/{vendorId}/deals/{no}/options/display": 1,
    }
    calls = setup.recorder.market()
    assert [(c.method, c.path, c.status) for c in calls] == [
        ("POST", "/oauth/token", 200),
        ("POST", "/api/V1001/deals", 200),
        ("GET", "/api/V1001/deals/TM-001", 401),
        ("POST", "/oauth/token", 200),
        ("GET", "/api/V1001/deals/TM-001", 200),
        ("PUT", "/api/V1001/deals/TM-001", 200),
        ("PUT", "/api/V1001/deals/TM-001/stock", 200),
        ("PUT", "/api/V1001/deals/TM-001/options/display", 200),
    ]
    assert json.loads(calls[2].answer)["error"] == "invalid_token"
    first, second = (json.loads(c.answer)["access_token"] for c in calls if c.path == "/oauth/token")
    assert first != second
    assert [c.headers["authorization"] for c in calls if c.path.startswith("/api/")] == [
        f"Bearer {first}",
        f"Bearer {first}",
        *[f"Bearer {second}"] * 4,
    ]
    assert setup.clock.sleeps == []  # a renewal is not a backoff


def test_wrong_secret_is_auth_failed_in_korean_and_sends_nothing_else() -> None:
    errors: list[AuthFailed] = []

    async def scenario(s: Setup) -> None:
        with pytest.raises(AuthFailed) as info:
            await s.tmon.create_product(PRODUCT, SALES)
        errors.append(info.value)

    setup = run(scenario, secret="wrong-secret")
    [error] = errors
    assert error.message == (
        "티몬 API 인증 정보(client id / secret)가 맞지 않습니다. batch.toml의 계정과 환경 변수를 확인하세요."
    )
    assert (error.market, error.status, error.code) == ("tmon", 401, "invalid_client")
    assert [(c.method, c.path, c.status) for c in setup.recorder.market()] == [("POST", "/oauth/token", 401)]


def test_wrong_partner_token_is_auth_failed_without_a_retry() -> None:
    errors: list[AuthFailed] = []

    async def scenario(s: Setup) -> None:
        with pytest.raises(AuthFailed) as info:
            await s.tmon.delivery_templates()
        errors.append(info.value)

    setup = run(scenario, partner_token="not-the-token")
    assert (errors[0].message, errors[0].status, errors[0].code) == (
        "파트너 토큰(X-Partner-Token)이 올바르지 않습니다.",
        403,
        "INVALID_PARTNER_TOKEN",
    )
    assert [(c.path, c.status) for c in setup.recorder.market()] == [
        ("/oauth/token", 200),
        ("/api/V1001/partners/templates", 403),
    ]


def test_rejected_deal_carries_tmons_korean_message() -> None:
    async def scenario(s: Setup) -> None:
        await s.tmon.create_product(PRODUCT, SALES)
        with pytest.raises(Rejected) as info:
            await s.tmon.create_product(PRODUCT, SALES)
        assert (info.value.message, info.value.status, info.value.code) == (
            "이미 등록 완료된 딜입니다.",  # the text [T1] ProdServiceImpl.insertProducts looks for
            400,
            "DUPLICATE_DEAL",
        )

    setup = run(scenario)
    assert [p.status for p in posts_to_deals(setup.recorder)] == [200, 400]


@dataclass
class FailFirstToken:
    """Answers the first ``POST /oauth/token`` with TMON's 500, then lets everything through."""

    app: ASGIApp
    failed: int = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == "/oauth/token" and not self.failed:
            self.failed += 1
            await send_tmon_500(send)
            return
        await self.app(scope, receive, send)


def test_a_failing_first_token_request_is_retried() -> None:
    got: list[str | None] = []

    async def scenario(s: Setup) -> None:
        got.append(await s.tmon.check_templates(SALES))

    setup = run(scenario, app=FailFirstToken(create_app(seed=5)))
    assert got == [None]
    assert [(c.path, c.status) for c in setup.recorder.market()] == [
        ("/oauth/token", 500),
        ("/oauth/token", 200),
        ("/api/V1001/partners/templates", 200),
    ]


# -- delivery templates -------------------------------------------------------------------------------------


def test_delivery_templates_are_labelled_with_our_product_type_groups() -> None:
    """Templates carry DP codes ([T1] getProducts, [T2] DeliveryTemplate); each maps to the label staff pick."""
    got: list[list[DeliveryTemplate]] = []

    async def scenario(s: Setup) -> None:
        got.append(await s.tmon.delivery_templates())

    run(scenario)
    assert got == [
        [
            DeliveryTemplate("1690698", "기본배송", "일반상품"),
            DeliveryTemplate("1690699", "신선식품 배송", "냉장/냉동/신선식품"),
            DeliveryTemplate("1690700", "화물설치 배송", "화물/설치"),
        ]
    ]


def test_check_templates_messages() -> None:
    got: list[str | None] = []

    async def scenario(s: Setup) -> None:
        got.append(await s.tmon.check_templates(sales("1690699", "냉장/냉동/신선식품")))
        got.append(await s.tmon.check_templates(sales("1690698", "일반상품")))
        got.append(await s.tmon.check_templates(sales("1234567", "일반상품")))
        got.append(await s.tmon.check_templates(sales("1690699", "일반상품")))
        got.append(await s.tmon.check_templates(sales("1690700", "주문제작")))

    run(scenario)
    assert got == [
        None,
        None,
        "티몬에 배송템플릿 1234567번이 없습니다. 판매정보 시트의 배송템플릿 번호를 확인하세요.",
        "배송템플릿 1690699번(신선식품 배송)의 상품유형그룹은 '냉장/냉동/신선식품'입니다. "
        "판매정보의 상품유형그룹('일반상품')과 같아야 합니다.",
        "배송템플릿 1690700번(화물설치 배송)의 상품유형그룹은 '화물/설치'입니다. "
        "판매정보의 상품유형그룹('주문제작')과 같아야 합니다.",
    ]


def test_preflight_problems() -> None:
    unused = httpx.AsyncClient(transport=httpx.MockTransport(lambda request: httpx.Response(500)))
    tmon = Tmon(
        MarketClient("tmon", unused, ClientSettings(), clock=FakeClock()),
        TmonCredentials("tmon-main", "s", PARTNER_ID, PARTNER_TOKEN, "1"),
    )
    assert tmon.preflight(PRODUCT, SALES) == []
    bad = replace(PRODUCT, name="가" * 61, images=("local.jpg", "https://x.test/a.jpg"))
    no_courier = SalesInfo(
        Market.TMON, "main", "티몬-신선", tuple((k, None if k == "courier" else v) for k, v in SALES.fields)
    )
    assert tmon.preflight(bad, replace(no_courier, fields=(*no_courier.fields, ("product_type", "예외상품")))) == [
        "티몬 딜명은 60자까지입니다.",
        "티몬은 이미지 주소(https://…)만 받습니다: local.jpg",
        "판매정보의 상품유형그룹이 티몬 목록에 없습니다.",
        "티몬 딜에는 배송사가 필요합니다. 판매정보 시트의 택배사를 골라 주세요.",
    ]
    policy = Tmon(tmon.client, TmonCredentials("tmon-main", "s", PARTNER_ID, PARTNER_TOKEN, "정책1"))
    assert policy.preflight(PRODUCT, SALES) == [
        "batch.toml 티몬 계정의 vendor_policy_no는 티몬 담당자에게 받은 정책번호(숫자)여야 합니다. 확인해 주세요."
    ]


# -- orders, claims and inquiries: the readings the sources settle ------------------------------------------


def an_hour_ago() -> ASGIApp:
    """A sandbox whose clock runs an hour behind: its orders are all older than TMON's 30-minute window edge."""
    return create_app(clock=lambda: time.time() - 3600, seed=5)


def test_confirm_reads_the_deal_back_done_only_when_d2_or_later_and_refuses_a_cancelled_one() -> None:
    """[T1] OrderServiceImpl: "배송주문 확인처리가 불가능한 배송상태입니다." means not in D1 — confirmed already, or
    cancelled. The adapter reads the order back (GET /orders/{no}, as [T1] getOrderStatus) and only D2–D5 is done."""
    outcomes: list[dict[str, Any]] = []
    keys: list[str] = []

    async def scenario(s: Setup) -> None:
        made = await sandbox_control(s.tmon.client.http, "tmon", "seed", {"orders": 3, "seed": 4})
        start = now_kst() - dt.timedelta(days=3)
        lines = await s.tmon.collect_orders(start, now_kst(), "main")
        by_order = {no: [x for x in lines if x.order_no == no] for no in made["orders"]}
        units = [[x for x in by_order[no] if x.product_no == by_order[no][0].product_no] for no in made["orders"][:2]]
        keys.extend(s.tmon.shipment_key(u[0]) for u in units)
        outcomes.append(await s.tmon.confirm(units))  # both D1: confirmed
        await s.tmon.seller_cancel(units[1])  # the second is cancelled by the seller
        outcomes.append(await s.tmon.confirm(units))

    setup = run(scenario, app=an_hour_ago())
    first, second = outcomes
    assert first == {keys[0]: None, keys[1]: None}
    assert second[keys[0]] is None  # D2 already: what was asked
    refused = second[keys[1]]
    assert isinstance(refused, Rejected)
    order_no = keys[1].split("/")[0]
    assert refused.message == (
        f"티몬 주문 {order_no}은(는) 발주확인할 수 없는 상태입니다(배송상태 C). 취소된 주문일 수 있으니 "
        "티몬 판매자센터에서 확인하세요. 송장은 보내지 않았습니다."
    )
    confirms = [e for e in setup.recorder.market("PUT") if e.path.endswith("/confirm")]
    assert [e.status for e in confirms] == [200, 200, 400, 400]
    assert [json.loads(e.answer)["Message"] for e in confirms[2:]] == [
        "배송주문 확인처리가 불가능한 배송상태입니다."
    ] * 2
    read_back = [e.path for e in setup.recorder.market("GET") if "/orders/" in e.path and "search" not in e.path]
    assert sorted(read_back) == sorted(f"/api/V1001/orders/{key.split('/')[0]}" for key in second)


def test_claim_searches_ask_every_claim_status_of_every_type() -> None:
    """[T1] ClaimScheduler sends one claimStatus ("C1, C2, C3, C4, C8, C9 중 1개") per search; the sandbox refuses a
    search without one. Every status is asked so no claim is missed."""
    claims: list[Any] = []

    async def scenario(s: Setup) -> None:
        made = await sandbox_control(s.tmon.client.http, "tmon", "seed", {"orders": 2, "seed": 4})
        cancel = await sandbox_control(
            s.tmon.client.http, "tmon", "claims", {"order": made["orders"][0], "type": "cancel"}
        )
        await s.tmon.approve_cancel(cancel["claimNo"])  # C3 now
        lines = await s.tmon.get_order(made["orders"][1], "main")
        unit = [x for x in lines if x.product_no == lines[0].product_no]  # the deal a claim is raised on
        await s.tmon.confirm([unit])
        await s.tmon.send_invoices([Shipment(s.tmon.shipment_key(unit[0]), tuple(unit), "10001", "684512345678")])
        # a return is raised once the deal shipped (D3)
        await sandbox_control(s.tmon.client.http, "tmon", "claims", {"order": made["orders"][1], "type": "return"})
        claims.extend(await s.tmon.collect_claims(now_kst() - dt.timedelta(days=2), now_kst(), "main", latest=True))

    setup = run(scenario, app=an_hour_ago())
    searches = [e for e in setup.recorder.market("GET") if e.path.endswith("/search")]
    asked = [(e.path.split("/")[3], dict(parse_qsl(e.query))["claimStatus"]) for e in searches]
    kinds = ("cancellations", "refunds", "exchanges", "redeliveries")
    assert asked == [(kind, status) for kind in kinds for status in ("C1", "C2", "C3", "C4", "C8", "C9")]
    assert all(e.status == 200 for e in searches)
    assert [(c.kind, c.status) for c in claims] == [
        (ClaimType.CANCEL, ClaimStatus.DONE),
        (ClaimType.RETURN, ClaimStatus.REQUESTED),
    ]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", c.requested_at) for c in claims)  # requestedDate


def test_inquiries_are_asked_unanswered_and_a_cs_group_comes_from_the_list_item() -> None:
    """[T1] ProdScheduler asks both lists with answered=false; insertQna reads dealTitle and writer; insertCsQna
    takes csInquiryMessageGroupSeqNo from the list item."""
    found: list[Inquiry] = []

    async def scenario(s: Setup) -> None:
        await sandbox_control(s.tmon.client.http, "tmon", "seed", {"inquiries": 6, "seed": 3})
        found.extend(await s.tmon.collect_inquiries(now_kst() - dt.timedelta(days=3), now_kst(), "main"))

    setup = run(scenario, app=an_hour_ago())
    lists = [e for e in setup.recorder.market("GET") if e.path.endswith(("/qnas", "/cs-inquiry/list"))]
    assert lists and all(dict(parse_qsl(e.query))["answered"] == "false" for e in lists)
    items = {
        f"cs:{i['csInquirySeqNo']}/{i['csInquiryMessageGroupSeqNo']}": i
        for e in lists
        if e.path.endswith("/list")
        for i in e.reply()["items"]
    }
    qnas = {f"q:{q['articleNo']}": q for e in lists if e.path.endswith("/qnas") for q in e.reply()["items"]}
    assert {q.inquiry_no for q in found} == set(items) | set(qnas)
    for inquiry in found:
        source = items.get(inquiry.inquiry_no) or qnas[inquiry.inquiry_no]
        assert (inquiry.title, inquiry.asker, inquiry.answered) == (source["dealTitle"], source["writer"], False)
        assert inquiry.body and inquiry.kind in ("상품", "배송", "반품", "교환", "기타")


def test_a_deal_update_answered_with_success_false_is_refused_with_tmons_message() -> None:
    """[T2] PaTmonProductApiService.updateProduct (and [T1] updateProducts) treat ``success: false`` in the
    DealUpdateResult as a failure, with its ``message``; nothing more (stock, display) is sent then."""
    sent: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(f"{request.method} {request.url.path}")
        if request.url.path == "/oauth/token":
            return httpx.Response(200, json={"access_token": "t", "vendorId": "V1001"})
        failed = {"success": False, "skip": False, "value": None, "message": "옵션 정보를 확인해 주세요."}
        return httpx.Response(200, json={"deal": DONE, "dealOptions": failed})

    async def scenario() -> Rejected:
        http = httpx.AsyncClient(transport=httpx.MockTransport(answer), base_url="https://tmon.test")
        tmon = Tmon(
            MarketClient("tmon", http, ClientSettings(rate_limit=0), clock=FakeClock()),
            TmonCredentials("tmon-main", "s", PARTNER_ID, PARTNER_TOKEN, "501"),
        )
        async with http:
            with pytest.raises(Rejected) as info:
                await tmon.update_product(PRODUCT, SALES, ProductLink("30000001"))
        return info.value

    error = asyncio.run(scenario())
    assert error.message == "옵션 정보를 확인해 주세요."
    assert sent == ["POST /oauth/token", "PUT /api/V1001/deals/TM-001"]
