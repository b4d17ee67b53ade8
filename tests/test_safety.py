"""The file-level gate in batch.importers.safety: one test per refusal code, then what it accepts."""

from __future__ import annotations

import re
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from helpers import resave_with_libreoffice
from hostile import (
    BILLION_LAUGHS,
    EXTERNAL_LINK,
    FAKE_VBA,
    MAIN_NS,
    STRICT_NS,
    XXE,
    append_empty_entries,
    append_zeros,
    biff_workbook,
    cfb,
    patch_central_directory,
    replace_bytes,
    rewrite,
    with_prolog,
)
from openpyxl.styles import Font

from batch.errors import FileRefused
from batch.importers import safety
from batch.importers.safety import MESSAGES, NOT_XLSX_MESSAGES, inspect_workbook

SHEET1 = "xl/worksheets/sheet1.xml"


# --- fixture helpers -------------------------------------------------------------------------------


def book(path: Path, rows: int = 3) -> Path:
    """A plain openpyxl workbook: '상품' with a header and rows, a hidden and a very hidden sheet."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "상품"
    ws.append(["상품명", "판매가", "재고"])
    for r in range(rows):
        ws.append([f"상품 {r}", 1000 + r, r])
    hidden = wb.create_sheet("_양식정보")
    hidden["A1"] = "kind"
    hidden.sheet_state = "hidden"
    very = wb.create_sheet("_목록")
    very["A1"] = "x"
    very.sheet_state = "veryHidden"
    wb.save(path)
    return path


def refused(path: Path) -> FileRefused:
    with pytest.raises(FileRefused) as exc:
        inspect_workbook(path)
    return exc.value


# --- one builder per refusal code ------------------------------------------------------------------


def make_missing(tmp: Path) -> Path:
    return tmp / "없는파일.xlsx"


def make_empty(tmp: Path) -> Path:
    (tmp / "empty.xlsx").write_bytes(b"")
    return tmp / "empty.xlsx"


def make_xls(tmp: Path) -> Path:
    (tmp / "old.xlsx").write_bytes(
        cfb({"Workbook": biff_workbook(filepass=False)}, sector_data=biff_workbook(filepass=False))
    )
    return tmp / "old.xlsx"


def make_encrypted(tmp: Path) -> Path:
    (tmp / "locked.xlsx").write_bytes(cfb({"EncryptionInfo": b"", "EncryptedPackage": b""}))
    return tmp / "locked.xlsx"


def make_csv(tmp: Path) -> Path:
    (tmp / "export.xlsx").write_text("상품명,판매가,재고\n무선 이어폰,39000,12\n", encoding="utf-8")
    return tmp / "export.xlsx"


def make_truncated(tmp: Path) -> Path:
    full = book(tmp / "full.xlsx", rows=300).read_bytes()
    (tmp / "cut.xlsx").write_bytes(full[: len(full) // 2])
    return tmp / "cut.xlsx"


def make_many_entries(tmp: Path) -> Path:
    path = book(tmp / "many.xlsx")
    append_empty_entries(path, safety.MAX_ENTRIES + 1)
    return path


def make_zip_bomb(tmp: Path) -> Path:
    """64 MiB of zeros streamed in 1 MiB chunks (never held in memory): ratio about 1000:1."""
    path = book(tmp / "bomb.xlsx")
    append_zeros(path, 64 << 20)
    return path


def make_macro(tmp: Path) -> Path:
    return rewrite(book(tmp / "src.xlsx"), tmp / "macro.xlsx", add={"xl/vbaProject.bin": FAKE_VBA})


def make_strict(tmp: Path) -> Path:
    return rewrite(
        book(tmp / "src.xlsx"), tmp / "strict.xlsx", change={"xl/workbook.xml": replace_bytes(MAIN_NS, STRICT_NS)}
    )


def make_external_link(tmp: Path) -> Path:
    return rewrite(
        book(tmp / "src.xlsx"), tmp / "linked.xlsx", add={"xl/externalLinks/externalLink1.xml": EXTERNAL_LINK}
    )


def make_billion_laughs(tmp: Path) -> Path:
    return rewrite(book(tmp / "src.xlsx"), tmp / "laughs.xlsx", change={SHEET1: with_prolog(BILLION_LAUGHS)})


def make_zip_of_photos(tmp: Path) -> Path:
    """An intact zip that is not a workbook (photos zipped and renamed .xlsx)."""
    path = tmp / "사진모음.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("IMG_0001.jpg", b"\xff\xd8\xff\xe0 not really a photo")
        zf.writestr("메모.txt", "상품 사진입니다")
    return path


BUILDERS: dict[str, Callable[[Path], Path]] = {
    "file-missing": make_missing,
    "file-empty": make_empty,
    "file-xls": make_xls,
    "file-encrypted": make_encrypted,
    "file-not-xlsx": make_csv,
    "file-corrupt": make_truncated,
    "file-zip-not-workbook": make_zip_of_photos,
    "file-too-many-entries": make_many_entries,
    "file-zip-bomb": make_zip_bomb,
    "file-macro": make_macro,
    "file-strict-ooxml": make_strict,
    "file-external-links": make_external_link,
    "file-xml-entities": make_billion_laughs,
}

# Product and format names may stay as they are; anything else in Latin letters would be English.
ALLOWED_LATIN = re.compile(
    r"Excel|LibreOffice|OpenDocument|PowerPoint|Word|Strict|Open|XML|CSV|HTML|PDF|GB|xlsx|xlsm|xlsb|xls|ods"
)


def assert_plain_korean(message: str) -> None:
    assert re.search("[가-힣]", message), message
    assert message.rstrip().endswith("주세요."), message  # always ends by saying what to do next
    assert not re.search(r"[A-Za-z]{2,}", ALLOWED_LATIN.sub("", message)), message
    assert "Traceback" not in message and "Error" not in message


@pytest.mark.parametrize("code", list(BUILDERS))
def test_each_problem_has_its_code(tmp_path: Path, code: str) -> None:
    err = refused(BUILDERS[code](tmp_path))
    assert err.code == code
    assert_plain_korean(err.message)


def test_messages_are_korean_and_pairwise_distinct(tmp_path: Path) -> None:
    messages: dict[str, str] = {}
    for code, build in BUILDERS.items():
        folder = tmp_path / code
        folder.mkdir()
        messages[code] = refused(build(folder)).message
    assert set(messages) == set(MESSAGES)
    everything = list(messages.values()) + list(NOT_XLSX_MESSAGES.values()) + list(MESSAGES.values())
    assert len(set(everything)) == len(set(MESSAGES.values())) + len(NOT_XLSX_MESSAGES)
    assert len(set(messages.values())) == len(messages)
    for message in everything:
        assert_plain_korean(message)


# --- details per code ------------------------------------------------------------------------------


def test_directory_is_refused_as_missing(tmp_path: Path) -> None:
    assert refused(tmp_path).code == "file-missing"


def test_bare_cfb_header_is_an_old_xls(tmp_path: Path) -> None:
    header = cfb({})[:512]
    (tmp_path / "a.xlsx").write_bytes(header)
    assert refused(tmp_path / "a.xlsx").code == "file-xls"


def test_encrypted_name_found_even_when_the_directory_is_unreadable(tmp_path: Path) -> None:
    broken = bytearray(cfb({}))
    struct.pack_into("<H", broken, 0x1E, 7)  # impossible sector size: the directory cannot be followed
    broken += b"\x00" * 100 + "EncryptedPackage".encode("utf-16-le")
    (tmp_path / "a.xlsx").write_bytes(bytes(broken))
    assert refused(tmp_path / "a.xlsx").code == "file-encrypted"


def test_password_protected_xls_is_encrypted_not_xls(tmp_path: Path) -> None:
    stream = biff_workbook(filepass=True)
    (tmp_path / "a.xls").write_bytes(cfb({"Workbook": stream}, sector_data=stream))
    assert refused(tmp_path / "a.xls").code == "file-encrypted"


def test_word_document_in_cfb_is_not_xlsx(tmp_path: Path) -> None:
    (tmp_path / "a.xlsx").write_bytes(cfb({"WordDocument": b""}))
    err = refused(tmp_path / "a.xlsx")
    assert (err.code, err.message) == ("file-not-xlsx", NOT_XLSX_MESSAGES["word"])


@pytest.mark.parametrize(
    ("content", "variant"),
    [
        ("상품명,판매가\n이어폰,39000\n".encode("cp949"), "csv"),
        ("상품명\t판매가\n이어폰\t39000\n".encode("utf-16"), "csv"),
        (b"<!DOCTYPE html><html><body><table><tr><td>1</td></tr></table></body></html>", "html"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "pdf"),
        ("그냥 메모입니다\n두 번째 줄\n".encode(), "text"),
        (
            b'<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"></Workbook>',
            "xml2003",
        ),
        (bytes(range(256)) * 4, None),
    ],
)
def test_not_a_zip_says_what_it_looks_like(tmp_path: Path, content: bytes, variant: str | None) -> None:
    (tmp_path / "a.xlsx").write_bytes(content)
    err = refused(tmp_path / "a.xlsx")
    assert err.code == "file-not-xlsx"
    assert err.message == (NOT_XLSX_MESSAGES[variant] if variant else MESSAGES["file-not-xlsx"])


@pytest.mark.parametrize(
    ("member", "variant"),
    [("xl/workbook.bin", "xlsb"), ("word/document.xml", "word"), ("content.xml", "ods")],
)
def test_other_office_zips_are_not_xlsx(tmp_path: Path, member: str, variant: str) -> None:
    with zipfile.ZipFile(tmp_path / "a.xlsx", "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr(member, b"<x/>")
    err = refused(tmp_path / "a.xlsx")
    assert (err.code, err.message) == ("file-not-xlsx", NOT_XLSX_MESSAGES[variant])


def test_corrupt_variants(tmp_path: Path) -> None:
    src = book(tmp_path / "src.xlsx", rows=2000)
    # a zip without the workbook part
    assert refused(rewrite(src, tmp_path / "a.xlsx", change={"xl/workbook.xml": lambda _: None})).code == "file-corrupt"
    # a flipped byte inside the compressed sheet: bad CRC or bad deflate data
    raw = bytearray(src.read_bytes())
    with zipfile.ZipFile(src) as zf:
        info = zf.getinfo(SHEET1)
    middle = info.header_offset + 30 + len(info.filename) + len(info.extra) + info.compress_size // 2
    raw[middle] ^= 0xFF
    (tmp_path / "b.xlsx").write_bytes(bytes(raw))
    assert refused(tmp_path / "b.xlsx").code == "file-corrupt"
    # only the first bytes of a zip (a download cut very short)
    (tmp_path / "c.xlsx").write_bytes(src.read_bytes()[:100])
    assert refused(tmp_path / "c.xlsx").code == "file-corrupt"
    # a sheet that claims to be shorter than it is: reading stops at the declared size, CRC fails
    small = rewrite(src, tmp_path / "d.xlsx")
    patch_central_directory(small, {SHEET1: 100})
    assert refused(small).code == "file-corrupt"


def test_too_many_entries_even_when_the_end_record_lies(tmp_path: Path) -> None:
    path = make_many_entries(tmp_path)
    raw = bytearray(path.read_bytes())
    p = raw.rfind(b"PK\x05\x06")
    struct.pack_into("<HH", raw, p + 8, 5, 5)  # claim 5 entries: the walk counts the records anyway
    (tmp_path / "lying.xlsx").write_bytes(bytes(raw))
    assert refused(tmp_path / "lying.xlsx").code == "file-too-many-entries"


def test_declared_sizes_over_one_gib_in_total_are_a_bomb(tmp_path: Path) -> None:
    path = book(tmp_path / "a.xlsx")
    names = [f"xl/media/image{i}.png" for i in range(90)]
    with zipfile.ZipFile(path, "a", zipfile.ZIP_STORED) as zf:
        for name in names:
            zf.writestr(name, b"x")
    patch_central_directory(path, dict.fromkeys(names, 15 << 20))  # each under 16 MiB, 1.3 GiB in total
    assert refused(path).code == "file-zip-bomb"


def test_one_entry_declaring_a_gigabyte_is_a_bomb(tmp_path: Path) -> None:
    path = book(tmp_path / "a.xlsx")
    patch_central_directory(path, {SHEET1: 1_000_000_000})
    assert refused(path).code == "file-zip-bomb"


def test_macro_content_type_without_vba_part(tmp_path: Path) -> None:
    main = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
    macro = b"application/vnd.ms-excel.sheet.macroEnabled.main+xml"
    path = rewrite(
        book(tmp_path / "src.xlsx"), tmp_path / "m.xlsx", change={"[Content_Types].xml": replace_bytes(main, macro)}
    )
    assert refused(path).code == "file-macro"


def test_external_relationship_in_workbook_rels(tmp_path: Path) -> None:
    rel = (
        b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/externalLink" Target="externalLinks/externalLink1.xml"/>'
    )
    other = b'<Relationship Id="rId98" Type="urn:x" Target="file:///C:/other.xlsx" TargetMode="External"/>'
    src = book(tmp_path / "src.xlsx")
    for i, extra in enumerate((rel, other)):
        path = rewrite(
            src,
            tmp_path / f"r{i}.xlsx",
            change={"xl/_rels/workbook.xml.rels": replace_bytes(b"</Relationships>", extra + b"</Relationships>")},
        )
        assert refused(path).code == "file-external-links"


@pytest.mark.parametrize(
    ("member", "change"),
    [
        (SHEET1, with_prolog(XXE)),
        ("[Content_Types].xml", with_prolog(BILLION_LAUGHS)),
        ("xl/workbook.xml", with_prolog(XXE)),
        ("xl/_rels/workbook.xml.rels", with_prolog(XXE)),
        ("_rels/.rels", with_prolog(BILLION_LAUGHS)),
        ("xl/styles.xml", with_prolog(XXE)),
        ("docProps/core.xml", with_prolog(BILLION_LAUGHS)),
        # a comment holding "<a" must not pass for the root element
        (SHEET1, with_prolog(b"<!-- <a> -->" + BILLION_LAUGHS)),
        # 70 KiB of comments before the root: nothing is allowed to hide past 64 KiB
        (SHEET1, with_prolog(b"<!--" + b" " * (70 << 10) + b"-->")),
        # UTF-7 would let "+ADw-!DOCTYPE" through a byte scan
        (SHEET1, with_prolog(b"", b'<?xml version="1.0" encoding="UTF-7"?>')),
        # the same DOCTYPE in UTF-16
        (SHEET1, lambda xml: ('<?xml version="1.0" encoding="UTF-16"?>' + XXE.decode()).encode("utf-16") + b"<\x00"),
    ],
)
def test_dtd_and_entities_are_refused_in_any_part(
    tmp_path: Path, member: str, change: Callable[[bytes], bytes]
) -> None:
    path = rewrite(book(tmp_path / "src.xlsx"), tmp_path / "x.xlsx", change={member: change})
    assert refused(path).code == "file-xml-entities"


def test_dtd_in_shared_strings_prolog(tmp_path: Path) -> None:
    path = tmp_path / "s.xlsx"
    with xlsxwriter.Workbook(str(path)) as wb:
        wb.add_worksheet("상품").write_string(0, 0, "상품명")
    out = rewrite(path, tmp_path / "t.xlsx", change={"xl/sharedStrings.xml": with_prolog(BILLION_LAUGHS)})
    assert refused(out).code == "file-xml-entities"


# --- what the gate accepts -------------------------------------------------------------------------


def test_normal_workbook_sheets_parts_and_hidden(tmp_path: Path) -> None:
    info = inspect_workbook(book(tmp_path / "a.xlsx", rows=10))
    assert info.sheet_names == ["상품", "_양식정보", "_목록"]
    assert info.sheet_parts == {
        "상품": "xl/worksheets/sheet1.xml",
        "_양식정보": "xl/worksheets/sheet2.xml",
        "_목록": "xl/worksheets/sheet3.xml",
    }
    assert info.hidden == frozenset({"_양식정보", "_목록"})
    assert info.sparse == frozenset()
    assert (info.max_col["상품"], info.last_row["상품"], info.row_count["상품"]) == (3, 11, 11)


def test_xlsxwriter_workbook_with_comments_and_validation_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    with xlsxwriter.Workbook(str(path)) as wb:
        ws = wb.add_worksheet("상품")
        ws.write_row(0, 0, ["상품명", "판매가"])
        ws.write_comment(0, 0, "필수 입력")
        ws.data_validation(1, 1, 100, 1, {"validate": "integer", "criteria": ">", "value": 0})
        ws.write_url(1, 0, "https://example.com", string="링크")
        wb.add_worksheet("_양식정보").hide()
    info = inspect_workbook(path)
    assert info.sheet_names == ["상품", "_양식정보"]
    assert info.hidden == frozenset({"_양식정보"})
    assert info.sparse == frozenset()


def test_libreoffice_resave_is_accepted(tmp_path: Path) -> None:
    src = book(tmp_path / "src.xlsx", rows=50)
    out = resave_with_libreoffice(src, tmp_path / "out", tmp_path / "profile").parent
    info = inspect_workbook(out / "src.xlsx")
    assert info.sheet_names == ["상품", "_양식정보", "_목록"]
    assert info.hidden == frozenset({"_양식정보", "_목록"})
    assert info.sparse == frozenset()
    assert (info.max_col["상품"], info.last_row["상품"], info.row_count["상품"]) == (3, 51, 51)


def test_value_at_xfd1048576_makes_the_sheet_sparse(tmp_path: Path) -> None:
    path = book(tmp_path / "a.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["상품"]["XFD1048576"] = "x"
    wb.save(path)
    info = inspect_workbook(path)
    assert info.sparse == frozenset({"상품"})
    assert (info.max_col["상품"], info.last_row["상품"]) == (16384, 1048576)


def test_styled_empty_far_cell_is_fine_either_way_and_5000_rows_are_not_sparse(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "상품"
    for r in range(1, 5001):
        ws.append([f"상품 {r}", r, r * 10, "Y", None, "메모"])
    styled = wb.create_sheet("서식")
    styled["A1"] = "a"
    styled["XFD1048576"].font = Font(bold=True)
    wb.save(tmp_path / "a.xlsx")
    info = inspect_workbook(tmp_path / "a.xlsx")
    assert "상품" not in info.sparse
    assert (info.max_col["상품"], info.last_row["상품"], info.row_count["상품"]) == (6, 5000, 5000)
    assert "서식" in info.sheet_names  # sparse or not: both are safe for a styled empty cell


SHEET_TEMPLATE = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<x:worksheet xmlns:x="' + MAIN_NS + b'"><x:sheetData>%s</x:sheetData></x:worksheet>'
)


@pytest.mark.parametrize(
    ("rows", "sparse", "max_col"),
    [
        # a namespace prefix on every element (OpenXML SDK style)
        (b'<x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c><x:c r="XFD1"><x:v>2</x:v></x:c></x:row>', True, 16384),
        # r is not the first attribute, single quotes
        (b"<x:row r='1'><x:c s='1' r='ZZ1' t='n'><x:v>1</x:v></x:c></x:row>", True, 702),
        # cells without r: rows are counted, columns are unknown but harmless
        (b"<x:row><x:c><x:v>1</x:v></x:c></x:row><x:row><x:c><x:v>2</x:v></x:c></x:row>", False, 0),
    ],
)
def test_unusual_writers(tmp_path: Path, rows: bytes, sparse: bool, max_col: int) -> None:
    path = rewrite(book(tmp_path / "src.xlsx"), tmp_path / "u.xlsx", change={SHEET1: lambda _: SHEET_TEMPLATE % rows})
    info = inspect_workbook(path)
    assert ("상품" in info.sparse) is sparse
    assert info.max_col["상품"] == max_col


def test_far_row_without_many_rows_is_sparse(tmp_path: Path) -> None:
    rows = (
        b'<x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c></x:row><x:row r="5000"><x:c r="B5000"><x:v>1</x:v></x:c></x:row>'
    )
    path = rewrite(book(tmp_path / "src.xlsx"), tmp_path / "u.xlsx", change={SHEET1: lambda _: SHEET_TEMPLATE % rows})
    info = inspect_workbook(path)
    assert (info.last_row["상품"], info.row_count["상품"], info.max_col["상품"]) == (5000, 2, 2)
    assert "상품" in info.sparse


@pytest.mark.parametrize("chunk", [1, 2, 3, 5, 7, 11, 64, 4096])
def test_scan_is_the_same_at_any_chunk_boundary(tmp_path: Path, chunk: int, monkeypatch: pytest.MonkeyPatch) -> None:
    path = book(tmp_path / "a.xlsx", rows=40)
    wb = openpyxl.load_workbook(path)
    wb["상품"]["AB20"] = "far"
    wb["상품"].append(["마지막"])
    wb.save(path)
    expected = inspect_workbook(path)
    monkeypatch.setattr(safety, "SCAN_CHUNK", chunk)
    got = inspect_workbook(path)
    assert got == expected
    assert (got.max_col["상품"], got.last_row["상품"], got.row_count["상품"]) == (28, 42, 42)


def test_utf16_sheet_goes_to_the_bounded_reader_and_empty_sheet_data_is_fine(tmp_path: Path) -> None:
    utf16 = (
        '<?xml version="1.0" encoding="UTF-16"?><worksheet xmlns="' + MAIN_NS.decode() + '"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c></row></sheetData></worksheet>'
    ).encode("utf-16")
    empty = b'<?xml version="1.0"?><worksheet xmlns="' + MAIN_NS + b'"><sheetData/></worksheet>'
    path = rewrite(
        book(tmp_path / "src.xlsx"),
        tmp_path / "u.xlsx",
        change={SHEET1: lambda _: utf16, "xl/worksheets/sheet2.xml": lambda _: empty},
    )
    info = inspect_workbook(path)
    assert info.sparse == frozenset({"상품"})
    assert (info.max_col["_양식정보"], info.last_row["_양식정보"], info.row_count["_양식정보"]) == (0, 0, 0)


def column_letters(n: int) -> str:
    letters = ""
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def test_greater_than_pattern_matches_exactly_the_columns_to_the_right() -> None:
    candidates = [*range(1, 703), 703, 704, 728, 1000, 16383, 16384, 18278]
    for best in [0, 1, 2, 25, 26, 27, 52, 53, 511, 512, 701, 702, 703, 16383, 16384, 18278]:
        best_letters = column_letters(best).encode()
        pattern = safety._greater_than(b'<c r="', best_letters)
        for col in candidates:
            letters = column_letters(col)
            ref = b'<c r="' + letters.encode() + b'7"'
            assert (pattern.match(ref) is not None) == (col > best), (best_letters, ref)
            if col > best:  # lower or mixed case: never missed (may also match smaller ones)
                for odd in (letters.lower(), letters[:-1] + letters[-1].lower(), letters[0].lower() + letters[1:]):
                    assert pattern.match(b'<c r="' + odd.encode() + b'7"'), (best_letters, odd)


def narrow_sheet(rows: int, *, last: bytes = b"", odd: bytes = b"") -> bytes:
    body = b"".join(
        b'<row r="%d"><c r="A%d"><v>%d</v></c><c r="B%d"><v>1</v></c></row>' % (r, r, r, r) for r in range(1, rows + 1)
    )
    return SHEET_TEMPLATE.replace(b"x:", b"").replace(b"xmlns:x", b"xmlns") % (body + odd + last)


@pytest.mark.parametrize(
    ("tail", "expected_col", "sparse"),
    [
        (b"", 2, False),
        (b'<row r="40001"><c r="C40001"><v>1</v></c><c r="BA40001"><v>1</v></c></row>', 53, False),
        (b'<row r="40001"><c r="XFD40001"><v>1</v></c></row>', 16384, True),
        # one odd cell tag late in the sheet: that range is read by the row loop instead
        (b"<row r='40001'><c s='1' r='XFD40001'><v>1</v></c></row>", 16384, True),
        # a million-row-style tail of empty rows far below the data
        (b"".join(b'<row r="%d"/>' % r for r in range(1_000_000, 1_040_000)), 2, True),
    ],
)
def test_dense_short_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tail: bytes, expected_col: int, sparse: bool
) -> None:
    monkeypatch.setattr(safety, "SCAN_CHUNK", 128 << 10)
    xml = narrow_sheet(40_000, last=tail)
    path = rewrite(book(tmp_path / "src.xlsx"), tmp_path / "n.xlsx", change={SHEET1: lambda _: xml})
    info = inspect_workbook(path)
    assert info.max_col["상품"] == expected_col
    assert ("상품" in info.sparse) is sparse
    assert info.row_count["상품"] == xml.count(b"<row")
