"""A stand-in for the seller's own image host, for the in-process sandbox.

Sellers keep product images on their own https host and write those addresses in the workbook. TMON and Coupang
take the addresses as they are; Naver shows only images uploaded to it, so its adapter fetches each address and
uploads the bytes. In-process (httpx's ASGI transport sends every request to this app, whatever its host) this
route answers any ``GET /….jpg|jpeg|png`` outside the markets' paths with a small, valid JPEG whose pixels depend
on the path, so the demo and the tests need no network. ``/missing/…`` answers 404, for tests of a broken address.
"""

from __future__ import annotations

import hashlib
import io
from functools import lru_cache

from PIL import Image
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

SUFFIXES = (".jpg", ".jpeg", ".png")


@lru_cache(maxsize=256)
def image_bytes(path: str) -> bytes:
    """A 1000×1000 JPEG in one colour taken from ``path``."""
    r, g, b = hashlib.sha256(path.encode()).digest()[:3]
    out = io.BytesIO()
    Image.new("RGB", (1000, 1000), (r, g, b)).save(out, "JPEG", quality=70)
    return out.getvalue()


async def serve_image(request: Request) -> Response:
    path = request.url.path
    if not path.lower().endswith(SUFFIXES) or path.startswith("/missing/"):
        return PlainTextResponse("Not Found", status_code=404)
    return Response(image_bytes(path), media_type="image/jpeg")


def routes() -> list[Route]:
    """The catch-all image route; mount it after every market's routes."""
    return [Route("/{path:path}", serve_image, methods=["GET"])]
