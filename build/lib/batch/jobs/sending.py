"""What the invoice and answer jobs share: the dropped workbook checked, rows sent per account, and their outcomes
folded into the result workbook."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

from batch.config import Workspace
from batch.errors import WorkspaceError
from batch.exporters.result import MarketColumns, ResultFiles, write_result
from batch.importers.schema import validate_sheet
from batch.importers.validation import Validation
from batch.importers.workbook import load_book
from batch.jobs.connections import account_failed, open_account
from batch.ledger import Ledger
from batch.marketplaces.base import Clock
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
) -> ResultFiles:
    """Fold each row's outcome into the report and 처리결과, then write the result workbook."""
    fold(v, rows, column)
    cells = {r.row: [r.result.value if r.result else "", r.message] for r in rows}
    return write_result(v, outbox, when, MarketColumns(list(headers), cells))


def fold(v: Validation, rows: Sequence[SentRow], column: str | None = None) -> None:
    """Every row's 처리결과: an error anywhere in the row wins, then what happened when it was sent."""
    main = v.book.sheets[v.book.spec.main.name]
    for r in rows:
        if r.result is RowResult.ERROR:
            market = r.where[0]
            header = main.header_of(column) if column else None
            message = f"[{Market(market).label}] {r.message}"
            v.report.add(
                Problem(main.name, r.row, header, "marketplace-rejected", Severity.ERROR, message, r.key, market)
            )
    v.row_problems = v.problems_by_row()
    for row, problems in v.row_problems.items():
        if any(p.severity is Severity.ERROR for p in problems):
            v.results[row] = RowResult.ERROR
    for r in rows:
        if r.result and v.results.get(r.row) is not RowResult.ERROR:
            v.results[r.row] = r.result


@dataclass
class SendRun(Generic[R]):
    """One dropped workbook of an invoice or answer job: its checks, its rows and the result files."""

    validation: Validation
    rows: list[R]
    files: ResultFiles | None = None

    @property
    def has_errors(self) -> bool:
        return any(r is RowResult.ERROR for r in self.validation.results.values())


@dataclass(frozen=True)
class Job(Generic[R]):
    """What differs between the invoice and answer jobs: the template, the rows' own checks, how an account's rows
    are sent, and the result columns (``column``: the cell a marketplace's refusal points at)."""

    spec: TemplateSpec
    check: Callable[[Validation, Ledger], list[R]]
    send: Callable[[Connection, list[R], Ledger], Awaitable[None]]
    headers: tuple[str, str]
    column: str | None = None


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
    """Check a dropped workbook and (unless ``dry_run``) send its rows, every account at once; write the result."""
    v = load_checked(path, job.spec)
    ledger = Ledger(ws.ledger_path)
    try:
        rows = job.check(v, ledger)
        run = SendRun(v, rows)
        if dry_run:
            fold(v, rows, job.column)
            return run
        asyncio.run(per_account(rows, ws, lambda c, m: job.send(c, m, ledger), clock=clock, app=app))
        run.files = settle(v, rows, ws.outbox, when, job.headers, job.column)
        return run
    finally:
        ledger.close()
