"""Request and response helpers shared by the sandboxed markets."""

from __future__ import annotations

import functools
import json
from collections.abc import Awaitable, Callable, Mapping
from email import policy
from email.parser import BytesParser
from typing import Any
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

Endpoint = Callable[[Request], Awaitable[Response]]


class Reject(Exception):
    """Stop handling a request and answer ``response`` (an error in the market's own format)."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status_code)
        self.response = response


def endpoint(handler: Endpoint) -> Endpoint:
    """Wrap a handler so that a ``Reject`` raised anywhere inside it becomes its response."""

    @functools.wraps(handler)
    async def run(request: Request) -> Response:
        try:
            return await handler(request)
        except Reject as reject:
            return reject.response

    return run


def json_response(body: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    """A JSON answer; Korean text stays readable (no \\u escapes)."""
    return JSONResponse(body, status_code=status, headers=headers)


def empty_response(status: int = 200) -> Response:
    """An answer with an empty body (``Content-Length: 0``), as TMON sends on a successful update."""
    return Response(status_code=status)


async def read_json(request: Request) -> Any:
    """The request's JSON body; ``None`` when it is empty. Raises ``ValueError`` when it is not JSON."""
    raw = await request.body()
    if not raw.strip():
        return None
    return json.loads(raw)


async def form_fields(request: Request) -> dict[str, str]:
    """The fields of an x-www-form-urlencoded or multipart/form-data body, parsed with the stdlib only."""
    content_type = request.headers.get("content-type", "")
    kind = content_type.split(";", 1)[0].strip().lower()
    body = await request.body()
    if kind == "application/x-www-form-urlencoded":
        pairs = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
        return {name: values[-1] for name, values in pairs.items()}
    if kind != "multipart/form-data":
        return {}
    head = f"Content-Type: {content_type}\r\n\r\n".encode("latin-1", "replace")
    message = BytesParser(policy=policy.HTTP).parsebytes(head + body)
    fields: dict[str, str] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if isinstance(name, str):
            fields[name] = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    return fields
