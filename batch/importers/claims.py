"""The claims workbook (취소·반품·교환): what was collected, and the decisions staff write back (처리, 거부사유, the
invoice of what was shipped or re-sent); dropped or ``batch run``, each decision goes to its marketplace once."""

from __future__ import annotations

from batch.models import SENDS_TO_LABELS
from batch.sheetspec import Col, Kind, SheetSpec, TemplateSpec
from batch.trade.couriers import COURIERS

KIND = "claims"
VERSION = 2
CLAIMS_MAIN = "클레임"
APPROVE, REJECT, HOLD = "승인", "거부", "보류"

# every 거부사유 label an adapter takes (each marketplace takes some of them per claim type: the job checks the row's
# against its marketplace's ``claim_reject_reasons``; the dropdown offers them all)
REJECT_REASONS = (
    "이미 발송함",
    "고객 귀책 아님(상품 이상 없음)",
    "반품 상품 미도착",
    "상품 훼손·사용 흔적",
    "구성품 누락",
    "반품 기한 지남",
    "교환 상품 품절",
    "고객과 협의함",
    "구매자 철회 요청",
    "기타",
)

_READ = (
    ("kind", "유형"),
    ("status", "상태"),
    ("shown", "마켓 상태"),
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
    ("pickup", "회수 송장"),
)
_CODES = {"claim_no", "our_no", "order_no", "product_no", "code", "buyer_phone", "pickup"}

CLAIMS_SPEC = TemplateSpec(
    kind=KIND,
    version=VERSION,
    title="취소·반품·교환",
    lists={
        "처리": (APPROVE, REJECT, HOLD),
        "거부사유": REJECT_REASONS,
        "택배사": COURIERS,
        "마켓": SENDS_TO_LABELS,
    },
    sheets=(
        SheetSpec(
            name=CLAIMS_MAIN,
            description=(
                "클레임 상품 한 줄이 한 행입니다. 처리에 승인·거부를 고르면 그 마켓에 보냅니다(보류나 빈칸은 보내지 "
                "않습니다). 거부에는 거부사유, 이미 보낸 주문의 취소 거부와 교환 승인에는 택배사·송장번호를 씁니다."
            ),
            key="claim_no",
            columns=(
                *(
                    Col(
                        key,
                        header,
                        header,
                        required=key in ("claim_no", "product_no"),
                        kind=Kind.CODE if key in _CODES else (Kind.CHOICE if key == "market" else Kind.TEXT),
                        choices="마켓" if key == "market" else None,
                        max_len=300,
                    )
                    for key, header in _READ
                ),
                Col("decision", "처리", "승인 / 거부 / 보류 (▼ 목록)", kind=Kind.CHOICE, choices="처리"),
                Col(
                    "reject_reason",
                    "거부사유",
                    "거부할 때 이유 (▼ 목록). 마켓과 클레임 유형마다 받는 사유가 다릅니다.",
                    kind=Kind.CHOICE,
                    choices="거부사유",
                    width=22,
                ),
                Col(
                    "courier",
                    "택배사",
                    "이미 보낸 주문의 취소를 거부할 때, 또는 교환 상품을 다시 보낼 때 (▼ 목록)",
                    kind=Kind.CHOICE,
                    choices="택배사",
                    strict_choice=False,
                ),
                Col("tracking", "송장번호", "위 택배사의 송장번호 (숫자만)", kind=Kind.CODE, max_len=40),
            ),
        ),
    ),
    rules=(
        ("보내는 행", "처리에 승인 또는 거부를 고른 행만 보냅니다. 보류나 빈칸은 그대로 둡니다."),
        (
            "한 번만",
            "보낸 처리는 다시 보내지 않습니다. 보내기 직전에 마켓에서 클레임을 다시 읽어, 그 사이 철회·완료된 클레임은 "
            "보내지 않고 알려 줍니다.",
        ),
        (
            "취소",
            "취소 승인은 그대로 보냅니다. 취소 거부는 이미 발송한 주문만 할 수 있고 택배사·송장번호가 필요합니다. "
            "G마켓·옥션과 스마트스토어에는 취소 거부 기능이 없어 그 행은 오류로 알려 줍니다(판매자센터에서 발송 처리).",
        ),
        (
            "반품",
            "반품 승인은 상품을 돌려받은 뒤에 합니다. 거부에는 거부사유가 필요합니다. 쿠팡과 G마켓·옥션에는 반품 거부 기능이 "
            "없어 그 행은 오류로 알리고 대신 할 일(쿠팡 WING의 '쿠팡 확인 요청', ESM+의 반품보류)을 적어 줍니다.",
        ),
        (
            "한 클레임번호",
            "쿠팡은 한 클레임번호(접수번호)의 상품을 한 번에 처리합니다: 그 상품들의 행을 모두 같은 처리로 적으세요.",
        ),
        (
            "교환",
            "교환 승인에는 다시 보내는 상품의 택배사·송장번호가 필요합니다. 거부에는 거부사유가 필요합니다 (G마켓·옥션은 "
            "교환 거부 기능이 없습니다).",
        ),
        (
            "재고",
            "batch.toml [stock] sync = true 이면 승인된 취소와 완료된 반품의 수량을 재고로 되돌리고 모든 마켓에 알립니다.",
        ),
    ),
)
