"""The patent import form: one file, checked first (a dry run) unless the broker says import."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, SubmitField

from portal.imports.forms import ACCEPTED_EXTENSIONS


class PatentImportForm(FlaskForm):
    file = FileField(
        _l("专利导出文件（CSV 或 Excel .xlsx）"),
        validators=[
            FileRequired(_l("请选择文件")),
            FileAllowed(ACCEPTED_EXTENSIONS, _l("只支持 CSV（.csv）和 Excel（.xlsx）文件")),
        ],
    )
    dry_run = BooleanField(_l("只预检，不写入"), default=True)
    submit = SubmitField(_l("上传"))
