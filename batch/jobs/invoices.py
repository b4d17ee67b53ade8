"""송장대량등록: check the filled order export, confirm, hold claimed orders, send invoices exactly once."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Awaitable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from batch.config import Workspace
from batch.errors import WorkspaceError
from batch.importers import invoices as I
from batch.importers.validation import Validation
from batch.jobs.sale_cancel import cancel_units, preview_units, refusal
from batch.jobs.sending import Job, SendRun, run_job
from batch.jobs.stock import sync_now
from batch.ledger import Ledger, crash_point
from batch.marketplaces.base import Blocked, Clock, MarketError, Unavailable
from batch.marketplaces.connect import Connection, adapter_for
from batch.marketplaces.types import Outcomes, Shipment
from batch.models import ClaimStatus, Market, OrderLine, OrderStatus, ProductLink, RowResult, now_kst
from batch.report import Problem, Severity
from batch.trade.couriers import Courier, find_courier, normalize_tracking, tracking_problem

DELAY_DAYS = 3  # the manual: shipping 3 or more days out needs a 배송지연사유
CLAIM_LOOKBACK = dt.timedelta(days=7)


@dataclass
class InvoiceRow:
    row: int
    our_no: str
    line: OrderLine
    courier: Courier | None
    number: str
    force_done: bool
    result: RowResult | None = None
    message: str = ""
    source: int | None = None  # the row whose 택배사·송장번호 this row (left empty) takes: its shipping unit's
    cancel: str = ""  # a 판매취소 reason: this row asks for the seller cancel, not an invoice

    @property
    def where(self) -> tuple[str, str]:
        return (self.line.market, self.line.account)

    @property
    def key(self) -> str:
        return self.our_no


InvoiceRun = SendRun[InvoiceRow]

UNIT_CONFLICT = "unit-tracking-conflict"
UNIT_ROW_ERROR = "unit-row-error"


def _adapter_class(market: str) -> Any:
    """The marketplace's adapter class (None for a marketplace we do not send to): it names its shipping unit
    (``shipment_key``, ``describe_unit``, ``unit_noun``) and says what several numbers in one unit mean
    (``several_numbers``: "boxes", "lines", or absent: one number a unit)."""
    try:
        return adapter_for(market)
    except WorkspaceError:
        return None


def shipment_unit(line: OrderLine) -> str:
    """The marketplace's shipping unit of ``line``, as its adapter's ``shipment_key`` names it: the lines of one unit
    share one invoice (Coupang: shipmentBoxId; TMON: 주문번호/딜번호; Naver: productOrderId; 11번가: dlvNo)."""
    adapter = _adapter_class(line.market)
    return line.delivery_no if adapter is None else str(adapter.shipment_key(line))


def unit_name(market: str, key: str) -> str:
    """A shipping unit as staff find it in the export (the 배송단위 column)."""
    describe = getattr(_adapter_class(market), "describe_unit", None)
    return f"{Market(market).label} {describe(key) if describe else f'배송단위 {key}'}"


def _unit_noun(market: str) -> str:
    return str(getattr(_adapter_class(market), "unit_noun", "배송단위"))


def _several_numbers(market: str) -> str:
    return str(getattr(_adapter_class(market), "several_numbers", ""))


def _rows_text(rows: list[int]) -> str:
    return "·".join(str(r) for r in rows) + "행"


def _problem(v: Validation, row: int, key: str | None, code: str, message: str, our_no: str | None) -> None:
    data = v.book.sheets[I.MAIN]
    column = data.header_of(key) if key else None
    v.report.add(Problem(data.name, row, column, code, Severity.ERROR, message, our_no))


@dataclass
class _Member:
    """One row of a shipping unit as the workbook has it: what it asks for, and whether it passed its own checks."""

    row: int
    our_no: str
    line: OrderLine
    asks: bool  # a courier, a number or 강제완료 written on it
    force: bool = False
    courier: Courier | None = None
    number: str = ""
    failed: bool = False


def check_invoices(v: Validation, ledger: Ledger, today: dt.date) -> list[InvoiceRow]:
    """Rows that ask for something (a courier and number, or 강제완료) and pass every check, with the rows left empty
    in their shipping units (they take the unit's invoice). A unit is sent whole or not at all: conflicting numbers
    or couriers in it, or an error on one of its rows, hold every row of it back."""
    data = v.book.sheets[I.MAIN]
    units: dict[tuple[str, str, str], list[_Member]] = defaultdict(list)
    numbers: dict[str, list[tuple[int, str, str]]] = defaultdict(list)  # number -> (row, market, "order\tunit")
    bad = {p.row for p in v.report.errors}

    def member(row: int, our_no: str, line: OrderLine, asks: bool, **kw: Any) -> _Member:
        m = _Member(row, our_no, line, asks, **kw)
        units[(line.market, line.account, shipment_unit(line))].append(m)
        return m

    cancels: list[InvoiceRow] = []
    for row, r in data.records():
        v.results[row] = RowResult.SKIPPED
        force = r["force_done"] == I.FORCE_DONE
        asks = bool(r["courier"] or r["tracking"] or force)
        our_no = r["our_no"] or ""
        if r["sale_cancel"] and row not in bad:
            if (found_cancel := _sale_cancel_row(v, ledger, row, our_no, str(r["sale_cancel"]), asks)) is not None:
                cancels.append(found_cancel)
            continue
        if not asks or row in bad:  # an empty row may still take its unit's invoice; a broken one holds its unit
            if (found := ledger.order_by_our_no(our_no) if our_no else None) is not None:
                member(row, our_no, found, asks, failed=row in bad)
            continue
        line = _order(v, ledger, row, our_no)
        if line is None:
            continue
        asked = member(row, our_no, line, True, force=force, failed=True)  # failed until every check below passes
        courier = find_courier(r["courier"] or "") if r["courier"] else None
        number = normalize_tracking(r["tracking"] or "")
        if not force:
            if courier is None:
                _problem(
                    v,
                    row,
                    "courier",
                    "courier-unknown" if r["courier"] else "required-value",
                    f"택배사 '{r['courier']}'을(를) 모릅니다. ▼ 목록에서 고르세요."
                    if r["courier"]
                    else "택배사가 비어 있습니다. ▼ 목록에서 고르세요.",
                    our_no,
                )
                continue
            if line.market not in courier.codes:
                _problem(
                    v,
                    row,
                    "courier",
                    "courier-not-supported",
                    f"{Market(line.market).label}은(는) {courier.name} 코드를 받지 않습니다. 다른 택배사를 고르세요.",
                    our_no,
                )
                continue
            trouble = tracking_problem(courier, r["tracking"] or "") if courier.takes_number else None
            if courier.takes_number and not r["tracking"]:
                trouble = "송장번호가 비어 있습니다."
            if trouble:
                _problem(v, row, "tracking", "tracking-invalid", trouble, our_no)
                continue
            if courier.takes_number:
                numbers[number].append((row, line.market, f"{line.order_no}\t{shipment_unit(line)}"))
            else:  # 직접배송 has no number: the scheduled ship date stands in (the adapter sends it its way)
                day = r["ship_date"] or today.strftime("%Y%m%d")
                number = f"{day[:4]}-{day[4:6]}-{day[6:8]}"
            if not _ship_date_ok(r["ship_date"], r["delay_reason"], today):
                _problem(
                    v,
                    row,
                    "delay_reason",
                    "delay-reason-required",
                    f"출고예정일이 {DELAY_DAYS}일 이상 뒤입니다. 배송지연사유를 넣어 주세요.",
                    our_no,
                )
                continue
        asked.courier, asked.number, asked.failed = courier, number, False
    duplicated: set[int] = set()
    for number, uses in numbers.items():
        # one number may serve one order (any of its units) or one shipping unit (11번가 bundles orders in a dlvNo)
        orders = {(m, key.partition("\t")[0]) for _, m, key in uses}
        shared = {(m, key.partition("\t")[2]) for _, m, key in uses}
        if len(orders) > 1 and len(shared) > 1:
            for row, _, _ in uses:
                others = ", ".join(str(r) for r, _, _ in uses if r != row)
                _problem(
                    v,
                    row,
                    "tracking",
                    "tracking-duplicate",
                    f"송장번호 {number}이(가) 다른 주문({others}행)에도 있습니다. 번호를 확인하세요.",
                    None,
                )
                duplicated.add(row)
    wanted: list[InvoiceRow] = []
    for (market, _, key), members in units.items():
        for m in members:
            m.failed = m.failed or m.row in duplicated
        wanted += _unit_rows(v, market, key, members)
    by_unit: dict[tuple[str, str, str], list[InvoiceRow]] = defaultdict(list)
    for c in cancels:
        if c.result is None:
            by_unit[(c.line.market, c.line.account, shipment_unit(c.line))].append(c)
    shipping: dict[tuple[str, str, str], list[InvoiceRow]] = defaultdict(list)
    for w in wanted:
        shipping[(w.line.market, w.line.account, shipment_unit(w.line))].append(w)
    dropped: set[int] = set()
    for unit, rows in by_unit.items():  # a unit is cancelled whole, for one reason, and never shipped as well
        reasons = sorted({c.cancel for c in rows})
        mixed = shipping.get(unit, [])
        if len(reasons) == 1 and not mixed:
            continue
        every = _rows_text([x.row for x in rows + mixed])
        message = (
            f"같은 배송단위의 {every}에 송장과 판매취소가 함께 있습니다. 한 배송단위는 함께 처리되니 하나로 맞춰 주세요."
            if mixed
            else f"같은 배송단위의 {every}에 판매취소 사유가 서로 다릅니다 ({', '.join(reasons)}). 하나로 맞춰 주세요."
        )
        for x in rows + mixed:
            _problem(v, x.row, "sale_cancel", "sale-cancel-in-unit", message, x.our_no)
            dropped.add(x.row)
    kept = [w for w in [*wanted, *cancels] if w.row not in dropped]
    return sorted(kept, key=lambda w: w.row)


def _order(v: Validation, ledger: Ledger, row: int, our_no: str) -> OrderLine | None:
    """The collected order line a row names, or None (its problem reported)."""
    line = ledger.order_by_our_no(our_no) if our_no else None
    if line is None:
        _problem(
            v,
            row,
            "our_no",
            "unknown-order",
            f"주문번호 '{our_no}'인 주문을 찾지 못했습니다. 주문 수집으로 받은 파일의 주문번호를 그대로 쓰세요.",
            our_no,
        )
    return line


def _sale_cancel_row(
    v: Validation, ledger: Ledger, row: int, our_no: str, reason: str, asks: bool
) -> InvoiceRow | None:
    """A row asking for 판매취소, or None (its problem reported)."""
    if asks:
        _problem(
            v,
            row,
            "sale_cancel",
            "sale-cancel-with-invoice",
            "판매취소와 택배사·송장번호(또는 강제완료)를 함께 쓸 수 없습니다. 보낼 주문이면 판매취소를 비우고, 취소할 "
            "주문이면 송장을 비워 주세요.",
            our_no,
        )
        return None
    line = _order(v, ledger, row, our_no)
    if line is None:
        return None
    if (why := refusal(line, ledger, shipment_unit(line))) is not None:
        _problem(v, row, "sale_cancel", "sale-cancel-shipped", why, our_no)
        return None
    found = InvoiceRow(row, our_no, line, None, "", False, cancel=reason)
    if line.status is OrderStatus.CANCELLED:
        found.result, found.message = RowResult.SKIPPED, "이미 취소된 주문입니다. 보내지 않습니다."
    return found


def _unit_rows(v: Validation, market: str, key: str, members: list[_Member]) -> list[InvoiceRow]:
    """The rows one shipping unit sends: every row of it with the one invoice written on any of them; none (each row
    told why) when its rows disagree or one of them has an error."""
    asking = [m for m in members if m.asks]
    if not asking:
        return []
    fine = [m for m in members if not m.failed]
    forced = [m for m in asking if m.force and not m.failed]
    numbered = [m for m in asking if not m.force and not m.failed]
    name, noun = unit_name(market, key), _unit_noun(market)
    couriers = list(dict.fromkeys(m.courier.name for m in numbered if m.courier))
    values = list(dict.fromkeys(m.number for m in numbered))
    conflict: tuple[str, str] | None = None  # (column key, message)
    if forced and numbered:
        rows = _rows_text([m.row for m in forced + numbered])
        conflict = (
            "force_done",
            f"{name}의 {rows}에 강제완료와 송장번호가 함께 있습니다. 한 {noun}은(는) 함께 처리되니 하나로 맞춰 주세요.",
        )
    elif len(couriers) > 1:
        rows = _rows_text([m.row for m in numbered])
        conflict = (
            "courier",
            f"{name}의 {rows}에 택배사가 서로 다릅니다 ({', '.join(couriers)}). "
            f"한 {noun}에는 택배사 하나만 넣어 주세요.",
        )
    elif len(values) > 1:
        courier = numbered[0].courier
        assert courier is not None
        if not courier.takes_number:
            rows = _rows_text([m.row for m in numbered])
            conflict = (
                "ship_date",
                f"{name}의 {rows}에 출고예정일이 서로 다릅니다 ({', '.join(values)}). "
                f"한 {noun}에는 출고예정일 하나만 넣어 주세요.",
            )
        elif _several_numbers(market) == "lines" and (empty := [m for m in fine if not m.asks]):
            rows = _rows_text([m.row for m in numbered])
            conflict = (
                "tracking",
                f"{name}의 {rows}에 송장번호가 서로 달라 상품별로 나눠 보냅니다(부분발송). 비어 있는 "
                f"{_rows_text([m.row for m in empty])}에도 송장번호를 넣거나, 한 {noun}에 송장번호 하나만 넣어 주세요.",
            )
        elif not _several_numbers(market):
            rows = _rows_text([m.row for m in numbered])
            conflict = (
                "tracking",
                f"{name}의 {rows}에 송장번호가 서로 다릅니다 ({', '.join(values)}). "
                f"한 {noun}에는 송장번호 하나만 넣어 주세요.",
            )
    if conflict is not None:
        column, message = conflict
        for m in fine:
            _problem(v, m.row, column if m.asks else None, UNIT_CONFLICT, message, m.our_no)
        return []
    if len(fine) < len(members):
        broken = _rows_text([m.row for m in members if m.failed])
        every = _rows_text([m.row for m in members])
        message = (
            f"{name}의 {broken}에 오류가 있어 이 {noun}({every})을(를) 보내지 않았습니다. "
            "그 행을 고친 뒤 다시 넣어 주세요."
        )
        for m in fine:
            _problem(v, m.row, None, UNIT_ROW_ERROR, message, m.our_no)
        return []
    if forced:  # 강제완료 settles the rows that ask for it; the rows left empty stay open
        return [InvoiceRow(m.row, m.our_no, m.line, None, "", True) for m in forced]
    first = numbered[0]
    out = [InvoiceRow(m.row, m.our_no, m.line, m.courier, m.number, False) for m in numbered]
    out += [
        InvoiceRow(m.row, m.our_no, m.line, first.courier, first.number, False, source=first.row)
        for m in fine
        if not m.asks
    ]
    return out


def _ship_date_ok(ship_date: str | None, reason: str | None, today: dt.date) -> bool:
    if not ship_date or reason:
        return True
    try:
        day = dt.datetime.strptime(ship_date, "%Y%m%d").date()
    except ValueError:
        return True  # reported by the schema
    return (day - today).days < DELAY_DAYS


def invoice_hash(courier: Courier, number: str) -> str:
    return hashlib.sha256(f"{courier.key}:{number}".encode()).hexdigest()[:32]


@dataclass
class Unit:
    """The rows of one shipment unit (the marketplace's ``shipment_key``), on their way out."""

    key: str
    rows: list[InvoiceRow]
    send_id: int = 0

    @property
    def line(self) -> OrderLine:
        return self.rows[0].line

    @property
    def lines(self) -> list[OrderLine]:
        return list({(r.line.option_no, r.line.order_no): r.line for r in self.rows}.values())

    def finish(self, result: RowResult, message: str) -> None:
        for r in self.rows:
            r.result, r.message = result, message
            if r.source is not None and result in (RowResult.SUCCESS, RowResult.SKIPPED):
                r.message = f"{message} ({r.source}행의 송장번호)"


def _prepare(unit: Unit, ledger: Ledger, open_claims: dict[str, str]) -> Shipment | None:
    """The unit's invoice, or None when the unit is settled without sending (held, forced, unchanged, mixed)."""
    first = unit.rows[0]
    line = unit.line
    claimed = next((x.order_no for x in unit.lines if x.order_no in open_claims), None)  # any order of a bundle
    if claimed is not None:
        unit.finish(RowResult.HELD, f"보류: {open_claims[claimed]} 요청이 있어 송장을 보내지 않았습니다.")
        return None
    if first.force_done:
        for r in unit.rows:
            ledger.set_order_status(r.line, OrderStatus.SHIPPING)
        unit.finish(RowResult.SUCCESS, "강제완료: 아무것도 보내지 않고 처리 완료로 표시했습니다.")
        return None
    assert first.courier is not None
    if len({r.courier.key for r in unit.rows if r.courier}) > 1:
        unit.finish(RowResult.ERROR, "같은 주문 상품(딜)의 행들은 택배사가 같아야 합니다. 택배사를 맞춰 주세요.")
        return None
    numbers = list(
        dict.fromkeys(r.number for r in unit.rows)
    )  # several boxes: the first is the invoice, the rest extra
    link = ledger.link(line.market, line.account, unit.key)
    if link is not None and link.sent_hash == invoice_hash(first.courier, ",".join(numbers)):
        unit.finish(RowResult.SKIPPED, "이미 보낸 송장입니다.")
        return None
    code = first.courier.codes.get(line.market, "")  # none (직접배송 on 11번가): the adapter refuses in Korean
    if _several_numbers(line.market) == "lines" and len(numbers) > 1:  # 부분발송: each line under its own number
        own = {(r.line.order_no, r.line.option_no): r.number for r in unit.rows}
        per_line = tuple(own[(x.order_no, x.option_no)] for x in unit.lines)
        return Shipment(unit.key, tuple(unit.lines), code, numbers[0], correct=link is not None, line_numbers=per_line)
    return Shipment(unit.key, tuple(unit.lines), code, numbers[0], tuple(numbers[1:]), correct=link is not None)


def _failed(unit: Unit, error: MarketError) -> None:
    unit.finish(RowResult.HELD if isinstance(error, Blocked) else RowResult.ERROR, error.message)


async def _send_units(units: list[Unit], conn: Connection, ledger: Ledger, open_claims: dict[str, str]) -> None:
    """Confirm what is new, then send every invoice, in the marketplace's batches; one result per unit."""
    adapter: Any = conn.adapter
    ready = [(u, s) for u in units if (s := _prepare(u, ledger, open_claims)) is not None]
    new = [(u, s) for u, s in ready if any(x.status is OrderStatus.NEW for x in s.lines)]
    if new:  # a unit confirmed already counts as confirmed
        confirmed = await _outcomes(adapter.confirm([list(s.lines) for _, s in new]), [u for u, _ in new])
        notes: dict[str, str] = getattr(adapter, "notes", {})  # what 발주확인 learnt (ESM: a changed address)
        fresh: dict[str, list[OrderLine]] = getattr(adapter, "changed_lines", {})
        for u, s in new:
            if (error := confirmed[u.key]) is not None:
                _failed(u, error)
                continue
            for x in s.lines:
                ledger.set_order_status(x, OrderStatus.CONFIRMED)
            if u.key in fresh:
                ledger.replace_orders(fresh[u.key])
            if u.key in notes:  # the label may carry the old address: nothing is sent until staff have looked
                u.finish(
                    RowResult.HELD,
                    f"발주확인했습니다. {notes[u.key]} 송장은 보내지 않았습니다: 택배 송장의 주소를 확인한 뒤 같은 "
                    "파일을 다시 넣으세요.",
                )
    ready = [(u, s) for u, s in ready if u.rows[0].result is None]
    for u, s in ready:
        assert u.rows[0].courier is not None
        digest = invoice_hash(u.rows[0].courier, ",".join(s.numbers))
        u.send_id = ledger.begin(u.line.market, u.line.account, u.key, "correct" if s.correct else "invoice", digest)
    crash_point("after-intent")
    sent = await _outcomes(adapter.send_invoices([s for _, s in ready]), [u for u, _ in ready]) if ready else {}
    crash_point("before-complete")
    for u, s in ready:
        error = sent[u.key]
        if error is not None:
            ledger.fail(u.send_id, str(error), unknown=isinstance(error, Unavailable) and error.outcome_unknown)
            _failed(u, error)
            continue
        assert u.rows[0].courier is not None
        digest = invoice_hash(u.rows[0].courier, ",".join(s.numbers))
        ledger.complete(u.send_id, u.line.market, u.line.account, u.key, ProductLink(s.number), digest)
        for x in s.lines:
            ledger.set_order_status(x, OrderStatus.SHIPPING)
        u.finish(RowResult.SUCCESS, ("송장 수정" if s.correct else "송장 등록") + _extra(s))


def _extra(s: Shipment) -> str:
    if s.line_numbers:
        return f" (부분발송: 상품별 송장 {len(s.numbers)}개)"
    return f" (추가 송장 {len(s.additional)}개)" if s.additional else ""


async def _outcomes(call: Awaitable[Outcomes], units: list[Unit]) -> dict[str, MarketError | None]:
    """The adapter's per-unit outcomes; a failure of the whole call (or a unit left out) is every unit's error."""
    try:
        found = await call
    except MarketError as exc:
        return {u.key: exc for u in units}
    return {u.key: found[u.key] if u.key in found else _missing(u) for u in units}


def _missing(unit: Unit) -> MarketError:
    message = "마켓이 이 주문의 처리 결과를 돌려주지 않았습니다. 마켓에서 확인한 뒤 다시 실행하세요."
    return Unavailable(unit.line.market, message, outcome_unknown=True)


async def _open_claims(conn: Connection, ledger: Ledger, since: dt.datetime) -> dict[str, str]:
    """Claims collected again just before sending: order number -> what is open on it."""
    adapter: Any = conn.adapter
    # the window is in whole minutes: reach past now so a claim asked this minute is in it
    claims = await adapter.collect_claims(since, now_kst() + dt.timedelta(minutes=1), conn.account.name, latest=True)
    ledger.store_claims(claims)
    return {
        c.order_no: f"{c.kind.value}({c.reason})" if c.reason else c.kind.value
        for c in claims
        if c.status is ClaimStatus.REQUESTED
    }


async def _claims_and_units(
    conn: Connection, mine: list[InvoiceRow], ledger: Ledger
) -> tuple[dict[str, str], list[Unit]] | None:
    """A fresh claim check and the account's rows by shipping unit; None (every row settled) when the check failed:
    never send blind. A failed account (login, network) is an error the exit code shows; the kill switch holds."""
    since = min(_ordered(r.line) for r in mine) - dt.timedelta(days=1)
    try:
        claims = await _open_claims(conn, ledger, max(since, now_kst() - CLAIM_LOOKBACK))
    except MarketError as exc:
        for r in mine:
            r.result = RowResult.HELD if isinstance(exc, Blocked) else RowResult.ERROR
            r.message = f"취소 요청을 확인하지 못해 보내지 않았습니다: {exc.message}. 다시 실행하세요."
        return None
    units: dict[str, Unit] = {}
    for r in mine:
        key = conn.adapter.shipment_key(r.line)
        units.setdefault(key, Unit(key, [])).rows.append(r)
    return claims, list(units.values())


async def _send_account(conn: Connection, mine: list[InvoiceRow], ledger: Ledger) -> None:
    found = await _claims_and_units(conn, mine, ledger)
    if found is not None:
        claims, units = found
        cancels = {u.key: u.rows for u in units if u.rows[0].cancel}
        if cancels:
            await cancel_units(cancels, conn, ledger, claims)
        await _send_units([u for u in units if not u.rows[0].cancel], conn, ledger, claims)


async def _preview_account(conn: Connection, mine: list[InvoiceRow], ledger: Ledger) -> None:
    """The dry run of ``_send_account`` (``ledger`` keeps nothing): the same fresh claim check and the same
    per-unit verdicts (``_prepare``: held, forced, mixed couriers, sent already); nothing confirmed or sent. A unit
    a real run would send keeps ``result`` None and says what would go."""
    found = await _claims_and_units(conn, mine, ledger)
    if found is None:
        return
    claims, units = found
    preview_units({u.key: u.rows for u in units if u.rows[0].cancel}, claims, ledger)
    for u in units:
        if u.rows[0].cancel:
            continue
        s = _prepare(u, ledger, claims)
        if s is None and not (u.rows[0].force_done and u.rows[0].result is RowResult.SUCCESS):
            continue
        if s is None:
            planned = "강제완료 예정: 아무것도 보내지 않고 처리 완료로 표시합니다."
        else:
            confirm = "발주확인 후 " if any(x.status is OrderStatus.NEW for x in s.lines) else ""
            planned = f"{confirm}{'송장 수정' if s.correct else '송장 등록'} 예정{_extra(s)}"
        for r in u.rows:
            r.result = None
            r.message = planned + (f" ({r.source}행의 송장번호)" if r.source is not None else "")


def _ordered(line: OrderLine) -> dt.datetime:
    try:
        return dt.datetime.strptime(line.ordered_at[:16], "%Y-%m-%d %H:%M")
    except ValueError:
        return now_kst()


def run_invoices(
    path: Path,
    ws: Workspace,
    *,
    dry_run: bool = False,
    clock: Clock | None = None,
    app: Any = None,
    when: dt.datetime | None = None,
) -> InvoiceRun:
    """Validate a filled order export and (unless ``dry_run``) send its invoices; write the result workbook."""
    job = Job(
        I.SPEC,
        lambda v, ledger: check_invoices(v, ledger, now_kst().date()),
        _send_account,
        ("송장 결과", "송장 메시지"),
        preview=_preview_account,
    )
    run = run_job(job, path, ws, dry_run=dry_run, clock=clock, app=app, when=when)
    cancelled = [r for r in run.rows if r.cancel and r.result is RowResult.SUCCESS]
    sold_out = [r.line for r in cancelled if r.cancel == I.SOLD_OUT]
    if (sold_out or (cancelled and ws.stock_sync)) and not dry_run:
        # 품절: the item is out (set to 0 as each cancel went), every listing stopped in this same run; another
        # reason gives the units back (with [stock] sync) and the listings are told
        run.stock = sync_now(ws, clock=clock, app=app)
    return run
