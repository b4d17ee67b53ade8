"""Serve the sandbox over HTTP with uvicorn (``batch sandbox --port N``)."""

from __future__ import annotations

import asyncio

import uvicorn
from starlette.types import ASGIApp, Receive, Scope, Send

from batch.sandbox.app import create_app
from batch.sandbox.faults import ConnectionDropped


class HangUp:
    """Turns ``ConnectionDropped`` into a real hang-up: the socket is aborted, and the client gets no bytes at all.

    uvicorn answers 500 to an app that raises or returns without a response, so the socket is reached through
    uvicorn's ``send`` (a bound method of its request cycle, which holds the transport). Any other server gets
    the exception re-raised.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await self.app(scope, receive, send)
        except ConnectionDropped:
            transport = getattr(getattr(send, "__self__", None), "transport", None)
            if not isinstance(transport, asyncio.WriteTransport):
                raise
            transport.abort()
            await asyncio.sleep(0)  # uvicorn sees the disconnect, so it does not try to answer 500


def build_server(port: int, host: str = "127.0.0.1", *, app: ASGIApp | None = None) -> uvicorn.Server:
    """A uvicorn server for ``app`` (a fresh ``create_app()`` by default); ``port=0`` picks a free port."""
    config = uvicorn.Config(
        HangUp(app or create_app()),
        host=host,
        port=port,
        lifespan="off",
        ws="none",
        proxy_headers=False,  # keeps uvicorn's own ``send`` reaching HangUp
        log_level="warning",
        timeout_graceful_shutdown=1,  # a stalled request must not hold the shutdown
    )
    return uvicorn.Server(config)


def serve(port: int, host: str = "127.0.0.1") -> None:
    """Serve a fresh sandbox on ``host:port`` until interrupted."""
    build_server(port, host).run()
