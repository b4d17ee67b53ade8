"""Bench: a stock workbook planned and written, against the fastest bare Excel read and write of the same file.

    python bench/stock_bench.py [--sizes 10000] [--changed 50] [--out bench/out]

The ledger holds ``size`` items, each listed on three marketplaces whose last read-back showed their stock (so a
plan sends only what changed); the workbook lists every item, ``changed`` of them with a new number. ``ours`` is
``run_stock(dry_run=True)``: read, check, plan every listing, log in once per account (the in-process sandbox), and
write the plan workbook. Every measurement runs in a fresh subprocess; floors come from ``validate_bench.py``'s
bare readers and writers on the same file.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from common import child_env, render
from validate_bench import READS, WRITES, _available
from validate_bench import measure as bare

ROOT = Path(__file__).resolve().parents[1]
MARKETS = ("tmon", "coupang", "naver")
RATIO_TARGET = 1.5
RUNS = 3


def build(n: int, changed: int, out: Path) -> Path:
    """A workspace (``out/stock_<n>``) whose ledger knows ``n`` items on three marketplaces, and its workbook."""
    from batch.exporters.template import write_template
    from batch.importers import stock as S
    from batch.jobs.init import init_workspace
    from batch.ledger import Ledger
    from batch.stockbook import StockBook

    root = out / f"stock_{n}"
    shutil.rmtree(root, ignore_errors=True)
    init_workspace(root, markets=MARKETS)
    ledger = Ledger(root / "state" / "ledger.sqlite")
    try:
        book = StockBook(ledger)
        with ledger.db:
            ledger.db.execute("BEGIN")
            for i in range(n):
                code = f"S{i:06d}"
                for m in MARKETS:
                    ledger.db.execute(
                        "INSERT INTO links VALUES (?, 'main', ?, ?, ?, 'h', 'ok', '', '')",
                        (m, code, f"{m}-{i}", json.dumps({f"{code}-001": f"{m}-{i}-1"})),
                    )
        for start in range(0, n, 1000):
            for i in range(start, min(n, start + 1000)):
                code = f"S{i:06d}"
                book.define(code, f"상품 {i}", [("", f"{code}-001", 10, True)], "bench")
            with ledger.db:
                ledger.db.execute("BEGIN")
                ledger.db.executemany(
                    "INSERT INTO listing_stock VALUES (?, 'main', ?, ?, 10, '', 10, '')",
                    [(m, f"S{i:06d}", f"S{i:06d}-001") for i in range(start, min(n, start + 1000)) for m in MARKETS],
                )
                ledger.db.executemany(
                    "INSERT INTO listing_sale VALUES (?, 'main', ?, 1, '', 1, '', 0)",
                    [(m, f"S{i:06d}") for i in range(start, min(n, start + 1000)) for m in MARKETS],
                )
    finally:
        ledger.close()
    every = max(n // changed, 1)
    rows = [
        {"code": f"S{i:06d}", "option": "", "stock": "3" if i % every == 0 and i // every < changed else "10"}
        for i in range(n)
    ]
    return write_template(S.SPEC, root / f"재고_{n}.xlsx", {S.MAIN: rows}, examples=False)


def ours(path: Path) -> dict[str, Any]:
    import batch.jobs.stock as job
    from batch.config import load_workspace
    from batch.jobs.connections import in_process_sandbox

    in_process_sandbox()  # imports and the sandbox's start are outside the timed section, as for the bare libraries

    ws = load_workspace(path.parent)
    start = time.perf_counter()
    run = job.run_stock(path, ws, dry_run=True)
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "planned": len(run.stock_pass.works),
        "rows": len(run.rows),
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def run_ours(path: Path) -> dict[str, Any]:
    results = []
    for _ in range(RUNS):
        for old in path.parent.glob("outbox/*"):
            old.unlink()
        cmd = [sys.executable, __file__, "--measure", str(path)]
        proc = subprocess.run(cmd, capture_output=True, text=True, env=child_env(), check=False)
        if proc.returncode:
            raise SystemExit(f"ours failed:\n{proc.stderr}")
        results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    results.sort(key=lambda r: r["seconds"])
    return dict(results[len(results) // 2])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10000")
    ap.add_argument("--changed", type=int, default=50)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    ap.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.measure:
        print(json.dumps(ours(args.measure)))
        return
    args.out.mkdir(parents=True, exist_ok=True)
    reads, writes = _available(READS), _available(WRITES)
    header = ["stock workbook", *(f"{int(n):,} items" for n in args.sizes.split(","))]
    table: dict[str, list[str]] = {}
    for n in (int(s) for s in args.sizes.split(",")):
        path = build(n, args.changed, args.out)
        floor_read = min((bare(k, path, RUNS)["seconds"], k) for k in reads)
        floor_write = min((bare(k, path, RUNS)["seconds"], k) for k in writes)
        mine = run_ours(path)
        ratio = mine["seconds"] / (floor_read[0] + floor_write[0])
        cells = {
            "fastest read": f"{floor_read[0]:.2f} s ({floor_read[1]})",
            "fastest write": f"{floor_write[0]:.2f} s ({floor_write[1]})",
            "ours: read, check, plan, write": f"{mine['seconds']:.2f} s / {mine['peak_mb']:.0f} MB",
            "listings planned (changed x 3 markets)": f"{mine['planned']:,}",
            "ratio ours / (read + write)": f"{ratio:.2f}x",
            f"target <= {RATIO_TARGET}x": "OK" if ratio <= RATIO_TARGET else "MISS",
        }
        for k, v in cells.items():
            table.setdefault(k, []).append(v)
    rows = [header, *([k, *v] for k, v in table.items())]
    print(render(rows))
    print(f"  * median of {RUNS} fresh processes each; {args.changed} items changed; 3 marketplaces per item.")
    (args.out / "stock_bench.md").write_text("# stock bench\n\n" + render(rows, markdown=True) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
