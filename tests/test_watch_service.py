"""The watcher as a service: a kill -9 at any point loses nothing and sends nothing twice, files are taken first and
in the order they arrived, a stop is said and quick, and a products workbook finds its images beside it in inbox/."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from helpers import TMON_ONLY, AppClock, FakeClock, control, served

from batch.automation import watch as W
from batch.config import Workspace, load_workspace
from batch.exporters.template import write_template
from batch.importers import products as P
from batch.jobs.init import init_workspace
from batch.jobs.samples import Row, product_rows
from batch.sandbox.app import create_app

ROOT = Path(__file__).resolve().parents[1]
SECRETS = {"BATCH_TMON_MAIN_CLIENT_SECRET": "sandbox-secret", "BATCH_TMON_MAIN_PARTNER_TOKEN": "sandbox-partner-token"}


def batch(ws: Path, *args: str, crash_at: str | None = None, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "BATCH_CRASH_AT"}
    env |= {"PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])), **SECRETS}
    if crash_at:
        env["BATCH_CRASH_AT"] = crash_at
    return subprocess.run(
        [sys.executable, "-m", "batch", "-w", str(ws), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def tmon_state(app: Any) -> dict[str, Any]:
    body: dict[str, Any] = control(app, "GET", "/__sandbox__/state?market=tmon")
    return body


def deals_by_code(app: Any) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for deal in tmon_state(app)["products"]:
        found.setdefault(str(deal["vendorDealNo"]), []).append(deal)
    return found


def files_in(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []


# -- kill -9, restart, nothing lost, nothing twice -----------------------------------------------------------


@pytest.mark.parametrize("crash_at", ["claimed", "after-intent", "before-complete"])
def test_a_kill_at_any_point_then_a_restart_registers_every_product_once(tmp_path: Path, crash_at: str) -> None:
    app = create_app(seed=11)
    rows = product_rows(6)
    codes = sorted(str(r["code"]) for r in rows[P.MAIN])
    ws = tmp_path / "ws"
    with served(app) as url:
        init_workspace(ws, markets=TMON_ONLY, sandbox_url=url)
        write_template(P.SPEC, ws / "inbox" / "상품 등록 (12월).xlsx", rows)

        died = batch(ws, "watch", "--once", crash_at=crash_at)
        assert died.returncode == -signal.SIGKILL, died.stdout + died.stderr
        [left] = [p for p in files_in(ws / "processing") if not p.endswith(W.LOCK_NAME)]
        assert left.endswith("/상품 등록 (12월).xlsx")  # the stranded file keeps its name beside its token
        assert files_in(ws / "inbox") == []
        if crash_at == "claimed":
            assert tmon_state(app)["products"] == []  # killed before anything was sent

        again = batch(ws, "watch", "--once")  # no file moved by hand
        assert again.returncode == 0, again.stdout + again.stderr
        assert "이어서 처리합니다" in again.stderr
        deals = deals_by_code(app)

    assert sorted(deals) == codes
    assert {code: len(d) for code, d in deals.items()} == dict.fromkeys(codes, 1)  # each product exactly once
    assert files_in(ws / "processing") == []
    assert files_in(ws / "failed") == []
    [archived] = files_in(ws / "archive")
    assert archived.endswith("__상품 등록 (12월).xlsx")
    results = [p for p in files_in(ws / "outbox") if p.endswith(".xlsx")]
    assert [p for p in results if p.startswith("상품_등록_12월_결과_")], results

    third = batch(ws, "watch", "--once")  # nothing left to do: nothing more sent
    assert third.returncode == 0, third.stdout + third.stderr
    assert files_in(ws / "processing") == []


def test_a_file_whose_result_was_written_before_the_kill_is_only_archived_on_restart(tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    app = create_app(seed=3)
    path = write_template(P.SPEC, ws.inbox / "상품.xlsx", product_rows(2))
    state = W.state_path(ws)
    token = "feedfacecafe"
    folder = ws.root / "processing" / token
    folder.mkdir(parents=True)
    claimed = folder / "상품.xlsx"
    os.rename(path, claimed)
    digest = W._sha256(claimed)
    with W._db(state) as con:  # the run finished and was recorded; the kill came before the file was moved
        con.execute(
            "INSERT INTO seen (sha256, source_name, archived, at, status, token) VALUES (?, ?, ?, ?, ?, ?)",
            (digest, "상품.xlsx", "archive/x", "2026-12-02 10:00", W.DONE, token),
        )
    [outcome] = W.recover(ws, state, app=app, clock=FakeClock())
    assert outcome.status == "duplicate"
    assert (
        outcome.message
        == "이 파일('상품.xlsx')은 2026-12-02 10:00에 처리를 마쳤습니다. 결과 파일은 outbox 폴더에 있고, 다시 보내지 않았습니다."
    )
    assert tmon_state(app)["products"] == []
    assert list((ws.root / "processing").iterdir()) == []
    stored = f"{W.now_kst():%Y%m%d}_{token}__상품.xlsx"
    assert sorted(p.name for p in (ws.root / "archive").iterdir()) == [stored, f"{stored}.txt"]


def test_a_claim_another_live_watcher_holds_is_left_alone(tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    folder = ws.root / "processing" / "0123456789ab"
    with W._holding(folder):
        (folder / "상품.xlsx").write_bytes(b"PK")
        assert W.recover(ws, W.state_path(ws), app=create_app(seed=1), clock=FakeClock()) == []
        assert (folder / "상품.xlsx").exists()


# -- files first, in the order they arrived -------------------------------------------------------------------


def _workspace(tmp_path: Path, url: str | None = None) -> Workspace:
    root = tmp_path / "ws"
    if url is None:
        init_workspace(root, markets=TMON_ONLY)
    else:
        init_workspace(root, markets=TMON_ONLY, sandbox_url=url)
    config = root / "batch.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("rate_limit = 10", "rate_limit = 0"), encoding="utf-8")
    return load_workspace(root)


def _priced(rows: dict[str, list[Row]], price: int) -> dict[str, list[Row]]:
    return {**rows, P.MAIN: [{**r, "price": str(price)} for r in rows[P.MAIN]]}


def _prices(app: Any) -> dict[str, list[int]]:
    return {
        code: sorted(int(o["salesPrice"]) for d in deals for o in d["dealOptions"])
        for code, deals in deals_by_code(app).items()
    }


def _drop(ws: Workspace, name: str, rows: dict[str, list[Row]], mtime: float) -> None:
    path = write_template(P.SPEC, ws.inbox / name, rows)
    os.utime(path, (mtime, mtime))


def test_two_files_for_the_same_products_are_applied_in_the_order_they_arrived(tmp_path: Path) -> None:
    rows = product_rows(2, seed=5)
    first, second = _priced(rows, 10_000), _priced(rows, 12_000)

    def outcome(drops: list[tuple[str, dict[str, list[Row]]]]) -> tuple[list[str], dict[str, list[int]]]:
        ws, app, clock = _workspace(tmp_path / str(len(list(tmp_path.iterdir())))), create_app(seed=2), AppClock(5.0)
        for i, (name, r) in enumerate(drops):
            _drop(ws, name, r, 1_700_000_000 + i)  # dropped a second apart
        W.process_once(ws, now=clock, app=app, clock=FakeClock())
        clock.now += W.DEFAULT_SETTLE
        done = W.process_once(ws, now=clock, app=app, clock=FakeClock())
        return [o.source_name for o in done], _prices(app)

    # the one saved first has the later name: name order would apply the older price last
    order, both = outcome([("z 먼저 저장.xlsx", first), ("a 나중 저장.xlsx", second)])
    assert order == ["z 먼저 저장.xlsx", "a 나중 저장.xlsx"]
    _, only_second = outcome([("a 나중 저장.xlsx", second)])
    _, only_first = outcome([("z 먼저 저장.xlsx", first)])
    assert both == only_second != only_first


def test_a_file_dropped_while_a_slow_collection_runs_is_taken_at_once(tmp_path: Path) -> None:
    app = create_app(seed=4)
    with served(app) as url:
        ws = _workspace(tmp_path, url)
        control(app, "POST", "/__sandbox__/faults", {"market": "tmon", "latency_ms": 1500})
        stop = threading.Event()
        jobs: list[float] = []
        outcomes: list[tuple[float, str]] = []
        started = time.monotonic()
        watcher = threading.Thread(
            target=W.watch,
            kwargs={
                "ws": ws,
                "poll": 0.2,
                "stop": stop,
                "settle_seconds": 0.3,
                "schedule": W.Schedule(every={"orders": 3600.0, "claims": 3600.0, "inquiries": 3600.0}),
                "on_job": lambda j: jobs.append(time.monotonic()),
                "on_outcome": lambda o: outcomes.append((time.monotonic(), o.status)),
            },
        )
        watcher.start()
        try:
            while not tmon_state(app)["requests"]:  # the collections have begun
                assert time.monotonic() - started < 30
                time.sleep(0.05)
            dropped = time.monotonic()
            write_template(P.SPEC, ws.inbox / "상품.xlsx", product_rows(1))
            while (ws.inbox / "상품.xlsx").exists():
                assert time.monotonic() - dropped < 10, "the file waited behind the collections"
                time.sleep(0.05)
            taken = time.monotonic()
            assert not jobs or jobs[0] > taken  # it did not wait for the first collection to end
            while not outcomes:
                assert time.monotonic() - dropped < 60
                time.sleep(0.1)
        finally:
            stop.set()
            watcher.join(30)
    assert not watcher.is_alive()
    assert [status for _, status in outcomes] == ["processed"]


# -- signals ------------------------------------------------------------------------------------------------


def sigterm_once(app: Any, ws: Path, ready: Callable[[dict[str, int]], bool]) -> tuple[subprocess.Popen[str], str, str]:
    """``batch watch`` in its own process, sent SIGTERM once ``ready`` holds of the sandbox's request counts; its
    output, read with a 5-second limit on the exit."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    proc = subprocess.Popen(
        [sys.executable, "-m", "batch", "-w", str(ws), "watch"],
        env={**env, **SECRETS},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not ready(tmon_state(app)["requests"]):
            assert time.monotonic() < deadline and proc.poll() is None
            time.sleep(0.05)
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=5)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return proc, out, err


def test_sigterm_is_said_in_one_korean_line_and_the_watcher_stops_within_seconds(tmp_path: Path) -> None:
    app = create_app(seed=9)
    with served(app) as url:
        ws = tmp_path / "ws"
        init_workspace(ws, markets=TMON_ONLY, sandbox_url=url)
        control(app, "POST", "/__sandbox__/faults", {"market": "tmon", "latency_ms": 3000})  # a slow collection
        proc, out, err = sigterm_once(app, ws, lambda requests: bool(requests))
    assert proc.returncode == 0, out + err
    lines = [line for line in err.splitlines() if "SIGTERM" in line]
    assert lines == [
        "SIGTERM 신호를 받았습니다. 하던 파일을 마치고 몇 초 안에 멈춥니다. 멈춘 수집은 다음에 시작할 때 이어서 합니다."
    ]
    assert "Traceback" not in err


# -- images beside the workbook ---------------------------------------------------------------------------


def test_a_products_workbook_finds_its_images_beside_it_in_inbox(tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    rows = product_rows(1)
    rows[P.MAIN][0]["main_image"] = "front1.jpg"  # a local file, not an address
    (ws.inbox / "images").mkdir()
    from PIL import Image

    Image.new("RGB", (1000, 1000), "white").save(ws.inbox / "images" / "front1.jpg", "JPEG")
    _drop(ws, "상품.xlsx", rows, 1_700_000_000)
    clock = AppClock(1.0)
    W.process_once(ws, now=clock, app=create_app(seed=1), clock=FakeClock())
    clock.now += W.DEFAULT_SETTLE
    [outcome] = W.process_once(ws, now=clock, app=create_app(seed=1), clock=FakeClock())
    codes = {code for code, _, _ in outcome.problems}
    assert "image-not-found" not in codes, outcome.problems
    assert (ws.inbox / "images" / "front1.jpg").exists()  # the folder stays for the next workbook
    assert not (ws.root / "failed").exists()  # the images folder itself is never refused


def test_under_faults_a_kill_then_a_restart_sends_nothing_twice_and_answers_every_row(tmp_path: Path) -> None:
    app = create_app(seed=12)
    rows = product_rows(6)
    codes = sorted(str(r["code"]) for r in rows[P.MAIN])
    ws = tmp_path / "ws"
    with served(app) as url:
        init_workspace(ws, markets=TMON_ONLY, sandbox_url=url)
        control(app, "POST", "/__sandbox__/faults", {"market": "tmon", "rate": 0.3, "seed": 5})
        write_template(P.SPEC, ws / "inbox" / "상품.xlsx", rows)
        died = batch(ws, "watch", "--once", crash_at="before-complete")
        assert died.returncode == -signal.SIGKILL, died.stdout + died.stderr
        again = batch(ws, "watch", "--once")
        assert again.returncode in (0, 1), again.stdout + again.stderr  # 1: some rows ended as errors
        assert "Traceback" not in again.stderr
        deals = deals_by_code(app)
    assert all(len(d) == 1 for d in deals.values()), deals  # nothing registered twice
    assert files_in(ws / "processing") == []
    [result] = [p for p in (ws / "outbox").glob("상품_결과_*.xlsx") if not p.stem.endswith("재업로드용")]
    from helpers import result_rows

    shown = result_rows(result)
    assert sorted(shown) == codes  # every row answered
    for code, row in shown.items():  # none lost: each is registered, or its row says it was not
        if row["처리결과"] == "성공":
            assert code in deals, (code, row)
        elif code in deals:  # the answer was lost on the way back: the row says so, the next run looks it up
            assert "결과를 알 수 없어 다음 실행 때 먼저 확인합니다" in row["오류메시지"], (code, row)


def test_sigterm_with_a_file_in_hand_stops_within_seconds_and_the_file_is_resumed_next_start(tmp_path: Path) -> None:
    app = create_app(seed=10)
    rows = product_rows(12)
    codes = sorted(str(r["code"]) for r in rows[P.MAIN])
    with served(app) as url:
        ws = tmp_path / "ws"
        init_workspace(ws, markets=TMON_ONLY, sandbox_url=url)
        control(app, "POST", "/__sandbox__/faults", {"market": "tmon", "latency_ms": 1500})  # a slow marketplace
        write_template(P.SPEC, ws / "inbox" / "상품.xlsx", rows)
        proc, out, err = sigterm_once(app, ws, lambda requests: any(k.startswith("POST /api/") for k in requests))
        assert proc.returncode == 0, out + err
        assert "SIGTERM 신호를 받았습니다" in err and "Traceback" not in err
        assert "멈춤 요청으로 파일을 보내다가 멈췄습니다" in err
        sent = deals_by_code(app)
        assert len(sent) < len(codes)  # it stopped mid-file
        [left] = [p for p in files_in(ws / "processing") if not p.endswith(W.LOCK_NAME)]
        assert left.endswith("/상품.xlsx")

        control(app, "POST", "/__sandbox__/faults", {"market": "tmon", "latency_ms": 0})
        again = batch(ws, "watch", "--once")
        assert again.returncode == 0, again.stdout + again.stderr
        deals = deals_by_code(app)
    assert sorted(deals) == codes
    assert {code: len(d) for code, d in deals.items()} == dict.fromkeys(codes, 1)
    assert files_in(ws / "processing") == []


def test_a_stop_between_fast_sends_leaves_the_file_unfinished_never_done_with_rows_unsent(tmp_path: Path) -> None:
    from batch.errors import Interrupted
    from batch.jobs.products import run_products

    ws, app = _workspace(tmp_path), create_app(seed=8)
    rows = product_rows(40)
    codes = sorted(str(r["code"]) for r in rows[P.MAIN])
    path = write_template(P.SPEC, tmp_path / "상품.xlsx", rows)
    stop = threading.Event()

    def progress(done: int, total: int) -> None:
        if done == 3:
            stop.set()  # the stop comes while every call is quick: the workers just stop taking rows

    with pytest.raises(Interrupted):
        run_products(path, ws, app=app, clock=FakeClock(), progress=progress, stop=stop)
    assert 3 <= len(deals_by_code(app)) < len(codes)
    assert not list(ws.outbox.glob("*_결과_*.xlsx"))  # nothing written up as done

    again = run_products(path, ws, app=app, clock=FakeClock())  # the resume
    deals = deals_by_code(app)
    assert sorted(deals) == codes
    assert {code: len(d) for code, d in deals.items()} == dict.fromkeys(codes, 1)
    assert again.files is not None
