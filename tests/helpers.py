"""Helpers several test modules share: a LibreOffice re-save, and the sandbox served by uvicorn on 127.0.0.1."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.types import ASGIApp

from batch.sandbox.server import build_server

TMON_ONLY = ("tmon",)  # a workspace with the TMON account only (the TMON-specific tests)


def resave_with_libreoffice(src: Path, outdir: Path, profile: Path) -> Path:
    """Open ``src`` in LibreOffice and save it as .xlsx into ``outdir`` (its own profile and HOME, no locks)."""
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    outdir.mkdir(parents=True, exist_ok=True)
    home = profile / "home"
    home.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(outdir),
            str(src),
        ],
        env={**os.environ, "HOME": str(home)},
        capture_output=True,
        text=True,
        check=False,
        timeout=300,  # a hung soffice must not hang the suite
    )
    out = outdir / f"{src.stem}.xlsx"
    assert done.returncode == 0 and out.is_file(), f"soffice failed: {done.stdout}\n{done.stderr}"
    return out


@contextlib.contextmanager
def served(app: ASGIApp) -> Iterator[str]:
    """Serve ``app`` with uvicorn on 127.0.0.1, a free port, in a background thread; yield its base URL."""
    server = build_server(0, app=app)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        assert not thread.is_alive()
