"""Reports by email: one digest per watch pass (every file processed and every collection run in it).

A :class:`Report` is a list of :class:`Section`, one per file or collection, each with its counts per
marketplace, its top problems with what to do, and where each file it wrote is. ``render`` turns it into a
Korean subject, plain text and HTML (jinja2, HTML autoescaped; templates in ``templates/email/``). ``deliver`` sends it by SMTP (STARTTLS when the server offers it,
credentials from the environment) or, with no SMTP configured, writes ``outbox/reports/<name>.eml``.

Buyer data: the caller masks names, phones and addresses with :mod:`batch.trade.masking` (the one rule);
``render`` also masks any phone number left in problem messages and warnings, as a safety net.

Times are KST (``2026-12-02 14:05``), whatever the machine's time zone.

Exactly once — chosen as **at most once**. A report has a stable id (sha256 of its kind, ``when``, each
section's title, status and files, and the attachments' bytes). Before the SMTP transaction ``state_dir/reports/<id>.sending`` is
created (exclusively, fsynced); as soon as the server has accepted the message it is renamed to
``<id>.sent``. ``deliver`` then:

* ``<id>.sent`` exists — sends nothing, returns a note (already sent);
* only ``<id>.sending`` exists — the process was killed (or lost the connection) after it may have
  handed the message over; it sends nothing and returns a note telling the user to check the inbox and
  delete the marker to send again. A duplicate report is never sent automatically;
* the server refused the message for certain (connection, TLS, login, addresses, DATA rejected) —
  the marker is removed, so the next run can retry, and :class:`ReportDeliveryError` is raised.

Without SMTP the ``.eml`` file name carries the id and is written atomically, so a rerun finds it and
does not write a second one.

Error messages name the host and the environment variables to check, never their values.
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import json
import logging
import os
import smtplib
import ssl
import tempfile
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2

from batch.errors import BatchError
from batch.models import KST, kst_text
from batch.trade.masking import mask_text, redact

log = logging.getLogger(__name__)

TEMPLATE_DIR = Path(__file__).resolve().parents[1] / "templates" / "email"  # shipped in the package
XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
MAX_PROBLEMS = 10
DEFAULT_SENDER = "batch <batch@localhost>"
# Headers fold at 200 characters, not 78: where CPython folds a Korean header between two encoded words it drops
# the space there ("파일 1개(처리 1)"). 200 stays far below the 998 every mail server takes. The subject does not
# rely on this: it is encoded by ``_encoded_words`` and never folded by the standard library.
MAIL_POLICY = policy.default.clone(max_line_length=200)
# UTF-8 bytes per encoded word of the subject: 52 base64 characters, so "Subject: " and one word stay within 76
SUBJECT_WORD_BYTES = 39

ALREADY_SENT = "이미 보낸 보고서입니다. 다시 보내지 않았습니다. (보고서 {id})"
MAYBE_SENT = (
    "이 보고서는 이전 실행에서 보내는 도중에 중단되어 이미 발송되었을 수 있습니다. 중복을 막기 위해 다시 보내지 않았습니다. "
    "받은 편지함을 확인하고, 받지 못했다면 {marker} 파일을 지운 뒤 다시 실행하세요."
)


class ReportDeliveryError(BatchError):
    """The report could not be sent; the message names the host and what to check, never a secret."""


@dataclass
class Section:
    """One file processed (or refused) or one collection run, in a report. Buyer data must already be masked."""

    kind: str  # 상품대량등록, 송장대량등록, 문의답변, 파일, 주문 수집, 취소·반품·교환 수집, 문의 수집
    title: str  # the file's name as dropped, or the collection's marketplaces
    status: str  # one Korean phrase: 처리함, 처리함 (오류 있는 행 있음), 처리하지 못함, 성공, 일부 계정 실패 …
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # marketplace label -> result label -> count
    problems: list[tuple[str, str, str]] = field(default_factory=list)  # (code, message, hint), the top ones
    files: list[str] = field(default_factory=list)  # "결과 파일: outbox/…" — where each file it wrote or moved is
    attachment: Path | None = None  # a result workbook without buyer data (a product file's), attached
    note: str = ""  # one Korean sentence (e.g. why a file was not read)


@dataclass
class Report:
    """What one watch pass did, one section per file and per collection."""

    sections: list[Section] = field(default_factory=list)
    headline: str = ""  # one line: what happened, for the subject
    warnings: list[str] = field(default_factory=list)  # e.g. an API key that expires soon
    notes: list[str] = field(default_factory=list)  # other things the pass did (old outbox files archived)
    when: datetime = field(default_factory=lambda: datetime.now(KST))
    kind: str = "batch 보고"

    @property
    def source(self) -> str:
        return kst_text(self.when)

    @property
    def attachments(self) -> list[Path]:
        return [s.attachment for s in self.sections if s.attachment is not None]

    def report_id(self) -> str:
        """Stable id: the same pass's report always gets the same id (the exactly-once key)."""
        digest = hashlib.sha256()
        parts = [self.kind.encode(), self.when.isoformat().encode()]
        for s in self.sections:
            parts += [s.kind.encode(), s.title.encode(), s.status.encode(), "\n".join(s.files).encode()]
            parts.append(_read(s.attachment) if s.attachment is not None else b"")
        for part in parts:
            digest.update(len(part).to_bytes(8, "big"))
            digest.update(part)
        return digest.hexdigest()


@dataclass
class SmtpSettings:
    """The ``[email]`` table of batch.toml. Credentials are read from the named environment variables."""

    host: str
    port: int = 587
    user_env: str = "BATCH_SMTP_USER"
    password_env: str = "BATCH_SMTP_PASSWORD"
    sender: str = ""
    recipients: list[str] = field(default_factory=list)
    starttls: bool = True
    timeout: float = 30.0

    @classmethod
    def from_table(cls, table: Mapping[str, Any] | None) -> SmtpSettings | None:
        """Settings from a parsed TOML table; ``None`` when there is no table or no ``host`` (write .eml)."""
        if not table or not str(table.get("host", "")).strip():
            return None
        recipients = table.get("recipients", [])
        if isinstance(recipients, str):
            recipients = [recipients]
        return cls(
            host=str(table["host"]).strip(),
            port=int(table.get("port", 587)),
            user_env=str(table.get("user_env", "BATCH_SMTP_USER")),
            password_env=str(table.get("password_env", "BATCH_SMTP_PASSWORD")),
            sender=str(table.get("sender", "")),
            recipients=[str(r) for r in recipients],
            starttls=bool(table.get("starttls", True)),
            timeout=float(table.get("timeout", 30.0)),
        )


# --------------------------------------------------------------------------- rendering


@lru_cache(maxsize=1)
def _env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        autoescape=lambda name: name is not None and name.endswith(".html.j2"),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _header_line(text: str) -> str:
    """``text`` on one line: line breaks and control characters become spaces, every other space is kept (a file
    name's double space stays double)."""
    return "".join(" " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch for ch in text).strip()


def _when(when: datetime) -> str:
    return kst_text(when)  # an aware time is converted, a naive one is KST already


def _table(counts: dict[str, dict[str, int]]) -> tuple[list[tuple[str, int]], list[dict[str, Any]]]:
    labels: list[str] = []
    for results in counts.values():
        labels += [label for label in results if label not in labels]
    totals = [(label, sum(r.get(label, 0) for r in counts.values())) for label in labels]
    rows = [
        {
            "market": market,
            "cells": [(label, results.get(label, 0)) for label in labels],
            "total": sum(results.values()),
        }
        for market, results in counts.items()
    ]
    return totals, rows


def _section(s: Section) -> dict[str, Any]:
    totals, rows = _table(s.counts)
    return {
        "kind": _one_line(s.kind),
        "title": _one_line(s.title),
        "status": _one_line(s.status),
        "note": mask_text(_one_line(s.note)),
        "totals": totals,
        "rows": rows,
        "problems": [
            {"code": code, "message": mask_text(message), "hint": mask_text(hint)}
            for code, message, hint in s.problems[:MAX_PROBLEMS]
        ],
        "more_problems": max(0, len(s.problems) - MAX_PROBLEMS),
        "files": [_one_line(f) for f in s.files],
        "attachment": s.attachment.name if s.attachment else None,
    }


def _context(report: Report) -> dict[str, Any]:
    headline = _header_line(report.headline) or "새로 들어온 것이 없습니다"
    return {
        "subject": f"[batch] {_when(report.when)} 보고 — {headline}",
        "headline": headline,
        "when": _when(report.when),
        "sections": [_section(s) for s in report.sections],
        "warnings": [mask_text(w) for w in report.warnings],
        "notes": [mask_text(n) for n in report.notes],
        "attachments": [p.name for p in report.attachments],
        "report_id": report.report_id()[:12],
    }


def render(report: Report) -> tuple[str, str, str]:
    """``(subject, text, html)`` in Korean."""
    ctx = _context(report)
    text = _env().get_template("report.txt.j2").render(ctx)
    html = _env().get_template("report.html.j2").render(ctx)
    return ctx["subject"], text, html


# --------------------------------------------------------------------------- the message


def _read(attachment: Path) -> bytes:
    try:
        return attachment.read_bytes()
    except OSError as exc:
        raise ReportDeliveryError(
            f"보고서에 첨부할 결과 파일을 읽지 못했습니다: {attachment.name} ({exc.strerror}). 파일이 있는지 확인하세요."
        ) from exc


def _check_address(address: str, what: str) -> str:
    if "@" not in address or any(ch in address for ch in "\r\n"):
        raise ReportDeliveryError(
            f"batch.toml의 {what} 주소가 올바르지 않습니다: {address!r}. 'name@example.com' 형식으로 적으세요."
        )
    return address.strip()


def _encoded_words(text: str) -> str:
    """The subject as RFC 2047 encoded words (UTF-8, base64), one per folded line, each holding whole characters
    and every space among them. A reader drops only the whitespace *between* encoded words — our folding — never
    a space of the subject; the standard library's own folding drops the space where it splits Korean text."""
    chunks: list[bytes] = []
    chunk = b""
    for ch in text:
        raw = ch.encode("utf-8")
        if chunk and len(chunk) + len(raw) > SUBJECT_WORD_BYTES:
            chunks.append(chunk)
            chunk = b""
        chunk += raw
    if chunk:
        chunks.append(chunk)
    return "\n ".join(f"=?utf-8?b?{base64.b64encode(c).decode('ascii')}?=" for c in chunks)


def build_message(report: Report, smtp: SmtpSettings | None = None) -> EmailMessage:
    """The email: subject, From, To, text with an HTML alternative, and the product result workbooks attached."""
    subject, text, html = render(report)
    report_id = report.report_id()
    msg = EmailMessage(policy=MAIL_POLICY)
    # stored as encoded and folded here: the policy writes a raw value with short lines as it is
    msg.set_raw("Subject", _encoded_words(subject))
    msg["From"] = _check_address(smtp.sender, "보내는 사람(sender)") if smtp and smtp.sender else DEFAULT_SENDER
    if smtp and smtp.recipients:
        msg["To"] = ", ".join(_check_address(r, "받는 사람(recipients)") for r in smtp.recipients)
    msg["Date"] = format_datetime(report.when if report.when.tzinfo else report.when.replace(tzinfo=KST))
    msg["Message-ID"] = f"<{report_id}@batch.report>"  # the same report always has the same id: receivers can dedupe
    msg["X-Batch-Report-Id"] = report_id
    msg.set_content(text)
    msg.add_alternative(html, subtype="html")
    for attachment in report.attachments:
        # non-ASCII file names are written RFC 2231 (filename*=utf-8''...), so a Korean name stays readable
        msg.add_attachment(_read(attachment), maintype=XLSX_TYPE[0], subtype=XLSX_TYPE[1], filename=attachment.name)
    return msg


# --------------------------------------------------------------------------- delivery


def fsync_dir(path: Path) -> None:
    """Make the entries of directory ``path`` (a file just renamed into it) survive a power cut."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # e.g. Windows: directories cannot be opened
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes) -> None:
    """``data`` at ``path`` whole or not at all: written beside it, flushed to disk, renamed over it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def _eml_name(report: Report, report_id: str) -> str:
    """KST time, then what the pass did (e.g. ``상품대량등록-주문_수집``), then the id."""
    kinds = list(dict.fromkeys(s.kind for s in report.sections)) or ["새소식없음"]
    kind = "-".join("".join(ch if ch.isalnum() else "_" for ch in k.strip()) for k in kinds)[:80] or "report"
    when = report.when.astimezone(KST) if report.when.tzinfo else report.when
    return f"{when:%Y%m%d-%H%M%S}-{kind}-{report_id[:12]}.eml"


def _credentials(smtp: SmtpSettings) -> tuple[str, str] | None:
    user = os.environ.get(smtp.user_env, "")
    password = os.environ.get(smtp.password_env, "")
    if user and password:
        return user, password
    if user or password:
        have, missing = (smtp.user_env, smtp.password_env) if user else (smtp.password_env, smtp.user_env)
        raise ReportDeliveryError(
            f"SMTP 로그인 정보가 반만 있습니다: 환경 변수 {have}는 있는데 {missing}가 없습니다. 둘 다 설정하거나 둘 다 지우세요."
        )
    return None


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class ReportMaybeSent(ReportDeliveryError):
    """The message may have reached the server: the ``.sending`` marker stays and it is never sent again
    automatically (the report outbox drops its entries rather than retry them)."""


def _server_said(exc: smtplib.SMTPResponseException, creds: tuple[str, str] | None) -> str:
    """What the server answered, with the password in every form it took on the wire hidden (a server may
    echo the client's AUTH line, base64 of NUL user NUL password)."""
    said = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
    user, password = creds if creds else ("", "")
    return redact(f"{exc.smtp_code} {_one_line(said)}", [password], user)


def _transact(
    msg: EmailMessage, smtp: SmtpSettings, creds: tuple[str, str] | None, commit: Callable[[], None]
) -> dict[str, Any]:
    """One SMTP transaction; ``commit`` runs as soon as the server has accepted the message."""
    where = f"SMTP 서버 {smtp.host}:{smtp.port}"
    envs = f"환경 변수 {smtp.user_env}, {smtp.password_env}"
    try:
        client = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout)
    except OSError as exc:
        raise ReportDeliveryError(
            f"{where}에 연결하지 못했습니다({type(exc).__name__}). batch.toml의 host와 port, 네트워크와 방화벽을 확인하세요."
        ) from exc
    handed_over = False
    # The server's refusal may quote the AUTH line: it is shown redacted and raised after the handler, so that
    # the original exception is not kept as its context (nor printed with --verbose).
    refusal: ReportDeliveryError | None = None
    try:
        client.ehlo()
        tls = False
        if smtp.starttls and client.has_extn("starttls"):
            client.starttls(context=ssl.create_default_context())
            client.ehlo()
            tls = True
        if creds:
            if not tls and not _is_loopback(smtp.host):
                raise ReportDeliveryError(
                    f"{where}가 STARTTLS를 제공하지 않아 비밀번호를 보내지 않았습니다. 서버의 STARTTLS 설정이나 port(보통 587)를 확인하세요."
                )
            client.login(*creds)
        handed_over = True  # from here on the server may have the message
        refused = client.send_message(msg, from_addr=msg["From"].addresses[0].addr_spec)
        commit()
        return dict(refused)
    except ReportDeliveryError:
        raise
    except smtplib.SMTPAuthenticationError as exc:
        refusal = ReportDeliveryError(
            f"{where}가 로그인을 거부했습니다({_server_said(exc, creds)}). {envs}의 사용자 이름과 비밀번호(앱 비밀번호)를 확인하세요."
        )
    except UnicodeError:  # smtplib sends AUTH in ASCII only
        refusal = ReportDeliveryError(
            f"{where}에 로그인하지 못했습니다: {envs}의 사용자 이름이나 비밀번호에 영문·숫자·기호가 아닌 글자가 있습니다. "
            "메일 서비스에서 앱 비밀번호를 새로 받아 넣어 주세요."
        )
    except smtplib.SMTPNotSupportedError as exc:
        raise ReportDeliveryError(
            f"{where}가 로그인(AUTH)을 지원하지 않습니다. 로그인이 필요 없는 서버라면 {envs}를 지우세요."
        ) from exc
    except smtplib.SMTPRecipientsRefused as exc:
        raise ReportDeliveryError(
            f"{where}가 받는 사람 주소를 모두 거부했습니다: {', '.join(exc.recipients)}. batch.toml의 recipients를 확인하세요."
        ) from exc
    except smtplib.SMTPSenderRefused as exc:
        refusal = ReportDeliveryError(
            f"{where}가 보내는 사람 주소를 거부했습니다({_server_said(exc, creds)}). batch.toml의 sender가 이 계정으로 보낼 수 있는 주소인지 확인하세요."
        )
    except smtplib.SMTPDataError as exc:
        refusal = ReportDeliveryError(
            f"{where}가 메일을 거부했습니다({_server_said(exc, creds)}). 첨부 파일 크기 제한과 서버 정책을 확인하세요."
        )
    except ssl.SSLError as exc:
        raise ReportDeliveryError(
            f"{where}와 TLS(STARTTLS) 연결을 맺지 못했습니다({type(exc).__name__}). 서버 인증서와 host 이름을 확인하세요."
        ) from exc
    except (smtplib.SMTPException, OSError) as exc:
        if handed_over:
            raise ReportMaybeSent(
                f"{where}와 메일을 주고받던 중 연결이 끊겨({type(exc).__name__}) 보고서가 발송되었는지 알 수 없습니다. "
                "중복을 막기 위해 자동으로 다시 보내지 않습니다. 받은 편지함을 확인하세요."
            ) from exc
        raise ReportDeliveryError(
            f"{where}와 통신하지 못했습니다({type(exc).__name__}). host와 port, 서버 상태를 확인하세요."
        ) from exc
    finally:
        try:
            client.quit()
        except (smtplib.SMTPException, OSError):
            client.close()
    assert refusal is not None  # every other way out of the try returned or raised
    raise refusal


def deliver(report: Report, smtp: SmtpSettings | None, outbox: Path, state_dir: Path) -> Path | str:
    """Send ``report`` once; returns the ``.eml`` path (no SMTP) or a Korean note of what happened.

    See the module docstring for the at-most-once rule and the ``state_dir/reports/<id>.sending|.sent`` markers.
    """
    report_id = report.report_id()
    markers = state_dir / "reports"
    sent, sending = markers / f"{report_id}.sent", markers / f"{report_id}.sending"
    if sent.exists():
        return ALREADY_SENT.format(id=report_id[:12])
    if sending.exists():
        return MAYBE_SENT.format(marker=sending)

    if smtp is None or not smtp.host.strip():
        eml = outbox / "reports" / _eml_name(report, report_id)
        if not eml.exists():
            write_atomic(eml, build_message(report, smtp).as_bytes(policy=MAIL_POLICY.clone(linesep="\r\n")))
            log.info("report %s written to %s (no SMTP configured)", report_id[:12], eml)
        return eml

    if not smtp.recipients:
        raise ReportDeliveryError(
            "보고서를 받을 주소가 없습니다. batch.toml의 [email] recipients에 메일 주소를 적으세요."
        )
    msg = build_message(report, smtp)
    creds = _credentials(smtp)

    markers.mkdir(parents=True, exist_ok=True)
    intent = {
        "report": report_id,
        "kind": report.kind,
        "source": report.source,
        "host": smtp.host,
        "started": datetime.now(KST).isoformat(),
    }
    try:
        fd = os.open(sending, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process is sending this very report right now
        return MAYBE_SENT.format(marker=sending)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(intent, fh, ensure_ascii=False)
        fh.flush()
        os.fsync(fh.fileno())
    fsync_dir(markers)

    def commit() -> None:
        os.replace(sending, sent)
        fsync_dir(markers)

    try:
        refused = _transact(msg, smtp, creds, commit)
    except ReportMaybeSent:
        raise  # the marker stays: never sent twice
    except ReportDeliveryError:
        sending.unlink(missing_ok=True)  # refused for certain: the next run may try again
        raise
    # anything else (KeyboardInterrupt mid-transaction, an unexpected bug) leaves the marker: at most once
    log.info("report %s sent via %s:%s", report_id[:12], smtp.host, smtp.port)
    note = f"보고서를 보냈습니다: {', '.join(smtp.recipients)} ({smtp.host})"
    if refused:
        note += f". 다음 주소는 서버가 거부했습니다: {', '.join(refused)}"
    return note
