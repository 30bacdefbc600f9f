"""Mail goes out from the job worker, never inside a web request, and a notice's mail only once
the transaction that wrote the notice has committed: a change that is rolled back sends
nothing, and a retried job (whose first attempt rolled back) cannot send its mail twice.

`mail_after_commit` keeps the mail on the session until its commit, then queues it;
`queue_mail` queues at once (mail that belongs to no write, such as a password reset). The
`mail.send` job retries an SMTP failure with back-off, and after its last attempt it is on the
admin jobs page. Where the queue cannot be reached the mail is sent in the caller instead,
so it is not lost.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass

from sqlalchemy import event
from sqlalchemy.orm import Session

from portal.extensions import db
from portal.jobs import task
from portal.mail import Attachment, send_mail

log = logging.getLogger(__name__)
PENDING_KEY = "notifications.mail_after_commit"


@dataclass(frozen=True)
class OutgoingMail:
    to: str
    subject: str
    body: str
    attachments: tuple[Attachment, ...] = ()


@task(retries=3, retry_delay=60, name="mail.send")
def send_mail_job(mail: OutgoingMail) -> None:
    send_mail(mail.to, mail.subject, mail.body, mail.attachments)


def queue_mail(mail: OutgoingMail) -> None:
    try:
        send_mail_job(mail)
    except Exception as error:  # e.g. Redis unreachable
        log.warning("could not queue a mail to %s (%s); sending it now", mail.to, error)
        try:
            send_mail(mail.to, mail.subject, mail.body, mail.attachments)
        except (OSError, smtplib.SMTPException):
            log.exception("could not mail %s", mail.to)


def mail_after_commit(mail: OutgoingMail) -> None:
    db.session.info.setdefault(PENDING_KEY, []).append(mail)


def _after_commit(session: Session) -> None:
    for mail in session.info.pop(PENDING_KEY, []):
        queue_mail(mail)


def _after_rollback(session: Session, _transaction: object) -> None:
    session.info.pop(PENDING_KEY, None)


def install_mail_hooks() -> None:
    """Hook the app's session once per process."""
    if not event.contains(db.session, "after_commit", _after_commit):
        event.listen(db.session, "after_commit", _after_commit)
        event.listen(db.session, "after_soft_rollback", _after_rollback)
