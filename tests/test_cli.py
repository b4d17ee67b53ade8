"""The console commands: help texts, exit codes, output paths."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from batch.cli import cli
from batch.exporters.template import write_template
from batch.importers.products import SPEC
from batch.jobs.samples import product_rows


def test_every_command_has_help_text() -> None:
    assert sorted(cli.commands) == [
        "accounts",
        "collect",
        "demo",
        "init",
        "run",
        "sandbox",
        "stats",
        "template",
        "validate",
        "watch",
    ]
    for name, command in cli.commands.items():
        assert command.help, f"{name} has no help text"


def test_watch_once_processes_the_inbox(tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    src = write_template(SPEC, tmp_path / "상품 등록.xlsx", product_rows(2))
    old = 1_700_000_000
    os.utime(src, (old, old))
    src.rename(ws / "inbox" / "상품 등록.xlsx")
    result = CliRunner().invoke(cli, ["-w", str(ws), "watch", "--once"])
    assert result.exit_code == 0, result.output
    assert "상품 등록.xlsx: 상품 파일을 처리했습니다." in result.output.splitlines()
    assert len(list((ws / "outbox" / "reports").glob("*상품대량등록*.eml"))) == 1


def test_help_does_not_import_the_heavy_libraries() -> None:
    code = "import sys, batch.cli; print(sorted(m for m in ('pandas','pandera','openpyxl','xlsxwriter') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def _workspace(tmp_path: Path) -> Path:
    result = CliRunner().invoke(cli, ["init", str(tmp_path / "ws")])
    assert result.exit_code == 0, result.output
    return tmp_path / "ws"


def test_validate_clean_file_exits_0_and_writes_result(tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    src = write_template(SPEC, tmp_path / "good.xlsx", product_rows(3))
    result = CliRunner().invoke(cli, ["-w", str(ws), "validate", str(src)])
    assert result.exit_code == 0, result.output
    assert "성공 3" in result.output
    outs = sorted((ws / "outbox").glob("good_결과_*.xlsx"))
    assert len(outs) == 1 and "재업로드용" not in outs[0].name


def test_validate_row_errors_exit_1_and_json(tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    rows = product_rows(2)
    rows["상품"][1]["price"] = "3만원"
    src = write_template(SPEC, tmp_path / "bad.xlsx", rows)
    result = CliRunner().invoke(cli, ["-w", str(ws), "validate", "--json", str(src)])
    assert result.exit_code == 1, result.output
    data = json.loads(result.output)
    assert [(p["sheet"], p["row"], p["column"], p["code"]) for p in data["problems"]] == [
        ("상품", 4, "대표가격", "not-integer")
    ]
    assert data["rows"] == {"건너뜀": 1, "성공": 1, "오류": 1}
    assert Path(data["reupload"]).exists()


def test_validate_refused_file_exits_2_with_one_korean_sentence(tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    bad = tmp_path / "orders.xlsx"
    bad.write_text("주문번호,송장번호\n1,2\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["-w", str(ws), "validate", str(bad)])
    assert result.exit_code == 2
    assert result.output.startswith("오류: ")
    assert "Traceback" not in result.output
    assert list((ws / "outbox").iterdir()) == []


def test_unexpected_crash_shows_no_traceback_without_verbose(tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    (ws / "batch.toml").write_text("[seller\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["-w", str(ws), "validate", str(tmp_path / "x.xlsx")])
    assert result.exit_code == 1
    assert "batch.toml" in result.output and "Traceback" not in result.output


def test_template_command_writes_a_readable_template(tmp_path: Path) -> None:
    out = tmp_path / "t.xlsx"
    result = CliRunner().invoke(cli, ["template", "products", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert openpyxl.load_workbook(out).sheetnames[0] == "상품"


def test_demo_prints_the_result_path(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["demo", "-d", str(tmp_path / "demo")])
    assert result.exit_code == 0, result.output
    last = Path(result.output.strip().splitlines()[-1])
    assert last.is_absolute() and last.exists() and last.parent == (tmp_path / "demo" / "outbox")
    assert "오류 2" in result.output


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["frobnicate"], "오류: 명령을 찾을 수 없습니다: 'frobnicate'. 'batch --help'로 명령 목록을 확인해 주세요."),
        (["validate", "--foo"], "오류: 없는 옵션입니다: --foo. 명령 뒤에 --help 를 붙여 옵션을 확인해 주세요."),
        (["run"], "오류: PATH 값이 빠졌습니다. 명령 뒤에 --help 를 붙여 쓰는 법을 확인해 주세요."),
        (["run", "{tmp}"], "오류: '{tmp}'은(는) 폴더입니다. 폴더가 아니라 파일 경로를 넣어 주세요."),
    ],
)
def test_usage_errors_are_korean(tmp_path: Path, args: list[str], expected: str) -> None:
    args = [a.format(tmp=tmp_path) for a in args]
    result = CliRunner().invoke(cli, ["-w", str(tmp_path), *args])
    assert result.exit_code == 2
    assert result.output.strip() == expected.format(tmp=tmp_path)


def test_invisible_characters_are_shown_in_messages() -> None:
    from batch.report import Problem, Report, Severity, visible

    assert visible("상품\u202eA\u200bB\x07") == "상품⟨U+202E⟩A⟨U+200B⟩B⟨U+0007⟩"
    assert visible(unicodedata.normalize("NFD", "신상품")) == "신상품"
    report = Report()
    report.add(Problem("상품", 3, "상품명", "x", Severity.ERROR, "'exe\u202excod.xlsx'는 안 됩니다."))
    assert report.problems[0].message == "'exe⟨U+202E⟩xcod.xlsx'는 안 됩니다."


def test_commands_find_the_workspace_upwards_and_never_make_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from batch.jobs.init import init_workspace

    typo = tmp_path / "wrokspace"
    typo.mkdir()
    book = write_template(SPEC, tmp_path / "상품.xlsx", product_rows(1))
    refused = CliRunner().invoke(cli, ["-w", str(typo), "validate", str(book)])
    assert refused.exit_code == 1
    assert refused.output.strip() == (
        f"오류: 작업 폴더를 찾지 못했습니다: {typo}와(과) 그 위 폴더에 batch.toml이 없습니다. "
        "'batch init 폴더'로 작업 폴더를 만들거나, -w 로 작업 폴더를 지정해 주세요."
    )
    assert list(typo.iterdir()) == []  # no outbox/, no state/ made in a mistyped folder

    ws = init_workspace(tmp_path / "ws", markets=("tmon",))
    monkeypatch.chdir(ws.inbox)  # staff working inside the workspace's inbox/
    monkeypatch.delenv("BATCH_WORKSPACE", raising=False)
    found = CliRunner().invoke(cli, ["validate", str(book)])
    assert found.exit_code == 0, found.output
    assert len(list(ws.outbox.glob("상품_결과_*.xlsx"))) == 1


def test_watch_once_exits_non_zero_when_a_file_was_refused(tmp_path: Path) -> None:
    from batch.jobs.init import init_workspace

    ws = init_workspace(tmp_path / "ws", markets=("tmon",))
    old = ws.inbox / "예전.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    os.utime(old, (0, 0))
    done = CliRunner().invoke(cli, ["-w", str(ws.root), "watch", "--once"])
    assert done.exit_code == 1, done.output
    assert "예전 엑셀 형식(.xls)" in done.output
    assert list(ws.inbox.iterdir()) == []
