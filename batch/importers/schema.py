"""Build a lazy pandera schema from a SheetSpec and turn its failures into Problems on cells."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from batch.importers.workbook import SheetData
from batch.report import Problem, Severity, code_info
from batch.sheetspec import Col, Kind, SheetSpec, TemplateSpec

Test = Callable[[pd.Series], pd.Series]
REQUIRED = "required-value"


class Distinct:
    """The distinct values of each column of one frame, found once for all the checks of that column."""

    def __init__(self) -> None:
        self._seen: dict[str, tuple[np.ndarray, np.ndarray, int]] = {}

    def of(self, key: str, s: pd.Series) -> tuple[np.ndarray, np.ndarray]:
        hit = self._seen.get(key)
        if hit is None or hit[2] != len(s):
            codes, uniques = pd.factorize(s.to_numpy(dtype=object), use_na_sentinel=True)  # empty cells: -1
            hit = self._seen[key] = (codes, np.asarray(uniques, dtype=object), len(s))
        return hit[0], hit[1]


def _present(test: Test, key: str, distinct: Distinct) -> Test:
    """Apply ``test`` to the non-empty cells only; empty cells pass (required-value handles them).

    The test runs once per distinct value (a column of 50,000 cells holds a handful of 배송방법 or 옵션사용, and
    the same option lists again and again) and its answer is spread back over the cells; the values stay objects
    (text already, workbook.cell_text), as a string dtype would copy the column and re-check it for missing ones.
    """

    def check(s: pd.Series) -> pd.Series:
        codes, uniques = distinct.of(key, s)
        if len(uniques) == 0:
            return pd.Series(True, index=s.index)
        ok = test(pd.Series(uniques, dtype=object)).astype(bool).to_numpy()
        return pd.Series(np.append(ok, True)[codes], index=s.index)  # -1 takes the last: empty passes

    return check


def _is_date(s: pd.Series) -> pd.Series:
    digits = s.str.fullmatch(r"\d{8}")
    parsed = pd.to_datetime(s.where(digits), format="%Y%m%d", errors="coerce")
    return digits & parsed.notna()


def _int_in_range(lo: int | None, hi: int | None) -> Test:
    def test(s: pd.Series) -> pd.Series:
        num = pd.to_numeric(s.where(s.str.fullmatch(r"-?\d{1,15}")), errors="coerce")
        ok = num.isna()  # not an integer at all: reported by not-integer
        if lo is not None:
            ok |= num >= lo
        else:
            ok |= num.notna()
        if hi is not None:
            ok &= num.isna() | (num <= hi)
        return ok

    return test


def column_checks(
    col: Col, lists: dict[str, tuple[str, ...]], distinct: Distinct | None = None
) -> list[tuple[str, Test, Severity]]:
    """Every per-cell rule of ``col`` as (code, test over the whole column, severity)."""
    seen = distinct or Distinct()

    def present(test: Test) -> Test:
        return _present(test, col.key, seen)

    out: list[tuple[str, Test, Severity]] = []
    if col.required:
        out.append((REQUIRED, lambda s: pd.Series(seen.of(col.key, s)[0] >= 0, index=s.index), Severity.ERROR))
    extra = frozenset(col.extra_values)
    if col.kind is Kind.CHOICE and col.choices and col.strict_choice:
        allowed = frozenset(lists[col.choices])
        out.append(("not-in-list", present(lambda s: s.isin(allowed)), Severity.ERROR))
    if col.max_len:
        n = col.max_len
        out.append(("max-length", present(lambda s: s.str.len() <= n), Severity.ERROR))
    if col.kind is Kind.INT:
        out.append(("not-integer", present(lambda s: s.str.fullmatch(r"-?\d{1,15}")), Severity.ERROR))
        out.append(("out-of-range", present(_int_in_range(col.min_value, col.max_value)), Severity.ERROR))
    if col.kind is Kind.DATE:
        out.append(("invalid-date", present(lambda s: s.isin(extra) | _is_date(s)), Severity.ERROR))
    if col.pattern:
        p = col.pattern
        out.append((col.pattern_code, present(lambda s: s.isin(extra) | s.str.fullmatch(p)), Severity.ERROR))
    for rule in col.rules:
        out.append((rule.code, present(rule.test), rule.severity))
    return out


def sheet_schema(
    sheet: SheetSpec,
    lists: dict[str, tuple[str, ...]],
    empty: frozenset[str] = frozenset(),
    distinct: Distinct | None = None,
) -> pa.DataFrameSchema:
    """The sheet's schema; a column in ``empty`` (no value in any row) keeps only the checks an empty cell can fail
    (a required value): the others test present cells only and would walk the column for nothing."""
    columns = {
        col.key: pa.Column(
            None,
            nullable=True,
            required=False,
            checks=[
                pa.Check(test, name=code, ignore_na=False)
                for code, test, _ in column_checks(col, lists, distinct)
                if col.key not in empty or code == REQUIRED
            ],
        )
        for col in sheet.columns
    }
    return pa.DataFrameSchema(columns, strict=False, coerce=False)


def cell_message(col: Col, code: str, value: str | None, lists: dict[str, tuple[str, ...]]) -> str:
    """One Korean sentence: what is wrong with this cell and what to do."""
    shown = f"'{value[:30]}'" if value else ""
    match code:
        case "required-value":
            return f"'{col.header}' 칸이 비어 있습니다. 값을 넣어 주세요."
        case "not-in-list":
            return f"'{col.header}'의 {shown}은(는) 목록에 없는 값입니다. 칸의 ▼ 목록에서 골라 주세요."
        case "max-length":
            return f"'{col.header}'은(는) {col.max_len}자까지입니다 (지금 {len(value or '')}자). 줄여 주세요."
        case "not-integer":
            return f"'{col.header}'의 {shown}은(는) 숫자가 아닙니다. 쉼표나 '원' 없이 숫자만 넣어 주세요."
        case "out-of-range":
            lo = f"{col.min_value:,}" if col.min_value is not None else ""
            hi = f"{col.max_value:,}" if col.max_value is not None else ""
            return f"'{col.header}'의 {shown}은(는) 허용 범위({lo}~{hi}) 밖입니다."
        case "invalid-date":
            more = f" 또는 '{col.extra_values[0]}'" if col.extra_values else ""
            return f"'{col.header}'의 {shown}은(는) 날짜가 아닙니다. YYYYMMDD(예: 20240131){more}로 넣어 주세요."
    for rule in col.rules:
        if rule.code == code and rule.explain is not None and value:
            return rule.explain(value)
    info = code_info(code)
    return f"'{col.header}'의 {shown}: {info.title}. {info.hint}".replace(" : ", ": ")


def validate_sheet(data: SheetData, spec: TemplateSpec) -> list[Problem]:
    """Run the sheet's pandera schema (lazy) and map every failure to (sheet, row, column, code)."""
    frame = data.frame
    if frame.empty:
        return []
    distinct = Distinct()  # each column's distinct values, once: also tells the columns without a single value
    empty = frozenset(str(k) for k in frame.columns if len(distinct.of(str(k), frame[k])[1]) == 0)
    schema = sheet_schema(data.spec, spec.lists, empty, distinct)
    try:
        schema.validate(frame, lazy=True)
    except SchemaErrors as exc:
        return _to_problems(exc.failure_cases, data, spec)
    return []


def _to_problems(fc: pd.DataFrame, data: SheetData, spec: TemplateSpec) -> list[Problem]:
    sheet = data.spec
    severities = {(c.key, code): sev for c in sheet.columns for code, _, sev in column_checks(c, spec.lists)}
    problems: list[Problem] = []
    fc = fc[fc["index"].notna() & fc["column"].notna()]
    for key, code, idx in zip(fc["column"], fc["check"], fc["index"], strict=True):
        row = int(idx)
        col = sheet.col(str(key))
        value = data.text(row, col.key)
        problems.append(
            Problem(
                data.name,
                row,
                data.header_of(col.key),
                str(code),
                severities.get((col.key, str(code)), Severity.ERROR),
                cell_message(col, str(code), value, spec.lists),
                data.text(row, sheet.key) if sheet.key else None,
            )
        )
    return problems
