"""The shared marketplace client (base.py): retries, backoff, Retry-After, pacing, breaker, kill switch.

Time is a fake clock: ``sleep`` moves it forward and records the wait, so no test waits for real.
Each marketplace is an ``httpx.MockTransport`` answering from a list of responders.
"""

from __future__ import annotations

import asyncio
import itertools
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from helpers import FakeClock

from batch.marketplaces.base import (
    AuthFailed,
    Blocked,
    Call,
    ClientSettings,
    MarketClient,
    MarketError,
    RateLimited,
    Rejected,
    TokenBucket,
    Unavailable,
    status_error,
)

SEED = 11
START = 100.0  # the fake clock's time when a test begins


Responder = Callable[[httpx.Request], httpx.Response]


@dataclass
class Seen:
    method: str
    path: str
    at: float  # fake time when the request reached the marketplace


@dataclass
class Market:
    """A mock marketplace: answers with ``responders`` in turn (the last one repeats) and records each request."""

    clock: FakeClock
    responders: list[Responder]
    seen: list[Seen] = field(default_factory=list)

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(Seen(request.method, request.url.path, self.clock.now))
        index = min(len(self.seen), len(self.responders)) - 1
        return self.responders[index](request)


def answer(status: int, body: Any = None, headers: Mapping[str, str] | None = None) -> Responder:
    return lambda request: httpx.Response(status, json=body if body is not None else {}, headers=headers)


def raising(exc: type[httpx.TransportError], message: str) -> Responder:
    def respond(request: httpx.Request) -> httpx.Response:
        raise exc(message, request=request)

    return respond


OK = answer(200, {"ok": True})


def to_error(response: httpx.Response) -> MarketError:
    body = response.json()
    return status_error("mock", response, str(body.get("Message", "")), body.get("ResultCode"))


async def no_renewal(response: httpx.Response) -> bool:
    return False


async def no_auth() -> Mapping[str, str]:
    return {"Authorization": "Bearer t"}


def backoff_ceiling(settings: ClientSettings, attempt: int) -> float:
    return min(settings.backoff_cap, settings.backoff_base * 2**attempt)


@dataclass
class Harness:
    clock: FakeClock
    market: Market
    client: MarketClient

    async def send(self, call: Call | None = None) -> httpx.Response:
        return await self.client.send(
            call or Call("GET", "/items/1"), auth=no_auth, on_auth_error=no_renewal, to_error=to_error
        )

    def run(self, *calls: Call) -> list[httpx.Response]:
        """Send ``calls`` one after another inside one event loop (a MockTransport holds no connections)."""

        async def main() -> list[httpx.Response]:
            return [await self.send(call) for call in calls]

        return asyncio.run(main())

    def fails(self, call: Call | None = None) -> MarketError:
        """Send ``call``; return the MarketError it raised (the test then checks its kind and fields)."""

        with pytest.raises(MarketError) as info:
            asyncio.run(self.send(call))
        return info.value


def harness(*responders: Responder, kill_switch: str | None = None, **settings: Any) -> Harness:
    clock = FakeClock(START)
    market = Market(clock, list(responders))
    http = httpx.AsyncClient(transport=httpx.MockTransport(market.handler), base_url="https://market.test")
    values: dict[str, Any] = {"rate_limit": 0.0, "max_attempts": 4, "backoff_base": 0.5, "backoff_cap": 2.0}
    client = MarketClient(
        "mock",
        http,
        ClientSettings(**{**values, **settings}),
        clock=clock,
        rng=random.Random(SEED),
        kill_switch=kill_switch,
    )
    return Harness(clock, market, client)


def expected_backoffs(settings: ClientSettings, attempts: range) -> list[float]:
    """The sleeps the client draws: full jitter from the same seed, one per retry."""
    rng = random.Random(SEED)
    return [rng.uniform(0, backoff_ceiling(settings, n)) for n in attempts]


# -- Retry-After ------------------------------------------------------------------------------------------


def test_429_waits_retry_after_then_retries() -> None:
    h = harness(answer(429, {"ResultCode": "TOO_MANY", "Message": "잠시 후"}, {"Retry-After": "7"}), OK)
    [response] = h.run(Call("GET", "/items/1"))
    assert response.json() == {"ok": True}
    assert [s.at for s in h.market.seen] == [100.0, 107.0]
    assert h.clock.sleeps == [7.0]  # the asked-for wait, no extra backoff on top


def test_429_slows_every_request_of_the_account() -> None:
    h = harness(answer(429, {"Message": "잠시 후"}, {"Retry-After": "7"}), OK, max_attempts=1)
    error = h.fails(Call("GET", "/items/1"))
    assert isinstance(error, RateLimited)
    assert (error.retry_after, error.status, error.retry_safe) == (7.0, 429, True)
    assert h.client.bucket.slow_until == 107.0
    assert h.clock.sleeps == []  # the failing call itself does not wait: it has no attempts left
    [response] = h.run(Call("GET", "/items/2"))  # another request of the same account
    assert response.status_code == 200
    assert [(s.path, s.at) for s in h.market.seen] == [("/items/1", 100.0), ("/items/2", 107.0)]
    assert h.clock.sleeps == [7.0]


def test_429_without_retry_after_backs_off_and_gives_up_as_rate_limited() -> None:
    h = harness(answer(429, {"Message": "요청이 너무 많습니다."}), max_attempts=3)
    error = h.fails()
    assert isinstance(error, RateLimited)
    assert (error.message, error.retry_after) == ("요청이 너무 많습니다.", None)
    assert len(h.market.seen) == 3
    assert h.clock.sleeps == pytest.approx(expected_backoffs(h.client.settings, range(0, 2)))


def test_paced_account_also_honours_retry_after() -> None:
    h = harness(answer(429, {"Message": "잠시 후"}, {"Retry-After": "7"}), OK, rate_limit=20.0)
    h.run(Call("GET", "/items/1"))
    assert [s.at for s in h.market.seen] == [100.0, 107.0]


# -- backoff --------------------------------------------------------------------------------------------


def test_500_is_retried_with_capped_jittered_backoff_then_unavailable() -> None:
    h = harness(answer(500, {"ResultCode": "ISE", "Message": "일시적인 오류"}), max_attempts=5)
    error = h.fails()
    assert isinstance(error, Unavailable)
    assert (error.status, error.code, error.message, error.outcome_unknown) == (500, "ISE", "일시적인 오류", False)
    assert str(error) == "일시적인 오류 (HTTP 500, ISE)"
    assert len(h.market.seen) == 5
    settings = h.client.settings
    assert len(h.clock.sleeps) == 4  # between the five attempts
    for n, slept in enumerate(h.clock.sleeps, start=1):
        assert 0 <= slept <= backoff_ceiling(settings, n)
    assert [backoff_ceiling(settings, n) for n in range(1, 5)] == [1.0, 2.0, 2.0, 2.0]  # capped at 2
    assert h.clock.sleeps == pytest.approx(expected_backoffs(settings, range(1, 5)))


def test_503_then_success_returns_the_answer() -> None:
    h = harness(answer(503, {"Message": "점검 중"}), answer(503, {"Message": "점검 중"}), OK)
    [response] = h.run(Call("GET", "/items/1"))
    assert response.json() == {"ok": True}
    assert len(h.market.seen) == 3
    assert len(h.clock.sleeps) == 2
    assert h.client.breaker.failures == 0  # a success closes the count


def test_backoff_is_full_jitter_under_the_cap() -> None:
    h = harness(backoff_base=0.5, backoff_cap=20.0)
    draws = {n: [h.client.backoff(n) for _ in range(200)] for n in range(8)}
    for n, values in draws.items():
        ceiling = min(20.0, 0.5 * 2**n)
        assert all(0 <= v <= ceiling for v in values)
        assert max(values) > ceiling * 0.9  # the whole range is used, not a fixed step
        assert min(values) < ceiling * 0.1


# -- what is not retried --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "kind"), [(400, Rejected), (404, Rejected), (409, Rejected), (401, AuthFailed), (403, AuthFailed)]
)
def test_client_errors_are_not_retried(status: int, kind: type[MarketError]) -> None:
    h = harness(answer(status, {"ResultCode": "BAD", "Message": "딜명(title): 필수 항목입니다."}), OK)
    error = h.fails(Call("POST", "/items", json={"a": 1}, idempotent=False))
    assert type(error) is kind
    assert (error.status, error.code, error.message) == (status, "BAD", "딜명(title): 필수 항목입니다.")
    assert len(h.market.seen) == 1
    assert h.clock.sleeps == []


def test_post_dropped_after_sending_is_outcome_unknown_and_not_retried() -> None:
    h = harness(raising(httpx.RemoteProtocolError, "Server disconnected without sending a response."), OK)
    error = h.fails(Call("POST", "/items", json={"code": "A"}, idempotent=False))
    assert isinstance(error, Unavailable)
    assert error.outcome_unknown is True
    assert error.retry_safe is False
    assert error.message == "연결 오류 (RemoteProtocolError)"
    assert len(h.market.seen) == 1
    assert h.clock.sleeps == []


def test_post_timing_out_is_outcome_unknown_and_not_retried() -> None:
    h = harness(raising(httpx.ReadTimeout, "timed out"), OK)
    error = h.fails(Call("POST", "/items", json={"code": "A"}, idempotent=False))
    assert isinstance(error, Unavailable)
    assert (error.outcome_unknown, error.message) == (True, "응답 시간 초과 (ReadTimeout)")
    assert len(h.market.seen) == 1


def test_post_that_never_connected_is_retried() -> None:
    h = harness(raising(httpx.ConnectError, "connection refused"), OK)
    [response] = h.run(Call("POST", "/items", json={"code": "A"}, idempotent=False))
    assert response.status_code == 200
    assert [s.method for s in h.market.seen] == ["POST", "POST"]
    assert len(h.clock.sleeps) == 1


@pytest.mark.parametrize("timeout", [httpx.ConnectTimeout, httpx.PoolTimeout])
def test_post_whose_connection_timed_out_is_retried(timeout: type[httpx.TimeoutException]) -> None:
    """No connection, nothing sent: unlike a read timeout, the POST may go again."""
    h = harness(raising(timeout, "timed out"), OK)
    [response] = h.run(Call("POST", "/items", json={"code": "A"}, idempotent=False))
    assert response.status_code == 200
    assert [s.method for s in h.market.seen] == ["POST", "POST"]
    assert len(h.clock.sleeps) == 1


def test_get_that_times_out_is_retried() -> None:
    h = harness(raising(httpx.ReadTimeout, "timed out"), raising(httpx.ReadTimeout, "timed out"), OK)
    [response] = h.run(Call("GET", "/items/1"))
    assert response.json() == {"ok": True}
    assert len(h.market.seen) == 3
    assert h.clock.sleeps == pytest.approx(expected_backoffs(h.client.settings, range(1, 3)))


def test_get_that_keeps_timing_out_gives_up_retry_safe() -> None:
    h = harness(raising(httpx.ReadTimeout, "timed out"), max_attempts=3)
    error = h.fails(Call("GET", "/items/1"))
    assert isinstance(error, Unavailable)
    assert (error.outcome_unknown, error.message) == (False, "응답 시간 초과 (ReadTimeout)")
    assert len(h.market.seen) == 3


def test_idempotent_put_dropped_after_sending_is_retried() -> None:
    h = harness(raising(httpx.RemoteProtocolError, "Server disconnected"), OK)
    [response] = h.run(Call("PUT", "/items/1", json={"a": 1}, idempotent=True))
    assert response.status_code == 200
    assert len(h.market.seen) == 2


# -- circuit breaker --------------------------------------------------------------------------------------


def test_breaker_opens_after_threshold_failures_and_blocks_without_sending() -> None:
    h = harness(answer(500, {"Message": "오류"}), max_attempts=1, breaker_threshold=3, breaker_cooldown=30.0)
    for _ in range(3):
        assert isinstance(h.fails(), Unavailable)
    assert len(h.market.seen) == 3
    blocked = h.fails()
    assert type(blocked) is Blocked
    assert blocked.message == "이 계정의 요청이 계속 실패해 잠시 멈췄습니다. 잠시 뒤 다시 실행하세요."
    assert len(h.market.seen) == 3  # nothing sent
    h.clock.now += 29.9
    assert type(h.fails()) is Blocked
    assert len(h.market.seen) == 3


def test_breaker_lets_a_probe_through_after_cooldown_and_closes_on_success() -> None:
    failing = answer(500, {"Message": "오류"})
    h = harness(failing, failing, OK, max_attempts=1, breaker_threshold=2, breaker_cooldown=30.0)
    for _ in range(2):
        h.fails()
    assert type(h.fails()) is Blocked
    h.clock.now += 30.0
    responses = h.run(Call("GET", "/items/1"), Call("GET", "/items/2"))
    assert [r.status_code for r in responses] == [200, 200]
    assert (h.client.breaker.failures, h.client.breaker.opened_at) == (0, None)
    assert len(h.market.seen) == 4


def test_breaker_opening_mid_retry_stops_that_call() -> None:
    h = harness(answer(503, {"Message": "오류"}), max_attempts=10, breaker_threshold=3)
    assert type(h.fails()) is Blocked
    assert len(h.market.seen) == 3


def test_client_errors_do_not_count_towards_the_breaker() -> None:
    h = harness(answer(400, {"Message": "잘못된 값"}), max_attempts=1, breaker_threshold=2)
    for _ in range(5):
        assert isinstance(h.fails(), Rejected)
    assert len(h.market.seen) == 5
    assert h.client.breaker.failures == 0


# -- kill switch ----------------------------------------------------------------------------------------


def test_kill_switch_blocks_and_sends_nothing() -> None:
    h = harness(OK, kill_switch="티몬 영업 중단")
    asked: list[str] = []

    async def auth() -> Mapping[str, str]:
        asked.append("token")
        return {}

    async def main() -> None:
        await h.client.send(
            Call("POST", "/items", json={}, idempotent=False), auth=auth, on_auth_error=no_renewal, to_error=to_error
        )

    with pytest.raises(Blocked) as info:
        asyncio.run(main())
    assert (info.value.message, info.value.market, info.value.status) == ("티몬 영업 중단", "mock", None)
    assert h.market.seen == []
    assert asked == []  # not even a token
    assert h.client.sent == 0


# -- pacing ---------------------------------------------------------------------------------------------


def test_token_bucket_spaces_requests_under_the_rate_limit() -> None:
    h = harness(OK, rate_limit=20.0)
    h.run(*(Call("GET", f"/items/{i}") for i in range(10)))
    times = [s.at for s in h.market.seen]
    interval = 1 / (20.0 * h.client.settings.rate_margin)
    assert times[0] == 100.0  # the first request does not wait
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert len(gaps) == 9
    assert all(gap >= interval - 1e-9 for gap in gaps), gaps
    assert times[-1] - times[0] == pytest.approx(9 * interval)


def test_token_bucket_paces_concurrent_requests_too() -> None:
    h = harness(OK, rate_limit=20.0)
    released: list[float] = []

    async def auth() -> Mapping[str, str]:  # called as soon as the bucket lets a request go
        released.append(h.clock.now)
        return {}

    async def send(i: int) -> httpx.Response:
        return await h.client.send(Call("GET", f"/items/{i}"), auth=auth, on_auth_error=no_renewal, to_error=to_error)

    async def main() -> None:
        await asyncio.gather(*(send(i) for i in range(6)))

    asyncio.run(main())
    assert len(h.market.seen) == 6
    times = sorted(released)
    assert times[0] == 100.0
    interval = 1 / (20.0 * h.client.settings.rate_margin)
    assert all(b - a >= interval - 1e-9 for a, b in itertools.pairwise(times)), times


def test_token_bucket_unpaced_takes_no_time() -> None:
    clock = FakeClock(START)
    bucket = TokenBucket(0.0, clock)

    async def main() -> None:
        for _ in range(100):
            await bucket.take()

    asyncio.run(main())
    assert clock.sleeps == []


def test_token_bucket_pause_holds_the_next_take() -> None:
    clock = FakeClock(START)
    bucket = TokenBucket(5.0, clock)

    async def main() -> list[float]:
        await bucket.take()
        bucket.pause(3.0)
        bucket.pause(1.0)  # a shorter pause does not shorten the longer one
        await bucket.take()
        return [clock.now]

    assert asyncio.run(main()) == [103.0]
    assert clock.sleeps == [3.0]


class LateClock:
    """A clock whose sleeps always wake up ``late`` seconds after they should (a busy event loop)."""

    def __init__(self, late: float) -> None:
        self.now, self.late = 100.0, late

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += max(seconds, 0.0) + self.late
        await asyncio.sleep(0)


def test_token_bucket_late_wake_ups_do_not_slow_the_pace() -> None:
    clock = LateClock(0.002)
    bucket = TokenBucket(20.0, clock)
    times: list[float] = []

    async def main() -> None:
        for _ in range(101):
            await bucket.take()
            times.append(clock.now)

    asyncio.run(main())
    assert times[-1] - times[0] == pytest.approx(100 / 20.0, abs=0.003)
    assert all(b - a >= 0.5 / 20.0 for a, b in itertools.pairwise(times))


def test_an_announced_per_api_rate_paces_that_api_alone() -> None:
    http = httpx.AsyncClient(base_url="https://api.commerce.naver.com/external")
    client = MarketClient("naver", http, ClientSettings(rate_limit=10), clock=FakeClock(START))
    announced = httpx.Request("POST", "https://api.commerce.naver.com/external/v2/products/123/options")
    client.follow(20, 40, 39, request=announced)

    assert client.api_of("POST", "/external/v2/products/123/options") == "POST /v2/products/{n}/options"
    own = client.api_buckets["POST /v2/products/{n}/options"]
    assert (own.rate, own.burst) == (pytest.approx(20 * 0.97), 40)
    assert client.bucket_for(Call("POST", "/v2/products/456/options")) is own
    assert client.bucket_for(Call("GET", "/v2/products/456/options")) is client.bucket
    assert client.bucket.rate == pytest.approx(10 * 0.97)  # the account's configured rate is untouched
    client.follow(0, request=announced)  # a zero rate announces nothing
    assert own.rate == pytest.approx(20 * 0.97)
    asyncio.run(http.aclose())


def test_a_marketplace_echoing_the_credential_never_shows_it() -> None:
    import base64

    import httpx

    from batch.marketplaces.base import status_error

    secret = "s3cr3t-partner-token-value"
    basic = base64.b64encode(b"tmon-main:client-secret-9876").decode()
    request = httpx.Request(
        "POST", "https://example.invalid/x", headers={"Authorization": f"Basic {basic}", "X-Partner-Token": secret}
    )
    echoed = f"invalid token {secret} for Basic {basic} (client-secret-9876)"
    error = status_error("tmon", httpx.Response(401, request=request), f"티몬 인증 오류: {echoed}")
    assert error.message == "티몬 인증 오류: invalid token **** for **** (****)"


# --- Spacing: one call kind kept apart across every account of the installation ------------------------------


def test_spacing_keeps_twenty_accounts_five_seconds_apart_through_one_file(tmp_path: Path) -> None:
    """Twenty clients on one fake clock and one ledger file: their calls of one kind go 5.2 s apart, one at a time,
    and the last goes after 19 × 5.2 s; another kind is not held."""
    from batch.marketplaces.base import Spacing

    clock = FakeClock(1000.0)
    shared = tmp_path / "ledger.sqlite"
    moments: list[float] = []

    async def one(i: int) -> None:
        await Spacing(clock, shared).wait("esm:RequestOrders", 5.2)
        moments.append(clock.monotonic())

    async def every() -> None:
        await asyncio.gather(*(one(i) for i in range(20)))

    asyncio.run(every())
    moments.sort()
    assert [round(b - a, 6) for a, b in itertools.pairwise(moments)] == [5.2] * 19
    assert moments[-1] - moments[0] == pytest.approx(19 * 5.2)
    before = clock.monotonic()
    asyncio.run(Spacing(clock, shared).wait("esm:other", 5.2))
    assert clock.monotonic() == before


def test_a_stale_moment_after_a_reboot_does_not_hold_the_call(tmp_path: Path) -> None:
    from batch.marketplaces.base import Spacing

    shared = tmp_path / "ledger.sqlite"
    asyncio.run(Spacing(FakeClock(10_000.0), shared).wait("esm:RequestOrders", 5.2))
    rebooted = FakeClock(3.0)  # the monotonic clock starts again after a reboot
    asyncio.run(Spacing(rebooted, shared).wait("esm:RequestOrders", 5.2))
    assert rebooted.slept == 0


SPACED_WORKER = """
import asyncio, sys, time
from pathlib import Path
from batch.marketplaces.base import RealClock, Spacing
async def main() -> None:
    for _ in range(3):
        await Spacing(RealClock(), Path(sys.argv[1])).wait("esm:RequestOrders", 0.3)
        print(time.monotonic(), flush=True)
asyncio.run(main())
"""


def test_spacing_holds_across_processes_sharing_the_ledger_file(tmp_path: Path) -> None:
    """Two workers run apart (two processes): their six calls are never closer than the spacing."""
    import subprocess
    import sys

    shared = tmp_path / "ledger.sqlite"
    workers = [
        subprocess.Popen([sys.executable, "-c", SPACED_WORKER, str(shared)], stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    moments = sorted(float(line) for w in workers for line in w.communicate(timeout=60)[0].split())
    assert len(moments) == 6
    assert min(b - a for a, b in itertools.pairwise(moments)) >= 0.3 - 0.01
