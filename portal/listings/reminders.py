"""Reminders to owners of listings that expire soon."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from portal.extensions import db
from portal.listings.kinds import kind_of
from portal.listings.models import ListingStatus, Need, Technology
from portal.model_mixins import utcnow
from portal.notifications.service import Notice, notify, organization_members

REMIND_DAYS_BEFORE = 30


def send_expiry_reminders(today: date | None = None, within_days: int = REMIND_DAYS_BEFORE) -> int:
    """Notify owners of published listings expiring within `within_days`; returns notices sent.

    Idempotent: each notice carries a key of the listing and its expiry date, so a
    second run sends nothing, and a renewed listing gets a reminder again next time.
    """
    today = today or utcnow().date()
    horizon = today + timedelta(days=within_days)
    sent = 0
    for model in (Technology, Need):
        expiring = db.session.scalars(
            select(model).where(
                model.status == ListingStatus.PUBLISHED,
                model.expires_at >= today,
                model.expires_at <= horizon,
            )
        )
        for listing in expiring:
            entity_type = kind_of(listing).entity_type
            expiry = listing.expires_at.isoformat()
            notice = Notice(
                "listing.expiring",
                f"即将到期：{listing.title}",
                f"“{listing.title}”将于 {expiry} 到期，到期后不再出现在列表和搜索中。"
                "如仍有效，请在详情页点击“续期”。",
                entity_type,
                listing.id,
                dedupe_key=f"expiry:{entity_type}:{listing.id}:{expiry}",
            )
            sent += len(notify(organization_members(listing.owner_org_id), notice))
    return sent
