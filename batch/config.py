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

DEFAULT_CONFIG = """\
# batch 작업 폴더 설정. 비밀번호와 키는 여기에 적지 말고 환경 변수에 두세요 (아래 *_env 이름).

[seller]
company_name = "{company}"   # 제조사·브랜드 칸을 비웠을 때 쓰는 회사 이름

# 마켓별 전송 중지 스위치: stop 에 이유를 적으면 그 마켓으로는 아무것도 보내지 않습니다.
# 예) 티몬은 2024년 7월 정산 사태 뒤 영업을 멈췄습니다. 실제 티몬 계정으로 보낼 때 다시 확인하세요.
[markets.tmon]
stop = ""
answer_days = 1       # 문의 답변기한: 영업일 수 (공휴일 제외)

# 결과 메일. host가 없으면 메일 대신 outbox/reports/에 .eml 파일로 남깁니다. 로그인 정보는 환경 변수로.
[email]
host = ""
port = 587
sender = "batch@example.com"
recipients = []
user_env = "BATCH_SMTP_USER"
password_env = "BATCH_SMTP_PASSWORD"

# batch watch가 자동으로 모으는 간격 (시간). 마켓별로 다르게 하려면 [schedule.tmon] 아래에 orders = 1 처럼 씁니다.
[schedule]
orders = 2
claims = 2
inquiries = 2

# 답변에 쓰면 안 되는 말 (마켓 밖 거래 유도 등)
[answers]
forbidden = ["직거래", "카카오톡", "카톡", "계좌이체", "현금거래", "외부결제"]

# 마켓 계정 (제휴몰 계정정보). 판매정보 시트의 '판매자ID'가 여기의 name 입니다.
# base_url 이 "sandbox:" 이면 내장 샌드박스 마켓(계정·네트워크 없음)으로 보냅니다.
{accounts}
"""

# One [[accounts]] block per marketplace; init_workspace writes the ones asked for.
ACCOUNT_BLOCKS = {
    "tmon": """\
[[accounts]]
market = "tmon"
name = "main"
base_url = "{sandbox}"
client_id = "tmon-main"
client_secret_env = "BATCH_TMON_MAIN_CLIENT_SECRET"
partner_id = "batch"
partner_token_env = "BATCH_TMON_MAIN_PARTNER_TOKEN"
aes_key_env = "BATCH_TMON_MAIN_AES_KEY"   # 주문자 정보 복호화 키 (티몬 발급)
vendor_policy_no = "1"
rate_limit = 10       # 초당 요청 수 (마켓이 정한 한도보다 낮게)
concurrency = 8       # 동시에 보내는 요청 수
""",
    "coupang": """\
[[accounts]]
market = "coupang"
name = "main"
base_url = "{sandbox}"        # 실제: https://api-gateway.coupang.com
vendor_id = "A00012345"       # 쿠팡 업체코드
access_key = "sandbox-access-key"
secret_key_env = "BATCH_COUPANG_MAIN_SECRET_KEY"
wing_id = "sandbox-wing"      # WING 로그인 ID (문의 답변에 답변자로 남습니다)
rate_limit = 10               # 쿠팡은 초당 한도를 공개하지 않습니다. 429가 잦으면 낮추세요.
concurrency = 8
""",
    "naver": """\
[[accounts]]
market = "naver"
name = "main"
base_url = "{sandbox}"        # 실제: https://api.commerce.naver.com/external
client_id = "sandbox-naver"   # 커머스API센터 애플리케이션 ID
client_secret_env = "BATCH_NAVER_MAIN_CLIENT_SECRET"
rate_limit = 10               # 처음 값. 네이버가 응답 헤더로 알려 주는 한도를 따라갑니다.
concurrency = 8
""",
}

# Words marketplaces penalise in answers (pulling a buyer off the marketplace); batch.toml [answers] forbidden.
DEFAULT_FORBIDDEN = ("직거래", "카카오톡", "카톡", "계좌이체", "현금거래", "외부결제")

# The built-in sandbox's published test credentials, per marketplace; used only for accounts on the sandbox.
SANDBOX_SECRETS: dict[str, dict[str, str]] = {
    "tmon": {
        "client_secret": "sandbox-secret",
        "partner_token": "sandbox-partner-token",
        "aes_key": "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
    },
    "coupang": {"secret_key": "sandbox-coupang-secret-key"},
    "naver": {"client_secret": "$2a$10$abcdefghijklmnopqrstuu"},  # Naver's client secret is a bcrypt salt
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
        value = self.settings.get(key, default)
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
    return Workspace(
        root,
        str(seller.get("company_name", "")),
        tuple(accounts),
        stops,
        days,
        forbidden,
        dict(email) if isinstance(email, dict) else {},
        hours,
    )


def init_workspace(
    root: Path,
    *,
    sandbox_url: str = "sandbox:",
    company: str = "예시상사",
    markets: tuple[str, ...] = ("coupang", "naver", "tmon"),
) -> Workspace:
    """Make a workspace; its accounts point at the built-in sandbox marketplace unless told otherwise."""
    if (root / CONFIG_NAME).exists():
        raise WorkspaceError(f"{root}에는 이미 {CONFIG_NAME}이 있습니다. 다른 폴더를 고르거나 그대로 쓰세요.")
    for sub in ("inbox", "outbox"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    from batch.connect import base_path  # a served sandbox keeps each API where the real host does (Naver: /external)

    accounts = "\n".join(
        ACCOUNT_BLOCKS[m].replace("{sandbox}", sandbox_url + ("" if sandbox_url == "sandbox:" else base_path(m)))
        for m in markets
    )
    text = DEFAULT_CONFIG.format(company=company, accounts=accounts)
    (root / CONFIG_NAME).write_text(text, encoding="utf-8")
    return load_workspace(root)
