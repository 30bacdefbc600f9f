"""Matches: a technology and a need (or an organization's interest) followed toward a deal."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.extensions import db
from portal.listings.models import Need, Technology
from portal.model_mixins import LabelledStrEnum, TimestampMixin, enum_column, utcnow
from portal.organizations.models import Organization


class MatchState(LabelledStrEnum):
    SUGGESTED = "suggested", _l("系统推荐")
    CONTACTED = "contacted", _l("已联系")
    NEGOTIATING = "negotiating", _l("洽谈中")
    CONTRACTED = "contracted", _l("已签约")
    REJECTED = "rejected", _l("未成交")


# Where a broker may move a match: suggested or contacted -> negotiating -> contracted, and
# rejected from any open state (a rejected match may be reopened as contacted).
MATCH_TRANSITIONS: dict[MatchState, frozenset[MatchState]] = {
    MatchState.SUGGESTED: frozenset({MatchState.CONTACTED, MatchState.REJECTED}),
    MatchState.CONTACTED: frozenset({MatchState.NEGOTIATING, MatchState.REJECTED}),
    MatchState.NEGOTIATING: frozenset({MatchState.CONTRACTED, MatchState.REJECTED}),
    MatchState.CONTRACTED: frozenset(),
    MatchState.REJECTED: frozenset({MatchState.CONTACTED}),
}


class Match(TimestampMixin, db.Model):
    __tablename__ = "matches"
    __table_args__ = (
        # A match is about at least one listing: a technology, a need, or both.
        CheckConstraint("technology_id IS NOT NULL OR need_id IS NOT NULL", name="listing_present"),
        # One row per technology-need pair, so recomputing updates instead of duplicating.
        UniqueConstraint("technology_id", "need_id", name="uq_matches_pair"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    technology_id: Mapped[int | None] = mapped_column(
        ForeignKey("technologies.id", ondelete="CASCADE"), index=True
    )
    need_id: Mapped[int | None] = mapped_column(
        ForeignKey("needs.id", ondelete="CASCADE"), index=True
    )
    # The organization that reached out (None for matches the platform suggested).
    contacting_org_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    contacted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    state: Mapped[MatchState] = mapped_column(
        enum_column(MatchState), nullable=False, default=MatchState.SUGGESTED, index=True
    )
    message: Mapped[str] = mapped_column(Text, nullable=False, default="")
    # Filled by the matching engine: total, its parts and the explanation shown to people.
    score: Mapped[float | None] = mapped_column(Float)
    score_parts: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    explanation: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # Below 1 when either text is too short to judge (see matching.matcher).
    confidence: Mapped[float | None] = mapped_column(Float)
    # In the latest ranking of its need; older suggestions that people reacted to stay, flagged.
    is_current: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    feedback: Mapped[str | None] = mapped_column(Text)
    state_changed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    state_changed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )

    technology: Mapped[Technology | None] = relationship()
    need: Mapped[Need | None] = relationship()
    contacting_org: Mapped[Organization | None] = relationship()
    contacted_by: Mapped[User | None] = relationship(foreign_keys=[contacted_by_id])
    state_changed_by: Mapped[User | None] = relationship(foreign_keys=[state_changed_by_id])

    def __repr__(self) -> str:
        return f"<Match {self.id} {self.state}>"


class FeedbackReason(LabelledStrEnum):
    """Why a suggested match is not relevant: fixed categories, so they can be counted."""

    TOO_EARLY = "too_early", _l("技术成熟度不够")
    BENEFIT_UNCLEAR = "benefit_unclear", _l("效益不明确")
    PRICE = "price", _l("价格不合适")
    TRANSFER_MODE = "transfer_mode", _l("转化方式不合适")
    NOT_OUR_FIELD = "not_our_field", _l("不是我们的领域")
    OTHER = "other", _l("其他")


class MatchFeedback(TimestampMixin, db.Model):
    """One organization's verdict on a suggested match (the technology's or the need's side)."""

    __tablename__ = "match_feedback"
    __table_args__ = (
        UniqueConstraint("match_id", "organization_id", name="uq_match_feedback_org"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(
        ForeignKey("matches.id", ondelete="CASCADE"), nullable=False, index=True
    )
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), nullable=False
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    relevant: Mapped[bool] = mapped_column(Boolean, nullable=False)
    reason: Mapped[FeedbackReason | None] = mapped_column(enum_column(FeedbackReason))
    comment: Mapped[str] = mapped_column(Text, nullable=False, default="")

    match: Mapped[Match] = relationship(backref="feedback_entries")
    user: Mapped[User | None] = relationship()


class MatchSubscription(db.Model):
    """A user who wants a daily digest of new matches for one listing."""

    __tablename__ = "match_subscriptions"
    __table_args__ = (
        CheckConstraint("(technology_id IS NULL) <> (need_id IS NULL)", name="one_listing"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    technology_id: Mapped[int | None] = mapped_column(
        ForeignKey("technologies.id", ondelete="CASCADE")
    )
    need_id: Mapped[int | None] = mapped_column(ForeignKey("needs.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    # Matches created after this time are news; also the clock of the once-a-day limit.
    last_sent_at: Mapped[datetime | None] = mapped_column(DateTime)

    user: Mapped[User] = relationship()
    technology: Mapped[Technology | None] = relationship()
    need: Mapped[Need | None] = relationship()


class MatchRun(db.Model):
    """The latest ranking of one listing: when, against how many candidates, and why empty."""

    __tablename__ = "match_runs"
    __table_args__ = (UniqueConstraint("entity_type", "entity_id", name="uq_match_runs_listing"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_type: Mapped[str] = mapped_column(String(20), nullable=False)  # technology | need
    entity_id: Mapped[int] = mapped_column(Integer, nullable=False)
    computed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    candidates: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    results: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    embedder: Mapped[str] = mapped_column(String(120), nullable=False, default="")
    # [{"name", "passed": false, "detail"}] per fit check that excluded candidates
    failed_checks: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False, default=list)
