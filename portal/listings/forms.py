"""Posting forms for technologies, products and needs.

The forms only render fields, carry help texts and hold the CSRF token; the values
are checked by `validate_listing_data`, the same validator the API and imports use,
and its messages are put back on the fields.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import (
    Field,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    widgets,
)

from portal.classification.area_defaults import with_suggested_area
from portal.extensions import db
from portal.listings.kinds import IP_STATUSES, TRANSFER_MODE_LABELS, TRL_LEVELS, ListingKind
from portal.listings.validation import fields_for
from portal.taxonomy import service as taxonomy_service
from portal.taxonomy.models import GREEN_INDUSTRY_TAXONOMY, PLAN_TAXONOMY, TaxonomyArea

TRL_CHOICES = [("", _l("（未填写）"))] + [
    (str(level), _l("TRL %(level)d：%(text)s", level=level, text=text))
    for level, text in TRL_LEVELS.items()
]
DATE_INPUT = {"type": "date"}
NUMBER_INPUT = {"inputmode": "decimal"}


class CheckboxesField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class ListingForm(FlaskForm):
    """Fields shared by every kind; subclasses add their own."""

    title = StringField(_l("标题"), description=_l("一句话说清是什么，200 字以内"))
    summary = TextAreaField(
        _l("摘要"), description=_l("10-500 字，列表和搜索结果中显示"), render_kw={"rows": 3}
    )
    description = TextAreaField(_l("详细介绍"), render_kw={"rows": 8})
    area = SelectField(
        _l("技术领域（实施方案）"),
        validate_choice=False,
        description=_l("按《厦门市科技支撑碳达峰碳中和实施方案》的重点行动分组"),
    )
    industry_area = SelectField(
        _l("绿色产业指导目录类别"),
        validate_choice=False,
        description=_l("《绿色产业指导目录（2019年版）》中的类别，可选"),
    )
    keywords = StringField(_l("关键词"), description=_l("用逗号或顿号分隔，最多 20 个"))
    transfer_modes = CheckboxesField(
        _l("转化方式"),
        validate_choice=False,
        choices=[(value, label) for value, label in TRANSFER_MODE_LABELS.items()],
    )
    contact_name = StringField(_l("联系人"))
    contact_email = StringField(_l("联系邮箱"))
    contact_phone = StringField(_l("联系电话"))
    expires_at = StringField(
        _l("有效期至"), description=_l("留空则为发布后 12 个月"), render_kw=DATE_INPUT
    )
    submit = SubmitField(_l("保存草稿"))


class CatalogueForm(ListingForm):
    trl = SelectField(
        _l("技术成熟度（TRL）"),
        choices=TRL_CHOICES,
        validate_choice=False,
        description=_l("1 为原理发现，9 为规模化应用；请按已有证据选择"),
    )
    ip_status = SelectField(
        _l("知识产权状态"),
        validate_choice=False,
        choices=[("", _l("（未填写）"))] + list(IP_STATUSES.items()),
    )
    patent_numbers = TextAreaField(
        _l("关联专利号"),
        description=_l("每行一个，例：CN115123456A 或 ZL202110123456.7"),
        render_kw={"rows": 2},
    )
    price_min = StringField(_l("参考价格下限（万元）"), render_kw=NUMBER_INPUT)
    price_max = StringField(_l("参考价格上限（万元）"), render_kw=NUMBER_INPUT)
    advantages = TextAreaField(
        _l("相比现有方案的优势"),
        description=_l(
            "买方最关心的一点：节能、降本、减排或性能上比现有做法好在哪里，尽量给出数字"
        ),
        render_kw={"rows": 3},
    )
    application_scenarios = TextAreaField(
        _l("应用场景"),
        description=_l("适用的行业、工况和规模，例如“年用电 500 万千瓦时以上的工业园区”"),
        render_kw={"rows": 3},
    )
    maturity_evidence = TextAreaField(
        _l("成熟度证据"),
        description=_l("中试、示范工程、检测报告、用户案例或认证，说明时间和规模"),
        render_kw={"rows": 3},
    )
    carbon_reduction_amount = StringField(_l("预计减碳量"), render_kw=NUMBER_INPUT)
    carbon_reduction_unit = StringField(
        _l("减碳量单位"), description=_l("例：吨 CO₂e/年、吨 CO₂e/套")
    )
    carbon_reduction_basis = TextAreaField(
        _l("减碳量测算依据"),
        description=_l("基准情景、测算方法或标准、边界和假设"),
        render_kw={"rows": 2},
    )


class NeedForm(ListingForm):
    min_trl = SelectField(
        _l("要求的最低成熟度（TRL）"),
        choices=TRL_CHOICES,
        validate_choice=False,
        description=_l("能接受的最早阶段：6 以上表示需要已完成中试的技术"),
    )
    budget_min = StringField(_l("预算下限（万元）"), render_kw=NUMBER_INPUT)
    budget_max = StringField(_l("预算上限（万元）"), render_kw=NUMBER_INPUT)
    deadline = StringField(_l("期望解决时间"), render_kw=DATE_INPUT)
    region = StringField(_l("实施地点"), description=_l("例：厦门、海沧区"))


def _grouped_choices(taxonomy: str) -> dict[str, list[tuple[str, str]]]:
    """Select options grouped by the taxonomy's top level (the plan's actions, or categories)."""
    groups: dict[str, list[tuple[str, str]]] = {"": [("", str(_l("（未选择）")))]}
    areas = db.session.scalars(
        select(TaxonomyArea)
        .where(TaxonomyArea.taxonomy == taxonomy)
        .order_by(TaxonomyArea.position, TaxonomyArea.code)
    )
    by_parent: dict[int | None, list[TaxonomyArea]] = {}
    for area in areas:
        by_parent.setdefault(area.parent_id, []).append(area)

    def leaves(area: TaxonomyArea) -> list[TaxonomyArea]:
        children = by_parent.get(area.id, [])
        return [area] if not children else [leaf for c in children for leaf in leaves(c)]

    for root in taxonomy_service.roots(taxonomy):
        options = [(root.code, f"{root.label}（整个行动）")] if taxonomy == PLAN_TAXONOMY else []
        options += [(leaf.code, leaf.label) for leaf in leaves(root) if leaf is not root]
        groups[root.label] = options
    return groups


def build_listing_form(kind: ListingKind, data: dict[str, Any] | None = None) -> ListingForm:
    """The form for `kind`, filled from `data` (input field names) or from the request."""
    form_class = NeedForm if kind is ListingKind.NEED else CatalogueForm
    form = form_class(data=_form_values(data) if data is not None else None)
    form.area.choices = _grouped_choices(PLAN_TAXONOMY)
    form.industry_area.choices = _grouped_choices(GREEN_INDUSTRY_TAXONOMY)
    return form


def _form_values(data: dict[str, Any]) -> dict[str, Any]:
    """Stored values as the form's widgets show them (lists as text, numbers as strings)."""
    shown: dict[str, Any] = {}
    for name, value in data.items():
        if name == "patent_numbers":
            shown[name] = "\n".join(value)
        elif name == "keywords":
            shown[name] = "，".join(value)
        elif name == "transfer_modes":
            shown[name] = list(value)
        elif value is None:
            shown[name] = ""
        else:
            shown[name] = str(value)
    return shown


def form_input(kind: ListingKind, form: ListingForm) -> dict[str, Any]:
    """The submitted values under the validator's input names; an empty plan area is filled
    with the best suggestion for the text (the form offers the same suggestions)."""
    return with_suggested_area(
        {spec.name: getattr(form, spec.name).data for spec in fields_for(kind)}
    )


def show_errors(form: ListingForm, errors: dict[str, str]) -> None:
    for name, message in errors.items():
        field: Field | None = getattr(form, name, None)
        if field is not None:
            field.errors = [*field.errors, message]
