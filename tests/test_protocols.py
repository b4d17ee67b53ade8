"""docs/protocols/<market>.md stays true: one row per contract fixture, with the fixture's status and sources."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from contract_kit import CONTRACTS, STATUSES, load

DOCS = Path(__file__).resolve().parents[1] / "docs" / "protocols"
MARKETS = sorted(p.name for p in CONTRACTS.iterdir() if p.is_dir())
ROW = re.compile(r"^\|(?P<cells>.+)\|\s*$")
FIXTURE = re.compile(r"tests/contracts/(?P<market>[a-z0-9_]+)/(?P<call>[a-z0-9_]+)\.json")


def table_rows(market: str) -> dict[str, list[str]]:
    """call -> the cells of its row in docs/protocols/<market>.md."""
    rows: dict[str, list[str]] = {}
    for line in (DOCS / f"{market}.md").read_text(encoding="utf-8").splitlines():
        match = ROW.match(line)
        fixture = FIXTURE.search(line)
        if match and fixture:
            assert fixture["market"] == market, f"{line}: a {fixture['market']} fixture in the {market} table"
            assert fixture["call"] not in rows, f"{fixture['call']} has two rows in docs/protocols/{market}.md"
            rows[fixture["call"]] = [cell.strip() for cell in match["cells"].split("|")]
    return rows


def test_every_market_has_contracts_and_a_table() -> None:
    assert MARKETS == ["coupang", "esm", "naver", "st11", "tmon"]
    for market in MARKETS:
        assert load(market), f"tests/contracts/{market}/ is empty"
        assert (DOCS / f"{market}.md").is_file()


@pytest.mark.parametrize("market", MARKETS)
def test_each_row_has_its_fixture_and_each_fixture_its_row(market: str) -> None:
    rows = table_rows(market)
    contracts = load(market)
    assert sorted(rows) == sorted(contracts)
    for call, cells in rows.items():
        symbol = STATUSES[contracts[call].status]
        assert symbol in cells, f"{call}: the table's status is not {symbol} ({contracts[call].status})"
        assert symbol == next(c for c in cells if c in STATUSES.values()), f"{call}: two statuses in its row"
