"""Rules of the 상품대량등록 workbook that span cells, rows, sheets or outside facts (image files)."""

from __future__ import annotations

import functools
import itertools
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from batch.importers import products as P
from batch.importers.workbook import Book, SheetData
from batch.models import SENDS_TO, SENDS_TO_LABELS, Family, Market
from batch.report import Problem, Severity
from batch.trade.notices import NOTICE_CATEGORIES, SEPARATE_NOTICE
from batch.trade.stock import OPTION_RANGES

MAX_IMAGE_BYTES = 3 * 1024 * 1024
IMAGE_SIDE = 1000
IMAGE_NAME = re.compile(r"[A-Za-z0-9]+\.(?:jpg|jpeg)", re.IGNORECASE)
COMBO_LIMITS = {Market.ST11: 100, Market.TMON: 200}
TMON_STOCK = 9999
FEE_AMOUNTS = {"유료": ("delivery_fee",), "조건부무료": ("delivery_fee", "free_over")}  # 배송비유형 -> amounts it needs
# Certifications that travel to each marketplace; others must be entered there by hand.
_LIFE_ELEC_CHILD = ("생활용품", "전기용품", "어린이제품")
CERT_TRAVELS: dict[Market, tuple[str, ...]] = {
    Market.GMARKET: _LIFE_ELEC_CHILD,
    Market.AUCTION: (*_LIFE_ELEC_CHILD, "방송통신기자재"),
}
CERT_DEFAULT = (*_LIFE_ELEC_CHILD, "방송통신기자재")

# 11번가 상품등록 (marketplaces-next.md §1.2): prdNm ≤ 100자, selPrc in 10원 units, colOptPrice within +100 % / −50 %
# of the price, the request in EUC-KR (§1.1).
ST11_NAME_MAX = 100
ST11_PRICE_UNIT = 10
ST11_OPTION_RANGE = OPTION_RANGES["11st"]  # percent of 대표가격 (trade.stock: the stock workbook's prices too)
ST11_ENCODING = "euc-kr"
# Columns that never reach 11번가 (the groups cell names our own groups; the group's market/account/name are ours).
ST11_NOT_SENT = frozenset({"groups", "market", "account", "group"})


@dataclass(frozen=True)
class Target:
    market: Market
    account: str
    group: str
    row: int = 0  # the group's row on the 판매정보 sheet
    valid: bool = True  # False: the group's row has errors, nothing is sent through it


@dataclass
class ProductChecks:
    """What the cross-sheet rules learnt besides the problems: each product's targets."""

    targets: dict[int, list[Target]] = field(default_factory=dict)  # main Excel row -> targets
    problems: list[Problem] = field(default_factory=list)
    combos: dict[str, dict[tuple[str, ...], Combo]] = field(default_factory=dict)  # code -> option combinations


@functools.lru_cache(maxsize=4096)
def split_list(text: str | None) -> tuple[str, ...]:
    """The comma-separated items of a cell, stripped, empty ones left out (cached: option values, groups and image
    lists repeat from row to row)."""
    return tuple(p for p in (x.strip() for x in (text or "").split(",")) if p)


class _Ctx:
    def __init__(self, book: Book, out: ProductChecks) -> None:
        self.book = book
        self.out = out

    def add(
        self,
        data: SheetData,
        row: int | None,
        key: str | None,
        code: str,
        message: str,
        product: str | None,
        severity: Severity = Severity.ERROR,
        market: Market | None = None,
    ) -> None:
        column = data.header_of(key) if key else None
        self.out.problems.append(
            Problem(data.name, row, column, code, severity, message, product, market.value if market else None)
        )


def _rows(data: SheetData) -> list[tuple[int, dict[str, str | None]]]:
    return data.records()


def _known(ctx: _Ctx, data: SheetData, row: int, code: str | None, products: dict[str, int]) -> bool:
    """A sub-sheet row whose 자체상품코드 is on the 상품 sheet; one with a code that is not is reported here."""
    if not code:
        return False
    if code not in products:
        ctx.add(
            data,
            row,
            "code",
            "unknown-product",
            f"상품 시트에 자체상품코드 '{code}'이(가) 없습니다. 코드를 확인하세요.",
            code,
        )
        return False
    return True


def _linked(ctx: _Ctx, data: SheetData, products: dict[str, int]) -> Iterator[tuple[int, dict[str, str | None], str]]:
    """Rows of a sub-sheet whose 자체상품코드 is on the 상품 sheet; the others are reported once, here."""
    for row, r in _rows(data):
        code = r["code"]
        if _known(ctx, data, row, code, products):
            yield row, r, str(code)


def _linked_values(
    ctx: _Ctx, data: SheetData, products: dict[str, int], *keys: str
) -> Iterator[tuple[int, str, tuple[str | None, ...]]]:
    """``_linked`` for a long sub-sheet whose rules read a few columns: (row, code, those cells), the cells taken
    from the frame's columns, no dict per row (품목고시 has a row per notice field of every product)."""
    frame = data.frame
    columns = [frame[k].tolist() for k in keys]
    for row, code, *values in zip(frame.index.tolist(), frame["code"].tolist(), *columns, strict=True):
        if (code.__class__ is str and code in products) or _known(  # the common case first, without a call
            ctx, data, row, code if isinstance(code, str) else None, products
        ):
            yield row, code, tuple(v if isinstance(v, str) else None for v in values)


def check_products(book: Book, image_dir: Path | None, bad_rows: dict[str, set[int]]) -> ProductChecks:
    """Rules across cells and sheets. ``bad_rows``: rows per sheet that already have per-cell errors."""
    out = ProductChecks()
    ctx = _Ctx(book, out)
    main = book.sheets[P.MAIN]
    groups = _check_sales(ctx, book.sheets.get(P.SALES), bad_rows.get(P.SALES, set()))
    _check_duplicates(ctx, main)
    _check_dates(ctx, main)
    products: dict[str, int] = {}
    for row, r in _rows(main):
        code = r["code"]
        if code and code not in products:
            products[code] = row
        out.targets[row] = _targets(ctx, main, row, r, groups)
        _check_certs(ctx, main, row, r, out.targets[row])
        _check_images(ctx, main, row, r, image_dir)
        _check_image_urls(ctx, main, row, r, out.targets[row])
    combos, listed = _check_options(ctx, book, main, products, out.targets)
    out.combos = combos
    _check_notices(ctx, book, main, products)
    _check_addons(ctx, book, products, out.targets)
    _check_stock(ctx, book, main, products, out.targets, combos, listed)
    _check_st11(ctx, book, main, products, out.targets, combos)
    return out


def euc_kr_unsafe(text: str) -> list[str]:
    """The characters of ``text`` that EUC-KR cannot carry (emoji, some Hanja, accented Latin …), once each: only
    ASCII and 2-byte KS X 1001 are safe. Hangul outside KS X 1001 (똠, 햏, 뷁 …) is unsafe too: Python's codec
    writes it as an 8-byte ``\xa4\xd4…`` sequence a CP949 server shows as jamo (the same rule as
    batch/marketplaces/st11_xml.py; G 1003 sample sends ``encoding="EUC-KR"``)."""
    if text.isascii():
        return []
    out: list[str] = []
    for ch in dict.fromkeys(text):
        if ch.isascii():
            continue
        try:
            size = len(ch.encode(ST11_ENCODING))
        except UnicodeEncodeError:
            size = 0
        if size != 2:
            out.append(ch)
    return out


def _shown_chars(chars: list[str]) -> str:
    """Each character as staff can find it: the character itself and its code point (an invisible one too)."""
    shown = ", ".join(f"'{ch}'(U+{ord(ch):04X})" for ch in chars[:5])
    return shown + (f" 외 {len(chars) - 5}개" if len(chars) > 5 else "")


def _check_euc_kr(ctx: _Ctx, data: SheetData, row: int, r: dict[str, str | None], code: str | None) -> bool:
    """An error on every cell of this row sent to 11번가 that EUC-KR cannot encode; True if there was one."""
    found = False
    for key, value in r.items():
        if not value or key in ST11_NOT_SENT:
            continue
        bad = euc_kr_unsafe(value)
        if bad:
            found = True
            ctx.add(
                data,
                row,
                key,
                "euc-kr-unsafe",
                f"11번가는 EUC-KR 글자만 받습니다. 이 칸의 {_shown_chars(bad)}은(는) 보낼 수 없습니다. 빼거나 다른 글자로 "
                "바꿔 주세요.",
                code,
                market=Market.ST11,
            )
    return found


def _check_st11(
    ctx: _Ctx,
    book: Book,
    main: SheetData,
    products: dict[str, int],
    targets: dict[int, list[Target]],
    combos: dict[str, dict[tuple[str, ...], Combo]],
) -> None:
    """11번가's own rules, only for products sent there (the 판매정보 group's cells are checked with the group)."""
    st11 = {code: row for code, row in products.items() if any(t.market is Market.ST11 for t in targets.get(row, []))}
    if not st11:
        return
    for row, r in _rows(main):
        code = r["code"]
        if code in st11 and st11[code] == row:
            _check_st11_main(ctx, main, row, r, code)
    for sheet in (P.OPTIONS, P.NOTICES, P.ADDONS):
        data = book.sheets.get(sheet)
        if data is None:
            continue
        for row, r in _rows(data):
            code = r.get("code")
            if code and code in st11:
                _check_euc_kr(ctx, data, row, r, code)
    options = book.sheets.get(P.OPTIONS)
    low, high = ST11_OPTION_RANGE
    for code, main_row in st11.items():
        price = _to_int(main.text(main_row, "price"))
        if price is None or options is None:
            continue
        for combo in combos.get(code, {}).values():
            extra = combo.extra_price
            if combo.row is None or abs(extra) * 2 > price:  # outside ±50 %: reported for every market already
                continue
            if extra * 100 > price * high or extra * 100 < price * low:
                ctx.add(
                    options,
                    combo.row,
                    "extra_price",
                    "option-price-range",
                    f"11번가 옵션 추가금액은 대표가격의 {low}%~+{high}%입니다 "
                    f"(대표가격 {price:,}원이면 {price * low // 100:,}~{price * high // 100:,}원).",
                    code,
                    market=Market.ST11,
                )


def _check_st11_main(ctx: _Ctx, main: SheetData, row: int, r: dict[str, str | None], code: str) -> None:
    name = r["name"] or ""
    if len(name) > ST11_NAME_MAX:
        ctx.add(
            main,
            row,
            "name",
            "max-length",
            f"11번가 상품명은 {ST11_NAME_MAX}자까지입니다 (지금 {len(name)}자). 줄여 주세요.",
            code,
            market=Market.ST11,
        )
    price = _to_int(r["price"])
    if price is not None and price % ST11_PRICE_UNIT:
        ctx.add(
            main,
            row,
            "price",
            "price-unit",
            f"11번가 판매가는 10원 단위입니다. {price:,}원을 {price - price % 10:,}원이나 {price - price % 10 + 10:,}원으로 "
            "바꿔 주세요.",
            code,
            market=Market.ST11,
        )
    _check_euc_kr(ctx, main, row, r, code)


def _check_sales(ctx: _Ctx, data: SheetData | None, bad_rows: set[int]) -> dict[str, Target]:
    """Read the 판매정보 groups; a group with any error is kept out (its products get an error)."""
    groups: dict[str, Target] = {}
    if data is None:
        return groups
    seen: dict[str, int] = {}
    for row, r in _rows(data):
        if not (r["market"] and r["group"]):
            continue
        try:
            market: Market | None = Market.from_label(r["market"])
        except ValueError:
            market = None
        if market in (Market.GMARKET, Market.AUCTION) and market not in SENDS_TO and Market.ESM in SENDS_TO:
            # one ESM registration sells on the sites it names
            esm = Market.ESM.label
            ctx.add(
                data,
                row,
                "market",
                "market-not-supported",
                f"G마켓과 옥션은 한 계정(ESM)으로 함께 등록합니다. 마켓 칸에 '{esm}'을 고르고, "
                f"판매 사이트 칸에 '{market.label}'을 고르세요.",
                None,
            )
            market = None
        elif market not in SENDS_TO:
            supported = ", ".join(SENDS_TO_LABELS)
            what = (
                f"'{r['market']}'은(는) 이 버전에서 아직 보낼 수 없는 마켓입니다"
                if market
                else f"'{r['market']}'은(는) 모르는 마켓 이름입니다"
            )
            ctx.add(
                data,
                row,
                "market",
                "market-not-supported",
                f"{what}. 보낼 수 있는 마켓: {supported}. 그룹의 마켓을 바꾸거나 이 그룹을 지워 주세요.",
                None,
            )
            market = None
        ok = market is not None and row not in bad_rows
        needed: list[tuple[str, str, Market | None]] = []
        if market is not None:
            needed += [
                (key, f"{market.label} 그룹에는 '{data.header_of(key)}' 칸이 꼭 필요합니다. 값을 넣어 주세요.", market)
                for key in P.MARKET_REQUIRED.get(market.value, ())
            ]
        fee_type = r.get("delivery_fee_type")
        needed += [
            (
                key,
                f"배송비유형이 '{fee_type}'이면 '{data.header_of(key)}' 칸이 필요합니다. 금액(원)을 넣어 주세요.",
                None,
            )
            for key in FEE_AMOUNTS.get(fee_type or "", ())
        ]
        for key, message, for_market in needed:
            if r.get(key) is None:
                ok = False
                ctx.add(data, row, key, "required-value", message, None, market=for_market)
        if market is Market.ST11 and _check_euc_kr(ctx, data, row, r, None):
            ok = False
        name = r["group"]
        if name in seen:
            ctx.add(
                data,
                row,
                "group",
                "duplicate-group",
                f"그룹명 '{name}'이(가) {seen[name]}행에도 있습니다. 그룹명은 시트 안에서 한 번만 쓰세요.",
                None,
            )
            continue
        seen[name] = row
        groups[name] = Target(market or Market.TMON, r["account"] or "", name, row, ok)
    return groups


def _check_duplicates(ctx: _Ctx, main: SheetData) -> None:
    codes = main.frame["code"]
    dup = codes[codes.notna() & codes.duplicated(keep=False)]
    rows_of: dict[str, list[int]] = defaultdict(list)
    for row, code in zip(dup.index, dup, strict=True):
        rows_of[str(code)].append(int(row))
    for code, rows in rows_of.items():
        for row in rows:
            other = [str(r) for r in rows if r != row][:3]
            ctx.add(
                main,
                row,
                "code",
                "duplicate-code",
                f"자체상품코드 '{code}'이(가) {', '.join(other)}행에도 있습니다. 코드는 한 번만 쓰세요.",
                code,
            )


def _check_dates(ctx: _Ctx, main: SheetData) -> None:
    f = main.frame
    made = f["made_on"].where(f["made_on"].str.fullmatch(r"\d{8}", na=False).astype(bool))
    exp = f["expires_on"].where(f["expires_on"].str.fullmatch(r"\d{8}", na=False).astype(bool))
    both = made.notna() & exp.notna()
    bad = both & (exp.where(both, "") < made.where(both, ""))
    for row in (int(r) for r in f.index[bad]):
        ctx.add(
            main,
            row,
            "expires_on",
            "date-order",
            f"유효일자({main.text(row, 'expires_on')})가 제조일자({main.text(row, 'made_on')})보다 앞섭니다. "
            "날짜를 확인하세요.",
            main.text(row, "code"),
        )
    codes, kinds = pd.factorize(f["category"].to_numpy(dtype=object), use_na_sentinel=True)  # a few distinct
    tops = [re.split(r"\s*>\s*", v)[0] if isinstance(v, str) else None for v in kinds]
    top = pd.Series([tops[c] if c >= 0 else None for c in codes], index=f.index, dtype=object)
    needs = top.isin(P.DATED_CATEGORIES) & (f["made_on"].isna() | f["expires_on"].isna())
    for row in (int(r) for r in f.index[needs]):
        key = "made_on" if main.text(row, "made_on") is None else "expires_on"
        ctx.add(
            main,
            row,
            key,
            "date-expected",
            f"{top[row]} 상품은 제조일자와 유효일자를 넣는 것이 좋습니다.",
            main.text(row, "code"),
            Severity.WARNING,
        )


def _targets(ctx: _Ctx, main: SheetData, row: int, r: dict[str, str | None], groups: dict[str, Target]) -> list[Target]:
    targets: list[Target] = []
    seen: dict[tuple[Market, str], str] = {}
    if r["groups"] and not split_list(r["groups"]):
        ctx.add(
            main,
            row,
            "groups",
            "no-target-market",
            "판매정보그룹 칸에 그룹명이 없습니다. 그룹명을 넣어 주세요.",
            r["code"],
        )
    for name in split_list(r["groups"]):
        t = groups.get(name)
        if t is None:
            hint = " (예시 그룹은 보내지 않습니다)" if name == P.EXAMPLE_GROUP else ""
            ctx.add(
                main,
                row,
                "groups",
                "unknown-group",
                f"판매정보 시트에 '{name}' 그룹이 없습니다{hint}. 판매정보 시트의 그룹명을 쓰세요.",
                r["code"],
            )
            continue
        if not t.valid:
            ctx.add(
                main,
                row,
                "groups",
                "group-has-errors",
                f"판매정보 시트의 '{name}' 그룹({t.row}행)에 오류가 있어 보낼 수 없습니다. 그 행을 먼저 고쳐 주세요.",
                r["code"],
                market=t.market,
            )
            continue
        k = (t.market, t.account)
        if k in seen:
            ctx.add(
                main,
                row,
                "groups",
                "group-conflict",
                f"'{seen[k]}'와(과) '{name}'은(는) 같은 {t.market.label} 계정({t.account}) 그룹입니다. 하나만 고르세요.",
                r["code"],
                market=t.market,
            )
            continue
        seen[k] = name
        targets.append(t)
    return targets


def _cert_family(cert_type: str) -> str:
    return cert_type.split(" ")[0]


def _check_certs(ctx: _Ctx, main: SheetData, row: int, r: dict[str, str | None], targets: list[Target]) -> None:
    if r["cert_required"] != "인증대상" and not any([r[k] for k in _CERT_CELLS]):
        return  # nothing given and nothing asked: no rule below can speak (most products)
    given: list[str] = []
    flawed = False
    for i, keys in _CERT_KEYS:
        vals = [r[k] for k in keys]
        if not any(vals):
            continue
        if r["cert_required"] == "인증대상아님":
            ctx.add(
                main,
                row,
                keys[0],
                "cert-conflict",
                f"인증대상아님인데 {i}번째 인증정보가 있습니다. 인증대상으로 바꾸거나 인증 칸을 비워 주세요.",
                r["code"],
            )
            flawed = True
            continue
        if not all(vals):
            missing = [main.header_of(k) for k, v in zip(keys, vals, strict=True) if not v]
            ctx.add(
                main,
                row,
                keys[vals.index(None)],
                "cert-incomplete",
                f"{i}번째 인증정보에 {', '.join(missing)}이(가) 비어 있습니다. 세 칸을 모두 넣어 주세요.",
                r["code"],
            )
            flawed = True
            continue
        given.append(vals[0] or "")
    if r["cert_required"] == "인증대상" and not given and not flawed:
        ctx.add(
            main,
            row,
            "cert_type_1",
            "cert-missing",
            "인증대상인데 인증정보가 없습니다. 인증유형·인증기관·인증번호를 한 줄 이상 넣어 주세요.",
            r["code"],
        )
    for cert in given:
        for t in targets:
            travels = CERT_TRAVELS.get(t.market, CERT_DEFAULT)
            manual = t.market is Market.NAVER and cert == "안전기준준수대상"
            if manual or _cert_family(cert) not in travels:
                where = "스마트스토어 판매자센터" if manual else f"{t.market.label} 판매자 화면"
                ctx.add(
                    main,
                    row,
                    "cert_required",
                    "cert-not-transferred",
                    f"'{cert}' 인증은 {t.market.label}에 연동되지 않습니다. {where}에서 직접 등록하거나 상세설명에 "
                    "표기하세요.",
                    r["code"],
                    Severity.WARNING,
                    t.market,
                )


# Marketplaces that take images only as web addresses (they fetch them): a local file cannot reach them.
# 쿠팡: marketplaces.md §2.4 (images[].vendorPath is an https URL); 티몬: §1.5 (image fields are URLs).
# 스마트스토어 takes files: the adapter uploads them first (§3.3).
URL_IMAGES_ONLY = frozenset({Market.COUPANG, Market.TMON})


def _check_image_urls(ctx: _Ctx, main: SheetData, row: int, r: dict[str, str | None], targets: list[Target]) -> None:
    """A local image file for a marketplace that takes only addresses: an error now, not a refusal at run."""
    needs_url = sorted({t.market.label for t in targets if t.market in URL_IMAGES_ONLY})
    if not needs_url:
        return
    for key in ("main_image", "extra_images"):
        local = [ref for ref in split_list(r[key]) if "://" not in ref]
        if local:
            ctx.add(
                main,
                row,
                key,
                "image-needs-url",
                f"{'·'.join(needs_url)}은(는) 이미지를 주소(https://…)로만 받습니다. '{local[0][:60]}' 같은 파일은 "
                "웹에 올린 뒤 그 주소를 적어 주세요 (스마트스토어만 보낼 상품은 파일도 됩니다).",
                r["code"],
            )


def _check_images(ctx: _Ctx, main: SheetData, row: int, r: dict[str, str | None], image_dir: Path | None) -> None:
    for key in ("main_image", "extra_images"):
        for ref in split_list(r[key]):
            _check_image(ctx, main, row, key, ref, r["code"], image_dir)


def _check_image(
    ctx: _Ctx, main: SheetData, row: int, key: str, ref: str, code: str | None, image_dir: Path | None
) -> None:
    is_url = "://" in ref
    if is_url and not ref.lower().startswith(("http://", "https://")):
        ctx.add(
            main,
            row,
            key,
            "image-url",
            f"이미지 주소 '{ref[:60]}'은(는) http:// 또는 https:// 로 시작해야 합니다.",
            code,
        )
        return
    name = ref.split("?")[0].rstrip("/").rsplit("/", 1)[-1] if is_url else ref
    if not IMAGE_NAME.fullmatch(name):
        ctx.add(
            main,
            row,
            key,
            "image-name",
            f"이미지 파일 이름 '{name[:60]}'에 한글·공백·특수문자가 있거나 .jpg가 아닙니다. 영문과 숫자만 쓰고 .jpg로 "
            "저장하세요.",
            code,
        )
        return
    if is_url:
        return  # a URL is fetched by the marketplace; its size is checked there
    path = (image_dir / name) if image_dir else None
    if path is None or not path.is_file():
        ctx.add(
            main,
            row,
            key,
            "image-not-found",
            f"이미지 파일 '{name}'을(를) 찾지 못했습니다. 통합 문서 옆 images 폴더에 넣어 주세요.",
            code,
        )
        return
    if path.stat().st_size > MAX_IMAGE_BYTES:
        ctx.add(
            main,
            row,
            key,
            "image-too-large",
            f"이미지 '{name}'이(가) {path.stat().st_size / 1048576:.1f}MB입니다. 3MB 이하로 줄여 주세요.",
            code,
        )
    import warnings

    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as im:  # reads the header only: the pixels are never decoded
                fmt, size = im.format, im.size
    except Image.DecompressionBombError:
        ctx.add(
            main,
            row,
            key,
            "image-size",
            f"이미지 '{name}'의 크기가 비정상적으로 큽니다. 1000×1000 픽셀로 맞춰 주세요.",
            code,
        )
        return
    except (UnidentifiedImageError, OSError):
        fmt, size = None, (0, 0)
    if fmt != "JPEG":
        ctx.add(
            main, row, key, "image-format", f"이미지 '{name}'은(는) JPEG가 아닙니다. JPEG(.jpg)로 저장해 주세요.", code
        )
    elif size != (IMAGE_SIDE, IMAGE_SIDE):
        ctx.add(
            main,
            row,
            key,
            "image-size",
            f"이미지 '{name}'은(는) {size[0]}×{size[1]}입니다. 1000×1000 픽셀로 맞춰 주세요.",
            code,
        )


@dataclass
class Combo:
    values: tuple[str, ...]
    extra_price: int = 0
    on_sale: bool = True
    stock: int | None = None  # None: the product's 기본재고
    row: int | None = None  # 옵션조합 sheet row, when given there


_INT = re.compile(r"-?\d{1,15}")
_OPTION_KEYS = tuple((i, f"option_name_{i}", f"option_values_{i}") for i in range(1, P.MAX_OPTIONS + 1))
_CERT_KEYS = tuple((i, (f"cert_type_{i}", f"cert_agency_{i}", f"cert_no_{i}")) for i in range(1, P.MAX_CERTS + 1))
_CERT_CELLS = tuple(k for _, keys in _CERT_KEYS for k in keys)


def _to_int(text: str | None) -> int | None:
    if text is None or not _INT.fullmatch(text):
        return None
    return int(text)


OptionCells = tuple[str | None, ...]  # 옵션사용, 옵션유형, then 옵션명/옵션값 of each slot
OptionVerdict = tuple[tuple[tuple[str, str, str], ...], tuple[tuple[str, ...], ...] | None]


def _option_cells(r: dict[str, str | None]) -> OptionCells:
    return (r["option_use"], r["option_type"], *(r[k] for _, name, values in _OPTION_KEYS for k in (name, values)))


def _option_verdict(cells: OptionCells) -> OptionVerdict:
    """What a product's option cells say, whatever the product: the problems (column key, code, message), in the
    order they are reported, and the value combinations it sells (None: no option table). A pure function of the
    cells, so products with the same options (most of a catalogue) are judged once."""
    use, kind = cells[0], cells[1]
    lists = [
        (i, cells[2 * i] or "", split_list(cells[2 * i + 1]))
        for i in range(1, P.MAX_OPTIONS + 1)
        if cells[2 * i] or cells[2 * i + 1]
    ]
    problems: list[tuple[str, str, str]] = []
    if use == "사용안함":
        if lists:
            problems.append(
                (
                    "option_use",
                    "option-unused",
                    "옵션사용이 '사용안함'인데 옵션명·옵션값이 있습니다. 옵션사용을 바꾸거나 옵션 칸을 비워 주세요.",
                )
            )
        return tuple(problems), None
    if use is None or not lists:
        if use is not None:
            problems.append(
                (
                    "option_name_1",
                    "option-missing",
                    "옵션사용을 골랐는데 옵션명·옵션값이 없습니다. 넣거나 옵션사용을 '사용안함'으로 하세요.",
                )
            )
        return tuple(problems), None
    ok = True
    names_seen: set[str] = set()
    used = {i for i, _, _ in lists}
    for gap in range(1, max(used)):
        if gap not in used:
            problems.append(
                (
                    f"option_name_{gap}",
                    "option-missing",
                    f"옵션명{gap}이 비어 있습니다. 옵션은 옵션명1부터 차례로 채워 주세요.",
                )
            )
            ok = False
    for i, name, values in lists:
        if not name or (kind != "입력형" and not values):
            key = f"option_name_{i}" if not name else f"option_values_{i}"
            problems.append((key, "option-missing", f"{i}번째 옵션의 옵션명과 옵션값을 모두 넣어 주세요."))
            ok = False
        if name and name in names_seen:
            problems.append(
                (
                    f"option_name_{i}",
                    "option-duplicate",
                    f"옵션명 '{name}'을(를) 두 번 썼습니다. 옵션명은 한 번씩만 쓰세요.",
                )
            )
            ok = False
        dups = sorted({v for v in values if values.count(v) > 1}) if len(set(values)) < len(values) else []
        if dups:
            problems.append(
                (
                    f"option_values_{i}",
                    "option-duplicate",
                    f"{i}번째 옵션에 같은 값이 두 번 있습니다: {', '.join(dups)}. 한 번만 쓰세요.",
                )
            )
            ok = False
        names_seen.add(name)
    if not ok or kind == "입력형":
        return tuple(problems), None
    return tuple(problems), tuple(itertools.product(*(v for _, _, v in lists)))


def _check_options(
    ctx: _Ctx, book: Book, main: SheetData, products: dict[str, int], targets: dict[int, list[Target]]
) -> tuple[dict[str, dict[tuple[str, ...], Combo]], set[str]]:
    """Each product's option table (code -> combination -> Combo) and the codes whose table a 옵션조합 row set."""
    combos: dict[str, dict[tuple[str, ...], Combo]] = {}
    verdicts: dict[OptionCells, OptionVerdict] = {}
    for row, r in _rows(main):
        code = r["code"]
        if not code or products.get(code) != row:
            continue
        cells = _option_cells(r)
        verdict = verdicts.get(cells)
        if verdict is None:
            verdict = verdicts[cells] = _option_verdict(cells)
        problems, values = verdict
        for key, kind, message in problems:
            ctx.add(main, row, key, kind, message, code)
        if values is None:
            continue
        table = {vals: Combo(vals) for vals in values}
        combos[code] = table
        for t in targets.get(row, []):
            limit = COMBO_LIMITS.get(t.market)
            if limit and len(table) > limit:
                ctx.add(
                    main,
                    row,
                    "option_values_1",
                    "option-too-many",
                    f"옵션 조합이 {len(table)}개입니다. {t.market.label}는(은) {limit}개까지 받습니다. 옵션값을 줄이거나 "
                    "상품을 나눠 주세요.",
                    code,
                    market=t.market,
                )
    listed = _apply_option_sheet(ctx, book, main, products, combos)
    for code in listed:  # a table the 옵션조합 sheet left alone has every 추가금액 0: nothing to check
        table = combos[code]
        _check_option_prices(ctx, book, main, products[code], code, table, targets.get(products[code], []))
    return combos, set(listed)


def _apply_option_sheet(
    ctx: _Ctx, book: Book, main: SheetData, products: dict[str, int], combos: dict[str, dict[tuple[str, ...], Combo]]
) -> list[str]:
    """The 옵션조합 sheet's rows applied to the products' tables; returns the codes (in ``combos`` order) of the
    tables a row of it set."""
    data = book.sheets.get(P.OPTIONS)
    if data is None:
        return []
    touched: set[str] = set()
    for row, r, code in _linked(ctx, data, products):
        table = combos.get(code)
        if table is None:
            continue  # the product's own option errors are reported on the main sheet
        n = len(next(iter(table)))
        vals = tuple(v or "" for v in (r["value_1"], r["value_2"], r["value_3"])[:n])
        extra = [v for v in (r["value_1"], r["value_2"], r["value_3"])[n:] if v]
        combo = table.get(vals) if not extra else None
        if combo is None:
            ctx.add(
                data,
                row,
                "value_1",
                "option-unknown-combination",
                f"'{'/'.join(v or '' for v in vals)}' 조합은 상품 시트의 옵션값으로 만들 수 없습니다. "
                "옵션값을 확인하세요.",
                code,
            )
            continue
        if combo.row is not None:
            ctx.add(
                data,
                row,
                "value_1",
                "option-duplicate-combination",
                f"같은 조합이 {combo.row}행에도 있습니다. 한 줄만 남겨 주세요.",
                code,
            )
            continue
        combo.row = row
        combo.extra_price = _to_int(r["extra_price"]) or 0
        combo.on_sale = r["on_sale"] != "N"
        combo.stock = _to_int(r["stock"])
        touched.add(code)
    return [code for code in combos if code in touched]


def _check_option_prices(
    ctx: _Ctx,
    book: Book,
    main: SheetData,
    row: int,
    code: str,
    table: dict[tuple[str, ...], Combo],
    targets: list[Target],
) -> None:
    price = _to_int(main.column("price").get(row))
    data = book.sheets.get(P.OPTIONS)
    if price is None:
        return
    for combo in table.values():
        if combo.row is not None and data is not None and abs(combo.extra_price) * 2 > price:
            final = price + combo.extra_price
            ctx.add(
                data,
                combo.row,
                "extra_price",
                "option-price-range",
                f"추가금액 {combo.extra_price:,}원은 대표가격 {price:,}원의 ±50%를 넘습니다 (허용 {price - price // 2:,}~"
                f"{price + price // 2:,}원, 지금 {final:,}원).",
                code,
            )
    if all(c.extra_price != 0 for c in table.values()):
        ctx.add(
            main,
            row,
            "option_values_1",
            "option-no-zero-price",
            "추가금액이 0원인 옵션 조합이 없습니다. 하나 이상은 0원으로 하세요.",
            code,
        )
    differs = len({c.extra_price for c in table.values()}) > 1
    if differs and main.column("option_use").get(row) == "종합몰포함":
        for t in targets:
            if t.market.family is Family.DEPARTMENT:
                ctx.add(
                    main,
                    row,
                    "option_use",
                    "option-price-differs",
                    f"옵션별 가격이 달라 {t.market.label}(종합몰)에 보낼 수 없습니다. 종합몰에는 단품으로 나눠 "
                    "등록하세요.",
                    code,
                    market=t.market,
                )


def _check_notices(ctx: _Ctx, book: Book, main: SheetData, products: dict[str, int]) -> None:
    data = book.sheets.get(P.NOTICES)
    given: dict[str, dict[str, int]] = defaultdict(dict)
    category_of, separate = main.column("notice_category"), main.column("notice_separate")
    categories = {code: category_of.get(row) or "" for code, row in products.items()}
    fields = {name: frozenset(f) for name, f in NOTICE_CATEGORIES.items()}
    if data is not None:
        for row, code, (fld,) in _linked_values(ctx, data, products, "field"):
            if not fld:
                continue
            category = categories[code]
            if category in fields and fld not in fields[category]:
                ctx.add(
                    data,
                    row,
                    "field",
                    "notice-unknown-field",
                    f"'{fld}'은(는) '{category}' 품목고시의 항목이 아닙니다. 그 분류의 항목을 고르세요.",
                    code,
                )
                continue
            if fld in given[code]:
                ctx.add(
                    data,
                    row,
                    "field",
                    "notice-duplicate-field",
                    f"'{fld}' 항목이 {given[code][fld]}행에도 있습니다. 한 번만 쓰세요.",
                    code,
                )
                continue
            given[code][fld] = row
    for code, row in products.items():
        category = categories[code]
        if category not in NOTICE_CATEGORIES or separate.get(row) == "Y":
            continue
        have = given.get(code, {})
        if len(have) >= len(fields[category]):  # every field given: only the category's own fields are kept
            continue
        missing = [f for f in NOTICE_CATEGORIES[category] if f not in have]
        if missing:
            shown = ", ".join(missing[:5]) + (f" 외 {len(missing) - 5}개" if len(missing) > 5 else "")
            ctx.add(
                main,
                row,
                "notice_category",
                "notice-incomplete",
                f"품목고시 '{category}'의 항목 {shown}이(가) 없습니다. 품목고시 시트에 넣거나 내용에 "
                f"'{SEPARATE_NOTICE}', 또는 '상세정보 별도표기' 칸을 Y로 하세요.",
                code,
            )


def _check_addons(ctx: _Ctx, book: Book, products: dict[str, int], targets: dict[int, list[Target]]) -> None:
    data = book.sheets.get(P.ADDONS)
    if data is None:
        return
    for row, _, code in _linked(ctx, data, products):
        for t in targets.get(products[code], []):
            if t.market is Market.TMON or t.market.family is Family.DEPARTMENT:
                ctx.add(
                    data,
                    row,
                    "code",
                    "addon-not-supported",
                    f"{t.market.label}는(은) 추가상품을 받지 않습니다. {t.market.label}에 보내려면 이 추가상품을 빼세요.",
                    code,
                    market=t.market,
                )


def _check_stock(
    ctx: _Ctx,
    book: Book,
    main: SheetData,
    products: dict[str, int],
    targets: dict[int, list[Target]],
    combos: dict[str, dict[tuple[str, ...], Combo]],
    listed: set[str],
) -> None:
    data = book.sheets.get(P.OPTIONS)
    stock_of = main.column("stock")
    for code, row in products.items():
        base = _to_int(stock_of.get(row))
        table = combos.get(code)
        stocks: list[tuple[int | None, int | None]] = (
            [(c.stock if c.stock is not None else base, c.row) for c in table.values()]
            if table and code in listed
            else [(base, None)]  # no 옵션조합 row: every combination has the product's own stock (one warning)
        )
        on_tmon = any(t.market is Market.TMON for t in targets.get(row, []))
        if base is not None and all((s or 0) == 0 for s, _ in stocks):
            ctx.add(
                main,
                row,
                "stock",
                "stock-zero",
                "재고가 모두 0입니다. 품절 처리가 되려면 1 이상 넣어 주세요.",
                code,
                Severity.WARNING,
            )
        if not on_tmon:
            continue
        main_reported = False
        for s, r in stocks:
            if s is None or s >= TMON_STOCK:
                continue
            sheet, where = (data, r) if (r is not None and data is not None) else (main, row)
            if sheet is main:
                if main_reported:
                    continue
                main_reported = True
            ctx.add(
                sheet,
                where,
                "stock",
                "stock-below-9999",
                f"티몬 재고 {s:,}개: 티몬은 재고 연동이 불안정해 9,999로 넣기를 권합니다.",
                code,
                Severity.WARNING,
                Market.TMON,
            )
