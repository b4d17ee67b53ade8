"""11번가 클레임 처리 (issue 18): the adapter's claim_reject_reasons / claim_now / decide_claims against
httpx.MockTransport (exact requests), the sandbox's claim states and transitions (the buyer's withdrawal, 재배송,
refusals in the guide's shape), and a round trip between them. Sources: G 1639, 1640, 1641, 1643, 1644, 1645, 1648,
1649, 1650, 1724, 1725 (docs/protocols/st11.md)."""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import replace
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from helpers import AppClock, FakeClock, run_sandbox, sandbox_client, sandbox_control, sandbox_state
from test_sandbox_st11 import KEY, NOW, flat, parse, seed
from test_st11_adapter import Wire, adapter, orders, result_order

from batch.importers.claims import REJECT_REASONS
from batch.marketplaces.base import Rejected, Unavailable
from batch.marketplaces.st11 import St11, St11Credentials
from batch.marketplaces.st11_orders import EXCHANGE_REFUSAL_CODES, RETURN_REFUSAL_CODES
from batch.marketplaces.types import ClaimDecision
from batch.models import Claim, ClaimStatus, ClaimType, now_kst
from batch.sandbox.app import create_app

KST = dt.timezone(dt.timedelta(hours=9))
ASKED = "2024-03-05 14:20:31"  # a request time long past: claim_now's window is its 30 days
WINDOW = "202403051419/202404041419"  # a minute before the request, 30 days on (G 1639/1643/1648 "최대 30일")
NOTHING = orders(code="-1", text="해당 건이 없습니다.")  # G 1639/1643/1648's empty answer
LINES = {  # (claim number, order, line) of the guide's examples per type
    ClaimType.CANCEL: ("8192706", "201001208152015", "2"),  # G 1641
    ClaimType.RETURN: ("2400330", "201001068151292", "1"),  # G 1644/1645
    ClaimType.EXCHANGE: ("8191721", "201001068151293", "1"),  # G 1649/1650
    ClaimType.REDELIVERY: ("8191722", "201001068151294", "1"),
}


def run(coro: Any) -> Any:
    return asyncio.run(coro)


def claim(kind: ClaimType, status: ClaimStatus = ClaimStatus.REQUESTED, shown: str = "", **kw: Any) -> Claim:
    number, order, line_no = LINES[kind]
    return Claim(
        market="11st",
        account="main",
        claim_no=number,
        order_no=order,
        product_no="41601209",
        product_name="샌드박스 면 티셔츠",
        kind=kind,
        status=status,
        reason="",
        buyer="김아무개",
        requested_at=ASKED,
        line_no=line_no,
        shown=shown,
        **kw,
    )


def row(kind: ClaimType, state: str) -> dict[str, str]:
    """A list row of the claim: G 1639/1724 (cancel) or G 1643/1648 fields."""
    number, order, line_no = LINES[kind]
    if kind is ClaimType.CANCEL:
        return {"ordPrdCnSeq": number, "ordNo": order, "ordPrdSeq": line_no, "prdNo": "41601209", "ordCnStatCd": state}
    return {"clmReqSeq": number, "ordNo": order, "ordPrdSeq": line_no, "prdNo": "41601209", "clmStat": state}


def raw(wire: Wire) -> list[str]:
    return [r.url.raw_path.decode() for r in wire.sent]


OK = result_order("0", "전체 1건이 정상적으로 처리가 되었습니다.")


# --- claim_reject_reasons -------------------------------------------------------------------------------


def test_refusal_labels_are_the_workbooks_and_map_to_the_guides_codes() -> None:
    assert St11.claim_reject_reasons == {
        ClaimType.CANCEL: ("이미 발송함",),  # G 1641: the shipment's invoice, no reason code
        ClaimType.RETURN: (
            "반품 상품 미도착",
            "고객과 협의함",
            "상품 훼손·사용 흔적",
            "구성품 누락",
            "고객 귀책 아님(상품 이상 없음)",
            "반품 기한 지남",
            "기타",
        ),
        ClaimType.EXCHANGE: (
            "반품 상품 미도착",
            "고객과 협의함",
            "상품 훼손·사용 흔적",
            "구성품 누락",
            "교환 상품 품절",
            "고객 귀책 아님(상품 이상 없음)",
            "반품 기한 지남",
            "기타",
        ),
    }
    assert ClaimType.REDELIVERY not in St11.claim_reject_reasons  # no 재배송 call in the guide
    for labels in St11.claim_reject_reasons.values():
        assert set(labels) <= set(REJECT_REASONS)
    assert set(RETURN_REFUSAL_CODES.values()) == {"101", "102", "103", "104"}  # G 1645 refsRsnCd
    assert set(EXCHANGE_REFUSAL_CODES.values()) == {"201", "202", "203", "204"}  # G 1650 refsRsnCd


# --- decide_claims: one call per decision ---------------------------------------------------------------

TODAY = now_kst().strftime("%Y%m%d")


@pytest.mark.parametrize(
    ("decision", "path"),
    [
        (ClaimDecision(claim(ClaimType.CANCEL), True), "/rest/claimservice/cancelreqconf/8192706/201001208152015/2"),
        (
            ClaimDecision(claim(ClaimType.CANCEL), False, "이미 발송함", "00034", "629959820101"),
            f"/rest/claimservice/cancelreqreject/201001208152015/2/8192706/01/{TODAY}/00034/629959820101",
        ),
        (ClaimDecision(claim(ClaimType.RETURN), True), "/rest/claimservice/returnreqconf/2400330/201001068151292/1"),
        (
            ClaimDecision(claim(ClaimType.RETURN), False, "반품 상품 미도착"),
            f"/rest/claimservice/returnreqreject/201001068151292/1/2400330/101/{quote('반품 상품 미도착')}",
        ),
        (
            ClaimDecision(claim(ClaimType.EXCHANGE), True, courier_code="00011", number="225462855201"),
            "/rest/claimservice/exchangereqconf/8191721/201001068151293/1/00011/225462855201",
        ),
        (
            ClaimDecision(claim(ClaimType.EXCHANGE), False, "교환 상품 품절"),
            f"/rest/claimservice/exchangereqreject/201001068151293/1/8191721/203/{quote('교환 상품 품절')}",
        ),
    ],
    ids=["cancel-approve", "cancel-refuse", "return-approve", "return-refuse", "exchange-approve", "exchange-refuse"],
)
def test_each_decision_sends_its_own_call_once(decision: ClaimDecision, path: str) -> None:
    wire = Wire({"GET /rest/claimservice/": OK})
    assert run(adapter(wire).decide_claims([decision])) == {decision.key: None}
    assert [(r.method, r.url.raw_path.decode()) for r in wire.sent] == [("GET", path)]
    assert decision.key == f"{decision.claim.claim_no}/41601209"


@pytest.mark.parametrize(("label", "code"), sorted(RETURN_REFUSAL_CODES.items()))
def test_return_refusal_labels_go_as_their_refs_rsn_cd_with_the_label_as_text(label: str, code: str) -> None:
    wire = Wire({"GET /rest/claimservice/": OK})
    run(adapter(wire).decide_claims([ClaimDecision(claim(ClaimType.RETURN), False, label)]))
    assert raw(wire) == [f"/rest/claimservice/returnreqreject/201001068151292/1/2400330/{code}/{quote(label)}"]


@pytest.mark.parametrize(("label", "code"), sorted(EXCHANGE_REFUSAL_CODES.items()))
def test_exchange_refusal_labels_go_as_their_refs_rsn_cd(label: str, code: str) -> None:
    wire = Wire({"GET /rest/claimservice/": OK})
    run(adapter(wire).decide_claims([ClaimDecision(claim(ClaimType.EXCHANGE), False, label)]))
    assert raw(wire) == [f"/rest/claimservice/exchangereqreject/201001068151293/1/8191721/{code}/{quote(label)}"]


@pytest.mark.parametrize(
    ("decision", "words"),
    [
        (ClaimDecision(claim(ClaimType.CANCEL), False, "이미 발송함"), "보낸 상품의 택배사와 송장번호가 필요합니다"),
        (ClaimDecision(claim(ClaimType.CANCEL), False, "이미 발송함", "00034"), "택배사·송장번호 칸을 채워"),
        (ClaimDecision(claim(ClaimType.EXCHANGE), True, number="225462855201"), "다시 보내는 상품의 택배사와 송장번호"),
        (ClaimDecision(claim(ClaimType.CANCEL), False, "기타", "00034", "629959820101"), "거부사유를 다음 중에서"),
        (ClaimDecision(claim(ClaimType.RETURN), False, "교환 상품 품절"), "'교환 상품 품절'은(는) 받지 않습니다"),
        (ClaimDecision(claim(ClaimType.RETURN), False), "반품 상품 미도착, 고객과 협의함"),
        (ClaimDecision(claim(ClaimType.REDELIVERY), True), "재배송 처리 기능이 없습니다"),
        (ClaimDecision(claim(ClaimType.REDELIVERY), False, "기타"), "11번가 판매자센터에서 처리하세요"),
    ],
)
def test_what_cannot_be_sent_is_refused_in_korean_before_anything_is_sent(decision: ClaimDecision, words: str) -> None:
    wire = Wire({"GET /rest/claimservice/": OK})
    error = run(adapter(wire).decide_claims([decision]))[decision.key]
    assert isinstance(error, Rejected) and words in error.message
    assert wire.sent == []


def test_a_decision_whose_answer_is_lost_is_not_resent() -> None:
    def lost(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("no answer", request=request)

    wire = Wire({"GET /rest/claimservice/returnreqconf/": lost})
    decision = ClaimDecision(claim(ClaimType.RETURN), True)
    error = run(adapter(wire, attempts=3).decide_claims([decision]))[decision.key]
    assert isinstance(error, Unavailable) and error.outcome_unknown  # idempotent=False: the ledger holds it
    assert len(wire.sent) == 1


def test_every_decision_has_its_own_outcome() -> None:
    wire = Wire(
        {
            "GET /rest/claimservice/cancelreqconf/": OK,
            "GET /rest/claimservice/returnreqconf/": result_order("-24004", "클레임 번호를 알 수 없습니다."),
            "GET /rest/claimservice/returnorders/": NOTHING,
        }
    )
    first, second = ClaimDecision(claim(ClaimType.CANCEL), True), ClaimDecision(claim(ClaimType.RETURN), True)
    outcomes = run(adapter(wire).decide_claims([first, second]))
    assert outcomes[first.key] is None
    error = outcomes[second.key]
    assert isinstance(error, Rejected) and error.code == "-24004"
    assert error.message == "11번가 반품승인(클레임 2400330): 11번가가 반품 클레임번호를 모릅니다."
    assert [r.url.path.split("/")[3] for r in wire.sent] == ["cancelreqconf", "returnreqconf", "returnorders"]


# --- a refusal read back: done only when 11번가 shows the decision's state ------------------------------


@pytest.mark.parametrize(
    ("decision", "answer", "listed", "outcome"),
    [
        # G 1644 −24006 on a return completed before: 11번가 lists 106 반품완료 → done
        (ClaimDecision(claim(ClaimType.RETURN), True), ("-24006", "반품 신청또는 접수 상태가 아니어서"), "106", None),
        # G 1645's −1 example on a return refused before: 107 반품거부 → done
        (
            ClaimDecision(claim(ClaimType.RETURN), False, "기타"),
            ("-1", "반품 신청상태가 아니어서 반품거부를"),
            "107",
            None,
        ),
        (
            ClaimDecision(claim(ClaimType.RETURN), False, "기타"),
            ("-1", "반품 신청상태가 아니어서 반품거부를 할 수 없습니다."),
            "106",
            "이미 '반품완료' 상태라 거부를 11번가가 받지 않았습니다",
        ),
        (
            ClaimDecision(claim(ClaimType.EXCHANGE), True, courier_code="00034", number="629959820101"),
            ("-27008", "교환신청 상태가 아니어서 교환완료를 할 수 없습니다."),
            "233",
            "구매자가 철회한 요청입니다(11번가: 교환철회)",
        ),
        (ClaimDecision(claim(ClaimType.EXCHANGE), False, "기타"), ("-26006", "교환신청 상태가 아니어서"), "232", None),
        (
            ClaimDecision(claim(ClaimType.EXCHANGE), True, courier_code="00034", number="629959820101"),
            ("-27008", "교환신청 상태가 아니어서"),
            "221",
            None,
        ),
        (
            ClaimDecision(claim(ClaimType.RETURN), True),
            ("-24006", "반품 신청또는 접수 상태가 아니어서"),
            "105",  # still requested: 11번가's own refusal stands
            "반품 신청·접수 상태가 아니어서 반품승인할 수 없습니다",
        ),
    ],
)
def test_a_refusal_is_read_back_from_the_claims_list(
    decision: ClaimDecision, answer: tuple[str, str], listed: str, outcome: str | None
) -> None:
    kind = decision.claim.kind
    path = "returnorders" if kind is ClaimType.RETURN else "exchangeorders"
    wire = Wire(
        {
            f"GET /rest/claimservice/{path}/": orders(row(kind, listed)),
            "GET /rest/claimservice/": result_order(*answer),
        }
    )
    error = run(adapter(wire).decide_claims([decision]))[decision.key]
    assert [r.url.path.split("/")[3] for r in wire.sent][1:] == [path]
    assert wire.sent[1].url.path == f"/rest/claimservice/{path}/{WINDOW}"
    if outcome is None:
        assert error is None
    else:
        assert isinstance(error, Rejected) and outcome in error.message and error.code == answer[0]


def test_an_approved_cancel_answered_already_complete_is_done_without_a_read() -> None:
    wire = Wire({"GET /rest/claimservice/cancelreqconf/": result_order("-1", "이미 취소 완료된 신청건 입니다.")})
    decision = ClaimDecision(claim(ClaimType.CANCEL), True)
    assert run(adapter(wire).decide_claims([decision])) == {decision.key: None}
    assert len(wire.sent) == 1


def test_a_cancel_withdrawn_by_the_buyer_is_read_from_1724() -> None:
    wire = Wire(
        {
            "GET /rest/claimservice/cancelreqconf/": result_order("-22004", "주문취소 상세번호를 알 수 없습니다"),
            "GET /rest/claimservice/cancelorders/": NOTHING,
            "GET /rest/claimservice/withdrawcanceledorders/": orders(row(ClaimType.CANCEL, "05")),
        }
    )
    decision = ClaimDecision(claim(ClaimType.CANCEL), True)
    error = run(adapter(wire).decide_claims([decision]))[decision.key]
    assert isinstance(error, Rejected) and error.code == "-22004"
    assert error.message.startswith("구매자가 철회한 요청입니다(11번가: 취소신청취소(철회완료))")
    assert [r.url.path for r in wire.sent][1:] == [
        f"/rest/claimservice/cancelorders/{WINDOW}",
        f"/rest/claimservice/withdrawcanceledorders/{WINDOW}",
    ]


@pytest.mark.parametrize(("state", "outcome"), [("401", None), ("B01", "이미 '취소완료' 상태라 거부를")])
def test_a_refused_cancel_is_read_on_its_line(state: str, outcome: str | None) -> None:
    wire = Wire(
        {
            "GET /rest/claimservice/cancelreqreject/": result_order("-23007", "취소신청 정보를 알 수 없습니다."),
            "GET /rest/claimservice/cancelorders/": NOTHING,
            "GET /rest/claimservice/withdrawcanceledorders/": NOTHING,
            "GET /rest/claimservice/orderlistalladdr/201001208152015": orders(
                {"ordNo": "201001208152015", "ordPrdSeq": "1", "ordPrdStat": "202"},
                {"ordNo": "201001208152015", "ordPrdSeq": "2", "ordPrdStat": state},
            ),
        }
    )
    decision = ClaimDecision(claim(ClaimType.CANCEL), False, "이미 발송함", "00034", "629959820101")
    error = run(adapter(wire).decide_claims([decision]))[decision.key]
    assert wire.sent[-1].url.path == "/rest/claimservice/orderlistalladdr/201001208152015"  # G 1725
    if outcome is None:
        assert error is None  # shipped: 11번가 holds the cancel refused (취소거부)
    else:
        assert isinstance(error, Rejected) and outcome in error.message


@pytest.mark.parametrize("code", ["-23005", "-23006", "-27006"])
def test_a_refusal_of_the_invoice_is_not_read_back(code: str) -> None:
    wire = Wire({"GET /rest/claimservice/": result_order(code, "오류")})
    kind = ClaimType.CANCEL if code.startswith("-23") else ClaimType.EXCHANGE
    decision = ClaimDecision(claim(kind), kind is ClaimType.EXCHANGE, "이미 발송함", "00034", "629959820101")
    error = run(adapter(wire).decide_claims([decision]))[decision.key]
    assert isinstance(error, Rejected) and error.code == code
    assert len(wire.sent) == 1


# --- a claim held as closed: 11번가 says first, nothing is sent -------------------------------------------


@pytest.mark.parametrize(
    ("held", "listed", "outcome", "sent"),
    [
        (
            ClaimStatus.WITHDRAWN,
            "108",
            "구매자가 철회한 요청입니다(11번가: 반품철회). 승인할 것이 없어 보내지 않았습니다",
            1,
        ),
        (ClaimStatus.DONE, "106", None, 1),  # approved before: done
        (ClaimStatus.WITHDRAWN, "107", "이미 '반품거부' 상태라 승인을 보내지 않았습니다", 1),
        (ClaimStatus.WITHDRAWN, "105", None, 2),  # open again as 11번가 lists it: sent
    ],
)
def test_a_claim_held_as_closed_is_read_before_anything_is_sent(
    held: ClaimStatus, listed: str, outcome: str | None, sent: int
) -> None:
    wire = Wire({"GET /rest/claimservice/returnorders/": orders(row(ClaimType.RETURN, listed)), "GET /rest/": OK})
    decision = ClaimDecision(claim(ClaimType.RETURN, held), True)
    error = run(adapter(wire).decide_claims([decision]))[decision.key]
    assert len(wire.sent) == sent and wire.sent[0].url.path.startswith("/rest/claimservice/returnorders/")
    if outcome is None:
        assert error is None
    else:
        assert isinstance(error, Rejected) and outcome in error.message and error.code is None


# --- claim_now ----------------------------------------------------------------------------------------


def test_claim_now_reads_the_claims_own_list_from_its_request_time() -> None:
    listed = {**row(ClaimType.RETURN, "105"), "reqDt": ASKED, "twPrdInvcNo": "608393450166", "dlvEtprsCd": "00034"}
    other = {**listed, "clmReqSeq": "2400331"}
    wire = Wire({"GET /rest/claimservice/returnorders/": orders(other, listed)})
    now = run(adapter(wire).claim_now(replace(claim(ClaimType.RETURN), line_no="", site="")))
    assert [r.url.path for r in wire.sent] == [f"/rest/claimservice/returnorders/{WINDOW}"]
    assert now == replace(
        claim(ClaimType.RETURN),
        status=ClaimStatus.REQUESTED,
        shown="반품신청",
        pickup="CJ대한통운 608393450166",
        buyer="",
        reason="",
    )


@pytest.mark.parametrize(
    ("kind", "state", "status", "shown"),
    [
        (ClaimType.RETURN, "104", ClaimStatus.REQUESTED, "반품보류"),
        (ClaimType.RETURN, "106", ClaimStatus.DONE, "반품완료"),
        (ClaimType.RETURN, "107", ClaimStatus.WITHDRAWN, "반품거부"),
        (ClaimType.RETURN, "108", ClaimStatus.WITHDRAWN, "반품철회"),
        (ClaimType.EXCHANGE, "212", ClaimStatus.REQUESTED, "교환승인"),
        (ClaimType.EXCHANGE, "221", ClaimStatus.DONE, "교환발송완료"),
        (ClaimType.EXCHANGE, "233", ClaimStatus.WITHDRAWN, "교환철회"),
        (ClaimType.CANCEL, "01", ClaimStatus.REQUESTED, "취소요청"),
        (ClaimType.CANCEL, "02", ClaimStatus.DONE, "취소완료"),
    ],
)
def test_claim_now_shows_the_state_in_11sts_words(kind: ClaimType, state: str, status: ClaimStatus, shown: str) -> None:
    wire = Wire({"GET /rest/claimservice/": orders(row(kind, state))})
    now = run(adapter(wire).claim_now(claim(kind)))
    assert (now.kind, now.status, now.shown) == (kind, status, shown)
    assert len(wire.sent) == 1


def test_claim_now_of_a_redelivery_reads_the_exchanges_then_the_returns() -> None:
    wire = Wire(
        {
            "GET /rest/claimservice/exchangeorders/": NOTHING,
            "GET /rest/claimservice/returnorders/": orders(row(ClaimType.REDELIVERY, "302")),
        }
    )
    now = run(adapter(wire).claim_now(claim(ClaimType.REDELIVERY)))
    assert (now.kind, now.status, now.shown) == (ClaimType.REDELIVERY, ClaimStatus.DONE, "재배송완료")
    assert [r.url.path.split("/")[3] for r in wire.sent] == ["exchangeorders", "returnorders"]


@pytest.mark.parametrize(
    ("state", "found"),
    [
        ("401", (ClaimStatus.WITHDRAWN, "취소거부")),
        ("501", (ClaimStatus.WITHDRAWN, "취소거부")),
        ("B01", (ClaimStatus.DONE, "취소완료")),
        ("701", (ClaimStatus.REQUESTED, "취소요청")),
        ("301", None),
    ],
)
def test_a_cancel_in_no_list_is_read_on_its_line(state: str, found: tuple[ClaimStatus, str] | None) -> None:
    wire = Wire(
        {
            "GET /rest/claimservice/cancelorders/": NOTHING,
            "GET /rest/claimservice/withdrawcanceledorders/": NOTHING,
            "GET /rest/claimservice/orderlistalladdr/": orders({"ordPrdSeq": "2", "ordPrdStat": state}),
        }
    )
    now = run(adapter(wire).claim_now(claim(ClaimType.CANCEL)))
    assert (None if now is None else (now.status, now.shown)) == found
    assert len(wire.sent) == 3


def test_a_claim_held_as_closed_that_11st_lists_nowhere_is_refused_unsent() -> None:
    wire = Wire({"GET /rest/claimservice/returnorders/": NOTHING, "GET /rest/": OK})
    decision = ClaimDecision(claim(ClaimType.RETURN, ClaimStatus.DONE), True)
    error = run(adapter(wire).decide_claims([decision]))[decision.key]
    assert isinstance(error, Rejected) and "찾지 못해 보내지 않았습니다. 클레임을 다시 수집해" in error.message
    assert len(wire.sent) == 1


def test_claim_now_of_a_claim_11st_lists_nowhere_is_none() -> None:
    wire = Wire({"GET /rest/claimservice/": NOTHING})
    assert run(adapter(wire).claim_now(claim(ClaimType.EXCHANGE))) is None
    assert run(adapter(wire).claim_now(replace(claim(ClaimType.CANCEL), line_no=""))) is None
    assert [r.url.path.split("/")[3] for r in wire.sent] == ["exchangeorders", "cancelorders", "withdrawcanceledorders"]


def test_claim_now_without_a_request_time_reads_the_last_30_days() -> None:
    wire = Wire({"GET /rest/claimservice/": NOTHING})
    run(adapter(wire).claim_now(replace(claim(ClaimType.RETURN), requested_at="")))
    start, end = (dt.datetime.strptime(x, "%Y%m%d%H%M") for x in wire.sent[0].url.path.split("/")[-2:])
    assert end - start == dt.timedelta(days=30) and abs(end - now_kst()) < dt.timedelta(minutes=2)


# --- the sandbox: states, the buyer's withdrawal, refusals in the guide's shape ---------------------------


async def code_of(client: httpx.AsyncClient, path: str) -> str:
    """``ResultOrder.result_code``, or a list's ``ns2:result_code``."""
    answer = flat(parse(await client.get(f"/rest/claimservice/{path}", headers=KEY)))
    return answer.get("result_code") or answer["ns2:result_code"]


async def line_state(client: httpx.AsyncClient, order: str) -> tuple[str, str]:
    """[G] 1725 (ordPrdStat, ordPrdStatNm) of the order's first line."""
    rows = [flat(r) for r in parse(await client.get(f"/rest/claimservice/orderlistalladdr/{order}", headers=KEY))]
    first = next(r for r in rows if r["ordPrdSeq"] == "1")
    return first["ordPrdStat"], first["ordPrdStatNm"]


async def listed(client: httpx.AsyncClient, path: str) -> list[dict[str, str]]:
    root = parse(await client.get(f"/rest/claimservice/{path}/202506170000/202506190000", headers=KEY))
    return [flat(r) for r in root if r.tag.endswith("order")]


async def lines_of(client: httpx.AsyncClient) -> dict[str, dict[str, Any]]:
    return {o["ordNo"]: o for o in (await sandbox_state(client, "11st"))["orders"] if o["ordPrdSeq"] == "1"}


async def raise_claim(client: httpx.AsyncClient, order: str, kind: str) -> str:
    made = await sandbox_control(client, "11st", "claims", {"order": order, "type": kind, "seq": 1})
    return str(made["claimNo"])


def test_the_buyer_withdraws_each_open_claim_through_the_control_api() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        a, b, c, d = (await seed(client, orders=4, seed_no=2))["orders"]
        dlv = (await lines_of(client))[a]["dlvNo"]
        await client.get(f"/rest/ordservices/reqpackaging/{a}/1/N/null/{dlv}", headers=KEY)  # 발주확인: a request
        cancel = await raise_claim(client, a, "cancel")
        returned, exchanged = await raise_claim(client, b, "return"), await raise_claim(client, c, "exchange")
        await raise_claim(client, d, "redelivery")
        assert [x["ordCnStatCd"] for x in await listed(client, "cancelorders")] == ["01"]
        for order in (a, b, c):
            answer = await sandbox_control(client, "11st", "claims", {"order": order, "type": "withdraw"})
            assert answer["claimNo"] in (cancel, returned, exchanged)
        # [G] 1639 names 01/02 only: the withdrawn cancel is [G] 1724's (05)
        assert await code_of(client, "cancelorders/202506170000/202506190000") == "-1"
        assert [(x["ordPrdCnSeq"], x["ordCnStatCd"]) for x in await listed(client, "withdrawcanceledorders")] == [
            (cancel, "05")
        ]
        assert [x["clmStat"] for x in await listed(client, "returnorders")] == ["108"]  # [G] 1647 반품철회
        exchanges = await listed(client, "exchangeorders")
        assert [x["clmStat"] for x in exchanges] == ["233", "301"]  # 교환철회; 재배송접수 listed with the exchanges
        assert exchanges[1]["twMthd"] == "13" and "twPrdInvcNo" not in exchanges[1]  # 수거없음: nothing taken back
        assert (await lines_of(client))[d]["status"] == "shipping"
        assert (await lines_of(client))[a]["status"] == "packaging"  # the line is back as it was
        again = await client.post("/__sandbox__/claims", json={"market": "11st", "order": a, "type": "withdraw"})
        assert again.status_code == 400 and "no open claim" in again.text
        redelivery = await client.post("/__sandbox__/claims", json={"market": "11st", "order": d, "type": "withdraw"})
        assert redelivery.status_code == 400 and "redelivery" in redelivery.text
        wrong = await client.post("/__sandbox__/claims", json={"market": "11st", "order": a, "type": "swap"})
        assert wrong.status_code == 400 and "withdraw" in wrong.text

    run_sandbox(scenario, create_app(clock=AppClock(NOW)))


def test_a_return_is_of_goods_that_left_and_comes_with_its_pickup() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        [order] = (await seed(client, orders=1, seed_no=3))["orders"]
        returned = await raise_claim(client, order, "return")
        line = (await lines_of(client))[order]
        assert line["status"] == "shipping"  # shipped by the sandbox first: a return is of goods that left
        [listed_row] = await listed(client, "returnorders")
        assert (listed_row["clmReqSeq"], listed_row["clmStat"], listed_row["twMthd"]) == (returned, "105", "06")
        assert listed_row["dlvEtprsCd"] == "00034" and len(listed_row["twPrdInvcNo"]) == 12
        assert await line_state(client, order) == ("601", "반품신청")
        assert await code_of(client, f"returnreqconf/{returned}/{order}/1") == "0"
        assert await line_state(client, order) == ("A01", "반품완료")  # [G] 1725
        again = await client.post("/__sandbox__/claims", json={"market": "11st", "order": order, "type": "exchange"})
        assert again.status_code == 400  # returned already

    run_sandbox(scenario, create_app(clock=AppClock(NOW)))


def test_decisions_on_withdrawn_claims_are_refused_in_the_guides_shape() -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        a, b, c = (await seed(client, orders=3, seed_no=4))["orders"]
        dlv = (await lines_of(client))[a]["dlvNo"]
        await client.get(f"/rest/ordservices/reqpackaging/{a}/1/N/null/{dlv}", headers=KEY)
        cancel = await raise_claim(client, a, "cancel")
        returned, exchanged = await raise_claim(client, b, "return"), await raise_claim(client, c, "exchange")
        assert await code_of(client, f"exchangereqconf/{exchanged}/{c}/1/00034/123") == "-1"  # the number's rule
        assert await code_of(client, f"exchangereqconf/{exchanged}/{c}/1/00034/null") == "-1"
        for order in (a, b, c):
            await sandbox_control(client, "11st", "claims", {"order": order, "type": "withdraw"})
        assert await code_of(client, f"cancelreqconf/{cancel}/{a}/1") == "-22004"
        assert await code_of(client, f"cancelreqreject/{a}/1/{cancel}/01/20250618/00034/123456789012") == "-23007"
        assert await code_of(client, f"returnreqconf/{returned}/{b}/1") == "-24006"
        refused = flat(
            parse(await client.get(f"/rest/claimservice/returnreqreject/{b}/1/{returned}/104/x", headers=KEY))
        )
        assert (refused["result_code"], refused["result_text"]) == (
            "-1",
            "반품 신청상태가 아니어서 반품거부를 할 수 없습니다.",
        )
        assert await code_of(client, f"exchangereqconf/{exchanged}/{c}/1/00034/123456789012") == "-27008"
        assert await code_of(client, f"exchangereqreject/{c}/1/{exchanged}/204/x") == "-26006"
        state = await sandbox_state(client, "11st")
        assert [(x["type"], x["status"], x["open"]) for x in state["claims"]] == [
            ("cancel", "05", False),
            ("return", "108", False),
            ("exchange", "233", False),
        ]

    run_sandbox(scenario, create_app(clock=AppClock(NOW)))


# --- a round trip: the adapter against the sandbox --------------------------------------------------------


def test_round_trip_collect_decide_and_read_back() -> None:
    app = create_app(clock=AppClock(NOW))

    async def main() -> None:
        client = sandbox_client("11st", app, FakeClock())
        async with client.http, httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://sandbox") as ctl:
            st11 = St11(client, St11Credentials("sandbox-11st-openapikey"))
            numbers = (await sandbox_control(ctl, "11st", "seed", {"orders": 7, "seed": 5}))["orders"]
            start = dt.datetime.fromtimestamp(NOW - 86_400, KST).replace(tzinfo=None)
            end = start + dt.timedelta(days=1, hours=1)
            lines = {x.order_no: x for x in await st11.collect_orders(start, end, "main") if x.option_no == "1"}
            approved, refused, returned, exchanged, redelivered, withdrawn, kept = numbers
            assert await st11.confirm([[lines[approved]], [lines[refused]]]) == {
                lines[approved].delivery_no: None,
                lines[refused].delivery_no: None,
            }
            kinds = {
                approved: "cancel",
                refused: "cancel",
                returned: "return",
                exchanged: "exchange",
                redelivered: "redelivery",
                withdrawn: "return",
                kept: "exchange",
            }
            for order, kind in kinds.items():
                await sandbox_control(ctl, "11st", "claims", {"order": order, "type": kind, "seq": 1})
            await sandbox_control(ctl, "11st", "claims", {"order": withdrawn, "type": "withdraw"})

            claims = {c.order_no: c for c in await st11.collect_claims(start, end, "main")}
            assert {o: (c.kind, c.status, c.shown, c.line_no) for o, c in claims.items()} == {
                approved: (ClaimType.CANCEL, ClaimStatus.REQUESTED, "취소요청", "1"),
                refused: (ClaimType.CANCEL, ClaimStatus.REQUESTED, "취소요청", "1"),
                returned: (ClaimType.RETURN, ClaimStatus.REQUESTED, "반품신청", "1"),
                exchanged: (ClaimType.EXCHANGE, ClaimStatus.REQUESTED, "교환신청", "1"),
                redelivered: (ClaimType.REDELIVERY, ClaimStatus.REQUESTED, "재배송접수", "1"),
                withdrawn: (ClaimType.RETURN, ClaimStatus.WITHDRAWN, "반품철회", "1"),
                kept: (ClaimType.EXCHANGE, ClaimStatus.REQUESTED, "교환신청", "1"),
            }
            assert claims[returned].pickup.startswith("CJ대한통운 6083934500")  # G 1643 수거택배사 + 수거송장번호
            assert claims[approved].pickup == "" and claims[redelivered].pickup == ""

            decisions = [
                ClaimDecision(claims[approved], True),
                ClaimDecision(claims[refused], False, "이미 발송함", "00034", "629959820101"),
                ClaimDecision(claims[returned], True),
                ClaimDecision(claims[exchanged], True, courier_code="00011", number="225462855201"),
                ClaimDecision(claims[kept], False, "교환 상품 품절"),
                ClaimDecision(claims[redelivered], True),
                ClaimDecision(replace(claims[withdrawn], status=ClaimStatus.REQUESTED), True),  # as exported before
            ]
            outcomes = await st11.decide_claims(decisions)
            shown = {}
            for d in decisions:
                now = await st11.claim_now(d.claim)
                assert now is not None
                shown[d.claim.order_no] = (now.status, now.shown)
            assert shown == {
                approved: (ClaimStatus.DONE, "취소완료"),
                refused: (ClaimStatus.WITHDRAWN, "취소거부"),  # G 1641: the line shipped with our invoice
                returned: (ClaimStatus.DONE, "반품완료"),
                exchanged: (ClaimStatus.DONE, "교환발송완료"),
                kept: (ClaimStatus.WITHDRAWN, "교환거부"),
                redelivered: (ClaimStatus.REQUESTED, "재배송접수"),
                withdrawn: (ClaimStatus.WITHDRAWN, "반품철회"),
            }
            errors = {k: v for k, v in outcomes.items() if v is not None}
            assert sorted(errors) == sorted([decisions[5].key, decisions[6].key])
            assert "재배송 처리 기능이 없습니다" in errors[decisions[5].key].message
            assert errors[decisions[6].key].message.startswith("구매자가 철회한 요청입니다(11번가: 반품철회)")
            state = await sandbox_state(ctl, "11st")
            line = next(o for o in state["orders"] if (o["ordNo"], o["ordPrdSeq"]) == (refused, "1"))
            assert line["status"] == "shipping"

            # sent again (a re-drop): 11번가 refuses, reads back the state the decision led to: done
            again = await st11.decide_claims(decisions[:5])
            assert again == {d.key: None for d in decisions[:5]}
            state = await sandbox_state(ctl, "11st")
            assert [(c["type"], c["status"]) for c in state["claims"]] == [
                ("cancel", "02"),
                ("cancel", "01"),
                ("return", "106"),
                ("exchange", "221"),
                ("redelivery", "301"),
                ("return", "108"),
                ("exchange", "232"),
            ]

    asyncio.run(main())
