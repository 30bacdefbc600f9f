"""Forms of expressing interest and following matches."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SubmitField, TextAreaField

from portal.matches.models import MatchState

STATE_LABELS = {
    "suggested": _l("系统推荐"),
    "contacted": _l("已联系"),
    "negotiating": _l("洽谈中"),
    "contracted": _l("已签约"),
    "rejected": _l("未成交"),
}


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
        choices=[(state.value, STATE_LABELS[state.value]) for state in MatchState],
        validate_choice=False,
    )
    feedback = TextAreaField(_l("跟进记录"), render_kw={"rows": 2})
    submit = SubmitField(_l("更新"))
