from tests.embeddings.support import e5_dir, e5_embedder  # noqa: F401
