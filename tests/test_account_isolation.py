"""One broken account never stops the others: `accounts --check`, `collect`, `run` (products, invoices) and the
watcher's collection go on for every other account, and the exit code and report name the account that failed.

An account is broken the ways a real one breaks: a secret missing from the environment (WorkspaceError before any
connection), and something no adapter expected (a library raising a bare exception, here ValueError and
RuntimeError carrying a secret-looking text that must not reach staff)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from helpers import FakeClock, control, result_rows

from batch.cli import cli
from batch.config import Workspace, load_workspace
from batch.exporters.template import write_template
from batch.importers import invoices as I
from batch.importers import products as P
from batch.jobs import connections
from batch.jobs.collect import collect
from batch.jobs.init import init_workspace
from batch.jobs.products import run_products
from batch.jobs.samples import product_rows
from batch.marketplaces.naver import Naver
from batch.sandbox.app import create_app

MARKETS = ("coupang", "naver", "tmon")
LEAK = "client_secret=$2a$10$leakleakleakleakleakle"
SECOND_COUPANG = """
[[accounts]]
market = "coupang"
name = "second"
base_url = "https://api-gateway.coupang.com"
vendor_id = "A00099999"
access_key = "real-access-key"
wing_id = "second-wing"
secret_key_env = "BATCH_TEST_COUPANG_SECOND_SECRET"
"""


def workspace(tmp_path: Path) -> Workspace:
    """The three sandbox accounts, unpaced, and a real Coupang account whose secret is not in the environment."""
    root = tmp_path / "ws"
    init_workspace(root, markets=MARKETS)
    config = root / "batch.toml"
    text = config.read_text(encoding="utf-8").replace("rate_limit = 10", "rate_limit = 0")
    config.write_text(text + SECOND_COUPANG, encoding="utf-8")
    return load_workspace(root)


def broken(*_: Any, **__: Any) -> Any:
    raise ValueError(LEAK)


@pytest.fixture
def fresh_sandbox(monkeypatch: pytest.MonkeyPatch) -> Any:
    """The CLI's in-process sandbox, new for this test."""
    app = create_app(seed=7)
    monkeypatch.setattr(connections, "_in_process", app)
    return app


def test_collect_goes_on_past_a_broken_account(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BATCH_TEST_COUPANG_SECOND_SECRET", raising=False)
    monkeypatch.setattr(Naver, "collect_orders", broken)
    ws = workspace(tmp_path)
    app = create_app(seed=3)
    seeded = {
        m: control(app, "POST", "/__sandbox__/seed", {"market": m, "orders": 3, "seed": 5})["orders"] for m in MARKETS
    }
    done = collect(ws, "orders", app=app, clock=FakeClock(), when=dt.datetime(2026, 12, 2, 9, 0))
    status = {(a.market, a.account): (a.ok, a.message) for a in done.accounts}
    assert status[("coupang", "main")][0] and status[("tmon", "main")][0]
    ok, message = status[("naver", "main")]
    assert not ok
    assert message.startswith("스마트스토어/main 계정에서 예상하지 못한 문제(ValueError)가 생겨 이 계정만 멈췄습니다.")
    assert "leak" not in message
    ok, message = status[("coupang", "second")]
    assert not ok and "BATCH_TEST_COUPANG_SECOND_SECRET" in message
    # the export holds every order of the accounts that answered, and only theirs
    assert done.export is not None
    wb = openpyxl.load_workbook(done.export, read_only=True)
    rows = list(wb[I.MAIN].iter_rows(values_only=True))
    wb.close()
    at = {str(name).rstrip("*"): i for i, name in enumerate(rows[0])}
    exported = {(r[at["마켓"]], str(r[at["제휴몰 주문번호"]])) for r in rows[1:]}
    assert exported == {(label, no) for m, label in (("coupang", "쿠팡"), ("tmon", "티몬")) for no in seeded[m]}


def test_collect_and_check_on_the_command_line_name_the_broken_account(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_sandbox: Any
) -> None:
    monkeypatch.delenv("BATCH_TEST_COUPANG_SECOND_SECRET", raising=False)
    monkeypatch.setattr(Naver, "collect_orders", broken)
    monkeypatch.setattr(Naver, "vendor_id", broken)
    ws = workspace(tmp_path)
    runner = CliRunner()
    collected = runner.invoke(cli, ["-w", str(ws.root), "collect", "orders"])
    assert collected.exit_code == 1, collected.output
    lines = collected.output.splitlines()
    assert lines[0].startswith("  쿠팡/main: 성공 — 주문 0건")
    assert lines[1].startswith("  스마트스토어/main: 실패 — 스마트스토어/main 계정에서 예상하지 못한 문제(ValueError)")
    assert lines[2].startswith("  티몬/main: 성공 — 주문 0건")
    assert lines[3].startswith("  쿠팡/second: 실패 — ")
    assert "Traceback" not in collected.output and "leak" not in collected.output

    checked = runner.invoke(cli, ["-w", str(ws.root), "accounts", "--check"])
    assert checked.exit_code == 1, checked.output
    verdicts = [line.strip() for line in checked.output.splitlines() if line.strip().startswith("확인:")]
    assert verdicts[0] == "확인: 성공 — 마켓이 인증 정보를 받아들였습니다"  # 쿠팡/main
    assert verdicts[1].startswith("확인: 실패 — 스마트스토어/main 계정에서 예상하지 못한 문제(ValueError)")
    assert verdicts[2] == "확인: 성공 — 마켓이 인증 정보를 받아들였습니다"  # 티몬/main
    assert verdicts[3].startswith("확인: 실패 — ")  # 쿠팡/second: no secret
    assert "Traceback" not in checked.output and "leak" not in checked.output


def test_a_product_run_sends_to_the_others_when_one_account_breaks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Naver, "create_product", broken)
    ws = workspace(tmp_path)
    app = create_app(seed=4)
    rows = product_rows(3, markets=MARKETS)
    source = write_template(P.SPEC, tmp_path / "상품.xlsx", rows)
    done = run_products(source, ws, app=app, clock=FakeClock(), when=dt.datetime(2026, 12, 2, 9, 0))
    assert done.has_errors and done.files is not None
    shown = result_rows(done.files.result)
    assert len(shown) == 3
    for row in shown.values():
        assert (row["쿠팡 결과"], row["티몬 결과"], row["스마트스토어 결과"]) == ("성공", "성공", "오류")
        assert row["처리결과"] == "오류"
        assert "스마트스토어/main 계정에서 예상하지 못한 문제(ValueError)" in row["오류메시지"]
        assert "leak" not in row["오류메시지"]


def test_an_invoice_run_with_wrong_secrets_exits_non_zero(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_sandbox: Any
) -> None:
    """Wrong secrets are a failure, not a hold: the rows are errors naming the login problem, exit code 1."""
    root = tmp_path / "ws"
    init_workspace(root, markets=("tmon",))
    control(fresh_sandbox, "POST", "/__sandbox__/seed", {"market": "tmon", "orders": 2, "seed": 3})
    runner = CliRunner()
    collected = runner.invoke(cli, ["-w", str(root), "collect", "orders"])
    assert collected.exit_code == 0, collected.output
    export = next((root / "outbox").glob("*_주문_*.xlsx"))
    wb = openpyxl.load_workbook(export)
    sheet = wb[I.MAIN]
    col = {str(c.value or "").rstrip("*"): c.column for c in sheet[1]}
    for row in range(2, sheet.max_row + 1):
        sheet.cell(row, col["택배사"]).value = "CJ대한통운"
        sheet.cell(row, col["송장번호"]).value = f"68451234{row:04d}"
    wb.save(tmp_path / "송장.xlsx")

    monkeypatch.setenv("BATCH_TMON_MAIN_CLIENT_SECRET", "wrong-secret")
    sent = runner.invoke(cli, ["-w", str(root), "run", str(tmp_path / "송장.xlsx")])
    assert sent.exit_code == 1, sent.output
    assert "Traceback" not in sent.output and "wrong-secret" not in sent.output
    (result,) = [p for p in (root / "outbox").glob("송장_결과_*.xlsx") if "재업로드용" not in p.name]
    wb = openpyxl.load_workbook(result, read_only=True)
    rows = list(wb[I.MAIN].iter_rows(values_only=True))
    wb.close()
    at = {str(h or ""): i for i, h in enumerate(rows[0])}
    outcomes = {r[at["처리결과"]] for r in rows[1:] if r[0]}
    assert outcomes == {"오류"}
