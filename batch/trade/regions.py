"""The region of a Korean delivery address: its 시·도 and 시·군·구, for 지역별 매출 (issue 19).

* ``sido``    — the first word of the address names the 시·도, in any common spelling (``서울``, ``서울시``,
                ``서울특별시``; ``경기``, ``경기도``; ``충북``, ``충청북도``; ``세종``, ``세종시``, ...), and the
                answer is always the official name in ``SIDO``. The old names of the two renamed provinces
                give the new ones: ``강원도 → 강원특별자치도`` (2023), ``전라북도 → 전북특별자치도`` (2024).
* ``sigungu`` — the word after the 시·도 when it is a 시, 군 or 구; a 시 with 구 keeps both
                (``성남시 분당구``). 세종특별자치시 has no 시·군·구: its answer is ``""``.

Road-name (도로명) and lot-number (지번) forms read the same way: only the first two or three words count.
A leading postal code (``06236``, ``(06236)``, ``[06236]``, the old ``135-080``) and brackets are ignored;
any whitespace separates words (double spaces, tabs, the full-width space U+3000, no-break space), and
decomposed Hangul (NFD, from some Mac exports) is composed first.

Nothing is guessed: an address whose first word is not a 시·도 is ``UNKNOWN`` (미상), even when the rest
points to one place only (``강남구 테헤란로 152``, ``제주시 첨단로 242``), and so is a 시·군·구 that is not
written right after its 시·도. The one spelling that needs a second look is ``광주``/``광주시``: it names
광주광역시 only when its next word is one of the five 구 of 광주광역시; otherwise it may well be
경기도 광주시 (``광주시 오포읍 ...``) and is 미상.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

UNKNOWN = "미상"

# The 17 시·도 in the order of the statistics (KOSIS, 행정표준코드).
SIDO: tuple[str, ...] = (
    "서울특별시",
    "부산광역시",
    "대구광역시",
    "인천광역시",
    "광주광역시",
    "대전광역시",
    "울산광역시",
    "세종특별자치시",
    "경기도",
    "강원특별자치도",
    "충청북도",
    "충청남도",
    "전북특별자치도",
    "전라남도",
    "경상북도",
    "경상남도",
    "제주특별자치도",
)

SEJONG = "세종특별자치시"
GWANGJU = "광주광역시"

# Every spelling of a 시·도 accepted as the first word of an address -> its official name.
_SPELLINGS: dict[str, tuple[str, ...]] = {
    "서울특별시": ("서울", "서울시"),
    "부산광역시": ("부산", "부산시"),
    "대구광역시": ("대구", "대구시"),
    "인천광역시": ("인천", "인천시"),
    "광주광역시": (),  # 광주 / 광주시: see _GWANGJU_GU
    "대전광역시": ("대전", "대전시"),
    "울산광역시": ("울산", "울산시"),
    "세종특별자치시": ("세종", "세종시"),
    "경기도": ("경기",),
    "강원특별자치도": ("강원", "강원도"),
    "충청북도": ("충북", "충북도"),
    "충청남도": ("충남", "충남도"),
    "전북특별자치도": ("전북", "전북도", "전라북도"),
    "전라남도": ("전남", "전남도"),
    "경상북도": ("경북", "경북도"),
    "경상남도": ("경남", "경남도"),
    "제주특별자치도": ("제주", "제주도"),
}
_SIDO_OF: dict[str, str] = {spelling: name for name, more in _SPELLINGS.items() for spelling in (name, *more)}

# 광주 and 광주시 also name 경기도 광주시; they stand for 광주광역시 only before one of its five 구.
_GWANGJU_SHORT = frozenset({"광주", "광주시"})
_GWANGJU_GU = frozenset({"동구", "서구", "남구", "북구", "광산구"})

# Brackets (ASCII and full-width), commas and the invisible characters become plain spaces.
_TO_SPACE = str.maketrans(dict.fromkeys("()[]{}<>（）［］｛｝〈〉《》【】「」,，\u200b\u200c\u200d\u2060\ufeff", " "))
# A postal code at the very start: the 5-digit one (since 2015), the old 6-digit one with or without its hyphen.
_POSTAL = re.compile(r"\s*(?:\d{5}|\d{3}-?\d{3})(?!\d)")
_SIGUNGU = re.compile(r"[가-힣]+[시군구]")
_GU = re.compile(r"[가-힣]+구")


def _words(address: object) -> list[str]:
    if not isinstance(address, str):  # None, and NaN from a pandas column
        return []
    text = unicodedata.normalize("NFC", address).translate(_TO_SPACE)
    postal = _POSTAL.match(text)
    if postal:
        text = text[postal.end() :]
    return text.split()


def _sido_of(words: list[str]) -> str:
    if not words:
        return UNKNOWN
    first = words[0]
    if first in _GWANGJU_SHORT:
        return GWANGJU if len(words) > 1 and words[1] in _GWANGJU_GU else UNKNOWN
    return _SIDO_OF.get(first, UNKNOWN)


def _sigungu_of(words: list[str], sido_name: str) -> str:
    if sido_name == UNKNOWN:
        return UNKNOWN
    if sido_name == SEJONG:
        return ""
    if len(words) < 2 or not _SIGUNGU.fullmatch(words[1]):
        return UNKNOWN
    first = words[1]
    if first.endswith("시") and len(words) > 2 and _GU.fullmatch(words[2]):
        return f"{first} {words[2]}"
    return first


def _parse(address: object) -> tuple[str, str]:
    words = _words(address)
    name = _sido_of(words)
    return name, _sigungu_of(words, name)


def sido(address: str | None) -> str:
    """``서울 강남구 역삼동 123-4 → 서울특별시``; ``강원도 춘천시 중앙로 1 → 강원특별자치도``; else ``미상``."""
    return _sido_of(_words(address))


def sigungu(address: str | None) -> str:
    """``경기도 성남시 분당구 판교역로 1 → 성남시 분당구``; 세종 → ``""``; no 시·도 or no 시·군·구 → ``미상``."""
    return _parse(address)[1]


def regions(addresses: Iterable[str | None]) -> list[tuple[str, str]]:
    """``(sido, sigungu)`` for every address, in order; each distinct address is read once."""
    cache: dict[object, tuple[str, str]] = {}
    get = cache.get

    def read(address: object) -> tuple[str, str]:
        found = cache[address] = _parse(address)
        return found

    return [get(address) or read(address) for address in addresses]
