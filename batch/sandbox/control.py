"""The control API under ``/__sandbox__/``, the same for every market: state, faults, reset, accounts, tokens,
seeded orders, inquiries and claims."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from batch.sandbox.faults import FaultPlan
from batch.sandbox.registry import Market, Sandbox
from batch.sandbox.web import Reject, endpoint, json_response, read_json

OK = {"ok": True}


def _error(message: str) -> Reject:
    return Reject(json_response({"error": message}, 400))


async def _body(request: Request) -> dict[str, Any]:
    """The JSON object sent; an empty body is ``{}``."""
    try:
        body = await read_json(request)
    except ValueError:
        raise _error("the body is not JSON") from None
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise _error("the body must be a JSON object")
    return body


def _markets(sandbox: Sandbox, name: object) -> list[Market]:
    try:
        return sandbox.select(name)
    except ValueError as error:
        raise _error(str(error)) from None


def routes(sandbox: Sandbox) -> list[Route]:
    """The control routes for ``sandbox``; faults and rate limits never apply to them."""

    async def state(request: Request) -> Response:
        """``?market=tmon``: that market's state; no ``market``: ``{name: state}`` for every market."""
        name = request.query_params.get("market")
        markets = _markets(sandbox, name)
        if name is not None:
            return json_response(sandbox.state(markets[0]))
        return json_response({market.name: sandbox.state(market) for market in markets})

    async def faults(request: Request) -> Response:
        """Replace the fault plan of ``market`` (every market when absent); unset keys take their defaults."""
        body = await _body(request)
        markets = _markets(sandbox, body.get("market"))
        try:
            plans = {m.name: FaultPlan.parse(body, seed=sandbox.faults[m.name].seed) for m in markets}
        except ValueError as error:
            raise _error(str(error)) from None
        for name, plan in plans.items():
            sandbox.faults[name].configure(plan)
        return json_response(OK)

    async def reset(request: Request) -> Response:
        for market in _markets(sandbox, (await _body(request)).get("market")):
            sandbox.reset(market)
        return json_response(OK)

    async def accounts(request: Request) -> Response:
        body = await _body(request)
        if "market" not in body:
            raise _error("market is required")
        try:
            _markets(sandbox, body["market"])[0].add_account(body)
        except ValueError as error:
            raise _error(str(error)) from None
        return json_response(OK)

    async def seed(request: Request) -> Response:
        """``{"market", "orders": n, "inquiries": m, "seed": s, "vendor": v}`` (``orders``, ``inquiries`` or both):
        new orders and inquiries; answers ``{"orders": [numbers], "inquiries": ["q:<articleNo>" | "cs:<seq>/<group>"]}``.
        """
        body = await _body(request)
        if "market" not in body:
            raise _error("market is required")
        try:
            return json_response(_markets(sandbox, body["market"])[0].seed_orders(body))
        except ValueError as error:
            raise _error(str(error)) from None

    async def claims(request: Request) -> Response:
        """``{"market", "order", "type": "cancel"|"return"|"exchange"|"redelivery"}``: answers ``{"claimNo"}``."""
        body = await _body(request)
        if "market" not in body:
            raise _error("market is required")
        try:
            return json_response(_markets(sandbox, body["market"])[0].raise_claim(body))
        except ValueError as error:
            raise _error(str(error)) from None

    async def expire_tokens(request: Request) -> Response:
        for market in _markets(sandbox, (await _body(request)).get("market")):
            market.expire_tokens()
        return json_response(OK)

    async def switch(request: Request, setter: str, missing: str) -> Response:
        """``{"market", "on": true|false}`` handed to the market's ``setter``; 400 for a market without it."""
        body = await _body(request)
        if "market" not in body:
            raise _error("market is required")
        market = _markets(sandbox, body["market"])[0]
        turn = getattr(market, setter, None)
        if turn is None:
            raise _error(f"market {market.name!r} {missing}")
        on = body.get("on", True)
        if not isinstance(on, bool):
            raise _error(f"on must be true or false, got {on!r}")
        turn(on)
        return json_response(OK)

    async def maintenance(request: Request) -> Response:
        """``{"market": "11st", "on": true|false}``: the market answers its maintenance code to every call (11번가:
        −1000 서버 점검중입니다, the Friday-dawn 정기점검); 400 for a market without one."""
        return await switch(request, "set_maintenance", "has no maintenance mode")

    async def swallow(request: Request) -> Response:
        """``{"market": "coupang", "on": true|false}``: the market answers its stock and sale-status writes (stock
        quantities, stop / resume / suspend) as done and does not apply them, the way a marketplace was seen to
        swallow a sold-out update (marketplaces-next.md §5.1, samba-wave#400); reads show what it really holds."""
        return await switch(request, "set_swallow", "cannot swallow stock calls")

    return [
        Route("/__sandbox__/swallow", endpoint(swallow), methods=["POST"]),
        Route("/__sandbox__/maintenance", endpoint(maintenance), methods=["POST"]),
        Route("/__sandbox__/state", endpoint(state), methods=["GET"]),
        Route("/__sandbox__/faults", endpoint(faults), methods=["POST"]),
        Route("/__sandbox__/reset", endpoint(reset), methods=["POST"]),
        Route("/__sandbox__/accounts", endpoint(accounts), methods=["POST"]),
        Route("/__sandbox__/expire-tokens", endpoint(expire_tokens), methods=["POST"]),
        Route("/__sandbox__/seed", endpoint(seed), methods=["POST"]),
        Route("/__sandbox__/claims", endpoint(claims), methods=["POST"]),
    ]
