"""문의 답변: send the approved answers of an inquiry export, each exactly once."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from batch.config import Workspace
from batch.importers import answers as A
from batch.importers.validation import Validation
from batch.jobs.sending import Job, SendRun, run_job
from batch.ledger import Ledger
from batch.marketplaces.base import AlreadyDone, Blocked, Clock, MarketError, Unavailable
from batch.models import Inquiry, Market, ProductLink, RowResult
from batch.report import Problem, Severity


@dataclass
class AnswerRow:
    row: int
    inquiry: Inquiry
    text: str
    result: RowResult | None = None
    message: str = ""

    @property
    def where(self) -> tuple[str, str]:
        return (self.inquiry.market, self.inquiry.account)

    @property
    def key(self) -> str:
        return self.inquiry.inquiry_no


AnswerRun = SendRun[AnswerRow]


def _problem(v: Validation, row: int, key: str, code: str, message: str, inquiry_no: str) -> None:
    data = v.book.sheets[A.MAIN]
    v.report.add(Problem(data.name, row, data.header_of(key), code, Severity.ERROR, message, inquiry_no))


def check_answers(v: Validation, ledger: Ledger, forbidden: tuple[str, ...]) -> list[AnswerRow]:
    """Approved rows with an answer that may be sent; every other row is left untouched (건너뜀)."""
    bad = {p.row for p in v.report.errors}
    out = []
    for row, r in v.book.sheets[A.MAIN].records():
        v.results[row] = RowResult.SKIPPED
        text = (r["answer"] or "").strip()
        if r["approve"] != A.APPROVED or not text or row in bad:
            continue
        number = r["inquiry_no"] or ""
        found = ledger.inquiry(number)
        if found is None:
            _problem(
                v,
                row,
                "inquiry_no",
                "unknown-inquiry",
                f"문의번호 '{number}'인 문의를 찾지 못했습니다. 문의 수집으로 받은 파일의 문의번호를 그대로 쓰세요.",
                number,
            )
            continue
        inquiry, answered = found
        if answered:
            _problem(v, row, "answer", "already-answered", "이미 답변한 문의입니다. 다시 보내지 않았습니다.", number)
            continue
        words = [w for w in forbidden if w and w in text]
        if words:
            _problem(
                v,
                row,
                "answer",
                "answer-forbidden-word",
                f"답변에 쓸 수 없는 말이 있습니다: {', '.join(words)}. 고쳐서 다시 넣어 주세요.",
                number,
            )
            continue
        out.append(AnswerRow(row, inquiry, text))
    return out


async def _send(rows: list[AnswerRow], conn: Any, ledger: Ledger) -> None:
    adapter = conn.adapter
    limit = int(getattr(adapter, "answer_limit", 0)) or None
    for a in rows:
        q = a.inquiry
        if limit and len(a.text) > limit:
            a.result, a.message = (
                RowResult.ERROR,
                f"{Market(q.market).label} 답변은 {limit:,}자까지입니다 (지금 {len(a.text):,}자).",
            )
            continue
        digest = hashlib.sha256(a.text.encode()).hexdigest()[:32]
        send_id = ledger.begin(q.market, q.account, q.inquiry_no, "answer", digest)
        try:
            await adapter.answer(q.inquiry_no, a.text)
        except MarketError as exc:
            if isinstance(exc, AlreadyDone):
                ledger.fail(send_id, str(exc), unknown=False)
                ledger.mark_answered(q.market, q.account, q.inquiry_no)
                a.result, a.message = (
                    RowResult.ERROR,
                    "이미 답변한 문의입니다 (마켓에 답변이 있습니다). 다시 보내지 않았습니다.",
                )
                continue
            ledger.fail(send_id, str(exc), unknown=isinstance(exc, Unavailable) and exc.outcome_unknown)
            a.result = RowResult.HELD if isinstance(exc, Blocked) else RowResult.ERROR
            a.message = exc.message
            continue
        ledger.complete(send_id, q.market, q.account, q.inquiry_no, ProductLink(q.inquiry_no), digest)
        ledger.mark_answered(q.market, q.account, q.inquiry_no)
        a.result, a.message = RowResult.SUCCESS, "답변 전송"


def run_answers(
    path: Path,
    ws: Workspace,
    *,
    dry_run: bool = False,
    clock: Clock | None = None,
    app: Any = None,
    when: dt.datetime | None = None,
) -> AnswerRun:
    """Send the approved answers of an inquiry export (unless ``dry_run``); write the result workbook."""
    job = Job(
        A.SPEC,
        lambda v, ledger: check_answers(v, ledger, ws.forbidden),
        lambda conn, rows, ledger: _send(rows, conn, ledger),
        ("답변 결과", "답변 메시지"),
        column="answer",
    )
    return run_job(job, path, ws, dry_run=dry_run, clock=clock, app=app, when=when)
