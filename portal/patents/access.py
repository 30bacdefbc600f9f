"""Who may use patent navigation: brokers and admins (the staff who run it)."""

from __future__ import annotations

from portal.accounts.models import User
from portal.domain_errors import LoginRequired, PermissionDenied
from portal.security import is_staff


def may_use_patents(user: User | None) -> bool:
    return is_staff(user) and user is not None and user.active


def ensure_patent_staff(user: User | None) -> None:
    """Raise LoginRequired for anonymous users and PermissionDenied for non-staff."""
    if user is None or not user.is_authenticated:
        raise LoginRequired()
    if not may_use_patents(user):
        raise PermissionDenied()
