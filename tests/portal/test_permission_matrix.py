"""Every write route of the portal, HTML and API, tried by every role: allowed or refused.

The routes come from the app's URL map: each rule that takes POST, PUT, PATCH or DELETE must
have an entry in MATRIX (`test_every_write_route_has_an_entry`), so a new route cannot ship
without someone deciding who may call it. Each entry names the request (its path is filled
with the ids of a fresh world of listings, a match, organizations, a token and an upload, a
join request, an applicant alias and two open roadshows, built for each caller) and the
callers allowed. Callers: anonymous; a researcher of 厦门大学 (owning
its technology) and another researcher of another institute ("same role, other organization");
an enterprise (owning the need) and another enterprise; a broker; an admin.

A call is refused when it answers 401, 403 or 404 or sends the caller to the log-in page, or
when it answers as usual but the entry's `done` check finds that nothing happened (a few routes
answer a refusal with a message and a redirect); it is allowed when it answers below 400 and
the change is there. Any other answer (400, 409, 422, 5xx) fails the test: the request of an
entry is valid, so only permission may stand in its way.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import pytest
from flask import Flask, g
from flask.testing import FlaskClient
from sqlalchemy import inspect, select
from werkzeug.test import TestResponse

from portal import create_app
from portal.accounts.models import Role, User
from portal.api.tokens import ApiToken, issue_token
from portal.config import TestConfig
from portal.extensions import db
from portal.imports import uploads
from portal.imports.views import upload_folder
from portal.listings.kinds import Listing, ListingKind
from portal.listings.models import ListingStatus, Need, Technology
from portal.listings.service import submit_listing
from portal.matches.models import Match, MatchFeedback, MatchState, MatchSubscription
from portal.organizations.models import JoinRequest, JoinState, Organization, OrgKind
from portal.patents.models import ApplicantAlias
from portal.roadshows import invitations, meetings, service, tickets
from portal.roadshows.models import (
    InvitationState,
    MeetingState,
    RegistrationState,
    Roadshow,
    RoadshowFeedback,
    RoadshowInvitation,
    RoadshowMeeting,
    RoadshowRegistration,
    RoadshowSlot,
)
from portal.taxonomy.models import PLAN_TAXONOMY, TaxonomyArea
from tests.factories import (
    TEST_PASSWORD,
    AuthActions,
    listing_data,
    make_listing,
    make_org,
    make_plan_areas,
    make_published,
)
from tests.portal.roadshows.conftest import details, shanghai

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CALLERS = (
    "anonymous",
    "researcher",
    "other_researcher",
    "enterprise",
    "other_enterprise",
    "broker",
    "admin",
)
ANYONE = frozenset(CALLERS)
LOGGED_IN = ANYONE - {"anonymous"}
STAFF = frozenset({"broker", "admin"})
# The owners of the world's listings (厦门大学's technology, the firm's need), with staff.
TECHNOLOGY_SIDE = STAFF | {"researcher"}
NEED_SIDE = STAFF | {"enterprise"}
# Either side of the match between them (brokers follow matches but do not judge them).
MATCH_SIDES = frozenset({"researcher", "enterprise"})
CSV_NEED = (
    "需求名称,需求简介,企业名称\n"
    "园区储能需求,为工业园区配置两兆瓦时的储能系统。,厦门示例新能源有限公司\n"
)
# Admins belong to no organization: what needs one (posting without naming an owner,
# contacting, judging a match) is refused to them like to anyone without one.


@dataclass
class World:
    """What one caller acts on: fresh rows, so an allowed delete does not hide the next case."""

    actor: User | None
    technology: Technology  # published, 厦门大学's
    draft_technology: Technology
    submitted_technology: Technology
    need: Need  # published, the firm's
    draft_need: Need
    submitted_need: Need
    match: Match
    xmu: Organization
    firm: Organization
    spare_org: Organization  # owns nothing, so it can be deleted
    own_token: int  # one of the caller's API tokens (the researcher's when anonymous)
    researcher_token: int
    upload: str  # an upload of the caller's, waiting for confirmation
    newcomer: User  # verified, in no organization, asking to join 厦门大学
    join_request: JoinRequest  # the newcomer's, pending
    colleague: User  # a second member of 厦门大学 (not its administrator)
    alias: ApplicantAlias  # a suggested applicant alias naming 厦门大学, unconfirmed
    # Open, the technology on its agenda, a meeting grid; the researcher and the firm
    # registered, the other firm checked in (so it may give feedback) and invited.
    roadshow: Roadshow
    slot: RoadshowSlot
    registration: RoadshowRegistration  # the researcher's
    ticket_code: str  # the firm's check-in code
    invitation: RoadshowInvitation  # the other firm's, unanswered
    invitation_secret: str
    requested_meeting: RoadshowMeeting  # the firm asks 厦门大学's team
    accepted_meeting: RoadshowMeeting  # the other firm's, accepted, not yet booked
    booked_meeting: RoadshowMeeting  # accepted and on the grid
    # Another open roadshow where every caller but the broker holds a seat (the
    # researcher's is offered from the waiting list), to cancel or confirm.
    seats_roadshow: Roadshow

    def ids(self) -> dict[str, Any]:
        """The ids to put in paths; read from the identity map, so that a row a call deleted
        (or a ranking replaced) still gives its id."""
        return {
            name: inspect(value).identity[0] if isinstance(value, db.Model) else value
            for name, value in vars(self).items()
            if name != "actor"
        }


Body = Callable[[World], dict[str, Any]] | dict[str, Any] | None
Check = Callable[[World], bool]


@dataclass(frozen=True)
class Write:
    method: str
    path: str  # str.format'ed with World.ids()
    allowed: frozenset[str]
    form: Body = None  # form fields (HTML routes)
    json: Body = None  # JSON body (API routes)
    done: Check | None = None  # did the call take effect? (for refusals that answer 302)
    files: bool = False  # the form carries an upload


def _fresh(model: type[Technology] | type[Need], listing_id: int) -> Listing | None:
    db.session.expire_all()
    return db.session.get(model, listing_id)


def _status_is(model: Any, name: str, status: ListingStatus) -> Check:
    def check(world: World) -> bool:
        listing = _fresh(model, getattr(world, name).id)
        return listing is not None and listing.status is status

    return check


def _gone(model: Any, name: str) -> Check:
    def check(world: World) -> bool:
        listing = _fresh(model, getattr(world, name).id)
        return listing is None or listing.status is ListingStatus.ARCHIVED

    return check


def _token_revoked(name: str) -> Check:
    def check(world: World) -> bool:
        db.session.expire_all()
        token = db.session.get(ApiToken, getattr(world, name))
        return token is not None and not token.is_active

    return check


def _match_state(state: MatchState) -> Check:
    def check(world: World) -> bool:
        db.session.expire_all()
        return db.session.get(Match, world.match.id).state is state

    return check


def _has_feedback(world: World) -> bool:
    return db.session.scalar(select(MatchFeedback.id)) is not None


def _subscribed(world: World) -> bool:
    return db.session.scalar(select(MatchSubscription.id)) is not None


def _listing_form(kind: ListingKind) -> dict[str, Any]:
    return listing_data(
        kind, title="权限矩阵测试条目", summary="用于检查谁可以保存这条信息的摘要文字。"
    )


REGISTRATIONS = itertools.count(1)


def _registration(world: World) -> dict[str, Any]:
    number = next(REGISTRATIONS)
    return {
        "email": f"new{number}@test.xm",
        "name": "新用户",
        "password": "long-enough-42",
        "password_confirm": "long-enough-42",
        "role": "researcher",
        "org_mode": "join",
        "organization_id": world.xmu.id,
        "org_kind": "university",
        "org_district": "",
    }


def _org_form(world: World) -> dict[str, Any]:
    return {"district": "思明区", "industry": "新能源", "description": "机构简介。"}


def _row(model: Any, row_id: int) -> Any:
    db.session.expire_all()
    return db.session.get(model, row_id)


def _actor_id(world: World) -> int | None:
    return world.actor.id if world.actor is not None else None


def _join_requested(world: World) -> bool:
    found = select(JoinRequest.id).where(JoinRequest.user_id == _actor_id(world))
    return db.session.scalar(found) is not None


def _request_decided(world: World) -> bool:
    return _row(JoinRequest, world.join_request.id).state is not JoinState.PENDING


def _colleague_left(world: World) -> bool:
    return _row(User, world.colleague.id).organization_id is None


def _colleague_administers(world: World) -> bool:
    return bool(_row(User, world.colleague.id).org_admin)


def _registration_of(world: World, name: str) -> RoadshowRegistration | None:
    db.session.expire_all()
    return db.session.scalar(
        select(RoadshowRegistration).where(
            RoadshowRegistration.roadshow_id == getattr(world, name).id,
            RoadshowRegistration.user_id == _actor_id(world),
        )
    )


def _holds_seat(name: str) -> Check:
    def check(world: World) -> bool:
        mine = _registration_of(world, name)
        return mine is not None and mine.state is not RegistrationState.CANCELLED

    return check


def _own_seat_is(state: RegistrationState) -> Check:
    def check(world: World) -> bool:
        mine = _registration_of(world, "seats_roadshow")
        return mine is not None and mine.state is state

    return check


def _invited(email: str) -> Check:
    def check(world: World) -> bool:
        found = select(RoadshowInvitation.id).where(
            RoadshowInvitation.roadshow_id == world.roadshow.id,
            RoadshowInvitation.email == email,
        )
        return db.session.scalar(found) is not None

    return check


def _invitation_answered(world: World) -> bool:
    return _row(RoadshowInvitation, world.invitation.id).state is not InvitationState.PENDING


def _grid_has_two_tables(world: World) -> bool:
    return _row(Roadshow, world.roadshow.id).meeting_tables == 2


def _meeting_asked(world: World) -> bool:
    organization_id = world.actor.organization_id if world.actor is not None else None
    found = select(RoadshowMeeting.id).where(
        RoadshowMeeting.roadshow_id == world.roadshow.id,
        RoadshowMeeting.requester_org_id == organization_id,
    )
    return db.session.scalar(found) is not None


def _slot_gone(world: World) -> bool:
    return _row(RoadshowSlot, world.slot.id) is None


def _registration_cancelled(world: World) -> bool:
    registration = _row(RoadshowRegistration, world.registration.id)
    return registration.state is RegistrationState.CANCELLED


def _meeting_answered(world: World) -> bool:
    return _row(RoadshowMeeting, world.requested_meeting.id).state is not MeetingState.REQUESTED


def _meeting_booked(world: World) -> bool:
    return _row(RoadshowMeeting, world.accepted_meeting.id).starts_at is not None


def _meeting_held(world: World) -> bool:
    return _row(RoadshowMeeting, world.booked_meeting.id).state is MeetingState.HELD


def _feedback_given(world: World) -> bool:
    found = select(RoadshowFeedback.id).where(RoadshowFeedback.user_id == _actor_id(world))
    return db.session.scalar(found) is not None


def _patent_file() -> tuple[io.BytesIO, str]:
    text = "公开（公告）号,标题,申请人\nCN112345678A,矩阵测试专利,厦门大学\n"
    return io.BytesIO(text.encode()), "专利.csv"


def _roadshow_form(world: World) -> dict[str, Any]:
    return {
        "title": "权限矩阵测试路演",
        "areas": ["A01"],
        "host_org_id": "",
        "starts_at": "2027-03-05T14:00",
        "ends_at": "2027-03-05T17:00",
        "registration_deadline": "2027-03-04T18:00",
        "venue": "厦门两岸股权交易中心路演厅",
        "online_url": "",
        "capacity": "10",
        "description": "路演简介。",
    }


ROADSHOW_JSON = {
    "title": "权限矩阵测试路演",
    "areas": ["A01"],
    "starts_at": "2027-03-05T14:00:00+08:00",
    "ends_at": "2027-03-05T17:00:00+08:00",
    "registration_deadline": "2027-03-04T18:00:00+08:00",
    "venue": "厦门两岸股权交易中心路演厅",
    "capacity": 10,
}
# Everyone with a seat to take, cancel or confirm: brokers run roadshows, they attend none.
ATTENDEES = LOGGED_IN - {"broker"}


# endpoint -> the writes tried on it (several where one route takes several operations).
MATRIX: dict[str, list[Write]] = {
    # Accounts: public forms, and the caller's own profile, tokens, session and language.
    "auth.login": [
        Write(
            "POST",
            "/auth/login",
            ANYONE,
            form={"email": "researcher@test.xm", "password": TEST_PASSWORD},
        )
    ],
    "auth.logout": [Write("POST", "/auth/logout", LOGGED_IN)],
    "auth.register": [Write("POST", "/auth/register", ANYONE, form=_registration)],
    "auth.reset_request": [Write("POST", "/auth/reset", ANYONE, form={"email": "nobody@test.xm"})],
    "auth.reset_password": [Write("POST", "/auth/reset/not-a-token", ANYONE, form={})],
    "auth.set_locale": [Write("POST", "/auth/locale/en", ANYONE)],
    "auth.profile": [
        Write("POST", "/auth/profile", LOGGED_IN, form={"name": "新名字", "locale": "zh_CN"})
    ],
    "api_tokens.create": [Write("POST", "/auth/tokens", LOGGED_IN, form={"name": "脚本"})],
    "api_tokens.revoke": [
        Write(
            "POST", "/auth/tokens/{own_token}/revoke", LOGGED_IN, done=_token_revoked("own_token")
        ),
        # Someone else's token: nobody but its holder revokes it, not even staff.
        Write(
            "POST",
            "/auth/tokens/{researcher_token}/revoke",
            frozenset({"researcher"}),
            done=_token_revoked("researcher_token"),
        ),
    ],
    "notifications.mark_read": [Write("POST", "/notifications/read", LOGGED_IN, form={})],
    # Nobody here is unverified: asking again changes nothing, for anyone signed in.
    "auth.resend_verification": [Write("POST", "/auth/verify/resend", LOGGED_IN, form={})],
    # Staff end accounts other than staff ones; to anyone else the account is not there.
    "auth.deactivate": [Write("POST", "/auth/accounts/{colleague}/deactivate", STAFF, form={})],
    # Catalogue and needs pages.
    "catalogue.new": [
        Write(
            "POST",
            "/catalogue/new?kind=technology",
            frozenset({"researcher", "other_researcher"}),
            form=_listing_form(ListingKind.TECHNOLOGY),
        ),
        Write(
            "POST",
            "/catalogue/new?kind=product",
            frozenset({"researcher", "other_researcher", "enterprise", "other_enterprise"}),
            form=_listing_form(ListingKind.PRODUCT),
        ),
    ],
    "needs.new": [
        Write(
            "POST",
            "/needs/new",
            frozenset({"enterprise", "other_enterprise"}),
            form=_listing_form(ListingKind.NEED),
        )
    ],
    "catalogue.edit": [
        Write(
            "POST",
            "/catalogue/{technology}/edit",
            TECHNOLOGY_SIDE,
            form=_listing_form(ListingKind.TECHNOLOGY),
        )
    ],
    "needs.edit": [
        Write("POST", "/needs/{need}/edit", NEED_SIDE, form=_listing_form(ListingKind.NEED))
    ],
    "catalogue.delete": [
        Write(
            "POST",
            "/catalogue/{technology}/delete",
            TECHNOLOGY_SIDE,
            done=_gone(Technology, "technology"),
        )
    ],
    "needs.delete": [Write("POST", "/needs/{need}/delete", NEED_SIDE, done=_gone(Need, "need"))],
    "catalogue.workflow": [
        Write(
            "POST",
            "/catalogue/{draft_technology}/submit",
            TECHNOLOGY_SIDE,
            done=_status_is(Technology, "draft_technology", ListingStatus.SUBMITTED),
        ),
        Write(
            "POST",
            "/catalogue/{submitted_technology}/publish",
            STAFF,
            done=_status_is(Technology, "submitted_technology", ListingStatus.PUBLISHED),
        ),
        Write(
            "POST",
            "/catalogue/{technology}/archive",
            TECHNOLOGY_SIDE,
            done=_status_is(Technology, "technology", ListingStatus.ARCHIVED),
        ),
    ],
    "needs.workflow": [
        Write(
            "POST",
            "/needs/{draft_need}/submit",
            NEED_SIDE,
            done=_status_is(Need, "draft_need", ListingStatus.SUBMITTED),
        ),
        Write(
            "POST",
            "/needs/{submitted_need}/publish",
            STAFF,
            done=_status_is(Need, "submitted_need", ListingStatus.PUBLISHED),
        ),
        Write(
            "POST",
            "/needs/{submitted_need}/request-changes",
            STAFF,
            form={"comment": "预算请写清楚"},
            done=_status_is(Need, "submitted_need", ListingStatus.DRAFT),
        ),
    ],
    # Matches: contacting an owner, the parties' feedback, the brokers' pipeline, digests.
    "matches.contact": [
        Write(
            "POST",
            "/matches/contact/technology/{technology}",
            frozenset({"enterprise", "other_enterprise"}),
            form={"message": "我们园区想试用"},
        ),
        Write(
            "POST",
            "/matches/contact/need/{need}",
            frozenset({"researcher", "other_researcher"}),
            form={"message": "我们有合适的技术"},
        ),
    ],
    "matches.feedback": [
        Write(
            "POST",
            "/matches/{match}/feedback",
            MATCH_SIDES,
            form={"relevant": "yes", "next": "/"},
            done=_has_feedback,
        )
    ],
    "matches.move": [
        Write(
            "POST",
            "/matches/{match}/move",
            STAFF,
            form={"state": "contacted", "next": "/matches/board"},
            done=_match_state(MatchState.CONTACTED),
        )
    ],
    "matches.subscription": [
        Write("POST", "/matches/subscription/need/{need}", LOGGED_IN, form={}, done=_subscribed)
    ],
    # Organizations: their members edit them; staff verify and classify.
    "orgs.edit": [
        Write("POST", "/orgs/{xmu}/edit", frozenset({"researcher", "admin"}), form=_org_form),
        Write("POST", "/orgs/{firm}/edit", frozenset({"enterprise", "admin"}), form=_org_form),
    ],
    "orgs.verify": [Write("POST", "/orgs/{firm}/verify", STAFF, form={})],
    # Membership: only people in no organization ask to join (no caller here is one); the
    # organization's administrators and brokers decide and manage (the researcher is a plain
    # member of 厦门大学, so is refused).
    "orgs.join": [Write("POST", "/orgs/{xmu}/join", frozenset(), form={}, done=_join_requested)],
    "orgs.decide": [
        Write(
            "POST",
            "/orgs/{xmu}/requests/{join_request}/approve",
            STAFF,
            form={},
            done=_request_decided,
        ),
        Write(
            "POST",
            "/orgs/{xmu}/requests/{join_request}/reject",
            STAFF,
            form={},
            done=_request_decided,
        ),
    ],
    "orgs.remove_member": [
        Write(
            "POST", "/orgs/{xmu}/members/{colleague}/remove", STAFF, form={}, done=_colleague_left
        )
    ],
    "orgs.change_administrator": [
        Write(
            "POST",
            "/orgs/{xmu}/members/{colleague}/promote",
            STAFF,
            form={},
            done=_colleague_administers,
        )
    ],
    "classification.classify": [Write("POST", "/orgs/{firm}/carbon/classify", STAFF, form={})],
    "classification.override": [
        Write(
            "POST",
            "/orgs/{firm}/carbon/override",
            STAFF,
            form={"carbon_type": "low", "reason": "核查"},
        )
    ],
    "classification.clear_override": [
        Write("POST", "/orgs/{firm}/carbon/override/clear", STAFF, form={})
    ],
    # Bulk import: staff only, and each upload is its uploader's.
    "imports.upload": [
        Write(
            "POST",
            "/imports/",
            STAFF,
            form={"kind": "need", "file": (io.BytesIO(CSV_NEED.encode()), "需求.csv")},
            files=True,
        )
    ],
    "imports.confirm": [Write("POST", "/imports/{upload}/confirm", STAFF, form={})],
    "imports.cancel": [Write("POST", "/imports/{upload}/cancel", STAFF, form={})],
    # Maintenance runs at once in the test settings; only admins start it (brokers watch).
    "jobs.start": [
        Write("POST", "/admin/jobs/maintenance/search.reindex", frozenset({"admin"}), form={})
    ],
    # Patent navigation: staff only.
    "patents.import_page": [
        Write("POST", "/patents/import", STAFF, form={"file": _patent_file()}, files=True)
    ],
    "patents.suggest": [Write("POST", "/patents/aliases/suggest", STAFF, form={})],
    "patents.confirm": [Write("POST", "/patents/aliases/{alias}/confirm", STAFF, form={})],
    # Roadshows: brokers run them; people of an organization (and admins) take seats; the
    # invited answer their own invitation, the presenting team its meeting requests, and
    # those who attended give feedback.
    "roadshows.create": [Write("POST", "/roadshows/new", STAFF, form=_roadshow_form)],
    "roadshows.edit": [Write("POST", "/roadshows/{roadshow}/edit", STAFF, form=_roadshow_form)],
    "roadshows.move": [
        Write("POST", "/roadshows/{roadshow}/status", STAFF, form={"status": "closed"})
    ],
    "roadshows.agenda": [
        Write(
            "POST",
            "/roadshows/{roadshow}/agenda",
            STAFF,
            form={
                "technology_id": "",
                "title": "茶歇",
                "presenter": "",
                "starts_at": "2027-03-05T15:00",
                "minutes": "10",
            },
        )
    ],
    "roadshows.remove_slot": [
        Write("POST", "/roadshows/{roadshow}/agenda/{slot}/remove", STAFF, form={}),
        # A slot, registration or meeting is reached only through its own roadshow.
        Write(
            "POST",
            "/roadshows/{seats_roadshow}/agenda/{slot}/remove",
            frozenset(),
            form={},
            done=_slot_gone,
        ),
    ],
    "roadshows.add_proposed": [
        Write("POST", "/roadshows/{roadshow}/proposals/{technology}/add", STAFF, form={})
    ],
    "roadshows.invite": [
        Write(
            "POST",
            "/roadshows/{roadshow}/invite/{xmu}",
            STAFF,
            form={},
            done=_invited("researcher@test.xm"),
        )
    ],
    "roadshows.invite_all": [
        # The firm's need matches the technology on the agenda: the firm is proposed.
        Write(
            "POST",
            "/roadshows/{roadshow}/invite-all",
            STAFF,
            form={},
            done=_invited("enterprise@test.xm"),
        )
    ],
    "roadshows.invitation_link": [
        Write(
            "POST",
            "/roadshows/invitations/{invitation_secret}",
            frozenset({"other_enterprise"}),
            form={"accept": "0"},
        )
    ],
    "roadshows.answer": [
        Write(
            "POST",
            "/roadshows/invitations/{invitation}/answer",
            frozenset({"other_enterprise"}),
            form={"accept": "0"},
            done=_invitation_answered,
        )
    ],
    "roadshows.register": [
        Write(
            "POST",
            "/roadshows/{roadshow}/register",
            ATTENDEES,
            form={},
            done=_holds_seat("roadshow"),
        )
    ],
    "roadshows.cancel_mine": [
        Write(
            "POST",
            "/roadshows/{seats_roadshow}/registration/cancel",
            ATTENDEES,
            form={},
            done=_own_seat_is(RegistrationState.CANCELLED),
        )
    ],
    "roadshows.confirm_mine": [
        Write(
            "POST",
            "/roadshows/{seats_roadshow}/registration/confirm",
            ATTENDEES,
            form={},
            done=_own_seat_is(RegistrationState.REGISTERED),
        )
    ],
    "roadshows.registrations_page": [
        Write("POST", "/roadshows/{roadshow}/registrations", STAFF, form={"email": "other@test.xm"})
    ],
    "roadshows.cancel_for": [
        Write("POST", "/roadshows/{roadshow}/registrations/{registration}/cancel", STAFF, form={}),
        Write(
            "POST",
            "/roadshows/{seats_roadshow}/registrations/{registration}/cancel",
            frozenset(),
            form={},
            done=_registration_cancelled,
        ),
    ],
    "roadshows.check_in": [
        Write(
            "POST",
            "/roadshows/{roadshow}/check-in",
            STAFF,
            form=lambda w: {"code": w.ticket_code},
        )
    ],
    "roadshows.meetings_page": [
        # Registered enterprises ask a presenting team of another organization.
        Write(
            "POST",
            "/roadshows/{roadshow}/meetings",
            frozenset({"enterprise", "other_enterprise"}),
            form=lambda w: {"technology_id": str(w.technology.id), "message": "想了解循环寿命"},
            done=_meeting_asked,
        )
    ],
    "roadshows.meeting_grid": [
        Write(
            "POST",
            "/roadshows/{roadshow}/meetings/grid",
            STAFF,
            form={
                "meeting_minutes": "15",
                "meeting_tables": "2",
                "meetings_from": "2027-03-05T16:00",
                "meetings_until": "2027-03-05T17:00",
            },
            done=_grid_has_two_tables,
        )
    ],
    "roadshows.answer_meeting": [
        # The presenting team (厦门大学's) answers; not even staff answer for it.
        Write(
            "POST",
            "/roadshows/{roadshow}/meetings/{requested_meeting}/answer",
            frozenset({"researcher"}),
            form={"accept": "1"},
            done=_meeting_answered,
        ),
        Write(
            "POST",
            "/roadshows/{seats_roadshow}/meetings/{requested_meeting}/answer",
            frozenset(),
            form={"accept": "1"},
            done=_meeting_answered,
        ),
    ],
    "roadshows.book_meeting": [
        Write(
            "POST",
            "/roadshows/{roadshow}/meetings/{accepted_meeting}/book",
            STAFF,
            form={"starts_at": "", "table": ""},
            done=_meeting_booked,
        )
    ],
    "roadshows.meeting_held": [
        Write(
            "POST",
            "/roadshows/{roadshow}/meetings/{booked_meeting}/held",
            STAFF,
            form={},
            done=_meeting_held,
        )
    ],
    "roadshows.feedback_page": [
        Write(
            "POST",
            "/roadshows/{roadshow}/feedback",
            frozenset({"other_enterprise"}),
            form=lambda w: {
                "slot_id": str(w.slot.id),
                "interest": "none",
                "rating": "4",
                "comment": "讲得清楚",
            },
            done=_feedback_given,
        )
    ],
    # The API: the same rules as the pages.
    "api.classification_classify_carbon": [
        Write("POST", "/api/v1/classify/carbon", ANYONE, json={"text": "屋顶分布式光伏"})
    ],
    "api.classification_classify_area": [
        Write("POST", "/api/v1/classify/area", ANYONE, json={"text": "屋顶分布式光伏"})
    ],
    "api.technologies_create_item": [
        # Admins belong to no organization: they post for one (below).
        Write(
            "POST",
            "/api/v1/technologies",
            frozenset({"researcher", "other_researcher"}),
            json=_listing_form(ListingKind.TECHNOLOGY),
        ),
        Write(
            "POST",
            "/api/v1/technologies",
            STAFF,  # brokers post for an organization
            json=lambda w: {**_listing_form(ListingKind.TECHNOLOGY), "owner_org_id": w.xmu.id},
        ),
    ],
    "api.technologies_update_item": [
        Write(
            "PATCH",
            "/api/v1/technologies/{technology}",
            TECHNOLOGY_SIDE,
            json={"summary": "改过的摘要文字，内容足够长。"},
        ),
        Write(
            "PATCH",
            "/api/v1/technologies/{submitted_technology}",
            STAFF,
            json={"status": "published"},
        ),
    ],
    "api.technologies_delete_item": [
        Write(
            "DELETE",
            "/api/v1/technologies/{technology}",
            TECHNOLOGY_SIDE,
            done=_gone(Technology, "technology"),
        )
    ],
    "api.needs_create_item": [
        Write(
            "POST",
            "/api/v1/needs",
            frozenset({"enterprise", "other_enterprise"}),
            json=_listing_form(ListingKind.NEED),
        ),
        Write(
            "POST",
            "/api/v1/needs",
            STAFF,
            json=lambda w: {**_listing_form(ListingKind.NEED), "owner_org_id": w.firm.id},
        ),
    ],
    "api.needs_update_item": [
        Write(
            "PATCH",
            "/api/v1/needs/{need}",
            NEED_SIDE,
            json={"summary": "改过的摘要文字，内容足够长。"},
        ),
        Write("PATCH", "/api/v1/needs/{draft_need}", NEED_SIDE, json={"status": "submitted"}),
    ],
    "api.needs_delete_item": [
        Write("DELETE", "/api/v1/needs/{need}", NEED_SIDE, done=_gone(Need, "need"))
    ],
    "api.organizations_create_item": [
        Write(
            "POST",
            "/api/v1/organizations",
            STAFF,
            json=lambda w: {
                "name": f"厦门矩阵测试{next(SPARE_ORG_NUMBERS)}有限公司",
                "kind": "enterprise",
            },
        )
    ],
    "api.organizations_update_item": [
        Write(
            "PATCH",
            "/api/v1/organizations/{firm}",
            frozenset({"enterprise", "admin"}),
            json={"industry": "储能"},
        )
    ],
    "api.patents_import_file": [
        Write("POST", "/api/v1/patents/import", STAFF, form={"file": _patent_file()}, files=True)
    ],
    "api.roadshows_create_roadshow": [
        Write("POST", "/api/v1/roadshows", STAFF, json=ROADSHOW_JSON)
    ],
    "api.roadshows_update_roadshow": [
        Write("PATCH", "/api/v1/roadshows/{roadshow}", STAFF, json={"venue": "厦门国际会议中心"})
    ],
    "api.roadshows_register": [
        Write("POST", "/api/v1/roadshows/{roadshow}/registrations", ATTENDEES, json={})
    ],
    "api.roadshows_cancel_mine": [
        Write(
            "DELETE",
            "/api/v1/roadshows/{seats_roadshow}/registrations/mine",
            ATTENDEES,
            done=_own_seat_is(RegistrationState.CANCELLED),
        )
    ],
    "api.organizations_delete_item": [
        Write("DELETE", "/api/v1/organizations/{spare_org}", frozenset({"admin"}))
    ],
}


def _write_endpoints(app: Flask) -> dict[str, set[str]]:
    return {
        rule.endpoint: set(rule.methods or ()) & WRITE_METHODS
        for rule in app.url_map.iter_rules()
        if set(rule.methods or ()) & WRITE_METHODS
    }


WRITE_ENDPOINTS = sorted(_write_endpoints(create_app(TestConfig)))


def test_every_write_route_has_an_entry() -> None:
    app = create_app(TestConfig)
    routes = _write_endpoints(app)
    assert sorted(set(routes) - set(MATRIX)) == [], "write routes without an entry in MATRIX"
    assert sorted(set(MATRIX) - set(routes)) == [], "MATRIX entries for routes that are gone"
    for endpoint, writes in MATRIX.items():
        assert {w.method for w in writes} <= routes[endpoint], endpoint
        assert all(set(w.allowed) <= ANYONE for w in writes), endpoint


SPARE_ORG_NUMBERS = itertools.count(1)


WORLD_NUMBERS = itertools.count(1)


def _account(people: dict[str, User], role: Role, org: Organization | None) -> User:
    """A verified account with the fixture's password hash (hashing anew would be slow)."""
    number = next(WORLD_NUMBERS)
    user = User(
        email=f"matrix{number}@test.xm",
        name=f"矩阵{number}",
        role=role,
        organization=org,
        password_hash=people["researcher"].password_hash,
        email_verified_at=people["researcher"].email_verified_at,
    )
    db.session.add(user)
    return user


def _membership(people: dict[str, User], xmu: Organization) -> dict[str, Any]:
    newcomer = _account(people, Role.RESEARCHER, None)
    join_request = JoinRequest(user=newcomer, organization=xmu, state=JoinState.PENDING)
    colleague = _account(people, Role.RESEARCHER, xmu)
    alias = ApplicantAlias(
        normalized_name=f"matrix-alias-{next(WORLD_NUMBERS)}", name="厦门大学", organization=xmu
    )
    db.session.add_all([join_request, alias])
    return {
        "newcomer": newcomer,
        "join_request": join_request,
        "colleague": colleague,
        "alias": alias,
    }


def _seat(roadshow: Roadshow, user: User, state: RegistrationState) -> RoadshowRegistration:
    registration = RoadshowRegistration(
        roadshow=roadshow, user_id=user.id, organization_id=user.organization_id, state=state
    )
    db.session.add(registration)
    return registration


def _meeting(
    roadshow: Roadshow, technology: Technology, requester: User, state: MeetingState
) -> RoadshowMeeting:
    meeting = RoadshowMeeting(
        roadshow=roadshow,
        technology=technology,
        requester=requester,
        requester_org_id=requester.organization_id,
        presenter_org_id=technology.owner_org_id,
        state=state,
    )
    db.session.add(meeting)
    return meeting


def _roadshows(people: dict[str, User], technology: Technology) -> dict[str, Any]:
    """The two open roadshows, their agenda, seats, invitation and meetings."""
    broker = people["broker"]
    roadshow = service.create_roadshow(broker, details(capacity=10))
    slot = service.add_talk(broker, roadshow, technology.id, 20)
    service.move_roadshow(broker, roadshow, "open")
    grid = meetings.Grid(15, 1, shanghai("2027-03-05 16:00"), shanghai("2027-03-05 16:30"))
    meetings.set_grid(broker, roadshow, grid)
    registration = _seat(roadshow, people["researcher"], RegistrationState.REGISTERED)
    ticket = _seat(roadshow, people["enterprise"], RegistrationState.REGISTERED)
    attended = _seat(roadshow, people["other_enterprise"], RegistrationState.ATTENDED)
    attended.checked_in_at = roadshow.starts_at
    secrets: list[str] = []
    invitation = invitations.invite_organization(
        broker,
        roadshow,
        people["other_enterprise"].organization_id or 0,
        lambda secret: secrets.append(secret) or secret,
    )[0]
    booked = _meeting(roadshow, technology, people["other_researcher"], MeetingState.ACCEPTED)
    booked.starts_at, booked.table_number = grid.starts_at, 1
    seats_roadshow = service.create_roadshow(broker, details(capacity=10))
    service.move_roadshow(broker, seats_roadshow, "open")
    offered = _seat(seats_roadshow, people["researcher"], RegistrationState.OFFERED)
    offered.offer_expires_at = seats_roadshow.registration_deadline
    for caller in ("other_researcher", "enterprise", "other_enterprise", "admin"):
        _seat(seats_roadshow, people[caller], RegistrationState.REGISTERED)
    db.session.flush()
    return {
        "roadshow": roadshow,
        "slot": slot,
        "registration": registration,
        "ticket_code": tickets.check_in_code(ticket),
        "invitation": invitation,
        "invitation_secret": secrets[0],
        "requested_meeting": _meeting(
            roadshow, technology, people["enterprise"], MeetingState.REQUESTED
        ),
        "accepted_meeting": _meeting(
            roadshow, technology, people["other_enterprise"], MeetingState.ACCEPTED
        ),
        "booked_meeting": booked,
        "seats_roadshow": seats_roadshow,
    }


def _ensure_plan_areas() -> None:
    if db.session.scalar(select(TaxonomyArea.id).where(TaxonomyArea.taxonomy == PLAN_TAXONOMY)):
        return
    make_plan_areas()


def _build_world(people: dict[str, User]) -> World:
    """Listings in every state, their match, organizations, the researcher's token, a pending
    join request, an applicant alias and two open roadshows."""
    researcher, enterprise, broker = people["researcher"], people["enterprise"], people["broker"]
    _ensure_plan_areas()
    technology = make_published(ListingKind.TECHNOLOGY, researcher, broker)
    need = make_published(ListingKind.NEED, enterprise, broker)
    submitted_technology = make_listing(ListingKind.TECHNOLOGY, researcher)
    submitted_need = make_listing(ListingKind.NEED, enterprise)
    submit_listing(submitted_technology, researcher)
    submit_listing(submitted_need, enterprise)
    # Publishing ranked the pair already (the outbox ran); make sure it is there either way.
    match = db.session.scalar(
        select(Match).where(Match.technology_id == technology.id, Match.need_id == need.id)
    ) or Match(technology=technology, need=need, score=0.9, is_current=True)
    # A good current match either way, so the roadshow proposes the firm as an invitee.
    match.score, match.is_current = max(match.score or 0.0, 0.9), True
    db.session.add(match)
    researcher_token = issue_token(researcher, "matrix").record.id
    assert researcher.organization is not None and enterprise.organization is not None
    extra = {**_membership(people, researcher.organization), **_roadshows(people, technology)}
    db.session.commit()
    return World(
        actor=None,
        technology=technology,
        draft_technology=make_listing(ListingKind.TECHNOLOGY, researcher),
        submitted_technology=submitted_technology,
        need=need,
        draft_need=make_listing(ListingKind.NEED, enterprise),
        submitted_need=submitted_need,
        match=match,
        xmu=researcher.organization,
        firm=enterprise.organization,
        spare_org=make_org(f"厦门矩阵备用机构{next(SPARE_ORG_NUMBERS)}", OrgKind.ENTERPRISE),
        own_token=researcher_token,
        researcher_token=researcher_token,
        upload="",
        **extra,
    )


def _as_caller(world: World, people: dict[str, User], caller: str) -> World:
    """The world seen by one caller: with a token and an upload of the caller's own."""
    actor = people.get(caller)
    own_token = issue_token(actor, "matrix").record.id if actor else world.researcher_token
    db.session.commit()
    pending = uploads.save_upload(
        upload_folder(),
        CSV_NEED.encode(),
        kind=ListingKind.NEED,
        filename="需求.csv",
        create_missing_orgs=False,
        uploader_id=(actor or people["broker"]).id,
    )
    return replace(world, actor=actor, own_token=own_token, upload=pending.token)


def _body(body: Body, world: World) -> dict[str, Any] | None:
    return body(world) if callable(body) else body


def _call(client: FlaskClient, write: Write, world: World) -> TestResponse:
    path = write.path.format(**world.ids())
    headers: dict[str, str] = {}
    if path.startswith("/api/") and world.actor is not None:
        headers["Authorization"] = "Bearer " + issue_token(world.actor, "call").secret
        db.session.commit()
    if write.json is not None:
        return client.open(
            path, method=write.method, json=_body(write.json, world), headers=headers
        )
    form = dict(_body(write.form, world) or {})
    if write.files:
        form = {
            k: (io.BytesIO(v[0].getvalue()), v[1]) if isinstance(v, tuple) else v
            for k, v in form.items()
        }
    return client.open(
        path,
        method=write.method,
        data=form,
        headers=headers,
        content_type="multipart/form-data" if write.files else None,
    )


def _verdict(response: TestResponse, write: Write, world: World) -> str:
    status = response.status_code
    location = response.headers.get("Location", "")
    # Flask-Login sends logged-out callers to the log-in page with ?next=.
    if status in (401, 403, 404) or (status == 302 and "/auth/login?next=" in location):
        return "refused"
    if status < 400:
        if write.done is not None and not write.done(world):
            return "refused"
        return "allowed"
    return f"answered {status}"


def _fresh_client(app: Flask, actor: User | None) -> FlaskClient:
    client = app.test_client()
    # Requests share the test's app context, where Flask-Login caches the user it loaded;
    # forget it so each request is its own caller's.
    g.pop("_login_user", None)
    if actor is not None:
        AuthActions(client).login(actor.email)
        g.pop("_login_user", None)
    return client


@pytest.mark.parametrize("endpoint", WRITE_ENDPOINTS)
def test_write_route_for_every_caller(app: Flask, people: dict[str, User], endpoint: str) -> None:
    app.config["RATE_LIMITS"] = dict.fromkeys(app.config["RATE_LIMITS"], "10000 per minute")
    wrong = []
    for number, write in enumerate(MATRIX.get(endpoint, [])):
        base = _build_world(people)
        for caller in CALLERS:
            world = _as_caller(base, people, caller)
            client = _fresh_client(app, world.actor)
            verdict = _verdict(_call(client, write, world), write, world)
            expected = "allowed" if caller in write.allowed else "refused"
            if verdict != expected:
                wrong.append(f"{write.method} {write.path} (#{number}) by {caller}: {verdict}")
            if verdict != "refused":  # a refusal changed nothing: the next caller may reuse it
                base = _build_world(people)
    assert not wrong, "\n".join(wrong)
