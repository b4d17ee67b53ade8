"""One digest per watch pass over three marketplaces (coupang, naver, tmon sandbox accounts): no news, no email;
news, exactly one email and one export per job whose rows per marketplace are that marketplace's; a failure is
always reported; watch-mode results named after the dropped file; old outbox files archived by KST month; and
every time shown in KST whatever the machine's time zone (run under TZ=UTC and TZ=Asia/Seoul)."""

from __future__ import annotations

import datetime as dt
import email
import os
import time
import unicodedata
from collections import Counter
from collections.abc import Iterator
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from helpers import control, smtp_server

from batch import ledger as ledger_module
from batch.automation import watch as W
from batch.automation.notify import Report, render
from batch.automation.service import run_watch, schedule_seconds
from batch.config import Workspace, load_workspace
from batch.exporters.result import output_stem
from batch.exporters.template import write_template
from batch.importers import invoices as I
from batch.importers.products import SPEC
from batch.jobs.collect import collect, collection_summary, inquiry_rows
from batch.jobs.init import init_workspace
from batch.jobs.samples import product_rows
from batch.ledger import Ledger
from batch.marketplaces.naver import Naver
from batch.models import KST, Inquiry
from batch.sandbox.app import create_app

MARKETS = ("coupang", "naver", "tmon")
LABELS = {"coupang": "쿠팡", "naver": "스마트스토어", "tmon": "티몬"}
ZONES = ("UTC", "Asia/Seoul")


class Inbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        msg = email.message_from_bytes(envelope.original_content, policy=default)
        assert isinstance(msg, EmailMessage)
        self.messages.append(msg)
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    with smtp_server(inbox) as port:
        yield inbox, port


@pytest.fixture(params=ZONES)
def zone(request: pytest.FixtureRequest) -> Iterator[str]:
    """The machine's time zone for one test: TZ set and time.tzset() called, both undone afterwards."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = str(request.param)
    time.tzset()
    try:
        yield str(request.param)
    finally:
        if before is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = before
        time.tzset()


def workspace(tmp_path: Path, port: int | None = None, extra: str = "") -> Workspace:
    root = tmp_path / "ws"
    init_workspace(root, markets=MARKETS)
    cfg = root / "batch.toml"
    text = cfg.read_text(encoding="utf-8").replace("rate_limit = 10", "rate_limit = 0")
    if port is not None:
        text = text.replace('host = ""', 'host = "127.0.0.1"').replace("port = 587", f"port = {port}")
        text = text.replace("recipients = []", 'recipients = ["staff@example.com"]')
    for line in extra.splitlines():  # a setting batch init wrote, given another value
        key = line.split("=")[0].strip()
        text = "\n".join(line if ln.startswith(f"{key} = ") else ln for ln in text.split("\n"))
    cfg.write_text(text, encoding="utf-8")
    return load_workspace(root)


def sandbox() -> Any:
    return create_app(clock=lambda: time.time() - 3600, seed=11)  # seeded orders lie an hour back


def seed_orders(app: Any, market: str, n: int, seed: int) -> list[str]:
    made = control(app, "POST", "/__sandbox__/seed", {"market": market, "orders": n, "seed": seed})
    return [str(o) for o in made["orders"]]


def sheet_rows(path: Path, sheet: str) -> list[dict[str, Any]]:
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        rows = list(wb[sheet].iter_rows(values_only=True))
    finally:
        wb.close()
    names = [str(h or "").rstrip("*") for h in rows[0]]
    return [dict(zip(names, r, strict=False)) for r in rows[1:]]


def plain(msg: EmailMessage) -> list[str]:
    body = msg.get_body(preferencelist=("plain",))
    assert body is not None
    return str(body.get_content()).splitlines()


def exports(ws: Workspace, kind: str) -> list[Path]:
    return sorted(ws.outbox.glob(f"*_{kind}_*.xlsx"))


# -- one digest per pass -----------------------------------------------------------------------------------


def test_a_pass_with_no_news_sends_nothing(tmp_path: Path, smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    ws = workspace(tmp_path, port)
    lines: list[str] = []
    run_watch(ws, once=True, echo=lines.append, app=sandbox())

    assert inbox.messages == []
    assert not (ws.outbox / "reports").exists()
    (orders,), (claims,), (inquiries,) = exports(ws, "주문"), exports(ws, "클레임"), exports(ws, "문의")
    assert lines == [
        f"주문 수집: 새 주문 쿠팡 0건 · 스마트스토어 0건 · 티몬 0건 → outbox/{orders.name} (0행)",
        f"취소·반품·교환 수집: 새 클레임 쿠팡 0건 · 스마트스토어 0건 · 티몬 0건 → outbox/{claims.name} (0행)",
        f"문의 수집: 새 문의 쿠팡 0건 · 스마트스토어 0건 · 티몬 0건 → outbox/{inquiries.name} (0행)",
        "보고서: 새로 들어온 것도 실패한 것도 없어 보내지 않았습니다 (batch.toml [email] quiet = true).",
    ]


def test_quiet_false_sends_the_empty_digest(tmp_path: Path, smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    ws = workspace(tmp_path, port, extra="quiet = false\n")
    run_watch(ws, once=True, echo=lambda _: None, app=sandbox())
    run_watch(ws, once=True, echo=lambda _: None, app=sandbox())  # nothing due, nothing dropped: no pass to report

    (msg,) = inbox.messages
    assert msg["Subject"].endswith(" 보고 — 새 주문 0건 · 새 클레임 0건 · 새 문의 0건")
    text = plain(msg)
    assert "1. 주문 수집: 쿠팡·스마트스토어·티몬 — 성공" in text
    assert [line for line in text if line.startswith("   - ")][:3] == [
        "   - 쿠팡: 새 주문 0, 파일 행 0",
        "   - 스마트스토어: 새 주문 0, 파일 행 0",
        "   - 티몬: 새 주문 0, 파일 행 0",
    ]


def test_news_in_two_marketplaces_makes_one_digest_and_one_export_per_job(
    tmp_path: Path, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    ws = workspace(tmp_path, port)
    app = sandbox()
    seeded = {"coupang": seed_orders(app, "coupang", 3, 5), "tmon": seed_orders(app, "tmon", 2, 6)}
    lines: list[str] = []
    run_watch(ws, once=True, echo=lines.append, app=app)

    (orders,), (claims,), (inquiries,) = exports(ws, "주문"), exports(ws, "클레임"), exports(ws, "문의")
    assert len(list(ws.outbox.glob("*.xlsx"))) == 3  # one export per job, not one per job and marketplace
    rows = sheet_rows(orders, I.MAIN)
    per_market = Counter(r["마켓"] for r in rows)
    for market, numbers in seeded.items():
        mine = [r for r in rows if r["마켓"] == LABELS[market]]
        assert sorted({str(r["제휴몰 주문번호"]) for r in mine}) == sorted(numbers)  # each order once
        assert len({r["주문번호"] for r in mine}) == len(mine)  # no order line twice
    assert set(per_market) == {"쿠팡", "티몬"}
    coupang, tmon = per_market["쿠팡"], per_market["티몬"]
    assert lines[0] == (
        f"주문 수집: 새 주문 쿠팡 {coupang}건 · 스마트스토어 0건 · 티몬 {tmon}건 → outbox/{orders.name} ({len(rows)}행)"
    )
    assert (
        lines[1]
        == f"취소·반품·교환 수집: 새 클레임 쿠팡 0건 · 스마트스토어 0건 · 티몬 0건 → outbox/{claims.name} (0행)"
    )
    assert lines[3] == "보고서: 보고서를 보냈습니다: staff@example.com (127.0.0.1)"

    (msg,) = inbox.messages
    assert msg["Subject"].endswith(f" 보고 — 새 주문 {len(rows)}건 · 새 클레임 0건 · 새 문의 0건")
    assert list(msg.iter_attachments()) == []
    text = plain(msg)
    at = text.index("1. 주문 수집: 쿠팡·스마트스토어·티몬 — 성공")
    assert text[at + 1 : at + 5] == [
        f"   - 쿠팡: 새 주문 {coupang}, 파일 행 {coupang}",
        "   - 스마트스토어: 새 주문 0, 파일 행 0",
        f"   - 티몬: 새 주문 {tmon}, 파일 행 {tmon}",
        f"   모은 파일: outbox/{orders.name} ({len(rows)}행, 구매자 정보가 있어 메일에 붙이지 않았습니다)",
    ]
    assert "2. 취소·반품·교환 수집: 쿠팡·스마트스토어·티몬 — 성공" in text
    assert f"   모은 파일: outbox/{inquiries.name} (0행, 구매자 정보가 있어 메일에 붙이지 않았습니다)" in text

    run_watch(ws, once=True, echo=lines.append, app=app)  # nothing due and nothing dropped: no second email
    assert len(inbox.messages) == 1 and len(lines) == 4


def test_a_failed_collection_is_always_reported(
    tmp_path: Path, smtp: tuple[Inbox, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: Any, **__: Any) -> Any:
        raise ValueError("client_secret=leak")

    monkeypatch.setattr(Naver, "collect_orders", broken)
    inbox, port = smtp
    ws = workspace(tmp_path, port)
    lines: list[str] = []
    run_watch(ws, once=True, echo=lines.append, app=sandbox())  # nothing new anywhere, but Naver failed

    (msg,) = inbox.messages
    assert msg["Subject"].endswith(" 보고 — 새 주문 0건 (일부 계정 실패) · 새 클레임 0건 · 새 문의 0건")
    text = plain(msg)
    at = text.index("1. 주문 수집: 쿠팡·스마트스토어·티몬 — 일부 계정 실패")
    assert text[at + 1 : at + 4] == [
        "   - 쿠팡: 새 주문 0, 파일 행 0",
        "   - 티몬: 새 주문 0, 파일 행 0",
        "   주요 문제 (상위 1개):",
    ]
    assert text[at + 4].startswith(
        "   1) [collect-failed] 스마트스토어/main: 스마트스토어/main 계정에서 예상하지 못한 문제(ValueError)"
    )
    assert text[at + 5] == "      → 해결 방법: 계정과 마켓 상태를 확인하세요 (batch accounts --check)."
    assert lines[0].startswith(
        "주문 수집: 새 주문 쿠팡 0건 · 스마트스토어 모으지 못함 · 티몬 0건. 모으지 못한 계정이 있습니다: "
    )
    assert all("leak" not in line for line in text + lines)


def test_an_export_for_some_marketplaces_holds_only_their_rows(tmp_path: Path) -> None:
    """Only TMON's orders are due: one collect for TMON, whose export holds no Coupang order the ledger has."""
    ws = workspace(tmp_path)
    app = sandbox()
    coupang = seed_orders(app, "coupang", 3, 5)
    tmon = seed_orders(app, "tmon", 2, 6)
    everything = collect(ws, "orders", app=app)  # the command line's `batch collect orders`: every marketplace
    assert everything.export is not None
    assert {r["마켓"] for r in sheet_rows(everything.export, I.MAIN)} == {"쿠팡", "티몬"}

    schedule = W.Schedule(every=schedule_seconds(ws)).bind(ws)
    now = time.time()
    for key in schedule.every:
        if key != "orders.tmon":
            schedule.record(key, now, True)
    (run,) = schedule.run_due(ws, now, app=app)
    assert (run.job, run.keys, run.markets, run.ok) == ("orders", ["orders.tmon"], ["tmon"], True)
    assert run.export is not None and "_주문_티몬_" in run.export.name
    rows = sheet_rows(run.export, I.MAIN)
    assert {r["마켓"] for r in rows} == {"티몬"}
    assert sorted({str(r["제휴몰 주문번호"]) for r in rows}) == sorted(tmon)
    assert run.new == {"tmon": 0} and run.rows == {"tmon": len(rows)}  # collected before: nothing new
    assert run.message == "새 주문 티몬 0건"
    assert schedule.due(now) == []

    by_flag = collect(ws, "orders", market="coupang", app=app)  # --market keeps working
    assert by_flag.export is not None and "_주문_쿠팡_" in by_flag.export.name
    assert sorted({str(r["제휴몰 주문번호"]) for r in sheet_rows(by_flag.export, I.MAIN)}) == sorted(coupang)
    assert by_flag.market_rows == {"coupang": len(sheet_rows(by_flag.export, I.MAIN))}


def test_due_marketplaces_of_a_job_are_collected_in_one_call(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ws = workspace(tmp_path)
    calls: list[tuple[str, Any]] = []
    real = collect

    def counting(ws: Workspace, job: str, **kw: Any) -> Any:
        calls.append((job, sorted(kw["markets"])))
        return real(ws, job, **kw)

    monkeypatch.setattr("batch.jobs.collect.collect", counting)
    runs = W.Schedule(every=schedule_seconds(ws)).bind(ws).run_due(ws, time.time(), app=sandbox())
    assert calls == [(job, list(sorted(MARKETS))) for job in ("orders", "claims", "inquiries")]
    assert [(r.job, r.keys) for r in runs] == [
        (job, [f"{job}.{m}" for m in sorted(MARKETS)]) for job in ("orders", "claims", "inquiries")
    ]


# -- names -------------------------------------------------------------------------------------------------


def drop(ws: Workspace, name: str, seed: int) -> None:
    src = write_template(SPEC, ws.root / "staging" / f"{seed}.xlsx", product_rows(2, seed=seed, markets=("tmon",)))
    old = time.time() - 60
    os.utime(src, (old, old))
    src.rename(ws.inbox / name)


def test_watch_results_are_named_after_the_dropped_file_in_kst(tmp_path: Path, zone: str) -> None:
    ws = workspace(tmp_path)
    names = ["5월 신상품 등록.xlsx", unicodedata.normalize("NFD", "신상품 3월.XLSX")]
    for i, name in enumerate(names):
        drop(ws, name, seed=i + 1)
    lines: list[str] = []
    before = dt.datetime.now(KST).replace(tzinfo=None, microsecond=0)
    run_watch(ws, once=True, echo=lines.append, app=sandbox())
    after = dt.datetime.now(KST).replace(tzinfo=None)

    results = sorted(p for p in ws.outbox.glob("*_결과_*.xlsx") if "재업로드용" not in p.name)
    assert [p.name.split("_결과_")[0] for p in results] == ["5월_신상품_등록", "신상품_3월"]
    for path, name in zip(results, names, strict=True):
        when = dt.datetime.strptime(path.stem.rsplit("_결과_", 1)[1], "%Y%m%d-%H%M%S")
        assert before <= when <= after, (zone, when)  # KST, whatever the machine's zone
        assert path.name == output_stem(Path(name), when) + ".xlsx"  # exactly as `batch run` names it
        assert f"  결과 파일: outbox/{path.name} (메일에 첨부)" in lines
    assert list((ws.root / "processing").iterdir()) == []


def test_work_name_keeps_the_name_safe_and_xlsx() -> None:
    assert W.work_name("5월 신상품 등록.xlsx") == "5월 신상품 등록.xlsx"
    assert W.work_name("UPPER.XLSX") == "UPPER.xlsx"
    assert W.work_name(unicodedata.normalize("NFD", "신상품.xlsx")) == "신상품.xlsx"
    assert W.work_name("a/../b.xlsx") == "a___b.xlsx"
    long = W.work_name("가" * 300 + ".xlsx")
    assert long.endswith(".xlsx") and len(long.encode()) <= 160


# -- retention ---------------------------------------------------------------------------------------------


def test_old_outbox_files_move_to_the_archive_of_their_kst_month(tmp_path: Path, zone: str) -> None:
    outbox = tmp_path / "outbox"
    (outbox / "reports").mkdir(parents=True)
    written = dt.datetime(2026, 10, 31, 20, 0, tzinfo=dt.UTC).timestamp()  # 2026-11-01 05:00 in Korea
    now = written + 40 * 86400
    for name in ("old.xlsx", "recent.xlsx", "reports/old.eml"):
        (outbox / name).write_bytes(b"x")
        os.utime(outbox / name, (written, written))
    os.utime(outbox / "recent.xlsx", (now - 29 * 86400, now - 29 * 86400))
    (outbox / "archive" / "2026-11").mkdir(parents=True)
    (outbox / "archive" / "2026-11" / "old.xlsx").write_bytes(b"earlier")  # a name already there is kept

    assert W.retire_outbox(outbox, 0, now) == []  # 0: keep forever
    moved = W.retire_outbox(outbox, 30, now)
    assert moved == [outbox / "archive" / "2026-11" / "old_2.xlsx"]
    assert (outbox / "archive" / "2026-11" / "old.xlsx").read_bytes() == b"earlier"  # never deleted
    assert sorted(p.name for p in outbox.iterdir()) == ["archive", "recent.xlsx", "reports"]
    assert (outbox / "reports" / "old.eml").exists()  # only outbox/ itself is tidied


def test_a_killed_writes_part_file_is_removed_and_one_being_written_is_left(tmp_path: Path) -> None:
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    now = time.time()
    for name, age in (("주문_1.xlsx.part", 2 * 3600), ("클레임_1.xlsx.part", 60), ("주문_0.xlsx", 2 * 3600)):
        (outbox / name).write_bytes(b"PK")
        os.utime(outbox / name, (now - age, now - age))
    assert W.retire_outbox(outbox, 0, now) == []  # nothing archived when kept forever, the remains still go
    assert sorted(p.name for p in outbox.iterdir()) == ["주문_0.xlsx", "클레임_1.xlsx.part"]


def test_a_watch_pass_archives_old_outbox_files(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    old = ws.outbox / "20260101-090000_주문_abc123.xlsx"
    old.write_bytes(b"x")
    stamp = time.time() - 31 * 86400
    os.utime(old, (stamp, stamp))
    lines: list[str] = []
    run_watch(ws, once=True, echo=lines.append, app=sandbox())
    month = dt.datetime.fromtimestamp(stamp, KST).strftime("%Y-%m")
    assert (ws.outbox / "archive" / month / old.name).read_bytes() == b"x"
    assert not old.exists()
    assert lines[-2:] == [  # said once the pass is over, before the report line
        f"outbox에서 30일이 지난 파일 1개를 outbox/archive/{month}로 옮겼습니다 (지우지 않았습니다).",
        "보고서: 새로 들어온 것도 실패한 것도 없어 보내지 않았습니다 (batch.toml [email] quiet = true).",
    ]

    kept = workspace(tmp_path / "kept")
    (kept.root / "batch.toml").write_text(
        (kept.root / "batch.toml").read_text(encoding="utf-8").replace("keep_days = 30", "keep_days = 0"),
        encoding="utf-8",
    )
    old = kept.outbox / "old.xlsx"
    old.write_bytes(b"x")
    os.utime(old, (stamp, stamp))
    run_watch(load_workspace(kept.root), once=True, echo=lambda _: None, app=sandbox())
    assert old.exists()


# -- KST whatever the machine's zone -----------------------------------------------------------------------


def test_times_shown_are_kst_under_any_machine_zone(tmp_path: Path, zone: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The ledger stores UTC; the 요약 sheet, 수집일시 and the email show the same KST text under TZ=UTC and
    TZ=Asia/Seoul."""
    monkeypatch.setattr(ledger_module, "_now", lambda: "2026-12-02T05:05:00+00:00")
    ws = workspace(tmp_path)
    led = Ledger(ws.ledger_path)
    try:
        led.record_collection("tmon", "main", "inquiries", "2026-12-02T14:05:00", True, "문의 1건")
        q = Inquiry("tmon", "main", "Q1", "상품", "P1", "", "2026-12-02 13:00:00", "사이즈", "문의", "김*준", False)
        led.store_inquiries([q])
        tmon = [a for a in ws.accounts if a.market == "tmon"]
        summary = collection_summary(led, tmon, "inquiries")
        rows, _ = inquiry_rows(led, ws, dt.datetime(2026, 12, 2, 15, 0))
    finally:
        led.close()
    assert summary[1] == ["티몬", "main", "2026-12-02 14:05", "성공", "문의 1건", "2026-12-02 14:05"]
    assert rows[0]["collected_at"] == "2026-12-02 14:05"

    utc = dt.datetime(2026, 12, 2, 5, 5, tzinfo=dt.UTC)  # the same moment, given in UTC
    subject, text, html = render(Report(when=utc))
    assert subject == "[batch] 2026-12-02 14:05 보고 — 새로 들어온 것이 없습니다"
    assert text.splitlines()[0] == "batch 보고 (2026-12-02 14:05)" and "시각: 2026-12-02 14:05" in html
