"""Mail headers are one line whatever the titles they are built from hold."""

from __future__ import annotations

from flask import Flask

from portal.accounts.models import User
from portal.extensions import db
from portal.listings.kinds import ListingKind
from portal.listings.models import ListingStatus
from portal.mail import header_text, send_mail
from tests.factories import make_listing


def test_header_text_is_one_printable_line() -> None:
    assert header_text("已发布：钠离子电池\r\n储能\x00系统\t") == "已发布：钠离子电池 储能 系统"
    assert len(header_text("长" * 500)) == 200


def test_a_title_with_line_breaks_does_not_break_the_mail(
    app: Flask, people: dict[str, User]
) -> None:
    send_mail("researcher@test.xm", "已发布：第一行\n第二行", "正文")
    listing = make_listing(
        ListingKind.TECHNOLOGY,
        people["researcher"],
        published_by=people["broker"],
        title="钠离子电池储能系统\r\nBcc: victim@example.com",
    )
    db.session.refresh(listing)
    assert listing.status is ListingStatus.PUBLISHED
