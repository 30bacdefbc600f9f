"""1:1 meeting pages: requests, answers, everyone's own schedule; the broker's grid and bookings."""

from __future__ import annotations

from datetime import datetime

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from portal.page_actions import commit_or_report
from portal.roadshows import bp, meetings, service
from portal.roadshows.forms import (
    BookingForm,
    ConfirmForm,
    MeetingGridForm,
    MeetingRequestForm,
    ResponseForm,
)
from portal.roadshows.models import MeetingState, Roadshow
from portal.roadshows.times import display, local_to_utc, utc_to_local
from portal.security import Action, can


def _page(roadshow: Roadshow) -> Response:
    return redirect(url_for("roadshows.meetings_page", roadshow_id=roadshow.id))


def _request_form(roadshow: Roadshow) -> MeetingRequestForm:
    form = MeetingRequestForm()
    form.technology_id.choices = [
        (str(slot.technology_id), f"{slot.title} · {slot.technology.owner_org.name}")
        for slot in roadshow.slots
        if slot.technology is not None
        and slot.technology.owner_org_id != current_user.organization_id
    ]
    return form


def _booking_form(roadshow: Roadshow) -> BookingForm:
    form = BookingForm()
    form.starts_at.choices = [("", _("（最早的空位）"))] + [
        (time.isoformat(), display(time, "%H:%M")) for time in meetings.grid_times(roadshow)
    ]
    return form


@bp.route("/<int:roadshow_id>/meetings", methods=["GET", "POST"])
@login_required
def meetings_page(roadshow_id: int) -> str | Response:
    roadshow = service.get_roadshow(roadshow_id, current_user)
    may_manage = can(current_user, Action.MANAGE_ROADSHOWS, roadshow)
    form = _request_form(roadshow)
    if form.validate_on_submit() and commit_or_report(
        lambda: meetings.request_meeting(
            current_user, roadshow, int(form.technology_id.data), form.message.data or ""
        ),
        _("已发送洽谈预约"),
    ):
        return _page(roadshow)
    grid_form = MeetingGridForm(obj=roadshow)
    if roadshow.meetings_from is not None:
        grid_form.meetings_from.data = utc_to_local(roadshow.meetings_from).replace(tzinfo=None)
        grid_form.meetings_until.data = utc_to_local(roadshow.meetings_until).replace(tzinfo=None)
    return render_template(
        "roadshows/meetings.html",
        roadshow=roadshow,
        meetings=meetings.meetings_of(roadshow, current_user),
        counts=meetings.meeting_counts(roadshow) if may_manage else None,
        may_manage=may_manage,
        may_request=can(current_user, Action.REQUEST_ROADSHOW_MEETING, roadshow)
        and bool(form.technology_id.choices),
        form=form,
        grid_form=grid_form,
        booking_form=_booking_form(roadshow),
        answer_form=ResponseForm(),
        confirm_form=ConfirmForm(),
        my_org=current_user.organization_id,
        requested=MeetingState.REQUESTED,
        accepted=MeetingState.ACCEPTED,
    )


@bp.route("/<int:roadshow_id>/meetings/grid", methods=["POST"])
@login_required
def meeting_grid(roadshow_id: int) -> Response:
    roadshow = service.get_roadshow(roadshow_id, current_user)
    form = MeetingGridForm()
    if form.validate_on_submit():
        grid = meetings.Grid(
            minutes=form.meeting_minutes.data,
            tables=form.meeting_tables.data,
            starts_at=local_to_utc(form.meetings_from.data),
            ends_at=local_to_utc(form.meetings_until.data),
        )
        commit_or_report(
            lambda: meetings.set_grid(current_user, roadshow, grid), _("洽谈时段已保存")
        )
    else:
        flash(_("请检查洽谈时段的填写"), "danger")
    return _page(roadshow)


@bp.route("/<int:roadshow_id>/meetings/<int:meeting_id>/answer", methods=["POST"])
@login_required
def answer_meeting(roadshow_id: int, meeting_id: int) -> Response:
    roadshow = service.get_roadshow(roadshow_id, current_user)
    meeting = meetings.get_meeting(roadshow, meeting_id)
    form = ResponseForm()
    if form.validate_on_submit():
        commit_or_report(
            lambda: meetings.answer_meeting(current_user, meeting, accept=form.accept.data == "1"),
            _("感谢回复"),
        )
    return _page(roadshow)


@bp.route("/<int:roadshow_id>/meetings/<int:meeting_id>/book", methods=["POST"])
@login_required
def book_meeting(roadshow_id: int, meeting_id: int) -> Response:
    roadshow = service.get_roadshow(roadshow_id, current_user)
    meeting = meetings.get_meeting(roadshow, meeting_id)
    form = _booking_form(roadshow)
    if form.validate_on_submit():

        def book() -> object:
            if form.starts_at.data and form.table.data:
                starts_at = datetime.fromisoformat(form.starts_at.data)
                return meetings.book(current_user, meeting, starts_at, form.table.data)
            return meetings.book_first_free(current_user, meeting)

        commit_or_report(book, _("已安排洽谈"))
    return _page(roadshow)


@bp.route("/<int:roadshow_id>/meetings/<int:meeting_id>/held", methods=["POST"])
@login_required
def meeting_held(roadshow_id: int, meeting_id: int) -> Response:
    roadshow = service.get_roadshow(roadshow_id, current_user)
    meeting = meetings.get_meeting(roadshow, meeting_id)
    if ConfirmForm().validate_on_submit():
        commit_or_report(lambda: meetings.mark_held(current_user, meeting), _("已标记为已举行"))
    return _page(roadshow)
