"""Roadshows (路演): the event, its themes, its agenda, its invitations and registrations.

Every time is naive UTC (see `portal.model_mixins.utcnow`); `portal.roadshows.times` turns
them into Asia/Shanghai for forms and pages.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.extensions import db
from portal.listings.models import ListingStatus, Technology
from portal.matches.models import Match
from portal.model_mixins import LabelledStrEnum, TimestampMixin, enum_column, utcnow
from portal.organizations.models import Organization
from portal.taxonomy.models import TaxonomyArea


class RoadshowStatus(LabelledStrEnum):
    PLANNED = "planned", _l("筹备中")
    OPEN = "open", _l("报名中")
    CLOSED = "closed", _l("报名截止")
    HELD = "held", _l("已举办")
    ARCHIVED = "archived", _l("已归档")


# planned -> open -> closed -> held -> archived; registration may be reopened, and a planned
# roadshow that will not happen is archived directly.
ROADSHOW_TRANSITIONS: dict[RoadshowStatus, frozenset[RoadshowStatus]] = {
    RoadshowStatus.PLANNED: frozenset({RoadshowStatus.OPEN, RoadshowStatus.ARCHIVED}),
    RoadshowStatus.OPEN: frozenset({RoadshowStatus.CLOSED}),
    RoadshowStatus.CLOSED: frozenset({RoadshowStatus.OPEN, RoadshowStatus.HELD}),
    RoadshowStatus.HELD: frozenset({RoadshowStatus.ARCHIVED}),
    RoadshowStatus.ARCHIVED: frozenset(),
}

roadshow_areas = Table(
    "roadshow_areas",
    db.metadata,
    Column("roadshow_id", ForeignKey("roadshows.id", ondelete="CASCADE"), primary_key=True),
    Column("area_id", ForeignKey("taxonomy_areas.id", ondelete="CASCADE"), primary_key=True),
)


class Roadshow(TimestampMixin, db.Model):
    __tablename__ = "roadshows"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("capacity > 0", name="capacity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    host_org_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL"), index=True
    )
    starts_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, index=True)
    ends_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    venue: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    online_url: Mapped[str | None] = mapped_column(String(500))
    capacity: Mapped[int] = mapped_column(Integer, nullable=False)
    registration_deadline: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    status: Mapped[RoadshowStatus] = mapped_column(
        enum_column(RoadshowStatus), nullable=False, default=RoadshowStatus.PLANNED, index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    is_demo: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # Bumped by every registration change: the UPDATE takes the row's write lock on both
    # databases, so seat counting and waiting-list moves happen one at a time per roadshow.
    seats_version: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    # The 1:1 meeting grid: tables x slots of `meeting_minutes` in the window (0 tables: none).
    meeting_minutes: Mapped[int] = mapped_column(Integer, nullable=False, default=15)
    meeting_tables: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    meetings_from: Mapped[datetime | None] = mapped_column(DateTime)
    meetings_until: Mapped[datetime | None] = mapped_column(DateTime)

    host: Mapped[Organization | None] = relationship()
    areas: Mapped[list[TaxonomyArea]] = relationship(
        secondary=roadshow_areas, order_by=TaxonomyArea.code
    )
    slots: Mapped[list[RoadshowSlot]] = relationship(
        back_populates="roadshow",
        order_by="RoadshowSlot.starts_at",
        cascade="all, delete-orphan",
    )

    def __repr__(self) -> str:
        return f"<Roadshow {self.id} {self.title[:20]}>"


class RoadshowSlot(db.Model):
    """One item of the agenda: a presented technology, or a break when it has none."""

    __tablename__ = "roadshow_slots"
    __table_args__ = (CheckConstraint("minutes > 0", name="minutes_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    roadshow_id: Mapped[int] = mapped_column(
        ForeignKey("roadshows.id", ondelete="CASCADE"), nullable=False, index=True
    )
    # Kept (SET NULL) when the technology is deleted: the slot keeps its own title.
    technology_id: Mapped[int | None] = mapped_column(
        ForeignKey("technologies.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    presenter: Mapped[str] = mapped_column(String(120), nullable=False, default="")
    starts_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    minutes: Mapped[int] = mapped_column(Integer, nullable=False)

    roadshow: Mapped[Roadshow] = relationship(back_populates="slots")
    technology: Mapped[Technology | None] = relationship()

    @property
    def is_break(self) -> bool:
        return self.technology_id is None

    @property
    def linked_technology(self) -> Technology | None:
        """The technology when its page is public; an archived one shows as plain title."""
        technology = self.technology
        return technology if technology and technology.status is ListingStatus.PUBLISHED else None


class InvitationState(LabelledStrEnum):
    PENDING = "pending", _l("待回复")
    ACCEPTED = "accepted", _l("已接受")
    DECLINED = "declined", _l("已谢绝")


class RoadshowInvitation(db.Model):
    """A personal invitation: one member of an invited organization, one e-mail, one link."""

    __tablename__ = "roadshow_invitations"
    __table_args__ = (
        UniqueConstraint("roadshow_id", "email", name="uq_roadshow_invitations_email"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    roadshow_id: Mapped[int] = mapped_column(
        ForeignKey("roadshows.id", ondelete="CASCADE"), nullable=False, index=True
    )
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), nullable=False, index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(254), nullable=False)
    # SHA-256 of the link's secret; cleared once used, so a link works once.
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    state: Mapped[InvitationState] = mapped_column(
        enum_column(InvitationState), nullable=False, default=InvitationState.PENDING
    )
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    responded_at: Mapped[datetime | None] = mapped_column(DateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(DateTime)

    roadshow: Mapped[Roadshow] = relationship()
    organization: Mapped[Organization] = relationship()
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])


class RegistrationState(LabelledStrEnum):
    REGISTERED = "registered", _l("已报名")
    WAITLISTED = "waitlisted", _l("候补中")
    OFFERED = "offered", _l("候补递补待确认")
    CANCELLED = "cancelled", _l("已取消")
    ATTENDED = "attended", _l("已签到")


# States that hold a seat: an offered seat is kept for its holder until the offer lapses.
SEAT_STATES = frozenset(
    {RegistrationState.REGISTERED, RegistrationState.OFFERED, RegistrationState.ATTENDED}
)

CANCELLABLE_STATES = frozenset(
    {RegistrationState.REGISTERED, RegistrationState.WAITLISTED, RegistrationState.OFFERED}
)


class RoadshowRegistration(TimestampMixin, db.Model):
    __tablename__ = "roadshow_registrations"
    # One registration per person and roadshow, whatever the timing of their requests.
    __table_args__ = (
        UniqueConstraint("roadshow_id", "user_id", name="uq_roadshow_registrations_person"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    roadshow_id: Mapped[int] = mapped_column(
        ForeignKey("roadshows.id", ondelete="CASCADE"), nullable=False, index=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL")
    )
    state: Mapped[RegistrationState] = mapped_column(
        enum_column(RegistrationState), nullable=False, index=True
    )
    # Waiting-list order: invited organizations first, then by this time.
    waitlisted_at: Mapped[datetime | None] = mapped_column(DateTime)
    offer_expires_at: Mapped[datetime | None] = mapped_column(DateTime)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime)
    checked_in_at: Mapped[datetime | None] = mapped_column(DateTime)
    checked_in_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )

    roadshow: Mapped[Roadshow] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    organization: Mapped[Organization | None] = relationship()

    @property
    def is_active(self) -> bool:
        return self.state is not RegistrationState.CANCELLED

    @property
    def is_cancellable(self) -> bool:
        return self.state in CANCELLABLE_STATES

    @property
    def has_attended(self) -> bool:
        return self.state is RegistrationState.ATTENDED

    @property
    def has_ticket(self) -> bool:
        return self.state in (RegistrationState.REGISTERED, RegistrationState.ATTENDED)


class MeetingState(LabelledStrEnum):
    REQUESTED = "requested", _l("待回复")
    ACCEPTED = "accepted", _l("已接受")
    DECLINED = "declined", _l("已谢绝")
    HELD = "held", _l("已举行")


class RoadshowMeeting(TimestampMixin, db.Model):
    """A 1:1 meeting a registered enterprise asks of a presenting team, then booked on the grid.

    The unique constraints are the booking rules, so concurrent bookings cannot break them:
    one request per organization and technology, one meeting per table and time, and nobody
    (either organization) in two meetings at once.
    """

    __tablename__ = "roadshow_meetings"
    __table_args__ = (
        UniqueConstraint(
            "roadshow_id", "requester_org_id", "technology_id", name="uq_roadshow_meetings_pair"
        ),
        UniqueConstraint(
            "roadshow_id", "starts_at", "table_number", name="uq_roadshow_meetings_table"
        ),
        UniqueConstraint(
            "roadshow_id", "starts_at", "requester_org_id", name="uq_roadshow_meetings_requester"
        ),
        UniqueConstraint(
            "roadshow_id", "starts_at", "presenter_org_id", name="uq_roadshow_meetings_presenter"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    roadshow_id: Mapped[int] = mapped_column(
        ForeignKey("roadshows.id", ondelete="CASCADE"), nullable=False, index=True
    )
    technology_id: Mapped[int | None] = mapped_column(
        ForeignKey("technologies.id", ondelete="SET NULL")
    )
    requester_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    requester_org_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), nullable=False
    )
    presenter_org_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), nullable=False
    )
    message: Mapped[str] = mapped_column(Text, nullable=False, default="")
    state: Mapped[MeetingState] = mapped_column(
        enum_column(MeetingState), nullable=False, default=MeetingState.REQUESTED
    )
    starts_at: Mapped[datetime | None] = mapped_column(DateTime)
    table_number: Mapped[int | None] = mapped_column(Integer)

    roadshow: Mapped[Roadshow] = relationship()
    technology: Mapped[Technology | None] = relationship()
    requester: Mapped[User | None] = relationship()
    requester_org: Mapped[Organization] = relationship(foreign_keys=[requester_org_id])
    presenter_org: Mapped[Organization] = relationship(foreign_keys=[presenter_org_id])


class Interest(LabelledStrEnum):
    NONE = "none", _l("暂无兴趣")
    MORE_INFO = "more_info", _l("希望了解更多")
    NEGOTIATE = "negotiate", _l("希望洽谈合作")


class RoadshowFeedback(TimestampMixin, db.Model):
    """An attendee's verdict on one presentation; interest opens a Match, linked here."""

    __tablename__ = "roadshow_feedback"
    __table_args__ = (
        UniqueConstraint("slot_id", "user_id", name="uq_roadshow_feedback_person"),
        CheckConstraint("rating BETWEEN 1 AND 5", name="rating_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    roadshow_id: Mapped[int] = mapped_column(
        ForeignKey("roadshows.id", ondelete="CASCADE"), nullable=False, index=True
    )
    slot_id: Mapped[int] = mapped_column(
        ForeignKey("roadshow_slots.id", ondelete="CASCADE"), nullable=False
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL")
    )
    interest: Mapped[Interest] = mapped_column(enum_column(Interest), nullable=False)
    rating: Mapped[int] = mapped_column(Integer, nullable=False)
    comment: Mapped[str] = mapped_column(Text, nullable=False, default="")
    # The deal-pipeline match this feedback opened or moved (the roadshow's link to deals).
    match_id: Mapped[int | None] = mapped_column(
        ForeignKey("matches.id", ondelete="SET NULL"), index=True
    )

    slot: Mapped[RoadshowSlot] = relationship()
    match: Mapped[Match | None] = relationship()
