"""Search in the portal: documents from the database, the outbox that keeps indices true,
backends chosen by configuration, the search page, the API route and the `search` commands."""

from __future__ import annotations

from flask import Flask


def configure_search(app: Flask) -> None:
    """Track searchable models in the outbox and make search indexing one of its handlers."""
    from portal.search_index.documents import PORTAL_DOC_TYPES
    from portal.search_index.outbox import install_outbox, register_outbox_handler, track_model
    from portal.search_index.service import SEARCH_HANDLER, index_changes

    for doc_type, model in PORTAL_DOC_TYPES.items():
        track_model(model, doc_type)
    register_outbox_handler(SEARCH_HANDLER, index_changes)
    install_outbox(app)
