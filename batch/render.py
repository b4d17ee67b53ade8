"""Console views of a Report: a table a person can act on."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from batch.exporters.result import shown_result
from batch.importers.validation import Validation
from batch.models import Market, RowResult
from batch.report import Problem
from batch.trade.textwidth import width

if TYPE_CHECKING:
    from batch.jobs.answers import AnswerRun
    from batch.jobs.claims import ClaimRun
    from batch.jobs.invoices import InvoiceRun
    from batch.jobs.products import Run
    from batch.jobs.stock import StockPass, StockRun

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


def _head(v: Validation, noun: str, preview: bool) -> list[str]:
    """The file and its rows by 처리결과 (in a dry run's plan: 보낼 예정 for what a real run would send)."""
    counts = v.counts()
    summary = " · ".join(f"{shown_result(r, preview)} {counts.get(r, 0)}" for r in RowResult if counts.get(r))
    return [f"파일: {v.book.path.name}", f"{noun} {sum(counts.values())}행: {summary or '없음'}"]


def _file_lines(result: Path | None, reupload: Path | None, preview: bool, noun: str = "상품") -> list[str]:
    """Every file the run wrote, one line each."""
    if result is None:
        return []
    if preview:
        return [f"미리보기 파일: {result}", "  보낼 계획입니다. 아무것도 보내지 않았습니다 (결과 파일이 아닙니다)."]
    lines = [f"결과 파일: {result}"]
    if reupload is not None:
        lines.append(f"다시 올릴 파일: {reupload}")
        lines.append(f"  오류가 난 {noun}만 담았습니다. 빨간 칸의 메모를 보고 고친 뒤 inbox에 다시 넣어 주세요.")
    return lines


def _problem_lines(v: Validation) -> list[str]:
    problems = sorted(v.report.problems, key=lambda p: (p.severity.value != "오류", p.sheet, p.row or 0))
    return problem_table(problems) if problems else ["문제가 없습니다."]


def render_validation(v: Validation, result: Path, reupload: Path | None, *, preview: bool = False) -> str:
    lines = [*_head(v, "상품", preview), "", *_problem_lines(v), "", *_file_lines(result, reupload, preview)]
    return "\n".join(lines)


def _rows_text(rows: list[int]) -> str:
    """Excel rows as staff read them: 3-7, 9행."""
    spans: list[list[int]] = []
    for row in sorted(set(rows)):
        if spans and row == spans[-1][1] + 1:
            spans[-1][1] = row
        else:
            spans.append([row, row])
    parts = [f"{a}" if a == b else f"{a}-{b}" for a, b in spans]
    shown = ", ".join(parts[:8]) + (f" 외 {len(parts) - 8}곳" if len(parts) > 8 else "")
    return f"{shown}행"


def render_plan(run: Run) -> str:
    """The plan per marketplace: how many products are created, updated, unchanged or not sent, and why each that
    is not sent is not sent. A dry run's plan ends with its problems and the preview file."""
    from batch.jobs.products import ACTION_LABELS, PLANNED_LABELS, Action

    labels = PLANNED_LABELS if run.dry_run else ACTION_LABELS
    lines = ["미리보기 — 아무것도 보내지 않았습니다. 보낼 계획:" if run.dry_run else "보낼 계획:"]
    counts = run.plan_counts()
    if not counts:
        lines.append("  보낼 상품이 없습니다 (판매정보그룹을 확인하세요).")
    for market, c in counts.items():
        parts = " · ".join(f"{labels[a]} {c[a]}" for a in Action if c.get(a))
        lines.append(f"  {market}: {parts}")
        why: dict[tuple[str, str], list[int]] = {}
        for s in run.steps:
            if s.sales.market.label == market and s.action is Action.BLOCKED:
                verb = RowResult.HELD.value if s.held else labels[Action.BLOCKED]
                why.setdefault((verb, s.reason), []).append(s.row)
        for (verb, reason), rows in why.items():
            lines.append(f"    {verb} {len(rows)} ({_rows_text(rows)}): {reason}")
    if run.dry_run:
        v = run.validation
        files = run.files
        lines += ["", *_head(v, "상품", True), "", *_problem_lines(v)]
        lines += ["", *_file_lines(files.result if files else None, None, True)]
    return "\n".join(lines)


def _step_key(step: Any) -> str:
    """What happened to one product at one marketplace, as the console counts it."""
    from batch.jobs.products import ACTION_LABELS, FOUND, PLANNED_LABELS, Action

    if step.action is Action.SKIP:
        return PLANNED_LABELS[Action.SKIP]
    if step.action is Action.BLOCKED:
        return RowResult.HELD.value if step.held else ACTION_LABELS[Action.BLOCKED]
    if step.result is None:
        return PLANNED_LABELS[step.action]
    action = FOUND if step.message.startswith(FOUND) else ACTION_LABELS[step.action]
    return f"{action} {step.result.value}"


def _by_market(keys: list[tuple[str, str]]) -> list[str]:
    counts: dict[str, Counter[str]] = {}
    for market, key in keys:
        counts.setdefault(market, Counter())[key] += 1
    return [f"  {m}: " + " · ".join(f"{k} {n}" for k, n in c.items()) for m, c in counts.items()]


def render_run(run: Run) -> str:
    """After a real run: the rows by 처리결과, what each marketplace got (by action and result), the problems, and
    every file written. A dry run is ``render_plan``'s."""
    v = run.validation
    if run.dry_run:
        return ""
    lines = ["", *_head(v, "상품", False)]  # below render_plan's lines
    sent = _by_market([(s.sales.market.label, _step_key(s)) for s in run.steps])
    if sent:
        lines += ["", "마켓별 결과:", *sent]
    lines += ["", *_problem_lines(v)]
    files = run.files
    lines += ["", *_file_lines(files.result if files else None, files.reupload if files else None, False)]
    return "\n".join(lines)


def _short(message: str) -> str:
    """The gist of a row's message: up to its first ':', ' (' or '.'."""
    for mark in (":", " (", "."):
        message = message.split(mark, 1)[0]
    return message.strip()


def _row_key(row: Any, preview: bool) -> str:
    """What happened to one invoice or answer row at its marketplace, as the console counts it."""
    if row.result is None:
        return _short(row.message) or "보낼 예정"
    if row.result is RowResult.SUCCESS:
        return f"{_short(row.message)} {row.result.value}"
    if row.result is RowResult.SKIPPED:
        return f"{row.result.value}({_short(row.message)})"
    if row.result is RowResult.ERROR and preview:
        return "보내지 않음"
    return str(row.result.value)


def _render_sent(run: Any, noun: str, notes: list[str]) -> str:
    v: Validation = run.validation
    preview = bool(run.dry_run)
    lines = _head(v, noun, preview)
    per = _by_market([(Market(r.where[0]).label, _row_key(r, preview)) for r in run.rows if r.where[0]])
    if per:
        title = "미리보기 — 아무것도 보내지 않았습니다. 마켓별 계획:" if preview else "마켓별 결과:"
        lines += ["", title, *per]
    problems = sorted(v.report.problems, key=lambda p: (p.sheet, p.row or 0))
    if problems:
        lines += ["", *problem_table(problems)]
    if notes:
        lines += ["", *notes]
    files = run.files
    result, reupload = (files.result, files.reupload) if files else (None, None)
    if result is not None:
        lines += ["", *_file_lines(result, reupload, preview, noun)]
    return "\n".join(lines)


def render_answers(run: AnswerRun) -> str:
    return _render_sent(run, "문의", [])


def render_invoices(run: InvoiceRun) -> str:
    held = [f"보류 {r.row}행: {r.message}" for r in run.rows if r.result is RowResult.HELD][:MAX_SHOWN]
    return _with_stock(_render_sent(run, "주문", held), run.stock)


def render_stock_pass(p: StockPass, preview: bool = False) -> str:
    """One pass of 재고 연동 as the console shows it: listings told per marketplace, what is still waiting, and the
    orders whose item is unknown."""
    lines: list[str] = []
    if p.moved:
        lines.append(f"재고 연동: 주문·취소로 재고가 바뀐 상품 {len(p.moved)}개")
    if p.works:
        title = "재고 연동 계획 (보내지 않음):" if preview else "재고 연동 (마켓별):"
        keys = [(Market(w.listing.market).label, _stock_key(w, preview)) for w in p.works]
        lines += [title, *_by_market(keys)]
    for w in [*p.failed, *p.waiting][:MAX_SHOWN]:
        label = f"{Market(w.listing.market).label}/{w.listing.account} {w.listing.code}"
        lines.append(f"  {w.result.value if w.result else ''} {label}: {w.message}")
    if p.unmatched:
        lines.append(
            f"어느 상품·옵션인지 알 수 없어 재고에서 빼지 않은 주문 {len(p.unmatched)}건 "
            "(batch collect stock-history 의 미연결주문 시트에서 확인하세요):"
        )
        for u in p.unmatched[:MAX_SHOWN]:
            lines.append(
                f"  {Market(u.market).label}/{u.account} 주문 {u.order_no} {u.product_name} {u.option_text} {u.qty}개"
            )
    return "\n".join(lines)


def _stock_key(w: Any, preview: bool) -> str:
    if preview or w.result is None:
        return "보낼 예정"
    return str(w.result.value)


def render_stock(run: StockRun) -> str:
    return _with_stock(_render_sent(run, "재고", []), run.stock_pass, bool(run.dry_run))


def _with_stock(text: str, p: StockPass | None, preview: bool = False) -> str:
    """A run's lines, then the 재고 연동 pass it ended with, if any."""
    extra = render_stock_pass(p, preview) if p is not None else ""
    return text + ("\n\n" + extra if extra else "")


def render_claims(run: ClaimRun) -> str:
    return _with_stock(_render_sent(run, "클레임", []), run.stock)
