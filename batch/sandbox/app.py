"""The sandbox ASGI app: every market's routes, the control API, and the layer that counts and faults requests."""

from __future__ import annotations

import asyncio
import time

from starlette.applications import Starlette
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from batch.sandbox import control, images
from batch.sandbox.coupang import CoupangMarket
from batch.sandbox.esm import EsmMarket
from batch.sandbox.faults import STATUS_KINDS, Clock, ConnectionDropped, stall
from batch.sandbox.naver import NaverMarket
from batch.sandbox.registry import Market, Sandbox
from batch.sandbox.st11 import St11Market
from batch.sandbox.tmon import TmonMarket


async def _discard(message: Message) -> None:
    """A ``send`` that loses the answer (fault ``lost_response``)."""


class FaultLayer:
    """Counts each market request, then delays it, rate-limits it or faults it as its market's plan says.

    Order: count (every request that reaches a market path, faulted or not), ``latency_ms``, rate limit (429 with
    ``Retry-After``), then the seeded fault draw. Control paths (``/__sandbox__/``) pass straight through.
    """

    def __init__(self, app: ASGIApp, sandbox: Sandbox) -> None:
        self.app = app
        self.sandbox = sandbox

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        market = self.sandbox.market_for(scope["path"]) if scope["type"] == "http" else None
        if market is None:
            await self.app(scope, receive, send)
            return
        self.sandbox.record(market, scope)
        faults = self.sandbox.faults[market.name]
        if faults.plan.latency_ms > 0:
            await asyncio.sleep(faults.plan.latency_ms / 1000)
        retry_after = faults.retry_after(market.account_key(scope))
        if retry_after is not None:
            await market.fault_response(429, retry_after)(scope, receive, send)
            return
        kind = faults.draw(auth=market.is_auth_path(scope["path"]))
        if kind is None:
            await self.app(scope, receive, send)
        elif kind in STATUS_KINDS:
            await market.fault_response(int(kind), 1 if kind == "429" else None)(scope, receive, send)
        elif kind == "stall":
            if not await stall(receive, faults.plan.stall_seconds):
                raise ConnectionDropped(f"stalled {faults.plan.stall_seconds:g} s, then hung up")
        elif kind == "lost_response":
            await self.app(scope, receive, _discard)  # the write happens; its answer is lost
            raise ConnectionDropped("the request was performed, then the connection dropped")
        else:
            raise ConnectionDropped("the connection dropped before an answer")


class SandboxApp(Starlette):
    """A Starlette app with ``FaultLayer`` outermost, outside Starlette's error middleware.

    Outside it, a hang-up (``ConnectionDropped``) leaves the app with nothing sent at all, not a 500.
    """

    def __init__(self, sandbox: Sandbox, routes: list[BaseRoute]) -> None:
        super().__init__(routes=routes)
        self.sandbox = sandbox

    def build_middleware_stack(self) -> ASGIApp:
        return FaultLayer(super().build_middleware_stack(), self.sandbox)


def create_app(*, clock: Clock = time.time, seed: int = 0) -> Starlette:
    """One app serving every market (TMON, Coupang, Naver, 11번가, G마켓·옥션) beside the control API and a stand-in image host.

    ``clock`` drives token expiry and the rate limiter (inject a fake one in tests); ``seed`` makes access tokens
    and the default fault draws reproducible.
    """
    markets: list[Market] = [
        TmonMarket(clock=clock, seed=seed),
        CoupangMarket(clock=clock, seed=seed),
        NaverMarket(clock=clock, seed=seed),
        St11Market(clock=clock, seed=seed),  # paths under /rest/
        EsmMarket(clock=clock, seed=seed),  # paths under /item/, /shipping/, /claim/, /assist/
    ]
    sandbox = Sandbox(markets, clock=clock, seed=seed)
    routes: list[BaseRoute] = [*control.routes(sandbox)]
    for market in sandbox.markets.values():
        routes.extend(market.routes)
    routes.extend(images.routes())  # last: the stand-in for the seller's image host answers what no market owns
    return SandboxApp(sandbox, routes)
