"""Domain enums and small value types shared by every layer."""

from __future__ import annotations

from enum import StrEnum


class Family(StrEnum):
    """The manual's two marketplace families, which behave differently."""

    OPEN_MARKET = "오픈마켓"
    DEPARTMENT = "종합몰"


class Market(StrEnum):
    """Every marketplace the manual names. ``label`` is how staff write it in a workbook."""

    TMON = "tmon"
    COUPANG = "coupang"
    NAVER = "naver"
    ST11 = "11st"
    GMARKET = "gmarket"
    AUCTION = "auction"
    INTERPARK = "interpark"
    HMALL = "hmall"
    CJMALL = "cjmall"
    LOTTECOM = "lottecom"
    LOTTEIMALL = "lotteimall"
    GSSHOP = "gsshop"
    PUBLIC = "gongyoung"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def family(self) -> Family:
        return Family.DEPARTMENT if self in _DEPARTMENT else Family.OPEN_MARKET

    @classmethod
    def from_label(cls, text: str) -> Market:
        """Accept the Korean label, an alias (스토어팜) or the code; raise ValueError otherwise."""
        key = text.strip()
        found = _BY_NAME.get(key) or _BY_NAME.get(key.lower())
        if found is None:
            raise ValueError(f"알 수 없는 마켓 이름입니다: {text}")
        return found


_LABELS: dict[Market, str] = {
    Market.TMON: "티몬",
    Market.COUPANG: "쿠팡",
    Market.NAVER: "스마트스토어",
    Market.ST11: "11번가",
    Market.GMARKET: "G마켓",
    Market.AUCTION: "옥션",
    Market.INTERPARK: "인터파크",
    Market.HMALL: "현대몰",
    Market.CJMALL: "CJmall",
    Market.LOTTECOM: "롯데닷컴",
    Market.LOTTEIMALL: "롯데홈쇼핑",
    Market.GSSHOP: "GS SHOP",
    Market.PUBLIC: "공영홈쇼핑",
}
_DEPARTMENT = frozenset({Market.HMALL, Market.CJMALL, Market.LOTTECOM, Market.LOTTEIMALL, Market.GSSHOP, Market.PUBLIC})
_ALIASES = {"스토어팜": Market.NAVER, "네이버": Market.NAVER, "TMON": Market.TMON, "CJ mall": Market.CJMALL}
_BY_NAME: dict[str, Market] = {
    **{m.value: m for m in Market},
    **{label: m for m, label in _LABELS.items()},
    **_ALIASES,
}

MARKET_LABELS: tuple[str, ...] = tuple(_LABELS[m] for m in Market)


class RowResult(StrEnum):
    """What happened to one row, as the result workbook's 처리결과 column shows it."""

    SUCCESS = "성공"
    WARNING = "경고"
    ERROR = "오류"
    SKIPPED = "건너뜀"
    HELD = "보류"
