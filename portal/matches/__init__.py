"""Matches between listings and the organizations interested in them.

The blueprint lives in `views` so that importing the models does not load the pages. The
services (`service`, `feedback`, `subscriptions`, `ranking`, `recompute`) flush; the pages,
the `match` commands and the outbox drain commit.
"""

from __future__ import annotations

from flask import Flask


def configure_matching(app: Flask) -> None:
    """Recompute matches as a consumer of the outbox (`portal.outbox`), next to search
    indexing, so a listing's publication or edit never waits for the ranking."""
    from portal.matches.recompute import MATCH_HANDLER, recompute_changes
    from portal.outbox.service import register_outbox_handler

    register_outbox_handler(MATCH_HANDLER, recompute_changes)
