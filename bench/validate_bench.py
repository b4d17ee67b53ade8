"""Bench: our product validation + result workbook against the fastest bare Excel read and write.

    python bench/validate_bench.py [--sizes 1000,10000,50000] [--out bench/out] [--profile]

Every measurement runs in a fresh subprocess (``--measure WHAT PATH``) that prints one JSON line: the
seconds of its timed section and the peak RSS of the whole process. The table goes to stdout and, as
Markdown, to ``<out>/validate_bench.md``; ``--profile`` also writes a cProfile of ``ours`` for the
largest size to ``<out>/profile_<N>.txt``.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from common import render as render_table

ROOT = Path(__file__).resolve().parents[1]
SMALL = 10_000  # sizes up to this get the median of SMALL_RUNS runs, larger ones a single run
SMALL_RUNS = 3
CLI_RUNS = 5
RATIO_TARGET = 1.5
PEAK_TARGET_MB = 1024.0
CLI_TARGET_S = 0.3
BAD_NAME_EVERY, BAD_PRICE_EVERY = 50, 97  # ~3% of products fail: promotion word in the name, "3만원" as price
PROFILE_TOP = 15

Cells = list[tuple[str, list[list[Any]]]]  # (sheet name, rows of str / int / None)
Result = dict[str, Any]


def _timed(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    out = fn(*args, **kwargs)
    return time.perf_counter() - start, out


# --- bare reads -------------------------------------------------------------------------------------------


def _read_calamine(path: Path) -> int:
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    try:
        return sum(1 for name in wb.sheet_names for _ in wb.get_sheet_by_name(name).iter_rows())
    finally:
        wb.close()


def _fastexcel_frame(sheet: Any) -> Any:
    """fastexcel's own to_pandas needs pyarrow; without it go through polars (still all strings)."""
    import pandas as pd

    if importlib.util.find_spec("pyarrow"):
        return sheet.to_pandas()
    return pd.DataFrame(sheet.to_polars().to_dict(as_series=False), dtype="string")


def _read_fastexcel(path: Path) -> int:
    import fastexcel

    reader = fastexcel.read_excel(path)
    frames = [
        _fastexcel_frame(reader.load_sheet(name, header_row=None, dtypes="string")) for name in reader.sheet_names
    ]
    return sum(len(f) for f in frames)


# --- bare writes ------------------------------------------------------------------------------------------


def _plain(v: Any) -> Any:
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return None if v == "" else v


def _load_cells(path: Path) -> Cells:
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    try:
        return [
            (name, [[_plain(v) for v in row] for row in wb.get_sheet_by_name(name).iter_rows()])
            for name in wb.sheet_names
        ]
    finally:
        wb.close()


def _write_xlsxwriter(cells: Cells, path: Path) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(
        str(path),
        {"constant_memory": True, "strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False},
    )
    for name, rows in cells:
        ws = wb.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                if isinstance(v, str):
                    ws.write_string(r, c, v)
                elif v is not None:
                    ws.write_number(r, c, v)
    wb.close()


def _write_pyexcelerate(cells: Cells, path: Path) -> None:
    from pyexcelerate import Workbook

    wb = Workbook()
    for name, rows in cells:
        wb.new_sheet(name, data=rows)
    wb.save(str(path))


def _write_rustpy(cells: Cells, path: Path) -> None:
    """Its API takes dicts; the keys become one extra header row."""
    from rustpy_xlsxwriter import FastExcel

    book = FastExcel(str(path))
    for name, rows in cells:
        keys = [f"c{i}" for i in range(max(map(len, rows), default=0))]
        book.sheet(name, (dict(zip(keys, row, strict=False)) for row in rows))
    book.save()


# --- ours -------------------------------------------------------------------------------------------------


def _ours(path: Path) -> Result:
    from batch.exporters.result import write_result
    from batch.importers.validation import validate_products
    from batch.models import RowResult

    outdir = path.parent / f"result_{path.stem}"
    shutil.rmtree(outdir, ignore_errors=True)
    validate_s, v = _timed(validate_products, path)
    write_s, files = _timed(write_result, v, outdir)
    return {
        "seconds": validate_s + write_s,
        "validate": validate_s,
        "write": write_s,
        "rows": len(v.results),
        "errors": v.counts()[RowResult.ERROR],
        "problems": len(v.report),
        "reupload": files.reupload is not None,
    }


def _profile(path: Path) -> Result:
    import cProfile
    import io
    import pstats

    _ours_imports()
    prof = cProfile.Profile()
    seconds, _ = _timed(prof.runcall, _ours, path)
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).sort_stats("cumulative").print_stats(
        re.escape(str(ROOT / "batch") + os.sep), PROFILE_TOP
    )
    return {"seconds": seconds, "profile": buf.getvalue().replace(str(ROOT) + os.sep, "")}


def _ours_imports() -> None:
    """Imports stay outside the timed section, as for the bare libraries; the CLI rows cover import cost."""
    import batch.exporters.result
    import batch.importers.validation  # noqa: F401


# --- child side -------------------------------------------------------------------------------------------


def _reader(fn: Callable[[Path], int]) -> Callable[[Path], Result]:
    def measure(path: Path) -> Result:
        seconds, rows = _timed(fn, path)
        return {"seconds": seconds, "rows": rows}

    return measure


def _writer(fn: Callable[[Cells, Path], None]) -> Callable[[Path], Result]:
    def measure(path: Path) -> Result:
        cells = _load_cells(path)  # not timed
        seconds, _ = _timed(fn, cells, path.parent / f"bare{fn.__name__.removeprefix('_write')}_{path.stem}.xlsx")
        return {"seconds": seconds}

    return measure


def _measure_ours(path: Path) -> Result:
    _ours_imports()
    return _ours(path)


# name -> (label, modules that must be importable, measurement); missing libraries are left out of the table
READS = {
    "calamine": ("python-calamine, all rows", ("python_calamine",), _reader(_read_calamine)),
    "fastexcel": ("fastexcel -> pandas str", ("fastexcel", "polars"), _reader(_read_fastexcel)),
}
WRITES = {
    "xlsxwriter": ("XlsxWriter constant_memory", ("xlsxwriter",), _writer(_write_xlsxwriter)),
    "pyexcelerate": ("pyexcelerate", ("pyexcelerate",), _writer(_write_pyexcelerate)),
    "rustpy": ("rustpy-xlsxwriter", ("rustpy_xlsxwriter",), _writer(_write_rustpy)),
}
MEASURES: dict[str, Callable[[Path], Result]] = {
    **{k: m for k, (_, _, m) in (READS | WRITES).items()},
    "ours": _measure_ours,
    "profile": _profile,
}


def child(what: str, path: Path) -> None:
    result = MEASURES[what](path)
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(json.dumps(result, ensure_ascii=False))


# --- parent side ------------------------------------------------------------------------------------------


def _env() -> dict[str, str]:
    paths = [str(ROOT), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}


def _run_child(what: str, path: Path) -> Result:
    cmd = [sys.executable, __file__, "--measure", what, str(path)]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=_env(), check=False)
    if proc.returncode:
        raise SystemExit(f"--measure {what} {path.name} failed:\n{proc.stderr}")
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def measure(what: str, path: Path, runs: int) -> Result:
    """Median of ``runs`` fresh processes for every float (seconds, MB); other fields from the last run."""
    results = [_run_child(what, path) for _ in range(runs)]
    return {k: statistics.median(r[k] for r in results) if isinstance(v, float) else v for k, v in results[-1].items()}


def _bad_rows(rows: dict[str, list[dict[str, str | None]]]) -> None:
    from batch.importers import products as P

    for i, row in enumerate(rows[P.MAIN], start=1):
        if i % BAD_NAME_EVERY == 0:
            row["name"] = f"{row['name']} 무료배송"
        if i % BAD_PRICE_EVERY == 0:
            row["price"] = "3만원"


def ensure_input(n: int, out: Path) -> Path:
    """The product workbook of ``n`` rows (not timed); reused when already there for this template version."""
    from batch.exporters.template import write_template
    from batch.importers import products as P
    from batch.jobs.samples import product_rows

    path = out / f"products_{n}_v{P.VERSION}.xlsx"
    if path.exists():
        return path

    rows = product_rows(n)
    _bad_rows(rows)
    return write_template(P.SPEC, path, rows)


def _available(table: dict[str, tuple[str, tuple[str, ...], Any]]) -> dict[str, str]:
    return {k: label for k, (label, modules, _) in table.items() if all(map(importlib.util.find_spec, modules))}


def bench_size(n: int, out: Path, names: Sequence[str]) -> dict[str, Result]:
    path = ensure_input(n, out)
    runs = SMALL_RUNS if n <= SMALL else 1
    results = {what: measure(what, path, runs) for what in names}
    results["input"] = {"mb": path.stat().st_size / 2**20}
    print(f"  {n:,} products done", file=sys.stderr)
    return results


def _wall(cmd: list[str]) -> float:
    seconds, _ = _timed(subprocess.run, cmd, env=_env(), check=True, capture_output=True)
    return seconds


def cli_times() -> dict[str, float]:
    cmds = {
        "python -c pass (interpreter only)": [sys.executable, "-c", "pass"],
        "python -c 'import batch.cli'": [sys.executable, "-c", "import batch.cli"],
        "python -m batch --help": [sys.executable, "-m", "batch", "--help"],
    }
    return {label: statistics.median(_wall(cmd) for _ in range(CLI_RUNS)) for label, cmd in cmds.items()}


# --- table ------------------------------------------------------------------------------------------------


NOTES_WRITERS = ("xlsxwriter",)  # neither pyexcelerate nor rustpy-xlsxwriter writes a note on a cell


def _fastest(res: dict[str, Result], labels: dict[str, str]) -> tuple[float, str]:
    return min((res[k]["seconds"], k) for k in labels)


def _ratio(res: dict[str, Result], reads: dict[str, str], writes: dict[str, str]) -> float:
    return float(res["ours"]["seconds"] / (_fastest(res, reads)[0] + _fastest(res, writes)[0]))


def _check(ok: bool) -> str:
    return "OK" if ok else "MISS"


def _run(m: Result) -> str:
    return f"{m['seconds']:.2f} s / {m['peak_mb']:.0f} MB"


RowFn = Callable[[dict[str, Result]], str]


def table_rows(reads: dict[str, str], writes: dict[str, str]) -> list[tuple[str, RowFn]]:
    # Writers that can write what the result workbook needs: a fill and a note on single cells.
    capable = {k: v for k, v in writes.items() if k in NOTES_WRITERS}

    def fastest(labels: dict[str, str]) -> RowFn:
        return lambda res: "{:.2f} s ({})".format(*_fastest(res, labels))

    return [
        ("input workbook", lambda res: f"{res['input']['mb']:.1f} MB, {res['calamine']['rows']:,} rows"),
        *((f"read: {label}", lambda res, k=k: _run(res[k])) for k, label in reads.items()),
        ("fastest read", fastest(reads)),
        *((f"write: {label}", lambda res, k=k: _run(res[k])) for k, label in writes.items()),
        ("fastest write", fastest(writes)),
        ("ours: validate_products", lambda res: f"{res['ours']['validate']:.2f} s"),
        ("ours: write_result", lambda res: f"{res['ours']['write']:.2f} s"),
        ("ours: total / peak RSS", lambda res: _run(res["ours"])),
        (
            "ours: error rows / rows",
            lambda res: (
                f"{res['ours']['errors']:,} / {res['ours']['rows']:,}"
                + (" +reupload" if res["ours"]["reupload"] else "")
            ),
        ),
        ("ratio ours / (read + any write)", lambda res: f"{_ratio(res, reads, writes):.2f}x"),
        (f"target <= {RATIO_TARGET}x vs any writer", lambda res: _check(_ratio(res, reads, writes) <= RATIO_TARGET)),
        ("ratio ours / (read + notes writer)", lambda res: f"{_ratio(res, reads, capable):.2f}x"),
        (f"target <= {RATIO_TARGET}x vs notes writer", lambda res: _check(_ratio(res, reads, capable) <= RATIO_TARGET)),
        ("target peak < 1 GiB", lambda res: _check(res["ours"]["peak_mb"] < PEAK_TARGET_MB)),
    ]


def render(rows: list[list[str]], *, markdown: bool = False) -> str:
    return render_table(rows, markdown=markdown)


def size_table(
    sizes: list[int], by_size: dict[int, dict[str, Result]], reads: dict[str, str], writes: dict[str, str]
) -> list[list[str]]:
    header = ["products", *(f"{n:,}" for n in sizes)]
    return [header, *([label, *(fn(by_size[n]) for n in sizes)] for label, fn in table_rows(reads, writes))]


def cli_table(times: dict[str, float]) -> list[list[str]]:
    rows = [[label, f"{s:.3f} s", _check(s < CLI_TARGET_S) if "batch" in label else ""] for label, s in times.items()]
    return [["command (wall, median of 5)", "time", f"< {CLI_TARGET_S} s"], *rows]


def footnotes(sizes: list[int]) -> list[str]:
    single = [f"{n:,}" for n in sizes if n > SMALL]
    notes = [
        f"Each cell: median of {SMALL_RUNS} runs for sizes <= {SMALL:,}"
        + (f", a single run for {', '.join(single)}" if single else "")
        + "; every run is a fresh subprocess.",
        "Peak = ru_maxrss of that whole subprocess (interpreter, imports and, for writes, the cells held in memory).",
        "Imports are outside the timed sections (the CLI table shows import cost); inputs are made beforehand.",
        "Bare writes get every sheet's cells (str / int) pre-loaded and write them in one pass, no styling"
        " (rustpy-xlsxwriter takes dicts: building them is timed, their keys add a header row per sheet).",
        "ours = validate_products(path) + write_result(v, outdir): styled result workbook, comments, 재업로드용 file.",
        f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPUs, {platform.machine()}.",
    ]
    if not importlib.util.find_spec("pyarrow"):
        notes.insert(3, "fastexcel -> pandas goes through polars (pyarrow is not installed).")
    return notes


def report(sizes: list[int], by_size: dict[int, dict[str, Result]], times: dict[str, float], out: Path) -> None:
    reads, writes = _available(READS), _available(WRITES)
    tables = [size_table(sizes, by_size, reads, writes), cli_table(times)]
    notes = footnotes(sizes)
    print("\n\n".join(render(t) for t in tables))
    print("\n".join(f"  * {n}" for n in notes))
    md = "\n\n".join(
        ["# validate bench", *(render(t, markdown=True) for t in tables), "\n".join(f"- {n}" for n in notes)]
    )
    (out / "validate_bench.md").write_text(md + "\n", encoding="utf-8")
    print(f"\nwritten: {out / 'validate_bench.md'}")


def profile(n: int, out: Path) -> None:
    text = _run_child("profile", ensure_input(n, out))["profile"]
    path = out / f"profile_{n}.txt"
    path.write_text(text, encoding="utf-8")
    print(f"\ncProfile of ours at {n:,} products (top {PROFILE_TOP} cumulative in batch/), also in {path}:\n{text}")


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,10000,50000", help="comma-separated product counts")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out", help="inputs, outputs and the Markdown")
    ap.add_argument("--profile", action="store_true", help="also cProfile ours once at the largest size")
    ap.add_argument("--measure", nargs=2, metavar=("WHAT", "PATH"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.measure:
        child(args.measure[0], Path(args.measure[1]))
        return
    sys.path.insert(0, str(ROOT))
    sizes = sorted(int(s.replace("_", "")) for s in args.sizes.split(","))
    args.out.mkdir(parents=True, exist_ok=True)
    names = [*_available(READS), *_available(WRITES), "ours"]
    times = cli_times()
    by_size = {n: bench_size(n, args.out, names) for n in sizes}
    report(sizes, by_size, times, args.out)
    if args.profile:
        profile(sizes[-1], args.out)


if __name__ == "__main__":
    main()
