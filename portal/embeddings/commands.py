"""`flask --app wsgi models fetch|status`: the embedding model on disk and the live embedder."""

from __future__ import annotations

import click
from flask import current_app

from embeddings.download import ModelFetchError
from embeddings.fetch import fetch_default_model, is_model_folder
from portal.embeddings.service import configured_model, default_model_folder, embedder_report

models_cli = click.Group("models", help="The embedding model.")


@models_cli.command("fetch")
def fetch_command() -> None:
    """Fetch multilingual-e5-small into instance/models/ (once; later runs do nothing)."""
    folder = default_model_folder(current_app)
    present = is_model_folder(folder)
    try:
        fetch_default_model(folder)
    except ModelFetchError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{'already present' if present else 'fetched'}: {folder}")
    model = current_app.config.get("EMBEDDING_MODEL")
    if model and model != str(folder):
        click.echo(f"note: EMBEDDING_MODEL={model} is configured, so that model is used instead")


@models_cli.command("status")
def status_command() -> None:
    """Load the embedder as the portal does and say which one is live, and why."""
    model = configured_model(current_app)
    click.echo(f"configured model: {model}")
    report = embedder_report(current_app)
    click.echo(f"live embedder:    {report.name} ({report.kind}, {report.dim} dimensions)")
    click.echo(f"why:              {report.reason}")
    if report.fallback:
        click.echo("WARNING: fallback in use; run `flask --app wsgi models fetch`", err=True)
    click.echo(
        f"cache:            {report.cache_entries} vectors in {report.cache_path or 'memory'}"
    )
