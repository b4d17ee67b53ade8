"""Naver Commerce token: client signature, sandbox check, token cache (marketplaces.md §3.1)."""

from __future__ import annotations

import base64

import bcrypt
import pytest

from batch.marketplaces.base import AuthFailed
from batch.marketplaces.naver_auth import TokenCache, canonical_salt, client_secret_sign, token_form
from batch.sandbox.naver_auth import check_token_request

CLIENT_ID = "test-client-id"
SECRET = "$2a$04$abcdefghijklmnopqrstuu"  # a valid bcrypt salt, as Naver's client secrets are
TIMESTAMP_MS = 1_700_000_000_000
# base64(bcrypt.hashpw(b"test-client-id_1700000000000", SECRET)), computed once and written down
EXPECTED_SIGN = "JDJhJDA0JGFiY2RlZmdoaWprbG1ub3BxcnN0dXU2Ui9jUjRXS2h2TFd5MjkuRFlXdFZOakVNdVJhUXR1"
SECRETS = {CLIENT_ID: SECRET}


# Naver's own example, in every language of apicenter.commerce.naver.com "전자서명" (commerce-api-naver/commerce-api
# docs/2.0.0-RC.js, "코드 예시": clientId "aaaabbbbcccc", clientSecret "$2a$10$abcdefghijklmnopqrstuv", timestamp
# 1643961623299, "실행 결과" below). Its secret's last salt character is not canonical: pyca/bcrypt ≥ 4 refuses it.
OFFICIAL_ID, OFFICIAL_SECRET, OFFICIAL_TIMESTAMP = "aaaabbbbcccc", "$2a$10$abcdefghijklmnopqrstuv", 1_643_961_623_299
OFFICIAL_SIGN = "JDJhJDEwJGFiY2RlZmdoaWprbG1ub3BxcnN0dXVCVldZSk42T0VPdEx1OFY0cDQxa2IuTnpVaUEzbmsy"


def test_the_documented_example_signs_exactly_as_documented() -> None:
    assert client_secret_sign(OFFICIAL_ID, OFFICIAL_SECRET, OFFICIAL_TIMESTAMP) == OFFICIAL_SIGN
    # the documented result itself carries the salt bcrypt used: …stuu, the canonical form of …stuv
    assert base64.b64decode(OFFICIAL_SIGN).decode().startswith("$2a$10$abcdefghijklmnopqrstuu")
    form = token_form(OFFICIAL_ID, OFFICIAL_SECRET, OFFICIAL_TIMESTAMP / 1000)
    assert form["client_secret_sign"] == OFFICIAL_SIGN and form["timestamp"] == "1643961623299"


def test_the_sandbox_takes_the_documented_example() -> None:
    form = {
        "client_id": OFFICIAL_ID,
        "timestamp": str(OFFICIAL_TIMESTAMP),
        "client_secret_sign": OFFICIAL_SIGN,
        "grant_type": "client_credentials",
        "type": "SELF",
    }
    status, body = check_token_request(form, {OFFICIAL_ID: OFFICIAL_SECRET}, OFFICIAL_TIMESTAMP + 1_000)
    assert status == 200 and body["token_type"] == "Bearer"


def test_canonical_salt_keeps_only_the_bits_bcrypt_uses() -> None:
    assert canonical_salt(OFFICIAL_SECRET) == "$2a$10$abcdefghijklmnopqrstuu"
    assert canonical_salt("$2a$10$abcdefghijklmnopqrstuu") == "$2a$10$abcdefghijklmnopqrstuu"
    assert canonical_salt("$2b$04$zyxwvutsrqponmlkjihgf9") == "$2b$04$zyxwvutsrqponmlkjihgfu"  # 9 = 0b111111
    whole_hash = bcrypt.hashpw(b"x", SECRET.encode()).decode()  # a secret pasted as a whole hash keeps its salt
    assert canonical_salt(whole_hash) == SECRET


@pytest.mark.parametrize(
    "secret", ["", "sandbox-secret", "$2a$10$short", "$2a$99$abcdefghijklmnopqrstuv", "$2a$10$abcdefghijklmnopqrst!v"]
)
def test_a_secret_that_cannot_sign_is_auth_failed_in_korean(secret: str) -> None:
    with pytest.raises(AuthFailed) as caught:
        client_secret_sign(CLIENT_ID, secret, TIMESTAMP_MS)
    assert caught.value.market == "naver"
    assert "client_secret" in caught.value.message and "커머스API센터" in caught.value.message


def test_vector_computed_independently() -> None:
    hashed = bcrypt.hashpw(f"{CLIENT_ID}_{TIMESTAMP_MS}".encode(), SECRET.encode())
    assert base64.standard_b64encode(hashed).decode() == EXPECTED_SIGN
    assert bcrypt.checkpw(f"{CLIENT_ID}_{TIMESTAMP_MS}".encode(), base64.b64decode(EXPECTED_SIGN))


def test_client_reproduces_vector() -> None:
    assert client_secret_sign(CLIENT_ID, SECRET, TIMESTAMP_MS) == EXPECTED_SIGN


def test_token_form_fields() -> None:
    form = token_form(CLIENT_ID, SECRET, TIMESTAMP_MS / 1000)
    assert form == {
        "client_id": CLIENT_ID,
        "timestamp": str(TIMESTAMP_MS),
        "client_secret_sign": EXPECTED_SIGN,
        "grant_type": "client_credentials",
        "type": "SELF",
    }


def test_sandbox_accepts_vector() -> None:
    form = token_form(CLIENT_ID, SECRET, TIMESTAMP_MS / 1000)
    status, body = check_token_request(form, SECRETS, TIMESTAMP_MS + 1_000)
    assert status == 200
    assert body["expires_in"] == 10800
    assert body["token_type"] == "Bearer"
    assert isinstance(body["access_token"], str) and body["access_token"]


def _form(**changes: str) -> dict[str, str]:
    form = {
        "client_id": CLIENT_ID,
        "timestamp": str(TIMESTAMP_MS),
        "client_secret_sign": EXPECTED_SIGN,
        "grant_type": "client_credentials",
        "type": "SELF",
    }
    form.update(changes)
    return form


def _assert_error_shape(body: dict[str, object]) -> None:
    assert set(body) == {"code", "message", "invalidInputs", "timestamp"}
    assert "access_token" not in body


def test_wrong_secret_rejected() -> None:
    other = "$2a$04$zyxwvutsrqponmlkjihgfe"
    form = _form(client_secret_sign=client_secret_sign(CLIENT_ID, other, TIMESTAMP_MS))
    status, body = check_token_request(form, SECRETS, TIMESTAMP_MS)
    assert status == 403
    _assert_error_shape(body)


def test_tampered_timestamp_rejected() -> None:
    status, body = check_token_request(_form(timestamp=str(TIMESTAMP_MS + 1)), SECRETS, TIMESTAMP_MS)
    assert status == 403
    _assert_error_shape(body)


def test_stale_timestamp_rejected() -> None:
    status, body = check_token_request(_form(), SECRETS, TIMESTAMP_MS + 300_001)
    assert status == 403
    _assert_error_shape(body)
    assert check_token_request(_form(), SECRETS, TIMESTAMP_MS + 300_000)[0] == 200


@pytest.mark.parametrize("field", ["client_id", "timestamp", "client_secret_sign", "grant_type", "type"])
def test_missing_field_is_400(field: str) -> None:
    form = _form()
    del form[field]
    status, body = check_token_request(form, SECRETS, TIMESTAMP_MS)
    assert status == 400
    _assert_error_shape(body)
    assert [item["name"] for item in body["invalidInputs"]] == [field]  # type: ignore[attr-defined]


def test_unknown_client_rejected() -> None:
    status, body = check_token_request(_form(client_id="nobody"), SECRETS, TIMESTAMP_MS)
    assert status == 403
    _assert_error_shape(body)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_000.0


def test_cache_renews_before_three_hours() -> None:
    clock = FakeClock()
    cache = TokenCache(renew_margin=600)
    assert cache.needs_renewal(clock.now)
    cache.store({"access_token": "t1", "expires_in": 10800, "token_type": "Bearer"}, clock.now)
    assert cache.authorization(clock.now) == {"Authorization": "Bearer t1"}
    clock.now += 10800 - 601
    assert not cache.needs_renewal(clock.now)
    clock.now += 1
    assert cache.needs_renewal(clock.now)
    assert cache.valid_token(clock.now) is None
    with pytest.raises(LookupError):
        cache.authorization(clock.now)
    cache.store({"access_token": "t2", "expires_in": 10800}, clock.now)
    assert cache.valid_token(clock.now) == "t2"


def test_cache_margin_must_be_inside_same_token_window() -> None:
    with pytest.raises(ValueError):
        TokenCache(renew_margin=30 * 60)


def test_cache_401_authn_retries_once() -> None:
    cache = TokenCache()
    cache.store({"access_token": "t1", "expires_in": 10800}, 0.0)
    assert not cache.on_unauthorized(429, "GW.RATE_LIMIT")
    assert cache.valid_token(0.0) == "t1"
    assert cache.on_unauthorized(401, "GW.AUTHN")
    assert cache.needs_renewal(0.0)
    cache.store({"access_token": "t1", "expires_in": 10800}, 0.0)  # Naver may hand back the same token
    assert not cache.on_unauthorized(401, "GW.AUTHN")  # a repeat means missing API group permission
    cache.store({"access_token": "t2", "expires_in": 10800}, 0.0)
    assert cache.on_unauthorized(401, "GW.AUTHN")
