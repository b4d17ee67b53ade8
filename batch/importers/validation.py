"""Check a 상품대량등록 workbook: file gate, per-cell schema, cross-sheet rules, per-row results."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from batch.importers import products as P
from batch.importers.product_rules import Combo, Target, check_products
from batch.importers.schema import validate_sheet
from batch.importers.workbook import Book, SheetData, gc_paused, load_book
from batch.models import RowResult
from batch.report import Problem, Report, Severity


@dataclass
class Validation:
    book: Book
    report: Report
    results: dict[int, RowResult] = field(default_factory=dict)  # main-sheet Excel row -> result
    skipped: dict[str, set[int]] = field(default_factory=dict)  # sheet -> example rows not sent
    targets: dict[int, list[Target]] = field(default_factory=dict)
    combos: dict[str, dict[tuple[str, ...], Combo]] = field(default_factory=dict)
    row_problems: dict[int, list[Problem]] = field(default_factory=dict)  # see problems_by_row

    def counts(self) -> Counter[RowResult]:
        return Counter(self.results.values())

    @property
    def has_errors(self) -> bool:
        """Any error at all: a product row, or a row of another sheet (e.g. a 판매정보 group)."""
        return bool(self.report.errors)

    def problems_by_row(self) -> dict[int, list[Problem]]:
        """Main-sheet row -> every problem that belongs to that product (its own cells and its sub-sheet rows)."""
        main = self.book.sheets[self.book.spec.main.name]
        key = self.book.spec.main.key or "code"
        rows_of: dict[str, list[int]] = defaultdict(list)
        for row, code in main.column(key).items():
            if code:
                rows_of[code].append(row)
        out: dict[int, list[Problem]] = defaultdict(list)
        for p in self.report:
            if p.sheet == main.name and p.row is not None and p.row in self.results:
                out[p.row].append(p)
            elif p.sheet != main.name and p.product:
                for r in rows_of.get(p.product, []):
                    out[r].append(p)
        return out


def _drop_examples(data: SheetData) -> tuple[set[int], list[int]]:
    """Rows equal to a shipped example are skipped; a main row that kept the example code but changed is flagged."""
    examples = [{k: (v or None) for k, v in e.items()} for e in data.spec.examples]
    if not examples:
        return set(), []
    key = data.spec.key
    frame = data.frame
    if key:  # only rows carrying an example's code can be an example
        codes = {e.get(key) for e in examples}
        frame = frame[frame[key].isin(codes)]
    keys = [c.key for c in data.spec.columns]
    skipped: set[int] = set()
    edited: list[int] = []
    for row, values in zip(frame.index, frame[keys].itertuples(index=False, name=None), strict=True):
        rowdict = dict(zip(keys, values, strict=True))
        if any(all(rowdict.get(k) == e.get(k) for k in keys) for e in examples):
            skipped.add(int(row))
        elif key and data.spec.name == P.MAIN and rowdict.get(key) == P.EXAMPLE_CODE:
            edited.append(int(row))
    if skipped:
        data.frame = data.frame.drop(index=sorted(skipped))
    return skipped, edited


def validate_products(path: Path, *, company_name: str = "", images: Path | None = None) -> Validation:
    """Validate without sending anything. Raises FileRefused for a file that cannot be read at all.

    ``company_name`` fills empty 제조사 / 브랜드 cells, as the manual's defaults do; ``images``: where the local
    image files are (default: the ``images`` folder beside the workbook).
    """
    with gc_paused():
        return _validate_products(path, company_name, images or path.parent / "images")


def _validate_products(path: Path, company_name: str, images: Path) -> Validation:
    book, report = load_book(path, P.SPEC)
    v = Validation(book, report)
    main = book.sheets[P.MAIN]
    if company_name:
        for key in ("maker", "brand"):
            main.frame[key] = main.frame[key].where(main.frame[key].notna(), company_name)
        main.frame = main.frame.copy()  # a new frame: cached columns are rebuilt
    for name, data in book.sheets.items():
        skipped, edited = _drop_examples(data)
        v.skipped[name] = skipped
        for row in edited:
            report.add(
                Problem(
                    data.name,
                    row,
                    data.header_of("code"),
                    "example-row-edited",
                    Severity.ERROR,
                    f"예시 행(자체상품코드 {P.EXAMPLE_CODE})을 고쳐 쓰셨습니다. 자체상품코드를 내 상품의 코드로 "
                    "바꿔 주세요.",
                    P.EXAMPLE_CODE,
                )
            )
    # Sub-sheet rows of the skipped example product are skipped with it.
    if v.skipped.get(P.MAIN):
        for name, data in book.sheets.items():
            if name != P.MAIN and data.spec.key:
                ex = data.frame.index[data.frame[data.spec.key] == P.EXAMPLE_CODE]
                v.skipped[name] |= {int(r) for r in ex}
                data.frame = data.frame.drop(index=ex)
    for data in book.sheets.values():
        report.extend(validate_sheet(data, P.SPEC))
    bad_rows: dict[str, set[int]] = defaultdict(set)
    for p in report.errors:
        if p.row is not None:
            bad_rows[next((k for k, d in book.sheets.items() if d.name == p.sheet), p.sheet)].add(p.row)
    checks = check_products(book, images, bad_rows)
    report.extend(checks.problems)
    v.targets = checks.targets
    v.combos = checks.combos
    for row in v.skipped.get(P.MAIN, set()):
        v.results[row] = RowResult.SKIPPED
    for row in main.frame.index:
        v.results[int(row)] = RowResult.SUCCESS
    v.row_problems = v.problems_by_row()
    for row, problems in v.row_problems.items():
        if any(p.severity is Severity.ERROR for p in problems):
            v.results[row] = RowResult.ERROR
        elif problems:
            v.results[row] = RowResult.WARNING
    return v
