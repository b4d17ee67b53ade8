"""`batch watch`: the watched inbox and the schedule, with one emailed report per file and per collection."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from batch.automation.notify import Report, SmtpSettings, deliver
from batch.automation.watch import JobRun, Outcome, Schedule, watch
from batch.config import Workspace
from batch.errors import BatchError
from batch.jobs.accounts import statuses
from batch.models import label_of, now_kst

KIND_TITLES = {"products": "상품대량등록", "invoices": "송장대량등록", "answers": "문의답변"}
# Result workbooks without buyer data, the only ones a report attaches: a product file holds our own products.
# Invoice and answer results are order and inquiry exports filled in (names, phones, addresses, questions),
# and so are the collections' exports: a report says where they are instead.
ATTACHABLE = frozenset({"products"})
JOB_TITLES = {"orders": "주문 수집", "claims": "취소·반품·교환 수집", "inquiries": "문의 수집"}
DEFAULT_HOURS = 2.0


def key_warnings(ws: Workspace) -> list[str]:
    return [f"{label_of(s.market)}/{s.name}: {s.warning}" for s in statuses(ws) if s.warning]


def _send(ws: Workspace, report: Report, echo: Callable[[str], None]) -> None:
    smtp = SmtpSettings.from_table(ws.email)
    try:
        note = deliver(report, smtp, ws.outbox, ws.root / "state")
    except BatchError as exc:  # the report failed, the work did not: say so and go on
        echo(f"  보고서를 보내지 못했습니다: {exc.message}")
        return
    echo(f"  보고서: {note}")


def report_for_file(ws: Workspace, o: Outcome) -> Report:
    kind = KIND_TITLES.get(o.kind or "", "파일 처리")
    problems = o.problems or (
        [("file-refused", o.message, "파일을 고쳐 inbox에 다시 넣어 주세요.")] if o.status == "failed" else []
    )
    attach = o.result_path if o.kind in ATTACHABLE else None
    return Report(
        kind,
        o.source_name,
        o.counts or {"전체": {o.status: 1}},
        problems,
        attach,
        key_warnings(ws),
        location=_where(ws, o.result_path) if attach is None else "",
    )


def _where(ws: Workspace, path: Path | None) -> str:
    """A file of the workspace as staff find it (outbox/…), never attached."""
    if path is None:
        return ""
    try:
        return path.relative_to(ws.root).as_posix()
    except ValueError:
        return str(path)


def report_for_job(ws: Workspace, j: JobRun) -> Report:
    counts = {"전체": {"성공" if j.ok else "실패": 1}}
    hint = "계정과 마켓 상태를 확인하세요 (batch accounts --check)."
    problems = [("collect-failed", line, hint) for line in j.failed] or (
        [] if j.ok else [("collect-failed", j.message, hint)]
    )
    return Report(
        JOB_TITLES.get(j.job.partition(".")[0], j.job),
        f"자동 수집 {now_kst():%Y-%m-%d %H:%M}",
        counts,
        problems,
        None,  # an export of orders, claims or inquiries holds buyer data: never attached
        key_warnings(ws),
        location=_where(ws, j.export),
    )


def schedule_seconds(ws: Workspace) -> dict[str, float]:
    """Seconds between collections per "job.market", from [schedule] (per job) and [schedule.<market>]."""
    markets = sorted({a.market for a in ws.accounts})
    return {
        f"{job}.{m}": ws.schedule.get(f"{job}.{m}", ws.schedule.get(job, DEFAULT_HOURS)) * 3600
        for job in JOB_TITLES
        for m in markets
    }


def run_watch(ws: Workspace, *, once: bool, echo: Callable[[str], None], app: Any = None, poll: float = 1.0) -> None:
    """Watch inbox/ (and run due collections) until stopped; ``once`` does one pass, for cron or a systemd timer."""
    every = schedule_seconds(ws)

    def on_outcome(o: Outcome) -> None:
        echo(f"{o.source_name}: {o.message}")
        _send(ws, report_for_file(ws, o), echo)

    def on_job(j: JobRun) -> None:
        echo(f"{JOB_TITLES.get(j.job.partition('.')[0], j.job)} ({j.job.partition('.')[2]}): {j.message}")
        _send(ws, report_for_job(ws, j), echo)

    watch(ws, once=once, poll=poll, schedule=Schedule(every=every), app=app, on_outcome=on_outcome, on_job=on_job)
