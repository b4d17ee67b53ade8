"""The sandbox's Coupang (marketplaces.md §2): CEA signature checks, order-sheet paging and query rules, the state
rules of acknowledgement, invoices and answers, seeding, claims and the control API."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from helpers import AppClock

from batch.marketplaces.coupang_auth import CoupangAuth, authorization
from batch.sandbox.app import create_app

NOW = 1_750_000_000.0  # 2025-06-16 00:06:40 KST
VENDOR = "A00012345"
ACCESS, SECRET = "sandbox-access-key", "sandbox-coupang-secret-key"
API = "/v2/providers/openapi/apis/api"
V4, V5, V6 = (f"{API}/v{n}/vendors/{VENDOR}" for n in (4, 5, 6))
SELLER = "/v2/providers/seller_api/apis/api/v1/marketplace"
OUTBOUND_PATH = "/v2/providers/marketplace_openapi/apis/api/v2/vendor/shipping-place/outbound"
# the list needs pageNum and pageSize (a public client quotes Coupang's 400; articles/360033644754 "반드시 입력")
OUTBOUND = f"{OUTBOUND_PATH}?pageNum=1&pageSize=10"
DAYS = {"createdAtFrom": "2025-06-15+09:00", "createdAtTo": "2025-06-16+09:00"}


Scenario = Callable[[httpx.AsyncClient, AppClock], Awaitable[None]]


def run(scenario: Scenario, *, secret: str = SECRET, access: str = ACCESS) -> None:
    clock = AppClock(NOW)

    async def main() -> None:
        transport = httpx.ASGITransport(create_app(clock=clock, seed=1))
        auth = CoupangAuth(access, secret, clock=clock.utc)
        async with httpx.AsyncClient(transport=transport, base_url="http://sandbox.test", auth=auth) as client:
            await scenario(client, clock)

    asyncio.run(main())


async def control(client: httpx.AsyncClient, action: str, **body: Any) -> Any:
    answer = await client.post(f"/__sandbox__/{action}", json={"market": "coupang", **body})
    assert answer.status_code == 200, answer.text
    return answer.json()


async def state(client: httpx.AsyncClient) -> dict[str, Any]:
    body: dict[str, Any] = (await client.get("/__sandbox__/state", params={"market": "coupang"})).json()
    return body


async def sheets(client: httpx.AsyncClient, status: str = "ACCEPT", **more: str) -> httpx.Response:
    return await client.get(f"{V5}/ordersheets", params={**DAYS, "status": status, **more})


def test_signature_refusals_are_401_in_coupangs_shape() -> None:
    async def scenario(client: httpx.AsyncClient, clock: AppClock) -> None:
        ok = await client.get(OUTBOUND)
        assert ok.status_code == 200
        bare = await client.get(OUTBOUND, auth=None)
        assert (bare.status_code, bare.json()) == (
            401,
            {"code": "ERROR", "message": "Authorization header is missing.", "data": None},
        )
        wrong = await client.get(OUTBOUND, auth=CoupangAuth(ACCESS, "not-the-secret", clock=clock.utc))
        assert (wrong.status_code, wrong.json()["message"]) == (401, "Invalid signature.")
        # signed for one query, sent with another
        header = authorization(ACCESS, SECRET, "GET", f"{V5}/ordersheets", "status=ACCEPT", clock.utc())
        tampered = await client.get(f"{V5}/ordersheets?status=INSTRUCT", headers={"Authorization": header}, auth=None)
        assert (tampered.status_code, tampered.json()["message"]) == (401, "Invalid signature.")
        late = CoupangAuth(ACCESS, SECRET, clock=lambda: clock.utc() - dt.timedelta(minutes=6))
        expired = await client.get(OUTBOUND, auth=late)
        assert (expired.status_code, expired.json()["message"]) == (401, "Specified signature is expired.")
        unknown = await client.get(OUTBOUND, auth=CoupangAuth("nobody", SECRET, clock=clock.utc))
        assert (unknown.status_code, unknown.json()["message"]) == (401, "Invalid access key.")
        other = await client.get(f"{API}/v5/vendors/A00067890/ordersheets", params={**DAYS, "status": "ACCEPT"})
        assert (other.status_code, other.json()["code"]) == (403, 403)
        counted = (await state(client))["requests"]
        assert counted[f"GET {OUTBOUND_PATH}"] == 5
        assert counted[f"GET {API}/v5/vendors/{{vendorId}}/ordersheets"] == 2

    run(scenario)


def test_ordersheet_queries_are_checked_and_paged_by_next_token() -> None:
    async def scenario(client: httpx.AsyncClient, clock: AppClock) -> None:
        await control(client, "seed", orders=30, seed=2)
        boxes = sorted(b["shipmentBoxId"] for b in (await state(client))["orders"])
        assert len(boxes) > 30
        first = await sheets(client, maxPerPage="20")
        body = first.json()
        assert (body["code"], body["message"], len(body["data"])) == (200, "OK", 20)
        assert body["nextToken"] == str(boxes[20])
        rest = await sheets(client, maxPerPage="20", nextToken=body["nextToken"])
        assert [b["shipmentBoxId"] for b in body["data"] + rest.json()["data"]][: len(boxes)] == boxes[:40]
        money = body["data"][0]["orderItems"][0]["salesPrice"]
        assert set(money) == {"currencyCode", "units", "nanos"} and money["currencyCode"] == "KRW"
        assert "vendorId" not in body["data"][0]
        raw_plus = await client.get(
            f"{V5}/ordersheets?createdAtFrom=2025-06-15+09:00&createdAtTo=2025-06-16%2B09:00&status=ACCEPT"
        )
        assert (raw_plus.status_code, raw_plus.json()["code"]) == (400, 400)
        too_long = await client.get(
            f"{V5}/ordersheets",
            params={"createdAtFrom": "2025-05-01+09:00", "createdAtTo": "2025-06-16+09:00", "status": "ACCEPT"},
        )
        assert too_long.json()["message"] == "조회 기간은 최대 31일입니다."
        assert (await sheets(client, status="PAID")).status_code == 400
        assert (await sheets(client, maxPerPage="51")).status_code == 400
        assert (await sheets(client, status="INSTRUCT")).json() == {
            "code": 200,
            "message": "OK",
            "data": [],
            "nextToken": "",
        }

    run(scenario)


def test_seed_is_reproducible_and_shaped_like_order_sheets() -> None:
    seen: list[Any] = []

    async def scenario(client: httpx.AsyncClient, clock: AppClock) -> None:
        for _ in range(2):
            await control(client, "reset")
            made = await control(client, "seed", orders=5, inquiries=4, seed=9)
            seen.append((made, (await state(client))["orders"]))
        snapshot = await state(client)
        assert set(snapshot) == {
            "products", "orders", "invoices", "claims", "inquiries", "answers", "cancels", "withdrawals",
            "requests", "outbound_places", "return_centers", "swallow", "accounts",
        }  # fmt: skip
        assert snapshot["accounts"][0] == {"access_key": ACCESS, "vendor_id": VENDOR, "wing_id": "sandbox-wing"}
        box = snapshot["orders"][0]
        assert box["status"] == "ACCEPT" and box["orderer"]["safeNumber"].startswith("+82")
        assert len(box["orderer"]["name"]) == 3 and box["orderer"]["name"][1] == "*"
        other = await control(client, "seed", orders=1, vendor="A00067890", seed=1)
        assert other["orders"] == [str(22_000_000_000_006)]
        assert [b["shipmentBoxId"] for b in (await sheets(client)).json()["data"]] == [
            b["shipmentBoxId"] for b in snapshot["orders"]
        ]  # the other vendor's order is not listed

    run(scenario)
    assert seen[0] == seen[1]
    made = seen[0][0]
    assert made["orders"] == [str(22_000_000_000_001 + i) for i in range(5)]
    assert made["inquiries"] == ["online:80001", "online:80002", "callcenter:50001", "online:80003"]


async def acknowledge(client: httpx.AsyncClient, boxes: list[Any]) -> dict[str, Any]:
    answer = await client.patch(f"{V4}/ordersheets/acknowledgement", json={"vendorId": VENDOR, "shipmentBoxIds": boxes})
    assert answer.status_code == 200, answer.text
    data: dict[str, Any] = answer.json()["data"]
    return data


async def invoice(client: httpx.AsyncClient, box: dict[str, Any], number: str, *, update: bool = False) -> Any:
    dtos = [
        {
            "shipmentBoxId": box["shipmentBoxId"],
            "orderId": box["orderId"],
            "vendorItemId": i["vendorItemId"],
            "deliveryCompanyCode": "CJGLS",
            "invoiceNumber": number,
            "splitShipping": False,
            "preSplitShipped": False,
            "estimatedShippingDate": "",
        }
        for i in box["orderItems"]
    ]
    path = f"{V4}/orders/{'updateInvoices' if update else 'invoices'}"
    answer = await client.post(path, json={"vendorId": VENDOR, "orderSheetInvoiceApplyDtos": dtos})
    assert answer.status_code == 200, answer.text
    return [(r["succeed"], r["resultCode"], r["retryRequired"]) for r in answer.json()["data"]["responseList"]]


def test_acknowledgement_and_invoice_state_rules() -> None:
    async def scenario(client: httpx.AsyncClient, clock: AppClock) -> None:
        made = await control(client, "seed", orders=4, seed=5)
        boxes = (await state(client))["orders"]
        a = boxes[0]
        b = next(x for x in boxes if x["orderId"] != a["orderId"])
        c = next(x for x in boxes if x is not a and x is not b)
        n = len(a["orderItems"])
        assert await invoice(client, a, "400000000001") == [(False, "INVALID_STATUS", False)] * n
        first = await acknowledge(client, [a["shipmentBoxId"], b["shipmentBoxId"], 1])
        assert (first["responseCode"], first["responseMessage"]) == (1, "PARTIAL_ERRORS")
        assert [(r["succeed"], r["resultCode"]) for r in first["responseList"]] == [
            (True, "OK"),
            (True, "OK"),
            (False, "NOT_FOUND_SHIPMENT_BOX"),
        ]
        again = await acknowledge(client, [a["shipmentBoxId"]])
        assert (again["responseCode"], again["responseList"][0]["resultCode"]) == (99, "ALREADY_PROCESSED")
        assert await invoice(client, a, "400000000001", update=True) == [(False, "INVALID_STATUS", False)] * n
        assert await invoice(client, a, "400000000001") == [(True, "OK", False)] * n
        assert await invoice(client, a, "400000000001") == [(False, "ALREADY_INVOICED", False)] * n  # the same again
        one = await client.get(f"{V5}/ordersheets/{a['shipmentBoxId']}")
        assert [i["invoiceNumber"] for i in one.json()["data"]["orderItems"]] == ["400000000001"] * n
        assert await invoice(client, a, "400000000002") == [(False, "ALREADY_INVOICED", False)] * n
        m = len(b["orderItems"])
        assert await invoice(client, b, "400000000001") == [(False, "DUPLICATE_INVOICE", False)] * m
        assert await invoice(client, a, "400000000003", update=True) == [(True, "OK", False)] * n
        # a cancel asked after acknowledgement stops the box from shipping
        order_of_c = str(c["orderId"])
        await acknowledge(client, [c["shipmentBoxId"]])
        assert (await control(client, "claims", order=order_of_c, type="cancel"))["claimNo"] == "300000001"
        k = len(c["orderItems"])
        assert await invoice(client, c, "400000000004") == [(False, "CANCEL_REQUESTED", False)] * k
        too_many = await client.patch(
            f"{V4}/ordersheets/acknowledgement", json={"vendorId": VENDOR, "shipmentBoxIds": list(range(51))}
        )
        assert (too_many.status_code, too_many.json()["message"]) == (400, "shipmentBoxIds는 한 번에 50개까지입니다.")
        by_id = {x["shipmentBoxId"]: x for x in (await state(client))["orders"]}
        assert [by_id[x["shipmentBoxId"]]["status"] for x in (a, b, c)] == ["DEPARTURE", "INSTRUCT", "INSTRUCT"]
        assert made["orders"]

    run(scenario)


def test_retry_once_fails_the_first_acknowledgement_and_invoice_of_a_box() -> None:
    async def scenario(client: httpx.AsyncClient, clock: AppClock) -> None:
        await control(client, "seed", orders=2, seed=5, retry_once=1)
        boxes = (await state(client))["orders"]
        ids = [b["shipmentBoxId"] for b in boxes]
        first = await acknowledge(client, ids)
        assert [(r["succeed"], r["resultCode"], r["retryRequired"]) for r in first["responseList"]] == [
            (False, "RETRY", True),
            *[(True, "OK", False)] * (len(ids) - 1),
        ]
        assert (await acknowledge(client, ids[:1]))["responseList"][0]["succeed"] is True
        items = len(boxes[0]["orderItems"])
        assert await invoice(client, boxes[0], "500000000001") == [(False, "RETRY", True)] + [(True, "OK", False)] * (
            items - 1
        )
        assert await invoice(client, boxes[0], "500000000001") == [(True, "OK", False)] * items

    run(scenario)


def test_claims_are_listed_by_type_and_checked() -> None:
    async def scenario(client: httpx.AsyncClient, clock: AppClock) -> None:
        made = await control(client, "seed", orders=2, seed=8)
        bad = await client.post(
            "/__sandbox__/claims", json={"market": "coupang", "order": made["orders"][0], "type": "return"}
        )
        assert (bad.status_code, bad.json()) == (400, {"error": "a return needs a shipped box (DEPARTURE or later)"})
        assert (await control(client, "claims", order=made["orders"][0], type="cancel"))["claimNo"] == "300000001"
        days = {"createdAtFrom": "2025-06-15", "createdAtTo": "2025-06-16"}
        cancels = (await client.get(f"{V6}/returnRequests", params={**days, "cancelType": "CANCEL"})).json()
        [claim] = cancels["data"]
        assert (claim["receiptType"], claim["receiptStatus"], cancels["nextToken"]) == (
            "CANCEL",
            "RETURNS_UNCHECKED",
            "",
        )
        returns = (await client.get(f"{V6}/returnRequests", params={**days, "cancelType": "RETURN"})).json()
        assert returns["data"] == []
        refused = await client.get(f"{V6}/returnRequests", params={**days, "cancelType": "CANCEL", "status": "UC"})
        assert refused.status_code == 400
        week = await client.get(
            f"{V4}/exchangeRequests",
            params={"createdAtFrom": "2025-06-01T00:00:00", "createdAtTo": "2025-06-16T00:00:00"},
        )
        assert (week.status_code, week.json()["message"]) == (400, "교환 조회 기간은 최대 7일입니다.")

    run(scenario)


def test_answers_are_checked_and_a_second_one_is_refused() -> None:
    async def scenario(client: httpx.AsyncClient, clock: AppClock) -> None:
        await control(client, "seed", inquiries=3, seed=1)
        path = f"{V4}/onlineInquiries/80001/replies"
        body = {"content": "감사합니다.", "vendorId": VENDOR, "replyBy": "sandbox-wing"}
        wrong = await client.post(path, json={**body, "replyBy": "someone"})
        assert (wrong.status_code, wrong.json()["message"]) == (400, "replyBy는 WING 로그인 아이디여야 합니다: someone")
        long = await client.post(path, json={**body, "content": "가" * 1001})
        assert long.json()["message"] == "답변은 1000자까지입니다."
        assert (await client.post(path, json=body)).json() == {"code": "200", "message": "OK"}
        second = await client.post(path, json=body)
        assert (second.status_code, second.json()) == (
            400,
            {"code": 400, "message": "이미 답변이 등록된 문의입니다.", "data": None},
        )
        one = (await client.get(f"{API}/v5/vendors/callCenterInquiries/50001")).json()["data"]
        assert (one["csPartnerCounselingStatus"], one["inquiryStatus"]) == ("requestAnswer", "progress")  # C25
        clock.now += 25 * 3600
        late = await client.post(
            f"{V4}/callCenterInquiries/50001/replies",
            json={**body, "inquiryId": "50001", "parentAnswerId": one["replies"][0]["answerId"]},
        )
        # articles/360034156233: after 24 h Coupang closes it as answered; C1's errorSpec message for the reply
        assert (late.status_code, late.json()) == (
            400,
            {
                "code": 400,
                "message": "The inquiry can't be answer. It can do only inquiryStatus:progress, "
                "partnerTransferStatus:requestAnswer",
                "data": None,
            },
        )
        closed = (await client.get(f"{API}/v5/vendors/callCenterInquiries/50001")).json()["data"]
        assert closed["csPartnerCounselingStatus"] == "answered"
        assert closed["replies"][-1]["content"].startswith("[쿠팡 시스템] CS문의가 24시간 내 답변되지 않아")
        listed = await client.get(
            f"{V5}/onlineInquiries",
            params={
                "vendorId": VENDOR,
                "inquiryStartAt": "2025-06-15",
                "inquiryEndAt": "2025-06-17",
                "answeredType": "NOANSWER",
            },
        )
        assert [q["inquiryId"] for q in listed.json()["data"]["content"]] == [80002]
        assert (await state(client))["answers"] == [{"kind": "online", "inquiryId": 80001, **body}]

    run(scenario)


def test_products_draft_without_request_and_unique_skus() -> None:
    async def scenario(client: httpx.AsyncClient, clock: AppClock) -> None:
        image = {"imageOrder": 0, "imageType": "REPRESENTATION", "vendorPath": "https://img.example.com/a.jpg"}
        body = {
            "displayCategoryCode": 1, "sellerProductName": "테스트 상품", "vendorId": VENDOR,
            "saleStartedAt": "2020-01-01T00:00:00", "saleEndedAt": "2099-12-31T23:59:59", "deliveryMethod": "SEQUENCIAL",
            "deliveryCompanyCode": "CJGLS", "deliveryChargeType": "FREE", "outboundShippingPlaceCode": 74010,
            "returnCenterCode": "1000558371", "afterServiceContactNumber": "1588-0000", "vendorUserId": "sandbox-wing",
            "returnChargeName": "본사 반품센터", "returnZipCode": "17413", "returnAddress": "경기도 이천시 마장면 덕이로 154",
            "items": [{"itemName": "기본", "originalPrice": 1000, "salePrice": 1000, "maximumBuyCount": 3,
                       "externalVendorSku": "X-001", "images": [image], "notices": [{"content": "x"}]}],
        }  # fmt: skip
        draft = await client.post(f"{SELLER}/seller-products", json=body)
        # C1 create-seller-product sample: the id nested in a second code/message/data
        assert draft.json() == {
            "code": "200",
            "message": "",
            "data": {"code": "SUCCESS", "message": "", "data": 14000001},
        }
        again = await client.post(f"{SELLER}/seller-products", json={**body, "requested": True})
        assert (again.status_code, again.json()["message"]) == (
            400,
            "이미 등록된 externalVendorSku입니다: X-001 (상품 14000001)",
        )
        [product] = (await state(client))["products"]
        assert (product["statusName"], product["items"][0]["vendorItemId"]) == ("임시저장", None)
        local = {**body["items"][0], "externalVendorSku": "X-002", "images": [{**image, "vendorPath": "a.jpg"}]}
        refused = await client.post(f"{SELLER}/seller-products", json={**body, "items": [local]})
        assert refused.json()["message"] == "이미지 주소(vendorPath)가 올바르지 않습니다: a.jpg"
        found = await client.get(f"{SELLER}/seller-products/external-vendor-sku-codes/NOPE-001")
        assert found.json() == {"code": "SUCCESS", "message": "", "data": []}

    run(scenario)


def test_control_api_checks_and_injected_faults_in_coupangs_shape() -> None:
    async def scenario(client: httpx.AsyncClient, clock: AppClock) -> None:
        incomplete = await client.post("/__sandbox__/accounts", json={"market": "coupang", "access_key": "k"})
        assert incomplete.status_code == 400
        await control(client, "accounts", access_key="k2", secret_key="s2", vendor_id="A00099999", wing_id="w2")
        mine = await client.get(OUTBOUND, auth=CoupangAuth("k2", "s2", clock=clock.utc))
        assert mine.status_code == 200
        unknown = await client.post("/__sandbox__/seed", json={"market": "coupang", "orders": 1, "colour": "red"})
        assert unknown.status_code == 400
        await control(client, "faults", rate=1.0, kinds=["500"])
        fault = await client.get(OUTBOUND)
        assert (fault.status_code, fault.json()["code"]) == (500, 500)
        await control(client, "faults", rate=0.0, rate_limit=1)
        await client.get(OUTBOUND)
        limited = await client.get(OUTBOUND)
        assert (limited.status_code, limited.headers["Retry-After"], limited.json()["code"]) == (429, "1", 429)

    run(scenario)


# -- 재고 연동 and 판매취소 (issue 17) ------------------------------------------------------------------------------

IMAGE = {"imageOrder": 0, "imageType": "REPRESENTATION", "vendorPath": "https://img.example.com/a.jpg"}


async def approved(client: httpx.AsyncClient, skus: tuple[str, ...] = ("S-001", "S-002")) -> dict[str, Any]:
    """An approved product (``requested: true``) with one option per sku, 3 in stock each."""
    body = {
        "displayCategoryCode": 1, "sellerProductName": "재고 상품", "vendorId": VENDOR,
        "saleStartedAt": "2020-01-01T00:00:00", "saleEndedAt": "2099-12-31T23:59:59", "deliveryMethod": "SEQUENCIAL",
        "deliveryCompanyCode": "CJGLS", "deliveryChargeType": "FREE", "outboundShippingPlaceCode": 74010,
        "returnCenterCode": "1000558371", "afterServiceContactNumber": "1588-0000", "vendorUserId": "sandbox-wing",
        "returnChargeName": "본사 반품센터", "returnZipCode": "17413", "returnAddress": "경기도 이천시 마장면 덕이로 154",
        "requested": True,
        "items": [{"itemName": sku, "originalPrice": 1000, "salePrice": 1000, "maximumBuyCount": 3,
                   "externalVendorSku": sku, "images": [IMAGE], "notices": [{"content": "x"}]} for sku in skus],
    }  # fmt: skip
    answer = await client.post(f"{SELLER}/seller-products", json=body)
    assert answer.status_code == 200, answer.text
    number = answer.json()["data"]["data"]
    [product] = [p for p in (await state(client))["products"] if p["sellerProductId"] == number]
    return product


def test_inventories_show_stock_and_sale_status_and_swallow_answers_writes_without_applying_them() -> None:
    async def scenario(client: httpx.AsyncClient, clock: AppClock) -> None:
        product = await approved(client)
        item = product["items"][0]["vendorItemId"]
        items = f"{SELLER}/vendor-items/{item}"

        async def shown() -> Any:
            answer = await client.get(f"{items}/inventories")
            assert answer.status_code == 200
            return answer.json()

        assert await shown() == {
            "code": "SUCCESS",
            "message": "",
            "data": {"sellerItemId": item, "amountInStock": 3, "salePrice": 1000, "onSale": True,
                     "bestPriceGuaranteed3P": False},
        }  # fmt: skip
        assert (await client.put(f"{items}/quantities/0")).json()["code"] == "SUCCESS"  # 0: sold out
        assert (await shown())["data"]["amountInStock"] == 0
        assert (await state(client))["swallow"] is False
        await control(client, "swallow", on=True)
        assert (await state(client))["swallow"] is True
        for path, message in (
            ("quantities/7", "재고 변경을 완료했습니다."),
            ("sales/stop", "판매 중지 처리되었습니다."),
        ):
            answer = await client.put(f"{items}/{path}")
            assert (answer.status_code, answer.json()) == (200, {"code": "SUCCESS", "message": message, "data": None})
        assert ((await shown())["data"]["amountInStock"], (await shown())["data"]["onSale"]) == (0, True)
        bad = await client.put(f"{items}/quantities/-1")  # still checked while swallowing
        assert bad.status_code == 400
        await control(client, "swallow", on=False)
        await client.put(f"{items}/sales/stop")
        assert (await shown())["data"]["onSale"] is False
        await control(client, "swallow", on=True)
        await client.put(f"{items}/sales/resume")
        assert (await shown())["data"]["onSale"] is False  # the resume was swallowed too
        await control(client, "reset")
        assert (await state(client))["swallow"] is False
        wrong = await client.post("/__sandbox__/swallow", json={"market": "coupang", "on": "yes"})
        assert (wrong.status_code, wrong.json()) == (400, {"error": "on must be true or false, got 'yes'"})
        unknown = await client.get(f"{SELLER}/vendor-items/1/inventories")
        assert (unknown.status_code, unknown.json()["message"]) == (404, "옵션ID(vendorItemId)를 찾을 수 없습니다: 1")

    run(scenario)


def test_seed_takes_a_quantity_and_a_product_and_checks_them() -> None:
    async def scenario(client: httpx.AsyncClient, clock: AppClock) -> None:
        first = await approved(client)
        second = await approved(client, ("T-001",))
        made = await control(client, "seed", orders=4, seed=3, qty=5, product=str(second["sellerProductId"]))
        boxes = (await state(client))["orders"]
        assert len(made["orders"]) == 4
        assert {(i["vendorItemId"], i["shippingCount"], i["externalVendorSkuCode"]) for b in boxes
                for i in b["orderItems"]} == {(second["items"][0]["vendorItemId"], 5, "T-001")}  # fmt: skip
        await control(client, "seed", orders=3, seed=3, product=first["sellerProductId"])  # a number is taken too
        drawn = {i["vendorItemId"] for b in (await state(client))["orders"][len(boxes) :] for i in b["orderItems"]}
        assert drawn <= {i["vendorItemId"] for i in first["items"]}
        for body, words in (
            ({"qty": 0}, "qty must be an integer in [1, 999], got 0"),
            ({"qty": True}, "qty must be an integer in [1, 999], got True"),
            ({"qty": "2"}, "qty must be an integer in [1, 999], got '2'"),
            ({"product": "abc"}, "product must be a sellerProductId (digits), got 'abc'"),
            ({"product": "99"}, "unknown product '99' of vendor A00012345"),
        ):
            refused = await client.post("/__sandbox__/seed", json={"market": "coupang", "orders": 1, **body})
            assert (refused.status_code, refused.json()) == (400, {"error": words})
        for item in second["items"]:
            await client.put(f"{SELLER}/vendor-items/{item['vendorItemId']}/sales/stop")
        stopped = await client.post(
            "/__sandbox__/seed", json={"market": "coupang", "orders": 1, "product": str(second["sellerProductId"])}
        )
        assert stopped.json() == {
            "error": f"product {second['sellerProductId']} has no approved option on sale to order"
        }

    run(scenario)


def cancel_body(box: dict[str, Any], counts: list[int] | None = None, **more: Any) -> dict[str, Any]:
    items = box["orderItems"]
    return {
        "orderId": box["orderId"],
        "vendorItemIds": [i["vendorItemId"] for i in items],
        "receiptCounts": counts or [i["shippingCount"] for i in items],
        "bigCancelCode": "CANERR",
        "middleCancelCode": "CCTTER",
        "vendorId": VENDOR,
        "userId": "sandbox-wing",
        **more,
    }


async def cancel(client: httpx.AsyncClient, body: dict[str, Any], order: object = None) -> httpx.Response:
    return await client.post(f"{V5}/orders/{order or body['orderId']}/cancel", json=body)


def test_seller_cancel_checks_the_body_in_the_documented_order_and_words() -> None:
    async def scenario(client: httpx.AsyncClient, clock: AppClock) -> None:
        await approved(client)
        await control(client, "seed", orders=1, seed=1, qty=2)
        [box] = (await state(client))["orders"]
        good = cancel_body(box)
        for changed, words in (  # C1 delivery-api/ko/instruct-cancel.document.ts errorSpec
            ({"orderId": 0}, "주문 ID를 입력해 주세요."),
            ({"vendorItemIds": []}, "취소할 벤더아이템 아이디 목록을 입력해주세요."),
            ({"receiptCounts": []}, "취소할 아이탬 개수 목록을 입력해주세요."),
            ({"receiptCounts": [1]}, "요청한 상품 개수와 취소 개수를 확인해주세요."),
            ({"receiptCounts": [1, 0]}, "취소할 아이탬 개수 목록을 입력해주세요."),
            ({"bigCancelCode": ""}, "취소사유 대분류 코드를 입력해주세요."),
            ({"bigCancelCode": "CANCEL"}, "취소사유 대분류 코드를 확인해 주세요."),
            ({"middleCancelCode": ""}, "취소사유 중분류 코드를 입력해주세요."),
            ({"middleCancelCode": "SOLDOUT"}, "취소사유 중분류 코드를 확인해 주세요."),
            ({"vendorId": "A00067890"}, "업체 ID를 입력해주세요."),
            ({"userId": "someone"}, "업체 ID에 맞는 올바른 유저 ID를 입력해주세요."),
            ({"orderId": 22000000000099}, "주문 정보가 없습니다."),
        ):
            refused = await cancel(client, {**good, **changed})
            assert (refused.status_code, refused.json()) == (400, {"code": 400, "message": words, "data": None})
        assert (await cancel(client, good, order=22000000000099)).json()["message"] == "주문 ID를 입력해 주세요."
        # 결제완료 takes the whole box only (C1: "결제완료 상태 주문은 전체취소만 가능")
        part = await cancel(client, cancel_body(box, [1, 2]))
        assert (part.status_code, part.json()["message"]) == (400, "부분 취소는 불가능합니다.")
        assert {i["cancelCount"] for i in (await state(client))["orders"][0]["orderItems"]} == {0}  # nothing changed

    run(scenario)


def test_seller_cancel_in_accept_cancels_at_once_and_a_repeat_is_refused_per_item() -> None:
    async def scenario(client: httpx.AsyncClient, clock: AppClock) -> None:
        await approved(client)
        await control(client, "seed", orders=1, seed=1, qty=2)
        [box] = (await state(client))["orders"]
        ids = [i["vendorItemId"] for i in box["orderItems"]]
        done = await cancel(client, cancel_body(box, middleCancelCode="CCPRER"))
        assert done.status_code == 200
        answer = done.json()
        assert (answer["code"], answer["message"].endswith(" \r\n"), answer["message"].startswith("[요청번호] ")) == (
            "SUCCESS",
            True,
            True,
        )
        assert answer["data"] == {
            "receiptMap": {"receiptId": 300000001, "receiptType": "CANCEL", "vendorItemIds": ids, "totalCount": 4},
            "orderId": box["orderId"],
            "failedVendorItemIds": [],
        }
        held = (await state(client))["orders"][0]
        assert [(i["cancelCount"], i["canceled"]) for i in held["orderItems"]] == [(2, True), (2, True)]
        again = await cancel(client, cancel_body(box))
        assert again.status_code == 400
        assert again.json()["code"] == "FAIL"
        assert again.json()["message"].endswith(
            f" \r\n[{ids[0]}, {ids[1]}]<= 취소 가능한 개수보다 요청한 개수가 더 많습니다."
        )
        assert again.json()["data"] == {"receiptMap": {}, "orderId": box["orderId"], "failedVendorItemIds": ids}
        cancels = (await client.get(f"{V6}/returnRequests", params={
            "searchType": "timeFrame", "createdAtFrom": "2025-06-15T00:00", "createdAtTo": "2025-06-16T00:07",
            "cancelType": "CANCEL"})).json()["data"]  # fmt: skip
        [receipt] = cancels
        assert (receipt["receiptId"], receipt["receiptType"], receipt["receiptStatus"], receipt["faultByType"]) == (
            300000001,
            "CANCEL",
            "RETURNS_COMPLETED",
            "VENDOR",
        )
        assert [(r["vendorItemId"], r["cancelCount"]) for r in receipt["returnItems"]] == [(ids[0], 2), (ids[1], 2)]
        ack = await acknowledge(client, [box["shipmentBoxId"]])
        assert ack["responseList"][0]["resultCode"] == "CANCELED"
        snapshot = (await state(client))["cancels"]
        assert [c["code"] for c in snapshot] == ["SUCCESS", "FAIL"]

    run(scenario)


def test_seller_cancel_in_instruct_stops_shipment_item_by_item_and_never_after_an_invoice() -> None:
    async def scenario(client: httpx.AsyncClient, clock: AppClock) -> None:
        await approved(client)
        await control(client, "seed", orders=3, seed=1, qty=2)
        boxes = (await state(client))["orders"]
        a, b, c = boxes[0], boxes[1], boxes[2]
        await acknowledge(client, [x["shipmentBoxId"] for x in boxes])
        # 상품준비중: part of an item is taken (출고중지), the rest can still ship
        part = await cancel(client, {**cancel_body(a, [1, 2])})
        assert (part.status_code, part.json()["code"], part.json()["data"]["receiptMap"]["receiptType"]) == (
            200,
            "SUCCESS",
            "STOP_SHIPMENT",
        )
        held = {x["shipmentBoxId"]: x for x in (await state(client))["orders"]}
        assert [i["cancelCount"] for i in held[a["shipmentBoxId"]]["orderItems"]] == [1, 2]
        # C1 _warning: a 상품준비중 cancel reads 배송불만 / 품절, "파트너 API 강제 취소"
        [receipt] = (await state(client))["claims"]
        assert (receipt["cancelReasonCategory1"], receipt["cancelReasonCategory2"], receipt["cancelReason"]) == (
            "배송불만",
            "품절",
            "파트너 API 강제 취소",
        )
        # one item more than is left, the other fine: PARTIAL
        mixed = await cancel(client, cancel_body(a, [1, 1]))
        ids = [i["vendorItemId"] for i in a["orderItems"]]
        assert (mixed.status_code, mixed.json()["code"], mixed.json()["data"]["failedVendorItemIds"]) == (
            200,
            "PARTIAL",
            [ids[1]],
        )
        # after an invoice: 해당 벤더아이템이 결제완료/상품지시 중 상태가 아닙니다
        assert await invoice(client, b, "430000000001") == [(True, "OK", False)] * len(b["orderItems"])
        late = await cancel(client, cancel_body(b))
        assert (late.status_code, late.json()["code"]) == (400, "FAIL")
        assert late.json()["message"].endswith("<= 해당 벤더아이템이 결제완료/상품지시 중 상태가 아닙니다.")
        assert {i["cancelCount"] for i in (await state(client))["orders"][1]["orderItems"]} == {0}
        # an item it cancelled takes no invoice
        whole = await cancel(client, cancel_body(c))
        assert whole.json()["code"] == "SUCCESS"
        assert await invoice(client, c, "430000000002") == [(False, "CANCELED", False)] * len(c["orderItems"])
        # one request per box (the page: "shipmentBoxId 별로 각각 취소요청해야")
        await control(client, "seed", orders=1, seed=4, qty=1)
        two = [x for x in (await state(client))["orders"] if x["orderId"] == 22000000000004]
        assert len(two) == 2
        both = {**cancel_body(two[0]), "vendorItemIds": [two[0]["orderItems"][0]["vendorItemId"],
                two[1]["orderItems"][0]["vendorItemId"]], "receiptCounts": [1, 1]}  # fmt: skip
        refused = await cancel(client, both)
        assert (refused.status_code, refused.json()["message"]) == (
            400,
            "하나의 주문번호 안에 서로 다른 묶음배송번호(shipmentBoxId)가 존재하는 경우 shipmentBoxId 별로 각각 취소요청해야 합니다.",
        )

    run(scenario)
