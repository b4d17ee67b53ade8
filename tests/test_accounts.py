"""`batch accounts`: secrets only as set / missing, key expiry warnings, --check against the sandbox."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import TMON_ONLY

from batch.cli import cli
from batch.config import load_workspace
from batch.jobs.accounts import check_all, render, statuses
from batch.jobs.init import init_workspace
from batch.sandbox.app import create_app

SECRET = "s3cr3t-value-never-shown"


def workspace(tmp_path: Path, expires: str | None = None) -> Path:
    root = tmp_path / "ws"
    init_workspace(root, markets=TMON_ONLY)
    if expires:
        cfg = root / "batch.toml"
        cfg.write_text(cfg.read_text(encoding="utf-8") + f'key_expires = "{expires}"\n', encoding="utf-8")
    return root


def test_secrets_are_shown_as_set_or_missing_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BATCH_TMON_MAIN_CLIENT_SECRET", SECRET)
    monkeypatch.delenv("BATCH_TMON_MAIN_PARTNER_TOKEN", raising=False)
    (row,) = statuses(load_workspace(workspace(tmp_path)))
    assert row.secrets == {"client_secret": True, "partner_token": False, "aes_key": False}
    text = render([row])
    assert text.splitlines()[0] == (
        "티몬/main  sandbox:  [client_secret 설정됨, partner_token 샌드박스 기본값, aes_key 샌드박스 기본값]"
    )
    real = render([replace(row, base_url="https://interworkapi.tmon.co.kr")])
    assert "client_secret 설정됨, partner_token 없음, aes_key 없음" in real and SECRET not in text + real


@pytest.mark.parametrize(
    ("expires", "warning"),
    [
        ("2026-12-20", ""),
        ("2026-12-12", "API 키가 14일 뒤(2026-12-12) 만료됩니다. 미리 새로 발급받으세요."),
        ("2026-11-20", "API 키가 2026-11-20에 만료되었습니다. 마켓에서 새로 발급받아 환경 변수를 바꾸세요."),
    ],
)
def test_key_expiry_warns_from_14_days_before(tmp_path: Path, expires: str, warning: str) -> None:
    (row,) = statuses(load_workspace(workspace(tmp_path, expires)), today=dt.date(2026, 11, 28))
    assert row.warning == warning


def test_check_gets_a_token_or_says_why(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ws = load_workspace(workspace(tmp_path))
    app = create_app(seed=1)
    monkeypatch.delenv("BATCH_TMON_MAIN_CLIENT_SECRET", raising=False)
    assert [r.check for r in check_all(ws, app=app)] == ["성공 — 마켓이 인증 정보를 받아들였습니다"]
    monkeypatch.setenv("BATCH_TMON_MAIN_CLIENT_SECRET", SECRET)
    (bad,) = check_all(ws, app=app)
    assert bad.check.startswith("실패 — 티몬 API 인증 정보") and SECRET not in bad.check


def test_cli_lists_accounts(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["-w", str(workspace(tmp_path)), "accounts"])
    assert result.exit_code == 0
    assert result.output.startswith("티몬/main  sandbox:")
