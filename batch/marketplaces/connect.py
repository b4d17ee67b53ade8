"""Open marketplace adapters for the accounts in batch.toml: real base URLs or the built-in sandbox."""

from __future__ import annotations

import importlib
import random
from dataclasses import dataclass, fields
from http.cookiejar import CookieJar
from typing import Any

import httpx

from batch.config import Account, Workspace
from batch.errors import WorkspaceError
from batch.marketplaces.base import ClientSettings, Clock, MarketClient
from batch.marketplaces.transport import AiohttpTransport
from batch.marketplaces.types import Marketplace
from batch.models import label_of

SANDBOX_SCHEME = "sandbox:"
# what httpx accepts as ``cookies`` (httpx._types.CookieTypes, spelt out: that module is private)
CookieTypes = httpx.Cookies | CookieJar | dict[str, str] | list[tuple[str, str]]


class SetCookiesOnly(httpx.Cookies):
    """httpx's cookie jar, read only when a response sets a cookie.

    httpx's client hands every response to ``client.cookies.extract_cookies``, which wraps the request in a urllib
    ``Request`` and the headers in an ``email.message.Message`` for ``http.cookiejar`` before that finds no
    ``Set-Cookie``: 13 µs of CPU per response, measured (timeit, httpx 0.29, a 4-header answer); a jar whose policy
    refuses every cookie costs the same 13 µs (the wrapping is the cost, not the storing), the header check 0.6 µs.
    No marketplace API we call sets or needs a cookie (shared/marketplaces.md, the Auth row of its table: TMON bearer
    + partner token, Coupang HMAC, Naver bearer, 11번가 openapikey, ESM JWT; shared/marketplaces-next.md: header keys
    and tokens for the next ones), so the check makes that work disappear, and a cookie an API sets one day is still
    kept and sent back exactly as httpx does: nothing is dropped (``http.cookiejar`` reads ``Set-Cookie`` and, only
    under an RFC 2965 policy, ``Set-Cookie2``: both are looked for)."""

    def extract_cookies(self, response: httpx.Response) -> None:
        headers = response.headers
        if "set-cookie" in headers or "set-cookie2" in headers:
            super().extract_cookies(response)


class MarketHttpClient(httpx.AsyncClient):
    """``httpx.AsyncClient`` whose ``cookies`` (the public property httpx itself reads each response through) is a
    ``SetCookiesOnly``. Nothing private is touched: should a later httpx stop reading its jar through
    ``self.cookies``, cookies work exactly as before and only the saving is gone."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cookies = kwargs.get("cookies") or {}

    @property
    def cookies(self) -> httpx.Cookies:
        return self._set_cookies_only

    @cookies.setter
    def cookies(self, cookies: CookieTypes) -> None:
        self._set_cookies_only = SetCookiesOnly(cookies)


def http_client(account: Account, *, app: Any = None, sandbox_path: str = "") -> httpx.AsyncClient:
    """The account's HTTP client: to ``app`` in process when one is given (the built-in sandbox, which the jobs
    supply for ``sandbox:`` accounts; this package never imports it), there the base is ``sandbox_path``
    (Naver: ``/external``). A real URL (a served sandbox too) goes through aiohttp's pool, as many connections as
    the account's ``concurrency`` (transport.py says why)."""
    if app is not None:
        transport = httpx.ASGITransport(app=app)
        return MarketHttpClient(transport=transport, base_url=f"http://sandbox.invalid{sandbox_path}")
    if account.base_url.startswith(SANDBOX_SCHEME):
        raise WorkspaceError(
            f"계정 {label_of(account.market)}/{account.name}은 내장 샌드박스 계정인데 샌드박스가 열려 있지 않습니다. "
            "batch 명령으로 실행해 주세요."
        )
    if not account.base_url.startswith(("https://", "http://")):
        raise WorkspaceError(
            f"계정 {label_of(account.market)}/{account.name}의 base_url '{account.base_url}'이 주소가 아닙니다. batch.toml을 고치세요."
        )
    return MarketHttpClient(transport=AiohttpTransport(settings_for(account).concurrency), base_url=account.base_url)


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
