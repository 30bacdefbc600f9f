"""Shared by the embedding tests: a tiny sentence-transformers model built on the spot, the real
multilingual-e5-small folder for the tests marked ``model``, and a few texts and checks.

The fixtures are imported by the conftest of each test package that needs them (embeddings,
matching).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]
E5_FOLDER = Path(
    os.environ.get("EMBEDDING_MODEL_DIR", REPO / "instance/models/multilingual-e5-small")
)

TEXTS = ["光伏发电", "储能电池", "污水处理", "节能锅炉", "碳捕集"]


def assert_unit_rows(matrix: np.ndarray) -> None:
    assert matrix.dtype == np.float32
    assert np.allclose(np.linalg.norm(matrix, axis=-1), 1.0, atol=1e-5)


_TINY_VOCAB = [
    "[PAD]",
    "[UNK]",
    "[CLS]",
    "[SEP]",
    "[MASK]",
    *"光伏发电储能电池污水处理节能锅炉碳捕集风力氢燃料",
    "solar",
    "power",
    "query",
    "passage",
    ":",
]


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2-layer BERT with a 30-token WordPiece vocabulary, saved as a sentence-transformers folder
    with e5-style prompts (random weights: this tests the loading path, not quality)."""
    import torch
    from sentence_transformers import SentenceTransformer, models
    from transformers import BertConfig, BertModel, BertTokenizerFast

    torch.manual_seed(0)
    base = tmp_path_factory.mktemp("tiny-bert")
    tokenizer = BertTokenizerFast(vocab={token: i for i, token in enumerate(_TINY_VOCAB)})
    config = BertConfig(
        vocab_size=len(_TINY_VOCAB),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
    )
    transformer_dir = base / "transformer"
    BertModel(config).save_pretrained(transformer_dir)
    tokenizer.save_pretrained(transformer_dir)
    word = models.Transformer(str(transformer_dir), max_seq_length=64)
    pooling = models.Pooling(word.get_embedding_dimension(), pooling_mode="mean")
    model = SentenceTransformer(
        modules=[word, pooling, models.Normalize()],
        prompts={"query": "query: ", "document": "passage: "},
    )
    out = base / "tiny-st"
    model.save(str(out))
    return out


@pytest.fixture(scope="session")
def e5_dir() -> Path:
    """The real model folder; skipped locally when absent, a failure in CI (CI fetches it first)."""
    if not (E5_FOLDER / "model.safetensors").is_file():
        message = (
            f"multilingual-e5-small not found at {E5_FOLDER}; run `flask --app wsgi models fetch`"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return E5_FOLDER


@pytest.fixture(scope="session")
def e5_embedder(e5_dir: Path):
    from embeddings.sentence_transformer import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder(e5_dir, device="cpu")
