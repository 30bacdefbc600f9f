from pathlib import Path

import numpy as np
import pytest

from embeddings.sentence_transformer import SentenceTransformerEmbedder
from tests.embeddings.support import TEXTS, assert_unit_rows


def test_tiny_model_loads_with_prompts_from_its_folder(tiny_model_dir: Path):
    embedder = SentenceTransformerEmbedder(tiny_model_dir, device="cpu", batch_size=2)
    assert embedder.query_prompt == "query: " and embedder.document_prompt == "passage: "
    documents = embedder.embed_documents(TEXTS)
    assert documents.shape == (len(TEXTS), embedder.dim) == (5, 32)
    assert_unit_rows(documents)
    query = embedder.embed_query(TEXTS[0])
    assert query.shape == (32,)
    # the prompts differ, so a text embedded as query is not the same vector as the document
    assert not np.allclose(query, documents[0])
    assert embedder.embed_documents([]).shape == (0, 32)


@pytest.mark.model
def test_e5_ranks_the_paraphrase_first(e5_embedder):
    assert e5_embedder.dim == 384 and e5_embedder.query_prompt == "query: "
    documents = e5_embedder.embed_documents(
        ["太阳能电池板屋顶发电系统", "城镇污水处理厂污泥处置", "燃煤锅炉烟气脱硫"]
    )
    assert_unit_rows(documents)
    similarities = documents @ e5_embedder.embed_query("厂房屋顶想装光伏")
    assert int(np.argmax(similarities)) == 0
