"""One stock per item, in the ledger file: the items, every change of their stock (재고연동이력), the order lines
that moved it (each once), and per marketplace listing what we sent apart from what the marketplace showed."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from batch.ledger import Ledger, writing
from batch.models import ClaimStatus, ClaimType, OrderLine, OrderStatus

SCHEMA = """
-- an item: our product code and one option combination ('' for a product without options); option_no is our
-- option number (types.option_no) every listing of the product knows it by
CREATE TABLE IF NOT EXISTS items (
    code TEXT NOT NULL, option TEXT NOT NULL, option_no TEXT NOT NULL, name TEXT NOT NULL,
    stock INTEGER NOT NULL, selling INTEGER NOT NULL,
    baseline INTEGER NOT NULL,        -- orders (by rowid) up to this one were in the stock when it was set
    updated_at TEXT NOT NULL,
    price INTEGER NOT NULL DEFAULT 0, -- the product's selling price (대표가격), the same on every item of a code
    extra INTEGER NOT NULL DEFAULT 0, -- this option's 추가금액 as the product workbook sent it
    workbook TEXT NOT NULL DEFAULT '', -- the values the last stock workbook row gave it: the same row again is no news
    category TEXT NOT NULL DEFAULT '', -- the product's 카테고리 as the product workbook named it (통계)
    PRIMARY KEY (code, option_no)
);
CREATE UNIQUE INDEX IF NOT EXISTS items_option ON items (code, option);
-- every change of an item's stock or 판매상태, with its cause
CREATE TABLE IF NOT EXISTS stock_moves (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    code TEXT NOT NULL, option_no TEXT NOT NULL, cause TEXT NOT NULL, ref TEXT NOT NULL,
    before INTEGER NOT NULL, after INTEGER NOT NULL, selling INTEGER NOT NULL, at TEXT NOT NULL
);
-- each collected order line, counted once: taken (its quantity left the stock), returned (a cancel gave it back),
-- before (it was in the stock staff set after it, or came before sync was on), unknown (no item of ours: listed,
-- never guessed), soldout (cancelled for 품절: nothing comes back)
CREATE TABLE IF NOT EXISTS order_stock (
    market TEXT NOT NULL, account TEXT NOT NULL, order_no TEXT NOT NULL,
    product_no TEXT NOT NULL, line_no TEXT NOT NULL,
    code TEXT NOT NULL, option_no TEXT NOT NULL, qty INTEGER NOT NULL, state TEXT NOT NULL, at TEXT NOT NULL,
    PRIMARY KEY (market, account, order_no, product_no, line_no)
);
-- per option of a listing: the quantity we last sent and the one the marketplace last showed (NULL: not yet)
CREATE TABLE IF NOT EXISTS listing_stock (
    market TEXT NOT NULL, account TEXT NOT NULL, code TEXT NOT NULL, option_no TEXT NOT NULL,
    sent INTEGER, sent_at TEXT, shown INTEGER, shown_at TEXT,
    PRIMARY KEY (market, account, code, option_no)
);
-- a product's options on every listing (define forgets the options a product no longer has, by code alone: without
-- this index each product sent scanned the whole table, ~20 % of a 6,000-product push's CPU and growing with it)
CREATE INDEX IF NOT EXISTS listing_stock_code ON listing_stock (code, option_no);
-- per listing: on sale as we last asked and as the marketplace last showed; stopped = we stopped it (for stock or
-- a 판매중지 of the stock workbook) and it has not been shown on sale since, so we resume it (and only we do)
CREATE TABLE IF NOT EXISTS listing_sale (
    market TEXT NOT NULL, account TEXT NOT NULL, code TEXT NOT NULL,
    sent_on INTEGER, sent_at TEXT, shown_on INTEGER, shown_at TEXT, stopped INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (market, account, code)
);
-- per listing: the selling price we last sent and the one the marketplace showed right after
CREATE TABLE IF NOT EXISTS listing_price (
    market TEXT NOT NULL, account TEXT NOT NULL, code TEXT NOT NULL,
    sent INTEGER, sent_at TEXT, shown INTEGER, shown_at TEXT,
    PRIMARY KEY (market, account, code)
);
-- name -> value: sync_from = the last order (rowid) collected before [stock] sync first counted orders
CREATE TABLE IF NOT EXISTS stock_marks (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
-- every stock or sale-status call to a listing, and what the marketplace showed after it
CREATE TABLE IF NOT EXISTS stock_sends (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    market TEXT NOT NULL, account TEXT NOT NULL, code TEXT NOT NULL, action TEXT NOT NULL, detail TEXT NOT NULL,
    sent_at TEXT NOT NULL, outcome TEXT NOT NULL, shown TEXT NOT NULL DEFAULT '', shown_at TEXT
);
"""

# columns items gained after its first release, added to older ledgers as they open
ADDED_COLUMNS = (
    ("price", "INTEGER NOT NULL DEFAULT 0"),
    ("extra", "INTEGER NOT NULL DEFAULT 0"),
    ("workbook", "TEXT NOT NULL DEFAULT ''"),
    ("category", "TEXT NOT NULL DEFAULT ''"),
)

# causes of a stock move, as the 재고연동이력 shows them
ORDER, CANCEL, WORKBOOK, SALE_CANCEL, PRODUCT = "주문", "주문취소", "재고 통합 문서", "판매취소(품절)", "상품 등록·수정"


@dataclass(frozen=True)
class Item:
    code: str
    option: str
    option_no: str
    name: str
    stock: int
    selling: bool
    price: int = 0  # the product's selling price (0: not known, a product sent before prices were kept)
    extra: int = 0  # the option's 추가금액
    workbook: str = ""  # the values the last stock workbook row gave it


@dataclass(frozen=True)
class Listing:
    """One marketplace listing of a product as the ledger knows it."""

    market: str
    account: str
    code: str
    sent: Mapping[str, int | None]  # option_no -> quantity last sent
    shown: Mapping[str, int | None]  # option_no -> quantity last shown
    sent_on: bool | None
    shown_on: bool | None
    stopped: bool  # we stopped it
    price_sent: int | None = None
    price_shown: int | None = None


@dataclass(frozen=True)
class Unmatched:
    """An order line whose item we do not know: listed, never guessed."""

    market: str
    account: str
    order_no: str
    product_no: str
    product_name: str
    option_text: str
    qty: int


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def option_text(values: Iterable[str]) -> str:
    """An option combination as staff write it in the stock workbook: its values joined by '/' ('' for none)."""
    return "/".join(v.strip() for v in values if v and v.strip())


def normal_option(text: str | None) -> str:
    """'골드 / S' and '골드/S' are the same combination."""
    return option_text((text or "").split("/"))


def line_key(line: OrderLine) -> tuple[str, str, str, str, str]:
    return (line.market, line.account, line.order_no, line.product_no, line.option_no)


class StockBook:
    """The stock tables of a ledger (same SQLite file and connection)."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.db = ledger.db
        if "stock" in ledger.schemas:  # this connection has the tables already: a book per product costs nothing
            return
        self.db.executescript(SCHEMA)
        have = {str(r[1]) for r in self.db.execute("PRAGMA table_info(items)").fetchall()}
        for column, decl in ADDED_COLUMNS:  # a ledger made before these columns came: add them, keep its rows
            if column not in have:
                self.db.execute(f"ALTER TABLE items ADD COLUMN {column} {decl}")
        ledger.schemas.add("stock")

    # --- items -----------------------------------------------------------------------------------

    def _last_order(self) -> int:
        return int(self.db.execute("SELECT COALESCE(MAX(rowid), 0) FROM orders").fetchone()[0])

    def define(
        self,
        code: str,
        name: str,
        options: list[tuple[str, str, int, bool]],
        ref: str,
        *,
        price: int = 0,
        extras: Mapping[str, int] | None = None,
        keep_stock: bool = False,
        category: str = "",
    ) -> None:
        """The items of a product just sent (option text, option number, stock, on sale) with its selling ``price``
        and each option's extra amount (``extras`` by option number). A new item takes the product workbook's stock;
        with ``keep_stock`` (an update, or a product the marketplace already held) an item we know keeps its own:
        the orders counted into it stand, and the next pass tells every listing that number. Options the product no
        longer has are forgotten."""
        extras = extras or {}
        now, last = _now(), self._last_order()
        numbers = [number for _, number, _, _ in options]
        with self.ledger.atomic():
            # the code's items read once (one SELECT, not one per option); ``known`` then follows every write below
            # (option_no -> option, stock, selling), so each option sees what its own SELECT used to see
            known = {
                str(n): (str(o), int(st), bool(se))
                for n, o, st, se in self.db.execute(
                    "SELECT option_no, option, stock, selling FROM items WHERE code=?", (code,)
                ).fetchall()
            }
            marks = ",".join("?" * len(numbers))
            if set(known) - set(numbers):  # no item of an option the product no longer has: nothing to delete
                self.db.execute(f"DELETE FROM items WHERE code=? AND option_no NOT IN ({marks})", (code, *numbers))
                known = {n: v for n, v in known.items() if n in numbers}
            self.db.execute(f"DELETE FROM listing_stock WHERE code=? AND option_no NOT IN ({marks})", (code, *numbers))
            for text, number, stock, selling in options:
                extra = extras.get(number, 0)
                had = known.get(number)
                found = None if had is None else (had[1], had[2])
                renumbered = [n for n, v in known.items() if v[0] == text and n != number]
                if renumbered:  # a combination renumbered by a new option list (only then: a DELETE of nothing is one)
                    self.db.execute(
                        "DELETE FROM items WHERE code=? AND option=? AND option_no<>?", (code, text, number)
                    )
                    for n in renumbered:
                        del known[n]
                known[number] = (text, stock, selling) if found is None or not keep_stock else (text, *found)
                if found is not None and (keep_stock or (int(found[0]), bool(found[1])) == (stock, selling)):
                    self.db.execute(
                        "UPDATE items SET option=?, name=?, price=?, extra=?, category=?, updated_at=? WHERE code=? AND "
                        "option_no=?",
                        (text, name, price, extra, category, now, code, number),
                    )
                    continue
                self.db.execute(
                    "INSERT INTO items (code, option, option_no, name, stock, selling, baseline, updated_at, price, "
                    "extra, category) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (code, option_no) DO UPDATE "
                    "SET option=excluded.option, name=excluded.name, stock=excluded.stock, selling=excluded.selling, "
                    "baseline=excluded.baseline, updated_at=excluded.updated_at, price=excluded.price, "
                    "extra=excluded.extra, category=excluded.category",
                    (code, text, number, name, stock, int(selling), last, now, price, extra, category),
                )
                before = int(found[0]) if found is not None else 0
                self._move(code, number, PRODUCT, ref, before, stock, selling, now)

    def _move(
        self, code: str, number: str, cause: str, ref: str, before: int, after: int, selling: bool, at: str
    ) -> None:
        self.db.execute(
            "INSERT INTO stock_moves (code, option_no, cause, ref, before, after, selling, at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (code, number, cause, ref, before, after, int(selling), at),
        )

    def item(self, code: str, option: str) -> Item | None:
        row = self.db.execute(
            "SELECT code, option, option_no, name, stock, selling, price, extra, workbook FROM items WHERE code=? AND option=?",
            (code, normal_option(option)),
        ).fetchone()
        return _item(row) if row else None

    def items(self, codes: Iterable[str] | None = None) -> list[Item]:
        sql = "SELECT code, option, option_no, name, stock, selling, price, extra, workbook FROM items"
        if codes is None:
            return [_item(r) for r in self.db.execute(sql + " ORDER BY code, option_no").fetchall()]
        wanted = sorted(set(codes))
        out: list[Item] = []
        for i in range(0, len(wanted), 500):
            part = wanted[i : i + 500]
            marks = ",".join("?" * len(part))
            out += [_item(r) for r in self.db.execute(f"{sql} WHERE code IN ({marks})", part).fetchall()]
        return out

    def set_stock(
        self, changes: list[tuple[Item, int, bool]], cause: str, ref: str, *, workbook: Mapping[str, str] | None = None
    ) -> int:
        """New stock and 판매상태 of items (a stock workbook, a 판매취소 for 품절), each change a move. From a stock
        workbook (``workbook``: option number -> the row's values), every row given is the count at this moment:
        the orders collected so far are in it, whether it changed the number or not. Returns how many changed."""
        now, last = _now(), self._last_order()
        changed = 0
        with writing(self.db):
            for item, stock, selling in changes:
                if workbook is not None:
                    self.db.execute(
                        "UPDATE items SET stock=?, selling=?, baseline=MAX(baseline, ?), workbook=?, updated_at=? "
                        "WHERE code=? AND option_no=?",
                        (stock, int(selling), last, workbook.get(item.option_no, ""), now, item.code, item.option_no),
                    )
                else:
                    self.db.execute(
                        "UPDATE items SET stock=?, selling=?, updated_at=? WHERE code=? AND option_no=?",
                        (stock, int(selling), now, item.code, item.option_no),
                    )
                if (stock, selling) != (item.stock, item.selling):
                    self._move(item.code, item.option_no, cause, ref, item.stock, stock, selling, now)
                    changed += 1
        return changed

    def set_prices(self, prices: Mapping[str, int]) -> None:
        """New selling prices by product code (a stock workbook's 판매가); the options keep their extras."""
        now = _now()
        with writing(self.db):
            self.db.executemany(
                "UPDATE items SET price=?, updated_at=? WHERE code=?", [(p, now, c) for c, p in prices.items()]
            )

    def _sync_from(self) -> int:
        """The last order collected before [stock] sync was first on: those orders were never the stock's to count
        (staff's numbers, set while they came and went, hold them)."""
        self.start_sync()
        row = self.db.execute("SELECT value FROM stock_marks WHERE name='sync_from'").fetchone()
        return int(row[0])

    def start_sync(self) -> None:
        """Mark where [stock] sync starts, once: a collection with sync on calls this before it stores orders."""
        self.db.execute(
            "INSERT INTO stock_marks VALUES ('sync_from', ?) ON CONFLICT (name) DO NOTHING", (self._last_order(),)
        )

    # --- orders move stock -------------------------------------------------------------------------

    def count_orders(self, resolve: ResolveItem) -> tuple[set[str], list[Unmatched]]:
        """Take each collected order line's quantity from its item once; give back what a cancel before shipping
        returned. Returns the codes whose stock moved and the lines new to us whose item is unknown."""
        moved: set[str] = set()
        unmatched: list[Unmatched] = []
        now = _now()
        since = self._sync_from()
        rows = self.db.execute(
            "SELECT o.rowid, o.data, o.status FROM orders o LEFT JOIN order_stock s ON s.market=o.market AND "
            "s.account=o.account AND s.order_no=o.order_no AND s.product_no=o.product_no AND s.line_no=o.option_no "
            "WHERE s.market IS NULL ORDER BY o.rowid"
        ).fetchall()
        with writing(self.db):
            for rowid, data, status in rows:
                line = OrderLine(**{**json.loads(data), "status": OrderStatus(status)})
                found = resolve(line)
                if found is None:
                    self._count(line, "", "", "unknown", now)
                    unmatched.append(
                        Unmatched(
                            line.market,
                            line.account,
                            line.order_no,
                            line.product_no,
                            line.product_name,
                            line.option_text,
                            line.qty,
                        )
                    )
                    continue
                code, number = found
                item = self.db.execute(
                    "SELECT stock, selling, baseline FROM items WHERE code=? AND option_no=?", (code, number)
                ).fetchone()
                if item is None or int(rowid) <= max(int(item[2]), since) or line.status is OrderStatus.CANCELLED:
                    self._count(line, code, number, "before", now)
                    continue
                after = int(item[0]) - line.qty
                self.db.execute(
                    "UPDATE items SET stock=?, updated_at=? WHERE code=? AND option_no=?", (after, now, code, number)
                )
                self._move(code, number, ORDER, _ref(line), int(item[0]), after, bool(item[1]), now)
                self._count(line, code, number, "taken", now)
                moved.add(code)
            for line_row in self._cancelled_taken():
                market, account, order_no, product_no, line_no, code, number, qty = line_row
                item = self.db.execute(
                    "SELECT stock, selling FROM items WHERE code=? AND option_no=?", (code, number)
                ).fetchone()
                self.db.execute(
                    "UPDATE order_stock SET state='returned', at=? WHERE market=? AND account=? AND order_no=? AND "
                    "product_no=? AND line_no=?",
                    (now, market, account, order_no, product_no, line_no),
                )
                if item is None:
                    continue
                after = int(item[0]) + int(qty)
                self.db.execute(
                    "UPDATE items SET stock=?, updated_at=? WHERE code=? AND option_no=?", (after, now, code, number)
                )
                ref = f"{market}:{account}:{order_no}:{product_no}:{line_no}"
                self._move(code, number, CANCEL, ref, int(item[0]), after, bool(item[1]), now)
                moved.add(code)
        return moved, unmatched

    def _count(self, line: OrderLine, code: str, number: str, state: str, at: str) -> None:
        self.db.execute(
            "INSERT INTO order_stock VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (*line_key(line), code, number, line.qty, state, at),
        )

    def settle_line(self, line: OrderLine, found: tuple[str, str] | None) -> None:
        """A line cancelled for 품절: its quantity never comes back to the stock (the item is out)."""
        code, number = found or ("", "")
        self.db.execute(
            "INSERT INTO order_stock VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'soldout', ?) ON CONFLICT (market, account, "
            "order_no, product_no, line_no) DO UPDATE SET state='soldout', at=excluded.at",
            (*line_key(line), code, number, line.qty, _now()),
        )

    def _cancelled_taken(self) -> list[tuple[str, str, str, str, str, str, str, int]]:
        """Lines whose quantity was taken and that were cancelled or returned since: the line itself reads 취소, or
        a 취소 or 반품 claim of its order and product is 완료 (a return completes when the goods came back) (marketplaces that report cancels only as claims) and the order has no
        other line of that product (a claim names no option: which line it cancelled would be a guess)."""
        cols = "s.market, s.account, s.order_no, s.product_no, s.line_no, s.code, s.option_no, s.qty"
        by_status = self.db.execute(
            f"SELECT {cols} FROM order_stock s JOIN orders o ON s.market=o.market AND s.account=o.account AND "
            "s.order_no=o.order_no AND s.product_no=o.product_no AND s.line_no=o.option_no "
            "WHERE s.state='taken' AND o.status=?",
            (OrderStatus.CANCELLED.value,),
        ).fetchall()
        by_claim = self.db.execute(
            f"SELECT DISTINCT {cols} FROM order_stock s JOIN claims c ON s.market=c.market AND s.account=c.account "
            "AND s.order_no=c.order_no AND s.product_no=c.product_no WHERE s.state='taken' AND c.status=? AND "
            "json_extract(c.data, '$.kind') IN (?, ?) AND (SELECT COUNT(*) FROM order_stock t WHERE "
            "t.market=s.market AND t.account=s.account AND t.order_no=s.order_no AND t.product_no=s.product_no) = 1",
            (ClaimStatus.DONE.value, ClaimType.CANCEL.value, ClaimType.RETURN.value),
        ).fetchall()
        return list(dict.fromkeys(tuple(r) for r in [*by_status, *by_claim]))  # type: ignore[misc]

    def unmatched(self) -> list[tuple[str, str, str, str, int, str]]:
        """(market, account, order_no, product_no, qty, at) of every line whose item is unknown."""
        rows = self.db.execute(
            "SELECT market, account, order_no, product_no, qty, at FROM order_stock WHERE state='unknown' "
            "ORDER BY at, order_no"
        ).fetchall()
        return [(str(a), str(b), str(c), str(d), int(e), str(f)) for a, b, c, d, e, f in rows]

    # --- listings ----------------------------------------------------------------------------------

    def unsettled(self, buffer: int) -> set[str]:
        """The codes of every listing that may differ from its items (a superset ``trade.stock.change_for``
        decides on): an option never sent, sent otherwise, or not shown as sent when read back, an item at 0
        on a listing not known to be stopped, one we stopped that has stock again. Worked out in SQL, so a pass over
        a large catalogue reads only the listings it may have to tell."""
        rows = self.db.execute(
            "WITH want AS (SELECT code, option_no, CASE WHEN selling=1 AND stock>? THEN stock-? ELSE 0 END AS q "
            "FROM items) "
            "SELECT DISTINCT l.code FROM links l JOIN want w ON w.code=l.code "
            "LEFT JOIN listing_stock s ON s.market=l.market AND s.account=l.account AND s.code=l.code "
            "AND s.option_no=w.option_no "
            "LEFT JOIN listing_sale p ON p.market=l.market AND p.account=l.account AND p.code=l.code "
            "WHERE l.result='ok' AND l.product_no<>'' AND (s.sent IS NULL OR s.sent<>w.q "
            "OR (s.shown IS NOT NULL AND s.shown<>s.sent) OR (w.q>0 AND COALESCE(p.stopped, 0)=1) "
            "OR (w.q=0 AND COALESCE(p.shown_on, p.sent_on, 1)<>0))",
            (buffer, buffer),
        ).fetchall()
        priced = self.db.execute(
            "SELECT DISTINCT l.code FROM links l JOIN items i ON i.code=l.code LEFT JOIN listing_price r ON "
            "r.market=l.market AND r.account=l.account AND r.code=l.code WHERE l.result='ok' AND l.product_no<>'' "
            "AND i.price>0 AND (r.sent IS NULL OR r.sent<>i.price OR (r.shown IS NOT NULL AND r.shown<>r.sent))"
        ).fetchall()
        return {str(r[0]) for r in [*rows, *priced]}

    def linked_codes(self) -> set[str]:
        rows = self.db.execute("SELECT DISTINCT code FROM links WHERE result='ok' AND product_no<>''").fetchall()
        return {str(r[0]) for r in rows}

    def listings(self, codes: Iterable[str] | None = None) -> list[Listing]:
        """Every linked listing (a product a run registered on a marketplace) of ``codes`` (all when None)."""
        if codes is None:
            return self._listings("", [])
        wanted = sorted(set(codes))
        out: list[Listing] = []
        for i in range(0, len(wanted), 500):
            part = wanted[i : i + 500]
            out += self._listings(f" AND code IN ({','.join('?' * len(part))})", part)
        return out

    def _listings(self, where: str, args: list[str]) -> list[Listing]:
        rows = self.db.execute(
            "SELECT market, account, code FROM links WHERE result='ok' AND product_no<>''" + where, args
        ).fetchall()
        stock: dict[tuple[str, str, str], tuple[dict[str, int | None], dict[str, int | None]]] = {}
        for market, account, code, number, sent, shown in self.db.execute(
            "SELECT market, account, code, option_no, sent, shown FROM listing_stock WHERE 1=1" + where, args
        ).fetchall():
            s = stock.setdefault((market, account, code), ({}, {}))
            s[0][number], s[1][number] = sent, shown
        sale = {
            (r[0], r[1], r[2]): r[3:]
            for r in self.db.execute(
                "SELECT market, account, code, sent_on, shown_on, stopped FROM listing_sale WHERE 1=1" + where, args
            ).fetchall()
        }
        prices = {
            (r[0], r[1], r[2]): (r[3], r[4])
            for r in self.db.execute(
                "SELECT market, account, code, sent, shown FROM listing_price WHERE 1=1" + where, args
            ).fetchall()
        }
        out = []
        for market, account, code in rows:
            key = (market, account, code)
            sent, shown = stock.get(key, ({}, {}))
            on = sale.get(key, (None, None, 0))
            price = prices.get(key, (None, None))
            out.append(
                Listing(
                    market,
                    account,
                    code,
                    sent,
                    shown,
                    None if on[0] is None else bool(on[0]),
                    None if on[1] is None else bool(on[1]),
                    bool(on[2]),
                    price[0],
                    price[1],
                )
            )
        return sorted(out, key=lambda x: (x.code, x.market, x.account))

    def sent(
        self,
        market: str,
        account: str,
        code: str,
        action: str,
        stocks: Mapping[str, int],
        on: bool | None,
        outcome: str,
        price: int | None = None,
    ) -> int:
        """A stock, price or sale-status call made (``outcome`` '' = done, else why not). Only a done call moves what
        we last sent; a refused one is history only."""
        now = _now()
        with writing(self.db):
            if not outcome and price is not None:
                self.db.execute(
                    "INSERT INTO listing_price (market, account, code, sent, sent_at) VALUES (?, ?, ?, ?, ?) "
                    "ON CONFLICT (market, account, code) DO UPDATE SET sent=excluded.sent, sent_at=excluded.sent_at",
                    (market, account, code, price, now),
                )
            if not outcome:
                self.db.executemany(
                    "INSERT INTO listing_stock (market, account, code, option_no, sent, sent_at) VALUES "
                    "(?, ?, ?, ?, ?, ?) ON CONFLICT (market, account, code, option_no) DO UPDATE SET "
                    "sent=excluded.sent, sent_at=excluded.sent_at",
                    [(market, account, code, number, qty, now) for number, qty in stocks.items()],
                )
                if on is not None:
                    self.db.execute(
                        "INSERT INTO listing_sale (market, account, code, sent_on, sent_at, stopped) VALUES "
                        "(?, ?, ?, ?, ?, ?) ON CONFLICT (market, account, code) DO UPDATE SET sent_on=excluded.sent_on, "
                        "sent_at=excluded.sent_at, stopped=MAX(stopped, excluded.stopped)",
                        (market, account, code, int(on), now, int(not on)),
                    )
            detail = json.dumps({"stocks": dict(stocks), "on": on, "price": price}, ensure_ascii=False)
            cur = self.db.execute(
                "INSERT INTO stock_sends (market, account, code, action, detail, sent_at, outcome) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (market, account, code, action, detail, now, outcome[:500]),
            )
        return int(cur.lastrowid or 0)

    def product_sent(
        self, market: str, account: str, code: str, stocks: Mapping[str, int], price: int | None = None
    ) -> None:
        """A product registration or update told the listing these quantities (and this price); what it showed
        before is stale."""
        now = _now()
        with self.ledger.atomic():
            if price:
                self.db.execute(
                    "INSERT INTO listing_price VALUES (?, ?, ?, ?, ?, NULL, NULL) ON CONFLICT (market, account, code) "
                    "DO UPDATE SET sent=excluded.sent, sent_at=excluded.sent_at, shown=NULL, shown_at=NULL",
                    (market, account, code, price, now),
                )
            self.db.execute(
                "DELETE FROM listing_stock WHERE market=? AND account=? AND code=?", (market, account, code)
            )
            self.db.executemany(
                "INSERT INTO listing_stock (market, account, code, option_no, sent, sent_at) VALUES (?, ?, ?, ?, ?, ?)",
                [(market, account, code, number, qty, now) for number, qty in stocks.items()],
            )
            self.db.execute(
                "UPDATE listing_sale SET shown_on=NULL, shown_at=NULL WHERE market=? AND account=? AND code=?",
                (market, account, code),
            )

    def shown(
        self,
        market: str,
        account: str,
        code: str,
        on_sale: bool | None,
        stocks: Mapping[str, int],
        send_ids: Iterable[int],
        price: int | None = None,
    ) -> None:
        """What the marketplace showed when read back after ``send_ids`` (``price``: the price it showed after a
        price call of ours, None when none was sent or the read does not give it)."""
        now = _now()
        with writing(self.db):
            if price is not None:
                self.db.execute(
                    "UPDATE listing_price SET shown=?, shown_at=? WHERE market=? AND account=? AND code=?",
                    (price, now, market, account, code),
                )
            self.db.executemany(
                "INSERT INTO listing_stock (market, account, code, option_no, shown, shown_at) VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (market, account, code, option_no) DO UPDATE SET shown=excluded.shown, "
                "shown_at=excluded.shown_at",
                [(market, account, code, number, qty, now) for number, qty in stocks.items()],
            )
            if on_sale is not None:
                self.db.execute(
                    "INSERT INTO listing_sale (market, account, code, shown_on, shown_at) VALUES (?, ?, ?, ?, ?) "
                    "ON CONFLICT (market, account, code) DO UPDATE SET shown_on=excluded.shown_on, "
                    "shown_at=excluded.shown_at, stopped=CASE WHEN excluded.shown_on=1 THEN 0 ELSE stopped END",
                    (market, account, code, int(on_sale), now),
                )
            text = json.dumps({"stocks": dict(stocks), "on": on_sale, "price": price}, ensure_ascii=False)
            self.db.executemany(
                "UPDATE stock_sends SET shown=?, shown_at=? WHERE id=?", [(text, now, i) for i in send_ids]
            )

    # --- 재고연동이력 ---------------------------------------------------------------------------------

    def moves(self, since: str = "") -> list[tuple[str, str, str, str, str, int, int, bool, str]]:
        """(at, code, option, name, cause, before, after, selling, ref), oldest first."""
        rows = self.db.execute(
            "SELECT m.at, m.code, COALESCE(i.option, ''), COALESCE(i.name, ''), m.cause, m.before, m.after, m.selling, "
            "m.ref FROM stock_moves m LEFT JOIN items i ON i.code=m.code AND i.option_no=m.option_no WHERE m.at >= ? "
            "ORDER BY m.id",
            (since,),
        ).fetchall()
        return [
            (str(a), str(b), str(c), str(d), str(e), int(f), int(g), bool(h), str(i))
            for a, b, c, d, e, f, g, h, i in rows
        ]

    def sends(self, since: str = "") -> list[tuple[str, str, str, str, str, str, str, str, str]]:
        """(sent_at, market, account, code, action, detail, outcome, shown, shown_at), oldest first."""
        rows = self.db.execute(
            "SELECT sent_at, market, account, code, action, detail, outcome, shown, COALESCE(shown_at, '') "
            "FROM stock_sends WHERE sent_at >= ? ORDER BY id",
            (since,),
        ).fetchall()
        return [tuple(str(x) for x in r) for r in rows]  # type: ignore[misc]


class ResolveItem:
    """Which item an order line is of: by the option code the marketplace echoes, by the option number our link
    recorded, the product's only item, or the one item whose every option value the order's option text names;
    None when none of these is certain (never guessed)."""

    def __init__(self, book: StockBook) -> None:
        self.book = book
        self._items: dict[str, list[Item]] = {}

    def __call__(self, line: OrderLine) -> tuple[str, str] | None:
        ledger = self.book.ledger
        code = ledger.code_for(line.market, line.account, line.product_no)
        if code is None:
            return None
        items = self._items.get(code)
        if items is None:
            items = self._items[code] = self.book.items([code])
        numbers = {i.option_no for i in items}
        if line.option_code in numbers:
            return code, line.option_code
        link = ledger.link(line.market, line.account, code)
        mapped = link is not None and bool(link.link.option_nos)
        if link is not None:
            ours = [k for k, v in link.link.option_nos.items() if v == line.option_no and k in numbers]
            if len(ours) == 1:
                return code, ours[0]
        if len(items) == 1:
            return code, items[0].option_no
        if mapped:  # the link knows the marketplace's option numbers and this one is not among them
            return None
        # no option numbers kept (ESM): the option as the order shows it ("색상:골드/사이즈:S"), if exactly one
        # item has every value of its in it
        words = set(_WORDS.split(line.option_text or "")) - {""}
        fits = [i for i in items if i.option and set(i.option.split("/")) <= words]
        if len(fits) == 1:
            return code, fits[0].option_no
        return None


_WORDS = re.compile(r"[/:,|\s]+")


def _item(row: tuple[object, ...]) -> Item:
    code, option, number, name, stock, selling, price, extra, workbook = row
    return Item(
        str(code),
        str(option),
        str(number),
        str(name),
        int(str(stock)),
        bool(selling),
        int(str(price)),
        int(str(extra)),
        str(workbook),
    )


def _ref(line: OrderLine) -> str:
    return ":".join(line_key(line))
