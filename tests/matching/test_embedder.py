from pathlib import Path

import numpy as np
import pytest

from matching.embedder import (
    CachedEmbedder,
    LexicalEmbedder,
    SentenceTransformerEmbedder,
    TextEmbedder,
    embedder_status,
    load_embedder,
)
from matching.embedding_cache import EmbeddingCache
from search.vectors import TextVectorizer

TEXTS = ["光伏发电", "储能电池", "污水处理", "节能锅炉", "碳捕集"]


class CountingEmbedder:
    """A real lexical embedder that counts the texts it is asked to embed."""

    def __init__(self) -> None:
        self.inner = LexicalEmbedder(TEXTS * 2 + ["风力发电", "氢燃料电池"])
        self.name, self.dim = self.inner.name, self.inner.dim
        self.seen: list[str] = []

    def embed_documents(self, texts):
        self.seen.extend(texts)
        return self.inner.embed_documents(texts)

    def embed_query(self, text):
        self.seen.append(text)
        return self.inner.embed_query(text)


def _assert_unit_rows(matrix: np.ndarray) -> None:
    assert matrix.dtype == np.float32
    assert np.allclose(np.linalg.norm(matrix, axis=-1), 1.0, atol=1e-5)


def test_tiny_model_loads_with_prompts_from_its_folder(tiny_model_dir: Path):
    embedder = SentenceTransformerEmbedder(tiny_model_dir, device="cpu", batch_size=2)
    assert embedder.query_prompt == "query: " and embedder.document_prompt == "passage: "
    documents = embedder.embed_documents(TEXTS)
    assert documents.shape == (len(TEXTS), embedder.dim) == (5, 32)
    _assert_unit_rows(documents)
    query = embedder.embed_query(TEXTS[0])
    assert query.shape == (32,)
    # the prompts differ, so a text embedded as query is not the same vector as the document
    assert not np.allclose(query, documents[0])
    assert embedder.embed_documents([]).shape == (0, 32)


def test_load_embedder_uses_the_model_and_reports_it(tiny_model_dir: Path):
    embedder = load_embedder(str(tiny_model_dir), None, None, device="cpu")
    status = embedder_status()
    assert status is not None and status.kind == "sentence-transformers" and not status.fallback
    assert embedder.dim == 32 == status.dim


def test_missing_model_falls_back_loudly(tmp_path: Path, caplog: pytest.LogCaptureFixture):
    missing = tmp_path / "no-such-model"
    embedder = load_embedder(str(missing), None, lambda: ["光伏组件回收", "风电叶片"])
    status = embedder_status()
    assert status is not None and status.fallback and status.kind == "lexical"
    assert "missing" in status.reason and "models fetch" in status.reason
    assert any(r.levelname == "WARNING" and "DEGRADED" in r.getMessage() for r in caplog.records)
    _assert_unit_rows(embedder.embed_documents(["光伏", "solar panel 光伏组件"]))


def test_unloadable_model_falls_back(tmp_path: Path):
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "modules.json").write_text("not json", encoding="utf-8")
    load_embedder(str(broken), None, TEXTS)
    status = embedder_status()
    assert status is not None and status.fallback and "could not be loaded" in status.reason


def test_embedders_fit_the_search_vectorizer_protocol(tiny_model_dir: Path):
    assert isinstance(LexicalEmbedder(TEXTS), TextEmbedder)
    assert isinstance(load_embedder(str(tiny_model_dir), None, None), TextVectorizer)


def test_lexical_embedder_puts_shared_characters_close():
    embedder = LexicalEmbedder(TEXTS + ["分布式光伏发电系统", "城市污水处理厂"])
    query = embedder.embed_query("屋顶光伏发电")
    documents = embedder.embed_documents(["分布式光伏发电系统", "城市污水处理厂"])
    assert documents[0] @ query > documents[1] @ query


def test_lexical_embedder_needs_texts():
    with pytest.raises(ValueError):
        LexicalEmbedder(["only one"])


def test_cache_embeds_each_text_once_and_persists(tmp_path: Path):
    path = tmp_path / "cache.sqlite"
    counting = CountingEmbedder()
    cached = CachedEmbedder(counting, EmbeddingCache(path))
    first = cached.embed_documents(["光伏发电", "储能电池", "光伏发电"])
    again = cached.embed_documents(["储能电池", "光伏发电"])
    assert counting.seen == ["光伏发电", "储能电池"]
    assert np.array_equal(first[0], again[1]) and np.array_equal(first[0], first[2])
    cached.embed_query("光伏发电")  # queries are a different kind: embedded once more
    assert counting.seen[-1] == "光伏发电" and len(counting.seen) == 3

    reopened_inner = CountingEmbedder()
    reopened = CachedEmbedder(reopened_inner, EmbeddingCache(path))
    assert np.array_equal(reopened.embed_documents(["储能电池"])[0], first[1])
    assert reopened_inner.seen == []
    assert len(EmbeddingCache(path)) == 3


@pytest.mark.model
def test_e5_ranks_the_paraphrase_first(e5_embedder):
    assert e5_embedder.dim == 384 and e5_embedder.query_prompt == "query: "
    documents = e5_embedder.embed_documents(
        ["太阳能电池板屋顶发电系统", "城镇污水处理厂污泥处置", "燃煤锅炉烟气脱硫"]
    )
    _assert_unit_rows(documents)
    similarities = documents @ e5_embedder.embed_query("厂房屋顶想装光伏")
    assert int(np.argmax(similarities)) == 0
