"""Bench: many TMON accounts pushing products at once to served sandboxes (issue 20 part 4: the HTTP client).

    python bench/accounts_bench.py [--accounts 20 50] [--per-account 300] [--servers 3] [--out bench/out]

Each case: ``A`` TMON sandbox accounts (each its own client id, secret, partner token and vendor, registered through
``POST /__sandbox__/accounts``), sandbox latency 50 ms on every market request, no rate limit; every account
``rate_limit = 0`` (unpaced) and ``concurrency = 8``; ``per-account`` products per account, each product sold through
its account's own group (판매정보 one row per account). The paced single-account case stays in push_bench.py.

Processes, so that each one's CPU is its own:

* ``S`` sandbox servers (``--serve``): ``batch.sandbox.server.build_server`` on 127.0.0.1 (uvicorn), the app wrapped in
  a recorder noting every market request (arrival, method, kind, status, client port, vendor);
* the client (``--client JSON``), one fresh process per case: the workspace, then ``batch.jobs.products.run_products``
  with ``push`` and the checks wrapped to time them (wall and ``os.times()``);
* the launcher (this): never imports ``batch``; resets the servers, registers the accounts, reads the logs and states.

The sandbox must not be the bottleneck. Measured here, one sandbox process spends 0.4-0.5 ms of CPU per request
(the "server CPU" column; 1 ms and more under the old client's 250 connections), so at 1,000 req/s one process
would need about half a core, on a machine whose 2 cores it shares with the client. The accounts are therefore
spread over ``S`` server processes (account i on server i mod S, its base_url pointing there); the table shows the
busiest server's CPU share (11 % at 20 accounts), so a saturated server would be visible. The client saturates one
core first, so the aggregate rate is the client's.

Printed per case: aggregate deal req/s over the push (first to last deal arrival, every server), client CPU per
request (the client's ``os.times()`` over the push phase / market requests the servers saw in it), TCP connections
opened (distinct client ports per server), every product created exactly once (from each server's state), and the
time spent in the account and template checks before the first deal was sent. Markdown goes to
``<out>/accounts_bench.md``; the exit status is 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from common import ROOT, BenchLog, SandboxProcess, child_env, client_port, control, publish, run_child, serve_app

MARKET = "tmon"
LATENCY_MS = 50
CONCURRENCY = 8
ACCOUNTS = (20, 50)
PER_ACCOUNT = 300
SERVERS = 3
TARGET_RATE = 1000.0  # aggregate deal requests per second, 20 accounts
TARGET_CPU_MS = 0.6  # client CPU per request
DEAL_PATH = re.compile(r"^/api/([^/]+)/deals$")
VENDOR_PATH = re.compile(r"^/api/([^/]+)/")
Result = dict[str, Any]


def account_name(i: int) -> str:
    return f"b{i:03d}"


def credentials(i: int) -> dict[str, str]:
    """Account i's sandbox credentials: its own client id, secret, partner token and vendor."""
    return {
        "client_id": f"tmon-bench-{i:03d}",
        "secret": f"bench-secret-{i:03d}",
        "vendor_id": f"V{3000 + i}",
        "partner_token": f"bench-partner-token-{i:03d}",
    }


def group_name(i: int) -> str:
    return f"티몬-{i:03d}"


# --- the sandbox child --------------------------------------------------------------------------------


class Recorder(BenchLog):
    """Logs every market request as ``[arrival, done, method, kind, status, client port, vendor]``."""

    def entry(self, scope: Any, arrival: float, done: float, status: int, headers: dict[str, str]) -> list[Any]:
        path = scope["path"]
        kind = "deal" if DEAL_PATH.match(path) else "token" if path == "/oauth/token" else "other"
        vendor = m.group(1) if (m := VENDOR_PATH.match(path)) else ""
        return [arrival, done, scope["method"], kind, status, client_port(scope), vendor]


def serve_child() -> None:
    from batch.sandbox.app import create_app

    serve_app(Recorder(create_app()))


# --- the client child ---------------------------------------------------------------------------------


def build_child(path: Path, accounts: int, per_account: int) -> None:
    """The product workbook: ``accounts * per_account`` valid products, product k sold through account k mod A."""
    from batch.exporters.template import write_template
    from batch.importers import products as P
    from batch.jobs.samples import GROUPS, product_rows

    rows = product_rows(accounts * per_account)
    for k, row in enumerate(rows[P.MAIN]):
        row["groups"] = group_name(k % accounts)
    rows[P.SALES] = [{**GROUPS[MARKET], "account": account_name(i), "group": group_name(i)} for i in range(accounts)]
    write_template(P.SPEC, path, rows)


ACCOUNT_BLOCK = """
[[accounts]]
market = "tmon"
name = "{name}"
base_url = "{url}"
sandbox = true
client_id = "{client_id}"
client_secret_env = "{env}_CLIENT_SECRET"
partner_token_env = "{env}_PARTNER_TOKEN"
aes_key_env = "{env}_AES_KEY"
vendor_policy_no = "1"
rate_limit = 0
concurrency = {concurrency}
"""


def workspace(root: Path, urls: list[str], accounts: int) -> Any:
    """A workspace with ``accounts`` TMON accounts, account i on ``urls[i % len(urls)]``; secrets in os.environ."""
    from batch.config import CONFIG_NAME, load_workspace
    from batch.jobs.init import init_workspace

    init_workspace(root, sandbox_url=urls[0], markets=(MARKET,))
    toml = root / CONFIG_NAME
    text = toml.read_text(encoding="utf-8")
    head = text[: text.index("[[accounts]]")]
    blocks = []
    for i in range(accounts):
        env = f"BATCH_BENCH_{i:03d}"
        c = credentials(i)
        os.environ[f"{env}_CLIENT_SECRET"] = c["secret"]
        os.environ[f"{env}_PARTNER_TOKEN"] = c["partner_token"]
        blocks.append(
            ACCOUNT_BLOCK.format(
                name=account_name(i),
                url=urls[i % len(urls)],
                client_id=c["client_id"],
                env=env,
                concurrency=CONCURRENCY,
            )
        )
    toml.write_text(head + "".join(blocks), encoding="utf-8")
    return load_workspace(root)


def client_child(cfg: Result) -> Result:
    """The case's workspace, then ``run_products``: the push phase and the checks before it timed."""
    from batch.jobs import products as runner

    ws = workspace(Path(cfg["ws"]), cfg["urls"], cfg["accounts"])
    phase: Result = {}

    def timed(name: str, original: Any) -> Any:
        async def wrapper(*args: Any, **kwargs: Any) -> Any:
            t0, c0 = time.monotonic(), os.times()
            try:
                return await original(*args, **kwargs)
            finally:
                c1 = os.times()
                phase[name] = {
                    "start": t0,
                    "end": time.monotonic(),
                    "cpu": (c1.user - c0.user) + (c1.system - c0.system),
                }

        return wrapper

    runner.push = timed("push", runner.push)  # type: ignore[assignment]
    runner._check_accounts = timed("check_accounts", runner._check_accounts)  # type: ignore[assignment]
    runner._check_groups = timed("check_groups", runner._check_groups)  # type: ignore[assignment]
    start = time.perf_counter()
    run = runner.run_products(Path(cfg["file"]), ws)
    results = Counter(step.result.value if step.result else "none" for step in run.steps)
    errors = [s.message for s in run.steps if s.result is not None and s.result.value != "성공"][:3]
    return {"phase": phase, "run_s": time.perf_counter() - start, "results": dict(results), "errors": errors}


# --- the launcher -------------------------------------------------------------------------------------


class Sandbox(SandboxProcess):
    def __init__(self) -> None:
        super().__init__(__file__)


@dataclass(frozen=True)
class Case:
    accounts: int
    per_account: int

    @property
    def products(self) -> int:
        return self.accounts * self.per_account

    @property
    def name(self) -> str:
        return f"{self.accounts} accounts"


def run_case(case: Case, servers: list[Sandbox], file: Path, tmp: Path) -> Result:
    urls = [s.url for s in servers]
    cpu0 = []
    for i, base in enumerate(urls):
        control(base, "/__sandbox__/reset", {"market": MARKET})
        control(base, "/__sandbox__/faults", {"market": MARKET, "rate": 0, "latency_ms": LATENCY_MS})
        for a in range(i, case.accounts, len(urls)):
            control(base, "/__sandbox__/accounts", {"market": MARKET, **credentials(a)})
        cpu0.append(control(base, "/__bench__/clear", {})["cpu"])
    cfg = {"ws": str(tmp / f"ws_{case.accounts}"), "file": str(file), "urls": urls, "accounts": case.accounts}
    client, wall = run_child(__file__, cfg, timeout=600, what=f"of case {case.name}")
    logs, states, server_cpu = [], [], []
    for base, c0 in zip(urls, cpu0, strict=True):
        recorded = control(base, "/__bench__/log")
        logs.append(recorded["log"])
        server_cpu.append(recorded["cpu"] - c0)
        states.append(control(base, f"/__sandbox__/state?market={MARKET}"))
    return {"case": case, "wall": wall, "client": client, "logs": logs, "states": states, "server_cpu": server_cpu}


def summarize(res: Result) -> Result:
    case: Case = res["case"]
    phase = res["client"]["phase"]
    push = phase["push"]
    in_push = [(s, e) for s, log in enumerate(res["logs"]) for e in log if push["start"] <= e[0] <= push["end"]]
    deals = sorted(e[0] for _, e in in_push if e[3] == "deal")
    span = deals[-1] - deals[0] if len(deals) > 1 else 0.0
    created: Counter[tuple[str, str]] = Counter()
    for state in res["states"]:
        created.update((str(p["vendorId"]), str(p["vendorDealNo"])) for p in state["products"])
    checks = [phase[k] for k in ("check_accounts", "check_groups") if k in phase]
    first_deal = deals[0] if deals else push["end"]
    push_s = push["end"] - push["start"]
    return {
        "case": case,
        "wall": res["wall"],
        "push_s": push_s,
        "requests": len(in_push),
        "deals": len(deals),
        "ok": sum(1 for _, e in in_push if e[3] == "deal" and e[4] == 200),
        "rate": (len(deals) - 1) / span if span > 0 else 0.0,
        "cpu_ms": 1000 * push["cpu"] / max(len(in_push), 1),
        "connections": len({(s, e[5]) for s, e in in_push}),
        "conns_per_account": max(
            Counter(v for _, _, v in {(s, e[5], e[6]) for s, e in in_push if e[6]}).values(), default=0
        ),
        "created": sum(created.values()),
        "distinct": len(created),
        "twice": sum(1 for n in created.values() if n > 1),
        "checks_s": sum(c["end"] - c["start"] for c in checks),
        "before_first_s": first_deal - push["start"],
        "server_cpu_share": max(cpu / push_s for cpu in res["server_cpu"]) if push_s else 0.0,
        "server_cpu_ms": 1000 * sum(res["server_cpu"]) / max(len(in_push), 1),
        "results": res["client"]["results"],
        "errors": res["client"]["errors"],
        "n429": sum(1 for _, e in in_push if e[4] == 429),
    }


HEADER = [
    "case",
    "products",
    "requests",
    "push s",
    "checks s",
    "first deal after s",
    "deal req/s",
    "client CPU ms/req",
    "TCP conns",
    "max conns/account",
    "created once",
    "created twice",
    "server CPU ms/req",
    "busiest server CPU",
]


def table_row(s: Result) -> list[str]:
    return [
        s["case"].name,
        str(s["case"].products),
        str(s["requests"]),
        f"{s['push_s']:.2f}",
        f"{s['checks_s']:.2f}",
        f"{s['before_first_s']:.2f}",
        f"{s['rate']:.0f}",
        f"{s['cpu_ms']:.2f}",
        str(s["connections"]),
        str(s["conns_per_account"]),
        f"{s['distinct'] - s['twice']}/{s['case'].products}",
        str(s["twice"]),
        f"{s['server_cpu_ms']:.2f}",
        f"{100 * s['server_cpu_share']:.0f} %",
    ]


def targets(summaries: list[Result]) -> list[tuple[str, bool]]:
    out = []
    for s in summaries:
        n = s["case"].products
        once = s["distinct"] == n and s["twice"] == 0 and s["created"] == n
        out.append(
            (f"{s['case'].name}: every product created exactly once: {s['distinct']} of {n}, {s['twice']} twice", once)
        )
        out.append(
            (
                f"{s['case'].name}: client CPU ≤ {TARGET_CPU_MS} ms per request: {s['cpu_ms']:.2f} ms",
                s["cpu_ms"] <= TARGET_CPU_MS,
            )
        )
        if s["case"].accounts == 20:
            out.append(
                (f"20 accounts: ≥ {TARGET_RATE:g} deal req/s aggregate: {s['rate']:.0f}", s["rate"] >= TARGET_RATE)
            )
    return out


def footnotes(summaries: list[Result], servers: int) -> list[str]:
    notes = [
        f"{servers} sandbox server processes (uvicorn, 127.0.0.1), account i on server i mod {servers}; latency"
        f" {LATENCY_MS} ms on every market request, no rate limit; every account rate_limit 0, concurrency"
        f" {CONCURRENCY}. Ceiling per account {CONCURRENCY * 1000 / LATENCY_MS:g} req/s (concurrency / latency).",
        "deal req/s = (deals − 1) / (last − first arrival of POST /api/{vendorId}/deals), every server, push phase.",
        "client CPU ms/req = os.times() user+sys of the client process over runner.push (checks + every deal) /"
        " market requests the servers saw in that window (tokens, templates, deals).",
        "checks s = wall time of the account checks (_check_accounts) + the template checks (_check_groups);"
        " first deal after s = from the start of push to the first deal's arrival.",
        "TCP conns = distinct (server, client port) pairs in the push window; max conns/account = the most distinct"
        " client ports one vendor's API requests came from (the token endpoint names no vendor).",
        "created once / twice = (vendorId, vendorDealNo) pairs in the servers' states.",
        "server CPU = the sandbox processes' os.times() over the case / requests; busiest server CPU = the busiest"
        " server's CPU seconds / push seconds (100 % = one core: that server would be the bottleneck).",
        f"{platform.python_implementation()} {platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs.",
    ]
    for s in summaries:
        bad = {k: v for k, v in s["results"].items() if k != "성공"}
        if bad or s["n429"]:
            notes.append(f"{s['case'].name}: results {s['results']}, 429s {s['n429']}; e.g. {s['errors'][:2]}")
    return notes


def report(summaries: list[Result], servers: int, out: Path) -> bool:
    table = [HEADER, *map(table_row, summaries)]
    checks = targets(summaries)
    notes = footnotes(summaries, servers)
    return publish("accounts_bench", "accounts bench", table, checks, notes, out)


def launch(accounts: Sequence[int], per_account: int, servers: int, out: Path) -> int:
    todo = [Case(a, per_account) for a in accounts]
    with tempfile.TemporaryDirectory(prefix="accounts_bench_") as name:
        tmp = Path(name)
        files = {}
        for case in todo:
            files[case.accounts] = tmp / f"products_{case.accounts}.xlsx"
            subprocess.run(
                [sys.executable, __file__, "--build", str(files[case.accounts]), str(case.accounts), str(per_account)],
                check=True,
                cwd=ROOT,
                env=child_env(),
                timeout=300,
            )
        started: list[Sandbox] = []
        try:
            started.extend(Sandbox() for _ in range(servers))
            results = []
            for case in todo:
                print(f"{case.name}: {case.products} products ...", file=sys.stderr, flush=True)
                results.append(summarize(run_case(case, started, files[case.accounts], tmp)))
        finally:
            for s in started:
                s.stop()
    return 0 if report(results, servers, out) else 1


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--accounts", type=int, nargs="+", default=list(ACCOUNTS), help="accounts per case")
    ap.add_argument("--per-account", type=int, default=PER_ACCOUNT, help="products per account")
    ap.add_argument("--servers", type=int, default=SERVERS, help="sandbox server processes")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out", help="where accounts_bench.md goes")
    ap.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--client", metavar="JSON", help=argparse.SUPPRESS)
    ap.add_argument("--build", nargs=3, metavar=("PATH", "ACCOUNTS", "PER_ACCOUNT"), help=argparse.SUPPRESS)
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
        build_child(Path(args.build[0]), int(args.build[1]), int(args.build[2]))
        return 0
    return launch(args.accounts, args.per_account, args.servers, args.out)


if __name__ == "__main__":
    sys.exit(main())
