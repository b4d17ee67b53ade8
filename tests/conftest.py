"""Shared fixtures: a template workbook written from rows, as is or re-saved by LibreOffice."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import pytest

from batch.exporters.template import write_template
from batch.importers import products as P
from batch.sheetspec import TemplateSpec

Rows = Mapping[str, Sequence[Mapping[str, str | None]]]
MakeBook = Callable[..., Path]

WRITERS = ("openpyxl", "libreoffice")


def resave_with_libreoffice(src: Path, outdir: Path, profile: Path) -> Path:
    """Open ``src`` in LibreOffice and save it as .xlsx into ``outdir`` (its own profile and HOME, no locks)."""
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    outdir.mkdir(parents=True, exist_ok=True)
    home = profile / "home"
    home.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(outdir),
            str(src),
        ],
        env={**os.environ, "HOME": str(home)},
        capture_output=True,
        text=True,
        check=False,
        timeout=300,  # a hung soffice must not hang the suite
    )
    out = outdir / f"{src.stem}.xlsx"
    assert done.returncode == 0 and out.is_file(), f"soffice failed: {done.stdout}\n{done.stderr}"
    return out


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
