"""Bench: per-marketplace pacing over real HTTP on 127.0.0.1 (Coupang's configured rate, Naver's gateway headers).

    python bench/pacing_bench.py [--coupang 200] [--naver 200] [--tmon 100] [--st11 150] [--out bench/out]

Three kinds of process, as in push_bench:

* the sandbox (``--serve``): ``batch.sandbox.server.build_server`` on 127.0.0.1, its app wrapped in a recorder that
  notes every market request (arrival, done, market, kind, HTTP status, client port, the rate headers answered) and
  answers ``/__bench__/log`` and ``/__bench__/clear``;
* the client (``--client JSON``), one fresh process per case: ``init_workspace(ws, sandbox_url=URL,
  markets=(market,))`` with the case's ``rate_limit``, a workbook of ``product_rows(n, markets=(market,))`` (Naver:
  each main image a local JPEG in ``images/``), then ``batch.jobs.products.run_products`` with ``runner.push`` wrapped to
  time the push phase and ``MarketClient.follow`` wrapped to note the rates the adapter follows; one JSON line out;
* the launcher (this, without ``--serve`` / ``--client``): never imports ``batch``; it sets each market's plan
  through the control API (``POST /__sandbox__/reset``, ``POST /__sandbox__/faults``), runs the clients, and reads
  ``/__bench__/log`` and ``GET /__sandbox__/state?market=…``.

Cases:

* coupang: the sandbox limits the vendor to ``--limit`` (10) req/s with 50 ms latency (fault plan ``rate_limit``);
  the account's ``rate_limit`` is the same 10 (batch.toml's default): the client must pace itself to
  ``rate_limit × rate_margin`` of every request and never see a 429;
* naver: no fault-plan limit; the sandbox's gateway buckets (per API per application, answered in
  ``GNCP-GW-RateLimit-*`` headers) are the limit; the account starts at ``rate_limit = 50`` (above every bucket), so
  only following the headers keeps the 429s away;
* tmon (reference): as coupang, TMON's account paced by its configured ``rate_limit``;
* 11st: as coupang (the sandbox's fault-plan ``rate_limit`` per key, 429 with Retry-After beyond); the target is
  ≥ 95 % of the account's configured rate with no 429.

The table goes to stdout and, as Markdown, to ``<out>/pacing_bench.md``. Exit status 1 when Coupang's request rate
is under ``--coupang-target`` (90 %) of the limit or it saw any 429, when Naver saw more than ``--naver-max-429``
429s, or when a product was not created.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import re
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from common import (
    ROOT,
    BenchLog,
    SandboxProcess,
    bench_workspace,
    client_port,
    control,
    max_in_window,
    publish,
    run_child,
    serve_app,
)

ACCOUNT = "main"
LATENCY_MS = 50
LIMIT = 10.0  # the sandbox's per-account limit for Coupang and TMON (req/s), and their accounts' rate_limit
NAVER_START = 50.0  # the Naver account's batch.toml rate_limit: deliberately above every gateway bucket
COUPANG_TARGET = 0.90  # of LIMIT
ST11_TARGET = 0.95  # of LIMIT (issue 15: 11번가 pushes at ≥ 95 % of the account's configured rate)
NAVER_MAX_429 = 5
Result = dict[str, Any]

# (market, method, path) -> kind; first match wins. "token" requests are outside the account's pacing.
KINDS: list[tuple[str, str, re.Pattern[str], str]] = [
    ("coupang", "POST", re.compile(r"^/v2/providers/seller_api/apis/api/v1/marketplace/seller-products$"), "create"),
    ("coupang", "GET", re.compile(r"^/v2/providers/seller_api/apis/api/v1/marketplace/seller-products/\d+$"), "read"),
    ("naver", "POST", re.compile(r"^/external/v1/oauth2/token$"), "token"),
    ("naver", "POST", re.compile(r"^/external/v1/product-images/upload$"), "upload"),
    ("naver", "POST", re.compile(r"^/external/v2/products$"), "create"),
    ("naver", "GET", re.compile(r"^/external/v2/products/origin-products/\d+$"), "read"),
    ("11st", "POST", re.compile(r"^/rest/prodservices/product$"), "create"),
    ("11st", "GET", re.compile(r"^/rest/prodmarketservice/sellerprodcode/[^/]+$"), "read"),
    ("tmon", "POST", re.compile(r"^/oauth/token$"), "token"),
    ("tmon", "POST", re.compile(r"^/api/[^/]+/deals$"), "create"),
]
MARKET_PREFIXES = {
    "/external/": "naver",
    "/v2/providers/": "coupang",
    "/oauth/": "tmon",
    "/api/": "tmon",
    "/rest/": "11st",
}
CREATE_KEYS = {  # the sandbox state's request-count key of each market's create call
    "coupang": "POST /v2/providers/seller_api/apis/api/v1/marketplace/seller-products",
    "naver": "POST /external/v2/products",
    "tmon": "POST /api/{vendorId}/deals",
    "11st": "POST /rest/prodservices/product",
}
RATE_HEADER = "gncp-gw-ratelimit-replenish-rate"
REMAINING_HEADER = "gncp-gw-ratelimit-remaining"


# --- the sandbox child --------------------------------------------------------------------------------


def classify(method: str, path: str) -> tuple[str, str]:
    market = next((m for prefix, m in MARKET_PREFIXES.items() if path.startswith(prefix)), "")
    for m, verb, pattern, kind in KINDS:
        if m == market and verb == method and pattern.match(path):
            return market, kind
    return market, "other"


class Recorder(BenchLog):
    """Logs every market request as
    ``[arrival, done, market, kind, status, client port, replenish rate | None, remaining | None]`` (monotonic s)."""

    def entry(self, scope: Any, arrival: float, done: float, status: int, headers: dict[str, str]) -> list[Any]:
        market, kind = classify(scope["method"], scope["path"])
        rate, remaining = headers.get(RATE_HEADER), headers.get(REMAINING_HEADER)
        return [
            arrival,
            done,
            market,
            kind,
            status,
            client_port(scope),
            float(rate) if rate is not None else None,
            float(remaining) if remaining is not None else None,
        ]


def serve_child() -> None:
    """Serve a fresh sandbox on 127.0.0.1, a free port; print ``{"port": N}`` once it listens."""

    from batch.sandbox.app import create_app

    serve_app(Recorder(create_app()))


# --- the client child ---------------------------------------------------------------------------------


def build_workbook(market: str, n: int, folder: Path) -> Path:
    """``n`` valid products for ``market`` in ``folder/products.xlsx``; Naver's main images as local JPEG files."""
    from batch.exporters.template import write_template
    from batch.importers import products as P
    from batch.jobs.samples import product_rows
    from batch.sandbox.images import image_bytes

    rows = product_rows(n, markets=(market,))
    if market == "naver":  # a served sandbox cannot be the seller's https image host: upload local files instead
        images = folder / "images"
        images.mkdir(parents=True, exist_ok=True)
        for row in rows[P.MAIN]:
            name = f"{row['code']}.jpg"
            (images / name).write_bytes(image_bytes(f"/{name}"))
            row["main_image"] = name
    path = folder / "products.xlsx"
    write_template(P.SPEC, path, rows)
    return path


def client_child(cfg: Result) -> Result:
    """Workspace and workbook for the case, then ``run_products``; the push phase and ``follow`` calls noted."""
    from batch.jobs import products as runner
    from batch.marketplaces.base import MarketClient
    from batch.marketplaces.connect import settings_for

    market = cfg["market"]
    root = Path(cfg["ws"])
    ws = bench_workspace(root, cfg["url"], market, rate_limit=cfg["rate_limit"], concurrency=cfg["concurrency"])
    account = ws.account(market, ACCOUNT)
    assert account is not None
    settings = settings_for(account)
    file = build_workbook(market, cfg["products"], root / "inbox")

    follows: list[list[Any]] = []  # [monotonic, rate, burst, remaining, api] per MarketClient.follow call
    original_follow = MarketClient.follow

    def noted_follow(
        self: MarketClient,
        rate: float,
        burst: float | None = None,
        remaining: float | None = None,
        *,
        request: Any = None,
    ) -> None:
        api = self.api_of(request.method, request.url.path) if request is not None else "(account)"
        follows.append([time.monotonic(), rate, burst, remaining, api])
        original_follow(self, rate, burst, remaining, request=request)

    MarketClient.follow = noted_follow  # type: ignore[method-assign]

    phase: Result = {}
    original_push = runner.push

    async def timed_push(*args: Any, **kwargs: Any) -> None:
        t0 = time.perf_counter()
        try:
            await original_push(*args, **kwargs)
        finally:
            phase["push_s"] = time.perf_counter() - t0

    runner.push = timed_push  # type: ignore[assignment]
    start = time.perf_counter()
    run = runner.run_products(file, ws)
    results: Counter[str] = Counter()
    errors: list[str] = []
    for step in run.steps:
        results[step.result.value if step.result else "none"] += 1
        if step.result is not None and step.result.value != "성공" and len(errors) < 3:
            errors.append(step.message)
    rates = [f[1] for f in follows]
    per_api = {api: f"{rate:g}" for _, rate, _, _, api in follows}  # the last rate each API announced
    return {
        **phase,
        "run_s": time.perf_counter() - start,
        "results": dict(results),
        "errors": errors,
        "follows": len(follows),
        "followed_rates": dict(Counter(f"{r:g}" for r in rates)),
        "pace": settings.rate_limit * settings.rate_margin,
        "margin": settings.rate_margin,
        "rate_switches": sum(1 for a, b in itertools.pairwise(rates) if a != b),
        "per_api": per_api,
    }


# --- the launcher -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    market: str
    products: int
    rate_limit: float  # the account's in batch.toml
    sandbox_limit: float | None  # the fault plan's per-account limit (None: Naver's own gateway buckets)
    concurrency: int  # the account's in batch.toml

    @property
    def timeout(self) -> float:
        return 90 + 1.0 * self.products  # generous: at worst ~3 requests a product at a few req/s


def run_case(case: Case, sandbox: SandboxProcess, tmp: Path) -> Result:
    base = sandbox.url
    control(base, "/__sandbox__/reset", {"market": case.market})
    plan: Result = {"market": case.market, "rate": 0, "latency_ms": LATENCY_MS}
    if case.sandbox_limit:
        plan["rate_limit"] = case.sandbox_limit
    control(base, "/__sandbox__/faults", plan)
    control(base, "/__bench__/clear", {})
    cfg = {
        "market": case.market,
        "ws": str(tmp / f"ws_{case.market}"),
        "url": base,
        "rate_limit": case.rate_limit,
        "products": case.products,
        "concurrency": case.concurrency,
    }
    client, wall = run_child(__file__, cfg, timeout=case.timeout, what=f"of case {case.market}")
    log = control(base, "/__bench__/log")["log"]
    state = control(base, f"/__sandbox__/state?market={case.market}")
    return {"case": case, "wall": wall, "client": client, "log": log, "state": state}


def _rate(times: list[float]) -> float:
    span = times[-1] - times[0] if len(times) > 1 else 0.0
    return (len(times) - 1) / span if span > 0 else 0.0


def summarize(res: Result) -> Result:
    case: Case = res["case"]
    log = [e for e in res["log"] if e[2] == case.market]
    api = [e for e in log if e[3] != "token"]  # what the sandbox limits (token endpoints are outside it)
    arrivals = sorted(e[0] for e in api)
    creates = sorted(e[0] for e in api if e[3] == "create")
    n429 = [e for e in api if e[4] == 429]
    by_kind = Counter(e[3] for e in n429)
    headed = [e[1] for e in log if e[6] is not None and e[4] != 429]  # answers carrying Naver's rate headers
    first_headers = min(headed) if headed else None
    late_429 = sum(1 for e in n429 if first_headers is not None and e[0] > first_headers)
    limits: dict[str, float] = {}
    for e in log:
        if e[6] is not None and e[4] != 429:
            limits.setdefault(e[3], e[6])
    state = res["state"]
    products = state.get("products", [])
    if case.market == "coupang":
        codes = {str(((p.get("items") or [{}])[0]).get("externalVendorSku", "")).removesuffix("-001") for p in products}
    elif case.market == "naver":
        codes = {str(p.get("sellerManagementCode", "")) for p in products}
    elif case.market == "11st":
        codes = {str(p.get("sellerPrdCd", "")) for p in products}
    else:
        codes = set()
    created = len(products)
    span = arrivals[-1] - arrivals[0] if len(arrivals) > 1 else 0.0
    return {
        "case": case,
        "wall": res["wall"],
        "push_s": res["client"].get("push_s", 0.0),
        "api": len(api),
        "api_rate": _rate(arrivals),
        "create_rate": _rate(creates),
        "creates": len(creates),
        "created": created,
        "distinct": len(codes - {""}) if codes else created,
        "n429": len(n429),
        "n429_by_kind": dict(by_kind),
        "late_429": late_429,
        "inferred_429": state.get("requests", {}).get(CREATE_KEYS[case.market], 0) - created,
        "peak_1s": max_in_window(arrivals),
        "span": span,
        "limits": limits,
        "client": res["client"],
        "connections": len({e[5] for e in log}),
    }


HEADER = [
    "market",
    "products",
    "created",
    "account rate_limit",
    "conc",
    "sandbox limit",
    "API reqs",
    "API req/s",
    "% of limit",
    "create req/s",
    "429s",
    "peak /1 s",
    "push s",
    "wall s",
]


def limit_text(s: Result) -> str:
    case: Case = s["case"]
    if case.sandbox_limit:
        return f"{case.sandbox_limit:g}/s per account"
    return "; ".join(f"{k} {v:g}/s" for k, v in sorted(s["limits"].items())) or "gateway buckets"


def of_limit(s: Result) -> float | None:
    """The API request rate over what the sandbox allows (Coupang, TMON); Naver: creates over its ceiling."""
    case: Case = s["case"]
    if case.sandbox_limit:
        return float(s["api_rate"]) / case.sandbox_limit
    ceiling = naver_ceiling(s)
    return float(s["create_rate"]) / ceiling if ceiling else None


def naver_ceiling(s: Result) -> float | None:
    """Products a second the gateway allows: one upload, one create, one read each, every API its own bucket."""
    limits: dict[str, float] = s["limits"]
    wanted = [limits[k] for k in ("upload", "create", "read") if limits.get(k)]
    return min(wanted) if wanted else None


def table_row(s: Result) -> list[str]:
    case: Case = s["case"]
    share = of_limit(s)
    kinds = ", ".join(f"{k} {v}" for k, v in sorted(s["n429_by_kind"].items()))
    return [
        case.market + (" (reference)" if case.market == "tmon" else ""),
        str(case.products),
        str(s["created"]),
        f"{case.rate_limit:g}" + (" (then headers)" if case.market == "naver" else ""),
        str(case.concurrency),
        limit_text(s),
        str(s["api"]),
        f"{s['api_rate']:.2f}",
        "–" if share is None else f"{100 * share:.1f} %" + ("" if case.sandbox_limit else " (products)"),
        f"{s['create_rate']:.2f}",
        str(s["n429"]) + (f" ({kinds})" if kinds else ""),
        str(s["peak_1s"]),
        f"{s['push_s']:.1f}",
        f"{s['wall']:.1f}",
    ]


def targets(summaries: list[Result], coupang_target: float, naver_max_429: int) -> list[tuple[str, bool]]:
    out = []
    for s in summaries:
        case: Case = s["case"]
        if case.market in ("coupang", "11st"):
            target = coupang_target if case.market == "coupang" else ST11_TARGET
            share = s["api_rate"] / LIMIT
            out.append(
                (
                    f"{case.market} request rate ≥ {100 * target:g} % of {LIMIT:g} req/s: {s['api_rate']:.2f} req/s"
                    f" = {100 * share:.1f} %",
                    share >= target,
                )
            )
            out.append(
                (
                    f"{case.market} 429 responses = 0: {s['n429']} counted, {s['inferred_429']} inferred",
                    s["n429"] == 0 and s["inferred_429"] == 0,
                )
            )
        elif case.market == "naver":
            out.append(
                (
                    f"naver 429 responses ≤ {naver_max_429}: {s['n429']} ({s['late_429']} after the first rate"
                    " headers)",
                    s["n429"] <= naver_max_429,
                )
            )
        if case.market in ("coupang", "naver", "11st"):
            out.append(
                (
                    f"{case.market}: every product created once: {s['created']} of {case.products}"
                    f" ({s['distinct']} distinct codes)",
                    s["created"] == case.products and s["distinct"] == case.products,
                )
            )
    return out


def footnotes(summaries: list[Result]) -> list[str]:
    notes = [
        f"Sandbox: uvicorn on 127.0.0.1 in its own process, latency {LATENCY_MS} ms on every market request"
        " (fault plan latency_ms). Coupang and TMON: fault plan rate_limit, a token bucket per vendor account holding"
        " as many requests as its rate, 429 with Retry-After beyond. Naver: no fault-plan limit; the gateway's token"
        " bucket per API per application (2 × rate deep), rates read from the GNCP-GW-RateLimit-Replenish-Rate headers"
        " the sandbox answered. Each case: a fresh client process (init_workspace + run_products; conc = its"
        " batch.toml concurrency) and POST /__sandbox__/reset.",
        "API req/s = (requests − 1) / (last − first arrival) of every market request but token requests, arrival"
        " times noted by a recorder wrapped around the sandbox app; create req/s the same for the create call only"
        " (Coupang POST seller-products, Naver POST /v2/products, TMON POST deals).",
        "% of limit: Coupang and TMON API req/s over the sandbox's per-account limit. Naver: create req/s over the"
        " products a second the gateway allows, the smallest of the upload, create and read buckets (each product"
        " is one image upload, one POST /v2/products and one GET of the origin product).",
        "429s = responses with status 429 the recorder saw on any limited path (by kind in brackets).",
        "peak /1 s = most limited requests arriving within any 1 s.",
        "push s = the client's own timing of runner.push; wall s = the whole client process (start-up, workbook,"
        " validation, plan, push, result workbook).",
    ]
    for s in summaries:
        case: Case = s["case"]
        c = s["client"]
        if case.market == "naver":
            first = s["n429"] - s["late_429"]
            notes.append(
                f"naver: the client starts pacing at {c['pace']:.2f} req/s (rate_limit {case.rate_limit:g} × margin"
                f" {c['margin']:g}); the adapter called client.follow {c['follows']} times; each API then has a"
                f" bucket of its own at the rate it announced (× the margin): {c['per_api']}. 429s before the first"
                f" rate headers {first}, after {s['late_429']}. The gateway allows {naver_ceiling(s) or 0:g}"
                f" products/s (every API its own bucket; the slowest of upload, create and read); measured"
                f" {s['create_rate']:.2f}.",
            )
        bad = {k: v for k, v in c["results"].items() if k != "성공"}
        if bad:
            notes.append(f"{case.market}: results {c['results']}; e.g. {c['errors'][:2]}")
    notes.append(
        f"{platform.python_implementation()} {platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs."
    )
    return notes


def report(summaries: list[Result], out: Path, coupang_target: float, naver_max_429: int, argv: str) -> bool:
    table = [HEADER, *map(table_row, summaries)]
    checks = targets(summaries, coupang_target, naver_max_429)
    notes = footnotes(summaries)
    command = " ".join(["python bench/pacing_bench.py", *([argv] if argv else [])])
    extra = [f"Generated by `{command}`."]
    return publish("pacing_bench", "pacing bench", table, checks, notes, out, text_columns=6, extra=extra)


def launch(args: argparse.Namespace, argv: str) -> int:
    todo = [
        Case("coupang", args.coupang, args.limit, args.limit, args.concurrency),
        Case("naver", args.naver, args.naver_start, None, args.concurrency),
        Case("tmon", args.tmon, args.limit, args.limit, args.concurrency),
        Case("11st", args.st11, args.limit, args.limit, args.concurrency),
    ]
    todo = [c for c in todo if c.products > 0]
    if not todo:
        raise SystemExit("no case to run: every product count is 0")
    with tempfile.TemporaryDirectory(prefix="pacing_bench_") as name:
        tmp = Path(name)
        sandbox = SandboxProcess(__file__)
        try:
            results = []
            for case in todo:
                print(f"{case.market}: {case.products} products ...", file=sys.stderr, flush=True)
                results.append(summarize(run_case(case, sandbox, tmp)))
        finally:
            sandbox.stop()
    return 0 if report(results, args.out, args.coupang_target, args.naver_max_429, argv) else 1


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--coupang", type=int, default=200, help="products in the Coupang case (0: skip)")
    ap.add_argument("--naver", type=int, default=150, help="products in the Naver case (0: skip)")
    ap.add_argument("--tmon", type=int, default=50, help="products in the TMON reference case (0: skip)")
    ap.add_argument("--st11", type=int, default=150, help="products in the 11번가 case (0: skip)")
    ap.add_argument(
        "--limit",
        type=float,
        default=LIMIT,
        help="the sandbox's req/s per Coupang / TMON account, and their accounts' rate_limit",
    )
    ap.add_argument("--concurrency", type=int, default=8, help="every account's batch.toml concurrency")
    ap.add_argument("--naver-start", type=float, default=NAVER_START, help="the Naver account's batch.toml rate_limit")
    ap.add_argument("--coupang-target", type=float, default=COUPANG_TARGET, help="share of --limit Coupang must reach")
    ap.add_argument("--naver-max-429", type=int, default=NAVER_MAX_429, help="429s Naver may see")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out", help="where pacing_bench.md goes")
    ap.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--client", metavar="JSON", help=argparse.SUPPRESS)
    raw = list(sys.argv[1:] if argv is None else argv)
    args = ap.parse_args(raw)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    if args.serve:
        serve_child()
        return 0
    if args.client:
        print(json.dumps(client_child(json.loads(args.client)), ensure_ascii=False))
        return 0
    return launch(args, " ".join(raw))


if __name__ == "__main__":
    sys.exit(main())
