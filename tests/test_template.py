"""The generated template: committed copy, sheets, headers, dropdowns, guide and hidden meta."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from batch.exporters.committed import ROOT, TEMPLATES, template_name, write_all
from batch.importers.products import EXAMPLE_CODE, SPEC
from batch.report import CODES
from batch.sheetspec import GUIDE_SHEET, LISTS_SHEET, META_SHEET


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_all(tmp_path_factory.mktemp("tpl"))[0]


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def test_committed_templates_match_the_generator(tmp_path: Path) -> None:
    for spec, fresh in zip(TEMPLATES, write_all(tmp_path), strict=True):
        committed = ROOT / template_name(spec)
        assert committed.exists(), "run `make templates` and commit templates/xlsx/"
        assert _parts(committed) == _parts(fresh), "templates/xlsx is stale: run `make templates`"


def test_sheets_and_hidden_meta(template: Path) -> None:
    wb = openpyxl.load_workbook(template)
    assert wb.sheetnames == [
        "상품",
        "옵션조합",
        "추가상품",
        "품목고시",
        "판매정보",
        GUIDE_SHEET,
        LISTS_SHEET,
        META_SHEET,
    ]
    assert wb[META_SHEET].sheet_state == "hidden"
    assert wb[LISTS_SHEET].sheet_state == "hidden"
    meta = {r[0]: r[1] for r in wb[META_SHEET].iter_rows(values_only=True)}
    assert (meta["kind"], meta["version"]) == ("products", "1")


def test_main_sheet_headers_required_marks_and_example(template: Path) -> None:
    ws = openpyxl.load_workbook(template)["상품"]
    headers = [c.value for c in ws[1]]
    assert headers[:4] == ["자체상품코드*", "상품명*", "상품상태*", "카테고리*"]
    assert "모델명" in headers and "인증유형5" in headers and "옵션값3" in headers
    assert ws["A2"].value == EXAMPLE_CODE
    assert ws.freeze_panes == "B2"
    # code columns are text-formatted so Excel keeps leading zeros
    assert ws.column_dimensions["A"].number_format == "@"


def test_dropdowns_come_from_the_hidden_list_sheet(template: Path) -> None:
    ws = openpyxl.load_workbook(template)["상품"]
    formulas = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation if dv.type == "list"}
    status_col = "C2:C100001"
    assert formulas[status_col].startswith(f"'{LISTS_SHEET}'!$")
    assert all(LISTS_SHEET in f for f in formulas.values()), "lists are never inline"
    lengths = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation if dv.type == "textLength"}
    assert lengths["A2:A100001"] == "10"
    prompts = {str(dv.sqref): dv.prompt for dv in ws.data_validations.dataValidation}
    assert "다시 올릴 때" in prompts["A1"]


def test_guide_lists_every_column_and_every_code(template: Path) -> None:
    ws = openpyxl.load_workbook(template)[GUIDE_SHEET]
    texts = {str(c.value) for row in ws.iter_rows() for c in row if c.value is not None}
    for sheet in SPEC.sheets:
        assert f"[{sheet.name}] 시트" in texts
        for col in sheet.columns:
            assert col.header in texts
    assert set(CODES) <= texts


def test_a_workbook_appears_under_its_name_only_when_written_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write that fails halfway (a kill, a full disk) leaves neither a half workbook under the name staff open
    nor a stray .part; a whole one leaves only the workbook."""
    import batch.exporters.template as T

    path = tmp_path / "outbox" / "주문_20261203_0155.xlsx"
    T.write_template(SPEC, path)
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]
    assert openpyxl.load_workbook(path).sheetnames[0] == SPEC.sheets[0].name

    real = T.new_workbook

    def cut_short(target: Path, **kw: Any) -> Any:  # the zip is half written when the disk fills
        wb = real(target, **kw)

        def close() -> None:
            Path(wb.filename).write_bytes(b"PK\x03\x04" + b"\0" * 100)
            raise OSError(28, "No space left on device")

        wb.close = close
        return wb

    other = path.with_name("클레임_20261203_0155.xlsx")
    monkeypatch.setattr(T, "new_workbook", cut_short)
    with pytest.raises(OSError):
        T.write_template(SPEC, other)
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]
