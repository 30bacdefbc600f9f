"""Pages: the directory of green tech firms, its CSV export, and the broker's carbon-type
actions on an organization's page."""

from __future__ import annotations

from collections.abc import Callable

from flask import Response, abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from portal.classification import bp, directory, service
from portal.classification.forms import CarbonOverrideForm
from portal.extensions import db
from portal.organizations.models import XIAMEN_DISTRICTS, Organization, OrgKind
from portal.page_actions import commit_or_report
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
    org_id: int, form: FlaskForm, change: Callable[[Organization], object], done: str
) -> Response:
    """Check the broker may classify, apply `change`, then commit or show the refusal."""
    org = db.get_or_404(Organization, org_id)
    ensure(current_user, Action.CLASSIFY_ORGANIZATION, org)
    if not form.validate_on_submit():
        abort(400)
    commit_or_report(lambda: change(org), done)
    return redirect(url_for("orgs.detail", org_id=org.id) + "#carbon")


@bp.route("/orgs/<int:org_id>/carbon/classify", methods=["POST"])
@login_required
def classify(org_id: int) -> Response:
    org = db.get_or_404(Organization, org_id)
    # An override outlives reclassification; the confirmation says so.
    overridden = service.has_override(org)
    done = _("已重新判定；人工认定的类型仍然有效") if overridden else _("已重新判定")
    return _broker_carbon_action(
        org_id, FlaskForm(), lambda o: service.classify_organization_carbon(o, current_user), done
    )


@bp.route("/orgs/<int:org_id>/carbon/override", methods=["POST"])
@login_required
def override(org_id: int) -> Response:
    form = CarbonOverrideForm()
    return _broker_carbon_action(
        org_id,
        form,
        lambda org: service.override_carbon_type(
            org, form.carbon_type.data, form.reason.data, current_user
        ),
        _("已人工认定类型"),
    )


@bp.route("/orgs/<int:org_id>/carbon/override/clear", methods=["POST"])
@login_required
def clear_override(org_id: int) -> Response:
    return _broker_carbon_action(
        org_id,
        FlaskForm(),
        lambda org: service.clear_carbon_override(org, current_user),
        _("已撤销人工认定，恢复自动判定的类型"),
    )
