"""What the invoice and answer jobs share: the dropped workbook checked, rows sent per account, and their outcomes
folded into the result workbook."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar, cast

from batch.config import Workspace
from batch.errors import WorkspaceError
from batch.exporters.result import PLANNED, MarketColumns, ResultFiles, write_result
from batch.importers.schema import validate_sheet
from batch.importers.validation import Validation
from batch.importers.workbook import load_book
from batch.jobs.connections import account_failed, open_account
from batch.ledger import Ledger
from batch.marketplaces.base import AuthFailed, Blocked, Clock, MarketError
from batch.marketplaces.connect import Connection
from batch.models import Market, RowResult
from batch.report import Problem, Severity
from batch.sheetspec import TemplateSpec


class SentRow(Protocol):
    row: int
    result: RowResult | None
    message: str

    @property
    def where(self) -> tuple[str, str]: ...  # (market, account)

    @property
    def key(self) -> str: ...  # the row's id (our order number, inquiry number)


R = TypeVar("R", bound=SentRow)

LEFT_ALONE = "채운 내용이 없어 건너뛰었습니다."  # a row that asks for nothing (no answer approved, no invoice)
NOT_SENT = "보내지 않음"  # a dry run's result column for a row a real run would not send


class DryLedger:
    """The ledger as a dry run uses it: read as it is, never written (no intent, no claim or status stored)."""

    WRITES = frozenset(
        {
            "begin",
            "complete",
            "fail",
            "store_orders",
            "set_order_status",
            "store_claims",
            "store_inquiries",
            "mark_answered",
            "record_collection",
        }
    )

    def __init__(self, ledger: Ledger) -> None:
        self._ledger = ledger

    def __getattr__(self, name: str) -> Any:
        if name in self.WRITES:
            return _kept_nothing
        return getattr(self._ledger, name)


def _kept_nothing(*args: Any, **kw: Any) -> None:
    return None


def dry_ledger(ledger: Ledger) -> Ledger:
    return cast(Ledger, DryLedger(ledger))


async def logged_in(conn: Connection, rows: Sequence[SentRow]) -> bool:
    """The account's cheapest authenticated call (as `batch accounts --check`); when it fails, every row not
    settled yet gets the reason (held for the kill switch) and False is returned."""
    try:
        await conn.adapter.vendor_id()
    except MarketError as exc:
        label = Market(conn.account.market).label
        message = exc.message if isinstance(exc, AuthFailed) else f"{label} 계정에 접속하지 못했습니다: {exc.message}"
        for r in rows:
            if r.result is None:
                r.result = RowResult.HELD if isinstance(exc, Blocked) else RowResult.ERROR
                r.message = message
        return False
    return True


async def preview_login(conn: Connection, rows: Sequence[SentRow], ledger: Ledger) -> None:
    """The dry run of a job with nothing else to ask before sending: the credentials, then 보낼 예정."""
    if await logged_in(conn, rows):
        for r in rows:
            if r.result is None:
                r.message = r.message or PLANNED


async def per_account(
    rows: Sequence[R],
    ws: Workspace,
    work: Callable[[Connection, list[R]], Awaitable[None]],
    *,
    clock: Clock | None,
    app: Any,
) -> None:
    """Run ``work`` for every (market, account) with its rows, the accounts at once (each paces itself);
    an account that cannot connect fails only its rows."""
    groups: dict[tuple[str, str], list[R]] = defaultdict(list)
    for r in rows:
        groups[r.where].append(r)

    async def one(market: str, name: str, mine: list[R]) -> None:
        account = ws.account(market, name)
        try:
            if account is None:
                raise WorkspaceError(f"batch.toml에 {Market(market).label} 계정 '{name}'이(가) 없습니다.")
            conn = open_account(ws, account, clock=clock, app=app)
        except WorkspaceError as exc:
            for r in mine:
                r.result, r.message = RowResult.ERROR, exc.message
            return
        except Exception as exc:  # one broken account never stops the others
            assert account is not None
            for r in mine:
                r.result, r.message = RowResult.ERROR, account_failed(account, exc)
            return
        try:
            await work(conn, mine)
        except Exception as exc:  # the rows not settled yet fail; the ledger's open intents are checked next run
            message = account_failed(conn.account, exc)
            for r in mine:
                if r.result is None:
                    r.result, r.message = RowResult.ERROR, message
        finally:
            await conn.aclose()

    await asyncio.gather(*(one(market, name, mine) for (market, name), mine in groups.items()))


def load_checked(path: Path, spec: TemplateSpec) -> Validation:
    """A dropped workbook of ``spec``, read and checked cell by cell (its own rules come after)."""
    book, report = load_book(path, spec)
    report.extend(validate_sheet(book.sheets[spec.main.name], spec))
    return Validation(book, report)


def settle(
    v: Validation,
    rows: Sequence[SentRow],
    outbox: Path,
    when: dt.datetime | None,
    headers: tuple[str, str],
    column: str | None = None,
    *,
    idle: Callable[[Validation, int], str] | None = None,
    preview: bool = False,
) -> ResultFiles:
    """Fold each row's outcome into the report and 처리결과, then write the result workbook (``preview``: a dry
    run's plan, where a row a real run would send reads 보낼 예정 and one it would not send 보내지 않음).
    Each 건너뜀 row says why: its own message (이미 보냄 …), else ``idle`` (승인 안 됨 …)."""
    fold(v, rows, column, preview=preview)
    cells = {r.row: [_shown(r, preview), r.message] for r in rows}
    sent = {r.row for r in rows}
    notes = {r.row: r.message for r in rows if r.result is RowResult.SKIPPED}
    for row, result in v.results.items():
        if result is RowResult.SKIPPED and row not in sent:
            notes[row] = idle(v, row) if idle else LEFT_ALONE
    return write_result(v, outbox, when, MarketColumns(list(headers), cells, notes), preview=preview)


def _shown(r: SentRow, preview: bool) -> str:
    if r.result is None:
        return PLANNED if preview else ""
    if preview and r.result is RowResult.ERROR:
        return NOT_SENT
    return r.result.value


def fold(v: Validation, rows: Sequence[SentRow], column: str | None = None, *, preview: bool = False) -> None:
    """Every row's 처리결과: an error anywhere in the row wins, then what happened when it was sent (``preview``:
    a row a real run would send, its result still None, counts as a success to come)."""
    main = v.book.sheets[v.book.spec.main.name]
    for r in rows:
        if r.result is RowResult.ERROR:
            market = r.where[0]
            header = main.header_of(column) if column else None
            message = f"[{Market(market).label}] {r.message}" if market else r.message  # a stock row: every market
            v.report.add(
                Problem(main.name, r.row, header, "marketplace-rejected", Severity.ERROR, message, r.key, market)
            )
    v.row_problems = v.problems_by_row()
    for row, problems in v.row_problems.items():
        if any(p.severity is Severity.ERROR for p in problems):
            v.results[row] = RowResult.ERROR
    for r in rows:
        result = r.result or (RowResult.SUCCESS if preview else None)
        if result and v.results.get(r.row) is not RowResult.ERROR:
            v.results[r.row] = result


@dataclass
class SendRun(Generic[R]):
    """One dropped workbook of an invoice or answer job: its checks, its rows and the result files (a dry run's:
    its plan, ``files.preview``; a row a real run would send keeps ``result`` None)."""

    validation: Validation
    rows: list[R]
    files: ResultFiles | None = None
    dry_run: bool = False
    stock: Any = None  # the 재고 연동 pass the run ended with (a 판매취소 for 품절), if any

    @property
    def has_errors(self) -> bool:
        return any(r is RowResult.ERROR for r in self.validation.results.values())


@dataclass(frozen=True)
class Job(Generic[R]):
    """What differs between the invoice and answer jobs: the template, the rows' own checks, how an account's rows
    are sent, and the result columns (``column``: the cell a marketplace's refusal points at).

    ``check`` may return rows settled already (result set, e.g. 건너뜀: 이미 보냄): they are reported, never sent.
    ``preview`` is the dry run of ``send``: everything ``send`` decides before its first write, on a ledger that
    keeps nothing; it leaves ``result`` None on a row that would be sent and says how in ``message``.
    ``idle`` says why a row that asks for nothing was left alone (승인 안 됨 …).
    """

    spec: TemplateSpec
    check: Callable[[Validation, Ledger], list[R]]
    send: Callable[[Connection, list[R], Ledger], Awaitable[None]]
    headers: tuple[str, str]
    column: str | None = None
    preview: Callable[[Connection, list[R], Ledger], Awaitable[None]] = preview_login
    idle: Callable[[Validation, int], str] | None = None


def run_job(
    job: Job[R],
    path: Path,
    ws: Workspace,
    *,
    dry_run: bool,
    clock: Clock | None,
    app: Any,
    when: dt.datetime | None,
) -> SendRun[R]:
    """Check a dropped workbook and send its rows, every account at once; write the result.

    ``dry_run``: the same checks, the accounts opened and asked what ``send`` asks before writing (credentials,
    open claims …), nothing written; the plan goes to ``…_미리보기_<KST>.xlsx``.
    """
    v = load_checked(path, job.spec)
    ledger = Ledger(ws.ledger_path)
    try:
        rows = job.check(v, ledger)
        run = SendRun(v, rows, dry_run=dry_run)
        todo = [r for r in rows if r.result is None]
        if dry_run:
            dry = dry_ledger(ledger)
            asyncio.run(per_account(todo, ws, lambda c, m: job.preview(c, m, dry), clock=clock, app=app))
        else:
            asyncio.run(per_account(todo, ws, lambda c, m: job.send(c, m, ledger), clock=clock, app=app))
        run.files = settle(v, rows, ws.outbox, when, job.headers, job.column, idle=job.idle, preview=dry_run)
        return run
    finally:
        ledger.close()
