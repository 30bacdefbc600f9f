"""When matches are recomputed: after listing changes (an outbox handler), and from the CLI."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy import Select, and_, or_, select

from portal.extensions import db
from portal.listings.models import ListingStatus, Need, Technology
from portal.matches.models import Match, MatchRun
from portal.matches.ranking import RankingContext, RecomputeReport, recompute_listings
from portal.model_mixins import utcnow
from portal.outbox.service import OutboxEvent

MATCH_HANDLER = "matches"
ENTITY_MODELS: dict[str, type[Technology] | type[Need]] = {"technology": Technology, "need": Need}


def recompute_changes(events: Sequence[OutboxEvent]) -> None:
    """Outbox handler: re-rank the technologies and needs that changed (organizations are
    ignored: nothing the matcher reads belongs to them). The drain commits."""
    need_ids = {e.entity_id for e in events if e.entity_type == "need"}
    technology_ids = {e.entity_id for e in events if e.entity_type == "technology"}
    if need_ids or technology_ids:
        recompute_listings(need_ids, technology_ids)


def _open_ids(model: type[Technology] | type[Need]) -> Select:
    today = utcnow().date()
    return select(model.id).where(
        model.status == ListingStatus.PUBLISHED,
        or_(model.expires_at.is_(None), model.expires_at >= today),
    )


def _ids_to_rank(model: type[Technology] | type[Need], entity_type: str, only_stale: bool) -> set:
    """Open listings (all, or those never ranked or edited since their last run), and closed
    listings that still have a run (so their suggestions are retired)."""
    open_query = _open_ids(model)
    open_ids = set(db.session.scalars(open_query))
    ranked = set(
        db.session.scalars(select(MatchRun.entity_id).where(MatchRun.entity_type == entity_type))
    )
    if only_stale:
        stale_query = open_query.outerjoin(
            MatchRun, and_(MatchRun.entity_type == entity_type, MatchRun.entity_id == model.id)
        ).where(or_(MatchRun.id.is_(None), MatchRun.computed_at < model.updated_at))
        return set(db.session.scalars(stale_query)) | (ranked - open_ids)
    return open_ids | (ranked - open_ids)


def recompute_all(
    *, only_stale: bool = False, progress: Callable[[int, int], None] | None = None
) -> RecomputeReport:
    """Re-rank every open listing (or, with ``only_stale``, those never ranked or edited since),
    retire listings that closed (archived, expired); flushes, the caller commits.
    ``progress(done, total)`` hears of each listing (see ``recompute_listings``)."""
    need_ids = _ids_to_rank(Need, "need", only_stale)
    technology_ids = _ids_to_rank(Technology, "technology", only_stale)
    if not only_stale:
        # needs that still hold pairs but were never ranked themselves (older data)
        need_ids |= set(db.session.scalars(select(Match.need_id).where(Match.need_id.is_not(None))))
    report = recompute_listings(
        need_ids, technology_ids, context=RankingContext(), progress=progress
    )
    db.session.flush()
    return report
