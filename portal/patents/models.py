"""Patents, their applicants and classification codes, links to listings and organizations."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.model_mixins import LabelledStrEnum, TimestampMixin, enum_column, utcnow
from portal.organizations.models import CarbonType
from portal.patents.legal_status import LegalStatus

if TYPE_CHECKING:
    from portal.accounts.models import User
    from portal.listings.models import Technology
    from portal.organizations.models import Organization


class PatentType(LabelledStrEnum):
    INVENTION_APPLICATION = "invention_application", _l("发明申请")
    INVENTION_GRANT = "invention_grant", _l("发明授权")
    UTILITY_MODEL = "utility_model", _l("实用新型")
    DESIGN = "design", _l("外观设计")
    UNKNOWN = "unknown", _l("未知")


class ClassificationScheme(LabelledStrEnum):
    IPC = "ipc", _l("IPC")
    CPC = "cpc", _l("CPC")


class Patent(TimestampMixin, db.Model):
    __tablename__ = "patents"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Normalized: country + serial + kind ("CN112345678A"), see numbers.parse_publication_number.
    publication_number: Mapped[str] = mapped_column(String(30), unique=True, nullable=False)
    country: Mapped[str] = mapped_column(String(2), nullable=False, index=True)
    kind_code: Mapped[str] = mapped_column(String(2), nullable=False, default="")
    application_number: Mapped[str | None] = mapped_column(String(40), index=True)
    patent_type: Mapped[PatentType] = mapped_column(
        enum_column(PatentType, 24), nullable=False, default=PatentType.UNKNOWN
    )
    title: Mapped[str] = mapped_column(Text, nullable=False)
    abstract: Mapped[str] = mapped_column(Text, nullable=False, default="")
    inventors: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    application_date: Mapped[date | None] = mapped_column(Date)
    # Years a landscape counts by: from the dates, or from a year column where an export
    # gives no date (PatSnap 申请年, Derwent "Priority Year (earliest)").
    application_year: Mapped[int | None] = mapped_column(Integer, index=True)
    priority_year: Mapped[int | None] = mapped_column(Integer)
    priority_date: Mapped[date | None] = mapped_column(Date)
    publication_date: Mapped[date | None] = mapped_column(Date)
    grant_date: Mapped[date | None] = mapped_column(Date)
    legal_status: Mapped[LegalStatus] = mapped_column(
        enum_column(LegalStatus), nullable=False, default=LegalStatus.UNKNOWN, index=True
    )
    legal_status_source: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    applicant_address: Mapped[str | None] = mapped_column(String(500))
    province: Mapped[str | None] = mapped_column(String(20), index=True)
    city: Mapped[str | None] = mapped_column(String(40))
    cited_by_count: Mapped[int | None] = mapped_column(Integer)
    family_size: Mapped[int | None] = mapped_column(Integer)
    # Green Inventory topic keys its codes match (green.py); empty: not green.
    green_topics: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    is_green: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False, index=True)
    # From the title and abstract (tagging.py); None: not classified yet.
    carbon_type: Mapped[CarbonType | None] = mapped_column(enum_column(CarbonType), index=True)
    plan_area: Mapped[str | None] = mapped_column(String(20), index=True)  # a plan field code
    # Where the record came from: export format and file name.
    source: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    is_demo: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    applicants: Mapped[list[PatentApplicant]] = relationship(
        back_populates="patent",
        order_by="PatentApplicant.position",
        cascade="all, delete-orphan",
    )
    classifications: Mapped[list[PatentClassification]] = relationship(
        back_populates="patent",
        order_by="PatentClassification.position",
        cascade="all, delete-orphan",
    )
    technologies: Mapped[list[Technology]] = relationship(secondary="patent_technologies")

    @property
    def first_applicant(self) -> str:
        return self.applicants[0].name if self.applicants else ""

    def classifications_of(self, scheme: ClassificationScheme) -> list[PatentClassification]:
        return [c for c in self.classifications if c.scheme == scheme]

    def codes(self, scheme: ClassificationScheme) -> list[str]:
        return [c.code for c in self.classifications if c.scheme == scheme]

    def main_code(self, scheme: ClassificationScheme) -> str | None:
        return next(
            (c.code for c in self.classifications if c.scheme == scheme and c.is_main), None
        )

    def __repr__(self) -> str:
        return f"<Patent {self.publication_number}>"


class PatentApplicant(db.Model):
    """One applicant of a patent, in the export's order (position 0: the first applicant)."""

    __tablename__ = "patent_applicants"
    __table_args__ = (UniqueConstraint("patent_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patent_id: Mapped[int] = mapped_column(
        ForeignKey("patents.id", ondelete="CASCADE"), nullable=False
    )
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    name: Mapped[str] = mapped_column(String(300), nullable=False)
    normalized_name: Mapped[str] = mapped_column(String(300), nullable=False, index=True)

    patent: Mapped[Patent] = relationship(back_populates="applicants")


class PatentClassification(db.Model):
    __tablename__ = "patent_classifications"
    __table_args__ = (
        UniqueConstraint("patent_id", "scheme", "code"),
        Index("ix_patent_classifications_scheme_code", "scheme", "code"),
        # Covering indices: a landscape counts patents per group or subclass from these alone.
        Index("ix_patent_classifications_main_group", "scheme", "main_group", "patent_id"),
        Index("ix_patent_classifications_subclass", "scheme", "subclass", "patent_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patent_id: Mapped[int] = mapped_column(
        ForeignKey("patents.id", ondelete="CASCADE"), nullable=False
    )
    scheme: Mapped[ClassificationScheme] = mapped_column(
        enum_column(ClassificationScheme, 3), nullable=False
    )
    code: Mapped[str] = mapped_column(String(30), nullable=False)  # "H01M 10/0525"
    # What a landscape counts by, stored at import (numbers.ipc_main_group, the first four
    # characters) so that counting reads an index instead of cutting every code.
    main_group: Mapped[str] = mapped_column(String(30), nullable=False)  # "H01M 10/00"
    subclass: Mapped[str] = mapped_column(String(4), nullable=False)  # "H01M"
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    is_main: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    patent: Mapped[Patent] = relationship(back_populates="classifications")


class PatentTechnology(db.Model):
    """A platform technology that lists the patent among its patent numbers."""

    __tablename__ = "patent_technologies"

    patent_id: Mapped[int] = mapped_column(
        ForeignKey("patents.id", ondelete="CASCADE"), primary_key=True
    )
    technology_id: Mapped[int] = mapped_column(
        ForeignKey("technologies.id", ondelete="CASCADE"), primary_key=True
    )


class ApplicantAlias(db.Model):
    """A normalized applicant name that names an organization; a broker confirms each one.

    Suggested aliases (confirmed_at empty) come from exact normalized-name matches; only
    confirmed ones count when navigation says which platform firms stand behind patents.
    """

    __tablename__ = "patent_applicant_aliases"

    id: Mapped[int] = mapped_column(primary_key=True)
    normalized_name: Mapped[str] = mapped_column(String(300), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(300), nullable=False)  # as an export wrote it
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), nullable=False, index=True
    )
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)

    organization: Mapped[Organization] = relationship()
    confirmed_by: Mapped[User | None] = relationship()
