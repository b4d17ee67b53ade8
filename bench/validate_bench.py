"""Bench: our product validation + result workbooks against the floor: a bare calamine read + rustpy-xlsxwriter write.

    python bench/validate_bench.py [--sizes 1000,10000,50000,100000] [--out bench/out] [--profile]

Every measurement runs in a fresh subprocess (``--measure WHAT PATH``) that prints one JSON line: the
seconds of its timed section and the peak RSS of that process alone (VmHWM: ru_maxrss would carry the
parent's peak across fork + exec). Input workbooks are built beforehand in their own subprocess
(``--build N OUT``), so neither the parent nor any measured process holds the builder's memory.

The headline is ``ours / floor``: ``floor`` is one process that reads every cell of every sheet with
python-calamine and writes the same cells with rustpy-xlsxwriter; ``ours`` is ``validate_products`` +
``write_result``. The rustpy outputs are read back with python-calamine and must hold every cell of the input,
or the bench stops. The table goes to stdout and, as Markdown, to ``<out>/validate_bench.md``; the exit status
is 1 when a target is missed. ``--profile`` also writes a cProfile of ``ours`` for the largest size to
``<out>/profile_<N>.txt``.
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
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from common import render as render_table

ROOT = Path(__file__).resolve().parents[1]
SMALL = 10_000  # sizes up to this get the median of SMALL_RUNS runs, larger ones a single run
SMALL_RUNS = 3
CLI_RUNS = 5
BASE_N, BIG_N = 50_000, 100_000  # the sizes the targets are set at
RATIO_TARGET = 1.5  # ours <= 1.5x floor at BASE_N
BASE_PEAK_MB = 600.0  # MiB, at BASE_N
GROWTH_TARGET = 2.0  # ours(BIG_N) <= 2x ours(BASE_N)
BIG_PEAK_MB = 1024.0  # MiB, at BIG_N
CLI_TARGET_S = 0.3
BAD_NAME_EVERY, BAD_PRICE_EVERY = 50, 97  # ~3% of products fail: promotion word in the name, "3만원" as price
PROFILE_TOP = 15

Cells = list[tuple[str, list[list[Any]]]]  # (sheet name, rows of str / int / float / None)
Result = dict[str, Any]
BySize = dict[int, dict[str, Result]]


def _timed(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    out = fn(*args, **kwargs)
    return time.perf_counter() - start, out


def _peak_mb() -> float:
    """This process's own peak RSS in MiB. Linux keeps the parent's peak in ru_maxrss across fork + exec,
    so VmHWM (the peak of this process's address space) is read first."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


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
    """Every cell of every sheet, as python-calamine reads it (rows padded to the sheet's width), ``_plain``ed."""
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


def _rustpy_keys(rows: list[list[Any]]) -> list[str]:
    return [f"c{i}" for i in range(max(map(len, rows), default=0))]


def _rustpy_records(rows: list[list[Any]]) -> list[dict[str, Any]]:
    """One dict per row with every key of the sheet, built now. ``dict(zip(keys, row))`` alone would cut a
    short row's dict to its length, and the library takes a sheet's columns from its first dict; a generator
    consumed at ``save()`` would read ``keys`` late (the last sheet's), so every sheet would get its width."""
    keys = _rustpy_keys(rows)
    blank = [None] * len(keys)
    return [dict(zip(keys, [*row, *blank[len(row) :]], strict=True)) for row in rows]


def _write_rustpy(cells: Cells, path: Path) -> None:
    """Its API takes dicts; the keys become one extra header row per sheet."""
    from rustpy_xlsxwriter import FastExcel

    book = FastExcel(str(path))
    for name, rows in cells:
        book.sheet(name, _rustpy_records(rows))
    book.save()


def _bare_output(what: str, path: Path) -> Path:
    return path.parent / f"bare_{what}_{path.stem}.xlsx"


def _floor(path: Path) -> Result:
    """The denominator: python-calamine read of every cell + rustpy-xlsxwriter write of them, timed as one."""
    read_s, cells = _timed(_load_cells, path)
    write_s, _ = _timed(_write_rustpy, cells, _bare_output("floor", path))
    return {"seconds": read_s + write_s, "read": read_s, "write": write_s}


def _check_rustpy(path: Path) -> Result:
    """Every rustpy output (bare write and floor) read back: its sheets, in order, hold the input's cells
    under the one header row of keys. Not measured; the parent stops on a mismatch."""
    from python_calamine import CalamineWorkbook

    def trimmed(row: list[Any]) -> list[Any]:
        while row and row[-1] is None:
            row = row[:-1]
        return row

    cells = _load_cells(path)
    checked: dict[str, str] = {}
    problems: list[str] = []
    for what in ("rustpy", "floor"):
        out = _bare_output(what, path)
        if not out.exists():
            continue
        wb = CalamineWorkbook.from_path(str(out))
        try:
            got = {name: wb.get_sheet_by_name(name).to_python() for name in wb.sheet_names}
            names = list(wb.sheet_names)
        finally:
            wb.close()
        if names != [name for name, _ in cells]:
            problems.append(f"{out.name}: sheets {names} != input {[name for name, _ in cells]}")
            continue
        for name, rows in cells:
            back = [[_plain(v) for v in row] for row in got[name]]
            want = [_rustpy_keys(rows), *rows] if rows else []
            if len(back) != len(want):
                problems.append(f"{out.name} [{name}]: {len(back):,} rows, input + header {len(want):,}")
                continue
            width = max(map(len, back), default=0)
            if width != len(want[0] if want else []):
                problems.append(f"{out.name} [{name}]: {width} columns, input {len(want[0]) if want else 0}")
                continue
            bad = next((i for i, (b, w) in enumerate(zip(back, want, strict=True)) if trimmed(b) != trimmed(w)), None)
            if bad is not None:
                problems.append(f"{out.name} [{name}] row {bad + 1}: {back[bad][:6]}... != {want[bad][:6]}...")
        rows_n = sum(len(rows) for _, rows in cells)
        cols = sum(len(rows[0]) for _, rows in cells if rows)
        checked[what] = f"{len(cells)} sheets, {rows_n:,} rows, {cols} columns"
    return {"checked": checked, "problems": problems}


# --- ours -------------------------------------------------------------------------------------------------


def _ours(path: Path) -> Result:
    from batch.errors import FileRefused
    from batch.exporters.result import write_result
    from batch.importers.validation import validate_products
    from batch.models import RowResult

    outdir = path.parent / f"result_{path.stem}"
    shutil.rmtree(outdir, ignore_errors=True)
    start = time.perf_counter()
    try:
        v = validate_products(path)
    except FileRefused as e:  # shown in the table, and a missed target, instead of a crash
        return {"seconds": time.perf_counter() - start, "refused": e.code}
    validate_s = time.perf_counter() - start
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
    import batch.errors
    import batch.exporters.result
    import batch.importers.validation  # noqa: F401


# --- child side -------------------------------------------------------------------------------------------


def _reader(fn: Callable[[Path], int]) -> Callable[[Path], Result]:
    def measure(path: Path) -> Result:
        seconds, rows = _timed(fn, path)
        return {"seconds": seconds, "rows": rows}

    return measure


def _writer(what: str, fn: Callable[[Cells, Path], None]) -> Callable[[Path], Result]:
    def measure(path: Path) -> Result:
        cells = _load_cells(path)  # not timed, but held: part of the peak
        seconds, _ = _timed(fn, cells, _bare_output(what, path))
        return {"seconds": seconds}

    return measure


def _measure_floor(path: Path) -> Result:
    import python_calamine  # noqa: F401
    import rustpy_xlsxwriter  # noqa: F401

    return _floor(path)


def _measure_ours(path: Path) -> Result:
    _ours_imports()
    return _ours(path)


# name -> (label, modules that must be importable, measurement); missing libraries are left out of the table
READS = {
    "calamine": ("python-calamine, all rows", ("python_calamine",), _reader(_read_calamine)),
    "fastexcel": ("fastexcel -> pandas str", ("fastexcel", "polars"), _reader(_read_fastexcel)),
}
WRITES = {
    "xlsxwriter": ("XlsxWriter constant_memory", ("xlsxwriter",), _writer("xlsxwriter", _write_xlsxwriter)),
    "pyexcelerate": ("pyexcelerate", ("pyexcelerate",), _writer("pyexcelerate", _write_pyexcelerate)),
    "rustpy": ("rustpy-xlsxwriter", ("rustpy_xlsxwriter",), _writer("rustpy", _write_rustpy)),
}
FLOOR_MODULES = ("python_calamine", "rustpy_xlsxwriter")
MEASURES: dict[str, Callable[[Path], Result]] = {
    **{k: m for k, (_, _, m) in (READS | WRITES).items()},
    "floor": _measure_floor,
    "ours": _measure_ours,
    "check": _check_rustpy,
    "profile": _profile,
}


def child(what: str, path: Path) -> None:
    result = MEASURES[what](path)
    result["peak_mb"] = _peak_mb()
    print(json.dumps(result, ensure_ascii=False))


# --- inputs (their own subprocess) ------------------------------------------------------------------------


def _bad_rows(rows: dict[str, list[dict[str, str | None]]]) -> None:
    from batch.importers import products as P

    for i, row in enumerate(rows[P.MAIN], start=1):
        if i % BAD_NAME_EVERY == 0:
            row["name"] = f"{row['name']} 무료배송"
        if i % BAD_PRICE_EVERY == 0:
            row["price"] = "3만원"


def ensure_input(n: int, out: Path) -> Path:
    """The product workbook of ``n`` rows; reused when already there for this template version.

    Runs only in the ``--build`` subprocess (see ``build_input``): never in the parent or a measured process.
    """
    from batch.exporters.template import write_template
    from batch.importers import products as P
    from batch.jobs.samples import product_rows

    path = out / f"products_{n}_v{P.VERSION}.xlsx"
    if path.exists():
        return path

    rows = product_rows(n)
    _bad_rows(rows)
    return write_template(P.SPEC, path, rows)


def build_input(n: int, out: Path) -> Path:
    """``ensure_input`` in a fresh subprocess, so that the parent stays small and its peak reaches no child."""
    cmd = [sys.executable, __file__, "--build", str(n), str(out)]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=_env(), check=False)
    if proc.returncode:
        raise SystemExit(f"--build {n} failed:\n{proc.stderr}")
    return Path(proc.stdout.strip().splitlines()[-1])


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


def _available(table: Mapping[str, tuple[str, tuple[str, ...], Any]]) -> dict[str, str]:
    return {k: label for k, (label, modules, _) in table.items() if all(map(importlib.util.find_spec, modules))}


def _floor_available() -> bool:
    return all(map(importlib.util.find_spec, FLOOR_MODULES))


def bench_size(n: int, out: Path, names: Sequence[str]) -> dict[str, Result]:
    path = build_input(n, out)
    runs = SMALL_RUNS if n <= SMALL else 1
    results = {what: measure(what, path, runs) for what in names}
    results["input"] = {"mb": path.stat().st_size / 2**20}
    if "rustpy" in names or "floor" in names:
        check = _run_child("check", path)
        if check["problems"]:
            raise SystemExit(
                f"rustpy-xlsxwriter output lost cells of {path.name}:\n  " + "\n  ".join(check["problems"])
            )
        results["check"] = check
        print(f"  {n:,}: rustpy outputs read back complete: {check['checked']}", file=sys.stderr)
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


# --- targets ----------------------------------------------------------------------------------------------


def _refused(res: dict[str, Result]) -> str | None:
    return res["ours"].get("refused")


def _floor_ratio(res: dict[str, Result]) -> float | None:
    if "floor" not in res or _refused(res):
        return None
    return float(res["ours"]["seconds"] / res["floor"]["seconds"])


def _growth(by_size: BySize) -> float | None:
    if BASE_N not in by_size or _refused(by_size[BASE_N]) or _refused(by_size[BIG_N]):
        return None
    return float(by_size[BIG_N]["ours"]["seconds"] / by_size[BASE_N]["ours"]["seconds"])


# A verdict: True ok, False missed, or a text that starts with MISS (missed) or n/a (cannot be judged here).
Verdict = bool | str


def _ratio_at_base(b: BySize) -> Verdict:
    res = b[BASE_N]
    if _refused(res):
        return f"MISS (refused: {_refused(res)})"
    ratio = _floor_ratio(res)
    return "n/a (no floor)" if ratio is None else ratio <= RATIO_TARGET


def _peak_at(n: int, limit: float) -> Callable[[BySize], Verdict]:
    def verdict(b: BySize) -> Verdict:
        if _refused(b[n]):
            return f"MISS (refused: {_refused(b[n])})"
        return bool(b[n]["ours"]["peak_mb"] < limit)

    return verdict


def _accepted_big(b: BySize) -> Verdict:
    return f"MISS (refused: {_refused(b[BIG_N])})" if _refused(b[BIG_N]) else True


def _growth_big(b: BySize) -> Verdict:
    if _refused(b[BIG_N]):
        return f"MISS (refused: {_refused(b[BIG_N])})"
    if BASE_N not in b:
        return f"n/a (no {BASE_N:,} run)"
    growth = _growth(b)
    return f"n/a ({BASE_N:,} refused)" if growth is None else growth <= GROWTH_TARGET


# (label, the size it applies to, verdict)
TARGETS: list[tuple[str, int, Callable[[BySize], Verdict]]] = [
    (f"target: ours <= {RATIO_TARGET}x floor", BASE_N, _ratio_at_base),
    (f"target: ours peak < {BASE_PEAK_MB:.0f} MiB", BASE_N, _peak_at(BASE_N, BASE_PEAK_MB)),
    (f"target: {BIG_N:,} accepted", BIG_N, _accepted_big),
    (f"target: ours <= {GROWTH_TARGET:g}x ours({BASE_N:,})", BIG_N, _growth_big),
    ("target: ours peak < 1 GiB", BIG_N, _peak_at(BIG_N, BIG_PEAK_MB)),
]


def _verdict_text(v: Verdict) -> str:
    return v if isinstance(v, str) else _check(v)


def verdicts(by_size: BySize) -> list[tuple[str, int, str]]:
    return [(label, n, _verdict_text(fn(by_size))) for label, n, fn in TARGETS if n in by_size]


def missed(by_size: BySize) -> list[str]:
    return [f"{label} at {n:,}: {text}" for label, n, text in verdicts(by_size) if text.startswith("MISS")]


# --- table ------------------------------------------------------------------------------------------------


def _fastest(res: dict[str, Result], labels: dict[str, str]) -> tuple[float, str]:
    return min((res[k]["seconds"], k) for k in labels)


def _check(ok: bool) -> str:
    return "OK" if ok else "MISS"


def _run(m: Result) -> str:
    return f"{m['seconds']:.2f} s / {m['peak_mb']:.0f} MB"


def _ours_part(key: str) -> Callable[[dict[str, Result]], str]:
    return lambda res: f"refused: {_refused(res)}" if _refused(res) else f"{res['ours'][key]:.2f} s"


def _ours_rows(res: dict[str, Result]) -> str:
    if _refused(res):
        return f"refused: {_refused(res)}"
    o = res["ours"]
    return f"{o['errors']:,} / {o['rows']:,}" + (" +reupload" if o["reupload"] else " (no reupload)")


def _ratio_text(res: dict[str, Result]) -> str:
    r = _floor_ratio(res)
    return f"refused: {_refused(res)}" if _refused(res) else "" if r is None else f"{r:.2f}x"


RowFn = Callable[[dict[str, Result]], str]


def table_rows(reads: dict[str, str], writes: dict[str, str], floor: bool) -> list[tuple[str, RowFn]]:
    def fastest(labels: dict[str, str]) -> RowFn:
        return lambda res: "{:.2f} s ({})".format(*_fastest(res, labels))

    floor_rows: list[tuple[str, RowFn]] = [
        ("floor: calamine read + rustpy write", lambda res: _run(res["floor"])),
        (
            "floor: read / write part",
            lambda res: f"{res['floor']['read']:.2f} s / {res['floor']['write']:.2f} s",
        ),
        ("rustpy outputs read back", lambda res: "all cells" if "check" in res else ""),
    ]
    return [
        ("input workbook", lambda res: f"{res['input']['mb']:.1f} MB, {res['calamine']['rows']:,} rows"),
        *((f"read: {label}", lambda res, k=k: _run(res[k])) for k, label in reads.items()),
        ("fastest read", fastest(reads)),
        *((f"write: {label}", lambda res, k=k: _run(res[k])) for k, label in writes.items()),
        ("fastest write", fastest(writes)),
        *(floor_rows if floor else []),
        ("ours: validate_products", _ours_part("validate")),
        ("ours: write_result", _ours_part("write")),
        ("ours: total / peak RSS", lambda res: _run(res["ours"])),
        ("ours: error rows / rows", _ours_rows),
        *([("ratio ours / floor", _ratio_text)] if floor else []),
    ]


def render(rows: list[list[str]], *, markdown: bool = False) -> str:
    return render_table(rows, markdown=markdown)


def size_table(
    sizes: list[int], by_size: BySize, reads: dict[str, str], writes: dict[str, str], floor: bool
) -> list[list[str]]:
    header = ["products", *(f"{n:,}" for n in sizes)]
    rows = [[label, *(fn(by_size[n]) for n in sizes)] for label, fn in table_rows(reads, writes, floor)]
    targets = [[label, *(text if m == n else "" for m in sizes)] for label, n, text in verdicts(by_size)]
    return [header, *rows, *targets]


def cli_table(times: dict[str, float]) -> list[list[str]]:
    rows = [[label, f"{s:.3f} s", _check(s < CLI_TARGET_S) if "batch" in label else ""] for label, s in times.items()]
    return [["command (wall, median of 5)", "time", f"< {CLI_TARGET_S} s"], *rows]


def footnotes(sizes: list[int]) -> list[str]:
    single = [f"{n:,}" for n in sizes if n > SMALL]
    notes = [
        f"Each cell: median of {SMALL_RUNS} runs for sizes <= {SMALL:,}"
        + (f", a single run for {', '.join(single)}" if single else "")
        + "; every run is a fresh subprocess.",
        "Peak = VmHWM of that one subprocess (interpreter, imports and, for bare writes, the cells held in memory);"
        " not ru_maxrss, which carries the parent's peak across fork + exec. Inputs are built beforehand in their"
        " own subprocess, so no measured process (nor the parent) holds the builder's memory.",
        "Imports are outside the timed sections (the CLI table shows import cost).",
        "read rows: open the file and iterate every row of every sheet. write rows: every sheet's cells (str / int /"
        " float, '' as empty) pre-loaded with python-calamine untimed, then written in one pass, no styling.",
        "rustpy-xlsxwriter takes dicts: one per row with every column of its sheet (rows padded to the sheet's"
        " width, built eagerly, timed); the keys add one header row per sheet. Both rustpy outputs are read back"
        " with python-calamine and checked to hold every sheet, row and column of the input.",
        "floor = ONE subprocess: python-calamine reads every cell of every sheet (_plain: whole floats as int,"
        " '' as empty) + rustpy-xlsxwriter writes all of them; read and write are both timed. Denominator of"
        " 'ratio ours / floor'.",
        "ours = validate_products(path) + write_result(v, outdir): every check of every row, then the styled result"
        " workbook with notes and the 재업로드용 re-upload workbook. A FileRefused shows as 'refused: <code>'.",
        f"Targets: at {BASE_N:,} ours <= {RATIO_TARGET}x floor and ours peak < {BASE_PEAK_MB:.0f} MiB; at {BIG_N:,}"
        f" accepted, ours <= {GROWTH_TARGET:g}x ours({BASE_N:,}) and peak < 1 GiB. Exit status 1 on a MISS.",
        f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPUs, {platform.machine()}.",
    ]
    if not importlib.util.find_spec("pyarrow"):
        notes.insert(4, "fastexcel -> pandas goes through polars (pyarrow is not installed).")
    return notes


def report(sizes: list[int], by_size: BySize, times: dict[str, float], out: Path) -> None:
    reads, writes = _available(READS), _available(WRITES)
    tables = [size_table(sizes, by_size, reads, writes, _floor_available()), cli_table(times)]
    notes = footnotes(sizes)
    print("\n\n".join(render(t) for t in tables))
    print("\n".join(f"  * {n}" for n in notes))
    md = "\n\n".join(
        ["# validate bench", *(render(t, markdown=True) for t in tables), "\n".join(f"- {n}" for n in notes)]
    )
    (out / "validate_bench.md").write_text(md + "\n", encoding="utf-8")
    print(f"\nwritten: {out / 'validate_bench.md'}")


def profile(n: int, out: Path) -> None:
    text = _run_child("profile", build_input(n, out))["profile"]
    path = out / f"profile_{n}.txt"
    path.write_text(text, encoding="utf-8")
    print(f"\ncProfile of ours at {n:,} products (top {PROFILE_TOP} cumulative in batch/), also in {path}:\n{text}")


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,10000,50000,100000", help="comma-separated product counts")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out", help="inputs, outputs and the Markdown")
    ap.add_argument("--profile", action="store_true", help="also cProfile ours once at the largest size")
    ap.add_argument("--measure", nargs=2, metavar=("WHAT", "PATH"), help=argparse.SUPPRESS)
    ap.add_argument("--build", nargs=2, metavar=("N", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.measure:
        child(args.measure[0], Path(args.measure[1]))
        return 0
    if args.build:
        print(ensure_input(int(args.build[0]), Path(args.build[1])))
        return 0
    sizes = sorted(int(s.replace("_", "")) for s in args.sizes.split(","))
    args.out.mkdir(parents=True, exist_ok=True)
    names = [*_available(READS), *_available(WRITES), *(["floor"] if _floor_available() else []), "ours"]
    times = cli_times()
    by_size = {n: bench_size(n, args.out, names) for n in sizes}
    report(sizes, by_size, times, args.out)
    if args.profile:
        profile(sizes[-1], args.out)
    misses = missed(by_size)
    for line in misses:
        print(f"MISS: {line}", file=sys.stderr)
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main())
