"""Bench: pushing products to the sandbox marketplace over real HTTP, paced and unpaced.

    python bench/push_bench.py [--products 2000] [--unpaced-products 1000] [--out bench/out]

Three kinds of process, so that each one's CPU is its own:

* the sandbox (``--serve``): ``batch.sandbox.server.build_server`` on 127.0.0.1 (uvicorn), its app wrapped in a
  recorder that notes every market request (arrival time, method, kind, HTTP status) and answers
  ``/__bench__/log`` and ``/__bench__/clear``; it runs for the whole bench;
* the client (``--client JSON``), one fresh process per case: ``init_workspace(ws, sandbox_url=URL)`` with the
  case's ``rate_limit`` and ``concurrency``, then ``batch.jobs.products.run_products`` with ``push`` wrapped to time the
  push phase (wall and ``os.times()``); it prints one JSON line;
* the launcher (this, without ``--serve`` / ``--client``): never imports ``batch``; it sets the sandbox's plan
  through the control API (``POST /__sandbox__/reset``, ``POST /__sandbox__/faults``), runs the clients, and
  reads ``/__bench__/log`` and ``GET /__sandbox__/state?market=tmon``.

Cases: paced (sandbox latency 50 ms, rate limit 20 req/s per account; account rate_limit 20, concurrency 8)
and unpaced (latency 50 ms, no limit; account rate_limit 0, concurrency 1 / 8 / 32). The table goes to stdout
and, as Markdown, to ``<out>/push_bench.md``; the exit status is 1 when a paced target is missed.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from common import (
    ROOT,
    BenchLog,
    SandboxProcess,
    bench_workspace,
    child_env,
    client_port,
    control,
    max_in_window,
    publish,
    run_child,
    serve_app,
)

MARKET = "tmon"
ACCOUNT = "main"
LATENCY_MS = 50
LIMIT = 20  # the sandbox's requests per second per account in the paced case
PACED_CONCURRENCY = 8
UNPACED_CONCURRENCY = (1, 8, 32)
RATE_TARGET = 0.95  # of LIMIT
DEAL_PATH = re.compile(r"^/api/[^/]+/deals$")
DEAL_KEY = "POST /api/{vendorId}/deals"  # the sandbox's request-count key
Result = dict[str, Any]


# --- the sandbox child --------------------------------------------------------------------------------


class Recorder(BenchLog):
    """Logs every market request as ``[arrival, done, method, kind, status, client port]`` (monotonic s)."""

    def entry(self, scope: Any, arrival: float, done: float, status: int, headers: dict[str, str]) -> list[Any]:
        path = scope["path"]
        kind = "deal" if DEAL_PATH.match(path) else "token" if path == "/oauth/token" else "other"
        return [arrival, done, scope["method"], kind, status, client_port(scope)]


def serve_child() -> None:
    """Serve a fresh sandbox on 127.0.0.1, a free port; print ``{"port": N}`` once it listens."""

    from batch.sandbox.app import create_app

    serve_app(Recorder(create_app()))


# --- the client child ---------------------------------------------------------------------------------


def build_child(path: Path, n: int) -> None:
    """The product workbook of ``n`` valid products (not timed)."""
    from batch.exporters.template import write_template
    from batch.importers import products as P
    from batch.jobs.samples import product_rows

    write_template(P.SPEC, path, product_rows(n))


def client_child(cfg: Result) -> Result:
    """Make the case's workspace, then ``run_products``; the push phase timed by wrapping ``runner.push``."""
    from batch.jobs import products as runner
    from batch.marketplaces.connect import settings_for

    ws = bench_workspace(
        Path(cfg["ws"]), cfg["url"], MARKET, rate_limit=cfg["rate_limit"], concurrency=cfg["concurrency"]
    )
    account = ws.account(MARKET, ACCOUNT)
    assert account is not None
    settings = settings_for(account)

    phase: Result = {}
    original = runner.push

    async def timed_push(*args: Any, **kwargs: Any) -> None:
        t0, c0 = time.perf_counter(), os.times()
        try:
            await original(*args, **kwargs)
        finally:
            c1 = os.times()
            phase["push_s"] = time.perf_counter() - t0
            phase["push_cpu"] = (c1.user - c0.user) + (c1.system - c0.system)

    runner.push = timed_push  # type: ignore[assignment]
    start = time.perf_counter()
    run = runner.run_products(Path(cfg["file"]), ws)
    results: dict[str, int] = {}
    errors: list[str] = []
    for step in run.steps:
        name = step.result.value if step.result else "none"
        results[name] = results.get(name, 0) + 1
        if step.result is not None and step.result.value != "성공" and len(errors) < 3:
            errors.append(step.message)
    end = os.times()
    return {
        **phase,
        "run_s": time.perf_counter() - start,
        "cpu_total": end.user + end.system,  # the whole process: interpreter, imports, validation, result file
        "results": results,
        "errors": errors,
        "pace": settings.rate_limit * settings.rate_margin,
    }


# --- the launcher -------------------------------------------------------------------------------------


class Sandbox(SandboxProcess):
    """The sandbox child process, started and stopped by the launcher."""

    def __init__(self) -> None:
        super().__init__(__file__)


@dataclass(frozen=True)
class Case:
    name: str
    products: int
    rate_limit: float  # the account's (0: unpaced)
    concurrency: int
    sandbox_limit: float | None  # the sandbox's per-account limit (None: unlimited)

    @property
    def ceiling(self) -> float:
        """What the deal rate cannot exceed: the sandbox's limit, or concurrency / latency."""
        return self.sandbox_limit if self.sandbox_limit else self.concurrency * 1000 / LATENCY_MS

    @property
    def timeout(self) -> float:
        return 60 + 1.5 * self.products / min(self.ceiling, 100)


def run_case(case: Case, sandbox: Sandbox, file: Path, tmp: Path) -> Result:
    base = sandbox.url
    control(base, "/__sandbox__/reset", {"market": MARKET})
    plan: Result = {"market": MARKET, "rate": 0, "latency_ms": LATENCY_MS}
    if case.sandbox_limit:
        plan["rate_limit"] = case.sandbox_limit
    control(base, "/__sandbox__/faults", plan)
    cpu0 = control(base, "/__bench__/clear", {})["cpu"]
    cfg = {
        "ws": str(tmp / f"ws_{case.name}"),
        "file": str(file),
        "url": base,
        "rate_limit": case.rate_limit,
        "concurrency": case.concurrency,
    }
    client, wall = run_child(__file__, cfg, timeout=case.timeout, what=f"of case {case.name}")
    recorded = control(base, "/__bench__/log")
    state = control(base, f"/__sandbox__/state?market={MARKET}")
    return {
        "case": case,
        "wall": wall,
        "client": client,
        "log": recorded["log"],
        "server_cpu": recorded["cpu"] - cpu0,
        "state_deals": state["requests"].get(DEAL_KEY, 0),
        "created": len(state["products"]),
    }


def summarize(res: Result) -> Result:
    case: Case = res["case"]
    log = res["log"]
    deals = sorted(e[0] for e in log if e[3] == "deal")
    api = sorted(e[0] for e in log if e[3] != "token")  # what the sandbox limits per vendor account
    span = deals[-1] - deals[0] if len(deals) > 1 else 0.0
    rate = (len(deals) - 1) / span if span > 0 else 0.0
    client = res["client"]
    requests = len(log)
    gaps = sorted(b - a for a, b in itertools.pairwise(deals)) or [0.0]
    return {
        "case": case,
        "wall": res["wall"],
        "push_s": client.get("push_s", 0.0),
        "deals": len(deals),
        "ok": sum(1 for e in log if e[3] == "deal" and e[4] == 200),
        "requests": requests,
        "rate": rate,
        "of_ceiling": rate / case.ceiling,
        "n429": sum(1 for e in log if e[4] == 429),
        "n429_inferred": res["state_deals"] - res["created"],
        "state_deals": res["state_deals"],
        "created": res["created"],
        "peak_1s": max_in_window(api),
        "connections": len({e[5] for e in log}),
        "gap_ms": {
            "mean": 1000 * span / max(len(deals) - 1, 1),
            "p1": 1000 * gaps[len(gaps) // 100],
            "p50": 1000 * gaps[len(gaps) // 2],
            "p99": 1000 * gaps[len(gaps) * 99 // 100],
        },
        "cpu_push_ms": 1000 * client.get("push_cpu", 0.0) / max(requests, 1),
        "cpu_total_ms": 1000 * client["cpu_total"] / max(requests, 1),
        "server_cpu_ms": 1000 * res["server_cpu"] / max(requests, 1),
        "results": client["results"],
        "errors": client["errors"],
        "pace": client["pace"],
    }


HEADER = [
    "case",
    "account rate_limit",
    "conc",
    "deals sent",
    "created",
    "wall s",
    "push s",
    "deal req/s",
    "ceiling",
    "% of ceiling",
    "429s",
    "peak /1 s",
    "TCP conns",
    "client CPU ms/req (push)",
    "client CPU ms/req (whole)",
    "sandbox CPU ms/req",
]
TEXT_COLUMNS = 1


def table_row(s: Result) -> list[str]:
    case: Case = s["case"]
    return [
        case.name,
        f"{case.rate_limit:g}" if case.rate_limit else "0 (unpaced)",
        str(case.concurrency),
        str(s["deals"]),
        str(s["created"]),
        f"{s['wall']:.1f}",
        f"{s['push_s']:.1f}",
        f"{s['rate']:.2f}",
        f"{case.ceiling:g}" + (" (limit)" if case.sandbox_limit else " (conc/latency)"),
        f"{100 * s['of_ceiling']:.1f} %",
        str(s["n429"]),
        str(s["peak_1s"]),
        str(s["connections"]),
        f"{s['cpu_push_ms']:.2f}",
        f"{s['cpu_total_ms']:.2f}",
        f"{s['server_cpu_ms']:.2f}",
    ]


def targets(paced: Result) -> list[tuple[str, bool]]:
    return [
        (
            f"paced deal rate ≥ {100 * RATE_TARGET:g} % of {LIMIT} req/s: {paced['rate']:.2f} req/s ="
            f" {100 * paced['of_ceiling']:.1f} %",
            paced["of_ceiling"] >= RATE_TARGET,
        ),
        (
            f"paced 429 responses = 0: {paced['n429']} counted, {paced['n429_inferred']} inferred",
            paced["n429"] == 0 and paced["n429_inferred"] == 0,
        ),
        (
            f"paced: every product created: {paced['created']} of {paced['case'].products}",
            paced["created"] == paced["case"].products,
        ),
    ]


def footnotes(summaries: list[Result]) -> list[str]:
    paced = summaries[0]
    notes = [
        f"Sandbox: uvicorn on 127.0.0.1 in its own process, latency {LATENCY_MS} ms on every market request; paced"
        f" case: its per-account limit {LIMIT} req/s (a token bucket holding {LIMIT}, 429 with Retry-After beyond)."
        " Each case: a fresh client process (init_workspace + run_products) and POST /__sandbox__/reset.",
        f"Paced client: account rate_limit {paced['case'].rate_limit:g} × rate_margin → paces at"
        f" {paced['pace']:.2f} req/s ({100 * paced['pace'] / LIMIT:.1f} % of the limit) at most, one deal every"
        f" {1000 / paced['pace']:.2f} ms; the gaps between deal arrivals were mean {paced['gap_ms']['mean']:.2f},"
        f" p1 {paced['gap_ms']['p1']:.2f}, median {paced['gap_ms']['p50']:.2f}, p99 {paced['gap_ms']['p99']:.2f} ms"
        f" (mean − interval = time lost per deal: {paced['gap_ms']['mean'] - 1000 / paced['pace']:+.2f} ms).",
        "TCP conns = distinct client ports the sandbox saw during the case.",
        "deal req/s = (deals − 1) / (last − first arrival of POST /api/{vendorId}/deals), arrival times noted by a"
        " recorder wrapped around the sandbox app: the push phase only, validation and the result file excluded.",
        "push s = the client's own timing of runner.push (the delivery-template check and every deal);"
        " wall s = the whole client process (start-up, validation, plan, push, result workbook).",
        "429s counted = responses with status 429 the recorder saw, on any market path (token, templates, deals);"
        " inferred (the sandbox state has no 429 count) = state requests['POST /api/{vendorId}/deals'] − products"
        f" in state = {paced['state_deals']} − {paced['created']} = {paced['n429_inferred']} for the paced case"
        " (valid only when nothing else fails: no faults, every row valid).",
        "peak /1 s = most /api/ requests arriving within any 1 s (the window the sandbox limits).",
        "client CPU ms/req = os.times() user+sys of the client process / market requests the sandbox saw;"
        " (push) counts only the push phase, (whole) the whole process. sandbox CPU = the server process's over the"
        " case.",
        f"{platform.python_implementation()} {platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs.",
    ]
    for s in summaries:
        bad = {k: v for k, v in s["results"].items() if k != "성공"}
        if bad:
            notes.append(f"{s['case'].name}: results {s['results']}; e.g. {s['errors'][:2]}")
    return notes


def report(summaries: list[Result], out: Path) -> bool:
    table = [HEADER, *map(table_row, summaries)]
    checks = targets(summaries[0])
    notes = footnotes(summaries)
    return publish("push_bench", "push bench", table, checks, notes, out, text_columns=TEXT_COLUMNS)


def cases(products: int, unpaced_products: int) -> list[Case]:
    paced = Case("paced", products, LIMIT, PACED_CONCURRENCY, LIMIT)
    return [paced, *(Case(f"unpaced c{c}", unpaced_products, 0, c, None) for c in UNPACED_CONCURRENCY)]


def launch(products: int, unpaced_products: int, out: Path) -> int:
    todo = cases(products, unpaced_products)
    with tempfile.TemporaryDirectory(prefix="push_bench_") as name:
        tmp = Path(name)
        files: dict[int, Path] = {}
        for n in sorted({c.products for c in todo}):
            files[n] = tmp / f"products_{n}.xlsx"
            subprocess.run(
                [sys.executable, __file__, "--build", str(files[n]), str(n)],
                check=True,
                cwd=ROOT,
                env=child_env(),
                timeout=120,
            )
        sandbox = Sandbox()
        try:
            results = []
            for case in todo:
                print(f"{case.name}: {case.products} products ...", file=sys.stderr, flush=True)
                results.append(summarize(run_case(case, sandbox, files[case.products], tmp)))
        finally:
            sandbox.stop()
    return 0 if report(results, out) else 1


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--products", type=int, default=2000, help="products in the paced case")
    ap.add_argument("--unpaced-products", type=int, default=1000, help="products in each unpaced case")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out", help="where push_bench.md goes")
    ap.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--client", metavar="JSON", help=argparse.SUPPRESS)
    ap.add_argument("--build", nargs=2, metavar=("PATH", "N"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    if args.serve:
        serve_child()
        return 0
    if args.client:
        print(json.dumps(client_child(json.loads(args.client)), ensure_ascii=False))
        return 0
    if args.build:
        build_child(Path(args.build[0]), int(args.build[1]))
        return 0
    return launch(args.products, args.unpaced_products, args.out)


if __name__ == "__main__":
    sys.exit(main())
