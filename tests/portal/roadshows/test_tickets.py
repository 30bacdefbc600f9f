"""Tickets with a QR code and check-in by the signed code: forged, moved, reused codes."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from portal.accounts.models import User
from portal.domain_errors import InvalidTransition, PermissionDenied, ValidationFailed
from portal.extensions import db
from portal.model_mixins import utcnow
from portal.roadshows import registrations, service, tickets
from portal.roadshows.models import RegistrationState, Roadshow
from tests.factories import AuthActions
from tests.portal.roadshows.conftest import details

NOW = utcnow()


@pytest.fixture
def seated(roadshow: Roadshow, people: dict[str, User]) -> Roadshow:
    service.move_roadshow(people["broker"], roadshow, "open")
    registrations.register(people["enterprise"], roadshow, NOW)
    registrations.register(people["researcher"], roadshow, NOW)
    registrations.register(people["other_enterprise"], roadshow, NOW)  # waiting list
    db.session.commit()
    return roadshow


def code_of(roadshow: Roadshow, user: User) -> str:
    return tickets.check_in_code(registrations.registration_of(roadshow, user))


def test_checking_in_marks_attendance_once_and_refuses_bad_codes(
    seated: Roadshow, people: dict[str, User]
) -> None:
    broker = people["broker"]
    code = code_of(seated, people["enterprise"])
    first = tickets.check_in(broker, seated, code, NOW)
    assert not first.already and first.registration.state is RegistrationState.ATTENDED
    again = tickets.check_in(broker, seated, code, NOW)
    assert again.already and again.registration.checked_in_at == NOW
    with pytest.raises(InvalidTransition):  # an attendee cannot cancel any more
        registrations.cancel(people["enterprise"], first.registration, NOW)
    forged = code[:-2] + ("AA" if not code.endswith("AA") else "BB")
    for bad in (forged, "", "x" * 500, "<script>alert(1)</script>", '["1", 1]'):
        with pytest.raises(ValidationFailed):
            tickets.check_in(broker, seated, bad, NOW)
    with pytest.raises(InvalidTransition):  # a waiting-list place is no ticket
        tickets.check_in(broker, seated, code_of(seated, people["other_enterprise"]), NOW)
    with pytest.raises(PermissionDenied):
        tickets.check_in(people["enterprise"], seated, code, NOW)
    other = service.create_roadshow(broker, details(title="另一场"))
    service.move_roadshow(broker, other, "open")
    with pytest.raises(ValidationFailed) as moved:
        tickets.check_in(broker, other, code_of(seated, people["researcher"]), NOW)
    assert "另一场路演" in moved.value.fields["code"]


def test_the_ticket_page_shows_ones_own_qr_code_only(
    client: FlaskClient, auth: AuthActions, seated: Roadshow
) -> None:
    path = f"/roadshows/{seated.id}/ticket"
    assert client.get(path).status_code == 302
    auth.login("other-ent@test.xm")  # on the waiting list: no ticket
    assert client.get(path).status_code == 404
    auth.logout()
    auth.login("other@test.xm")  # not registered at all
    assert client.get(path).status_code == 404
    auth.logout()
    auth.login("enterprise@test.xm")
    page = client.get(path)
    assert page.status_code == 200 and "<svg" in page.text
    assert "enterprise" in page.text


def test_the_broker_checks_people_in_on_the_check_in_page(
    client: FlaskClient, auth: AuthActions, seated: Roadshow, people: dict[str, User]
) -> None:
    code = code_of(seated, people["enterprise"])
    path = f"/roadshows/{seated.id}/check-in"
    auth.login("enterprise@test.xm")
    assert client.post(path, data={"code": code}).status_code == 403
    auth.logout()
    auth.login("broker@test.xm")
    done = client.post(path, data={"code": code})
    assert done.status_code == 200 and "签到成功" in done.text
    assert "厦门示例新能源有限公司" in done.text
    twice = client.post(path, data={"code": code})
    assert "已于" in twice.text and "签到过" in twice.text
    assert client.post(path, data={"code": "forged"}).status_code == 422
    db.session.expire_all()
    assert registrations.seats(seated).taken == 2
