"""`batch run --dry-run` against the in-process sandbox: it asks what a real run asks before sending (credentials,
출고지 / 배송템플릿 codes, open claims), writes nothing to any marketplace, writes its plan to ``…_미리보기_…`` with a
verdict and a reason per row, and agrees with the real run that follows. Re-dropped answers are 건너뜀 (exit 0).

Every request crosses ``helpers.Recorder``; a write is any request but a GET and the token requests.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import json
import time
from collections import Counter
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from helpers import FakeClock, Recorder, control, result_rows

from batch.cli import cli
from batch.config import Workspace, load_workspace
from batch.exporters.template import write_template
from batch.importers import answers as A
from batch.importers import invoices as I
from batch.importers import products as P
from batch.jobs.answers import ANSWERED_THERE, NOT_APPROVED, SENT_BEFORE, answer_hash, run_answers
from batch.jobs.collect import collect
from batch.jobs.connections import open_account
from batch.jobs.init import init_workspace
from batch.jobs.invoices import run_invoices
from batch.jobs.products import OTHER_MARKET, Action, Run, run_products
from batch.jobs.samples import GROUPS, product_rows
from batch.jobs.sending import LEFT_ALONE
from batch.ledger import Ledger
from batch.models import RowResult
from batch.render import render_answers, render_invoices, render_plan, render_run
from batch.sandbox.app import create_app

TOKENS = {"/oauth/token", "/external/v1/oauth2/token"}
WRONG_PLACE = "99999"
WRONG = f"쿠팡에 출고지 코드 {WRONG_PLACE}가 없습니다. 쿠팡 WING의 출고지 코드를 판매정보 시트에 적으세요."
COUPANG_CREATE = "POST /v2/providers/seller_api/apis/api/v1/marketplace/seller-products"
TMON_AUTH = "티몬 API 인증 정보(client id / secret)가 맞지 않습니다. batch.toml의 계정과 환경 변수를 확인하세요."
_WHEN = itertools.count()


def workspace(tmp_path: Path, markets: tuple[str, ...]) -> Workspace:
    root = tmp_path / "ws"
    init_workspace(root, markets=markets)
    config = root / "batch.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("rate_limit = 10", "rate_limit = 0"), encoding="utf-8")
    return load_workspace(root)


def when() -> dt.datetime:
    return dt.datetime(2026, 3, 2, 9, 0) + dt.timedelta(seconds=next(_WHEN))


def writes(recorder: Recorder) -> list[str]:
    """Every request that could change something at a marketplace (not a GET, not a token)."""
    return [f"{e.method} {e.path}" for e in recorder.market() if e.method != "GET" and e.path not in TOKENS]


def products(path: Path, ws: Workspace, app: Any, **kw: Any) -> Run:
    return run_products(path, ws, app=app, clock=FakeClock(), when=when(), **kw)


def state(app: Any, market: str) -> dict[str, Any]:
    body: dict[str, Any] = control(app, "GET", f"/__sandbox__/state?market={market}")
    return body


# -- products: a wrong 출고지 code ------------------------------------------------------------------------------


def test_a_wrong_coupang_outbound_place_is_named_by_the_dry_run_and_the_real_run_agrees(tmp_path: Path) -> None:
    ws = workspace(tmp_path, ("coupang",))
    sandbox = create_app(seed=11)
    app = Recorder(sandbox)
    rows = product_rows(6, markets=("coupang",))
    rows[P.SALES].append({**GROUPS["coupang"], "group": "쿠팡-틀린출고지", "outbound_place": WRONG_PLACE})
    for r in rows[P.MAIN][1:4]:  # Excel rows 4-6 (row 2 is the example)
        r["groups"] = "쿠팡-틀린출고지"
    codes = [str(r["code"]) for r in rows[P.MAIN]]
    wrong = set(codes[1:4])
    path = write_template(P.SPEC, tmp_path / "쿠팡상품.xlsx", rows)

    dry = products(path, ws, app, dry_run=True)
    assert writes(app) == []
    assert state(sandbox, "coupang")["products"] == []
    assert dry.plan_counts() == {"쿠팡": Counter({Action.CREATE: 3, Action.BLOCKED: 3})}
    assert {s.result for s in dry.steps if s.action is Action.CREATE} == {None}
    assert dry.has_errors  # rows a real run would not send: exit 1, as the real run
    assert dry.files is not None and dry.files.preview and dry.files.reupload is None
    assert dry.files.result.name.startswith("쿠팡상품_미리보기_")
    planned = result_rows(dry.files.result)
    for code in codes:
        if code in wrong:
            assert planned[code] == {
                "처리결과": "오류",
                "오류코드": "not-sent",
                "오류메시지": f"[쿠팡] {WRONG}",
                "쿠팡 결과": "보내지 않음",
                "쿠팡 상품번호": None,
                "쿠팡 메시지": WRONG,
            }, code
        else:
            assert planned[code] == {
                "처리결과": "보낼 예정",
                "오류코드": None,
                "오류메시지": None,
                "쿠팡 결과": "신규 등록 예정",
                "쿠팡 상품번호": None,
                "쿠팡 메시지": None,
            }, code
    console = render_plan(dry)
    assert "  쿠팡: 신규 등록 예정 3 · 보내지 않음 3" in console
    assert f"    보내지 않음 3 (4-6행): {WRONG}" in console
    assert f"미리보기 파일: {dry.files.result}" in console

    real = products(path, ws, app)
    assert Counter(writes(app)) == Counter({COUPANG_CREATE: 3})  # the good rows only
    assert real.plan_counts() == dry.plan_counts()
    assert real.files is not None and not real.files.preview
    done = result_rows(real.files.result)
    made = {str(p["items"][0]["externalVendorSku"]).rsplit("-", 1)[0] for p in state(sandbox, "coupang")["products"]}
    assert made == set(codes) - wrong
    keys = ("처리결과", "오류코드", "오류메시지", "쿠팡 메시지")
    for code in wrong:  # the same rows, the same verdict, the same reason
        assert [done[code][k] for k in keys] == [planned[code][k] for k in keys], code
        assert done[code]["쿠팡 결과"] == "오류"
    for code in set(codes) - wrong:
        assert (done[code]["처리결과"], done[code]["쿠팡 결과"], done[code]["쿠팡 메시지"]) == (
            "성공",
            "성공",
            "신규 등록",
        )

    shown = render_run(real)
    assert "마켓별 결과:\n  쿠팡: 신규 등록 성공 3 · 보내지 않음 3" in shown
    assert f"결과 파일: {real.files.result}" in shown
    assert f"다시 올릴 파일: {real.files.reupload}" in shown


def test_refused_credentials_are_found_by_the_dry_run_row_by_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BATCH_TMON_MAIN_CLIENT_SECRET", "wrong-secret")
    ws = workspace(tmp_path, ("tmon",))
    app = Recorder(create_app(seed=12))
    rows = product_rows(4)
    path = write_template(P.SPEC, tmp_path / "티몬상품.xlsx", rows)

    dry = products(path, ws, app, dry_run=True)
    assert [f"{e.method} {e.path}" for e in app.market()] == ["POST /oauth/token"]  # the login, refused
    assert dry.files is not None
    planned = result_rows(dry.files.result)
    assert {(r["처리결과"], r["티몬 결과"], r["티몬 메시지"]) for r in planned.values()} == {
        ("오류", "보내지 않음", TMON_AUTH)
    }
    assert f"    보내지 않음 4 (3-6행): {TMON_AUTH}" in render_plan(dry)

    real = products(path, ws, app)
    assert writes(app) == []
    assert real.files is not None
    done = result_rows(real.files.result)
    assert {(r["처리결과"], r["오류코드"], r["티몬 메시지"]) for r in done.values()} == {
        ("오류", "not-sent", TMON_AUTH)
    }


# -- invoices ----------------------------------------------------------------------------------------------------


def sheet(path: Path, name: str) -> dict[int, dict[str, Any]]:
    """{Excel row: {header without its required mark: value}} of a sheet."""
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        rows = list(wb[name].iter_rows(values_only=True))
    finally:
        wb.close()
    names = [str(h or "").rstrip("*") for h in rows[0]]
    return {i: dict(zip(names, r, strict=False)) for i, r in enumerate(rows[1:], start=2)}


def fill(src: Path, dst: Path, name: str, cells: dict[int, dict[str, Any]]) -> Path:
    wb = openpyxl.load_workbook(src)
    sh = wb[name]
    col = {str(c.value or "").rstrip("*"): int(c.column) for c in sh[1]}
    for row, values in cells.items():
        for header, value in values.items():
            sh.cell(row, col[header]).value = value
    wb.save(dst)
    return dst


def test_an_invoice_dry_run_checks_claims_sends_nothing_and_the_real_run_agrees(tmp_path: Path) -> None:
    ws = workspace(tmp_path, ("tmon",))
    sandbox = create_app(clock=lambda: time.time() - 3600, seed=21)
    app = Recorder(sandbox)
    control(sandbox, "POST", "/__sandbox__/seed", {"market": "tmon", "orders": 6, "seed": 21})
    export = collect(ws, "orders", app=app).export
    assert export is not None
    rows = sheet(export, I.MAIN)
    orders = list(dict.fromkeys(str(r["제휴몰 주문번호"]) for r in rows.values()))
    claimed, idle = orders[0], orders[-1]
    numbers = {o: str(684_500_000_000 + i) for i, o in enumerate(orders)}
    cells = {
        i: {"택배사": "CJ대한통운", "송장번호": numbers[str(r["제휴몰 주문번호"])]}
        for i, r in rows.items()
        if str(r["제휴몰 주문번호"]) != idle
    }
    filled = fill(export, tmp_path / "송장.xlsx", I.MAIN, cells)
    control(sandbox, "POST", "/__sandbox__/claims", {"market": "tmon", "order": claimed, "type": "cancel"})
    app.seen.clear()

    dry = run_invoices(filled, ws, app=app, when=when(), dry_run=True)
    assert writes(app) == []  # no confirm, no invoice
    assert {e.path.rsplit("/", 1)[-1] for e in app.market("GET")} == {"search"}  # the fresh claim check only
    assert state(sandbox, "tmon")["invoices"] == []
    assert not dry.has_errors
    assert dry.files is not None and dry.files.preview and dry.files.result.name.startswith("송장_미리보기_")
    planned = sheet(dry.files.result, I.MAIN)
    by_order: dict[str, set[tuple[Any, ...]]] = {}
    for r in planned.values():
        by_order.setdefault(str(r["제휴몰 주문번호"]), set()).add(
            (r["처리결과"], r["오류메시지"], r["송장 결과"], r["송장 메시지"])
        )
    held = by_order[claimed]
    assert len(held) == 1 and next(iter(held))[:3] == ("보류", None, "보류")
    assert next(iter(held))[3].startswith("보류: 취소")
    assert by_order[idle] == {("건너뜀", LEFT_ALONE, None, None)}
    for order in set(orders) - {claimed, idle}:
        assert by_order[order] == {("보낼 예정", None, "보낼 예정", "발주확인 후 송장 등록 예정")}, order
    console = render_invoices(dry)
    assert "미리보기 — 아무것도 보내지 않았습니다. 마켓별 계획:" in console
    assert f"미리보기 파일: {dry.files.result}" in console

    real = run_invoices(filled, ws, app=app, when=when())
    assert real.files is not None
    done = sheet(real.files.result, I.MAIN)
    for row, r in planned.items():  # what was decided before sending, decided alike
        if r["처리결과"] == "보낼 예정":
            assert (done[row]["처리결과"], done[row]["송장 메시지"]) == ("성공", "송장 등록"), row
        else:
            keys = ("처리결과", "오류메시지", "송장 결과", "송장 메시지")
            assert [done[row][k] for k in keys] == [r[k] for k in keys], row
    assert {str(i["tmonOrderNo"]) for i in state(sandbox, "tmon")["invoices"]} == set(orders) - {claimed, idle}
    assert "마켓별 결과:\n  티몬: " in render_invoices(real)

    again = run_invoices(filled, ws, app=app, when=when(), dry_run=True)  # after the real run: 이미 보냄
    assert again.files is not None
    assert {
        r["송장 메시지"]
        for r in sheet(again.files.result, I.MAIN).values()
        if str(r["제휴몰 주문번호"]) not in (claimed, idle)
    } == {"이미 보낸 송장입니다."}


# -- answers ---------------------------------------------------------------------------------------------------


@pytest.fixture
def inquiries(tmp_path: Path) -> tuple[Workspace, Any, Recorder, Path]:
    ws = workspace(tmp_path, ("tmon",))
    sandbox = create_app(clock=lambda: time.time() - 3600, seed=8)
    control(sandbox, "POST", "/__sandbox__/seed", {"market": "tmon", "inquiries": 5, "seed": 4})
    app = Recorder(sandbox)
    export = collect(ws, "inquiries", app=app).export
    assert export is not None
    return ws, sandbox, app, export


def test_an_answer_dry_run_plans_each_row_and_labels_untouched_rows_honestly(
    inquiries: tuple[Workspace, Any, Recorder, Path], tmp_path: Path
) -> None:
    ws, sandbox, app, export = inquiries
    cells = {2: {"답변내용": "감사합니다.", "승인": "Y"}, 3: {"답변내용": "확인 중입니다.", "승인": "N"}}
    filled = fill(export, tmp_path / "답변.xlsx", A.MAIN, cells)
    app.seen.clear()

    dry = run_answers(filled, ws, app=app, when=when(), dry_run=True)
    assert writes(app) == []
    assert state(sandbox, "tmon")["answers"] == []
    assert dry.files is not None and dry.files.result.name.startswith("답변_미리보기_")
    planned = sheet(dry.files.result, A.MAIN)
    assert (planned[2]["처리결과"], planned[2]["답변 결과"], planned[2]["답변 메시지"]) == (
        "보낼 예정",
        "보낼 예정",
        "답변 전송 예정",
    )
    assert (planned[3]["처리결과"], planned[3]["오류메시지"]) == ("건너뜀", NOT_APPROVED)
    assert all(r["오류메시지"] != "예시 행이라 보내지 않습니다." for r in planned.values())
    summary = openpyxl.load_workbook(dry.files.result, read_only=True)["요약"]
    assert "미리보기" in str(next(summary.iter_rows(values_only=True))[0])

    real = run_answers(filled, ws, app=app, when=when())
    assert real.files is not None
    done = sheet(real.files.result, A.MAIN)
    assert (done[2]["처리결과"], done[2]["답변 메시지"]) == ("성공", "답변 전송")
    assert (done[3]["처리결과"], done[3]["오류메시지"]) == ("건너뜀", NOT_APPROVED)
    assert all(r["오류메시지"] != "예시 행이라 보내지 않습니다." for r in done.values())


def test_a_redropped_answer_workbook_is_skipped_with_exit_0(
    inquiries: tuple[Workspace, Any, Recorder, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws, sandbox, app, export = inquiries
    filled = fill(export, tmp_path / "답변.xlsx", A.MAIN, {2: {"답변내용": "감사합니다.", "승인": "Y"}})
    first = run_answers(filled, ws, app=app, when=when())
    assert first.validation.results[2] is RowResult.SUCCESS
    answers = len(state(sandbox, "tmon")["answers"])

    monkeypatch.setattr("batch.jobs.connections._in_process", app)  # the CLI's sandbox: this one
    out = CliRunner().invoke(cli, ["-w", str(ws.root), "run", str(filled)])
    assert out.exit_code == 0, out.output
    assert "문의 5행: 건너뜀 5" in out.output
    assert "티몬: 건너뜀(이미 보냄) 1" in out.output
    assert len(state(sandbox, "tmon")["answers"]) == answers
    [result] = sorted(ws.outbox.glob("답변_결과_*.xlsx"), key=lambda p: p.stat().st_mtime)[-1:]
    shown = sheet(result, A.MAIN)
    assert (shown[2]["처리결과"], shown[2]["오류메시지"], shown[2]["답변 결과"]) == ("건너뜀", SENT_BEFORE, "건너뜀")

    dry = CliRunner().invoke(cli, ["-w", str(ws.root), "run", "--dry-run", str(filled)])
    assert dry.exit_code == 0, dry.output
    assert "미리보기 파일: " in dry.output


def test_someone_elses_answer_on_the_marketplace_is_skipped_not_an_error(
    inquiries: tuple[Workspace, Any, Recorder, Path], tmp_path: Path
) -> None:
    ws, sandbox, app, export = inquiries
    rows = sheet(export, A.MAIN)
    elsewhere, ours = str(rows[2]["문의번호"]), str(rows[3]["문의번호"])
    account = ws.account("tmon", "main")
    assert account is not None

    async def answer(number: str, text: str) -> None:
        conn = open_account(ws, account, app=sandbox)
        try:
            await conn.adapter.answer(number, text)
        finally:
            await conn.aclose()

    asyncio.run(answer(elsewhere, "판매자센터에서 직접 쓴 답변"))  # not through batch: our ledger never saw it
    text = "주문 감사합니다."
    ledger = Ledger(ws.ledger_path)  # ours, sent by a run that died before writing it down
    try:
        found = ledger.inquiry(ours)
        assert found is not None
        ledger.begin("tmon", "main", ours, "answer", answer_hash(text))
    finally:
        ledger.close()
    asyncio.run(answer(ours, text))

    cells = {2: {"답변내용": "감사합니다.", "승인": "Y"}, 3: {"답변내용": text, "승인": "Y"}}
    filled = fill(export, tmp_path / "답변.xlsx", A.MAIN, cells)
    done = run_answers(filled, ws, app=app, when=when())
    assert not done.has_errors
    assert {r.row: (r.result, r.message) for r in done.rows} == {
        2: (RowResult.SKIPPED, ANSWERED_THERE),
        3: (RowResult.SKIPPED, SENT_BEFORE),
    }
    assert "티몬: 건너뜀(마켓에 이미 답변이 있습니다) 1 · 건너뜀(이미 보냄) 1" in render_answers(done)
    again = run_answers(filled, ws, app=app, when=when(), dry_run=True)  # the ledger knows both now
    assert {r.row: (r.result, r.message) for r in again.rows} == {
        2: (RowResult.SKIPPED, ANSWERED_THERE),
        3: (RowResult.SKIPPED, SENT_BEFORE),
    }
    assert json.dumps([p.code for p in again.validation.report]) == "[]"


def test_a_row_for_no_chosen_marketplace_says_so(tmp_path: Path) -> None:
    ws = workspace(tmp_path, ("tmon", "coupang"))
    app = Recorder(create_app(seed=13))
    rows = product_rows(3, markets=("tmon", "coupang"))
    rows[P.MAIN][2]["groups"] = GROUPS["coupang"]["group"]  # Excel row 5: Coupang only
    path = write_template(P.SPEC, tmp_path / "상품.xlsx", rows)
    dry = products(path, ws, app, dry_run=True, markets={"tmon"})
    assert writes(app) == []
    assert dry.plan_counts() == {"티몬": Counter({Action.CREATE: 2})}
    assert dry.files is not None
    planned = result_rows(dry.files.result)
    code = str(rows[P.MAIN][2]["code"])
    assert (planned[code]["처리결과"], planned[code]["오류메시지"]) == ("건너뜀", OTHER_MARKET)
