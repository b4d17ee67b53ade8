"""Open an account for a job: its marketplace adapter, with the built-in sandbox behind ``sandbox:`` accounts.

The jobs are where the marketplaces and the sandbox meet; ``batch.marketplaces`` and ``batch.sandbox`` never
import each other.
"""

from __future__ import annotations

import random
from typing import Any

from batch.config import Account, Workspace
from batch.marketplaces.base import Clock
from batch.marketplaces.connect import SANDBOX_SCHEME, Connection, connect

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
