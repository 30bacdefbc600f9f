"""Tickets and check-in: each confirmed registration has a signed check-in code, shown as a QR
code (segno) on its ticket page; the broker's check-in page takes the scanned or typed code.

The code is the registration and roadshow ids signed with the installation's secret key
(itsdangerous), so it cannot be forged or moved to another roadshow; checking in twice is
answered with the time of the first check-in. Services flush; callers commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import segno
from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer

from portal.accounts.models import User
from portal.domain_errors import InvalidTransition, NotFound, ValidationFailed
from portal.extensions import db
from portal.roadshows.models import (
    RegistrationState,
    Roadshow,
    RoadshowRegistration,
    RoadshowStatus,
)
from portal.roadshows.registrations import registration_of
from portal.security import Action, ensure

MAX_CODE = 200
CHECK_IN_STATUSES = (RoadshowStatus.OPEN, RoadshowStatus.CLOSED, RoadshowStatus.HELD)


@dataclass(frozen=True)
class CheckIn:
    registration: RoadshowRegistration
    already: bool  # checked in before: `registration.checked_in_at` says when


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="roadshow-check-in")


def check_in_code(registration: RoadshowRegistration) -> str:
    return str(_serializer().dumps([registration.roadshow_id, registration.id]))


def qr_svg(code: str) -> str:
    """The code as an inline SVG QR image (only base64url characters go into it)."""
    return segno.make(code, error="m").svg_inline(scale=5, border=2)


def ticket_of(roadshow: Roadshow, user: User | None) -> RoadshowRegistration:
    """The user's own ticket: a confirmed registration, else NotFound (never someone else's)."""
    registration = registration_of(roadshow, user)
    if registration is None or not registration.has_ticket:
        raise NotFound(_l("您没有这场路演的入场凭证。"))
    return registration


def check_in(actor: User, roadshow: Roadshow, code: str, now: datetime) -> CheckIn:
    ensure(actor, Action.MANAGE_ROADSHOWS, roadshow)
    if roadshow.status not in CHECK_IN_STATUSES:
        raise InvalidTransition(_l("这场路演现在不能签到"))
    code = (code or "").strip()
    invalid = ValidationFailed({"code": _l("签到码无效")})
    if not code or len(code) > MAX_CODE:
        raise invalid
    try:
        roadshow_id, registration_id = _serializer().loads(code)
    except (BadSignature, TypeError, ValueError) as exc:
        raise invalid from exc
    if roadshow_id != roadshow.id:
        raise ValidationFailed({"code": _l("这是另一场路演的签到码")})
    registration = db.session.get(RoadshowRegistration, registration_id)
    if registration is None or registration.roadshow_id != roadshow.id:
        raise invalid
    if registration.state is RegistrationState.ATTENDED:
        return CheckIn(registration, already=True)
    if registration.state is not RegistrationState.REGISTERED:
        raise InvalidTransition(
            _l("该报名状态为“%(state)s”，不能签到", state=registration.state.label)
        )
    registration.state = RegistrationState.ATTENDED
    registration.checked_in_at = now
    registration.checked_in_by_id = actor.id
    db.session.flush()
    return CheckIn(registration, already=False)
