"""Ranking from the database and storing the result as suggested matches.

A need's ranking is the canonical one: each stored technology-need pair carries the score, the
parts and the explanation of ranking technologies for that need, so a pair reads the same on
both listings' pages. A technology that changes is first ranked against the open needs to find
the needs it may now belong to; those needs (and the needs that listed it before) are re-ranked.

Rows people acted on are never lost: a pair in state contacted, negotiating, contracted or
rejected keeps its state and gets its score refreshed; a suggestion that drops out of the top
is deleted unless someone gave feedback on it, in which case it stays, flagged not current.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, replace
from datetime import date
from functools import cached_property

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, select

from embeddings.protocol import TextEmbedder
from matching.candidate_index import CandidateIndex, build_index
from matching.matcher import (
    CALIBRATED_EMBEDDER,
    DEFAULT_WEIGHTS,
    MatchResult,
    MatchWeights,
    failed_check_summary,
    rank_needs_for_technology,
    rank_technologies_for_need,
)
from portal.embeddings.service import get_embedder
from portal.extensions import db
from portal.listings.models import Need, Technology
from portal.matches.feedback_calibration import live_feedback_weights
from portal.matches.models import Match, MatchFeedback, MatchRun, MatchState
from portal.matches.profiles import (
    AreaCodes,
    is_open,
    need_profile,
    open_listings,
    plan_area_codes,
    technology_profile,
)
from portal.model_mixins import utcnow

DEFAULT_TOP_N = 10


@dataclass
class RecomputeReport:
    needs_ranked: int = 0
    technologies_ranked: int = 0
    matches_stored: int = 0
    listings_retired: int = 0


def match_weights(embedder_name: str | None = None) -> MatchWeights:
    """MATCH_WEIGHTS (a mapping of MatchWeights fields) overrides the calibrated defaults. The
    default recommendation threshold was calibrated on one model's scores; with another
    embedder (the lexical fallback, the test vectorizer) it means nothing and is not applied."""
    configured = current_app.config.get("MATCH_WEIGHTS")
    if configured:
        return MatchWeights(**configured)
    refit = live_feedback_weights()
    if refit is not None:
        return refit
    if embedder_name is not None and embedder_name != CALIBRATED_EMBEDDER:
        return replace(DEFAULT_WEIGHTS, recommend_min=0.0)
    return DEFAULT_WEIGHTS


def top_n() -> int:
    return int(current_app.config.get("MATCH_TOP_N", DEFAULT_TOP_N))


class RankingContext:
    """One recompute's view of the platform: the embedder, area codes and candidate indices,
    each built once on first use."""

    def __init__(self, today: date | None = None, embedder: TextEmbedder | None = None):
        self.today = today or utcnow().date()
        self.embedder = embedder or get_embedder()
        self.weights = match_weights(self.embedder.name)
        self.limit = top_n()

    @cached_property
    def areas(self) -> AreaCodes:
        return plan_area_codes()

    @cached_property
    def technologies(self) -> CandidateIndex:
        rows = open_listings(Technology, self.today)
        profiles = [technology_profile(row, self.areas) for row in rows]
        return build_index(profiles, embedder=self.embedder)

    @cached_property
    def needs(self) -> CandidateIndex:
        rows = open_listings(Need, self.today)
        return build_index([need_profile(row, self.areas) for row in rows], embedder=self.embedder)

    def rank_need(self, need: Need) -> tuple[list[MatchResult], list[dict]]:
        """Top technologies for ``need`` and, per fit check, how many candidates it excluded."""
        profile = need_profile(need, self.areas)
        results = rank_technologies_for_need(
            profile,
            self.technologies,
            weights=self.weights,
            limit=self.limit,
            today=self.today,
            embedder=self.embedder,
        )
        return self._recommended(results, self._failed_checks(profile, self.technologies))

    def rank_technology(self, technology: Technology) -> tuple[list[MatchResult], list[dict]]:
        profile = technology_profile(technology, self.areas)
        results = rank_needs_for_technology(
            profile,
            self.needs,
            weights=self.weights,
            limit=self.limit,
            today=self.today,
            embedder=self.embedder,
        )
        return self._recommended(results, self._failed_checks(profile, self.needs))

    def _recommended(
        self, results: list[MatchResult], failed: list[dict]
    ) -> tuple[list[MatchResult], list[dict]]:
        """Only results whose texts match well enough are offered; the rest are counted, so an
        empty ranking can say why."""
        kept = [result for result in results if result.recommended]
        if len(kept) < len(results):
            detail = _("%(n)d 项相关度低于推荐线（文字相关分 %(min).2f），未作推荐") % {
                "n": len(results) - len(kept),
                "min": self.weights.recommend_min,
            }
            failed = [*failed, {"name": "recommend_min", "passed": False, "detail": detail}]
        return kept, failed

    def _failed_checks(self, profile: object, index: CandidateIndex) -> list[dict]:
        if len(index) == 0:
            return []
        return [asdict(check) for check in failed_check_summary(profile, index, today=self.today)]


def _has_feedback(match_ids: Iterable[int]) -> set[int]:
    ids = list(match_ids)
    if not ids:
        return set()
    return set(
        db.session.scalars(select(MatchFeedback.match_id).where(MatchFeedback.match_id.in_(ids)))
    )


def _pair_rows(need_id: int) -> dict[int, Match]:
    rows = db.session.scalars(
        select(Match).where(Match.need_id == need_id, Match.technology_id.is_not(None))
    )
    return {row.technology_id: row for row in rows}


def _let_go(rows: Iterable[Match]) -> None:
    """Rows no longer in the ranking: bare suggestions go, the rest stay flagged not current."""
    rows = list(rows)
    kept = _has_feedback(row.id for row in rows)
    for row in rows:
        if row.state is MatchState.SUGGESTED and row.id not in kept:
            db.session.delete(row)
        else:
            row.is_current = False


def store_need_ranking(need: Need, results: list[MatchResult]) -> int:
    """Upsert the pairs of ``results`` for ``need``; returns how many rows are current."""
    existing = _pair_rows(need.id)
    for result in results:
        row = existing.pop(int(result.technology_id), None)
        if row is None:
            row = Match(technology_id=int(result.technology_id), need_id=need.id)
            row.state = MatchState.SUGGESTED
            db.session.add(row)
        item = result.to_api("technology")
        row.score = result.score
        row.score_parts = item["parts"]
        row.explanation = item["explanation"]
        row.confidence = result.confidence
        row.is_current = True
    _let_go(existing.values())
    return len(results)


def _save_run(
    entity_type: str, entity_id: int, candidates: int, results: int, failed: list[dict], name: str
) -> None:
    run = db.session.scalar(
        select(MatchRun).where(MatchRun.entity_type == entity_type, MatchRun.entity_id == entity_id)
    )
    if run is None:
        run = MatchRun(entity_type=entity_type, entity_id=entity_id)
        db.session.add(run)
    run.computed_at = utcnow()
    run.candidates = candidates
    run.results = results
    run.failed_checks = failed
    run.embedder = name[:120]


def _forget_run(entity_type: str, entity_id: int) -> None:
    db.session.execute(
        delete(MatchRun).where(MatchRun.entity_type == entity_type, MatchRun.entity_id == entity_id)
    )


def _needs_listing(technology_id: int) -> set[int]:
    return set(
        db.session.scalars(
            select(Match.need_id).where(
                Match.technology_id == technology_id,
                Match.need_id.is_not(None),
                Match.is_current.is_(True),
            )
        )
    )


def recompute_listings(
    need_ids: Iterable[int],
    technology_ids: Iterable[int],
    *,
    context: RankingContext | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> RecomputeReport:
    """Re-rank the given listings (and the needs a changed technology touches); no commit.

    ``progress(done, total)`` hears of each listing before it is ranked; ``total`` grows while
    technologies name the needs they touch."""
    context = context or RankingContext()
    report = RecomputeReport()
    affected = set(need_ids)
    technologies = sorted(set(technology_ids))
    done = 0
    for technology_id in technologies:
        if progress is not None:
            progress(done, len(technologies) + len(affected))
        done += 1
        affected |= _needs_listing(technology_id)
        technology = db.session.get(Technology, technology_id)
        if technology is None or not is_open(technology, context.today):
            _forget_run("technology", technology_id)
            report.listings_retired += 1
            continue
        results, failed = context.rank_technology(technology)
        affected |= {int(result.need_id) for result in results}
        _save_run(
            "technology",
            technology_id,
            len(context.needs),
            len(results),
            failed,
            context.embedder.name,
        )
        report.technologies_ranked += 1
    for need_id in sorted(affected):
        if progress is not None:
            progress(done, len(technologies) + len(affected))
        done += 1
        need = db.session.get(Need, need_id)
        if need is None or not is_open(need, context.today):
            _let_go(_pair_rows(need_id).values())
            _forget_run("need", need_id)
            report.listings_retired += 1
            continue
        results, failed = context.rank_need(need)
        report.matches_stored += store_need_ranking(need, results)
        _save_run(
            "need", need_id, len(context.technologies), len(results), failed, context.embedder.name
        )
        report.needs_ranked += 1
    if progress is not None:
        progress(done, done)
    db.session.flush()
    return report
