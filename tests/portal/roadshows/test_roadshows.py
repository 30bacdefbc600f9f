"""Roadshows and their agenda: the rules in the service, the pages, permissions and bad input."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask.testing import FlaskClient

from portal.accounts.models import User
from portal.audit.models import AuditLog
from portal.domain_errors import InvalidTransition, PermissionDenied, ValidationFailed
from portal.extensions import db
from portal.listings.models import Technology
from portal.listings.service import archive_listing
from portal.roadshows import service
from portal.roadshows.models import Roadshow, RoadshowStatus
from portal.roadshows.times import display, utc_to_local
from tests.factories import AuthActions
from tests.portal.roadshows.conftest import details, shanghai

FORM = {
    "title": "负碳技术路演",
    "areas": ["A04"],
    "host_org_id": "",
    "starts_at": "2027-04-10T14:00",
    "ends_at": "2027-04-10T17:30",
    "registration_deadline": "2027-04-09T12:00",
    "venue": "厦门市科技局报告厅",
    "online_url": "",
    "capacity": "80",
    "description": "CCUS 与碳汇",
}


def test_times_are_entered_in_shanghai_and_stored_in_utc(roadshow: Roadshow) -> None:
    assert roadshow.starts_at.hour == 6  # 14:00 in Shanghai
    assert utc_to_local(roadshow.starts_at).hour == 14
    assert display(roadshow.starts_at) == "2027-03-05 14:00"


def test_the_rules_name_each_bad_field(areas: None, people: dict[str, User]) -> None:
    bad = details(
        title=" ",
        area_codes=["A01", "Z99"],
        ends_at=shanghai("2027-03-05 13:00"),
        registration_deadline=shanghai("2027-03-06 09:00"),
        capacity=0,
        venue="",
        online_url="javascript:alert(1)",
        host_org_id=999_999,
    )
    with pytest.raises(ValidationFailed) as refused:
        service.create_roadshow(people["broker"], bad)
    assert set(refused.value.fields) == {
        "title",
        "areas",
        "ends_at",
        "registration_deadline",
        "capacity",
        "online_url",
        "host_org_id",
    }
    assert "Z99" in refused.value.fields["areas"]
    with pytest.raises(ValidationFailed) as nowhere:
        service.create_roadshow(people["broker"], details(venue=" ", online_url=None))
    assert set(nowhere.value.fields) == {"venue"}
    with pytest.raises(ValidationFailed):
        service.create_roadshow(people["broker"], details(title="路" * 201))
    assert db.session.query(Roadshow).count() == 0


def test_only_staff_create_edit_or_move(roadshow: Roadshow, people: dict[str, User]) -> None:
    for who in ("researcher", "enterprise"):
        with pytest.raises(PermissionDenied):
            service.create_roadshow(people[who], details())
        with pytest.raises(PermissionDenied):
            service.move_roadshow(people[who], roadshow, "open")
        with pytest.raises(PermissionDenied):
            service.update_roadshow(people[who], roadshow, details(title="改名"))


def test_status_moves_along_the_workflow_and_is_audited(
    roadshow: Roadshow, people: dict[str, User]
) -> None:
    broker = people["broker"]
    with pytest.raises(InvalidTransition):
        service.move_roadshow(broker, roadshow, RoadshowStatus.HELD)
    with pytest.raises(ValidationFailed):
        service.move_roadshow(broker, roadshow, "finished")
    for status in ("open", "closed", "open", "closed", "held", "archived"):
        service.move_roadshow(broker, roadshow, status)
    db.session.commit()
    moves = db.session.query(AuditLog).filter_by(action="roadshow.status").count()
    assert moves == 6
    with pytest.raises(InvalidTransition):
        service.update_roadshow(broker, roadshow, details(title="改名"))


def test_slots_stay_inside_the_event_and_never_overlap(
    roadshow: Roadshow, battery: Technology, people: dict[str, User]
) -> None:
    broker = people["broker"]
    talk = service.add_slot(
        broker,
        roadshow,
        service.SlotDetails(shanghai("2027-03-05 14:00"), 30, battery.id, presenter="王教授"),
    )
    assert talk.title == battery.title
    service.add_slot(  # a break right after: touching is not overlapping
        broker, roadshow, service.SlotDetails(shanghai("2027-03-05 14:30"), 15, title="茶歇")
    )
    with pytest.raises(ValidationFailed) as overlap:
        service.add_slot(
            broker, roadshow, service.SlotDetails(shanghai("2027-03-05 14:20"), 20, title="圆桌")
        )
    assert battery.title in overlap.value.fields["starts_at"]
    assert "14:00" in overlap.value.fields["starts_at"]
    with pytest.raises(ValidationFailed) as late:
        service.add_slot(
            broker, roadshow, service.SlotDetails(shanghai("2027-03-05 16:50"), 20, title="总结")
        )
    assert "总结" in late.value.fields["starts_at"]
    with pytest.raises(ValidationFailed) as nameless:
        service.add_slot(broker, roadshow, service.SlotDetails(shanghai("2027-03-05 15:00"), 10))
    assert "title" in nameless.value.fields
    with pytest.raises(ValidationFailed):
        service.add_slot(
            broker, roadshow, service.SlotDetails(shanghai("2027-03-05 15:00"), 0, title="零")
        )
    db.session.commit()
    assert [slot.title for slot in roadshow.slots] == [battery.title, "茶歇"]
    assert service.next_free_start(roadshow) == shanghai("2027-03-05 14:45")
    # Moving the event so that a slot falls outside is refused with the slot named.
    with pytest.raises(ValidationFailed) as moved:
        service.update_roadshow(broker, roadshow, details(starts_at=shanghai("2027-03-05 14:10")))
    assert battery.title in moved.value.fields["ends_at"]


def test_an_unpublished_technology_cannot_be_put_on_the_agenda(
    roadshow: Roadshow, battery: Technology, people: dict[str, User]
) -> None:
    archive_listing(battery, people["researcher"])
    db.session.commit()
    with pytest.raises(ValidationFailed) as refused:
        service.add_slot(
            people["broker"], roadshow, service.SlotDetails(roadshow.starts_at, 20, battery.id)
        )
    assert "technology_id" in refused.value.fields


def test_archiving_or_deleting_a_presented_technology_keeps_the_pages_whole(
    client: FlaskClient, roadshow: Roadshow, battery: Technology, people: dict[str, User]
) -> None:
    broker = people["broker"]
    service.add_slot(broker, roadshow, service.SlotDetails(roadshow.starts_at, 20, battery.id))
    service.move_roadshow(broker, roadshow, "open")
    db.session.commit()
    archive_listing(battery, people["researcher"])
    db.session.commit()
    page = client.get(f"/roadshows/{roadshow.id}")
    assert page.status_code == 200
    assert battery.title in page.text
    assert f"/catalogue/{battery.id}" not in page.text  # no link to a page that is gone
    db.session.delete(battery)
    db.session.commit()
    page = client.get(f"/roadshows/{roadshow.id}")
    assert page.status_code == 200 and "钠离子电池储能系统" in page.text


def test_public_pages_show_open_roadshows_and_hide_planned_ones(
    client: FlaskClient, auth: AuthActions, roadshow: Roadshow, people: dict[str, User]
) -> None:
    assert roadshow.title not in client.get("/roadshows/").text
    assert client.get(f"/roadshows/{roadshow.id}").status_code == 404
    auth.login("broker@test.xm")
    assert roadshow.title in client.get("/roadshows/").text
    assert client.get(f"/roadshows/{roadshow.id}").status_code == 200
    auth.logout()
    service.move_roadshow(people["broker"], roadshow, "open")
    db.session.commit()
    listing = client.get("/roadshows/")
    assert roadshow.title in listing.text and "2027-03-05 14:00" in listing.text
    assert client.get("/roadshows/999999").status_code == 404


def test_a_broker_creates_a_roadshow_in_the_browser(
    client: FlaskClient, auth: AuthActions, areas: None, people: dict[str, User]
) -> None:
    auth.login("broker@test.xm")
    created = client.post("/roadshows/new", data=FORM)
    assert created.status_code == 302
    roadshow = db.session.query(Roadshow).one()
    assert roadshow.starts_at == shanghai("2027-04-10 14:00")
    assert [area.code for area in roadshow.areas] == ["A04"]
    edited = client.post(f"/roadshows/{roadshow.id}/edit", data={**FORM, "capacity": "120"})
    assert edited.status_code == 302
    db.session.refresh(roadshow)
    assert roadshow.capacity == 120
    moved = client.post(f"/roadshows/{roadshow.id}/status", data={"status": "open"})
    assert moved.status_code == 302
    db.session.refresh(roadshow)
    assert roadshow.status is RoadshowStatus.OPEN


def test_hostile_form_input_is_refused_or_shown_as_text(
    client: FlaskClient, auth: AuthActions, areas: None, people: dict[str, User]
) -> None:
    auth.login("broker@test.xm")
    script = "<script>alert(1)</script>"
    answer = client.post("/roadshows/new", data={**FORM, "title": "路" * 5000})
    assert answer.status_code == 400
    answer = client.post("/roadshows/new", data={**FORM, "areas": ["A04", "not-an-area"]})
    assert answer.status_code == 400
    answer = client.post("/roadshows/new", data={**FORM, "starts_at": "tomorrow"})
    assert answer.status_code == 400
    answer = client.post("/roadshows/new", data={**FORM, "capacity": "-5"})
    assert answer.status_code == 400
    answer = client.post("/roadshows/new", data={**FORM, "ends_at": "2027-04-10T13:00"})
    assert answer.status_code == 400 and "结束时间应晚于开始时间" in answer.text
    assert db.session.query(Roadshow).count() == 0
    client.post("/roadshows/new", data={**FORM, "title": script, "description": script})
    roadshow = db.session.query(Roadshow).one()
    page = client.get(f"/roadshows/{roadshow.id}")
    assert script not in page.text and "&lt;script&gt;" in page.text


@pytest.mark.parametrize("who", [None, "researcher", "enterprise"])
def test_non_brokers_cannot_reach_the_broker_pages(
    client: FlaskClient,
    auth: AuthActions,
    roadshow: Roadshow,
    people: dict[str, User],
    who: str | None,
) -> None:
    service.move_roadshow(people["broker"], roadshow, "open")
    db.session.commit()
    if who:
        auth.login(people[who].email)
    expected = 403 if who else 302  # anonymous: to the log-in page
    assert client.get("/roadshows/new").status_code == expected
    assert client.post("/roadshows/new", data=FORM).status_code == expected
    assert client.get(f"/roadshows/{roadshow.id}/edit").status_code == expected
    assert client.get(f"/roadshows/{roadshow.id}/agenda").status_code == expected
    assert (
        client.post(f"/roadshows/{roadshow.id}/status", data={"status": "closed"}).status_code
        == expected
    )
    db.session.refresh(roadshow)
    assert roadshow.status is RoadshowStatus.OPEN
    assert db.session.query(Roadshow).count() == 1


def test_the_agenda_page_adds_and_removes_slots_and_names_clashes(
    client: FlaskClient, auth: AuthActions, roadshow: Roadshow, battery: Technology
) -> None:
    auth.login("broker@test.xm")
    page = client.get(f"/roadshows/{roadshow.id}/agenda")
    assert page.status_code == 200 and battery.title in page.text  # offered as a choice
    slot = {
        "technology_id": str(battery.id),
        "title": "",
        "presenter": "王教授",
        "starts_at": "2027-03-05T14:00",
        "minutes": "30",
    }
    assert client.post(f"/roadshows/{roadshow.id}/agenda", data=slot).status_code == 302
    clash = client.post(
        f"/roadshows/{roadshow.id}/agenda",
        data={**slot, "technology_id": "", "title": "茶歇", "starts_at": "2027-03-05T14:10"},
    )
    assert clash.status_code == 400 and "时间重叠" in clash.text
    forged = client.post(
        f"/roadshows/{roadshow.id}/agenda", data={**slot, "technology_id": "99999"}
    )
    assert forged.status_code == 400
    db.session.refresh(roadshow)
    assert len(roadshow.slots) == 1
    slot_id = roadshow.slots[0].id
    assert client.post(f"/roadshows/{roadshow.id}/agenda/{slot_id}/remove").status_code == 302
    db.session.expire_all()
    assert roadshow.slots == []
    assert (roadshow.ends_at - roadshow.starts_at) == timedelta(hours=3)
