"""Fault injection and a per-account rate limiter, shared by every sandboxed market."""

from __future__ import annotations

import asyncio
import math
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from starlette.types import Receive

Clock = Callable[[], float]

KINDS = ("429", "500", "503", "stall", "drop", "lost_response")
STATUS_KINDS = frozenset({"429", "500", "503"})
AUTH_KINDS = frozenset({"500", "503"})  # the only faults a token endpoint gets
STALL_SECONDS = 30.0
PLAN_KEYS = frozenset({"market", "rate", "kinds", "seed", "latency_ms", "rate_limit", "stall_seconds"})


class ConnectionDropped(ConnectionResetError):
    """The sandbox hangs up without an answer (faults ``drop``, ``lost_response``, a ``stall`` that ran out).

    In-process (httpx.ASGITransport) the client sees this exception itself; served by ``server.serve`` the
    socket is aborted instead, and the client sees the server disconnect without a response.
    """


def _number(data: Mapping[str, Any], key: str, default: float, low: float, high: float = math.inf) -> float:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise ValueError(f"{key} must be a number in [{low}, {high}], got {value!r}")
    return float(value)


@dataclass(frozen=True)
class FaultPlan:
    """What one market does wrong: ``rate`` of requests fault with one of ``kinds``, drawn from ``seed``."""

    rate: float = 0.0
    kinds: tuple[str, ...] = KINDS
    seed: int = 0
    latency_ms: float = 0.0
    rate_limit: float | None = None  # requests per second per account; None = unlimited
    stall_seconds: float = STALL_SECONDS

    @classmethod
    def parse(cls, data: Mapping[str, Any], *, seed: int) -> FaultPlan:
        """The plan a ``POST /__sandbox__/faults`` body asks for; unset keys take their defaults."""
        unknown = sorted(set(data) - PLAN_KEYS)
        if unknown:
            raise ValueError(f"unknown keys {unknown}; known: {sorted(PLAN_KEYS)}")
        kinds = data.get("kinds", list(KINDS))
        if not isinstance(kinds, list) or any(kind not in KINDS for kind in kinds):
            raise ValueError(f"kinds must be a list drawn from {list(KINDS)}, got {kinds!r}")
        plan_seed = data.get("seed", seed)
        if isinstance(plan_seed, bool) or not isinstance(plan_seed, int):
            raise ValueError(f"seed must be an integer, got {plan_seed!r}")
        limit = data.get("rate_limit")
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int | float) or limit <= 0):
            raise ValueError(f"rate_limit must be a positive number of requests per second, or null; got {limit!r}")
        return cls(
            rate=_number(data, "rate", 0.0, 0.0, 1.0),
            kinds=tuple(kinds),
            seed=plan_seed,
            latency_ms=_number(data, "latency_ms", 0.0, 0.0),
            rate_limit=None if limit is None else float(limit),
            stall_seconds=_number(data, "stall_seconds", STALL_SECONDS, 0.0),
        )


class RateLimiter:
    """A token bucket per account: ``per_second`` requests a second, in bursts of as many; time is the app's clock."""

    def __init__(self, per_second: float, clock: Clock) -> None:
        self.per_second = per_second
        self.capacity = max(1.0, per_second)  # a bucket always holds at least one request
        self.clock = clock
        self.buckets: dict[str, tuple[float, float]] = {}  # account -> (tokens left, when counted)

    def wait(self, account: str) -> float:
        """Take a token for one request: 0.0 when admitted, else the seconds until a token is free."""
        now = self.clock()
        tokens, then = self.buckets.get(account, (self.capacity, now))
        tokens = min(self.capacity, tokens + max(0.0, now - then) * self.per_second)
        if tokens >= 1:
            self.buckets[account] = (tokens - 1, now)
            return 0.0
        self.buckets[account] = (tokens, now)
        return (1 - tokens) / self.per_second


class Faults:
    """One market's faults: the plan, its seeded draws, and its rate limiter."""

    def __init__(self, clock: Clock, seed: int) -> None:
        self.clock = clock
        self.seed = seed
        self.configure(FaultPlan(seed=seed))

    def configure(self, plan: FaultPlan) -> None:
        """Start ``plan`` afresh: draws restart from its seed, and every account's bucket is full."""
        self.plan = plan
        self.random = random.Random(plan.seed)
        self.limiter = None if plan.rate_limit is None else RateLimiter(plan.rate_limit, self.clock)

    def reset(self) -> None:
        self.configure(FaultPlan(seed=self.seed))

    def retry_after(self, account: str) -> int | None:
        """``None`` when ``account`` is within its rate limit, else the whole seconds for ``Retry-After``."""
        wait = 0.0 if self.limiter is None else self.limiter.wait(account)
        return None if wait <= 0 else max(1, math.ceil(wait))

    def draw(self, *, auth: bool) -> str | None:
        """The fault for the next request, or ``None``; a token endpoint (``auth``) only gets 500 or 503."""
        if self.plan.rate <= 0:
            return None
        kinds = [kind for kind in self.plan.kinds if not auth or kind in AUTH_KINDS]
        hit = self.random.random() < self.plan.rate
        return self.random.choice(kinds) if hit and kinds else None


async def stall(receive: Receive, seconds: float) -> bool:
    """Hold a request for ``seconds`` or until the client hangs up; True when the client hung up first.

    Cancelling the caller (a client's timeout in-process) ends the stall at once.
    """
    try:
        async with asyncio.timeout(seconds):
            while (await receive())["type"] != "http.disconnect":
                pass
    except TimeoutError:
        return False
    return True
