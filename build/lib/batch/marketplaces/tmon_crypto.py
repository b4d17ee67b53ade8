"""Decrypt TMON's AES-encrypted personal data (marketplaces.md §1.3 point 4).

◐ Settled by two production clients that agree: ``AES/ECB/PKCS5Padding`` over the Base64 text, the key being the
bytes of the key string TMON issues (``new SecretKeySpec(SECRET_KEY.getBytes(), "AES")``):

* [T1] ``richbeam/mcs_tmon_api`` ``src/main/java/com/melchi/common/util/StringUtil.java`` ``decryption`` (a 16-character
  key, so AES-128);
* [T2] ``sosobox2-cyber/commerce-api`` ``src/main/java/com/cware/netshopping/common/AESCrypto.java`` ("개발/리얼환경
  각각 별도로 전달됩니다").

A key of 16, 24 or 32 characters is used as its UTF-8 bytes, as both clients do (the sandbox's test key in
``batch/config.py`` ``SANDBOX_SECRETS`` is 16 characters, like T1's). Everything that knows the scheme is here.
"""

from __future__ import annotations

import base64
import binascii

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from batch.marketplaces.base import AuthFailed

KEY_PROBLEM = (
    "티몬 개인정보 복호화에 실패했습니다. batch.toml 계정의 AES 키(aes_key_env)가 티몬이 준 키와 같은지 확인하세요."
)


def key_bytes(key: str) -> bytes:
    """The AES key of ``key``: its UTF-8 bytes, 16, 24 or 32 of them ([T1][T2])."""
    raw = key.encode("utf-8")
    if len(raw) not in (16, 24, 32):
        raise ValueError("an AES key has 16, 24 or 32 bytes")
    return raw


def decrypt(value: str, key: str) -> str:
    """Plain text of one encrypted field; an empty value stays empty."""
    if not value:
        return ""
    try:
        raw = base64.b64decode(value, validate=True)
        decryptor = Cipher(algorithms.AES(key_bytes(key)), modes.ECB()).decryptor()
        padded = decryptor.update(raw) + decryptor.finalize()
        unpadder = padding.PKCS7(128).unpadder()  # Java's PKCS5Padding on AES's 16-byte blocks
        return (unpadder.update(padded) + unpadder.finalize()).decode("utf-8")
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise AuthFailed("tmon", KEY_PROBLEM) from exc
