"""Naver Commerce API token: the signature, the form and a token cache (marketplaces.md §3.1, §3.2).

* ``client_secret_sign`` = standard Base64 of ``bcrypt.hashpw(f"{client_id}_{timestamp}", salt=client_secret)``.
  The client secret *is* a bcrypt salt (``$2a$10$…``). The timestamp is Unix epoch **milliseconds**, is valid
  for 5 minutes, and must be the same value that is sent in the form.
* ``POST /external/v1/oauth2/token`` (``application/x-www-form-urlencoded``) with ``client_id``, ``timestamp``,
  ``client_secret_sign``, ``grant_type=client_credentials`` and ``type=SELF``.
* The reply is ``{"access_token", "expires_in": 10800, "token_type": "Bearer"}``: a token lasts 3 hours.
  While the current token has at least 30 minutes left, Naver hands back the *same* token, so a renewal only
  yields a new one inside the last 30 minutes; the old token stays valid until it expires.
* Token errors: 400 (missing parameter), 403 (bad signature or expired timestamp), 500.
* API calls send ``Authorization: Bearer {token}``. A 401 ``GW.AUTHN`` from the gateway means the token was not
  accepted; the doc also names a missing **API group** permission as a cause, which no new token fixes. So the
  cache drops the token and allows one retry with a fresh token; a second ``GW.AUTHN`` is a permission problem.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass

import bcrypt

from batch.marketplaces.base import AuthFailed
from batch.models import Market

TOKEN_PATH = "/external/v1/oauth2/token"
TOKEN_LIFETIME_S = 10_800  # 3 hours, the documented expires_in
SAME_TOKEN_WINDOW_S = 30 * 60  # with ≥ 30 min left Naver returns the same token
DEFAULT_RENEW_MARGIN_S = 10 * 60  # renew this long before expiry (inside the 30-minute window)
AUTHN_CODE = "GW.AUTHN"
# bcrypt's own Base64 alphabet (OpenBSD bcrypt.c); a salt is "$2a$" + 2-digit cost + "$" + 22 characters
BCRYPT_ALPHABET = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
SALT = re.compile(r"^\$2[abxy]?\$(0[4-9]|[12][0-9]|3[01])\$[./A-Za-z0-9]{22}$")
BAD_SECRET = (
    "스마트스토어 client_secret으로 서명하지 못했습니다. 커머스API센터 > 애플리케이션 정보의 "
    "애플리케이션 시크릿($2a$로 시작하는 값)을 그대로 복사해 환경 변수에 다시 넣으세요."
)


def canonical_salt(client_secret: str) -> str:
    """The secret as the bcrypt salt it encodes, its 22nd salt character made canonical.

    22 Base64 characters carry 132 bits; bcrypt uses 128, so only the top two bits of the last character count.
    bcrypt 3.x (and OpenBSD's bcrypt) decoded the salt and re-encoded it, which dropped the low four bits: the
    official example's ``…stuv`` signs as ``…stuu`` (apicenter.commerce.naver.com "전자서명", the example in
    commerce-api-naver/commerce-api docs/2.0.0-RC.js: its expected sign decodes to ``$2a$10$…stuuBVWYJN…``).
    pyca/bcrypt ≥ 4 refuses such a salt instead, so the bits are dropped here the way bcrypt 3 did. Raises
    AuthFailed (Korean, pointing at 커머스API센터) when the secret is not a bcrypt salt at all.
    """
    salt = client_secret.strip()[:29]  # a secret given as a whole bcrypt hash still starts with its salt
    if not SALT.match(salt):
        raise AuthFailed(Market.NAVER.value, BAD_SECRET)
    last = BCRYPT_ALPHABET.index(salt[-1]) & 0b110000  # keep the two bits bcrypt uses
    return salt[:-1] + BCRYPT_ALPHABET[last]


def client_secret_sign(client_id: str, client_secret: str, timestamp_ms: int) -> str:
    """Standard Base64 of bcrypt(``{client_id}_{timestamp_ms}``, salt = client secret); AuthFailed, never a bare
    ValueError, when the secret cannot sign."""
    password = f"{client_id}_{timestamp_ms}".encode()
    try:
        hashed = bcrypt.hashpw(password, canonical_salt(client_secret).encode("ascii"))
    except ValueError as exc:  # pyca/bcrypt: "Invalid salt" and the like
        raise AuthFailed(Market.NAVER.value, BAD_SECRET) from exc
    return base64.standard_b64encode(hashed).decode("ascii")


def token_form(client_id: str, client_secret: str, now: float) -> dict[str, str]:
    """Form fields for the token request; ``now`` is Unix epoch seconds (wall clock)."""
    timestamp_ms = int(now * 1000)
    return {
        "client_id": client_id,
        "timestamp": str(timestamp_ms),
        "client_secret_sign": client_secret_sign(client_id, client_secret, timestamp_ms),
        "grant_type": "client_credentials",
        "type": "SELF",
    }


@dataclass
class TokenCache:
    """The current access token and when it expires; times are seconds on the caller's clock.

    ``needs_renewal`` is true with no token, or once fewer than ``renew_margin`` seconds remain. The margin is
    kept under 30 minutes: asking earlier just returns the same token.
    """

    renew_margin: float = DEFAULT_RENEW_MARGIN_S
    access_token: str | None = None
    expires_at: float = 0.0
    _refused_token: str | None = None  # the last token a GW.AUTHN dropped

    def __post_init__(self) -> None:
        if not 0 <= self.renew_margin < SAME_TOKEN_WINDOW_S:
            raise ValueError("renew_margin must be between 0 and 30 minutes")

    def store(self, response: dict[str, object], now: float) -> str:
        """Keep a token response; returns the token. ``expires_in`` defaults to 3 hours."""
        token = response.get("access_token")
        if not isinstance(token, str) or not token:
            raise ValueError("token response has no access_token")
        expires_in = response.get("expires_in", TOKEN_LIFETIME_S)
        if not isinstance(expires_in, int | float) or isinstance(expires_in, bool):
            raise ValueError("token response has a bad expires_in")
        self.access_token = token
        self.expires_at = now + float(expires_in)
        return token

    def needs_renewal(self, now: float) -> bool:
        return self.access_token is None or now >= self.expires_at - self.renew_margin

    def valid_token(self, now: float) -> str | None:
        """The token if it does not need renewing yet, else None."""
        return None if self.needs_renewal(now) else self.access_token

    def authorization(self, now: float) -> dict[str, str]:
        token = self.valid_token(now)
        if token is None:
            raise LookupError("no valid Naver token; request a new one first")
        return {"Authorization": f"Bearer {token}"}

    def invalidate(self) -> None:
        self.access_token = None
        self.expires_at = 0.0

    def on_unauthorized(self, status: int, code: str | None) -> bool:
        """Handle an API error; True means: fetch a new token and retry once.

        A 401 ``GW.AUTHN`` drops the token. It asks for a retry unless the same token was already refused once
        (Naver hands back the same token while ≥ 30 min remain); a repeat means the application lacks the API
        group permission, which a new token does not fix.
        """
        if status != 401 or (code is not None and code != AUTHN_CODE):
            return False
        refused = self.access_token
        self.invalidate()
        if refused is not None and refused == self._refused_token:
            return False
        self._refused_token = refused
        return True
