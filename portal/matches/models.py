"""Matches: a technology and a need (or an organization's interest) followed toward a deal."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, DateTime, Float, ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.auth.models import User
from portal.catalogue.models import Technology
from portal.extensions import db
from portal.model_mixins import TimestampMixin, enum_column, utcnow
from portal.needs.models import Need
from portal.orgs.models import Organization


class MatchState(enum.StrEnum):
    SUGGESTED = "suggested"
    CONTACTED = "contacted"
    NEGOTIATING = "negotiating"
    CONTRACTED = "contracted"
    REJECTED = "rejected"


class Match(TimestampMixin, db.Model):
    __tablename__ = "matches"
    __table_args__ = (
        # A match is about at least one listing: a technology, a need, or both.
        CheckConstraint("technology_id IS NOT NULL OR need_id IS NOT NULL", name="listing_present"),
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
