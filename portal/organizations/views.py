"""Organization pages."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from portal.accounts import service as accounts_service
from portal.accounts.models import User
from portal.domain_errors import NotFound, Refusal
from portal.extensions import db
from portal.forms_common import show_errors
from portal.organizations import bp, membership, service
from portal.organizations.forms import OrganizationForm, VerifyForm
from portal.organizations.models import XIAMEN_DISTRICTS, JoinRequest, Organization, OrgKind
from portal.page_actions import commit_or_report
from portal.security import Action, can, ensure
from portal.urls import safe_next_url


def _get_org(org_id: int) -> Organization:
    org = db.session.get(Organization, org_id)
    if org is None:
        abort(404)
    return org


def _member_of(org_id: int, user_id: int) -> User:
    """The member named in the path; another organization's member is not found here."""
    member = db.session.get(User, user_id)
    if member is None or member.organization_id != org_id:
        raise NotFound()
    return member


@bp.route("/")
def index() -> str:
    kind_arg = request.args.get("kind") or None
    district = request.args.get("district") or None
    try:
        kind = OrgKind(kind_arg) if kind_arg else None
    except ValueError:
        abort(400)
    if district and district not in XIAMEN_DISTRICTS:
        abort(400)
    query = service.organizations_query(service.OrganizationFilter(kind=kind, district=district))
    page = db.paginate(query, per_page=current_app.config["ITEMS_PER_PAGE"], error_out=False)
    return render_template(
        "organizations/index.html",
        page=page,
        kind=kind_arg,
        district=district,
        districts=XIAMEN_DISTRICTS,
    )


@bp.route("/<int:org_id>")
def detail(org_id: int) -> str:
    # Imported here: the listing and classification packages import organization models, so
    # importing them while this package loads would be circular.
    from portal.classification.forms import CarbonOverrideForm
    from portal.listings.kinds import TRANSFER_MODE_LABELS, TRL_LEVELS
    from portal.listings.query import organization_listings

    org = _get_org(org_id)
    may_classify = can(current_user, Action.CLASSIFY_ORGANIZATION, org)
    pending = membership.pending_request_of(current_user) if current_user.is_authenticated else None
    return render_template(
        "organizations/detail.html",
        org=org,
        verify_form=VerifyForm(),
        can_edit=can(current_user, Action.EDIT_ORGANIZATION, org),
        can_verify=can(current_user, Action.VERIFY_ORGANIZATION, org),
        can_manage_members=can(current_user, Action.MANAGE_MEMBERS, org),
        can_request_join=can(current_user, Action.REQUEST_MEMBERSHIP, org),
        join_pending=pending is not None and pending.organization_id == org.id,
        may_classify=may_classify,
        carbon_override_form=CarbonOverrideForm() if may_classify else None,
        listings=organization_listings(org.id),
        trl_levels=TRL_LEVELS,
        transfer_mode_labels=TRANSFER_MODE_LABELS,
    )


@bp.route("/<int:org_id>/edit", methods=["GET", "POST"])
@login_required
def edit(org_id: int) -> str | Response:
    org = _get_org(org_id)
    ensure(current_user, Action.EDIT_ORGANIZATION, org)
    form = OrganizationForm(obj=org)
    if form.validate_on_submit():
        details = service.OrganizationDetails(
            credit_code=form.credit_code.data,
            district=form.district.data,
            industry=form.industry.data,
            website=form.website.data,
            description=form.description.data or "",
        )
        try:
            service.update_organization(org, details, current_user)
        except Refusal as exc:
            db.session.rollback()
            show_errors(form, exc.fields)
            flash(" ".join([exc.message, *exc.fields.values()]), "danger")
        else:
            db.session.commit()
            flash(_("机构信息已保存"), "success")
            return redirect(url_for("orgs.detail", org_id=org.id))
    status = 400 if request.method == "POST" else 200
    return render_template("organizations/edit.html", form=form, org=org), status


@bp.route("/<int:org_id>/verify", methods=["POST"])
@login_required
def verify(org_id: int) -> Response:
    org = _get_org(org_id)
    ensure(current_user, Action.VERIFY_ORGANIZATION, org)
    verified = request.form.get("verified", "1") == "1"
    if not VerifyForm().validate_on_submit():
        abort(400)
    service.set_verified(org, verified, current_user)
    db.session.commit()
    flash(_("已认证该机构") if verified else _("已撤销认证"), "success")
    return redirect(
        safe_next_url(request.form.get("next")) or url_for("orgs.detail", org_id=org.id)
    )


@bp.route("/<int:org_id>/members")
@login_required
def members(org_id: int) -> str:
    org = _get_org(org_id)
    ensure(current_user, Action.MANAGE_MEMBERS, org)
    people = membership.members(org)
    return render_template(
        "organizations/members.html",
        org=org,
        members=people,
        requests=membership.pending_requests(org),
        removable={user.id for user in people if membership.may_remove(current_user, user)},
        role_changeable={
            user.id for user in people if membership.may_change_administrator(current_user, user)
        },
        deactivatable={
            user.id for user in people if accounts_service.may_deactivate(current_user, user)
        },
    )


@bp.route("/<int:org_id>/join", methods=["POST"])
@login_required
def join(org_id: int) -> Response:
    org = _get_org(org_id)
    commit_or_report(
        lambda: membership.request_to_join(current_user, org),
        _("已提交加入申请，请等待机构管理员审核"),
    )
    return redirect(url_for("orgs.detail", org_id=org.id))


@bp.route(
    "/<int:org_id>/requests/<int:request_id>/<any(approve, reject):decision>", methods=["POST"]
)
@login_required
def decide(org_id: int, request_id: int, decision: str) -> Response:
    join_request = db.session.get(JoinRequest, request_id)
    if join_request is None or join_request.organization_id != org_id:
        raise NotFound()
    commit_or_report(
        lambda: membership.decide(current_user, join_request, approve=decision == "approve"),
        _("已通过申请") if decision == "approve" else _("已拒绝申请"),
    )
    return redirect(
        safe_next_url(request.form.get("next")) or url_for("orgs.members", org_id=org_id)
    )


@bp.route("/<int:org_id>/members/<int:user_id>/remove", methods=["POST"])
@login_required
def remove_member(org_id: int, user_id: int) -> Response:
    member = _member_of(org_id, user_id)
    commit_or_report(lambda: membership.remove_member(current_user, member), _("已移除该成员"))
    return redirect(url_for("orgs.members", org_id=org_id))


@bp.route("/<int:org_id>/members/<int:user_id>/<any(promote, demote):change>", methods=["POST"])
@login_required
def change_administrator(org_id: int, user_id: int, change: str) -> Response:
    member = _member_of(org_id, user_id)
    commit_or_report(
        lambda: membership.set_administrator(
            current_user, member, administrator=change == "promote"
        ),
        _("已设为机构管理员") if change == "promote" else _("已取消管理员身份"),
    )
    return redirect(url_for("orgs.members", org_id=org_id))
