"""Fixtures for the roadshow tests: plan areas, a roadshow in Shanghai time, a published
technology in its theme, the mails sent."""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage

import pytest
from flask import Flask
from icalendar import Calendar

from portal.accounts.models import User
from portal.extensions import db
from portal.listings.kinds import ListingKind
from portal.listings.models import Technology
from portal.roadshows import service
from portal.roadshows.models import Roadshow
from portal.roadshows.times import local_to_utc
from tests.factories import BATTERY, make_plan_areas, make_published


def shanghai(text: str) -> datetime:
    """'2027-03-05 14:00' Shanghai wall-clock time as stored (naive UTC)."""
    return local_to_utc(datetime.fromisoformat(text))


def details(**changes: object) -> service.RoadshowDetails:
    values: dict[str, object] = {
        "title": "储能技术专场路演",
        "area_codes": ["A01"],
        "starts_at": shanghai("2027-03-05 14:00"),
        "ends_at": shanghai("2027-03-05 17:00"),
        "registration_deadline": shanghai("2027-03-04 18:00"),
        "capacity": 2,
        "venue": "厦门两岸股权交易中心路演厅",
    }
    values.update(changes)
    return service.RoadshowDetails(**values)  # type: ignore[arg-type]


@pytest.fixture
def areas(app: Flask) -> None:
    make_plan_areas()


@pytest.fixture
def roadshow(areas: None, people: dict[str, User]) -> Roadshow:
    created = service.create_roadshow(people["broker"], details())
    db.session.commit()
    return created


@pytest.fixture
def battery(areas: None, people: dict[str, User]) -> Technology:
    return make_published(  # type: ignore[return-value]
        ListingKind.TECHNOLOGY, people["researcher"], people["broker"], area="A01.03", **BATTERY
    )


def calendar_attached(message: EmailMessage) -> Calendar:
    """The .ics attached to a mail, parsed back."""
    (part,) = list(message.iter_attachments())
    assert part.get_content_type() == "text/calendar"
    assert part.get_filename().endswith(".ics")
    return Calendar.from_ical(part.get_payload(decode=True))
