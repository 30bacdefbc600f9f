"""The portal's embedder: one per app, its status, and the `models` CLI group.

- ``service``: ``get_embedder(app)`` (built once per app, see ``portal.app_state``),
  ``configured_model``, ``default_model_folder`` and ``embedder_report`` (which embedder is live
  and why; the ``/admin/embedder`` page in ``portal.admin`` shows it).
- ``commands``: `flask --app wsgi models fetch|status`.

What embeds, falls back, caches and fetches the model is the Flask-free ``embeddings`` package.
"""
