"""The workspace: a folder with batch.toml, inbox/, outbox/ and the state files."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from batch.errors import WorkspaceError

CONFIG_NAME = "batch.toml"
ENV_WORKSPACE = "BATCH_WORKSPACE"

DEFAULT_CONFIG = """\
# batch 작업 폴더 설정. 비밀번호와 키는 여기에 적지 말고 환경 변수에 두세요 (아래 *_env 이름).

[seller]
company_name = "{company}"   # 제조사·브랜드 칸을 비웠을 때 쓰는 회사 이름

# 마켓 계정 (제휴몰 계정정보). 판매정보 시트의 '판매자ID'가 여기의 name 입니다.
[[accounts]]
market = "tmon"
name = "main"
base_url = "{sandbox}"
client_id_env = "BATCH_TMON_MAIN_CLIENT_ID"
client_secret_env = "BATCH_TMON_MAIN_CLIENT_SECRET"
partner_token_env = "BATCH_TMON_MAIN_PARTNER_TOKEN"
"""


@dataclass(frozen=True)
class Account:
    market: str
    name: str
    base_url: str
    settings: dict[str, Any] = field(default_factory=dict)

    def secret(self, key: str) -> str | None:
        """Read a secret named by ``<key>_env`` from the environment; never stored in the file."""
        env = self.settings.get(f"{key}_env")
        return os.environ.get(env) if isinstance(env, str) else None


@dataclass(frozen=True)
class Workspace:
    root: Path
    company_name: str = ""
    accounts: tuple[Account, ...] = ()

    @property
    def inbox(self) -> Path:
        return self.root / "inbox"

    @property
    def outbox(self) -> Path:
        return self.root / "outbox"


def find_root(option: str | Path | None) -> Path:
    return Path(option or os.environ.get(ENV_WORKSPACE) or Path.cwd()).resolve()


def load_workspace(root: Path) -> Workspace:
    """Read ``root/batch.toml``; a folder without one is a workspace with default settings."""
    cfg_path = root / CONFIG_NAME
    if not cfg_path.exists():
        return Workspace(root)
    try:
        data = tomllib.loads(cfg_path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise WorkspaceError(f"{cfg_path} 파일을 읽을 수 없습니다 ({exc}). 고친 뒤 다시 실행하세요.") from exc
    accounts = []
    for a in data.get("accounts", []):
        if not isinstance(a, dict) or not {"market", "name"} <= a.keys():
            raise WorkspaceError(
                f"{cfg_path}의 [[accounts]]마다 market과 name이 있어야 합니다. 고친 뒤 다시 실행하세요."
            )
        accounts.append(Account(str(a["market"]), str(a["name"]), str(a.get("base_url", "")), dict(a)))
    seller = data.get("seller", {})
    return Workspace(root, str(seller.get("company_name", "")), tuple(accounts))


def init_workspace(root: Path, *, sandbox_url: str = "sandbox:", company: str = "예시상사") -> Workspace:
    """Make a workspace; its accounts point at the built-in sandbox marketplace unless told otherwise."""
    if (root / CONFIG_NAME).exists():
        raise WorkspaceError(f"{root}에는 이미 {CONFIG_NAME}이 있습니다. 다른 폴더를 고르거나 그대로 쓰세요.")
    for sub in ("inbox", "outbox"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    (root / CONFIG_NAME).write_text(DEFAULT_CONFIG.format(company=company, sandbox=sandbox_url), encoding="utf-8")
    return load_workspace(root)
