"""Values the marketplace protocol passes back: links to what a marketplace holds, look-up results."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from batch.models import Product, SalesInfo


@dataclass(frozen=True)
class ProductLink:
    """The marketplace's numbers for one of our products (상품 연동현황)."""

    product_no: str
    option_nos: dict[str, str] = field(default_factory=dict)  # our option number -> the marketplace's


@dataclass(frozen=True)
class DeliveryTemplate:
    number: str
    name: str
    product_type: str  # 상품유형그룹 label, as staff write it


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

    async def delivery_templates(self) -> list[DeliveryTemplate]: ...


# The order, claim and inquiry jobs (collect orders, confirm, send invoice, collect claims, collect and
# answer inquiries) join this protocol with the issues that build them; each adapter then implements them.
Marketplace = ProductJobs
