"""The daily registration cap (11번가: 500 a day): creates past it are held (보류) and the next KST day's run sends them.

The 11번가 adapter and sandbox were being written at the same time as this, so the cap logic is proven on the TMON
sandbox with ``DAILY_CREATES`` patched to a TMON limit; the logic knows no marketplace, only the table. The wall clock
the cap counts by is a fake KST clock (``now=``); the marketplace client's clock is FakeClock as elsewhere.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from helpers import TMON_ONLY, FakeClock, control, result_rows

from batch.config import Workspace, load_workspace
from batch.exporters.template import write_template
from batch.importers import products as P
from batch.jobs import products as J
from batch.jobs.init import init_workspace
from batch.jobs.products import Action, Run, cap_message, run_products
from batch.jobs.samples import Row, product_rows
from batch.ledger import Ledger
from batch.marketplaces.base import DailyCapReached
from batch.marketplaces.tmon import Tmon
from batch.models import Market, Product, ProductLink, RowResult, SalesInfo
from batch.sandbox.app import create_app

ST11_MESSAGE = "11번가는 하루 500개까지 등록할 수 있어 내일 이어서 보냅니다. 내일 같은 파일을 다시 넣어 주세요."
DAY1 = dt.datetime(2026, 3, 2, 10, 0)  # KST
_WHEN = itertools.count()


def workspace(tmp_path: Path, concurrency: int = 8) -> Workspace:
    root = tmp_path / "ws"
    init_workspace(root, markets=TMON_ONLY)
    config = root / "batch.toml"
    text = config.read_text(encoding="utf-8").replace("rate_limit = 10", "rate_limit = 0")
    text = text.replace("concurrency = 8", f"concurrency = {concurrency}", 1)
    config.write_text(text, encoding="utf-8")
    return load_workspace(root)


def book(tmp_path: Path, rows: dict[str, list[Row]], name: str = "상품등록") -> Path:
    return write_template(P.SPEC, tmp_path / f"{name}.xlsx", rows)


def run(path: Path, ws: Workspace, app: Any, at: dt.datetime, **kw: Any) -> Run:
    when = dt.datetime(2026, 3, 1, 9, 0) + dt.timedelta(seconds=next(_WHEN))
    clock: Callable[[], dt.datetime] = lambda: at  # noqa: E731 - the KST wall clock of the run
    return run_products(path, ws, app=app, clock=FakeClock(), when=when, now=clock, **kw)


def registered(app: Any) -> list[str]:
    body: dict[str, Any] = control(app, "GET", "/__sandbox__/state?market=tmon")
    codes = [p["vendorDealNo"] for p in body["products"]]
    assert len(codes) == len(set(codes)), "a product was registered twice"
    return codes


def codes_of(rows: dict[str, list[Row]]) -> list[str]:
    return [str(r["code"]) for r in rows[P.MAIN]]


def test_the_11st_message() -> None:
    assert J.DAILY_CREATES["11st"] == 500
    assert cap_message(Market.ST11) == ST11_MESSAGE
    assert cap_message(Market.TMON).startswith("티몬은 하루에 정해진 개수까지만 ")  # no limit in the table


def test_600_new_products_500_sent_100_held_then_the_next_kst_day_sends_the_100(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(J, "DAILY_CREATES", {"tmon": 500})
    held_message = cap_message(Market.TMON)
    ws = workspace(tmp_path)
    app = create_app(seed=3)
    rows = product_rows(600)
    codes = codes_of(rows)
    path = book(tmp_path, rows)

    first = run(path, ws, app, DAY1)
    assert first.plan_counts() == {"티몬": Counter({Action.CREATE: 500, Action.BLOCKED: 100})}
    assert sorted(registered(app)) == sorted(codes[:500])  # in row order
    assert first.files is not None
    shown = result_rows(first.files.result)
    for code in codes[500:]:
        assert (shown[code]["처리결과"], shown[code]["티몬 결과"], shown[code]["티몬 메시지"]) == (
            "보류",
            "보류",
            held_message,
        ), code
    assert {shown[c]["처리결과"] for c in codes[:500]} == {"성공"}
    assert not first.has_errors

    # Later the same KST day (23:59): the ledger's 500 count, nothing more goes.
    again = run(path, ws, app, DAY1.replace(hour=23, minute=59))
    assert again.plan_counts() == {"티몬": Counter({Action.SKIP: 500, Action.BLOCKED: 100})}
    assert len(registered(app)) == 500

    # The next KST day (00:01): the 100 held ones are sent, the 500 are unchanged.
    nxt = run(path, ws, app, DAY1 + dt.timedelta(days=1) - dt.timedelta(hours=9, minutes=59))
    assert nxt.plan_counts() == {"티몬": Counter({Action.SKIP: 500, Action.CREATE: 100})}
    assert sorted(registered(app)) == sorted(codes)
    assert nxt.files is not None
    shown = result_rows(nxt.files.result)
    assert {shown[c]["티몬 결과"] for c in codes[500:]} == {"성공"}


def test_updates_do_not_count_and_a_dry_run_plans_the_hold(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(J, "DAILY_CREATES", {"tmon": 3})
    ws = workspace(tmp_path)
    app = create_app(seed=4)
    rows = product_rows(5)
    codes = codes_of(rows)
    three = {k: [r for r in v if r.get("code") in codes[:3] or "code" not in r] for k, v in rows.items()}
    first = run(book(tmp_path, three, "처음"), ws, app, DAY1)
    assert first.plan_counts() == {"티몬": Counter({Action.CREATE: 3})}

    for r in rows[P.MAIN][:3]:
        r["price"] = str(int(str(r["price"])) + 500)
    path = book(tmp_path, rows, "수정")
    dry = run(path, ws, app, DAY1.replace(hour=15), dry_run=True)
    assert dry.plan_counts() == {"티몬": Counter({Action.UPDATE: 3, Action.BLOCKED: 2})}
    assert all(s.held and s.reason == cap_message(Market.TMON) for s in dry.steps if s.action is Action.BLOCKED)

    later = run(path, ws, app, DAY1.replace(hour=15))
    assert later.plan_counts() == {"티몬": Counter({Action.UPDATE: 3, Action.BLOCKED: 2})}
    assert {s.sales.account: s.result for s in later.steps if s.action is Action.UPDATE} == {"main": RowResult.SUCCESS}
    assert sorted(registered(app)) == sorted(codes[:3])


def test_the_marketplace_saying_the_cap_is_reached_holds_that_row_and_every_later_create(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No limit in the table: the marketplace's own answer (DailyCapReached) stops the account's creates."""
    monkeypatch.setattr(J, "DAILY_CREATES", {})
    calls: list[str] = []
    original = Tmon.create_product

    async def capped(self: Tmon, product: Product, sales: SalesInfo) -> ProductLink:
        calls.append(product.code)
        if len(calls) > 4:
            raise DailyCapReached("tmon", "상품 등록은 1일 500개 까지만 가능합니다.")
        return await original(self, product, sales)

    monkeypatch.setattr(Tmon, "create_product", capped)
    ws = workspace(tmp_path, concurrency=1)
    app = create_app(seed=5)
    rows = product_rows(10)
    codes = codes_of(rows)
    path = book(tmp_path, rows)

    first = run(path, ws, app, DAY1)
    assert calls == codes[:5]  # the 5th was refused; the 6th to 10th were never sent
    assert sorted(registered(app)) == sorted(codes[:4])
    by_code = {s.product.code: s for s in first.steps if s.product is not None}
    assert {c: by_code[c].result for c in codes} == {
        **{c: RowResult.SUCCESS for c in codes[:4]},
        **{c: RowResult.HELD for c in codes[4:]},
    }
    assert {by_code[c].message for c in codes[4:]} == {cap_message(Market.TMON)}
    assert not first.has_errors
    ledger = Ledger(ws.ledger_path)
    try:
        assert ledger.count_sends("failed") == 1  # the refused create: it does not count against tomorrow
        assert ledger.creates_on("tmon", "main", DAY1.date()) == 4
    finally:
        ledger.close()

    calls.clear()
    monkeypatch.setattr(Tmon, "create_product", original)
    nxt = run(path, ws, app, DAY1 + dt.timedelta(days=1))
    assert nxt.plan_counts() == {"티몬": Counter({Action.SKIP: 4, Action.CREATE: 6})}
    assert sorted(registered(app)) == sorted(codes)


def test_creates_are_counted_per_kst_day(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger.sqlite")
    try:
        for at in (dt.datetime(2026, 3, 2, 0, 0), dt.datetime(2026, 3, 2, 23, 59, 59), dt.datetime(2026, 3, 3, 0, 0)):
            ledger.begin("11st", "main", f"C{at:%d%H}", "create", "h", at=at)
        ledger.begin("11st", "main", "U", "update", "h", at=dt.datetime(2026, 3, 2, 12))
        ledger.begin("11st", "other", "O", "create", "h", at=dt.datetime(2026, 3, 2, 12))
        assert ledger.creates_on("11st", "main", dt.date(2026, 3, 2)) == 2
        assert ledger.creates_on("11st", "main", dt.date(2026, 3, 3)) == 1
        assert ledger.creates_on("11st", "other", dt.date(2026, 3, 2)) == 1
        assert json.dumps(ledger.creates_on("11st", "main", dt.date(2026, 3, 1))) == "0"
    finally:
        ledger.close()


def test_11st_sandbox_600_new_products_500_sent_100_held_then_the_next_kst_day_sends_the_100(tmp_path: Path) -> None:
    """The same on 11번가's sandbox, whose own cap counts by the KST day of its clock (G 1003: 500 a day); the
    sandbox's clock is the run's fake KST wall clock."""
    root = tmp_path / "ws11"
    init_workspace(root, markets=("11st",))
    config = root / "batch.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("rate_limit = 10", "rate_limit = 0"), "utf-8")
    ws = load_workspace(root)
    kst = dt.timezone(dt.timedelta(hours=9))
    now = [DAY1]
    app = create_app(clock=lambda: now[0].replace(tzinfo=kst).timestamp(), seed=3)
    rows = product_rows(600, markets=("11st",))
    codes = codes_of(rows)
    path = book(tmp_path, rows)

    def made() -> list[str]:
        body: dict[str, Any] = control(app, "GET", "/__sandbox__/state?market=11st")
        found = [str(p["sellerPrdCd"]) for p in body["products"]]
        assert len(found) == len(set(found)), "a product was registered twice"
        return found

    first = run(path, ws, app, DAY1)
    assert first.plan_counts() == {"11번가": Counter({Action.CREATE: 500, Action.BLOCKED: 100})}
    assert sorted(made()) == sorted(codes[:500])
    assert first.files is not None
    shown = result_rows(first.files.result)
    assert {(shown[c]["처리결과"], shown[c]["11번가 메시지"]) for c in codes[500:]} == {("보류", ST11_MESSAGE)}
    assert {shown[c]["처리결과"] for c in codes[:500]} == {"성공"}
    assert not first.has_errors

    now[0] = DAY1 + dt.timedelta(days=1) - dt.timedelta(hours=9, minutes=59)  # 00:01 KST the next day
    nxt = run(path, ws, app, now[0])
    assert nxt.plan_counts() == {"11번가": Counter({Action.SKIP: 500, Action.CREATE: 100})}
    assert sorted(made()) == sorted(codes)
    body: dict[str, Any] = control(app, "GET", "/__sandbox__/state?market=11st")
    assert sorted(body["registrations"].values()) == [100, 500]
