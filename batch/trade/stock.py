"""What a marketplace listing must be told so that it shows the item's stock: the rules of 재고 연동, pure."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


def shown_quantity(stock: int, selling: bool, buffer: int) -> int:
    """The quantity every listing of an item shows: the stock less the buffer kept back, 0 when the item is not on
    sale (판매중지) or at the buffer or below."""
    return max(stock - buffer, 0) if selling else 0


@dataclass(frozen=True)
class Change:
    """The calls one listing needs: stop first (sold out everywhere at once), then stock, then resume."""

    stocks: Mapping[str, int]  # option number -> quantity to set
    stop: bool
    resume: bool

    @property
    def empty(self) -> bool:
        return not (self.stocks or self.stop or self.resume)


def change_for(
    want: Mapping[str, int],
    sent: Mapping[str, int | None],
    shown: Mapping[str, int | None],
    on: bool | None,
    stopped: bool,
) -> Change:
    """What differs between ``want`` (option number -> quantity) and what the marketplace last confirmed.

    ``sent`` is what we last told the listing, ``shown`` what the marketplace showed when read back right after it.
    An option is sent when we want another number than we sent, or when the marketplace did not show what we sent
    (it took the call and did not apply it). A number the marketplace moved on its own since (it sold one) is not a
    reason to send: with ``[stock] sync`` the order moves our number and that is sent; without it, staff's number
    stands until they send another. A listing whose every option is at 0 is stopped unless it is known to be
    stopped already; once it is (``on`` False), the 0s need not be sent (a stopped listing sells nothing, and some
    marketplaces refuse a stock of 0). A listing comes back on sale only when we stopped it (``stopped``): one a
    person stopped on the marketplace stays stopped.
    """
    selling = any(q > 0 for q in want.values())

    def differs(option: str, qty: int) -> bool:
        told, seen = sent.get(option), shown.get(option)
        return told != qty or (seen is not None and seen != told)

    stocks = {o: q for o, q in want.items() if differs(o, q)}
    if not selling and on is False:
        stocks = {}
    return Change(stocks, stop=not selling and on is not False, resume=selling and stopped)
