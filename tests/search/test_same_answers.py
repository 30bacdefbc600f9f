"""Both backends give the same top results on the same data (needs Elasticsearch)."""

from __future__ import annotations

import pytest

from search.documents import SearchQuery
from search.elastic import ElasticsearchBackend
from search.embedded import EmbeddedBackend
from search.evaluate import load_csl_papers, paper_documents
from search.vectors import HashedNgramVectorizer
from tests.search.conftest import RUN_PREFIX, elasticsearch_url

pytestmark = pytest.mark.elasticsearch


def test_backends_agree_on_the_top_results(tmp_path):
    url = elasticsearch_url()
    if not url:
        pytest.skip("TEST_ELASTICSEARCH_URL is not set")
    papers = load_csl_papers()[:200]
    vectorizer = HashedNgramVectorizer()
    embedded = EmbeddedBackend(tmp_path / "s.sqlite3", vectorizer)
    elastic = ElasticsearchBackend(url, vectorizer, index_prefix=f"{RUN_PREFIX}agree-")
    try:
        for store in (embedded, elastic):
            store.reindex("technology", paper_documents(papers))
        agree = 0
        for paper in papers[:50]:
            for mode in ("lexical", "vector", "hybrid"):
                query = SearchQuery(paper.title, mode=mode, per_page=3)
                tops = [[h.doc_id for h in s.search(query).hits][:1] for s in (embedded, elastic)]
                agree += tops[0] == tops[1]
        assert agree >= 0.95 * 150
    finally:
        elastic.drop_all()
        embedded.close()
