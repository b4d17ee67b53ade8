"""Shared fixtures: a template workbook written from rows, as is or re-saved by LibreOffice."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import pytest
from helpers import resave_with_libreoffice

from batch.exporters.template import write_template
from batch.importers import products as P
from batch.sheetspec import TemplateSpec

Rows = Mapping[str, Sequence[Mapping[str, str | None]]]
MakeBook = Callable[..., Path]

WRITERS = ("openpyxl", "libreoffice")


@pytest.fixture
def make_book() -> MakeBook:
    """``make_book(tmp_path, rows, *, via)``: write ``rows`` with write_template; return the workbook to read.

    ``via="openpyxl"`` returns the file as write_template wrote it; ``via="libreoffice"`` returns the same
    file re-saved by LibreOffice into another folder (skipped when soffice is missing). Put files the
    workbook refers to (an ``images/`` folder) beside the returned path.
    """

    def make(tmp_path: Path, rows: Rows, *, via: str, spec: TemplateSpec = P.SPEC, name: str = "book") -> Path:
        src = write_template(spec, tmp_path / "written" / f"{name}.xlsx", rows)
        if via == "openpyxl":
            return src
        if via == "libreoffice":
            return resave_with_libreoffice(src, tmp_path / "resaved", tmp_path / "lo-profile")
        raise ValueError(f"unknown writer {via!r}; use one of {WRITERS}")

    return make
