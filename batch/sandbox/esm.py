"""ESM 2.0 (G마켓 / 옥션) in the sandbox (marketplaces-next.md §2): the JWT check, the seller accounts with their
ESM+ set-up numbers, and 2.0 goods; orders, claims, 판매자문의 and 긴급알리미 in ``esm_orders``.

Sources, cited beside each rule: [E n] = post n of the etapi guide copy in ``rumeadia-dotcom/ing0415`` at
bf89065d86066598e98fec37b36a0af64ecef385 (https://github.com/rumeadia-dotcom/ing0415/blob/bf89065d86066598e98fec37b36a0af64ecef385/docs/architecture/v1/features/esm-api/…:
``README.md`` = [E README], ``product/20.md`` = [E 20], 21, 26, 34, 140, 142, 155, 160, 161, 186, 194); [S] samba-wave ``proxy/esmplus.py``; [N]
marketplaces-next.md. Where no source gives a wording or a shape, the sandbox's own choice is marked ❓.

One ESM account sells on two sites, G마켓 (``gmarket``, siteType 2, key ``gmkt``, ssi ``G``) and 옥션 (``auction``,
siteType 1, key ``iac``, ssi ``A``). A goods has one master ``goodsNo`` and one site goods number per site it sells on
([E 20]: "2.0 상품은 마스터상품번호(goodsNo) 하위로 사이트(G마켓/옥션)별 상품번호 생성").
"""

from __future__ import annotations

import base64
import binascii
import copy
import hashlib
import hmac
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Scope

from batch.sandbox.esm_orders import (
    AUCTION,
    COURIERS,
    DAY,
    GMARKET,
    SITE_KEY,
    SITE_OF_TYPE,
    SITE_TAG,
    SITE_TYPE,
    SITES,
    EsmOrders,
    as_int,
    ci,
    json_object,
    kst,
    nbytes,
    spaced,
)
from batch.sandbox.faults import Clock
from batch.sandbox.web import Reject, endpoint, json_response

# The selling tool's ESM+ master id and the secret key issued to it ([E README]: "HMAC 해싱 방식으로 생성된
# 비밀키(Secret Key)를 사용자에게 발행"; "셀링툴사의 경우, kid는 무조건 셀링툴사의 마스터ID").
MASTER_ID = "sandbox-esm-master"
SECRET = "sandbox-esm-secret-key"
AUDIENCE = "sa.esmplus.com"  # [E README] aud "좌측 정보로 고정해서 사용"
SUBJECT = "sell"  # [E README] sub "Sell API는 sell"
UNAUTHORIZED = {"status": {"message": "The user does not have right access to the api", "status_code": 401}}

FIRST_GOODS_NO = 2_100_000_001  # [E 20] sample goodsNo 2103374786 (an int)
FIRST_SITE_GOODS = {GMARKET: 2_770_000_001, AUCTION: 938_000_001}  # [E 20] samples "2770898384", "C938588557"
MAX_PRICE = 1_000_000_000  # [E 20] "10원 이상 10억 미만", "10원 단위"
INT32_MAX = 2_147_483_647  # [E 20] 3000 "값이 너무 크거나 작아 Int32 형식에 맞지 않습니다"
MAX_STOCK = 99_999  # [E 20] stock "1 ~ 99999까지 입력 가능, 0 설정 불가"
PERIODS = (-1, 15, 30, 60, 90)  # [E 20] sellingPeriod "-1(무제한), 15, 30, 60, 90"; update also 0 = keep
STATUS_PERIODS = (-1, 0, 15, 30, 60, 90, 365)  # [E 21] sellingPeriod adds 365
NAME_BYTES = 100  # [E 20] goodsName "검색용+프로모션용 최대 100byte"; eng/chi/jpn "최대 100byte"
CODE_BYTES = 100  # [E 20] managedCode "100byte 이내"
MAX_EXTRA_IMAGES = 14  # [E 20] addtionalImg1URL ~ addtionalImg14URL
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png")  # [E 20] basicImgURL "포맷: jpg, png"
SEARCH_PER_MINUTE = 30  # [E 160] "목록 조회시 분당 최대 30회 까지 호출 가능"
MAX_PAGE = 500  # [E 160] pageSize "최대 500 까지만 조회 가능"
SELL_ON, SELL_OFF = "11", "21"  # [E 160] sellStatus 11 판매 중, 21 판매 중지
BX = '[InvalidApiRequestEx][\\"'  # [E 20]'s messages open so ("￦" is how the guide's font shows a backslash)

# Leaf categories the sandbox knows: the guide's own sample codes ([E 140]: 옥션 39010100 / G마켓 300009483 and
# 12081600 / 300005739). ❓ The names are the sandbox's.
CATEGORIES = {
    AUCTION: {"39010100": "샌드박스 > 생활용품 > 주방", "12081600": "샌드박스 > 패션의류 > 티셔츠"},
    GMARKET: {"300009483": "샌드박스 > 생활용품 > 주방", "300005739": "샌드박스 > 패션의류 > 티셔츠"},
}


# 상품정보고시 ([E 161]): groups 1 ~ 41 ("1 ~ 41 내 조회 가능"). Names and codes are the guide's where it shows them:
# group 1 "의류" and code 41-1 ([E 161] Sample Code_Success), group 1's codes 1-1 ~ 1-10 and 999-5 ([E 140] 등록 sample)
# and group 2's 2-1 ~ 2-9 ([E 140] 수정 sample), in the samples' order. ❓ The other group names are those of the
# guide copy's own repository, which gives them as the 공정거래위원회 고시's standard names and marks only 1 and 41 as
# checked against [E 161] (rumeadia-dotcom/ing0415 at the same commit,
# apps/web/src/lib/markets/real/esm/official-notice-groups.ts, ``docVerified``); ❓ groups 3 ~ 40 get one code
# "<n>-1", code names other than 41-1's are the sandbox's, and isExtraMark ("필수 여부") is false except 41-1's.
NOTICE_GROUPS = range(1, 42)
NOTICE_NAMES = {
    1: "의류",  # [E 161]
    2: "구두/신발",
    3: "가방",
    4: "패션잡화(모자/벨트/액세서리)",
    5: "침구류/커튼",
    6: "가구(침대/소파/싱크대/DIY제품)",
    7: "영상가전(TV류)",
    8: "가정용 전기제품(냉장고/세탁기/식기세척기/전자레인지)",
    9: "계절가전(에어컨/온풍기)",
    10: "사무용기기(컴퓨터/노트북/프린터)",
    11: "광학기기(디지털카메라/캠코더)",
    12: "소형전자(MP3/전자사전 등)",
    13: "휴대폰(이동전화단말기)",
    14: "내비게이션",
    15: "자동차용품(자동차부품/기타 자동차용품)",
    16: "의료기기",
    17: "주방용품",
    18: "화장품",
    19: "귀금속/보석/시계류",
    20: "식품(농수축산물)",
    21: "가공식품",
    22: "건강기능식품",
    23: "영유아용품",
    24: "악기",
    25: "스포츠용품",
    26: "서적",
    27: "호텔/펜션 예약",
    28: "여행패키지/항공권/입장권",
    29: "물품 및 상품권(상품권/쿠폰/티켓)",
    30: "모바일 쿠폰",
    31: "영화/공연 예매권",
    32: "자동차대여 서비스(렌터카)",
    33: "기타용역(경비/청소 등 서비스)",
    34: "소프트웨어(자동차 부품 등 일반)",
    35: "디지털콘텐츠(온라인 게임/음원/동영상)",
    36: "생활화학제품",
    37: "주방세제/세탁세제 등 세정제",
    38: "자동차(신차/중고차)",
    39: "주택/상가 분양/임대",
    40: "기타 재화",
    41: "살생물제품",  # [E 161] code 41-1 "제품명 및 살생물제품유형"
}
NOTICE_CODES: dict[int, tuple[tuple[str, str, bool], ...]] = {
    1: tuple(
        (code, f"고시 항목 {code}", False) for code in ["1-1", "1-10", *(f"1-{n}" for n in range(2, 10)), "999-5"]
    ),
    2: tuple((f"2-{n}", f"고시 항목 2-{n}", False) for n in range(1, 10)),
    **{n: ((f"{n}-1", f"고시 항목 {n}-1", False),) for n in range(3, 41)},
    41: (("41-1", "제품명 및 살생물제품유형", True),),
}
NOTICE_NOT_NUMBER = "데이터 형식 nvarchar을(를) int(으)로 변환하는 중 오류가 발생했습니다."  # [E 161] Sample Code_Fail

# 추천옵션 ([E 26], [E 155]): the option codes the sandbox knows, with their value codes, from the guide's samples —
# 1 색상 ([E 155]: values 9 네이비, 15 골드(금), 16 실버(은); [E 26] 샘플: 312 아이보리, 14897 검정, 15198 흰색, 23901
# 연청, 23902 진청) and 976 사이즈 ([E 155] name; [E 26]: 369 s, 14993 L, 15043 XL, 21758 f; [E 140] 수정 sample: 14991,
# no name shown). Option 0 is 직접입력 ([E 155] "recommendedOptNo = 0 이 포함된 경우 … 직접입력 옵션 허용"): its name
# and values are typed in. Values may be typed in (value code 0) for 1 색상 ([E 155]: "recommendedOptValueNo: 0 이 포함된
# 경우만 옵션값 직접입력 가능", its 색상 list starts with 0) and for option 0. ❓ Every sandbox category allows all three
# ([E 26]: "카테고리별 사용 가능한 주문옵션의 유형이 다르므로").
RECOMMENDED_OPTS: dict[int, tuple[str, dict[int, str | None]]] = {
    1: (
        "색상",
        {
            9: "네이비",
            15: "골드(금)",
            16: "실버(은)",
            312: "아이보리",
            14897: "검정",
            15198: "흰색",
            23901: "연청",
            23902: "진청",
        },
    ),
    976: ("사이즈", {369: "s", 14991: None, 14993: "L", 15043: "XL", 21758: "f"}),
}
TYPED_VALUES = (0, 1)  # options whose values may be typed in (value code 0)
MAX_INDEPENDENT, MAX_COMBINATION = 50, 500  # [E 26] "선택형은 최대 50개까지, 조합형은 500개까지 등록 가능"; [E 20] type
OPTION_CODE_BYTES = 20  # [E 26] manageCode "20 byte 이내 입력 가능"
FIRST_OPT_SEQ = 18_459_979_851  # [E 26] 조회 sample's first optSeq
# [E 20] error table, verbatim (the closing "￦" is a backslash, see BX)
TYPE_MESSAGE = (
    f"{BX}추천 옵션 타입(type)이 잘 못 되었습니다 < (0: 사용 안함, 1: 독립형(1개 선택형), 2: 복합형(2개 선택형))\\"
)
NO_OPTIONS: dict[str, Any] = {  # ❓ [E 26] 조회 of a goods without options: type 0 ([E 20] "0 : 옵션 미사용")
    "type": 0,
    "isStockManage": False,
    "inputType": 0,
    "independent": None,
    "independents": None,
    "combination": None,
    "text": None,
    "calculation": None,
}


@dataclass(frozen=True)
class Account:
    """One seller: its site ids (the ``ssi`` values) and what it set up in ESM+ before registering goods ([E 20]
    placeNo 출하지번호, dispatchPolicyNo 발송정책번호, returnAndExchange addrNo 판매자주소번호, bundle deliveryTmplId
    묶음배송비정책번호; the numbers follow [E 140]'s sample: 1025418, 85172, 1546789, 4235749)."""

    name: str
    gmarket_id: str = ""
    auction_id: str = ""
    place_no: int = 1_025_418
    dispatch_policy_no: int = 85_172  # one policy for both sites ([E 20]: "동시 등록시 … 동일한 정책 번호 입력")
    addr_no: int = 1_546_789
    bundles: tuple[int, ...] = (4_235_749, 4_235_750)

    def seller_id(self, site: str) -> str:
        return self.gmarket_id if site == GMARKET else self.auction_id

    def setup(self) -> dict[str, Any]:
        """The numbers a client needs to register goods for this account (published in the state and seed answers)."""
        return {
            "name": self.name,
            "gmarket_id": self.gmarket_id,
            "auction_id": self.auction_id,
            "placeNo": self.place_no,
            "dispatchPolicyNo": self.dispatch_policy_no,
            "addrNo": self.addr_no,
            "bundleDeliveryTmplIds": list(self.bundles),
            "categories": {site: sorted(CATEGORIES[site]) for site in SITES},
        }


SEED_ACCOUNTS = (
    Account("main", "sandboxgmkt", "sandboxiac"),
    Account(
        "second",
        "sandboxgmkt2",
        "sandboxiac2",
        place_no=1_025_419,
        dispatch_policy_no=85_173,
        addr_no=1_546_790,
        bundles=(4_235_751, 4_235_752),
    ),
)


@dataclass(frozen=True)
class Caller:
    """Who a request comes from: the master id (``kid``), the account, and the sites its token names."""

    kid: str
    account: Account
    sites: dict[str, str] = field(default_factory=dict)  # site -> seller id named in ``ssi``


class GoodsError(Exception):
    """A refusal of a goods body: ``{"resultCode": code, "message": …, "data": null}`` ([E 20] JSON_Fail)."""

    def __init__(self, message: str, code: int = 1000) -> None:
        super().__init__(message)
        self.code = code


def _b64(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def token_parts(header_value: str) -> tuple[dict[str, Any], dict[str, Any], bytes, bytes] | None:
    """(header, payload, signed bytes, signature) of ``Bearer <jwt>``; None when it is not a JWT."""
    scheme, _, token = header_value.strip().partition(" ")
    parts = token.strip().split(".")
    if scheme != "Bearer" or len(parts) != 3:
        return None
    try:
        header, payload = json.loads(_b64(parts[0])), json.loads(_b64(parts[1]))
        signature = _b64(parts[2])
    except (binascii.Error, ValueError):
        return None
    if not isinstance(header, dict) or not isinstance(payload, dict):
        return None
    return header, payload, f"{parts[0]}.{parts[1]}".encode(), signature


def parse_ssi(value: object) -> dict[str, str] | None:
    """``"A:<옥션 id>,G:<G마켓 id>"`` ([E README]: "',' 구분자로 지마켓/옥션 ID 입력 가능(단 1개씩)") as {site: id}."""
    if not isinstance(value, str) or not value:
        return None
    sites: dict[str, str] = {}
    for item in value.split(","):
        tag, _, seller = item.strip().partition(":")
        site = {"G": GMARKET, "A": AUCTION}.get(tag)
        if site is None or not seller or site in sites:
            return None
        sites[site] = seller
    return sites


def _money(value: object) -> int | None:
    return as_int(value)


def _url_ok(value: object) -> bool:
    """[E 20] basicImgURL: an http(s) address with a host; a path with a file suffix must name jpg or png (❓ size
    600×600 and ≤ 2 MB cannot be seen in a URL)."""
    if not isinstance(value, str):
        return False
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return False
    last = parts.path.rsplit("/", 1)[-1].lower()
    return "." not in last or last.endswith(IMAGE_SUFFIXES)


def check_notice(number: int, details: list[Any]) -> None:
    """[E 20] officialNotice ``{officialNoticeNo, details[{officialNoticeItemelementCode, value, isExtraMark}]}`` (the
    names of [E 140]'s samples): a group and codes [E 161] lists. ❓ Wording of both refusals (the guide names none).
    The one code [E 161] marks ``isExtraMark`` ("필수 여부"), 41-1, is its group's only code, so a group 41 notice
    with ``details`` (required above) holds it."""
    codes = NOTICE_CODES.get(number)
    if codes is None:
        raise GoodsError(
            f"상품정보고시 상품군코드(officialNoticeNo)가 올바르지 않습니다 < ({number}). "
            "고시 정보 조회 API(official-notice/groups)의 1 ~ 41 중에서 입력해 주세요."
        )
    known = {code for code, _, _ in codes}
    sent = [ci(detail, "officialNoticeItemelementCode") for detail in details]
    for code in sent:
        if not isinstance(code, str) or code not in known:
            raise GoodsError(
                f"상품정보고시 항목코드(officialNoticeItemelementCode)가 상품군 {number}에 없습니다 < ({code}). "
                f"고시 정보 조회 API(official-notice/groups/{number}/codes)로 확인해 주세요."
            )


def option_rows(options: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every option row of a stored ``recommendedOpts`` (선택형 and 조합형 blocks)."""
    blocks = [options["independent"], *(options["independents"] or []), options["combination"]]
    return [row for block in blocks if isinstance(block, dict) for row in block["details"]]


def option_stock(options: Mapping[str, Any]) -> dict[str, int]:
    """{site: stock} when 옵션재고관리 makes the goods' stock the options' sum ([E 20] stock "옵션재고관리(true) 선택할
    경우 본 수량 무시되고 옵션 재고합으로 산정"; ❓ sold-out and hidden rows count too); {} otherwise."""
    rows = option_rows(options)
    if not options["isStockManage"] or not rows:
        return {}
    return {site: sum(row["qty"][SITE_KEY[site]] for row in rows) for site in SITES}


def add_range(price: int) -> tuple[int, int]:
    """The 주문옵션 추가금 a site price allows, in won ([E 26] addAmnt "2천원 미만 (0 ~ 100%) 1만원 미만 (-50 ~ 100%)
    1만원이상 (기본값 -50 ~ 50%, 일부 카테고리 별도 정책)"; [E 34] the same bands; ❓ every sandbox category keeps the
    기본값)."""
    if price < 2_000:
        return 0, price
    if price < 10_000:
        return -(price // 2), price
    return -(price // 2), price // 2


def _shown(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


def _text(sent: object, korean: str | None) -> dict[str, Any]:
    """A name / value text as [E 26]'s 조회 sample shows it (exposeLanguage "조회시 무조건 0으로 내려감")."""
    return {
        "koreanText": korean,
        "englishText": ci(sent, "englishText"),
        "chineseText": ci(sent, "chineseText"),
        "japaneseText": ci(sent, "japaneseText"),
        "exposeLanguage": 0,
    }


def _typed(sent: object) -> str | None:
    text = ci(sent, "koreanText")
    return text if isinstance(text, str) and text.strip() else None


class EsmMarket:
    """G마켓 / 옥션 (ESM 2.0) in the sandbox: accounts, goods; orders, claims and CS in ``self.desk``."""

    name = "esm"
    prefixes = ("/item/", "/shipping/", "/claim/", "/assist/")

    def __init__(self, *, clock: Clock, seed: int) -> None:
        self.clock = clock
        self.seed = seed
        goods = "/item/v1/goods/{goodsNo}"
        self.routes = [
            Route("/item/v1/goods", endpoint(self.register), methods=["POST"]),
            Route("/item/v1/goods/search", endpoint(self.search), methods=["POST"]),
            Route(goods, endpoint(self.update), methods=["PUT"]),
            Route(goods, endpoint(self.read), methods=["GET"]),
            Route(f"{goods}/sell-status", endpoint(self.set_sell_status), methods=["PUT"]),
            Route(f"{goods}/sell-status", endpoint(self.sell_status), methods=["GET"]),
            Route(f"{goods}/stock", endpoint(self.set_stock), methods=["PUT"]),  # [E 194]
            Route(f"{goods}/price", endpoint(self.set_price), methods=["PUT"]),  # [E 186]
            Route(f"{goods}/recommended-options", endpoint(self.set_options), methods=["PUT"]),  # [E 26]
            Route(f"{goods}/recommended-options", endpoint(self.options), methods=["GET"]),  # [E 26]
            Route("/item/v1/official-notice/groups", endpoint(self.notice_groups), methods=["GET"]),  # [E 161]
            Route(  # [E 161]
                "/item/v1/official-notice/groups/{officialNoticeNo}/codes",
                endpoint(self.notice_codes),
                methods=["GET"],
            ),
            Route("/item/v1/shipping/delivery-company", endpoint(self.delivery_companies), methods=["GET"]),
            Route("/item/v1/shipping/places/{placeNo}/policies", endpoint(self.place_policies), methods=["GET"]),
        ]
        self.desk = EsmOrders(clock=clock, market=self)
        self.routes.extend(self.desk.routes)
        self.reset()

    # -- the Market interface --------------------------------------------------------------------------

    def reset(self) -> None:
        self.accounts = {account.name: account for account in SEED_ACCOUNTS}
        self.goods: dict[int, dict[str, Any]] = {}  # goodsNo -> goods, in registration order
        self.next_goods_no = FIRST_GOODS_NO
        self.next_site_goods = dict(FIRST_SITE_GOODS)
        self.next_opt_seq = FIRST_OPT_SEQ
        self.searches: dict[str, list[float]] = {}  # master id -> times of its [E 160] calls in the last minute
        self.swallowing = False  # set_swallow: stock and sale-status writes answer as done and change nothing
        self.desk.reset()

    def set_swallow(self, on: bool) -> None:
        """The control switch (``POST /__sandbox__/swallow``): while on, the stock, price and sale-status writes —
        [E 194] ``PUT …/stock``, [E 186] ``PUT …/price``, [E 26] ``PUT …/recommended-options`` (qty, 품절 and 추가금),
        [E 21] ``PUT …/sell-status`` and the 품절 that [E 52] 판매취소 puts on the goods — are checked as always and
        answered exactly as if done, and change nothing; the
        reads show what the sandbox really holds. Not a behaviour of ESM: the way a marketplace was seen to swallow a
        sold-out update (marketplaces-next.md §5.1)."""
        self.swallowing = on

    def snapshot(self) -> dict[str, Any]:
        return copy.deepcopy(
            {
                "products": list(self.goods.values()),
                **self.desk.snapshot(),
                "accounts": [account.setup() for account in self.accounts.values()],
                "master_id": MASTER_ID,
                "swallow": self.swallowing,
            }
        )

    def add_account(self, data: Mapping[str, Any]) -> None:
        """``{"market": "esm", "name": …, "gmarket_id": …, "auction_id": …}`` (at least one site id); the set-up
        numbers follow the last account's."""
        name = data.get("name")
        ids = {site: data.get(f"{site}_id", "") for site in SITES}
        if not (isinstance(name, str) and name) or not all(isinstance(v, str) for v in ids.values()):
            raise ValueError("name must be a non-empty string; gmarket_id and auction_id strings")
        if not any(ids.values()):
            raise ValueError("gmarket_id or auction_id is required")
        taken = {a.seller_id(s) for a in self.accounts.values() for s in SITES} - {""}
        if name in self.accounts or taken & set(ids.values()):
            raise ValueError(f"account {name!r} or one of its site ids is taken")
        n = len(self.accounts)
        self.accounts[name] = Account(
            name,
            str(ids[GMARKET]),
            str(ids[AUCTION]),
            place_no=1_025_418 + n,
            dispatch_policy_no=85_172 + n,
            addr_no=1_546_789 + n,
            bundles=(4_235_749 + 2 * n, 4_235_750 + 2 * n),
        )

    def expire_tokens(self) -> None:
        """ESM has no issued tokens: the client signs a JWT per call ([E README])."""

    def seed_orders(self, data: Mapping[str, Any]) -> dict[str, Any]:
        return self.desk.seed(data)

    def raise_claim(self, data: Mapping[str, Any]) -> dict[str, Any]:
        return self.desk.raise_claim(data)

    def account_key(self, scope: Scope) -> str:
        """The seller ids (``ssi``) of the call's token, read without checking the signature."""
        for name, value in scope.get("headers", []):
            if name == b"authorization":
                parts = token_parts(value.decode("latin-1"))
                return f"ssi:{parts[1].get('ssi', '') if parts else ''}"
        return "ssi:"

    def is_auth_path(self, path: str) -> bool:
        return False  # no token endpoint

    def fault_response(self, status: int, retry_after: int | None) -> Response:
        """❓ No source shows ESM's 429/500/503 body; the gateway's ``{"status": {message, status_code}}`` shape of
        [E README]'s 401."""
        messages = {
            429: "Too many requests. Try again later.",
            500: "Internal server error",
            503: "Service temporarily unavailable",
        }
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
        return json_response({"status": {"message": messages[status], "status_code": status}}, status, headers)

    # -- auth -------------------------------------------------------------------------------------------

    def account_named(self, name: object) -> Account:
        if not isinstance(name, str) or name not in self.accounts:
            raise ValueError(f"unknown esm account {name!r}")
        return self.accounts[name]

    @staticmethod
    def unauthorized() -> Response:
        """[E README]: the auth system "요청을 중간에 차단하고 바로 UnAuthorization 오류를 … 리턴", body verbatim."""
        return json_response(UNAUTHORIZED, 401)

    def caller(self, request: Request) -> Caller:
        """The caller of ``Authorization: Bearer <jwt>`` ([E README]): HS256 signed with the secret issued to the
        header's ``kid`` (the selling tool's master id), ``sub`` "sell", ``aud`` "sa.esmplus.com", ``ssi`` naming the
        seller's 옥션 and/or G마켓 id — both of one seeded account (❓ ids of two accounts in one token are refused).
        ``iss`` and ``iat`` are not checked ([E README]: iat "필수 정보 아님"). Anything else: 401, the guide's body."""
        parts = token_parts(request.headers.get("authorization", ""))
        if parts is None:
            raise Reject(self.unauthorized())
        header, payload, signed, signature = parts
        if header.get("alg") != "HS256" or header.get("kid") != MASTER_ID:
            raise Reject(self.unauthorized())
        expected = hmac.new(SECRET.encode(), signed, hashlib.sha256).digest()
        if not hmac.compare_digest(expected, signature):
            raise Reject(self.unauthorized())
        aud = payload.get("aud")
        if payload.get("sub") != SUBJECT or (aud != AUDIENCE and not (isinstance(aud, list) and AUDIENCE in aud)):
            raise Reject(self.unauthorized())
        sites = parse_ssi(payload.get("ssi"))
        owners = {
            a.name
            for site, seller in (sites or {}).items()
            for a in self.accounts.values()
            if a.seller_id(site) == seller
        }
        account = self.accounts[next(iter(owners))] if len(owners) == 1 else None
        if sites is None or account is None or any(account.seller_id(s) != v for s, v in sites.items()):
            raise Reject(self.unauthorized())
        return Caller(kid=MASTER_ID, account=account, sites=sites)

    # -- goods ------------------------------------------------------------------------------------------

    @staticmethod
    def fail(message: str, code: int = 1000) -> Response:
        """[E 20] Sample Code_Fail: ``{"resultCode", "message", "data": null}`` (❓ HTTP 200: the guide shows none)."""
        return json_response({"resultCode": code, "message": message, "data": None})

    def check_goods(self, body: Mapping[str, Any], caller: Caller, current: Mapping[str, Any] | None) -> dict[str, Any]:
        """The goods a ``POST /item/v1/goods`` (``current`` None) or a full ``PUT`` body describes, by [E 20]'s rules,
        else ``GoodsError``. The sites sold are those with a ``category.site`` entry or a price (❓)."""
        account = caller.account
        basic, extra = ci(body, "itemBasicInfo"), ci(body, "itemAddtionalInfo")
        name = ci(basic, "goodsName", "kor")
        if not isinstance(name, str) or not name.strip():
            raise GoodsError(f"{BX}검색 상품명(kor)은 필수 입력 항목입니다.")  # ❓ wording
        for key in ("promotion", "promotionIac"):
            promotion = ci(basic, "goodsName", key)
            if nbytes(name) + nbytes(promotion if isinstance(promotion, str) else "") > NAME_BYTES:
                # [E 20] kor/promotion "검색용+프로모션용 최대 100byte" (❓ UTF-8 bytes, see esm_orders.nbytes)
                raise GoodsError("검색 상품명(kor) 최대 입력 길이를 초과하였습니다.")
        eng = ci(basic, "goodsName", "eng")
        if isinstance(eng, str) and nbytes(eng) > NAME_BYTES:
            raise GoodsError(f"{BX}영문 상품명(eng)은 최대 100byte까지 입력 가능합니다")
        entries = ci(basic, "category", "site")
        categories: dict[str, str] = {}
        for entry in entries if isinstance(entries, list) else []:
            site = SITE_OF_TYPE.get(as_int(ci(entry, "siteType")) or -1)
            if site is None:  # [E 20] "[GMKT]카테고리 코드가 없습니다 — 등록하려는 사이트의 사이트타입 오류일 경우"
                raise GoodsError(f"{BX[:-3]}[GMKT]카테고리 코드가 없습니다.")
            code = ci(entry, "catCode")
            if not isinstance(code, str) or code not in CATEGORIES[site]:
                raise GoodsError(f"{BX[:-3]}[{SITE_TAG[site]}]잘 못 된 카테고리 코드입니다 < {code}")
            categories[site] = code
        prices = {site: ci(extra, "price", SITE_KEY[site]) for site in SITES}
        sites = [s for s in SITES if s in categories or (_money(prices[s]) or 0) > 0]
        if not sites:
            raise GoodsError(f"{BX[:-3]}[GMKT]카테고리 코드가 없습니다.")  # [E 20] Sample Code_Fail
        plan: dict[str, Any] = {"sites": {}}
        for site in sites:
            tag = SITE_TAG[site]
            if site not in categories:
                raise GoodsError(f"{BX[:-3]}[{tag}]카테고리 코드가 없습니다")  # [E 20] "[IAC]카테고리 코드가 없습니다"
            if not account.seller_id(site) or site not in caller.sites:
                # ❓ wording: the token names no seller on this site
                raise GoodsError(
                    f"{BX[:-3]}[{tag}]판매자 ID 정보가 없습니다. 토큰의 ssi 에 사이트 판매자 ID 를 넣어 주세요."
                )
            plan["sites"][site] = {
                "catCode": categories[site],
                "price": self.check_price(prices[site], tag),
                "stock": self.check_stock(ci(extra, "stock", SITE_KEY[site]), site),
                "sellingPeriod": self.check_period(
                    ci(extra, "sellingPeriod", SITE_KEY[site]), tag, current is not None
                ),
            }
        # [E 20] recommendedOpts, by [E 26]'s rules worded as [E 20]'s error table; with 옵션재고관리 the goods' stock
        # is the options' ("옵션재고관리(true) 선택할 경우 본 수량 무시되고 옵션 재고합으로 산정")
        prices_sold = {site: entry["price"] for site, entry in plan["sites"].items()}
        plan["options"] = self.check_options(ci(extra, "recommendedOpts"), prices_sold, 20)
        for site, total in option_stock(plan["options"]).items():
            if site in plan["sites"]:
                plan["sites"][site]["stock"] = total
        code = ci(extra, "managedCode")
        if code is not None and (not isinstance(code, str) or nbytes(code) > CODE_BYTES):
            raise GoodsError(f"{BX}판매자 관리코드(managedCode)는 100byte 이내로 입력해 주세요.")  # ❓ wording
        plan["managedCode"] = code or ""
        plan["shipping"] = self.check_shipping(ci(extra, "shipping"), account, sites)
        notice = ci(extra, "officialNotice")
        number, details = as_int(ci(notice, "officialNoticeNo")), ci(notice, "details")
        if number is None or not isinstance(details, list) or not details:
            raise GoodsError(
                f"<21>-상품 고시 필수 정보가 입력되지 않았습니다 < ({number if number is not None else ''})"
            )
        check_notice(number, details)
        if not isinstance(ci(extra, "isVatFree"), bool):
            raise GoodsError(f"{BX}부가세여부(isVatFree)는 필수 입력 항목입니다.")  # ❓ wording; [E 20] Y
        images = ci(extra, "images")
        if not _url_ok(ci(images, "basicImgURL")):
            raise GoodsError(f"{BX}상품기본이미지(basicImgURL)는 jpg, png 이미지의 http(s) 주소로 입력해 주세요.")  # ❓
        for n in range(1, MAX_EXTRA_IMAGES + 1):
            value = ci(images, f"addtionalImg{n}URL")
            if value is not None and value != "" and not _url_ok(value):
                raise GoodsError(
                    f"{BX}상품추가이미지{n}(addtionalImg{n}URL)는 jpg, png 이미지의 http(s) 주소로 입력해 주세요."
                )
        kind, html = as_int(ci(extra, "descriptions", "kor", "type")), ci(extra, "descriptions", "kor", "html")
        if kind != 2 or not isinstance(html, str) or not html.strip():  # [E 20] type 1 contentID "(추후제공)"
            raise GoodsError(f"{BX}상품상세정보(descriptions.kor)는 type 2 와 html 로 입력해 주세요.")  # ❓ wording
        for site in sites:
            if not isinstance(ci(body, "addtionalInfo", "siteDiscount", SITE_KEY[site]), bool):  # [E 20] Y
                raise GoodsError(
                    f"{BX}사이트부담 지원할인(siteDiscount.{SITE_KEY[site]})은 필수 입력 항목입니다."
                )  # ❓
        if current is not None:
            for site in sites:  # [E 20] isSell "상품수정/전환 API 호출 시 필수 설정"
                if not isinstance(ci(body, "isSell", SITE_KEY[site]), bool):
                    raise GoodsError(
                        f"{BX}판매상태(isSell.{SITE_KEY[site]})는 상품 수정 시 필수 입력 항목입니다."
                    )  # ❓
        plan["name"] = name
        plan["image"] = ci(images, "basicImgURL")
        plan["esmCategory"] = ci(basic, "category", "esm", "catCode")
        return plan

    @staticmethod
    def check_price(value: object, tag: str) -> int:
        price = _money(value)
        if price is None:
            raise GoodsError(f"{BX[:-3]}[{tag}]판매가격을 입력해 주세요.")  # ❓ wording
        if price == 0:
            raise GoodsError(f"{BX[:-3]}[{tag}]0원 금액은 입력하실 수 없습니다.")  # [E 21] Sample Code_Fail
        if not -INT32_MAX - 1 <= price <= INT32_MAX:
            raise GoodsError("값이 너무 크거나 작아 Int32 형식에 맞지 않습니다", 3000)  # [E 20]
        if not 10 <= price < MAX_PRICE or price % 10:  # [E 20] "10원 이상 10억 미만", "10원 단위"; ❓ wording
            raise GoodsError(f"{BX[:-3]}[{tag}]판매가격은 10원 이상 10억 미만, 10원 단위로 입력해 주세요. [{price}]")
        return price

    @staticmethod
    def check_stock(value: object, site: str) -> int:
        stock = as_int(value)
        if stock is None or not 1 <= stock <= MAX_STOCK:  # [E 20], verbatim
            raise GoodsError(f"{BX}{SITE_KEY[site].capitalize()} 필드는 1에서 99999 사이에 있어야 합니다")
        return stock

    @staticmethod
    def check_period(value: object, tag: str, update: bool) -> int:
        period = as_int(value)
        if period is None or period not in PERIODS + ((0,) if update else ()):  # [E 20], verbatim
            raise GoodsError(f"[{tag}] 판매기간은 -1(3PL상품 한정), 0, 15, 30, 60, 90만 가능합니다.")
        return period

    @staticmethod
    def check_shipping(shipping: object, account: Account, sites: list[str]) -> dict[str, Any]:
        """[E 20] itemAddtionalInfo > shipping: type 1 택배 (companyNo; a code not in [E 142] "기타택배로 처리") / 2
        직접배송; the account's placeNo, feeType 1 with one of its deliveryTmplIds or 2 with each.feeType 1–4, its
        반품/교환 addrNo (❓ required), and its dispatchPolicyNo for every site sold."""
        kind = as_int(ci(shipping, "type"))
        if kind not in (1, 2):
            raise GoodsError(f"{BX}배송 방법(type)이 잘 못 되었습니다")
        company = as_int(ci(shipping, "companyNo"))
        if kind == 1 and company is None:
            raise GoodsError(f"{BX}택배사코드(companyNo)는 필수 입력 항목입니다.")  # ❓ wording; [E 20] Y
        if kind == 1 and company not in COURIERS:
            company = 10034  # [E 20] "불가 택배사 코드 입력시 기타택배로 처리"; [E 142] 10034 기타택배
        place = as_int(ci(shipping, "policy", "placeNo"))
        if place != account.place_no:
            raise GoodsError(f"ShipmentPlaceNo 오류, ShipmentPlaceNo: {ci(shipping, 'policy', 'placeNo')}")
        fee_type = as_int(ci(shipping, "policy", "feeType"))
        bundle = as_int(ci(shipping, "policy", "bundle", "deliveryTmplId"))
        if fee_type == 1 and bundle not in account.bundles:
            raise GoodsError("잘못된 parameter 요청 (값이 없거나 비어있습니다)shippingPolicy")
        if fee_type == 2 and as_int(ci(shipping, "policy", "each", "feeType")) not in (1, 2, 3, 4):
            raise GoodsError(f"{BX}상품별배송비 타입(each.feeType)은 1~4 중 하나로 입력해 주세요.")  # ❓ wording
        if fee_type not in (1, 2):
            raise GoodsError(f"{BX}배송비 타입(feeType)은 1(묶음배송비) 또는 2(상품별배송비)로 입력해 주세요.")  # ❓
        if as_int(ci(shipping, "returnAndExchange", "addrNo")) != account.addr_no:
            raise GoodsError("ESM에 저장된 반품 주소지 정보가 없습니다 < 문의바랍니다")
        for site in sites:
            if as_int(ci(shipping, "dispatchPolicyNo", SITE_KEY[site])) != account.dispatch_policy_no:
                raise GoodsError("<12>-잘 못된 발송정책 번호 입니다")
        return {
            "type": kind,
            "companyNo": company,
            "placeNo": place,
            "feeType": fee_type,
            "deliveryTmplId": bundle if fee_type == 1 else 0,
            "addrNo": account.addr_no,
            "dispatchPolicyNo": account.dispatch_policy_no,
        }

    def period_end(self, period: int) -> float | None:
        """When a 판매기간 of ``period`` days started now ends (23:59:59 KST); None for -1 무제한."""
        if period == -1:
            return None
        return kst(self.clock() + period * DAY).replace(hour=23, minute=59, second=59).timestamp()

    async def body_of(self, request: Request) -> dict[str, Any]:
        return await json_object(request, self.fail(f"{BX}요청 본문이 올바른 JSON 객체가 아닙니다."))  # ❓ wording

    def owned(self, caller: Caller, value: str, *, bare: bool = False) -> dict[str, Any]:
        """The caller's goods ``value``; else a refusal in [E 20]'s fail shape (``bare``: [E 26]'s, no ``data``)."""
        goods = self.goods.get(int(value)) if value.isdigit() else None
        if goods is None or goods["account"] != caller.account.name:
            message = f"{BX}상품번호가 올바르지 않습니다 < {value}"  # ❓ wording
            raise Reject(self.bare_fail(message) if bare else self.fail(message))
        return goods

    def site_detail(self, goods: Mapping[str, Any], sites: list[str]) -> dict[str, Any]:
        return {
            SITE_KEY[s]: {"SiteGoodsNo": goods["sites"][s]["siteGoodsNo"], "SiteGoodsComment": "Success"} for s in sites
        }

    def new_site_goods_no(self, site: str) -> str:
        number = self.next_site_goods[site]
        self.next_site_goods[site] += 1
        return str(number) if site == GMARKET else f"C{number}"

    async def register(self, request: Request) -> Response:
        """``POST /item/v1/goods`` ([E 20], body [E 140]): ``{siteDetail{gmkt|iac{SiteGoodsNo, SiteGoodsComment}},
        resultCode 0, message null, goodsNo}`` (one site entry per site sold)."""
        caller = self.caller(request)
        body = await self.body_of(request)
        try:
            plan = self.check_goods(body, caller, None)
        except GoodsError as error:
            return self.fail(str(error), error.code)
        self.number_options(plan["options"])
        number = self.next_goods_no
        self.next_goods_no += 1
        now = self.clock()
        goods = {
            "goodsNo": number,
            "account": caller.account.name,
            "name": plan["name"],
            "managedCode": plan["managedCode"],
            "image": plan["image"],
            "esmCategory": plan["esmCategory"],
            "shipping": plan["shipping"],
            "options": plan["options"],
            "createdAt": now,
            "updatedAt": now,
            "body": copy.deepcopy(dict(body)),
            "sites": {},
        }
        for site, entry in plan["sites"].items():
            goods["sites"][site] = {
                **entry,
                "siteGoodsNo": self.new_site_goods_no(site),
                "isSell": True,  # [E 20] isSell "등록 시 상태 설정은 불가"
                "periodEnd": self.period_end(entry["sellingPeriod"]),
            }
        self.goods[number] = goods
        sold = list(plan["sites"])
        return json_response(
            {"siteDetail": self.site_detail(goods, sold), "resultCode": 0, "message": None, "goodsNo": number}
        )

    async def update(self, request: Request) -> Response:
        """``PUT /item/v1/goods/{goodsNo}`` ([E 20] "전체 정보 일괄 수정"): the registration's rules plus isSell per site
        sold; sellingPeriod 0 keeps the period. A site new to the goods gets its number; ❓ a site the body leaves out
        keeps its listing (nothing is deleted by omission)."""
        caller = self.caller(request)
        goods = self.owned(caller, request.path_params["goodsNo"])
        body = await self.body_of(request)
        try:
            plan = self.check_goods(body, caller, goods)
        except GoodsError as error:
            return self.fail(str(error), error.code)
        self.number_options(plan["options"])
        for site, entry in plan["sites"].items():
            old = goods["sites"].get(site)
            period = entry["sellingPeriod"]
            goods["sites"][site] = {
                **entry,
                "siteGoodsNo": old["siteGoodsNo"] if old else self.new_site_goods_no(site),
                "isSell": bool(ci(body, "isSell", SITE_KEY[site])),
                "sellingPeriod": old["sellingPeriod"] if old and period == 0 else period,
                "periodEnd": old["periodEnd"] if old and period == 0 else self.period_end(period),
            }
        keep = ("goodsNo", "account", "createdAt", "sites")
        goods.update({k: v for k, v in plan.items() if k not in keep and k != "sites"})
        goods["body"] = copy.deepcopy(dict(body))
        goods["updatedAt"] = self.clock()
        sold = list(plan["sites"])
        return json_response(
            {"siteDetail": self.site_detail(goods, sold), "resultCode": 0, "message": None, "goodsNo": goods["goodsNo"]}
        )

    async def read(self, request: Request) -> Response:
        """``GET /item/v1/goods/{goodsNo}`` ([E 20]). ❓ The guide shows no answer: the last full body sent, with
        ``goodsNo``, ``isSell`` and ``siteGoodsNo`` per site, and price / stock as they are now ([E 21] changes)."""
        caller = self.caller(request)
        goods = self.owned(caller, request.path_params["goodsNo"])
        body = copy.deepcopy(goods["body"])
        extra = next((v for k, v in body.items() if k.lower() == "itemaddtionalinfo"), None)
        if isinstance(extra, dict):
            for key, field_name in (("price", "price"), ("stock", "stock")):
                extra[key] = {SITE_KEY[s].capitalize(): e[field_name] for s, e in goods["sites"].items()}
        body = {k: v for k, v in body.items() if k.lower() != "issell"}
        return json_response(
            {
                "goodsNo": goods["goodsNo"],
                "isSell": {SITE_KEY[s]: e["isSell"] for s, e in goods["sites"].items()},
                "siteGoodsNo": {SITE_KEY[s]: e["siteGoodsNo"] for s, e in goods["sites"].items()},
                **body,
            }
        )

    async def set_sell_status(self, request: Request) -> Response:
        """``PUT /item/v1/goods/{goodsNo}/sell-status`` ([E 21]) ``{isSell{gmkt, iac}, itemBasicInfo{price, stock,
        sellingPeriod}}`` per site sold: ``{goodsNo, resultCode 0, message null}``. A site set selling needs a price
        (0 → "[GMKT]0원 금액은 입력하실 수 없습니다"), stock 1–99,999 and a period of -1/0/15/30/60/90/365; ❓ on a site
        set to 판매중지 zeros mean "leave as is" (its sample sends 0s for the stopped 옥션). A site the goods does not sell
        on is ignored. ❓ A new price must leave the options' 추가금 inside its band (``check_bands``). ❓ [E 21] "상품
        등록 API 호출하고 정상 등록 처리 시간(약 3분) 이후 변경할 수 있습니다" is not enforced (no refusal is documented
        for an earlier call); nor for [E 26] / [E 186] / [E 194]."""
        caller = self.caller(request)
        goods = self.owned(caller, request.path_params["goodsNo"])
        body = await self.body_of(request)
        changes: dict[str, dict[str, Any]] = {}
        try:
            for site in goods["sites"]:
                key, tag = SITE_KEY[site], SITE_TAG[site]
                selling = ci(body, "isSell", key)
                if not isinstance(selling, bool):  # [E 21] isSell Y
                    raise GoodsError(f"{BX}판매상태(isSell.{key})는 필수 입력 항목입니다.")  # ❓ wording
                price = _money(ci(body, "itemBasicInfo", "price", key))
                stock = as_int(ci(body, "itemBasicInfo", "stock", key))
                period = as_int(ci(body, "itemBasicInfo", "sellingPeriod", key))
                change: dict[str, Any] = {"isSell": selling}
                if selling or price:
                    change["price"] = self.check_price(price, tag)
                if selling or stock:
                    change["stock"] = self.check_stock(stock, site)
                if selling or period:
                    if period not in STATUS_PERIODS:
                        raise GoodsError(f"[{tag}] 판매기간은 -1, 0, 15, 30, 60, 90, 365만 가능합니다.")  # ❓ wording
                    if period != 0:
                        change["sellingPeriod"], change["periodEnd"] = period, self.period_end(period)
                changes[site] = change
            self.check_bands(goods, {site: c["price"] for site, c in changes.items() if "price" in c})
        except GoodsError as error:
            return self.fail(str(error), error.code)
        if not self.swallowing:
            for site, change in changes.items():
                goods["sites"][site].update(change)
            goods["updatedAt"] = self.clock()
        return json_response({"goodsNo": goods["goodsNo"], "resultCode": 0, "message": None})

    async def sell_status(self, request: Request) -> Response:
        """``GET /item/v1/goods/{goodsNo}/sell-status`` ([E 21] 조회 sample): ``IsSell``, ``itemBasicInfo{Price, Stock,
        SellingPeriod}``, the period as its end date YYYYMMDD (❓ 99991231 for -1: "상품관리2.0 : 9999-12-31")."""
        caller = self.caller(request)
        goods = self.owned(caller, request.path_params["goodsNo"])
        sites = goods["sites"]

        def end(entry: Mapping[str, Any]) -> int:
            at = entry["periodEnd"]
            return 99991231 if at is None else int(kst(at).strftime("%Y%m%d"))

        return json_response(
            {
                "IsSell": {SITE_KEY[s]: e["isSell"] for s, e in sites.items()},
                "itemBasicInfo": {
                    "Price": {SITE_KEY[s]: float(e["price"]) for s, e in sites.items()},
                    "Stock": {SITE_KEY[s]: e["stock"] for s, e in sites.items()},
                    "SellingPeriod": {SITE_KEY[s]: end(e) for s, e in sites.items()},
                },
            }
        )

    # -- 추천옵션 ([E 26]) ------------------------------------------------------------------------------------

    @staticmethod
    def bare_fail(message: str, code: int = 1000) -> Response:
        """[E 26] / [E 161] JSON_Fail: ``{"resultCode", "message"}`` (no ``data``; ❓ HTTP 200 as [E 20]'s)."""
        return json_response({"resultCode": code, "message": message})

    def check_options(self, opts: object, prices: Mapping[str, int], page: int) -> dict[str, Any]:
        """The ``recommendedOpts`` ``opts`` of a goods selling at ``prices`` (per site sold) as ``GET …/recommended-options``
        answers them ([E 26] 조회 sample), else ``GoodsError``. ``page`` 20: inside a goods body, worded as [E 20]'s error
        table; 26: the option call, worded as [E 26]'s. Rules ([E 26] table, [E 20] the same rows): type 1 선택형
        (``independent``, two or more in ``independents``), 2 / 3 조합형 (``combination``); isStockManage (Y); per row
        a value code or a typed-in value, isSoldOut and isDisplay (Y), qty 1–99,999 per site sold when 옵션재고관리, manageCode
        ≤ 20 bytes, addAmnt within the price band; 선택형 ≤ 50 rows, 조합형 ≤ 500. ❓ Types 4–9 (계산형 / 텍스트형) are
        kept as sent inside a goods body (as before) and refused by the option call: the sandbox does not model them."""
        kind = as_int(ci(opts, "type"))
        if kind is None or not (0 if page == 20 else 1) <= kind <= 9:  # [E 20] 0–9 (Y); [E 26] 1–9 (Y)
            raise GoodsError(TYPE_MESSAGE)
        if kind == 0:
            return copy.deepcopy(NO_OPTIONS)
        manage = ci(opts, "isStockManage")
        if not isinstance(manage, bool):  # [E 26] Y "추천옵션 사용일 경우 필수"; ❓ wording
            raise GoodsError(
                f"{BX}옵션재고관리(isStockManage)는 필수 입력 항목입니다. true 또는 false로 입력해 주세요."
            )
        input_type = 0 if ci(opts, "inputType") is None else as_int(ci(opts, "inputType"))
        if input_type not in (0, 1):  # [E 26] inputType "0 : 공통 1 : 사이트별"; ❓ wording
            raise GoodsError(f"{BX}옵션 사이트별 설정 여부(inputType)는 0(공통) 또는 1(사이트별)로 입력해 주세요.")
        options = {**NO_OPTIONS, "type": kind, "isStockManage": manage, "inputType": input_type}
        if kind >= 4:
            if page == 26:  # ❓ wording
                raise GoodsError(
                    f"{BX}샌드박스는 선택형(type 1)과 조합형(type 2, 3) 옵션만 받습니다. 옵션을 선택형이나 조합형으로 보내 주세요."
                )
            for key in ("independent", "independents", "combination", "text", "calculation"):
                options[key] = copy.deepcopy(ci(opts, key))
            return options
        if kind == 1:
            many, single = ci(opts, "independents"), ci(opts, "independent")
            listed = isinstance(many, list) and bool(many)
            blocks = many if listed else [single]
            if not all(isinstance(block, Mapping) for block in blocks):  # ❓ wording
                raise GoodsError(f"{BX}선택형(type 1) 옵션은 independent(2개 이상은 independents)에 입력해 주세요.")
            rows = sum(len(d) if isinstance(d := ci(block, "details"), list) else 0 for block in blocks)
            if rows > MAX_INDEPENDENT:  # [E 26] Sample Code_Fail, verbatim; ❓ counted over all independents
                raise GoodsError("선택형(Independent) 상세정보(Details) 항목은 50개까지 입력 가능합니다")
            made = [self.option_block(block, 1, manage, input_type, prices, page) for block in blocks]
            options["independents" if listed else "independent"] = made if listed else made[0]
            return options
        block = ci(opts, "combination")
        if not isinstance(block, Mapping):  # ❓ wording
            raise GoodsError(f"{BX}조합형(type {kind}) 옵션은 combination에 입력해 주세요.")
        details = ci(block, "details")
        if isinstance(details, list) and len(details) > MAX_COMBINATION:  # [E 26] "조합형은 500개까지"; ❓ wording
            raise GoodsError("조합형(Combination) 상세정보(Details) 항목은 500개까지 입력 가능합니다")
        options["combination"] = self.option_block(block, kind, manage, input_type, prices, page)
        return options

    def option_block(
        self, block: Mapping[str, Any], width: int, manage: bool, input_type: int, prices: Mapping[str, int], page: int
    ) -> dict[str, Any]:
        """One 선택형 block (``width`` 1: ``recommendedOptNo``, rows' ``recommendedOptValueNo``) or the 조합형 block
        (``width`` 2 / 3: ``recommendedOptNo1..3``, ``recommendedOptValueNo1..3``), in [E 26] 조회's key order."""
        combination = width > 1
        label = "Combination" if combination else "Independent"
        suffixes = [str(n) for n in range(1, width + 1)] if combination else [""]
        numbers: list[int] = []
        names: list[dict[str, Any]] = []
        for suffix in suffixes:
            number = as_int(ci(block, f"recommendedOptNo{suffix}"))
            sent = ci(block, f"recommendedOptName{suffix}")
            if number is None or (number == 0 and _typed(sent) is None) or (number and number not in RECOMMENDED_OPTS):
                # [E 26] "[Independent] 옵션 번호 오류 (0)" 3000 "선택형의 옵션코드가 아닐 경우"; ❓ "[Combination]" likewise
                raise GoodsError(f"[{label}] 옵션 번호 오류 ({number if number is not None else 0})", 3000)
            numbers.append(number)
            names.append(_text(sent, _typed(sent)) if number == 0 else _text(None, RECOMMENDED_OPTS[number][0]))
        details = ci(block, "details")
        if not isinstance(details, list) or not details or not all(isinstance(d, Mapping) for d in details):
            raise GoodsError(f"{BX}옵션 상세정보(details)를 1개 이상 입력해 주세요.")  # ❓ wording
        rows = [
            self.option_row(detail, numbers, suffixes, width, manage, input_type, prices, page) for detail in details
        ]
        if all(row["isSoldOut"] for row in rows):
            if page == 26:  # [E 26] 3000 "모든 옵션의 isSoldOut이 true일 경우"
                raise GoodsError("모든 옵션이 품절인 상태로 등록이 불가합니다", 3000)
            raise GoodsError("주문선택사항이 최소 1개 이상 판매되어야 합니다")  # [E 20]
        if not any(row["isDisplay"] and not row["isSoldOut"] for row in rows):
            # [E 20] "모든 옵션 품절여부/노출여부를 모두 true/false로 설정했을 경우"; ❓ [E 26] too, per block
            raise GoodsError("주문선택사항이 최소 1개 이상 판매되어야 합니다")
        if not combination:
            return {"details": rows, "recommendedOptNo": numbers[0], "recommendedOptName": names[0]}
        made: dict[str, Any] = {"details": rows}
        for n in range(1, 4):
            made[f"recommendedOptNo{n}"] = numbers[n - 1] if n <= width else 0
        made["imageInfo"] = None
        for n in range(1, 4):
            made[f"recommendedOptName{n}"] = names[n - 1] if n <= width else None
        return made

    def option_row(
        self,
        detail: Mapping[str, Any],
        numbers: list[int],
        suffixes: list[str],
        width: int,
        manage: bool,
        input_type: int,
        prices: Mapping[str, int],
        page: int,
    ) -> dict[str, Any]:
        """One option row as [E 26] 조회 shows it (``optSeq`` set when the options are kept)."""
        values: dict[str, Any] = {}
        texts: dict[str, Any] = {}
        for number, suffix in zip(numbers, suffixes, strict=True):
            value = as_int(ci(detail, f"recommendedOptValueNo{suffix}"))
            sent = ci(detail, f"recommendedOptValue{suffix}")
            known = RECOMMENDED_OPTS[number][1] if number else {}
            if value == 0 and number in TYPED_VALUES:  # [E 26] "추천옵션항목코드 대신 직접입력 경우"
                if _typed(sent) is None:  # ❓ wording
                    raise GoodsError(
                        f"{BX}직접 입력하는 옵션 항목은 recommendedOptValue{suffix}.koreanText에 이름을 입력해 주세요."
                    )
                korean = _typed(sent)
            elif value is not None and value in known:  # ❓ the name sent, else the guide's
                korean = _typed(sent) or known[value]
            else:  # ❓ wording ([E 26] names no refusal for an unknown value code)
                raise GoodsError(
                    f"{BX}추천옵션항목코드(recommendedOptValueNo{suffix}) {value}은(는) 추천옵션 {number}의 항목이 아닙니다. "
                    f"추천옵션 항목 조회 API(options/recommended-opts/{number})로 확인해 주세요."
                )
            values[f"recommendedOptValueNo{suffix}"] = value
            texts[f"recommendedOptValue{suffix}"] = _text(sent, korean)
        for n in range(width + 1, 4) if width > 1 else ():  # 2개 조합형: the third slot empty
            values[f"recommendedOptValueNo{n}"] = 0
            texts[f"recommendedOptValue{n}"] = None
        sold, shown = ci(detail, "isSoldOut"), ci(detail, "isDisplay")
        if not isinstance(sold, bool) or not isinstance(shown, bool):  # [E 26] both Y; ❓ wording
            raise GoodsError(f"{BX}옵션 품절여부(isSoldOut)와 노출여부(isDisplay)는 true 또는 false로 입력해 주세요.")
        qty = {SITE_KEY[site]: as_int(ci(detail, "qty", SITE_KEY[site])) for site in (AUCTION, GMARKET)}
        bad = [s for s in SITES if manage and s in prices and not 1 <= (qty[SITE_KEY[s]] or 0) <= MAX_STOCK]
        if bad and page == 26:  # [E 26] error table, verbatim when both sites are out of range
            fields = ",".join(f'\\"{SITE_KEY[s].capitalize()} 필드는 1에서 99999 사이에 있어야 합니다.\\"' for s in bad)
            raise GoodsError(f"[InvalidApiRequestEx][{fields}]")
        if bad:  # [E 20] "[InvalidApiRequestEx][￦"[IAC] 재고수량은 1~99999로 설정해 주세요", ❓ the first site named
            raise GoodsError(f"{BX}[{SITE_TAG[bad[0]]}] 재고수량은 1~99999로 설정해 주세요")
        code = ci(detail, "manageCode")
        if code is not None and (not isinstance(code, str) or nbytes(code) > OPTION_CODE_BYTES):  # [E 26]; ❓ wording
            raise GoodsError(f"{BX}판매자옵션관리코드(manageCode)는 20byte 이내로 입력해 주세요 < {code}")

        def per_site(key: str, common: Any) -> dict[str, Any]:  # [E 26] "…Site": "사이트별 설정 (inputType : 1)"
            site_values = {k: ci(detail, key, k) for k in ("gmkt", "iac")}
            return {k: v if input_type == 1 and v is not None else common for k, v in site_values.items()}

        def amount_of(value: object) -> float:  # [E 26] addAmnt "number" (null = none)
            if value is None:
                return 0.0
            if isinstance(value, bool) or not isinstance(value, (int, float)):  # ❓ wording
                raise GoodsError(f"{BX}주문옵션 추가금(addAmnt)은 숫자로 입력해 주세요 < {value}")
            return float(value)

        common = amount_of(ci(detail, "addAmnt"))
        amounts = per_site("addAmntSite", common)
        for site in SITES:
            amount = amount_of(amounts[SITE_KEY[site]])
            if site in prices:
                low, high = add_range(prices[site])
                if not low <= amount <= high:  # ❓ wording
                    raise GoodsError(
                        f"{BX}[{SITE_TAG[site]}] 주문옵션 추가금(addAmnt)은 판매가 {prices[site]}원 기준 {low}원 ~ "
                        f"{high}원 사이로 입력해 주세요 < {_shown(amount)}"
                    )
            amounts[SITE_KEY[site]] = amount
        sold_sites, shown_sites = per_site("isSoldOutSite", sold), per_site("isDisplaySite", shown)
        return {
            **values,
            **texts,
            "optSeq": 0,
            "isSoldOut": sold,
            "isSoldOutSite": {k: bool(v) for k, v in sold_sites.items()},
            "isDisplay": shown,
            "isDisplaySite": {k: bool(v) for k, v in shown_sites.items()},
            "qty": {k: v or 0 for k, v in qty.items()},
            "manageCode": code,
            "skuInfo": copy.deepcopy(ci(detail, "skuInfo")),
            "addAmnt": common,
            "addAmntSite": {"gmkt": amounts["gmkt"], "iac": amounts["iac"]},
        }

    def number_options(self, options: Mapping[str, Any]) -> None:
        """Give each kept option row its ``optSeq`` ([E 26] 조회; ❓ new numbers on every registration / PUT)."""
        for row in option_rows(options):
            row["optSeq"] = self.next_opt_seq
            self.next_opt_seq += 1

    async def set_options(self, request: Request) -> Response:
        """``PUT /item/v1/goods/{goodsNo}/recommended-options`` ([E 26] 등록/수정) of the caller's goods: the options
        replace the goods' own (also its ``recommendedOpts`` in ``GET /item/v1/goods/{goodsNo}``) and, with
        옵션재고관리, its stock per site ([E 20]); ``{"goodsNo"}`` as the page's Sample Code_Success, a refusal
        ``{"resultCode", "message"}`` as its JSON_Fail."""
        caller = self.caller(request)
        goods = self.owned(caller, request.path_params["goodsNo"], bare=True)
        body = await json_object(request, self.bare_fail(f"{BX}요청 본문이 올바른 JSON 객체가 아닙니다."))  # ❓ wording
        prices = {site: entry["price"] for site, entry in goods["sites"].items()}
        try:
            options = self.check_options(body, prices, 26)
        except GoodsError as error:
            return self.bare_fail(str(error), error.code)
        if self.swallowing:
            return json_response({"goodsNo": goods["goodsNo"]})
        self.number_options(options)
        goods["options"] = options
        for site, total in option_stock(options).items():
            if site in goods["sites"]:
                goods["sites"][site]["stock"] = total
        extra = next((v for k, v in goods["body"].items() if k.lower() == "itemaddtionalinfo"), None)
        if isinstance(extra, dict):
            key = next((k for k in extra if k.lower() == "recommendedopts"), "recommendedOpts")
            extra[key] = copy.deepcopy(body)
        goods["updatedAt"] = self.clock()
        return json_response({"goodsNo": goods["goodsNo"]})

    async def options(self, request: Request) -> Response:
        """``GET /item/v1/goods/{goodsNo}/recommended-options`` ([E 26] 조회 sample): the goods' options as kept."""
        caller = self.caller(request)
        goods = self.owned(caller, request.path_params["goodsNo"], bare=True)
        return json_response(copy.deepcopy(goods.get("options") or NO_OPTIONS))

    # -- 재고 ([E 194]) ----------------------------------------------------------------------------------------

    async def set_stock(self, request: Request) -> Response:
        """``PUT /item/v1/goods/{goodsNo}/stock`` ([E 194]) ``{"stock": {"gmkt", "iac"}}``, each 1–99,999, for the sites
        the goods sells on (❓ a site it does not sell on is ignored, as [E 21]'s). "본품만 판매하는 상품만 수정 가능하며
        옵션 사용 상품 … 재고 수정 불가": a goods with options (type ≠ 0, ❓ with or without 옵션재고관리) is refused.
        ❓ All or nothing: one site out of range changes neither. Answer ``{resultCode 0, message "[IAC] 성공 / [GMKT]
        성공", goodsNo}`` as its Sample Code_Success (❓ only the sites changed named, 옥션 first as there)."""
        caller = self.caller(request)
        goods = self.owned(caller, request.path_params["goodsNo"])
        body = await self.body_of(request)
        if (goods.get("options") or NO_OPTIONS)["type"] != 0:  # ❓ wording
            return self.fail(
                "옵션을 사용하는 상품은 재고 수정 API로 재고를 바꿀 수 없습니다. "
                "옵션 관리 API(recommended-options)로 옵션별 재고를 수정해 주세요."
            )
        changes: dict[str, int] = {}
        for site in (AUCTION, GMARKET):
            sent = ci(body, "stock", SITE_KEY[site])
            if site not in goods["sites"] or sent is None:
                continue
            stock = as_int(sent)
            if stock is not None and stock > MAX_STOCK:  # [E 194] Sample Code_Fail, verbatim
                return self.fail(f"[{SITE_TAG[site]}] 재고는 99999개 이하이어야 합니다.")
            if stock is None or stock < 1:  # [E 194] "1 ~ 99,999 내 입력 가능"; ❓ wording
                return self.fail(f"[{SITE_TAG[site]}] 재고는 1개 이상이어야 합니다.")
            changes[site] = stock
        if not changes:  # ❓ wording
            return self.fail("바꿀 재고를 stock.gmkt 또는 stock.iac에 1~99999로 입력해 주세요.")
        if not self.swallowing:
            for site, stock in changes.items():
                goods["sites"][site]["stock"] = stock
            goods["updatedAt"] = self.clock()
        message = " / ".join(f"[{SITE_TAG[site]}] 성공" for site in changes)
        return json_response({"resultCode": 0, "message": message, "goodsNo": goods["goodsNo"]})

    # -- 가격 ([E 186]) ------------------------------------------------------------------------------------------

    def selling(self, entry: Mapping[str, Any]) -> bool:
        """A site of a goods sells: isSell true ([E 21]) and its period not ended ("기간 만료시 판매중지")."""
        return bool(entry["isSell"]) and (entry["periodEnd"] is None or entry["periodEnd"] >= self.clock())

    @staticmethod
    def check_bands(goods: Mapping[str, Any], prices: Mapping[str, int]) -> None:
        """❓ A new price of a site must leave every option row's 추가금 on that site inside the band of [E 26] addAmnt
        ("2천원 미만 (0 ~ 100%) - 1만원 미만 (-50 ~ 100%) - 1만원이상 (기본값 -50 ~ 50%)"): the guide checks the band on
        the option call and names no check on a price change; the sandbox holds the price side to the same rule (the
        stricter reading), worded as the option call's refusal."""
        options = goods.get("options") or NO_OPTIONS
        if options["type"] not in (1, 2, 3):
            return
        for site, price in prices.items():
            low, high = add_range(price)
            for row in option_rows(options):
                amount = float(row["addAmntSite"][SITE_KEY[site]])
                if not low <= amount <= high:
                    raise GoodsError(
                        f"{BX}[{SITE_TAG[site]}] 주문옵션 추가금(addAmnt)은 판매가 {price}원 기준 {low}원 ~ {high}원 사이로 "
                        f"입력해 주세요 < {_shown(amount)}"
                    )

    async def set_price(self, request: Request) -> Response:
        """``PUT /item/v1/goods/{goodsNo}/price`` ([E 186] 가격 수정 API: "상품 가격만 수정하는 API") ``{"gmkt", "iac"}``,
        each optional, for the sites the goods sells on (❓ a site it does not sell on is ignored, as [E 194]'s). Each
        price "10원단위로 등록" (its Sample Code_Fail, verbatim: "[GMKT]1원단위는 입력하실 수 없습니다."), not 0 ([E 21]'s
        "[InvalidApiRequestEx][GMKT]0원 금액은 입력하실 수 없습니다."), "십억이상 입력 불가" (❓ wording). "상품
        판매상태가 판매중인 경우만 수정 되고 판매중지 상품은 가격 수정되지 않습니다": a site stopped (isSell false or its
        period ended) keeps its price, ❓ answered as done all the same (the guide shows no refusal for it). ❓ The
        options' 추가금 must fit each new price (``check_bands``). ❓ All or nothing. Answer ``{resultCode 0, message
        "[GMKT] 성공", goodsNo}`` as its Sample Code_Success (❓ every site sent named, 옥션 first, as [E 194]'s)."""
        caller = self.caller(request)
        goods = self.owned(caller, request.path_params["goodsNo"])
        body = await self.body_of(request)
        changes: dict[str, int] = {}
        for site in (AUCTION, GMARKET):
            sent, tag = ci(body, SITE_KEY[site]), SITE_TAG[site]
            if site not in goods["sites"] or sent is None:
                continue
            price = _money(sent)
            if price is None or price < 0:  # ❓ wording
                return self.fail(f"[{tag}]판매가격은 10원 단위 숫자로 입력해 주세요.")
            if price == 0:  # [E 21] Sample Code_Fail
                return self.fail(f"[InvalidApiRequestEx][{tag}]0원 금액은 입력하실 수 없습니다.")
            if price % 10:  # [E 186] Sample Code_Fail, verbatim
                return self.fail(f"[{tag}]1원단위는 입력하실 수 없습니다.")
            if price >= MAX_PRICE:  # [E 186] "십억이상 입력 불가"; ❓ wording
                return self.fail(f"[{tag}]판매가격은 10억 원 미만으로 입력해 주세요.")
            changes[site] = price
        if not changes:  # ❓ wording
            return self.fail("바꿀 가격을 gmkt 또는 iac에 10원 단위로 입력해 주세요.")
        applied = {site: price for site, price in changes.items() if self.selling(goods["sites"][site])}
        try:
            self.check_bands(goods, applied)
        except GoodsError as error:
            return self.fail(str(error), error.code)
        if not self.swallowing and applied:
            for site, price in applied.items():
                goods["sites"][site]["price"] = price
            goods["updatedAt"] = self.clock()
        message = " / ".join(f"[{SITE_TAG[site]}] 성공" for site in changes)
        return json_response({"resultCode": 0, "message": message, "goodsNo": goods["goodsNo"]})

    # -- 고시 정보 ([E 161]) -------------------------------------------------------------------------------------

    async def notice_groups(self, request: Request) -> Response:
        """``GET /item/v1/official-notice/groups`` ([E 161]): ``{"groups": [{officialNoticeNo, officialNoticeName}]}``,
        1 ~ 41 (❓ names other than [E 161]'s "의류": see NOTICE_NAMES)."""
        self.caller(request)
        groups = [{"officialNoticeNo": n, "officialNoticeName": NOTICE_NAMES[n]} for n in NOTICE_GROUPS]
        return json_response({"groups": groups})

    async def notice_codes(self, request: Request) -> Response:
        """``GET /item/v1/official-notice/groups/{officialNoticeNo}/codes`` ([E 161]): ``{"codes": [{…ItemelementCode,
        …ItemelementName, guideText, isExtraMark}]}``. A number that is not one answers the page's Sample Code_Fail
        (2181, verbatim); one outside "1 ~ 41 내 조회 가능" its JSON_Fail shape with ❓ 1000 and the sandbox's wording."""
        self.caller(request)
        number = as_int(request.path_params["officialNoticeNo"])
        if number is None:
            return self.bare_fail(NOTICE_NOT_NUMBER, 2181)
        if number not in NOTICE_CODES:
            return self.bare_fail("상품군 코드(officialNoticeNo)는 1 ~ 41 사이로 입력해 주세요.")
        codes = [
            {
                "officialNoticeItemelementCode": code,
                "officialNoticeItemelementName": name,
                "guideText": "",
                "isExtraMark": required,
            }
            for code, name, required in NOTICE_CODES[number]
        ]
        return json_response({"codes": codes})

    def sold_out(self, account: str, site: str, site_goods_no: str) -> None:
        """[E 52] 판매취소: "해당 상품(또는 옵션)은 품절처리" — ❓ the site stops selling the goods (isSell false);
        nothing while the sandbox swallows sale-status writes (``set_swallow``)."""
        if self.swallowing:
            return
        for goods in self.goods.values():
            entry = goods["sites"].get(site)
            if goods["account"] == account and entry is not None and entry["siteGoodsNo"] == site_goods_no:
                entry["isSell"] = False

    async def search(self, request: Request) -> Response:
        """``POST /item/v1/goods/search`` ([E 160]) ``{query{goodsNo[], siteGoodsNo[], managedCode[], sellStatus[],
        siteId[], siteSellerId[], keyword}, pageIndex, pageSize ≤ 500}``: ``{totalItems, pageIndex, pageSize, items}``
        of the caller's goods, by registration time. 30 calls a minute ❓ per master id; the 31st answers ❓ 1000
        "상품 목록 조회는 분당 30회까지 호출 가능합니다." (the guide gives no refusal)."""
        caller = self.caller(request)
        now = self.clock()
        recent = [t for t in self.searches.get(caller.kid, []) if now - t < 60]
        if len(recent) >= SEARCH_PER_MINUTE:
            self.searches[caller.kid] = recent
            return self.fail("상품 목록 조회는 분당 30회까지 호출 가능합니다. 1분 뒤에 다시 조회해 주세요.")
        self.searches[caller.kid] = [*recent, now]
        body = await self.body_of(request)
        index, size = as_int(ci(body, "pageIndex")), as_int(ci(body, "pageSize"))
        if size is None or not 1 <= size <= MAX_PAGE:  # [E 160] Sample Code_Fail, verbatim
            return self.fail(f'{BX}한번에 조회 가능한 상품 수는 1~500 사이로 입력해야 합니다.\\"]')
        if index is None or index < 1:
            return self.fail(f"{BX}페이지 인덱스(pageIndex)는 1 이상으로 입력해 주세요.")  # ❓ wording
        query = ci(body, "query")
        query = query if isinstance(query, Mapping) else {}

        def listed(key: str) -> set[str] | None:
            value = ci(query, key)
            return {str(v) for v in value} if isinstance(value, list) and value else None

        numbers, site_numbers, codes = listed("goodsNo"), listed("siteGoodsNo"), listed("managedCode")
        states, site_ids, seller_ids = listed("sellStatus"), listed("siteId"), listed("siteSellerId")
        keyword = ci(query, "keyword")
        rows = []
        for goods in self.goods.values():
            if goods["account"] != caller.account.name:
                continue
            sites = [
                s
                for s in goods["sites"]
                if s in caller.sites
                and (site_ids is None or str(SITE_TYPE[s]) in site_ids)
                and (seller_ids is None or caller.sites[s] in seller_ids)
            ]
            entries = [goods["sites"][s] for s in sites]
            if not sites or (numbers is not None and str(goods["goodsNo"]) not in numbers):
                continue
            if site_numbers is not None and not {e["siteGoodsNo"] for e in entries} & site_numbers:
                continue
            if codes is not None and goods["managedCode"] not in codes:
                continue
            if states is not None and not {SELL_ON if e["isSell"] else SELL_OFF for e in entries} & states:
                continue
            if isinstance(keyword, str) and keyword and keyword not in goods["name"] + goods["managedCode"]:
                continue
            rows.append(goods)
        if as_int(ci(body, "sortOrder")) == 1:
            rows.reverse()
        page = rows[(index - 1) * size : index * size]
        items = [self.search_item(goods, (index - 1) * size + n, caller) for n, goods in enumerate(page, 1)]
        return json_response({"totalItems": len(rows), "pageIndex": index, "pageSize": size, "items": items})

    def search_item(self, goods: Mapping[str, Any], no: int, caller: Caller) -> dict[str, Any]:
        """[E 160]'s item fields the sandbox knows."""
        sites = goods["sites"]

        def per_site(value: Callable[[str, Mapping[str, Any]], Any]) -> dict[str, Any]:
            return {SITE_KEY[s]: value(s, sites[s]) if s in sites else None for s in SITES}

        last_end = max((e["periodEnd"] or 253402268399.0) for e in sites.values())
        return {
            "no": no,
            "goodsNo": str(goods["goodsNo"]),
            "siteGoodsNo": per_site(lambda s, e: e["siteGoodsNo"]),
            "managedCode": goods["managedCode"],
            "imgUrl": goods["image"],
            "goodsName": goods["name"],
            "siteSellerId": {SITE_KEY[s]: caller.account.seller_id(s) if s in sites else None for s in SITES},
            "sellStatus": per_site(lambda s, e: SELL_ON if e["isSell"] else SELL_OFF),
            "price": per_site(lambda s, e: float(e["price"])),
            "stock": per_site(lambda s, e: e["stock"]),
            "dispEndDate": "9999-12-31 23:59:59" if last_end >= 253402268399.0 else spaced(last_end),
            "category": {
                "site": per_site(lambda s, e: {"catCode": e["catCode"], "catName": CATEGORIES[s][e["catCode"]]}),
                "esm": {"catCode": goods["esmCategory"], "catName": None},
            },
            "createdDate": spaced(goods["createdAt"]),
            "updatedDate": spaced(goods["updatedAt"]),
            "shipping": {
                "placeNo": goods["shipping"]["placeNo"],
                "dispatchPolicyNo": goods["shipping"]["dispatchPolicyNo"],
                "bundleDeliveryTmplId": str(goods["shipping"]["deliveryTmplId"]),
            },
        }

    async def place_policies(self, request: Request) -> Response:
        """``GET /item/v1/shipping/places/{placeNo}/policies`` ([E 18] 조회): ``{placeNo, policies: [{policyNo, feeType,
        fee, isPrepayment, isCashOnDelivery, shippingFee: [{condition}]}]}``; the account's 묶음배송비 policies, each
        조건부무료 2,500원 over 20,000원 as [E 18]'s 조건부무료 sample (❓ the sandbox's amounts). A 출하지 the
        account does not have answers 1000 (❓ wording: [E 18] names no error for it)."""
        caller = self.caller(request)
        account = caller.account
        if request.path_params["placeNo"] != str(account.place_no):
            return self.fail("출하지 번호를 확인해 주세요.")
        policies = [
            {
                "policyNo": number,
                "feeType": 3,
                "fee": 2500,
                "isPrepayment": True,
                "isCashOnDelivery": False,
                "shippingFee": [{"condition": 20000}],
            }
            for number in account.bundles
        ]
        return json_response({"placeNo": account.place_no, "policies": policies})

    async def delivery_companies(self, request: Request) -> Response:
        """``GET /item/v1/shipping/delivery-company`` ([E 142]): ``{deliveryCompanies: [{deliveryCompCode,
        deliveryCompName}]}``, the guide's list."""
        self.caller(request)
        rows = [{"deliveryCompCode": code, "deliveryCompName": name} for code, name in COURIERS.items()]
        return json_response({"deliveryCompanies": rows})
