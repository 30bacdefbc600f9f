import pytest

from embeddings.fallback import LexicalEmbedder
from tests.embeddings.support import TEXTS


def test_lexical_embedder_puts_shared_characters_close():
    embedder = LexicalEmbedder(TEXTS + ["分布式光伏发电系统", "城市污水处理厂"])
    query = embedder.embed_query("屋顶光伏发电")
    documents = embedder.embed_documents(["分布式光伏发电系统", "城市污水处理厂"])
    assert documents[0] @ query > documents[1] @ query


def test_lexical_embedder_needs_texts():
    with pytest.raises(ValueError):
        LexicalEmbedder(["only one"])
