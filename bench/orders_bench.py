"""Bench: ``collect(ws, "orders")`` of 10,000 sandbox orders over real HTTP — paged collection, ledger, export.

    python bench/orders_bench.py [--orders 10000] [--confirmed 0.5] [--runs 3] [--out bench/out]

Three kinds of process, so that each one's CPU and memory are its own:

* the sandbox (``--serve``): ``batch.sandbox.server.build_server`` on 127.0.0.1 (uvicorn), its app created with a
  clock one hour behind, so every seeded order (stamped up to two days back on the app's clock) is older than the
  end of TMON's collection window (31 minutes before now, KST); it runs for the whole bench;
* the client (``--client JSON``), one fresh process per run: ``init_workspace(ws, sandbox_url=URL)`` with the case's
  ``rate_limit``, then ``batch.jobs.collect.collect(ws, "orders")`` with its phases wrapped in timers (the adapter's
  ``collect_orders`` — HTTP, JSON, decryption, and the decryption alone —, ``Ledger.store_orders``, ``order_rows``,
  ``write_template``); it prints one JSON line with the times, CPU and peak RSS (``ru_maxrss``);
* the launcher (this, without ``--serve`` / ``--client``): never imports ``batch``; it seeds the orders through the
  control API (``POST /__sandbox__/seed``), confirms a share of them through the TMON API (``PUT …/confirm``, so
  they are listed by the paged ``GET /orders/search`` — 50 a page — while the rest come from ``GET /orders``), runs
  the clients, and reads the request counts from ``GET /__sandbox__/state?market=tmon``.

Cases: ``default`` (the account's ``rate_limit = 10`` from ``init_workspace``) and ``unpaced`` (``rate_limit = 0``).
Each case runs ``--runs`` times in fresh processes against the same sandbox (collecting reads, never writes, the
sandbox); the run with the median total is reported. The table goes to stdout and, as Markdown, to
``<out>/orders_bench.md``.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from common import ROOT, SandboxProcess, bench_workspace, control, run_child, serve_app
from common import render as render_table

MARKET = "tmon"
CLIENT_ID, SECRET, PARTNER_TOKEN = "tmon-main", "sandbox-secret", "sandbox-partner-token"  # the sandbox's account
CLIENT_TIMEOUT_S = 600
CASES = (("default", 10), ("unpaced", 0))  # (name, the account's rate_limit)
Result = dict[str, Any]


# --- the sandbox child --------------------------------------------------------------------------------


def serve_child() -> None:
    """Serve a sandbox whose clock is an hour behind on 127.0.0.1, a free port; print ``{"port": N}``."""
    from batch.sandbox.app import create_app

    serve_app(create_app(clock=lambda: time.time() - 3600, seed=1))


# --- the client child ---------------------------------------------------------------------------------


def _rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def client_child(cfg: Result) -> Result:
    """Make the run's workspace, then time one ``collect(ws, "orders")`` phase by phase."""
    from batch import ledger as L
    from batch.jobs import collect as C
    from batch.marketplaces import tmon as T

    ws = bench_workspace(Path(cfg["ws"]), cfg["url"], "tmon", rate_limit=cfg["rate_limit"])

    spent: dict[str, float] = {"fetch": 0.0, "decrypt": 0.0, "store": 0.0, "read": 0.0, "write": 0.0}
    fetch_cpu = [0.0]  # the client's own CPU inside collect_orders; the rest of its wall time is waiting
    calls = {"decrypt": 0}

    def cpu() -> float:
        t = os.times()
        return t.user + t.system

    def timed(owner: Any, name: str, key: str) -> None:
        original = getattr(owner, name)
        if asyncio.iscoroutinefunction(original):

            async def wrapper(*args: Any, **kwargs: Any) -> Any:
                t0, c0 = time.perf_counter(), cpu()
                try:
                    return await original(*args, **kwargs)
                finally:
                    spent[key] += time.perf_counter() - t0
                    fetch_cpu[0] += cpu() - c0

        else:

            def wrapper(*args: Any, **kwargs: Any) -> Any:  # type: ignore[misc]
                t0 = time.perf_counter()
                try:
                    return original(*args, **kwargs)
                finally:
                    spent[key] += time.perf_counter() - t0
                    calls[key] = calls.get(key, 0) + 1

        setattr(owner, name, wrapper)

    timed(T.TmonOrders, "collect_orders", "fetch")  # HTTP + JSON + decryption + OrderLine
    timed(T, "decrypt", "decrypt")  # the adapter's module global, looked up on every call
    timed(L.Ledger, "store_orders", "store")
    timed(C, "order_rows", "read")
    timed(C, "write_template", "write")

    rss_before = _rss_mb()
    cpu0 = os.times()
    t0 = time.perf_counter()
    result = C.collect(ws, "orders")
    total = time.perf_counter() - t0
    cpu1 = os.times()
    account = result.accounts[0]
    return {
        "ok": account.ok,
        "message": account.message,
        "rows": result.rows,
        "export_bytes": result.export.stat().st_size if result.export else 0,
        "total": total,
        **spent,
        "decrypt_calls": calls["decrypt"],
        "fetch_cpu": fetch_cpu[0],
        "cpu": (cpu1.user - cpu0.user) + (cpu1.system - cpu0.system),
        "rss_before_mb": rss_before,
        "rss_peak_mb": _rss_mb(),
    }


# --- the launcher -------------------------------------------------------------------------------------


class Sandbox(SandboxProcess):
    """The sandbox child process, started and stopped by the launcher."""

    def __init__(self) -> None:
        super().__init__(__file__)


async def confirm(base: str, orders: list[Result], concurrency: int = 16) -> int:
    """``PUT /api/{vendor}/orders/{no}/confirm`` for every deal of ``orders`` (D1 → D2), as a seller tool would."""
    import httpx

    basic = base64.b64encode(f"{CLIENT_ID}:{SECRET}".encode()).decode()
    async with httpx.AsyncClient(base_url=base, timeout=60, trust_env=False) as client:
        answer = await client.post(
            "/oauth/token",
            headers={"Authorization": f"Basic {basic}"},
            files={"grant_type": (None, "client_credentials")},
        )
        answer.raise_for_status()
        token = answer.json()
        headers = {
            "Authorization": f"Bearer {token['access_token']}",
            "X-Partner-Id": "bench",
            "X-Partner-Token": PARTNER_TOKEN,
        }
        sem = asyncio.Semaphore(concurrency)

        async def one(order: Result, deal: Result) -> None:
            body = {
                "tmonDealNo": deal["tmonDealNo"],
                "tmonDealOptions": [
                    {"tmonDealOptionNo": o["tmonDealOptionNo"], "qty": o["qty"]} for o in deal["dealOptions"]
                ],
            }
            async with sem:
                done = await client.put(
                    f"/api/{token['vendorId']}/orders/{order['tmonOrderNo']}/confirm", headers=headers, json=body
                )
            if done.status_code != 200:
                raise SystemExit(f"confirm failed ({done.status_code}): {done.text[:300]}")

        jobs = [one(o, d) for o in orders for d in o["deals"]]
        await asyncio.gather(*jobs)
        return len(jobs)


def run_client(sandbox: Sandbox, tmp: Path, name: str, rate_limit: float, i: int) -> Result:
    before = control(sandbox.url, f"/__sandbox__/state?market={MARKET}")["requests"]
    cpu0 = sandbox.cpu()
    cfg = {"ws": str(tmp / f"ws_{name}_{i}"), "url": sandbox.url, "rate_limit": rate_limit}
    result, wall = run_child(__file__, cfg, timeout=CLIENT_TIMEOUT_S, what=f"{name} #{i}")
    cpu1 = sandbox.cpu()
    after = control(sandbox.url, f"/__sandbox__/state?market={MARKET}")["requests"]
    delta = {k: v - before.get(k, 0) for k, v in after.items() if v != before.get(k, 0)}
    sandbox_cpu = cpu1 - cpu0 if cpu0 is not None and cpu1 is not None else None
    return {**result, "wall": wall, "requests": delta, "sandbox_cpu": sandbox_cpu}


# --- the table ----------------------------------------------------------------------------------------


def _s(x: float) -> str:
    return f"{x:.2f}"


def table(results: list[tuple[str, float, Result]]) -> list[list[str]]:
    """Metric rows × case columns; the first row is the header."""
    rows = [["", *(f"{name} (rate_limit {limit:g})" for name, limit, _ in results)]]

    def add(label: str, f: Any) -> None:
        rows.append([label, *(f(r) for _, _, r in results)])

    add("order lines exported", lambda r: f"{r['rows']:,}")
    add("requests (token / GET /orders / pages of /orders/search)", _requests)
    add("collect() total, s", lambda r: _s(r["total"]))
    add("  collection: fetch (HTTP + JSON + decrypt), s", lambda r: _s(r["fetch"]))
    add("    of which decryption, s", lambda r: f"{_s(r['decrypt'])} ({r['decrypt_calls']:,} fields)")
    add("    of which client CPU (JSON, decrypt, lines), s", lambda r: _s(r["fetch_cpu"]))
    add("    of which waiting (sandbox, pacing), s", lambda r: _s(r["fetch"] - r["fetch_cpu"]))
    add("  collection: ledger store, s", lambda r: _s(r["store"]))
    add("  collection subtotal, s", lambda r: _s(r["fetch"] + r["store"]))
    add("  export: ledger read (order_rows), s", lambda r: _s(r["read"]))
    add("  export: workbook write (xlsxwriter), s", lambda r: _s(r["write"]))
    add("  export subtotal, s", lambda r: _s(r["read"] + r["write"]))
    add("  other (summary, setup), s", lambda r: _s(r["total"] - r["fetch"] - r["store"] - r["read"] - r["write"]))
    add("client CPU during collect(), s", lambda r: _s(r["cpu"]))
    add("sandbox CPU during the run, s", lambda r: _s(r["sandbox_cpu"]) if r["sandbox_cpu"] is not None else "n/a")
    add("child process wall (imports included), s", lambda r: _s(r["wall"]))
    add("RSS before collect(), MB", lambda r: f"{r['rss_before_mb']:.0f}")
    add("peak RSS, MB", lambda r: f"{r['rss_peak_mb']:.0f}")
    add("export file, MB", lambda r: f"{r['export_bytes'] / 1e6:.2f}")
    return rows


def _requests(r: Result) -> str:
    q = r["requests"]
    parts = (
        q.get("POST /oauth/token", 0),
        q.get("GET /api/{vendorId}/orders", 0),
        q.get("GET /api/{vendorId}/orders/search", 0),
    )
    return f"{sum(q.values())} ({' / '.join(map(str, parts))})"


def render(rows: list[list[str]], *, markdown: bool = False) -> str:
    return render_table(rows, markdown=markdown, text_columns=1)


def launcher(args: argparse.Namespace) -> None:
    sandbox = Sandbox()
    try:
        t0 = time.perf_counter()
        seeded = control(sandbox.url, "/__sandbox__/seed", {"market": MARKET, "orders": args.orders, "seed": 7})
        seed_s = time.perf_counter() - t0
        state = control(sandbox.url, f"/__sandbox__/state?market={MARKET}")
        orders = state["orders"]
        assert len(orders) == len(seeded["orders"]) == args.orders
        lines = sum(len(d["dealOptions"]) for o in orders for d in o["deals"])
        chosen = orders[: round(args.confirmed * len(orders))]
        t0 = time.perf_counter()
        confirms = asyncio.run(confirm(sandbox.url, chosen)) if chosen else 0
        confirm_s = time.perf_counter() - t0
        print(
            f"seeded {args.orders:,} orders ({lines:,} lines) in {seed_s:.1f} s; "
            f"confirmed {len(chosen):,} of them ({confirms:,} deals) in {confirm_s:.1f} s",
            file=sys.stderr,
        )
        picked: list[tuple[str, float, Result]] = []
        runs: dict[str, list[float]] = {}
        with tempfile.TemporaryDirectory(prefix="orders_bench_") as tmp:
            for name, limit in CASES:
                done = []
                for i in range(args.runs):
                    r = run_client(sandbox, Path(tmp), name, limit, i)
                    if not r["ok"] or r["rows"] != lines:
                        raise SystemExit(f"{name} #{i}: {r['message']}; {r['rows']} rows, expected {lines}")
                    print(f"  {name} #{i}: {r['total']:.2f} s", file=sys.stderr)
                    done.append(r)
                done.sort(key=lambda r: r["total"])
                picked.append((name, limit, done[len(done) // 2]))
                runs[name] = [r["total"] for r in done]
    finally:
        sandbox.stop()

    rows = table(picked)
    print(render(rows))
    spread = "; ".join(
        f"{name}: {', '.join(_s(t) for t in totals)} s (median {_s(statistics.median(totals))})"
        for name, totals in runs.items()
    )
    print(f"\ncollect() totals of every run — {spread}")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    cpu = os.cpu_count()
    text = "\n".join(
        [
            '# Orders bench: `collect(ws, "orders")` against the sandbox over HTTP',
            "",
            f"{args.orders:,} seeded TMON orders ({lines:,} order lines); {len(chosen):,} of them confirmed first"
            f" ({confirms:,} deals), so they come from the paged `GET /orders/search` (50 a page) and the rest"
            " from `GET /orders` (one array). The sandbox runs in its own process (uvicorn, 127.0.0.1, clock one hour"
            " behind so every order is inside the collection window); each run is a fresh client process with a"
            " fresh workspace (empty ledger), so it is a first collection: every line is decrypted, inserted and"
            " written. The median of "
            f"{args.runs} run(s) per case is shown.",
            "",
            "Collection = the adapter's `collect_orders` (HTTP, JSON, AES decryption of the personal-data fields, order"
            " lines) + `Ledger.store_orders` (SQLite, one transaction). Export = `order_rows` (ledger read) +"
            " `write_template` (xlsxwriter, the 송장대량등록 sheet, 요약, guide, hidden sheets).",
            "",
            render(rows, markdown=True),
            "",
            f"collect() totals of every run: {spread}.",
            "",
            f"Machine: {platform.platform()}, {cpu} CPU(s), Python {platform.python_version()}.",
            f"Generated by `python bench/orders_bench.py --orders {args.orders} --confirmed {args.confirmed:g}"
            f" --runs {args.runs}`.",
            "",
        ]
    )
    (out / "orders_bench.md").write_text(text, encoding="utf-8")
    print(f"wrote {out / 'orders_bench.md'}", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--confirmed", type=float, default=0.5, help="share of orders confirmed (D2) before collecting")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", default=str(ROOT / "bench" / "out"))
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--client", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve_child()
    elif args.client:
        print(json.dumps(client_child(json.loads(args.client))))
    else:
        launcher(args)


if __name__ == "__main__":
    main()
