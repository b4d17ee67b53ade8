"""11번가's wire format: XML in EUC-KR, both ways (marketplaces-next.md §1.1).

Sources: [G] the copy of the 11번가 Open API guide in ``rumeadia-dotcom/ing0415``
``docs/architecture/v1/features/11st-api/**`` (commit bf89065d): samples send ``<?xml version="1.0" encoding="EUC-KR"?>``
with ``Content-type: text/xml;charset=EUC-KR`` (``product/product-manage-1003.md`` php sample); [S] samba-wave
``proxy/elevenst.py`` reads answers by local name, ignoring the ``ns2`` namespace.

Only ASCII and the 2-byte KS X 1001 syllables are sent: Python's ``euc-kr`` codec writes other Hangul (똠, 햏, 뷁 …)
as the 8-byte KS X 1001 annex sequence starting ``\xa4\xd4`` (the Hangul filler), which a CP949 server shows as jamo.
Answers are read as CP949, the superset of EUC-KR that also carries those syllables in 2 bytes.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator, Mapping, Sequence
from xml.etree.ElementTree import Element, ParseError, SubElement, tostring

from defusedxml.ElementTree import fromstring

ENCODING = "euc-kr"
READ_ENCODING = "cp949"  # answers: EUC-KR plus the Hangul syllables KS X 1001 lacks (e.g. a buyer named 똠)
CONTENT_TYPE = "text/xml;charset=EUC-KR"
_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.S)
_PREFIX = re.compile(r"<(/?)[A-Za-z_][\w.-]*:")
_CHARSET = re.compile(r"charset=([\w-]+)", re.I)

XmlValue = str | int | Mapping[str, "XmlValue"] | Sequence[Mapping[str, "XmlValue"]] | None


def unsafe_char(text: str) -> str | None:
    """The first character of ``text`` that is neither ASCII nor a 2-byte KS X 1001 character, or None."""
    if text.isascii():
        return None
    for ch in text:
        if ch.isascii():
            continue
        try:
            if len(ch.encode(ENCODING, errors="strict")) == 2:
                continue
        except UnicodeEncodeError:
            pass
        return ch
    return None


class Undecodable(ValueError):
    """An answer that is not valid text in its charset (CP949 when EUC-KR or none is declared)."""


class Unencodable(ValueError):
    """Text EUC-KR cannot carry; ``text`` is the value it is in."""

    def __init__(self, text: str, char: str) -> None:
        super().__init__(text)
        self.text = text
        self.char = char


def element(name: str, value: Mapping[str, XmlValue]) -> Element:
    """``{"a": "1", "B": {...}, "C": [{...}, {...}]}`` as ``<name><a>1</a><B>…</B><C>…</C><C>…</C></name>``.
    None values are left out (the guide: "설정 하지 않을시에는 Element를 모두 삭제해 주세요")."""
    root = Element(name)
    _fill(root, value)
    return root


def _fill(parent: Element, value: Mapping[str, XmlValue]) -> None:
    for key, item in value.items():
        if item is None:
            continue
        if isinstance(item, Mapping):
            _fill(SubElement(parent, key), item)
        elif isinstance(item, list | tuple):
            for part in item:
                _fill(SubElement(parent, key), part)
        else:
            SubElement(parent, key).text = str(item)


def encode(root: Element) -> bytes:
    """The document in EUC-KR; a character that is not ASCII or 2-byte KS X 1001 raises Unencodable (never
    replaced, dropped or written as the 8-byte ``\xa4\xd4…`` sequence a CP949 server shows as jamo)."""
    text = tostring(root, encoding="unicode")
    for node in root.iter():
        part = node.text or ""
        bad = unsafe_char(part)
        if bad is not None:
            raise Unencodable(part, bad)
    return b'<?xml version="1.0" encoding="EUC-KR"?>' + text.encode(ENCODING, errors="strict")


def decode(content: bytes, content_type: str = "") -> Element:
    """An answer's root element: bytes decoded strictly by the declared charset (CP949 when EUC-KR, an unknown one
    or none is declared), declaration dropped. A prefix without its namespace declaration is tolerated by dropping
    prefixes. Raises Undecodable (never replaces characters) or ParseError."""
    charset = _charset(content_type)
    try:
        text = content.decode(charset, errors="strict")
    except UnicodeDecodeError as exc:
        raise Undecodable(f"{charset}: {exc.reason} at byte {exc.start}") from exc
    text = _DECLARATION.sub("", text, count=1)
    try:
        return fromstring(text)  # type: ignore[no-any-return]
    except ParseError:
        return fromstring(_PREFIX.sub(r"<\1", text))  # type: ignore[no-any-return]


def _charset(content_type: str) -> str:
    found = _CHARSET.search(content_type)
    if not found:
        return READ_ENCODING
    try:
        name = codecs.lookup(found.group(1)).name
    except LookupError:
        return READ_ENCODING
    return READ_ENCODING if name in ("euc_kr", "cp949") else name


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1]


def find_all(root: Element, name: str) -> Iterator[Element]:
    """Every element (the root included) whose local name is ``name``."""
    return (e for e in root.iter() if local(e.tag) == name)


def record(node: Element) -> dict[str, str]:
    """A flat element's children by local name -> their stripped text."""
    return {local(c.tag): (c.text or "").strip() for c in node}


def text_of(root: Element, name: str) -> str | None:
    """The text of the first element named ``name`` (root included), or None."""
    for e in find_all(root, name):
        return (e.text or "").strip()
    return None


def names(root: Element) -> set[str]:
    """Every element name in the document, as path-less local names (for shape comparisons)."""
    return {local(e.tag) for e in root.iter()}
