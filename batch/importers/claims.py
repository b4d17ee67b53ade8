"""The claims export (취소·반품·교환): what was collected, for staff to read; it is not dropped back."""

from __future__ import annotations

from batch.sheetspec import Col, Kind, SheetSpec, TemplateSpec

CLAIMS_MAIN = "클레임"
CLAIMS_SPEC = TemplateSpec(
    kind="claims",
    version=1,
    title="취소·반품·교환",
    sheets=(
        SheetSpec(
            name=CLAIMS_MAIN,
            description="수집한 취소·반품·교환 요청입니다. 요청 상태인 주문에는 송장을 보내지 않습니다.",
            columns=tuple(
                Col(key, header, header, kind=Kind.CODE if key.endswith("_no") else Kind.TEXT)
                for key, header in (
                    ("kind", "유형"),
                    ("status", "상태"),
                    ("reason", "사유"),
                    ("claim_no", "클레임번호"),
                    ("our_no", "주문번호"),
                    ("order_no", "제휴몰 주문번호"),
                    ("market", "마켓"),
                    ("account", "판매자ID"),
                    ("site", "사이트"),
                    ("code", "상품코드"),
                    ("product_no", "제휴몰 상품코드"),
                    ("product_name", "상품명"),
                    ("buyer", "주문자"),
                    ("buyer_phone", "주문자 연락처"),
                    ("requested_at", "요청일시"),
                )
            ),
        ),
    ),
)
