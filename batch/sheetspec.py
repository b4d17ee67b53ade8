"""Declarative template specs: one definition feeds the template, its guide and the validator."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from batch.report import Severity

if TYPE_CHECKING:
    import pandas as pd


class Kind(StrEnum):
    TEXT = "text"
    CODE = "code"  # kept as text, never a number (leading zeros, long digits)
    INT = "int"
    DATE = "date"  # YYYYMMDD
    CHOICE = "choice"  # one value of a closed list
    LIST = "list"  # comma-separated values


@dataclass(frozen=True)
class CellRule:
    """A rule on one cell's text beyond the column kind; ``test`` sees only non-empty cells."""

    code: str
    test: Callable[[pd.Series], pd.Series]  # True where the cell is fine
    severity: Severity = Severity.ERROR
    explain: Callable[[str], str] | None = None  # the Korean message for one failing value


@dataclass(frozen=True)
class Col:
    """One column of a template sheet, with every rule that can be checked cell by cell."""

    key: str
    header: str
    help: str
    required: bool = False
    kind: Kind = Kind.TEXT
    choices: str | None = None  # name of a list in TemplateSpec.lists
    max_len: int | None = None
    min_value: int | None = None
    max_value: int | None = None
    pattern: str | None = None  # full-match regex; failures get ``pattern_code``
    pattern_code: str = "code-format"
    pattern_hint: str = ""
    synonyms: tuple[str, ...] = ()
    example: str = ""
    width: int | None = None
    extra_values: tuple[str, ...] = ()  # accepted besides the pattern / date (e.g. 무기한)
    rules: tuple[CellRule, ...] = ()
    strict_choice: bool = True  # False: the dropdown helps, but other spellings are checked elsewhere

    def rules_text(self, lists: dict[str, tuple[str, ...]]) -> str:
        """The rules in one Korean line, for the guide sheet and the header's input message."""
        parts: list[str] = []
        if self.kind is Kind.CHOICE and self.choices:
            values = lists[self.choices]
            shown = ", ".join(values[:8]) + (" …" if len(values) > 8 else "")
            parts.append(f"목록에서 선택: {shown}")
        if self.kind is Kind.INT:
            lo = f"{self.min_value:,}" if self.min_value is not None else ""
            hi = f"{self.max_value:,}" if self.max_value is not None else ""
            parts.append(f"숫자 {lo}~{hi}")
        if self.kind is Kind.DATE:
            parts.append("날짜 YYYYMMDD")
        if self.kind is Kind.LIST:
            parts.append("여러 개는 쉼표(,)로 구분")
        if self.max_len:
            parts.append(f"{self.max_len}자 이내")
        if self.pattern_hint:
            parts.append(self.pattern_hint)
        if self.extra_values:
            parts.append("또는 " + ", ".join(self.extra_values))
        return " · ".join(parts)


@dataclass(frozen=True)
class SheetSpec:
    name: str
    columns: tuple[Col, ...]
    description: str
    key: str | None = None  # column key linking a row to a product (자체상품코드)
    examples: tuple[dict[str, str], ...] = ()
    synonyms: tuple[str, ...] = ()  # other sheet names accepted
    optional: bool = False  # the sheet may be missing (no rows of that kind)
    rows_per_item: int = 1  # a sub-sheet's rows per main-sheet row at most, for the file's row limit

    def col(self, key: str) -> Col:
        for c in self.columns:
            if c.key == key:
                return c
        raise KeyError(key)

    @property
    def headers(self) -> dict[str, str]:
        return {c.key: c.header for c in self.columns}


@dataclass(frozen=True)
class TemplateSpec:
    kind: str  # "products", later "invoices", "answers"
    version: int
    title: str  # Korean name of the template (상품대량등록)
    sheets: tuple[SheetSpec, ...]
    lists: dict[str, tuple[str, ...]] = field(default_factory=dict)
    rules: tuple[tuple[str, str], ...] = ()  # (title, text) of rules across cells, for the guide
    meta_optional: bool = False  # also read files without our hidden sheet (e.g. a courier system's export)

    @property
    def main(self) -> SheetSpec:
        return self.sheets[0]

    def sheet(self, name: str) -> SheetSpec:
        for s in self.sheets:
            if s.name == name:
                return s
        raise KeyError(name)


META_SHEET = "_양식정보"
LISTS_SHEET = "_목록"
GUIDE_SHEET = "가이드"
SUMMARY_SHEET = "요약"

# Columns that the result workbook adds; the importer ignores them when a result is dropped back.
RESULT_HEADERS: tuple[str, ...] = ("처리결과", "오류코드", "오류메시지")
RESULT_HEADER_RE = re.compile(r"^.+ (결과|상품번호|메시지)$")  # per-marketplace result columns


_SPACES = re.compile(r"\s+")


def normalize_header(text: str) -> str:
    """How headers are compared: no required mark, no spaces, case-folded."""
    t = text.replace("(필수)", "").replace("*", "").replace("\u00a0", " ")
    return _SPACES.sub("", t).casefold()


def display_header(text: str) -> str:
    """A header as messages name it: without the required mark."""
    return text.replace("(필수)", "").strip().rstrip("*").strip()


def is_result_header(text: str) -> bool:
    t = text.strip()
    return t in RESULT_HEADERS or bool(RESULT_HEADER_RE.match(t))
