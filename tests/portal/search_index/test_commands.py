"""`flask search reindex|sync|status|evaluate` on each backend."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskCliRunner

from portal.accounts.models import User
from portal.listings.kinds import ListingKind
from portal.search_index.backends import database_identity, get_backends
from tests.factories import make_listing


def test_reindex_status_and_sync(
    app: Flask, runner: FlaskCliRunner, search_on: str, people_for_search: dict[str, User]
) -> None:
    make_listing(
        ListingKind.TECHNOLOGY,
        people_for_search["researcher"],
        published_by=people_for_search["broker"],
        title="钠离子电池储能系统",
    )
    backends = get_backends(app)
    for backend in backends.all:
        backend.recreate("technology")  # an index that lost its documents

    status = runner.invoke(args=["search", "status"])
    assert status.exit_code == 0, status.output
    assert "technology             1         0" in status.output
    assert "(set by SEARCH_INDEX_DIR)" in status.output
    assert f"belongs to database: {database_identity(app)}" in status.output

    reindexed = runner.invoke(args=["search", "reindex", "--type", "technology"])
    assert reindexed.exit_code == 0, reindexed.output
    assert "reindexed technology 1" in reindexed.output
    assert all(backend.count("technology") == 1 for backend in backends.all)
    assert all(backend.count("organization") == 2 for backend in backends.all)

    synced = runner.invoke(args=["search", "sync"])
    assert synced.exit_code == 0, synced.output
    assert "0 waiting" in synced.output


def test_evaluate_prints_the_table(app: Flask, runner: FlaskCliRunner, search_on: str) -> None:
    result = runner.invoke(
        args=["search", "evaluate", "--backend", search_on, "--limit", "30", "--split", "test"]
    )
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if line.startswith(search_on)]
    assert len(lines) == 9  # three tasks x lexical, vector, hybrid
    title_lexical = next(line for line in lines if "title->abstract" in line and "lexical" in line)
    assert float(title_lexical.split()[3]) >= 0.9  # Recall@10 on the 15 even papers of 30
    needs = next(line for line in lines if "need->catalogue" in line and "lexical" in line)
    assert int(needs.split()[-1]) == 50  # queries: the test half of the problem-voiced needs
