"""The one shape of a page's write action: run the service call, then commit and confirm, or
roll back and show the refusal. Views stay one line per action; services stay Flask-free."""

from __future__ import annotations

from collections.abc import Callable

from flask import flash

from portal.domain_errors import Refusal
from portal.extensions import db


def refusal_text(exc: Refusal) -> str:
    """What to show for a refusal: the field messages when there are any, else the message."""
    return " ".join(exc.fields.values()) or exc.message


def commit_or_report(change: Callable[[], object], done: str) -> bool:
    """Run `change`; on success commit and flash `done`, on a Refusal roll back and flash why.
    Returns whether the change was kept."""
    try:
        change()
    except Refusal as exc:
        db.session.rollback()
        flash(refusal_text(exc), "danger")
        return False
    db.session.commit()
    flash(done, "success")
    return True
