"""`batch stats`: 기간별, 제휴몰별, 카테고리별, 상품별 and 지역별 매출 from the ledger, as a workbook with charts.

Computed with pandas over one read of the ledger (the order lines of the period and of the period before it, with
their product code, category and the claims that cancelled or returned them). Definitions (stated on every sheet):
a line counts on the KST day it was ordered; 매출 is the sale price the marketplace reported × quantity; a line
cancelled (the line reads 취소, or a 취소 claim of it is 완료) is 취소 and a line whose 반품 claim is 완료 is 반품:
both stay in 매출 and are taken out of 순매출. No buyer's name, phone or address leaves the ledger: regions only.
"""

from __future__ import annotations

import datetime as dt
import queue
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from batch.config import Workspace
from batch.errors import WorkspaceError
from batch.exporters.stats import Chart, Sheet, Table, write_stats
from batch.ledger import Ledger
from batch.models import ClaimStatus, ClaimType, label_of, now_kst
from batch.stockbook import StockBook
from batch.trade.regions import SIDO, UNKNOWN, regions

TOP_PRODUCTS = 50
TOP_REGIONS = 5  # the 시·도 whose 시·군·구 are listed
TOP_SIGUNGU = 10
NO_CATEGORY = "미분류"
WON = {1: "won"}


@dataclass
class StatsRun:
    path: Path
    start: dt.date
    end: dt.date  # inclusive
    lines: int  # order lines in the period
    sheets: list[Sheet]


def definitions(start: dt.date, end: dt.date, markets: set[str] | None) -> tuple[str, ...]:
    scope = "모든 마켓" if not markets else ", ".join(label_of(m) for m in sorted(markets))
    return (
        f"기간: {start:%Y-%m-%d} ~ {end:%Y-%m-%d} (주문일시, 한국 시간 0시 기준) · {scope}",
        "매출 = 마켓이 알려 준 판매가 × 수량 (모든 주문 줄). 취소 = 취소된 줄(주문 상태 취소이거나 취소 클레임 완료), "
        "반품 = 반품 클레임이 완료된 줄. 순매출 = 매출 − 취소 − 반품.",
        "주문수 = 서로 다른 마켓 주문번호의 수, 수량 = 주문한 개수. 구매자 이름·연락처·상세주소는 담지 않습니다(지역만).",
    )


CHUNK = 200_000  # order lines read at a time: each chunk is cut down to what the tables need before the next


def _line_keys(orders: pd.Series, products: pd.Series) -> pd.Series:
    """One number per order line (order key and product), hashed column-wise in C rather than joined as text."""
    frame = pd.DataFrame({"o": orders.to_numpy(dtype=object), "p": products.to_numpy(dtype=object)})
    return pd.Series(pd.util.hash_pandas_object(frame, index=False).to_numpy(), index=orders.index)


def _heads(addresses: list[str | None]) -> list[str]:
    """The first words of each address, where its region is (a postal code, the 시·도, the 시·군·구 and its 구): far
    fewer distinct than whole addresses, so each is read once."""
    out = []
    for a in addresses:
        if not a:
            out.append("")
            continue
        words = a.split(None, 4)
        first = words[0][:1]
        out.append(" ".join(words[:4] if first.isdigit() or first in "([（［" else words[:3]))
    return out


def _read(ledger: Ledger, since: dt.date, until: dt.date, markets: set[str] | None) -> pd.DataFrame:
    """Every order line ordered in [since, until) (KST days), with its code, category, region and claim outcome;
    read in chunks, each cut down at once (the buyer's address becomes its region), so a ledger of a million lines
    fits in a few hundred MB. The claim outcome and the order key are worked out by SQLite, row by row."""
    db = ledger.db
    done = db.execute(
        "SELECT market || char(9) || account || char(9) || order_no, product_no, json_extract(data, '$.kind') "
        "FROM claims WHERE status=?",
        (ClaimStatus.DONE.value,),
    ).fetchall()
    claims = pd.DataFrame(done, columns=["order", "product_no", "kind"])
    claims["key"] = _line_keys(claims["order"], claims["product_no"])
    cancels = set(claims.loc[claims["kind"] == ClaimType.CANCEL.value, "key"])
    returns = set(claims.loc[claims["kind"] == ClaimType.RETURN.value, "key"])
    # our product code by the marketplace's product number (or, on ESM, a site's number): the links read once and
    # joined in memory (the links' key is our code, not the marketplace's number)
    known = db.execute(
        "SELECT market, account, site_no, code FROM site_numbers UNION ALL SELECT market, account, product_no, code FROM links"
    ).fetchall()
    codes = pd.DataFrame(known, columns=["market", "account", "product_no", "code"]).drop_duplicates(
        ["market", "account", "product_no"], keep="last"
    )
    category = dict(StockBook(ledger).db.execute("SELECT code, MAX(category) FROM items GROUP BY code").fetchall())
    cursor = db.execute(
        "SELECT market, account, market || char(9) || account || char(9) || order_no, product_no, status, "
        "substr(json_extract(data, '$.ordered_at'), 1, 10), json_extract(data, '$.qty'), json_extract(data, '$.price'), "
        "json_extract(data, '$.address') FROM orders"
    )
    cols = ["market", "account", "order", "product_no", "status", "day", "qty", "price", "address"]
    low, high = since.isoformat(), until.isoformat()
    chunks: queue.Queue[list[tuple[object, ...]] | None] = queue.Queue(maxsize=2)

    def fetch() -> None:  # SQLite works (GIL released) while pandas cuts the chunk before down
        try:
            while rows := cursor.fetchmany(CHUNK):
                chunks.put(rows)
        finally:
            chunks.put(None)

    reader = threading.Thread(target=fetch, name="stats-read", daemon=True)
    reader.start()
    frames = []
    while (chunk := chunks.get()) is not None:
        f = pd.DataFrame(chunk, columns=cols)
        day = f["day"].to_numpy(dtype="U10")  # fixed-width: compared by numpy, not string by string
        keep = (day >= low) & (day < high)
        if markets:
            keep &= f["market"].isin(sorted(markets)).to_numpy()
        f = f[keep]
        if f.empty:
            continue
        key = _line_keys(f["order"], f["product_no"])
        f["cancelled"] = f["status"].eq("취소").to_numpy() | key.isin(cancels).to_numpy()
        f["returned"] = key.isin(returns).to_numpy() & ~f["cancelled"].to_numpy()
        f["order"] = pd.util.hash_array(f["order"].to_numpy(dtype=object))
        heads = _heads(f["address"].tolist())
        distinct = list(dict.fromkeys(heads))
        placed = dict(zip(distinct, regions(distinct), strict=True))
        f["sido"] = [placed[h][0] for h in heads]
        f["sigungu"] = [placed[h][1] for h in heads]
        f = f.merge(codes, on=["market", "account", "product_no"], how="left")
        f["code"] = f["code"].fillna("")
        f = _money(f.drop(columns=["address", "status"]), category)
        for column in KEYS:  # each value once per chunk, not once per line
            f[column] = f[column].astype("category")
        frames.append(f)
    reader.join()
    if not frames:
        empty = pd.DataFrame(columns=[*cols, "cancelled", "returned", "sido", "sigungu", "code"])
        return _money(empty.drop(columns=["address", "status"]), category)
    for column in KEYS:  # one set of categories for every chunk, so they stay categories when joined
        every = sorted(set().union(*(f[column].cat.categories for f in frames)))
        for f in frames:
            f[column] = f[column].cat.set_categories(every)
    return pd.concat(frames, ignore_index=True)


KEYS = ("market", "account", "product_no", "day", "sido", "sigungu", "code", "category")


def _money(df: pd.DataFrame, category: dict[str, str]) -> pd.DataFrame:
    df["qty"] = pd.to_numeric(df["qty"], errors="coerce").fillna(0).astype("int64")
    df["price"] = pd.to_numeric(df["price"], errors="coerce").fillna(0).astype("int64")
    df["amount"] = df["qty"] * df["price"]
    df["cancelled"] = df["cancelled"].astype(bool)
    df["returned"] = df["returned"].astype(bool)
    df["cancel_amount"] = df["amount"].where(df["cancelled"], 0)
    df["return_amount"] = df["amount"].where(df["returned"], 0)
    df["net"] = df["amount"] - df["cancel_amount"] - df["return_amount"]
    df["category"] = df["code"].map(lambda c: category.get(c) or NO_CATEGORY)
    return df


def _labels(markets: pd.Series) -> pd.Series:
    """Korean names of a column of marketplace codes (each code looked up once)."""
    names = {m: label_of(str(m)) for m in markets.unique()}
    return markets.map(names).astype(str)


def _metrics(g: Any) -> pd.DataFrame:
    """The metrics of every group of ``g`` (a DataFrameGroupBy)."""
    out: pd.DataFrame = g.agg(
        orders=("order", "nunique"),
        lines=("amount", "size"),
        units=("qty", "sum"),
        sales=("amount", "sum"),
        cancelled=("cancel_amount", "sum"),
        returned=("return_amount", "sum"),
        net=("net", "sum"),
    )
    return out


METRIC_HEADERS = ("주문수", "줄 수", "수량", "매출", "취소", "반품", "순매출")
METRIC_FORMATS = {4: "won", 5: "won", 6: "won", 7: "won"}


def _rows(frame: pd.DataFrame, label: str = "") -> list[list[str | int | float | None]]:
    out: list[list[str | int | float | None]] = []
    for index, r in frame.iterrows():
        name = label or str(index)
        out.append(
            [
                name,
                int(r["orders"]),
                int(r["lines"]),
                int(r["units"]),
                int(r["sales"]),
                int(r["cancelled"]),
                int(r["returned"]),
                int(r["net"]),
            ]
        )
    return out


def _period_sheet(df: pd.DataFrame, start: dt.date, end: dt.date, notes: tuple[str, ...]) -> Sheet:
    days = pd.date_range(start, end, freq="D").strftime("%Y-%m-%d")
    daily = _metrics(df.groupby("day", observed=True)).reindex(days, fill_value=0)
    # an order's lines share its day, so weeks and months are sums of days (distinct orders included)
    stamp = pd.to_datetime(pd.Series(daily.index, index=daily.index))
    week = daily.groupby((stamp - pd.to_timedelta(stamp.dt.day_of_week, unit="D")).dt.strftime("%Y-%m-%d")).sum()
    month = daily.groupby(stamp.dt.strftime("%Y-%m")).sum()
    return Sheet(
        "기간별",
        notes,
        (
            Table(
                "일별",
                ("날짜", *METRIC_HEADERS),
                _rows(daily),
                Chart("line", "일별 매출·순매출", (4, 7)),
                METRIC_FORMATS,
            ),
            Table(
                "주별 (월요일 시작)",
                ("주 시작일", *METRIC_HEADERS),
                _rows(week),
                Chart("column", "주별 순매출", (7,)),
                METRIC_FORMATS,
            ),
            Table(
                "월별",
                ("월", *METRIC_HEADERS),
                _rows(month),
                Chart("column", "월별 매출·순매출", (4, 7)),
                METRIC_FORMATS,
            ),
        ),
    )


def _market_sheet(df: pd.DataFrame, notes: tuple[str, ...]) -> Sheet:
    frame = _metrics(df.assign(who=_labels(df["market"]) + "/" + df["account"].astype(str)).groupby("who"))
    total = float(frame["sales"].sum()) or 1.0
    rows = [[*r, round(int(r[4] or 0) / total, 4)] for r in _rows(frame.sort_values("sales", ascending=False))]
    return Sheet(
        "제휴몰별",
        notes,
        (
            Table(
                "마켓·계정별",
                ("마켓/계정", *METRIC_HEADERS, "매출 비중"),
                rows,
                Chart("column", "마켓·계정별 매출·순매출", (4, 7)),
                {**METRIC_FORMATS, 8: "percent"},
            ),
            Table(
                "매출 비중", ("마켓/계정", "매출"), [[r[0], r[4]] for r in rows], Chart("pie", "매출 비중", (1,)), WON
            ),
        ),
    )


def _product_names(ledger: Ledger, keyed: pd.DataFrame, products: list[str]) -> dict[str, str]:
    """A name for each product listed: ours (the product workbook's) by code; for a product registered elsewhere, the
    marketplace's as one of its orders showed it."""
    ours = dict(ledger.db.execute("SELECT code, MAX(name) FROM items GROUP BY code").fetchall())
    out = {}
    for key in products:
        name = ours.get(key)
        if name is None:
            row = keyed.loc[keyed["product"] == key, ["market", "account", "product_no"]].head(1)
            if not row.empty:
                market, account, number = (str(x) for x in row.iloc[0])
                name = ledger.product_name(market, account, number)
        out[key] = name or ""
    return out


def _claim_rate(frame: pd.DataFrame, by: str) -> pd.Series:
    hit = (frame["cancelled"] | frame["returned"]).groupby(frame[by], observed=True).mean()
    return hit


def _product_sheets(df: pd.DataFrame, notes: tuple[str, ...], ledger: Ledger) -> tuple[Sheet, Sheet]:
    cat = _metrics(df.groupby("category", observed=True)).sort_values("sales", ascending=False)
    rate = _claim_rate(df, "category")
    cat_rows = [[*r, round(float(rate.get(r[0], 0.0)), 4)] for r in _rows(cat)]
    keyed = df.assign(
        product=df["code"]
        .astype(str)
        .where(df["code"] != "", "(" + _labels(df["market"]) + ") " + df["product_no"].astype(str))
    )
    prod = _metrics(keyed.groupby("product")).sort_values("sales", ascending=False).head(TOP_PRODUCTS)
    names = _product_names(ledger, keyed, list(prod.index))
    prate = _claim_rate(keyed, "product")
    prod_rows = [[r[0], names.get(str(r[0]), ""), *r[1:], round(float(prate.get(r[0], 0.0)), 4)] for r in _rows(prod)]
    headers = ("줄 수 중 취소·반품 비율",)
    return (
        Sheet(
            "카테고리별",
            notes,
            (
                Table(
                    "카테고리별 (상품대량등록의 카테고리; 모르는 상품은 미분류)",
                    ("카테고리", *METRIC_HEADERS, *headers),
                    cat_rows,
                    Chart("bar", "카테고리별 매출", (4,), top=15),
                    {**METRIC_FORMATS, 8: "percent"},
                ),
            ),
        ),
        Sheet(
            "상품별",
            notes,
            (
                Table(
                    f"매출 상위 {TOP_PRODUCTS}개 상품 (클레임 비율이 높은 상품을 보세요)",
                    ("상품코드", "상품명", *METRIC_HEADERS, *headers),
                    prod_rows,
                    Chart("bar", "상품별 매출 (상위 20)", (5,), top=20),
                    {5: "won", 6: "won", 7: "won", 8: "won", 9: "percent"},
                ),
            ),
        ),
    )


def _region_sheet(df: pd.DataFrame, notes: tuple[str, ...]) -> Sheet:
    frame = df
    order = [*SIDO, UNKNOWN]
    sido = _metrics(frame.groupby("sido", observed=True)).reindex(order, fill_value=0)
    tables = [
        Table(
            "시·도별 (주소를 읽을 수 없는 주문은 미상)",
            ("시·도", *METRIC_HEADERS),
            _rows(sido),
            Chart("bar", "시·도별 매출", (4,)),
            METRIC_FORMATS,
        )
    ]
    top = sido.drop(index=UNKNOWN).sort_values("sales", ascending=False).head(TOP_REGIONS)
    rows: list[list[str | int | float | None]] = []
    for name in top.index:
        if float(top.loc[name, "sales"]) <= 0:
            continue
        mine = frame[(frame["sido"] == name) & (frame["sigungu"] != "") & (frame["sigungu"] != UNKNOWN)]
        sub = _metrics(mine.groupby("sigungu", observed=True)).sort_values("sales", ascending=False).head(TOP_SIGUNGU)
        rows += [[f"{name} {r[0]}", *r[1:]] for r in _rows(sub)]
    tables.append(
        Table(f"매출 상위 {TOP_REGIONS}개 시·도의 시·군·구", ("시·군·구", *METRIC_HEADERS), rows, None, METRIC_FORMATS)
    )
    return Sheet("지역별", notes, tuple(tables))


def _totals(df: pd.DataFrame) -> dict[str, int]:
    return {
        "orders": int(df["order"].nunique()),
        "lines": len(df),
        "units": int(df["qty"].sum()),
        "sales": int(df["amount"].sum()),
        "cancelled": int(df["cancel_amount"].sum()),
        "returned": int(df["return_amount"].sum()),
        "net": int(df["net"].sum()),
    }


def _summary_sheet(
    now: pd.DataFrame, before: pd.DataFrame, start: dt.date, end: dt.date, notes: tuple[str, ...]
) -> Sheet:
    days = (end - start).days + 1
    prev_end = start - dt.timedelta(days=1)
    prev_start = prev_end - dt.timedelta(days=days - 1)
    a, b = _totals(now), _totals(before)
    labels = dict(
        zip(("orders", "lines", "units", "sales", "cancelled", "returned", "net"), METRIC_HEADERS, strict=True)
    )
    rows: list[list[str | int | float | None]] = [
        [labels[k], a[k], b[k], a[k] - b[k], round((a[k] - b[k]) / b[k], 4) if b[k] else None] for k in labels
    ]
    return Sheet(
        "요약",
        (*notes, f"비교: 바로 앞의 같은 길이 기간 {prev_start:%Y-%m-%d} ~ {prev_end:%Y-%m-%d} ({days}일)"),
        (
            Table(
                "이번 기간과 앞 기간",
                ("항목", "이번 기간", "앞 기간", "차이", "증감률"),
                rows,
                Chart("column", "이번 기간과 앞 기간", (1, 2), top=0),
                {1: "count", 2: "count", 3: "count", 4: "percent"},
            ),
        ),
    )


def run_stats(
    ws: Workspace,
    start: dt.date,
    end: dt.date,
    *,
    markets: set[str] | None = None,
    when: dt.datetime | None = None,
) -> StatsRun:
    """Write ``outbox/통계_<start>_<end>.xlsx`` for the KST days ``start``..``end`` (inclusive)."""
    if end < start:
        raise WorkspaceError(
            f"기간이 거꾸로입니다 ({start:%Y-%m-%d} ~ {end:%Y-%m-%d}). --from 이 --to 보다 앞서야 합니다."
        )
    days = (end - start).days + 1
    prev_start = start - dt.timedelta(days=days)
    ledger = Ledger(ws.ledger_path)
    try:
        df = _read(ledger, prev_start, end + dt.timedelta(days=1), markets)
        first = start.isoformat()
        current = df["day"].map(lambda d: str(d) >= first).astype(bool)  # per category, not per line
        now, before = df[current], df[~current]
        notes = definitions(start, end, markets)
        category, product = _product_sheets(now, notes, ledger)
    finally:
        ledger.close()
    sheets = [
        _summary_sheet(now, before, start, end, notes),
        _period_sheet(now, start, end, notes),
        _market_sheet(now, notes),
        category,
        product,
        _region_sheet(now, notes),
    ]
    stamp = (when or now_kst()).strftime("%Y%m%d-%H%M%S")
    path = ws.outbox / f"통계_{start:%Y%m%d}_{end:%Y%m%d}_{stamp}.xlsx"
    write_stats(path, sheets)
    return StatsRun(path, start, end, len(now), sheets)
