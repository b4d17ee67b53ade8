"""import -> validate -> plan -> push -> result: one entry point for `batch run`, the demo and the watcher."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hashlib
import json
import threading
from collections import Counter, defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from batch.config import Workspace
from batch.errors import Interrupted, WorkspaceError
from batch.exporters.result import MarketColumns, ResultFiles, write_result
from batch.importers import products as P
from batch.importers.product_build import ProductBuilder, sales_infos
from batch.importers.validation import Validation, validate_products
from batch.jobs import stock as stock_job
from batch.jobs.connections import account_failed, open_account
from batch.ledger import Ledger, crash_point
from batch.marketplaces.base import AuthFailed, Blocked, Clock, DailyCapReached, MarketError, Unavailable
from batch.marketplaces.connect import SUPPORTED, Connection, adapter_for
from batch.marketplaces.types import option_no
from batch.models import Market, Product, ProductLink, RowResult, SalesInfo, now_kst
from batch.report import Problem, Severity
from batch.stockbook import StockBook, option_text


class Action(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    SKIP = "skip"  # the marketplace already holds exactly this
    BLOCKED = "blocked"  # not sent: an error in the row, the kill switch, an account problem


ACTION_LABELS = {
    Action.CREATE: "신규 등록",
    Action.UPDATE: "수정",
    Action.SKIP: "변경 없음",
    Action.BLOCKED: "보내지 않음",
}
# What a dry run's plan says per marketplace (its result columns and the console); a held step reads 보류.
PLANNED_LABELS = {
    Action.CREATE: "신규 등록 예정",
    Action.UPDATE: "수정 예정",
    Action.SKIP: "건너뜀(변경 없음)",
    Action.BLOCKED: "보내지 않음",
}
SENDING = (Action.CREATE, Action.UPDATE)
UNCHANGED = "변경 없음"
FOUND = "등록 확인"  # a send whose answer was lost: the product was found at the marketplace, nothing sent again
RECOVER_NOTE = "이전 전송의 결과를 모릅니다. 보내기 전에 마켓에서 먼저 찾아봅니다."
OTHER_MARKET = "고른 마켓(--market)으로 보내는 상품이 아니라 건너뛰었습니다."

# Registrations a marketplace takes per seller account and KST day, as each adapter says (``daily_creates``;
# 11번가: 500, its guide's apiSeq 1003). Updates do not count.
DAILY_CREATES: dict[str, int] = {
    market: int(limit) for market in SUPPORTED if (limit := getattr(adapter_for(market), "daily_creates", None))
}


def _topic(word: str) -> str:
    """은 after a final consonant, 는 after a vowel (11번가는, 티몬은); a word not ending in Hangul takes 은(는)."""
    last = word[-1:]
    if not ("가" <= last <= "힣"):
        return "은(는)"
    return "은" if (ord(last) - 0xAC00) % 28 else "는"


def cap_message(market: Market) -> str:
    """Why a registration waits for tomorrow (the row is 보류, the next day's run sends it)."""
    limit = DAILY_CREATES.get(market.value)
    per_day = f"하루 {limit:,}개까지" if limit else "하루에 정해진 개수까지만"
    return (
        f"{market.label}{_topic(market.label)} {per_day} 등록할 수 있어 내일 이어서 보냅니다. "
        "내일 같은 파일을 다시 넣어 주세요."
    )


@dataclass
class Step:
    """One product to one marketplace account."""

    row: int
    product: Product | None
    sales: SalesInfo
    action: Action
    reason: str = ""
    payload_hash: str = ""
    link: ProductLink | None = None
    recover: bool = False  # a previous send's outcome is unknown: look the product up first
    held: bool = False  # blocked by the kill switch or the daily cap (보류), not by an error
    row_error: bool = False  # blocked by the row's own validation errors (already reported)
    capped: bool = False  # the marketplace answered that the account's daily cap is reached (held, not sent)
    # filled in by the push
    result: RowResult | None = None
    product_no: str = ""
    message: str = ""


@dataclass
class Run:
    validation: Validation
    steps: list[Step] = field(default_factory=list)
    files: ResultFiles | None = None  # a dry run's are its plan (files.preview)
    dry_run: bool = False
    markets: set[str] | None = None  # --market: only these marketplaces
    stock: Any = None  # the stock pass after the run (jobs.stock.StockPass): listings told the items' own numbers

    def plan_counts(self) -> dict[str, Counter[Action]]:
        out: dict[str, Counter[Action]] = defaultdict(Counter)
        for s in self.steps:
            out[s.sales.market.label][s.action] += 1
        return out

    @property
    def has_errors(self) -> bool:
        return self.validation.has_errors or any(s.result is RowResult.ERROR for s in self.steps)


Progress = Callable[[int, int], None]


def payload_hash(payload: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:32]


def _row_errors(v: Validation) -> dict[int, list[Problem]]:
    return {row: [p for p in ps if p.severity is Severity.ERROR] for row, ps in v.row_problems.items()}


def plan(
    v: Validation,
    ws: Workspace,
    ledger: Ledger,
    connections: dict[tuple[str, str], Connection | str],
    markets: set[str] | None,
    *,
    now: dt.datetime | None = None,
) -> list[Step]:
    """Decide per product and target: create, update, skip (unchanged) or blocked, without sending anything.
    Creates past a marketplace's daily cap (``DAILY_CREATES``, counted per account and KST day of ``now``) are
    held (보류) for the next day's run."""
    builder = ProductBuilder(v)
    groups = sales_infos(v)
    errors = _row_errors(v)
    steps: list[Step] = []
    for row in sorted(v.targets):
        if v.results.get(row) is RowResult.SKIPPED:
            continue
        for target in v.targets[row]:
            market = target.market.value
            if markets and market not in markets:
                continue
            sales = groups[target.group]
            mine = [p for p in errors.get(row, []) if p.market in (None, market)]
            conn = connections.get((market, target.account))
            if mine or market in ws.stops or not isinstance(conn, Connection):
                if mine:
                    reason = f"오류가 있어 보내지 않습니다 ({mine[0].code})"
                elif market in ws.stops:
                    reason = f"{target.market.label} 전송 중지: {ws.stops[market]}"
                else:
                    reason = conn if isinstance(conn, str) else "연결할 계정이 없습니다."
                held = not mine and market in ws.stops
                steps.append(Step(row, None, sales, Action.BLOCKED, reason, held=held, row_error=bool(mine)))
                continue
            product = builder.product(row)
            problems = conn.adapter.preflight(product, sales)
            if problems:
                steps.append(Step(row, product, sales, Action.BLOCKED, " ".join(problems)))
                continue
            digest = payload_hash(conn.adapter.payload(product, sales))
            link = ledger.link(market, target.account, product.code)
            unknown = ledger.unfinished(market, target.account, product.code)
            if link is not None and link.sent_hash == digest and unknown is None:
                steps.append(Step(row, product, sales, Action.SKIP, UNCHANGED, digest, link.link))
            elif link is not None:
                steps.append(
                    Step(row, product, sales, Action.UPDATE, "", digest, link.link, recover=unknown is not None)
                )
            else:
                steps.append(Step(row, product, sales, Action.CREATE, "", digest, None, recover=unknown is not None))
    _hold_past_cap(steps, ledger, (now or now_kst()).date())
    return steps


def _hold_past_cap(steps: list[Step], ledger: Ledger, day: dt.date) -> None:
    """Hold (보류) every create past its marketplace's daily cap, in row order; what this account already
    registered today (the ledger) counts first."""
    used: dict[tuple[str, str], int] = {}
    for step in steps:
        market = step.sales.market
        limit = DAILY_CREATES.get(market.value)
        if limit is None or step.action is not Action.CREATE:
            continue
        key = (market.value, step.sales.account)
        if key not in used:
            used[key] = ledger.creates_on(*key, day)
        if used[key] >= limit:
            step.action, step.reason, step.held = Action.BLOCKED, cap_message(market), True
            continue
        used[key] += 1


def _connections(
    ws: Workspace, v: Validation, clock: Clock | None, app: Any
) -> dict[tuple[str, str], Connection | str]:
    """One connection per (market, account) the workbook targets; a string says why there is none."""
    out: dict[tuple[str, str], Connection | str] = {}
    for targets in v.targets.values():
        for t in targets:
            key = (t.market.value, t.account)
            if key in out:
                continue
            account = ws.account(*key)
            if t.market.value not in SUPPORTED:
                out[key] = f"{t.market.label} 연동은 아직 지원하지 않습니다."
            elif account is None:
                out[key] = (
                    f"batch.toml에 {t.market.label} 계정 '{t.account}'이(가) 없습니다. [[accounts]]에 추가하세요."
                )
            else:
                try:
                    out[key] = open_account(ws, account, clock=clock, app=app)
                except WorkspaceError as exc:
                    out[key] = exc.message
                except Exception as exc:  # one broken account never stops the others
                    out[key] = account_failed(account, exc)
    return out


async def _send_one(step: Step, conn: Connection, ledger: Ledger, at: dt.datetime | None = None) -> None:
    assert step.product is not None
    market, account, code = step.sales.market.value, conn.account.name, step.product.code
    adapter = conn.adapter
    if step.recover:  # a send whose answer we never saw: never create twice
        try:
            found = await adapter.find_product(code)
        except MarketError as exc:  # still in doubt: send nothing, look again next run
            step.result = RowResult.HELD if isinstance(exc, Blocked) else RowResult.ERROR
            step.message = f"{exc.message} (이전 전송의 결과를 확인하지 못해 보내지 않았습니다. 다시 실행하세요)"
            return
        # how long a new product may stay out of look-ups (the adapter's figure; an account may set its own)
        settle = float(conn.account.number("settle_seconds", float(getattr(adapter, "settle_seconds", 0))))
        age = ledger.unfinished_age(market, account, code, at)
        if found is None and settle and age is not None and age < settle:
            step.result = RowResult.HELD
            step.message = (
                f"이전 전송의 결과를 아직 확인할 수 없습니다(마켓이 새 상품을 조회에 보여 주기까지 약 {settle / 60:.0f}분). "
                f"{max(1, round((settle - age) / 60))}분쯤 뒤 다시 실행하세요. 두 번 등록하지 않도록 보내지 않았습니다."
            )
            return
        if found is not None:
            pending = ledger.unfinished(market, account, code)
            ledger.complete(0, market, account, code, found, pending or "")
            step.link, step.action = found, Action.UPDATE
            if pending == step.payload_hash:
                step.result, step.product_no, step.message = RowResult.SUCCESS, found.product_no, FOUND
                return
    action = step.action
    send_id = ledger.begin(market, account, code, action.value, step.payload_hash, at=at)
    crash_point("after-intent")
    try:
        if action is Action.CREATE:
            link = await adapter.create_product(step.product, step.sales)
        else:
            link = await adapter.update_product(step.product, step.sales, step.link or ProductLink(""))
    except DailyCapReached as exc:  # nothing registered: this and every later create of the account wait a day
        ledger.fail(send_id, str(exc), unknown=False)
        step.result, step.message, step.capped = RowResult.HELD, cap_message(step.sales.market), True
        return
    except MarketError as exc:
        unknown = isinstance(exc, Unavailable) and exc.outcome_unknown
        ledger.fail(send_id, str(exc), unknown=unknown)
        step.result = RowResult.HELD if isinstance(exc, Blocked) else RowResult.ERROR
        step.message = exc.message + (" (전송 결과를 알 수 없어 다음 실행 때 먼저 확인합니다)" if unknown else "")
        return
    crash_point("before-complete")
    # the link, the closed intent and the items this send told the marketplace: one commit, not three. The intent
    # itself was committed by ``begin`` before the send (the commit that stops a crash from sending twice); a crash
    # before this one leaves it open, and the next run looks the product up first (``recover``), as it always did.
    with ledger.atomic():
        ledger.complete(send_id, market, account, code, link, step.payload_hash)
        record_items(ledger, step.product, market, account, action.value)
    step.result, step.product_no = RowResult.SUCCESS, link.product_no
    step.message = "신규 등록" if action is Action.CREATE else "수정"


def record_items(ledger: Ledger, product: Product, market: str, account: str, action: str) -> None:
    """The product's items (one per option combination), as this send told the marketplace: a new item's stock
    starts at the workbook's number, an item we know keeps its own (orders counted into it stand; the stock pass
    after the run tells this listing); the price and the options' extras are the workbook's."""
    book = StockBook(ledger)  # its schema script ran once, with the connection's first book
    items = [
        (option_text(o.values), option_no(product.code, i), o.stock, product.on_sale and o.on_sale)
        for i, o in enumerate(product.options)
    ]
    extras = {option_no(product.code, i): o.extra_price for i, o in enumerate(product.options)}
    with ledger.atomic():  # the items and what the listing was told: one commit (the caller's, when it has one)
        book.define(
            product.code,
            product.name,
            items,
            f"{market}:{account}:{action}",
            price=product.price,
            extras=extras,
            keep_stock=action != Action.CREATE.value,
            category=product.category,
        )
        if action != Action.SKIP.value:
            sent = {number: stock if on else 0 for _, number, stock, on in items}
            book.product_sent(market, account, product.code, sent, product.price)


async def check_before_sending(steps: list[Step], conns: dict[tuple[str, str], Connection | str]) -> None:
    """What a real run asks the marketplaces before its first write, and all a dry run asks: each account's
    credentials (its cheapest authenticated call, as `batch accounts --check`), then each group's 출고지 / 반품지 /
    배송템플릿 codes. A step that fails either is BLOCKED with the reason; nothing is written anywhere."""
    await _check_accounts(steps, conns)
    await _check_groups(steps, conns)


async def _check_accounts(steps: list[Step], conns: dict[tuple[str, str], Connection | str]) -> None:
    """Every account with something to send proves its credentials once; a refused account blocks its steps."""
    wanted = list(dict.fromkeys((s.sales.market.value, s.sales.account) for s in steps if s.action in SENDING))

    async def one(key: tuple[str, str]) -> tuple[str, bool] | None:
        conn = conns.get(key)
        if not isinstance(conn, Connection):  # blocked by the plan already
            return None
        try:
            await conn.adapter.vendor_id()
        except AuthFailed as exc:
            return exc.message, False
        except MarketError as exc:
            held = isinstance(exc, Blocked)
            return f"{Market(key[0]).label} 계정 '{key[1]}'에 접속하지 못했습니다: {exc.message}", held
        except Exception as exc:  # one broken account never stops the others
            return account_failed(conn.account, exc), False
        return None

    found = dict(zip(wanted, await asyncio.gather(*(one(k) for k in wanted)), strict=True))
    for step in steps:
        problem = found.get((step.sales.market.value, step.sales.account))
        if step.action in SENDING and problem is not None:
            step.action, step.reason, step.held = Action.BLOCKED, problem[0], problem[1]


async def _check_groups(steps: list[Step], conns: dict[tuple[str, str], Connection | str]) -> None:
    """Ask each account once per group for its delivery templates before sending through the group: the accounts
    at once, each account's groups one after another; a failure of one account never stops another."""
    wanted: dict[tuple[str, str], dict[str, SalesInfo]] = defaultdict(dict)  # account -> group -> its sales info
    for step in steps:
        if step.action in SENDING:
            wanted[(step.sales.market.value, step.sales.account)].setdefault(step.sales.group, step.sales)

    async def one(key: tuple[str, str], groups: dict[str, SalesInfo]) -> dict[str, str | None]:
        conn = conns.get(key)
        if not isinstance(conn, Connection):  # blocked by the plan already
            return {}
        checked: dict[str, str | None] = {}
        for group, sales in groups.items():
            try:
                checked[group] = await conn.adapter.check_templates(sales)
            except AuthFailed as exc:
                checked[group] = exc.message
            except MarketError as exc:
                checked[group] = f"마켓의 배송 설정(배송템플릿·출고지)을 확인하지 못했습니다: {exc.message}"
            except Exception as exc:  # one broken account never stops the others
                checked[group] = account_failed(conn.account, exc)
        return checked

    found = dict(zip(wanted, await asyncio.gather(*(one(k, g) for k, g in wanted.items())), strict=True))
    for step in steps:
        if step.action not in SENDING:
            continue
        problem = found[(step.sales.market.value, step.sales.account)].get(step.sales.group)
        if problem:
            step.action, step.reason = Action.BLOCKED, problem


async def push(
    steps: list[Step],
    conns: dict[tuple[str, str], Connection | str],
    ledger: Ledger,
    progress: Progress | None = None,
    *,
    now: Callable[[], dt.datetime] = now_kst,
    stop: threading.Event | None = None,
) -> None:
    """``check_before_sending``, then send every step still to create or update, each account at its own pace.
    Once a marketplace answers that the account's daily cap is reached (DailyCapReached), every later create of
    that account is held (보류) without being sent; its updates go on. ``stop``: see ``run_products``."""
    await check_before_sending(steps, conns)
    todo = [s for s in steps if s.action in SENDING]
    # each account's steps in row order, taken by its own ``concurrency`` workers: as many tasks as requests in
    # flight (not one per step: 15,000 tasks for 50 accounts, the first send waiting until all had started)
    queues: dict[tuple[str, str], deque[Step]] = defaultdict(deque)
    for step in todo:
        queues[(step.sales.market.value, step.sales.account)].append(step)
    capped: set[tuple[str, str]] = set()
    done = 0

    async def worker(key: tuple[str, str], queue: deque[Step], conn: Connection) -> None:
        nonlocal done
        while queue and not (stop is not None and stop.is_set()):
            step = queue.popleft()
            try:
                if step.action is Action.CREATE and key in capped:
                    step.result, step.message = RowResult.HELD, cap_message(step.sales.market)
                else:
                    await _send_one(step, conn, ledger, now())
                    if step.capped:
                        capped.add(key)
            except Exception as exc:  # an open intent stays in the ledger: the next run looks before sending again
                step.result, step.message = RowResult.ERROR, account_failed(conn.account, exc)
            done += 1
            if progress:
                progress(done, len(todo))

    workers = []
    for key, queue in queues.items():
        conn = conns[key]
        assert isinstance(conn, Connection)
        size = min(max(int(conn.account.number("concurrency", 8)), 1), len(queue))
        workers += [worker(key, queue, conn) for _ in range(size)]
    await _until_done_or_stopped(asyncio.gather(*workers), stop, lambda: any(queues.values()))
    _settle_unsent(steps)


STOP_GRACE = 2.0  # seconds the calls in flight get after a stop before they are abandoned (as a kill would)


async def _until_done_or_stopped(
    sending: asyncio.Future[Any], stop: threading.Event | None, left: Callable[[], bool]
) -> None:
    """Wait for ``sending``; once ``stop`` is set, give the calls in flight ``STOP_GRACE`` seconds, cancel what is
    left (each cancelled send keeps its intent: the next run looks the product up before sending again) and raise
    Interrupted. Also when the calls in flight ended by themselves but ``left()`` says steps were never taken: a
    file with unsent rows is never written up as done."""
    if stop is None:
        await sending
        return
    while not sending.done() and not stop.is_set():
        await asyncio.wait([sending], timeout=0.2)
    if not sending.done():
        try:
            await asyncio.wait_for(asyncio.shield(sending), STOP_GRACE)
        except TimeoutError:
            sending.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sending
        raise Interrupted()
    await sending
    if stop.is_set() and left():
        raise Interrupted()


async def preview(steps: list[Step], conns: dict[tuple[str, str], Connection | str]) -> None:
    """A dry run: ``check_before_sending`` as a real run does it, then each step says what a real run would do.
    A step to create or update keeps ``result`` None (not sent); every other step gets the real run's result."""
    await check_before_sending(steps, conns)
    _settle_unsent(steps, planned=True)


def _settle_unsent(steps: list[Step], *, planned: bool = False) -> None:
    """The result of each step not sent: skipped (unchanged), held (kill switch) or an error (with its reason)."""
    for s in steps:
        if s.result is not None:
            continue
        if planned and s.action in SENDING:
            s.message = RECOVER_NOTE if s.recover else ""
            s.product_no = s.link.product_no if s.link else ""
            continue
        s.result = {
            Action.SKIP: RowResult.SKIPPED,
            Action.BLOCKED: RowResult.HELD if s.held else RowResult.ERROR,
        }.get(s.action, RowResult.ERROR)
        s.message = s.message or s.reason
        if s.action is Action.SKIP and s.link:
            s.product_no = s.link.product_no


def _merge_results(run: Run) -> MarketColumns:
    """Fold per-marketplace outcomes into each row's 처리결과 and the per-marketplace result columns (a dry run's:
    its plan, with the same verdicts a real run reaches before sending)."""
    v = run.validation
    by_row: dict[int, list[Step]] = defaultdict(list)
    for s in run.steps:
        by_row[s.row].append(s)
    accounts: dict[str, set[str]] = defaultdict(set)
    for s in run.steps:
        accounts[s.sales.market.value].add(s.sales.account)
    shared = {m for m, names in accounts.items() if len(names) > 1}
    labels = list(dict.fromkeys(_column_label(s, shared) for s in run.steps))
    cells: dict[int, list[str]] = {}
    main = v.book.sheets[P.MAIN]
    notes: dict[int, str] = {}
    for row, steps in by_row.items():
        mine = {_column_label(s, shared): s for s in steps}
        cells[row] = [x for label in labels for x in _market_cells(mine.get(label), run.dry_run)]
        for s in steps:
            if s.result is RowResult.ERROR and not s.row_error:
                code = "not-sent" if s.action is Action.BLOCKED else "marketplace-rejected"
                message = f"[{s.sales.market.label}] {s.message}"
                v.report.add(
                    Problem(
                        main.name,
                        row,
                        None,
                        code,
                        Severity.ERROR,
                        message,
                        main.text(row, "code"),
                        s.sales.market.value,
                    )
                )
        results = {s.result for s in steps}
        current = v.results.get(row)
        if RowResult.ERROR in results or current is RowResult.ERROR:
            v.results[row] = RowResult.ERROR
        elif RowResult.HELD in results:
            v.results[row] = RowResult.HELD
        elif results == {RowResult.SKIPPED}:
            v.results[row] = RowResult.SKIPPED
            notes[row] = UNCHANGED
    if run.markets:  # a row for none of the chosen marketplaces is left alone, and says so
        for row in v.targets:
            if row not in by_row and v.results.get(row) in (RowResult.SUCCESS, RowResult.WARNING):
                v.results[row], notes[row] = RowResult.SKIPPED, OTHER_MARKET
    v.row_problems = v.problems_by_row()
    headers = [f"{label} {h}" for label in labels for h in ("결과", "상품번호", "메시지")]
    return MarketColumns(headers, cells, notes)


def _column_label(step: Step, shared: set[str]) -> str:
    """The marketplace's name, with the account when one file goes to two accounts of that marketplace."""
    label = step.sales.market.label
    return f"{label}({step.sales.account})" if step.sales.market.value in shared else label


def _market_cells(step: Step | None, planned: bool = False) -> list[str]:
    if step is None:
        return ["", "", ""]
    return [step_label(step, planned), step.product_no, step.message]


def step_label(step: Step, planned: bool = False) -> str:
    """A step's result column: what happened, or in a dry run's plan what a real run would do."""
    if not planned:
        return step.result.value if step.result else ""
    if step.action is Action.BLOCKED and step.held:
        return RowResult.HELD.value
    if step.action is Action.SKIP:
        return RowResult.SKIPPED.value
    return PLANNED_LABELS[step.action]


def run_products(
    path: Path,
    ws: Workspace,
    *,
    dry_run: bool = False,
    markets: set[str] | None = None,
    progress: Progress | None = None,
    clock: Clock | None = None,
    app: Any = None,
    when: dt.datetime | None = None,
    now: Callable[[], dt.datetime] = now_kst,
    images: Path | None = None,
    stop: threading.Event | None = None,
) -> Run:
    """Validate, plan and push a 상품대량등록 workbook; write the result workbook.

    ``images``: the folder of the workbook's local images (default: ``images`` beside it; the watcher gives the
    one beside the dropped file in inbox/).

    ``dry_run``: the same plan and the same checks at the marketplaces (credentials, images, 출고지 / 반품지 /
    배송템플릿) without a single write; the plan goes to ``…_미리보기_<KST>.xlsx`` with each step's verdict.
    ``now``: the KST wall clock the daily registration caps count by (tests pass a fake one).
    ``stop``: once set (the watcher was told to stop), no new product is sent, the calls in flight get
    ``STOP_GRACE`` seconds, and ``Interrupted`` is raised with no result written (the ledger resumes the rest).
    """
    images = images or path.parent / "images"
    v = validate_products(path, company_name=ws.company_name, images=images)
    run = Run(v, dry_run=dry_run, markets=markets)
    ledger = Ledger(ws.ledger_path)
    try:
        conns = _connections(ws, v, clock, app)
        for conn in conns.values():
            if isinstance(conn, Connection):
                conn.adapter.images_dir = images  # where the rules found the local images
        run.steps = plan(v, ws, ledger, conns, markets, now=now())
        asyncio.run(_go_and_close(run.steps, conns, ledger, progress, send=not dry_run, now=now, stop=stop))
        if not dry_run:
            run.stock = _stock_after(run.steps, ws, ledger, clock, app)
        columns = _merge_results(run)
        run.files = write_result(v, ws.outbox, when, columns, preview=dry_run)
    finally:
        ledger.close()
    return run


def _stock_after(steps: list[Step], ws: Workspace, ledger: Ledger, clock: Clock | None, app: Any) -> Any:
    """The items of every product the marketplace holds as the workbook says (a product sent before stock was kept
    gets its items now), then a stock pass over the products sent: an update told a listing the workbook's stock,
    and the item's own number (orders counted since it was set) goes back to it."""
    sent: set[str] = set()
    for step in steps:
        if step.product is None or step.result not in (RowResult.SUCCESS, RowResult.SKIPPED):
            continue
        market, account = step.sales.market.value, step.sales.account
        if step.action is Action.SKIP:
            record_items(ledger, step.product, market, account, Action.SKIP.value)
        elif step.message == FOUND:  # a lost answer's product found at the marketplace
            record_items(ledger, step.product, market, account, Action.UPDATE.value)
        sent.add(step.product.code)
    if not sent:
        return None
    book = StockBook(ledger)
    found = stock_job.StockPass(works=stock_job.plan(book, ws, sent))
    stock_job.send(found.works, ws, ledger, book, clock=clock, app=app)
    return found


async def _go_and_close(
    steps: list[Step],
    conns: dict[tuple[str, str], Connection | str],
    ledger: Ledger,
    progress: Progress | None,
    *,
    send: bool,
    now: Callable[[], dt.datetime] = now_kst,
    stop: threading.Event | None = None,
) -> None:
    try:
        if send:  # a stop during the checks before the first send counts too (nothing is sent yet then)
            sending = asyncio.ensure_future(push(steps, conns, ledger, progress, now=now, stop=stop))
            await _until_done_or_stopped(sending, stop, lambda: False)
        else:
            await preview(steps, conns)
    finally:
        await _close(conns)


async def _close(conns: dict[tuple[str, str], Connection | str]) -> None:
    for c in conns.values():
        if isinstance(c, Connection):
            await c.aclose()
