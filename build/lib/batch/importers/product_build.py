"""Turn validated rows into Product and SalesInfo values for the marketplace adapters."""

from __future__ import annotations

from batch.importers import products as P
from batch.importers.product_rules import split_list
from batch.importers.validation import Validation
from batch.models import Cert, Market, OptionCombo, Product, SalesInfo
from batch.trade.notices import NOTICE_CATEGORIES, SEPARATE_NOTICE


def _int(text: str | None, default: int = 0) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


class ProductBuilder:
    """Builds Product values from one Validation; indexes its sheets once."""

    def __init__(self, v: Validation) -> None:
        self.v = v
        self.rows = dict(v.book.sheets[P.MAIN].records())
        self.notices: dict[str, dict[str, str]] = {}
        data = v.book.sheets.get(P.NOTICES)
        for _, r in data.records() if data is not None else []:
            if r["code"] and r["field"] and r["value"]:
                self.notices.setdefault(r["code"], {})[r["field"]] = r["value"]

    def product(self, row: int) -> Product:
        """The product of one main-sheet row (meant for rows without errors)."""
        r = self.rows[row]
        code = r["code"] or ""
        stock = _int(r["stock"])
        uses_options = r["option_use"] not in (None, "사용안함")
        table = self.v.combos.get(code) if uses_options else None
        options = (
            tuple(
                OptionCombo(c.values, c.extra_price, c.on_sale, c.stock if c.stock is not None else stock)
                for c in table.values()
            )
            if table
            else (OptionCombo((), 0, True, stock),)
        )
        certs = tuple(
            Cert(r[f"cert_type_{i}"] or "", r[f"cert_agency_{i}"] or "", r[f"cert_no_{i}"] or "")
            for i in range(1, P.MAX_CERTS + 1)
            if r[f"cert_type_{i}"]
        )
        category = r["notice_category"] or ""
        if r["notice_separate"] == "Y":
            notices = tuple((f, SEPARATE_NOTICE) for f in NOTICE_CATEGORIES.get(category, ()))
        else:
            notices = tuple(self.notices.get(code, {}).items())
        names = tuple(r[f"option_name_{i}"] or "" for i in range(1, P.MAX_OPTIONS + 1) if r[f"option_name_{i}"])
        return Product(
            row=row,
            code=code,
            name=r["name"] or "",
            on_sale=r["status"] == "판매가능",
            category=r["category"] or "",
            price=_int(r["price"]),
            tax=r["tax"] or "",
            maker=r["maker"] or "",
            brand=r["brand"] or "",
            model=r["model"] or "",
            origin=r["origin"] or "",
            adult=r["adult"] == "Y",
            keywords=tuple(split_list(r["keywords"])),
            detail=r["detail"] or "",
            images=tuple([r["main_image"] or "", *split_list(r["extra_images"])]),
            cert_required=r["cert_required"] == "인증대상",
            certs=certs,
            notice_category=category,
            notices=notices,
            option_names=names if table else (),
            options=options,
            made_on=r["made_on"],
            expires_on=r["expires_on"],
        )


def sales_infos(v: Validation) -> dict[str, SalesInfo]:
    """Every 판매정보 group by name."""
    data = v.book.sheets.get(P.SALES)
    out: dict[str, SalesInfo] = {}
    for _, r in data.records() if data is not None else []:
        if not (r["group"] and r["market"]):
            continue
        try:
            market = Market.from_label(r["market"])
        except ValueError:
            continue
        fields = tuple((k, val) for k, val in r.items() if k not in ("market", "account", "group"))
        out.setdefault(r["group"], SalesInfo(market, r["account"] or "", r["group"], fields))
    return out
