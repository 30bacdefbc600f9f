"""Pages of a listing blueprint (catalogue or needs): browse, detail, post, edit, workflow.

Both blueprints get the same routes from `register_listing_pages`, so technologies
and needs behave alike; the templates switch on the kind where fields differ.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from portal.domain_errors import Refusal, ValidationFailed
from portal.extensions import db
from portal.forms_common import show_errors
from portal.listings import service, view_counts
from portal.listings.forms import build_listing_form, form_input
from portal.listings.kinds import (
    IP_STATUSES,
    STATUS_LABELS,
    TRANSFER_MODE_LABELS,
    TRL_LEVELS,
    Listing,
    ListingKind,
    kind_of,
)
from portal.listings.models import ListingStatus
from portal.listings.operations import available_operations
from portal.listings.query import ListingFilter, listings_query, parse_listing_filter
from portal.listings.validation import listing_values
from portal.matches.listing_matches import match_section
from portal.matches.models import FeedbackReason
from portal.model_mixins import utcnow
from portal.organizations.models import XIAMEN_DISTRICTS
from portal.page_cache import cached_public_page
from portal.patents.access import may_use_patents
from portal.patents.similar import similar_patents
from portal.security import Action, can, ensure, requires
from portal.taxonomy import service as taxonomy_service
from portal.transactions import unit_of_work

# Workflow buttons: URL segment -> (operation, success message).
OPERATIONS: dict[str, tuple[Callable[[Listing], object], LazyString]] = {
    "submit": (lambda listing: service.submit_listing(listing, current_user), _l("已提交审核")),
    "publish": (lambda listing: service.publish_listing(listing, current_user), _l("已发布")),
    "request-changes": (
        lambda listing: service.request_changes(
            listing, request.form.get("comment", ""), current_user
        ),
        _l("已退回修改，发布方会看到您的意见"),
    ),
    "archive": (lambda listing: service.archive_listing(listing, current_user), _l("已下架")),
    "restore": (lambda listing: service.restore_listing(listing, current_user), _l("已恢复为草稿")),
    "renew": (lambda listing: service.renew_listing(listing, current_user), _l("已续期 12 个月")),
}


def vocabularies() -> dict[str, object]:
    """Labels the listing templates show for stored codes."""
    return {
        "trl_levels": TRL_LEVELS,
        "ip_statuses": IP_STATUSES,
        "transfer_mode_labels": TRANSFER_MODE_LABELS,
        "status_labels": STATUS_LABELS,
    }


def save_from_form(form: FlaskForm, save: Callable[[], Listing]) -> Listing | None:
    """Run a create or update from a posted form (and send it for review when asked).

    Returns the saved listing, or None with the errors shown on the form or flashed.
    """
    try:
        with unit_of_work():
            listing = save()
            if request.form.get("send_for_review"):
                service.submit_listing(listing, current_user)
    except ValidationFailed as exc:
        show_errors(form, exc.fields)
    except Refusal as exc:
        flash(exc.message, "danger")
    else:
        flash(_("已保存"), "success")
        return listing
    return None


def register_listing_pages(bp: Blueprint, kinds: tuple[ListingKind, ...]) -> None:
    """Add the listing pages of `kinds` (all stored in one model) to `bp`."""
    model = kinds[0].model
    default_kind = kinds[0]

    def get_visible(listing_id: int) -> Listing:
        listing = db.session.get(model, listing_id)
        if listing is None:
            abort(404)
        # Unpublished listings are not revealed to those who may not see them.
        if listing.status is not ListingStatus.PUBLISHED and not can(
            current_user, Action.VIEW_UNPUBLISHED, listing
        ):
            abort(404)
        return listing

    def page_context(**extra: object) -> dict[str, object]:
        return {
            "bp": bp.name,
            "kinds": kinds,
            "is_need": default_kind is ListingKind.NEED,
            **vocabularies(),
            **extra,
        }

    @bp.route("/")
    @cached_public_page()
    def index() -> str:
        filters, errors = parse_listing_filter(request.args)
        if errors:
            abort(400)
        if filters.status is not None and not can(current_user, Action.REVIEW_LISTING):
            abort(403)
        page = db.paginate(
            # Each card names its owner and area: loaded with the page, not one query a card.
            listings_query(model, filters).options(
                selectinload(model.owner_org), selectinload(model.area)
            ),
            per_page=current_app.config["ITEMS_PER_PAGE"],
            error_out=False,
        )
        return render_template(
            "listings/index.html",
            **page_context(
                page=page,
                args=request.args,
                actions=taxonomy_service.plan_actions(),
                districts=XIAMEN_DISTRICTS,
                creatable_kinds=service.creatable_kinds(current_user, kinds),
            ),
        )

    def count_cached_view(listing_id: int) -> None:
        view_counts.count_view(model, listing_id)

    @bp.route("/<int:listing_id>")
    @cached_public_page(on_hit=count_cached_view)
    def detail(listing_id: int) -> str:
        listing = get_visible(listing_id)
        may_edit = can(current_user, Action.EDIT_LISTING, listing)
        published = listing.status is ListingStatus.PUBLISHED
        if published and not may_edit:
            view_counts.count_view(model, listing.id)
        expired = published and listing.is_expired(utcnow().date())
        operations = available_operations(listing, current_user)
        return render_template(
            "listings/detail.html",
            **page_context(
                listing=listing,
                kind=kind_of(listing),
                expired=expired,
                show_review_comment=bool(listing.review_comment) and may_edit,
                may_see_contact=can(current_user, Action.VIEW_CONTACT, listing),
                may_contact=published
                and not expired
                and can(current_user, Action.CONTACT_OWNER, listing),
                operations=operations,
                # A form makes a CSRF token: only with buttons to post (a visitor's page has
                # none, and a page without a token can come from the page cache).
                action_form=FlaskForm() if operations else None,
                # Matches are shown on published pages only.
                match_section=match_section(current_user, listing) if published else None,
                # Patents are for the staff who run patent navigation (their pages are too).
                similar_patents=similar_patents(listing) if may_use_patents(current_user) else None,
                feedback_reasons=list(FeedbackReason),
            ),
        )

    @bp.route("/new", methods=["GET", "POST"])
    @login_required
    def new() -> str | Response | tuple[str, int]:
        try:
            kind = ListingKind(request.args.get("kind") or default_kind)
        except ValueError:
            abort(400)
        if kind not in kinds:
            abort(404)
        form = build_listing_form(kind)
        if form.validate_on_submit():
            saved = save_from_form(
                form,
                lambda: service.create_listing(kind, form_input(kind, form), current_user),
            )
            if saved is not None:
                return redirect(url_for(f"{bp.name}.detail", listing_id=saved.id))
        elif request.method == "GET":
            # Checked before showing an empty form; the service checks again on save.
            ensure(current_user, service.CREATE_ACTIONS[kind])
        status = 400 if request.method == "POST" else 200
        return render_template(
            "listings/form.html", **page_context(form=form, kind=kind, listing=None)
        ), status

    @bp.route("/<int:listing_id>/edit", methods=["GET", "POST"])
    @login_required
    def edit(listing_id: int) -> str | Response | tuple[str, int]:
        listing = get_visible(listing_id)
        ensure(current_user, Action.EDIT_LISTING, listing)
        kind = kind_of(listing)
        if request.method == "GET":
            form = build_listing_form(kind, listing_values(listing))
        else:
            form = build_listing_form(kind)
        if form.validate_on_submit():
            saved = save_from_form(
                form,
                lambda: service.update_listing(listing, form_input(kind, form), current_user),
            )
            if saved is not None:
                return redirect(url_for(f"{bp.name}.detail", listing_id=saved.id))
        status = 400 if request.method == "POST" else 200
        return render_template(
            "listings/form.html", **page_context(form=form, kind=kind, listing=listing)
        ), status

    @bp.route("/<int:listing_id>/delete", methods=["POST"])
    @login_required
    def delete(listing_id: int) -> Response:
        listing = get_visible(listing_id)
        if not FlaskForm().validate_on_submit():
            abort(400)
        try:
            with unit_of_work():
                service.delete_listing(listing, current_user)
        except Refusal as exc:
            flash(exc.message, "danger")
            return redirect(url_for(f"{bp.name}.detail", listing_id=listing_id))
        flash(_("已删除"), "success")
        return redirect(url_for(f"{bp.name}.mine"))

    @bp.route("/<int:listing_id>/<operation>", methods=["POST"])
    @login_required
    def workflow(listing_id: int, operation: str) -> Response:
        if operation not in OPERATIONS:
            abort(404)
        listing = get_visible(listing_id)
        if not FlaskForm().validate_on_submit():
            abort(400)
        run, message = OPERATIONS[operation]
        try:
            with unit_of_work():
                run(listing)
        except Refusal as exc:
            flash(" ".join([exc.message, *exc.fields.values()]), "danger")
        else:
            flash(str(message), "success")
        return redirect(url_for(f"{bp.name}.detail", listing_id=listing_id))

    @bp.route("/review")
    @login_required
    @requires(Action.REVIEW_LISTING)
    def review() -> str:
        page = db.paginate(
            listings_query(model, ListingFilter(status=ListingStatus.SUBMITTED)),
            per_page=current_app.config["ITEMS_PER_PAGE"],
            error_out=False,
        )
        return render_template("listings/review.html", **page_context(page=page))

    @bp.route("/mine")
    @login_required
    def mine() -> str:
        if current_user.organization_id is None:
            abort(404)
        filters = ListingFilter(owner_org_id=current_user.organization_id, all_statuses=True)
        page = db.paginate(
            # Each card names its owner and area: loaded with the page, not one query a card.
            listings_query(model, filters).options(
                selectinload(model.owner_org), selectinload(model.area)
            ),
            per_page=current_app.config["ITEMS_PER_PAGE"],
            error_out=False,
        )
        return render_template(
            "listings/mine.html", **page_context(page=page, today=utcnow().date())
        )
