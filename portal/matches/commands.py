"""`flask --app wsgi match evaluate FILE | recompute [--all] | notify`."""

from __future__ import annotations

import time
from pathlib import Path

import click

from embeddings.loading import embedder_status
from matching.calibrate import LABELED_SETS, calibrate_rankers
from matching.evaluate import RANKING_HEADER, format_table, read_labeled_pairs
from matching.evaluations import PairsRanker, evaluate_matching
from portal.embeddings.service import get_embedder
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
    with unit_of_work():
        report = recompute_all(only_stale=not everything)
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
