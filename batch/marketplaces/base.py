"""The marketplace protocol, its error hierarchy and the shared HTTP client every adapter uses.

MarketError                      (market, status, code, message, request_id, retry_safe)
 ├── Rejected                    the marketplace said no to this request (4xx business error): fix the row
 │    └── AlreadyDone            …because it already holds this (an inquiry answered elsewhere)
 ├── AuthFailed                  401 / 403 or a token that cannot be renewed: fix the account
 ├── RateLimited                 429, with the seconds the marketplace asked us to wait
 ├── Unavailable                 5xx, timeout, connection error; ``outcome_unknown`` when a write may have landed
 └── Blocked                     nothing was sent: the kill switch or an open circuit breaker

Each adapter holds only what differs (paths, auth signing, payload mapping, codes); retries, backoff
with jitter, Retry-After, pacing (token bucket), the circuit breaker and the kill switch live here.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import datetime as dt
import random
import re
import sqlite3
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Literal, Protocol, TypeVar

import httpx

from batch.trade.masking import redact

T = TypeVar("T")
_NUMBERS = re.compile(r"/\d+(?=/|$)")


class MarketError(Exception):
    """An answer (or a missing answer) from a marketplace, translated at the HTTP boundary."""

    retry_safe = False

    def __init__(
        self,
        market: str,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.market = market
        self.message = message
        self.status = status
        self.code = code
        self.request_id = request_id

    def __str__(self) -> str:
        where = f" (HTTP {self.status}{', ' + self.code if self.code else ''})" if self.status else ""
        return f"{self.message}{where}"


class Rejected(MarketError):
    """A business error: sending the same request again gives the same answer."""


class AlreadyDone(Rejected):
    """The marketplace already holds what was asked (e.g. an inquiry answered elsewhere): nothing to send."""


class AuthFailed(MarketError):
    """Credentials, token or permissions are wrong; nothing else for this account will work either."""


class RateLimited(MarketError):
    retry_safe = True

    def __init__(self, market: str, message: str, *, retry_after: float | None = None, **kw: Any) -> None:
        super().__init__(market, message, **kw)
        self.retry_after = retry_after


class Unavailable(MarketError):
    """The marketplace did not answer properly. A write may still have landed when ``outcome_unknown``."""

    def __init__(self, market: str, message: str, *, outcome_unknown: bool = False, **kw: Any) -> None:
        super().__init__(market, message, **kw)
        self.outcome_unknown = outcome_unknown

    @property
    def retry_safe(self) -> bool:  # type: ignore[override]
        return not self.outcome_unknown


class Blocked(MarketError):
    """Nothing was sent (kill switch, open circuit breaker)."""


class DailyCapReached(Blocked):
    """The marketplace's daily registration cap is reached: nothing more today (11번가: 500 a day)."""


# --- time ---------------------------------------------------------------------------------------


class Clock(Protocol):
    def monotonic(self) -> float: ...

    async def sleep(self, seconds: float) -> None: ...


class RealClock:
    def monotonic(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


# --- time windows (a marketplace lists at most so much time per call) ------------------------------------


def windows(start: dt.datetime, end: dt.datetime, size: dt.timedelta) -> list[tuple[dt.datetime, dt.datetime]]:
    """[start, end) cut into windows of at most ``size``, each starting where the last one stopped."""
    out = []
    while start < end:
        stop = min(start + size, end)
        out.append((start, stop))
        start = stop
    return out


def day_windows(start: dt.datetime, end: dt.datetime, days: int) -> list[tuple[dt.date, dt.date]]:
    """[start, end] as whole days, cut into windows spanning at most ``days`` days (both ends inclusive)."""
    first, last = start.date(), end.date()
    out = []
    while first <= last:
        stop = min(first + dt.timedelta(days=days - 1), last)
        out.append((first, stop))
        first = stop + dt.timedelta(days=1)
    return out


# --- pacing and breaking ------------------------------------------------------------------------


class TokenBucket:
    """Paces requests to ``rate`` per second with no burst beyond ``burst`` (one lock per account)."""

    LATE_CREDIT = 0.5  # of one interval: how much of a late wake-up the next request may make up

    def __init__(self, rate: float, clock: Clock, burst: float = 1.0) -> None:
        self.rate = rate
        self.burst = burst
        self.clock = clock
        self._tokens = burst
        self._last = clock.monotonic()
        self._lock = asyncio.Lock()
        self.slow_until = 0.0

    async def take(self) -> None:
        async with self._lock:
            while True:
                now = self.clock.monotonic()
                if now < self.slow_until:  # a 429's pause holds an unpaced account too
                    await self.clock.sleep(self.slow_until - now)
                    continue
                if self.rate <= 0:
                    return
                self._tokens = min(self.burst, self._tokens + (now - self._last) * self.rate)
                self._last = now
                if self._tokens >= 1:
                    self._tokens -= 1
                    return
                due = now + (1 - self._tokens) / self.rate
                await self.clock.sleep(due - now)
                woke = self.clock.monotonic()
                if woke >= self.slow_until:  # not paused by a 429 meanwhile
                    # The token was ours at ``due``: count the next one from then, so waking up late (a busy
                    # event loop, timer granularity) does not push every later request back. At most
                    # LATE_CREDIT of an interval is kept, so a long stall cannot turn into a burst.
                    self._tokens = 0.0
                    self._last = max(due, woke - self.LATE_CREDIT / self.rate)
                    return

    def retune(self, rate: float, burst: float | None = None, remaining: float | None = None) -> None:
        """Follow the rate a marketplace announces (e.g. Naver's GNCP-GW-RateLimit-* headers).

        ``rate`` per second (the client's margin applies on top, see ``MarketClient.follow``); ``burst`` the bucket's
        size; ``remaining`` what the marketplace says is left now, which caps our own count of tokens.
        """
        if rate <= 0:
            return
        now = self.clock.monotonic()
        self._tokens = min(self.burst, self._tokens + (now - self._last) * self.rate)
        self._last = now
        self.rate = rate
        if burst is not None and burst >= 1:
            self.burst = burst
        if remaining is not None:
            self._tokens = min(self._tokens, max(remaining, 0.0))
        self._tokens = min(self._tokens, self.burst)

    def pause(self, seconds: float) -> None:
        """Hold every request of this account for ``seconds`` (after a 429)."""
        self.slow_until = max(self.slow_until, self.clock.monotonic() + seconds)


class Spacing:
    """Calls of one kind (``name``) kept at least ``seconds`` apart by every client that shares the file ``path``.

    A marketplace may limit a call per seller tool rather than per account (ESM's order list: one call per 5 s,
    which a production integrator found to bite across accounts), so every account of the installation, in this
    process or another, waits its turn: the next allowed moment is kept in ``path`` (the ledger's SQLite file) and
    claimed under ``BEGIN IMMEDIATE``. Times are the clock's ``monotonic`` (on Linux one clock for every process of
    the machine); a stored moment further ahead than ``seconds`` is stale (a reboot) and ignored. Without a file,
    the spacing holds within this process only.
    """

    _local: ClassVar[dict[str, float]] = {}  # name -> next allowed moment, when no file is shared

    def __init__(self, clock: Clock, path: Path | None = None) -> None:
        self.clock = clock
        self.path = path

    async def wait(self, name: str, seconds: float) -> None:
        while True:
            due = self._claim(name, seconds)
            if due is None:
                return
            await self.clock.sleep(max(due - self.clock.monotonic(), 0.0))

    def _claim(self, name: str, seconds: float) -> float | None:
        """Take the slot now (None) or say when it is free. "Now" is read once the slot's lock is held: a moment
        read before waiting for the lock would be old, and an old moment would take a slot already given away."""
        if self.path is None:
            now = self.clock.monotonic()
            due = self._local.get(name, float("-inf"))
            if due > now + seconds:
                due = float("-inf")
            if now < due:
                return due
            self._local[name] = now + seconds
            return None
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            db.execute("CREATE TABLE IF NOT EXISTS spacing (name TEXT PRIMARY KEY, next_at REAL NOT NULL)")
            db.execute("BEGIN IMMEDIATE")
            now = self.clock.monotonic()
            row = db.execute("SELECT next_at FROM spacing WHERE name=?", (name,)).fetchone()
            due = float(row[0]) if row else float("-inf")
            if due > now + seconds:
                due = float("-inf")
            if now < due:
                db.execute("ROLLBACK")
                return due
            db.execute(
                "INSERT INTO spacing VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET next_at = excluded.next_at",
                (name, now + seconds),
            )
            db.execute("COMMIT")
            return None
        finally:
            db.close()


class CircuitBreaker:
    """Opens after ``threshold`` failures in a row; after ``cooldown`` lets one request probe again."""

    def __init__(self, clock: Clock, threshold: int = 8, cooldown: float = 30.0) -> None:
        self.clock = clock
        self.threshold = threshold
        self.cooldown = cooldown
        self.failures = 0
        self.opened_at: float | None = None

    def allow(self) -> bool:
        if self.opened_at is None:
            return True
        return self.clock.monotonic() - self.opened_at >= self.cooldown

    def success(self) -> None:
        self.failures = 0
        self.opened_at = None

    def failure(self) -> None:
        self.failures += 1
        if self.failures >= self.threshold:
            self.opened_at = self.clock.monotonic()


# --- the shared client --------------------------------------------------------------------------


@dataclass
class ClientSettings:
    timeout: float = 30.0
    max_attempts: int = 5
    backoff_base: float = 0.5
    backoff_cap: float = 20.0
    rate_limit: float = 10.0  # requests per second for this account (0: unpaced)
    rate_margin: float = 0.97  # pace a little under the limit so jitter never crosses it
    breaker_threshold: int = 8
    breaker_cooldown: float = 30.0
    concurrency: int = 8  # requests in flight at once for this account (per-item jobs)


ErrorMapper = Callable[[httpx.Response], MarketError]
OUTER_MARGIN = 0.25  # seconds the whole-exchange bound waits past httpx's own timeouts, which say what timed out


@dataclass
class Call:
    """One request as an adapter describes it; ``idempotent`` says whether resending is harmless."""

    method: str
    path: str
    json: Any = None
    params: Mapping[str, str] | None = None
    idempotent: bool = True
    headers: Mapping[str, str] = field(default_factory=dict)
    files: Any = None  # multipart parts, as httpx takes them (e.g. an image upload)
    content: bytes | None = None  # a raw body (11번가: EUC-KR XML), sent as is


class MarketClient:
    """One async httpx client per (marketplace, account), with retries, pacing and a breaker."""

    def __init__(
        self,
        market: str,
        http: httpx.AsyncClient,
        settings: ClientSettings,
        *,
        clock: Clock | None = None,
        rng: random.Random | None = None,
        kill_switch: str | None = None,
        spacing_file: Path | None = None,
    ) -> None:
        self.market = market
        self.http = http
        self.settings = settings
        self.clock = clock or RealClock()
        self.rng = rng or random.Random()
        self.kill_switch = kill_switch  # a reason: nothing is sent while it is set
        self.bucket = TokenBucket(settings.rate_limit * settings.rate_margin, self.clock)
        self.api_buckets: dict[str, TokenBucket] = {}  # per-API pacing the marketplace announced (``follow``)
        self.breaker = CircuitBreaker(self.clock, settings.breaker_threshold, settings.breaker_cooldown)
        self.sent = 0
        self.spacing = Spacing(self.clock, spacing_file)
        self._urls: dict[str, httpx.URL] = {}  # url_for

    async def space(self, name: str, seconds: float) -> None:
        """Wait until a call of kind ``name`` may go, ``seconds`` after the last one of any account sharing the
        installation's ledger file (Spacing); the caller sends it right after."""
        await self.spacing.wait(name, seconds)

    def follow(
        self,
        rate: float,
        burst: float | None = None,
        remaining: float | None = None,
        *,
        request: httpx.Request | None = None,
    ) -> None:
        """Pace by the rate the marketplace announces, under the same margin as a configured rate.

        With ``request``, the rate is that API's own (Naver keeps a bucket per API): calls to it are paced by a
        bucket of their own from now on, and the account's configured rate keeps pacing the APIs not heard from.
        """
        if rate <= 0:
            return
        if request is None:
            self.bucket.retune(rate * self.settings.rate_margin, burst, remaining)
            return
        api = self.api_of(request.method, request.url.path)
        found = self.api_buckets.get(api)
        if found is None:
            found = self.api_buckets[api] = TokenBucket(rate * self.settings.rate_margin, self.clock)
            found.slow_until = self.bucket.slow_until
        found.retune(rate * self.settings.rate_margin, burst, remaining)

    def api_of(self, method: str, path: str) -> str:
        """One API, as a rate limit sees it: the method and the path under the base URL, numbers as ``{n}``."""
        base = self.http.base_url.path.rstrip("/")
        if base and path.startswith(base + "/"):
            path = path[len(base) :]
        return f"{method.upper()} {_NUMBERS.sub('/{n}', path)}"

    def url_for(self, path: str) -> httpx.URL:
        """``path`` under the client's base URL, exactly as httpx merges it (``build_request``), worked out once per
        path: httpx parses the path and re-parses the merged URL on every request (~8 % of a push's CPU), and a push
        sends most requests to one path (TMON: ``/api/{vendorId}/deals``). An httpx.URL is immutable; a request given
        an absolute one uses it as it is. Paths with numbers in them are many: the cache is emptied at 1,024."""
        found = self._urls.get(path)
        if found is None:
            if len(self._urls) >= 1024:
                self._urls.clear()
            found = self._urls[path] = self.http.build_request("GET", path).url
        return found

    def bucket_for(self, call: Call) -> TokenBucket:
        """The API's own bucket when the marketplace announced one, else the account's."""
        if not self.api_buckets:
            return self.bucket
        return self.api_buckets.get(self.api_of(call.method, call.path), self.bucket)

    async def retrying(self, op: Callable[[], Awaitable[T]]) -> T:
        """Run ``op`` (e.g. a token request) under the same retry policy as ``send``."""
        attempt = 0
        while True:
            try:
                return await op()
            except MarketError as error:
                attempt += 1
                if not error.retry_safe or attempt >= self.settings.max_attempts:
                    raise
                wait = (
                    error.retry_after if isinstance(error, RateLimited) and error.retry_after else self.backoff(attempt)
                )
                await self.clock.sleep(wait)

    def backoff(self, attempt: int) -> float:
        """Capped exponential backoff with full jitter."""
        ceiling = min(self.settings.backoff_cap, self.settings.backoff_base * (2**attempt))
        return self.rng.uniform(0, ceiling)

    async def send(
        self,
        call: Call,
        *,
        auth: Callable[[], Awaitable[Mapping[str, str]]],
        on_auth_error: Callable[[httpx.Response], Awaitable[bool]],
        to_error: ErrorMapper,
    ) -> httpx.Response:
        """Send ``call``; retry what is safe to retry; raise a MarketError subclass for everything else.

        ``auth`` returns the headers that sign this request (it may fetch a token); ``on_auth_error`` is asked
        once per call whether a 401 is worth one more try (a token renewed); ``to_error`` maps a failed response.
        """
        if self.kill_switch:
            raise Blocked(self.market, self.kill_switch)
        renewed = False
        attempt = 0
        while True:
            if not self.breaker.allow():
                raise Blocked(self.market, "이 계정의 요청이 계속 실패해 잠시 멈췄습니다. 잠시 뒤 다시 실행하세요.")
            bucket = self.bucket_for(call)
            await bucket.take()
            try:
                headers = {**call.headers, **(await auth())}
                self.sent += 1
                # wait_for bounds the whole exchange, also where httpx's own timeouts do not apply (in-process ASGI);
                # a little later than httpx's, so a connect or pool wait that times out says so (nothing was sent)
                response = await asyncio.wait_for(
                    self.http.request(
                        call.method,
                        self.url_for(call.path),
                        json=call.json,
                        params=call.params,
                        files=call.files,
                        content=call.content,
                        headers=headers,
                        timeout=self.settings.timeout,
                    ),
                    self.settings.timeout + OUTER_MARGIN,
                )
            except MarketError as exc:  # the auth hook failed (e.g. the token endpoint)
                error: MarketError = exc
            except (httpx.ConnectTimeout, httpx.PoolTimeout) as exc:  # no connection: not a byte of it left here
                error = Unavailable(self.market, f"연결 시간 초과 ({type(exc).__name__})", outcome_unknown=False)
            except (httpx.TimeoutException, TimeoutError) as exc:
                error = Unavailable(
                    self.market, f"응답 시간 초과 ({type(exc).__name__})", outcome_unknown=not call.idempotent
                )
            except (httpx.TransportError, OSError) as exc:  # OSError: a connection reset seen in-process
                sent = not isinstance(exc, httpx.ConnectError | ConnectionRefusedError)
                error = Unavailable(
                    self.market, f"연결 오류 ({type(exc).__name__})", outcome_unknown=sent and not call.idempotent
                )
            else:
                if response.status_code < 400:
                    self.breaker.success()
                    return response
                if response.status_code == 401 and not renewed and await on_auth_error(response):
                    renewed = True
                    continue
                error = to_error(response)
            if isinstance(error, RateLimited):
                wait = error.retry_after if error.retry_after is not None else self.backoff(attempt)
                bucket.pause(wait)  # slow the account (or this API, when paced per API) down, not just this request
            elif isinstance(error, Unavailable):
                self.breaker.failure()
            attempt += 1
            if not error.retry_safe or attempt >= self.settings.max_attempts:
                raise error
            if not isinstance(error, RateLimited):
                await self.clock.sleep(self.backoff(attempt))


def retry_after_seconds(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        return None


# Request headers that carry a credential: a marketplace that echoes them in an error must not show them to staff.
SECRET_HEADERS = ("authorization", "openapikey", "x-partner-token", "x-api-key")


def _sent_secrets(response: httpx.Response) -> list[str]:
    """The credentials the request carried (each header value, a Bearer/Basic token, a Basic pair's password)."""
    try:
        headers = response.request.headers
    except RuntimeError:  # a response built without a request (tests)
        return []
    found: list[str] = []
    for name in SECRET_HEADERS:
        value = headers.get(name)
        if not value:
            continue
        found.append(value)
        scheme, _, token = value.partition(" ")
        if token:
            found.append(token)
            if scheme.lower() == "basic":
                with contextlib.suppress(binascii.Error, ValueError):
                    found.append(base64.b64decode(token).decode("utf-8", "replace").partition(":")[2])
    return [f for f in found if len(f) >= 6]


def status_error(market: str, response: httpx.Response, message: str, code: str | None = None) -> MarketError:
    """The default mapping of an HTTP status to our hierarchy; adapters pass the marketplace's own words (with any
    credential the request carried hidden in every wire form, should the marketplace echo it)."""
    message = redact(message, _sent_secrets(response))
    kw: dict[str, Any] = {"status": response.status_code, "code": code, "request_id": _request_id(response)}
    if response.status_code == 429:
        return RateLimited(market, message, retry_after=retry_after_seconds(response), **kw)
    if response.status_code in (401, 403):
        return AuthFailed(market, message, **kw)
    if response.status_code >= 500:
        return Unavailable(market, message, **kw)
    return Rejected(market, message, **kw)


def _request_id(response: httpx.Response) -> str | None:
    for name in ("X-Request-Id", "x-request-id", "X-Trace-Id"):
        if name in response.headers:
            return response.headers[name]
    return None


async def each_item(
    items: Sequence[T], key: Callable[[T], str], op: Callable[[T], Awaitable[object]], concurrency: int
) -> dict[str, MarketError | None]:
    """Run ``op`` on every item (at most ``concurrency`` at once): key -> None when it went through, or its error.

    For marketplaces without batch calls; an error of one item never stops the others.
    """
    sem = asyncio.Semaphore(max(int(concurrency), 1))
    out: dict[str, MarketError | None] = {}

    async def one(item: T) -> None:
        async with sem:
            try:
                await op(item)
            except MarketError as exc:
                out[key(item)] = exc
            else:
                out[key(item)] = None

    await asyncio.gather(*(one(item) for item in items))
    return out


# --- batch calls with per-item answers -----------------------------------------------------------------

RETRY: Literal["retry"] = "retry"
Verdict = MarketError | None | Literal["retry"]  # one item's answer in a batch call: done, failed, or send again


def chunks(items: Sequence[T], size: int) -> list[list[T]]:
    """``items`` cut into lists of at most ``size``."""
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


def maybe_landed(error: MarketError) -> MarketError:
    """A whole-call failure of a write: it may have landed, unless the marketplace clearly did not take it."""
    if isinstance(error, Unavailable) and not error.outcome_unknown:
        return Unavailable(
            error.market,
            error.message,
            outcome_unknown=True,
            status=error.status,
            code=error.code,
            request_id=error.request_id,
        )
    return error


async def in_batches(
    client: MarketClient,
    keys: Sequence[str],
    send: Callable[[list[str]], Awaitable[Mapping[str, Verdict]]],
    *,
    batches: Callable[[list[str]], list[list[str]]],
    idempotent: bool,
    rounds: int,
    gave_up: Callable[[str], MarketError],
    unanswered: Callable[[str], MarketError],
) -> dict[str, MarketError | None]:
    """Send ``keys`` in the calls ``batches`` makes; ``send`` answers each key's verdict.

    Only the keys answered ``RETRY`` go out again, after the client's backoff, up to ``rounds`` sends in all; then
    ``gave_up``. A key the marketplace left out of its answer is ``unanswered``. A whole-call failure is that error
    for every key of the call (one that may have landed, for a write).
    """
    outcomes: dict[str, MarketError | None] = {}
    pending = list(keys)
    for round_no in range(1, rounds + 1):
        again: list[str] = []
        for batch in batches(pending):
            try:
                verdicts = await send(batch)
            except MarketError as exc:
                outcomes.update(dict.fromkeys(batch, exc if idempotent else maybe_landed(exc)))
                continue
            for key in batch:
                if key not in verdicts:
                    outcomes[key] = unanswered(key)
                elif (verdict := verdicts[key]) == RETRY:
                    again.append(key)
                else:
                    outcomes[key] = verdict  # type: ignore[assignment]
        if not again:
            break
        if round_no == rounds:
            outcomes.update({key: gave_up(key) for key in again})
            break
        await client.clock.sleep(client.backoff(round_no))
        pending = again
    return outcomes


def json_object(response: httpx.Response) -> dict[str, Any]:
    """The response's JSON object, or {} when the body is not one."""
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
