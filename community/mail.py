"""Outgoing email over SMTP (the standard library's smtplib).

Actions queue mail with ``db.on_commit(send_later, email)``, so nothing goes out for a write that
rolled back. Each message is then handed to a short-lived background thread: the request never
waits for the mail server, and how long it takes never depends on whether a message went out.

Settings: COMMUNITY_SMTP_HOST, _PORT (587), _USERNAME, _PASSWORD, _STARTTLS (1; port 465 means
implicit TLS instead), COMMUNITY_MAIL_FROM. Without an SMTP host nothing is sent: in development
the message (with its link) is logged at WARNING so a developer can follow it; in production an
error says that mail is not configured, without the message.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app

log = logging.getLogger(__name__)

IMPLICIT_TLS_PORT = 465


@dataclass(frozen=True)
class OutgoingEmail:
    to: str
    subject: str
    body: str
    sender: str  # the From address


def send_later(email: OutgoingEmail) -> None:
    """Send in a background thread (call it after the commit, through db.on_commit)."""
    settings = dict(current_app.config)
    threading.Thread(target=deliver, args=(settings, email), name="mail", daemon=True).start()


def deliver(settings: Mapping[str, object], email: OutgoingEmail) -> None:
    """Send one message now; failures are logged, never raised (the caller has moved on)."""
    if not settings.get("SMTP_HOST"):
        _report_unsent(settings, email)
        return
    try:
        with _open(settings) as smtp:
            _secure_and_log_in(smtp, settings)
            smtp.send_message(as_message(email))
    except (OSError, smtplib.SMTPException):
        log.exception("could not send %r to %s", email.subject, email.to)


def as_message(email: OutgoingEmail) -> EmailMessage:
    message = EmailMessage()
    message["From"] = email.sender
    message["To"] = email.to
    message["Subject"] = email.subject
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid(domain=email.sender.rpartition("@")[2] or None)
    message.set_content(email.body)
    return message


def _open(settings: Mapping[str, object]) -> smtplib.SMTP:
    host, port = str(settings["SMTP_HOST"]), _port(settings)
    timeout = float(str(settings.get("SMTP_TIMEOUT_SECONDS") or 10))
    if port == IMPLICIT_TLS_PORT:
        return smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
    return smtplib.SMTP(host, port, timeout=timeout)


def _secure_and_log_in(smtp: smtplib.SMTP, settings: Mapping[str, object]) -> None:
    if _port(settings) != IMPLICIT_TLS_PORT and settings.get("SMTP_STARTTLS"):
        smtp.starttls(context=ssl.create_default_context())
    if settings.get("SMTP_USERNAME"):
        smtp.login(str(settings["SMTP_USERNAME"]), str(settings.get("SMTP_PASSWORD") or ""))


def _port(settings: Mapping[str, object]) -> int:
    return int(str(settings.get("SMTP_PORT") or 587))


def _report_unsent(settings: Mapping[str, object], email: OutgoingEmail) -> None:
    if settings.get("ENV") == "development":
        log.warning("COMMUNITY_SMTP_HOST is not set, so this email was not sent:\nTo: %s\n"
                    "Subject: %s\n\n%s", email.to, email.subject, email.body)
    else:
        log.error("COMMUNITY_SMTP_HOST is not set: an email (%r) could not be sent", email.subject)
