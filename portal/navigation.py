"""What the layout's navigation shows a user: plain data, computed once per page.

The menus are decided here (through `portal.security`), so `base.html` renders lists and
counts and asks no permission questions itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l

from portal.accounts.models import User
from portal.notifications.service import unread_count
from portal.security import Action, can, is_staff


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: Any  # lazy gettext string


@dataclass(frozen=True)
class Navigation:
    my_listings: bool = False  # the "my postings" menu: members of an organization
    staff_items: list[NavItem] = field(default_factory=list)  # the "manage" menu; empty: hidden
    unread_notices: int = 0


# Roadshows and patent navigation are public entries of the bar itself, not repeated here.
_STAFF_ITEMS = (
    NavItem("catalogue.review", _l("审核队列")),
    NavItem("matches.index", _l("对接跟进")),
    NavItem("matches.board", _l("撮合看板")),
    NavItem("roadshows.funnel_page", _l("路演成效漏斗")),
    NavItem("admin.verification", _l("机构认证")),
    NavItem("admin.audit", _l("操作记录")),
    NavItem("admin.embedder", _l("向量模型状态")),
    NavItem("jobs.overview", _l("后台任务")),
)
# Items of the manage menu that need one more permission than being staff.
_GUARDED_STAFF_ITEMS = (
    (Action.IMPORT_LISTINGS, NavItem("imports.upload", _l("批量导入"))),
    (Action.IMPORT_LISTINGS, NavItem("patents.import_page", _l("导入专利"))),
    (Action.MANAGE_USERS, NavItem("admin.users", _l("用户"))),
)


def navigation_for(user: User | None) -> Navigation:
    """The menus and the unread notice count for `user` (anonymous: the public menus only)."""
    if user is None or not user.is_authenticated:
        return Navigation()
    staff_items: list[NavItem] = []
    if is_staff(user):
        staff_items = [
            *_STAFF_ITEMS,
            *(item for action, item in _GUARDED_STAFF_ITEMS if can(user, action)),
        ]
    return Navigation(
        my_listings=user.organization_id is not None,
        staff_items=staff_items,
        unread_notices=unread_count(user),
    )
