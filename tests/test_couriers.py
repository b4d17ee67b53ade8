"""The courier catalogue: names, lookup by alias or marketplace code, and the tracking-number rules."""

from __future__ import annotations

import pytest

from batch.trade.couriers import (
    BY_KEY,
    CATALOGUE,
    CHECK_DIGIT_PROBLEM,
    COURIERS,
    MARKETS,
    ST11_OTHER,
    Courier,
    find_courier,
    normalize_tracking,
    tracking_problem,
)

CJ, LOTTE, HANJIN, LOGEN, EPOST, KDEXP, DAESIN, DIRECT = (
    BY_KEY[k] for k in ("cj", "lotte", "hanjin", "logen", "epost", "kdexp", "daesin", "direct")
)

# The template's 택배사 dropdown reads COURIERS; its order is part of the committed templates.
TEMPLATE_ORDER = (
    "CJ대한통운",
    "롯데택배",
    "한진택배",
    "로젠택배",
    "우체국택배",
    "경동택배",
    "대신택배",
    "일양로지스",
    "천일택배",
    "합동택배",
    "CU편의점택배",
    "GS Postbox",
    "직접배송",
)

TMON = {
    "CJ대한통운": "10001",
    "롯데택배": "10002",
    "한진택배": "10003",
    "로젠택배": "10004",
    "우체국택배": "10005",
    "경동택배": "10006",
    "대신택배": "10007",
    "일양로지스": "10008",
    "천일택배": "10009",
    "합동택배": "10010",
    "CU편의점택배": "10011",
    "GS Postbox": "10012",
    "직접배송": "10099",
}


def test_couriers_keep_the_template_order() -> None:
    assert COURIERS == TEMPLATE_ORDER
    assert tuple(c.name for c in CATALOGUE) == TEMPLATE_ORDER


def test_keys_are_unique_ascii() -> None:
    keys = [c.key for c in CATALOGUE]
    assert len(set(keys)) == len(keys)
    assert all(k.isascii() and k.isidentifier() for k in keys)


def test_every_courier_has_its_tmon_code() -> None:
    assert {c.name: c.codes["tmon"] for c in CATALOGUE} == TMON


def test_codes_only_for_known_markets() -> None:
    assert all(set(c.codes) <= set(MARKETS) for c in CATALOGUE)


def test_esm_codes_are_the_guides_and_never_read_as_names() -> None:
    """ESM post 142's list; its numbers overlap TMON's, so "10003" written in a workbook stays TMON's 한진."""
    esm = {c.key: c.codes.get("esm") for c in CATALOGUE if "esm" in c.codes}
    assert esm == {
        "cj": "10013",
        "lotte": "10008",
        "hanjin": "10007",
        "logen": "10003",
        "epost": "10005",
        "kdexp": "10016",
        "daesin": "10014",
        "ilyang": "10015",
        "chunil": "10017",
        "hapdong": "10074",
    }
    found = find_courier("10003")
    assert found is not None and found.key == "hanjin"


def test_coupang_and_naver_share_the_documented_string_codes() -> None:
    documented = {
        "cj": "CJGLS",
        "lotte": "HYUNDAI",
        "hanjin": "HANJIN",
        "logen": "KGB",
        "epost": "EPOST",
        "kdexp": "KDEXP",
    }
    for key, code in documented.items():
        assert BY_KEY[key].codes["coupang"] == BY_KEY[key].codes["naver"] == code
    assert {c.key for c in CATALOGUE if "naver" in c.codes} == set(documented)


# 11번가 dlvEtprsCd, from the guide's 발송처리 page (dispatch-1888; marketplaces-next.md §1.3).
ST11 = {
    "CJ대한통운": "00034",
    "롯데택배": "00012",
    "한진택배": "00011",
    "우체국택배": "00007",
    "로젠택배": "00002",
    "경동택배": "00026",
    "대신택배": "00021",
    "합동택배": "00035",
    "천일택배": "00027",
    "CU편의점택배": "00061",
    "GS Postbox": "00060",  # CVSnet
}


def test_11st_codes_follow_the_guide() -> None:
    got = {c.name: c.codes["11st"] for c in CATALOGUE if "11st" in c.codes}
    assert {name: got[name] for name in ST11} == ST11
    assert set(got) - set(ST11) == {"일양로지스"}  # 00022: one client only (see the module docstring)
    assert got["일양로지스"] == "00022"
    assert "11st" not in BY_KEY["direct"].codes  # 직접배송 is dlvMthdCd 03 at 11번가, not a courier
    assert "11st" in MARKETS
    assert ST11_OTHER == "00099" and find_courier(ST11_OTHER) is None
    for name, code in ST11.items():
        found = find_courier(code)
        assert found is not None and found.name == name


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("CJ대한통운", "cj"),
        ("대한통운", "cj"),
        ("  cj gls ", "cj"),
        ("CJGLS", "cj"),
        ("롯데(현대택배)", "lotte"),
        ("현대택배", "lotte"),
        ("hyundai", "lotte"),
        ("로젠", "logen"),
        ("KGB", "logen"),
        ("우체국", "epost"),
        ("편의점택배(CU)", "cu"),
        ("ＣＵ", "cu"),  # full-width
        ("gs postbox", "gs"),
        ("CVSnet", "gs"),
        ("직배송", "direct"),
        ("lotte", "lotte"),  # the key
        ("00034", "cj"),  # 11st
    ],
)
def test_find_courier_by_name_alias_or_code(text: str, key: str) -> None:
    assert find_courier(text) is BY_KEY[key]


@pytest.mark.parametrize(("name", "code"), list(TMON.items()))
def test_find_courier_by_tmon_code(name: str, code: str) -> None:
    found = find_courier(code)
    assert found is not None and found.name == name


@pytest.mark.parametrize("text", ["", "   ", "EMS", "편의점택배", "KGB택배", "택배", "10013"])
def test_find_courier_unknown(text: str) -> None:
    assert find_courier(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1234-5678-9012", "123456789012"),
        (" 1234 5678 9012 ", "123456789012"),
        ("１２３４－５６７８", "12345678"),  # full-width digits and hyphen
        ("1234\u20135678", "12345678"),  # en dash
        ("1.23457E+11", "1.23457E+11"),  # not repaired
    ],
)
def test_normalize_tracking(text: str, expected: str) -> None:
    assert normalize_tracking(text) == expected


@pytest.mark.parametrize(
    ("courier", "number", "problem"),
    [
        (
            CJ,
            "1234567890AB",
            "송장번호는 숫자만 입력하세요('-'와 띄어쓰기는 괜찮습니다). 숫자가 아닌 글자: AB",
        ),
        (
            LOGEN,
            "1234/567-8901",
            "송장번호는 숫자만 입력하세요('-'와 띄어쓰기는 괜찮습니다). 숫자가 아닌 글자: /",
        ),
        (CJ, "12345678901", "CJ대한통운 송장번호는 10 또는 12자리입니다(입력한 번호는 11자리)."),
        (LOGEN, "1234567890", "로젠택배 송장번호는 11자리입니다(입력한 번호는 10자리)."),
        (EPOST, "12345678901234", "우체국택배 송장번호는 13자리입니다(입력한 번호는 14자리)."),
        (LOTTE, "12345678901", "롯데택배 송장번호는 10, 12 또는 13자리입니다(입력한 번호는 11자리)."),
        (DAESIN, "12345678", "대신택배 송장번호는 9~14자리입니다(입력한 번호는 8자리)."),
        (DAESIN, "123456789012345", "대신택배 송장번호는 9~14자리입니다(입력한 번호는 15자리)."),
        (LOTTE, "123456789014", CHECK_DIGIT_PROBLEM),
        (LOTTE, "3176-5130-8381", CHECK_DIGIT_PROBLEM),
        (
            CJ,
            "1.23457E+11",
            "엑셀이 숫자를 지수로 바꿨습니다(1.23457E+11). 뒷자리가 이미 지워져 되살릴 수 없습니다. "
            "셀 서식을 '텍스트'로 바꾸고 송장번호를 다시 입력하세요.",
        ),
        (
            LOGEN,
            " 9.28163e+10 ",
            "엑셀이 숫자를 지수로 바꿨습니다(9.28163e+10). 뒷자리가 이미 지워져 되살릴 수 없습니다. "
            "셀 서식을 '텍스트'로 바꾸고 송장번호를 다시 입력하세요.",
        ),
        (
            CJ,
            "123456789012.0",
            "엑셀이 송장번호 뒤에 소수점을 붙였습니다(123456789012.0). 셀 서식을 '텍스트'로 바꾸고 송장번호를 다시 입력하세요.",
        ),
        (HANJIN, "  ", "송장번호가 비어 있습니다."),
    ],
)
def test_tracking_problem_exact(courier: Courier, number: str, problem: str) -> None:
    assert tracking_problem(courier, number) == problem


def test_check_digit_message_is_the_agreed_sentence() -> None:
    assert CHECK_DIGIT_PROBLEM == "송장번호가 올바르지 않습니다(검증 숫자 불일치). 번호를 다시 확인하세요."


@pytest.mark.parametrize(
    ("courier", "number"),
    [
        (CJ, "123456789012"),
        (CJ, "1234-5678-90"),
        (HANJIN, "12345678901234"),
        (LOGEN, "928-1627-2404"),
        (EPOST, "1234567890123"),
        (KDEXP, "1234567890123"),
        (DAESIN, "123456789"),
        (LOTTE, "1234567890"),  # 10 and 13 digits: the check covers 12 digits only
        (LOTTE, "1234567890123"),
    ],
)
def test_valid_numbers_without_a_check(courier: Courier, number: str) -> None:
    assert tracking_problem(courier, number) is None


def test_valid_numbers_for_every_courier_with_a_check() -> None:
    valid = {"lotte": ("123456789013", "3176 5130 8380")}  # 12345678901 % 7 == 3; 317651308380: a real number
    assert {c.key for c in CATALOGUE if c.check is not None} == set(valid)
    for key, numbers in valid.items():
        for number in numbers:
            assert tracking_problem(BY_KEY[key], number) is None


@pytest.mark.parametrize("number", ["", "퀵으로 전달", "1.23457E+11", "ABC"])
def test_direct_delivery_takes_no_number(number: str) -> None:
    assert not DIRECT.takes_number
    assert tracking_problem(DIRECT, number) is None


def test_courier_is_frozen_and_hashable() -> None:
    with pytest.raises(AttributeError):
        CJ.name = "x"  # type: ignore[misc]
    assert len({*CATALOGUE}) == len(CATALOGUE)
