"""The Naver Commerce sandbox on its own: gateway (token, rate buckets, error shapes), products, orders, inquiries.

Requests are written by hand here (no adapter), so the sandbox's rules are checked apart from the client.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import bcrypt
import httpx
from helpers import AppClock

from batch.sandbox.app import SandboxApp, create_app
from batch.sandbox.naver import NaverMarket
from batch.sandbox.registry import STATE_KEYS

KST = dt.timezone(dt.timedelta(hours=9))
BASE = dt.datetime(2026, 11, 28, 10, 0, tzinfo=KST).timestamp()
CLIENT_ID = "sandbox-naver"
SECRET = "$2a$10$abcdefghijklmnopqrstuv"  # Naver's documented example secret, the sandbox's seed account
OTHER_ID, OTHER_SECRET = "sandbox-naver-2", "$2a$04$zyxwvutsrqponmlkjihgfe"
ORDERS = "/external/v1/pay-order/seller/product-orders"
CDN = "https://shop-phinf.pstatic.net/"
B64 = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def salt(secret: str) -> bytes:
    """The salt as bcrypt 3 reads it: the 22nd salt character keeps only the two bits bcrypt uses (v -> u)."""
    return (secret[:28] + B64[B64.index(secret[28]) & 0b110000]).encode()


@dataclass
class Box:
    http: httpx.AsyncClient
    clock: AppClock
    app: SandboxApp

    async def token(self, client_id: str = CLIENT_ID, secret: str = SECRET, **extra: str) -> httpx.Response:
        stamp = str(int(self.clock.now * 1000))
        sign = base64.standard_b64encode(bcrypt.hashpw(f"{client_id}_{stamp}".encode(), salt(secret))).decode()
        form = {
            "client_id": client_id,
            "timestamp": stamp,
            "client_secret_sign": sign,
            "grant_type": "client_credentials",
            "type": "SELF",
            **extra,
        }
        return await self.http.post("/external/v1/oauth2/token", data=form)

    async def auth(self, client_id: str = CLIENT_ID, secret: str = SECRET) -> dict[str, str]:
        answer = await self.token(client_id, secret)
        assert answer.status_code == 200, answer.text
        return {"Authorization": f"Bearer {answer.json()['access_token']}"}

    async def control(self, action: str, body: dict[str, Any], status: int = 200) -> Any:
        answer = await self.http.post(f"/__sandbox__/{action}", json={"market": "naver", **body})
        assert answer.status_code == status, answer.text
        return answer.json()

    async def state(self) -> dict[str, Any]:
        body: dict[str, Any] = (await self.http.get("/__sandbox__/state", params={"market": "naver"})).json()
        return body


def run(scenario: Callable[[Box], Awaitable[None]]) -> None:
    clock = AppClock(BASE)
    app = create_app(clock=clock, seed=1)
    assert isinstance(app, SandboxApp)

    async def main() -> None:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://sandbox.test") as http:
            await scenario(Box(http, clock, app))

    asyncio.run(main())


def iso(moment: float) -> str:
    return dt.datetime.fromtimestamp(moment, KST).isoformat(timespec="milliseconds")


def product_body(code: str = "NV-1", **origin: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "originProduct": {
            "statusType": "SALE",
            "saleType": "NEW",
            "leafCategoryId": "50000803",
            "name": "텀블러",
            "images": {"representativeImage": {"url": f"{CDN}a.jpg"}, "optionalImages": []},
            "detailContent": "<p>상세</p>",
            "salePrice": 15000,
            "stockQuantity": 5,
            "deliveryInfo": {
                "deliveryType": "DELIVERY",
                "deliveryAttributeType": "NORMAL",
                "deliveryCompany": "CJGLS",
                "deliveryFee": {"deliveryFeeType": "FREE"},
                "claimDeliveryInfo": {"returnDeliveryFee": 3000, "exchangeDeliveryFee": 6000},
            },
            "detailAttribute": {
                "afterServiceInfo": {"afterServiceTelephoneNumber": "02-1234-5678", "afterServiceGuideContent": "평일"},
                "originAreaInfo": {"originAreaCode": "00"},
                "sellerCodeInfo": {"sellerManagementCode": code},
                "minorPurchasable": True,
                "productInfoProvidedNotice": {"productInfoProvidedNoticeType": "ETC", "etc": {}},
                "optionInfo": {
                    "optionCombinations": [
                        {"optionName1": "실버", "stockQuantity": 3, "price": 0, "sellerManagerCode": f"{code}-001"},
                        {"optionName1": "블랙", "stockQuantity": 2, "price": 500, "sellerManagerCode": f"{code}-002"},
                    ]
                },
            },
        },
        "smartstoreChannelProduct": {"channelProductDisplayStatusType": "ON", "naverShoppingRegistration": True},
    }
    body["originProduct"].update(origin)
    return body


# --- gateway ------------------------------------------------------------------------------------------------


def test_same_token_while_30_minutes_are_left_then_a_new_one() -> None:
    async def scenario(box: Box) -> None:
        first = await box.token()
        assert first.status_code == 200 and first.headers["GNCP-GW-Trace-ID"]
        assert first.json()["expires_in"] == 10800 and first.json()["token_type"] == "Bearer"
        box.clock.now += 2 * 3600
        second = await box.token()
        assert second.json() == {**first.json(), "expires_in": 3600}
        box.clock.now += 1801
        third = await box.token()
        assert third.json()["access_token"] != first.json()["access_token"]
        assert third.json()["expires_in"] == 10800
        old = {"Authorization": f"Bearer {first.json()['access_token']}"}
        assert (await box.http.post("/external/v1/products/search", json={}, headers=old)).status_code == 200

    run(scenario)


def test_bad_sign_and_expired_token_have_naver_shapes() -> None:
    async def scenario(box: Box) -> None:
        bad = await box.token(secret="$2a$10$zyxwvutsrqponmlkjihgfe")
        assert bad.status_code == 403 and set(bad.json()) == {"code", "message", "invalidInputs", "timestamp"}
        headers = await box.auth()
        await box.control("expire-tokens", {})
        answer = await box.http.post("/external/v1/products/search", json={}, headers=headers)
        body = answer.json()
        assert answer.status_code == 401 and set(body) == {"code", "message", "timestamp", "traceId"}
        assert body["code"] == "GW.AUTHN" and body["traceId"] == answer.headers["GNCP-GW-Trace-ID"]
        none = await box.http.post("/external/v1/products/search", json={})
        assert none.status_code == 401 and none.json()["code"] == "GW.AUTHN"

    run(scenario)


def test_seller_token_needs_an_account_id() -> None:
    async def scenario(box: Box) -> None:
        missing = await box.token(type="SELLER")
        assert missing.status_code == 400
        assert [i["name"] for i in missing.json()["invalidInputs"]] == ["account_id"]
        seller = await box.token(type="SELLER", account_id="seller-7")
        assert seller.status_code == 200

    run(scenario)


def test_rate_bucket_per_api_headers_and_429() -> None:
    async def scenario(box: Box) -> None:
        market = box.app.sandbox.markets["naver"]
        assert isinstance(market, NaverMarket)
        market.rates["POST /v1/products/search"] = 1.0
        headers = await box.auth()
        seen = []
        for _ in range(3):
            answer = await box.http.post("/external/v1/products/search", json={}, headers=headers)
            seen.append(
                (
                    answer.status_code,
                    answer.headers["GNCP-GW-RateLimit-Replenish-Rate"],
                    answer.headers["GNCP-GW-RateLimit-Burst-Capacity"],
                    answer.headers["GNCP-GW-RateLimit-Remaining"],
                )
            )
        assert seen == [(200, "1", "2", "1"), (200, "1", "2", "0"), (429, "1", "2", "0")]
        assert answer.json()["code"] == "GW.RATE_LIMIT" and set(answer.json()) == {
            "code",
            "message",
            "timestamp",
            "traceId",
        }
        other = await box.http.get(
            f"{ORDERS}/last-changed-statuses", params={"lastChangedFrom": iso(BASE - 60)}, headers=headers
        )
        assert other.status_code == 200 and other.headers["GNCP-GW-RateLimit-Replenish-Rate"] == "10"
        box.clock.now += 1
        again = await box.http.post("/external/v1/products/search", json={}, headers=headers)
        assert again.status_code == 200
        create = await box.http.post("/external/v2/products", json=product_body(), headers=headers)
        assert create.headers["GNCP-GW-RateLimit-Replenish-Rate"] == "20"

    run(scenario)


def test_injected_429_is_gw_rate_limit() -> None:
    async def scenario(box: Box) -> None:
        headers = await box.auth()
        await box.control("faults", {"rate": 1.0, "kinds": ["429"]})
        answer = await box.http.post("/external/v1/products/search", json={}, headers=headers)
        assert answer.status_code == 429 and answer.json()["code"] == "GW.RATE_LIMIT"
        assert answer.headers["Retry-After"] == "1" and answer.headers["GNCP-GW-RateLimit-Remaining"] == "0"

    run(scenario)


# --- products -----------------------------------------------------------------------------------------------


def test_images_upload_to_the_cdn() -> None:
    async def scenario(box: Box) -> None:
        headers = await box.auth()
        files = [("imageFiles", (f"p{i}.jpg", b"\xff\xd8 image", "image/jpeg")) for i in range(2)]
        answer = await box.http.post("/external/v1/product-images/upload", files=files, headers=headers)
        urls = [i["url"] for i in answer.json()["images"]]
        assert len(urls) == 2 and all(u.startswith(CDN + "20261128_") and u.endswith(".jpg") for u in urls)
        eleven = [("imageFiles", (f"p{i}.jpg", b"x", "image/jpeg")) for i in range(11)]
        too_many = await box.http.post("/external/v1/product-images/upload", files=eleven, headers=headers)
        assert too_many.status_code == 400
        text = [("imageFiles", ("a.txt", b"hello", "text/plain"))]
        assert (
            await box.http.post("/external/v1/product-images/upload", files=text, headers=headers)
        ).status_code == 400
        assert [i["filename"] for i in (await box.state())["images"]] == ["p0.jpg", "p1.jpg"]

    run(scenario)


def test_product_rules_and_lifecycle() -> None:
    async def scenario(box: Box) -> None:
        headers = await box.auth()
        remote = product_body(images={"representativeImage": {"url": "https://img.example.com/a.jpg"}})
        refused = await box.http.post("/external/v2/products", json=remote, headers=headers)
        # "400 잘못된 요청 - code : BAD_REQUEST" (apicenter product pages, e.g. update-options-product)
        assert refused.status_code == 400 and refused.json()["code"] == "BAD_REQUEST"
        assert set(refused.json()) == {"code", "message", "invalidInputs", "timestamp", "traceId"}
        assert refused.json()["traceId"] == refused.headers["GNCP-GW-Trace-ID"]
        assert refused.json()["invalidInputs"] == [
            {
                "name": "originProduct.images.representativeImage.url",
                "type": "ImageUrl",
                "message": "네이버 이미지 서버에 업로드한 이미지 URL만 사용할 수 있습니다.",
            }
        ]
        long = await box.http.post("/external/v2/products", json=product_body(name="가" * 101), headers=headers)
        assert [i["name"] for i in long.json()["invalidInputs"]] == ["originProduct.name"]
        made = (await box.http.post("/external/v2/products", json=product_body(), headers=headers)).json()
        assert made == {
            "originProductNo": 10000000001,
            "smartstoreChannelProductNo": 5000000001,
            "windowChannelProductNo": None,
        }
        search = {"searchKeywordType": "SELLER_CODE", "sellerManagementCode": "NV-1"}
        found = (await box.http.post("/external/v1/products/search", json=search, headers=headers)).json()
        assert [c["originProductNo"] for c in found["contents"]] == [10000000001]
        assert found["contents"][0]["channelProducts"][0]["channelProductNo"] == 5000000001
        none = {"searchKeywordType": "SELLER_CODE", "sellerManagementCode": "NV-2"}
        assert (await box.http.post("/external/v1/products/search", json=none, headers=headers)).json()[
            "contents"
        ] == []
        path = "/external/v2/products/origin-products/10000000001"
        got = (await box.http.get(path, headers=headers)).json()
        combos = got["originProduct"]["detailAttribute"]["optionInfo"]["optionCombinations"]
        assert [c["id"] for c in combos] == [40000000001, 40000000002]
        body = {"originProduct": got["originProduct"], "smartstoreChannelProduct": got["smartstoreChannelProduct"]}
        body["originProduct"]["stockQuantity"] = 0
        assert (await box.http.put(path, json=body, headers=headers)).status_code == 200
        product = (await box.state())["products"][0]
        assert product["statusType"] == "OUTOFSTOCK"  # a zero stock forces it (§3.3)
        body["originProduct"]["statusType"] = "OUTOFSTOCK"
        assert (await box.http.put(path, json=body, headers=headers)).status_code == 400
        status = f"{path.replace('/v2/', '/v1/')}/change-status"
        assert (await box.http.put(status, json={"statusType": "SALE"}, headers=headers)).status_code == 400
        answer = await box.http.put(status, json={"statusType": "SALE", "stockQuantity": 4}, headers=headers)
        assert set(answer.json()) == {"code", "message", "data"}  # CommonResponse (2.0.0-RC change-status)
        assert (await box.state())["products"][0]["originProduct"]["stockQuantity"] == 4
        # "SALE(판매 중), OUTOFSTOCK(품절), SUSPENSION(판매 중지)" are the states change-status sets
        sold_out = await box.http.put(status, json={"statusType": "OUTOFSTOCK"}, headers=headers)
        assert sold_out.status_code == 200 and (await box.state())["products"][0]["statusType"] == "OUTOFSTOCK"
        assert (await box.http.put(status, json={"statusType": "WAIT"}, headers=headers)).status_code == 400
        other = await box.auth(OTHER_ID, OTHER_SECRET)
        assert (await box.http.get(path, headers=other)).status_code == 404  # another application's store

    run(scenario)


def test_option_stock_changes_only_the_combinations_it_names() -> None:
    """PUT …/option-stock (apicenter update-options-product): optionInfo required, each combination's id required and
    the product's own; only products with options; stock ≤ 99,999,999."""

    async def scenario(box: Box) -> None:
        headers = await box.auth()
        await box.http.post("/external/v2/products", json=product_body(), headers=headers)
        path = "/external/v1/products/origin-products/10000000001/option-stock"
        body = {"optionInfo": {"optionCombinations": [{"id": 40000000002, "stockQuantity": 9, "price": 700}]}}
        answer = await box.http.put(path, json=body, headers=headers)
        assert answer.status_code == 200
        assert {"originProductNo", "smartstoreChannelProductNo", "originProduct"} <= set(answer.json())
        combos = answer.json()["originProduct"]["detailAttribute"]["optionInfo"]["optionCombinations"]
        assert [(c["id"], c["stockQuantity"], c["price"]) for c in combos] == [
            (40000000001, 3, 0),
            (40000000002, 9, 700),
        ]
        assert answer.json()["originProduct"]["stockQuantity"] == 12
        for refused in (
            {},
            {"optionInfo": {"optionCombinations": [{"stockQuantity": 1}]}},
            {"optionInfo": {"optionCombinations": [{"id": 1, "stockQuantity": 1}]}},
            {"optionInfo": {"optionCombinations": [{"id": 40000000001, "stockQuantity": -1}]}},
            {"optionInfo": {"optionCombinations": [{"id": 40000000001, "stockQuantity": 100_000_000}]}},
        ):
            got = await box.http.put(path, json=refused, headers=headers)
            assert got.status_code == 400 and got.json()["code"] == "BAD_REQUEST", refused
        out = {
            "optionInfo": {"optionCombinations": [{"id": i, "stockQuantity": 0} for i in (40000000001, 40000000002)]}
        }
        assert (await box.http.put(path, json=out, headers=headers)).status_code == 200
        assert (await box.state())["products"][0]["statusType"] == "OUTOFSTOCK"
        single = product_body("NV-2")
        del single["originProduct"]["detailAttribute"]["optionInfo"]
        await box.http.post("/external/v2/products", json=single, headers=headers)
        plain = "/external/v1/products/origin-products/10000000002/option-stock"
        assert (await box.http.put(plain, json=body, headers=headers)).status_code == 400  # no options to change
        missing = "/external/v1/products/origin-products/10000000099/option-stock"
        assert (await box.http.put(missing, json=body, headers=headers)).json()["code"] == "NOT_FOUND"

    run(scenario)


def test_the_documented_signing_example_gets_a_token() -> None:
    """apicenter "전자서명": client_id aaaabbbbcccc, secret $2a$10$abcdefghijklmnopqrstuv, timestamp 1643961623299."""

    async def scenario(box: Box) -> None:
        await box.control("accounts", {"client_id": "aaaabbbbcccc", "secret": "$2a$10$abcdefghijklmnopqrstuv"})
        box.clock.now = 1643961623.299
        form = {
            "client_id": "aaaabbbbcccc",
            "timestamp": "1643961623299",
            "client_secret_sign": "JDJhJDEwJGFiY2RlZmdoaWprbG1ub3BxcnN0dXVCVldZSk42T0VPdEx1OFY0cDQxa2IuTnpVaUEzbmsy",
            "grant_type": "client_credentials",
            "type": "SELF",
        }
        answer = await box.http.post("/external/v1/oauth2/token", data=form)
        assert answer.status_code == 200 and answer.json()["token_type"] == "Bearer"
        wrong = await box.http.post("/external/v1/oauth2/token", data={**form, "timestamp": "1643961623300"})
        assert wrong.status_code == 403

    run(scenario)


# --- orders -------------------------------------------------------------------------------------------------


async def _feed(box: Box, headers: dict[str, str], **params: str) -> httpx.Response:
    return await box.http.get(f"{ORDERS}/last-changed-statuses", params=params, headers=headers)


def test_feed_window_rules_and_paging() -> None:
    async def scenario(box: Box) -> None:
        headers = await box.auth()
        made = await box.control("seed", {"orders": 5, "seed": 4})
        assert len(made["orders"]) == 5 and made["inquiries"] == []
        assert all(len(o) == 16 and o.startswith("20261128") for o in made["orders"])
        too_long = await _feed(box, headers, lastChangedFrom=iso(BASE - 86401), lastChangedTo=iso(BASE))
        assert too_long.status_code == 400 and too_long.json()["message"] == "조회 기간은 최대 24시간입니다."
        assert (await _feed(box, headers)).status_code == 400
        assert (await _feed(box, headers, lastChangedFrom="2026-11-28 10:00")).status_code == 400
        total = len((await box.state())["orders"])
        start = BASE - 2 * 86400
        seen: list[str] = []
        for a in (start, start + 86400):
            params = {"lastChangedFrom": iso(a), "lastChangedTo": iso(a + 86400), "limitCount": "2"}
            while True:
                data = (await _feed(box, headers, **params)).json()["data"]
                seen += [e["productOrderId"] for e in data["lastChangeStatuses"]]
                assert data["count"] == len(data["lastChangeStatuses"]) <= 2
                if "more" not in data:
                    break
                params = {
                    **params,
                    "lastChangedFrom": data["more"]["moreFrom"],
                    "moreSequence": data["more"]["moreSequence"],
                }
        assert len(seen) == len(set(seen)) == total

    run(scenario)


async def _seeded(box: Box, headers: dict[str, str], orders: int, seed: int) -> list[dict[str, Any]]:
    """The seeded product orders' details, one product order per order (the first)."""
    made = (await box.control("seed", {"orders": orders, "seed": seed}))["orders"]
    state = (await box.state())["orders"]
    firsts = [next(o["productOrderId"] for o in state if o["orderId"] == order) for order in made]
    answer = await box.http.post(f"{ORDERS}/query", json={"productOrderIds": firsts}, headers=headers)
    data: list[dict[str, Any]] = answer.json()["data"]
    return data


def _dispatch(number: str, tracking: str, company: str = "CJGLS") -> dict[str, str]:
    return {
        "productOrderId": number,
        "deliveryMethod": "DELIVERY",
        "deliveryCompanyCode": company,
        "trackingNumber": tracking,
        "dispatchDate": "2026-11-28T10:00:00.000+09:00",
    }


def test_confirm_and_dispatch_state_rules() -> None:
    async def scenario(box: Box) -> None:
        headers = await box.auth()
        items = await _seeded(box, headers, 4, seed=5)
        a, b, c, d = (i["productOrder"]["productOrderId"] for i in items)
        early = await box.http.post(
            f"{ORDERS}/dispatch", json={"dispatchProductOrders": [_dispatch(a, "1")]}, headers=headers
        )
        # the codes are the "오류 코드 정의" table of the confirm and dispatch pages (104443 발주 상태 확인 필요, …)
        assert early.json()["data"] == {
            "successProductOrderIds": [],
            "failProductOrderInfos": [
                {"productOrderId": a, "code": "104443", "message": "발주확인 후 발송처리할 수 있습니다."}
            ],
        }
        assert set(early.json()) == {"timestamp", "traceId", "data"}
        first = await box.http.post(f"{ORDERS}/confirm", json={"productOrderIds": [a, b, c, "9"]}, headers=headers)
        assert first.json()["data"] == {
            "successProductOrderInfos": [{"productOrderId": x, "isReceiverAddressChanged": False} for x in (a, b, c)],
            "failProductOrderInfos": [
                {"productOrderId": "9", "code": "100001", "message": "상품 주문을 찾을 수 없습니다."}
            ],
        }
        again = await box.http.post(f"{ORDERS}/confirm", json={"productOrderIds": [a]}, headers=headers)
        assert again.json()["data"]["failProductOrderInfos"][0]["code"] == "104443"
        body = {"dispatchProductOrders": [_dispatch(a, "123412341234"), _dispatch(b, "123412341234")]}
        sent = (await box.http.post(f"{ORDERS}/dispatch", json=body, headers=headers)).json()["data"]
        assert sent["successProductOrderIds"] == [a]
        assert [(f["productOrderId"], f["code"]) for f in sent["failProductOrderInfos"]] == [(b, "104121")]
        twice = await box.http.post(
            f"{ORDERS}/dispatch", json={"dispatchProductOrders": [_dispatch(a, "55")]}, headers=headers
        )
        assert twice.json()["data"]["failProductOrderInfos"][0]["code"] == "104442"
        courier = await box.http.post(
            f"{ORDERS}/dispatch", json={"dispatchProductOrders": [_dispatch(c, "66", "LOGEN")]}, headers=headers
        )
        assert courier.json()["data"]["failProductOrderInfos"][0]["code"] == "104119"
        many = {"dispatchProductOrders": [_dispatch(c, str(i)) for i in range(31)]}
        assert (await box.http.post(f"{ORDERS}/dispatch", json=many, headers=headers)).status_code == 400
        thirty = {"productOrderIds": [str(i) for i in range(30)]}
        assert (await box.http.post(f"{ORDERS}/confirm", json=thirty, headers=headers)).status_code == 200
        lots = {"productOrderIds": [str(i) for i in range(31)]}  # "최대 30개" (confirm page)
        assert (await box.http.post(f"{ORDERS}/confirm", json=lots, headers=headers)).status_code == 400
        await box.control("claims", {"order": items[3]["order"]["orderId"], "type": "cancel"})
        claimed = await box.http.post(f"{ORDERS}/confirm", json={"productOrderIds": [d]}, headers=headers)
        assert claimed.json()["data"]["failProductOrderInfos"][0]["code"] == "104442"
        await box.control("claims", {"order": items[2]["order"]["orderId"], "type": "return"}, status=400)
        state = await box.state()
        assert [(i["productOrderId"], i["trackingNumber"]) for i in state["invoices"]] == [(a, "123412341234")]
        line = next(o for o in state["orders"] if o["productOrderId"] == a)
        assert (line["productOrderStatus"], line["placeOrderStatus"], line["lastChangedType"]) == (
            "DELIVERING",
            "OK",
            "DISPATCHED",
        )

    run(scenario)


def test_same_tracking_number_within_one_order_is_fine() -> None:
    async def scenario(box: Box) -> None:
        headers = await box.auth()
        await box.control("seed", {"orders": 30, "seed": 6})
        state = (await box.state())["orders"]
        counts: dict[str, list[str]] = {}
        for o in state:
            counts.setdefault(o["orderId"], []).append(o["productOrderId"])
        pair = next(v for v in counts.values() if len(v) >= 2)[:2]
        await box.http.post(f"{ORDERS}/confirm", json={"productOrderIds": pair}, headers=headers)
        body = {"dispatchProductOrders": [_dispatch(x, "987698769876") for x in pair]}
        sent = (await box.http.post(f"{ORDERS}/dispatch", json=body, headers=headers)).json()["data"]
        assert sent == {"successProductOrderIds": pair, "failProductOrderInfos": []}

    run(scenario)


def test_claims_change_the_feed_and_cancel_approval_completes() -> None:
    async def scenario(box: Box) -> None:
        headers = await box.auth()
        items = await _seeded(box, headers, 1, seed=7)
        order = items[0]["order"]["orderId"]
        box.clock.now += 600
        claim = await box.control("claims", {"order": order, "type": "cancel"})
        number = next(c["productOrderId"] for c in (await box.state())["claims"] if c["claimId"] == claim["claimNo"])
        data = (await _feed(box, headers, lastChangedFrom=iso(box.clock.now - 1))).json()["data"]
        entry = next(e for e in data["lastChangeStatuses"] if e["productOrderId"] == number)
        assert (entry["lastChangedType"], entry["claimType"], entry["claimStatus"]) == (
            "CLAIM_REQUESTED",
            "CANCEL",
            "CANCEL_REQUEST",
        )
        detail = (await box.http.post(f"{ORDERS}/query", json={"productOrderIds": [number]}, headers=headers)).json()
        cancel = detail["data"][0]["currentClaim"]["cancel"]  # "currentClaim 하위의 동일 오브젝트 사용 권장"
        assert detail["data"][0]["cancel"] == cancel  # the top-level copy, documented until its removal
        assert cancel["claimId"] == claim["claimNo"] and cancel["claimStatus"] == "CANCEL_REQUEST"
        assert cancel["claimRequestDate"] == iso(box.clock.now)
        approve = await box.http.post(f"{ORDERS}/{number}/claim/cancel/approve", headers=headers)
        assert approve.json()["data"] == {"successProductOrderIds": [number], "failProductOrderInfos": []}
        after = (await box.http.post(f"{ORDERS}/query", json={"productOrderIds": [number]}, headers=headers)).json()
        po = after["data"][0]["productOrder"]
        assert (po["productOrderStatus"], po["claimStatus"]) == ("CANCELED", "CANCEL_DONE")
        await box.control("claims", {"order": order, "type": "refund"}, status=400)

    run(scenario)


# --- inquiries ----------------------------------------------------------------------------------------------


def test_qna_put_overwrites_and_a_second_inquiry_answer_is_refused() -> None:
    async def scenario(box: Box) -> None:
        headers = await box.auth()
        made = (await box.control("seed", {"inquiries": 2, "seed": 8}))["inquiries"]
        qna, inquiry = (m.split(":")[1] for m in made)
        assert made == [f"qna:{qna}", f"inquiry:{inquiry}"]
        params = {"fromDate": iso(BASE - 4 * 86400), "toDate": iso(BASE), "answered": "false"}
        listed = (await box.http.get("/external/v1/contents/qnas", params=params, headers=headers)).json()
        assert [str(q["questionId"]) for q in listed["contents"]] == [qna] and listed["totalPages"] == 1
        path = f"/external/v1/contents/qnas/{qna}"
        for text in ("첫 답변", "고친 답변"):
            answer = await box.http.put(path, json={"commentContent": text}, headers=headers)
            assert answer.status_code == 204
        assert (await box.http.put(path, json={"commentContent": "가" * 1001}, headers=headers)).status_code == 400
        answered = {**params, "answered": "true"}
        listed = (await box.http.get("/external/v1/contents/qnas", params=answered, headers=headers)).json()
        assert listed["contents"][0]["answer"] == "고친 답변"
        days = {"startSearchDate": "2026-11-24", "endSearchDate": "2026-11-28", "answered": "false"}
        found = (await box.http.get("/external/v1/pay-user/inquiries", params=days, headers=headers)).json()
        assert [str(i["inquiryNo"]) for i in found["content"]] == [inquiry]
        post = f"/external/v1/pay-merchant/inquiries/{inquiry}/answer"
        first = await box.http.post(post, json={"answerComment": "답변드립니다"}, headers=headers)
        assert first.status_code == 200 and first.json()["data"] == {"answerContentId": 900000001}
        assert set(first.json()) == {"code", "message", "data", "timestamp", "traceId"}
        second = await box.http.post(post, json={"answerComment": "또"}, headers=headers)
        # "ERR-NC-101010 해당 문의에 이미 답변이 존재하는 경우" (apicenter insert-inquiry-answer-pay-merchant)
        assert second.status_code == 400 and second.json()["code"] == "ERR-NC-101010"
        state = await box.state()
        assert [(a["kind"], a["id"], a["content"]) for a in state["answers"]] == [
            ("qna", qna, "첫 답변"),
            ("qna", qna, "고친 답변"),
            ("inquiry", inquiry, "답변드립니다"),
        ]

    run(scenario)


# --- control API --------------------------------------------------------------------------------------------


def test_state_reset_accounts_and_seed_checks() -> None:
    async def scenario(box: Box) -> None:
        headers = await box.auth()
        await box.http.post("/external/v2/products", json=product_body(), headers=headers)
        await box.control("seed", {"orders": 2, "inquiries": 2, "seed": 1})
        state = await box.state()
        assert set(STATE_KEYS) <= set(state) and "images" in state
        assert state["requests"] == {"POST /external/v1/oauth2/token": 1, "POST /external/v2/products": 1}
        assert {o["productId"] for o in state["orders"]} == {"5000000001"}  # drawn from the store's product
        assert {o["sellerProductCode"] for o in state["orders"]} == {"NV-1"}
        assert {o["optionManageCode"] for o in state["orders"]} <= {"NV-1-001", "NV-1-002"}
        await box.control("seed", {"orders": 0}, status=400)
        await box.control("seed", {"orders": 1, "colour": "red"}, status=400)
        await box.control("accounts", {"client_id": "new-app", "secret": "not-a-salt"}, status=400)
        await box.control("accounts", {"client_id": "new-app", "secret": "$2a$04$abcdefghijklmnopqrstuu"})
        assert (await box.token("new-app", "$2a$04$abcdefghijklmnopqrstuu")).status_code == 200
        other = await box.auth("new-app", "$2a$04$abcdefghijklmnopqrstuu")
        feed = await _feed(box, other, lastChangedFrom=iso(BASE - 86400))
        assert feed.json()["data"]["lastChangeStatuses"] == []  # another store sees none of these orders
        await box.control("reset", {})
        state = await box.state()
        assert all(state[key] == [] for key in STATE_KEYS) and state["requests"] == {}
        assert (await box.token("new-app", "$2a$04$abcdefghijklmnopqrstuu")).status_code == 403

    run(scenario)


# --- issue 17: swallowed stock writes, seeding by product and quantity, the seller's cancel ------------------


async def _product(box: Box, headers: dict[str, str], code: str = "NV-1") -> tuple[int, list[int]]:
    made = await box.http.post("/external/v2/products", json=product_body(code), headers=headers)
    assert made.status_code == 200, made.text
    number = made.json()["originProductNo"]
    read = (await box.http.get(f"/external/v2/products/origin-products/{number}", headers=headers)).json()
    return number, [c["id"] for c in read["originProduct"]["detailAttribute"]["optionInfo"]["optionCombinations"]]


def test_swallowed_stock_and_status_writes_answer_as_done_and_change_nothing() -> None:
    """``POST /__sandbox__/swallow``: option-stock and change-status are answered exactly as when applied."""

    async def scenario(box: Box) -> None:
        headers = await box.auth()
        number, ids = await _product(box, headers)
        stock_path = f"/external/v1/products/origin-products/{number}/option-stock"
        status_path = f"/external/v1/products/origin-products/{number}/change-status"
        body = {"optionInfo": {"optionCombinations": [{"id": ids[0], "stockQuantity": 0, "price": 0, "usable": True}]}}
        before = (await box.state())["products"][0]
        await box.control("swallow", {"on": True})
        assert (await box.state())["swallow"] is True
        swallowed = await box.http.put(stock_path, json=body, headers=headers)
        paused = await box.http.put(status_path, json={"statusType": "SUSPENSION"}, headers=headers)
        bad = await box.http.put(status_path, json={"statusType": "SALE", "stockQuantity": 0}, headers=headers)
        assert bad.status_code == 400  # still checked as Naver checks it
        assert (await box.state())["products"][0] == before
        await box.control("swallow", {"on": False})
        applied = await box.http.put(stock_path, json=body, headers=headers)
        assert swallowed.status_code == applied.status_code == 200
        assert swallowed.json() == applied.json()  # the same answer: the product as the write would leave it
        combos = applied.json()["originProduct"]["detailAttribute"]["optionInfo"]["optionCombinations"]
        assert [c["stockQuantity"] for c in combos] == [0, 2]
        assert paused.status_code == 200 and paused.json() == {"code": "SUCCESS", "message": "성공", "data": {}}
        assert (await box.state())["products"][0]["originProduct"]["stockQuantity"] == 2
        await box.control("swallow", {"on": True})
        await box.control("reset", {})
        assert (await box.state())["swallow"] is False
        await box.control("swallow", {"on": "yes"}, status=400)

    run(scenario)


def test_bulk_update_sale_price_rules_and_swallow() -> None:
    """PUT …/bulk-update (apicenter bulk-update-origin-product-product) with SALE_PRICE: TO, UP and DOWN by WON or
    PERCENT; ◐ 옵션가 제한 against the new price (the product's option at 500원); swallowed: answered, not applied."""

    async def scenario(box: Box) -> None:
        headers = await box.auth()
        number, _ = await _product(box, headers)  # salePrice 15,000, options at 0 and 500
        path = "/external/v1/products/origin-products/bulk-update"

        async def change(how: str, unit: str, value: int, **extra: Any) -> httpx.Response:
            sale = {"value": value, "productSalePriceChangerType": how, "productSalePriceChangerUnitType": unit}
            body = {"originProductNos": [number], "productBulkUpdateType": "SALE_PRICE", "productSalePrice": sale}
            return await box.http.put(path, json={**body, **extra}, headers=headers)

        async def price() -> int:
            value: int = (await box.state())["products"][0]["originProduct"]["salePrice"]
            return value

        done = await change("TO", "WON", 20000)
        assert done.status_code == 200 and done.json() == {"code": "SUCCESS", "message": "성공", "data": {}}
        assert await price() == 20000
        assert (await change("UP", "PERCENT", 15)).status_code == 200 and await price() == 23000
        assert (await change("DOWN", "WON", 3000)).status_code == 200 and await price() == 20000
        for refused in (
            await change("TO", "PERCENT", 50),
            await change("TO", "YEN", 100),
            await change("SET", "WON", 100),
            await change("TO", "WON", 0),  # no sale price of 0
            await change("TO", "WON", 1000, productBulkUpdateType="DELIVERY"),  # not kept by the sandbox
            await change("TO", "WON", 1000, originProductNos=[]),
        ):
            assert refused.status_code == 400 and refused.json()["code"] == "BAD_REQUEST", refused.text
        narrow = await change("TO", "WON", 400)  # under 2,000원 an option adds 100 % at most: 500 > 400
        assert narrow.status_code == 400 and [i["type"] for i in narrow.json()["invalidInputs"]] == ["OptionPrice"]
        assert await price() == 20000
        missing = await change("TO", "WON", 1000, originProductNos=[number + 99])
        assert missing.status_code == 404 and missing.json()["code"] == "NOT_FOUND"
        await box.control("swallow", {"on": True})
        swallowed = await change("TO", "WON", 30000)
        assert swallowed.status_code == 200 and swallowed.json() == done.json()
        assert await price() == 20000

    run(scenario)


def test_seeded_orders_take_a_quantity_and_a_product() -> None:
    async def scenario(box: Box) -> None:
        headers = await box.auth()
        first, _ = await _product(box, headers, "NV-1")
        await _product(box, headers, "NV-2")
        made = await box.control("seed", {"orders": 6, "seed": 4, "qty": 3, "product": str(first)})
        orders = [o for o in (await box.state())["orders"] if o["orderId"] in made["orders"]]
        assert {(o["sellerProductCode"], o["quantity"]) for o in orders} == {("NV-1", 3)}
        channel = next(
            p["smartstoreChannelProductNo"] for p in (await box.state())["products"] if p["originProductNo"] != first
        )
        made = await box.control("seed", {"orders": 2, "seed": 5, "product": str(channel)})
        assert {o["sellerProductCode"] for o in (await box.state())["orders"] if o["orderId"] in made["orders"]} == {
            "NV-2"
        }
        for bad, words in (
            ({"qty": 0}, "qty must be an integer in [1, 999], got 0"),
            ({"qty": "2"}, "qty must be an integer in [1, 999], got '2'"),
            ({"product": 10000000001}, "product must be a product number (a non-empty string), got 10000000001"),
            ({"product": "404"}, "product '404' is not a product on sale in store 'sandbox-naver'"),
        ):
            error = await box.control("seed", {"orders": 1, **bad}, status=400)
            assert error["error"].startswith(words)

    run(scenario)


async def _cancel(box: Box, headers: dict[str, str], number: str, body: Any) -> httpx.Response:
    return await box.http.post(f"{ORDERS}/{number}/claim/cancel/request", json=body, headers=headers)


def test_seller_cancel_request_rules() -> None:
    """apicenter seller-request-cancel-pay-order-seller: cancelReason required from its enum, only before dispatch;
    refusals per product order with the order pages' codes (100001, 104442)."""

    async def scenario(box: Box) -> None:
        headers = await box.auth()
        await _product(box, headers)
        await box.control("seed", {"orders": 4, "seed": 8, "qty": 1})
        numbers = [o["productOrderId"] for o in (await box.state())["orders"]]
        a, b, c, d = numbers[:4]
        missing = await _cancel(box, headers, a, {})
        assert missing.status_code == 400 and missing.json()["code"] == "4000"
        assert missing.json()["invalidInputs"][0]["name"] == "cancelReason"
        assert (await _cancel(box, headers, a, {"cancelReason": "ETC"})).status_code == 400
        long = {"cancelReason": "SOLD_OUT", "cancelDetailedReason": "가" * 501}
        assert (await _cancel(box, headers, a, long)).status_code == 400
        done = await _cancel(box, headers, a, {"cancelReason": "SOLD_OUT", "cancelDetailedReason": "재고 소진"})
        assert done.status_code == 200
        assert done.json()["data"] == {"successProductOrderIds": [a], "failProductOrderInfos": []}

        def fail(answer: httpx.Response) -> list[tuple[str, str]]:
            assert answer.status_code == 200 and answer.json()["data"]["successProductOrderIds"] == []
            return [(f["productOrderId"], f["code"]) for f in answer.json()["data"]["failProductOrderInfos"]]

        assert fail(await _cancel(box, headers, a, {"cancelReason": "SOLD_OUT"})) == [(a, "104442")]  # a repeat
        assert fail(await _cancel(box, headers, "2026112899999999", {"cancelReason": "SOLD_OUT"})) == [
            ("2026112899999999", "100001")
        ]
        await box.http.post(f"{ORDERS}/confirm", json={"productOrderIds": [b]}, headers=headers)
        item = {"productOrderId": b, "deliveryMethod": "DELIVERY", "deliveryCompanyCode": "CJGLS"}
        item |= {"trackingNumber": "123412341234", "dispatchDate": iso(BASE)}
        await box.http.post(f"{ORDERS}/dispatch", json={"dispatchProductOrders": [item]}, headers=headers)
        assert fail(await _cancel(box, headers, b, {"cancelReason": "SOLD_OUT"})) == [(b, "104442")]
        order_c = next(o["orderId"] for o in (await box.state())["orders"] if o["productOrderId"] == c)
        await box.control("claims", {"order": order_c, "productOrder": c, "type": "cancel"})
        assert fail(await _cancel(box, headers, c, {"cancelReason": "SOLD_OUT"})) == [(c, "104442")]
        whole = await _cancel(box, headers, d, {"cancelReason": "SOLD_OUT", "cancelQuantity": 1})
        assert whole.json()["data"]["successProductOrderIds"] == [d]  # the whole quantity (1) is not partial
        two = (await box.control("seed", {"orders": 1, "seed": 9, "qty": 2}))["orders"][0]
        e = next(o["productOrderId"] for o in (await box.state())["orders"] if o["orderId"] == two)
        partial = {"cancelReason": "SOLD_OUT", "cancelQuantity": 1}
        assert fail(await _cancel(box, headers, e, partial)) == [(e, "4000")]  # the sandbox keeps one quantity
        state = await box.state()
        by_id = {o["productOrderId"]: o for o in state["orders"]}
        assert [
            (by_id[n]["productOrderStatus"], by_id[n]["claimType"], by_id[n]["claimStatus"]) for n in numbers[:4]
        ] == [
            ("CANCELED", "CANCEL", "CANCEL_DONE"),
            ("DELIVERING", None, None),
            ("PAYED", "CANCEL", "CANCEL_REQUEST"),
            ("CANCELED", "CANCEL", "CANCEL_DONE"),
        ]
        (seller,) = (x for x in state["claims"] if x["productOrderId"] == a)
        assert (seller["reasonCode"], seller["reason"], seller["requestChannel"]) == ("SOLD_OUT", "재고 소진", "판매자")
        query = await box.http.post(f"{ORDERS}/query", json={"productOrderIds": [a]}, headers=headers)
        cancel = query.json()["data"][0]["currentClaim"]["cancel"]
        assert (cancel["claimStatus"], cancel["cancelReason"], cancel["requestChannel"]) == (
            "CANCEL_DONE",
            "SOLD_OUT",
            "판매자",
        )

    run(scenario)
