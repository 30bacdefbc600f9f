"""Registration pages: register, cancel, confirm an offered seat; the broker's list, export
and hand entry."""

from __future__ import annotations

from flask import Response as FlaskResponse
from flask import flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from portal.domain_errors import Refusal
from portal.extensions import db
from portal.forms_common import show_errors
from portal.model_mixins import utcnow
from portal.page_actions import commit_or_report
from portal.roadshows import bp, exports, registrations, service
from portal.roadshows.forms import ConfirmForm, HandEntryForm
from portal.roadshows.models import RegistrationState, Roadshow
from portal.security import Action, ensure

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _back(roadshow: Roadshow) -> Response:
    return redirect(url_for("roadshows.detail", roadshow_id=roadshow.id))


def _flash_state(state: RegistrationState) -> None:
    if state is RegistrationState.WAITLISTED:
        flash(_("名额已满，您已加入候补名单；有名额空出时会通知您。"), "warning")
    else:
        flash(_("报名成功"), "success")


@bp.route("/<int:roadshow_id>/register", methods=["POST"])
@login_required
def register(roadshow_id: int) -> Response:
    roadshow = service.get_roadshow(roadshow_id, current_user)
    if not ConfirmForm().validate_on_submit():
        return _back(roadshow)
    try:
        registration = registrations.register(current_user, roadshow, utcnow())
    except Refusal as exc:
        db.session.rollback()
        flash(exc.message, "danger")
        return _back(roadshow)
    db.session.commit()
    _flash_state(registration.state)
    return _back(roadshow)


def _own_change(roadshow_id: int, change: str) -> Response:
    roadshow = service.get_roadshow(roadshow_id, current_user)
    mine = registrations.registration_of(roadshow, current_user)
    if mine is None or not ConfirmForm().validate_on_submit():
        return _back(roadshow)
    if change == "cancel":
        commit_or_report(
            lambda: registrations.cancel(current_user, mine, utcnow()), _("已取消报名")
        )
    else:
        commit_or_report(
            lambda: registrations.confirm_offer(current_user, mine, utcnow()),
            _("已确认，名额为您保留"),
        )
    return _back(roadshow)


@bp.route("/<int:roadshow_id>/registration/cancel", methods=["POST"])
@login_required
def cancel_mine(roadshow_id: int) -> Response:
    return _own_change(roadshow_id, "cancel")


@bp.route("/<int:roadshow_id>/registration/confirm", methods=["POST"])
@login_required
def confirm_mine(roadshow_id: int) -> Response:
    return _own_change(roadshow_id, "confirm")


def _managed(roadshow_id: int) -> Roadshow:
    roadshow = service.get_roadshow(roadshow_id, current_user)
    ensure(current_user, Action.MANAGE_ROADSHOWS, roadshow)
    return roadshow


@bp.route("/<int:roadshow_id>/registrations", methods=["GET", "POST"])
@login_required
def registrations_page(roadshow_id: int) -> str | Response:
    roadshow = _managed(roadshow_id)
    form = HandEntryForm()
    if form.validate_on_submit():
        try:
            added = registrations.add_by_hand(current_user, roadshow, form.email.data, utcnow())
        except Refusal as exc:
            db.session.rollback()
            show_errors(form, exc.fields)
            flash(" ".join([exc.message, *exc.fields.values()]), "danger")
        else:
            db.session.commit()
            _flash_state(added.state)
            return redirect(url_for("roadshows.registrations_page", roadshow_id=roadshow.id))
    status = 400 if request.method == "POST" else 200
    return (
        render_template(
            "roadshows/registrations.html",
            roadshow=roadshow,
            registrations=registrations.registrations_of(roadshow),
            positions={
                waiting.id: place
                for place, waiting in enumerate(registrations.waiting_list(roadshow), start=1)
            },
            seats=registrations.seats(roadshow),
            form=form,
            cancel_form=ConfirmForm(),
        ),
        status,
    )


@bp.route("/<int:roadshow_id>/registrations/<int:registration_id>/cancel", methods=["POST"])
@login_required
def cancel_for(roadshow_id: int, registration_id: int) -> Response:
    roadshow = _managed(roadshow_id)
    registration = registrations.get_registration(roadshow, registration_id)
    if ConfirmForm().validate_on_submit():
        commit_or_report(
            lambda: registrations.cancel(current_user, registration, utcnow()), _("已取消报名")
        )
    return redirect(url_for("roadshows.registrations_page", roadshow_id=roadshow.id))


@bp.route("/<int:roadshow_id>/registrations.<any(csv, xlsx):extension>")
@login_required
def export(roadshow_id: int, extension: str) -> FlaskResponse:
    roadshow = _managed(roadshow_id)
    with force_locale("zh_CN"):  # the headers are Chinese; so are the state labels
        rows = registrations.registrations_of(roadshow)
        if extension == "csv":
            body: str | bytes = exports.registrations_csv(rows)
            mimetype = "text/csv; charset=utf-8"
        else:
            body = exports.registrations_xlsx(rows)
            mimetype = XLSX
    filename = f"roadshow-{roadshow.id}-registrations.{extension}"
    return FlaskResponse(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
