"""재고 연동 without a marketplace: the plan of one listing (trade.stock) and the stock tables (stockbook)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from batch.ledger import Ledger
from batch.models import OrderLine, OrderStatus, ProductLink
from batch.stockbook import CANCEL, ORDER, PRODUCT, WORKBOOK, Item, ResolveItem, StockBook, normal_option
from batch.trade.stock import Change, change_for, option_price_problem, price_to_send, shown_quantity


def test_shown_quantity_keeps_the_buffer_back_and_is_zero_when_not_on_sale() -> None:
    assert shown_quantity(5, True, 0) == 5
    assert shown_quantity(5, True, 2) == 3
    assert shown_quantity(2, True, 2) == 0
    assert shown_quantity(-1, True, 0) == 0  # oversold: nothing to sell
    assert shown_quantity(9, False, 0) == 0


def test_only_what_differs_from_the_confirmed_quantity_is_sent() -> None:
    want = {"A-001": 3, "A-002": 5}
    assert change_for(want, {}, {}, None, False) == Change({"A-001": 3, "A-002": 5}, stop=False, resume=False)
    # the marketplace did not show what we sent (took 5, shows 4 right after): 5 again
    assert change_for(want, {"A-001": 3, "A-002": 5}, {"A-001": 3, "A-002": 4}, True, False) == Change(
        {"A-002": 5}, stop=False, resume=False
    )
    assert change_for(want, {"A-001": 3, "A-002": 5}, {"A-001": None}, True, False).empty
    assert change_for(want, {"A-001": 3, "A-002": 5}, {"A-001": 3, "A-002": 5}, True, False).empty


def test_sold_out_everywhere_stops_until_shown_stopped_and_resumes_only_what_we_stopped() -> None:
    want = {"A-001": 0}
    assert change_for(want, {"A-001": 3}, {"A-001": 3}, True, False) == Change({"A-001": 0}, stop=True, resume=False)
    # the marketplace took the stop and did not apply it (shows on sale): stop again
    assert change_for(want, {"A-001": 0}, {"A-001": 3}, True, True) == Change({"A-001": 0}, stop=True, resume=False)
    # shown stopped: nothing more (a 0 to a stopped listing is not needed, and some marketplaces refuse it)
    assert change_for(want, {"A-001": 0}, {"A-001": 3}, False, True).empty
    back = {"A-001": 2}
    assert change_for(back, {"A-001": 0}, {"A-001": 3}, False, True) == Change({"A-001": 2}, stop=False, resume=True)
    # a listing a person stopped on the marketplace stays stopped
    assert change_for(back, {"A-001": 2}, {"A-001": 2}, False, False).empty


def _line(order: str, qty: int, status: OrderStatus = OrderStatus.NEW, **kw: str) -> OrderLine:
    base = OrderLine(
        market="tmon",
        account="main",
        order_no=order,
        delivery_no=order,
        product_no="T1",
        option_no="T1-OPT1",
        product_name="반지",
        option_text="골드",
        qty=qty,
        price=1000,
        ordered_at="2026-12-01 10:00",
        status=status,
        buyer="구매자",
        buyer_phone="010",
        receiver="받는이",
        receiver_phone="010",
        zipcode="12345",
        address="서울",
        message="",
    )
    return replace(base, **kw)


def _book(tmp_path: Path) -> tuple[Ledger, StockBook]:
    ledger = Ledger(tmp_path / "ledger.sqlite")
    ledger.complete(0, "tmon", "main", "RING", ProductLink("T1", {"RING-001": "T1-OPT1", "RING-002": "T1-OPT2"}), "h")
    book = StockBook(ledger)
    book.define("RING", "반지", [("골드", "RING-001", 3, True), ("실버", "RING-002", 1, True)], "tmon:main:create")
    return ledger, book


def test_each_order_line_takes_its_quantity_once_and_a_cancel_gives_it_back(tmp_path: Path) -> None:
    ledger, book = _book(tmp_path)
    book.start_sync()
    ledger.store_orders([_line("O1", 2), _line("O2", 1, option_no="T1-OPT2")])
    moved, unmatched = book.count_orders(ResolveItem(book))
    assert (moved, unmatched) == ({"RING"}, [])
    assert {i.option_no: i.stock for i in book.items()} == {"RING-001": 1, "RING-002": 0}
    assert book.count_orders(ResolveItem(book)) == (set(), [])  # counted once
    assert {i.option_no: i.stock for i in book.items()} == {"RING-001": 1, "RING-002": 0}
    ledger.store_orders([_line("O1", 2, OrderStatus.CANCELLED)])
    assert book.count_orders(ResolveItem(book))[0] == {"RING"}
    assert {i.option_no: i.stock for i in book.items()} == {"RING-001": 3, "RING-002": 0}
    assert book.count_orders(ResolveItem(book))[0] == set()  # given back once
    causes = [(m[4], m[5], m[6]) for m in book.moves()]
    assert causes == [(PRODUCT, 0, 3), (PRODUCT, 0, 1), (ORDER, 3, 1), (ORDER, 1, 0), (CANCEL, 1, 3)]


def test_an_order_of_an_unknown_item_is_listed_once_and_never_guessed(tmp_path: Path) -> None:
    ledger, book = _book(tmp_path)
    book.start_sync()
    ledger.store_orders([_line("O9", 1, product_no="OTHER"), _line("O8", 1, option_no="T1-OPT9")])
    moved, unmatched = book.count_orders(ResolveItem(book))
    assert moved == set()
    assert sorted(u.order_no for u in unmatched) == ["O8", "O9"]
    assert {i.option_no: i.stock for i in book.items()} == {"RING-001": 3, "RING-002": 1}
    assert book.count_orders(ResolveItem(book)) == (set(), [])
    assert sorted(u[2] for u in book.unmatched()) == ["O8", "O9"]


def test_the_option_code_the_marketplace_echoes_names_the_item(tmp_path: Path) -> None:
    ledger, book = _book(tmp_path)
    book.start_sync()
    ledger.store_orders([_line("O1", 1, option_no="line-7", option_code="RING-002")])
    book.count_orders(ResolveItem(book))
    assert {i.option_no: i.stock for i in book.items()} == {"RING-001": 3, "RING-002": 0}


def test_an_order_shows_its_option_in_words_and_only_one_item_fits_them(tmp_path: Path) -> None:
    ledger, book = _book(tmp_path)
    book.start_sync()
    ledger.complete(0, "esm", "main", "RING", ProductLink("G1"), "h")  # ESM keeps no option numbers in the link
    ledger.store_orders(
        [
            _line(
                "O1", 1, market="esm", product_no="G1", option_no="E-77", option_text="색상:실버"
            ),  # ESM: its own option code, the text
            _line(
                "O2", 1, market="esm", product_no="G1", option_no="E-78", option_text="선택:골드 / 실버"
            ),  # both fit: never guessed
            _line("O3", 1, option_no="T1-OPT9", option_text="골드"),  # TMON: an option number the link lacks
        ]
    )
    _moved, unmatched = book.count_orders(ResolveItem(book))
    assert {i.option_no: i.stock for i in book.items()} == {"RING-001": 3, "RING-002": 0}
    assert sorted(u.order_no for u in unmatched) == ["O2", "O3"]


def test_orders_collected_before_a_stock_workbook_are_in_its_number(tmp_path: Path) -> None:
    ledger, book = _book(tmp_path)
    ledger.store_orders([_line("O1", 2)])
    gold = book.item("RING", "골드")
    assert gold is not None
    book.set_stock([(gold, 10, True)], WORKBOOK, "재고.xlsx", workbook={"RING-001": "10|1|"})
    book.count_orders(ResolveItem(book))  # O1 came before the count staff gave: not taken again
    assert book.item("RING", "골드") == replace(gold, stock=10, workbook="10|1|")
    ledger.store_orders([_line("O2", 4)])
    book.count_orders(ResolveItem(book))
    assert book.item("RING", "골드") == replace(gold, stock=6, workbook="10|1|")


def test_orders_collected_before_sync_was_on_are_never_counted(tmp_path: Path) -> None:
    ledger, book = _book(tmp_path)
    ledger.store_orders([_line("O1", 2), _line("O2", 1)])  # sold and delivered while sync was off
    book.start_sync()  # the first collection with [stock] sync = true, before it stores its orders
    ledger.store_orders([_line("O3", 1)])
    book.count_orders(ResolveItem(book))
    assert {i.option_no: i.stock for i in book.items()} == {"RING-001": 2, "RING-002": 1}
    book.start_sync()  # later collections do not move the mark
    ledger.store_orders([_line("O4", 1)])
    book.count_orders(ResolveItem(book))
    assert {i.option_no: i.stock for i in book.items()} == {"RING-001": 1, "RING-002": 1}


def test_an_update_keeps_the_stock_orders_moved_and_forgets_options_the_product_dropped(tmp_path: Path) -> None:
    ledger, book = _book(tmp_path)
    book.start_sync()
    ledger.store_orders([_line("O1", 2)])
    book.count_orders(ResolveItem(book))
    book.define("RING", "반지 New", [("골드", "RING-001", 3, True)], "tmon:main:update", price=9000, keep_stock=True)
    assert [(i.option_no, i.stock, i.name, i.price) for i in book.items()] == [("RING-001", 1, "반지 New", 9000)]


def test_a_line_cancelled_for_sold_out_never_gives_its_quantity_back(tmp_path: Path) -> None:
    ledger, book = _book(tmp_path)
    book.start_sync()
    ledger.store_orders([_line("O1", 1)])
    book.count_orders(ResolveItem(book))
    line = _line("O1", 1)
    book.settle_line(line, ("RING", "RING-001"))
    ledger.set_order_status(line, OrderStatus.CANCELLED)
    assert book.count_orders(ResolveItem(book))[0] == set()
    assert book.item("RING", "골드") is not None and book.item("RING", "골드").stock == 2  # type: ignore[union-attr]


def test_sent_and_shown_are_kept_apart_and_a_stop_is_ours_until_shown_on_sale(tmp_path: Path) -> None:
    _ledger, book = _book(tmp_path)
    first = book.sent("tmon", "main", "RING", "판매중지", {}, False, "")
    book.sent("tmon", "main", "RING", "재고", {"RING-001": 0}, None, "")
    (listing,) = book.listings()
    assert (listing.sent_on, listing.shown_on, listing.stopped) == (False, None, True)
    assert listing.sent["RING-001"] == 0 and listing.shown.get("RING-001") is None
    book.shown("tmon", "main", "RING", True, {"RING-001": 3}, [first])  # swallowed: still on sale, still 3
    (listing,) = book.listings()
    assert (listing.shown_on, listing.stopped, listing.shown["RING-001"]) == (True, False, 3)
    refused = book.sent("tmon", "main", "RING", "재고", {"RING-001": 7}, None, "거부")
    (listing,) = book.listings()
    assert listing.sent["RING-001"] == 0  # a refused call is history only
    assert book.sends()[-1][6] == "거부" and refused > first


def test_options_are_written_as_staff_write_them() -> None:
    assert normal_option(" 골드 / S ") == "골드/S"
    assert normal_option("") == ""
    assert normal_option(None) == ""


def test_a_new_price_keeps_each_marketplaces_option_range() -> None:
    extras = {"A-001": 0, "A-002": 5000}
    assert option_price_problem("11st", 8000, extras) is None  # −50 %…+100 %
    problem = option_price_problem("coupang", 8000, extras)  # ±50 %
    assert problem is not None and "추가금액 5,000원" in problem and "-50%~+50%" in problem
    assert option_price_problem("naver", 8000, extras) is None  # under 10,000원: −50 %…+100 %
    assert option_price_problem("naver", 12000, {"A-001": 7000}) is not None  # from 10,000원: ±50 %
    assert option_price_problem("esm", 1500, {"A-001": -100}) is not None  # under 2,000원: no negative extra
    assert option_price_problem("tmon", 8000, {"A-001": -4000}) is None


def test_a_price_is_sent_when_it_differs_from_what_was_sent_or_was_not_shown_as_sent() -> None:
    assert price_to_send(9000, 8000, 8000) == 9000
    assert price_to_send(9000, 9000, None) is None
    assert price_to_send(9000, 9000, 9000) is None
    assert price_to_send(9000, 9000, 8000) == 9000  # swallowed: again
    assert price_to_send(None, 9000, 8000) is None  # a product whose price we do not keep


def test_a_completed_return_gives_its_units_back_once(tmp_path: Path) -> None:
    from batch.models import Claim, ClaimStatus, ClaimType

    ledger, book = _book(tmp_path)
    book.start_sync()
    ledger.store_orders([_line("O1", 2, OrderStatus.DELIVERED)])
    book.count_orders(ResolveItem(book))
    assert book.item("RING", "골드") == replace(book.item("RING", "골드"), stock=1)  # type: ignore[arg-type]
    claim = Claim(
        "tmon", "main", "R1", "O1", "T1", "반지", ClaimType.RETURN, ClaimStatus.REQUESTED, "변심", "구매자", ""
    )
    ledger.store_claims([claim])
    assert book.count_orders(ResolveItem(book))[0] == set()  # requested: the goods are not back yet
    ledger.store_claims([replace(claim, status=ClaimStatus.DONE)])
    assert book.count_orders(ResolveItem(book))[0] == {"RING"}
    assert book.count_orders(ResolveItem(book))[0] == set()
    gold = book.item("RING", "골드")
    assert gold is not None and gold.stock == 3


def test_a_ledger_from_before_the_price_and_category_columns_gains_them_and_keeps_its_items(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "old.sqlite"
    db = sqlite3.connect(path)
    db.executescript(
        "CREATE TABLE items (code TEXT NOT NULL, option TEXT NOT NULL, option_no TEXT NOT NULL, name TEXT NOT NULL, "
        "stock INTEGER NOT NULL, selling INTEGER NOT NULL, baseline INTEGER NOT NULL, updated_at TEXT NOT NULL, "
        "PRIMARY KEY (code, option_no));"
        "INSERT INTO items VALUES ('RING', '골드', 'RING-001', '반지', 4, 1, 0, '');"
    )
    db.commit()
    db.close()
    book = StockBook(Ledger(path))
    assert book.items() == [Item("RING", "골드", "RING-001", "반지", 4, True, 0, 0, "")]
