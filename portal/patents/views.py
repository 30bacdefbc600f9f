"""Patent pages for brokers: list and search, one patent, the landscape, CSV export."""

from __future__ import annotations

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from matching.taxonomy import plan_areas
from portal.extensions import csrf, db
from portal.jobs.progress import is_silent
from portal.model_mixins import utcnow
from portal.patents import bp
from portal.patents.access import ensure_patent_staff
from portal.patents.charts import column_chart, life_cycle_chart, network_chart, row_chart
from portal.patents.export import patents_csv
from portal.patents.formats import FIELD_LABELS, FORMAT_LABELS
from portal.patents.forms import PatentImportForm
from portal.patents.green import inventory
from portal.patents.jobs import import_record, queue_patent_import
from portal.patents.landscape import REGION_LABELS
from portal.patents.landscape_cache import cached_landscape
from portal.patents.legal_status import LegalStatus
from portal.patents.links import confirm_alias, linked_organizations, suggest_aliases
from portal.patents.models import ApplicantAlias, ClassificationScheme, Patent, PatentType
from portal.patents.pdf import PdfUnavailable, html_to_pdf
from portal.patents.query import PatentFilter, parse_filter, patents_query
from portal.patents.service import FileRejected, import_patents
from portal.patents.tagging import CARBON_TYPE_LABELS
from portal.transactions import unit_of_work

# Uploads larger than this import in the background (a 20,000-row CSV is about 7 MB).
BACKGROUND_CONFIG = "PATENT_BACKGROUND_IMPORT_BYTES"


@bp.before_request
def staff_only() -> None:
    ensure_patent_staff(current_user)


def _filters() -> PatentFilter:
    try:
        return parse_filter(request.args)
    except ValueError:
        abort(400)


def _topic_names() -> dict[str, str]:
    locale = str(get_locale() or "zh_CN")
    return {key: topic.name(locale) for key, topic in inventory().topics.items()}


def _plan_field_names() -> dict[str, str]:
    return {a.code: f"{a.code} {a.name}" for a in plan_areas() if a.level == "field"}


def _filter_context(filters: PatentFilter) -> dict[str, object]:
    return {
        "filters": filters,
        "topic_names": _topic_names(),
        "statuses": LegalStatus.labels(),
        "carbon_types": {t.value: label for t, label in CARBON_TYPE_LABELS.items()},
        "plan_fields": _plan_field_names(),
        "args": {k: v for k, v in request.args.items() if k != "page" and v},
    }


@bp.route("/")
def index() -> str:
    filters = _filters()
    query = patents_query(filters).options(selectinload(Patent.applicants))
    page = db.paginate(query, per_page=current_app.config["ITEMS_PER_PAGE"], error_out=False)
    return render_template("patents/index.html", page=page, **_filter_context(filters))


def _landscape_context(filters: PatentFilter) -> dict[str, object]:
    """The landscape's counts, charts and labels, shared by the page and the HTML report."""
    result = cached_landscape(filters)
    topic_names = _topic_names()
    statuses = {k: str(v) for k, v in LegalStatus.labels().items()}
    types = {k: str(v) for k, v in PatentType.labels().items()}
    regions = {k: str(v) for k, v in REGION_LABELS.items()}
    charts = {
        "by_year": column_chart(result.by_year),
        "by_priority_year": column_chart(result.by_priority_year),
        "applicants": row_chart(result.top_applicants),
        "ipc_groups": row_chart(result.ipc_groups),
        "topics": row_chart(result.topics, topic_names),
        "legal_status": row_chart(result.legal_status, statuses),
        "patent_types": row_chart(result.patent_types, types),
        "regions": row_chart(result.regions, regions),
        "provinces": row_chart(result.provinces),
    }
    return {
        "result": result,
        "charts": charts,
        "network": network_chart(result.network_nodes, result.network_edges),
        "life_cycle": life_cycle_chart(result.life_cycle),
        "growth_labels": {"": _("全部所选专利"), **topic_names},
        "labels": {"statuses": statuses, "types": types, "regions": regions},
        **_filter_context(filters),
    }


@bp.route("/landscape")
def landscape_page() -> str:
    return render_template("patents/landscape.html", **_landscape_context(_filters()))


@bp.route("/landscape/report.html")
def landscape_report() -> Response:
    """The landscape as one self-contained HTML file (charts inline, nothing fetched)."""
    return Response(
        _report_html(),
        mimetype="text/html",
        headers={"Content-Disposition": "attachment; filename=patent-landscape.html"},
    )


@bp.route("/landscape/report.pdf")
def landscape_pdf() -> Response:
    """The HTML report printed to PDF by headless Chromium; 503 where none can print."""
    try:
        pdf = html_to_pdf(_report_html(), current_app.config["PATENT_PDF_CHROMIUM"])
    except PdfUnavailable:
        current_app.logger.exception("patent landscape PDF failed")
        abort(503)
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": "attachment; filename=patent-landscape.pdf"},
    )


def _report_html() -> str:
    return render_template(
        "patents/report.html", generated=utcnow(), **_landscape_context(_filters())
    )


@bp.route("/export.csv")
def export_csv() -> Response:
    filters = _filters()
    return Response(
        stream_with_context(patents_csv(filters)),
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": "attachment; filename=patents.csv"},
    )


@bp.route("/import", methods=["GET", "POST"])
@csrf.exempt  # the body limit is raised before the CSRF check reads it; the form checks it
def import_page() -> str | tuple[str, int]:
    if request.method == "POST":
        request.max_content_length = current_app.config["MAX_UPLOAD_LENGTH"]
    form = PatentImportForm()
    report, error = None, None
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read()
        if not form.dry_run.data and len(data) > current_app.config[BACKGROUND_CONFIG]:
            token = queue_patent_import(upload.filename or "", data, current_user.id)
            return redirect(url_for(".import_progress", token=token), code=303)  # type: ignore[return-value]
        try:
            with unit_of_work() as session:
                report = import_patents(upload.filename or "", data, dry_run=form.dry_run.data)
                if report.rejected or report.dry_run:
                    session.rollback()
        except FileRejected as exc:
            error = str(exc)
    elif "csrf_token" in form.errors:
        raise CSRFError(form.errors["csrf_token"][0])
    failed = request.method == "POST" and (report is None or bool(report.rejected))
    page = render_template(
        "patents/import.html",
        form=form,
        report=report,
        error=error,
        formats=FORMAT_LABELS.values(),
        field_labels=FIELD_LABELS,
    )
    return (page, 422) if failed else page


@bp.route("/import/<token>")
def import_progress(token: str) -> str:
    """A background import's progress (the page reloads itself) and, once it ends, its result."""
    record = import_record(token, current_user.id)
    if record is None:
        abort(404)
    return render_template(
        "patents/import_progress.html", record=record, interrupted=is_silent(record)
    )


@bp.route("/aliases")
def aliases() -> str:
    rows = db.session.scalars(
        select(ApplicantAlias)
        .options(selectinload(ApplicantAlias.organization))
        .order_by(ApplicantAlias.confirmed_at.is_not(None), ApplicantAlias.name)
        .limit(500)
    ).all()
    return render_template("patents/aliases.html", aliases=rows, action_form=FlaskForm())


@bp.route("/aliases/suggest", methods=["POST"])
def suggest() -> Response:
    with unit_of_work():
        added = suggest_aliases()
    flash(_("新建议 %(n)d 个申请人别名", n=added), "info")
    return redirect(url_for(".aliases"))


@bp.route("/aliases/<int:alias_id>/confirm", methods=["POST"])
def confirm(alias_id: int) -> Response:
    alias = db.session.get(ApplicantAlias, alias_id)
    if alias is None:
        abort(404)
    with unit_of_work():
        confirm_alias(current_user, alias)
    flash(_("已确认：%(name)s 即 %(org)s", name=alias.name, org=alias.organization.name), "success")
    return redirect(url_for(".aliases"))


@bp.route("/<publication_number>")
def detail(publication_number: str) -> str:
    patent = db.session.scalar(
        select(Patent).where(Patent.publication_number == publication_number.upper()[:30])
    )
    if patent is None:
        abort(404)
    topic_names = _topic_names()
    return render_template(
        "patents/detail.html",
        patent=patent,
        ipc=patent.classifications_of(ClassificationScheme.IPC),
        cpc=patent.classifications_of(ClassificationScheme.CPC),
        green=[topic_names.get(k, k) for k in patent.green_topics],
        plan_field=_plan_field_names().get(patent.plan_area or ""),
        carbon_label=CARBON_TYPE_LABELS.get(patent.carbon_type) if patent.carbon_type else None,
        organizations=linked_organizations(patent),
    )
