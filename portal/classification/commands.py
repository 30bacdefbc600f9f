"""`flask --app wsgi classify organizations|evaluate`."""

from __future__ import annotations

import time
from pathlib import Path

import click
from flask import current_app

from matching.carbon_data import AREA_LABELED_FILE, LABELED_FILE
from matching.evaluate import ClassificationReport, format_table
from matching.evaluations import (
    evaluate_area_on_catalogue,
    evaluate_area_on_labeled,
    evaluate_carbon,
    evaluate_carbon_leave_one_out,
)
from portal.classification import service
from portal.classification.runs import classify_each
from portal.embeddings.service import get_embedder

classify_cli = click.Group("classify", help="Carbon type of organizations; classifier quality.")


@classify_cli.command("organizations")
@click.option("--org", "org_ids", type=int, multiple=True, help="Only this organization id.")
def classify_organizations_command(org_ids: tuple[int, ...]) -> None:
    """Classify every organization (or the given ones) from its published items and description.

    A broker's override stays in force; the classifier's verdict is refreshed beside it."""
    ids = service.organization_ids(list(org_ids) or None)
    if org_ids and len(ids) != len(set(org_ids)):
        missing = sorted(set(org_ids) - set(ids))
        raise click.ClickException(f"no organization with id {', '.join(map(str, missing))}")
    started = time.perf_counter()
    with click.progressbar(length=len(ids), label="classifying organizations") as bar:
        run = classify_each(ids, progress=lambda done, _total: bar.update(done - bar.pos))
    seconds = time.perf_counter() - started
    summary = ", ".join(f"{t} {run.by_type[t]}" for t in ("negative", "zero", "low", "none"))
    click.echo(
        f"classified {len(ids)} organizations in {seconds:.1f} s: {summary}; "
        f"{run.changed} changed, {run.overridden} kept a broker's override"
    )
    current_app.logger.info("classified %d organizations (%d changed)", len(ids), run.changed)


def _print_report(report: ClassificationReport) -> None:
    click.echo(
        f"\n{report.name}: {report.count} texts, accuracy {report.accuracy:.3f}, "
        f"macro-F1 {report.macro_f1:.3f}"
    )
    recall = ", ".join(f"{label} {value:.3f}" for label, value in report.recall().items())
    click.echo(f"recall per label: {recall}")
    click.echo("confusion matrix (rows: true label, columns: predicted)")
    click.echo(format_table(["true \\ predicted", *report.labels], report.table()))


@classify_cli.command("evaluate")
@click.argument(
    "labeled_file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--area-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=AREA_LABELED_FILE,
    show_default=True,
    help="Texts from outside the plan labeled with their plan field (`text`, `area`).",
)
@click.option(
    "--catalogue",
    is_flag=True,
    help="Also classify the official catalogue's own rows (说明 -> 一级/二级目录), each left out.",
)
@click.option(
    "--leave-one-out",
    is_flag=True,
    help="Measure the carbon type on the train rows instead, each with its group left out of "
    "the examples (the figures to tune on); the test rows are not read.",
)
def evaluate_command(
    labeled_file: Path | None, area_file: Path, catalogue: bool, leave_one_out: bool
) -> None:
    """Accuracy, macro-F1, recall per label and confusion matrix of the carbon-type classifier on
    the test rows of LABELED_FILE (CSV with `text`, `carbon_type` and `split`; a file without
    `split` is measured whole), its examples being the file's train rows; then top-1 / top-3 of
    the plan-field suggestions on the file's texts that carry an `area`, and on the texts of
    --area-file (none of them the plan's own sentences). Without LABELED_FILE, the project's
    labeled set (seed_data/classification/carbon_labeled.csv). With --leave-one-out, only the
    carbon type, on the train rows."""
    path = labeled_file or LABELED_FILE
    embedder = get_embedder()
    click.echo(f"embedder: {embedder.name} ({embedder.dim} dimensions)")
    started = time.perf_counter()
    if leave_one_out:
        try:
            report = evaluate_carbon_leave_one_out(embedder, path)
        except (KeyError, ValueError) as exc:
            raise click.ClickException(f"cannot read {path}: {exc}") from exc
        seconds = time.perf_counter() - started
        click.echo(f"carbon type on the train rows of {path} ({seconds:.1f} s)")
        _print_report(report)
        return
    try:
        carbon = evaluate_carbon(embedder, path)
        area = evaluate_area_on_labeled(embedder, path)
        independent = evaluate_area_on_labeled(embedder, area_file)
    except (KeyError, ValueError) as exc:
        raise click.ClickException(f"cannot read {path} or {area_file}: {exc}") from exc
    click.echo(f"carbon type on {path} ({time.perf_counter() - started:.1f} s)")
    _print_report(carbon)
    if area.count:
        click.echo(
            f"\n{area.name} on {area.count} labeled texts: top-1 {area.top1:.3f}, "
            f"top-3 {area.top3:.3f}"
        )
    click.echo(
        f"{independent.name} on {independent.count} texts of {area_file.name}: "
        f"top-1 {independent.top1:.3f}, top-3 {independent.top3:.3f}, "
        f"plan action of the first {independent.action_top1:.3f}"
    )
    for script, (count, top1, top3) in independent.by_script.items():
        click.echo(f"  {script} texts: {count}, top-1 {top1:.3f}, top-3 {top3:.3f}")
    if catalogue:
        started = time.perf_counter()
        reports = evaluate_area_on_catalogue(embedder)
        click.echo(f"\narea on the 绿色产业指导目录 rows ({time.perf_counter() - started:.1f} s)")
        for report in reports:
            if len(report.labels) > 12:
                click.echo(
                    f"\n{report.name}: {report.count} rows, accuracy {report.accuracy:.3f}, "
                    f"macro-F1 {report.macro_f1:.3f} ({len(report.labels)} labels; "
                    "confusion matrix too wide to print)"
                )
            else:
                _print_report(report)
