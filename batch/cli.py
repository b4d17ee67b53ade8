"""Thin click layer: parse options, call one library function, render its result."""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import threading
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

import click

from batch import __version__
from batch.models import SENDS_TO

EXIT_OK, EXIT_ROW_ERRORS, EXIT_FILE_REFUSED, EXIT_CRASH = 0, 1, 2, 3


class _Group(click.Group):
    """Turns every BatchError into one Korean sentence; a traceback only with --verbose; click's own usage
    errors (unknown command or option, a missing file, a folder given as a file) in Korean too."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        try:
            result = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.exceptions.UsageError as exc:
            click.echo(f"오류: {_usage_in_korean(exc)}", err=True)
            result = EXIT_FILE_REFUSED
        except click.exceptions.Abort:
            click.echo("중단했습니다.", err=True)
            result = EXIT_ROW_ERRORS
        if not standalone_mode:
            return result
        sys.exit(result if isinstance(result, int) else EXIT_OK)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except Exception as exc:
            _fail(ctx, exc)


_USAGE = (
    (
        re.compile(r"Invalid value for '([^']+)': '([^']*)' is not one of (.+?)\.?$"),
        "{0}에 '{1}'은(는) 쓸 수 없습니다. 쓸 수 있는 값: {2}. 명령 뒤에 --help 를 붙여 확인해 주세요.",
    ),
    (
        re.compile(r"Invalid value for '([^']+)': '([^']*)' is not a valid (?:integer|float|number)"),
        "{0}에는 숫자를 넣어 주세요 ('{1}'은(는) 숫자가 아닙니다).",
    ),
    (
        re.compile(r"No such command '(.+)'"),
        "명령을 찾을 수 없습니다: '{0}'. 'batch --help'로 명령 목록을 확인해 주세요.",
    ),
    (
        re.compile(r"No such option:? '?([^'\s]+?)'?\.?$"),
        "없는 옵션입니다: {0}. 명령 뒤에 --help 를 붙여 옵션을 확인해 주세요.",
    ),
    (re.compile(r"Missing argument '(.+)'"), "{0} 값이 빠졌습니다. 명령 뒤에 --help 를 붙여 쓰는 법을 확인해 주세요."),
    (re.compile(r"Missing option '(.+)'"), "{0} 옵션이 빠졌습니다. 명령 뒤에 --help 를 붙여 쓰는 법을 확인해 주세요."),
    (re.compile(r"'([^']+)' is a directory"), "'{0}'은(는) 폴더입니다. 폴더가 아니라 파일 경로를 넣어 주세요."),
    (re.compile(r"'([^']+)' is a file"), "'{0}'은(는) 파일입니다. 폴더 경로를 넣어 주세요."),
    (re.compile(r"'([^']+)' does not exist"), "'{0}'을(를) 찾을 수 없습니다. 경로와 파일 이름을 확인해 주세요."),
    (
        re.compile(r"Got unexpected extra arguments? \((.+)\)"),
        "필요 없는 값이 더 있습니다: {0}. 경로에 빈칸이 있으면 따옴표로 감싸 주세요.",
    ),
)


def _usage_in_korean(exc: click.exceptions.UsageError) -> str:
    """click's usage error as one Korean sentence that says what to do next."""
    text = exc.format_message()
    for pattern, korean in _USAGE:
        found = pattern.search(text)
        if found:
            return korean.format(*found.groups())
    if isinstance(exc, click.BadParameter):  # our own messages are Korean already
        return text
    return f"명령을 이해하지 못했습니다 ({text}). 명령 뒤에 --help 를 붙여 쓰는 법을 확인해 주세요."


def _fail(ctx: click.Context, exc: Exception) -> NoReturn:
    from batch.errors import BatchError, FileRefused

    verbose = bool(ctx.find_root().params.get("verbose"))
    if verbose:
        traceback.print_exc()
    if isinstance(exc, BatchError):
        click.echo(f"오류: {exc.message}", err=True)
        ctx.exit(EXIT_FILE_REFUSED if isinstance(exc, FileRefused) else EXIT_ROW_ERRORS)
    click.echo(
        f"예상하지 못한 문제로 작업을 멈췄습니다 ({type(exc).__name__}). 파일은 바뀌지 않았습니다. "
        "--verbose 를 붙여 다시 실행한 화면을 담당자에게 보내 주세요.",
        err=True,
    )
    ctx.exit(EXIT_CRASH)


@click.group(cls=_Group, help="엑셀로 여러 마켓의 상품·송장·문의를 한 번에 처리합니다.")
@click.option(
    "--workspace",
    "-w",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="BATCH_WORKSPACE",
    help="작업 폴더 (batch.toml, inbox/, outbox/). 기본은 지금 폴더.",
)
@click.option("--verbose", "-v", is_flag=True, help="문제가 나면 자세한 기술 정보(트레이스백)를 보여 줍니다.")
@click.version_option(__version__, prog_name="batch")
@click.pass_context
def cli(ctx: click.Context, workspace: Path | None, verbose: bool) -> None:
    ctx.ensure_object(dict)
    ctx.obj["workspace"] = workspace
    _logging(verbose)


class _Plain(logging.Formatter):
    """Log lines for staff: the message only; the traceback only with --verbose."""

    def __init__(self, verbose: bool) -> None:
        super().__init__("%(message)s")
        self.verbose = verbose

    def format(self, record: logging.LogRecord) -> str:
        if self.verbose:
            return super().format(record)
        return record.getMessage()


def _logging(verbose: bool) -> None:
    """batch's log on stderr: warnings and up (their tracebacks and the debug lines only with --verbose)."""
    logger = logging.getLogger("batch")
    if any(getattr(h, "batch_cli", False) for h in logger.handlers):
        logger.removeHandler(next(h for h in logger.handlers if getattr(h, "batch_cli", False)))
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_Plain(verbose))
    handler.batch_cli = True  # type: ignore[attr-defined]
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG if verbose else logging.WARNING)


def _workspace(ctx: click.Context) -> Any:
    """The workspace of every command but init, template, sandbox and demo: found, never made."""
    from batch.config import find_workspace, load_workspace

    return load_workspace(find_workspace(ctx.obj.get("workspace")))


@cli.command(help="새 작업 폴더를 만듭니다. 계정은 내장 샌드박스 마켓을 가리킵니다.")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--sandbox",
    "sandbox_url",
    default="sandbox:",
    show_default=True,
    help="계정이 가리킬 샌드박스 주소 (예: http://127.0.0.1:8800).",
)
@click.option(
    "--market",
    "markets",
    multiple=True,
    type=click.Choice([m.value for m in SENDS_TO]),
    help="이 마켓의 계정만 적습니다 (여러 번 쓸 수 있음). 비우면 모든 마켓.",
)
def init(directory: Path, sandbox_url: str, markets: tuple[str, ...]) -> None:
    from batch.jobs.init import EVERY_MARKET, init_workspace

    ws = init_workspace(directory.resolve(), sandbox_url=sandbox_url, markets=markets or EVERY_MARKET)
    click.echo(f"작업 폴더를 만들었습니다: {ws.root}")
    click.echo(f"  설정: {ws.root / 'batch.toml'}\n  넣는 곳: {ws.inbox}\n  결과: {ws.outbox}")


@cli.command(
    help="빈 양식을 만듭니다. KIND: products (상품대량등록), invoices (송장대량등록), answers (문의답변), stock (재고관리), "
    "claims (취소·반품·교환 처리)."
)
@click.argument("kind", type=click.Choice(["products", "invoices", "answers", "stock", "claims"]))
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="저장할 파일 (.xlsx)")
def template(kind: str, output: Path | None) -> None:
    from batch.exporters.committed import TEMPLATES, template_name
    from batch.exporters.template import write_template

    spec = next(t for t in TEMPLATES if t.kind == kind)
    path = write_template(spec, output or Path(template_name(spec)), examples=spec.kind == "products")
    click.echo(f"양식을 만들었습니다: {path.resolve()}")


@cli.command(help="양식을 검사만 합니다 (아무것도 보내지 않음). 종료 코드 0: 오류 없음, 1: 오류 행 있음, 2: 파일 거부.")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="결과를 JSON으로 출력합니다.")
@click.pass_context
def validate(ctx: click.Context, path: Path, as_json: bool) -> None:
    from batch.exporters.result import write_result
    from batch.importers.validation import validate_products
    from batch.render import render_validation

    ws = _workspace(ctx)
    v = validate_products(path, company_name=ws.company_name)
    files = write_result(v, ws.outbox)
    if as_json:
        click.echo(
            json.dumps(
                {
                    "file": str(path),
                    "result": str(files.result),
                    "reupload": str(files.reupload) if files.reupload else None,
                    "rows": {r.value: n for r, n in v.counts().items()},
                    "problems": v.report.to_json(),
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        click.echo(render_validation(v, files.result, files.reupload))
    ctx.exit(EXIT_ROW_ERRORS if v.has_errors else EXIT_OK)


@cli.command(
    help="상품 파일을 검사한 뒤 마켓에 보냅니다 (신규 등록·수정, 바뀌지 않은 상품은 건너뜀). 종료 코드는 validate와 같습니다."
)
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--dry-run",
    is_flag=True,
    help="마켓에 아무것도 쓰지 않고, 보내기 전 확인(인증·출고지·배송템플릿·취소 요청)을 모두 한 뒤 행마다 계획을 outbox/…_미리보기_….xlsx에 씁니다. 보내지 않을 행이 있으면 종료 코드 1.",
)
@click.option("--market", "markets", default="", help="이 마켓에만 보냅니다 (쉼표로 구분, 예: tmon).")
@click.pass_context
def run(ctx: click.Context, path: Path, dry_run: bool, markets: str) -> None:
    from batch.importers import answers, invoices, stock
    from batch.importers.workbook import template_kind
    from batch.jobs.products import run_products
    from batch.render import render_answers, render_invoices, render_plan, render_run

    ws = _workspace(ctx)
    kind = template_kind(path, (invoices.SPEC, stock.SPEC))
    if kind == stock.KIND:
        from batch.jobs.stock import run_stock
        from batch.render import render_stock

        stocked = run_stock(path, ws, dry_run=dry_run)
        click.echo(render_stock(stocked))
        ctx.exit(EXIT_ROW_ERRORS if stocked.has_errors else EXIT_OK)
    if kind == "claims":
        from batch.jobs.claims import run_claims
        from batch.render import render_claims

        decided = run_claims(path, ws, dry_run=dry_run)
        click.echo(render_claims(decided))
        ctx.exit(EXIT_ROW_ERRORS if decided.has_errors else EXIT_OK)
    if kind == answers.KIND:
        from batch.jobs.answers import run_answers

        sent_answers = run_answers(path, ws, dry_run=dry_run)
        click.echo(render_answers(sent_answers))
        ctx.exit(EXIT_ROW_ERRORS if sent_answers.has_errors else EXIT_OK)
    if kind == invoices.KIND:
        from batch.jobs.invoices import run_invoices

        sent = run_invoices(path, ws, dry_run=dry_run)
        click.echo(render_invoices(sent))
        ctx.exit(EXIT_ROW_ERRORS if sent.has_errors else EXIT_OK)
    chosen = {m.strip() for m in markets.split(",") if m.strip()} or None
    with _progress() as progress:
        result = run_products(path, ws, dry_run=dry_run, markets=chosen, progress=progress)
    click.echo(render_plan(result))
    if not dry_run:
        click.echo(render_run(result))
    ctx.exit(EXIT_ROW_ERRORS if result.has_errors else EXIT_OK)


def _progress() -> Any:
    """A progress bar on stderr while rows are sent (nothing when stderr is not a terminal)."""
    import contextlib

    @contextlib.contextmanager
    def bar() -> Any:
        state: dict[str, Any] = {}

        def update(done: int, total: int) -> None:
            if "bar" not in state:
                state["bar"] = click.progressbar(length=total, label="보내는 중", file=sys.stderr)
                state["bar"].__enter__()
            state["bar"].update(1)

        try:
            yield update
        finally:
            if "bar" in state:
                state["bar"].__exit__(None, None, None)

    return bar()


@cli.command(
    help="주문(orders), 취소·반품·교환(claims) 또는 문의(inquiries)를 모든 계정에서 모아 outbox/에 엑셀로 씁니다. "
    "stock-history: 재고연동이력(재고 변동과 마켓별 전송·확인)을 씁니다."
)
@click.argument("job", type=click.Choice(["orders", "claims", "inquiries", "stock-history"]))
@click.option("--market", default=None, help="이 마켓만 (예: tmon)")
@click.option("--account", default=None, help="이 계정만 (batch.toml의 name)")
@click.option("--since", default=None, help="이 날짜부터 (YYYYMMDD). 기본은 지난 수집 이후")
@click.pass_context
def collect(ctx: click.Context, job: str, market: str | None, account: str | None, since: str | None) -> None:
    import datetime as dt

    from batch.jobs.collect import collect as run_collect
    from batch.models import label_of

    if job == "stock-history":
        from batch.jobs.stock import export_history

        path, count = export_history(_workspace(ctx))
        click.echo(f"재고연동이력 {count}건을 썼습니다: {path}")
        return
    start = None
    if since:
        try:
            start = dt.datetime.strptime(since, "%Y%m%d")
        except ValueError as exc:
            raise click.BadParameter("YYYYMMDD 형식으로 넣어 주세요 (예: 20261127).", param_hint="--since") from exc
    result = run_collect(_workspace(ctx), job, market=market, account=account, since=start, on_plan=click.echo)
    for a in result.accounts:
        click.echo(f"  {label_of(a.market)}/{a.account}: {'성공' if a.ok else '실패'} — {a.message}")
    click.echo(f"{result.rows}행을 썼습니다: {result.export}")
    if result.stock is not None:
        from batch.render import render_stock_pass

        click.echo(render_stock_pass(result.stock))
    stock_failed = result.stock is not None and bool(result.stock.failed)
    ctx.exit(EXIT_OK if all(a.ok for a in result.accounts) and not stock_failed else EXIT_ROW_ERRORS)


@cli.command(
    help="통계 엑셀(기간별·제휴몰별·카테고리별·상품별·지역별 매출, 차트 포함)을 outbox/에 씁니다. 기본 기간은 오늘까지 30일."
)
@click.option("--from", "start", default=None, help="이 날부터 (YYYYMMDD, 한국 시간)")
@click.option("--to", "end", default=None, help="이 날까지 (YYYYMMDD, 포함). 기본은 오늘")
@click.option("--market", "markets", default="", help="이 마켓만 (쉼표로 구분, 예: tmon,coupang)")
@click.pass_context
def stats(ctx: click.Context, start: str | None, end: str | None, markets: str) -> None:
    import datetime as dt

    from batch.jobs.stats import run_stats
    from batch.models import now_kst

    def day(text: str, name: str) -> dt.date:
        try:
            return dt.datetime.strptime(text, "%Y%m%d").date()
        except ValueError as exc:
            raise click.BadParameter("YYYYMMDD 형식으로 넣어 주세요 (예: 20261101).", param_hint=name) from exc

    last = day(end, "--to") if end else now_kst().date()
    first = day(start, "--from") if start else last - dt.timedelta(days=29)
    chosen = {m.strip() for m in markets.split(",") if m.strip()} or None
    result = run_stats(_workspace(ctx), first, last, markets=chosen)
    click.echo(f"{first:%Y-%m-%d} ~ {last:%Y-%m-%d} 주문 줄 {result.lines:,}개로 통계를 썼습니다: {result.path}")


@cli.command(
    help="inbox/를 지켜보다 들어온 파일을 처리하고, 정해진 간격(기본 2시간)으로 주문·클레임·문의를 모읍니다. "
    "결과는 메일(또는 outbox/reports/의 .eml)로 보냅니다."
)
@click.option("--once", is_flag=True, help="지금 처리할 것만 처리하고 끝냅니다 (cron, systemd 타이머용).")
@click.pass_context
def watch(ctx: click.Context, once: bool) -> None:
    from batch.automation.service import run_watch
    from batch.automation.watch import COLLECTIONS_THREAD

    ws = _workspace(ctx)
    if not once:
        click.echo(f"inbox를 지켜봅니다: {ws.inbox}  (멈추려면 Ctrl+C)")
    ok = run_watch(ws, once=once, echo=click.echo)
    code = EXIT_OK if ok else EXIT_ROW_ERRORS  # cron sees a refused file or a failed account
    if any(t.name == COLLECTIONS_THREAD and t.is_alive() for t in threading.enumerate()):
        # stopped while a collection was still waiting on a marketplace: leave it as a kill would (the ledger
        # resumes it next start) rather than let the interpreter tear the thread down mid-call
        sys.stdout.flush()
        sys.stderr.flush()
        logging.shutdown()
        os._exit(code)
    ctx.exit(code)


@cli.command(
    help="batch.toml의 계정을 보여 줍니다 (비밀값은 설정됨/없음만). --check는 마켓에 토큰을 받아 계정이 맞는지 확인합니다."
)
@click.option("--check", is_flag=True, help="마켓에 접속해 인증 정보가 맞는지 확인합니다.")
@click.pass_context
def accounts(ctx: click.Context, check: bool) -> None:
    from batch.jobs.accounts import check_all, render, statuses

    ws = _workspace(ctx)
    rows = check_all(ws) if check else statuses(ws)
    click.echo(render(rows))
    ctx.exit(EXIT_ROW_ERRORS if any(r.check.startswith("실패") for r in rows) else EXIT_OK)


@cli.command(help="내장 샌드박스 마켓을 127.0.0.1에서 띄웁니다 (멈출 때까지). 실제 마켓과 같은 방식으로 답합니다.")
@click.option("--port", default=8800, show_default=True, help="포트 번호")
def sandbox(port: int) -> None:
    from batch.sandbox.server import serve

    click.echo(f"샌드박스 마켓: http://127.0.0.1:{port}  (멈추려면 Ctrl+C)")
    serve(port)


@cli.command(help="예시 작업 폴더를 만들고 예시 상품 파일을 내장 샌드박스 마켓에 보내 결과 파일 경로를 보여 줍니다.")
@click.option(
    "--directory",
    "-d",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("demo"),
    show_default=True,
    help="예시 작업 폴더",
)
def demo(directory: Path) -> None:
    from batch.jobs.demo import run_demo
    from batch.render import render_plan, render_run

    run = run_demo(directory.resolve())
    assert run.files is not None
    click.echo(render_plan(run) + "\n" + render_run(run))
    click.echo(str(run.files.result))


def main() -> None:
    cli(prog_name="batch", obj={})


if __name__ == "__main__":  # pragma: no cover
    main()
