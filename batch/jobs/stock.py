"""재고 연동: one stock per item told to every marketplace listing of it; the stock workbook; 재고연동이력.

A pass (``sync_stock``) counts the collected orders into the items' stock (with ``[stock] sync``), works out per
listing what differs from what the marketplace last confirmed (``trade.stock.change_for``), sends only that —
stop first when the item is sold out, so every marketplace stops in the same pass — and reads each listing back:
the ledger keeps what we sent apart from what the marketplace showed, so a call it took and did not apply is sent
again on the next pass until the marketplace shows it. A listing link is never dropped here.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from batch.config import Workspace
from batch.exporters.template import write_template
from batch.importers import stock as S
from batch.importers.validation import Validation
from batch.jobs.sending import dry_ledger, load_checked, logged_in, per_account, settle
from batch.ledger import Ledger
from batch.marketplaces.base import Blocked, Clock, MarketError
from batch.marketplaces.connect import Connection
from batch.marketplaces.types import Shown
from batch.models import Market, RowResult, kst_text, label_of, now_kst
from batch.report import Problem, Severity
from batch.stockbook import WORKBOOK, Item, Listing, ResolveItem, StockBook, Unmatched, normal_option
from batch.trade.stock import Change, change_for, shown_quantity

STOP, STOCK, RESUME = "판매중지", "재고", "판매재개"
CONFIRMED = "마켓 확인"
NOT_SHOWN = "보냈지만 마켓에 아직 반영되지 않았습니다. 다음 동기화 때 다시 보냅니다."


@dataclass
class ListingWork:
    """One listing's calls in a pass, and how they went."""

    listing: Listing
    want: dict[str, int]
    change: Change
    result: RowResult | None = None
    message: str = ""
    shown: Shown | None = None
    row: int = 0  # not a workbook row: per_account's rows protocol

    @property
    def where(self) -> tuple[str, str]:
        return (self.listing.market, self.listing.account)

    @property
    def key(self) -> str:
        return self.listing.code

    def summary(self) -> str:
        """What was asked of this listing, as staff read it (티몬: 판매중지, 재고 0)."""
        parts = []
        if self.change.stop:
            parts.append(STOP)
        if self.change.stocks:
            parts.append(f"{STOCK} " + ", ".join(f"{q:,}" for q in self.change.stocks.values()))
        if self.change.resume:
            parts.append(RESUME)
        return ", ".join(parts)


@dataclass
class StockPass:
    works: list[ListingWork] = field(default_factory=list)
    unmatched: list[Unmatched] = field(default_factory=list)
    moved: set[str] = field(default_factory=set)  # codes whose stock orders or cancels moved

    @property
    def failed(self) -> list[ListingWork]:
        return [w for w in self.works if w.result is RowResult.ERROR]

    @property
    def waiting(self) -> list[ListingWork]:
        return [w for w in self.works if w.result is RowResult.HELD]


def plan(book: StockBook | _Planned, ws: Workspace, codes: set[str] | None = None) -> list[ListingWork]:
    """Every listing of ``codes`` (all when None) whose marketplace has not confirmed what the items hold."""
    maybe = book.unsettled(ws.stock_buffer)
    codes = maybe if codes is None else codes & maybe
    items: dict[str, list[Item]] = defaultdict(list)
    for item in book.items(codes):
        items[item.code].append(item)
    works = []
    for listing in book.listings(codes):
        mine = items.get(listing.code)
        if not mine:
            continue
        want = {i.option_no: shown_quantity(i.stock, i.selling, ws.stock_buffer) for i in mine}
        on = listing.shown_on if listing.shown_on is not None else listing.sent_on
        change = change_for(want, listing.sent, listing.shown, on, listing.stopped)
        if not change.empty:
            works.append(ListingWork(listing, want, change))
    return works


def confirmed(want: Mapping[str, int], shown: Shown, change: Change) -> bool:
    """The marketplace shows what we want: sold-out options sold out, the others their quantity, and the listing
    on sale again when we resumed it."""
    for option, qty in want.items():
        if qty <= 0:
            if not shown.sold_out(option):
                return False
        elif shown.on_sale and shown.stocks.get(option) != qty:
            return False
    return not change.resume or shown.on_sale


async def _one(work: ListingWork, conn: Connection, ledger: Ledger, book: StockBook) -> None:
    li = work.listing
    found = ledger.link(li.market, li.account, li.code)
    if found is None:
        work.result, work.message = RowResult.ERROR, "연결된 마켓 상품을 찾지 못했습니다."
        return
    adapter: Any = conn.adapter
    sent: list[int] = []
    errors: list[str] = []
    held = False

    async def call(action: str, op: Any, stocks: Mapping[str, int], on: bool | None) -> None:
        nonlocal held
        try:
            await op
        except MarketError as exc:
            book.sent(li.market, li.account, li.code, action, stocks, on, exc.message or action)
            errors.append(f"{action}: {exc.message}")
            held = held or isinstance(exc, Blocked)
            return
        sent.append(book.sent(li.market, li.account, li.code, action, stocks, on, ""))

    c = work.change
    if c.stop:  # first: a sold-out item stops everywhere before anything else is asked
        await call(STOP, adapter.pause(li.code), {}, False)
    if c.stocks:  # even when the stop failed: a 0 is the other way to stop selling
        await call(STOCK, adapter.set_stock(li.code, found.link, dict(c.stocks)), c.stocks, None)
    if c.resume and not errors:
        await call(RESUME, adapter.resume(li.code), {}, True)
    try:
        work.shown = await adapter.shown(li.code, found.link)
    except MarketError as exc:
        errors.append(f"확인: {exc.message}")
        held = held or isinstance(exc, Blocked)
    if work.shown is not None:  # the confirmation of what was sent: the other options' numbers are not ours to judge
        told = {o: q for o, q in work.shown.stocks.items() if o in c.stocks}
        book.shown(li.market, li.account, li.code, work.shown.on_sale, told, sent)
    if errors:
        work.result = RowResult.HELD if held else RowResult.ERROR
        work.message = " / ".join(errors) + " (다음 동기화 때 다시 보냅니다)"
    elif work.shown is None or not confirmed(work.want, work.shown, c):
        work.result, work.message = RowResult.HELD, NOT_SHOWN
    else:
        work.result, work.message = RowResult.SUCCESS, CONFIRMED


async def _send_account(conn: Connection, works: list[ListingWork], ledger: Ledger, book: StockBook) -> None:
    settings = getattr(getattr(conn.adapter, "client", None), "settings", None)
    sem = asyncio.Semaphore(max(int(getattr(settings, "concurrency", 4) or 1), 1))

    async def one(work: ListingWork) -> None:
        async with sem:
            await _one(work, conn, ledger, book)

    await asyncio.gather(*(one(w) for w in works))


async def _preview_account(conn: Connection, works: list[ListingWork], ledger: Ledger) -> None:
    if await logged_in(conn, works):
        for w in works:
            if w.result is None:
                w.message = "보낼 예정"


def send(
    works: list[ListingWork],
    ws: Workspace,
    ledger: Ledger,
    book: StockBook,
    *,
    dry_run: bool = False,
    clock: Clock | None = None,
    app: Any = None,
) -> None:
    if not works:
        return
    if dry_run:
        dry = dry_ledger(ledger)
        asyncio.run(per_account(works, ws, lambda c, m: _preview_account(c, m, dry), clock=clock, app=app))
        return
    asyncio.run(per_account(works, ws, lambda c, m: _send_account(c, m, ledger, book), clock=clock, app=app))


def sync_stock(
    ws: Workspace,
    ledger: Ledger,
    *,
    count: bool = True,
    clock: Clock | None = None,
    app: Any = None,
) -> StockPass:
    """One pass: with ``[stock] sync`` (and ``count``) the orders collected since are counted into the stock;
    then every listing that differs from its item is told, and read back."""
    book = StockBook(ledger)
    result = StockPass()
    if count and ws.stock_sync:
        result.moved, result.unmatched = book.count_orders(ResolveItem(book))
    result.works = plan(book, ws)
    send(result.works, ws, ledger, book, clock=clock, app=app)
    return result


# --- the stock workbook ----------------------------------------------------------------------------


@dataclass
class StockRow:
    row: int
    item: Item
    stock: int
    selling: bool
    result: RowResult | None = None
    message: str = ""

    @property
    def where(self) -> tuple[str, str]:
        return ("", "")

    @property
    def key(self) -> str:
        return f"{self.item.code} {self.item.option}".strip()


@dataclass
class StockRun:
    validation: Validation
    rows: list[StockRow]
    stock_pass: StockPass
    files: Any = None
    dry_run: bool = False

    @property
    def has_errors(self) -> bool:
        return any(r is RowResult.ERROR for r in self.validation.results.values())


def _problem(v: Validation, row: int, key: str, code: str, message: str, ref: str) -> None:
    data = v.book.sheets[S.MAIN]
    v.report.add(Problem(data.name, row, data.header_of(key), code, Severity.ERROR, message, ref))


def file_ref(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def check_rows(v: Validation, book: StockBook, ref: str) -> list[StockRow]:
    """The rows naming an item we know, once each; a row of a file applied before is settled as 이미 반영."""
    bad = {p.row for p in v.report.errors}
    known: dict[tuple[str, str], Item] = {(i.code, i.option): i for i in book.items()}
    options: dict[str, list[str]] = defaultdict(list)
    for i in known.values():
        options[i.code].append(i.option)
    applied = book.applied(ref)
    seen: dict[tuple[str, str], int] = {}
    out = []
    for row, r in v.book.sheets[S.MAIN].records():
        v.results[row] = RowResult.SKIPPED
        if row in bad:
            continue
        code, option = str(r["code"] or "").strip(), normal_option(str(r["option"] or ""))
        item = known.get((code, option))
        if item is None:
            if code not in options:
                text = (
                    f"자체상품코드 '{code}'인 상품을 모릅니다. 상품대량등록으로 마켓에 보낸 상품만 재고를 보낼 수 "
                    "있습니다. 코드를 확인하세요."
                )
            else:
                names = ", ".join(f"'{o}'" if o else "(옵션 없음)" for o in options[code][:10])
                text = f"'{code}'에 옵션 '{option}'이(가) 없습니다. 이 상품의 옵션: {names}. 옵션값을 / 로 이어 쓰세요."
            _problem(v, row, "option" if code in options else "code", "unknown-item", text, code)
            continue
        if (code, option) in seen:
            _problem(
                v,
                row,
                "option",
                "duplicate-item",
                f"같은 상품·옵션이 {seen[(code, option)]}행에도 있습니다. 한 행만 두세요.",
                code,
            )
            continue
        seen[(code, option)] = row
        status = r["status"] or ""
        selling = item.selling if not status else status == S.ON
        stock_row = StockRow(row, item, int(str(r["stock"])), selling)
        if f"{ref}:{row}" in applied:
            stock_row.result, stock_row.message = RowResult.SKIPPED, "이미 반영한 파일입니다. 다시 보내지 않습니다."
        out.append(stock_row)
    return out


def _row_outcome(r: StockRow, works: list[ListingWork], listed: bool, changed: bool, preview: bool) -> None:
    if not listed:
        r.result = RowResult.SKIPPED
        r.message = "재고를 저장했습니다. 이 상품을 올린 마켓이 아직 없습니다 (상품대량등록으로 먼저 등록하세요)."
        return
    if not works:
        r.result = RowResult.SKIPPED if not changed else RowResult.SUCCESS
        r.message = (
            "모든 마켓이 이미 같은 수량을 보여 줍니다." if not changed else "저장했습니다 (모든 마켓이 이미 같습니다)."
        )
        return
    if preview:
        r.message = " · ".join(f"{Market(w.listing.market).label}/{w.listing.account}: {w.summary()}" for w in works)
        return
    order = (RowResult.ERROR, RowResult.HELD, RowResult.SUCCESS)
    r.result = next((x for x in order if any(w.result is x for w in works)), RowResult.SUCCESS)
    r.message = " · ".join(
        f"{Market(w.listing.market).label}/{w.listing.account}: {w.summary()} → {w.message}" for w in works
    )


def run_stock(
    path: Path,
    ws: Workspace,
    *,
    dry_run: bool = False,
    clock: Clock | None = None,
    app: Any = None,
    when: dt.datetime | None = None,
) -> StockRun:
    """Check a stock workbook, store each item's new stock, tell every listing that differs, write the result."""
    v = load_checked(path, S.SPEC)
    ledger = Ledger(ws.ledger_path)
    try:
        book = StockBook(ledger)
        ref = file_ref(path)
        rows = check_rows(v, book, ref)
        todo = [r for r in rows if r.result is None]
        changes = [(r.item, r.stock, r.selling) for r in todo if (r.stock, r.selling) != (r.item.stock, r.item.selling)]
        changed = {(i.code, i.option_no) for i, _, _ in changes}
        if not dry_run:
            book.set_stock(changes, WORKBOOK, ref, applied=[f"{ref}:{r.row}" for r in todo])
        stock_pass = StockPass()
        if dry_run:  # the plan as if the workbook's numbers were stored
            stock_pass.works = plan(_Planned(book, {(i.code, i.option_no): (s, on) for i, s, on in changes}), ws)
        else:
            stock_pass.works = plan(book, ws)
        send(stock_pass.works, ws, ledger, book, dry_run=dry_run, clock=clock, app=app)
        by_code: dict[str, list[ListingWork]] = defaultdict(list)
        for w in stock_pass.works:
            by_code[w.listing.code].append(w)
        listed = book.linked_codes()
        for r in todo:
            _row_outcome(
                r,
                by_code.get(r.item.code, []),
                r.item.code in listed,
                (r.item.code, r.item.option_no) in changed,
                dry_run,
            )
        run = StockRun(v, rows, stock_pass, dry_run=dry_run)
        run.files = settle(v, rows, ws.outbox, when, ("재고 결과", "재고 메시지"), "stock", preview=dry_run)
        return run
    finally:
        ledger.close()


class _Planned:
    """A stock book whose items read as a dry run would store them."""

    def __init__(self, book: StockBook, new: dict[tuple[str, str], tuple[int, bool]]) -> None:
        self.book, self.new = book, new

    def items(self, codes: set[str] | None = None) -> list[Item]:
        out = []
        for i in self.book.items(codes):
            stock, selling = self.new.get((i.code, i.option_no), (i.stock, i.selling))
            out.append(Item(i.code, i.option, i.option_no, i.name, stock, selling))
        return out

    def listings(self, codes: set[str] | None = None) -> list[Listing]:
        return self.book.listings(codes)

    def unsettled(self, buffer: int) -> set[str]:
        return self.book.unsettled(buffer) | {code for code, _ in self.new}


# --- 재고연동이력 -------------------------------------------------------------------------------------


def _kst(stamp: str) -> str:
    if not stamp:
        return ""
    return kst_text(dt.datetime.fromisoformat(stamp))


def history_rows(book: StockBook) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """(stock changes, marketplace calls) as the 재고연동이력 workbook shows them, oldest first."""
    moves = [
        {
            "at": _kst(at),
            "code": code,
            "option": option,
            "name": name,
            "cause": cause,
            "before": str(before),
            "after": str(after),
            "status": S.ON if selling else S.OFF,
            "ref": ref,
        }
        for at, code, option, name, cause, before, after, selling, ref in book.moves()
    ]
    sends = []
    for at, market, account, code, action, detail, outcome, shown, shown_at in book.sends():
        sends.append(
            {
                "at": _kst(at),
                "market": label_of(market),
                "account": account,
                "code": code,
                "action": action,
                "sent": _detail(detail),
                "outcome": outcome or "보냄",
                "shown": _detail(shown),
                "shown_at": _kst(shown_at),
            }
        )
    return moves, sends


def _detail(text: str) -> str:
    """``{"stocks": {"A-001": 3}, "on": false}`` as staff read it: A-001 3개, 판매중지."""
    if not text:
        return ""
    data = json.loads(text)
    parts = [f"{number} {qty:,}개" for number, qty in (data.get("stocks") or {}).items()]
    if data.get("on") is not None:
        parts.append(S.ON if data["on"] else S.OFF)
    return ", ".join(parts)


def export_history(ws: Workspace, when: dt.datetime | None = None) -> tuple[Path, int]:
    """``batch collect stock-history``: every stock change and every marketplace call, with what it showed."""
    from batch.jobs.collect import output_path

    ledger = Ledger(ws.ledger_path)
    try:
        book = StockBook(ledger)
        moves, sends = history_rows(book)
        unknown = [
            {"market": label_of(m), "account": a, "order_no": o, "product_no": p, "qty": str(q), "at": _kst(at)}
            for m, a, o, p, q, at in book.unmatched()
        ]
    finally:
        ledger.close()
    path = output_path(ws.outbox, "재고연동이력", when or now_kst())
    write_template(
        S.HISTORY_SPEC,
        path,
        {S.HISTORY_MOVES: moves, S.HISTORY_SENDS: sends, S.HISTORY_UNKNOWN: unknown},
        examples=False,
    )
    return path, len(moves) + len(sends)
