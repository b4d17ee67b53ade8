"""The courier catalogue: the names staff pick from. Marketplace codes are added per marketplace."""

from __future__ import annotations

COURIERS: tuple[str, ...] = (
    "CJ대한통운",
    "롯데택배",
    "한진택배",
    "로젠택배",
    "우체국택배",
    "경동택배",
    "대신택배",
    "일양로지스",
    "천일택배",
    "합동택배",
    "CU편의점택배",
    "GS Postbox",
    "직접배송",
)
