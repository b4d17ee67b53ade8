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
from batch.jobs.sending import Job, SendRun, logged_in, run_job
from batch.ledger import Ledger
from batch.marketplaces.base import AlreadyDone, Blocked, Clock, MarketError, Unavailable
from batch.marketplaces.connect import Connection
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

# Why a row is left alone (건너뜀): none of these is a failure, and none makes the run exit 1.
NOT_APPROVED = "승인 안 됨: 승인 칸이 Y가 아니라 보내지 않습니다."
NO_ANSWER = "답변 없음: 답변내용이 비어 있어 보내지 않습니다."
SENT_BEFORE = "이미 보냄: 이 답변은 전에 보냈습니다. 다시 보내지 않습니다."
ANSWERED_THERE = "마켓에 이미 답변이 있습니다. 이 답변은 보내지 않았습니다. 마켓에서 기존 답변을 확인하고, 고치려면 마켓에서 직접 고쳐 주세요."
PLANNED = "답변 전송 예정"


def answer_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _problem(v: Validation, row: int, key: str, code: str, message: str, inquiry_no: str) -> None:
    data = v.book.sheets[A.MAIN]
    v.report.add(Problem(data.name, row, data.header_of(key), code, Severity.ERROR, message, inquiry_no))


def check_answers(v: Validation, ledger: Ledger, forbidden: tuple[str, ...]) -> list[AnswerRow]:
    """Approved rows with an answer that may be sent, and those answered already (settled as 건너뜀: ours, or
    someone else's answer on the marketplace); every other row is left untouched (건너뜀, see ``idle``)."""
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
        q = inquiry
        digest = answer_hash(text)
        ours = ledger.link(q.market, q.account, q.inquiry_no)
        if ours is not None and ours.sent_hash == digest:
            out.append(AnswerRow(row, inquiry, text, RowResult.SKIPPED, SENT_BEFORE))
            continue
        if ours is not None:  # a marketplace keeps one answer: the new text cannot go, and staff meant it to
            _problem(
                v,
                row,
                "answer",
                "already-answered",
                "이 문의에는 다른 답변을 이미 보냈습니다. 답변을 고치려면 마켓에서 직접 고쳐 주세요.",
                number,
            )
            continue
        if answered:  # on the marketplace: our own send whose answer we never heard, or someone else's
            earlier = ledger.unfinished(q.market, q.account, q.inquiry_no)
            out.append(
                AnswerRow(row, inquiry, text, RowResult.SKIPPED, SENT_BEFORE if earlier == digest else ANSWERED_THERE)
            )
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


def idle(v: Validation, row: int) -> str:
    """Why an answer row that asks for nothing was left alone."""
    data = v.book.sheets[A.MAIN]
    if data.text(row, "approve") != A.APPROVED:
        return NOT_APPROVED
    return NO_ANSWER


def _too_long(a: AnswerRow, conn: Connection) -> str | None:
    limit = int(getattr(conn.adapter, "answer_limit", 0)) or None
    if limit and len(a.text) > limit:
        return f"{Market(a.inquiry.market).label} 답변은 {limit:,}자까지입니다 (지금 {len(a.text):,}자)."
    rule = getattr(conn.adapter, "answer_problem", None)  # a marketplace's own rule (ESM: bytes)
    problem = rule(a.text) if rule is not None else None
    return str(problem) if problem is not None else None


async def _preview(conn: Connection, rows: list[AnswerRow], ledger: Ledger) -> None:
    """The dry run of ``_send``: the length limit and the account's credentials; nothing sent."""
    for a in rows:
        if (problem := _too_long(a, conn)) is not None:
            a.result, a.message = RowResult.ERROR, problem
    if await logged_in(conn, rows):
        for a in rows:
            if a.result is None:
                a.message = PLANNED


async def _send(rows: list[AnswerRow], conn: Connection, ledger: Ledger) -> None:
    adapter: Any = conn.adapter
    for a in rows:
        q = a.inquiry
        if (problem := _too_long(a, conn)) is not None:
            a.result, a.message = RowResult.ERROR, problem
            continue
        digest = answer_hash(a.text)
        earlier = ledger.unfinished(q.market, q.account, q.inquiry_no)  # a send of ours never heard back from
        send_id = ledger.begin(q.market, q.account, q.inquiry_no, "answer", digest)
        try:
            await adapter.answer(q.address or q.inquiry_no, a.text)
        except MarketError as exc:
            if isinstance(exc, AlreadyDone):  # not a failure: the inquiry has its answer
                ledger.mark_answered(q.market, q.account, q.inquiry_no)
                if earlier == digest:  # the answer there is the one we sent before
                    ledger.complete(send_id, q.market, q.account, q.inquiry_no, ProductLink(q.inquiry_no), digest)
                    a.result, a.message = RowResult.SKIPPED, SENT_BEFORE
                else:
                    ledger.fail(send_id, str(exc), unknown=False)
                    a.result, a.message = RowResult.SKIPPED, ANSWERED_THERE
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
    """Send the approved answers of an inquiry export; write the result workbook (``dry_run``: send nothing,
    write the plan, ``…_미리보기_<KST>.xlsx``)."""
    job = Job(
        A.SPEC,
        lambda v, ledger: check_answers(v, ledger, ws.forbidden),
        lambda conn, rows, ledger: _send(rows, conn, ledger),
        ("답변 결과", "답변 메시지"),
        column="answer",
        preview=_preview,
        idle=idle,
    )
    return run_job(job, path, ws, dry_run=dry_run, clock=clock, app=app, when=when)
