"""Account pages: thin views over portal.accounts.service."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from portal.accounts import bp, service
from portal.accounts.forms import (
    LoginForm,
    ProfileForm,
    RegisterForm,
    ResetPasswordForm,
    ResetRequestForm,
)
from portal.accounts.models import Role
from portal.api import tokens
from portal.domain_errors import Refusal
from portal.extensions import db
from portal.forms_common import show_errors
from portal.mail import send_mail
from portal.organizations.models import Organization, OrgKind
from portal.urls import safe_next_url


def _organization_choices() -> list[tuple[int, str]]:
    orgs = db.session.scalars(select(Organization).order_by(Organization.name)).all()
    return [(0, _("请选择"))] + [(org.id, org.name) for org in orgs]


@bp.route("/register", methods=["GET", "POST"])
def register() -> str | Response:
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = RegisterForm()
    form.organization_id.choices = _organization_choices()
    if form.validate_on_submit():
        new_org = None
        if form.org_mode.data == "create":
            if not form.org_name.data:
                form.org_name.errors.append(_("请填写机构名称"))
                return render_template("accounts/register.html", form=form), 400
            new_org = service.NewOrganization(
                name=form.org_name.data,
                kind=OrgKind(form.org_kind.data),
                credit_code=form.org_credit_code.data or None,
                district=form.org_district.data or None,
            )
        try:
            user = service.register_user(
                email=form.email.data,
                password=form.password.data,
                name=form.name.data,
                role=Role(form.role.data),
                organization_id=form.organization_id.data or None,
                new_organization=new_org,
            )
        except (service.AccountError, Refusal) as exc:
            db.session.rollback()
            flash(str(exc) if isinstance(exc, service.AccountError) else exc.message, "danger")
            if isinstance(exc, Refusal):
                show_errors(form, {f"org_{name}": text for name, text in exc.fields.items()})
        else:
            login_user(user)
            flash(_("注册成功，欢迎加入！"), "success")
            return redirect(url_for("main.index"))
    status = 400 if request.method == "POST" else 200
    return render_template("accounts/register.html", form=form), status


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response:
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = service.authenticate(form.email.data, form.password.data)
        except service.AccountError as exc:
            current_app.logger.info("login refused for %s: %s", form.email.data, exc)
            flash(str(exc), "danger")
        else:
            login_user(user, remember=form.remember.data)
            session["locale"] = user.locale
            return redirect(safe_next_url(request.args.get("next")) or url_for("main.index"))
    status = 400 if request.method == "POST" else 200
    return render_template("accounts/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout() -> Response:
    logout_user()
    flash(_("已退出登录"), "info")
    return redirect(url_for("main.index"))


@bp.route("/reset", methods=["GET", "POST"])
def reset_request() -> str | Response:
    form = ResetRequestForm()
    if form.validate_on_submit():
        user = service.find_user_by_email(form.email.data)
        if user is not None and user.active:
            link = url_for(
                "auth.reset_password", token=service.make_reset_token(user), _external=True
            )
            send_mail(
                user.email,
                _("重置密码"),
                _(
                    "请在一小时内打开以下链接重置密码：\n%(link)s\n如非本人操作，请忽略本邮件。",
                    link=link,
                ),
            )
        # Same answer whether or not the address has an account.
        flash(_("如果该邮箱已注册，重置邮件已发出，请查收。"), "info")
        return redirect(url_for("auth.login"))
    return render_template("accounts/reset_request.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> str | Response:
    try:
        service.user_for_reset_token(token)
    except service.AccountError as exc:
        flash(str(exc), "danger")
        return redirect(url_for("auth.reset_request"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        service.reset_password(token, form.password.data)
        flash(_("密码已重置，请登录"), "success")
        return redirect(url_for("auth.login"))
    return render_template("accounts/reset_password.html", form=form)


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile() -> str | Response:
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        service.update_profile(current_user, form.name.data, form.phone.data, form.locale.data)
        session["locale"] = form.locale.data
        flash(_("资料已保存"), "success")
        return redirect(url_for("auth.profile"))
    return render_template(
        "accounts/profile.html", form=form, api_tokens=tokens.tokens_of(current_user)
    )


@bp.route("/locale/<code>", methods=["POST"])
def set_locale(code: str) -> Response:
    if code not in current_app.config["LANGUAGES"]:
        abort(400)
    session["locale"] = code
    if current_user.is_authenticated:
        service.update_profile(current_user, current_user.name, current_user.phone, code)
    return redirect(safe_next_url(request.form.get("next")) or url_for("main.index"))
