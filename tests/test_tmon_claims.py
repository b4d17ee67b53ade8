"""TMON claim actions against the sandbox: approve, reject (already shipped) and seller cancel."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from pathlib import Path
from typing import Any

from helpers import TMON_ONLY, control

from batch.jobs.collect import now_kst
from batch.jobs.init import init_workspace
from batch.marketplaces.connect import connect
from batch.marketplaces.tmon import Tmon
from batch.models import ClaimStatus, ClaimType
from batch.sandbox.app import create_app


def test_claims_are_collected_approved_and_rejected(tmp_path: Path) -> None:
    app = create_app(clock=lambda: time.time() - 3600, seed=5)  # orders an hour old: inside TMON's window
    orders = control(app, "POST", "/__sandbox__/seed", {"market": "tmon", "orders": 3, "seed": 1})["orders"]
    cancel = control(app, "POST", "/__sandbox__/claims", {"market": "tmon", "order": orders[0], "type": "cancel"})
    ws = init_workspace(tmp_path / "ws", markets=TMON_ONLY)
    account = ws.accounts[0]

    async def scenario() -> list[Any]:
        conn = connect(ws, account, app=app)
        tmon = conn.adapter
        assert isinstance(tmon, Tmon)
        try:
            start = now_kst() - dt.timedelta(days=2)
            claims = await tmon.collect_claims(start, now_kst() + dt.timedelta(minutes=1), "main", latest=True)
            await tmon.approve_cancel(cancel["claimNo"])
            await tmon.approve_cancel(cancel["claimNo"])  # done already: still fine
            lines = [x for x in await tmon.collect_orders(start, now_kst(), "main") if x.order_no == orders[1]]
            first_deal = [x for x in lines if x.product_no == lines[0].product_no]
            await tmon.seller_cancel(first_deal)
            detail = await tmon.get_order(orders[2], "main")
            assert {x.order_no for x in detail} == {orders[2]} and all(x.buyer for x in detail)
            return claims
        finally:
            await conn.aclose()

    claims = asyncio.run(scenario())
    assert [(c.claim_no, c.order_no, c.kind, c.status) for c in claims] == [
        (cancel["claimNo"], orders[0], ClaimType.CANCEL, ClaimStatus.REQUESTED)
    ]
    assert claims[0].buyer  # decrypted, not ciphertext
    state = control(app, "GET", "/__sandbox__/state?market=tmon")
    by_order = {c["tmonOrderNo"]: c["status"] for c in state["claims"]}
    assert by_order == {orders[0]: "C3", orders[1]: "C3"}
    assert state["requests"]["PUT /api/{vendorId}/cancellations/{claimNo}/approve"] == 2
    assert state["requests"]["POST /api/{vendorId}/cancellations"] == 1
