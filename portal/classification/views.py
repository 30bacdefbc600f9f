"""Pages: the directory of green tech firms, its CSV export, and the broker's carbon-type
actions on an organization's page."""

from __future__ import annotations

from collections.abc import Callable

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from portal.classification import bp, directory, service
from portal.classification.forms import CarbonOverrideForm
from portal.extensions import db
from portal.organizations.models import XIAMEN_DISTRICTS, Organization, OrgKind
from portal.security import Action, ensure


def _filters() -> directory.DirectoryFilter:
    try:
        return directory.parse_directory_filter(request.args)
    except directory.DirectoryFilterError:
        abort(400)


@bp.route("/directory")
def directory_page() -> str:
    filters = _filters()
    page = db.paginate(
        directory.directory_query(filters),
        per_page=current_app.config["ITEMS_PER_PAGE"],
        error_out=False,
    )
    counts = directory.counts_by_type(filters)
    return render_template(
        "classification/directory.html",
        page=page,
        filters=filters,
        counts=counts,
        bars=directory.chart_bars(counts),
        districts=XIAMEN_DISTRICTS,
        kinds=list(OrgKind),
        args={k: v for k, v in request.args.items() if k != "page"},
    )


@bp.route("/directory.csv")
def directory_export() -> Response:
    filters = _filters()
    body = directory.directory_csv(db.session.scalars(directory.directory_query(filters)))
    return Response(
        body,
        mimetype="text/csv",
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": "attachment; filename=green-tech-firms.csv",
        },
    )


def _broker_carbon_action(
    org_id: int, form: FlaskForm, change: Callable[[Organization], str]
) -> Response:
    """Check the broker may classify, apply `change` (which returns the confirmation) and
    commit, or roll back and show the refusal."""
    org = db.get_or_404(Organization, org_id)
    ensure(current_user, Action.CLASSIFY_ORGANIZATION, org)
    if not form.validate_on_submit():
        abort(400)
    try:
        confirmation = change(org)
    except service.CarbonTypeError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
    else:
        db.session.commit()
        flash(confirmation, "success")
    return redirect(url_for("orgs.detail", org_id=org.id) + "#carbon")


@bp.route("/orgs/<int:org_id>/carbon/classify", methods=["POST"])
@login_required
def classify(org_id: int) -> Response:
    def reclassify(org: Organization) -> str:
        if service.classify_organization_carbon(org, current_user).overridden:
            return _("已重新判定；人工认定的类型仍然有效")
        return _("已重新判定")

    return _broker_carbon_action(org_id, FlaskForm(), reclassify)


@bp.route("/orgs/<int:org_id>/carbon/override", methods=["POST"])
@login_required
def override(org_id: int) -> Response:
    form = CarbonOverrideForm()

    def set_override(org: Organization) -> str:
        service.override_carbon_type(org, form.carbon_type.data, form.reason.data, current_user)
        return _("已人工认定类型")

    return _broker_carbon_action(org_id, form, set_override)


@bp.route("/orgs/<int:org_id>/carbon/override/clear", methods=["POST"])
@login_required
def clear_override(org_id: int) -> Response:
    def clear(org: Organization) -> str:
        service.clear_carbon_override(org, current_user)
        return _("已撤销人工认定，恢复自动判定的类型")

    return _broker_carbon_action(org_id, FlaskForm(), clear)
