"""Invitation pages: the broker invites proposed organizations; invitees answer their link."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from portal.domain_errors import Refusal
from portal.extensions import db
from portal.model_mixins import utcnow
from portal.page_actions import commit_or_report
from portal.roadshows import bp, invitations, proposals, registrations, service
from portal.roadshows.forms import ConfirmForm, ResponseForm
from portal.security import Action, ensure


def _link_for(secret: str) -> str:
    return url_for("roadshows.invitation_link", secret=secret, _external=True)


def _invite(roadshow_id: int, organization_ids: list[int]) -> int:
    roadshow = service.get_roadshow(roadshow_id, current_user)
    sent = 0
    try:
        for organization_id in organization_ids:
            sent += len(
                invitations.invite_organization(current_user, roadshow, organization_id, _link_for)
            )
    except Refusal as exc:
        db.session.rollback()
        flash(exc.message, "danger")
        return 0
    db.session.commit()
    flash(_("已发送 %(count)d 份邀请", count=sent), "success")
    return sent


@bp.route("/<int:roadshow_id>/invite/<int:organization_id>", methods=["POST"])
@login_required
def invite(roadshow_id: int, organization_id: int) -> Response:
    if ConfirmForm().validate_on_submit():
        _invite(roadshow_id, [organization_id])
    return redirect(url_for("roadshows.proposals_page", roadshow_id=roadshow_id))


@bp.route("/<int:roadshow_id>/invite-all", methods=["POST"])
@login_required
def invite_all(roadshow_id: int) -> Response:
    roadshow = service.get_roadshow(roadshow_id, current_user)
    if ConfirmForm().validate_on_submit():
        proposed = proposals.roadshow_proposals(
            roadshow, current_app.config["ROADSHOW_INVITE_MIN_SCORE"]
        )
        _invite(roadshow_id, [invitee.organization_id for invitee in proposed.invitable])
    return redirect(url_for("roadshows.invitations_page", roadshow_id=roadshow_id))


@bp.route("/<int:roadshow_id>/invitations")
@login_required
def invitations_page(roadshow_id: int) -> str:
    roadshow = service.get_roadshow(roadshow_id, current_user)
    ensure(current_user, Action.MANAGE_ROADSHOWS, roadshow)
    return render_template(
        "roadshows/invitations.html",
        roadshow=roadshow,
        invitations=invitations.invitations_of(roadshow),
    )


def _answer(invitation_id: int | None, secret: str | None) -> Response | None:
    """Record the answer posted by ResponseForm; None when the form did not validate."""
    form = ResponseForm()
    if not form.validate_on_submit():
        return None
    if secret is not None:
        invitation = invitations.invitation_for_link(secret, current_user)
    else:
        invitation = invitations.get_invitation(invitation_id or 0)

    def answer() -> object:
        if form.accept.data == "1":
            return registrations.accept_invitation(current_user, invitation, utcnow())
        return invitations.respond(current_user, invitation, accept=False)

    commit_or_report(answer, _("感谢回复"))
    return redirect(url_for("roadshows.detail", roadshow_id=invitation.roadshow_id))


@bp.route("/invitations/<secret>", methods=["GET", "POST"])
@login_required
def invitation_link(secret: str) -> str | Response:
    invitation = invitations.invitation_for_link(secret, current_user)
    if request.method == "POST" and (answered := _answer(None, secret)) is not None:
        return answered
    return render_template("roadshows/invitation.html", invitation=invitation, form=ResponseForm())


@bp.route("/invitations/<int:invitation_id>/answer", methods=["POST"])
@login_required
def answer(invitation_id: int) -> Response:
    answered = _answer(invitation_id, None)
    if answered is None:
        invitation = invitations.get_invitation(invitation_id)
        return redirect(url_for("roadshows.detail", roadshow_id=invitation.roadshow_id))
    return answered
