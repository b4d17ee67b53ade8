"""Console views of a Report: a table a person can act on."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from batch.importers.validation import Validation
from batch.models import RowResult
from batch.report import Problem
from batch.trade.textwidth import width

if TYPE_CHECKING:
    from batch.jobs.answers import AnswerRun
    from batch.jobs.invoices import InvoiceRun
    from batch.jobs.products import Run

MAX_SHOWN = 40


def _pad(text: str, n: int) -> str:
    return text + " " * max(n - width(text), 0)


def _clip(text: str, n: int) -> str:
    out, w = "", 0
    for ch in text:
        cw = width(ch)
        if w + cw > n - 1:
            return out + "…"
        out, w = out + ch, w + cw
    return out


def problem_table(problems: list[Problem], limit: int = MAX_SHOWN) -> list[str]:
    head = ("시트", "행", "열", "구분", "내용")
    rows = [
        (p.sheet, str(p.row or ""), _clip(p.column or "", 18), p.severity.value, p.message) for p in problems[:limit]
    ]
    widths = [max([width(h)] + [width(r[i]) for r in rows]) for i, h in enumerate(head[:4])]
    lines = ["  ".join(_pad(h, widths[i]) if i < 4 else h for i, h in enumerate(head))]
    lines += ["  ".join(_pad(c, widths[i]) if i < 4 else c for i, c in enumerate(r)) for r in rows]
    if len(problems) > limit:
        lines.append(f"… 외 {len(problems) - limit}건은 결과 파일에서 확인하세요.")
    return lines


def render_validation(v: Validation, result: Path, reupload: Path | None) -> str:
    counts = v.counts()
    summary = " · ".join(f"{r.value} {counts.get(r, 0)}" for r in RowResult if counts.get(r))
    lines = [f"파일: {v.book.path.name}", f"상품 {sum(counts.values())}행: {summary or '없음'}", ""]
    problems = sorted(v.report.problems, key=lambda p: (p.severity.value != "오류", p.sheet, p.row or 0))
    if problems:
        lines += problem_table(problems)
    else:
        lines.append("문제가 없습니다.")
    lines += ["", f"결과 파일: {result}"]
    if reupload is not None:
        lines.append(f"다시 올릴 파일: {reupload}")
        lines.append("  오류가 난 상품만 담았습니다. 빨간 칸의 메모를 보고 고친 뒤 inbox에 다시 넣어 주세요.")
    return "\n".join(lines)


def render_plan(run: Run) -> str:
    """The plan per marketplace: how many products are created, updated, unchanged or not sent."""
    from batch.jobs.products import ACTION_LABELS, Action

    lines = ["보낼 계획:"]
    counts = run.plan_counts()
    if not counts:
        lines.append("  보낼 상품이 없습니다 (판매정보그룹을 확인하세요).")
    for market, c in counts.items():
        parts = " · ".join(f"{ACTION_LABELS[a]} {c[a]}" for a in Action if c.get(a))
        lines.append(f"  {market}: {parts}")
    return "\n".join(lines)


def render_run(run: Run) -> str:
    v = run.validation
    lines = [render_validation(v, run.files.result, run.files.reupload)] if run.files else []
    return "\n".join(lines)


def render_answers(run: AnswerRun) -> str:
    return _render_sent(run.validation, "문의", [], run.files.result if run.files else None)


def _render_sent(v: Validation, noun: str, notes: list[str], result: Path | None) -> str:
    counts = v.counts()
    summary = " · ".join(f"{r.value} {counts.get(r, 0)}" for r in RowResult if counts.get(r))
    lines = [f"파일: {v.book.path.name}", f"{noun} {sum(counts.values())}행: {summary or '없음'}", ""]
    problems = sorted(v.report.problems, key=lambda p: (p.sheet, p.row or 0))
    lines += problem_table(problems) if problems else []
    lines += notes
    if result:
        lines += ["", f"결과 파일: {result}"]
    return "\n".join(lines)


def render_invoices(run: InvoiceRun) -> str:
    held = [f"보류 {r.row}행: {r.message}" for r in run.rows if r.result is RowResult.HELD][:MAX_SHOWN]
    return _render_sent(run.validation, "주문", held, run.files.result if run.files else None)
