"""Helpers several test modules share: a LibreOffice re-save, the sandbox served by uvicorn on 127.0.0.1, fake
clocks for the marketplace client and the sandbox app, a recorder of what crossed the wire to the sandbox, the
sandbox's control API, and the rows of a result workbook."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import heapq
import itertools
import json
import os
import random
import shutil
import subprocess
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import openpyxl
import pytest
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from batch.importers import products as P
from batch.marketplaces.base import ClientSettings, MarketClient
from batch.sandbox.server import build_server

TMON_ONLY = ("tmon",)  # a workspace with the TMON account only (the TMON-specific tests)


def resave_with_libreoffice(src: Path, outdir: Path, profile: Path) -> Path:
    """Open ``src`` in LibreOffice and save it as .xlsx into ``outdir`` (its own profile and HOME, no locks)."""
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    outdir.mkdir(parents=True, exist_ok=True)
    home = profile / "home"
    home.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(outdir),
            str(src),
        ],
        env={**os.environ, "HOME": str(home)},
        capture_output=True,
        text=True,
        check=False,
        timeout=300,  # a hung soffice must not hang the suite
    )
    out = outdir / f"{src.stem}.xlsx"
    assert done.returncode == 0 and out.is_file(), f"soffice failed: {done.stdout}\n{done.stderr}"
    return out


@contextlib.contextmanager
def served(app: ASGIApp) -> Iterator[str]:
    """Serve ``app`` with uvicorn on 127.0.0.1, a free port, in a background thread; yield its base URL."""
    server = build_server(0, app=app)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        assert not thread.is_alive()


class FakeClock:
    """The marketplace client's clock: ``monotonic`` reads ``now``; ``sleep`` moves it forward by the wait (never
    back), records the wait in ``sleeps`` and yields to the loop, so backoff and pacing cost no wall time."""

    def __init__(self, now: float = 0.0) -> None:
        self.now = now
        self.sleeps: list[float] = []

    @property
    def slept(self) -> float:
        """The fake time spent sleeping, all sleeps together."""
        return sum(max(seconds, 0.0) for seconds in self.sleeps)

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += max(seconds, 0.0)
        await asyncio.sleep(0)


class VirtualClock(FakeClock):
    """A fake clock whose time moves like a wall clock's for many concurrent sleepers: each sleeper wakes at its own
    due moment, earliest first, and time is moved to that moment only after the loop has had many turns to finish
    the work in flight (requests to an in-process sandbox). ``FakeClock`` instead adds every sleep to one shared
    ``now``, which is right for one caller and too fast for twenty waiting side by side."""

    TURNS = 200  # loop turns a sleeper at the front of the queue waits before time moves

    def __init__(self, now: float = 0.0) -> None:
        super().__init__(now)
        self._queue: list[tuple[float, int]] = []
        self._ids = itertools.count()

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        entry = (self.now + max(seconds, 0.0), next(self._ids))
        heapq.heappush(self._queue, entry)
        try:
            turns = 0
            while turns < self.TURNS:
                await asyncio.sleep(0)
                turns = turns + 1 if self._queue[0] == entry else 0
        finally:
            self._queue.remove(entry)
            heapq.heapify(self._queue)
        self.now = max(self.now, entry[0])


class AppClock:
    """The sandbox app's clock (``create_app(clock=…)``), moved by hand: a callable returning ``now``."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def utc(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.now, dt.UTC)


def sandbox_client(
    market: str,
    app: ASGIApp,
    clock: FakeClock,
    settings: ClientSettings | None = None,
    base_url: str = "http://sandbox.test",
) -> MarketClient:
    """A MarketClient for ``market`` talking to ``app`` in-process: unpaced, three attempts unless ``settings``
    say otherwise, jitter from a fixed seed, time from ``clock``. Close it with ``async with client.http``."""
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url=base_url)
    settings = settings or ClientSettings(rate_limit=0, max_attempts=3)
    return MarketClient(market, http, settings, clock=clock, rng=random.Random(1))


async def sandbox_control(http: httpx.AsyncClient, market: str, action: str, body: dict[str, Any]) -> Any:
    """POST ``body`` to the sandbox's control API action for ``market``; return its answer (it must be a 200)."""
    answer = await http.post(f"/__sandbox__/{action}", json={"market": market, **body})
    assert answer.status_code == 200, answer.text
    return answer.json()


async def sandbox_state(http: httpx.AsyncClient, market: str) -> dict[str, Any]:
    """The sandbox's state of ``market``, as its control API reports it (the answer must be a 200)."""
    answer = await http.get("/__sandbox__/state", params={"market": market})
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


@dataclass
class Exchange:
    """One request as it crossed the wire to the sandbox, and the answer it got."""

    method: str
    path: str
    query: str
    headers: Headers
    body: bytes
    status: int | None = None
    answer: bytes = b""

    def json(self) -> Any:
        return json.loads(self.body)

    def reply(self) -> Any:
        return json.loads(self.answer)


@dataclass
class Recorder:
    """An ASGI app in front of ``app`` keeping each request and its answer as they crossed the wire."""

    app: ASGIApp
    seen: list[Exchange] = field(default_factory=list)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        chunks = []
        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        exchange = Exchange(
            scope["method"], scope["path"], scope["query_string"].decode(), Headers(scope=scope), b"".join(chunks)
        )
        self.seen.append(exchange)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": exchange.body, "more_body": False}

        async def keep(message: Message) -> None:
            if message["type"] == "http.response.start":
                exchange.status = message["status"]
            elif message["type"] == "http.response.body":
                exchange.answer += message.get("body", b"")
            await send(message)

        await self.app(scope, replay, keep)

    def is_market(self, exchange: Exchange) -> bool:
        """Whether ``exchange`` went to the marketplace's own paths: here, anything but the sandbox's control API."""
        return not exchange.path.startswith("/__sandbox__/")

    def market(self, method: str | None = None, path: str | None = None) -> list[Exchange]:
        """The requests to the marketplace's paths (see ``is_market``), optionally of one method and path."""
        return [
            e
            for e in self.seen
            if self.is_market(e) and (method is None or e.method == method) and (path is None or e.path == path)
        ]


def control(app: Any, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    """One request to the in-process sandbox ``app`` (its control API, mostly); the answer must be a 200."""

    async def go() -> Any:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://sandbox.test") as c:
            answer = await c.request(method, path, json=body)
            assert answer.status_code == 200, answer.text
            return answer.json()

    return asyncio.run(go())


def result_rows(path: Path, sheet: str = P.MAIN) -> dict[str, dict[str, Any]]:
    """The result workbook's rows by their first cell (자체상품코드): the columns from 처리결과 on, the example
    row left out."""
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        rows = list(wb[sheet].iter_rows(values_only=True))
    finally:
        wb.close()
    headers = list(rows[0])
    first = headers.index("처리결과")
    at = {str(name): i for i, name in enumerate(headers) if i >= first and name}
    return {
        str(r[0]): {name: (r[i] if i < len(r) else None) for name, i in at.items()}
        for r in rows[1:]
        if r[0] and r[0] != P.EXAMPLE_CODE
    }


# -- the in-process sandbox's TMON side, as the sandbox tests drive it ----------------------------------------


def run_sandbox(scenario: Callable[[httpx.AsyncClient], Awaitable[None]], app: ASGIApp) -> None:
    """Run ``scenario`` with an httpx client talking to ``app`` (a fresh in-process sandbox) at http://sandbox."""

    async def main() -> None:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://sandbox") as client:
            await scenario(client)

    asyncio.run(main())


async def tmon_token(client: httpx.AsyncClient, client_id: str = "tmon-main", secret: str = "sandbox-secret") -> str:
    """An access token for ``client_id`` from the sandbox's TMON token endpoint (multipart, as TMON's clients)."""
    answer = await client.post(
        "/oauth/token", auth=(client_id, secret), files={"grant_type": (None, "client_credentials")}
    )
    assert answer.status_code == 200, answer.text
    token: str = answer.json()["access_token"]
    return token


async def tmon_login(
    client: httpx.AsyncClient, client_id: str = "tmon-main", partner: str = "sandbox-partner-token"
) -> dict[str, str]:
    """Headers for the sandbox's TMON API as ``client_id`` (tmon-main: vendor V1001) with partner token ``partner``."""
    return {
        "Authorization": f"Bearer {await tmon_token(client, client_id)}",
        "X-Partner-Id": "sellerbot",
        "X-Partner-Token": partner,
    }


async def sandbox_ok(http: httpx.AsyncClient, action: str, body: dict[str, Any]) -> None:
    """POST ``body`` as it is to the sandbox's control API action; the answer must be 200 ``{"ok": true}``."""
    answer = await http.post(f"/__sandbox__/{action}", json=body)
    assert (answer.status_code, answer.json()) == (200, {"ok": True})


async def send_tmon_500(send: Send) -> None:
    """Answer an ASGI request as TMON does when it fails: 500, INTERNAL_SERVER_ERROR, 일시적인 오류."""
    body = json.dumps({"ResultCode": "INTERNAL_SERVER_ERROR", "Message": "일시적인 오류"}).encode()
    await send({"type": "http.response.start", "status": 500, "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": body})


@contextlib.contextmanager
def smtp_server(handler: Any) -> Iterator[int]:
    """A real SMTP server (aiosmtpd) on 127.0.0.1, a free port, handing each message to ``handler``."""
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()
