"""`run_products` end to end against the sandbox: create, skip, update, dry run, faults, kill switch, accounts, crashes.

The sandbox runs in-process (``app=``), one app shared between the runs of a test so its state carries over;
the crash test serves it on 127.0.0.1 and runs `python -m batch` in a subprocess that SIGKILLs itself.
Client time is a fake clock whose sleeps return at once, so backoff and Retry-After cost no wall time.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import itertools
import json
import os
import re
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from helpers import TMON_ONLY, FakeClock, control, result_rows, send_tmon_500, served
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from batch.config import Workspace, load_workspace
from batch.exporters.template import write_template
from batch.importers import products as P
from batch.jobs.init import init_workspace
from batch.jobs.products import Action, Run, run_products
from batch.jobs.samples import Row, product_rows, sales_rows
from batch.models import RowResult
from batch.sandbox.app import create_app

ROOT = Path(__file__).resolve().parents[1]
FIRST_DEAL = 30_000_001
DEALS = "/api/{vendorId}/deals"
DEAL = "/api/{vendorId}/deals/{no}"
TOKEN = "POST /oauth/token"
TEMPLATES = "GET /api/{vendorId}/partners/templates"
UNKNOWN_NOTE = " (전송 결과를 알 수 없어 다음 실행 때 먼저 확인합니다)"
AUTH_MESSAGE = "티몬 API 인증 정보(client id / secret)가 맞지 않습니다. batch.toml의 계정과 환경 변수를 확인하세요."
_WHEN = itertools.count()


# -- helpers ----------------------------------------------------------------------------------------------


def workspace(tmp_path: Path, extra: str = "", **settings: Any) -> Workspace:
    """A workspace from ``init_workspace`` (account main on the sandbox), unpaced, with ``settings`` added."""
    root = tmp_path / "ws"
    init_workspace(root, markets=TMON_ONLY)
    config = root / "batch.toml"
    text = config.read_text(encoding="utf-8").replace("rate_limit = 10", "rate_limit = 0")
    text += "".join(f"{key} = {json.dumps(value)}\n" for key, value in settings.items())  # [[accounts]] is last
    config.write_text(text + extra, encoding="utf-8")
    return load_workspace(root)


def book(tmp_path: Path, rows: dict[str, list[Row]], name: str = "상품등록") -> Path:
    return write_template(P.SPEC, tmp_path / f"{name}.xlsx", rows)


def run(path: Path, ws: Workspace, app: Any, **kw: Any) -> Run:
    """One `batch run`, with a new result file name each time."""
    when = dt.datetime(2026, 3, 1, 9, 0) + dt.timedelta(seconds=next(_WHEN))
    return run_products(path, ws, app=app, clock=kw.pop("clock", None) or FakeClock(), when=when, **kw)


def state(app: Any) -> dict[str, Any]:
    body: dict[str, Any] = control(app, "GET", "/__sandbox__/state?market=tmon")
    return body


def deals_by_code(app: Any) -> dict[str, int]:
    products = state(app)["products"]
    codes = [p["vendorDealNo"] for p in products]
    assert len(codes) == len(set(codes)), "a product was registered twice"
    return {p["vendorDealNo"]: p["tmonDealNo"] for p in products}


def requests_since(before: dict[str, int], app: Any) -> dict[str, int]:
    after: dict[str, int] = state(app)["requests"]
    return {k: n - before.get(k, 0) for k, n in after.items() if n != before.get(k, 0)}


def codes_of(rows: dict[str, list[Row]]) -> list[str]:
    return [str(r["code"]) for r in rows[P.MAIN]]


# -- create, skip, update --------------------------------------------------------------------------------


def test_first_run_creates_second_skips_then_five_changes_update(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    app = create_app(seed=1)
    rows = product_rows(500)
    codes = codes_of(rows)
    path = book(tmp_path, rows)

    first = run(path, ws, app)
    assert first.plan_counts() == {"티몬": Counter({Action.CREATE: 500})}
    deals = deals_by_code(app)
    assert sorted(deals) == sorted(codes)
    assert sorted(deals.values()) == list(range(FIRST_DEAL, FIRST_DEAL + 500))
    assert state(app)["requests"] == {TOKEN: 1, TEMPLATES: 1, f"POST {DEALS}": 500}
    assert first.files is not None and first.files.reupload is None
    shown = result_rows(first.files.result)
    assert sorted(shown) == sorted(codes)
    for code in codes:
        assert shown[code] == {
            "처리결과": "성공",
            "오류코드": None,
            "오류메시지": None,
            "티몬 결과": "성공",
            "티몬 상품번호": str(deals[code]),
            "티몬 메시지": "신규 등록",
        }, code

    before = state(app)["requests"]
    second = run(path, ws, app)
    assert second.plan_counts() == {"티몬": Counter({Action.SKIP: 500})}
    sent = requests_since(before, app)
    assert set(sent) <= {TOKEN, TEMPLATES}  # nothing about deals, at most a login and a template check
    assert second.files is not None
    shown = result_rows(second.files.result)
    assert {code: (r["처리결과"], r["티몬 결과"], r["티몬 상품번호"]) for code, r in shown.items()} == {
        code: ("건너뜀", "건너뜀", str(deals[code])) for code in codes
    }
    assert {r["티몬 메시지"] for r in shown.values()} == {"변경 없음"}
    assert {r["오류메시지"] for r in shown.values()} == {"변경 없음"}  # why each row was skipped; never "예시 행"

    changed = {i: str(int(str(rows[P.MAIN][i]["price"])) + 500) for i in (0, 99, 250, 411, 499)}
    for index, price in changed.items():
        rows[P.MAIN][index]["price"] = price
    path = book(tmp_path, rows, "상품등록-수정")
    before = state(app)["requests"]
    third = run(path, ws, app)
    assert third.plan_counts() == {"티몬": Counter({Action.SKIP: 495, Action.UPDATE: 5})}
    sent = requests_since(before, app)
    # an update is the deal, then its stock and display ([T1] richbeam/mcs_tmon_api ProdServiceImpl.updateProducts)
    updates = (f"PUT {DEAL}", f"PUT {DEAL}/stock", f"PUT {DEAL}/options/display")
    assert [sent[u] for u in updates] == [5, 5, 5]
    assert set(sent) <= {TOKEN, TEMPLATES, *updates}
    assert deals_by_code(app) == deals  # no new deal, the same numbers
    stored = {p["vendorDealNo"]: p for p in state(app)["products"]}
    for index, price in changed.items():
        assert stored[codes[index]]["dealOptions"][0]["salesPrice"] == int(price)
    assert third.files is not None
    shown = result_rows(third.files.result)
    updated = {codes[i] for i in changed}
    assert {code for code, r in shown.items() if r["처리결과"] == "성공"} == updated
    assert {(r["티몬 결과"], r["티몬 메시지"]) for c, r in shown.items() if c in updated} == {("성공", "수정")}
    assert {r["처리결과"] for c, r in shown.items() if c not in updated} == {"건너뜀"}


def test_dry_run_plans_and_sends_nothing(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    app = create_app(seed=2)
    rows = product_rows(30)
    path = book(tmp_path, rows)

    planned = run(path, ws, app, dry_run=True)
    assert planned.plan_counts() == {"티몬": Counter({Action.CREATE: 30})}
    assert {s.result for s in planned.steps} == {None}  # nothing sent
    assert state(app)["requests"] == {TOKEN: 1, TEMPLATES: 1}  # the login and the template check: reads only
    assert state(app)["products"] == []
    assert planned.files is not None and planned.files.preview and planned.files.reupload is None
    assert re.fullmatch(r"상품등록_미리보기_20260301-09\d{4}\.xlsx", planned.files.result.name)
    shown = result_rows(planned.files.result)
    assert {(r["처리결과"], r["티몬 결과"], r["티몬 메시지"]) for r in shown.values()} == {
        ("보낼 예정", "신규 등록 예정", None)
    }

    run(path, ws, app)
    rows[P.MAIN][3]["name"] = "다온 면 라운드 티셔츠 새이름"
    rows[P.MAIN][7]["stock"] = "9998"
    before = state(app)["requests"]
    planned = run(book(tmp_path, rows, "두번째"), ws, app, dry_run=True)
    assert planned.plan_counts() == {"티몬": Counter({Action.SKIP: 28, Action.UPDATE: 2})}
    assert set(requests_since(before, app)) <= {TOKEN, TEMPLATES}
    assert planned.files is not None
    shown = result_rows(planned.files.result)
    codes = codes_of(rows)
    for code, r in shown.items():
        if code == codes[3]:
            assert (r["처리결과"], r["오류코드"], r["티몬 결과"]) == ("보낼 예정", None, "수정 예정")
        elif code == codes[7]:  # stock 9998: TMON's warning, sent all the same
            assert (r["처리결과"], r["오류코드"], r["티몬 결과"]) == (
                "보낼 예정(경고)",
                "stock-below-9999",
                "수정 예정",
            )
        else:
            assert (r["처리결과"], r["오류메시지"], r["티몬 결과"], r["티몬 메시지"]) == (
                "건너뜀",
                "변경 없음",  # never "예시 행"
                "건너뜀",
                "변경 없음",
            ), code


# -- faults ----------------------------------------------------------------------------------------------

FRESH_GROUP = "티몬-신선잘못"
FAULT_SEED = 9  # converges in 4 runs most times


def test_faults_of_every_kind_end_with_every_product_registered_exactly_once(tmp_path: Path) -> None:
    """30 % of requests fault (429, 500, 503, stall, drop, lost_response); rerunning heals every row, no duplicates.

    Three extra rows pass our validator but not TMON (an upper-case ``HTTPS://`` image: TMON answers with its
    Korean message), one more sits in a group whose delivery template is FRESH while the group says 일반상품
    (caught by our template check, never sent).
    """
    ws = workspace(tmp_path, timeout=0.3, backoff_base=0.01, backoff_cap=0.05)
    app = create_app(seed=FAULT_SEED)
    rows = product_rows(504)
    codes = codes_of(rows)
    valid, upper, fresh = codes[:500], codes[500:503], codes[503]
    valid_rows = range(3, 503)  # Excel rows of the valid products: below the header and the example row
    for r in rows[P.MAIN][500:503]:
        r["main_image"] = str(r["main_image"]).replace("https://", "HTTPS://")
    rows[P.MAIN][503]["groups"] = FRESH_GROUP
    rows[P.SALES].append(
        {**sales_rows()[0], "group": FRESH_GROUP, "delivery_template": "1690699", "product_type": "일반상품"}
    )
    path = book(tmp_path, rows)
    control(app, "POST", "/__sandbox__/faults", {"market": "tmon", "rate": 0.3, "seed": FAULT_SEED})

    expected_errors = {
        code: f'대표이미지(mainImages): 올바르지 않은 값입니다: "HTTPS://img.example.com/{code}.jpg".' for code in upper
    }
    expected_errors[fresh] = (
        "배송템플릿 1690699번(신선식품 배송)의 상품유형그룹은 '냉장/냉동/신선식품'입니다. "
        "판매정보의 상품유형그룹('일반상품')과 같아야 합니다."
    )
    clock = FakeClock()
    messages: Counter[str] = Counter()
    runs: list[Run] = []
    healed = False
    # ~6 runs would do, but a run whose first token request faults (30 %) sends nothing at all (the xfail in
    # test_tmon_adapter), so allow 12: the runs after the first send only what is left and take a fraction of a second.
    while not healed and len(runs) < 12:
        runs.append(run(path, ws, app, clock=clock))
        messages.update(s.message for s in runs[-1].steps)
        outcome = {s.row: s.result for s in runs[-1].steps}
        healed = all(outcome[row] in (RowResult.SUCCESS, RowResult.SKIPPED) for row in valid_rows)
    assert healed, Counter(s.message for s in runs[-1].steps if s.result is not RowResult.SUCCESS)
    assert not any("이미 등록 완료된 딜입니다" in m for m in messages), "a lost answer was sent again as a new deal"
    assert messages["등록 확인"] > 0  # some answers were lost, and the lookup found their deals
    assert clock.slept > 0  # backoff and Retry-After waited, in fake time
    assert any(m.endswith(UNKNOWN_NOTE) for m in messages)
    deals = deals_by_code(app)
    assert sorted(deals) == sorted(valid)
    assert sorted(deals.values()) == list(range(FIRST_DEAL, FIRST_DEAL + 500))  # no other deal was ever made

    control(app, "POST", "/__sandbox__/faults", {"market": "tmon", "rate": 0})
    before = state(app)["requests"]
    final = run(path, ws, app, clock=clock)
    assert final.plan_counts() == {"티몬": Counter({Action.SKIP: 500, Action.CREATE: 3, Action.BLOCKED: 1})}
    sent = requests_since(before, app)
    assert sent.pop(f"GET {DEAL}", 0) <= 3  # only a rejected row whose last answer was lost is looked up first
    assert sent == {TOKEN: 1, TEMPLATES: 2, f"POST {DEALS}": 3}  # a template check per group; the 3 rejected
    assert deals_by_code(app) == deals
    assert final.files is not None
    shown = result_rows(final.files.result)
    assert {code: (shown[code]["처리결과"], shown[code]["티몬 상품번호"]) for code in valid} == {
        code: ("건너뜀", str(deals[code])) for code in valid
    }
    for code, message in expected_errors.items():
        assert shown[code] == {
            "처리결과": "오류",
            "오류코드": "not-sent" if code == fresh else "marketplace-rejected",
            "오류메시지": f"[티몬] {message}",
            "티몬 결과": "오류",
            "티몬 상품번호": None,
            "티몬 메시지": message,
        }, code


# -- kill switch -----------------------------------------------------------------------------------------


def test_kill_switch_holds_every_row_and_sends_nothing(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    config = ws.root / "batch.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            '[markets.tmon]\nstop = ""', '[markets.tmon]\nstop = "티몬 영업 중단"'
        ),
        encoding="utf-8",
    )
    ws = load_workspace(ws.root)
    assert ws.stops == {"tmon": "티몬 영업 중단"}
    app = create_app(seed=3)
    rows = product_rows(12)
    result = run(book(tmp_path, rows), ws, app)
    assert state(app)["requests"] == {}
    assert state(app)["products"] == []
    assert result.plan_counts() == {"티몬": Counter({Action.BLOCKED: 12})}
    assert result.files is not None
    shown = result_rows(result.files.result)
    assert shown == {
        code: {
            "처리결과": "보류",
            "오류코드": None,
            "오류메시지": None,
            "티몬 결과": "보류",
            "티몬 상품번호": None,
            "티몬 메시지": "티몬 전송 중지: 티몬 영업 중단",
        }
        for code in codes_of(rows)
    }
    assert not result.has_errors


# -- two accounts ----------------------------------------------------------------------------------------

SECOND_ACCOUNT = """
[[accounts]]
market = "tmon"
name = "second"
base_url = "sandbox:"
client_id = "tmon-second"
client_secret_env = "BATCH_TMON_SECOND_CLIENT_SECRET"
partner_id = "batch"
partner_token_env = "BATCH_TMON_SECOND_PARTNER_TOKEN"
rate_limit = 0
"""
SECOND_GROUP = "티몬-둘째"


def test_a_broken_account_does_not_stop_another(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BATCH_TMON_MAIN_CLIENT_SECRET", "wrong-secret")
    monkeypatch.setenv("BATCH_TMON_SECOND_PARTNER_TOKEN", "sandbox-partner-token-2")
    monkeypatch.delenv("BATCH_TMON_SECOND_CLIENT_SECRET", raising=False)  # a sandbox account's test secret
    ws = workspace(tmp_path, extra=SECOND_ACCOUNT)
    assert [a.name for a in ws.accounts] == ["main", "second"]
    app = create_app(seed=4)
    rows = product_rows(20)
    for r in rows[P.MAIN][10:]:
        r["groups"] = SECOND_GROUP
    rows[P.SALES].append({**sales_rows()[0], "account": "second", "group": SECOND_GROUP})
    codes = codes_of(rows)
    first_codes, second_codes = codes[:10], codes[10:]

    result = run(book(tmp_path, rows), ws, app)
    deals = deals_by_code(app)
    assert sorted(deals) == second_codes
    assert {p["vendorId"] for p in state(app)["products"]} == {"V1002"}
    assert state(app)["requests"] == {TOKEN: 2, TEMPLATES: 1, f"POST {DEALS}": 10}
    assert result.files is not None
    shown = result_rows(result.files.result)
    # two accounts of one marketplace: each gets its own columns, named with the account
    for code in second_codes:
        assert (shown[code]["처리결과"], shown[code]["티몬(second) 상품번호"]) == ("성공", str(deals[code]))
    for code in first_codes:
        assert shown[code] == {
            "처리결과": "오류",
            "오류코드": "not-sent",
            "오류메시지": f"[티몬] {AUTH_MESSAGE}",
            "티몬(main) 결과": "오류",
            "티몬(main) 상품번호": None,
            "티몬(main) 메시지": AUTH_MESSAGE,
            "티몬(second) 결과": None,
            "티몬(second) 상품번호": None,
            "티몬(second) 메시지": None,
        }


class TemplateGate:
    """In front of the sandbox: holds each delivery-template request until ``accounts`` of them are in flight at once
    (then lets every one through), and counts the most in flight. Checks asked one account after another never get
    there: each is let through after ``FALLBACK_S`` and the count stays 1."""

    FALLBACK_S = 5.0

    def __init__(self, app: ASGIApp, accounts: int) -> None:
        self.app = app
        self.accounts = accounts
        self.in_flight = 0
        self.most = 0
        self.open: asyncio.Event | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].endswith("/partners/templates"):
            self.open = self.open or asyncio.Event()
            self.in_flight += 1
            self.most = max(self.most, self.in_flight)
            if self.in_flight >= self.accounts:
                self.open.set()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.open.wait(), self.FALLBACK_S)
            self.in_flight -= 1
        await self.app(scope, receive, send)


def test_the_template_checks_ask_every_account_at_once_and_a_failed_one_stops_only_its_group(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BATCH_TMON_SECOND_PARTNER_TOKEN", "sandbox-partner-token-2")
    monkeypatch.delenv("BATCH_TMON_SECOND_CLIENT_SECRET", raising=False)  # a sandbox account's test secret
    ws = workspace(tmp_path, extra=SECOND_ACCOUNT)
    sandbox = create_app(seed=4)
    app = TemplateGate(sandbox, accounts=2)
    rows = product_rows(12)
    for r in rows[P.MAIN][4:8]:
        r["groups"] = "티몬-없는템플릿"
    for r in rows[P.MAIN][8:]:
        r["groups"] = SECOND_GROUP
    rows[P.SALES] += [
        {**sales_rows()[0], "group": "티몬-없는템플릿", "delivery_template": "999"},
        {**sales_rows()[0], "account": "second", "group": SECOND_GROUP},
    ]
    codes = codes_of(rows)

    result = run(book(tmp_path, rows), ws, app)
    assert app.most == 2  # main's first group and second's group asked side by side
    assert state(sandbox)["requests"] == {TOKEN: 2, TEMPLATES: 3, f"POST {DEALS}": 8}  # one check per group
    assert sorted(deals_by_code(sandbox)) == codes[:4] + codes[8:]
    missing = "티몬에 배송템플릿 999번이 없습니다. 판매정보 시트의 배송템플릿 번호를 확인하세요."
    assert {s.product.code: (s.result, s.message) for s in result.steps if s.product} == {
        **{c: (RowResult.SUCCESS, "신규 등록") for c in codes[:4] + codes[8:]},
        **{c: (RowResult.ERROR, missing) for c in codes[4:8]},
    }


# -- a lookup that fails does not end the run ---------------------------------------------------------------


class Interfere:
    """In front of the sandbox: optionally loses the answers to ``POST /deals`` or fails deal lookups with 500."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.lose_created = False
        self.fail_lookups = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        is_deal = scope["type"] == "http" and path.startswith("/api/") and "/deals" in path
        if is_deal and scope["method"] == "POST" and self.lose_created:

            async def discard(message: Message) -> None:
                pass

            await self.app(scope, receive, discard)
            raise ConnectionResetError("the deal was made, then the connection dropped")
        if is_deal and scope["method"] == "GET" and self.fail_lookups:
            await send_tmon_500(send)
            return
        await self.app(scope, receive, send)


def test_a_failed_lookup_of_an_unknown_outcome_marks_the_row_and_the_run_goes_on(tmp_path: Path) -> None:
    # 12 failed lookups (6 rows, 2 tries): whether 8 of them come in a row (the breaker opens and holds the rest)
    # depends on how the other calls interleave; this test is about the rows, so the breaker stays out of it
    ws = workspace(tmp_path, max_attempts=2, backoff_base=0.01, backoff_cap=0.05, breaker_threshold=100)
    sandbox = create_app(seed=5)
    app = Interfere(sandbox)
    rows = product_rows(6)
    codes = codes_of(rows)
    path = book(tmp_path, rows)

    app.lose_created = True
    lost = run(path, ws, app)
    assert {s.message for s in lost.steps} == {f"연결 오류 (ConnectionResetError){UNKNOWN_NOTE}"}
    assert sorted(deals_by_code(sandbox)) == codes  # made, though we never heard

    app.lose_created, app.fail_lookups = False, True
    failing = run(path, ws, app)
    assert failing.files is not None
    shown = result_rows(failing.files.result)
    assert {r["처리결과"] for r in shown.values()} == {"오류"}
    assert {r["티몬 메시지"] for r in shown.values()} == {
        "일시적인 오류 (이전 전송의 결과를 확인하지 못해 보내지 않았습니다. 다시 실행하세요)"
    }
    assert state(sandbox)["requests"][f"POST {DEALS}"] == 6  # nothing sent while in doubt

    app.fail_lookups = False
    healed = run(path, ws, app)
    assert {s.message for s in healed.steps} == {"등록 확인"}
    assert state(sandbox)["requests"][f"POST {DEALS}"] == 6  # never sent twice
    assert sorted(deals_by_code(sandbox)) == codes


# -- SIGKILL in the middle of a run -----------------------------------------------------------------------------


def batch(*args: str, crash_at: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "BATCH_CRASH_AT"}
    env |= {
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
        "BATCH_TMON_MAIN_CLIENT_SECRET": "sandbox-secret",
        "BATCH_TMON_MAIN_PARTNER_TOKEN": "sandbox-partner-token",
    }
    if crash_at:
        env["BATCH_CRASH_AT"] = crash_at
    return subprocess.run(
        [sys.executable, "-m", "batch", *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_sigkill_after_intent_and_before_complete_never_sends_twice(tmp_path: Path) -> None:
    app = create_app(seed=6)
    rows = product_rows(12)
    codes = codes_of(rows)
    ws_dir = tmp_path / "ws"
    with served(app) as url:
        made = batch("init", str(ws_dir), "--sandbox", url)
        assert made.returncode == 0, made.stderr
        assert f'base_url = "{url}"' in (ws_dir / "batch.toml").read_text(encoding="utf-8")
        path = book(ws_dir / "inbox", rows)

        died = batch("-w", str(ws_dir), "run", str(path), crash_at="after-intent")
        assert died.returncode == -signal.SIGKILL, died.stderr
        assert state(app)["products"] == []
        assert f"POST {DEALS}" not in state(app)["requests"]  # it died before sending

        died = batch("-w", str(ws_dir), "run", str(path), crash_at="before-complete")
        assert died.returncode == -signal.SIGKILL, died.stderr
        landed = deals_by_code(app)
        assert len(landed) >= 1  # sent and made, but never written down as done

        done = batch("-w", str(ws_dir), "run", str(path))
        assert done.returncode == 0, done.stdout + done.stderr
        deals = deals_by_code(app)

    assert sorted(deals) == sorted(codes)
    assert sorted(deals.values()) == list(range(FIRST_DEAL, FIRST_DEAL + len(codes)))
    [result] = [p for p in (ws_dir / "outbox").glob("*.xlsx") if not p.stem.endswith("재업로드용")]
    shown = result_rows(result)
    assert {c: (r["처리결과"], r["티몬 상품번호"]) for c, r in shown.items()} == {
        c: ("성공", str(deals[c])) for c in codes
    }
    messages = Counter(r["티몬 메시지"] for r in shown.values())
    assert set(messages) <= {"신규 등록", "등록 확인"}
    assert messages["등록 확인"] >= len(landed)
