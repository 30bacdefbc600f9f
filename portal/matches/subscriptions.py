"""Subscriptions to new matches of a listing, and the daily digest that serves them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.accounts.models import User
from portal.domain_errors import PermissionDenied
from portal.extensions import db
from portal.listings.kinds import Listing, ListingKind, kind_of
from portal.listings.models import ListingStatus
from portal.matches.listing_matches import can_see_matches, subscription_of
from portal.matches.models import Match, MatchSubscription
from portal.model_mixins import utcnow
from portal.notifications.service import Notice, notify

DIGEST_INTERVAL = timedelta(days=1)
DIGEST_SHOWN = 10


def subscribe(user: User, listing: Listing) -> MatchSubscription:
    """Idempotent: subscribing twice keeps the one subscription."""
    if listing.status is not ListingStatus.PUBLISHED or not can_see_matches(user, listing):
        raise PermissionDenied(_l("只能订阅您可以查看匹配结果的已发布信息"))
    existing = subscription_of(user, listing)
    if existing is not None:
        return existing
    subscription = MatchSubscription(user_id=user.id)
    if kind_of(listing) is ListingKind.NEED:
        subscription.need_id = listing.id
    else:
        subscription.technology_id = listing.id
    db.session.add(subscription)
    db.session.flush()
    return subscription


def unsubscribe(user: User, listing: Listing) -> bool:
    existing = subscription_of(user, listing)
    if existing is None:
        return False
    db.session.delete(existing)
    db.session.flush()
    return True


@dataclass
class DigestReport:
    sent: int = 0
    nothing_new: int = 0
    too_soon: int = 0
    no_access: int = 0


def _new_matches(subscription: MatchSubscription, listing: Listing) -> list[Match]:
    since = subscription.last_sent_at or subscription.created_at
    column = Match.need_id if subscription.need_id is not None else Match.technology_id
    return list(
        db.session.scalars(
            select(Match)
            .where(
                column == listing.id,
                Match.technology_id.is_not(None),
                Match.need_id.is_not(None),
                Match.is_current.is_(True),
                Match.created_at > since,
            )
            .order_by(Match.score.desc())
        )
    )


def _digest(listing: Listing, matches: list[Match], day: str, subscription_id: int) -> Notice:
    is_need = kind_of(listing) is ListingKind.NEED
    lines = []
    for match in matches[:DIGEST_SHOWN]:
        other = match.technology if is_need else match.need
        lines.append(f"· {other.title}（匹配度 {match.score or 0:.2f}）")
    if len(matches) > DIGEST_SHOWN:
        lines.append(f"……另有 {len(matches) - DIGEST_SHOWN} 条")
    return Notice(
        "match.digest",
        f"“{listing.title}”有 {len(matches)} 条新的匹配",
        "\n".join(lines),
        kind_of(listing).entity_type,
        listing.id,
        dedupe_key=f"match-digest:{subscription_id}:{day}",
    )


def send_digests(now: datetime | None = None) -> DigestReport:
    """One notice (in the platform and by e-mail) per subscription with new matches, at most
    once per DIGEST_INTERVAL; flushes, the caller commits."""
    now = now or utcnow()
    report = DigestReport()
    for subscription in db.session.scalars(
        select(MatchSubscription).order_by(MatchSubscription.id)
    ):
        if subscription.last_sent_at and now - subscription.last_sent_at < DIGEST_INTERVAL:
            report.too_soon += 1
            continue
        listing = subscription.need or subscription.technology
        user = subscription.user
        if listing is None or not user.active or not can_see_matches(user, listing):
            report.no_access += 1
            continue
        matches = _new_matches(subscription, listing)
        if not matches:
            report.nothing_new += 1
            continue
        notify([user], _digest(listing, matches, now.date().isoformat(), subscription.id))
        subscription.last_sent_at = now
        report.sent += 1
    db.session.flush()
    return report
