"""The 송장대량등록 template: the order export staff fill with 택배사 and 송장번호, and drop back."""

from __future__ import annotations

from batch.models import SENDS_TO_LABELS
from batch.sheetspec import Col, Kind, SheetSpec, TemplateSpec
from batch.trade.couriers import COURIERS

KIND = "invoices"
VERSION = 1
MAIN = "송장"
UNIT_HEADER = "배송단위"
FORCE_DONE = "Y"

# 판매취소 reasons staff choose from (marketplaces.types.SALE_CANCEL_REASONS; each adapter maps them to its codes)
SALE_CANCEL = ("품절", "배송지연", "가격오류", "기타")
SOLD_OUT = "품절"
LISTS: dict[str, tuple[str, ...]] = {
    "택배사": COURIERS,
    "YN": ("Y", "N"),
    "마켓": SENDS_TO_LABELS,
    "판매취소": SALE_CANCEL,
}

MAIN_SHEET = SheetSpec(
    name=MAIN,
    description=(
        "주문 한 줄(상품·옵션)이 한 행입니다. 택배사와 송장번호를 채워 inbox에 다시 넣으면 송장을 보냅니다. "
        "배송단위가 같은 행들은 송장 하나를 함께 씁니다."
    ),
    key="our_no",
    synonyms=("주문", "주문목록", "Sheet1", "송장등록"),
    columns=(
        Col(
            "our_no",
            "주문번호",
            "batch가 붙인 주문번호 (고치지 마세요)",
            required=True,
            kind=Kind.CODE,
            max_len=20,
            synonyms=("관리번호", "주문 번호"),
        ),
        Col(
            "order_no",
            "제휴몰 주문번호",
            "마켓의 주문번호",
            kind=Kind.CODE,
            max_len=40,
            synonyms=("마켓 주문번호", "쇼핑몰 주문번호", "제휴몰주문번호"),
        ),
        Col("market", "마켓", "마켓", kind=Kind.CHOICE, choices="마켓"),
        Col("account", "판매자ID", "마켓 계정", max_len=50),
        Col("site", "사이트", "G마켓·옥션 주문이 들어온 사이트 (G마켓 / 옥션)", max_len=10),
        Col("code", "상품코드", "자체상품코드", kind=Kind.CODE, max_len=40),
        Col("product_no", "제휴몰 상품코드", "마켓의 상품번호", kind=Kind.CODE, max_len=40),
        Col("product_name", "상품명", "상품명", max_len=200, width=30),
        Col("option_text", "옵션", "옵션", max_len=200, width=20),
        Col("qty", "수량", "수량", kind=Kind.INT, min_value=0, max_value=100_000),
        Col("amount", "금액", "판매가 × 수량", kind=Kind.INT, min_value=0, max_value=10**10),
        Col("buyer", "주문자", "주문자", max_len=100),
        Col("receiver", "수령자", "받는 분", max_len=100, synonyms=("수취인", "받는분")),
        Col("phone", "연락처", "받는 분 연락처", kind=Kind.CODE, max_len=40, synonyms=("수취인 연락처", "전화번호")),
        Col("zipcode", "우편번호", "우편번호", kind=Kind.CODE, max_len=10),
        Col("address", "주소", "받는 분 주소", max_len=300, width=40, synonyms=("배송지", "수취인 주소")),
        Col("message", "배송메시지", "배송 요청사항", max_len=500, width=24, synonyms=("배송 메세지", "배송메세지")),
        Col("status", "상태", "수집할 때의 주문 상태", max_len=20),
        Col("ship_date", "출고예정일", "YYYYMMDD. 오늘부터 3일 이상 뒤면 배송지연사유가 필요합니다", kind=Kind.DATE),
        Col("delay_reason", "배송지연사유", "출고가 3일 이상 늦을 때 그 이유", max_len=200),
        Col(
            "unit",
            UNIT_HEADER,
            "마켓이 송장 하나를 받는 단위입니다 (고치지 마세요). 같은 배송단위의 행들은 이어져 있고 송장번호 하나를 함께"
            " 씁니다: 그중 한 행에만 택배사와 송장번호를 넣어도 됩니다. 쿠팡: 묶음배송번호(shipmentBoxId),"
            " 티몬: 주문번호/딜번호, 스마트스토어: 상품주문번호",
            kind=Kind.CODE,
            max_len=60,
            width=18,
            synonyms=("묶음배송번호", "묶음배송", "배송번호"),
        ),
        Col(
            "courier",
            "택배사",
            "▼ 목록에서 고르세요",
            kind=Kind.CHOICE,
            choices="택배사",
            strict_choice=False,
            synonyms=("택배사명", "배송업체", "택배회사"),
        ),
        Col(
            "tracking",
            "송장번호",
            "숫자만 (하이픈은 지워도 됩니다)",
            kind=Kind.CODE,
            max_len=40,
            synonyms=("운송장번호", "운송장 번호", "송장 번호", "운송장"),
        ),
        Col(
            "force_done", "강제완료", "Y면 아무것도 보내지 않고 처리 완료로 표시합니다", kind=Kind.CHOICE, choices="YN"
        ),
        Col(
            "sale_cancel",
            "판매취소",
            "보낼 수 없는 주문(판매불가)이면 사유를 고르세요. 마켓에 판매취소를 보내고, 품절이면 그 상품을 모든 마켓에서 "
            "판매중지합니다. 송장과 함께 쓰지 마세요.",
            kind=Kind.CHOICE,
            choices="판매취소",
            synonyms=("판매불가", "판매 취소"),
        ),
    ),
)

SPEC = TemplateSpec(
    kind=KIND,
    version=VERSION,
    title="송장대량등록",
    lists=LISTS,
    sheets=(MAIN_SHEET,),
    rules=(
        (
            "택배사·송장번호",
            "둘 다 채운 행만 보냅니다. 택배사는 그 마켓이 아는 택배사여야 하고, 송장번호는 택배사 규칙(자릿수, 검증 숫자)에 맞아야 합니다.",
        ),
        (
            "배송단위",
            "마켓은 배송단위(쿠팡 묶음배송번호, 티몬 주문의 딜, 스마트스토어 상품주문번호)마다 송장 하나를 받습니다. "
            "한 행에 쓴 택배사·송장번호는 같은 배송단위의 빈 행에도 씁니다. 한 배송단위에 서로 다른 송장번호나 "
            "택배사를 쓰면 그 배송단위는 보내지 않습니다 (티몬은 택배사가 같으면 다른 번호를 추가 송장으로 보냅니다).",
        ),
        ("같은 송장번호", "한 송장번호를 서로 다른 주문에 쓰면 오류입니다 (같은 주문의 여러 상품은 괜찮습니다)."),
        (
            "취소 요청",
            "보내기 직전에 취소·반품·교환 요청을 다시 확인하고, 요청이 있는 주문은 보내지 않고 '보류'로 표시합니다.",
        ),
        ("발주확인", "아직 발주확인하지 않은 주문은 먼저 발주확인한 뒤 송장을 보냅니다."),
        (
            "판매취소",
            "판매취소 사유(품절·배송지연·가격오류·기타)를 고른 행은 송장 대신 마켓에 판매취소를 보냅니다. 이미 송장을 "
            "보낸 주문은 판매취소할 수 없습니다(반품으로 처리). 품절이면 그 상품·옵션의 재고를 0으로 하고 모든 마켓에서 "
            "판매를 멈춥니다. 마켓마다 받는 사유가 다릅니다(G마켓·옥션은 품절만). 종합몰은 판매취소 기능이 없어 보내지 않습니다.",
        ),
        ("다시 넣기", "이미 보낸 송장은 다시 보내지 않습니다. 송장번호를 바꾸면 수정으로 보냅니다."),
    ),
    meta_optional=True,
)
