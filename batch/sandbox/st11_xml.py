"""11번가's wire format in the sandbox: XML in EUC-KR both ways, result codes inside 200 answers.

Sources: [G] the official guide copy in ``rumeadia-dotcom/ing0415`` (``docs/architecture/v1/features/11st-api/``;
README §2: XML, ``openapikey`` header; the samples send ``<?xml version="1.0" encoding="EUC-KR"?>`` with
``text/xml`` / ``EUC-KR``, product-manage-1003 sample code); marketplaces-next.md §1.1.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET  # building answers only; requests are parsed with defusedxml
from collections.abc import Iterable, Mapping
from typing import Any

from defusedxml.ElementTree import ParseError as SafeParseError
from defusedxml.ElementTree import fromstring
from starlette.requests import Request
from starlette.responses import Response

from batch.sandbox.web import Reject

CONTENT_TYPE = "text/xml;charset=EUC-KR"  # [G] 1003 sample code: StringRequestEntity(…, "text/xml", "EUC-KR")
DECLARATION = '<?xml version="1.0" encoding="EUC-KR" standalone="yes"?>'
# the namespace 11번가's list answers bind ns2 to, as a public client's fixture shows it (code corpus,
# ``elevenst-sellerprodcode-read`` test); the guide only shows the prefix (``ns2:orders`` …)
NS2 = "http://skt.tmall.business.openapi.spring.service.client.domain"
KST = dt.timezone(dt.timedelta(hours=9))
NO_USER = "OpenAPI Key 에 해당하는 유저가 없습니다."  # [G] 1634/1888 result_code -1, 1876 -1, 1885 500
MAINTENANCE = "서버 점검중입니다."  # [G] -1000 in 1631, 1634, 1876, 1888, 1626, 1885 …
# KS X 1001's Hangul filler: the first two bytes of the 8-byte sequence Python's euc-kr codec writes for Hangul
# KS X 1001 lacks (똠, 햏 …); a CP949 server shows those bytes as jamo, so the sandbox refuses them ([G] 1003 sample
# sends EUC-KR, where a syllable is 2 bytes)
EIGHT_BYTE_HANGUL = b"\xa4\xd4"

Fields = Iterable[tuple[str, Any]]


def _fill(parent: ET.Element, fields: Fields) -> None:
    for name, value in fields:
        child = ET.SubElement(parent, name)
        if isinstance(value, list):
            _fill(child, value)
        elif value is not None:
            child.text = str(value)


def xml_response(root: str, fields: Fields, *, ns2: bool = False, status: int = 200) -> Response:
    """``<root>`` with ``fields`` in order (a list value holds the child's own fields), EUC-KR encoded."""
    element = ET.Element(root, {"xmlns:ns2": NS2} if ns2 else {})
    _fill(element, fields)
    text = DECLARATION + ET.tostring(element, encoding="unicode")
    return Response(text.encode("euc-kr", "xmlcharrefreplace"), status, media_type=CONTENT_TYPE)


def client_message(code: int, message: str, **extra: Any) -> Response:
    """``ClientMessage{…extra, message, resultCode}`` ([G] 1003: message, productNo, resultCode; 1885: brdInfoNo,
    productNo, message, resultCode; 1631: message, resultCode)."""
    return xml_response("ClientMessage", [*extra.items(), ("message", message), ("resultCode", code)])


def result_order(code: int, text: str) -> Response:
    """``ResultOrder`` ([G] 1634, 1888): three system fields to ignore, then ``result_code`` and ``result_text``."""
    fields = [("openMallID", "11ST"), ("open_11st_mall", ""), ("open_done_payment_interface", "")]
    return xml_response("ResultOrder", [*fields, ("result_code", code), ("result_text", text)])


def list_result(root: str, code: int, text: str) -> Response:
    """A list's result in place of rows ([G] 1876 ``ns2:orders{ns2:result_code, ns2:result_text}``)."""
    return xml_response(root, [("ns2:result_code", code), ("ns2:result_text", text)], ns2=True)


def list_rows(root: str, row: str, rows: Iterable[Fields]) -> Response:
    return xml_response(root, [(row, list(fields)) for fields in rows], ns2=True)


async def read_xml(request: Request, refuse: Response) -> ET.Element:
    """The body as EUC-KR XML (parsed with defusedxml); ``refuse`` when it is not valid EUC-KR or not XML, or
    carries 8-byte Hangul (EIGHT_BYTE_HANGUL)."""
    raw = await request.body()
    if eight_byte_hangul(raw):
        raise Reject(refuse)
    try:
        return fromstring(raw.decode("euc-kr"))  # type: ignore[no-any-return]
    except (UnicodeDecodeError, SafeParseError, ET.ParseError, ValueError):
        raise Reject(refuse) from None
    except Exception:  # defusedxml's DTD / entity refusals
        raise Reject(refuse) from None


def eight_byte_hangul(raw: bytes) -> bool:
    """Whether ``raw`` holds EIGHT_BYTE_HANGUL at a character boundary (EUC-KR: ASCII 1 byte, KS X 1001 2 bytes)."""
    at = raw.find(EIGHT_BYTE_HANGUL)
    if at < 0:
        return False
    i = 0
    while i < len(raw) - 1:
        if raw[i] < 0x80:
            i += 1
        elif raw[i : i + 2] == EIGHT_BYTE_HANGUL:
            return True
        else:
            i += 2
    return False


def fields_of(element: ET.Element) -> dict[str, str]:
    """The text of each direct child (the last one of a repeated name); a missing text is ``""``."""
    return {child.tag: (child.text or "").strip() for child in element}


def kst(seconds: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, KST)


def stamp(seconds: float) -> str:
    """``2010-01-12 16:20:59`` ([G] 1876 ``ordStlEndDt``)."""
    return kst(seconds).strftime("%Y-%m-%d %H:%M:%S")


def parse_minutes(value: str) -> float | None:
    """``YYYYMMDDhhmm`` ([G] 1876 startTime) as epoch seconds (KST), or None when malformed."""
    return _parse(value, "%Y%m%d%H%M", 12)


def parse_day(value: str) -> float | None:
    """``YYYYMMDD`` ([G] 1626 startTime) as epoch seconds (KST, 00:00), or None when malformed."""
    return _parse(value, "%Y%m%d", 8)


def _parse(value: str, layout: str, size: int) -> float | None:
    if len(value) != size or not value.isdigit():
        return None
    try:
        return dt.datetime.strptime(value, layout).replace(tzinfo=KST).timestamp()
    except ValueError:
        return None


def text_of(data: Mapping[str, str], name: str) -> str:
    return data.get(name, "").strip()
