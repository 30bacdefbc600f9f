"""Registration: seats up to the capacity, then a waiting list that moves up.

Members of an organization register for an open roadshow until its deadline. When the seats
are taken they join the waiting list, invited organizations first, then in order of arrival.
A cancelled seat is offered to the first on the list, who is told and has ROADSHOW_OFFER_HOURS
to confirm; a lapsed offer passes to the next (`expire_offers`, idempotent). One registration
per person and roadshow (a unique constraint): asking twice answers the same one.

Every change that counts seats first bumps the roadshow's `seats_version`: that UPDATE holds
the row's lock (PostgreSQL) or the database's write lock (SQLite) until the commit, so two
people can never both take the last seat. Services flush; callers commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select, update
from sqlalchemy.exc import IntegrityError

from portal.accounts.models import User
from portal.audit.service import record_change
from portal.domain_errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from portal.extensions import db
from portal.notifications.service import Notice, notify
from portal.roadshows.invitations import invited_organization_ids, respond
from portal.roadshows.models import (
    SEAT_STATES,
    RegistrationState,
    Roadshow,
    RoadshowInvitation,
    RoadshowRegistration,
    RoadshowStatus,
)
from portal.roadshows.times import display
from portal.security import Action, can, ensure


@dataclass(frozen=True)
class Seats:
    capacity: int
    taken: int
    waiting: int

    @property
    def free(self) -> int:
        return max(self.capacity - self.taken, 0)


def _lock_seats(roadshow: Roadshow) -> None:
    """Serialise seat changes of this roadshow until the transaction ends (see module doc)."""
    db.session.execute(
        update(Roadshow)
        .where(Roadshow.id == roadshow.id)
        .values(seats_version=Roadshow.seats_version + 1)
        .execution_options(synchronize_session=False)
    )


def seats(roadshow: Roadshow) -> Seats:
    counts = dict(
        db.session.execute(
            select(RoadshowRegistration.state, func.count())
            .where(RoadshowRegistration.roadshow_id == roadshow.id)
            .group_by(RoadshowRegistration.state)
        ).all()
    )
    taken = sum(counts.get(state, 0) for state in SEAT_STATES)
    return Seats(roadshow.capacity, taken, counts.get(RegistrationState.WAITLISTED, 0))


def registration_of(roadshow: Roadshow, user: User | None) -> RoadshowRegistration | None:
    if user is None or not user.is_authenticated:
        return None
    return db.session.scalar(
        select(RoadshowRegistration).where(
            RoadshowRegistration.roadshow_id == roadshow.id,
            RoadshowRegistration.user_id == user.id,
        )
    )


def _registration_open(roadshow: Roadshow, now: datetime) -> None:
    if roadshow.status is not RoadshowStatus.OPEN:
        raise InvalidTransition(_l("本场路演当前不接受报名"), code="registration_closed")
    if now > roadshow.registration_deadline:
        raise InvalidTransition(
            _l("报名已于 %(time)s 截止", time=display(roadshow.registration_deadline)),
            code="registration_closed",
        )


def _before_start(roadshow: Roadshow, now: datetime) -> None:
    if now >= roadshow.starts_at:
        raise InvalidTransition(_l("路演已经开始"), code="started")


def _take_place(
    roadshow: Roadshow, user: User, now: datetime, added_by: User | None
) -> RoadshowRegistration:
    """A seat if one is free, else the waiting list; the same registration when one exists."""
    _lock_seats(roadshow)
    existing = registration_of(roadshow, user)
    if existing is not None and existing.state is not RegistrationState.CANCELLED:
        return existing
    free = seats(roadshow).free > 0
    state = RegistrationState.REGISTERED if free else RegistrationState.WAITLISTED
    registration = existing or RoadshowRegistration(roadshow_id=roadshow.id, user_id=user.id)
    registration.organization_id = user.organization_id
    registration.state = state
    registration.waitlisted_at = None if free else now
    registration.offer_expires_at = None
    registration.cancelled_at = None
    registration.added_by_id = added_by.id if added_by is not None else None
    try:
        with db.session.begin_nested():  # a savepoint: a clash leaves the transaction usable
            db.session.add(registration)
            db.session.flush()
    except IntegrityError:
        # Another request of the same person got in first (the lock makes this rare): theirs.
        found = registration_of(roadshow, user)
        if found is None:
            raise
        return found
    return registration


def may_register(user: User | None, roadshow: Roadshow, now: datetime) -> bool:
    """Whether to offer the register button: allowed, open, and not registered already."""
    if not can(user, Action.REGISTER_FOR_ROADSHOW, roadshow):
        return False
    mine = registration_of(roadshow, user)
    if mine is not None and mine.state is not RegistrationState.CANCELLED:
        return False
    return (
        roadshow.status is RoadshowStatus.OPEN
        and now <= roadshow.registration_deadline
        and now < roadshow.starts_at
    )


def register(user: User, roadshow: Roadshow, now: datetime) -> RoadshowRegistration:
    """The user registers (or joins the waiting list); asking again answers the same one."""
    ensure(user, Action.REGISTER_FOR_ROADSHOW, roadshow)
    existing = registration_of(roadshow, user)
    if existing is not None and existing.state is not RegistrationState.CANCELLED:
        return existing
    _registration_open(roadshow, now)
    _before_start(roadshow, now)
    return _take_place(roadshow, user, now, None)


def add_by_hand(actor: User, roadshow: Roadshow, email: str, now: datetime) -> RoadshowRegistration:
    """A broker registers someone (past the deadline too, until the start); audited."""
    ensure(actor, Action.MANAGE_ROADSHOWS, roadshow)
    if roadshow.status not in (RoadshowStatus.OPEN, RoadshowStatus.CLOSED):
        raise InvalidTransition(_l("本场路演当前不接受报名"), code="registration_closed")
    _before_start(roadshow, now)
    person = db.session.scalar(
        select(User).where(func.lower(User.email) == (email or "").strip().lower())
    )
    if person is None or not person.active:
        raise ValidationFailed({"email": _l("没有使用这个邮箱的账号")})
    registration = _take_place(roadshow, person, now, actor)
    record_change(
        actor,
        "roadshow.registration.add",
        "roadshow",
        roadshow.id,
        None,
        {"user_id": person.id, "state": registration.state.value},
    )
    return registration


def accept_invitation(
    user: User, invitation: RoadshowInvitation, now: datetime
) -> RoadshowRegistration | None:
    """Accept, and register at once when registration is open."""
    respond(user, invitation, accept=True)
    roadshow = invitation.roadshow
    if (
        roadshow.status is not RoadshowStatus.OPEN
        or now > roadshow.registration_deadline
        or not can(user, Action.REGISTER_FOR_ROADSHOW, roadshow)
    ):
        return None
    return _take_place(roadshow, user, now, None)


def get_registration(roadshow: Roadshow, registration_id: int) -> RoadshowRegistration:
    registration = db.session.get(RoadshowRegistration, registration_id)
    if registration is None or registration.roadshow_id != roadshow.id:
        raise NotFound()
    return registration


def _ensure_own(user: User, registration: RoadshowRegistration) -> None:
    if registration.user_id != user.id and not can(
        user, Action.MANAGE_ROADSHOWS, registration.roadshow
    ):
        raise PermissionDenied()


def cancel(
    user: User, registration: RoadshowRegistration, now: datetime
) -> list[RoadshowRegistration]:
    """Cancel until the start; a freed seat is offered on. Returns the registrations offered."""
    _ensure_own(user, registration)
    roadshow = registration.roadshow
    _before_start(roadshow, now)
    _lock_seats(roadshow)
    db.session.refresh(registration)
    if not registration.is_cancellable:
        if registration.state is RegistrationState.CANCELLED:
            return []  # a second click: already done
        raise InvalidTransition(_l("已签到，不能取消"))
    registration.state = RegistrationState.CANCELLED
    registration.cancelled_at = now
    registration.offer_expires_at = None
    db.session.flush()
    if user.id != registration.user_id:
        record_change(
            user,
            "roadshow.registration.cancel",
            "roadshow",
            roadshow.id,
            {"user_id": registration.user_id},
            None,
        )
    return _offer_free_seats(roadshow, now)


def confirm_offer(
    user: User, registration: RoadshowRegistration, now: datetime
) -> RoadshowRegistration:
    """The promoted person takes the offered seat before the offer lapses."""
    if registration.user_id != user.id:
        raise PermissionDenied()
    _lock_seats(registration.roadshow)
    db.session.refresh(registration)
    if registration.state is RegistrationState.REGISTERED:
        return registration
    if registration.state is not RegistrationState.OFFERED:
        raise InvalidTransition(_l("没有为您保留的名额"))
    if registration.offer_expires_at is not None and now > registration.offer_expires_at:
        raise InvalidTransition(_l("名额保留已过期"))
    registration.state = RegistrationState.REGISTERED
    registration.offer_expires_at = None
    db.session.flush()
    return registration


def waiting_list(roadshow: Roadshow) -> list[RoadshowRegistration]:
    """The waiting list in its order: invited organizations first, then by arrival."""
    invited = invited_organization_ids(roadshow)
    first = case((RoadshowRegistration.organization_id.in_(invited), 0), else_=1)
    return list(
        db.session.scalars(
            select(RoadshowRegistration)
            .where(
                RoadshowRegistration.roadshow_id == roadshow.id,
                RoadshowRegistration.state == RegistrationState.WAITLISTED,
            )
            .order_by(first, RoadshowRegistration.waitlisted_at, RoadshowRegistration.id)
        )
    )


def _offer_free_seats(roadshow: Roadshow, now: datetime) -> list[RoadshowRegistration]:
    """Offer each free seat to the next on the waiting list, and tell them. Lock held."""
    free = seats(roadshow).free
    if free <= 0:
        return []
    hours = current_app.config["ROADSHOW_OFFER_HOURS"]
    expires = min(now + timedelta(hours=hours), roadshow.starts_at)
    offered = waiting_list(roadshow)[:free]
    for registration in offered:
        registration.state = RegistrationState.OFFERED
        registration.offer_expires_at = expires
        notify(
            [registration.user],
            Notice(
                "roadshow.seat_offered",
                f"候补递补：{roadshow.title}",
                f"“{roadshow.title}”有名额空出，已为您保留至 {display(expires)}（北京时间）。"
                "请在此之前到路演页面确认，逾期名额将递补给下一位。",
                "roadshow",
                roadshow.id,
                dedupe_key=f"roadshow-offer:{registration.id}:{expires.isoformat()}",
            ),
        )
    db.session.flush()
    return offered


def fill_free_seats(roadshow: Roadshow, now: datetime) -> list[RoadshowRegistration]:
    """Offer seats a larger capacity freed to the waiting list."""
    _lock_seats(roadshow)
    return _offer_free_seats(roadshow, now)


def expire_offers(now: datetime) -> int:
    """Lapse offers not confirmed in time and offer their seats on; returns offers lapsed.

    Idempotent: a lapsed offer is cancelled, so running again finds nothing more to do."""
    roadshow_ids = db.session.scalars(
        select(RoadshowRegistration.roadshow_id)
        .where(
            RoadshowRegistration.state == RegistrationState.OFFERED,
            RoadshowRegistration.offer_expires_at < now,
        )
        .distinct()
    ).all()
    lapsed = 0
    for roadshow_id in roadshow_ids:
        roadshow = db.session.get(Roadshow, roadshow_id)
        _lock_seats(roadshow)
        stale = db.session.scalars(
            select(RoadshowRegistration).where(
                RoadshowRegistration.roadshow_id == roadshow_id,
                RoadshowRegistration.state == RegistrationState.OFFERED,
                RoadshowRegistration.offer_expires_at < now,
            )
        ).all()
        for registration in stale:
            registration.state = RegistrationState.CANCELLED
            registration.cancelled_at = now
            lapsed += 1
        db.session.flush()
        if now < roadshow.starts_at:
            _offer_free_seats(roadshow, now)
    return lapsed


def registrations_of(roadshow: Roadshow) -> list[RoadshowRegistration]:
    """Everyone who registered, seats first, then the waiting list in order, then cancelled."""
    order = case(
        (RoadshowRegistration.state.in_(SEAT_STATES), 0),
        (RoadshowRegistration.state == RegistrationState.WAITLISTED, 1),
        else_=2,
    )
    return list(
        db.session.scalars(
            select(RoadshowRegistration)
            .where(RoadshowRegistration.roadshow_id == roadshow.id)
            .order_by(order, RoadshowRegistration.created_at, RoadshowRegistration.id)
        )
    )
