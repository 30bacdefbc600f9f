"""The jobs' table: ``job_failures``, one row per job that failed its last attempt.

Huey keeps the queue itself (SQLite file or Redis); what people must see after the retries
have ended lives in the portal's database, beside the audit log.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.model_mixins import utcnow


class JobFailure(db.Model):
    """A job whose retries ended in an error: its name, arguments and the error."""

    __tablename__ = "job_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_name: Mapped[str] = mapped_column(String(200), nullable=False)
    task_id: Mapped[str] = mapped_column(String(64), nullable=False)
    arguments: Mapped[str] = mapped_column(Text, nullable=False, default="")
    error: Mapped[str] = mapped_column(Text, nullable=False)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    failed_at: Mapped[datetime] = mapped_column(
        DateTime, default=utcnow, nullable=False, index=True
    )

    def __repr__(self) -> str:
        return f"<JobFailure {self.task_name} {self.failed_at:%Y-%m-%d %H:%M}>"
