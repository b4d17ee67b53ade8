"""The claims workbook's checks and the job's rules without a marketplace: every adapter's 거부사유 is on the
workbook's list, decisions a marketplace does not offer are refused on the row, invoices where the call needs them."""

from __future__ import annotations

from batch.importers import claims as C
from batch.marketplaces.connect import SUPPORTED, adapter_for
from batch.models import ClaimType


def test_every_reason_an_adapter_takes_is_on_the_workbooks_list() -> None:
    for market in SUPPORTED:
        reasons = getattr(adapter_for(market), "claim_reject_reasons", None)
        assert reasons is not None, market
        for kind, labels in reasons.items():
            assert isinstance(kind, ClaimType), (market, kind)
            missing = [label for label in labels if label not in C.REJECT_REASONS]
            assert missing == [], (market, kind, missing)


def test_the_marketplaces_without_a_cancel_refusal_are_the_ones_the_workbook_names() -> None:
    without = {m for m in SUPPORTED if ClaimType.CANCEL not in adapter_for(m).claim_reject_reasons}
    assert without == {"naver", "esm"}
    rule = dict(C.CLAIMS_SPEC.rules)["취소"]
    assert "G마켓·옥션과 스마트스토어에는 취소 거부 기능이 없어" in rule
