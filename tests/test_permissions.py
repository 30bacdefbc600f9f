"""The policy table of portal.security, checked action by action."""

from types import SimpleNamespace

import pytest

from portal.auth.models import Role
from portal.security import Action, can


def person(role: Role, org_id: int | None = 1, active: bool = True) -> SimpleNamespace:
    return SimpleNamespace(role=role, organization_id=org_id, active=active, is_authenticated=True)


OWN = SimpleNamespace(owner_org_id=1)
OTHERS = SimpleNamespace(owner_org_id=2)


@pytest.mark.parametrize(
    ("role", "action", "target", "allowed"),
    [
        (Role.RESEARCHER, Action.CREATE_TECHNOLOGY, None, True),
        (Role.RESEARCHER, Action.CREATE_NEED, None, False),
        (Role.ENTERPRISE, Action.CREATE_NEED, None, True),
        (Role.ENTERPRISE, Action.CREATE_TECHNOLOGY, None, False),
        (Role.RESEARCHER, Action.EDIT_LISTING, OWN, True),
        (Role.RESEARCHER, Action.EDIT_LISTING, OTHERS, False),
        (Role.ENTERPRISE, Action.ARCHIVE_LISTING, OTHERS, False),
        (Role.BROKER, Action.EDIT_LISTING, OTHERS, True),
        (Role.RESEARCHER, Action.REVIEW_LISTING, OWN, False),
        (Role.BROKER, Action.REVIEW_LISTING, OTHERS, True),
        (Role.ENTERPRISE, Action.VERIFY_ORGANIZATION, None, False),
        (Role.BROKER, Action.VERIFY_ORGANIZATION, None, True),
        (Role.BROKER, Action.MANAGE_USERS, None, False),
        (Role.ADMIN, Action.MANAGE_USERS, None, True),
        (Role.BROKER, Action.EDIT_ORGANIZATION, OTHERS, False),
        (Role.ADMIN, Action.EDIT_ORGANIZATION, OTHERS, True),
    ],
)
def test_policy(role: Role, action: Action, target: object, allowed: bool) -> None:
    assert can(person(role), action, target) is allowed


def test_anonymous_and_inactive_users_may_do_nothing() -> None:
    anonymous = SimpleNamespace(is_authenticated=False)
    assert not can(anonymous, Action.CREATE_NEED)
    assert not can(None, Action.REVIEW_LISTING)
    assert not can(person(Role.ADMIN, active=False), Action.MANAGE_USERS)


def test_creating_needs_an_organization() -> None:
    assert not can(person(Role.RESEARCHER, org_id=None), Action.CREATE_TECHNOLOGY)
