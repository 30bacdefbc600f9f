"""Organization forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField, TextAreaField, URLField
from wtforms.validators import URL, Length, Optional

from portal.forms_common import CreditCode, strip_filter
from portal.organizations.models import XIAMEN_DISTRICTS


class OrganizationForm(FlaskForm):
    credit_code = StringField(
        _l("统一社会信用代码"), validators=[Optional(), CreditCode()], filters=[strip_filter]
    )
    district = SelectField(
        _l("所在区"), choices=[("", _l("（不在厦门或未知）"))] + [(d, d) for d in XIAMEN_DISTRICTS]
    )
    industry = StringField(
        _l("行业"), validators=[Optional(), Length(max=200)], filters=[strip_filter]
    )
    website = URLField(
        _l("网站"),
        validators=[Optional(), URL(message=_l("网址格式不正确")), Length(max=300)],
        filters=[strip_filter],
    )
    description = TextAreaField(
        _l("机构简介"), validators=[Length(max=5000, message=_l("简介不超过 5000 字"))]
    )
    submit = SubmitField(_l("保存"))


class VerifyForm(FlaskForm):
    submit = SubmitField(_l("确认"))
