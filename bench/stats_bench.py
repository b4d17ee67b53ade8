"""Bench: the statistics workbook (`batch stats`) from a ledger of 1,000,000 order lines over 120 days.

    python bench/stats_bench.py [--lines 1000000] [--runs 3] [--out bench/out] [--build-only]

The ledger (``<out>/stats_<n>/``, built once and reused while its ``built.json`` says this build version) holds
``n`` order lines of five marketplaces (1–3 accounts each) over the 120 KST days up to the day before it was built:
about 5,000 products with names, categories (when ``StockBook.define`` takes one), links and ESM site numbers;
1–3 lines an order, qty 1–3, prices 5,000–120,000 won, ~3 % of the lines 취소, ~2 % with a completed return
claim, delivery addresses over all 17 시·도 in road-name and lot-number forms (short and former names, postal codes
in the field, in the address or missing, ~1 % that name no region). Orders go straight into the ``orders`` table
(``executemany``, one transaction), their ``data`` the JSON ``Ledger.store_orders`` writes; claims through
``Ledger.store_claims``. Building is not timed.

``ours`` is ``batch.jobs.stats.run_stats(ws, start, end)`` over the whole 120 days, in a fresh process per run
(imports outside the timed section); seconds and peak RSS (``ru_maxrss``) are the median of ``--runs``. The table
goes to stdout and, as Markdown, to ``<out>/stats_bench.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import inspect
import itertools
import json
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from common import child_env, render

ROOT = Path(__file__).resolve().parents[1]
VERSION = 1  # of the built ledger: a cached one of another version is built again
SEED = 19
RUNS = 3
TIME_TARGET_S = 10.0
PEAK_TARGET_MB = 1024.0
DAYS = 120
PRODUCTS = 5_000
CHUNK = 50_000  # order lines per executemany
CANCEL_SHARE = 0.03  # of lines: status 취소
RETURN_SHARE = 0.02  # of lines: a completed return claim
UNPLACEABLE_SHARE = 0.01  # of orders: an address that names no region
UNLINKED_SHARE = 0.01  # of lines: a product registered on the marketplace by hand (no link, no code)

# marketplace -> (share of orders, its accounts with their shares)
MARKETS: dict[str, tuple[float, tuple[tuple[str, float], ...]]] = {
    "coupang": (0.34, (("main", 0.75), ("sub", 0.25))),
    "naver": (0.30, (("main", 0.65), ("sub", 0.25), ("outlet", 0.10))),
    "esm": (0.15, (("main", 0.8), ("sub", 0.2))),
    "11st": (0.12, (("main", 1.0),)),
    "tmon": (0.09, (("main", 1.0),)),
}
ECHOES_OPTION = {"coupang", "naver", "11st"}  # lines carry our option number back (OrderLine.option_code)

Result = dict[str, Any]


# --- what the lines are made of ---------------------------------------------------------------------------

BRANDS = ("루미에르", "한결", "다온", "소담", "마루", "별빛공방", "온새미로", "가람", "모아", "늘봄", "하늘채", "숲속")
# (kind, category as a product workbook names it, option name, option values with their 추가금액)
KINDS: tuple[tuple[str, str, str, tuple[tuple[str, int], ...]], ...] = (
    ("14K 골드 귀걸이", "패션잡화 > 주얼리/시계 > 귀걸이/목걸이", "색상", (("골드", 0), ("로즈골드", 0))),
    ("실버 체인 목걸이", "패션잡화 > 주얼리/시계 > 귀걸이/목걸이", "길이", (("40cm", 0), ("45cm", 2000))),
    ("면 라운드 티셔츠", "의류 > 남성의류 > 티셔츠", "사이즈", (("M", 0), ("L", 0), ("XL", 0))),
    ("오버핏 후드 집업", "의류 > 남성의류 > 후드/집업", "사이즈", (("M", 0), ("L", 0), ("XL", 2000))),
    ("린넨 원피스", "의류 > 여성의류 > 원피스", "사이즈", (("S", 0), ("M", 0), ("L", 0))),
    ("하이웨스트 슬랙스", "의류 > 여성의류 > 바지", "사이즈", (("S", 0), ("M", 0))),
    ("스테인리스 텀블러", "생활/주방/건강 > 주방용품 > 컵/텀블러", "용량", (("350ml", 0), ("500ml", 3000))),
    ("무쇠 주물 프라이팬", "생활/주방/건강 > 주방용품 > 프라이팬", "크기", (("24cm", 0), ("28cm", 5000))),
    ("유리 밀폐용기 세트", "생활/주방/건강 > 주방용품 > 밀폐용기", "", ()),
    ("극세사 차렵이불", "가구/홈데코 > 침구 > 이불", "크기", (("SS", 0), ("Q", 10000))),
    ("원목 북엔드", "가구/홈데코 > 수납 > 책꽂이", "", ()),
    ("접이식 수납박스", "가구/홈데코 > 수납 > 수납박스", "색상", (("베이지", 0), ("그레이", 0))),
    ("무선 충전 거치대", "디지털/가전 > 휴대폰액세서리 > 충전기", "색상", (("블랙", 0), ("화이트", 0))),
    ("블루투스 이어폰", "디지털/가전 > 음향기기 > 이어폰", "색상", (("블랙", 0), ("화이트", 0))),
    ("USB-C 고속 충전 케이블", "디지털/가전 > 휴대폰액세서리 > 케이블", "길이", (("1m", 0), ("2m", 1000))),
    ("유기농 현미 누룽지", "식품 > 가공식품 > 간식", "중량", (("500g", 0), ("1kg", 6000))),
    ("제주 감귤", "식품 > 농산물 > 과일", "중량", (("3kg", 0), ("5kg", 9000))),
    ("국내산 볶음 참깨", "식품 > 가공식품 > 양념", "", ()),
    ("콜드브루 원액", "식품 > 음료 > 커피", "용량", (("500ml", 0), ("1L", 7000))),
    ("저자극 수분 크림", "뷰티 > 스킨케어 > 크림", "", ()),
    ("약산성 클렌징 폼", "뷰티 > 클렌징 > 폼클렌징", "", ()),
    ("천연모 헤어 브러시", "뷰티 > 헤어케어 > 헤어브러시", "", ()),
    ("강아지 노즈워크 매트", "반려동물 > 강아지 > 장난감", "", ()),
    ("고양이 스크래처", "반려동물 > 고양이 > 스크래처", "형태", (("일자형", 0), ("소파형", 8000))),
    ("캠핑 접이식 의자", "스포츠/레저 > 캠핑 > 의자", "색상", (("카키", 0), ("블랙", 0))),
    ("요가 매트 8mm", "스포츠/레저 > 헬스/요가 > 요가매트", "색상", (("퍼플", 0), ("민트", 0))),
    ("유아 실리콘 식판", "출산/육아 > 이유식용품 > 식판", "색상", (("핑크", 0), ("블루", 0))),
    ("LED 무드등", "가구/홈데코 > 조명 > 무드등", "", ()),
    ("가죽 카드지갑", "패션잡화 > 지갑 > 카드지갑", "색상", (("블랙", 0), ("브라운", 0), ("네이비", 0))),
    ("방수 백팩", "패션잡화 > 가방 > 백팩", "", ()),
)
WORDS = ("프리미엄", "데일리", "베이직", "시그니처", "New", "2025 신상", "대용량", "미니", "클래식", "라이트")

# 시·도 as the law names it, the other ways buyers write it, share of orders (population), postal code prefixes,
# and some of its 시·군·구 with road names and 동·읍 (real ones; 시·군·구 names shared across 시·도 on purpose:
# 중구, 서구, 북구, 남구, 동구, 고성군, and 경기 광주시 against 광주광역시)
REGIONS: tuple[tuple[str, tuple[str, ...], float, tuple[int, ...], tuple[tuple[str, str, str], ...]], ...] = (
    (
        "서울특별시",
        ("서울", "서울시"),
        9.4,
        (1, 2, 3, 4, 5, 6, 7, 8),
        (
            ("강남구", "테헤란로 강남대로 논현로 선릉로", "역삼동 삼성동 대치동"),
            ("송파구", "올림픽로 송파대로 백제고분로", "잠실동 가락동 문정동"),
            ("마포구", "월드컵로 양화로 독막로", "합정동 서교동 망원동"),
            ("노원구", "동일로 노원로 상계로", "상계동 중계동"),
            ("관악구", "관악로 남부순환로 봉천로", "봉천동 신림동"),
            ("중구", "세종대로 을지로 퇴계로", "명동 신당동"),
            ("강서구", "공항대로 화곡로 양천로", "화곡동 등촌동"),
        ),
    ),
    (
        "부산광역시",
        ("부산", "부산시"),
        3.3,
        (46, 47, 48, 49),
        (
            ("해운대구", "해운대로 센텀중앙로 좌동순환로", "우동 중동 좌동"),
            ("부산진구", "중앙대로 서면로 가야대로", "부전동 전포동"),
            ("사하구", "낙동대로 다대로", "하단동 괴정동"),
            ("중구", "중앙대로 광복로", "남포동 중앙동"),
            ("기장군", "기장대로 정관중앙로", "기장읍 정관읍"),
        ),
    ),
    (
        "대구광역시",
        ("대구", "대구시"),
        2.4,
        (41, 42, 43),
        (
            ("수성구", "달구벌대로 동대구로 수성로", "범어동 만촌동"),
            ("달서구", "월배로 달서대로 성서공단로", "상인동 월성동"),
            ("북구", "칠곡중앙대로 침산로", "침산동 태전동"),
            ("군위군", "군위읍 중앙길", "군위읍"),
        ),
    ),
    (
        "인천광역시",
        ("인천", "인천시"),
        3.0,
        (21, 22, 23),
        (
            ("연수구", "컨벤시아대로 송도과학로 원인재로", "송도동 연수동"),
            ("남동구", "인주대로 예술로", "구월동 논현동"),
            ("부평구", "부평대로 경인로", "부평동 삼산동"),
            ("서구", "청라대로 봉오대로", "청라동 가정동"),
            ("강화군", "강화대로", "강화읍"),
        ),
    ),
    (
        "광주광역시",
        ("광주", "광주시"),
        1.4,
        (61, 62),
        (
            ("서구", "상무중앙로 무진대로", "치평동 화정동"),
            ("북구", "하서로 우치로", "용봉동 운암동"),
            ("광산구", "임방울대로 하남대로", "수완동 신가동"),
            ("남구", "봉선로 대남대로", "봉선동 주월동"),
        ),
    ),
    (
        "대전광역시",
        ("대전", "대전시"),
        1.4,
        (34, 35),
        (
            ("유성구", "대학로 유성대로 엑스포로", "봉명동 궁동 도룡동"),
            ("서구", "둔산로 계룡로 대덕대로", "둔산동 탄방동"),
            ("중구", "중앙로 대종로", "은행동 대흥동"),
            ("대덕구", "한밭대로 대전로", "오정동 송촌동"),
        ),
    ),
    (
        "울산광역시",
        ("울산", "울산시"),
        1.1,
        (44, 45),
        (
            ("남구", "삼산로 번영로 돋질로", "삼산동 달동"),
            ("중구", "종가로 태화로", "성남동 우정동"),
            ("동구", "방어진순환도로 대학길", "전하동 방어동"),
            ("울주군", "구영로 언양로", "범서읍 언양읍"),
        ),
    ),
    (
        "세종특별자치시",
        ("세종", "세종시"),
        0.4,
        (30,),
        (("", "한누리대로 도움6로 갈매로 보듬3로", "어진동 나성동 보람동 조치원읍"),),
    ),
    (
        "경기도",
        ("경기",),
        13.7,
        (10, 11, 12, 13, 14, 15, 16, 17, 18),
        (
            ("수원시 영통구", "광교중앙로 영통로 봉영로", "영통동 이의동"),
            ("성남시 분당구", "판교역로 불정로 성남대로", "정자동 삼평동 서현동"),
            ("고양시 일산동구", "중앙로 일산로", "장항동 백석동"),
            ("용인시 수지구", "포은대로 수지로", "풍덕천동 죽전동"),
            ("화성시", "동탄대로 동탄중앙로", "반송동 청계동"),
            ("광주시", "경안로 광주대로 경충대로", "경안동 송정동"),
            ("부천시", "길주로 부천로", "중동 상동"),
            ("남양주시", "경춘로 다산중앙로", "다산동 별내동"),
            ("파주시", "경의로 통일로", "야당동 금촌동"),
        ),
    ),
    (
        "강원특별자치도",
        ("강원", "강원도"),
        1.5,
        (24, 25, 26),
        (
            ("춘천시", "중앙로 공지로 후석로", "석사동 퇴계동"),
            ("원주시", "시청로 단계로 원일로", "단계동 무실동"),
            ("강릉시", "경강로 강릉대로", "교동 포남동"),
            ("속초시", "중앙로 설악금강대교로", "조양동 교동"),
            ("고성군", "간성로", "간성읍"),
        ),
    ),
    (
        "충청북도",
        ("충북",),
        1.6,
        (27, 28, 29),
        (
            ("청주시 흥덕구", "직지대로 가경로", "가경동 복대동"),
            ("청주시 상당구", "상당로 용암로", "용암동 금천동"),
            ("충주시", "국원대로 충원대로", "연수동 칠금동"),
            ("제천시", "의림대로 내토로", "청전동 화산동"),
        ),
    ),
    (
        "충청남도",
        ("충남",),
        2.1,
        (31, 32, 33),
        (
            ("천안시 서북구", "불당대로 번영로", "불당동 쌍용동"),
            ("천안시 동남구", "충절로 만남로", "신부동 청당동"),
            ("아산시", "번영로 배방로", "배방읍 온천동"),
            ("당진시", "서해로 당진중앙2로", "읍내동 수청동"),
            ("공주시", "웅진로 봉황로", "신관동 웅진동"),
        ),
    ),
    (
        "전북특별자치도",
        ("전북", "전라북도"),
        1.7,
        (54, 55, 56),
        (
            ("전주시 완산구", "홍산로 효자로 팔달로", "효자동 서신동"),
            ("전주시 덕진구", "기린대로 백제대로", "송천동 인후동"),
            ("군산시", "대학로 수송로", "수송동 나운동"),
            ("익산시", "무왕로 인북로", "영등동 모현동"),
        ),
    ),
    (
        "전라남도",
        ("전남",),
        1.8,
        (57, 58, 59, 60),
        (
            ("순천시", "중앙로 연향번영길", "연향동 조례동"),
            ("여수시", "여문로 시청로", "학동 여서동"),
            ("목포시", "영산로 백년대로", "상동 옥암동"),
            ("나주시", "빛가람로 그린로", "빛가람동 송월동"),
        ),
    ),
    (
        "경상북도",
        ("경북",),
        2.5,
        (36, 37, 38, 39, 40),
        (
            ("포항시 남구", "연일로 포스코대로", "대잠동 오천읍"),
            ("포항시 북구", "중앙상가길 삼호로", "양덕동 장성동"),
            ("구미시", "송정대로 구미대로", "송정동 원평동"),
            ("경주시", "태종로 원화로", "황성동 용강동"),
            ("안동시", "경동로 퇴계로", "옥동 용상동"),
        ),
    ),
    (
        "경상남도",
        ("경남",),
        3.2,
        (50, 51, 52, 53),
        (
            ("창원시 성산구", "중앙대로 원이대로 창원대로", "상남동 중앙동"),
            ("창원시 마산합포구", "3·15대로 해안대로", "월영동 오동동"),
            ("김해시", "김해대로 가야로", "내외동 삼계동"),
            ("진주시", "진주대로 동진로", "충무공동 평거동"),
            ("양산시", "양산대로 중앙로", "물금읍 중부동"),
            ("고성군", "중앙로 송학로", "고성읍"),
        ),
    ),
    (
        "제주특별자치도",
        ("제주", "제주도"),
        0.7,
        (63,),
        (
            ("제주시", "연삼로 노연로 중앙로", "연동 노형동 이도이동"),
            ("서귀포시", "중앙로 일주동로 중산간동로", "서귀동 동홍동 대정읍"),
        ),
    ),
)
UNPLACEABLE = (
    "",
    "주소 확인 필요",
    "101동 1203호",
    "상세주소 없음",
    "직접 수령 (매장 픽업)",
    "GS25 편의점 픽업",
    "1600 Amphitheatre Pkwy, Mountain View, CA",
    "해외배송 - Tokyo, Japan",
    "고객센터 문의 후 재입력",
)
DETAILS = ("", "", "101동 1203호", "3층", "2층 201호", "상가 1층", "B동 502호", "래미안아파트 105동 802호", "1층")
SURNAMES = "김김김김이이이박박최정강조윤장임한오서신권황안송류홍"
GIVEN = "민서지현수영준우하은도윤예진성호재원다인유나태연승혜경아"
MESSAGES = (
    "",
    "",
    "",
    "문 앞에 놓아주세요",
    "부재 시 경비실에 맡겨주세요",
    "배송 전 연락 바랍니다",
    "빠른 배송 부탁드려요",
)
REASONS = ("단순변심", "상품불량", "사이즈가 맞지 않음", "오배송", "배송 중 파손", "상품 정보와 다름")
# KST hour of day -> share of orders (evenings busiest; midnight lines exist on purpose)
HOURS = (3, 2, 1, 0.5, 0.5, 0.7, 1.5, 2.5, 3.5, 4.5, 5.5, 5.5, 5.5, 5, 5, 4.5, 4.5, 4.5, 5, 5.5, 6.5, 7.5, 7, 5)
WEEKDAY = (1.1, 1.05, 1.0, 1.0, 0.95, 0.85, 0.95)  # Monday first


def _cum(weights: list[float] | tuple[float, ...]) -> list[float]:
    return list(itertools.accumulate(weights))


class Catalogue:
    """The products, the marketplace numbers of their listings on every account, and how often each sells."""

    def __init__(self, rnd: random.Random) -> None:
        self.products: list[tuple[str, str, str, int, tuple[tuple[str, int], ...], str]] = []
        for i in range(PRODUCTS):
            kind, category, opt_name, options = KINDS[i % len(KINDS)]
            brand = BRANDS[rnd.randrange(len(BRANDS))]
            word = WORDS[rnd.randrange(len(WORDS))]
            name = f"[{brand}] {word} {kind} {rnd.randrange(100, 999)}"
            price = min(120_000, max(5_000, int(rnd.lognormvariate(10.1, 0.7)) // 100 * 100 + 900))
            self.products.append((f"P{i + 1:07d}", name, category, price, options, opt_name))
        popularity = [1 / (rank + 10) ** 0.9 for rank in range(PRODUCTS)]
        rnd.shuffle(popularity)
        # how often a product comes back: most as usual, some often, a few very often
        self.returns = [rnd.choices((1.0, 3.0, 8.0), (90, 8, 2))[0] for _ in range(PRODUCTS)]
        # (market, account) -> listed product indexes, their cumulative popularity, and per index its numbers
        self.listed: dict[tuple[str, str], tuple[list[int], list[float]]] = {}
        self.numbers: dict[tuple[str, str, int], tuple[str, list[str], dict[str, str]]] = {}
        serial = itertools.count(1)
        for market, (_, accounts) in MARKETS.items():
            for account, _ in accounts:
                share = 0.9 if account == "main" else 0.5
                idx = [i for i in range(PRODUCTS) if rnd.random() < share]
                self.listed[(market, account)] = (idx, _cum([popularity[i] for i in idx]))
                for i in idx:
                    s = next(serial)
                    product_no = f"{1_000_000_000 + s * 7919 % 900_000_000}"
                    options = [f"{product_no}{k + 1:02d}" for k in range(max(1, len(self.products[i][4])))]
                    sites = {"gmarket": f"{2_000_000_000 + s}", "auction": f"B{600_000_000 + s}"}
                    self.numbers[(market, account, i)] = (product_no, options, sites if market == "esm" else {})
        self.unlinked = itertools.count(1)

    def links(self) -> list[tuple[str, ...]]:
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        rows = []
        for (market, account, i), (product_no, options, _) in self.numbers.items():
            code = self.products[i][0]
            ours = {} if market == "esm" else {f"{code}-{k + 1:03d}": o for k, o in enumerate(options)}
            rows.append((market, account, code, product_no, json.dumps(ours), f"h{i}", "ok", "", now))
        return rows

    def site_numbers(self) -> list[tuple[str, ...]]:
        return [
            (market, account, self.products[i][0], site, number)
            for (market, account, i), (_, _, sites) in self.numbers.items()
            for site, number in sites.items()
        ]


def address(rnd: random.Random, cum: list[float]) -> tuple[str, str, bool]:
    """(zipcode, address, whether it names its 시·도) of a delivery, written the many ways buyers and marketplaces
    write them."""
    if rnd.random() < UNPLACEABLE_SHARE:
        return ("" if rnd.random() < 0.7 else f"{rnd.randrange(10000, 64000):05d}"), rnd.choice(UNPLACEABLE), False
    sido, others, _, prefixes, places = rnd.choices(REGIONS, cum_weights=cum)[0]
    place, roads, dongs = rnd.choice(places)
    r = rnd.random()
    head = sido if r < 0.78 else rnd.choice(others)
    zipcode = f"{rnd.choice(prefixes):02d}{rnd.randrange(1000):03d}"
    detail = rnd.choice(DETAILS)
    if rnd.random() < 0.78:  # road-name address, sometimes with its 동 in brackets
        road = rnd.choice(roads.split())
        body = f"{road} {rnd.randrange(1, 400)}" + (f"번길 {rnd.randrange(1, 60)}" if rnd.random() < 0.15 else "")
        if rnd.random() < 0.3:
            body += f" ({rnd.choice(dongs.split())})"
    else:  # lot-number address
        body = f"{rnd.choice(dongs.split())} {rnd.randrange(1, 1500)}" + (
            f"-{rnd.randrange(1, 40)}" if rnd.random() < 0.6 else ""
        )
    text = " ".join(p for p in (head, place, body) if p) + (f", {detail}" if detail else "")
    z = rnd.random()
    if z < 0.05:  # the postal code inside the address, none in its field
        return "", f"({zipcode}) {text}", True
    if z < 0.07:  # an old six-digit code
        return f"{zipcode[:3]}-{rnd.randrange(100, 999)}", text, True
    if z < 0.1:
        return "", text, True
    return zipcode, text, True


def person(rnd: random.Random) -> tuple[str, str]:
    name = rnd.choice(SURNAMES) + rnd.choice(GIVEN) + rnd.choice(GIVEN)
    return name, f"010-{rnd.randrange(10000):04d}-{rnd.randrange(10000):04d}"


def status_for(rnd: random.Random, age: int, S: Any) -> Any:
    """An order line's status (``S``: OrderStatus) by its age in days at the end of the period."""
    if rnd.random() < CANCEL_SHARE:
        return S.CANCELLED
    if age >= 5:
        return S.DELIVERED
    if age >= 2:
        return rnd.choices((S.DELIVERED, S.SHIPPING), (70, 30))[0]
    if age == 1:
        return rnd.choices((S.CONFIRMED, S.SHIPPING, S.DELIVERED), (20, 70, 10))[0]
    return rnd.choices((S.NEW, S.CONFIRMED, S.SHIPPING), (30, 50, 20))[0]


def _utc(kst: dt.datetime) -> str:
    return (kst - dt.timedelta(hours=9)).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def day_counts(n: int, start: dt.date, rnd: random.Random) -> list[int]:
    """Lines per day: a slow rise, a weekly rhythm and a few sale days; exactly ``n`` in all."""
    sale_days = set(rnd.sample(range(DAYS), 4))
    weights = [
        (1 + 0.3 * d / DAYS) * WEEKDAY[(start + dt.timedelta(days=d)).weekday()] * (1.8 if d in sale_days else 1)
        for d in range(DAYS)
    ]
    total = sum(weights)
    counts = [int(n * w / total) for w in weights]
    for d in rnd.sample(range(DAYS), n - sum(counts)):
        counts[d] += 1
    return counts


def generate(n: int, start: dt.date, rnd: random.Random, cat: Catalogue, sink: Any) -> tuple[list[Any], Result]:
    """Make ``n`` order lines day by day, oldest first, handing ``sink`` the ``orders`` rows in chunks; returns
    the return claims and what was made."""
    from batch.models import Claim, ClaimStatus, ClaimType, OrderLine, OrderStatus

    end = start + dt.timedelta(days=DAYS - 1)
    last = dt.datetime.combine(end, dt.time(23, 59))  # no claim asked after the period (the build's yesterday)
    markets = list(MARKETS)
    market_cum = _cum([MARKETS[m][0] for m in markets])
    account_cum = {m: (list(a for a, _ in accs), _cum([w for _, w in accs])) for m, (_, accs) in MARKETS.items()}
    region_cum = _cum([r[2] for r in REGIONS])
    hour_cum = _cum(HOURS)
    return_base = RETURN_SHARE / 0.97 / (sum(cat.returns) / PRODUCTS)
    claims: list[Claim] = []
    rows: list[tuple[Any, ...]] = []
    serial = {m: itertools.count(1) for m in markets}
    our = itertools.count(1)
    claim_serial = itertools.count(1)
    made = {"orders": 0, "cancelled": 0, "unlinked": 0, "unplaceable": 0}
    checked = False
    for d, quota in enumerate(day_counts(n, start, rnd)):
        day = start + dt.timedelta(days=d)
        age = (end - day).days
        ymd = day.strftime("%Y%m%d")
        # the day's orders, in time order (our order numbers rise with time)
        stamps = sorted(
            (rnd.choices(range(24), cum_weights=hour_cum)[0], rnd.randrange(60)) for _ in range(quota)
        )  # more than enough: an order takes one to three of the day's lines
        made_today, k = 0, 0
        while made_today < quota:
            hh, mm = stamps[k]
            k += 1
            size = min(quota - made_today, rnd.choices((1, 2, 3), (75, 18, 7))[0])
            market = rnd.choices(markets, cum_weights=market_cum)[0]
            names, cum = account_cum[market]
            account = rnd.choices(names, cum_weights=cum)[0]
            listed, listed_cum = cat.listed[(market, account)]
            picks = list(dict.fromkeys(rnd.choices(listed, cum_weights=listed_cum, k=size)))
            seq = next(serial[market])
            order_no = {
                "coupang": f"{3_000_000_000_000 + seq}",
                "naver": f"{ymd}{seq:08d}",
                "11st": f"{ymd}{seq:06d}",
                "esm": f"{3_100_000_000 + seq}",
                "tmon": f"{1_200_000_000 + seq}",
            }[market]
            ordered = dt.datetime.combine(day, dt.time(hh, mm))
            seen = ordered + dt.timedelta(minutes=rnd.randrange(30, 150))
            first_seen = _utc(seen)
            buyer, buyer_phone = person(rnd)
            receiver, receiver_phone = (buyer, buyer_phone) if rnd.random() < 0.85 else person(rnd)
            zipcode, addr, placed = address(rnd, region_cum)
            made["unplaceable"] += not placed
            message = rnd.choice(MESSAGES)
            site = rnd.choices(("gmarket", "auction"), (60, 40))[0] if market == "esm" else ""
            for i in picks:
                code, pname, _, price, options, opt_name = cat.products[i]
                if rnd.random() < UNLINKED_SHARE:  # a listing made by hand on the marketplace: no code of ours
                    product_no = f"{9_000_000_000 + next(cat.unlinked)}"
                    option_nos = [f"{product_no}{k + 1:02d}" for k in range(max(1, len(options)))]
                    made["unlinked"] += 1
                    shown, code = f"{pname} (직접 등록)", ""
                else:
                    product_no, option_nos, sites = cat.numbers[(market, account, i)]
                    product_no = sites.get(site, product_no)
                    shown = pname
                o = rnd.randrange(len(options)) if options else 0
                value, extra = options[o] if options else ("", 0)
                status = status_for(rnd, age, OrderStatus)
                made["cancelled"] += status is OrderStatus.CANCELLED
                line = OrderLine(
                    market=market,
                    account=account,
                    order_no=order_no,
                    delivery_no=f"{order_no}1" if market == "tmon" else order_no,
                    product_no=product_no,
                    option_no=option_nos[o] if options else option_nos[0],
                    product_name=shown,
                    option_text=f"{opt_name}: {value}" if value else "",
                    qty=rnd.choices((1, 2, 3), (80, 15, 5))[0],
                    price=price + extra,
                    ordered_at=ordered.strftime("%Y-%m-%d %H:%M"),
                    status=status,
                    buyer=buyer,
                    buyer_phone=buyer_phone,
                    receiver=receiver,
                    receiver_phone=receiver_phone,
                    zipcode=zipcode,
                    address=addr,
                    message=message,
                    site=site,
                    option_code=f"{code}-{o + 1:03d}" if code and market in ECHOES_OPTION else "",
                )
                fields = vars(line)  # the same as asdict() for this flat dataclass (checked once), 5x faster
                if not checked:
                    assert fields == asdict(line)
                    checked = True
                updated = _utc(seen + dt.timedelta(days=min(age, 3))) if status is OrderStatus.DELIVERED else first_seen
                rows.append(
                    (
                        market,
                        account,
                        order_no,
                        product_no,
                        line.option_no,
                        f"{ymd}{next(our):07d}",
                        status.value,
                        json.dumps(fields, ensure_ascii=False),
                        first_seen,
                        updated,
                    )
                )
                if status is OrderStatus.DELIVERED and age >= 4 and rnd.random() < return_base * cat.returns[i]:
                    asked = min(ordered + dt.timedelta(days=rnd.randrange(3, 10), minutes=rnd.randrange(1440)), last)
                    claims.append(
                        Claim(
                            market=market,
                            account=account,
                            claim_no=f"{7_000_000_000 + next(claim_serial)}",
                            order_no=order_no,
                            product_no=product_no,
                            product_name=shown,
                            kind=ClaimType.RETURN,
                            status=ClaimStatus.DONE,
                            reason=rnd.choice(REASONS),
                            buyer=buyer,
                            requested_at=asked.strftime("%Y-%m-%d %H:%M"),
                            site=site,
                            line_no=line.option_no,
                            pickup=f"CJ대한통운 {rnd.randrange(10**11, 10**12)}",
                            shown="반품완료",
                        )
                    )
            made_today += len(picks)
            made["orders"] += 1
            if len(rows) >= CHUNK:
                sink(rows)
                rows = []
    if rows:
        sink(rows)
    return claims, made


# --- the workspace ----------------------------------------------------------------------------------------


def build(n: int, out: Path) -> tuple[Path, Result]:
    """The workspace ``out/stats_<n>`` and what its ledger holds; built again unless ``built.json`` says it is
    this version's ``n`` lines."""
    root = out / f"stats_{n}"
    marker = root / "built.json"
    if marker.exists():
        meta: Result = json.loads(marker.read_text(encoding="utf-8"))
        if meta.get("version") == VERSION and meta.get("lines") == n:
            return root, {**meta, "cached": True}
    from batch.config import CONFIG_NAME
    from batch.jobs.init import init_workspace
    from batch.ledger import Ledger
    from batch.models import now_kst
    from batch.stockbook import StockBook

    shutil.rmtree(root, ignore_errors=True)
    began = time.perf_counter()
    init_workspace(root, markets=("tmon", "coupang", "naver", "11st", "esm"))
    more = [(m, a) for m, (_, accounts) in MARKETS.items() for a, _ in accounts if a != "main"]
    with (root / CONFIG_NAME).open("a", encoding="utf-8") as f:
        f.writelines(f'\n[[accounts]]\nmarket = "{m}"\nname = "{a}"\nbase_url = "sandbox:"\n' for m, a in more)
    end = now_kst().date() - dt.timedelta(days=1)
    start = end - dt.timedelta(days=DAYS - 1)
    rnd = random.Random(SEED)
    cat = Catalogue(rnd)
    ledger = Ledger(root / "state" / "ledger.sqlite")
    try:
        book = StockBook(ledger)
        categories = "category" in inspect.signature(book.define).parameters
        for code, name, category, price, options, _ in cat.products:
            numbered = [(value, f"{code}-{k + 1:03d}", extra) for k, (value, extra) in enumerate(options)]
            book.define(
                code,
                name,
                [(value, number, 100, True) for value, number, _ in numbered] or [("", f"{code}-001", 100, True)],
                "bench",
                price=price,
                extras={number: extra for _, number, extra in numbered if extra},
                **({"category": category} if categories else {}),
            )
        links, sites = cat.links(), cat.site_numbers()
        with ledger.db:
            ledger.db.execute("BEGIN")
            ledger.db.executemany("INSERT INTO links VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", links)
            ledger.db.executemany("INSERT INTO site_numbers VALUES (?, ?, ?, ?, ?)", sites)

        def sink(rows: list[tuple[Any, ...]]) -> None:
            ledger.db.executemany("INSERT INTO orders VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)

        with ledger.db:
            ledger.db.execute("BEGIN")
            claims, made = generate(n, start, rnd, cat, sink)
            ledger.db.execute(
                "INSERT INTO counters VALUES ('order', ?) ON CONFLICT (name) DO UPDATE SET value=?", (n, n)
            )
        ledger.store_claims(claims)
        ledger.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        ledger.close()
    meta = {
        "version": VERSION,
        "lines": n,
        "start": start.isoformat(),
        "end": end.isoformat(),
        **made,
        "products": PRODUCTS,
        "links": len(links),
        "returns": len(claims),
        "categories": categories,
        "ledger_mb": round((root / "state" / "ledger.sqlite").stat().st_size / 2**20, 1),
        "build_s": round(time.perf_counter() - began, 1),
    }
    marker.write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
    return root, {**meta, "cached": False}


# --- ours, in a fresh process -----------------------------------------------------------------------------


def ours(root: Path, start: dt.date, end: dt.date) -> Result:
    from batch.config import load_workspace
    from batch.jobs.stats import run_stats

    for module in ("pandas", "xlsxwriter", "duckdb"):  # whatever run_stats uses, imported outside the timing
        if importlib.util.find_spec(module):
            importlib.import_module(module)
    ws = load_workspace(root)
    when = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(9, 0))
    began = time.perf_counter()
    run = run_stats(ws, start, end, when=when)
    seconds = time.perf_counter() - began
    return {
        "seconds": seconds,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,  # KiB on Linux
        "path": str(run.path),
    }


def run_ours(root: Path, meta: Result, runs: int) -> Result:
    """Median seconds and median peak of ``runs`` fresh processes, and every run's seconds."""
    results = []
    for _ in range(runs):
        for old in root.glob("outbox/통계_*"):
            old.unlink()
        cmd = [sys.executable, __file__, "--measure", str(root), meta["start"], meta["end"]]
        proc = subprocess.run(cmd, capture_output=True, text=True, env=child_env(), check=False)
        if proc.returncode:
            raise SystemExit(f"run_stats failed:\n{proc.stderr[-5000:]}")
        results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    return {
        "seconds": statistics.median(r["seconds"] for r in results),
        "peak_mb": statistics.median(r["peak_mb"] for r in results),
        "each": [r["seconds"] for r in results],
        "path": results[-1]["path"],
    }


def workbook(path: Path) -> str:
    """Size, sheets and chart parts of the written workbook (read after the runs, not timed)."""
    import zipfile

    with zipfile.ZipFile(path) as z:
        names = z.namelist()
    sheets = sum(1 for p in names if p.startswith("xl/worksheets/sheet"))
    charts = sum(1 for p in names if p.startswith("xl/charts/chart"))
    return f"{path.stat().st_size / 2**20:.2f} MB, {sheets} sheets, {charts} charts"


# --- table ------------------------------------------------------------------------------------------------


def _check(ok: bool) -> str:
    return "OK" if ok else "MISS"


def cells(meta: Result, mine: Result | None) -> dict[str, str]:
    n = meta["lines"]
    out = {
        "ledger: order lines / orders / products": f"{n:,} / {meta['orders']:,} / {meta['products']:,}",
        "ledger: days": f"{DAYS} ({meta['start']} .. {meta['end']})",
        "ledger: cancelled / returned lines": f"{meta['cancelled']:,} / {meta['returns']:,}",
        "ledger: unlinked lines / unplaceable orders": f"{meta['unlinked']:,} / {meta['unplaceable']:,}",
        "ledger: file": f"{meta['ledger_mb']:,.0f} MB",
        "build (not timed)": ("cached, built in " if meta["cached"] else "") + f"{meta['build_s']:.0f} s",
    }
    if mine is not None:
        out |= {
            f"ours: run_stats, median of {len(mine['each'])}": f"{mine['seconds']:.2f} s / {mine['peak_mb']:.0f} MB",
            "ours: each run": ", ".join(f"{s:.2f}" for s in mine["each"]) + " s",
            "workbook": workbook(Path(mine["path"])),
            f"target <= {TIME_TARGET_S:g} s": _check(mine["seconds"] <= TIME_TARGET_S),
            "target peak < 1 GiB": _check(mine["peak_mb"] < PEAK_TARGET_MB),
        }
    return out


def footnotes(metas: list[Result], runs: int) -> list[str]:
    import sqlite3

    notes = [
        f"ours = batch.jobs.stats.run_stats(ws, start, end) over the whole {DAYS} days; a fresh process per run,"
        " imports outside the timed section; peak = ru_maxrss of that process; median of"
        f" {runs} runs each.",
        "5 marketplaces, 1-3 accounts each; qty 1-3, 5,000-120,000 won; ~3 % 취소, ~2 % returned (claims 완료);"
        " addresses over all 17 시·도, ~1 % of orders unplaceable; ~1 % of lines of products with no link.",
        f"{platform.python_implementation()} {platform.python_version()}, SQLite {sqlite3.sqlite_version},"
        f" {os.cpu_count()} CPUs, {platform.machine()}.",
    ]
    if not all(m["categories"] for m in metas):
        notes.insert(2, "StockBook.define takes no category yet: the items have none.")
    return notes


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lines", default="1000000", help="order lines in the ledger, comma-separated for several")
    ap.add_argument("--runs", type=int, default=RUNS)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    ap.add_argument("--build-only", action="store_true", help="build (or find) the ledgers, measure nothing")
    ap.add_argument("--measure", nargs=3, metavar=("ROOT", "START", "END"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.measure:
        root, start, end = args.measure
        result = ours(Path(root), dt.date.fromisoformat(start), dt.date.fromisoformat(end))
        print(json.dumps(result, ensure_ascii=False))
        return
    args.out.mkdir(parents=True, exist_ok=True)
    measuring = not args.build_only and importlib.util.find_spec("batch.jobs.stats") is not None
    sizes = [int(s) for s in args.lines.split(",")]
    metas: list[Result] = []
    table: dict[str, list[str]] = {}
    for n in sizes:
        root, meta = build(n, args.out)
        print(
            f"  {n:,} lines: ledger {'found' if meta['cached'] else 'built'} ({meta['build_s']:.0f} s)", file=sys.stderr
        )
        mine = run_ours(root, meta, args.runs) if measuring else None
        metas.append(meta)
        for k, v in cells(meta, mine).items():
            table.setdefault(k, []).append(v)
    rows = [["stats workbook", *(f"{n:,} lines" for n in sizes)], *([k, *v] for k, v in table.items())]
    notes = footnotes(metas, args.runs)
    print(render(rows))
    for note in notes:
        print(f"  * {note}")
    if not measuring:
        print("  * nothing measured: " + ("--build-only." if args.build_only else "batch.jobs.stats is not there yet."))
        return
    text = "# stats bench\n\n" + render(rows, markdown=True) + "\n\n" + "".join(f"* {n}\n" for n in notes)
    (args.out / "stats_bench.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
