"""After the event: attendees' feedback per presentation, and the broker's funnel."""

from __future__ import annotations

from datetime import date

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from portal.extensions import db
from portal.page_actions import commit_or_report
from portal.roadshows import bp, feedback, funnel, service
from portal.roadshows.forms import FeedbackForm
from portal.roadshows.models import Roadshow
from portal.security import Action, requires
from portal.taxonomy.models import PLAN_TAXONOMY, TaxonomyArea
from portal.urls import row_id


@bp.route("/<int:roadshow_id>/feedback", methods=["GET", "POST"])
@login_required
def feedback_page(roadshow_id: int) -> str | Response:
    roadshow = service.get_roadshow(roadshow_id, current_user)
    form = FeedbackForm()
    if form.validate_on_submit():
        commit_or_report(
            lambda: feedback.give_feedback(
                current_user,
                roadshow,
                row_id(form.slot_id.data) or 0,
                form.interest.data,
                int(form.rating.data),
                form.comment.data or "",
            ),
            _("感谢您的评价"),
        )
        return redirect(url_for("roadshows.feedback_page", roadshow_id=roadshow.id))
    return render_template(
        "roadshows/feedback.html",
        roadshow=roadshow,
        talks=[slot for slot in roadshow.slots if not slot.is_break],
        given=feedback.feedback_of(roadshow, current_user),
        form=form,
    )


def _date_arg(name: str) -> date | None:
    raw = request.args.get(name) or ""
    if not raw:
        return None
    try:
        return date.fromisoformat(raw[:10])
    except ValueError:
        abort(400)


@bp.route("/funnel")
@login_required
@requires(Action.MANAGE_ROADSHOWS)
def funnel_page() -> str:
    roadshow_arg = request.args.get("roadshow") or ""
    roadshow_id = row_id(roadshow_arg) if roadshow_arg else None
    if roadshow_arg and roadshow_id is None:
        abort(400)
    filters = funnel.FunnelFilter(
        roadshow_id=roadshow_id,
        area_code=(request.args.get("area") or "")[:20] or None,
        starts_from=_date_arg("from"),
        starts_until=_date_arg("until"),
    )
    actions = db.session.scalars(
        select(TaxonomyArea)
        .where(TaxonomyArea.taxonomy == PLAN_TAXONOMY, TaxonomyArea.parent_id.is_(None))
        .order_by(TaxonomyArea.code)
    )
    roadshows = db.session.scalars(select(Roadshow).order_by(Roadshow.starts_at.desc()))
    return render_template(
        "roadshows/funnel.html",
        stages=funnel.funnel(filters),
        filters=filters,
        areas=list(actions),
        roadshows=list(roadshows),
    )
