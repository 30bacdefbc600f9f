"""Proposals read from stored matches: technologies in the theme ranked by their demand, and
the need owners to invite for the technologies on the agenda."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.accounts.models import User
from portal.extensions import db
from portal.listings.kinds import ListingKind
from portal.listings.models import Need, Technology
from portal.listings.service import (
    archive_listing,
    create_listing,
    publish_listing,
    submit_listing,
)
from portal.matches.models import Match, MatchState
from portal.roadshows import proposals, service
from portal.roadshows.models import Roadshow, RoadshowInvitation
from tests.factories import CCUS, STORAGE_NEED, AuthActions, make_listing, make_published

EXPLANATION = {"terms": ["储能", "电池"], "area": "A01.03 储能技术", "checks": []}


class Catalogue:
    def __init__(self, people: dict[str, User]) -> None:
        broker = people["broker"]

        def tech(owner: str, title: str, area: str) -> Technology:
            return make_published(  # type: ignore[return-value]
                ListingKind.TECHNOLOGY, people[owner], broker, title=title, area=area
            )

        def need(owner: str, title: str) -> Need:
            return make_published(  # type: ignore[return-value]
                ListingKind.NEED, people[owner], broker, **{**STORAGE_NEED, "title": title}
            )

        self.battery = tech("researcher", "钠离子电池储能系统", "A01.03")
        self.flywheel = tech("other_researcher", "飞轮储能装置", "A01")
        self.idle = tech("other_researcher", "液流电池", "A01.03")  # no matches at all
        self.ccus = tech("researcher", CCUS["title"], "A04.02")  # outside the theme
        self.draft = make_listing(ListingKind.TECHNOLOGY, people["researcher"], area="A01")
        self.park_need = need("enterprise", "园区储能需求")
        self.port_need = need("other_enterprise", "港口储能需求")
        # A need of 厦门大学 (posted for it by the broker): the presenter's own need.
        self.lab_need = create_listing(
            ListingKind.NEED,
            {**STORAGE_NEED, "title": "实验室储能需求"},
            broker,
            owner=people["researcher"].organization,
        )
        submit_listing(self.lab_need, broker)
        publish_listing(self.lab_need, broker)
        self.closed_need = need("enterprise", "已下架的需求")
        db.session.query(Match).delete()  # the stored matches are set by hand below
        pairs = [
            (self.battery, self.park_need, 0.8, MatchState.SUGGESTED, True),
            (self.battery, self.port_need, 0.7, MatchState.CONTACTED, True),
            (self.battery, self.lab_need, 0.9, MatchState.SUGGESTED, True),
            (self.battery, self.closed_need, 0.95, MatchState.SUGGESTED, True),
            (self.flywheel, self.park_need, 0.9, MatchState.SUGGESTED, True),
            (self.flywheel, self.port_need, 0.99, MatchState.REJECTED, True),
            (self.flywheel, self.lab_need, 0.99, MatchState.SUGGESTED, False),  # not current
            (self.ccus, self.park_need, 0.99, MatchState.SUGGESTED, True),
            (self.battery, None, 0.99, MatchState.CONTACTED, True),  # interest, no need
        ]
        for technology, need_row, score, state, current in pairs:
            db.session.add(
                Match(
                    technology=technology,
                    need=need_row,
                    score=score,
                    state=state,
                    is_current=current,
                    explanation=EXPLANATION,
                )
            )
        db.session.commit()
        archive_listing(self.closed_need, people["enterprise"])
        db.session.commit()


@pytest.fixture
def catalogue(areas: None, people: dict[str, User]) -> Catalogue:
    return Catalogue(people)


def test_technologies_in_the_theme_ranked_by_number_and_strength_of_open_needs(
    roadshow: Roadshow, catalogue: Catalogue
) -> None:
    proposed = proposals.propose_technologies([area.id for area in roadshow.areas])
    assert [(item.id, item.needs) for item in proposed] == [
        (catalogue.battery.id, 3),  # 0.8 + 0.7 + 0.9; the archived need does not count
        (catalogue.flywheel.id, 1),  # 0.9; rejected and superseded matches do not count
        (catalogue.idle.id, 0),
    ]
    assert proposed[0].score == pytest.approx(2.4) and proposed[0].best == pytest.approx(0.9)
    assert proposed[0].to_dict() == {
        "id": catalogue.battery.id,
        "title": "钠离子电池储能系统",
        "needs": 3,
        "score": 2.4,
    }
    assert proposals.propose_technologies([]) == []


def test_invitees_own_open_needs_matching_the_agenda_above_the_score(
    roadshow: Roadshow, catalogue: Catalogue, people: dict[str, User]
) -> None:
    assert proposals.roadshow_proposals(roadshow, 0.5).invitees == []  # nothing on the agenda
    service.add_talk(people["broker"], roadshow, catalogue.battery.id, 20)
    service.add_talk(people["broker"], roadshow, catalogue.flywheel.id, 20)
    db.session.commit()
    invitees = proposals.roadshow_proposals(roadshow, 0.5).invitees
    firm, other_firm = people["enterprise"].organization, people["other_enterprise"].organization
    assert [item.organization_id for item in invitees] == [firm.id, other_firm.id]
    assert invitees[0].to_dict() == {
        "organization": firm.id,
        "needs": [catalogue.park_need.id],
        "technologies": [catalogue.flywheel.id, catalogue.battery.id],
        "score": 0.9,
    }
    assert invitees[0].reasons[0].explanation["terms"] == ["储能", "电池"]
    # 厦门大学 presents the battery: its own lab need does not make it an invitee.
    assert people["researcher"].organization_id not in {i.organization_id for i in invitees}
    above = proposals.roadshow_proposals(roadshow, 0.75).invitees
    assert [item.organization_id for item in above] == [firm.id]


def test_the_proposals_page_puts_a_technology_on_the_agenda_in_one_click(
    client: FlaskClient, auth: AuthActions, roadshow: Roadshow, catalogue: Catalogue
) -> None:
    auth.login("broker@test.xm")
    page = client.get(f"/roadshows/{roadshow.id}/proposals")
    assert page.status_code == 200
    assert "钠离子电池储能系统" in page.text and CCUS["title"] not in page.text
    added = client.post(f"/roadshows/{roadshow.id}/proposals/{catalogue.battery.id}/add")
    assert added.status_code == 302
    client.post(f"/roadshows/{roadshow.id}/proposals/{catalogue.flywheel.id}/add")
    db.session.refresh(roadshow)
    assert [slot.technology_id for slot in roadshow.slots] == [
        catalogue.battery.id,
        catalogue.flywheel.id,
    ]
    assert roadshow.slots[1].starts_at > roadshow.slots[0].starts_at
    page = client.get(f"/roadshows/{roadshow.id}/proposals")
    assert "厦门示例新能源有限公司" in page.text and "园区储能需求" in page.text
    assert "储能、电池" in page.text  # the match explanation
    # A draft technology cannot be slipped in by id.
    client.post(f"/roadshows/{roadshow.id}/proposals/{catalogue.draft.id}/add")
    db.session.refresh(roadshow)
    assert len(roadshow.slots) == 2


def test_invite_all_skips_proposed_organizations_without_accounts(
    client: FlaskClient,
    auth: AuthActions,
    roadshow: Roadshow,
    catalogue: Catalogue,
    people: dict[str, User],
) -> None:
    service.add_talk(people["broker"], roadshow, catalogue.battery.id, 20)
    service.add_talk(people["broker"], roadshow, catalogue.flywheel.id, 20)
    people["other_enterprise"].active = False  # its firm is proposed but has nobody to invite
    db.session.commit()
    proposed = proposals.roadshow_proposals(roadshow, 0.5)
    assert [item.accounts for item in proposed.invitees] == [1, 0]
    assert [item.organization_id for item in proposed.invitable] == [
        people["enterprise"].organization_id
    ]
    auth.login("broker@test.xm")
    page = client.get(f"/roadshows/{roadshow.id}/proposals")
    assert page.text.count("还没有平台账号") == 1
    client.post(f"/roadshows/{roadshow.id}/invite-all", follow_redirects=True)
    invited = db.session.scalars(select(RoadshowInvitation.email)).all()
    assert invited == ["enterprise@test.xm"]


@pytest.mark.parametrize("who", [None, "researcher", "enterprise"])
def test_only_brokers_see_proposals(
    app: Flask,
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
    assert client.get(f"/roadshows/{roadshow.id}/proposals").status_code == (403 if who else 302)
