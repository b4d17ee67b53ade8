"""The registry of sandboxed markets: the interface each implements, and the hub keeping their counts and faults."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

from starlette.responses import Response
from starlette.routing import Match, Route
from starlette.types import Scope

from batch.sandbox.faults import Clock, Faults

# The lists every market's state has, in this order, whether or not the market fills them yet.
STATE_KEYS = ("products", "orders", "invoices", "claims", "inquiries", "answers")


class Market(Protocol):
    """One sandboxed marketplace: its routes under its own path prefixes, and its state."""

    @property
    def name(self) -> str: ...

    @property
    def prefixes(self) -> tuple[str, ...]:
        """The path prefixes this market owns, e.g. ``("/oauth/", "/api/")``."""

    @property
    def routes(self) -> Sequence[Route]: ...

    def reset(self) -> None:
        """Back to the seeded state: seeded accounts and templates only; no products, orders, claims …"""

    def snapshot(self) -> dict[str, Any]:
        """The state: every ``STATE_KEYS`` list (copies), plus anything market-specific."""

    def add_account(self, data: Mapping[str, Any]) -> None:
        """Register a seller account (``POST /__sandbox__/accounts``); ``ValueError`` when ``data`` is incomplete."""

    def expire_tokens(self) -> None:
        """Make every issued access token expired."""

    def seed_orders(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """New orders and/or inquiries (``POST /__sandbox__/seed``); returns the answer's body (``orders`` and
        ``inquiries`` lists); ``ValueError`` when ``data`` is bad."""

    def raise_claim(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """A buyer's claim on an order (``POST /__sandbox__/claims``); returns the answer's body; ``ValueError``
        when ``data`` is bad."""

    def account_key(self, scope: Scope) -> str:
        """The account a request belongs to, for the rate limiter."""

    def is_auth_path(self, path: str) -> bool:
        """True for the token endpoint, which only gets 500 and 503 faults."""

    def fault_response(self, status: int, retry_after: int | None) -> Response:
        """An injected 429, 500 or 503 in the market's own error format."""


class Sandbox:
    """Every market of one app, with its request counts and its fault plan."""

    def __init__(self, markets: Iterable[Market], *, clock: Clock, seed: int) -> None:
        self.markets = {market.name: market for market in markets}
        self.requests: dict[str, Counter[str]] = {name: Counter() for name in self.markets}
        self.faults = {name: Faults(clock, seed) for name in self.markets}

    def market_for(self, path: str) -> Market | None:
        return next((m for m in self.markets.values() if path.startswith(m.prefixes)), None)

    def select(self, name: object) -> list[Market]:
        """The market called ``name``, or every market when ``name`` is None; ``ValueError`` when unknown."""
        if name is None:
            return list(self.markets.values())
        if not isinstance(name, str) or name not in self.markets:
            raise ValueError(f"unknown market {name!r}; known: {sorted(self.markets)}")
        return [self.markets[name]]

    def record(self, market: Market, scope: Scope) -> None:
        """Count a request under ``"METHOD /path-template"``; a path no route matches counts under itself."""
        template = None
        for route in market.routes:
            match, _ = route.matches(scope)
            if match is Match.FULL:
                template = route.path
                break
            if match is Match.PARTIAL and template is None:
                template = route.path  # the path matched, the method did not (405)
        self.requests[market.name][f"{scope['method']} {template or scope['path']}"] += 1

    def reset(self, market: Market) -> None:
        market.reset()
        self.requests[market.name].clear()
        self.faults[market.name].reset()

    def state(self, market: Market) -> dict[str, Any]:
        return {**market.snapshot(), "requests": dict(self.requests[market.name])}
