"""Patents tied to the platform: technologies that list them, organizations that file them.

Technologies: a listing's `patent_numbers` hold publication numbers (CN112345678A) or
application numbers (ZL201910123456.7); both are matched after normalizing.
Organizations: an applicant name names an organization through the alias table; exact
normalized-name matches are suggested, and only a broker's confirmation makes them count.
"""

from __future__ import annotations

import re

from sqlalchemy import delete, insert, select

from portal.accounts.models import User
from portal.audit.service import record_change
from portal.domain_errors import Conflict, NotFound
from portal.extensions import db
from portal.listings.models import Technology
from portal.model_mixins import utcnow
from portal.organizations.models import Organization
from portal.patents.access import ensure_patent_staff
from portal.patents.models import ApplicantAlias, Patent, PatentApplicant, PatentTechnology
from portal.patents.numbers import FormatError, normalize_name, parse_publication_number


def _application_key(text: str) -> str:
    """'ZL201910123456.7', 'CN201910123456.7', '201910123456.7' -> '201910123456'."""
    digits = re.sub(r"^(ZL|CN)", "", text.strip().upper())
    return re.sub(r"\D", "", digits.split(".")[0])


def link_technologies() -> int:
    """Rebuild the technology links from every technology's patent numbers; returns links."""
    by_publication: dict[str, int] = {}
    by_application: dict[str, int] = {}
    for patent_id, number, application in db.session.execute(
        select(Patent.id, Patent.publication_number, Patent.application_number)
    ):
        by_publication[number] = patent_id
        # A publication number without its kind code names the same document.
        by_publication.setdefault(re.sub(r"[A-Z]\d?$", "", number), patent_id)
        if application:
            by_application[_application_key(application)] = patent_id
    links: set[tuple[int, int]] = set()
    for technology_id, numbers in db.session.execute(
        select(Technology.id, Technology.patent_numbers)
    ):
        for number in numbers or []:
            patent_id = by_application.get(_application_key(number))
            if patent_id is None:
                try:
                    patent_id = by_publication.get(parse_publication_number(number, "CN").text)
                except FormatError:
                    continue
            if patent_id is not None:
                links.add((patent_id, technology_id))
    db.session.execute(delete(PatentTechnology))
    if links:
        db.session.execute(
            insert(PatentTechnology), [{"patent_id": p, "technology_id": t} for p, t in links]
        )
    return len(links)


def suggest_aliases() -> int:
    """Suggest (unconfirmed) aliases where an applicant's normalized name is an organization's."""
    organizations = {normalize_name(o.name): o for o in db.session.scalars(select(Organization))}
    known = set(db.session.scalars(select(ApplicantAlias.normalized_name)))
    added = 0
    for normalized, name in db.session.execute(
        select(PatentApplicant.normalized_name, PatentApplicant.name).distinct()
    ):
        org = organizations.get(normalized)
        if org is not None and normalized not in known:
            db.session.add(ApplicantAlias(normalized_name=normalized, name=name, organization=org))
            known.add(normalized)
            added += 1
    db.session.flush()
    return added


def add_alias(actor: User, name: str, organization: Organization) -> ApplicantAlias:
    """A broker states that applicant `name` is `organization` (confirmed at once, audited)."""
    ensure_patent_staff(actor)
    normalized = normalize_name(name)[:300]
    if not normalized:
        raise NotFound()
    existing = db.session.scalar(
        select(ApplicantAlias).where(ApplicantAlias.normalized_name == normalized)
    )
    if (
        existing is not None
        and existing.organization_id != organization.id
        and existing.confirmed_at
    ):
        raise Conflict()
    alias = existing or ApplicantAlias(normalized_name=normalized, name=name[:300])
    alias.organization = organization
    db.session.add(alias)
    confirm_alias(actor, alias)
    return alias


def confirm_alias(actor: User, alias: ApplicantAlias) -> None:
    ensure_patent_staff(actor)
    alias.confirmed_by = actor
    alias.confirmed_at = utcnow()
    db.session.flush()
    record_change(
        actor, "confirm_applicant_alias", "patent_applicant_alias", alias.id, None,
        {"name": alias.name, "organization_id": alias.organization_id},
    )  # fmt: skip


def linked_organizations(patent: Patent) -> dict[int, Organization]:
    """Applicant position -> the organization a confirmed alias names."""
    names = {a.normalized_name: a.position for a in patent.applicants}
    if not names:
        return {}
    aliases = db.session.scalars(
        select(ApplicantAlias).where(
            ApplicantAlias.normalized_name.in_(list(names)),
            ApplicantAlias.confirmed_at.is_not(None),
        )
    )
    return {names[a.normalized_name]: a.organization for a in aliases}
