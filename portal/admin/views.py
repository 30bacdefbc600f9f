"""Staff pages: users, organization verification, audit log."""

from __future__ import annotations

from flask import current_app, render_template
from flask_login import current_user, login_required
from sqlalchemy import select

from portal.accounts.models import User
from portal.accounts.service import may_deactivate
from portal.admin import bp
from portal.audit.models import AuditLog
from portal.embeddings.service import embedder_report
from portal.extensions import db
from portal.organizations import membership
from portal.organizations.forms import VerifyForm
from portal.organizations.models import Organization
from portal.security import Action, requires


@bp.route("/users")
@login_required
@requires(Action.MANAGE_USERS)
def users() -> str:
    page = db.paginate(
        select(User).order_by(User.created_at.desc()),
        per_page=current_app.config["ITEMS_PER_PAGE"],
        error_out=False,
    )
    return render_template(
        "admin/users.html",
        page=page,
        deactivatable={user.id for user in page.items if may_deactivate(current_user, user)},
    )


@bp.route("/verification")
@login_required
@requires(Action.VERIFY_ORGANIZATION)
def verification() -> str:
    page = db.paginate(
        select(Organization)
        .where(Organization.verified.is_(False))
        .order_by(Organization.created_at.desc()),
        per_page=current_app.config["ITEMS_PER_PAGE"],
        error_out=False,
    )
    return render_template(
        "admin/verification.html",
        page=page,
        verify_form=VerifyForm(),
        join_requests=membership.pending_requests_everywhere(),
    )


@bp.route("/audit")
@login_required
@requires(Action.VIEW_AUDIT_LOG)
def audit() -> str:
    page = db.paginate(
        select(AuditLog).order_by(AuditLog.created_at.desc(), AuditLog.id.desc()),
        per_page=current_app.config["ITEMS_PER_PAGE"],
        error_out=False,
    )
    actors = {
        u.id: u
        for u in db.session.scalars(
            select(User).where(
                User.id.in_({entry.actor_id for entry in page.items if entry.actor_id})
            )
        )
    }
    return render_template("admin/audit.html", page=page, actors=actors)


@bp.route("/embedder")
@login_required
@requires(Action.VIEW_SYSTEM_STATUS)
def embedder() -> str:
    return render_template("admin/embedder.html", report=embedder_report(current_app))
