"""The user's notices, and their unread count for the navigation bar."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from portal.extensions import db
from portal.notifications import service
from portal.urls import row_id

bp = Blueprint("notifications", __name__, url_prefix="/notifications")

# Where a notice about an entity links to.
ENTITY_PAGES = {"technology": "catalogue.detail", "need": "needs.detail"}


@bp.route("/")
@login_required
def index() -> str:
    page = db.paginate(
        service.notifications_query(current_user),
        per_page=current_app.config["ITEMS_PER_PAGE"],
        error_out=False,
    )
    return render_template(
        "notifications/index.html", page=page, entity_pages=ENTITY_PAGES, form=FlaskForm()
    )


@bp.route("/read", methods=["POST"])
@login_required
def mark_read() -> Response:
    if not FlaskForm().validate_on_submit():
        abort(400)
    raw_id = request.form.get("id", "")
    notification_id = row_id(raw_id) if raw_id else None
    if raw_id and notification_id is None:
        abort(400)
    service.mark_read(current_user, notification_id)
    db.session.commit()
    return redirect(url_for("notifications.index"))
