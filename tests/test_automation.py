"""`batch watch --once` end to end: a dropped file is processed and the pass's one digest reaches a real SMTP server."""

from __future__ import annotations

import email
import os
import time
from collections.abc import Iterator
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

import pytest
from helpers import TMON_ONLY, smtp_server

from batch.automation.service import run_watch
from batch.config import load_workspace
from batch.exporters.template import write_template
from batch.importers.products import SPEC
from batch.jobs.init import init_workspace
from batch.jobs.samples import product_rows
from batch.sandbox.app import create_app


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        msg = email.message_from_bytes(envelope.original_content, policy=default)
        assert isinstance(msg, EmailMessage)
        self.messages.append((list(envelope.rcpt_tos), msg))
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    with smtp_server(inbox) as port:
        yield inbox, port


def drop(root: Path, name: str, rows: dict[str, Any]) -> None:
    src = write_template(SPEC, root / "staging" / name, rows)
    old = time.time() - 60  # settled long ago
    os.utime(src, (old, old))
    src.rename(root / "inbox" / name)


def smtp_workspace(root: Path, port: int, markets: tuple[str, ...] = TMON_ONLY) -> None:
    init_workspace(root, markets=markets)
    cfg = root / "batch.toml"
    text = (
        cfg.read_text(encoding="utf-8")
        .replace('host = ""', 'host = "127.0.0.1"')
        .replace("port = 587", f"port = {port}")
        .replace("rate_limit = 10", "rate_limit = 0")
    )
    cfg.write_text(text.replace("recipients = []", 'recipients = ["staff@example.com"]'), encoding="utf-8")


def test_a_dropped_file_is_processed_and_reported_once(tmp_path: Path, smtp: tuple[Inbox, int]) -> None:
    """The first pass processes the file and runs the never-run collections: one digest holds all of it, with the
    product result attached and named after the dropped file. The next pass has nothing new: no second email."""
    inbox, port = smtp
    root = tmp_path / "ws"
    smtp_workspace(root, port)
    rows = product_rows(3)
    rows["상품"][2]["price"] = "3만원"
    drop(root, "5월 신상품 등록.xlsx", rows)
    lines: list[str] = []
    app = create_app(seed=2)
    run_watch(load_workspace(root), once=True, echo=lines.append, app=app)
    run_watch(load_workspace(root), once=True, echo=lines.append, app=app)  # nothing new: nothing sent again

    ((rcpts, msg),) = inbox.messages
    assert rcpts == ["staff@example.com"]
    result = next(p for p in (root / "outbox").glob("5월_신상품_등록_결과_*.xlsx") if "재업로드용" not in p.name)
    stamp = result.stem.rsplit("_결과_", 1)[1]
    assert msg["Subject"].endswith(
        "보고 — 상품대량등록 1개 처리 (오류 있음) · 새 주문 0건 · 새 클레임 0건 · 새 문의 0건"
    ), msg["Subject"]
    body = msg.get_body(preferencelist=("plain",))
    assert body is not None
    text = body.get_content()
    assert "1. 상품대량등록: 5월 신상품 등록.xlsx — 처리함 (오류가 있는 행이 있습니다)" in text
    assert "   - 티몬: 건너뜀 0, 성공 2, 오류 1" in text  # counts per marketplace
    assert (
        "   1) [not-integer] '대표가격'의 '3만원'은(는) 숫자가 아닙니다. 쉼표나 '원' 없이 숫자만 넣어 주세요." in text
    )
    assert f"   결과 파일: outbox/{result.name} (메일에 첨부)" in text
    assert f"   다시 올릴 파일: outbox/5월_신상품_등록_결과_{stamp}_재업로드용.xlsx" in text
    assert "2. 주문 수집: 티몬 — 성공" in text and "4. 문의 수집: 티몬 — 성공" in text
    assert "   - 티몬: 새 주문 0, 파일 행 0" in text
    (attachment,) = list(msg.iter_attachments())
    assert attachment.get_filename() == result.name
    archived = next(iter((root / "archive").iterdir()))
    assert archived.name.endswith("5월 신상품 등록.xlsx")
    assert f"   넣은 파일: archive/{archived.name}" in text
    assert not list((root / "inbox").iterdir())
    assert list((root / "processing").iterdir()) == []  # the claim's folder went with the file
    # files first: the dropped workbook is answered before the never-run collections, one line each
    (orders,) = (root / "outbox").glob("*_주문_*.xlsx")
    assert lines[0:4] == [
        "5월 신상품 등록.xlsx: 상품 파일을 처리했습니다. 오류가 있는 행이 있으니 결과 파일의 처리결과를 확인하세요.",
        f"  결과 파일: outbox/{result.name} (메일에 첨부)",
        f"  다시 올릴 파일: outbox/5월_신상품_등록_결과_{stamp}_재업로드용.xlsx (오류 난 행만 담았습니다. 고쳐서 inbox에 다시 넣으세요)",
        f"  넣은 파일: archive/{archived.name}",
    ]
    assert lines[4] == f"주문 수집: 새 주문 티몬 0건 → outbox/{orders.name} (0행)"
    assert [line.split(":")[0] for line in lines[5:7]] == ["취소·반품·교환 수집", "문의 수집"]
    assert lines[7] == "보고서: 보고서를 보냈습니다: staff@example.com (127.0.0.1)"
    assert len(lines) == 8  # the second pass had nothing to do and said nothing


def test_without_smtp_the_report_is_an_eml_file(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    init_workspace(root, markets=TMON_ONLY)
    drop(root, "products.xlsx", product_rows(2))
    run_watch(load_workspace(root), once=True, echo=lambda _: None, app=create_app(seed=3))
    (eml,) = list((root / "outbox" / "reports").glob("*상품대량등록*.eml"))
    msg = email.message_from_bytes(eml.read_bytes(), policy=default)
    assert "상품대량등록" in msg["Subject"]


def test_schedule_is_per_job_and_per_marketplace(tmp_path: Path) -> None:
    from batch.automation.service import schedule_seconds

    root = tmp_path / "ws"
    init_workspace(root, markets=TMON_ONLY)
    cfg = root / "batch.toml"
    cfg.write_text(
        cfg.read_text(encoding="utf-8").replace(
            "[schedule]\norders = 2\nclaims = 2", "[schedule]\norders = 2\nclaims = 3"
        )
        + "\n[schedule.tmon]\ninquiries = 0.5\n",
        encoding="utf-8",
    )
    assert schedule_seconds(load_workspace(root)) == {
        "orders.tmon": 7200.0,
        "claims.tmon": 10800.0,
        "inquiries.tmon": 1800.0,
    }


def test_collection_reports_carry_no_buyer_data(tmp_path: Path, smtp: tuple[Inbox, int]) -> None:
    """Orders, claims and inquiries are collected on schedule: the digest says where each export is and carries
    neither an export nor any buyer's name, phone or address (received by a real SMTP server)."""
    import openpyxl
    from helpers import control

    from batch.importers import invoices as I

    inbox, port = smtp
    root = tmp_path / "ws"
    smtp_workspace(root, port)
    app = create_app(clock=lambda: time.time() - 3600, seed=5)
    control(app, "POST", "/__sandbox__/seed", {"market": "tmon", "orders": 4, "inquiries": 2, "seed": 6})
    run_watch(load_workspace(root), once=True, echo=lambda _: None, app=app)

    ((_, digest),) = inbox.messages
    assert list(digest.iter_attachments()) == []
    body = digest.get_body(preferencelist=("plain",))
    assert body is not None
    text = body.get_content()
    (export,) = (root / "outbox").glob("*_주문_*.xlsx")
    wb = openpyxl.load_workbook(export, read_only=True)
    rows = list(wb[I.MAIN].iter_rows(values_only=True))
    wb.close()
    assert (
        f"   모은 파일: outbox/{export.name} ({len(rows) - 1}행, 구매자 정보가 있어 메일에 붙이지 않았습니다)" in text
    )
    assert f"   - 티몬: 새 주문 {len(rows) - 1}, 파일 행 {len(rows) - 1}" in text
    assert "   - 티몬: 새 문의 2, 파일 행 2" in text
    at = {str(h or "").rstrip("*"): i for i, h in enumerate(rows[0])}
    buyer = {str(r[at[h]]) for r in rows[1:] for h in ("주문자", "수령자", "연락처", "주소") if r[at[h]]}
    assert len(buyer) >= 8
    for _, msg in inbox.messages:
        raw = msg.as_string()
        for part in msg.walk():
            if not part.is_multipart():
                raw += str(part.get_content())
        leaked = [value for value in buyer if value in raw]
        assert leaked == [], (msg["Subject"], leaked)
