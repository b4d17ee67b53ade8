"""The workspace: a folder with batch.toml, inbox/, outbox/ and the state files."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from batch.errors import WorkspaceError
from batch.models import label_of

CONFIG_NAME = "batch.toml"
ENV_WORKSPACE = "BATCH_WORKSPACE"

DEFAULT_FORBIDDEN = ("직거래", "카카오톡", "카톡", "계좌이체", "현금거래", "외부결제")

# The built-in sandbox's published test account ids, per marketplace: batch.toml leaves them empty (on a real
# account they are credentials the marketplace issues); used only for accounts on the sandbox.
SANDBOX_IDS: dict[str, dict[str, str]] = {
    "tmon": {"client_id": "tmon-main", "partner_id": "batch", "vendor_policy_no": "1"},
    "coupang": {"vendor_id": "A00012345", "access_key": "sandbox-access-key", "wing_id": "sandbox-wing"},
    "naver": {"client_id": "sandbox-naver"},
}

# The built-in sandbox's published test credentials, per marketplace; used only for accounts on the sandbox.
SANDBOX_SECRETS: dict[str, dict[str, str]] = {
    "tmon": {
        "client_secret": "sandbox-secret",
        "partner_token": "sandbox-partner-token",
        "aes_key": "batch-sandbox-k1",
    },
    "coupang": {"secret_key": "sandbox-coupang-secret-key"},
    "naver": {"client_secret": "$2a$10$abcdefghijklmnopqrstuv"},  # a bcrypt salt: Naver's documented example
    "11st": {"api_key": "sandbox-11st-openapikey"},
    # the HMAC secret the sandbox issues to the tool's master id, that master id, and the seller's site ids
    "esm": {
        "secret": "sandbox-esm-secret-key",
        "master_id": "sandbox-esm-master",
        "gmarket_id": "sandboxgmkt",
        "auction_id": "sandboxiac",
    },
}


@dataclass(frozen=True)
class Account:
    market: str
    name: str
    base_url: str
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def is_sandbox(self) -> bool:
        return self.base_url.startswith("sandbox:") or bool(self.settings.get("sandbox"))

    def secret(self, key: str) -> str | None:
        """Read a secret named by ``<key>_env`` from the environment; never stored in the file.

        A sandbox account falls back to the sandbox's published test credentials.
        """
        env = self.settings.get(f"{key}_env")
        value = os.environ.get(env) if isinstance(env, str) else None
        if not value and self.is_sandbox:
            return SANDBOX_SECRETS.get(self.market, {}).get(key)
        return value

    def required_secret(self, key: str) -> str:
        """A secret the adapter cannot work without; a WorkspaceError naming the environment variable if missing."""
        value = self.secret(key)
        if not value:
            env = self.settings.get(f"{key}_env", f"BATCH_{self.market.upper()}_{self.name.upper()}_{key.upper()}")
            raise WorkspaceError(
                f"{label_of(self.market)}/{self.name} 계정의 {key} 값이 없습니다. 환경 변수 {env}에 넣어 주세요."
            )
        return value

    def text(self, key: str, default: str = "") -> str:
        """A setting; on the sandbox an empty account id reads as the sandbox's published test id."""
        value = self.settings.get(key, default)
        if value in ("", None) and self.is_sandbox:
            return SANDBOX_IDS.get(self.market, {}).get(key, default)
        return str(value)

    def number(self, key: str, default: float) -> float:
        value = self.settings.get(key, default)
        return float(value) if isinstance(value, int | float) else default


@dataclass(frozen=True)
class Workspace:
    root: Path
    company_name: str = ""
    accounts: tuple[Account, ...] = ()
    stops: dict[str, str] = field(default_factory=dict)  # market -> why nothing is sent to it (kill switch)
    answer_days: dict[str, int] = field(default_factory=dict)  # market -> business days to answer an inquiry
    forbidden: tuple[str, ...] = DEFAULT_FORBIDDEN  # words an answer must not contain
    email: dict[str, Any] = field(default_factory=dict)  # [email]: SMTP host, port, sender, recipients, *_env
    schedule: dict[str, float] = field(default_factory=dict)  # [schedule]: hours per job, or "job.market"
    stock_sync: bool = False  # [stock] sync: collected orders take their quantity from the item's stock
    stock_buffer: int = 0  # [stock] buffer: listings show stock minus this and stop when stock reaches it

    def account(self, market: str, name: str) -> Account | None:
        return next((a for a in self.accounts if a.market == market and a.name == name), None)

    @property
    def ledger_path(self) -> Path:
        return self.root / "state" / "ledger.sqlite"

    @property
    def inbox(self) -> Path:
        return self.root / "inbox"

    @property
    def outbox(self) -> Path:
        return self.root / "outbox"


def find_root(option: str | Path | None) -> Path:
    return Path(option or os.environ.get(ENV_WORKSPACE) or Path.cwd()).resolve()


def find_workspace(option: str | Path | None) -> Path:
    """The workspace a command works in: the folder given (-w, BATCH_WORKSPACE, or the current one) or the
    nearest parent holding batch.toml, as git finds its repository. No folder is made a workspace silently."""
    start = find_root(option)
    for folder in (start, *start.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    raise WorkspaceError(
        f"작업 폴더를 찾지 못했습니다: {start}와(과) 그 위 폴더에 {CONFIG_NAME}이 없습니다. "
        "'batch init 폴더'로 작업 폴더를 만들거나, -w 로 작업 폴더를 지정해 주세요."
    )


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
        # a top-level table named by the marketplace holds what all its accounts share (ESM: [esm], the selling
        # tool's master id and secret); the account's own keys win
        shared = data.get(str(a["market"]), {})
        settings = {**(shared if isinstance(shared, dict) else {}), **a}
        accounts.append(Account(str(a["market"]), str(a["name"]), str(a.get("base_url", "")), settings))
    seller = data.get("seller", {})
    markets = data.get("markets", {})
    stops = {
        str(m): str(v.get("stop", "")).strip()
        for m, v in (markets.items() if isinstance(markets, dict) else [])
        if isinstance(v, dict) and str(v.get("stop", "")).strip()
    }
    days = {
        str(m): int(v["answer_days"])
        for m, v in (markets.items() if isinstance(markets, dict) else [])
        if isinstance(v, dict) and isinstance(v.get("answer_days"), int)
    }
    words = data.get("answers", {}).get("forbidden") if isinstance(data.get("answers"), dict) else None
    forbidden = tuple(str(w) for w in words) if isinstance(words, list) else DEFAULT_FORBIDDEN
    email = data.get("email", {})
    schedule = data.get("schedule", {})
    hours: dict[str, float] = {}
    for k, v in schedule.items() if isinstance(schedule, dict) else []:
        if isinstance(v, int | float):
            hours[str(k)] = float(v)  # orders = 2
        elif isinstance(v, dict):  # [schedule.tmon] orders = 1
            hours.update({f"{job}.{k}": float(h) for job, h in v.items() if isinstance(h, int | float)})
    stock = data.get("stock", {})
    stock = stock if isinstance(stock, dict) else {}
    buffer = stock.get("buffer", 0)
    if not isinstance(buffer, int) or isinstance(buffer, bool) or buffer < 0:
        raise WorkspaceError(
            f"{cfg_path}의 [stock] buffer는 0 이상의 정수여야 합니다(지금 {buffer!r}). 고친 뒤 다시 실행하세요."
        )
    return Workspace(
        root,
        str(seller.get("company_name", "")),
        tuple(accounts),
        stops,
        days,
        forbidden,
        dict(email) if isinstance(email, dict) else {},
        hours,
        stock.get("sync") is True,
        buffer,
    )
