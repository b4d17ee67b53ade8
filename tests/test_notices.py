"""Tests for batch.trade.notices, the 상품정보제공고시 catalogue."""

from __future__ import annotations

import re

import pytest

from batch.trade.notices import ALL_NOTICE_FIELDS, NOTICE_CATEGORIES, SEPARATE_NOTICE, notice_fields

HANGUL = re.compile(r"[가-힣]")
CONTACTS = {"A/S 책임자와 전화번호", "소비자상담 관련 전화번호"}
SERVICES = ("호텔/펜션 예약", "여행패키지", "항공권", "상품권/쿠폰", "영화/공연", "기타 용역")


def test_clothing_fields() -> None:
    assert notice_fields("의류") == (
        "제품 소재",
        "색상",
        "치수",
        "제조자(수입자)",
        "제조국",
        "세탁방법 및 취급시 주의사항",
        "제조연월",
        "품질보증기준",
        "A/S 책임자와 전화번호",
    )


def test_fashion_goods_fields() -> None:
    assert notice_fields("패션잡화(모자/벨트/액세서리)") == (
        "종류",
        "소재",
        "치수",
        "제조자(수입자)",
        "제조국",
        "취급시 주의사항",
        "품질보증기준",
        "A/S 책임자와 전화번호",
    )


def test_processed_food_fields() -> None:
    assert notice_fields("가공식품") == (
        "제품명",
        "식품의 유형",
        "생산자 및 소재지",
        "제조연월일/소비기한 또는 품질유지기한",
        "포장단위별 용량(중량)/수량",
        "원재료명 및 함량",
        "영양성분",
        "유전자변형식품 표시",
        "소비자안전을 위한 주의사항",
        "수입식품 수입신고 필함 문구",
        "소비자상담 관련 전화번호",
    )


def test_category_count_and_order() -> None:
    names = list(NOTICE_CATEGORIES)
    # The 고시 has 29 goods categories (26 + 생활화학제품, 살생물제품, 기타 재화).
    assert 25 <= len(names) <= 40
    assert names[0] == "의류"
    assert names[-1] == "기타 재화"


def test_services_are_left_out() -> None:
    for service in SERVICES:
        assert service not in NOTICE_CATEGORIES


def test_names_fit_the_workbook() -> None:
    for category, fields in NOTICE_CATEGORIES.items():
        assert "," not in category and category == category.strip()
        assert fields, category
        for field in fields:
            assert "," not in field, (category, field)
            assert 0 < len(field) <= 40, (category, field)
            assert field == field.strip(), (category, field)


def test_no_duplicate_fields_in_a_category() -> None:
    for category, fields in NOTICE_CATEGORIES.items():
        assert len(set(fields)) == len(fields), category


def test_contact_field_comes_last() -> None:
    without_contact = {c for c, fields in NOTICE_CATEGORIES.items() if fields[-1] not in CONTACTS}
    assert without_contact == {"서적"}
    for fields in NOTICE_CATEGORIES.values():
        assert len(CONTACTS.intersection(fields)) <= 1


def test_all_fields_sorted_unique_and_complete() -> None:
    assert list(ALL_NOTICE_FIELDS) == sorted(set(ALL_NOTICE_FIELDS))
    assert set(ALL_NOTICE_FIELDS) == {f for fields in NOTICE_CATEGORIES.values() for f in fields}


def test_unknown_category_raises_korean_value_error() -> None:
    with pytest.raises(ValueError) as caught:
        notice_fields("없는분류")
    assert HANGUL.search(str(caught.value))
    assert "없는분류" in str(caught.value)


def test_unknown_category_is_not_a_key_error() -> None:
    with pytest.raises(ValueError) as caught:
        notice_fields("")
    assert not isinstance(caught.value, KeyError)


def test_surrounding_spaces_are_ignored() -> None:
    assert notice_fields(" 가방 ") == NOTICE_CATEGORIES["가방"]


def test_separate_notice_value() -> None:
    assert SEPARATE_NOTICE == "상세정보 별도표기"
