"""클레임 처리 end to end, alike for every marketplace with claim calls (parametrised): collect claims → decide 승인 /
거부 / 보류 in the workbook → run → each decision sent once with the marketplace's own call, a re-drop sends nothing,
a claim withdrawn between export and run is reported and not sent, a decision the marketplace does not offer is
refused on its row, and the result says what the marketplace now shows."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from helpers import FakeClock, control, result_rows
from test_markets_e2e import PROFILES, fill, hour_ago_app, sheet_rows, state, workspace

from batch.config import Workspace
from batch.importers import claims as C
from batch.importers import invoices as I
from batch.jobs.claims import SENT_BEFORE, run_claims
from batch.jobs.collect import collect
from batch.jobs.invoices import run_invoices
from batch.marketplaces.connect import adapter_for
from batch.models import RowResult


@dataclass(frozen=True)
class Claims:
    """What differs per marketplace: how a return is raised ready to approve, which refusal it lacks."""

    market: str
    collected: dict[str, Any]  # extra body for a return / exchange whose goods came back
    unsupported: tuple[str, str]  # (claim type raised, the decision the marketplace does not offer): 거부 of it
    unsupported_code: str  # the row's error code
    writes: tuple[str, ...]  # substrings of the request keys that are claim decisions
    sent: dict[str, int]  # the decision calls one approved return and one approved exchange make
    refusal: tuple[str, str, str] | None = None  # (claim type, 거부사유, the refuse call's request key) if it has one


COUPANG = "/v2/providers/openapi/apis/api/v4/vendors/{vendorId}"
NAVER = "/external/v1/pay-order/seller/product-orders"
CLAIMS = {
    "tmon": Claims(
        "tmon",
        {"state": "collected"},
        ("return", "기타"),
        "claim-reason",
        ("/approve", "/reject"),
        {"PUT /api/{vendorId}/refunds/{claimNo}/approve": 1, "PUT /api/{vendorId}/exchanges/{claimNo}/approve": 1},
        ("return", "반품 상품 미도착", "PUT /api/{vendorId}/refunds/{claimNo}/reject"),
    ),
    "coupang": Claims(
        "coupang",
        {},
        ("return", "기타"),
        "claim-decision-unsupported",
        ("/stoppedShipment", "/completedShipment", "/approval", "/receiveConfirmation", "/rejection", "/invoices"),
        {  # 입고 확인 then 승인 (C1 returns); 입고 확인 then the re-send invoice on the new box (C1 exchanges)
            f"PATCH {COUPANG}/returnRequests/{{receiptId}}/receiveConfirmation": 1,
            f"PATCH {COUPANG}/returnRequests/{{receiptId}}/approval": 1,
            f"PATCH {COUPANG}/exchangeRequests/{{exchangeId}}/receiveConfirmation": 1,
            f"POST {COUPANG}/exchangeRequests/{{exchangeId}}/invoices": 1,
        },
        ("exchange", "교환 상품 품절", f"PATCH {COUPANG}/exchangeRequests/{{exchangeId}}/rejection"),
    ),
    "naver": Claims(
        "naver",
        {"state": "collected"},
        ("cancel", "이미 발송함"),
        "claim-decision-unsupported",
        ("/claim/cancel/approve", "/claim/return/", "/claim/exchange/"),
        {
            f"POST {NAVER}/{{productOrderId}}/claim/return/approve": 1,
            f"POST {NAVER}/{{productOrderId}}/claim/exchange/dispatch": 1,
        },
        ("return", "반품 상품 미도착", f"POST {NAVER}/{{productOrderId}}/claim/return/reject"),
    ),
    "11st": Claims(
        "11st",
        {},
        ("return", "교환 상품 품절"),
        "claim-reason",
        ("reqconf", "reqreject"),
        {  # G 1644 반품승인, G 1649 교환승인 with the re-send invoice
            "GET /rest/claimservice/returnreqconf/{clmReqSeq}/{ordNo}/{ordPrdSeq}": 1,
            "GET /rest/claimservice/exchangereqconf/{clmReqSeq}/{ordNo}/{ordPrdSeq}/{dlvEtprsCd}/{invcNo}": 1,
        },
        (
            "return",
            "반품 상품 미도착",
            "GET /rest/claimservice/returnreqreject/{ordNo}/{ordPrdSeq}/{clmReqSeq}/{refsRsnCd}/{refsRsn}",
        ),
    ),
    "esm": Claims(
        "esm",
        {"state": "picked_up"},
        ("return", "기타"),
        "claim-decision-unsupported",
        ("/claim/v1/sa/Cancel/", "/claim/v1/sa/return/", "/claim/v1/sa/exchange/"),
        {"PUT /claim/v1/sa/return/{OrderNo}": 1, "POST /claim/v1/sa/exchange/{OrderNo}/resend": 1},  # E 57, E 62
    ),
}


@pytest.fixture(params=sorted(CLAIMS))
def market(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def decisions(app: Any, m: str, keys: tuple[str, ...]) -> dict[str, int]:
    """The claim-decision calls the marketplace took so far, by request key."""
    requests = state(app, m)["requests"]
    return {k: int(n) for k, n in requests.items() if any(w in k for w in keys)}


def since(before: dict[str, int], now: dict[str, int]) -> dict[str, int]:
    return {k: n - before.get(k, 0) for k, n in now.items() if n != before.get(k, 0)}


@dataclass
class Floor:
    """A workspace on one marketplace with its orders collected: the export and the orders it lists."""

    ws: Workspace
    clock: FakeClock
    app: Any
    export: Path
    rows: list[dict[str, Any]]
    orders: list[str]

    def ship(self, tmp_path: Path, orders: list[str]) -> None:
        """Send an invoice for each of ``orders`` through the order workbook (one parcel an order)."""
        numbers = {order: str(684_500_000_000 + n) for n, order in enumerate(orders)}
        cells = {
            i: {"택배사": "CJ대한통운", "송장번호": numbers[str(r["제휴몰 주문번호"])]}
            for i, r in enumerate(self.rows, start=2)
            if str(r["제휴몰 주문번호"]) in numbers
        }
        run = run_invoices(
            fill(self.export, tmp_path / "송장.xlsx", I.MAIN, cells), self.ws, app=self.app, clock=self.clock
        )
        assert {r.result for r in run.rows} == {RowResult.SUCCESS}, [r.message for r in run.rows]


def floor(m: str, tmp_path: Path, seed: int, orders: int) -> Floor:
    ws = workspace(tmp_path, (m,))
    clock = FakeClock()
    app = hour_ago_app(clock, seed=seed)
    body = {"market": m, "orders": orders, "seed": seed, **PROFILES[m].plain_orders}
    seeded = [str(o) for o in control(app, "POST", "/__sandbox__/seed", body)["orders"]]
    export = collect(ws, "orders", app=app, clock=clock).export
    assert export is not None
    rows = sheet_rows(export, I.MAIN)
    shown = {str(r["제휴몰 주문번호"]) for r in rows}
    assert shown <= set(seeded)
    # in the order they were seeded, not the export's: our numbers begin with the order's KST day, so around
    # midnight the export lists yesterday's orders first and the test would pick other orders
    listed = [o for o in seeded if o in shown]
    return Floor(ws, clock, app, export, rows, listed)


def test_claim_decisions_are_sent_once_and_a_withdrawn_one_is_reported(market: str, tmp_path: Path) -> None:
    m, c = market, CLAIMS[market]
    f = floor(m, tmp_path, 44, 4)
    ws, clock, app = f.ws, f.clock, f.app
    assert len(f.orders) >= 3
    ship = f.orders[:3]  # returned, exchanged, and the one the buyer withdraws
    f.ship(tmp_path, ship)

    returned, exchanged, withdrawn = ship
    for order, kind in ((returned, "return"), (exchanged, "exchange")):
        control(app, "POST", "/__sandbox__/claims", {"market": m, "order": order, "type": kind, **c.collected})
    control(app, "POST", "/__sandbox__/claims", {"market": m, "order": withdrawn, "type": "return"})  # still open
    export = collect(ws, "claims", app=app, clock=clock).export
    assert export is not None
    claims = sheet_rows(export, C.CLAIMS_MAIN)
    by_order: dict[str, list[int]] = {}
    for i, r in enumerate(claims, start=2):
        by_order.setdefault(str(r["제휴몰 주문번호"]), []).append(i)
    assert set(by_order) == set(ship), (by_order, ship, f.orders)
    assert all(r["마켓 상태"] for r in claims)  # the marketplace's own words
    decided: dict[int, dict[str, Any]] = {}
    for i in by_order[returned]:
        decided[i] = {"처리": "승인"}
    for i in by_order[exchanged]:
        decided[i] = {"처리": "승인", "택배사": "CJ대한통운", "송장번호": "684500009991"}
    for i in by_order[withdrawn]:
        decided[i] = {"처리": "승인"}
    path = fill(export, tmp_path / "클레임.xlsx", C.CLAIMS_MAIN, decided)
    control(app, "POST", "/__sandbox__/claims", {"market": m, "order": withdrawn, "type": "withdraw"})
    before = decisions(app, m, c.writes)

    run = run_claims(path, ws, app=app, clock=clock)
    results = {r.row: (r.result, r.message) for r in run.rows}
    for i in by_order[returned] + by_order[exchanged]:
        assert results[i][0] is RowResult.SUCCESS, (i, results[i])
        assert "마켓 상태:" in results[i][1]
    for i in by_order[withdrawn]:
        assert results[i][0] is RowResult.SKIPPED and "보내지 않았습니다" in results[i][1], results[i]
    assert since(before, decisions(app, m, c.writes)) == c.sent
    assert run.files is not None
    shown = result_rows(run.files.result, C.CLAIMS_MAIN)
    assert {v["처리결과"] for v in shown.values()} <= {"성공", "건너뜀"}

    again = run_claims(path, ws, app=app, clock=clock)  # re-dropped: nothing goes out
    assert {again.validation.results[i] for i in by_order[returned] + by_order[exchanged]} == {RowResult.SKIPPED}
    assert {r.message for r in again.rows if r.row in by_order[returned]} == {SENT_BEFORE}
    assert since(before, decisions(app, m, c.writes)) == c.sent


def test_a_decision_the_marketplace_does_not_offer_is_refused_on_its_row(market: str, tmp_path: Path) -> None:
    m, c = market, CLAIMS[market]
    f = floor(m, tmp_path, 45, 2)
    ws, clock, app = f.ws, f.clock, f.app
    kind, reason = c.unsupported
    order = f.orders[0]
    if kind != "cancel":  # a return needs a shipped order
        f.ship(tmp_path, [order])
    extra = c.collected if kind != "cancel" else {}
    control(app, "POST", "/__sandbox__/claims", {"market": m, "order": order, "type": kind, **extra})
    export = collect(ws, "claims", app=app, clock=clock).export
    assert export is not None
    claims = sheet_rows(export, C.CLAIMS_MAIN)
    rows = [i for i, r in enumerate(claims, start=2) if str(r["제휴몰 주문번호"]) == order]
    assert rows
    path = fill(
        export, tmp_path / "클레임.xlsx", C.CLAIMS_MAIN, {i: {"처리": "거부", "거부사유": reason} for i in rows}
    )
    before = decisions(app, m, c.writes)
    run = run_claims(path, ws, app=app, clock=clock)
    assert sorted((e.row, e.code) for e in run.validation.report.errors) == [(i, c.unsupported_code) for i in rows]
    assert decisions(app, m, c.writes) == before
    assert run.has_errors


def test_a_refusal_goes_with_its_reason_and_a_held_row_goes_nowhere(market: str, tmp_path: Path) -> None:
    m, c = market, CLAIMS[market]
    if c.refusal is None:
        pytest.skip(f"{m} has no refuse call (its rows are refused: see the test above)")
    kind, reason, call = c.refusal
    f = floor(m, tmp_path, 46, 3)
    ws, clock, app = f.ws, f.clock, f.app
    refused, held = f.orders[:2]
    f.ship(tmp_path, [refused, held])
    for order in (refused, held):
        control(app, "POST", "/__sandbox__/claims", {"market": m, "order": order, "type": kind, **c.collected})
    export = collect(ws, "claims", app=app, clock=clock).export
    assert export is not None
    claims = sheet_rows(export, C.CLAIMS_MAIN)
    decided = {
        i: ({"처리": "거부", "거부사유": reason} if str(r["제휴몰 주문번호"]) == refused else {"처리": "보류"})
        for i, r in enumerate(claims, start=2)
    }
    before = decisions(app, m, c.writes)
    run = run_claims(fill(export, tmp_path / "클레임.xlsx", C.CLAIMS_MAIN, decided), ws, app=app, clock=clock)
    assert run.validation.report.errors == []
    mine = [r for r in claims if str(r["제휴몰 주문번호"]) == refused]
    whole = getattr(adapter_for(m), "decides_whole_claim", False)  # Coupang decides a receipt in one call
    expected = len({str(r["클레임번호"]) for r in mine}) if whole else len(mine)
    assert since(before, decisions(app, m, c.writes)) == {call: expected}
    results = {r.row: r for r in run.rows}
    for i, r in enumerate(claims, start=2):
        if str(r["제휴몰 주문번호"]) == refused:
            assert results[i].result is RowResult.SUCCESS and "마켓 상태:" in results[i].message
        else:
            assert i not in results and run.validation.results[i] is RowResult.SKIPPED  # 보류: left alone
