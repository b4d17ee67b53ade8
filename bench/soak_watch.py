"""Soak: ``batch watch`` as a service for ``--minutes``, 30 % faults at the markets, kill -9s and SIGTERMs on the way.

    python bench/soak_watch.py [--minutes 15] [--kills 6] [--terms 2] [--fault-rate 0.3] [--out bench/out] [--keep]

Three kinds of process:

* the sandbox (``--serve``): ``batch.sandbox.app.create_app`` served by uvicorn on 127.0.0.1 in its own process,
  every market of the workspace given the fault plan ``{"rate": 0.3, "latency_ms": 50}`` (every fault kind:
  429, 500, 503, stall, drop, lost_response) through ``POST /__sandbox__/faults``;
* the watcher: ``batch -w WS watch`` (then ``watch --once`` at the end), a child process started again at once
  after each kill; the workspace is made by ``batch init WS --sandbox URL``, its ``[schedule]`` set to collect
  orders, claims and inquiries every ``--collect-every`` seconds, SMTP unset (reports land as .eml files in
  outbox/reports/);
* the builder (``--build PLAN``): before the clock starts, every product workbook the run may drop
  (``batch.jobs.samples.product_rows`` with unique 자체상품코드 + ``batch.exporters.template.write_template``),
  and a price update of some of them.

The launcher (this, without ``--serve`` / ``--build``) never imports ``batch``. While the clock runs it drops a
workbook into inbox/ every 20–40 s the way staff do (saved outside inbox/, then renamed in): 20–50 new products,
or now and then the same products of a file already answered with new prices. At ``--kills`` random moments it
kills the watcher with SIGKILL and restarts it; at ``--terms`` others it sends SIGTERM, times the exit (< 5 s) and
looks for the one Korean line in its stderr. It polls inbox/ every 0.5 s (time from drop to claim) and samples the
watcher's RSS and open fds every 5 s. At the end: SIGTERM, ``watch --once`` until inbox/ and processing/ are empty,
then the sandbox state of every market against the result workbooks.

The figures go to stdout and, as Markdown, to ``<out>/soak_watch.md``. Exit status 1 when a product was
registered twice at a marketplace, a product was lost (neither registered nor an error row of a result
workbook), a SIGTERM exit took 5 s or more, a dropped file got no answer, reports are left pending, or the
watcher's fds grew (the last 3 minutes' max above twice the first 3 minutes').
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import platform
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from common import ROOT, SandboxProcess, child_env, control, publish, serve_app

MARKETS = ("tmon", "coupang", "naver", "11st", "esm")
LABELS = {"tmon": "티몬", "coupang": "쿠팡", "naver": "스마트스토어", "11st": "11번가", "esm": "G마켓·옥션"}
# the sandbox state's product key holding our 자체상품코드 (Coupang: each item's externalVendorSku, "<code>-001")
SECRETS = {"BATCH_TMON_MAIN_CLIENT_SECRET": "sandbox-secret", "BATCH_TMON_MAIN_PARTNER_TOKEN": "sandbox-partner-token"}
KST = dt.timezone(dt.timedelta(hours=9))  # the watcher's own logs and names are in KST
TERM_LINE = "SIGTERM 신호를 받았습니다"
TERM_LIMIT_S = 5.0
TERM_WAIT_S = 60.0  # how long a SIGTERM is waited for before a kill (the exit then counts as >= TERM_LIMIT_S)
SAMPLE_EVERY_S = 5.0
SAMPLE_AFTER_S = 3.0  # a watcher is sampled from this many seconds after its start
POLL_S = 0.5
EARLY_S = 180.0  # fds: the last EARLY_S seconds' max must stay <= 2 x the first EARLY_S seconds'
ONCE_TRIES = 4
ONCE_TIMEOUT_S = 600.0
LOCK_NAME = ".lock"  # processing/<token>/.lock (batch.automation.watch.LOCK_NAME)
ERROR_RESULTS = frozenset({"오류", "보류"})  # a market's result cell that tells staff the product did not go through


# --- the sandbox child --------------------------------------------------------------------------------


def serve_child() -> None:
    from batch.sandbox.app import create_app

    serve_app(create_app())


# --- the builder child --------------------------------------------------------------------------------


def code_of(file_no: int, i: int) -> str:
    return f"W{file_no:04d}{i:03d}"  # 8 characters: 자체상품코드 allows 10


def build_child(plan_path: Path) -> None:
    """Write every workbook of the plan: ``[{"path", "file", "n", "markets", "bump"}]``; ``bump`` > 0 is a price
    update of file ``file``'s products (the same rows, each price raised by ``bump``). Images stay the samples'
    https://img.example.com addresses: Naver (which fetches and uploads them, https only) answers those rows 오류
    on a machine without network, and the soak counts them as error rows."""

    from batch.exporters.template import write_template
    from batch.importers import products as P
    from batch.jobs.samples import product_rows

    for item in json.loads(plan_path.read_text(encoding="utf-8")):
        file_no, n = int(item["file"]), int(item["n"])
        rows = product_rows(n, seed=file_no, markets=tuple(item["markets"]))
        codes = {str(r["code"]): code_of(file_no, i) for i, r in enumerate(rows[P.MAIN])}
        for sheet in (P.MAIN, P.NOTICES, P.OPTIONS):
            for r in rows[sheet]:
                r["code"] = codes[str(r["code"])]
        bump = int(item.get("bump", 0))
        if bump:
            rows[P.MAIN] = [{**r, "price": str(int(str(r["price"])) + bump)} for r in rows[P.MAIN]]
        write_template(P.SPEC, Path(item["path"]), rows)


# --- the launcher -------------------------------------------------------------------------------------


@dataclass
class Drop:
    name: str  # its name in inbox/
    file_no: int
    codes: list[str]
    update: bool  # a price update of products already sent
    at: float  # monotonic, when it was renamed into inbox/
    claimed: float | None = None  # monotonic, when it was first seen gone from inbox/


@dataclass
class Soak:
    ws: Path
    markets: tuple[str, ...]
    logs: Path
    proc: subprocess.Popen[bytes] | None = None
    incarnation: int = 0
    started: float = field(default_factory=time.monotonic)
    samples: list[tuple[float, int, int, int]] = field(default_factory=list)  # (t, pid, rss kB, fds)
    events: list[str] = field(default_factory=list)
    kills: int = 0
    terms: list[tuple[float, bool, int | None]] = field(default_factory=list)  # (exit s, Korean line said, rc)
    exits: list[int | None] = field(default_factory=list)
    left: list[str] = field(default_factory=list)  # in inbox/ and processing/ after the last ``watch --once``
    born: float = 0.0  # monotonic, when the running watcher was started
    stopping: tuple[float, bool] | None = None  # a SIGTERM in progress: (monotonic when sent, stacks dumped)

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def note(self, text: str) -> None:
        wall = dt.datetime.now(KST).strftime("%H:%M:%S")
        line = f"[{self.elapsed():7.1f} s {wall} KST] {text}"
        self.events.append(line)
        print(line, file=sys.stderr, flush=True)

    def stderr_path(self, n: int) -> Path:
        return self.logs / f"watch_{n:02d}.err"

    def start(self) -> None:
        self.incarnation += 1
        n = self.incarnation
        with open(self.logs / f"watch_{n:02d}.out", "wb") as out, open(self.stderr_path(n), "wb") as err:
            self.proc = subprocess.Popen(
                watcher_command(self.ws, "watch"), stdout=out, stderr=err, cwd=ROOT, env=watcher_env()
            )
        self.born = time.monotonic()
        self.note(f"watcher #{n} started (pid {self.proc.pid})")

    def kill(self) -> None:
        assert self.proc is not None
        rc = self.proc.poll()
        if rc is not None:
            self.note(f"watcher #{self.incarnation} had already exited ({rc}) before the kill")
        else:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()
            self.kills += 1
            self.note(f"watcher #{self.incarnation} killed (SIGKILL)")
        self.exits.append(self.proc.returncode)

    def term(self) -> None:
        """Send SIGTERM; ``stopped`` (called every poll) says when it has exited."""
        assert self.proc is not None
        if self.proc.poll() is not None:
            self.note(f"watcher #{self.incarnation} had already exited ({self.proc.returncode}) before the SIGTERM")
        self.proc.send_signal(signal.SIGTERM)
        self.stopping = (time.monotonic(), False)
        self.note(f"watcher #{self.incarnation} sent SIGTERM")

    def stopped(self) -> bool:
        """After ``term``: True once the watcher has exited (killed after ``TERM_WAIT_S``); its exit time noted.
        Past ``TERM_LIMIT_S`` its threads' stacks are dumped to its stderr once (SIGUSR1, see ``watcher_command``)."""
        assert self.proc is not None and self.stopping is not None
        t0, dumped = self.stopping
        took = time.monotonic() - t0
        if self.proc.poll() is None:
            if took >= TERM_WAIT_S:
                self.proc.kill()
                self.proc.wait()
                self.note(f"watcher #{self.incarnation} still running {TERM_WAIT_S:g} s after SIGTERM: killed")
            else:
                if took >= TERM_LIMIT_S and not dumped:
                    self.proc.send_signal(signal.SIGUSR1)
                    self.stopping = (t0, True)
                    self.note(
                        f"watcher #{self.incarnation} still running {TERM_LIMIT_S:g} s after SIGTERM: stacks dumped"
                    )
                return False
        err = self.stderr_path(self.incarnation).read_text(encoding="utf-8", errors="replace")
        said = [line for line in err.splitlines() if "SIGTERM" in line]
        ok = len(said) == 1 and said[0].lstrip().startswith(TERM_LINE)
        self.terms.append((took, ok, self.proc.returncode))
        self.exits.append(self.proc.returncode)
        self.stopping = None
        self.note(
            f"watcher #{self.incarnation} exited {took:.2f} s after SIGTERM, rc {self.proc.returncode}, line {ok}"
        )
        return True

    def sample(self) -> None:
        if self.proc is None or self.proc.poll() is not None or time.monotonic() - self.born < SAMPLE_AFTER_S:
            return  # not a watcher still starting (its interpreter not loaded yet)
        pid = self.proc.pid
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            fds = len(os.listdir(f"/proc/{pid}/fd"))
        except OSError:
            return
        match = re.search(r"^VmRSS:\s+(\d+)\s+kB", status, re.MULTILINE)
        if match:
            self.samples.append((self.elapsed(), pid, int(match.group(1)), fds))


def watcher_env() -> dict[str, str]:
    env = child_env()
    env.pop("BATCH_CRASH_AT", None)
    return {**env, **SECRETS}


# ``python -m batch ARGS`` with one addition: SIGUSR1 dumps every thread's stack to stderr (faulthandler), so a
# watcher slow to stop after SIGTERM shows where it waits; nothing else differs from the ``batch`` command.
STACKS = (
    "import faulthandler, signal, sys; faulthandler.register(signal.SIGUSR1, all_threads=True);"
    " sys.argv[0] = 'batch'; from batch.cli import main; main()"
)


def watcher_command(ws: Path, *args: str) -> list[str]:
    return [sys.executable, "-c", STACKS, "-w", str(ws), *args]


def batch_cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "batch", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=watcher_env(),
        timeout=timeout,
        check=False,
    )


def make_workspace(ws: Path, url: str, markets: tuple[str, ...], every_s: float) -> None:
    made = batch_cli("init", str(ws), "--sandbox", url, *(a for m in markets for a in ("--market", m)))
    if made.returncode != 0:
        raise SystemExit(f"batch init failed ({made.returncode}):\n{made.stdout}{made.stderr}")
    toml = ws / "batch.toml"
    text = toml.read_text(encoding="utf-8")
    hours = f"{every_s / 3600:.6f}"
    for job in ("orders", "claims", "inquiries"):
        text, n = re.subn(rf"^{job} = .*$", f"{job} = {hours}", text, count=1, flags=re.MULTILINE)
        if n != 1:
            raise SystemExit(f"batch.toml from batch init has no [schedule] line for {job}")
    if not re.search(r'^host = ""', text, re.MULTILINE):
        raise SystemExit("batch.toml from batch init sets an SMTP host: reports would not land as .eml")
    toml.write_text(text, encoding="utf-8")


def files_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []


def waiting(ws: Path) -> list[str]:
    """What is left in inbox/ and processing/ (a claim's lock file and inbox/images/ aside)."""
    left = [p for p in files_in(ws / "inbox") if p.parent.name != "images"]  # inbox/images/: the products' images
    left += [p for p in files_in(ws / "processing") if p.name != LOCK_NAME]
    return [p.relative_to(ws).as_posix() for p in left]


def schedule_signals(rng: random.Random, total_s: float, kills: int, terms: int) -> list[tuple[float, str]]:
    """``kills`` + ``terms`` moments, at random within 5–95 % of the run, at least 10 s apart when they fit."""
    n = kills + terms
    if n == 0:
        return []
    lo, hi = 0.05 * total_s, 0.95 * total_s
    gap = min(10.0, (hi - lo) / (2 * n))
    for _ in range(1000):
        times = sorted(rng.uniform(lo, hi) for _ in range(n))
        if all(b - a >= gap for a, b in itertools.pairwise(times)):
            break
    kinds = ["kill"] * kills + ["term"] * terms
    rng.shuffle(kinds)
    return list(zip(times, kinds, strict=True))


def plan_workbooks(
    rng: random.Random,
    staging: Path,
    total_s: float,
    markets: tuple[str, ...],
    args: argparse.Namespace,
) -> tuple[list[dict[str, Any]], dict[int, dict[str, Any]]]:
    """Enough new-product workbooks for the run at the shortest drop interval, and a price update of every third."""
    count = int(total_s // args.drop_min) + 2
    new: list[dict[str, Any]] = []
    updates: dict[int, dict[str, Any]] = {}
    for k in range(1, count + 1):
        n = rng.randint(args.products_min, args.products_max)
        new.append(
            {
                "path": str(staging / f"상품등록_{k:04d}.xlsx"),
                "file": k,
                "n": n,
                "markets": markets,
                "bump": 0,
            }
        )
        if k % 3 == 1:
            updates[k] = {
                "path": str(staging / f"가격수정_{k:04d}.xlsx"),
                "file": k,
                "n": n,
                "markets": markets,
                "bump": 500 * rng.randint(1, 6),
            }
    return new, updates


def answered_names(ws: Path) -> dict[str, list[str]]:
    """Dropped name -> where its original went: ``archive/<day>_<token>__<name>`` or ``failed/…`` (notes aside)."""
    found: dict[str, list[str]] = {}
    for folder in ("archive", "failed"):
        for p in files_in(ws / folder):
            if p.name.endswith(".txt") or "__" not in p.name:
                continue
            found.setdefault(p.name.split("__", 1)[1], []).append(f"{folder}/{p.name}")
    return found


def result_books(ws: Path, name: str) -> list[Path]:
    """The result workbooks in outbox/ (or outbox/archive/) named after dropped ``name`` (not the 재업로드용)."""
    stem = re.sub(r"[^0-9A-Za-z가-힣_\-]+", "_", Path(name).stem).strip("_")[:60]
    return [
        p
        for p in files_in(ws / "outbox")
        if p.name.startswith(f"{stem}_결과_") and p.suffix == ".xlsx" and "재업로드용" not in p.name
    ]


def read_results(path: Path, markets: tuple[str, ...]) -> dict[str, dict[str, str]]:
    """자체상품코드 -> {"처리결과": …, market: that market's 결과} from the 상품 sheet of a result workbook."""
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("상품").to_python()
    if not rows:
        return {}
    header = [str(h or "") for h in rows[0]]
    code_col = next(i for i, h in enumerate(header) if h.startswith("자체상품코드"))
    columns = {"처리결과": header.index("처리결과")}
    for m in markets:
        if f"{LABELS[m]} 결과" in header:
            columns[m] = header.index(f"{LABELS[m]} 결과")
    out: dict[str, dict[str, str]] = {}
    for row in rows[1:]:
        code = str(row[code_col] or "").strip() if code_col < len(row) else ""
        if code:
            out[code] = {k: str(row[i] or "").strip() if i < len(row) else "" for k, i in columns.items()}
    return out


def market_codes(url: str, market: str) -> Counter[str]:
    """How many products each 자체상품코드 has at ``market`` in the sandbox state."""
    products = control(url, f"/__sandbox__/state?market={market}")["products"]
    found: Counter[str] = Counter()
    for p in products:
        if market == "tmon":
            code = p.get("vendorDealNo")
        elif market == "coupang":
            items = p.get("items") or [{}]
            code = str(items[0].get("externalVendorSku") or "").rsplit("-", 1)[0] or None
        elif market == "naver":
            code = p.get("sellerManagementCode")
        elif market == "11st":
            code = p.get("sellerPrdCd")
        else:
            code = p.get("managedCode")
        if code:
            found[str(code)] += 1
    return found


def tracebacks(logs: Path) -> list[str]:
    """The last line of each traceback in the watchers' stderr, with the file it was in."""
    found: list[str] = []
    for path in sorted(logs.glob("*.err")):
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        for i, line in enumerate(lines):
            if line.startswith("Traceback"):
                j = i + 1
                while j < len(lines) and (lines[j].startswith(" ") or not lines[j].strip()):
                    j += 1
                found.append(f"{path.name}:{i + 1}: {lines[j] if j < len(lines) else '(cut off)'}")
    return found


def stack_dumps(logs: Path) -> list[str]:
    """Per stack dump (SIGUSR1 to a watcher slow to stop): each thread's top frame and its innermost batch/ frame."""
    found: list[str] = []
    for path in sorted(logs.glob("*.err")):
        threads: list[list[str]] = []
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            if re.match(r"^(Current thread|Thread) 0x[0-9a-f]+ \(most recent call first\):", line):
                threads.append([])
            elif threads and line.startswith("  File "):
                threads[-1].append(line.strip())
        for frames in threads:
            ours = next((f for f in frames if "/batch/" in f), "")
            top = frames[0] if frames else "(no frames)"
            found.append(f"{path.name}: {_short(top)}" + (f" <- {_short(ours)}" if ours and ours != top else ""))
    return found


def _short(frame: str) -> str:
    """``File "/…/batch/automation/watch.py", line 9 in files`` -> ``batch/automation/watch.py:9 files``."""
    m = re.match(r'File "(.*)", line (\d+) in (.*)', frame)
    if not m:
        return frame
    where = m.group(1)
    where = where[where.rindex("/batch/") + 1 :] if "/batch/" in where else Path(where).name
    return f"{where}:{m.group(2)} {m.group(3)}"


def run(args: argparse.Namespace) -> int:
    markets = tuple(args.markets.split(","))
    unknown = set(markets) - set(MARKETS)
    if unknown:
        raise SystemExit(f"unknown markets {sorted(unknown)}; known: {','.join(MARKETS)}")
    rng = random.Random(args.seed)
    total_s = args.minutes * 60
    tmp = Path(tempfile.mkdtemp(prefix="soak_watch_"))
    ws, staging, logs = tmp / "ws", tmp / "staging", tmp / "logs"
    staging.mkdir()
    logs.mkdir()
    print(f"soak_watch: working in {tmp}", file=sys.stderr, flush=True)

    sandbox = SandboxProcess(__file__)
    soak = Soak(ws, markets, logs)
    try:
        for m in markets:
            plan = {"market": m, "rate": args.fault_rate, "latency_ms": args.latency_ms, "seed": args.seed}
            control(sandbox.url, "/__sandbox__/faults", plan)
        make_workspace(ws, sandbox.url, markets, args.collect_every)
        new, updates = plan_workbooks(rng, staging, total_s, markets, args)
        plan_path = tmp / "plan.json"
        plan_path.write_text(json.dumps(new + list(updates.values()), ensure_ascii=False), encoding="utf-8")
        t0 = time.monotonic()
        subprocess.run(
            [sys.executable, __file__, "--build", str(plan_path)], check=True, cwd=ROOT, env=child_env(), timeout=900
        )
        print(f"built {len(new)} + {len(updates)} workbooks in {time.monotonic() - t0:.1f} s", file=sys.stderr)
        result = soak_loop(soak, args, rng, total_s, new, updates, staging)
        finish(soak, args)
        figures = measure(soak, sandbox, result, args)
        figures["sandbox_cpu"] = sandbox.cpu()
    finally:
        if soak.proc is not None and soak.proc.poll() is None:
            soak.proc.kill()
            soak.proc.wait()
        sandbox.stop()
    ok = report(figures, soak, args, tmp)
    if args.keep:
        print(f"kept: {tmp}", file=sys.stderr)
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0 if ok else 1


def soak_loop(
    soak: Soak,
    args: argparse.Namespace,
    rng: random.Random,
    total_s: float,
    new: list[dict[str, Any]],
    updates: dict[int, dict[str, Any]],
    staging: Path,
) -> list[Drop]:
    inbox = soak.ws / "inbox"
    signals = schedule_signals(rng, total_s, args.kills, args.terms)
    drops: list[Drop] = []
    next_new = 0
    used_updates: set[int] = set()
    soak.started = time.monotonic()
    soak.start()
    next_drop = rng.uniform(2, 8)
    next_sample = 0.0
    while True:
        now = soak.elapsed()
        if now >= total_s:
            break
        if now >= next_sample:
            soak.sample()
            next_sample = now + SAMPLE_EVERY_S
        if soak.stopping is not None:
            if soak.stopped():
                soak.start()
        elif signals and now >= signals[0][0]:
            _, kind = signals.pop(0)
            if kind == "kill":
                soak.kill()
                soak.start()
            else:
                soak.term()
        if now >= next_drop:
            item: dict[str, Any] | None = None
            if rng.random() < args.update_share:  # a price update of a file already answered, if one is
                done = answered_names(soak.ws)
                for d in drops:
                    if not d.update and d.file_no in updates and d.file_no not in used_updates and d.name in done:
                        item = updates[d.file_no]
                        used_updates.add(d.file_no)
                        break
            if item is None and next_new < len(new):
                item = new[next_new]
                next_new += 1
            if item is not None:
                src = Path(item["path"])
                os.utime(src)  # saved just now (the watcher takes files in the order they were written)
                os.rename(src, inbox / src.name)  # written outside inbox/, renamed in: never seen half-written
                drop = Drop(
                    src.name,
                    int(item["file"]),
                    [code_of(int(item["file"]), i) for i in range(int(item["n"]))],
                    bool(item["bump"]),
                    time.monotonic(),
                )
                drops.append(drop)
                what = "price update" if drop.update else "new products"
                soak.note(f"dropped {drop.name} ({len(drop.codes)} {what})")
            next_drop = now + rng.uniform(args.drop_min, args.drop_max)
        present = {p.name for p in inbox.iterdir()} if any(d.claimed is None for d in drops) else set()
        for d in drops:
            if d.claimed is None and d.name not in present:
                d.claimed = time.monotonic()
        if soak.stopping is None and soak.proc is not None and soak.proc.poll() is not None:
            soak.note(f"watcher #{soak.incarnation} exited by itself ({soak.proc.returncode}); restarting")
            soak.exits.append(soak.proc.returncode)
            soak.start()
        time.sleep(POLL_S)
    return drops


def finish(soak: Soak, args: argparse.Namespace) -> None:
    """SIGTERM (timed like the others), then ``watch --once`` until inbox/ and processing/ are empty."""
    soak.sample()
    soak.note("the clock ran out: stopping the watcher")
    if soak.stopping is None:
        soak.term()
    while not soak.stopped():
        time.sleep(POLL_S)
    soak.proc = None
    for i in range(ONCE_TRIES):
        if i and not waiting(soak.ws):
            break
        t0 = time.monotonic()
        err_path = soak.logs / f"once_{i + 1}.err"
        with open(soak.logs / f"once_{i + 1}.out", "wb") as out, open(err_path, "wb") as err:
            once = subprocess.Popen(
                watcher_command(soak.ws, "watch", "--once"), stdout=out, stderr=err, cwd=ROOT, env=watcher_env()
            )
        try:
            rc: int | None = once.wait(timeout=ONCE_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            once.send_signal(signal.SIGUSR1)  # where it waits, into its stderr
            time.sleep(1)
            once.kill()
            once.wait()
            rc = None
        soak.note(f"watch --once #{i + 1}: rc {rc} in {time.monotonic() - t0:.1f} s")
    soak.left = waiting(soak.ws)


def measure(soak: Soak, sandbox: SandboxProcess, drops: list[Drop], args: argparse.Namespace) -> dict[str, Any]:
    ws, markets = soak.ws, soak.markets
    answered = answered_names(ws)
    unanswered = [d.name for d in drops if len(answered.get(d.name, [])) != 1]
    no_result = [
        d.name
        for d in drops
        if any(w.startswith("archive/") for w in answered.get(d.name, [])) and not result_books(ws, d.name)
    ]
    results: dict[str, dict[str, list[str]]] = {}  # code -> market (or 처리결과) -> every value written for it
    for d in drops:
        for book in result_books(ws, d.name):
            for code, cells in read_results(book, markets).items():
                for key, value in cells.items():
                    results.setdefault(code, {}).setdefault(key, []).append(value)
    refused = {c for d in drops if any(w.startswith("failed/") for w in answered.get(d.name, [])) for c in d.codes}
    at = {m: market_codes(sandbox.url, m) for m in markets}
    dropped = sorted({c for d in drops if not d.update for c in d.codes})
    registered = {m: sum(1 for c in dropped if at[m][c]) for m in markets}
    duplicates = {m: sorted(c for c, n in at[m].items() if n > 1) for m in markets}
    errors: dict[str, int] = dict.fromkeys(markets, 0)
    losses: list[str] = []
    for c in dropped:
        for m in markets:
            if at[m][c]:
                continue
            said = results.get(c, {})
            told = any(v in ERROR_RESULTS for v in said.get(m, []))
            told = told or (not said.get(m) and "오류" in said.get("처리결과", []))
            if told or c in refused:
                errors[m] += 1
            else:
                losses.append(f"{c}@{m} (result cells: {said.get(m, [])}, 처리결과 {said.get('처리결과', [])})")
    claims = sorted(d.claimed - d.at for d in drops if d.claimed is not None)
    reports = ws / "outbox" / "reports"
    pending = files_in(ws / "state" / "reports" / "pending") + files_in(ws / "state" / "reports" / "flushing")
    return {
        "drops": drops,
        "new_files": sum(1 for d in drops if not d.update),
        "update_files": sum(1 for d in drops if d.update),
        "answered": answered,
        "in_archive": sum(1 for d in drops if any(w.startswith("archive/") for w in answered.get(d.name, []))),
        "in_failed": sum(1 for d in drops if any(w.startswith("failed/") for w in answered.get(d.name, []))),
        "unanswered": unanswered,
        "no_result": no_result,
        "left": soak.left,
        "dropped": len(dropped),
        "updated": sum(len(d.codes) for d in drops if d.update),
        "registered": registered,
        "errors": errors,
        "duplicates": duplicates,
        "losses": losses,
        "claims": claims,
        "eml": len([p for p in files_in(reports) if p.suffix == ".eml"]),
        "pending": [p.name for p in pending if p.suffix == ".json"],
        "tracebacks": tracebacks(soak.logs),
        "stacks": stack_dumps(soak.logs),
    }


def report(f: dict[str, Any], soak: Soak, args: argparse.Namespace, tmp: Path) -> bool:
    samples = soak.samples
    rss = [s[2] for s in samples] or [0]
    fds = [s[3] for s in samples] or [0]
    end_t = samples[-1][0] if samples else 0.0
    window = min(EARLY_S, end_t / 3) if end_t else EARLY_S
    early = [s[3] for s in samples if s[0] <= window] or [0]
    late = [s[3] for s in samples if s[0] >= end_t - window] or [0]
    terms = [t for t, _, _ in soak.terms]
    said_all = all(ok for _, ok, _ in soak.terms)
    claims = f["claims"]
    dups = sum(len(v) for v in f["duplicates"].values())
    markets = soak.markets
    rows = [
        ["figure", "value"],
        ["minutes", f"{args.minutes:g}"],
        ["markets (fault rate, latency)", f"{','.join(markets)} ({100 * args.fault_rate:g} %, {args.latency_ms:g} ms)"],
        ["files dropped (new + price updates)", f"{len(f['drops'])} ({f['new_files']} + {f['update_files']})"],
        [
            "files answered (archive/ + failed/)",
            f"{f['in_archive'] + f['in_failed']} ({f['in_archive']} + {f['in_failed']})",
        ],
        ["files unanswered or answered twice", str(len(f["unanswered"]))],
        ["archived files without a result workbook", str(len(f["no_result"]))],
        ["products dropped (new)", str(f["dropped"])],
        ["product rows in price updates", str(f["updated"])],
        *[[f"registered at {LABELS[m]} (error rows)", f"{f['registered'][m]} ({f['errors'][m]})"] for m in markets],
        ["duplicates", str(dups)],
        ["losses", str(len(f["losses"]))],
        ["kills (SIGKILL)", str(soak.kills)],
        ["SIGTERM exits s (last: the final stop)", ", ".join(f"{t:.2f}" for t in terms) or "-"],
        ["SIGTERM Korean line each time", "yes" if said_all else "NO"],
        ["reports written (.eml)", str(f["eml"])],
        ["reports pending at the end", str(len(f["pending"]))],
        ["RSS MB min / max", f"{min(rss) / 1024:.1f} / {max(rss) / 1024:.1f}"],
        ["fds min / max", f"{min(fds)} / {max(fds)}"],
        [f"fds max first / last {window:.0f} s", f"{max(early)} / {max(late)}"],
        [
            "drop -> claim s median / max",
            f"{statistics.median(claims):.1f} / {max(claims):.1f}" if claims else "-",
        ],
        ["tracebacks in watcher stderr", str(len(f["tracebacks"]))],
        ["left in inbox/ + processing/ after --once", str(len(f["left"]))],
    ]
    checks = [
        (f"duplicates = 0: {dups}", dups == 0),
        (f"losses = 0: {len(f['losses'])}", not f["losses"]),
        (
            f"every SIGTERM exit < {TERM_LIMIT_S:g} s with the Korean line: "
            + (", ".join(f"{t:.2f}" for t in terms) or "-"),
            all(t < TERM_LIMIT_S for t in terms) and said_all,
        ),
        (
            f"every dropped file answered once, a result workbook for each processed one: {len(f['unanswered'])}"
            f" unanswered, {len(f['no_result'])} without a result",
            not f["unanswered"] and not f["no_result"],
        ),
        (f"reports pending at the end = 0: {len(f['pending'])}", not f["pending"]),
        (f"fds do not grow: last max {max(late)} <= 2 x first max {max(early)}", max(late) <= 2 * max(early)),
    ]
    notes = [
        f"Sandbox: batch.sandbox.app served by uvicorn on 127.0.0.1 in its own process; every market's fault plan"
        f" rate {args.fault_rate:g} of every kind (429, 500, 503, stall, drop, lost_response), latency"
        f" {args.latency_ms:g} ms, seed {args.seed}. Sandbox CPU {f.get('sandbox_cpu') or 0:.1f} s.",
        f"Workspace: `batch init --sandbox URL` with {', '.join(markets)}; [schedule] orders, claims, inquiries every"
        f" {args.collect_every:g} s; SMTP unset (reports as .eml in outbox/reports/).",
        f"Drops: a workbook every {args.drop_min:g}–{args.drop_max:g} s, {args.products_min}–{args.products_max} new"
        f" products (unique 자체상품코드) sold on every market, or (share {args.update_share:g}) the products of a file"
        " already answered with new prices; written outside inbox/ and renamed in.",
        "Losses: a dropped product neither at a market nor an 오류/보류 in that market's result column (or 처리결과 오류"
        " with no market cell) of a result workbook, nor in a file moved to failed/. Duplicates: a 자체상품코드 held by"
        " more than one product at one market.",
        "RSS (VmRSS) and fds (/proc/PID/fd) sampled every 5 s from the watcher running then; drop -> claim: inbox/"
        " polled every 0.5 s (a claim delayed by a kill or a stop counts).",
        f"{platform.python_implementation()} {platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs.",
    ]
    if f["losses"]:
        notes.append("lost: " + "; ".join(f["losses"][:10]))
    for m, codes in f["duplicates"].items():
        if codes:
            notes.append(f"duplicates at {LABELS[m]}: {', '.join(codes[:10])}")
    if f["unanswered"]:
        notes.append("unanswered: " + ", ".join(f"{n} {f['answered'].get(n, [])}" for n in f["unanswered"][:10]))
    if f["no_result"]:
        notes.append("archived without a result workbook: " + ", ".join(f["no_result"][:10]))
    if f["left"]:
        notes.append("left after --once: " + ", ".join(f["left"][:10]))
    if f["pending"]:
        notes.append("pending reports: " + ", ".join(f["pending"][:10]))
    if f["tracebacks"]:
        notes.append("tracebacks: " + "; ".join(f["tracebacks"][:10]))
    if f["stacks"]:
        notes.append(
            f"where watchers still running {TERM_LIMIT_S:g} s after SIGTERM waited (thread top frame <- innermost"
            " batch/ frame): " + "; ".join(f["stacks"][:12])
        )
    exits = Counter(str(rc) for rc in soak.exits)
    notes.append("watcher exit codes: " + ", ".join(f"{rc} x{n}" for rc, n in sorted(exits.items())))

    events = "Events:\n\n```\n" + "\n".join(soak.events) + "\n```"
    return publish("soak_watch", "watch soak", rows, checks, notes, args.out, extra=[events])


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minutes", type=float, default=15)
    ap.add_argument("--kills", type=int, default=6, help="SIGKILLs at random moments (each restarted at once)")
    ap.add_argument("--terms", type=int, default=2, help="SIGTERMs at random moments (timed, then restarted)")
    ap.add_argument("--fault-rate", type=float, default=0.3)
    ap.add_argument("--latency-ms", type=float, default=50)
    ap.add_argument("--markets", default=",".join(MARKETS), help="comma-separated, of " + ",".join(MARKETS))
    ap.add_argument("--collect-every", type=float, default=60, help="seconds between scheduled collections")
    ap.add_argument("--drop-min", type=float, default=20)
    ap.add_argument("--drop-max", type=float, default=40)
    ap.add_argument("--products-min", type=int, default=20)
    ap.add_argument("--products-max", type=int, default=50)
    ap.add_argument("--update-share", type=float, default=0.2, help="share of drops that are price updates")
    ap.add_argument("--seed", type=int, default=21)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out", help="where soak_watch.md goes")
    ap.add_argument("--keep", action="store_true", help="keep the temporary workspace and logs")
    ap.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--build", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.serve:
        serve_child()
        return 0
    if args.build:
        build_child(args.build)
        return 0
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
