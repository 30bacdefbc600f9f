"""The broker's override form on an organization's page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SubmitField, TextAreaField

from portal.classification.service import MAX_OVERRIDE_REASON


class CarbonOverrideForm(FlaskForm):
    carbon_type = SelectField(
        _l("类型"),
        choices=[
            ("negative", _l("负碳")),
            ("zero", _l("零碳")),
            ("low", _l("低碳")),
            ("none", _l("非低碳类")),
        ],
        validate_choice=False,  # the service checks, with the message users see
    )
    reason = TextAreaField(
        _l("认定理由"),
        description=_l("例如：核查了企业的林业碳汇项目备案，属负碳"),
        render_kw={"rows": 2, "maxlength": MAX_OVERRIDE_REASON},
    )
    submit = SubmitField(_l("人工认定"))
