"""클레임 처리 on G마켓·옥션 (ESM 2.0): ``decide_claims`` sends each decision with ESM's own call — 취소승인 [E 51],
반품승인 [E 57], 교환 재발송 송장 [E 62] (+ 보류 해제 [E 64] on a held G마켓 exchange) — and refuses on its row what ESM
has no call for (every 거부, 재배송); ``claim_now`` reads one claim back by order number [E 50/53/59]. The adapter is
checked against exact requests (httpx.MockTransport), the sandbox per transition, and both together in a round trip."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import httpx
import pytest
from helpers import AppClock, FakeClock, sandbox_client

from batch.marketplaces.base import ClientSettings, MarketClient, MarketError, Rejected
from batch.marketplaces.esm import Esm, EsmCredentials
from batch.marketplaces.esm_orders import AUCTION, GMARKET, Site
from batch.marketplaces.types import ClaimDecision
from batch.models import Claim, ClaimStatus, ClaimType
from batch.sandbox.app import create_app

MASTER, SECRET = "sandbox-esm-master", "sandbox-esm-secret-key"
KST = dt.timezone(dt.timedelta(hours=9))
NOW = dt.datetime(2025, 6, 18, 10, 0, tzinfo=KST).timestamp()  # the sandbox's clock
Handler = Callable[[httpx.Request], httpx.Response]


def ok(data: Any = None, **extra: Any) -> httpx.Response:
    return httpx.Response(200, json={"ResultCode": 0, "Message": "Success", **extra, "Data": data})


def fail(code: int, message: str, **extra: Any) -> httpx.Response:
    return httpx.Response(200, json={"ResultCode": code, "Message": message, **extra, "Data": None})


class Wire:
    """A MockTransport answering ``routes`` ("METHOD /path" exactly -> a response, a list used in turn, or a handler);
    keeps every request as (method, path, JSON body)."""

    def __init__(self, routes: dict[str, httpx.Response | list[httpx.Response] | Handler]) -> None:
        self.routes = routes
        self.sent: list[tuple[str, str, Any]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        sent = json.loads(request.content) if request.content else None
        self.sent.append((request.method, request.url.path, sent))
        found = self.routes.get(f"{request.method} {request.url.path}")
        if found is None:
            return httpx.Response(404, text="no route")
        if isinstance(found, list):
            return found.pop(0)
        return found if isinstance(found, httpx.Response) else found(request)


def adapter(routes: dict[str, Any]) -> tuple[Esm, Wire]:
    wire = Wire(routes)
    http = httpx.AsyncClient(transport=httpx.MockTransport(wire), base_url="https://sa2.esmplus.com")
    client = MarketClient("esm", http, ClientSettings(rate_limit=0, max_attempts=1), clock=FakeClock())
    esm = Esm(client, EsmCredentials(MASTER, SECRET, "batch", "sandboxgmkt", "sandboxiac"))
    esm.wall = lambda: NOW
    return esm, wire


def run(coro: Any) -> Any:
    return asyncio.run(coro)


def claim(
    order_no: str,
    kind: ClaimType,
    site: Site = GMARKET,
    status: ClaimStatus = ClaimStatus.REQUESTED,
    shown: str = "",
) -> Claim:
    return Claim(
        market="esm", account="main", claim_no=order_no, order_no=order_no, product_no="1535172911",
        product_name="", kind=kind, status=status, reason="단순변심", buyer="", requested_at="2025-06-18 09:30:00",
        site=site.name, line_no=order_no, shown=shown,
    )  # fmt: skip


def by_number(kind: str, site_type: int, state: int, order_no: int, **dates: str) -> dict[str, Any]:
    """The documented look-up by order number ([E 50/53/59] Type 0), for the claim's request day."""
    return {
        "SiteType": site_type,
        kind: state,
        "Type": 0,
        "StartDate": dates.get("start", "2025-06-18"),
        "EndDate": dates.get("end", "2025-06-19"),
        "OrderNo": order_no,
    }


def row(order_no: int, field: str, state: int, **extra: Any) -> dict[str, Any]:
    return {
        field: state,
        "OrderNo": order_no,
        "SiteGoodsNo": "1535172911",
        "RequestDate": "2025-06-18T09:30:00",
        **extra,
    }


CANCEL, RETURN, EXCHANGE = ClaimType.CANCEL, ClaimType.RETURN, ClaimType.EXCHANGE
G, A = "gmarket", "auction"


# --- the adapter: what each decision sends ------------------------------------------------------------------


def test_esm_takes_no_refusal_reason_for_any_claim() -> None:
    esm, _ = adapter({})
    assert dict(esm.claim_reject_reasons) == {}  # [E 51] no 취소거부; returns/exchanges only have 보류 ([E 56]/[E 61])


def test_each_approval_is_its_own_call_with_the_sites_code() -> None:
    esm, wire = adapter(
        {
            "PUT /claim/v1/sa/Cancel/3000000001": ok(),
            "PUT /claim/v1/sa/return/1600000002": ok(BizRuleCode=""),
            "PUT /claim/v1/sa/return/3000000003": fail(0, "반품수거완료(환불대기)상태로 처리완료되었습니다(장바구니내 남아있는 클레임건이 있습니다.)"),
            "POST /claim/v1/sa/exchange/1600000004/resend": ok(BizRuleCode=""),
        }
    )  # fmt: skip
    decisions = [
        ClaimDecision(claim("3000000001", CANCEL), approve=True),
        ClaimDecision(claim("1600000002", RETURN, AUCTION), approve=True),
        ClaimDecision(claim("3000000003", RETURN), approve=True),
        ClaimDecision(
            claim("1600000004", EXCHANGE, AUCTION), approve=True, courier_code="10013", number="123456789012"
        ),
    ]
    assert run(esm.decide_claims(decisions)) == {
        "3000000001/1535172911": None,
        "1600000002/1535172911": None,
        "3000000003/1535172911": None,  # [E 57]: ResultCode 0 with the 환불대기 words is a success
        "1600000004/1535172911": None,
    }
    assert sorted(wire.sent, key=lambda s: s[1]) == [
        ("PUT", "/claim/v1/sa/Cancel/3000000001", {"SiteType": 2}),
        ("POST", "/claim/v1/sa/exchange/1600000004/resend", {"SiteType": 1, "DeliveryCompCode": 10013, "InvoiceNo": "123456789012"}),
        ("PUT", "/claim/v1/sa/return/1600000002", {"SiteType": 1}),
        ("PUT", "/claim/v1/sa/return/3000000003", {"SiteType": 2}),
    ]  # fmt: skip


def test_what_esm_has_no_call_for_is_refused_on_its_row_and_nothing_is_sent() -> None:
    esm, wire = adapter({})
    decisions = {
        "cancel": ClaimDecision(claim("1", CANCEL), approve=False, courier_code="10013", number="123456789012"),
        "return": ClaimDecision(claim("2", RETURN, AUCTION), approve=False, reason="반품 상품 미도착"),
        "exchange": ClaimDecision(claim("3", EXCHANGE), approve=False, reason="기타"),
        "no number": ClaimDecision(claim("4", EXCHANGE), approve=True, courier_code="10013"),
        "no courier": ClaimDecision(claim("5", EXCHANGE, AUCTION), approve=True, number="123456789012"),
        "odd courier": ClaimDecision(claim("6", EXCHANGE), approve=True, courier_code="CJ", number="123456789012"),
        "redelivery": ClaimDecision(claim("7", ClaimType.REDELIVERY), approve=True),
        "withdrawn": ClaimDecision(claim("8", RETURN, status=ClaimStatus.WITHDRAWN, shown="반품철회"), approve=True),
        "unknown site": ClaimDecision(replace(claim("9", CANCEL), site=""), approve=True),
    }
    outcomes = run(esm.decide_claims(list(decisions.values())))
    said = {name: outcomes[d.key] for name, d in decisions.items()}
    assert all(isinstance(error, Rejected) for error in said.values())
    assert wire.sent == []
    words = {name: str(error) for name, error in said.items()}
    assert words["cancel"] == (
        "G마켓·옥션(ESM)에는 취소거부 기능이 없습니다. 이미 발송했다면 ESM+에서 그 주문을 발송처리(송장 입력)하세요: "
        "ESM은 발송처리로 취소요청을 거부합니다. 아니면 처리를 승인으로 바꾸세요."
    )
    assert words["return"].startswith(
        "G마켓·옥션(ESM)에는 반품거부 기능이 없습니다. 반품을 받지 않으려면 ESM+에서 반품보류"
    )
    assert words["exchange"].startswith("G마켓·옥션(ESM)에는 교환거부 기능이 없습니다.")
    assert words["no number"] == (
        "G마켓 주문 4: 교환 승인에는 다시 보내는 상품의 택배사와 송장번호가 필요합니다. 택배사·송장번호 칸을 채운 뒤 "
        "다시 실행하세요."
    )
    assert words["no courier"].startswith("옥션 주문 5: 교환 승인에는")
    assert words["odd courier"] == "이 택배사는 G마켓·옥션 택배사 코드가 없습니다. 다른 택배사를 고르세요."
    assert words["redelivery"] == "G마켓·옥션(ESM)에는 재배송 클레임이 없습니다. ESM+에서 주문을 확인하세요."
    assert (
        words["withdrawn"]
        == "구매자가 철회한 요청입니다(ESM: 반품철회): G마켓 주문 8의 반품요청은 처리할 것이 없습니다."
    )
    assert words["unknown site"].startswith("G마켓·옥션 클레임 9의 사이트(G마켓/옥션)를 모릅니다.")


@pytest.mark.parametrize(
    ("kind", "site", "path", "answer"),
    [
        (CANCEL, GMARKET, "PUT /claim/v1/sa/Cancel/1", fail(8668, "ShowAlertException$이미 취소 승인 되었습니다.")),
        (CANCEL, AUCTION, "PUT /claim/v1/sa/Cancel/1", fail(8668, "이미 취소 승인 되었습니다", BizRuleCode="W8-2")),
        (RETURN, GMARKET, "PUT /claim/v1/sa/return/1", fail(5800, "이미 수거완료된 건입니다.")),
        (RETURN, GMARKET, "PUT /claim/v1/sa/return/1", fail(5800, "이미 환불된 건입니다.")),
        (RETURN, AUCTION, "PUT /claim/v1/sa/return/1", fail(8668, "이미 처리된 건입니다", BizRuleCode="W18-1")),
    ],
)
def test_a_decision_esm_says_is_in_effect_already_is_done(kind: ClaimType, site: Site, path: str, answer: Any) -> None:
    esm, wire = adapter({path: answer})
    assert run(esm.decide_claims([ClaimDecision(claim("1", kind, site), approve=True)])) == {"1/1535172911": None}
    assert [(m, p) for m, p, _ in wire.sent] == [tuple(path.split(" "))]  # one call, no read


def test_a_refusal_of_the_claims_state_is_read_back_by_order_number() -> None:
    cancel_rows = {
        "1": [row(1, "CancelStatus", 4, WithdrawDate="2025-06-18T09:40:00")],  # 취소철회
        "2": [row(2, "CancelStatus", 3)],  # 취소완료 (ESM cancels after 24 h)
        "3": [row(3, "CancelStatus", 1)],  # still 취소요청: ESM's refusal stands
    }

    def cancels(request: httpx.Request) -> httpx.Response:
        return ok(cancel_rows[str(json.loads(request.content)["OrderNo"])])

    def returns(request: httpx.Request) -> httpx.Response:
        asked = json.loads(request.content)
        if asked["ReturnStatus"] == 5:
            return ok([row(4, "ReturnStatus", 5)])
        return fail(99999, "주문정보가 없습니다")

    esm, wire = adapter(
        {
            "PUT /claim/v1/sa/Cancel/1": fail(8668, "ShowAlertException$취소 승인 대상이 없습니다"),
            "PUT /claim/v1/sa/Cancel/2": fail(8668, "취소 가능한 주문상태가 아닙니다", BizRuleCode="W8-1"),
            "PUT /claim/v1/sa/Cancel/3": fail(8668, "ShowAlertException$취소 승인 대상이 없습니다"),
            "POST /claim/v1/sa/Cancels": cancels,
            "PUT /claim/v1/sa/return/4": fail(5900, "ReturnApproveFlowException$반품 정보 조회 실패"),
            "POST /claim/v1/sa/Returns": returns,
            "PUT /claim/v1/sa/return/5": fail(8668, "처리 할 수 없는 주문상태입니다", BizRuleCode="W18-3"),
            "POST /claim/v1/sa/exchange/6/resend": fail(8668, "요청한 주문번호가 반품 및 교환 배송건이 아닙니다.", BizRuleCode="W22-4"),
        }
    )  # fmt: skip
    decisions = [
        ClaimDecision(claim("1", CANCEL), approve=True),
        ClaimDecision(claim("2", CANCEL, AUCTION), approve=True),
        ClaimDecision(claim("3", CANCEL), approve=True),
        ClaimDecision(claim("4", RETURN), approve=True),
        ClaimDecision(claim("5", RETURN, AUCTION), approve=True),
        ClaimDecision(claim("6", EXCHANGE, AUCTION), approve=True, courier_code="10013", number="123456789012"),
    ]
    out = {k.split("/")[0]: v for k, v in run(esm.decide_claims(decisions)).items()}
    assert str(out["1"]) == (
        "구매자가 철회한 요청입니다(ESM: 취소철회): G마켓 주문 1의 취소요청은 처리할 것이 없습니다. 송장 등록으로 "
        "취소요청이 거부된 주문도 이렇게 보입니다."
    )
    assert out["2"] is None  # cancelled: what the approval asked for
    assert str(out["3"]) == (
        "G마켓 취소승인(주문 3): 취소승인할 대상이 없습니다(철회되었거나 이미 처리되었을 수 있습니다). ESM+에서 주문 "
        "상태를 확인하세요."
    )
    assert isinstance(out["3"], Rejected) and out["3"].code == "8668"
    assert str(out["4"]) == "구매자가 철회한 요청입니다(ESM: 반품철회): G마켓 주문 4의 반품요청은 처리할 것이 없습니다."
    # [E 57] W18-3 and [E 62] W22-4 name a withdrawn claim themselves: no read
    assert (
        str(out["5"])
        == "옥션 반품승인(주문 5): 구매자가 철회한 요청입니다(ESM이 받지 않았습니다). 처리할 것이 없습니다."
    )
    assert str(out["6"]).startswith("옥션 교환 재발송(주문 6): 구매자가 철회한 요청입니다")
    reads = [(p, b) for m, p, b in wire.sent if p.endswith(("Cancels", "Returns"))]
    assert sorted((p, b["SiteType"], b.get("CancelStatus"), b["OrderNo"]) for p, b in reads if "Cancels" in p) == [
        ("/claim/v1/sa/Cancels", 1, 0, 2),
        ("/claim/v1/sa/Cancels", 3, 0, 1),
        ("/claim/v1/sa/Cancels", 3, 0, 3),
    ]
    assert [b for p, b in reads if "Returns" in p] == [by_number("ReturnStatus", 2, n, 4) for n in (1, 2, 3, 4, 5)]


def test_claim_now_reads_one_claim_by_its_order_number() -> None:
    def returns(request: httpx.Request) -> httpx.Response:
        asked = json.loads(request.content)
        if asked["ReturnStatus"] == 5:  # an older return of the order, withdrawn
            return ok([row(7, "ReturnStatus", 5, RequestDate="2025-06-10T08:00:00")])
        if asked["ReturnStatus"] == 2:
            pickup = {"Status": 1, "DeliveryCompName": "CJ 대한통운 택배", "InvoiceNo": "603000000001"}
            return ok([row(7, "ReturnStatus", 2, PickupInfo=pickup)])
        return fail(99999, "주문정보가 없습니다")

    esm, wire = adapter(
        {
            "POST /claim/v1/sa/Cancels": ok([row(5, "CancelStatus", 2, SiteType=3)]),
            "POST /claim/v1/sa/Returns": returns,
            "POST /claim/v1/sa/Exchanges": fail(99999, "API Error - 클레임 정보가 없습니다"),
        }
    )
    cancel = run(esm.claim_now(claim("5", CANCEL)))
    assert (cancel.status, cancel.shown, cancel.line_no, cancel.pickup) == (ClaimStatus.DONE, "취소중", "5", "")
    returned = run(esm.claim_now(claim("7", RETURN)))
    assert (returned.status, returned.shown, returned.pickup, returned.site) == (
        ClaimStatus.REQUESTED, "반품수거완료", "CJ 대한통운 택배 603000000001", "gmarket"
    )  # fmt: skip
    assert run(esm.claim_now(claim("8", EXCHANGE, AUCTION))) is None  # 옥션: no state 4 to ask ([E 59] "G마켓만")
    undated = run(esm.claim_now(replace(claim("7", RETURN), requested_at="")))
    assert undated is not None and undated.shown == "반품수거완료"  # the first row found
    sent = [(p, b) for _, p, b in wire.sent]
    assert sent[0] == ("/claim/v1/sa/Cancels", by_number("CancelStatus", 3, 0, 5))
    assert [b["ReturnStatus"] for p, b in sent[1:3]] == [1, 2]  # stops at the row requested when the claim was
    assert sent[1][1] == by_number("ReturnStatus", 2, 1, 7)
    assert [(b["SiteType"], b["ExchangeStatus"]) for p, b in sent[3:7]] == [(1, 1), (1, 2), (1, 3), (1, 5)]
    today = dt.datetime.now(KST).date()
    assert (sent[7][1]["StartDate"], sent[7][1]["EndDate"]) == (
        (today - dt.timedelta(days=5)).isoformat(),
        (today + dt.timedelta(days=1)).isoformat(),
    )


def test_an_exchange_shown_as_re_sent_is_read_back_and_never_overwritten() -> None:
    resent = {"ResendDate": "2025-06-18T09:50:00", "DeliveryCompName": "한진택배", "InvoiceNo": "987654321098"}
    esm, wire = adapter({"POST /claim/v1/sa/Exchanges": ok([row(9, "ExchangeStatus", 0, ResendInfo=resent)])})
    done = claim("9", EXCHANGE, status=ClaimStatus.DONE, shown="배송중/배송완료(재발송 처리후)")
    same = ClaimDecision(done, approve=True, courier_code="10007", number="9876-5432-1098")
    other = ClaimDecision(replace(done, product_no="x"), approve=True, courier_code="10007", number="111122223333")
    out = run(esm.decide_claims([same, other]))
    assert out[same.key] is None
    assert str(out[other.key]) == (
        "G마켓 주문 9: 이미 재발송 처리된 교환입니다(송장 한진택배 987654321098). 보내지 않았습니다. 송장을 고치려면 "
        "ESM+에서 고치세요."
    )
    assert {p for _, p, _ in wire.sent} == {"/claim/v1/sa/Exchanges"}  # read only: no resend


def test_a_refused_resend_is_done_only_with_our_number() -> None:
    resent = {"DeliveryCompName": "CJ 대한통운 택배", "InvoiceNo": "123456789012"}
    esm, _ = adapter(
        {
            "POST /claim/v1/sa/exchange/9/resend": fail(99999, "API Error - 클레임 정보가 없습니다"),
            "POST /claim/v1/sa/Exchanges": ok([row(9, "ExchangeStatus", 0, ResendInfo=resent)]),
        }
    )
    ours = ClaimDecision(claim("9", EXCHANGE), approve=True, courier_code="10013", number="123456789012")
    theirs = ClaimDecision(replace(claim("9", EXCHANGE), product_no="x"), approve=True, courier_code="10013",
                           number="555566667777")  # fmt: skip
    out = run(esm.decide_claims([ours, theirs]))
    assert out[ours.key] is None
    assert str(out[theirs.key]).startswith(
        "G마켓 주문 9: 이미 재발송 처리된 교환입니다(송장 CJ 대한통운 택배 123456789012)"
    )


def test_a_held_gmarket_exchange_is_released_with_its_resend() -> None:
    held = "교환보류"
    esm, wire = adapter(
        {
            "POST /claim/v1/sa/exchange/1/resend": ok(),
            "DELETE /claim/v1/sa/exchange/1/hold": ok(),
            "POST /claim/v1/sa/exchange/2/resend": ok(BizRuleCode=""),
            "POST /claim/v1/sa/exchange/3/resend": ok(),
            "DELETE /claim/v1/sa/exchange/3/hold": fail(99999, "주문 정보가 없습니다."),
            "POST /claim/v1/sa/Exchanges": ok([row(3, "ExchangeStatus", 3)]),
        }
    )
    invoice = {"courier_code": "10013", "number": "123456789012"}
    decisions = [
        ClaimDecision(claim("1", EXCHANGE, shown=held), approve=True, **invoice),
        ClaimDecision(claim("2", EXCHANGE, AUCTION, shown=held), approve=True, **invoice),  # 옥션 releases by itself
        ClaimDecision(claim("3", EXCHANGE, shown=held), approve=True, **invoice),
    ]
    out = {k.split("/")[0]: v for k, v in run(esm.decide_claims(decisions)).items()}
    assert (out["1"], out["2"]) == (None, None)
    assert str(out["3"]) == (
        "G마켓 주문 3: 재발송 송장은 등록했지만 교환보류를 풀지 못했습니다(G마켓 교환보류 해제(주문 3): ESM이 받지 "
        "않았습니다 — 주문 정보가 없습니다. (결과코드 99999). 내용을 고친 뒤 다시 보내세요.). ESM+에서 보류를 해제하세요."
    )
    assert [(m, p, b) for m, p, b in wire.sent if p.endswith("/hold")] == [
        ("DELETE", "/claim/v1/sa/exchange/1/hold", {"SiteType": 2}),
        ("DELETE", "/claim/v1/sa/exchange/3/hold", {"SiteType": 2}),
    ]


def test_a_release_that_fails_after_the_hold_went_is_done() -> None:
    esm, _ = adapter(
        {
            "POST /claim/v1/sa/exchange/3/resend": ok(),
            "DELETE /claim/v1/sa/exchange/3/hold": fail(8668, "ShowAlertException$교환 보류 상태가 아닙니다"),
            "POST /claim/v1/sa/Exchanges": lambda r: ok(
                [row(3, "ExchangeStatus", 0)] if json.loads(r.content)["ExchangeStatus"] == 4 else []
            ),
        }
    )
    decision = ClaimDecision(claim("3", EXCHANGE, shown="교환보류"), approve=True, courier_code="10013", number="1")
    assert run(esm.decide_claims([decision])) == {decision.key: None}


# --- the sandbox: each claim's transitions, refusals in ESM's shapes ------------------------------------------


class Box:
    """The sandbox app, an adapter on it and the control API."""

    def __init__(self) -> None:
        self.app = create_app(clock=AppClock(NOW))
        self.client: MarketClient = sandbox_client("esm", self.app, FakeClock())
        self.esm = Esm(self.client, EsmCredentials(MASTER, SECRET, "batch", "sandboxgmkt", "sandboxiac"))
        self.esm.wall = lambda: NOW

    async def control(self, action: str, body: dict[str, Any], status: int = 200) -> Any:
        answer = await self.client.http.post(f"/__sandbox__/{action}", json={"market": "esm", **body})
        assert answer.status_code == status, answer.text
        return answer.json()

    async def state(self) -> dict[str, Any]:
        found: dict[str, Any] = (await self.client.http.get("/__sandbox__/state", params={"market": "esm"})).json()
        return found

    async def call(self, method: str, path: str, site: Site, body: Any = None) -> Any:
        """A call signed as the adapter signs one for ``site`` ([E README])."""
        headers = {"Authorization": f"Bearer {self.esm.token(site)}"}
        return (await self.client.http.request(method, path, json=body, headers=headers)).json()

    async def order(self, site: str, seed: int, *, ship: bool = True, confirm: bool = True) -> int:
        """One seeded order of ``site``, confirmed ([E 68]) and shipped ([E 70]) unless asked not to be."""
        [number] = (await self.control("seed", {"orders": 1, "seed": seed, "site": site}))["orders"]
        where = GMARKET if site == G else AUCTION
        if confirm:
            assert (await self.call("POST", f"/shipping/v1/Order/OrderCheck/{number}", where))["ResultCode"] == 0
        if ship:
            invoice = {"OrderNo": number, "ShippingDate": "2025-06-18T09:30:00", "DeliveryCompanyCode": 10013,
                       "InvoiceNo": "123456789012"}  # fmt: skip
            assert (await self.call("POST", "/shipping/v1/Delivery/ShippingInfo", where, invoice))["ResultCode"] == 0
        return int(number)

    async def claim(self, number: int, kind: str, **extra: Any) -> dict[str, Any]:
        made: dict[str, Any] = await self.control("claims", {"order": number, "type": kind, **extra})
        return made

    async def rows(self, path: str, site: Site, field: str, state: int, number: int) -> list[dict[str, Any]]:
        asked = by_number(field, 3 if field == "CancelStatus" and site is GMARKET else site.order_type, state, number)
        answer = await self.call("POST", path, site, asked)
        found: list[dict[str, Any]] = answer["Data"] or []
        return found


def sandbox(scenario: Callable[[Box], Any]) -> None:
    async def go() -> None:
        box = Box()
        try:
            await scenario(box)
        finally:
            await box.client.http.aclose()

    asyncio.run(go())


def test_the_buyer_withdraws_each_kind_of_claim_through_the_control_api() -> None:
    async def scenario(box: Box) -> None:
        cancel = await box.order(G, 1, ship=False)
        returned = await box.order(A, 2)
        exchanged = await box.order(G, 3)
        assert (await box.claim(cancel, "cancel"))["status"] == 1
        await box.claim(returned, "return", state="picked_up")
        await box.claim(exchanged, "exchange", state="held")
        assert await box.claim(cancel, "withdraw") == {"claimNo": str(cancel), "type": "cancel", "status": 4}
        assert await box.claim(returned, "withdraw") == {"claimNo": str(returned), "type": "return", "status": 5}
        assert await box.claim(exchanged, "withdraw") == {"claimNo": str(exchanged), "type": "exchange", "status": 5}
        refused = await box.control("claims", {"order": cancel, "type": "withdraw"}, status=400)
        assert refused == {"error": f"order {cancel} has no open claim to withdraw"}
        [row] = await box.rows("/claim/v1/sa/Cancels", GMARKET, "CancelStatus", 0, cancel)
        assert (row["CancelStatus"], row["WithdrawDate"]) == (4, "2025-06-18T10:00:00")
        [row] = await box.rows("/claim/v1/sa/Exchanges", GMARKET, "ExchangeStatus", 5, exchanged)
        assert row["HoldInfo"]["IsHold"] is False
        # withdrawn claims refuse their approval in each site's shape ([E 51] [E 57] [E 62])
        assert await box.call("PUT", f"/claim/v1/sa/Cancel/{cancel}", GMARKET, {"SiteType": 2}) == {
            "ResultCode": 8668,
            "Message": "ShowAlertException$취소 승인 대상이 없습니다.",
            "Data": None,
        }
        assert await box.call("PUT", f"/claim/v1/sa/return/{returned}", AUCTION, {"SiteType": 1}) == {
            "ResultCode": 8668,
            "Message": "처리 할 수 없는 주문상태입니다",
            "BizRuleCode": "W18-3",
            "Data": None,
        }
        resend = {"SiteType": 2, "DeliveryCompCode": 10013, "InvoiceNo": "123456789012"}
        assert await box.call("POST", f"/claim/v1/sa/exchange/{exchanged}/resend", GMARKET, resend) == {
            "ResultCode": 99999,
            "Message": "API Error - 클레임 정보가 없습니다",
            "Data": None,
        }
        # [E 67]: an order whose claim was withdrawn is listed again
        look = {"siteType": 2, "orderNo": cancel, "orderStatus": 0}
        listed = await box.call("POST", "/shipping/v1/Order/RequestOrders", GMARKET, look)
        assert [r["OrderNo"] for r in listed["Data"]["RequestOrders"]] == [cancel]

    sandbox(scenario)


def test_seeded_states_and_the_return_approval_that_releases_a_hold() -> None:
    async def scenario(box: Box) -> None:
        picked, held = await box.order(G, 1), await box.order(A, 2)
        assert (await box.claim(picked, "return", state="picked_up"))["status"] == 2
        assert (await box.claim(held, "return", state="held"))["status"] == 3
        bad = await box.control("claims", {"order": await box.order(G, 3), "type": "cancel", "state": "held"}, 400)
        assert bad == {"error": "state is one of ['held', 'picked_up'], for a return or an exchange; got 'held'"}
        [row] = await box.rows("/claim/v1/sa/Returns", GMARKET, "ReturnStatus", 2, picked)
        assert row["PickupInfo"] | {"SenderInfo": None} == {
            "Status": 1,
            "CompleteDate": "2025-06-18T10:00:00",
            "DeliveryCompName": "CJ 대한통운 택배",
            "InvoiceNo": f"6{picked:011d}",
            "SenderInfo": None,
        }
        [row] = await box.rows("/claim/v1/sa/Returns", AUCTION, "ReturnStatus", 3, held)
        assert row["HoldInfo"] == {"HoldDate": "2025-06-18T10:00:00", "IsHold": True, "Reason": 4, "FreeDate": None}
        assert await box.call("PUT", f"/claim/v1/sa/return/{held}", AUCTION, {"SiteType": 1}) == {
            "ResultCode": 0,
            "Message": "Success",
            "BizRuleCode": "",
            "Data": None,
        }
        [row] = await box.rows("/claim/v1/sa/Returns", AUCTION, "ReturnStatus", 4, held)
        # [E 57] "반품 승인 시 자동으로 반품 보류 해제 … 구매자 환불 진행"
        assert (row["ReturnStatus"], row["HoldInfo"]["IsHold"], row["HoldInfo"]["FreeDate"]) == (
            4, False, "2025-06-18T10:00:00"
        )  # fmt: skip

    sandbox(scenario)


def test_a_held_exchange_needs_its_release_on_gmarket_and_not_on_auction() -> None:
    async def scenario(box: Box) -> None:
        g, a = await box.order(G, 1), await box.order(A, 2)
        for number in (g, a):
            await box.claim(number, "exchange", state="held")
        resend = {"DeliveryCompCode": 10007, "InvoiceNo": "123456789012"}
        no_number = {"SiteType": 2, "DeliveryCompCode": 10007, "InvoiceNo": ""}  # [E 62] InvoiceNo 필수
        assert await box.call("POST", f"/claim/v1/sa/exchange/{g}/resend", GMARKET, no_number) == {
            "ResultCode": 99999,
            "Message": "API Error - 송장번호가 없습니다.",
            "Data": None,
        }
        assert (await box.call("POST", f"/claim/v1/sa/exchange/{g}/resend", GMARKET, {"SiteType": 2, **resend}))[
            "ResultCode"
        ] == 0
        [row] = await box.rows("/claim/v1/sa/Exchanges", GMARKET, "ExchangeStatus", 3, g)  # still held ([E 64])
        assert (row["HoldInfo"]["IsHold"], row["ResendInfo"]["InvoiceNo"]) == (True, "123456789012")
        release = f"/claim/v1/sa/exchange/{g}/hold"
        assert await box.call("DELETE", release, GMARKET, {"SiteType": 2}) == {
            "ResultCode": 0,
            "Message": "Success",
            "Data": None,
        }
        [row] = await box.rows("/claim/v1/sa/Exchanges", GMARKET, "ExchangeStatus", 4, g)
        assert (row["ExchangeStatus"], row["HoldInfo"]["IsHold"]) == (0, False)
        assert await box.call("DELETE", release, GMARKET, {"SiteType": 2}) == {
            "ResultCode": 8668,
            "Message": "ShowAlertException$교환 보류 상태가 아닙니다",
            "Data": None,
        }
        assert await box.call("DELETE", "/claim/v1/sa/exchange/42/hold", GMARKET, {"SiteType": 2}) == {
            "ResultCode": 99999,
            "Message": "주문 정보가 없습니다.",  # [E 64] Sample Code_Fail
            "Data": None,
        }
        assert (await box.call("DELETE", f"/claim/v1/sa/exchange/{a}/hold", AUCTION, {"SiteType": 1}))[
            "ResultCode"
        ] == 2141
        assert (await box.call("POST", f"/claim/v1/sa/exchange/{a}/resend", AUCTION, {"SiteType": 1, **resend}))[
            "ResultCode"
        ] == 0
        claims = {c["OrderNo"]: c for c in (await box.state())["claims"]}
        assert (claims[a]["status"], claims[a]["hold"]) == (0, None)  # [E 64] 옥션: released by the resend

    sandbox(scenario)


# --- the round trip: seed, raise, collect, decide, read back ---------------------------------------------------


def test_round_trip_collect_decide_and_read_each_claim_back() -> None:
    async def scenario(box: Box) -> None:
        esm = box.esm
        cancel = await box.order(G, 1, ship=False)
        returned = await box.order(A, 2)
        exchanged = await box.order(G, 3)
        refused = await box.order(A, 4, ship=False)
        withdrawn = await box.order(G, 5)
        await box.claim(cancel, "cancel")
        await box.claim(returned, "return", state="picked_up")
        await box.claim(exchanged, "exchange")
        await box.claim(refused, "cancel")
        await box.claim(withdrawn, "return")
        day = dt.datetime(2025, 6, 18)
        claims = {int(c.order_no): c for c in await esm.collect_claims(day, day, "main")}
        assert {n: (c.kind, c.status, c.shown, c.pickup, c.line_no, c.site) for n, c in claims.items()} == {
            cancel: (CANCEL, ClaimStatus.REQUESTED, "취소요청", "", str(cancel), G),
            returned: (RETURN, ClaimStatus.REQUESTED, "반품수거완료", f"CJ 대한통운 택배 6{returned:011d}", str(returned), A),
            exchanged: (EXCHANGE, ClaimStatus.REQUESTED, "교환요청/교환물품반송중", "", str(exchanged), G),
            refused: (CANCEL, ClaimStatus.REQUESTED, "취소요청", "", str(refused), A),
            withdrawn: (RETURN, ClaimStatus.REQUESTED, "반품요청", "", str(withdrawn), G),
        }  # fmt: skip
        for number, c in claims.items():
            assert await esm.claim_now(c) == c, number  # read back as collected
        await box.claim(withdrawn, "withdraw")  # between the export and the run

        decisions = [
            ClaimDecision(claims[cancel], approve=True),
            ClaimDecision(claims[returned], approve=True),
            ClaimDecision(claims[exchanged], approve=True, courier_code="10007", number="123456789012"),
            ClaimDecision(claims[refused], approve=False, courier_code="10013", number="123456789012"),
            ClaimDecision(claims[withdrawn], approve=True),
        ]
        out = {int(k.split("/")[0]): v for k, v in (await esm.decide_claims(decisions)).items()}
        assert {n: out[n] for n in (cancel, returned, exchanged)} == dict.fromkeys((cancel, returned, exchanged))
        assert str(out[refused]).startswith("G마켓·옥션(ESM)에는 취소거부 기능이 없습니다.")
        assert str(out[withdrawn]) == (
            f"구매자가 철회한 요청입니다(ESM: 반품철회): G마켓 주문 {withdrawn}의 반품요청은 처리할 것이 없습니다."
        )
        now = {n: await esm.claim_now(claims[n]) for n in (cancel, returned, exchanged, refused, withdrawn)}
        assert {n: (c.status, c.shown) if c else None for n, c in now.items()} == {
            cancel: (ClaimStatus.DONE, "취소완료"),
            returned: (ClaimStatus.DONE, "반품환불완료"),
            exchanged: (ClaimStatus.DONE, "배송중/배송완료(재발송 처리후)"),
            refused: (ClaimStatus.REQUESTED, "취소요청"),
            withdrawn: (ClaimStatus.WITHDRAWN, "반품철회"),
        }
        first = (await box.state())["requests"]

        # the same workbook again (with the claims as read now): nothing changes, each is done or refused again
        again = [replace(d, claim=now[int(d.claim.order_no)] or d.claim) for d in decisions]
        out = {int(k.split("/")[0]): v for k, v in (await esm.decide_claims(again)).items()}
        assert {n: out[n] for n in (cancel, returned, exchanged)} == dict.fromkeys((cancel, returned, exchanged))
        assert isinstance(out[refused], Rejected) and isinstance(out[withdrawn], Rejected)
        state = await box.state()
        writes = {k: v for k, v in state["requests"].items() if not k.endswith(("Cancels", "Returns", "Exchanges"))}
        assert {k: v - first.get(k, 0) for k, v in writes.items() if v != first.get(k, 0)} == {
            "PUT /claim/v1/sa/Cancel/{OrderNo}": 1,  # answered 이미 취소 승인
            "PUT /claim/v1/sa/return/{OrderNo}": 1,  # answered 이미 처리된 건 (W18-1)
        }  # the re-sent exchange was read back, not sent again
        claims_now = {c["OrderNo"]: c for c in state["claims"]}
        assert [claims_now[n]["status"] for n in (cancel, returned, exchanged, refused, withdrawn)] == [3, 4, 0, 1, 5]
        assert claims_now[exchanged]["resend"]["InvoiceNo"] == "123456789012"

    sandbox(scenario)


def test_marketerror_is_what_every_refusal_is() -> None:
    esm, _ = adapter({})
    [outcome] = run(esm.decide_claims([ClaimDecision(claim("1", CANCEL), approve=False)])).values()
    assert isinstance(outcome, MarketError) and outcome.market == "esm"
