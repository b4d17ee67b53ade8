"""The sandbox's TMON orders, invoices and claims (marketplaces.md §1.3–1.4), and the control API that seeds them."""

from __future__ import annotations

import base64
import re
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from helpers import AppClock, run_sandbox, sandbox_state, tmon_login

from batch.sandbox.app import create_app

PARTNER = {"X-Partner-Id": "sellerbot", "X-Partner-Token": "sandbox-partner-token"}
MAIN_KEY = "batch-sandbox-k1"
SECOND_KEY = "sandboxAesKey002"  # a 16-character key, as TMON issues them ([T1] StringUtil's key)
KST = timezone(timedelta(hours=9))
NOW = 1_750_000_000.0  # 2025-06-16 00:06:40 KST
API = "/api/V1001"
Scenario = Callable[[httpx.AsyncClient], Awaitable[None]]

ORDER_FIELDS = {
    "tmonOrderNo",
    "orderDate",
    "userId",
    "userName",
    "userPhone",
    "receiverName",
    "receiverPhone",
    "receiverAddress",
    "additionalMessage",
    "deliveryMemo",
    "deals",
}
DEAL_FIELDS = {
    "tmonDealNo",
    "dealTitle",
    "deliveryNo",
    "deliveryStatus",
    "deliveryScheduledDate",
    "updatedDate",
    "customsId",
    "deliveryFee",
    "dealOptions",
}
OPTION_FIELDS = {
    "tmonDealOptionNo",
    "dealOptionTitle",
    "qty",
    "salesPrice",
    "purchasePrice",
    "descriptions",
    "additionalMessage",
}
CLAIM_FIELDS = {
    "tmonOrderNo",
    "claimNo",
    "claimType",
    "claimStatus",
    "userId",
    "userName",
    "deliveryNo",
    "orderDate",
    "requestedDate",
    "claimDeals",
}


def run(scenario: Scenario, clock: AppClock | None = None) -> None:
    run_sandbox(scenario, create_app(clock=clock or AppClock(NOW), seed=0))


def decrypt(text: str, key: str = MAIN_KEY) -> str:
    """TMON's scheme as both production clients decrypt it ([T1] richbeam/mcs_tmon_api StringUtil.decryption, [T2]
    sosobox2-cyber/commerce-api AESCrypto): ``AES/ECB/PKCS5Padding``, Base64, the key string's bytes as the key.
    The seeded tmon-main key is 64 hex characters (the client's sandbox settings), read as its 32 bytes."""
    raw = base64.b64decode(text, validate=True)
    key_bytes = key.encode("utf-8")
    decryptor = Cipher(algorithms.AES(key_bytes), modes.ECB()).decryptor()
    padded = decryptor.update(raw) + decryptor.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    return (unpadder.update(padded) + unpadder.finalize()).decode("utf-8")


def minute(moment: float) -> str:
    return datetime.fromtimestamp(moment, KST).strftime("%Y-%m-%d %H:%M")


def around(now: float = NOW, days: float = 2) -> dict[str, str]:
    """A window from ``days`` before ``now`` to the minute after it."""
    return {"startDate": minute(now - days * 86400), "endDate": minute(now + 60)}


async def seed(client: httpx.AsyncClient, orders: int, seed: int = 7, **more: Any) -> list[str]:
    answer = await client.post("/__sandbox__/seed", json={"market": "tmon", "orders": orders, "seed": seed, **more})
    assert answer.status_code == 200, answer.text
    numbers: list[str] = answer.json()["orders"]
    return numbers


async def raise_claim(client: httpx.AsyncClient, order: str, kind: str, **more: Any) -> str:
    answer = await client.post("/__sandbox__/claims", json={"market": "tmon", "order": order, "type": kind, **more})
    assert answer.status_code == 200, answer.text
    claim_no: str = answer.json()["claimNo"]
    return claim_no


async def ship(client: httpx.AsyncClient, headers: dict[str, str], number: str) -> dict[str, Any]:
    """The order's first deal confirmed and invoiced (D3); that deal."""
    deal = (await get_order(client, headers, number))["deals"][0]
    assert (
        await client.put(f"{API}/orders/{number}/confirm", headers=headers, json=confirm_body(deal))
    ).status_code == 200
    answer = await client.post(f"{API}/orders/{number}/invoices", headers=headers, json=invoice_body(deal))
    assert answer.status_code == 200, answer.text
    return deal


async def get_order(client: httpx.AsyncClient, headers: dict[str, str], number: str) -> dict[str, Any]:
    answer = await client.get(f"{API}/orders/{number}", headers=headers)
    assert answer.status_code == 200, answer.text
    order: dict[str, Any] = answer.json()
    return order


async def confirmed(client: httpx.AsyncClient) -> tuple[str, dict[str, str], dict[str, Any]]:
    """One seeded order with its first deal confirmed: the order number, the login headers and that deal."""
    [number] = await seed(client, 1)
    headers = await tmon_login(client)
    deal = (await get_order(client, headers, number))["deals"][0]
    await client.put(f"{API}/orders/{number}/confirm", headers=headers, json=confirm_body(deal))
    return number, headers, deal


def lines(deal: dict[str, Any]) -> list[dict[str, int]]:
    return [{"tmonDealOptionNo": o["tmonDealOptionNo"], "qty": o["qty"]} for o in deal["dealOptions"]]


def confirm_body(deal: dict[str, Any]) -> dict[str, Any]:
    return {"tmonDealNo": deal["tmonDealNo"], "tmonDealOptions": lines(deal)}


def invoice_body(
    deal: dict[str, Any], invoice_no: str = "684512345678", corp: int = 10001, **more: Any
) -> dict[str, Any]:
    return {
        "deliveryNo": deal["deliveryNo"],
        "tmonDealNo": deal["tmonDealNo"],
        "tmonDealOptions": lines(deal),
        "invoice": {"deliveryCorp": corp, "invoiceNo": invoice_no, "additionalInvoices": []},
        **more,
    }


def error(code: str, message: str) -> dict[str, str]:
    return {"ResultCode": code, "Message": message}


def plain(order: dict[str, Any], key: str = MAIN_KEY) -> dict[str, Any]:
    """The order with its personal data decrypted."""
    shown = {
        **order,
        **{f: decrypt(order[f], key) for f in ("userId", "userName", "userPhone", "receiverName", "receiverPhone")},
    }
    shown["receiverAddress"] = {name: decrypt(value, key) for name, value in order["receiverAddress"].items()}
    return shown


# -- listing --------------------------------------------------------------------------------------------------


def test_seeded_orders_are_listed_by_get_orders_d1_over_the_window() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        numbers = await seed(client, 200)
        assert len(numbers) == len(set(numbers)) == 200
        assert all(re.fullmatch(r"[1-9]\d{9}", number) for number in numbers)
        headers = await tmon_login(client)
        answer = await client.get(f"{API}/orders", headers=headers, params={**around(), "deliveryStatus": "D1"})
        assert answer.status_code == 200
        orders = answer.json()
        assert isinstance(orders, list)
        assert sorted(order["tmonOrderNo"] for order in orders) == sorted(numbers)
        assert [o["orderDate"] for o in orders] == sorted(o["orderDate"] for o in orders)
        earliest, latest = datetime.fromtimestamp(NOW - 2 * 86400, KST), datetime.fromtimestamp(NOW, KST)
        for order in orders:
            assert set(order) == ORDER_FIELDS
            assert set(order["receiverAddress"]) == {"zipCode", "address", "streetAddress", "addressDetail"}
            ordered = datetime.strptime(order["orderDate"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=KST)
            assert earliest - timedelta(seconds=1) <= ordered <= latest
            assert 1 <= len(order["deals"]) <= 2
            for deal in order["deals"]:
                assert set(deal) == DEAL_FIELDS
                assert deal["deliveryStatus"] == "D1"
                assert set(deal["deliveryFee"]) == {
                    "amount",
                    "userAmount",
                    "longDistanceAmount",
                }  # [T1] reads userAmount
                assert 1 <= len(deal["dealOptions"]) <= 3
                for option in deal["dealOptions"]:
                    assert set(option) == OPTION_FIELDS
                    assert 1 <= option["qty"] <= 3
                    # [T2] PaTmonOrderList: purchasePrice "구매가(판매가 X 수량)"
                    assert option["purchasePrice"] == option["salesPrice"] * option["qty"]
        two = [order for order in orders if len(order["deals"]) == 2]
        assert two, "some orders have two deals"
        assert all(order["deals"][0]["deliveryNo"] != order["deals"][1]["deliveryNo"] for order in two)
        assert any(len(deal["dealOptions"]) > 1 for order in orders for deal in order["deals"])
        confirmed = await client.get(f"{API}/orders", headers=headers, params={**around(), "deliveryStatus": "D2"})
        assert (confirmed.status_code, confirmed.json()) == (200, [])
        earlier = {"startDate": minute(NOW - 9 * 86400), "endDate": minute(NOW - 3 * 86400), "deliveryStatus": "D1"}
        assert (await client.get(f"{API}/orders", headers=headers, params=earlier)).json() == []

    run(scenario)


def test_the_same_seed_gives_the_same_orders() -> None:
    seen: list[list[dict[str, Any]]] = []

    def seeded(number: int) -> Scenario:
        async def scenario(client: httpx.AsyncClient) -> None:
            await seed(client, 30, seed=number)
            headers = await tmon_login(client)
            answer = await client.get(f"{API}/orders", headers=headers, params={**around(), "deliveryStatus": "D1"})
            seen.append([plain(order) for order in answer.json()])

        return scenario

    for number in (7, 7, 8):
        run(seeded(number))
    assert seen[0] == seen[1]
    assert [o["tmonOrderNo"] for o in seen[0]] != [o["tmonOrderNo"] for o in seen[2]]


def test_personal_data_is_encrypted_with_the_accounts_key() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        [number, *_] = await seed(client, 20)
        headers = await tmon_login(client)
        order = await get_order(client, headers, number)
        shown = plain(order)
        assert re.fullmatch(r"[가-힣]{2,4}", shown["userName"]), shown["userName"]
        assert re.fullmatch(r"[가-힣]{2,4}", shown["receiverName"])
        assert re.fullmatch(r"010-\d{4}-\d{4}", shown["userPhone"])
        assert re.fullmatch(r"010-\d{4}-\d{4}", shown["receiverPhone"])
        assert re.fullmatch(r"[a-z]+\d{2}", shown["userId"])
        assert re.fullmatch(r"\d{5}", shown["receiverAddress"]["zipCode"])
        assert shown["receiverAddress"]["streetAddress"].split()[0].endswith(("시", "도"))
        assert order["userName"] not in shown.values()
        again = await get_order(client, headers, number)
        assert again["userName"] == order["userName"]  # ECB: the same text, the same ciphertext
        assert plain(again) == shown
        assert len(base64.b64decode(order["userName"])) % 16 == 0

        orders = (
            await client.get(f"{API}/orders", headers=headers, params={**around(), "deliveryStatus": "D1"})
        ).json()
        names = {plain(o)["userName"] for o in orders}
        assert len(names) > 5
        assert any(plain(o)["userName"] == plain(o)["receiverName"] for o in orders)  # mostly buyer = receiver
        assert any(plain(o)["receiverAddress"]["addressDetail"].endswith("호") for o in orders)
        assert any(o["deliveryMemo"] for o in orders)

        second = await seed(client, 3, vendor="V1002")
        other = await get_order_as(client, "tmon-second", "sandbox-partner-token-2", f"/api/V1002/orders/{second[0]}")
        assert re.fullmatch(r"[가-힣]{2,4}", decrypt(other["userName"], SECOND_KEY))

    run(scenario)


def test_accounts_added_with_an_aes_key_get_data_encrypted_with_it() -> None:
    key = "shop3-aes-key-16"  # 16 characters: AES-128, as [T1]'s key

    async def scenario(client: httpx.AsyncClient) -> None:
        account = {"client_id": "shop-3", "secret": "sandbox-secret", "vendor_id": "V1003", "partner_token": "pt-3"}
        bad = await client.post("/__sandbox__/accounts", json={"market": "tmon", **account, "aes_key": "xyz"})
        assert bad.status_code == 400
        added = await client.post("/__sandbox__/accounts", json={"market": "tmon", **account, "aes_key": key})
        assert added.status_code == 200
        [number] = await seed(client, 1, vendor="V1003")
        order = await get_order_as(client, "shop-3", "pt-3", f"/api/V1003/orders/{number}")
        assert re.fullmatch(r"[가-힣]{2,4}", decrypt(order["userName"], key))

    run(scenario)


async def get_order_as(client: httpx.AsyncClient, client_id: str, partner: str, url: str) -> dict[str, Any]:
    answer = await client.get(url, headers=await tmon_login(client, client_id, partner))
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def test_window_and_status_rules() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        await seed(client, 5)
        headers = await tmon_login(client)

        async def ask(path: str, **params: str) -> httpx.Response:
            return await client.get(f"{API}{path}", headers=headers, params=params)

        week = {"startDate": "2025-06-09 00:00", "endDate": "2025-06-16 00:00"}
        assert (await ask("/orders", **week, deliveryStatus="D1")).status_code == 200
        long = await ask("/orders", startDate="2025-06-08 23:59", endDate="2025-06-16 00:00", deliveryStatus="D1")
        assert (long.status_code, long.json()) == (
            400,
            error("INVALID_PERIOD", "조회 기간은 최대 7일까지 가능합니다. 기간을 나누어 조회해 주세요."),
        )
        assert (
            await ask("/orders/search", startDate="2025-06-01 00:00", endDate="2025-06-16 00:00", deliveryStatus="D2")
        ).status_code == 400
        backwards = await ask("/orders", startDate="2025-06-16 00:00", endDate="2025-06-15 00:00", deliveryStatus="D1")
        assert backwards.json()["ResultCode"] == "INVALID_PERIOD"
        iso = await ask("/orders", startDate="2025-06-14T00:00:00", endDate="2025-06-16T01:00:00", deliveryStatus="D1")
        assert (iso.status_code, len(iso.json())) == (200, 5)
        garbled = await ask("/orders", startDate="2025/06/14", endDate="2025-06-16 00:00", deliveryStatus="D1")
        assert (garbled.status_code, garbled.json()) == (
            400,
            error("INVALID_DATE", "조회일시(startDate) 형식이 올바르지 않습니다: 2025/06/14 (yyyy-MM-dd HH:mm)"),
        )
        assert (await ask("/orders", deliveryStatus="D1")).json() == error(
            "MISSING_FIELD", "조회일시(startDate): 필수 항목입니다."
        )
        d3 = await ask("/orders", **week, deliveryStatus="D3")
        assert (d3.status_code, d3.json()) == (
            400,
            error("INVALID_VALUE", "상태(deliveryStatus): 허용되지 않는 값입니다: D3. 허용값: D1, D2."),
        )
        assert (await ask("/orders", **week)).status_code == 400
        d1 = await ask("/orders/search", **week, deliveryStatus="D1")
        assert d1.json() == error(
            "INVALID_VALUE", "상태(deliveryStatus): 허용되지 않는 값입니다: D1. 허용값: D2, D3, D4."
        )
        zero = await ask("/orders/search", **week, deliveryStatus="D2", page="0")
        assert zero.json() == error("INVALID_VALUE", "페이지(page): 1 이상의 정수여야 합니다 (입력 0).")

    run(scenario)


def test_orders_search_pages_by_50() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        numbers = await seed(client, 70)
        headers = await tmon_login(client)
        for number in numbers[:60]:
            for deal in (await get_order(client, headers, number))["deals"]:
                answer = await client.put(f"{API}/orders/{number}/confirm", headers=headers, json=confirm_body(deal))
                assert (answer.status_code, answer.content) == (200, b"")
        params = {**around(), "deliveryStatus": "D2"}
        first = (await client.get(f"{API}/orders/search", headers=headers, params={**params, "page": "1"})).json()
        second = (await client.get(f"{API}/orders/search", headers=headers, params={**params, "page": "2"})).json()
        third = (await client.get(f"{API}/orders/search", headers=headers, params={**params, "page": "3"})).json()
        assert (len(first["items"]), first["hasNext"]) == (50, True)
        assert (len(second["items"]), second["hasNext"]) == (10, False)
        assert third == {"items": [], "hasNext": False}
        found = [order["tmonOrderNo"] for order in first["items"] + second["items"]]
        assert sorted(found) == sorted(numbers[:60])
        assert set(first["items"][0]) == ORDER_FIELDS
        plain(first["items"][0])  # encrypted there too
        default = (await client.get(f"{API}/orders/search", headers=headers, params=params)).json()
        assert default == {**first, "items": default["items"]} and len(default["items"]) == 50
        d1 = (await client.get(f"{API}/orders", headers=headers, params={**around(), "deliveryStatus": "D1"})).json()
        assert sorted(order["tmonOrderNo"] for order in d1) == sorted(numbers[60:])

    run(scenario)


def test_orders_are_per_vendor_and_need_auth() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        [number] = await seed(client, 1)
        missing = await client.get(f"{API}/orders/{number}", headers=PARTNER)
        assert (missing.status_code, missing.json()["error"]) == (401, "invalid_token")
        second = await tmon_login(client, "tmon-second", "sandbox-partner-token-2")
        other = await client.get(f"/api/V1002/orders/{number}", headers=second)
        assert (other.status_code, other.json()) == (404, error("NOT_FOUND", f"주문을 찾을 수 없습니다: {number}"))
        listed = await client.get("/api/V1002/orders", headers=second, params={**around(), "deliveryStatus": "D1"})
        assert listed.json() == []
        ghost = await client.get(f"{API}/orders/1234567890", headers=await tmon_login(client))
        assert (ghost.status_code, ghost.json()) == (404, error("NOT_FOUND", "주문을 찾을 수 없습니다: 1234567890"))

    run(scenario)


def test_seeded_orders_use_the_vendors_own_deals() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        headers = await tmon_login(client)
        deal = {  # the required fields of [T1] ProdServiceImpl.getProducts
            "vendorDealNo": "D-1",
            "title": "국산 햇사과 5kg",
            "titleDecoration": "산지직송",
            "managedTitle": "국산 햇사과 5kg",
            "productType": "DP07",
            "vendorPolicyNo": 501,
            "deliveryTemplateNo": 1690698,
            "categoryNo": 10010101,
            "mainImages": ["https://img.example.com/apple.jpg"],
            "detailContents": "<p>사과</p>",
            "productInfos": [
                {"productType": "농수산물", "productInfos": [{"section": "생산자", "description": "상세설명 참조"}]}
            ],
            "kcAuthSubmitType": "N",
            "deliveryCorp": "CJ대한통운",
            "dealOptions": [
                {"vendorDealOptionNo": "O-1", "title": "5kg", "salesPrice": 19900, "stock": 10},
                {"vendorDealOptionNo": "O-2", "title": "10kg", "salesPrice": 34900, "stock": 10},
            ],
        }
        assert (await client.post(f"{API}/deals", headers=headers, json=deal)).status_code == 200
        numbers = await seed(client, 10)
        for number in numbers:
            [ordered] = (await get_order(client, headers, number))["deals"]
            assert (ordered["tmonDealNo"], ordered["dealTitle"]) == (30000001, "국산 햇사과 5kg")
            titles = {o["tmonDealOptionNo"]: (o["dealOptionTitle"], o["salesPrice"]) for o in ordered["dealOptions"]}
            assert set(titles.items()) <= {(70000001, ("5kg", 19900)), (70000002, ("10kg", 34900))}

    run(scenario)


# -- confirm and invoices -------------------------------------------------------------------------------------


def test_confirm_moves_a_deal_from_d1_to_d2_once() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        numbers = await seed(client, 40)
        headers = await tmon_login(client)
        orders = [await get_order(client, headers, number) for number in numbers]
        order = next(o for o in orders if len(o["deals"]) == 1)
        [deal] = order["deals"]
        url = f"{API}/orders/{order['tmonOrderNo']}/confirm"
        if len(deal["dealOptions"]) > 1:
            partial = await client.put(
                url, headers=headers, json={**confirm_body(deal), "tmonDealOptions": lines(deal)[:1]}
            )
            assert partial.json()["ResultCode"] == "PARTIAL_DEAL"
        wrong_qty = [{**lines(deal)[0], "qty": 9}, *lines(deal)[1:]]
        bad = await client.put(url, headers=headers, json={**confirm_body(deal), "tmonDealOptions": wrong_qty})
        assert bad.json()["ResultCode"] == "INVALID_QTY"
        stranger = await client.put(url, headers=headers, json={**confirm_body(deal), "tmonDealNo": 1})
        assert (stranger.status_code, stranger.json()["ResultCode"]) == (400, "DEAL_NOT_FOUND")
        done = await client.put(url, headers=headers, json=confirm_body(deal))
        assert (done.status_code, done.content) == (200, b"")
        again = await client.put(url, headers=headers, json=confirm_body(deal))
        assert (again.status_code, again.json()) == (
            400,
            error("INVALID_DELIVERY_STATUS", "배송주문 확인처리가 불가능한 배송상태입니다."),
        )
        confirmed = await get_order(client, headers, order["tmonOrderNo"])
        assert confirmed["deals"][0]["deliveryStatus"] == "D2"
        assert confirmed["deals"][0]["updatedDate"] == "2025-06-16 00:06:40"
        [seen] = [
            o for o in (await sandbox_state(client, "tmon"))["orders"] if o["tmonOrderNo"] == order["tmonOrderNo"]
        ]
        assert seen["deals"][0]["deliveryStatus"] == "D2"
        assert "userName" not in seen
        d1 = (await client.get(f"{API}/orders", headers=headers, params={**around(), "deliveryStatus": "D1"})).json()
        d2 = (await client.get(f"{API}/orders", headers=headers, params={**around(), "deliveryStatus": "D2"})).json()
        assert order["tmonOrderNo"] not in {o["tmonOrderNo"] for o in d1}
        assert [o["tmonOrderNo"] for o in d2] == [order["tmonOrderNo"]]
        # A confirm is per deal: the other deal of a two-deal order stays D1.
        pair = next(o for o in orders if len(o["deals"]) == 2)
        pair_url = f"{API}/orders/{pair['tmonOrderNo']}/confirm"
        assert (await client.put(pair_url, headers=headers, json=confirm_body(pair["deals"][1]))).status_code == 200
        statuses = [d["deliveryStatus"] for d in (await get_order(client, headers, pair["tmonOrderNo"]))["deals"]]
        assert statuses == ["D1", "D2"]
        missing = await client.put(f"{API}/orders/1234567890/confirm", headers=headers, json=confirm_body(deal))
        assert missing.status_code == 404

    run(scenario)


def test_invoice_rules_and_lifecycle() -> None:
    clock = AppClock(NOW)

    async def scenario(client: httpx.AsyncClient) -> None:
        numbers = await seed(client, 3)
        headers = await tmon_login(client)
        order = await get_order(client, headers, numbers[0])
        deal = order["deals"][0]
        url = f"{API}/orders/{order['tmonOrderNo']}/invoices"
        early = await client.post(url, headers=headers, json=invoice_body(deal))
        assert (early.status_code, early.json()) == (
            400,
            error("INVALID_DELIVERY_STATUS", "송장등록이 불가능한 배송상태입니다. current_state: D1"),
        )
        await client.put(f"{API}/orders/{order['tmonOrderNo']}/confirm", headers=headers, json=confirm_body(deal))
        courier = await client.post(url, headers=headers, json=invoice_body(deal, corp=99999))
        assert (courier.status_code, courier.json()) == (
            400,
            error("INVALID_DELIVERY_CORP", "택배사코드(deliveryCorp): 등록되지 않은 택배사 코드입니다: 99999."),
        )
        text = await client.post(url, headers=headers, json=invoice_body(deal, corp="10001"))  # type: ignore[arg-type]
        assert text.json() == error(
            "INVALID_DELIVERY_CORP", '택배사코드(deliveryCorp): 숫자여야 합니다 (입력 "10001").'
        )
        wrong_delivery = await client.post(url, headers=headers, json={**invoice_body(deal), "deliveryNo": 1})
        assert wrong_delivery.json()["ResultCode"] == "DELIVERY_NO_MISMATCH"
        no_number = await client.post(url, headers=headers, json=invoice_body(deal, invoice_no=""))
        assert no_number.json() == error("MISSING_FIELD", "송장번호(invoiceNo): 필수 항목입니다.")
        not_yet = await client.put(url, headers=headers, json=invoice_body(deal))
        assert not_yet.json() == error("INVOICE_NOT_FOUND", "수정할 송장이 없습니다. current_state: D2")

        clock.now += 60
        done = await client.post(url, headers=headers, json=invoice_body(deal))
        assert (done.status_code, done.content) == (200, b"")
        same = await client.post(url, headers=headers, json=invoice_body(deal))
        assert (same.status_code, same.json()["ResultCode"]) == (400, "DUPLICATE_INVOICE")
        assert "동일 송장 등록 요청 오류" in same.json()["Message"]
        other = await client.post(url, headers=headers, json=invoice_body(deal, "999"))
        assert other.json()["Message"] == "송장등록이 불가능한 배송상태입니다. current_state: D3"
        edited = await client.put(url, headers=headers, json=invoice_body(deal, "555000111222", corp=10002))
        assert (edited.status_code, edited.content) == (200, b"")
        assert (await sandbox_state(client, "tmon"))["invoices"] == [
            {
                "tmonOrderNo": order["tmonOrderNo"],
                "deliveryNo": deal["deliveryNo"],
                "tmonDealNo": deal["tmonDealNo"],
                "deliveryCorp": 10002,
                "invoiceNo": "555000111222",
                "additionalInvoices": [],
            }
        ]
        assert (await get_order(client, headers, order["tmonOrderNo"]))["deals"][0]["deliveryStatus"] == "D3"
        d3 = {**around(clock.now, 3), "deliveryStatus": "D3"}
        listed = (await client.get(f"{API}/orders/search", headers=headers, params=d3)).json()
        assert [o["tmonOrderNo"] for o in listed["items"]] == [order["tmonOrderNo"]]

        clock.now += 24 * 3600  # a day after the invoice: shipped
        headers = await tmon_login(client)  # the old token has expired
        shipped = await get_order(client, headers, order["tmonOrderNo"])
        assert shipped["deals"][0]["deliveryStatus"] == "D4"
        late = await client.post(url, headers=headers, json=invoice_body(deal, "777"))
        assert late.json() == error("INVALID_DELIVERY_STATUS", "송장등록이 불가능한 배송상태입니다. current_state: D4")
        late_edit = await client.put(url, headers=headers, json=invoice_body(deal, "777"))
        assert late_edit.json()["Message"] == "송장수정이 불가능한 배송상태입니다. current_state: D4"
        d4 = {**around(clock.now, 3), "deliveryStatus": "D4"}
        assert len((await client.get(f"{API}/orders/search", headers=headers, params=d4)).json()["items"]) == 1

    run(scenario, clock)


def test_self_delivery_needs_a_scheduled_date() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        number, headers, deal = await confirmed(client)
        url = f"{API}/orders/{number}/invoices"
        undated = await client.post(url, headers=headers, json=invoice_body(deal, "", corp=10099))
        assert undated.json() == error(
            "MISSING_FIELD",
            "자체배송(deliveryCorp 10099)은 배송예정일(deliveryScheduledDate, yyyy-MM-dd)이 필수입니다.",
        )
        body = invoice_body(deal, "", corp=10099, deliveryScheduledDate="2025-06-18")
        assert (await client.post(url, headers=headers, json=body)).status_code == 200
        assert (await get_order(client, headers, number))["deals"][0]["deliveryScheduledDate"] == "2025-06-18"
        [invoice] = (await sandbox_state(client, "tmon"))["invoices"]
        assert (invoice["deliveryCorp"], invoice["invoiceNo"]) == (10099, "2025-06-18")

    run(scenario)


def test_an_invoice_for_an_order_with_an_open_cancel_is_accepted() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        number, headers, deal = await confirmed(client)
        claim_no = await raise_claim(client, number, "cancel")
        answer = await client.post(f"{API}/orders/{number}/invoices", headers=headers, json=invoice_body(deal))
        assert (answer.status_code, answer.content) == (200, b"")  # TMON does not stop it: the client must
        seen = await sandbox_state(client, "tmon")
        assert seen["claims"][0]["claimNo"] == claim_no and seen["claims"][0]["status"] == "C1"
        assert len(seen["invoices"]) == 1

    run(scenario)


# -- claims ---------------------------------------------------------------------------------------------------


def test_claims_are_listed_per_type_and_status() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        numbers = await seed(client, 6)
        headers = await tmon_login(client)
        for number in numbers[2:4]:
            await ship(client, headers, number)
        raised = {
            "cancel": [
                await raise_claim(client, numbers[0], "cancel"),
                await raise_claim(client, numbers[1], "cancel"),
            ],
            "return": [await raise_claim(client, numbers[2], "return")],
            "exchange": [await raise_claim(client, numbers[3], "exchange")],
        }
        assert len({no for nos in raised.values() for no in nos}) == 4

        async def search(kind: str, **params: str) -> dict[str, Any]:
            answer = await client.get(f"{API}/{kind}/search", headers=headers, params={**around(), **params})
            assert answer.status_code == 200, answer.text
            body: dict[str, Any] = answer.json()
            return body

        no_status = await client.get(f"{API}/cancellations/search", headers=headers, params=around())
        assert (no_status.status_code, no_status.json()) == (  # [T1] ClaimScheduler always sends one
            400,
            error("MISSING_FIELD", "상태(claimStatus): 필수 항목입니다."),
        )
        cancels = await search("cancellations", claimStatus="C1")
        assert cancels["hasNext"] is False
        assert [c["claimNo"] for c in cancels["items"]] == raised["cancel"]
        first = cancels["items"][0]
        assert set(first) == CLAIM_FIELDS
        assert (first["tmonOrderNo"], first["claimType"], first["claimStatus"]) == (numbers[0], "C", "C1")
        assert first["requestedDate"] == "2025-06-16 00:06:40"  # [T2] PaTmonCancelList.requestedDate
        order = await get_order(client, headers, numbers[0])
        assert (first["deliveryNo"], first["orderDate"]) == (order["deals"][0]["deliveryNo"], order["orderDate"])
        assert decrypt(first["userName"]) == decrypt(order["userName"])
        assert decrypt(first["userId"]) == decrypt(order["userId"])
        [claim_deal] = first["claimDeals"]
        deal = order["deals"][0]
        assert claim_deal["tmonDealNo"] == deal["tmonDealNo"] and claim_deal["dealTitle"] == deal["dealTitle"]
        assert claim_deal["requestReason"] and claim_deal["requestReasonDetail"]
        assert claim_deal["claimDealOptions"] == [
            {"tmonDealOptionNo": o["tmonDealOptionNo"], "dealOptionTitle": o["dealOptionTitle"], "qty": o["qty"]}
            for o in deal["dealOptions"]
        ]
        refunds = await search("refunds", claimStatus="C1")
        assert [(c["claimNo"], c["claimType"]) for c in refunds["items"]] == [(raised["return"][0], "R")]
        exchanges = await search("exchanges", claimStatus="C1")
        assert [(c["claimNo"], c["claimType"]) for c in exchanges["items"]] == [(raised["exchange"][0], "X")]
        assert await search("redeliveries", claimStatus="C1") == {"items": [], "hasNext": False}

        approve = await client.put(f"{API}/cancellations/{raised['cancel'][0]}/approve", headers=headers)
        assert (approve.status_code, approve.content) == (200, b"")
        assert [c["claimNo"] for c in (await search("cancellations", claimStatus="C3"))["items"]] == raised["cancel"][
            :1
        ]
        assert [c["claimNo"] for c in (await search("cancellations", claimStatus="C1"))["items"]] == raised["cancel"][
            1:
        ]
        assert (await search("cancellations", claimStatus="C8"))["items"] == []
        bad = await client.get(f"{API}/cancellations/search", headers=headers, params={**around(), "claimStatus": "X"})
        assert bad.status_code == 400
        old = {"startDate": minute(NOW - 10 * 86400), "endDate": minute(NOW - 4 * 86400), "claimStatus": "C1"}
        assert (await client.get(f"{API}/cancellations/search", headers=headers, params=old)).json()["items"] == []

        detail = await client.get(f"{API}/refunds/{raised['return'][0]}", headers=headers)
        assert (detail.status_code, detail.json()["claimType"]) == (200, "R")
        wrong_type = await client.get(f"{API}/cancellations/{raised['return'][0]}", headers=headers)
        assert (wrong_type.status_code, wrong_type.json()["ResultCode"]) == (404, "NOT_FOUND")
        second = await tmon_login(client, "tmon-second", "sandbox-partner-token-2")
        assert (await client.get(f"/api/V1002/refunds/{raised['return'][0]}", headers=second)).status_code == 404

    run(scenario)


def test_approving_a_cancel_cancels_the_deal_once() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        [number] = await seed(client, 1)
        headers = await tmon_login(client)
        claim_no = await raise_claim(client, number, "cancel")
        url = f"{API}/cancellations/{claim_no}/approve"
        assert (await client.put(url, headers=headers)).status_code == 200
        again = await client.put(url, headers=headers)
        assert again.status_code == 400
        assert "완료된" in again.json()["Message"]
        assert again.json() == error("INVALID_CLAIM_STATUS", "클레임 처리 완료된 건입니다.(C3)")  # [T2]'s quote
        order = await get_order(client, headers, number)
        assert order["deals"][0]["deliveryStatus"] == "C"
        seen = await sandbox_state(client, "tmon")
        assert seen["claims"] == [
            {
                "claimNo": claim_no,
                "tmonOrderNo": number,
                "type": "cancel",
                "claimType": "C",
                "status": "C3",
                "tmonDealNos": [order["deals"][0]["tmonDealNo"]],
                "returnDeliveryInvoice": None,
                "reDeliveryInvoice": None,
                "rejection": None,
            }
        ]
        assert seen["orders"][0]["deals"][0]["deliveryStatus"] == "C"
        confirm = await client.put(
            f"{API}/orders/{number}/confirm", headers=headers, json=confirm_body(order["deals"][0])
        )
        assert confirm.json()["Message"] == "배송주문 확인처리가 불가능한 배송상태입니다."
        ghost = await client.put(f"{API}/cancellations/1/approve", headers=headers)
        assert (ghost.status_code, ghost.json()) == (404, error("NOT_FOUND", "클레임을 찾을 수 없습니다: 1"))

    run(scenario)


def test_rejecting_a_cancel_needs_an_invoice() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        number, headers, _ = await confirmed(client)
        claim_no = await raise_claim(client, number, "cancel")
        url = f"{API}/cancellations/{claim_no}/reject"
        bare = await client.put(url, headers=headers, json={"reason": "JCD1"})
        assert bare.json() == error("MISSING_FIELD", "송장정보(deliveryInvoice): 필수 항목입니다.")
        other_reason = await client.put(url, headers=headers, json={"reason": "JCD9"})
        assert other_reason.json()["ResultCode"] == "INVALID_VALUE"
        body = {"reason": "JCD1", "deliveryInvoice": {"deliveryCorp": 10001, "invoiceNo": "684500000001"}}
        assert (await client.put(url, headers=headers, json=body)).status_code == 200
        seen = await sandbox_state(client, "tmon")
        assert seen["claims"][0]["status"] == "C9"
        assert [(i["deliveryCorp"], i["invoiceNo"]) for i in seen["invoices"]] == [(10001, "684500000001")]
        assert (await get_order(client, headers, number))["deals"][0]["deliveryStatus"] == "D3"
        again = await client.put(url, headers=headers, json=body)
        assert again.json()["Message"] == f"이미 거부된 클레임입니다: {claim_no} (claimStatus: C9)"

    run(scenario)


def test_seller_cancel_and_return_and_exchange_approvals() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        numbers = await seed(client, 3)
        headers = await tmon_login(client)
        deal = (await get_order(client, headers, numbers[0]))["deals"][0]
        cancel = {
            "tmonOrderNo": numbers[0],
            "deliveryNo": deal["deliveryNo"],
            "tmonDeals": [
                {
                    "tmonDealNo": deal["tmonDealNo"],
                    "reason": "RCD4",
                    "reasonDetail": "품절 미배송",
                    "tmonDealOptions": lines(deal),
                }
            ],
        }
        done = await client.post(f"{API}/cancellations", headers=headers, json=cancel)
        assert (done.status_code, done.content) == (200, b"")
        assert (await get_order(client, headers, numbers[0]))["deals"][0]["deliveryStatus"] == "C"
        again = await client.post(f"{API}/cancellations", headers=headers, json=cancel)
        assert again.json()["Message"] == "판매자 취소가 불가능한 배송상태입니다. current_state: C"
        params = {**around(), "claimStatus": "C3"}
        [claim] = (await client.get(f"{API}/cancellations/search", headers=headers, params=params)).json()["items"]
        assert (claim["claimStatus"], claim["claimDeals"][0]["requestReason"]) == ("C3", "RCD4")

        await ship(client, headers, numbers[1])
        refund_no = await raise_claim(client, numbers[1], "return", state="collected")
        refund = await client.put(f"{API}/refunds/{refund_no}/approve", headers=headers)
        assert (refund.status_code, refund.content) == (200, b"")
        again = await client.put(f"{API}/refunds/{refund_no}/approve", headers=headers)
        assert again.json() == error("INVALID_CLAIM_STATUS", "클레임 처리 완료된 건입니다.(C3)")

        await ship(client, headers, numbers[2])
        exchange_no = await raise_claim(client, numbers[2], "exchange")
        url = f"{API}/exchanges/{exchange_no}/approve"
        assert (await client.put(url, headers=headers, json={})).json() == error(
            "MISSING_FIELD", "택배사코드, 송장번호 모두 입력해주세요"
        )
        body = {"redeliveryInvoice": {"deliveryCorp": 10003, "invoiceNo": "420011112222"}}
        assert (await client.put(url, headers=headers, json=body)).status_code == 200
        statuses = {c["claimNo"]: c["status"] for c in (await sandbox_state(client, "tmon"))["claims"]}
        assert (statuses[refund_no], statuses[exchange_no]) == ("C3", "C2")  # the exchange's item on its way

    run(scenario)


# -- control API and request counts ---------------------------------------------------------------------------


def test_request_counts_are_templated() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        [number] = await seed(client, 1)
        headers = await tmon_login(client)
        await client.get(f"{API}/orders", headers=headers, params={**around(), "deliveryStatus": "D1"})
        await client.get(f"{API}/orders/search", headers=headers, params={**around(), "deliveryStatus": "D2"})
        deal = (await get_order(client, headers, number))["deals"][0]
        await client.put(f"{API}/orders/{number}/confirm", headers=headers, json=confirm_body(deal))
        await client.post(f"{API}/orders/{number}/invoices", headers=headers, json=invoice_body(deal))
        await client.put(f"{API}/orders/{number}/invoices", headers=headers, json=invoice_body(deal, "2"))
        claim_no = await raise_claim(client, number, "cancel")
        await client.get(f"{API}/cancellations/search", headers=headers, params=around())
        await client.get(f"{API}/cancellations/{claim_no}", headers=headers)
        await client.put(f"{API}/cancellations/{claim_no}/approve", headers=headers)
        assert (await sandbox_state(client, "tmon"))["requests"] == {
            "POST /oauth/token": 1,
            "GET /api/{vendorId}/orders": 1,
            "GET /api/{vendorId}/orders/search": 1,
            "GET /api/{vendorId}/orders/{tmonOrderNo}": 1,
            "PUT /api/{vendorId}/orders/{tmonOrderNo}/confirm": 1,
            "POST /api/{vendorId}/orders/{tmonOrderNo}/invoices": 1,
            "PUT /api/{vendorId}/orders/{tmonOrderNo}/invoices": 1,
            "GET /api/{vendorId}/cancellations/search": 1,
            "GET /api/{vendorId}/cancellations/{claimNo}": 1,
            "PUT /api/{vendorId}/cancellations/{claimNo}/approve": 1,
        }

    run(scenario)


def test_faults_apply_to_order_calls() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        [number] = await seed(client, 1)
        headers = await tmon_login(client)
        await client.post("/__sandbox__/faults", json={"market": "tmon", "rate": 1.0, "kinds": ["503"]})
        answer = await client.get(f"{API}/orders/{number}", headers=headers)
        assert answer.status_code == 503
        assert answer.json()["ResultCode"] == "SERVICE_UNAVAILABLE"

    run(scenario)


def test_control_api_seed_and_claim_errors_and_reset() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        for body in (
            {"orders": 5},
            {"market": "tmon", "orders": 0},
            {"market": "tmon", "orders": "5"},
            {"market": "tmon", "orders": 5, "seed": "x"},
            {"market": "tmon", "orders": 5, "typo": 1},
            {"market": "gmarket", "orders": 5},
        ):
            assert (await client.post("/__sandbox__/seed", json=body)).status_code == 400, body
        [number] = await seed(client, 1)
        for body in (
            {"market": "tmon", "order": number, "type": "refund"},
            {"market": "tmon", "order": "1", "type": "cancel"},
            {"order": number, "type": "cancel"},
        ):
            assert (await client.post("/__sandbox__/claims", json=body)).status_code == 400, body
        await raise_claim(client, number, "cancel")
        twice = await client.post("/__sandbox__/claims", json={"market": "tmon", "order": number, "type": "return"})
        assert twice.status_code == 400  # one open claim a deal
        seen = await sandbox_state(client, "tmon")
        assert [o["tmonOrderNo"] for o in seen["orders"]] == [number]
        assert len(seen["claims"]) == 1
        await client.post("/__sandbox__/reset", json={"market": "tmon"})
        cleared = await sandbox_state(client, "tmon")
        assert (cleared["orders"], cleared["invoices"], cleared["claims"]) == ([], [], [])
        assert await seed(client, 1) == [number]  # the same seed again after a reset

    run(scenario)
