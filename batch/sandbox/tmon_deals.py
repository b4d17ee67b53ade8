"""TMON's deal rules (marketplaces.md §1.5): check a deal body, and a stock or display update.

Read from two production clients, never from our adapter: [T1] ``richbeam/mcs_tmon_api``
``src/main/java/com/tmon/api/module/prod/ProdServiceImpl.java`` ``getProducts`` (each field annotated with its type
and an O/X required flag copied from TMON's spec) and [T2] ``sosobox2-cyber/commerce-api``
``src/main/java/com/cware/netshopping/patmon/v2/domain/{Deal,DealOption,DealProductInfo,DealProductInfoItem,
DealKcAuth}.java``. Where the two send a number differently (T1 an Integer, T2 a String of digits) both are taken.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, TypeGuard

# TMON's productType (배송 상품타입) codes, as [T1] ProdServiceImpl.getProducts lists them ("냉장냉동/신선식품(DP01),
# 일반상품(DP07), 해외직배송(DP02), 해외구매대행(DP03), 화물설치(DP04), 주문제작(DP05), 주문후발주(DP06)"); [T2]
# patmongoods.xml sends DP04/DP05/DP07 and PaTmonSellerService sends DP07 on a template.
PRODUCT_TYPES: dict[str, str] = {
    "DP01": "냉장냉동/신선식품",
    "DP02": "해외직배송",
    "DP03": "해외구매대행",
    "DP04": "화물설치",
    "DP05": "주문제작",
    "DP06": "주문후발주",
    "DP07": "일반상품",
}

# Defaults [T1] getProducts documents for optional fields ("salesEndDate … X 2900-12-31T23:59:59", "maxPurchaseQty
# … X 999", "purchaseResetPeriod … X 7"); a stored deal carries them.
DEFAULTS: dict[str, Any] = {"salesEndDate": "2900-12-31T23:59:59", "maxPurchaseQty": 999, "purchaseResetPeriod": 7}

MAX_OPTIONS = 200
MAX_IMAGES = 6
MAX_DETAIL = 500_000
KC_SUBMIT_TYPES = ("Y", "N", "X")  # [T1] "Y(제출), N(대상아님), X(컨텐츠에포함)"
MAX_DECORATION = 20  # [T1] titleDecoration "String(20) … O 최대 20자"

LABELS = {
    "vendorDealNo": "업체딜번호",
    "title": "딜명",
    "managedTitle": "관리용 딜명",
    "titleDecoration": "딜 홍보문구",
    "deliveryCorp": "배송사",
    "section": "항목",
    "description": "설명",
    "kcAuths": "KC인증",
    "productType": "상품유형",
    "vendorPolicyNo": "업체정책번호",
    "deliveryTemplateNo": "배송템플릿번호",
    "categoryNo": "카테고리번호",
    "subcategoryNos": "서브카테고리",
    "mainImages": "대표이미지",
    "detailContents": "상세설명",
    "productInfos": "상품정보제공고시",
    "kcAuthSubmitType": "KC인증 제출유형",
    "keywords": "검색키워드",
    "dealOptions": "딜옵션",
    "vendorDealOptionNo": "업체옵션번호",
    "salesPrice": "판매가",
    "price": "가격",
    "stock": "재고",
    "display": "노출여부",
    "deliveryTemplateName": "배송템플릿명",
}


class DealError(Exception):
    """A business error, answered with HTTP 400 ``{"ResultCode": code, "Message": message}``."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


def label(field: str) -> str:
    """``딜명(title)``: the Korean name of a field, then the field."""
    return f"{LABELS.get(field, field)}({field})"


def missing(field: str, where: str = "") -> DealError:
    """``where`` prefixes the message, e.g. ``"[옵션 O-1] "``."""
    return DealError("MISSING_FIELD", f"{where}{label(field)}: 필수 항목입니다.")


def invalid(field: str, value: object, where: str = "") -> DealError:
    return DealError("INVALID_VALUE", f"{where}{label(field)}: 올바르지 않은 값입니다: {shown(value)}.")


def is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def check_text(deal: Mapping[str, Any], field: str, longest: int, *, required: bool) -> None:
    """A string field of 1 to ``longest`` characters; absent or "" is missing."""
    value = deal.get(field)
    if value is None or value == "":
        if required:
            raise missing(field)
        return
    if not isinstance(value, str):
        raise invalid(field, value)
    if len(value) > longest:
        raise DealError("INVALID_LENGTH", f"{label(field)}: 1~{longest:,}자로 입력해야 합니다 (입력 {len(value):,}자).")


def number_of(value: object) -> int | None:
    """A positive number as [T1] sends it (a JSON integer) or as [T2] does (a string of digits); else None."""
    if is_int(value):
        return value if value > 0 else None
    if isinstance(value, str) and value.isascii() and value.isdigit() and int(value) > 0:
        return int(value)
    return None


def check_id(deal: Mapping[str, Any], field: str) -> int:
    """A required number issued by TMON (vendorPolicyNo "Integer+", deliveryTemplateNo "Integer+", categoryNo "Long+"
    in [T1]; Strings of digits in [T2] ``Deal.java``)."""
    value = deal.get(field)
    if value is None or value == "":
        raise missing(field)
    number = number_of(value)
    if number is None:
        raise invalid(field, value)
    return number


def check_product_type(deal: Mapping[str, Any]) -> str:
    value = deal.get("productType")
    if value is None or value == "":
        raise missing("productType")
    if value not in PRODUCT_TYPES:  # [T1] "ProductType 배송상품 유형 타입 O"
        allowed = ", ".join(f"{code}({name})" for code, name in PRODUCT_TYPES.items())
        raise DealError("INVALID_VALUE", f"{label('productType')}: 허용되지 않는 값입니다: {value}. 허용값: {allowed}.")
    return str(value)


def check_template(deal: Mapping[str, Any], product_type: str, templates: Sequence[Mapping[str, Any]]) -> None:
    """[T1] productType "배송템플릿의 상품타입과 일치해야함"; [T2] PaTmonSellerApiService "productType 항목은 향후
    딜생성시 입력되는 productType 항목과 반드시 일치해야 합니다"."""
    number = check_id(deal, "deliveryTemplateNo")
    template = next((t for t in templates if t["deliveryTemplateNo"] == number), None)
    if template is None:
        raise DealError("TEMPLATE_NOT_FOUND", f"배송템플릿을 찾을 수 없습니다: {number}")
    if template["productType"] != product_type:
        raise DealError(
            "PRODUCT_TYPE_MISMATCH",
            f"배송템플릿 {number}의 상품유형({template['productType']})과 "
            f"딜의 상품유형({product_type})이 일치하지 않습니다.",
        )


def check_list(deal: Mapping[str, Any], field: str, longest: int) -> None:
    """An optional list of at most ``longest`` items."""
    value = deal.get(field)
    if value is None:
        return
    if not isinstance(value, list):
        raise invalid(field, value)
    if len(value) > longest:
        raise DealError(
            "INVALID_VALUE", f"{label(field)}: 최대 {longest}개까지 입력할 수 있습니다 (입력 {len(value)}개)."
        )


def check_images(deal: Mapping[str, Any]) -> None:
    images = deal.get("mainImages")
    if images is None:
        raise missing("mainImages")
    if not isinstance(images, list):
        raise invalid("mainImages", images)
    if not 1 <= len(images) <= MAX_IMAGES:
        raise DealError(
            "INVALID_IMAGE_COUNT", f"{label('mainImages')}: 1~{MAX_IMAGES}개를 등록해야 합니다 (입력 {len(images)}개)."
        )
    for url in images:
        if not (isinstance(url, str) and url.startswith(("http://", "https://"))):
            raise invalid("mainImages", url)


def check_product_infos(deal: Mapping[str, Any]) -> None:
    """상품정보제공고시 ([T1] "List<DealProductInfo> … O"): one entry per 고시 group, ``{productType: <group name>,
    productInfos: [{section, description}]}`` ([T1] getProducts; [T2] DealProductInfo, DealProductInfoItem)."""
    groups = deal.get("productInfos")
    if not groups:
        raise missing("productInfos")
    if not isinstance(groups, list):
        raise invalid("productInfos", groups)
    for group in groups:
        where = "[상품정보제공고시] "
        if not isinstance(group, dict) or not isinstance(group.get("productType"), str) or not group["productType"]:
            raise DealError("INVALID_VALUE", f"{where}고시 상품군(productType)이 필요합니다: {shown(group)}.")
        items = group.get("productInfos")
        if not isinstance(items, list) or not items:
            raise missing("productInfos", f"{where}[{group['productType']}] ")
        for item in items:
            if not isinstance(item, dict):
                raise invalid("productInfos", item, where)
            for name in ("section", "description"):
                if not isinstance(item.get(name), str) or not item[name].strip():
                    raise missing(name, f"{where}[{group['productType']}] ")


def check_delivery_corp(deal: Mapping[str, Any]) -> None:
    """[T1] deliveryCorp "String 배송사(택배사) … 배송상품일 경우 필수": every productType is a delivered one. [T1] sends
    its courier table's name column (default '직접배송'), [T2] a courier code as a string; any non-empty text is
    taken."""
    value = deal.get("deliveryCorp")
    if value is None or (isinstance(value, str) and not value.strip()):
        raise missing("deliveryCorp")
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise invalid("deliveryCorp", value)


def check_kc(deal: Mapping[str, Any]) -> None:
    """kcAuthSubmitType ([T1] "O", Y/N/X); kcAuths ``[{section, no}]`` ([T2] DealKcAuth) "제출타입일 경우 필수"."""
    kc = deal.get("kcAuthSubmitType")
    if kc is None or kc == "":
        raise missing("kcAuthSubmitType")
    if kc not in KC_SUBMIT_TYPES:
        raise invalid("kcAuthSubmitType", kc)
    auths = deal.get("kcAuths")
    if kc == "Y" and not auths:
        raise DealError("MISSING_FIELD", f"{label('kcAuths')}: KC인증 제출(Y)이면 인증 정보가 필수입니다.")
    if auths is None:
        return
    if not isinstance(auths, list):
        raise invalid("kcAuths", auths)
    for auth in auths:
        if not isinstance(auth, dict) or not all(isinstance(auth.get(k), str) and auth[k] for k in ("section", "no")):
            raise DealError("INVALID_VALUE", f"{label('kcAuths')}: 인증구분(section)과 인증번호(no)가 필요합니다.")


def shown(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)[:100]


def bad_stock(stock: object, where: str) -> DealError:
    return DealError("INVALID_STOCK", f"{where}{label('stock')}: 0 이상의 정수여야 합니다 (입력 {stock}).")


def check_option(option: object, index: int, seen: set[str], *, update: bool) -> dict[str, Any]:
    """The ``index``-th deal option (from 1), as [T1] annotates DealOption; returns it with ``price`` and ``display``
    defaulted ([T1] price "X salesPrice", display "X true"). In an update (``update``) a ``display`` left out is left
    out here: the deal keeps the option's own ([T1] updateProducts sends display only on registration and sets it with
    /options/display; [T2] quotes TMON "기본적으로 수정될 정보만 세팅하면 되나")."""
    if not isinstance(option, dict):
        raise invalid("dealOptions", option, f"[{index}번째 옵션] ")
    number = option.get("vendorDealOptionNo")  # [T1] "String(1..50) 연동업체 상품키 O unique"
    if number is None or number == "":
        raise missing("vendorDealOptionNo", f"[{index}번째 옵션] ")
    if not (is_int(number) or isinstance(number, str)) or len(str(number)) > 50:
        raise invalid("vendorDealOptionNo", number, f"[{index}번째 옵션] ")
    where = f"[옵션 {number}] "
    if str(number) in seen:
        raise DealError("DUPLICATE_OPTION", f"{label('vendorDealOptionNo')}: 중복된 옵션번호입니다: {number}")
    seen.add(str(number))
    title, sections = option.get("title"), option.get("sections")  # [T1] "title 또는 sections 둘중 1개는 필수"
    if not (isinstance(title, str) and title) and not sections:
        raise DealError("MISSING_FIELD", f"{where}옵션명(title) 또는 섹션(sections) 중 하나는 필수입니다.")
    price = option.get("salesPrice")  # [T1] "Integer+ 판매가(단가) O 0원 등록불가"
    if price is None:
        raise missing("salesPrice", where)
    if not is_int(price) or price <= 0:
        raise DealError("INVALID_PRICE", f"{where}{label('salesPrice')}: 0보다 큰 정수여야 합니다 (입력 {price}).")
    stock = option.get("stock")  # [T1] "Integer+ 재고 O", sent on registration only ([T1], [T2])
    if stock is None and not update:
        raise missing("stock", where)
    if stock is not None and (not is_int(stock) or stock < 0):
        raise bad_stock(stock, where)
    listed = option.get("price", price)  # [T1] "Integer+ 가격 X salesPrice 현정책 기준 salesPrice와 동일해야 함"
    if not is_int(listed) or listed != price:
        message = f"{where}{label('price')}: 판매가(salesPrice)와 같아야 합니다 (판매가 {price}, 입력 {listed})."
        raise DealError("INVALID_PRICE", message)
    checked = {**option, "price": listed}
    if update and "display" not in option:
        return checked
    display = option.get("display", True)
    if not isinstance(display, bool):
        raise invalid("display", display, where)
    return {**checked, "display": display}


def check_options(deal: Mapping[str, Any], *, update: bool) -> list[dict[str, Any]]:
    """[T1] "List<DealOption>(1..200) 옵션들 O 옵션은 200개까지만 가능"."""
    options = deal.get("dealOptions")
    if options is None:
        raise missing("dealOptions")
    if not isinstance(options, list):
        raise invalid("dealOptions", options)
    if not 1 <= len(options) <= MAX_OPTIONS:
        raise DealError(
            "INVALID_OPTION_COUNT",
            f"{label('dealOptions')}: 1~{MAX_OPTIONS}개를 등록해야 합니다 (입력 {len(options)}개).",
        )
    seen: set[str] = set()
    return [check_option(option, index, seen, update=update) for index, option in enumerate(options, 1)]


def check_deal(body: object, templates: Sequence[Mapping[str, Any]], *, update: bool = False) -> dict[str, Any]:
    """Return a valid deal body with its defaults filled in; raise ``DealError`` on the first broken rule.

    ``update``: a ``PUT /deals/{no}`` body, where option stock may be left out ([T2] PaTmonProductService "상품
    수정에서 제외되는 항목"; PaTmonProductApiService "수량(재고) … 변경은 별도 API에서 처리됩니다").
    """
    if not isinstance(body, dict):
        raise DealError("INVALID_BODY", "요청 본문은 JSON 객체여야 합니다.")
    check_text(body, "vendorDealNo", 50, required=True)  # [T1] "String(1..50) … O"
    check_text(body, "title", 60, required=True)  # [T1] "String(60) 판매용 메인 제목(딜명) O 최대 60자"
    check_text(body, "managedTitle", 60, required=True)  # [T1] "String(60) 티몬 내부에서 관리될 딜이름 O"
    check_text(body, "titleDecoration", MAX_DECORATION, required=True)  # [T1] "String(20) … 딜 홍보 문구 O"
    product_type = check_product_type(body)
    check_id(body, "vendorPolicyNo")  # [T1] "Integer+ 티몬 오퍼레이터를 통해 받은 정책번호 O"
    check_template(body, product_type, templates)
    check_id(body, "categoryNo")  # [T1] "Long+ 티몬 카테고리 번호 O"
    check_list(body, "subcategoryNos", 2)
    check_images(body)
    check_text(body, "detailContents", MAX_DETAIL, required=True)  # [T1] "String(1..500000) … O"
    check_product_infos(body)
    check_kc(body)
    check_delivery_corp(body)
    check_list(body, "keywords", 5)  # [T1] "List<String>(1..5) 검색 키워드 X 5개까지만 가능"
    options = check_options(body, update=update)
    deal = {**body, "dealOptions": options}
    for name, default in DEFAULTS.items():
        deal.setdefault(name, default)
    return deal


def check_option_updates(
    body: object, options: Sequence[dict[str, Any]], field: str
) -> list[tuple[dict[str, Any], Any]]:
    """Check a ``stock`` or ``display`` update ``{"dealOptions": [...]}``; return each option with its new value."""
    items = body.get("dealOptions") if isinstance(body, dict) else None
    if not isinstance(items, list) or not items:
        raise missing("dealOptions")
    by_vendor = {str(option["vendorDealOptionNo"]): option for option in options}
    by_tmon = {option["tmonDealOptionNo"]: option for option in options}
    changes: list[tuple[dict[str, Any], Any]] = []
    for item in items:
        if not isinstance(item, dict):
            raise invalid("dealOptions", item)
        key, tmon_no = item.get("vendorDealOptionNo"), item.get("tmonDealOptionNo")
        option = by_vendor.get(str(key)) if key is not None else by_tmon.get(tmon_no) if is_int(tmon_no) else None
        if option is None:
            raise DealError("OPTION_NOT_FOUND", f"딜옵션을 찾을 수 없습니다: {key if key is not None else tmon_no}")
        value = item.get(field)
        where = f"[옵션 {key if key is not None else tmon_no}] "
        if field == "stock" and not (is_int(value) and value >= 0):
            raise bad_stock(value, where)
        if field == "display" and not isinstance(value, bool):
            raise invalid("display", value, where)
        changes.append((option, value))
    return changes
