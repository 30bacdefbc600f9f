"""Judgements from what users recorded, the refit of the weights on them, and the live weights.

Judgements come from stored matches: the feedback organizations gave (relevant or not; when both
sides judged, the majority, ties counting as relevant) and otherwise the pipeline state
(contacted, negotiating, contracted: relevant; rejected: not; bare suggestions say nothing).
Matches between demo listings are demo judgements: left out unless asked for.

Adopted weights are written to ``instance/match_weights.json`` with how they were chosen; the
ranking reads them (``portal.matches.ranking.match_weights``) and the broker's board shows the note.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import aliased

from matching.feedback_fit import FeedbackFit, Judgement
from matching.matcher import MatchWeights
from portal.extensions import db
from portal.listings.models import Need, Technology
from portal.matches.models import FeedbackReason, Match, MatchFeedback, MatchState
from portal.model_mixins import utcnow

OUTCOME = {
    MatchState.CONTACTED: True,
    MatchState.NEGOTIATING: True,
    MatchState.CONTRACTED: True,
    MatchState.REJECTED: False,
}
WEIGHTS_FILE = "match_weights.json"


def _verdicts() -> dict[int, bool]:
    votes: dict[int, list[bool]] = {}
    for match_id, relevant in db.session.execute(
        select(MatchFeedback.match_id, MatchFeedback.relevant)
    ):
        votes.setdefault(match_id, []).append(relevant)
    return {m: 2 * sum(v) >= len(v) for m, v in votes.items()}


def collect_judgements(*, include_demo: bool = False) -> list[Judgement]:
    """One judgement per stored technology-need match that someone judged or moved."""
    need, technology = aliased(Need), aliased(Technology)
    query = (
        select(Match, need.is_demo, technology.is_demo)
        .join(need, Match.need_id == need.id)
        .join(technology, Match.technology_id == technology.id)
        .where(Match.score_parts.is_not(None))
        .order_by(Match.id)
    )
    verdicts = _verdicts()
    judgements = []
    for match, need_demo, technology_demo in db.session.execute(query):
        if (need_demo or technology_demo) and not include_demo:
            continue
        relevant = verdicts.get(match.id, OUTCOME.get(match.state))
        if relevant is not None:
            judgements.append(Judgement(match.need_id, dict(match.score_parts), relevant))
    return judgements


def weights_path() -> Path:
    return Path(current_app.instance_path) / WEIGHTS_FILE


def save_live_weights(fit: FeedbackFit, *, include_demo: bool) -> Path:
    path = weights_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    record = {
        "weights": asdict(fit.weights),
        "chosen_at": utcnow().isoformat(timespec="seconds"),
        "judgements": fit.judgements,
        "trained_on": fit.trained_on,
        "held_out": fit.held_out,
        "live_auc": fit.live_auc,
        "fitted_auc": fit.fitted_auc,
        "demo": include_demo,
    }
    path.write_text(json.dumps(record, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def live_weights_record() -> dict[str, Any] | None:
    """The adopted feedback weights and how they were chosen, or None (calibrated defaults)."""
    path = weights_path()
    if not path.exists():
        return None
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        _weights_of(record)
    except (ValueError, KeyError, TypeError):
        current_app.logger.warning("ignoring unreadable %s", path)
        return None
    return record


def _weights_of(record: dict[str, Any]) -> MatchWeights:
    known = {f.name for f in fields(MatchWeights)}
    return MatchWeights(**{k: v for k, v in record["weights"].items() if k in known})


def live_feedback_weights() -> MatchWeights | None:
    record = live_weights_record()
    return _weights_of(record) if record is not None else None


@dataclass(frozen=True)
class DemoFeedbackReport:
    judged: int
    relevant: int


def generate_demo_feedback(known_pairs: dict[str, str]) -> DemoFeedbackReport:
    """Demo judgements on the demo needs' current matches: the technology a need was written
    from (``known_pairs``: need title -> technology title) is judged relevant and moved to
    contacted, every other suggestion not relevant. Only matches between demo listings; the
    need's organization gives the verdict. No commit."""
    need, technology = aliased(Need), aliased(Technology)
    rows = db.session.execute(
        select(Match, need, technology)
        .join(need, Match.need_id == need.id)
        .join(technology, Match.technology_id == technology.id)
        .where(
            need.is_demo.is_(True),
            technology.is_demo.is_(True),
            Match.is_current.is_(True),
            need.title.in_(list(known_pairs)),
        )
    )
    judged = relevant_count = 0
    for match, need_row, technology_row in rows:
        relevant = known_pairs[need_row.title] == technology_row.title
        exists = db.session.scalar(
            select(MatchFeedback).where(
                MatchFeedback.match_id == match.id,
                MatchFeedback.organization_id == need_row.owner_org_id,
            )
        )
        if exists is None:
            db.session.add(
                MatchFeedback(
                    match_id=match.id,
                    organization_id=need_row.owner_org_id,
                    relevant=relevant,
                    reason=None if relevant else FeedbackReason.NOT_OUR_FIELD,
                    comment="demo",
                )
            )
        if relevant and match.state is MatchState.SUGGESTED:
            match.state = MatchState.CONTACTED
        judged += 1
        relevant_count += relevant
    db.session.flush()
    return DemoFeedbackReport(judged, relevant_count)


def live_weights_note() -> str:
    """How the live weights were chosen, for the broker's board."""
    record = live_weights_record()
    if record is None:
        return str(
            _l(
                "当前权重：在两组标注集的校准半集上选定（测试半集未参与选择），尚未根据用户反馈调整。"
            )
        )
    note = _l(
        "当前权重：%(when)s 由 %(n)d 条反馈与对接结果重新拟合（留出检验 AUC %(live).3f → %(fit).3f）%(demo)s。"  # noqa: E501
    )
    return str(note) % {
        "when": record["chosen_at"],
        "n": record["judgements"],
        "live": record["live_auc"] or 0,
        "fit": record["fitted_auc"] or 0,
        "demo": str(_l("，含演示数据")) if record.get("demo") else "",
    }
