"""`batch watch`: the watched inbox and the schedule, with one emailed digest per watch pass.

A pass (see :mod:`batch.automation.watch`) may process several files and run several collections; all of it goes
into one :class:`~batch.automation.notify.Report`. A pass with nothing new and nothing failed sends none while
``[email] quiet`` is true (the default); a failed file or collection is always reported.

Each file's and collection's section is stored in the report outbox (:mod:`batch.automation.report_outbox`) the
moment it ends, and the outbox is flushed — one digest of everything pending, delivered once — at the end of every
pass and once when the watcher starts: a report due when a watcher was killed is delivered by the next one.
"""

from __future__ import annotations

import logging
import tomllib
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from batch.automation.notify import Report, ReportMaybeSent, Section, SmtpSettings, deliver
from batch.automation.report_outbox import Entry, Outbox
from batch.automation.watch import JOB_NOUNS, STATS, JobRun, Outcome, Pass, Schedule, watch
from batch.config import CONFIG_NAME, Workspace
from batch.errors import BatchError
from batch.jobs.accounts import statuses
from batch.models import KST, label_of
from batch.report import visible

KIND_TITLES = {"products": "상품대량등록", "invoices": "송장대량등록", "answers": "문의답변"}
# Result workbooks without buyer data, the only ones a report attaches: a product file holds our own products.
# Invoice and answer results are order and inquiry exports filled in (names, phones, addresses, questions),
# and so are the collections' exports: a report says where they are instead.
ATTACHABLE = frozenset({"products"})
JOB_TITLES = {"orders": "주문 수집", "claims": "취소·반품·교환 수집", "inquiries": "문의 수집", "stats": "통계"}
DEFAULT_HOURS = 2.0
DEFAULT_KEEP_DAYS = 30.0
COLLECT_HINT = "계정과 마켓 상태를 확인하세요 (batch accounts --check)."
REFUSED_HINT = "안내대로 파일을 고쳐 inbox에 다시 넣어 주세요."
NOT_ATTACHED = "구매자 정보가 있어 메일에 붙이지 않았습니다"
QUIET = "보고서: 새로 들어온 것도 실패한 것도 없어 보내지 않았습니다 (batch.toml [email] quiet = true)."
NOT_STORED = (
    "보고서에 넣을 내용을 state/reports 폴더에 저장하지 못했습니다 ({why}). 이 항목은 보고서에 빠질 수 있으니 "
    "디스크 공간과 폴더 권한을 확인하세요."
)
GONE = "첨부하지 못했습니다: 결과 파일이 옮겨졌거나 지워졌습니다"

log = logging.getLogger(__name__)


def key_warnings(ws: Workspace) -> list[str]:
    return [f"{label_of(s.market)}/{s.name}: {s.warning}" for s in statuses(ws) if s.warning]


# -- settings ----------------------------------------------------------------------------------------------


def _table(ws: Workspace, name: str) -> dict[str, Any]:
    """A table of batch.toml that Workspace does not carry (``[outbox]``); empty when absent or unreadable."""
    try:
        data = tomllib.loads((ws.root / CONFIG_NAME).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return {}
    table = data.get(name)
    return table if isinstance(table, dict) else {}


def quiet(ws: Workspace) -> tuple[bool, str | None]:
    """``[email] quiet`` (default true: no report for a pass with nothing new), and a warning for a bad value."""
    value = ws.email.get("quiet", True)
    if isinstance(value, bool):
        return value, None
    return (
        True,
        f"batch.toml [email]의 quiet = {value!r}는 true나 false가 아니라서 true로 봅니다. true 또는 false로 적어 주세요.",
    )


def keep_days(ws: Workspace) -> tuple[float, str | None]:
    """``[outbox] keep_days`` (default 30; 0 keeps every file in outbox/), and a warning for a bad value."""
    value = _table(ws, "outbox").get("keep_days", DEFAULT_KEEP_DAYS)
    if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0:
        return float(value), None
    return DEFAULT_KEEP_DAYS, (
        f"batch.toml [outbox]의 keep_days = {value!r}는 0 이상의 숫자가 아니라서 {DEFAULT_KEEP_DAYS:g}일로 봅니다. "
        "날짜 수를 숫자로 적어 주세요 (0이면 옮기지 않습니다)."
    )


def schedule_seconds(ws: Workspace) -> dict[str, float]:
    """Seconds between collections per "job.market", from [schedule] (per job) and [schedule.<market>]."""
    markets = sorted({a.market for a in ws.accounts})
    every = {
        f"{job}.{m}": ws.schedule.get(f"{job}.{m}", ws.schedule.get(job, DEFAULT_HOURS)) * 3600
        for job in JOB_TITLES
        if job != STATS
        for m in markets
    }
    if ws.schedule.get(STATS):  # [schedule] stats = 168: the last week's statistics, once a week
        every[STATS] = ws.schedule[STATS] * 3600
    return every


# -- what a pass did, in words -----------------------------------------------------------------------------


def _where(ws: Workspace, path: Path | None) -> str:
    """A file of the workspace as staff find it (outbox/…), never attached."""
    if path is None:
        return ""
    try:
        return path.relative_to(ws.root).as_posix()
    except ValueError:
        return str(path)


def _file_places(ws: Workspace, o: Outcome) -> list[str]:
    lines = []
    if o.result_path is not None:
        attached = "메일에 첨부" if o.kind in ATTACHABLE else NOT_ATTACHED
        lines.append(f"결과 파일: {_where(ws, o.result_path)} ({attached})")
    if o.reupload is not None:
        lines.append(
            f"다시 올릴 파일: {_where(ws, o.reupload)} (오류 난 행만 담았습니다. 고쳐서 inbox에 다시 넣으세요)"
        )
    if o.moved_to is not None:
        if o.status == "failed":
            lines.append(f"넣은 파일: {_where(ws, o.moved_to)} (이유와 할 일은 같은 이름의 .txt 파일)")
        else:
            lines.append(f"넣은 파일: {_where(ws, o.moved_to)}")
    return lines


def file_lines(ws: Workspace, o: Outcome) -> list[str]:
    """The console's lines for one file: what happened and where every file it wrote or moved is."""
    return [f"{visible(o.source_name)}: {o.message}", *(f"  {line}" for line in _file_places(ws, o))]


def job_line(ws: Workspace, j: JobRun) -> str:
    """The console's one line for one collection: new rows per marketplace, and its export."""
    line = f"{JOB_TITLES.get(j.job, j.job)}: {j.message}"
    if j.export is not None:
        line += f" → {_where(ws, j.export)} ({sum(j.rows.values())}행)"
    return line


def file_section(ws: Workspace, o: Outcome) -> Section:
    if o.status == "processed":
        status = "처리함 (오류가 있는 행이 있습니다)" if o.has_errors else "처리함"
        problems, note = o.problems, ""
    elif o.status == "duplicate":
        status, problems, note = "같은 파일이라 건너뜀", [], o.message
    else:
        status, problems, note = "처리하지 못함", [("file-refused", o.message, REFUSED_HINT)], ""
    return Section(
        KIND_TITLES.get(o.kind or "", "파일"),
        visible(o.source_name),
        status,
        o.counts if o.status == "processed" else {},
        problems,
        _file_places(ws, o),
        o.result_path if o.kind in ATTACHABLE else None,
        note,
    )


def job_section(ws: Workspace, j: JobRun) -> Section:
    noun = JOB_NOUNS.get(j.job, j.job)
    if j.ok:
        status = "성공"
    elif j.new or j.rows:
        status = "일부 계정 실패"
    else:
        status = "실패"
    if j.job == STATS:  # a statistics workbook: where it is (regions only, no buyer data)
        files = [f"통계 파일: {_where(ws, j.export)}"] if j.export else []
        problems = [] if j.ok else [("collect-failed", j.message, COLLECT_HINT)]
        return Section(JOB_TITLES[STATS], j.message, "성공" if j.ok else "실패", {}, problems, files)
    counts = {label_of(m): {f"새 {noun}": j.new[m], "파일 행": j.rows.get(m, 0)} for m in j.markets if m in j.new}
    problems = [("collect-failed", line, COLLECT_HINT) for line in j.failed] or (
        [] if j.ok else [("collect-failed", j.message, COLLECT_HINT)]
    )
    files = [f"모은 파일: {_where(ws, j.export)} ({sum(j.rows.values())}행, {NOT_ATTACHED})"] if j.export else []
    markets = "·".join(label_of(m) for m in j.markets) or "모든 마켓"
    return Section(JOB_TITLES.get(j.job, j.job), markets, status, counts, problems, files)


def _file_head(o: Outcome) -> dict[str, Any]:
    return {"kind": o.kind, "status": o.status, "has_errors": o.has_errors}


def _job_head(j: JobRun) -> dict[str, Any]:
    return {"job": j.job, "ok": j.ok, "new": sum(j.new.values()) if j.new else None}


def _headline(files: list[dict[str, Any]], jobs: list[dict[str, Any]]) -> str:
    """One line for the subject, from the entries' heads: files by kind and what happened to them, new rows per
    job, failures."""
    parts = []
    processed = [h for h in files if h.get("status") == "processed"]
    for kind in dict.fromkeys(h.get("kind") for h in processed):
        mine = [h for h in processed if h.get("kind") == kind]
        errors = " (오류 있음)" if any(h.get("has_errors") for h in mine) else ""
        parts.append(f"{KIND_TITLES.get(kind or '', '파일')} {len(mine)}개 처리{errors}")
    for status, text in (("duplicate", "같은 파일 {n}개 건너뜀"), ("failed", "파일 {n}개 처리 못 함")):
        n = sum(h.get("status") == status for h in files)
        if n:
            parts.append(text.format(n=n))
    for h in jobs:
        job = str(h.get("job"))
        noun = JOB_NOUNS.get(job, job)
        if job == STATS:
            parts.append("통계" if h.get("ok") else "통계 실패")
            continue
        new = h.get("new")
        if new is None:
            parts.append(f"{noun} 수집 실패")
            continue
        parts.append(f"새 {noun} {new}건" + ("" if h.get("ok") else " (일부 계정 실패)"))
    return " · ".join(parts) or "새로 들어온 것이 없습니다"


def archived_note(ws: Workspace, moved: list[Path], days: float) -> str:
    folders = sorted({_where(ws, p.parent) for p in moved})
    return f"outbox에서 {days:g}일이 지난 파일 {len(moved)}개를 {', '.join(folders)}로 옮겼습니다 (지우지 않았습니다)."


# -- the report outbox -------------------------------------------------------------------------------------


def file_entry(ws: Workspace, o: Outcome, at: datetime | None = None) -> Entry:
    """What the report needs of one file answered; any file answered is news."""
    return Entry("file", at or datetime.now(KST), True, _file_head(o), file_section(ws, o))


def job_entry(ws: Workspace, j: JobRun, at: datetime | None = None) -> Entry:
    """What the report needs of one collection; news when it found new rows or failed."""
    return Entry("job", at or datetime.now(KST), j.news or not j.ok, _job_head(j), job_section(ws, j))


def _still_attachable(s: Section) -> Section:
    if s.attachment is None or s.attachment.is_file():
        return s
    return replace(s, attachment=None, files=[*s.files, GONE])


def pending_report(ws: Workspace, entries: list[Entry]) -> Report | None:
    """One digest of pending entries (oldest first), as a pass's digest looks: files first, then collections,
    each in the order they happened; ``when`` is the first one's time, so the same entries make the same report
    (and the same id). None when there is no file and no collection among them (notes alone are no report)."""
    files = [e for e in entries if e.what == "file" and e.section is not None]
    jobs = [e for e in entries if e.what == "job" and e.section is not None]
    if not files and not jobs:
        return None
    sections = [_still_attachable(e.section) for e in files + jobs if e.section is not None]
    notes = [e.text for e in entries if e.what == "note" and e.text]
    when = next(e.at for e in entries if e.section is not None)
    return Report(
        sections, _headline([e.head for e in files], [e.head for e in jobs]), key_warnings(ws), notes, when=when
    )


def deliver_pending(ws: Workspace, entries: list[Entry], *, is_quiet: bool, echo: Callable[[str], None]) -> bool:
    """Report ``entries`` (an outbox flush's ``handle``): True when they are done with — delivered, written as
    .eml, already sent, maybe sent (never sent twice), or no news under quiet — False to keep them (refused)."""
    report = pending_report(ws, entries)
    if report is None:
        return True
    if is_quiet and not any(e.news for e in entries):
        echo(QUIET)
        return True
    smtp = SmtpSettings.from_table(ws.email)
    try:
        note = deliver(report, smtp, ws.outbox, ws.root / "state")
    except ReportMaybeSent as exc:  # it may have arrived: not sent again, not kept
        echo(f"보고서를 보내지 못했습니다: {exc.message}")
        return True
    except BatchError as exc:  # the report failed, the work did not: say so, keep it for the next pass
        echo(f"보고서를 보내지 못했습니다: {exc.message} 보고서는 다음 확인 때 다시 보냅니다.")
        return False
    echo(f"보고서: {_where(ws, note) if isinstance(note, Path) else note}")
    return True


def flush_reports(ws: Workspace, *, is_quiet: bool, echo: Callable[[str], None]) -> None:
    """Deliver everything pending in the report outbox as one report (see :mod:`batch.automation.report_outbox`)."""
    Outbox(ws.root).flush(lambda entries: deliver_pending(ws, entries, is_quiet=is_quiet, echo=echo))


def run_watch(ws: Workspace, *, once: bool, echo: Callable[[str], None], app: Any = None, poll: float = 1.0) -> bool:
    """Watch inbox/ (and run due collections) until stopped; ``once`` does one pass, for cron or a systemd timer.
    True when everything went well: no file refused or failed, no collection or account failed (the exit code).

    Before the first pass, a report left pending by a watcher that was killed is delivered."""
    failures: list[str] = []
    is_quiet, bad_quiet = quiet(ws)
    days, bad_days = keep_days(ws)
    for warning in (bad_quiet, bad_days):
        if warning:
            echo(warning)
    outbox = Outbox(ws.root)

    def store(entry: Entry) -> None:
        try:
            outbox.add(entry)
        except OSError as exc:
            log.warning("report entry not stored: %s", type(exc).__name__)
            echo(NOT_STORED.format(why=exc.strerror or type(exc).__name__))

    def flush() -> None:
        flush_reports(ws, is_quiet=is_quiet, echo=echo)

    def on_outcome(o: Outcome) -> None:
        store(file_entry(ws, o))  # first: once stored, a kill cannot lose its report
        if o.status == "failed":
            failures.append(o.source_name)
        for line in file_lines(ws, o):
            echo(line)

    def on_job(j: JobRun) -> None:
        store(job_entry(ws, j))
        if not j.ok:
            failures.append(j.job)
        echo(job_line(ws, j))

    def on_pass(p: Pass) -> None:
        if p.archived:
            note = archived_note(ws, p.archived, days)
            echo(note)
            if not p.idle:  # told in this pass's report (archiving alone is no report)
                store(Entry("note", datetime.now(KST), False, text=note))
        flush()

    try:
        flush()
    except Exception:  # a report must never keep the watcher from starting; the next pass tries again
        log.exception("watch: 남아 있던 보고서를 보내지 못했습니다")
    watch(
        ws,
        once=once,
        poll=poll,
        schedule=Schedule(every=schedule_seconds(ws)),
        app=app,
        on_outcome=on_outcome,
        on_job=on_job,
        on_pass=on_pass,
        keep_days=days,
    )
    return not failures
