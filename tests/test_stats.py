"""통계: a seeded ledger with known orders across three marketplaces, two months and the 17 시·도 → every table's
numbers exactly (a cancelled and a returned line, KST midnight boundaries, an unplaceable address), and the charts
are live chart parts that reference their tables' ranges, also after LibreOffice re-saves the workbook."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

from helpers import resave_with_libreoffice

from batch.config import Workspace
from batch.jobs.stats import StatsRun, run_stats
from batch.ledger import Ledger
from batch.models import Claim, ClaimStatus, ClaimType, OrderLine, OrderStatus, ProductLink
from batch.stockbook import StockBook
from batch.trade.regions import SIDO

MARKETS = ("tmon", "coupang", "naver")


def line(
    n: int, market: str, at: str, price: int, qty: int, address: str, status: OrderStatus = OrderStatus.NEW
) -> OrderLine:
    return OrderLine(
        market=market,
        account="main",
        order_no=f"O{n:03d}",
        delivery_no=f"O{n:03d}",
        product_no=f"{market}-P{n % 2}",
        option_no="1",
        product_name=f"상품{n % 2}",
        option_text="",
        qty=qty,
        price=price,
        ordered_at=at,
        status=status,
        buyer="홍길동",
        buyer_phone="010-1234-5678",
        receiver="홍길동",
        receiver_phone="010-1234-5678",
        zipcode="06236",
        address=address,
        message="",
    )


def seeded(tmp_path: Path) -> Workspace:
    ws = Workspace(tmp_path)
    ledger = Ledger(ws.ledger_path)
    book = StockBook(ledger)
    for market in MARKETS:  # two products per marketplace: P0 is RING (반지), P1 is CUP (주방)
        for p, code in ((0, "RING"), (1, "CUP")):
            ledger.complete(0, market, "main", code, ProductLink(f"{market}-P{p}"), "h")
    book.define("RING", "반지", [("", "RING-001", 9, True)], "seed", category="패션잡화 > 반지")
    book.define("CUP", "컵", [("", "CUP-001", 9, True)], "seed", category="주방용품 > 컵")
    lines = []
    for i, name in enumerate(SIDO):  # one line per 시·도: October for even, November for odd
        day = f"2026-10-{i + 1:02d} 10:00" if i % 2 == 0 else f"2026-11-{i + 1:02d} 10:00"
        lines.append(line(i, MARKETS[i % 3], day, 1000 * (i + 1), 1, f"{name} 중앙로 {i + 1}"))
    lines += [
        line(20, "tmon", "2026-11-30 23:59", 5000, 2, "(06236) 서울 강남구 테헤란로 152", OrderStatus.CANCELLED),
        line(21, "coupang", "2026-10-20 09:00", 7000, 1, "경기도 성남시 분당구 판교역로 1"),  # returned below
        line(22, "naver", "2026-12-01 00:00", 9999, 1, "서울특별시 중구 세종대로 110"),  # after the period
        line(23, "naver", "2026-09-30 23:59", 4000, 1, "부산광역시 해운대구 우동 1"),  # the period before
        line(24, "tmon", "2026-11-02 12:00", 3000, 3, "Seoul, Gangnam-gu"),  # unplaceable: 미상
    ]
    ledger.store_orders(lines)
    ret = Claim(
        "coupang", "main", "R1", "O021", "coupang-P1", "상품1", ClaimType.RETURN, ClaimStatus.DONE, "변심", "", ""
    )
    ledger.store_claims([ret])
    ledger.close()
    return ws


def table(run: StatsRun, sheet: str, index: int = 0) -> list[list[object]]:
    found = next(s for s in run.sheets if s.name == sheet)
    return found.tables[index].rows


def test_every_table_counts_exactly(tmp_path: Path) -> None:
    ws = seeded(tmp_path)
    run = run_stats(ws, dt.date(2026, 10, 1), dt.date(2026, 11, 30), when=dt.datetime(2026, 12, 1, 9, 0))
    sido_sales = sum(1000 * (i + 1) for i in range(17))  # 153,000
    sales = sido_sales + 10_000 + 7_000 + 9_000  # + the cancelled 2×5,000, the returned 7,000, the 미상 3×3,000
    assert run.lines == 20
    summary = {r[0]: r[1:] for r in table(run, "요약")}
    assert summary["주문수"][:2] == [20, 1]
    assert summary["수량"][:2] == [17 + 2 + 1 + 3, 1]
    assert summary["매출"][:2] == [sales, 4000]
    assert summary["취소"][:2] == [10_000, 0]
    assert summary["반품"][:2] == [7_000, 0]
    assert summary["순매출"][:2] == [sales - 17_000, 4000]
    assert summary["매출"][2:] == [sales - 4000, round((sales - 4000) / 4000, 4)]

    daily = {r[0]: r[1:] for r in table(run, "기간별", 0)}
    assert len(daily) == 61  # every KST day of October and November, empty ones as 0
    assert daily["2026-11-30"] == [1, 1, 2, 10_000, 10_000, 0, 0]  # 23:59 KST is still the 30th
    assert daily["2026-10-20"] == [1, 1, 1, 7_000, 0, 7_000, 0]
    assert daily["2026-10-02"] == [0, 0, 0, 0, 0, 0, 0]
    monthly = {r[0]: r[4] for r in table(run, "기간별", 2)}
    assert monthly == {
        "2026-10": sum(1000 * (i + 1) for i in range(0, 17, 2)) + 7_000,
        "2026-11": sum(1000 * (i + 1) for i in range(1, 17, 2)) + 10_000 + 9_000,
    }

    markets = {r[0]: r[1:] for r in table(run, "제휴몰별", 0)}
    tmon = sum(1000 * (i + 1) for i in range(0, 17, 3)) + 10_000 + 9_000
    coupang = sum(1000 * (i + 1) for i in range(1, 17, 3)) + 7_000
    naver = sum(1000 * (i + 1) for i in range(2, 17, 3))
    assert {k: v[3] for k, v in markets.items()} == {
        "티몬/main": tmon,
        "쿠팡/main": coupang,
        "스마트스토어/main": naver,
    }
    assert markets["쿠팡/main"][5] == 7_000 and markets["티몬/main"][4] == 10_000
    assert round(sum(v[7] for v in markets.values()), 3) == 1.0  # shares of 매출

    categories = {r[0]: (r[4], r[8]) for r in table(run, "카테고리별")}
    ring = [i for i in range(17) if i % 2 == 0]
    assert categories["패션잡화 > 반지"][0] == sum(1000 * (i + 1) for i in ring) + 10_000 + 9_000  # O020, O024: P0
    assert categories["주방용품 > 컵"][0] == sum(1000 * (i + 1) for i in range(17) if i % 2) + 7_000
    cups = 8 + 1  # the odd 시·도 lines and O021
    assert categories["주방용품 > 컵"][1] == round(1 / cups, 4)  # the returned line
    products = {r[0]: r for r in table(run, "상품별")}
    assert set(products) == {"RING", "CUP"}
    assert products["CUP"][1] == "컵"  # our name, from the product workbook
    assert categories["패션잡화 > 반지"][1] == round(1 / (9 + 2), 4)  # the cancelled line among 11

    regions = {r[0]: r[1:] for r in table(run, "지역별", 0)}
    assert list(regions) == [*SIDO, "미상"]
    assert regions["서울특별시"][3] == 1000 + 10_000
    assert regions["경기도"][3] == 9000 + 7_000
    assert regions["세종특별자치시"][3] == 8000
    assert regions["미상"] == [1, 1, 3, 9_000, 0, 0, 9_000]
    # the top five 시·도 by 매출 are 제주, 경기, 경남, 경북, 전남; of their addresses only one names its 시·군·구
    # (the others read "중앙로"); 서울's 강남구 (11,000) is outside the top five
    assert [(r[0], r[4]) for r in table(run, "지역별", 1)] == [("경기도 성남시 분당구", 7_000)]


def test_no_buyer_data_and_charts_reference_their_tables(tmp_path: Path) -> None:
    ws = seeded(tmp_path)
    run = run_stats(ws, dt.date(2026, 10, 1), dt.date(2026, 11, 30), when=dt.datetime(2026, 12, 1, 9, 0))
    assert run.path.name == "통계_20261001_20261130_20261201-090000.xlsx"
    for path in (run.path, resave_with_libreoffice(run.path, tmp_path / "lo", tmp_path / "profile")):
        with zipfile.ZipFile(path) as z:
            text = " ".join(z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml"))
            charts = [n for n in z.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n)]
            assert len(charts) >= 9, path
            refs = " ".join(z.read(n).decode() for n in charts)
        for secret in ("홍길동", "010-1234-5678", "테헤란로", "06236"):
            assert secret not in text, (path, secret)
        assert re.search(r"기간별.?!\$A\$\d+:\$A\$\d+", refs), refs[:500]
        assert re.search(r"지역별.?!\$E\$\d+:\$E\$\d+", refs)


def test_the_watcher_writes_the_last_weeks_statistics_on_its_schedule(tmp_path: Path) -> None:
    import time

    from batch.automation.service import job_entry, pending_report, schedule_seconds
    from batch.automation.watch import Schedule

    ws = seeded(tmp_path)
    ws = Workspace(ws.root, schedule={"stats": 168.0})
    every = schedule_seconds(ws)
    assert every == {"stats": 168 * 3600}
    schedule = Schedule(every=every)
    now = time.time()
    (run,) = schedule.run_due(ws, now)
    assert run.ok and run.export is not None and run.export.exists()
    assert run.export.name.startswith("통계_") and "(주문 줄" in run.message
    assert schedule.run_due(ws, now + 3600) == []  # not due again within the week
    report = pending_report(
        ws, [job_entry(ws, run, dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=9))))]
    )
    assert report is not None and report.headline == "통계"
    (section,) = report.sections
    assert section.kind == "통계" and section.status == "성공"
    assert section.files == [f"통계 파일: outbox/{run.export.name}"]
