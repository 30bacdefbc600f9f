"""Search in the portal: documents from the database, backends chosen by configuration, the
search page, the API route and the `search` commands.

The indices are kept true by the outbox (`portal.outbox`): this package tracks the searchable
models there, registers the indexing handler, and declares the one cascade search cares about
(deleting an organization deletes its listings in the database, unseen by the ORM)."""

from __future__ import annotations

from flask import Flask


def configure_search(app: Flask) -> None:
    """Track searchable models in the outbox, make search indexing one of its handlers and
    record an organization's listings when it is deleted."""
    from portal.organizations.models import Organization
    from portal.outbox.service import register_cascade, register_outbox_handler, track_model
    from portal.search_index.documents import (
        PORTAL_DOC_TYPES,
        listings_deleted_with_organization,
    )
    from portal.search_index.service import SEARCH_HANDLER, index_changes

    for doc_type, model in PORTAL_DOC_TYPES.items():
        track_model(model, doc_type)
    register_cascade(Organization, listings_deleted_with_organization)
    register_outbox_handler(SEARCH_HANDLER, index_changes)
