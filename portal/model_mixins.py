"""Column helpers shared by the domain models."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Enum
from sqlalchemy.orm import Mapped, mapped_column


def utcnow() -> datetime:
    """Naive UTC: SQLite drops time zones, so every stored time is UTC without one."""
    return datetime.now(UTC).replace(tzinfo=None)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime, default=utcnow, onupdate=utcnow, nullable=False
    )


class LabelledStrEnum(enum.StrEnum):
    """A string enum whose members carry the label people read: `Member = "value", _l("标签")`."""

    label: Any  # a lazy gettext string, rendered in the reader's language

    def __new__(cls, value: str, label: Any) -> LabelledStrEnum:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def labels(cls) -> dict[str, Any]:
        """Value -> label, in declaration order (choices, filters, template lookups)."""
        return {member.value: member.label for member in cls}


def enum_column(enum_cls: type[enum.Enum], length: int = 20) -> Enum:
    """A portable enum column: VARCHAR plus CHECK, storing the enum's values."""
    return Enum(
        enum_cls,
        native_enum=False,
        create_constraint=True,
        length=length,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )
