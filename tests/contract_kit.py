"""Contract fixtures: each marketplace call as a public source shows it, never as our code writes it.

``tests/contracts/<market>/<call>.json`` holds one call::

    {
      "call": "outbound_places",                  # the file's stem
      "job": "상품 등록 전 출고지 확인",             # what staff know it as
      "status": "official",                       # official | clients | ours  (✅ / ◐ / ❓ in docs/protocols.md)
      "sources": ["https://developers.coupangcorp.com/hc/ko/articles/360033644754", "..."],
      "notes": "what the source says that the fixture alone does not",
      "request": {
        "method": "GET",
        "path": "/v2/providers/.../vendors/{vendorId}/ordersheets",   # {name} matches one path segment
        "query": {"pageSize": "30"},             # the documented parameters; "*" = present, any value
        "headers": {"X-Requested-By": "*"},      # the headers that matter
        "body": {...},                            # the documented example body (JSON), or null
        "form": {...}                             # or a form body
      },
      "response": {"status": 200, "body": {...}}  # the documented example answer
    }

Two kinds of tests read them: the adapter builds the documented request and parses the documented response
(``replay`` answers it with the fixture's response and keeps what was sent), and the sandbox accepts the documented
request and answers in the documented shape (``shape_problems``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import httpx

CONTRACTS = Path(__file__).resolve().parent / "contracts"
STATUSES = {"official": "✅", "clients": "◐", "ours": "❓"}


@dataclass(frozen=True)
class Contract:
    market: str
    call: str
    job: str
    status: str
    sources: tuple[str, ...]
    request: dict[str, Any]
    response: dict[str, Any]
    file: Path

    @property
    def method(self) -> str:
        return str(self.request["method"]).upper()

    @property
    def path(self) -> str:
        return str(self.request["path"])

    def path_matches(self, path: str) -> bool:
        pattern = "^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(self.path)) + "$"
        return re.match(pattern, path) is not None

    def fill(self, **values: str) -> str:
        """The documented path with its ``{placeholders}`` filled in."""
        return re.sub(r"\{([^/]+?)\}", lambda m: values[m.group(1)], self.path)


def load(market: str) -> dict[str, Contract]:
    """Every contract of ``market``, by call name."""
    out: dict[str, Contract] = {}
    for file in sorted((CONTRACTS / market).glob("*.json")):
        data = json.loads(file.read_text(encoding="utf-8"))
        assert data["call"] == file.stem, f"{file}: call {data['call']!r} is not the file's name"
        assert data["status"] in STATUSES, f"{file}: status {data['status']!r} is not one of {sorted(STATUSES)}"
        assert data["sources"], f"{file}: a contract names its sources"
        out[file.stem] = Contract(
            market,
            file.stem,
            data["job"],
            data["status"],
            tuple(data["sources"]),
            data["request"],
            data["response"],
            file,
        )
    return out


def shape(value: Any) -> Any:
    """A JSON value's shape: objects by key, a list by its elements' shapes merged, scalars by JSON type."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items()}
    if isinstance(value, list):
        merged: Any = None
        for item in value:
            merged = _merge(merged, shape(item))
        return [merged]
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if value is None:
        return "null"
    return "string"


def _merge(a: Any, b: Any) -> Any:
    if a is None:
        return b
    if isinstance(a, dict) and isinstance(b, dict):
        return {k: _merge(a.get(k), b.get(k)) for k in {*a, *b}}
    return a


def shape_problems(documented: Any, actual: Any, *, extra_ok: bool, missing_ok: bool, at: str = "$") -> list[str]:
    """How ``actual`` differs in shape from ``documented``: keys missing, keys not documented, JSON types.

    ``extra_ok``: keys the documentation does not show are allowed (a response may carry more);
    ``missing_ok``: documented keys may be absent (a documented example shows optional fields).
    A documented ``null`` matches any type (the example left the value out).
    """
    doc, got = shape(documented), shape(actual)
    return _diff(doc, got, extra_ok=extra_ok, missing_ok=missing_ok, at=at)


def _diff(doc: Any, got: Any, *, extra_ok: bool, missing_ok: bool, at: str) -> list[str]:
    if doc == "null" or doc is None or got is None:
        return []
    if isinstance(doc, dict):
        if not isinstance(got, dict):
            return [f"{at}: documented an object, got {_name(got)}"]
        problems = []
        for key in doc:
            if key not in got:
                if not missing_ok:
                    problems.append(f"{at}.{key}: documented, missing")
                continue
            problems += _diff(doc[key], got[key], extra_ok=extra_ok, missing_ok=missing_ok, at=f"{at}.{key}")
        if not extra_ok:
            problems += [f"{at}.{key}: not in the documentation" for key in got if key not in doc]
        return problems
    if isinstance(doc, list):
        if not isinstance(got, list):
            return [f"{at}: documented a list, got {_name(got)}"]
        return _diff(doc[0], got[0], extra_ok=extra_ok, missing_ok=missing_ok, at=f"{at}[]")
    if doc != got and got != "null":
        return [f"{at}: documented {doc}, got {_name(got)}"]
    return []


def _name(shaped: Any) -> str:
    return "an object" if isinstance(shaped, dict) else "a list" if isinstance(shaped, list) else str(shaped)


def request_problems(contract: Contract, request: httpx.Request, *, body_extra_ok: bool = False) -> list[str]:
    """How a request our adapter sent differs from the documented one (method, path, query, headers, body)."""
    problems = []
    if request.method != contract.method:
        problems.append(f"method {request.method}, documented {contract.method}")
    if not contract.path_matches(request.url.path):
        problems.append(f"path {request.url.path}, documented {contract.path}")
    sent = dict(parse_qsl(request.url.query.decode(), keep_blank_values=True))
    documented = contract.request.get("query") or {}
    for key, value in documented.items():
        if key not in sent:
            problems.append(f"query {key}: documented, not sent")
        elif value != "*" and sent[key] != value:
            problems.append(f"query {key}={sent[key]!r}, documented {value!r}")
    problems += [f"query {key}: not in the documentation" for key in sent if key not in documented]
    for key, value in (contract.request.get("headers") or {}).items():
        if key not in request.headers:
            problems.append(f"header {key}: documented, not sent")
        elif value != "*" and not request.headers[key].startswith(value):
            problems.append(f"header {key}={request.headers[key]!r}, documented {value!r}")
    if contract.request.get("body") is not None:
        try:
            body = json.loads(request.content)
        except ValueError:
            return [*problems, "body: documented JSON, sent something else"]
        problems += shape_problems(contract.request["body"], body, extra_ok=body_extra_ok, missing_ok=True)
    if contract.request.get("form") is not None:
        form = dict(parse_qsl(request.content.decode(), keep_blank_values=True))
        problems += [f"form {k}: documented, not sent" for k in contract.request["form"] if k not in form]
        problems += [f"form {k}: not in the documentation" for k in form if k not in contract.request["form"]]
    return problems


def documented_response(contract: Contract) -> httpx.Response:
    response = contract.response
    body = response.get("body")
    content = b"" if body is None else json.dumps(body, ensure_ascii=False).encode()
    headers = {"content-type": "application/json;charset=UTF-8", **(response.get("headers") or {})}
    return httpx.Response(int(response.get("status", 200)), content=content, headers=headers)


class Replay:
    """An httpx transport that answers each documented call with its documented response and keeps every request.

    A request that matches no contract is answered 599 and kept in ``unknown``: the adapter made a call no source
    shows.
    """

    def __init__(self, contracts: dict[str, Contract], *, extra: dict[str, httpx.Response] | None = None) -> None:
        self.contracts = contracts
        self.extra = extra or {}
        self.sent: list[tuple[Contract, httpx.Request]] = []
        self.unknown: list[httpx.Request] = []

    def find(self, request: httpx.Request) -> Contract | None:
        found = [c for c in self.contracts.values() if c.method == request.method and c.path_matches(request.url.path)]
        if len(found) > 1:  # one path, several calls (e.g. a query parameter picks): the one whose query fits best
            found.sort(
                key=lambda c: -sum(request.url.params.get(k) == v for k, v in (c.request.get("query") or {}).items())
            )
        return found[0] if found else None

    def handler(self, request: httpx.Request) -> httpx.Response:
        request.read()
        contract = self.find(request)
        if contract is None:
            self.unknown.append(request)
            return httpx.Response(599, json={"message": f"no contract for {request.method} {request.url.path}"})
        self.sent.append((contract, request))
        return self.respond(contract, request)

    def respond(self, contract: Contract, request: httpx.Request) -> httpx.Response:
        """The answer to a documented call: its documented response (a test may derive another)."""
        return documented_response(contract)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handler)

    def requests_of(self, call: str) -> list[httpx.Request]:
        return [request for contract, request in self.sent if contract.call == call]
