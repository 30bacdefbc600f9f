"""iCalendar (.ics) for one roadshow and a feed of the upcoming ones, with the icalendar
library: events in Asia/Shanghai with its VTIMEZONE, so calendars show the intended wall time."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from icalendar import Calendar, Event
from sqlalchemy import select

from portal.extensions import db
from portal.mail import Attachment
from portal.roadshows.models import Roadshow, RoadshowStatus
from portal.roadshows.service import PUBLIC_STATUSES
from portal.roadshows.times import as_utc, utc_to_local

PRODUCT_ID = "-//Xiamen low-carbon technology platform//Roadshows//ZH"
UrlFor = Callable[[Roadshow], str]  # roadshow -> its absolute page URL


def _agenda_text(roadshow: Roadshow) -> str:
    lines = [
        f"{utc_to_local(slot.starts_at):%H:%M} {slot.title}"
        + (f"（{slot.presenter}）" if slot.presenter else "")
        for slot in roadshow.slots
    ]
    return "\n".join([roadshow.description, "", "议程：", *lines]).strip()


def _event(roadshow: Roadshow, page_url: str, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", f"roadshow-{roadshow.id}@lowcarbon.xm")
    event.add("dtstamp", as_utc(stamp))
    event.add("dtstart", utc_to_local(roadshow.starts_at))
    event.add("dtend", utc_to_local(roadshow.ends_at))
    event.add("summary", roadshow.title)
    event.add("location", roadshow.venue or roadshow.online_url or "")
    event.add("description", _agenda_text(roadshow))
    event.add("url", page_url)
    if roadshow.status is RoadshowStatus.ARCHIVED:
        event.add("status", "CANCELLED")
    return event


def calendar_bytes(roadshows: Sequence[Roadshow], page_url: UrlFor, stamp: datetime) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "厦门低碳技术路演")
    for roadshow in roadshows:
        calendar.add_component(_event(roadshow, page_url(roadshow), stamp))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def page_path(roadshow: Roadshow) -> str:
    return f"/roadshows/{roadshow.id}"


def mail_attachment(roadshow: Roadshow, stamp: datetime) -> Attachment:
    """The roadshow's .ics for a mail. Its link is the page's path: mails also go out from
    the worker, outside any request that would know the site's address."""
    return Attachment(
        f"roadshow-{roadshow.id}.ics", calendar_bytes([roadshow], page_path, stamp), "text/calendar"
    )


def upcoming_roadshows(now: datetime) -> list[Roadshow]:
    """Public roadshows that have not ended, soonest first (the subscribable feed)."""
    return list(
        db.session.scalars(
            select(Roadshow)
            .where(Roadshow.status.in_(PUBLIC_STATUSES), Roadshow.ends_at >= now)
            .order_by(Roadshow.starts_at)
            .limit(200)
        )
    )
