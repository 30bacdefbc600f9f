"""The lexical fallback embedder, used when no sentence-transformers model loads."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from embeddings.protocol import l2_normalize

LEXICAL_DIM = 256


class LexicalEmbedder:
    """Character n-gram TF-IDF reduced by truncated SVD, fitted on the platform's own texts.

    Character n-grams need no word segmentation and survive paraphrase better than words; SVD folds
    n-grams that occur together into shared dimensions, so near-synonyms land near each other.
    """

    def __init__(self, fit_texts: Sequence[str], *, dim: int = LEXICAL_DIM, seed: int = 0) -> None:
        from sklearn.decomposition import TruncatedSVD
        from sklearn.feature_extraction.text import TfidfVectorizer

        corpus = [text for text in dict.fromkeys(fit_texts) if text and text.strip()]
        if len(corpus) < 3:
            raise ValueError("the lexical embedder needs at least three distinct texts to fit")
        self.vectorizer = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=(1, 3),
            sublinear_tf=True,
            min_df=1,
            max_features=200_000,
        )
        tfidf = self.vectorizer.fit_transform(corpus)
        components = max(1, min(dim, tfidf.shape[0] - 1, tfidf.shape[1] - 1))
        self.svd = TruncatedSVD(n_components=components, random_state=seed).fit(tfidf)
        self.dim = components
        fingerprint = hashlib.sha256("\0".join(corpus).encode("utf-8")).hexdigest()[:10]
        # the fingerprint keeps cached vectors of one fit from being served for another
        self.name = f"lexical-char-tfidf-svd{components}-{fingerprint}"

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return l2_normalize(self.svd.transform(self.vectorizer.transform(list(texts))))

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_documents([text])[0]
