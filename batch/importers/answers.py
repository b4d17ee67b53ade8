"""The 문의 답변 template: the inquiry export staff answer (답변내용 + 승인 Y) and drop back."""

from __future__ import annotations

from batch.models import SENDS_TO_LABELS
from batch.sheetspec import Col, Kind, SheetSpec, TemplateSpec

KIND = "answers"
VERSION = 1
MAIN = "문의"
APPROVED = "Y"

SPEC = TemplateSpec(
    kind=KIND,
    version=VERSION,
    title="문의답변",
    lists={"YN": ("Y", "N"), "마켓": SENDS_TO_LABELS},
    sheets=(
        SheetSpec(
            name=MAIN,
            description="문의 한 건이 한 행입니다. 답변내용을 쓰고 승인에 Y를 고른 행만 보냅니다. 답변기한이 지난 행은 빨간색입니다.",
            key="inquiry_no",
            columns=(
                Col("market", "마켓", "마켓", kind=Kind.CHOICE, choices="마켓"),
                Col("account", "판매자ID", "마켓 계정", max_len=50),
                Col(
                    "inquiry_no",
                    "문의번호",
                    "마켓의 문의 번호 (고치지 마세요)",
                    required=True,
                    kind=Kind.CODE,
                    max_len=60,
                ),
                Col(
                    "kind",
                    "유형",
                    "상품 / 배송 / 반품 / 교환 / 기타 / 긴급문의 / 긴급알림 (11번가 긴급알리미)",
                    max_len=20,
                ),
                Col("code", "상품코드", "자체상품코드", kind=Kind.CODE, max_len=40),
                Col("product_no", "제휴몰 상품코드", "마켓의 상품번호", kind=Kind.CODE, max_len=40),
                Col("product_name", "상품명", "상품명 (주문이나 등록 기록에서)", max_len=200, width=24),
                Col("order_no", "주문번호", "문의에 연결된 주문", kind=Kind.CODE, max_len=40),
                Col("asked_at", "문의일시", "고객이 문의한 때", max_len=30),
                Col("collected_at", "수집일시", "batch가 가져온 때", max_len=30),
                Col(
                    "deadline",
                    "답변기한",
                    "이때까지 답해야 합니다 (마켓이 정한 회신기한, 없으면 영업일 기준·공휴일 제외)",
                    max_len=30,
                ),
                Col("title", "제목", "문의 제목", max_len=500, width=24),
                Col("body", "내용", "문의 내용", max_len=5000, width=50),
                Col("asker", "작성자", "마켓이 가린 그대로", max_len=50),
                Col("answer", "답변내용", "고객에게 보낼 답변", max_len=5000, width=50),
                Col("approve", "승인", "Y면 보냅니다", kind=Kind.CHOICE, choices="YN"),
            ),
        ),
    ),
    rules=(
        ("보내는 행", "답변내용이 있고 승인이 Y인 행만 보냅니다. 나머지 행은 그대로 둡니다."),
        ("길이와 금지어", "마켓의 답변 길이 제한을 넘거나 batch.toml의 금지어가 들어간 답변은 보내지 않습니다."),
        ("한 번만", "보낸 답변은 다시 보내지 않습니다. 이미 답변한 문의는 보내지 않고 알려 줍니다."),
        (
            "11번가 긴급알리미",
            "긴급문의는 답변을 보내고, 긴급알림은 답변내용(예: 확인했습니다)과 함께 확인 처리합니다. "
            "답변기한은 11번가가 정한 회신기한(그날 23:59)입니다.",
        ),
    ),
)
