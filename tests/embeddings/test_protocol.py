from pathlib import Path

import numpy as np

from embeddings.fallback import LexicalEmbedder
from embeddings.loading import load_embedder
from embeddings.protocol import TextEmbedder, l2_normalize
from search.vectors import HashedNgramVectorizer
from tests.embeddings.support import TEXTS


def test_every_embedder_is_a_text_embedder(tiny_model_dir: Path):
    assert isinstance(LexicalEmbedder(TEXTS), TextEmbedder)
    assert isinstance(load_embedder(str(tiny_model_dir), None, None), TextEmbedder)
    assert isinstance(HashedNgramVectorizer(), TextEmbedder)


def test_l2_normalize_scales_rows_and_keeps_zero_rows():
    rows = l2_normalize(np.array([[3.0, 4.0], [0.0, 0.0]]))
    assert rows.dtype == np.float32
    assert np.allclose(rows, [[0.6, 0.8], [0.0, 0.0]])
