"""The courier catalogue: names staff pick, what else they write, each marketplace's code, tracking-number rules.

Sources (tags as in /work/shared/marketplaces.md §7; ✅ marketplace document, ◐ third-party client, ❓ unconfirmed):

* TMON ``deliveryCorp`` — ❓ our sandbox's reading (batch/sandbox/tmon_orders.py ``COURIERS``), NOT confirmed by any TMON document; only
  10099 = 자체배송 is confirmed (§1.4, [T1] passes ``deliveryCorp: 10099`` for self-delivery). No official table was
  found (§8: "the numeric courier code table (deliveryCorp)" is still open).
* Coupang ``deliveryCompanyCode`` — ✅ [C1] the developers.coupang.com snapshot,
  https://github.com/optionalg/coupang-developers.github.io/blob/master/assets/docs/season-2/distribution-center-api/ko/lookup-delivery-code.document.ts
  ("택배사 코드": HYUNDAI 롯데택배, KGB 로젠택배, EPOST 우체국, HANJIN, CJGLS, KDEXP, ILYANG, CHUNIL, DAESIN,
  CVS "CVS택배", HDEXP 합동택배, DIRECT 업체직송). CVS택배 is CVSnet, the network now sold as GS Postbox 택배
  (its tracking page is cvsnet.co.kr); [C6] also maps CVSnet → CVS. That list has no CU code (one client sends "BGF";
  not documented), so CU편의점택배 has none.
* Naver ``deliveryCompanyCode`` — ✅ [V4] the dispatch page of the current docs,
  https://apicenter.commerce.naver.com/docs/commerce-api/current/seller-dispatch-product-orders-pay-order-seller
  (marketplaces.md §3.3: CJGLS, HYUNDAI = 롯데, HANJIN, KGB = 로젠, EPOST, KDEXP). Left out because only clients show
  them (◐, [C6] and others): DAESIN, ILYANG, CHUNIL, HDEXP, CVSNET (GS Postbox), CUPARCEL. Check them with
  ``GET /v1/logistics/logistics-companies`` before adding. Note: two public clients send LOGEN (not KGB) for 로젠 to
  Naver; the docs copy says KGB, so KGB stays.
* 11번가 ``dlvEtprsCd`` — ✅ the 11번가 Open API guide's 발송처리 page (apiSeq 1888), as copied with a seller session in
  ``rumeadia-dotcom/ing0415`` ``docs/architecture/v1/features/11st-api/order/dispatch-1888.md`` (the same map is
  coded in that repository's ``apps/api/supabase/functions/_shared/carrier-codes.ts``); /work/shared/
  marketplaces-next.md §1.3: 00034 CJ대한통운, 00012 롯데(구 현대), 00011 한진, 00007 우체국, 00002 로젠, 00026 경동,
  00021 대신, 00035 합동, 00027 천일, 00061 CU, 00060 CVSnet (GS Postbox), 00099 기타. 00022 (일양) is ◐ only:
  ``KimJinYoung-a/wapi`` ``TenDlvCode211stDlvCode`` (10x10's production integration), not in the §1.3 excerpt.
  직접배송 is a delivery method there (``dlvMthdCd`` 03), not a courier code; ``ST11_OTHER`` (00099 기타) is the
  guide's catch-all and no catalogue courier maps to it.
* ESM ``DeliveryCompanyCode`` (integer) — ✅ the etapi guide's 택배사 리스트 조회 page (post 142), as copied in
  ``rumeadia-dotcom/ing0415`` ``docs/architecture/v1/features/esm-api/product/142.md``: 10013 CJ 대한통운 택배, 10008
  롯데택배, 10007 한진택배, 10003 로젠택배, 10005 우체국택배, 10016 경동택배, 10014 대신택배, 10015 일양택배, 10017
  천일택배, 10074 합동택배 (marketplaces-next.md §7.3 agrees). Left out: 10073 "편의점택배(GS25)" for CVSnet (GS
  Postbox) and anything for CU — the page does not say which network its 편의점택배 is.

Tracking-number lengths are restricted only where two independent public sources agree; otherwise 9–14 digits:

* CJ대한통운 10 or 12, 롯데택배 10/12/13, 한진택배 10/12/14, 로젠택배 11, 우체국택배 13 —
  https://github.com/B4TT3RY/DeliveryTracker (src/couriers/{cjlogistics,ilogen,epost,hanjin}.rs and
  src/couriers/kr/{lotte,hanjin,logen,kyoungdong}.rs, the validators it runs before querying each courier's site) and
  https://github.com/speshase/spes (Portfolio_spes/src/main/webapp/resources/js/mypage/delivery.js). Where they
  differ (한진 12/14 against 10/12) the union is kept, so a real number is never refused.
* 경동택배 13 — B4TT3RY/DeliveryTracker src/couriers/kr/kyoungdong.rs, and a public client's count of real data
  (5,008 of 5,013 경동 numbers had 13 digits).

Check digit, only where a public source states the algorithm:

* 롯데택배, 12 digits: the first 11 digits read as one integer, mod 7, equal the 12th digit — "규칙(롯데 조회 폼 JS 에서
  추출)" in a public client (repository not resolved by the index), i.e. the script behind
  https://www.lotteglogis.com/home/reservation/tracking/linkView; that client's real data was 12 digits in 4,131 of
  4,134 rows. A real 롯데 number quoted by another client, 317651308380, passes.
* CJ대한통운 and 로젠택배: the same mod-7 rule is often repeated, and real numbers quoted in public issues pass it, but no
  source states the algorithm for them, so they have no check.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

MARKETS: tuple[str, ...] = ("tmon", "coupang", "naver", "11st", "esm")

# 11번가's 기타 (other courier) code, dispatch-1888 (see the module docstring); no catalogue courier is sent as it.
ST11_OTHER = "00099"

ANY_LENGTH: tuple[int, ...] = tuple(range(9, 15))  # no confirmed rule: 9–14 digits

CHECK_DIGIT_PROBLEM = "송장번호가 올바르지 않습니다(검증 숫자 불일치). 번호를 다시 확인하세요."


def _mod7_last_digit(number: str) -> bool:
    """All digits but the last, read as one integer, mod 7 == the last digit."""
    return int(number[:-1]) % 7 == int(number[-1])


def lotte_check(number: str) -> bool:
    """롯데택배: the mod-7 rule covers 12-digit numbers only (see the module docstring for the source)."""
    return len(number) != 12 or _mod7_last_digit(number)


@dataclass(frozen=True)
class Courier:
    key: str  # stable ASCII id
    name: str  # as staff pick it (the template dropdown)
    aliases: tuple[str, ...]  # what courier systems and staff also write
    codes: dict[str, str] = field(hash=False)  # marketplace key → that marketplace's code; only confirmed ones
    digits: tuple[int, ...]  # allowed tracking-number lengths; () = takes no number
    check: Callable[[str], bool] | None = None  # check-digit test, only where a source states the algorithm

    @property
    def takes_number(self) -> bool:
        return bool(self.digits)


CATALOGUE: tuple[Courier, ...] = (
    Courier(
        key="cj",
        name="CJ대한통운",
        aliases=("CJ", "대한통운", "CJ GLS", "CJ택배", "CJ대한통운택배", "CJ Logistics", "씨제이대한통운"),
        codes={"tmon": "10001", "coupang": "CJGLS", "naver": "CJGLS", "11st": "00034", "esm": "10013"},
        digits=(10, 12),
    ),
    Courier(
        key="lotte",
        name="롯데택배",
        aliases=("롯데", "롯데(현대택배)", "현대택배", "롯데글로벌로지스", "롯데로지스틱스", "Lotte"),
        codes={"tmon": "10002", "coupang": "HYUNDAI", "naver": "HYUNDAI", "11st": "00012", "esm": "10008"},
        digits=(10, 12, 13),
        check=lotte_check,
    ),
    Courier(
        key="hanjin",
        name="한진택배",
        aliases=("한진", "Hanjin"),
        codes={"tmon": "10003", "coupang": "HANJIN", "naver": "HANJIN", "11st": "00011", "esm": "10007"},
        digits=(10, 12, 14),
    ),
    Courier(
        key="logen",
        name="로젠택배",
        aliases=("로젠", "Logen", "iLOGEN"),
        codes={"tmon": "10004", "coupang": "KGB", "naver": "KGB", "11st": "00002", "esm": "10003"},
        digits=(11,),
    ),
    Courier(
        key="epost",
        name="우체국택배",
        aliases=("우체국", "우체국소포", "우체국 택배", "Korea Post"),  # not EMS: that is international
        codes={"tmon": "10005", "coupang": "EPOST", "naver": "EPOST", "11st": "00007", "esm": "10005"},
        digits=(13,),
    ),
    Courier(
        key="kdexp",
        name="경동택배",
        aliases=("경동", "경동물류"),
        codes={"tmon": "10006", "coupang": "KDEXP", "naver": "KDEXP", "11st": "00026", "esm": "10016"},
        digits=(13,),
    ),
    Courier(
        key="daesin",
        name="대신택배",
        aliases=("대신", "대신화물", "대신화물택배"),
        codes={"tmon": "10007", "coupang": "DAESIN", "11st": "00021", "esm": "10014"},
        digits=ANY_LENGTH,
    ),
    Courier(
        key="ilyang",
        name="일양로지스",
        aliases=("일양", "일양택배"),
        codes={"tmon": "10008", "coupang": "ILYANG", "11st": "00022", "esm": "10015"},
        digits=ANY_LENGTH,
    ),
    Courier(
        key="chunil",
        name="천일택배",
        aliases=("천일",),
        codes={"tmon": "10009", "coupang": "CHUNIL", "11st": "00027", "esm": "10017"},
        digits=ANY_LENGTH,
    ),
    Courier(
        key="hapdong",
        name="합동택배",
        aliases=("합동",),
        codes={"tmon": "10010", "coupang": "HDEXP", "11st": "00035", "esm": "10074"},
        digits=ANY_LENGTH,
    ),
    Courier(
        key="cu",
        name="CU편의점택배",
        aliases=("CU", "CU택배", "편의점택배(CU)", "CU POST", "CU포스트", "CU 편의점 택배"),
        codes={"tmon": "10011", "11st": "00061"},
        digits=ANY_LENGTH,
    ),
    Courier(
        key="gs",
        name="GS Postbox",
        aliases=(
            "GS Postbox 택배",
            "GS포스트박스",
            "GS편의점택배",
            "GS25편의점택배",
            "GS25택배",
            "GS택배",
            "편의점택배(GS)",
            "CVSnet",
            "CVSnet편의점택배",
        ),
        codes={"tmon": "10012", "coupang": "CVS", "11st": "00060"},
        digits=ANY_LENGTH,
    ),
    Courier(
        key="direct",
        name="직접배송",
        aliases=("직배송", "자체배송", "업체직송", "직접전달"),
        codes={"tmon": "10099", "coupang": "DIRECT"},  # TMON 10099: confirmed (§1.4)
        digits=(),
    ),
)

# The names the product template's 택배사 dropdown offers, in catalogue order. Other modules import this.
COURIERS: tuple[str, ...] = tuple(c.name for c in CATALOGUE)

BY_KEY: Mapping[str, Courier] = {c.key: c for c in CATALOGUE}


def _fold(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split()).casefold()


# Codes not read as a courier's name in a workbook: ESM's numbers overlap TMON's (10003 is 한진 at TMON, 로젠 at ESM),
# so a number staff write keeps meaning what it meant before ESM came.
NOT_WORDS = ("esm",)


def _build_index() -> dict[str, Courier]:
    index: dict[str, Courier] = {}
    for courier in CATALOGUE:
        codes = [code for market, code in courier.codes.items() if market not in NOT_WORDS]
        for word in (courier.key, courier.name, *courier.aliases, *codes):
            folded = _fold(word)
            other = index.setdefault(folded, courier)
            if other is not courier:
                raise ValueError(f"{word!r} would name both {other.name} and {courier.name}")
    return index


_INDEX = _build_index()


def find_courier(text: str) -> Courier | None:
    """The courier a name, alias or marketplace code stands for (spaces and case ignored), or None."""
    return _INDEX.get(_fold(text))


_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2212"
_STRIP = str.maketrans("", "", _DASHES)
_DIGITS = re.compile(r"[0-9]+")
_EXPONENT = re.compile(r"[0-9]+(?:[.,][0-9]+)?[eE][+-]?[0-9]+")
_DOT_ZERO = re.compile(r"[0-9]+\.0+")


def normalize_tracking(text: str) -> str:
    """The number without spaces and hyphens (full-width characters folded). Nothing else is repaired."""
    return "".join(unicodedata.normalize("NFKC", text).split()).translate(_STRIP)


def _lengths(digits: tuple[int, ...]) -> str:
    if len(digits) > 2 and digits == tuple(range(digits[0], digits[-1] + 1)):
        return f"{digits[0]}~{digits[-1]}자리"
    if len(digits) == 1:
        return f"{digits[0]}자리"
    return ", ".join(str(d) for d in digits[:-1]) + f" 또는 {digits[-1]}자리"


def tracking_problem(courier: Courier, number: str) -> str | None:
    """What is wrong with this tracking number for this courier, as a sentence for staff; None if nothing is."""
    if not courier.takes_number:
        return None  # 직접배송: no tracking number; whatever was written is kept as a note
    raw = "".join(unicodedata.normalize("NFKC", number).split())
    if not raw:
        return "송장번호가 비어 있습니다."
    if _EXPONENT.fullmatch(raw):
        return (
            f"엑셀이 숫자를 지수로 바꿨습니다({raw}). 뒷자리가 이미 지워져 되살릴 수 없습니다. "
            "셀 서식을 '텍스트'로 바꾸고 송장번호를 다시 입력하세요."
        )
    digits = normalize_tracking(number)
    if _DOT_ZERO.fullmatch(digits):
        return (
            f"엑셀이 송장번호 뒤에 소수점을 붙였습니다({digits}). "
            "셀 서식을 '텍스트'로 바꾸고 송장번호를 다시 입력하세요."
        )
    if not _DIGITS.fullmatch(digits):
        others = "".join(dict.fromkeys(ch for ch in digits if not ("0" <= ch <= "9")))
        return f"송장번호는 숫자만 입력하세요('-'와 띄어쓰기는 괜찮습니다). 숫자가 아닌 글자: {others}"
    if len(digits) not in courier.digits:
        return f"{courier.name} 송장번호는 {_lengths(courier.digits)}입니다(입력한 번호는 {len(digits)}자리)."
    if courier.check is not None and not courier.check(digits):
        return CHECK_DIGIT_PROBLEM
    return None
