"""Roadshow forms: the event, an agenda slot, a status move, an invitation and a hand entry."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateTimeLocalField,
    EmailField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    URLField,
)
from wtforms.validators import (
    AnyOf,
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)

from portal.forms_common import strip_filter
from portal.roadshows.times import LOCAL_INPUT_FORMAT

_TIME_HELP = _l("北京时间（Asia/Shanghai）")


class RoadshowForm(FlaskForm):
    title = StringField(
        _l("路演名称"), validators=[DataRequired(), Length(max=200)], filters=[strip_filter]
    )
    areas = SelectMultipleField(_l("主题领域"), validators=[DataRequired()], choices=[])
    host_org_id = SelectField(_l("主办机构"), choices=[], validate_choice=True)
    starts_at = DateTimeLocalField(
        _l("开始时间"),
        format=LOCAL_INPUT_FORMAT,
        validators=[InputRequired()],
        description=_TIME_HELP,
    )
    ends_at = DateTimeLocalField(
        _l("结束时间"),
        format=LOCAL_INPUT_FORMAT,
        validators=[InputRequired()],
        description=_TIME_HELP,
    )
    registration_deadline = DateTimeLocalField(
        _l("报名截止"),
        format=LOCAL_INPUT_FORMAT,
        validators=[InputRequired()],
        description=_TIME_HELP,
    )
    venue = StringField(_l("地点"), validators=[Length(max=300)], filters=[strip_filter])
    online_url = URLField(
        _l("线上链接"), validators=[Optional(), Length(max=500)], filters=[strip_filter]
    )
    capacity = IntegerField(
        _l("名额"), validators=[InputRequired(), NumberRange(min=1, max=100_000)]
    )
    description = TextAreaField(_l("简介"), validators=[Length(max=10_000)])
    submit = SubmitField(_l("保存"))


class SlotForm(FlaskForm):
    technology_id = SelectField(_l("路演成果"), choices=[], validate_choice=True)
    title = StringField(
        _l("名称"),
        validators=[Length(max=200)],
        filters=[strip_filter],
        description=_l("休息时段必填；成果路演可留空，使用成果名称"),
    )
    presenter = StringField(_l("主讲人"), validators=[Length(max=120)], filters=[strip_filter])
    starts_at = DateTimeLocalField(
        _l("开始时间"),
        format=LOCAL_INPUT_FORMAT,
        validators=[InputRequired()],
        description=_TIME_HELP,
    )
    minutes = IntegerField(
        _l("时长（分钟）"), validators=[InputRequired(), NumberRange(min=1, max=480)], default=20
    )
    submit = SubmitField(_l("加入议程"))


class StatusForm(FlaskForm):
    status = HiddenField(validators=[DataRequired()])


class ConfirmForm(FlaskForm):
    """A button that posts (CSRF-protected) and carries nothing else."""

    submit = SubmitField(_l("确认"))


class HandEntryForm(FlaskForm):
    email = EmailField(
        _l("用户邮箱"),
        validators=[DataRequired(), Email(), Length(max=254)],
        filters=[strip_filter],
    )
    submit = SubmitField(_l("代为报名"))


class ResponseForm(FlaskForm):
    """An invitee's answer: accept ("1") or decline ("0")."""

    accept = HiddenField(validators=[DataRequired(), AnyOf(["1", "0"])])


class CheckInForm(FlaskForm):
    code = StringField(
        _l("签到码"),
        validators=[DataRequired(), Length(max=200)],
        filters=[strip_filter],
        description=_l("扫码枪扫描入场凭证上的二维码，或手动输入签到码"),
        render_kw={"autofocus": True, "autocomplete": "off"},
    )
    submit = SubmitField(_l("签到"))


class MeetingRequestForm(FlaskForm):
    technology_id = SelectField(_l("约见的路演团队"), choices=[], validate_choice=True)
    message = TextAreaField(_l("留言"), validators=[Length(max=500)], filters=[strip_filter])
    submit = SubmitField(_l("预约洽谈"))


class MeetingGridForm(FlaskForm):
    meeting_minutes = IntegerField(
        _l("每场时长（分钟）"), validators=[InputRequired(), NumberRange(min=5, max=120)]
    )
    meeting_tables = IntegerField(
        _l("洽谈桌数"), validators=[InputRequired(), NumberRange(min=0, max=200)]
    )
    meetings_from = DateTimeLocalField(
        _l("洽谈开始"),
        format=LOCAL_INPUT_FORMAT,
        validators=[InputRequired()],
        description=_TIME_HELP,
    )
    meetings_until = DateTimeLocalField(
        _l("洽谈结束"),
        format=LOCAL_INPUT_FORMAT,
        validators=[InputRequired()],
        description=_TIME_HELP,
    )
    submit = SubmitField(_l("保存洽谈时段"))


class BookingForm(FlaskForm):
    """Book at a grid time and table; both empty: the first free one."""

    starts_at = SelectField(_l("时间"), choices=[], validate_choice=True)
    table = IntegerField(_l("桌号"), validators=[Optional(), NumberRange(min=1, max=200)])
    submit = SubmitField(_l("安排"))


class FeedbackForm(FlaskForm):
    slot_id = HiddenField(validators=[DataRequired()])
    interest = SelectField(
        _l("合作意向"),
        choices=[
            ("none", _l("暂无兴趣")),
            ("more_info", _l("希望了解更多")),
            ("negotiate", _l("希望洽谈合作")),
        ],
    )
    rating = SelectField(_l("评分"), choices=[(str(n), str(n)) for n in range(5, 0, -1)])
    comment = TextAreaField(_l("意见"), validators=[Length(max=1000)], filters=[strip_filter])
    submit = SubmitField(_l("提交评价"))
