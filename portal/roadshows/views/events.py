"""Roadshow pages: the public list and detail, and the broker's pages to run one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from portal.domain_errors import Refusal
from portal.extensions import db
from portal.forms_common import show_errors
from portal.listings.models import ListingStatus, Technology
from portal.model_mixins import utcnow
from portal.organizations.models import Organization
from portal.roadshows import bp, invitations, proposals, registrations, service
from portal.roadshows.forms import (
    ConfirmForm,
    ResponseForm,
    RoadshowForm,
    SlotForm,
    StatusForm,
)
from portal.roadshows.models import Roadshow
from portal.roadshows.times import display, local_to_utc, utc_to_local
from portal.security import Action, can, ensure, requires
from portal.taxonomy.models import PLAN_TAXONOMY, TaxonomyArea

bp.app_template_filter("event_time")(display)


def _attempt(form: Any, change: Callable[[], Any]) -> Any | None:
    """Run a service change; commit it, or show its refusal beside the form and roll back."""
    try:
        result = change()
    except Refusal as exc:
        db.session.rollback()
        show_errors(form, exc.fields)
        flash(" ".join([exc.message, *exc.fields.values()]), "danger")
        return None
    db.session.commit()
    return result


def _area_choices() -> list[tuple[str, str]]:
    areas = db.session.scalars(
        select(TaxonomyArea)
        .where(TaxonomyArea.taxonomy == PLAN_TAXONOMY)
        .order_by(TaxonomyArea.code)
    )
    return [(area.code, ("　" if area.parent_id else "") + area.label) for area in areas]


def _roadshow_form(roadshow: Roadshow | None) -> RoadshowForm:
    form = RoadshowForm(obj=roadshow) if roadshow is not None else RoadshowForm()
    form.areas.choices = _area_choices()
    form.host_org_id.choices = [("", _("（无）"))] + [
        (str(org_id), name)
        for org_id, name in db.session.execute(
            select(Organization.id, Organization.name).order_by(Organization.name)
        )
    ]
    if roadshow is not None and request.method == "GET":
        form.areas.data = [area.code for area in roadshow.areas]
        form.host_org_id.data = str(roadshow.host_org_id or "")
        for name in ("starts_at", "ends_at", "registration_deadline"):
            getattr(form, name).data = utc_to_local(getattr(roadshow, name)).replace(tzinfo=None)
    return form


def _details(form: RoadshowForm) -> service.RoadshowDetails:
    return service.RoadshowDetails(
        title=form.title.data or "",
        area_codes=form.areas.data or [],
        starts_at=local_to_utc(form.starts_at.data),
        ends_at=local_to_utc(form.ends_at.data),
        registration_deadline=local_to_utc(form.registration_deadline.data),
        capacity=form.capacity.data,
        venue=form.venue.data or "",
        online_url=form.online_url.data or None,
        host_org_id=int(form.host_org_id.data) if form.host_org_id.data else None,
        description=form.description.data or "",
    )


@bp.route("/")
def index() -> str:
    staff = can(current_user, Action.MANAGE_ROADSHOWS)
    page = db.paginate(
        service.roadshows_query(include_unpublished=staff),
        per_page=current_app.config["ITEMS_PER_PAGE"],
        error_out=False,
    )
    return render_template("roadshows/index.html", page=page, may_manage=staff)


@bp.route("/<int:roadshow_id>")
def detail(roadshow_id: int) -> str:
    roadshow = service.get_roadshow(roadshow_id, current_user)
    may_manage = can(current_user, Action.MANAGE_ROADSHOWS, roadshow)
    return render_template(
        "roadshows/detail.html",
        roadshow=roadshow,
        may_manage=may_manage,
        next_statuses=service.next_statuses(roadshow) if may_manage else [],
        status_form=StatusForm(),
        invitation=invitations.pending_invitation(roadshow, current_user),
        answer_form=ResponseForm(),
        registration=registrations.registration_of(roadshow, current_user),
        may_register=registrations.may_register(current_user, roadshow, utcnow()),
        seats=registrations.seats(roadshow),
        confirm_form=ConfirmForm(),
    )


@bp.route("/<int:roadshow_id>/agenda/print")
def printable_agenda(roadshow_id: int) -> str:
    roadshow = service.get_roadshow(roadshow_id, current_user)
    return render_template("roadshows/agenda_print.html", roadshow=roadshow)


@bp.route("/new", methods=["GET", "POST"])
@login_required
@requires(Action.MANAGE_ROADSHOWS)
def create() -> str | Response:
    form = _roadshow_form(None)
    if form.validate_on_submit():
        roadshow = _attempt(form, lambda: service.create_roadshow(current_user, _details(form)))
        if roadshow is not None:
            flash(_("路演已创建"), "success")
            return redirect(url_for("roadshows.agenda", roadshow_id=roadshow.id))
    status = 400 if request.method == "POST" else 200
    return render_template("roadshows/edit.html", form=form, roadshow=None), status


@bp.route("/<int:roadshow_id>/edit", methods=["GET", "POST"])
@login_required
def edit(roadshow_id: int) -> str | Response:
    roadshow = service.get_roadshow(roadshow_id, current_user)
    ensure(current_user, Action.MANAGE_ROADSHOWS, roadshow)
    form = _roadshow_form(roadshow)
    if form.validate_on_submit():

        def update() -> Roadshow:
            service.update_roadshow(current_user, roadshow, _details(form))
            registrations.fill_free_seats(roadshow, utcnow())  # a larger capacity moves it up
            return roadshow

        changed = _attempt(form, update)
        if changed is not None:
            flash(_("路演信息已保存"), "success")
            return redirect(url_for("roadshows.detail", roadshow_id=roadshow.id))
    status = 400 if request.method == "POST" else 200
    return render_template("roadshows/edit.html", form=form, roadshow=roadshow), status


@bp.route("/<int:roadshow_id>/status", methods=["POST"])
@login_required
def move(roadshow_id: int) -> Response:
    roadshow = service.get_roadshow(roadshow_id, current_user)
    ensure(current_user, Action.MANAGE_ROADSHOWS, roadshow)
    form = StatusForm()
    if form.validate_on_submit():
        moved = _attempt(
            form, lambda: service.move_roadshow(current_user, roadshow, form.status.data)
        )
        if moved is not None:
            flash(_("状态已改为“%(status)s”", status=moved.status.label), "success")
    return redirect(url_for("roadshows.detail", roadshow_id=roadshow.id))


def _slot_form(roadshow: Roadshow) -> SlotForm:
    form = SlotForm()
    area_ids = [area.id for area in roadshow.areas]
    in_theme = db.session.scalars(
        select(Technology)
        .where(
            Technology.status == ListingStatus.PUBLISHED,
            Technology.area_id.in_(
                select(TaxonomyArea.id).where(
                    (TaxonomyArea.id.in_(area_ids)) | (TaxonomyArea.parent_id.in_(area_ids))
                )
            ),
        )
        .order_by(Technology.title)
        .limit(500)
    )
    form.technology_id.choices = [("", _("（休息 / 其他环节）"))] + [
        (str(technology.id), technology.title) for technology in in_theme
    ]
    if request.method == "GET":
        form.starts_at.data = utc_to_local(service.next_free_start(roadshow)).replace(tzinfo=None)
        form.minutes.data = current_app.config["ROADSHOW_SLOT_MINUTES"]
    return form


@bp.route("/<int:roadshow_id>/agenda", methods=["GET", "POST"])
@login_required
def agenda(roadshow_id: int) -> str | Response:
    roadshow = service.get_roadshow(roadshow_id, current_user)
    ensure(current_user, Action.MANAGE_ROADSHOWS, roadshow)
    form = _slot_form(roadshow)
    if form.validate_on_submit():
        details = service.SlotDetails(
            starts_at=local_to_utc(form.starts_at.data),
            minutes=form.minutes.data,
            technology_id=int(form.technology_id.data) if form.technology_id.data else None,
            title=form.title.data or "",
            presenter=form.presenter.data or "",
        )
        if _attempt(form, lambda: service.add_slot(current_user, roadshow, details)) is not None:
            flash(_("已加入议程"), "success")
            return redirect(url_for("roadshows.agenda", roadshow_id=roadshow.id))
    status = 400 if request.method == "POST" else 200
    return (
        render_template(
            "roadshows/agenda.html", roadshow=roadshow, form=form, remove_form=ConfirmForm()
        ),
        status,
    )


@bp.route("/<int:roadshow_id>/agenda/<int:slot_id>/remove", methods=["POST"])
@login_required
def remove_slot(roadshow_id: int, slot_id: int) -> Response:
    roadshow = service.get_roadshow(roadshow_id, current_user)
    ensure(current_user, Action.MANAGE_ROADSHOWS, roadshow)
    form = ConfirmForm()
    slot = service.get_slot(roadshow, slot_id)
    if form.validate_on_submit() and _attempt(
        form, lambda: service.remove_slot(current_user, slot) or True
    ):
        flash(_("已从议程中移除"), "success")
    return redirect(url_for("roadshows.agenda", roadshow_id=roadshow.id))


@bp.route("/<int:roadshow_id>/proposals")
@login_required
def proposals_page(roadshow_id: int) -> str:
    roadshow = service.get_roadshow(roadshow_id, current_user)
    ensure(current_user, Action.MANAGE_ROADSHOWS, roadshow)
    proposed = proposals.roadshow_proposals(
        roadshow, current_app.config["ROADSHOW_INVITE_MIN_SCORE"]
    )
    return render_template(
        "roadshows/proposals.html",
        roadshow=roadshow,
        proposals=proposed,
        on_agenda={slot.technology_id for slot in roadshow.slots},
        min_score=current_app.config["ROADSHOW_INVITE_MIN_SCORE"],
        form=ConfirmForm(),
    )


@bp.route("/<int:roadshow_id>/proposals/<int:technology_id>/add", methods=["POST"])
@login_required
def add_proposed(roadshow_id: int, technology_id: int) -> Response:
    roadshow = service.get_roadshow(roadshow_id, current_user)
    ensure(current_user, Action.MANAGE_ROADSHOWS, roadshow)
    form = ConfirmForm()
    minutes = current_app.config["ROADSHOW_SLOT_MINUTES"]
    if form.validate_on_submit() and _attempt(
        form, lambda: service.add_talk(current_user, roadshow, technology_id, minutes)
    ):
        flash(_("已加入议程"), "success")
    return redirect(url_for("roadshows.proposals_page", roadshow_id=roadshow.id))
