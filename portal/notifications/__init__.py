"""In-platform notices.

The blueprint lives in `views` so that importing the models does not load the pages.
"""

from __future__ import annotations

from flask import Flask


def configure_notifications(_app: Flask) -> None:
    """Hook the session: a notice's mail is queued once its transaction commits."""
    from portal.notifications.jobs import install_mail_hooks

    install_mail_hooks()
