"""The HTTP transport real marketplace URLs use: httpx's client API over aiohttp's connection pool.

httpx's own async transport costs about 1 ms of client CPU per request and gets slower as concurrency grows, so 20
accounts pushing at once top out near 650 requests/s on one core; the same client over aiohttp costs a fraction of
that (perf-facts "HTTP client", bench/accounts_bench.py). Everything above the transport stays httpx: the adapters,
``MarketClient``'s retries and the tests' ``MockTransport`` / ``ASGITransport`` are unchanged.

Not the ``httpx-aiohttp`` package: its 0.2.0 maps every ``aiohttp.ClientConnectionError`` to ``httpx.ConnectTimeout``,
so a refused connection, a hang-up and a reset would all read as a timeout, and a refused POST as one that may have
landed (never retried). Here each aiohttp failure becomes the httpx error httpx's own transport raises for it, which is
what ``MarketClient.send`` decides on (``ERRORS``).
"""

from __future__ import annotations

import functools
import ssl
import urllib.request

import aiohttp
import httpx
import yarl

# aiohttp's failure -> the httpx error httpx's own transport raises for the same event; the first match wins, so the
# more specific classes come first. A pool wait and a connect that time out are one aiohttp error (both "connect"):
# ConnectTimeout, handled as every TimeoutException is.
ERRORS: tuple[tuple[type[Exception], type[httpx.TransportError]], ...] = (
    (aiohttp.ConnectionTimeoutError, httpx.ConnectTimeout),
    (aiohttp.ServerTimeoutError, httpx.ReadTimeout),  # sock_read: no byte within the read timeout
    (aiohttp.ClientConnectorError, httpx.ConnectError),  # refused, DNS, TLS handshake, proxy connect: nothing sent
    (aiohttp.ServerDisconnectedError, httpx.RemoteProtocolError),  # hung up without an answer
    (aiohttp.ClientConnectionResetError, httpx.WriteError),
    (aiohttp.ClientOSError, httpx.ReadError),  # reset by peer
    (aiohttp.ClientPayloadError, httpx.RemoteProtocolError),  # the body cut short
    (aiohttp.ClientResponseError, httpx.RemoteProtocolError),  # not an HTTP answer
    (aiohttp.InvalidURL, httpx.UnsupportedProtocol),
    (aiohttp.ClientError, httpx.TransportError),
)


def translated(exc: Exception, request: httpx.Request) -> Exception:
    """The httpx error for an aiohttp one (``exc`` itself when it is not aiohttp's)."""
    for theirs, ours in ERRORS:
        if isinstance(exc, theirs):
            return ours(str(exc) or type(exc).__name__, request=request)
    return exc


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    """The certificates httpx would verify with (certifi, or SSL_CERT_FILE / SSL_CERT_DIR), made once."""
    return httpx.create_ssl_context()


@functools.cache
def proxy_for(scheme: str, host: str) -> str | None:
    """The proxy the environment names for ``scheme://host`` (HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY), as httpx
    honours them; read once per host."""
    proxies = urllib.request.getproxies_environment()
    proxy = proxies.get(scheme) or proxies.get("all")
    if not proxy or urllib.request.proxy_bypass(host):
        return None
    return proxy


class AiohttpTransport(httpx.AsyncBaseTransport):
    """One account's connections: at most ``connections`` open to its host, kept alive and reused.

    The pool is the account's concurrency, so N requests at concurrency C open about C connections (httpx's default
    pool keeps 20 idle and opened ~960 for 1,000 requests at concurrency 32). The aiohttp session is made on the first
    request, inside the event loop that sends; cookies stay httpx's (aiohttp keeps none); bodies are decoded by httpx.
    """

    def __init__(self, connections: int, *, keepalive: float = 5.0) -> None:
        self.connections = max(int(connections), 1)
        self.keepalive = keepalive
        self._session: aiohttp.ClientSession | None = None

    def _open(self) -> aiohttp.ClientSession:
        connector = aiohttp.TCPConnector(
            limit=self.connections,
            limit_per_host=self.connections,
            keepalive_timeout=self.keepalive,
            ssl=_ssl_context(),
        )
        return aiohttp.ClientSession(
            connector=connector,
            cookie_jar=aiohttp.DummyCookieJar(),
            auto_decompress=False,  # httpx decodes by Content-Encoding
            skip_auto_headers=("User-Agent", "Accept-Encoding", "Content-Type"),  # httpx's headers go out as they are
            trust_env=False,  # its netrc and proxy look-ups cost two thread hops per request: proxy_for() instead
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self._session is None:
            self._session = self._open()
        timeout = request.extensions.get("timeout", {})
        body = await request.aread()
        headers = request.headers.multi_items()
        if "transfer-encoding" in request.headers:  # the body is read whole: aiohttp sends its length
            headers = [(k, v) for k, v in headers if k.lower() != "transfer-encoding"]
        try:
            async with self._session.request(
                request.method,
                yarl.URL(str(request.url), encoded=True),  # as httpx encoded it: a signed query is not re-quoted
                headers=headers,
                data=body or None,
                allow_redirects=False,  # httpx follows redirects when asked
                proxy=proxy_for(request.url.scheme, request.url.host),
                timeout=aiohttp.ClientTimeout(
                    total=None,
                    connect=timeout.get("pool"),
                    sock_connect=timeout.get("connect"),
                    sock_read=timeout.get("read"),
                ),
            ) as response:
                content = await response.read()
        except aiohttp.ClientError as exc:
            raise translated(exc, request) from exc
        except TimeoutError as exc:  # a timeout aiohttp did not wrap
            raise httpx.ReadTimeout(str(exc) or "timed out", request=request) from exc
        return httpx.Response(
            response.status,
            headers=response.raw_headers,
            stream=httpx.ByteStream(content),
            request=request,
            extensions={
                "http_version": f"HTTP/{response.version.major}.{response.version.minor}".encode()
                if response.version
                else b"HTTP/1.1",
                "reason_phrase": (response.reason or "").encode(),
            },
        )

    async def aclose(self) -> None:
        if self._session is not None:
            session, self._session = self._session, None
            await session.close()
