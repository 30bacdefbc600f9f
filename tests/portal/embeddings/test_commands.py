"""`models fetch|status`, the embedder status page, and the fallback the portal loads."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from portal.accounts.models import User
from portal.embeddings.service import (
    EXTENSION_KEY,
    default_model_folder,
    embedder_report,
    get_embedder,
)
from tests.factories import AuthActions


def test_models_fetch_is_idempotent(app: Flask, runner: FlaskCliRunner) -> None:
    folder = default_model_folder(app)
    folder.mkdir(parents=True)
    for name in ("model.safetensors", "modules.json"):
        (folder / name).write_text("present")
    result = runner.invoke(args=["models", "fetch"])
    assert result.exit_code == 0, result.output
    assert f"already present: {folder}" in result.output


def test_models_status_names_the_live_embedder(app: Flask, runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["models", "status"])
    assert result.exit_code == 0, result.output
    assert "live embedder:    hashed" in result.output and "(hashed," in result.output


def test_embedder_page_is_for_staff(
    app: Flask, client: FlaskClient, auth: AuthActions, people: dict[str, User]
) -> None:
    assert client.get("/admin/embedder").status_code == 302  # to the login page
    auth.login("researcher@test.xm")
    assert client.get("/admin/embedder").status_code == 403
    for staff in ("broker@test.xm", "admin@test.xm"):
        auth.logout()
        auth.login(staff)
        page = client.get("/admin/embedder")
        assert page.status_code == 200
        body = page.get_data(as_text=True)
        assert "当前嵌入器" in body and "hashed" in body and "未加载语义模型" in body


def test_without_a_model_an_empty_platform_gets_the_fitted_fallback(
    app: Flask, tmp_path: Path
) -> None:
    app.extensions.pop(EXTENSION_KEY, None)
    app.config.update(EMBEDDER="model", EMBEDDING_MODEL=str(tmp_path / "no-such-model"))
    # no published listings: the fallback is fitted on the texts shipped with the project
    embedder = get_embedder(app)
    assert embedder.name.startswith("lexical-char-tfidf-svd")
    report = embedder_report(app)
    assert report.kind == "lexical" and report.fallback and "missing" in report.reason
    assert report.cache_path == str(Path(app.instance_path) / "embeddings.sqlite3")
    assert get_embedder(app) is embedder
