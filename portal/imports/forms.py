"""The upload form of bulk import."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, SelectField, SubmitField
from wtforms.fields.choices import SelectChoice

from portal.imports.tables import CSV_SUFFIXES, EXCEL_SUFFIXES
from portal.listings.kinds import KIND_LABELS

ACCEPTED_EXTENSIONS = [suffix.lstrip(".") for suffix in (*CSV_SUFFIXES, *EXCEL_SUFFIXES)]


class UploadForm(FlaskForm):
    kind = SelectField(
        _l("导入内容"), choices=[SelectChoice(code, label) for code, label in KIND_LABELS.items()]
    )
    file = FileField(
        _l("文件（CSV 或 Excel .xlsx）"),
        validators=[
            FileRequired(_l("请选择文件")),
            FileAllowed(ACCEPTED_EXTENSIONS, _l("只支持 CSV（.csv）和 Excel（.xlsx）文件")),
        ],
    )
    create_missing_orgs = BooleanField(_l("自动创建缺少的机构"))
    submit = SubmitField(_l("上传并预览"))
