"""`batch accounts`: every account in batch.toml, secrets shown only as set / missing, keys about to expire."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
from dataclasses import dataclass
from typing import Any

from batch.config import Account, Workspace
from batch.errors import WorkspaceError
from batch.jobs.connections import account_failed, open_account
from batch.marketplaces.base import MarketError
from batch.marketplaces.connect import SANDBOX_SCHEME, SUPPORTED
from batch.models import label_of, now_kst

EXPIRY_WARNING = dt.timedelta(days=14)


@dataclass(frozen=True)
class AccountStatus:
    market: str
    name: str
    base_url: str
    secrets: dict[str, bool]  # secret name -> set in the environment (values never shown)
    expires: dt.date | None
    warning: str  # Korean, empty when nothing to say
    check: str = ""  # the --check result line


def key_warning(account: Account, today: dt.date) -> tuple[dt.date | None, str]:
    """The API key's expiry from batch.toml (key_expires = "YYYY-MM-DD") and a warning from 14 days before."""
    raw = account.settings.get("key_expires")
    if not raw:
        return None, ""
    try:
        day = dt.date.fromisoformat(str(raw))
    except ValueError:
        return None, f"key_expires '{raw}'를 읽지 못했습니다. YYYY-MM-DD로 적어 주세요."
    left = (day - today).days
    if left < 0:
        return day, f"API 키가 {day}에 만료되었습니다. 마켓에서 새로 발급받아 환경 변수를 바꾸세요."
    if dt.timedelta(days=left) <= EXPIRY_WARNING:
        return day, f"API 키가 {left}일 뒤({day}) 만료됩니다. 미리 새로 발급받으세요."
    return day, ""


def statuses(ws: Workspace, today: dt.date | None = None) -> list[AccountStatus]:
    today = today or now_kst().date()  # key expiry counted in Korean days
    out = []
    for a in ws.accounts:
        secrets = {
            key.removesuffix("_env"): bool(os.environ.get(str(env)))
            for key, env in a.settings.items()
            if key.endswith("_env")
        }
        expires, warning = key_warning(a, today)
        out.append(AccountStatus(a.market, a.name, a.base_url, secrets, expires, warning))
    return out


async def _check(ws: Workspace, account: Account, app: Any) -> str:
    if account.market not in SUPPORTED:
        return "연동 미지원"
    try:
        conn = open_account(ws, account, app=app)
    except WorkspaceError as exc:
        return f"실패 — {exc.message}"
    except Exception as exc:  # one broken account never stops the others
        return f"실패 — {account_failed(account, exc)}"
    try:
        adapter: Any = conn.adapter
        await adapter.vendor_id()  # a token: the cheapest call that proves the credentials
        return "성공 — 마켓이 인증 정보를 받아들였습니다"
    except MarketError as exc:
        return f"실패 — {exc.message}"
    except Exception as exc:
        return f"실패 — {account_failed(account, exc)}"
    finally:
        await conn.aclose()


def check_all(ws: Workspace, *, app: Any = None, today: dt.date | None = None) -> list[AccountStatus]:
    found = statuses(ws, today)

    async def run() -> list[str]:
        return list(await asyncio.gather(*(_check(ws, a, app) for a in ws.accounts)))

    lines = asyncio.run(run())
    return [AccountStatus(**{**s.__dict__, "check": line}) for s, line in zip(found, lines, strict=True)]


def render(rows: list[AccountStatus]) -> str:
    if not rows:
        return "batch.toml에 계정이 없습니다. [[accounts]]를 추가하세요."
    lines = []
    for s in rows:
        label = label_of(s.market)
        unset = "샌드박스 기본값" if s.base_url.startswith(SANDBOX_SCHEME) else "없음"
        secrets = ", ".join(f"{k} {'설정됨' if ok else unset}" for k, ok in s.secrets.items()) or "비밀값 없음"
        line = f"{label}/{s.name}  {s.base_url}  [{secrets}]"
        if s.expires:
            line += f"  키 만료 {s.expires}"
        lines.append(line)
        if s.warning:
            lines.append(f"  경고: {s.warning}")
        if s.check:
            lines.append(f"  확인: {s.check}")
    return "\n".join(lines)
