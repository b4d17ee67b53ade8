"""The ledger keeps what we did: a collected status never moves a line backwards, a cancel always wins."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from batch.ledger import Ledger
from batch.models import OrderLine, OrderStatus, ProductLink

LINE = OrderLine(
    market="tmon",
    account="main",
    order_no="1234567890",
    delivery_no="77",
    product_no="39000001",
    option_no="79000001",
    product_name="귀걸이",
    option_text="골드",
    qty=1,
    price=39000,
    ordered_at="2026-11-27 10:00:00",
    status=OrderStatus.NEW,
    buyer="김민준",
    buyer_phone="010-1234-5678",
    receiver="김민준",
    receiver_phone="010-1234-5678",
    zipcode="06236",
    address="서울특별시 강남구 테헤란로 123",
    message="문 앞에 놓아 주세요",
)


def test_statuses_move_forward_only_and_cancel_wins(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger.sqlite")
    assert ledger.store_orders([LINE]) == (1, 0)
    ((our_no, stored),) = ledger.orders((OrderStatus.NEW,))
    assert our_no == "202611270000001" and stored == LINE
    ledger.set_order_status(LINE, OrderStatus.SHIPPING)  # e.g. 강제완료
    assert ledger.store_orders([LINE]) == (0, 0)  # TMON still says D1: ours stays
    assert ledger.order_by_our_no(our_no).status is OrderStatus.SHIPPING  # type: ignore[union-attr]
    assert ledger.store_orders([replace(LINE, status=OrderStatus.DELIVERED)]) == (0, 1)
    assert ledger.store_orders([replace(LINE, status=OrderStatus.CANCELLED)]) == (0, 1)
    assert ledger.order_by_our_no(our_no).status is OrderStatus.CANCELLED  # type: ignore[union-attr]
    ledger.close()


def test_a_multi_site_product_is_found_by_each_site_number(tmp_path: Path) -> None:
    """ESM: one registration, a master goods number and a number per site; an order on 옥션 speaks the 옥션 one."""
    ledger = Ledger(tmp_path / "ledger.sqlite")
    link = ProductLink("M100", {"SKU-1-001": "1"}, {"gmarket": "G200", "auction": "A300"})
    ledger.complete(0, "esm", "main", "SKU-1", link, "h1")
    assert ledger.code_for("esm", "main", "A300") == "SKU-1"
    assert ledger.code_for("esm", "main", "G200") == "SKU-1"
    assert ledger.code_for("esm", "main", "M100") == "SKU-1"
    assert ledger.code_for("esm", "second", "A300") is None
    found = ledger.link("esm", "main", "SKU-1")
    assert found is not None and found.link == link
    # an update that sells on G마켓 only keeps no stale 옥션 number
    ledger.complete(0, "esm", "main", "SKU-1", ProductLink("M100", {}, {"gmarket": "G200"}), "h2")
    assert ledger.code_for("esm", "main", "A300") is None
    again = ledger.link("esm", "main", "SKU-1")
    assert again is not None and again.link.sites == {"gmarket": "G200"}
    ledger.close()
