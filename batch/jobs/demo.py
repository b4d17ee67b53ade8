"""`batch demo`: a workspace, an example product workbook, and its result workbook."""

from __future__ import annotations

from pathlib import Path

from batch.config import CONFIG_NAME, load_workspace
from batch.exporters.template import write_template
from batch.importers import products as P
from batch.jobs.init import EVERY_MARKET, init_workspace
from batch.jobs.products import Run, run_products
from batch.jobs.samples import product_rows

DEMO_MARKETS = EVERY_MARKET


def demo_rows() -> dict[str, list[dict[str, str | None]]]:
    """Ten good products for every sandbox marketplace and two with the mistakes staff make most (to show the
    result workbook)."""
    rows = product_rows(12, markets=DEMO_MARKETS)
    main = rows[P.MAIN]
    main[10]["name"] = "[무료배송] 초특가!! 루미에르 귀걸이 세트 한정수량 특별기획 상품"
    main[11]["price"] = "39,000원"
    main[11]["groups"] = "쿠팡-기본,스토어-기본"  # a typo of 스마트스토어-기본, as staff make it
    return rows


def run_demo(root: Path) -> Run:
    """Push the example workbook to the built-in sandbox marketplaces (in-process: no account, no network)."""
    ws = load_workspace(root) if (root / CONFIG_NAME).exists() else init_workspace(root, markets=DEMO_MARKETS)
    source = ws.inbox / "상품대량등록_예시.xlsx"
    write_template(P.SPEC, source, demo_rows())
    from batch.sandbox.app import create_app

    run = run_products(source, ws, app=create_app())  # a sandbox of its own: the demo never meets other runs' state
    return run
