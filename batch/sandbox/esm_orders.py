"""ESM 2.0 (G마켓 / 옥션) orders, shipping, claims, 판매자문의 and 긴급알리미 in the sandbox (marketplaces-next.md
§2.3–2.4), and the JSON, time and courier helpers ``esm`` shares.

Sources, cited beside each rule: [E n] = post n of the etapi guide copy in ``rumeadia-dotcom/ing0415`` at
bf89065d86066598e98fec37b36a0af64ecef385 (https://github.com/rumeadia-dotcom/ing0415/blob/bf89065d86066598e98fec37b36a0af64ecef385/docs/architecture/v1/features/esm-api/<section>/<n>.md:
order-shipping/67–71, claim/50–62, cs/43–48, product/142); [S] samba-wave ``proxy/esmplus.py``; [N]
marketplaces-next.md. Where no source gives a wording or a shape, the sandbox's own choice is marked ❓.

One order number is one line: one ``SiteGoodsNo`` per ``OrderNo``; a cart is a ``PayNo`` ([E 67]). States ([E 67]
OrderStatus): 1 신규주문 → 2 발송대기중 ([E 68] 주문확인) → 3 배송중 ([E 70] 발송처리) → 4 배송완료 ([E 71]).
Claims hang on the order number: 취소 ([E 50]–[E 52]), 반품 ([E 53], [E 57]), 교환 ([E 59], [E 62], [E 64]).
"""

from __future__ import annotations

import base64
import datetime as dt
import random
import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from batch.sandbox.faults import Clock
from batch.sandbox.web import Reject, endpoint, json_response, read_json

if TYPE_CHECKING:
    from batch.sandbox.esm import Caller, EsmMarket

KST = dt.timezone(dt.timedelta(hours=9))
DAY = 86_400
GMARKET, AUCTION = "gmarket", "auction"
SITES = (GMARKET, AUCTION)
SITE_TYPE = {AUCTION: 1, GMARKET: 2}  # [E 20] [E 67] [E 51] siteType: 1 옥션, 2 G마켓
SITE_OF_TYPE = {1: AUCTION, 2: GMARKET}
CLAIM_ROW_SITE_TYPE = {
    AUCTION: 1,
    GMARKET: 3,
}  # [E 50] [E 53] [E 59] samples: claim rows say 3 for G마켓 (❓ [E 59] text says 2)
SITE_KEY = {GMARKET: "gmkt", AUCTION: "iac"}  # [E 20] price{Gmkt, Iac}, isSell{gmkt, iac}
SITE_TAG = {GMARKET: "GMKT", AUCTION: "IAC"}  # [E 20] error messages "[GMKT]…", "[IAC]…"
ORDER_LIST_SPACING = 5.0  # [E 67] "주문조회는 5초당 1회 호출 가능합니다. (단, 주문번호로 조회하는 경우 제한 없습니다.)"
ORDER_LIST_REFUSAL = "주문 조회는 5초당 1회 호출 가능합니다"  # [S] resultCode 3000, its comment's wording
ORDER_WINDOW_DAYS = 31  # [E 67] requestDateFrom/To "31일 이내 조회 가능" (❓ both sites; the table gives 옥션 180)
CLAIM_WINDOW_DAYS = 7  # [E 50] "일주일 단위", [E 53] [E 59] "7일 이하 범위"
CS_WINDOW_DAYS = 7  # [E 47] "7일 단위로 조회 가능"
CANCEL_AUTO_SECONDS = DAY  # [E 50] "취소 신청 후 24시간 이내 판매자 승인 없을 경우 자동으로 취소 됩니다."
SHIPPING_DATE_DAYS = 2  # [E 70] ShippingDate "호출시점 2일 이내로 입력 필요"
SHIPPING_DATE_SKEW = 2 * 3600  # ❓ seconds a ShippingDate may be ahead of the sandbox's clock
SELLER_NO_BYTES = 30  # [E 68] [E 70] SellerOrderNo / SellerItemNo "최대 30byte"
ANSWER_BYTES = 1_000  # [E 47] [E 48] "답변 내용은 1000 byte 이내"


def kst(seconds: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, KST)


def iso(seconds: float | None) -> str | None:
    """``2019-04-10T17:45:39`` ([E 67] [E 50] samples: KST, no offset), or None."""
    return None if seconds is None else kst(seconds).strftime("%Y-%m-%dT%H:%M:%S")


def spaced(seconds: float | None) -> str | None:
    """``2019-11-27 11:03:01`` ([E 43] ReceiveDate), or None."""
    return None if seconds is None else kst(seconds).strftime("%Y-%m-%d %H:%M:%S")


LAYOUTS = ("%Y-%m-%d", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M")


def parse_when(value: object) -> float | None:
    """``YYYY-MM-DD`` (00:00 KST) or ``YYYY-MM-DD hh:mm[:ss]`` / ``YYYY-MM-DDThh:mm:ss`` ([E 67] "분단위 조회 가능",
    [E 70] ShippingDate) as epoch seconds; None when it is none of these."""
    if not isinstance(value, str):
        return None
    for layout in LAYOUTS:
        try:
            return dt.datetime.strptime(value.strip(), layout).replace(tzinfo=KST).timestamp()
        except ValueError:
            continue
    return None


def ci(data: object, *path: str) -> Any:
    """``data[path…]`` with every key matched regardless of case, or None: the guide's own samples mix ``Gmkt`` /
    ``gmkt`` and ``Price`` / ``price`` for one field ([E 20], [E 21], [E 140]; [S] ``ci_get``: "ESM 응답 dict 의
    case-insensitive 키 조회")."""
    for key in path:
        if not isinstance(data, Mapping):
            return None
        wanted = key.lower()
        data = next((v for k, v in data.items() if isinstance(k, str) and k.lower() == wanted), None)
    return data


def as_int(value: object) -> int | None:
    """An integer given as a JSON number (10000 or 10000.0) or a string of digits ([E 140]'s sample sends
    ``deliveryTmplId`` and ``addrNo`` as strings); None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
        return int(value.strip())
    return None


def nbytes(text: str) -> int:
    """The byte length the guide's "…byte" limits count. ❓ The guide names no encoding; the sandbox counts UTF-8
    (a Hangul syllable is 3 bytes), the stricter reading: text within it fits whatever ESM counts."""
    return len(text.encode("utf-8"))


def result(code: int, message: str, data: Any = None, *, auction: bool = False) -> Response:
    """The order/claim/긴급알리미 answer ``{ResultCode, Message, Data}`` ([E 67] [E 68] [E 70]); 옥션 claim answers
    carry ``BizRuleCode`` too ([E 51] [E 52] [E 57] [E 62]: "" unless ResultCode 8668)."""
    body: dict[str, Any] = {"ResultCode": code, "Message": message}
    if auction:
        body["BizRuleCode"] = ""
    body["Data"] = data
    return json_response(body)


def biz(code: int, rule: str, message: str) -> Response:
    """An 옥션 claim refusal with its ``BizRuleCode`` ([E 51] "8668 (비즈니스 에러) >> 원인별 상세 BizRuleCode")."""
    return json_response({"ResultCode": code, "Message": message, "BizRuleCode": rule, "Data": None})


async def json_object(request: Request, refuse: Response) -> dict[str, Any]:
    """The request's JSON object; ``refuse`` when the body is not one (an empty body is ``{}``)."""
    try:
        body = await read_json(request)
    except ValueError:
        raise Reject(refuse) from None
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise Reject(refuse)
    return body


COURIERS: dict[int, str] = {  # [E 142] 택배사 리스트, every code and name as listed
    10003: "로젠택배",
    10005: "우체국택배",
    10006: "등기우편",
    10007: "한진택배",
    10008: "롯데택배",
    10013: "CJ 대한통운 택배",
    10014: "대신택배",
    10015: "일양택배",
    10016: "경동택배",
    10017: "천일택배",
    10022: "DHL",
    10023: "FEDEX",
    10024: "일반우편",
    10025: "퀵서비스",
    10027: "LG전자물류",
    10028: "삼성전자물류",
    10031: "(G마켓)직접배송",
    10032: "(G마켓)자체배송",
    10034: "기타택배",
    10035: "방문수령",
    10036: "EMS",
    10038: "(G마켓)(소형항공)우체국",
    10039: "우리택배",
    10041: "USPS",
    10042: "UPS",
    10043: "GSMNTON",
    10044: "WarpEx",
    10045: "성원글로벌",
    10048: "(G마켓)홈플러스택배",
    10050: "건영택배",
    10051: "WIZWA",
    10054: "(G마켓)(해외)우체국",
    10055: "(G마켓)(해외)DHL",
    10056: "(G마켓)(해외)DPD",
    10065: "(G마켓)CJ택배",
    10067: "(G마켓)편의점택배",
    10068: "(G마켓)대한통운",
    10070: "(옥션) 기타",
    10072: "CJ국제특송",
    10073: "편의점택배(GS25)",
    10074: "합동택배",
    10075: "롯데국제특송",
    10077: "SLX",
    10078: "대우전자",
    10079: "범한판토스",
    10080: "GPS LOGIX",
    10081: "한의사랑택배",
    10082: "세방택배",
    10084: "쉽트랙",
    10085: "ACI",
    10089: "택배사미정",
    10097: "Qxpress",
    10098: "현대글로비스",
    10099: "부릉",
    10100: "이마트몰",
    10101: "투데이",
    10102: "아르고",
    10103: "위니온로지스",
    10104: "한덱스",
    10105: "TNT",
    10106: "i-parcel",
    10107: "대운글로벌",
    10108: "에어보이익스프레스",
    10109: "LineExpress",
    10110: "GSI익스프레스",
    10111: "ECMS익스프레스",
    10112: "EFS",
    10113: "시알로지텍",
    10114: "브리지로지스",
    10115: "Cway express",
    10116: "ACE express",
    10117: "스마트로지스",
    10118: "에스더쉬핑",
    10119: "로토스",
    10120: "은하쉬핑",
    10121: "유프레이트 코리아",
    10122: "하이브시티",
    10123: "LTL",
    10124: "캐나다쉬핑",
    10125: "지디에이코리아",
    10126: "올타코리아",
    10127: "yunda express",
    10128: "웅지익스프레스",
    10129: "YDH",
    10130: "ACCcargo",
    10131: "허싱카고코리아",
    10132: "시노트랜스",
    10133: "패스트박스",
    10134: "팬스타국제특송",
    10135: "에이씨티앤코아물류",
    10136: "kt express",
    10137: "ibpcorp",
    10138: "엠티인터네셔널",
    10139: "골드스넵스",
    10140: "BGF포스트",
    10141: "용마로지스",
    10142: "원더스퀵",
    10143: "농협택배",
    10144: "HI택배",
    10145: "홈픽택배",
    10146: "KGL네트웍스",
    10147: "2fast익스프레스",
    10148: "GTS로지스",
    10149: "홈이노베이션로지스",
    10150: "자이언트",
    10151: "우리동네택배",
    10152: "퍼레버택배",
    10153: "엘서비스",
    10154: "로지스밸리택배",
    10155: "제니엘시스템",
    10156: "애니트랙",
    10157: "제이로지스트",
    10158: "두발히어로",
    10159: "큐런",
    10160: "프레시솔루션",
    10161: "한샘",
    10162: "굿투럭",
    10163: "지니고",
    10164: "카카오 T 당일배송",
    10165: "노곡물류",
    10166: "스페이시스원",
    10167: "로지스팟",
    10168: "DHL GlobalMail",
    10169: "프레시메이트",
    10170: "NK로지솔루션",
    10171: "도도플렉스",
    10172: "배송하기좋은날",
    10173: "이투마스",
    10174: "에이스물류",
    10175: "바바바로지스",
    10176: "롯데칠성",
    10177: "발렉스",
    10178: "국제익스프레스",
    10179: "윈핸드해운항공",
    10180: "탱고앤고",
    10181: "SBGLS",
    10182: "핑퐁",
    10183: "1004홈",
    10184: "나은물류",
    10185: "엔티엘피스",
    10186: "삼다수가정배송",
    10187: "딜리래빗",
    10188: "홈픽오늘도착",
    10189: "대림통운",
    10190: "로지스파트너",
    10191: "고박스",
    10192: "케이제이티",
    10193: "더바오",
    10194: "오늘회러쉬",
    10195: "한국야구르트",
    10196: "로지스밸리",
    10197: "라스트마일시스템즈",
    10198: "에이치케이홀딩스",
    10199: "직구문",
    10200: "큐브플로우",
    10201: "성훈물류",
    10202: "지비에스",
    10203: "반품구조대",
    10204: "화물을부탁해",
    10210: "팀프레시",
    10221: "지에이치스피드",
    10223: "쉽트랙(Ship G)",
    10224: "딜리박스",
    10225: "티에스지로지스",
    10226: "ocs",
    10227: "든든택배",
    10228: "모든로지스",
    10229: "물류대장",
    10230: "제이더블유티앤엘",
    10231: "지케이글로벌",
    10232: "JCLS",
}


def _lotte(number: str) -> bool:
    """[N] §7.4 (delivery-tracker's module): 12 digits, the last = the first 11 as a number mod 7."""
    return len(number) == 12 and number.isdigit() and int(number[:11]) % 7 == int(number[11])


# [E 70] 3000 "{DeliveryCompanyCode} 는 {택배사명}의 운송장번호 규칙에 어긋납니다." — the guide names no rule itself.
# ❓ The rules are [N] §7.4's (CJ 10 or 12 digits, 한진 12/14, 롯데 12 + mod 7, 우체국 13, 로젠 11), on [E 142]'s codes;
# any other courier: 6–20 letters and digits. Hyphens and spaces are refused (the adapter sends digits only).
INVOICE_RULES: dict[int, Callable[[str], bool]] = {
    10013: lambda n: re.fullmatch(r"\d{10}(\d{2})?", n) is not None,
    10007: lambda n: re.fullmatch(r"\d{12}|\d{14}", n) is not None,
    10008: _lotte,
    10005: lambda n: re.fullmatch(r"\d{13}", n) is not None,
    10003: lambda n: re.fullmatch(r"\d{11}", n) is not None,
}


def invoice_ok(courier: int, number: str) -> bool:
    rule = INVOICE_RULES.get(courier)
    return rule(number) if rule else re.fullmatch(r"[0-9A-Za-z]{6,20}", number) is not None


SYNTHETIC = {  # (SiteGoodsNo, name, managed code, price, options) when the account sells nothing on the site
    GMARKET: (
        ("1400000001", "샌드박스 면 티셔츠", "SBX-TEE", 19000, ("화이트/M", "블랙/L")),
        ("1400000002", "샌드박스 머그컵", "SBX-MUG", 8900, ()),
    ),
    AUCTION: (
        ("B600000001", "샌드박스 면 티셔츠", "SBX-TEE", 19000, ("화이트/M", "블랙/L")),
        ("B600000002", "샌드박스 양말 5켤레", "SBX-SOCK", 12000, ()),
    ),
}
NAMES = ("김민준", "이서연", "박도윤", "최지우", "정하준", "강서윤")
ADDRESSES = (
    ("06236", "서울특별시 강남구 테헤란로 152", "12층"),
    ("48058", "부산광역시 해운대구 센텀중앙로 97", "101동 1203호"),
    ("05812", "서울특별시 송파구 충민로6길 14", "1000호"),  # [E 67] sample
)
NEW_ADDRESS = ("35295", "대전광역시 서구 도솔로322번길 3", "101호")  # [E 59] sample; where a changed address goes
QUESTIONS = {  # (contractType, title, details) — [E 47] contractType names per site
    GMARKET: (
        ("상품", "가장 최근 도정한 쌀로 보내 주세요", "가장 최근 도정한 쌀로 배송 부탁드립니다"),
        ("배송", "언제 발송되나요", "주문했는데 언제 출발하나요?"),
        ("취소", "취소 가능한가요", "아직 발송 전이면 취소하고 싶어요."),
    ),
    AUCTION: (
        ("상품(성능/사이즈)", "사이즈 문의", "평소 95 입는데 어떤 사이즈가 맞을까요?"),
        ("교환", "교환 문의", "교환 가능할지 문의드립니다"),
        ("배송", "배송 문의", "언제 받을 수 있나요?"),
    ),
}
ALERTS = {  # (ContactType, Title, Details) — [E 43] codes per site and its samples' texts
    GMARKET: (
        ("K4", "지마켓에서 보낸 긴급 메시지 입니다.", "고객이 배송 지연으로 문의했습니다. 발송 일정을 답변해 주세요."),
        ("K18", "지마켓에서 보낸 긴급 메시지 입니다.", "고객이 취소를 원합니다. 처리 계획을 답변해 주세요."),
    ),
    AUCTION: (
        ("0101", "안녕하세요. 옥션 고객센터입니다.", "요청내용 : 발송 전 배송 문의입니다. 발송 일정을 답변해 주세요."),
        ("0112", "안녕하세요. 옥션 고객센터입니다.", "요청내용 : 취소접수하였으니 승인처리 부탁드립니다."),
    ),
}
CLAIM_TYPES = ("cancel", "return", "exchange")
WITHDRAW = "withdraw"  # the control hook: the buyer withdraws the open claim of an order
# "state" a seeded return / exchange starts in: [E 53] ReturnStatus / [E 59] ExchangeStatus 2 수거완료, 3 보류
CLAIM_START_STATES = {"picked_up": 2, "held": 3}
# [E 53] HoldInfo.Reason 4 반품상품 미도착; [E 59] HoldInfo.Reason 0 기타유보사유 (the sandbox's choice of reason ❓)
HOLD_REASON = {"return": 4, "exchange": 0}
PICKUP_COURIER = 10013  # ❓ the courier of a seeded pickup: [E 142]'s CJ 대한통운 택배
SEED_KEYS = frozenset(
    {"market", "orders", "inquiries", "alimi", "seed", "account", "site", "address_changed", "qty", "product"}
)
MAX_SEED = 500
MAX_SEED_QTY = 99_999  # ❓ a seeded line's quantity: at most what a listing may hold ([E 20] stock 1 ~ 99999)
FIRST_ORDER_NO = {GMARKET: 3_000_000_001, AUCTION: 1_600_000_001}
FIRST_PAY_NO = {GMARKET: 4_450_000_001, AUCTION: 1_190_000_001}
FIRST_GROUP_NO = 731_000_001
FIRST_MESSAGE_NO = 375_000_001
FIRST_EMER_NO = 55_350_001


def _int(data: Mapping[str, Any], key: str, low: int, high: int, default: int) -> int:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"{key} must be an integer in [{low}, {high}], got {value!r}")
    return value


class EsmOrders:
    """Orders (keyed by ``OrderNo``), invoices, claims, 판매자문의 and 긴급알리미 of every account."""

    def __init__(self, *, clock: Clock, market: EsmMarket) -> None:
        self.clock = clock
        self.market = market
        s, c, q, a = "/shipping/v1", "/claim/v1/sa", "/item/v1/communications/customer", "/assist/v1/Selling"
        self.routes = [
            Route(f"{s}/Order/RequestOrders", endpoint(self.request_orders), methods=["POST"]),
            Route(f"{s}/Order/OrderCheck/{{OrderNo}}", endpoint(self.order_check), methods=["POST"]),
            Route(f"{s}/Order/ShippingExpectedDate", endpoint(self.expected_date), methods=["POST"]),
            Route(f"{s}/Delivery/ShippingInfo", endpoint(self.shipping_info), methods=["POST"]),
            Route(f"{s}/Delivery/AddShippingCompleteInfo/{{OrderNo}}", endpoint(self.delivered), methods=["POST"]),
            Route(f"{c}/Cancels", endpoint(self.list_cancels), methods=["POST"]),
            Route(f"{c}/Cancel/{{OrderNo}}/SoldOut", endpoint(self.sold_out), methods=["POST"]),
            Route(f"{c}/Cancel/{{OrderNo}}", endpoint(self.approve_cancel), methods=["PUT"]),
            Route(f"{c}/Cancel/{{OrderNo}}", endpoint(self.restricted_cancel), methods=["POST"]),
            Route(f"{c}/Returns", endpoint(self.list_returns), methods=["POST"]),
            Route(f"{c}/return/{{OrderNo}}", endpoint(self.approve_return), methods=["PUT"]),
            Route(f"{c}/Exchanges", endpoint(self.list_exchanges), methods=["POST"]),
            Route(f"{c}/exchange/{{OrderNo}}/resend", endpoint(self.resend_exchange), methods=["POST"]),
            Route(f"{c}/exchange/{{OrderNo}}/hold", endpoint(self.release_exchange_hold), methods=["DELETE"]),
            Route(f"{q}/bulletin-board", endpoint(self.list_inquiries), methods=["POST"]),
            Route(f"{q}/bulletin-board/qna", endpoint(self.answer_inquiry), methods=["POST"]),
            Route(f"{a}/GetEmergencyInformList", endpoint(self.list_alerts), methods=["POST"]),
            Route(f"{a}/AddEmergencyInformReply", endpoint(self.answer_alert), methods=["POST"]),
        ]
        self.reset()

    def reset(self) -> None:
        self.orders: dict[int, dict[str, Any]] = {}
        self.invoices: list[dict[str, Any]] = []  # [E 70] calls that succeeded (first and updates)
        self.claims: list[dict[str, Any]] = []
        self.inquiries: dict[str, dict[str, Any]] = {}  # MessageNo -> 판매자문의
        self.answers: list[dict[str, Any]] = []  # [E 48] calls that succeeded
        self.alerts: dict[int, dict[str, Any]] = {}  # EmerMessageNo -> 긴급알리미
        self.alert_answers: list[dict[str, Any]] = []  # [E 46] calls that succeeded
        self.order_lists: dict[str, float] = {}  # master id (kid) -> when its last order list call was admitted
        self.next_order_no = dict(FIRST_ORDER_NO)
        self.next_pay_no = dict(FIRST_PAY_NO)
        self.next_group_no = FIRST_GROUP_NO
        self.next_message_no = FIRST_MESSAGE_NO
        self.next_emer_no = FIRST_EMER_NO

    def snapshot(self) -> dict[str, Any]:
        self.settle()
        keys = ("account", "site", "OrderNo", "PayNo", "SiteGoodsNo", "ContrAmount", "status", "cancelled")
        orders = [{k: o[k] for k in keys} | {"addressChanged": o["addressChanged"]} for o in self.orders.values()]
        return {
            "orders": orders,
            "invoices": self.invoices,
            "claims": self.claims,
            "inquiries": list(self.inquiries.values()),
            "answers": self.answers,
            "alimi": list(self.alerts.values()),
            "alimi_answers": self.alert_answers,
        }

    # -- the control API ----------------------------------------------------------------------------------

    def seed(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """``{"orders": n, "inquiries": m, "alimi": k, "seed": s, "account": "main", "site": "gmarket"|"auction"|
        "both", "address_changed": percent, "qty": n, "product": goods number}``: ``{"orders": [OrderNo], "sites":
        {OrderNo: site}, "changed": [OrderNo], "inquiries": [MessageNo], "alimi": [EmerMessageNo], "account": {…the
        account's set-up numbers}}``. About a third of the orders join the previous order's cart (same PayNo,
        GroupNo, buyer); ``address_changed`` percent of them (25 by default) had their address changed by the buyer
        before the order check ([E 68] IsChanged). ``qty`` (1–99,999) is every seeded line's ContrAmount (else 1–3);
        ``product`` (the master goodsNo or a site goods number of the account's goods) draws every order from that
        goods, on the sites (of ``site``) where it is on sale. Inquiries and 긴급알리미 are about the account's goods
        and orders on the sites it has."""
        unknown = sorted(set(data) - SEED_KEYS)
        if unknown:
            raise ValueError(f"unknown keys {unknown}; known: {sorted(SEED_KEYS)}")
        if not {"orders", "inquiries", "alimi"} & set(data):
            raise ValueError("orders, inquiries or alimi is required")
        count = _int(data, "orders", 0, MAX_SEED, 0)
        asked = _int(data, "inquiries", 0, MAX_SEED, 0)
        alerts = _int(data, "alimi", 0, MAX_SEED, 0)
        changed_share = _int(data, "address_changed", 0, 100, 25) / 100
        seed = data.get("seed", 0)
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise ValueError(f"seed must be an integer, got {seed!r}")
        account = self.market.account_named(data.get("account", "main"))
        site_choice = data.get("site", "both")
        if site_choice not in (GMARKET, AUCTION, "both"):
            raise ValueError(f"site must be 'gmarket', 'auction' or 'both', got {site_choice!r}")
        sites = [s for s in SITES if account.seller_id(s) and site_choice in (s, "both")]
        if not sites:
            raise ValueError(f"account {account.name!r} has no seller id on {site_choice!r}")
        qty = None if data.get("qty") is None else _int(data, "qty", 1, MAX_SEED_QTY, 1)
        only = None
        if data.get("product") is not None:
            only = self.seeded_goods(account.name, data["product"])
            sites = [s for s in sites if self.catalogue(account.name, s, only)]
            if not sites:
                raise ValueError(f"product {data['product']!r} is not on sale on {site_choice!r}: resume it first")
        rng = random.Random(seed)
        changes = random.Random(f"esm-changed-{seed}")  # its own stream: the orders stay as they were
        made: list[int] = []
        changed: list[int] = []
        for _ in range(count):
            site = rng.choice(sites)
            previous = self.orders[made[-1]] if made and self.orders[made[-1]]["site"] == site else None
            host = previous if previous is not None and rng.random() < 0.33 else None
            order = self.make_order(rng, account.name, site, host=host, qty=qty, only=only)
            if changes.random() < changed_share:
                order["addressChanged"] = True
                order["ZipCode"], order["DelFrontAddress"], order["DelBackAddress"] = NEW_ADDRESS
                changed.append(order["OrderNo"])
            made.append(order["OrderNo"])
        inquiries = [self.make_inquiry(rng, account.name, rng.choice(sites)) for _ in range(asked)]
        if alerts and not any(o["account"] == account.name for o in self.orders.values()):
            raise ValueError("alimi needs an order of the account: seed orders first")
        alimi = [self.make_alert(rng, account.name) for _ in range(alerts)]
        return {
            "orders": made,
            "sites": {str(no): self.orders[no]["site"] for no in made},
            "changed": changed,
            "inquiries": inquiries,
            "alimi": alimi,
            "account": account.setup(),
        }

    def seeded_goods(self, account: str, product: object) -> int:
        """The goodsNo of the account's goods ``product`` names (its master goodsNo or a site goods number)."""
        wanted = str(product).strip() if isinstance(product, str | int) and not isinstance(product, bool) else ""
        for number, goods in self.market.goods.items():
            numbers = {str(number), *(e["siteGoodsNo"] for e in goods["sites"].values())}
            if goods["account"] == account and wanted in numbers:
                return number
        raise ValueError(f"product must be a goods number of account {account!r}, got {product!r}")

    def catalogue(
        self, account: str, site: str, only: int | None = None
    ) -> list[tuple[str, str, str, int, tuple[str, ...], int | None]]:
        """(SiteGoodsNo, name, managed code, price, options, goodsNo) of the account's goods on sale on ``site``
        (``only``: that goods alone, and nothing else when it is not on sale there)."""
        Row = tuple[str, str, str, int, tuple[str, ...], int | None]
        found: list[Row] = []
        for goods in self.market.goods.values():
            entry = goods["sites"].get(site)
            if only is not None and goods["goodsNo"] != only:
                continue
            if goods["account"] == account and entry is not None and entry["isSell"]:
                found.append(
                    (entry["siteGoodsNo"], goods["name"], goods["managedCode"], entry["price"], (), goods["goodsNo"])
                )
        synthetic: list[Row] = [(*row, None) for row in SYNTHETIC[site]]
        return found if found or only is not None else synthetic

    def make_order(
        self,
        rng: random.Random,
        account: str,
        site: str,
        *,
        host: dict[str, Any] | None = None,
        qty: int | None = None,
        only: int | None = None,
    ) -> dict[str, Any]:
        """One paid order ([E 67] 결제완료). With ``host`` the order joins that order's cart and 묶음배송 group;
        ``qty`` its quantity, ``only`` the goods it is drawn from (the same random draws either way)."""
        now = self.clock()
        ordered = host["orderedAt"] if host else now - rng.randint(5, 180) * 60
        number = self.next_order_no[site]
        self.next_order_no[site] += 1
        if host is None:
            pay_no, group_no = self.next_pay_no[site], self.next_group_no
            self.next_pay_no[site] += 1
            self.next_group_no += 1
            name = rng.choice(NAMES)
            zip_code, front, back = rng.choice(ADDRESSES)
        else:
            pay_no, group_no, name = host["PayNo"], host["GroupNo"], host["BuyerName"]
            zip_code, front, back = host["ZipCode"], host["DelFrontAddress"], host["DelBackAddress"]
        goods_no_site, goods_name, managed, price, options, master = rng.choice(self.catalogue(account, site, only))
        drawn = rng.randint(1, 3)
        qty = drawn if qty is None else qty
        option = rng.choice(options) if options else ""
        due = kst(ordered + 10 + 3 * DAY).replace(hour=23, minute=59, second=59).timestamp()
        order = {
            "account": account,
            "site": site,
            "sellerId": self.market.account_named(account).seller_id(site),
            "OrderNo": number,
            "PayNo": pay_no,
            "GroupNo": group_no,
            "status": 1,
            "cancelled": False,
            "addressChanged": False,
            "orderedAt": ordered,
            "paidAt": ordered + 10,
            "dueAt": due,  # [E 67] TransDueDate "상품 발송정책 따라 자동 계산" (❓ 3 days on, 23:59:59)
            "confirmedAt": None,
            "shippedAt": None,
            "deliveredAt": None,
            "goodsNo": master,
            "SiteGoodsNo": goods_no_site,
            "OutGoodsNo": managed,
            "GoodsName": goods_name,
            "SalePrice": price,
            "ContrAmount": qty,
            "option": option,
            "BuyerName": name,
            "BuyerId": f"{rng.choice(('abc', 'sbx', 'kim'))}*******",  # [E 67] "앞 3자리외 마스킹 처리"
            "ZipCode": zip_code,
            "DelFrontAddress": front,
            "DelBackAddress": back,
            "DelMemo": rng.choice(("", "부재 시 문 앞에 놓아 주세요")),
            "invoice": None,
            "expected": None,
            "sellerOrderNo": "",
        }
        self.orders[number] = order
        return order

    def make_inquiry(self, rng: random.Random, account: str, site: str) -> str:
        """One 판매자문의 ([E 47]) with its own ``token``; about half ask about an order of the account on the site."""
        now = self.clock()
        goods_no_site, _name, _code, _price, _options, master = rng.choice(self.catalogue(account, site))
        orders = [o for o in self.orders.values() if o["account"] == account and o["site"] == site]
        order = rng.choice(orders) if orders and rng.random() < 0.5 else None
        kind, title, details = rng.choice(QUESTIONS[site])
        number = str(self.next_message_no)
        self.next_message_no += 1
        token = "!" + base64.b64encode(rng.randbytes(48)).decode()  # [E 47] sample: "!CB+jUis…8A=="
        self.inquiries[number] = {
            "account": account,
            "site": site,
            "createdAt": now - rng.randint(1, 600) * 60,
            "secret": site == AUCTION and rng.random() < 0.3,  # [E 47] qnaType 2 옥션(비밀글)
            "sellerId": self.market.account_named(account).seller_id(site),
            "messageNo": number,
            "token": token,
            "goodsNo": "" if master is None else str(master),
            "siteGoodsNo": order["SiteGoodsNo"] if order else goods_no_site,
            "orderNo": str(order["OrderNo"]) if order else ("0" if site == AUCTION else "-"),  # [E 47] OrderNo
            "payNo": str(order["PayNo"]) if order else "-",
            "orderType": "일반주문" if order else None,  # [E 47] orderType: 상품문의는 null
            "contractType": kind,
            "title": title,
            "details": details,
            "inquirerName": rng.choice(NAMES),
            "inquirerPhone": "010-1234-5678",
            "informStatus": "미처리",
            "answer": "",
            "answeredAt": None,
        }
        return number

    def make_alert(self, rng: random.Random, account: str) -> int:
        """One 긴급알리미 ([E 43]) about an order of the account, 미처리."""
        now = self.clock()
        order = rng.choice([o for o in self.orders.values() if o["account"] == account])
        contact, title, details = rng.choice(ALERTS[order["site"]])
        number = self.next_emer_no
        self.next_emer_no += 1
        self.alerts[number] = {
            "account": account,
            "site": order["site"],
            "createdAt": now - rng.randint(1, 600) * 60,
            "SellerId": order["sellerId"],
            "ContactType": contact,
            "InformStatus": "미처리",
            "EmerMessageNo": number,
            "GoodsNo": "" if order["goodsNo"] is None else str(order["goodsNo"]),
            "SiteGoodsNo": order["SiteGoodsNo"],
            "PackNo": order["PayNo"] if order["site"] == GMARKET else 0,  # [E 43] PackNo "G마켓만 제공"
            "PayNo": order["PayNo"],
            "OrderNo": order["OrderNo"],
            "OrderType": "NL",
            "SellStatus": "",
            "Title": title,
            "Details": details,
            "answers": [],
            "answeredAt": None,
        }
        return number

    def raise_claim(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """``{"order": OrderNo, "type": "cancel"|"return"|"exchange", "reason_code": n, "detail": text, "state":
        "picked_up"|"held"}``: the buyer's claim. A cancel before the order check completes at once, after it waits for
        the seller ([E 50]: "주문확인 이전 고객이 취소 했을 경우 판매자의 승인없이 즉시취소 … 주문확인 이후 … 판매자 승인
        후"); returns and exchanges need a shipped order, and ``state`` starts them 수거완료 (2, with a pickup invoice)
        or 보류 (3) ([E 53] [E 59]). ``{"order", "type": "withdraw"}``: the buyer withdraws the order's open claim
        (cancel 1 → 4 취소철회, return / exchange 1–3 → 5 철회). Answers ``{"claimNo": OrderNo, "type", "status"}``."""
        self.settle()
        kind = data.get("type")
        if kind not in (*CLAIM_TYPES, WITHDRAW):
            raise ValueError(f"type must be one of {[*CLAIM_TYPES, WITHDRAW]}, got {kind!r}")
        number = as_int(data.get("order"))
        order = self.orders.get(number) if number is not None else None
        if order is None:
            raise ValueError(f"unknown order {data.get('order')!r}")
        if kind == WITHDRAW:
            return self.withdraw(order)
        if self.blocking(order) is not None:
            raise ValueError(f"order {number} already has an open or finished claim")
        reason = data.get("reason_code", 1)
        if isinstance(reason, bool) or not isinstance(reason, int):
            raise ValueError(f"reason_code must be an integer, got {reason!r}")
        start = data.get("state")
        if start is not None and (kind == "cancel" or start not in CLAIM_START_STATES):
            raise ValueError(
                f"state is one of {sorted(CLAIM_START_STATES)}, for a return or an exchange; got {start!r}"
            )
        now = self.clock()
        claim: dict[str, Any] = {
            "kind": kind,
            "account": order["account"],
            "site": order["site"],
            "OrderNo": order["OrderNo"],
            "status": 1,
            "RequestUser": 1,
            "ApproveUser": 0,
            "Reason": 1 if reason in (1, 2) else 0,  # [E 53] ReasonCode 1–2 구매자귀책, 3–6 판매자귀책
            "ReasonCode": reason,
            "ReasonDetail": str(data.get("detail", "")),
            "requestedAt": now,
            "approvedAt": None,
            "withdrawnAt": None,
            "completedAt": None,
        }
        if kind == "cancel":
            if order["status"] >= 3:
                raise ValueError(f"order {number} is shipped: a buyer asks for a return instead")
            if order["status"] == 1:  # [E 50] 주문확인 이전 → 즉시취소
                claim.update(status=3, approvedAt=now, completedAt=now)
                order["cancelled"] = True
        else:
            if order["status"] < 3:
                raise ValueError(f"order {number} is not shipped yet: a buyer cancels it instead")
            claim.update(pickup=None, resend=None, hold=None)
            if start == "picked_up":
                # a pickup by the site's courier ([E 53] PickupInfo.Status 1 사이트 수거지시), delivered back
                claim.update(status=2, pickedAt=now, pickup={"code": PICKUP_COURIER, "number": f"6{number:011d}"[-12:]})
            elif start == "held":
                claim.update(status=3, hold={"at": now, "Reason": HOLD_REASON[kind]})
        self.claims.append(claim)
        return {"claimNo": str(order["OrderNo"]), "type": kind, "status": claim["status"]}

    def withdraw(self, order: Mapping[str, Any]) -> dict[str, Any]:
        """The buyer withdraws the open claim of ``order``: a cancel request (1) → 4 취소철회 ([E 50]), a return or an
        exchange not yet finished (1–3) → 5 철회 ([E 53] [E 59]); the order is listed again ([E 67])."""
        claim = self.blocking(order)
        open_states = {"cancel": (1,), "return": (1, 2, 3), "exchange": (1, 2, 3)}
        if claim is None or claim["status"] not in open_states[claim["kind"]]:
            raise ValueError(f"order {order['OrderNo']} has no open claim to withdraw")
        claim.update(status=4 if claim["kind"] == "cancel" else 5, withdrawnAt=self.clock())
        if claim["kind"] != "cancel":
            claim["hold"] = None
        return {"claimNo": str(order["OrderNo"]), "type": claim["kind"], "status": claim["status"]}

    # -- shared checks -------------------------------------------------------------------------------------

    def settle(self) -> None:
        """[E 50]: a cancel request the seller leaves for 24 hours is cancelled by the site (❓ ApproveUser 4 기타)."""
        now = self.clock()
        for claim in self.claims:
            if claim["kind"] == "cancel" and claim["status"] == 1 and now >= claim["requestedAt"] + CANCEL_AUTO_SECONDS:
                at = claim["requestedAt"] + CANCEL_AUTO_SECONDS
                claim.update(status=3, ApproveUser=4, approvedAt=at, completedAt=at)
                self.orders[claim["OrderNo"]]["cancelled"] = True

    def claim_of(self, order: Mapping[str, Any], kind: str) -> dict[str, Any] | None:
        found = [c for c in self.claims if c["OrderNo"] == order["OrderNo"] and c["kind"] == kind]
        return found[-1] if found else None

    def blocking(self, order: Mapping[str, Any]) -> dict[str, Any] | None:
        """The claim that keeps the order out of [E 67]'s lists ("클레임(취소, 반품, 교환, 미수령신고) 주문은 조회되지
        않습니다"): any claim but a withdrawn one (cancel 4, return / exchange 5)."""
        live = [
            c
            for c in self.claims
            if c["OrderNo"] == order["OrderNo"] and c["status"] != (4 if c["kind"] == "cancel" else 5)
        ]
        return live[-1] if live else None

    def owned(self, caller: Caller, number: int | None, site: str | None = None) -> dict[str, Any] | None:
        """The order ``number`` when it is the caller's (its account, a site the token names, ``site`` if given)."""
        order = self.orders.get(number) if number is not None else None
        if order is None or order["account"] != caller.account.name or order["site"] not in caller.sites:
            return None
        return order if site in (None, order["site"]) else None

    # -- orders and shipping -------------------------------------------------------------------------------

    def admit_order_list(self, caller: Caller) -> bool:
        """[E 67] "주문조회는 5초당 1회 호출 가능합니다." ❓ The guide does not say per whom: the sandbox counts per
        master id (the token's ``kid``), across every seller the selling tool calls for ([N] §2.3; [S] keeps one
        global 5.2 s lock: "4계정×5상태=20회 폭주 시 3000 응답"). A refused call does not restart the wait."""
        now = self.clock()
        last = self.order_lists.get(caller.kid)
        if last is not None and now - last < ORDER_LIST_SPACING:
            return False
        self.order_lists[caller.kid] = now
        return True

    def order_row(self, order: Mapping[str, Any]) -> dict[str, Any]:
        """[E 67]'s fields the sandbox knows, in its sample's order."""
        amount = order["SalePrice"] * order["ContrAmount"]
        invoice = order["invoice"] or {}
        money = f"{amount:.4f}"
        return {
            "OrderStatus": order["status"],
            "BranchCode": None,
            "PayNo": order["PayNo"],
            "GroupNo": order["GroupNo"],
            "OrderNo": order["OrderNo"],
            "OrderDate": iso(order["orderedAt"]),
            "PayDate": iso(order["paidAt"]),
            "OrderConfirmDate": iso(order["confirmedAt"]),
            "TransDate": iso(order["shippedAt"]),
            "TransDueDate": iso(order["dueAt"]),
            "TransCompleteDate": iso(order["deliveredAt"]),
            "BuyDecisionDate": None,
            "TransType": "B",
            "DistrType": "NL",
            "GoodsNo": None,  # [E 67] GoodsNo "null로만 내려감"
            "SiteGoodsNo": order["SiteGoodsNo"],
            "OutGoodsNo": order["OutGoodsNo"],
            "GoodsName": order["GoodsName"],
            "SalePrice": f"{order['SalePrice']:.4f}",
            "ContrAmount": order["ContrAmount"],
            "OrderAmount": money,
            "AcntMoney": money,
            "SellerDiscountPrice": "0.0000",
            "ShippingFee": "0.0000",
            "DeliveryFeeCondition": "X",
            "SettlementPrice": f"{amount * 0.88:.4f}",
            "ServiceFee": f"{amount * 0.12:.4f}",
            "OptSelPrice": "0.0000",
            "OptAddPrice": "0.0000",
            "BuyerName": order["BuyerName"],
            "BuyerId": order["BuyerId"],
            "BuyerMobileTel": "010-1234-5678",
            "BuyerTel": None,
            "ReceiverName": order["BuyerName"],
            "HpNo": "010-1234-5678",
            "TelNo": None,
            "ZipCode": order["ZipCode"],
            "DelFrontAddress": order["DelFrontAddress"],
            "DelBackAddress": order["DelBackAddress"],
            "DelFullAddress": f"{order['DelFrontAddress']} {order['DelBackAddress']}",
            "DelMemo": order["DelMemo"],
            "TakbaeName": COURIERS.get(invoice.get("DeliveryCompanyCode", 0)),
            "NoSongjang": invoice.get("InvoiceNo"),
            "OverseaTransYn": "N",
            "GlobalSellerYn": "N",
            "OutOrderNo": "101" if order["site"] == GMARKET else None,
            "ItemOptionSelectList": (
                [
                    {
                        "ItemOptionValue": f"옵션:{order['option']}",
                        "ItemOptionOrderCnt": order["ContrAmount"],
                        "ItemOptionCode": "",
                    }
                ]
                if order["option"]
                else []
            ),
            "ItemOptionAdditionList": [],
            "IsGiftOrder": "N",
            "GiftOrderStatus": 0,
        }

    async def request_orders(self, request: Request) -> Response:
        """``POST /shipping/v1/Order/RequestOrders`` ([E 67]). ``orderStatus`` 0 looks one order up by ``orderNo``
        (no 5-second rule); 1–5 list by state over ``requestDateFrom``–``requestDateTo`` (≤ 31 days, the end
        excluded: "오늘 날짜 조회시 조회 기간 오늘 ~ 내일로 조회"), once per 5 s per master id: 3000 "주문 조회는 5초당
        1회 호출 가능합니다"; 6 a G마켓 cart (``payNo``). Orders with a claim are never listed ([E 67])."""
        caller = self.market.caller(request)
        self.settle()
        body = await json_object(request, result(3000, "요청 형식이 올바르지 않습니다."))  # ❓ wording
        status, site_type = as_int(ci(body, "orderStatus")), as_int(ci(body, "siteType"))
        if status != 0 and not self.admit_order_list(caller):
            return result(3000, ORDER_LIST_REFUSAL)
        unsupported = result(3000, "메서드 또는 연산이 구현되지 않았습니다.")  # [E 67] 조회조건 오류(SiteType오류 등)
        if site_type not in SITE_OF_TYPE or status is None or not 0 <= status <= 6:
            return unsupported
        site = SITE_OF_TYPE[site_type]
        mine = [o for o in self.orders.values() if self.owned(caller, o["OrderNo"], site) and not self.blocking(o)]
        if status == 0:
            number = as_int(ci(body, "orderNo"))
            if number is None:
                return result(3000, "매개변수 값을 Int64에서 Int32로 변환하지 못했습니다.")  # [E 67] OrderNo 오류
            rows = [o for o in mine if o["OrderNo"] == number]
        elif status == 6:
            pay_no = as_int(ci(body, "payNo"))
            if site != GMARKET or pay_no is None:  # [E 67] 6 "G마켓만 가능"
                return unsupported
            rows = [o for o in mine if o["PayNo"] == pay_no]
        else:
            rows_or_refusal = self.by_dates(body, mine, status, site)
            if isinstance(rows_or_refusal, Response):
                return rows_or_refusal
            rows = rows_or_refusal
        if as_int(ci(body, "orderType")) in (2, 3):  # [E 67] 2/3 스타배송 주문: the sandbox has none
            rows = []
        index = max(1, as_int(ci(body, "pageIndex")) or 1)
        size = max(1, as_int(ci(body, "pageSize")) or 100)  # ❓ the guide names no default page size
        rows.sort(key=lambda o: o["OrderNo"])
        page = rows[(index - 1) * size : index * size]
        data = {
            "SiteType": site_type,  # ❓ [E 67]'s G마켓 sample says 3; its field table says 1 옥션 / 2 G마켓
            "PageIndex": index,
            "PageSize": size,
            "TotalCount": len(rows),
            "SellerId": caller.sites.get(site, ""),
            "RequestOrders": [self.order_row(o) for o in page],
        }
        return result(0, "", data)

    def by_dates(
        self, body: Mapping[str, Any], mine: list[dict[str, Any]], status: int, site: str
    ) -> list[dict[str, Any]] | Response:
        """The caller's orders in ``status`` whose ``requestDateType`` date lies in [from, to) ([E 67])."""
        kind = as_int(ci(body, "requestDateType"))
        # [E 67] requestDateType: 1 주문일, 2 결제완료일, 3 발송마감일 (orderStatus 2 only), 4 선물수락일 / 5 결제완료일
        # 또는 선물수락일 (G마켓만 가능)
        fields = {1: "orderedAt", 2: "paidAt", 3: "dueAt", 4: "giftConfirmedAt", 5: "paidAt"}
        if kind not in fields or (kind == 3 and status != 2) or (kind in (4, 5) and site != GMARKET):
            return result(3000, "메서드 또는 연산이 구현되지 않았습니다.")
        start, end = parse_when(ci(body, "requestDateFrom")), parse_when(ci(body, "requestDateTo"))
        if start is None or end is None:  # ❓ wording, after [E 53]'s 99999 DateTime text
            return result(3000, "문자열이 유효한 DateTime으로 인식되지 않습니다.")
        if start >= end:
            return result(3000, "조회 시작일이 종료일보다 과거여야 합니다.")  # [E 67]
        if end - start > ORDER_WINDOW_DAYS * DAY:
            return result(3000, "31일 이하의 범위만 조회 할 수 있습니다.")  # [E 67] Sample Code_Fail, verbatim
        field = fields[kind]
        return [o for o in mine if o["status"] == status and o.get(field) is not None and start <= o[field] < end]

    def order_number(self, request: Request) -> int | None:
        value = request.path_params["OrderNo"]
        return int(value) if value.isdigit() else None

    async def order_check(self, request: Request) -> Response:
        """``POST /shipping/v1/Order/OrderCheck/{OrderNo}`` ([E 68]): 1 신규주문 → 2 발송대기중; ``Data.IsChanged`` 1
        when the buyer changed the address before the check. Refusals (3000): 해당 주문 내역이 없습니다 / 취소된
        주문번호입니다 / 이미 주문확인 처리된 건입니다 / 주문확인 할 수 없는 상태입니다; 2141 seller numbers > 30 bytes."""
        caller = self.market.caller(request)
        self.settle()
        number = self.order_number(request)
        if number is None:
            return result(3000, "매개 변수 값을 Int64에서 Int32(으)로 변환하지 못했습니다.")
        body = await json_object(request, result(3000, "요청 형식이 올바르지 않습니다."))  # ❓ wording
        order = self.owned(caller, number)
        if order is None:
            return result(3000, "해당 주문 내역이 없습니다.")
        refused = self.seller_numbers(body)
        if refused is not None:
            return refused
        if order["cancelled"]:
            return result(3000, "취소된 주문번호입니다.")
        if order["status"] == 2:
            return result(3000, "이미 주문확인 처리된 건입니다.")
        if order["status"] != 1 or self.blocking(order) is not None:
            return result(3000, "주문확인 할 수 없는 상태입니다.")
        order.update(status=2, confirmedAt=self.clock(), sellerOrderNo=str(ci(body, "SellerOrderNo") or ""))
        return result(0, "Success", {"IsChanged": 1 if order["addressChanged"] else 0})

    @staticmethod
    def seller_numbers(body: Mapping[str, Any]) -> Response | None:
        """[E 68] [E 70] 2141 "제휴사 주문번호/상품번호의 최대길이는 30byte입니다.\\n" (❓ the guide's ``\\n`` read as a
        line break)."""
        for key, label in (("SellerOrderNo", "주문번호"), ("SellerItemNo", "상품번호")):
            value = ci(body, key)
            if isinstance(value, str) and nbytes(value) > SELLER_NO_BYTES:
                return result(2141, f"제휴사 {label}의 최대길이는 30byte입니다.\n")
        return None

    async def expected_date(self, request: Request) -> Response:
        """``POST /shipping/v1/Order/ShippingExpectedDate`` ([E 69]): ReasonType 1–3, a date from tomorrow (KST) up to
        90 days on, on an order not yet shipped."""
        caller = self.market.caller(request)
        self.settle()
        body = await json_object(request, result(3000, "요청 형식이 올바르지 않습니다."))  # ❓ wording
        order = self.owned(caller, as_int(ci(body, "OrderNo")))
        if order is None:
            return result(3000, "해당 주문 내역이 없습니다.")
        if as_int(ci(body, "ReasonType")) not in (1, 2, 3):
            return result(3000, "정의되지 않은 지연 사유입니다.")
        raw = ci(body, "ShippingExpectedDate")
        when = parse_when(raw) if isinstance(raw, str) and len(raw.strip()) == 10 else None
        if when is None:
            return result(3000, "문자열이 유효한 DateTime으로 인식되지 않습니다.")  # ❓ wording
        today = kst(self.clock()).replace(hour=0, minute=0, second=0, microsecond=0).timestamp()
        if when < today + DAY:  # [E 69] "예정일은 호출일 기준 +1일 부터 등록 가능" (❓ wording)
            return result(3000, "발송예정일은 호출일 기준 +1일부터 등록 가능합니다.")
        if when > today + 90 * DAY:
            return result(3000, "예상 배송일은 90일을 초과할 수 없습니다.")
        if order["status"] not in (1, 2) or order["cancelled"] or self.blocking(order) is not None:
            return result(3000, "해당 물품을 발송 지연할 수 없습니다")
        order["expected"] = {"date": raw.strip(), "reason": as_int(ci(body, "ReasonType"))}
        return result(0, "Success", {"OrderNo": order["OrderNo"]})

    async def shipping_info(self, request: Request) -> Response:
        """``POST /shipping/v1/Delivery/ShippingInfo`` ([E 70]) ``{OrderNo, ShippingDate, DeliveryCompanyCode,
        InvoiceNo}``: 2 발송대기중 → 3 배송중; on 배송중 it replaces the invoice ("최종 입력한 정보로 업데이트"); on an open
        cancel request it ships and withdraws the request ("취소불가 처리 기능도 수행 … 별도 취소거부API 없음").
        Refusals (3000): 해당 주문 내역이 없습니다 / 지원하지 않는 택배사입니다 / "{code} 는 {name}의 운송장번호 규칙에
        어긋납니다." / a ShippingDate more than 2 days back (❓ wording) / 통합 API 취소요청건 … 취소철회가 실패 (a
        cancelled order) / "주문번호:{OrderNo}의 경매상태가 발송가능한 상태가 아닙니다." (❓ also before the order check:
        "주문 확인 후 주문에 대해 발송처리")."""
        caller = self.market.caller(request)
        self.settle()
        body = await json_object(request, result(3000, "요청 형식이 올바르지 않습니다."))  # ❓ wording
        number = as_int(ci(body, "OrderNo"))
        if number is None:
            return result(3000, "매개 변수 값을 Int64에서 Int32(으)로 변환하지 못했습니다.")
        order = self.owned(caller, number)
        if order is None:
            return result(3000, "해당 주문 내역이 없습니다.")
        courier = as_int(ci(body, "DeliveryCompanyCode"))
        if courier not in COURIERS:
            return result(3000, "지원하지 않는 택배사입니다.")
        invoice = ci(body, "InvoiceNo")
        if not isinstance(invoice, str) or not invoice_ok(courier, invoice):
            return result(3000, f"{courier} 는 {COURIERS[courier]}의 운송장번호 규칙에 어긋납니다.")
        sent = ci(body, "ShippingDate")
        when = parse_when(sent) if isinstance(sent, str) and "T" in sent else None
        now = self.clock()
        # ❓ a ShippingDate up to SKEW ahead of the sandbox's clock is taken: [E 70] bounds it by the call ("호출시점 2일
        # 이내") and a client's clock may run ahead of ESM's
        if when is None or not now - SHIPPING_DATE_DAYS * DAY <= when <= now + SHIPPING_DATE_SKEW:
            # ❓ wording; the rule: [E 70] "YYYY-MM-DDThh:mm:ss 입력 호출시점 2일 이내로 입력 필요" (a future time too)
            return result(3000, "발송일시는 호출시점 2일 이내의 YYYY-MM-DDThh:mm:ss 로 입력해 주세요.")
        refused = self.seller_numbers(body)
        if refused is not None:
            return refused
        if order["cancelled"]:
            return result(3000, "통합 API 취소요청건 발송처리를 위한 취소철회가 실패하였습니다.")
        claim = self.blocking(order)
        not_shippable = result(3000, f"주문번호:{number}의 경매상태가 발송가능한 상태가 아닙니다.")
        if claim is not None and not (claim["kind"] == "cancel" and claim["status"] == 1):
            return not_shippable
        if order["status"] not in (2, 3):
            return not_shippable
        if claim is not None:  # [E 51] "발송처리 API를 호출하면 취소거부 됩니다" → 4 취소철회
            claim.update(status=4, withdrawnAt=now)
        update = order["status"] == 3
        order.update(status=3, shippedAt=order["shippedAt"] if update else now)
        order["invoice"] = {"DeliveryCompanyCode": courier, "InvoiceNo": invoice, "ShippingDate": sent}
        self.invoices.append(
            {
                "account": order["account"],
                "site": order["site"],
                "OrderNo": number,
                **order["invoice"],
                "update": update,
            }
        )
        return result(0, "Success", {"OrderNo": number})

    async def delivered(self, request: Request) -> Response:
        """``POST /shipping/v1/Delivery/AddShippingCompleteInfo/{OrderNo}`` ([E 71]): 3 배송중 → 4 배송완료."""
        caller = self.market.caller(request)
        self.settle()
        order = self.owned(caller, self.order_number(request))
        if order is None:
            return result(3000, "판매자의 체결건이 아닙니다.")
        if order["status"] == 4:
            return result(3000, "이미 배송완료 되었습니다.")
        if order["status"] != 3 or self.blocking(order) is not None:
            return result(3000, "유효한 주문번호가 아닙니다.")
        order.update(status=4, deliveredAt=self.clock())
        return result(0, "Success", {"OrderNo": order["OrderNo"]})

    # -- claims ------------------------------------------------------------------------------------------

    def claim_rows(
        self,
        body: Mapping[str, Any],
        caller: Caller,
        kind: str,
        *,
        site_types: Mapping[int, str],
        status_key: str,
        statuses: Mapping[int, tuple[int, ...] | None],
        window_message: str,
        no_claim: str,
    ) -> list[dict[str, Any]] | Response:
        """The claims of ``kind`` a list call asks for ([E 50] [E 53] [E 59]): ``SiteType`` (2141 "사이트 타입이 올바르지
        않습니다", [E 53]'s sample), a state (None = every state), ``Type`` 0 주문번호 / 1 장바구니번호 (99999
        주문정보가 없습니다, or ``no_claim`` when the order has none of ``kind``) / 2 신청일 / 3 완료일 (철회일 for a
        withdrawn one) / 4 결제완료일 (교환: 보류일) over [StartDate, EndDate) of ≤ 7 days (8668 ``window_message``)."""
        self.settle()
        site = site_types.get(as_int(ci(body, "SiteType")) or -1)
        if site is None:
            return result(2141, "사이트 타입이 올바르지 않습니다")
        wanted_status = as_int(ci(body, status_key))
        kind_of_date = as_int(ci(body, "Type"))
        if wanted_status is None or wanted_status not in statuses or kind_of_date not in (0, 1, 2, 3, 4):
            return result(2141, "Request 형식에 문제가 있습니다.")  # ❓ after [E 46]'s 2141 text
        wanted = statuses[wanted_status]
        mine = [
            c
            for c in self.claims
            if c["kind"] == kind and c["account"] == caller.account.name and c["site"] == site and site in caller.sites
        ]
        if kind_of_date in (0, 1):
            key = "OrderNo" if kind_of_date == 0 else "PayNo"
            number = as_int(ci(body, key))
            orders = [o for o in self.orders.values() if o[key] == number and self.owned(caller, o["OrderNo"], site)]
            if not orders:
                return result(99999, "주문정보가 없습니다")
            numbers = {o["OrderNo"] for o in orders}
            rows = [c for c in mine if c["OrderNo"] in numbers]
            if not rows:
                return result(99999, no_claim)
        else:
            start, end = parse_when(ci(body, "StartDate")), parse_when(ci(body, "EndDate"))
            if start is None or end is None:
                return result(99999, "API Error - 문자열이 유효한 DateTime으로 인식되지 않습니다")  # [E 53]
            if end - start > CLAIM_WINDOW_DAYS * DAY:
                return result(8668, window_message)
            rows = [c for c in mine if (when := self.claim_date(c, kind_of_date)) is not None and start <= when < end]
        return [c for c in rows if wanted is None or c["status"] in wanted]

    def claim_date(self, claim: Mapping[str, Any], kind_of_date: int) -> float | None:
        if kind_of_date == 2:
            return float(claim["requestedAt"])
        if kind_of_date == 3:
            withdrawn = claim["status"] == (4 if claim["kind"] == "cancel" else 5)
            value = claim["withdrawnAt"] if withdrawn else claim["approvedAt"]
            return None if value is None else float(value)
        if claim["kind"] == "exchange":  # [E 59] Type 4 교환보류일: the sandbox holds nothing
            return None
        return float(self.orders[claim["OrderNo"]]["paidAt"])

    def claim_base(self, claim: Mapping[str, Any]) -> dict[str, Any]:
        """The fields every claim row shares ([E 50] [E 53] [E 59])."""
        order = self.orders[claim["OrderNo"]]
        return {
            "SiteType": CLAIM_ROW_SITE_TYPE[claim["site"]],
            "SellerId": order["sellerId"],
            "PayNo": order["PayNo"],
            "GroupNo": order["GroupNo"],
            "OrderNo": order["OrderNo"],
            "GoodsNo": 0,  # [E 50] "현재 null로만 내려감"; its samples say 0
            "SiteGoodsNo": order["SiteGoodsNo"],
            "IsGiftOrder": "N",
            "RequestUser": claim["RequestUser"],
            "ApproveUser": claim["ApproveUser"],
            "Reason": claim["Reason"],
            "ReasonCode": claim["ReasonCode"],
            "ReasonDetail": claim["ReasonDetail"],
            "OrderDate": iso(order["orderedAt"]),
            "PayDate": iso(order["paidAt"]),
            "RequestDate": iso(claim["requestedAt"]),
            "WithdrawDate": iso(claim["withdrawnAt"]),
            "ApproveDate": iso(claim["approvedAt"]),
            "CompleteDate": iso(claim["completedAt"]),
        }

    def shipped_info(self, order: Mapping[str, Any]) -> dict[str, Any]:
        """[E 53] [E 59] ``ShippingInfo``: the original delivery (택배사코드 a string for G마켓, a number for 옥션)."""
        invoice = order["invoice"] or {}
        code = invoice.get("DeliveryCompanyCode")
        return {
            "CompleteDate": iso(order["deliveredAt"]),
            "ShippingFee": 0.0,
            "WhoShippingFee": 2,
            "DeliveryCompCode": (str(code) if order["site"] == GMARKET else code) if code is not None else None,
            "InvoiceNo": invoice.get("InvoiceNo"),
        }

    def pickup_info(self, claim: Mapping[str, Any]) -> dict[str, Any]:
        order = self.orders[claim["OrderNo"]]
        sender = {
            "Name": order["BuyerName"],
            "HpNo": "010-1234-5678",
            "TelNo": "010-1234-5678",
            "ZipCode": order["ZipCode"],
            "AddressFront": order["DelFrontAddress"],
            "AddressBack": order["DelBackAddress"],
            "Address": f"{order['DelFrontAddress']} {order['DelBackAddress']}",
        }
        pickup = claim.get("pickup") or {}
        return {
            "Status": 1,
            "CompleteDate": iso(claim.get("pickedAt")),
            "DeliveryCompName": COURIERS.get(pickup.get("code", 0), ""),
            "InvoiceNo": pickup.get("number", ""),
            "SenderInfo": sender,
        }

    @staticmethod
    def hold_info(claim: Mapping[str, Any]) -> dict[str, Any]:
        """[E 53] [E 59] ``HoldInfo``: IsHold while the claim is held (``FreeDate`` once released)."""
        hold = claim.get("hold") or {}
        return {
            "HoldDate": iso(hold.get("at")),
            "IsHold": bool(hold),
            "Reason": hold.get("Reason", 0),
            "FreeDate": iso(claim.get("freedAt")),
        }

    async def list_cancels(self, request: Request) -> Response:
        """``POST /claim/v1/sa/Cancels`` ([E 50]): SiteType 1 옥션 / 3 G마켓; CancelStatus 0 전체, 1 취소요청, 2 취소중,
        3 취소완료, 4 취소철회, 5/6 (the sandbox makes none)."""
        caller = self.market.caller(request)
        body = await json_object(request, result(2141, "Request 형식에 문제가 있습니다."))
        rows = self.claim_rows(
            body,
            caller,
            "cancel",
            site_types={1: AUCTION, 3: GMARKET},
            status_key="CancelStatus",
            statuses={0: None, 1: (1,), 2: (2,), 3: (3,), 4: (4,), 5: (5,), 6: (6,)},
            window_message="ShowAlertException$조회 기간은 7일 이내로 입력 바랍니다.",
            no_claim="클레임정보가 없습니다",
        )
        if isinstance(rows, Response):
            return rows
        data = [{"CancelStatus": c["status"], "AddShippingFee": 0.0, **self.claim_base(c)} for c in rows]
        return result(0, "Success", data)

    async def list_returns(self, request: Request) -> Response:
        """``POST /claim/v1/sa/Returns`` ([E 53]): SiteType 1 옥션 / 2 G마켓; ReturnStatus 1 반품요청, 2 수거완료,
        3 환불보류, 4 환불완료, 5 철회, 6 직권환불 (no 전체)."""
        caller = self.market.caller(request)
        body = await json_object(request, result(2141, "Request 형식에 문제가 있습니다."))
        rows = self.claim_rows(
            body,
            caller,
            "return",
            site_types={1: AUCTION, 2: GMARKET},
            status_key="ReturnStatus",
            statuses={n: (n,) for n in range(1, 7)},
            window_message="ShowAlertException$조회 기간은 7일 이내로 입력 바랍니다",
            no_claim="API Error - 클레임 정보가 없습니다",  # ❓ [E 59]'s sample; [E 53] names none
        )
        if isinstance(rows, Response):
            return rows
        data = []
        for claim in rows:
            order = self.orders[claim["OrderNo"]]
            data.append(
                {
                    "ReturnStatus": claim["status"],
                    "IsFastRefund": False,
                    "FastRefundRewardStatus": 0,
                    "GoodsStatus": 0,
                    "AddReturnShippingFee": 0.0,
                    "WhoAddReturnShippingFee": 0,
                    "AddReturnShippingFeeWay": 0,
                    "ReturnShippingFee": 0.0,
                    "WhoReturnShippingFee": 3 if claim["Reason"] == 0 else 2,
                    "ReturnShippingFeeWay": 0,
                    "HoldInfo": self.hold_info(claim),
                    "ShippingInfo": self.shipped_info(order),
                    "PickupInfo": self.pickup_info(claim),
                    "SlotInfo": None,
                    **self.claim_base(claim),
                }
            )
        return result(0, "Success", data)

    async def list_exchanges(self, request: Request) -> Response:
        """``POST /claim/v1/sa/Exchanges`` ([E 59]): SiteType 1 옥션 / 2 G마켓; ExchangeStatus 1 교환요청, 2 수거완료,
        3 보류, 4 교환완료, 5 철회. A re-sent exchange shows ExchangeStatus 0 ("배송중/배송완료(재발송 처리후)") and is
        found under 4 (❓ the guide lists no 0 to ask for)."""
        caller = self.market.caller(request)
        body = await json_object(request, result(2141, "Request 형식에 문제가 있습니다."))
        rows = self.claim_rows(
            body,
            caller,
            "exchange",
            site_types={1: AUCTION, 2: GMARKET},
            status_key="ExchangeStatus",
            statuses={1: (1,), 2: (2,), 3: (3,), 4: (0, 4), 5: (5,)},
            window_message="ShowAlertException$조회 기간은 7일 이내로 입력 바랍니다",
            no_claim="API Error - 클레임 정보가 없습니다",  # [E 59] Sample Code_Fail
        )
        if isinstance(rows, Response):
            return rows
        data = []
        for claim in rows:
            order = self.orders[claim["OrderNo"]]
            resend = claim["resend"] or {}
            data.append(
                {
                    "ExchangeStatus": claim["status"],
                    "OutItemNo": order["OutGoodsNo"],
                    "ItemOptionCodes": [],
                    "ExchangeShippingFee": 0.0,
                    "WhoExchangeShippingFee": 3 if claim["Reason"] == 0 else 2,
                    "ExchangeShippingFeeWay": 0,
                    "HoldInfo": self.hold_info(claim),
                    "ShippingInfo": self.shipped_info(order),
                    "PickupInfo": self.pickup_info(claim),
                    "ResendInfo": {
                        "ResendDate": iso(resend.get("at")),
                        "CompleteDate": None,
                        "DeliveryCompName": COURIERS.get(resend.get("DeliveryCompCode", 0)),
                        "InvoiceNo": resend.get("InvoiceNo"),
                    },
                    **self.claim_base(claim),
                }
            )
        return result(0, "Success", data)

    async def claim_site(self, request: Request, caller: Caller) -> tuple[str, dict[str, Any] | None] | Response:
        """The ``SiteType`` (1 옥션 / 2 G마켓, [E 51] [E 52] [E 57] [E 62]) of a claim call and its order (None when the
        caller has no such order on that site); 2141 for another SiteType (❓ [E 53]'s sample text)."""
        self.settle()
        body = await json_object(request, result(2141, "Request 형식에 문제가 있습니다."))
        site = SITE_OF_TYPE.get(as_int(ci(body, "SiteType")) or -1)
        if site is None:
            return result(2141, "사이트 타입이 올바르지 않습니다")
        request.state.body = body
        return site, self.owned(caller, self.order_number(request), site)

    async def approve_cancel(self, request: Request) -> Response:
        """``PUT /claim/v1/sa/Cancel/{OrderNo}`` ``{SiteType}`` ([E 51]): 1 취소요청 → 3 취소완료 (❓ [E 51]'s 옥션 sample
        list shows 2 취소중 after approval). G마켓 refusals 8668 "ShowAlertException$취소 승인 대상이 없습니다." /
        "…이미 취소 승인 되었습니다."; 옥션 8668 W8-2 "이미 취소 승인 되었습니다", ❓ W8-1 (no request) and 1000 (no
        order). There is no reject call: [E 70] rejects by shipping."""
        caller = self.market.caller(request)
        found = await self.claim_site(request, caller)
        if isinstance(found, Response):
            return found
        site, order = found
        auction = site == AUCTION
        claim = self.claim_of(order, "cancel") if order is not None else None
        if order is None and auction:
            return result(1000, "데이터 조회 실패.")  # ❓ [E 51] "1000 (데이터 조회 없음)", wording ours
        if claim is not None and claim["status"] == 3:
            if auction:
                return biz(8668, "W8-2", "이미 취소 승인 되었습니다")
            return result(8668, "ShowAlertException$이미 취소 승인 되었습니다.")
        if claim is None or claim["status"] != 1 or order is None:
            if auction:
                return biz(8668, "W8-1", "취소 가능한 주문상태가 아닙니다")
            return result(8668, "ShowAlertException$취소 승인 대상이 없습니다.")
        now = self.clock()
        claim.update(status=3, ApproveUser=2, approvedAt=now, completedAt=now)
        order["cancelled"] = True
        return result(0, "Success", auction=auction)

    async def sold_out(self, request: Request) -> Response:
        """``POST /claim/v1/sa/Cancel/{OrderNo}/SoldOut`` ``{SiteType}`` ([E 52] 판매취소): an order not yet shipped and
        without a cancel request is cancelled (RequestUser 2 판매자, ReasonCode 6 재고없음) and its goods stop selling on
        that site ("해당 상품(또는 옵션)은 품절처리", ❓ as isSell false). G마켓 8668 "취소 가능한 주문상태가 아닙니다.";
        옥션 8668 W28-1 "이미 취소 요청된 주문입니다" / W8-1 "취소 가능한 주문상태가 아닙니다"."""
        caller = self.market.caller(request)
        found = await self.claim_site(request, caller)
        if isinstance(found, Response):
            return found
        site, order = found
        auction = site == AUCTION
        if order is None and auction:
            return result(1000, "데이터 조회 실패.")  # ❓ as in approve_cancel
        claim = self.blocking(order) if order is not None else None
        if auction and claim is not None and claim["kind"] == "cancel" and claim["status"] == 1:
            return biz(8668, "W28-1", "이미 취소 요청된 주문입니다")
        if order is None or order["cancelled"] or claim is not None or order["status"] not in (1, 2):
            if auction:
                return biz(8668, "W8-1", "취소 가능한 주문상태가 아닙니다")
            return result(8668, "취소 가능한 주문상태가 아닙니다.")
        now = self.clock()
        self.claims.append(
            {
                "kind": "cancel",
                "account": order["account"],
                "site": site,
                "OrderNo": order["OrderNo"],
                "status": 3,
                "RequestUser": 2,
                "ApproveUser": 2,
                "Reason": 0,
                "ReasonCode": 6,
                "ReasonDetail": "재고없음(판매자요청)",
                "requestedAt": now,
                "approvedAt": now,
                "withdrawnAt": None,
                "completedAt": now,
                "soldOut": True,
            }
        )
        order["cancelled"] = True
        self.market.sold_out(order["account"], site, order["SiteGoodsNo"])
        return result(0, "Success", auction=auction)

    async def restricted_cancel(self, request: Request) -> Response:
        """``POST /claim/v1/sa/Cancel/{OrderNo}`` ([E 52] "(제한) 비품절용 … 별도 권한 필요합니다"): ❓ the sandbox's
        selling tool has no such right, so the gateway's 401 answers."""
        return self.market.unauthorized()

    async def approve_return(self, request: Request) -> Response:
        """``PUT /claim/v1/sa/return/{OrderNo}`` ``{SiteType}`` ([E 57]): an open return (1–3) → 4 반품환불완료. G마켓
        5800 "이미 환불된 건입니다." / 5900 "ReturnApproveFlowException$반품 정보 조회 실패"; 옥션 8668 W18-1 "이미 처리된
        건입니다" / W18-3 "처리 할 수 없는 주문상태입니다" (철회), ❓ 1000 (no return)."""
        caller = self.market.caller(request)
        found = await self.claim_site(request, caller)
        if isinstance(found, Response):
            return found
        site, order = found
        auction = site == AUCTION
        claim = self.claim_of(order, "return") if order is not None else None
        if claim is None or order is None:
            if auction:
                return result(1000, "데이터 조회 실패.", auction=True)  # ❓ wording
            return result(5900, "ReturnApproveFlowException$반품 정보 조회 실패")
        if claim["status"] == 4:
            if auction:
                return biz(8668, "W18-1", "이미 처리된 건입니다")
            return result(5800, "이미 환불된 건입니다.")
        if claim["status"] == 5:
            if auction:
                return biz(8668, "W18-3", "처리 할 수 없는 주문상태입니다")
            return result(5900, "ReturnApproveFlowException$반품 정보 조회 실패")  # ❓ 철회: no return to approve
        now = self.clock()
        # [E 57] "반품 승인 시 자동으로 반품 보류 해제 및 반품수거송장의 배송 완료가 처리되며 구매자 환불 진행"
        claim.update(status=4, ApproveUser=2, approvedAt=now, completedAt=now, pickedAt=claim.get("pickedAt") or now)
        if claim.get("hold"):
            claim.update(hold=None, freedAt=now)
        return result(0, "Success", auction=auction)

    async def resend_exchange(self, request: Request) -> Response:
        """``POST /claim/v1/sa/exchange/{OrderNo}/resend`` ``{SiteType, DeliveryCompCode, InvoiceNo}`` ([E 62]): the
        re-sent goods' invoice; the exchange shows 0 (재발송 후) and a later call replaces the invoice ("업데이트
        가능"). 99999 "API Error - 교환택배사가 존재하지 않습니다" (both sites ❓); 옥션 8668 W22-3 "요청한 주문번호가
        반품 및 교환 배송건이 아닙니다." (W22-4 철회), W22-6 "요청한 송장번호가 유효하지 않습니다." ([E 70]'s number
        rules); G마켓 without an exchange: ❓ 99999 "API Error - 클레임 정보가 없습니다" ([E 59]'s text)."""
        caller = self.market.caller(request)
        found = await self.claim_site(request, caller)
        if isinstance(found, Response):
            return found
        site, order = found
        auction = site == AUCTION
        body: dict[str, Any] = request.state.body
        courier = as_int(ci(body, "DeliveryCompCode"))
        if courier not in COURIERS:
            return result(99999, "API Error - 교환택배사가 존재하지 않습니다", auction=auction)
        claim = self.claim_of(order, "exchange") if order is not None else None
        if claim is None or claim["status"] == 5:
            if auction:
                return biz(8668, "W22-4" if claim else "W22-3", "요청한 주문번호가 반품 및 교환 배송건이 아닙니다.")
            return result(99999, "API Error - 클레임 정보가 없습니다")
        invoice = ci(body, "InvoiceNo")
        if not isinstance(invoice, str) or not invoice.strip():
            return result(99999, "API Error - 송장번호가 없습니다.", auction=auction)  # ❓ wording
        if auction and not invoice_ok(courier, invoice):
            return biz(8668, "W22-6", "요청한 송장번호가 유효하지 않습니다.")
        now = self.clock()
        claim["resend"] = {"at": now, "DeliveryCompCode": courier, "InvoiceNo": invoice}
        claim.update(ApproveUser=2, approvedAt=claim["approvedAt"] or now)
        if claim.get("hold") and not auction:  # [E 64] "G마켓 교환 보류 주문은 교환 재발송 처리와 함께 보류 해제 처리"
            return result(0, "Success")
        if claim.get("hold"):  # [E 64] "옥션 주문 경우 교환 재발송 처리시 자동으로 보류 해제 됩니다"
            claim.update(hold=None, freedAt=now)
        claim["status"] = 0
        return result(0, "Success", auction=auction)

    async def release_exchange_hold(self, request: Request) -> Response:
        """``DELETE /claim/v1/sa/exchange/{OrderNo}/hold`` ``{SiteType}`` ([E 64] 교환보류해제, SiteType "2 : G마켓"): a
        held exchange is released, to 0 (재발송 후) when its resend is registered, else to where it was (2 수거완료 or 1).
        99999 "주문 정보가 없습니다." (no such order); ❓ 2141 for 옥션 (the table names G마켓 alone; 옥션 releases at
        the resend) and ❓ 8668 "ShowAlertException$교환 보류 상태가 아닙니다" for an exchange not held (wording ours)."""
        caller = self.market.caller(request)
        found = await self.claim_site(request, caller)
        if isinstance(found, Response):
            return found
        site, order = found
        if site == AUCTION:
            return result(2141, "사이트 타입이 올바르지 않습니다", auction=True)
        if order is None:
            return result(99999, "주문 정보가 없습니다.")
        claim = self.claim_of(order, "exchange")
        if claim is None or not claim.get("hold"):
            return result(8668, "ShowAlertException$교환 보류 상태가 아닙니다")
        claim.update(hold=None, freedAt=self.clock())
        claim["status"] = 0 if claim["resend"] else (2 if claim.get("pickedAt") else 1)
        return result(0, "Success")

    # -- 판매자문의 ------------------------------------------------------------------------------------------

    def day_window(self, body: Mapping[str, Any]) -> tuple[float, float] | None:
        """``startDate`` / ``endDate`` (``YYYY-MM-DD``) as [start, end) — "당일 조회 시 시작일 +1일로 조회" ([E 47])."""
        values = [ci(body, "startDate"), ci(body, "endDate")]
        if not all(isinstance(v, str) and len(v.strip()) == 10 for v in values):
            return None
        start, end = parse_when(values[0]), parse_when(values[1])
        return None if start is None or end is None else (start, end)

    async def list_inquiries(self, request: Request) -> Response:
        """``POST /item/v1/communications/customer/bulletin-board`` ([E 47]) ``{qnaType, status, type, startDate,
        endDate}``: a bare JSON list of rows, each with its ``token``. qnaType 1 옥션(일반), 2 옥션(비밀글), 3 전체
        (❓ every site the token names: "G마켓은 해당 구분만 사용"); status 1 전체, 2 미처리, 3 처리완료, 4 처리중, 5
        중복문의; 1000 "7일 기간이상 조회 요청이 불가능합니다." / "조회된 기간에 조회 대상이 없습니다"."""
        caller = self.market.caller(request)

        def fail(message: str) -> Response:
            return json_response({"resultCode": 1000, "message": message})

        body = await json_object(request, fail("요청 형식이 올바르지 않습니다."))  # ❓ wording
        qna_type, status = as_int(ci(body, "qnaType")), as_int(ci(body, "status"))
        if qna_type not in (1, 2, 3) or status not in (1, 2, 3, 4, 5) or as_int(ci(body, "type")) != 1:
            return fail("조회 조건(qnaType, status, type)이 올바르지 않습니다.")  # ❓ wording
        window = self.day_window(body)
        if window is None:
            return fail("조회 기간은 YYYY-MM-DD 형식으로 입력해 주세요.")  # ❓ wording
        start, end = window
        if end - start > CS_WINDOW_DAYS * DAY:
            return fail("7일 기간이상 조회 요청이 불가능합니다.")
        states = {1: None, 2: "미처리", 3: "처리완료", 4: "처리중", 5: "중복문의"}
        rows = [
            q
            for q in self.inquiries.values()
            if q["account"] == caller.account.name
            and q["site"] in caller.sites
            and (qna_type == 3 or (q["site"] == AUCTION and q["secret"] == (qna_type == 2)))
            and states[status] in (None, q["informStatus"])
            and start <= q["createdAt"] < end
        ]
        if not rows:
            return fail("조회된 기간에 조회 대상이 없습니다")
        return json_response([self.inquiry_row(q, qna_type) for q in rows])

    @staticmethod
    def inquiry_row(inquiry: Mapping[str, Any], qna_type: int) -> dict[str, Any]:
        """[E 47]'s row, in its sample's order; dates ``YYYY-MM-DDThh:mm:ss+09:00``."""

        def when(seconds: float | None) -> str:
            return f"{iso(seconds)}+09:00" if seconds is not None else "0001-01-01T00:00:00+09:00"

        return {
            "qnaType": qna_type,
            "reAsking": False,
            "inquirerName": inquiry["inquirerName"],
            "inquirerPhone": inquiry["inquirerPhone"],
            "branchId": None,
            "messageNo": inquiry["messageNo"],
            "answer": inquiry["answer"],
            "sellerId": inquiry["sellerId"],
            "goodsNo": inquiry["goodsNo"],
            "siteGoodsNo": inquiry["siteGoodsNo"],
            "orderNo": inquiry["orderNo"],
            "orderType": inquiry["orderType"],
            "sellStatus": "-",
            "payNo": inquiry["payNo"],
            "informStatus": inquiry["informStatus"],
            "receiveDate": when(inquiry["createdAt"]),
            "answerDate": when(inquiry["answeredAt"]),
            "contractType": inquiry["contractType"],
            "title": inquiry["title"],
            "details": inquiry["details"],
            "token": inquiry["token"],
        }

    async def answer_inquiry(self, request: Request) -> Response:
        """``POST /item/v1/communications/customer/bulletin-board/qna`` ([E 48]) ``{messageNo, token, answerStatus 1
        처리중 | 2 처리완료, title, comments}``: ``{"messageNo"}``. 1000 "{ID}는 token정보와 관련이 없습니다." when the
        token is not the row's; comments ≤ 1000 bytes ([E 47] [E 48]); ❓ a second answer after 처리완료 is refused
        ([E 47] "답변 후 재답변 하더라도 답변 수정이 불가"); ❓ after 처리중 another answer is taken."""
        caller = self.market.caller(request)

        def fail(message: str) -> Response:
            return json_response({"resultCode": 1000, "message": message})

        body = await json_object(request, fail("요청 형식이 올바르지 않습니다."))  # ❓ wording
        number = ci(body, "messageNo")
        number = str(number) if isinstance(number, str | int) and not isinstance(number, bool) else ""
        inquiry = self.inquiries.get(number)
        if inquiry is None or inquiry["account"] != caller.account.name or inquiry["site"] not in caller.sites:
            return fail("입력된 문의번호에 해당하는 정보가 존재하지 않습니다.")  # ❓ [E 46]'s text
        if ci(body, "token") != inquiry["token"]:
            return fail(f"{inquiry['sellerId']}는 token정보와 관련이 없습니다.")  # [E 48]
        answer_status = as_int(ci(body, "answerStatus"))
        if answer_status not in (1, 2):
            return fail("답변상태 입력값은 1(처리중), 2(처리완료) 중 하나로 입력가능합니다.")  # ❓ [E 46]'s text
        title, comments = ci(body, "title"), ci(body, "comments")
        if not isinstance(title, str) or not title.strip():
            return fail("답변 제목(title)을 입력해 주세요.")  # ❓ wording
        if not isinstance(comments, str) or not comments.strip():
            return fail("입력 답변 내용이 없습니다. 답변 내용을 확인하여 주세요.")  # ❓ [E 46]'s text
        if nbytes(comments) > ANSWER_BYTES:
            return fail("답변 내용은 1000byte 이내로 입력 가능합니다.")  # ❓ wording; the limit: [E 47] [E 48]
        if inquiry["informStatus"] == "처리완료":
            return fail("이미 답변이 완료된 문의입니다.")  # ❓ wording
        inquiry.update(
            informStatus="처리완료" if answer_status == 2 else "처리중", answer=comments, answeredAt=self.clock()
        )
        self.answers.append(
            {
                "account": caller.account.name,
                "site": inquiry["site"],
                "messageNo": number,
                "answerStatus": answer_status,
                "title": title,
                "comments": comments,
            }
        )
        return json_response({"messageNo": number})

    # -- 긴급알리미 -----------------------------------------------------------------------------------------

    async def list_alerts(self, request: Request) -> Response:
        """``POST /assist/v1/Selling/GetEmergencyInformList`` ([E 43]) ``{status 1 전체 | 2 미처리 | 3 처리완료, type 1,
        startDate, endDate}``: ``{ResultCode 0, Message "성공", Data [rows]}`` over every site the token names; 20 for
        another status. ❓ 미처리 includes 처리중 (an alert not yet settled); ❓ the guide gives no period limit."""
        caller = self.market.caller(request)
        body = await json_object(request, result(2141, "Request 형식에 문제가 있습니다."))
        status = as_int(ci(body, "status"))
        if status not in (1, 2, 3):
            return result(20, "처리상태 입력값은 1(전체), 2(미처리), 3(처리완료) 중 하나로 입력가능합니다.")
        window = self.day_window(body)
        if as_int(ci(body, "type")) != 1 or window is None:
            return result(20, "조회기준(type 1: 접수일)과 조회기간(YYYY-MM-DD)을 확인해 주세요.")  # ❓ wording
        start, end = window
        rows = [
            a
            for a in self.alerts.values()
            if a["account"] == caller.account.name
            and a["site"] in caller.sites
            and (status == 1 or (a["InformStatus"] == "처리완료") == (status == 3))
            and start <= a["createdAt"] < end
        ]
        hidden = ("account", "site", "createdAt", "answers", "answeredAt")
        data = [
            {k: v for k, v in a.items() if k not in hidden}
            | {"ReceiveDate": spaced(a["createdAt"]), "AnswerDate": spaced(a["answeredAt"])}
            for a in rows
        ]
        return result(0, "성공", data)

    async def answer_alert(self, request: Request) -> Response:
        """``POST /assist/v1/Selling/AddEmergencyInformReply`` ([E 46]) ``{emerMessageNo, answerStatus 1 처리중 | 2
        처리완료, comments}``: ``Data.EmerMessageNo`` for 옥션 ("옥션만"), ❓ ``Data`` null for G마켓. 2141 "Request
        형식에 문제가 있습니다." / "입력된 문의번호에 해당하는 정보가 존재하지 않습니다.", 20 "번호는 0보다 커야합니다." /
        answerStatus / no comments, 100 "이미 처리 완료된 건입니다."."""
        caller = self.market.caller(request)
        body = await json_object(request, result(2141, "Request 형식에 문제가 있습니다."))
        number = as_int(ci(body, "emerMessageNo"))
        if number is None:
            return result(2141, "Request 형식에 문제가 있습니다.")
        if number <= 0:
            return result(20, "번호는 0보다 커야합니다.")
        alert = self.alerts.get(number)
        if alert is None or alert["account"] != caller.account.name or alert["site"] not in caller.sites:
            return result(2141, "입력된 문의번호에 해당하는 정보가 존재하지 않습니다.")
        answer_status = as_int(ci(body, "answerStatus"))
        if answer_status not in (1, 2):
            return result(20, "답변상태 입력값은 1(처리중), 2(처리완료) 중 하나로 입력가능합니다.")
        comments = ci(body, "comments")
        if not isinstance(comments, str) or not comments.strip():
            return result(20, "입력 답변 내용이 없습니다. 답변 내용을 확인하여 주세요.")
        if alert["InformStatus"] == "처리완료":
            return result(100, "이미 처리 완료된 건입니다.")
        alert["InformStatus"] = "처리완료" if answer_status == 2 else "처리중"
        alert["answeredAt"] = self.clock()
        alert["answers"].append(comments)
        self.alert_answers.append(
            {
                "account": caller.account.name,
                "EmerMessageNo": number,
                "answerStatus": answer_status,
                "comments": comments,
            }
        )
        return result(0, "성공", {"EmerMessageNo": number} if alert["site"] == AUCTION else None)
