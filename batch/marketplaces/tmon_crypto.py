"""Decrypt TMON's AES-encrypted personal data (marketplaces.md §1.3 point 4).

❓ TMON's cipher mode and key exchange are not confirmed by any source. This is our reading:
AES-256-CBC, PKCS7 padding, a random 16-byte IV prepended to the ciphertext, all Base64; the key is the
account's 32-byte key as 64 hex characters. Everything that knows the scheme is this one function, so the
real one can be swapped in without touching the adapter.
"""

from __future__ import annotations

import base64
import binascii

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from batch.marketplaces.base import AuthFailed


def decrypt(value: str, key_hex: str) -> str:
    """Plain text of one encrypted field; an empty value stays empty."""
    if not value:
        return ""
    try:
        key = bytes.fromhex(key_hex)
        raw = base64.b64decode(value, validate=True)
        iv, body = raw[:16], raw[16:]
        decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
        padded = decryptor.update(body) + decryptor.finalize()
        unpadder = padding.PKCS7(128).unpadder()
        return (unpadder.update(padded) + unpadder.finalize()).decode("utf-8")
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise AuthFailed(
            "tmon", "티몬 개인정보 복호화에 실패했습니다. batch.toml 계정의 AES 키(aes_key_env)를 확인하세요."
        ) from exc
