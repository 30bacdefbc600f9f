"""Account forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from portal.forms_common import PASSWORD_MIN_LENGTH, CreditCode, strip_filter
from portal.organizations.models import XIAMEN_DISTRICTS

EMAIL_VALIDATORS = [
    DataRequired(message=_l("请填写邮箱")),
    Email(message=_l("邮箱格式不正确")),
    Length(max=254, message=_l("邮箱过长")),
]


class LoginForm(FlaskForm):
    email = EmailField(_l("邮箱"), validators=EMAIL_VALIDATORS, filters=[strip_filter])
    password = PasswordField(_l("密码"), validators=[DataRequired(message=_l("请填写密码"))])
    remember = BooleanField(_l("记住我"))
    submit = SubmitField(_l("登录"))


class RegisterForm(FlaskForm):
    email = EmailField(_l("邮箱"), validators=EMAIL_VALIDATORS, filters=[strip_filter])
    name = StringField(
        _l("姓名"),
        validators=[
            DataRequired(message=_l("请填写姓名")),
            Length(max=80, message=_l("姓名不超过 80 字")),
        ],
        filters=[strip_filter],
    )
    password = PasswordField(
        _l("密码"),
        validators=[
            DataRequired(message=_l("请填写密码")),
            Length(min=PASSWORD_MIN_LENGTH, max=128, message=_l("密码长度应为 8 至 128 位")),
        ],
    )
    password_confirm = PasswordField(
        _l("确认密码"), validators=[EqualTo("password", message=_l("两次输入的密码不一致"))]
    )
    role = RadioField(
        _l("我是"),
        choices=[("researcher", _l("科研人员（高校、科研院所）")), ("enterprise", _l("企业用户"))],
        default="researcher",
        validators=[DataRequired(message=_l("请选择账户类型"))],
    )
    org_mode = RadioField(
        _l("所属机构"),
        choices=[("join", _l("申请加入已有机构（由其管理员审核）")), ("create", _l("新建机构"))],
        default="join",
    )
    organization_id = SelectField(_l("选择机构"), coerce=int, validate_choice=False, default=0)
    org_name = StringField(
        _l("机构名称"), validators=[Optional(), Length(max=200)], filters=[strip_filter]
    )
    org_kind = SelectField(
        _l("机构类型"),
        choices=[
            ("university", _l("高校")),
            ("institute", _l("科研院所")),
            ("enterprise", _l("企业")),
        ],
        default="university",
    )
    org_credit_code = StringField(
        _l("统一社会信用代码"), validators=[Optional(), CreditCode()], filters=[strip_filter]
    )
    org_district = SelectField(
        _l("所在区"), choices=[("", _l("（不在厦门或未知）"))] + [(d, d) for d in XIAMEN_DISTRICTS]
    )
    submit = SubmitField(_l("注册"))


class ResetRequestForm(FlaskForm):
    email = EmailField(_l("邮箱"), validators=EMAIL_VALIDATORS, filters=[strip_filter])
    submit = SubmitField(_l("发送重置邮件"))


class ResetPasswordForm(FlaskForm):
    password = PasswordField(
        _l("新密码"),
        validators=[
            DataRequired(message=_l("请填写密码")),
            Length(min=PASSWORD_MIN_LENGTH, max=128, message=_l("密码长度应为 8 至 128 位")),
        ],
    )
    password_confirm = PasswordField(
        _l("确认新密码"), validators=[EqualTo("password", message=_l("两次输入的密码不一致"))]
    )
    submit = SubmitField(_l("重置密码"))


class ProfileForm(FlaskForm):
    name = StringField(
        _l("姓名"),
        validators=[
            DataRequired(message=_l("请填写姓名")),
            Length(max=80, message=_l("姓名不超过 80 字")),
        ],
        filters=[strip_filter],
    )
    phone = StringField(_l("电话"), validators=[Optional(), Length(max=32)], filters=[strip_filter])
    locale = SelectField(_l("界面语言"), choices=[("zh_CN", "中文"), ("en", "English")])
    submit = SubmitField(_l("保存"))
