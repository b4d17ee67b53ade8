"""What the benches share: the sandbox served in its own process, the child environment, the table renderer."""

from __future__ import annotations

import asyncio
import json
import os
import re
import selectors
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SERVE_START_S = 30


_HTTP = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # 127.0.0.1 never goes through a proxy


def control(base: str, path: str, body: dict[str, Any] | None = None, *, timeout: float = 120) -> Any:
    """A JSON call to the sandbox's control API (GET without a body, POST with one)."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, headers={"Content-Type": "application/json"})
    with _HTTP.open(request, timeout=timeout) as response:
        return json.loads(response.read())


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    for key in ("NO_PROXY", "no_proxy"):  # httpx honours proxy variables; keep 127.0.0.1 direct
        env[key] = ",".join(p for p in (env.get(key, ""), "127.0.0.1", "localhost") if p)
    return env


class SandboxProcess:
    """``script --serve`` in a child process that prints {"port": N} once it listens on 127.0.0.1."""

    def __init__(self, script: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, script, "--serve"], stdout=subprocess.PIPE, text=True, cwd=ROOT, env=child_env()
        )
        assert self.proc.stdout is not None
        with selectors.DefaultSelector() as sel:
            sel.register(self.proc.stdout, selectors.EVENT_READ)
            ready = sel.select(SERVE_START_S)
        line = self.proc.stdout.readline() if ready else ""
        if not line:
            self.stop()
            raise SystemExit(f"the sandbox did not start within {SERVE_START_S} s")
        self.url = f"http://127.0.0.1:{json.loads(line)['port']}"

    def cpu(self) -> float | None:
        """The sandbox process's CPU seconds so far (Linux /proc); None elsewhere."""
        try:
            fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def render(rows: list[list[str]], *, markdown: bool = False, text_columns: int = 1) -> str:
    """An aligned table; the first row is the header, the first ``text_columns`` columns left-aligned."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]

    def line(cells: list[str]) -> str:
        padded = [
            c.ljust(w) if i < text_columns else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ]
        return f"| {' | '.join(padded)} |" if markdown else "  ".join(padded).rstrip()

    rule = ["-" * w if i < text_columns or not markdown else "-" * (w - 1) + ":" for i, w in enumerate(widths)]
    return "\n".join([line(rows[0]), line(rule), *map(line, rows[1:])])


# --- pieces of the sandbox child and the client child ---------------------------------------------------


def serve_app(app: Any) -> None:
    """Serve ``app`` (the sandbox, maybe wrapped) on 127.0.0.1, a free port; print ``{"port": N}`` once it listens."""
    from batch.sandbox.server import build_server

    server = build_server(0, "127.0.0.1", app=app)

    async def main() -> None:
        task = asyncio.create_task(server.serve())
        while not server.started and not task.done():
            await asyncio.sleep(0.01)
        if server.started:
            port = server.servers[0].sockets[0].getsockname()[1]
            print(json.dumps({"port": port}), flush=True)
        await task

    asyncio.run(main())


class BenchLog:
    """ASGI wrapper around the sandbox app: logs every market request (``entry`` says what a log row holds).

    ``GET /__bench__/log`` answers the log and the process's CPU seconds; ``POST /__bench__/clear`` empties it.
    The sandbox's own control paths (``/__sandbox__/``) pass through unlogged.
    """

    def __init__(self, app: Any) -> None:
        self.app = app
        self.log: list[list[Any]] = []

    def entry(
        self, scope: Any, arrival: float, done: float, status: int, headers: dict[str, str]
    ) -> list[Any]:  # pragma: no cover - each bench says what it keeps
        raise NotImplementedError

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or path.startswith("/__sandbox__/"):
            await self.app(scope, receive, send)
            return
        if path.startswith("/__bench__/"):
            await self._control(path, scope, receive, send)
            return
        arrival = time.monotonic()
        status = [0]  # 0: no answer (a hang-up)
        headers: dict[str, str] = {}

        async def watch(message: Any) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
                headers.update(
                    (k.decode("latin-1").lower(), v.decode("latin-1")) for k, v in message.get("headers", [])
                )
            await send(message)

        try:
            await self.app(scope, receive, watch)
        finally:
            self.log.append(self.entry(scope, arrival, time.monotonic(), status[0], headers))

    async def _control(self, path: str, scope: Any, receive: Any, send: Any) -> None:
        from starlette.responses import JSONResponse

        t = os.times()
        body: dict[str, Any] = {"cpu": t.user + t.system}
        if path == "/__bench__/log":
            body["log"] = self.log
        elif path == "/__bench__/clear":
            self.log = []
        await JSONResponse(body)(scope, receive, send)


def client_port(scope: Any) -> int:
    """The client's TCP port: it tells the connections apart."""
    return int((scope.get("client") or ("", 0))[1])


def set_line(text: str, pattern: str, new: str) -> str:
    """``text`` (a batch.toml) with the one line matching ``pattern`` replaced."""
    out, n = re.subn(pattern, new, text, count=1, flags=re.MULTILINE)
    if n != 1:
        raise SystemExit(f"batch.toml from init_workspace has no line matching {pattern!r}")
    return out


def max_in_window(times: list[float], window: float = 1.0) -> int:
    """The most of the sorted ``times`` that fall within any ``window`` seconds."""
    best, lo = 0, 0
    for hi, t in enumerate(times):
        while t - times[lo] >= window:
            lo += 1
        best = max(best, hi - lo + 1)
    return best


def run_child(script: str, cfg: dict[str, Any], *, timeout: float, what: str) -> tuple[dict[str, Any], float]:
    """Run ``script --client CFG`` in a fresh process; (the JSON line it printed last, wall seconds)."""
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, script, "--client", json.dumps(cfg)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=child_env(),
        timeout=timeout,
    )
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"client {what} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result, wall


def bench_workspace(root: Path, url: str, market: str, **settings: float) -> Any:
    """A workspace whose one ``market`` account points at the served sandbox at ``url``, with ``settings``
    (e.g. rate_limit, concurrency) replacing the lines ``init_workspace`` wrote; the loaded Workspace."""
    from batch.config import CONFIG_NAME, load_workspace
    from batch.jobs.init import init_workspace

    init_workspace(root, sandbox_url=url, markets=(market,))
    toml = root / CONFIG_NAME
    text = toml.read_text(encoding="utf-8")
    for key, value in settings.items():
        text = set_line(text, rf"^{key} = .*$", f"{key} = {value:g}")
    # init_workspace marks a served sandbox's accounts `sandbox = true`: its published test ids and secrets apply
    toml.write_text(text, encoding="utf-8")
    return load_workspace(root)


def publish(
    name: str,
    title: str,
    table: list[list[str]],
    checks: list[tuple[str, bool]],
    notes: list[str],
    out: Path,
    *,
    text_columns: int = 1,
    extra: list[str] | None = None,
) -> bool:
    """Print ``table``, the targets (OK / MISS) and the notes, and write them as Markdown (``extra`` paragraphs
    after) to ``out/<name>.md`` under ``# <title>``; True when every target is met."""
    mark = {True: "OK", False: "MISS"}
    print(render(table, text_columns=text_columns))
    print()
    print("\n".join(f"{mark[ok]}  {text}" for text, ok in checks))
    print("\n".join(f"  * {n}" for n in notes))
    md = "\n\n".join(
        [
            f"# {title}",
            render(table, markdown=True, text_columns=text_columns),
            "Targets:\n\n" + "\n".join(f"- **{mark[ok]}** {text}" for text, ok in checks),
            "\n".join(f"- {n}" for n in notes),
            *(extra or []),
        ]
    )
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{name}.md").write_text(md + "\n", encoding="utf-8")
    print(f"\nwritten: {out / f'{name}.md'}")
    return all(ok for _, ok in checks)
