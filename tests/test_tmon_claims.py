"""TMON claims (클레임 처리): the decisions' calls as the sources show them, the sandbox's claim states and
transitions, and a round trip adapter ↔ sandbox (seed, raise every claim type, collect, decide, read back)."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from contract_kit import Contract, Replay, load
from helpers import (
    TMON_ONLY,
    AppClock,
    FakeClock,
    Recorder,
    control,
    run_sandbox,
    sandbox_client,
    sandbox_control,
    sandbox_state,
    tmon_login,
)

from batch.jobs.collect import now_kst
from batch.jobs.init import init_workspace
from batch.marketplaces.base import ClientSettings, MarketClient, Rejected
from batch.marketplaces.connect import connect
from batch.marketplaces.tmon import Tmon, TmonCredentials
from batch.marketplaces.types import ClaimDecision, Shipment
from batch.models import Claim, ClaimStatus, ClaimType, OrderLine
from batch.sandbox.app import create_app


def test_claims_are_collected_approved_and_rejected(tmp_path: Path) -> None:
    app = create_app(clock=lambda: time.time() - 3600, seed=5)  # orders an hour old: inside TMON's window
    orders = control(app, "POST", "/__sandbox__/seed", {"market": "tmon", "orders": 3, "seed": 1})["orders"]
    cancel = control(app, "POST", "/__sandbox__/claims", {"market": "tmon", "order": orders[0], "type": "cancel"})
    ws = init_workspace(tmp_path / "ws", markets=TMON_ONLY)
    account = ws.accounts[0]

    async def scenario() -> list[Any]:
        conn = connect(ws, account, app=app)
        tmon = conn.adapter
        assert isinstance(tmon, Tmon)
        try:
            start = now_kst() - dt.timedelta(days=2)
            claims = await tmon.collect_claims(start, now_kst() + dt.timedelta(minutes=1), "main", latest=True)
            await tmon.approve_cancel(cancel["claimNo"])
            await tmon.approve_cancel(cancel["claimNo"])  # done already: still fine
            lines = [x for x in await tmon.collect_orders(start, now_kst(), "main") if x.order_no == orders[1]]
            first_deal = [x for x in lines if x.product_no == lines[0].product_no]
            await tmon.seller_cancel(first_deal)
            detail = await tmon.get_order(orders[2], "main")
            assert {x.order_no for x in detail} == {orders[2]} and all(x.buyer for x in detail)
            return claims
        finally:
            await conn.aclose()

    claims = asyncio.run(scenario())
    assert [(c.claim_no, c.order_no, c.kind, c.status) for c in claims] == [
        (cancel["claimNo"], orders[0], ClaimType.CANCEL, ClaimStatus.REQUESTED)
    ]
    assert claims[0].buyer  # decrypted, not ciphertext
    state = control(app, "GET", "/__sandbox__/state?market=tmon")
    by_order = {c["tmonOrderNo"]: c["status"] for c in state["claims"]}
    assert by_order == {orders[0]: "C3", orders[1]: "C3"}
    assert state["requests"]["PUT /api/{vendorId}/cancellations/{claimNo}/approve"] == 2
    assert state["requests"]["POST /api/{vendorId}/cancellations"] == 1


# -- the adapter's decisions against the documented calls (tests/contracts/tmon) ---------------------------------

CONTRACTS = load("tmon")
FIXTURE_KEY = "tmonfixturekey16"  # the fixtures' AES key (see their notes)
CLAIM_KEY = "8000000001/30000001"


def fixture_claim(kind: ClaimType, status: ClaimStatus = ClaimStatus.REQUESTED) -> Claim:
    """The fixtures' claim of ``kind`` (tests/contracts/tmon/claims_*.json), as collect_claims reads it."""
    return Claim(
        market="tmon",
        account="main",
        claim_no="8000000001",
        order_no="1234567890",
        product_no="30000001",
        product_name="국산 햇사과 5kg",
        kind=kind,
        status=status,
        reason="단순변심 주문을 잘못했어요",
        buyer="홍길동",
        requested_at="2025-06-15 11:00:00",
    )


class Answers(Replay):
    """The fixtures' answers, except: a claim read answers ``statuses`` in turn (then the last again), or 404 when
    ``statuses`` is empty; a write answers ``write`` when given (a TMON business error)."""

    def __init__(self, statuses: list[str] | None = None, write: httpx.Response | None = None) -> None:
        super().__init__(CONTRACTS)
        self.statuses = statuses
        self.write = write

    def respond(self, contract: Contract, request: httpx.Request) -> httpx.Response:
        if contract.call.endswith("_detail") and self.statuses is not None:
            if not self.statuses:
                return httpx.Response(404, json={"ResultCode": "NOT_FOUND", "Message": "클레임을 찾을 수 없습니다."})
            body = dict(contract.response["body"], claimStatus=self.statuses[0])
            if len(self.statuses) > 1:
                self.statuses.pop(0)
            return httpx.Response(200, json=body)
        if request.method == "PUT" and self.write is not None:
            return self.write
        return super().respond(contract, request)


def replayed(scenario: Callable[[Tmon], Awaitable[Any]], replay: Replay | None = None) -> tuple[Any, Replay]:
    replay = replay or Replay(CONTRACTS)

    async def main() -> Any:
        http = httpx.AsyncClient(transport=replay.transport(), base_url="https://interworkapi.tmon.co.kr")
        client = MarketClient(
            "tmon", http, ClientSettings(rate_limit=0, max_attempts=1), clock=FakeClock(), rng=random.Random(1)
        )
        credentials = TmonCredentials("fixture-client", "fixture-secret", "fixture-partner", "pt", "158", FIXTURE_KEY)
        async with http:
            return await scenario(Tmon(client, credentials))

    return asyncio.run(main()), replay


def deciding(*decisions: ClaimDecision) -> Callable[[Tmon], Awaitable[Any]]:
    async def scenario(t: Tmon) -> Any:
        return await t.decide_claims(list(decisions))

    return scenario


def body_of(request: httpx.Request) -> Any:
    return json.loads(request.content) if request.content else None


CJ = ("10001", "684512345678")
READ_PATHS = {
    "cancel_detail": "cancellations",
    "refund_detail": "refunds",
    "exchange_detail": "exchanges",
    "redelivery_detail": "redeliveries",
}
DECISIONS = [  # (decision, the claim read, TMON's call, its path, its body)
    (
        ClaimDecision(fixture_claim(ClaimType.CANCEL), True),
        "cancel_detail",
        "cancel_approve",
        "/api/V1001/cancellations/8000000001/approve",
        None,
    ),
    (
        ClaimDecision(fixture_claim(ClaimType.CANCEL), False, "이미 발송함", *CJ),
        "cancel_detail",
        "cancel_reject",
        "/api/V1001/cancellations/8000000001/reject",
        {"reason": "JCD1", "deliveryInvoice": {"deliveryCorp": 10001, "invoiceNo": "684512345678"}},
    ),
    (
        ClaimDecision(fixture_claim(ClaimType.RETURN), True),
        "refund_detail",
        "refund_approve",
        "/api/V1001/refunds/8000000001/approve",
        None,
    ),
    (
        ClaimDecision(fixture_claim(ClaimType.RETURN), True, "", "10001", "684600000001"),
        "refund_detail",
        "refund_approve",
        "/api/V1001/refunds/8000000001/approve",
        {"returnDeliveryInvoice": {"deliveryCorp": 10001, "invoiceNo": "684600000001"}},
    ),
    (
        ClaimDecision(fixture_claim(ClaimType.RETURN), False, "반품 상품 미도착"),
        "refund_detail",
        "refund_reject",
        "/api/V1001/refunds/8000000001/reject",
        {"reason": "JRD5", "reasonDetail": "반품상품 미도착으로 인한 거절"},
    ),
    (
        ClaimDecision(fixture_claim(ClaimType.EXCHANGE), True, "", *CJ),
        "exchange_detail",
        "exchange_approve",
        "/api/V1001/exchanges/8000000001/approve",
        {"redeliveryInvoice": {"deliveryCorp": 10001, "invoiceNo": "684512345678"}},
    ),
    (
        ClaimDecision(fixture_claim(ClaimType.EXCHANGE), False, "교환 상품 품절"),
        "exchange_detail",
        "exchange_reject",
        "/api/V1001/exchanges/8000000001/reject",
        {"reason": "JXD3", "reasonDetail": "재고부족으로 인한 교환불가"},
    ),
    (  # [T1] confirmExchangeOrders: a redelivery approved on the refunds path with the re-sent invoice
        ClaimDecision(fixture_claim(ClaimType.REDELIVERY), True, "", *CJ),
        "redelivery_detail",
        "refund_approve",
        "/api/V1001/refunds/8000000001/approve",
        {"redeliveryInvoice": {"deliveryCorp": 10001, "invoiceNo": "684512345678"}},
    ),
]


@pytest.mark.parametrize(
    ("decision", "read", "call", "path", "body"),
    DECISIONS,
    ids=[
        f"{i}-{d.claim.kind.name.lower()}-{'approve' if d.approve else 'refuse'}" for i, (d, *_) in enumerate(DECISIONS)
    ],
)
def test_each_decision_reads_the_claim_then_sends_tmons_own_call(
    decision: ClaimDecision, read: str, call: str, path: str, body: Any
) -> None:
    """[T1] reads the claim (GET /{type}/{claimNo}) before every decision; the documented claim is open (C1), so the
    decision goes with its own call, once."""
    outcome, replay = replayed(deciding(decision))
    assert outcome == {CLAIM_KEY: None}
    assert replay.unknown == []
    assert [c.call for c, _ in replay.sent] == ["token", read, call]
    [(_, get), (_, put)] = replay.sent[1:]
    assert (get.method, get.url.path) == ("GET", f"/api/V1001/{READ_PATHS[read]}/8000000001")
    assert (put.method, put.url.path, body_of(put)) == ("PUT", path, body)


NOTHING = "티몬에는 아무것도 보내지 않았습니다."
REFUSED_BEFORE = [
    (
        ClaimDecision(fixture_claim(ClaimType.CANCEL), False, "이미 발송함"),
        "취소 거부(이미 출고)에는 이미 보낸 상품의 택배사와 송장번호가 필요합니다. 택배사와 송장번호 칸을 채워 다시 "
        f"실행하세요. {NOTHING}",
    ),
    (
        ClaimDecision(fixture_claim(ClaimType.CANCEL), False, "단순변심", *CJ),
        f"티몬 취소 거부사유는 '이미 발송함' 중 하나입니다('단순변심'은(는) 받지 않습니다). 거부사유를 고쳐 다시 실행하세요. "
        f"{NOTHING}",
    ),
    (
        ClaimDecision(fixture_claim(ClaimType.RETURN), False, ""),
        f"티몬 반품 거부사유는 '반품 상품 미도착' 중 하나입니다(빈 칸은(는) 받지 않습니다). 거부사유를 고쳐 다시 "
        f"실행하세요. {NOTHING}",
    ),
    (
        ClaimDecision(fixture_claim(ClaimType.RETURN), True, "", "10001", ""),
        "반품 승인에 회수 송장을 적으려면 택배사와 송장번호를 함께 적어야 합니다. 택배사와 송장번호 칸을 채워 다시 "
        f"실행하세요. {NOTHING}",
    ),
    (
        ClaimDecision(fixture_claim(ClaimType.EXCHANGE), True),
        "교환 승인에는 다시 보내는 상품의 택배사와 송장번호가 필요합니다. 택배사와 송장번호 칸을 채워 다시 "
        f"실행하세요. {NOTHING}",
    ),
    (
        ClaimDecision(fixture_claim(ClaimType.EXCHANGE), False, "이미 발송함"),
        "티몬 교환 거부사유는 '교환 상품 품절' 중 하나입니다('이미 발송함'은(는) 받지 않습니다). 거부사유를 고쳐 "
        f"다시 실행하세요. {NOTHING}",
    ),
    (
        ClaimDecision(fixture_claim(ClaimType.REDELIVERY), True, "", "", "684512345678"),
        "재배송 승인에는 다시 보내는 상품의 택배사와 송장번호가 필요합니다. 택배사와 송장번호 칸을 채워 다시 "
        f"실행하세요. {NOTHING}",
    ),
    (
        ClaimDecision(fixture_claim(ClaimType.REDELIVERY), False, "기타"),
        "티몬 API에는 재배송 요청을 거부하는 기능이 없습니다. 티몬 판매자센터에서 처리하거나 처리를 승인으로 바꾸세요. "
        f"{NOTHING}",
    ),
    (
        ClaimDecision(fixture_claim(ClaimType.EXCHANGE), True, "", "CJGLS", "684512345678"),
        f"택배사 코드 'CJGLS'는 티몬 택배사 코드가 아닙니다. 택배사를 다시 고르세요. {NOTHING}",
    ),
]


@pytest.mark.parametrize(("decision", "message"), REFUSED_BEFORE, ids=[str(i) for i in range(len(REFUSED_BEFORE))])
def test_a_decision_missing_what_its_call_needs_is_refused_before_anything_is_sent(
    decision: ClaimDecision, message: str
) -> None:
    """JCD1 needs the shipment's invoice ([T1], [T2] "송장번호와 택배사코드가 필수"), an exchange or redelivery approval
    the re-sent one ([T1] confirmExchangeOrders), a refusal one of the reasons TMON takes; no source refuses a
    redelivery. Such a decision gets a Rejected in Korean, and nothing (not even the claim read) goes to TMON."""
    outcome, replay = replayed(deciding(decision))
    error = outcome[CLAIM_KEY]
    assert isinstance(error, Rejected) and error.message == message
    assert replay.sent == [] and replay.unknown == []


def test_the_refusal_reasons_are_tmons_codes_with_their_source_words() -> None:
    assert Tmon.claim_reject_reasons == {
        ClaimType.CANCEL: ("이미 발송함",),
        ClaimType.RETURN: ("반품 상품 미도착",),
        ClaimType.EXCHANGE: ("교환 상품 품절",),
    }
    assert ClaimType.REDELIVERY not in Tmon.claim_reject_reasons


APPROVE_RETURN = ClaimDecision(fixture_claim(ClaimType.RETURN), True)
REFUSE_RETURN = ClaimDecision(fixture_claim(ClaimType.RETURN), False, "반품 상품 미도착")


@pytest.mark.parametrize(
    ("decision", "status", "message"),
    [
        (APPROVE_RETURN, "C2", None),
        (APPROVE_RETURN, "C3", None),
        (APPROVE_RETURN, "C4", None),
        (REFUSE_RETURN, "C9", None),
        (APPROVE_RETURN, "C8", "구매자가 철회한 요청입니다(티몬 상태: 반품철회). 처리할 것이 없어 보내지 않았습니다."),
        (REFUSE_RETURN, "C8", "구매자가 철회한 요청입니다(티몬 상태: 반품철회). 처리할 것이 없어 보내지 않았습니다."),
        (
            APPROVE_RETURN,
            "C9",
            "티몬에서 이미 거절된 클레임입니다(티몬 상태: 반품거절). 승인은 보내지 않았습니다. 바꾸려면 티몬 "
            "판매자센터에서 처리하세요.",
        ),
        (
            REFUSE_RETURN,
            "C3",
            "티몬에서 이미 승인된 클레임이라 거부할 수 없습니다(티몬 상태: 반품완료). 거부는 보내지 않았습니다. 티몬 "
            "판매자센터에서 확인하세요.",
        ),
        (
            APPROVE_RETURN,
            "C7",
            "티몬이 알 수 없는 클레임 상태(C7)를 보냈습니다. 보내지 않았습니다. 티몬 판매자센터에서 확인하세요.",
        ),
    ],
)
def test_a_claim_not_open_is_settled_by_what_tmon_shows(
    decision: ClaimDecision, status: str, message: str | None
) -> None:
    """[T1] getClaimStatus before every decision: C2/C3/C4 "취소가 반영 됬을경우" (an approval in effect: done), C9 거절
    (a refusal in effect: done), C8 철회 (the buyer withdrew: nothing to send). Nothing is written in any case."""
    outcome, replay = replayed(deciding(decision), Answers([status]))
    error = outcome[CLAIM_KEY]
    if message is None:
        assert error is None
    else:
        assert isinstance(error, Rejected) and error.message == message
    assert [c.call for c, _ in replay.sent] == ["token", "refund_detail"]


def test_a_claim_tmon_does_not_have_is_refused_and_claim_now_is_none() -> None:
    outcome, replay = replayed(deciding(APPROVE_RETURN), Answers([]))
    error = outcome[CLAIM_KEY]
    assert isinstance(error, Rejected)
    assert error.message == (
        "티몬에서 반품 클레임 8000000001을(를) 찾지 못했습니다. 클레임을 다시 수집해 확인하세요. 보내지 않았습니다."
    )
    assert [c.call for c, _ in replay.sent] == ["token", "refund_detail"]
    now, _ = replayed(lambda t: t.claim_now(fixture_claim(ClaimType.RETURN)), Answers([]))
    assert now is None


def test_a_refused_write_is_checked_against_the_claim_read_again() -> None:
    """TMON refused the approval, but the claim now reads completed ([T2]: "클레임 처리 완료된 건입니다.(C3)"): done.
    A refusal for want of the 회수 invoice ([T2]: "택배사코드, 송장번호 모두 입력해주세요") with the claim still open says
    what to fill."""
    done = httpx.Response(
        400, json={"ResultCode": "INVALID_CLAIM_STATUS", "Message": "클레임 처리 완료된 건입니다.(C3)"}
    )
    outcome, replay = replayed(deciding(APPROVE_RETURN), Answers(["C1", "C3"], write=done))
    assert outcome == {CLAIM_KEY: None}
    assert [c.call for c, _ in replay.sent] == ["token", "refund_detail", "refund_approve", "refund_detail"]

    wants = httpx.Response(
        400, json={"ResultCode": "MISSING_FIELD", "Message": "택배사코드, 송장번호 모두 입력해주세요"}
    )
    outcome, _ = replayed(deciding(APPROVE_RETURN), Answers(["C1"], write=wants))
    error = outcome[CLAIM_KEY]
    assert isinstance(error, Rejected)
    assert error.message == (
        "티몬이 반품 승인에 회수 송장을 요구합니다(택배사코드, 송장번호 모두 입력해주세요). 티몬에 회수 송장이 없으니, "
        "상품을 돌려받은 택배사와 송장번호를 적어 다시 실행하세요."
    )


@pytest.mark.parametrize(
    ("kind", "code", "status", "shown"),
    [
        (ClaimType.CANCEL, "C1", ClaimStatus.REQUESTED, "취소요청"),
        (ClaimType.CANCEL, "C2", ClaimStatus.REQUESTED, "취소승인"),  # approved, not completed: invoices stay held
        (ClaimType.CANCEL, "C3", ClaimStatus.DONE, "취소완료"),
        (ClaimType.CANCEL, "C4", ClaimStatus.DONE, "취소미입금취소"),
        (ClaimType.CANCEL, "C8", ClaimStatus.WITHDRAWN, "취소철회"),
        (
            ClaimType.CANCEL,
            "C9",
            ClaimStatus.WITHDRAWN,
            "취소거절",
        ),  # refused: it no longer stands, gives no stock back
        (ClaimType.RETURN, "C2", ClaimStatus.DONE, "반품승인"),
        (ClaimType.EXCHANGE, "C2", ClaimStatus.DONE, "교환승인"),
        (ClaimType.EXCHANGE, "C7", ClaimStatus.REQUESTED, "교환 상태 C7"),  # a code no source names: open (❓)
    ],
)
def test_claim_now_reads_the_claim_in_tmons_words(kind: ClaimType, code: str, status: ClaimStatus, shown: str) -> None:
    """[T1] ClaimServiceImpl.cancelRequests copies TMON's table: C1 요청, C2 승인, C3 완료, C4 미입금취소, C8 철회,
    C9 거절."""
    detail = {
        ClaimType.CANCEL: "cancel_detail",
        ClaimType.RETURN: "refund_detail",
        ClaimType.EXCHANGE: "exchange_detail",
    }
    now, replay = replayed(lambda t: t.claim_now(fixture_claim(kind)), Answers([code]))
    pickup = "" if kind is ClaimType.CANCEL else "CJ대한통운 684600000001"
    suffix = "(회수완료)" if code == "C1" and kind is not ClaimType.CANCEL else ""
    assert now == replace(fixture_claim(kind), status=status, shown=shown + suffix, pickup=pickup)
    assert [c.call for c, _ in replay.sent] == ["token", detail[kind]]


# -- the sandbox's claim states and transitions ----------------------------------------------------------------

NOW = 1_750_000_000.0  # 2025-06-16 00:06:40 KST
API = "/api/V1001"


def error(code: str, message: str) -> dict[str, str]:
    return {"ResultCode": code, "Message": message}


class Desk:
    """A sandbox session: seeded orders, their deals shipped on demand, claims raised through the control API."""

    def __init__(self, client: httpx.AsyncClient, headers: dict[str, str]) -> None:
        self.client, self.headers = client, headers

    async def seed(self, orders: int) -> list[str]:
        made = await sandbox_control(self.client, "tmon", "seed", {"orders": orders, "seed": 7})
        return list(made["orders"])

    async def deal(self, number: str) -> dict[str, Any]:
        deal: dict[str, Any] = (await self.client.get(f"{API}/orders/{number}", headers=self.headers)).json()["deals"][
            0
        ]
        return deal

    async def ship(self, number: str, confirm_only: bool = False) -> None:
        """The order's first deal confirmed (D2) and, unless ``confirm_only``, invoiced (D3)."""
        deal = await self.deal(number)
        options = [{"tmonDealOptionNo": o["tmonDealOptionNo"], "qty": o["qty"]} for o in deal["dealOptions"]]
        confirm = {"tmonDealNo": deal["tmonDealNo"], "tmonDealOptions": options}
        assert (await self.client.put(f"{API}/orders/{number}/confirm", headers=self.headers, json=confirm)).is_success
        if confirm_only:
            return
        invoice = {
            **confirm,
            "deliveryNo": deal["deliveryNo"],
            "invoice": {"deliveryCorp": 10001, "invoiceNo": "684512345678", "additionalInvoices": []},
        }
        assert (
            await self.client.post(f"{API}/orders/{number}/invoices", headers=self.headers, json=invoice)
        ).is_success

    async def raise_claim(self, number: str, kind: str, **more: Any) -> httpx.Response:
        body = {"market": "tmon", "order": number, "type": kind, **more}
        return await self.client.post("/__sandbox__/claims", json=body)

    async def claim(self, number: str, kind: str, **more: Any) -> str:
        answer = await self.raise_claim(number, kind, **more)
        assert answer.status_code == 200, answer.text
        return str(answer.json()["claimNo"])

    async def put(self, path: str, body: Any = None) -> httpx.Response:
        return await self.client.put(f"{API}/{path}", headers=self.headers, json=body)

    async def read(self, path: str) -> dict[str, Any]:
        answer = await self.client.get(f"{API}/{path}", headers=self.headers)
        assert answer.status_code == 200, answer.text
        found: dict[str, Any] = answer.json()
        return found


def on_desk(scenario: Callable[[Desk, AppClock], Awaitable[None]]) -> None:
    clock = AppClock(NOW)

    async def main(client: httpx.AsyncClient) -> None:
        await scenario(Desk(client, await tmon_login(client)), clock)

    run_sandbox(main, create_app(clock=clock, seed=0))


def test_claims_are_raised_only_in_a_state_the_buyer_can_raise_them_in() -> None:
    """A cancel before the deal is out of the seller's hands (D1–D3), a return, exchange or redelivery once it
    shipped (D3–D4); ``state: collected`` only for a return or an exchange (sandbox readings, docs/protocols/tmon.md)."""

    async def scenario(desk: Desk, clock: AppClock) -> None:
        new, shipped, old = await desk.seed(3)
        await desk.ship(shipped)
        await desk.ship(old)
        clock.now += 24 * 3600  # both invoices a day old: D4
        refused = await desk.raise_claim(new, "return")
        assert refused.status_code == 400
        assert refused.json()["error"].startswith("a return is raised on a deal in D3/D4; deal ")
        assert (await desk.raise_claim(old, "cancel")).json()["error"].endswith("is in D4")
        assert (await desk.raise_claim(new, "cancel", state="collected")).json() == {
            "error": "state 'collected' is for a return or an exchange"
        }
        assert (await desk.raise_claim(new, "cancel", state="gone")).status_code == 400
        assert (await desk.raise_claim(new, "cancel", typo=1)).status_code == 400
        assert (await desk.raise_claim(new, "withdraw")).json() == {
            "error": f"order {new} has no open claim to withdraw"
        }
        await desk.claim(new, "cancel")
        await desk.claim(shipped, "redelivery")
        await desk.claim(old, "exchange", state="picked_up")  # the ESM sandbox's word for it, taken too
        desk.headers = await tmon_login(desk.client)  # a token lives an hour
        assert (await desk.read(f"redeliveries/{await desk.claim(shipped, 'withdraw')}"))["claimStatus"] == "C8"
        await desk.claim(shipped, "return", state="collected")

    on_desk(scenario)


def test_a_return_is_approved_once_its_goods_are_back_or_with_their_invoice() -> None:
    """[T2] returnConfirm approves only after every item was collected and sends the collection invoice; without it
    TMON answers "택배사코드, 송장번호 모두 입력해주세요" ([T2]). Approved: C3 ([T1] sets C3), shown in the claim read."""

    async def scenario(desk: Desk, clock: AppClock) -> None:
        first, second = await desk.seed(2)
        for number in (first, second):
            await desk.ship(number)
        waiting = await desk.claim(first, "return")
        back = await desk.claim(second, "return", state="collected")
        needs = error("MISSING_FIELD", "택배사코드, 송장번호 모두 입력해주세요")
        assert (await desk.put(f"refunds/{waiting}/approve")).json() == needs
        half = {"returnDeliveryInvoice": {"deliveryCorp": 10001}}
        assert (await desk.put(f"refunds/{waiting}/approve", half)).json() == needs
        given = {"returnDeliveryInvoice": {"deliveryCorp": 10004, "invoiceNo": "31234567890"}}
        assert (await desk.put(f"refunds/{waiting}/approve", given)).status_code == 200
        assert (await desk.put(f"refunds/{back}/approve")).status_code == 200
        read = await desk.read(f"refunds/{waiting}")
        assert (read["claimType"], read["claimStatus"], read["approvedDate"], read["completedDate"]) == (
            "R",
            "C3",
            "2025-06-16 00:06:40",
            "2025-06-16 00:06:40",
        )
        assert read["returnDeliveryInvoice"] == {
            "deliveryCorp": 10004,
            "invoiceNo": "31234567890",
            "additionalInvoices": [],
        }
        assert read["originDeliveryInvoice"] == {
            "deliveryCorp": 10001,
            "invoiceNo": "684512345678",
            "additionalInvoices": [],
        }
        collected = await desk.read(f"refunds/{back}")
        assert collected["returnDeliveryInvoice"]["deliveryCorp"] == 10001
        assert collected["returnDeliveryCompletedDate"] == "2025-06-16 00:06:40"
        again = await desk.put(f"refunds/{back}/approve")
        assert again.json() == error("INVALID_CLAIM_STATUS", "클레임 처리 완료된 건입니다.(C3)")

    on_desk(scenario)


def test_refusals_take_tmons_reason_codes_and_a_detail_of_10_to_50_characters() -> None:
    """[T2] returnRefuse JRD5, exchangeRejectProc JXD3, each with a reasonDetail of 10 to 50 characters; a cancel
    JCD1 with its invoice. Refused: C9, and a second decision is refused."""

    async def scenario(desk: Desk, clock: AppClock) -> None:
        first, second = await desk.seed(2)
        for number in (first, second):
            await desk.ship(number)
        refund = await desk.claim(first, "return")
        exchange = await desk.claim(second, "exchange")
        assert (await desk.put(f"refunds/{refund}/reject", {})).json() == error(
            "MISSING_FIELD", "거부사유(reason): 필수 항목입니다."
        )
        assert (await desk.put(f"refunds/{refund}/reject", {"reason": "JXD3"})).json() == error(
            "INVALID_VALUE", "거부사유(reason): 허용되지 않는 값입니다: JXD3. 허용값: JRD5(반품상품 미도착)."
        )
        assert (await desk.put(f"refunds/{refund}/reject", {"reason": "JRD5"})).json() == error(
            "MISSING_FIELD", "거부 상세사유(reasonDetail): 필수 항목입니다."
        )
        assert (
            await desk.put(f"refunds/{refund}/reject", {"reason": "JRD5", "reasonDetail": "미도착"})
        ).json() == error(
            "INVALID_VALUE", "거부 상세사유(reasonDetail): 10자 이상 50자 이내로 입력해 주세요 (입력 3자)."
        )
        body = {"reason": "JRD5", "reasonDetail": "반품상품 미도착으로 인한 거절"}
        assert (await desk.put(f"refunds/{refund}/reject", body)).status_code == 200
        assert (await desk.put(f"refunds/{refund}/reject", body)).json() == error(
            "INVALID_CLAIM_STATUS", f"이미 거부된 클레임입니다: {refund} (claimStatus: C9)"
        )
        assert (await desk.put(f"refunds/{refund}/approve")).json()["Message"].startswith("이미 거부된 클레임입니다")
        refused = {"reason": "JXD3", "reasonDetail": "재고부족으로 인한 교환불가"}
        assert (await desk.put(f"exchanges/{exchange}/reject", refused)).status_code == 200
        assert (await desk.read(f"exchanges/{exchange}"))["claimStatus"] == "C9"
        assert (await desk.put(f"refunds/{exchange}/reject", body)).status_code == 404  # not a return
        rejections = {c["claimNo"]: c["rejection"] for c in (await sandbox_state(desk.client, "tmon"))["claims"]}
        assert rejections == {refund: body, exchange: refused}

    on_desk(scenario)


def test_an_exchange_or_redelivery_approved_with_the_resent_invoice_is_on_its_way_then_complete() -> None:
    """[T1] confirmExchangeOrders: the re-sent item's redeliveryInvoice (a redelivery on the refunds path); [T1] maps C2
    to 교환배송중 and C3 to 교환완료. Without the invoice: [T2]'s quote of TMON's refusal."""

    async def scenario(desk: Desk, clock: AppClock) -> None:
        first, second = await desk.seed(2)
        for number in (first, second):
            await desk.ship(number)
        exchange = await desk.claim(first, "exchange")
        redelivery = await desk.claim(second, "redelivery")
        needs = error("MISSING_FIELD", "택배사코드, 송장번호 모두 입력해주세요")
        assert (await desk.put(f"exchanges/{exchange}/approve", {})).json() == needs
        assert (await desk.put(f"refunds/{redelivery}/approve", {})).json() == needs
        resent = {"redeliveryInvoice": {"deliveryCorp": 10003, "invoiceNo": "420011112222"}}
        assert (await desk.put(f"exchanges/{exchange}/approve", resent)).status_code == 200
        assert (await desk.put(f"refunds/{redelivery}/approve", resent)).status_code == 200
        for path in (f"exchanges/{exchange}", f"redeliveries/{redelivery}"):
            read = await desk.read(path)
            assert (read["claimStatus"], read["approvedDate"], read["completedDate"]) == (
                "C2",
                "2025-06-16 00:06:40",
                None,
            )
            assert read["reDeliveryInvoice"] == {
                "deliveryCorp": 10003,
                "invoiceNo": "420011112222",
                "additionalInvoices": [],
            }
        assert (await desk.put(f"exchanges/{exchange}/approve", resent)).json() == error(
            "INVALID_CLAIM_STATUS", "클레임 처리 완료된 건입니다.(C2)"
        )
        clock.now += 24 * 3600
        desk.headers = await tmon_login(desk.client)  # a token lives an hour
        for path in (f"exchanges/{exchange}", f"redeliveries/{redelivery}"):
            read = await desk.read(path)
            assert (read["claimStatus"], read["completedDate"]) == ("C3", "2025-06-17 00:06:40")

    on_desk(scenario)


def test_the_buyer_withdraws_an_open_claim_and_no_decision_goes_on_it() -> None:
    async def scenario(desk: Desk, clock: AppClock) -> None:
        [number] = await desk.seed(1)
        claim_no = await desk.claim(number, "cancel")
        answer = await desk.raise_claim(number, "withdraw")
        assert (answer.status_code, answer.json()) == (200, {"claimNo": claim_no})
        assert (await desk.read(f"cancellations/{claim_no}"))["claimStatus"] == "C8"
        params = {"startDate": "2025-06-15 00:00", "endDate": "2025-06-16 00:10", "claimStatus": "C8"}
        found = (await desk.client.get(f"{API}/cancellations/search", headers=desk.headers, params=params)).json()
        assert [c["claimNo"] for c in found["items"]] == [claim_no]
        assert (await desk.put(f"cancellations/{claim_no}/approve")).json() == error(
            "INVALID_CLAIM_STATUS", f"구매자가 철회한 클레임입니다: {claim_no} (claimStatus: C8)"
        )
        assert (await desk.deal(number))["deliveryStatus"] == "D1"  # the order goes on
        await desk.claim(number, "cancel")  # a new claim may be raised after a withdrawal

    on_desk(scenario)


# -- one round trip: adapter ↔ sandbox ------------------------------------------------------------------------


def test_every_claim_type_raised_collected_decided_once_and_read_back() -> None:
    """Seed orders, ship some, raise each claim type (a return with its goods collected, one without), let a buyer
    withdraw one; collect them (TMON's words and the 회수 invoice), decide each with TMON's own call, read each back;
    deciding again sends nothing, and the withdrawn claim is refused both times."""
    recorder = Recorder(create_app(clock=lambda: time.time() - 3600, seed=5))  # an hour old: inside TMON's window
    seen: dict[str, Any] = {}

    async def scenario(tmon: Tmon) -> None:
        http = tmon.client.http
        orders = (await sandbox_control(http, "tmon", "seed", {"orders": 7, "seed": 11}))["orders"]
        units: list[list[OrderLine]] = []
        for number in orders:
            lines = await tmon.get_order(number, "main")
            units.append([x for x in lines if x.product_no == lines[0].product_no])  # the deal a claim is on
        assert set((await tmon.confirm(units[1:6])).values()) == {None}
        shipments = [
            Shipment(tmon.shipment_key(u[0]), tuple(u), "10001", f"68451234{i:04d}") for i, u in enumerate(units)
        ]
        assert set((await tmon.send_invoices(shipments[2:6])).values()) == {None}
        kinds = ["cancel", "cancel", "return", "return", "exchange", "redelivery", "cancel"]
        for i, (number, kind) in enumerate(zip(orders, kinds, strict=True)):
            extra = {"state": "collected"} if i == 2 else {}
            await sandbox_control(http, "tmon", "claims", {"order": number, "type": kind, **extra})
        await sandbox_control(http, "tmon", "claims", {"order": orders[6], "type": "withdraw"})
        start = now_kst() - dt.timedelta(days=2)
        claims = await tmon.collect_claims(start, now_kst() + dt.timedelta(minutes=1), "main", latest=True)
        by_order = {c.order_no: c for c in claims}
        seen["before"] = [by_order[number] for number in orders]
        c = seen["before"]
        decisions = [
            ClaimDecision(c[0], True),
            ClaimDecision(c[1], False, "이미 발송함", "10001", "684512340011"),
            ClaimDecision(c[2], True),
            ClaimDecision(c[3], False, "반품 상품 미도착"),
            ClaimDecision(c[4], True, "", "10003", "420011112222"),
            ClaimDecision(c[5], True, "", "10003", "420011113333"),
            ClaimDecision(c[6], True),
        ]
        seen["keys"] = [d.key for d in decisions]
        seen["first"] = await tmon.decide_claims(decisions)
        seen["writes"] = [(e.method, e.path, e.body) for e in recorder.market("PUT") if "/orders/" not in e.path]
        seen["now"] = [await tmon.claim_now(claim) for claim in c]
        seen["second"] = await tmon.decide_claims(decisions)
        seen["writes_after"] = len([e for e in recorder.market("PUT") if "/orders/" not in e.path])
        seen["state"] = await sandbox_state(http, "tmon")

    async def main() -> None:
        client = sandbox_client("tmon", recorder, FakeClock())
        credentials = TmonCredentials(
            "tmon-main", "sandbox-secret", "sellerbot", "sandbox-partner-token", "501", "batch-sandbox-k1"
        )
        async with client.http:
            await scenario(Tmon(client, credentials))

    asyncio.run(main())
    before = seen["before"]
    assert [(c.kind, c.status, c.shown) for c in before] == [
        (ClaimType.CANCEL, ClaimStatus.REQUESTED, "취소요청"),
        (ClaimType.CANCEL, ClaimStatus.REQUESTED, "취소요청"),
        (ClaimType.RETURN, ClaimStatus.REQUESTED, "반품요청(회수완료)"),
        (ClaimType.RETURN, ClaimStatus.REQUESTED, "반품요청"),
        (ClaimType.EXCHANGE, ClaimStatus.REQUESTED, "교환요청"),
        (ClaimType.REDELIVERY, ClaimStatus.REQUESTED, "재배송요청"),
        (ClaimType.CANCEL, ClaimStatus.WITHDRAWN, "취소철회"),
    ]
    pickups = [c.pickup for c in before]
    assert pickups[2].startswith("CJ대한통운 6846") and len(pickups[2].split()[1]) == 12
    assert pickups[:2] + pickups[3:] == [""] * 6
    assert all(c.buyer and c.reason and c.requested_at and c.line_no == "" for c in before)

    keys = seen["keys"]
    withdrawn = seen["first"][keys[6]]
    assert isinstance(withdrawn, Rejected)
    assert withdrawn.message == "구매자가 철회한 요청입니다(티몬 상태: 취소철회). 처리할 것이 없어 보내지 않았습니다."
    assert {k: v for k, v in seen["first"].items() if k != keys[6]} == dict.fromkeys(keys[:6])
    no = [c.claim_no for c in before]
    assert sorted(seen["writes"]) == sorted(
        [  # each decision once (they go side by side)
            ("PUT", f"/api/V1001/cancellations/{no[0]}/approve", b""),
            (
                "PUT",
                f"/api/V1001/cancellations/{no[1]}/reject",
                b'{"reason":"JCD1","deliveryInvoice":{"deliveryCorp":10001,"invoiceNo":"684512340011"}}',
            ),
            ("PUT", f"/api/V1001/refunds/{no[2]}/approve", b""),
            (
                "PUT",
                f"/api/V1001/refunds/{no[3]}/reject",
                '{"reason":"JRD5","reasonDetail":"반품상품 미도착으로 인한 거절"}'.encode(),
            ),
            (
                "PUT",
                f"/api/V1001/exchanges/{no[4]}/approve",
                b'{"redeliveryInvoice":{"deliveryCorp":10003,"invoiceNo":"420011112222"}}',
            ),
            (
                "PUT",
                f"/api/V1001/refunds/{no[5]}/approve",
                b'{"redeliveryInvoice":{"deliveryCorp":10003,"invoiceNo":"420011113333"}}',
            ),
        ]
    )
    assert [(c.status, c.shown) for c in seen["now"]] == [
        (ClaimStatus.DONE, "취소완료"),
        (ClaimStatus.WITHDRAWN, "취소거절"),
        (ClaimStatus.DONE, "반품완료"),
        (ClaimStatus.WITHDRAWN, "반품거절"),
        (ClaimStatus.DONE, "교환승인"),
        (ClaimStatus.DONE, "재배송승인"),
        (ClaimStatus.WITHDRAWN, "취소철회"),
    ]
    second = seen["second"]
    assert {k: v for k, v in second.items() if k != keys[6]} == dict.fromkeys(keys[:6])  # in effect: done
    assert isinstance(second[keys[6]], Rejected)
    assert seen["writes_after"] == 6  # nothing sent the second time
    statuses = {c["claimNo"]: c["status"] for c in seen["state"]["claims"]}
    assert [statuses[n] for n in no] == ["C3", "C9", "C3", "C9", "C2", "C2", "C8"]
    deals = {o["tmonOrderNo"]: o["deals"][0]["deliveryStatus"] for o in seen["state"]["orders"]}
    assert deals[before[0].order_no] == "C" and deals[before[1].order_no] == "D3"  # cancelled; shipped with the invoice
