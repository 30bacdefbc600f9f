"""Outgoing mail: SMTP when MAIL_SERVER is set, otherwise the message goes to the log.

Every message handed on is announced on `mail_dispatched` (sender: the app, `message`: the
EmailMessage), so callers and tests can see what went out, attachments included."""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage

from blinker import Namespace
from flask import current_app

log = logging.getLogger("portal.mail")
MAX_SUBJECT = 200
mail_dispatched = Namespace().signal("mail-dispatched")


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str  # "type/subtype", e.g. text/calendar


def header_text(text: str) -> str:
    """One line for a mail header: a title typed with line breaks (or pasted with control
    characters) would otherwise make the header invalid, and the mail, and the request that
    sends it, fail."""
    flat = " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())
    return flat[:MAX_SUBJECT]


def _message(to: str, subject: str, body: str, attachments: Sequence[Attachment]) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = header_text(to)
    message["Subject"] = header_text(subject)
    message.set_content(body)
    for attachment in attachments:
        maintype, subtype = attachment.mimetype.split("/", 1)
        message.add_attachment(
            attachment.content,
            maintype=maintype,
            subtype=subtype,
            filename=header_text(attachment.filename),
        )
    return message


def send_mail(to: str, subject: str, body: str, attachments: Sequence[Attachment] = ()) -> None:
    config = current_app.config
    message = _message(to, subject, body, attachments)
    subject = message["Subject"]
    if not config.get("MAIL_SERVER"):
        names = ", ".join(attachment.filename for attachment in attachments)
        log.info(
            "mail (no SMTP server configured) to=%s subject=%s attachments=[%s]\n%s",
            to,
            subject,
            names,
            body,
        )
    else:
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
            if config.get("MAIL_USE_TLS"):
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
            smtp.send_message(message)
        log.info("mail sent to=%s subject=%s", to, subject)
    mail_dispatched.send(current_app._get_current_object(), message=message)
