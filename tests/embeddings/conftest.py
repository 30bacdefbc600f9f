from tests.embeddings.support import e5_dir, e5_embedder, tiny_model_dir  # noqa: F401
