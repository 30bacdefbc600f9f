"""Fixtures shared by the portal's tests: an app per database backend, a client, log-in helper.

Every app test runs on SQLite and on PostgreSQL (TEST_DATABASE_URL). Without that
variable the PostgreSQL runs are skipped locally; under CI=true they fail instead,
so a CI run can never pass by silently not testing PostgreSQL.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import inspect

from portal import create_app
from portal.accounts.models import Role, User
from portal.config import TestConfig
from portal.extensions import db
from portal.organizations.models import OrgKind
from tests.factories import AuthActions, make_org, make_user


def require_service(env_var: str, what: str) -> str:
    """The service URL from env_var; skip without it locally, fail without it in CI."""
    url = os.environ.get(env_var)
    if url:
        return url
    message = f"{what} not available: set {env_var}"
    if os.environ.get("CI") == "true":
        pytest.fail(message + " (CI must run against the real service)")
    pytest.skip(message)


DATABASE_BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(params=DATABASE_BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return database_url_for(request.param, tmp_path)


def _drop_everything() -> None:
    db.drop_all()
    with db.engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")


def _keeps_schema(database_url: str) -> bool:
    """On PostgreSQL the schema is kept from test to test and only emptied (dropping and
    creating every table for each test cost minutes a run), as long as its tables are the
    models' ones: a test that changed them (the migration test, an app of a test's own) is
    seen here and the schema made again."""
    return database_url.startswith("postgresql") and set(
        inspect(db.engine).get_table_names()
    ) == set(db.metadata.tables)


# Databases whose schema this run made: each test empties its database when it ends, but the
# first test of a run cannot trust what an earlier run left (rows, or tables of older models).
_MADE_THIS_RUN: set[str] = set()


def _truncate_all() -> None:
    names = ", ".join(f'"{table.name}"' for table in db.metadata.sorted_tables)
    with db.engine.begin() as connection:
        connection.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")


# A SQLite file with the schema this run made first: making the tables in a new file costs
# about a second (each statement is synced to disk), copying the file a few milliseconds.
_SQLITE_SCHEMA: list[Path] = []


def _copy_sqlite(source: Path, target: Path) -> None:
    """SQLite's own backup copy: right whatever journal mode the file is in."""
    with closing(sqlite3.connect(source)) as original, closing(sqlite3.connect(target)) as copy:
        original.backup(copy)


def _sqlite_file(database_url: str) -> Path | None:
    prefix = "sqlite:///"
    return Path(database_url.removeprefix(prefix)) if database_url.startswith(prefix) else None


def _fresh_schema(database_url: str) -> None:
    sqlite_file = _sqlite_file(database_url)
    if sqlite_file is not None and _SQLITE_SCHEMA and not sqlite_file.exists():
        # Nothing has opened the file yet, so no connection sees it replaced.
        _copy_sqlite(_SQLITE_SCHEMA[0], sqlite_file)
        return
    if database_url not in _MADE_THIS_RUN or not _keeps_schema(database_url):
        _drop_everything()
        db.create_all()
        _MADE_THIS_RUN.add(database_url)
        if sqlite_file is not None and not _SQLITE_SCHEMA:
            schema = sqlite_file.with_name("schema.sqlite3")
            _copy_sqlite(sqlite_file, schema)
            _SQLITE_SCHEMA.append(schema)


def _empty_schema(database_url: str) -> None:
    if _sqlite_file(database_url) is not None:
        return  # the file is the test's own and goes with its folder
    if _keeps_schema(database_url):
        _truncate_all()
    else:
        _drop_everything()


def app_with(**settings: object) -> Flask:
    """An app on TestConfig with `settings` in its config class. Flask-SQLAlchemy makes its
    engine when the app is created, so a database URL set on the config afterwards would
    leave the app on TestConfig's in-memory SQLite."""
    return create_app(type("TestSettings", (TestConfig,), settings))


def database_url_for(backend: str, folder: Path) -> str:
    """A SQLite file in `folder`, or the PostgreSQL database of TEST_DATABASE_URL."""
    if backend == "sqlite":
        return f"sqlite:///{folder / 'portal.sqlite3'}"
    return require_service("TEST_DATABASE_URL", "PostgreSQL")


@contextmanager
def app_on_database(database_url: str, folder: Path) -> Iterator[Flask]:
    """A test app on a fresh schema of `database_url`, its files in `folder`, inside its app
    context; the database is emptied when the block ends."""
    app = app_with(
        SQLALCHEMY_DATABASE_URI=database_url,
        WTF_CSRF_ENABLED=False,
        SEARCH_INDEX_DIR=str(folder / "search"),
    )
    app.instance_path = str(folder / "instance")
    with app.app_context():
        # The engine is the database asked for, not a silent stand-in.
        assert db.engine.url.render_as_string(hide_password=False) == database_url
        _fresh_schema(database_url)
        try:
            yield app
        finally:
            db.session.remove()
            _empty_schema(database_url)
            db.engine.dispose()


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    with app_on_database(database_url, tmp_path) as app:
        yield app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def people(app: Flask) -> dict[str, User]:
    """One account per role, in two universities and two enterprises."""
    xmu = make_org("厦门大学", OrgKind.UNIVERSITY)
    iue = make_org("中国科学院城市环境研究所", OrgKind.INSTITUTE)
    firm = make_org("厦门示例新能源有限公司", OrgKind.ENTERPRISE)
    other_firm = make_org("厦门另一家企业有限公司", OrgKind.ENTERPRISE)
    return {
        "researcher": make_user("researcher@test.xm", Role.RESEARCHER, xmu),
        "other_researcher": make_user("other@test.xm", Role.RESEARCHER, iue),
        "enterprise": make_user("enterprise@test.xm", Role.ENTERPRISE, firm),
        "other_enterprise": make_user("other-ent@test.xm", Role.ENTERPRISE, other_firm),
        "broker": make_user("broker@test.xm", Role.BROKER),
        "admin": make_user("admin@test.xm", Role.ADMIN),
    }
