"""Bench: every file-level refusal of the product importer, timed and sized in a fresh process.

    python bench/refusal_bench.py [--out bench/out]

One file per problem is built once into ``<out>/refusal_v<template version>/`` (reused when there):
every code of ``batch.importers.safety`` (with the adversarial cases: 2 GiB of zeros, a lying 1 GB
size, 100,000 entries, billion laughs, XXE), the importer's template and header refusals, a sheet of
250,000 rows, and a stray cell at XFD1048576 under a million-row dimension that must be *accepted*.

Each file then goes to ``python bench/refusal_bench.py --measure PATH``, a fresh subprocess that
runs ``validate_products(path)`` and prints one JSON line: the refusal code (or "accepted"), the
seconds of that call and the peak RSS of the whole process. The table goes to stdout and, as
Markdown, to ``<out>/refusal_bench.md``; the exit status is 1 when any row misses a target.

The launcher never imports ``batch`` and builds the files in a subprocess of its own: on Linux a
child's ``ru_maxrss`` starts at the RSS of the process it was spawned from, so a big launcher would
inflate every peak.
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import resource
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from common import render as render_table

ROOT = Path(__file__).resolve().parents[1]
# The hostile-workbook builders live in tests/hostile.py, shared with tests/test_safety.py (standard library only).
sys.path.insert(0, str(ROOT / "tests"))
from hostile import (  # noqa: E402
    BILLION_LAUGHS_9,
    EXTERNAL_LINK,
    FAKE_VBA,
    MAIN_NS,
    STRICT_NS,
    XXE,
    Change,
    append_empty_entries,
    append_zeros,
    biff_workbook,
    cfb,
    patch_central_directory,
    replace_bytes,
    rewrite,
    with_prolog,
)

SECONDS_TARGET = 10.0
PEAK_TARGET_MB = 200.0
CHILD_TIMEOUT_S = 120
ACCEPTED = "accepted"

BASE_PRODUCTS = 20  # valid products in the template every derived file starts from
MANY_ENTRIES = 100_000
BOMB_BYTES = 2 << 30  # zeros in one entry
LYING_SIZE = 1_000_000_000  # declared size of a small sheet
TOO_MANY_ROWS = 250_000
EXCEL_LAST_CELL = ("XFD", 1_048_576)

SHEET1 = "xl/worksheets/sheet1.xml"  # 상품: write_template writes the main sheet first
WORKBOOK = "xl/workbook.xml"

Result = dict[str, Any]


# --- sheet helpers ----------------------------------------------------------------------------------------


def append_rows(rows: Iterator[bytes]) -> Change:
    """Add ``<row>`` elements at the end of a sheet's data."""

    def fn(xml: bytes) -> bytes:
        head, sep, tail = xml.partition(b"</sheetData>")
        return head + b"".join(rows) + sep + tail

    return fn


def last_row(xml: bytes) -> int:
    return max(int(n) for n in re.findall(rb'<row r="([0-9]+)"', xml))


# --- builders: (base template, destination) -> None ---------------------------------------------------------


def build_empty(_base: Path, dst: Path) -> None:
    dst.write_bytes(b"")


def build_xls(_base: Path, dst: Path) -> None:
    dst.write_bytes(cfb({"Workbook": biff_workbook()}, sector_data=biff_workbook()))


def build_encrypted(_base: Path, dst: Path) -> None:
    dst.write_bytes(cfb({"EncryptionInfo": b"", "EncryptedPackage": b""}))


def build_csv(_base: Path, dst: Path) -> None:
    dst.write_text("자체상품코드,상품명,판매가\nP0000001,무선 이어폰,39000\n", encoding="utf-8")


def build_truncated(base: Path, dst: Path) -> None:
    raw = base.read_bytes()
    dst.write_bytes(raw[: len(raw) // 2])


def build_many_entries(base: Path, dst: Path) -> None:
    rewrite(base, dst)
    append_empty_entries(dst, MANY_ENTRIES, "customXml/item{}.bin")


def build_zeros_bomb(base: Path, dst: Path) -> None:
    """2 GiB of zeros in one entry, streamed in 1 MiB blocks (about 2 MB on disk)."""
    rewrite(base, dst)
    append_zeros(dst, BOMB_BYTES)


def build_lying_size(base: Path, dst: Path) -> None:
    """The main sheet declares 1 GB in both headers; its data is the real, small sheet."""
    rewrite(base, dst)
    patch_central_directory(dst, {SHEET1: LYING_SIZE})


def build_macro(base: Path, dst: Path) -> None:
    rewrite(base, dst, add={"xl/vbaProject.bin": FAKE_VBA})


def build_strict(base: Path, dst: Path) -> None:
    rewrite(base, dst, change={WORKBOOK: replace_bytes(MAIN_NS, STRICT_NS, count=1)})


def build_external_link(base: Path, dst: Path) -> None:
    rewrite(base, dst, add={"xl/externalLinks/externalLink1.xml": EXTERNAL_LINK})


def build_billion_laughs(base: Path, dst: Path) -> None:
    def fn(xml: bytes) -> bytes:
        xml = re.sub(rb"<v>[^<]*</v>", b"<v>&lol9;</v>", xml, count=1)
        return with_prolog(BILLION_LAUGHS_9)(xml)

    rewrite(base, dst, change={SHEET1: fn})


def build_xxe(base: Path, dst: Path) -> None:
    def fn(xml: bytes) -> bytes:
        return with_prolog(XXE)(replace_bytes(b"</definedName>", b"&xxe;</definedName>", count=1)(xml))

    rewrite(base, dst, change={WORKBOOK: fn})


def edit_book(base: Path, dst: Path, edit: Callable[[Any], None]) -> None:
    """Open the template with openpyxl, let ``edit`` change it, save it as ``dst``."""
    import openpyxl

    wb = openpyxl.load_workbook(base)
    edit(wb)
    wb.save(dst)


def _set_meta(key: str, value: str) -> Callable[[Any], None]:
    def edit(wb: Any) -> None:
        from batch.sheetspec import META_SHEET

        ws = wb[META_SHEET]
        row = next(r for r in ws.iter_rows() if r[0].value == key)
        row[1].value = value

    return edit


def _header_cell(ws: Any, key: str) -> Any:
    from batch.exporters.template import header_text
    from batch.importers import products as P

    text = header_text(P.SPEC.main.col(key))
    return next(c for c in ws[1] if c.value == text)


def build_wrong_kind(base: Path, dst: Path) -> None:
    def edit(wb: Any) -> None:
        _set_meta("kind", "invoices")(wb)
        _set_meta("title", "송장대량등록")(wb)

    edit_book(base, dst, edit)


def build_old_version(base: Path, dst: Path) -> None:
    from batch.importers import products as P

    edit_book(base, dst, _set_meta("version", str(P.VERSION - 1)))


def build_missing_column(base: Path, dst: Path) -> None:
    from batch.importers import products as P

    def edit(wb: Any) -> None:
        _header_cell(wb[P.MAIN], "name").value = None

    edit_book(base, dst, edit)


def build_duplicate_header(base: Path, dst: Path) -> None:
    from batch.importers import products as P

    def edit(wb: Any) -> None:
        ws = wb[P.MAIN]
        ws.cell(1, ws.max_column + 1, _header_cell(ws, "name").value)

    edit_book(base, dst, edit)


def _product_rows(first: int, last: int) -> Iterator[bytes]:
    for r in range(first, last + 1):
        yield (
            b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>P%07d</t></is></c>'
            b'<c r="B%d" t="inlineStr"><is><t>Bulk product %d</t></is></c></row>' % (r, r, r, r, r)
        )


def build_too_many_rows(base: Path, dst: Path) -> None:
    with zipfile.ZipFile(base) as zf:
        have = last_row(zf.read(SHEET1))
    rewrite(base, dst, change={SHEET1: append_rows(_product_rows(have + 1, TOO_MANY_ROWS))})


def build_stray_cell(base: Path, dst: Path) -> None:
    col, row = EXCEL_LAST_CELL
    stray = b'<row r="%d"><c r="%s%d" t="inlineStr"><is><t>x</t></is></c></row>' % (row, col.encode(), row)

    def fn(xml: bytes) -> bytes:
        xml = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:%s%d"/>' % (col.encode(), row), xml, count=1)
        return append_rows(iter([stray]))(xml)

    rewrite(base, dst, change={SHEET1: fn})


def build_base(dst: Path) -> None:
    from batch.exporters.template import write_template
    from batch.importers import products as P
    from batch.jobs.samples import product_rows

    write_template(P.SPEC, dst, product_rows(BASE_PRODUCTS))


# --- cases ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    file: str
    expected: str
    build: Callable[[Path, Path], None] | None  # None: the file must not exist


CASES: tuple[Case, ...] = (
    Case("missing.xlsx", "file-missing", None),
    Case("empty.xlsx", "file-empty", build_empty),
    Case("excel97.xlsx", "file-xls", build_xls),
    Case("encrypted.xlsx", "file-encrypted", build_encrypted),
    Case("csv_renamed.xlsx", "file-not-xlsx", build_csv),
    Case("truncated.xlsx", "file-corrupt", build_truncated),
    Case("entries_100k.xlsx", "file-too-many-entries", build_many_entries),
    Case("bomb_2gib_zeros.xlsx", "file-zip-bomb", build_zeros_bomb),
    Case("bomb_1gb_lying_header.xlsx", "file-zip-bomb", build_lying_size),
    Case("macro.xlsx", "file-macro", build_macro),
    Case("strict_ooxml.xlsx", "file-strict-ooxml", build_strict),
    Case("external_link.xlsx", "file-external-links", build_external_link),
    Case("billion_laughs_sheet.xlsx", "file-xml-entities", build_billion_laughs),
    Case("xxe_workbook.xlsx", "file-xml-entities", build_xxe),
    Case("wrong_kind.xlsx", "template-wrong-kind", build_wrong_kind),
    Case("old_version.xlsx", "template-old-version", build_old_version),
    Case("missing_column.xlsx", "missing-column", build_missing_column),
    Case("duplicate_header.xlsx", "duplicate-header", build_duplicate_header),
    Case("rows_250k.xlsx", "file-too-many-rows", build_too_many_rows),
    Case("stray_xfd1048576.xlsx", ACCEPTED, build_stray_cell),
)


# --- build side (a subprocess: imports batch) ---------------------------------------------------------------


def _atomically(dst: Path, build: Callable[[Path], None]) -> None:
    """Build into a side file and rename it, so an interrupted build is never reused."""
    if dst.exists():
        return
    part = dst.with_name(f"~{dst.name}")
    part.unlink(missing_ok=True)
    build(part)
    part.replace(dst)


def _check_coverage() -> None:
    from batch.importers.safety import MESSAGES

    uncovered = sorted(set(MESSAGES) - {c.expected for c in CASES})
    if uncovered:
        raise SystemExit(f"no case for: {', '.join(uncovered)}")


def build_all(out: Path) -> Path:
    """Build (or reuse) every case under ``<out>/refusal_v<version>``; return that folder."""
    from batch.importers import products as P

    _check_coverage()
    folder = out / f"refusal_v{P.VERSION}"
    folder.mkdir(parents=True, exist_ok=True)
    base = folder / "base_template.xlsx"
    _atomically(base, build_base)
    for case in CASES:
        dst = folder / case.file
        if case.build is None:
            dst.unlink(missing_ok=True)
            continue
        _atomically(dst, partial(case.build, base))
    return folder


# --- measure side (a fresh subprocess per file) -------------------------------------------------------------


def _peak_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024  # bytes on macOS, KiB on Linux


def measure(path: Path) -> Result:
    from batch.errors import FileRefused
    from batch.importers.validation import validate_products

    start = time.perf_counter()
    try:
        validate_products(path)
        code = ACCEPTED
    except FileRefused as exc:
        code = exc.code
    except Exception as exc:
        code = f"error: {type(exc).__name__}"
    seconds = time.perf_counter() - start
    return {"code": code, "seconds": seconds, "peak_mb": _peak_mb()}


# --- launcher side (stays small: never imports batch) -------------------------------------------------------


def _run(args: list[str], timeout: float | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, timeout=timeout, check=False
    )


def build_files(out: Path) -> Path:
    proc = _run(["--build", str(out)])
    if proc.returncode:
        raise SystemExit(f"building the files failed:\n{proc.stderr}")
    return Path(proc.stdout.strip().splitlines()[-1])


def run_child(path: Path) -> Result:
    try:
        proc = _run(["--measure", str(path)], timeout=CHILD_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return {"code": f"timeout ({CHILD_TIMEOUT_S} s)", "seconds": None, "peak_mb": None}
    if proc.returncode:
        tail = proc.stderr.strip().splitlines()[-1:] or [""]
        return {"code": f"died rc={proc.returncode} {tail[0]}".strip(), "seconds": None, "peak_mb": None}
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


# --- table ------------------------------------------------------------------------------------------------


def _check(ok: bool) -> str:
    return "OK" if ok else "MISS"


def _number(v: float | None, fmt: str) -> str:
    return "-" if v is None else format(v, fmt)


def table_row(case: Case, res: Result) -> list[str]:
    seconds, peak = res["seconds"], res["peak_mb"]
    return [
        case.file,
        case.expected,
        res["code"],
        _number(seconds, ".3f"),
        _number(peak, ".0f"),
        _check(res["code"] == case.expected),
        _check(seconds is not None and seconds < SECONDS_TARGET),
        _check(peak is not None and peak < PEAK_TARGET_MB),
    ]


HEADER = [
    "file",
    "expected",
    "got",
    "seconds",
    "peak MB",
    "code as expected",
    f"< {SECONDS_TARGET:g} s",
    f"< {PEAK_TARGET_MB:g} MB",
]
TEXT_COLUMNS = 3  # left-aligned; the others are right-aligned


def render(rows: list[list[str]], *, markdown: bool = False) -> str:
    return render_table(rows, markdown=markdown, text_columns=TEXT_COLUMNS)


def footnotes(folder: Path) -> list[str]:
    return [
        f"Files in {folder} (built once, reused); each measured in a fresh subprocess running validate_products(path).",
        "seconds = wall time of that call only; peak MB = ru_maxrss of the whole subprocess (interpreter and imports"
        f" included, launcher {_peak_mb():.0f} MB, which is a floor under every peak on Linux).",
        f"Targets: the expected code, under {SECONDS_TARGET:g} s and under {PEAK_TARGET_MB:g} MB;"
        f" {ACCEPTED!r} means validate_products returned (the stray far cell must not be refused).",
        f"{platform.python_implementation()} {platform.python_version()}, {platform.machine()}.",
    ]


def report(rows: list[list[str]], folder: Path, out: Path) -> None:
    table = [HEADER, *rows]
    notes = footnotes(folder)
    print(render(table))
    print("\n".join(f"  * {n}" for n in notes))
    md = "\n\n".join(["# refusal bench", render(table, markdown=True), "\n".join(f"- {n}" for n in notes)])
    (out / "refusal_bench.md").write_text(md + "\n", encoding="utf-8")
    print(f"\nwritten: {out / 'refusal_bench.md'}")


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out", help="built files and the Markdown")
    ap.add_argument("--measure", type=Path, metavar="PATH", help=argparse.SUPPRESS)
    ap.add_argument("--build", type=Path, metavar="OUT", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    if args.measure:
        print(json.dumps(measure(args.measure), ensure_ascii=False))
        return 0
    if args.build:
        print(build_all(args.build))
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    folder = build_files(args.out.resolve())
    rows = [table_row(case, run_child(folder / case.file)) for case in CASES]
    report(rows, folder, args.out)
    return 1 if any("MISS" in row for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
