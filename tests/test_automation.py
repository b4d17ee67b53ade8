"""`batch watch --once` end to end: a dropped file is processed and its report reaches a real SMTP server."""

from __future__ import annotations

import email
import os
import socket
import time
from collections.abc import Iterator
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from helpers import TMON_ONLY

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
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


def drop(root: Path, name: str, rows: dict[str, Any]) -> None:
    src = write_template(SPEC, root / "staging" / name, rows)
    old = time.time() - 60  # settled long ago
    os.utime(src, (old, old))
    src.rename(root / "inbox" / name)


def test_a_dropped_file_is_processed_and_reported_once(tmp_path: Path, smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    root = tmp_path / "ws"
    init_workspace(root, markets=TMON_ONLY)
    cfg = root / "batch.toml"
    text = (
        cfg.read_text(encoding="utf-8")
        .replace('host = ""', 'host = "127.0.0.1"')
        .replace("port = 587", f"port = {port}")
    )
    cfg.write_text(text.replace("recipients = []", 'recipients = ["staff@example.com"]'), encoding="utf-8")
    rows = product_rows(3)
    rows["상품"][2]["price"] = "3만원"
    drop(root, "5월 신상품 등록.xlsx", rows)
    lines: list[str] = []
    app = create_app(seed=2)
    run_watch(load_workspace(root), once=True, echo=lines.append, app=app)
    run_watch(load_workspace(root), once=True, echo=lines.append, app=app)  # nothing new: nothing sent again

    # the file's report, once; the first pass also ran the never-run collections, one report each
    files = [(r, m) for r, m in inbox.messages if "상품대량등록" in m["Subject"]]
    assert len(files) == 1
    assert sorted(m["Subject"].split(" 결과")[0] for _, m in inbox.messages if m not in [f[1] for f in files]) == [
        "[batch] 문의 수집",
        "[batch] 주문 수집",
        "[batch] 취소·반품·교환 수집",
    ]
    rcpts, msg = files[0]
    assert rcpts == ["staff@example.com"]
    assert "상품대량등록" in msg["Subject"] and "5월 신상품 등록.xlsx" in msg["Subject"]
    body = msg.get_body(preferencelist=("plain",))
    assert body is not None and "not-integer" in body.get_content()
    assert "티몬" in body.get_content()  # counts per marketplace
    (attachment,) = list(msg.iter_attachments())
    assert attachment.get_filename().endswith(".xlsx")
    assert next(iter((root / "archive").iterdir())).name.endswith("5월 신상품 등록.xlsx")
    assert not list((root / "inbox").iterdir())


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
    """Orders, claims and inquiries are collected on schedule: their reports say where the export is and carry
    neither the export nor any buyer's name, phone or address (received by a real SMTP server)."""
    import openpyxl
    from helpers import control

    from batch.importers import invoices as I

    inbox, port = smtp
    root = tmp_path / "ws"
    init_workspace(root, markets=TMON_ONLY)
    cfg = root / "batch.toml"
    text = (
        cfg.read_text(encoding="utf-8")
        .replace('host = ""', 'host = "127.0.0.1"')
        .replace("port = 587", f"port = {port}")
    )
    cfg.write_text(text.replace("recipients = []", 'recipients = ["staff@example.com"]'), encoding="utf-8")
    app = create_app(clock=lambda: time.time() - 3600, seed=5)
    control(app, "POST", "/__sandbox__/seed", {"market": "tmon", "orders": 4, "inquiries": 2, "seed": 6})
    run_watch(load_workspace(root), once=True, echo=lambda _: None, app=app)

    (order_report,) = [m for _, m in inbox.messages if "주문 수집" in m["Subject"]]
    assert list(order_report.iter_attachments()) == []
    body = order_report.get_body(preferencelist=("plain",))
    assert body is not None
    text = body.get_content()
    export = next((root / "outbox").glob("*_주문_*.xlsx"))
    assert f"outbox/{export.name}" in text
    assert "메일에 붙이지 않았습니다" in text

    wb = openpyxl.load_workbook(export, read_only=True)
    rows = list(wb[I.MAIN].iter_rows(values_only=True))
    wb.close()
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
