"""TMON's deal rules (marketplaces.md §1.5): check a deal body, and a stock or display update."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, TypeGuard

# The sandbox's codes for TMON's 상품유형그룹. TMON's real codes are not in any source found, so these are ours.
PRODUCT_TYPES: dict[str, str] = {
    "FRESH": "냉장/냉동/신선식품",
    "CARGO": "화물/설치",
    "CUSTOM": "주문제작",
    "ORDER_AFTER": "주문후발주",
    "GENERAL": "일반상품",
    "EXCEPTION": "예외상품",
}

# Defaults §1.5 documents for optional fields; a stored deal carries them.
DEFAULTS: dict[str, Any] = {"salesEndDate": "2900-12-31T23:59:59", "maxPurchaseQty": 999, "purchaseResetPeriod": 7}

MAX_OPTIONS = 200
MAX_IMAGES = 6
MAX_DETAIL = 500_000
KC_SUBMIT_TYPES = ("Y", "N", "X")

LABELS = {
    "vendorDealNo": "업체딜번호",
    "title": "딜명",
    "managedTitle": "관리용 딜명",
    "titleDecoration": "딜명 꾸밈말",
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
    "price": "추가금액",
    "stock": "재고",
    "display": "노출여부",
    "name": "템플릿명",
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
    shown = json.dumps(value, ensure_ascii=False, default=str)[:100]
    return DealError("INVALID_VALUE", f"{where}{label(field)}: 올바르지 않은 값입니다: {shown}.")


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


def check_id(deal: Mapping[str, Any], field: str) -> None:
    """A required number issued by TMON: an integer or a non-empty string."""
    value = deal.get(field)
    if value is None or value == "":
        raise missing(field)
    if not (is_int(value) or isinstance(value, str)):
        raise invalid(field, value)


def check_product_type(deal: Mapping[str, Any]) -> str:
    value = deal.get("productType")
    if value is None or value == "":
        raise missing("productType")
    if value not in PRODUCT_TYPES:
        allowed = ", ".join(f"{code}({name})" for code, name in PRODUCT_TYPES.items())
        raise DealError("INVALID_VALUE", f"{label('productType')}: 허용되지 않는 값입니다: {value}. 허용값: {allowed}.")
    return str(value)


def check_template(deal: Mapping[str, Any], product_type: str, templates: Sequence[Mapping[str, Any]]) -> None:
    number = deal.get("deliveryTemplateNo")
    if number is None:
        raise missing("deliveryTemplateNo")
    if not is_int(number):
        raise invalid("deliveryTemplateNo", number)
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


def bad_stock(stock: object, where: str) -> DealError:
    return DealError("INVALID_STOCK", f"{where}{label('stock')}: 0 이상의 정수여야 합니다 (입력 {stock}).")


def check_option(option: object, index: int, seen: set[str]) -> dict[str, Any]:
    """The ``index``-th deal option (from 1); returns it with ``price`` (추가금액) and ``display`` defaulted."""
    if not isinstance(option, dict):
        raise invalid("dealOptions", option, f"[{index}번째 옵션] ")
    number = option.get("vendorDealOptionNo")
    if number is None or number == "":
        raise missing("vendorDealOptionNo", f"[{index}번째 옵션] ")
    if not (is_int(number) or isinstance(number, str)):
        raise invalid("vendorDealOptionNo", number, f"[{index}번째 옵션] ")
    where = f"[옵션 {number}] "
    if str(number) in seen:
        raise DealError("DUPLICATE_OPTION", f"{label('vendorDealOptionNo')}: 중복된 옵션번호입니다: {number}")
    seen.add(str(number))
    title, sections = option.get("title"), option.get("sections")
    if not (isinstance(title, str) and title) and not sections:
        raise DealError("MISSING_FIELD", f"{where}옵션명(title) 또는 섹션(sections) 중 하나는 필수입니다.")
    price = option.get("salesPrice")
    if price is None:
        raise missing("salesPrice", where)
    if not is_int(price) or price <= 0:
        raise DealError("INVALID_PRICE", f"{where}{label('salesPrice')}: 0보다 큰 정수여야 합니다 (입력 {price}).")
    stock = option.get("stock")
    if stock is None:
        raise missing("stock", where)
    if not is_int(stock) or stock < 0:
        raise bad_stock(stock, where)
    extra = option.get("price", 0)
    if not is_int(extra):
        raise invalid("price", extra, where)
    display = option.get("display", True)
    if not isinstance(display, bool):
        raise invalid("display", display, where)
    return {**option, "price": extra, "display": display}


def check_options(deal: Mapping[str, Any]) -> list[dict[str, Any]]:
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
    checked = [check_option(option, index, seen) for index, option in enumerate(options, 1)]
    # "At least one option must have a 0-won price difference": we read it as 추가금액 (`price`) == 0.
    if all(option["price"] != 0 for option in checked):
        raise DealError("NO_BASE_OPTION", "추가금액(price)이 0원인 딜옵션이 1개 이상 있어야 합니다.")
    return checked


def check_deal(body: object, templates: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Return a valid deal body with its defaults filled in; raise ``DealError`` on the first broken rule."""
    if not isinstance(body, dict):
        raise DealError("INVALID_BODY", "요청 본문은 JSON 객체여야 합니다.")
    check_text(body, "vendorDealNo", 50, required=True)
    check_text(body, "title", 60, required=True)
    check_text(body, "managedTitle", 60, required=False)
    check_text(body, "titleDecoration", 20, required=False)
    product_type = check_product_type(body)
    check_id(body, "vendorPolicyNo")
    check_template(body, product_type, templates)
    check_id(body, "categoryNo")
    check_list(body, "subcategoryNos", 2)
    check_images(body)
    check_text(body, "detailContents", MAX_DETAIL, required=True)
    if not body.get("productInfos"):
        raise missing("productInfos")
    kc = body.get("kcAuthSubmitType")
    if kc is None or kc == "":
        raise missing("kcAuthSubmitType")
    if kc not in KC_SUBMIT_TYPES:
        raise invalid("kcAuthSubmitType", kc)
    check_list(body, "keywords", 5)
    options = check_options(body)
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
