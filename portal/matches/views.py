"""Contacting a listing's owner, and the list of contacts brokers follow."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from portal.extensions import db
from portal.listing_errors import ListingError, ValidationFailed
from portal.listing_kinds import ListingKind
from portal.listings import ListingStatus
from portal.matches import service
from portal.matches.forms import STATE_LABELS, ContactForm, MoveForm
from portal.matches.models import Match, MatchState
from portal.security import Action, can, ensure

bp = Blueprint("matches", __name__, url_prefix="/matches")

# URL segment -> the kind whose owner is contacted, and the blueprint of its pages.
CONTACT_TARGETS = {
    "technology": ("catalogue", ListingKind.TECHNOLOGY),
    "need": ("needs", ListingKind.NEED),
}


@bp.route("/contact/<entity>/<int:listing_id>", methods=["GET", "POST"])
@login_required
def contact(entity: str, listing_id: int) -> str | Response | tuple[str, int]:
    if entity not in CONTACT_TARGETS:
        abort(404)
    pages, kind = CONTACT_TARGETS[entity]
    listing = db.session.get(kind.model, listing_id)
    if listing is None or listing.status is not ListingStatus.PUBLISHED:
        abort(404)
    ensure(current_user, Action.CONTACT_OWNER, listing)
    form = ContactForm()
    if form.validate_on_submit():
        try:
            service.express_interest(listing, form.message.data or "", current_user)
        except ValidationFailed as exc:
            db.session.rollback()
            form.message.errors = list(exc.fields.values())
        except ListingError as exc:
            db.session.rollback()
            flash(exc.message, "warning")
            return redirect(url_for(f"{pages}.detail", listing_id=listing.id))
        else:
            flash(_("留言已发送，发布方会收到站内通知和邮件"), "success")
            return redirect(url_for(f"{pages}.detail", listing_id=listing.id))
    status = 400 if request.method == "POST" else 200
    return render_template("matches/contact.html", form=form, listing=listing, pages=pages), status


@bp.route("/")
@login_required
def index() -> str:
    """Brokers see every contact; others see those of their own organization."""
    state_arg = request.args.get("state") or None
    try:
        state = MatchState(state_arg) if state_arg else None
    except ValueError:
        abort(400)
    following = can(current_user, Action.FOLLOW_MATCHES)
    if not following and current_user.organization_id is None:
        abort(403)
    query = service.matches_query(state, None if following else current_user.organization_id)
    page = db.paginate(query, per_page=current_app.config["ITEMS_PER_PAGE"], error_out=False)
    return render_template(
        "matches/index.html",
        page=page,
        state=state_arg,
        state_labels=STATE_LABELS,
        following=following,
        move_form=MoveForm(),
    )


@bp.route("/<int:match_id>/move", methods=["POST"])
@login_required
def move(match_id: int) -> Response:
    match = db.session.get(Match, match_id)
    if match is None:
        abort(404)
    ensure(current_user, Action.FOLLOW_MATCHES, match)
    form = MoveForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        service.move_match(match, form.state.data, current_user, form.feedback.data)
    except ListingError as exc:
        db.session.rollback()
        flash(" ".join(exc.fields.values()) or exc.message, "danger")
    else:
        flash(_("对接状态已更新"), "success")
    return redirect(url_for("matches.index"))
