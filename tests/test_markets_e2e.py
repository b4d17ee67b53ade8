"""The end-to-end jobs, alike for TMON, Coupang, Naver and 11번가 (parametrised): products (create, skip, update, faults,
SIGKILL), orders and invoices with the claim gate, inquiries and answers, the watched folder, and one product
workbook sent to all four at once.

Each marketplace's sandbox speaks its own protocol; ``Profile`` says only where each one keeps what the test
checks (our product code, invoices, answers) and how its requests are counted. Everything else is the same test.
"""

from __future__ import annotations

import datetime as dt
import email
import itertools
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from email.policy import default
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from helpers import FakeClock, VirtualClock, control, result_rows, served

from batch.automation.service import run_watch
from batch.config import SANDBOX_SECRETS, Workspace, load_workspace
from batch.exporters.template import write_template
from batch.importers import answers as A
from batch.importers import invoices as I
from batch.importers import products as P
from batch.importers.claims import CLAIMS_MAIN
from batch.jobs.answers import SENT_BEFORE, run_answers
from batch.jobs.collect import collect
from batch.jobs.init import init_workspace
from batch.jobs.invoices import run_invoices
from batch.jobs.products import Action, Run, run_products
from batch.jobs.samples import GROUPS, Row, product_rows
from batch.models import Market, RowResult
from batch.sandbox.app import create_app
from batch.sandbox.images import image_bytes

ROOT = Path(__file__).resolve().parents[1]
MARKETS = ("tmon", "coupang", "naver", "11st", "esm")
# each run starts 200 s after the last (the run's clock): longer than ESM's ~3 minutes before a new product shows in
# its look-up (E 21), which a run waits out before it trusts "not found" after a lost answer
_WHEN = itertools.count(step=200)

State = dict[str, Any]


@dataclass(frozen=True)
class Profile:
    """Where one marketplace's sandbox keeps what the tests check."""

    market: str
    creates: tuple[str, ...]  # request keys ("METHOD /template") that create a product
    updates: tuple[str, ...]  # … that change one
    invoice_calls: tuple[str, ...]  # … that send invoices (first registration)
    answer_calls: tuple[str, ...]  # … that send an answer
    products: Callable[[State], dict[str, str]]  # our code -> the marketplace's product number
    invoices: Callable[[State], set[tuple[str, str]]]  # (order number, tracking number) registered
    answers: Callable[[State], dict[str, str]]  # inquiry number (as we address it) -> the answer's text
    env: tuple[tuple[str, str], ...]  # the sandbox credentials, as a real server's account reads them
    uploads_images: bool = False  # takes image files (uploads them) rather than only https addresses
    # what a buyer's cancel of a collected (not yet confirmed) order is: a request the seller acts on, or, on 11번가 and
    # ESM, done at once (G 1634: before 발주확인 the buyer cancels "임의로"; after it, a 취소요청 the seller approves)
    cancel_state: str = "요청"
    # seed options that keep orders plain (ESM: no buyer changes the address before 발주확인, which holds the invoice;
    # tested on its own)
    plain_orders: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return Market(self.market).label

    def count(self, requests: dict[str, int], keys: tuple[str, ...]) -> int:
        return sum(int(requests.get(k, 0)) for k in keys)


def _unique(pairs: list[tuple[str, str]]) -> dict[str, str]:
    codes = [c for c, _ in pairs]
    assert len(codes) == len(set(codes)), f"a product was registered twice: {Counter(codes).most_common(3)}"
    return dict(pairs)


# -- TMON ------------------------------------------------------------------------------------------------------


TMON = Profile(
    market="tmon",
    creates=("POST /api/{vendorId}/deals",),
    updates=("PUT /api/{vendorId}/deals/{no}",),
    invoice_calls=("POST /api/{vendorId}/orders/{tmonOrderNo}/invoices",),
    answer_calls=(
        "POST /api/{vendorId}/qnas/{articleNo}/replies",
        "POST /api/{vendorId}/cs-inquiry/save/{csInquirySeqNo}/{csInquiryMessageGroupSeqNo}",
    ),
    products=lambda s: _unique([(str(p["vendorDealNo"]), str(p["tmonDealNo"])) for p in s["products"]]),
    invoices=lambda s: {(str(i["tmonOrderNo"]), str(i["invoiceNo"])) for i in s["invoices"]},
    answers=lambda s: {str(a["id"]): str(a["content"]) for a in s["answers"]},
    env=(
        ("BATCH_TMON_MAIN_CLIENT_SECRET", "sandbox-secret"),
        ("BATCH_TMON_MAIN_PARTNER_TOKEN", "sandbox-partner-token"),
        ("BATCH_TMON_MAIN_AES_KEY", SANDBOX_SECRETS["tmon"]["aes_key"]),
    ),
)


def _coupang_products(state: State) -> dict[str, str]:
    """Our product code is each item's externalVendorSku without its option suffix (CODE-001)."""
    return _unique(
        [
            (str(p["items"][0]["externalVendorSku"]).rsplit("-", 1)[0], str(p["sellerProductId"]))
            for p in state["products"]
        ]
    )


COUPANG_V4 = "/v2/providers/openapi/apis/api/v4/vendors/{vendorId}"
COUPANG = Profile(
    market="coupang",
    creates=("POST /v2/providers/seller_api/apis/api/v1/marketplace/seller-products",),
    updates=("PUT /v2/providers/seller_api/apis/api/v1/marketplace/seller-products",),
    invoice_calls=(f"POST {COUPANG_V4}/orders/invoices",),
    answer_calls=(
        f"POST {COUPANG_V4}/onlineInquiries/{{inquiryId}}/replies",
        f"POST {COUPANG_V4}/callCenterInquiries/{{inquiryId}}/replies",
    ),
    products=_coupang_products,
    invoices=lambda s: {(str(i["orderId"]), str(i["invoiceNumber"])) for i in s["invoices"] if i["current"]},
    answers=lambda s: {f"{a['kind']}:{a['inquiryId']}": str(a["content"]) for a in s["answers"]},
    env=(("BATCH_COUPANG_MAIN_SECRET_KEY", "sandbox-coupang-secret-key"),),
)

NAVER = Profile(
    market="naver",
    creates=("POST /external/v2/products",),
    updates=("PUT /external/v2/products/origin-products/{no}",),
    invoice_calls=("POST /external/v1/pay-order/seller/product-orders/dispatch",),
    answer_calls=(
        "PUT /external/v1/contents/qnas/{questionId}",
        "POST /external/v1/pay-merchant/inquiries/{inquiryNo}/answer",
    ),
    products=lambda s: _unique([(str(p["sellerManagementCode"]), str(p["originProductNo"])) for p in s["products"]]),
    invoices=lambda s: {(str(i["orderId"]), str(i["trackingNumber"])) for i in s["invoices"]},
    answers=lambda s: {str(a["inquiry_no"]): str(a["content"]) for a in s["answers"]},
    env=(("BATCH_NAVER_MAIN_CLIENT_SECRET", "$2a$10$abcdefghijklmnopqrstuv"),),
    uploads_images=True,
)

ST11 = Profile(
    market="11st",
    creates=("POST /rest/prodservices/product",),
    updates=("PUT /rest/prodservices/product/{prdNo}",),
    invoice_calls=("GET /rest/ordservices/reqdelivery/{sendDt}/{dlvMthdCd}/{dlvEtprsCd}/{invcNo}/{dlvNo}",),
    answer_calls=("PUT /rest/prodqnaservices/prodqnaanswer/{brdInfoNo}/{prdNo}",),
    products=lambda s: _unique([(str(p["sellerPrdCd"]), str(p["prdNo"])) for p in s["products"]]),
    # one invoice per dlvNo; each of its lines is "ordNo/ordPrdSeq"
    invoices=lambda s: {(str(line).split("/")[0], str(i["invcNo"])) for i in s["invoices"] for line in i["lines"]},
    answers=lambda s: {str(a["brdInfoNo"]): str(a["answerCont"]) for a in s["answers"]},
    env=(("BATCH_11ST_MAIN_API_KEY", SANDBOX_SECRETS["11st"]["api_key"]),),
    cancel_state="완료",
)

# G마켓·옥션 (ESM): one registration (goodsNo, a number per site); invoices and answers per OrderNo / MessageNo.
ESM = Profile(
    market="esm",
    creates=("POST /item/v1/goods",),
    updates=("PUT /item/v1/goods/{goodsNo}",),
    invoice_calls=("POST /shipping/v1/Delivery/ShippingInfo",),
    answer_calls=(
        "POST /item/v1/communications/customer/bulletin-board/qna",
        "POST /assist/v1/Selling/AddEmergencyInformReply",
    ),
    products=lambda s: _unique([(str(p["managedCode"]), str(p["goodsNo"])) for p in s["products"]]),
    invoices=lambda s: {(str(i["OrderNo"]), str(i["InvoiceNo"])) for i in s["invoices"]},
    answers=lambda s: {f"board:{a['site']}:{a['messageNo']}": str(a["comments"]) for a in s["answers"]},
    env=(("BATCH_ESM_SECRET", SANDBOX_SECRETS["esm"]["secret"]),),
    plain_orders={"address_changed": 0},
    cancel_state="완료",  # E 50: "주문확인 이전 고객이 취소 했을 경우 판매자의 승인없이 즉시취소"
)

PROFILES = {p.market: p for p in (TMON, COUPANG, NAVER, ST11, ESM)}


@pytest.fixture(params=MARKETS)
def profile(request: pytest.FixtureRequest) -> Profile:
    return PROFILES[str(request.param)]


# -- helpers ---------------------------------------------------------------------------------------------------


def linked_app(clock: FakeClock, seed: int) -> Any:
    """A sandbox whose clock moves with the client's fake clock, so its rate limits see the client's pacing."""
    start = time.time()
    return create_app(clock=lambda: start + clock.now, seed=seed)


def hour_ago_app(clock: FakeClock, seed: int) -> Any:
    """A sandbox an hour behind the wall clock (its orders are an hour old) that moves with the client's fake clock:
    a marketplace's spacing (ESM's 5-second order list) costs fake time, not test time."""
    start = time.time() - 3600
    return create_app(clock=lambda: start + clock.now, seed=seed)


def workspace(tmp_path: Path, markets: tuple[str, ...], **settings: Any) -> Workspace:
    """A workspace with the sandbox accounts of ``markets``, unpaced, with ``settings`` on every account."""
    root = tmp_path / "ws"
    init_workspace(root, markets=markets)
    config = root / "batch.toml"
    text = re.sub(r"(?m)^rate_limit = [0-9.]+", "rate_limit = 0", config.read_text(encoding="utf-8"))
    extra = "".join(f"{key} = {json.dumps(value)}\n" for key, value in settings.items())
    if extra:  # after each account's concurrency line: every account gets them
        text = re.sub(r"(?m)^(concurrency = \d+.*)$", lambda m: m.group(1) + "\n" + extra.rstrip("\n"), text)
    config.write_text(text, encoding="utf-8")
    return load_workspace(root)


def state(app: Any, market: str) -> State:
    body: State = control(app, "GET", f"/__sandbox__/state?market={market}")
    return body


def requests_since(before: dict[str, int], app: Any, market: str) -> dict[str, int]:
    after: dict[str, int] = state(app, market)["requests"]
    return {k: n - before.get(k, 0) for k, n in after.items() if n != before.get(k, 0)}


def products_run(path: Path, ws: Workspace, app: Any, **kw: Any) -> Run:
    when = dt.datetime(2026, 3, 1, 9, 0) + dt.timedelta(seconds=next(_WHEN))
    kw.setdefault("now", lambda: when)  # the run's KST clock: sends are dated by it
    return run_products(path, ws, app=app, clock=kw.pop("clock", None) or FakeClock(), when=when, **kw)


def book(tmp_path: Path, rows: dict[str, list[Row]], name: str = "상품등록") -> Path:
    return write_template(P.SPEC, tmp_path / f"{name}.xlsx", rows)


def local_images(rows: dict[str, list[Row]], folder: Path) -> None:
    """Every product's main image as a file in ``folder`` (1000×1000 JPEG), named in the workbook."""
    folder.mkdir(parents=True, exist_ok=True)
    for r in rows[P.MAIN]:
        name = f"{r['code']}.jpg"
        (folder / name).write_bytes(image_bytes(name))
        r["main_image"] = name


def codes_of(rows: dict[str, list[Row]]) -> list[str]:
    return [str(r["code"]) for r in rows[P.MAIN]]


# -- 상품대량등록 -------------------------------------------------------------------------------------------------


def test_products_are_created_once_skipped_then_updated(profile: Profile, tmp_path: Path) -> None:
    m = profile.market
    ws = workspace(tmp_path, (m,))
    clock = FakeClock()
    app = linked_app(clock, seed=1)
    rows = product_rows(30, markets=(m,))
    codes = codes_of(rows)
    path = book(tmp_path, rows)

    first = products_run(path, ws, app, clock=clock)
    assert first.plan_counts() == {profile.label: Counter({Action.CREATE: 30})}
    made = profile.products(state(app, m))
    assert sorted(made) == sorted(codes)
    assert profile.count(state(app, m)["requests"], profile.creates) == 30
    assert first.files is not None and first.files.reupload is None
    shown = result_rows(first.files.result)
    for code in codes:
        assert shown[code] == {
            "처리결과": "성공",
            "오류코드": None,
            "오류메시지": None,
            f"{profile.label} 결과": "성공",
            f"{profile.label} 상품번호": made[code],
            f"{profile.label} 메시지": "신규 등록",
        }, code

    before = state(app, m)["requests"]
    second = products_run(path, ws, app, clock=clock)
    assert second.plan_counts() == {profile.label: Counter({Action.SKIP: 30})}
    sent = requests_since(before, app, m)
    assert profile.count(sent, profile.creates + profile.updates) == 0
    assert second.files is not None
    assert {r["처리결과"] for r in result_rows(second.files.result).values()} == {"건너뜀"}

    changed = {i: str(int(str(rows[P.MAIN][i]["price"])) + 500) for i in (0, 11, 29)}
    for index, price in changed.items():
        rows[P.MAIN][index]["price"] = price
    before = state(app, m)["requests"]
    third = products_run(book(tmp_path, rows, "상품등록-수정"), ws, app, clock=clock)
    assert third.plan_counts() == {profile.label: Counter({Action.SKIP: 27, Action.UPDATE: 3})}
    sent = requests_since(before, app, m)
    assert profile.count(sent, profile.updates) == 3
    assert profile.count(sent, profile.creates) == 0
    assert profile.products(state(app, m)) == made  # the same numbers, nothing new
    assert third.files is not None
    shown = result_rows(third.files.result)
    assert {c for c, r in shown.items() if r["처리결과"] == "성공"} == {codes[i] for i in changed}
    assert {r[f"{profile.label} 메시지"] for c, r in shown.items() if r["처리결과"] == "성공"} == {"수정"}


def test_faults_of_every_kind_end_with_every_product_registered_exactly_once(profile: Profile, tmp_path: Path) -> None:
    """30 % of requests fault (429, 500, 503, stall, drop, lost_response); rerunning heals every row, no duplicates."""
    m = profile.market
    ws = workspace(tmp_path, (m,), timeout=0.3, backoff_base=0.01, backoff_cap=0.05)
    clock = FakeClock()
    app = linked_app(clock, seed=9)
    rows = product_rows(80, markets=(m,))
    codes = codes_of(rows)
    path = book(tmp_path, rows)
    control(app, "POST", "/__sandbox__/faults", {"market": m, "rate": 0.3, "seed": 9})
    messages: Counter[str] = Counter()
    healed = False
    for _ in range(15):
        done = products_run(path, ws, app, clock=clock)
        messages.update(s.message for s in done.steps)
        if all(s.result in (RowResult.SUCCESS, RowResult.SKIPPED) for s in done.steps):
            healed = True
            break
    assert healed, Counter(s.message for s in done.steps if s.result is not RowResult.SUCCESS)
    assert clock.slept > 0  # backoff and Retry-After waited, in fake time
    assert messages["등록 확인"] > 0  # answers were lost and the look-up found what had been made
    made = profile.products(state(app, m))  # asserts no code twice
    assert sorted(made) == sorted(codes)

    control(app, "POST", "/__sandbox__/faults", {"market": m, "rate": 0})
    before = state(app, m)["requests"]
    final = products_run(path, ws, app, clock=clock)
    assert final.plan_counts() == {profile.label: Counter({Action.SKIP: 80})}
    assert profile.count(requests_since(before, app, m), profile.creates + profile.updates) == 0
    assert profile.products(state(app, m)) == made


def unpaced(root: Path) -> None:
    """The workspace's accounts send as fast as the sandbox answers (the tests pace nothing but what a rule needs),
    and trust a look-up at once (the sandbox lists a new product as soon as it is made: no ESM 3-minute wait)."""
    config = root / "batch.toml"
    text = re.sub(
        r"(?m)^rate_limit = [0-9.]+.*$", "rate_limit = 0\nsettle_seconds = 0", config.read_text(encoding="utf-8")
    )
    config.write_text(text, encoding="utf-8")


def batch(profile: Profile, *args: str, crash_at: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "BATCH_CRASH_AT"}
    secrets = {k: v for p in PROFILES.values() for k, v in p.env}  # `batch init` writes every marketplace's account
    env |= {"PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])), **secrets}
    if crash_at:
        env["BATCH_CRASH_AT"] = crash_at
    return subprocess.run(
        [sys.executable, "-m", "batch", *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_sigkill_after_intent_and_before_complete_never_sends_twice(profile: Profile, tmp_path: Path) -> None:
    m = profile.market
    app = create_app(seed=6)
    rows = product_rows(8, markets=(m,))
    codes = codes_of(rows)
    ws_dir = tmp_path / "ws"
    with served(app) as url:
        made = batch(profile, "init", str(ws_dir), "--sandbox", url, "--market", m)
        assert made.returncode == 0, made.stderr
        unpaced(ws_dir)
        if profile.uploads_images:  # served, the sandbox is no image host: the images sit beside the workbook
            local_images(rows, ws_dir / "inbox" / "images")
        path = book(ws_dir / "inbox", rows)

        died = batch(profile, "-w", str(ws_dir), "run", str(path), crash_at="after-intent")
        assert died.returncode == -signal.SIGKILL, died.stderr
        assert profile.products(state(app, m)) == {}  # it died before sending

        died = batch(profile, "-w", str(ws_dir), "run", str(path), crash_at="before-complete")
        assert died.returncode == -signal.SIGKILL, died.stderr
        landed = profile.products(state(app, m))
        assert len(landed) >= 1  # sent and made, but never written down as done

        done = batch(profile, "-w", str(ws_dir), "run", str(path))
        assert done.returncode == 0, done.stdout + done.stderr
        made_now = profile.products(state(app, m))
        creates = profile.count(state(app, m)["requests"], profile.creates)

    assert sorted(made_now) == sorted(codes)  # profile.products refuses a code held twice: none was made twice
    # every product was sent once; a create the kill cut off mid-request reaches the sandbox's counter (it counts on
    # arrival) but never its handler, so at most the kill's own requests in flight are counted beyond that
    in_flight = 8  # the account's concurrency: the most requests one kill can cut off
    assert len(codes) <= creates <= len(codes) + in_flight
    [result] = [p for p in (ws_dir / "outbox").glob("*.xlsx") if not p.stem.endswith("재업로드용")]
    shown = result_rows(result)
    assert {c: (r["처리결과"], r[f"{profile.label} 상품번호"]) for c, r in shown.items()} == {
        c: ("성공", made_now[c]) for c in codes
    }
    assert Counter(r[f"{profile.label} 메시지"] for r in shown.values())["등록 확인"] >= len(landed)


def test_sigkill_while_sending_invoices_never_registers_one_twice(profile: Profile, tmp_path: Path) -> None:
    """Killed after the intents, then after the sends but before they are written down: the next run finds what
    landed (the marketplace holds that very invoice) and sends only the rest; every row ends 성공."""
    m = profile.market
    app = create_app(clock=lambda: time.time() - 3600, seed=41)
    seeded = control(app, "POST", "/__sandbox__/seed", {"market": m, "orders": 6, "seed": 41, **profile.plain_orders})[
        "orders"
    ]
    ws_dir = tmp_path / "ws"
    with served(app) as url:
        made = batch(profile, "init", str(ws_dir), "--sandbox", url, "--market", m)
        assert made.returncode == 0, made.stderr
        unpaced(ws_dir)
        got = batch(profile, "-w", str(ws_dir), "collect", "orders")
        assert got.returncode == 0, got.stdout + got.stderr
        [export] = (ws_dir / "outbox").glob("*주문*.xlsx")
        rows = sheet_rows(export, I.MAIN)
        assert sorted({str(r["제휴몰 주문번호"]) for r in rows}) == sorted(str(o) for o in seeded)
        orders = list(dict.fromkeys(str(r["제휴몰 주문번호"]) for r in rows))
        numbers = {order: str(684_600_000_000 + i) for i, order in enumerate(orders)}
        cells = {
            i: {"택배사": "CJ대한통운", "송장번호": numbers[str(r["제휴몰 주문번호"])]}
            for i, r in enumerate(rows, start=2)
        }
        filled = fill(export, ws_dir / "inbox" / "송장.xlsx", I.MAIN, cells)

        died = batch(profile, "-w", str(ws_dir), "run", str(filled), crash_at="after-intent")
        assert died.returncode == -signal.SIGKILL, died.stderr
        assert profile.invoices(state(app, m)) == set()  # it died before sending
        died = batch(profile, "-w", str(ws_dir), "run", str(filled), crash_at="before-complete")
        assert died.returncode == -signal.SIGKILL, died.stderr
        landed = profile.invoices(state(app, m))
        assert landed == {(o, numbers[o]) for o in orders}  # sent and registered, never written down as done

        done = batch(profile, "-w", str(ws_dir), "run", str(filled))
        assert done.returncode == 0, done.stdout + done.stderr
        final = state(app, m)

    assert profile.invoices(final) == landed
    result = max((ws_dir / "outbox").glob("송장_결과_*.xlsx"), key=lambda p: p.stat().st_mtime)
    assert {(r["송장 결과"], r["송장 메시지"]) for r in sheet_rows(result, I.MAIN)} == {("성공", "송장 등록")}


def test_one_workbook_goes_to_every_marketplace_at_once(tmp_path: Path) -> None:
    ws = workspace(tmp_path, MARKETS)
    clock = FakeClock()
    app = linked_app(clock, seed=4)
    rows = product_rows(10, markets=MARKETS)
    codes = codes_of(rows)
    done = products_run(book(tmp_path, rows), ws, app, clock=clock)
    labels = [Market(m).label for m in MARKETS]
    assert done.plan_counts() == {label: Counter({Action.CREATE: 10}) for label in labels}
    made = {m: PROFILES[m].products(state(app, m)) for m in MARKETS}
    assert {m: sorted(v) for m, v in made.items()} == {m: sorted(codes) for m in MARKETS}
    assert done.files is not None
    shown = result_rows(done.files.result)
    for code in codes:
        assert shown[code]["처리결과"] == "성공"
        for m, label in zip(MARKETS, labels, strict=True):
            assert (shown[code][f"{label} 결과"], shown[code][f"{label} 상품번호"]) == ("성공", made[m][code])


# -- 주문 · 송장 · 클레임 --------------------------------------------------------------------------------------------


def sheet_rows(path: Path, sheet: str) -> list[dict[str, Any]]:
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        rows = list(wb[sheet].iter_rows(values_only=True))
    finally:
        wb.close()
    names = [str(h or "").rstrip("*") for h in rows[0]]
    return [dict(zip(names, r, strict=False)) for r in rows[1:]]


def fill(src: Path, dst: Path, sheet: str, cells: dict[int, dict[str, Any]]) -> Path:
    wb = openpyxl.load_workbook(src)
    sh = wb[sheet]
    col = {str(c.value or "").rstrip("*"): int(c.column) for c in sh[1]}
    for row, values in cells.items():
        for name, value in values.items():
            sh.cell(row, col[name]).value = value
    wb.save(dst)
    return dst


def test_orders_collected_invoices_sent_once_and_claimed_orders_held(profile: Profile, tmp_path: Path) -> None:
    m = profile.market
    ws = workspace(tmp_path, (m,))
    clock = FakeClock()
    app = hour_ago_app(clock, seed=21)
    seeded = control(app, "POST", "/__sandbox__/seed", {"market": m, "orders": 20, "seed": 21, **profile.plain_orders})[
        "orders"
    ]
    assert len(seeded) == 20
    export = collect(ws, "orders", app=app, clock=clock).export
    assert export is not None
    rows = sheet_rows(export, I.MAIN)
    assert {r["마켓"] for r in rows} == {profile.label}
    assert sorted({str(r["제휴몰 주문번호"]) for r in rows}) == sorted(str(o) for o in seeded)
    orders = list(dict.fromkeys(str(r["제휴몰 주문번호"]) for r in rows))
    numbers = {order: str(684_500_000_000 + i) for i, order in enumerate(orders)}  # one CJ number per order
    cells = {
        i: {"택배사": "CJ대한통운", "송장번호": numbers[str(r["제휴몰 주문번호"])]} for i, r in enumerate(rows, start=2)
    }
    filled = fill(export, tmp_path / "송장.xlsx", I.MAIN, cells)
    claimed = orders[:2]
    for order in claimed:
        control(app, "POST", "/__sandbox__/claims", {"market": m, "order": order, "type": "cancel"})

    first = run_invoices(filled, ws, app=app)
    assert [p for p in first.validation.report] == []
    results = {r.row: (r.result, str(r.line.order_no)) for r in first.rows}
    assert {o for res, o in results.values() if res is RowResult.HELD} == set(claimed)
    assert {o for res, o in results.values() if res is RowResult.SUCCESS} == set(orders[2:])
    sent = profile.invoices(state(app, m))
    assert sent == {(o, numbers[o]) for o in orders[2:]}
    calls = profile.count(state(app, m)["requests"], profile.invoice_calls)

    again = run_invoices(filled, ws, app=app)  # the same file again: nothing goes out
    assert {r.result for r in again.rows if str(r.line.order_no) not in claimed} == {RowResult.SKIPPED}
    assert profile.count(state(app, m)["requests"], profile.invoice_calls) == calls
    assert profile.invoices(state(app, m)) == sent


def test_cancel_requests_are_collected_with_our_order_numbers(profile: Profile, tmp_path: Path) -> None:
    m = profile.market
    ws = workspace(tmp_path, (m,))
    clock = FakeClock()
    app = hour_ago_app(clock, seed=31)
    seeded = control(app, "POST", "/__sandbox__/seed", {"market": m, "orders": 6, "seed": 31, **profile.plain_orders})[
        "orders"
    ]
    assert collect(ws, "orders", app=app, clock=clock).export is not None
    claimed = [str(o) for o in seeded[:2]]
    numbers: set[tuple[str, str]] = set()  # (order, claim number); a claim per product order on Naver
    for order in claimed:
        made = control(app, "POST", "/__sandbox__/claims", {"market": m, "order": order, "type": "cancel"})
        numbers |= {(order, str(n)) for n in made.get("claimNos") or [made["claimNo"]]}

    export = collect(ws, "claims", app=app, clock=clock).export
    assert export is not None
    rows = sheet_rows(export, CLAIMS_MAIN)
    assert {str(r["제휴몰 주문번호"]) for r in rows} == set(claimed)
    assert {(r["마켓"], r["유형"], r["상태"]) for r in rows} == {(profile.label, "취소", profile.cancel_state)}
    assert {(str(r["제휴몰 주문번호"]), str(r["클레임번호"])) for r in rows} == numbers
    assert all(re.fullmatch(r"\d{15}(, \d{15})*", str(r["주문번호"])) for r in rows)  # our numbers of the order


# -- 문의 · 답변 ---------------------------------------------------------------------------------------------------


def test_inquiries_collected_answered_once_and_a_redrop_sends_nothing(profile: Profile, tmp_path: Path) -> None:
    m = profile.market
    ws = workspace(tmp_path, (m,))
    app = create_app(clock=lambda: time.time() - 3600, seed=8)
    seeded = control(app, "POST", "/__sandbox__/seed", {"market": m, "inquiries": 6, "seed": 4})["inquiries"]
    assert len(seeded) == 6
    export = collect(ws, "inquiries", app=app).export
    assert export is not None
    rows = sheet_rows(export, A.MAIN)
    assert {r["마켓"] for r in rows} == {profile.label}
    texts = {i: f"문의 감사합니다. {i}번 답변입니다." for i in range(2, 2 + len(rows))}
    answers = {i: {"답변내용": t, "승인": "Y"} for i, t in texts.items() if i < 5}
    answers[5] = {"답변내용": "승인하지 않은 답변", "승인": "N"}
    filled = fill(export, tmp_path / "답변.xlsx", A.MAIN, answers)

    first = run_answers(filled, ws, app=app)
    assert [first.validation.results[r] for r in range(2, 6)] == [RowResult.SUCCESS] * 3 + [RowResult.SKIPPED]
    landed = profile.answers(state(app, m))
    assert sorted(landed.values()) == sorted(texts[i] for i in range(2, 5))
    calls = profile.count(state(app, m)["requests"], profile.answer_calls)
    assert calls == 3

    again = run_answers(filled, ws, app=app)
    assert [again.validation.results[r] for r in range(2, 5)] == [RowResult.SKIPPED] * 3  # sent before: 건너뜀
    assert not again.has_errors and list(again.validation.report) == []
    assert {r.message for r in again.rows} == {SENT_BEFORE}
    assert profile.count(state(app, m)["requests"], profile.answer_calls) == calls


def test_11st_alimi_come_with_their_deadline_and_are_answered_once(tmp_path: Path) -> None:
    """11번가 긴급알리미 (G 1796 / 6982) beside product Q&A: 회신기한 is the 답변기한, the product named, a 긴급문의
    answered and a 긴급알림 confirmed once; a redrop sends nothing."""
    ws = workspace(tmp_path, ("11st",))
    app = create_app(clock=lambda: time.time() - 3600, seed=8)
    control(app, "POST", "/__sandbox__/seed", {"market": "11st", "orders": 2, "seed": 4})
    seqs = control(app, "POST", "/__sandbox__/seed", {"market": "11st", "alimi": 4, "seed": 6})["alimi"]
    held = {a["emerNtceSeq"]: a for a in state(app, "11st")["alimi"]}
    export = collect(ws, "inquiries", app=app).export
    assert export is not None
    rows = {r["문의번호"]: r for r in sheet_rows(export, A.MAIN)}
    assert set(rows) == {f"alimi:{s}" for s in seqs}
    for seq, a in held.items():
        row = rows[f"alimi:{seq}"]
        reply = a["emerReplyDt"]
        assert row["유형"] == {"10": "긴급문의", "11": "긴급알림"}[a["emerNtceClfNo1"]]
        assert row["답변기한"] == f"{reply[:4]}-{reply[4:6]}-{reply[6:]} 23:59"
        assert (row["상품명"], row["주문번호"], row["제목"]) == (a["prdNm"], a["ordNo"], a["emerNtceSubject"])
    order = list(rows)
    filled = fill(
        export, tmp_path / "답변.xlsx", A.MAIN, {i + 2: {"답변내용": "확인했습니다.", "승인": "Y"} for i in range(4)}
    )
    first = run_answers(filled, ws, app=app)
    assert [first.validation.results[r] for r in range(2, 6)] == [RowResult.SUCCESS] * 4
    after = state(app, "11st")
    assert sorted(a["emerNtceSeq"] for a in after["alimi_answers"]) == sorted(n.removeprefix("alimi:") for n in order)
    assert {a["emerNtceSeq"]: a["emerNtceCrntCd"] for a in after["alimi"]} == {
        s: "03" if a["emerNtceClfNo1"] == "10" else "06" for s, a in held.items()
    }
    calls = ST11.count(after["requests"], ("PUT /rest/alimi/alimianswer",))
    assert calls == 4
    again = run_answers(filled, ws, app=app)
    assert [again.validation.results[r] for r in range(2, 6)] == [RowResult.SKIPPED] * 4
    assert ST11.count(state(app, "11st")["requests"], ("PUT /rest/alimi/alimianswer",)) == calls
    later = collect(ws, "inquiries", app=app).export  # settled 긴급알리미 are not asked for again (01/02/04 only)
    assert later is None or sheet_rows(later, A.MAIN) == []


def test_an_esm_address_changed_before_confirmation_holds_the_invoice_until_staff_look(tmp_path: Path) -> None:
    """E 68: 발주확인 answers IsChanged 1 when the buyer changed the address; the order is read again, the ledger takes
    the new address, and the invoice waits (보류) — the label may carry the old one. The same file again sends it."""
    ws = workspace(tmp_path, ("esm",))
    clock = FakeClock()
    app = hour_ago_app(clock, seed=12)
    made = control(app, "POST", "/__sandbox__/seed", {"market": "esm", "orders": 4, "seed": 12, "address_changed": 100})
    export = collect(ws, "orders", app=app, clock=clock).export
    assert export is not None
    rows = sheet_rows(export, I.MAIN)
    cells = {i: {"택배사": "CJ대한통운", "송장번호": str(684_700_000_000 + i)} for i, _ in enumerate(rows, start=2)}
    filled = fill(export, tmp_path / "송장.xlsx", I.MAIN, cells)
    first = run_invoices(filled, ws, app=app, clock=clock)
    assert {r.result for r in first.rows} == {RowResult.HELD}
    assert all("배송지를 바꿨습니다" in r.message and "송장은 보내지 않았습니다" in r.message for r in first.rows)
    assert ESM.invoices(state(app, "esm")) == set()
    assert {str(o) for o in made["changed"]} == {str(r["제휴몰 주문번호"]) for r in rows}
    second = run_invoices(filled, ws, app=app, clock=clock)  # staff looked: the same file sends them
    assert {r.result for r in second.rows} == {RowResult.SUCCESS}
    assert len(ESM.invoices(state(app, "esm"))) == len({str(r["제휴몰 주문번호"]) for r in rows})


def test_an_auction_order_is_matched_to_our_product_through_the_site_number(tmp_path: Path) -> None:
    """One ESM registration gives a master goodsNo and a number per site; orders speak the site number (E 67
    SiteGoodsNo), so an order on 옥션 and one on G마켓 both find our 상품코드, and the 사이트 column says which."""
    ws = workspace(tmp_path, ("esm",))
    clock = FakeClock()
    app = hour_ago_app(clock, seed=3)
    rows = product_rows(3, markets=("esm",))
    done = products_run(book(tmp_path, rows), ws, app, clock=clock)
    assert done.plan_counts() == {"G마켓·옥션": Counter({Action.CREATE: 3})}
    goods = {str(g["goodsNo"]): g for g in state(app, "esm")["products"]}
    site_numbers = {
        str(entry["siteGoodsNo"]): (str(g["managedCode"]), site)
        for g in goods.values()
        for site, entry in g["sites"].items()
    }
    assert {site for _, site in site_numbers.values()} == {"gmarket", "auction"}
    for site in ("auction", "gmarket"):
        control(app, "POST", "/__sandbox__/seed", {"market": "esm", "orders": 4, "seed": 7, "site": site})
    export = collect(ws, "orders", app=app, clock=clock).export
    assert export is not None
    shown = sheet_rows(export, I.MAIN)
    assert {r["사이트"] for r in shown} == {"G마켓", "옥션"}
    for r in shown:
        code, site = site_numbers[str(r["제휴몰 상품코드"])]  # the site's goods number, not the master one
        assert (r["상품코드"], r["사이트"]) == (code, {"gmarket": "G마켓", "auction": "옥션"}[site])


def test_twenty_esm_accounts_collect_orders_at_once_without_a_3000(tmp_path: Path) -> None:
    """ESM lets the whole installation list orders once per 5 s (E 67; S found it bites across accounts): twenty
    accounts collecting at once wait their turn through the ledger file, the sandbox (counting per master id) never
    answers 3000 — each 3000 would cost a retry, so exactly one call per site and status goes out — and the list
    calls take their 5.2 s each, one after another, on the fake clock. The plan says so before it starts."""
    ws = workspace(tmp_path, ("esm",))
    names = [f"acc{n:02d}" for n in range(1, 20)]
    config = ws.root / "batch.toml"
    blocks = "".join(
        f'\n[[accounts]]\nmarket = "esm"\nname = "{n}"\nbase_url = "sandbox:"\ngmarket_id = "g{n}"\n'
        f'auction_id = "a{n}"\nrate_limit = 0\n'
        for n in names
    )
    config.write_text(config.read_text(encoding="utf-8") + blocks, encoding="utf-8")
    ws = load_workspace(ws.root)
    clock = VirtualClock()  # twenty accounts wait side by side: time moves as a wall clock's would
    app = hour_ago_app(clock, seed=5)
    seeded = {"main": control(app, "POST", "/__sandbox__/seed", {"market": "esm", "orders": 2, "seed": 1})}
    for i, n in enumerate(names, start=2):
        control(
            app,
            "POST",
            "/__sandbox__/accounts",
            {"market": "esm", "name": n, "gmarket_id": f"g{n}", "auction_id": f"a{n}"},
        )
        seeded[n] = control(app, "POST", "/__sandbox__/seed", {"market": "esm", "orders": 2, "seed": i, "account": n})
    plans: list[str] = []
    started = clock.now
    result = collect(ws, "orders", app=app, clock=clock, on_plan=plans.append)
    assert [(a.account, a.ok) for a in result.accounts] == [(a, True) for a in ["main", *names]]
    assert plans == [
        "G마켓·옥션 주문 조회는 모든 계정을 합쳐 5.2초에 한 번만 할 수 있어, 계정 20개(조회 80번)는 적어도 6분 51초 걸립니다."
    ]
    requests = state(app, "esm")["requests"]
    assert requests["POST /shipping/v1/Order/RequestOrders"] == 20 * 2 * 2  # no 3000, so no retry
    assert 79 * 5.2 - 1e-6 <= clock.now - started < 80 * 5.2  # one call after another, 5.2 s apart
    export = result.export
    assert export is not None
    rows = sheet_rows(export, I.MAIN)
    assert {r["판매자ID"] for r in rows} == {"main", *names}
    assert sorted(str(r["제휴몰 주문번호"]) for r in rows) == sorted(
        str(o) for s in seeded.values() for o in s["orders"]
    )
    assert {r["사이트"] for r in rows} <= {"G마켓", "옥션"} and len({r["사이트"] for r in rows}) == 2


# -- 자동화 ------------------------------------------------------------------------------------------------------


def test_a_dropped_product_file_is_processed_and_reported(profile: Profile, tmp_path: Path) -> None:
    m = profile.market
    ws = workspace(tmp_path, (m,))
    root = ws.root
    rows = product_rows(3, markets=(m,))
    src = write_template(P.SPEC, tmp_path / "staging" / "신상품.xlsx", rows)
    old = time.time() - 60  # settled long ago
    os.utime(src, (old, old))
    src.rename(root / "inbox" / "신상품.xlsx")
    app = create_app(seed=2)
    run_watch(load_workspace(root), once=True, echo=lambda _: None, app=app)

    assert sorted(profile.products(state(app, m))) == sorted(codes_of(rows))
    (eml,) = list((root / "outbox" / "reports").glob("*상품대량등록*.eml"))
    msg = email.message_from_bytes(eml.read_bytes(), policy=default)
    body = msg.get_body(preferencelist=("plain",))
    assert body is not None and profile.label in body.get_content()
    assert next(iter((root / "archive").iterdir())).name.endswith("신상품.xlsx")


def test_sample_groups_cover_every_marketplace() -> None:
    assert set(GROUPS) == set(MARKETS)
