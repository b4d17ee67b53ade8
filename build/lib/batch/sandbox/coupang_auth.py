"""Sandbox side of Coupang's CEA HMAC-SHA256 check (marketplaces.md §2.1, errors §2.2).

Written apart from ``batch.marketplaces.coupang_auth`` on purpose: the two only meet in the documented protocol.

The gateway recomputes lowercase hex HMAC-SHA256(secretKey, signed-date + METHOD + path + query) over the path and
the raw, still percent-encoded query string (no leading ``?``) exactly as received, and compares in constant time.
A 401 means a bad signature or clock skew (§2.1). The error messages below are ours; §2.2 fixes only the body's
shape ``{"code", "message", "data"}``.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

_PREFIX = "CEA "
_FIELDS = ("algorithm", "access-key", "signed-date", "signature")
_DATE_RE = re.compile(r"^(\d{2})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$")
_HEX64_RE = re.compile(r"^[0-9a-f]{64}$")

MISSING = "Authorization header is missing."
BAD_FORMAT = "Invalid authorization header format."
BAD_ALGORITHM = "Unsupported signature algorithm."
UNKNOWN_KEY = "Invalid access key."
BAD_DATE = "Invalid signed-date."
EXPIRED = "Specified signature is expired."
BAD_SIGNATURE = "Invalid signature."


def parse_header(header: str) -> dict[str, str] | None:
    """The four fields of ``CEA algorithm=…, access-key=…, signed-date=…, signature=…``, in that order, or None."""
    if not header.startswith(_PREFIX):
        return None
    parts = header[len(_PREFIX) :].split(", ")
    if len(parts) != len(_FIELDS):
        return None
    fields: dict[str, str] = {}
    for part, name in zip(parts, _FIELDS, strict=True):
        key, sep, value = part.partition("=")
        if not sep or key != name or not value or "," in value or " " in value:
            return None
        fields[key] = value
    return fields


def _parse_date(text: str) -> datetime | None:
    match = _DATE_RE.match(text)
    if match is None:
        return None
    yy, mo, dd, hh, mi, ss = (int(g) for g in match.groups())
    try:
        return datetime(2000 + yy, mo, dd, hh, mi, ss, tzinfo=UTC)
    except ValueError:
        return None


def verify(
    header: str | None,
    method: str,
    path: str,
    query: str,
    secret_for: Callable[[str], str | None],
    now: datetime,
    skew: timedelta = timedelta(minutes=5),
) -> str | None:
    """None when the request's signature is valid, else the error message for a 401 body.

    ``path`` and ``query`` are as received on the wire (percent-encoded; query without ``?``).
    ``now`` should be timezone-aware; a naive value is taken as UTC.
    """
    if not header:
        return MISSING
    fields = parse_header(header)
    if fields is None:
        return BAD_FORMAT
    if fields["algorithm"] != "HmacSHA256":
        return BAD_ALGORITHM
    secret = secret_for(fields["access-key"])
    if secret is None:
        return UNKNOWN_KEY
    date_text = fields["signed-date"]
    signed_at = _parse_date(date_text)
    if signed_at is None:
        return BAD_DATE
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    if abs(now - signed_at) > skew:
        return EXPIRED
    given = fields["signature"]
    if _HEX64_RE.match(given) is None:
        return BAD_SIGNATURE
    message = date_text + method.upper() + path + query.removeprefix("?")
    expected = hmac.new(secret.encode("utf-8"), message.encode("utf-8"), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, given):
        return BAD_SIGNATURE
    return None


def error_body(message: str) -> dict[str, Any]:
    """The JSON body of a 401, in §2.2's ``{"code", "message", "data"}`` shape."""
    return {"code": "ERROR", "message": message, "data": None}
