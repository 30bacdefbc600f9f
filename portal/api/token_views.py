"""Creating and revoking API tokens on the account page."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from portal.accounts.forms import ProfileForm
from portal.api import token_pages, tokens
from portal.extensions import db


@token_pages.route("", methods=["POST"])
@login_required
def create() -> tuple[str, int] | Response:
    try:
        issued = tokens.issue_token(current_user, request.form.get("name", ""))
        db.session.commit()
    except tokens.TokenError as exc:
        flash(str(exc), "danger")
        return redirect(url_for("auth.profile"))
    # Rendered, not flashed: the secret must not travel in the session cookie.
    page = render_template(
        "accounts/profile.html",
        form=ProfileForm(obj=current_user),
        api_tokens=tokens.tokens_of(current_user),
        new_token=issued.secret,
    )
    return page, 201


@token_pages.route("/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke(token_id: int) -> Response:
    try:
        tokens.revoke_token(current_user, token_id)
    except tokens.TokenError as exc:
        flash(str(exc), "danger")
    else:
        db.session.commit()
        flash(_("令牌已撤销"), "success")
    return redirect(url_for("auth.profile"))
