"""Recording audit entries; callers commit together with the change they describe."""

from __future__ import annotations

from typing import Any

from portal.accounts.models import User
from portal.audit.models import AuditLog
from portal.extensions import db


def record_change(
    actor: User | None,
    action: str,
    entity_type: str,
    entity_id: int,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> AuditLog:
    entry = AuditLog(
        actor_id=actor.id if actor is not None else None,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        before=before,
        after=after,
    )
    db.session.add(entry)
    return entry
