"""재고 연동 and 판매취소 end to end against the sandbox marketplaces: one stock per item across every listing, the
last unit never sold twice, a swallowed sold-out sent again until shown, and a 품절 seller cancel that stops the item
everywhere. Each marketplace's sandbox speaks its own protocol; what a listing shows is read back through the
adapters (``ListingWork.shown``), and what was sent is counted in the sandbox's request log."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import openpyxl
from helpers import FakeClock, control, result_rows
from test_markets_e2e import book, fill, hour_ago_app, products_run, sheet_rows, state, workspace

from batch.config import Workspace, load_workspace
from batch.exporters.template import write_template
from batch.importers import invoices as I
from batch.importers import products as P
from batch.importers import stock as S
from batch.jobs.collect import collect
from batch.jobs.connections import open_account
from batch.jobs.invoices import run_invoices
from batch.jobs.samples import product_rows
from batch.jobs.stock import SAME_AS_BEFORE, ListingWork, StockPass, run_stock, sync_stock
from batch.ledger import Ledger
from batch.models import RowResult

THREE = ("tmon", "coupang", "11st")

# the stock and sale-status writes of each marketplace, as its sandbox counts requests ("METHOD /template")
STOCK_WRITES = {
    "tmon": ("PUT /api/{vendorId}/deals/{no}/stock",),
    "coupang": (
        "PUT /v2/providers/seller_api/apis/api/v1/marketplace/vendor-items/{vendorItemId}/quantities/{quantity}",
    ),
    "naver": (
        "PUT /external/v1/products/origin-products/{no}/option-stock",
        "PUT /external/v1/products/origin-products/{no}/change-status",
    ),
}


def synced(tmp_path: Path, markets: tuple[str, ...], buffer: int = 0) -> Workspace:
    ws = workspace(tmp_path, markets)
    config = ws.root / "batch.toml"
    config.write_text(
        config.read_text(encoding="utf-8") + f"\n[stock]\nsync = true\nbuffer = {buffer}\n", encoding="utf-8"
    )
    return load_workspace(ws.root)


def one_item(markets: tuple[str, ...], stock: int, code: str = "RING-1") -> dict[str, list[dict[str, Any]]]:
    """One product without options (one item) with ``stock`` units, sold on ``markets``."""
    rows = product_rows(1, markets=markets)
    main = rows[P.MAIN][0]
    for notice in rows[P.NOTICES]:
        notice["code"] = code
    main.update(
        code=code,
        stock=str(stock),
        option_use="사용안함",
        option_type=None,
        option_name_1=None,
        option_values_1=None,
    )
    rows[P.OPTIONS] = []
    return rows


def registered(
    tmp_path: Path, ws: Workspace, app: Any, clock: FakeClock, rows: dict[str, list[dict[str, Any]]]
) -> None:
    done = products_run(book(tmp_path, rows), ws, app, clock=clock)
    assert {s.result for s in done.steps} == {RowResult.SUCCESS}, [s.message for s in done.steps]


def by_market(p: StockPass) -> dict[str, ListingWork]:
    return {w.listing.market: w for w in p.works}


def writes(app: Any, market: str) -> int:
    requests = state(app, market)["requests"]
    return sum(int(requests.get(k, 0)) for k in STOCK_WRITES[market])


def cancel_calls(app: Any) -> int:
    """Coupang seller cancels sent (C1 instruct-cancel)."""
    return sum(int(n) for k, n in state(app, "coupang")["requests"].items() if k.endswith("/cancel"))


def all_requests(app: Any, market: str) -> int:
    return sum(int(n) for n in state(app, market)["requests"].values())


def one_pass(ws: Workspace, app: Any, clock: FakeClock) -> StockPass:
    ledger = Ledger(ws.ledger_path)
    try:
        return sync_stock(ws, ledger, app=app, clock=clock)
    finally:
        ledger.close()


def stock_book(tmp_path: Path, rows: list[dict[str, str]], name: str = "재고") -> Path:
    return write_template(S.SPEC, tmp_path / f"{name}.xlsx", {S.MAIN: rows}, examples=False)


def test_the_last_units_sold_on_two_marketplaces_stop_the_third_in_the_same_pass_and_a_cancel_reopens_all(
    tmp_path: Path,
) -> None:
    ws = synced(tmp_path, THREE)
    clock = FakeClock()
    app = hour_ago_app(clock, seed=17)
    registered(tmp_path, ws, app, clock, one_item(THREE, 3))
    control(app, "POST", "/__sandbox__/seed", {"market": "tmon", "orders": 1, "qty": 2, "seed": 1})
    st11_order = control(app, "POST", "/__sandbox__/seed", {"market": "11st", "orders": 1, "qty": 1, "seed": 2})
    coupang_before = all_requests(app, "coupang")

    collected = collect(ws, "orders", app=app, clock=clock)
    p = collected.stock
    assert p is not None and p.unmatched == [] and p.moved == {"RING-1"}
    works = by_market(p)
    assert sorted(works) == sorted(THREE)
    for market, w in works.items():
        assert w.change.stop, market  # every listing stopped in this one pass, the one that sold nothing too
        assert w.result is RowResult.SUCCESS, (market, w.message)
        assert w.shown is not None and not w.shown.on_sale, market
    assert all_requests(app, "coupang") > coupang_before  # coupang sold nothing and was stopped all the same
    again = collect(ws, "orders", app=app, clock=clock).stock  # nothing new: nothing sent
    assert again is not None and again.works == []

    # the 11번가 order cannot ship in time: a seller cancel (배송지연) gives its unit back and every listing reopens
    export = collected.export
    assert export is not None
    rows = sheet_rows(export, I.MAIN)
    order_no = str(st11_order["orders"][0])
    at = next(i for i, r in enumerate(rows, start=2) if str(r["제휴몰 주문번호"]) == order_no)
    filled = fill(export, tmp_path / "판매취소.xlsx", I.MAIN, {at: {"판매취소": "배송지연"}})
    cancelled = run_invoices(filled, ws, app=app, clock=clock)
    assert [(r.result, r.message) for r in cancelled.rows] == [(RowResult.SUCCESS, "판매취소(배송지연)")]
    p = cancelled.stock
    assert p is not None and p.moved == {"RING-1"}
    works = by_market(p)
    assert sorted(works) == sorted(THREE)
    for market, w in works.items():
        assert w.change.resume and dict(w.change.stocks) == {"RING-1-001": 1}, market
        assert w.result is RowResult.SUCCESS, (market, w.message)
        assert w.shown is not None and w.shown.on_sale and w.shown.stocks["RING-1-001"] == 1, market


def test_a_marketplace_that_swallows_the_sold_out_call_is_told_again_until_it_shows_it(tmp_path: Path) -> None:
    markets = ("tmon", "coupang")
    ws = synced(tmp_path, markets)
    clock = FakeClock()
    app = hour_ago_app(clock, seed=5)
    registered(tmp_path, ws, app, clock, one_item(markets, 4))
    control(app, "POST", "/__sandbox__/swallow", {"market": "coupang", "on": True})
    path = stock_book(tmp_path, [{"code": "RING-1", "option": "", "stock": "0"}])
    first = run_stock(path, ws, app=app, clock=clock)
    assert first.files is not None
    shown = result_rows(first.files.result, S.MAIN)["RING-1"]
    assert shown["처리결과"] == "보류"
    works = by_market(first.stock_pass)
    assert works["tmon"].result is RowResult.SUCCESS
    assert works["coupang"].result is RowResult.HELD and "다음 동기화 때 다시 보냅니다" in works["coupang"].message

    for _ in range(2):  # each pass sends the stop again: the marketplace still shows it on sale
        before = all_requests(app, "coupang")
        p = one_pass(ws, app, clock)
        assert [w.listing.market for w in p.works] == ["coupang"]
        assert p.works[0].change.stop and p.works[0].result is RowResult.HELD
        assert all_requests(app, "coupang") > before

    control(app, "POST", "/__sandbox__/swallow", {"market": "coupang", "on": False})
    p = one_pass(ws, app, clock)
    assert [(w.listing.market, w.result) for w in p.works] == [("coupang", RowResult.SUCCESS)]
    assert p.works[0].shown is not None and p.works[0].shown.sold_out("RING-1-001")
    before = {m: all_requests(app, m) for m in markets}
    assert one_pass(ws, app, clock).works == []
    assert {m: all_requests(app, m) for m in markets} == before

    again = run_stock(path, ws, app=app, clock=clock)  # the same file again: nothing goes out
    assert again.stock_pass.works == []
    assert {m: all_requests(app, m) for m in markets} == before
    assert [r.message for r in again.rows] == [SAME_AS_BEFORE]


def test_a_sold_out_seller_cancel_cancels_the_order_and_stops_the_item_everywhere(tmp_path: Path) -> None:
    ws = synced(tmp_path, THREE)
    clock = FakeClock()
    app = hour_ago_app(clock, seed=23)
    registered(tmp_path, ws, app, clock, one_item(THREE, 5))
    seeded = control(app, "POST", "/__sandbox__/seed", {"market": "coupang", "orders": 2, "qty": 1, "seed": 3})
    collected = collect(ws, "orders", app=app, clock=clock)
    assert collected.stock is not None and {w.listing.market for w in collected.stock.works} == set(THREE)
    export = collected.export
    assert export is not None
    rows = sheet_rows(export, I.MAIN)
    assert len(rows) == 2
    first, second = (str(o) for o in seeded["orders"])
    at = {str(r["제휴몰 주문번호"]): i for i, r in enumerate(rows, start=2)}
    filled = fill(
        export,
        tmp_path / "품절.xlsx",
        I.MAIN,
        {
            at[first]: {"판매취소": "품절"},
            at[second]: {"판매취소": "품절", "택배사": "CJ대한통운", "송장번호": "684500000001"},
        },
    )
    run = run_invoices(filled, ws, app=app, clock=clock)
    results = {str(r.line.order_no): (r.result, r.message) for r in run.rows}
    assert results == {
        first: (RowResult.SUCCESS, "판매취소(품절) 이 상품·옵션의 재고를 0으로 하고 모든 마켓에서 판매를 멈춥니다.")
    }
    assert [p.code for p in run.validation.report.errors] == ["sale-cancel-with-invoice"]
    cancelled = [o for o in state(app, "coupang")["orders"] if str(o.get("orderId")) == first]
    assert cancelled, "the sandbox has the order"
    p = run.stock
    assert p is not None
    works = by_market(p)
    assert sorted(works) == sorted(THREE)
    for market, w in works.items():
        assert w.change.stop and w.result is RowResult.SUCCESS, (market, w.message)
    with_ledger = Ledger(ws.ledger_path)
    try:
        from batch.stockbook import StockBook

        item = StockBook(with_ledger).item("RING-1", "")
        assert item is not None and item.stock == 0
    finally:
        with_ledger.close()

    cancels = cancel_calls(app)
    assert cancels == 1
    again = run_invoices(filled, ws, app=app, clock=clock)  # re-dropped: nothing is sent twice
    assert {str(r.line.order_no): r.result for r in again.rows} == {first: RowResult.SKIPPED}
    assert again.stock is None and cancel_calls(app) == cancels
    # the next collection sees the cancel; the line cancelled for 품절 gives nothing back: stock stays 0, nothing sent
    later = collect(ws, "orders", app=app, clock=clock)
    assert later.stock is not None and later.stock.works == [] and later.stock.moved == set()


def test_a_stock_workbook_of_many_items_sends_only_the_changed_ones(tmp_path: Path) -> None:
    """A workbook of 10,000 items: 60 registered products among items whose listings the marketplaces confirmed;
    the 50 changed are sent, one stock call per listing (50 × 2 listings); an unknown row is refused on its row."""
    markets = ("tmon", "naver")
    ws = synced(tmp_path, markets)
    clock = FakeClock()
    app = hour_ago_app(clock, seed=8)
    rows = product_rows(60, markets=markets)
    for r in rows[P.MAIN]:
        r.update(option_use="사용안함", option_type=None, option_name_1=None, option_values_1=None, stock="20")
    rows[P.OPTIONS] = []
    registered(tmp_path, ws, app, clock, rows)
    first_pass = one_pass(ws, app, clock)  # read back once: all confirmed
    assert {w.result for w in first_pass.works} <= {RowResult.SUCCESS}
    ledger = Ledger(ws.ledger_path)
    try:
        from batch.stockbook import StockBook

        book_ = StockBook(ledger)
        for i in range(9940):  # items whose listings the marketplaces already confirmed
            code = f"X{i:05d}"
            book_.define(code, "기성품", [("", f"{code}-001", 7, True)], "seed")
            for m in markets:
                book_.sent(m, "main", code, "재고", {f"{code}-001": 7}, None, "")
    finally:
        ledger.close()
    codes = [str(r["code"]) for r in rows[P.MAIN]]
    sheet = [{"code": c, "option": "", "stock": "20"} for c in codes[:10]]
    sheet += [{"code": c, "option": "", "stock": "11"} for c in codes[10:]]
    sheet += [{"code": f"X{i:05d}", "option": "", "stock": "7"} for i in range(9940)]
    sheet += [{"code": "NOPE", "option": "", "stock": "1"}]
    before = {m: writes(app, m) for m in markets}
    run = run_stock(stock_book(tmp_path, sheet), ws, app=app, clock=clock)
    assert {m: writes(app, m) - before[m] for m in markets} == {"tmon": 50, "naver": 50}
    assert sorted(w.listing.code for w in run.stock_pass.works) == sorted(codes[10:] * 2)
    assert len(run.rows) == 10_000
    assert [p.code for p in run.validation.report.errors] == ["unknown-item"]
    assert run.files is not None
    shown = result_rows(run.files.result, S.MAIN)
    assert shown[codes[30]]["처리결과"] == "성공"
    assert shown["X00001"]["처리결과"] == "건너뜀"
    assert shown[codes[0]]["처리결과"] == "건너뜀"
    assert shown["NOPE"]["처리결과"] == "오류"


def test_a_listing_a_person_stopped_is_not_reopened_and_a_resaved_file_sends_nothing(tmp_path: Path) -> None:
    markets = ("tmon", "11st")
    ws = synced(tmp_path, markets)
    clock = FakeClock()
    app = hour_ago_app(clock, seed=12)
    registered(tmp_path, ws, app, clock, one_item(markets, 4))

    async def pause_on_tmon() -> None:  # a person stops the deal in the TMON partner centre
        account = ws.account("tmon", "main")
        assert account is not None
        conn = open_account(ws, account, app=app, clock=clock)
        try:
            await conn.adapter.pause("RING-1")
        finally:
            await conn.aclose()

    asyncio.run(pause_on_tmon())
    out = stock_book(tmp_path, [{"code": "RING-1", "option": "", "stock": "0"}], "품절")
    first = run_stock(out, ws, app=app, clock=clock)
    works = by_market(first.stock_pass)
    assert not works["tmon"].change.stop and works["tmon"].result is RowResult.SUCCESS  # stopped already: left so
    assert works["11st"].result is RowResult.SUCCESS and works["11st"].shown is not None
    assert not works["11st"].shown.on_sale
    back = run_stock(
        stock_book(tmp_path, [{"code": "RING-1", "option": "", "stock": "5"}], "입고"), ws, app=app, clock=clock
    )
    works = by_market(back.stock_pass)
    assert works["11st"].change.resume and works["11st"].result is RowResult.SUCCESS
    assert not works["tmon"].change.resume and dict(works["tmon"].change.stocks) == {"RING-1-001": 5}
    assert works["tmon"].shown is not None and not works["tmon"].shown.on_sale  # the person's stop stands

    # the same workbook opened and saved again (other bytes, same values): nothing is applied or sent again
    resaved = tmp_path / "입고-다시저장.xlsx"
    wb = openpyxl.load_workbook(tmp_path / "입고.xlsx")
    wb.save(resaved)
    before = {m: writes_or_status(app, m) for m in markets}
    again = run_stock(resaved, ws, app=app, clock=clock)
    assert [r.message for r in again.rows] == [SAME_AS_BEFORE]
    assert again.stock_pass.works == []
    assert {m: writes_or_status(app, m) for m in markets} == before


def test_an_item_on_two_rows_with_different_numbers_is_refused_on_both(tmp_path: Path) -> None:
    markets = ("tmon",)
    ws = synced(tmp_path, markets)
    clock = FakeClock()
    app = hour_ago_app(clock, seed=13)
    registered(tmp_path, ws, app, clock, one_item(markets, 4))
    rows = [
        {"code": "RING-1", "option": "", "stock": "3"},
        {"code": "RING-1", "option": " ", "stock": "5"},
        {"code": "RING-1", "option": "골드", "stock": "1"},
    ]
    run = run_stock(stock_book(tmp_path, rows), ws, app=app, clock=clock)
    assert sorted((p.row, p.code) for p in run.validation.report.errors) == [
        (2, "duplicate-item"),
        (3, "duplicate-item"),
        (4, "unknown-item"),
    ]
    assert run.stock_pass.works == []


def writes_or_status(app: Any, market: str) -> int:
    """Every write a marketplace took (anything but a read)."""
    return sum(int(n) for k, n in state(app, market)["requests"].items() if not k.startswith("GET "))


def test_a_new_price_goes_where_the_options_extras_allow_it_and_is_read_back(tmp_path: Path) -> None:
    """판매가 20,000 → 8,000 with a +5,000 option: 11번가 takes it (−50 %…+100 %), 쿠팡 does not (±50 %): its row
    says so and nothing is sent there; a second run sends nothing."""
    markets = ("coupang", "11st")
    ws = synced(tmp_path, markets)
    clock = FakeClock()
    app = hour_ago_app(clock, seed=31)
    rows = one_item(markets, 6)
    rows[P.MAIN][0].update(
        price="20000", option_use="오픈마켓만", option_type="조합형", option_name_1="색상", option_values_1="골드,실버"
    )
    rows[P.OPTIONS] = [{"code": "RING-1", "value_1": "실버", "extra_price": "5000", "on_sale": "Y", "stock": "9"}]
    registered(tmp_path, ws, app, clock, rows)
    sheet = [
        {"code": "RING-1", "option": "골드", "stock": "6", "price": "8000"},
        {"code": "RING-1", "option": "실버", "stock": "9", "price": "8000"},
    ]
    path = stock_book(tmp_path, sheet, "판매가")
    run = run_stock(path, ws, app=app, clock=clock)
    works = by_market(run.stock_pass)
    assert works["11st"].change.price == 8000 and works["11st"].result is RowResult.SUCCESS
    assert works["11st"].shown is not None and works["11st"].shown.price == 8000
    assert works["coupang"].change.price == 8000 and works["coupang"].result is RowResult.ERROR
    assert "추가금액 5,000원" in works["coupang"].message
    price_calls = {k: n for k, n in state(app, "coupang")["requests"].items() if "/prices/" in k}
    assert price_calls == {}
    assert run.files is not None
    shown = result_rows(run.files.result, S.MAIN)
    assert shown["RING-1"]["처리결과"] == "오류"

    again = run_stock(path, ws, app=app, clock=clock)  # the same values: nothing sent anywhere
    assert {r.message for r in again.rows} == {SAME_AS_BEFORE}
