"""batch.automation.watch: inbox candidates, settling, claiming, dedupe, archive/failed notes and the collection schedule."""

from __future__ import annotations

import datetime as dt
import os
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from helpers import TMON_ONLY, AppClock, FakeClock

from batch.automation import watch as W
from batch.config import Workspace, load_workspace
from batch.exporters.result import output_stem
from batch.exporters.template import write_template
from batch.importers import products as P
from batch.importers.safety import NOT_XLSX_MESSAGES
from batch.jobs.init import init_workspace
from batch.jobs.samples import product_rows
from batch.sandbox.app import create_app


def workspace(tmp_path: Path) -> Workspace:
    root = tmp_path / "ws"
    init_workspace(root, markets=TMON_ONLY)
    config = root / "batch.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("rate_limit = 10", "rate_limit = 0"), encoding="utf-8")
    return load_workspace(root)


def workbook(path: Path, seed: int = 7) -> Path:
    return write_template(P.SPEC, path, product_rows(2, seed=seed))


def all_files(tmp_path: Path) -> set[Path]:
    return {p for p in tmp_path.rglob("*") if p.is_file() or p.is_symlink()}


class Env:
    def __init__(self, tmp_path: Path) -> None:
        self.ws = workspace(tmp_path)
        self.clock = AppClock(1_000.0)
        self.app = create_app(seed=1)

    def poll(self, advance: float = 0.0, **kw: Any) -> list[W.Outcome]:
        self.clock.now += advance
        return W.process_once(self.ws, now=self.clock, app=self.app, clock=FakeClock(), **kw)

    def settle(self) -> list[W.Outcome]:
        """Two polls: the first sees the files, the second (2 s later) takes them."""
        first = self.poll()
        return first + self.poll(W.DEFAULT_SETTLE)

    def folder(self, name: str) -> list[Path]:
        d = self.ws.root / name
        return sorted(d.iterdir()) if d.is_dir() else []


@pytest.fixture
def env(tmp_path: Path) -> Env:
    return Env(tmp_path)


# -- candidates --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "ok"),
    [
        ("상품 등록.xlsx", True),
        ("UPPER.XLSX", True),
        ("~$x.xlsx", False),
        (".~lock.x.xlsx#", False),
        (".hidden.xlsx", False),
        ("x.xlsx.crdownload", False),
        ("x.xlsx.part", False),
        ("x.xlsx.tmp", False),
        ("x.xlsx.download", False),
        ("x.csv", False),
        ("x.xls", False),
    ],
)
def test_is_candidate(tmp_path: Path, name: str, ok: bool) -> None:
    path = tmp_path / name
    path.write_bytes(b"PK")
    assert W.is_candidate(path) is ok


def test_is_candidate_rejects_symlinks_and_folders(tmp_path: Path) -> None:
    target = tmp_path / "real.xlsx"
    target.write_bytes(b"PK")
    link = tmp_path / "link.xlsx"
    link.symlink_to(target)
    (tmp_path / "dir.xlsx").mkdir()
    assert not W.is_candidate(link)
    assert not W.is_candidate(tmp_path / "dir.xlsx")
    assert not W.is_candidate(tmp_path / "missing.xlsx")


def test_safe_name_keeps_hangul_and_spaces() -> None:
    assert W.safe_name("상품 등록 (3월).xlsx") == "상품 등록 (3월).xlsx"
    cleaned = W.safe_name("..\\../etc/passwd ..xlsx")
    assert "/" not in cleaned and "\\" not in cleaned and ".." not in cleaned
    assert len(W.safe_name("가" * 300 + ".xlsx").encode()) <= 150


# -- settling and processing -------------------------------------------------------------------------------


def test_slowly_written_file_is_processed_once_after_it_settles(env: Env, tmp_path: Path) -> None:
    data = workbook(tmp_path / "src.xlsx").read_bytes()
    target = env.ws.inbox / "상품 등록.xlsx"
    chunks = [data[i : i + len(data) // 4 + 1] for i in range(0, len(data), len(data) // 4 + 1)]
    assert len(chunks) > 2
    with target.open("wb") as f:
        for chunk in chunks:
            f.write(chunk)
            f.flush()
            assert env.poll(advance=5.0) == []  # it changed since the last poll: not settled yet
    assert env.poll(advance=1.0) == []  # unchanged, but only for 1 s
    outcomes = env.poll(advance=1.0)
    assert [(o.source_name, o.kind, o.status) for o in outcomes] == [("상품 등록.xlsx", "products", "processed")]
    assert outcomes[0].result_path is not None and outcomes[0].result_path.parent == env.ws.outbox
    assert outcomes[0].result_path.is_file()
    assert list(env.ws.inbox.iterdir()) == []
    assert env.folder("processing") == []
    archived = env.folder("archive")
    assert len(archived) == 1 and archived[0].name.endswith("__상품 등록.xlsx")
    assert archived[0].read_bytes() == data
    assert env.poll(advance=10.0) == []  # nothing left: never twice


def test_lock_and_partial_files_are_ignored(env: Env, tmp_path: Path) -> None:
    data = workbook(tmp_path / "src.xlsx").read_bytes()
    for name in ("~$x.xlsx", ".~lock.x.xlsx#", "x.xlsx.crdownload", "x.xlsx.part"):
        (env.ws.inbox / name).write_bytes(data)
    assert env.settle() == []
    assert env.poll(advance=60.0) == []
    assert len(list(env.ws.inbox.iterdir())) == 4
    assert env.folder("archive") == [] and env.folder("failed") == []


def test_symlink_in_inbox_is_not_followed(env: Env, tmp_path: Path) -> None:
    target = workbook(tmp_path / "outside.xlsx")
    before = target.read_bytes()
    (env.ws.inbox / "link.xlsx").symlink_to(target)
    (outcome,) = env.settle()
    assert (outcome.status, outcome.result_path) == ("failed", None)
    assert outcome.moved_to is not None and outcome.moved_to.is_symlink()  # moved as a link, never opened
    assert list(env.ws.inbox.iterdir()) == []
    assert target.read_bytes() == before
    assert list(env.ws.outbox.iterdir()) == []


def test_odd_names_stay_inside_the_workspace(env: Env, tmp_path: Path) -> None:
    # a leading "." would make it a dotfile (ignored); ".." and "\\" inside the name must not escape
    names = ["상품..\\..\\등록 ..xlsx", "3월 신상품 목록.XLSX", "a..b .. c.xlsx"]
    for i, name in enumerate(names):
        workbook(tmp_path / f"src{i}.xlsx", seed=i + 1).rename(env.ws.inbox / name)
    before = all_files(tmp_path)
    outcomes = env.settle()
    assert sorted(o.source_name for o in outcomes) == sorted(names)
    assert {o.status for o in outcomes} == {"processed"}
    created = all_files(tmp_path) - before
    root = env.ws.root.resolve()
    assert created and all(p.resolve().is_relative_to(root) for p in created)
    for o in outcomes:
        assert o.result_path is not None and o.result_path.resolve().parent == env.ws.outbox.resolve()
    archived = env.folder("archive")
    assert len(archived) == 3
    assert all(".." not in p.name and "\\" not in p.name for p in archived)
    assert any(p.name.endswith("__3월 신상품 목록.XLSX") for p in archived)


def test_identical_redrop_is_skipped_with_a_note(env: Env, tmp_path: Path) -> None:
    data = workbook(tmp_path / "src.xlsx").read_bytes()
    (env.ws.inbox / "상품.xlsx").write_bytes(data)
    assert [o.status for o in env.settle()] == ["processed"]
    results = sorted(env.ws.outbox.iterdir())
    (env.ws.inbox / "상품 사본.xlsx").write_bytes(data)
    outcomes = env.settle()
    assert [(o.source_name, o.status) for o in outcomes] == [("상품 사본.xlsx", "duplicate")]
    assert sorted(env.ws.outbox.iterdir()) == results  # no new result, no marketplace call
    dup = outcomes[0].moved_to
    assert dup is not None and dup.parent == env.ws.root / "archive" and dup.read_bytes() == data
    note = dup.with_name(dup.name + ".txt").read_text(encoding="utf-8")
    assert "내용이 똑같아서" in note and "상품.xlsx" in note


def test_csv_renamed_xlsx_fails_with_reason_and_the_next_file_is_processed(env: Env, tmp_path: Path) -> None:
    (env.ws.inbox / "a 주문.xlsx").write_text("상품명,가격\n양말,1000\n", encoding="utf-8")
    workbook(tmp_path / "src.xlsx").rename(env.ws.inbox / "b 상품.xlsx")
    outcomes = env.settle()
    assert [(o.source_name, o.status) for o in outcomes] == [("a 주문.xlsx", "failed"), ("b 상품.xlsx", "processed")]
    failed = env.folder("failed")
    assert [p.name.endswith("__a 주문.xlsx") or p.name.endswith("__a 주문.xlsx.txt") for p in failed] == [True, True]
    note = next(p for p in failed if p.suffix == ".txt").read_text(encoding="utf-8")
    assert "[file-not-xlsx]" in note and NOT_XLSX_MESSAGES["csv"] in note
    assert outcomes[0].message == NOT_XLSX_MESSAGES["csv"]


def test_unexpected_error_fails_one_file_with_generic_reason(
    env: Env, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workbook(tmp_path / "src.xlsx").rename(env.ws.inbox / "상품.xlsx")
    real_run = W._run

    def boom(*a: Any) -> Any:
        raise RuntimeError("internal detail")

    monkeypatch.setattr(W, "_run", boom)
    assert [o.status for o in env.settle()] == ["failed"]
    note = next(p for p in env.folder("failed") if p.suffix == ".txt").read_text(encoding="utf-8")
    assert W.GENERIC_FAILURE in note and "internal detail" not in note
    monkeypatch.setattr(W, "_run", real_run)
    workbook(tmp_path / "src.xlsx").rename(env.ws.inbox / "상품 다시.xlsx")  # same bytes: not a duplicate
    assert [o.status for o in env.settle()] == ["processed"]


def test_racing_watchers_never_process_a_file_twice(env: Env, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    workbook(tmp_path / "src.xlsx").rename(env.ws.inbox / "상품.xlsx")
    assert env.poll() == []
    real_claim = W._claim
    other: list[W.Outcome] = []

    def claim_after_the_other_watcher(src: Path, processing: Path, token: str, name: str) -> Path | None:
        monkeypatch.setattr(W, "_claim", real_claim)
        other.extend(W.process_once(env.ws, now=env.clock, app=env.app, clock=FakeClock()))  # wins the race
        return real_claim(src, processing, token, name)  # src is gone: this watcher skips it

    monkeypatch.setattr(W, "_claim", claim_after_the_other_watcher)
    mine = env.poll(W.DEFAULT_SETTLE)
    assert mine == []
    assert [o.status for o in other] == ["processed"]
    assert len(list(env.ws.outbox.glob("*_결과_*.xlsx"))) == 1
    assert len(env.folder("archive")) == 1 and env.folder("failed") == [] and env.folder("processing") == []


def test_files_left_while_nothing_watched_are_picked_up(env: Env, tmp_path: Path) -> None:
    workbook(tmp_path / "a.xlsx", seed=1).rename(env.ws.inbox / "a.xlsx")
    workbook(tmp_path / "b.xlsx", seed=2).rename(env.ws.inbox / "b.xlsx")
    seen: list[str] = []
    W.watch(
        env.ws,
        once=True,
        settle_seconds=0.0,
        app=env.app,
        clock=FakeClock(),
        on_outcome=lambda o: seen.append(o.status),
    )
    assert seen == ["processed", "processed"]


def test_one_pass_is_handed_over_once_with_its_files_and_collections(env: Env, tmp_path: Path) -> None:
    """Files still settling get a second look within the same pass: one Pass holds both files and the three
    never-run collections; each file was claimed into processing/<token>/<its name> and nothing is left there."""
    workbook(tmp_path / "a.xlsx", seed=1).rename(env.ws.inbox / "가 상품.xlsx")
    workbook(tmp_path / "b.xlsx", seed=2).rename(env.ws.inbox / "나 상품.xlsx")
    passes: list[W.Pass] = []
    W.watch(
        env.ws,
        once=True,
        settle_seconds=0.1,
        schedule=W.Schedule(),
        app=env.app,
        clock=FakeClock(),
        on_pass=passes.append,
    )
    (one,) = passes
    assert [(o.source_name, o.status) for o in one.outcomes] == [
        ("가 상품.xlsx", "processed"),
        ("나 상품.xlsx", "processed"),
    ]
    assert [(r.job, r.ok) for r in one.runs] == [("orders", True), ("claims", True), ("inquiries", True)]
    assert one.news and not one.idle and one.archived == []
    assert [o.result_path.name.split("_결과_")[0] for o in one.outcomes if o.result_path] == ["가_상품", "나_상품"]
    assert env.folder("processing") == []
    W.watch(env.ws, once=True, settle_seconds=0.1, schedule=W.Schedule(), app=env.app, on_pass=passes.append)
    assert len(passes) == 1  # nothing dropped, nothing due: no pass to hand over


def test_watch_stops_when_the_event_is_set(env: Env) -> None:
    import threading

    stop = threading.Event()
    stop.set()
    W.watch(env.ws, stop=stop, poll=0.01)  # returns at once
    assert not os.path.exists(env.ws.root / "processing")


# -- schedule ----------------------------------------------------------------------------------------------


def test_schedule_due_after_interval_and_recorded(env: Env) -> None:
    clock = AppClock(0.0)
    schedule = W.Schedule().bind(env.ws)
    assert schedule.due(clock()) == ["orders", "claims", "inquiries"]  # never run: due at once
    for job in ("orders", "claims", "inquiries"):
        schedule.record(job, clock(), True)
    clock.now += 2 * 3600 - 1
    assert schedule.due(clock()) == []
    clock.now += 1
    assert schedule.due(clock()) == ["orders", "claims", "inquiries"]
    runs = schedule.run_due(env.ws, clock(), app=env.app, clock=FakeClock())
    assert [(r.job, r.ok) for r in runs] == [("orders", True), ("claims", True), ("inquiries", True)]
    assert all(r.export is not None and r.export.parent == env.ws.outbox for r in runs)
    assert schedule.last_run("orders") == clock()
    assert schedule.due(clock() + 10) == []
    again = W.Schedule().bind(env.ws)  # state survives a restart
    assert again.due(clock() + 2 * 3600) == ["orders", "claims", "inquiries"]


def test_schedule_per_job_intervals(env: Env) -> None:
    schedule = W.Schedule(every={"orders": 600.0, "inquiries": 3600.0}).bind(env.ws)
    assert schedule.due(0.0) == ["orders", "inquiries"]  # never run: due at once
    schedule.record("orders", 0.0, True)
    schedule.record("inquiries", 0.0, True)
    assert schedule.due(599.0) == []
    assert schedule.due(600.0) == ["orders"]
    schedule.record("orders", 600.0, True)
    assert schedule.due(1200.0) == ["orders"]
    assert schedule.due(3600.0) == ["orders", "inquiries"]
    assert schedule.last_run("claims") is None


def test_sigterm_lets_the_loop_finish_and_restores_the_handler(env: Env) -> None:
    import signal
    import threading

    before = signal.getsignal(signal.SIGTERM)
    timer = threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGTERM))
    timer.start()
    W.watch(env.ws, poll=0.02)  # returns only because SIGTERM set the stop event
    timer.join()
    assert signal.getsignal(signal.SIGTERM) == before


def test_every_dropped_file_gets_an_answer(env: Env, tmp_path: Path) -> None:
    """Only lock files and downloads in progress stay in inbox/; everything else is processed or moved to failed/
    with a Korean note saying why (a link moved as a link, never followed)."""
    inbox = env.ws.inbox
    secret = tmp_path / "secret.xlsx"
    workbook(secret)
    left_alone = ["~$상품.xlsx", ".~lock.상품.xlsx#", "주문.xlsx.crdownload", "주문.xlsx.part"]
    refused = {
        "예전 파일.xls": "예전 엑셀 형식(.xls)",
        "매크로.xlsm": "'.xlsm' 형식은 처리하지 않습니다",
        "주문서.xlsx.exe": "확장자가 두 개",
        "끝에 빈칸.xlsx ": "빈칸이 있습니다",
        ".숨김.xlsx": "점(.)으로 시작하는 숨김 파일",
        "메모.txt": "엑셀 통합 문서(.xlsx)만 처리합니다",
        "링크.xlsx": "링크는 따라가지 않고",
        "폴더": "폴더는 처리하지 않습니다",
    }
    for name in [*left_alone, *refused]:
        if name == "링크.xlsx":
            (inbox / name).symlink_to(secret)
        elif name == "폴더":
            (inbox / name).mkdir()
            workbook(inbox / name / "안쪽.xlsx")
        else:
            (inbox / name).write_bytes(b"PK\x03\x04 whatever")
    workbook(inbox / unicodedata.normalize("NFD", "신상품.xlsx"))  # a name from macOS: decomposed Hangul

    outcomes = env.settle()
    assert sorted(p.name for p in inbox.iterdir()) == sorted(left_alone)
    by_name = {o.source_name: o for o in outcomes}
    assert by_name[unicodedata.normalize("NFD", "신상품.xlsx")].status == "processed"
    for name, why in refused.items():
        assert by_name[name].status == "failed" and why in by_name[name].message, name
    failed = env.folder("failed")
    names = {p.name for p in failed}
    notes = {p.name: p.read_text(encoding="utf-8") for p in failed if p.name.removesuffix(".txt") in names - {p.name}}
    assert len(notes) == len(refused)
    moved_link = next(p for p in failed if p.name.endswith("__링크.xlsx"))
    assert moved_link.is_symlink() and moved_link.resolve() == secret.resolve()  # moved as a link; target untouched
    assert secret.exists()
    # a result named from a macOS (NFD) name keeps its Hangul
    when = dt.datetime(2026, 12, 2, 9, 0)
    assert output_stem(Path(unicodedata.normalize("NFD", "신상품 3월.xlsx")), when) == "신상품_3월_결과_20261202-090000"


def test_an_undecodable_file_name_is_answered_and_never_stops_the_pass(env: Env) -> None:
    """A CP949 name unpacked on Linux (not UTF-8) goes to failed/ with a note; the good file beside it is processed."""
    raw = os.fsdecode("주문".encode("cp949") + b".xlsx")
    (env.ws.inbox / raw).write_bytes(b"PK\x03\x04 whatever")
    workbook(env.ws.inbox / "좋은파일.xlsx")
    outcomes = env.settle()
    by_status = {o.status: o for o in outcomes}
    assert by_status["processed"].source_name == "좋은파일.xlsx"
    refused = by_status["failed"]
    assert refused.source_name == os.fsencode(raw).decode("utf-8", "backslashreplace")  # shown, never raw bytes
    assert refused.message.startswith("파일 이름에 읽을 수 없는 글자가 있습니다")
    assert list(env.ws.inbox.iterdir()) == []
