"""`flask --app wsgi match evaluate FILE | recompute [--all] | notify`."""

from __future__ import annotations

import csv
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import click
from flask import current_app

from embeddings.loading import embedder_status
from matching.calibrate import LABELED_SETS, calibrate_rankers
from matching.evaluate import RANKING_HEADER, format_table, read_labeled_pairs
from matching.evaluations import PairsRanker, evaluate_matching
from matching.feedback_fit import fit_from_judgements
from portal.embeddings.service import get_embedder
from portal.matches.feedback_calibration import (
    collect_judgements,
    generate_demo_feedback,
    save_live_weights,
)
from portal.matches.jobs import committing
from portal.matches.ranking import match_weights
from portal.matches.recompute import recompute_all
from portal.matches.subscriptions import send_digests
from portal.transactions import unit_of_work

match_cli = click.Group("match", help="Offer-need matching: evaluate, recompute, notify.")


@match_cli.command("evaluate")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--calibrate",
    "recalibrate",
    is_flag=True,
    help="Choose the weights on the calibration halves first instead of using the live ones.",
)
def evaluate_command(paths: tuple[Path, ...], recalibrate: bool) -> None:
    """Recall@10, MRR, nDCG@10 and Top1 of every method on the calibration and the test half of
    each labeled set (default: both sets in seed_data/matching)."""
    embedder = get_embedder()
    status = embedder_status()
    if status is not None and status.fallback:
        click.echo(f"warning: lexical fallback embedder in use ({status.reason})", err=True)
    started = time.perf_counter()
    rankers = [PairsRanker(read_labeled_pairs(p), embedder) for p in paths or LABELED_SETS]
    weights = match_weights()
    if recalibrate:
        result = calibrate_rankers(rankers, weights)
        weights = result.weights
        click.echo(f"calibrated on the calibration halves ({result.tried} weightings tried)")
    click.echo(f"weights: {weights}")
    for path, ranker in zip(paths or LABELED_SETS, rankers, strict=True):
        for split in ("calibration", "test") if ranker.pairs.splits else (None,):
            rows = evaluate_matching(ranker, embedder, weights, split)
            click.echo(f"\n{path.name}, {f'{split} half' if split else 'all needs (no split)'}")
            click.echo(format_table(RANKING_HEADER, [row.row() for row in rows]))
        dropped, targets = ranker.pruned_targets(weights)
        click.echo(f"grade-2 targets dropped as sharing nothing: {dropped} / {targets}")
    click.echo(f"embedder {embedder.name}; {time.perf_counter() - started:.1f} s")


@match_cli.command("recompute")
@click.option("--all", "everything", is_flag=True, help="Every open listing, not only stale ones.")
def recompute_command(everything: bool) -> None:
    """Rank open listings and store their suggested matches (listings never ranked or edited
    since their last ranking; every one with --all)."""
    started = time.perf_counter()
    with unit_of_work(), ExitStack() as bars:
        shown: list[Any] = []  # the bar, once there is something to rank

        def progress(done: int, total: int) -> None:
            if not total:
                return  # nothing to rank: no bar
            if not shown:
                bar = click.progressbar(length=total, label="ranking listings", show_pos=True)
                shown.append(bars.enter_context(bar))
            shown[0].length = total  # grows while technologies name the needs they touch
            shown[0].update(done - shown[0].pos)

        report = recompute_all(only_stale=not everything, progress=committing(progress))
    click.echo(
        f"ranked {report.needs_ranked} needs and {report.technologies_ranked} technologies, "
        f"{report.matches_stored} matches stored, {report.listings_retired} closed listings "
        f"retired in {time.perf_counter() - started:.1f} s"
    )


@match_cli.command("notify")
def notify_command() -> None:
    """Send each subscriber a digest of new matches (at most one a day per subscription)."""
    with unit_of_work():
        report = send_digests()
    click.echo(
        f"digests sent {report.sent}, nothing new {report.nothing_new}, "
        f"sent within the last day {report.too_soon}, no longer allowed {report.no_access}"
    )


@match_cli.command("calibrate")
@click.option(
    "--from-feedback",
    "from_feedback",
    is_flag=True,
    help="Refit the weights on recorded feedback and pipeline outcomes.",
)
@click.option("--include-demo", is_flag=True, help="Count judgements on demo listings too.")
@click.option("--apply", "apply_fit", is_flag=True, help="Make the refit live if it passes.")
def calibrate_command(from_feedback: bool, include_demo: bool, apply_fit: bool) -> None:
    """Logistic regression of relevance on the score parts, checked on held-out needs; with
    --apply the weights go live only when they beat the live ones there."""
    if not from_feedback:
        raise click.UsageError(
            "only --from-feedback is calibrated here; for the labeled sets run "
            "`match evaluate --calibrate`"
        )
    judgements = collect_judgements(include_demo=include_demo)
    live = match_weights()
    fit = fit_from_judgements(judgements, live)
    relevant = sum(j.relevant for j in judgements)
    demo = ", demo included" if include_demo else ""
    click.echo(
        f"{fit.judgements} judgements ({relevant} relevant{demo}); "
        f"trained on {fit.trained_on}, held out {fit.held_out}"
    )
    click.echo(f"live weights:   {live}")
    click.echo(f"fitted weights: {fit.weights}")
    click.echo(f"held-out AUC: live {fit.live_auc}, fitted {fit.fitted_auc}: {fit.reason}")
    if apply_fit and fit.adopted:
        click.echo(f"adopted, written to {save_live_weights(fit, include_demo=include_demo)}")
    elif apply_fit:
        click.echo("not adopted: the live weights stay")


@match_cli.command("demo-feedback")
def demo_feedback_command() -> None:
    """Record demo judgements on the demo needs' matches (the paraphrase pairs' technology is
    relevant, other suggestions not); they are counted only with --include-demo."""
    path = Path(current_app.root_path).parent / "seed_data" / "demo" / "paraphrase_pairs.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        pairs = {row["need_title"]: row["technology_title"] for row in csv.DictReader(handle)}
    with unit_of_work():
        report = generate_demo_feedback(pairs)
    click.echo(f"demo judgements recorded on {report.judged} matches, {report.relevant} relevant")
