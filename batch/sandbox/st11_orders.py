"""11번가 orders, claims, product Q&A and 긴급알리미 in the sandbox (marketplaces-next.md §1.3–1.5).

Sources as in ``st11``: [G] the guide copy in ``rumeadia-dotcom/ing0415`` (file name beside each rule), [N]
marketplaces-next.md. A line of an order moves 결제완료 (paid) → 배송준비중 (packaging, [G] 1634 발주확인) → 배송중
(shipping, [G] 1888 발송처리); a buyer's cancel takes it to cancel_requested or cancelled, an approved return
([G] 1644) to returned. Claims ([G] 1639/1724 cancels, 1643 returns, 1648 exchanges and 재배송) move as each rule says.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from batch.sandbox.faults import Clock
from batch.sandbox.st11_xml import (
    client_message,
    fields_of,
    kst,
    list_result,
    list_rows,
    parse_day,
    parse_minutes,
    read_xml,
    result_order,
    stamp,
    xml_response,
)
from batch.sandbox.web import Reject, endpoint

if TYPE_CHECKING:
    from batch.sandbox.st11 import Account, St11Market

DAY = 86_400
MAX_ROWS = 3_000  # [G] 1876 "최대 3,000건까지 조회 가능합니다."; 1643/1648 "최대 조회건수는 3000건"
MAX_SEED_ORDERS = 500
MAX_SEED_INQUIRIES = 500
SEED_KEYS = frozenset({"market", "orders", "inquiries", "alimi", "seed", "account", "shared_bundles", "qty", "product"})
MAX_SEED_QTY = 999  # ❓ the sandbox's bound for a seeded line's ordQty
FIRST_ORDER_SEQ = 1
# [G] claim/cancel-1638 ordCnRsnCd
SALE_REFUSALS = {
    "06": "배송 지연 예상",
    "07": "상품/가격 정보 잘못 입력",
    "08": "상품 품절(전체옵션)",
    "09": "옵션 품절(해당옵션)",
    "10": "고객변심",
    "99": "기타",
}
FIRST_DLV_NO = 40_860_001
FIRST_CLAIM_SEQ = 7_000_001
FIRST_BRD_INFO_NO = 4_881_001
FIRST_EMER_NTCE_SEQ = 5_590_001  # [G] notify/notify-1796 example emerNtceSeq 5590778
# [G] 1796 emerNtceCrntCd: 01 미확인, 02 답변대기, 03 답변완료, 04 재답변요청, 05 재답변완료, 06 처리완료
ALIMI_STATES = ("01", "02", "03", "04", "05", "06")
ALIMI_SETTLED = ("03", "05", "06")  # [G] 6982 −10005 "이미 처리된 알리미입니다." (❓ which states count as 처리된)
ALIMI_DAYS = 30  # [G] 1796 "기간:최대30일"; −10004 "조회기간이 30일을 초과했을경우"

PAID, PACKAGING, SHIPPING, CANCEL_REQUESTED, CANCELLED, RETURNED = (
    "paid",
    "packaging",
    "shipping",
    "cancel_requested",
    "cancelled",
    "returned",
)

# [G] order/dispatch-1888.md dlvEtprsCd: every courier code the guide lists.
COURIERS = frozenset(
    [
        "00002",
        "00007",
        "00011",
        "00012",
        "00021",
        "00022",
        "00023",
        "00025",
        "00026",
        "00027",
        "00034",
        "00035",
        "00036",
        "00037",
        "00038",
        "00039",
        "00040",
        "00041",
        "00042",
        "00044",
        "00045",
        "00046",
        "00047",
        "00048",
        "00049",
        "00050",
        "00051",
        "00052",
        "00053",
        "00054",
        "00056",
        "00057",
        "00058",
        "00060",
        "00061",
        "00062",
        "00063",
        "00064",
        "00065",
        "00066",
        "00067",
        "00068",
        "00069",
        "00070",
        "00071",
        "00072",
        "00073",
        "00074",
        "00077",
        "00079",
        "00080",
        "00081",
        "00082",
        "00083",
        "00085",
        "00086",
        "00087",
        "00088",
        "00089",
        "00090",
        "00091",
        "00092",
        "00094",
        "00095",
        "00096",
        "00097",
        "00098",
        "00099",
        "00100",
        "00101",
        "00102",
        "00103",
        "00104",
        "00105",
        "00106",
        "00107",
        "00108",
        "00109",
        "00111",
        "00112",
        "00113",
        "00114",
        "00115",
        "00116",
        "00117",
        "00118",
        "00119",
        "00120",
        "00121",
        "00122",
        "00123",
        "00124",
        "00125",
        "00126",
        "00127",
        "00128",
        "00129",
        "00130",
        "00131",
        "00133",
        "00134",
        "00135",
        "00136",
        "00137",
        "00138",
        "00139",
        "00140",
        "00141",
        "00142",
        "00143",
        "00144",
        "00145",
        "00146",
        "00147",
        "00148",
        "00149",
        "00151",
    ]
)
DELIVERY_METHODS = frozenset({"01", "03", "04", "05"})  # [G] 1888 dlvMthdCd; 05 배송없음: courier and invcNo "null"


def _lotte(number: str) -> bool:
    """[N] §7.4 (delivery-tracker's module): 12 digits, the last = the first 11 as a number mod 7."""
    return len(number) == 12 and number.isdigit() and int(number[:11]) % 7 == int(number[11])


# [G] 1888 −3306 "택배사별로 송장번호 규칙이 있습니다"; the rules themselves: [N] §7.4 (CJ `^(\d{10}(\d{2})?)?$` from
# delivery-tracker's CJ module, 10 or 12 digits; 한진 12/14; 롯데 12 + mod 7; 우체국 13; 로젠 11).
INVOICE_RULES: dict[str, Callable[[str], bool]] = {
    "00034": lambda n: re.fullmatch(r"\d{10}(\d{2})?", n) is not None,
    "00011": lambda n: re.fullmatch(r"\d{12}|\d{14}", n) is not None,
    "00012": _lotte,
    "00007": lambda n: re.fullmatch(r"\d{13}", n) is not None,
    "00002": lambda n: re.fullmatch(r"\d{11}", n) is not None,
}


def invoice_ok(courier: str, number: str) -> bool:
    """The courier's rule, else ❓ 6–20 letters and digits (international couriers' numbers carry letters)."""
    rule = INVOICE_RULES.get(courier)
    return rule(number) if rule else re.fullmatch(r"[0-9A-Za-z]{6,20}", number) is not None


SYNTHETIC = (  # (prdNo, prdNm, sellerPrdCd, selPrc, options) when the account has no product on sale
    ("4000000001", "샌드박스 면 티셔츠", "SBX-TEE", 19000, ("화이트/M", "화이트/L", "블랙/M")),
    ("4000000002", "샌드박스 머그컵", "SBX-MUG", 8900, ()),
    ("4000000003", "샌드박스 양말 5켤레", "SBX-SOCK", 12000, ("검정", "회색")),
)
NAMES = ("김민준", "이서연", "박도윤", "최지우", "정하준", "강서윤")
ADDRESSES = (
    ("06236", "서울특별시 강남구 테헤란로 152", "12층"),
    ("48058", "부산광역시 해운대구 센텀중앙로 97", "101동 1203호"),
)
QUESTIONS = (
    ("01", "상품", "사이즈 문의", "평소 95 입는데 어떤 사이즈가 맞을까요?"),
    ("02", "배송", "배송 언제 되나요", "주문했는데 언제 출발하나요?"),
    ("03", "반품/환불/취소", "취소 가능한가요", "아직 발송 전이면 취소하고 싶어요."),
    ("05", "기타", "선물포장", "선물포장 되나요?"),
)
# [G] 1796 emerNtceClfNo1 10 긴급문의 / 11 긴급알림 with its 2nd and 3rd level (the guide's example: 11 긴급알림,
# 21 구매, 36 기타); (level 1, level 2, level 3, subject, text)
ALIMI_SAMPLES = (
    (
        ("10", "긴급문의"),
        ("21", "구매"),
        ("31", "배송"),
        "배송 지연 문의",
        "고객이 배송 지연으로 문의했습니다. 발송 일정을 답변해 주세요.",
    ),
    (
        ("10", "긴급문의"),
        ("21", "구매"),
        ("33", "교환/취소"),
        "취소 요청 확인",
        "고객이 취소를 원합니다. 처리 계획을 답변해 주세요.",
    ),
    (
        ("11", "긴급알림"),
        ("21", "구매"),
        ("36", "기타"),
        "송장번호 오류 안내",
        "입력하신 송장번호가 조회되지 않습니다. 확인해 주세요.",
    ),
)
CLAIM_TYPES = ("cancel", "return", "exchange", "redelivery")
WITHDRAW = "withdraw"  # the control hook's type for the buyer's withdrawal of an open claim
# [G] 1643/1648 clmStat a claim starts in: 105 반품신청, 201 교환신청, 301 재배송접수 (listed with the exchanges)
CLAIM_OPENED = {"return": "105", "exchange": "201", "redelivery": "301"}
# the buyer's withdrawal, per state it takes: [G] 1724 ordCnStatCd 05 취소신청취소(철회완료), [G] 1647 108 반품철회
# (from 104 반품보류 / 105 반품신청 / 109 반품완료보류), [G] 1652 233 교환철회 (from 201 / 212 교환승인 / 214 교환보류);
# the guide names no withdrawn state of a 재배송
WITHDRAWN = {"01": "05", "104": "108", "105": "108", "109": "108", "201": "233", "212": "233", "214": "233"}
# [G] 1643/1648 clmReqRsn the sandbox's claims carry: 101 구매 의사 없어짐, 215 사이즈/색상/상품 오선택, 112 상품이 도착하고
# 있지 않음 (❓ the sandbox's choice for a 재배송)
CLAIM_REASONS = {"return": ("101", "상품에 이상 없으나 구매 의사 없어짐"), "exchange": ("215", "사이즈 오선택")}
CLAIM_REASONS["redelivery"] = ("112", "상품이 도착하지 않았어요")
FIRST_PICKUP_NO = 608_393_450_001  # [G] 1643 twPrdInvcNo example 608393450166 (CJ대한통운 00034, 12 digits)


def _int(data: Mapping[str, Any], key: str, low: int, high: int, default: int | None = None) -> int:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"{key} must be an integer in [{low}, {high}], got {value!r}")
    return value


class St11Orders:
    """Orders (lines keyed ``(ordNo, ordPrdSeq)``), invoices, claims, inquiries and answers of every account."""

    def __init__(self, *, clock: Clock, market: St11Market) -> None:
        self.clock = clock
        self.market = market
        o, c, q, a = "/rest/ordservices", "/rest/claimservice", "/rest/prodqnaservices", "/rest/alimi"
        window = "{startTime}/{endTime}"
        self.routes = [
            Route(f"{o}/complete/{window}", endpoint(self.list_paid), methods=["GET"]),
            Route(f"{o}/packaging/{window}", endpoint(self.list_packaging), methods=["GET"]),
            Route(
                f"{o}/reqpackaging/{{ordNo}}/{{ordPrdSeq}}/{{addPrdYn}}/{{addPrdNo}}/{{dlvNo}}",
                endpoint(self.confirm),
                methods=["GET"],
            ),
            Route(
                f"{o}/reqdelivery/{{sendDt}}/{{dlvMthdCd}}/{{dlvEtprsCd}}/{{invcNo}}/{{dlvNo}}",
                endpoint(self.ship),
                methods=["GET"],
            ),
            Route(
                f"{o}/reqdelivery/{{sendDt}}/{{dlvMthdCd}}/{{dlvEtprsCd}}/{{invcNo}}/{{dlvNo}}/{{partDlvYn}}/{{ordNo}}/{{ordPrdSeq}}",
                endpoint(self.ship_part),
                methods=["GET"],
            ),
            Route(f"{c}/orderlistalladdr/{{ordNo}}", endpoint(self.delivery_info), methods=["GET"]),
            Route(
                f"{c}/reqrejectorder/{{ordNo}}/{{ordPrdSeq}}/{{ordCnRsnCd}}/{{ordCnDtlsRsn}}",
                endpoint(self.refuse_sale),
                methods=["GET"],
            ),
            Route(
                f"{c}/cancelreqconf/{{ordPrdCnSeq}}/{{ordNo}}/{{ordPrdSeq}}",
                endpoint(self.approve_cancel),
                methods=["GET"],
            ),
            Route(
                f"{c}/cancelreqreject/{{ordNo}}/{{ordPrdSeq}}/{{ordPrdCnSeq}}/{{dlvMthdCd}}/{{sendDt}}/{{dlvEtprsCd}}/{{invcNo}}",
                endpoint(self.reject_cancel),
                methods=["GET"],
            ),
            Route(
                f"{c}/returnreqconf/{{clmReqSeq}}/{{ordNo}}/{{ordPrdSeq}}",
                endpoint(self.approve_return),
                methods=["GET"],
            ),
            Route(
                f"{c}/returnreqreject/{{ordNo}}/{{ordPrdSeq}}/{{clmReqSeq}}/{{refsRsnCd}}/{{refsRsn}}",
                endpoint(self.reject_return),
                methods=["GET"],
            ),
            Route(
                f"{c}/exchangereqconf/{{clmReqSeq}}/{{ordNo}}/{{ordPrdSeq}}/{{dlvEtprsCd}}/{{invcNo}}",
                endpoint(self.approve_exchange),
                methods=["GET"],
            ),
            Route(
                f"{c}/exchangereqreject/{{ordNo}}/{{ordPrdSeq}}/{{clmReqSeq}}/{{refsRsnCd}}/{{refsRsn}}",
                endpoint(self.reject_exchange),
                methods=["GET"],
            ),
            Route(f"{c}/cancelorders/{window}", endpoint(self.list_cancels), methods=["GET"]),
            Route(f"{c}/withdrawcanceledorders/{window}", endpoint(self.list_withdrawn_cancels), methods=["GET"]),
            Route(f"{c}/returnorders/{window}", endpoint(self.list_returns), methods=["GET"]),
            Route(f"{c}/exchangeorders/{window}", endpoint(self.list_exchanges), methods=["GET"]),
            Route(f"{q}/prodqnalist/{window}/{{answerStatus}}", endpoint(self.list_qna), methods=["GET"]),
            Route(f"{q}/prodqnaanswer/{{brdInfoNo}}/{{prdNo}}", endpoint(self.answer_qna), methods=["PUT"]),
            # [G] 1796: emerNtceCrntCd and orderNo are optional path segments (S calls it without orderNo)
            Route(f"{a}/getalimilist/{window}", endpoint(self.list_alimi), methods=["GET"]),
            Route(f"{a}/getalimilist/{window}/{{state}}", endpoint(self.list_alimi), methods=["GET"]),
            Route(f"{a}/getalimilist/{window}/{{state}}/{{orderNo}}", endpoint(self.list_alimi), methods=["GET"]),
            Route(f"{a}/alimianswer", endpoint(self.answer_alimi), methods=["PUT"]),
        ]
        self.reset()

    def reset(self) -> None:
        self.lines: dict[tuple[str, str], dict[str, Any]] = {}
        self.invoices: dict[tuple[str, str, str], dict[str, Any]] = {}  # (courier, invcNo, dlvNo) -> invoice
        self.claims: list[dict[str, Any]] = []
        self.refusals: list[dict[str, Any]] = []  # [G] 1638 판매불가 calls that succeeded
        self.inquiries: dict[str, dict[str, Any]] = {}  # brdInfoNo -> inquiry
        self.answers: list[dict[str, Any]] = []
        self.alimi: dict[str, dict[str, Any]] = {}  # emerNtceSeq -> 긴급알리미
        self.alimi_answers: list[dict[str, Any]] = []  # [G] 6982 calls that succeeded
        self.next_emer_seq = FIRST_EMER_NTCE_SEQ
        self.next_order_seq = FIRST_ORDER_SEQ
        self.next_dlv_no = FIRST_DLV_NO
        self.next_claim_seq = FIRST_CLAIM_SEQ
        self.next_pickup_no = FIRST_PICKUP_NO
        self.next_brd_info_no = FIRST_BRD_INFO_NO

    def snapshot(self) -> dict[str, Any]:
        orders = [
            {k: line[k] for k in ("account", "ordNo", "ordPrdSeq", "dlvNo", "prdNo", "ordQty", "status")}
            for line in self.lines.values()
        ]
        return {
            "orders": orders,
            "invoices": list(self.invoices.values()),
            "claims": self.claims,
            "refusals": self.refusals,
            "inquiries": list(self.inquiries.values()),
            "answers": self.answers,
            "alimi": list(self.alimi.values()),
            "alimi_answers": self.alimi_answers,
        }

    # -- the control API ----------------------------------------------------------------------------------

    def account_named(self, data: Mapping[str, Any]) -> str:
        name = data.get("account", "main")
        if not any(account.name == name for account in self.market.accounts.values()):
            raise ValueError(f"unknown 11st account {name!r}")
        return str(name)

    def catalogue(self, account: str) -> list[tuple[str, str, str, int, tuple[tuple[str, str, str], ...], str]]:
        """The account's products on sale (103) as (prdNo, prdNm, sellerPrdCd, selPrc, options, own 재고번호); an
        option is (colValue0, colSellerStockCd, its 재고번호). The synthetic products when none is on sale."""
        mine = [p for p in self.market.products.values() if p["account"] == account and p["selStatCd"] == "103"]
        if not mine:
            return [
                (n, name, code, price, tuple((o, "", "") for o in opts), "") for n, name, code, price, opts in SYNTHETIC
            ]
        out = []
        for p in mine:
            stock_no = {stock["mixDtlOptNm"]: stock["prdStckNo"] for stock in p["stocks"]}
            options = tuple(
                (o["colValue0"], o.get("colSellerStockCd", ""), stock_no.get(o["colValue0"], "")) for o in p["options"]
            )
            own = "" if p["options"] else p["stocks"][0]["prdStckNo"]
            out.append((p["prdNo"], p["prdNm"], p.get("sellerPrdCd", ""), int(p["selPrc"]), options, own))
        return out

    def seed(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """``{"orders": n, "inquiries": m, "alimi": k, "seed": s, "account": "main", "qty": q, "product": prdNo}``:
        ``{"orders": [ordNo], "inquiries": [brdInfoNo], "alimi": [emerNtceSeq]}``. An order has 1–3 lines; the lines
        of about half the orders share one ``dlvNo`` (묶음배송). A 긴급알리미 is about an order of the account (seeded
        before it). ``qty`` (1–999) is every seeded line's ``ordQty``; ``product`` draws every line from that product
        of the account, which must be on sale (103)."""
        unknown = sorted(set(data) - SEED_KEYS)
        if unknown:
            raise ValueError(f"unknown keys {unknown}; known: {sorted(SEED_KEYS)}")
        if not {"orders", "inquiries", "alimi"} & set(data):
            raise ValueError("orders, inquiries or alimi is required")
        count = _int(data, "orders", 0, MAX_SEED_ORDERS, 0)
        asked = _int(data, "inquiries", 0, MAX_SEED_INQUIRIES, 0)
        alerts = _int(data, "alimi", 0, MAX_SEED_INQUIRIES, 0)
        seed = data.get("seed", 0)
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise ValueError(f"seed must be an integer, got {seed!r}")
        account = self.account_named(data)
        qty = _int(data, "qty", 1, MAX_SEED_QTY) if "qty" in data else None
        rng = random.Random(seed)
        products = self.catalogue(account)
        if "product" in data:
            wanted = data["product"]
            if not isinstance(wanted, str) or not wanted.isdigit():
                raise ValueError(f"product must be an 11st product number (digits, a string), got {wanted!r}")
            products = [p for p in products if p[0] == wanted]
            if not products:
                raise ValueError(f"product {wanted!r} is not a product on sale (103) of 11st account {account!r}")
        # ``shared_bundles`` (0–100, percent; 0 by default): how often an order joins the previous order's dlvNo
        shared = _int(data, "shared_bundles", 0, 100, 0) / 100
        joins = random.Random(f"11st-bundle-{seed}")  # its own stream: the orders themselves stay as before
        orders: list[str] = []
        joined = False
        for _ in range(count):
            share = orders[-1] if orders and not joined and joins.random() < shared else None
            orders.append(self.make_order(rng, account, products, share=share, qty=qty))
            joined = share is not None
        inquiries = [self.make_inquiry(rng, account, products) for _ in range(asked)]
        if alerts and not any(line["account"] == account for line in self.lines.values()):
            raise ValueError("alimi needs an order of the account: seed orders first")
        alimi = [self.make_alimi(rng, account) for _ in range(alerts)]
        return {"orders": orders, "inquiries": inquiries, "alimi": alimi}

    def make_order(
        self, rng: random.Random, account: str, products: list[Any], *, share: str | None = None, qty: int | None = None
    ) -> str:
        """One paid order. With ``share`` (an order of this account) the order goes to the same buyer and address
        under that order's first ``dlvNo``: [G] 1888 "묶음배송번호가 같은 주문번호는 묶음 배송번호(dlv_no)를 한번만
        호출 하여도 나머지 주문번호에 해당하는 주문상태가 모두 발송처리 됩니다" — a bundle may span orders."""
        now = self.clock()
        paid_at = now - rng.randint(5, 180) * 60
        ord_no = f"{kst(now):%Y%m%d}{self.next_order_seq:07d}"
        self.next_order_seq += 1
        count = rng.choice((1, 1, 2, 3))
        bundle = count > 1 and rng.random() < 0.5
        name = rng.choice(NAMES)
        mail, base, detail = rng.choice(ADDRESSES)
        dlv_no = ""
        host = self.lines.get((share, "1")) if share else None
        if host is not None:
            name, mail, base, detail = host["ordNm"], host["rcvrMailNo"], host["rcvrBaseAddr"], host["rcvrDtlsAddr"]
            dlv_no, bundle = host["dlvNo"], True
            for other in self.lines.values():
                if other["dlvNo"] == dlv_no:
                    other["bndlDlvSeq"], other["bndlDlvYN"] = dlv_no, "Y"
        for seq in range(1, count + 1):
            if not dlv_no or not bundle:
                dlv_no = str(self.next_dlv_no)
                self.next_dlv_no += 1
            prd_no, prd_nm, seller_code, price, options, own = rng.choice(products)
            value, stock_code, stock_no = rng.choice(options) if options else ("", "", own)
            drawn = rng.randint(1, 3)
            count_of = qty or drawn
            self.lines[(ord_no, str(seq))] = {  # [G] order/paid-1876.md's fields
                "account": account,
                "status": PAID,
                "paidAt": paid_at,
                "ordNo": ord_no,
                "ordPrdSeq": str(seq),
                "dlvNo": dlv_no,
                "bndlDlvSeq": dlv_no if bundle else "",
                "bndlDlvYN": "Y" if bundle else "N",
                "addPrdYn": "N",
                "addPrdNo": "0",
                "prdNo": prd_no,
                "prdNm": prd_nm,
                "sellerPrdCd": seller_code,
                "prdStckNo": stock_no or str(int(prd_no) % 1_000_000_000 + seq),
                "slctPrdOptNm": f"옵션:{value}-{count_of}개" if value else "",
                "ordQty": count_of,
                "selPrc": price,
                "ordAmt": price * count_of,
                "ordPayAmt": price * count_of,
                "dlvCst": 0,
                "dlvCstType": "03",
                "ordNm": name,
                "ordPrtblTel": "010-0000-0000",
                "rcvrNm": name,
                "rcvrPrtblNo": "010-0000-0000",
                "rcvrMailNo": mail,
                "rcvrBaseAddr": base,
                "rcvrDtlsAddr": detail,
                "ordDt": stamp(paid_at - 60),
                "ordStlEndDt": stamp(paid_at),
                "dlvSndDue": stamp(paid_at + 3 * DAY),
                "plcodrCnfDt": "",
                "sellerStockCd": stock_code,  # [G] 1876 판매자 재고번호: the option's colSellerStockCd
            }
        return ord_no

    def make_inquiry(self, rng: random.Random, account: str, products: list[Any]) -> str:
        now = self.clock()
        prd_no, prd_nm, *_ = rng.choice(products)
        code, kind, subject, text = rng.choice(QUESTIONS)
        bought = [line for line in self.lines.values() if line["account"] == account and line["prdNo"] == prd_no]
        brd = str(self.next_brd_info_no)
        self.next_brd_info_no += 1
        self.inquiries[brd] = {  # [G] product/product-qna-1626.md's fields
            "account": account,
            "createdAt": now - rng.randint(1, 600) * 60,
            "answerCont": "",
            "answerDt": "",
            "answerYn": "N",
            "brdInfoClfNo": prd_no,
            "brdInfoCont": text,
            "brdInfoNo": brd,
            "brdInfoSbjct": subject,
            "buyYn": "Y" if bought else "N",
            "dispYn": "Y",
            "memID": f"buyer{rng.randint(100, 999)}",
            "memNM": rng.choice(NAMES),
            "prdNm": prd_nm,
            "qnaDtlsCd": code,
            "qnaDtlsCdNm": kind,
            "ordNoDe": bought[0]["ordNo"] if bought else "",
            "ordStlEndDt": bought[0]["ordStlEndDt"] if bought else "",
        }
        self.inquiries[brd]["createDt"] = stamp(self.inquiries[brd]["createdAt"]) + ".0"
        return brd

    def make_alimi(self, rng: random.Random, account: str) -> str:
        """One 긴급알리미 about a line of the account's orders: a 긴급문의 waits for an answer (02 답변대기), a 긴급알림
        for its confirmation (01 미확인); 회신기한 two days on. Fields in [G] 1796's order (the replaced
        emerNtceCd/emerNtceDtlCd left out: "변경 되었습니다")."""
        now = self.clock()
        line = rng.choice([x for x in self.lines.values() if x["account"] == account])
        (no1, nm1), (no2, nm2), (no3, nm3), subject, text = rng.choice(ALIMI_SAMPLES)
        seq = str(self.next_emer_seq)
        self.next_emer_seq += 1
        created = kst(now - rng.randint(1, 600) * 60)
        self.alimi[seq] = {
            "account": account,
            "createdAt": created.timestamp(),
            "emerNtceSeq": seq,
            "emerCtntSeq": "1",
            "emerTypeCd": "01" if no1 == "10" else "02",  # 구버전: 01 답변요청, 02 공지
            "emerNtceSubject": subject,
            "createDt": f"{created:%Y%m%d}",
            "createTm": f"{created:%H:%M:%S}",
            "emerReplyDt": f"{kst(created.timestamp() + 2 * DAY):%Y%m%d}",
            "emerNtceCrntCd": "02" if no1 == "10" else "01",
            "prdNm": line["prdNm"],
            "ordNo": line["ordNo"],
            "ordPrdSeq": line["ordPrdSeq"],
            "memId": f"buy****{rng.randint(10, 99)}",
            "memNm": line["ordNm"],
            "deptNm": "고객센터",
            "empNm": "CS_AGENT",
            "emerCtnt": text,
            "emerNtceClfNo1": no1,
            "emerNtceClfNm1": nm1,
            "emerNtceClfNo2": no2,
            "emerNtceClfNm2": nm2,
            "emerNtceClfNo3": no3,
            "emerNtceClfNm3": nm3,
            "emerReplyList": [],
        }
        return seq

    def raise_claim(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """``{"order": ordNo, "type": cancel|return|exchange|redelivery|withdraw, "seq": ordPrdSeq}``: ``{"claimNo"}``;
        without ``seq`` the buyer claims every line of the order still open (a whole-order 주문취소): ``{"claimNo":
        the first, "claimNos": all}``. ``withdraw``: the buyer withdraws the open claim(s) of the order (of line
        ``seq``), answered the same way."""
        if data.get("type") == WITHDRAW:
            return self.withdraw(data)
        if "seq" in data:
            return self.raise_line_claim(data)
        order = str(data.get("order"))
        seqs = [
            seq
            for (ord_no, seq), line in self.lines.items()
            if ord_no == order and line["status"] not in (CANCELLED, CANCEL_REQUESTED) and not self.open_claim(line)
        ]
        if not seqs:
            return self.raise_line_claim({**data, "seq": 1})  # the refusal of an unknown or closed order
        numbers = [self.raise_line_claim({**data, "seq": seq})["claimNo"] for seq in seqs]
        return {"claimNo": numbers[0], "claimNos": numbers}

    def open_claim(self, line: Mapping[str, Any]) -> bool:
        return any(
            c["ordNo"] == line["ordNo"] and c["ordPrdSeq"] == line["ordPrdSeq"] and c["open"] for c in self.claims
        )

    def raise_line_claim(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """``{"order": ordNo, "type": cancel|return|exchange|redelivery, "seq": ordPrdSeq}``: ``{"claimNo"}``.

        A cancel before 발주확인 completes at once (ordCnStatCd 02; "[발주확인]된 주문에 대해서는 구매자가 임의로
        주문을 취소 … 할 수 없습니다", [G] 1634); after it, it is a request (01) and the line is 취소처리중.
        A return, exchange or 재배송 is of goods that left: a line not shipped yet is first shipped by the sandbox
        (CJ대한통운, as the seller would by [G] 1888) so the claim is raised on an order in the right state. A return
        or exchange comes with 11번가's booked pick-up ([G] 1643/1648 twMthd 06 11번가 지정반품택배, ``dlvEtprsCd`` +
        ``twPrdInvcNo``; ❓ the guide does not say when the number appears: the sandbox gives it at once).
        """
        kind = data.get("type")
        if kind not in CLAIM_TYPES:
            raise ValueError(f"type must be one of {[*CLAIM_TYPES, WITHDRAW]}, got {kind!r}")
        seq = str(data["seq"])
        line = self.lines.get((str(data.get("order")), seq))
        if line is None:
            raise ValueError(f"unknown order line {data.get('order')!r}/{seq}")
        if line["status"] in (CANCELLED, CANCEL_REQUESTED, RETURNED) or any(
            c["ordNo"] == line["ordNo"] and c["ordPrdSeq"] == seq and c["open"] for c in self.claims
        ):
            raise ValueError(f"order line {line['ordNo']}/{seq} is cancelled, returned or already has an open claim")
        claim_no = str(self.next_claim_seq)
        self.next_claim_seq += 1
        now = self.clock()
        status = CLAIM_OPENED.get(str(kind), "")
        before = line["status"]
        if kind == "cancel":
            done = line["status"] == PAID
            line["status"] = CANCELLED if done else CANCEL_REQUESTED
            status = "02" if done else "01"  # [G] 1639 ordCnStatCd 01 취소요청, 02 취소완료
        elif line["status"] != SHIPPING:
            line["status"] = SHIPPING
            line["shipped"] = {
                "dlvMthdCd": "01",
                "dlvEtprsCd": "00034",
                "invcNo": str(self.next_pickup_no),
                "sndEndDt": stamp(now),
            }
            self.next_pickup_no += 1
        claim = {
            "type": kind,
            "claimNo": claim_no,
            "account": line["account"],
            "ordNo": line["ordNo"],
            "ordPrdSeq": seq,
            "dlvNo": line["dlvNo"],
            "prdNo": line["prdNo"],
            "qty": line["ordQty"],
            "status": status,
            "open": status not in ("02",),
            "createdAt": now,
            "before": before,  # the line's state before a cancel request, for the buyer's withdrawal
        }
        if kind in ("return", "exchange"):
            claim.update(twMthd="06", pickupCourier="00034", pickupNo=str(self.next_pickup_no))
            self.next_pickup_no += 1
        self.claims.append(claim)
        return {"claimNo": claim_no}

    def withdraw(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """The buyer withdraws the open claims of order ``order`` (of line ``seq`` when given): a cancel request 01 →
        05 ([G] 1724 취소신청취소(철회완료); it leaves [G] 1639's list for 1724's and the line is back as it was), a
        return → 108 반품철회 ([G] 1647), an exchange → 233 교환철회 ([G] 1652). A 재배송 has no withdrawn state in
        the guide: refused."""
        order = str(data.get("order"))
        seq = str(data["seq"]) if "seq" in data else None
        found = [
            c
            for c in self.claims
            if c["ordNo"] == order and c["open"] and not c.get("refused") and seq in (None, c["ordPrdSeq"])
        ]
        if not found:
            raise ValueError(f"order {order!r} has no open claim to withdraw")
        if any(c["status"] not in WITHDRAWN for c in found):
            raise ValueError("11st names no withdrawal of a redelivery (clmStat 301/302): only its seller settles it")
        for c in found:
            c["status"], c["open"] = WITHDRAWN[c["status"]], False
            line = self.lines[(c["ordNo"], c["ordPrdSeq"])]
            if c["type"] == "cancel":
                line["status"] = c["before"]
        numbers = [c["claimNo"] for c in found]
        return {"claimNo": numbers[0], "claimNos": numbers}

    # -- auth, windows ------------------------------------------------------------------------------------

    def caller(self, request: Request, refuse: Callable[[int | None, str], Response]) -> Account:
        return self.market.caller(request, refuse)

    @staticmethod
    def order_refusal(code: int | None, text: str) -> Response:
        """[G] 1634/1888 ``ResultOrder.result_code`` −1 ("ERROR : OpenAPI Key 에 해당하는 유저가 없습니다.") or −1000."""
        return result_order(-1, f"ERROR : {text}") if code is None else result_order(code, text)

    @staticmethod
    def list_refusal(code: int | None, text: str) -> Response:
        """[G] 1876 ``ns2:orders`` −1 ("주문/클레임 조회 오류 MSG : OpenAPI Key …") or −1000."""
        if code is None:
            return list_result("ns2:orders", -1, f"주문/클레임 조회 오류 MSG : {text}")
        return list_result("ns2:orders", code, text)

    @staticmethod
    def qna_list_refusal(code: int | None, text: str) -> Response:
        """[G] 1626 ``ns2:productQnas`` 500 비지니스 Error or −1000."""
        return list_result("ns2:productQnas", 500 if code is None else code, text)

    @staticmethod
    def alimi_refusal(code: int | None, text: str) -> Response:
        """[G] 1796 ``ns2:alimi`` −1 ("알리미 조회 오류 MSG : OpenAPI Key 에 해당하는 유저가 없습니다.") or −1000."""
        if code is None:
            return list_result("ns2:alimi", -1, f"알리미 조회 오류 MSG : {text}")
        return list_result("ns2:alimi", code, text)

    def order_window(self, request: Request) -> tuple[float, float]:
        """[G] 1876/1635: YYYYMMDDhhmm; −3103 start, −3104 end, −3105 more than a week ("8일 이상")."""
        start = parse_minutes(request.path_params["startTime"])
        end = parse_minutes(request.path_params["endTime"])
        if start is None:
            text = "start_dt의 조회 기간의 포멧('YYYYMMDDHH24:MI')이 올바르지 않습니다."
            raise Reject(list_result("ns2:orders", -3103, text))
        if end is None:
            text = "end_dt의 조회 기간의 포멧('YYYYMMDDHH24:MI')이 올바르지 않습니다."
            raise Reject(list_result("ns2:orders", -3104, text))
        if end - start > 7 * DAY:
            raise Reject(list_result("ns2:orders", -3105, "최대 조회기간은 일주일 입니다."))
        return start, end

    def claim_window(self, request: Request, base: int) -> tuple[float, float]:
        """[G] 1639 (base −28000) / 1643, 1648 (−29000): −…007 start, −…006 end, −…008 more than 30 days."""
        start = parse_minutes(request.path_params["startTime"])
        end = parse_minutes(request.path_params["endTime"])
        if start is None:
            text = "start_dt의 조회 기간의 포멧('YYYYMMDDHH24')이 올바르지 않습니다."
            raise Reject(list_result("ns2:orders", base - 7, text))
        if end is None:
            text = "end_dt의 조회 기간의 포멧('YYYYMMDDHH24')이 올바르지 않습니다."
            raise Reject(list_result("ns2:orders", base - 6, text))
        if end - start > 30 * DAY:
            raise Reject(list_result("ns2:orders", base - 8, "조회기간은 최대 30(한달)일 단위로 가능합니다."))
        return start, end

    # -- orders -----------------------------------------------------------------------------------------

    def order_rows(self, lines: Iterable[dict[str, Any]], extra: Callable[[dict[str, Any]], list[Any]]) -> Response:
        rows = list(lines)[:MAX_ROWS]  # [G] 1876 ≤ 3,000 rows
        if not rows:  # [G] 1876: 0 = 조회된 결과가 없습니다 (에러가 아닙니다)
            return list_result("ns2:orders", 0, "조회된 결과가 없습니다.")
        hidden = ("account", "status", "paidAt", "plcodrCnfDt", "shipped")
        return list_rows(
            "ns2:orders",
            "ns2:order",
            ([(k, v) for k, v in line.items() if k not in hidden] + extra(line) for line in rows),
        )

    async def list_paid(self, request: Request) -> Response:
        """``GET /rest/ordservices/complete/{start}/{end}`` ([G] order/paid-1876): 결제완료, by payment time."""
        account = self.caller(request, self.list_refusal)
        start, end = self.order_window(request)
        lines = self.lines_of(account, PAID, start, end)
        return self.order_rows(lines, lambda line: [])

    async def list_packaging(self, request: Request) -> Response:
        """``GET /rest/ordservices/packaging/{start}/{end}`` ([G] order/confirm-1635): 배송준비중, by payment time
        (❓ the guide does not say which date the window reads), with ``plcodrCnfDt`` and ``stlPlnAmt``."""
        account = self.caller(request, self.list_refusal)
        start, end = self.order_window(request)
        lines = self.lines_of(account, PACKAGING, start, end)
        return self.order_rows(
            lines, lambda line: [("plcodrCnfDt", line["plcodrCnfDt"]), ("stlPlnAmt", line["ordPayAmt"])]
        )

    def lines_of(self, account: Account, status: str, start: float, end: float) -> list[dict[str, Any]]:
        return [
            line
            for line in self.lines.values()
            if line["account"] == account.name and line["status"] == status and start <= line["paidAt"] <= end + 59
        ]

    async def confirm(self, request: Request) -> Response:
        """``GET /rest/ordservices/reqpackaging/{ordNo}/{ordPrdSeq}/{addPrdYn}/{addPrdNo}/{dlvNo}`` ([G] 1634):
        confirms every paid line of the same ``dlvNo`` and ``prdNo`` ("동일 배송번호(묶음배송)와 동일 상품번호 단위로
        일괄 처리")."""
        account = self.caller(request, self.order_refusal)
        p = request.path_params
        line = self.lines.get((p["ordNo"], p["ordPrdSeq"]))
        nothing = "이미 발주 처리 되었거나 , 발주 처리할 건이 없습니다."
        if line is None or line["account"] != account.name or line["dlvNo"] != p["dlvNo"]:
            return result_order(-3206, nothing)
        if line["status"] == CANCELLED:
            return result_order(-3211, "주문취소된 주문건입니다.")
        if line["status"] == CANCEL_REQUESTED:
            return result_order(-3214, "취소처리중인 주문건입니다.")
        if line["status"] != PAID:
            return result_order(-3206, nothing)
        group = [
            other
            for other in self.lines.values()
            if other["account"] == account.name
            and other["dlvNo"] == line["dlvNo"]
            and other["prdNo"] == line["prdNo"]
            and other["status"] == PAID
        ]
        for other in group:
            other["status"], other["plcodrCnfDt"] = PACKAGING, stamp(self.clock())
        return result_order(0, f"전체 {len(group)}건이 정상적으로 발주처리가 되었습니다.")  # [G] 1634 example

    async def ship(self, request: Request) -> Response:
        """``GET /rest/ordservices/reqdelivery/{sendDt}/{dlvMthdCd}/{dlvEtprsCd}/{invcNo}/{dlvNo}`` ([G] 1888):
        ships every confirmed line of ``dlvNo`` at once (−3308 on a second call)."""
        account = self.caller(request, self.order_refusal)
        p = request.path_params
        method, courier, number, dlv_no = p["dlvMthdCd"], p["dlvEtprsCd"], p["invcNo"], p["dlvNo"]
        if parse_minutes(p["sendDt"]) is None:
            return result_order(-3301, "보낸일자가 유효하지 않습니다. 날짜포맷 : 년(4) 월(2) 일(2) 시(2) 분(2) 입니다.")
        if method not in DELIVERY_METHODS:  # ❓ the guide lists no code for a bad dlvMthdCd: −1 비지니스 Error
            return result_order(-1, f"ERROR : 배송방식 코드가 유효하지 않습니다. [{method}]")
        if method == "05":
            courier, number = "null", "null"
        elif courier not in COURIERS:
            return result_order(
                -3307, "택배사 코드가 유효하지 않습니다. 택배사 코드표를 모르시면 관리자에게 문의 주세요."
            )
        elif not invoice_ok(courier, number):
            return result_order(-3306, "송장번호가 유효하지 않습니다. 다시한번 확인해주세요.")
        lines = [line for line in self.lines.values() if line["account"] == account.name and line["dlvNo"] == dlv_no]
        if any(line["status"] == SHIPPING for line in lines):
            return result_order(-3308, "해당 배송번호는 이미 발송처리 되었습니다.")
        if any(line["status"] == CANCEL_REQUESTED for line in lines):
            return result_order(-3310, "해당 배송번호의 주문상태를 확인해 주세요")
        ready = [line for line in lines if line["status"] == PACKAGING]
        if (
            not ready
        ):  # unknown dlvNo, not yet confirmed ([G] 1888 ships 발송처리할 내역, i.e. 배송준비중), or cancelled
            changed = "취소완료" if lines and all(line["status"] == CANCELLED for line in lines) else "결제완료"
            if not lines:
                return result_order(-3310, "해당 배송번호의 주문상태를 확인해 주세요")
            return result_order(-3313, f"해당 배송번호의 주문상태가 이미 변경 되었습니다. 변경된 상태 : ({changed})")
        orders = {line["ordNo"] for line in ready}
        used = [i for i in self.invoices.values() if (i["dlvEtprsCd"], i["invcNo"]) == (courier, number)]
        if method != "05" and any({str(x).split("/")[0] for x in i["lines"]} - orders for i in used):
            # [G] 1888 −3320: "이미 다른 주문번호에 사용된 송장번호 입니다" (the same order's other dlvNo may share it)
            return result_order(-3320, "이미 사용된 송장번호 입니다. 송장번호를 확인해주세요.")
        shipped = {"dlvMthdCd": method, "dlvEtprsCd": courier, "invcNo": number, "sndEndDt": stamp(self.clock())}
        for line in ready:
            line["status"], line["shipped"] = SHIPPING, shipped
        if method != "05":
            self.invoices[(courier, number, dlv_no)] = {
                "account": account.name,
                "dlvNo": dlv_no,
                "dlvMthdCd": method,
                "dlvEtprsCd": courier,
                "invcNo": number,
                "sendDt": p["sendDt"],
                "lines": [f"{line['ordNo']}/{line['ordPrdSeq']}" for line in ready],
            }
        return result_order(0, f"전체 {len(ready)}건이 정상적으로 발송처리가 되었습니다.")  # ❓ after 1634's wording

    async def ship_part(self, request: Request) -> Response:
        """``GET /rest/ordservices/reqdelivery/{sendDt}/{dlvMthdCd}/{dlvEtprsCd}/{invcNo}/{dlvNo}/{partDlvYn}/{ordNo}/
        {ordPrdSeq}`` ([G] order/dispatch-1636, 부분발송): ships the named lines (ordPrdSeq "복수개일 경우 ,로 구분") of
        ``dlvNo`` alone; the rest of the bundle stays 배송준비중. Refuses as [G] 1636 lists: −3301 sendDt, −3307
        courier, −3306 number, −3320 number used by another order, −3308 a named line shipped already, −3310 a line
        not 배송준비중 (취소신청 above all) or not of this dlvNo; −1 비지니스 Error for partDlvYn other than Y ("Y :
        부분발송") and for add-on lines alone ("추가구성 상품만 부분발송은 불가합니다"). ❓ the guide names no code for
        those two, nor for a 부분발송 that names every line left."""
        account = self.caller(request, self.order_refusal)
        p = request.path_params
        method, courier, number, dlv_no = p["dlvMthdCd"], p["dlvEtprsCd"], p["invcNo"], p["dlvNo"]
        if parse_minutes(p["sendDt"]) is None:
            return result_order(-3301, "보낸일자가 유효하지 않습니다. 날짜포맷 : 년(4) 월(2) 일(2) 시(2) 분(2) 입니다.")
        if method not in DELIVERY_METHODS:
            return result_order(-1, f"ERROR : 배송방식 코드가 유효하지 않습니다. [{method}]")
        if p["partDlvYn"] != "Y":
            return result_order(-1, f"ERROR : 부분발송여부가 유효하지 않습니다. [{p['partDlvYn']}]")
        if method == "05":
            courier, number = "null", "null"
        elif courier not in COURIERS:
            return result_order(
                -3307, "택배사 코드가 유효하지 않습니다. 택배사 코드표를 모르시면 관리자에게 문의 주세요."
            )
        elif not invoice_ok(courier, number):
            return result_order(-3306, "송장번호가 유효하지 않습니다. 다시한번 확인해주세요.")
        named = [self.lines.get((p["ordNo"], seq)) for seq in dict.fromkeys(p["ordPrdSeq"].split(","))]
        lines = [x for x in named if x is not None and x["account"] == account.name and x["dlvNo"] == dlv_no]
        if not lines or len(lines) < len(named):
            return result_order(-3310, "해당 배송번호의 주문상태를 확인해 주세요")
        if any(line["status"] == SHIPPING for line in lines):
            return result_order(-3308, "해당 배송번호는 이미 발송처리 되었습니다.")
        if any(line["status"] != PACKAGING or self.open_claim(line) for line in lines):
            return result_order(-3310, "해당 배송번호의 주문상태를 확인해 주세요")
        if all(line["addPrdYn"] == "Y" for line in lines):
            return result_order(-1, "ERROR : 추가구성 상품만 부분발송은 불가합니다.")
        used = [i for i in self.invoices.values() if (i["dlvEtprsCd"], i["invcNo"]) == (courier, number)]
        # as [G] 1888 −3320 "이미 다른 주문번호에 사용된 송장번호": a number of this bundle or this order may come again
        if method != "05" and any(
            i["dlvNo"] != dlv_no and {str(x).split("/")[0] for x in i["lines"]} - {p["ordNo"]} for i in used
        ):
            return result_order(-3320, "이미 사용된 송장번호 입니다. 송장번호를 확인해주세요.")
        shipped = {"dlvMthdCd": method, "dlvEtprsCd": courier, "invcNo": number, "sndEndDt": stamp(self.clock())}
        for line in lines:
            line["status"], line["shipped"] = SHIPPING, shipped
        if method != "05":
            invoice = self.invoices.setdefault(
                (courier, number, dlv_no),
                {
                    "account": account.name,
                    "dlvNo": dlv_no,
                    "dlvMthdCd": method,
                    "dlvEtprsCd": courier,
                    "invcNo": number,
                    "sendDt": p["sendDt"],
                    "lines": [],
                },
            )
            invoice["lines"] += [f"{line['ordNo']}/{line['ordPrdSeq']}" for line in lines]
            invoice["partDlvYn"] = "Y"
        return result_order(0, f"전체 {len(lines)}건이 정상적으로 발송처리가 되었습니다.")  # [G] 1636 example

    # -- delivery information ---------------------------------------------------------------------------

    def line_state(self, line: Mapping[str, Any]) -> tuple[str, str, int]:
        """([G] 1725 ordPrdStat, ordPrdStatNm, ordCnQty "취소요청 수량도 포함") of a line."""
        claim = next(
            (
                c
                for c in self.claims
                if (c["ordNo"], c["ordPrdSeq"]) == (line["ordNo"], line["ordPrdSeq"]) and c["open"]
            ),
            None,
        )
        qty = int(line["ordQty"])
        if line["status"] == CANCELLED:
            return "B01", "주문취소", qty
        if line["status"] == RETURNED:  # [G] 1725 A01 반품완료 (after [G] 1644)
            return "A01", "반품완료", 0
        if line["status"] == CANCEL_REQUESTED:
            return "701", "취소신청", qty
        if claim is not None:  # a return, exchange or 재배송 in progress: 601 클레임진행중
            return "601", {"return": "반품신청", "exchange": "교환신청"}.get(claim["type"], "재배송접수"), 0
        return {
            PAID: ("202", "결제완료", 0),
            PACKAGING: ("301", "배송준비중", 0),  # ❓ 301 = 발주확인; the guide's ordPrdStatNm examples say 배송준비중
            SHIPPING: ("401", "배송중", 0),  # the contract's 401 / 배송중
        }[line["status"]]

    async def delivery_info(self, request: Request) -> Response:
        """``GET /rest/claimservice/orderlistalladdr/{ordNo[,ordNo…]}`` ([G] order/query-1725): every line of the
        orders with its state and, once shipped, ``dlvMthdCd``/``dlvEtprsCd``/``invcNo``/``sndEndDt``; more than 100
        numbers −28003, none of the account's −1 해당 건이 없습니다 (the guide's error example)."""
        account = self.caller(request, self.list_refusal)
        numbers = request.path_params["ordNo"].split(",")
        if len(numbers) > 100:
            return list_result("ns2:orders", -28003, "주문번호의 갯수는 최대 100개 까지만 가능 합니다.")
        lines = [line for line in self.lines.values() if line["ordNo"] in numbers and line["account"] == account.name]
        if not lines:
            return list_result("ns2:orders", -1, "해당 건이 없습니다.")

        def row(line: dict[str, Any]) -> list[Any]:
            code, label, cancelled = self.line_state(line)
            shipped = line.get("shipped", {})
            return [
                ("dlvNo", line["dlvNo"]),
                ("ordCnQty", cancelled),
                ("ordNo", line["ordNo"]),
                ("ordPrdSeq", line["ordPrdSeq"]),
                ("ordPrdStatNm", label),
                ("ordPrdStat", code),
                ("ordQty", line["ordQty"]),
                ("prdNm", line["prdNm"]),
                ("prdNo", line["prdNo"]),
                ("rcvrBaseAddr", line["rcvrBaseAddr"]),
                ("rcvrDtlsAddr", line["rcvrDtlsAddr"]),
                ("rcvrMailNo", line["rcvrMailNo"]),
                ("dlvMthdCd", shipped.get("dlvMthdCd", "")),
                ("dlvEtprsCd", shipped.get("dlvEtprsCd", "")),
                ("invcNo", shipped.get("invcNo", "")),
                ("sndEndDt", shipped.get("sndEndDt", "")),
            ]

        return list_rows("ns2:orders", "ns2:order", (row(line) for line in lines))

    # -- claims -----------------------------------------------------------------------------------------

    def claims_of(self, account: Account, kinds: Iterable[str], start: float, end: float) -> list[dict[str, Any]]:
        """The account's claims of ``kinds`` asked within the window (❓ the guide does not say which date a claim
        list's window reads: the request's, as its rows' createDt / reqDt)."""
        return [
            c
            for c in self.claims
            if c["account"] == account.name
            and c["type"] in kinds
            and start <= c["createdAt"] <= end + 59
            and not c.get("refused")  # a cancel refused by [G] 1641 leaves the request list
        ][:MAX_ROWS]

    def claim_rows(self, claims: list[dict[str, Any]], row: Callable[[dict[str, Any]], list[Any]]) -> Response:
        if not claims:  # [G] 1639/1643/1648's error example: −1 "해당 건이 없습니다."
            return list_result("ns2:orders", -1, "해당 건이 없습니다.")
        return list_rows("ns2:orders", "ns2:order", (row(c) for c in claims))

    async def list_cancels(self, request: Request) -> Response:
        """``GET /rest/claimservice/cancelorders/{start}/{end}`` ([G] claim/cancel-1639; ≤ 30 days)."""
        account = self.caller(request, self.list_refusal)
        start, end = self.claim_window(request, -28000)
        # [G] 1639 ordCnStatCd names 01 and 02 only: a withdrawn request (05) is [G] 1724's
        cancels = [c for c in self.claims_of(account, ("cancel",), start, end) if c["status"] != "05"]
        return self.claim_rows(cancels, self.cancel_row)

    async def list_withdrawn_cancels(self, request: Request) -> Response:
        """``GET /rest/claimservice/withdrawcanceledorders/{start}/{end}`` ([G] claim/cancel-1724 주문취소철회 완료
        목록; ≤ 30 days, the errors of 1639): the cancels the buyer withdrew (ordCnStatCd 05)."""
        account = self.caller(request, self.list_refusal)
        start, end = self.claim_window(request, -28000)
        withdrawn = [c for c in self.claims_of(account, ("cancel",), start, end) if c["status"] == "05"]
        # [G] 1724's rows are 1639's without ordCnMnbdCd (클레임 등록주체)
        return self.claim_rows(withdrawn, lambda c: [f for f in self.cancel_row(c) if f[0] != "ordCnMnbdCd"])

    @staticmethod
    def cancel_row(c: dict[str, Any]) -> list[Any]:
        """[G] 1639/1724's fields the sandbox knows."""
        return [
            ("createDt", stamp(c["createdAt"])),
            ("dlvNo", c["dlvNo"]),
            ("ordCnDtlsRsn", c.get("detail", "단순 변심")),
            ("ordCnQty", c["qty"]),
            ("ordCnMnbdCd", c.get("by", "01")),  # 01 구매자, 02 판매자 (a 판매불가, [G] 1638)
            ("ordCnRsnCd", c.get("reason", "06")),
            ("ordCnStatCd", c["status"]),
            ("ordNo", c["ordNo"]),
            ("ordPrdCnSeq", c["claimNo"]),
            ("ordPrdSeq", c["ordPrdSeq"]),
            ("prdNo", c["prdNo"]),
        ]

    def return_row(self, c: dict[str, Any]) -> list[Any]:
        """[G] 1643/1648's fields the sandbox knows; the pick-up ``dlvEtprsCd`` / ``twPrdInvcNo`` when booked."""
        line = self.lines[(c["ordNo"], c["ordPrdSeq"])]
        code, words = CLAIM_REASONS[c["type"]]
        pickup = [("twPrdInvcNo", c["pickupNo"]), ("dlvEtprsCd", c["pickupCourier"])] if "pickupNo" in c else []
        return [
            ("clmReqCont", words),
            ("clmReqQty", c["qty"]),
            ("clmReqRsn", code),
            ("clmReqSeq", c["claimNo"]),
            ("clmStat", c["status"]),
            ("ordNo", c["ordNo"]),
            ("ordPrdSeq", c["ordPrdSeq"]),
            ("prdNo", c["prdNo"]),
            ("reqDt", stamp(c["createdAt"])),
            ("ordNm", line["ordNm"]),
            ("rcvrMailNo", line["rcvrMailNo"]),
            ("rcvrBaseAddr", line["rcvrBaseAddr"]),
            ("rcvrDtlsAddr", line["rcvrDtlsAddr"]),
            ("twMthd", c.get("twMthd", "13")),  # 06 11번가 지정반품택배; 13 수거없음 (a 재배송 takes nothing back)
            *pickup,
        ]

    async def list_returns(self, request: Request) -> Response:
        """``GET /rest/claimservice/returnorders/{start}/{end}`` ([G] claim/return-1643; ≤ 30 days)."""
        account = self.caller(request, self.list_refusal)
        start, end = self.claim_window(request, -29000)
        return self.claim_rows(self.claims_of(account, ("return",), start, end), self.return_row)

    async def list_exchanges(self, request: Request) -> Response:
        """``GET /rest/claimservice/exchangeorders/{start}/{end}`` ([G] claim/exchange-1648; ≤ 30 days), with the
        재배송 (its clmStat lists 301 재배송접수)."""
        account = self.caller(request, self.list_refusal)
        start, end = self.claim_window(request, -29000)
        return self.claim_rows(self.claims_of(account, ("exchange", "redelivery"), start, end), self.return_row)

    # -- claim handling ([G] claim/cancel-1638, 1640, 1641, return-1644, 1645, exchange-1649, 1650) ------------

    def claim_of(self, account: Account, kind: str, number: str) -> dict[str, Any] | None:
        return next(
            (c for c in self.claims if c["claimNo"] == number and c["type"] == kind and c["account"] == account.name),
            None,
        )

    async def refuse_sale(self, request: Request) -> Response:
        """``GET /rest/claimservice/reqrejectorder/{ordNo}/{ordPrdSeq}/{ordCnRsnCd}/{ordCnDtlsRsn}`` ([G] 1638
        판매불가): a line of 발주확인할 내역 (결제완료) or 발송처리할 내역 (배송준비중) is cancelled ([G] 1725 B01
        주문취소) and listed as the seller's completed cancel; −21002 unknown order, −21003 unknown line, −21004 a line
        in another state — shipped (after an invoice), cancelling or cancelled, so a repeat answers −21004 too."""
        account = self.caller(request, self.order_refusal)
        p = request.path_params
        if p["ordCnRsnCd"] not in SALE_REFUSALS:  # ❓ the guide names no code for a bad reason: −1 비지니스 Error
            return result_order(-1, f"ERROR : 판매불가 사유코드가 유효하지 않습니다. [{p['ordCnRsnCd']}]")
        mine = [line for line in self.lines.values() if line["ordNo"] == p["ordNo"] and line["account"] == account.name]
        if not mine:
            return result_order(-21002, "주문 번호를 알 수 없습니다.")
        line = next((x for x in mine if x["ordPrdSeq"] == p["ordPrdSeq"]), None)
        if line is None:
            return result_order(-21003, "주문 상세번호를 알 수 없습니다.")
        if line["status"] not in (PAID, PACKAGING):
            return result_order(-21004, "판매불가 처리 가능한 주문이 아닙니다(1).")
        line["status"] = CANCELLED
        # [G] 1639 lists cancels with ordCnMnbdCd 02 판매자 and 1638's reason codes: the line is a completed cancel
        # there (❓ whether 1639 or only 1642 canceledorders lists a 판매불가)
        self.claims.append(
            {
                "type": "cancel",
                "claimNo": str(self.next_claim_seq),
                "account": account.name,
                "ordNo": line["ordNo"],
                "ordPrdSeq": line["ordPrdSeq"],
                "dlvNo": line["dlvNo"],
                "prdNo": line["prdNo"],
                "qty": line["ordQty"],
                "status": "02",
                "open": False,
                "createdAt": self.clock(),
                "by": "02",
                "reason": p["ordCnRsnCd"],
                "detail": p["ordCnDtlsRsn"],
            }
        )
        self.next_claim_seq += 1
        self.refusals.append(
            {
                "account": account.name,
                "ordNo": line["ordNo"],
                "ordPrdSeq": line["ordPrdSeq"],
                "ordCnRsnCd": p["ordCnRsnCd"],
                "ordCnDtlsRsn": p["ordCnDtlsRsn"],  # Starlette has decoded the %-escapes
            }
        )
        return result_order(0, "전체 1건이 정상적으로 판매불가처리가 되었습니다.")  # ❓ after 1634's wording

    async def approve_cancel(self, request: Request) -> Response:
        """``GET /rest/claimservice/cancelreqconf/{ordPrdCnSeq}/{ordNo}/{ordPrdSeq}`` ([G] 1640): the request (01)
        completes (02) and the line is cancelled; a completed one answers the guide's −1 "이미 취소 완료된 신청건
        입니다."; −22004 unknown claim, −22002/−22003 another order or line."""
        account = self.caller(request, self.order_refusal)
        p = request.path_params
        claim = self.claim_of(account, "cancel", p["ordPrdCnSeq"])
        if claim is None or claim.get("refused"):
            return result_order(-22004, "주문취소 상세번호를 알 수 없습니다")
        if claim["ordNo"] != p["ordNo"]:
            return result_order(-22002, "주문 번호를 알 수 없습니다.")
        if claim["ordPrdSeq"] != p["ordPrdSeq"]:
            return result_order(-22003, "주문 상세번호를 알 수 없습니다.")
        if claim["status"] == "02":
            return result_order(-1, "이미 취소 완료된 신청건 입니다.")
        if claim["status"] != "01":  # ❓ withdrawn by the buyer (05): no code named; as a claim 1640 cannot find
            return result_order(-22004, "주문취소 상세번호를 알 수 없습니다")
        claim["status"], claim["open"] = "02", False
        self.lines[(claim["ordNo"], claim["ordPrdSeq"])]["status"] = CANCELLED
        return result_order(0, "전체 1건이 정상적으로 취소처리가 되었습니다.")  # [G] 1640 example

    async def reject_cancel(self, request: Request) -> Response:
        """``GET /rest/claimservice/cancelreqreject/{ordNo}/{ordPrdSeq}/{ordPrdCnSeq}/{dlvMthdCd}/{sendDt}/
        {dlvEtprsCd}/{invcNo}`` ([G] 1641, "이미 배송하였거나 … 취소 거부"): the request leaves the list and the
        line is 배송중 with this invoice. −23002 unknown claim, −23003 sendDt (YYYYMMDD), −23004 dlvMthdCd, −23006
        courier, −23005 invoice, −23007 a request no longer open."""
        account = self.caller(request, self.order_refusal)
        p = request.path_params
        claim = self.claim_of(account, "cancel", p["ordPrdCnSeq"])
        if claim is None or (claim["ordNo"], claim["ordPrdSeq"]) != (p["ordNo"], p["ordPrdSeq"]):
            return result_order(-23002, "주문취소 상세번호를 알 수 없습니다.")
        if parse_day(p["sendDt"]) is None:
            return result_order(-23003, "발송일을 알 수 없습니다.")
        if p["dlvMthdCd"] not in DELIVERY_METHODS | {"02"}:  # [G] 1641 adds 02 우편(소포/등기)
            return result_order(-23004, "배송방식 코드가 잘못되었습니다.")
        if p["dlvMthdCd"] == "01" and p["dlvEtprsCd"] not in COURIERS:
            return result_order(-23006, "택배업체를 알 수 없습니다.")
        if p["dlvMthdCd"] == "01" and not invoice_ok(p["dlvEtprsCd"], p["invcNo"]):
            # ❓ −23005's text ("송장번호가 10자리 이하입니다") disagrees with 1641's own 8-digit example: the sandbox
            # applies the courier's number rule of 1888 instead
            return result_order(-23005, "송장번호가 10자리 이하입니다. 다시 입력 해주세요.")
        if claim["status"] != "01" or claim.get("refused"):
            return result_order(-23007, "취소신청 정보를 알 수 없습니다.")
        claim["open"], claim["refused"] = False, True
        line = self.lines[(claim["ordNo"], claim["ordPrdSeq"])]
        line["status"] = SHIPPING
        line["shipped"] = {
            "dlvMthdCd": p["dlvMthdCd"],
            "dlvEtprsCd": p["dlvEtprsCd"],
            "invcNo": p["invcNo"],
            "sndEndDt": stamp(self.clock()),
        }
        return result_order(0, "전체 1건이 정상적으로 취소거부처리가 되었습니다.")  # ❓ after 1641's example

    def return_claim(self, account: Account, kind: str, p: Mapping[str, str], base: int) -> dict[str, Any] | Response:
        """The return (base −24000 / −25000) or exchange (−27000 / −26000) claim the path names, or the refusal:
        −…004 unknown claim, −…002 another order, −…003 another line."""
        claim = self.claim_of(account, kind, p["clmReqSeq"])
        if claim is None:
            return result_order(base - 4, "클레임 번호를 알 수 없습니다.")
        if claim["ordNo"] != p["ordNo"]:
            return result_order(base - 2, "주문번호를 알 수 없습니다.")
        if claim["ordPrdSeq"] != p["ordPrdSeq"]:
            return result_order(base - 3, "주문상세번호를 알 수 없습니다.")
        return claim

    async def approve_return(self, request: Request) -> Response:
        """``GET /rest/claimservice/returnreqconf/{clmReqSeq}/{ordNo}/{ordPrdSeq}`` ([G] 1644): 105 반품신청 / 104
        반품보류 → 106 반품완료; any other state −24006."""
        account = self.caller(request, self.order_refusal)
        claim = self.return_claim(account, "return", request.path_params, -24000)
        if isinstance(claim, Response):
            return claim
        if claim["status"] not in ("104", "105"):
            return result_order(-24006, "반품 신청또는 접수 상태가 아니어서 반품을 완료 할 수 없습니다.")
        claim["status"], claim["open"] = "106", False
        self.lines[(claim["ordNo"], claim["ordPrdSeq"])]["status"] = RETURNED  # [G] 1725 A01 반품완료
        return result_order(0, "전체 1건이 정상적으로 반품완료처리가 되었습니다.")  # ❓ 1644 shows no text

    async def reject_return(self, request: Request) -> Response:
        """``GET /rest/claimservice/returnreqreject/{ordNo}/{ordPrdSeq}/{clmReqSeq}/{refsRsnCd}/{refsRsn}`` ([G]
        1645; refsRsnCd 101–104): → 107 반품거부; not requested: the guide's −1 example text."""
        account = self.caller(request, self.order_refusal)
        p = request.path_params
        claim = self.return_claim(account, "return", p, -25000)
        if isinstance(claim, Response):
            return claim
        if p["refsRsnCd"] not in ("101", "102", "103", "104"):  # ❓ no code named: −1 비지니스 Error
            return result_order(-1, f"ERROR : 사유코드가 유효하지 않습니다. [{p['refsRsnCd']}]")
        if claim["status"] not in ("104", "105"):
            return result_order(-1, "반품 신청상태가 아니어서 반품거부를 할 수 없습니다.")  # [G] 1645 example
        claim.update(status="107", open=False, refsRsnCd=p["refsRsnCd"], refsRsn=p["refsRsn"])
        return result_order(0, "전체 1건이 정상적으로 반품거부처리가 되었습니다.")  # ❓ 1645 shows no text

    async def approve_exchange(self, request: Request) -> Response:
        """``GET /rest/claimservice/exchangereqconf/{clmReqSeq}/{ordNo}/{ordPrdSeq}/{dlvEtprsCd}/{invcNo}`` ([G]
        1649, the re-sent goods' invoice): 201 교환신청 / 212 / 214 → 221 교환발송완료; −27006 courier, −27008 a
        claim in another state."""
        account = self.caller(request, self.order_refusal)
        p = request.path_params
        claim = self.return_claim(account, "exchange", p, -27000)
        if isinstance(claim, Response):
            return claim
        if p["dlvEtprsCd"] not in COURIERS:
            return result_order(-27006, "택배업체를 알 수 없습니다.")
        if not invoice_ok(p["dlvEtprsCd"], p["invcNo"]):  # ❓ 1649 names no code for the number: −1 비지니스 Error
            return result_order(-1, "ERROR : 송장번호가 유효하지 않습니다. 택배사와 송장번호를 확인해 주세요.")
        if claim["status"] not in ("201", "212", "214"):
            return result_order(-27008, "교환신청 상태가 아니어서 교환완료를 할 수 없습니다.")
        claim.update(status="221", open=False, dlvEtprsCd=p["dlvEtprsCd"], invcNo=p["invcNo"])
        return result_order(0, "전체 1건이 정상적으로 교환처리가 되었습니다.")  # ❓ 1649 shows no text

    async def reject_exchange(self, request: Request) -> Response:
        """``GET /rest/claimservice/exchangereqreject/{ordNo}/{ordPrdSeq}/{clmReqSeq}/{refsRsnCd}/{refsRsn}`` ([G]
        1650; refsRsnCd 201–204): → 232 교환거부; −26006 not requested."""
        account = self.caller(request, self.order_refusal)
        p = request.path_params
        claim = self.return_claim(account, "exchange", p, -26000)
        if isinstance(claim, Response):
            return claim
        if p["refsRsnCd"] not in ("201", "202", "203", "204"):  # ❓ no code named: −1 비지니스 Error
            return result_order(-1, f"ERROR : 사유코드가 유효하지 않습니다. [{p['refsRsnCd']}]")
        if claim["status"] not in ("201", "212", "214"):
            return result_order(-26006, "교환신청 상태가 아니어서 교환접수거부를 할 수 없습니다.")
        claim.update(status="232", open=False, refsRsnCd=p["refsRsnCd"], refsRsn=p["refsRsn"])
        return result_order(0, "전체 1건이 정상적으로 교환거부처리가 되었습니다.")  # ❓ 1650 shows no text

    # -- Q&A --------------------------------------------------------------------------------------------

    async def list_qna(self, request: Request) -> Response:
        """``GET /rest/prodqnaservices/prodqnalist/{YYYYMMDD}/{YYYYMMDD}/{00|01|02}`` ([G] product/product-qna-1626;
        ≤ 7 days: 500 "최대 조회기간은 7일 입니다.")."""
        account = self.caller(request, self.qna_list_refusal)
        p = request.path_params
        start, end = parse_day(p["startTime"]), parse_day(p["endTime"])
        if start is None or end is None:
            return list_result("ns2:productQnas", 500, "조회 기간의 포멧(YYYYMMDD)이 올바르지 않습니다.")  # ❓ wording
        if end - start > 7 * DAY:  # [G] 1626 "조회 기간은 최대 7일(1주일)"; error example verbatim
            return list_result("ns2:productQnas", 500, "최대 조회기간은 7일 입니다.")
        wanted = {"00": None, "01": "Y", "02": "N"}
        if p["answerStatus"] not in wanted:  # ❓ wording
            return list_result("ns2:productQnas", 500, f"처리여부 코드가 올바르지 않습니다. [{p['answerStatus']}]")
        answered = wanted[p["answerStatus"]]
        rows = [
            q
            for q in self.inquiries.values()
            if q["account"] == account.name
            and start <= q["createdAt"] < end + DAY
            and (answered is None or q["answerYn"] == answered)
        ]
        hidden = ("account", "createdAt")
        # ❓ 1626 shows no empty answer: an empty ns2:productQnas
        return list_rows(
            "ns2:productQnas", "ns2:productQna", ([(k, v) for k, v in q.items() if k not in hidden] for q in rows)
        )

    async def answer_qna(self, request: Request) -> Response:
        """``PUT /rest/prodqnaservices/prodqnaanswer/{brdInfoNo}/{prdNo}`` ``<ProductQna><answerCont>`` ([G] 1885);
        a second answer replaces the first ("답변을 update 합니다", [G] 1885); ``answers`` keeps every call's text."""
        brd, prd_no = request.path_params["brdInfoNo"], request.path_params["prdNo"]

        def refuse(code: int | None, text: str) -> Response:  # [G] 1885 error: brdInfoNo, productNo, message, 500
            message = f"상품 Qna 글 번호 :{brd}의 답변 업데이트 실패. MSG : {text}" if code is None else text
            return client_message(500 if code is None else code, message, brdInfoNo=brd, productNo=prd_no)

        account = self.caller(request, refuse)
        body = await read_xml(request, refuse(None, "요청 XML 이 올바른 EUC-KR XML 이 아닙니다."))
        answer = fields_of(body).get("answerCont", "") if body.tag == "ProductQna" else ""
        if not answer:
            return refuse(None, "답변내용(answerCont)을 입력해 주세요.")  # ❓ wording
        inquiry = self.inquiries.get(brd)
        if inquiry is None or inquiry["account"] != account.name or inquiry["brdInfoClfNo"] != prd_no:
            return refuse(None, "해당 상품 Qna 글을 찾을 수 없습니다.")  # ❓ wording
        inquiry.update(answerCont=answer, answerYn="Y", answerDt=f"{kst(self.clock()):%Y/%m/%d}")
        self.answers.append({"account": account.name, "brdInfoNo": brd, "prdNo": prd_no, "answerCont": answer})
        # [G] 1885 example, verbatim shape
        message = f"상품 Qna 글 번호 : {brd}의 성공적으로 수정되었습니다. 업데이트 된 내용 :{answer}"
        return client_message(200, message, brdInfoNo=brd, productNo=prd_no)

    # -- 긴급알리미 -----------------------------------------------------------------------------------------

    async def list_alimi(self, request: Request) -> Response:
        """``GET /rest/alimi/getalimilist/{YYYYMMDD}/{YYYYMMDD}[/{emerNtceCrntCd}[/{orderNo}]]`` ([G] notify-1796):
        −10001 / −10002 a start / end that is not a date, −10003 a state not 01–06, −10004 more than 30 days, 0 "조회된
        결과가 없습니다." (not an error) when nothing matches; rows ``ns2:alimListInfo`` under ``ns2:alimi``."""
        account = self.caller(request, self.alimi_refusal)
        p = request.path_params
        start, end = parse_day(p["startTime"]), parse_day(p["endTime"])
        if start is None:
            return list_result("ns2:alimi", -10001, "조회시작일을 알 수 없습니다.")
        if end is None:
            return list_result("ns2:alimi", -10002, "조회종료일을 알 수 없습니다.")
        state = p.get("state")
        if state is not None and state not in ALIMI_STATES:
            return list_result("ns2:alimi", -10003, "처리상태값이 올바르지 않습니다.")
        if end - start > ALIMI_DAYS * DAY:
            return list_result("ns2:alimi", -10004, "조회기간은 최대 30일단위로 가능합니다.")
        order = p.get("orderNo")
        rows = [
            a
            for a in self.alimi.values()
            if a["account"] == account.name
            and start <= a["createdAt"] < end + DAY
            and state in (None, a["emerNtceCrntCd"])
            and order in (None, a["ordNo"])
        ]
        if not rows:
            return list_result("ns2:alimi", 0, "조회된 결과가 없습니다.")
        hidden = ("account", "createdAt")

        def fields(a: dict[str, Any]) -> list[tuple[str, Any]]:
            replies = [("emerReplyCtnt", r) for r in a["emerReplyList"]]
            return [(k, replies if k == "emerReplyList" else v) for k, v in a.items() if k not in hidden]

        return list_rows("ns2:alimi", "ns2:alimListInfo", (fields(a) for a in rows))

    async def answer_alimi(self, request: Request) -> Response:
        """``PUT /rest/alimi/alimianswer`` ``<request><confirmYn/><emerNtceSeq/><answerCtnt/></request>`` ([G]
        notify-6982): answered ``alimiResult{emerNtceSeq, ordNo, result_code, result_text}``. 100 a 긴급알림 confirmed
        (→ 06 처리완료), 200 a 긴급문의 answered (→ 03 답변완료, or 05 재답변완료 after 04 재답변요청). Refusals: −10001
        no number, −10000 none of this account, −10002 no confirmYn, −10003 not Y/N, −10004 a 긴급문의 without an
        answer, −10005 already settled (ALIMI_SETTLED)."""
        seq = ""

        def result(code: int, text: str, ord_no: str = "") -> Response:
            fields = [("emerNtceSeq", seq), ("ordNo", ord_no), ("result_code", code), ("result_text", text)]
            return xml_response("alimiResult", fields)

        account = self.caller(request, lambda code, text: result(-1 if code is None else code, text))
        body = await read_xml(request, result(-1, "요청 XML 이 올바른 EUC-KR XML 이 아닙니다."))  # ❓ wording
        given = fields_of(body) if body.tag == "request" else {}
        seq = given.get("emerNtceSeq", "")
        if not seq:
            return result(-10001, "게시물일련번호를 알 수 없습니다.")
        alimi = self.alimi.get(seq)
        if alimi is None or alimi["account"] != account.name:
            return result(-10000, "게시물일련번호에 대한 알리미내역이 존재하지 않습니다.")
        confirm = given.get("confirmYn", "")
        if not confirm:
            return result(-10002, "확인처리여부를 알 수 없습니다.", alimi["ordNo"])
        if confirm not in ("Y", "N"):
            return result(-10003, "확인처리값은 'Y' 또는 'N'으로 입력하셔야 합니다.", alimi["ordNo"])
        answer = given.get("answerCtnt", "")
        inquiry = alimi["emerNtceClfNo1"] == "10"
        if inquiry and not answer:
            return result(-10004, "답변내용이 입력되어있지 않습니다.", alimi["ordNo"])
        if alimi["emerNtceCrntCd"] in ALIMI_SETTLED:
            return result(-10005, "이미 처리된 알리미입니다.", alimi["ordNo"])
        if inquiry:
            alimi["emerNtceCrntCd"] = "05" if alimi["emerNtceCrntCd"] == "04" else "03"
            alimi["emerReplyList"].append(answer)
        elif confirm == "Y":  # ❓ 6982 says nothing of confirmYn N on a 긴급알림: it stays as it is
            alimi["emerNtceCrntCd"] = "06"
        self.alimi_answers.append(
            {"account": account.name, "emerNtceSeq": seq, "confirmYn": confirm, "answerCtnt": answer}
        )
        if inquiry:  # ❓ 6982 shows only 100's text ("확인처리 되었습니다.")
            return result(200, "답변처리 되었습니다.", alimi["ordNo"])
        return result(100, "확인처리 되었습니다.", alimi["ordNo"])
