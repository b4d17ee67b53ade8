"""The report outbox: what each file and collection of ``batch watch`` did, kept on disk until it is reported.

Each export is written and recorded the moment its job ends; its report section must be too, or a watcher killed
before the end of its pass loses the report for good. So ``on_outcome``/``on_job`` call :meth:`Outbox.add` at once
(an *intent*), and :meth:`Outbox.flush` — at the end of every pass and once when the watcher starts — turns every
pending entry into one report, hands it to a ``handle`` callback (which delivers it) and removes exactly those
entries once ``handle`` says they are done with.

Storage — one small JSON file per entry, ``<root>/state/reports/pending/<ns>-<pid>-<n>-<random>.json``, written
atomically (temporary file, fsync, rename, fsync of the folder). Chosen over a SQLite table because:

* an append is one rename: any thread or process adds without a lock, and a reader sees a whole entry or none;
* names sort in the order the entries were made (wall-clock nanoseconds, kept increasing within a process, then
  a per-process counter), which is the order the report lists them in;
* it needs no schema and no busy timeout against the writers of ``state/watch.sqlite`` (owned by watch.py), and
  staff can see (and, if ever needed, delete) what is waiting, next to the ``.sending``/``.sent`` markers of
  :mod:`batch.automation.notify` in ``state/reports/``.

Exactly once. The report's id comes from its content (:meth:`~batch.automation.notify.Report.report_id`) and its
``when`` is the first pending entry's time, so the same set of entries always makes the same report and the same
id, and ``deliver`` never sends an id twice. Before ``handle`` is called, :meth:`flush` writes the *batch*: the
list of entry names it is about to report, ``state/reports/flushing/<first entry>.json``. A process killed after
delivering but before removing the entries leaves the batch behind; the next flush (in any process) reports that
exact set first — same id, ``deliver`` finds ``.sent`` (or the ``.eml``) and sends nothing — and only then takes
the entries added since. A batch with some of its entries already gone was delivered (entries are removed only
after delivery): the rest are removed, nothing is sent. Flushes run one at a time (an flock on
``state/reports/.flush.lock``; a thread lock where there is no flock).

What an entry holds is only what the report shows: the section as rendered (problem messages and notes masked
with :func:`batch.trade.masking.mask_text`), paths relative to the workspace, the few inputs of the headline and
whether it is news (for ``[email] quiet``). Never credentials, never a buyer's unmasked data.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from batch.automation.notify import Section, fsync_dir, write_atomic
from batch.models import KST
from batch.trade.masking import mask_text

log = logging.getLogger(__name__)

What = Literal["file", "job", "note"]
VERSION = 1
_NAME = re.compile(r"^\d{20}-\d+-\d{6}-[0-9a-f]{8}\.json$")
_counter_lock = threading.Lock()
_last_ns = 0
_counter = 0
_flush_lock = threading.Lock()  # one flush at a time within a process (flock covers processes)


@dataclass
class Entry:
    """One thing to report: a file answered, a collection run, or a note of the pass (old files archived)."""

    what: What
    at: datetime  # when it happened, KST (aware)
    news: bool  # worth a report under [email] quiet = true
    head: dict[str, Any] = field(default_factory=dict)  # the headline's inputs (kind/status/has_errors, job/ok/new)
    section: Section | None = None  # file and job entries
    text: str = ""  # note entries
    name: str = ""  # its file name in pending/, once stored


def _next_name() -> str:
    """Sorts in the order entries are made: nanoseconds (never going back within a process), then a counter."""
    global _last_ns, _counter
    with _counter_lock:
        _last_ns = max(time.time_ns(), _last_ns + 1)
        _counter = (_counter + 1) % 1_000_000
        ns, n = _last_ns, _counter
    return f"{ns:020d}-{os.getpid()}-{n:06d}-{secrets.token_hex(4)}.json"


def _relative(root: Path, path: Path | None) -> str | None:
    if path is None:
        return None
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return None  # not in the workspace: never attached from the outbox


def _dump(root: Path, e: Entry) -> dict[str, Any]:
    s = e.section
    section = None
    if s is not None:
        section = {
            "kind": s.kind,
            "title": s.title,
            "status": s.status,
            "counts": s.counts,
            "problems": [[code, mask_text(message), mask_text(hint)] for code, message, hint in s.problems],
            "files": list(s.files),
            "attachment": _relative(root, s.attachment),
            "note": mask_text(s.note),
        }
    return {
        "v": VERSION,
        "what": e.what,
        "at": e.at.astimezone(KST).isoformat(),
        "news": e.news,
        "head": e.head,
        "section": section,
        "text": mask_text(e.text),
    }


def _load(root: Path, name: str, data: dict[str, Any]) -> Entry:
    raw = data.get("section")
    section = None
    if raw is not None:
        attachment = root / raw["attachment"] if raw.get("attachment") else None
        section = Section(
            str(raw["kind"]),
            str(raw["title"]),
            str(raw["status"]),
            {str(m): {str(k): int(v) for k, v in r.items()} for m, r in raw.get("counts", {}).items()},
            [(str(c), str(m), str(h)) for c, m, h in raw.get("problems", [])],
            [str(f) for f in raw.get("files", [])],
            attachment,
            str(raw.get("note", "")),
        )
    what = data["what"]
    if what not in ("file", "job", "note"):
        raise ValueError(f"unknown entry kind {what!r}")
    return Entry(
        what,
        datetime.fromisoformat(data["at"]).astimezone(KST),
        bool(data["news"]),
        dict(data.get("head", {})),
        section,
        str(data.get("text", "")),
        name,
    )


class Outbox:
    """``<root>/state/reports/pending/`` (the entries) and ``flushing/`` (the batch being reported)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.reports = root / "state" / "reports"
        self.pending = self.reports / "pending"
        self.flushing = self.reports / "flushing"

    # -- adding ------------------------------------------------------------------------------------------

    def add(self, entry: Entry) -> Path:
        """Store ``entry`` (atomically, fsynced): safe from any thread and any process."""
        path = self.pending / _next_name()
        write_atomic(path, json.dumps(_dump(self.root, entry), ensure_ascii=False).encode())
        return path

    # -- reading -----------------------------------------------------------------------------------------

    def names(self) -> list[str]:
        """The pending entries' file names, oldest first."""
        try:
            return sorted(n for n in os.listdir(self.pending) if _NAME.match(n))
        except FileNotFoundError:
            return []

    def entries(self, names: list[str] | None = None) -> list[Entry]:
        """The pending entries (those of ``names`` only, when given), oldest first; an unreadable one is set aside
        as ``<name>.bad`` (logged), never blocking the others."""
        out = []
        for name in self.names() if names is None else names:
            path = self.pending / name
            try:
                out.append(_load(self.root, name, json.loads(path.read_text(encoding="utf-8"))))
            except FileNotFoundError:
                continue
            except (OSError, ValueError, KeyError, TypeError) as exc:
                log.warning("보고 대기 항목 %s를 읽지 못해 %s.bad로 옮겼습니다 (%s)", name, name, type(exc).__name__)
                with contextlib.suppress(OSError):
                    os.replace(path, path.with_name(name + ".bad"))
        return out

    # -- flushing ----------------------------------------------------------------------------------------

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.reports.mkdir(parents=True, exist_ok=True)
        with _flush_lock:
            try:
                import fcntl
            except ImportError:  # pragma: no cover - not POSIX: one process at a time is up to the user
                yield
                return
            fd = os.open(self.reports / ".flush.lock", os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                yield
            finally:
                os.close(fd)

    def _remove(self, names: list[str], batch: Path | None) -> None:
        for name in names:
            (self.pending / name).unlink(missing_ok=True)
        fsync_dir(self.pending)
        if batch is not None:
            batch.unlink(missing_ok=True)
            fsync_dir(self.flushing)

    def _batches(self) -> list[tuple[Path, list[str] | None]]:
        try:
            paths = sorted(p for p in self.flushing.iterdir() if p.suffix == ".json" and not p.name.startswith("."))
        except FileNotFoundError:
            return []
        out: list[tuple[Path, list[str] | None]] = []
        for path in paths:
            try:
                names = json.loads(path.read_text(encoding="utf-8"))["entries"]
                out.append((path, [str(n) for n in names if _NAME.match(str(n))]))
            except (OSError, ValueError, KeyError, TypeError):
                out.append((path, None))
        return out

    def _report(self, names: list[str], batch: Path | None, handle: Callable[[list[Entry]], bool]) -> bool:
        """Hand the entries of ``names`` to ``handle``; True when they are done with (and removed)."""
        entries = self.entries(names)
        read = [e.name for e in entries]
        if not entries or handle(entries):
            self._remove(read, batch)
            return True
        if batch is not None:  # kept: they join the next flush's set (a new batch, a new report)
            batch.unlink(missing_ok=True)
        return False

    def flush(self, handle: Callable[[list[Entry]], bool]) -> None:
        """Report what is pending: ``handle(entries)`` gets every pending entry, oldest first, and returns True
        when they are done with (delivered, written as .eml, or dropped) — they are then removed — or False to
        keep them for the next flush (e.g. the server refused the report).

        A batch left by a killed flush is handled first, on its own (see the module docstring); a refusal ends
        the flush (the next one retries everything)."""
        with self._locked():
            for batch, names in self._batches():
                if names is None:  # unreadable (not written by us, or damaged): its entries are still pending
                    log.warning("보고 묶음 %s를 읽지 못해 지웠습니다; 항목은 다음 보고에 들어갑니다", batch.name)
                    batch.unlink(missing_ok=True)
                    continue
                present = [n for n in names if (self.pending / n).exists()]
                if len(present) < len(names):  # removal was under way: the report was delivered
                    self._remove(present, batch)
                    continue
                if not self._report(present, batch, handle):
                    return
            names = self.names()
            if not names:
                return
            batch = self.flushing / names[0]
            write_atomic(batch, json.dumps({"entries": names}).encode())
            self._report(names, batch, handle)
