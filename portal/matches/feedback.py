"""Feedback on suggested matches: relevant or not, with a reason from fixed categories.

One verdict per organization and match (the technology's side and the need's side each give
theirs); giving it again replaces it. The verdicts are the evaluation data of the matcher.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.accounts.models import User
from portal.domain_errors import InvalidTransition, PermissionDenied, ValidationFailed
from portal.extensions import db
from portal.matches.models import FeedbackReason, Match, MatchFeedback
from portal.security import Action, ensure

MAX_COMMENT = 500


def give_feedback(
    match: Match, user: User, relevant: bool, reason: str | None = None, comment: str = ""
) -> MatchFeedback:
    """Record (or replace) the user's organization's verdict on a technology-need match."""
    ensure(user, Action.GIVE_MATCH_FEEDBACK, match)
    if user.organization_id is None:
        raise PermissionDenied(_l("反馈需要先加入一个机构"), code="no_organization")
    if match.technology_id is None or match.need_id is None:
        raise InvalidTransition(_l("只有平台推荐的技术与需求匹配可以反馈"), code="not_a_pair")
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        raise ValidationFailed({"comment": _l("补充说明不超过 %(limit)d 字", limit=MAX_COMMENT)})
    chosen: FeedbackReason | None = None
    if not relevant:
        try:
            chosen = FeedbackReason(reason or "")
        except ValueError as exc:
            raise ValidationFailed({"reason": _l("请选择不相关的原因")}) from exc
    entry = db.session.scalar(
        select(MatchFeedback).where(
            MatchFeedback.match_id == match.id,
            MatchFeedback.organization_id == user.organization_id,
        )
    )
    if entry is None:
        entry = MatchFeedback(match_id=match.id, organization_id=user.organization_id)
        db.session.add(entry)
    entry.user_id = user.id
    entry.relevant = relevant
    entry.reason = chosen
    entry.comment = comment
    db.session.flush()
    return entry


def feedback_of(match_ids: list[int], organization_id: int | None) -> dict[int, MatchFeedback]:
    """The organization's verdicts on the given matches, by match id."""
    if organization_id is None or not match_ids:
        return {}
    rows = db.session.scalars(
        select(MatchFeedback).where(
            MatchFeedback.match_id.in_(match_ids),
            MatchFeedback.organization_id == organization_id,
        )
    )
    return {row.match_id: row for row in rows}
