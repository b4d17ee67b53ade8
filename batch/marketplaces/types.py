"""Values the marketplace protocol passes back: links to what a marketplace holds, look-up results."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from batch.models import Claim, ClaimType, Inquiry, OrderLine, Product, ProductLink, SalesInfo

if TYPE_CHECKING:
    from batch.marketplaces.base import MarketError


def option_no(code: str, index: int) -> str:
    """Our stable number for option ``index`` of product ``code`` (TMON vendorDealOptionNo, Coupang
    externalVendorSku, Naver sellerManagerCode): the options of a linked product never change."""
    return f"{code}-{index + 1:03d}"


@dataclass(frozen=True)
class DeliveryTemplate:
    number: str
    name: str
    product_type: str  # 상품유형그룹 label, as staff write it


@dataclass(frozen=True)
class Shown:
    """What a marketplace shows of one listing when read back after a stock or status change.

    ``stocks``: our option number (``option_no``) -> the quantity the marketplace shows for it, for the options it
    reports; ``on_sale``: False when the listing (the whole product) is stopped, paused, suspended or sold out as a
    whole. ``sold_out(option)`` is what the stock job checks before it stops re-asserting a sold-out item.
    """

    on_sale: bool
    stocks: Mapping[str, int]
    price: int | None = None  # the product's selling price (판매가 / 대표가격) as the marketplace shows it, when read
    # a marketplace with a price per option and none for the product (Coupang, TMON): our option number -> its price
    # (판매가 + 추가금액); the stock job then checks each option against the price it sent plus the option's extra
    prices: Mapping[str, int] = field(default_factory=dict)

    def sold_out(self, option: str) -> bool:
        return not self.on_sale or self.stocks.get(option, 1) <= 0


# The closed list of 판매취소 reasons staff choose from in the order workbook; each adapter maps them to its own
# codes and refuses (per unit, in its Outcomes) a reason its marketplace does not take.
SALE_CANCEL_REASONS = ("품절", "배송지연", "가격오류", "기타")


class ProductJobs(Protocol):
    """The product jobs every marketplace adapter implements (상품대량등록)."""

    market: str

    def payload(self, product: Product, sales: SalesInfo) -> dict[str, object]: ...

    def preflight(self, product: Product, sales: SalesInfo) -> list[str]: ...

    async def check_templates(self, sales: SalesInfo) -> str | None: ...

    async def create_product(self, product: Product, sales: SalesInfo) -> ProductLink: ...

    async def update_product(self, product: Product, sales: SalesInfo, link: ProductLink) -> ProductLink: ...

    async def find_product(self, code: str) -> ProductLink | None: ...

    async def update_stock(self, product: Product) -> None: ...

    async def pause(self, code: str) -> None: ...

    async def resume(self, code: str) -> None: ...

    async def set_stock(self, code: str, link: ProductLink, stocks: Mapping[str, int]) -> None:
        """Set the stock of the options named (our option numbers -> quantity, 0 = sold out) of the listing linked
        to ``code``; every other option keeps what it has. One listing, as few calls as the marketplace allows."""
        ...

    async def set_price(self, code: str, link: ProductLink, price: int, extras: Mapping[str, int]) -> None:
        """Set the selling price (판매가 / 대표가격, in won) of the listing linked to ``code``; every option keeps
        its extra amount ``extras`` (our option number -> 추가금액 as the product workbook sent it), so an option
        sells at ``price + extra``. Nothing but prices changes. The stock job checked the marketplace's option
        price rules before calling."""
        ...

    async def shown(self, code: str, link: ProductLink) -> Shown | None:
        """Read back what the marketplace shows of the listing (stock per option, on sale or not); None when its API
        has no way to read it."""
        ...

    async def delivery_templates(self) -> list[DeliveryTemplate]: ...


@dataclass(frozen=True)
class Shipment:
    """One invoice to send: the lines of one shipment unit (``OrderJobs.shipment_key``) and its tracking number.

    ``additional`` are further boxes of the same unit (only TMON takes them); ``line_numbers``, when given, is each
    line's own number (aligned with ``lines``): the lines ship apart (only 11번가 takes them, 부분발송 G 1636);
    ``correct`` asks for a correction of an invoice sent before rather than a first registration.
    """

    key: str
    lines: tuple[OrderLine, ...]
    courier_code: str
    number: str
    additional: tuple[str, ...] = ()
    correct: bool = False
    line_numbers: tuple[str, ...] = ()

    @property
    def numbers(self) -> tuple[str, ...]:
        """Every tracking number of the shipment, once each, the first being ``number``."""
        return tuple(dict.fromkeys((self.number, *self.additional, *self.line_numbers)))


# Per-item outcome of a batch call, by shipment key: None = done (also when the marketplace had it done
# already), or the error for that item alone. Every key asked for is in the answer.
Outcomes = dict[str, "MarketError | None"]


@dataclass(frozen=True)
class ClaimDecision:
    """Staff's decision on one claim line (the claims workbook's 처리): approve, or refuse with a reason.

    ``reason`` is one of the adapter's ``claim_reject_reasons[claim.kind]`` (Korean labels) when refusing.
    ``courier_code`` / ``number``: the marketplace's courier code and the tracking number of what was shipped (a
    cancel refused because the item already left) or re-sent (an exchange approved), when the call takes them.
    """

    claim: Claim
    approve: bool
    reason: str = ""
    courier_code: str = ""
    number: str = ""

    @property
    def key(self) -> str:
        return claim_key(self.claim)


def claim_key(claim: Claim) -> str:
    """One claim line: its claim number and product (a claim may cover several products of an order)."""
    return f"{claim.claim_no}/{claim.product_no}"


class OrderJobs(Protocol):
    """The order, claim and inquiry jobs every marketplace adapter implements."""

    answer_limit: int  # the longest answer the marketplace takes, in characters

    def shipment_key(self, line: OrderLine) -> str:
        """The unit the marketplace confirms and invoices at once (TMON: one deal of an order; Coupang: the
        shipmentBoxId; Naver: the productOrderId). Lines with the same key share one invoice."""
        ...

    async def collect_orders(self, start: dt.datetime, end: dt.datetime, account: str) -> list[OrderLine]: ...

    async def collect_claims(
        self, start: dt.datetime, end: dt.datetime, account: str, *, latest: bool = False
    ) -> list[Claim]: ...

    async def confirm(self, units: Sequence[Sequence[OrderLine]]) -> Outcomes:
        """발주확인 of each unit (its lines share one shipment key); batched as the marketplace allows."""
        ...

    async def send_invoices(self, shipments: Sequence[Shipment]) -> Outcomes:
        """Register (or correct) each invoice; batched as the marketplace allows; only failed items retried."""
        ...

    async def collect_inquiries(self, start: dt.datetime, end: dt.datetime, account: str) -> list[Inquiry]: ...

    async def answer(self, inquiry_no: str, content: str) -> None:
        """Send one answer; raise AlreadyDone when the inquiry was answered already."""
        ...

    async def cancel_sale(self, units: Sequence[Sequence[OrderLine]], reason: str) -> Outcomes:
        """판매취소 (the seller cannot ship) of each unit (its lines share one shipment key), ``reason`` one of
        SALE_CANCEL_REASONS; a unit the marketplace refuses (a reason it has no code for, a state it cannot cancel
        in) gets its error; a unit cancelled already counts as done."""
        ...

    # per claim type, the 거부사유 labels (Korean, as staff pick them) the marketplace's refuse call takes; a type
    # missing here has no refuse call on this marketplace (the row is refused with the marketplace's words)
    claim_reject_reasons: Mapping[ClaimType, tuple[str, ...]]

    async def claim_now(self, claim: Claim) -> Claim | None:
        """The claim as the marketplace holds it now (re-read just before a decision is sent); None when the
        marketplace no longer lists it."""
        ...

    async def decide_claims(self, decisions: Sequence[ClaimDecision]) -> Outcomes:
        """Send each decision with the marketplace's own call (keyed by ``ClaimDecision.key``): a cancel approved
        or refused (refused only with the shipment's invoice, where the call takes one), a return approved (after
        the goods came back) or refused, an exchange approved with the re-send invoice or refused. A decision the
        marketplace does not offer gets a Rejected in its words; one already in effect counts as done."""
        ...

    async def vendor_id(self) -> str:
        """The cheapest call that proves the credentials; the seller's id at the marketplace."""
        ...


class Marketplace(ProductJobs, OrderJobs, Protocol):
    """Everything an adapter does. ``images_dir`` is where the workbook's local image files are (set by the runner
    before product jobs; adapters that upload images read them from there)."""

    images_dir: Path | None
