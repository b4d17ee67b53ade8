"""Reports by email: the digest's rendering, masking, a real SMTP server (aiosmtpd), exactly-once markers, the .eml
outbox."""

from __future__ import annotations

import email
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from batch.automation.notify import KST, Report, ReportDeliveryError, Section, SmtpSettings, deliver, render
from batch.errors import BatchError
from batch.trade.masking import mask_address, mask_name, mask_phone, mask_text

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NAME, PHONE, ADDRESS = "김민준", "010-1234-5678", "서울특별시 강남구 테헤란로 123, 101동 1203호"
PASSWORD = "s3cret-Pa55word!"


# --------------------------------------------------------------------------- masking


@pytest.mark.parametrize(
    ("clear", "masked"),
    [
        ("김민준", "김*준"),
        ("김민", "김*"),
        ("김", "김"),
        ("남궁민수", "남**수"),
        ("John Smith", "J*** ****h"),
        ("", ""),
    ],
)
def test_mask_name(clear: str, masked: str) -> None:
    assert mask_name(clear) == masked


@pytest.mark.parametrize(
    ("clear", "masked"),
    [
        ("010-1234-5678", "010-1234-****"),
        ("01012345678", "0101234****"),
        ("+82 10 1234 5678", "+82 10 1234 ****"),
        ("02.123.4567", "02.123.****"),
        ("123", "***"),
    ],
)
def test_mask_phone(clear: str, masked: str) -> None:
    assert mask_phone(clear) == masked


@pytest.mark.parametrize(
    ("clear", "masked"),
    [
        ("서울특별시 강남구 테헤란로 123, 101동 1203호", "서울특별시 강남구 테헤란로 ***"),
        ("경기도 성남시 분당구 판교역로 235", "경기도 성남시 분당구 ***"),
        ("강남구 테헤란로 123 101동", "강남구 테헤란로 ***"),
        ("세종특별자치시 한누리대로 2130", "세종특별자치시 한누리대로 ***"),
        ("서울특별시 강남구 역삼동", "서울특별시 강남구 ***"),
        ("강남구", "***"),
        ("", ""),
    ],
)
def test_mask_address(clear: str, masked: str) -> None:
    assert mask_address(clear) == masked


def test_mask_text_masks_given_values_and_stray_phone_numbers() -> None:
    text = f"구매자 {NAME} {PHONE} / 02-123-4567, 주문번호 20240501123456, {ADDRESS}"
    assert mask_text(text, names=[NAME], addresses=[ADDRESS]) == (
        "구매자 김*준 010-1234-**** / 02-123-****, 주문번호 20240501123456, 서울특별시 강남구 테헤란로 ***"
    )


# --------------------------------------------------------------------------- fixtures


@dataclass
class Stored:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes
    authenticated: bool

    def message(self) -> EmailMessage:
        msg = email.message_from_bytes(self.content, policy=policy.default)
        assert isinstance(msg, EmailMessage)
        return msg


@dataclass
class Handler:
    messages: list[Stored] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(
            Stored(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content, bool(session.authenticated))
        )
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _authenticator(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
    ok = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login == b"seller"
        and auth_data.password == PASSWORD.encode()
    )
    return AuthResult(success=ok, handled=False)


@pytest.fixture
def smtp_server() -> Iterator[tuple[Handler, int]]:
    handler = Handler()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


@pytest.fixture
def auth_smtp_server() -> Iterator[tuple[Handler, int]]:
    handler = Handler()
    port = _free_port()
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=port,
        authenticator=_authenticator,
        auth_require_tls=False,  # a loopback test server without a certificate (AUTH not required: no warning)
    )
    controller.start()
    yield handler, port
    controller.stop()


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    path = tmp_path / "상품등록_결과_5월.xlsx"
    path.write_bytes(b"PK\x03\x04 result workbook bytes \x00\xff")
    return path


INVOICE_RESULT = "outbox/송장_5월1일_결과_20240501-093000.xlsx"
ORDERS_EXPORT = "outbox/20240501-093000_주문_a1b2c3.xlsx"
SUBJECT = "[batch] 2024-05-01 09:30 보고 — 송장대량등록 1개 처리 (오류 있음) · 상품대량등록 1개 처리 · 새 주문 3건 (일부 계정 실패)"


@pytest.fixture
def report(workbook: Path) -> Report:
    """A pass's digest: an invoice file (buyer data: never attached), a product file (attached), a collection."""
    return Report(
        sections=[
            Section(
                kind="송장대량등록",
                title="송장_5월1일.xlsx",
                status="처리함 (오류가 있는 행이 있습니다)",
                counts={"쿠팡": {"성공": 10, "실패": 2}, "11번가": {"성공": 3, "보류": 1}},
                problems=[
                    (
                        "invoice-unknown-courier",
                        f"4행 택배사를 알 수 없습니다 (구매자 {mask_name(NAME)}, {mask_phone(PHONE)}, {mask_address(ADDRESS)})",
                        "택배사 열에서 목록의 이름을 고르세요",
                    ),
                    (
                        "invoice-duplicate",
                        "7행 송장번호가 중복입니다 <script>alert(1)</script>",
                        "송장번호를 확인하세요",
                    ),
                ],
                files=[f"결과 파일: {INVOICE_RESULT} (구매자 정보가 있어 메일에 붙이지 않았습니다)"],
            ),
            Section(
                kind="상품대량등록",
                title="5월 신상품.xlsx",
                status="처리함",
                counts={"티몬": {"성공": 2}},
                files=[f"결과 파일: outbox/{workbook.name} (메일에 첨부)"],
                attachment=workbook,
            ),
            Section(
                kind="주문 수집",
                title="쿠팡·티몬",
                status="일부 계정 실패",
                counts={"쿠팡": {"새 주문": 3, "파일 행": 5}},
                problems=[("collect-failed", "티몬/main: 인증이 거절되었습니다", "계정을 확인하세요")],
                files=[f"모은 파일: {ORDERS_EXPORT} (5행, 구매자 정보가 있어 메일에 붙이지 않았습니다)"],
                note="새 주문 쿠팡 3건 · 티몬 모으지 못함",
            ),
        ],
        headline="송장대량등록 1개 처리 (오류 있음) · 상품대량등록 1개 처리 · 새 주문 3건 (일부 계정 실패)",
        warnings=["쿠팡 API 키가 7일 뒤 만료됩니다", f"연락처 {PHONE} 확인 필요"],  # a stray clear phone: masked anyway
        when=datetime(2024, 5, 1, 9, 30, tzinfo=KST),
    )


def _settings(port: int, **kw: Any) -> SmtpSettings:
    base: dict[str, Any] = {
        "host": "127.0.0.1",
        "port": port,
        "user_env": "TEST_BATCH_SMTP_USER",
        "password_env": "TEST_BATCH_SMTP_PASSWORD",
        "sender": "seller@example.com",
        "recipients": ["ops@example.com", "담당자 <boss@example.com>"],
        "timeout": 5.0,
    }
    return SmtpSettings(**(base | kw))


@pytest.fixture(autouse=True)
def _no_smtp_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TEST_BATCH_SMTP_USER", raising=False)
    monkeypatch.delenv("TEST_BATCH_SMTP_PASSWORD", raising=False)


def _bodies(msg: EmailMessage) -> tuple[str, str]:
    text, html = msg.get_body(("plain",)), msg.get_body(("html",))
    assert text is not None and html is not None
    return text.get_content(), html.get_content()


def _attachments(msg: EmailMessage) -> list[EmailMessage]:
    return list(msg.iter_attachments())  # type: ignore[arg-type]


def _assert_masked(*texts: str) -> None:
    for text in texts:
        for clear in (NAME, PHONE, "5678", "101동", "1203호"):
            assert clear not in text
        for masked in ("김*준", "010-1234-****", "서울특별시 강남구 테헤란로 ***"):
            assert masked in text


# --------------------------------------------------------------------------- rendering


def test_render_korean_text_and_escaped_html(report: Report) -> None:
    subject, text, html = render(report)
    assert subject == SUBJECT
    lines = text.splitlines()
    assert lines[0] == "batch 보고 (2024-05-01 09:30)"
    at = lines.index("1. 송장대량등록: 송장_5월1일.xlsx — 처리함 (오류가 있는 행이 있습니다)")
    assert lines[at + 1 : at + 9] == [
        "   - 쿠팡: 성공 10, 실패 2, 보류 0",
        "   - 11번가: 성공 3, 실패 0, 보류 1",
        "   주요 문제 (상위 2개):",
        "   1) [invoice-unknown-courier] 4행 택배사를 알 수 없습니다 (구매자 김*준, 010-1234-****, 서울특별시 강남구 테헤란로 ***)",
        "      → 해결 방법: 택배사 열에서 목록의 이름을 고르세요",
        "   2) [invoice-duplicate] 7행 송장번호가 중복입니다 <script>alert(1)</script>",
        "      → 해결 방법: 송장번호를 확인하세요",
        f"   결과 파일: {INVOICE_RESULT} (구매자 정보가 있어 메일에 붙이지 않았습니다)",
    ]
    at = lines.index("3. 주문 수집: 쿠팡·티몬 — 일부 계정 실패")
    assert lines[at + 1 : at + 3] == ["   새 주문 쿠팡 3건 · 티몬 모으지 못함", "   - 쿠팡: 새 주문 3, 파일 행 5"]
    assert f"   모은 파일: {ORDERS_EXPORT} (5행, 구매자 정보가 있어 메일에 붙이지 않았습니다)" in lines
    assert "- 쿠팡 API 키가 7일 뒤 만료됩니다" in lines
    assert "첨부: 상품등록_결과_5월.xlsx — 상품 파일의 결과 통합문서입니다 (구매자 정보는 들어 있지 않습니다)." in lines
    assert "<script>" not in html and "&lt;script&gt;" in html
    _assert_masked(text, html)


def test_an_empty_digest_says_nothing_came() -> None:
    subject, text, _ = render(Report(when=datetime(2026, 12, 2, 14, 5, tzinfo=KST)))
    assert subject == "[batch] 2026-12-02 14:05 보고 — 새로 들어온 것이 없습니다"
    assert "이번 확인에서 처리한 파일도, 새로 모은 주문·클레임·문의도 없습니다." in text
    assert "첨부 파일은 없습니다." in text


# --------------------------------------------------------------------------- SMTP


def test_sends_once_with_masked_body_and_attachment(
    smtp_server: tuple[Handler, int], report: Report, workbook: Path, tmp_path: Path
) -> None:
    handler, port = smtp_server
    smtp = _settings(port)
    note = deliver(report, smtp, tmp_path / "outbox", tmp_path / "state")
    assert isinstance(note, str) and note.startswith("보고서를 보냈습니다")

    assert len(handler.messages) == 1
    stored = handler.messages[0]
    assert stored.mail_from == "seller@example.com"
    assert not stored.authenticated  # no credentials in the environment: no login
    assert sorted(stored.rcpt_tos) == ["boss@example.com", "ops@example.com"]
    msg = stored.message()
    assert msg["Subject"] == SUBJECT  # no space lost where the header folds
    assert msg["To"] == "ops@example.com, 담당자 <boss@example.com>"
    text, html = _bodies(msg)
    _assert_masked(text, html)
    assert NAME.encode() not in stored.content and PHONE.encode() not in stored.content

    (attachment,) = _attachments(msg)
    assert attachment.get_content_type() == XLSX
    assert attachment.get_filename() == "상품등록_결과_5월.xlsx"
    assert b"filename*" in stored.content  # RFC 2231, not a mangled or ASCII-only name
    assert attachment.get_content() == workbook.read_bytes()

    rid = report.report_id()
    assert (tmp_path / "state" / "reports" / f"{rid}.sent").exists()
    assert not (tmp_path / "state" / "reports" / f"{rid}.sending").exists()

    again = deliver(report, smtp, tmp_path / "outbox", tmp_path / "state")
    assert isinstance(again, str) and "이미 보낸" in again
    assert len(handler.messages) == 1


def test_interrupted_send_is_not_repeated(smtp_server: tuple[Handler, int], report: Report, tmp_path: Path) -> None:
    handler, port = smtp_server
    markers = tmp_path / "state" / "reports"
    markers.mkdir(parents=True)
    sending = markers / f"{report.report_id()}.sending"
    sending.write_text("{}", encoding="utf-8")  # killed after handing the message over, before renaming

    note = deliver(report, _settings(port), tmp_path / "outbox", tmp_path / "state")
    assert isinstance(note, str) and "이미 발송되었을 수 있습니다" in note and str(sending) in note
    assert handler.messages == []
    assert sending.exists()


def test_login_with_credentials_from_the_environment(
    auth_smtp_server: tuple[Handler, int], report: Report, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    handler, port = auth_smtp_server
    monkeypatch.setenv("TEST_BATCH_SMTP_USER", "seller")
    monkeypatch.setenv("TEST_BATCH_SMTP_PASSWORD", PASSWORD)
    deliver(report, _settings(port), tmp_path / "outbox", tmp_path / "state")
    assert len(handler.messages) == 1
    assert handler.messages[0].authenticated
    assert PASSWORD.encode() not in handler.messages[0].content


def _chain(exc: BaseException) -> str:
    parts: list[str] = []
    current: BaseException | None = exc
    while current is not None:
        parts += [str(current), repr(current.args)]
        current = current.__cause__ or current.__context__
    return "\n".join(parts)


def test_wrong_password_never_appears_in_the_error(
    auth_smtp_server: tuple[Handler, int], report: Report, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    handler, port = auth_smtp_server
    monkeypatch.setenv("TEST_BATCH_SMTP_USER", "seller")
    monkeypatch.setenv("TEST_BATCH_SMTP_PASSWORD", "wrong-" + PASSWORD)
    with pytest.raises(ReportDeliveryError) as caught:
        deliver(report, _settings(port), tmp_path / "outbox", tmp_path / "state")
    assert isinstance(caught.value, BatchError)
    assert "127.0.0.1" in caught.value.message and "TEST_BATCH_SMTP_PASSWORD" in caught.value.message
    assert PASSWORD not in _chain(caught.value)
    assert handler.messages == []
    # refused for certain: no marker left, a later run may send
    assert list((tmp_path / "state" / "reports").iterdir()) == []


def test_half_configured_credentials_are_refused(
    report: Report, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TEST_BATCH_SMTP_PASSWORD", PASSWORD)
    with pytest.raises(ReportDeliveryError, match="TEST_BATCH_SMTP_USER") as caught:
        deliver(report, _settings(_free_port()), tmp_path / "outbox", tmp_path / "state")
    assert PASSWORD not in _chain(caught.value)


def test_unreachable_server_leaves_no_marker_and_a_retry_sends(
    smtp_server: tuple[Handler, int], report: Report, tmp_path: Path
) -> None:
    handler, port = smtp_server
    dead = _free_port()
    with pytest.raises(ReportDeliveryError, match=f"127.0.0.1:{dead}"):
        deliver(report, _settings(dead), tmp_path / "outbox", tmp_path / "state")
    assert not (tmp_path / "state" / "reports" / f"{report.report_id()}.sending").exists()

    deliver(report, _settings(port), tmp_path / "outbox", tmp_path / "state")
    assert len(handler.messages) == 1


# --------------------------------------------------------------------------- no SMTP: the outbox


def test_without_smtp_an_eml_is_written_once(report: Report, workbook: Path, tmp_path: Path) -> None:
    outbox = tmp_path / "outbox"
    path = deliver(report, None, outbox, tmp_path / "state")
    assert isinstance(path, Path)
    assert path.parent == outbox / "reports" and path.suffix == ".eml"

    msg = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert isinstance(msg, EmailMessage)
    assert msg["Subject"] == SUBJECT
    assert path.name.startswith("20240501-093000-송장대량등록-상품대량등록-주문_수집-")
    _assert_masked(*_bodies(msg))
    (attachment,) = _attachments(msg)
    assert attachment.get_filename() == workbook.name
    assert attachment.get_content() == workbook.read_bytes()

    assert deliver(report, SmtpSettings(host=""), outbox, tmp_path / "state") == path
    assert list((outbox / "reports").iterdir()) == [path]


def test_report_id_is_stable_and_depends_on_the_attachment(report: Report, workbook: Path) -> None:
    first = report.report_id()
    assert report.report_id() == first
    workbook.write_bytes(b"other bytes")
    assert report.report_id() != first


def test_settings_from_toml_table() -> None:
    assert SmtpSettings.from_table(None) is None
    assert SmtpSettings.from_table({"recipients": ["a@example.com"]}) is None
    smtp = SmtpSettings.from_table(
        {"host": "smtp.example.com", "recipients": "a@example.com", "sender": "b@example.com"}
    )
    assert smtp == SmtpSettings(host="smtp.example.com", sender="b@example.com", recipients=["a@example.com"])


class EchoingHandler(Handler):
    """A server that quotes the client's AUTH line back in its refusal (some do, in their logs and replies)."""

    async def auth_PLAIN(self, server: Any, args: list[str]) -> AuthResult:
        await server.push(f"535 5.7.8 Authentication failed: AUTH {' '.join(args)}")
        return AuthResult(success=False, handled=True)


def test_the_auth_line_a_server_echoes_is_redacted_in_every_form(
    report: Report, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import base64
    from urllib.parse import quote

    handler = EchoingHandler()
    port = _free_port()
    controller = Controller(
        handler, hostname="127.0.0.1", port=port, auth_require_tls=False, auth_exclude_mechanism=["LOGIN"]
    )
    controller.start()
    try:
        password = "pa ss/word+" + PASSWORD
        monkeypatch.setenv("TEST_BATCH_SMTP_USER", "seller")
        monkeypatch.setenv("TEST_BATCH_SMTP_PASSWORD", password)
        with pytest.raises(ReportDeliveryError) as caught:
            deliver(report, _settings(port), tmp_path / "outbox", tmp_path / "state")
    finally:
        controller.stop()
    blob = base64.b64encode(f"\0seller\0{password}".encode()).decode()
    shown = _chain(caught.value)
    assert "AUTH PLAIN ****" in caught.value.message  # the server did echo it, and we hid it
    for form in (
        password,
        blob,
        blob.rstrip("="),
        quote(password, safe=""),
        base64.b64encode(password.encode()).decode(),
    ):
        assert form not in shown
    assert caught.value.__cause__ is None  # the refusal is never chained into a --verbose traceback
