"""Which workflow operations a user may do on a listing now, for the listing page's buttons.

Derived from the workflow (`STATUS_TRANSITIONS`) and the policy (`portal.security.can`), so the
page shows exactly what the service would allow; the service checks again when one is posted.
No Flask here: the page turns each operation into a form or link.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from portal.accounts.models import User
from portal.listings.kinds import Listing
from portal.listings.models import STATUS_TRANSITIONS, ListingStatus
from portal.security import Action, can


@dataclass(frozen=True)
class Operation:
    """One button of the workflow bar."""

    name: str  # the URL segment of the workflow route ("submit"), or "edit" / "delete"
    label: Any  # lazy gettext string
    style: str  # Bootstrap button class
    endpoint: str = "workflow"  # the blueprint's route: "workflow", "edit" (a link) or "delete"
    needs_comment: bool = False  # posts a comment the owner reads
    confirm: Any = None  # a question asked before posting, if any

    @property
    def is_link(self) -> bool:
        return self.endpoint == "edit"


EDIT = Operation("edit", _l("编辑"), "btn-outline-secondary", endpoint="edit")
SUBMIT = Operation("submit", _l("提交审核"), "btn-primary")
PUBLISH = Operation("publish", _l("审核通过并发布"), "btn-success")
RENEW = Operation("renew", _l("续期 12 个月"), "btn-outline-success")
ARCHIVE = Operation("archive", _l("下架"), "btn-outline-dark")
RESTORE = Operation("restore", _l("恢复为草稿"), "btn-outline-secondary")
DELETE = Operation(
    "delete", _l("删除"), "btn-outline-danger", endpoint="delete", confirm=_l("确定删除？")
)
REQUEST_CHANGES = Operation(
    "request-changes", _l("退回修改"), "btn-outline-warning", needs_comment=True
)


def available_operations(listing: Listing, user: User | None) -> list[Operation]:
    """The operations `user` may do on `listing` in its current status, in the bar's order."""
    status = listing.status
    moves = STATUS_TRANSITIONS[status]
    owner_or_staff = can(user, Action.EDIT_LISTING, listing)
    reviewer = can(user, Action.REVIEW_LISTING, listing)
    archived = status is ListingStatus.ARCHIVED
    allowed = [
        (EDIT, owner_or_staff and not archived),
        (SUBMIT, owner_or_staff and ListingStatus.SUBMITTED in moves),
        (PUBLISH, reviewer and ListingStatus.PUBLISHED in moves),
        (RENEW, owner_or_staff and status is ListingStatus.PUBLISHED),
        (ARCHIVE, owner_or_staff and ListingStatus.ARCHIVED in moves),
        (RESTORE, owner_or_staff and archived and ListingStatus.DRAFT in moves),
        (DELETE, owner_or_staff),
        # Back to draft with a comment: from review or from the public catalogue.
        (REQUEST_CHANGES, reviewer and not archived and ListingStatus.DRAFT in moves),
    ]
    return [operation for operation, ok in allowed if ok]
