"""Organizations: universities, institutes, enterprises and agencies."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.model_mixins import TimestampMixin, enum_column

if TYPE_CHECKING:
    from portal.accounts.models import User


class OrgKind(enum.StrEnum):
    UNIVERSITY = "university"
    INSTITUTE = "institute"
    ENTERPRISE = "enterprise"
    AGENCY = "agency"


class CarbonType(enum.StrEnum):
    NEGATIVE = "negative"
    ZERO = "zero"
    LOW = "low"
    NONE = "none"


XIAMEN_DISTRICTS = ("思明区", "湖里区", "集美区", "海沧区", "同安区", "翔安区")


class Organization(TimestampMixin, db.Model):
    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True, nullable=False)
    kind: Mapped[OrgKind] = mapped_column(enum_column(OrgKind), nullable=False)
    credit_code: Mapped[str | None] = mapped_column(String(18), unique=True)
    district: Mapped[str | None] = mapped_column(String(20))
    industry: Mapped[str | None] = mapped_column(String(200))
    website: Mapped[str | None] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    carbon_type: Mapped[CarbonType | None] = mapped_column(enum_column(CarbonType))
    # How the carbon type was decided: classifier reasons or a broker's override.
    carbon_type_basis: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    verified: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    verified_at: Mapped[datetime | None] = mapped_column(DateTime)
    is_demo: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    source: Mapped[str | None] = mapped_column(String(300))

    members: Mapped[list[User]] = relationship(back_populates="organization")

    @property
    def is_research(self) -> bool:
        return self.kind in (OrgKind.UNIVERSITY, OrgKind.INSTITUTE)

    def __repr__(self) -> str:
        return f"<Organization {self.name}>"


class JoinState(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class JoinRequest(TimestampMixin, db.Model):
    """A person asking to become a member of an organization; its administrators (or a
    broker) decide. One row per person and organization: asking again reopens it."""

    __tablename__ = "join_requests"
    __table_args__ = (UniqueConstraint("user_id", "organization_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), nullable=False, index=True
    )
    state: Mapped[JoinState] = mapped_column(
        enum_column(JoinState), nullable=False, default=JoinState.PENDING
    )
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    organization: Mapped[Organization] = relationship()
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
