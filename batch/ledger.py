"""What was sent where, in a SQLite file (WAL): links to marketplace products and every send's intent."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import signal
import sqlite3
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from batch.models import KST, Claim, ClaimStatus, ClaimType, Inquiry, OrderLine, OrderStatus, ProductLink

SCHEMA = """
CREATE TABLE IF NOT EXISTS links (
    market TEXT NOT NULL, account TEXT NOT NULL, code TEXT NOT NULL,
    product_no TEXT NOT NULL, option_nos TEXT NOT NULL, sent_hash TEXT NOT NULL,
    result TEXT NOT NULL, message TEXT NOT NULL, updated_at TEXT NOT NULL,
    PRIMARY KEY (market, account, code)
);
-- a multi-site marketplace's number per site of one linked product (ESM: the G마켓 and 옥션 goods numbers that
-- orders and claims speak; links.product_no holds the master goods number)
CREATE TABLE IF NOT EXISTS site_numbers (
    market TEXT NOT NULL, account TEXT NOT NULL, code TEXT NOT NULL, site TEXT NOT NULL, site_no TEXT NOT NULL,
    PRIMARY KEY (market, account, site, site_no)
);
CREATE TABLE IF NOT EXISTS sends (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    market TEXT NOT NULL, account TEXT NOT NULL, code TEXT NOT NULL,
    action TEXT NOT NULL, payload_hash TEXT NOT NULL,
    state TEXT NOT NULL,            -- intent | done | failed | unknown
    started_at TEXT NOT NULL, finished_at TEXT, message TEXT
);
CREATE INDEX IF NOT EXISTS sends_open ON sends (market, account, code, state);
CREATE TABLE IF NOT EXISTS orders (
    market TEXT NOT NULL, account TEXT NOT NULL, order_no TEXT NOT NULL,
    product_no TEXT NOT NULL, option_no TEXT NOT NULL,
    our_no TEXT NOT NULL UNIQUE, status TEXT NOT NULL, data TEXT NOT NULL,
    first_seen TEXT NOT NULL, updated_at TEXT NOT NULL,
    PRIMARY KEY (market, account, order_no, product_no, option_no)
);
CREATE TABLE IF NOT EXISTS claims (
    market TEXT NOT NULL, account TEXT NOT NULL, claim_no TEXT NOT NULL, product_no TEXT NOT NULL,
    order_no TEXT NOT NULL, status TEXT NOT NULL, data TEXT NOT NULL, updated_at TEXT NOT NULL,
    PRIMARY KEY (market, account, claim_no, product_no)
);
CREATE TABLE IF NOT EXISTS collections (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    market TEXT NOT NULL, account TEXT NOT NULL, job TEXT NOT NULL,
    started_at TEXT NOT NULL, until TEXT NOT NULL, ok INTEGER NOT NULL, message TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS inquiries (
    market TEXT NOT NULL, account TEXT NOT NULL, inquiry_no TEXT NOT NULL,
    data TEXT NOT NULL, answered INTEGER NOT NULL, collected_at TEXT NOT NULL,
    PRIMARY KEY (market, account, inquiry_no)
);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
"""


@dataclass(frozen=True)
class Link:
    link: ProductLink
    sent_hash: str
    result: str


def crash_point(name: str) -> None:
    """Tests kill the process here (BATCH_CRASH_AT=name: ``after-intent``, ``before-complete``; the watcher's
    ``claimed``) to prove a crash between an intent and its completion never sends anything twice."""
    if os.environ.get("BATCH_CRASH_AT") == name:
        os.kill(os.getpid(), signal.SIGKILL)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _utc(kst: dt.datetime) -> str:
    """A naive KST moment in the ledger's format (UTC, ISO, seconds), comparable as text with ``_now()``."""
    return kst.replace(tzinfo=KST).astimezone(dt.UTC).isoformat(timespec="seconds")


@contextlib.contextmanager
def writing(db: sqlite3.Connection) -> Iterator[None]:
    """One write transaction on ``db``, committed when the block ends and rolled back on an exception. It takes the
    write lock first (``BEGIN IMMEDIATE``): with the watcher's files and collections writing from two threads, the
    other writer waits (the connection's timeout) instead of failing on a snapshot gone stale."""
    with db:
        db.execute("BEGIN IMMEDIATE")
        yield


class Ledger:
    """One SQLite file per workspace. Every send is written as an intent before the call, completed after."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        # the watcher's files and collections write from two threads: wait for the other writer, up to 30 s
        self.db = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(SCHEMA)
        # the schema scripts already run on this connection (StockBook's runs once per connection, not per product)
        self.schemas: set[str] = set()

    def close(self) -> None:
        self.db.close()

    @contextlib.contextmanager
    def atomic(self) -> Iterator[None]:
        """One transaction: committed when the block ends, rolled back on an exception. Inside another ``atomic``
        block it joins that one (the outer block's commit covers both), so writes that belong together (a send's
        completion and the items it told the marketplace) cost one commit."""
        if self.db.in_transaction:
            yield
            return
        with writing(self.db):
            yield

    def link(self, market: str, account: str, code: str) -> Link | None:
        row = self.db.execute(
            "SELECT product_no, option_nos, sent_hash, result FROM links WHERE market=? AND account=? AND code=?",
            (market, account, code),
        ).fetchone()
        if row is None:
            return None
        sites = self.db.execute(
            "SELECT site, site_no FROM site_numbers WHERE market=? AND account=? AND code=? ORDER BY site",
            (market, account, code),
        ).fetchall()
        return Link(ProductLink(row[0], json.loads(row[1]), {str(s): str(n) for s, n in sites}), row[2], row[3])

    def unfinished(self, market: str, account: str, code: str) -> str | None:
        """The payload hash of a send whose outcome we never learnt (crash or lost answer), if any."""
        row = self.db.execute(
            "SELECT payload_hash FROM sends WHERE market=? AND account=? AND code=? AND state IN ('intent','unknown') "
            "ORDER BY id DESC LIMIT 1",
            (market, account, code),
        ).fetchone()
        return str(row[0]) if row else None

    def unfinished_age(self, market: str, account: str, code: str, now: dt.datetime | None = None) -> float | None:
        """Seconds from the start of the last send of unknown outcome to ``now`` (naive KST, the run's clock, as
        ``begin``'s ``at``; the wall clock when not given); None when there is none."""
        row = self.db.execute(
            "SELECT started_at FROM sends WHERE market=? AND account=? AND code=? AND state IN ('intent','unknown') "
            "ORDER BY id DESC LIMIT 1",
            (market, account, code),
        ).fetchone()
        if row is None:
            return None
        moment = dt.datetime.fromisoformat(_utc(now)) if now is not None else dt.datetime.now(dt.UTC)
        return (moment - dt.datetime.fromisoformat(str(row[0]))).total_seconds()

    def begin(
        self, market: str, account: str, code: str, action: str, payload_hash: str, *, at: dt.datetime | None = None
    ) -> int:
        """``at``: when the send starts, naive KST (the run's clock); now when not given."""
        cur = self.db.execute(
            "INSERT INTO sends (market, account, code, action, payload_hash, state, started_at) "
            "VALUES (?, ?, ?, ?, ?, 'intent', ?)",
            (market, account, code, action, payload_hash, _utc(at) if at else _now()),
        )
        return int(cur.lastrowid or 0)

    def creates_on(self, market: str, account: str, day: dt.date) -> int:
        """Registrations sent to this account on this KST day: done, or possibly landed (intent / unknown). A
        create the marketplace refused (failed) does not count against its daily cap."""
        start = dt.datetime.combine(day, dt.time())
        row = self.db.execute(
            "SELECT COUNT(*) FROM sends WHERE market=? AND account=? AND action='create' "
            "AND state IN ('done','intent','unknown') AND started_at >= ? AND started_at < ?",
            (market, account, _utc(start), _utc(start + dt.timedelta(days=1))),
        ).fetchone()
        return int(row[0])

    def complete(self, send_id: int, market: str, account: str, code: str, link: ProductLink, sent_hash: str) -> None:
        """The marketplace holds ``sent_hash`` for this product: record the link, close open sends."""
        with self.atomic():
            self.db.execute(
                "INSERT INTO links VALUES (?, ?, ?, ?, ?, ?, 'ok', '', ?) ON CONFLICT (market, account, code) DO UPDATE "
                "SET product_no=excluded.product_no, option_nos=excluded.option_nos, sent_hash=excluded.sent_hash, "
                "result='ok', message='', updated_at=excluded.updated_at",
                (market, account, code, link.product_no, json.dumps(link.option_nos), sent_hash, _now()),
            )
            self.db.execute("DELETE FROM site_numbers WHERE market=? AND account=? AND code=?", (market, account, code))
            sites = [(market, account, code, site, number) for site, number in link.sites.items() if number]
            if sites:  # most marketplaces have one site: no statement to prepare for nothing
                self.db.executemany(
                    "INSERT INTO site_numbers VALUES (?, ?, ?, ?, ?) ON CONFLICT (market, account, site, site_no) "
                    "DO UPDATE SET code=excluded.code",
                    sites,
                )
            # the open sends of this product and ``send_id`` (whatever its state) in one statement: the same rows
            # the two UPDATEs this replaced (by product, then by id) closed
            self.db.execute(
                "UPDATE sends SET state='done', finished_at=? WHERE (market=? AND account=? AND code=? "
                "AND state IN ('intent','unknown')) OR id=?",
                (_now(), market, account, code, send_id),
            )

    def fail(self, send_id: int, message: str, *, unknown: bool) -> None:
        """``unknown``: the request may have landed; the next run looks the product up before sending again."""
        self.db.execute(
            "UPDATE sends SET state=?, finished_at=?, message=? WHERE id=?",
            ("unknown" if unknown else "failed", _now(), message[:500], send_id),
        )

    def count_sends(self, state: str | None = None) -> int:
        if state is None:
            return int(self.db.execute("SELECT COUNT(*) FROM sends").fetchone()[0])
        return int(self.db.execute("SELECT COUNT(*) FROM sends WHERE state=?", (state,)).fetchone()[0])

    # --- orders and claims ---------------------------------------------------------------------------

    def _next_order_no(self, day: str) -> str:
        """Our order number: date + sequence (the manual's 202008131105904 shape)."""
        row = self.db.execute(
            "INSERT INTO counters VALUES ('order', 1) ON CONFLICT (name) DO UPDATE SET value = value + 1 "
            "RETURNING value"
        ).fetchone()
        return f"{day}{int(row[0]):07d}"

    def store_orders(self, lines: list[OrderLine]) -> tuple[int, int]:
        """Insert new lines, update the status of known ones. Returns (new, updated)."""
        new = updated = 0
        now = _now()
        with writing(self.db):
            for line in lines:
                key = (line.market, line.account, line.order_no, line.product_no, line.option_no)
                found = self.db.execute(
                    "SELECT status FROM orders WHERE market=? AND account=? AND order_no=? AND product_no=? "
                    "AND option_no=?",
                    key,
                ).fetchone()
                data = json.dumps(asdict(line), ensure_ascii=False)
                if found is None:
                    day = "".join(ch for ch in line.ordered_at[:10] if ch.isdigit()) or now[:10].replace("-", "")
                    self.db.execute(
                        "INSERT INTO orders VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (*key, self._next_order_no(day), line.status.value, data, now, now),
                    )
                    new += 1
                elif found[0] != line.status.value and _moves_on(found[0], line.status):
                    self.db.execute(
                        "UPDATE orders SET status=?, data=?, updated_at=? WHERE market=? AND account=? AND order_no=? "
                        "AND product_no=? AND option_no=?",
                        (line.status.value, data, now, *key),
                    )
                    updated += 1
        return new, updated

    def replace_orders(self, lines: list[OrderLine]) -> None:
        """Known lines as the marketplace now has them (a buyer's new address read back after 발주확인)."""
        with writing(self.db):
            for line in lines:
                self.db.execute(
                    "UPDATE orders SET status=?, data=?, updated_at=? WHERE market=? AND account=? AND order_no=? "
                    "AND product_no=? AND option_no=?",
                    (
                        line.status.value,
                        json.dumps(asdict(line), ensure_ascii=False),
                        _now(),
                        line.market,
                        line.account,
                        line.order_no,
                        line.product_no,
                        line.option_no,
                    ),
                )

    def set_order_status(self, line: OrderLine, status: OrderStatus) -> None:
        self.db.execute(
            "UPDATE orders SET status=?, updated_at=? WHERE market=? AND account=? AND order_no=? AND product_no=? "
            "AND option_no=?",
            (status.value, _now(), line.market, line.account, line.order_no, line.product_no, line.option_no),
        )

    def orders(self, statuses: tuple[OrderStatus, ...]) -> list[tuple[str, OrderLine]]:
        """(our order number, line) of every stored line in one of ``statuses``, oldest first."""
        marks = ",".join("?" * len(statuses))
        rows = self.db.execute(
            f"SELECT our_no, data, status FROM orders WHERE status IN ({marks}) ORDER BY our_no",
            tuple(s.value for s in statuses),
        ).fetchall()
        return [(r[0], _order(json.loads(r[1]), r[2])) for r in rows]

    def order_by_our_no(self, our_no: str) -> OrderLine | None:
        row = self.db.execute("SELECT data, status FROM orders WHERE our_no=?", (our_no,)).fetchone()
        return _order(json.loads(row[0]), row[1]) if row else None

    def code_for(self, market: str, account: str, product_no: str) -> str | None:
        """Our 자체상품코드 of a marketplace product we registered (None for products registered elsewhere), by its
        number or, on a multi-site marketplace, by a site's number (an ESM order on 옥션 speaks the 옥션 goods number)."""
        row = (
            self.db.execute(
                "SELECT code FROM links WHERE market=? AND account=? AND product_no=?", (market, account, product_no)
            ).fetchone()
            or self.db.execute(
                "SELECT code FROM site_numbers WHERE market=? AND account=? AND site_no=?",
                (market, account, product_no),
            ).fetchone()
        )
        return str(row[0]) if row else None

    def product_name(self, market: str, account: str, product_no: str) -> str | None:
        """A marketplace product's name as an order of it shows it (None when no order has it yet)."""
        row = self.db.execute(
            "SELECT data FROM orders WHERE market=? AND account=? AND product_no=? LIMIT 1",
            (market, account, product_no),
        ).fetchone()
        return str(json.loads(row[0]).get("product_name") or "") or None if row else None

    def our_numbers(self, market: str, account: str, order_no: str) -> list[str]:
        rows = self.db.execute(
            "SELECT our_no FROM orders WHERE market=? AND account=? AND order_no=? ORDER BY our_no",
            (market, account, order_no),
        ).fetchall()
        return [str(r[0]) for r in rows]

    def order_lines(self, market: str, account: str, order_no: str) -> list[OrderLine]:
        rows = self.db.execute(
            "SELECT data, status FROM orders WHERE market=? AND account=? AND order_no=?", (market, account, order_no)
        ).fetchall()
        return [_order(json.loads(r[0]), r[1]) for r in rows]

    def store_claims(self, claims: list[Claim]) -> int:
        now = _now()
        with writing(self.db):
            for c in claims:
                self.db.execute(
                    "INSERT INTO claims VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (market, account, claim_no, "
                    "product_no) DO UPDATE SET status=excluded.status, data=excluded.data, updated_at=excluded.updated_at",
                    (
                        c.market,
                        c.account,
                        c.claim_no,
                        c.product_no,
                        c.order_no,
                        c.status.value,
                        json.dumps(asdict(c), ensure_ascii=False),
                        now,
                    ),
                )
        return len(claims)

    def claim(self, market: str, account: str, claim_no: str, product_no: str) -> Claim | None:
        row = self.db.execute(
            "SELECT data FROM claims WHERE market=? AND account=? AND claim_no=? AND product_no=?",
            (market, account, claim_no, product_no),
        ).fetchone()
        return _claim(json.loads(row[0])) if row else None

    def claim_lines(self, market: str, account: str, claim_no: str) -> list[Claim]:
        """Every product line of one claim number."""
        rows = self.db.execute(
            "SELECT data FROM claims WHERE market=? AND account=? AND claim_no=?", (market, account, claim_no)
        ).fetchall()
        return [_claim(json.loads(r[0])) for r in rows]

    def claims(self, open_only: bool = False) -> list[Claim]:
        sql = "SELECT data FROM claims" + (" WHERE status=?" if open_only else "") + " ORDER BY updated_at"
        args = (ClaimStatus.REQUESTED.value,) if open_only else ()
        return [_claim(json.loads(r[0])) for r in self.db.execute(sql, args).fetchall()]

    def store_inquiries(self, inquiries: list[Inquiry]) -> int:
        """Insert new inquiries (an inquiry collected twice is one); answered ones are marked answered."""
        now = _now()
        with writing(self.db):
            for q in inquiries:
                self.db.execute(
                    "INSERT INTO inquiries VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (market, account, inquiry_no) "
                    "DO UPDATE SET answered = MAX(answered, excluded.answered), data = excluded.data",
                    (
                        q.market,
                        q.account,
                        q.inquiry_no,
                        json.dumps(asdict(q), ensure_ascii=False),
                        int(q.answered),
                        now,
                    ),
                )
        return len(inquiries)

    def open_inquiries(self) -> list[tuple[Inquiry, str]]:
        """(inquiry, collected at) of every stored inquiry not answered yet."""
        rows = self.db.execute("SELECT data, collected_at FROM inquiries WHERE answered = 0").fetchall()
        return [(Inquiry(**json.loads(r[0])), str(r[1])) for r in rows]

    def inquiry(self, inquiry_no: str) -> tuple[Inquiry, bool] | None:
        row = self.db.execute("SELECT data, answered FROM inquiries WHERE inquiry_no=?", (inquiry_no,)).fetchone()
        return (Inquiry(**json.loads(row[0])), bool(row[1])) if row else None

    def mark_answered(self, market: str, account: str, inquiry_no: str) -> None:
        self.db.execute(
            "UPDATE inquiries SET answered = 1 WHERE market=? AND account=? AND inquiry_no=?",
            (market, account, inquiry_no),
        )

    def record_collection(self, market: str, account: str, job: str, until: str, ok: bool, message: str) -> None:
        self.db.execute(
            "INSERT INTO collections (market, account, job, started_at, until, ok, message) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (market, account, job, _now(), until, int(ok), message[:500]),
        )

    def last_collection(
        self, market: str, account: str, job: str, *, ok_only: bool
    ) -> tuple[str, str, bool, str] | None:
        """(started_at, until, ok, message) of the latest collection of this job for this account."""
        row = self.db.execute(
            "SELECT started_at, until, ok, message FROM collections WHERE market=? AND account=? AND job=?"
            + (" AND ok=1" if ok_only else "")
            + " ORDER BY id DESC LIMIT 1",
            (market, account, job),
        ).fetchone()
        return (row[0], row[1], bool(row[2]), row[3]) if row else None


def _order(d: dict[str, object], status: str) -> OrderLine:
    """``status`` is the row's status column: set_order_status changes it, not the stored ``data``."""
    return OrderLine(**{**d, "status": OrderStatus(status)})  # type: ignore[arg-type]


def _claim(d: dict[str, object]) -> Claim:
    return Claim(**{**d, "kind": ClaimType(d["kind"]), "status": ClaimStatus(d["status"])})  # type: ignore[arg-type]


_ORDER_FLOW = [OrderStatus.NEW, OrderStatus.CONFIRMED, OrderStatus.SHIPPING, OrderStatus.DELIVERED]


def _moves_on(stored: str, seen: OrderStatus) -> bool:
    """A collected status replaces ours unless it is a step back (e.g. a line we marked 강제완료); a cancel always does."""
    if seen is OrderStatus.CANCELLED or stored == OrderStatus.CANCELLED.value:
        return True
    return _ORDER_FLOW.index(seen) > _ORDER_FLOW.index(OrderStatus(stored))
