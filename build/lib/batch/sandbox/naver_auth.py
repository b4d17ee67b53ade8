"""Sandbox side of the Naver Commerce token endpoint (marketplaces.md §3.1).

Written independently of ``batch.marketplaces``. The secret is a bcrypt salt, so the expected sign is
recomputed with that salt and compared in constant time (bcrypt output is deterministic for a given salt).
Naver's own example secret (``$2a$10$abcdefghijklmnopqrstuv``, apicenter "전자서명" and
commerce-api-naver/commerce-api docs/2.0.0-RC.js) has a last salt character with bits bcrypt ignores; Naver's
expected sign for it (``JDJhJDEwJGFiY2RlZm…UEzbmsy``) decodes to the salt ``…stuu``, i.e. the server reads the
salt as bcrypt 3 / OpenBSD do: decoded to 16 bytes and re-encoded. ``_salt_bytes`` does that here.
Documented statuses: 400 missing parameter, 403 bad signature or expired timestamp. The error body is
OAuth2ErrorResponse.sellers-auth of 2.0.0-RC: ``{code, message, timestamp, invalidInputs, data?}`` (``data`` left
out); its ``code`` values for these cases are not documented (ours: BadRequest, Forbidden).
"""

from __future__ import annotations

import base64
import hmac
import secrets as _secrets
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone

import bcrypt

EXPIRES_IN = 10_800
REQUIRED = ("client_id", "timestamp", "client_secret_sign", "grant_type", "type")
_KST = timezone(timedelta(hours=9))


def _error(
    status: int, code: str, message: str, now_ms: int, invalid: list[str] | None = None
) -> tuple[int, dict[str, object]]:
    stamp = datetime.fromtimestamp(now_ms / 1000, tz=UTC).astimezone(_KST).isoformat(timespec="milliseconds")
    body: dict[str, object] = {
        "code": code,
        "message": message,
        "invalidInputs": [{"name": name, "message": "required"} for name in (invalid or [])],
        "timestamp": stamp,
    }
    return status, body


_B64 = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"  # bcrypt's alphabet (OpenBSD bcrypt.c)


def _salt_bytes(secret: str) -> str | None:
    """The salt as bcrypt reads it: ``$2x$NN$`` and 22 characters decoded to 16 bytes, then encoded again."""
    head, salt = secret[:7], secret[7:29]
    if len(secret) < 29 or head[:3] not in ("$2a", "$2b", "$2y") or head[3] != "$" or head[6] != "$":
        return None
    if not head[4:6].isdigit() or any(c not in _B64 for c in salt):
        return None
    bits = "".join(f"{_B64.index(c):06b}" for c in salt)[:128]  # 132 bits written, 128 used
    raw = int(bits, 2).to_bytes(16, "big")
    out, acc, n = [], 0, 0
    for byte in raw:  # re-encode 16 bytes as bcrypt does: 6 bits at a time, the last group zero-padded
        acc, n = (acc << 8) | byte, n + 8
        while n >= 6:
            n -= 6
            out.append(_B64[(acc >> n) & 63])
    out.append(_B64[(acc << (6 - n)) & 63])
    return head + "".join(out)


def _expected_sign(client_id: str, secret: str, timestamp: str) -> str | None:
    salt = _salt_bytes(secret)
    if salt is None:
        return None
    try:
        hashed = bcrypt.hashpw(f"{client_id}_{timestamp}".encode(), salt.encode())
    except ValueError:
        return None
    return base64.standard_b64encode(hashed).decode("ascii")


def check_token_request(
    form: Mapping[str, str], secrets: Mapping[str, str], now_ms: int, skew_ms: int = 300_000
) -> tuple[int, dict[str, object]]:
    """(200, token body) or (status, error body) for one token request form."""
    missing = [name for name in REQUIRED if not form.get(name)]
    if form.get("type") == "SELLER" and not form.get("account_id"):
        missing.append("account_id")
    if missing:
        return _error(400, "BadRequest", "필수 파라미터 누락: " + ", ".join(missing), now_ms, missing)
    if form["grant_type"] != "client_credentials" or form["type"] not in ("SELF", "SELLER"):
        return _error(400, "BadRequest", "grant_type/type 값이 올바르지 않습니다", now_ms, [])
    client_id = form["client_id"]
    secret = secrets.get(client_id)
    if secret is None:
        return _error(403, "Forbidden", "unknown client_id", now_ms)  # our reading: the doc names no status
    stamp = form["timestamp"]
    if not stamp.isdigit():
        return _error(400, "BadRequest", "timestamp must be epoch milliseconds", now_ms, ["timestamp"])
    if abs(now_ms - int(stamp)) > skew_ms:
        return _error(403, "Forbidden", "timestamp expired", now_ms)
    expected = _expected_sign(client_id, secret, stamp)
    if expected is None or not hmac.compare_digest(expected.encode(), form["client_secret_sign"].encode()):
        return _error(403, "Forbidden", "invalid client_secret_sign", now_ms)
    token = _secrets.token_urlsafe(32)
    return 200, {"access_token": token, "expires_in": EXPIRES_IN, "token_type": "Bearer"}
