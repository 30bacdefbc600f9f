"""Reading stored matches: a listing's current matches, its latest run, and the broker's board."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, or_, select

from portal.accounts.models import User
from portal.extensions import db
from portal.listings.kinds import Listing, ListingKind, kind_of
from portal.listings.models import ListingStatus, Need, Technology
from portal.matches.feedback import feedback_of
from portal.matches.models import Match, MatchFeedback, MatchRun, MatchState, MatchSubscription
from portal.security import Action, can
from portal.taxonomy.models import TaxonomyArea

DEFAULT_BOARD_MIN_SCORE = 0.4


def can_see_matches(user: User | None, listing: Listing) -> bool:
    """A need's matches are published technologies, so anyone may see them; which needs match a
    technology is for its owner and the brokers."""
    if kind_of(listing) is ListingKind.NEED:
        return True
    return can(user, Action.VIEW_LISTING_MATCHES, listing)


def _pair_column(listing: Listing):  # noqa: ANN202 - a mapped column
    return Match.need_id if kind_of(listing) is ListingKind.NEED else Match.technology_id


def current_matches(listing: Listing, limit: int = 10) -> list[Match]:
    """The listing's pairs from the latest ranking, best first."""
    return list(
        db.session.scalars(
            select(Match)
            .where(
                _pair_column(listing) == listing.id,
                Match.technology_id.is_not(None),
                Match.need_id.is_not(None),
                Match.is_current.is_(True),
            )
            .order_by(Match.score.desc(), Match.id)
            .limit(limit)
        )
    )


def latest_run(listing: Listing) -> MatchRun | None:
    return db.session.scalar(
        select(MatchRun).where(
            MatchRun.entity_type == kind_of(listing).entity_type,
            MatchRun.entity_id == listing.id,
        )
    )


def subscription_of(user: User | None, listing: Listing) -> MatchSubscription | None:
    if user is None or not user.is_authenticated:
        return None
    column = (
        MatchSubscription.need_id
        if kind_of(listing) is ListingKind.NEED
        else MatchSubscription.technology_id
    )
    return db.session.scalar(
        select(MatchSubscription).where(MatchSubscription.user_id == user.id, column == listing.id)
    )


@dataclass(frozen=True)
class NextStep:
    """What a viewer can do when no match is offered: a label and, where it is a page, its URL."""

    label: str
    url: str | None = None


def next_steps(listing: Listing, subscribed: bool) -> list[NextStep]:
    """When nothing fits: subscribe, search the catalogue in other words, and the broker's help
    (brokers see needs without a recommendation on their board)."""
    steps = []
    if not subscribed:
        steps.append(NextStep(str(_l("订阅新匹配：有相符的新成果或需求发布时通知您"))))
    steps.append(
        NextStep(
            str(_l("在成果库中搜索相近的技术")),
            url_for("search.results", q=listing.title),
        )
    )
    if kind_of(listing) is ListingKind.NEED:
        steps.append(
            NextStep(str(_l("平台技术经纪人会在撮合看板上看到这条暂无推荐的需求，并协助寻找")))
        )
    steps.append(NextStep(str(_l("补充现象、指标、预算和约束条件，便于更准确地匹配"))))
    return steps


@dataclass(frozen=True)
class MatchSection:
    """What a listing's page shows about its matches, for one viewer."""

    visible: bool
    counterpart: str  # "technology" on a need's page, "need" on a technology's
    matches: list[Match] = field(default_factory=list)
    run: MatchRun | None = None
    subscribed: bool = False
    can_give_feedback: bool = False
    feedback: dict[int, MatchFeedback] = field(default_factory=dict)  # the viewer's org's
    next_steps: list[NextStep] = field(default_factory=list)  # only when nothing is offered
    # The deal states the viewer may see (match id -> state): the parties' and staff's only.
    deal_states: dict[int, MatchState] = field(default_factory=dict)


def visible_deal_state(user: User | None, match: Match) -> MatchState | None:
    """How the deal stands, for the two organizations (and the one that reached out) and
    staff; None for everyone else, who must not learn who is negotiating with whom."""
    return match.state if can(user, Action.VIEW_DEAL_STATE, match) else None


def match_section(user: User | None, listing: Listing, limit: int = 10) -> MatchSection:
    is_need = kind_of(listing) is ListingKind.NEED
    counterpart = "technology" if is_need else "need"
    if not can_see_matches(user, listing):
        return MatchSection(visible=False, counterpart=counterpart)
    matches = current_matches(listing, limit)
    org_id = user.organization_id if user is not None and user.is_authenticated else None
    run = latest_run(listing)
    subscribed = subscription_of(user, listing) is not None
    return MatchSection(
        visible=True,
        counterpart=counterpart,
        matches=matches,
        run=run,
        subscribed=subscribed,
        can_give_feedback=bool(matches) and can(user, Action.GIVE_MATCH_FEEDBACK, matches[0]),
        feedback=feedback_of([m.id for m in matches], org_id),
        next_steps=next_steps(listing, subscribed) if run is not None and not matches else [],
        deal_states={
            m.id: state for m in matches if (state := visible_deal_state(user, m)) is not None
        },
    )


def needs_without_recommendation(limit: int = 20) -> list[Need]:
    """Open needs whose latest ranking offered nothing, newest ranking first (for brokers)."""
    return list(
        db.session.scalars(
            select(Need)
            .join(MatchRun, (MatchRun.entity_type == "need") & (MatchRun.entity_id == Need.id))
            .where(MatchRun.results == 0, Need.status == ListingStatus.PUBLISHED)
            .order_by(MatchRun.computed_at.desc(), Need.id.desc())
            .limit(limit)
        )
    )


@dataclass(frozen=True)
class BoardFilter:
    area: str | None = None  # plan action or field code, of the need or the technology
    min_score: float = DEFAULT_BOARD_MIN_SCORE
    state: MatchState | None = MatchState.SUGGESTED


def parse_board_filter(args: dict) -> tuple[BoardFilter, dict[str, str]]:
    """Filters from query arguments; errors name the bad ones."""
    errors: dict[str, str] = {}
    area = (args.get("area") or "").strip() or None
    min_score = DEFAULT_BOARD_MIN_SCORE
    if (raw := (args.get("min_score") or "").strip()) != "":
        try:
            min_score = float(raw)
        except ValueError:
            errors["min_score"] = _l("应为 0 到 1 之间的数")
        else:
            if not 0 <= min_score <= 1:
                errors["min_score"] = _l("应为 0 到 1 之间的数")
    state: MatchState | None = MatchState.SUGGESTED
    raw_state = args.get("state")
    if raw_state is not None:
        try:
            state = MatchState(raw_state) if raw_state else None
        except ValueError:
            errors["state"] = _l("不是可选的状态")
    return BoardFilter(area, min_score, state), errors


def _area_ids(code: str) -> Select:
    parent = TaxonomyArea.__table__.alias("parent_area")
    return (
        select(TaxonomyArea.id)
        .outerjoin(parent, parent.c.id == TaxonomyArea.parent_id)
        .where(or_(TaxonomyArea.code == code, parent.c.code == code))
    )


def board_query(filters: BoardFilter) -> Select[tuple[Match]]:
    """Current technology-need pairs across the platform, newest and strongest first."""
    query = (
        select(Match)
        .where(
            Match.technology_id.is_not(None),
            Match.need_id.is_not(None),
            Match.is_current.is_(True),
            Match.score >= filters.min_score,
        )
        .order_by(Match.created_at.desc(), Match.score.desc(), Match.id.desc())
    )
    if filters.state is not None:
        query = query.where(Match.state == filters.state)
    if filters.area:
        areas = _area_ids(filters.area)
        query = query.where(
            or_(
                Match.need_id.in_(select(Need.id).where(Need.area_id.in_(areas))),
                Match.technology_id.in_(select(Technology.id).where(Technology.area_id.in_(areas))),
            )
        )
    return query
