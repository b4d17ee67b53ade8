"""The aiohttp transport real marketplace URLs use (marketplaces/transport.py), against a tiny HTTP server on
127.0.0.1: each way a connection fails is the httpx error httpx's own transport raises, so ``MarketClient`` retries
and reports it as before; an account opens no more connections than its concurrency."""

from __future__ import annotations

import asyncio
import contextlib
import random
import socket
import struct
from collections.abc import Mapping
from dataclasses import dataclass, field

import httpx
import pytest
from helpers import FakeClock

from batch.config import Account
from batch.marketplaces.base import Call, MarketClient, Unavailable
from batch.marketplaces.connect import http_client, settings_for

ANSWER = b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{"ok":true}'


@dataclass
class Server:
    """Reads each request whole, then does ``mode``: ``answer`` (keep-alive 200), ``hang`` (never answers),
    ``close`` (hangs up without a byte) or ``reset`` (a TCP reset). Notes each request's client port."""

    mode: str
    ports: list[int] = field(default_factory=list)
    targets: list[bytes] = field(default_factory=list)  # each request line's target, as it came on the wire
    in_flight: int = 0
    most_in_flight: int = 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        port = writer.get_extra_info("peername")[1]
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = next(
                    (
                        int(line.split(b":")[1])
                        for line in head.split(b"\r\n")
                        if line.lower().startswith(b"content-length:")
                    ),
                    0,
                )
                await reader.readexactly(length)
                self.ports.append(port)
                self.targets.append(head.split(b" ")[1])
                if self.mode == "hang":
                    await asyncio.sleep(3600)
                if self.mode == "close":
                    writer.close()
                    return
                if self.mode == "reset":
                    writer.get_extra_info("socket").setsockopt(
                        socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                    )
                    writer.transport.abort()
                    return
                self.in_flight += 1
                self.most_in_flight = max(self.most_in_flight, self.in_flight)
                await asyncio.sleep(0.002)  # a little latency, so requests overlap
                self.in_flight -= 1
                writer.write(ANSWER)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.CancelledError):
            writer.close()


async def serve(mode: str) -> tuple[Server, asyncio.Server, str]:
    server = Server(mode)
    listening = await asyncio.start_server(server.handle, "127.0.0.1", 0)
    port = listening.sockets[0].getsockname()[1]
    return server, listening, f"http://127.0.0.1:{port}"


def closed_port() -> str:
    """A 127.0.0.1 URL nothing listens on: connecting is refused."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def account(url: str, **settings: float) -> Account:
    return Account("tmon", "main", url, dict(settings))


def market_client(url: str, clock: FakeClock, **settings: float) -> MarketClient:
    acc = account(url, rate_limit=0, **settings)
    return MarketClient("tmon", http_client(acc), settings_for(acc), clock=clock, rng=random.Random(3))


async def no_auth() -> Mapping[str, str]:
    return {}


async def no_renewal(response: httpx.Response) -> bool:
    return False


def to_error(response: httpx.Response) -> Unavailable:
    return Unavailable("tmon", "오류", status=response.status_code)


async def send(client: MarketClient, call: Call) -> httpx.Response:
    try:
        return await client.send(call, auth=no_auth, on_auth_error=no_renewal, to_error=to_error)
    finally:
        await client.http.aclose()


POST = Call("POST", "/api/V1/deals", json={"code": "A"}, idempotent=False)
GET = Call("GET", "/api/V1/deals/1")


# -- each failure is the httpx error httpx's own transport raises -------------------------------------------


@pytest.mark.parametrize(
    ("mode", "expected"),
    [("hang", httpx.ReadTimeout), ("close", httpx.RemoteProtocolError), ("reset", httpx.ReadError)],
)
def test_a_failed_exchange_is_the_httpx_error_of_httpx_own_transport(mode: str, expected: type[Exception]) -> None:
    async def main() -> None:
        server, listening, url = await serve(mode)
        async with listening, http_client(account(url)) as http:
            with pytest.raises(httpx.TransportError) as info:
                await http.post("/api/V1/deals", json={"a": 1}, timeout=0.3)
        assert type(info.value) is expected
        assert server.ports != []  # the request reached the server

    asyncio.run(main())


def test_a_refused_connection_is_a_connect_error() -> None:
    async def main() -> None:
        async with http_client(account(closed_port())) as http:
            with pytest.raises(httpx.TransportError) as info:
                await http.get("/")
        assert type(info.value) is httpx.ConnectError

    asyncio.run(main())


# -- so MarketClient retries and reports as before ------------------------------------------------------------


def test_a_refused_post_is_retried_then_reported_as_not_sent() -> None:
    clock = FakeClock(100.0)
    client = market_client(closed_port(), clock, max_attempts=3)
    with pytest.raises(Unavailable) as info:
        asyncio.run(send(client, POST))
    assert (info.value.message, info.value.outcome_unknown) == ("연결 오류 (ConnectError)", False)
    assert client.sent == 3
    assert len(clock.sleeps) == 2  # a backoff before each retry


def test_a_post_that_could_not_connect_in_time_is_retried_and_reported_as_not_sent() -> None:
    """A listener whose accept queue is full drops the SYN, so connecting times out: nothing was sent, and the POST
    goes again (a read timeout, below, is never retried: the request may have landed)."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)  # never accepted: the queue is full after the filler connections below
        port = listener.getsockname()[1]
        fillers = [socket.socket() for _ in range(3)]
        try:
            for f in fillers:
                f.setblocking(False)
                with contextlib.suppress(BlockingIOError):
                    f.connect(("127.0.0.1", port))
            clock = FakeClock(100.0)
            client = market_client(f"http://127.0.0.1:{port}", clock, max_attempts=2, timeout=0.3)
            with pytest.raises(Unavailable) as info:
                asyncio.run(send(client, POST))
        finally:
            for f in fillers:
                f.close()
    assert (info.value.message, info.value.outcome_unknown) == ("연결 시간 초과 (ConnectTimeout)", False)
    assert client.sent == 2 and len(clock.sleeps) == 1  # tried again after a backoff


def test_a_get_timing_out_is_retried_and_a_post_is_not() -> None:
    async def main() -> None:
        server, listening, url = await serve("hang")
        async with listening:
            clock = FakeClock(100.0)
            client = market_client(url, clock, max_attempts=3, timeout=0.3)
            with pytest.raises(Unavailable) as info:
                await send(client, GET)
            assert info.value.message.startswith("응답 시간 초과 (")
            assert info.value.outcome_unknown is False
            assert len(server.ports) == 3

            server.ports.clear()
            client = market_client(url, FakeClock(100.0), max_attempts=3, timeout=0.3)
            with pytest.raises(Unavailable) as info:
                await send(client, POST)
            assert info.value.outcome_unknown is True  # it may have landed: never sent twice
            assert len(server.ports) == 1

    asyncio.run(main())


def test_a_post_the_server_hung_up_on_is_outcome_unknown_and_not_resent() -> None:
    async def main() -> None:
        server, listening, url = await serve("close")
        async with listening:
            client = market_client(url, FakeClock(100.0), max_attempts=3)
            with pytest.raises(Unavailable) as info:
                await send(client, POST)
        assert (info.value.message, info.value.outcome_unknown) == ("연결 오류 (RemoteProtocolError)", True)
        assert len(server.ports) == 1

    asyncio.run(main())


# -- the pool is the account's concurrency ----------------------------------------------------------------------


def test_requests_reuse_as_many_connections_as_the_account_concurrency() -> None:
    async def main() -> None:
        server, listening, url = await serve("answer")
        async with listening:
            client = market_client(url, FakeClock(100.0), concurrency=4)
            gate = asyncio.Semaphore(16)  # more callers at once than the pool holds

            async def one(i: int) -> int:
                async with gate:
                    response = await client.send(
                        Call("GET", f"/api/V1/deals/{i}"), auth=no_auth, on_auth_error=no_renewal, to_error=to_error
                    )
                    return response.status_code

            try:
                statuses = await asyncio.gather(*(one(i) for i in range(200)))
            finally:
                await client.http.aclose()
        assert statuses == [200] * 200
        assert len(server.ports) == 200
        assert len(set(server.ports)) == 4  # 4 connections opened and kept for 200 requests
        assert server.most_in_flight == 4

    asyncio.run(main())


def test_the_url_goes_out_as_httpx_encoded_it() -> None:
    """A signed request (Coupang's HMAC covers the query) must reach the marketplace byte for byte."""

    async def main() -> None:
        server, listening, url = await serve("answer")
        async with listening, http_client(account(url)) as http:
            params = {"createdAtFrom": "2026-03-01T09:00:00+09:00", "q": "b c,d/e", "name": "티몬"}
            request = http.build_request("GET", "/v2/orders", params=params)
            response = await http.send(request)
        assert response.json() == {"ok": True}
        assert server.targets == [request.url.raw_path]

    asyncio.run(main())


def test_a_cookie_a_marketplace_sets_is_still_kept_and_sent_back() -> None:
    """The clients skip http.cookiejar's work only for answers that set no cookie (connect.SetCookiesOnly)."""
    from http.cookiejar import CookieJar
    from unittest import mock

    from batch.marketplaces.connect import MarketHttpClient

    seen: list[str | None] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("cookie"))
        if request.url.path == "/login":
            return httpx.Response(200, headers={"Set-Cookie": "SID=abc; Path=/"})
        return httpx.Response(200, json={"ok": True})

    async def go() -> None:
        async with MarketHttpClient(transport=httpx.MockTransport(answer), base_url="http://market.test") as client:
            with mock.patch.object(CookieJar, "extract_cookies", autospec=True) as extract:
                await client.get("/ping")
                assert extract.call_count == 0  # no Set-Cookie: the standard library is not asked
            await client.get("/login")
            await client.get("/ping")
            assert client.cookies.get("SID") == "abc"

    asyncio.run(go())
    assert seen == [None, None, "SID=abc"]
