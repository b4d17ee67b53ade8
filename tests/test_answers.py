"""문의·답변 against the sandbox: collect, fill, send once; untouched rows; deadlines; limits; inert text."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from helpers import TMON_ONLY, control

from batch.config import load_workspace
from batch.importers import answers as A
from batch.jobs.answers import NO_ANSWER, NOT_APPROVED, SENT_BEFORE, run_answers
from batch.jobs.collect import collect
from batch.jobs.init import init_workspace
from batch.models import RowResult
from batch.sandbox.app import create_app
from batch.trade.deadlines import answer_by

REPLY = "POST /api/{vendorId}/qnas/{articleNo}/replies"
CS_SAVE = "POST /api/{vendorId}/cs-inquiry/save/{csInquirySeqNo}/{csInquiryMessageGroupSeqNo}"


def sent(app: Any) -> int:
    requests = control(app, "GET", "/__sandbox__/state?market=tmon")["requests"]
    return int(requests.get(REPLY, 0)) + int(requests.get(CS_SAVE, 0))


@pytest.fixture
def collected(tmp_path: Path) -> tuple[Any, Path, Path]:
    app = create_app(clock=lambda: time.time() - 3600, seed=8)
    control(app, "POST", "/__sandbox__/seed", {"market": "tmon", "inquiries": 12, "seed": 4})
    root = tmp_path / "ws"
    init_workspace(root, markets=TMON_ONLY)
    export = collect(load_workspace(root), "inquiries", app=app).export
    assert export is not None
    return app, root, export


def rows_of(path: Path) -> tuple[Any, dict[str, int], list[int]]:
    wb = openpyxl.load_workbook(path)
    ws = wb[A.MAIN]
    col = {str(c.value).rstrip("*"): c.column for c in ws[1]}
    return wb, col, list(range(2, ws.max_row + 1))


def result_cells(path: Path) -> dict[int, dict[str, Any]]:
    """{Excel row: {header: value}} of a result workbook's 문의 sheet."""
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        rows = list(wb[A.MAIN].iter_rows(values_only=True))
    finally:
        wb.close()
    names = [str(h or "").rstrip("*") for h in rows[0]]
    return {i: dict(zip(names, r, strict=False)) for i, r in enumerate(rows[1:], start=2)}


def fill(export: Path, out: Path, answers: dict[int, tuple[str, str]]) -> Path:
    wb, col, _ = rows_of(export)
    ws = wb[A.MAIN]
    for row, (text, ok) in answers.items():
        ws.cell(row, col["답변내용"]).value = text
        ws.cell(row, col["승인"]).value = ok
    wb.save(out)
    return out


def test_collect_fill_send_and_redrop_sends_nothing(collected: tuple[Any, Path, Path], tmp_path: Path) -> None:
    app, root, export = collected
    wb, col, rows = rows_of(export)
    assert len(rows) == 12
    deadlines = [wb[A.MAIN].cell(r, col["답변기한"]).value for r in rows]
    assert deadlines == sorted(deadlines)  # sorted by deadline
    answers = {
        rows[0]: ("문의 감사합니다. 내일 출고됩니다.", "Y"),
        rows[1]: ("확인 후 연락드리겠습니다.", "Y"),
        rows[2]: ("승인 안 한 답변", "N"),
        rows[3]: ("", "Y"),
    }
    filled = fill(export, tmp_path / "답변.xlsx", answers)
    ws = load_workspace(root)
    first = run_answers(filled, ws, app=app)
    results = first.validation.results
    assert [results[r] for r in rows[:4]] == [
        RowResult.SUCCESS,
        RowResult.SUCCESS,
        RowResult.SKIPPED,
        RowResult.SKIPPED,
    ]
    assert all(results[r] is RowResult.SKIPPED for r in rows[4:])  # unapproved and empty rows are untouched
    assert sent(app) == 2
    state = control(app, "GET", "/__sandbox__/state?market=tmon")
    assert sorted(a["content"] for a in state["answers"]) == sorted(t for t, _ in list(answers.values())[:2])

    assert first.files is not None
    shown = result_cells(first.files.result)
    assert [(shown[r]["처리결과"], shown[r]["오류메시지"]) for r in rows[:4]] == [
        ("성공", None),
        ("성공", None),
        ("건너뜀", NOT_APPROVED),  # never "예시 행": the answers template has no example row
        ("건너뜀", NO_ANSWER),
    ]
    assert {shown[r]["오류메시지"] for r in rows[4:]} == {NOT_APPROVED}

    again = run_answers(filled, ws, app=app)  # the same file again: ours, sent before -> 건너뜀, not an error
    assert sent(app) == 2
    assert [again.validation.results[r] for r in rows[:4]] == [RowResult.SKIPPED] * 4
    assert not again.has_errors and list(again.validation.report) == []
    assert again.files is not None
    shown = result_cells(again.files.result)
    assert [(shown[r]["처리결과"], shown[r]["오류메시지"], shown[r]["답변 결과"]) for r in rows[:2]] == [
        ("건너뜀", SENT_BEFORE, "건너뜀")
    ] * 2

    changed = fill(export, tmp_path / "답변-고침.xlsx", {rows[0]: ("다른 답변으로 고쳤습니다.", "Y")})
    edited = run_answers(changed, ws, app=app)  # another text for an inquiry we answered: it cannot go
    assert sent(app) == 2
    assert edited.validation.results[rows[0]] is RowResult.ERROR
    assert [p.code for p in edited.validation.report] == ["already-answered"]


def test_forbidden_words_and_length_limit(collected: tuple[Any, Path, Path], tmp_path: Path) -> None:
    app, root, export = collected
    _, _, rows = rows_of(export)
    filled = fill(export, tmp_path / "답변.xlsx", {rows[0]: ("카톡으로 연락 주세요", "Y"), rows[1]: ("가" * 1001, "Y")})
    run = run_answers(filled, load_workspace(root), app=app)
    flat = run.validation.report.flat()
    assert ("문의", rows[0], "답변내용", "answer-forbidden-word") in flat
    assert ("문의", rows[1], "답변내용", "marketplace-rejected") in flat
    assert "1,000자까지" in next(p.message for p in run.validation.report if p.row == rows[1])
    assert sent(app) == 0


def test_customer_text_stays_text(collected: tuple[Any, Path, Path]) -> None:
    _, _, export = collected
    wb, col, rows = rows_of(export)
    cells = [wb[A.MAIN].cell(r, col["내용"]) for r in rows]
    tricky = [c for c in cells if str(c.value)[:1] in "=+-@"]
    assert tricky and all(c.data_type == "s" for c in tricky)
    assert not any("\x07" in str(c.value) for c in cells)
    formulas = [c for s in wb.worksheets for line in s.iter_rows() for c in line if c.data_type == "f"]
    assert formulas == []


def test_overdue_rows_are_highlighted(tmp_path: Path) -> None:
    app = create_app(clock=lambda: time.time() - 5 * 86400, seed=9)  # asked days ago: overdue now
    control(app, "POST", "/__sandbox__/seed", {"market": "tmon", "inquiries": 3, "seed": 1})
    root = tmp_path / "ws"
    init_workspace(root, markets=TMON_ONLY)
    export = collect(load_workspace(root), "inquiries", app=app, since=dt.datetime.now() - dt.timedelta(days=9)).export
    assert export is not None
    wb, col, rows = rows_of(export)
    fills = {wb[A.MAIN].cell(r, col["내용"]).fill.fgColor.rgb for r in rows}
    assert fills == {"FFFFC7CE"}


@pytest.mark.parametrize(
    ("asked", "due"),
    [
        (dt.datetime(2026, 11, 25, 10, 0), dt.datetime(2026, 11, 26, 10, 0)),  # Wednesday -> Thursday
        (dt.datetime(2026, 11, 27, 15, 0), dt.datetime(2026, 11, 30, 15, 0)),  # Friday -> Monday
        (dt.datetime(2026, 11, 28, 9, 0), dt.datetime(2026, 12, 1, 9, 0)),  # Saturday counts from Monday
        (dt.datetime(2026, 9, 23, 10, 0), dt.datetime(2026, 9, 28, 10, 0)),  # before 추석 (24-26 Sep 2026)
        (dt.datetime(2026, 12, 31, 18, 0), dt.datetime(2027, 1, 4, 18, 0)),  # 신정 and a weekend
    ],
)
def test_answer_by_skips_weekends_and_korean_holidays(asked: dt.datetime, due: dt.datetime) -> None:
    assert answer_by(asked) == due
