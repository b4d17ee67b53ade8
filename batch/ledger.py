"""What was sent where, in a SQLite file (WAL): links to marketplace products and every send's intent."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from batch.marketplaces.types import ProductLink

SCHEMA = """
CREATE TABLE IF NOT EXISTS links (
    market TEXT NOT NULL, account TEXT NOT NULL, code TEXT NOT NULL,
    product_no TEXT NOT NULL, option_nos TEXT NOT NULL, sent_hash TEXT NOT NULL,
    result TEXT NOT NULL, message TEXT NOT NULL, updated_at TEXT NOT NULL,
    PRIMARY KEY (market, account, code)
);
CREATE TABLE IF NOT EXISTS sends (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    market TEXT NOT NULL, account TEXT NOT NULL, code TEXT NOT NULL,
    action TEXT NOT NULL, payload_hash TEXT NOT NULL,
    state TEXT NOT NULL,            -- intent | done | failed | unknown
    started_at TEXT NOT NULL, finished_at TEXT, message TEXT
);
CREATE INDEX IF NOT EXISTS sends_open ON sends (market, account, code, state);
"""


@dataclass(frozen=True)
class Link:
    link: ProductLink
    sent_hash: str
    result: str


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class Ledger:
    """One SQLite file per workspace. Every send is written as an intent before the call, completed after."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(SCHEMA)

    def close(self) -> None:
        self.db.close()

    def link(self, market: str, account: str, code: str) -> Link | None:
        row = self.db.execute(
            "SELECT product_no, option_nos, sent_hash, result FROM links WHERE market=? AND account=? AND code=?",
            (market, account, code),
        ).fetchone()
        if row is None:
            return None
        return Link(ProductLink(row[0], json.loads(row[1])), row[2], row[3])

    def unfinished(self, market: str, account: str, code: str) -> str | None:
        """The payload hash of a send whose outcome we never learnt (crash or lost answer), if any."""
        row = self.db.execute(
            "SELECT payload_hash FROM sends WHERE market=? AND account=? AND code=? AND state IN ('intent','unknown') "
            "ORDER BY id DESC LIMIT 1",
            (market, account, code),
        ).fetchone()
        return str(row[0]) if row else None

    def begin(self, market: str, account: str, code: str, action: str, payload_hash: str) -> int:
        cur = self.db.execute(
            "INSERT INTO sends (market, account, code, action, payload_hash, state, started_at) "
            "VALUES (?, ?, ?, ?, ?, 'intent', ?)",
            (market, account, code, action, payload_hash, _now()),
        )
        return int(cur.lastrowid or 0)

    def complete(self, send_id: int, market: str, account: str, code: str, link: ProductLink, sent_hash: str) -> None:
        """The marketplace holds ``sent_hash`` for this product: record the link, close open sends."""
        with self.db:
            self.db.execute("BEGIN")
            self.db.execute(
                "INSERT INTO links VALUES (?, ?, ?, ?, ?, ?, 'ok', '', ?) ON CONFLICT (market, account, code) DO UPDATE "
                "SET product_no=excluded.product_no, option_nos=excluded.option_nos, sent_hash=excluded.sent_hash, "
                "result='ok', message='', updated_at=excluded.updated_at",
                (market, account, code, link.product_no, json.dumps(link.option_nos), sent_hash, _now()),
            )
            self.db.execute(
                "UPDATE sends SET state='done', finished_at=? WHERE market=? AND account=? AND code=? "
                "AND state IN ('intent','unknown')",
                (_now(), market, account, code),
            )
            if send_id:
                self.db.execute("UPDATE sends SET state='done', finished_at=? WHERE id=?", (_now(), send_id))

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
