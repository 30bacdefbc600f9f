"""The list pages read their page off an index in either sort order and count from an index,
on both databases, rather than sorting or reading every published row."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import Select, func, select, text

from portal.extensions import db
from portal.listings.models import Need, Technology
from portal.listings.query import ListingFilter, ListingSort, listings_query


def query_plan(statement: Select, *forbidden: str) -> str:
    """SQLite's plan, or PostgreSQL's with the `forbidden` plan kinds (enable_* settings) off."""
    sql = str(statement.compile(db.engine, compile_kwargs={"literal_binds": True}))
    if db.engine.dialect.name == "sqlite":
        return "\n".join(row[3] for row in db.session.execute(text(f"EXPLAIN QUERY PLAN {sql}")))
    # The test tables are nearly empty, where any plan is as cheap as another: forbidding
    # plan kinds shows whether an index can give the answer at all.
    for kind in forbidden:
        db.session.execute(text(f"SET LOCAL enable_{kind} = off"))
    return "\n".join(row[0] for row in db.session.execute(text(f"EXPLAIN {sql}")))


@pytest.mark.parametrize("model", [Technology, Need])
@pytest.mark.parametrize(
    ("sort", "index"), [(ListingSort.NEWEST, "newest"), (ListingSort.MOST_VIEWED, "most_viewed")]
)
def test_public_list_page_comes_off_its_sort_index(
    app: Flask, model: type[Technology] | type[Need], sort: ListingSort, index: str
) -> None:
    plan = query_plan(listings_query(model, ListingFilter(sort=sort)).limit(20), "seqscan", "sort")
    assert f"ix_{model.__tablename__}_{index}" in plan
    assert "TEMP B-TREE" not in plan  # SQLite sorting the rows itself
    assert "Sort" not in plan.split("Index")[0]  # PostgreSQL sorting above the index scan


# SQLite only: on PostgreSQL an index-only scan over near-empty test tables costs the same as
# any other plan, so which one it takes says nothing about the catalogue's real tables.
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("model", [Technology, Need])
def test_list_count_reads_only_the_filter_index(
    app: Flask, model: type[Technology] | type[Need]
) -> None:
    filtered = listings_query(model, ListingFilter(trl_min=5)).order_by(None).subquery()
    plan = query_plan(select(func.count()).select_from(filtered))
    assert f"COVERING INDEX ix_{model.__tablename__}_filters" in plan
