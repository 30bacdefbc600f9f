"""Expressing interest in a listing, and following the matches that result. Functions flush;
the caller commits."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, or_, select

from portal.accounts.models import User
from portal.audit.service import record_change
from portal.domain_errors import Conflict, InvalidTransition, PermissionDenied, ValidationFailed
from portal.extensions import db
from portal.listings.kinds import Listing, ListingKind, kind_of
from portal.listings.models import ListingStatus, Need, Technology
from portal.matches.models import MATCH_TRANSITIONS, Match, MatchState
from portal.model_mixins import utcnow
from portal.notifications.service import Notice, notify, organization_members
from portal.security import Action, ensure

MAX_MESSAGE = 1000
MAX_FEEDBACK = 2000
OPEN_STATES = (MatchState.CONTACTED, MatchState.NEGOTIATING)
STATE_NAMES = {
    MatchState.SUGGESTED: "系统推荐",
    MatchState.CONTACTED: "已联系",
    MatchState.NEGOTIATING: "洽谈中",
    MatchState.CONTRACTED: "已签约",
    MatchState.REJECTED: "未成交",
}


def _listing_column(kind: ListingKind):  # noqa: ANN202 - a mapped column
    return Match.need_id if kind is ListingKind.NEED else Match.technology_id


def express_interest(listing: Listing, message: str, user: User) -> Match:
    """The user's organization contacts the owner of a published listing.

    Creates a Match in state `contacted` and notifies the owner's members in the
    platform and by e-mail. One open contact per organization and listing.
    """
    ensure(user, Action.CONTACT_OWNER, listing)
    if user.organization is None:
        raise PermissionDenied(_l("联系发布方需要先加入一个机构"), code="no_organization")
    if listing.status is not ListingStatus.PUBLISHED or listing.is_expired(utcnow().date()):
        raise InvalidTransition(_l("该信息未发布或已过期，不能联系"), code="not_published")
    message = (message or "").strip()
    if not message:
        raise ValidationFailed({"message": _l("请写一段留言，说明您的需求或合作设想")})
    if len(message) > MAX_MESSAGE:
        raise ValidationFailed({"message": _l("留言不超过 %(limit)d 字", limit=MAX_MESSAGE)})
    kind = kind_of(listing)
    already = db.session.scalar(
        select(Match.id).where(
            _listing_column(kind) == listing.id,
            Match.contacting_org_id == user.organization_id,
            Match.state.in_(OPEN_STATES),
        )
    )
    if already:
        raise Conflict(_l("贵机构已联系过该发布方，对接正在进行中"), code="already_contacted")
    match = Match(
        contacting_org_id=user.organization_id,
        contacted_by_id=user.id,
        state=MatchState.CONTACTED,
        message=message,
        state_changed_by_id=user.id,
    )
    if kind is ListingKind.NEED:
        match.need_id = listing.id
    else:
        match.technology_id = listing.id
    db.session.add(match)
    db.session.flush()
    contact = "，".join(x for x in (user.name, user.email, user.phone) if x)
    notify(
        organization_members(listing.owner_org_id),
        Notice(
            "match.contacted",
            f"{user.organization.name} 对“{listing.title}”感兴趣",
            f"{message}\n\n联系人：{contact}",
            kind.entity_type,
            listing.id,
        ),
    )
    return match


def move_match(
    match: Match, state: MatchState | str, user: User, feedback: str | None = None
) -> Match:
    """A broker moves a match along MATCH_TRANSITIONS (contacted -> negotiating -> contracted,
    or rejected); the same state again only updates the follow-up note. Audited."""
    ensure(user, Action.FOLLOW_MATCHES, match)
    try:
        target = MatchState(state)
    except ValueError as exc:
        raise ValidationFailed({"state": _l("不是可选的状态")}) from exc
    if target is not match.state and target not in MATCH_TRANSITIONS[match.state]:
        raise ValidationFailed(
            {
                "state": _l(
                    "不能从“%(source)s”转为“%(target)s”",
                    source=STATE_NAMES[match.state],
                    target=STATE_NAMES[target],
                )
            }
        )
    if feedback is not None and len(feedback) > MAX_FEEDBACK:
        raise ValidationFailed({"feedback": _l("不超过 %(limit)d 字", limit=MAX_FEEDBACK)})
    before = {"state": match.state.value, "feedback": match.feedback}
    match.state = target
    match.state_changed_at = utcnow()
    match.state_changed_by_id = user.id
    if feedback is not None:
        match.feedback = feedback.strip() or None
    record_change(
        user,
        "match.move",
        "match",
        match.id,
        before,
        {"state": target.value, "feedback": match.feedback},
    )
    db.session.flush()
    return match


def matches_query(
    state: MatchState | None = None, org_id: int | None = None
) -> Select[tuple[Match]]:
    """Matches best score first (contacts without a score after them), then newest; `org_id`
    keeps those the organization reached out on or owns."""
    query = select(Match).order_by(
        Match.score.desc().nulls_last(), Match.created_at.desc(), Match.id.desc()
    )
    if state is not None:
        query = query.where(Match.state == state)
    if org_id is not None:
        query = query.where(
            or_(
                Match.contacting_org_id == org_id,
                Match.technology_id.in_(
                    select(Technology.id).where(Technology.owner_org_id == org_id)
                ),
                Match.need_id.in_(select(Need.id).where(Need.owner_org_id == org_id)),
            )
        )
    return query
