"""After the event: feedback opens deals in the pipeline, and the funnel counts each stage."""

from __future__ import annotations

from datetime import date

import pytest
from flask.testing import FlaskClient

from portal.accounts.models import User
from portal.domain_errors import InvalidTransition, NotFound, ValidationFailed
from portal.extensions import db
from portal.listings.models import Technology
from portal.matches.models import Match, MatchState
from portal.matches.service import move_match
from portal.model_mixins import utcnow
from portal.roadshows import (
    feedback,
    funnel,
    invitations,
    meetings,
    registrations,
    service,
    tickets,
)
from portal.roadshows.models import Roadshow
from tests.factories import AuthActions
from tests.portal.roadshows.conftest import shanghai

NOW = utcnow()


@pytest.fixture
def held(roadshow: Roadshow, battery: Technology, people: dict[str, User]) -> Roadshow:
    broker = people["broker"]
    roadshow.capacity = 5
    service.add_talk(broker, roadshow, battery.id, 30)
    service.move_roadshow(broker, roadshow, "open")
    for who in ("enterprise", "other_enterprise"):
        invitations.invite_organization(
            broker, roadshow, people[who].organization_id, lambda secret: secret
        )
        registration = registrations.register(people[who], roadshow, NOW)
        tickets.check_in(broker, roadshow, tickets.check_in_code(registration), NOW)
    registrations.register(people["other_researcher"], roadshow, NOW)
    meetings.set_grid(
        broker,
        roadshow,
        meetings.Grid(15, 2, shanghai("2027-03-05 16:00"), shanghai("2027-03-05 17:00")),
    )
    meeting = meetings.request_meeting(people["enterprise"], roadshow, battery.id, "")
    meetings.answer_meeting(people["researcher"], meeting, accept=True)
    meetings.book_first_free(broker, meeting)
    meetings.mark_held(broker, meeting)
    service.move_roadshow(broker, roadshow, "closed")
    service.move_roadshow(broker, roadshow, "held")
    db.session.commit()
    return roadshow


def test_interest_opens_one_contacted_match_linked_to_the_roadshow(
    held: Roadshow, battery: Technology, people: dict[str, User]
) -> None:
    talk = held.slots[0]
    first = feedback.give_feedback(people["enterprise"], held, talk.id, "more_info", 4, "想看数据")
    again = feedback.give_feedback(people["enterprise"], held, talk.id, "negotiate", 5, "谈谈")
    assert again.id == first.id and again.rating == 5
    match = db.session.query(Match).one()
    assert match.state is MatchState.CONTACTED and match.technology_id == battery.id
    assert match.contacting_org_id == people["enterprise"].organization_id
    assert again.match_id == match.id
    none = feedback.give_feedback(people["other_enterprise"], held, talk.id, "none", 2, "")
    assert none.match_id is None
    with pytest.raises(InvalidTransition):  # registered but never checked in
        feedback.give_feedback(people["other_researcher"], held, talk.id, "more_info", 3, "")
    with pytest.raises(ValidationFailed):
        feedback.give_feedback(people["enterprise"], held, talk.id, "love", 9, "长" * 1001)
    with pytest.raises(NotFound):
        feedback.give_feedback(people["enterprise"], held, 999_999, "none", 3, "")


def test_the_funnel_counts_each_stage_and_filters(held: Roadshow, people: dict[str, User]) -> None:
    feedback.give_feedback(people["enterprise"], held, held.slots[0].id, "negotiate", 5, "")
    match = db.session.query(Match).one()
    move_match(match, "negotiating", people["broker"])
    move_match(match, "contracted", people["broker"])
    db.session.commit()
    counts = {stage.key: stage.count for stage in funnel.funnel(funnel.FunnelFilter())}
    assert counts == {
        "invited": 2,
        "registered": 3,
        "attended": 2,
        "meetings": 1,
        "contacted": 1,
        "negotiating": 1,
        "contracted": 1,
    }
    themed = funnel.funnel(funnel.FunnelFilter(area_code="A04"))
    assert all(stage.count == 0 for stage in themed)
    child = funnel.funnel(funnel.FunnelFilter(area_code="A01"))
    assert child[0].count == 2 and child[0].width == 66.7  # of the widest stage, registered
    before = funnel.funnel(funnel.FunnelFilter(starts_until=date(2027, 3, 4)))
    assert before[1].count == 0
    on_the_day = funnel.funnel(
        funnel.FunnelFilter(starts_from=date(2027, 3, 5), starts_until=date(2027, 3, 5))
    )
    assert on_the_day[1].count == 3


def test_the_feedback_and_funnel_pages(
    client: FlaskClient, auth: AuthActions, held: Roadshow, people: dict[str, User]
) -> None:
    auth.login("enterprise@test.xm")
    page = client.get(f"/roadshows/{held.id}/feedback")
    assert page.status_code == 200 and "钠离子电池储能系统" in page.text
    posted = client.post(
        f"/roadshows/{held.id}/feedback",
        data={
            "slot_id": str(held.slots[0].id),
            "interest": "more_info",
            "rating": "4",
            "comment": "<script>x</script>",
        },
    )
    assert posted.status_code == 302
    assert client.get("/roadshows/funnel").status_code == 403
    auth.logout()
    auth.login("broker@test.xm")
    page = client.get(f"/roadshows/funnel?roadshow={held.id}")
    assert page.status_code == 200 and "已联系" in page.text and "已签约" in page.text
    assert client.get("/roadshows/funnel?from=yesterday").status_code == 400
    assert client.get("/roadshows/funnel?roadshow=abc").status_code == 400
    assert client.get("/roadshows/funnel?area=A01&from=2027-01-01").status_code == 200
