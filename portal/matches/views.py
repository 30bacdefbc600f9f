"""Contacting a listing's owner, and the list of contacts brokers follow."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from portal.domain_errors import Refusal, ValidationFailed
from portal.extensions import db
from portal.listings.kinds import Listing, ListingKind
from portal.listings.models import ListingStatus
from portal.matches import service
from portal.matches.feedback import give_feedback
from portal.matches.feedback_calibration import live_weights_note
from portal.matches.forms import ContactForm, FeedbackForm, MoveForm
from portal.matches.listing_matches import (
    board_query,
    needs_without_recommendation,
    parse_board_filter,
)
from portal.matches.models import Match, MatchState
from portal.matches.subscriptions import subscribe, unsubscribe
from portal.page_actions import commit_or_report
from portal.security import Action, can, ensure, requires
from portal.taxonomy import service as taxonomy_service
from portal.urls import safe_next_url

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
        except Refusal as exc:
            db.session.rollback()
            flash(exc.message, "warning")
            return redirect(url_for(f"{pages}.detail", listing_id=listing.id))
        else:
            db.session.commit()
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
        match_states=list(MatchState),
        following=following,
        move_form=MoveForm(),
    )


@bp.route("/<int:match_id>/move", methods=["POST"])
@login_required
def move(match_id: int) -> Response:
    match = db.get_or_404(Match, match_id)
    ensure(current_user, Action.FOLLOW_MATCHES, match)
    form = MoveForm()
    if not form.validate_on_submit():
        abort(400)
    commit_or_report(
        lambda: service.move_match(match, form.state.data, current_user, form.feedback.data),
        _("对接状态已更新"),
    )
    return redirect(safe_next_url(request.form.get("next")) or url_for("matches.index"))


@bp.route("/board")
@login_required
@requires(Action.FOLLOW_MATCHES)
def board() -> str:
    """Strong new technology-need matches across the platform, for brokers to follow up."""
    filters, errors = parse_board_filter(request.args)
    if errors:
        abort(400)
    page = db.paginate(
        board_query(filters), per_page=current_app.config["ITEMS_PER_PAGE"], error_out=False
    )
    return render_template(
        "matches/board.html",
        page=page,
        unmatched_needs=needs_without_recommendation(),
        weights_note=live_weights_note(),
        filters=filters,
        actions=taxonomy_service.plan_actions(),
        match_states=list(MatchState),
        move_form=MoveForm(),
    )


@bp.route("/<int:match_id>/feedback", methods=["POST"])
@login_required
def feedback(match_id: int) -> Response:
    match = db.get_or_404(Match, match_id)
    ensure(current_user, Action.GIVE_MATCH_FEEDBACK, match)
    form = FeedbackForm()
    if not form.validate_on_submit():
        abort(400)
    commit_or_report(
        lambda: give_feedback(
            match,
            current_user,
            form.relevant.data == "yes",
            form.reason.data or None,
            form.comment.data or "",
        ),
        _("谢谢，反馈已记录"),
    )
    return redirect(
        safe_next_url(request.form.get("next")) or url_for("needs.detail", listing_id=match.need_id)
    )


def _published_listing(entity: str, listing_id: int) -> tuple[str, Listing]:
    if entity not in CONTACT_TARGETS:
        abort(404)
    pages, kind = CONTACT_TARGETS[entity]
    listing = db.session.get(kind.model, listing_id)
    if listing is None or listing.status is not ListingStatus.PUBLISHED:
        abort(404)
    return pages, listing


@bp.route("/subscription/<entity>/<int:listing_id>", methods=["POST"])
@login_required
def subscription(entity: str, listing_id: int) -> Response:
    """Subscribe to (or, with ``action=unsubscribe``, stop) a daily digest of new matches."""
    pages, listing = _published_listing(entity, listing_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    if request.form.get("action") == "unsubscribe":
        unsubscribe(current_user, listing)
        db.session.commit()
        flash(_("已取消订阅"), "success")
    else:
        subscribe(current_user, listing)
        db.session.commit()
        flash(_("已订阅：有新的匹配时每天最多提醒一次（站内通知和邮件）"), "success")
    return redirect(url_for(f"{pages}.detail", listing_id=listing.id))
