"""Migrations build exactly the models' schema, and undo it, on every database."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from portal.extensions import db


def test_upgrade_matches_models_and_downgrade_removes_everything(app: Flask) -> None:
    db.drop_all()
    assert inspect(db.engine).get_table_names() == []

    upgrade()
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "render_as_batch": True}
        )
        drift = compare_metadata(context, db.metadata)
    assert drift == [], f"models and migrations disagree: {drift}"

    downgrade(revision="base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
