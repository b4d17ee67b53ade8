"""11번가's wire format: XML in EUC-KR, both ways (marketplaces-next.md §1.1).

Sources: [G] the copy of the 11번가 Open API guide in ``rumeadia-dotcom/ing0415``
``docs/architecture/v1/features/11st-api/**`` (commit bf89065d): samples send ``<?xml version="1.0" encoding="EUC-KR"?>``
with ``Content-type: text/xml;charset=EUC-KR`` (``product/product-manage-1003.md`` php sample); [S] samba-wave
``proxy/elevenst.py`` reads answers by local name, ignoring the ``ns2`` namespace.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from xml.etree.ElementTree import Element, ParseError, SubElement, tostring

from defusedxml.ElementTree import fromstring

ENCODING = "euc-kr"
CONTENT_TYPE = "text/xml;charset=EUC-KR"
_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.S)
_PREFIX = re.compile(r"<(/?)[A-Za-z_][\w.-]*:")
_CHARSET = re.compile(r"charset=([\w-]+)", re.I)

XmlValue = str | int | Mapping[str, "XmlValue"] | Sequence[Mapping[str, "XmlValue"]] | None


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
    """The document in EUC-KR; a character EUC-KR lacks raises Unencodable (never replaced or dropped)."""
    text = tostring(root, encoding="unicode")
    for node in root.iter():
        for part in (node.text or "",):
            try:
                part.encode(ENCODING, errors="strict")
            except UnicodeEncodeError as exc:
                raise Unencodable(part, part[exc.start : exc.end]) from exc
    return b'<?xml version="1.0" encoding="EUC-KR"?>' + text.encode(ENCODING, errors="strict")


def decode(content: bytes, content_type: str = "") -> Element:
    """An answer's root element: bytes decoded by the declared charset (EUC-KR when none), declaration dropped.
    A prefix without its namespace declaration is tolerated by dropping prefixes. Raises ParseError."""
    found = _CHARSET.search(content_type)
    charset = found.group(1) if found else ENCODING
    try:
        text = content.decode(charset, errors="strict")
    except (LookupError, UnicodeDecodeError):
        text = content.decode(ENCODING, errors="replace")
    text = _DECLARATION.sub("", text, count=1)
    try:
        return fromstring(text)  # type: ignore[no-any-return]
    except ParseError:
        return fromstring(_PREFIX.sub(r"<\1", text))  # type: ignore[no-any-return]


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
