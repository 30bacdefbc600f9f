"""The .ics of a roadshow and the feed, parsed back with the icalendar package."""

from __future__ import annotations

from datetime import UTC, datetime

from flask.testing import FlaskClient
from icalendar import Calendar

from portal.accounts.models import User
from portal.extensions import db
from portal.listings.models import Technology
from portal.roadshows import service
from portal.roadshows.models import Roadshow
from tests.portal.roadshows.conftest import details, shanghai


def test_an_event_at_14_00_in_shanghai_is_06_00_utc_with_a_vtimezone(
    client: FlaskClient, roadshow: Roadshow, battery: Technology, people: dict[str, User]
) -> None:
    service.add_slot(
        people["broker"],
        roadshow,
        service.SlotDetails(roadshow.starts_at, 30, battery.id, presenter="王教授"),
    )
    service.move_roadshow(people["broker"], roadshow, "open")
    db.session.commit()
    answer = client.get(f"/roadshows/{roadshow.id}/calendar.ics")
    assert answer.status_code == 200 and answer.mimetype == "text/calendar"
    calendar = Calendar.from_ical(answer.data)
    zones = [zone["TZID"] for zone in calendar.walk("VTIMEZONE")]
    assert zones == ["Asia/Shanghai"]
    (event,) = calendar.walk("VEVENT")
    start = event.decoded("DTSTART")
    assert start.astimezone(UTC) == datetime(2027, 3, 5, 6, 0, tzinfo=UTC)
    assert event["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert str(event["SUMMARY"]) == "储能技术专场路演"
    assert "14:00 钠离子电池储能系统（王教授）" in str(event["DESCRIPTION"])


def test_the_feed_lists_upcoming_public_roadshows_only(
    client: FlaskClient, roadshow: Roadshow, people: dict[str, User]
) -> None:
    assert client.get(f"/roadshows/{roadshow.id}/calendar.ics").status_code == 404  # planned
    past = service.create_roadshow(
        people["broker"],
        details(
            title="往期路演",
            starts_at=shanghai("2025-03-05 14:00"),
            ends_at=shanghai("2025-03-05 17:00"),
            registration_deadline=shanghai("2025-03-04 18:00"),
        ),
    )
    for show in (roadshow, past):
        service.move_roadshow(people["broker"], show, "open")
    db.session.commit()
    feed = Calendar.from_ical(client.get("/roadshows/calendar.ics").data)
    assert [str(event["SUMMARY"]) for event in feed.walk("VEVENT")] == ["储能技术专场路演"]


def test_the_printable_agenda_is_public_for_public_roadshows(
    client: FlaskClient, roadshow: Roadshow, battery: Technology, people: dict[str, User]
) -> None:
    assert client.get(f"/roadshows/{roadshow.id}/agenda/print").status_code == 404  # planned
    service.add_slot(
        people["broker"], roadshow, service.SlotDetails(roadshow.starts_at, 30, battery.id)
    )
    service.move_roadshow(people["broker"], roadshow, "open")
    db.session.commit()
    page = client.get(f"/roadshows/{roadshow.id}/agenda/print")
    assert page.status_code == 200 and "钠离子电池储能系统" in page.text and "14:00" in page.text
