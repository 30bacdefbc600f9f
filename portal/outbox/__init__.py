"""The transactional outbox: core infrastructure that knows no feature.

`models` holds ``OutboxEntry`` (one row per change of a tracked record); `service` holds the
session hooks that write those rows in the transaction of the change, the registries features
fill (``track_model``, ``register_outbox_handler``, ``register_cascade``) and the drain that
dispatches rows to the handlers after commit. Features register from their own packages
(search indexing in `portal.search_index`, match recomputation in `portal.matches`); the app
factory calls ``configure_outbox`` once.
"""

from __future__ import annotations

from flask import Flask


def configure_outbox(app: Flask) -> None:
    """Hook the app's session: tracked changes are written to, and drained from, the outbox."""
    from portal.outbox.service import install_outbox

    install_outbox(app)
