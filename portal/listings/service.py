"""Operations on listings (technologies, products, needs): the only place their state changes.

Pages, the JSON API and bulk import call these functions; each checks permissions
through `portal.security.ensure`, validates with the shared validator, records staff
changes in the audit log and notifies owners. Refusals raise `portal.domain_errors`
(`ValidationFailed` names each field). Functions flush; the caller commits.

Workflow: draft -> submitted -> published -> archived. A broker publishes or
requests changes (back to draft with a comment the owner sees); the owner edits
and resubmits. Published listings expire (12 months by default) and leave lists,
keeping their pages; the owner renews in one click.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from portal.accounts.models import User
from portal.audit.service import record_change
from portal.domain_errors import Conflict, InvalidTransition, PermissionDenied, ValidationFailed
from portal.extensions import db
from portal.listings.kinds import Listing, ListingKind, kind_of
from portal.listings.models import STATUS_TRANSITIONS, ListingStatus, TechnologyKind
from portal.listings.validation import validate_listing_data
from portal.matches.models import Match, MatchFeedback, MatchState
from portal.model_mixins import utcnow
from portal.notifications.service import Notice, notify, organization_members
from portal.organizations.models import Organization
from portal.security import Action, can, ensure, is_staff

LISTING_LIFETIME_MONTHS = 12
MAX_REVIEW_COMMENT = 2000

CREATE_ACTIONS = {
    ListingKind.TECHNOLOGY: Action.CREATE_TECHNOLOGY,
    ListingKind.PRODUCT: Action.CREATE_PRODUCT,
    ListingKind.NEED: Action.CREATE_NEED,
}


def creatable_kinds(user: User | None, kinds: Iterable[ListingKind]) -> list[ListingKind]:
    """Those of `kinds` the user may post (the "post" buttons of a listing index)."""
    return [kind for kind in kinds if can(user, CREATE_ACTIONS[kind])]


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's end (29 Feb -> 28 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has 28 days")


def default_expiry(today: date | None = None) -> date:
    return add_months(today or utcnow().date(), LISTING_LIFETIME_MONTHS)


def _snapshot(listing: Listing) -> dict[str, Any]:
    return {
        "status": listing.status.value,
        "expires_at": listing.expires_at.isoformat() if listing.expires_at else None,
        "review_comment": listing.review_comment,
    }


def _audit(user: User, action: str, listing: Listing, before: dict[str, Any] | None) -> None:
    """Staff changes are audited; owners changing their own listings are not."""
    if is_staff(user):
        after = _snapshot(listing) if before is not None else None
        record_change(user, action, kind_of(listing).entity_type, listing.id, before, after)


def _notify_owner(
    listing: Listing, kind: str, title: str, body: str, key: str | None = None
) -> None:
    notify(
        organization_members(listing.owner_org_id),
        Notice(kind, title, body, kind_of(listing).entity_type, listing.id, key),
    )


def _move(listing: Listing, target: ListingStatus) -> None:
    if target not in STATUS_TRANSITIONS[listing.status]:
        raise InvalidTransition(
            _l(
                "当前状态不允许此操作（%(source)s → %(target)s）",
                source=listing.status.label,
                target=target.label,
            )
        )
    listing.status = target


def create_listing(
    kind: ListingKind | str,
    data: Mapping[str, Any],
    user: User,
    *,
    owner: Organization | None = None,
) -> Listing:
    """Create a draft listing of `kind` from input `data` (see `portal.listings.validation`).

    The owner is the user's organization; staff may pass `owner` to post for another
    organization (bulk import).
    """
    kind = ListingKind(kind)
    if owner is not None:
        ensure(user, Action.POST_FOR_ORGANIZATION, owner)
    else:
        ensure(user, CREATE_ACTIONS[kind])
        owner = user.organization
    if owner is None:
        raise PermissionDenied(_l("发布信息需要先加入一个机构"), code="no_organization")
    clean, errors = validate_listing_data(kind, data)
    if errors:
        raise ValidationFailed(errors)
    listing = kind.model(owner_org_id=owner.id, created_by_id=user.id, **clean)
    if kind is not ListingKind.NEED:
        listing.kind = TechnologyKind(kind.value)
    db.session.add(listing)
    db.session.flush()
    _audit(user, "listing.create", listing, None)
    return listing


# Where an owner's edit sends a listing: back in front of a broker before the public sees it.
OWNER_EDIT_STATUS = {
    ListingStatus.PUBLISHED: ListingStatus.SUBMITTED,
    ListingStatus.SUBMITTED: ListingStatus.DRAFT,
}


def update_listing(listing: Listing, data: Mapping[str, Any], user: User) -> Listing:
    """Change the fields given in `data` (a partial update).

    When an owner edits a published listing it goes back to review (submitted),
    so what the public reads has always been checked by a broker. When an owner edits a
    submitted listing it goes back to draft: the broker may be reading the submitted text at
    that moment, and a publish sent after the edit must not put the unseen text online (it is
    refused, since a draft cannot be published); the owner submits the new text again.
    """
    ensure(user, Action.EDIT_LISTING, listing)
    if listing.status is ListingStatus.ARCHIVED:
        raise InvalidTransition(_l("已下架的信息不能修改，请先恢复为草稿"), code="invalid_state")
    clean, errors = validate_listing_data(kind_of(listing), data, partial=True, current=listing)
    if errors:
        raise ValidationFailed(errors)
    before = _snapshot(listing)
    for attr, value in clean.items():
        setattr(listing, attr, value)
    if not is_staff(user):
        listing.status = OWNER_EDIT_STATUS.get(listing.status, listing.status)
    _audit(user, "listing.update", listing, before)
    return listing


def delete_listing(listing: Listing, user: User) -> None:
    """Delete a listing nobody has acted on; with contacts or feedback on record, archive instead.

    Machine-suggested matches nobody touched go with the listing (foreign keys cascade).
    """
    ensure(user, Action.EDIT_LISTING, listing)
    column = Match.need_id if kind_of(listing) is ListingKind.NEED else Match.technology_id
    acted_on = (
        select(func.count())
        .select_from(Match)
        .where(
            column == listing.id,
            or_(
                Match.state != MatchState.SUGGESTED,
                Match.id.in_(select(MatchFeedback.match_id)),
            ),
        )
    )
    if db.session.scalar(acted_on):
        raise Conflict(_l("该信息已有对接记录，不能删除，请改为下架"), code="has_matches")
    _audit(user, "listing.delete", listing, _snapshot(listing))
    db.session.delete(listing)


def _audited_move(listing: Listing, user: User, target: ListingStatus, event: str) -> Listing:
    """A plain workflow step: move the listing and audit it (permission already checked)."""
    before = _snapshot(listing)
    _move(listing, target)
    _audit(user, event, listing, before)
    db.session.flush()
    return listing


def submit_listing(listing: Listing, user: User) -> Listing:
    """Owner (or staff) sends a draft to the brokers' review queue."""
    ensure(user, Action.SUBMIT_LISTING, listing)
    return _audited_move(listing, user, ListingStatus.SUBMITTED, "listing.submit")


def publish_listing(listing: Listing, user: User, *, today: date | None = None) -> Listing:
    """A broker publishes a submitted listing; it expires on the owner's date or in 12 months."""
    ensure(user, Action.REVIEW_LISTING, listing)
    today = today or utcnow().date()
    before = _snapshot(listing)
    _move(listing, ListingStatus.PUBLISHED)
    listing.published_at = utcnow()
    listing.review_comment = None
    if listing.expires_at is None or listing.expires_at <= today:
        listing.expires_at = default_expiry(today)
    _audit(user, "listing.publish", listing, before)
    _notify_owner(
        listing,
        "listing.published",
        f"已发布：{listing.title}",
        f"您提交的“{listing.title}”已通过审核并发布，有效期至 {listing.expires_at.isoformat()}。",
    )
    db.session.flush()
    return listing


def request_changes(listing: Listing, comment: str, user: User) -> Listing:
    """A broker sends a submitted (or published) listing back to draft with a comment."""
    ensure(user, Action.REVIEW_LISTING, listing)
    comment = (comment or "").strip()
    if not comment:
        raise ValidationFailed({"review_comment": _l("请写明需要修改的内容")})
    if len(comment) > MAX_REVIEW_COMMENT:
        raise ValidationFailed(
            {"review_comment": _l("不超过 %(limit)d 字", limit=MAX_REVIEW_COMMENT)}
        )
    if listing.status not in (ListingStatus.SUBMITTED, ListingStatus.PUBLISHED):
        raise InvalidTransition(_l("只有待审核或已发布的信息可以退回修改"))
    before = _snapshot(listing)
    _move(listing, ListingStatus.DRAFT)
    listing.review_comment = comment
    _audit(user, "listing.request_changes", listing, before)
    _notify_owner(
        listing,
        "listing.changes_requested",
        f"需要修改：{listing.title}",
        f"技术经纪人对“{listing.title}”提出了修改意见：\n{comment}",
    )
    db.session.flush()
    return listing


def archive_listing(listing: Listing, user: User) -> Listing:
    """Take a listing off the platform (owner or staff); its page stays readable to them."""
    ensure(user, Action.ARCHIVE_LISTING, listing)
    return _audited_move(listing, user, ListingStatus.ARCHIVED, "listing.archive")


def restore_listing(listing: Listing, user: User) -> Listing:
    """Bring an archived listing back as a draft, to edit and resubmit."""
    ensure(user, Action.EDIT_LISTING, listing)
    if listing.status is not ListingStatus.ARCHIVED:
        raise InvalidTransition(_l("只有已下架的信息可以恢复"))
    return _audited_move(listing, user, ListingStatus.DRAFT, "listing.restore")


def renew_listing(listing: Listing, user: User, *, today: date | None = None) -> Listing:
    """Extend a published listing (expired or not) to 12 months from today."""
    ensure(user, Action.EDIT_LISTING, listing)
    if listing.status is not ListingStatus.PUBLISHED:
        raise InvalidTransition(_l("只有已发布的信息可以续期"), code="invalid_state")
    before = _snapshot(listing)
    listing.expires_at = default_expiry(today)
    _audit(user, "listing.renew", listing, before)
    db.session.flush()
    return listing


def change_status(
    listing: Listing, status: ListingStatus | str, user: User, *, comment: str | None = None
) -> Listing:
    """Move a listing to `status` by the matching operation (the API's PATCH {"status"}).

    `draft` with a comment on a submitted or published listing is "request changes";
    an archived listing goes back to draft by restoring it.
    """
    try:
        target = ListingStatus(status)
    except ValueError as exc:
        raise ValidationFailed({"status": _l("不是可选的状态")}) from exc
    if target is listing.status:
        return listing
    match target:
        case ListingStatus.SUBMITTED:
            return submit_listing(listing, user)
        case ListingStatus.PUBLISHED:
            return publish_listing(listing, user)
        case ListingStatus.ARCHIVED:
            return archive_listing(listing, user)
        case ListingStatus.DRAFT if listing.status is ListingStatus.ARCHIVED:
            return restore_listing(listing, user)
        case _:
            return request_changes(listing, comment or "", user)
