"""Open an account for a job: its marketplace adapter, with the built-in sandbox behind ``sandbox:`` accounts.

The jobs are where the marketplaces and the sandbox meet; ``batch.marketplaces`` and ``batch.sandbox`` never
import each other.
"""

from __future__ import annotations

import logging
import random
from typing import Any

from batch.config import Account, Workspace
from batch.marketplaces.base import Clock
from batch.marketplaces.connect import SANDBOX_SCHEME, Connection, connect
from batch.models import label_of

log = logging.getLogger(__name__)
_in_process: Any = None


def in_process_sandbox() -> Any:
    """The in-process sandbox marketplace, one per process (its state lives as long as the process)."""
    global _in_process
    if _in_process is None:
        from batch.sandbox.app import create_app

        _in_process = create_app()
    return _in_process


def open_account(
    ws: Workspace, account: Account, *, clock: Clock | None = None, app: Any = None, rng: random.Random | None = None
) -> Connection:
    """``connect``, with ``app`` (or the in-process sandbox for a ``sandbox:`` account) behind the client."""
    if app is None and account.base_url.startswith(SANDBOX_SCHEME):
        app = in_process_sandbox()
    return connect(ws, account, clock=clock, app=app, rng=rng)


def account_failed(account: Account, exc: Exception) -> str:
    """One account stopped by something no adapter expected (a bug, a library refusing a malformed key): the
    traceback goes to the log (shown with --verbose), staff read one sentence; the other accounts go on.

    Only the exception's type is named: its text may quote a key or a buyer's data.
    """
    log.debug("%s/%s stopped", account.market, account.name, exc_info=exc)
    return (
        f"{label_of(account.market)}/{account.name} 계정에서 예상하지 못한 문제({type(exc).__name__})가 생겨 이 계정만 "
        "멈췄습니다. 다른 계정은 계속 처리했습니다. 보낸 것이 있는지는 다음 실행 때 먼저 확인합니다. "
        "--verbose 를 붙여 다시 실행한 화면을 담당자에게 보내 주세요."
    )
