"""Watch a workspace: process workbooks dropped into inbox/ and run scheduled collections.

A file in inbox/ is taken only when it looks like a finished workbook (``is_candidate``) and its size and
mtime have not changed for ``settle_seconds``. It is then claimed by an atomic rename into
processing/<token>/<its safe name> (another watcher that loses the race skips it; the name stays, so the
result is named after it exactly as ``batch run`` names it), hashed (a byte-identical file processed before is
not sent again), run through the same runner as ``batch run`` and finally moved to archive/ or, when refused,
to failed/ with a Korean ``.txt`` note beside it saying why and what to do.

A *pass* is one look: old files in outbox/ moved to outbox/archive/YYYY-MM/ (``retire_outbox``), the settled
files processed, the due collections run — every due marketplace of a job in one ``collect`` call and one
export. ``watch`` hands each pass to ``on_pass`` as a :class:`Pass`, for one report per pass.

State (settling observations, hashes of processed files, last run of each scheduled job) lives in
``<root>/state/watch.sqlite`` (WAL), so several watchers and restarts share it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import logging
import os
import re
import secrets
import signal
import sqlite3
import stat
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any, Literal

from batch.config import Workspace
from batch.errors import FileRefused
from batch.models import KST, label_of, now_kst
from batch.report import visible

log = logging.getLogger(__name__)

Now = Callable[[], float]
Status = Literal["processed", "duplicate", "failed"]

JOBS: tuple[str, ...] = ("orders", "claims", "inquiries")
STATS = "stats"  # [schedule] stats = 168: the statistics workbook of the last week, every week (a schedule job)
DEFAULT_EVERY = 2 * 60 * 60.0
DEFAULT_SETTLE = 2.0
PARTIAL_SUFFIXES = (".crdownload", ".part", ".tmp", ".download")
_MAX_NAME_BYTES = 150  # the safe original name; the whole archived name stays well under 255 bytes
_UNSAFE = re.compile(r"[/\\\x00-\x1f\x7f:*?\"<>|]+")

KIND_LABELS = {
    "products": "상품",
    "invoices": "송장",
    "answers": "답변",
    "claims": "클레임",
    "orders": "주문",
    "stock": "재고",
    "stock-history": "재고연동이력",
}
JOB_NOUNS = {"orders": "주문", "claims": "클레임", "inquiries": "문의"}
RETIRE_EVERY = 60 * 60.0  # a long-running watcher looks for old outbox files once an hour

GENERIC_FAILURE = (
    "이 파일을 처리하는 중에 예상하지 못한 오류가 났습니다. "
    "파일 내용은 바뀌지 않았습니다. 잠시 뒤 파일을 inbox 폴더에 다시 넣어 보고, "
    "같은 일이 되풀이되면 로그(--verbose)와 함께 이 파일을 담당자에게 보내 주세요."
)
NOT_REGULAR = (
    "이 파일은 일반 파일이 아니어서(바로 가기·링크 등) 열지 않았습니다. 원본 파일을 inbox 폴더에 직접 넣어 주세요."
)


@dataclass
class Outcome:
    source_name: str  # the name as dropped into inbox/ (for the report only; never used as an output path)
    kind: str | None
    status: Status
    result_path: Path | None  # the result workbook in outbox/ (processed), else None
    message: str  # Korean, for the user
    moved_to: Path | None = None  # where the original now is (archive/ or failed/)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # marketplace (or 전체) -> result -> rows
    problems: list[tuple[str, str, str]] = field(default_factory=list)  # the top (code, message, hint)
    reupload: Path | None = None  # the 재업로드용 workbook in outbox/, when rows failed
    has_errors: bool = False  # processed, but some rows are errors


@dataclass
class JobRun:
    job: str  # "orders", "claims" or "inquiries"
    ok: bool
    message: str  # Korean: new rows per marketplace, or why nothing was collected
    export: Path | None = None
    failed: list[str] = field(default_factory=list)  # "쿠팡/main: why" for each account that was not collected
    markets: list[str] = field(default_factory=list)  # the marketplaces collected in this run
    new: dict[str, int] = field(default_factory=dict)  # marketplace -> rows new this run (answered accounts only)
    rows: dict[str, int] = field(default_factory=dict)  # marketplace -> rows in the export
    keys: list[str] = field(default_factory=list)  # the schedule keys this run stands for ("orders.tmon", …)

    @property
    def news(self) -> bool:
        return any(self.new.values())


@dataclass
class Pass:
    """What one watch pass did: the files it answered, the collections it ran, the old files it archived."""

    started: dt.datetime  # KST, aware
    outcomes: list[Outcome] = field(default_factory=list)
    runs: list[JobRun] = field(default_factory=list)
    archived: list[Path] = field(default_factory=list)  # outbox files moved into outbox/archive/YYYY-MM/

    @property
    def idle(self) -> bool:
        """Nothing dropped and nothing collected (archiving old files alone is no news)."""
        return not self.outcomes and not self.runs

    @property
    def news(self) -> bool:
        """Something to tell: a file answered, a new row collected, or a collection that failed."""
        return bool(self.outcomes) or any(r.news or not r.ok for r in self.runs)


# -- names and candidates ----------------------------------------------------------------------------------


def is_left_alone(path: Path) -> bool:
    """A file the watcher never touches: Excel's or LibreOffice's lock file, or a download still in progress."""
    name = path.name
    return (
        name.startswith("~$")
        or (name.startswith(".~lock.") and name.endswith("#"))
        or name.lower().endswith(PARTIAL_SUFFIXES)
    )


def refusal(path: Path) -> str | None:
    """Why a file in inbox/ is not read, in a sentence that says what to do; None for a workbook to process.

    Everything but a lock file or a partial download gets an answer: processed, or moved to failed/ with this.
    """
    name = path.name
    lower = name.lower()
    try:
        st = os.lstat(path)
    except OSError:
        return None  # gone already
    if _pending_key(name) != name:
        return (
            "파일 이름에 읽을 수 없는 글자가 있습니다 (다른 컴퓨터에서 만든 압축을 풀 때 이름이 깨지곤 합니다). "
            "이름을 한글이나 영문으로 다시 지어 .xlsx로 저장한 뒤 넣어 주세요."
        )
    if stat.S_ISLNK(st.st_mode):
        return NOT_REGULAR + " (링크는 따라가지 않고 링크만 옮겼습니다.)"
    if stat.S_ISDIR(st.st_mode):
        return "폴더는 처리하지 않습니다. 폴더 안의 .xlsx 파일을 inbox에 직접 넣어 주세요."
    if not stat.S_ISREG(st.st_mode):
        return NOT_REGULAR
    if name != name.rstrip() or name != name.lstrip():
        return "파일 이름 앞이나 끝에 빈칸이 있습니다. 이름의 빈칸을 지우고 '.xlsx'로 끝나게 고쳐 다시 넣어 주세요."
    if name.startswith("."):
        return "이름이 점(.)으로 시작하는 숨김 파일이라 처리하지 않았습니다. 이름 앞의 점을 지우고 다시 넣어 주세요."
    if lower.endswith(".xls"):
        return "예전 엑셀 형식(.xls) 파일입니다. 엑셀에서 열어 'Excel 통합 문서(*.xlsx)'로 다시 저장한 뒤 넣어 주세요."
    if lower.endswith((".xlsm", ".xlsb", ".xltm", ".xltx")):
        return (
            f"'{Path(lower).suffix}' 형식은 처리하지 않습니다. 엑셀에서 열어 매크로 없이 "
            "'Excel 통합 문서(*.xlsx)'로 다시 저장한 뒤 넣어 주세요."
        )
    if ".xlsx." in lower or ".xls." in lower:
        return (
            "이름은 엑셀 파일처럼 보이지만 실제로는 다른 종류의 파일입니다(확장자가 두 개). 열지 말고, 보낸 사람에게 "
            "확인한 뒤 원래 .xlsx 파일을 넣어 주세요."
        )
    if not lower.endswith(".xlsx"):
        return "엑셀 통합 문서(.xlsx)만 처리합니다. 엑셀에서 'Excel 통합 문서(*.xlsx)'로 저장한 뒤 넣어 주세요."
    return None


def is_candidate(path: Path) -> bool:
    """A finished .xlsx regular file: no dotfile, lock file, partial download or symlink (never followed)."""
    return not is_left_alone(path) and refusal(path) is None and path.exists()


def safe_name(name: str) -> str:
    """``name`` without path separators, ``..``, control or reserved characters; Hangul and spaces kept."""
    cleaned = _UNSAFE.sub("_", unicodedata.normalize("NFC", name))
    while ".." in cleaned:
        cleaned = cleaned.replace("..", "_")
    cleaned = cleaned.strip(" .") or "file.xlsx"
    raw = cleaned.encode("utf-8")
    if len(raw) > _MAX_NAME_BYTES:
        cleaned = raw[:_MAX_NAME_BYTES].decode("utf-8", "ignore").rstrip(" .") or "file"
    return cleaned


def work_name(original: str) -> str:
    """The name a claimed file gets in processing/<token>/: the dropped name made safe (NFC), ending ``.xlsx``.
    Results are named after it, as ``batch run`` names them after the file it is given."""
    name = safe_name(original)
    stem = name[:-5] if name.lower().endswith(".xlsx") else name
    return (stem.rstrip(" .") or "file") + ".xlsx"


def _token() -> str:
    return secrets.token_hex(6)


# -- state -------------------------------------------------------------------------------------------------

_SCHEMA = """
CREATE TABLE IF NOT EXISTS pending (name TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, ino INTEGER, since REAL);
CREATE TABLE IF NOT EXISTS seen (sha256 TEXT PRIMARY KEY, source_name TEXT, archived TEXT, at TEXT);
CREATE TABLE IF NOT EXISTS jobs (job TEXT PRIMARY KEY, last_run REAL, ok INTEGER);
"""


def state_path(ws: Workspace) -> Path:
    return ws.root / "state" / "watch.sqlite"


@contextlib.contextmanager
def _db(path: Path) -> Iterator[sqlite3.Connection]:
    path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(path, timeout=30, isolation_level=None)
    try:
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA busy_timeout=30000")
        con.executescript(_SCHEMA)
        yield con
    finally:
        con.close()


# -- settling ----------------------------------------------------------------------------------------------


def _listing(folder: Path) -> list[Path]:
    try:
        return sorted(folder.iterdir())
    except FileNotFoundError:
        return []


def _pending_key(name: str) -> str:
    """The settle table's key of a file name; a name that is not valid UTF-8 (a Windows archive unpacked here keeps
    its CP949 bytes) is keyed by its bytes, so one odd name never stops the pass."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return "bytes:" + os.fsencode(name).hex()
    return name


def shown_name(name: str) -> str:
    """A file name as messages and notes show it: undecodable bytes as \\xNN, invisible characters made visible."""
    return visible(os.fsencode(name).decode("utf-8", "backslashreplace"))


def _settled(con: sqlite3.Connection, inbox: Path, now: float, settle_seconds: float) -> list[Path]:
    """Candidates whose size, mtime and inode have not changed for ``settle_seconds``; records what it sees."""
    entries = _listing(inbox)
    ready: list[Path] = []
    present: set[str] = set()
    for path in entries:
        if is_left_alone(path):
            continue
        try:
            st = os.lstat(path)
        except OSError:
            continue
        key = _pending_key(path.name)
        present.add(key)
        seen = (st.st_size, st.st_mtime_ns, st.st_ino)
        row = con.execute("SELECT size, mtime_ns, ino, since FROM pending WHERE name = ?", (key,)).fetchone()
        if row is None or tuple(row[:3]) != seen or row[3] > now:
            con.execute(
                "INSERT OR REPLACE INTO pending (name, size, mtime_ns, ino, since) VALUES (?, ?, ?, ?, ?)",
                (key, *seen, now),
            )
            since = now
        else:
            since = float(row[3])
        if now - since >= settle_seconds:
            ready.append(path)
    for (name,) in con.execute("SELECT name FROM pending").fetchall():
        if name not in present:
            con.execute("DELETE FROM pending WHERE name = ?", (name,))
    return ready


# -- one file ----------------------------------------------------------------------------------------------


def _claim(src: Path, processing: Path, token: str, name: str) -> Path | None:
    """Move ``src`` to processing/<token>/<name> (one rename: atomic); None when another watcher took it first.
    A link is moved as a link, never followed."""
    folder = processing / token
    folder.mkdir(parents=True, exist_ok=True)
    dst = folder / name
    try:
        os.rename(src, dst)
    except FileNotFoundError:
        _release(dst)
        return None
    return dst


def _release(claimed: Path) -> None:
    """Remove the claim's own processing/<token>/ folder once its file has moved on."""
    with contextlib.suppress(OSError):
        claimed.parent.rmdir()


def _sha256(path: Path) -> str:
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    h = hashlib.sha256()
    with os.fdopen(fd, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _park(claimed: Path, folder: Path, stored_name: str, note: str | None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    dst = folder / stored_name
    os.rename(claimed, dst)
    _release(claimed)
    if note is not None:
        (folder / f"{stored_name}.txt").write_text(note + "\n", encoding="utf-8")
    return dst


def _summary(run: Any) -> tuple[dict[str, dict[str, int]], list[tuple[str, str, str]]]:
    """Counts per marketplace and result, and the most frequent problems of one run, for the report."""
    from collections import Counter

    from batch.models import Market
    from batch.report import code_info

    v = run.validation
    counts = {"전체": {r.value: n for r, n in Counter(v.results.values()).items()}}
    per: dict[str, Counter[str]] = {}
    for step in getattr(run, "steps", []):  # products: one step per product and marketplace
        if step.result is not None:
            per.setdefault(step.sales.market.label, Counter())[step.result.value] += 1
    for row in getattr(run, "rows", []):  # invoices and answers: one row each, on its marketplace
        if row.result is not None and row.where[0]:
            per.setdefault(Market(row.where[0]).label, Counter())[row.result.value] += 1
    stock = getattr(run, "stock_pass", None) or getattr(run, "stock", None)
    for work in stock.works if stock is not None else []:  # 재고 연동: one listing each
        if work.result is not None:
            per.setdefault(Market(work.listing.market).label, Counter())[work.result.value] += 1
    counts.update({label: dict(c) for label, c in per.items()})
    top = Counter(p.code for p in v.report.errors)
    first = {p.code: p.message for p in reversed(v.report.errors)}
    problems = [
        (code, f"{first[code]} (외 {n - 1}건)" if n > 1 else first[code], code_info(code).hint)
        for code, n in top.most_common(10)
    ]
    return counts, problems


def _run(path: Path, ws: Workspace, app: Any, clock: Any) -> tuple[str, Any, str, Any]:
    """The same dispatch as ``batch run``: (kind, its result files, Korean summary, the run itself)."""
    from batch.importers import answers, invoices, stock
    from batch.importers.workbook import template_kind

    kind = template_kind(path, (invoices.SPEC, stock.SPEC)) or "products"
    v: Any
    if kind == stock.KIND:
        from batch.jobs.stock import run_stock

        s = run_stock(path, ws, app=app, clock=clock)
        files, errors, v = s.files, s.has_errors, s
    elif kind == "claims":
        from batch.jobs.claims import run_claims

        c = run_claims(path, ws, app=app, clock=clock)
        files, errors, v = c.files, c.has_errors, c
    elif kind == answers.KIND:
        from batch.jobs.answers import run_answers

        a = run_answers(path, ws, app=app, clock=clock)
        files, errors, v = a.files, a.has_errors, a
    elif kind == invoices.KIND:
        from batch.jobs.invoices import run_invoices

        i = run_invoices(path, ws, app=app, clock=clock)
        files, errors, v = i.files, i.has_errors, i
    elif kind == "products":
        from batch.jobs.products import run_products

        p = run_products(path, ws, app=app, clock=clock)
        files, errors, v = p.files, p.has_errors, p
    else:
        label = KIND_LABELS.get(kind, kind)
        raise FileRefused(
            "watch-kind",
            f"이 파일은 '{label}' 목록이라 보낼 내용이 없습니다. 상품·송장·답변·재고·클레임 파일만 inbox 폴더에 넣어 주세요.",
        )
    label = KIND_LABELS.get(kind, kind)
    if errors:
        message = f"{label} 파일을 처리했습니다. 오류가 있는 행이 있으니 결과 파일의 처리결과를 확인하세요."
    else:
        message = f"{label} 파일을 처리했습니다."
    return kind, files, message, v


def _refuse_file(src: Path, ws: Workspace, reason: str, today: dt.date) -> Outcome | None:
    """A dropped file that is not read: moved to failed/ (a link as a link) with the reason beside it."""
    token = _token()
    original = shown_name(src.name)  # what staff read; the file keeps its own bytes until it is moved
    claimed = _claim(src, ws.root / "processing", token, safe_name(original) + ".refused")
    if claimed is None:
        return None
    stored = f"{today:%Y%m%d}_{token}__{safe_name(original)}"
    log.warning("%s: %s", original, reason)
    moved = _park(claimed, ws.root / "failed", stored, reason)
    return Outcome(original, None, "failed", None, reason, moved)


def _process_file(src: Path, ws: Workspace, state: Path, *, app: Any, clock: Any, today: dt.date) -> Outcome | None:
    reason = refusal(src)
    if reason is not None:
        return _refuse_file(src, ws, reason, today)
    token = _token()
    original = src.name
    claimed = _claim(src, ws.root / "processing", token, work_name(original))
    if claimed is None:
        log.debug("%s: taken by another watcher", original)
        return None
    stored = f"{today:%Y%m%d}_{token}__{safe_name(original)}"
    failed = ws.root / "failed"
    try:
        if not stat.S_ISREG(os.lstat(claimed).st_mode):  # swapped for a link between the check and the claim
            return Outcome(original, None, "failed", None, NOT_REGULAR, _park(claimed, failed, stored, NOT_REGULAR))
        digest = _sha256(claimed)
        archived = ws.root / "archive" / stored
        with _db(state) as con:
            inserted = con.execute(
                "INSERT OR IGNORE INTO seen (sha256, source_name, archived, at) VALUES (?, ?, ?, ?)",
                (digest, original, str(archived), now_kst().strftime("%Y-%m-%d %H:%M")),
            ).rowcount
            before = (
                None
                if inserted
                else con.execute("SELECT source_name, archived, at FROM seen WHERE sha256 = ?", (digest,)).fetchone()
            )
        if before is not None:
            note = (
                f"이 파일('{original}')은 {before[2]}에 처리한 '{before[0]}'과(와) 내용이 똑같아서 "
                f"다시 보내지 않았습니다(먼저 처리한 파일: {Path(before[1]).name}). "
                "내용을 고친 파일이라면 저장이 되었는지 확인한 뒤 다시 넣어 주세요."
            )
            moved = _park(claimed, ws.root / "archive", stored, note)
            return Outcome(original, None, "duplicate", None, note, moved)
        try:
            kind, files, message, v = _run(claimed, ws, app, clock)
        except BaseException:
            with _db(state) as con:  # not processed: the same bytes may be tried again
                con.execute("DELETE FROM seen WHERE sha256 = ?", (digest,))
            raise
        counts, problems = _summary(v)
        moved = _park(claimed, ws.root / "archive", stored, None)
        result, reupload = (files.result, files.reupload) if files is not None else (None, None)
        errors = bool(getattr(v, "has_errors", False))
        return Outcome(original, kind, "processed", result, message, moved, counts, problems, reupload, errors)
    except FileRefused as exc:
        note = f"[{exc.code}] {exc.message}"
        log.warning("%s: %s", original, note)
        return Outcome(original, None, "failed", None, exc.message, _park(claimed, failed, stored, note))
    except Exception:
        log.warning("%s: 처리 중 오류 (자세한 내용은 debug 로그)", original)
        log.debug("%s failed", original, exc_info=True)
        return Outcome(original, None, "failed", None, GENERIC_FAILURE, _park(claimed, failed, stored, GENERIC_FAILURE))


def process_once(
    ws: Workspace,
    *,
    now: Now = time.time,
    app: Any = None,
    on_outcome: Callable[[Outcome], None] | None = None,
    settle_seconds: float = DEFAULT_SETTLE,
    clock: Any = None,
    stop: threading.Event | None = None,
) -> list[Outcome]:
    """Scan inbox/ once and process every settled candidate (also those that arrived while nothing watched)."""
    state = state_path(ws)
    with _db(state) as con:
        ready = _settled(con, ws.inbox, now(), settle_seconds)
    outcomes: list[Outcome] = []
    for path in ready:
        if stop is not None and stop.is_set():
            break
        try:
            outcome = _process_file(path, ws, state, app=app, clock=clock, today=now_kst().date())
        except Exception:  # even parking failed: the file stays in processing/; keep watching the others
            log.exception("%s: 파일을 옮기지 못했습니다", path.name)
            continue
        if outcome is None:
            continue
        with _db(state) as con:
            con.execute("DELETE FROM pending WHERE name = ?", (_pending_key(path.name),))
        outcomes.append(outcome)
        if on_outcome is not None:
            on_outcome(outcome)
    return outcomes


# -- schedule ----------------------------------------------------------------------------------------------


def _default_every() -> dict[str, float]:
    return dict.fromkeys(JOBS, DEFAULT_EVERY)


@dataclass
class Schedule:
    """Seconds between runs of each collection job; the last run of each job is kept in watch.sqlite.

    A job never run before is due at once (a new install, or cron's first ``--once``, collects right away).
    """

    every: dict[str, float] = field(default_factory=_default_every)
    state: Path | None = None  # watch.sqlite; set by ``bind`` / ``run_due``

    def bind(self, ws: Workspace) -> Schedule:
        if self.state is None:
            self.state = state_path(ws)
        return self

    def due(self, now: float) -> list[str]:
        if self.state is None:
            raise ValueError("Schedule.bind(ws) first")
        out: list[str] = []
        with _db(self.state) as con:
            for job, seconds in self.every.items():
                row = con.execute("SELECT last_run FROM jobs WHERE job = ?", (job,)).fetchone()
                if row is None or now - float(row[0]) >= seconds:  # never run yet: collect at once
                    out.append(job)
        return out

    def record(self, job: str, now: float, ok: bool) -> None:
        if self.state is None:
            raise ValueError("Schedule.bind(ws) first")
        with _db(self.state) as con:
            con.execute("INSERT OR REPLACE INTO jobs (job, last_run, ok) VALUES (?, ?, ?)", (job, now, int(ok)))

    def last_run(self, job: str) -> float | None:
        if self.state is None:
            return None
        with _db(self.state) as con:
            row = con.execute("SELECT last_run, ok FROM jobs WHERE job = ?", (job,)).fetchone()
        return None if row is None or row[1] is None else float(row[0])

    def run_due(
        self,
        ws: Workspace,
        now: float,
        app: Any = None,
        clock: Any = None,
        on_run: Callable[[JobRun], None] | None = None,
    ) -> list[JobRun]:
        """Run ``collect`` once per due job, for every due marketplace of it together ("orders.coupang" and
        "orders.tmon" due: one call, one export), and record each key (also when it failed, so it is retried
        next interval)."""
        from batch.jobs.collect import collect

        self.bind(ws)
        groups: dict[str, list[str]] = {}
        for key in self.due(now):
            groups.setdefault(key.partition(".")[0], []).append(key)
        runs: list[JobRun] = []
        for job, keys in groups.items():
            if job == STATS:
                run = _stats_run(ws, keys, self.every.get(STATS, 7 * 86400))
                for key in keys:
                    self.record(key, now, run.ok)
                runs.append(run)
                if on_run is not None:
                    on_run(run)
                continue
            # "orders" alone means every marketplace; "orders.tmon" one of them
            markets = None if any("." not in k for k in keys) else [k.partition(".")[2] for k in keys]
            try:
                c = collect(ws, job, markets=markets, app=app, clock=clock)
            except Exception as exc:
                log.warning("%s 수집 실패: %s", job, getattr(exc, "message", exc))
                log.debug("%s collect failed", job, exc_info=True)
                why = getattr(exc, "message", "") or "로그(--verbose)를 확인하세요."
                label = JOB_NOUNS.get(job, job)
                run = JobRun(job, False, f"{label}을(를) 모으지 못했습니다. {why}", markets=markets or [], keys=keys)
                for key in keys:
                    self.record(key, now, False)
            else:
                run = _job_run(job, keys, c)
                for key in keys:
                    market = key.partition(".")[2]
                    self.record(key, now, all(a.ok for a in c.accounts if not market or a.market == market))
            runs.append(run)
            if on_run is not None:
                on_run(run)
        return runs


def _stats_run(ws: Workspace, keys: list[str], seconds: float) -> JobRun:
    """The statistics workbook of the last period (as long as the schedule's interval, up to yesterday, KST)."""
    from batch.jobs.stats import run_stats

    end = now_kst().date() - dt.timedelta(days=1)
    start = end - dt.timedelta(days=max(int(seconds // 86400), 1) - 1)
    try:
        made = run_stats(ws, start, end)
    except Exception as exc:  # a failed statistics run never stops the watcher
        log.debug("stats failed", exc_info=True)
        why = getattr(exc, "message", "") or "로그(--verbose)를 확인하세요."
        return JobRun(STATS, False, f"통계를 만들지 못했습니다. {why}", keys=keys)
    return JobRun(
        STATS, True, f"통계 {start:%Y-%m-%d} ~ {end:%Y-%m-%d} (주문 줄 {made.lines:,}개)", made.path, keys=keys
    )


def _job_run(job: str, keys: list[str], c: Any) -> JobRun:
    """One collection as staff read it: new rows per marketplace, 0 included; no count when nothing came."""
    label = JOB_NOUNS.get(job, job)
    failed = [f"{label_of(a.market)}/{a.account}: {a.message}" for a in c.accounts if not a.ok]
    answered = {a.market for a in c.accounts if a.ok}
    new = {m: sum(a.new for a in c.accounts if a.ok and a.market == m) for m in c.markets if m in answered}
    rows = {m: n for m, n in c.market_rows.items() if m in answered}
    if not answered:  # nothing was collected: no count to report
        message = f"{label}을(를) 한 계정에서도 모으지 못했습니다. " + " / ".join(failed)
    else:
        parts = [f"{label_of(m)} {new[m]}건" if m in answered else f"{label_of(m)} 모으지 못함" for m in c.markets]
        message = f"새 {label} " + " · ".join(parts)
        if failed:
            message += ". 모으지 못한 계정이 있습니다: " + " / ".join(failed)
    stock = getattr(c, "stock", None)
    if stock is not None and (stock.works or stock.unmatched):  # the 재고 연동 pass that followed ([stock] sync)
        told = sum(1 for w in stock.works if w.result is not None and w.result.value == "성공")
        message += f". 재고 연동: 마켓 상품 {len(stock.works)}곳에 보냄(확인 {told}"
        message += f", 반영 대기 {len(stock.waiting)}" if stock.waiting else ""
        message += f", 실패 {len(stock.failed)}" if stock.failed else ""
        message += ")"
        if stock.unmatched:
            message += (
                f", 어느 상품인지 몰라 재고에서 빼지 않은 주문 {len(stock.unmatched)}건 (batch collect stock-history)"
            )
        failed = failed + [f"재고 연동 {_listing_label(w)}: {w.message}" for w in stock.failed]
    return JobRun(job, not failed, message, c.export, failed, list(c.markets), new, rows, keys)


def _listing_label(work: Any) -> str:
    return f"{label_of(work.listing.market)}/{work.listing.account} {work.listing.code}"


# -- outbox retention --------------------------------------------------------------------------------------


def retire_outbox(outbox: Path, keep_days: float, now: float) -> list[Path]:
    """Move files in outbox/ older than ``keep_days`` (by their time, ``now`` in epoch seconds) into
    outbox/archive/YYYY-MM/ by the KST month they were written; never deletes. ``keep_days`` 0 keeps all.
    Returns where each file went; a name already in that month's folder gets ``_2``, ``_3``… ."""
    if keep_days <= 0:
        return []
    cutoff = now - keep_days * 86400
    moved: list[Path] = []
    for path in _listing(outbox):
        try:
            st = os.lstat(path)
        except OSError:
            continue
        if not stat.S_ISREG(st.st_mode) or st.st_mtime >= cutoff or path.name.endswith(".part"):
            continue
        month = dt.datetime.fromtimestamp(st.st_mtime, KST).strftime("%Y-%m")
        folder = outbox / "archive" / month
        folder.mkdir(parents=True, exist_ok=True)
        dst, n = folder / path.name, 1
        while dst.exists() or dst.is_symlink():
            n += 1
            dst = folder / f"{path.stem}_{n}{path.suffix}"
        try:
            os.rename(path, dst)
        except OSError:
            log.warning("%s: outbox/archive로 옮기지 못했습니다", path.name)
            continue
        moved.append(dst)
    return moved


# -- the loop ----------------------------------------------------------------------------------------------


def watch(
    ws: Workspace,
    *,
    poll: float = 1.0,
    stop: threading.Event | None = None,
    schedule: Schedule | None = None,
    now: Now = time.time,
    app: Any = None,
    clock: Any = None,
    on_outcome: Callable[[Outcome], None] | None = None,
    on_job: Callable[[JobRun], None] | None = None,
    on_pass: Callable[[Pass], None] | None = None,
    settle_seconds: float = DEFAULT_SETTLE,
    keep_days: float = 0,
    once: bool = False,
) -> None:
    """Process inbox/ and run due collections until ``stop`` is set (SIGTERM/SIGINT set it in the main thread).

    Each pass first moves outbox files older than ``keep_days`` into outbox/archive/YYYY-MM/ (0: never; a
    long-running watcher looks once an hour), then processes what settled and runs what is due. ``on_outcome``
    and ``on_job`` hear of each file and collection as it ends; ``on_pass`` gets the whole pass once it ends
    (not for a pass that did nothing at all).

    ``once``: one pass (what is settled and what is due), then return; files still settling get one more look
    after ``settle_seconds`` (real time), within the same pass.
    """
    stop = stop or threading.Event()
    if schedule is not None:
        schedule.bind(ws)
    processing = ws.root / "processing"
    leftovers = [
        p.relative_to(processing).as_posix()
        for entry in _listing(processing)
        for p in (_listing(entry) if entry.is_dir() and not entry.is_symlink() else [entry])
    ]
    if leftovers:
        log.warning(
            "processing/ 폴더에 처리하다 멈춘 파일이 있습니다: %s (확인 후 inbox로 옮기세요)", ", ".join(leftovers)
        )
    previous: dict[signal.Signals, Any] = {}
    if threading.current_thread() is threading.main_thread():

        def handler(signum: int, frame: FrameType | None) -> None:
            log.info("신호 %s: 지금 파일을 마치고 멈춥니다", signum)
            stop.set()

        for sig in (signal.SIGTERM, signal.SIGINT):
            previous[sig] = signal.signal(sig, handler)
    retired_at: float | None = None

    def look(pass_: Pass, *, retire: bool) -> None:
        nonlocal retired_at

        def took(o: Outcome) -> None:
            pass_.outcomes.append(o)
            if on_outcome is not None:
                on_outcome(o)

        def ran(j: JobRun) -> None:
            pass_.runs.append(j)
            if on_job is not None:
                on_job(j)

        if retire and keep_days > 0 and (retired_at is None or now() - retired_at >= RETIRE_EVERY):
            retired_at = now()
            try:
                pass_.archived += retire_outbox(ws.outbox, keep_days, retired_at)
            except Exception:
                log.exception("watch: 오래된 outbox 파일을 옮기지 못했습니다")
        try:  # files and collections fail apart: a stuck file never stops the collections
            process_once(ws, now=now, app=app, on_outcome=took, settle_seconds=settle_seconds, clock=clock, stop=stop)
        except Exception as exc:  # e.g. state database busy: say so, try again next poll
            log.warning("inbox를 이번에는 확인하지 못했습니다 (%s). 다음 확인 때 다시 합니다.", type(exc).__name__)
            log.debug("process_once failed", exc_info=True)
        try:
            if schedule is not None and not stop.is_set():
                schedule.run_due(ws, now(), app=app, clock=clock, on_run=ran)
        except Exception as exc:
            log.warning("예약 수집을 이번에는 하지 못했습니다 (%s). 다음 확인 때 다시 합니다.", type(exc).__name__)
            log.debug("run_due failed", exc_info=True)

    def close(pass_: Pass) -> None:
        if on_pass is None or (pass_.idle and not pass_.archived):
            return
        try:
            on_pass(pass_)
        except Exception:  # the report failed, the work did not
            log.exception("watch: 이번 확인의 보고를 만들지 못했습니다")

    try:
        while not stop.is_set():
            current = Pass(dt.datetime.now(KST))
            look(current, retire=True)
            if once and not stop.is_set() and any(not is_left_alone(p) for p in _listing(ws.inbox)):
                stop.wait(settle_seconds)  # files not yet settled: one more look, in the same pass
                if not stop.is_set():
                    look(current, retire=False)
            close(current)
            if once:
                break
            stop.wait(poll)
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
