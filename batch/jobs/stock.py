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
import json
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from batch.config import Workspace
from batch.exporters.template import write_template
from batch.importers import stock as S
from batch.importers.validation import Validation
from batch.jobs.sending import dry_ledger, load_checked, logged_in, per_account, settle
from batch.ledger import Ledger
from batch.marketplaces.base import Blocked, Clock, MarketError, Rejected
from batch.marketplaces.connect import Connection
from batch.marketplaces.types import Shown
from batch.models import Market, RowResult, kst_text, label_of, now_kst
from batch.report import Problem, Severity
from batch.stockbook import WORKBOOK, Item, Listing, ResolveItem, StockBook, Unmatched, normal_option
from batch.trade.stock import Change, change_for, option_price_problem, price_to_send, shown_quantity

STOP, STOCK, RESUME, PRICE = "판매중지", "재고", "판매재개", "판매가"
CONFIRMED = "마켓 확인"
STOPPED_THERE = (
    "마켓 확인. 이 상품은 마켓에서 판매중지 상태입니다(batch가 멈춘 것이 아니라 다시 열지 않았습니다). 팔려면 마켓에서 "
    "판매를 재개하세요."
)
RETRY_NEXT = " (다음 동기화 때 다시 보냅니다)"
REFUSED_NEXT = (
    " (마켓이 받지 않았습니다. 값을 고쳐 재고 파일로 다시 넣어 주세요. 그때까지 동기화 때마다 다시 시도합니다)"
)
UNREAD = -1  # what a listing "showed" when it could not be read back after a send: never equal to what was sent
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
    extras: dict[str, int] = field(default_factory=dict)  # option number -> 추가금액, for a price change

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
            parts.append(f"{STOCK} " + ", ".join(f"{o} {q:,}개" for o, q in self.change.stocks.items()))
        if self.change.price:
            parts.append(f"{PRICE} {self.change.price:,}원")
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
        price = max(i.price for i in mine) or None  # one price per product; 0 = not known (sent before prices)
        change = replace(change, price=price_to_send(price, listing.price_sent, listing.price_shown))
        if not change.empty:
            works.append(ListingWork(listing, want, change, extras={i.option_no: i.extra for i in mine}))
    return works


def shown_price(shown: Shown, extras: Mapping[str, int]) -> int | None:
    """The selling price a listing shows: the product's, or, where only options have prices (Coupang), the one
    every option's price less its extra agrees on (UNREAD when they disagree: not what was sent)."""
    if not shown.prices:
        return shown.price
    found = {p - extras.get(o, 0) for o, p in shown.prices.items()}
    return found.pop() if len(found) == 1 else UNREAD


def confirmed(want: Mapping[str, int], shown: Shown, change: Change, extras: Mapping[str, int]) -> bool:
    """The marketplace shows what we want: sold-out options sold out, the others their quantity, and the listing
    on sale again when we resumed it."""
    for option, qty in want.items():
        if qty <= 0:
            if not shown.sold_out(option):
                return False
        elif shown.on_sale and shown.stocks.get(option) != qty:
            return False
    if change.price and shown_price(shown, extras) != change.price:
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
    held = refused = False

    async def call(action: str, op: Any, stocks: Mapping[str, int], on: bool | None, price: int | None = None) -> None:
        nonlocal held, refused
        try:
            await op
        except MarketError as exc:
            book.sent(li.market, li.account, li.code, action, stocks, on, exc.message or action, price)
            errors.append(f"{action}: {exc.message}")
            held = held or isinstance(exc, Blocked)
            refused = refused or isinstance(exc, Rejected)
            return
        sent.append(book.sent(li.market, li.account, li.code, action, stocks, on, "", price))

    c = work.change
    if c.stop:  # first: a sold-out item stops everywhere before anything else is asked
        try:  # a listing a person stopped stays theirs: it is not stopped again nor later resumed by us
            before = await adapter.shown(li.code, found.link)
        except MarketError:
            before = None
        if before is not None and not before.on_sale:
            book.shown(li.market, li.account, li.code, False, {}, [])
            c = work.change = replace(c, stop=False)
        else:
            await call(STOP, adapter.pause(li.code), {}, False)
    if c.stocks:  # even when the stop failed: a 0 is the other way to stop selling
        await call(STOCK, adapter.set_stock(li.code, found.link, dict(c.stocks)), c.stocks, None)
    if c.resume and not any(e.startswith((STOP, STOCK)) for e in errors):
        await call(RESUME, adapter.resume(li.code), {}, True)
    if c.price:  # last: a stopped listing's price may not change (ESM E 186); the option price rules first
        problem = option_price_problem(li.market, c.price, work.extras)
        if problem is not None:
            book.sent(li.market, li.account, li.code, PRICE, {}, None, problem, c.price)
            errors.append(f"{PRICE}: {problem}")
            refused = True
        else:
            await call(PRICE, adapter.set_price(li.code, found.link, c.price, dict(work.extras)), {}, None, c.price)
    try:
        work.shown = await adapter.shown(li.code, found.link)
    except MarketError as exc:
        errors.append(f"확인: {exc.message}")
        held = held or isinstance(exc, Blocked)
        if sent:  # not confirmed: what was sent counts as not shown, so the next pass sends it again
            unknown = {o: UNREAD for o in c.stocks}
            # a stop or resume not seen counts as not done (the opposite of what was asked), so it is checked again
            on = (not c.stop) if (c.stop or c.resume) else None
            book.shown(li.market, li.account, li.code, on, unknown, sent, UNREAD if c.price else None)
    if work.shown is not None:  # the confirmation of what was sent: the other options' numbers are not ours to judge
        told = {o: q for o, q in work.shown.stocks.items() if o in c.stocks}
        price = shown_price(work.shown, work.extras) if c.price else None
        price = UNREAD if c.price and price is None else price  # not shown as sent: sent again next pass
        book.shown(li.market, li.account, li.code, work.shown.on_sale, told, sent, price)
    if errors:
        work.result = RowResult.HELD if held else RowResult.ERROR
        work.message = " / ".join(errors) + (REFUSED_NEXT if refused else RETRY_NEXT)
    elif work.shown is None or not confirmed(work.want, work.shown, c, work.extras):
        work.result, work.message = RowResult.HELD, NOT_SHOWN
    else:
        work.result, work.message = RowResult.SUCCESS, CONFIRMED
        if not work.shown.on_sale and any(q > 0 for q in work.want.values()):
            work.message = STOPPED_THERE


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


def sync_now(ws: Workspace, *, clock: Clock | None = None, app: Any = None) -> StockPass:
    """A pass of its own (after a job that moved stock: a seller cancel, an approved claim), on its own ledger."""
    ledger = Ledger(ws.ledger_path)
    try:
        return sync_stock(ws, ledger, clock=clock, app=app)
    finally:
        ledger.close()


# --- the stock workbook ----------------------------------------------------------------------------


@dataclass
class StockRow:
    row: int
    item: Item
    stock: int
    selling: bool
    price: int | None = None  # the 판매가 given, for the item's product
    result: RowResult | None = None
    message: str = ""

    @property
    def where(self) -> tuple[str, str]:
        return ("", "")  # every marketplace the item is listed on

    @property
    def key(self) -> str:
        return f"{self.item.code} {self.item.option}".strip()

    @property
    def values(self) -> str:
        """What this row asks of its item; a row with the values the item's last workbook row had is no news."""
        return f"{self.stock}|{int(self.selling)}|{self.price or ''}"


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


SAME_AS_BEFORE = (
    "지난 재고 파일과 같은 값이라 다시 반영하지 않았습니다 (그 사이 주문으로 바뀐 재고를 되돌리지 않도록). "
    "실제로 다시 센 수량이면 그대로 두어도 됩니다: 주문이 빠진 지금 재고가 맞습니다."
)


def _problem(v: Validation, row: int, key: str, code: str, message: str, ref: str) -> None:
    data = v.book.sheets[S.MAIN]
    v.report.add(Problem(data.name, row, data.header_of(key), code, Severity.ERROR, message, ref))


def _unknown(v: Validation, row: int, code: str, option: str, options: list[str]) -> None:
    if not options:
        text = (
            f"자체상품코드 '{code}'인 상품을 모릅니다. 상품대량등록으로 마켓에 보낸 상품만 재고를 보낼 수 있습니다. "
            "코드를 확인하세요."
        )
        _problem(v, row, "code", "unknown-item", text, code)
        return
    names = ", ".join(f"'{o}'" if o else "(옵션 없음)" for o in options[:10])
    if not option:
        text = f"'{code}'은(는) 옵션이 있는 상품입니다. 옵션 칸에 옵션값을 / 로 이어 쓰세요. 이 상품의 옵션: {names}."
    else:
        text = f"'{code}'에 옵션 '{option}'이(가) 없습니다. 이 상품의 옵션: {names}. 옵션값을 / 로 이어 쓰세요."
    _problem(v, row, "option", "unknown-item", text, code)


def check_rows(v: Validation, book: StockBook) -> list[StockRow]:
    """The rows naming an item we know, once each (an item on two rows is an error on both unless they agree),
    one 판매가 per product; a row with the values its item's last workbook row had is settled as 건너뜀."""
    bad = {p.row for p in v.report.errors}
    known: dict[tuple[str, str], Item] = {(i.code, i.option): i for i in book.items()}
    options: dict[str, list[str]] = defaultdict(list)
    for i in known.values():
        options[i.code].append(i.option)
    found: dict[tuple[str, str], list[StockRow]] = defaultdict(list)
    for row, r in v.book.sheets[S.MAIN].records():
        v.results[row] = RowResult.SKIPPED
        if row in bad:
            continue
        code, option = str(r["code"] or "").strip(), normal_option(str(r["option"] or ""))
        item = known.get((code, option))
        if item is None:
            _unknown(v, row, code, option, options.get(code, []))
            continue
        status = r["status"] or ""
        selling = item.selling if not status else status == S.ON
        price = int(str(r["price"])) if r["price"] else None
        found[(code, option)].append(StockRow(row, item, int(str(r["stock"])), selling, price))
    out: list[StockRow] = []
    for (code, _), rows in found.items():
        if len({x.values for x in rows}) > 1:  # two numbers for one item: applying either would be a guess
            every = ", ".join(str(x.row) for x in rows)
            for x in rows:
                _problem(
                    v,
                    x.row,
                    "stock",
                    "duplicate-item",
                    f"같은 상품·옵션이 {every}행에 서로 다르게 있습니다. 한 행만 두세요.",
                    code,
                )
            continue
        out.append(rows[0])
        for x in rows[1:]:
            x.result, x.message = RowResult.SKIPPED, f"{rows[0].row}행과 같은 상품·옵션입니다 (같은 값)."
            out.append(x)
    prices: dict[str, set[int]] = defaultdict(set)
    for x in out:
        if x.price is not None:
            prices[x.item.code].add(x.price)
    for x in out:
        if len(prices.get(x.item.code, ())) > 1:
            given = ", ".join(f"{p:,}원" for p in sorted(prices[x.item.code]))
            _problem(
                v,
                x.row,
                "price",
                "price-differs",
                f"같은 상품의 판매가가 행마다 다릅니다 ({given}). 하나로 맞춰 주세요.",
                x.item.code,
            )
            x.result = RowResult.ERROR
        elif x.result is None and x.values == x.item.workbook:
            x.result, x.message = RowResult.SKIPPED, SAME_AS_BEFORE
    return sorted((x for x in out if x.result is not RowResult.ERROR), key=lambda x: x.row)


def _row_outcome(r: StockRow, works: list[ListingWork], listed: bool, changed: bool, preview: bool) -> None:
    if not listed:
        r.result = RowResult.SKIPPED
        r.message = "재고를 저장했습니다. 이 상품을 올린 마켓이 아직 없습니다 (상품대량등록으로 먼저 등록하세요)."
        return
    mine = [
        w for w in works if r.item.option_no in w.change.stocks or w.change.stop or w.change.resume or w.change.price
    ]
    if not mine:
        r.result = RowResult.SKIPPED if not changed else RowResult.SUCCESS
        r.message = (
            "모든 마켓이 이미 같은 값을 보여 줍니다." if not changed else "저장했습니다 (모든 마켓이 이미 같습니다)."
        )
        return
    if preview:
        r.message = " · ".join(f"{Market(w.listing.market).label}/{w.listing.account}: {w.summary()}" for w in mine)
        return
    order = (RowResult.ERROR, RowResult.HELD, RowResult.SUCCESS)
    r.result = next((x for x in order if any(w.result is x for w in mine)), RowResult.SUCCESS)
    r.message = " · ".join(
        f"{Market(w.listing.market).label}/{w.listing.account}: {w.summary()} → {w.message}" for w in mine
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
    """Check a stock workbook, store each item's new stock (and its product's 판매가), tell every listing that
    differs, write the result."""
    v = load_checked(path, S.SPEC)
    ledger = Ledger(ws.ledger_path)
    try:
        book = StockBook(ledger)
        rows = check_rows(v, book)
        todo = [r for r in rows if r.result is None]
        changes = [(r.item, r.stock, r.selling) for r in todo]
        changed = {
            (r.item.code, r.item.option_no) for r in todo if (r.stock, r.selling) != (r.item.stock, r.item.selling)
        }
        prices = {r.item.code: r.price for r in todo if r.price is not None and r.price != r.item.price}
        changed |= {(r.item.code, r.item.option_no) for r in todo if r.item.code in prices}
        if not dry_run:
            book.set_stock(changes, WORKBOOK, path.name, workbook={r.item.option_no: r.values for r in todo})
            book.set_prices(prices)
        stock_pass = StockPass()
        if dry_run:  # the plan as if the workbook's numbers were stored
            new = {
                (r.item.code, r.item.option_no): (r.stock, r.selling)
                for r in todo
                if (r.item.code, r.item.option_no) in changed
            }
            stock_pass.works = plan(_Planned(book, new, prices), ws)
        else:
            stock_pass.works = plan(book, ws)
        send(stock_pass.works, ws, ledger, book, dry_run=dry_run, clock=clock, app=app)
        by_code: dict[str, list[ListingWork]] = defaultdict(list)
        for w in stock_pass.works:
            by_code[w.listing.code].append(w)
        listed = book.linked_codes()
        for r in todo:
            key = (r.item.code, r.item.option_no)
            _row_outcome(r, by_code.get(r.item.code, []), r.item.code in listed, key in changed, dry_run)
        run = StockRun(v, rows, stock_pass, dry_run=dry_run)
        run.files = settle(v, rows, ws.outbox, when, ("재고 결과", "재고 메시지"), "stock", preview=dry_run)
        return run
    finally:
        ledger.close()


class _Planned:
    """A stock book whose items read as a dry run would store them."""

    def __init__(self, book: StockBook, new: dict[tuple[str, str], tuple[int, bool]], prices: dict[str, int]) -> None:
        self.book, self.new, self.prices = book, new, prices

    def items(self, codes: set[str] | None = None) -> list[Item]:
        out = []
        for i in self.book.items(codes):
            stock, selling = self.new.get((i.code, i.option_no), (i.stock, i.selling))
            out.append(replace(i, stock=stock, selling=selling, price=self.prices.get(i.code, i.price)))
        return out

    def listings(self, codes: set[str] | None = None) -> list[Listing]:
        return self.book.listings(codes)

    def unsettled(self, buffer: int) -> set[str]:
        return self.book.unsettled(buffer) | {code for code, _ in self.new} | set(self.prices)


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
    """``{"stocks": {"A-001": 3}, "on": false, "price": 9000}`` as staff read it: A-001 3개, 판매중지, 판매가 9,000원."""
    if not text:
        return ""
    data = json.loads(text)
    parts = [f"{number} {qty:,}개" for number, qty in (data.get("stocks") or {}).items()]
    if data.get("on") is not None:
        parts.append(S.ON if data["on"] else S.OFF)
    if data.get("price") is not None:
        parts.append(f"판매가 {data['price']:,}원")
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
