"""Feedback after the event: attendees rate each presentation and say their interest; "want
more information" or "want to negotiate" opens (or reopens) a Match of the deal pipeline in
state contacted, linked to the roadshow through the feedback row. Services flush."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.accounts.models import User
from portal.domain_errors import InvalidTransition, NotFound, ValidationFailed
from portal.extensions import db
from portal.matches.models import Match, MatchState
from portal.model_mixins import utcnow
from portal.notifications.service import Notice, notify, organization_members
from portal.roadshows.models import (
    Interest,
    RegistrationState,
    Roadshow,
    RoadshowFeedback,
    RoadshowSlot,
)
from portal.roadshows.registrations import registration_of

MAX_COMMENT = 1000
# A pipeline match still open for this organization and technology is moved, not duplicated.
_REOPENABLE = (MatchState.SUGGESTED, MatchState.REJECTED)
_OPEN = (MatchState.CONTACTED, MatchState.NEGOTIATING, MatchState.CONTRACTED)


def _pipeline_match(slot: RoadshowSlot, user: User, note: str) -> Match:
    technology = slot.technology
    existing = db.session.scalar(
        select(Match)
        .where(
            Match.technology_id == technology.id, Match.contacting_org_id == user.organization_id
        )
        .order_by(Match.id.desc())
    )
    if existing is not None and existing.state in _OPEN:
        return existing
    match = existing or Match(technology_id=technology.id, contacting_org_id=user.organization_id)
    if existing is None or existing.state in _REOPENABLE:
        match.state = MatchState.CONTACTED
        match.contacted_by_id = user.id
        match.message = note
        match.state_changed_at = utcnow()
        match.state_changed_by_id = user.id
    db.session.add(match)
    db.session.flush()
    notify(
        organization_members(technology.owner_org_id),
        Notice(
            "match.contacted",
            f"{user.organization.name} 在路演后对“{technology.title}”感兴趣",
            note,
            "technology",
            technology.id,
        ),
    )
    return match


def give_feedback(
    user: User,
    roadshow: Roadshow,
    slot_id: int,
    interest: Interest | str,
    rating: int,
    comment: str,
) -> RoadshowFeedback:
    """An attendee's feedback on one presentation; a second time updates it."""
    registration = registration_of(roadshow, user)
    if registration is None or registration.state is not RegistrationState.ATTENDED:
        raise InvalidTransition(_l("签到参加路演后才能评价"))
    slot = db.session.get(RoadshowSlot, slot_id)
    if slot is None or slot.roadshow_id != roadshow.id or slot.is_break:
        raise NotFound()
    errors = {}
    try:
        interest = Interest(interest)
    except ValueError:
        errors["interest"] = _l("不是可选的意向")
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        errors["rating"] = _l("评分为 1 到 5")
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        errors["comment"] = _l("不超过 %(limit)d 字", limit=MAX_COMMENT)
    if errors:
        raise ValidationFailed(errors)
    feedback = db.session.scalar(
        select(RoadshowFeedback).where(
            RoadshowFeedback.slot_id == slot.id, RoadshowFeedback.user_id == user.id
        )
    ) or RoadshowFeedback(roadshow_id=roadshow.id, slot_id=slot.id, user_id=user.id)
    feedback.organization_id = user.organization_id
    feedback.interest = interest
    feedback.rating = rating
    feedback.comment = comment
    wants_contact = interest in (Interest.MORE_INFO, Interest.NEGOTIATE)
    if wants_contact and slot.technology is not None and user.organization is not None:
        note = f"路演“{roadshow.title}”反馈（{interest.label}）：{comment or '（无留言）'}"
        feedback.match = _pipeline_match(slot, user, note)
    db.session.add(feedback)
    db.session.flush()
    return feedback


def feedback_of(roadshow: Roadshow, user: User) -> dict[int, RoadshowFeedback]:
    """The user's feedback on this roadshow by slot id."""
    rows = db.session.scalars(
        select(RoadshowFeedback).where(
            RoadshowFeedback.roadshow_id == roadshow.id, RoadshowFeedback.user_id == user.id
        )
    )
    return {row.slot_id: row for row in rows}
