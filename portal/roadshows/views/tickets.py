"""The ticket page (QR code) and the broker's check-in page."""

from __future__ import annotations

from flask import flash, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from portal.domain_errors import Refusal
from portal.extensions import db
from portal.forms_common import show_errors
from portal.model_mixins import utcnow
from portal.roadshows import bp, service, tickets
from portal.roadshows.forms import CheckInForm
from portal.roadshows.times import display
from portal.security import Action, ensure


@bp.route("/<int:roadshow_id>/ticket")
@login_required
def ticket(roadshow_id: int) -> str:
    roadshow = service.get_roadshow(roadshow_id, current_user)
    registration = tickets.ticket_of(roadshow, current_user)
    code = tickets.check_in_code(registration)
    return render_template(
        "roadshows/ticket.html",
        roadshow=roadshow,
        registration=registration,
        code=code,
        qr=Markup(tickets.qr_svg(code)),  # segno's SVG of base64url text: nothing user-typed
    )


@bp.route("/<int:roadshow_id>/check-in", methods=["GET", "POST"])
@login_required
def check_in(roadshow_id: int) -> tuple[str, int]:
    roadshow = service.get_roadshow(roadshow_id, current_user)
    ensure(current_user, Action.MANAGE_ROADSHOWS, roadshow)
    form = CheckInForm()
    result = None
    status = 200
    if form.validate_on_submit():
        try:
            result = tickets.check_in(current_user, roadshow, form.code.data, utcnow())
        except Refusal as exc:
            db.session.rollback()
            show_errors(form, exc.fields)
            flash(" ".join([exc.message, *exc.fields.values()]), "danger")
            status = 422
        else:
            db.session.commit()
            person = result.registration.user.name or result.registration.user.email
            if result.already:
                flash(
                    _(
                        "%(name)s 已于 %(time)s 签到过",
                        name=person,
                        time=display(result.registration.checked_in_at, "%H:%M"),
                    ),
                    "warning",
                )
            else:
                flash(_("签到成功：%(name)s", name=person), "success")
            form = CheckInForm(formdata=None)
    elif request.method == "POST":
        status = 400
    return (
        render_template("roadshows/check_in.html", roadshow=roadshow, form=form, result=result),
        status,
    )
