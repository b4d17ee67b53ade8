"""One masking rule for buyer data, used by every email, log line and report.

* name    — keep the first and the last character, ``*`` in between: ``김민준 → 김*준``,
            ``남궁민수 → 남**수``, ``John Smith → J*** ****h`` (spaces stay); two characters keep the
            first (``김민 → 김*``); one character is left as is (nothing to hide that is not the whole name).
* phone   — the last four digits become ``*``, whatever the format: ``010-1234-5678 → 010-1234-****``,
            ``01012345678 → 0101234****``, ``+82 10 1234 5678 → +82 10 1234 ****``.
* address — keep the region and the road (or 동/리 for 지번): at most the first three whitespace
            tokens, and never a token that starts with a digit (building number, 동/호); everything after
            is ``***``: ``서울특별시 강남구 테헤란로 123, 101동 1203호 → 서울특별시 강남구 테헤란로 ***``.
            The rule is deliberately coarse: masking a little too much is safe, too little is not.

``mask_text`` applies the same rules to free text (log lines, problem messages): the given clear
names, phones and addresses are replaced by their masked forms, and any Korean phone number left in the
text is masked too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MASK = "*"
ADDRESS_MASK = "***"
ADDRESS_KEEP_TOKENS = 3

# Korean phone numbers start with 0 (010, 02, 031, 0505, 070) or +82; with or without separators.
# Order numbers and dates (no leading 0) are left alone.
_PHONE_RE = re.compile(r"(?<![\d+])(?:\+82[-\s]?0?|0)\d{1,3}[-.\s]?\d{3,4}[-.\s]?\d{4}(?!\d)")


def mask_name(name: str) -> str:
    """``김민준 → 김*준``; ``김민 → 김*``; ``김 → 김``; ``John Smith → J*** ****h``."""
    text = name.strip()
    if len(text) <= 1:
        return text
    if len(text) == 2:
        return text[0] + MASK
    middle = "".join(ch if ch.isspace() else MASK for ch in text[1:-1])
    return text[0] + middle + text[-1]


def mask_phone(phone: str) -> str:
    """Mask the last four digits, keeping every separator: ``010-1234-5678 → 010-1234-****``."""
    chars = list(phone)
    remaining = 4
    for i in range(len(chars) - 1, -1, -1):
        if remaining == 0:
            break
        if chars[i].isdigit():
            chars[i] = MASK
            remaining -= 1
    return "".join(chars)


def mask_address(address: str) -> str:
    """``서울특별시 강남구 테헤란로 123, 101동 1203호 → 서울특별시 강남구 테헤란로 ***``."""
    tokens = address.split()
    if not tokens:
        return ""
    kept: list[str] = []
    for token in tokens[:ADDRESS_KEEP_TOKENS]:
        if token[0].isdigit():
            break
        kept.append(token.rstrip(","))
    if len(kept) == len(tokens):  # always hide something: the last token is the most detailed one
        kept.pop()
    return " ".join([*kept, ADDRESS_MASK])


def mask_text(
    text: str,
    *,
    names: Iterable[str] = (),
    phones: Iterable[str] = (),
    addresses: Iterable[str] = (),
) -> str:
    """Replace the given clear values by their masked forms, then mask any phone number left in ``text``."""
    pairs: list[tuple[str, str]] = []
    pairs += [(a.strip(), mask_address(a)) for a in addresses if a.strip()]
    pairs += [(p.strip(), mask_phone(p.strip())) for p in phones if p.strip()]
    pairs += [(n.strip(), mask_name(n)) for n in names if len(n.strip()) > 1]
    for clear, masked in sorted(pairs, key=lambda pair: len(pair[0]), reverse=True):
        text = text.replace(clear, masked)
    return _PHONE_RE.sub(lambda m: mask_phone(m.group(0)), text)


# -- secrets -----------------------------------------------------------------------------------------------

SECRET_MASK = "****"


def secret_forms(secret: str, user: str = "") -> set[str]:
    """Every form a secret takes on the wire that an echoing server may quote back: as is, URL-encoded, JSON-escaped,
    base64 (AUTH LOGIN sends the password alone) and, with the user, the AUTH PLAIN blob ``\\0user\\0secret``."""
    import base64
    import json
    from urllib.parse import quote, quote_plus

    def b64(raw: str) -> set[str]:
        full = base64.b64encode(raw.encode()).decode()
        return {full, full.rstrip("=")}

    forms = {secret, quote(secret, safe=""), quote_plus(secret), json.dumps(secret)[1:-1], *b64(secret)}
    if user:
        forms |= b64(f"\0{user}\0{secret}") | b64(f"{user}\0{secret}")
    return {f for f in forms if len(f) >= 4}


def redact(text: str, secrets: Iterable[str], user: str = "") -> str:
    """``text`` with every wire form of each secret replaced by ``****`` (longest first)."""
    forms: set[str] = set()
    for secret in secrets:
        if secret:
            forms |= secret_forms(secret, user)
    for form in sorted(forms, key=len, reverse=True):
        text = text.replace(form, SECRET_MASK)
    return text
