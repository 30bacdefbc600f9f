"""1:1 meetings: requests by registered enterprises, answers by the presenting team, bookings on
the grid with nobody double-booked, and two brokers taking the same table at once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.accounts.models import Role, User
from portal.domain_errors import Conflict, InvalidTransition, PermissionDenied, ValidationFailed
from portal.extensions import db
from portal.listings.kinds import ListingKind
from portal.listings.models import Technology
from portal.model_mixins import utcnow
from portal.roadshows import meetings, registrations, service
from portal.roadshows.models import MeetingState, Roadshow, RoadshowMeeting
from tests.factories import AuthActions, make_org, make_published, make_user
from tests.portal.roadshows.conftest import shanghai
from tests.portal.roadshows.test_registrations import run_together

NOW = utcnow()


@pytest.fixture
def partnering(roadshow: Roadshow, battery: Technology, people: dict[str, User]) -> Roadshow:
    broker = people["broker"]
    roadshow.capacity = 10
    flywheel = make_published(
        ListingKind.TECHNOLOGY,
        people["other_researcher"],
        broker,
        title="飞轮储能装置",
        area="A01",
    )
    service.add_talk(broker, roadshow, battery.id, 20)
    service.add_talk(broker, roadshow, flywheel.id, 20)
    service.move_roadshow(broker, roadshow, "open")
    for who in ("enterprise", "other_enterprise", "researcher"):
        registrations.register(people[who], roadshow, NOW)
    meetings.set_grid(
        broker,
        roadshow,
        meetings.Grid(15, 1, shanghai("2027-03-05 16:00"), shanghai("2027-03-05 16:30")),
    )
    db.session.commit()
    return roadshow


def test_requests_answers_and_bookings_keep_everyone_to_one_meeting_at_a_time(
    partnering: Roadshow, battery: Technology, people: dict[str, User]
) -> None:
    broker = people["broker"]
    ask = meetings.request_meeting(people["enterprise"], partnering, battery.id, "想了解循环寿命")
    assert (
        meetings.request_meeting(people["enterprise"], partnering, battery.id, "再次").id == ask.id
    )
    with pytest.raises(PermissionDenied):  # researchers present, they do not ask
        meetings.request_meeting(people["researcher"], partnering, battery.id, "")
    stranger = make_user("stranger@test.xm", Role.ENTERPRISE, make_org("未报名企业"))
    with pytest.raises(InvalidTransition):
        meetings.request_meeting(stranger, partnering, battery.id, "")
    with pytest.raises(ValidationFailed):
        meetings.request_meeting(people["enterprise"], partnering, 999_999, "")
    with pytest.raises(ValidationFailed):
        meetings.request_meeting(people["other_enterprise"], partnering, battery.id, "长" * 501)
    with pytest.raises(PermissionDenied):  # only the presenting team answers
        meetings.answer_meeting(people["other_researcher"], ask, accept=True)
    with pytest.raises(InvalidTransition):
        meetings.book(broker, ask, shanghai("2027-03-05 16:00"), 1)  # not accepted yet
    meetings.answer_meeting(people["researcher"], ask, accept=True)
    other = meetings.request_meeting(people["other_enterprise"], partnering, battery.id, "")
    meetings.answer_meeting(people["researcher"], other, accept=True)
    meetings.book(broker, ask, shanghai("2027-03-05 16:00"), 1)
    with pytest.raises(Conflict):  # the presenting team is busy at 16:00 (and so is table 1)
        meetings.book(broker, other, shanghai("2027-03-05 16:00"), 1)
    with pytest.raises(ValidationFailed):  # not a time of the grid
        meetings.book(broker, other, shanghai("2027-03-05 16:05"), 1)
    with pytest.raises(ValidationFailed):  # no table 2
        meetings.book(broker, other, shanghai("2027-03-05 16:15"), 2)
    booked = meetings.book_first_free(broker, other)
    assert booked.starts_at == shanghai("2027-03-05 16:15") and booked.table_number == 1
    third = meetings.request_meeting(
        people["enterprise"], partnering, partnering.slots[1].technology_id, ""
    )
    meetings.answer_meeting(people["other_researcher"], third, accept=True)
    with pytest.raises(Conflict):  # one table, both slots taken
        meetings.book_first_free(broker, third)
    meetings.mark_held(broker, ask)
    db.session.commit()
    assert meetings.meeting_counts(partnering) == meetings.MeetingCounts(3, 3, 1)
    mine = meetings.meetings_of(partnering, people["other_enterprise"])
    assert [meeting.id for meeting in mine] == [other.id]
    assert len(meetings.meetings_of(partnering, broker)) == 3


def test_two_brokers_booking_the_same_table_at_once_one_wins(
    app: Flask, partnering: Roadshow, battery: Technology, people: dict[str, User]
) -> None:
    first = meetings.request_meeting(people["enterprise"], partnering, battery.id, "")
    flywheel_id = partnering.slots[1].technology_id
    second = meetings.request_meeting(people["other_enterprise"], partnering, flywheel_id, "")
    meetings.answer_meeting(people["researcher"], first, accept=True)
    meetings.answer_meeting(people["other_researcher"], second, accept=True)
    db.session.commit()
    broker_id, at = people["broker"].id, shanghai("2027-03-05 16:00")

    def booking(meeting_id: int):  # noqa: ANN202 - a thread's call
        def call() -> str:
            meeting = db.session.get(RoadshowMeeting, meeting_id)
            meetings.book(db.session.get(User, broker_id), meeting, at, 1)
            return "booked"

        return call

    outcome = run_together(app, [booking(first.id), booking(second.id)])
    assert sum(result == "booked" for result in outcome) == 1, outcome
    assert any(isinstance(result, Conflict) for result in outcome), outcome
    db.session.expire_all()
    tables = db.session.query(RoadshowMeeting).filter(RoadshowMeeting.starts_at == at).count()
    assert tables == 1


def test_the_meetings_page_for_each_side(
    client: FlaskClient,
    auth: AuthActions,
    partnering: Roadshow,
    battery: Technology,
    people: dict[str, User],
) -> None:
    path = f"/roadshows/{partnering.id}/meetings"
    auth.login("enterprise@test.xm")
    asked = client.post(path, data={"technology_id": str(battery.id), "message": "<b>你好</b>"})
    assert asked.status_code == 302
    meeting = db.session.query(RoadshowMeeting).one()
    assert meeting.message == "<b>你好</b>"
    assert "&lt;b&gt;你好" in client.get(path).text
    # The requester cannot answer for the presenting team, nor book, nor change the grid.
    assert client.post(f"{path}/{meeting.id}/answer", data={"accept": "1"}).status_code == 403
    assert client.post(f"{path}/{meeting.id}/book", data={"starts_at": ""}).status_code == 403
    grid = {
        "meeting_minutes": "20",
        "meeting_tables": "5",
        "meetings_from": "2027-03-05T16:00",
        "meetings_until": "2027-03-05T17:00",
    }
    assert client.post(f"{path}/grid", data=grid).status_code == 403
    auth.logout()
    auth.login("other-ent@test.xm")  # another firm does not see it
    assert "你好" not in client.get(path).text
    auth.logout()
    auth.login("researcher@test.xm")
    assert "接受洽谈" in client.get(path).text
    client.post(f"{path}/{meeting.id}/answer", data={"accept": "1"})
    auth.logout()
    auth.login("broker@test.xm")
    assert client.post(f"{path}/grid", data=grid).status_code == 302
    assert client.post(f"{path}/{meeting.id}/book", data={"starts_at": ""}).status_code == 302
    db.session.refresh(meeting)
    assert meeting.state is MeetingState.ACCEPTED and meeting.table_number == 1
    assert meeting.starts_at == shanghai("2027-03-05 16:00")
    assert partnering.meetings_until - partnering.meetings_from == timedelta(hours=1)
