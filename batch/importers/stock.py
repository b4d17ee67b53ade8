"""The 재고 template: the daily stock update staff make, one item (product code + option) a row."""

from __future__ import annotations

from batch.sheetspec import Col, Kind, SheetSpec, TemplateSpec

KIND = "stock"
VERSION = 1
MAIN = "재고"
ON, OFF = "판매중", "판매중지"

SPEC = TemplateSpec(
    kind=KIND,
    version=VERSION,
    title="재고관리",
    lists={"판매상태": (ON, OFF)},
    sheets=(
        SheetSpec(
            name=MAIN,
            description=(
                "상품(자체상품코드)과 옵션 하나가 한 행입니다. 지금 팔 수 있는 수량을 재고에 적으면 그 상품을 올린 모든 "
                "마켓에 같은 수량을 보냅니다. 바뀐 행만 보내므로 전체 목록을 그대로 넣어도 됩니다."
            ),
            key="code",
            columns=(
                Col(
                    "code",
                    "자체상품코드",
                    "상품대량등록 때 쓴 자체상품코드",
                    required=True,
                    kind=Kind.CODE,
                    max_len=40,
                    example="GOLD-RING-01",
                ),
                Col(
                    "option",
                    "옵션",
                    "옵션값을 옵션명 순서대로 / 로 이어 씁니다 (예: 골드/S). 옵션이 없는 상품은 비워 둡니다.",
                    max_len=160,
                    example="골드/S",
                    width=20,
                ),
                Col(
                    "stock",
                    "재고",
                    "지금 팔 수 있는 수량 (0이면 모든 마켓에서 품절 처리)",
                    required=True,
                    kind=Kind.INT,
                    min_value=0,
                    max_value=99_999,
                    example="12",
                ),
                Col(
                    "price",
                    "판매가",
                    "상품의 판매가(대표가격, 원). 비우면 그대로 둡니다. 옵션은 추가금액을 그대로 두고 판매가만 바뀝니다. "
                    "같은 상품의 행마다 같게 적으세요.",
                    kind=Kind.INT,
                    min_value=10,
                    max_value=1_000_000_000,
                    example="",
                ),
                Col(
                    "status",
                    "판매상태",
                    "판매중지를 고르면 재고와 상관없이 모든 마켓에서 팔지 않습니다. 비우면 그대로 둡니다.",
                    kind=Kind.CHOICE,
                    choices="판매상태",
                    example="",
                ),
                Col("name", "상품명", "확인용 (보내지 않습니다)", max_len=200, width=24, example="골드 반지"),
            ),
        ),
    ),
    rules=(
        (
            "하나의 재고",
            "같은 상품·옵션은 모든 마켓과 계정에 같은 재고를 보냅니다. 재고는 batch가 기억합니다: 상품대량등록의 재고는 "
            "처음 등록할 때만 쓰고, 그 뒤로는 이 양식과 주문이 재고를 바꿉니다.",
        ),
        (
            "바뀐 것만",
            "마켓이 마지막으로 확인해 준 수량과 다른 것만 보냅니다. 지난 재고 파일과 같은 값의 행은 다시 반영하지 "
            "않으므로, 같은 파일을 다시 넣어도 그 사이 주문으로 줄어든 재고가 되돌아가지 않습니다.",
        ),
        (
            "품절",
            "재고가 0이 되면(batch.toml [stock] buffer를 정했으면 그 수량 이하) 모든 마켓에서 판매를 멈추고, 다시 "
            "재고가 생기면 batch가 멈춘 마켓만 다시 엽니다.",
        ),
        (
            "주문 연동",
            "batch.toml에 [stock] sync = true 이면 주문 수집 때 주문 수량만큼 재고가 줄고, 배송 전 취소는 되돌립니다. "
            "재고 칸에는 이 파일을 넣는 때의 수량을 적으세요: 그 뒤에 들어온 주문부터 빠집니다.",
        ),
        (
            "판매가",
            "판매가를 적으면 그 상품을 올린 모든 마켓에 보냅니다. 옵션 추가금액이 새 판매가의 허용 범위(대부분 ±50%, "
            "11번가 -50%~+100%)를 벗어나는 마켓에는 보내지 않고 알려 줍니다.",
        ),
        (
            "확인",
            "보낸 뒤 마켓이 보여 주는 수량을 다시 읽어 확인합니다. 반영되지 않은 마켓은 다음 동기화 때 다시 보냅니다.",
        ),
    ),
)


# 재고연동이력 (batch collect stock-history): read-only, for staff to look up why a number changed and what each
# marketplace was told and showed.
HISTORY_MOVES, HISTORY_SENDS, HISTORY_UNKNOWN = "재고변동", "마켓전송", "미연결주문"


def _read_only(key_headers: tuple[tuple[str, str], ...]) -> tuple[Col, ...]:
    return tuple(Col(key, header, header, kind=Kind.CODE if key in CODES else Kind.TEXT) for key, header in key_headers)


CODES = {"code", "order_no", "product_no", "ref"}

HISTORY_SPEC = TemplateSpec(
    kind="stock-history",
    version=1,
    title="재고연동이력",
    sheets=(
        SheetSpec(
            name=HISTORY_MOVES,
            description="상품·옵션마다 재고가 바뀐 때와 까닭(주문, 주문취소, 재고 통합 문서, 판매취소, 상품 등록)입니다.",
            columns=_read_only(
                (
                    ("at", "일시"),
                    ("code", "자체상품코드"),
                    ("option", "옵션"),
                    ("name", "상품명"),
                    ("cause", "까닭"),
                    ("before", "전"),
                    ("after", "후"),
                    ("status", "판매상태"),
                    ("ref", "근거"),
                )
            ),
        ),
        SheetSpec(
            name=HISTORY_SENDS,
            description="마켓마다 보낸 재고·판매상태와, 보낸 뒤 마켓이 보여 준 것입니다. 둘이 다르면 다음 동기화 때 다시 보냅니다.",
            columns=_read_only(
                (
                    ("at", "보낸 일시"),
                    ("market", "마켓"),
                    ("account", "판매자ID"),
                    ("code", "자체상품코드"),
                    ("action", "작업"),
                    ("sent", "보낸 값"),
                    ("outcome", "결과"),
                    ("shown", "마켓이 보여 준 값"),
                    ("shown_at", "확인 일시"),
                )
            ),
        ),
        SheetSpec(
            name=HISTORY_UNKNOWN,
            description="어느 상품·옵션인지 알 수 없어 재고에서 빼지 않은 주문입니다. 직접 확인해 재고를 고쳐 주세요.",
            columns=_read_only(
                (
                    ("market", "마켓"),
                    ("account", "판매자ID"),
                    ("order_no", "제휴몰 주문번호"),
                    ("product_no", "제휴몰 상품코드"),
                    ("qty", "수량"),
                    ("at", "수집 일시"),
                )
            ),
        ),
    ),
)
