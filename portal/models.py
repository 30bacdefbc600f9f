"""Imports every model module so that metadata (and Alembic) sees all tables."""

from portal.accounts.models import User
from portal.api.models import ApiToken
from portal.audit.models import AuditLog
from portal.jobs.models import JobFailure
from portal.listings.models import Need, Technology
from portal.matches.models import Match, MatchFeedback, MatchRun, MatchSubscription
from portal.notifications.models import Notification
from portal.organizations.models import Organization
from portal.outbox.models import OutboxEntry
from portal.patents.models import (
    ApplicantAlias,
    Patent,
    PatentApplicant,
    PatentClassification,
    PatentTechnology,
)
from portal.roadshows.models import (
    Roadshow,
    RoadshowFeedback,
    RoadshowInvitation,
    RoadshowMeeting,
    RoadshowRegistration,
    RoadshowSlot,
)
from portal.taxonomy.models import TaxonomyArea

__all__ = [
    "ApiToken",
    "ApplicantAlias",
    "AuditLog",
    "JobFailure",
    "Match",
    "MatchFeedback",
    "MatchRun",
    "MatchSubscription",
    "Need",
    "Notification",
    "Organization",
    "OutboxEntry",
    "Patent",
    "PatentApplicant",
    "PatentClassification",
    "PatentTechnology",
    "Roadshow",
    "RoadshowFeedback",
    "RoadshowInvitation",
    "RoadshowMeeting",
    "RoadshowRegistration",
    "RoadshowSlot",
    "TaxonomyArea",
    "Technology",
    "User",
]
