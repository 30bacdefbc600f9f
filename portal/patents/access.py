"""Who may use patent navigation: brokers and admins (the staff who run it)."""

from __future__ import annotations

from portal.accounts.models import User
from portal.domain_errors import LoginRequired, PermissionDenied
from portal.security import is_staff


def ensure_patent_staff(user: User | None) -> None:
    """Raise LoginRequired for anonymous users and PermissionDenied for non-staff."""
    if user is None or not user.is_authenticated:
        raise LoginRequired()
    if not (is_staff(user) and user.active):
        raise PermissionDenied()
