"""Coupang Open API (WING) request signing, CEA HMAC-SHA256 (marketplaces.md §2.1).

message   = signed-date + METHOD + path + query, where path has no host and query is the raw query string
            without the leading ``?`` (empty when there are no parameters);
signature = lowercase hex HMAC-SHA256(key=secretKey, msg=message);
header    = ``CEA algorithm=HmacSHA256, access-key={accessKey}, signed-date={signed-date}, signature={signature}``.

Query encoding: Coupang signs the query *as sent on the wire*. :class:`CoupangAuth` therefore never decodes or
re-encodes anything: it takes ``httpx.URL.raw_path`` (the exact, already percent-encoded bytes httpx writes on
the request line, e.g. ``%2B`` for ``+`` and ``%ED%95%9C`` for Korean text), splits it at the first ``?`` and
signs both halves verbatim. Callers who build the query themselves must pass it to :func:`signature` /
:func:`authorization` already encoded exactly as they will send it.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Generator
from datetime import UTC, datetime

import httpx

ALGORITHM = "HmacSHA256"
SIGNED_DATE_FORMAT = "%y%m%dT%H%M%SZ"  # yyMMdd'T'HHmmss'Z'


def signed_date(now: datetime) -> str:
    """``now`` in UTC as ``yyMMdd'T'HHmmss'Z'``; a naive datetime is taken to be UTC already."""
    if now.tzinfo is not None:
        now = now.astimezone(UTC)
    return now.strftime(SIGNED_DATE_FORMAT)


def signature(secret_key: str, signed_date: str, method: str, path: str, query: str) -> str:
    """Lowercase hex HMAC-SHA256 of ``signed_date + METHOD + path + query``; a leading ``?`` on query is dropped."""
    query = query.removeprefix("?")
    message = f"{signed_date}{method.upper()}{path}{query}"
    return hmac.new(secret_key.encode("utf-8"), message.encode("utf-8"), hashlib.sha256).hexdigest()


def authorization(access_key: str, secret_key: str, method: str, path: str, query: str, now: datetime) -> str:
    """The full ``Authorization`` header value for one request, signed at ``now``."""
    date = signed_date(now)
    sig = signature(secret_key, date, method, path, query)
    return f"CEA algorithm={ALGORITHM}, access-key={access_key}, signed-date={date}, signature={sig}"


def split_url(url: httpx.URL) -> tuple[str, str]:
    """(path, query) exactly as they go on the wire: percent-encoded, query without the ``?``."""
    raw = url.raw_path.decode("ascii")
    path, _, query = raw.partition("?")
    return path, query


def _utcnow() -> datetime:
    return datetime.now(UTC)


class CoupangAuth(httpx.Auth):
    """httpx auth hook: signs every request afresh (a fresh signed-date each time, as §2.1 asks)."""

    def __init__(self, access_key: str, secret_key: str, clock: Callable[[], datetime] = _utcnow) -> None:
        self.access_key = access_key
        self._secret_key = secret_key
        self._clock = clock

    def __repr__(self) -> str:
        return f"CoupangAuth(access_key={self.access_key!r})"

    def headers(self, method: str, url: httpx.URL) -> dict[str, str]:
        """The ``Authorization`` header for ``method`` on ``url`` (path and raw query taken from the URL)."""
        path, query = split_url(url)
        value = authorization(self.access_key, self._secret_key, method, path, query, self._clock())
        return {"Authorization": value}

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers.update(self.headers(request.method, request.url))
        yield request
