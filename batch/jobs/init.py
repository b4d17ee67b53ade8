"""`batch init`: a new workspace (batch.toml, inbox/, outbox/) whose accounts point at the built-in sandbox."""

from __future__ import annotations

from pathlib import Path

from batch.config import CONFIG_NAME, Workspace, load_workspace
from batch.errors import WorkspaceError
from batch.marketplaces.connect import base_path
from batch.models import SENDS_TO

EVERY_MARKET: tuple[str, ...] = tuple(market.value for market in SENDS_TO)  # what a new workspace has accounts for

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
quiet = true          # 새로 처리한 것도 실패도 없는 확인에는 메일을 보내지 않습니다 (false면 빈 보고서도 보냄)

# outbox/에서 이 날수보다 오래된 파일은 outbox/archive/연-월/로 옮깁니다 (지우지 않음). 0이면 옮기지 않습니다.
[outbox]
keep_days = 30

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
base_url = "{sandbox}"        # 실제: https://interworkapi.tmon.co.kr (뒤에 /api/업체번호 는 붙이지 마세요)
client_id = ""                # 티몬에서 받은 client ID (샌드박스에서는 비워 두면 샌드박스 값)
client_secret_env = "BATCH_TMON_MAIN_CLIENT_SECRET"
partner_id = ""               # 티몬에서 받은 파트너 ID (X-Partner-Id)
partner_token_env = "BATCH_TMON_MAIN_PARTNER_TOKEN"
aes_key_env = "BATCH_TMON_MAIN_AES_KEY"   # 주문자 정보 복호화 키 (티몬 발급)
vendor_policy_no = ""         # 티몬 판매자 정책번호 (숫자)
rate_limit = 10       # 초당 요청 수 (마켓이 정한 한도보다 낮게)
concurrency = 8       # 동시에 보내는 요청 수
""",
    "coupang": """\
[[accounts]]
market = "coupang"
name = "main"
base_url = "{sandbox}"        # 실제: https://api-gateway.coupang.com
vendor_id = ""                # 쿠팡 업체코드 (A로 시작, WING 판매자정보에서 확인)
access_key = ""               # 쿠팡 Open API access key (WING > 판매자정보 > 추가판매정보 > OPEN API 키 발급)
secret_key_env = "BATCH_COUPANG_MAIN_SECRET_KEY"
wing_id = ""                  # WING 로그인 ID (문의 답변에 답변자로 남습니다)
rate_limit = 10               # 쿠팡은 초당 한도를 공개하지 않습니다. 429가 잦으면 낮추세요.
concurrency = 8
""",
    "naver": """\
[[accounts]]
market = "naver"
name = "main"
base_url = "{sandbox}"        # 실제: https://api.commerce.naver.com/external
client_id = ""                # 커머스API센터 애플리케이션 ID (샌드박스에서는 비워 두면 샌드박스 값)
client_secret_env = "BATCH_NAVER_MAIN_CLIENT_SECRET"
rate_limit = 10               # 처음 값. 네이버가 응답 헤더로 알려 주는 한도를 따라갑니다.
concurrency = 8
""",
    "11st": """\
[[accounts]]
market = "11st"
name = "main"
base_url = "{sandbox}"        # 실제: https://api.11st.co.kr
api_key_env = "BATCH_11ST_MAIN_API_KEY"   # 11번가 셀러오피스 > Open API 센터에서 발급한 키. 등록한 서버 IP에서만 호출됩니다.
rate_limit = 10               # 11번가는 초당 한도를 공개하지 않습니다. 429가 잦으면 낮추세요. 상품 등록은 하루 500개까지.
concurrency = 8
""",
    "esm": """\
[[accounts]]
market = "esm"
name = "main"
base_url = "{sandbox}"        # 실제: https://sa2.esmplus.com
gmarket_id = ""               # G마켓 판매자 ID (옥션만 팔면 비워 둡니다; 샌드박스에서는 비워 두면 샌드박스 값)
auction_id = ""               # 옥션 판매자 ID (G마켓만 팔면 비워 둡니다)
rate_limit = 10               # ESM은 초당 한도를 공개하지 않습니다(429가 잦으면 낮추세요). 주문 조회(모든 ESM 계정이 함께 5초에 1번)와
                              # 상품 목록 조회(분당 30번)는 batch가 알아서 간격을 둡니다.
concurrency = 4

# G마켓·옥션 (ESM 2.0) 셀링툴 정보: 이 설치의 모든 ESM 계정이 함께 씁니다 (ESM에 신청해 받은 값).
[esm]
master_id = ""                # 셀링툴사의 ESM+ 마스터 ID (샌드박스에서는 비워 두면 샌드박스 값)
secret_env = "BATCH_ESM_SECRET"   # ESM이 발급한 Secret Key를 넣은 환경 변수 이름
issuer = ""                   # 셀링툴 도메인 (비우면 batch)
""",
}

# Words marketplaces penalise in answers (pulling a buyer off the marketplace); batch.toml [answers] forbidden.


def _account_block(market: str, sandbox_url: str) -> str:
    """The market's [[accounts]] block on the in-process sandbox, or on a served one (``batch sandbox``): that
    keeps each API where the real host does (Naver: /external) and is marked ``sandbox = true`` so that the ids
    and secrets left empty read as the sandbox's test values."""
    block = ACCOUNT_BLOCKS[market]
    if sandbox_url == "sandbox:":
        return block.replace("{sandbox}", sandbox_url)
    line = next(ln for ln in block.splitlines() if "{sandbox}" in ln)
    marked = f"{line}\nsandbox = true                # 샌드박스 계정 (실제 계정으로 바꿀 때 이 줄을 지우세요)"
    return block.replace(line, marked).replace("{sandbox}", sandbox_url + base_path(market))


def init_workspace(
    root: Path,
    *,
    sandbox_url: str = "sandbox:",
    company: str = "예시상사",
    markets: tuple[str, ...] = EVERY_MARKET,
) -> Workspace:
    """Make a workspace; its accounts point at the built-in sandbox marketplace unless told otherwise."""
    if (root / CONFIG_NAME).exists():
        raise WorkspaceError(f"{root}에는 이미 {CONFIG_NAME}이 있습니다. 다른 폴더를 고르거나 그대로 쓰세요.")
    for sub in ("inbox", "outbox"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    accounts = "\n".join(_account_block(m, sandbox_url) for m in markets)
    text = DEFAULT_CONFIG.format(company=company, accounts=accounts)
    (root / CONFIG_NAME).write_text(text, encoding="utf-8")
    return load_workspace(root)
