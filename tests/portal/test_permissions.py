"""The policy of portal.security, checked action by action on real accounts and listings.

POLICY lists, for every Action, who may and who may not do it to what: the accounts and
targets are rows of the test database (see `world`). Logged-out and inactive accounts are
refused every action on every target on top of that. A new Action without rows here fails
`test_every_action_has_allowed_and_refused_cases`.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import pytest
from flask import Flask
from flask_login import AnonymousUserMixin

from portal.accounts.models import Role, User
from portal.domain_errors import LoginRequired, PermissionDenied
from portal.extensions import db
from portal.listings.kinds import ListingKind
from portal.listings.service import create_listing
from portal.matches.models import Match
from portal.organizations.models import Organization
from portal.security import Action, can, ensure
from tests.factories import listing_data, make_listing, make_user


class Case(NamedTuple):
    who: str
    target: str | None
    allowed: bool


def ok(who: str, target: str | None = None) -> Case:
    return Case(who, target, True)


def no(who: str, target: str | None = None) -> Case:
    return Case(who, target, False)


# Accounts (see `world`): researcher and inactive_researcher belong to 厦门大学 ("xmu"),
# other_researcher to an institute ("iue"), enterprise to "firm", other_enterprise to
# another firm; broker and admin have no organization, nor do the *_no_org accounts.
# xmu_admin administers 厦门大学; unverified_researcher is a member of it whose address is not
# verified, unverified_no_org belongs nowhere. The *_account targets are accounts acted on.
# Targets: the three organizations; drafts of xmu_technology, xmu_product, firm_product,
# firm_need, and xmu_need (posted for 厦门大学 by the broker); `match` pairs
# xmu_technology with firm_need, technology_only_match has no need.
POLICY: dict[Action, list[Case]] = {
    Action.CREATE_TECHNOLOGY: [
        ok("researcher"),
        ok("admin"),
        no("researcher_no_org"),
        no("unverified_researcher"),
        no("enterprise"),
        no("broker"),
    ],
    Action.CREATE_NEED: [
        ok("enterprise"),
        ok("admin"),
        no("enterprise_no_org"),
        no("researcher"),
        no("broker"),
    ],
    Action.CREATE_PRODUCT: [
        ok("researcher"),
        ok("enterprise"),
        ok("admin"),
        no("researcher_no_org"),
        no("enterprise_no_org"),
        no("unverified_researcher"),
        no("broker"),
    ],
    Action.EDIT_LISTING: [
        ok("researcher", "xmu_technology"),
        ok("enterprise", "firm_need"),
        ok("broker", "xmu_technology"),
        ok("broker", "firm_need"),
        ok("admin", "xmu_technology"),
        no("other_researcher", "xmu_technology"),
        no("enterprise", "xmu_technology"),
        no("researcher", "firm_need"),
        no("researcher_no_org", "xmu_technology"),
    ],
    Action.SUBMIT_LISTING: [
        ok("enterprise", "firm_need"),
        ok("researcher", "xmu_product"),
        ok("broker", "firm_need"),
        ok("admin", "firm_need"),
        no("other_enterprise", "firm_need"),
        no("researcher", "firm_product"),
        no("enterprise_no_org", "firm_need"),
    ],
    Action.ARCHIVE_LISTING: [
        ok("researcher", "xmu_technology"),
        ok("enterprise", "firm_product"),
        ok("broker", "xmu_product"),
        ok("admin", "firm_product"),
        no("other_researcher", "xmu_product"),
        no("enterprise", "xmu_technology"),
        no("other_enterprise", "firm_product"),
    ],
    Action.VIEW_UNPUBLISHED: [
        ok("researcher", "xmu_technology"),
        ok("enterprise", "firm_need"),
        ok("broker", "firm_need"),
        ok("admin", "xmu_technology"),
        no("other_researcher", "xmu_technology"),
        no("other_enterprise", "firm_need"),
        no("researcher_no_org", "xmu_technology"),
    ],
    Action.VIEW_LISTING_MATCHES: [
        ok("enterprise", "firm_need"),
        ok("researcher", "xmu_technology"),
        ok("broker", "firm_need"),
        ok("admin", "firm_need"),
        no("other_enterprise", "firm_need"),
        no("researcher", "firm_need"),
        no("enterprise_no_org", "firm_need"),
    ],
    Action.GIVE_MATCH_FEEDBACK: [
        ok("researcher", "match"),  # the technology's side
        ok("enterprise", "match"),  # the need's side
        ok("researcher", "technology_only_match"),
        ok("admin", "match"),
        no("other_researcher", "match"),
        no("other_enterprise", "match"),
        no("broker", "match"),  # brokers follow matches, the two sides judge them
        no("researcher_no_org", "match"),
        no("enterprise", "technology_only_match"),
    ],
    Action.VIEW_DEAL_STATE: [
        ok("researcher", "match"),  # the technology's side
        ok("enterprise", "match"),  # the need's side
        ok("broker", "match"),
        ok("admin", "match"),
        no("other_researcher", "match"),
        no("other_enterprise", "match"),
        no("enterprise", "technology_only_match"),
        no("researcher_no_org", "match"),
    ],
    Action.VIEW_CONTACT: [
        ok("researcher", "xmu_technology"),  # the owner
        ok("enterprise", "xmu_technology"),  # allowed to contact it
        ok("researcher", "firm_need"),
        ok("broker", "firm_need"),
        ok("admin", "xmu_technology"),
        no("other_researcher", "xmu_technology"),  # may not contact a technology
        no("other_enterprise", "firm_need"),
        no("enterprise_no_org", "xmu_technology"),
    ],
    Action.REVIEW_LISTING: [
        ok("broker", "xmu_technology"),
        ok("broker", "firm_need"),
        ok("admin", "firm_need"),
        no("researcher", "xmu_technology"),
        no("enterprise", "firm_need"),
        no("other_enterprise", "firm_need"),
    ],
    Action.VERIFY_ORGANIZATION: [
        ok("broker", "firm"),
        ok("admin", "xmu"),
        no("enterprise", "firm"),
        no("researcher", "xmu"),
        no("researcher_no_org"),
    ],
    Action.VIEW_AUDIT_LOG: [
        ok("broker"),
        ok("admin"),
        no("researcher"),
        no("enterprise"),
    ],
    Action.CREATE_ORGANIZATION: [
        ok("broker"),
        ok("admin"),
        no("researcher_no_org"),
        no("enterprise_no_org"),
        no("researcher"),
    ],
    Action.IMPORT_LISTINGS: [
        ok("broker"),
        ok("admin"),
        no("researcher"),
        no("enterprise"),
    ],
    Action.CLASSIFY_ORGANIZATION: [
        ok("broker", "firm"),
        ok("admin", "xmu"),
        no("enterprise", "firm"),
        no("researcher", "xmu"),
    ],
    Action.VIEW_SYSTEM_STATUS: [
        ok("broker"),
        ok("admin"),
        no("researcher"),
        no("enterprise"),
    ],
    Action.RUN_MAINTENANCE: [
        ok("admin"),
        no("broker"),  # brokers watch maintenance on the jobs page; admins start it
        no("researcher"),
        no("enterprise"),
    ],
    Action.POST_FOR_ORGANIZATION: [
        ok("broker", "xmu"),
        ok("broker", "firm"),
        ok("admin", "iue"),
        no("researcher", "xmu"),  # not even for one's own organization
        no("enterprise", "firm"),
        no("researcher", "iue"),
    ],
    Action.FOLLOW_MATCHES: [
        ok("broker"),
        ok("broker", "match"),
        ok("admin", "match"),
        no("researcher", "match"),
        no("enterprise", "match"),
    ],
    Action.CONTACT_OWNER: [
        ok("enterprise", "xmu_technology"),  # enterprises contact technology owners
        ok("enterprise", "xmu_product"),  # products are catalogue items like technologies
        ok("other_enterprise", "firm_product"),
        ok("researcher", "firm_need"),  # researchers contact need owners
        ok("other_researcher", "xmu_need"),
        ok("admin", "xmu_technology"),
        no("other_researcher", "xmu_technology"),  # a researcher does not contact technologies
        no("other_enterprise", "firm_need"),  # an enterprise does not contact needs
        no("enterprise", "firm_product"),  # nor its own organization's listing
        no("researcher", "xmu_need"),
        no("enterprise_no_org", "xmu_technology"),
        no("researcher_no_org", "firm_need"),
        no("unverified_researcher", "firm_need"),  # express interest only once verified
        no("broker", "xmu_technology"),
        no("broker", "firm_need"),
        no("enterprise"),  # nothing to contact
        no("enterprise", "xmu"),  # an organization is not a listing
    ],
    Action.EDIT_ORGANIZATION: [
        ok("researcher", "xmu"),
        ok("enterprise", "firm"),
        ok("admin", "firm"),
        no("researcher", "iue"),
        no("other_enterprise", "firm"),
        no("broker", "firm"),
        no("researcher_no_org", "xmu"),
        no("enterprise"),
    ],
    Action.DELETE_ORGANIZATION: [
        ok("admin", "firm"),
        no("broker", "firm"),
        no("enterprise", "firm"),
        no("researcher", "xmu"),
    ],
    Action.REQUEST_MEMBERSHIP: [
        ok("researcher_no_org", "xmu"),
        ok("enterprise_no_org", "firm"),
        ok("admin", "xmu"),
        no("researcher", "iue"),  # already a member elsewhere
        no("researcher", "xmu"),
        no("unverified_no_org", "xmu"),  # only with a verified address
        no("broker", "xmu"),
        no("researcher_no_org"),  # nothing to join
        no("researcher_no_org", "xmu_technology"),
    ],
    Action.MANAGE_MEMBERS: [
        ok("xmu_admin", "xmu"),
        ok("broker", "firm"),
        ok("admin", "iue"),
        no("researcher", "xmu"),  # a member, not an administrator
        no("xmu_admin", "iue"),  # another organization's administrator
        no("xmu_admin", "firm"),
        no("enterprise", "firm"),
        no("xmu_admin"),
        no("broker", "xmu_technology"),
    ],
    Action.DEACTIVATE_ACCOUNT: [
        ok("broker", "researcher_account"),
        ok("admin", "broker_account"),
        no("broker", "admin_account"),  # brokers do not end staff accounts
        no("broker", "broker_account"),
        no("xmu_admin", "researcher_account"),  # administrators remove, staff deactivate
        no("researcher", "researcher_account"),
        no("broker", "xmu"),
        no("broker"),
    ],
    Action.MANAGE_ROADSHOWS: [
        ok("broker"),
        ok("admin"),
        no("researcher"),
        no("enterprise"),
        no("enterprise_no_org"),
    ],
    Action.REGISTER_FOR_ROADSHOW: [
        ok("enterprise"),
        ok("researcher"),
        ok("other_enterprise"),
        ok("admin"),
        no("enterprise_no_org"),
        no("researcher_no_org"),
        no("broker"),  # brokers run roadshows; they add people by hand instead
    ],
    Action.REQUEST_ROADSHOW_MEETING: [
        ok("enterprise"),
        ok("other_enterprise"),
        ok("admin"),
        no("enterprise_no_org"),
        no("researcher"),
        no("broker"),
    ],
    Action.MANAGE_USERS: [
        ok("admin"),
        no("broker"),
        no("researcher"),
        no("enterprise"),
        no("researcher_no_org"),
    ],
}

# Refused every action on every target, whatever the table says for their role.
LOGGED_OUT_OR_INACTIVE = ("anonymous", "nobody", "inactive_researcher", "inactive_admin")


class World(NamedTuple):
    users: dict[str, Any]
    targets: dict[str | None, Any]


def inactive(email: str, role: Role, org: Organization | None) -> User:
    user = make_user(email, role, org)
    user.active = False
    db.session.commit()
    return user


@pytest.fixture
def world(app: Flask, people: dict[str, User]) -> World:
    researcher, enterprise, broker = people["researcher"], people["enterprise"], people["broker"]
    xmu, firm = researcher.organization, enterprise.organization
    assert xmu is not None and firm is not None
    users: dict[str, Any] = {
        **people,
        "anonymous": AnonymousUserMixin(),
        "nobody": None,
        "inactive_researcher": inactive("inactive@test.xm", Role.RESEARCHER, xmu),
        "inactive_admin": inactive("inactive-admin@test.xm", Role.ADMIN, None),
        "researcher_no_org": make_user("loner@test.xm", Role.RESEARCHER),
        "enterprise_no_org": make_user("loner-ent@test.xm", Role.ENTERPRISE),
        "xmu_admin": make_user("xmu-admin@test.xm", Role.RESEARCHER, xmu, org_admin=True),
        "unverified_researcher": make_user(
            "unverified@test.xm", Role.RESEARCHER, xmu, verified=False
        ),
        "unverified_no_org": make_user("unverified-loner@test.xm", Role.RESEARCHER, verified=False),
    }
    technology = make_listing(ListingKind.TECHNOLOGY, researcher)
    need = make_listing(ListingKind.NEED, enterprise)
    match = Match(technology=technology, need=need)
    technology_only = Match(technology=technology)
    db.session.add_all([match, technology_only])
    db.session.commit()
    targets: dict[str | None, Any] = {
        None: None,
        "xmu": xmu,
        "iue": people["other_researcher"].organization,
        "firm": firm,
        "xmu_technology": technology,
        "xmu_product": make_listing(ListingKind.PRODUCT, researcher),
        "firm_product": make_listing(ListingKind.PRODUCT, enterprise),
        "firm_need": need,
        "xmu_need": create_listing(
            ListingKind.NEED, listing_data(ListingKind.NEED), broker, owner=xmu
        ),
        "match": match,
        "technology_only_match": technology_only,
        "researcher_account": researcher,
        "broker_account": broker,
        "admin_account": people["admin"],
    }
    return World(users, targets)


def describe(case: Case) -> str:
    verdict = "allowed" if case.allowed else "refused"
    return f"{case.who} on {case.target or 'nothing'} should be {verdict}"


@pytest.mark.parametrize("action", list(POLICY), ids=str)
def test_policy(world: World, action: Action) -> None:
    cases = [
        *POLICY[action],
        *(no(who, target) for who in LOGGED_OUT_OR_INACTIVE for target in world.targets),
    ]
    wrong = [
        describe(case)
        for case in cases
        if can(world.users[case.who], action, world.targets[case.target]) is not case.allowed
    ]
    assert wrong == []


def test_every_action_has_allowed_and_refused_cases() -> None:
    assert set(POLICY) == set(Action), "every Action needs rows in POLICY"
    allowed = {action for action, cases in POLICY.items() if any(c.allowed for c in cases)}
    # Refused for a logged-in, active account: the logged-out ones are refused everything.
    refused = {action for action, cases in POLICY.items() if any(not c.allowed for c in cases)}
    assert allowed == set(Action)
    assert refused == set(Action)
    assert not {c.who for cases in POLICY.values() for c in cases} & set(LOGGED_OUT_OR_INACTIVE)


def test_admin_is_refused_nothing_and_only_admin_manages_users(world: World) -> None:
    admin = world.users["admin"]
    assert all(can(admin, action, target) for action in Action for target in world.targets.values())
    may_manage = {who for who, user in world.users.items() if can(user, Action.MANAGE_USERS)}
    assert may_manage == {"admin"}


def test_ensure_answers_401_to_the_logged_out_and_403_to_the_refused(world: World) -> None:
    technology = world.targets["xmu_technology"]
    with pytest.raises(LoginRequired):
        ensure(world.users["anonymous"], Action.EDIT_LISTING, technology)
    with pytest.raises(LoginRequired):
        ensure(None, Action.EDIT_LISTING, technology)
    with pytest.raises(LoginRequired):  # flask-login counts an inactive account as logged out
        ensure(world.users["inactive_researcher"], Action.EDIT_LISTING, technology)
    with pytest.raises(PermissionDenied):
        ensure(world.users["other_researcher"], Action.EDIT_LISTING, technology)
    assert ensure(world.users["researcher"], Action.EDIT_LISTING, technology) is None
