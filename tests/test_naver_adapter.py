"""The Naver Commerce adapter against the in-process sandbox: exact requests, per-item outcomes, pacing, tokens.

A recording ASGI app sits in front of the sandbox. One fake clock drives the client's pacing and sleeps, the
sandbox's clock (token expiry, rate buckets, dates) and the adapter's wall clock, so time is the same on both sides
and nothing waits for real.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from helpers import Exchange, FakeClock, Recorder, sandbox_client, sandbox_control, sandbox_state
from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.types import Receive, Scope, Send

from batch.config import Account
from batch.marketplaces.base import (
    AlreadyDone,
    AuthFailed,
    Call,
    ClientSettings,
    MarketClient,
    RateLimited,
    Rejected,
    Unavailable,
)
from batch.marketplaces.naver import Naver, NaverCredentials
from batch.marketplaces.naver_orders import claim_status, windows
from batch.marketplaces.types import Marketplace, Shipment
from batch.models import (
    KST,
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
from batch.sandbox import images as seller_images
from batch.sandbox.app import SandboxApp, create_app

CLIENT_ID = "sandbox-naver"
SECRET = "$2a$10$abcdefghijklmnopqrstuv"  # Naver's documented example secret (batch.config SANDBOX_SECRETS)
BASE = dt.datetime(2026, 11, 28, 10, 0, tzinfo=KST).timestamp()
NOW = dt.datetime(2026, 11, 28, 10, 0)  # naive KST, as the runner passes times
CDN = "https://shop-phinf.pstatic.net/"
PREFIX = "/external"
ORDERS = "/external/v1/pay-order/seller/product-orders"


class WallClock(FakeClock):
    def wall(self) -> float:
        return BASE + self.now


SELLER_HOST = Starlette(routes=seller_images.routes())  # the seller's own image host (https://img.example.com/…)


class NaverRecorder(Recorder):
    """Also the seller's own image host (its GETs recorded too); the market is Naver's paths, not the control API."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["method"] == "GET"
            and scope["headers"]
            and _host(scope) == "img.example.com"
        ):
            self.seen.append(Exchange("GET", scope["path"], "", Headers(scope=scope), b""))
            await SELLER_HOST(scope, receive, send)
            return
        await super().__call__(scope, receive, send)

    def is_market(self, exchange: Exchange) -> bool:
        return exchange.path.startswith(PREFIX)

    def calls(self) -> list[tuple[str, str]]:
        return [(e.method, e.path) for e in self.market()]


def _host(scope: Scope) -> str:
    return Headers(scope=scope).get("host", "")


@dataclass
class Setup:
    recorder: NaverRecorder
    naver: Naver
    clock: WallClock
    app: SandboxApp
    root: httpx.AsyncClient  # the control API lives at the app's root, outside the adapter's /external base
    keep: dict[str, Any] = field(default_factory=dict)  # what a scenario hands to the assertions after it

    @property
    def market(self) -> Any:
        return self.app.sandbox.markets["naver"]


def run(
    scenario: Callable[[Setup], Awaitable[None]],
    *,
    secret: str = SECRET,
    settings: ClientSettings | None = None,
    images_dir: Path | None = None,
    server_behind: float = 0.0,
) -> Setup:
    """Run ``scenario`` with a Naver adapter (application sandbox-naver) on a fresh in-process sandbox.

    ``server_behind``: seconds the sandbox's clock is behind the adapter's wall clock.
    """
    clock = WallClock()
    app = create_app(clock=lambda: clock.wall() - server_behind, seed=3)
    assert isinstance(app, SandboxApp)
    recorder = NaverRecorder(app)

    async def main() -> Setup:
        client = sandbox_client("naver", recorder, clock, settings, base_url="http://sandbox.test/external")
        root = httpx.AsyncClient(transport=httpx.ASGITransport(recorder), base_url="http://sandbox.test")
        naver = Naver(client, NaverCredentials(CLIENT_ID, secret))
        naver.wall = clock.wall
        naver.images_dir = images_dir
        setup = Setup(recorder, naver, clock, app, root)
        async with client.http, root:
            await scenario(setup)
        return setup

    return asyncio.run(main())


async def _control(setup: Setup, action: str, body: dict[str, Any]) -> Any:
    return await sandbox_control(setup.root, "naver", action, body)


async def _state(setup: Setup) -> dict[str, Any]:
    return await sandbox_state(setup.root, "naver")


PRODUCT = Product(
    row=3,
    code="NV-001",
    name="다온 스테인리스 텀블러 (T-350)",
    on_sale=True,
    category="생활/주방 > 컵/텀블러",
    price=15000,
    tax="과세",
    maker="다온리빙",
    brand="다온",
    model="T-350",
    origin="국산",
    adult=False,
    keywords=("텀블러", "보온병"),
    detail="<p>보온 보냉 텀블러</p>",
    images=("main.jpg", "side.png", f"{CDN}20261101_1/existing.jpg"),
    cert_required=False,
    certs=(),
    notice_category="주방용품",
    notices=(("품명 및 모델명", "텀블러 T-350"), ("제조자", "다온리빙")),
    option_names=("색상", "용량"),
    options=(
        OptionCombo(("실버", "350ml"), 0, True, 10),
        OptionCombo(("블랙", "350ml"), 0, True, 5),
        OptionCombo(("블랙", "500ml"), 2000, False, 0),
    ),
)
SALES = SalesInfo(
    Market.NAVER,
    "main",
    "G1",
    (
        ("market_category_no", "50000803"),
        ("courier", "CJ대한통운"),
        ("delivery_fee_type", "조건부무료"),
        ("delivery_fee", "3000"),
        ("free_over", "30000"),
        ("return_fee", "3000"),
        ("exchange_fee", "6000"),
        ("as_phone", "02-1234-5678"),
        ("as_guide", "평일 10시~17시"),
    ),
)


@pytest.fixture
def images(tmp_path: Path) -> Path:
    (tmp_path / "main.jpg").write_bytes(b"\xff\xd8\xff main")
    (tmp_path / "side.png").write_bytes(b"\x89PNG side")
    for i in range(12):
        (tmp_path / f"extra{i}.jpg").write_bytes(b"\xff\xd8\xff extra")
    return tmp_path


EXPECTED_BODY: dict[str, Any] = {
    "originProduct": {
        "statusType": "SALE",
        "saleType": "NEW",
        "leafCategoryId": "50000803",
        "name": "다온 스테인리스 텀블러 (T-350)",
        "images": {
            "representativeImage": {"url": "main.jpg"},
            "optionalImages": [{"url": "side.png"}, {"url": f"{CDN}20261101_1/existing.jpg"}],
        },
        "detailContent": "<p>보온 보냉 텀블러</p>",
        "salePrice": 15000,
        "stockQuantity": 15,
        "deliveryInfo": {
            "deliveryType": "DELIVERY",
            "deliveryAttributeType": "NORMAL",
            "deliveryCompany": "CJGLS",
            "deliveryFee": {"deliveryFeeType": "CONDITIONAL_FREE", "baseFee": 3000, "freeConditionalAmount": 30000},
            "claimDeliveryInfo": {"returnDeliveryFee": 3000, "exchangeDeliveryFee": 6000},
        },
        "detailAttribute": {
            "afterServiceInfo": {
                "afterServiceTelephoneNumber": "02-1234-5678",
                "afterServiceGuideContent": "평일 10시~17시",
            },
            "originAreaInfo": {"originAreaCode": "00"},
            "sellerCodeInfo": {"sellerManagementCode": "NV-001"},
            "minorPurchasable": True,
            "taxType": "TAX",
            "productInfoProvidedNotice": {
                "productInfoProvidedNoticeType": "ETC",
                "etc": {
                    "itemName": "텀블러 T-350",
                    "modelName": "텀블러 T-350",
                    "manufacturer": "다온리빙",
                    "customerServicePhoneNumber": "02-1234-5678",
                    "returnCostReason": "상품상세 참조",
                    "noRefundReason": "상품상세 참조",
                    "qualityAssuranceStandard": "상품상세 참조",
                    "compensationProcedure": "상품상세 참조",
                    "troubleShootingContents": "상품상세 참조",
                },
            },
            "naverShoppingSearchInfo": {"manufacturerName": "다온리빙", "brandName": "다온", "modelName": "T-350"},
            "seoInfo": {"sellerTags": [{"text": "텀블러"}, {"text": "보온병"}]},
            "optionInfo": {
                "optionCombinationSortType": "CREATE",
                "optionCombinationGroupNames": {"optionGroupName1": "색상", "optionGroupName2": "용량"},
                "optionCombinations": [
                    {
                        "optionName1": "실버",
                        "optionName2": "350ml",
                        "stockQuantity": 10,
                        "price": 0,
                        "sellerManagerCode": "NV-001-001",
                        "usable": True,
                    },
                    {
                        "optionName1": "블랙",
                        "optionName2": "350ml",
                        "stockQuantity": 5,
                        "price": 0,
                        "sellerManagerCode": "NV-001-002",
                        "usable": True,
                    },
                    {
                        "optionName1": "블랙",
                        "optionName2": "500ml",
                        "stockQuantity": 0,
                        "price": 2000,
                        "sellerManagerCode": "NV-001-003",
                        "usable": False,
                    },
                ],
                "useStockManagement": True,
            },
        },
    },
    "smartstoreChannelProduct": {"channelProductDisplayStatusType": "ON", "naverShoppingRegistration": True},
}


def _adapter() -> Naver:
    http = httpx.AsyncClient(base_url="http://unused.invalid")
    return Naver(MarketClient("naver", http, ClientSettings()), NaverCredentials(CLIENT_ID, SECRET))


# --- pure helpers -----------------------------------------------------------------------------------------


def test_claim_statuses_by_their_shape() -> None:
    assert [
        claim_status(x)
        for x in (
            "CANCEL_REQUEST",
            "CANCELING",
            "COLLECTING",
            "COLLECT_DONE",
            "RETURN_HOLDBACK",
            "EXCHANGE_REDELIVERING",  # the exchange re-sent: nothing left for the seller to decide
            "CANCEL_DONE",
            "RETURN_DONE",
            "ADMIN_CANCEL_DONE",
            "CANCEL_REJECT",
            "EXCHANGE_REJECT",
        )
    ] == [ClaimStatus.REQUESTED] * 5 + [ClaimStatus.DONE] * 4 + [ClaimStatus.WITHDRAWN] * 2
    with pytest.raises(Unavailable) as caught:
        claim_status("SOMETHING_NEW")
    assert caught.value.message == (
        "스마트스토어가 알 수 없는 클레임 상태를 보냈습니다: SOMETHING_NEW. 개발 담당자에게 알려 주세요."
    )


def test_windows_are_at_most_a_day_and_overlap() -> None:
    day = dt.timedelta(hours=24)
    assert windows(NOW - day, NOW) == [(NOW - day, NOW)]
    assert windows(NOW, NOW) == [(NOW, NOW)]
    assert windows(NOW, NOW - day) == []
    got = windows(NOW - 2 * day, NOW)
    five = dt.timedelta(minutes=5)
    assert got == [(NOW - 2 * day, NOW - day), (NOW - day - five, NOW - five), (NOW - 2 * five, NOW)]


# --- products ---------------------------------------------------------------------------------------------


def test_payload_is_the_documented_body() -> None:
    assert _adapter().payload(PRODUCT, SALES) == EXPECTED_BODY


def test_adapter_is_a_marketplace() -> None:
    adapter: Marketplace = _adapter()
    assert (adapter.market, adapter.answer_limit, Naver.sandbox_path) == ("naver", 1000, "/external")


def test_credentials_from_account_hide_the_secret() -> None:
    account = Account("naver", "main", "sandbox:", {"client_id": "sandbox-naver"})
    credentials = Naver.credentials_for(account)
    assert credentials == NaverCredentials("sandbox-naver", SECRET, "SELF", "")
    assert SECRET not in repr(credentials)


def test_preflight_names_what_naver_refuses(images: Path) -> None:
    naver = _adapter()
    naver.images_dir = images
    assert naver.preflight(PRODUCT, SALES) == []
    bad = replace(
        PRODUCT,
        name="가" * 101,
        images=("main.jpg", "missing.jpg", "http://img.example.com/a.jpg"),
        option_names=("a", "b", "c", "d"),
    )
    sales = replace(SALES, fields=(("courier", "CU편의점택배"), ("delivery_fee_type", "유료"), ("return_fee", "3000")))
    assert naver.preflight(bad, sales) == [
        "스마트스토어 상품명은 100자까지입니다. 상품명을 줄이세요.",
        "판매정보의 마켓 카테고리 번호(스마트스토어 리프 카테고리 ID, 숫자)가 없습니다.",
        "이미지 파일을 찾을 수 없습니다: missing.jpg. 이미지 폴더에 넣으세요.",
        "이미지 주소는 https://로 시작해야 합니다: http://img.example.com/a.jpg",
        "판매정보의 A/S 전화번호가 없습니다. 스마트스토어는 A/S 전화번호가 필수입니다.",
        "판매정보의 택배사 'CU편의점택배'는 스마트스토어에서 쓸 수 없습니다.",
        "유료·조건부무료 배송은 판매정보의 배송비가 0보다 커야 합니다.",
        "판매정보의 반품배송비와 교환배송비를 숫자로 적으세요(스마트스토어 필수).",
        "스마트스토어 옵션은 3단계까지입니다.",
    ]


def test_create_uploads_images_before_the_product(images: Path) -> None:
    links: list[ProductLink] = []

    async def scenario(s: Setup) -> None:
        links.append(await s.naver.create_product(PRODUCT, SALES))
        s.keep["state"] = await _state(s)

    s = run(scenario, images_dir=images)
    assert s.recorder.calls() == [
        ("POST", "/external/v1/oauth2/token"),
        ("POST", "/external/v1/product-images/upload"),
        ("POST", "/external/v2/products"),
        ("GET", "/external/v2/products/origin-products/10000000001"),
    ]
    upload = s.recorder.market(path="/external/v1/product-images/upload")[0]
    assert upload.headers["content-type"].startswith("multipart/form-data")
    assert upload.body.count(b'name="imageFiles"') == 2
    assert b'filename="main.jpg"' in upload.body and b'filename="side.png"' in upload.body
    uploaded = [i["url"] for i in s.keep["state"]["images"]]
    assert all(url.startswith(CDN) for url in uploaded) and len(uploaded) == 2
    sent = s.recorder.market(path="/external/v2/products")[0].json()
    expected = json.loads(json.dumps(EXPECTED_BODY))
    expected["originProduct"]["images"] = {
        "representativeImage": {"url": uploaded[0]},
        "optionalImages": [{"url": uploaded[1]}, {"url": f"{CDN}20261101_1/existing.jpg"}],
    }
    assert sent == expected
    assert links == [
        ProductLink(
            "10000000001", {"NV-001-001": "40000000001", "NV-001-002": "40000000002", "NV-001-003": "40000000003"}
        )
    ]
    product = s.keep["state"]["products"][0]
    assert (product["sellerManagementCode"], product["statusType"]) == ("NV-001", "SALE")
    assert s.keep["state"]["requests"] == {
        "POST /external/v1/oauth2/token": 1,
        "POST /external/v1/product-images/upload": 1,
        "POST /external/v2/products": 1,
        "GET /external/v2/products/origin-products/{no}": 1,
    }


def test_images_on_the_sellers_host_are_fetched_and_uploaded(images: Path) -> None:
    remote = replace(PRODUCT, images=("https://img.example.com/p/NV-001.jpg", "side.png"))

    async def scenario(s: Setup) -> None:
        await s.naver.create_product(remote, SALES)
        s.keep["state"] = await _state(s)
        broken = replace(PRODUCT, code="NV-002", images=("https://img.example.com/missing/x.jpg",))
        with pytest.raises(Rejected) as caught:
            await s.naver.create_product(broken, SALES)
        assert caught.value.message == (
            "이미지 주소에서 이미지를 받지 못했습니다: https://img.example.com/missing/x.jpg (HTTP 404). 주소를 확인하세요."
        )

    s = run(scenario, images_dir=images)
    fetched = [e for e in s.recorder.seen if e.path.startswith("/p/") or e.path.startswith("/missing/")]
    assert [e.path for e in fetched] == ["/p/NV-001.jpg", "/missing/x.jpg"]
    assert "authorization" not in fetched[0].headers  # the Naver token never goes to another host
    upload = s.recorder.market(path="/external/v1/product-images/upload")
    assert len(upload) == 1 and b'filename="NV-001.jpg"' in upload[0].body and b"image/jpeg" in upload[0].body
    uploaded = [i["url"] for i in s.keep["state"]["images"]]
    sent = s.recorder.market(path="/external/v2/products")[0].json()["originProduct"]["images"]
    assert sent == {"representativeImage": {"url": uploaded[0]}, "optionalImages": [{"url": uploaded[1]}]}
    assert len(s.recorder.market(path="/external/v2/products")) == 1  # the broken image stopped the second product


def test_images_go_up_ten_per_call_and_naver_refuses_eleven(images: Path) -> None:
    many = replace(PRODUCT, images=tuple(f"extra{i}.jpg" for i in range(12)))

    async def scenario(s: Setup) -> None:
        with pytest.raises(Rejected) as caught:
            await s.naver.create_product(many, SALES)
        assert caught.value.message == (
            "스마트스토어가 요청을 거절했습니다: 요청 값이 올바르지 않습니다. "
            "(originProduct.images.optionalImages: 추가 이미지는 9개까지입니다.)"
        )
        # "400 잘못된 요청 - code : BAD_REQUEST" (apicenter product pages)
        assert caught.value.code == "BAD_REQUEST" and caught.value.status == 400
        assert caught.value.request_id  # GNCP-GW-Trace-ID

    s = run(scenario, images_dir=images)
    uploads = s.recorder.market(path="/external/v1/product-images/upload")
    assert [u.body.count(b'name="imageFiles"') for u in uploads] == [10, 2]
    assert len(s.recorder.market(path="/external/v2/products")) == 1


def test_find_update_stock_pause_resume(images: Path) -> None:
    async def scenario(s: Setup) -> None:
        link = await s.naver.create_product(PRODUCT, SALES)
        assert await s.naver.find_product("NV-001") == link
        assert await s.naver.find_product("NV-404") is None
        changed = replace(PRODUCT, options=tuple(replace(o, stock=o.stock + 7) for o in PRODUCT.options))
        await s.naver.update_stock(changed)
        await s.naver.pause("NV-001")
        paused = (await _state(s))["products"][0]
        assert paused["statusType"] == "SUSPENSION"
        combos = paused["originProduct"]["detailAttribute"]["optionInfo"]["optionCombinations"]
        assert [(c["sellerManagerCode"], c["id"], c["stockQuantity"]) for c in combos] == [
            ("NV-001-001", 40000000001, 17),
            ("NV-001-002", 40000000002, 12),
            ("NV-001-003", 40000000003, 7),
        ]
        assert paused["originProduct"]["stockQuantity"] == 29
        await s.naver.resume("NV-001")
        assert (await _state(s))["products"][0]["statusType"] == "SALE"
        with pytest.raises(Rejected) as caught:
            await s.naver.pause("NV-404")
        assert caught.value.message == "스마트스토어에 상품코드 NV-404인 상품이 없습니다. 먼저 상품을 등록하세요."

    s = run(scenario, images_dir=images)
    searches = [e.json() for e in s.recorder.market(path="/external/v1/products/search")]
    assert searches[0] == {"searchKeywordType": "SELLER_CODE", "sellerManagementCode": "NV-001", "page": 1, "size": 50}
    assert len(searches) == 6  # find ×2, stock, pause, resume, pause of an unknown code
    changes = [
        e.json() for e in s.recorder.market(path="/external/v1/products/origin-products/10000000001/change-status")
    ]
    assert changes == [{"statusType": "SUSPENSION"}, {"statusType": "SALE"}]
    # stock through the dedicated call (apicenter update-options-product), never the whole product again
    stock = s.recorder.market("PUT", "/external/v1/products/origin-products/10000000001/option-stock")
    assert [e.json() for e in stock] == [
        {
            "optionInfo": {
                "optionCombinations": [
                    {"id": 40000000001, "stockQuantity": 17, "price": 0, "usable": True},
                    {"id": 40000000002, "stockQuantity": 12, "price": 0, "usable": True},
                    {"id": 40000000003, "stockQuantity": 7, "price": 2000, "usable": False},
                ],
                "useStockManagement": True,
            }
        }
    ]
    assert not s.recorder.market("PUT", "/external/v2/products/origin-products/10000000001")


def test_stock_of_a_product_without_options_goes_through_change_status(images: Path) -> None:
    """option-stock takes only products with options ("옵션 설정 상품에 대해 수정이 가능합니다"); a single product's stock
    is change-status {statusType, stockQuantity} (2.0.0-RC ExternalApiProductSaleStatusUpdateRequestVo)."""
    single = replace(PRODUCT, option_names=(), options=(OptionCombo((), 0, True, 6),))

    async def scenario(s: Setup) -> None:
        await s.naver.create_product(single, SALES)
        await s.naver.update_stock(replace(single, options=(OptionCombo((), 0, True, 0),)))
        assert (await _state(s))["products"][0]["statusType"] == "OUTOFSTOCK"
        await s.naver.update_stock(single)
        await s.naver.pause("NV-001")
        await s.naver.update_stock(replace(single, options=(OptionCombo((), 0, True, 4),)))
        product = (await _state(s))["products"][0]
        assert (product["statusType"], product["originProduct"]["stockQuantity"]) == ("SUSPENSION", 4)

    s = run(scenario, images_dir=images)
    path = "/external/v1/products/origin-products/10000000001/change-status"
    assert [e.json() for e in s.recorder.market("PUT", path)] == [
        {"statusType": "OUTOFSTOCK", "stockQuantity": 0},
        {"statusType": "SALE", "stockQuantity": 6},
        {"statusType": "SUSPENSION"},
        {"statusType": "SUSPENSION", "stockQuantity": 4},
    ]
    assert not s.recorder.market("PUT", "/external/v1/products/origin-products/10000000001/option-stock")


def test_update_keeps_option_ids(images: Path) -> None:
    async def scenario(s: Setup) -> None:
        link = await s.naver.create_product(PRODUCT, SALES)
        more = replace(PRODUCT, options=(*PRODUCT.options, OptionCombo(("핑크", "350ml"), 1000, True, 3)))
        updated = await s.naver.update_product(more, SALES, link)
        assert updated == ProductLink("10000000001", {**link.option_nos, "NV-001-004": "40000000004"})

    s = run(scenario, images_dir=images)
    put = s.recorder.market(path="/external/v2/products/origin-products/10000000001")
    body = next(e for e in put if e.method == "PUT").json()
    combos = body["originProduct"]["detailAttribute"]["optionInfo"]["optionCombinations"]
    assert [c.get("id") for c in combos] == [40000000001, 40000000002, 40000000003, None]
    assert len(s.recorder.market(path="/external/v1/product-images/upload")) == 2  # each send uploads its files


# --- gateway: pacing, rate limits, tokens -------------------------------------------------------------------


def test_rate_headers_give_each_api_its_own_bucket() -> None:
    async def scenario(s: Setup) -> None:
        client = s.naver.client
        assert client.bucket.rate == 0 and client.api_buckets == {}  # unpaced until Naver announces its rate
        await s.naver.find_product("NV-001")
        search = client.api_buckets["POST /v1/products/search"]
        assert (search.rate, search.burst) == (pytest.approx(10 * 0.97), 20.0)
        assert client.bucket_for(Call("POST", "/v1/products/search")) is search
        assert client.bucket_for(Call("GET", "/v2/products/origin-products/123")) is client.bucket  # not heard yet
        assert client.bucket.rate == 0  # the account's configured rate is left as it was

    run(scenario)


def _call_create(naver: Naver) -> Call:
    body = naver._body(PRODUCT, SALES, [f"{CDN}a.jpg"])
    return Call("POST", "/v2/products", json=body, idempotent=False)


def test_the_products_api_announces_its_own_rate() -> None:
    async def scenario(s: Setup) -> None:
        response = await s.naver._send(_call_create(s.naver))
        assert response.headers["GNCP-GW-RateLimit-Replenish-Rate"] == "20"
        assert response.headers["GNCP-GW-RateLimit-Burst-Capacity"] == "40"
        assert response.headers["GNCP-GW-RateLimit-Remaining"] == "39"
        create = s.naver.client.api_buckets["POST /v2/products"]
        assert (create.rate, create.burst) == (pytest.approx(20 * 0.97), 40.0)
        assert set(s.naver.client.api_buckets) == {"POST /v2/products"}  # the token answer carries no rate

    run(scenario)


def test_going_faster_than_the_limit_gets_429_and_waits() -> None:
    async def scenario(s: Setup) -> None:
        s.market.rates["POST /v1/products/search"] = 1.0  # a bucket of 2
        for _ in range(4):
            assert await s.naver.find_product("NV-404") is None

    # a margin over 1 makes the client run faster than the announced rate, so the gateway must refuse
    s = run(scenario, settings=ClientSettings(rate_limit=0, max_attempts=5, rate_margin=3.0))
    statuses = [e.status for e in s.recorder.market(path="/external/v1/products/search")]
    assert statuses.count(200) == 4 and 429 in statuses
    refused = next(e for e in s.recorder.market(path="/external/v1/products/search") if e.status == 429)
    assert json.loads(refused.answer)["code"] == "GW.RATE_LIMIT"
    assert len(statuses) == 4 + statuses.count(429)


def test_injected_429_is_rate_limited_in_naver_shape() -> None:
    async def scenario(s: Setup) -> None:
        await s.naver.vendor_id()
        await _control(s, "faults", {"rate": 1.0, "kinds": ["429"]})
        with pytest.raises(RateLimited) as caught:
            await s.naver.find_product("NV-001")
        assert caught.value.message == "스마트스토어 요청 한도를 넘었습니다. 잠시 뒤 다시 보냅니다."
        assert (caught.value.code, caught.value.status, caught.value.retry_after) == ("GW.RATE_LIMIT", 429, 1.0)
        assert caught.value.request_id

    s = run(scenario)
    assert len(s.recorder.market(path="/external/v1/products/search")) == 3  # max_attempts


def test_expired_token_is_renewed_once() -> None:
    async def scenario(s: Setup) -> None:
        assert await s.naver.vendor_id() == "sandbox-naver"
        await s.naver.find_product("NV-001")
        await _control(s, "expire-tokens", {})
        await s.naver.find_product("NV-001")

    s = run(scenario)
    assert [(e.path.rsplit("/", 1)[-1], e.status) for e in s.recorder.market()] == [
        ("token", 200),
        ("search", 200),
        ("search", 401),
        ("token", 200),
        ("search", 200),
    ]
    tokens = [e.headers["authorization"] for e in s.recorder.market(path="/external/v1/products/search")]
    assert tokens[0] == tokens[1] != tokens[2]


def test_missing_api_permission_is_auth_failed_after_one_renewal() -> None:
    async def scenario(s: Setup) -> None:
        await s.naver.vendor_id()
        s.market.denied.add(CLIENT_ID)
        with pytest.raises(AuthFailed) as caught:
            await s.naver.find_product("NV-001")
        assert caught.value.message == (
            "스마트스토어가 인증을 거절했습니다(GW.AUTHN). 커머스API센터에서 애플리케이션의 API 권한(상품·주문·문의)과 "
            "등록한 IP를 확인하세요."
        )
        assert (caught.value.status, caught.value.code) == (401, "GW.AUTHN")

    s = run(scenario)
    assert [(e.path.rsplit("/", 1)[-1], e.status) for e in s.recorder.market()] == [
        ("token", 200),
        ("search", 401),
        ("token", 200),  # the same token comes back (≥ 30 min left) …
        ("search", 401),  # … and is refused again: a permission problem, not a token one
    ]


def test_a_drifted_clock_signs_again_with_the_servers_date() -> None:
    async def scenario(s: Setup) -> None:
        assert await s.naver.vendor_id() == "sandbox-naver"
        lines = await _orders(s, 1, seed=2)
        await s.naver.confirm([[lines[0]]])
        assert await s.naver.send_invoices([_shipment(lines[0], "123456789012")]) == {lines[0].delivery_no: None}
        sent = (await _state(s))["invoices"][0]["dispatchDate"]
        assert abs(dt.datetime.fromisoformat(sent).timestamp() - (s.clock.wall() - 3600)) < 2

    s = run(scenario, server_behind=3600)
    tokens = s.recorder.market(path="/external/v1/oauth2/token")
    assert [e.status for e in tokens] == [403, 200]
    stamps = [int(dict(httpx.QueryParams(e.body.decode()))["timestamp"]) for e in tokens]
    assert stamps[0] - stamps[1] == pytest.approx(3600 * 1000, abs=1000)


def test_bad_secret_is_auth_failed_in_korean() -> None:
    async def scenario(s: Setup) -> None:
        with pytest.raises(AuthFailed) as caught:
            await s.naver.find_product("NV-001")
        assert caught.value.message == (
            "스마트스토어 커머스API 인증에 실패했습니다. batch.toml의 client_id와 환경 변수의 client_secret, "
            "커머스API센터에 등록한 IP를 확인하세요."
        )
        assert caught.value.status == 403
        assert "zyx" not in str(caught.value)

    s = run(scenario, secret="$2a$10$zyxwvutsrqponmlkjihgfe")
    assert s.recorder.calls() == [("POST", "/external/v1/oauth2/token")]
    form = s.recorder.market()[0].body.decode()
    assert "client_id=sandbox-naver" in form and "grant_type=client_credentials" in form and "type=SELF" in form


# --- orders -------------------------------------------------------------------------------------------------


def _feed_params(s: Setup) -> list[dict[str, str]]:
    out = []
    for e in s.recorder.market(path=f"{ORDERS}/last-changed-statuses"):
        out.append(dict(httpx.QueryParams(e.query)))
    return out


def test_collect_orders_maps_the_query_details() -> None:
    lines: list[OrderLine] = []

    async def scenario(s: Setup) -> None:
        await _control(s, "seed", {"orders": 6, "seed": 11})
        lines.extend(await s.naver.collect_orders(NOW - dt.timedelta(days=3), NOW, "main"))
        s.keep["state"] = await _state(s)

    s = run(scenario)
    state = s.keep["state"]
    assert sorted(x.delivery_no for x in lines) == sorted(o["productOrderId"] for o in state["orders"])
    assert all(x.status is OrderStatus.NEW and x.delivery_no == x.option_no for x in lines)
    assert [p["lastChangedFrom"] for p in _feed_params(s)] == [
        "2026-11-25T10:00:00.000+09:00",
        "2026-11-26T09:55:00.000+09:00",
        "2026-11-27T09:50:00.000+09:00",
        "2026-11-28T09:45:00.000+09:00",
    ]
    assert [p["lastChangedTo"] for p in _feed_params(s)] == [
        "2026-11-26T10:00:00.000+09:00",
        "2026-11-27T09:55:00.000+09:00",
        "2026-11-28T09:50:00.000+09:00",
        "2026-11-28T10:00:00.000+09:00",
    ]
    assert all(p["limitCount"] == "300" for p in _feed_params(s))
    query = s.recorder.market(path=f"{ORDERS}/query")
    assert len(query) == 1 and query[0].json()["quantityClaimCompatibility"] is True
    detail = {d["productOrder"]["productOrderId"]: d for d in json.loads(query[0].answer)["data"]}
    line = lines[0]
    item = detail[line.delivery_no]
    po, order = item["productOrder"], item["order"]
    address = po["shippingAddress"]
    assert line == OrderLine(
        market="naver",
        account="main",
        order_no=order["orderId"],
        delivery_no=po["productOrderId"],
        product_no=po["productId"],
        option_no=po["productOrderId"],
        product_name=po["productName"],
        option_text=po["productOption"] or "",
        qty=po["quantity"],
        price=po["unitPrice"] + po["optionPrice"],
        ordered_at=dt.datetime.fromisoformat(order["orderDate"]).strftime("%Y-%m-%d %H:%M:%S"),
        status=OrderStatus.NEW,
        buyer=order["ordererName"],
        buyer_phone=order["ordererTel"],
        receiver=address["name"],
        receiver_phone=address["tel1"],
        zipcode=address["zipCode"],
        address=f"{address['baseAddress']} {address['detailedAddress']}",
        message=po["shippingMemo"],
    )
    assert len({x.order_no for x in lines}) == 6 and len(lines) > 6  # some orders have several lines


def test_feed_pages_with_more_sequence() -> None:
    async def scenario(s: Setup) -> None:
        await _control(s, "seed", {"orders": 4, "seed": 2})
        total = len((await _state(s))["orders"])
        s.naver.feed_limit = 2
        lines = await s.naver.collect_orders(NOW - dt.timedelta(hours=23), NOW, "main")
        got = {x.delivery_no for x in lines}
        want = {
            o["productOrderId"]
            for o in (await _state(s))["orders"]
            if s.market.desk.lines[o["productOrderId"]]["lastChangedMs"] >= (BASE - 23 * 3600) * 1000
        }
        assert got == want and 0 < len(got) <= total
        s.keep["pages"] = -(-len(want) // 2)

    s = run(scenario)
    params = _feed_params(s)
    assert len(params) == s.keep["pages"]
    assert "moreSequence" not in params[0]
    assert all("moreSequence" in p and p["lastChangedTo"] == "2026-11-28T10:00:00.000+09:00" for p in params[1:])


async def _orders(s: Setup, count: int, seed: int = 1) -> list[OrderLine]:
    """Seed ``count`` orders and collect them: their lines, by productOrderId."""
    made = set((await _control(s, "seed", {"orders": count, "seed": seed}))["orders"])
    lines = await s.naver.collect_orders(NOW - dt.timedelta(days=2, minutes=5), NOW, "main")
    return sorted((x for x in lines if x.order_no in made), key=lambda x: x.delivery_no)


def test_confirm_per_item_and_already_confirmed_is_done() -> None:
    """Per-item codes of the confirm page's "오류 코드 정의": 104443 (발주 상태 확인 필요) is done once the order reads
    placeOrderStatus OK; 9999 (기타) and 104442 are refused, never done and never sent again by themselves."""

    async def scenario(s: Setup) -> None:
        lines = await _orders(s, 3)
        units = [[x] for x in lines]
        keys = [x.delivery_no for x in lines]
        s.market.desk.transient[keys[0]] = 1  # Naver answers 9999 for it once
        first = await s.naver.confirm(units)
        assert first[keys[1]] is None and first[keys[2]] is None
        error = first[keys[0]]
        assert isinstance(error, Rejected) and error.code == "9999"
        assert error.message == "스마트스토어가 발주확인을 거절했습니다: 처리 중 오류가 발생했습니다."
        assert await s.naver.confirm(units) == dict.fromkeys(keys)  # 104443 for two, read back as OK: done
        fresh = await _orders(s, 1, seed=9)
        await _control(s, "claims", {"order": fresh[0].order_no, "type": "cancel"})
        outcome = await s.naver.confirm([[fresh[0]]])
        error = outcome[fresh[0].delivery_no]
        assert isinstance(error, Rejected) and error.code == "104442"
        assert (
            error.message
            == "스마트스토어가 발주확인을 거절했습니다: 클레임(CANCEL)이 진행 중인 상품주문은 발주확인할 수 없습니다."
        )
        s.keep["keys"] = keys

    s = run(scenario)
    bodies = [e.json()["productOrderIds"] for e in s.recorder.market(path=f"{ORDERS}/confirm")]
    keys = s.keep["keys"]
    assert bodies[:2] == [keys, keys]  # nothing was sent again within a run
    reads = [e.json()["productOrderIds"] for e in s.recorder.market(path=f"{ORDERS}/query")]
    assert keys[1:] in reads  # the two 104443 answers were checked by reading the orders


def test_confirm_splits_at_30() -> None:
    """ "요청 가능한 상품 주문 번호는 최대 30개입니다." (apicenter seller-confirm-placed-product-orders-pay-order-seller)."""

    async def scenario(s: Setup) -> None:
        lines = await _orders(s, 40, seed=4)
        assert len(lines) > 30
        outcome = await s.naver.confirm([[x] for x in lines])
        assert outcome == {x.delivery_no: None for x in lines}
        s.keep["count"] = len(lines)

    s = run(scenario)
    sizes = [len(e.json()["productOrderIds"]) for e in s.recorder.market(path=f"{ORDERS}/confirm")]
    count = s.keep["count"]
    assert sizes == [30] * (count // 30) + ([count % 30] if count % 30 else [])


def _shipment(line: OrderLine, number: str, courier: str = "CJGLS", **kw: Any) -> Shipment:
    return Shipment(line.delivery_no, (line,), courier, number, **kw)


def test_65_dispatches_go_in_three_calls() -> None:
    async def scenario(s: Setup) -> None:
        lines = (await _orders(s, 60, seed=5))[:65]
        assert len(lines) == 65
        await s.naver.confirm([[x] for x in lines])
        shipments = [_shipment(x, f"6{i:011d}") for i, x in enumerate(lines)]
        assert await s.naver.send_invoices(shipments) == {x.delivery_no: None for x in lines}
        invoices = (await _state(s))["invoices"]
        assert len(invoices) == 65
        sent = dt.datetime.fromisoformat(invoices[0]["dispatchDate"])
        assert sent.utcoffset() == dt.timedelta(hours=9) and sent.timestamp() <= s.clock.wall()
        assert invoices[0] == {
            "productOrderId": lines[0].delivery_no,
            "orderId": lines[0].order_no,
            "store": "sandbox-naver",
            "deliveryMethod": "DELIVERY",
            "deliveryCompanyCode": "CJGLS",
            "trackingNumber": "600000000000",
            "dispatchDate": invoices[0]["dispatchDate"],
        }

    s = run(scenario)
    calls = [e.json()["dispatchProductOrders"] for e in s.recorder.market(path=f"{ORDERS}/dispatch")]
    assert [len(c) for c in calls] == [30, 30, 5]
    assert calls[0][0] == {
        "productOrderId": calls[0][0]["productOrderId"],
        "deliveryMethod": "DELIVERY",
        "deliveryCompanyCode": "CJGLS",
        "trackingNumber": "600000000000",
        "dispatchDate": calls[0][0]["dispatchDate"],
    }


def test_dispatch_partial_failures_are_answered_per_item() -> None:
    """Codes of the dispatch page's "오류 코드 정의": 104443 not confirmed, 104121 a used invoice, 9999 기타 (refused,
    not sent again); 104442 (상품 주문 상태 확인 필요) is read again: done when it holds this very invoice."""

    async def scenario(s: Setup) -> None:
        lines = await _orders(s, 8, seed=6)
        by_order: dict[str, list[OrderLine]] = {}
        for x in lines:
            by_order.setdefault(x.order_no, []).append(x)
        singles = [v[0] for v in by_order.values()]
        ok, flaky, unconfirmed, dup, again, other = singles[:6]
        await s.naver.confirm([[x] for x in (ok, flaky, dup, again, other)])
        assert await s.naver.send_invoices([_shipment(again, "111111111111"), _shipment(other, "222222222222")]) == {
            again.delivery_no: None,
            other.delivery_no: None,
        }
        s.market.desk.transient[flaky.delivery_no] = 1
        before = len(s.recorder.market(path=f"{ORDERS}/dispatch"))
        outcome = await s.naver.send_invoices(
            [
                _shipment(ok, "333333333333"),
                _shipment(flaky, "444444444444"),
                _shipment(unconfirmed, "555555555555"),
                _shipment(dup, "111111111111"),  # the number of another order
                _shipment(again, "111111111111"),  # the same invoice again: done
                _shipment(other, "999999999999"),  # dispatched before with another number
                _shipment(singles[6], "777777777777", correct=True),
                _shipment(singles[7], "888888888888", additional=("888888888889",)),
            ]
        )
        assert outcome[ok.delivery_no] is None
        assert outcome[again.delivery_no] is None
        messages = {k: (type(v).__name__, v.message) for k, v in outcome.items() if v is not None}
        assert messages == {
            flaky.delivery_no: ("Rejected", "스마트스토어가 발송처리를 거절했습니다: 처리 중 오류가 발생했습니다."),
            unconfirmed.delivery_no: (
                "Rejected",
                "스마트스토어가 발송처리를 거절했습니다: 발주확인 후 발송처리할 수 있습니다.",
            ),
            dup.delivery_no: (
                "Rejected",
                "스마트스토어가 발송처리를 거절했습니다: 다른 주문에 이미 등록된 송장번호입니다: 111111111111",
            ),
            other.delivery_no: (
                "Rejected",
                "이미 다른 송장(CJGLS 222222222222)으로 발송처리된 주문입니다. 송장을 바꾸려면 스마트스토어센터에서 수정하세요.",
            ),
            singles[6].delivery_no: (
                "Rejected",
                "스마트스토어는 API로 송장을 고칠 수 없습니다. 스마트스토어센터 > 발송관리에서 송장을 수정하세요.",
            ),
            singles[7].delivery_no: (
                "Rejected",
                "스마트스토어는 상품주문 하나에 송장 하나만 받습니다. 추가 송장(888888888889)은 스마트스토어센터에서 등록하세요.",
            ),
        }
        calls = [e.json()["dispatchProductOrders"] for e in s.recorder.market(path=f"{ORDERS}/dispatch")][before:]
        assert [[i["productOrderId"] for i in c] for c in calls] == [
            [x.delivery_no for x in (ok, flaky, unconfirmed, dup, again, other)],
        ]
        codes = {k: v.code for k, v in outcome.items() if v is not None}
        assert [codes[x.delivery_no] for x in (flaky, unconfirmed, dup, other)] == [
            "9999",
            "104443",
            "104121",
            "104442",
        ]
        query = s.recorder.market(path=f"{ORDERS}/query")[-1].json()
        assert query == {"productOrderIds": [again.delivery_no, other.delivery_no], "quantityClaimCompatibility": True}

    run(scenario)


def test_dispatch_whole_call_failure_is_unknown_outcome() -> None:
    async def scenario(s: Setup) -> None:
        lines = await _orders(s, 2, seed=7)
        await s.naver.confirm([[x] for x in lines])
        await _control(s, "faults", {"rate": 1.0, "kinds": ["503"]})
        outcome = await s.naver.send_invoices([_shipment(x, f"12345678901{i}") for i, x in enumerate(lines)])
        assert set(outcome) == {x.delivery_no for x in lines}
        for error in outcome.values():
            assert isinstance(error, Unavailable) and error.outcome_unknown and error.status == 503
        assert len(s.recorder.market(path=f"{ORDERS}/dispatch")) == 3  # the client's attempts, then unknown

    run(scenario)


# --- claims -------------------------------------------------------------------------------------------------


def test_claims_asked_a_minute_ago_are_seen() -> None:
    async def scenario(s: Setup) -> None:
        lines = await _orders(s, 3, seed=8)
        first, second = lines[0], next(x for x in lines if x.order_no != lines[0].order_no)
        s.clock.now += 3600
        made = await _control(s, "claims", {"order": first.order_no, "type": "cancel"})
        await s.naver.confirm([[second]])
        await s.naver.send_invoices([_shipment(second, "345678901234")])
        returned = await _control(
            s, "claims", {"order": second.order_no, "productOrder": second.delivery_no, "type": "return"}
        )
        s.clock.now += 60
        now = NOW + dt.timedelta(seconds=s.clock.now)
        claims = await s.naver.collect_claims(
            now - dt.timedelta(hours=2), now + dt.timedelta(minutes=1), "main", latest=True
        )
        by_no = {c.claim_no: c for c in claims}
        assert made["claimNo"] in by_no and returned["claimNo"] in by_no
        cancel, ret = by_no[made["claimNo"]], by_no[returned["claimNo"]]
        assert (cancel.kind, cancel.status, cancel.order_no) == (
            ClaimType.CANCEL,
            ClaimStatus.REQUESTED,
            first.order_no,
        )
        assert (ret.kind, ret.status, ret.order_no, ret.product_no) == (
            ClaimType.RETURN,
            ClaimStatus.REQUESTED,
            second.order_no,
            second.product_no,
        )
        asked = next(c for c in (await _state(s))["claims"] if c["claimId"] == made["claimNo"])
        when = dt.datetime.fromisoformat(asked["claimRequestDate"]).strftime("%Y-%m-%d %H:%M:%S")
        assert (cancel.requested_at, cancel.buyer, cancel.reason) == (when, first.buyer, asked["reason"])
        assert len(claims) == len(made["claimNos"]) + 1
        orders = await s.naver.collect_orders(now - dt.timedelta(hours=2), now, "main")
        assert {x.delivery_no: x.status for x in orders}[second.delivery_no] is OrderStatus.SHIPPING

    run(scenario)


# --- inquiries ----------------------------------------------------------------------------------------------


def test_inquiries_answers_and_second_answer_already_done() -> None:
    async def scenario(s: Setup) -> None:
        await _control(s, "seed", {"orders": 2, "seed": 3})
        seeded = (await _control(s, "seed", {"inquiries": 4, "seed": 3}))["inquiries"]
        found = await s.naver.collect_inquiries(NOW - dt.timedelta(days=4), NOW, "main")
        assert sorted(q.inquiry_no for q in found) == sorted(seeded)
        assert {q.inquiry_no.split(":")[0] for q in found} == {"qna", "inquiry"}
        assert all(not q.answered and q.body and q.asked_at.startswith("2026-11-") for q in found)
        assert {q.kind for q in found if q.inquiry_no.startswith("qna:")} == {"상품"}
        for q in found:
            await s.naver.answer(q.inquiry_no, f"답변 {q.inquiry_no}")
        for q in found:
            with pytest.raises(AlreadyDone):
                await s.naver.answer(q.inquiry_no, "두 번째 답변")
        state = await _state(s)
        assert [(a["kind"], a["content"]) for a in state["answers"]] == [
            (q.inquiry_no.split(":")[0], f"답변 {q.inquiry_no}") for q in found
        ]
        assert all(i["answered"] for i in state["inquiries"])
        assert await s.naver.collect_inquiries(NOW - dt.timedelta(days=4), NOW, "main") == []
        s.keep["found"] = found

    s = run(scenario)
    found = s.keep["found"]
    qnas = [q.inquiry_no.split(":")[1] for q in found if q.inquiry_no.startswith("qna:")]
    puts = [e for e in s.recorder.market() if e.method == "PUT"]
    assert [e.path for e in puts] == [f"/external/v1/contents/qnas/{n}" for n in qnas]  # never a second PUT
    assert puts[0].json() == {"commentContent": f"답변 qna:{qnas[0]}"}
    posts = [e for e in s.recorder.market() if e.path.endswith("/answer")]
    inquiries = [q.inquiry_no.split(":")[1] for q in found if q.inquiry_no.startswith("inquiry:")]
    assert [(e.path, e.status) for e in posts] == [
        *[(f"/external/v1/pay-merchant/inquiries/{n}/answer", 200) for n in inquiries],
        *[(f"/external/v1/pay-merchant/inquiries/{n}/answer", 400) for n in inquiries],
    ]
    assert posts[0].json() == {"answerComment": f"답변 inquiry:{inquiries[0]}"}
    qna_lists = [dict(httpx.QueryParams(e.query)) for e in s.recorder.market(path="/external/v1/contents/qnas")]
    assert qna_lists[0] == {
        "answered": "false",
        "fromDate": "2026-11-24T10:00:00.000+09:00",
        "toDate": "2026-11-28T10:00:00.000+09:00",
        "page": "1",
        "size": "100",
    }


def test_unknown_inquiry_number_is_rejected() -> None:
    async def scenario(s: Setup) -> None:
        with pytest.raises(Rejected) as caught:
            await s.naver.answer("q:12", "안녕하세요")
        assert caught.value.message == "스마트스토어 문의 번호가 아닙니다: q:12. 문의 수집 결과의 번호를 그대로 쓰세요."

    s = run(scenario)
    assert s.recorder.calls() == []
