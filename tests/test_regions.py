"""Tests for batch.trade.regions: 시·도 and 시·군·구 of Korean delivery addresses, never guessed."""

from __future__ import annotations

import unicodedata

import pytest

import batch.trade.regions as R
from batch.trade.regions import SIDO, UNKNOWN, regions, sido, sigungu


def test_the_seventeen_in_statistical_order() -> None:
    assert SIDO == (
        "서울특별시",
        "부산광역시",
        "대구광역시",
        "인천광역시",
        "광주광역시",
        "대전광역시",
        "울산광역시",
        "세종특별자치시",
        "경기도",
        "강원특별자치도",
        "충청북도",
        "충청남도",
        "전북특별자치도",
        "전라남도",
        "경상북도",
        "경상남도",
        "제주특별자치도",
    )
    assert UNKNOWN == "미상"


# (spelling of the 시·도, a 시·군·구 of it, the official name): every official name and its short forms.
SPELLINGS = [
    ("서울특별시", "강남구", "서울특별시"),
    ("서울시", "강남구", "서울특별시"),
    ("서울", "강남구", "서울특별시"),
    ("부산광역시", "해운대구", "부산광역시"),
    ("부산시", "해운대구", "부산광역시"),
    ("부산", "해운대구", "부산광역시"),
    ("대구광역시", "수성구", "대구광역시"),
    ("대구시", "수성구", "대구광역시"),
    ("대구", "수성구", "대구광역시"),
    ("인천광역시", "연수구", "인천광역시"),
    ("인천시", "연수구", "인천광역시"),
    ("인천", "연수구", "인천광역시"),
    ("광주광역시", "광산구", "광주광역시"),
    ("광주시", "광산구", "광주광역시"),
    ("광주", "광산구", "광주광역시"),
    ("대전광역시", "유성구", "대전광역시"),
    ("대전시", "유성구", "대전광역시"),
    ("대전", "유성구", "대전광역시"),
    ("울산광역시", "남구", "울산광역시"),
    ("울산시", "남구", "울산광역시"),
    ("울산", "남구", "울산광역시"),
    ("경기도", "수원시", "경기도"),
    ("경기", "수원시", "경기도"),
    ("강원특별자치도", "춘천시", "강원특별자치도"),
    ("강원도", "춘천시", "강원특별자치도"),
    ("강원", "춘천시", "강원특별자치도"),
    ("충청북도", "충주시", "충청북도"),
    ("충북", "충주시", "충청북도"),
    ("충청남도", "아산시", "충청남도"),
    ("충남", "아산시", "충청남도"),
    ("전북특별자치도", "군산시", "전북특별자치도"),
    ("전라북도", "군산시", "전북특별자치도"),
    ("전북", "군산시", "전북특별자치도"),
    ("전라남도", "여수시", "전라남도"),
    ("전남", "여수시", "전라남도"),
    ("경상북도", "안동시", "경상북도"),
    ("경북", "안동시", "경상북도"),
    ("경상남도", "김해시", "경상남도"),
    ("경남", "김해시", "경상남도"),
    ("제주특별자치도", "서귀포시", "제주특별자치도"),
    ("제주도", "서귀포시", "제주특별자치도"),
    ("제주", "서귀포시", "제주특별자치도"),
]


@pytest.mark.parametrize(("spelling", "district", "official"), SPELLINGS)
def test_every_spelling_gives_the_official_name(spelling: str, district: str, official: str) -> None:
    road = f"{spelling} {district} 중앙로 12"
    lot = f"{spelling} {district} 중앙동 123-4"
    assert (sido(road), sigungu(road)) == (official, district)
    assert (sido(lot), sigungu(lot)) == (official, district)


def test_every_official_name_is_covered() -> None:
    assert {official for _, _, official in SPELLINGS} | {"세종특별자치시"} == set(SIDO)


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        # the renamed provinces: the old name gives the new one
        ("강원도 강릉시 경강로 2100", ("강원특별자치도", "강릉시")),
        ("강원도 평창군 대관령면 올림픽로 715", ("강원특별자치도", "평창군")),
        ("전라북도 전주시 완산구 효자로 225", ("전북특별자치도", "전주시 완산구")),
        ("전라북도 완주군 봉동읍 완주산단로 1", ("전북특별자치도", "완주군")),
        # road-name and lot-number forms of one building
        ("서울특별시 강남구 테헤란로 152", ("서울특별시", "강남구")),
        ("서울특별시 강남구 역삼동 737", ("서울특별시", "강남구")),
        ("서울 강남구 역삼동 123-4", ("서울특별시", "강남구")),
        ("서울특별시 강남구 테헤란로 152, 강남파이낸스센터 12층 (역삼동)", ("서울특별시", "강남구")),
        ("부산광역시 해운대구 우동 1411-1", ("부산광역시", "해운대구")),
        # a 시 with 구 keeps both
        ("경기도 성남시 분당구 판교역로 1", ("경기도", "성남시 분당구")),
        ("경기도 성남시 분당구 삼평동 681", ("경기도", "성남시 분당구")),
        ("경기 수원시 팔달구 효원로 1", ("경기도", "수원시 팔달구")),
        ("경기도 고양시 일산동구 중앙로 1275", ("경기도", "고양시 일산동구")),
        ("경기도 부천시 원미구 길주로 210", ("경기도", "부천시 원미구")),
        ("경상남도 창원시 의창구 중앙대로 151", ("경상남도", "창원시 의창구")),
        ("경북 포항시 북구 중앙로 1", ("경상북도", "포항시 북구")),
        ("충청북도 청주시 상당구 상당로 155", ("충청북도", "청주시 상당구")),
        ("충남 천안시 동남구 목천읍 1", ("충청남도", "천안시 동남구")),
        # a 시 without 구: the next word is a 읍, 면, 동 or road
        ("경기도 화성시 봉담읍 동화리 1", ("경기도", "화성시")),
        ("경기도 김포시 김포한강4로 1", ("경기도", "김포시")),
        # 군, in a 도 and in a 광역시
        ("경상북도 울릉군 울릉읍 도동리 1", ("경상북도", "울릉군")),
        ("부산광역시 기장군 기장읍 기장대로 560", ("부산광역시", "기장군")),
        ("대구광역시 달성군 논공읍 1", ("대구광역시", "달성군")),
        ("인천 강화군 강화읍 1", ("인천광역시", "강화군")),
        ("울산광역시 울주군 범서읍 1", ("울산광역시", "울주군")),
        ("경기 양평군 양평읍 1", ("경기도", "양평군")),
        # 제주: its two 시
        ("제주특별자치도 제주시 첨단로 242", ("제주특별자치도", "제주시")),
        ("제주도 서귀포시 중문관광로 1", ("제주특별자치도", "서귀포시")),
        # 세종 has no 시·군·구
        ("세종특별자치시 한누리대로 2130", ("세종특별자치시", "")),
        ("세종특별자치시 조치원읍 군청로 93", ("세종특별자치시", "")),
        ("세종시 어진동 1", ("세종특별자치시", "")),
        ("세종 한누리대로 2130", ("세종특별자치시", "")),
        ("세종특별자치시", ("세종특별자치시", "")),
        # 광주 and 광주시 name 광주광역시 only before one of its five 구; 경기도 광주시 is read with its 경기도
        ("광주 서구 내방로 111", ("광주광역시", "서구")),
        ("광주시 동구 1", ("광주광역시", "동구")),
        ("광주광역시 북구 용봉로 1", ("광주광역시", "북구")),
        ("광주광역시 상무대로 1", ("광주광역시", UNKNOWN)),
        ("경기도 광주시 오포읍 1", ("경기도", "광주시")),
        ("경기 광주시 경안동 1", ("경기도", "광주시")),
        ("광주시 오포읍 신현리 1", (UNKNOWN, UNKNOWN)),
        ("광주 오포읍 1", (UNKNOWN, UNKNOWN)),
        ("광주시", (UNKNOWN, UNKNOWN)),
    ],
)
def test_address(address: str, expected: tuple[str, str]) -> None:
    assert (sido(address), sigungu(address)) == expected


@pytest.mark.parametrize(
    "address",
    [
        "(06236) 서울특별시 강남구 테헤란로 152",
        "(06236)서울특별시 강남구 테헤란로 152",
        "[06236] 서울특별시 강남구 테헤란로 152",
        "06236 서울특별시 강남구 테헤란로 152",
        "06236서울특별시 강남구 테헤란로 152",
        "（06236） 서울특별시 강남구 테헤란로 152",
        "(135-080) 서울특별시 강남구 역삼동 737",
        "135-080 서울 강남구 역삼동 737",
        "135080 서울 강남구 역삼동 737",
        "  (06236)  서울특별시  강남구  테헤란로 152",
        "[서울특별시] 강남구 테헤란로 152",
        "서울특별시, 강남구, 테헤란로 152",
        "서울특별시 강남구(역삼동) 테헤란로 152",
    ],
)
def test_postal_codes_and_brackets_are_ignored(address: str) -> None:
    assert (sido(address), sigungu(address)) == ("서울특별시", "강남구")


@pytest.mark.parametrize(
    "address",
    [
        "경기도  성남시  분당구  판교역로 1",
        "경기도\u3000성남시\u3000분당구\u3000판교역로 1",
        "경기도\u3000\u3000성남시 분당구 판교역로 1",
        "경기도\u00a0성남시\u00a0분당구 판교역로 1",
        "경기도\t성남시\t분당구 판교역로 1",
        "\n 경기도 성남시\n분당구 판교역로 1 \n",
        "\ufeff경기도 성남시 분당구 판교역로 1",
        "경기도\u200b 성남시 분당구 판교역로 1",
        unicodedata.normalize("NFD", "경기도 성남시 분당구 판교역로 1"),
    ],
)
def test_whitespace_and_encoding_oddities(address: str) -> None:
    assert (sido(address), sigungu(address)) == ("경기도", "성남시 분당구")


@pytest.mark.parametrize(
    "address",
    [
        None,
        "",
        "   ",
        "\u3000",
        "Seoul Gangnam-gu Teheran-ro 152",
        "152 Teheran-ro, Gangnam-gu, Seoul",
        "강남구 테헤란로 152",  # 강남구 exists only in 서울, but the 시·도 is not written: not guessed
        "강남구 테헤란로",
        "제주시 첨단로 242",  # likewise
        "수원시 팔달구 효원로 1",
        "서울특별시강남구 테헤란로 152",  # no space after the 시·도: its first word is not a 시·도
        "06236",
        "(06236)",
        "123-4",
        "대한민국 서울특별시 강남구 테헤란로 152",
        "서을특별시 강남구 테헤란로 152",
    ],
)
def test_an_address_that_cannot_be_placed(address: str | None) -> None:
    assert (sido(address), sigungu(address)) == (UNKNOWN, UNKNOWN)


@pytest.mark.parametrize(
    "address",
    [
        "서울특별시",
        "서울",
        "서울 테헤란로 152",
        "서울 역삼동 123-4",
        "서울특별시 152",
        "서울특별시 Gangnam-gu",
        "서울특별시 (06236)",
    ],
)
def test_a_sido_without_a_sigungu(address: str) -> None:
    assert (sido(address), sigungu(address)) == ("서울특별시", UNKNOWN)


def test_nan_from_a_pandas_column_is_unknown() -> None:
    nan = float("nan")
    assert regions([nan, None, nan]) == [(UNKNOWN, UNKNOWN)] * 3  # type: ignore[list-item]


def test_regions_in_order_with_repeats() -> None:
    addresses = [
        "서울 강남구 역삼동 123-4",
        None,
        "세종특별자치시 한누리대로 2130",
        "서울 강남구 역삼동 123-4",
        "경기도 성남시 분당구 판교역로 1",
        "",
        "강남구 테헤란로",
        None,
        "세종특별자치시 한누리대로 2130",
    ]
    assert regions(addresses) == [
        ("서울특별시", "강남구"),
        (UNKNOWN, UNKNOWN),
        ("세종특별자치시", ""),
        ("서울특별시", "강남구"),
        ("경기도", "성남시 분당구"),
        (UNKNOWN, UNKNOWN),
        (UNKNOWN, UNKNOWN),
        (UNKNOWN, UNKNOWN),
        ("세종특별자치시", ""),
    ]
    assert regions(addresses) == [(sido(a), sigungu(a)) for a in addresses]


def test_regions_reads_each_distinct_address_once(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[object] = []
    parse = R._parse

    def counting(address: object) -> tuple[str, str]:
        seen.append(address)
        return parse(address)

    monkeypatch.setattr(R, "_parse", counting)
    distinct = [f"경기도 {city}시 중앙로 {n}" for n in range(1000) for city in ("수원", "용인", "고양")]
    addresses = [*distinct, None, *distinct, None, "서울 강남구 1", *distinct, "서울 강남구 1"]
    found = regions(iter(addresses))  # any iterable, read once
    assert len(seen) == len(set(seen)) == 3002
    assert len(found) == 9004
    assert sorted(set(found)) == [
        ("경기도", "고양시"),
        ("경기도", "수원시"),
        ("경기도", "용인시"),
        (UNKNOWN, UNKNOWN),
        ("서울특별시", "강남구"),
    ]
    monkeypatch.undo()
    assert found == [(sido(a), sigungu(a)) for a in addresses]


def test_regions_of_nothing() -> None:
    assert regions([]) == []
