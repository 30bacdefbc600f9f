"""Who may do what: every permission check of the portal lives here.

Views and services ask `can(user, action, target)` or call `ensure(...)`, which raises
`PermissionDenied`; nothing else compares roles, so the policy can be read (and tested) in
one place.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask_login import current_user

from portal.accounts.models import Role, User
from portal.domain_errors import LoginRequired, PermissionDenied
from portal.organizations.models import Organization

F = TypeVar("F", bound=Callable[..., Any])

STAFF_ROLES = frozenset({Role.BROKER, Role.ADMIN})


class Action(enum.StrEnum):
    CREATE_TECHNOLOGY = "create_technology"
    CREATE_NEED = "create_need"
    EDIT_LISTING = "edit_listing"
    SUBMIT_LISTING = "submit_listing"
    REVIEW_LISTING = "review_listing"
    ARCHIVE_LISTING = "archive_listing"
    VIEW_UNPUBLISHED = "view_unpublished"
    EDIT_ORGANIZATION = "edit_organization"
    VERIFY_ORGANIZATION = "verify_organization"
    VIEW_AUDIT_LOG = "view_audit_log"
    MANAGE_USERS = "manage_users"
    CREATE_PRODUCT = "create_product"
    POST_FOR_ORGANIZATION = "post_for_organization"
    CONTACT_OWNER = "contact_owner"
    FOLLOW_MATCHES = "follow_matches"
    CREATE_ORGANIZATION = "create_organization"
    DELETE_ORGANIZATION = "delete_organization"
    IMPORT_LISTINGS = "import_listings"
    CLASSIFY_ORGANIZATION = "classify_organization"
    VIEW_SYSTEM_STATUS = "view_system_status"
    RUN_MAINTENANCE = "run_maintenance"
    VIEW_LISTING_MATCHES = "view_listing_matches"
    GIVE_MATCH_FEEDBACK = "give_match_feedback"
    REQUEST_MEMBERSHIP = "request_membership"
    MANAGE_MEMBERS = "manage_members"
    DEACTIVATE_ACCOUNT = "deactivate_account"
    VIEW_CONTACT = "view_contact"
    VIEW_DEAL_STATE = "view_deal_state"
    MANAGE_ROADSHOWS = "manage_roadshows"
    REGISTER_FOR_ROADSHOW = "register_for_roadshow"
    REQUEST_ROADSHOW_MEETING = "request_roadshow_meeting"


def is_staff(user: User | None) -> bool:
    return user is not None and user.is_authenticated and user.role in STAFF_ROLES


def _belongs_to(user: User, org_id: int | None) -> bool:
    return org_id is not None and user.organization_id == org_id


def _administers(user: User, org_id: int | None) -> bool:
    return user.org_admin and _belongs_to(user, org_id)


def _owner_org_id(target: Any) -> int | None:
    if isinstance(target, Organization):
        return target.id
    return getattr(target, "owner_org_id", None)


def _is_party(user: User, match: Any, *, with_contacting: bool) -> bool:
    """The user's organization owns either listing of the match (or reached out on it)."""
    sides = (getattr(match, "technology", None), getattr(match, "need", None))
    if any(_belongs_to(user, _owner_org_id(side)) for side in sides if side):
        return True
    return with_contacting and _belongs_to(user, getattr(match, "contacting_org_id", None))


# Who may reach out about a listing: enterprises contact technology owners, researchers need owners.
_CONTACT_ROLES = {"technologies": Role.ENTERPRISE, "needs": Role.RESEARCHER}


def can(user: User | None, action: Action, target: Any = None) -> bool:
    """The whole policy. `target` is the listing or organization acted on, if any."""
    if user is None or not user.is_authenticated or not user.active:
        return False
    if user.role == Role.ADMIN:
        return True
    staff = user.role == Role.BROKER
    owns = _belongs_to(user, _owner_org_id(target))
    # Posting, reaching out and asking to join need an address its owner has confirmed.
    member = user.organization_id is not None and user.email_verified
    match action:
        case Action.CREATE_TECHNOLOGY:
            return user.role == Role.RESEARCHER and member
        case Action.CREATE_NEED:
            return user.role == Role.ENTERPRISE and member
        case Action.EDIT_LISTING | Action.SUBMIT_LISTING | Action.ARCHIVE_LISTING:
            return owns or staff
        case Action.VIEW_UNPUBLISHED | Action.VIEW_LISTING_MATCHES:
            return owns or staff
        case Action.GIVE_MATCH_FEEDBACK:  # target: a match; either listing's organization
            return _is_party(user, target, with_contacting=False)
        case Action.VIEW_DEAL_STATE:  # target: a match; how a deal stands is the parties' own
            return staff or _is_party(user, target, with_contacting=True)
        case Action.VIEW_CONTACT:  # target: a listing; its contact person, e-mail and phone
            return owns or staff or can(user, Action.CONTACT_OWNER, target)
        case Action.REVIEW_LISTING | Action.VERIFY_ORGANIZATION | Action.VIEW_AUDIT_LOG:
            return staff
        case Action.CREATE_ORGANIZATION | Action.IMPORT_LISTINGS:
            return staff
        case Action.CLASSIFY_ORGANIZATION | Action.VIEW_SYSTEM_STATUS:
            return staff
        case Action.MANAGE_ROADSHOWS:
            return staff
        case Action.REGISTER_FOR_ROADSHOW:  # whether registration is open is the service's rule
            return user.organization_id is not None
        case Action.REQUEST_ROADSHOW_MEETING:  # enterprises ask presenting teams (registered)
            return user.role == Role.ENTERPRISE and user.organization_id is not None
        case Action.CREATE_PRODUCT:
            return user.role in (Role.RESEARCHER, Role.ENTERPRISE) and member
        case Action.POST_FOR_ORGANIZATION | Action.FOLLOW_MATCHES:
            return staff
        case Action.CONTACT_OWNER:
            contact_role = _CONTACT_ROLES.get(getattr(target, "__tablename__", ""))
            return user.role == contact_role and member and not owns
        case Action.EDIT_ORGANIZATION:
            return owns
        case Action.REQUEST_MEMBERSHIP:  # target: the organization; one at a time
            return (
                isinstance(target, Organization)
                and user.role in (Role.RESEARCHER, Role.ENTERPRISE)
                and user.organization_id is None
                and user.email_verified
            )
        case Action.MANAGE_MEMBERS:  # target: the organization; decide requests, remove members
            return isinstance(target, Organization) and (staff or _administers(user, target.id))
        case Action.DEACTIVATE_ACCOUNT:  # target: the account; brokers not staff accounts
            return staff and isinstance(target, User) and target.role not in STAFF_ROLES
        case Action.MANAGE_USERS | Action.RUN_MAINTENANCE:  # administrators only
            return False
    return False


def ensure(user: User | None, action: Action, target: Any = None) -> None:
    """Raise PermissionDenied (LoginRequired for anonymous users) unless the policy allows it."""
    if can(user, action, target):
        return
    if user is None or not user.is_authenticated:
        raise LoginRequired()
    raise PermissionDenied()


def requires(action: Action) -> Callable[[F], F]:
    """View decorator for actions that need no target object."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            ensure(current_user, action)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator
