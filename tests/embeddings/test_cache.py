from pathlib import Path

import numpy as np

from embeddings.cache import CachedEmbedder, EmbeddingCache
from embeddings.fallback import LexicalEmbedder
from tests.embeddings.support import TEXTS


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
    cached.embed_query("光伏发电")
    assert len(counting.seen) == 3

    reopened_inner = CountingEmbedder()
    reopened = CachedEmbedder(reopened_inner, EmbeddingCache(path))
    assert np.array_equal(reopened.embed_documents(["储能电池"])[0], first[1])
    assert reopened_inner.seen == []
    assert len(EmbeddingCache(path)) == 2  # the two documents; queries stay in memory


def test_query_vectors_live_in_a_bounded_memory_cache_only(tmp_path: Path):
    path = tmp_path / "cache.sqlite"
    counting = CountingEmbedder()
    cached = CachedEmbedder(counting, EmbeddingCache(path), query_cache_size=2)
    first = cached.embed_query("光伏发电")
    assert np.array_equal(first, counting.inner.embed_query("光伏发电"))
    assert not first.flags.writeable  # a caller cannot change the cached vector
    for text in ("风力发电", "氢燃料电池", "光伏发电"):
        cached.embed_query(text)
    # The oldest of three queries left the two-entry cache, so it was embedded again.
    assert counting.seen == ["光伏发电", "风力发电", "氢燃料电池", "光伏发电"]
    assert len(EmbeddingCache(path)) == 0
