"""Shipping units (배송단위) in the 송장대량등록 round trip, on Coupang's in-process sandbox: the export shows each
row's shipmentBoxId and keeps a box's rows together; a number written on one row of a box goes to the whole box in
one invoice; two numbers in one box are refused by our own check before anything is sent; an export made before the
column existed still goes in.

The sandbox seeds orders of one or two boxes with one to three items a box (each item a row of the export).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import json
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import openpyxl
import pytest
from helpers import Recorder, control

from batch.config import SANDBOX_SECRETS, Workspace, load_workspace
from batch.importers import invoices as I
from batch.jobs.collect import collect, order_rows
from batch.jobs.init import init_workspace
from batch.jobs.invoices import UNIT_CONFLICT, UNIT_ROW_ERROR, InvoiceRun, run_invoices
from batch.ledger import Ledger
from batch.marketplaces.coupang import Coupang
from batch.marketplaces.types import Outcomes, Shipment
from batch.models import OrderLine, OrderStatus, RowResult
from batch.sandbox.app import create_app

INVOICES = "/orders/invoices"  # the path ends so: POST …/v4/vendors/{vendorId}/orders/invoices
SENT = "송장 등록"
_WHEN = itertools.count()


@dataclass
class Shop:
    ws: Workspace
    app: Recorder  # the sandbox, every request kept
    export: Path
    rows: list[dict[str, Any]]  # the export's data rows, from Excel row 2
    boxes: dict[str, dict[str, Any]]  # shipmentBoxId -> the sandbox's box

    def rows_of(self, box: str) -> list[int]:
        return [i for i, r in enumerate(self.rows, start=2) if r["배송단위"] == box]

    def multi(self, n: int = 1, size: int = 2) -> list[str]:
        """``n`` boxes of ``size`` items or more, in export order."""
        found = [b for b in dict.fromkeys(r["배송단위"] for r in self.rows) if len(self.rows_of(b)) >= size]
        assert len(found) >= n
        return found[:n]

    def singles(self) -> list[str]:
        return [b for b in dict.fromkeys(r["배송단위"] for r in self.rows) if len(self.rows_of(b)) == 1]

    def run(self, path: Path, **kw: Any) -> InvoiceRun:
        when = dt.datetime(2026, 3, 1, 9, 0) + dt.timedelta(seconds=next(_WHEN))
        return run_invoices(path, self.ws, app=self.app, when=when, **kw)

    def posted(self) -> list[list[dict[str, Any]]]:
        """The DTO lists of every invoice upload, in order."""
        calls = [e for e in self.app.market("POST") if e.path.endswith(INVOICES)]
        return [e.json()["orderSheetInvoiceApplyDtos"] for e in calls]

    def invoices(self) -> dict[tuple[int, int], tuple[str, str]]:
        """(shipmentBoxId, vendorItemId) -> (courier code, number) of every invoice the sandbox holds."""
        state = control(self.app.app, "GET", "/__sandbox__/state?market=coupang")
        return {
            (i["shipmentBoxId"], i["vendorItemId"]): (i["deliveryCompanyCode"], i["invoiceNumber"])
            for i in state["invoices"]
            if i["current"]
        }


def sheet_rows(path: Path, sheet: str = I.MAIN) -> list[dict[str, Any]]:
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        rows = list(wb[sheet].iter_rows(values_only=True))
    finally:
        wb.close()
    names = [str(h or "").rstrip("*") for h in rows[0]]
    return [dict(zip(names, r, strict=False)) for r in rows[1:]]


def fill(src: Path, dst: Path, cells: dict[int, dict[str, Any]], *, drop: Sequence[str] = ()) -> Path:
    """A copy of the export with ``cells`` ({Excel row: {header: value}}) written, and the columns ``drop`` deleted."""
    wb = openpyxl.load_workbook(src)
    sh = wb[I.MAIN]
    col = {str(c.value or "").rstrip("*"): int(c.column or 0) for c in sh[1]}
    for row, values in cells.items():
        for name, value in values.items():
            sh.cell(row, col[name]).value = value
    for name in drop:
        sh.delete_cols(col[name])
    wb.save(dst)
    return dst


def cj(number: str) -> dict[str, str]:
    return {"택배사": "CJ대한통운", "송장번호": number}


@pytest.fixture
def shop(tmp_path: Path) -> Shop:
    root = tmp_path / "ws"
    init_workspace(root, markets=("coupang",))
    config = root / "batch.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("rate_limit = 10", "rate_limit = 0"), encoding="utf-8")
    ws = load_workspace(root)
    sandbox = create_app(clock=lambda: time.time() - 3600, seed=14)
    control(sandbox, "POST", "/__sandbox__/seed", {"market": "coupang", "orders": 12, "seed": 14})
    app = Recorder(sandbox)
    export = collect(ws, "orders", app=app).export
    assert export is not None
    state = control(sandbox, "GET", "/__sandbox__/state?market=coupang")
    boxes = {str(b["shipmentBoxId"]): b for b in state["orders"]}
    return Shop(ws, app, export, sheet_rows(export), boxes)


# -- the export -----------------------------------------------------------------------------------------------


def test_the_export_shows_each_rows_box_and_keeps_a_boxs_rows_together(shop: Shop) -> None:
    item_box = {
        (str(b["orderId"]), i["sellerProductName"], i["sellerProductItemName"]): box
        for box, b in shop.boxes.items()
        for i in b["orderItems"]
    }
    assert [r["배송단위"] for r in shop.rows] == [
        item_box[(r["제휴몰 주문번호"], r["상품명"], r["옵션"])] for r in shop.rows
    ]
    assert Counter(r["배송단위"] for r in shop.rows) == {b: len(x["orderItems"]) for b, x in shop.boxes.items()}
    units = [r["배송단위"] for r in shop.rows]
    runs = [u for u, _ in itertools.groupby(units)]
    assert len(runs) == len(set(units)) == len(shop.boxes)  # every box's rows are one run of adjacent rows
    assert len(shop.multi()) >= 1 and len(shop.singles()) >= 2

    wb = openpyxl.load_workbook(shop.export)
    try:
        headers = [str(c.value or "") for c in wb[I.MAIN][1]]
        prompts = {
            cells.min_col: dv.prompt for dv in wb[I.MAIN].data_validations.dataValidation for cells in dv.sqref.ranges
        }
    finally:
        wb.close()
    assert headers.index("배송단위") == headers.index("택배사") - 1
    prompt = prompts[headers.index("배송단위") + 1]
    assert prompt is not None and "쿠팡: 묶음배송번호(shipmentBoxId)" in prompt and "한 행에만" in prompt


# -- one number, the whole box --------------------------------------------------------------------------------


def test_a_number_on_the_first_row_of_a_box_is_one_invoice_for_the_whole_box(
    shop: Shop, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (box,) = shop.multi(size=3)
    single = shop.singles()[0]
    first, *rest = shop.rows_of(box)
    (alone,) = shop.rows_of(single)
    asked: list[Shipment] = []
    send = Coupang.send_invoices

    async def spy(self: Coupang, shipments: Sequence[Shipment]) -> Outcomes:
        asked.extend(shipments)
        return await send(self, shipments)

    monkeypatch.setattr(Coupang, "send_invoices", spy)
    filled = fill(shop.export, tmp_path / "송장.xlsx", {first: cj("684500000010"), alone: cj("684500000021")})

    run = shop.run(filled)
    assert [p for p in run.validation.report] == []
    taken = f"{SENT} ({first}행의 송장번호)"
    assert {r.row: (r.result, r.message) for r in run.rows} == {
        first: (RowResult.SUCCESS, SENT),
        **{row: (RowResult.SUCCESS, taken) for row in rest},
        alone: (RowResult.SUCCESS, SENT),
    }
    # one shipment for the box, carrying every item of it, one number (in the export's order, which puts
    # yesterday's orders first: which box comes first depends on the hour, so the lists are compared sorted)
    assert sorted((s.key, s.number, s.additional, len(s.lines)) for s in asked) == sorted(
        [(box, "684500000010", (), len(rest) + 1), (single, "684500000021", (), 1)]
    )
    items = [i["vendorItemId"] for i in shop.boxes[box]["orderItems"]]
    [dtos] = shop.posted()  # one upload call for both boxes
    assert sorted((d["shipmentBoxId"], d["vendorItemId"], d["invoiceNumber"]) for d in dtos) == sorted(
        [
            *[(int(box), item, "684500000010") for item in items],
            (int(single), shop.boxes[single]["orderItems"][0]["vendorItemId"], "684500000021"),
        ]
    )
    assert {k: v for k, v in shop.invoices().items() if k[0] == int(box)} == {
        (int(box), item): ("CJGLS", "684500000010") for item in items
    }
    assert run.files is not None
    shown = sheet_rows(run.files.result)
    assert [(shown[row - 2]["송장 결과"], shown[row - 2]["송장 메시지"]) for row in (first, *rest)] == [
        ("성공", SENT),
        *[("성공", taken) for _ in rest],
    ]
    assert {shown[row - 2]["처리결과"] for row in (first, *rest, alone)} == {"성공"}

    again = shop.run(filled)  # dropped again: nothing goes out, every row of the box says so
    assert {r.row: r.result for r in again.rows} == {row: RowResult.SKIPPED for row in (first, *rest, alone)}
    assert len(shop.posted()) == 1


# -- two numbers in one box -----------------------------------------------------------------------------------


def test_two_numbers_in_one_box_are_refused_before_anything_is_sent_and_other_boxes_go(
    shop: Shop, tmp_path: Path
) -> None:
    (box,) = shop.multi(size=3)  # two rows with numbers, the third left empty
    other = next(b for b in shop.multi(2) if b != box)
    rows = shop.rows_of(box)
    a, b = rows[:2]
    other_rows = shop.rows_of(other)
    cells = {a: cj("684500000010"), b: cj("684500000028"), other_rows[-1]: cj("684500000036")}
    run = shop.run(fill(shop.export, tmp_path / "송장.xlsx", cells))

    message = (
        f"쿠팡 묶음배송번호 {box}의 {a}·{b}행에 송장번호가 서로 다릅니다 (684500000010, 684500000028). "
        "한 묶음에는 송장번호 하나만 넣어 주세요."
    )
    assert sorted((p.row, p.column, p.code, p.message) for p in run.validation.report) == [
        (row, "송장번호" if row in (a, b) else None, UNIT_CONFLICT, message) for row in rows
    ]
    assert {r.row: (r.result, r.message) for r in run.rows} == {
        row: (RowResult.SUCCESS, SENT if row == other_rows[-1] else f"{SENT} ({other_rows[-1]}행의 송장번호)")
        for row in other_rows
    }
    assert {run.validation.results[row] for row in rows} == {RowResult.ERROR}
    sent_boxes = {d["shipmentBoxId"] for dtos in shop.posted() for d in dtos}
    assert sent_boxes == {int(other)}  # nothing for the refused box
    assert {k[0] for k in shop.invoices()} == {int(other)}

    assert run.files is not None
    shown = sheet_rows(run.files.result)
    for row in rows:
        assert (shown[row - 2]["처리결과"], shown[row - 2]["오류코드"]) == ("오류", UNIT_CONFLICT)
        assert message in str(shown[row - 2]["오류메시지"])
    assert "marketplace-rejected" not in json.dumps(shown, ensure_ascii=False, default=str)


def test_two_couriers_in_one_box_are_refused(shop: Shop, tmp_path: Path) -> None:
    (box,) = shop.multi()
    a, b = shop.rows_of(box)[:2]
    cells = {a: cj("684500000010"), b: {"택배사": "롯데택배", "송장번호": "317651308380"}}
    run = shop.run(fill(shop.export, tmp_path / "송장.xlsx", cells), dry_run=True)
    message = (
        f"쿠팡 묶음배송번호 {box}의 {a}·{b}행에 택배사가 서로 다릅니다 (CJ대한통운, 롯데택배). "
        "한 묶음에는 택배사 하나만 넣어 주세요."
    )
    assert {(p.row, p.column, p.code, p.message) for p in run.validation.report if p.row in (a, b)} == {
        (a, "택배사", UNIT_CONFLICT, message),
        (b, "택배사", UNIT_CONFLICT, message),
    }
    assert run.rows == []


def test_a_bad_number_on_one_row_holds_the_rest_of_its_box(shop: Shop, tmp_path: Path) -> None:
    (box,) = shop.multi(size=3)
    rows = shop.rows_of(box)
    a, b = rows[:2]
    run = shop.run(fill(shop.export, tmp_path / "송장.xlsx", {a: cj("684500000010"), b: cj("68450")}), dry_run=True)
    every = "·".join(str(r) for r in rows)
    message = (
        f"쿠팡 묶음배송번호 {box}의 {b}행에 오류가 있어 이 묶음({every}행)을(를) 보내지 않았습니다. "
        "그 행을 고친 뒤 다시 넣어 주세요."
    )
    found = {(p.row, p.code): p.message for p in run.validation.report}
    assert found.keys() == {(b, "tracking-invalid"), *((row, UNIT_ROW_ERROR) for row in rows if row != b)}
    assert {m for (_, code), m in found.items() if code == UNIT_ROW_ERROR} == {message}
    assert run.rows == []


# -- an export made before the column -------------------------------------------------------------------------


def test_an_export_without_the_unit_column_still_goes_in_and_fills_the_box(shop: Shop, tmp_path: Path) -> None:
    (box,) = shop.multi()
    first, *rest = shop.rows_of(box)
    old = fill(shop.export, tmp_path / "예전양식.xlsx", {first: cj("684500000010")}, drop=("배송단위",))
    wb = openpyxl.load_workbook(old, read_only=True)
    try:
        assert "배송단위" not in [c.value for c in next(wb[I.MAIN].iter_rows(max_row=1))]
    finally:
        wb.close()
    run = shop.run(old)
    assert [p for p in run.validation.report] == []
    assert {r.row: r.result for r in run.rows} == {row: RowResult.SUCCESS for row in (first, *rest)}
    items = [i["vendorItemId"] for i in shop.boxes[box]["orderItems"]]
    assert shop.invoices() == {(int(box), item): ("CJGLS", "684500000010") for item in items}


def test_the_rows_of_a_unit_are_put_together_whenever_their_lines_came(tmp_path: Path) -> None:
    def line(market: str, order: str, box: str, option: str, day: str = "2026-03-01 10:00") -> OrderLine:
        return OrderLine(
            market, "main", order, box, "P1", option, "상품", option, 1, 1000, day, OrderStatus.NEW,
            "구매자", "010-0000-0000", "수령자", "010-0000-0000", "12345", "서울", "",
        )  # fmt: skip

    ledger = Ledger(tmp_path / "ledger.sqlite")
    try:
        ledger.store_orders([line("coupang", "1", "B1", "o1"), line("coupang", "2", "B2", "o2")])
        ledger.store_orders([line("tmon", "7", "D7", "o3"), line("coupang", "1", "B1", "o4")])  # later: B1's 2nd item
        rows = order_rows(ledger)
    finally:
        ledger.close()
    assert [(r["market"], r["order_no"], r["unit"], r["option_text"]) for r in rows] == [
        ("티몬", "7", "7/P1", "o3"),  # TMON first (batch's market order); its unit is the order's deal
        ("쿠팡", "1", "B1", "o1"),
        ("쿠팡", "1", "B1", "o4"),
        ("쿠팡", "2", "B2", "o2"),
    ]


# -- 11번가: 부분발송 (G 1636) and a bundle (one dlvNo) spanning orders ---------------------------------------------

ST11_SHIP = "GET /rest/ordservices/reqdelivery/{sendDt}/{dlvMthdCd}/{dlvEtprsCd}/{invcNo}/{dlvNo}"  # G 1888
ST11_PART = ST11_SHIP + "/{partDlvYn}/{ordNo}/{ordPrdSeq}"  # G 1636 order/dispatch-1636.md


def st11_shop(tmp_path: Path, seed: dict[str, Any]) -> tuple[Workspace, Any, Path, list[dict[str, Any]]]:
    root = tmp_path / "ws"
    init_workspace(root, markets=("11st",))
    config = root / "batch.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("rate_limit = 10", "rate_limit = 0"), encoding="utf-8")
    ws = load_workspace(root)
    app = create_app(clock=lambda: time.time() - 3600, seed=21)
    control(app, "POST", "/__sandbox__/seed", {"market": "11st", "seed": 21, **seed})
    export = collect(ws, "orders", app=app).export
    assert export is not None
    return ws, app, export, sheet_rows(export)


def st11_state(app: Any) -> dict[str, Any]:
    found: dict[str, Any] = control(app, "GET", "/__sandbox__/state?market=11st")
    return found


def st11_units(rows: list[dict[str, Any]]) -> dict[str, list[int]]:
    """The rows of each 배송단위, units in the sandbox's dlvNo order. Not the export's order: our numbers begin with
    the order's KST day, so around midnight the export puts yesterday's orders first and a test would pick another unit."""
    units: dict[str, list[int]] = {}
    for i, r in enumerate(rows, start=2):
        units.setdefault(str(r["배송단위"]), []).append(i)
    return dict(sorted(units.items(), key=lambda kv: int(kv[0])))


def test_two_lines_of_one_11st_dlvno_with_different_numbers_ship_apart_once_each(tmp_path: Path) -> None:
    ws, app, export, rows = st11_shop(tmp_path, {"orders": 20})
    unit, (a, b) = next((u, rs[:2]) for u, rs in st11_units(rows).items() if len(rs) == 2)
    cells = {a: cj("684500000010"), b: cj("684500000028")}
    filled = fill(export, tmp_path / "송장.xlsx", cells)
    when = dt.datetime(2026, 3, 1, 9, 0)
    run = run_invoices(filled, ws, app=app, when=when)

    assert list(run.validation.report) == []
    assert {r.row: (r.result, r.message) for r in run.rows} == {
        a: (RowResult.SUCCESS, f"{SENT} (부분발송: 상품별 송장 2개)"),
        b: (RowResult.SUCCESS, f"{SENT} (부분발송: 상품별 송장 2개)"),
    }
    state = st11_state(app)
    lines = {(str(rows[r - 2]["제휴몰 주문번호"]), n) for r, n in ((a, "684500000010"), (b, "684500000028"))}
    shipped = {(str(x).split("/")[0], i["invcNo"]) for i in state["invoices"] for x in i["lines"]}
    assert shipped == lines
    assert [len(i["lines"]) for i in state["invoices"]] == [1, 1]  # each line shipped once, under its own number
    assert {i["dlvNo"] for i in state["invoices"]} == {unit}
    assert state["requests"].get(ST11_PART) == 2 and ST11_SHIP not in state["requests"]
    assert {o["status"] for o in state["orders"] if o["dlvNo"] == unit} == {"shipping"}

    again = run_invoices(filled, ws, app=app, when=when + dt.timedelta(seconds=1))
    assert {r.result for r in again.rows} == {RowResult.SKIPPED}
    assert st11_state(app)["requests"].get(ST11_PART) == 2


def test_different_numbers_in_one_11st_dlvno_with_a_row_left_empty_are_refused(tmp_path: Path) -> None:
    ws, app, export, rows = st11_shop(tmp_path, {"orders": 20})
    a, b, c = next(rs for rs in st11_units(rows).values() if len(rs) == 3)
    run = run_invoices(
        fill(export, tmp_path / "송장.xlsx", {a: cj("684500000010"), b: cj("684500000028")}),
        ws,
        app=app,
        when=dt.datetime(2026, 3, 1, 9, 0),
    )
    assert {(p.row, p.code) for p in run.validation.report} == {
        (a, UNIT_CONFLICT),
        (b, UNIT_CONFLICT),
        (c, UNIT_CONFLICT),
    }
    assert all("부분발송" in p.message and f"{c}행" in p.message for p in run.validation.report)
    assert run.rows == [] and st11_state(app)["invoices"] == []


def test_a_cancel_request_on_one_order_of_a_shared_11st_dlvno_holds_the_whole_unit(tmp_path: Path) -> None:
    ws, app, export, rows = st11_shop(tmp_path, {"orders": 6, "shared_bundles": 100})
    units = st11_units(rows)
    unit, members = next(
        (u, rs) for u, rs in units.items() if len({str(rows[r - 2]["제휴몰 주문번호"]) for r in rs}) == 2
    )
    orders = sorted({str(rows[r - 2]["제휴몰 주문번호"]) for r in members})  # the sandbox's ordNo order
    # 발주확인 first (G 1634), so the buyer's cancel is a request (G 1639 ordCnStatCd 01), not done at once
    key = {"openapikey": SANDBOX_SECRETS["11st"]["api_key"]}

    seeded = st11_state(app)["orders"]

    async def confirm() -> None:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://sandbox.test") as c:
            for line in seeded:
                if line["dlvNo"] == unit:
                    path = f"/rest/ordservices/reqpackaging/{line['ordNo']}/{line['ordPrdSeq']}/N/null/{unit}"
                    assert (await c.get(path, headers=key)).status_code == 200

    asyncio.run(confirm())
    control(app, "POST", "/__sandbox__/claims", {"market": "11st", "order": orders[1], "type": "cancel"})
    before = dict(st11_state(app)["requests"])
    # one number a unit, on its first row (the rest take it); the claimed unit too
    cells = {rs[0]: cj(f"6845000{i:05d}") for i, rs in enumerate(units.values(), start=1)}
    run = run_invoices(fill(export, tmp_path / "송장.xlsx", cells), ws, app=app, when=dt.datetime(2026, 3, 1, 9, 0))

    assert list(run.validation.report) == []
    held = {r.row: (r.result, r.message) for r in run.rows if r.row in members}
    assert sorted(held) == members
    assert {res for res, _ in held.values()} == {RowResult.HELD}
    assert all(m.startswith("보류: 취소") for _, m in held.values())
    state = st11_state(app)
    assert unit not in {i["dlvNo"] for i in state["invoices"]}
    assert {i["dlvNo"] for i in state["invoices"]} == {u for u in units if u != unit}
    sent = {k: n - before.get(k, 0) for k, n in state["requests"].items() if n != before.get(k, 0)}
    assert sent.get(ST11_SHIP) == len(units) - 1 and ST11_PART not in sent
    assert {o["status"] for o in state["orders"] if o["dlvNo"] == unit and o["ordNo"] == orders[0]} == {"packaging"}


def test_the_same_number_on_every_row_of_a_shared_11st_dlvno_is_one_shipment(tmp_path: Path) -> None:
    """A dlvNo bundling two orders takes one number; written on each of its rows it is not a 'reused number'."""
    ws, app, export, rows = st11_shop(tmp_path, {"orders": 6, "shared_bundles": 100})
    units = st11_units(rows)
    unit, members = next(
        (u, rs) for u, rs in units.items() if len({str(rows[r - 2]["제휴몰 주문번호"]) for r in rs}) == 2
    )
    cells = {r: cj(f"6845000{i:05d}") for i, rs in enumerate(units.values(), start=1) for r in rs}
    run = run_invoices(fill(export, tmp_path / "송장.xlsx", cells), ws, app=app, when=dt.datetime(2026, 3, 1, 9, 0))

    assert [p.code for p in run.validation.report] == []
    assert {r.result for r in run.rows if r.row in members} == {RowResult.SUCCESS}
    shipped = [i for i in st11_state(app)["invoices"] if i["dlvNo"] == unit]
    assert len({i["invcNo"] for i in shipped}) == 1
