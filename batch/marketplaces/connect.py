"""Open marketplace adapters for the accounts in batch.toml: real base URLs or the built-in sandbox."""

from __future__ import annotations

import importlib
import random
from dataclasses import dataclass, fields
from typing import Any

import httpx

from batch.config import Account, Workspace
from batch.errors import WorkspaceError
from batch.marketplaces.base import ClientSettings, Clock, MarketClient
from batch.marketplaces.transport import AiohttpTransport
from batch.marketplaces.types import Marketplace
from batch.models import label_of

SANDBOX_SCHEME = "sandbox:"


def http_client(account: Account, *, app: Any = None, sandbox_path: str = "") -> httpx.AsyncClient:
    """The account's HTTP client: to ``app`` in process when one is given (the built-in sandbox, which the jobs
    supply for ``sandbox:`` accounts; this package never imports it), there the base is ``sandbox_path``
    (Naver: ``/external``). A real URL (a served sandbox too) goes through aiohttp's pool, as many connections as
    the account's ``concurrency`` (transport.py says why)."""
    if app is not None:
        transport = httpx.ASGITransport(app=app)
        return httpx.AsyncClient(transport=transport, base_url=f"http://sandbox.invalid{sandbox_path}")
    if account.base_url.startswith(SANDBOX_SCHEME):
        raise WorkspaceError(
            f"계정 {label_of(account.market)}/{account.name}은 내장 샌드박스 계정인데 샌드박스가 열려 있지 않습니다. "
            "batch 명령으로 실행해 주세요."
        )
    if not account.base_url.startswith(("https://", "http://")):
        raise WorkspaceError(
            f"계정 {label_of(account.market)}/{account.name}의 base_url '{account.base_url}'이 주소가 아닙니다. batch.toml을 고치세요."
        )
    return httpx.AsyncClient(transport=AiohttpTransport(settings_for(account).concurrency), base_url=account.base_url)


def settings_for(account: Account) -> ClientSettings:
    """The account's client settings: any ClientSettings field may be set in its [[accounts]] table."""
    defaults = ClientSettings()
    values = {
        f.name: type(getattr(defaults, f.name))(account.number(f.name, getattr(defaults, f.name)))
        for f in fields(ClientSettings)
    }
    return ClientSettings(**values)


@dataclass
class Connection:
    account: Account
    adapter: Marketplace
    client: MarketClient

    async def aclose(self) -> None:
        await self.client.http.aclose()


# marketplace -> its adapter ("module:Class"), imported only when an account of it is opened
ADAPTERS: dict[str, str] = {
    "tmon": "batch.marketplaces.tmon:Tmon",
    "coupang": "batch.marketplaces.coupang:Coupang",
    "naver": "batch.marketplaces.naver:Naver",
    "11st": "batch.marketplaces.st11:St11",
    "esm": "batch.marketplaces.esm:Esm",
}
SUPPORTED = tuple(ADAPTERS)


def adapter_for(market: str) -> Any:
    """The adapter class of ``market`` (its module imported now); a WorkspaceError when there is none."""
    target = ADAPTERS.get(market)
    if target is None:
        raise WorkspaceError(f"{market} 마켓 연동은 아직 지원하지 않습니다. batch.toml의 계정을 확인하세요.")
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)


def base_path(market: str) -> str:
    """Where the marketplace's API lives under its host (Naver: /external), as the adapter says."""
    return str(getattr(adapter_for(market), "sandbox_path", ""))


def connect(
    ws: Workspace, account: Account, *, clock: Clock | None = None, app: Any = None, rng: random.Random | None = None
) -> Connection:
    """An adapter for ``account``; missing secrets are a WorkspaceError naming the environment variable."""
    adapter_class = adapter_for(account.market)
    credentials = adapter_class.credentials_for(account)  # before any connection is opened
    http = http_client(account, app=app, sandbox_path=base_path(account.market))
    client = MarketClient(
        account.market,
        http,
        settings_for(account),
        clock=clock,
        rng=rng,
        kill_switch=ws.stops.get(account.market),
        spacing_file=ws.ledger_path,
    )
    return Connection(account, adapter_class(client, credentials), client)
