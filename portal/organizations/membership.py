"""Who belongs to an organization, and how one comes to.

Membership is ``User.organization_id``: ownership of listings, drafts, match contacts and the
organization's page all follow it, so it is only set when someone is admitted. The first
member of a new organization is admitted at once and becomes its administrator
(``User.org_admin``); anyone else asks to join (a ``JoinRequest``) and an administrator of that
organization, or a broker, approves or rejects. A request made at registration, before the
address is verified, is kept but shown to nobody until the link mailed to it is opened.

Administrators and brokers remove members; nobody removes an organization's last
administrator. Decisions and removals are audited and the person concerned gets a notice.
Like every service here, these flush and leave the commit to the caller.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from portal.accounts.models import Role, User
from portal.audit.service import record_change
from portal.domain_errors import Conflict, InvalidTransition, ValidationFailed
from portal.extensions import db
from portal.model_mixins import utcnow
from portal.notifications.service import Notice, notify
from portal.organizations.models import JoinRequest, JoinState, Organization, OrgKind
from portal.security import Action, can, ensure

# Researchers belong to universities and institutes, enterprise users to enterprises.
ORG_KINDS_FOR_ROLE = {
    Role.RESEARCHER: (OrgKind.UNIVERSITY, OrgKind.INSTITUTE),
    Role.ENTERPRISE: (OrgKind.ENTERPRISE,),
}


def members(org: Organization) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .where(User.organization_id == org.id)
            .order_by(User.org_admin.desc(), User.name, User.id)
        )
    )


def administrators(org: Organization) -> list[User]:
    return [user for user in members(org) if user.org_admin and user.active]


def admit(user: User, org: Organization) -> None:
    """Make ``user`` a member; the first member of an organization is its administrator."""
    has_members = db.session.scalar(
        select(func.count()).select_from(User).where(User.organization_id == org.id)
    )
    user.organization = org
    user.org_admin = not has_members
    db.session.flush()


def open_join_request(user: User, org: Organization) -> JoinRequest:
    """Record that ``user`` asks to join ``org``: one request per person and organization
    (asking twice gives the same one), and one pending request at a time."""
    if org.kind not in ORG_KINDS_FOR_ROLE.get(user.role, ()):
        message = _l("请选择与账户角色相符的机构")
        raise ValidationFailed({"organization_id": message}, message)
    if user.organization_id is not None:
        raise Conflict(_l("您已属于一个机构"), code="already_member")
    elsewhere = db.session.scalar(
        select(JoinRequest.id).where(
            JoinRequest.user_id == user.id,
            JoinRequest.state == JoinState.PENDING,
            JoinRequest.organization_id != org.id,
        )
    )
    if elsewhere is not None:
        raise Conflict(_l("您已有一个待处理的加入申请"), code="join_request_pending")
    request = _request_of(user, org)
    if request is None:
        request = JoinRequest(user=user, organization=org, state=JoinState.PENDING)
        db.session.add(request)
        try:
            db.session.flush()
        except IntegrityError as exc:  # the same request sent twice at once: one row stays
            raise Conflict(_l("加入申请已提交"), code="join_request_exists") from exc
    elif request.state != JoinState.PENDING:  # asked again after a rejection or removal
        request.state = JoinState.PENDING
        request.decided_by = None
        request.decided_at = None
    db.session.flush()
    return request


def _request_of(user: User, org: Organization) -> JoinRequest | None:
    return db.session.scalar(
        select(JoinRequest).where(
            JoinRequest.user_id == user.id, JoinRequest.organization_id == org.id
        )
    )


def request_to_join(user: User, org: Organization) -> JoinRequest:
    """A signed-in person with a verified address asks to join; the deciders are told."""
    ensure(user, Action.REQUEST_MEMBERSHIP, org)
    existing = _request_of(user, org)
    already_pending = existing is not None and existing.state == JoinState.PENDING
    request = open_join_request(user, org)
    if not already_pending:  # a double submit tells nobody twice
        _tell_deciders(request)
    return request


def announce_pending_requests(user: User) -> None:
    """Tell the deciders of the requests ``user`` made before verifying the address."""
    for request in db.session.scalars(
        select(JoinRequest).where(
            JoinRequest.user_id == user.id, JoinRequest.state == JoinState.PENDING
        )
    ):
        _tell_deciders(request)


def _deciders(org: Organization) -> list[User]:
    """The organization's administrators; brokers when it has none."""
    return administrators(org) or list(
        db.session.scalars(select(User).where(User.role == Role.BROKER, User.active.is_(True)))
    )


def _tell_deciders(request: JoinRequest) -> None:
    org, user = request.organization, request.user
    notify(
        _deciders(org),
        Notice(
            "membership.requested",
            f"{user.name or user.email} 申请加入{org.name}",
            f"{user.name}（{user.email}）申请加入{org.name}，请在机构成员页面审核。",
            "organization",
            org.id,
        ),
    )


def pending_requests(org: Organization) -> list[JoinRequest]:
    """Requests waiting for a decision, from people whose address is verified."""
    return list(
        db.session.scalars(
            select(JoinRequest)
            .join(User, JoinRequest.user_id == User.id)
            .where(
                JoinRequest.organization_id == org.id,
                JoinRequest.state == JoinState.PENDING,
                User.email_verified_at.is_not(None),
                User.active.is_(True),
            )
            .order_by(JoinRequest.created_at, JoinRequest.id)
        )
    )


def pending_requests_everywhere() -> list[JoinRequest]:
    """Every organization's waiting requests, oldest first: the brokers' queue."""
    return list(
        db.session.scalars(
            select(JoinRequest)
            .join(User, JoinRequest.user_id == User.id)
            .where(
                JoinRequest.state == JoinState.PENDING,
                User.email_verified_at.is_not(None),
                User.active.is_(True),
            )
            .order_by(JoinRequest.created_at, JoinRequest.id)
        )
    )


def pending_request_of(user: User) -> JoinRequest | None:
    return db.session.scalar(
        select(JoinRequest).where(
            JoinRequest.user_id == user.id, JoinRequest.state == JoinState.PENDING
        )
    )


def decide(actor: User, request: JoinRequest, approve: bool) -> None:
    """An administrator of the organization, or a broker, approves or rejects a request."""
    org, requester = request.organization, request.user
    ensure(actor, Action.MANAGE_MEMBERS, org)
    if request.state != JoinState.PENDING:
        raise InvalidTransition(_l("该申请已处理"), code="already_decided")
    if not requester.email_verified or not requester.active:
        raise InvalidTransition(_l("申请人尚未验证邮箱或已停用"), code="requester_not_ready")
    if approve:
        if requester.organization_id is not None:
            raise InvalidTransition(_l("申请人已属于其他机构"), code="already_member")
        admit(requester, org)
    request.state = JoinState.APPROVED if approve else JoinState.REJECTED
    request.decided_by = actor
    request.decided_at = utcnow()
    record_change(
        actor,
        "membership.approve" if approve else "membership.reject",
        "join_request",
        request.id,
        {"state": JoinState.PENDING.value},
        {"state": request.state.value, "user_id": requester.id, "organization_id": org.id},
    )
    verdict = "已通过" if approve else "未通过"
    notify(
        [requester],
        Notice(
            f"membership.{request.state.value}",
            f"加入{org.name}的申请{verdict}",
            f"您加入{org.name}的申请{verdict}审核。",
            "organization",
            org.id,
        ),
    )
    db.session.flush()


def _is_last_administrator(member: User, org: Organization) -> bool:
    return member.org_admin and not [u for u in administrators(org) if u.id != member.id]


def may_remove(actor: User, member: User) -> bool:
    """Whether remove_member would accept: what a page offers."""
    org = member.organization
    return (
        org is not None
        and can(actor, Action.MANAGE_MEMBERS, org)
        and not _is_last_administrator(member, org)
    )


def remove_member(actor: User, member: User) -> None:
    """An administrator of the member's organization, or a broker, removes the member."""
    org = member.organization
    if org is None:
        raise InvalidTransition(_l("该用户不属于任何机构"), code="not_a_member")
    ensure(actor, Action.MANAGE_MEMBERS, org)
    if _is_last_administrator(member, org):
        raise InvalidTransition(_l("不能移除机构的最后一位管理员"), code="last_org_admin")
    record_change(
        actor,
        "membership.remove",
        "user",
        member.id,
        {"organization_id": org.id, "org_admin": member.org_admin},
        {"organization_id": None, "org_admin": False},
    )
    member.organization = None
    member.org_admin = False
    notify(
        [member],
        Notice(
            "membership.removed",
            f"您已被移出{org.name}",
            f"您已不再是{org.name}的成员。",
            "organization",
            org.id,
        ),
    )
    db.session.flush()


def may_change_administrator(actor: User, member: User) -> bool:
    """Whether set_administrator would accept a change of `member`'s role: what a page offers."""
    org = member.organization
    return (
        org is not None
        and member.active
        and can(actor, Action.MANAGE_MEMBERS, org)
        and not (member.org_admin and _is_last_administrator(member, org))
    )


def set_administrator(actor: User, member: User, administrator: bool) -> None:
    """An administrator of the organization, or a broker, makes a member an administrator or
    takes the role back; the last administrator keeps it."""
    org = member.organization
    if org is None:
        raise InvalidTransition(_l("该用户不属于任何机构"), code="not_a_member")
    ensure(actor, Action.MANAGE_MEMBERS, org)
    if member.org_admin == administrator:
        return
    if not administrator and _is_last_administrator(member, org):
        raise InvalidTransition(_l("机构至少要有一位管理员"), code="last_org_admin")
    if administrator and not member.active:
        raise InvalidTransition(_l("已停用的账户不能成为管理员"), code="inactive")
    record_change(
        actor,
        "membership.promote" if administrator else "membership.demote",
        "user",
        member.id,
        {"org_admin": member.org_admin},
        {"org_admin": administrator, "organization_id": org.id},
    )
    member.org_admin = administrator
    role = "管理员" if administrator else "普通成员"
    notify(
        [member],
        Notice(
            "membership.role",
            f"您在{org.name}的身份已改为{role}",
            f"{actor.name or actor.email} 将您在{org.name}的身份改为{role}。",
            "organization",
            org.id,
        ),
    )
    db.session.flush()
