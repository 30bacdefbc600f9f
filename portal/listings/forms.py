"""Posting forms for technologies, products and needs, built from the field specification.

The forms only render fields, carry labels and help texts (from `portal.listings.fields`) and
hold the CSRF token; the values are checked by `validate_listing_data`, the same validator the
API and imports use, and its messages are put back on the fields.
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
from portal.listings.fields import ListingField, Widget, fields_for
from portal.listings.kinds import TRL_LEVELS, ListingKind
from portal.taxonomy import service as taxonomy_service
from portal.taxonomy.models import GREEN_INDUSTRY_TAXONOMY, PLAN_TAXONOMY, TaxonomyArea

NOT_FILLED = ("", _l("（未填写）"))
DATE_INPUT = {"type": "date"}
NUMBER_INPUT = {"inputmode": "decimal"}
TRL_CHOICES = [NOT_FILLED] + [
    (str(level), _l("TRL %(level)d：%(text)s", level=level, text=text))
    for level, text in TRL_LEVELS.items()
]


class CheckboxesField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def _form_field(spec: ListingField) -> Field:
    """The WTForms field showing `spec`; values are checked by the validator, not here."""
    help_text = spec.help or ""
    match spec.widget:
        case Widget.TEXTAREA:
            return TextAreaField(spec.label, description=help_text, render_kw={"rows": spec.rows})
        case Widget.NUMBER:
            return StringField(spec.label, description=help_text, render_kw=NUMBER_INPUT)
        case Widget.DATE:
            return StringField(spec.label, description=help_text, render_kw=DATE_INPUT)
        case Widget.TRL:
            return SelectField(
                spec.label, choices=TRL_CHOICES, validate_choice=False, description=help_text
            )
        case Widget.SELECT:
            # Area fields get their grouped taxonomy choices per request (build_listing_form).
            choices = [NOT_FILLED, *(spec.choices or {}).items()]
            return SelectField(
                spec.label, choices=choices, validate_choice=False, description=help_text
            )
        case Widget.CHECKBOXES:
            return CheckboxesField(
                spec.label,
                choices=list((spec.choices or {}).items()),
                validate_choice=False,
                description=help_text,
            )
    return StringField(spec.label, description=help_text)


class ListingForm(FlaskForm):
    """The CSRF token and the save button; each kind's fields come from the field specification."""

    submit = SubmitField(_l("保存草稿"))


def _form_class(name: str, kind: ListingKind) -> type[ListingForm]:
    return type(name, (ListingForm,), {spec.name: _form_field(spec) for spec in fields_for(kind)})


CatalogueForm = _form_class("CatalogueForm", ListingKind.TECHNOLOGY)
NeedForm = _form_class("NeedForm", ListingKind.NEED)


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
