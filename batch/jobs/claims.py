"""클레임 처리: the decisions of a claims workbook (승인 / 거부, 보류 left alone), each sent once with its
marketplace's own call; the claim is re-read just before, so one withdrawn or completed since the export is
reported, not overwritten; the result says per row what the marketplace shows afterwards."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from batch.config import Workspace
from batch.importers import claims as C
from batch.importers.validation import Validation
from batch.jobs.sending import Job, SendRun, logged_in, run_job
from batch.jobs.stock import sync_now
from batch.ledger import Ledger, crash_point
from batch.marketplaces.base import AlreadyDone, Blocked, Clock, MarketError, Unavailable
from batch.marketplaces.connect import SUPPORTED, Connection, adapter_for
from batch.marketplaces.types import ClaimDecision, claim_key
from batch.models import Claim, ClaimStatus, ClaimType, Market, ProductLink, RowResult
from batch.report import Problem, Severity
from batch.trade.couriers import Courier, find_courier, normalize_tracking, tracking_problem


@dataclass
class ClaimRow:
    row: int
    claim: Claim
    approve: bool
    reason: str = ""
    courier: Courier | None = None
    number: str = ""
    result: RowResult | None = None
    message: str = ""

    @property
    def where(self) -> tuple[str, str]:
        return (self.claim.market, self.claim.account)

    @property
    def key(self) -> str:
        return claim_key(self.claim)

    @property
    def decision(self) -> str:
        return _row_decision(self.approve, self.reason, self.number)


ClaimRun = SendRun[ClaimRow]

HELD = "보류: 처리를 보류로 두어 보내지 않았습니다."
NO_DECISION = "처리 칸이 비어 있어 보내지 않았습니다."
SENT_BEFORE = "이미 보냄: 이 처리는 전에 보냈습니다. 다시 보내지 않습니다."
CLOSED = {
    ClaimStatus.WITHDRAWN: "철회(또는 거부)된 클레임입니다",
    ClaimStatus.DONE: "이미 완료된 클레임입니다",
}


def closed(claim: Claim, since: bool = False) -> str:
    """Why a claim no longer takes a decision, in the marketplace's own words where it gave them."""
    shown = f" (마켓 상태: {claim.shown})" if claim.shown else ""
    when = " 파일을 만든 뒤 바뀌었습니다." if since else ""
    return f"{CLOSED[claim.status]}{shown}.{when} 보내지 않았습니다."


NEEDS_INVOICE = {  # decisions whose call carries the shipment that left (a refused cancel) or the re-sent one
    (ClaimType.CANCEL, False): "이미 발송한 주문의 취소 거부에는 택배사와 송장번호가 필요합니다.",
    (ClaimType.EXCHANGE, True): "교환 승인에는 다시 보내는 상품의 택배사와 송장번호가 필요합니다.",
    (ClaimType.REDELIVERY, True): "재배송 승인에는 다시 보내는 상품의 택배사와 송장번호가 필요합니다.",
}


def decision_hash(r: ClaimRow) -> str:
    return _digest(r.decision)


def _digest(decision: str) -> str:
    return hashlib.sha256(f"claim:{decision}".encode()).hexdigest()[:32]


def ledger_key(claim: Claim) -> str:
    """The ledger key of a claim line's decision (apart from products, invoices and seller cancels), by its type:
    a cancel refused as shipped may come back as a return under the same number (Coupang), a new decision."""
    return f"claim:{claim.kind.value}:{claim_key(claim)}"


def _problem(v: Validation, row: int, key: str | None, code: str, message: str, ref: str) -> None:
    data = v.book.sheets[C.CLAIMS_MAIN]
    v.report.add(Problem(data.name, row, data.header_of(key) if key else None, code, Severity.ERROR, message, ref))


def _row_decision(approve: bool, reason: str, number: str) -> str:
    return f"{C.APPROVE if approve else C.REJECT}:{reason}:{number}"


def check_claims(v: Validation, ledger: Ledger) -> list[ClaimRow]:
    """The rows with 승인 or 거부 that may be sent, and those settled already (건너뜀: sent before, withdrawn or
    completed as last collected); 보류 and empty rows are left alone. Refused on the row: an unknown claim, one
    whose type changed since the export, a second row of one claim line, a decision with a result we never learnt,
    a 거부사유 or a refusal the marketplace does not take, a missing or malformed invoice."""
    bad = {p.row for p in v.report.errors}
    out: list[ClaimRow] = []
    first: dict[str, int] = {}
    for row, r in v.book.sheets[C.CLAIMS_MAIN].records():
        v.results[row] = RowResult.SKIPPED
        decision = r["decision"] or ""
        if decision not in (C.APPROVE, C.REJECT) or row in bad:
            continue
        number = str(r["claim_no"] or "")
        found = _row(v, ledger, row, r, number, decision == C.APPROVE)
        if found is None:
            continue
        key = f"{found.claim.market}:{found.claim.account}:{ledger_key(found.claim)}"
        if key in first:
            _problem(
                v,
                row,
                "claim_no",
                "claim-duplicate",
                f"{first[key]}행과 같은 클레임 상품입니다. 한 클레임 상품에는 한 행만 두세요.",
                number,
            )
            continue
        first[key] = row
        out.append(found)
    return _whole_claims(v, ledger, out)


def _row(v: Validation, ledger: Ledger, row: int, r: Any, number: str, approve: bool) -> ClaimRow | None:
    try:
        market = Market.from_label(str(r["market"] or "")).value
    except ValueError:
        market = ""
    if market not in SUPPORTED:
        _problem(
            v,
            row,
            "market",
            "unknown-claim",
            "마켓 칸을 알 수 없습니다. 클레임 수집으로 받은 파일을 그대로 쓰세요.",
            number,
        )
        return None
    claim = ledger.claim(market, str(r["account"] or ""), number, str(r["product_no"] or ""))
    if claim is None:
        _problem(
            v,
            row,
            "claim_no",
            "unknown-claim",
            f"클레임번호 '{number}'인 클레임을 찾지 못했습니다. 클레임 수집(batch collect claims)으로 받은 파일의 "
            "클레임번호·마켓·판매자ID·제휴몰 상품코드를 그대로 쓰세요.",
            number,
        )
        return None
    shown_kind = next((k for k in ClaimType if k.value == str(r["kind"] or "")), claim.kind)
    reason = str(r["reject_reason"] or "") if not approve else ""
    tracking = normalize_tracking(str(r["tracking"] or ""))
    asked = replace(claim, kind=shown_kind)  # the decision as the file asked it, of the type the file showed
    digest = _digest(_row_decision(approve, reason, tracking))
    link = ledger.link(market, claim.account, ledger_key(asked))
    if link is not None:  # sent before, under the type the file shows
        if link.sent_hash == digest:
            return ClaimRow(row, asked, approve, reason, None, tracking, RowResult.SKIPPED, SENT_BEFORE)
        _problem(
            v,
            row,
            "decision",
            "claim-decided",
            "이 클레임에는 다른 처리를 이미 보냈습니다. 바꾸려면 판매자센터에서 처리하세요.",
            number,
        )
        return None
    if shown_kind is not claim.kind:
        _problem(
            v,
            row,
            "kind",
            "claim-changed",
            f"파일을 만든 뒤 이 클레임이 {shown_kind.value}에서 {claim.kind.value}(으)로 바뀌었습니다. 클레임을 다시 "
            "수집한 파일로 처리하세요.",
            number,
        )
        return None
    if claim.status in CLOSED:
        return ClaimRow(row, claim, approve, reason, None, tracking, RowResult.SKIPPED, closed(claim))
    earlier = ledger.unfinished(market, claim.account, ledger_key(claim))
    if earlier is not None and earlier != digest:
        _problem(
            v,
            row,
            "decision",
            "claim-unknown-outcome",
            "이 클레임에 전에 보낸 다른 처리의 결과를 알 수 없습니다. 판매자센터에서 상태를 확인한 뒤 클레임을 다시 "
            "수집해 처리하세요.",
            number,
        )
        return None
    found = ClaimRow(row, claim, approve)
    if not approve:
        cls = adapter_for(market)
        reasons = dict(getattr(cls, "claim_reject_reasons", {}) or {}).get(claim.kind)
        if reasons is None:
            words = dict(getattr(cls, "claim_refusal_words", {}) or {}).get(claim.kind)
            _problem(v, row, "decision", "claim-decision-unsupported", words or _no_refusal(market, claim.kind), number)
            return None
        if reason not in reasons:
            _problem(
                v,
                row,
                "reject_reason",
                "claim-reason",
                f"{Market(market).label} {claim.kind.value} 거부사유는 다음 중 하나입니다: {', '.join(reasons)}."
                + (f" ('{reason}'은(는) 받지 않습니다.)" if reason else ""),
                number,
            )
            return None
        found.reason = reason
    need = NEEDS_INVOICE.get((claim.kind, approve))
    if r["courier"] or r["tracking"] or need:
        courier = find_courier(str(r["courier"] or "")) if r["courier"] else None
        trouble = None
        if r["courier"] and courier is None:
            trouble = ("courier", f"택배사 '{r['courier']}'을(를) 모릅니다. ▼ 목록에서 고르세요.")
        elif courier is not None and market not in courier.codes:
            trouble = (
                "courier",
                f"{Market(market).label}은(는) {courier.name} 코드를 받지 않습니다. 다른 택배사를 고르세요.",
            )
        elif courier is None or not tracking:
            trouble = ("courier" if courier is None else "tracking", need or "택배사와 송장번호를 함께 쓰세요.")
        elif courier.takes_number and (problem := tracking_problem(courier, str(r["tracking"] or ""))):
            trouble = ("tracking", problem)
        if trouble is not None:
            _problem(v, row, trouble[0], "claim-invoice", trouble[1], number)
            return None
        found.courier, found.number = courier, tracking
    return found


def _whole_claims(v: Validation, ledger: Ledger, rows: list[ClaimRow]) -> list[ClaimRow]:
    """On a marketplace that decides a claim number whole (Coupang's receipts), every open line of it must be in the
    file with one decision, or none of it is sent."""
    groups: dict[tuple[str, str, str], list[ClaimRow]] = {}
    for r in rows:
        if r.result is None and getattr(adapter_for(r.claim.market), "decides_whole_claim", False):
            groups.setdefault((r.claim.market, r.claim.account, r.claim.claim_no), []).append(r)
    dropped: set[int] = set()
    for (market, account, number), mine in groups.items():
        lines = [c for c in ledger.claim_lines(market, account, number) if c.status not in CLOSED]
        same = len({x.decision for x in mine}) == 1
        if same and {claim_key(c) for c in lines} <= {x.key for x in mine}:
            continue
        for x in mine:
            _problem(
                v,
                x.row,
                "decision",
                "claim-whole",
                f"{Market(market).label}은(는) 클레임번호 {number}의 상품 {len(lines)}개를 한 번에 처리합니다. 그 상품들의 "
                "행을 모두 같은 처리(같은 거부사유·송장)로 적어 주세요.",
                number,
            )
            dropped.add(x.row)
    return [r for r in rows if r.row not in dropped]


def _no_refusal(market: str, kind: ClaimType) -> str:
    label = Market(market).label
    if kind is ClaimType.CANCEL:
        return (
            f"{label}에는 취소 거부 기능이 없습니다. 이미 발송했다면 판매자센터에서 그 주문을 발송 처리(송장 입력)하면 "
            "취소 요청이 거부됩니다(batch의 송장대량등록은 취소 요청이 있는 주문을 보내지 않습니다). 아니면 처리를 "
            "승인으로 바꾸세요."
        )
    return (
        f"{label}에는 {kind.value} 거부 기능이 없습니다. 판매자센터에서 보류로 두고 고객과 협의하거나, 처리를 승인으로 "
        "바꾸세요."
    )


def idle(v: Validation, row: int) -> str:
    data = v.book.sheets[C.CLAIMS_MAIN]
    return HELD if data.text(row, "decision") == C.HOLD else NO_DECISION


def _decision(r: ClaimRow) -> ClaimDecision:
    code = r.courier.codes.get(r.claim.market, "") if r.courier else ""
    return ClaimDecision(r.claim, r.approve, r.reason, code, r.number)


def _shown(claim: Claim | None) -> str:
    if claim is None:  # after a decision: some marketplaces list a handled claim no more (옥션's re-sent exchange)
        return "마켓 상태: 처리되어 클레임 목록에서 빠졌습니다."
    return f"마켓 상태: {claim.shown or claim.status.value}"


async def _fresh(rows: list[ClaimRow], conn: Connection, ledger: Ledger) -> list[ClaimRow]:
    """Each claim re-read now: the rows still open go on; one withdrawn or completed since is reported (건너뜀)."""
    adapter: Any = conn.adapter
    ready = []
    for r in rows:
        try:
            now = await adapter.claim_now(r.claim)
        except MarketError as exc:
            r.result = RowResult.HELD if isinstance(exc, Blocked) else RowResult.ERROR
            r.message = f"클레임을 다시 확인하지 못해 보내지 않았습니다: {exc.message}"
            continue
        if now is None:
            r.result, r.message = (
                RowResult.ERROR,
                "마켓에서 이 클레임을 찾지 못했습니다. 클레임을 다시 수집해 확인하세요.",
            )
            continue
        ledger.store_claims([now])
        if now.status in CLOSED:
            r.result, r.message = RowResult.SKIPPED, closed(now, since=True)
            continue
        r.claim = replace(now, product_name=now.product_name or r.claim.product_name)
        ready.append(r)
    return ready


async def _send(conn: Connection, rows: list[ClaimRow], ledger: Ledger) -> None:
    adapter: Any = conn.adapter
    ready = await _fresh(rows, conn, ledger)  # sent-before and other decisions were settled by check_claims
    if not ready:
        return
    ids = {
        r.key: ledger.begin(r.claim.market, r.claim.account, ledger_key(r.claim), "claim", decision_hash(r))
        for r in ready
    }
    crash_point("after-intent")
    try:
        outcomes = await adapter.decide_claims([_decision(r) for r in ready])
    except MarketError as exc:
        outcomes = {r.key: exc for r in ready}
    crash_point("before-complete")
    for r in ready:
        error = outcomes.get(
            r.key, Unavailable(r.claim.market, "마켓이 처리 결과를 돌려주지 않았습니다.", outcome_unknown=True)
        )
        if error is not None and not isinstance(error, AlreadyDone):
            ledger.fail(ids[r.key], str(error), unknown=isinstance(error, Unavailable) and error.outcome_unknown)
            r.result = RowResult.HELD if isinstance(error, Blocked) else RowResult.ERROR
            r.message = error.message
            continue
        ledger.complete(
            ids[r.key], r.claim.market, r.claim.account, ledger_key(r.claim), ProductLink(r.key), decision_hash(r)
        )
        try:  # what the marketplace shows now, for the result workbook
            now = await adapter.claim_now(r.claim)
        except MarketError:
            now = r.claim
        if now is not None:
            ledger.store_claims([now])
        done = f"{r.claim.kind.value} {C.APPROVE if r.approve else C.REJECT}"
        r.result, r.message = RowResult.SUCCESS, f"{done} 보냄. {_shown(now)}"


async def _preview(conn: Connection, rows: list[ClaimRow], ledger: Ledger) -> None:
    if not await logged_in(conn, rows):
        return
    for r in await _fresh(rows, conn, ledger):
        r.message = f"{r.claim.kind.value} {C.APPROVE if r.approve else C.REJECT} 예정 ({_shown(r.claim)})"


def run_claims(
    path: Path,
    ws: Workspace,
    *,
    dry_run: bool = False,
    clock: Clock | None = None,
    app: Any = None,
    when: dt.datetime | None = None,
) -> ClaimRun:
    """Send the decisions of a claims workbook, each once; write the result workbook (``dry_run``: the plan)."""
    job = Job(
        C.CLAIMS_SPEC,
        check_claims,
        lambda conn, rows, ledger: _send(conn, rows, ledger),
        ("처리 결과", "처리 메시지"),
        column="decision",
        preview=_preview,
        idle=idle,
    )
    run = run_job(job, path, ws, dry_run=dry_run, clock=clock, app=app, when=when)
    approved = [r for r in run.rows if r.result is RowResult.SUCCESS and r.approve]
    if approved and ws.stock_sync and not dry_run:  # cancels and returns approved: their units come back
        run.stock = sync_now(ws, clock=clock, app=app)
    return run
