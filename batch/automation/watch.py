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
from batch.errors import FileRefused, Interrupted
from batch.ledger import crash_point, writing
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
IMAGES = "images"  # inbox/images/: the local image files of the products workbooks dropped beside it
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
STALE_PART = 60 * 60.0  # an outbox .part this old is a killed write's remains (no workbook takes an hour to write)

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
    """A file the watcher never touches: Excel's or LibreOffice's lock file, a download still in progress, or the
    ``images`` folder of the products workbooks dropped beside it."""
    name = path.name
    return (
        name.startswith("~$")
        or (name.startswith(".~lock.") and name.endswith("#"))
        or name.lower().endswith(PARTIAL_SUFFIXES)
        or (name == IMAGES and path.is_dir() and not path.is_symlink())
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
# A file's hash is "processing" (with its claim's token) while it runs and "done" once its result is written: a
# file caught by a kill is resumed on the next start, never taken for a duplicate of itself. Rows from before
# this column read as done.
_SEEN_COLUMNS = (("status", "TEXT NOT NULL DEFAULT 'done'"), ("token", "TEXT"))
PROCESSING, DONE = "processing", "done"
LOCK_NAME = ".lock"  # processing/<token>/.lock: held (flock) by the process working on that claim
REASON_NAME = ".reason"  # processing/<token>/.reason: why a file being refused is refused (read by a resume)
STALE_CLAIM = 60.0  # an empty claim folder older than this (seconds) is removed at start


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
        have = {row[1] for row in con.execute("PRAGMA table_info(seen)")}
        for column, declaration in _SEEN_COLUMNS:
            if column not in have:
                with contextlib.suppress(sqlite3.OperationalError):  # another watcher added it just now
                    con.execute(f"ALTER TABLE seen ADD COLUMN {column} {declaration}")
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
    """Candidates whose size, mtime and inode have not changed for ``settle_seconds``, in the order they arrived
    (last written, then name: two workbooks for the same products are applied as staff saved them); records what
    it sees."""
    entries = _listing(inbox)
    ready: list[tuple[int, str, Path]] = []
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
            ready.append((st.st_mtime_ns, path.name, path))
    for (name,) in con.execute("SELECT name FROM pending").fetchall():
        if name not in present:
            con.execute("DELETE FROM pending WHERE name = ?", (name,))
    return [path for _, _, path in sorted(ready, key=lambda t: t[:2])]


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
    """Remove the claim's own processing/<token>/ folder (and its lock file) once its file has moved on."""
    for own in (REASON_NAME, LOCK_NAME):
        with contextlib.suppress(OSError):
            (claimed.parent / own).unlink()
    with contextlib.suppress(OSError):
        claimed.parent.rmdir()


@contextlib.contextmanager
def _holding(folder: Path, *, wait: bool = True) -> Iterator[bool]:
    """Hold processing/<token>/.lock while working on that claim: a process killed mid-file lets go of it, so the
    next start knows the claim is stranded, not in another watcher's hands. Yields False when another process
    holds it (only with ``wait=False``). Without flock (not POSIX) every claim counts as stranded at start."""
    folder.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield True
        return
    fd = os.open(folder / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)


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


def _run(
    path: Path, ws: Workspace, app: Any, clock: Any, images: Path | None = None, stop: threading.Event | None = None
) -> tuple[str, Any, str, Any]:
    """The same dispatch as ``batch run``: (kind, its result files, Korean summary, the run itself). ``images``: the
    folder of a products workbook's local images (in watch mode the one beside it in inbox/)."""
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

        p = run_products(path, ws, app=app, clock=clock, images=images, stop=stop)
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
    with _holding(ws.root / "processing" / token):
        (ws.root / "processing" / token / REASON_NAME).write_text(reason, encoding="utf-8")  # for a resume
        claimed = _claim(src, ws.root / "processing", token, safe_name(original) + ".refused")
        if claimed is None:
            return None
        stored = f"{today:%Y%m%d}_{token}__{safe_name(original)}"
        log.warning("%s: %s", original, reason)
        moved = _park(claimed, ws.root / "failed", stored, reason)
    return Outcome(original, None, "failed", None, reason, moved)


def _process_file(
    src: Path,
    ws: Workspace,
    state: Path,
    *,
    app: Any,
    clock: Any,
    today: dt.date,
    images: Path | None = None,
    stop: threading.Event | None = None,
) -> Outcome | None:
    reason = refusal(src)
    if reason is not None:
        return _refuse_file(src, ws, reason, today)
    token = _token()
    original = src.name
    with _holding(ws.root / "processing" / token):
        claimed = _claim(src, ws.root / "processing", token, work_name(original))
        if claimed is None:
            log.debug("%s: taken by another watcher", original)
            return None
        return _work(claimed, original, token, ws, state, app=app, clock=clock, today=today, images=images, stop=stop)


def _work(
    claimed: Path,
    original: str,
    token: str,
    ws: Workspace,
    state: Path,
    *,
    app: Any,
    clock: Any,
    today: dt.date,
    images: Path | None,
    stop: threading.Event | None = None,
) -> Outcome | None:
    """Run one claimed file (new, or resumed after a kill) and park it: archive/ once its result is written,
    failed/ with the reason when it cannot be. Its hash is 'processing' until the result is written, then 'done'.
    None when a stop came mid-file: it stays in processing/ and is resumed on the next start."""
    stored = f"{today:%Y%m%d}_{token}__{safe_name(original)}"
    failed = ws.root / "failed"
    try:
        if not stat.S_ISREG(os.lstat(claimed).st_mode):  # swapped for a link between the check and the claim
            return Outcome(original, None, "failed", None, NOT_REGULAR, _park(claimed, failed, stored, NOT_REGULAR))
        digest = _sha256(claimed)
        archived = ws.root / "archive" / stored
        before = _begin(state, digest, original, archived, token, ws.root / "processing")
        if before is not None:
            if before[3] == DONE and before[4] == token:  # resumed after a kill that came once the result was written
                note = (
                    f"이 파일('{original}')은 {before[2]}에 처리를 마쳤습니다. 결과 파일은 outbox 폴더에 있고, "
                    "다시 보내지 않았습니다."
                )
            elif before[3] == DONE:
                note = (
                    f"이 파일('{original}')은 {before[2]}에 처리한 '{before[0]}'과(와) 내용이 똑같아서 "
                    f"다시 보내지 않았습니다(먼저 처리한 파일: {Path(before[1]).name}). "
                    "내용을 고친 파일이라면 저장이 되었는지 확인한 뒤 다시 넣어 주세요."
                )
            else:
                note = (
                    f"이 파일('{original}')과 내용이 똑같은 '{before[0]}'을(를) 지금 처리하고 있어 다시 보내지 "
                    "않았습니다. 그 파일의 결과를 확인해 주세요."
                )
            moved = _park(claimed, ws.root / "archive", stored, note)
            return Outcome(original, None, "duplicate", None, note, moved)
        crash_point("claimed")  # tests: killed with the file in processing/, before anything is sent
        try:
            kind, files, message, v = _run(claimed, ws, app, clock, images, stop)
        except Interrupted:
            raise  # stays 'processing' under this claim: the next start resumes it
        except BaseException:
            with _db(state) as con:  # not processed: the same bytes may be tried again
                con.execute("DELETE FROM seen WHERE sha256 = ? AND token = ?", (digest, token))
            raise
        with _db(state) as con:  # the result is written: from now on these bytes are a duplicate
            con.execute("UPDATE seen SET status = ? WHERE sha256 = ?", (DONE, digest))
        counts, problems = _summary(v)
        moved = _park(claimed, ws.root / "archive", stored, None)
        result, reupload = (files.result, files.reupload) if files is not None else (None, None)
        errors = bool(getattr(v, "has_errors", False))
        return Outcome(original, kind, "processed", result, message, moved, counts, problems, reupload, errors)
    except Interrupted as exc:
        log.warning("%s: %s", shown_name(original), exc.message)
        return None
    except FileRefused as exc:
        note = f"[{exc.code}] {exc.message}"
        log.warning("%s: %s", original, note)
        return Outcome(original, None, "failed", None, exc.message, _park(claimed, failed, stored, note))
    except Exception:
        log.warning("%s: 처리 중 오류 (자세한 내용은 debug 로그)", original)
        log.debug("%s failed", original, exc_info=True)
        return Outcome(original, None, "failed", None, GENERIC_FAILURE, _park(claimed, failed, stored, GENERIC_FAILURE))


def _begin(
    state: Path, digest: str, original: str, archived: Path, token: str, processing: Path
) -> tuple[Any, ...] | None:
    """Record these bytes as being processed under ``token``; None when this claim may go on, else the row of the
    claim that has them ((name, archived, at, status, token): done, or a live claim holding them). A row left by a
    claim whose process died (its lock free) is taken over."""
    with (
        _db(state) as con,
        writing(con),
    ):  # look and claim in one write: two watchers given the same bytes never both go
        row = con.execute(
            "SELECT source_name, archived, at, status, token FROM seen WHERE sha256 = ?", (digest,)
        ).fetchone()
        if row is not None and (row[3] == DONE or row[4] == token):
            return None if row[4] == token and row[3] != DONE else tuple(row)
        if row is not None and row[4] and (processing / row[4]).is_dir():
            with _holding(processing / row[4], wait=False) as free:
                if not free:
                    return tuple(row)
        con.execute(
            "INSERT OR REPLACE INTO seen (sha256, source_name, archived, at, status, token) VALUES (?, ?, ?, ?, ?, ?)",
            (digest, original, str(archived), now_kst().strftime("%Y-%m-%d %H:%M"), PROCESSING, token),
        )
    return None


def recover(
    ws: Workspace,
    state: Path,
    *,
    app: Any = None,
    clock: Any = None,
    images: Path | None = None,
    stop: threading.Event | None = None,
) -> list[Outcome]:
    """Claims left in processing/ by a process that died (kill -9, power cut): each file is resumed where it
    stood (the ledger makes a second run of its rows safe; one whose result was written is only archived); a claim
    another live watcher holds is left alone. Returns one Outcome per file, as for a new one."""
    processing = ws.root / "processing"
    outcomes: list[Outcome] = []
    for folder in _listing(processing):
        if stop is not None and stop.is_set():
            break
        if not folder.is_dir() or folder.is_symlink():
            continue
        with _holding(folder, wait=False) as free:
            if not free:
                continue  # another watcher is working on it right now
            files = [p for p in _listing(folder) if p.name not in (LOCK_NAME, REASON_NAME)]
            if not files:
                if time.time() - folder.stat().st_mtime > STALE_CLAIM:  # not a claim being made right now
                    _release(folder / LOCK_NAME)
                continue
            for claimed in files:
                outcome = _resume(claimed, folder.name, ws, state, app=app, clock=clock, images=images, stop=stop)
                if outcome is not None:
                    outcomes.append(outcome)
    return outcomes


def _resume(
    claimed: Path,
    token: str,
    ws: Workspace,
    state: Path,
    *,
    app: Any,
    clock: Any,
    images: Path | None,
    stop: threading.Event | None = None,
) -> Outcome | None:
    today = now_kst().date()
    if claimed.name.endswith(".refused"):  # it was being refused when the process died: refuse it again
        original = claimed.name.removesuffix(".refused")
        try:
            reason = (claimed.parent / REASON_NAME).read_text(encoding="utf-8")
        except OSError:
            reason = NOT_REGULAR
        stored = f"{today:%Y%m%d}_{token}__{safe_name(original)}"
        return Outcome(original, None, "failed", None, reason, _park(claimed, ws.root / "failed", stored, reason))
    with _db(state) as con:
        row = con.execute("SELECT source_name FROM seen WHERE token = ?", (token,)).fetchone()
    original = str(row[0]) if row is not None else claimed.name
    log.warning(
        "%s: 처리하다 멈춘 파일을 이어서 처리합니다 (이미 보낸 행은 다시 보내지 않습니다)", shown_name(original)
    )
    return _work(claimed, original, token, ws, state, app=app, clock=clock, today=today, images=images, stop=stop)


def process_once(
    ws: Workspace,
    *,
    now: Now = time.time,
    app: Any = None,
    on_outcome: Callable[[Outcome], None] | None = None,
    settle_seconds: float = DEFAULT_SETTLE,
    clock: Any = None,
    stop: threading.Event | None = None,
    images: Path | None = None,
) -> list[Outcome]:
    """Scan inbox/ once and process every settled candidate (also those that arrived while nothing watched), in
    the order they arrived. ``images``: where a products workbook's local images are (default: inbox/images, the
    folder beside the dropped workbook)."""
    images = images or ws.inbox / IMAGES
    state = state_path(ws)
    with _db(state) as con:
        ready = _settled(con, ws.inbox, now(), settle_seconds)
    outcomes: list[Outcome] = []
    for path in ready:
        if stop is not None and stop.is_set():
            break
        try:
            outcome = _process_file(
                path, ws, state, app=app, clock=clock, today=now_kst().date(), images=images, stop=stop
            )
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
        stop: threading.Event | None = None,
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
            if stop is not None and stop.is_set():
                break  # the rest stay due: the next start runs them
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
    outbox/archive/YYYY-MM/ by the KST month they were written; never deletes a workbook. ``keep_days`` 0 keeps all.
    Returns where each file went; a name already in that month's folder gets ``_2``, ``_3``… .

    A ``.part`` older than ``STALE_PART`` is what a killed write left (exporters ``whole_file``: a workbook being
    written takes its name only when whole), never a workbook: it is removed, whatever ``keep_days`` says."""
    cutoff = now - keep_days * 86400 if keep_days > 0 else None
    moved: list[Path] = []
    for path in _listing(outbox):
        try:
            st = os.lstat(path)
        except OSError:
            continue
        if not stat.S_ISREG(st.st_mode):
            continue
        if path.name.endswith(".part"):
            if st.st_mtime < now - STALE_PART:
                with contextlib.suppress(OSError):
                    path.unlink()
            continue
        if cutoff is None or st.st_mtime >= cutoff:
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


GRACE = 2.0  # seconds a stop waits for the collection in progress before leaving it to the next start
REPORT_WAIT = 30.0  # seconds a stop waits for a report already being sent (never cut mid-send: it would be dropped)
COLLECTIONS_THREAD = "batch-collections"


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

    First, files a killed process left in processing/ are resumed (``recover``). Then files and collections go on
    two loops: dropped workbooks are taken within a poll of settling, in the order they arrived, even while a
    collection runs (each collection pass on its own thread); each loop's pass goes to ``on_pass`` when it ends
    (not a pass that did nothing), one at a time; ``on_outcome`` and ``on_job`` may come from either loop. Each file
    pass first moves outbox files older than ``keep_days`` into outbox/archive/YYYY-MM/ (0: never; a long-running
    watcher looks once an hour). A stop (SIGTERM, SIGINT, ``stop``) says so in one line, stops sending a products file
    within seconds (it stays in processing/ and is resumed on the next start), finishes any other file, and waits up
    to ``GRACE`` seconds for a collection in progress; one still running is left to the next start (its
    ledger resumes it). ``once``: one pass (what is settled, then what is due), then return; files still settling
    get one more look after ``settle_seconds`` (real time), within the same pass.
    """
    stop = stop or threading.Event()
    if schedule is not None:
        schedule.bind(ws)
    state = state_path(ws)
    images = ws.inbox / IMAGES  # a products workbook's local images: the folder beside it in inbox/
    said = threading.Lock()  # one report at a time: both loops end passes; a stop waits for one being sent
    previous: dict[signal.Signals, Any] = {}
    stopped_at: list[float] = []  # when a signal asked to stop: the file and the collection share one grace
    if threading.current_thread() is threading.main_thread():

        def handler(signum: int, frame: FrameType | None) -> None:
            first = not stop.is_set()
            stop.set()  # first: the stop holds even if the line below cannot be written
            stopped_at.append(time.monotonic())
            if first:
                log.warning(
                    "%s 신호를 받았습니다. 하던 파일을 마치고 몇 초 안에 멈춥니다. 멈춘 수집은 다음에 시작할 때 "
                    "이어서 합니다.",
                    signal.Signals(signum).name,
                )

        for sig in (signal.SIGTERM, signal.SIGINT):
            previous[sig] = signal.signal(sig, handler)
    retired_at: float | None = None

    def took(pass_: Pass) -> Callable[[Outcome], None]:
        def one(o: Outcome) -> None:
            pass_.outcomes.append(o)
            if on_outcome is not None:  # appends to the report outbox and prints: safe from either loop
                on_outcome(o)

        return one

    def ran(pass_: Pass) -> Callable[[JobRun], None]:
        def one(j: JobRun) -> None:
            pass_.runs.append(j)
            if on_job is not None:
                on_job(j)

        return one

    def files(pass_: Pass, *, retire: bool) -> None:
        nonlocal retired_at
        if retire and (retired_at is None or now() - retired_at >= RETIRE_EVERY):
            retired_at = now()
            try:
                pass_.archived += retire_outbox(ws.outbox, keep_days, retired_at)
            except Exception:
                log.exception("watch: 오래된 outbox 파일을 옮기지 못했습니다")
        try:  # files and collections fail apart: a stuck file never stops the collections
            process_once(
                ws,
                now=now,
                app=app,
                on_outcome=took(pass_),
                settle_seconds=settle_seconds,
                clock=clock,
                stop=stop,
                images=images,
            )
        except Exception as exc:  # e.g. state database busy: say so, try again next poll
            log.warning("inbox를 이번에는 확인하지 못했습니다 (%s). 다음 확인 때 다시 합니다.", type(exc).__name__)
            log.debug("process_once failed", exc_info=True)

    def collections(pass_: Pass) -> None:
        try:
            if schedule is not None and not stop.is_set():
                schedule.run_due(ws, now(), app=app, clock=clock, on_run=ran(pass_), stop=stop)
        except Exception as exc:
            log.warning("예약 수집을 이번에는 하지 못했습니다 (%s). 다음 확인 때 다시 합니다.", type(exc).__name__)
            log.debug("run_due failed", exc_info=True)

    def close(pass_: Pass) -> None:
        if on_pass is None or (pass_.idle and not pass_.archived):
            return
        try:
            with said:
                on_pass(pass_)
        except Exception:  # the report failed, the work did not
            log.exception("watch: 이번 확인의 보고를 만들지 못했습니다")

    def collecting() -> None:
        while not stop.is_set():
            current = Pass(dt.datetime.now(KST))
            collections(current)
            if not stop.is_set():  # stopping: no report begun now; the next start sends what is pending
                close(current)
            stop.wait(poll)

    collector: threading.Thread | None = None
    try:
        first = Pass(dt.datetime.now(KST))
        try:
            for outcome in recover(ws, state, app=app, clock=clock, images=images, stop=stop):
                took(first)(outcome)
        except Exception:
            log.exception("watch: processing 폴더에 남은 파일을 이어서 처리하지 못했습니다")
        if once:
            files(first, retire=True)
            if not stop.is_set() and any(not is_left_alone(p) for p in _listing(ws.inbox)):
                stop.wait(settle_seconds)  # files not yet settled: one more look, in the same pass
                if not stop.is_set():
                    files(first, retire=False)
            collections(first)
            close(first)
            return
        if schedule is not None:
            collector = threading.Thread(target=collecting, name=COLLECTIONS_THREAD, daemon=True)
            collector.start()
        current = first
        while not stop.is_set():
            files(current, retire=True)
            close(current)
            stop.wait(poll)
            current = Pass(dt.datetime.now(KST))
    finally:
        stop.set()
        if collector is not None:
            since = stopped_at[0] if stopped_at else time.monotonic()
            collector.join(max(GRACE - (time.monotonic() - since), 0.1))
            if collector.is_alive():
                log.warning("진행 중이던 수집은 마치지 못하고 멈춥니다. 다음에 시작할 때 이어서 합니다.")
            if said.acquire(timeout=REPORT_WAIT):  # a report being sent right now is let finish
                said.release()
        for sig, old in previous.items():
            signal.signal(sig, old)
