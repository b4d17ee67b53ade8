"""Coupang CEA HMAC-SHA256 (marketplaces.md §2.1): the client signer and the sandbox verifier agree."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta, timezone

import httpx
import pytest

from batch.marketplaces import coupang_auth as client
from batch.sandbox import coupang_auth as sandbox

ACCESS = "test-access-key"
SECRET = "test-secret-key"
NOW = datetime(2025, 11, 7, 8, 30, 15, tzinfo=UTC)
DATE = "251107T083015Z"
METHOD = "GET"
PATH = "/v2/providers/openapi/apis/api/v5/vendors/A00012345/ordersheets"
QUERY = "createdAtFrom=2025-07-01%2B09:00&createdAtTo=2025-07-02%2B09:00&status=ACCEPT"
# Computed once with hmac.new(b"test-secret-key", (DATE + METHOD + PATH + QUERY).encode(), sha256).hexdigest().
VECTOR = "14e76bb5e8b2afacbd297db7bfcf040c2d12d985248810663366119d15ed77fa"
HEADER = f"CEA algorithm=HmacSHA256, access-key={ACCESS}, signed-date={DATE}, signature={VECTOR}"


def secrets(key: str) -> str | None:
    return SECRET if key == ACCESS else None


def check(
    header: str | None, method: str = METHOD, path: str = PATH, query: str = QUERY, now: datetime = NOW
) -> str | None:
    return sandbox.verify(header, method, path, query, secrets, now)


def test_vector_is_plain_hmac() -> None:
    message = (DATE + METHOD + PATH + QUERY).encode()
    assert hmac.new(SECRET.encode(), message, hashlib.sha256).hexdigest() == VECTOR


def test_client_matches_vector() -> None:
    assert client.signed_date(NOW) == DATE
    assert client.signature(SECRET, DATE, METHOD, PATH, QUERY) == VECTOR
    assert client.signature(SECRET, DATE, METHOD, PATH, "?" + QUERY) == VECTOR
    assert client.authorization(ACCESS, SECRET, METHOD, PATH, QUERY, NOW) == HEADER


def test_sandbox_accepts_vector() -> None:
    assert check(HEADER) is None


def test_signed_date_converts_to_utc() -> None:
    kst = timezone(timedelta(hours=9))
    assert client.signed_date(datetime(2025, 11, 7, 17, 30, 15, tzinfo=kst)) == DATE
    assert client.signed_date(datetime(2025, 1, 2, 3, 4, 5)) == "250102T030405Z"


@pytest.mark.parametrize(
    ("method", "path", "query"),
    [
        ("POST", PATH, QUERY),
        (METHOD, PATH.replace("A00012345", "A00012346"), QUERY),
        (METHOD, PATH, QUERY.replace("ACCEPT", "INSTRUCT")),
        (METHOD, PATH, QUERY.replace("%2B", "+")),
        (METHOD, PATH, ""),
    ],
)
def test_tampered_request_fails(method: str, path: str, query: str) -> None:
    assert check(HEADER, method, path, query) == sandbox.BAD_SIGNATURE


def test_tampered_date_fails() -> None:
    header = HEADER.replace(DATE, "251107T083016Z")
    assert check(header) == sandbox.BAD_SIGNATURE


def test_tampered_signature_fails() -> None:
    assert check(HEADER.replace(VECTOR, "0" * 64)) == sandbox.BAD_SIGNATURE
    assert check(HEADER.replace(VECTOR, VECTOR.upper())) == sandbox.BAD_SIGNATURE


def test_skew_window() -> None:
    five = timedelta(minutes=5)
    assert check(HEADER, now=NOW + five) is None
    assert check(HEADER, now=NOW - five) is None
    assert check(HEADER, now=NOW + five + timedelta(seconds=1)) == sandbox.EXPIRED
    assert check(HEADER, now=NOW - five - timedelta(seconds=1)) == sandbox.EXPIRED
    wide = sandbox.verify(HEADER, METHOD, PATH, QUERY, secrets, NOW + timedelta(hours=1), skew=timedelta(hours=2))
    assert wide is None


def test_missing_and_unknown_key() -> None:
    assert check(None) == sandbox.MISSING
    assert check("") == sandbox.MISSING
    assert check(HEADER.replace(ACCESS, "someone-else")) == sandbox.UNKNOWN_KEY


@pytest.mark.parametrize(
    "header",
    [
        HEADER.replace("CEA ", "Bearer "),
        HEADER.replace("CEA ", "CEA  "),
        HEADER.replace(", ", ","),
        HEADER.replace("access-key=", "accesskey="),
        HEADER.replace(f"signed-date={DATE}, signature={VECTOR}", f"signature={VECTOR}, signed-date={DATE}"),
        HEADER + ", extra=1",
        HEADER.replace(f"access-key={ACCESS}", "access-key="),
    ],
)
def test_bad_format(header: str) -> None:
    assert check(header) == sandbox.BAD_FORMAT


def test_header_fields_parsed_exactly() -> None:
    assert sandbox.parse_header(HEADER) == {
        "algorithm": "HmacSHA256",
        "access-key": ACCESS,
        "signed-date": DATE,
        "signature": VECTOR,
    }
    assert check(HEADER.replace("HmacSHA256", "HmacSHA1")) == sandbox.BAD_ALGORITHM
    assert check(HEADER.replace(DATE, "2025-11-07T08:30:15Z")) == sandbox.BAD_DATE
    assert check(HEADER.replace(DATE, "251307T083015Z")) == sandbox.BAD_DATE


def test_error_body_shape() -> None:
    assert sandbox.error_body(sandbox.BAD_SIGNATURE) == {"code": "ERROR", "message": "Invalid signature.", "data": None}


def test_httpx_hook_signs_wire_query_korean() -> None:
    auth = client.CoupangAuth(ACCESS, SECRET, clock=lambda: NOW)
    url = httpx.URL(
        "https://api-gateway.coupang.com/v2/providers/x/상품",
        params={"q": "한글 검색", "createdAtFrom": "2025-07-01+09:00", "tag": "a&b=c"},
    )
    path, query = client.split_url(url)
    assert path == "/v2/providers/x/%EC%83%81%ED%92%88"
    assert query == "q=%ED%95%9C%EA%B8%80+%EA%B2%80%EC%83%89&createdAtFrom=2025-07-01%2B09%3A00&tag=a%26b%3Dc"
    header = auth.headers("get", url)["Authorization"]
    assert check(header, "GET", path, query) is None
    # The decoded forms are not what went on the wire, so they must not verify.
    assert check(header, "GET", "/v2/providers/x/상품", query) == sandbox.BAD_SIGNATURE
    assert check(header, "GET", path, "q=한글 검색&createdAtFrom=2025-07-01+09:00&tag=a&b=c") == sandbox.BAD_SIGNATURE


def test_httpx_hook_round_trip_through_transport() -> None:
    seen: list[str | None] = []

    def handler(request: httpx.Request) -> httpx.Response:
        path, _, query = request.url.raw_path.decode("ascii").partition("?")
        error = check(request.headers.get("Authorization"), request.method, path, query)
        seen.append(error)
        if error is not None:
            return httpx.Response(401, json=sandbox.error_body(error))
        return httpx.Response(200, json={"code": 200, "message": "OK", "data": []})

    auth = client.CoupangAuth(ACCESS, SECRET, clock=lambda: NOW)
    with httpx.Client(transport=httpx.MockTransport(handler), auth=auth) as http:
        ok = http.get("https://api-gateway.coupang.com" + PATH + "?" + QUERY)
        korean = http.get("https://api-gateway.coupang.com" + PATH, params={"name": "신*희 %2B"})
    with httpx.Client(transport=httpx.MockTransport(handler)) as http:
        bare = http.get("https://api-gateway.coupang.com" + PATH)
    assert ok.status_code == 200
    assert ok.request.headers["Authorization"] == HEADER
    assert korean.status_code == 200
    assert bare.status_code == 401
    assert bare.json() == {"code": "ERROR", "message": sandbox.MISSING, "data": None}
    assert seen == [None, None, sandbox.MISSING]
