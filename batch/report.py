"""Problems found in a workbook, gathered in one Report that every view renders."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field, replace
from enum import StrEnum
from typing import Any

# Characters staff cannot see but that change what they read: controls, zero-width, bidi overrides and isolates.
_INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def visible(text: str) -> str:
    """``text`` as staff should read it in a message: NFC (Hangul composed), each invisible character shown as
    ⟨U+202E⟩ so that a bidi override or zero-width space in a cell or file name cannot disguise it."""
    text = unicodedata.normalize("NFC", text)
    if _INVISIBLE.search(text) is None:
        return text
    return _INVISIBLE.sub(lambda m: f"⟨U+{ord(m.group()):04X}⟩", text)


def _shown(problem: Problem) -> Problem:
    if (problem.message.isascii() and problem.message.isprintable()) or _INVISIBLE.search(problem.message) is None:
        return problem
    return replace(problem, message=visible(problem.message))


class Severity(StrEnum):
    ERROR = "오류"  # the row is not sent
    WARNING = "경고"  # the row is sent, flagged


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding, placed on a cell as staff see it in Excel (1-based row, header text)."""

    sheet: str
    row: int | None
    column: str | None
    code: str
    severity: Severity
    message: str
    product: str | None = None  # the 자체상품코드 the finding belongs to, if any
    market: str | None = None  # set when the rule is one marketplace's only (Market value)

    def flat(self) -> tuple[str, int | None, str | None, str]:
        return (self.sheet, self.row, self.column, self.code)


@dataclass(frozen=True, slots=True)
class CodeInfo:
    title: str
    hint: str


# The catalogue of problem codes: a short Korean title and what to do about it.
CODES: dict[str, CodeInfo] = {
    "required-value": CodeInfo("필수 값 없음", "빈 칸에 값을 넣어 주세요."),
    "image-needs-url": CodeInfo("이미지 주소 필요", "이미지를 웹에 올리고 https:// 주소를 적어 주세요."),
    "market-not-supported": CodeInfo(
        "보낼 수 없는 마켓", "쿠팡·스마트스토어·티몬 중에서 고르거나 그 그룹을 지워 주세요."
    ),
    "formula-cell": CodeInfo("수식 칸", "수식 대신 값을 넣어 주세요 (붙여넣기 옵션: 값). 결과 파일에는 값만 남습니다."),
    "formula-no-value": CodeInfo("값 없는 수식", "엑셀에서 열어 값으로 붙여넣은 뒤 저장해 다시 넣어 주세요."),
    "not-in-list": CodeInfo("목록에 없는 값", "칸의 ▼ 목록에서 고르세요."),
    "max-length": CodeInfo("글자 수 초과", "글자 수를 줄여 주세요."),
    "name-width": CodeInfo("상품명 길이 초과", "한글 20자(영문 40자) 이내로 줄여 주세요."),
    "name-characters": CodeInfo("상품명 특수문자", "특수문자는 ( ) / + - ~ 만 쓸 수 있습니다."),
    "name-promotion": CodeInfo("상품명 홍보 문구", "무료배송·특가 같은 홍보 문구를 상품명에서 빼 주세요."),
    "code-format": CodeInfo("코드 형식 오류", "영문, 숫자, - _ 만 쓰세요."),
    "duplicate-code": CodeInfo("코드 중복", "자체상품코드는 파일 안에서 한 번만 쓰세요."),
    "not-integer": CodeInfo("숫자 아님", "쉼표나 '원' 없이 숫자만 넣어 주세요."),
    "out-of-range": CodeInfo("범위 밖의 숫자", "허용 범위 안의 숫자를 넣어 주세요."),
    "invalid-date": CodeInfo("날짜 형식 오류", "YYYYMMDD(예: 20240131) 형식의 실제 날짜를 넣어 주세요."),
    "date-order": CodeInfo("날짜 순서 오류", "유효일자는 제조일자 뒤여야 합니다."),
    "date-expected": CodeInfo("날짜 권장", "식품·전자제품·화장품은 제조일자와 유효일자를 넣는 것이 좋습니다."),
    "category-format": CodeInfo("카테고리 형식 오류", "'대분류 > 중분류 > 소분류' 형식으로 넣어 주세요."),
    "cert-missing": CodeInfo("인증정보 없음", "인증대상이면 인증유형·인증기관·인증번호를 한 줄 이상 넣어 주세요."),
    "cert-conflict": CodeInfo("인증정보 충돌", "인증대상아님이면 인증 칸을 비워 주세요."),
    "cert-incomplete": CodeInfo("인증정보 일부 누락", "인증유형·인증기관·인증번호를 모두 넣어 주세요."),
    "cert-not-transferred": CodeInfo(
        "연동되지 않는 인증", "해당 마켓 판매자 화면에서 직접 등록하거나 상세설명에 표기해 주세요."
    ),
    "notice-incomplete": CodeInfo(
        "품목고시 누락", "품목고시 시트에 빠진 항목을 넣거나 '상세정보 별도표기'를 Y로 하세요."
    ),
    "notice-unknown-field": CodeInfo("품목고시 항목 오류", "그 분류의 항목 이름을 ▼ 목록에서 고르세요."),
    "notice-duplicate-field": CodeInfo("품목고시 항목 중복", "같은 항목은 한 번만 넣어 주세요."),
    "option-missing": CodeInfo("옵션 없음", "옵션명과 옵션값을 넣거나 옵션사용을 '사용안함'으로 하세요."),
    "option-unused": CodeInfo("옵션 사용안함", "옵션사용을 바꾸거나 옵션명·옵션값을 지워 주세요."),
    "option-characters": CodeInfo("옵션 특수문자", "옵션명과 옵션값에는 특수문자를 쓰지 마세요."),
    "option-duplicate": CodeInfo("옵션 중복", "같은 옵션명·옵션값을 두 번 쓰지 마세요."),
    "option-too-many": CodeInfo("옵션 조합 수 초과", "옵션값을 줄이거나 상품을 나눠 등록하세요."),
    "option-unknown-combination": CodeInfo("없는 옵션 조합", "상품 시트의 옵션값으로 만들 수 있는 조합만 쓰세요."),
    "option-duplicate-combination": CodeInfo("옵션 조합 중복", "같은 조합은 한 줄만 쓰세요."),
    "option-price-range": CodeInfo("옵션 추가금액 범위 초과", "추가금액은 대표가격의 -50%~+50% 안이어야 합니다."),
    "option-no-zero-price": CodeInfo("추가금액 0 옵션 없음", "추가금액이 0원인 옵션을 하나 이상 두세요."),
    "option-price-differs": CodeInfo("종합몰 옵션가격", "옵션별 가격이 다르면 종합몰에는 단품으로 나눠 등록하세요."),
    "euc-kr-unsafe": CodeInfo(
        "11번가에 보낼 수 없는 글자", "11번가는 EUC-KR 글자만 받습니다. 이모지·일부 한자 같은 글자를 빼 주세요."
    ),
    "price-unit": CodeInfo("10원 단위 아님", "11번가 판매가는 10원 단위로 넣어 주세요."),
    "stock-zero": CodeInfo("재고 0", "품절 처리가 되려면 재고를 1 이상 넣어 주세요."),
    "stock-below-9999": CodeInfo("티몬 재고 9,999 미만", "티몬은 재고 연동이 불안정해 9,999로 넣기를 권합니다."),
    "addon-not-supported": CodeInfo("추가상품 불가 마켓", "이 마켓에는 추가상품을 빼고 등록하세요."),
    "unknown-product": CodeInfo("상품 시트에 없는 코드", "상품 시트에 있는 자체상품코드를 쓰세요."),
    "unknown-group": CodeInfo("없는 판매정보 그룹", "판매정보 시트에 있는 그룹명을 쓰세요."),
    "group-conflict": CodeInfo("같은 계정 그룹 중복", "한 상품에는 마켓·판매자ID마다 그룹을 하나만 고르세요."),
    "duplicate-group": CodeInfo("그룹명 중복", "판매정보 시트에서 마켓마다 그룹명을 한 번만 쓰세요."),
    "group-has-errors": CodeInfo("판매정보 그룹 오류", "판매정보 시트에서 그 그룹의 빨간 칸을 먼저 고쳐 주세요."),
    "no-target-market": CodeInfo("등록할 마켓 없음", "판매정보그룹 칸에 그룹명을 넣어 주세요."),
    "image-name": CodeInfo("이미지 파일 이름 오류", "파일 이름은 영문과 숫자만, 확장자는 .jpg로 하세요."),
    "image-not-found": CodeInfo("이미지 파일 없음", "통합 문서 옆 images 폴더에 파일을 넣거나 URL을 쓰세요."),
    "image-format": CodeInfo("JPEG 아님", "JPEG(.jpg) 파일로 저장해 주세요."),
    "image-size": CodeInfo("이미지 크기 오류", "1000×1000 픽셀로 맞춰 주세요."),
    "image-too-large": CodeInfo("이미지 용량 초과", "3MB 이하로 줄여 주세요."),
    "image-url": CodeInfo("이미지 주소 오류", "http:// 또는 https:// 로 시작하는 주소를 쓰세요."),
    "example-row-edited": CodeInfo("예시 행 수정됨", "예시 행은 지우고 새 행에 입력하세요."),
    "marketplace-rejected": CodeInfo("마켓이 거절함", "메시지의 마켓 답변을 보고 그 칸을 고친 뒤 다시 넣어 주세요."),
    "not-sent": CodeInfo("보내지 못함", "메시지의 이유(계정, 배송템플릿, 이미지 주소 등)를 고친 뒤 다시 넣어 주세요."),
    "unknown-order": CodeInfo("없는 주문", "주문 수집으로 받은 파일의 주문번호를 그대로 쓰세요."),
    "courier-unknown": CodeInfo("모르는 택배사", "택배사 칸의 ▼ 목록에서 고르세요."),
    "courier-not-supported": CodeInfo("마켓이 받지 않는 택배사", "그 마켓이 받는 택배사를 고르세요."),
    "tracking-invalid": CodeInfo(
        "송장번호 오류", "택배사의 자릿수와 번호를 확인하고, 셀 서식을 텍스트로 바꿔 다시 입력하세요."
    ),
    "tracking-duplicate": CodeInfo("송장번호 중복", "한 송장번호는 한 주문에만 쓰세요."),
    "unit-tracking-conflict": CodeInfo(
        "배송단위에 송장이 여럿", "배송단위(쿠팡 묶음배송번호 등)가 같은 행에는 택배사·송장번호를 하나만 넣어 주세요."
    ),
    "unit-row-error": CodeInfo("배송단위의 다른 행 오류", "같은 배송단위의 오류 행을 고치면 배송단위 전체를 보냅니다."),
    "delay-reason-required": CodeInfo("배송지연사유 필요", "출고가 3일 이상 늦으면 배송지연사유를 넣어 주세요."),
    "unknown-inquiry": CodeInfo("없는 문의", "문의 수집으로 받은 파일의 문의번호를 그대로 쓰세요."),
    "already-answered": CodeInfo("이미 답변함", "이미 답변한 문의는 다시 보내지 않습니다."),
    "answer-forbidden-word": CodeInfo("답변 금지어", "batch.toml의 금지어를 빼고 다시 쓰세요."),
    "unknown-column": CodeInfo("알 수 없는 열", "양식에 없는 열은 무시합니다. 열 이름을 확인하세요."),
}


def code_info(code: str) -> CodeInfo:
    return CODES.get(code, CodeInfo(code, ""))


@dataclass
class Report:
    """All problems of one file. Validation returns it; it never raises on bad rows."""

    problems: list[Problem] = field(default_factory=list)

    def add(self, problem: Problem) -> None:
        self.problems.append(_shown(problem))

    def extend(self, problems: Iterable[Problem]) -> None:
        self.problems.extend(_shown(p) for p in problems)

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.problems)

    def __len__(self) -> int:
        return len(self.problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.WARNING]

    def flat(self) -> list[tuple[str, int | None, str | None, str]]:
        return sorted({p.flat() for p in self.problems}, key=_flat_key)

    def sorted(self) -> list[Problem]:
        return sorted(self.problems, key=lambda p: (p.sheet, p.row or 0, p.column or "", p.code))

    def by_code(self) -> Counter[tuple[str, Severity]]:
        return Counter((p.code, p.severity) for p in self.problems)

    def to_json(self) -> list[dict[str, Any]]:
        rows = []
        for p in self.sorted():
            d = asdict(p)
            d["severity"] = "error" if p.severity is Severity.ERROR else "warning"
            rows.append(d)
        return rows


def _flat_key(t: tuple[str, int | None, str | None, str]) -> tuple[str, int, str, str]:
    return (t[0], t[1] or 0, t[2] or "", t[3])
