"""Forms of expressing interest and following matches."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SubmitField, TextAreaField

from portal.matches.models import FeedbackReason, MatchState


class ContactForm(FlaskForm):
    # Length is checked by the service, so API and page refuse the same messages.
    message = TextAreaField(
        _l("留言"),
        description=_l("简要说明贵单位的需求或合作设想、希望的合作方式和联系时间（1000 字以内）"),
        render_kw={"rows": 5},
    )
    submit = SubmitField(_l("发送"))


class MoveForm(FlaskForm):
    state = SelectField(
        _l("对接状态"),
        choices=list(MatchState.labels().items()),
        validate_choice=False,
    )
    feedback = TextAreaField(_l("跟进记录"), render_kw={"rows": 2})
    submit = SubmitField(_l("更新"))


class FeedbackForm(FlaskForm):
    # The service checks the reason against FeedbackReason; the page and the service agree.
    relevant = SelectField(
        _l("是否相关"), choices=[("yes", _l("相关")), ("no", _l("不相关"))], validate_choice=True
    )
    reason = SelectField(
        _l("不相关的原因"),
        choices=[("", "—"), *FeedbackReason.labels().items()],
        validate_choice=False,
    )
    comment = TextAreaField(_l("补充说明"), render_kw={"rows": 2})
    submit = SubmitField(_l("提交反馈"))
