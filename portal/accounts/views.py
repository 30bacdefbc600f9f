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
from portal.accounts.models import Role, User
from portal.api import tokens
from portal.domain_errors import NotFound, Refusal
from portal.extensions import csrf, db
from portal.forms_common import show_errors
from portal.notifications.jobs import OutgoingMail, queue_mail
from portal.organizations import membership
from portal.organizations.models import Organization, OrgKind
from portal.page_actions import commit_or_report
from portal.security import Action, can
from portal.urls import safe_next_url


def _send_verification(user: User) -> None:
    link = url_for("auth.verify_email", token=service.make_verification_token(user), _external=True)
    queue_mail(
        OutgoingMail(
            user.email,
            _("验证邮箱"),
            _(
                "请在三天内打开以下链接验证您的邮箱：\n%(link)s\n如非本人操作，请忽略本邮件。",
                link=link,
            ),
        )
    )


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
        except Refusal as exc:
            db.session.rollback()
            flash(exc.message, "danger")
            # The organization service names its own fields; the form prefixes them with org_.
            show_errors(
                form,
                {
                    name if name in form else f"org_{name}": text
                    for name, text in exc.fields.items()
                },
            )
        else:
            db.session.commit()
            _send_verification(user)
            login_user(user)
            flash(_("注册成功，欢迎加入！验证邮件已发出，请打开邮件中的链接验证邮箱。"), "success")
            if user.organization_id is None:
                flash(_("加入机构的申请将在您验证邮箱后交由该机构管理员审核。"), "info")
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
        except Refusal as exc:
            current_app.logger.info("login refused for %s: %s", form.email.data, exc)
            flash(exc.message, "danger")
        else:
            db.session.commit()
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
            # Queued, not sent here: the answer takes as long whether or not there is an account.
            queue_mail(
                OutgoingMail(
                    user.email,
                    _("重置密码"),
                    _(
                        "请在一小时内打开以下链接重置密码：\n%(link)s\n如非本人操作，请忽略本邮件。",
                        link=link,
                    ),
                )
            )
        # Same answer whether or not the address has an account.
        flash(_("如果该邮箱已注册，重置邮件已发出，请查收。"), "info")
        return redirect(url_for("auth.login"))
    return render_template("accounts/reset_request.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> str | Response:
    try:
        service.user_for_reset_token(token)
    except Refusal as exc:
        flash(exc.message, "danger")
        return redirect(url_for("auth.reset_request"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        service.reset_password(token, form.password.data)
        db.session.commit()
        flash(_("密码已重置，请登录"), "success")
        return redirect(url_for("auth.login"))
    return render_template("accounts/reset_password.html", form=form)


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile() -> str | Response:
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        service.update_profile(current_user, form.name.data, form.phone.data, form.locale.data)
        db.session.commit()
        session["locale"] = form.locale.data
        flash(_("资料已保存"), "success")
        return redirect(url_for("auth.profile"))
    return render_template(
        "accounts/profile.html",
        form=form,
        api_tokens=tokens.tokens_of(current_user),
        pending_request=membership.pending_request_of(current_user),
    )


@bp.route("/locale/<code>", methods=["POST"])
@csrf.exempt
def set_locale(code: str) -> Response:
    """Switch the interface language. A visitor's switch changes only their own session, so
    it needs no CSRF token, and the visitors' pages that carry the switch can be cached (a
    token would tie each page to one session); a signed-in user's switch is stored on the
    account, so it is checked."""
    if current_user.is_authenticated and current_app.config.get("WTF_CSRF_ENABLED", True):
        csrf.protect()
    if code not in current_app.config["LANGUAGES"]:
        abort(400)
    session["locale"] = code
    if current_user.is_authenticated:
        service.update_profile(current_user, current_user.name, current_user.phone, code)
        db.session.commit()
    return redirect(safe_next_url(request.form.get("next")) or url_for("main.index"))


@bp.route("/verify/<token>")
def verify_email(token: str) -> Response:
    # A GET, because it is opened from a mail; opening it twice changes nothing more.
    commit_or_report(lambda: service.verify_email(token), _("邮箱已验证"))
    return redirect(url_for("auth.profile" if current_user.is_authenticated else "auth.login"))


@bp.route("/verify/resend", methods=["POST"])
@login_required
def resend_verification() -> Response:
    if not current_user.email_verified:
        _send_verification(current_user)
    flash(_("验证邮件已发出，请查收。"), "info")
    return redirect(url_for("auth.profile"))


@bp.route("/accounts/<int:user_id>/deactivate", methods=["POST"])
@login_required
def deactivate(user_id: int) -> Response:
    user = db.session.get(User, user_id)
    if user is None or not can(current_user, Action.DEACTIVATE_ACCOUNT, user):
        raise NotFound()  # outsiders learn nothing about which ids are accounts
    service.deactivate_account(current_user, user)
    db.session.commit()
    flash(_("账户已停用"), "success")
    return redirect(safe_next_url(request.form.get("next")) or url_for("main.index"))
