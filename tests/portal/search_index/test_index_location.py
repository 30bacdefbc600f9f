"""The embedded index belongs to one database: two databases never share one index."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from portal import create_app
from portal.config import TestConfig
from portal.search_index.backends import (
    database_identity,
    get_backends,
    index_location,
    reset_backends,
)
from search.documents import IndexOfAnotherDatabase, SearchDocument, SearchQuery


def _app_on(database: Path, instance: Path, index_dir: Path | None = None) -> Flask:
    app = create_app(TestConfig)
    app.config.update(SQLALCHEMY_DATABASE_URI=f"sqlite:///{database}", SEARCH_INDEX_DIR=index_dir)
    app.instance_path = str(instance)
    return app


def _document(doc_id: int) -> SearchDocument:
    return SearchDocument("technology", doc_id, "钠离子电池储能系统", "钠离子电池用于储能。", {})


def test_two_databases_in_one_instance_folder_keep_their_own_documents(tmp_path: Path) -> None:
    first = _app_on(tmp_path / "first.sqlite3", tmp_path / "instance")
    second = _app_on(tmp_path / "second.sqlite3", tmp_path / "instance")
    try:
        get_backends(first).embedded.bulk_index([_document(1)])
        seen_by_second = get_backends(second).embedded

        assert seen_by_second.count("technology") == 0
        assert seen_by_second.search(SearchQuery("钠离子电池")).hits == []
        assert get_backends(first).embedded.search(SearchQuery("钠离子电池")).total == 1
        assert index_location(first).directory != index_location(second).directory
        assert index_location(first).directory.parent == tmp_path / "instance" / "search"
    finally:
        reset_backends(first)
        reset_backends(second)


def test_one_index_folder_for_two_databases_refuses_the_second(tmp_path: Path) -> None:
    shared = tmp_path / "search"
    first = _app_on(tmp_path / "first.sqlite3", tmp_path / "instance", shared)
    second = _app_on(tmp_path / "second.sqlite3", tmp_path / "instance", shared)
    try:
        get_backends(first).embedded.bulk_index([_document(1)])
        with pytest.raises(IndexOfAnotherDatabase, match="second.sqlite3"):
            get_backends(second)
        assert get_backends(first).embedded.database == database_identity(first)
        with second.app_context():
            status = second.test_cli_runner().invoke(args=["search", "status"])
        assert status.exit_code != 0
        assert "was built from" in status.output and "SEARCH_INDEX_DIR" in status.output
    finally:
        reset_backends(first)
        reset_backends(second)


def test_the_identity_names_the_database_without_password_or_driver(tmp_path: Path) -> None:
    app = create_app(TestConfig)
    app.config["SQLALCHEMY_DATABASE_URI"] = (
        "postgresql+psycopg://portal:s3cret@127.0.0.1:5432/portal_a"
    )
    identity = database_identity(app)
    assert identity == "postgresql://portal@127.0.0.1:5432/portal_a"
    app.config["SQLALCHEMY_DATABASE_URI"] = "postgresql://portal:other@127.0.0.1:5432/portal_a"
    assert database_identity(app) == identity  # the same database by another driver or password
    app.config["SQLALCHEMY_DATABASE_URI"] = "postgresql://portal@127.0.0.1:5432/portal_b"
    assert database_identity(app) != identity
