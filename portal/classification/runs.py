"""Classifying many organizations, one transaction each: the command and the maintenance job."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from portal.classification.service import classify_organization_carbon
from portal.extensions import db
from portal.organizations.models import Organization
from portal.transactions import unit_of_work


@dataclass
class ClassificationRun:
    by_type: Counter[str] = field(default_factory=Counter)  # carbon type value -> organizations
    changed: int = 0
    overridden: int = 0


def classify_each(
    ids: Sequence[int], progress: Callable[[int, int], None] | None = None
) -> ClassificationRun:
    """Classify the organizations ``ids``, committing each as it is classified (a long run
    that stops keeps what it did); ``progress(done, total)`` hears of each."""
    run = ClassificationRun()
    if progress is not None:
        progress(0, len(ids))  # the first one waits for the classifier to load its examples
    for done, org_id in enumerate(ids, start=1):
        org = db.session.get(Organization, org_id)
        if org is not None:  # deleted since the ids were read
            with unit_of_work():
                result = classify_organization_carbon(org)
            run.by_type[result.carbon_type.value] += 1
            run.changed += result.changed
            run.overridden += result.overridden
        if progress is not None:
            progress(done, len(ids))
    return run
