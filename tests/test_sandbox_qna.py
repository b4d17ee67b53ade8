"""The sandbox's TMON product Q&A and CS inquiries (marketplaces.md §1.4), and the control API that seeds them."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
from helpers import AppClock, run_sandbox, sandbox_state, tmon_login

from batch.sandbox.app import create_app

KST = timezone(timedelta(hours=9))
NOW = 1_750_000_000.0  # 2025-06-16 00:06:40 KST
API = "/api/V1001"
Scenario = Callable[[httpx.AsyncClient], Awaitable[None]]
# What [T1] richbeam/mcs_tmon_api ProdServiceImpl.insertQna reads from a Q&A item (no answered flag: the list is
# asked with answered=false)
QNA_FIELDS = {"articleNo", "createDate", "content", "dealNo", "dealTitle", "tmonOrderNo", "writer"}
# What [T1] insertCsQna reads from a CS list item
CS_LIST_FIELDS = {
    "csInquirySeqNo",
    "csInquiryMessageGroupSeqNo",
    "dealNo",
    "dealTitle",
    "orderNo",
    "writer",
    "createDate",
    "categoryInfo",
    "emergencyYn",
    "heavyClaimYn",
}
# What [T1] (customerMessage) and [T2] sosobox2-cyber/commerce-api PaTmonCounselController.setQnaCsListInfo read from
# a CS detail, plus the list item's fields
DETAIL_FIELDS = {
    "csInquirySeqNo",
    "dealNo",
    "dealTitle",
    "orderNo",
    "writer",
    "createDate",
    "categoryInfo",
    "customerMessage",
    "optionDealInfoList",
    "inquiryMessageGroupList",
}
TYPES = {"상품", "배송", "반품", "교환", "기타"}


def run(scenario: Scenario, clock: AppClock | None = None) -> None:
    run_sandbox(scenario, create_app(clock=clock or AppClock(NOW), seed=0))


def day(moment: float) -> str:
    return datetime.fromtimestamp(moment, KST).strftime("%Y-%m-%d")


WINDOW = {"startDate": day(NOW - 3 * 86400), "endDate": day(NOW)}


async def seed(client: httpx.AsyncClient, **body: Any) -> dict[str, Any]:
    answer = await client.post("/__sandbox__/seed", json={"market": "tmon", "seed": 7, **body})
    assert answer.status_code == 200, answer.text
    made: dict[str, Any] = answer.json()
    return made


async def all_qnas(client: httpx.AsyncClient, headers: dict[str, str], **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for page in range(1, 100):
        answer = await client.get(f"{API}/qnas", headers=headers, params={**WINDOW, **params, "page": page})
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert set(body) == {"items", "hasNext"}
        items += body["items"]
        if not body["hasNext"]:
            return items
    raise AssertionError("too many pages")


def error(code: str, message: str) -> dict[str, str]:
    return {"ResultCode": code, "Message": message}


# -- seeding --------------------------------------------------------------------------------------------------


def test_seeded_qnas_are_listed_across_pages() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        made = await seed(client, inquiries=30)
        assert made["orders"] == []
        ids = made["inquiries"]
        assert len(ids) == len(set(ids)) == 30
        q_ids = [i for i in ids if i.startswith("q:")]
        cs_ids = [i for i in ids if i.startswith("cs:")]
        assert len(cs_ids) == 10 and len(q_ids) == 20
        assert all(re.fullmatch(r"q:\d+", i) for i in q_ids)
        assert all(re.fullmatch(r"cs:\d+/\d+", i) for i in cs_ids)
        headers = await tmon_login(client)
        first = await client.get(f"{API}/qnas", headers=headers, params={**WINDOW, "answered": "false", "per": 8})
        assert first.json()["hasNext"] is True and len(first.json()["items"]) == 8
        items = await all_qnas(client, headers, answered="false", per=8)
        assert sorted(f"q:{q['articleNo']}" for q in items) == sorted(q_ids)
        assert [q["createDate"] for q in items] == sorted(q["createDate"] for q in items)
        earliest = datetime.fromtimestamp(NOW - 3 * 86400, KST)
        for qna in items:
            assert set(qna) == QNA_FIELDS
            created = datetime.strptime(qna["createDate"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=KST)
            assert earliest - timedelta(seconds=1) <= created <= datetime.fromtimestamp(NOW, KST)
            assert re.fullmatch(r"[a-z]{3}\*{3,}", qna["writer"]), qna["writer"]
            assert isinstance(qna["dealNo"], int) and qna["tmonOrderNo"] is None and qna["dealTitle"]
        assert await all_qnas(client, headers, answered="true") == []
        assert len(await all_qnas(client, headers)) == 20
        bodies = [q["content"] for q in items]
        detail_bodies = []
        for cs in cs_ids:
            seq = cs.split(":")[1].split("/")[0]
            detail = (await client.get(f"{API}/cs-inquiry/detail/{seq}", headers=headers)).json()
            detail_bodies.append(detail["inquiryMessageGroupList"][0]["counselorInquiry"]["message"])
        everything = bodies + detail_bodies
        assert sum(text[0] in "=+-@" for text in everything) == 4
        assert sum("\x07" in text for text in everything) == 1
        assert "언제 배송되나요?" in everything or "사이즈 교환 가능한가요?" in everything
        seen = (await sandbox_state(client, "tmon"))["inquiries"]
        assert [i["id"] for i in seen] == ids
        assert all(i["type"] in TYPES and i["answered"] is False for i in seen)

    run(scenario)


def test_inquiries_beside_orders_name_the_orders_and_leave_them_unchanged() -> None:
    alone: list[str] = []

    async def only_orders(client: httpx.AsyncClient) -> None:
        alone.extend((await seed(client, orders=10))["orders"])

    async def scenario(client: httpx.AsyncClient) -> None:
        made = await seed(client, orders=10, inquiries=30)
        assert made["orders"] == alone  # the inquiries' draws do not disturb the orders'
        headers = await tmon_login(client)
        qnas = await all_qnas(client, headers)
        linked = [q for q in qnas if q["tmonOrderNo"] is not None]
        assert linked and set(q["tmonOrderNo"] for q in linked) <= set(made["orders"])
        order = (await client.get(f"{API}/orders/{linked[0]['tmonOrderNo']}", headers=headers)).json()
        assert linked[0]["dealNo"] in [deal["tmonDealNo"] for deal in order["deals"]]

    run(only_orders)
    run(scenario)


def test_seed_errors_and_reset() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        for body in (
            {"market": "tmon"},
            {"market": "tmon", "inquiries": 0},
            {"market": "tmon", "inquiries": "5"},
            {"market": "tmon", "inquiries": 5, "orders": 0},
            {"market": "tmon", "inquiries": 5, "seed": "x"},
            {"market": "tmon", "inquiries": 5, "typo": 1},
        ):
            assert (await client.post("/__sandbox__/seed", json=body)).status_code == 400, body
        assert (await sandbox_state(client, "tmon"))["inquiries"] == []
        ids = (await seed(client, inquiries=3))["inquiries"]
        assert len((await sandbox_state(client, "tmon"))["inquiries"]) == 3
        await client.post("/__sandbox__/reset", json={"market": "tmon"})
        cleared = await sandbox_state(client, "tmon")
        assert (cleared["inquiries"], cleared["answers"]) == ([], [])
        assert (await seed(client, inquiries=3))["inquiries"] == ids

    run(scenario)


# -- answering ------------------------------------------------------------------------------------------------


def test_answering_a_qna() -> None:
    clock = AppClock(NOW)

    async def scenario(client: httpx.AsyncClient) -> None:
        ids = (await seed(client, inquiries=6))["inquiries"]
        article = next(i for i in ids if i.startswith("q:")).removeprefix("q:")
        headers = await tmon_login(client)
        url = f"{API}/qnas/{article}/replies"
        clock.now += 60
        answer = await client.post(url, headers=headers, json={"content": "내일 출고 예정입니다. 감사합니다."})
        assert (answer.status_code, answer.text) == (200, "OK")
        assert answer.headers["content-type"].startswith("text/plain")
        answers = (await sandbox_state(client, "tmon"))["answers"]
        expected = datetime.fromtimestamp(NOW + 60, KST).strftime("%Y-%m-%d %H:%M:%S")
        assert answers == [
            {"id": f"q:{article}", "content": "내일 출고 예정입니다. 감사합니다.", "createDate": expected}
        ]
        [done] = await all_qnas(client, headers, answered="true")
        assert done["articleNo"] == int(article) and set(done) == QNA_FIELDS
        assert int(article) not in [q["articleNo"] for q in await all_qnas(client, headers, answered="false")]
        assert {"id": f"q:{article}", "answered": True} in [
            {k: i[k] for k in ("id", "answered")} for i in (await sandbox_state(client, "tmon"))["inquiries"]
        ]
        again = await client.post(url, headers=headers, json={"content": "다시 답변"})
        assert (again.status_code, again.json()) == (400, error("ALREADY_ANSWERED", "이미 답변한 문의입니다."))
        assert len((await sandbox_state(client, "tmon"))["answers"]) == 1

    run(scenario, clock)


def test_reply_errors() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        ids = (await seed(client, inquiries=6))["inquiries"]
        article = next(i for i in ids if i.startswith("q:")).removeprefix("q:")
        headers = await tmon_login(client)
        url = f"{API}/qnas/{article}/replies"
        long = await client.post(url, headers=headers, json={"content": "가" * 1001})
        assert long.status_code == 400
        assert long.json()["ResultCode"] == "INVALID_CONTENT"
        assert re.search(r"[가-힣]", long.json()["Message"])
        for body in ({}, {"content": ""}, {"content": "   "}, {"content": 5}):
            answer = await client.post(url, headers=headers, json=body)
            assert (answer.status_code, answer.json()["ResultCode"]) == (400, "INVALID_CONTENT"), body
        unknown = await client.post(f"{API}/qnas/99999999/replies", headers=headers, json={"content": "네"})
        assert (unknown.status_code, unknown.json()["ResultCode"]) == (404, "NOT_FOUND")
        assert (await client.post(url, json={"content": "네"})).status_code == 401
        assert (await sandbox_state(client, "tmon"))["answers"] == []
        exact = await client.post(url, headers=headers, json={"content": "가" * 1000})
        assert (exact.status_code, exact.text) == (200, "OK")
        bad = await client.get(f"{API}/qnas", headers=headers, params={**WINDOW, "answered": "yes"})
        assert bad.json()["ResultCode"] == "INVALID_VALUE"
        no_dates = await client.get(f"{API}/qnas", headers=headers)
        assert no_dates.json()["ResultCode"] == "MISSING_FIELD"
        minutes = await client.get(f"{API}/qnas", headers=headers, params={"startDate": "2025-06-13 00:00"})
        assert minutes.json()["ResultCode"] == "INVALID_DATE"

    run(scenario)


# -- CS inquiries ---------------------------------------------------------------------------------------------


def test_cs_inquiries_list_detail_and_save() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        made = await seed(client, orders=5, inquiries=12)
        cs_ids = [i for i in made["inquiries"] if i.startswith("cs:")]
        assert len(cs_ids) == 4
        headers = await tmon_login(client)
        open_only = {**WINDOW, "answered": "false", "per": 3}  # as [T1] ProdScheduler.insertCSQna asks
        listed = await client.get(f"{API}/cs-inquiry/list", headers=headers, params=open_only)
        assert listed.status_code == 200
        assert listed.json()["hasNext"] is True and len(listed.json()["items"]) == 3
        second = await client.get(f"{API}/cs-inquiry/list", headers=headers, params={**open_only, "page": 2})
        assert second.json()["hasNext"] is False
        items = listed.json()["items"] + second.json()["items"]
        assert all(set(item) == CS_LIST_FIELDS for item in items)
        assert all(item["emergencyYn"] is False and item["heavyClaimYn"] is False for item in items)
        assert sorted(f"cs:{i['csInquirySeqNo']}/{i['csInquiryMessageGroupSeqNo']}" for i in items) == sorted(cs_ids)
        seq, group = items[0]["csInquirySeqNo"], items[0]["csInquiryMessageGroupSeqNo"]
        detail = (await client.get(f"{API}/cs-inquiry/detail/{seq}", headers=headers)).json()
        assert set(detail) == DETAIL_FIELDS
        assert detail["csInquirySeqNo"] == seq and isinstance(detail["dealNo"], int)
        assert detail["orderNo"] is None or detail["orderNo"] in made["orders"]
        assert detail["categoryInfo"]["name"] in TYPES and isinstance(detail["categoryInfo"]["seqNo"], int)
        assert re.fullmatch(r"[a-z]{3}\*{3,}", detail["writer"])
        [message_group] = detail["inquiryMessageGroupList"]
        assert set(message_group) == {"csInquiryMessageGroupSeqNo", "createDate", "counselorInquiry"}  # no flag
        assert message_group["csInquiryMessageGroupSeqNo"] == group
        assert message_group["counselorInquiry"]["message"] == detail["customerMessage"]
        url = f"{API}/cs-inquiry/save/{seq}/{group}"
        long = await client.post(url, headers=headers, json={"message": "가" * 1001})
        assert (long.status_code, long.json()["ResultCode"]) == (400, "INVALID_CONTENT")
        saved = await client.post(url, headers=headers, json={"message": "확인 후 연락드리겠습니다."})
        assert (saved.status_code, saved.json()) == (200, {"success": True})  # [T2] reads success
        again = await client.post(url, headers=headers, json={"message": "다시"})
        assert (again.status_code, again.json()) == (400, error("ALREADY_ANSWERED", "이미 답변한 문의입니다."))
        answered = await client.get(f"{API}/cs-inquiry/list", headers=headers, params={**WINDOW, "answered": "true"})
        assert [i["csInquirySeqNo"] for i in answered.json()["items"]] == [seq]
        open_now = await client.get(f"{API}/cs-inquiry/list", headers=headers, params={**WINDOW, "answered": "false"})
        assert seq not in [i["csInquirySeqNo"] for i in open_now.json()["items"]]
        seen = await sandbox_state(client, "tmon")
        assert [a["id"] for a in seen["answers"]] == [f"cs:{seq}/{group}"]
        assert seen["answers"][0]["content"] == "확인 후 연락드리겠습니다."
        assert {"id": f"cs:{seq}/{group}", "type": detail["categoryInfo"]["name"], "answered": True} in seen[
            "inquiries"
        ]
        for path in (f"detail/{seq + 999}", f"save/{seq}/{group + 999}", f"save/{seq + 999}/{group}"):
            method = client.get if path.startswith("detail") else client.post
            kwargs: dict[str, Any] = {} if path.startswith("detail") else {"json": {"message": "네"}}
            answer = await method(f"{API}/cs-inquiry/{path}", headers=headers, **kwargs)
            assert (answer.status_code, answer.json()["ResultCode"]) == (404, "NOT_FOUND"), path

    run(scenario)


def test_inquiries_of_another_vendor_are_not_found() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        ids = (await seed(client, inquiries=6, vendor="V1002"))["inquiries"]
        headers = await tmon_login(client)
        assert await all_qnas(client, headers) == []
        article = next(i for i in ids if i.startswith("q:")).removeprefix("q:")
        answer = await client.post(f"{API}/qnas/{article}/replies", headers=headers, json={"content": "네"})
        assert answer.status_code == 404

    run(scenario)


# -- request counts and faults --------------------------------------------------------------------------------


def test_request_counts_are_templated() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        ids = (await seed(client, inquiries=6))["inquiries"]
        article = next(i for i in ids if i.startswith("q:")).removeprefix("q:")
        seq, group = next(i for i in ids if i.startswith("cs:")).removeprefix("cs:").split("/")
        headers = await tmon_login(client)
        await client.get(f"{API}/qnas", headers=headers, params={**WINDOW, "answered": "false"})
        await client.post(f"{API}/qnas/{article}/replies", headers=headers, json={"content": "네"})
        await client.get(f"{API}/cs-inquiry/list", headers=headers, params=WINDOW)
        await client.get(f"{API}/cs-inquiry/detail/{seq}", headers=headers)
        await client.post(f"{API}/cs-inquiry/save/{seq}/{group}", headers=headers, json={"message": "네"})
        assert (await sandbox_state(client, "tmon"))["requests"] == {
            "POST /oauth/token": 1,
            "GET /api/{vendorId}/qnas": 1,
            "POST /api/{vendorId}/qnas/{articleNo}/replies": 1,
            "GET /api/{vendorId}/cs-inquiry/list": 1,
            "GET /api/{vendorId}/cs-inquiry/detail/{csInquirySeqNo}": 1,
            "POST /api/{vendorId}/cs-inquiry/save/{csInquirySeqNo}/{csInquiryMessageGroupSeqNo}": 1,
        }

    run(scenario)


def test_faults_apply_to_inquiry_calls() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        ids = (await seed(client, inquiries=3))["inquiries"]
        article = next(i for i in ids if i.startswith("q:")).removeprefix("q:")
        headers = await tmon_login(client)
        await client.post("/__sandbox__/faults", json={"market": "tmon", "rate": 1.0, "kinds": ["503"]})
        answer = await client.post(f"{API}/qnas/{article}/replies", headers=headers, json={"content": "네"})
        assert (answer.status_code, answer.json()["ResultCode"]) == (503, "SERVICE_UNAVAILABLE")
        assert (await sandbox_state(client, "tmon"))["answers"] == []

    run(scenario)
