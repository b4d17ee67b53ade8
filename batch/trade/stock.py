"""What a marketplace listing must be told so that it shows the item's stock: the rules of 재고 연동, pure."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

# An option's 추가금액 as a percent of the selling price (대표가격): the manual's rule for every marketplace, and 11번가's
# own wider one (marketplaces-next.md §1.2: colOptPrice within +100 % / −50 %). The product rules use the same.
OPTION_RANGE = (-50, 50)
OPTION_RANGES = {"11st": (-50, 100)}
# 스마트스토어 and G마켓·옥션 band the range by the price (docs/protocols/naver.md and esm.md, the option price
# rows): under 2,000원 0 %…+100 %, under 10,000원 −50 %…+100 %, from 10,000원 ±50 %
BANDED = {"naver", "esm"}


def option_range(market: str, price: int) -> tuple[int, int]:
    """The percent range of the selling price an option's extra may take on ``market``."""
    if market in BANDED:
        return (0, 100) if price < 2_000 else (-50, 100) if price < 10_000 else (-50, 50)
    return OPTION_RANGES.get(market, OPTION_RANGE)


def option_price_problem(market: str, price: int, extras: Mapping[str, int]) -> str | None:
    """Why ``price`` cannot go to ``market`` with these option extras (None: it can): an extra outside the
    marketplace's range of the new price."""
    low, high = option_range(market, price)
    for option, extra in extras.items():
        if extra * 100 > price * high or extra * 100 < price * low:
            return (
                f"옵션 {option}의 추가금액 {extra:,}원이 새 판매가 {price:,}원의 {low:+}%~+{high}% "
                f"({price * low // 100:,}~{price * high // 100:,}원)를 벗어납니다. 판매가를 보내지 않았습니다: 상품대량등록 "
                "파일에서 판매가와 추가금액을 함께 고쳐 보내세요."
            )
    return None


def price_to_send(want: int | None, sent: int | None, shown: int | None) -> int | None:
    """The price a listing must be told, or None: as for stock, what differs from what we sent, or what the
    marketplace did not show right after we sent it."""
    if want is None or want <= 0:
        return None
    if want != sent or (shown is not None and shown != sent):
        return want
    return None


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
    price: int | None = None  # the selling price to set, when it changed

    @property
    def empty(self) -> bool:
        return not (self.stocks or self.stop or self.resume or self.price)


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
