"""`batch collect orders|claims`: fetch from every account into the ledger, then write the export workbook."""

from __future__ import annotations

import asyncio
import datetime as dt
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from batch.config import Account, Workspace
from batch.errors import WorkspaceError
from batch.exporters.template import write_template
from batch.importers import answers as A
from batch.importers import invoices as I
from batch.importers.claims import CLAIMS_MAIN, CLAIMS_SPEC
from batch.jobs.connections import account_failed, open_account
from batch.jobs.stock import StockPass, sync_stock
from batch.ledger import Ledger
from batch.marketplaces.base import Clock, MarketError
from batch.marketplaces.connect import SUPPORTED, adapter_for
from batch.models import Claim, Inquiry, Market, OrderLine, OrderStatus, kst_text, label_of, now_kst
from batch.stockbook import StockBook
from batch.trade.deadlines import answer_by

FIRST_LOOKBACK = dt.timedelta(days=7)  # the first collection of an account
OVERLAP = dt.timedelta(hours=1)  # windows overlap so an order changed at a boundary is never missed
OPEN = (OrderStatus.NEW, OrderStatus.CONFIRMED)


@dataclass
class AccountRun:
    market: str
    account: str
    ok: bool
    message: str
    new: int = 0
    updated: int = 0


@dataclass
class Collection:
    job: str
    accounts: list[AccountRun] = field(default_factory=list)
    export: Path | None = None
    rows: int = 0
    markets: list[str] = field(default_factory=list)  # the marketplaces collected, in batch.toml's order
    plan: str = ""  # how long calls that wait their turn across the installation will take (ESM's order list)
    market_rows: dict[str, int] = field(default_factory=dict)  # marketplace -> rows in the export
    stock: StockPass | None = None  # the 재고 연동 pass after orders or claims, with [stock] sync


def output_path(outbox: Path, kind: str, when: dt.datetime, scope: str = "") -> Path:
    """A generated name inside outbox/: KST date and time, kind, the marketplaces when only some were collected
    (e.g. ``_티몬``), short id."""
    scope = f"_{scope}" if scope else ""
    return outbox / f"{when:%Y%m%d-%H%M%S}_{kind}{scope}_{secrets.token_hex(3)}.xlsx"


def _accounts(ws: Workspace, markets: Iterable[str] | None, account: str | None) -> list[Account]:
    wanted = None if markets is None else set(markets)
    chosen = [
        a
        for a in ws.accounts
        if a.market in SUPPORTED and (wanted is None or a.market in wanted) and (account is None or a.name == account)
    ]
    if not chosen:
        raise WorkspaceError("수집할 계정이 없습니다. batch.toml의 [[accounts]]와 --market / --account 를 확인하세요.")
    return chosen


async def _collect_account(
    ws: Workspace, account: Account, job: str, since: dt.datetime | None, ledger: Ledger, clock: Clock | None, app: Any
) -> AccountRun:
    run = AccountRun(account.market, account.name, ok=False, message="")
    until = now_kst()
    if since is None:
        last = ledger.last_collection(account.market, account.name, job, ok_only=True)
        since = (dt.datetime.fromisoformat(last[1]) - OVERLAP) if last else until - FIRST_LOOKBACK
    try:
        conn = open_account(ws, account, clock=clock, app=app)
    except WorkspaceError as exc:
        run.message = exc.message
        ledger.record_collection(account.market, account.name, job, until.isoformat(), False, run.message)
        return run
    except Exception as exc:  # one broken account never stops the others
        run.message = account_failed(account, exc)
        ledger.record_collection(account.market, account.name, job, until.isoformat(), False, run.message)
        return run
    try:
        adapter: Any = conn.adapter
        if job == "orders":
            lines: list[OrderLine] = await adapter.collect_orders(since, until, account.name)
            run.new, run.updated = ledger.store_orders(lines)
            run.message = f"주문 {len(lines)}건 (새 주문 {run.new}, 상태 바뀜 {run.updated})"
        elif job == "claims":
            claims: list[Claim] = await adapter.collect_claims(since, until, account.name)
            mine = (account.market, account.name)
            known = {(c.claim_no, c.product_no) for c in ledger.claims() if (c.market, c.account) == mine}
            ledger.store_claims(claims)
            run.new = len({(c.claim_no, c.product_no) for c in claims} - known)  # windows overlap: new ones only
            run.message = f"클레임 {len(claims)}건 (새 클레임 {run.new})"
        else:
            inquiries: list[Inquiry] = await adapter.collect_inquiries(since, until, account.name)
            fresh: set[str] = set()
            for q in inquiries:
                stored = ledger.inquiry(q.inquiry_no)
                seen = stored is not None and (stored[0].market, stored[0].account) == (q.market, q.account)
                if not q.answered and not seen:
                    fresh.add(q.inquiry_no)
            ledger.store_inquiries(inquiries)
            run.new = len(fresh)  # not seen before and not answered yet: what the export newly shows
            run.message = f"문의 {len(inquiries)}건 (새 문의 {run.new})"
        run.ok = True
    except MarketError as exc:
        run.message = exc.message
    except Exception as exc:  # one broken account never stops the others
        run.message = account_failed(account, exc)
    finally:
        await conn.aclose()
    ledger.record_collection(account.market, account.name, job, until.isoformat(), run.ok, run.message)
    return run


def collect(
    ws: Workspace,
    job: str,
    *,
    market: str | None = None,
    markets: Iterable[str] | None = None,
    account: str | None = None,
    since: dt.datetime | None = None,
    clock: Clock | None = None,
    app: Any = None,
    when: dt.datetime | None = None,
    on_plan: Callable[[str], None] | None = None,
) -> Collection:
    """Collect ``job`` ("orders", "claims" or "inquiries") from every chosen account, then write its export.

    ``market`` (the command line's ``--market``) or ``markets`` choose the marketplaces, ``account`` the account;
    each chosen account is asked once, and the export holds the open rows of the chosen accounts only.
    """
    wanted = set(markets) if markets is not None else None
    if market is not None:
        wanted = {market} if wanted is None else wanted & {market}
    chosen = _accounts(ws, wanted, account)
    ledger = Ledger(ws.ledger_path)
    try:
        result = Collection(job, plan=spaced_plan(chosen, job))
        if job == "orders" and ws.stock_sync:  # the orders of this collection on are the stock's to count
            StockBook(ledger).start_sync()
        if result.plan and on_plan is not None:
            on_plan(result.plan)

        async def all_accounts() -> list[AccountRun]:
            return list(
                await asyncio.gather(*(_collect_account(ws, a, job, since, ledger, clock, app) for a in chosen))
            )

        result.accounts = asyncio.run(all_accounts())
        if job in ("orders", "claims") and ws.stock_sync:  # orders take stock, cancels give it back: tell every listing
            result.stock = sync_stock(ws, ledger, clock=clock, app=app)
        result.markets = list(dict.fromkeys(a.market for a in chosen))
        every = {a.market for a in ws.accounts if a.market in SUPPORTED}
        scope = "" if set(result.markets) == every else "·".join(Market(m).label for m in result.markets)
        when = when or now_kst()
        path = output_path(ws.outbox, {"orders": "주문", "claims": "클레임", "inquiries": "문의"}[job], when, scope)
        summary = collection_summary(ledger, chosen, job)
        only = {(a.market, a.name) for a in chosen}
        if job == "orders":
            labels = {(Market(m).label, name) for m, name in only}
            rows = [r for r in order_rows(ledger) if (r.get("market"), r.get("account")) in labels]
            write_template(I.SPEC, path, {I.MAIN: rows}, examples=False, summary=summary)
        elif job == "claims":
            rows = claim_rows(ledger, only)
            write_template(CLAIMS_SPEC, path, {CLAIMS_MAIN: rows}, examples=False, summary=summary)
        else:
            rows, overdue = inquiry_rows(ledger, ws, now_kst(), only)
            write_template(A.SPEC, path, {A.MAIN: rows}, examples=False, summary=summary, highlight={A.MAIN: overdue})
        result.export, result.rows = path, len(rows)
        shown = [r.get("market") for r in rows]
        result.market_rows = {m: shown.count(Market(m).label) for m in result.markets}
        return result
    finally:
        ledger.close()


def spaced_plan(accounts: list[Account], job: str) -> str:
    """What staff should expect when a marketplace lets the whole installation make a call only so often (ESM: one
    order list every 5 s, for every account together): the least time those calls take, or "" when none wait."""
    by_market: dict[str, tuple[int, int, float]] = {}  # market -> (accounts, calls, spacing)
    for a in accounts:
        try:
            adapter = adapter_for(a.market)
            plan = getattr(adapter, "spaced_calls", None)
            if plan is None:
                continue
            calls, spacing = plan(adapter.credentials_for(a), job)
        except WorkspaceError:
            continue  # the account's own error is reported when it is collected
        if calls:
            n, total, _ = by_market.get(a.market, (0, 0, spacing))
            by_market[a.market] = (n + 1, total + calls, spacing)
    lines = []
    for market, (n, calls, spacing) in by_market.items():
        seconds = round((calls - 1) * spacing) if calls > 1 else 0
        minutes, rest = divmod(seconds, 60)
        took = f"{minutes}분 {rest}초" if minutes else f"{rest}초"
        lines.append(
            f"{label_of(market)} 주문 조회는 모든 계정을 합쳐 {spacing:g}초에 한 번만 할 수 있어, 계정 {n}개(조회 "
            f"{calls}번)는 적어도 {took} 걸립니다."
        )
    return "\n".join(lines)


def ledger_time(stamp: str) -> str:
    """A time the ledger stored (UTC ISO, ``2026-12-02T05:05:00+00:00``) as staff read it: ``2026-12-02 14:05``
    in KST, whatever the machine's time zone. A stamp without a zone is the ledger's UTC."""
    try:
        moment = dt.datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    return kst_text(moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC))


def collection_summary(ledger: Ledger, accounts: list[Account], job: str) -> list[list[str | int | None]]:
    """The 요약 sheet: each account's last collection and last success, in KST."""
    rows: list[list[str | int | None]] = [["마켓", "판매자ID", "마지막 수집", "결과", "내용", "마지막 성공"]]
    for a in accounts:
        last = ledger.last_collection(a.market, a.name, job, ok_only=False)
        good = ledger.last_collection(a.market, a.name, job, ok_only=True)
        label = Market(a.market).label
        if last is None:
            rows.append([label, a.name, None, "수집 안 함", None, None])
            continue
        ok = "성공" if last[2] else "실패"
        rows.append([label, a.name, ledger_time(last[0]), ok, last[3], ledger_time(good[0]) if good else None])
    return rows


def order_rows(ledger: Ledger) -> list[dict[str, str | None]]:
    """Every open order line, as the 송장대량등록 template's rows (택배사 and 송장번호 left empty), with the marketplace's
    shipping unit (배송단위) it shares one invoice in; the rows of a unit are next to each other."""
    out = []
    for our_no, line, unit in _by_unit(ledger.orders(OPEN)):
        out.append(
            {
                "our_no": our_no,
                "order_no": line.order_no,
                "unit": unit,
                "market": Market(line.market).label,
                "account": line.account,
                "site": label_of(line.site) if line.site else None,
                "code": ledger.code_for(line.market, line.account, line.product_no),
                "product_no": line.product_no,
                "product_name": line.product_name,
                "option_text": line.option_text,
                "qty": str(line.qty),
                "amount": str(line.price * line.qty),
                "buyer": line.buyer,
                "receiver": line.receiver,
                "phone": line.receiver_phone,
                "zipcode": line.zipcode,
                "address": line.address,
                "message": line.message,
                "status": line.status.value,
            }
        )
    return out


def _by_unit(lines: list[tuple[str, OrderLine]]) -> list[tuple[str, OrderLine, str]]:
    """(our number, line, shipping unit), by marketplace and account, the lines of a unit together and the units in
    the order their first line came (the adapter's ``shipment_key`` names the unit)."""
    from batch.jobs.invoices import shipment_unit  # the invoice job, imported by the one export that needs it

    markets = list(Market)
    keyed = [(our_no, line, shipment_unit(line)) for our_no, line in lines]
    first: dict[tuple[str, str, str], int] = {}
    for i, (_, line, unit) in enumerate(keyed):
        first.setdefault((line.market, line.account, unit), i)

    def place(item: tuple[str, OrderLine, str]) -> tuple[int, str, int]:
        _, line, unit = item
        return (markets.index(Market(line.market)), line.account, first[(line.market, line.account, unit)])

    return sorted(keyed, key=place)


def inquiry_rows(
    ledger: Ledger, ws: Workspace, now: dt.datetime, only: set[tuple[str, str]] | None = None
) -> tuple[list[dict[str, str | None]], frozenset[int]]:
    """Open inquiries (of the ``only`` (market, account) pairs, when given) sorted by their answer-by deadline (the
    marketplace's own when it sets one, else our business-day rule), and the indexes of the overdue ones. 수집일시 is
    in KST."""
    items = []
    for q, collected in ledger.open_inquiries():
        if only is not None and (q.market, q.account) not in only:
            continue
        try:
            deadline = dt.datetime.strptime(q.answer_by, "%Y-%m-%d %H:%M")  # the marketplace's own deadline
        except ValueError:
            try:
                asked = dt.datetime.strptime(q.asked_at[:19], "%Y-%m-%d %H:%M:%S")
            except ValueError:
                asked = now
            deadline = answer_by(asked, ws.answer_days.get(q.market, 1))
        items.append((deadline, q, collected))
    items.sort(key=lambda t: (t[0], t[1].inquiry_no))
    rows = [
        {
            "market": Market(q.market).label,
            "account": q.account,
            "inquiry_no": q.inquiry_no,
            "kind": q.kind,
            "code": ledger.code_for(q.market, q.account, q.product_no),
            "product_no": q.product_no,
            "product_name": ledger.product_name(q.market, q.account, q.product_no) or q.product_name or None,
            "order_no": q.order_no,
            "asked_at": q.asked_at,
            "collected_at": ledger_time(collected),
            "deadline": f"{deadline:%Y-%m-%d %H:%M}",
            "title": q.title,
            "body": q.body,
            "asker": q.asker,
        }
        for deadline, q, collected in items
    ]
    return rows, frozenset(i for i, (deadline, _, _) in enumerate(items) if deadline < now)


def claim_rows(ledger: Ledger, only: set[tuple[str, str]] | None = None) -> list[dict[str, str | None]]:
    """Every stored claim (of the ``only`` (market, account) pairs, when given)."""
    out = []
    for c in ledger.claims():
        if only is not None and (c.market, c.account) not in only:
            continue
        lines = ledger.order_lines(c.market, c.account, c.order_no)
        our = ledger.our_numbers(c.market, c.account, c.order_no)
        out.append(
            {
                "kind": c.kind.value,
                "status": c.status.value,
                "reason": c.reason,
                "claim_no": c.claim_no,
                "our_no": ", ".join(our),
                "order_no": c.order_no,
                "market": Market(c.market).label,
                "account": c.account,
                "site": label_of(c.site) if c.site else None,
                "code": ledger.code_for(c.market, c.account, c.product_no),
                "product_no": c.product_no,
                "product_name": c.product_name,
                "buyer": c.buyer,
                "buyer_phone": lines[0].buyer_phone if lines else "",
                "requested_at": c.requested_at,
                "shown": c.shown or None,
                "pickup": c.pickup or None,
            }
        )
    return out
