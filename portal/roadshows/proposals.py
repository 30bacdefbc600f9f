"""What the platform proposes for a roadshow, read from the stored matches (portal.matches).

Technologies to present: published, in the roadshow's themes (an action and its fields), ranked
by the strength of their matching open needs (the sum of the match scores, so both how many
needs and how well they match count), with the number and the best score shown.

Organizations to invite: owners of open needs whose stored match with a chosen technology
scores at least ROADSHOW_INVITE_MIN_SCORE, each with the needs and technologies that make it a
fit and the match explanation; the presenting organizations themselves are left out. Each
says how many platform accounts it has: invitations go to accounts, so one without any can be
shown but not invited.

Nothing is recomputed here: two grouped queries over `matches`, so the answer stays quick at
catalogue scale (see benchmarks/roadshow_proposals_bench.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select

from portal.accounts.models import User
from portal.extensions import db
from portal.listings.models import ListingStatus, Need, Technology
from portal.matches.models import Match, MatchState
from portal.model_mixins import utcnow
from portal.organizations.models import Organization
from portal.roadshows.models import Roadshow
from portal.taxonomy.models import TaxonomyArea

MAX_TECHNOLOGIES = 30
MAX_INVITEES = 50


@dataclass(frozen=True)
class ProposedTechnology:
    id: int
    title: str
    organization: str
    needs: int  # open needs it matches
    score: float  # the ranking: sum of those matches' scores
    best: float  # its strongest match

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "needs": self.needs, "score": self.score}


@dataclass(frozen=True)
class FitReason:
    """One stored match that makes an organization a fit: its need, the technology, why."""

    need_id: int
    need_title: str
    technology_id: int
    technology_title: str
    score: float
    explanation: dict[str, Any]


@dataclass
class ProposedInvitee:
    organization_id: int
    organization: str
    score: float  # its best match
    reasons: list[FitReason] = field(default_factory=list)
    accounts: int = 0  # active members, who would receive the invitation

    @property
    def need_ids(self) -> list[int]:
        return list(dict.fromkeys(reason.need_id for reason in self.reasons))

    @property
    def technology_ids(self) -> list[int]:
        return list(dict.fromkeys(reason.technology_id for reason in self.reasons))

    def to_dict(self) -> dict[str, Any]:
        return {
            "organization": self.organization_id,
            "needs": self.need_ids,
            "technologies": self.technology_ids,
            "score": self.score,
        }


@dataclass(frozen=True)
class Proposals:
    technologies: list[ProposedTechnology]
    invitees: list[ProposedInvitee]

    def to_dict(self) -> dict[str, Any]:
        return {
            "technologies": [item.to_dict() for item in self.technologies],
            "invitees": [item.to_dict() for item in self.invitees],
        }

    @property
    def invitable(self) -> list[ProposedInvitee]:
        """The proposed organizations with someone to send the invitation to."""
        return [invitee for invitee in self.invitees if invitee.accounts]


def _open_need(today: date) -> ColumnElement[bool]:
    return and_(
        Need.status == ListingStatus.PUBLISHED,
        or_(Need.expires_at.is_(None), Need.expires_at >= today),
    )


def _live_match() -> ColumnElement[bool]:
    return and_(
        Match.need_id.is_not(None),
        Match.is_current.is_(True),
        Match.state != MatchState.REJECTED,
    )


def propose_technologies(
    area_ids: Sequence[int], today: date | None = None, limit: int = MAX_TECHNOLOGIES
) -> list[ProposedTechnology]:
    """Published technologies in the areas (or their child fields), strongest demand first."""
    if not area_ids:
        return []
    today = today or utcnow().date()
    theme = select(TaxonomyArea.id).where(
        or_(TaxonomyArea.id.in_(area_ids), TaxonomyArea.parent_id.in_(area_ids))
    )
    demand = (
        select(
            Match.technology_id.label("technology_id"),
            func.count(Match.id).label("needs"),
            func.sum(Match.score).label("total"),
            func.max(Match.score).label("best"),
        )
        .join(Need, Need.id == Match.need_id)
        .where(_live_match(), _open_need(today))
        .group_by(Match.technology_id)
        .subquery()
    )
    total = func.coalesce(demand.c.total, 0.0)
    rows = db.session.execute(
        select(
            Technology.id,
            Technology.title,
            Organization.name,
            func.coalesce(demand.c.needs, 0),
            total,
            func.coalesce(demand.c.best, 0.0),
        )
        .join(Organization, Organization.id == Technology.owner_org_id)
        .outerjoin(demand, demand.c.technology_id == Technology.id)
        .where(
            Technology.status == ListingStatus.PUBLISHED,
            or_(Technology.expires_at.is_(None), Technology.expires_at >= today),
            Technology.area_id.in_(theme),
        )
        .order_by(total.desc(), Technology.id)
        .limit(limit)
    )
    return [
        ProposedTechnology(
            id_, title, org, int(needs), round(float(score), 4), round(float(best), 4)
        )
        for id_, title, org, needs, score, best in rows
    ]


def propose_invitees(
    technology_ids: Sequence[int],
    min_score: float,
    today: date | None = None,
    limit: int = MAX_INVITEES,
) -> list[ProposedInvitee]:
    """Owners of open needs matching the technologies at `min_score` or more, best first."""
    if not technology_ids:
        return []
    today = today or utcnow().date()
    presenters = select(Technology.owner_org_id).where(Technology.id.in_(technology_ids))
    rows = db.session.execute(
        select(
            Need.owner_org_id,
            Organization.name,
            Need.id,
            Need.title,
            Technology.id,
            Technology.title,
            Match.score,
            Match.explanation,
        )
        .select_from(Match)
        .join(Need, Need.id == Match.need_id)
        .join(Technology, Technology.id == Match.technology_id)
        .join(Organization, Organization.id == Need.owner_org_id)
        .where(
            Match.technology_id.in_(technology_ids),
            Match.score >= min_score,
            _live_match(),
            _open_need(today),
            Need.owner_org_id.not_in(presenters),
        )
        .order_by(Match.score.desc(), Match.id)
    )
    invitees: dict[int, ProposedInvitee] = {}
    for org_id, org_name, need_id, need_title, tech_id, tech_title, score, explanation in rows:
        invitee = invitees.get(org_id)
        if invitee is None:  # rows come best first: the first one is the organization's best
            invitee = invitees[org_id] = ProposedInvitee(org_id, org_name, round(float(score), 4))
        invitee.reasons.append(
            FitReason(
                need_id, need_title, tech_id, tech_title, round(float(score), 4), explanation or {}
            )
        )
    ranked = sorted(invitees.values(), key=lambda item: (-item.score, -len(item.reasons)))[:limit]
    accounts = dict(
        db.session.execute(
            select(User.organization_id, func.count(User.id))
            .where(
                User.organization_id.in_([item.organization_id for item in ranked]),
                User.active.is_(True),
            )
            .group_by(User.organization_id)
        ).all()
    )
    for invitee in ranked:
        invitee.accounts = accounts.get(invitee.organization_id, 0)
    return ranked


def roadshow_proposals(
    roadshow: Roadshow, min_score: float, today: date | None = None
) -> Proposals:
    """Technologies for the roadshow's themes; invitees for the technologies on its agenda."""
    chosen = [slot.technology_id for slot in roadshow.slots if slot.technology_id is not None]
    return Proposals(
        technologies=propose_technologies([area.id for area in roadshow.areas], today),
        invitees=propose_invitees(chosen, min_score, today),
    )
