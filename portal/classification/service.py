"""An organization's carbon type: classified from its published items and description, or set
by a broker. The only place ``Organization.carbon_type`` and ``carbon_type_basis`` change.

``carbon_type_basis`` keeps both sides so neither is lost:

    {"method": "classifier" | "override",
     "computed": {"carbon_type", "confidence", "reasons", "items": [...], "description",
                  "embedder", "at"},
     "override": {"carbon_type", "reason", "by_id", "by_name", "at"} | null}

An override wins: reclassifying refreshes ``computed`` and leaves the type alone. Functions
flush; the caller (a page, `flask classify organizations`) commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from matching.carbon import SUBJECT_SEPARATOR, CarbonClassification, classify_organization
from portal.accounts.models import User
from portal.audit.service import record_change
from portal.classification.classifiers import carbon_classifier
from portal.domain_errors import InvalidTransition, ValidationFailed
from portal.extensions import db
from portal.listings.models import ListingStatus, Technology
from portal.model_mixins import utcnow
from portal.organizations.models import CarbonType, Organization
from portal.security import Action, ensure

MAX_OVERRIDE_REASON = 500
_SHOWN_ITEM_REASONS = 3


@dataclass(frozen=True)
class OrganizationCarbonResult:
    organization_id: int
    carbon_type: CarbonType  # the type now stored (an override, if any, wins)
    computed: CarbonClassification
    overridden: bool
    changed: bool


def _item_text(item: Technology) -> str:
    """Title and keywords as the subject (what the item is), then what is said about it."""
    subject = " ".join(part for part in (item.title, " ".join(item.keywords)) if part)
    body = " ".join(dict.fromkeys(part for part in (item.summary, item.description) if part))
    return f"{subject}{SUBJECT_SEPARATOR}{body}" if body else subject


def _plan_field(item: Technology) -> str | None:
    area = item.area
    return area.code if area is not None and area.taxonomy == "plan" else None


def published_items(org: Organization) -> list[Technology]:
    return list(
        db.session.scalars(
            select(Technology)
            .where(Technology.owner_org_id == org.id, Technology.status == ListingStatus.PUBLISHED)
            .order_by(Technology.id)
        )
    )


def _classification_json(result: CarbonClassification) -> dict[str, Any]:
    return {
        "carbon_type": result.carbon_type,
        "confidence": result.confidence,
        "reasons": list(result.reasons),
    }


def compute_carbon_type(org: Organization) -> tuple[CarbonClassification, dict[str, Any]]:
    """The classifier's verdict on ``org`` and the record of how it was reached."""
    classifier = carbon_classifier()
    items = published_items(org)
    item_results = [classifier.classify(_item_text(i), plan_area=_plan_field(i)) for i in items]
    description = (
        classifier.classify(org.description)
        if org.description and org.description.strip()
        else None
    )
    verdict = classify_organization(item_results, description)
    computed = {
        **_classification_json(verdict),
        "items": [
            {
                "id": item.id,
                "title": item.title,
                "carbon_type": result.carbon_type,
                "confidence": result.confidence,
                "reasons": list(result.reasons[:_SHOWN_ITEM_REASONS]),
            }
            for item, result in zip(items, item_results, strict=True)
        ],
        "description": _classification_json(description) if description else None,
        "embedder": getattr(classifier.embedder, "name", None),
        "at": utcnow().isoformat(timespec="seconds"),
    }
    return verdict, computed


def has_override(org: Organization) -> bool:
    """Whether a broker's type decides for this organization (reclassifying keeps it)."""
    return _override_of(org) is not None


def _override_of(org: Organization) -> dict[str, Any] | None:
    return (org.carbon_type_basis or {}).get("override")


def _state(org: Organization) -> dict[str, Any]:
    override = _override_of(org)
    return {
        "carbon_type": org.carbon_type.value if org.carbon_type else None,
        "override": dict(override) if override else None,
    }


def classify_organization_carbon(
    org: Organization, actor: User | None = None
) -> OrganizationCarbonResult:
    """Classify ``org`` and store the result; a broker's override stays in force.

    ``actor`` is the broker or admin who asked (None for the command line); a change of the
    stored type is audited either way.
    """
    if actor is not None:
        ensure(actor, Action.CLASSIFY_ORGANIZATION, org)
    before = _state(org)
    verdict, computed = compute_carbon_type(org)
    override = _override_of(org)
    new_type = CarbonType(override["carbon_type"] if override else verdict.carbon_type)
    org.carbon_type_basis = {
        "method": "override" if override else "classifier",
        "computed": computed,
        "override": override,
    }
    changed = org.carbon_type != new_type
    org.carbon_type = new_type
    if changed:
        record_change(
            actor, "organization.carbon_classify", "organization", org.id, before, _state(org)
        )
    db.session.flush()
    return OrganizationCarbonResult(org.id, new_type, verdict, override is not None, changed)


def override_carbon_type(
    org: Organization, carbon_type: CarbonType | str, reason: str, actor: User
) -> None:
    """A broker sets the type by hand, with a reason; audited, and it wins over the classifier."""
    ensure(actor, Action.CLASSIFY_ORGANIZATION, org)
    try:
        carbon_type = CarbonType(carbon_type)
    except ValueError as exc:
        raise ValidationFailed({"carbon_type": _l("请选择负碳、零碳、低碳或非低碳类")}) from exc
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": _l("请填写人工认定的理由")})
    if len(reason) > MAX_OVERRIDE_REASON:
        raise ValidationFailed({"reason": _l("理由不超过 %(limit)d 字", limit=MAX_OVERRIDE_REASON)})
    before = _state(org)
    basis = dict(org.carbon_type_basis or {})
    basis["method"] = "override"
    basis["override"] = {
        "carbon_type": carbon_type.value,
        "reason": reason,
        "by_id": actor.id,
        "by_name": actor.name or actor.email,
        "at": utcnow().isoformat(timespec="seconds"),
    }
    org.carbon_type_basis = basis
    org.carbon_type = carbon_type
    record_change(
        actor, "organization.carbon_override", "organization", org.id, before, _state(org)
    )
    db.session.flush()


def clear_carbon_override(org: Organization, actor: User) -> None:
    """Withdraw the override: the classifier's last verdict (if any) becomes the type again."""
    ensure(actor, Action.CLASSIFY_ORGANIZATION, org)
    if _override_of(org) is None:
        raise InvalidTransition(_l("该机构没有人工认定的类型"), code="no_override")
    before = _state(org)
    basis = dict(org.carbon_type_basis or {})
    basis["method"] = "classifier"
    basis["override"] = None
    computed = basis.get("computed")
    org.carbon_type_basis = basis
    org.carbon_type = CarbonType(computed["carbon_type"]) if computed else None
    record_change(
        actor, "organization.carbon_override_clear", "organization", org.id, before, _state(org)
    )
    db.session.flush()


def organization_ids(only: list[int] | None = None) -> list[int]:
    """Ids to classify, read up front: each classification commits on its own."""
    query = select(Organization.id).order_by(Organization.id)
    if only:
        query = query.where(Organization.id.in_(only))
    return list(db.session.scalars(query))
