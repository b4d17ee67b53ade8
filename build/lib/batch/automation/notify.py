"""Reports by email: one per processed file and per scheduled collection.

``render`` turns a :class:`Report` into a Korean subject, plain text and HTML (jinja2, HTML autoescaped;
templates in ``templates/email/``). ``deliver`` sends it by SMTP (STARTTLS when the server offers it,
credentials from the environment) or, with no SMTP configured, writes ``outbox/reports/<name>.eml``.

Buyer data: the caller masks names, phones and addresses with :mod:`batch.trade.masking` (the one rule);
``render`` also masks any phone number left in problem messages and warnings, as a safety net.

Exactly once — chosen as **at most once**. A report has a stable id (sha256 of kind, source, the
attachment's bytes and ``when``). Before the SMTP transaction ``state_dir/reports/<id>.sending`` is
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

import hashlib
import ipaddress
import json
import logging
import os
import smtplib
import ssl
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.utils import formatdate
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2

from batch.errors import BatchError
from batch.models import KST
from batch.trade.masking import mask_text, redact

log = logging.getLogger(__name__)

TEMPLATE_DIR = Path(__file__).resolve().parents[1] / "templates" / "email"  # shipped in the package
XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
MAX_PROBLEMS = 10
DEFAULT_SENDER = "batch <batch@localhost>"

ALREADY_SENT = "이미 보낸 보고서입니다. 다시 보내지 않았습니다. (보고서 {id})"
MAYBE_SENT = (
    "이 보고서는 이전 실행에서 보내는 도중에 중단되어 이미 발송되었을 수 있습니다. 중복을 막기 위해 다시 보내지 않았습니다. "
    "받은 편지함을 확인하고, 받지 못했다면 {marker} 파일을 지운 뒤 다시 실행하세요."
)


class ReportDeliveryError(BatchError):
    """The report could not be sent; the message names the host and what to check, never a secret."""


@dataclass
class Report:
    """What one job did. Buyer data in ``problems`` and ``warnings`` must already be masked."""

    kind: str  # 상품대량등록, 송장대량등록, 문의답변, 주문 수집
    source: str  # the file name (or the schedule) the job worked on
    counts: dict[str, dict[str, int]]  # marketplace label -> result label -> count
    problems: list[tuple[str, str, str]] = field(default_factory=list)  # (code, message, hint), the top ones
    attachment: Path | None = None  # the result workbook, attached: only one without buyer data
    warnings: list[str] = field(default_factory=list)  # e.g. an API key that expires soon
    location: str = ""  # where the full file is, for a workbook that holds buyer data and is never attached
    when: datetime = field(default_factory=lambda: datetime.now(KST))

    def report_id(self) -> str:
        """Stable id: the same job's report always gets the same id (the exactly-once key)."""
        digest = hashlib.sha256()
        for part in (self.kind.encode(), self.source.encode(), _attachment_bytes(self), self.when.isoformat().encode()):
            digest.update(len(part).to_bytes(8, "big"))
            digest.update(part)
        return digest.hexdigest()


@dataclass
class SmtpSettings:
    """The ``[report.smtp]`` table of batch.toml. Credentials are read from the named environment variables."""

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


def _when(when: datetime) -> str:
    tz = when.tzname()
    return when.strftime("%Y-%m-%d %H:%M") + (f" ({tz})" if tz else "")


def _context(report: Report) -> dict[str, Any]:
    labels: list[str] = []
    for results in report.counts.values():
        labels += [label for label in results if label not in labels]
    totals = [(label, sum(r.get(label, 0) for r in report.counts.values())) for label in labels]
    rows = [
        {
            "market": market,
            "cells": [(label, results.get(label, 0)) for label in labels],
            "total": sum(results.values()),
        }
        for market, results in report.counts.items()
    ]
    problems = [
        {"code": code, "message": mask_text(message), "hint": mask_text(hint)}
        for code, message, hint in report.problems[:MAX_PROBLEMS]
    ]
    kind, source = _one_line(report.kind), _one_line(report.source)
    summary = ", ".join(f"{label} {n}" for label, n in totals) if totals else "처리 건 없음"
    return {
        "subject": f"[batch] {kind} 결과 — {source}: {summary}",
        "kind": kind,
        "source": source,
        "when": _when(report.when),
        "totals": totals,
        "grand_total": sum(n for _, n in totals),
        "rows": rows,
        "problems": problems,
        "more_problems": max(0, len(report.problems) - MAX_PROBLEMS),
        "warnings": [mask_text(w) for w in report.warnings],
        "attachment": report.attachment.name if report.attachment else None,
        "location": _one_line(report.location),
        "report_id": report.report_id()[:12],
    }


def render(report: Report) -> tuple[str, str, str]:
    """``(subject, text, html)`` in Korean."""
    ctx = _context(report)
    text = _env().get_template("report.txt.j2").render(ctx)
    html = _env().get_template("report.html.j2").render(ctx)
    return ctx["subject"], text, html


# --------------------------------------------------------------------------- the message


def _attachment_bytes(report: Report) -> bytes:
    if report.attachment is None:
        return b""
    try:
        return report.attachment.read_bytes()
    except OSError as exc:
        raise ReportDeliveryError(
            f"보고서에 첨부할 결과 파일을 읽지 못했습니다: {report.attachment.name} ({exc.strerror}). 파일이 있는지 확인하세요."
        ) from exc


def _check_address(address: str, what: str) -> str:
    if "@" not in address or any(ch in address for ch in "\r\n"):
        raise ReportDeliveryError(
            f"batch.toml의 {what} 주소가 올바르지 않습니다: {address!r}. 'name@example.com' 형식으로 적으세요."
        )
    return address.strip()


def build_message(report: Report, smtp: SmtpSettings | None = None) -> EmailMessage:
    """The email: subject, From, To, text with an HTML alternative, and the result workbook attached."""
    subject, text, html = render(report)
    report_id = report.report_id()
    msg = EmailMessage(policy=policy.default)
    msg["Subject"] = subject
    msg["From"] = _check_address(smtp.sender, "보내는 사람(sender)") if smtp and smtp.sender else DEFAULT_SENDER
    if smtp and smtp.recipients:
        msg["To"] = ", ".join(_check_address(r, "받는 사람(recipients)") for r in smtp.recipients)
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = f"<{report_id}@batch.report>"  # the same report always has the same id: receivers can dedupe
    msg["X-Batch-Report-Id"] = report_id
    msg.set_content(text)
    msg.add_alternative(html, subtype="html")
    if report.attachment is not None:
        # non-ASCII file names are written RFC 2231 (filename*=utf-8''...), so a Korean name stays readable
        msg.add_attachment(
            _attachment_bytes(report), maintype=XLSX_TYPE[0], subtype=XLSX_TYPE[1], filename=report.attachment.name
        )
    return msg


# --------------------------------------------------------------------------- delivery


def _fsync_dir(path: Path) -> None:
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


def _write_atomic(path: Path, data: bytes) -> None:
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
    _fsync_dir(path.parent)


def _eml_name(report: Report, report_id: str) -> str:
    kind = "".join(ch if ch.isalnum() else "_" for ch in report.kind.strip()) or "report"
    return f"{report.when:%Y%m%d-%H%M%S}-{kind}-{report_id[:12]}.eml"


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


class _Uncertain(ReportDeliveryError):
    """The message may have reached the server: the ``.sending`` marker stays."""


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
            raise _Uncertain(
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
            _write_atomic(eml, build_message(report, smtp).as_bytes(policy=policy.SMTP))
            log.info("report %s written to %s (no SMTP configured)", report_id[:12], eml)
        return eml

    if not smtp.recipients:
        raise ReportDeliveryError(
            "보고서를 받을 주소가 없습니다. batch.toml의 [report.smtp] recipients에 메일 주소를 적으세요."
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
    _fsync_dir(markers)

    def commit() -> None:
        os.replace(sending, sent)
        _fsync_dir(markers)

    try:
        refused = _transact(msg, smtp, creds, commit)
    except _Uncertain:
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
