"""Objects built once per Flask app and kept in ``app.extensions``.

The embedder, the search backends and the classifiers are slow to build (a model load, an index
open, every example embedded), so each is built on first use and then shared by all threads.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from flask import Flask, current_app

T = TypeVar("T")

# Re-entrant: one build may need another (the classifiers and the backends need the embedder).
_build_lock = threading.RLock()


def per_app(app: Flask | None, key: str, build: Callable[[Flask], T]) -> T:
    """``app.extensions[key]``, built by ``build(app)`` the first time; the current app if None."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    built = app.extensions.get(key)
    if built is None:
        with _build_lock:
            built = app.extensions.get(key)  # another thread may have built it meanwhile
            if built is None:
                built = app.extensions[key] = build(app)
    return built
