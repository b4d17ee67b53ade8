"""주문 수집 → 송장대량등록 end to end against the in-process sandbox: the export, the claim gate, re-drops and
corrections, LibreOffice-saved numbers, every tracking-number defect, inert text, a courier system's own export.

The sandbox app is created with a clock one hour behind, so seeded orders (stamped on the app's clock, up to two days
back) are all older than the end of TMON's collection window (31 minutes before now, KST). batch talks to it through
``Recorder``, which keeps the raw JSON of every order list it answers: the test decrypts those itself and checks the
ciphertexts never reach the workbook.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import itertools
import re
import shutil
import sqlite3
import time
import zipfile
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import httpx
import openpyxl
import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from helpers import TMON_ONLY, resave_with_libreoffice
from starlette.types import Message, Receive, Scope, Send

from batch.config import Workspace, load_workspace
from batch.importers import invoices as I
from batch.importers.workbook import template_kind
from batch.jobs.collect import Collection, collect, now_kst
from batch.jobs.init import init_workspace
from batch.jobs.invoices import InvoiceRun, run_invoices
from batch.models import RowResult
from batch.sandbox.app import create_app
from batch.sandbox.tmon_orders import GIVEN_NAMES, KIND_BY_NAME, SURNAMES
from batch.trade.couriers import CATALOGUE, CHECK_DIGIT_PROBLEM

MAIN_KEY = "batch-sandbox-k1"  # the sandbox's account tmon-main
ORDER_LISTS = re.compile(r"^/api/[^/]+/orders(?:/search)?$")
ENCRYPTED = ("userId", "userName", "userPhone", "receiverName", "receiverPhone")  # plus receiverAddress.*
TOKEN = "POST /oauth/token"
CLAIM_SEARCHES = {  # one search per claimStatus C1, C2, C3, C4, C8, C9 ([T1] ClaimScheduler sends one per search)
    f"GET /api/{{vendorId}}/{path}/search": 6 for path in ("cancellations", "refunds", "exchanges", "redeliveries")
}
CONFIRM = "PUT /api/{vendorId}/orders/{tmonOrderNo}/confirm"
INVOICE_POST = "POST /api/{vendorId}/orders/{tmonOrderNo}/invoices"
INVOICE_PUT = "PUT /api/{vendorId}/orders/{tmonOrderNo}/invoices"
CJ_CODE = 10001
SENT = "송장 등록"
ALREADY_SENT = "이미 보낸 송장입니다."
FORCED = "강제완료: 아무것도 보내지 않고 처리 완료로 표시했습니다."
_WHEN = itertools.count()


# -- the sandbox, seen through a recorder ---------------------------------------------------------------------


class Recorder:
    """ASGI wrapper around the sandbox: keeps the body of every answer to ``GET …/orders`` and ``…/orders/search``."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.bodies: list[bytes] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or not ORDER_LISTS.match(scope["path"]):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []

        async def keep(message: Message) -> None:
            if message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        await self.app(scope, receive, keep)
        self.bodies.append(b"".join(chunks))

    def raw_orders(self) -> list[dict[str, Any]]:
        """Every order in every recorded answer, as the sandbox sent it (personal data still encrypted)."""
        import json

        out: list[dict[str, Any]] = []
        for body in self.bodies:
            data = json.loads(body)
            out += data if isinstance(data, list) else data["items"]
        return out


def decrypt(text: str) -> str:
    """TMON's scheme as [T1] richbeam/mcs_tmon_api StringUtil.decryption and [T2] sosobox2-cyber/commerce-api
    AESCrypto decrypt it: base64(AES/ECB/PKCS5Padding(text)); the sandbox key's 64 hex characters are its 32 bytes."""
    raw = base64.b64decode(text)
    plain = Cipher(algorithms.AES(MAIN_KEY.encode()), modes.ECB()).decryptor()
    padded = plain.update(raw) + plain.finalize()
    assert 1 <= padded[-1] <= 16 and padded.endswith(bytes([padded[-1]]) * padded[-1])
    return padded[: -padded[-1]].decode("utf-8")


def ciphertexts(order: dict[str, Any]) -> list[str]:
    return [order[k] for k in ENCRYPTED] + list(order["receiverAddress"].values())


plaintexts = ciphertexts  # the same fields of an order the sandbox keeps in plain text


@dataclass
class Env:
    """One workspace (account main on the sandbox) and one sandbox app shared by every call of a test."""

    ws: Workspace
    sandbox: Any  # the app create_app made: control API, and its state for patching
    app: Recorder  # what batch talks to
    orders: list[str] = field(default_factory=list)  # seeded tmonOrderNo, in seeding order

    def control(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        async def go() -> Any:
            transport = httpx.ASGITransport(self.sandbox)
            async with httpx.AsyncClient(transport=transport, base_url="http://sandbox.test") as c:
                answer = await c.request(method, path, json=body)
                assert answer.status_code == 200, answer.text
                return answer.json()

        return asyncio.run(go())

    def state(self) -> dict[str, Any]:
        body: dict[str, Any] = self.control("GET", "/__sandbox__/state?market=tmon")
        return body

    def requests(self) -> dict[str, int]:
        counts: dict[str, int] = self.state()["requests"]
        return counts

    def requests_since(self, before: dict[str, int]) -> dict[str, int]:
        return {k: n - before.get(k, 0) for k, n in self.requests().items() if n != before.get(k, 0)}

    def deals(self) -> dict[str, dict[int, str]]:
        """tmonOrderNo -> {tmonDealNo: deliveryStatus}."""
        return {
            o["tmonOrderNo"]: {d["tmonDealNo"]: d["deliveryStatus"] for d in o["deals"]} for o in self.state()["orders"]
        }

    def invoices(self) -> dict[tuple[str, int], tuple[int, str]]:
        """(tmonOrderNo, tmonDealNo) -> (deliveryCorp, invoiceNo) of every invoice the sandbox holds."""
        return {
            (i["tmonOrderNo"], i["tmonDealNo"]): (i["deliveryCorp"], i["invoiceNo"]) for i in self.state()["invoices"]
        }

    def claim(self, order: str) -> str:
        answer = self.control("POST", "/__sandbox__/claims", {"market": "tmon", "order": order, "type": "cancel"})
        return str(answer["claimNo"])

    def stored_order(self, number: str) -> dict[str, Any]:
        """The sandbox's own (plaintext) order, to patch before collecting."""
        order: dict[str, Any] = self.sandbox.sandbox.markets["tmon"].desk.orders[number]
        return order

    def collect(self, **kw: Any) -> Collection:
        result = collect(self.ws, "orders", app=self.app, **kw)
        assert [(a.market, a.account, a.ok) for a in result.accounts] == [("tmon", "main", True)]
        assert result.export is not None
        return result

    def run(self, path: Path, **kw: Any) -> InvoiceRun:
        when = dt.datetime(2026, 3, 1, 9, 0) + dt.timedelta(seconds=next(_WHEN))
        return run_invoices(path, self.ws, app=self.app, when=when, **kw)


def make_env(tmp_path: Path, orders: int, seed: int) -> Env:
    root = tmp_path / "ws"
    init_workspace(root, markets=TMON_ONLY)
    config = root / "batch.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("rate_limit = 10", "rate_limit = 0"), encoding="utf-8")
    sandbox = create_app(clock=lambda: time.time() - 3600, seed=seed)
    env = Env(load_workspace(root), sandbox, Recorder(sandbox))
    env.orders = env.control("POST", "/__sandbox__/seed", {"market": "tmon", "orders": orders, "seed": seed})["orders"]
    assert len(env.orders) == orders
    return env


# -- workbooks ------------------------------------------------------------------------------------------------


def header(text: Any) -> str:
    return str(text or "").rstrip("*")


def sheet_rows(path: Path, sheet: str = I.MAIN) -> list[dict[str, Any]]:
    """The sheet's data rows as {header (no required mark): value}, in sheet order."""
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        rows = list(wb[sheet].iter_rows(values_only=True))
    finally:
        wb.close()
    names = [header(h) for h in rows[0]]
    return [dict(zip(names, r, strict=False)) for r in rows[1:]]


def columns(sheet: Any) -> dict[str, int]:
    """{header (no required mark): 1-based column} of a sheet's first row."""
    return {header(c.value): int(c.column) for c in sheet[1]}


def fill(src: Path, dst: Path, cells: dict[int, dict[str, Any]]) -> Path:
    """A copy of the export with ``cells`` ({Excel row: {header: value}}) written by openpyxl, as staff would."""
    wb = openpyxl.load_workbook(src)
    sh = wb[I.MAIN]
    col = columns(sh)
    for row, values in cells.items():
        for name, value in values.items():
            sh.cell(row, col[name]).value = value
    wb.save(dst)
    return dst


def by_row(run: InvoiceRun) -> dict[int, tuple[RowResult | None, str]]:
    return {r.row: (r.result, r.message) for r in run.rows}


def problems(run: InvoiceRun) -> list[tuple[int | None, str | None, str, str]]:
    assert {p.sheet for p in run.validation.report} <= {I.MAIN}
    return sorted((p.row, p.column, p.code, p.message) for p in run.validation.report)


def numbers_by_order(rows: list[dict[str, Any]], first: int = 684_500_000_000) -> dict[str, str]:
    """One valid 12-digit CJ number per order, in export order."""
    orders = dict.fromkeys(r["제휴몰 주문번호"] for r in rows)
    return {order: str(first + i) for i, order in enumerate(orders)}


# -- 1. the export --------------------------------------------------------------------------------------------


def test_collected_orders_export_decrypted_once_without_ciphertext(tmp_path: Path) -> None:
    env = make_env(tmp_path, 200, seed=11)
    first = env.collect()
    raw = {o["tmonOrderNo"]: o for o in env.app.raw_orders()}
    assert sorted(raw) == sorted(env.orders)

    expected = []
    for o in raw.values():
        address = o["receiverAddress"]
        where = " ".join(decrypt(address[k]) for k in ("address", "streetAddress", "addressDetail"))
        for deal in o["deals"]:
            for option in deal["dealOptions"]:
                expected.append(
                    (
                        o["tmonOrderNo"],
                        str(deal["tmonDealNo"]),
                        deal["dealTitle"],
                        option["dealOptionTitle"],
                        option["qty"],
                        option["salesPrice"] * option["qty"],
                        decrypt(o["userName"]),
                        decrypt(o["receiverName"]),
                        decrypt(o["receiverPhone"]),
                        decrypt(address["zipCode"]),
                        where,
                        o["deliveryMemo"] or o["additionalMessage"] or None,
                    )
                )
    rows = sheet_rows(first.export)  # type: ignore[arg-type]
    got = [
        (
            r["제휴몰 주문번호"],
            r["제휴몰 상품코드"],
            r["상품명"],
            r["옵션"],
            r["수량"],
            r["금액"],
            r["주문자"],
            r["수령자"],
            r["연락처"],
            r["우편번호"],
            r["주소"],
            r["배송메시지"],
        )
        for r in rows
    ]
    assert len(rows) == first.rows == len(expected) > 200  # some orders have several lines
    assert Counter(got) == Counter(expected)
    assert {(r["마켓"], r["판매자ID"], r["상태"], r["택배사"], r["송장번호"]) for r in rows} == {
        ("티몬", "main", "신규주문", None, None)
    }
    ours = [r["주문번호"] for r in rows]
    assert len(set(ours)) == len(ours) and all(re.fullmatch(r"\d{15}", n) for n in ours)
    korean = {s + g for s, _ in SURNAMES for g, _ in GIVEN_NAMES}
    assert {r["주문자"] for r in rows} <= korean and {r["수령자"] for r in rows} <= korean
    assert all(re.fullmatch(r"010-\d{4}-\d{4}", r["연락처"]) for r in rows)
    # the sandbox's plaintext agrees with the test's own decryption
    for o in raw.values():
        kept = env.stored_order(o["tmonOrderNo"])
        assert (decrypt(o["userName"]), decrypt(o["receiverPhone"])) == (kept["userName"], kept["receiverPhone"])

    summary = sheet_rows(first.export, "요약")  # type: ignore[arg-type]
    message = f"주문 {len(expected)}건 (새 주문 {len(expected)}, 상태 바뀜 0)"
    assert [(s["마켓"], s["판매자ID"], s["결과"], s["내용"]) for s in summary] == [("티몬", "main", "성공", message)]

    # collected again over the same window (every order fetched again) and by default (since the last run)
    again = env.collect(since=now_kst() - dt.timedelta(days=7))
    assert again.accounts[0].message == f"주문 {len(expected)}건 (새 주문 0, 상태 바뀜 0)"
    assert (again.accounts[0].new, again.accounts[0].updated) == (0, 0)
    latest = env.collect()
    assert latest.accounts[0].message == "주문 0건 (새 주문 0, 상태 바뀜 0)"
    for later in (again, latest):
        assert [r["주문번호"] for r in sheet_rows(later.export)] == ours  # type: ignore[arg-type]
    db = sqlite3.connect(env.ws.ledger_path)
    try:
        assert db.execute("SELECT COUNT(*), COUNT(DISTINCT order_no) FROM orders").fetchone() == (len(expected), 200)
    finally:
        db.close()

    secrets = {c for o in env.app.raw_orders() for c in ciphertexts(o)}  # both fetches' ciphertexts
    texts = {t for o in raw.values() for t in plaintexts(env.stored_order(o["tmonOrderNo"]))}
    assert len(secrets) == len(texts)  # ECB ([T1]/[T2]): one ciphertext per distinct text, in both fetches
    name = rows[0]["주문자"]
    for export in (first.export, again.export, latest.export):
        assert export is not None
        wb = openpyxl.load_workbook(export)
        cells = "\n".join(
            str(c.value) for sh in wb.worksheets for line in sh.iter_rows() for c in line if c.value is not None
        )
        wb.close()
        assert [s for s in secrets if s in cells] == []
        with zipfile.ZipFile(export) as z:
            xml = "\n".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith((".xml", ".rels")))
        assert name in xml and name in cells  # the scan sees the sheet text
        assert [s for s in secrets if s in xml] == []


# -- 2. invoices: the claim gate, re-drop, correction -----------------------------------------------------------


def test_invoices_sent_once_claimed_orders_held_and_one_change_is_one_put(tmp_path: Path) -> None:
    env = make_env(tmp_path, 200, seed=21)
    export = env.collect().export
    assert export is not None
    rows = sheet_rows(export)
    numbers = numbers_by_order(rows)
    cells = {
        i: {"택배사": "CJ대한통운", "송장번호": numbers[r["제휴몰 주문번호"]]} for i, r in enumerate(rows, start=2)
    }
    filled = fill(export, tmp_path / "송장_채움.xlsx", cells)
    order_of_row = {i: r["제휴몰 주문번호"] for i, r in enumerate(rows, start=2)}

    claimed = env.orders[::13][:15]
    assert len(claimed) == 15
    claims = {order: env.claim(order) for order in claimed}  # raised before the drop
    reasons = KIND_BY_NAME["cancel"].reasons
    held = {
        o: f"보류: 취소({' '.join(reasons[int(no) % len(reasons)])}) 요청이 있어 송장을 보내지 않았습니다."
        for o, no in claims.items()
    }
    deals = env.deals()
    to_send = {(o, d) for o, ds in deals.items() if o not in claims for d in ds}
    n = len(to_send)
    assert n > 185

    before = env.requests()
    first = env.run(filled)
    assert problems(first) == []
    assert by_row(first) == {
        row: (RowResult.HELD, held[o]) if o in held else (RowResult.SUCCESS, SENT) for row, o in order_of_row.items()
    }
    assert env.requests_since(before) == {TOKEN: 1, **CLAIM_SEARCHES, CONFIRM: n, INVOICE_POST: n}
    assert env.invoices() == {(o, d): (CJ_CODE, numbers[o]) for o, d in to_send}
    after = env.deals()
    assert {o: set(ds.values()) for o, ds in after.items() if o in claims} == {o: {"D1"} for o in claims}
    assert {s for o, ds in after.items() if o not in claims for s in ds.values()} == {"D3"}
    assert first.files is not None
    result = sheet_rows(first.files.result)
    assert Counter((r["송장 결과"], r["송장 메시지"]) for r in result) == Counter(
        ("보류", held[o]) if o in held else ("성공", SENT) for o in order_of_row.values()
    )

    # the same file again: nothing goes out
    before = env.requests()
    second = env.run(filled)
    assert problems(second) == []
    assert by_row(second) == {
        row: (RowResult.HELD, held[o]) if o in held else (RowResult.SKIPPED, ALREADY_SENT)
        for row, o in order_of_row.items()
    }
    assert env.requests_since(before) == {TOKEN: 1, **CLAIM_SEARCHES}
    assert env.invoices() == {(o, d): (CJ_CODE, numbers[o]) for o, d in to_send}

    # one tracking number changed (an order of one line): exactly one correction, nothing else
    lines = Counter(order_of_row.values())
    row, order = next((r, o) for r, o in order_of_row.items() if o not in claims and lines[o] == 1)
    changed = fill(export, tmp_path / "송장_수정.xlsx", {**cells, row: {**cells[row], "송장번호": "684599999999"}})
    before = env.requests()
    third = env.run(changed)
    assert problems(third) == []
    assert by_row(third) == {
        r: (RowResult.HELD, held[o])
        if o in held
        else (RowResult.SUCCESS, "송장 수정")
        if r == row
        else (RowResult.SKIPPED, ALREADY_SENT)
        for r, o in order_of_row.items()
    }
    assert env.requests_since(before) == {TOKEN: 1, **CLAIM_SEARCHES, INVOICE_PUT: 1}
    assert env.invoices() == {(o, d): (CJ_CODE, "684599999999" if o == order else numbers[o]) for o, d in to_send}


# -- 3. LibreOffice: tracking numbers typed as numbers ----------------------------------------------------------


def test_tracking_numbers_saved_as_numbers_by_libreoffice_are_sent_digit_for_digit(tmp_path: Path) -> None:
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    env = make_env(tmp_path, 12, seed=31)
    export = env.collect().export
    assert export is not None
    rows = sheet_rows(export)
    orders = list(dict.fromkeys(r["제휴몰 주문번호"] for r in rows))
    # 12 digits and 10 digits (both CJ lengths), as int cells: what Excel keeps when staff type them
    numbers = {o: (987_654_321_098 - 7 * i if i % 2 else 6_845_012_345 + i) for i, o in enumerate(orders)}
    cells = {
        i: {"택배사": "CJ대한통운", "송장번호": numbers[r["제휴몰 주문번호"]]} for i, r in enumerate(rows, start=2)
    }
    typed = fill(export, tmp_path / "typed.xlsx", cells)
    resaved = resave_with_libreoffice(typed, tmp_path / "resaved", tmp_path / "lo-profile")

    wb = openpyxl.load_workbook(resaved)
    sh = wb[I.MAIN]
    col = columns(sh)
    kinds = {(sh.cell(r, col["송장번호"]).data_type, type(sh.cell(r, col["송장번호"]).value)) for r in cells}
    wb.close()
    assert kinds == {("n", int)}  # still numbers after LibreOffice: the reader has to turn them back into digits

    before = env.requests()
    run = env.run(resaved)
    assert problems(run) == []
    assert {r.result for r in run.rows} == {RowResult.SUCCESS} and len(run.rows) == len(rows)
    deals = env.deals()
    sent = {(o, d): (CJ_CODE, str(numbers[o])) for o in orders for d in deals[o]}
    assert env.invoices() == sent
    assert env.requests_since(before) == {TOKEN: 1, **CLAIM_SEARCHES, CONFIRM: len(sent), INVOICE_POST: len(sent)}


# -- 4. tracking-number defects, one each ---------------------------------------------------------------------


@dataclass
class Small:
    env: Env
    export: Path
    rows: list[dict[str, Any]]
    orders: list[str]  # order of each data row, from Excel row 2

    def row_of(self, order: str) -> int:
        return self.orders.index(order) + 2

    def single_rows(self) -> list[int]:
        """Rows of orders with one line each (one row = one order), in sheet order."""
        lines = Counter(self.orders)
        return [i + 2 for i, o in enumerate(self.orders) if lines[o] == 1]

    def check(self, tmp: Path, cells: dict[int, dict[str, Any]], *, dry_run: bool = True) -> InvoiceRun:
        return self.env.run(fill(self.export, tmp / f"drop_{next(_WHEN)}.xlsx", cells), dry_run=dry_run)


@pytest.fixture
def small(tmp_path: Path) -> Small:
    env = make_env(tmp_path, 12, seed=41)
    export = env.collect().export
    assert export is not None
    rows = sheet_rows(export)
    small = Small(env, export, rows, [r["제휴몰 주문번호"] for r in rows])
    assert len(small.single_rows()) >= 3 and len(set(small.orders)) < len(small.orders)
    return small


def cj(number: Any) -> dict[str, Any]:
    return {"택배사": "CJ대한통운", "송장번호": number}


@pytest.mark.parametrize(
    ("number", "message"),
    [
        pytest.param(
            "68451234567O",
            "송장번호는 숫자만 입력하세요('-'와 띄어쓰기는 괜찮습니다). 숫자가 아닌 글자: O",
            id="letters",
        ),
        pytest.param("684512345", "CJ대한통운 송장번호는 10 또는 12자리입니다(입력한 번호는 9자리).", id="too-short"),
        pytest.param(
            "6845123456789", "CJ대한통운 송장번호는 10 또는 12자리입니다(입력한 번호는 13자리).", id="too-long"
        ),
        pytest.param(
            "1.23457E+11",
            "엑셀이 숫자를 지수로 바꿨습니다(1.23457E+11). 뒷자리가 이미 지워져 되살릴 수 없습니다. "
            "셀 서식을 '텍스트'로 바꾸고 송장번호를 다시 입력하세요.",
            id="exponent-text",
        ),
    ],
)
def test_a_bad_cj_tracking_number_is_refused_on_its_cell(
    small: Small, tmp_path: Path, number: str, message: str
) -> None:
    row, good = small.single_rows()[:2]
    run = small.check(tmp_path, {row: cj(number), good: cj("684512345678")})
    assert problems(run) == [(row, "송장번호", "tracking-invalid", message)]
    assert [r.row for r in run.rows] == [good]
    assert run.validation.results[row] is RowResult.ERROR


def test_a_lotte_number_failing_the_mod7_check_digit_is_refused(small: Small, tmp_path: Path) -> None:
    bad, good = small.single_rows()[:2]
    assert int("31765130838") % 7 == 0  # 317651308380 is a real 롯데 number; its last digit 1 is wrong
    lotte = {"택배사": "롯데택배"}
    run = small.check(
        tmp_path, {bad: {**lotte, "송장번호": "317651308381"}, good: {**lotte, "송장번호": "317651308380"}}
    )
    assert problems(run) == [(bad, "송장번호", "tracking-invalid", CHECK_DIGIT_PROBLEM)]
    assert [(r.row, r.number, r.courier and r.courier.name) for r in run.rows] == [(good, "317651308380", "롯데택배")]


def test_one_number_on_two_orders_flags_both_rows_but_one_orders_lines_may_share_it(
    small: Small, tmp_path: Path
) -> None:
    a, b = small.single_rows()[:2]
    shared = next(o for o, n in Counter(small.orders).items() if n > 1)
    mates = [i + 2 for i, o in enumerate(small.orders) if o == shared]
    cells = {a: cj("684512345678"), b: cj("684512345678"), **{m: cj("684500000077") for m in mates}}
    run = small.check(tmp_path, cells)
    message = "송장번호 684512345678이(가) 다른 주문({}행)에도 있습니다. 번호를 확인하세요."
    assert problems(run) == [
        (a, "송장번호", "tracking-duplicate", message.format(b)),
        (b, "송장번호", "tracking-duplicate", message.format(a)),
    ]
    assert sorted(r.row for r in run.rows) == mates


def test_an_unknown_courier_name_is_refused(small: Small, tmp_path: Path) -> None:
    row = small.single_rows()[0]
    run = small.check(tmp_path, {row: {"택배사": "CJ대한퉁운", "송장번호": "684512345678"}})
    assert problems(run) == [
        (row, "택배사", "courier-unknown", "택배사 'CJ대한퉁운'을(를) 모릅니다. ▼ 목록에서 고르세요.")
    ]
    assert run.rows == []


def test_a_courier_tmon_has_no_code_for_is_refused(
    small: Small, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every courier of the catalogue has a TMON code today: take one away for this test.
    courier = replace(CATALOGUE[2], codes={k: v for k, v in CATALOGUE[2].codes.items() if k != "tmon"})
    monkeypatch.setattr("batch.jobs.invoices.find_courier", lambda text: courier if text == courier.name else None)
    row = small.single_rows()[0]
    number = "684512345678" if courier.takes_number else None
    run = small.check(tmp_path, {row: {"택배사": courier.name, "송장번호": number}})
    message = f"티몬은(는) {courier.name} 코드를 받지 않습니다. 다른 택배사를 고르세요."
    assert problems(run) == [(row, "택배사", "courier-not-supported", message)]
    assert run.rows == []


def test_shipping_three_days_out_needs_a_delay_reason(small: Small, tmp_path: Path) -> None:
    late, soon, explained = small.single_rows()[:3]
    today = now_kst().date()
    day = {n: (today + dt.timedelta(days=n)).strftime("%Y%m%d") for n in (2, 3)}
    cells = {
        late: {**cj("684500000001"), "출고예정일": day[3]},
        soon: {**cj("684500000002"), "출고예정일": day[2]},
        explained: {**cj("684500000003"), "출고예정일": day[3], "배송지연사유": "주문 제작 상품"},
    }
    run = small.check(tmp_path, cells)
    message = "출고예정일이 3일 이상 뒤입니다. 배송지연사유를 넣어 주세요."
    assert problems(run) == [(late, "배송지연사유", "delay-reason-required", message)]
    assert sorted(r.row for r in run.rows) == sorted([soon, explained])


def test_force_done_marks_success_and_sends_nothing(small: Small, tmp_path: Path) -> None:
    env = small.env
    row = small.single_rows()[0]
    order = small.orders[row - 2]
    our_no = small.rows[row - 2]["주문번호"]
    before = env.requests()
    run = small.check(tmp_path, {row: {"강제완료": "Y"}}, dry_run=False)
    assert problems(run) == []
    assert by_row(run) == {row: (RowResult.SUCCESS, FORCED)}
    assert run.validation.results[row] is RowResult.SUCCESS
    assert env.requests_since(before) == {TOKEN: 1, **CLAIM_SEARCHES}  # the claim check only: no confirm, no invoice
    assert env.invoices() == {}
    assert set(env.deals()[order].values()) == {"D1"}
    later = env.collect()  # done: it leaves the open orders
    assert our_no not in [r["주문번호"] for r in sheet_rows(later.export)]  # type: ignore[arg-type]
    assert len(sheet_rows(later.export)) == len(small.rows) - 1  # type: ignore[arg-type]


def test_two_lines_of_one_deal_with_different_numbers_never_report_an_unsent_number(
    small: Small, tmp_path: Path
) -> None:
    env = small.env
    deal = Counter(zip(small.orders, (r["제휴몰 상품코드"] for r in small.rows), strict=True))
    order, product = next(k for k, n in deal.items() if n > 1)
    first, second = [
        i + 2 for i, r in enumerate(small.rows) if (small.orders[i], r["제휴몰 상품코드"]) == (order, product)
    ][:2]
    run = small.check(tmp_path, {first: cj("684500000001"), second: cj("684500000002")}, dry_run=False)
    held = {
        (i["tmonOrderNo"], str(i["tmonDealNo"])): {i["invoiceNo"], *i["additionalInvoices"]}
        for i in env.state()["invoices"]
    }
    claimed = [
        (r.row, r.number)
        for r in run.rows
        if r.result is RowResult.SUCCESS and r.number not in held.get((order, product), set())
    ]
    assert claimed == []
    # TMON takes further boxes of a deal: both numbers went out, the second as an additional invoice
    assert held[(order, product)] == {"684500000001", "684500000002"}
    assert {r.row: (r.result, r.message) for r in run.rows if r.row in (first, second)} == {
        first: (RowResult.SUCCESS, f"{SENT} (추가 송장 1개)"),
        second: (RowResult.SUCCESS, f"{SENT} (추가 송장 1개)"),
    }


def test_a_number_on_one_line_of_a_deal_goes_for_the_whole_deal_in_one_call(small: Small, tmp_path: Path) -> None:
    env = small.env
    deal = Counter(zip(small.orders, (r["제휴몰 상품코드"] for r in small.rows), strict=True))
    order, product = next(k for k, n in deal.items() if n > 1)
    rows = [i + 2 for i, r in enumerate(small.rows) if (small.orders[i], r["제휴몰 상품코드"]) == (order, product)]
    assert {small.rows[r - 2]["배송단위"] for r in rows} == {f"{order}/{product}"}
    assert rows == list(range(rows[0], rows[0] + len(rows)))  # the deal's rows are next to each other
    before = env.requests()
    run = small.check(tmp_path, {rows[0]: cj("684500000001")}, dry_run=False)
    assert problems(run) == []
    taken = f"{SENT} ({rows[0]}행의 송장번호)"
    assert by_row(run) == {r: (RowResult.SUCCESS, SENT if r == rows[0] else taken) for r in rows}
    assert env.requests_since(before) == {TOKEN: 1, **CLAIM_SEARCHES, CONFIRM: 1, INVOICE_POST: 1}
    assert env.invoices() == {(order, int(product)): (CJ_CODE, "684500000001")}


def test_two_couriers_in_one_deal_are_refused_before_anything_is_sent(small: Small, tmp_path: Path) -> None:
    env = small.env
    deal = Counter(zip(small.orders, (r["제휴몰 상품코드"] for r in small.rows), strict=True))
    order, product = next(k for k, n in deal.items() if n > 1)
    a, b = [i + 2 for i, r in enumerate(small.rows) if (small.orders[i], r["제휴몰 상품코드"]) == (order, product)][:2]
    before = env.requests()
    run = small.check(
        tmp_path, {a: cj("684500000001"), b: {"택배사": "롯데택배", "송장번호": "317651308380"}}, dry_run=False
    )
    message = (
        f"티몬 주문 {order}의 딜 {product}의 {a}·{b}행에 택배사가 서로 다릅니다 (CJ대한통운, 롯데택배). "
        "한 딜에는 택배사 하나만 넣어 주세요."
    )
    assert problems(run) == [
        (a, "택배사", "unit-tracking-conflict", message),
        (b, "택배사", "unit-tracking-conflict", message),
    ]
    assert run.rows == []
    assert env.requests_since(before) == {}  # nothing to send: no account opened
    assert env.invoices() == {}


# -- 5. text that looks like a formula, with control characters -------------------------------------------------


def test_formula_like_messages_with_control_characters_are_exported_as_inert_text(tmp_path: Path) -> None:
    env = make_env(tmp_path, 5, seed=51)
    memos = [
        '=HYPERLINK("http://evil.test","클릭")\x07',
        "+82 10-1234-5678\x07 연락 주세요",
        "-1+2\x1b 부재 시 경비실",
        "@SUM(A1:A2)\x07\x1f",
    ]
    for order, memo in zip(env.orders, memos, strict=False):
        env.stored_order(order)["deliveryMemo"] = memo
    env.stored_order(env.orders[4])["userName"] = "=cmd|' /C calc'!A0\x07"
    export = env.collect().export
    assert export is not None

    wb = openpyxl.load_workbook(export)
    sh = wb[I.MAIN]
    col = columns(sh)
    seen: dict[str, list[tuple[str, Any]]] = {}
    for r in range(2, sh.max_row + 1):
        number = sh.cell(r, col["제휴몰 주문번호"]).value
        for name in ("배송메시지", "주문자"):
            cell = sh.cell(r, col[name])
            seen.setdefault(f"{number}/{name}", []).append((cell.data_type, cell.value))
    formulas = [c.coordinate for s in wb.worksheets for line in s.iter_rows() for c in line if c.data_type == "f"]
    wb.close()
    assert formulas == []
    strip = str.maketrans("", "", "\x07\x1b\x1f")
    for order, memo in zip(env.orders, memos, strict=False):
        assert set(seen[f"{order}/배송메시지"]) == {("s", memo.translate(strip))}
    assert set(seen[f"{env.orders[4]}/주문자"]) == {("s", "=cmd|' /C calc'!A0")}

    dropped = env.run(export, dry_run=True)  # and it reads back as it was written
    assert problems(dropped) == [] and dropped.rows == []


# -- 6. a courier system's own export -------------------------------------------------------------------------


@pytest.mark.parametrize("title", ["Sheet", "Sheet1"])
def test_a_courier_systems_export_is_read_by_header_synonyms(tmp_path: Path, title: str) -> None:
    env = make_env(tmp_path, 4, seed=61)
    export = env.collect().export
    assert export is not None
    rows = sheet_rows(export)
    numbers = numbers_by_order(rows, first=684_512_340_000)
    names = ["CJ대한통운", "CJ택배", "대한통운"]
    wb = openpyxl.Workbook()
    sh = wb.active
    assert sh is not None
    sh.title = title
    sh.append(["주문번호", "택배사명", "운송장번호"])
    for i, r in enumerate(rows):
        n = numbers[r["제휴몰 주문번호"]]
        sh.append([r["주문번호"], names[i % len(names)], f"{n[:4]}-{n[4:8]}-{n[8:]}" if i % 2 else n])
    path = tmp_path / "cj_export.xlsx"
    wb.save(path)
    assert template_kind(path, (I.SPEC,)) == I.KIND

    before = env.requests()
    run = env.run(path)
    assert problems(run) == []
    assert by_row(run) == {i: (RowResult.SUCCESS, SENT) for i in range(2, len(rows) + 2)}
    deals = env.deals()
    sent = {(o, d): (CJ_CODE, numbers[o]) for o in numbers for d in deals[o]}
    assert env.invoices() == sent
    assert env.requests_since(before) == {TOKEN: 1, **CLAIM_SEARCHES, CONFIRM: len(sent), INVOICE_POST: len(sent)}
