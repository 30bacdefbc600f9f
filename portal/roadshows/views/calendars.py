"""Calendar downloads: one roadshow, and the feed of upcoming ones to subscribe to."""

from __future__ import annotations

from flask import Response, url_for
from flask_login import current_user

from portal.model_mixins import utcnow
from portal.roadshows import bp, calendar, service
from portal.roadshows.models import Roadshow

ICS = "text/calendar; charset=utf-8"


def _page_url(roadshow: Roadshow) -> str:
    return url_for("roadshows.detail", roadshow_id=roadshow.id, _external=True)


@bp.route("/<int:roadshow_id>/calendar.ics")
def roadshow_calendar(roadshow_id: int) -> Response:
    roadshow = service.get_roadshow(roadshow_id, current_user)
    body = calendar.calendar_bytes([roadshow], _page_url, utcnow())
    return Response(
        body,
        mimetype=ICS,
        headers={"Content-Disposition": f'attachment; filename="roadshow-{roadshow.id}.ics"'},
    )


@bp.route("/calendar.ics")
def feed() -> Response:
    now = utcnow()
    return Response(
        calendar.calendar_bytes(calendar.upcoming_roadshows(now), _page_url, now), mimetype=ICS
    )
