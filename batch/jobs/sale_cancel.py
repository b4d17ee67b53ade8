"""판매취소 (판매불가): the order workbook's 판매취소 column sent as each marketplace's seller cancel, once.

The manual's second path beside shipping: 주문확인 → 판매취소 → 판매취소 연동 (not offered by 종합몰). Never on an
order that has an invoice; a 품절 cancel sets the item's stock to 0, and the stock pass that follows the run stops
it on every marketplace.
"""

from __future__ import annotations

import hashlib
from typing import Any

from batch.importers import invoices as I
from batch.ledger import Ledger
from batch.marketplaces.base import AlreadyDone, Blocked, MarketError, Unavailable
from batch.marketplaces.connect import Connection
from batch.models import Market, OrderLine, OrderStatus, ProductLink, RowResult
from batch.stockbook import SALE_CANCEL, ResolveItem, StockBook

SHIPPED = (OrderStatus.SHIPPING, OrderStatus.DELIVERED)
NO_SALE_CANCEL = (
    "{label}에는 판매취소 연동이 없습니다(매뉴얼: 종합몰은 판매취소를 지원하지 않음). 그 몰의 관리 화면에서 취소하세요."
)


def cancel_key(unit_key: str) -> str:
    """The ledger key of a unit's seller cancel (apart from its invoice, which uses the unit key)."""
    return f"sale-cancel:{unit_key}"


def cancel_hash(reason: str) -> str:
    return hashlib.sha256(f"sale-cancel:{reason}".encode()).hexdigest()[:32]


def refusal(line: OrderLine, ledger: Ledger, unit_key: str) -> str | None:
    """Why this line cannot be cancelled by the seller (None: it can): shipped or invoiced."""
    if line.status in SHIPPED or ledger.link(line.market, line.account, unit_key) is not None:
        return "이미 송장을 보낸 주문은 판매취소할 수 없습니다. 반품으로 처리하거나 마켓에서 확인하세요."
    return None


async def cancel_units(
    units: dict[str, list[Any]], conn: Connection, ledger: Ledger, open_claims: dict[str, str]
) -> list[Any]:
    """Send the seller cancel of each unit (key -> its rows, all with one reason), once; returns the rows cancelled
    for 품절 (their items go to 0)."""
    adapter: Any = conn.adapter
    sold_out: list[Any] = []
    todo: dict[str, list[list[Any]]] = {}  # reason -> units
    for key, rows in units.items():
        first = rows[0]
        line = first.line
        claimed = next((r.line.order_no for r in rows if r.line.order_no in open_claims), None)
        if claimed is not None:
            _finish(
                rows,
                RowResult.HELD,
                f"보류: 구매자의 {open_claims[claimed]} 요청이 있습니다. 판매취소 대신 마켓에서 취소 요청을 승인하세요.",
            )
            continue
        done = ledger.link(line.market, line.account, cancel_key(key))
        if done is not None:
            _finish(rows, RowResult.SKIPPED, "이미 판매취소했습니다. 다시 보내지 않습니다.")
            continue
        if not hasattr(adapter, "cancel_sale"):
            _finish(rows, RowResult.ERROR, NO_SALE_CANCEL.format(label=Market(line.market).label))
            continue
        todo.setdefault(first.cancel, []).append(rows)
    for reason, unit_rows in todo.items():
        ids = {}
        for rows in unit_rows:
            line, key = rows[0].line, adapter.shipment_key(rows[0].line)
            ids[key] = ledger.begin(line.market, line.account, cancel_key(key), "sale-cancel", cancel_hash(reason))
        try:
            outcomes = await adapter.cancel_sale([[r.line for r in rows] for rows in unit_rows], reason)
        except MarketError as exc:
            outcomes = {adapter.shipment_key(rows[0].line): exc for rows in unit_rows}
        for rows in unit_rows:
            line = rows[0].line
            key = adapter.shipment_key(line)
            error = outcomes.get(
                key,
                Unavailable(
                    line.market,
                    "마켓이 판매취소 결과를 돌려주지 않았습니다. 주문을 다시 수집해 확인하세요.",
                    outcome_unknown=True,
                ),
            )
            if error is not None and not isinstance(error, AlreadyDone):
                ledger.fail(ids[key], str(error), unknown=isinstance(error, Unavailable) and error.outcome_unknown)
                _finish(rows, RowResult.HELD if isinstance(error, Blocked) else RowResult.ERROR, error.message)
                continue
            ledger.complete(ids[key], line.market, line.account, cancel_key(key), ProductLink(key), cancel_hash(reason))
            for r in rows:
                ledger.set_order_status(r.line, OrderStatus.CANCELLED)
            _finish(rows, RowResult.SUCCESS, f"판매취소({reason})")
            if reason == I.SOLD_OUT:
                known = mark_sold_out(ledger, [r.line for r in rows])
                for r in rows:
                    r.message += SOLD_OUT_NOTE if r.line in known else UNKNOWN_NOTE
                sold_out += rows
    return sold_out


def preview_units(units: dict[str, list[Any]], open_claims: dict[str, str], ledger: Ledger) -> None:
    """The dry run of ``cancel_units``: the same verdicts, nothing sent."""
    for key, rows in units.items():
        line = rows[0].line
        claimed = next((r.line.order_no for r in rows if r.line.order_no in open_claims), None)
        if claimed is not None:
            _finish(rows, RowResult.HELD, f"보류: 구매자의 {open_claims[claimed]} 요청이 있습니다.")
        elif ledger.link(line.market, line.account, cancel_key(key)) is not None:
            _finish(rows, RowResult.SKIPPED, "이미 판매취소했습니다. 다시 보내지 않습니다.")
        else:
            for r in rows:
                r.message = f"판매취소({r.cancel}) 예정"


def _finish(rows: list[Any], result: RowResult, message: str) -> None:
    for r in rows:
        r.result, r.message = result, message


SOLD_OUT_NOTE = " 이 상품·옵션의 재고를 0으로 하고 모든 마켓에서 판매를 멈춥니다."
UNKNOWN_NOTE = " 어느 상품·옵션인지 알 수 없어 재고는 바꾸지 않았습니다 (batch로 등록한 상품이 아닙니다). 다른 마켓은 직접 확인하세요."


def mark_sold_out(ledger: Ledger, lines: list[OrderLine]) -> list[OrderLine]:
    """The items of lines cancelled for 품절 are out: stock 0, and those lines never give their quantity back.
    Returns the lines whose item is known; a line whose item is unknown changes nothing (never guessed)."""
    book = StockBook(ledger)
    resolve = ResolveItem(book)
    changes = {}
    known = []
    for line in lines:
        found = resolve(line)
        book.settle_line(line, found)
        if found is None:
            continue
        item = next((i for i in book.items([found[0]]) if i.option_no == found[1]), None)
        if item is not None:
            changes[(item.code, item.option_no)] = (item, 0, item.selling)
            known.append(line)
    book.set_stock(list(changes.values()), SALE_CANCEL, ",".join(sorted({x.order_no for x in lines})))
    return known
