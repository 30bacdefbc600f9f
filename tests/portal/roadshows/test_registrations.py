"""Registration: capacity, the waiting list and its offers, cancelling, the broker's list and
exports, and the races (the last seat, a double submit) on real databases."""

from __future__ import annotations

import contextlib
import io
import threading
from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from openpyxl import load_workbook

from portal.accounts.models import Role, User
from portal.domain_errors import InvalidTransition, PermissionDenied, ValidationFailed
from portal.extensions import db
from portal.model_mixins import utcnow
from portal.notifications.models import Notification
from portal.roadshows import invitations, registrations, service
from portal.roadshows.models import RegistrationState, Roadshow, RoadshowRegistration
from tests.factories import AuthActions, make_user

NOW = utcnow()


@pytest.fixture
def open_roadshow(roadshow: Roadshow, people: dict[str, User]) -> Roadshow:
    service.move_roadshow(people["broker"], roadshow, "open")
    db.session.commit()
    return roadshow


def states(roadshow: Roadshow) -> dict[str, str]:
    return {
        registration.user.email: registration.state.value
        for registration in registrations.registrations_of(roadshow)
    }


def test_seats_then_the_waiting_list_and_one_record_per_person(
    open_roadshow: Roadshow, people: dict[str, User]
) -> None:
    first = registrations.register(people["enterprise"], open_roadshow, NOW)
    again = registrations.register(people["enterprise"], open_roadshow, NOW)
    assert again.id == first.id and first.state is RegistrationState.REGISTERED
    registrations.register(people["researcher"], open_roadshow, NOW)
    waiting = registrations.register(people["other_enterprise"], open_roadshow, NOW)
    db.session.commit()
    assert waiting.state is RegistrationState.WAITLISTED
    assert registrations.seats(open_roadshow) == registrations.Seats(2, 2, 1)
    assert db.session.query(RoadshowRegistration).count() == 3


def test_who_and_when_may_register(roadshow: Roadshow, people: dict[str, User]) -> None:
    with pytest.raises(InvalidTransition):  # planned: not open yet
        registrations.register(people["enterprise"], roadshow, NOW)
    service.move_roadshow(people["broker"], roadshow, "open")
    loner = make_user("loner@test.xm", Role.ENTERPRISE)
    with pytest.raises(PermissionDenied):  # no organization
        registrations.register(loner, roadshow, NOW)
    with pytest.raises(PermissionDenied):
        registrations.register(people["broker"], roadshow, NOW)
    late = roadshow.registration_deadline + timedelta(minutes=1)
    with pytest.raises(InvalidTransition) as refused:
        registrations.register(people["enterprise"], roadshow, late)
    assert "2027-03-04 18:00" in refused.value.message
    assert not registrations.may_register(people["enterprise"], roadshow, late)
    assert registrations.may_register(people["enterprise"], roadshow, NOW)
    assert db.session.query(RoadshowRegistration).count() == 0


def test_a_cancelled_seat_is_offered_to_invited_organizations_first_then_lapses_on(
    runner: FlaskCliRunner, open_roadshow: Roadshow, people: dict[str, User]
) -> None:
    seated = registrations.register(people["enterprise"], open_roadshow, NOW)
    registrations.register(people["researcher"], open_roadshow, NOW)
    early = registrations.register(people["other_researcher"], open_roadshow, NOW)
    invited = registrations.register(
        people["other_enterprise"], open_roadshow, NOW + timedelta(minutes=5)
    )
    other_firm = people["other_enterprise"].organization
    invitations.invite_organization(
        people["broker"], open_roadshow, other_firm.id, lambda secret: secret
    )
    db.session.commit()
    assert [r.id for r in registrations.waiting_list(open_roadshow)] == [invited.id, early.id]

    offered = registrations.cancel(people["enterprise"], seated, NOW)
    db.session.commit()
    assert [r.id for r in offered] == [invited.id]
    assert invited.state is RegistrationState.OFFERED
    assert invited.offer_expires_at == NOW + timedelta(hours=48)
    notice = db.session.query(Notification).filter_by(kind="roadshow.seat_offered").one()
    assert notice.user_id == people["other_enterprise"].id
    with pytest.raises(PermissionDenied):  # only the promoted person confirms
        registrations.confirm_offer(people["other_researcher"], invited, NOW)

    # Not confirmed in time: the seat passes to the next; running again changes nothing.
    lapse = NOW + timedelta(hours=49)
    assert registrations.expire_offers(lapse) == 1
    assert registrations.expire_offers(lapse) == 0
    db.session.commit()
    assert invited.state is RegistrationState.CANCELLED
    assert early.state is RegistrationState.OFFERED
    with pytest.raises(InvalidTransition):
        registrations.confirm_offer(people["other_enterprise"], invited, lapse)
    registrations.confirm_offer(people["other_researcher"], early, lapse + timedelta(hours=1))
    db.session.commit()
    assert states(open_roadshow) == {
        "researcher@test.xm": "registered",
        "other@test.xm": "registered",
        "enterprise@test.xm": "cancelled",
        "other-ent@test.xm": "cancelled",
    }
    result = runner.invoke(args=["roadshows", "offers"])
    assert result.exit_code == 0 and "offers lapsed: 0" in result.output


def test_cancelling_is_possible_until_the_start_and_only_ones_own(
    open_roadshow: Roadshow, people: dict[str, User]
) -> None:
    mine = registrations.register(people["enterprise"], open_roadshow, NOW)
    with pytest.raises(PermissionDenied):
        registrations.cancel(people["other_enterprise"], mine, NOW)
    with pytest.raises(InvalidTransition):
        registrations.cancel(people["enterprise"], mine, open_roadshow.starts_at)
    registrations.cancel(people["enterprise"], mine, NOW)
    assert registrations.cancel(people["enterprise"], mine, NOW) == []  # a second click
    again = registrations.register(people["enterprise"], open_roadshow, NOW)
    assert again.id == mine.id and again.state is RegistrationState.REGISTERED


def test_accepting_an_invitation_registers(
    open_roadshow: Roadshow, people: dict[str, User]
) -> None:
    firm = people["enterprise"].organization
    invitation = invitations.invite_organization(
        people["broker"], open_roadshow, firm.id, lambda secret: secret
    )[0]
    registration = registrations.accept_invitation(people["enterprise"], invitation, NOW)
    assert registration is not None and registration.state is RegistrationState.REGISTERED


def test_a_larger_capacity_offers_seats_to_the_waiting_list(
    client: FlaskClient, auth: AuthActions, open_roadshow: Roadshow, people: dict[str, User]
) -> None:
    for who in ("enterprise", "researcher", "other_enterprise"):
        registrations.register(people[who], open_roadshow, NOW)
    db.session.commit()
    auth.login("broker@test.xm")
    form = {
        "title": open_roadshow.title,
        "areas": ["A01"],
        "host_org_id": "",
        "starts_at": "2027-03-05T14:00",
        "ends_at": "2027-03-05T17:00",
        "registration_deadline": "2027-03-04T18:00",
        "venue": "路演厅",
        "online_url": "",
        "capacity": "3",
        "description": "",
    }
    assert client.post(f"/roadshows/{open_roadshow.id}/edit", data=form).status_code == 302
    db.session.expire_all()
    assert states(open_roadshow)["other-ent@test.xm"] == "offered"


def test_registering_in_the_browser_twice_makes_one_record(
    client: FlaskClient, auth: AuthActions, open_roadshow: Roadshow
) -> None:
    assert client.post(f"/roadshows/{open_roadshow.id}/register").status_code == 302
    assert db.session.query(RoadshowRegistration).count() == 0  # anonymous: to the log-in
    auth.login("enterprise@test.xm")
    page = client.get(f"/roadshows/{open_roadshow.id}")
    assert "报名" in page.text and "名额 0 / 2" in page.text
    client.post(f"/roadshows/{open_roadshow.id}/register")
    client.post(f"/roadshows/{open_roadshow.id}/register")
    assert db.session.query(RoadshowRegistration).count() == 1
    page = client.get(f"/roadshows/{open_roadshow.id}")
    assert "已报名" in page.text and "取消报名" in page.text
    client.post(f"/roadshows/{open_roadshow.id}/registration/cancel")
    assert db.session.query(RoadshowRegistration).one().state is RegistrationState.CANCELLED


def test_the_broker_lists_exports_and_adds_by_hand(
    client: FlaskClient, auth: AuthActions, open_roadshow: Roadshow, people: dict[str, User]
) -> None:
    hostile = make_user("formula@test.xm", Role.ENTERPRISE, people["enterprise"].organization)
    hostile.name = '=HYPERLINK("http://evil.example","x")'
    db.session.commit()
    registrations.register(hostile, open_roadshow, NOW)
    db.session.commit()
    path = f"/roadshows/{open_roadshow.id}/registrations"
    auth.login("enterprise@test.xm")
    for url in (path, path + ".csv", path + ".xlsx"):
        assert client.get(url).status_code == 403
    own = db.session.query(RoadshowRegistration).one()
    assert client.post(f"{path}/{own.id}/cancel").status_code == 403
    auth.logout()
    auth.login("broker@test.xm")
    assert client.post(path, data={"email": "nobody@test.xm"}).status_code == 400
    assert client.post(path, data={"email": "<script>"}).status_code == 400
    assert client.post(path, data={"email": "Researcher@Test.xm"}).status_code == 302
    page = client.get(path)
    assert "researcher@test.xm" in page.text and "&lt;script&gt;" not in page.text
    csv_text = client.get(path + ".csv").get_data(as_text=True)
    assert csv_text.startswith("\ufeff姓名")
    assert "'=HYPERLINK" in csv_text and "researcher@test.xm" in csv_text
    workbook = load_workbook(io.BytesIO(client.get(path + ".xlsx").data))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][0] == "姓名" and rows[1][0].startswith("'=")
    assert len(rows) == 3
    with pytest.raises(ValidationFailed):
        registrations.add_by_hand(people["broker"], open_roadshow, "", NOW)


def run_together(app: Flask, calls: list[Callable[[], object]]) -> list[object]:
    """Run each call in its own thread, app context and database session, all at once."""
    results: list[object] = [None] * len(calls)
    start = threading.Barrier(len(calls))

    def worker(index: int) -> None:
        with app.app_context():
            start.wait()
            try:
                results[index] = calls[index]()
                db.session.commit()
            except Exception as exc:  # noqa: BLE001 - reported to the test below
                db.session.rollback()
                results[index] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_two_people_taking_the_last_seat_at_once_one_wins(
    app: Flask, open_roadshow: Roadshow, people: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    registrations.register(people["researcher"], open_roadshow, NOW)
    db.session.commit()
    # Each request waits, after counting the seats, for the other to count too: without the
    # seat lock both would see one free seat and both would take it.
    counted = threading.Barrier(2, timeout=2)
    real_seats = registrations.seats

    def seats_then_wait(roadshow: Roadshow) -> registrations.Seats:
        answer = real_seats(roadshow)
        with contextlib.suppress(threading.BrokenBarrierError):
            counted.wait()
        return answer

    monkeypatch.setattr(registrations, "seats", seats_then_wait)
    roadshow_id = open_roadshow.id
    ids = [people["enterprise"].id, people["other_enterprise"].id]

    def take(user_id: int) -> Callable[[], str]:
        def call() -> str:
            user = db.session.get(User, user_id)
            roadshow = db.session.get(Roadshow, roadshow_id)
            return registrations.register(user, roadshow, NOW).state.value

        return call

    outcome = run_together(app, [take(user_id) for user_id in ids])
    assert sorted(outcome) == ["registered", "waitlisted"], outcome
    monkeypatch.undo()
    db.session.expire_all()
    assert registrations.seats(open_roadshow).taken == 2


def test_a_double_submit_at_once_is_one_registration(
    app: Flask, open_roadshow: Roadshow, people: dict[str, User]
) -> None:
    roadshow_id, user_id = open_roadshow.id, people["enterprise"].id

    def register() -> int:
        user = db.session.get(User, user_id)
        return registrations.register(user, db.session.get(Roadshow, roadshow_id), NOW).id

    outcome = run_together(app, [register, register, register])
    assert len(set(outcome)) == 1 and isinstance(outcome[0], int), outcome
    db.session.expire_all()
    assert db.session.query(RoadshowRegistration).count() == 1
