"""One path through the real embedder (multilingual-e5-small), as the running portal uses it."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from portal import PROJECT_ROOT
from portal.accounts.models import User
from portal.embeddings.service import EXTENSION_KEY
from portal.listings.kinds import ListingKind
from portal.search_index.backends import get_backends, reset_backends
from portal.search_index.service import reindex, run_search
from search.documents import SearchQuery
from tests.factories import make_listing

MODEL = PROJECT_ROOT / "instance" / "models" / "multilingual-e5-small"


@pytest.mark.model
def test_the_model_vectors_find_a_paraphrase(
    app: Flask, people_for_search: dict[str, User]
) -> None:
    if not Path(MODEL, "config.json").exists():
        pytest.skip(f"{MODEL} is missing: run `flask --app wsgi models fetch`")
    reset_backends(app)
    app.extensions.pop(EXTENSION_KEY, None)
    app.config.update(EMBEDDER="model", EMBEDDING_MODEL=str(MODEL))
    # The index was built with the test embedder: after a model change it must be rebuilt.
    assert get_backends(app).stale_vectors == "hashed-ngrams-256"
    reindex(["organization"])
    assert get_backends(app).stale_vectors is None
    tech = make_listing(
        ListingKind.TECHNOLOGY,
        people_for_search["researcher"],
        published_by=people_for_search["broker"],
        title="钠离子电池储能系统",
        summary="面向工商业用户侧储能的低成本钠离子电池系统，循环寿命四千次以上。",
    )
    assert get_backends(app).vectorizer.dim == 384
    query = SearchQuery("便宜的电化学蓄电装置", doc_types=("technology",), mode="vector")
    assert [hit.doc_id for hit in run_search(query).result.hits][:1] == [tech.id]
    reset_backends(app)
