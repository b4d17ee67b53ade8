"""The report outbox (issue 21): a collection's report section is stored the moment the collection ends and is
delivered by whichever pass comes next, once — across a watcher killed before its pass ended, killed between
delivering and cleaning up, a server that refused, and .eml mode. Subjects keep every space of Korean file names.

Processes are really killed (``os._exit`` in a child process, right after the step named); a real SMTP server
(aiosmtpd on 127.0.0.1) receives what is sent."""

from __future__ import annotations

import email
import email.parser
import json
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

import pytest
from helpers import TMON_ONLY, smtp_server

from batch.automation.notify import Report, Section, deliver, render
from batch.automation.report_outbox import Entry, Outbox
from batch.automation.service import QUIET, flush_reports, job_entry, pending_report, run_watch
from batch.automation.watch import JobRun
from batch.config import Workspace, load_workspace
from batch.jobs.init import init_workspace
from batch.models import KST
from batch.sandbox.app import create_app

REPO = Path(__file__).resolve().parents[1]
PHONE = "010-1234-5678"


@dataclass
class Inbox:
    """An SMTP server's mailbox; refuses DATA while ``refuse`` is above zero (counting down)."""

    messages: list[EmailMessage] = field(default_factory=list)
    raw: list[bytes] = field(default_factory=list)
    refuse: int = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse > 0:
            self.refuse -= 1
            return "554 5.7.1 Message rejected by policy"
        msg = email.message_from_bytes(envelope.original_content, policy=default)
        assert isinstance(msg, EmailMessage)
        self.messages.append(msg)
        self.raw.append(envelope.original_content)
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    with smtp_server(inbox) as port:
        yield inbox, port


def make_workspace(root: Path, port: int | None) -> Workspace:
    init_workspace(root, markets=TMON_ONLY)
    cfg = root / "batch.toml"
    text = cfg.read_text(encoding="utf-8").replace("rate_limit = 10", "rate_limit = 0")
    if port is not None:
        text = text.replace('host = ""', 'host = "127.0.0.1"').replace("port = 587", f"port = {port}")
        text = text.replace("recipients = []", 'recipients = ["staff@example.com"]')
    cfg.write_text(text, encoding="utf-8")
    return load_workspace(root)


def plain(msg: EmailMessage) -> list[str]:
    body = msg.get_body(preferencelist=("plain",))
    assert body is not None
    return str(body.get_content()).splitlines()


def pending(ws: Workspace) -> list[str]:
    return Outbox(ws.root).names()


def leftovers(ws: Workspace) -> list[str]:
    """Everything the outbox keeps besides its lock: pending entries and unfinished batches."""
    reports = ws.root / "state" / "reports"
    return sorted(
        p.relative_to(reports).as_posix()
        for d in ("pending", "flushing")
        if (reports / d).exists()
        for p in (reports / d).iterdir()
    )


# A watcher in its own process, really killed (os._exit: no cleanup, no finally) right after the step named.
CHILD = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path
    sys.path[:0] = [{repo!r}, {tests!r}]
    from helpers import control
    from batch.automation import report_outbox, service
    from batch.config import load_workspace
    from batch.sandbox.app import create_app

    mode, root = sys.argv[1], sys.argv[2]
    app = create_app(clock=lambda: time.time() - 3600, seed=5)
    control(app, "POST", "/__sandbox__/seed", {{"market": "tmon", "orders": 3, "seed": 6}})
    if mode == "die-after-first-job":  # the orders export is written and its section stored; the pass never ends
        real_watch = service.watch

        def dying_watch(ws, **kw):
            on_job = kw["on_job"]

            def on_job_then_die(j):
                on_job(j)
                os._exit(9)

            real_watch(ws, **dict(kw, on_job=on_job_then_die))

        service.watch = dying_watch
    elif mode == "die-after-deliver":  # the report was delivered; its entries are still pending
        def dying_remove(self, names, batch):
            os._exit(9)

        report_outbox.Outbox._remove = dying_remove
    service.run_watch(load_workspace(Path(root)), once=True, echo=print, app=app)
    """
).format(repo=str(REPO), tests=str(REPO / "tests"))


def killed_watcher(ws: Workspace, mode: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, mode, str(ws.root)], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 9, done.stderr
    return done.stdout.splitlines()


def quiet_app() -> Any:
    return create_app(seed=2)  # nothing new anywhere: a pass of it is no news


def orders_export(ws: Workspace) -> tuple[Path, int]:
    """The killed watcher's orders export and its rows (the sandbox's orders of an hour ago, all new)."""
    import openpyxl

    from batch.importers import invoices as I

    (export,) = ws.outbox.glob("*_주문_*.xlsx")
    wb = openpyxl.load_workbook(export, read_only=True)
    try:
        rows = len(list(wb[I.MAIN].iter_rows(values_only=True))) - 1
    finally:
        wb.close()
    assert rows > 0
    return export, rows


# -- (a) killed before the end of the pass -----------------------------------------------------------------


def test_a_report_due_when_the_watcher_died_is_delivered_after_restart_once(
    tmp_path: Path, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    ws = make_workspace(tmp_path / "ws", port)
    child = killed_watcher(ws, "die-after-first-job")
    export, n = orders_export(ws)
    assert child == [f"주문 수집: 새 주문 티몬 {n}건 → outbox/{export.name} ({n}행)"]
    assert inbox.messages == [] and len(pending(ws)) == 1  # nothing sent yet; the section is stored

    lines: list[str] = []
    run_watch(load_workspace(ws.root), once=True, echo=lines.append, app=quiet_app())  # the restart
    assert lines[0] == "보고서: 보고서를 보냈습니다: staff@example.com (127.0.0.1)"  # before the first pass
    assert lines[-1] == QUIET  # the restart's own pass (claims, inquiries: nothing new) sends nothing
    (msg,) = inbox.messages
    assert msg["Subject"].endswith(f" 보고 — 새 주문 {n}건")
    text = plain(msg)
    at = text.index("1. 주문 수집: 티몬 — 성공")
    assert text[at + 1 : at + 3] == [
        f"   - 티몬: 새 주문 {n}, 파일 행 {n}",
        f"   모은 파일: outbox/{export.name} ({n}행, 구매자 정보가 있어 메일에 붙이지 않았습니다)",
    ]
    assert not any(line.startswith("2. ") for line in text)  # only what the killed pass did
    assert leftovers(ws) == []

    again: list[str] = []
    run_watch(load_workspace(ws.root), once=True, echo=again.append, app=quiet_app())  # a second restart
    assert len(inbox.messages) == 1 and again == []


# -- (b) killed between delivering and cleaning up ---------------------------------------------------------


def test_killed_after_sending_a_restart_sends_nothing_more_and_cleans_up(
    tmp_path: Path, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    ws = make_workspace(tmp_path / "ws", port)
    child = killed_watcher(ws, "die-after-deliver")
    assert child[-1] == "보고서: 보고서를 보냈습니다: staff@example.com (127.0.0.1)"
    (msg,) = inbox.messages
    report_id = msg["X-Batch-Report-Id"]
    assert len(pending(ws)) == 3 and len(list((ws.root / "state" / "reports" / "flushing").iterdir())) == 1

    lines: list[str] = []
    run_watch(load_workspace(ws.root), once=True, echo=lines.append, app=quiet_app())
    assert lines == [f"보고서: 이미 보낸 보고서입니다. 다시 보내지 않았습니다. (보고서 {report_id[:12]})"]
    assert len(inbox.messages) == 1 and leftovers(ws) == []
    run_watch(load_workspace(ws.root), once=True, echo=lines.append, app=quiet_app())
    assert len(inbox.messages) == 1 and len(lines) == 1


def run(job: str, new: int, *, ok: bool = True, failed: list[str] | None = None) -> JobRun:
    """A collection of TMON that found ``new`` rows, or (``ok=False``) could not collect at all."""
    counts = {"tmon": new} if ok else {}
    return JobRun(job, ok, f"티몬 {new}건", None, failed or [], ["tmon"], counts, dict(counts))


def test_what_another_watcher_added_after_the_kill_is_reported_on_its_own(
    tmp_path: Path, smtp: tuple[Inbox, int]
) -> None:
    """The killed watcher's batch is reported as it was (same id: not sent again); an entry stored meanwhile by
    another watcher goes into a report of its own."""
    inbox, port = smtp
    ws = make_workspace(tmp_path / "ws", port)
    killed_watcher(ws, "die-after-deliver")
    Outbox(ws.root).add(job_entry(ws, run("orders", 2)))  # another watcher's collection, meanwhile

    lines: list[str] = []
    flush_reports(load_workspace(ws.root), is_quiet=True, echo=lines.append)
    first, second = inbox.messages
    assert lines[0].startswith("보고서: 이미 보낸 보고서입니다.")
    assert lines[1] == "보고서: 보고서를 보냈습니다: staff@example.com (127.0.0.1)"
    assert second["Subject"].endswith(" 보고 — 새 주문 2건")
    assert [line for line in plain(second) if line[:2] in ("1.", "2.")] == ["1. 주문 수집: 티몬 — 성공"]
    assert first["X-Batch-Report-Id"] != second["X-Batch-Report-Id"]
    assert leftovers(ws) == []


def test_a_batch_whose_removal_was_under_way_is_not_reported_again(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws", None)
    outbox = Outbox(ws.root)
    for new in (1, 2):
        outbox.add(job_entry(ws, run("orders", new)))
    names = outbox.names()
    (ws.root / "state" / "reports" / "flushing").mkdir(parents=True)
    (ws.root / "state" / "reports" / "flushing" / names[0]).write_text(json.dumps({"entries": names}))
    (outbox.pending / names[0]).unlink()  # killed after removing the first entry

    handled: list[list[str]] = []
    outbox.flush(lambda entries: handled.append([e.name for e in entries]) or True)
    assert handled == [] and leftovers(ws) == []


# -- (c) refused by the server -----------------------------------------------------------------------------


def test_a_refused_report_is_kept_and_sent_with_the_next_pass(tmp_path: Path, smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    inbox.refuse = 1
    ws = make_workspace(tmp_path / "ws", port)
    Outbox(ws.root).add(job_entry(ws, run("orders", 3)))
    lines: list[str] = []
    flush_reports(ws, is_quiet=True, echo=lines.append)
    assert lines == [
        "보고서를 보내지 못했습니다: SMTP 서버 127.0.0.1:"
        f"{port}가 메일을 거부했습니다(554 5.7.1 Message rejected by policy). 첨부 파일 크기 제한과 서버 정책을 "
        "확인하세요. 보고서는 다음 확인 때 다시 보냅니다."
    ]
    assert inbox.messages == [] and len(pending(ws)) == 1
    assert not list((ws.root / "state" / "reports").glob("*.sending"))

    Outbox(ws.root).add(job_entry(ws, run("claims", 0, ok=False, failed=[f"티몬/main: 연결 실패 (담당 {PHONE})"])))
    flush_reports(ws, is_quiet=True, echo=lines.append)  # the next pass: both in one report
    assert lines[1] == "보고서: 보고서를 보냈습니다: staff@example.com (127.0.0.1)"
    (msg,) = inbox.messages
    assert msg["Subject"].endswith(" 보고 — 새 주문 3건 · 클레임 수집 실패")
    text = plain(msg)
    assert [line for line in text if line[:2] in ("1.", "2.")] == [
        "1. 주문 수집: 티몬 — 성공",
        "2. 취소·반품·교환 수집: 티몬 — 실패",
    ]
    assert "   1) [collect-failed] 티몬/main: 연결 실패 (담당 010-1234-****)" in text
    assert PHONE not in msg.as_string()
    assert leftovers(ws) == []


# -- quiet mode and what is stored -------------------------------------------------------------------------


def test_quiet_drops_pending_entries_that_are_no_news(tmp_path: Path, smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    ws = make_workspace(tmp_path / "ws", port)
    Outbox(ws.root).add(job_entry(ws, run("orders", 0)))
    lines: list[str] = []
    flush_reports(ws, is_quiet=True, echo=lines.append)
    assert lines == [QUIET] and inbox.messages == [] and leftovers(ws) == []


def test_an_entry_stores_what_the_report_shows_masked_with_workspace_paths(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws", None)
    result = ws.outbox / "상품 등록_결과_20261202-140500.xlsx"
    result.write_bytes(b"PK result")
    section = Section("상품대량등록", "상품 등록.xlsx", "처리함", {"티몬": {"성공": 2}}, [("x", f"연락처 {PHONE}", "")])
    section.attachment = result
    path = Outbox(ws.root).add(Entry("file", time_at(14, 5), True, {"kind": "products"}, section))
    stored = json.loads(path.read_text(encoding="utf-8"))
    assert stored["section"]["attachment"] == "outbox/상품 등록_결과_20261202-140500.xlsx"
    assert stored["section"]["problems"] == [["x", "연락처 010-1234-****", ""]]
    assert stored["at"] == "2026-12-02T14:05:00+09:00"
    assert PHONE not in path.read_text(encoding="utf-8") and str(ws.root) not in path.read_text(encoding="utf-8")
    (entry,) = Outbox(ws.root).entries()
    assert entry.section is not None and entry.section.attachment == result


def time_at(hour: int, minute: int) -> Any:
    import datetime as dt

    return dt.datetime(2026, 12, 2, hour, minute, tzinfo=KST)


def test_the_same_pending_set_makes_the_same_report_later(tmp_path: Path) -> None:
    """``when`` is the first entry's time, so a restart hours later builds the very same report id."""
    ws = make_workspace(tmp_path / "ws", None)
    outbox = Outbox(ws.root)
    outbox.add(job_entry(ws, run("orders", 3), at=time_at(14, 5)))
    outbox.add(job_entry(ws, run("claims", 1), at=time_at(14, 6)))
    first = pending_report(ws, Outbox(ws.root).entries())
    time.sleep(0.01)
    again = pending_report(load_workspace(ws.root), Outbox(ws.root).entries())
    assert first is not None and again is not None
    assert first.report_id() == again.report_id()
    assert render(first)[0] == "[batch] 2026-12-02 14:05 보고 — 새 주문 3건 · 새 클레임 1건"


def test_entries_from_two_threads_and_two_processes_are_all_kept_in_order(tmp_path: Path) -> None:
    import threading

    ws = make_workspace(tmp_path / "ws", None)
    child = (
        f"import sys; sys.path[:0] = [{str(REPO)!r}]\n"
        "from pathlib import Path\n"
        "from batch.automation.report_outbox import Entry, Outbox\n"
        "from batch.models import KST\n"
        "import datetime as dt\n"
        "for i in range(50):\n"
        f"    Outbox(Path({str(ws.root)!r})).add(Entry('note', dt.datetime.now(KST), False, text=f'p{{i}}'))\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", child])

    def add(tag: str) -> None:
        for i in range(50):
            Outbox(ws.root).add(Entry("note", time_at(9, 0), False, text=f"{tag}{i}"))

    threads = [threading.Thread(target=add, args=(tag,)) for tag in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert proc.wait(timeout=60) == 0
    texts = [e.text for e in Outbox(ws.root).entries()]
    assert len(texts) == 150
    for tag in ("a", "b", "p"):
        assert [t for t in texts if t[0] == tag] == [f"{tag}{i}" for i in range(50)]  # each writer's own order
    assert [p.name for p in Outbox(ws.root).pending.iterdir() if not p.name.endswith(".json")] == []


# -- (e) .eml mode -----------------------------------------------------------------------------------------


def test_without_smtp_one_eml_per_pending_set_across_restarts(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws", None)
    child = killed_watcher(ws, "die-after-deliver")
    (eml,) = (ws.outbox / "reports").glob("*.eml")
    assert child[-1] == f"보고서: outbox/reports/{eml.name}"
    body = eml.read_bytes()
    lines: list[str] = []
    run_watch(load_workspace(ws.root), once=True, echo=lines.append, app=quiet_app())  # finds its .eml: no other
    assert lines == [f"보고서: outbox/reports/{eml.name}"]
    run_watch(load_workspace(ws.root), once=True, echo=lines.append, app=quiet_app())  # nothing pending
    assert len(lines) == 1
    assert list((ws.outbox / "reports").glob("*.eml")) == [eml] and eml.read_bytes() == body
    assert leftovers(ws) == []
    msg = email.message_from_bytes(body, policy=default)
    assert msg["Subject"].endswith(f" 보고 — 새 주문 {orders_export(ws)[1]}건 · 새 클레임 0건 · 새 문의 0건")


# -- (d) subjects keep their spaces ------------------------------------------------------------------------

NAMES = [
    "상품 등록 (1).xlsx",
    "12월 2주차 송장 최종 수정본 - 복사본.xlsx",
    "2026년 12월 둘째 주 쿠팡 스마트스토어 티몬 통합 상품 대량 등록 양식 최종 확인본 (재업로드용 수정 2차).xlsx",
    "Coupang  12월  주문 list  최종.xlsx",
]


def subject_report(name: str) -> Report:
    section = Section("상품대량등록", name, "처리함", {"티몬": {"성공": 1}})
    return Report([section], headline=f"{name} 처리함 · 새 주문 3건", when=time_at(14, 5))


def header_lines(raw: bytes) -> list[bytes]:
    return raw.split(b"\r\n\r\n", 1)[0].split(b"\r\n")


@pytest.mark.parametrize("name", NAMES)
def test_subject_keeps_every_space_of_a_korean_file_name(tmp_path: Path, smtp: tuple[Inbox, int], name: str) -> None:
    from batch.automation.notify import SmtpSettings

    inbox, port = smtp
    report = subject_report(name)
    subject = render(report)[0]
    assert subject == f"[batch] 2026-12-02 14:05 보고 — {name} 처리함 · 새 주문 3건"
    settings = SmtpSettings("127.0.0.1", port, recipients=["staff@example.com"])
    deliver(report, settings, tmp_path / "outbox", tmp_path / "state")
    eml = deliver(report, None, tmp_path / "outbox", tmp_path / "eml-state")
    assert isinstance(eml, Path)
    for raw in (inbox.raw[0], eml.read_bytes()):
        parsed = email.parser.BytesParser(policy=default).parsebytes(raw)
        assert parsed["Subject"] == subject
        assert all(len(line) <= 78 for line in header_lines(raw) if line.startswith((b"Subject:", b" =?")))
    assert len(subject) > 78 or name != NAMES[2]
