"""The outbox's table: one row per change of a record that other parts of the platform derive from.

The table (``outbox_entries``) was created by migration de0ac3fb9a10.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.model_mixins import utcnow


class OutboxEntry(db.Model):
    """A change waiting for its consumers (search indexing, match recomputation, ...).

    Written in the transaction of the change itself, so a change is never lost; consumed after
    commit. ``done_handlers`` names the handlers that have already succeeded: a row is deleted
    once every registered handler is in it, and a handler that fails is retried (``attempts``,
    ``last_error``) without re-running the ones that succeeded.
    """

    __tablename__ = "outbox_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_type: Mapped[str] = mapped_column(String(40), nullable=False)
    entity_id: Mapped[int] = mapped_column(Integer, nullable=False)
    change: Mapped[str] = mapped_column(String(10), nullable=False)  # insert / update / delete
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    done_handlers: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)

    def __repr__(self) -> str:
        return f"<OutboxEntry {self.id} {self.change} {self.entity_type}:{self.entity_id}>"
